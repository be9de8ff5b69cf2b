"""The content model's field types: dates, one-line and multi-line text, email
addresses, phone numbers, X handles, web addresses, country and language codes,
salutations. Each checks one value on its own; the models (``action_front``,
``authority``) put them together.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from . import countries
from .letters import DEFAULT_CLOSINGS

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CASE_RE = re.compile(r"^UA \d{1,3}/\d{2}$")
PHONE_RE = re.compile(r"^\+[0-9](?:[0-9 ]*[0-9])?$")
# X allows 15 characters; older and institutional handles can be longer.
HANDLE_RE = re.compile(r"^@[A-Za-z0-9_]{1,50}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALIAS_RE = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*(?:[A-Za-z0-9._~-]+\.html|)$")


def rule_error(message: str, **ctx) -> PydanticCustomError:
    """A content rule's failure, for a validator to raise: ``message`` with ``ctx`` filled in."""
    return PydanticCustomError("content_rule", message, ctx or None)


# --- Field types -----------------------------------------------------------


def _iso_date(value: Any) -> Any:
    """Dates are written YYYY-MM-DD; YAML gives them to us as strings."""
    if isinstance(value, dt.datetime):
        raise rule_error("a date is written YYYY-MM-DD, without a time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise rule_error("'{value}' is not a date written YYYY-MM-DD", value=str(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise rule_error("{value} does not exist in the calendar", value=value) from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise rule_error("must fit on one line")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise rule_error("must not be empty")
    return value


Text = Annotated[str, Field(strict=True), AfterValidator(_not_blank)]
Line = Annotated[str, Field(strict=True), AfterValidator(_not_blank), AfterValidator(_one_line)]


def is_multiline_text(metadata) -> bool:
    """Whether a field with this pydantic metadata is ``Text`` (paragraphs allowed)
    rather than ``Line`` or a code, for editors' tools (``site/cms.py``)."""
    checks = {getattr(item, "func", None) for item in metadata}
    return _not_blank in checks and _one_line not in checks


@lru_cache(maxsize=4096)
def _email_problem(value: str) -> str | None:
    """Why ``value`` is not an email address, or None. The same authorities'
    addresses come back in action after action: each is checked once.
    (email_validator is imported here: loading it compiles large regular
    expressions, which a rebuild that reads no file does not need.)"""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def _email(value: str) -> str:
    why = _email_problem(value)
    if why is not None:
        raise rule_error("'{value}' is not an email address ({why})", value=value, why=why)
    return value


Email = Annotated[str, Field(strict=True), AfterValidator(_email)]


def _one_or_more_emails(value: Any) -> Any:
    """``email`` takes one address or a list; a single one is checked in place."""
    if isinstance(value, str):
        return [_email(value)]
    if isinstance(value, list) and not value:
        raise rule_error("give at least one address, or remove the key")
    return value


Emails = Annotated[
    list[Email],
    BeforeValidator(_one_or_more_emails),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "email"},
                {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 1},
            ]
        }
    ),
]


def _phone(value: str) -> str:
    if not PHONE_RE.match(value):
        raise rule_error(
            "'{value}' is not an international number: write '+', the country code "
            "and the digits, spaces allowed (e.g. '+32 2 000 00 00')",
            value=value,
        )
    return value


Phone = Annotated[str, Field(strict=True), AfterValidator(_phone)]


def _handle(value: str) -> str:
    if not HANDLE_RE.match(value):
        raise rule_error(
            "'{value}' is not an X handle: write '@' followed by letters, digits or '_' (quote it in YAML: \"@Name\")",
            value=value,
        )
    return value


Handle = Annotated[str, Field(strict=True), AfterValidator(_handle)]


def _https(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() or ord(c) < 32 for c in value):
        raise rule_error(
            "'{value}' is not a secure web address: it must start with https://",
            value=value,
        )
    return value


HttpsUrl = Annotated[str, Field(strict=True), AfterValidator(_https)]


@lru_cache(maxsize=256)
def is_language_code(value: str) -> bool:
    """Whether ``value`` is an ISO 639-1 code, in lowercase. The languages with a default closing are
    (a test checks it): pycountry's table of languages, 0.02 s to load, is read
    only for the others."""
    return value in DEFAULT_CLOSINGS or (value == value.lower() and pycountry.languages.get(alpha_2=value) is not None)


def country_code(value: str) -> str:
    """A country given as an ISO 3166-1 alpha-2 code known to the country list."""
    if value in countries.known_codes():
        return value
    guess = countries.suggest_code(value)
    hint = f", did you mean '{guess}' ({countries.country_name(guess)})?" if guess else ""
    raise rule_error(
        "unknown country '{value}'{hint}: use the ISO 3166-1 alpha-2 code in capitals",
        value=value,
        hint=hint,
    )


CountryCode = Annotated[str, Field(strict=True), AfterValidator(country_code)]


def _salutations(value: Any) -> Any:
    """A salutation per letter language: keys are ISO 639-1 codes, at least one."""
    if isinstance(value, dict):
        if not value:
            raise rule_error("give at least one language and its salutation, or remove the key")
        for key in value:
            if not isinstance(key, str) or not is_language_code(key):
                raise rule_error(
                    "'{key}' is not an ISO 639-1 language code (two lowercase letters, "
                    "e.g. fr, en, ar): each key names the language of a letter",
                    key=str(key),
                )
    return value


# One string (the salutation in the language of the action's first letter), or
# one per letter language: {fr: "Monsieur le Ministre,", en: "Dear Minister,"}.
Salutation = Annotated[
    Line | dict[str, Line],
    BeforeValidator(_salutations),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z]{2}$"},
                    "additionalProperties": {"type": "string", "minLength": 1},
                    "minProperties": 1,
                },
            ]
        }
    ),
]
