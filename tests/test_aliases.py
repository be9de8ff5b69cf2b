"""Old addresses: an alias redirects to its action and cannot take another's address."""

from __future__ import annotations

import pytest

from helpers import action, make_content


def test_an_alias_keeps_the_old_address_working(built_site, open_page):
    from support.server import serve_directory

    old = built_site / "actions/arabie-saoudite-militante/index.html"
    html = old.read_text("utf-8")
    assert 'http-equiv="refresh"' in html and "/actions/arabie-saoudite-militante-droits-des-femmes/" in html
    with serve_directory(built_site) as url:
        page = open_page(width=360, javascript=False, base_url=url)
        page.goto("/actions/arabie-saoudite-militante/")
        page.wait_for_url(f"{url}/actions/arabie-saoudite-militante-droits-des-femmes/")
        assert page.locator("h1").count() == 1


def test_an_alias_cannot_take_the_address_of_another_action(tmp_path, monkeypatch):
    from urgent_actions.content.errors import ContentError
    from urgent_actions.content.loading import load_site

    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {"a": action(), "b": action(case="UA 2/26", aliases=["/actions/a/"])})
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    assert [str(p) for p in caught.value.problems] == [
        "content/actions/b.md: aliases[0]: '/actions/a/' is already the address of a.md"
    ]
