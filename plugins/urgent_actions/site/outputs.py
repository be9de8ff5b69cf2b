"""What the build writes: a list of outputs, each a path and how to make its bytes.

Collecting outputs (deciding which pages exist) is separate from rendering
them, so that the generator can skip the ones whose inputs did not change and
the tests can look at the plan without writing anything.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Output:
    """One file of the site.

    Either ``template`` (a Jinja template name, rendered with ``context``) or
    ``render`` (a function returning ``str`` or ``bytes``) makes the content.

    ``key``, when given, is a digest of every input the file's bytes depend on
    besides the site-wide ones (theme, settings, plugin code, non-action
    content), e.g. ``incremental.fingerprint(action.source_digest, build_date)``.
    With a key, an incremental build reuses the published file when the key did
    not change; without one, the file is always rendered. ``context`` may
    also be a function returning the dict, called only if the page is rendered
    (costly data a reused page does not need). ``key`` may be a function too,
    called once every output of the build is known (a page that lists them).
    """

    save_as: str
    template: str | None = None
    context: dict | Callable[[], dict] = field(default_factory=dict)
    render: Callable[[], str | bytes] | None = None
    key: str | Callable[[], str] | None = None


def write_file(root: str, save_as: str, data: str | bytes) -> str:
    """Write ``data`` at ``root/save_as`` as a new file (a new inode).

    An existing file there is unlinked first, so a file that is a hard link to
    the published site is replaced, never modified in place. The build writes
    only into its own staging directory, which it creates and fills with real
    directories, files and hard links, never symbolic links; so checking the
    path lexically is enough to keep every file inside ``root``, and a file
    cut short by a crash is never published (the staging directory is thrown
    away).
    """
    path = os.path.normpath(os.path.join(root, save_as))
    if os.path.isabs(save_as) or not path.startswith(_inside(root)):
        raise ValueError(f"refusing to write outside the output directory: {save_as}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        os.unlink(path)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(handle, "wb") as stream:
            if _UMASK & 0o644:
                os.fchmod(stream.fileno(), 0o644)
            stream.write(payload)
    except BaseException:
        os.remove(path)
        raise
    return path


@functools.lru_cache(maxsize=16)
def _inside(root: str) -> str:
    """The prefix of every path inside ``root``."""
    return os.path.join(os.path.normpath(root), "")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Files are 0644 whatever the umask: the web server must read them.
_UMASK = _current_umask()
