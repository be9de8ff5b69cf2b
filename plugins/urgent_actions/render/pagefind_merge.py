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
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
import operator
import os
import shutil
import sys

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# The sorted words are cut into chunks of about this many positions (pages and
# positions in them). Pagefind 1.5.2 cuts at 20,000; a search loads the chunk of
# each of its words, and at 10,000 actions a common name's chunk of 20,000 is
# mostly other words' postings: 5,000 halves what a name search loads (352 KB
# to 167 KB; the metadata grows by 1 KB).
CHUNK_POSITIONS = 5_000
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

    def name(self, content: bytes) -> str:
        full = f"{self.language}_{full_hash(content)}"
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
        for _first, _last, name in self.chunks:
            yield from cbor2.loads(read_file(os.path.join(self.directory, "index", name + ".pf_index")))[0]

    def filter_values(self):
        for _name, name in self.filters:
            yield cbor2.loads(read_file(os.path.join(self.directory, "filter", name + ".pf_filter")))


class _Postings:
    """A page list being merged: shards' delta-coded lists, one after the other."""

    __slots__ = ("last", "pages")

    def __init__(self):
        self.pages, self.last = [], 0

    def extend(self, pages: list, offset: int) -> None:
        if not pages:
            return
        first = pages[0]
        self.pages.append([offset + first[0] - self.last, *first[1:]])
        self.pages.extend(pages[1:])
        self.last = offset + sum(page[0] for page in pages)


def _renumber_fields(pages: list, fields: dict[int, int]) -> list:
    """The pages with their meta positions' field numbers changed by ``fields``."""
    return [
        [number, positions, [-1 - fields[-1 - n] if n < 0 else n for n in meta]] for number, positions, meta in pages
    ]


def _shard_words(shard: Index, offset: int, meta_fields: list[str]):
    """The shard's words in order, each with the offset of its pages, its meta fields
    numbered as in the merged index."""
    fields = {old: meta_fields.index(name) for old, name in enumerate(shard.meta_fields)}
    renumber = any(old != new for old, new in fields.items())
    for word, pages, variants in shard.words():
        if renumber:
            pages = _renumber_fields(pages, fields)
            variants = [[variant, _renumber_fields(found, fields)] for variant, found in variants]
        yield word, pages, variants, offset


def _merge_words(shards: list[Index], offsets: list[int], meta_fields: list[str]):
    """The merged words in order, read one chunk of each shard at a time (a shard's
    words come in order, and equal words in the shards' order)."""
    streams = [_shard_words(shard, offset, meta_fields) for shard, offset in zip(shards, offsets, strict=True)]
    for word, group in itertools.groupby(heapq.merge(*streams, key=operator.itemgetter(0)), operator.itemgetter(0)):
        postings, variants = _Postings(), {}
        for _word, pages, found_variants, offset in group:
            postings.extend(pages, offset)
            for variant, found in found_variants:
                variants.setdefault(variant, _Postings()).extend(found, offset)
        yield [word, postings.pages, [[v, p.pages] for v, p in sorted(variants.items())]]


def _positions(word: list) -> int:
    """What a word counts for in a chunk, as Pagefind 1.5.2 counts it: its pages' positions
    (meta positions too) and one a page; not its variants'."""
    return sum(len(positions) + len(meta) + 1 for _number, positions, meta in word[1])


def chunk_words(words, size: int = CHUNK_POSITIONS):
    """Cut the sorted words into chunks of at least ``size`` positions (the last smaller)."""
    chunk, count = [], 0
    for word in words:
        count += _positions(word)
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


def _merge_filters(shards: list[Index], offsets: list[int]) -> dict[str, dict[str, list[int]]]:
    filters: dict[str, dict[str, list[int]]] = {}
    for shard, offset in zip(shards, offsets, strict=True):
        for name, values in shard.filter_values():
            merged = filters.setdefault(name, {})
            for value, pages in values:
                merged.setdefault(value, []).extend(page + offset for page in pages)
    return filters


def _place_fragments(shards: list[Index], target: str, language: str) -> list[list]:
    """Link every shard's fragments into ``target``; the merged pages list. Two shards'
    different pages with the same short name (7 digits) get longer names, as Pagefind does."""
    os.makedirs(os.path.join(target, "fragment"))
    sources: dict[str, str] = {}
    pages = []
    for shard in shards:
        for name, word_count in shard.pages:
            source = os.path.join(shard.directory, "fragment", name + ".pf_fragment")
            if name in sources and read_file(sources[name]) != read_file(source):
                full, name = f"{language}_{full_hash(read_file(source))}", name + "?"
                length = len(name) - 1
                while name in sources or name.endswith("?"):
                    length += 1
                    name = full[:length]
            if name not in sources:
                sources[name] = source
                os.link(source, os.path.join(target, "fragment", name + ".pf_fragment"))
            pages.append([name, word_count])
    return pages


def merge(directories: list[str], target: str) -> None:
    """Write into ``target`` (a new directory) one index of the pages of the indexes
    in ``directories``, their pages numbered in that order."""
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
    os.makedirs(os.path.join(target, "index"))
    names, words, hashes = _Names(language), [], []
    for chunk in chunk_words(_merge_words(shards, offsets, meta_fields)):
        content = cbor2.dumps([chunk])
        hashes.append(names.name(content))
        write_file(os.path.join(target, "index", hashes[-1] + ".pf_index"), content)
        words.append((chunk[0][0], chunk[-1][0]))
    index_chunks = [[first, last, name] for (first, last), name in zip(chunk_bounds(words), hashes, strict=True)]
    os.makedirs(os.path.join(target, "filter"))
    meta_filters = []
    for filter_name, values in sorted(_merge_filters(shards, offsets).items()):
        content = cbor2.dumps([filter_name, sorted(values.items())])
        name = names.name(content)
        write_file(os.path.join(target, "filter", name + ".pf_filter"), content)
        meta_filters.append([filter_name, name])
    meta = cbor2.dumps([shards[0].version, pages, index_chunks, meta_filters, [], meta_fields])
    meta_hash = f"{language}_{full_hash(meta)[: len(language) + 8]}"
    write_file(os.path.join(target, f"pagefind.{meta_hash}.pf_meta"), meta)
    entry = dict(shards[0].entry)
    entry["languages"] = {language: {**entry["languages"][language], "hash": meta_hash, "page_count": len(pages)}}
    with open(os.path.join(target, ENTRY), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))


def main(argv: list[str]) -> int:
    merge(argv[2:], argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
