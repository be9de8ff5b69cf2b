"""The URL scheme (urgent_actions.urls) is the one place paths are spelled: the
built site's feeds, editions, sitemap and robots.txt all follow it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from urgent_actions import urls

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize("url", ["", "archives/", "archives/page/2/", "actions/x/", "404.html", "feeds/actions.json"])
def test_save_as_and_url_of_are_inverse(url):
    assert urls.url_of(urls.save_as(url)) == url


def test_list_pages_are_under_their_list():
    assert urls.list_page("archives/", 1) == "archives/"
    assert urls.list_page("archives/", 3) == "archives/page/3/"
    assert urls.country_list("pays/", "IR") == "pays/ir/"
    assert urls.country_feed("IR") == "feeds/pays/ir.atom.xml"


def test_every_feed_and_edition_written_has_an_address_from_the_url_module(built_site):
    countries = {p.stem.split(".")[0] for p in (built_site / "feeds" / "pays").glob("*.atom.xml")}
    themes = {p.name.removesuffix(".atom.xml") for p in (built_site / "feeds" / "themes").glob("*.atom.xml")}
    assert countries and themes
    expected_feeds = {
        urls.ACTIONS_ATOM, urls.ACTIONS_RSS, urls.ACTIONS_JSON, urls.EMAIL_RSS, urls.GOOD_NEWS_ATOM,
        urls.DEADLINES_ICS, *map(urls.country_feed, countries), *map(urls.theme_feed, themes),
    }  # fmt: skip
    written = {p.relative_to(built_site).as_posix() for p in (built_site / urls.FEEDS).rglob("*") if p.is_file()}
    assert written == expected_feeds

    editions = [p.relative_to(built_site).as_posix() for p in (built_site / urls.ENVOIS).rglob("*") if p.is_file()]
    assert editions
    for path in editions:
        slug = path.split("/")[1]
        month = re.fullmatch(r"envois/courrier-(\d{4}-\d{2})\.pdf", path)
        assert path in {
            urls.save_as(urls.ENVOIS), urls.SMS_CSV, urls.email_html(slug), urls.email_text(slug),
            urls.mailing_pdf(month.group(1) if month else ""),
        }, path  # fmt: skip


def test_the_sitemap_lists_pages_only_outside_what_robots_disallow(built_site):
    robots = (built_site / urls.ROBOTS).read_text("utf-8")
    disallowed = [line.removeprefix("Disallow: /") for line in robots.splitlines() if line.startswith("Disallow:")]
    assert disallowed == list(urls.ROBOTS_DISALLOWED)
    locations = [loc.text for loc in ET.parse(built_site / urls.SITEMAP).getroot().iter(SITEMAP_NS + "loc")]
    assert locations
    base = locations[0].split("/", 3)[:3]
    for location in locations:
        path = location.split("/", 3)[3] if location.count("/") >= 3 else ""
        assert location.split("/", 3)[:3] == base
        assert (built_site / urls.save_as(path)).is_file(), path
        assert not path.startswith((*urls.ROBOTS_DISALLOWED, urls.ADMIN, urls.SHORT))
        assert "/lettre-" not in path  # printable letters are not pages of their own
