"""The Pelican generator of urgent actions: collect, then write.

``generate_context`` reads and validates every content file (raising
ContentError with all the problems) and asks each output provider which files
exist; ``generate_output`` only renders and writes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pelican.generators import Generator

from . import archive, feeds, pages, redirects, search, signup, sitemap
from .content import SiteContent, load_site, today_in_brussels
from .markdown_renderer import MarkdownRenderer
from .outputs import write_file
from .settings import resolve

logger = logging.getLogger(__name__)

# Modules that contribute outputs: each has ``outputs(build) -> iterable of Output``.
OUTPUT_PROVIDERS = [pages, archive, search, signup, feeds, redirects, sitemap]


@dataclass
class Build:
    """What output providers need to know about this build."""

    site: SiteContent
    build_date: object  # datetime.date
    ua: dict
    settings: dict
    generator: Generator

    @property
    def siteurl(self) -> str:
        """The base of root-relative links ('' in development)."""
        return self.settings.get("SITEURL", "")

    @property
    def absolute_url(self) -> str:
        """The base of absolute URLs (feeds, sitemap, metadata), without a trailing slash."""
        return (self.settings.get("SITEURL") or self.ua["UA_DEV_SITEURL"]).rstrip("/")

    def render(self, template: str, **context) -> str:
        """Render one of the theme's templates with the site's context."""
        return self.generator.get_template(template).render({**self.generator.context, **context})


class ActionsGenerator(Generator):
    """Reads content/actions, content/authorities and content/themes.yml."""

    def generate_context(self):
        self.ua = resolve(self.settings)
        self.build_date = today_in_brussels()
        self.site = load_site(self.path, MarkdownRenderer(), self.ua["UA_LANGUAGE"])
        self.context.update(site=self.site, build_date=self.build_date, actions=self.site.actions)
        build = Build(self.site, self.build_date, self.ua, self.settings, self)
        self.context["build"] = build
        self.outputs = [output for provider in OUTPUT_PROVIDERS for output in provider.outputs(build)]
        logger.info(
            "Read %d actions (%d drafts), %d authorities, %d themes; %d files to write",
            len(self.site.actions),
            len(self.site.drafts),
            len(self.site.authorities),
            len(self.site.themes),
            len(self.outputs),
        )

    def generate_output(self, writer):
        for output in self.outputs:
            if output.render is not None:
                data = output.render()
            else:
                template = self.get_template(output.template)
                data = template.render({**self.context, **output.context, "output": output})
            write_file(self.output_path, output.save_as, data)
