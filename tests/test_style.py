"""The code's style is enforced, not hoped for: ruff's lint rules (imports sorted
included) and its formatter pass over the whole project (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_passes_over_the_project(command):
    result = subprocess.run(
        [str(RUFF), *command, "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_catches_a_finding(tmp_path):
    """The check can fail: an unsorted import and an unformatted line are reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("import sys\nimport os\nx = {  'a':1}\nprint(os, sys, x)\n", "utf-8")
    config = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
    checked = subprocess.run(
        [str(RUFF), "check", *config, str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    formatted = subprocess.run(
        [str(RUFF), "format", "--check", *config, str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 1 and "I001" in checked.stdout, checked.stdout
    assert formatted.returncode == 1 and "bad.py" in formatted.stdout, formatted.stdout
