"""The build's last line: what was built, instead of Pelican's article counts.

Pelican ends every build by printing, on its console, "Done: Processed 0
articles, 0 drafts, 0 hidden articles, 6 pages… in 2.10 seconds." Our actions
are neither Pelican articles nor Pelican pages, so the line reads as if nothing
was built. The generator says what it built (:func:`describe`), and
:func:`replace_pelican_summary` has Pelican's console print that instead of its
own line, keeping its timing. It is a one-shot: the next thing printed on the
console, whatever it is, puts the console back as it was.
"""

from __future__ import annotations

import os
import re

from pelican import log as pelican_log

_DONE = re.compile(r"^Done: Processed .* in (?P<seconds>[0-9.]+) seconds\.$", re.DOTALL)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def unchanged(staging: str, final: str, save_as: str) -> bool:
    """Whether the file ``save_as`` of the staging directory is the published one
    (the same file, hard-linked, as incremental builds keep unchanged pages)."""
    try:
        new, old = os.lstat(os.path.join(staging, save_as)), os.lstat(os.path.join(final, save_as))
    except OSError:
        return False
    return (new.st_dev, new.st_ino) == (old.st_dev, old.st_ino)


def describe(
    *, actions: int, drafts: int, pages: int, feeds: int, others: int, changed: int | None, output: str
) -> str:
    """One line saying what a build made; ``changed`` is None when every file was
    written anew (a build that is not incremental cannot tell)."""
    made = (
        f"{_plural(actions, 'action', 'actions')}"
        + (f" ({_plural(drafts, 'draft', 'drafts')} not published)" if drafts else "")
        + f", {_plural(pages, 'other page', 'other pages')}, {_plural(feeds, 'feed', 'feeds')}"
        + f" and {_plural(others, 'other file', 'other files')}"
    )
    total = pages + feeds + others + actions
    if changed is None:
        written = f"all {total} files written anew"
    else:
        written = f"{_plural(changed, 'file', 'files')} new or changed of {total}"
    return f"built {made} into {output}/: {written}"


def replace_pelican_summary(line: str) -> None:
    """Have Pelican's closing "Done: Processed …" line say ``line`` instead."""
    console = pelican_log.console
    console.__dict__.pop("print", None)  # an earlier build's replacement, never printed
    original = console.print

    def print_summary(*objects, **kwargs):
        text = objects[0] if len(objects) == 1 and isinstance(objects[0], str) else ""
        match = _DONE.match(text)
        if match is None:  # a log line of the build's last steps: the closing line is still to come
            original(*objects, **kwargs)
        else:
            console.__dict__.pop("print", None)
            original(f"Done: {line} in {match['seconds']} s.", markup=False)

    console.print = print_summary
