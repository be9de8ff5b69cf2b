"""Rules that compare fields: how a model declares them, and how they run.

Each rule is a small function over a mapping of a model's valid fields, whose
docstring is the rule in one sentence (``docs/content-model.md`` lists them);
a model keeps its rules in a :class:`Rules` list, each registered with
``@RULES.rule("field", ...)`` naming the fields it reads.

Pydantic runs a model's "after" validator only when every field is valid, so
a file with a wrong country would not hear that its deadline is before its
date until the country is fixed. The rules are therefore written over a
mapping of the fields that are valid, and run again on those fields when the
model as a whole is not (:func:`problems_across_fields`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, TypeAdapter
from pydantic_core import InitErrorDetails, ValidationError

from .fields import rule_error

# A problem a rule found: where (a location inside the model) and what.
Found = tuple[tuple, str]


class Problems:
    """Collect several rule failures of one model and raise them together."""

    def __init__(self):
        self.details: list[InitErrorDetails] = []

    def add(self, loc: tuple, message: str, value: Any = None) -> None:
        """Note one failure at ``loc``."""
        self.details.append(InitErrorDetails(type=rule_error(message), loc=loc, input=value))

    def raise_if_any(self, title: str) -> None:
        """Raise every failure noted, as one ValidationError."""
        if self.details:
            raise ValidationError.from_exception_data(title, self.details)


def have(values: dict[str, Any], *names: str) -> bool:
    """Whether every field in ``names`` is valid (present, or absent with a default)."""
    return all(name in values for name in names)


@dataclass(frozen=True)
class Rule:
    """One rule that compares fields: ``check`` runs when the fields it ``needs`` are valid."""

    check: Callable[[dict[str, Any]], Iterable[Found]]
    needs: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def sentence(self) -> str:
        """The rule in words: its check's docstring."""
        return " ".join(inspect.cleandoc(self.check.__doc__ or "").split())

    def __call__(self, values: dict[str, Any]) -> list[Found]:
        return list(self.check(values)) if have(values, *self.needs) else []


class Rules(list):
    """The rules of one model, in the order they report; ``@RULES.rule("state", "targets")``
    over a check adds it, run when those fields are valid."""

    def rule(self, *needs: str):
        """Register the decorated check as a rule needing the fields ``needs``."""

        def register(check):
            self.append(Rule(check, needs))
            return check

        return register

    def run(self, values: dict[str, Any]) -> list[Found]:
        """What every rule says about ``values`` (a mapping of valid fields)."""
        return [found for rule in self for found in rule(values)]


def raise_rule_problems(found: list[Found], title: str) -> None:
    """Raise the problems a model's rules found, together."""
    problems = Problems()
    for loc, message in found:
        problems.add(loc, message)
    problems.raise_if_any(title)


def model_in(annotation) -> type[BaseModel] | None:
    """The model inside a field's type (``list[Letter]``, ``Outcome | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = model_in(arg)
        if found is not None:
            return found
    return None


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
) -> list[Found]:
    """What the rules across fields of ``model`` and of the models inside it say
    about ``data``, a mapping that failed validation, as (location, message)."""
    if not isinstance(data, dict) or ("ref" in data and "ref" in model.model_fields):
        return []  # not a mapping (reported as such), or a shared authority (checked on its own)
    rules = getattr(model, "rules_across_fields", None)
    found = []
    if rules is not None:
        found = [(loc + where, message) for where, message in rules(valid_fields(model, data, context))]
    for name, info in model.model_fields.items():
        inner = model_in(info.annotation)
        value = data.get(name)
        if inner is None or value is None:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                found += problems_across_fields(inner, item, context, loc + (name, index))
        else:
            found += problems_across_fields(inner, value, context, loc + (name,))
    return found
