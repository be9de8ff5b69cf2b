"""Under ``./dev serve`` (the warm builder), a rebuild shows its changed pages first,
then the search index follows (``speed/early_pages.py``).

Pagefind is made slow here (a plugin puts a wrapper that sleeps before the
real Pagefind): the edited page must be in the published output while the
search index there is still the previous build's; then the whole new output
is swapped in and equals a fresh build's. A save made while the search index
is being made is built right after, and nothing is lost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench import differences
from helpers import BUILD_EPOCH, ROOT, action, make_content, run_pelican
from urgent_actions.speed import warm

DONE = "Done: "
SEARCH_SLEEP = 3
SLOW_PAGEFIND = f"""
import os
import pagefind_bin

REAL = str(pagefind_bin.get_executable())
WRAPPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pagefind")

def register():
    with open(WRAPPER, "w") as handle:
        handle.write("#!/bin/sh\\nsleep {SEARCH_SLEEP}\\nexec " + REAL + ' "$@"\\n')
    os.chmod(WRAPPER, 0o755)
    pagefind_bin.get_executable = lambda: WRAPPER
"""


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


def _wait_for(condition, what: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"no {what}:\n{_read(log)[-3000:]}"
        time.sleep(0.02)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + f"\n{text}\n", "utf-8")


def _index(output: Path) -> dict[str, int]:
    """The published search index: file -> inode."""
    return {str(p.relative_to(output)): p.stat().st_ino for p in (output / "pagefind").rglob("*") if p.is_file()}


class _Builder:
    """The warm builder on a two-action site, with a slow Pagefind."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.content = make_content(tmp_path, {"a": action(), "b": action(case="UA 046/26", people=["Leila Example"])})
        self.output = tmp_path / "output"
        self.log = tmp_path / "warm.log"
        (tmp_path / "slow" / "slow_pagefind.py").parent.mkdir()
        (tmp_path / "slow" / "slow_pagefind.py").write_text(SLOW_PAGEFIND, "utf-8")
        overrides = {
            "PATH": str(self.content), "UA_CACHE_PATH": str(tmp_path / "cache"),
            "PLUGIN_PATHS": [str(ROOT / "plugins"), str(tmp_path / "slow")],
            "PLUGINS": ["urgent_actions", "slow_pagefind"],
        }  # fmt: skip
        command, env = warm.command(
            sys.executable, str(ROOT / "pelicanconf.py"), str(self.output),
            ("-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items()), "-v"),
        )  # fmt: skip
        env.update(SOURCE_DATE_EPOCH=BUILD_EPOCH, COLUMNS="300")
        with open(self.log, "w") as handle:
            self.process = subprocess.Popen(
                command, cwd=tmp_path, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip

    def builds(self) -> int:
        return _read(self.log).count(DONE)

    def page(self, slug: str) -> str:
        return _read(self.output / "actions" / slug / "index.html")

    def stop(self) -> list[str]:
        """Stop it (SIGTERM, bounded); its children that were running just before."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        return [pid for pid in children if Path(f"/proc/{pid}").exists()]

    def same_as_fresh(self) -> list:
        fresh = self.tmp / "fresh"
        result = run_pelican(self.tmp, self.content, fresh, overrides={"UA_CACHE_PATH": str(self.tmp / "c2")})
        assert result.returncode == 0, result.stderr[-3000:]
        return differences(self.output, fresh)


def test_the_edited_page_is_shown_before_the_search_index_then_the_index_follows(tmp_path):
    builder = _Builder(tmp_path)
    try:
        _wait_for(lambda: builder.builds() == 1, "first build", builder.log)
        root, index = os.stat(builder.output).st_ino, _index(builder.output)
        assert index, "the first build made a search index"
        _append(builder.content / "actions" / "a.md", "Ajout visible avant la recherche.")
        _wait_for(lambda: "Ajout visible avant la recherche" in builder.page("a"), "edited page", builder.log)
        # The page answers with the edit; the search index is still the previous build's.
        assert builder.builds() == 1
        assert os.stat(builder.output).st_ino == root
        assert _index(builder.output) == index
        _wait_for(lambda: builder.builds() == 2, "end of the rebuild", builder.log)
        assert os.stat(builder.output).st_ino != root
        assert _index(builder.output) != index, "the search index followed"
    finally:
        left = builder.stop()
    assert left == []
    assert "Shown early: " in _read(builder.log)
    assert builder.same_as_fresh() == []


def test_a_save_while_the_search_index_is_made_is_built_next(tmp_path):
    builder = _Builder(tmp_path)
    try:
        _wait_for(lambda: builder.builds() == 1, "first build", builder.log)
        _append(builder.content / "actions" / "a.md", "Premier ajout.")
        _wait_for(lambda: "Premier ajout" in builder.page("a"), "first edit shown", builder.log)
        assert builder.builds() == 1, "saved while Pagefind still runs"
        _append(builder.content / "actions" / "b.md", "Second ajout pendant la recherche.")
        _wait_for(lambda: builder.builds() == 3, "both rebuilds", builder.log)
    finally:
        left = builder.stop()
    assert left == []
    assert "Second ajout pendant la recherche" in builder.page("b")
    assert "Premier ajout" in builder.page("a")
    assert builder.same_as_fresh() == []
