"""Search with Pagefind, run on the finished site before it is published.

The index and Pagefind's JavaScript are written into the site itself: nothing
is loaded from elsewhere. Only action pages are indexed (``data-pagefind-body``),
with filters for state, country and theme.

Pagefind holds a whole index in memory (about 130 MiB per 1,000 action pages)
and cannot update an index, so the index is made of *shards* by publication
year, each of at most ``UA_SEARCH_SHARD_SIZE`` pages (a year with more is one
shard): the newest in ``pagefind/``, older ones in ``pagefind-<years>/``. The
search page merges them (``mergeIndex``). A shard whose pages have the same
incremental-build keys as in the previous output is hard-linked from it; only
the others are indexed again, each by its own Pagefind process, so memory stays that of one
shard and an edit costs one shard.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .incremental import fingerprint
from .outputs import Output

logger = logging.getLogger(__name__)

INDEX = "pagefind"
# Pagefind's own search interfaces: the site has its own (theme/static/js/search.js).
_UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


@dataclass(frozen=True)
class Shard:
    directory: str  # relative to the site root: "pagefind" or "pagefind-1990-1994"
    pages: tuple[str, ...]  # the pages it indexes (``save_as``), sorted


def plan(actions, size: int) -> list[Shard]:
    """Split the action pages into shards of consecutive years, oldest first.

    Years are grouped from the oldest on, so adding this year's actions only
    ever changes the newest shard; the newest is always ``pagefind/``.
    """
    by_year: dict[int, list[str]] = defaultdict(list)
    for action in actions:
        by_year[action.front.date.year].append(action.save_as)
    groups: list[list[int]] = []
    count = 0
    for year in sorted(by_year):
        if groups and count + len(by_year[year]) <= size:
            groups[-1].append(year)
            count += len(by_year[year])
        else:
            groups.append([year])
            count = len(by_year[year])
    shards = []
    for number, years in enumerate(groups):
        if number == len(groups) - 1:
            directory = INDEX
        elif years[0] == years[-1]:
            directory = f"{INDEX}-{years[0]}"
        else:
            directory = f"{INDEX}-{years[0]}-{years[-1]}"
        shards.append(Shard(directory, tuple(sorted(p for y in years for p in by_year[y]))))
    return shards


# The plan of this run, from ``outputs`` (generator) to ``build_index`` (finalized).
_plan: list[Shard] | None = None


def outputs(build):
    global _plan
    _plan = plan(build.site.actions, build.ua["UA_SEARCH_SHARD_SIZE"])
    # Merged by search.js after the primary index (pagefind/).
    shards = [s.directory for s in reversed(_plan) if s.directory != INDEX]
    yield Output(
        build.ua["UA_URLS"]["search"] + "index.html",
        template="search",
        context={"page_name": "search", "search_shards": shards},
        key=fingerprint("search", shards),
    )


def _pages_digest(pages, page_keys: dict[str, str] | None) -> str | None:
    """A digest of a shard's pages from their incremental-build keys (a key
    changes whenever the page's bytes may), or None without them: no reuse."""
    if page_keys and all(page in page_keys for page in pages):
        return fingerprint(*((page, page_keys[page]) for page in pages))
    return None


def _link_tree(source: str, target: str) -> None:
    for root, _dirs, files in os.walk(source):
        relative = os.path.relpath(root, source)
        os.makedirs(os.path.join(target, relative), exist_ok=True)
        for name in files:
            os.link(os.path.join(root, name), os.path.join(target, relative, name))


def build_index(
    site_dir: str,
    previous: str | None = None,
    shards: list[Shard] | None = None,
    language: str = "fr",
    page_keys: dict[str, str] | None = None,
    recorded: dict[str, str] | None = None,
    jobs: int = 1,
) -> tuple[dict, dict[str, str]]:
    """Index the action pages of ``site_dir`` with Pagefind, shard by shard.

    ``recorded`` holds, for each shard directory of the ``previous`` output,
    the digest of the pages it was made from (the incremental build's cache
    keeps it): a shard whose digest is the same is reused (hard links:
    Pagefind's files are never written in place). Returns how many shards
    were indexed and reused, and the digests to record for this output.
    Up to ``jobs`` Pagefind processes run at once.
    """
    shards = _plan if shards is None else shards
    recorded = recorded or {}
    counts, digests, stale = {"indexed": 0, "reused": 0}, {}, []
    for shard in shards or []:
        digest = _pages_digest(shard.pages, page_keys)
        if digest is not None:
            digests[shard.directory] = digest
        target = os.path.join(site_dir, shard.directory)
        old = os.path.join(previous, shard.directory) if previous else None
        if (
            old
            and digest is not None
            and recorded.get(shard.directory) == digest
            and os.path.isfile(os.path.join(old, "pagefind-entry.json"))
        ):
            _link_tree(old, target)
            counts["reused"] += 1
        else:
            stale.append(shard)
    # Pagefind uses about one and a half cores: two at once keep both busy.
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(lambda shard: _index_shard(site_dir, shard, os.path.join(site_dir, shard.directory), language), stale))
    counts["indexed"] = len(stale)
    return counts, digests


def _index_shard(site_dir: str, shard: Shard, target: str, language: str) -> None:
    """Run Pagefind on a directory holding only this shard's pages (hard links)."""
    pages_dir = tempfile.mkdtemp(prefix=".pagefind-pages-", dir=os.path.dirname(os.path.abspath(site_dir)))
    try:
        for page in shard.pages:
            link = os.path.join(pages_dir, page)
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.link(os.path.join(site_dir, page), link)
        _run_pagefind(pages_dir, os.path.abspath(target), language)
    finally:
        shutil.rmtree(pages_dir, ignore_errors=True)
    for name in os.listdir(target):
        if name.startswith(_UNUSED):
            os.remove(os.path.join(target, name))


def _run_pagefind(pages_dir: str, target: str, language: str) -> None:
    from pagefind_bin import get_executable

    command = [
        str(get_executable()), "--site", pages_dir, "--output-path", target,
        "--silent", "--force-language", language,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
