"""Placeholders the scaffold writes are allowed in drafts only; fictional example.org
addresses of the sample content are not placeholders."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers import ROOT, action, changed, dump_front, make_content, problems_for
from urgent_actions.content import placeholders
from urgent_actions.content.errors import ContentError
from urgent_actions.content.loading import load_site
from urgent_actions.tools.scaffold import follow_up, new_action

TODAY = dt.date(2026, 11, 24)
F = "content/actions/a.md"


@pytest.fixture
def content(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "content"


def test_the_scaffold_draft_is_valid_only_as_a_draft(content):
    path = new_action("content", title="Pérou : une militante menacée", country="PE", today=TODAY)
    assert len(load_site("content").drafts) == 1
    text = Path(path).read_text("utf-8")
    Path(path).write_text(text.replace("status: draft\n", ""), "utf-8")
    with pytest.raises(ContentError) as caught:
        load_site("content")
    fields = {p.field for p in caught.value.problems}
    assert {
        "people[0]",
        "summary",
        "targets[0].name",
        "targets[0].role",
        "targets[0].salutation",
        "targets[0].address",
        "targets[0].email",
        "letters[0].subject",
        "letters[0].body",
        "body",
    } <= fields
    assert all(p.path.endswith("perou-une-militante-menacee.md") for p in caught.value.problems)


def test_every_commented_example_of_the_scaffold_is_refused_once_uncommented(content):
    path = new_action("content", title="Pérou : une militante", country="PE", today=TODAY)
    text = Path(path).read_text("utf-8").replace("status: draft\n", "")
    for key in ("sms", "phone", "fax", "twitter", "web"):
        text = text.replace(f"    # {key}:", f"    {key}:", 1)
    Path(path).write_text(text, "utf-8")
    with pytest.raises(ContentError) as caught:
        load_site("content")
    by_field = {p.field: p.message for p in caught.value.problems}
    assert by_field["targets[0].twitter"].startswith("'@A_COMPLETER' is the example handle written by `./dev new`")
    assert by_field["targets[0].sms"].startswith("'+00 000 000 000' is the example number")
    assert by_field["targets[0].web"].startswith("'https://a-completer.example/contact' is the example web address")
    assert "keep 'status: draft'" in by_field["targets[0].email"]


def test_a_follow_up_keeps_its_marker_until_published(content):
    path = follow_up("content", "tunisie-blogueuse-arretee", today=TODAY).path
    load_site("content")  # a valid draft
    text = Path(path).read_text("utf-8").replace("status: draft\n", "")
    Path(path).write_text(text, "utf-8")
    with pytest.raises(ContentError) as caught:
        load_site("content")
    assert [(p.field, p.message.split(":")[0]) for p in caught.value.problems] == [("body", "still says 'À COMPLÉTER'")]


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        (action(summary="A COMPLETER plus tard"), None, f"{F}: summary: still says 'À COMPLÉTER'"),
        (
            action(copies=[{"name": "Ambassade", "email": placeholders.EMAIL}]),
            None,
            f"{F}: copies[0].email: '{placeholders.EMAIL}' is the example address",
        ),
        (action(aliases=[placeholders.ALIAS]), None, f"{F}: aliases[0]: '{placeholders.ALIAS}' is the example"),
        (action(), "Texte.\n\nÀ COMPLÉTER : le contexte.\n", f"{F}: body: still says 'À COMPLÉTER'"),
    ],
)
def test_placeholders_anywhere_in_a_published_action(tmp_path, monkeypatch, front, body, expected):
    text = dump_front(front) if body is None else dump_front(front, body)
    problems = problems_for(tmp_path, monkeypatch, {"a": text})
    assert any(p.startswith(expected) for p in problems), problems


def test_placeholders_are_reported_with_the_other_problems(tmp_path, monkeypatch):
    problems = problems_for(tmp_path, monkeypatch, {"a": action(country="XX", summary="À COMPLÉTER")})
    assert [p.split(":")[1].strip() for p in problems] == ["country", "summary"]


def test_fictional_addresses_and_ordinary_french_are_not_placeholders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    front = action(summary="Un dossier à compléter par les autorités, écrit en minuscules.")
    front["targets"][0]["email"] = "ministre@justice.example.org"
    content = make_content(tmp_path, {"a": front})
    assert len(load_site(str(content)).actions) == 1
    # The sample site, whose addresses are all fictional example.org ones, is valid.
    assert load_site(str(ROOT / "content")).actions


def test_a_draft_may_keep_its_placeholders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {"a": changed(action(summary="À COMPLÉTER"), status="draft")})
    assert len(load_site(str(content)).drafts) == 1


@pytest.mark.parametrize(
    "text",
    [
        " A-Completer@A-Completer.EXAMPLE ",
        "@a_completer",
        placeholders.PHONE,
        "/Actions/Ancienne-Adresse/",
        "voir https://A-COMPLETER.example/page",
        "À COMPLETER",
        "Nom : A COMPLÉTER.",
    ],
)
def test_every_form_of_a_placeholder_is_found_among_other_texts(text):
    data = {"summary": "Un résumé.", "targets": [{"name": "Ministre", "email": text}], "update": 2}
    assert placeholders.might_hold_placeholders(data, "Un texte.")
    assert [where for where, _ in placeholders.placeholder_problems(data, "Un texte.")] == ["targets[0].email"]


def test_texts_without_a_placeholder_are_not_searched_one_by_one():
    data = {"summary": "Un dossier à compléter.", "targets": [{"phone": "+00 000 000 001"}], "aliases": ["/a/"]}
    assert not placeholders.might_hold_placeholders(data, "Texte à compléter, en minuscules.")
    assert placeholders.placeholder_problems(data, "Texte.") == []
