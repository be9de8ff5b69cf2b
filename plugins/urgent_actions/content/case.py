"""A case: every action about one situation, under one number (``UA 060/26``).

A case's first action is update 0; each follow-up is the next update. The
action page shows the whole case (its timeline), the short address leads to
its latest action, and the calendar names its events after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import urls
from .action import Action


@dataclass(frozen=True, eq=False)
class Case:
    """One case number and its published actions (hidden ones included), newest update first."""

    number: str  # as written in the front matter: ``UA 060/26``
    actions: tuple[Action, ...]

    @classmethod
    def of(cls, number: str, actions) -> Case:
        """The case ``number`` made of ``actions`` (in any order)."""
        return cls(number, tuple(sorted(actions, key=lambda a: (a.front.update, a.front.date), reverse=True)))

    @property
    def part(self) -> str:
        """Its number as one path segment: ``UA 060/26`` -> ``060-26``."""
        return urls.case_part(self.number)

    @property
    def short_url(self) -> str:
        """Its short address, relative to the site root (``ua/060-26/``)."""
        return urls.case_short_url(self.number)

    @property
    def latest(self) -> Action:
        """Its newest update, hidden or not (the one its short address leads to)."""
        return self.actions[0]

    @property
    def listed(self) -> tuple[Action, ...]:
        """Its actions shown in lists and feeds (:attr:`Action.listed`), newest update first."""
        return tuple(a for a in self.actions if a.listed)
