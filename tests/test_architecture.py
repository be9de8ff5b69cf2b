"""The plugin's layers hold: import-linter's contracts (pyproject.toml) are kept,
and a forbidden import is caught (docs/architecture.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_domain_importing_the_speed_code_breaks_a_contract(tmp_path):
    project = _copy(tmp_path)
    model = project / "plugins" / "urgent_actions" / "content" / "model.py"
    model.write_text(model.read_text("utf-8") + "\nfrom ..speed import cache  # noqa\n", "utf-8")
    result = _lint(project)
    assert result.returncode == 1
    assert "Domain, site and rendering never import the speed code BROKEN" in result.stdout


def test_the_site_plans_importing_the_renderer_breaks_a_contract(tmp_path):
    project = _copy(tmp_path)
    pages = project / "plugins" / "urgent_actions" / "site" / "pages.py"
    pages.write_text(pages.read_text("utf-8") + "\nfrom ..render import files  # noqa\n", "utf-8")
    result = _lint(project)
    assert result.returncode == 1
    assert "render -> site -> content BROKEN" in result.stdout
