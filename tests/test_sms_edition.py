"""The SMS edition: counting as GSM-7 / UCS-2, the alert with its short link,
the error for a written alert one character too long, sms.csv, short addresses."""

from __future__ import annotations

import csv
import io
import re

import pytest

from helpers import action, make_content, run_pelican
from urgent_actions.content.textlimits import sms_encoding, sms_length
from urgent_actions.site.sms import ALERT_PREFIX, composed_alert
from urgent_actions.urls import case_short_url

# The sample site's short links, as the tests build it (UA_DEV_SITEURL).
LINK = "127.0.0.1:8000/ua/045-26/"


@pytest.mark.parametrize(
    ("text", "encoding", "length", "limit"),
    [
        ("Libérez Karim, détenu à tort", "GSM-7", 28, 160),  # é, à are in the GSM alphabet
        ("Ça suffit", "GSM-7", 9, 160),  # Ç is in the GSM alphabet, ç is not
        ("Je dis ça", "UCS-2", 9, 70),
        ("Don de 10 €", "GSM-7", 12, 160),  # € is in the extension table: 2 places
        ("[urgent] {x} ~ | \\ ^", "GSM-7", 28, 160),  # 20 characters, 8 of them take 2 places
        ("Solidarité ✊", "UCS-2", 12, 70),  # ✊ is one UTF-16 unit
        ("Libérez-le 🕊️", "UCS-2", 14, 70),  # 🕊 is a surrogate pair (2) + variation selector (1)
        ("أطلقوا سراح نور", "UCS-2", 15, 70),
        ("« Libérez-le »", "UCS-2", 14, 70),  # guillemets are not GSM
        ("x" * 160, "GSM-7", 160, 160),
    ],
)
def test_sms_length_counts_as_the_network_does(text, encoding, length, limit):
    assert sms_encoding(text) == encoding
    assert sms_length(text) == (length, limit)


def test_an_alert_made_from_a_long_title_is_cut_at_a_word_to_fit_one_sms():
    title = "Égypte : un chercheur détenu sans jugement depuis quatre cents jours, " * 3
    text = composed_alert(title.strip(), ["Karim Example"], "Égypte", LINK)
    assert text.startswith(ALERT_PREFIX + "Égypte : Karim Example, un chercheur") and text.endswith("... " + LINK)
    assert sms_length(text)[0] <= 160
    assert sms_length(text)[0] > 140  # cut at the last word that fits, not earlier


def test_an_alert_is_gsm7_names_the_person_and_never_leaves_a_quote_open():
    title = (
        "Égypte : l'avocat « Mahmoud Exemple » accusé d'« apologie » pour avoir défendu des prisonniers — ô combien…"
    )
    text = composed_alert(title * 2, ["Mahmoud Exemple"], "Égypte", LINK)
    assert sms_length(text) <= (160, 160) and sms_encoding(text) == "GSM-7", text
    assert text.startswith(ALERT_PREFIX + 'Égypte : l\'avocat "Mahmoud Exemple" accusé d\'"apologie"'), text
    assert text.count('"') % 2 == 0
    # A title that names no one: the names of `people` come first.
    text = composed_alert(
        "Bélarus : un syndicaliste condamné à six ans de prison", ["Ales Prykład"], "Biélorussie", LINK
    )
    assert text == f"{ALERT_PREFIX}Bélarus : Ales Pryklad, un syndicaliste condamné à six ans de prison {LINK}"
    # No one to name: no alert can be made (the build then requires sms_alert).
    assert composed_alert("Turquie : des réfugiés menacés de renvoi forcé", [], "Turquie", LINK) is None


def test_short_address_of_a_case():
    assert case_short_url("UA 112/26") == "ua/112-26/"
    assert case_short_url("UA 5/27") == "ua/5-27/"


def test_a_written_alert_one_character_too_long_is_an_error_naming_file_and_field(tmp_path):
    too_long = "Karim Example, Égypte " + "A" * (160 - len(LINK) - 1 - 22) + "B"
    content = make_content(tmp_path, {"egypte-chercheur": action(sms_alert=too_long)})
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides={"UA_SEARCH": False})
    assert result.returncode != 0
    assert [line.strip() for line in result.stderr.splitlines() if "sms_alert" in line] == [
        (
            "content/actions/egypte-chercheur.md: sms_alert: 161 characters with the short link "
            f"' {LINK}' the build adds, one SMS holds 160: remove 1"
        )
    ], result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_written_alert_that_fits_exactly_builds(tmp_path):
    fits = "Karim Example, Égypte " + "A" * (160 - len(LINK) - 1 - 22)
    content = make_content(tmp_path, {"fits": action(sms_alert=fits)})
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides={"UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "output" / "envois" / "sms.csv").read_bytes().decode())))
    assert rows[1][2] == f"{fits} {LINK}" and sms_length(rows[1][2]) == (160, 160)


def test_a_written_alert_is_transliterated_and_must_name_the_person_and_the_country(tmp_path):
    written = {
        "guillemets": action(sms_alert="« Libérez Karim Example » – Égypte…"),
        "no-one": action(case="UA 046/26", sms_alert="Un chercheur détenu : écrivez aux autorités"),
        "required": action(case="UA 047/26", people=None, sms_alert=None),
    }
    result = run_pelican(tmp_path, make_content(tmp_path, written), tmp_path / "output", overrides={"UA_SEARCH": False})
    assert result.returncode != 0
    lines = sorted(line.strip() for line in result.stderr.splitlines() if "sms_alert" in line)
    assert lines[0].startswith("content/actions/no-one.md: sms_alert: does not name 'Karim Example', 'Égypte'"), lines
    assert lines[1].startswith(
        "content/actions/required.md: sms_alert: required: people is empty, so no alert made from the title names"
    ), lines
    assert len(lines) == 2 and "Traceback" not in result.stderr
    written.pop("no-one"), written.pop("required")
    second = tmp_path / "second"
    result = run_pelican(second, make_content(second, written), second / "output", overrides={"UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO((second / "output" / "envois" / "sms.csv").read_text("utf-8"))))
    assert rows[1][2] == f'"Libérez Karim Example" - Égypte... {LINK}', rows


def test_sms_csv_lists_every_open_action_with_its_alert_and_short_address(built_site):
    data = (built_site / "envois" / "sms.csv").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")  # RFC 4180 line ends
    text = data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows and list(rows[0]) == ["date", "dossier", "texte", "lien"]
    for row in rows:
        assert sms_length(row["texte"])[0] <= sms_length(row["texte"])[1], row
        assert row["texte"].endswith(" " + row["lien"].split("://")[1])
        number, year = re.match(r"UA (\d+)/(\d+)", row["dossier"]).groups()
        assert row["lien"].endswith(f"/ua/{number}-{year}/")
    belarus = next(r for r in rows if r["dossier"] == "UA 044/26")
    assert belarus["texte"].startswith("Urgent : Ales Pryklad, syndicaliste")  # written by the editor, GSM-7


def test_the_short_address_leads_to_the_case_latest_action(built_site):
    # UA 031/26 has three actions: the short address leads to the latest update.
    page = (built_site / "ua" / "031-26" / "index.html").read_text("utf-8")
    assert 'content="0; url=/actions/tunisie-blogueuse-liberee/"' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "/ua/" not in (built_site / "sitemap.xml").read_text("utf-8")


def test_only_the_cases_active_since_short_links_began_have_a_short_address(built_site):
    ua = built_site / "ua"
    # UA 027/25: dated, due and won in 2025, before UA_SHORT_ADDRESSES_SINCE (2026-01-01).
    assert not (ua / "027-25").exists()
    # UA 095/25: dated 2025, but its deadline (2026-01-05) is after it.
    assert (ua / "095-25" / "index.html").is_file()
    # UA 088/25: its good news came on 2026-01-20.
    assert (ua / "088-25" / "index.html").is_file()


def test_every_short_link_an_alert_carries_has_its_page(built_site):
    rows = list(csv.DictReader(io.StringIO((built_site / "envois" / "sms.csv").read_text("utf-8"), newline="")))
    assert rows
    for row in rows:
        page = built_site / row["lien"].removeprefix("http://127.0.0.1:8000/") / "index.html"
        assert page.is_file(), row["lien"]


def test_an_action_sent_before_the_short_addresses_began_still_has_its_page(tmp_path):
    # The setting after the build date: the case is open now, its SMS carries
    # the short link, so the page exists all the same.
    old = action(case="UA 001/20", date="2020-01-10", deadline="2020-02-20", state="closed", sms_alert=None)
    content = make_content(tmp_path, {"egypte-chercheur": action(), "ancienne": old})
    overrides = {"UA_SEARCH": False, "UA_SHORT_ADDRESSES_SINCE": "2027-06-01"}
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides=overrides)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "ua" / "045-26" / "index.html").is_file()
    assert not (tmp_path / "output" / "ua" / "001-20").exists()


def test_a_short_addresses_date_that_is_not_a_date_is_one_clear_error(tmp_path):
    content = make_content(tmp_path, {"egypte-chercheur": action()})
    overrides = {"UA_SEARCH": False, "UA_SHORT_ADDRESSES_SINCE": "2026-13-01"}
    result = run_pelican(tmp_path, content, tmp_path / "output", overrides=overrides)
    assert result.returncode != 0
    assert "UA_SHORT_ADDRESSES_SINCE must be a date written YYYY-MM-DD, e.g. '2026-01-01'" in result.stderr
    assert "Traceback" not in result.stderr
