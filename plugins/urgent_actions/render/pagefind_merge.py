"""Merge Pagefind indexes (the search shards) into one index, in Python.

The shards keep indexing cheap (an edit re-indexes one small shard); one index
keeps the first search small (a shard costs its own chunk per searched word).
Pagefind 1.5.2's files are gzipped ``pagefind_dcd`` + CBOR (arrays in field order):

- ``pagefind.<lang>_<hash>.pf_meta``: version, pages (fragment hash, word count),
  word chunks (first word, last word, hash), filters (name, hash), sorts, and
  the names of the pages' meta fields (sorted);
- ``index/*.pf_index``: words, each (word, pages, variants (word, pages)); a page
  is (page number, positions, meta positions), page numbers as deltas from the
  previous one in the list (the first from 0); in the meta positions, ``-1 - n``
  starts the positions in the meta field number ``n``;
- ``filter/*.pf_filter``: (name, values), each (value, page numbers);
- ``fragment/*.pf_fragment``: one page's JSON, named by its digest.

Run as a script by the build (``python pagefind_merge.py TARGET SHARD...``: only
the standard library and cbor2), so that the merge's memory is not the build's.

The merge numbers each shard's pages after the previous shards' (an offset: only
the first delta of each list changes), unions the words and filter values, cuts
the sorted words into chunks as Pagefind does (smaller ones:
:data:`CHUNK_POSITIONS`), and names every file by the
digest of its content as Pagefind does, so that the output is deterministic.

An edit re-indexes one shard: with ``--cache DIR`` the merge keeps each shard's
words as CBOR bytes to copy (a page list changes only in its first delta), so
it decodes only the shards it has not seen; with ``--previous INDEX`` it links
the files of the last merged index that it would write again with the same
bytes. Either way the output is the bytes of a merge from scratch.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
import marshal
import operator
import os
import shutil
import sys

import cbor2

try:  # imported by the build
    from .pagefind_cbor import ARRAY, encoded_words
except ImportError:  # run as a script: its folder is on sys.path
    from pagefind_cbor import ARRAY, encoded_words

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# The sorted words are cut into chunks of about this many positions (pages and
# positions in them). Pagefind 1.5.2 cuts at 20,000; a search loads the chunk of
# each of its words, and at 10,000 actions a common name's chunk of 20,000 is
# mostly other words' postings: 5,000 halves what a name search loads (352 KB
# to 167 KB; the metadata grows by 1 KB).
CHUNK_POSITIONS = 5_000
# The version of what the cache keeps of a shard (:func:`_shard_entries`): part of its key.
CACHE_FORMAT = 4
# Files every index has the same copy of.
RUNTIME = ("pagefind.js", "pagefind-worker.js")


def full_hash(data: bytes) -> str:
    """Pagefind's digest: SHA-1 in hexadecimal, each byte without its leading zero."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(data).digest())


def read_file(path: str) -> bytes:
    """A Pagefind file's content (decompressed, without its signature)."""
    with open(path, "rb") as handle:
        data = gzip.decompress(handle.read())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind file")
    return data[len(SIGNATURE) :]


def write_file(path: str, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(gzip.compress(SIGNATURE + content, compresslevel=6, mtime=0))


class _Names:
    """Short names by digest (``<lang>_`` and 7 hex digits), longer on a collision."""

    def __init__(self, language: str):
        self.language, self.taken = language, {}

    def name(self, digest: str) -> str:
        full = f"{self.language}_{digest}"
        length = len(self.language) + 8
        while self.taken.get(full[:length], full) != full and length < len(full):
            length += 1
        self.taken[full[:length]] = full
        return full[:length]


class Index:
    """One Pagefind index as read from its directory."""

    def __init__(self, directory: str):
        self.directory = directory
        with open(os.path.join(directory, ENTRY), encoding="utf-8") as handle:
            self.entry = json.load(handle)
        ((self.language, about),) = self.entry["languages"].items()
        meta = cbor2.loads(read_file(os.path.join(directory, f"pagefind.{about['hash']}.pf_meta")))
        self.version, self.pages, self.chunks, self.filters, sorts, self.meta_fields = meta
        if sorts:
            raise ValueError(f"{directory}: sorted indexes (data-pagefind-sort) cannot be merged")

    def words(self):
        """Every word in order, with the CBOR of its values (:func:`encoded_words`)."""
        for _first, _last, name in self.chunks:
            yield from encoded_words(read_file(os.path.join(self.directory, "index", name + ".pf_index")))

    def filter_values(self):
        for _name, name in self.filters:
            yield cbor2.loads(read_file(os.path.join(self.directory, "filter", name + ".pf_filter")))


def _head(major: int, length: int) -> bytes:
    """A CBOR head (major type and length), the shortest, as cbor2 writes it."""
    if length < 24:
        return bytes([major << 5 | length])
    size = next(size for size in (1, 2, 4, 8) if length < 1 << (8 * size))
    return bytes([major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[size]]) + length.to_bytes(size, "big")


def _segment(pages: list, encoded: bytes) -> tuple:
    """A shard's page list as bytes to copy into a merged one: (pages, first delta, the
    CBOR after it, the sum of the deltas), from the list and its CBOR (encoded here when
    ``encoded`` is not). Only the first delta changes in a merge (an offset), so what
    follows it is copied as it is."""
    if not pages:
        return 0, 0, b"", 0
    delta = pages[0][0]
    # Left out: the list's head, the first page's (an array of 3) and its delta (unsigned).
    head = _head(ARRAY, len(pages)) + b"\x83" + _head(0, delta)
    if not encoded.startswith(head):
        encoded = cbor2.dumps(pages)
    return len(pages), delta, encoded[len(head) :], sum(page[0] for page in pages)


class _Joined:
    """A page list being merged, as CBOR: shards' segments, one after the other."""

    __slots__ = ("last", "pages", "parts")

    def __init__(self):
        self.parts, self.pages, self.last = [], 0, 0

    def extend(self, pages: int, delta: int, after: bytes, total: int, offset: int) -> None:
        """Add a shard's :func:`_segment`, its pages numbered from ``offset``."""
        if not pages:
            return
        # The new first delta, never negative (a shard's pages come after the previous ones'):
        # an unsigned integer (major type 0).
        self.parts += (b"\x83", _head(0, offset + delta - self.last), after)
        self.pages += pages
        self.last = offset + total

    def encoded(self) -> bytes:
        return _head(ARRAY, self.pages) + b"".join(self.parts)


def _renumber_fields(pages: list, fields: dict[int, int]) -> list:
    """The pages with their meta positions' field numbers changed by ``fields``."""
    return [
        [number, positions, [-1 - fields[-1 - n] if n < 0 else n for n in meta]] for number, positions, meta in pages
    ]


def _positions(pages: list) -> int:
    """What a word counts for in a chunk, as Pagefind 1.5.2 counts it: its pages' positions
    (meta positions too) and one a page; not its variants'."""
    return sum(len(positions) + len(meta) + 1 for _number, positions, meta in pages)


def _shard_entries(shard: Index, fields: dict[int, int]) -> list[tuple]:
    """The shard's words in order, each (word, positions, CBOR, *segment, variants, each
    (variant, CBOR, *segment)), its meta fields numbered by ``fields`` (old number ->
    merged number). Flat tuples: the cache loads them faster."""
    renumber = any(old != new for old, new in fields.items())
    entries = []
    for word, encoded_word, pages, encoded, variants in shard.words():
        if renumber:  # their bytes change: encoded again by _segment
            pages, encoded = _renumber_fields(pages, fields), b""
            variants = [(variant, e, _renumber_fields(f, fields), b"") for variant, e, f, _ in variants]
        found = tuple((variant, encoded_variant, *_segment(f, e)) for variant, encoded_variant, f, e in variants)
        entries.append((word, _positions(pages), encoded_word, *_segment(pages, encoded), found))
    return entries


def _shard_data(shard: Index, fields: dict[int, int], cache_dir: str | None, used: set) -> tuple[list, list]:
    """The shard's word entries and filter values: from the cache when a merge already
    read these very files with these field numbers (what an edit leaves of a build)."""
    if cache_dir is None:
        return _shard_entries(shard, fields), list(shard.filter_values())
    digest = hashlib.sha1(repr((CACHE_FORMAT, sorted(fields.items()))).encode())
    for folder, names in (("index", [c[2] for c in shard.chunks]), ("filter", [f[1] for f in shard.filters])):
        for name in names:
            with open(os.path.join(shard.directory, folder, f"{name}.pf_{folder}"), "rb") as handle:
                digest.update(handle.read())
    path = os.path.join(cache_dir, f"shard-{digest.hexdigest()}.marshal")
    used.add(os.path.basename(path))
    data = _load(path, None)
    if data is None:
        data = _shard_entries(shard, fields), list(shard.filter_values())
        _save(path, data)
    return data


def _save(path: str, data) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as handle:
        marshal.dump(data, handle)
    os.replace(path + ".tmp", path)


def _merge_words(shards: list[list], offsets: list[int]):
    """The merged words in order, each (word, positions, CBOR), from the shards' entries
    (a shard's words come in order, and equal words in the shards' order)."""
    streams = [[(*entry, offset) for entry in entries] for entries, offset in zip(shards, offsets, strict=True)]
    for word, group in itertools.groupby(heapq.merge(*streams, key=operator.itemgetter(0)), operator.itemgetter(0)):
        postings, variants, count = _Joined(), {}, 0
        for _word, positions, encoded, pages, delta, after, total, found_variants, offset in group:
            count += positions
            postings.extend(pages, delta, after, total, offset)
            for variant, encoded_variant, *segment in found_variants:
                variants.setdefault(variant, (encoded_variant, _Joined()))[1].extend(*segment, offset)
        parts = [b"\x83", encoded, postings.encoded(), _head(ARRAY, len(variants))]
        for _variant, (encoded_variant, found) in sorted(variants.items()):
            parts += (b"\x82", encoded_variant, found.encoded())
        yield word, count, b"".join(parts)


def chunk_words(words, size: int = CHUNK_POSITIONS):
    """Cut the sorted words (word, positions, ...) into chunks of at least ``size``
    positions (the last smaller)."""
    chunk, count = [], 0
    for word in words:
        count += word[1]
        chunk.append(word)
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


def _prefixes(last: str, first: str) -> tuple[str, str]:
    common = 0
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        common += 1
    return last[: common + 1], first[: common + 1]


def chunk_bounds(words: list[tuple[str, str]]) -> list[list[str]]:
    """Each chunk's bounds from its first and last ``words``: shortened to where they
    differ from the neighbours'."""
    bounds = [[first, last] for first, last in words]
    for before, after in itertools.pairwise(bounds):
        before[1], after[0] = _prefixes(before[1], after[0])
    for bound, (_first, last) in zip(bounds, words, strict=True):
        if bound[1] < bound[0]:  # a one-word chunk's two prefixes: its word, as Pagefind writes it
            bound[1] = last
    return bounds


def _merge_filters(shards: list[list], offsets: list[int]) -> dict[str, dict[str, list[int]]]:
    filters: dict[str, dict[str, list[int]]] = {}
    for shard_filters, offset in zip(shards, offsets, strict=True):
        for name, values in shard_filters:
            merged = filters.setdefault(name, {})
            for value, pages in values:
                merged.setdefault(value, []).extend(page + offset for page in pages)
    return filters


class _Writer:
    """Writes the merged index's files into ``target``, named by digest; a file the
    previous merge wrote with the same content is linked from ``previous`` (the
    merged index the last build published) when it is still that very file (same
    inode, size and modification time), instead of being compressed again."""

    def __init__(self, target: str, language: str, previous: str | None, written: dict):
        self.target, self.previous, self.names = target, previous, _Names(language)
        self.before, self.written = written if previous else {}, {}

    def write(self, folder: str, suffix: str, content: bytes) -> str:
        full = full_hash(content)
        name = self.names.name(full)
        path = os.path.join(folder, name + suffix)
        if not self._link(self.before.get(full), path):
            write_file(os.path.join(self.target, path), content)
        self.written[full] = path
        return name

    def _link(self, before: tuple | None, path: str) -> bool:
        if before is None:
            return False
        old = os.path.join(self.previous, before[0])
        try:
            found = os.stat(old)
            if (found.st_ino, found.st_size, found.st_mtime_ns) != tuple(before[1:]):
                return False
            os.link(old, os.path.join(self.target, path))
        except OSError:
            return False
        return True

    def record(self) -> dict:
        """What the next merge may link: each file's digest -> (path, inode, size, mtime)."""
        record = {}
        for full, path in self.written.items():
            found = os.stat(os.path.join(self.target, path))
            record[full] = (path, found.st_ino, found.st_size, found.st_mtime_ns)
        return record


def _place_fragments(shards: list[Index], target: str, language: str) -> list[list]:
    """Link every shard's fragments into ``target``; the merged pages list. Two shards'
    different pages with the same short name (7 digits) get longer names, as Pagefind does."""
    os.makedirs(os.path.join(target, "fragment"))
    sources: dict[str, str] = {}
    pages = []
    into = os.open(os.path.join(target, "fragment"), os.O_RDONLY)
    try:
        for shard in shards:
            folder = os.path.join(shard.directory, "fragment")
            where = os.open(folder, os.O_RDONLY)  # links relative to open folders: no path walks
            try:
                for name, word_count in shard.pages:
                    source = os.path.join(folder, name + ".pf_fragment")
                    if name in sources and read_file(sources[name]) != read_file(source):
                        full, name = f"{language}_{full_hash(read_file(source))}", name + "?"
                        length = len(name) - 1
                        while name in sources or name.endswith("?"):
                            length += 1
                            name = full[:length]
                    if name not in sources:
                        sources[name] = source
                        os.link(os.path.basename(source), name + ".pf_fragment", src_dir_fd=where, dst_dir_fd=into)
                    pages.append([name, word_count])
            finally:
                os.close(where)
    finally:
        os.close(into)
    return pages


def _read_shards(shards: list[Index], meta_fields: list[str], cache_dir: str | None) -> tuple[list, list]:
    """Every shard's word entries and filter values (see :func:`_shard_data`); the
    cache keeps only what this merge used."""
    used: set[str] = set()
    data = [
        _shard_data(
            shard, {old: meta_fields.index(name) for old, name in enumerate(shard.meta_fields)}, cache_dir, used
        )
        for shard in shards
    ]
    if cache_dir is not None:
        for name in os.listdir(cache_dir):
            if name.startswith("shard-") and name not in used:
                os.remove(os.path.join(cache_dir, name))
    return [entries for entries, _ in data], [filters for _, filters in data]


def merge(directories: list[str], target: str, cache_dir: str | None = None, previous: str | None = None) -> None:
    """Write into ``target`` (a new directory) one index of the pages of the indexes
    in ``directories``, their pages numbered in that order.

    With a ``cache_dir`` (kept between builds), a shard read once is not decoded
    again, and the files of the ``previous`` merged index that have the same
    content are linked from there: the same bytes as a merge from scratch."""
    shards = [Index(directory) for directory in directories]
    language = shards[0].language
    offsets, count = [], 0
    for shard in shards:
        offsets.append(count)
        count += len(shard.pages)
    os.makedirs(target)
    for name in os.listdir(shards[0].directory):
        if name in RUNTIME or name.startswith("wasm."):
            shutil.copyfile(os.path.join(shards[0].directory, name), os.path.join(target, name))
    pages = _place_fragments(shards, target, language)
    meta_fields = sorted({name for shard in shards for name in shard.meta_fields})
    entries, filter_values = _read_shards(shards, meta_fields, cache_dir)
    record = os.path.join(cache_dir, "written.marshal") if cache_dir is not None else None
    writer = _Writer(target, language, previous, _load(record, {}) if record and previous else {})
    os.makedirs(os.path.join(target, "index"))
    words, hashes = [], []
    for chunk in chunk_words(_merge_words(entries, offsets)):
        content = b"\x81" + _head(ARRAY, len(chunk)) + b"".join(word[2] for word in chunk)
        hashes.append(writer.write("index", ".pf_index", content))
        words.append((chunk[0][0], chunk[-1][0]))
    index_chunks = [[first, last, name] for (first, last), name in zip(chunk_bounds(words), hashes, strict=True)]
    os.makedirs(os.path.join(target, "filter"))
    meta_filters = []
    for filter_name, values in sorted(_merge_filters(filter_values, offsets).items()):
        content = cbor2.dumps([filter_name, sorted(values.items())])
        meta_filters.append([filter_name, writer.write("filter", ".pf_filter", content)])
    meta = cbor2.dumps([shards[0].version, pages, index_chunks, meta_filters, [], meta_fields])
    meta_hash = f"{language}_{full_hash(meta)[: len(language) + 8]}"
    write_file(os.path.join(target, f"pagefind.{meta_hash}.pf_meta"), meta)
    entry = dict(shards[0].entry)
    entry["languages"] = {language: {**entry["languages"][language], "hash": meta_hash, "page_count": len(pages)}}
    with open(os.path.join(target, ENTRY), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    if record is not None:
        _save(record, writer.record())


def _load(path: str, missing):
    """What :func:`_save` wrote at ``path``; ``missing`` if there is nothing readable."""
    try:
        with open(path, "rb") as handle:
            return marshal.loads(handle.read())  # load(handle) reads in small pieces: slower
    except (OSError, EOFError, ValueError, TypeError):
        return missing


def main(argv: list[str]) -> int:
    """``pagefind_merge.py [--cache DIR] [--previous DIR] TARGET SHARD...``"""
    options = {"--cache": None, "--previous": None}
    arguments = argv[1:]
    while arguments and arguments[0] in options:
        options[arguments[0]], arguments = arguments[1], arguments[2:]
    merge(arguments[1:], arguments[0], cache_dir=options["--cache"], previous=options["--previous"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
