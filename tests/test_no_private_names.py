"""Tests go through the plugin's public names: a test that imports or reaches
into a ``_private`` name of ``urgent_actions`` breaks when the implementation
moves, and tests what no caller uses. Checked over the test files' syntax."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str) -> list[str]:
    """``line: name`` of each private name of ``urgent_actions`` that ``source`` uses."""
    tree = ast.parse(source)
    plugin_names = {"urgent_actions"}  # names bound to the plugin's modules, classes, functions
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "urgent_actions":
            for alias in node.names:
                if _is_private(alias.name):
                    found.append(f"{node.lineno}: {node.module}.{alias.name}")
                plugin_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "urgent_actions":
                    plugin_names.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in plugin_names:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            # monkeypatch.setattr(module, "_name", ...), getattr(module, "_name")
            target, name = node.args[0], node.args[1]
            if (
                isinstance(target, ast.Name)
                and target.id in plugin_names
                and isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and _is_private(name.value)
            ):
                found.append(f"{node.lineno}: {target.id}.{name.value}")
    return sorted(found, key=lambda use: int(use.split(":")[0]))


def test_no_test_uses_a_private_name_of_the_plugin():
    found = {
        str(path.relative_to(TESTS)): uses
        for path in sorted(TESTS.rglob("*.py"))
        if "bad_input" not in path.parts and (uses := private_uses(path.read_text("utf-8")))
    }
    assert found == {}


def test_the_check_sees_imports_attributes_and_monkeypatching():
    source = (
        "from urgent_actions.site import links, _hidden\n"
        "import urgent_actions.render.templating as templating\n"
        "links._quote('x')\n"
        "templating._locale('fr')\n"
        "monkeypatch.setattr(links, '_quote', str)\n"
        "links.mailto_url('a')\n"
        "other._private()\n"
    )
    assert private_uses(source) == [
        "1: urgent_actions.site._hidden",
        "3: links._quote",
        "4: templating._locale",
        "5: links._quote",
    ]
