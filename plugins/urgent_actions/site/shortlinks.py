"""The short address of a case, ``/ua/<number>-<yy>/``, for SMS alerts and QR codes.

``UA 060/26`` is at ``/ua/060-26/``: a small redirect page to the case's
latest action (the number is kept as written, so two spellings of a case
number never meet at one address).

Only the cases that need one have it (``cases``): those active since
``UA_SHORT_ADDRESSES_SINCE`` (when the network began to send short links)
and any case an SMS alert or a QR code of this build links to. The first
part reads only the case's files, never the build date, so an address once
made stays.
"""

from __future__ import annotations

from html import escape

from .. import urls
from ..content.case import Case
from ..settings import short_addresses_since
from .build import Build
from .keys import fingerprint
from .outputs import Output


def short_url(build: Build, action) -> str:
    """The absolute short address of ``action``'s case (the QR code's)."""
    return f"{build.absolute_url}/{urls.case_short_url(action.front.case)}"


def sms_link(build: Build, action) -> str:
    """The short address as an SMS carries it: without ``https://``, which
    phones do not need to make it a link and which costs eight characters."""
    url = short_url(build, action)
    return url.split("://", 1)[1] if "://" in url else url


def redirect_page(build: Build, latest) -> str:
    """The redirect page (no template: one per case, so it must cost nothing)."""
    siteurl = build.siteurl
    title = escape(latest.front.title)
    target = escape(f"{siteurl}/{latest.url}")
    absolute = escape(f"{build.absolute_url}/{latest.url}")
    language = escape(build.ua["UA_LANGUAGE"])
    return (
        "<!doctype html>\n"
        f'<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{absolute}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="stylesheet" href="{escape(siteurl)}/theme/css/site.css">\n'
        "</head>\n<body>\n"
        f'<p><a href="{target}">{title}</a></p>\n'
        "</body>\n</html>\n"
    )


def last_day(action):
    """The last day ``action`` was active: its deadline, or its latest change
    (publication or outcome, ``last_updated``) when later."""
    deadline = action.front.deadline
    return max(action.last_updated, deadline) if deadline is not None else action.last_updated


def cases(build: Build) -> list[Case]:
    """The cases that have a short address (their newest action first)."""
    since = short_addresses_since(build.ua)
    # The SMS alerts (open actions) and the postal mailings' QR codes (post: true).
    linked = {a.front.case for a in build.open_now} | {a.front.case for a in build.site.listed if a.front.post}
    return [
        case
        for case in build.site.cases.values()
        if case.number in linked or any(last_day(a) >= since for a in case.actions)
    ]


def outputs(build: Build):
    for case in cases(build):
        latest = case.latest
        yield Output(
            urls.save_as(case.short_url),
            render=lambda latest=latest: redirect_page(build, latest),
            # What the page shows: the latest action's address and title.
            key=fingerprint("short-address", latest.url, latest.front.title),
        )
