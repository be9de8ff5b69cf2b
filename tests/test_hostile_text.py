"""Nothing injected: hostile text in every field comes out as the same text, in
pages, feeds, calendar and JSON, and never as markup or a mail header."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import unquote

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from jinja2 import Environment
from markupsafe import Markup

from helpers import action, make_content, run_pelican
from urgent_actions.render import templating
from urgent_actions.render.markdown_renderer import MarkdownRenderer

LINE = "Ré<script>alert('x')</script> & \"dq\" {{ 7*7 }} {% raw %} %0A \u202eRTL\u202c 😀 نور"
TEXT = LINE + "\r\nX-Injected: 1\n\n</textarea><img src=x onerror=alert(1)> ]]> --> <!--"


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    return tree


def hostile_action() -> dict:
    target = {
        "name": LINE,
        "role": LINE,
        "salutation": LINE,
        "address": TEXT + "\nÉGYPTE\n",
        "email": "ministre@example.org",
        "sms": "+20 100 000 0000",
        "twitter": "@Hostile_Example",
    }
    return action(
        title=LINE,
        people=[LINE],
        summary=LINE[:200],
        targets=[target],
        copies=[{"name": LINE, "email": "copie@example.org", "address": TEXT}],
        letters=[{"language": "fr", "subject": LINE, "body": TEXT, "closing": TEXT}],
        sms='<b>&"{{x}}</b>\u202e😀',
        tweet=LINE,
        ai_index=LINE,
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = make_content(root, {"hostile": hostile_action()})
    (content / "actions" / "hostile.md").write_text(
        (content / "actions" / "hostile.md")
        .read_text("utf-8")
        .replace("Karim Example a été arrêté", "Corps <script>alert(1)</script> [lien](javascript:alert(1)) Karim"),
        "utf-8",
    )
    result = run_pelican(root, content, root / "output", overrides={"UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
    return root / "output"


def test_hostile_text_comes_out_as_the_same_text_and_never_as_markup(hostile_site):
    html = (hostile_site / "actions/hostile/index.html").read_text("utf-8")
    tree = parse(html)
    scripts = [attrs for tag, attrs in tree.tags if tag == "script"]
    assert all(a.get("src", "").startswith("/theme/js/") for a in scripts), scripts
    assert not any(tag == "img" and "onerror" in attrs for tag, attrs in tree.tags)
    assert not any(k.startswith("on") for _, attrs in tree.tags for k in attrs)
    assert not any(attrs.get("href", "").startswith("javascript:") for _, attrs in tree.tags)
    text = "".join(tree.text)
    assert LINE in text  # the title, people, names… are shown as they were written
    assert "Corps <script>alert(1)</script>" in text
    assert "{{ 7*7 }}" in text and "49" not in text.replace("2026", "")
    mailto = next(
        a["href"] for t, a in tree.tags if t == "a" and a.get("href", "").startswith("mailto:") and "body=" in a["href"]
    )
    body = unquote(mailto.split("body=")[1])
    assert LINE.replace("\n", "\r\n") in body and "X-Injected: 1" in body
    assert "\r\nX-Injected" not in unquote(mailto.split("?")[0])  # never a header
    for tag, attrs in tree.tags:
        if tag == "div" and "data-letter" in attrs:
            assert attrs["data-letter"].startswith(LINE)


def test_hostile_text_survives_feeds_calendar_and_json(hostile_site):
    atom = feedparser.parse((hostile_site / "feeds/actions.atom.xml").read_bytes())
    assert not atom.bozo and atom.entries[0].title == LINE
    rss = feedparser.parse((hostile_site / "feeds/actions.rss.xml").read_bytes())
    assert not rss.bozo and rss.entries[0].title == LINE
    feed = json.loads((hostile_site / "feeds/actions.json").read_text("utf-8"))
    assert feed["items"][0]["title"] == LINE
    assert "</script" not in (hostile_site / "feeds/actions.json").read_text("utf-8")
    event = Calendar.from_ical((hostile_site / "feeds/deadlines.ics").read_bytes()).walk("VEVENT")[0]
    # The calendar is French text: a no-break space before the colon.
    assert str(event["SUMMARY"]) == f"Date limite\u00a0: {LINE}"
    letter = (hostile_site / "actions/hostile/lettre-1-fr/index.html").read_text("utf-8")
    assert LINE in "".join(parse(letter).text)


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_templates_escape_any_text(value):
    env = Environment(autoescape=True)
    env.filters.update(templating.filters("fr"))
    rendered = env.from_string('<p title="{{ v }}">{{ v }}</p>{{ [v]|paragraphs_html }}{{ v|in_ui_script }}').render(
        v=value
    )
    tree = parse(rendered)
    assert {tag for tag, _ in tree.tags} <= {"p", "br", "bdi"}
    assert (
        tree.tags[0][1]["title"] == value.replace("\r\n", "\n").replace("\r", "\n") or tree.tags[0][1]["title"] == value
    )


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_markdown_never_lets_html_or_javascript_links_through(value):
    html = MarkdownRenderer().render(value + "\n\n<script>x</script> [a](javascript:alert(1))")
    tree = parse(html)
    assert "script" not in {tag for tag, _ in tree.tags}
    assert not any(k.startswith("on") for _, attrs in tree.tags for k in attrs)
    assert not any((attrs.get("href") or "").lower().startswith("javascript") for _, attrs in tree.tags)


def test_paragraphs_html_is_markup_of_escaped_text():
    assert templating.paragraphs_html(["<b>a</b>", "b"]) == Markup("<p>&lt;b&gt;a&lt;/b&gt;</p>\n<p>b</p>\n")
