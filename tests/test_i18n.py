"""Interface text goes through gettext: the catalogue template is up to date, and
a catalogue for another language changes the site without touching a template."""

from __future__ import annotations

import shutil
import subprocess
import sys

from babel.messages.pofile import read_po, write_po
from helpers import ROOT, make_content, run_pelican


def extract(target):
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_",
         "-k", "gettext", "-k", "ngettext:1,2", "--no-location", "--sort-output", "--omit-header",
         "-o", str(target), "."],
        cwd=ROOT, check=True, capture_output=True,
    )


def test_the_message_catalogue_template_is_up_to_date(tmp_path):
    extract(tmp_path / "messages.pot")
    fresh = (tmp_path / "messages.pot").read_text("utf-8")
    committed = (ROOT / "theme" / "translations" / "messages.pot").read_text("utf-8")
    assert fresh == committed, "run `./dev i18n-extract` and commit theme/translations/messages.pot"
    assert 'msgid "Rejoindre le réseau"' in fresh


def test_a_catalogue_translates_the_site_without_touching_templates(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    with open(ROOT / "theme/translations/messages.pot", "rb") as handle:
        catalog = read_po(handle, locale="en")
    catalog["Actions en cours"].string = "Current actions"
    catalog["Agir"].string = "Take action"
    po = theme / "translations/en/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    with open(po, "wb") as handle:
        write_po(handle, catalog)
    content = make_content(tmp_path)
    output = tmp_path / "output"
    result = run_pelican(tmp_path, content, output, overrides={"THEME": str(theme), "UA_LANGUAGE": "en", "UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
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
        result = run_pelican(tmp_path, content, output, overrides={"THEME": str(theme), "UA_LANGUAGE": "en", "UA_SEARCH": False})
        assert result.returncode == 0, result.stderr
        assert f">{text}<" in page.read_text("utf-8")
    assert len(list((tmp_path / ".cache" / "urgent-actions").glob("templates-*"))) == 1  # the old ones removed
    result = run_pelican(tmp_path, content, output, overrides={"THEME": str(theme), "UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
    french = page.read_text("utf-8")
    assert ">Agir<" in french and "Act now" not in french
