"""The build as the site's plans see it (:class:`urgent_actions.site.build.Build`), made by the generator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from ..content.loading import SiteContent
from ..site import act, search, sending
from . import i18n, images, makers


@dataclass
class GeneratorBuild:
    """:class:`urgent_actions.site.build.Build`, backed by the Pelican generator."""

    site: SiteContent
    build_date: dt.date
    ua: dict
    settings: dict
    generator: object  # the ActionsGenerator: its templates, context, paths and outputs
    _ways: dict = field(default_factory=dict, repr=False)  # action -> its act.ways_for

    @property
    def content_root(self) -> str:
        """The content directory: action images are relative to it."""
        return self.generator.path

    @property
    def siteurl(self) -> str:
        """The base of root-relative links ('' in development)."""
        return self.settings.get("SITEURL", "")

    @property
    def absolute_url(self) -> str:
        """The base of absolute URLs (feeds, sitemap, metadata), without a trailing slash."""
        return (self.settings.get("SITEURL") or self.ua["UA_DEV_SITEURL"]).rstrip("/")

    @cached_property
    def open_now(self) -> tuple:
        """The listed actions open now, which the editions are made for
        (:func:`urgent_actions.site.sending.open_for_sending`); every edition asks."""
        return tuple(sending.open_for_sending(self))

    @cached_property
    def search_shards(self):
        """The shards of the search index (:func:`urgent_actions.site.search.plan_for`)."""
        return search.plan_for(self)

    def ways(self, action) -> list:
        """Every way to act on each target of ``action`` (:func:`urgent_actions.site.act.ways_for`),
        made once per action per build: the page, the printable letters, the long-letter
        warning and the editions ask for the same."""
        found = self._ways.get(action)
        if found is None:
            found = self._ways[action] = act.ways_for(action, self.ua["UA_HOME_COUNTRY"])
        return found

    def outputs(self) -> list:
        """Every output of the build (complete once the last providers are planned)."""
        return self.generator.outputs

    def render(self, template: str, **context) -> str:
        """Render one of the theme's templates with the site's context."""
        return self.generator.get_template(template).render({**self.generator.context, **context})

    def render_email(self, template: str, **context) -> str:
        """Render a template, then move its style sheet into ``style`` attributes."""
        return makers.email(self.render(template, **context))

    def photo_bytes(self, plan) -> bytes:
        """The bytes of a photo's copy (the postal PDF embeds them)."""
        return images.encode(plan)

    @cached_property
    def translations(self):
        """The interface text's catalogue in the build's language, as the templates have it."""
        return i18n.translations_for(self.generator.theme, self.ua["UA_LANGUAGE"])

    def gettext(self, message: str, **variables) -> str:
        """``message`` in the build's language, its ``%(name)s`` placeholders filled.

        New-style gettext, as in the templates: the message is always formatted,
        so the same msgid reads the same from a template and from Python.
        """
        return self.translations.gettext(message) % variables

    def ngettext(self, singular: str, plural: str, n: int, **variables) -> str:
        """The singular or plural form for ``n``; ``%(num)s`` is ``n`` unless given."""
        variables.setdefault("num", n)
        return self.translations.ngettext(singular, plural, n) % variables
