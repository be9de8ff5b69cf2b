"""Stamps: what an output directory holds (files by inode, size and mtime; directories
by mtime), recorded when it is published, so that the next build can tell whether it
is untouched, and the notes a build leaves for the next one.

The stamp of the published output goes with it when it is replaced and kept as
the spare (:mod:`~urgent_actions.speed.spare_tree`).
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import tempfile
import threading
from array import array

from ..site.keys import fingerprint
from .digests import CACHE_VERSION
from .file_table import FileTable

logger = logging.getLogger(__name__)


def file_id(stat: os.stat_result) -> list[int]:
    """A published file as the manifest and the published stamp record it: inode, size, mtime."""
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def stat_tree(root: str, with_dirs: bool = False, skip=frozenset(), only=None, known=None, previous=None, linked=None):
    """Every file under ``root``: relative path -> [inode, size, mtime_ns] (symlinks not
    followed), as a :class:`~urgent_actions.speed.file_table.FileTable`.

    With ``with_dirs``, also every directory ('' for ``root``): relative path -> mtime_ns.
    The entries of ``root`` named in ``skip``, or not in ``only`` when given, are left out.
    ``known`` (relative path -> [inode, size, mtime_ns]) spares the ``stat`` of a file
    that is still that inode (its directory entry says so): its identity as this
    build found it, a hard link to a published file it checked.

    ``previous`` (the stamp of the tree ``root`` started from, as ``files`` and
    ``dirs``) spares listing a directory whose mtime is the one it records: no
    entry was added, removed or renamed there since, so it holds the files it
    lists there, each still the same inode. Such a directory is taken as listed
    when each of those files is ``known`` as that inode (else it is listed).

    ``linked`` (inode -> [inode, size, mtime_ns]) spares the ``stat`` of a file that is
    a hard link of a file already listed (the merged search index links every page's
    fragment from the search shards): an inode's size and mtime are its links'.
    """
    lister = _TreeLister(root, with_dirs, skip, only, known, previous, linked)
    if os.path.isdir(root):
        root_mtime = os.lstat(root).st_mtime_ns
        if with_dirs:
            lister.folders[""] = root_mtime
        lister.walk(root, "", root_mtime)
    return (lister.found, lister.folders) if with_dirs else lister.found


class _TreeLister:
    """One listing of :func:`stat_tree` (its arguments are described there)."""

    def __init__(self, root: str, with_dirs: bool, skip, only, known, previous, linked=None):
        self.root, self.with_dirs, self.skip, self.only, self.known = root, with_dirs, skip, only, known
        self.linked = linked or {}
        self.found = FileTable()
        self.folders: dict[str, int] = {}
        self.old_files = FileTable.of(previous["files"]) if previous is not None else FileTable()
        self.old_dirs = previous["dirs"] if previous is not None and known else {}
        self.subfolders = _subfolders(self.old_dirs) if self.old_dirs else {}

    def walk(self, folder: str, relative: str, mtime: int) -> None:
        """List ``folder`` (``relative`` to the root, whose mtime is ``mtime``) and below."""
        listed = self._listed_before(relative, mtime)
        if listed is not None:
            self._walk_as_listed(relative, *listed)
        else:
            self._scan(folder, relative)

    def _listed_before(self, relative: str, mtime: int):
        """The (files, their identities as known, directories) ``previous`` lists in an
        unchanged directory, or None."""
        # The root is never taken as listed: ``skip`` and ``only`` filter its entries.
        if not relative or self.old_dirs.get(relative) != mtime:
            return None
        names, old = self.old_files.files_of(relative)
        identities = array("q")
        prefix = relative + "/"
        for position, name in enumerate(names):
            identity = self.known.get(prefix + name)
            if identity is None or identity[0] != old[3 * position]:
                return None
            identities.extend(identity)
        return names, identities, self.subfolders.get(relative, ())

    def _walk_as_listed(self, relative: str, names, identities, subfolders) -> None:
        """A directory as ``previous`` lists it: its files known, its subdirectories walked."""
        self.found.add_folder(relative, list(names), identities)
        for sub in subfolders:
            path = os.path.join(self.root, sub)
            sub_mtime = os.lstat(path).st_mtime_ns
            if self.with_dirs:
                self.folders[sub] = sub_mtime
            self.walk(path, sub, sub_mtime)

    def _scan(self, folder: str, relative: str) -> None:
        """A directory listed from its entries; a file ``stat``'ed unless ``known`` as its inode."""
        known, with_dirs, need_mtime = self.known, self.with_dirs, self.with_dirs or self.old_dirs
        linked = self.linked
        prefix = relative + "/" if relative else ""
        names, identities = [], array("q")
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and (entry.name in self.skip or (self.only is not None and entry.name not in self.only)):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    # (A directory's mtime costs a stat: only when it is used.)
                    sub_mtime = entry.stat(follow_symlinks=False).st_mtime_ns if need_mtime else 0
                    if with_dirs:
                        self.folders[prefix + entry.name] = sub_mtime
                    self.walk(entry.path, prefix + entry.name, sub_mtime)
                else:
                    identity = known.get(prefix + entry.name) if known else None
                    if identity is None or identity[0] != entry.inode():
                        identity = linked.get(entry.inode()) or file_id(entry.stat(follow_symlinks=False))
                    names.append(sys.intern(entry.name))
                    identities.extend(identity)
        self.found.add_folder(relative, names, identities)


def _subfolders(dirs: dict) -> dict[str, list[str]]:
    """The directories of a stamp, by the directory that holds them ('' for the root)."""
    groups: dict[str, list[str]] = {}
    for name in dirs:
        if name:
            groups.setdefault(name.rpartition("/")[0], []).append(name)
    return groups


def cache_file(cache_dir: str, final_output: str, kind: str) -> str:
    """The cache file of ``kind`` (manifest, reads, published, spare) for an output directory."""
    return os.path.join(cache_dir, f"{fingerprint(os.path.abspath(final_output))[:16]}.{kind}.pickle")


def stamp_path(cache_dir: str, final_output: str, which: str = "published") -> str:
    return cache_file(cache_dir, final_output, which)


def write_pickle(path: str, value) -> None:
    replace_file(path, lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL))


def load_stamp(path: str) -> dict | None:
    try:
        with open(path, "rb") as handle:
            stamp = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable stamp is no stamp
        return None
    if (
        not isinstance(stamp, dict)
        or stamp.get("version") != CACHE_VERSION
        or ("files" in stamp and not isinstance(stamp["files"], FileTable))
    ):
        return None
    return stamp


def nothing_changed(final_output: str, inputs: str, stamp: dict | None) -> bool:
    """Whether the published output, whose ``stamp`` this is, was built from these very
    inputs and is untouched since."""
    if stamp is None or stamp.get("inputs") != inputs:
        return False
    return stamp.get("files") == stat_tree(final_output)


class EarlyStamp(threading.Thread):
    """The files and directories of the staging directory, listed while the build
    waits for Pagefind; the entries named in ``later`` (still being written) are
    listed once published (:meth:`BuildRun.publish`)."""

    def __init__(self, staging: str, later, known=None, previous=None, links_from=()):
        """``links_from``: the prefixes of the files (listed now) that the late entries may
        hard-link, whose identities then spare those entries' ``stat``."""
        super().__init__(daemon=True)
        self.staging, self.later, self.known, self.previous = staging, frozenset(later), known, previous
        self.links_from = tuple(links_from)
        self.tree = None
        self.linked: dict[int, list[int]] = {}
        self.error: BaseException | None = None
        self.start()

    def run(self):
        try:
            self.tree = stat_tree(
                self.staging, with_dirs=True, skip=self.later, known=self.known, previous=self.previous
            )
            if self.links_from:
                self.linked = {
                    identity[0]: identity for name, identity in self.tree[0].items() if name.startswith(self.links_from)
                }
        except BaseException as exc:  # noqa: BLE001 - reported by result()
            self.error = exc
        finally:
            self.known = self.previous = None  # the spare's stamp: free once listed

    def result(self, final_output: str, retained=()):
        """The published output's listing: this one, plus the entries listed late (``later``
        and the ``retained`` ones carried over from the old output)."""
        self.join()
        if self.error is not None:
            raise self.error
        files, dirs = self.tree
        late = self.later | set(retained)
        more_files, more_dirs = stat_tree(final_output, with_dirs=True, only=late, linked=self.linked)
        self.linked = {}
        files.update(more_files)
        dirs.update(more_dirs)  # the root's mtime ('') as it is now, too
        return files, dirs


def record_published(cache_dir: str, final_output: str, inputs: str, layout: str = "", tree=None) -> dict:
    """Remember the inputs of the output just published, and its files and directories
    as they are now (``tree``: as :class:`EarlyStamp` listed them); return the stamp."""
    files, dirs = tree if tree is not None else stat_tree(final_output, with_dirs=True)
    stamp = {
        "version": CACHE_VERSION,
        "inputs": inputs,
        "layout": layout,
        "root": os.lstat(final_output).st_ino,
        "files": files,
        "dirs": dirs,
    }
    os.makedirs(cache_dir, exist_ok=True)
    write_pickle(stamp_path(cache_dir, final_output), stamp)
    return stamp


def save_note(cache_dir: str, final_output: str, kind: str, value) -> None:
    """Keep ``value`` beside the cache of ``final_output`` for the next run (:func:`load_note`)."""
    try:
        os.makedirs(cache_dir, exist_ok=True)
        write_pickle(cache_file(cache_dir, final_output, kind), {"version": CACHE_VERSION, "value": value})
    except OSError as exc:
        logger.info("Could not save the build cache: %s", exc)


def load_note(cache_dir: str, final_output: str, kind: str):
    """What :func:`save_note` kept, or None."""
    note = load_stamp(cache_file(cache_dir, final_output, kind))
    return note.get("value") if note is not None else None


def hand_stamp_to_spare(cache_dir: str, final_output: str) -> None:
    """The published output is about to be replaced and kept as the spare: its stamp
    becomes the spare's, and no build may take the output as up to date until the
    new one is recorded."""
    published = stamp_path(cache_dir, final_output)
    try:
        os.replace(published, stamp_path(cache_dir, final_output, "spare"))
    except OSError:
        forget_spare(cache_dir, final_output)


def record_spare_copy(cache_dir: str, final_output: str, root: int, stamp: dict | None) -> None:
    """The spare was just made as a copy of the published output (output_swap._SpareCopy):
    its stamp is ``stamp``, the published one as this run recorded it (never read back:
    a second copy of 56,000 files' identities at the build's fullest moment), with its
    own root. None when this run could not record one (publish forgot the
    previous one): the spare then has no stamp either."""
    if stamp is not None:
        write_pickle(stamp_path(cache_dir, final_output, "spare"), {**stamp, "root": root})


def forget_published(cache_dir: str, final_output: str) -> None:
    """The output is about to change: no build may take it as up to date until it is recorded."""
    try:
        os.remove(stamp_path(cache_dir, final_output))
    except OSError:
        pass


def forget_spare(cache_dir: str, final_output: str) -> None:
    try:
        os.remove(stamp_path(cache_dir, final_output, "spare"))
    except OSError:
        pass


def replace_file(path: str, write) -> None:
    """Write a cache file through ``write(stream)``, a temporary file and a rename."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
