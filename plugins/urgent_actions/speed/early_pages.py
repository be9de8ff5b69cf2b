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
(:class:`~urgent_actions.speed.memory.WarmMemory`) and the pages' keys, and
the last build's generator: when a save changes only action files, the
edited actions' own pages are rendered against its site and put in place
before the build starts (:meth:`Serving.preview`,
:mod:`~urgent_actions.render.preview`), in a few tens of milliseconds.
"""

from __future__ import annotations

import os
import shutil
import time
import weakref

from ..render.preview import LastSite
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
        # The last published build's site (with its generator: templates and context),
        # its output, and the files changed since it read them.
        self.last: LastSite | None = None
        self.final: str | None = None
        self._changed: set[str] = set()

    def published(self, generator, final: str) -> None:
        """A build of ``generator`` is published in ``final``: previews start from its site."""
        self.last, self.final, self._changed = LastSite(generator), final, set()

    def preview(self, changed: set[str]) -> str | None:
        """When every file changed since the last published build is an action file it read,
        put the edited actions' own pages, rendered against its site, in its published
        output and touch that output's root; return what was done, for the terminal
        (None: nothing, the build that follows shows them)."""
        self._changed |= changed
        last, final = self.last, self.final
        if last is None or not os.path.isdir(final):
            return None
        paths = _action_files(self._changed, os.path.join(last.generator.path, "actions"))
        if not paths:
            return None
        started, cpu = time.perf_counter(), time.process_time()
        try:
            made = last.pages(paths)
        except Exception as error:  # noqa: BLE001  (a preview never stops the builder: the build follows)
            return f"No preview: {type(error).__name__}: {error}"
        if not made:
            return None
        for name, payload in made:
            _write(os.path.join(final, name), payload)
        os.utime(final)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        pages = f"{len(made)} page" + ("s" if len(made) > 1 else "")
        return f"Preview: {pages} of the edited actions in {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU)"


def mark_serving(pelican) -> None:
    """Ask every build of ``pelican`` to show its changed pages early and keep its read
    cache in memory (the warm builder)."""
    _SERVING[pelican] = Serving()


def serving(pelican) -> Serving | None:
    return _SERVING.get(pelican)


def preview(pelican, changed: set[str]) -> str | None:
    """Under the warm builder, before the build of the files ``changed``: show the edited
    actions' pages (:meth:`Serving.preview`); return what was done, if anything."""
    marked = serving(pelican)
    return marked.preview(changed) if marked is not None else None


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


def _action_files(changed: set[str], folder: str) -> list[str] | None:
    """The action files among ``changed`` (named as the build reads them, in ``folder``),
    or None if something else changed. An editor's temporary files that are gone again
    (``a.md~``, ``.a.md.swp``, ``4913``) are not changes of the site."""
    real, found = os.path.realpath(folder), []
    for path in changed:
        name = os.path.basename(path)
        if os.path.realpath(os.path.dirname(path)) != real:
            return None
        if name.endswith(".md") and not name.startswith("."):
            found.append(os.path.join(folder, name))
        elif os.path.lexists(path):
            return None
    return found or None


def _write(target: str, payload: bytes) -> None:
    """Write ``target`` as a new file renamed over the old one (:func:`_renamed_over`)."""

    def fill(temporary: str) -> None:
        with open(temporary, "wb") as handle:
            handle.write(payload)

    _renamed_over(target, fill)


def _put(source: str, target: str) -> None:
    """Make ``target`` the file ``source`` (a hard link, else a copy), renamed over the old one."""

    def fill(temporary: str) -> None:
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)

    _renamed_over(target, fill)


def _renamed_over(target: str, fill) -> None:
    """Make ``target`` a new file that ``fill(path)`` makes beside it, then renamed over the
    old one: a published file may be a hard link shared with the spare output, and is
    never written in place, nor missing while a reader asks for it."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = target + _SUFFIX
    if os.path.lexists(temporary):
        os.unlink(temporary)
    fill(temporary)
    os.replace(temporary, target)
