"""The bytes of each kind of output (``Output.maker``): the site plans, these make.

One function per kind: HTML from a template, an email's HTML (css-inline),
a PDF (WeasyPrint), an Atom or RSS feed (feedgenerator), a calendar
(icalendar), a photo's copy or a share card (Pillow, ``images.py``, ``cards.py``). The
heavy libraries are imported only when a file of their kind is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..content.typography import NBSP, NNBSP, french_spacing, french_spacing_html
from ..site.outputs import CALENDAR, CARD, EMAIL, FEED, HTML, IMAGE, PDF, TEXT, CalendarPlan, FeedPlan, Output, PdfPlan
from . import images


def inline_css(html: str) -> str:
    """``html`` with its ``<style>`` moved into ``style`` attributes (mail clients drop ``<style>``)."""
    import css_inline

    return css_inline.inline(html, keep_style_tags=False, load_remote_stylesheets=False)


def email(html: str) -> str:
    """An email's HTML: French typography with U+00A0 (mail clients' fonts may
    lack the narrow no-break space), then its style sheet inlined."""
    return inline_css(french_spacing_html(html, space=NBSP))


def pdf(html: str, plan: PdfPlan) -> bytes:
    """``html`` printed to PDF by WeasyPrint, with Pango's fonts embedded."""
    from weasyprint import HTML as Document

    # No creation date: two builds of the same selection give the same bytes.
    return Document(string=html).write_pdf(pdf_identifier=plan.identifier, pdf_variant=None)


def feed(plan: FeedPlan) -> bytes:
    """An Atom or RSS 2.0 feed.

    Atom entries have a plain summary and the full HTML content; RSS items the
    full HTML as description, which is what RSS-to-email tools send. A French
    feed gets French typography in every text: with U+202F in Atom (read in
    feed readers, as a page), U+00A0 in RSS (sent as email).
    """
    import feedgenerator

    rss = plan.format == "rss"
    text, html = _feed_typography(plan.language, NBSP if rss else NNBSP)
    cls = feedgenerator.Rss201rev2Feed if rss else feedgenerator.Atom1Feed
    document = cls(
        title=text(plan.title),
        link=plan.link,
        description=text(plan.description),
        language=plan.language,
        feed_url=plan.feed_url,
        author_name=plan.author,
        feed_guid=plan.feed_url,
    )
    for entry in plan.entries:
        document.add_item(
            title=text(entry.title),
            link=entry.link,
            description=html(entry.content) if rss else text(entry.summary),
            content=None if rss else html(entry.content),
            unique_id=entry.link,
            unique_id_is_permalink=True,
            pubdate=entry.published,
            updateddate=entry.updated,
            categories=[text(category) for category in entry.categories],
            author_name=plan.author,
        )
    document.latest_post_date = lambda: plan.updated
    return document.writeString("utf-8").encode("utf-8")


def _feed_typography(language: str, space: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """French typography for a feed's plain text and its HTML (nothing in another language)."""
    if not language.startswith("fr"):
        return (lambda text: text), (lambda html: html)
    return (lambda text: french_spacing(text, space)), (lambda html: french_spacing_html(html, language, space))


def calendar(plan: CalendarPlan) -> bytes:
    """An iCalendar file of all-day events, each with its alarm."""
    from icalendar import Alarm, Calendar, Event

    document = Calendar()
    document.add("prodid", plan.product)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    document.add("x-wr-calname", plan.name)
    document.add("x-wr-timezone", plan.timezone)
    for item in plan.events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.alarm)
        alarm.add("trigger", dt.timedelta(days=-2))
        event.add_component(alarm)
        document.add_component(event)
    return document.to_ical()


def _resolved(value):
    return value() if callable(value) else value


def make(output: Output, render_template: Callable[[str, dict], str]) -> str | bytes:
    """The content of ``output``, made by its kind; ``render_template(name, context)``
    renders one of the theme's templates with the site's context."""
    if output.maker == TEXT:
        text = output.render()
        # An HTML file written without a template (a redirect page) gets the same typography.
        return french_spacing_html(text) if output.save_as.endswith(".html") else text
    if output.maker == FEED:
        return feed(_resolved(output.plan))
    if output.maker == CALENDAR:
        return calendar(_resolved(output.plan))
    if output.maker == IMAGE:
        return images.encode(output.plan)
    if output.maker == CARD:
        from . import cards  # its palette and fonts: for the cards a build draws (none after most edits)

        return cards.draw_card(output.plan)
    html = render_template(output.template, _resolved(output.context))
    # French typography, in one place for every HTML page, email and PDF.
    if output.maker == HTML:
        return french_spacing_html(html)
    if output.maker == EMAIL:
        return email(html)
    if output.maker == PDF:
        return pdf(french_spacing_html(html), _resolved(output.plan))
    raise ValueError(f"{output.save_as}: no maker for {output.maker!r}")
