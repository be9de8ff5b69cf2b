"""Which actions the network sends, and ``/envois/``, the editors' page of editions.

Editions are made only for what is sent: the actions open now (deadline not
passed) and the good news of the last ``UA_EDITIONS_GOOD_NEWS_DAYS`` days.
Each edition's key is its action's file (and, for a month's postal mailing,
its selection), so an edit rebuilds one action's editions, nothing else.
The page is for editors: not in the navigation nor in the sitemap, ``noindex``.
"""

from __future__ import annotations

import datetime as dt

from .keys import actions_key
from .outputs import Output

ENVOIS = "envois/"


def open_for_sending(build) -> list:
    """Listed actions open now, newest first (the email, SMS and postal editions)."""
    today = build.build_date
    return [a for a in build.site.listed if a.front.state == "open" and a.display_state(today) == "open"]


def recent_good_news(build) -> list:
    """Good news whose outcome is at most UA_EDITIONS_GOOD_NEWS_DAYS old, newest first."""
    since = build.build_date - dt.timedelta(days=build.ua["UA_EDITIONS_GOOD_NEWS_DAYS"])
    return [a for a in build.site.good_news if since <= a.front.outcome.date <= build.build_date]


def with_email(build) -> list:
    """Every action that has an email edition, newest first."""
    chosen = open_for_sending(build) + recent_good_news(build)
    return sorted(chosen, key=lambda a: a.sort_key, reverse=True)


def edition_path(action) -> str:
    """The folder of an action's editions, under /envois/."""
    return f"{ENVOIS}{action.slug}/"


def outputs(build):
    from . import post, sms

    actions = with_email(build)
    months = post.mailings(build)
    alerts = {a.slug: sms.alert(build, a) for a in open_for_sending(build)}

    def context():
        return {
            "editions": [
                {
                    "action": action,
                    "html": edition_path(action) + "courriel.html",
                    "text": edition_path(action) + "courriel.txt",
                    "sms": alerts.get(action.slug),
                    "pdf": next((post.pdf_path(m) for m, chosen in months.items() if action in chosen), None),
                }
                for action in actions
            ],
            "mailings": [
                (dt.date.fromisoformat(month + "-01"), post.pdf_path(month), chosen) for month, chosen in months.items()
            ],
            "page_name": "envois",
        }

    yield Output(
        ENVOIS + "index.html",
        template="envois",
        context=context,
        # The actions it lists (their alerts, PDFs and months come from their files).
        key=actions_key(
            actions + [a for chosen in months.values() for a in chosen],
            build.build_date,
            [a.slug for a in actions],
            {month: [a.slug for a in chosen] for month, chosen in months.items()},
        ),
    )
