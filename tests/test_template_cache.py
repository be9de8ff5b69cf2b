"""``{% cached_include %}`` (render/template_cache.py): the same HTML as an include,
rendered again whenever a value the included templates read changes."""

from __future__ import annotations

import jinja2
import pytest

from urgent_actions.render.template_cache import CachedIncludeExtension, read_variables


class Item:
    def __init__(self, name):
        self.name = name


TEMPLATES = {
    "components/card.html": (
        "{% macro card(params) %}<h{{ params.level }}>{{ params.item.name }}</h{{ params.level }}>"
        '<a href="{{ params.base }}/x">{{ _("lire") }}</a>{% endmacro %}'
    ),
    "partials/card.html": (
        '{% from "components/card.html" import card with context %}'
        "{% macro own() %} {{ own_variable }}{% endmacro %}"
        '{{- card({"item": item, "level": level, "base": SITEURL}) -}}{{ own() }}'
    ),
    "partials/nav.html": '<nav>{% if page_name == "home" %}<b>home</b>{% endif %}{% include "partials/extra.html" %}</nav>',
    "partials/extra.html": "{{ organisation.name }}",
    "page.html": (
        "{% for item in items %}<li>{% with level = 2 %}{% INCLUDE 'partials/card.html' %}{% endwith %}</li>{% endfor %}\n"
        "{% INCLUDE 'partials/nav.html' %}"
    ),
}


def environment(templates, auto_reload=False):
    env = jinja2.Environment(
        loader=jinja2.DictLoader(templates),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
        extensions=["jinja2.ext.i18n", CachedIncludeExtension],
    )
    env.install_null_translations(newstyle=True)
    return env


def pages(include: str) -> dict:
    templates = dict(TEMPLATES)
    templates["page.html"] = templates["page.html"].replace("INCLUDE", include)
    return templates


CONTEXTS = [
    {
        "items": [Item("Aïcha & co"), Item("<b>")],
        "SITEURL": "https://a.example",
        "page_name": "home",
        "organisation": {"name": "Org"},
    },
    {
        "items": [Item("Aïcha & co")],
        "SITEURL": "https://a.example",
        "page_name": "archive",
        "organisation": {"name": "Org"},
    },
    {"items": [], "SITEURL": "", "organisation": {"name": "Autre"}},  # page_name undefined
]


def test_cached_include_renders_what_include_renders():
    plain, cached = environment(pages("include")), environment(pages("cached_include"))
    shared = Item("Partagé")  # one object in several pages' lists, as an action is
    for context in [*CONTEXTS, *({**c, "items": [*c["items"], shared]} for c in CONTEXTS)]:
        expected = plain.get_template("page.html").render(context)
        assert cached.get_template("page.html").render(context) == expected
        assert cached.get_template("page.html").render(context) == expected  # from the cache
    assert "&lt;b&gt;" in expected or "Partag" in expected


def test_a_card_is_rendered_once_per_distinct_input():
    env = environment(pages("cached_include"))
    renders = []
    env.globals["_"] = lambda text: renders.append(text) or text
    item = Item("A")
    for page_name in ("home", "archive", "home"):
        env.get_template("page.html").render(items=[item], SITEURL="", page_name=page_name, organisation={})
    assert len(renders) == 1  # the card reads neither page_name nor anything else that changed


def test_the_key_is_what_the_templates_read_recursively():
    env = environment(pages("cached_include"))
    names, visited = read_variables(env, "partials/card.html")
    assert {"item", "level", "SITEURL", "own_variable"} <= names
    assert "page_name" not in names
    assert "_" not in names  # a global of the environment: the same for the whole build
    assert [name for name, _ in visited] == ["components/card.html", "partials/card.html"]
    nav, _ = read_variables(env, "partials/nav.html")
    assert {"page_name", "organisation"} <= nav


def test_a_template_edited_to_read_a_new_variable_is_rendered_again_when_it_changes():
    templates = pages("cached_include")
    env = environment(templates, auto_reload=True)
    page = '{% cached_include "partials/extra.html" %}'
    templates["p.html"] = page
    render = lambda **c: env.get_template("p.html").render(organisation={"name": "Org"}, **c)
    assert render(colour="red") == "Org"
    templates["partials/extra.html"] = "{{ organisation.name }} {{ colour }}"
    assert render(colour="red") == "Org red"
    assert render(colour="blue") == "Org blue"


def test_a_component_imported_with_context_edited_to_read_a_new_variable_widens_the_key():
    templates = pages("cached_include")
    env = environment(templates, auto_reload=True)
    templates["p.html"] = (
        '{% for item in items %}{% with level = 2 %}{% cached_include "partials/card.html" %}{% endwith %}{% endfor %}'
    )
    item = Item("A")
    render = lambda **c: env.get_template("p.html").render(items=[item], SITEURL="", **c)
    assert "data-v" not in render(version="1")
    templates["components/card.html"] = TEMPLATES["components/card.html"].replace("<a ", '<a data-v="{{ version }}" ')
    assert 'data-v="1"' in render(version="1")
    assert 'data-v="2"' in render(version="2")


def test_a_template_named_by_a_variable_cannot_be_cached():
    env = environment({"p.html": "{% cached_include 'q.html' %}", "q.html": "{% include name %}"})
    with pytest.raises(ValueError, match="constant"):
        env.get_template("p.html").render(name="x")
