"""``./dev serve``'s builder: one Python process that builds the site, then rebuilds it
after every change, with one file watcher for its whole life.

``pelican --autoreload`` watches the files only between two builds: it makes a
new watcher after each one, so a file saved while a build ends (after the
build has read it, before the next watcher starts) is never rebuilt. Here the
watcher is made before the first build and kept: every change made during a
build is queued by it, and the next build starts as soon as the running one
ends, with all of them.

Everything else is Pelican's own build, as ``pelican -s SETTINGS -o OUTPUT``
runs it (same settings, same plugin, same bytes), with one Pelican object for
the whole process, as under ``--autoreload``: the imports, Pelican's object
and the plugin's compiled templates stay in memory between saves. A build
that fails prints its problems as one list (no traceback), keeps the published
output, and the next change is built again.

Run by ``invoke serve`` as ``python -m urgent_actions.speed.warm`` with Pelican's
own options (``-s pelicanconf.py -o output``).
"""

from __future__ import annotations

import logging
import os
import sys
import time

import watchfiles
from pelican import LOG_HANDLERS, get_instance, parse_arguments
from pelican.log import init as init_logging
from pelican.utils import FileChangeFilter

from ..content.errors import ContentError, SettingsError
from .early_pages import mark_serving, preview

logger = logging.getLogger(__name__)

# Milliseconds the watcher waits for a change before it looks whether to stop;
# and, once a change is seen, for the burst of changes one save makes (an
# editor writes a temporary file, then renames it) to end.
POLL_MS = 200
QUIET_MS = 50


def command(python: str, settings_file: str, output: str, extra: tuple = ()) -> tuple[list[str], dict]:
    """The builder's command line and environment (the plugins' folder on its
    path): ``extra`` are more of Pelican's options (``-e PATH=...``)."""
    plugins = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    paths = [plugins, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return [python, "-m", __name__, "-s", settings_file, *extra, "-o", output], env


def watched_paths(settings_file: str, settings: dict) -> list[str]:
    """The settings file, the theme and the content (with its static paths), as
    ``pelican --autoreload`` watches them: those that exist."""
    content = settings.get("PATH", "")
    candidates = [settings_file, settings.get("THEME", ""), content]
    candidates += [os.path.join(content, path) for path in settings.get("STATIC_PATHS", [])]
    paths = []
    for path in filter(None, candidates):
        path = os.path.abspath(path)
        if os.path.exists(path) and not any(path.startswith(p + os.sep) for p in paths):
            paths.append(path)
    return paths


class Watcher:
    """One watcher of ``paths`` for the whole process: changes made while nobody
    waits for them (during a build) are kept until :meth:`changes` is called."""

    def __init__(self, paths: list[str], ignore_patterns):
        self._changes = watchfiles.watch(
            *paths,
            watch_filter=FileChangeFilter(ignore_file_patterns=set(ignore_patterns)),
            debounce=1_600,
            step=QUIET_MS,
            rust_timeout=POLL_MS,
            yield_on_timeout=True,
        )
        # The generator makes its watcher on the first call: from here on, nothing is missed.
        self._pending = set(next(self._changes))

    def changes(self, timeout: float | None = None) -> set[str]:
        """The files changed since the last call; waits for one if there is none yet
        (at most ``timeout`` seconds if given: then the set may be empty)."""
        pending, self._pending = self._pending, set()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not pending and (deadline is None or time.monotonic() < deadline):
            pending = next(self._changes)
        return {path for _, path in pending}


def build_once(pelican) -> bool:
    """One build; False if it failed (its problems are printed, the published output kept)."""
    try:
        pelican.run()
    except (ContentError, SettingsError) as error:
        sys.stderr.write(error.report() + "\n")
        logger.error("the build stopped: fix the problems listed above; the site shown is the previous one")
        return False
    except Exception as error:  # noqa: BLE001  (any build failure: the next save is built again)
        logger.error("the build stopped: %s: %s", type(error).__name__, error)
        return False
    return True


def serving_instance(args):
    """Pelican's object and settings, its builds marked to show changed pages before
    the search index is done (:mod:`~urgent_actions.speed.early_pages`)."""
    pelican, settings = get_instance(args)
    mark_serving(pelican)
    return pelican, settings


def main(argv=None) -> None:
    args = parse_arguments(argv)
    init_logging(
        level=args.verbosity,
        fatal=args.fatal,
        name="pelican",
        handler=LOG_HANDLERS[args.log_handler],
        logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level),
    )
    pelican, settings = serving_instance(args)
    settings_file = os.path.abspath(args.settings)
    watcher = Watcher(watched_paths(settings_file, settings), settings.get("IGNORE_FILES", []))
    while True:
        build_once(pelican)
        changed = watcher.changes()
        print(f"-> Modified: {', '.join(sorted(changed))}; rebuilding", flush=True)
        if settings_file in changed:
            pelican, settings = serving_instance(args)
        else:
            shown = preview(pelican, changed)
            if shown:
                print(f"-> {shown}; the build follows", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # Ctrl-C in the terminal reaches serve's whole group: no traceback
        sys.exit(130)
