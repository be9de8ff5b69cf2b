"""The SMS edition: one alert of at most one SMS per action, with its short link.

The editor writes it (``sms_alert``) or it is made from the title, the names
in ``people`` and the country. Either way the build adds the case's short link
(:mod:`.shortlinks`) and writes it in the GSM alphabet (typographic quotes,
dashes, accents the alphabet lacks: :func:`..content.typography.gsm7`), so it is
one SMS of 160 characters on every phone, naming the person and the country. An
alert that cannot be so (too long, naming no one) is an error giving the count.
``/envois/sms.csv`` lists the alerts for the SMS service's import.
"""

from __future__ import annotations

import csv
import io

from .. import urls
from ..content import textlimits
from ..content.errors import Problem
from ..content.typography import gsm7, unaccented
from .build import Build
from .keys import fingerprint
from .outputs import Output
from .shortlinks import short_url, sms_link

# What an alert made from the title starts with.
ALERT_PREFIX = "Action urgente : "


def _fits(text: str) -> bool:
    length, limit = textlimits.sms_length(text)
    return length <= limit and limit == textlimits.SMS_GSM7_LIMIT


def _folded(text: str) -> str:
    """``text`` for comparing names: GSM letters, no accents, lower case."""
    return unaccented(gsm7(text)).casefold()


def names_missing(text: str, people: list[str], countries: list[str]) -> list[str]:
    """The names of ``people``, and the country (any of ``countries``), that ``text`` does not give."""
    folded = _folded(text)
    missing = [name for name in people if _folded(name) not in folded]
    if not any(_folded(country) in folded for country in countries):
        missing.append(countries[0])
    return missing


def title_label(title: str) -> str | None:
    """What the title starts with before ' : ', usually the country as the editor
    names it ("Bélarus : un syndicaliste…"), which an alert may use."""
    label, colon, _ = title.partition(" : ")
    return label.strip() if colon and 0 < len(label.split()) <= 4 else None


def _countries(title: str, country: str) -> list[str]:
    label = title_label(title)
    return [country, label] if label else [country]


def _balanced(text: str) -> bool:
    return text.count('"') % 2 == 0 and text.count("(") == text.count(")")


def _names(people: list[str]) -> str:
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " et " + people[-1]


def composed_alert(title: str, people: list[str], country: str, link: str) -> str | None:
    """An alert made from ``title`` in one GSM-7 SMS, naming ``people`` and
    ``country``: the title when it names them, else "country : names, title";
    shortened at a word, with '...', never leaving a quote open. None when
    even "country : names" does not fit (or there is no one to name)."""
    title, people = gsm7(title).strip(), [gsm7(p) for p in people]
    countries = [gsm7(c) for c in _countries(title, country)]
    if not people:
        return None
    body = title
    if names_missing(title, people, countries):
        label = title_label(title)
        rest = title.partition(" : ")[2] if label else title
        body = f"{label or countries[0]} : {_names(people)}, {rest}"
    words = body.split()
    for count in range(len(words), 0, -1):
        kept = " ".join(words[:count])
        if count < len(words):
            kept = kept.rstrip(",;:-") + "..."
        text = f"{ALERT_PREFIX}{kept} {link}"
        if _fits(text) and _balanced(kept) and not names_missing(kept, people, countries):
            return text
    return None


def alert(build: Build, action) -> str:
    """The SMS alert of ``action``, its short link included, in the GSM alphabet."""
    link = sms_link(build, action)
    front = action.front
    if front.sms_alert:
        return f"{gsm7(front.sms_alert).strip()} {link}"
    composed = composed_alert(front.title, front.people, action.country_name, link)
    return composed or f"{ALERT_PREFIX}{gsm7(action.country_name)} {link}"


def problems(build: Build) -> list[Problem]:
    """The SMS alert of an open action is one SMS of 160 GSM-7 characters with the
    short link the build adds, and names every person in `people` and the country.
    Without `sms_alert` it is made from `title` (shortened at a word); when the
    title cannot make one (names too long, or `people` empty), `sms_alert` is
    required. A written `sms_alert` fits and names them, whatever the `state`."""
    found = []
    for action in build.site.actions:
        front, link = action.front, sms_link(build, action)
        if front.sms_alert:
            found += _written_problems(action, alert(build, action), link)
        elif front.state == "open" and not composed_alert(front.title, front.people, action.country_name, link):
            room = (
                f"at most {textlimits.SMS_GSM7_LIMIT - len(link) - 1} characters (the build adds ' {link}'), "
                f'e.g. sms_alert: "{ALERT_PREFIX}{action.country_name} : <name>, <what happened>"'
            )
            if front.people:
                why = (
                    "required: the title cannot make an alert of one SMS naming the people at risk (people) "
                    f"and the country ({action.country_name}); write one, "
                )
            else:
                why = (
                    "required: people is empty, so no alert made from the title names who is at risk; "
                    f"write one that names them and the country ({action.country_name}), "
                )
            found.append(Problem(action.source_path, "sms_alert", why + room))
    return found


def _written_problems(action, text: str, link: str) -> list[Problem]:
    """What is wrong with the alert an editor wrote (``text``, with ``link``)."""
    found = []
    length, limit = textlimits.sms_length(text)
    if length > limit:
        found.append(
            Problem(
                action.source_path,
                "sms_alert",
                f"{length} characters with the short link ' {link}' the build adds, "
                f"one SMS holds {limit}: remove {length - limit}",
            )
        )
    missing = names_missing(text, action.front.people, _countries(action.front.title, action.country_name))
    if missing:
        found.append(
            Problem(
                action.source_path,
                "sms_alert",
                "does not name "
                + ", ".join(f"'{name}'" for name in missing)
                + ": a member must learn from the SMS alone who is at risk and where; add the "
                + ("name (as in people) and " if action.front.people else "")
                + "the country",
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
