"""The web editor's fields (admin/config.yml) are derived from the content model:
a field added to the model cannot be forgotten by the editor."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from urgent_actions.content import action_front, states
from urgent_actions.content.countries import CountryNames
from urgent_actions.content.fields import CASE_RE, Line
from urgent_actions.content.letters import DEFAULT_SALUTATIONS
from urgent_actions.site import cms

BUILD = SimpleNamespace(
    ua={"UA_LANGUAGE": "fr"}, site=SimpleNamespace(themes={"torture": "Torture"}, country_names=CountryNames("fr"))
)


def model_paths(model_class, prefix="") -> set[str]:
    paths = set()
    for name, info in model_class.model_fields.items():
        if not prefix and name in cms.LEFT_OUT:
            continue
        paths.add(prefix + name)
        for nested in (info.annotation, *getattr(info.annotation, "__args__", ())):
            if isinstance(nested, type) and issubclass(nested, BaseModel):
                paths |= model_paths(nested, f"{prefix}{name}.")
    return paths


def config_paths(fields, prefix="") -> set[str]:
    paths = set()
    for field in fields:
        paths.add(prefix + field["name"])
        paths |= config_paths(field.get("fields", []), f"{prefix}{field['name']}.")
    return paths


def test_every_field_of_the_model_is_in_the_editor_or_left_out_on_purpose():
    fields = cms.action_fields(BUILD)
    assert config_paths(fields) - {"body"} == model_paths(action_front.ActionFront)
    assert set(cms.LEFT_OUT) <= set(action_front.ActionFront.model_fields)


def test_a_field_added_to_the_model_fails_until_the_editor_knows_it(monkeypatch):
    class Grown(action_front.ActionFront):
        urgency: Line | None = None

    monkeypatch.setattr(cms, "ActionFront", Grown)
    with pytest.raises(cms.MissingFieldError, match="'urgency'"):
        cms.action_fields(BUILD)


def test_the_editor_takes_rules_from_the_model():
    fields = {f["name"]: f for f in cms.action_fields(BUILD)}
    assert fields["case"]["pattern"][0] == CASE_RE.pattern
    assert fields["title"]["label"] == "Titre (120 caractères au plus)"
    assert fields["update"] == {
        "name": "update",
        "label": "Mise à jour (0 = première action)",
        "widget": "number",
        "value_type": "int",
        "min": 0,
        "default": 0,
        "required": False,
    }
    assert [o["value"] for o in fields["state"]["options"]] == list(states.STATES)
    assert fields["themes"]["min"] == 1 and fields["themes"]["required"] is True
    letters = {f["name"]: f for f in fields["letters"]["fields"]}
    assert letters["body"]["widget"] == "text" and letters["body"]["required"] is True
    assert letters["closing"]["required"] is False
    assert fields["targets"]["fields"][0]["name"] == "ref"
    assert not any(f["required"] for f in fields["outcome"]["fields"])


def test_a_salutation_is_edited_per_language_with_the_sites_letter_languages():
    fields = {f["name"]: f for f in cms.action_fields(BUILD)}
    for name in ("targets", "copies"):
        salutation = next(f for f in fields[name]["fields"] if f["name"] == "salutation")
        assert salutation["widget"] == "salutations"
        assert [o["value"] for o in salutation["languages"]] == list(DEFAULT_SALUTATIONS)
        assert {"label": "anglais (en)", "value": "en"} in salutation["languages"]


def test_the_admin_page_registers_the_salutations_widget_after_decap():
    page = cms.ADMIN_PAGE
    assert page.index('<script src="decap-cms.js">') < page.index('<script src="salutations.js">')
    with open(cms.SALUTATIONS_WIDGET, encoding="utf-8") as handle:
        assert 'name: "salutations"' in handle.read()
