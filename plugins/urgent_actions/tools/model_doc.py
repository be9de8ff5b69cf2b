"""docs/content-model.md, generated from the content model like the JSON Schema.

The fields, whether each is required, its default, type, format, pattern and
limits come from the pydantic models (through :func:`tools.schema.action_schema`);
the rules that compare fields and those that span files are the docstrings of
their checks (``content/action_front.py``, ``content/authority.py``,
``content/loading.py``, and the SMS alert's in ``site/sms.py``); the placeholders refused outside drafts come from
``content/placeholders.py``. ``invoke schema`` writes the file; a test fails
when it is stale.
"""

from __future__ import annotations

import inspect

from ..content import placeholders
from ..content.action_front import ACTION_RULES, LETTER_RULES, ActionFront, Letter, Outcome
from ..content.authority import TARGET_RULES, Authority, Copy
from ..content.fields import is_multiline_text
from ..content.loading import FILE_RULES
from ..site import sms
from .schema import action_schema

MODELS = {"ActionFront": ActionFront, "Authority": Authority, "Copy": Copy, "Letter": Letter, "Outcome": Outcome}

# The rules of single fields that the tables do not show, in words.
FIELD_RULES = [
    "The image file must exist under `content/`.",
    "A target given as `{ref: <id>}` takes no other key; `<id>` names `content/authorities/<id>.yml`.",
    "`country` is a known ISO 3166-1 alpha-2 code; every `themes` entry is a key of `content/themes.yml`.",
]


def rule_sentences() -> list[str]:
    """Every rule that compares fields or spans files, in words (its check's docstring)."""
    across_fields = [rule.sentence for rules in (ACTION_RULES, LETTER_RULES, TARGET_RULES) for rule in rules]
    # The SMS alert is checked at each build (its short link depends on the site's address).
    return across_fields + [" ".join(inspect.getdoc(check).split()) for check in (*FILE_RULES, sms.problems)]


def _type(prop: dict, defs: dict) -> str:
    """A field's JSON Schema, in words."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    words = [_one_type(option, defs) for option in options]
    return " or ".join(words)


def _one_type(prop: dict, defs: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if prop.get("title") == "Autorité partagée":
        return "`{ref: <id>}`"
    kind = prop.get("type")
    if "enum" in prop:
        return "one of " + ", ".join(f"`{value}`" for value in prop["enum"])
    if kind == "array":
        items = _type(prop.get("items", {}), defs)
        least = f", at least {prop['minItems']}" if prop.get("minItems") else ""
        return f"list of {items}{least}"
    if kind == "string":
        if prop.get("format") == "date":
            return "date `YYYY-MM-DD`"
        if prop.get("format") == "email":
            return "email address"
        text = "text"
        if "pattern" in prop:
            text += f" matching `{prop['pattern']}`"
        if "maxLength" in prop:
            text += f", at most {prop['maxLength']} characters"
        return text
    if kind == "integer":
        return "whole number" + (f" ≥ {prop['minimum']}" if "minimum" in prop else "")
    if kind == "boolean":
        return "`true` or `false`"
    return kind or "value"


def _table(name: str, schema: dict, defs: dict) -> list[str]:
    model = MODELS[name]
    required = set(schema.get("required", []))
    lines = ["| key | required | value |", "|---|---|---|"]
    for key, prop in schema["properties"].items():
        if key == "ref":
            continue
        if key in required:
            needed = "yes"
        elif prop.get("default") not in (None, [], ""):
            needed = f"no (`{prop['default']}`)"
        else:
            needed = "no"
        value = _type(prop, defs)
        info = model.model_fields.get(key)
        if info is not None and value.startswith("text") and any(getattr(m, "func", None) for m in info.metadata):
            lines_kind = "paragraphs" if is_multiline_text(info.metadata) else "one line"
            value = value.replace("text", f"text ({lines_kind})", 1)
        lines.append(f"| `{key}` | {needed} | {value} |")
    return lines


def content_model_markdown() -> str:
    """The text of docs/content-model.md."""
    schema = action_schema()
    defs = schema["$defs"]
    out = [
        "# Content model",
        "",
        "<!-- Generated from the content model (plugins/urgent_actions/content/) by `./dev schema`:",
        "     do not edit by hand (a test fails when this file is stale). -->",
        "",
        "One urgent action is one file `content/actions/<slug>.md`: YAML front matter between two",
        "`---` lines, then the Markdown body. The slug (the file name) is lowercase ASCII letters,",
        "digits and single hyphens; the page is `/actions/<slug>/`. The same rules are in",
        "[`schema/action.schema.json`](../schema/action.schema.json) for editors' tools; the",
        "[editors' guide](guide-redaction.md) explains each field in French.",
        "",
        "## Action",
        "",
        *_table("ActionFront", schema, defs),
    ]
    for name in ("Authority", "Copy", "Letter", "Outcome"):
        model = MODELS[name]
        intro = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
        out += ["", f"## {name}", ""]
        if intro:
            out += [intro, ""]
        if name in ("Authority", "Copy"):
            out += ["Inline, or a file `content/authorities/<id>.yml` with the same keys, used as `{ref: <id>}`.", ""]
        out += _table(name, defs[name], defs)
    out += ["", "## Rules across fields and files", ""]
    out += [f"- {rule}" for rule in (*rule_sentences(), *FIELD_RULES)]
    out += ["- Unknown keys are errors. Every rule is checked on every file, and every problem is reported in one run."]
    out += [
        "",
        "## Placeholders: a draft only",
        "",
        "`./dev new` and `./dev follow-up` write a draft (`status: draft`) with placeholders. A draft",
        "may keep them; in any other action each one left is an error naming the file and the field:",
        "",
        f"- the marker `{placeholders.TODO}` (with or without accents, in capitals), in any field or in the body;",
        f"- the example address `{placeholders.EMAIL}`, handle `{placeholders.HANDLE}`, number",
        f"  `{placeholders.PHONE}`, web address `{placeholders.WEB}` and alias `{placeholders.ALIAS}`.",
        "",
        "Other fictional addresses (`example.org`, as in the sample content) are not placeholders.",
        "",
    ]
    return "\n".join(out)
