"""The caches of one output directory: the read cache and the manifest.

- the *read cache*: every action file's validated front matter and rendered
  body, keyed by a digest of the file's bytes and of everything reading
  depends on (plugin code, themes.yml, authorities, the other files of
  content/, the settings). A file whose bytes changed is read again.
- the *manifest* of the published output: for each page the generator wrote,
  the full key it was made from and the (inode, size, mtime) of the file.

An :class:`~urgent_actions.site.outputs.Output` may carry a ``key``
(:mod:`urgent_actions.site.keys`). When a page's full key (its key and the
site-wide inputs) equals the manifest's and the published file is still the
one the manifest recorded, the published file is hard-linked into the staging
directory instead of being rendered: it keeps its inode and modification time,
so a sync sends only what changed. An output without a key is always rendered.
Anything unexpected (no cache, another version, a file touched by hand, a
failed link) means: render.

Hard links are safe because every file the generator writes goes through
:func:`~urgent_actions.render.files.write_file` (a new file, never one written
in place), and only files listed in the manifest, i.e. owned by this
generator, are linked: Pelican's own writers never see a linked path.
"""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ThreadPoolExecutor
from stat import S_ISREG

from ..site.keys import fingerprint
from .digests import CACHE_VERSION
from .file_table import PageTable
from .stamps import cache_file, file_id, replace_file, write_pickle

# Records of the read cache pickled together (see BuildCache._load_reads).
_LOG_CHUNK = 256


def _content_key(entry: list) -> str:
    """A manifest entry's content key (the key its bytes were first written under);
    entries without one were written under their full key."""
    return entry[4] if len(entry) > 4 else entry[0]


def manifest_path(cache_dir: str, final_output: str) -> str:
    return cache_file(cache_dir, final_output, "manifest")


def read_manifest(path: str) -> dict | None:
    """The manifest at ``path``, or None (any unreadable cache is no cache)."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable cache is no cache
        return None


class KnownFiles:
    """Relative path -> [inode, size, mtime_ns]: ``first``'s, else ``then``'s (no copy of either)."""

    __slots__ = ("first", "then")

    def __init__(self, first, then):
        self.first, self.then = first, then

    def get(self, path: str, default=None):
        identity = self.first.get(path)
        return identity if identity is not None else self.then.get(path, default)

    def __bool__(self) -> bool:
        return bool(self.first) or bool(self.then)


class BuildCache:
    """The caches of one output directory, for one run."""

    def __init__(self, cache_dir: str, final_output: str, read_key: str, render_key: str, manifest=False,
                 renovation=None, memory=None):  # fmt: skip
        """``manifest``: the manifest as the build already read it (else read here);
        ``memory``: a warm builder's :class:`~urgent_actions.speed.memory.WarmMemory`, if any."""
        self.cache_dir = cache_dir
        self.memory = memory
        if memory is not None:
            memory.new_build()
        self.final_output = os.path.abspath(final_output)
        self.read_key = read_key
        self.render_key = render_key
        self.manifest_path = manifest_path(cache_dir, self.final_output)
        self.reads_path = cache_file(cache_dir, self.final_output, "reads")
        self.old_search: dict[str, str] = {}  # search index shard -> digest of its pages
        self.new_search: dict[str, str] = {}
        # Where the search merge keeps what it read of the shards (render.pagefind_merge).
        self.search_merge_dir = os.path.splitext(cache_file(cache_dir, self.final_output, "search-merge"))[0]
        if manifest is False:
            manifest = read_manifest(self.manifest_path)
        self.old_files = self._load_manifest(manifest)
        self._log_records: int | None = None  # records in the read log, when it was valid
        self.old_reads = self._load_reads()
        self.new_files: dict[str, str] = {}
        self.kept: dict[str, list[int]] = {}  # reused files: their (unchanged) inode, size, mtime
        # The key under which a kept file's bytes were first written: it changes
        # only when the bytes do (search shards are reused by it).
        self.content: dict[str, str] = {}
        self.new_reads: dict[str, tuple] = {}
        self.reused = 0
        self.same_bytes = 0  # pages rendered again into the published bytes (keep_if_same)
        self.read_hits = 0
        # The spare output the staging directory started from, if any (spare_tree).
        self.renovation = renovation

    # -- loading -------------------------------------------------------------

    def _load_manifest(self, data) -> dict:
        if (
            not isinstance(data, dict)
            or data.get("version") != CACHE_VERSION
            or data.get("output") != self.final_output
            or data.get("render_key") != self.render_key
            or not isinstance(data.get("files"), PageTable)
        ):
            return {}
        if isinstance(data.get("search"), dict):
            self.old_search = data["search"]
        return data["files"]

    def _load_reads(self) -> dict:
        # A log: a header, then pickled lists of (file name, entry) records, a
        # later record replacing an earlier one and None removing it. Saving
        # appends only what changed (one edit appends one record), and never
        # holds the whole cache as bytes, nor one memo for every object of
        # every action: a new log is written in lists of _LOG_CHUNK records
        # (one list per record made loading half as fast again).
        recalled = self.memory.recall(self.reads_path, self.read_key) if self.memory is not None else None
        if recalled is not None:
            entries, self._log_records = recalled
            return entries
        entries: dict[str, tuple] = {}
        records = 0
        try:
            with open(self.reads_path, "rb") as handle:
                header = pickle.load(handle)
                if not isinstance(header, dict) or header.get("read_key") != self.read_key:
                    return {}
                while True:
                    try:
                        chunk = pickle.load(handle)
                    except EOFError:
                        break
                    records += len(chunk)
                    for name, entry in chunk:
                        if entry is None:
                            entries.pop(name, None)
                        else:
                            entries[name] = entry  # the HTML stays bytes (Action.body_html)
        except Exception:  # noqa: BLE001 - any unreadable cache is no cache
            return {}
        self._log_records = records
        return entries

    # -- reading -------------------------------------------------------------

    def has_read(self, path: str) -> bool:
        """Whether a previous build read this file (its bytes are checked when reading it)."""
        return os.path.basename(path) in self.old_reads

    def recorded_photo(self, name: str) -> str | None:
        """The path of the photo the recorded read of ``name`` found, or None."""
        entry = self.old_reads.get(name)
        return entry[5][0] if entry is not None and entry[5] else None

    def cached_by_stat(self, name: str, file_key: tuple, photo_key: tuple = ()):
        """(digest, front, body HTML as UTF-8 bytes, photo's ImageInfo) of a file whose size,
        inode and times are as recorded, and its photo's too (``photo_key``), or None."""
        entry = self.old_reads.get(name)
        if entry is not None and entry[3] == file_key and entry[5] == photo_key:
            self.read_hits += 1
            self.new_reads[name] = entry
            return (*entry[:3], entry[4])
        return None

    def cached_read(self, name: str, digest: str, file_key: tuple = (), photo_key: tuple = ()):
        """(digest, front, body HTML as UTF-8 bytes, photo's ImageInfo) of an action file with
        these bytes and its photo as recorded (``photo_key``), or None."""
        entry = self.old_reads.get(name)
        if entry is not None and entry[0] == digest and entry[5] == photo_key:
            self.read_hits += 1
            # Same bytes, new times (a checkout, a touch): record the new ones.
            self.new_reads[name] = entry if entry[3] == file_key else (*entry[:3], file_key, *entry[4:])
            return (*entry[:3], entry[4])
        return None

    def store_read(
        self,
        name: str,
        digest: str,
        front,
        body_html: str | bytes,
        file_key: tuple = (),
        image_info=None,
        photo_key: tuple = (),
    ) -> None:
        """Record what reading ``name`` found; ``photo_key`` is its photo's path and stat key
        (a new or replaced photo changes what reading finds, not the action's file)."""
        self.new_reads[name] = (digest, front, body_html, file_key, image_info, photo_key)

    # -- rendering -----------------------------------------------------------

    def full_key(self, output) -> str | None:
        if output.key is None:
            return None
        parts = (self.render_key, output.save_as, output.template or "", output.key)
        if self.memory is not None and isinstance(output.key, str):
            return self.memory.full_key(parts)
        return fingerprint(*parts)

    def reuse_all(self, outputs: list, staging: str) -> list:
        """Hard-link every published file whose inputs did not change; return the others."""
        to_render, unchanged = self.sort_out(outputs)
        return to_render + self.link(unchanged, staging)

    def sort_out(self, outputs: list) -> tuple[list, list]:
        """Split ``outputs`` into those to render and the *unchanged* ones, whose
        published file may be linked (:meth:`link`), and record their keys.

        An unchanged page's content key is recorded now, so that
        :meth:`content_keys` knows it before the page is linked.
        """
        if self.renovation is not None:
            self.renovation.claimed.update(output.save_as for output in outputs)
        to_render, unchanged = [], []
        for output in outputs:
            key = self.full_key(output)
            if key is None:
                to_render.append(output)
                continue
            self.new_files[output.save_as] = key
            old = self.old_files.get(output.save_as)
            if not old or old[0] != key:
                to_render.append(output)
            else:
                self.content[output.save_as] = _content_key(old)
                unchanged.append((output, old))
        return to_render, unchanged

    def link(self, unchanged: list, staging: str) -> list:
        """Hard-link the published files of ``unchanged`` (:meth:`sort_out`) into
        ``staging``; return the outputs whose file is no longer the one recorded.

        A file the staging directory already holds (a spare output's link to
        the same published file) is left as it is. The links are made by two
        threads (a link is a system call, which releases Python's lock), in
        chunks of directories.
        """
        if not unchanged:
            return []
        size = max(64, len(unchanged) // 16)
        chunks = [unchanged[i : i + size] for i in range(0, len(unchanged), size)]
        to_render = []
        with ThreadPoolExecutor(max_workers=2) as pool:
            for failed in pool.map(lambda chunk: self._link_chunk(chunk, staging), chunks):
                to_render.extend(failed)
        self.reused += len(unchanged) - len(to_render)
        return to_render

    def _keep(self, save_as: str, old: list) -> None:
        self.kept[save_as] = old[1:4]
        self.content[save_as] = _content_key(old)

    def identities(self) -> KnownFiles:
        """Files of the staging directory whose identity (inode, size, mtime) this build
        knows, for its stamp: the published files it kept (checked this build) and the
        spare's files that are the published ones (as the published stamp has them)."""
        return KnownFiles(self.kept, self.renovation.candidates if self.renovation is not None else {})

    def published_as_recorded(self, save_as: str, content_key: str | None) -> bool:
        """Whether the published file of ``save_as`` is still the one the manifest
        recorded (inode, size, mtime), recorded under ``content_key``."""
        old = self.old_files.get(save_as)
        if not old or content_key is None or _content_key(old) != content_key:
            return False
        try:
            return file_id(os.lstat(os.path.join(self.final_output, save_as))) == old[1:4]
        except OSError:
            return False

    def content_keys(self) -> dict[str, str]:
        """Every page's *content key*: the key its bytes were first written under. A
        page rendered again into the same bytes keeps its key (:meth:`keep_if_same`)."""
        return {save_as: self.content.get(save_as, key) for save_as, key in self.new_files.items()}

    def keep_if_same(self, save_as: str, payload: bytes, staging: str) -> bool:
        """When a page rendered again gives the published file's very bytes, keep that
        file (hard link, as if reused: its mtime stays) instead of writing a new one."""
        old = self.old_files.get(save_as)
        if not old:
            return False
        source = os.path.join(self.final_output, save_as)
        try:
            stat = os.lstat(source)
            if file_id(stat) != old[1:4] or stat.st_size != len(payload):
                return False
            with open(source, "rb") as handle:
                if handle.read() != payload:
                    return False
            self._place(save_as, source, stat.st_ino, staging)
        except OSError:
            return False
        self._keep(save_as, old)
        self.same_bytes += 1
        return True

    def _place(self, save_as: str, source: str, inode: int, staging: str, made: set | None = None) -> None:
        """Hard-link the published file ``source`` into ``staging``, unless the spare
        left that very file there (``made``: directories known to exist)."""
        there = self.renovation.candidates.get(save_as) if self.renovation is not None else None
        if there is not None and there[0] == inode:
            return
        target = os.path.join(staging, save_as)
        if there is not None:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass  # already replaced this run, or removed by hand
        folder = os.path.dirname(target)
        if made is None or folder not in made:
            os.makedirs(folder, exist_ok=True)
            if made is not None:
                made.add(folder)
        os.link(source, target)

    def _link_chunk(self, jobs, staging: str) -> list:
        failed = []
        made: set[str] = set()
        for output, old in jobs:
            source = os.path.join(self.final_output, output.save_as)
            try:
                stat = os.lstat(source)
                if file_id(stat) == old[1:4] and S_ISREG(stat.st_mode):
                    self._place(output.save_as, source, stat.st_ino, staging, made)
                    self.kept[output.save_as] = old[1:4]  # one key per thread: dict updates are atomic
                    continue
            except OSError:
                pass
            self.content.pop(output.save_as, None)  # rendered: its key will be its bytes' key
            failed.append(output)
        return failed

    # -- saving, after the new output is published ----------------------------

    def rendering_done(self) -> None:
        """Every page is in place and indexed: the old manifest and the spare's candidates
        are not looked at again (saving needs neither)."""
        self.old_files = {}
        self.renovation = None

    def save(self) -> None:
        files = PageTable()
        for save_as, key in self.new_files.items():
            kept = self.kept.get(save_as)
            if kept is not None:  # the same inode as before: no need to look again
                files.add(save_as, key, kept, self.content.get(save_as, key))
                continue
            try:
                stat = os.lstat(os.path.join(self.final_output, save_as))
            except OSError:
                continue
            files.add(save_as, key, file_id(stat), key)
        os.makedirs(self.cache_dir, exist_ok=True)
        manifest = {
            "version": CACHE_VERSION,
            "output": self.final_output,
            "render_key": self.render_key,
            "files": files,
            "search": self.new_search,
        }
        write_pickle(self.manifest_path, manifest)
        self._save_reads()

    def _save_reads(self) -> None:
        changes = [(name, entry) for name, entry in self.new_reads.items() if self.old_reads.get(name) is not entry] + [
            (name, None) for name in self.old_reads.keys() - self.new_reads.keys()
        ]
        if not changes and self._log_records is not None:
            self._remember(changes, self._log_records)
            return  # every file came from the read cache: it is already right

        def dump(items, stream):
            # The HTML goes in as bytes: pickling a str would make CPython keep
            # a UTF-8 copy inside every (non-ASCII) string object for the rest
            # of the build, 33 MB at 10,000 actions.
            records = [
                (name, None if entry is None else (entry[0], entry[1], _utf8(entry[2]), *entry[3:]))
                for name, entry in items
            ]
            pickle.dump(records, stream, protocol=pickle.HIGHEST_PROTOCOL)

        if self._log_records is not None and self._log_records + len(changes) <= 2 * len(self.new_reads) + 64:
            with open(self.reads_path, "ab") as stream:
                for start in range(0, len(changes), _LOG_CHUNK):
                    dump(changes[start : start + _LOG_CHUNK], stream)
            self._remember(changes, self._log_records + len(changes))
            return

        def write(stream):  # a new log, each file once
            pickle.dump({"read_key": self.read_key}, stream, protocol=pickle.HIGHEST_PROTOCOL)
            items = list(self.new_reads.items())
            for start in range(0, len(items), _LOG_CHUNK):
                dump(items[start : start + _LOG_CHUNK], stream)

        replace_file(self.reads_path, write)
        self._remember(changes, len(self.new_reads))

    def _remember(self, changes: list, records: int) -> None:
        """Keep the saved read cache in memory (a warm builder's), its HTML as bytes as
        the log gives it back."""
        if self.memory is None:
            return
        entries = dict(self.new_reads)
        for name, entry in changes:
            if entry is not None:
                entries[name] = (entry[0], entry[1], _utf8(entry[2]), *entry[3:])
        self.memory.remember(self.reads_path, self.read_key, entries, records)


def _utf8(html: str | bytes) -> bytes:
    return html if isinstance(html, bytes) else html.encode("utf-8")
