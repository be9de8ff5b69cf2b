"""A build killed at any moment leaves the previous output whole, and the next
build works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_build import tree_digest

from helpers import BUILD_EPOCH, ROOT, action, make_content, run_pelican


def big_content(root: Path, count: int = 150) -> Path:
    return make_content(root, {f"action-{i}": action(case=f"UA {i}/26") for i in range(1, count + 1)})


def test_a_killed_build_leaves_the_previous_output_whole_and_the_next_build_works(tmp_path):
    content = big_content(tmp_path)
    output = tmp_path / "output"
    assert run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False}).returncode == 0
    before = tree_digest(output)
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    command = [
        sys.executable,
        "-m",
        "pelican",
        "-s",
        str(ROOT / "pelicanconf.py"),
        "-e",
        f"PATH={json.dumps(str(content))}",
        "UA_SEARCH=false",
        "-o",
        str(output),
    ]
    (content / "actions" / "action-1.md").write_text(
        (content / "actions" / "action-1.md").read_text("utf-8").replace("Égypte :", "Modifié :"), "utf-8"
    )
    for delay in (0.2, 0.5, 0.9, 1.4):
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = tree_digest(output)
        # either the old site, whole, or the new one, whole: never a mix
        if after != before:
            assert "Modifié" in (output / "actions/action-1/index.html").read_text("utf-8")
            assert set(after) == set(before)
            before = after
        assert (output / "index.html").is_file()
    final = run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False})
    assert final.returncode == 0, final.stderr
    assert "Modifié" in (output / "actions/action-1/index.html").read_text("utf-8")
    assert not (tmp_path / ".output.staging").exists()
