"""The output before the published one, kept to become the next staging directory.

An incremental build used to assemble a whole new staging directory (a hard
link for every unchanged page, a directory for every action) and then delete
the output it replaced: at 10,000 actions, 13,000 directories made and 36,000
entries removed for one edited action. Instead, the replaced output is kept
beside the published one (``.output.spare``) and the next build updates it in
place, then swaps it in as before. The published directory is still, at every
moment, one complete build.

The spare shares most of its files with the published output (hard links made
when it was built). On renovation (:func:`renovate`), before anything writes
into it:

- a file whose inode is the published file's at the same path stays, as a
  *candidate*: the generator keeps it if the page's key did not change and
  the published file is still the one the manifest recorded (exactly when it
  would have hard-linked it), and search keeps a shard directory whose files
  are all the published shard's;
- every other file (pages that changed since, the theme's copies, search
  shards indexed again) is deleted.

It relies on the *stamps*: the list of every file (inode, size, mtime) and
directory (mtime) of an output, recorded when it was published. The spare's
stamp is the one recorded when it was published. A directory whose mtime is
not the recorded one has had entries added, removed or renamed since: it is
listed, and whatever the stamp does not know there is deleted. The spare is
used only if its root directory is the one its stamp describes and the build's
layout (code, settings, library versions) is the one that made both outputs;
otherwise the build starts from an empty directory, as without a spare.

What the build does not claim by the end (pages no longer produced, candidates
of another page layout) is deleted by :meth:`Renovation.tidy`, with the
directories it empties: the published tree holds the same files as a build
from an empty directory.
"""

from __future__ import annotations

import os
import shutil
import stat as stat_module
from array import array
from dataclasses import dataclass, field

from .file_table import FileTable


@dataclass
class Renovation:
    """A spare output being brought up to date as this build's staging directory."""

    root: str
    candidates: FileTable  # relative path -> [inode, size, mtime_ns], shared with the published output
    emptied: set[str] = field(default_factory=set)  # directories that lost files
    removed: int = 0  # files deleted on renovation
    claimed: set[str] = field(default_factory=set)  # candidates the build kept or replaced
    stamp: dict | None = None  # the spare's stamp (files, dirs) when the renovation began

    def tidy(self, keep_prefixes: tuple[str, ...] = ()) -> int:
        """Delete the candidates nobody claimed (except under ``keep_prefixes``) and empty directories."""
        removed = 0
        for relative in self.candidates:
            if relative in self.claimed or relative.startswith(keep_prefixes):
                continue
            try:
                os.unlink(os.path.join(self.root, relative))
            except FileNotFoundError:
                continue
            removed += 1
            self.emptied.add(os.path.dirname(relative))
        _remove_empty(self.root, self.emptied)
        return removed


def renovate(root: str, spare: dict, published: dict, reusable, wholes=(), discard=None) -> Renovation | None:
    """Reduce the spare output at ``root`` to the ``reusable`` files it shares with the published one.

    ``spare`` and ``published`` are the two outputs' stamps (``files``,
    ``dirs``, ``root``). Returns None when the spare cannot be trusted: the
    caller then starts from an empty directory.

    A directory of the root whose name starts with one of ``wholes`` (a search
    shard) goes as a whole when one of its files must go: its owner would
    replace all of it anyway. ``discard`` (a callable taking its path) moves it
    away, to be removed beside the build.
    """
    try:
        if os.lstat(root).st_ino != spare["root"]:
            return None
    except OSError:
        return None
    files, dirs = FileTable.of(spare["files"]), spare["dirs"]
    changed: dict[str, set[str]] = {}  # changed directory -> the names the stamp knows still there
    for relative, mtime in dirs.items():
        path = os.path.join(root, relative) if relative else root
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            changed[relative] = set()
            continue
        if not stat_module.S_ISDIR(info.st_mode):
            return None
        if info.st_mtime_ns != mtime:
            changed[relative] = _forget_unknown(root, relative, files, dirs)
    renovation = Renovation(root, FileTable(), stamp=spare)
    sorting = _Sorting(renovation, FileTable.of(published["files"]), reusable, wholes if discard is not None else ())
    for folder, names, identities in files.folders():
        sorting.sort(folder, names, identities, changed.get(folder))
    if sorting.going:
        for name in sorting.going:
            discard(os.path.join(root, name))
        renovation.removed += renovation.candidates.remove_under(tuple(name + "/" for name in sorting.going))
    return renovation


class _Sorting:
    """The files of a spare, one directory at a time: candidates, or deleted (:func:`renovate`)."""

    def __init__(self, renovation: Renovation, shared: FileTable, reusable, wholes):
        self.renovation, self.shared, self.reusable, self.wholes = renovation, shared, reusable, tuple(wholes)
        self.going: set[str] = set()  # directories of ``wholes`` to discard

    def sort(self, folder: str, names: list[str], identities, still: set[str] | None) -> None:
        """The files ``names`` of ``folder`` (``still``: those left in a changed directory)."""
        renovation, wholes = self.renovation, self.wholes
        shared_names, shared_identities = self.shared.files_of(folder)
        same_order = shared_names == names
        where = None if same_order else {name: position for position, name in enumerate(shared_names)}
        prefix = folder + "/" if folder else ""
        kept, kept_identities = [], array("q")
        for position, name in enumerate(names):
            relative = prefix + name
            if still is not None and relative not in still:
                continue  # gone, or replaced and deleted by _forget_unknown
            identity = identities[3 * position : 3 * position + 3]
            other = position if same_order else where.get(name)
            if (
                other is not None
                and shared_identities[3 * other : 3 * other + 3] == identity
                and self.reusable(relative)
            ):
                kept.append(name)
                kept_identities.extend(identity)
                continue
            if wholes and relative.startswith(wholes) and "/" in relative:
                self.going.add(relative.partition("/")[0])
                renovation.removed += 1
                continue
            try:
                os.unlink(os.path.join(renovation.root, relative))
            except FileNotFoundError:
                continue
            renovation.removed += 1
            renovation.emptied.add(folder)
        renovation.candidates.add_folder(folder, kept, kept_identities)


def _forget_unknown(root: str, relative: str, files: dict, dirs: dict) -> set[str]:
    """Delete the entries of a changed directory that the stamp does not list as they
    were; return the names of the files it lists that are still there."""
    prefix = relative + "/" if relative else ""
    kept = set()
    with os.scandir(os.path.join(root, relative) if relative else root) as entries:
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if name not in dirs:
                    shutil.rmtree(entry.path)
                continue
            known = files.get(name)
            if known is None or known[0] != entry.inode():
                os.unlink(entry.path)
            else:
                kept.add(name)
    return kept


def _remove_empty(root: str, folders: set[str]) -> None:
    """Remove the directories among ``folders`` and their parents that are empty now."""
    every = set()
    for folder in folders:
        while folder and folder not in every:
            every.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(every, key=lambda f: f.count("/"), reverse=True):  # children first
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:
            continue  # not empty, or gone
