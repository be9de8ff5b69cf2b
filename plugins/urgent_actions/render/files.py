"""Writing the site's files: every file the generator writes is a new file."""

from __future__ import annotations

import functools
import os

# A new file (a new inode), never one opened in place.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def write_file(root: str, save_as: str, data: str | bytes) -> str:
    """Write ``data`` at ``root/save_as`` as a new file (a new inode).

    The file is created exclusively (``O_EXCL``): an existing file there is
    unlinked and a new one created, so a file that is a hard link to the
    published site is replaced, never modified in place. The build writes
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
    # Created first, as most files are new in a new staging directory: the unlink
    # and the directory's making are paid only where they are needed.
    try:
        handle = os.open(path, _NEW_FILE, 0o644)
    except FileExistsError:
        os.unlink(path)
        handle = os.open(path, _NEW_FILE, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = os.open(path, _NEW_FILE, 0o644)
    try:
        if _UMASK & 0o644:
            os.fchmod(handle, 0o644)
        view = memoryview(payload)
        while view:
            view = view[os.write(handle, view) :]
    except BaseException:
        os.close(handle)
        os.remove(path)
        raise
    os.close(handle)
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
