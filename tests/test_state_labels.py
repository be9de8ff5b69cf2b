"""The states an action is shown in are listed once, in ``content.states``:
every list of labels or URL segments per state (archive, editor, templates)
names exactly those states, in that order."""

import datetime as dt

import pytest

from helpers import ROOT, dict_keys_set_in_template
from urgent_actions.content.states import DISPLAY_STATES, STATES, display_state
from urgent_actions.site import archive, cms

TEMPLATES = ROOT / "theme" / "templates"


def test_every_state_an_action_is_shown_in_is_a_display_state():
    today = dt.date(2026, 3, 1)
    shown = {
        display_state(state, deadline, today) for state in STATES for deadline in (None, today, dt.date(2026, 2, 1))
    }
    assert shown == set(DISPLAY_STATES)


def test_each_display_state_has_its_archive_address():
    assert list(archive.STATE_SLUGS) == list(DISPLAY_STATES)


def test_each_state_an_editor_writes_has_its_label_in_the_editor():
    assert list(cms.OPTION_LABELS["state"]) == list(STATES)


@pytest.mark.parametrize("template, name", [("components/state-badge.html", "labels"), ("list.html", "state_labels")])
def test_each_display_state_has_its_label_in_the_templates(template, name):
    assert dict_keys_set_in_template(TEMPLATES / template, name) == list(DISPLAY_STATES)
