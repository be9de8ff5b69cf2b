"""The content model, as pydantic models: the one place where every rule lives.

The same models validate the files during the build and produce the JSON
Schema that editors' tools use (``schema.py``), so the two cannot drift.
Rules that need other files (themes, authorities, the content directory) read
them from the validation context, given by ``content.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from . import countries, textlimits
from .errors import did_you_mean
from .letters import DEFAULT_CLOSINGS, salutation_for
from .states import STATES

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CASE_RE = re.compile(r"^UA \d{1,3}/\d{2}$")
PHONE_RE = re.compile(r"^\+[0-9](?:[0-9 ]*[0-9])?$")
# X allows 15 characters; older and institutional handles can be longer.
HANDLE_RE = re.compile(r"^@[A-Za-z0-9_]{1,50}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALIAS_RE = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*(?:[A-Za-z0-9._~-]+\.html|)$")

PELICAN_STATUSES = ("published", "draft", "hidden")
REACH_CHANNELS = ("address", "email", "sms", "fax", "twitter", "web")


def _error(message: str, **ctx) -> PydanticCustomError:
    return PydanticCustomError("content_rule", message, ctx or None)


class Problems:
    """Collect several rule failures of one model and raise them together."""

    def __init__(self):
        self.details: list[InitErrorDetails] = []

    def add(self, loc: tuple, message: str, value: Any = None) -> None:
        self.details.append(InitErrorDetails(type=_error(message), loc=loc, input=value))

    def raise_if_any(self, title: str) -> None:
        if self.details:
            raise ValidationError.from_exception_data(title, self.details)


# --- Field types -----------------------------------------------------------


def _iso_date(value: Any) -> Any:
    """Dates are written YYYY-MM-DD; YAML gives them to us as strings."""
    if isinstance(value, dt.datetime):
        raise _error("a date is written YYYY-MM-DD, without a time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise _error("'{value}' is not a date written YYYY-MM-DD", value=str(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _error("{value} does not exist in the calendar", value=value) from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise _error("must fit on one line")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise _error("must not be empty")
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
        raise _error("'{value}' is not an email address ({why})", value=value, why=why)
    return value


Email = Annotated[str, Field(strict=True), AfterValidator(_email)]


def _one_or_more_emails(value: Any) -> Any:
    """``email`` takes one address or a list; a single one is checked in place."""
    if isinstance(value, str):
        return [_email(value)]
    if isinstance(value, list) and not value:
        raise _error("give at least one address, or remove the key")
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
        raise _error(
            "'{value}' is not an international number: write '+', the country code "
            "and the digits, spaces allowed (e.g. '+32 2 000 00 00')",
            value=value,
        )
    return value


Phone = Annotated[str, Field(strict=True), AfterValidator(_phone)]


def _handle(value: str) -> str:
    if not HANDLE_RE.match(value):
        raise _error(
            "'{value}' is not an X handle: write '@' followed by letters, digits or '_' (quote it in YAML: \"@Name\")",
            value=value,
        )
    return value


Handle = Annotated[str, Field(strict=True), AfterValidator(_handle)]


def _https(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() or ord(c) < 32 for c in value):
        raise _error(
            "'{value}' is not a secure web address: it must start with https://",
            value=value,
        )
    return value


HttpsUrl = Annotated[str, Field(strict=True), AfterValidator(_https)]


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise _error(
            "'{value}' is not an identifier: use lowercase letters, digits and single hyphens",
            value=value,
        )
    return value


Slug = Annotated[str, Field(strict=True), AfterValidator(_slug)]


@lru_cache(maxsize=256)
def _is_language_code(value: str) -> bool:
    """An ISO 639-1 code, in lowercase. The languages with a default closing are
    (a test checks it): pycountry's table of languages, 0.02 s to load, is read
    only for the others."""
    return value in DEFAULT_CLOSINGS or (value == value.lower() and pycountry.languages.get(alpha_2=value) is not None)


def _country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code known to the country list."""
    if value in countries.known_codes():
        return value
    guess = countries.suggest_code(value)
    hint = f", did you mean '{guess}' ({countries.country_name(guess)})?" if guess else ""
    raise _error(
        "unknown country '{value}'{hint}: use the ISO 3166-1 alpha-2 code in capitals",
        value=value,
        hint=hint,
    )


CountryCode = Annotated[str, Field(strict=True), AfterValidator(_country_code)]


def _salutations(value: Any) -> Any:
    """A salutation per letter language: keys are ISO 639-1 codes, at least one."""
    if isinstance(value, dict):
        if not value:
            raise _error("give at least one language and its salutation, or remove the key")
        for key in value:
            if not isinstance(key, str) or not _is_language_code(key):
                raise _error(
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


# --- Authorities ---------------------------------------------------------------


class Authority(BaseModel):
    """Someone to write to: a target, or a copy (inline or in content/authorities/)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # Targets must be reachable and greeted; copies ("copies to") need neither.
    is_target: ClassVar[bool] = True

    name: Line
    role: Line | None = None
    salutation: Salutation | None = None
    address: Text | None = None
    # The country of the postal address when it is not the action's (an embassy).
    country: CountryCode | None = None
    email: Emails | None = None
    sms: Phone | None = None
    phone: Phone | None = None
    fax: Phone | None = None
    twitter: Handle | None = None
    web: HttpsUrl | None = None
    # Set when the authority comes from content/authorities/<ref>.yml.
    ref: str | None = Field(default=None, exclude=True, json_schema_extra={"readOnly": True})

    @property
    def emails(self) -> list[str]:
        return list(self.email or [])

    @property
    def address_lines(self) -> list[str]:
        if not self.address:
            return []
        return [line.rstrip() for line in self.address.strip("\n").split("\n")]

    @model_validator(mode="before")
    @classmethod
    def _resolve_ref(cls, data: Any, info: ValidationInfo) -> Any:
        if not (isinstance(data, dict) and "ref" in data):
            return data
        ref = data["ref"]
        others = sorted(set(data) - {"ref"})
        if others:
            raise _error(
                "a target with 'ref' takes no other key (found: {keys}); change the authority file instead",
                keys=", ".join(map(str, others)),
            )
        authorities = (info.context or {}).get("authorities", {})
        if not isinstance(ref, str) or ref not in authorities:
            raise _error(
                "unknown authority '{ref}'{hint}: it must be the name of a file content/authorities/<name>.yml",
                ref=str(ref),
                hint=did_you_mean(str(ref), authorities),
            )
        found = authorities[ref]
        if found is None:  # the authority file itself has errors, reported there
            raise _error("the authority file content/authorities/{ref}.yml has errors", ref=ref)
        return {**found.model_dump(exclude_none=True), "ref": ref}

    @model_validator(mode="after")
    def _reachable(self) -> Authority:
        raise_rule_problems(self.rules_across_fields(dict(self)), "Authority")
        return self

    @classmethod
    def rules_across_fields(cls, values: dict[str, Any]) -> list[tuple[tuple, str]]:
        """The rules that compare fields, on the fields that are valid (see
        :func:`problems_across_fields`): a target is reachable and greeted."""
        if not cls.is_target:
            return []

        def given(name: str) -> bool:  # a field left out of ``values`` was given, but wrong
            return name not in values or bool(values[name])

        found = []
        # A shared authority is checked where it is used as a target; name its file.
        where = f" (in content/authorities/{values['ref']}.yml)" if values.get("ref") else ""
        if not any(given(channel) for channel in REACH_CHANNELS):
            found.append(
                ((), "no way to reach this authority: give at least one of " + ", ".join(REACH_CHANNELS) + where)
            )
        if _have(values, "salutation") and not values["salutation"] and (given("email") or given("address")):
            found.append(
                (
                    ("salutation",),
                    "required when the authority has an email or a postal address "
                    '(e.g. "Monsieur le Ministre,")' + where,
                )
            )
        return found


# --- Actions -----------------------------------------------------------------


class Copy(Authority):
    """An authority the letter is copied to: no salutation or channel required."""

    is_target: ClassVar[bool] = False


class Letter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = Field(strict=True)
    subject: Line
    body: Text
    closing: Text | None = None
    # The authorities' preferred language (at most one letter of an action).
    preferred: bool = Field(default=False, strict=True)

    @field_validator("language")
    @classmethod
    def _iso_639_1(cls, value: str) -> str:
        if not _is_language_code(value):
            raise _error(
                "'{value}' is not an ISO 639-1 language code (two lowercase letters, e.g. fr, en, nl, es, ar)",
                value=value,
            )
        return value

    @model_validator(mode="after")
    def _closing_known(self) -> Letter:
        raise_rule_problems(self.rules_across_fields(dict(self)), "Letter")
        return self

    @classmethod
    def rules_across_fields(cls, values: dict[str, Any]) -> list[tuple[tuple, str]]:
        """A letter in a language without a default closing gives its own."""
        if not _have(values, "closing", "language"):
            return []
        if values["closing"] is None and values["language"] not in DEFAULT_CLOSINGS:
            return [
                (
                    ("closing",),
                    f"required for a letter in '{values['language']}': there is no default closing for that language",
                )
            ]
        return []


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: IsoDate
    text: Annotated[Text, Field(max_length=500)]


class ActionFront(BaseModel):
    """The front matter of content/actions/<slug>.md."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[Line, Field(max_length=120)]
    case: str = Field(strict=True, json_schema_extra={"pattern": CASE_RE.pattern})
    update: int = Field(default=0, ge=0, strict=True)
    date: IsoDate
    deadline: IsoDate | None = None
    state: Literal[STATES] = "open"
    status: Literal["published", "draft", "hidden"] = "published"
    country: str = Field(strict=True)
    themes: list[str] = Field(min_length=1)
    people: list[Line] = Field(default_factory=list)
    summary: Annotated[Text, Field(max_length=280)]
    image: str | None = Field(default=None, strict=True)
    image_alt: Line | None = None
    image_credit: Line | None = None
    ai_index: Line | None = None
    targets: list[Authority] = Field(default_factory=list)
    copies: list[Copy] = Field(default_factory=list)
    letters: list[Letter] = Field(default_factory=list)
    sms: Text | None = None
    tweet: Text | None = None
    # The postal mailing of the action's month (site/post.py makes its PDF).
    post: bool = Field(default=False, strict=True)
    # The SMS alert; the build adds the short link and checks that both fit one
    # SMS (site/sms.py: the link depends on the site's address, a setting).
    sms_alert: Line | None = None
    outcome: Outcome | None = None
    aliases: list[str] = Field(default_factory=list)

    @field_validator("case")
    @classmethod
    def _case(cls, value: str) -> str:
        if not CASE_RE.match(value):
            raise _error(
                "'{value}' is not a case number: write 'UA', a space, 1 to 3 digits, '/' "
                "and the 2-digit year (e.g. 'UA 045/26')",
                value=value,
            )
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _country_code(value)

    @field_validator("themes")
    @classmethod
    def _themes(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("themes", {})
        problems = Problems()
        seen = set()
        for index, key in enumerate(value):
            if not isinstance(key, str) or key not in known:
                problems.add(
                    (index,),
                    f"unknown theme '{key}'{did_you_mean(str(key), known)}"
                    + ("" if did_you_mean(str(key), known) else f" (known themes: {', '.join(sorted(known))})"),
                    key,
                )
            elif key in seen:
                problems.add((index,), f"theme '{key}' is listed twice", key)
            seen.add(key)
        problems.raise_if_any("themes")
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        problems = Problems()
        for index, alias in enumerate(value):
            if not isinstance(alias, str) or not ALIAS_RE.match(alias) or "//" in alias:
                problems.add(
                    (index,),
                    f"'{alias}' is not a path of this site: write it like '/actions/old-slug/'",
                    alias,
                )
        problems.raise_if_any("aliases")
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str, info: ValidationInfo) -> str:
        root = (info.context or {}).get("content_root")
        if value.startswith("/") or "\\" in value or ".." in value.split("/"):
            raise _error(
                "'{value}' must be a path inside content/, such as 'images/name.jpg'",
                value=value,
            )
        if root:
            full = os.path.join(root, value)
            real_root = os.path.realpath(root)
            if os.path.commonpath([os.path.realpath(full), real_root]) != real_root:
                raise _error("'{value}' leads outside content/ (through a link)", value=value)
            if not os.path.isfile(full):
                raise _error("no file content/{value}: add the image or fix the path", value=value)
        return value

    @model_validator(mode="after")
    def _rules_across_fields(self) -> ActionFront:
        raise_rule_problems(self.rules_across_fields(dict(self)), "ActionFront")
        return self

    @classmethod
    def rules_across_fields(cls, values: dict[str, Any]) -> list[tuple[tuple, str]]:
        """Every rule that compares fields, each run when the fields it reads are
        valid, so that a mistake in one field never hides another rule's problem
        (:func:`problems_across_fields` runs them on a file with errors)."""
        found: list[tuple[tuple, str]] = []
        add = found.append
        have = functools.partial(_have, values)
        is_open = values.get("state") == "open"
        if have("deadline", "state") and values["deadline"] is None and is_open:
            add((("deadline",), "required while the action is open (YYYY-MM-DD)"))
        if have("deadline", "date") and values["deadline"] is not None and values["deadline"] < values["date"]:
            add(
                (
                    ("deadline",),
                    f"{values['deadline'].isoformat()} is before the publication date {values['date'].isoformat()}",
                )
            )
        if have("state", "targets") and is_open and not values["targets"]:
            add((("targets",), "at least one target is required while the action is open"))
        if have("state", "letters") and is_open and not values["letters"]:
            add((("letters",), "at least one letter is required while the action is open"))
        if have("post", "state") and values["post"] and not is_open:
            add(
                (
                    ("post",),
                    (
                        f"an action whose state is '{values['state']}' cannot go into a postal mailing: "
                        "remove 'post: true' (only an open action is sent by post)"
                    ),
                )
            )
        if have("state", "outcome") and values["state"] == "good-news" and values["outcome"] is None:
            add((("outcome",), "required when the state is good-news: {date, text}"))
        if have("image", "image_alt"):
            if values["image"] and not values["image_alt"]:
                add((("image_alt",), "required with an image: describe what it shows"))
            if values["image_alt"] and not values["image"]:
                add((("image_alt",), "given without an image"))
        if have("letters"):
            seen_languages = set()
            for index, letter in enumerate(values["letters"]):
                if letter.language in seen_languages:
                    add(
                        (
                            ("letters", index, "language"),
                            f"a second letter in '{letter.language}': keep one letter per language",
                        )
                    )
                seen_languages.add(letter.language)
            preferred = [index for index, letter in enumerate(values["letters"]) if letter.preferred]
            for index in preferred[1:]:
                add(
                    (
                        ("letters", index, "preferred"),
                        f"letters[{preferred[0]}] is already the preferred language: at most one letter is preferred",
                    )
                )
        if have("state", "letters", "targets") and is_open and values["letters"]:
            found.extend(_salutations_known(values["targets"], values["letters"]))
        sms = values.get("sms")
        if have("sms") and sms is not None:
            length, limit = textlimits.sms_length(sms)
            if length > limit:
                char = textlimits.first_non_gsm_character(sms)
                why = (
                    f": '{char}' is not in the GSM alphabet (with it, one SMS holds 70 characters instead of 160)"
                    if char and length <= textlimits.SMS_GSM7_LIMIT
                    else ""
                )
                add((("sms",), f"{length} characters, one SMS holds {limit}{why}"))
        tweet = values.get("tweet")
        if have("tweet", "targets") and tweet is not None:
            handles = [t.twitter for t in values["targets"] if t.twitter] or [None]
            longest = max(handles, key=lambda h: len(h or ""))
            length = textlimits.tweet_length(textlimits.tweet_for(longest, tweet))
            if length > textlimits.TWEET_LIMIT:
                with_handle = f" with '{longest} ' in front" if longest else ""
                add(
                    (
                        ("tweet",),
                        f"{length} characters as X counts them{with_handle}; at most {textlimits.TWEET_LIMIT}",
                    )
                )
        return found


def _salutations_known(targets, letters) -> list[tuple[tuple, str]]:
    """Every letter of an open action can greet every target: in the target's own
    salutation for its language, or the project's default for it."""
    found = []
    first = letters[0].language
    for t_index, target in enumerate(targets):
        for letter in letters:
            if salutation_for(target.salutation, letter.language, first) is not None:
                continue
            where = f" (in content/authorities/{target.ref}.yml)" if target.ref else ""
            found.append(
                (
                    ("targets", t_index, "salutation"),
                    (
                        f"'{target.name}' has no salutation in '{letter.language}', the language "
                        f"of a letter, and the project has no default for it: write the "
                        f'salutation as one per language, e.g. {{{first}: "…", '
                        f'{letter.language}: "…"}}{where}'
                    ),
                )
            )
    return found


# --- Rules across fields, on a file with errors --------------------------------
#
# Pydantic runs a model's "after" validator only when every field is valid, so
# a file with a wrong country would not hear that its deadline is before its
# date until the country is fixed. The rules that compare fields are therefore
# written over a mapping of the fields that are valid, and run again on those
# fields when the model as a whole is not.


def _have(values: dict[str, Any], *names: str) -> bool:
    """Whether every field in ``names`` is valid (present, or absent with a default)."""
    return all(name in values for name in names)


def raise_rule_problems(found: list[tuple[tuple, str]], title: str) -> None:
    """Raise the problems ``rules_across_fields`` found, together."""
    problems = Problems()
    for loc, message in found:
        problems.add(loc, message)
    problems.raise_if_any(title)


@lru_cache(maxsize=256)
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    """Validates one field of ``model`` alone: its type, constraints and field validators."""
    info = model.model_fields[name]
    checks = [
        AfterValidator(getattr(model, decorator.cls_var_name))
        for decorator in model.__pydantic_decorators__.field_validators.values()
        if name in decorator.info.fields and decorator.info.mode == "after"
    ]
    extra = (*info.metadata, *checks)
    return TypeAdapter(Annotated[(info.annotation, *extra)] if extra else info.annotation)


def valid_fields(model: type[BaseModel], data: dict, context: dict | None) -> dict[str, Any]:
    """The fields of ``data`` that are valid on their own, validated; absent fields
    with a default have it. A field with an error is left out."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            continue
        try:
            values[name] = _field_adapter(model, name).validate_python(data[name], context=context)
        except ValidationError:
            pass
    return values


def problems_across_fields(
    model: type[BaseModel], data: Any, context: dict | None = None, loc: tuple = ()
) -> list[tuple[tuple, str]]:
    """What the rules across fields of ``model`` and of the models inside it say
    about ``data``, a mapping that failed validation, as (location, message)."""
    if not isinstance(data, dict) or (issubclass(model, Authority) and "ref" in data):
        return []  # not a mapping (reported as such), or a shared authority (checked on its own)
    rules = getattr(model, "rules_across_fields", None)
    found = []
    if rules is not None:
        found = [(loc + where, message) for where, message in rules(valid_fields(model, data, context))]
    for name, info in model.model_fields.items():
        inner = _model_of(info.annotation)
        value = data.get(name)
        if inner is None or value is None:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                found += problems_across_fields(inner, item, context, loc + (name, index))
        else:
            found += problems_across_fields(inner, value, context, loc + (name,))
    return found


def _model_of(annotation) -> type[BaseModel] | None:
    """The model inside a field's type (``list[Letter]``, ``Outcome | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None
