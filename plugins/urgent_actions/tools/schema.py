"""The JSON Schema of an action's front matter, generated from the pydantic models.

The same models validate the build, so the schema cannot say something else;
a test fails when the committed schema/action.schema.json is out of date
(``invoke schema`` writes it again).
"""

from __future__ import annotations

import copy
import json

from ..content.action_front import ActionFront

REF_TARGET = {
    "type": "object",
    "title": "Autorité partagée",
    "description": "Une autorité de content/authorities/<ref>.yml",
    "properties": {"ref": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"}},
    "required": ["ref"],
    "additionalProperties": False,
}


def action_schema() -> dict:
    schema = ActionFront.model_json_schema(mode="validation")
    schema = copy.deepcopy(schema)
    definitions = schema.get("$defs", {})
    for name in ("Authority", "Copy"):
        if name in definitions:
            definitions[name]["properties"].pop("ref", None)
    for key in ("targets", "copies"):
        items = schema["properties"][key]["items"]
        schema["properties"][key]["items"] = {"anyOf": [REF_TARGET, items]}
    # Rules checked by validators in Python, written out for editors' tools.
    props = schema["properties"]
    props["country"]["pattern"] = "^[A-Z]{2}$"
    letter = definitions["Letter"]["properties"]
    letter["language"]["pattern"] = "^[a-z]{2}$"
    for name in ("Authority", "Copy"):
        fields = definitions[name]["properties"]
        for phone in ("sms", "phone", "fax"):
            fields[phone]["anyOf"][0]["pattern"] = r"^\+[0-9](?:[0-9 ]*[0-9])?$"
        fields["twitter"]["anyOf"][0]["pattern"] = "^@[A-Za-z0-9_]{1,50}$"
        fields["web"]["anyOf"][0]["pattern"] = "^https://"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Action urgente"
    schema["description"] = "En-tête YAML d'un fichier content/actions/<slug>.md. Voir docs/guide-redaction.md."
    return schema


def schema_text() -> str:
    return json.dumps(action_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
