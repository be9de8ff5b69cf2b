"""Files' identities (inode, size, mtime_ns) by relative path, kept by directory.

A stamp lists every file of an output: 56,000 at 10,000 actions of the heavy
shape. As a dict of paths to lists of three ints, that is about 500 bytes a
file once unpickled (the path, the list, its ints, the dict's slot), 28 MiB a
stamp, and a rebuild holds two stamps beside the read cache. Here a directory
holds its files' names (interned: ``index.html`` is one string for every
action) and their identities packed in one array of 64-bit ints, about 60
bytes a file, and far fewer objects to pickle and unpickle.

The table reads like the dict it replaces (``get``, ``in``, ``items``, ``==``);
an identity comes out as a new list ``[inode, size, mtime_ns]``, like
:func:`~urgent_actions.speed.stamps.file_id`'s.
"""

from __future__ import annotations

import sys
from array import array

# A directory with more files than this gets a name -> position index, made when first looked up.
_INDEXED = 16
_EMPTY = array("q")


class FileTable:
    """Relative path -> [inode, size, mtime_ns], stored as directory -> (names, packed identities)."""

    __slots__ = ("_count", "_folders", "_index")

    def __init__(self, items=()):
        self._folders: dict[str, tuple[list[str], array]] = {}
        self._count = 0
        self._index: dict[str, dict[str, int]] = {}
        for path, identity in items.items() if isinstance(items, dict) else items:
            self[path] = identity

    @classmethod
    def of(cls, files) -> FileTable:
        """``files`` as a table (a dict of paths to identities is copied into one)."""
        return files if isinstance(files, FileTable) else cls(files)

    # -- pickling: a few strings and one array, not an object per file ---------
    # (Pickling an object per file kept a memo entry per object: 8 MiB more at the
    # end of a build of 5,000 heavy actions, its fullest moment.)

    def __getstate__(self):
        folders = list(self._folders)
        counts = array("q", [len(self._folders[folder][0]) for folder in folders])
        identities = array("q")
        for folder in folders:
            identities.extend(self._folders[folder][1])
        names = "\0".join(name for folder in folders for name in self._folders[folder][0])
        return "\0".join(folders), counts.tobytes(), names, identities.tobytes()

    def __setstate__(self, state) -> None:
        folders, counts, names, identities = state
        self._folders, self._count, self._index = {}, 0, {}
        sizes, packed = array("q"), array("q")
        sizes.frombytes(counts)
        packed.frombytes(identities)
        if not sizes:
            return
        every = [sys.intern(name) for name in names.split("\0")]
        start = 0
        for folder, size in zip(folders.split("\0"), sizes, strict=True):
            self._folders[folder] = (every[start : start + size], packed[3 * start : 3 * (start + size)])
            start += size
        self._count = start

    # -- writing ---------------------------------------------------------------

    def add_folder(self, folder: str, names: list[str], identities: array) -> None:
        """The files ``names`` of ``folder`` ('' for the root), none of them in the table yet,
        with their identities (three ints each, in the order of ``names``)."""
        if not names:
            return
        if folder in self._folders:
            for position, name in enumerate(names):
                self[f"{folder}/{name}" if folder else name] = identities[3 * position : 3 * position + 3]
            return
        self._folders[folder] = (names, identities)
        self._count += len(names)

    def __setitem__(self, path: str, identity) -> None:
        folder, _, name = path.rpartition("/")
        entry = self._folders.get(folder)
        if entry is None:
            self._folders[folder] = ([sys.intern(name)], array("q", identity))
            self._count += 1
            return
        position = self._position(folder, entry[0], name)
        if position is None:
            entry[0].append(sys.intern(name))
            entry[1].extend(identity)
            self._count += 1
            index = self._index.get(folder)
            if index is not None:
                index[name] = len(entry[0]) - 1
        else:
            entry[1][3 * position : 3 * position + 3] = array("q", identity)

    def update(self, other: FileTable) -> None:
        for folder, (names, identities) in other._folders.items():
            self.add_folder(folder, list(names), array("q", identities))

    def remove_under(self, prefixes: tuple[str, ...]) -> int:
        """Forget every file under the directories ``prefixes`` (each ending with '/');
        return how many."""
        gone = [folder for folder in self._folders if (folder + "/").startswith(prefixes)]
        removed = 0
        for folder in gone:
            removed += len(self._folders.pop(folder)[0])
            self._index.pop(folder, None)
        self._count -= removed
        return removed

    # -- reading ---------------------------------------------------------------

    def _position(self, folder: str, names: list[str], name: str) -> int | None:
        if len(names) <= _INDEXED:
            try:
                return names.index(name)
            except ValueError:
                return None
        index = self._index.get(folder)
        if index is None:
            index = self._index[folder] = {known: position for position, known in enumerate(names)}
        return index.get(name)

    def locate(self, path: str) -> tuple[str, array, int] | None:
        """Where ``path`` is: its directory, that directory's packed identities and its
        position among them; None when it is not in the table."""
        folder, _, name = path.rpartition("/")
        entry = self._folders.get(folder)
        position = self._position(folder, entry[0], name) if entry is not None else None
        return None if position is None else (folder, entry[1], position)

    def get(self, path: str, default=None):
        found = self.locate(path)
        if found is None:
            return default
        _, identities, position = found
        return identities[3 * position : 3 * position + 3].tolist()

    def __getitem__(self, path: str) -> list[int]:
        identity = self.get(path)
        if identity is None:
            raise KeyError(path)
        return identity

    def __contains__(self, path) -> bool:
        return self.locate(path) is not None

    def __len__(self) -> int:
        return self._count

    def files_of(self, folder: str) -> tuple[list[str], array]:
        """The names of the files of ``folder`` and their packed identities (none: empty)."""
        return self._folders.get(folder, ([], _EMPTY))

    def folders(self):
        """(directory, its file names, their packed identities), for each directory with files."""
        for folder, (names, identities) in self._folders.items():
            yield folder, names, identities

    def __iter__(self):
        for folder, (names, _) in self._folders.items():
            prefix = folder + "/" if folder else ""
            for name in names:
                yield prefix + name

    def keys(self):
        return iter(self)

    def items(self):
        for folder, (names, identities) in self._folders.items():
            prefix = folder + "/" if folder else ""
            for position, name in enumerate(names):
                yield prefix + name, identities[3 * position : 3 * position + 3].tolist()

    def __eq__(self, other) -> bool:
        if isinstance(other, dict):
            return len(other) == self._count and all(other.get(path) == identity for path, identity in self.items())
        if not isinstance(other, FileTable):
            return NotImplemented
        if other._count != self._count or other._folders.keys() != self._folders.keys():
            return False
        for folder, (names, identities) in self._folders.items():
            other_names, other_identities = other._folders[folder]
            if names == other_names:
                if identities != other_identities:
                    return False
            elif _by_name(names, identities) != _by_name(other_names, other_identities):
                return False
        return True

    __hash__ = None

    def __repr__(self) -> str:
        return f"FileTable({dict(self.items())!r})"


def _by_name(names: list[str], identities: array) -> dict[str, bytes]:
    return {name: identities[3 * position : 3 * position + 3].tobytes() for position, name in enumerate(names)}


class PageTable:
    """The manifest's pages: save_as -> [key, inode, size, mtime_ns, content key], kept as a
    :class:`FileTable` of the identities and, beside each directory's names, its keys
    (one string, or a (key, content key) pair when the two differ): about 150 bytes a
    page where a dict of lists took 500."""

    __slots__ = ("files", "keys")

    def __getstate__(self):
        keys = (key if isinstance(key, str) else "\1".join(key) for folder, _, _ in self.files.folders()
                for key in self.keys[folder])  # fmt: skip
        return self.files, "\0".join(keys)

    def __setstate__(self, state) -> None:
        self.files, keys = state
        every = keys.split("\0") if len(self.files) else []
        self.keys, start = {}, 0
        for folder, names, _ in self.files.folders():
            chosen = every[start : start + len(names)]
            self.keys[folder] = [key if "\1" not in key else tuple(key.split("\1")) for key in chosen]
            start += len(names)

    def __init__(self):
        self.files = FileTable()
        self.keys: dict[str, list] = {}  # directory -> its pages' keys, in the order of its names

    def add(self, save_as: str, key: str, identity, content_key: str) -> None:
        """A page not in the table yet."""
        folder = save_as.rpartition("/")[0]
        keys = self.keys.setdefault(folder, [])
        before = len(self.files)
        self.files[save_as] = identity
        if len(self.files) == before:
            raise ValueError(f"{save_as} is in the table already")
        keys.append(key if content_key == key else (key, content_key))

    def get(self, save_as: str, default=None):
        found = self.files.locate(save_as)
        if found is None:
            return default
        folder, identities, position = found
        return _page(self.keys[folder][position], identities, position)

    def __getitem__(self, save_as: str) -> list:
        page = self.get(save_as)
        if page is None:
            raise KeyError(save_as)
        return page

    def __contains__(self, save_as) -> bool:
        return save_as in self.files  # (the spare's sorting asks it of every file: no page built)

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self):
        return iter(self.files)

    def items(self):
        for folder, names, identities in self.files.folders():
            prefix = folder + "/" if folder else ""
            keys = self.keys[folder]
            for position, name in enumerate(names):
                yield prefix + name, _page(keys[position], identities, position)


def _page(keys, identities: array, position: int) -> list:
    key, content_key = keys if isinstance(keys, tuple) else (keys, keys)
    return [key, *identities[3 * position : 3 * position + 3].tolist(), content_key]
