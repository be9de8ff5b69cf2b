"""Search: the site's search page and how its Pagefind index is split into shards.

Only action pages are indexed (``data-pagefind-body``), with filters for
state, country and theme. The index and Pagefind's JavaScript are written into
the site itself: nothing is loaded from elsewhere.

Pagefind holds a whole index in memory (about 130 MiB per 1,000 action pages)
and cannot update an index, so the index is made of *shards* by publication
year, each of at most ``UA_SEARCH_SHARD_SIZE`` pages (a year with more is one
shard; a small archive has smaller shards, :func:`shard_size`), in
``pagefind-<years>/``. A larger shard is indexed in *parts* of at most
``UA_SEARCH_PART_SIZE`` consecutive pages (``pagefind-<years>-p<n>/``): an
edit re-indexes one part. The build merges them into the one index the search
page loads, ``pagefind/`` (:mod:`urgent_actions.render.pagefind_merge`), in
:func:`merge_order`: a shard costs a reader its own chunk per searched word.
(Pagefind numbers a shard's pages in the order it finds them in their folder:
cut in parts, they are numbered otherwise, for the same results.) How the shards are
indexed (Pagefind processes, reuse) is the renderer's and the build's
business: :mod:`urgent_actions.render.pagefind`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from .. import urls
from .build import Build
from .keys import fingerprint
from .outputs import Output

# The published index (the shards merged); the shards are pagefind-<years>/.
INDEX = "pagefind"
# Where the index's and the shards' files are, relative to the site root.
DIRECTORY_PREFIXES = (INDEX + "/", INDEX + "-")


@dataclass(frozen=True)
class Shard:
    """A part of the search index: its directory and the action pages it indexes."""

    directory: str  # relative to the site root: "pagefind-1990-1994" or "pagefind-2026"
    slugs: tuple[str, ...]  # the actions whose pages it indexes, in the order of their pages
    # A part's shard of years ("pagefind-1990-1994" for "pagefind-1990-1994-p2"); "" for a whole one.
    group: str = ""

    @property
    def pages(self) -> tuple[str, ...]:
        """The files it indexes (``save_as``), sorted."""
        return tuple(urls.action_save_as(slug) for slug in self.slugs)


# A small archive's shards are made smaller until it has about this many.
SHARDS_WANTED = 10


def shard_size(pages: int, largest: int, smallest: int) -> int:
    """The pages a shard may hold in an archive of ``pages``: ``largest``, or for a
    smaller archive the first of ``smallest``, twice, four times… as many that
    leaves it at most about :data:`SHARDS_WANTED` shards."""
    size = smallest
    while size < largest and pages > SHARDS_WANTED * size:
        size *= 2
    return min(size, largest)


def parts(directory: str, slugs: tuple[str, ...], size: int | None) -> list[Shard]:
    """A shard of years as it is indexed: whole, or in parts of at most ``size``
    consecutive pages, as even as they can be (``-p1``, ``-p2``…)."""
    if size is None or len(slugs) <= size:
        return [Shard(directory, slugs)]
    count = -(-len(slugs) // size)
    cuts = [len(slugs) * n // count for n in range(count + 1)]
    return [
        Shard(f"{directory}-p{n + 1}", slugs[start:end], directory)
        for n, (start, end) in enumerate(itertools.pairwise(cuts))
    ]


def merge_order(shards: list[Shard]) -> list[Shard]:
    """The shards in the order the merged index numbers their pages: the newest
    years first, a shard's parts in the order of their pages (so that the merged
    index does not depend on how the shards are cut into parts)."""
    groups: dict[str, list[Shard]] = {}
    for shard in shards:
        groups.setdefault(shard.group or shard.directory, []).append(shard)
    return [shard for group in reversed(groups.values()) for shard in group]


def plan(actions, size: int, smallest: int | None = None, part: int | None = None) -> list[Shard]:
    """Split the action pages into shards of consecutive years, oldest first,
    of at most ``size`` pages (:func:`shard_size` with ``smallest``), each indexed
    in parts of at most ``part`` pages (:func:`parts`).

    Years are grouped from the oldest on, so adding this year's actions only
    ever changes the newest shard.
    """
    if smallest is not None:
        size = shard_size(len(actions), size, smallest)
    by_year: dict[int, list[str]] = defaultdict(list)
    for action in actions:
        by_year[action.front.date.year].append(action.slug)
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
    for years in groups:
        if years[0] == years[-1]:
            directory = f"{INDEX}-{years[0]}"
        else:
            directory = f"{INDEX}-{years[0]}-{years[-1]}"
        slugs = sorted((slug for y in years for slug in by_year[y]), key=urls.action_save_as)
        shards.extend(parts(directory, tuple(slugs), part))
    return shards


def plan_for(build: Build) -> list[Shard]:
    """This build's shards, from its actions and settings."""
    ua = build.ua
    return plan(
        build.site.actions, ua["UA_SEARCH_SHARD_SIZE"], ua["UA_SEARCH_SHARD_SIZE_MIN"], ua["UA_SEARCH_PART_SIZE"]
    )


def outputs(build: Build):
    yield Output(
        urls.save_as(build.ua["UA_URLS"]["search"]),
        template="search",
        context={"page_name": "search"},
        key=fingerprint("search"),
    )
