"""``./dev serve`` only: show a rebuild's changed pages before its search index is done.

An incremental build swaps its staging directory in once Pagefind has indexed
the edited pages' shards: seconds at 10,000 actions, during which the saved
edit is not on screen. Under the warm builder (``speed/warm.py``, which marks
its Pelican object with :func:`mark_serving`), the build's run first puts the
files it wrote anew (pages, feeds, sitemap) into the published output, one
atomic rename each, and touches the output's root so that the live reload of
``tools/serve.py`` (which watches the root's inode and mtime) reloads the open
page; then it waits for Pagefind and swaps the whole new output in as before.
The published tree after that swap is the one ``./dev build`` makes.

The published output changed this way no longer matches its stamp in the
directories touched: when it becomes the spare, those directories' mtimes
tell the next build to list them and drop what the stamp does not know
(:mod:`~urgent_actions.speed.spare_tree`), and a file put here is never
written in place (each is a new directory entry, renamed over the old one).

The warm builder's builds also keep the read cache in memory between them
(:class:`~urgent_actions.speed.memory.WarmMemory`) and the pages' keys.
"""

from __future__ import annotations

import os
import shutil
import weakref

from .memory import WarmMemory

# The warm builder's Pelican objects, as the plugin holds its runs: nothing is
# attached to Pelican's object itself.
_SERVING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SUFFIX = ".early"


class Serving:
    """What the warm builder keeps for every build of its Pelican object: that they
    show their changed pages early, and what can stay in memory between builds."""

    def __init__(self):
        self.memory = WarmMemory()


def mark_serving(pelican) -> None:
    """Ask every build of ``pelican`` to show its changed pages early and keep its read
    cache in memory (the warm builder)."""
    _SERVING[pelican] = Serving()


def serving(pelican) -> Serving | None:
    return _SERVING.get(pelican)


def show(staging: str, final: str, names) -> int:
    """Put the files ``names`` of ``staging`` in place in the published output ``final``
    (hard links, else copies), then touch its root; return how many were put."""
    if not os.path.isdir(final):
        return 0
    shown = 0
    for name in names:
        source, target = os.path.join(staging, name), os.path.join(final, name)
        if os.path.isfile(source) and not os.path.isdir(target):
            try:
                _put(source, target)
            except OSError:  # a folder where a file goes…: it comes with the whole output
                continue
            shown += 1
    if shown:
        os.utime(final)
    return shown


def _put(source: str, target: str) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = target + _SUFFIX
    if os.path.lexists(temporary):
        os.unlink(temporary)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)
