"""Search with Pagefind, run on the finished site before it is published.

The index and Pagefind's JavaScript are written into the site itself: nothing
is loaded from elsewhere. Only action pages are indexed (``data-pagefind-body``),
with filters for state, country and theme.

Pagefind holds a whole index in memory (about 130 MiB per 1,000 action pages)
and cannot update an index, so the index is made of *shards* by publication
year, each of at most ``UA_SEARCH_SHARD_SIZE`` pages (a year with more is one
shard): the newest in ``pagefind/``, older ones in ``pagefind-<years>/``. The
search page merges them (``mergeIndex``). A shard whose pages have the same
incremental-build keys as in the previous output is hard-linked from it; only
the others are indexed again, each by its own Pagefind process, so memory stays that of one
shard and an edit costs one shard.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass

from . import output_swap, pagefind_pages
from .incremental import fingerprint
from .outputs import Output

logger = logging.getLogger(__name__)

INDEX = "pagefind"
# Where the shards' files are, relative to the site root.
DIRECTORY_PREFIXES = (INDEX + "/", INDEX + "-")
# Pagefind's own search interfaces: the site has its own (theme/static/js/search.js).
_UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


@dataclass(frozen=True)
class Shard:
    directory: str  # relative to the site root: "pagefind" or "pagefind-1990-1994"
    pages: tuple[str, ...]  # the pages it indexes (``save_as``), sorted


def plan(actions, size: int) -> list[Shard]:
    """Split the action pages into shards of consecutive years, oldest first.

    Years are grouped from the oldest on, so adding this year's actions only
    ever changes the newest shard; the newest is always ``pagefind/``.
    """
    by_year: dict[int, list[str]] = defaultdict(list)
    for action in actions:
        by_year[action.front.date.year].append(action.save_as)
    groups: list[list[int]] = []
    count = 0
    for year in sorted(by_year):
        if groups and count + len(by_year[year]) <= size:
            groups[-1].append(year)
            count += len(by_year[year])
        else:
            groups.append([year])
            count = len(by_year[year])
    shards = []
    for number, years in enumerate(groups):
        if number == len(groups) - 1:
            directory = INDEX
        elif years[0] == years[-1]:
            directory = f"{INDEX}-{years[0]}"
        else:
            directory = f"{INDEX}-{years[0]}-{years[-1]}"
        shards.append(Shard(directory, tuple(sorted(p for y in years for p in by_year[y]))))
    return shards


# The plan of this run, from ``outputs`` (generator) to ``build_index`` (finalized).
_plan: list[Shard] | None = None


def outputs(build):
    global _plan
    _plan = plan(build.site.actions, build.ua["UA_SEARCH_SHARD_SIZE"])
    # Merged by search.js after the primary index (pagefind/).
    shards = [s.directory for s in reversed(_plan) if s.directory != INDEX]
    yield Output(
        build.ua["UA_URLS"]["search"] + "index.html",
        template="search",
        context={"page_name": "search", "search_shards": shards},
        key=fingerprint("search", shards),
    )


def _pages_digest(pages, page_keys: dict[str, str] | None) -> str | None:
    """A digest of a shard's pages from their incremental-build keys (a key
    changes whenever the page's bytes may), or None without them: no reuse."""
    if page_keys and all(page in page_keys for page in pages):
        return fingerprint(*((page, page_keys[page]) for page in pages))
    return None


def _inodes(root: str) -> dict[str, int]:
    """Every file under ``root``: relative path -> inode (read from the directory entries)."""
    found: dict[str, int] = {}

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                else:
                    found[prefix + entry.name] = entry.inode()

    walk(root, "")
    return found


def _link_tree(source: str, target: str) -> None:
    for root, _dirs, files in os.walk(source):
        relative = os.path.relpath(root, source)
        os.makedirs(os.path.join(target, relative), exist_ok=True)
        for name in files:
            os.link(os.path.join(root, name), os.path.join(target, relative, name))


def indexed_pages() -> set[str]:
    """The pages this run's shards index (``save_as``)."""
    return {page for shard in _plan or [] for page in shard.pages}


# This run's indexing, from ``start`` (generator) to ``finish`` (finalized).
_running: Indexing | None = None


def start(site_dir: str, **options) -> None:
    """Start indexing (:func:`start_index`) for :func:`finish` to wait for."""
    global _running
    _running = start_index(site_dir, **options)


def busy_directories() -> set[str]:
    """The shard directories the indexing :func:`start` began is still to write."""
    return _running.directories() if _running is not None else set()


def finish() -> tuple[dict, dict[str, str]]:
    """Wait for the indexing :func:`start` began."""
    global _running
    indexing, _running = _running, None
    if indexing is None:
        raise RuntimeError("search.finish() without search.start()")
    return indexing.wait()


def build_index(site_dir: str, **options) -> tuple[dict, dict[str, str]]:
    """Index the action pages of ``site_dir`` now (:func:`start_index`, then wait)."""
    return start_index(site_dir, **options).wait()


def start_index(
    site_dir: str,
    previous: str | None = None,
    shards: list[Shard] | None = None,
    language: str = "fr",
    page_keys: dict[str, str] | None = None,
    recorded: dict[str, str] | None = None,
    jobs: int = 1,
    renovation=None,
    gather=None,
) -> Indexing:
    """Start indexing the action pages of ``site_dir`` with Pagefind, shard by shard.

    ``recorded`` holds, for each shard directory of the ``previous`` output,
    the digest of the pages it was made from (the incremental build's cache
    keeps it): a shard whose digest is the same is reused (hard links:
    Pagefind's files are never written in place); the others are indexed by
    Pagefind processes, up to ``jobs`` at once, which run beside the build
    until :meth:`Indexing.wait`.

    With a ``renovation`` (the staging directory is a spare output), a reused
    shard whose directory there already holds the previous output's very
    files is left as it is; any other shard directory there is deleted first
    (its files may be the published output's: Pagefind must not write into
    them), as is every shard directory that is no longer planned.
    """
    shards = _plan if shards is None else shards
    recorded = recorded or {}
    counts, digests, stale = {"indexed": 0, "reused": 0}, {}, []
    if renovation is not None:
        planned = {shard.directory for shard in shards or []}
        for name in os.listdir(site_dir):
            if (name == INDEX or name.startswith(DIRECTORY_PREFIXES[1])) and name not in planned:
                shutil.rmtree(os.path.join(site_dir, name))
    for shard in shards or []:
        digest = _pages_digest(shard.pages, page_keys)
        if digest is not None:
            digests[shard.directory] = digest
        target = os.path.join(site_dir, shard.directory)
        old = os.path.join(previous, shard.directory) if previous else None
        if (
            old
            and digest is not None
            and recorded.get(shard.directory) == digest
            and os.path.isfile(os.path.join(old, "pagefind-entry.json"))
        ):
            if renovation is not None and os.path.isdir(target):
                if _inodes(old) == _inodes(target):
                    counts["reused"] += 1
                    continue
                shutil.rmtree(target)
            _link_tree(old, target)
            counts["reused"] += 1
        else:
            if renovation is not None and os.path.lexists(target):
                shutil.rmtree(target)
            stale.append(shard)
    counts["indexed"] = len(stale)
    if gather is not None:
        gather({page for shard in stale for page in shard.pages})
    return Indexing(site_dir, stale, language, jobs, counts, digests)


class Indexing:
    """Pagefind processes indexing shards beside the build; :meth:`wait` for them.

    No thread is involved (the build may fork its render workers meanwhile):
    up to ``jobs`` processes run at once (Pagefind uses about one and a half
    cores: two at once keep both busy), the next ones start as they end.
    """

    def __init__(self, site_dir: str, stale: list[Shard], language: str, jobs: int, counts: dict, digests: dict):
        self.site_dir, self.language, self.jobs = site_dir, language, max(1, jobs)
        self.counts, self.digests = counts, digests
        self._queue = list(stale)
        self._running: list[tuple[Shard, str, subprocess.Popen, object]] = []
        _started.append(self)
        self._fill()

    def _fill(self) -> None:
        while self._queue and len(self._running) < self.jobs:
            shard = self._queue.pop(0)
            pages_dir = tempfile.mkdtemp(
                prefix=".pagefind-pages-", dir=os.path.dirname(os.path.abspath(self.site_dir))
            )
            log = tempfile.TemporaryFile()  # noqa: SIM115 - open while Pagefind runs, closed in _finish/stop
            target = os.path.abspath(os.path.join(self.site_dir, shard.directory))
            try:
                command = _indexing_command(self.site_dir, shard, pages_dir, target, self.language)
                process = subprocess.Popen(command, stdout=log, stderr=log)
            except BaseException:
                shutil.rmtree(pages_dir, ignore_errors=True)
                log.close()
                raise
            self._running.append((shard, pages_dir, process, log))

    def directories(self) -> set[str]:
        """The shard directories not written yet (queued or being indexed)."""
        return {shard.directory for shard in self._queue} | {job[0].directory for job in self._running}

    def wait(self) -> tuple[dict, dict[str, str]]:
        """Wait for every shard; how many were indexed and reused, and the digests to record."""
        try:
            while self._running:
                done = [job for job in self._running if job[2].poll() is not None]
                if not done:
                    time.sleep(0.02)
                    continue
                for job in done:
                    self._running.remove(job)
                    self._finish(*job)
                self._fill()
        finally:
            self.stop()
        return self.counts, self.digests

    def _finish(self, shard: Shard, pages_dir: str, process: subprocess.Popen, log) -> None:
        output_swap.remove_beside(pages_dir)  # beside the build's last steps
        log.seek(0)
        output = log.read().decode("utf-8", "replace").strip()
        log.close()
        if process.returncode != 0:
            raise RuntimeError(f"Pagefind failed ({process.returncode}): {output}")
        target = os.path.join(self.site_dir, shard.directory)
        for name in os.listdir(target):
            if name.startswith(_UNUSED):
                os.remove(os.path.join(target, name))

    def stop(self) -> None:
        """Stop what still runs (the build failed) and remove the pages' directories."""
        self._queue.clear()
        while self._running:
            _shard, pages_dir, process, log = self._running.pop()
            if process.poll() is None:
                process.kill()
                process.wait()
            shutil.rmtree(pages_dir, ignore_errors=True)
            log.close()
        if self in _started:
            _started.remove(self)


# Indexings not waited for (a build that failed): stopped when the process exits.
_started: list[Indexing] = []


@atexit.register
def _stop_all() -> None:
    while _started:
        _started[-1].stop()  # removes itself


def _indexing_command(site_dir: str, shard: Shard, pages_dir: str, target: str, language: str) -> list[str]:
    """Pagefind on a directory holding only this shard's pages (hard links),
    made first by the same process (``pagefind_pages.py``), beside the build."""
    with open(os.path.join(pages_dir, pagefind_pages.LIST), "w", encoding="utf-8") as handle:
        handle.write("\n".join(shard.pages))
    return [
        sys.executable, "-I", "-S", pagefind_pages.__file__, os.path.abspath(site_dir), pages_dir,
        *_pagefind_command(pages_dir, target, language),
    ]  # fmt: skip


def _pagefind_command(pages_dir: str, target: str, language: str) -> list[str]:
    from pagefind_bin import get_executable

    return [
        str(get_executable()), "--site", pages_dir, "--output-path", target,
        "--silent", "--force-language", language,
    ]  # fmt: skip
