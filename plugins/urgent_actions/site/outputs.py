"""What the build writes: a list of outputs, each a path and the plan of its bytes.

Collecting outputs (deciding which pages exist) is separate from rendering
them, so that the generator can skip the ones whose inputs did not change and
the tests can look at the plan without writing anything. A plan is data: the
site says *what* a file holds (a template and its context, a feed's entries,
a calendar's events); ``render/`` makes the bytes, one maker per kind
(:mod:`urgent_actions.render.makers`): Jinja, css-inline, WeasyPrint,
feedgenerator and icalendar are the renderer's business, never the site's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

# How an output's bytes are made (``Output.maker``).
HTML = "html"  # ``template`` rendered with ``context``
EMAIL = "email"  # the same, then the style sheet inlined into ``style`` attributes (mail clients)
PDF = "pdf"  # the same, then printed to PDF (``plan``: a PdfPlan)
FEED = "feed"  # an Atom or RSS feed (``plan``: a FeedPlan)
CALENDAR = "calendar"  # an iCalendar file (``plan``: a CalendarPlan)
TEXT = "text"  # ``render()``: text or bytes the site writes itself (CSV, JSON, robots.txt, copies)
IMAGE = "image"  # a copy of a photo, resized, without metadata (``plan``: an ImagePlan)
CARD = "card"  # a share card drawn from an action's text (``plan``: a CardPlan)


@dataclass
class Output:
    """One file of the site.

    ``maker`` says how its bytes are made (:data:`HTML`, :data:`EMAIL`, :data:`PDF`
    from ``template`` and ``context``; :data:`FEED`, :data:`CALENDAR` from
    ``plan``; :data:`TEXT` from ``render``). It defaults to :data:`TEXT` when
    ``render`` is given, :data:`HTML` otherwise.

    ``key``, when given, is a digest of every input the file's bytes depend on
    besides the site-wide ones (theme, settings, plugin code, non-action
    content), e.g. ``keys.actions_key([action], build_date)`` (:mod:`urgent_actions.site.keys`).
    With a key, an incremental build reuses the published file when the key did
    not change; without one, the file is always rendered. ``context`` and
    ``plan`` may also be functions returning them, called only if the file is
    rendered (costly data a reused page does not need). ``key`` may be a
    function too, called once every output of the build is known (a page that
    lists them).

    ``in_sitemap`` says whether the sitemap lists the page: by default the
    HTML pages are listed, and nothing else.
    """

    save_as: str
    template: str | None = None
    context: dict | Callable[[], dict] = field(default_factory=dict)
    render: Callable[[], str | bytes] | None = None
    key: str | Callable[[], str] | None = None
    maker: str | None = None
    plan: object = None
    in_sitemap: bool | None = None

    def __post_init__(self):
        if self.maker is None:
            self.maker = TEXT if self.render is not None else HTML
        if self.in_sitemap is None:
            self.in_sitemap = self.maker == HTML


@dataclass(frozen=True)
class PdfPlan:
    """How a PDF is printed: ``identifier`` is its fixed ID (no date: same input, same bytes)."""

    identifier: bytes


@dataclass(frozen=True)
class ImagePlan:
    """A copy of a photo: ``crop`` (left, top, right, bottom, fractions of the upright
    photo) then resized to ``width`` × ``height``, encoded as ``format`` ("webp" or
    "jpeg") at ``quality``, or lower until it weighs at most ``max_bytes``."""

    source: str  # the photo's path
    width: int
    height: int
    format: str
    quality: int
    max_bytes: int
    crop: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True)
class CardPlan:
    """A share card without a photo (1200 × 630 JPEG): the action's text in the site's style."""

    site_name: str
    kicker: str  # the case and the country
    title: str
    people: str
    deadline: str  # a sentence, or ""
    max_bytes: int


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: an action, with absolute links."""

    title: str
    link: str
    summary: str
    content: str  # the entry's full HTML
    published: dt.datetime
    updated: dt.datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class FeedPlan:
    """An Atom (``format="atom"``) or RSS 2.0 (``"rss"``) feed."""

    format: str
    title: str
    link: str
    feed_url: str
    description: str
    language: str
    author: str
    updated: dt.datetime  # the latest entry's change (never the clock)
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event with an alarm two days before."""

    uid: str
    stamp: dt.datetime
    day: dt.date
    summary: str
    description: str
    url: str
    alarm: str


@dataclass(frozen=True)
class CalendarPlan:
    """An iCalendar file."""

    product: str
    name: str
    timezone: str
    events: tuple[CalendarEvent, ...]
