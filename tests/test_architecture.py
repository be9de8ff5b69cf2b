"""The plugin's layers hold: import-linter's contracts (pyproject.toml) are kept,
and a forbidden import is caught (docs/architecture.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project / "plugins")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_every_import_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "plugins", project / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "content/action_front.py",
            "from ..speed import cache",
            "Domain, site and rendering never import the speed code",
        ),
        ("site/pages.py", "from ..render import files", "The pipeline flows one way: render -> site -> content"),
        ("site/feeds.py", "import feedgenerator", "Plans are data: site never imports the libraries that make bytes"),
        ("site/post.py", "import weasyprint", "Plans are data: site never imports the libraries that make bytes"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    project = _copy(tmp_path)
    path = project / "plugins" / "urgent_actions" / module
    path.write_text(path.read_text("utf-8") + f"\n{line}  # noqa\n", "utf-8")
    result = _lint(project)
    assert result.returncode == 1
    assert f"{contract} BROKEN" in result.stdout
