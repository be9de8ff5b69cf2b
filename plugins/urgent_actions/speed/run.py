"""One build's life, in the order it happens: :class:`BuildRun` (incremental) or :class:`PlainRun`.

The plugin's entry point makes one of them for every build (a ``BuildRun`` when
``UA_INCREMENTAL`` is on) and hands it to the generator, which only calls its
methods: both have the same ones, and the same bytes come out. Everything a
build knows between Pelican's signals (its settings, the caches, the spare it
starts from, the stamps, the search indexing, what it removes beside itself)
is held here, for one build: nothing is kept in module globals, so an
autoreloading ``pelican`` starts each build afresh.

1. :meth:`BuildRun.start` (``get_generators``): is the published output already
   this build's? (then nothing is done at all); else start Pagefind early on the
   edited actions' shards, and prepare the staging directory from the spare.
2. :meth:`BuildRun.reader` (``generate_context``): the read cache.
3. :meth:`BuildRun.write` (``generate_output``): render what changed, link the
   rest, start Pagefind once its pages are in place.
4. :meth:`BuildRun.wait_for_search` then :meth:`BuildRun.publish` (``finalized``):
   swap the new output in, keep the old one as the next build's spare, record
   the stamps and caches.
:meth:`BuildRun.abort` ends every child process, whatever stopped the build.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import shutil
import time

from ..content.loading import read_in_order
from ..render import pagefind, summary
from ..site.search import DIRECTORY_PREFIXES
from . import early_pages, output_swap, parallel, spare_tree, stamps
from .cache import BuildCache, PageTable, manifest_path, read_manifest
from .compiled_templates import cache_compiled
from .digests import Digests
from .indexing import SearchIndexer
from .reading import CachedReader

logger = logging.getLogger(__name__)


class PlainRun:
    """A build that is not incremental (``UA_INCREMENTAL`` off): a new, empty staging
    directory; every output rendered in one process; Pagefind on every shard; the
    swap. :class:`BuildRun` does each step its own way."""

    def __init__(self, settings: dict, ua: dict, final_output: str, build_date):
        """``ua``: the plugin's settings, resolved once for the whole build."""
        self.settings, self.ua, self.final, self.build_date = settings, ua, final_output, build_date
        self.staging: str | None = None
        self.nothing_to_do = False
        # Set by the warm builder of ./dev serve (speed/early_pages.Serving), else None.
        self.serving = None
        self._generator = None  # the generator whose site this build read
        self.removals = output_swap.Removals()
        # Whatever stops the process, what the build started beside it ends first.
        atexit.register(self.abort)

    def start(self) -> str:
        """Make the staging directory (new and empty); return it."""
        self.staging, _ = output_swap.prepare(self.final, "drop", self.removals)
        return self.staging

    def cache_templates(self, env) -> None:
        """Templates are compiled in memory, as Jinja does."""

    def reader(self, content_root: str, theme: str):
        """``load_site``'s reader: every file read, in one process."""
        return read_in_order

    def needs_site(self) -> bool:
        """Whether the site is read even when the published output is already this build's."""
        return False

    def site_read(self, generator) -> None:
        """The site is read and valid (``generator.site``): the warm builder's previews
        start from it once it is published."""
        self._generator = generator

    def keep_if_same(self, save_as: str, payload: bytes) -> bool:
        """Every page is written: there is no published file to keep."""
        return False

    def write(self, generator, planned: list, plan_rest, shards: list) -> None:
        """Render every output, the ``planned`` ones then those ``plan_rest()`` plans;
        then index the ``shards`` with Pagefind."""
        started = time.perf_counter()
        outputs = planned + plan_rest()
        for output in outputs:
            generator.render_output(output)
        logger.info("Wrote %d files in %.1f s", len(outputs), time.perf_counter() - started)
        if shards:
            pagefind.index_shards(self.staging, shards, self.ua["UA_LANGUAGE"], self.ua["UA_SEARCH_TIMEOUT"])
            pagefind.merge_shards(self.staging, shards, self.ua["UA_SEARCH_TIMEOUT"])

    def changed_among(self, names: list[str]) -> int | None:
        """How many of the files ``names`` are new or changed; None: all of them (every
        file is written anew)."""
        return None

    def show_changed_early(self) -> None:
        """Every page is written anew: nothing is shown before the swap."""

    def wait_for_search(self, lists_output_meanwhile: bool) -> None:
        """Pagefind ran in :meth:`write`: nothing to wait for."""

    def tidy(self) -> None:
        """The staging directory holds only what this build wrote."""

    def keep_published(self) -> None:
        """Nothing to do: only Pelican's own copies of the theme's files are in staging."""
        shutil.rmtree(self.staging)
        self._hand_to_serving()
        self.close()

    def _hand_to_serving(self) -> None:
        """The site this build read is the published one: the warm builder's previews start from it."""
        if self.serving is not None and self._generator is not None:
            self.serving.published(self._generator, self.final)

    def publish(self, retained=()) -> None:
        """Swap the staging directory in, remove the old output."""
        output_swap.publish(self.staging, self.final)
        self._hand_to_serving()
        self.close()

    def close(self) -> None:
        """The build is over: wait for what it removes beside it."""
        self.removals.join()
        atexit.unregister(self.abort)

    def abort(self) -> None:
        """End what this build started beside it (it failed, or was interrupted)."""
        self.removals.join()


class BuildRun(PlainRun):
    """What one incremental build knows and does (see the module's docstring)."""

    def __init__(self, settings: dict, ua: dict, final_output: str, build_date):
        super().__init__(settings, ua, final_output, build_date)
        self.cache_dir = ua["UA_CACHE_PATH"]
        self.digests = Digests(settings)
        self.cache: BuildCache | None = None
        self.renovation: spare_tree.Renovation | None = None
        self.search = (
            SearchIndexer(
                ua["UA_LANGUAGE"],
                ua["UA_SEARCH_JOBS"],
                ua["UA_SEARCH_TIMEOUT"],
                self.removals,
                ua["UA_SEARCH_PAGES_AT_ONCE"],
            )
            if ua["UA_SEARCH"]
            else None
        )
        self._inputs = self._layout = None
        self._published_layout = None
        self._published_stamp: dict | None = None
        self._manifest = None
        self._early_stamp: stamps.EarlyStamp | None = None
        self._shards = None
        self._changed: list[str] = []

    # -- 1. start ---------------------------------------------------------------

    def start(self) -> str:
        """Decide what this build has to do; return its staging directory."""
        self._layout = self.digests.layout()
        self._inputs = self.digests.inputs(self.build_date)
        stamp = stamps.load_stamp(stamps.stamp_path(self.cache_dir, self.final))
        self.nothing_to_do = stamps.nothing_changed(self.final, self._inputs, stamp)
        self._published_layout = stamp.get("layout") if stamp else None
        self._published_stamp = stamp
        if self.nothing_to_do:
            logger.info("Nothing changed since the last build: the published output is kept as it is")
        elif self.search is not None and self._same_layout():
            # Pagefind on the edited actions' shards, beside the rest of the build.
            note = stamps.load_note(self.cache_dir, self.final, "search") or {}
            self.search.speculate(
                self.final, note.get("shards"), note.get("content") or {}, self.digests.content_stats(),
                os.path.join(self.settings["PATH"], "actions"),
            )  # fmt: skip
        staging, spare = output_swap.prepare(self.final, "keep" if self.nothing_to_do else "reuse", self.removals)
        if spare and not self._renovate(staging):
            output_swap.restart(staging, self.final, self.removals)
        self.staging = staging
        return staging

    def _same_layout(self) -> bool:
        """Whether the published output was made by this build's code and settings."""
        return self._published_layout is not None and self._published_layout == self._layout

    def _renovate(self, staging: str) -> bool:
        """Make the spare output (now at ``staging``) this build's starting point; False if
        it cannot be. Only the files the generator wrote (the manifest lists them) and
        the search shards may be kept: anything else (the theme's copies…) is written
        by others, who may write into an existing file."""
        spare = stamps.load_stamp(stamps.stamp_path(self.cache_dir, self.final, "spare"))
        published, self._published_stamp = self._published_stamp, None
        manifest = self._read_manifest()
        if (
            spare is None
            or published is None
            or not spare.get("layout") == published.get("layout") == self._layout
            or not isinstance(manifest, dict)
            or not isinstance(manifest.get("files"), PageTable)
        ):
            logger.info("The spare output does not match the cache: starting from an empty directory")
            return False
        owned = manifest["files"]
        self.renovation = spare_tree.renovate(
            staging,
            spare,
            published,
            lambda relative: relative in owned or relative.startswith(DIRECTORY_PREFIXES),
            wholes=DIRECTORY_PREFIXES,
            discard=functools.partial(self.removals.discard_beside, final=self.final),
        )
        if self.renovation is None:
            logger.info("The spare output was moved or replaced: starting from an empty directory")
            return False
        logger.info(
            "Starting from the spare output: %d files it shares with the published one, %d others removed",
            len(self.renovation.candidates),
            self.renovation.removed,
        )
        return True

    def _read_manifest(self):
        if self._manifest is None:
            self._manifest = read_manifest(manifest_path(self.cache_dir, os.path.abspath(self.final))) or {}
        return self._manifest

    def cache_templates(self, env) -> None:
        """Keep the compiled templates between builds."""
        cache_compiled(env, self.cache_dir, self.digests.compiled_templates())

    # -- 2. read ----------------------------------------------------------------

    def reader(self, content_root: str, theme: str):
        """``load_site``'s reader: the read cache, and every core for new files."""
        read_key = self.digests.read_key(content_root)
        render_key = self.digests.render_key(read_key, theme)
        memory = self.serving.memory if self.serving is not None else None
        self.cache = BuildCache(
            self.cache_dir, self.final, read_key, render_key, self._read_manifest(), self.renovation, memory
        )
        return CachedReader(self.cache, self.digests, self.ua["UA_PARALLEL_MIN_FILES"])

    def needs_site(self) -> bool:
        """Under the warm builder, its first build reads the site even when the published
        output is already this build's: the previews of the first save start from it."""
        return self.serving is not None and self.serving.last is None

    # -- 3. write ---------------------------------------------------------------

    def keep_if_same(self, save_as: str, payload: bytes) -> bool:
        """Keep the published file when a page rendered again gives its very bytes."""
        return self.cache is not None and self.cache.keep_if_same(save_as, payload, self.staging)

    def write(self, generator, planned: list, plan_rest, shards: list) -> None:
        """Write every output: the ``planned`` ones, then those ``plan_rest()`` plans.

        The pages search indexes come first; Pagefind then runs beside the rest
        of the build (the other outputs, the theme's files) until
        :meth:`wait_for_search`. Unchanged pages are hard-linked from the
        published output; the rest is rendered, on every core when many. When
        the search's pages were that many (a build from scratch, a new
        template), Pagefind starts once every page is rendered instead: its
        processes and the render workers together would take the most memory
        of the build, and the workers keep both cores busy anyway.
        """
        cache, staging = self.cache, self.staging
        parallel_from = self.ua["UA_PARALLEL_MIN_FILES"] if self.ua["UA_PARALLEL_RENDER"] else None
        started = time.perf_counter()
        self._shards = shards
        rest, failed, start_search = planned, [], None
        if self.search is not None:
            indexed = {page for shard in shards for page in shard.pages}
            first, unchanged = cache.sort_out([o for o in planned if o.save_as in indexed])
            parallel.render_all(generator, first, parallel_from)

            def gather(pages: set[str]) -> None:
                # Pagefind reads the shards to index: their unchanged pages are linked
                # now, the others' once it has started.
                nonlocal unchanged
                now = [job for job in unchanged if job[0].save_as in pages]
                unchanged = [job for job in unchanged if job[0].save_as not in pages]
                parallel.render_all(generator, cache.link(now, staging), parallel_from)

            start_search = functools.partial(
                self.search.start, staging, shards, previous=self.final, cache=cache, gather=gather
            )
            if parallel_from is None or len(first) < parallel_from:
                start_search()
                start_search = None
            rest = [o for o in planned if o.save_as not in indexed]
            if unchanged:  # linked now; a search started later (gather) finds none left to link
                failed, unchanged = cache.link(unchanged, staging), []
        later = plan_rest()
        self._advance_search()
        self._render_rest(generator, failed + cache.reuse_all(rest + later, staging), parallel_from, start_search)
        count = len(planned) + len(later)
        logger.info("Wrote %d files in %.1f s", count, time.perf_counter() - started)
        logger.info(
            "Incremental build: %d of %d actions read from the cache, %d pages kept, %d rendered "
            "(%d of them the same bytes as published: kept too)",
            cache.read_hits,
            len(generator.site.actions) + len(generator.site.drafts),
            cache.reused,
            count - cache.reused,
            cache.same_bytes,
        )

    def _render_rest(self, generator, outputs: list, parallel_from, start_search) -> None:
        """Render the last ``outputs`` and start the search if it waited; the pages that read the whole
        site here, once the workers are gone (a worker reading them copied the site's memory)."""
        wide = generator.wide_outputs()
        parallel.render_all(generator, [o for o in outputs if o.save_as not in wide], parallel_from)
        if start_search is not None:
            start_search()
        for output in outputs:
            if output.save_as in wide:
                generator.render_output(output)
        self._advance_search()

    def _advance_search(self) -> None:
        """Merge the search shards as soon as Pagefind is done: beside the rest of the build."""
        if self.search is not None:
            self.search.advance()

    def changed_among(self, names: list[str]) -> int:
        """How many of the files ``names`` are new or changed (not the published file, linked).
        Those the cache kept are the published ones (it linked them, identity checked):
        only the others are looked at, a few hundred files of 23,000 after an edit."""
        kept = self.cache.kept if self.cache is not None else {}
        self._changed = [
            name for name in names if name not in kept and not summary.unchanged(self.staging, self.final, name)
        ]
        return len(self._changed)

    def show_changed_early(self) -> None:
        """Under ``./dev serve``: put the files this build wrote anew in the published
        output before the search index is done (:mod:`~urgent_actions.speed.early_pages`)."""
        started = time.perf_counter()
        shown = early_pages.show(self.staging, self.final, self._changed)
        if shown:
            logger.info(
                "Shown early: %d changed files in %.2f s (the search index follows)", shown,
                time.perf_counter() - started,
            )  # fmt: skip

    # -- 4. publish -------------------------------------------------------------

    def wait_for_search(self, lists_output_meanwhile: bool) -> None:
        """Wait for Pagefind. With ``lists_output_meanwhile`` (nothing else writes into
        the staging directory from now on), the output is listed for its stamp while
        Pagefind runs, all but the shards it is writing."""
        if self.search is None:
            return
        if lists_output_meanwhile:
            known = self.cache.identities() if self.cache is not None else None
            previous = self.renovation.stamp if self.renovation is not None else None
            busy = self.search.busy_directories()
            # The merged index links every page's fragment from the shards listed now.
            self._early_stamp = stamps.EarlyStamp(self.staging, busy, known, previous, links_from=DIRECTORY_PREFIXES)
        started = time.perf_counter()
        counts, digests = self.search.wait()
        if self.cache is not None:
            self.cache.new_search = digests
        counts["seconds"] = time.perf_counter() - started
        logger.info(
            "Search index: %(indexed)d shards indexed, %(reused)d reused; waited %(seconds).1f s for Pagefind, "
            "merged them in %(merge)0.2f s",
            counts,
        )

    def tidy(self) -> None:
        """Remove what the spare held that this build did not claim (search shards are search's)."""
        self._advance_search()
        if self.renovation is not None:
            self.renovation.tidy(keep_prefixes=DIRECTORY_PREFIXES if self.search is not None else ())

    def publish(self, retained=()) -> None:
        """Swap the staging directory in; keep the old output as the next build's spare
        if it can be renovated (else remove it, and copy the new one as the spare);
        record the stamps, caches and notes for the next build."""
        keep = self._same_layout()
        if self._early_stamp is not None:
            # It walks paths that name the old output once the two are swapped.
            self._early_stamp.join()
        self._forget_rendering()
        if keep:
            stamps.hand_stamp_to_spare(self.cache_dir, self.final)
        else:
            stamps.forget_published(self.cache_dir, self.final)
            stamps.forget_spare(self.cache_dir, self.final)
        removal = output_swap.publish(self.staging, self.final, background=True, keep_spare=keep)
        # Without one (the first build of an output, or after a change of code or
        # settings), the spare is a copy of the new output, made while the caches are saved.
        copying = output_swap.copy_to_spare(self.final)
        stamp = self._record(retained)
        if self.search is not None and self._shards is not None:
            # What the next build needs to start Pagefind before it reads (SearchIndexer.speculate).
            note = {
                "content": self.digests.content_stats(),
                "shards": {shard.directory: shard.slugs for shard in self._shards},
            }
            stamps.save_note(self.cache_dir, self.final, "search", note)
        if copying is not None:
            root = copying.join()
            if root is not None:
                stamps.record_spare_copy(self.cache_dir, self.final, root, stamp)
        if removal is not None:
            removal.join()
        self._hand_to_serving()
        self.close()

    def _forget_rendering(self) -> None:
        """Drop what only rendering and the stamp's listing looked at (the old manifest, the
        spare's stamp and candidates: tens of MiB at 10,000 actions), so that recording the
        caches, the build's last and fullest moment, reuses their memory."""
        self._manifest = self.renovation = None
        if self.cache is not None:
            self.cache.rendering_done()

    def _record(self, retained) -> dict | None:
        """Record the published output, with the listing made of it while Pagefind ran if
        any (``retained``: entries carried over from the old output since); return its stamp."""
        try:
            if self.cache is not None:
                self.cache.save()
            tree = self._early_stamp.result(self.final, retained) if self._early_stamp is not None else None
            return stamps.record_published(self.cache_dir, self.final, self._inputs, self._layout, tree)
        except OSError as exc:
            # The site is published; only the next build's speed is at stake.
            logger.info("Could not save the build cache: %s", exc)
            return None

    def abort(self) -> None:
        """End every child process this build started (it failed, or was interrupted)."""
        if self.search is not None:
            self.search.stop()
        if self._early_stamp is not None:
            self._early_stamp.join()
        self.removals.join()
