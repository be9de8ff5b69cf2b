"""Feeds from the same data as the pages, with absolute URLs.

- Atom and RSS 2.0 of the latest actions (each entry complete enough to act
  from a feed reader or an RSS-to-email tool), one Atom feed per country and
  per theme, the good news in Atom; written with feedgenerator.
- JSON Feed 1.1 of the latest actions.
- An iCalendar file with one all-day event per open action's deadline
  (stable UIDs), written with the icalendar library.

Every date comes from the content, never from the clock, so two builds of the
same sources are identical.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import feedgenerator

from .keys import actions_key, fingerprint
from .outputs import Output

UTC = dt.UTC


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=UTC)


def entry_id(build, action) -> str:
    return f"{build.absolute_url}/{action.url}"


def _feed(cls, build, *, title, link, feed_url, description, actions, content_of):
    feed = cls(
        title=title,
        link=link,
        description=description,
        language=build.ua["UA_LANGUAGE"],
        feed_url=feed_url,
        author_name=build.ua["UA_ORGANISATION"]["name"],
        feed_guid=feed_url,
    )
    for action in actions:
        url = entry_id(build, action)
        categories = [build.site.themes[key] for key in action.front.themes]
        html = content_of(action)
        feed.add_item(
            title=action.front.title,
            link=url,
            # Atom: a plain summary and the full HTML content; RSS: the full HTML
            # as description, which is what RSS-to-email tools send.
            description=html if cls is feedgenerator.Rss201rev2Feed else action.front.summary,
            content=html if cls is feedgenerator.Atom1Feed else None,
            unique_id=url,
            unique_id_is_permalink=True,
            pubdate=_moment(action.front.date),
            updateddate=_moment(action.last_updated),
            categories=[action.country_name, *categories],
            author_name=build.ua["UA_ORGANISATION"]["name"],
        )
    return feed


def _latest_update(actions, build) -> dt.datetime:
    dates = [a.last_updated for a in actions] or [dt.date(1973, 3, 19)]
    return _moment(max(dates))


def _write(feed, actions, build) -> bytes:
    feed.latest_post_date = lambda: _latest_update(actions, build)
    return feed.writeString("utf-8").encode("utf-8")


def outputs(build):
    site, ua = build.site, build.ua
    base = build.absolute_url
    size = ua["UA_FEED_SIZE"]
    name = ua["UA_ORGANISATION"]["short_name"] or build.settings.get("SITENAME", "")
    latest = site.listed[:size]

    # An action appears in several feeds (latest, its country, its themes):
    # its entry is rendered once.
    rendered: dict[str, str] = {}

    def content_of(action):
        if action.slug not in rendered:
            rendered[action.slug] = build.render("feed-entry", action=action, absolute=base)
        return rendered[action.slug]

    def good_news_of(action):
        return build.render("feed-entry", action=action, absolute=base, outcome_only=True)

    def atom(save_as, title, actions, content=content_of, link=f"{base}/"):
        # A feed is made of its entries only: its key is theirs (and its title).
        return Output(
            save_as,
            render=lambda: _write(
                _feed(
                    feedgenerator.Atom1Feed,
                    build,
                    title=title,
                    link=link,
                    feed_url=f"{base}/{save_as}",
                    description=title,
                    actions=actions,
                    content_of=content,
                ),
                actions,
                build,
            ),
            key=actions_key(actions, build.build_date, title, link, content is content_of),
        )

    def rss(save_as, title, description, actions, content, *key):
        return Output(
            save_as,
            render=lambda: _write(
                _feed(
                    feedgenerator.Rss201rev2Feed,
                    build,
                    title=title,
                    link=f"{base}/",
                    feed_url=f"{base}/{save_as}",
                    description=description,
                    actions=actions,
                    content_of=content,
                ),
                actions,
                build,
            ),
            key=actions_key(actions, build.build_date, name, *key),
        )

    _ = build.gettext
    actions_title = _("%(name)s : les actions", name=name)
    yield atom("feeds/actions.atom.xml", actions_title, latest)
    yield rss(
        "feeds/actions.rss.xml",
        actions_title,
        _("Les dernières actions urgentes, avec de quoi agir."),
        latest,
        content_of,
    )
    # The email edition of each action sent now, for the email services'
    # "RSS to email" campaigns (docs/guide-redaction.md): each item's
    # description is the email's HTML, without greeting nor footer.
    from .email import render_html
    from .sending import with_email

    mailed = with_email(build)[:size]
    yield rss(
        "feeds/courriel.rss.xml",
        _("%(name)s : l'édition courriel", name=name),
        _("Chaque action urgente, prête à envoyer par courriel."),
        mailed,
        lambda action: render_html(build, action, for_feed=True),
        "courriel",
    )
    good = site.good_news[:size]
    yield atom(
        "feeds/good-news.atom.xml",
        _("%(name)s : les bonnes nouvelles", name=name),
        good,
        good_news_of,
        link=f"{base}/{ua['UA_URLS']['good_news']}",
    )

    by_country: dict[str, list] = {}
    by_theme: dict[str, list] = {}
    for action in site.listed:
        by_country.setdefault(action.front.country, []).append(action)
        for theme in action.front.themes:
            by_theme.setdefault(theme, []).append(action)
    for code, actions in by_country.items():
        yield atom(
            f"feeds/pays/{code.lower()}.atom.xml",
            _("%(name)s : %(list)s", name=name, list=actions[0].country_name),
            actions[:size],
            link=f"{base}/{ua['UA_URLS']['countries']}{code.lower()}/",
        )
    for key, actions in by_theme.items():
        yield atom(
            f"feeds/themes/{key}.atom.xml",
            _("%(name)s : %(list)s", name=name, list=site.themes[key]),
            actions[:size],
            link=f"{base}/{ua['UA_URLS']['themes']}{key}/",
        )

    yield Output(
        "feeds/actions.json",
        render=lambda: json_feed(build, latest, content_of),
        key=actions_key(latest, build.build_date, name),
    )
    events = _deadline_events(build)
    words = {
        "name": _("Actions urgentes : dates limites"),
        "summary": _("Date limite : %(title)s", title="{title}"),
        "act": _("Agir : %(url)s", url="{url}"),
        "alarm": _("Plus que deux jours pour agir : %(title)s", title="{title}"),
    }
    yield Output(
        "feeds/deadlines.ics",
        render=lambda: deadlines_calendar(events, words),
        # What the events show, nothing else: editing an action's text leaves it as it is.
        key=fingerprint("deadlines", events, words),
    )


def json_feed(build, actions, content_of) -> str:
    base = build.absolute_url
    name = build.ua["UA_ORGANISATION"]["short_name"] or build.settings.get("SITENAME", "")
    items = []
    for action in actions:
        front = action.front
        item = {
            "id": entry_id(build, action),
            "url": entry_id(build, action),
            "title": front.title,
            "summary": front.summary,
            "content_html": content_of(action),
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
        if front.image:
            item["image"] = f"{base}/{front.image}"
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": build.gettext("%(name)s : les actions", name=name),
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/feeds/actions.json",
        "description": build.gettext("Les dernières actions urgentes, avec de quoi agir."),
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


def _deadline_events(build) -> list[tuple]:
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


def deadlines_calendar(events: list[tuple], words: dict[str, str]) -> bytes:
    """The calendar of ``events`` (:func:`_deadline_events`), in ``words`` (translated:
    the calendar's name, and the event's summary, link and alarm with ``{title}``/``{url}``)."""
    from icalendar import Alarm, Calendar, Event  # only when the calendar is rendered

    calendar = Calendar()
    calendar.add("prodid", "-//Actions urgentes//Dates limites//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", words["name"])
    calendar.add("x-wr-timezone", "Europe/Brussels")
    for uid, published, deadline, title, summary, url in events:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", _moment(published))
        event.add("dtstart", deadline)
        event.add("dtend", deadline + dt.timedelta(days=1))
        event.add("summary", words["summary"].replace("{title}", title))
        event.add("description", summary + "\n\n" + words["act"].replace("{url}", url))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", words["alarm"].replace("{title}", title))
        alarm.add("trigger", dt.timedelta(days=-2))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
