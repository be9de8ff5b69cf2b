"""One test per content rule: a bad file gives exactly this message, naming file and field."""

from __future__ import annotations

import os

import pytest

from helpers import action, changed, dump_front, make_content, problems_for
from urgent_actions.content.errors import ContentError
from urgent_actions.content.loading import load_site

TARGET = action()["targets"][0]


def target(**changes):
    return changed(TARGET, **changes)


F = "content/actions/a.md"

CASES = {
    "title missing": (action(title=None), f"{F}: title: required field is missing"),
    "title too long": (action(title="x" * 121), f"{F}: title: 121 characters, at most 120"),
    "title two lines": (action(title="a\nb"), f"{F}: title: must fit on one line"),
    "case format": (
        action(case="UA45/26"),
        (
            f"{F}: case: 'UA45/26' is not a case number: write 'UA', a space, 1 to 3 digits, '/' "
            "and the 2-digit year (e.g. 'UA 045/26')"
        ),
    ),
    "update negative": (action(update=-1), f"{F}: update: must be 0 or more"),
    "update not a number": (action(update="un"), f"{F}: update: must be a whole number"),
    "date that does not exist": (
        action(date="2026-02-30", deadline="2026-12-01"),
        f"{F}: date: 2026-02-30 does not exist in the calendar",
    ),
    "date format": (
        action(date="12/11/2026"),
        f"{F}: date: '12/11/2026' is not a date written YYYY-MM-DD",
    ),
    "deadline before date": (
        action(deadline="2026-11-01"),
        f"{F}: deadline: 2026-11-01 is before the publication date 2026-11-12",
    ),
    "deadline missing while open": (
        action(deadline=None),
        f"{F}: deadline: required while the action is open (YYYY-MM-DD)",
    ),
    "state unknown": (
        action(state="ouvert"),
        f"{F}: state: 'ouvert' is not allowed: use one of 'open', 'closed' or 'good-news'",
    ),
    "country unknown": (
        action(country="XX"),
        f"{F}: country: unknown country 'XX': use the ISO 3166-1 alpha-2 code in capitals",
    ),
    "country lower case": (
        action(country="eg"),
        f"{F}: country: unknown country 'eg', did you mean 'EG' (Égypte)?: use the ISO 3166-1 alpha-2 code in capitals",
    ),
    "country name": (
        action(country="Egypte"),
        (
            f"{F}: country: unknown country 'Egypte', did you mean 'EG' (Égypte)?: use the ISO "
            "3166-1 alpha-2 code in capitals"
        ),
    ),
    "theme unknown": (
        action(themes=["torture", "detention-arbitaire"]),
        f"{F}: themes[1]: unknown theme 'detention-arbitaire', did you mean 'detention-arbitraire'?",
    ),
    "themes empty": (action(themes=[]), f"{F}: themes: give at least one"),
    "summary too long": (action(summary="x" * 281), f"{F}: summary: 281 characters, at most 280"),
    "unknown key": (
        {**action(), "targts": []},
        f"{F}: targts: unknown key, did you mean 'targets'?",
    ),
    "unknown key in a target": (
        action(targets=[{**TARGET, "emial": "a@example.org"}]),
        f"{F}: targets[0].emial: unknown key, did you mean 'email'?",
    ),
    "targets missing while open": (
        action(targets=None),
        f"{F}: targets: at least one target is required while the action is open",
    ),
    "target with no way to reach it": (
        action(targets=[{"name": "Quelqu'un", "phone": "+20 1 000 0000"}]),
        f"{F}: targets[0]: no way to reach this authority: give at least one of address, email, sms, fax, twitter, web",
    ),
    "salutation missing": (
        action(targets=[target(salutation=None)]),
        (
            f"{F}: targets[0].salutation: required when the authority has an email or a postal "
            'address (e.g. "Monsieur le Ministre,")'
        ),
    ),
    "unknown ref": (
        action(targets=[{"ref": "eg-procureur-generale"}]),
        (
            f"{F}: targets[0]: unknown authority 'eg-procureur-generale', did you mean "
            "'eg-procureur-general'?: it must be the name of a file content/authorities/<name>.yml"
        ),
    ),
    "ref with other keys": (
        action(targets=[{"ref": "eg-procureur-general", "email": "x@example.org"}]),
        f"{F}: targets[0]: a target with 'ref' takes no other key (found: email); change the authority file instead",
    ),
    "email invalid": (
        action(targets=[target(email="ministre-at-example.org")]),
        (
            f"{F}: targets[0].email: 'ministre-at-example.org' is not an email address (An email "
            "address must have an @-sign.)"
        ),
    ),
    "email in a list invalid": (
        action(targets=[target(email=["a@example.org", "b@"])]),
        f"{F}: targets[0].email[1]: 'b@' is not an email address (There must be something after the @-sign.)",
    ),
    "phone invalid": (
        action(targets=[target(sms="0470 00 00 00")]),
        (
            f"{F}: targets[0].sms: '0470 00 00 00' is not an international number: write '+', the "
            "country code and the digits, spaces allowed (e.g. '+32 2 000 00 00')"
        ),
    ),
    "handle invalid": (
        action(targets=[target(twitter="MinJustice")]),
        (
            f"{F}: targets[0].twitter: 'MinJustice' is not an X handle: write '@' followed by "
            "letters, digits or '_' (quote it in YAML: \"@Name\")"
        ),
    ),
    "web page in http": (
        action(targets=[target(web="http://example.org/contact")]),
        f"{F}: targets[0].web: 'http://example.org/contact' is not a secure web address: it must start with https://",
    ),
    "web page javascript": (
        action(targets=[target(web="javascript:alert(1)")]),
        f"{F}: targets[0].web: 'javascript:alert(1)' is not a secure web address: it must start with https://",
    ),
    "letters missing while open": (
        action(letters=None),
        f"{F}: letters: at least one letter is required while the action is open",
    ),
    "letter language": (
        action(letters=[{**action()["letters"][0], "language": "french"}]),
        (
            f"{F}: letters[0].language: 'french' is not an ISO 639-1 language code (two lowercase "
            "letters, e.g. fr, en, nl, es, ar)"
        ),
    ),
    "letter closing needed": (
        action(letters=[{"language": "sw", "subject": "S", "body": "B"}]),
        f"{F}: letters[0].closing: required for a letter in 'sw': there is no default closing for that language",
    ),
    "two letters in one language": (
        action(letters=[action()["letters"][0], action()["letters"][0]]),
        f"{F}: letters[1].language: a second letter in 'fr': keep one letter per language",
    ),
    "sms too long": (action(sms="x" * 161), f"{F}: sms: 161 characters, one SMS holds 160"),
    "sms with a non-GSM character": (
        action(sms="Libérez-le : « " + "x" * 60 + " »"),
        (
            f"{F}: sms: 77 characters, one SMS holds 70: '«' is not in the GSM alphabet (with it, "
            "one SMS holds 70 characters instead of 160)"
        ),
    ),
    "tweet too long": (
        action(tweet="x" * 262),
        f"{F}: tweet: 281 characters as X counts them with '@MinJusticeExample ' in front; at most 280",
    ),
    "good news without outcome": (
        action(state="good-news"),
        f"{F}: outcome: required when the state is good-news: {{date, text}}",
    ),
    "outcome text too long": (
        action(state="good-news", outcome={"date": "2026-11-20", "text": "x" * 501}),
        f"{F}: outcome.text: 501 characters, at most 500",
    ),
    "image without alt": (
        action(image="images/a.jpg"),
        f"{F}: image: no file content/images/a.jpg: add the image or fix the path",
    ),
    "image leaving content": (
        action(image="../secret.jpg", image_alt="x"),
        f"{F}: image: '../secret.jpg' must be a path inside content/, such as 'images/name.jpg'",
    ),
    "alias not a path": (
        action(aliases=["actions/old"]),
        f"{F}: aliases[0]: 'actions/old' is not a path of this site: write it like '/actions/old-slug/'",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_gives_its_exact_message(name, tmp_path, monkeypatch):
    front, expected = CASES[name]
    problems = problems_for(tmp_path, monkeypatch, {"a": front})
    assert expected in problems, problems


def test_image_alt_is_required_with_an_existing_image(tmp_path, monkeypatch):
    (tmp_path / "content" / "images").mkdir(parents=True)
    (tmp_path / "content" / "images" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    problems = problems_for(tmp_path, monkeypatch, {"a": action(image="images/a.jpg")})
    assert problems == [f"{F}: image_alt: required with an image: describe what it shows"]


def test_image_through_a_symlink_leaving_content(tmp_path, monkeypatch):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"\xff\xd8\xff")
    (tmp_path / "content" / "images").mkdir(parents=True)
    os.symlink(outside, tmp_path / "content" / "images" / "a.jpg")
    problems = problems_for(tmp_path, monkeypatch, {"a": action(image="images/a.jpg", image_alt="Portrait")})
    assert problems == [f"{F}: image: 'images/a.jpg' leads outside content/ (through a link)"]


RAW = {
    "duplicate key": (
        "---\ntitle: A\ntitle: B\n---\n",
        f"{F}: title: duplicate key 'title' (line 3); keep only one of them",
    ),
    "tab in indentation": (
        "---\ntitle: A\ntargets:\n\t- name: X\n---\n",
        f"{F}: line 4: a tab character is used for indentation; indent YAML with spaces only",
    ),
    "no opening fence": (
        "title: A\n",
        f"{F}: the file must start with a line '---', then the front matter, then '---'",
    ),
    "no closing fence": (
        "---\ntitle: A\n",
        f"{F}: the front matter is not closed: add a line '---' after the last field, before the text of the action",
    ),
    "alias bomb": (
        "---\na: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n---\n",
        f"{F}: anchors and aliases (& and *) are not allowed; write the value out in full",
    ),
    "broken YAML": (
        "---\ntitle: [A\n---\n",
        (
            f"{F}: line 3: invalid YAML (while parsing a flow sequence, did not find expected ',' or "
            "']'); check the indentation and quote values containing ':' or '#'"
        ),
    ),
    "not a mapping": (
        "---\n- a\n- b\n---\n",
        f"{F}: the front matter must be a list of 'key: value' lines",
    ),
}


@pytest.mark.parametrize("name", list(RAW))
def test_unreadable_files_give_their_exact_message(name, tmp_path, monkeypatch):
    text, expected = RAW[name]
    assert problems_for(tmp_path, monkeypatch, {"a": text}) == [expected]


def test_invalid_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {})
    (content / "actions" / "a.md").write_bytes(b"---\ntitle: \xe9t\xe9\n---\n")
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    assert [str(p) for p in caught.value.problems] == [
        f"{F}: the file is not valid UTF-8 (byte 0xe9 on line 2); save it again with the UTF-8 encoding"
    ]


def test_a_file_too_large_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {})
    (content / "actions" / "a.md").write_bytes(b"---\ntitle: A\n---\n" + b"x" * 50_000_000)
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    assert [str(p) for p in caught.value.problems] == [
        f"{F}: the file is too large (50.0 MB); an action file is at most 1 MB: move long background text elsewhere"
    ]


def test_crlf_and_bom_are_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "\ufeff" + dump_front(action()).replace("\n", "\r\n")
    content = make_content(tmp_path, {"a": text})
    site = load_site(str(content))
    assert site.actions[0].front.letters[0].body.startswith("Je vous écris")
    assert "\r" not in site.actions[0].front.targets[0].address


def test_norway_stays_a_country_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {"a": dump_front(action()).replace("country: EG", "country: NO")})
    assert load_site(str(content)).actions[0].front.country == "NO"


def test_file_name_must_be_a_slug(tmp_path, monkeypatch):
    problems = problems_for(tmp_path, monkeypatch, {"Égypte Chercheur": action()})
    assert problems == [
        (
            "content/actions/Égypte Chercheur.md: 'Égypte Chercheur' is not a valid file name: use "
            "lowercase letters, digits and single hyphens, e.g. 'egypte-chercheur.md'"
        )
    ]


def test_same_case_and_update_in_two_files(tmp_path, monkeypatch):
    problems = problems_for(tmp_path, monkeypatch, {"a": action(), "b": action()})
    assert problems == [
        f"{F}: update: case 'UA 045/26' already has update 0 in b.md: give this file the next update number",
        (
            "content/actions/b.md: update: case 'UA 045/26' already has update 0 in a.md: give "
            "this file the next update number"
        ),
    ]


def test_every_problem_of_every_file_in_one_run(tmp_path, monkeypatch):
    problems = problems_for(
        tmp_path,
        monkeypatch,
        {
            "a": action(country="XX", themes=["nope"]),
            "b": action(case="UA 1/26", title=None),
            "c": action(case="UA 2/26"),
        },
    )
    assert [p.split(":")[0:2] for p in problems] == [
        [F, " country"],
        [F, " themes[0]"],
        ["content/actions/b.md", " title"],
    ]


def test_rules_across_fields_are_reported_with_single_field_errors(tmp_path, monkeypatch):
    bad_target = target(email="not-an-address", salutation=None)
    front = action(country="XX", deadline="2026-11-01", targets=[bad_target], image_alt="Portrait")
    front["letters"][0] = {**front["letters"][0], "language": "xx", "closing": None}
    front["letters"][0].pop("closing")
    problems = problems_for(tmp_path, monkeypatch, {"a": front})
    assert problems == [
        f"{F}: country: unknown country 'XX': use the ISO 3166-1 alpha-2 code in capitals",
        f"{F}: deadline: 2026-11-01 is before the publication date 2026-11-12",
        f"{F}: image_alt: given without an image",
        (
            f"{F}: letters[0].language: 'xx' is not an ISO 639-1 language code (two lowercase letters, "
            "e.g. fr, en, nl, es, ar)"
        ),
        f"{F}: targets[0].email: 'not-an-address' is not an email address (An email address must have an @-sign.)",
        (
            f"{F}: targets[0].salutation: required when the authority has an email or a postal address "
            '(e.g. "Monsieur le Ministre,")'
        ),
    ]


def test_closed_actions_need_no_targets_letters_or_deadline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {"a": action(state="closed", targets=None, letters=None, deadline=None)})
    assert load_site(str(content)).actions[0].front.state == "closed"


def test_a_shared_authority_used_as_a_target_names_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {"a": action()})
    (content / "authorities" / "eg-procureur-general.yml").write_text(
        "name: Procureur\nemail: p@example.org\n", "utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    assert [str(p) for p in caught.value.problems] == [
        (
            f"{F}: targets[1].salutation: required when the authority has an email or a postal "
            'address (e.g. "Monsieur le Ministre,") (in content/authorities/eg-procureur-general.yml)'
        )
    ]


def test_a_shared_authority_used_as_a_copy_needs_no_salutation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(
        tmp_path, {"a": action(targets=[action()["targets"][0]], copies=[{"ref": "eg-procureur-general"}])}
    )
    (content / "authorities" / "eg-procureur-general.yml").write_text(
        "name: Ambassade\nemail: a@example.org\n", "utf-8"
    )
    site = load_site(str(content))
    assert site.actions[0].front.copies[0].emails == ["a@example.org"]
    assert site.actions[0].front.copies[0].ref == "eg-procureur-general"


def test_every_language_with_a_default_closing_is_an_iso_639_1_code():
    """The letter check takes these languages without looking them up in pycountry."""
    import pycountry

    from urgent_actions.content.letters import DEFAULT_CLOSINGS

    for code in DEFAULT_CLOSINGS:
        assert code == code.lower() and pycountry.languages.get(alpha_2=code) is not None, code
