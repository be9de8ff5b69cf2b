"""Run Pagefind on the site's action pages: the search index is part of the site.

Every Pagefind process is a child of the build that dies with it
(:mod:`urgent_actions.children`), and every wait for it is bounded
(``UA_SEARCH_TIMEOUT``).

:func:`index_shards` indexes a list of shards and waits, then
:func:`merge_shards` merges them into the published index: that is the whole
story for a build without incremental builds. An incremental build schedules
the same processes itself (reuse, early start): :mod:`urgent_actions.speed.indexing`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from .. import urls
from ..children import start_child, stop_child
from ..site.search import INDEX, Shard, merge_order

# The merge runs as a script in its own process: the build does not import it.
MERGE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pagefind_merge.py")
# Pagefind's own search interfaces: the site has its own (theme/static/js/search.js).
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


class PagefindError(RuntimeError):
    """Pagefind failed, or did not finish in time: the build stops with this message."""


def pagefind_command(site_dir: str, target: str, language: str) -> list[str]:
    """Pagefind indexing the HTML under ``site_dir`` into ``target``."""
    from pagefind_bin import get_executable

    return [
        str(get_executable()), "--site", site_dir, "--output-path", target,
        "--silent", "--force-language", language,
    ]  # fmt: skip


def pages_glob(shard: Shard) -> str | None:
    """A glob (Pagefind's ``--glob``, relative to the site) that matches the shard's
    pages and no other file, when every slug is a plain one (``SLUG_RE``: no glob
    syntax); otherwise None.

    Pagefind then reads them where they are: a directory of links made and
    removed for each shard costs more than Pagefind's walk of the site.
    """
    from ..content.fields import SLUG_RE

    if not shard.slugs or not all(SLUG_RE.fullmatch(slug) for slug in shard.slugs):
        return None
    return urls.action_pages_glob(shard.slugs)


def tidy_index(target: str) -> None:
    """Remove Pagefind's own search interfaces from a shard's directory."""
    for name in os.listdir(target):
        if name.startswith(UNUSED):
            os.remove(os.path.join(target, name))


def read_log(log) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace").strip()


def index_shards(site_dir: str, shards: list[Shard], language: str, timeout: float) -> None:
    """Index each shard's pages of ``site_dir`` into its directory, one Pagefind at a
    time; raise :class:`PagefindError` if one fails or takes more than ``timeout`` s."""
    for shard in shards:
        target = os.path.join(site_dir, shard.directory)
        glob = pages_glob(shard)
        if glob is None:  # pragma: no cover - slugs are validated when read
            raise PagefindError(f"{shard.directory}: a slug is not a plain one")
        with tempfile.TemporaryFile() as log:
            process = start_child([*pagefind_command(site_dir, target, language), "--glob", glob], log)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise PagefindError(
                    f"Pagefind did not finish indexing {shard.directory} in {timeout:.0f} s "
                    "(UA_SEARCH_TIMEOUT): stopped"
                ) from None
            finally:
                stop_child(process)
            if process.returncode != 0:
                raise PagefindError(f"Pagefind failed ({process.returncode}) on {shard.directory}: {read_log(log)}")
        tidy_index(target)


class Merge:
    """The merge of the shards into the published index, running in a child process
    (its memory is not the build's) that dies with the build: :meth:`finish` waits
    for it, :meth:`stop` ends it."""

    def __init__(self, site_dir: str, shards: list[Shard], discard=shutil.rmtree,
                 cache_dir: str | None = None, previous: str | None = None):  # fmt: skip
        self.process, self.log, self.output = None, None, ""
        target = os.path.join(site_dir, INDEX)
        if os.path.lexists(target):
            discard(target)
        if not shards:
            return
        sources = [os.path.join(site_dir, shard.directory) for shard in merge_order(shards)]
        options = ["--cache", cache_dir] if cache_dir else []
        if cache_dir and previous and os.path.isdir(os.path.join(previous, INDEX)):
            options += ["--previous", os.path.join(previous, INDEX)]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the merge runs, closed in finish/stop
        try:
            self.process = start_child([sys.executable, MERGE_SCRIPT, *options, target, *sources], self.log)
        except BaseException:
            self.stop()
            raise

    def finish(self, timeout: float) -> None:
        """Wait for the merge (at most ``timeout`` s); raise :class:`PagefindError` if it failed."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PagefindError(f"The search shards were not merged in {timeout:.0f} s (UA_SEARCH_TIMEOUT)") from None
        finally:
            self.stop()
        if self.process.returncode != 0:
            raise PagefindError(f"Merging the search shards failed ({self.process.returncode}): {self.output}")

    def stop(self) -> None:
        """End the merge if it still runs (the build failed); keep what it wrote to its log."""
        stop_child(self.process)
        if self.log is not None and not self.log.closed:
            self.output = read_log(self.log)
            self.log.close()


def merge_shards(site_dir: str, shards: list[Shard], timeout: float, discard=shutil.rmtree,
                 cache_dir: str | None = None, previous: str | None = None) -> None:  # fmt: skip
    """Merge the shards' indexes into the one the search page loads (``pagefind/``),
    the newest shard's pages first (:func:`~urgent_actions.site.search.merge_order`); an
    index already there is ``discard``-ed first (its files may be another output's: never
    written in place). The merge runs in a child process (:class:`Merge`).

    With a ``cache_dir`` kept between builds and the ``previous`` output, the merge
    decodes only the shards it has not read before and links the files of the
    previous merged index whose content is the same (:func:`pagefind_merge.merge`)."""
    Merge(site_dir, shards, discard, cache_dir, previous).finish(timeout)
