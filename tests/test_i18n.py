"""Interface text goes through gettext: the catalogue template is up to date, and
a catalogue for another language changes the site without touching a template."""

from __future__ import annotations

import shutil
import subprocess
import sys

from babel.messages.pofile import read_po, write_po
from icalendar import Calendar

from helpers import ROOT, make_content, run_pelican


def extract(target):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_the_message_catalogue_template_is_up_to_date(tmp_path):
    extract(tmp_path / "messages.pot")
    fresh = (tmp_path / "messages.pot").read_text("utf-8")
    committed = (ROOT / "theme" / "translations" / "messages.pot").read_text("utf-8")
    assert fresh == committed, "run `./dev i18n-extract` and commit theme/translations/messages.pot"
    assert 'msgid "Rejoindre le réseau"' in fresh


def build_in_english(tmp_path, english: dict[str, str]):
    """Build a small site in English with a copy of the theme whose catalogue
    translates ``english`` (French message -> English); return the output."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    with open(ROOT / "theme/translations/messages.pot", "rb") as handle:
        catalog = read_po(handle, locale="en")
    for french, text in english.items():
        assert french in catalog, f"{french!r} is not in messages.pot"
        catalog[french].string = text
    po = theme / "translations/en/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    with open(po, "wb") as handle:
        write_po(handle, catalog)
    content = make_content(tmp_path)
    output = tmp_path / "output"
    result = run_pelican(
        tmp_path, content, output, overrides={"THEME": str(theme), "UA_LANGUAGE": "en", "UA_SEARCH": False}
    )
    assert result.returncode == 0, result.stderr
    return output


def test_a_catalogue_translates_the_site_without_touching_templates(tmp_path):
    output = build_in_english(tmp_path, {"Actions en cours": "Current actions", "Agir": "Take action"})
    page = (output / "actions/egypte-chercheur/index.html").read_text("utf-8")
    assert '<html lang="en"' in page
    assert ">Current actions<" in page and ">Take action<" in page
    assert "Egypt" in page  # country names follow the language too


def test_compiled_templates_are_not_reused_across_catalogues_or_languages(tmp_path):
    """Translations are compiled into the templates, which are kept compiled between
    builds: a changed catalogue or another language must not get the old ones."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    with open(ROOT / "theme/translations/messages.pot", "rb") as handle:
        catalog = read_po(handle, locale="en")
    po = theme / "translations/en/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    content = make_content(tmp_path)
    output = tmp_path / "output"
    page = output / "actions/egypte-chercheur/index.html"
    for text in ("Take action", "Act now"):
        catalog["Agir"].string = text
        with open(po, "wb") as handle:
            write_po(handle, catalog)
        result = run_pelican(
            tmp_path, content, output, overrides={"THEME": str(theme), "UA_LANGUAGE": "en", "UA_SEARCH": False}
        )
        assert result.returncode == 0, result.stderr
        assert f">{text}<" in page.read_text("utf-8")
    assert len(list((tmp_path / ".cache" / "urgent-actions").glob("templates-*"))) == 1  # the old ones removed
    result = run_pelican(tmp_path, content, output, overrides={"THEME": str(theme), "UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
    french = page.read_text("utf-8")
    assert ">Agir<" in french and "Act now" not in french


def test_a_catalogue_translates_the_email_edition_and_the_editors_page(tmp_path):
    """Both parts of the email (the template's text and email.py's) and /envois/
    follow the catalogue, placeholders filled and headings upper-cased after translation."""
    english = {
        "Agissez avant le": "Act before",  # the HTML email's template
        "Agissez avant le %(date)s": "Act before %(date)s",  # the text part (email.py)
        "À qui écrire": "Who to write to",  # both: a heading, upper-cased in the text part
        "Action urgente : %(title)s": "Urgent action: %(title)s",  # the subject (email.py)
        "Parlez-en autour de vous : chaque message compte.": "Tell people around you: every message counts.",
        "Ouvrir le courriel (HTML)": "Open the email (HTML)",  # /envois/
        'publiée le <time datetime="%(iso)s">%(date)s</time>': 'published on <time datetime="%(iso)s">%(date)s</time>',
        "%(name)s : les actions": "%(name)s: actions",  # a feed's title (feeds.py)
        "Date limite : %(title)s": "Deadline: %(title)s",  # the deadline calendar
    }
    output = build_in_english(tmp_path, english)

    folder = output / "envois" / "egypte-chercheur"
    html = (folder / "courriel.html").read_text("utf-8")
    assert "<title>Urgent action: Égypte : un chercheur détenu sans jugement</title>" in html
    assert ">Act before</p>" in html and ">Who to write to</h2>" in html
    assert ">3. Tell people around you: every message counts.</p>" in html
    assert "Agissez avant le" not in html and "À qui écrire" not in html
    assert ">Ce que vous pouvez faire</h2>" in html  # a message the catalogue leaves is French

    text = (folder / "courriel.txt").read_text("utf-8")
    assert "URGENT ACTION: ÉGYPTE : UN CHERCHEUR DÉTENU SANS JUGEMENT" in text
    assert "\nACT BEFORE 24 DECEMBER 2026\n" in text
    assert "\nWHO TO WRITE TO\n" in text and "  3. Tell people around you: every message counts." in text
    assert "AGISSEZ" not in text and "À QUI ÉCRIRE" not in text and "Action urgente" not in text
    assert "CE QUE VOUS POUVEZ FAIRE" in text

    page = (output / "envois" / "index.html").read_text("utf-8")
    assert ">Open the email (HTML)</a>" in page and "Ouvrir le courriel" not in page
    assert 'published on <time datetime="2026-11-12">' in page and "publiée le" not in page

    atom = (output / "feeds" / "actions.atom.xml").read_text("utf-8")
    assert "<title>Actions urgentes: actions</title>" in atom and "les actions" not in atom
    calendar = Calendar.from_ical((output / "feeds" / "deadlines.ics").read_bytes())
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == ["Deadline: Égypte : un chercheur détenu sans jugement"]
