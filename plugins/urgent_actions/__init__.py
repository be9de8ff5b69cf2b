"""Pelican plugin of the urgent action network: read, validate and publish actions.

The pipeline, package by package (docs/architecture.md draws it):
``content`` (read and validate) -> ``site`` (which pages, lists and feeds, as
plans) -> ``render`` (the generator, templates, Pagefind) -> ``publish``
(production files, the swap into place). ``speed`` only makes builds fast:
this module is the one place that picks a build's run, the object that holds
the build's life (:class:`~urgent_actions.speed.run.BuildRun` when
``UA_INCREMENTAL`` is on, else :class:`~urgent_actions.speed.run.PlainRun`).

Registered through Pelican signals:

- ``get_generators``: checks the settings, makes the build's run, which
  prepares a staging output directory, and adds :class:`ActionsGenerator`;
- ``generator_init``: gives every Jinja environment the i18n extension, the
  language's messages and the site's filters;
- ``finalized``: waits for the search index, writes the production files and
  swaps the staging directory in place of the output.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import weakref

from pelican import signals

# The plugin's modules make objects that live as long as the process (pydantic's
# validators and schemas, compiled patterns, tables): made without the cycle
# collector, which would scan them again and again on the way (about a tenth
# of this import, paid by every build).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    from .content.errors import ContentError, SettingsError
    from .content.loading import today_in_brussels
    from .publish import production
    from .render import i18n, templating
    from .render.generator import ActionsGenerator, long_lived_objects, unfreeze_objects
    from .render.pagefind import PagefindError
    from .settings import check, resolve
    from .speed import early_pages, output_swap
    from .speed.run import BuildRun, PlainRun
finally:
    if _COLLECTING:
        gc.enable()

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
        elif isinstance(exc, PagefindError):
            record.msg, record.args, record.exc_info = ("the build stopped: %s", (exc,), None)
        return True


# Each Pelican object's current build (its run), from get_generators to
# finalized. A build that failed stays here until the next one starts
# (``pelican --autoreload``), which aborts it and publishes where it would have.
_RUNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# Caches keyed by a file's path (the theme's translations): the
# file may change between two builds of one process (``pelican --autoreload``),
# so every build starts with them empty.
_PER_BUILD_CACHES = (i18n.translations_for,)


def _start_run(pelican):
    unfreeze_objects()
    for cached in _PER_BUILD_CACHES:
        cached.cache_clear()
    ua = resolve(pelican.settings)
    problems = check(ua)
    if problems:
        raise SettingsError(problems)
    previous = _RUNS.pop(pelican, None)
    if previous is not None:  # a build that failed under autoreload
        previous.abort()
    # Pelican's output path is the staging directory during a build; a failed
    # build's run remembers the final one.
    final = previous.final if previous is not None else pelican.output_path
    kind = BuildRun if ua["UA_INCREMENTAL"] else PlainRun
    run = _RUNS[pelican] = kind(pelican.settings, ua, final, today_in_brussels())
    run.serving = early_pages.serving(pelican)
    # The stamps and the manifest the start loads live until the build publishes: made
    # without the cycle collector, which would scan them and every module's objects again.
    with long_lived_objects():
        pelican.output_path = run.start()
    # The staging directory is new, or the spare reduced to what this build may
    # keep: Pelican has nothing to delete, and the final output is replaced as a
    # whole, which is what DELETE_OUTPUT_DIRECTORY asks for.
    pelican.delete_outputdir = False
    return ActionsGenerator.for_run(run)


def _run_of(generator):
    """The run of the build ``generator`` is part of: Pelican gives every generator
    of a build its own settings object."""
    for pelican, run in _RUNS.items():
        if pelican.settings is generator.settings:
            return run
    raise RuntimeError("a generator was made outside of a build of the urgent_actions plugin")


def _init_environment(generator):
    run = _run_of(generator)
    i18n.install(generator.env, generator.theme, run.ua["UA_LANGUAGE"])
    templating.install(generator.env, run.ua, generator.settings.get("SITEURL", ""), generator.theme)
    if isinstance(generator, ActionsGenerator):  # the site's pages (Pelican's own are few)
        templating.space_at_source(generator.env, run.ua["UA_LANGUAGE"])
        run.cache_templates(generator.env)


def _finish_run(pelican):
    run = _RUNS[pelican]
    staging, final, ua = run.staging, run.final, run.ua
    pelican.output_path = final
    if run.nothing_to_do:
        run.keep_published()
    else:
        run.tidy()
        if run.serving is not None:
            run.show_changed_early()
        # Nothing but Pagefind writes from now on unless production files are made.
        run.wait_for_search(lists_output_meanwhile=not production.changes_files(ua))
        # Last step of the build, after every page and the search index are written.
        production.finish(staging, pelican.settings, ua, previous=final)
        retained = list(pelican.settings.get("OUTPUT_RETENTION", [])) + list(ua["UA_OUTPUT_RETENTION"])
        if os.path.isdir(final):
            output_swap.keep_retained(final, staging, retained)
        run.publish(retained)
    del _RUNS[pelican]


_FILTER = _ContentErrorWithoutTraceback()


def register():
    logging.getLogger("pelican").addFilter(_FILTER)
    signals.get_generators.connect(_start_run)
    signals.generator_init.connect(_init_environment)
    signals.finalized.connect(_finish_run)
