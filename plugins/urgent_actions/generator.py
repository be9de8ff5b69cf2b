"""The Pelican generator of urgent actions: collect, then write.

``generate_context`` reads and validates every content file (raising
ContentError with all the problems) and decides which pages exist;
``generate_output`` only renders and writes them.
"""

from __future__ import annotations

import logging
import os

from pelican.generators import Generator

from . import pages, signup
from .content import load_site, today_in_brussels
from .markdown_renderer import MarkdownRenderer
from .outputs import write_file
from .settings import resolve

logger = logging.getLogger(__name__)

# Modules that contribute outputs: each has ``outputs(site, build_date, ua)``.
OUTPUT_PROVIDERS = [pages, signup]


class ActionsGenerator(Generator):
    """Reads content/actions, content/authorities and content/themes.yml."""

    def generate_context(self):
        self.ua = resolve(self.settings)
        self.build_date = today_in_brussels()
        self.site = load_site(self.path, MarkdownRenderer())
        self.context.update(
            site=self.site,
            build_date=self.build_date,
            actions=self.site.actions,
        )
        self.outputs = [
            output
            for provider in OUTPUT_PROVIDERS
            for output in provider.outputs(self.site, self.build_date, self.ua)
        ]
        logger.info(
            "Read %d actions (%d drafts), %d authorities, %d themes",
            len(self.site.actions),
            len(self.site.drafts),
            len(self.site.authorities),
            len(self.site.themes),
        )

    def generate_output(self, writer):
        for output in self.outputs:
            if output.render is not None:
                data = output.render()
            else:
                template = self.get_template(output.template)
                data = template.render({**self.context, **output.context, "output": output})
            write_file(self.output_path, output.save_as, data)
