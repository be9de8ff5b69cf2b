"""The SMS edition: one alert of at most one SMS per action, with its short link.

The editor writes it (``sms_alert``) or it is made from the title. Either way
the build adds the case's short link (:mod:`.shortlinks`); an alert the editor
wrote that does not fit one SMS with its link is an error giving the count.
``/envois/sms.csv`` lists the alerts for the SMS service's import.
"""

from __future__ import annotations

import csv
import io

from .. import urls
from ..content import textlimits
from ..content.errors import Problem
from .build import Build
from .keys import fingerprint
from .outputs import Output
from .shortlinks import short_url, sms_link

# What an alert made from the title starts with.
ALERT_PREFIX = "Action urgente : "


def _fits(text: str) -> bool:
    length, limit = textlimits.sms_length(text)
    return length <= limit


def composed_alert(title: str, link: str) -> str:
    """An alert made from ``title``: shortened at a word, with '...', to fit one SMS."""
    text = f"{ALERT_PREFIX}{title} {link}"
    if _fits(text):
        return text
    words = title.split()
    while words:
        words.pop()
        text = f"{ALERT_PREFIX}{' '.join(words).rstrip(',;:')}... {link}"
        if _fits(text):
            return text
    return f"{ALERT_PREFIX}{link}"


def alert(build: Build, action) -> str:
    """The SMS alert of ``action``, its short link included."""
    link = sms_link(build, action)
    written = action.front.sms_alert
    return f"{written.strip()} {link}" if written else composed_alert(action.front.title, link)


def problems(build: Build) -> list[Problem]:
    """Every written alert that does not fit one SMS with its link (checked at
    each build: the link's length depends on the site's address)."""
    found = []
    for action in build.site.actions:
        if not action.front.sms_alert:
            continue
        text = alert(build, action)
        length, limit = textlimits.sms_length(text)
        if length <= limit:
            continue
        link = sms_link(build, action)
        char = textlimits.first_non_gsm_character(text)
        why = (
            f"; '{char}' is not in the GSM alphabet (with it, one SMS holds 70 characters instead of 160)"
            if char and length <= textlimits.SMS_GSM7_LIMIT
            else ""
        )
        found.append(
            Problem(
                action.source_path,
                "sms_alert",
                f"{length} characters with the short link ' {link}' the build adds, "
                f"one SMS holds {limit}: remove {length - limit}{why}",
            )
        )
    return found


def csv_text(rows: list[tuple[str, str, str, str]]) -> str:
    """``/envois/sms.csv``: date, case, text, link; UTF-8, comma separated, CRLF (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["date", "dossier", "texte", "lien"])
    writer.writerows(rows)
    return out.getvalue()


def rows(build: Build, actions) -> list[tuple[str, str, str, str]]:
    """One row per action: date, case, the alert, the short address."""
    return [(a.front.date.isoformat(), a.front.case, alert(build, a), short_url(build, a)) for a in actions]


def outputs(build: Build):
    found = rows(build, build.open_now)
    yield Output(urls.SMS_CSV, render=lambda: csv_text(found), key=fingerprint("sms.csv", found))
