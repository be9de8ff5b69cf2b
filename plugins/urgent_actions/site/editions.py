"""``/envois/``, the editors' page of editions: each action sent now, with its
email (previews at 600 and 320 px, copy the HTML or the text), its month's
postal PDF and its SMS alert.

Each edition's key is its action's file (and, for a month's postal mailing,
its selection), so an edit rebuilds one action's editions, nothing else.
The page is for editors: not in the navigation nor in the sitemap, ``noindex``.
"""

from __future__ import annotations

import datetime as dt

from .. import urls
from . import post, sms
from .build import Build
from .keys import actions_key
from .outputs import Output
from .sending import with_email


def outputs(build: Build):
    actions = with_email(build)
    months = post.mailings(build)
    alerts = {a.slug: sms.alert(build, a) for a in build.open_now}

    def context():
        return {
            "editions": [
                {
                    "action": action,
                    "html": urls.email_html(action.slug),
                    "text": urls.email_text(action.slug),
                    "sms": alerts.get(action.slug),
                    "pdf": next((urls.mailing_pdf(m) for m, chosen in months.items() if action in chosen), None),
                }
                for action in actions
            ],
            "mailings": [
                (dt.date.fromisoformat(month + "-01"), urls.mailing_pdf(month), chosen)
                for month, chosen in months.items()
            ],
            "page_name": "envois",
        }

    yield Output(
        urls.save_as(urls.ENVOIS),
        template="envois",
        in_sitemap=False,  # for editors
        context=context,
        # The actions it lists (their alerts, PDFs and months come from their files).
        key=actions_key(
            actions + [a for chosen in months.values() for a in chosen],
            build.build_date,
            [a.slug for a in actions],
            {month: [a.slug for a in chosen] for month, chosen in months.items()},
        ),
    )
