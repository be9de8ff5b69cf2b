"""Search index scheduling: reuse unchanged shards, index the others beside the build.

The search index is made of shards (:mod:`urgent_actions.site.search`). A shard
whose pages have the same page keys as in the previous output is hard-linked
from it; only the others are indexed again, each by its own Pagefind process,
up to ``UA_SEARCH_JOBS`` at once, while the build renders the rest of the site.
Once they are all done, they are merged into the published index.

When only action files were edited, Pagefind even starts before the build has
read anything (:meth:`SearchIndexer.speculate`), on the shards that hold the
edited actions' pages: it reads the other pages from the published output and
waits for the edited ones, which are named pipes that the build fills once it
has rendered them. That wait is the delicate part, and it is bounded on every
side:

- the pipes are made by the build before Pagefind starts (never a pipe that
  does not exist yet when the build comes to write it);
- the thread that fills them gives up after ``timeout`` seconds, or as soon as
  Pagefind exits; when it gives up it kills Pagefind, so Pagefind never waits
  for a writer that will not come;
- :meth:`Indexing.wait` polls with a deadline, and stops a job whose feeder
  died without feeding it;
- every Pagefind process dies with the build (:func:`urgent_actions.children.start_child`),
  and :meth:`SearchIndexer.stop` ends whatever still runs when the build fails.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
import time

from .. import urls
from ..render import pagefind
from ..render.pagefind import PagefindError
from ..site.keys import fingerprint
from ..site.search import DIRECTORY_PREFIXES, INDEX, Shard
from . import output_swap
from .pagefind_job import Job

logger = logging.getLogger(__name__)


def pages_digest(pages, page_keys: dict[str, str] | None) -> str | None:
    """A digest of a shard's pages from their page keys (a key changes whenever
    the page's bytes may), or None without them: no reuse."""
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


class Indexing:
    """Pagefind processes indexing shards beside the build; :meth:`wait` for them.

    Up to ``jobs`` processes run at once (Pagefind uses about one and a half
    cores: two at once keep both busy), and no more than one when that would
    index over ``pages_at_once`` pages at once (Pagefind's memory grows with
    the pages it holds); the next ones start as they end.
    """

    def __init__(self, site_dir: str, stale: list[Shard], language: str, jobs: int, timeout: float,
                 counts: dict, digests: dict, removals: output_swap.Removals, adopted=(),
                 pages_at_once: int | None = None):  # fmt: skip
        self.site_dir, self.language, self.jobs, self.timeout = site_dir, language, max(1, jobs), timeout
        self.pages_at_once = pages_at_once
        self.counts, self.digests, self.removals = counts, digests, removals
        self._queue = list(stale)
        self._running: list[Job] = list(adopted)
        self._fill()

    def _target(self, shard: Shard) -> str:
        return os.path.abspath(os.path.join(self.site_dir, shard.directory))

    def _fill(self) -> None:
        while self._queue and len(self._running) < self.jobs and self._fits(self._queue[0]):
            shard = self._queue.pop(0)
            self._running.append(Job(shard, self.site_dir, self._target(shard), self.language, self.timeout))

    def _fits(self, shard: Shard) -> bool:
        """Whether ``shard`` may be indexed beside the jobs running (always, when none runs)."""
        if self.pages_at_once is None or not self._running:
            return True
        return sum(len(job.shard.slugs) for job in self._running) + len(shard.slugs) <= self.pages_at_once

    def directories(self) -> set[str]:
        """The shard directories not written yet (queued or being indexed)."""
        return {shard.directory for shard in self._queue} | {job.shard.directory for job in self._running}

    def poll(self) -> bool:
        """One look at the jobs, without waiting: stop a starved one, fail an overdue one
        (:class:`PagefindError`), finish those that ended and start the next ones;
        whether every shard is done."""
        for job in self._running:
            if job.process.poll() is None and job.starved():
                job.process.kill()  # its feeder reports why (finish)
            elif job.process.poll() is None and job.overdue():
                raise PagefindError(
                    f"Pagefind did not finish indexing {job.shard.directory} in {self.timeout:.0f} s "
                    "(UA_SEARCH_TIMEOUT): stopped"
                )
        done = [job for job in self._running if job.process.poll() is not None]
        for job in done:
            self._running.remove(job)
            job.finish(self._target(job.shard), self.removals)
        if done:
            self._fill()
        return not self._running

    def wait(self) -> tuple[dict, dict[str, str]]:
        """Wait for every shard; how many were indexed and reused, and the digests to record.
        Raise :class:`PagefindError` when one fails, starves or takes too long."""
        try:
            while not self.poll():
                time.sleep(0.02)
        finally:
            self.stop()
        return self.counts, self.digests

    def stop(self) -> None:
        """Stop what still runs (the build failed) and remove the pages' directories."""
        self._queue.clear()
        while self._running:
            self._running.pop().stop()


class SearchIndexer:
    """A build's search indexing, from the early start to the last wait.

    In the order a build calls it: :meth:`speculate` (before reading),
    :meth:`start` (once the indexed pages are rendered), :meth:`busy_directories`
    and :meth:`wait` (before publishing); :meth:`stop` at any time ends every
    Pagefind process it started.
    """

    def __init__(self, language: str, jobs: int, timeout: float, removals: output_swap.Removals | None = None,
                 pages_at_once: int | None = None):  # fmt: skip
        self.language, self.jobs, self.timeout, self.pages_at_once = language, jobs, timeout, pages_at_once
        # What it removes beside the build (pages' directories, shards of a spare):
        # the build's, which joins them at its end.
        self.removals = removals if removals is not None else output_swap.Removals()
        # Started on the shards the edited actions' pages were in at the last build
        # (speculate); start() adopts those whose shard has the same pages.
        self._speculative: dict[str, Job] = {}
        self._indexing: Indexing | None = None
        # The merge, once started (advance or wait), and when it was.
        self._merging: pagefind.Merge | None = None
        self._merge_started: float | None = None
        # What wait() merges: the site's directory, its shards, the previous output, and
        # whether that output's merged index is of these very shards (reused when none changes).
        self._merge = None

    def speculate(self, published: str, shards: dict | None, before: dict, now: dict, actions_dir: str) -> None:
        """Start indexing the shards that hold the pages of the edited actions, as the
        last build made them (``shards``: directory -> the slugs of its actions), when
        only action files were edited (``before`` and ``now``: the content files' stat
        keys then and now).

        Pagefind reads the other pages from the ``published`` output, and waits for
        the edited ones (named pipes) until :meth:`start` knows them: it indexes
        a thousand pages while the build loads its caches and reads.
        """
        self.drop_speculation()
        if not shards or not os.path.isdir(published):
            return
        pages = set()
        for path in before.keys() | now.keys():
            if before.get(path) == now.get(path):
                continue
            folder, name = os.path.split(path)
            if folder != actions_dir or not name.endswith(".md") or path not in before or path not in now:
                return  # an action added or removed, or another file: shards may move, pages change
            pages.add(urls.action_save_as(urls.slug_of(name)))
        recorded = [Shard(directory, tuple(slugs)) for directory, slugs in shards.items()]
        chosen = [shard for shard in recorded if not pages.isdisjoint(shard.pages)]
        if not chosen or len(chosen) > max(1, self.jobs):
            return
        parent = os.path.dirname(os.path.abspath(published))
        for shard in chosen:
            out_dir = tempfile.mkdtemp(prefix=".pagefind-out-", dir=parent)
            try:
                self._speculative[shard.directory] = Job(
                    shard, published, out_dir, self.language, self.timeout, pages.intersection(shard.pages), out_dir
                )
            except OSError as exc:
                shutil.rmtree(out_dir, ignore_errors=True)
                self.drop_speculation()
                logger.info("Search: could not start indexing early (%s)", exc)
                return

    def drop_speculation(self) -> None:
        """Stop the speculative indexing nobody adopted."""
        while self._speculative:
            self._speculative.popitem()[1].stop()

    @staticmethod
    def _fits(job: Job, shard: Shard, page_keys: dict | None, published_as_recorded) -> bool:
        """Whether a speculative ``job`` indexes ``shard`` as this build has it: the same
        pages, every one but those it waits for the very file of the last build
        (``published_as_recorded(page, content_key)``)."""
        if job.process.poll() is not None or job.shard.pages != shard.pages or not page_keys:
            return False
        return all(page in job.fifos or published_as_recorded(page, page_keys.get(page)) for page in shard.pages)

    def start(self, site_dir: str, shards: list[Shard], previous: str | None = None, cache=None,
              gather=None) -> None:  # fmt: skip
        """Start indexing the action pages of ``site_dir``, shard by shard.

        With the build's ``cache`` (:class:`~urgent_actions.speed.cache.BuildCache`)
        of the ``previous`` output: a shard whose pages have the page keys its
        index was made from (``cache.old_search``) is reused from there (hard
        links: Pagefind's files are never written in place); the others are
        indexed by Pagefind processes that run beside the build until :meth:`wait`.

        When the staging directory is a spare output (``cache.renovation``), a
        reused shard whose directory there already holds the previous output's
        very files is left as it is; any other shard directory there is removed
        first (its files may be the published output's: Pagefind must not write
        into them), as is every shard directory that is no longer planned.
        ``gather(pages)`` is called with the pages Pagefind is about to read.
        """
        page_keys = cache.content_keys() if cache is not None else None
        renovating = cache is not None and cache.renovation is not None
        if renovating:
            self._remove_unplanned(site_dir, shards, previous)
        recorded = cache.old_search if cache is not None else {}
        same_shards = bool(previous) and set(recorded) == {shard.directory for shard in shards}
        reusable = same_shards and os.path.isdir(os.path.join(previous, INDEX))
        merge_cache = cache.search_merge_dir if cache is not None else None
        self._merge = site_dir, shards, previous, reusable, merge_cache
        self._merging, self._merge_started = None, None
        counts, digests, stale = self._reuse_unchanged(site_dir, shards, previous, recorded, page_keys, renovating)
        counts["indexed"] = len(stale)
        published_as_recorded = cache.published_as_recorded if cache is not None else None
        stale, adopted = self._adopt_speculation(stale, page_keys, published_as_recorded)
        if adopted:
            logger.info("Search: %d shard(s) indexed since the build started", len(adopted))
        try:
            if gather is not None:
                gather({page for shard in stale for page in shard.pages} | {p for job in adopted for p in job.fifos})
            for job in adopted:
                job.feed(site_dir)
            self._indexing = Indexing(
                site_dir, stale, self.language, self.jobs, self.timeout, counts, digests, self.removals, adopted,
                self.pages_at_once,
            )  # fmt: skip
        except BaseException:
            for job in adopted:
                job.stop()
            raise

    def _remove_shard_directory(self, path: str, previous: str | None) -> None:
        """Remove a shard directory of a spare: moved away, removed beside the build."""
        if previous:
            self.removals.discard_beside(path, previous)
        else:
            shutil.rmtree(path)

    def _remove_unplanned(self, site_dir: str, shards: list[Shard], previous: str | None) -> None:
        """Remove the spare's shard directories that this build does not plan."""
        planned = {shard.directory for shard in shards} | {INDEX}  # the merged index: wait() sees to it
        for name in os.listdir(site_dir):
            if name.startswith(DIRECTORY_PREFIXES[1]) and name not in planned:
                self._remove_shard_directory(os.path.join(site_dir, name), previous)

    def _reuse_unchanged(self, site_dir: str, shards: list[Shard], previous: str | None, recorded: dict,
                         page_keys: dict | None, renovating: bool) -> tuple[dict, dict, list[Shard]]:  # fmt: skip
        """Link from ``previous`` every shard whose pages have the keys its index was made
        from; return the counts, every shard's digest, and the shards to index again."""
        counts, digests, stale = {"indexed": 0, "reused": 0}, {}, []
        for shard in shards:
            digest = pages_digest(shard.pages, page_keys)
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
                self._reuse_shard(old, target, previous, renovating)
                counts["reused"] += 1
            else:
                if renovating and os.path.lexists(target):
                    self._remove_shard_directory(target, previous)
                stale.append(shard)
        return counts, digests, stale

    def _reuse_shard(self, old: str, target: str, previous: str | None, renovating: bool) -> None:
        """Put the ``old`` index of a shard at ``target``: hard links, unless the spare
        holds its very files there already."""
        if renovating and os.path.isdir(target):
            if _inodes(old) == _inodes(target):
                return
            self._remove_shard_directory(target, previous)
        _link_tree(old, target)

    def _adopt_speculation(self, stale: list[Shard], page_keys: dict | None,
                           published_as_recorded) -> tuple[list[Shard], list[Job]]:  # fmt: skip
        """Adopt the early indexing of the ``stale`` shards it fits, stop the others;
        return the shards still to index and the adopted jobs."""
        adopted, left = [], []
        for shard in stale:
            job = self._speculative.pop(shard.directory, None)
            if (
                job is not None
                and published_as_recorded is not None
                and self._fits(job, shard, page_keys, published_as_recorded)
            ):
                adopted.append(job)
                continue
            if job is not None:
                job.stop()
            left.append(shard)
        self.drop_speculation()
        return left, adopted

    def busy_directories(self) -> set[str]:
        """The directories the indexing is still to write: shards, and the merged index."""
        return self._indexing.directories() | {INDEX} if self._indexing is not None else set()

    def advance(self) -> None:
        """Start the merge once every shard is indexed, without waiting for anything:
        it then runs beside the rest of the build (the build calls this between its
        steps; :meth:`wait` starts it otherwise)."""
        if self._indexing is not None and self._merge_started is None and self._indexing.poll():
            self._start_merge(self._indexing.counts)

    def _start_merge(self, counts: dict) -> None:
        self._merge_started = time.perf_counter()
        site_dir, shards, previous, reusable, merge_cache = self._merge
        if reusable and counts["indexed"] == 0:  # every shard as it was: so is their merge
            self._reuse_shard(os.path.join(previous, INDEX), os.path.join(site_dir, INDEX), previous, True)
        else:
            discard = functools.partial(self._remove_shard_directory, previous=previous)
            self._merging = pagefind.Merge(site_dir, shards, discard, merge_cache, previous)

    def wait(self) -> tuple[dict, dict]:
        """Wait for the indexing :meth:`start` began (bounded: see the module's docstring),
        then for the merge of the shards into the published index."""
        indexing, self._indexing = self._indexing, None
        if indexing is None:
            raise RuntimeError("SearchIndexer.wait() without start()")
        counts, digests = indexing.wait()
        if self._merge_started is None:
            self._start_merge(counts)
        merging, self._merging = self._merging, None
        if merging is not None:
            merging.finish(self.timeout)
        counts["merge"] = time.perf_counter() - self._merge_started
        return counts, digests

    def stop(self) -> None:
        """End every Pagefind process this build started (a failed or interrupted build)."""
        self.drop_speculation()
        indexing, self._indexing = self._indexing, None
        if indexing is not None:
            indexing.stop()
        merging, self._merging = self._merging, None
        if merging is not None:
            merging.stop()
