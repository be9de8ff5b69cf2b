"""Feeds from the same data as the pages, with absolute URLs.

- Atom and RSS 2.0 of the latest actions (each entry complete enough to act
  from a feed reader or an RSS-to-email tool), one Atom feed per country and
  per theme, the good news in Atom.
- JSON Feed 1.1 of the latest actions.
- An iCalendar file with one all-day event per open action's deadline
  (stable UIDs).

The feeds and the calendar are planned here as data (``FeedPlan``,
``CalendarPlan``); ``render/makers.py`` writes them (feedgenerator, icalendar).
Every date comes from the content, never from the clock, so two builds of the
same sources are identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from .. import urls
from ..content.typography import NBSP, french_spacing, french_spacing_html
from . import photos
from .build import Build
from .email import feed_html
from .groups import by_country, by_theme
from .keys import actions_key, fingerprint
from .outputs import CALENDAR, FEED, CalendarEvent, CalendarPlan, FeedEntry, FeedPlan, Output
from .sending import with_email

UTC = dt.UTC


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=UTC)


def entry_id(build: Build, action) -> str:
    return f"{build.absolute_url}/{action.url}"


def feed_name(build: Build) -> str:
    """The name that starts each feed's title: the organisation's short name, or the site's."""
    return build.ua["UA_ORGANISATION"]["short_name"] or build.settings.get("SITENAME", "")


def entry_html(build: Build) -> Callable:
    """``action -> its entry's HTML``, each rendered once: an action appears in
    several feeds (latest, its country, its themes)."""
    rendered: dict[str, str] = {}

    def content_of(action) -> str:
        if action.slug not in rendered:
            rendered[action.slug] = build.render("feed-entry", action=action, absolute=build.absolute_url)
        return rendered[action.slug]

    return content_of


def feed_plan(build: Build, form: str, save_as: str, title: str, description: str, link: str, actions, content_of):
    """The plan of one feed (``form``: ``"atom"`` or ``"rss"``) of ``actions``."""
    author = build.ua["UA_ORGANISATION"]["name"]
    entries = tuple(
        FeedEntry(
            title=action.front.title,
            link=entry_id(build, action),
            summary=action.front.summary,
            content=content_of(action),
            published=_moment(action.front.date),
            updated=_moment(action.last_updated),
            categories=(action.country_name, *(build.site.themes[key] for key in action.front.themes)),
        )
        for action in actions
    )
    dates = [a.last_updated for a in actions] or [dt.date(1973, 3, 19)]
    return FeedPlan(
        format=form,
        title=title,
        link=link,
        feed_url=f"{build.absolute_url}/{save_as}",
        description=description,
        language=build.ua["UA_LANGUAGE"],
        author=author,
        updated=_moment(max(dates)),
        entries=entries,
    )


def atom(build: Build, save_as: str, title: str, actions, content_of, link: str, own_content: bool = True) -> Output:
    """An Atom feed: made of its entries only, its key is theirs (and its title and link)."""
    return Output(
        save_as,
        maker=FEED,
        plan=lambda: feed_plan(build, "atom", save_as, title, title, link, actions, content_of),
        key=actions_key(actions, build.build_date, title, link, own_content),
    )


def rss(build: Build, save_as: str, title: str, description: str, actions, content_of, *key) -> Output:
    """An RSS 2.0 feed, whose items carry the full HTML (what RSS-to-email tools send)."""
    link = f"{build.absolute_url}/"
    return Output(
        save_as,
        maker=FEED,
        plan=lambda: feed_plan(build, "rss", save_as, title, description, link, actions, content_of),
        key=actions_key(actions, build.build_date, feed_name(build), *key),
    )


def latest_feeds(build: Build, content_of) -> tuple[Output, Output, Output]:
    """The latest actions in Atom, RSS and JSON Feed."""
    _ = build.gettext
    name = feed_name(build)
    latest = build.site.listed[: build.ua["UA_FEED_SIZE"]]
    title = _("%(name)s : les actions", name=name)
    description = _("Les dernières actions urgentes, avec de quoi agir.")
    return (
        atom(build, urls.ACTIONS_ATOM, title, latest, content_of, f"{build.absolute_url}/"),
        rss(build, urls.ACTIONS_RSS, title, description, latest, content_of),
        Output(
            urls.ACTIONS_JSON,
            render=lambda: json_feed(build, latest, content_of),
            key=actions_key(latest, build.build_date, name),
        ),
    )


def email_feed(build: Build) -> Output:
    """The email edition of each action sent now, for the email services'
    "RSS to email" campaigns (docs/guide-redaction.md): each item's
    description is the email's HTML, without greeting nor footer."""
    _ = build.gettext
    name = feed_name(build)
    mailed = with_email(build)[: build.ua["UA_FEED_SIZE"]]
    return rss(
        build,
        urls.EMAIL_RSS,
        _("%(name)s : l'édition courriel", name=name),
        _("Chaque action urgente, prête à envoyer par courriel."),
        mailed,
        lambda action: feed_html(build, action),
        "courriel",
    )


def good_news_feed(build: Build) -> Output:
    """The good news in Atom, each entry showing the outcome only."""
    good = build.site.good_news[: build.ua["UA_FEED_SIZE"]]

    def outcome_of(action) -> str:
        return build.render("feed-entry", action=action, absolute=build.absolute_url, outcome_only=True)

    title = build.gettext("%(name)s : les bonnes nouvelles", name=feed_name(build))
    link = f"{build.absolute_url}/{build.ua['UA_URLS']['good_news']}"
    return atom(build, urls.GOOD_NEWS_ATOM, title, good, outcome_of, link, own_content=False)


def group_feeds(build: Build, content_of):
    """One Atom feed per country and per theme (the lists' feeds)."""
    site, size, addresses, base = build.site, build.ua["UA_FEED_SIZE"], build.ua["UA_URLS"], build.absolute_url
    name = feed_name(build)
    for code, actions in by_country(site.listed).items():
        title = build.gettext("%(name)s : %(list)s", name=name, list=actions[0].country_name)
        link = f"{base}/{urls.country_list(addresses['countries'], code)}"
        yield atom(build, urls.country_feed(code), title, actions[:size], content_of, link)
    for key, actions in by_theme(site.listed).items():
        title = build.gettext("%(name)s : %(list)s", name=name, list=site.themes[key])
        link = f"{base}/{urls.theme_list(addresses['themes'], key)}"
        yield atom(build, urls.theme_feed(key), title, actions[:size], content_of, link)


def deadlines_feed(build: Build) -> Output:
    """The calendar of the open actions' deadlines."""
    _ = build.gettext
    events = _deadline_events(build)
    words = {
        "name": _("Actions urgentes : dates limites"),
        "summary": _("Date limite : %(title)s", title="{title}"),
        "act": _("Agir : %(url)s", url="{url}"),
        "alarm": _("Plus que deux jours pour agir : %(title)s", title="{title}"),
    }
    return Output(
        urls.DEADLINES_ICS,
        maker=CALENDAR,
        plan=lambda: deadlines_calendar(events, words, build.ua["UA_LANGUAGE"]),
        # What the events show, nothing else: editing an action's text leaves it as it is.
        key=fingerprint("deadlines", events, words),
    )


def outputs(build: Build):
    content_of = entry_html(build)
    atom_latest, rss_latest, json_latest = latest_feeds(build, content_of)
    yield atom_latest
    yield rss_latest
    yield email_feed(build)
    yield good_news_feed(build)
    yield from group_feeds(build, content_of)
    yield json_latest
    yield deadlines_feed(build)


def json_feed(build: Build, actions, content_of) -> str:
    """The JSON Feed 1.1 of ``actions``; a French one with French typography
    (U+202F, as the Atom feeds: ``render/makers.py`` gives theirs)."""
    base, language = build.absolute_url, build.ua["UA_LANGUAGE"]
    name = feed_name(build)
    french = language.startswith("fr")

    def text(value: str) -> str:
        return french_spacing(value) if french else value

    items = []
    for action in actions:
        front = action.front
        item = {
            "id": entry_id(build, action),
            "url": entry_id(build, action),
            "title": text(front.title),
            "summary": text(front.summary),
            "content_html": french_spacing_html(content_of(action), language) if french else content_of(action),
            "date_published": _moment(front.date).isoformat(),
            "date_modified": _moment(action.last_updated).isoformat(),
            "language": build.ua["UA_LANGUAGE"],
            "tags": [action.country_name, *(build.site.themes[k] for k in front.themes)],
            "_urgent_action": {
                "case": front.case,
                "update": front.update,
                "state": front.state,
                "country": front.country,
                "deadline": front.deadline.isoformat() if front.deadline else None,
            },
        }
        copy = photos.edition_copy(build, action)
        if copy is not None:
            item["image"] = f"{base}/{copy.save_as}"
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": text(build.gettext("%(name)s : les actions", name=name)),
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/{urls.ACTIONS_JSON}",
        "description": text(build.gettext("Les dernières actions urgentes, avec de quoi agir.")),
        "language": build.ua["UA_LANGUAGE"],
        "authors": [{"name": build.ua["UA_ORGANISATION"]["name"]}],
        "items": items,
    }
    # ensure_ascii=False keeps the text readable; "</" is escaped so the JSON
    # can never close a <script> element if someone embeds it.
    return json.dumps(feed, ensure_ascii=False, indent=1).replace("</", "<\\/") + "\n"


def open_with_deadline(site) -> list:
    """The actions of the calendar: open (in their front matter) with a deadline, soonest first."""
    return sorted(
        (a for a in site.listed if a.front.state == "open" and a.front.deadline),
        key=lambda a: (a.front.deadline, a.slug),
    )


def _deadline_events(build: Build) -> list[tuple]:
    """Every value the calendar shows, one tuple per event (its key is made of them)."""
    host = urlsplit(build.absolute_url).hostname or "localhost"
    events = []
    for action in open_with_deadline(build.site):
        front = action.front
        case = build.site.case_of(action).part
        events.append(
            (f"deadline-ua-{case}-{front.update}@{host}", front.date, front.deadline, front.title, front.summary,
             entry_id(build, action))
        )  # fmt: skip
    return events


def deadlines_calendar(events: list[tuple], words: dict[str, str], language: str = "") -> CalendarPlan:
    """The calendar of ``events`` (:func:`_deadline_events`), in ``words`` (translated:
    the calendar's name, and the event's summary, link and alarm with ``{title}``/``{url}``);
    French typography (U+00A0: calendars show plain text) when ``language`` is French."""

    def say(text: str) -> str:
        return french_spacing(text, NBSP) if language.startswith("fr") else text

    return CalendarPlan(
        product="-//Actions urgentes//Dates limites//FR",
        name=say(words["name"]),
        timezone="Europe/Brussels",
        events=tuple(
            CalendarEvent(
                uid=uid,
                stamp=_moment(published),
                day=deadline,
                summary=say(words["summary"].replace("{title}", title)),
                description=say(summary + "\n\n" + words["act"].replace("{url}", url)),
                url=url,
                alarm=say(words["alarm"].replace("{title}", title)),
            )
            for uid, published, deadline, title, summary, url in events
        ),
    )
