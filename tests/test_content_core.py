"""The domain core (content/): rules that read as sentences, an Action built whole,
a Case, and modules and functions of a readable size."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from urgent_actions import urls
from urgent_actions.content.action import Action
from urgent_actions.content.action_front import ACTION_RULES, LETTER_RULES, ActionFront
from urgent_actions.content.authority import TARGET_RULES
from urgent_actions.content.case import Case
from urgent_actions.content.loading import FILE_RULES
from urgent_actions.tools.model_doc import content_model_markdown, rule_sentences

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "urgent_actions"
# The packages (or modules) held to the size limits; widen to ("",) for the whole plugin.
SIZE_CHECKED = (".",)
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def test_every_rule_across_fields_is_a_sentence_in_the_generated_doc():
    doc = content_model_markdown()
    rules = [*ACTION_RULES, *LETTER_RULES, *TARGET_RULES]
    assert len(rules) >= 14
    for rule in rules:
        assert rule.check.__doc__, f"{rule.name} has no docstring: its rule in words"
        assert f"- {rule.sentence}\n" in doc, rule.name
    for check in FILE_RULES:
        assert check.__doc__, f"{check.__name__} has no docstring"
    assert all(f"- {sentence}\n" in doc for sentence in rule_sentences())


def _front(case: str, update: int, status: str = "published", day: int = 1) -> ActionFront:
    # Built without validation: these tests are about grouping, not about the rules.
    return ActionFront.model_construct(
        case=case, update=update, status=status, date=dt.date(2026, 3, day), title=f"{case} {update}"
    )


def _action(slug: str, front: ActionFront) -> Action:
    return Action(slug=slug, source_path=f"content/actions/{slug}.md", front=front, body="")


def test_an_action_cannot_be_changed_after_it_is_built():
    action = _action("a", _front("UA 060/26", 0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        action.body_html = "<p>changed</p>"
    with pytest.raises(dataclasses.FrozenInstanceError):
        action.country_names = None


def test_an_action_s_addresses_come_from_the_url_scheme():
    action = _action("pays-personne", _front("UA 060/26", 0))
    assert action.url == urls.action_url("pays-personne") == "actions/pays-personne/"
    assert action.save_as == urls.action_save_as("pays-personne") == "actions/pays-personne/index.html"
    assert not hasattr(action, "title")  # the front matter's fields are read on action.front


def test_a_case_lists_its_actions_newest_update_first_hidden_ones_included():
    first = _action("first", _front("UA 060/26", 0, day=1))
    hidden = _action("hidden", _front("UA 060/26", 1, status="hidden", day=5))
    latest = _action("latest", _front("UA 060/26", 2, day=9))
    case = Case.of("UA 060/26", [first, latest, hidden])
    assert case.actions == (latest, hidden, first)
    assert case.listed == (latest, first)
    assert case.latest is latest
    assert case.part == "060-26"
    assert case.short_url == "ua/060-26/"


def test_the_latest_of_a_case_may_be_hidden():
    shown = _action("shown", _front("UA 7/25", 0))
    hidden = _action("hidden", _front("UA 7/25", 1, status="hidden"))
    case = Case.of("UA 7/25", [shown, hidden])
    assert case.latest is hidden
    assert case.listed == (shown,)
    assert case.part == "7-25"


def _sized_files():
    for scope in SIZE_CHECKED:
        path = PLUGIN / scope
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def test_no_module_or_function_is_too_long():
    too_long = []
    for path in _sized_files():
        text = path.read_text("utf-8")
        name = path.relative_to(PLUGIN)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(
                        f"{name}:{node.lineno}: {node.name} is {length} lines (at most {MAX_FUNCTION_LINES})"
                    )
    assert not too_long, "\n".join(too_long)
