"""Every filter, test and global the plugin puts in the Jinja environment is used
by a template of the theme, so a filter no template calls cannot come back
unnoticed (Python code calls Python functions, not filters)."""

from jinja2 import Environment, nodes

from helpers import ROOT
from urgent_actions.render import i18n, templating
from urgent_actions.settings import resolve

TEMPLATES = ROOT / "theme" / "templates"
# Filters that take another filter's or test's name as a string argument.
HIGHER_ORDER = {"map", "select", "reject", "selectattr", "rejectattr"}


def environment() -> Environment:
    """An environment set up as the build sets up Pelican's (extensions, i18n)."""
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    i18n.install(env, str(ROOT / "theme"), "fr")
    return env


def registered(env: Environment) -> dict[str, set[str]]:
    """The filters, tests and globals that ``templating.install`` adds to ``env``."""
    before = {"filters": set(env.filters), "tests": set(env.tests), "globals": set(env.globals)}
    templating.install(env, resolve({}), "", str(ROOT / "theme"))
    return {
        "filters": set(env.filters) - before["filters"],
        "tests": set(env.tests) - before["tests"],
        "globals": set(env.globals) - before["globals"],
    }


def used_by_templates(env: Environment) -> dict[str, set[str]]:
    """The filter, test and variable names that the theme's templates mention."""
    used = {"filters": set(), "tests": set(), "globals": set()}
    for path in sorted(TEMPLATES.rglob("*.html")):
        tree = env.parse(path.read_text("utf-8"), name=str(path.relative_to(TEMPLATES)))
        for node in tree.find_all(nodes.Filter):
            used["filters"].add(node.name)
            if node.name in HIGHER_ORDER:
                named = {arg.value for arg in node.args if isinstance(arg, nodes.Const) and isinstance(arg.value, str)}
                used["filters"] |= named
                used["tests"] |= named
        used["tests"] |= {node.name for node in tree.find_all(nodes.Test)}
        used["globals"] |= {node.name for node in tree.find_all(nodes.Name)}
    return used


def unused_registrations(env: Environment) -> dict[str, list[str]]:
    added = registered(env)
    used = used_by_templates(env)
    return {kind: sorted(added[kind] - used[kind]) for kind in added if added[kind] - used[kind]}


def test_every_registered_filter_test_and_global_is_used_by_a_template():
    assert unused_registrations(environment()) == {}


def test_an_unused_filter_would_be_found(monkeypatch):
    real_filters = templating.filters
    monkeypatch.setattr(templating, "filters", lambda language: {**real_filters(language), "never_used": str})
    assert unused_registrations(environment()) == {"filters": ["never_used"]}


def test_the_check_sees_every_kind_of_use():
    env = environment()
    registered(env)  # the `cached_include` tag, for the parser
    used = used_by_templates(env)
    # A filter through `|`, one named in `map(...)`, a test, a global.
    assert {"date_long", "language_name"} <= used["filters"]
    assert "offers_ways_to_act" in used["tests"]
    assert "url_for" in used["globals"]
