"""Search: the site's search page and how its Pagefind index is split into shards.

Only action pages are indexed (``data-pagefind-body``), with filters for
state, country and theme. The index and Pagefind's JavaScript are written into
the site itself: nothing is loaded from elsewhere.

Pagefind holds a whole index in memory (about 130 MiB per 1,000 action pages)
and cannot update an index, so the index is made of *shards* by publication
year, each of at most ``UA_SEARCH_SHARD_SIZE`` pages (a year with more is one
shard; a small archive has smaller shards, :func:`shard_size`), in
``pagefind-<years>/``. The build merges them into the one index the search
page loads, ``pagefind/`` (:mod:`urgent_actions.render.pagefind_merge`): a
shard costs a reader its own chunk per searched word. How the shards are
indexed (Pagefind processes, reuse) is the renderer's and the build's
business: :mod:`urgent_actions.render.pagefind`.
"""

from __future__ import annotations

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


def plan(actions, size: int, smallest: int | None = None) -> list[Shard]:
    """Split the action pages into shards of consecutive years, oldest first,
    of at most ``size`` pages (:func:`shard_size` with ``smallest``).

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
        shards.append(Shard(directory, tuple(slugs)))
    return shards


def plan_for(build: Build) -> list[Shard]:
    """This build's shards, from its actions and settings."""
    return plan(build.site.actions, build.ua["UA_SEARCH_SHARD_SIZE"], build.ua["UA_SEARCH_SHARD_SIZE_MIN"])


def outputs(build: Build):
    yield Output(
        urls.save_as(build.ua["UA_URLS"]["search"]),
        template="search",
        context={"page_name": "search"},
        key=fingerprint("search"),
    )
