"""Proofreading what reaches an official or a volunteer with a stamp, over the
sample site as built: every page, print page, copy, email edition (HTML and
text) and the postal PDF (pdfplumber).

- one postage per letter, decided by its own address: the action page, the
  print page, the copy and the PDF's cover agree (an embassy in Brussels
  written the Belgian way, without a country line, is posted at the Belgian rate);
- French names authorities with their article ("au Procureur général",
  "à l'Ambassade", "pour la Ministre"), never as if they were first names;
- a printed letter lists its copies under the signature, in its language;
- dates as each language writes them ("1er octobre", "24 November 2026"),
  and a right-to-left letter's date at its right margin;
- a banner or heading says each fact once (no date twice, no "Iran : Iran");
- one French name per country, and one key per theme label.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from helpers import ROOT, make_content, run_pelican
from urgent_actions.content import wording
from urgent_actions.content.authority import Copy
from urgent_actions.content.loading import load_site
from urgent_actions.site.act import postage_for

SLUG = "jordanie-syndicaliste-detenu-au-secret"
PDF = "envois/courrier-2026-11.pdf"
MM = 72 / 25.4
# The cover's zone labels, as the table cell starts them ("Reste du monde" wraps).
ZONES = {"belgium": "Belgique", "europe": "Europe", "world": "Reste du"}
FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"

# Role nouns an authority's name starts with: the sample content's, and the common ones.
ROLE_NOUNS = (
    "Procureur|Procureure|Ministre|Ministère|Ambassade|Président|Présidente|Directeur|Directrice|"
    "Responsable|Chef|Cheffe|Gouverneur|Gouverneure|Juge|Commandant|Commandante|Roi|Reine|Commission|"
    "Administration|Unité|Haut-Commissariat|Haut-Commissaire|Bureau|Cour|Tribunal|Préfet|Maire|Secrétaire"
)
# "à Procureur…", "pour Ambassade…", "adressée à Responsable…": a role named like a first name.
WITHOUT_ARTICLE = re.compile(rf"(?<![\w'’])(?:à|pour|adressée à|Lettre à)\s+(?:{ROLE_NOUNS})\b")


def text_of(markup: str) -> str:
    """What a reader reads of an HTML file: no tags, no scripts, entities decoded, spaces folded."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.DOTALL)
    markup = re.sub(r"<[^>]+>", "", markup)
    return re.sub(r"\s+", " ", html.unescape(markup)).replace("\u2068", "").replace("\u2069", "")


@pytest.fixture(scope="module")
def jordan():
    return next(a for a in load_site(str(ROOT / "content")).actions if a.slug == SLUG)


@pytest.fixture(scope="module")
def written(built_site) -> dict[str, str]:
    """Every text the build writes for people to read (HTML pages, print pages, emails, text files), by path."""
    found = {}
    for path in sorted(built_site.rglob("*")):
        relative = path.relative_to(built_site).as_posix()
        if relative.startswith(("theme/", "pagefind/", "admin/")) or not path.is_file():
            continue
        if path.suffix == ".html":
            found[relative] = text_of(path.read_text("utf-8"))
        elif path.suffix in (".txt", ".csv"):
            found[relative] = re.sub(r"\s+", " ", path.read_text("utf-8"))
    return found


@pytest.fixture(scope="module")
def mailing(built_site) -> list[str]:
    """The postal PDF's pages as text."""
    with pdfplumber.open(built_site / PDF) as pdf:
        return [re.sub(r"\s+", " ", page.extract_text() or "") for page in pdf.pages]


@cache
def _html(root: Path, relative: str) -> str:
    return (root / relative).read_text("utf-8")


def zone_of_print_page(root: Path, relative: str) -> str:
    return re.search(r'data-postage="(\w+)"', _html(root, relative)).group(1)


# -- Postage: one decision per address ------------------------------------------------


def test_each_letter_and_copy_is_priced_by_its_own_address(built_site):
    base = f"actions/{SLUG}/"
    # Target 1 in Amman (JORDANIE), target 2 through the embassy in Brussels (no country
    # line), copy 1 the embassy (no country line), copy 2 in Geneva (SUISSE).
    expected = {
        "lettre-1-fr/index.html": "world",
        "lettre-2-fr/index.html": "belgium",
        "lettre-1-fr/copie-1/index.html": "belgium",
        "lettre-1-fr/copie-2/index.html": "europe",
        "lettre-2-ar/copie-1/index.html": "belgium",
    }
    for relative, zone in expected.items():
        assert zone_of_print_page(built_site, base + relative) == zone, relative
    copy = text_of(_html(built_site, base + "lettre-1-fr/copie-1/index.html"))
    assert "tarif pour la Belgique : 2,13 €" in copy
    assert "reste du monde" not in copy


def test_the_action_page_gives_each_print_page_its_postage(built_site):
    """The page says, beside each print link, the zone and price its print page says."""
    checked = 0
    for page in sorted(built_site.glob("actions/*/index.html")):
        markup = page.read_text("utf-8")
        for url, zone in re.findall(r'<p class="postage" data-postage-for="([^"]+)" data-postage="(\w+)"', markup):
            assert zone_of_print_page(built_site, url.lstrip("/") + "index.html") == zone, url
            checked += 1
        links = set(re.findall(r'href="/(actions/[^"]+/lettre-[^"]+/)"', markup))
        priced = {u.lstrip("/") for u in re.findall(r'data-postage-for="([^"]+)"', markup)}
        assert links <= priced, page
    assert checked >= 10


def test_the_postal_pdf_cover_counts_each_letter_at_its_zone(mailing):
    cover = mailing[0]
    rows = {
        zone: re.search(rf"{label} \d+,\d\d € ([^A-Z]*(?:UA \d+/\d\d[, ]*)*|—)", cover).group(1)
        for zone, label in ZONES.items()
    }
    # The Jordanian action has a letter through the embassy in Brussels (written
    # without a country line) and one to Amman; Belarus's go to Minsk.
    assert "UA 062/26" in rows["belgium"] and "UA 062/26" in rows["world"]
    assert "UA 044/26" in rows["europe"] and "UA 044/26" not in rows["belgium"]


# -- French articles ------------------------------------------------------------------


def test_no_authority_is_named_like_a_first_name(written, mailing):
    found = [
        (path, match.group(0))
        for path, text in {**written, **{f"{PDF}#{n}": page for n, page in enumerate(mailing, 1)}}.items()
        for match in WITHOUT_ARTICLE.finditer(text)
    ]
    assert not found, found[:20]


def test_sentences_name_authorities_with_their_article(built_site):
    page = text_of(_html(built_site, f"actions/{SLUG}/index.html"))
    assert "Imprimer la copie pour l'Ambassade du Royaume hachémite" in page
    assert "Imprimer la copie pour le Haut-Commissariat" in page
    assert "à la Ministre de l'Intérieur" in page
    copy = text_of(_html(built_site, f"actions/{SLUG}/lettre-1-fr/copie-1/index.html"))
    assert "Copie de la lettre adressée à la Ministre de l'Intérieur" in copy


# -- Copies listed on the letter ------------------------------------------------------


@pytest.mark.parametrize(("language", "words"), [("fr", "Copie : "), ("en", "Copy to: "), ("ar", "نسخة إلى: ")])
def test_a_printed_letter_lists_its_copies_in_its_language(built_site, jordan, language, words):
    sheet = _html(built_site, f"actions/{SLUG}/lettre-1-{language}/index.html").split('class="sheet', 1)[1]
    copies = text_of(re.search(r'<p class="sheet__copies".*?</p>', sheet, re.DOTALL).group(0))
    assert copies.strip().startswith(words.strip())
    for copy in jordan.front.copies:
        assert copy.name in copies


# -- Dates ----------------------------------------------------------------------------


def test_english_letters_are_dated_day_month_year(built_site):
    page = _html(built_site, f"actions/{SLUG}/lettre-1-en/index.html")
    assert re.search(r"data-letter-date>24 November 2026<", page)


def test_french_writes_the_first_of_the_month_1er(written, mailing, built_site):
    plain_first = re.compile(rf"(?<![\d,])1 (?:{FRENCH_MONTHS}) \d{{4}}")
    found = [
        (path, m.group(0))
        for path, text in {**written, PDF: " ".join(mailing)}.items()
        for m in plain_first.finditer(text)
    ]
    assert not found, found[:20]
    good_news = text_of(_html(built_site, "actions/kazakhstan-militante-liberee/index.html"))
    assert "1er octobre 2026" in good_news


def test_right_to_left_letters_put_the_date_at_the_right_margin(built_site):
    css = (ROOT / "theme/static/css/letter-sheet.css").read_text("utf-8")
    rule = re.search(r"\.sheet\[dir=rtl\] \.sheet__date\s*\{([^}]*)\}", css)
    assert rule and "text-align: right" in rule.group(1)
    found = 0
    with pdfplumber.open(built_site / PDF) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            # pdfplumber gives Arabic in visual order: the blank "[التاريخ]" reads reversed.
            blank = [w for w in words if "التاريخ"[::-1] in w["text"] or "التاريخ" in w["text"]]
            for word in blank:
                assert page.width - word["x1"] < 25 * MM, word
                found += 1
    assert found


# -- Each fact once -------------------------------------------------------------------


def test_banners_do_not_repeat_the_date_their_text_says(written):
    repeated = re.compile(rf"(\d{{1,2}}(?:er)? (?:{FRENCH_MONTHS}) \d{{4}}) : [^.]*?\b\1")
    found = [(path, m.group(0)) for path, text in written.items() for m in repeated.finditer(text)]
    assert not found, found[:10]


def test_postal_pdf_headings_do_not_repeat_the_country(mailing):
    assert not re.search(r"(\b[\w'À-ÿ ]{3,}) : \1 :", mailing[0]), mailing[0]
    assert "Biélorussie" not in " ".join(mailing)


# -- Names ----------------------------------------------------------------------------


def test_one_french_name_per_country(written):
    for path, text in written.items():
        if path.startswith("actions/") and path.count("/") == 2:
            assert not ("Bélarus" in text and "Biélorussie" in text), path
    assert "Bélarus" in written["actions/belarus-syndicaliste-emprisonne/index.html"]


def test_a_content_file_gives_a_country_its_one_name_everywhere(tmp_path):
    """content/countries.yml overrides the network's usage: the page, its badge, the
    action card, the archive's filters and the country's feed all say the new name."""
    content = make_content(tmp_path)
    (content / "countries.yml").write_text("EG: République arabe d'Égypte\n", encoding="utf-8")
    result = run_pelican(ROOT, content, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    for page in ("actions/egypte-chercheur/index.html", "index.html", "archives/index.html", "feeds/pays/eg.atom.xml"):
        text = html.unescape((out / page).read_text("utf-8")).replace("\u202f", " ").replace("\xa0", " ")
        assert "République arabe d'Égypte" in text, page
        assert ">Égypte<" not in text, page


def test_a_country_name_file_with_an_unknown_code_is_an_error(tmp_path):
    content = make_content(tmp_path)
    (content / "countries.yml").write_text("XX: Nulle part\nBY: ''\n", encoding="utf-8")
    result = run_pelican(ROOT, content, tmp_path / "out")
    assert result.returncode != 0
    report = result.stderr + result.stdout
    assert "content/countries.yml: XX: not an ISO 3166-1 alpha-2 country code (e.g. BY, IR, EG)" in report
    assert "content/countries.yml: BY: the name must be text" in report
    assert "Traceback" not in report


def test_two_theme_keys_with_one_label_is_an_error(tmp_path):
    content = make_content(tmp_path)
    themes = content / "themes.yml"
    themes.write_text(themes.read_text("utf-8") + "torture-bis: Torture\n", encoding="utf-8")
    result = run_pelican(ROOT, content, tmp_path / "out")
    assert result.returncode != 0
    assert "content/themes.yml: torture-bis: the label 'Torture' is already the label of 'torture'" in (
        result.stderr + result.stdout
    )


@pytest.mark.parametrize(
    ("authority", "preposition", "expected"),
    [
        ({"name": "Procureur général (fictif)"}, "à", "au "),
        ({"name": "Ambassade d'Égypte"}, "pour", "pour l'"),
        ({"name": "Ministre de l'Intérieur", "salutation": "Madame la Ministre,"}, "à", "à la "),
        ({"name": "Ministre de l'Intérieur", "salutation": "Señor Ministro,"}, "à", "au "),
        ({"name": "Ministre de l'Intérieur", "salutation": "Madame, Monsieur,"}, "à", "à "),
        ({"name": "Haut-Commissariat aux droits humains"}, "à", "au "),
        ({"name": "Autorités pénitentiaires", "article": "les"}, "à", "aux "),
        ({"name": "Datu Exemple"}, "pour", "pour "),
        ({"name": "Bureau du Roi", "article": "none"}, "à", "à "),
    ],
)
def test_the_article_rule(authority, preposition, expected):
    assert wording.with_preposition(preposition, Copy(**authority)) == expected


def test_postage_follows_the_address():
    def zone(address, country=None, action_country="JO"):
        authority = Copy(name="Ambassade", address=address, country=country)
        return postage_for(authority, action_country, "BE").zone

    assert zone("Avenue de l'Exemple 104\n1050 Bruxelles") == "belgium"  # no country line: at home
    assert zone("Rue de l'Exemple 12\nAmman 11118\nJORDANIE") == "world"
    assert zone("Palais de l'Exemple\n1211 Genève\nSUISSE") == "europe"
    assert zone("Avenue de l'Exemple 45\n1050 Bruxelles\nBELGIQUE") == "belgium"
    assert zone("Rue de l'Exemple 1\nEXEMPLISTAN") == "world"  # a country line we do not know: the action's
    assert zone("Avenue de l'Exemple 104\n1050 Bruxelles", country="JO") == "world"  # the field wins
