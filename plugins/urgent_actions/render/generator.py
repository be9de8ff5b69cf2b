"""The Pelican generator of urgent actions: collect, then write.

``generate_context`` reads and validates every content file (raising
ContentError with all the problems) and asks the providers of the pages search
indexes which files they make; ``generate_output`` renders those, starts
Pagefind on them, and only then asks the other providers for their files
(Pagefind indexes meanwhile), renders and writes them.
"""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from pelican.generators import Generator

from ..content.loading import SiteContent, load_site, today_in_brussels
from ..settings import resolve
from ..site import archive, cms, feeds, pages, redirects, signup, sitemap
from ..site.outputs import write_file
from ..speed import incremental, indexing
from ..speed.parallel import render_all
from .markdown_renderer import MarkdownRenderer

logger = logging.getLogger(__name__)

# Modules that contribute outputs: each has ``outputs(build) -> iterable of Output``.
OUTPUT_PROVIDERS = [pages, archive, indexing, signup, feeds, redirects, cms, sitemap]
# Planned in ``generate_context``: the action pages (what search indexes) and
# the search plan. Their keys are plain strings (no key made of every output).
EARLY_PROVIDERS = (pages, indexing)


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


class ActionsGenerator(Generator):
    """Reads content/actions, content/authorities and content/themes.yml."""

    def generate_context(self):
        self.ua = resolve(self.settings)
        self.build_date = today_in_brussels()
        self.cache = None
        self.outputs = []
        self._planned: dict = {}
        self._whole_site: str | None = None
        if incremental.nothing_to_do():
            return  # the published output is already this build's (incremental.start_run)
        with long_lived_objects():
            self._collect()

    def _collect(self):
        final_output = incremental.final_output()
        if self.ua["UA_INCREMENTAL"] and final_output:
            self.cache = incremental.BuildCache.for_run(
                self.settings, self.ua, self.path, self.theme, final_output
            )
        started = time.perf_counter()
        self.site = load_site(
            self.path,
            MarkdownRenderer(),
            self.ua["UA_LANGUAGE"],
            self.cache,
            self.ua["UA_PARALLEL_MIN_FILES"],
        )
        read_seconds = time.perf_counter() - started
        self.context.update(site=self.site, build_date=self.build_date, actions=self.site.actions)
        self.build = Build(self.site, self.build_date, self.ua, self.settings, self)
        self.context["build"] = self.build
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

    def _whole_site_key(self) -> str:
        if self._whole_site is None:
            self._whole_site = incremental.actions_key(self.site.actions, self.build_date, self.build_date.isoformat())
        return self._whole_site

    def render_output(self, output, in_worker: bool = False) -> None:
        if output.render is not None:
            data = output.render()
        else:
            template = self.get_template(output.template)
            context = output.context() if callable(output.context) else output.context
            data = template.render({**self.context, **context, "output": output})
        payload = data.encode("utf-8") if isinstance(data, str) else data
        # Rendered again but the same bytes (an edit a page does not show):
        # the published file is kept. Forked workers cannot tell the cache.
        if not in_worker and self.cache is not None and self.cache.keep_if_same(output.save_as, payload, self.output_path):
            return
        write_file(self.output_path, output.save_as, payload)

    def generate_output(self, writer):
        if not self._planned:
            return  # nothing to do (the published output is this build's)
        cache = self.cache
        started = time.perf_counter()
        parallel_from = self.ua["UA_PARALLEL_MIN_FILES"] if self.ua["UA_PARALLEL_RENDER"] else None
        early, failed = self.outputs, []
        if self.ua["UA_SEARCH"]:
            # The pages search indexes first; Pagefind then runs beside the
            # rest of the build (the other outputs planned, lists, feeds, the
            # theme's files) until ``finalized`` waits for it (indexing.finish).
            indexed = indexing.indexed_pages()
            first = [o for o in early if o.save_as in indexed]
            unchanged = []
            if cache is not None:
                first, unchanged = cache.sort_out(first)
            render_all(self, first, parallel_from)

            def gather(pages: set[str]) -> None:
                # Pagefind reads the shards to index: their unchanged pages are linked
                # now, the others' once it has started.
                nonlocal unchanged
                now = [job for job in unchanged if job[0].save_as in pages]
                unchanged = [job for job in unchanged if job[0].save_as not in pages]
                render_all(self, cache.link(now, self.output_path), parallel_from)

            indexing.start(
                self.output_path,
                previous=incremental.final_output() if cache is not None else None,
                language=self.ua["UA_LANGUAGE"],
                page_keys=cache.content_keys() if cache is not None else None,
                recorded=cache.old_search if cache is not None else None,
                jobs=self.ua["UA_SEARCH_JOBS"],
                renovation=cache.renovation if cache is not None else None,
                gather=gather if cache is not None else None,
                published_as_recorded=cache.published_as_recorded if cache is not None else None,
            )
            early = [o for o in early if o.save_as not in indexed]
            if unchanged:
                failed = cache.link(unchanged, self.output_path)
        with long_lived_objects():
            rest = early + self._plan([p for p in OUTPUT_PROVIDERS if p not in self._planned])
        render_all(self, failed + (rest if cache is None else cache.reuse_all(rest, self.output_path)), parallel_from)
        logger.info("Wrote %d files in %.1f s", len(self.outputs), time.perf_counter() - started)
        if cache is not None:
            logger.info(
                "Incremental build: %d of %d actions read from the cache, %d pages kept, %d rendered "
                "(%d of them the same bytes as published: kept too)",
                cache.read_hits,
                len(self.site.actions) + len(self.site.drafts),
                cache.reused,
                len(self.outputs) - cache.reused,
                cache.same_bytes,
            )
            # Saved once the new output is published (``finalized``).
            incremental.set_current(cache)
