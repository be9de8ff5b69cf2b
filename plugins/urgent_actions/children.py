"""Child processes that never outlive the build (or ``./dev serve``) that started them.

A child stays in its parent's process group (a terminal's Ctrl-C or a ``kill``
of the group reaches it), and the kernel kills it if the parent dies first,
even by SIGKILL (``PR_SET_PDEATHSIG``, Linux). Pagefind, the render and read
workers and the builder of ``./dev serve`` are started this way.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:  # pragma: no cover - runs in the child (between fork and exec, or a worker)
    """Make the calling process be killed when its parent dies, however it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before prctl: do not outlive it
            os._exit(1)
    except (OSError, AttributeError):
        pass


# For subprocess.Popen(preexec_fn=…): None where prctl does not exist.
DIE_WITH_PARENT = die_with_parent if sys.platform.startswith("linux") else None


def start_child(command: list[str], log) -> subprocess.Popen:
    """Start ``command``, its output into ``log``, as a child that dies with this process."""
    return subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, preexec_fn=DIE_WITH_PARENT)  # noqa: PLW1509 - prctl only


def stop_child(process: subprocess.Popen | None, grace: float = 0, reap_timeout: float = 30) -> None:
    """Stop ``process`` if it still runs, and reap it; every wait is bounded.

    With ``grace``, it is asked first (SIGTERM) and given that many seconds to
    end by itself (a builder that cleans up); then, or at once, it is killed
    (SIGKILL cannot be ignored) and reaped within ``reap_timeout`` seconds.
    """
    if process is None:
        return
    if grace and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=reap_timeout)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process in uninterruptible sleep
        pass
