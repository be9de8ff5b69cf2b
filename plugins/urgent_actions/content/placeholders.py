"""The placeholders the scaffold writes, and the rule that none of them is published.

``./dev new`` and ``./dev follow-up`` (``tools/scaffold.py``) write a draft
whose fields to fill say "À COMPLÉTER", and whose example contact details are
the distinctive values below. A draft may keep them; an action that is not a
draft (published or hidden) may not: each one left is a problem naming its file
and field.

Only these values are refused. The sample content and the tests use fictional
``example.org`` addresses on purpose, and a real authority may well have an
address that looks like an example: what marks a placeholder is that the
scaffold wrote it, not that it looks fictional. The scaffold's addresses use the
reserved ``.example`` top-level domain (RFC 2606), which no real address has.
"""

from __future__ import annotations

import re
from typing import Any

# The marker in every text to fill, with or without its accents. Only in
# capitals: "à compléter" is ordinary French a letter may use.
TODO = "À COMPLÉTER"
TODO_RE = re.compile(r"\b[AÀ] COMPL[EÉ]TER\b")

# Example contact details the scaffold writes (in fields, or in comments that
# an editor may uncomment): valid as formats, so that the draft is valid.
EMAIL = "a-completer@a-completer.example"
HANDLE = "@A_COMPLETER"
PHONE = "+00 000 000 000"
WEB = "https://a-completer.example/contact"
ALIAS = "/actions/ancienne-adresse/"

_EXAMPLE_VALUES = {
    EMAIL.casefold(): "the example address",
    HANDLE.casefold(): "the example handle",
    PHONE: "the example number",
    WEB.casefold(): "the example web address",
    ALIAS: "the example earlier address",
}


# What a text holds, casefolded, when it is or contains a placeholder (every example value,
# and "a-completer.example"), and what it holds as written (the marker, in capitals).
_FOLDED_MARKS = ("a-completer", "a_completer", PHONE, ALIAS)
_MARK = "COMPL"


def _placeholder_in(value: str) -> str | None:
    """What placeholder ``value`` is or contains, as words, or None."""
    known = _EXAMPLE_VALUES.get(value.strip().casefold()) or _EXAMPLE_VALUES.get(value.strip())
    if known:
        return f"'{value.strip()}' is {known} written by `./dev new`"
    if TODO_RE.search(value) or "a-completer.example" in value.casefold():
        return f"still says '{TODO}'"
    return None


def _walk(value: Any, path: str):
    """Every text in ``value`` with its field path ('targets[0].email')."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _texts(value: Any, into: list[str]) -> list[str]:
    """Every text in ``value`` (as :func:`_walk`, without the paths), added to ``into``."""
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _texts(item, into)
    elif isinstance(value, list):
        for item in value:
            _texts(item, into)
    return into


def might_hold_placeholders(data: Any, body: str) -> bool:
    """Whether a text of ``data`` or ``body`` may be or contain a placeholder; when not,
    there is none (what :func:`_placeholder_in` finds holds one of these marks). One
    search over the joined texts, instead of a few for each text of each action."""
    joined = "\n".join(_texts(data, [body]))
    if _MARK in joined:
        return True
    folded = joined.casefold()
    return any(mark in folded for mark in _FOLDED_MARKS)


def placeholder_problems(data: Any, body: str) -> list[tuple[str, str]]:
    """(field path, message) for each placeholder left in an action's front
    matter ``data`` (any field, at any depth) and Markdown ``body``."""
    found = []
    if not might_hold_placeholders(data, body):
        return found
    texts = list(_walk(data, "")) + [("body", body)]
    for path, text in texts:
        what = _placeholder_in(text)
        if what is not None:
            found.append(
                (
                    path,
                    f"{what}: replace it with the real text, or keep 'status: draft' until the action is ready",
                )
            )
    return found


def is_draft(data: Any) -> bool:
    """Whether front matter ``data`` says ``status: draft`` (placeholders allowed)."""
    return isinstance(data, dict) and data.get("status") == "draft"
