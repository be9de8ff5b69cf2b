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
from urgent_actions.children import DIE_WITH_PARENT
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
        self.command, self.env = warm.command(
            sys.executable, str(ROOT / "pelicanconf.py"), str(self.output),
            ("-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items()), "-v"),
        )  # fmt: skip
        self.env.update(SOURCE_DATE_EPOCH=BUILD_EPOCH, COLUMNS="300")
        self.start()

    def start(self) -> None:
        """Start the builder; its output goes on at the end of the log."""
        command, env = self.command, self.env
        with open(self.log, "a") as handle:
            self.process = subprocess.Popen(
                command, cwd=self.tmp, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=DIE_WITH_PARENT,  # noqa: PLW1509 - prctl only
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


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _pages_with(output: Path, text: str) -> dict[str, bytes]:
    """The published HTML files that contain ``text``: name -> bytes."""
    found = {}
    for path in output.rglob("*.html"):
        data = path.read_bytes()
        if text.encode() in data:
            found[str(path.relative_to(output))] = data
    return found


def _edit_a_and_wait_for_its_preview(builder, old: str, new: str) -> None:
    """After the first build, replace ``old`` by ``new`` in a.md and wait for the preview."""
    _wait_for(lambda: builder.builds() == 1, "first build", builder.log)
    _replace(builder.content / "actions" / "a.md", old, new)
    _wait_for(lambda: "Preview: " in _read(builder.log), "preview", builder.log)


def test_a_saved_letter_is_previewed_with_the_bytes_the_build_then_writes(tmp_path):
    builder = _Builder(tmp_path)
    try:
        _edit_a_and_wait_for_its_preview(builder, "de le libérer.", "de le libérer sans délai.")
        previewed = _pages_with(builder.output, "libérer sans délai")
        # Taken before the build wrote anything: what is published is the preview's.
        after_preview = _read(builder.log).split("Preview: ", 1)[1]
        assert "Wrote " not in after_preview and builder.builds() == 1
        # The action's page and its printable letters.
        assert "actions/a/index.html" in previewed and len(previewed) >= 2, sorted(previewed)
        _wait_for(lambda: builder.builds() == 2, "end of the rebuild", builder.log)
    finally:
        builder.stop()
    assert {name: (builder.output / name).read_bytes() for name in previewed} == previewed
    assert builder.same_as_fresh() == []


def test_a_preview_that_lists_cannot_know_is_completed_by_the_build(tmp_path):
    builder = _Builder(tmp_path)
    try:
        _edit_a_and_wait_for_its_preview(builder, "un chercheur détenu", "un chercheur toujours détenu")
        assert "toujours détenu" in builder.page("a")
        _wait_for(lambda: builder.builds() == 2, "end of the rebuild", builder.log)
    finally:
        builder.stop()
    # The home page lists the new title: the build wrote it, and everything else a fresh build writes.
    assert "toujours détenu" in _read(builder.output / "index.html")
    assert builder.same_as_fresh() == []


def test_the_first_save_after_a_start_that_finds_nothing_to_do_is_previewed(tmp_path):
    builder = _Builder(tmp_path)
    try:
        _wait_for(lambda: builder.builds() == 1, "first build", builder.log)
    finally:
        builder.stop()
    builder.start()
    try:
        _wait_for(lambda: builder.builds() == 2, "start with nothing to do", builder.log)
        assert "nothing changed since the last build" in _read(builder.log)
        _append(builder.content / "actions" / "b.md", "Vu dès la première sauvegarde.")
        _wait_for(lambda: "Preview: " in _read(builder.log), "preview", builder.log)
        assert "Vu dès la première sauvegarde." in builder.page("b")
        _wait_for(lambda: builder.builds() == 3, "end of the rebuild", builder.log)
    finally:
        builder.stop()
    assert builder.same_as_fresh() == []


def _break_action_a(builder, old: str, new: str, appended: str = "") -> str:
    """After the first build, replace ``old`` by ``new`` in a.md (and append a line), wait
    for the build to stop on it; return a's page as the first build published it."""
    _wait_for(lambda: builder.builds() == 1, "first build", builder.log)
    before = builder.page("a")
    _replace(builder.content / "actions" / "a.md", old, new)
    if appended:
        _append(builder.content / "actions" / "a.md", appended)
    _wait_for(lambda: "the build stopped" in _read(builder.log), "failed rebuild", builder.log)
    return before


def test_an_invalid_action_file_is_not_previewed_and_the_build_says_why(tmp_path):
    builder = _Builder(tmp_path)
    try:
        before = _break_action_a(builder, "update: 0", "update: zéro\nsummary_typo: oui")
        assert builder.page("a") == before
        # Fixed: the previous save is part of what is previewed, and the build follows.
        _replace(builder.content / "actions" / "a.md", "update: zéro\nsummary_typo: oui", "update: 0")
        _append(builder.content / "actions" / "a.md", "Corrigé.")
        _wait_for(lambda: "Corrigé." in builder.page("a"), "fixed page", builder.log)
        _wait_for(lambda: builder.builds() == 2, "end of the rebuild", builder.log)
    finally:
        builder.stop()
    log = _read(builder.log)
    assert "a.md: update: " in log
    assert log.count("Preview: ") == 1
    assert builder.same_as_fresh() == []


def test_an_edit_that_breaks_a_rule_across_files_is_not_previewed(tmp_path):
    builder = _Builder(tmp_path)
    try:
        # b is update 0 of case UA 046/26: a cannot be that too.
        before = _break_action_a(builder, "case: UA 045/26", "case: UA 046/26", "Même numéro que b.")
    finally:
        builder.stop()
    log = _read(builder.log)
    assert "a.md: update: case 'UA 046/26' already has update 0 in b.md" in log
    assert "Preview: " not in log
    assert builder.page("a") == before


def _cache(tmp_path: Path, memory, read_key: str = "read"):
    from urgent_actions.speed.cache import BuildCache

    return BuildCache(str(tmp_path / "cache"), str(tmp_path / "output"), read_key, "render", memory=memory)


def test_the_warm_builders_read_cache_stays_in_memory_while_its_file_is_unchanged(tmp_path):
    from urgent_actions.speed.memory import WarmMemory

    memory = WarmMemory()
    first = _cache(tmp_path, memory)
    first.store_read("a.md", "d1", {"title": "A"}, "<p>à</p>", (1, 2, 3))
    first.store_read("b.md", "d2", {"title": "B"}, b"<p>b</p>", (4, 5, 6))
    first.save()
    # The next build takes the very entries from memory (nothing unpickled), the HTML as bytes.
    second = _cache(tmp_path, memory)
    assert second.cached_by_stat("a.md", (1, 2, 3)) == ("d1", {"title": "A"}, "<p>à</p>".encode(), None)
    kept = second.cached_by_stat("b.md", (4, 5, 6))
    assert kept[1] is memory.entries["b.md"][1]
    second.store_read("a.md", "d3", {"title": "A2"}, "<p>a2</p>", (1, 2, 7))
    second.save()  # appended: b kept, a replaced
    third = _cache(tmp_path, memory)
    assert third.cached_by_stat("a.md", (1, 2, 7))[:3] == ("d3", {"title": "A2"}, b"<p>a2</p>")
    assert third.cached_by_stat("b.md", (4, 5, 6))[1] is kept[1]
    # What memory and disk give is the same.
    assert _cache(tmp_path, None).old_reads == third.old_reads
    # Another process (./dev build) saved the log since: it is read again from disk.
    other = _cache(tmp_path, None)
    other.cached_by_stat("b.md", (4, 5, 6))
    other.store_read("c.md", "d4", {"title": "C"}, "<p>c</p>", (7, 8, 9))
    other.save()
    fourth = _cache(tmp_path, memory)
    assert fourth.has_read("c.md") and not fourth.has_read("a.md")
    assert fourth.cached_by_stat("b.md", (4, 5, 6))[1] is not kept[1]
    # Another read key (code or settings changed): nothing is taken from memory.
    assert _cache(tmp_path, memory, "other read").old_reads == {}


def test_a_file_that_cannot_be_shown_early_is_left_to_the_swap(tmp_path):
    from urgent_actions.speed import early_pages

    staging, final = tmp_path / "staging", tmp_path / "output"
    for name, text in (("a/index.html", "nouveau a"), ("b/index.html", "nouveau b"), ("c/x.html", "nouveau c")):
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, "utf-8")
    (final / "a").mkdir(parents=True)
    (final / "a" / "index.html").write_text("ancien a", "utf-8")
    (final / "b").write_text("un fichier où il faut un dossier", "utf-8")
    root = os.stat(final).st_mtime_ns
    time.sleep(0.01)
    assert early_pages.show(str(staging), str(final), ["a/index.html", "b/index.html", "c/x.html", "gone.html"]) == 2
    assert (final / "a" / "index.html").read_text("utf-8") == "nouveau a"
    assert (final / "c" / "x.html").read_text("utf-8") == "nouveau c"
    assert (final / "b").read_text("utf-8") == "un fichier où il faut un dossier"
    assert os.stat(final).st_mtime_ns != root  # the live reload's signal
    assert sorted(p.name for p in final.rglob("*")) == ["a", "b", "c", "index.html", "x.html"]


def test_the_warm_builders_page_keys_are_the_ones_a_build_makes(tmp_path):
    from urgent_actions.site.outputs import Output
    from urgent_actions.speed.memory import WarmMemory

    memory = WarmMemory()
    page = Output("actions/a/index.html", template="action", key="k1")
    cold = _cache(tmp_path, None).full_key(page)
    assert _cache(tmp_path, memory).full_key(page) == cold
    assert _cache(tmp_path, memory).full_key(page) == cold  # the second build's, from memory
    edited = Output("actions/a/index.html", template="action", key="k2")
    assert _cache(tmp_path, memory).full_key(edited) == _cache(tmp_path, None).full_key(edited) != cold
    other_theme = _cache(tmp_path, memory)
    other_theme.render_key = "other render"
    assert other_theme.full_key(page) != cold
