"""The front matter of an action file, as pydantic models: ``ActionFront``, its
``Letter`` and ``Outcome``, and the rules that compare their fields.

The same models validate the files during the build and produce the JSON
Schema that editors' tools use (``tools/schema.py``), so the two cannot drift.
Rules that need other files (themes, authorities, the content directory) read
them from the validation context, given by ``content/loading.py``.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from . import textlimits
from .authority import Authority, Copy
from .errors import did_you_mean
from .fields import ALIAS_RE, CASE_RE, IsoDate, Line, Text, country_code, is_language_code, rule_error
from .letters import DEFAULT_CLOSINGS, salutation_for
from .model_base import ContentModel
from .rules import Found, Problems, Rules, raise_rule_problems
from .states import STATES

LETTER_RULES = Rules()
ACTION_RULES = Rules()


@LETTER_RULES.rule("closing", "language")
def closing_known(values: dict[str, Any]) -> list[Found]:
    """A letter in a language without a default closing needs `closing`."""
    if values["closing"] is not None or values["language"] in DEFAULT_CLOSINGS:
        return []
    message = f"required for a letter in '{values['language']}': there is no default closing for that language"
    return [(("closing",), message)]


class Letter(ContentModel):
    """A model letter, in one language."""

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
        if not is_language_code(value):
            raise rule_error(
                "'{value}' is not an ISO 639-1 language code (two lowercase letters, e.g. fr, en, nl, es, ar)",
                value=value,
            )
        return value

    @model_validator(mode="after")
    def _rules_across_fields(self) -> Letter:
        raise_rule_problems(self.rules_across_fields(dict(self)), "Letter")
        return self

    @classmethod
    def rules_across_fields(cls, values: dict[str, Any]) -> list[Found]:
        """What its rules that compare fields say about ``values``, its valid fields."""
        return LETTER_RULES.run(values)


class Outcome(ContentModel):
    """What came of the action, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: IsoDate
    text: Annotated[Text, Field(max_length=500)]


class ActionFront(ContentModel):
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
    # Where the share card's crop is centred: [x, y], fractions of the width and height.
    image_focus: Annotated[list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=2, max_length=2)] | None = None
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
            raise rule_error(
                "'{value}' is not a case number: write 'UA', a space, 1 to 3 digits, '/' "
                "and the 2-digit year (e.g. 'UA 045/26')",
                value=value,
            )
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)

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
            raise rule_error(
                "'{value}' must be a path inside content/, such as 'images/name.jpg'",
                value=value,
            )
        if root:
            full = os.path.join(root, value)
            real_root = os.path.realpath(root)
            if os.path.commonpath([os.path.realpath(full), real_root]) != real_root:
                raise rule_error("'{value}' leads outside content/ (through a link)", value=value)
            if not os.path.isfile(full):
                raise rule_error("no file content/{value}: add the image or fix the path", value=value)
        return value

    @model_validator(mode="after")
    def _rules_across_fields(self) -> ActionFront:
        raise_rule_problems(self.rules_across_fields(dict(self)), "ActionFront")
        return self

    @classmethod
    def rules_across_fields(cls, values: dict[str, Any]) -> list[Found]:
        """Every rule that compares fields, each run when the fields it reads are
        valid, so that a mistake in one field never hides another rule's problem
        (``rules.problems_across_fields`` runs them on a file with errors)."""
        return ACTION_RULES.run(values)


# --- The rules of an action, in the order they report ---------------------------


def _is_open(values: dict[str, Any]) -> bool:
    return values.get("state") == "open"


@ACTION_RULES.rule("deadline", "state")
def deadline_while_open(values: dict[str, Any]) -> list[Found]:
    """`deadline` is required while `state` is `open`."""
    if values["deadline"] is None and _is_open(values):
        return [(("deadline",), "required while the action is open (YYYY-MM-DD)")]
    return []


@ACTION_RULES.rule("deadline", "date")
def deadline_after_date(values: dict[str, Any]) -> list[Found]:
    """`deadline` is not before `date`."""
    deadline, date = values["deadline"], values["date"]
    if deadline is not None and deadline < date:
        return [(("deadline",), f"{deadline.isoformat()} is before the publication date {date.isoformat()}")]
    return []


@ACTION_RULES.rule("state", "targets")
def targets_while_open(values: dict[str, Any]) -> list[Found]:
    """`targets` needs at least one entry while `state` is `open`."""
    if _is_open(values) and not values["targets"]:
        return [(("targets",), "at least one target is required while the action is open")]
    return []


@ACTION_RULES.rule("state", "letters")
def letters_while_open(values: dict[str, Any]) -> list[Found]:
    """`letters` needs at least one entry while `state` is `open`."""
    if _is_open(values) and not values["letters"]:
        return [(("letters",), "at least one letter is required while the action is open")]
    return []


@ACTION_RULES.rule("post", "state")
def post_only_open(values: dict[str, Any]) -> list[Found]:
    """`post: true` only while `state` is `open`: only an open action is sent by post."""
    if not values["post"] or _is_open(values):
        return []
    message = (
        f"an action whose state is '{values['state']}' cannot go into a postal mailing: "
        "remove 'post: true' (only an open action is sent by post)"
    )
    return [(("post",), message)]


@ACTION_RULES.rule("state", "outcome")
def outcome_of_good_news(values: dict[str, Any]) -> list[Found]:
    """`outcome` is required when `state` is `good-news`."""
    if values["state"] == "good-news" and values["outcome"] is None:
        return [(("outcome",), "required when the state is good-news: {date, text}")]
    return []


@ACTION_RULES.rule("image", "image_alt")
def image_described(values: dict[str, Any]) -> list[Found]:
    """`image_alt` is required with `image`, and refused without it."""
    if values["image"] and not values["image_alt"]:
        return [(("image_alt",), "required with an image: describe what it shows")]
    if values["image_alt"] and not values["image"]:
        return [(("image_alt",), "given without an image")]
    return []


@ACTION_RULES.rule("image", "image_focus")
def image_focus_with_image(values: dict[str, Any]) -> list[Found]:
    """`image_focus` is given only with `image`."""
    if values["image_focus"] and not values["image"]:
        return [(("image_focus",), "given without an image")]
    return []


@ACTION_RULES.rule("letters")
def one_letter_per_language(values: dict[str, Any]) -> list[Found]:
    """At most one letter per `language`."""
    found, seen = [], set()
    for index, letter in enumerate(values["letters"]):
        if letter.language in seen:
            message = f"a second letter in '{letter.language}': keep one letter per language"
            found.append((("letters", index, "language"), message))
        seen.add(letter.language)
    return found


@ACTION_RULES.rule("letters")
def one_preferred_letter(values: dict[str, Any]) -> list[Found]:
    """At most one letter is `preferred`."""
    preferred = [index for index, letter in enumerate(values["letters"]) if letter.preferred]
    if len(preferred) < 2:
        return []
    message = f"letters[{preferred[0]}] is already the preferred language: at most one letter is preferred"
    return [(("letters", index, "preferred"), message) for index in preferred[1:]]


@ACTION_RULES.rule("state", "letters", "targets")
def targets_greeted(values: dict[str, Any]) -> list[Found]:
    """While `state` is `open`, every letter can greet every target: in the target's own
    `salutation` for its language, or the project's default for it."""
    letters = values["letters"]
    if not (_is_open(values) and letters):
        return []
    found = []
    first = letters[0].language
    for t_index, target in enumerate(values["targets"]):
        for letter in letters:
            if salutation_for(target.salutation, letter.language, first) is not None:
                continue
            where = f" (in content/authorities/{target.ref}.yml)" if target.ref else ""
            message = (
                f"'{target.name}' has no salutation in '{letter.language}', the language "
                f"of a letter, and the project has no default for it: write the "
                f'salutation as one per language, e.g. {{{first}: "…", '
                f'{letter.language}: "…"}}{where}'
            )
            found.append((("targets", t_index, "salutation"), message))
    return found


@ACTION_RULES.rule("sms")
def sms_fits(values: dict[str, Any]) -> list[Found]:
    """`sms` fits one SMS: 160 GSM-7 characters, or 70 when a character forces Unicode."""
    sms = values["sms"]
    if sms is None:
        return []
    length, limit = textlimits.sms_length(sms)
    if length <= limit:
        return []
    char = textlimits.first_non_gsm_character(sms)
    why = (
        f": '{char}' is not in the GSM alphabet (with it, one SMS holds 70 characters instead of 160)"
        if char and length <= textlimits.SMS_GSM7_LIMIT
        else ""
    )
    return [(("sms",), f"{length} characters, one SMS holds {limit}{why}")]


@ACTION_RULES.rule("tweet", "targets")
def tweet_fits(values: dict[str, Any]) -> list[Found]:
    """`tweet` is at most 280 characters as X counts them, with the longest target's `@handle ` in front."""
    tweet = values["tweet"]
    if tweet is None:
        return []
    handles = [t.twitter for t in values["targets"] if t.twitter] or [None]
    longest = max(handles, key=lambda h: len(h or ""))
    length = textlimits.tweet_length(textlimits.tweet_for(longest, tweet))
    if length <= textlimits.TWEET_LIMIT:
        return []
    with_handle = f" with '{longest} ' in front" if longest else ""
    return [(("tweet",), f"{length} characters as X counts them{with_handle}; at most {textlimits.TWEET_LIMIT}")]
