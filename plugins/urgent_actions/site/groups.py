"""The actions grouped by country and by theme: one rule for the lists and the feeds."""

from __future__ import annotations

from collections import defaultdict


def by_country(actions) -> dict[str, list]:
    """Country code -> its actions, in the order given; countries in order of first appearance."""
    groups: dict[str, list] = defaultdict(list)
    for action in actions:
        groups[action.front.country].append(action)
    return dict(groups)


def by_theme(actions) -> dict[str, list]:
    """Theme key -> its actions, in the order given; themes in order of first appearance."""
    groups: dict[str, list] = defaultdict(list)
    for action in actions:
        for theme in action.front.themes:
            groups[theme].append(action)
    return dict(groups)
