"""The archive: every action newest first, paginated, and static filtered lists
(by state, year, country and theme), the country and theme indexes, and the
good news. Groups are built with dictionaries in one pass: no list scans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .. import urls
from ..content.states import DISPLAY_STATES
from .build import Build
from .groups import by_country, by_theme
from .keys import actions_key, fingerprint
from .outputs import Output

# URL segment of each state as shown on the build date (content.states.DISPLAY_STATES).
STATE_SLUGS = {
    "open": "en-cours",
    "past-deadline": "delai-depasse",
    "closed": "terminees",
    "good-news": "bonnes-nouvelles",
}


def paginate(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def listing(
    save_base: str, items: list, size: int, context: dict, today, template: str = "list", context_key: str = ""
):
    """Outputs of a paginated list at save_base (e.g. 'archives/'), page 2 at 'page/2/'.

    Each page's key covers its own items, its place in the list and the list's
    context (counts of the filters): editing an action re-renders only the
    pages that show it, unless the counts changed. ``context_key``, when
    given, is a digest of the context, which lists made with the same facets
    compute once for all.
    """
    pages = paginate(items, size)
    shared = fingerprint(template, context_key or sorted(context.items()))
    for number, chunk in enumerate(pages, start=1):
        base = urls.list_page(save_base, number)
        pagination = {
            "number": number,
            "count": len(pages),
            "total": len(items),
            "previous": None if number == 1 else urls.list_page(save_base, number - 1),
            "next": urls.list_page(save_base, number + 1) if number < len(pages) else None,
            "first": save_base,
        }
        yield Output(
            urls.save_as(base),
            template=template,
            context={**context, "items": chunk, "pagination": pagination, "page_url": base},
            key=fingerprint(shared, actions_key(chunk, today), sorted(pagination.items())),
        )


@dataclass
class Groups:
    """The listed actions (newest first) by state on the build date, year, country and theme."""

    by_state: dict[str, list]
    by_year: dict[int, list]
    by_country: dict[str, list]
    by_theme: dict[str, list]

    @classmethod
    def of(cls, listed: list, today) -> Groups:
        by_state: dict[str, list] = defaultdict(list)
        by_year: dict[int, list] = defaultdict(list)
        for action in listed:
            by_state[action.display_state(today)].append(action)
            by_year[action.front.date.year].append(action)
        return cls(by_state, by_year, by_country(listed), by_theme(listed))


def facets_of(groups: Groups, themes: dict) -> dict:
    """The filters every list shows, with their counts."""
    countries = sorted(
        ((code, items[0].country_name, len(items)) for code, items in groups.by_country.items()),
        key=lambda c: c[1],
    )
    counted = [(key, label, len(groups.by_theme.get(key, []))) for key, label in themes.items()]
    return {
        "states": [
            (STATE_SLUGS[s], s, len(groups.by_state.get(s, []))) for s in DISPLAY_STATES if groups.by_state.get(s)
        ],
        "years": sorted(((y, len(items)) for y, items in groups.by_year.items()), reverse=True),
        "countries": countries,
        "themes": [t for t in counted if t[2]],
    }


def filtered_lists(build: Build, groups: Groups, facets: dict):
    """The archive and its lists by state, year, country and theme, each with the facets."""
    site, addresses, size = build.site, build.ua["UA_URLS"], build.ua["UA_ARCHIVE_PAGE_SIZE"]
    common = {"facets": facets, "page_name": "archive"}
    facets_key = fingerprint(sorted(common.items()))
    archive = addresses["archive"]

    def lists(base: str, items: list, own: dict):
        # The facets are the same for every list: their digest is made once.
        # ({**common, **own} is decided by the two.)
        key = fingerprint(facets_key, sorted(own.items()))
        return listing(base, items, size, {**common, **own}, build.build_date, context_key=key)

    yield from lists(archive, site.listed, {"list_kind": "all"})
    for state, items in groups.by_state.items():
        yield from lists(urls.state_list(archive, STATE_SLUGS[state]), items, {"list_kind": "state", "state": state})
    for year, items in groups.by_year.items():
        yield from lists(urls.year_list(archive, year), items, {"list_kind": "year", "year": year})
    for code, items in groups.by_country.items():
        yield from lists(
            urls.country_list(addresses["countries"], code), items,
            {"list_kind": "country", "country": code, "country_label": items[0].country_name,
             "feed": urls.country_feed(code), "page_name": "countries"},
        )  # fmt: skip
    for key, items in groups.by_theme.items():
        yield from lists(
            urls.theme_list(addresses["themes"], key), items,
            {"list_kind": "theme", "theme": key, "theme_label": site.themes[key],
             "feed": urls.theme_feed(key), "page_name": "themes"},
        )  # fmt: skip


def indexes(build: Build, facets: dict):
    """The index of countries and the index of themes."""
    addresses = build.ua["UA_URLS"]
    yield Output(
        urls.save_as(addresses["countries"]),
        template="index-list",
        context={"kind": "countries", "entries": facets["countries"], "page_name": "countries"},
        key=fingerprint(facets["countries"]),
    )
    yield Output(
        urls.save_as(addresses["themes"]),
        template="index-list",
        context={"kind": "themes", "entries": facets["themes"], "page_name": "themes"},
        key=fingerprint(facets["themes"]),
    )


def good_news(build: Build):
    """The good news, with their count per year of outcome."""
    good = build.site.good_news
    per_year: dict[int, int] = defaultdict(int)
    for action in good:
        per_year[action.front.outcome.date.year] += 1
    per_year_list = sorted(per_year.items(), reverse=True)
    # Paginated like the archive: the whole history's outcomes on one page
    # weighed 900 KB at 10,000 actions, and any edit of one rendered it again.
    yield from listing(
        build.ua["UA_URLS"]["good_news"], good, build.ua["UA_ARCHIVE_PAGE_SIZE"],
        {"per_year": per_year_list, "page_name": "good_news"}, build.build_date, "good-news",
    )  # fmt: skip


def outputs(build: Build):
    groups = Groups.of(build.site.listed, build.build_date)
    facets = facets_of(groups, build.site.themes)
    yield from filtered_lists(build, groups, facets)
    yield from indexes(build, facets)
    yield from good_news(build)
