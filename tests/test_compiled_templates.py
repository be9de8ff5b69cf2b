"""Compiled templates kept in the cache directory."""

from __future__ import annotations

from jinja2 import Environment

from urgent_actions.speed.compiled_templates import cache_compiled


def test_compiled_templates_whose_directory_went_are_compiled_again_not_an_error(tmp_path):
    """Two builds with other settings share a cache path: each removes the other's
    compiled templates. The one whose directory went on compiles as usual."""
    from jinja2 import DictLoader

    env = Environment(loader=DictLoader({"page.html": "<p>{{ text }}</p>"}))
    cache_compiled(env, str(tmp_path / "cache"), "first-key")
    assert env.get_template("page.html").render(text="un") == "<p>un</p>"
    assert list((tmp_path / "cache").glob("templates-first-key/*"))  # kept
    other = Environment(loader=DictLoader({"page.html": "<p>{{ text }}</p>"}))
    cache_compiled(other, str(tmp_path / "cache"), "second-key")  # removes the first's
    assert not (tmp_path / "cache" / "templates-first-key").exists()
    env.cache.clear()  # compile again, and try to keep it where it was
    assert env.get_template("page.html").render(text="deux") == "<p>deux</p>"
