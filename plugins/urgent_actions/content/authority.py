"""Someone an action writes to: a target, or a copy; inline in an action, or shared
as a file content/authorities/<id>.yml and used as ``{ref: <id>}``."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, ValidationInfo, model_validator

from .errors import did_you_mean
from .fields import CountryCode, Emails, Handle, HttpsUrl, Line, Phone, Salutation, Text, rule_error
from .model_base import ContentModel
from .rules import Found, Rules, raise_rule_problems

REACH_CHANNELS = ("address", "email", "sms", "fax", "twitter", "web")

TARGET_RULES = Rules()


def _given(values: dict[str, Any], name: str) -> bool:
    """Whether a field was given: a field left out of ``values`` was given, but wrong."""
    return name not in values or bool(values[name])


def _in_file(values: dict[str, Any]) -> str:
    """A shared authority is checked where it is used as a target: name its file."""
    return f" (in content/authorities/{values['ref']}.yml)" if values.get("ref") else ""


@TARGET_RULES.rule()
def reachable(values: dict[str, Any]) -> list[Found]:
    """A target (not a copy) has at least one way to reach it: address, email, sms, fax, twitter or web."""
    if any(_given(values, channel) for channel in REACH_CHANNELS):
        return []
    return [
        ((), "no way to reach this authority: give at least one of " + ", ".join(REACH_CHANNELS) + _in_file(values))
    ]


@TARGET_RULES.rule("salutation")
def greeted(values: dict[str, Any]) -> list[Found]:
    """A target has a `salutation` when it has an email or a postal address."""
    if values["salutation"] or not (_given(values, "email") or _given(values, "address")):
        return []
    message = 'required when the authority has an email or a postal address (e.g. "Monsieur le Ministre,")'
    return [(("salutation",), message + _in_file(values))]


class Authority(ContentModel):
    """Someone to write to: a target, or a copy (inline or in content/authorities/)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # Targets must be reachable and greeted; copies ("copies to") need neither.
    RULES: ClassVar[Rules] = TARGET_RULES

    name: Line
    # The French article of the name in generated sentences ("au Procureur
    # général", "à l'Ambassade"): le, la, l', les, or none; derived when absent
    # (content/wording.py).
    article: Literal["le", "la", "l'", "les", "none"] | None = None
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
        """Its email addresses, none or several."""
        return list(self.email or [])

    @property
    def address_lines(self) -> list[str]:
        """Its postal address, line by line."""
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
            raise rule_error(
                "a target with 'ref' takes no other key (found: {keys}); change the authority file instead",
                keys=", ".join(map(str, others)),
            )
        authorities = (info.context or {}).get("authorities", {})
        if not isinstance(ref, str) or ref not in authorities:
            raise rule_error(
                "unknown authority '{ref}'{hint}: it must be the name of a file content/authorities/<name>.yml",
                ref=str(ref),
                hint=did_you_mean(str(ref), authorities),
            )
        found = authorities[ref]
        if found is None:  # the authority file itself has errors, reported there
            raise rule_error("the authority file content/authorities/{ref}.yml has errors", ref=ref)
        return {**found.model_dump(exclude_none=True), "ref": ref}

    @model_validator(mode="after")
    def _rules_across_fields(self) -> Authority:
        raise_rule_problems(self.rules_across_fields(dict(self)), "Authority")
        return self

    @classmethod
    def rules_across_fields(cls, values: dict[str, Any]) -> list[Found]:
        """What its rules that compare fields say about ``values``, its valid fields."""
        return cls.RULES.run(values)


class Copy(Authority):
    """An authority the letter is copied to: no salutation or channel required."""

    RULES: ClassVar[Rules] = Rules()
