"""No dead code in the plugin, the tasks, the settings or the benchmarks (vulture).

Vulture reads Python only: names that templates use, and the settings that
Pelican reads from its settings files, are given to it as used; what a library
calls by name is in ``vulture_whitelist.py``, each with the reason.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from helpers import ROOT
from urgent_actions.render import i18n, templating
from urgent_actions.settings import resolve

SOURCES = ["plugins", "tasks.py", "pelicanconf.py", "publishconf.py", "benchmarks"]
SETTINGS_FILES = ["pelicanconf.py", "publishconf.py"]
WHITELIST = Path(__file__).with_name("vulture_whitelist.py")
# Functions called by a library because of their decorator: invoke's tasks,
# pydantic's validators.
# Functions a decorator registers: invoke tasks, pydantic validators, the content
# model's cross-field rules (`@ACTION_RULES.rule(...)`).
DECORATORS = ["@task", "@field_validator", "@model_validator", "@*.rule"]
MIN_CONFIDENCE = "60"


def vulture_program() -> Path:
    program = Path(sys.executable).with_name("vulture")
    if not program.exists():
        pytest.fail(
            f"vulture is not installed beside {sys.executable}: install the test extras "
            "(pip install -e '.[test]', which pins vulture) to run the dead-code check"
        )
    return program


def names_used_outside_python(root: Path) -> list[str]:
    """Attributes, variables and keyword arguments named by the theme's templates,
    and the settings (upper-case names) of the settings files Pelican reads."""
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    i18n.install(env, str(root / "theme"), "fr")
    templating.install(env, resolve({}), "", str(ROOT / "theme"))
    names = set()
    for path in sorted((root / "theme" / "templates").rglob("*.html")):
        tree = env.parse(path.read_text("utf-8"))
        names |= {node.attr for node in tree.find_all(nodes.Getattr)}
        names |= {node.name for node in tree.find_all(nodes.Name)}
        names |= {keyword.key for node in tree.find_all(nodes.Call) for keyword in node.kwargs}
    for name in SETTINGS_FILES:
        for node in ast.walk(ast.parse((root / name).read_text("utf-8"))):
            if isinstance(node, ast.Assign):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name) and t.id.isupper()}
    return sorted(names)


def vulture_findings(root: Path, tmp_path: Path) -> list[str]:
    used = tmp_path / "used_outside_python.py"
    used.write_text("_ = None\n" + "".join(f"_.{name}\n" for name in names_used_outside_python(root)), "utf-8")
    result = subprocess.run(
        [
            str(vulture_program()),
            *SOURCES,
            str(WHITELIST),
            str(used),
            "--min-confidence",
            MIN_CONFIDENCE,
            "--ignore-decorators",
            ",".join(DECORATORS),
        ],
        check=False,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 3), result.stderr  # 3: dead code found
    return result.stdout.splitlines()


def test_no_dead_code(tmp_path):
    findings = vulture_findings(ROOT, tmp_path)
    assert findings == [], "\n".join(findings)


def test_an_unused_function_is_found(tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    shutil.copytree(ROOT / "theme", copy / "theme", ignore=shutil.ignore_patterns("static"))
    with (copy / "plugins/urgent_actions/site/links.py").open("a", encoding="utf-8") as module:
        module.write('\n\ndef never_called():\n    """Nothing calls this."""\n    return 1\n')
    before = set(vulture_findings(ROOT, tmp_path))
    after = set(vulture_findings(copy, tmp_path))
    assert [line.split(": ", 1)[1] for line in after - before] == ["unused function 'never_called' (60% confidence)"]
