"""One Pagefind process indexing one shard of the search index (:class:`Job`).

:mod:`urgent_actions.speed.indexing` schedules the jobs; a job starts Pagefind,
feeds it the pages it waits for (named pipes, when it started before the build
had rendered them), and moves its index into place when it is done.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
import tempfile
import threading
import time

from ..children import start_child, stop_child
from ..render import pagefind
from ..render.pagefind import PagefindError
from ..site.search import Shard
from . import output_swap, pagefind_pages

logger = logging.getLogger(__name__)


class Job:
    """One Pagefind process indexing one shard, into the shard's directory or, when it
    was started before the build knew where that would be (speculation), into
    ``out_dir``. It reads the pages in the site (a glob), or, when some are named
    pipes, from a directory of their own (``pages_dir``)."""

    def __init__(self, shard: Shard, site_dir: str, target: str, language: str, timeout: float,
                 fifos=frozenset(), out_dir=None):  # fmt: skip
        self.shard, self.fifos, self.out_dir, self.timeout = shard, frozenset(fifos), out_dir, timeout
        self.feeder: threading.Thread | None = None
        self.fed = threading.Event()  # every pipe written
        self.feed_error: BaseException | None = None
        self.process = None
        self.started = time.monotonic()
        # Without pipes, Pagefind reads the shard's pages where they are, chosen by a glob.
        glob = None if self.fifos else pagefind.pages_glob(shard)
        self.pages_dir = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - open while Pagefind runs, closed in finish/stop
        try:
            if glob is not None:
                command = [*pagefind.pagefind_command(site_dir, out_dir or target, language), "--glob", glob]
            else:
                parent = os.path.dirname(os.path.abspath(site_dir))
                self.pages_dir = tempfile.mkdtemp(prefix=".pagefind-pages-", dir=parent)
                command = self._gather_command(site_dir, out_dir or target, language)
            self.process = start_child(command, self.log)
        except BaseException:
            self.stop()
            raise

    def _gather_command(self, site_dir: str, target: str, language: str) -> list[str]:
        """Pagefind on a directory of this shard's pages: hard links made by the child
        process (``pagefind_pages.py``) beside the build, and the named pipes of
        ``fifos``, made here, before the child starts."""
        for page in self.fifos:
            pipe = os.path.join(self.pages_dir, page)
            os.makedirs(os.path.dirname(pipe), exist_ok=True)
            os.mkfifo(pipe)
        with open(os.path.join(self.pages_dir, pagefind_pages.LIST), "w", encoding="utf-8") as handle:
            handle.write("\n".join(p for p in self.shard.pages if p not in self.fifos))
        return [
            sys.executable, "-I", "-S", pagefind_pages.__file__, os.path.abspath(site_dir), self.pages_dir,
            *pagefind.pagefind_command(self.pages_dir, target, language),
        ]  # fmt: skip

    def feed(self, site_dir: str) -> None:
        """Give Pagefind the pages it waits for (named pipes), from ``site_dir``, in a thread."""
        self.feeder = threading.Thread(target=self._feed, args=(site_dir,), daemon=True, name="pagefind-feeder")
        self.feeder.start()

    def _feed(self, site_dir: str) -> None:
        try:
            self._write_pipes(site_dir)
            self.fed.set()
        except BaseException as exc:  # noqa: BLE001 - Pagefind would wait for ever: stop it, wait() reports
            self.feed_error = exc
            self.process.kill()

    def _write_pipes(self, site_dir: str) -> None:
        deadline = self.started + self.timeout
        for page in sorted(self.fifos):
            with open(os.path.join(site_dir, page), "rb") as handle:
                data = handle.read()
            pipe = os.path.join(self.pages_dir, page)
            while True:  # Pagefind opens the pipe when it comes to that page
                try:
                    fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
                    break
                except OSError as exc:
                    if exc.errno != errno.ENXIO:
                        raise
                if self.process.poll() is not None:
                    raise PagefindError(f"Pagefind exited ({self.process.returncode}) before reading {page}")
                if time.monotonic() > deadline:
                    raise PagefindError(f"Pagefind did not open {page} within {self.timeout:.0f} s")
                time.sleep(0.002)
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)

    def starved(self) -> bool:
        """Whether Pagefind waits for pages nobody will write: it was given pipes, and
        their feeder ended without writing them all."""
        return bool(self.fifos) and self.feeder is not None and not self.feeder.is_alive() and not self.fed.is_set()

    def overdue(self) -> bool:
        return time.monotonic() - self.started > self.timeout

    def finish(self, target: str, removals: output_swap.Removals) -> None:
        """After Pagefind exited: report its failure, or put its index in place; the
        pages' directory is removed beside the build (``removals``)."""
        if self.feeder is not None:
            self.feeder.join(timeout=self.timeout)
        if self.pages_dir is not None:
            removals.remove_beside(self.pages_dir)  # beside the build's last steps
            self.pages_dir = None
        output = pagefind.read_log(self.log)
        self.log.close()
        if self.feed_error is not None:
            raise PagefindError(f"Pagefind could not be given the pages it waited for: {self.feed_error}")
        if self.process.returncode != 0:
            raise PagefindError(f"Pagefind failed ({self.process.returncode}) on {self.shard.directory}: {output}")
        if self.out_dir is not None:
            os.rename(self.out_dir, target)
            self.out_dir = None
        pagefind.tidy_index(target)

    def stop(self) -> None:
        """Kill Pagefind if it runs; remove what it was given and what it wrote."""
        stop_child(self.process)
        if self.feeder is not None:
            self.feeder.join(timeout=5)  # it ends once Pagefind is gone (ENXIO, then poll)
        if self.pages_dir is not None:
            shutil.rmtree(self.pages_dir, ignore_errors=True)
        if self.out_dir is not None:
            shutil.rmtree(self.out_dir, ignore_errors=True)
        self.log.close()
