"""Acting from an action page in real Chromium: every link carries the letter the
content model describes, personalised; copy buttons; no-JS; the printed letter."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pdfplumber
import pytest

from helpers import ROOT
from support.axe import axe_violations, format_violations
from urgent_actions.content.letters import compose
from urgent_actions.content.loading import load_site
from urgent_actions.site import links

SLUG = "egypte-chercheur-detenu"
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def sample():
    return {a.slug: a for a in load_site(str(ROOT / "content")).actions}


def expected_links(action, name="", town=""):
    """Python's composition of every mailto href of the page, in page order."""
    cc = [e for c in action.front.copies for e in c.emails]
    hrefs = []
    first = action.front.letters[0].language
    for target in action.front.targets:
        if not target.emails:
            continue
        for letter in action.front.letters:
            composed = compose(letter, target.salutation, first)
            text = composed.signed(name, town)
            url = links.mailto_url(target.emails, cc=cc, subject=composed.plain_subject, body=text)
            if len(url) <= links.MAILTO_LENGTH_LIMIT:  # a longer one is not offered
                hrefs.append(url)
    return hrefs


def test_without_javascript_every_link_carries_the_whole_letter(site_url, open_page, sample):
    page = open_page(width=360, javascript=False, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    hrefs = page.eval_on_selector_all(
        "a[href^='mailto:'][data-mailto-prefix]", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == expected_links(sample[SLUG])
    sms = page.eval_on_selector_all("a[href^='sms:']", "els => els.map(e => e.getAttribute('href'))")
    assert sms == [links.sms_url("+20 100 000 0000", sample[SLUG].front.sms)]
    intents = page.eval_on_selector_all(
        "a[href^='https://x.com/intent/']", "els => els.map(e => e.getAttribute('href'))"
    )
    assert intents == [links.tweet_intent_url("@MinJusticeExample " + sample[SLUG].front.tweet)]
    assert page.locator("button[data-copy]:visible").count() == 0  # no dead buttons
    assert page.locator("[data-personalise]").is_hidden()


def test_personalised_links_match_the_python_composition(site_url, open_page, sample):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    page.fill("#reader-name", "Zoé O'Brien & fils")
    page.fill("#reader-town", "Liège (4000) #1 +100%")
    hrefs = page.eval_on_selector_all("a[data-mailto-prefix]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs == expected_links(sample[SLUG], "Zoé O'Brien & fils", "Liège (4000) #1 +100%")
    gmail = page.get_attribute(".way a[data-webmail='gmail']", "href")
    action = sample[SLUG]
    target, letter = action.front.targets[0], action.front.letters[0]
    text = compose(letter, target.salutation, "fr").signed("Zoé O'Brien & fils", "Liège (4000) #1 +100%")
    cc = [e for c in action.front.copies for e in c.emails]
    assert gmail == links.gmail_compose_url(target.emails, cc=cc, subject=letter.subject, body=text)
    # initials only, then forget
    page.check("#reader-initials")
    href = page.get_attribute("a[data-mailto-prefix]", "href")
    assert unquote(href).endswith("\r\n\r\nZ. O. F.\r\nLiège (4000) #1 +100%")
    page.reload()
    assert page.input_value("#reader-name") == "Zoé O'Brien & fils"  # kept on this device
    page.click("[data-forget]")
    assert page.evaluate("localStorage.getItem('ua-reader')") is None
    assert page.get_attribute("a[data-mailto-prefix]", "href") == expected_links(action)[0]


def test_copy_buttons_put_the_exact_text_in_the_clipboard(site_url, open_page, sample):
    page = open_page(width=1280, base_url=site_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(f"/actions/{SLUG}/")
    page.fill("#reader-name", "Ana")
    page.fill("#reader-town", "Namur")
    way = page.locator(".way").first
    way.locator("button[data-copy='letter']").click()
    page.wait_for_function("document.querySelector('[data-copy-status]').textContent.length > 0")
    copied = page.evaluate("navigator.clipboard.readText()")
    action = sample[SLUG]
    target, letter = action.front.targets[0], action.front.letters[0]
    assert copied == compose(letter, target.salutation, "fr").signed("Ana", "Namur")
    assert page.locator("[data-copy-status]").text_content() == "Lettre copiée."
    way.locator("button[data-copy='address']").click()
    page.wait_for_function("document.querySelector('[data-copy-status]').textContent === 'Adresse copiée.'")
    assert page.evaluate("navigator.clipboard.readText()") == ", ".join(target.emails)


def test_choosing_a_language_switches_every_channel(site_url, open_page):
    page = open_page(width=360, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    assert page.locator(".way[data-lang='en']").first.is_hidden()
    page.check("#langue-en")
    assert page.locator(".way[data-lang='fr']").first.is_hidden()
    href = page.locator(".way[data-lang='en'] a[data-mailto-prefix]").first.get_attribute("href")
    assert "subject=Release%20Karim%20Exemple" in href
    assert page.locator("section.letter[lang='en']").is_visible()
    assert page.locator("section.letter[lang='fr']").is_hidden()


def test_done_on_this_device_shows_on_the_home_page(site_url, open_page):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    button = page.locator("[data-done-toggle] button")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    page.goto("/")
    card = page.locator(f"[data-action='{SLUG}']")
    assert "is-done" in card.get_attribute("class")
    assert card.locator("[data-done-label]").is_visible()


def test_action_page_with_every_control_has_no_accessibility_violation(site_url, open_page):
    for width in (360, 1280):
        page = open_page(width=width, base_url=site_url)
        page.goto(f"/actions/{SLUG}/")
        page.fill("#reader-name", "Ana")
        violations = axe_violations(page)
        assert not violations, format_violations(violations)


def test_printed_letter_puts_the_address_in_the_envelope_window(site_url, open_page):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    page.fill("#reader-name", "Ana Exemple")
    page.fill("#reader-town", "Namur")
    page.goto(f"/actions/{SLUG}/lettre-1-fr/")
    assert page.locator(".sheet__sender [data-reader-name]").text_content() == "Ana Exemple"
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        sheet = document.pages[0]
        assert round(sheet.width / MM) == 210 and round(sheet.height / MM) == 297
        words = sheet.extract_words()
        address = [w for w in words if w["text"] in ("Ministère", "ÉGYPTE")]
        assert len(address) == 2
        for word in address:  # inside the window: 20-105 mm from the left, 45-90 mm from the top
            assert 20 <= word["x0"] / MM and word["x1"] / MM <= 105, word
            assert 45 <= word["top"] / MM and word["bottom"] / MM <= 90, word
        sender = [w for w in words if w["text"] == "Namur"]
        assert sender and all(w["x0"] / MM >= 105 or w["top"] / MM >= 90 for w in sender)
        text = sheet.extract_text()
        assert "Monsieur le Ministre," in text and "Libérez Karim Exemple" in text
