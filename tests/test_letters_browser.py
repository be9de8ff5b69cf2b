"""Letters in French, English and Arabic, in real Chromium: every link and the
clipboard carry the composition of content/letters.py in the letter's language;
the Arabic letter is laid out right to left with its punctuation on the reading
side; printed letters (page.pdf, read with pdfplumber) put the name and the
address in the envelope window, flow onto a second page, and come as copies.

PDFs and screenshots are kept in the session's temporary directory (the path is
printed) to be looked at."""

from __future__ import annotations

import io
import re
from collections import Counter
from urllib.parse import parse_qs, unquote, urlsplit

import pdfplumber
import pytest

from helpers import ROOT, action, make_content, run_pelican
from support.axe import axe_violations, format_violations
from support.server import serve_directory
from urgent_actions.content.letters import compose
from urgent_actions.content.loading import load_site
from urgent_actions.content.scripts import FSI, PDI
from urgent_actions.site import links

SLUG = "egypte-chercheur-detenu"
MM = 72 / 25.4  # PDF points per millimetre
NAME, TOWN = "Ana Exemple", "Namur"

# What each letter of the sample action must open with, written out here rather
# than computed: the targets' salutations per language (content/), in order.
SALUTATIONS = {
    1: {"fr": "Monsieur le Ministre,", "en": "Dear Minister,", "ar": "معالي الوزير،"},
    2: {"fr": "Monsieur le Procureur général,", "en": "Dear Prosecutor General,", "ar": "سعادة النائب العام،"},
    3: {"fr": "Monsieur le Ministre,", "en": "Dear Minister,", "ar": "معالي الوزير،"},
}
LINE_TO_SIGN = {"fr": "[Votre nom]", "en": "[Your name]", "ar": "[اسمك]"}
CLOSINGS = {
    "fr": "Veuillez agréer l'expression de ma très haute considération.",
    "en": "Yours sincerely,",
    "ar": "وتفضلوا بقبول فائق الاحترام،",
}


@pytest.fixture(scope="module")
def egypt():
    return next(a for a in load_site(str(ROOT / "content")).actions if a.slug == SLUG)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    path = tmp_path_factory.mktemp("letters-browser")
    print(f"\nPDFs and screenshots: {path}")
    return path


def expected(egypt, index, language, name="", town=""):
    """The composed letter (plain text, subject) to target ``index`` in ``language``."""
    front = egypt.front
    target = front.targets[index - 1]
    letter = next(item for item in front.letters if item.language == language)
    composed = compose(letter, target.salutation, front.letters[0].language)
    return target, composed, composed.signed(name, town)


def query(href):
    fields = parse_qs(urlsplit(href).query, keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def way_hrefs(page, index, language):
    """Every href of the way of target ``index`` in ``language``."""
    way = page.locator(f".ways[data-target='{index}'] .way[data-lang='{language}']")
    return {
        "mailto": way.locator("a[data-mailto-prefix]").evaluate_all("els => els.map(e => e.href)"),
        "subject_only": way.locator("a[href^='mailto:']:not([data-mailto-prefix])").evaluate_all(
            "els => els.map(e => e.href)"
        ),
        "gmail": way.locator("a[data-webmail='gmail']").evaluate_all("els => els.map(e => e.href)"),
        "outlook": way.locator("a[data-webmail='outlook']").evaluate_all("els => els.map(e => e.href)"),
    }


def check_every_link(page, egypt, name="", town=""):
    """Every email link of every target and language against the composition,
    and against the words written out above; returns how many were read."""
    cc = [e for c in egypt.front.copies for e in c.emails]
    read = 0
    for index in (1, 2):
        for language in ("fr", "en", "ar"):
            target, composed, text = expected(egypt, index, language, name, town)
            # The words written out: salutation, closing, signature of the language.
            assert text.startswith(SALUTATIONS[index][language] + "\n\n")
            assert CLOSINGS[language] in text
            if name:
                signature = f"{FSI}{name}{PDI}\n{FSI}{town}{PDI}" if language == "ar" else f"{name}\n{town}"
            else:
                signature = LINE_TO_SIGN[language]
            assert text.endswith("\n\n" + signature), (language, text[-60:])
            hrefs = way_hrefs(page, index, language)
            subject = composed.plain_subject
            if composed.direction == "ltr":
                assert len(hrefs["mailto"]) == 1 and not hrefs["subject_only"]
                assert hrefs["mailto"][0] == links.mailto_url(target.emails, cc=cc, subject=subject, body=text)
                body = unquote(hrefs["mailto"][0].split("&body=")[1]).replace("\r\n", "\n")
                assert body == text
            else:
                # An Arabic letter is over 2,000 characters once percent-encoded:
                # the page offers the address and subject, and the copy button.
                assert not hrefs["mailto"]
                assert hrefs["subject_only"] == [links.mailto_url(target.emails, cc=cc, subject=subject)]
            gmail, outlook = query(hrefs["gmail"][0]), query(hrefs["outlook"][0])
            assert gmail["body"] == outlook["body"] == text.replace("\n", "\r\n")
            assert gmail["su"] == outlook["subject"] == subject
            assert gmail["to"] == ",".join(target.emails) and gmail["cc"] == ",".join(cc)
            read += 3
    return read


def test_without_javascript_every_link_carries_the_letter_in_its_language(site_url, open_page, egypt):
    page = open_page(width=1280, javascript=False, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    assert check_every_link(page, egypt) == 18
    front = egypt.front
    sms = page.eval_on_selector_all("a[href^='sms:']", "els => els.map(e => e.getAttribute('href'))")
    assert sms == [links.sms_url("+20 100 000 0000", front.sms)]
    intents = page.eval_on_selector_all(
        "a[href^='https://x.com/intent/']", "els => els.map(e => e.getAttribute('href'))"
    )
    assert intents == [links.tweet_intent_url("@MinJusticeExample " + front.tweet)]
    # The third target is reached by post only, through the embassy.
    assert page.locator(".ways[data-target='3'] a[href^='mailto:']").count() == 0
    assert page.locator(".ways[data-target='3'] a[href$='/lettre-3-ar/']").count() == 1


def test_personalised_links_and_clipboard_in_fr_en_and_ar(site_url, open_page, egypt, out):
    page = open_page(width=1280, base_url=site_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(f"/actions/{SLUG}/")
    page.fill("#reader-name", NAME)
    page.fill("#reader-town", TOWN)
    assert check_every_link(page, egypt, NAME, TOWN) == 18
    for language in ("fr", "en", "ar"):
        page.check(f"#langue-{language}")
        way = page.locator(f".ways[data-target='1'] .way[data-lang='{language}']")
        assert way.is_visible()
        way.locator("button[data-copy='letter']").click()
        page.wait_for_function("document.querySelector('[data-copy-status]').textContent === 'Lettre copiée.'")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == expected(egypt, 1, language, NAME, TOWN)[2], language
        page.evaluate("document.querySelector('[data-copy-status]').textContent = ''")
    # Unsigned again: the line to sign of the letter's language.
    page.fill("#reader-name", "")
    page.fill("#reader-town", "")
    page.locator(".ways[data-target='1'] .way[data-lang='ar'] button[data-copy='letter']").click()
    page.wait_for_function("document.querySelector('[data-copy-status]').textContent === 'Lettre copiée.'")
    assert page.evaluate("navigator.clipboard.readText()").endswith("\n\n[اسمك]")
    page.screenshot(path=out / "action-ar.png", full_page=True)


def test_the_preferred_language_is_shown_beside_the_choice(site_url, open_page):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    assert "langue préférée des autorités" in page.locator("label[for='langue-ar']").inner_text()
    assert "langue préférée" not in page.locator("label[for='langue-fr']").inner_text()
    assert "Les autorités préfèrent les lettres en arabe." in page.locator(".steps").inner_text()


def _box(page, selector, start, end):
    """The bounding box of characters [start, end) of the first text node of ``selector``."""
    return page.evaluate(
        """([selector, start, end]) => {
            const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
            const node = walker.nextNode();
            const range = document.createRange();
            range.setStart(node, start < 0 ? node.length + start : start);
            range.setEnd(node, end <= 0 ? node.length + end : end);
            const r = range.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top};
        }""",
        [selector, start, end],
    )


def test_the_arabic_letter_reads_right_to_left_with_isolated_latin(site_url, open_page, out):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    page.check("#langue-ar")
    page.fill("#reader-name", "Marie Claire Dupont")
    page.check("#reader-initials")  # "M. C. D.": Latin, ending with a full stop
    letter = page.locator("section.letter[lang='ar']")
    assert letter.get_attribute("dir") == "rtl"
    assert letter.evaluate("e => getComputedStyle(e).direction") == "rtl"
    salutation = "section.letter[lang='ar'] .letter__text p:first-child"
    assert page.locator(salutation).inner_text() == "معالي الوزير،"
    comma, words = _box(page, salutation, -1, 0), _box(page, salutation, 0, -1)
    # Right to left: the comma that ends the salutation is its leftmost glyph.
    assert comma["right"] <= words["left"] + 0.5, (comma, words)
    # A Latin name inside the Arabic text: isolated, marked, in its own order.
    latin = page.locator("section.letter[lang='ar'] bdi[lang='und-Latn']")
    assert latin.all_inner_texts() == ["Karim Exemple"]
    karim, exemple = (_box(page, "section.letter[lang='ar'] bdi[lang='und-Latn']", a, b) for a, b in ((0, 5), (6, 0)))
    assert karim["right"] <= exemple["left"] + 0.5, (karim, exemple)
    signature = "section.letter[lang='ar'] [data-reader-name]"
    assert page.locator(signature).inner_text() == "M. C. D."
    stop, initials = _box(page, signature, -1, 0), _box(page, signature, 0, -1)
    # The Latin initials keep their order: the final full stop after the D.
    assert stop["left"] >= initials["right"] - 0.5, (stop, initials)
    # The same text without isolation is laid out ".M. C. D" (the measure can fail).
    page.evaluate(
        """() => { const p = document.createElement('p'); p.id = 'control'; p.dir = 'rtl';
                   p.textContent = 'M. C. D.'; document.querySelector("section.letter[lang='ar']").append(p); }"""
    )
    stop, initials = _box(page, "#control", -1, 0), _box(page, "#control", 0, -1)
    assert stop["right"] <= initials["left"] + 0.5
    page.evaluate("document.getElementById('control').remove()")
    letter.screenshot(path=out / "letter-ar.png")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_a_name_in_arabic_script_in_a_french_letter_has_its_own_lang(site_url, open_page):
    page = open_page(width=1280, base_url=site_url)
    page.goto("/actions/arabie-saoudite-militante-droits-des-femmes/")
    name = page.locator("section.letter[lang='fr'] bdi[lang='und-Arab']")
    assert name.all_inner_texts() == ["نور إكزامبل"]
    assert name.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"


def test_a_contact_form_gets_the_letter_copied_then_opens(open_page, site_url, browser):
    slug = "arabie-saoudite-militante-droits-des-femmes"
    sample = {a.slug: a for a in load_site(str(ROOT / "content")).actions}[slug]
    page = open_page(width=1280, base_url=site_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(f"/actions/{slug}/")
    link = page.locator(".ways[data-target='2'] .way[data-lang='fr'] a[data-copy-then-open]")
    assert link.get_attribute("target") == "_blank"
    assert link.inner_text().startswith("Copier la lettre, puis ouvrir le formulaire")
    assert "s'ouvre dans un nouvel onglet" in link.text_content()
    with page.context.expect_page() as opened:
        link.click()
    # The new tab went to the form (and was stopped there: nothing leaves the machine).
    opened.value.wait_for_load_state()
    assert "https://hrc-sa.example.org/contact" in page.third_party_requests
    page.wait_for_function("document.querySelector('[data-copy-status]').textContent.startsWith('Lettre copiée.')")
    target, letter = sample.front.targets[1], sample.front.letters[0]
    assert page.evaluate("navigator.clipboard.readText()") == compose(letter, target.salutation, "fr").text
    page = open_page(width=1280, javascript=False, base_url=site_url)
    page.goto(f"/actions/{slug}/")
    link = page.locator(".ways[data-target='2'] .way[data-lang='fr'] a[data-copy-then-open]")
    assert link.inner_text().startswith("Ouvrir le formulaire de contact")  # no promise of a copy


# --- Printed letters --------------------------------------------------------------


def print_pdf(page, url, path):
    page.goto(url)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    path.write_bytes(pdf)
    return pdfplumber.open(io.BytesIO(pdf))


def in_window(word):
    """Inside the window of a DIN 5008 form B envelope: 20-105 mm from the left,
    45-90 mm from the top."""
    return 20 <= word["x0"] / MM and word["x1"] / MM <= 105 and 45 <= word["top"] / MM and word["bottom"] / MM <= 90


def window_lines(sheet):
    """The text inside the window, line by line (words grouped by their top)."""
    lines: dict[int, list] = {}
    for word in sheet.extract_words():
        if in_window(word):
            lines.setdefault(round(word["top"]), []).append(word)
    return [" ".join(w["text"] for w in sorted(words, key=lambda w: w["x0"])) for _, words in sorted(lines.items())]


def positions(sheet, text):
    """'(x0, top) mm' of each word of ``text`` on ``sheet``, for the report."""
    return [
        (w["text"], round(w["x0"] / MM, 1), round(w["top"] / MM, 1))
        for w in sheet.extract_words()
        if w["text"] in text.split()
    ]


def test_the_printed_letter_to_a_target_abroad(site_url, open_page, out):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/lettre-1-fr/")
    postage = page.locator("[data-postage]").inner_text().replace("\xa0", " ")
    assert "reste du monde (Égypte)\u202f: 3,93 € pour une lettre de moins de 50 g (tarif 2026)" in postage
    assert page.locator("[data-embassy-note]").count() == 0
    document = print_pdf(page, f"/actions/{SLUG}/lettre-1-fr/", out / "lettre-1-fr.pdf")
    with document:
        assert len(document.pages) == 1
        sheet = document.pages[0]
        assert round(sheet.width / MM) == 210 and round(sheet.height / MM) == 297
        assert window_lines(sheet) == [
            "Ministre de la Justice (fictif)",
            "Ministre",
            "Ministère de la Justice",
            "1 rue de l'Exemple",
            "Le Caire",
            "ÉGYPTE",
        ]
        print("window, lettre-1-fr:", positions(sheet, "Ministre Ministère ÉGYPTE"))
        text = sheet.extract_text()
        assert "Monsieur le Ministre," in text and "Libérez Karim Exemple" in text
        assert CLOSINGS["fr"] in text
        assert "[Votre nom]" in text  # unsigned: the line to sign
        assert "1 / 1" in text


def test_the_printed_letter_through_the_embassy_and_its_copy(site_url, open_page, out):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/")
    page.fill("#reader-name", NAME)
    page.fill("#reader-town", TOWN)
    page.goto(f"/actions/{SLUG}/lettre-3-fr/")
    postage = page.locator("[data-postage]").inner_text().replace("\xa0", " ")
    assert (
        "Affranchissez au tarif pour la Belgique\u202f: 2,13 € pour une lettre de moins de 50 g (tarif 2026)."
        in postage
    )
    assert "passe par l'ambassade" in page.locator("[data-embassy-note]").inner_text()
    page.screenshot(path=out / "lettre-3-fr.png", full_page=True)
    via_embassy = print_pdf(page, f"/actions/{SLUG}/lettre-3-fr/", out / "lettre-3-fr.pdf")
    copy_page = f"/actions/{SLUG}/lettre-1-fr/copie-1/"
    page.goto(copy_page)
    assert "tarif pour la Belgique" in page.locator("[data-postage]").inner_text()
    assert page.locator("[data-embassy-note]").count() == 0  # the copy is for the embassy itself
    copy = print_pdf(page, copy_page, out / "copie-1-fr.pdf")
    with via_embassy:
        sheet = via_embassy.pages[0]
        assert len(via_embassy.pages) == 1
        assert window_lines(sheet) == [
            "Ministre de l'Intérieur (fictif)",
            "Ministre de l'Intérieur",
            "c/o Ambassade d'Égypte en Belgique (fictive)",
            "Avenue de l'Exemple 19",
            "1000 Bruxelles",
            "BELGIQUE",
        ]
        print("window, lettre-3-fr:", positions(sheet, "Ministre c/o Bruxelles BELGIQUE"))
        # The sender is outside the window.
        for word in sheet.extract_words():
            if word["text"] in ("Namur", "Exemple") and not word["top"] / MM > 90:
                assert not in_window(word), word
    with copy:
        sheet = copy.pages[0]
        assert window_lines(sheet) == [
            "Ambassade d'Égypte en Belgique (fictive)",
            "Avenue de l'Exemple 19",
            "1000 Bruxelles",
            "BELGIQUE",
        ]
        text = sheet.extract_text()
        assert "Copie de la lettre adressée au Ministre de la Justice (fictif)" in text
        assert "Monsieur le Ministre," in text and "Ana Exemple" in text


def test_the_printed_english_and_arabic_letters(site_url, open_page, out):
    page = open_page(width=1280, base_url=site_url)
    page.goto(f"/actions/{SLUG}/lettre-2-en/")
    today = page.evaluate("new Intl.DateTimeFormat('en-GB', {dateStyle: 'long'}).format(new Date())")
    assert page.locator("[data-letter-date]").inner_text() == today
    english = print_pdf(page, f"/actions/{SLUG}/lettre-2-en/", out / "lettre-2-en.pdf")
    page.goto(f"/actions/{SLUG}/lettre-2-ar/")
    sheet = page.locator("article.sheet")
    assert (sheet.get_attribute("lang"), sheet.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator(".sheet__window").evaluate("e => getComputedStyle(e).direction") == "ltr"
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    arabic = print_pdf(page, f"/actions/{SLUG}/lettre-2-ar/", out / "lettre-2-ar.pdf")
    with english:
        text = english.pages[0].extract_text()
        assert "Dear Prosecutor General," in text and "Yours sincerely," in text and "[Your name]" in text
        assert today in text
        assert not re.search(r"décembre|novembre|janvier", text)
    with arabic:
        assert len(arabic.pages) == 1
        sheet = arabic.pages[0]
        assert window_lines(sheet)[:2] == ["Procureur général de la République (fictif)", "Procureur général"]
        assert window_lines(sheet)[-1] == "ÉGYPTE"


LONG_SLUG = "lettre-longue"


SENTENCES = (
    "Je vous écris au sujet de Karim Exemple, détenu depuis le {n} octobre sans avoir été jugé.",
    "Sa détention provisoire a été renouvelée {n} fois, lors d'audiences de quelques minutes.",
    "Ni lui ni ses avocats n'ont pu consulter le dossier, qui compte selon eux {n} pages.",
    "Sa famille n'a pu lui rendre visite que deux fois en {n} jours, et s'inquiète pour sa santé.",
    "Je vous demande de veiller à ce qu'il reçoive sans délai les soins dont il a besoin (demande n° {n}).",
)


def long_letter_body() -> str:
    """About 5,000 characters of French prose in paragraphs of five sentences,
    each with its own number (so that every sentence is a different one)."""
    paragraphs, n = [], 0
    while sum(len(p) + 2 for p in paragraphs) < 4_850:
        sentences = []
        for sentence in SENTENCES:
            n += 1
            sentences.append(sentence.format(n=n))
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


@pytest.fixture(scope="module")
def long_letter_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("long-letter")
    body = long_letter_body()
    front = action(
        letters=[{"language": "fr", "subject": "Une lettre longue", "body": body}],
        sms=None,
        tweet=None,
    )
    content = make_content(root, {LONG_SLUG: front})
    result = run_pelican(ROOT, content, root / "output", overrides={"UA_SEARCH": False})
    assert result.returncode == 0, result.stderr + result.stdout  # --fatal warnings: no page warning
    with serve_directory(root / "output") as url:
        yield url, body


def test_a_5000_character_letter_flows_onto_a_second_page(long_letter_site, open_page, out):
    url, body = long_letter_site
    assert 4_800 <= len(body) <= 5_200
    page = open_page(width=1280, base_url=url)
    page.goto(f"/actions/{LONG_SLUG}/")
    page.fill("#reader-name", NAME)
    page.fill("#reader-town", TOWN)
    document = print_pdf(page, f"/actions/{LONG_SLUG}/lettre-1-fr/", out / "lettre-longue.pdf")
    with document:
        assert len(document.pages) == 2
        first, second = document.pages
        # Every word of the letter, as many times as it is written.
        printed = Counter(w["text"] for p in document.pages for w in p.extract_words())
        missing = Counter(body.split()) - printed
        assert not missing, list(missing)[:10]
        assert "Je vous écris au sujet" in second.extract_text(), "the text goes on"
        # The window on page 1 only.
        assert "Ministère" in [w["text"] for w in first.extract_words() if in_window(w)]
        assert "Ministère" not in second.extract_text()
        # Sender and page number on each page.
        for number, sheet in enumerate(document.pages, start=1):
            top = [w["text"] for w in sheet.extract_words() if w["top"] / MM < 32]
            assert "Ana" in top and "Namur" in top, (number, top)
            bottom = " ".join(w["text"] for w in sheet.extract_words() if w["top"] / MM > 277)
            assert bottom == f"{number} / 2", bottom
        text = second.extract_text()
        closing = "Je vous prie d'agréer l'expression de ma haute considération."
        assert closing in text.replace("\n", " ")
        # The signature comes after the closing, on the same page.
        lines = text.split("\n")
        closing_line = max(i for i, line in enumerate(lines) if "considération." in line)
        assert any("Ana Exemple" in line for line in lines[closing_line + 1 :])
        tops = sorted(w["top"] / MM for w in second.extract_words() if 32 < w["top"] / MM < 277)
        print(
            f"long letter: {len(body)} characters, {len(document.pages)} pages; page 2 text "
            f"from {tops[0]:.1f} to {tops[-1]:.1f} mm from the top"
        )
