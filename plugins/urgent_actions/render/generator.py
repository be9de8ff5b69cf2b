"""The Pelican generator of urgent actions: collect, then write.

``generate_context`` reads and validates every content file (raising
ContentError with all the problems) and asks the providers of the pages search
indexes which files they make; ``generate_output`` renders every output and
indexes the action pages with Pagefind.

The generator is given the build's run (``ActionsGenerator.for_run``), which
holds the build's settings and date, gives the reader, and writes the outputs:
an incremental run reads through its cache and writes what changed while
Pagefind runs beside it, a plain one reads and renders everything. The
generator never looks inside the run; it calls its methods and gives it its
outputs.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from contextlib import contextmanager

import jinja2
from pelican.generators import Generator
from pelican.log import FatalLogger

from .. import urls
from ..content.errors import ContentError
from ..content.loading import load_site
from ..site import (
    archive,
    cms,
    editions,
    email,
    feeds,
    pages,
    photos,
    post,
    redirects,
    search,
    shortlinks,
    signup,
    sitemap,
    sms,
)
from ..site.keys import actions_key
from . import makers, summary
from .build import GeneratorBuild
from .files import write_file
from .markdown_renderer import MarkdownRenderer

logger = logging.getLogger(__name__)

# Modules that contribute outputs: each has ``outputs(build) -> iterable of Output``.
OUTPUT_PROVIDERS = [
    pages,
    photos,
    archive,
    search,
    signup,
    feeds,
    redirects,
    shortlinks,
    email,
    post,
    sms,
    editions,
    cms,
    sitemap,
]
# Providers whose pages read every action or every plan (the editors' page of
# editions, the sitemap): a render worker rendering one would copy the memory of
# the whole site; the build process renders them once the workers are done.
WIDE_PROVIDERS = (editions, sitemap)
# Planned in ``generate_context``: the action pages (what search indexes) and
# the search plan. Their keys are plain strings (no key made of every output).
EARLY_PROVIDERS = (pages, search)


@contextmanager
def long_lived_objects():
    """Make the objects that live for the whole build without the cycle collector, then freeze them.

    Loading the caches and the site makes hundreds of thousands of containers
    (validated front matter, output plans); each collection on the way scans
    all of them again, and so would every collection while pages render. They
    live until the build ends, so they are made with collection paused and
    then moved out of its reach (``gc.freeze``). At 10,000 actions this is
    about a seventh of a rebuild after one edit. ``unfreeze_objects`` gives
    them back to the collector at the next run's start (``pelican --autoreload``).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def unfreeze_objects() -> None:
    """Let the collector see what a previous run froze (``long_lived_objects``)."""
    gc.unfreeze()


def problems_after_reading(build, log_advice: bool = True) -> list:
    """Rules that depend on the settings as well as on a file (the short link an
    SMS alert carries), and the warnings (postal deadline, long letters), which
    are errors under ``--fatal warnings``: else they are logged (unless not
    ``log_advice``: the build that follows a preview logs them), and returned not."""
    errors = sms.problems(build)
    advice = post.deadline_problems(build) + pages.long_letter_problems(build)
    if FatalLogger.fatal_lvl <= logging.WARNING:
        return errors + advice
    if log_advice:
        for problem in advice:
            logger.warning("%s", problem)
    return errors


class ActionsGenerator(Generator):
    """Reads content/actions, content/authorities and content/themes.yml."""

    run = None  # the build's run (for_run): its settings, its reader, its writing

    @classmethod
    def for_run(cls, run) -> type[ActionsGenerator]:
        """This generator class, bound to ``run`` (Pelican instantiates it)."""
        return type(cls.__name__, (cls,), {"run": run, "__module__": cls.__module__})

    def generate_context(self):
        self.ua = self.run.ua
        self.build_date = self.run.build_date
        self.outputs = []
        self._planned: dict = {}
        self._whole_site: str | None = None
        if self.run.nothing_to_do and not self.run.needs_site():
            return  # the published output is already this build's
        with long_lived_objects():
            self._collect()

    def _collect(self):
        started = time.perf_counter()
        reader = self.run.reader(self.path, self.theme)
        try:
            self.site = load_site(self.path, MarkdownRenderer(), self.ua["UA_LANGUAGE"], reader)
        except ContentError as error:
            if error.partial is None:
                raise
            # Every problem in one list: those of the files that could be read too.
            partial = GeneratorBuild(error.partial, self.build_date, self.ua, self.settings, self)
            raise ContentError(error.problems + problems_after_reading(partial)) from None
        read_seconds = time.perf_counter() - started
        self.context.update(site=self.site, build_date=self.build_date, actions=self.site.actions)
        self.build = GeneratorBuild(self.site, self.build_date, self.ua, self.settings, self)
        self.context["build"] = self.build
        problems = problems_after_reading(self.build)
        if problems:
            raise ContentError(problems)
        self.run.site_read(self)
        self._plan(EARLY_PROVIDERS)
        logger.info(
            "Read %d actions (%d drafts), %d authorities, %d themes in %.1f s",
            len(self.site.actions),
            len(self.site.drafts),
            len(self.site.authorities),
            len(self.site.themes),
            read_seconds,
        )

    def _plan(self, providers) -> list:
        """Ask ``providers`` for their outputs and give those their keys; return them.

        ``self.outputs`` keeps the order of ``OUTPUT_PROVIDERS`` whatever the
        order of planning. A key made of every output (a callable) is made once
        the last providers are planned.
        """
        for provider in providers:
            self._planned[provider] = list(provider.outputs(self.build))
        self.outputs = [o for provider in OUTPUT_PROVIDERS for o in self._planned.get(provider, ())]
        planned = [o for provider in providers for o in self._planned[provider]]
        complete = len(self._planned) == len(OUTPUT_PROVIDERS)
        for output in planned if not complete else self.outputs:
            if output.key is None:
                # A page that names no narrower key depends, at most, on every action
                # and on the build date (lists, feeds, sitemap, home): one key for all.
                output.key = self._whole_site_key()
            elif callable(output.key):
                if not complete:
                    raise RuntimeError(f"{output.save_as}: a key made of every output cannot be planned early")
                output.key = output.key()
        return planned

    def _plan_rest(self) -> list:
        """Plan the outputs of the providers not planned yet; return them."""
        with long_lived_objects():
            return self._plan([p for p in OUTPUT_PROVIDERS if p not in self._planned])

    def wide_outputs(self) -> set[str]:
        """The pages of :data:`WIDE_PROVIDERS` planned so far (their ``save_as``)."""
        return {output.save_as for provider in WIDE_PROVIDERS for output in self._planned.get(provider, ())}

    def _whole_site_key(self) -> str:
        if self._whole_site is None:
            self._whole_site = actions_key(self.site.actions, self.build_date, self.build_date.isoformat())
        return self._whole_site

    def load_templates(self) -> None:
        """Load (compile) every template of the theme now: workers forked afterwards use
        these instead of each compiling the ones it renders. One that does not compile
        is left to the page that uses it, which fails as it would have."""
        folder = os.path.join(self.theme, "templates")
        for parent, _dirs, names in os.walk(folder):
            for name in names:
                try:
                    self.env.get_template(os.path.relpath(os.path.join(parent, name), folder).replace(os.sep, "/"))
                except jinja2.TemplateError:
                    continue

    def render_output(self, output, in_worker: bool = False) -> None:
        """Render one output and write it into the output directory."""
        data = makers.make(
            output, lambda name, context: self.get_template(name).render({**self.context, **context, "output": output})
        )
        payload = data.encode("utf-8") if isinstance(data, str) else data
        # Rendered again but the same bytes (an edit a page does not show): the
        # run keeps the published file. Forked workers cannot tell the run.
        if not in_worker and self.run.keep_if_same(output.save_as, payload):
            return
        write_file(self.output_path, output.save_as, payload)

    def generate_output(self, writer):
        final = self.settings.get("OUTPUT_PATH") or self.output_path
        if self.run.nothing_to_do or not self._planned:
            # Nothing to do: the published output is this build's.
            summary.replace_pelican_summary(f"nothing changed since the last build: {final}/ is kept as published")
            return
        shards = self.build.search_shards if self.ua["UA_SEARCH"] else []
        self.run.write(self, list(self.outputs), self._plan_rest, shards)
        summary.replace_pelican_summary(self.summary_line(final))

    def summary_line(self, final: str) -> str:
        """What this build made, for its last line (instead of Pelican's zero counts)."""
        action_pages = {action.save_as for action in self.site.actions}
        # Pelican's own pages (content/pages/) are in the shared context.
        pelican_pages = [page.save_as for page in self.context.get("pages", ()) if getattr(page, "save_as", "")]
        files = [output.save_as for output in self.outputs] + pelican_pages
        feeds = sum(1 for name in files if name.startswith(urls.FEEDS))
        pages = sum(
            1
            for name in files
            if name.endswith(".html") and name not in action_pages and not name.startswith(urls.FEEDS)
        )
        changed = self.run.changed_among(files)
        return summary.describe(
            actions=len(action_pages),
            drafts=len(self.site.drafts),
            pages=pages,
            feeds=feeds,
            others=len(files) - len(action_pages) - pages - feeds,
            changed=changed,
            output=os.path.relpath(final) if not os.path.relpath(final).startswith("..") else final,
        )
