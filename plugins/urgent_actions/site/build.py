"""What a plan may ask of the build: the boundary between ``site/`` and ``render/``.

Every ``outputs(build)`` in ``site/`` receives a :class:`Build`. It names
exactly what plans may use: the content, the date, the settings, two paths,
the site's addresses, the interface text's translations, the few values every
edition shares, and (kept minimal) rendered text that a plan's *data* holds,
such as a feed entry's HTML. The renderer implements it
(:class:`urgent_actions.render.build.GeneratorBuild`); a reader of ``site/``
never needs to open ``render/`` to know what it may call.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..content.loading import SiteContent
    from .outputs import Output


class Build(Protocol):
    """One build, as the site's plans see it."""

    @property
    def site(self) -> SiteContent:
        """The content read and validated: actions, authorities, themes."""

    @property
    def build_date(self) -> dt.date:
        """The day the site is built for (Brussels time): states and deadlines depend on it."""

    @property
    def ua(self) -> dict:
        """The plugin's settings, resolved over their defaults (``settings.resolve``)."""

    @property
    def settings(self) -> dict:
        """Pelican's settings (``SITENAME``, ``SITEURL``…)."""

    @property
    def content_root(self) -> str:
        """The content directory: action images are relative to it."""

    @property
    def siteurl(self) -> str:
        """The base of root-relative links ('' in development)."""

    @property
    def absolute_url(self) -> str:
        """The base of absolute URLs (feeds, sitemap, metadata), without a trailing slash."""

    @property
    def open_now(self) -> tuple:
        """The listed actions open now, which the editions are made for (memoised)."""

    @property
    def search_shards(self) -> list:
        """The shards of the search index, ``search.Shard`` objects (memoised)."""

    def ways(self, action) -> list:
        """Every way to act on each target of an open ``action`` (``act.ways_for``, postage
        from ``UA_HOME_COUNTRY``), made once per action: its page, its printable letters,
        the long-letter warning and the editions share them (memoised)."""

    def outputs(self) -> list[Output]:
        """Every output of the build, once all are planned (what the sitemap lists)."""

    def render(self, template: str, **context) -> str:
        """A theme template rendered with the site's context: text a plan's data holds
        (a feed entry's HTML); a page itself is rendered by ``render/`` from its plan."""

    def render_email(self, template: str, **context) -> str:
        """Like :meth:`render`, with the style sheet moved into ``style`` attributes
        (the email's HTML that the email feed carries)."""

    def photo_bytes(self, plan) -> bytes:
        """The bytes of a photo's copy (an ``outputs.ImagePlan``), for a file that embeds
        it (the postal PDF) rather than links to it."""

    def gettext(self, message: str, **variables) -> str:
        """``message`` in the build's language, its ``%(name)s`` placeholders filled."""

    def ngettext(self, singular: str, plural: str, n: int, **variables) -> str:
        """The singular or plural form for ``n``; ``%(num)s`` is ``n`` unless given."""
