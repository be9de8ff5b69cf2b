"""Which actions the network sends: the editions are made for these only.

The actions open now (deadline not passed) and the good news of the last
``UA_EDITIONS_GOOD_NEWS_DAYS`` days. Their editions live under ``/envois/``.
"""

from __future__ import annotations

import datetime as dt

from .build import Build


def open_for_sending(build: Build) -> list:
    """Listed actions open now, newest first (the email, SMS and postal editions).
    The editions read it once per build, as ``build.open_now``."""
    today = build.build_date
    return [a for a in build.site.listed if a.front.state == "open" and a.display_state(today) == "open"]


def recent_good_news(build: Build) -> list:
    """Good news whose outcome is at most UA_EDITIONS_GOOD_NEWS_DAYS old, newest first."""
    since = build.build_date - dt.timedelta(days=build.ua["UA_EDITIONS_GOOD_NEWS_DAYS"])
    return [a for a in build.site.good_news if since <= a.front.outcome.date <= build.build_date]


def with_email(build: Build) -> list:
    """Every action that has an email edition, newest first."""
    chosen = [*build.open_now, *recent_good_news(build)]
    return sorted(chosen, key=lambda a: a.sort_key, reverse=True)
