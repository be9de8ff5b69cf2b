"""Build into a staging directory; replace the output only when the build succeeded.

The staging directory sits beside the output (same filesystem) and is swapped
in with one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux, so the published
directory is at every moment either the old complete site or the new one. A
build that fails, or is killed, leaves its staging directory behind; the next
build removes it before starting.

With incremental builds, the replaced output is not deleted but kept beside
the published one as the *spare* (``.output.spare``): the next build renames
it to its staging directory and updates it (:mod:`~urgent_actions.spare_tree`)
instead of starting from an empty one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import glob
import itertools
import logging
import os
import shutil
import subprocess
import sys
import threading

logger = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _beside(final: str, role: str) -> str:
    """The directory ``.<name>.<role>`` beside the output ``final``."""
    parent, name = os.path.split(os.path.abspath(final).rstrip(os.sep))
    return os.path.join(parent, f".{name}.{role}")


def staging_path(final: str) -> str:
    return _beside(final, "staging")


def spare_path(final: str) -> str:
    return _beside(final, "spare")


def leftover_path(final: str) -> str:
    return _beside(final, "previous")


def discarded_path(final: str) -> str:
    return _beside(final, "discarded")


class Removals:
    """The directory trees one build removes beside itself (a spare that cannot be
    used, Pagefind's pages directories), owned by the build (``speed.run``), which
    joins them at its end or when it is aborted."""

    def __init__(self):
        self.pending: list[_Removal] = []
        self._discards = itertools.count()

    def remove_beside(self, path: str) -> None:
        """Remove a directory tree beside the build (:meth:`join` waits for it)."""
        self.pending.append(_Removal(path))

    def discard_beside(self, path: str, final: str) -> None:
        """Move a directory tree beside ``final`` out of the way and remove it beside the
        build: one rename in the build's time instead of an unlink per file (a spare
        that cannot be used, a search shard of a thousand files)."""
        trash = f"{discarded_path(final)}.{next(self._discards)}"
        os.rename(path, trash)
        self.remove_beside(trash)

    def join(self) -> None:
        """Wait for every removal started so far."""
        while self.pending:
            self.pending.pop().join()


def prepare(final: str, spare: str, removals: Removals) -> tuple[str, bool]:
    """Remove what an interrupted build left; make the staging directory.

    ``spare``: ``"reuse"`` makes the spare output the staging directory when
    there is one, ``"keep"`` leaves it for a later build, ``"drop"`` deletes
    it. Returns the staging directory and whether it is the spare (otherwise
    it is new and empty). A dropped spare is removed beside the build (``removals``).
    """
    staging = staging_path(final)
    leftovers = (
        staging, leftover_path(final), discarded_path(final), spare_path(final) + _SpareCopy.SUFFIX,
        *glob.glob(glob.escape(discarded_path(final)) + ".*"),  # discard_beside's (the bare name: older builds')
    )  # fmt: skip
    for leftover in leftovers + tuple(path + "." + _Removal.SPLIT for path in leftovers):
        if os.path.lexists(leftover):
            shutil.rmtree(leftover, ignore_errors=False)
    kept = spare_path(final)
    if spare == "reuse" and os.path.isdir(kept) and not os.path.islink(kept):
        os.rename(kept, staging)
        return staging, True
    if spare == "drop" and os.path.lexists(kept):
        removals.discard_beside(kept, final)
    os.makedirs(staging)
    return staging, False


def restart(staging: str, final: str, removals: Removals) -> None:
    """Start from an empty staging directory after all (a spare that could not be used);
    the spare is removed beside the build."""
    removals.discard_beside(staging, final)
    os.makedirs(staging)


def _renameat2():
    """libc's renameat2, or None. The symbols the interpreter already has are searched
    first: ``find_library`` runs ldconfig(8), a process, on every build."""
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        function = None
    if function is None:
        name = ctypes.util.find_library("c")
        if name:
            function = getattr(ctypes.CDLL(name, use_errno=True), "renameat2", None)
    return function


def exchange(a: str, b: str) -> bool:
    """Atomically swap two paths; False when the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), a)


def keep_retained(final: str, staging: str, names) -> None:
    """Carry entries that must survive (e.g. '.git') from the old output over."""
    for name in names:
        source = os.path.join(final, name)
        if os.path.lexists(source) and not os.path.lexists(os.path.join(staging, name)):
            os.replace(source, os.path.join(staging, name))


class _Removal:
    """The removal of a directory tree, running beside the build; ``join()`` waits for it.

    rm(1) runs as its own processes: they do not compete with the build for
    Python's interpreter lock. The tree's largest part (``actions/``, one
    directory per action) is moved beside it and removed by a second process,
    so that both cores unlink at once.
    """

    SPLIT = "actions"

    def __init__(self, path: str):
        self.paths = [path]
        part = os.path.join(path, self.SPLIT)
        if os.path.isdir(part):
            aside = path + "." + self.SPLIT
            os.rename(part, aside)
            self.paths.append(aside)
        rm = shutil.which("rm") if os.name == "posix" else None
        self._processes = [subprocess.Popen([rm, "-rf", "--", p]) for p in self.paths] if rm else []
        self._thread = None
        if not rm:
            self._thread = threading.Thread(target=lambda: [shutil.rmtree(p) for p in self.paths])
            self._thread.start()

    def join(self) -> None:
        for process in self._processes:
            process.wait()
        if self._thread is not None:
            self._thread.join()
        for path in self.paths:
            if os.path.lexists(path):  # rm failed: say so through Python's own error
                shutil.rmtree(path)


class _SpareCopy:
    """A spare made as a copy of the published output (hard links: ``cp -al``),
    beside the build, when publishing left none (the first build of an output).

    ``cp -al`` keeps the directories' times, so the published output's stamp,
    with the copy's root, describes the copy too.
    """

    SUFFIX = ".copy"

    def __init__(self, final: str):
        self.final, self.spare = final, spare_path(final)
        self.partial = self.spare + self.SUFFIX
        cp = shutil.which("cp") if sys.platform.startswith("linux") else None
        self._process = (
            subprocess.Popen(
                [cp, "-al", "--", final, self.partial], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if cp
            else None
        )

    def join(self) -> int | None:
        """Wait for the copy; the spare's root inode, or None if there is no spare."""
        if self._process is None or self._process.wait() != 0 or os.path.lexists(self.spare):
            shutil.rmtree(self.partial, ignore_errors=True)
            return None
        os.rename(self.partial, self.spare)
        return os.lstat(self.spare).st_ino


def copy_to_spare(final: str) -> _SpareCopy | None:
    """Start making the spare from the published output if there is none."""
    if os.path.lexists(spare_path(final)):
        return None
    return _SpareCopy(os.path.abspath(final).rstrip(os.sep))


def publish(staging: str, final: str, background: bool = False, keep_spare: bool = False) -> _Removal | None:
    """Put the staging directory in place of ``final``, then remove the old output
    or, with ``keep_spare``, keep it as the spare.

    With ``background``, what is removed (the old output, now only a
    leftover: the next build removes it if this process dies first) is
    removed beside the build, and the returned removal is for the caller to
    join once it has done its own last steps.
    """
    final = os.path.abspath(final).rstrip(os.sep)
    if not os.path.isdir(final):
        if os.path.lexists(final):
            os.remove(final)
        os.replace(staging, final)
        return None
    if exchange(staging, final):
        old = staging
    else:
        old = leftover_path(final)
        os.replace(final, old)
        os.replace(staging, final)
    if keep_spare:
        spare = spare_path(final)
        if not os.path.lexists(spare):
            os.rename(old, spare)
            return None
    if not background:
        shutil.rmtree(old)
        return None
    return _Removal(old)
