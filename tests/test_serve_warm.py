"""``./dev serve``'s warm builder (``speed/warm.py``): one process, one file watcher
for its whole life.

A save made while a build runs is built right after it (Pelican's
``--autoreload`` watched only between builds and missed it), the first save
after start rewrites only what it changes, and after a few saves the output
is byte for byte a fresh build's.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench import differences
from helpers import BUILD_EPOCH, ROOT, action, make_content, run_pelican
from urgent_actions.children import DIE_WITH_PARENT, stop_child
from urgent_actions.speed import warm

DONE = "Done: "
SLOW = "slow end of a build"
HOLD = "SLOW_END_HOLD"
# Ends each build while the file named by $SLOW_END_HOLD exists (at most 60 s).
SLOW_END = f"""
import os
import time
from pelican import signals

def slow_end(pelican):
    print({SLOW!r}, flush=True)
    deadline = time.monotonic() + 60
    while os.path.exists(os.environ[{HOLD!r}]) and time.monotonic() < deadline:
        time.sleep(0.02)

def register():
    signals.finalized.connect(slow_end)
"""


def test_a_change_made_while_nobody_waits_is_kept_for_the_next_wait(tmp_path):
    (tmp_path / "a.md").write_text("un", "utf-8")
    watcher = warm.Watcher([str(tmp_path)], [])
    # As during a build: the file changes while nobody waits for changes.
    (tmp_path / "a.md").write_text("deux", "utf-8")
    time.sleep(1)
    assert watcher.changes(timeout=10) == {str(tmp_path / "a.md")}
    assert watcher.changes(timeout=0.5) == set()


def _wait_for(log, condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition(log.read_text("utf-8", errors="replace")):
        assert time.monotonic() < deadline, log.read_text("utf-8", errors="replace")[-3000:]
        time.sleep(0.05)


def _append(path, text):
    path.write_text(path.read_text("utf-8") + f"\n{text}\n", "utf-8")


def test_a_save_during_a_build_is_built_after_it_and_the_output_is_a_fresh_builds(tmp_path):
    content = make_content(tmp_path, {"a": action(), "b": action(case="UA 046/26", people=["Leila Example"])})
    output = tmp_path / "output"
    # A plugin that holds a build at its end, after it has read and written
    # everything, while the hold file exists: a save made then is certainly made
    # during a build.
    hold = tmp_path / "hold"
    (tmp_path / "slow" / "slow_end.py").parent.mkdir()
    (tmp_path / "slow" / "slow_end.py").write_text(SLOW_END, "utf-8")
    overrides = {
        "PATH": str(content), "UA_CACHE_PATH": str(tmp_path / "cache"),
        "PLUGIN_PATHS": [str(ROOT / "plugins"), str(tmp_path / "slow")], "PLUGINS": ["urgent_actions", "slow_end"],
    }  # fmt: skip
    command, env = warm.command(
        sys.executable, str(ROOT / "pelicanconf.py"), str(output),
        ("-e", *(f"{key}={json.dumps(value)}" for key, value in overrides.items()), "-v"),
    )  # fmt: skip
    env.update(SOURCE_DATE_EPOCH=BUILD_EPOCH, COLUMNS="300", **{HOLD: str(hold)})
    log = tmp_path / "warm.log"
    with open(log, "w") as handle:
        builder = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=DIE_WITH_PARENT,  # noqa: PLW1509 - prctl only
        )  # fmt: skip
        try:
            _wait_for(log, lambda text: text.count(DONE) == 1)
            hold.touch()
            _append(content / "actions" / "a.md", "Premier ajout en direct.")
            # The second build has published and is held: b is saved during it, after its reading.
            _wait_for(log, lambda text: text.count(SLOW) == 2)
            _append(content / "actions" / "b.md", "Second ajout en direct.")
            hold.unlink()
            _wait_for(log, lambda text: text.count(DONE) == 3)
            children = Path(f"/proc/{builder.pid}/task/{builder.pid}/children").read_text().split()
        finally:
            stop_child(builder, grace=60)
    text = log.read_text("utf-8")
    assert builder.returncode == -signal.SIGTERM, text[-3000:]
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert "Second ajout en direct" in (output / "actions" / "b" / "index.html").read_text("utf-8")
    assert "Premier ajout en direct" in (output / "actions" / "a" / "index.html").read_text("utf-8")
    assert text.count("-> Modified: ") == 2, text[-3000:]
    builds = [(int(a), int(b)) for a, b in re.findall(r"(\d+) files? new or changed of (\d+)", text)]
    assert len(builds) == 3, text[-3000:]  # every build says what it made
    assert builds[0][0] == builds[0][1], builds  # the build at start writes every file anew
    # The first save after start rewrites what it changes, not the whole site.
    assert all(changed < total / 3 for changed, total in builds[1:]), builds
    fresh = run_pelican(tmp_path, content, tmp_path / "fresh", overrides={"UA_CACHE_PATH": str(tmp_path / "c2")})
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert differences(output, tmp_path / "fresh") == []
