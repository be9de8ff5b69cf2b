"""What an action's state means on a given day: the one place that decides it.

An editor writes one of ``STATES`` in the front matter. Readers see one of
``DISPLAY_STATES``: an open action whose deadline has passed is shown as past
its deadline (never silently removed), and can still be acted on.
"""

from __future__ import annotations

import datetime as dt

# What an editor writes (``state:``), the first being the default.
STATES = ("open", "closed", "good-news")
# What a reader sees on a given day.
DISPLAY_STATES = ("open", "past-deadline", "closed", "good-news")
# The display states whose page still offers the ways to act.
ACTIONABLE_STATES = frozenset({"open", "past-deadline"})


def display_state(state: str, deadline: dt.date | None, today: dt.date) -> str:
    """'open', 'past-deadline', 'closed' or 'good-news' on ``today``."""
    if state == "open" and deadline is not None and deadline < today:
        return "past-deadline"
    return state


def offers_ways_to_act(display: str) -> bool:
    """Whether a page in this display state shows the ways to act (the Jinja
    test ``offers_ways_to_act``): past its deadline, writing still helps."""
    return display in ACTIONABLE_STATES
