"""Incremental builds: neither read, render nor rewrite what did not change.

Two caches live under ``UA_CACHE_PATH`` (one pair per output directory):

- the *read cache*: every action file's validated front matter and rendered
  body, keyed by a digest of the file's bytes and of everything reading
  depends on (plugin code, themes.yml, authorities, the other files of
  content/, the settings). A file whose bytes changed is read again.
- the *manifest* of the published output: for each page the generator wrote,
  the full key it was made from and the (inode, size, mtime) of the file.

An :class:`~urgent_actions.outputs.Output` may carry a ``key``: a digest of
every input its bytes depend on besides the site-wide ones (theme, templates,
settings, plugin code and the non-action content, which are in every key).
When a page's full key equals the manifest's and the published file is still
the one the manifest recorded, the published file is hard-linked into the
staging directory instead of being rendered: it keeps its inode and
modification time, so a sync sends only what changed. An output without a key
is always rendered. Anything unexpected (no cache, another version, a file
touched by hand, a failed link) means: render.

Before any of that, a build whose inputs are all as they were for the
published output (every file of content/ by size, inode and times, the theme
and plugin code by bytes, the settings, the library versions, the build date)
and whose published output is still exactly what that build left (every file
by inode, size and mtime) does nothing at all: :func:`nothing_changed`.

The *stamp* of an output, recorded when it is published, lists its files and
directories; when the next build publishes, the stamp goes with the replaced
output, which is kept as the spare (:mod:`~urgent_actions.spare_tree`) that
the build after renovates instead of starting from an empty directory.

Hard links are safe because every file the generator writes goes through
:func:`~urgent_actions.outputs.write_file` (a new file, never one written in place), and
only files listed in the manifest, i.e. owned by this generator, are linked:
Pelican's own writers never see a linked path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from stat import S_ISREG

from . import spare_tree
from .spare_tree import Renovation

logger = logging.getLogger(__name__)

CACHE_VERSION = 7
PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Settings that change every run (or name the staging directory) without
# changing what a page contains.
_VOLATILE_SETTINGS = {"OUTPUT_PATH", "PELICAN_CLASS", "WRITE_SELECTED"}
# Records of the read cache pickled together (see BuildCache._load_reads).
_LOG_CHUNK = 256
# Content files hashed by their bytes; others (images…) by their size and mtime.
_TEXT_SUFFIXES = {".md", ".yml", ".yaml", ".txt", ".html", ".json", ".rst"}


def fingerprint(*parts) -> str:
    """A short stable digest of strings, bytes and other values (by ``repr``)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, str):
            part = part.encode("utf-8")
        elif not isinstance(part, bytes):
            part = repr(part).encode("utf-8")
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def source_digest(data: bytes) -> str:
    """The digest of an action file's bytes (``Action.source_digest``)."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """A file's size, inode, mtime and ctime: while they stay the same, so do its
    bytes (ctime cannot be set back by hand)."""
    return (stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)


def _content_key(entry: list) -> str:
    """A manifest entry's content key (the key its bytes were first written under);
    entries without one were written under their full key."""
    return entry[4] if len(entry) > 4 else entry[0]


def _file_id(stat: os.stat_result) -> list[int]:
    """A published file as the manifest and the published stamp record it: inode, size, mtime."""
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


# Digests of directory trees, and the stat of every file of content/, made
# once per run (start_run resets them): several keys cover the same trees.
_tree_digests: dict[tuple, str] = {}
_manifests: dict[tuple, dict | None] = {}
_content_stats: dict[str, tuple] = {}


def _tree_digest(root: str, *, skip_dirs=(), by_stat_only=False) -> str:
    """A digest of the files under ``root``: names, and bytes (text files) or stat keys
    (other files, or all with ``by_stat_only``, whose keys are kept: :func:`content_stat`)."""
    memo = (root, tuple(skip_dirs), by_stat_only)
    if memo in _tree_digests:
        return _tree_digests[memo]
    digest = hashlib.blake2b(digest_size=20)
    if not os.path.isdir(root):
        return "absent"

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        folders = []
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink() and entry.name != "__pycache__" and prefix + entry.name not in skip_dirs:
                    folders.append(entry)
                continue
            relative = prefix + entry.name
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
            if by_stat_only or os.path.splitext(entry.name)[1].lower() not in _TEXT_SUFFIXES:
                key = stat_key(os.stat(entry.path))
                if by_stat_only:
                    _content_stats[entry.path] = key
                digest.update(repr(key).encode() + b"\0")
            else:
                with open(entry.path, "rb") as handle:
                    digest.update(hashlib.blake2b(handle.read(), digest_size=20).digest())
        for entry in folders:
            walk(entry.path, prefix + entry.name + "/")

    walk(root, "")
    _tree_digests[memo] = result = digest.hexdigest()
    return result


def content_stat(path: str) -> tuple[int, int, int, int]:
    """The :func:`stat_key` of a content file, as this run's inputs digest found it."""
    found = _content_stats.get(path)
    return found if found is not None else stat_key(os.stat(path))


def _stable(value):
    """A representation of a setting that does not change between runs."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda i: str(i[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if callable(value) or isinstance(value, type):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    text = repr(value)
    # Objects without a meaningful repr ("<x object at 0x…>") change every run.
    return type(value).__qualname__ if " at 0x" in text else text


def settings_digest(settings: dict) -> str:
    stable = {k: _stable(v) for k, v in settings.items() if k not in _VOLATILE_SETTINGS}
    return fingerprint(json.dumps(stable, sort_keys=True, default=str))


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import jinja2
    import markdown
    import pelican
    import pydantic

    try:
        pagefind = version("pagefind_bin")
    except PackageNotFoundError:  # pragma: no cover - search turned off
        pagefind = "none"
    return (
        f"{sys.version}|{pelican.__version__}|{markdown.__version__}|{jinja2.__version__}"
        f"|{pydantic.VERSION}|{pagefind}"
    )


def _stat_tree(root: str, with_dirs: bool = False, skip=frozenset(), only=None, known=None, previous=None):
    """Every file under ``root``: relative path -> [inode, size, mtime_ns] (symlinks not followed).

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
    """
    found: dict[str, list[int]] = {}
    folders: dict[str, int] = {}
    old_dirs = previous["dirs"] if previous is not None and known else {}
    before = _by_folder(previous["files"], old_dirs) if old_dirs else {}

    def listed_before(relative: str, mtime: int):
        """The (files, directories) ``previous`` lists in an unchanged directory, or None."""
        # The root is never taken as listed: ``skip`` and ``only`` filter its entries.
        if not relative or old_dirs.get(relative) != mtime:
            return None
        entries = before.get(relative, ((), ()))
        old_files = previous["files"]
        for name in entries[0]:
            identity = known.get(name)
            if identity is None or identity[0] != old_files[name][0]:
                return None
        return entries

    def walk(folder: str, relative: str, mtime: int) -> None:
        entries = listed_before(relative, mtime)
        if entries is not None:
            names, subfolders = entries
            for name in names:
                found[name] = known[name]
            for sub in subfolders:
                path = os.path.join(root, sub)
                sub_mtime = os.lstat(path).st_mtime_ns
                if with_dirs:
                    folders[sub] = sub_mtime
                walk(path, sub, sub_mtime)
            return
        prefix = relative + "/" if relative else ""
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and (entry.name in skip or (only is not None and entry.name not in only)):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    # (A directory's mtime costs a stat: only when it is used.)
                    sub_mtime = entry.stat(follow_symlinks=False).st_mtime_ns if with_dirs or old_dirs else 0
                    if with_dirs:
                        folders[prefix + entry.name] = sub_mtime
                    walk(entry.path, prefix + entry.name, sub_mtime)
                else:
                    name = prefix + entry.name
                    identity = known.get(name) if known else None
                    if identity is None or identity[0] != entry.inode():
                        identity = _file_id(entry.stat(follow_symlinks=False))
                    found[name] = identity

    if os.path.isdir(root):
        root_mtime = os.lstat(root).st_mtime_ns
        if with_dirs:
            folders[""] = root_mtime
        walk(root, "", root_mtime)
    return (found, folders) if with_dirs else found


def _by_folder(files: dict, dirs: dict) -> dict[str, tuple[list[str], list[str]]]:
    """The files and the directories of a stamp, by the directory that holds them ('' for the root)."""
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for name in files:
        groups.setdefault(name.rpartition("/")[0], ([], []))[0].append(name)
    for name in dirs:
        if name:
            groups.setdefault(name.rpartition("/")[0], ([], []))[1].append(name)
    return groups


def layout_fingerprint(settings: dict) -> str:
    """What decides where pages go and what files exist: code, library versions, settings."""
    return fingerprint(CACHE_VERSION, _versions(), _tree_digest(PLUGIN_DIR), settings_digest(settings))


def compiled_templates_key(settings: dict) -> str:
    """What a compiled template depends on: its source (Jinja checks it), and the code,
    settings, library versions, theme and translations (compiled in: i18n.BuildTimeI18n)."""
    return fingerprint(layout_fingerprint(settings), _tree_digest(settings.get("THEME", "")))


def inputs_fingerprint(settings: dict, build_date, layout: str | None = None) -> str:
    """Everything a build reads, cheaply: content/ by stat, theme and plugin code by bytes.

    A content file is taken as unchanged while its :func:`stat_key` is;
    anything else that changed makes a normal build, which then compares bytes.
    """
    return fingerprint(
        layout or layout_fingerprint(settings),
        _tree_digest(settings.get("THEME", "")),
        build_date.isoformat(),
        _tree_digest(settings.get("PATH", ""), by_stat_only=True),
    )


def _cache_file(cache_dir: str, final_output: str, kind: str) -> str:
    """The cache file of ``kind`` (manifest, reads, published, spare) for an output directory."""
    return os.path.join(cache_dir, f"{fingerprint(os.path.abspath(final_output))[:16]}.{kind}.pickle")


def _stamp_path(cache_dir: str, final_output: str, which: str = "published") -> str:
    return _cache_file(cache_dir, final_output, which)


def _write_pickle(path: str, value) -> None:
    _replace(path, lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL))


def _load_stamp(path: str) -> dict | None:
    try:
        with open(path, "rb") as handle:
            stamp = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable stamp is no stamp
        return None
    if not isinstance(stamp, dict) or stamp.get("version") != CACHE_VERSION:
        return None
    return stamp


def nothing_changed(final_output: str, inputs: str, stamp: dict | None) -> bool:
    """Whether the published output, whose ``stamp`` this is, was built from these very
    inputs and is untouched since."""
    if stamp is None or stamp.get("inputs") != inputs:
        return False
    return stamp.get("files") == _stat_tree(final_output)


class EarlyStamp(threading.Thread):
    """The files and directories of the staging directory, listed while the build
    waits for Pagefind; the entries named in ``later`` (still being written) are
    listed once published (:func:`finish_run`)."""

    def __init__(self, staging: str, later, known=None, previous=None):
        super().__init__(daemon=True)
        self.staging, self.later, self.known, self.previous = staging, frozenset(later), known, previous
        self.tree = None
        self.error: BaseException | None = None
        self.start()

    def run(self):
        try:
            self.tree = _stat_tree(
                self.staging, with_dirs=True, skip=self.later, known=self.known, previous=self.previous
            )
        except BaseException as exc:  # noqa: BLE001 - reported by result()
            self.error = exc

    def result(self, final_output: str, retained=()):
        """The published output's listing: this one, plus the entries listed late (``later``
        and the ``retained`` ones carried over from the old output)."""
        self.join()
        if self.error is not None:
            raise self.error
        files, dirs = self.tree
        late = self.later | set(retained)
        more_files, more_dirs = _stat_tree(final_output, with_dirs=True, only=late)
        files.update(more_files)
        dirs.update(more_dirs)  # the root's mtime ('') as it is now, too
        return files, dirs


def record_published(cache_dir: str, final_output: str, inputs: str, layout: str = "", tree=None) -> None:
    """Remember the inputs of the output just published, and its files and directories
    as they are now (``tree``: as :class:`EarlyStamp` listed them)."""
    files, dirs = tree if tree is not None else _stat_tree(final_output, with_dirs=True)
    stamp = {
        "version": CACHE_VERSION,
        "inputs": inputs,
        "layout": layout,
        "root": os.lstat(final_output).st_ino,
        "files": files,
        "dirs": dirs,
    }
    os.makedirs(cache_dir, exist_ok=True)
    _write_pickle(_stamp_path(cache_dir, final_output), stamp)


def same_layout() -> bool:
    """Whether the published output was made by this run's code and settings (start_run)."""
    return bool(_published) and _published.get("published_layout") == _published.get("layout")


def content_stats() -> dict[str, tuple]:
    """The :func:`stat_key` of every file of content/, as this run's :func:`start_run` found them."""
    return dict(_content_stats)


def save_note(cache_dir: str, final_output: str, kind: str, value) -> None:
    """Keep ``value`` beside the cache of ``final_output`` for the next run (:func:`load_note`)."""
    try:
        os.makedirs(cache_dir, exist_ok=True)
        _write_pickle(_cache_file(cache_dir, final_output, kind), {"version": CACHE_VERSION, "value": value})
    except OSError as exc:
        logger.info("Could not save the build cache: %s", exc)


def load_note(cache_dir: str, final_output: str, kind: str):
    """What :func:`save_note` kept, or None."""
    note = _load_stamp(_cache_file(cache_dir, final_output, kind))
    return note.get("value") if note is not None else None


def hand_stamp_to_spare(cache_dir: str, final_output: str) -> None:
    """The published output is about to be replaced and kept as the spare: its stamp
    becomes the spare's, and no build may take the output as up to date until the
    new one is recorded."""
    published = _stamp_path(cache_dir, final_output)
    try:
        os.replace(published, _stamp_path(cache_dir, final_output, "spare"))
    except OSError:
        forget_spare(cache_dir, final_output)


def record_spare_copy(cache_dir: str, final_output: str, root: int) -> None:
    """The spare was just made as a copy of the published output (output_swap._SpareCopy):
    its stamp is the published one with its own root. (There is no published stamp
    when this run could not record one: before_publish removed the previous one.)"""
    stamp = _load_stamp(_stamp_path(cache_dir, final_output))
    if stamp is not None:
        _write_pickle(_stamp_path(cache_dir, final_output, "spare"), {**stamp, "root": root})


def forget_published(cache_dir: str, final_output: str) -> None:
    """The output is about to change: no build may take it as up to date until it is recorded."""
    try:
        os.remove(_stamp_path(cache_dir, final_output))
    except OSError:
        pass


def forget_spare(cache_dir: str, final_output: str) -> None:
    try:
        os.remove(_stamp_path(cache_dir, final_output, "spare"))
    except OSError:
        pass


def _manifest_path(cache_dir: str, final_output: str) -> str:
    return _cache_file(cache_dir, final_output, "manifest")


def _read_manifest(path: str) -> dict | None:
    """The manifest at ``path``, read once while the file stays the same (renovation
    and the generator both need it)."""
    try:
        memo = (path, *stat_key(os.stat(path)))
    except OSError:
        return None
    if memo not in _manifests:
        try:
            with open(path, "rb") as handle:
                _manifests[memo] = pickle.load(handle)
        except Exception:  # noqa: BLE001 - any unreadable cache is no cache
            _manifests[memo] = None
    return _manifests[memo]


class BuildCache:
    """The caches of one output directory, for one run."""

    def __init__(self, cache_dir: str, final_output: str, read_key: str, render_key: str):
        self.cache_dir = cache_dir
        self.final_output = os.path.abspath(final_output)
        self.read_key = read_key
        self.render_key = render_key
        self.manifest_path = _manifest_path(cache_dir, self.final_output)
        self.reads_path = _cache_file(cache_dir, self.final_output, "reads")
        self.old_search: dict[str, str] = {}  # search index shard -> digest of its pages
        self.new_search: dict[str, str] = {}
        self.old_files = self._load_manifest()
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
        self.renovation: Renovation | None = None

    @classmethod
    def for_run(cls, settings: dict, ua: dict, content_root: str, theme: str, final_output: str):
        content = _tree_digest(content_root, skip_dirs=("actions",))
        code = _tree_digest(PLUGIN_DIR)
        read_key = fingerprint(CACHE_VERSION, _versions(), code, content, settings_digest(settings))
        render_key = fingerprint(read_key, _tree_digest(theme))
        cache_dir = ua["UA_CACHE_PATH"]
        cache = cls(cache_dir, final_output, read_key, render_key)
        cache.renovation = _renovation
        return cache

    # -- loading -------------------------------------------------------------

    def _load_manifest(self) -> dict:
        data = _read_manifest(self.manifest_path)
        if (
            not isinstance(data, dict)
            or data.get("version") != CACHE_VERSION
            or data.get("output") != self.final_output
            or data.get("render_key") != self.render_key
            or not isinstance(data.get("files"), dict)
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

    def cached_by_stat(self, name: str, file_key: tuple):
        """(digest, front, body HTML as UTF-8 bytes) of a file whose size, inode and times are
        as recorded, or None."""
        entry = self.old_reads.get(name)
        if entry is not None and entry[3] == file_key:
            self.read_hits += 1
            self.new_reads[name] = entry
            return entry[:3]
        return None

    def cached_read(self, name: str, digest: str, file_key: tuple = ()):
        """(digest, front, body HTML as UTF-8 bytes) of an action file with these bytes, or None."""
        entry = self.old_reads.get(name)
        if entry is not None and entry[0] == digest:
            self.read_hits += 1
            # Same bytes, new times (a checkout, a touch): record the new ones.
            self.new_reads[name] = entry if entry[3] == file_key else (*entry[:3], file_key)
            return entry[:3]
        return None

    def store_read(self, name: str, digest: str, front, body_html: str | bytes, file_key: tuple = ()) -> None:
        self.new_reads[name] = (digest, front, body_html, file_key)

    # -- rendering -----------------------------------------------------------

    def full_key(self, output) -> str | None:
        if output.key is None:
            return None
        return fingerprint(self.render_key, output.save_as, output.template or "", output.key)

    def reuse(self, output, staging: str) -> bool:
        """Hard-link the published file into ``staging`` when its inputs did not change."""
        return not self.reuse_all([output], staging)

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

    def identities(self) -> dict[str, list[int]]:
        """Files of the staging directory whose identity (inode, size, mtime) this build
        knows, for its stamp: the spare's files that are the published ones (as the
        published stamp has them) and the published files it kept (checked this build)."""
        known = dict(self.renovation.candidates) if self.renovation is not None else {}
        known.update(self.kept)
        return known

    def published_as_recorded(self, save_as: str, content_key: str | None) -> bool:
        """Whether the published file of ``save_as`` is still the one the manifest
        recorded (inode, size, mtime), recorded under ``content_key``."""
        old = self.old_files.get(save_as)
        if not old or content_key is None or _content_key(old) != content_key:
            return False
        try:
            return _file_id(os.lstat(os.path.join(self.final_output, save_as))) == old[1:4]
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
            if _file_id(stat) != old[1:4] or stat.st_size != len(payload):
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
                if _file_id(stat) == old[1:4] and S_ISREG(stat.st_mode):
                    self._place(output.save_as, source, stat.st_ino, staging, made)
                    self.kept[output.save_as] = old[1:4]  # one key per thread: dict updates are atomic
                    continue
            except OSError:
                pass
            self.content.pop(output.save_as, None)  # rendered: its key will be its bytes' key
            failed.append(output)
        return failed

    # -- saving, after the new output is published ----------------------------

    def save(self) -> None:
        files = {}
        for save_as, key in self.new_files.items():
            kept = self.kept.get(save_as)
            if kept is not None:  # the same inode as before: no need to look again
                files[save_as] = [key, *kept, self.content.get(save_as, key)]
                continue
            try:
                stat = os.lstat(os.path.join(self.final_output, save_as))
            except OSError:
                continue
            files[save_as] = [key, *_file_id(stat), key]
        os.makedirs(self.cache_dir, exist_ok=True)
        manifest = {
            "version": CACHE_VERSION,
            "output": self.final_output,
            "render_key": self.render_key,
            "files": files,
            "search": self.new_search,
        }
        _write_pickle(self.manifest_path, manifest)
        self._save_reads()

    def _save_reads(self) -> None:
        changes = [
            (name, entry) for name, entry in self.new_reads.items() if self.old_reads.get(name) is not entry
        ] + [(name, None) for name in self.old_reads.keys() - self.new_reads.keys()]
        if not changes and self._log_records is not None:
            return  # every file came from the read cache: it is already right

        def dump(items, stream):
            # The HTML goes in as bytes: pickling a str would make CPython keep
            # a UTF-8 copy inside every (non-ASCII) string object for the rest
            # of the build, 33 MB at 10,000 actions.
            records = [
                (name, None if entry is None else (entry[0], entry[1], _utf8(entry[2]), entry[3]))
                for name, entry in items
            ]
            pickle.dump(records, stream, protocol=pickle.HIGHEST_PROTOCOL)

        if self._log_records is not None and self._log_records + len(changes) <= 2 * len(self.new_reads) + 64:
            with open(self.reads_path, "ab") as stream:
                for start in range(0, len(changes), _LOG_CHUNK):
                    dump(changes[start : start + _LOG_CHUNK], stream)
            return

        def write(stream):  # a new log, each file once
            pickle.dump({"read_key": self.read_key}, stream, protocol=pickle.HIGHEST_PROTOCOL)
            items = list(self.new_reads.items())
            for start in range(0, len(items), _LOG_CHUNK):
                dump(items[start : start + _LOG_CHUNK], stream)

        _replace(self.reads_path, write)


def _utf8(html: str | bytes) -> bytes:
    return html if isinstance(html, bytes) else html.encode("utf-8")


def _replace(path: str, write) -> None:
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


# The run's final output directory, cache, inputs and spare, from ``get_generators``
# through the generator to ``finalized``; reset at the start of every run (autoreload).
_current: BuildCache | None = None
_final_output: str | None = None
_published: dict = {}
_renovation: Renovation | None = None


def start_run(final_output: str, cache_dir: str | None = None, build_date=None, settings=None) -> bool:
    """Begin a run; with a cache directory, True when the published output is already up to date."""
    global _current, _final_output, _published, _renovation
    _current, _final_output, _published, _renovation = None, final_output, {}, None
    _tree_digests.clear()
    _content_stats.clear()
    _manifests.clear()
    if cache_dir is None:
        return False
    layout = layout_fingerprint(settings)
    inputs = inputs_fingerprint(settings, build_date, layout)
    stamp = _load_stamp(_stamp_path(cache_dir, final_output))
    skip = nothing_changed(final_output, inputs, stamp)
    _published = {
        "cache_dir": cache_dir,
        "inputs": inputs,
        "layout": layout,
        "skip": skip,
        # What made the published output (a spare can only be renovated by its own layout).
        "published_layout": stamp.get("layout") if stamp else None,
        "stamp": stamp,  # until renovate() takes it
    }
    return skip


def renovate(staging: str, reusable_prefixes: tuple[str, ...] = (), discard=None) -> bool:
    """Make the spare output (now at ``staging``) this run's starting point; False if it cannot be.

    Only the files the generator wrote (its manifest lists them) and those under
    ``reusable_prefixes`` (search shards) may be kept: anything else (the theme's
    copies…) is written by others, who may write into an existing file. A shard
    directory with a file to remove is removed as a whole, by ``discard`` if given
    (:func:`spare_tree.renovate`).
    """
    global _renovation
    if not _published:
        return False
    cache_dir, layout = _published["cache_dir"], _published["layout"]
    spare = _load_stamp(_stamp_path(cache_dir, _final_output, "spare"))
    published = _published.pop("stamp", None)
    manifest = _read_manifest(_manifest_path(cache_dir, _final_output))
    if (
        spare is None
        or published is None
        or not spare.get("layout") == published.get("layout") == layout
        or not isinstance(manifest, dict)
        or not isinstance(manifest.get("files"), dict)
    ):
        logger.info("The spare output does not match the cache: starting from an empty directory")
        return False
    owned = manifest["files"]
    _renovation = spare_tree.renovate(
        staging,
        spare,
        published,
        lambda relative: relative in owned or relative.startswith(reusable_prefixes),
        wholes=reusable_prefixes,
        discard=discard,
    )
    if _renovation is None:
        logger.info("The spare output was moved or replaced: starting from an empty directory")
        return False
    logger.info(
        "Starting from the spare output: %d files it shares with the published one, %d others removed",
        len(_renovation.candidates),
        _renovation.removed,
    )
    return True


def renovation() -> Renovation | None:
    """The spare this run started from (:func:`renovate`), or None if it started empty."""
    return _renovation


def current() -> BuildCache | None:
    """This run's cache, once the generator has written the pages (None without one)."""
    return _current


def nothing_to_do() -> bool:
    """Whether this run found the published output up to date (see :func:`start_run`)."""
    return bool(_published.get("skip"))


def final_output() -> str | None:
    return _final_output


def set_current(cache: BuildCache | None) -> None:
    global _current
    _current = cache


def replaced_output_can_be_spare() -> bool:
    """Whether the output this run replaces was made with this run's layout, so the
    next run can renovate it (otherwise it is removed, and the new output copied)."""
    return bool(_published) and not _published["skip"] and _published["published_layout"] == _published["layout"]


def before_publish(keep_spare: bool = True, early: EarlyStamp | None = None) -> None:
    """Call before the new output replaces the old one (which becomes the spare, or is removed).

    The listing ``early`` makes of the staging directory must end first: it
    walks paths, which name the old output once the two are swapped.
    """
    if early is not None:
        early.join()
    if _published and not _published["skip"]:
        if keep_spare:
            hand_stamp_to_spare(_published["cache_dir"], _final_output)
        else:
            forget_published(_published["cache_dir"], _final_output)
            forget_spare(_published["cache_dir"], _final_output)


def finish_run(early: EarlyStamp | None = None, retained=()) -> None:
    """Record the published output (call after the swap), with the listing ``early``
    made of it if any (``retained``: entries carried over from the old output since)."""
    global _current, _published, _renovation
    cache, _current = _current, None
    published, _published = _published, {}
    _renovation = None
    try:
        if cache is not None:
            cache.save()
        if published and not published["skip"]:
            tree = early.result(_final_output, retained) if early is not None else None
            record_published(
                published["cache_dir"], _final_output, published["inputs"], published["layout"], tree
            )
    except OSError as exc:
        # The site is published; only the next build's speed is at stake.
        logger.info("Could not save the build cache: %s", exc)


def actions_key(actions, build_date, *extra) -> str:
    """The key of a page made from ``actions`` (an action page: its case; a list: its items).

    It covers each action's address and file bytes, and the build date when
    one of them is open (its state and days left change with the date), plus
    any ``extra`` value the page depends on (page number, total count…): see
    ``Action.key_token``.
    """
    tokens = b"".join([action.key_token for action in actions])  # slugs hold neither NUL nor newline
    digest = hashlib.blake2b(tokens, digest_size=20)
    digest.update(b"date:" + (build_date.isoformat().encode() if b"\1\n" in tokens else b""))
    if extra:
        digest.update(b"|" + fingerprint(*extra).encode())
    return digest.hexdigest()
