"""Pelican plugin of the urgent action network: read, validate and publish actions.

The pipeline, package by package (docs/architecture.md draws it):
``content`` (read and validate) -> ``site`` (which pages, lists and feeds, as
plans) -> ``render`` (the generator, templates, Pagefind) -> ``publish``
(production files, the swap into place). ``speed`` only makes builds fast:
this module is the one place that hands it a build (a
:class:`~urgent_actions.speed.run.BuildRun`), when ``UA_INCREMENTAL`` is on.

Registered through Pelican signals:

- ``get_generators``: checks the settings, prepares a staging output directory
  (through the run, or empty), and adds :class:`ActionsGenerator`;
- ``generator_init``: gives every Jinja environment the i18n extension, the
  language's messages and the site's filters;
- ``finalized``: waits for the search index, writes the production files and
  swaps the staging directory in place of the output.
"""

from __future__ import annotations

import logging
import os
import sys

from pelican import signals

from .content.errors import ContentError, SettingsError
from .content.loading import today_in_brussels
from .publish import production
from .render import i18n, templating
from .render.generator import ActionsGenerator, unfreeze_objects
from .render.pagefind import PagefindError
from .settings import check, resolve
from .speed import output_swap
from .speed.run import BuildRun

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


def _start_run(pelican):
    unfreeze_objects()
    ua = resolve(pelican.settings)
    problems = check(ua)
    if problems:
        raise SettingsError(problems)
    previous = getattr(pelican, "_ua_run", None)
    if previous is not None:  # a build that failed under autoreload
        previous.abort()
    final = getattr(pelican, "_ua_final_output", None) or pelican.output_path
    pelican._ua_final_output = final
    if ua["UA_INCREMENTAL"]:
        run = BuildRun(pelican.settings, ua, final, today_in_brussels())
        staging = run.start()
    else:
        run = None
        staging, _ = output_swap.prepare(final, "drop")
    pelican._ua_run = run
    pelican.output_path = staging
    # The staging directory is new, or the spare reduced to what this build may
    # keep: Pelican has nothing to delete, and the final output is replaced as a
    # whole, which is what DELETE_OUTPUT_DIRECTORY asks for.
    pelican.delete_outputdir = False
    return ActionsGenerator.for_run(run)


def _init_environment(generator):
    ua = resolve(generator.settings)
    i18n.install(generator.env, generator.theme, ua["UA_LANGUAGE"])
    templating.install(generator.env, ua, generator.settings.get("SITEURL", ""))
    run = getattr(generator, "run", None)
    if run is not None:
        run.cache_templates(generator.env)


def _finish_run(pelican):
    final, staging = pelican._ua_final_output, pelican.output_path
    run, pelican._ua_run = pelican._ua_run, None
    ua = resolve(pelican.settings)
    pelican.output_path = final
    if run is not None and run.nothing_to_do:
        run.keep_published()
        return
    if run is not None:
        run.tidy()
        # Nothing but Pagefind writes from now on unless production files are made.
        run.wait_for_search(lists_output_meanwhile=not production.changes_files(ua))
    # Last step of the build, after every page and the search index are written.
    production.finish(staging, pelican.settings, ua, previous=final)
    retained = list(pelican.settings.get("OUTPUT_RETENTION", [])) + list(ua["UA_OUTPUT_RETENTION"])
    if os.path.isdir(final):
        output_swap.keep_retained(final, staging, retained)
    if run is not None:
        run.publish(retained)
    else:
        output_swap.publish(staging, final)
        output_swap.join_removals()


_FILTER = _ContentErrorWithoutTraceback()


def register():
    logging.getLogger("pelican").addFilter(_FILTER)
    signals.get_generators.connect(_start_run)
    signals.generator_init.connect(_init_environment)
    signals.finalized.connect(_finish_run)
