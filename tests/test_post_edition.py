"""The postal edition: one PDF a month, read back with pdfplumber (A4, fonts
embedded, addresses in the envelope's window, every word of every letter),
its QR codes decoded (zxing-cpp), the warning on a short deadline, and its
key: made again only when the month's selection changed."""

from __future__ import annotations

import pickle
import shutil
import unicodedata
from collections import Counter

import pdfplumber
import pypdfium2
import pytest
import zxingcpp
from pdfminer.pdftypes import resolve1

from helpers import BUILD_EPOCH, ROOT, action, make_content, run_pelican
from urgent_actions.content.loading import load_site
from urgent_actions.site.post import letters_to_post
from urgent_actions.urls import case_short_url

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# DIN 5008 form B window of a left window envelope, from the sheet's top left corner.
WINDOW = (20 * MM, 45 * MM, 105 * MM, 90 * MM)
PDF = "envois/courrier-2026-11.pdf"


@pytest.fixture(scope="module")
def mailing(built_site):
    with pdfplumber.open(built_site / PDF) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def chosen():
    """The sample's actions of November 2026's mailing, in the PDF's order."""
    site = load_site(str(ROOT / "content"))
    return sorted((a for a in site.actions if a.front.post), key=lambda a: a.sort_key)


def _fonts(page) -> dict:
    resources = resolve1(page.page_obj.resources) or {}
    return {name: resolve1(font) for name, font in (resolve1(resources.get("Font")) or {}).items()}


def _embedded(font: dict) -> bool:
    if "DescendantFonts" in font:
        font = resolve1(resolve1(font["DescendantFonts"])[0])
    descriptor = resolve1(font.get("FontDescriptor")) or {}
    return any(key in descriptor for key in ("FontFile", "FontFile2", "FontFile3"))


def _in_window(page) -> list[dict]:
    x0, top, x1, bottom = WINDOW
    return [
        w for w in page.extract_words() if w["x0"] >= x0 and w["x1"] <= x1 and w["top"] >= top and w["bottom"] <= bottom
    ]


def _bookmarks(pdf) -> list[tuple[int, str, int]]:
    """The PDF's bookmarks: (level, title, index of the page they lead to)."""
    pages = {page.page_obj.pageid: index for index, page in enumerate(pdf.pages)}
    return [(level, title, pages[resolve1(dest)[0].objid]) for level, title, dest, _, _ in pdf.doc.get_outlines()]


def _letters(pdf) -> list[list]:
    """The PDF's letters: from each letter's bookmark (level 2) to the next bookmark."""
    marks = _bookmarks(pdf)
    starts = [index for index, (level, _, _) in enumerate(marks) if level == 2]
    runs = []
    for position in starts:
        first = marks[position][2]
        end = marks[position + 1][2] if position + 1 < len(marks) else len(pdf.pages)
        runs.append(pdf.pages[first:end])
    return runs


def test_the_pdf_bookmarks_the_cover_each_case_and_each_letter(mailing, chosen):
    titles = [(level, title) for level, title, _ in _bookmarks(mailing)]
    expected = [(1, "Le courrier de novembre 2026")]
    for sample in chosen:
        expected.append((1, ", ".join(sample.front.people)))
        for target, letter in letters_to_post(sample):
            language = {"fr": "français", "ar": "arabe"}[letter.language]
            expected.append((2, f"{target.name}, lettre en {language}"))
    assert titles == expected


def test_every_page_is_a4_and_every_font_is_embedded(mailing):
    names = set()
    for page in mailing.pages:
        assert (round(page.width), round(page.height)) == (round(A4[0]), round(A4[1]))
        for font in _fonts(page).values():
            assert _embedded(font), f"page {page.page_number}: font {font.get('BaseFont')} is not embedded"
            names.add(str(font.get("BaseFont")))
    assert names, "no font found"
    arabic = {c["fontname"] for page in mailing.pages for c in page.chars if "\u0600" <= c["text"] <= "\u06ff"}
    assert arabic, "the Arabic letter is in the PDF"


def test_cover_lists_the_month_actions_and_postage_by_zone(mailing, chosen):
    cover = mailing.pages[0].extract_text()
    assert "Le courrier de novembre 2026" in cover
    for sample in chosen:
        assert sample.front.case in cover
    # The postage table: a zone, its price, the actions in it (cells wrap).
    assert "Affranchissement" in cover
    # Each letter at the zone of its own address: Jordan's second target through its
    # embassy in Brussels (written without a country line), its first in Amman.
    assert "Belgique 2,13 € UA 062/26" in cover and "Europe 3,18 € UA 044/26" in cover
    assert "Reste du 3,93 € UA 062/26, UA 060/26" in cover
    assert "50 g" in cover and "20 g" not in cover  # the printed letter's weight


def test_each_letter_has_its_address_in_the_window_and_every_word(mailing, chosen):
    expected = [pair for sample in chosen for pair in letters_to_post(sample)]
    runs = _letters(mailing)
    # Belarus: 2 targets x fr; Jordan: 2 targets x (fr, ar); Saudi Arabia: 1 target x (fr, ar)
    assert len(runs) == len(expected) == 8
    for (target, letter), pages in zip(expected, runs, strict=True):
        window = " ".join(w["text"] for w in _in_window(pages[0]))
        for line in [target.name, *target.address_lines]:
            for word in line.split():
                assert word in window, f"{word!r} of {target.name}'s address is not in the window: {window}"
        text = "\n".join(page.extract_text() for page in pages)
        if letter.language == "ar":
            # Arabic comes out of the PDF in visual order, ligatures and vowel
            # marks placed as drawn, words sometimes split: compare every
            # letter of every word, with its count.
            # The words the sheet adds are in the letter's language: the
            # sender's name (at the top and to sign), town and the date.
            words = letter.words
            written = " ".join(
                [letter.subject, *letter.paragraphs, words["name"], words["name"], words["town"], words["date"]]
            )
            assert _arabic_letters(text) == _arabic_letters(written)
            continue
        words = set(text.split())
        written = [letter.subject, *letter.paragraphs]
        for paragraph in written:
            for word in paragraph.split():
                if _arabic_letters(word):
                    continue  # a name in Arabic script, compared letter by letter below
                assert word in words, f"{word!r} of the letter to {target.name} ({letter.language}) is missing"
        assert _arabic_letters(text) == _arabic_letters(" ".join(written))


def _arabic_letters(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKC", text) if "\u0620" <= c <= "\u064a")


def test_each_case_sheet_qr_code_decodes_to_the_short_address(built_site, mailing, chosen):
    document = pypdfium2.PdfDocument(str(built_site / PDF))
    decoded = []
    try:
        for index, page in enumerate(mailing.pages):
            if "Action urgente UA" in (page.extract_text() or ""):
                image = document[index].render(scale=3).to_pil()
                decoded += [result.text for result in zxingcpp.read_barcodes(image)]
    finally:
        document.close()
    assert decoded == [f"http://127.0.0.1:8000/{case_short_url(a.front.case)}" for a in chosen]
    for sample in chosen:  # and each leads somewhere
        assert (built_site / case_short_url(sample.front.case) / "index.html").is_file()


def test_a_deadline_less_than_eight_weeks_away_is_a_warning_naming_file_and_field(tmp_path):
    content = make_content(tmp_path, {"egypte-chercheur": action(post=True)})  # 2026-11-12 -> 2026-12-24: 6 weeks
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides={"UA_SEARCH": False})
    assert result.returncode != 0  # CI builds with --fatal warnings
    said = " ".join((result.stdout + result.stderr).split())
    # One problem line, in the format of every content problem (tests/test_one_list.py).
    assert "content/actions/egypte-chercheur.md: post: the deadline 2026-12-24 is 42 days after" in said, said


def _manifest(cache, output):
    from urgent_actions.speed.stamps import cache_file

    with open(cache_file(str(cache), str(output), "manifest"), "rb") as handle:
        return pickle.load(handle)["files"]


def test_the_pdf_is_made_again_only_when_its_selection_changed(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output, cache = tmp_path / "output", tmp_path / "cache"

    def build():
        result = run_pelican(tmp_path, content, output, extra_env={"SOURCE_DATE_EPOCH": BUILD_EPOCH},
                             overrides={"UA_SEARCH": False, "UA_CACHE_PATH": str(cache)})  # fmt: skip
        assert result.returncode == 0, result.stderr
        return _manifest(cache, output)[PDF][0], (output / PDF).stat().st_ino

    key, inode = build()
    other = content / "actions" / "egypte-chercheur-detenu.md"  # open, not chosen for the post
    other.write_text(other.read_text("utf-8").replace("400 jours", "401 jours"), "utf-8")
    assert build() == (key, inode)  # same key: the published file is kept as it is
    chosen_file = content / "actions" / "belarus-syndicaliste-emprisonne.md"
    chosen_file.write_text(chosen_file.read_text("utf-8").replace("six ans", "sept ans"), "utf-8")
    assert build()[0] != key
