"""What an action page says first, read in the built sample site: the way to write on
an open action, the latest news on a closed or superseded one, no live send link
once an action is closed; the outcome on the cards, styled by the outcome."""

from __future__ import annotations

import re

import pytest

SEND_LINKS = (
    'href="mailto:',
    'href="sms:',
    'href="https://x.com/intent/',
    "mail.google.com",
    "outlook.live.com",
    "/lettre-",
)


def page(built_site, slug: str) -> str:
    return (built_site / "actions" / slug / "index.html").read_text("utf-8")


def main_part(html: str) -> str:
    return html.split('<main id="contenu"', 1)[1].split("</main>", 1)[0]


def test_an_open_action_offers_the_quickest_ways_right_after_its_intro(built_site):
    html = main_part(page(built_site, "egypte-chercheur-detenu"))
    order = [
        html.index(marker)
        for marker in (
            "<h1>",
            'class="lead"',
            'class="action__deadline"',
            'id="agir"',
            'id="le-dossier"',
            'id="comment-agir"',
        )
    ]
    assert order == sorted(order)
    block = html[html.index('id="agir"') : html.index('id="le-dossier"')]
    assert (
        'href="mailto:' in block and "mail.google.com" in block and 'href="sms:' in block and "x.com/intent/" in block
    )
    assert "/lettre-1-fr/" in block  # print the letter
    assert 'data-copy="letter"' in block and "data-language-choice" in block and "data-done-toggle" in block
    # The first target, in each letter language (all shown without JavaScript).
    languages = block.count('name="letter-language"')
    assert languages >= 2 and block.count('class="way"') == languages
    # The other targets keep every way to act, below; the steps read as sentences.
    rest = html[html.index('id="comment-agir"') :]
    assert 'data-target="2"' in rest and 'data-target="1"' not in rest
    assert "proposée pour chacune. Les autorités préfèrent les lettres en arabe. Un message personnel" in rest


@pytest.mark.parametrize(
    ("slug", "tone", "news", "link"),
    [
        ("egypte-avocate-liberee", "good", "Mona Exemple a été libérée le 20 janvier 2026", None),
        ("mexique-journaliste-protection", "neutral", "Luis Ejemplo bénéficie désormais", None),
        ("chine-avocat-disparu", "neutral", "Cette action est terminée", None),
        # Superseded: the case's latest update comes first, with a link to it.
        (
            "tunisie-blogueuse-arretee",
            "good",
            "Sarra Exemple a été acquittée et libérée",
            "/actions/tunisie-blogueuse-liberee/",
        ),
        (
            "tunisie-blogueuse-proces-reporte",
            "good",
            "Sarra Exemple a été acquittée et libérée",
            "/actions/tunisie-blogueuse-liberee/",
        ),
    ],
)
def test_a_closed_or_superseded_action_shows_the_latest_news_first(built_site, slug, tone, news, link):
    html = main_part(page(built_site, slug))
    banner = re.search(r'<section class="news news--(\w+)".*?</section>', html, re.DOTALL)
    assert banner, slug
    assert banner.group(1) == tone
    assert html.index("<h1>") < banner.start() < html.index('class="lead"') < html.index('id="le-dossier"')
    assert news in banner.group(0)
    assert '<a href="/">' in banner.group(0)  # the actions open now
    if link:
        assert f'<a href="{link}">Lire la mise à jour</a>' in banner.group(0)


@pytest.mark.parametrize(
    "slug",
    ["chine-avocat-disparu", "mexique-journaliste-protection", "egypte-avocate-liberee", "tunisie-blogueuse-arretee"],
)
def test_a_closed_action_keeps_its_letter_as_an_archive_without_send_links(built_site, slug):
    html = main_part(page(built_site, slug))
    assert not [link for link in SEND_LINKS if link in html], slug
    assert 'href="tel:' not in html and "data-reader-name" not in html and "data-copy" not in html
    if "letter--archive" in html or 'class="letter' in html:
        assert 'class="letter letter--archive"' in html and "Pour mémoire\u202f: cette action est terminée" in html
    assert not (built_site / "actions" / slug / "lettre-1-fr").exists()


def test_archive_cards_show_the_outcome_styled_by_the_outcome(built_site):
    html = (built_site / "archives" / "index.html").read_text("utf-8")
    cards = dict(re.findall(r'data-action="([a-z0-9-]+)">(.*?)</article>', html, re.DOTALL))
    assert (
        'card__outcome--good"' in cards["egypte-avocate-liberee"]
        and "Mona Exemple a été libérée" in cards["egypte-avocate-liberee"]
    )
    assert 'card__outcome--neutral"' in cards["mexique-journaliste-protection"]
    assert (
        "card__outcome" not in cards["egypte-chercheur-detenu"] and "card__deadline" in cards["egypte-chercheur-detenu"]
    )


def test_every_action_page_has_the_ids_other_pages_link_to(built_site):
    for path in sorted(built_site.glob("actions/*/index.html")):
        html = path.read_text("utf-8")
        if 'http-equiv="refresh"' in html:
            continue
        for anchor in ("le-dossier", "suivi"):
            assert f'id="{anchor}"' in html, (path, anchor)
