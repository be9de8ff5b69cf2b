"""Pelican plugin of the urgent action network: read, validate and publish actions.

Registered through Pelican signals:

- ``get_generators``: prepares a staging output directory for this run, and
  adds :class:`ActionsGenerator`;
- ``generator_init``: gives every Jinja environment the i18n extension, the
  language's messages and the site's filters;
- ``finalized``: waits for the search index, swaps the staging directory in
  place of the output and keeps the replaced output as the next build's spare.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
import time

from pelican import signals

from .content.errors import ContentError, SettingsError
from .content.loading import today_in_brussels
from .publish import production
from .render import i18n, templating
from .render.generator import ActionsGenerator, unfreeze_objects
from .settings import check, resolve
from .speed import incremental, indexing, output_swap

logger = logging.getLogger(__name__)


class _ContentErrorWithoutTraceback(logging.Filter):
    """Pelican logs any exception with its traceback; a content mistake needs none."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (ContentError, SettingsError)):
            # One problem per line, never wrapped by a console handler, so that
            # editors and tools can read and grep them.
            sys.stderr.write(exc.report() + "\n")
            sys.stderr.flush()
            record.msg, record.args, record.exc_info = (
                "the build stopped: fix the problems listed above",
                (),
                None,
            )
        return True


def _start_run(pelican):
    unfreeze_objects()
    ua = resolve(pelican.settings)
    problems = check(ua)
    if problems:
        raise SettingsError(problems)
    final = getattr(pelican, "_ua_final_output", None) or pelican.output_path
    pelican._ua_final_output = final
    if ua["UA_INCREMENTAL"]:
        skip = incremental.start_run(final, ua["UA_CACHE_PATH"], today_in_brussels(), pelican.settings)
        if skip:
            logger.info("Nothing changed since the last build: the published output is kept as it is")
        if not skip and ua["UA_SEARCH"] and incremental.same_layout():
            # Pagefind on the edited actions' shards, beside the rest of the build.
            note = incremental.load_note(ua["UA_CACHE_PATH"], final, "search") or {}
            indexing.speculate(
                final, note.get("shards"), note.get("content") or {}, incremental.content_stats(),
                os.path.join(pelican.settings["PATH"], "actions"), ua["UA_LANGUAGE"], ua["UA_SEARCH_JOBS"],
            )  # fmt: skip
        staging, spare = output_swap.prepare(final, "keep" if skip else "reuse")
        discard = functools.partial(output_swap.discard_beside, final=final)
        if spare and not incremental.renovate(staging, indexing.DIRECTORY_PREFIXES, discard):
            output_swap.restart(staging, final)
    else:
        incremental.start_run(final)
        staging, _ = output_swap.prepare(final, "drop")
    pelican.output_path = staging
    # The staging directory is new, or the spare reduced to what this build may
    # keep (spare_tree): Pelican has nothing to delete, and the final output is
    # replaced as a whole, which is what DELETE_OUTPUT_DIRECTORY asks for.
    pelican.delete_outputdir = False
    return ActionsGenerator


def _init_environment(generator):
    ua = resolve(generator.settings)
    i18n.install(generator.env, generator.theme, ua["UA_LANGUAGE"])
    templating.install(generator.env, ua, generator.settings.get("SITEURL", ""), generator.context)
    if ua["UA_INCREMENTAL"]:
        templating.cache_compiled(
            generator.env, ua["UA_CACHE_PATH"], incremental.compiled_templates_key(generator.settings)
        )


def _finish_run(pelican):
    final = pelican._ua_final_output
    staging = pelican.output_path
    ua = resolve(pelican.settings)
    if incremental.nothing_to_do():
        # Only Pelican's own copies of the theme's files are in staging.
        shutil.rmtree(staging)
        pelican.output_path = final
        incremental.finish_run()
        output_swap.join_removals()
        return
    renovation = incremental.renovation()
    if renovation is not None:
        # What the spare held that this build did not claim (search shards are search's).
        renovation.tidy(keep_prefixes=indexing.DIRECTORY_PREFIXES if ua["UA_SEARCH"] else ())
    early = None
    if ua["UA_SEARCH"]:
        cache = incremental.current()
        if ua["UA_INCREMENTAL"] and not production.changes_files(ua):
            # Nothing but Pagefind writes from now on: list the output for its
            # stamp while Pagefind runs, all but the shards it is writing.
            known = cache.identities() if cache is not None else None
            previous = renovation.stamp if renovation is not None else None
            early = incremental.EarlyStamp(staging, later=indexing.busy_directories(), known=known, previous=previous)
        started = time.perf_counter()
        counts, digests = indexing.finish()  # started by the generator
        if cache is not None:
            cache.new_search = digests
        counts["seconds"] = time.perf_counter() - started
        logger.info(
            "Search index: %(indexed)d shards indexed, %(reused)d reused; waited %(seconds).1f s for Pagefind", counts
        )
    # Last step of the build, after every page and the search index are written.
    production.finish(staging, pelican.settings, ua, previous=final)
    retained = list(pelican.settings.get("OUTPUT_RETENTION", [])) + list(ua["UA_OUTPUT_RETENTION"])
    if os.path.isdir(final):
        output_swap.keep_retained(final, staging, retained)
    # The old output is kept as the spare if the next build can use it, or
    # deleted while the caches are saved.
    keep = ua["UA_INCREMENTAL"] and incremental.replaced_output_can_be_spare()
    incremental.before_publish(keep, early)
    removal = output_swap.publish(staging, final, background=True, keep_spare=keep)
    pelican.output_path = final
    # Without one (the first build of an output, or after a change of code or
    # settings), the spare is a copy of the new output, made while the caches are saved.
    copying = output_swap.copy_to_spare(final) if ua["UA_INCREMENTAL"] else None
    incremental.finish_run(early, retained)
    if ua["UA_SEARCH"] and ua["UA_INCREMENTAL"]:
        # What the next build needs to start Pagefind before it reads (indexing.speculate).
        note = {"content": incremental.content_stats(), "shards": indexing.plan_note()}
        incremental.save_note(ua["UA_CACHE_PATH"], final, "search", note)
    if copying is not None:
        root = copying.join()
        if root is not None:
            incremental.record_spare_copy(ua["UA_CACHE_PATH"], final, root)
    if removal is not None:
        removal.join()
    output_swap.join_removals()


_FILTER = _ContentErrorWithoutTraceback()


def register():
    logging.getLogger("pelican").addFilter(_FILTER)
    signals.get_generators.connect(_start_run)
    signals.generator_init.connect(_init_environment)
    signals.finalized.connect(_finish_run)
