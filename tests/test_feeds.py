"""Feeds, calendar, sitemap: parsed by real parsers, and checked against the rules
those parsers are lenient about."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from icalendar import Calendar

from helpers import BUILD_DATE, ROOT, run_pelican
from urgent_actions.content.loading import load_site
from urgent_actions.content.typography import french_spacing
from urgent_actions.urls import share_card

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def actions():
    return load_site(str(ROOT / "content")).listed


def atom_feeds(root):
    return sorted(p for p in (root / "feeds").rglob("*.atom.xml"))


def test_atom_feeds_parse_and_follow_rfc_4287(built_site):
    feeds = atom_feeds(built_site)
    assert len(feeds) > 10  # main, good news, one per country and per theme
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        root = ET.parse(path).getroot()
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None, (path, required)
        assert RFC3339.match(root.find(f"{ATOM}updated").text)
        ids = []
        for entry in root.findall(f"{ATOM}entry"):
            for required in ("id", "title", "updated"):
                assert entry.find(f"{ATOM}{required}") is not None, (path, required)
            assert RFC3339.match(entry.find(f"{ATOM}updated").text)
            assert entry.find(f"{ATOM}link").get("href").startswith(BASE + "/actions/")
            assert root.find(f"{ATOM}author") is not None or entry.find(f"{ATOM}author") is not None
            ids.append(entry.find(f"{ATOM}id").text)
        assert len(ids) == len(set(ids)), path


def test_the_main_feed_holds_the_latest_actions_complete_enough_to_act(built_site, actions):
    parsed = feedparser.parse((built_site / "feeds/actions.atom.xml").read_bytes())
    assert [e.link for e in parsed.entries] == [f"{BASE}/{a.url}" for a in actions[:30]]
    open_action = next(a for a in actions if a.front.state == "open" and a.front.targets[0].emails)
    entry = next(e for e in parsed.entries if e.link.endswith(open_action.url))
    html = entry.content[0].value
    assert open_action.front.letters[0].subject in html
    assert open_action.front.targets[0].emails[0] in html
    assert open_action.front.deadline.strftime("%Y") in html
    assert french_spacing(open_action.front.summary) in html  # with French typography (U+202F in Atom)


def test_rss_follows_rss_2_0(built_site, actions):
    raw = (built_site / "feeds/actions.rss.xml").read_bytes()
    assert not feedparser.parse(raw).bozo
    channel = ET.fromstring(raw).find("channel")
    for required in ("title", "link", "description"):
        assert channel.find(required) is not None and channel.find(required).text
    guids = []
    for item in channel.findall("item"):
        guid = item.find("guid")
        assert guid is not None
        if guid.get("isPermaLink", "true") == "true":
            assert guid.text.startswith(BASE + "/")
        guids.append(guid.text)
        parsed_date = email.utils.parsedate_to_datetime(item.find("pubDate").text)
        assert parsed_date.tzinfo is not None
    assert len(guids) == len(set(guids)) == min(30, len(actions))


def test_json_feed_follows_version_1_1(built_site, actions):
    feed = json.loads((built_site / "feeds/actions.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == f"{BASE}/feeds/actions.json"
    assert feed["home_page_url"].startswith(BASE)
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids)) == min(30, len(actions))
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["url"].startswith(BASE)
        assert item.get("content_html") or item.get("content_text")
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert all(
            k
            in {
                "id",
                "url",
                "external_url",
                "title",
                "content_html",
                "content_text",
                "summary",
                "image",
                "banner_image",
                "date_published",
                "date_modified",
                "authors",
                "tags",
                "language",
                "attachments",
            }
            or k.startswith("_")
            for k in item
        )


def test_calendar_has_one_all_day_event_per_open_action(built_site, actions):
    calendar = Calendar.from_ical((built_site / "feeds/deadlines.ics").read_bytes())
    events = calendar.walk("VEVENT")
    expected = {f"{BASE}/{a.url}": a.front.deadline for a in actions if a.front.state == "open"}
    assert len(events) == len(expected)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is dt.date  # all day
        assert expected[str(event["URL"])] == start
        assert event.decoded("DTEND") == start + dt.timedelta(days=1)


def test_calendar_uids_are_stable_across_builds(built_site, tmp_path):
    from helpers import run_pelican

    other = tmp_path / "out"
    assert run_pelican(ROOT, ROOT / "content", other, overrides={"UA_SEARCH": False}).returncode == 0
    assert (other / "feeds/deadlines.ics").read_bytes() == (built_site / "feeds/deadlines.ics").read_bytes()


def test_sitemap_lists_every_page_with_lastmod(built_site, actions):
    root = ET.parse(built_site / "sitemap.xml").getroot()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {u.find(f"{ns}loc").text: u.find(f"{ns}lastmod").text for u in root.findall(f"{ns}url")}
    for action in actions:
        lastmod = max(action.front.date, action.front.outcome.date) if action.front.outcome else action.front.date
        assert urls[f"{BASE}/{action.url}"] == lastmod.isoformat()
    assert f"{BASE}/" in urls and f"{BASE}/archives/" in urls and f"{BASE}/rejoindre/" in urls
    assert all(dt.date.fromisoformat(v) <= BUILD_DATE for v in urls.values())
    assert (built_site / "robots.txt").read_text().endswith(f"Sitemap: {BASE}/sitemap.xml\n")


def test_action_pages_have_link_preview_metadata(built_site, actions):
    with_image = next(a for a in actions if a.front.image)
    html = (built_site / with_image.save_as).read_text("utf-8")
    # Every action has its share card (made from its photo, without metadata), never the editor's file.
    assert f'<meta property="og:image" content="{BASE}/{share_card(with_image.slug)}">' in html
    assert '<meta property="og:title" content="' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'rel="alternate" type="application/feed+json"' in html


def test_every_action_is_in_the_archive_its_country_and_theme_pages(built_site, actions):
    archive = "".join(
        p.read_text("utf-8")
        for p in (built_site / "archives").rglob("index.html")
        if "/etat/" not in str(p) and "/annee/" not in str(p)
    )
    for action in actions:
        link = f'href="/{action.url}"'
        assert link in archive, action.slug
        assert link in (built_site / f"pays/{action.front.country.lower()}/index.html").read_text("utf-8")
        for theme in action.front.themes:
            assert link in (built_site / f"themes/{theme}/index.html").read_text("utf-8")


def test_good_news_page_counts_per_year(built_site, actions):
    html = (built_site / "bonnes-nouvelles/index.html").read_text("utf-8")
    good = [a for a in actions if a.front.state == "good-news"]
    for action in good:
        assert f"/{action.url}" in html
    years = {}
    for action in good:
        years[action.front.outcome.date.year] = years.get(action.front.outcome.date.year, 0) + 1
    for year, count in years.items():
        assert f"<tr><td>{year}</td><td>{count}</td></tr>" in html


def test_good_news_are_paginated_newest_outcome_first(tmp_path, actions):
    """A long history of outcomes is split like the archive: each once, newest first,
    the count per year on the first page only."""
    good = sorted(
        (a for a in actions if a.front.state == "good-news"),
        key=lambda a: (a.front.outcome.date, a.front.date, a.slug),
        reverse=True,
    )
    assert len(good) >= 4, "the sample content needs good news on two pages"
    output = tmp_path / "output"
    result = run_pelican(tmp_path, ROOT / "content", output, overrides={"UA_ARCHIVE_PAGE_SIZE": 3})
    assert result.returncode == 0, result.stderr + result.stdout
    first = (output / "bonnes-nouvelles/index.html").read_text("utf-8")
    second = (output / "bonnes-nouvelles/page/2/index.html").read_text("utf-8")
    assert not (output / "bonnes-nouvelles/page/3").exists()
    shown = [re.findall(r'<h2><a href="/(actions/[^"#]+)"', page) for page in (first, second)]
    assert shown == [[a.url for a in good[:3]], [a.url for a in good[3:]]]
    assert 'href="/bonnes-nouvelles/page/2/" rel="next"' in first
    assert 'href="/bonnes-nouvelles/" rel="prev"' in second
    assert 'class="per-year"' in first and 'class="per-year"' not in second
    assert "(page 2)" in second.split("</title>")[0]
