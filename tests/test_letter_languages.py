"""The composed letter in each language: salutations (one string or one per
language, else the project's neutral default), the words the site adds, dates,
right-to-left isolation, the preferred language, postage zones."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from helpers import ROOT, action, changed, make_content, problems_for, run_pelican
from urgent_actions import settings
from urgent_actions.content import countries, letters, scripts
from urgent_actions.content.authority import Authority
from urgent_actions.content.fields import is_language_code
from urgent_actions.content.letters import compose
from urgent_actions.content.loading import load_site
from urgent_actions.content.scripts import FSI, LRM, PDI, RLM

F = "content/actions/a.md"
TARGET = action()["targets"][0]


def letter(language, body="Corps.", closing=None, subject="Objet"):
    return SimpleNamespace(language=language, subject=subject, body=body, closing=closing)


# --- Salutations ---------------------------------------------------------------


MAPPING = {"fr": "Monsieur le Procureur,", "en": "Dear Prosecutor,", "ar": "سعادة النائب العام،"}


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_a_mapping_greets_each_letter_in_its_language(language):
    composed = compose(letter(language), MAPPING, "fr")
    assert composed.salutation == MAPPING[language]
    assert composed.text.startswith(MAPPING[language] + "\n\n")


def test_a_single_string_is_the_salutation_of_the_first_letters_language_only():
    assert compose(letter("fr"), "Monsieur le Ministre,", "fr").salutation == "Monsieur le Ministre,"
    # An English letter is not greeted in French: the English neutral default.
    assert compose(letter("en"), "Monsieur le Ministre,", "fr").salutation == "Dear Sir or Madam,"
    assert compose(letter("ar"), "Monsieur le Ministre,", "fr").salutation == "حضرات السادة المحترمين،"
    # When the first letter is English, the string is English.
    assert compose(letter("en"), "Dear Minister,", "en").salutation == "Dear Minister,"


def test_the_default_table_covers_the_languages_the_project_promises():
    promised = {"fr", "nl", "en", "es", "de", "it", "pt", "ar", "fa", "ru", "tr", "zh"}
    assert promised <= set(letters.DEFAULT_SALUTATIONS)
    assert promised <= set(letters.DEFAULT_CLOSINGS)
    assert promised <= set(letters.LETTER_WORDS)
    for language in promised:
        assert is_language_code(language)
        assert compose(letter(language), None, "fr").salutation == letters.DEFAULT_SALUTATIONS[language]
    # A language outside the table, without a salutation of its own: none.
    assert compose(letter("sw", closing="Wako,"), "Bwana Waziri,", "fr").salutation is None
    assert compose(letter("sw", closing="Wako,"), {"sw": "Bwana Waziri,"}, "fr").salutation == "Bwana Waziri,"


def test_a_letter_in_a_language_without_salutation_is_an_error_naming_target_and_language(tmp_path, monkeypatch):
    swahili = {"language": "sw", "subject": "Mwachilieni", "body": "Nawaandikia.", "closing": "Wako,"}
    front = action(targets=[TARGET], letters=[action()["letters"][0], swahili])
    assert problems_for(tmp_path, monkeypatch, {"a": front}) == [
        (
            f"{F}: targets[0].salutation: 'Ministre de la Justice' has no salutation in 'sw', the "
            "language of a letter, and the project has no default for it: write the salutation as "
            'one per language, e.g. {fr: "…", sw: "…"}'
        )
    ]


def test_a_shared_authority_without_the_language_names_its_file(tmp_path, monkeypatch):
    swahili = {"language": "sw", "subject": "Mwachilieni", "body": "Nawaandikia.", "closing": "Wako,"}
    front = action(targets=[{"ref": "eg-procureur-general"}], letters=[action()["letters"][0], swahili])
    (problem,) = problems_for(tmp_path, monkeypatch, {"a": front})
    assert problem.startswith(f"{F}: targets[0].salutation: ")
    assert "in 'sw'" in problem and problem.endswith("(in content/authorities/eg-procureur-general.yml)")


def test_a_closed_action_needs_no_salutation_in_every_language(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    swahili = {"language": "sw", "subject": "Mwachilieni", "body": "Nawaandikia.", "closing": "Wako,"}
    front = action(state="closed", letters=[action()["letters"][0], swahili])
    site = load_site(str(make_content(tmp_path, {"a": front})))
    assert [c.salutation for c in site.actions[0].model_letters] == ["Monsieur le Ministre,", None]


def test_mapping_keys_must_be_language_codes(tmp_path, monkeypatch):
    front = action(targets=[changed(TARGET, salutation={"english": "Dear Minister,"})])
    (problem,) = problems_for(tmp_path, monkeypatch, {"a": front})
    assert problem.startswith(f"{F}: targets[0].salutation: 'english' is not an ISO 639-1 language code")
    front = action(targets=[changed(TARGET, salutation={})])
    (problem,) = problems_for(tmp_path, monkeypatch, {"a": front})
    assert problem == f"{F}: targets[0].salutation: give at least one language and its salutation, or remove the key"


def test_at_most_one_preferred_letter(tmp_path, monkeypatch):
    english = {"language": "en", "subject": "Release", "body": "I write.", "preferred": True}
    french = {**action()["letters"][0], "preferred": True}
    assert problems_for(tmp_path, monkeypatch, {"a": action(letters=[french, english])}) == [
        (f"{F}: letters[1].preferred: letters[0] is already the preferred language: at most one letter is preferred")
    ]


def test_the_preferred_language_and_the_address_country_are_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    english = {"language": "en", "subject": "Release", "body": "I write.", "preferred": True}
    embassy = changed(TARGET, country="BE", salutation={"fr": "Monsieur le Ministre,", "en": "Dear Minister,"})
    front = action(letters=[action()["letters"][0], english], targets=[embassy])
    found = load_site(str(make_content(tmp_path, {"a": front}))).actions[0]
    assert found.preferred_language == "en"
    assert found.front.targets[0].country == "BE"
    front = action(targets=[changed(TARGET, country="be")])
    (problem,) = problems_for(tmp_path, monkeypatch, {"b": front})
    assert "targets[0].country: unknown country 'be', did you mean 'BE'" in problem


# --- The words the site adds, and the date --------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [("fr", "[Votre nom]"), ("en", "[Your name]"), ("ar", "[اسمك]"), ("nl", "[Uw naam]"), ("es", "[Su nombre]")],
)
def test_an_unsigned_letter_ends_with_a_line_to_sign_in_its_language(language, line):
    composed = compose(letter(language), None, "fr")
    assert composed.text.endswith("\n\n" + line)
    # A Latin name and town under an Arabic letter are isolated (FSI ... PDI).
    namur = FSI + "Namur" + PDI if language == "ar" else "Namur"
    signed = FSI + "Ana Exemple" + PDI if language == "ar" else "Ana Exemple"
    assert composed.signed("", "Namur").endswith("\n\n" + line + "\n" + namur)
    assert composed.signed("Ana Exemple", "Namur").endswith("\n\n" + signed + "\n" + namur)
    assert line not in composed.signed("Ana Exemple")


def test_a_letter_in_a_language_without_words_gets_the_sites_own():
    composed = compose(letter("sw", closing="Wako,"), {"sw": "Bwana Waziri,"}, "fr")
    assert composed.text.endswith("\n\n[Votre nom]") and composed.words_language == "fr"


@pytest.mark.parametrize(
    ("language", "written"),
    [("fr", "1er décembre 2026"), ("en", "1 December 2026"), ("nl", "1 december 2026"), ("ar", "1 ديسمبر 2026")],
)
def test_the_letters_date_is_written_in_its_language(language, written):
    assert letters.letter_date(dt.date(2026, 12, 1), language) == written


def test_the_copy_notice_is_in_the_letters_language():
    minister = Authority(name="Ministre de la Justice", salutation="Madame la Ministre,", email="m@example.org")
    assert compose(letter("en"), None, "fr").copy_notice(minister) == ("Copy of the letter sent to ", "")
    assert compose(letter("ar"), None, "fr").copy_notice(minister) == ("نسخة من الرسالة الموجهة إلى ", "")
    # French names the recipient with its article.
    assert compose(letter("fr"), None, "fr").copy_notice(minister) == ("Copie de la lettre adressée à la ", "")


def test_a_composition_per_language_end_to_end():
    """The full plain text of a short letter in French, English and Arabic."""
    fr = compose(letter("fr", "Je vous écris.", subject="Libérez K."), MAPPING, "fr")
    assert fr.text == (
        "Monsieur le Procureur,\n\nJe vous écris.\n\n"
        "Je vous prie d'agréer l'expression de ma haute considération.\n\n[Votre nom]"
    )
    en = compose(letter("en", "I am writing.", subject="Release K."), MAPPING, "fr")
    assert en.text == "Dear Prosecutor,\n\nI am writing.\n\nYours sincerely,\n\n[Your name]"
    ar = compose(letter("ar", "أكتب إليكم.", subject="أطلقوا سراح K."), MAPPING, "fr")
    assert ar.text == "سعادة النائب العام،\n\nأكتب إليكم.\n\nوتفضلوا بقبول فائق الاحترام،\n\n[اسمك]"
    assert ar.direction == "rtl" and en.direction == "ltr"
    # A Latin signature under an Arabic letter is isolated, so that its final
    # full stop stays after the initials.
    assert ar.signed("M. C. D.", "Namur").endswith("\n\n" + FSI + "M. C. D." + PDI + "\n" + FSI + "Namur" + PDI)
    # A mixed subject starting in Arabic needs nothing.
    assert ar.plain_subject == "أطلقوا سراح K."


# --- Directions ------------------------------------------------------------------


def test_lines_in_the_other_direction_are_isolated_in_plain_text():
    assert scripts.isolate_line("Monsieur le Procureur général,", "rtl") == FSI + "Monsieur le Procureur général," + PDI
    assert scripts.isolate_line("سعادة النائب العام،", "rtl") == "سعادة النائب العام،"
    assert scripts.isolate_line("كريم", "ltr") == FSI + "كريم" + PDI
    # A mixed line starting in the other direction gets the letter's mark.
    assert scripts.isolate_line("Karim Exemple محتجز منذ 2025", "rtl") == RLM + "Karim Exemple محتجز منذ 2025"
    assert scripts.isolate_line("كريم est détenu", "ltr") == LRM + "كريم est détenu"
    assert scripts.isolate_line("Je vous écris au sujet de كريم.", "ltr") == "Je vous écris au sujet de كريم."
    assert scripts.isolate_line("2025 — 1/2", "rtl") == "2025 — 1/2"  # no letters: as it is


def test_names_in_another_script_are_runs_with_their_script():
    assert scripts.script_runs("أكتب بشأن Karim Exemple، المحتجز", "ar") == [
        ("أكتب بشأن ", None),
        ("Karim Exemple", "Latn"),
        ("، المحتجز", None),
    ]
    assert scripts.script_runs("Au sujet de كريم (34 ans).", "fr") == [
        ("Au sujet de ", None),
        ("كريم", "Arab"),
        (" (34 ans).", None),
    ]
    # A whole line in another script is one run, its punctuation with it.
    assert scripts.script_runs("Monsieur le Procureur,\nنص", "ar") == [
        ("Monsieur le Procureur,", "Latn"),
        ("\nنص", None),
    ]
    assert scripts.script_runs("Чтобы Иван", "fr") == [("Чтобы Иван", "Cyrl")]
    assert scripts.script_runs("没有", "zh") == [("没有", None)]


# --- Paper ------------------------------------------------------------------------


def test_long_letters_are_estimated_over_two_pages():
    short = compose(letter("fr", "Je vous écris. " * 100), None, "fr")  # 1,500 characters
    assert letters.printed_pages(short) == 1
    five_thousand = compose(letter("fr", "\n\n".join(["Je vous écris au sujet de K. " * 20] * 8)), None, "fr")
    assert 4_500 < len(five_thousand.text) < 5_500
    assert letters.printed_pages(five_thousand) == 2
    too_long = compose(letter("fr", "\n\n".join(["Je vous écris au sujet de K. " * 20] * 14)), None, "fr")
    assert letters.printed_pages(too_long) == 3


@pytest.mark.parametrize(
    ("country", "zone"), [("BE", "belgium"), ("FR", "europe"), ("TR", "europe"), ("EG", "world"), ("SA", "world")]
)
def test_postal_zones(country, zone):
    assert countries.postal_zone(country) == zone


def test_postage_settings_are_checked():
    resolved = settings.resolve({})
    assert settings.check_postage(resolved["UA_POSTAGE"]) == []
    assert (
        settings.resolve({"UA_POSTAGE": {"world": 4.1}})["UA_POSTAGE"]["belgium"] == resolved["UA_POSTAGE"]["belgium"]
    )
    assert settings.check_postage({"year": "2026", "belgium": 0, "europe": 3, "world": 4, "moon": 9}) == [
        "UA_POSTAGE['year'] must be the year the prices are for, e.g. 2026",
        "UA_POSTAGE['belgium'] must be a price in euros, e.g. 2.13",
        "UA_POSTAGE: unknown key 'moon' (known: year, belgium, europe, world)",
    ]
    assert "UA_POSTAGE_ABROAD" not in settings.DEFAULTS


def test_the_build_warns_when_a_letter_needs_more_than_two_pages(tmp_path):
    """A warning, which CI's --fatal warnings turns into a failed build."""
    paragraph = "Je vous demande de libérer Karim Example immédiatement et sans condition. " * 6
    body = "\n\n".join([paragraph] * 16)  # about 7,000 characters
    front = action(letters=[{"language": "fr", "subject": "Une lettre trop longue", "body": body}])
    content = make_content(tmp_path, {"trop-longue": front})
    result = run_pelican(
        ROOT, content, tmp_path / "output", overrides={"UA_SEARCH": False}, extra_env={"COLUMNS": "400"}
    )
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert not (tmp_path / "output").exists()  # nothing published
    assert (
        "trop-longue.md: letters[0]: the letter in 'fr' to 'Ministre de la Justice' needs "
        "about 3 printed pages: shorten it to fit on 2"
    ) in output


def test_the_fast_paths_character_classes_hold_over_all_of_unicode():
    """isolate_line and script_runs skip their per-character look-ups for text
    that these two classes describe: they must agree with those look-ups."""
    wrong_rtl, wrong_latin = [], []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates are not characters
        char = chr(code)
        if scripts.strong_direction(char) == "rtl" and not scripts.RIGHT_TO_LEFT.match(char):
            wrong_rtl.append(f"U+{code:04X}")
        if scripts.LATIN_ONLY.fullmatch(char) and scripts.script_of(char) not in (None, "Latn"):
            wrong_latin.append(f"U+{code:04X}")
    assert not wrong_rtl, f"right-to-left characters outside RIGHT_TO_LEFT: {wrong_rtl[:20]}"
    assert not wrong_latin, f"non-Latin letters inside LATIN_ONLY: {wrong_latin[:20]}"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Je vous écris au sujet de Karim.\nMerci, Monsieur le Ministre.", "fr"),
        ("Libérez Nour إكزامبل, détenue", "fr"),
        ("Le 1ª ou le 2º, µ", "fr"),
        ("", "fr"),
        ("Dear Minister,\n\nI write about Ana — «now».", "en"),
    ],
)
def test_the_fast_paths_give_what_the_look_ups_give(text, language, monkeypatch):
    fast = (scripts.script_runs(text, language), [scripts.isolate_line(line, "ltr") for line in text.split("\n")])
    monkeypatch.setattr(scripts, "LATIN_ONLY", re.compile("(?!)"))  # never matches: the slow path
    monkeypatch.setattr(scripts, "RIGHT_TO_LEFT", re.compile("."))  # always matches: the slow path
    slow = (scripts.script_runs(text, language), [scripts.isolate_line(line, "ltr") for line in text.split("\n")])
    assert fast == slow
