"""The email edition: HTML for mail clients (size, caniemail, Chromium at 600
and 320 px), its plain-text part, merge tags from settings, the RSS-to-email
feed, and /envois/ for editors."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from helpers import ROOT, make_content, run_pelican
from support import caniemail

GMAIL_CLIP = 102 * 1024
# The text part gives each recipient their own letters, in every language, and
# those written to by post their salutation and address: the heaviest sample
# (three recipients, one by post, letters in three languages) is about 11 KB.
TEXT_LIMIT = 12 * 1024
# Screenshots are kept here for people to look at (and CI to archive).
SHOTS = Path(os.environ.get("UA_TEST_OUTPUT", ROOT / "test-output")) / "email"


def editions(site: Path) -> dict[str, Path]:
    return {p.parent.name: p for p in sorted((site / "envois").glob("*/courriel.html"))}


def heaviest(site: Path) -> Path:
    return max(editions(site).values(), key=lambda p: p.stat().st_size)


def test_every_open_action_and_recent_good_news_has_an_email_edition(built_site):
    found = set(editions(built_site))
    assert "egypte-chercheur-detenu" in found and "tunisie-blogueuse-liberee" in found  # open; good news of 2026-11
    assert "chine-avocat-disparu" not in found  # closed
    assert "azerbaidjan-journaliste-libere" not in found  # good news of 2025: sent long ago
    assert "viet-nam-blogueur-sante" not in found  # open, but its deadline has passed


def test_the_heaviest_email_is_under_gmail_clipping_and_its_text_under_10_kb(built_site):
    html = heaviest(built_site)
    text = html.with_name("courriel.txt")
    sizes = f"{html.parent.name}: HTML {html.stat().st_size} bytes, text {text.stat().st_size} bytes"
    print(sizes)
    assert html.stat().st_size < GMAIL_CLIP, sizes
    assert text.stat().st_size < TEXT_LIMIT, sizes


class _Parts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.images, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs)
        if tag == "a":
            self.links.append(attrs.get("href", ""))


@pytest.mark.parametrize(
    "slug", ["egypte-chercheur-detenu", "belarus-syndicaliste-emprisonne", "tunisie-blogueuse-liberee"]
)
def test_email_html_is_self_contained_with_absolute_images_and_links(built_site, slug):
    html = (built_site / "envois" / slug / "courriel.html").read_text("utf-8")
    parts = _Parts()
    parts.feed(html)
    assert not {"script", "style", "link", "iframe", "form"} & set(parts.tags)
    assert "@font-face" not in html and "@import" not in html
    assert 'class="' not in html or "style=" in html  # every style inlined
    for image in parts.images:
        assert image["src"].startswith("http"), image
        assert image["width"].isdigit() and image["height"].isdigit() and image["alt"], image
    assert all(link.startswith(("http://", "https://", "mailto:", "{{")) for link in parts.links), parts.links
    # The preheader is the summary, first in the body.
    body = html.split("<body", 1)[1]
    summary = re.search(r'<div class="preheader"[^>]*>([^<&]+)', body)
    assert summary and summary.group(1).strip()[:40] in html.split("<h1", 1)[1]


def test_an_open_action_email_has_deadline_letter_targets_and_one_button(built_site):
    html = (built_site / "envois" / "egypte-chercheur-detenu" / "courriel.html").read_text("utf-8")
    assert "24 décembre 2026" in html and "font-size: 30px" in html  # the deadline, large
    assert "Objet : Libérez Karim Exemple" in html or "Objet :" in html
    assert "mailto:" in html
    buttons = re.findall(r'<a class="button"[^>]*href="([^"]+)"', html)
    assert buttons == ["http://127.0.0.1:8000/actions/egypte-chercheur-detenu/"]
    assert "{{unsubscribe_url}}" in html  # the generic preset's merge tag


# What a client may drop without harm, because something else covers it: the
# preview text is hidden by display: none, or else by max-height: 0 with
# overflow: hidden, or else by mso-hide: all (Outlook); <wbr> only offers a
# break after '@' or a dot, and word-break: break-word still keeps an address
# on the screen where it is dropped.
COVERED = ("css-display-none:", "css-max-height:", "css-overflow:", "html-wbr:")


def test_email_html_uses_nothing_caniemail_says_a_major_client_cannot_show(built_site):
    problems = {
        slug: [p for p in caniemail.unsupported(path.read_text("utf-8")) if not p.startswith(COVERED)]
        for slug, path in editions(built_site).items()
    }
    used = sorted(set().union(*(caniemail.features(p.read_text("utf-8")) for p in editions(built_site).values())))
    print("caniemail features used:", ", ".join(used))
    assert {slug: found for slug, found in problems.items() if found} == {}


def test_the_caniemail_check_catches_what_clients_drop():
    found = caniemail.unsupported('<div style="display: flex; border-radius: 4px"><style>p{}</style></div>')
    assert any(p.startswith("css-display-flex") for p in found)
    assert any(p.startswith("css-border-radius: outlook windows") for p in found)
    assert any(p.startswith("html-style: gmail mobile-webmail") for p in found)


@pytest.mark.parametrize("width", [600, 320])
def test_email_reads_at_600_and_320_px_without_horizontal_scroll(built_site, open_page, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for slug, path in editions(built_site).items():
        page = open_page(width, javascript=False, allow_origins=("http://127.0.0.1:8000",))

        def from_built_site(route):
            relative = route.request.url.split("127.0.0.1:8000/", 1)[1].split("?")[0]
            route.fulfill(path=str(built_site / relative))

        page.route("http://127.0.0.1:8000/**", from_built_site)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{slug} at {width} px: {scroll} px wide"
        broken = page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)")
        assert broken == [], broken
        page.screenshot(path=str(SHOTS / f"{slug}-{width}.png"), full_page=True)


def _build(tmp_path: Path, **overrides) -> Path:
    content = make_content(tmp_path)
    output = tmp_path / "output"
    result = run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False, **overrides})
    assert result.returncode == 0, result.stderr
    return output / "envois" / "egypte-chercheur"


@pytest.mark.parametrize(
    ("service", "unsubscribe", "name"),
    [("mailchimp", "*|UNSUB|*", "*|FNAME|*"), ("brevo", "{{ unsubscribe }}", "{{ contact.PRENOM }}")],
)
def test_merge_tags_come_from_the_service_preset(tmp_path, service, unsubscribe, name):
    folder = _build(tmp_path, UA_EMAIL_SERVICE=service)
    html, text = (folder / "courriel.html").read_text("utf-8"), (folder / "courriel.txt").read_text("utf-8")
    assert f'href="{unsubscribe}"' in html and f"Se désinscrire\u00a0: {unsubscribe}" in text
    assert name in html and name in text


def test_a_merge_tag_can_be_overridden_and_templates_name_no_service(tmp_path):
    folder = _build(tmp_path, UA_EMAIL_SERVICE="mailchimp", UA_EMAIL_MERGE_TAGS={"unsubscribe": "*|LIST:UNSUB|*"})
    assert 'href="*|LIST:UNSUB|*"' in (folder / "courriel.html").read_text("utf-8")
    for template in (ROOT / "theme" / "templates" / "email").iterdir():
        source = template.read_text("utf-8")
        assert not re.search(r"\*\|\w+|contact\.|brevo|mailchimp", source, re.IGNORECASE), template


def test_text_part_has_the_same_content(built_site):
    text = (built_site / "envois" / "egypte-chercheur-detenu" / "courriel.txt").read_text("utf-8")
    assert "AGISSEZ AVANT LE 24 DÉCEMBRE 2026" in text
    assert "Objet\u00a0: " in text and "À QUI ÉCRIRE" in text  # French spacing: a no-break space
    assert "Agir sur le site\u00a0: http://127.0.0.1:8000/actions/egypte-chercheur-detenu/" in text
    assert "<" not in text.replace("<br>", "")  # no markup left
    assert max(len(line.encode()) for line in text.splitlines()) <= 998


def test_rss_to_email_feed_items_carry_the_email_html(built_site):
    feed = feedparser.parse((built_site / "feeds" / "courriel.rss.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    links = [entry.link for entry in feed.entries]
    assert "http://127.0.0.1:8000/actions/egypte-chercheur-detenu/" in links
    entry = feed.entries[links.index("http://127.0.0.1:8000/actions/egypte-chercheur-detenu/")]
    html = entry.description
    assert "style=" in html and "24 décembre 2026" in html and "Agir sur le site" in html
    assert "<body" not in html and "{{unsubscribe_url}}" not in html  # the service adds its own footer


def test_envois_page_is_for_editors_only(built_site):
    page = (built_site / "envois" / "index.html").read_text("utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'width="600"' in page and 'width="320"' in page
    assert "data-copy-url" in page and "data-copy-target" in page
    assert "/envois/courrier-2026-11.pdf" in page and "/envois/sms.csv" in page
    assert "envois" not in (built_site / "sitemap.xml").read_text("utf-8")
    assert "Disallow: /envois/" in (built_site / "robots.txt").read_text("utf-8")
    assert "/envois/" not in (built_site / "index.html").read_text("utf-8")  # not in the navigation
