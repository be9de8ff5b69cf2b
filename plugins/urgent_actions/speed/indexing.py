"""Search with Pagefind, run on the finished site before it is published.

The index and Pagefind's JavaScript are written into the site itself: nothing
is loaded from elsewhere. Only action pages are indexed (``data-pagefind-body``),
with filters for state, country and theme.

Pagefind holds a whole index in memory (about 130 MiB per 1,000 action pages)
and cannot update an index, so the index is made of *shards* by publication
year, each of at most ``UA_SEARCH_SHARD_SIZE`` pages (a year with more is one
shard; a small archive has smaller shards, :func:`shard_size`): the newest in
``pagefind/``, older ones in ``pagefind-<years>/``. The search page merges
them (``mergeIndex``). A shard whose pages have the same
incremental-build keys as in the previous output is hard-linked from it; only
the others are indexed again, each by its own Pagefind process, so memory stays that of one
shard and an edit costs one shard.
"""

from __future__ import annotations

import atexit
import errno
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from ..content.loading import action_save_as
from ..content.model import SLUG_RE
from ..site.outputs import Output
from . import output_swap, pagefind_pages
from .incremental import fingerprint

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


# A small archive's shards are made smaller until it has about this many.
SHARDS_WANTED = 10


def shard_size(pages: int, largest: int, smallest: int) -> int:
    """The pages a shard may hold in an archive of ``pages``: ``largest``, or for a
    smaller archive the first of ``smallest``, twice, four times… as many that
    leaves it at most about :data:`SHARDS_WANTED` shards."""
    size = smallest
    while size < largest and pages > SHARDS_WANTED * size:
        size *= 2
    return min(size, largest)


def plan(actions, size: int, smallest: int | None = None) -> list[Shard]:
    """Split the action pages into shards of consecutive years, oldest first,
    of at most ``size`` pages (:func:`shard_size` with ``smallest``).

    Years are grouped from the oldest on, so adding this year's actions only
    ever changes the newest shard; the newest is always ``pagefind/``.
    """
    if smallest is not None:
        size = shard_size(len(actions), size, smallest)
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
    _plan = plan(build.site.actions, build.ua["UA_SEARCH_SHARD_SIZE"], build.ua["UA_SEARCH_SHARD_SIZE_MIN"])
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


# Pagefind started on the shards the edited actions' pages were in at the last
# build, before this one has read anything (speculate); start_index adopts those
# whose shard turns out to be the same pages, with only the edited ones new.
_speculative: dict[str, _Job] = {}


def plan_note() -> dict[str, tuple[str, ...]]:
    """This run's shards (directory: pages), for the next run's :func:`speculate`."""
    return {shard.directory: shard.pages for shard in _plan or []}


def speculate(published: str, shards: dict | None, before: dict, now: dict, actions_dir: str,
              language: str, jobs: int) -> None:  # fmt: skip
    """Start indexing the shards that hold the pages of the edited actions, as the
    last build made them (``shards``), when only action files were edited (``before``
    and ``now``: the content files' stat keys then and now).

    Pagefind reads the other pages from the ``published`` output, and waits for
    the edited ones (named pipes) until :func:`start_index` knows them: it indexes
    a thousand pages while the build loads its caches and reads.
    """
    drop_speculation()
    if not shards or not os.path.isdir(published):
        return
    pages = set()
    for path in before.keys() | now.keys():
        if before.get(path) == now.get(path):
            continue
        folder, name = os.path.split(path)
        if folder != actions_dir or not name.endswith(".md") or path not in before or path not in now:
            return  # an action added or removed, or another file: shards may move, pages change
        pages.add(action_save_as(name[:-3]))
    chosen = [Shard(d, tuple(p)) for d, p in shards.items() if not pages.isdisjoint(p)]
    if not chosen or len(chosen) > max(1, jobs):
        return
    parent = os.path.dirname(os.path.abspath(published))
    for shard in chosen:
        out_dir = tempfile.mkdtemp(prefix=".pagefind-out-", dir=parent)
        try:
            _speculative[shard.directory] = _Job(
                shard, published, out_dir, language, pages.intersection(shard.pages), out_dir
            )
        except OSError as exc:
            shutil.rmtree(out_dir, ignore_errors=True)
            drop_speculation()
            logger.info("Search: could not start indexing early (%s)", exc)
            return


def drop_speculation() -> None:
    """Stop the speculative indexing nobody adopted."""
    while _speculative:
        _speculative.popitem()[1].stop()


def _fits(job: _Job, shard: Shard, page_keys: dict | None, published_as_recorded) -> bool:
    """Whether a speculative ``job`` indexes ``shard`` as this build has it: the same
    pages, every one but those it waits for the very file of the last build
    (``published_as_recorded(page, content_key)``)."""
    if job.process.poll() is not None or job.shard.pages != shard.pages or not page_keys:
        return False
    return all(
        page in job.fifos or published_as_recorded(page, page_keys.get(page)) for page in shard.pages
    )


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
    published_as_recorded=None,
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

    def remove(path: str) -> None:
        # A shard directory of a spare: moved away, removed beside the build.
        if previous:
            output_swap.discard_beside(path, previous)
        else:
            shutil.rmtree(path)

    if renovation is not None:
        planned = {shard.directory for shard in shards or []}
        for name in os.listdir(site_dir):
            if (name == INDEX or name.startswith(DIRECTORY_PREFIXES[1])) and name not in planned:
                remove(os.path.join(site_dir, name))
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
                remove(target)
            _link_tree(old, target)
            counts["reused"] += 1
        else:
            if renovation is not None and os.path.lexists(target):
                remove(target)
            stale.append(shard)
    counts["indexed"] = len(stale)
    adopted = []
    for shard in list(stale):
        job = _speculative.pop(shard.directory, None)
        if job is not None and published_as_recorded is not None and _fits(job, shard, page_keys, published_as_recorded):
            adopted.append(job)
            stale.remove(shard)
        elif job is not None:
            job.stop()
    drop_speculation()
    if adopted:
        logger.info("Search: %d shard(s) indexed since the build started", len(adopted))
    if gather is not None:
        gather({page for shard in stale for page in shard.pages} | {page for job in adopted for page in job.fifos})
    for job in adopted:
        job.feed(site_dir)
    return Indexing(site_dir, stale, language, jobs, counts, digests, adopted)


class _Job:
    """One Pagefind process indexing one shard, into the shard's directory or, when it
    was started before the build knew where that would be (:func:`speculate`), into
    ``out_dir``. It reads the pages in the site (:func:`_pages_glob`), or, when some
    are named pipes, from a directory of their own (``pages_dir``)."""

    def __init__(self, shard: Shard, site_dir: str, target: str, language: str, fifos=frozenset(), out_dir=None):
        self.shard, self.fifos, self.out_dir, self.feeder = shard, frozenset(fifos), out_dir, None
        self.feed_error: BaseException | None = None
        # Without pipes, Pagefind reads the shard's pages where they are, chosen by a glob.
        glob = None if self.fifos else _pages_glob(shard.pages)
        self.pages_dir = None
        if glob is None:
            self.pages_dir = tempfile.mkdtemp(prefix=".pagefind-pages-", dir=os.path.dirname(os.path.abspath(site_dir)))
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - open while Pagefind runs, closed in finish/stop
        try:
            if glob is not None:
                command = [*_pagefind_command(site_dir, out_dir or target, language), "--glob", glob]
            else:
                command = _indexing_command(site_dir, shard, self.pages_dir, out_dir or target, language, self.fifos)
            self.process = subprocess.Popen(command, stdout=self.log, stderr=self.log)
        except BaseException:
            self.stop()
            raise

    def feed(self, site_dir: str) -> None:
        """Give Pagefind the pages it waits for (named pipes), from ``site_dir``, in a thread."""
        self.feeder = threading.Thread(target=self._feed, args=(site_dir,), daemon=True)
        self.feeder.start()

    def _feed(self, site_dir: str) -> None:
        try:
            self._write_pipes(site_dir)
        except BaseException as exc:  # noqa: BLE001 - Pagefind would wait for ever: stop it, finish() reports
            self.feed_error = exc
            self.process.kill()

    def _write_pipes(self, site_dir: str) -> None:
        for page in sorted(self.fifos):
            with open(os.path.join(site_dir, page), "rb") as handle:
                data = handle.read()
            pipe = os.path.join(self.pages_dir, page)
            while True:  # Pagefind opens the pipe when it comes to that page
                try:
                    fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
                    break
                except OSError as exc:
                    if exc.errno != errno.ENXIO or self.process.poll() is not None:
                        return  # Pagefind stopped: finish() reports it
                    time.sleep(0.002)
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)

    def finish(self, target: str) -> None:
        """After Pagefind exited: report its failure, or put its index in place."""
        if self.feeder is not None:
            self.feeder.join()
        if self.pages_dir is not None:
            output_swap.remove_beside(self.pages_dir)  # beside the build's last steps
        self.log.seek(0)
        output = self.log.read().decode("utf-8", "replace").strip()
        self.log.close()
        if self.feed_error is not None:
            raise RuntimeError(f"Pagefind could not be given the pages it waited for: {self.feed_error}")
        if self.process.returncode != 0:
            raise RuntimeError(f"Pagefind failed ({self.process.returncode}): {output}")
        if self.out_dir is not None:
            os.rename(self.out_dir, target)
        for name in os.listdir(target):
            if name.startswith(_UNUSED):
                os.remove(os.path.join(target, name))

    def stop(self) -> None:
        process = getattr(self, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if self.feeder is not None:
            self.feeder.join()
        if self.pages_dir is not None:
            shutil.rmtree(self.pages_dir, ignore_errors=True)
        if self.out_dir is not None:
            shutil.rmtree(self.out_dir, ignore_errors=True)
        self.log.close()


class Indexing:
    """Pagefind processes indexing shards beside the build; :meth:`wait` for them.

    No thread is involved (the build may fork its render workers meanwhile)
    but a short-lived one per adopted speculative job, which writes the few
    pages that Pagefind waits for into their pipes: up to ``jobs`` processes
    run at once (Pagefind uses about one and a half cores: two at once keep
    both busy), the next ones start as they end.
    """

    def __init__(self, site_dir: str, stale: list[Shard], language: str, jobs: int, counts: dict, digests: dict,
                 adopted=()):  # fmt: skip
        self.site_dir, self.language, self.jobs = site_dir, language, max(1, jobs)
        self.counts, self.digests = counts, digests
        self._queue = list(stale)
        self._running: list[_Job] = list(adopted)
        _started.append(self)
        self._fill()

    def _target(self, shard: Shard) -> str:
        return os.path.abspath(os.path.join(self.site_dir, shard.directory))

    def _fill(self) -> None:
        while self._queue and len(self._running) < self.jobs:
            shard = self._queue.pop(0)
            self._running.append(_Job(shard, self.site_dir, self._target(shard), self.language))

    def directories(self) -> set[str]:
        """The shard directories not written yet (queued or being indexed)."""
        return {shard.directory for shard in self._queue} | {job.shard.directory for job in self._running}

    def wait(self) -> tuple[dict, dict[str, str]]:
        """Wait for every shard; how many were indexed and reused, and the digests to record."""
        try:
            while self._running:
                done = [job for job in self._running if job.process.poll() is not None]
                if not done:
                    time.sleep(0.02)
                    continue
                for job in done:
                    self._running.remove(job)
                    job.finish(self._target(job.shard))
                self._fill()
        finally:
            self.stop()
        return self.counts, self.digests

    def stop(self) -> None:
        """Stop what still runs (the build failed) and remove the pages' directories."""
        self._queue.clear()
        while self._running:
            self._running.pop().stop()
        if self in _started:
            _started.remove(self)


# Indexings not waited for (a build that failed): stopped when the process exits.
_started: list[Indexing] = []


@atexit.register
def _stop_all() -> None:
    while _started:
        _started[-1].stop()  # removes itself
    drop_speculation()


def _pages_glob(pages) -> str | None:
    """A glob (Pagefind's ``--glob``, relative to the site) that matches these pages and
    no other file, when they are all action pages; otherwise None.

    Pagefind then reads them in the staging directory: the thousand directories
    and links of a directory of the shard's own (:func:`_indexing_command`),
    made and removed for each shard, cost more than Pagefind's walk of the site
    (10,000 actions, a shard of 1,000 pages: 2.9 to 3.3 s of CPU and 2.0 to 2.3 s,
    against 2.75 to 2.9 s of CPU and 1.8 to 1.9 s with the glob)."""
    head, tail = action_save_as("\0").split("\0")  # "actions/", "/index.html"
    slugs = [page[len(head) : -len(tail)] for page in pages]
    # A slug (content.SLUG_RE) holds no glob syntax.
    if not slugs or not all(SLUG_RE.fullmatch(s) and action_save_as(s) == p for s, p in zip(slugs, pages)):
        return None
    return head + "{" + ",".join(slugs) + "}" + tail


def _indexing_command(
    site_dir: str, shard: Shard, pages_dir: str, target: str, language: str, fifos=frozenset()
) -> list[str]:
    """Pagefind on a directory holding only this shard's pages (hard links, or
    named pipes for ``fifos``), made first by the same process
    (``pagefind_pages.py``), beside the build."""
    with open(os.path.join(pages_dir, pagefind_pages.LIST), "w", encoding="utf-8") as handle:
        handle.write("\n".join(shard.pages))
    if fifos:
        with open(os.path.join(pages_dir, pagefind_pages.PIPES), "w", encoding="utf-8") as handle:
            handle.write("\n".join(sorted(fifos)))
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
