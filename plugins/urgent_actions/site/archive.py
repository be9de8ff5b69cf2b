"""The archive: every action newest first, paginated, and static filtered lists
(by state, year, country and theme), the country and theme indexes, and the
good news. Groups are built with dictionaries in one pass: no list scans.
"""

from __future__ import annotations

from collections import defaultdict

from ..content.states import DISPLAY_STATES
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
        base = save_base if number == 1 else f"{save_base}page/{number}/"
        pagination = {
            "number": number,
            "count": len(pages),
            "total": len(items),
            "previous": None if number == 1 else (save_base if number == 2 else f"{save_base}page/{number - 1}/"),
            "next": f"{save_base}page/{number + 1}/" if number < len(pages) else None,
            "first": save_base,
        }
        yield Output(
            base + "index.html",
            template=template,
            context={**context, "items": chunk, "pagination": pagination, "page_url": base},
            key=fingerprint(shared, actions_key(chunk, today), sorted(pagination.items())),
        )


def outputs(build):
    site, today, ua = build.site, build.build_date, build.ua
    urls, size = ua["UA_URLS"], ua["UA_ARCHIVE_PAGE_SIZE"]
    listed = site.listed  # newest first

    by_state: dict[str, list] = defaultdict(list)
    by_year: dict[int, list] = defaultdict(list)
    by_country: dict[str, list] = defaultdict(list)
    by_theme: dict[str, list] = defaultdict(list)
    for action in listed:
        by_state[action.display_state(today)].append(action)
        by_year[action.front.date.year].append(action)
        by_country[action.front.country].append(action)
        for theme in action.front.themes:
            by_theme[theme].append(action)

    countries = sorted(
        ((code, items[0].country_name, len(items)) for code, items in by_country.items()),
        key=lambda c: c[1],
    )
    themes = [(key, label, len(by_theme.get(key, []))) for key, label in site.themes.items()]
    facets = {
        "states": [(STATE_SLUGS[s], s, len(by_state.get(s, []))) for s in DISPLAY_STATES if by_state.get(s)],
        "years": sorted(((y, len(items)) for y, items in by_year.items()), reverse=True),
        "countries": countries,
        "themes": [t for t in themes if t[2]],
    }
    common = {"facets": facets, "page_name": "archive"}
    facets_key = fingerprint(sorted(common.items()))
    archive = urls["archive"]

    def lists(base: str, items: list, own: dict):
        # The facets are the same for every list: their digest is made once.
        # ({**common, **own} is decided by the two.)
        key = fingerprint(facets_key, sorted(own.items()))
        return listing(base, items, size, {**common, **own}, today, context_key=key)

    yield from lists(archive, listed, {"list_kind": "all"})
    for state, items in by_state.items():
        yield from lists(f"{archive}etat/{STATE_SLUGS[state]}/", items, {"list_kind": "state", "state": state})
    for year, items in by_year.items():
        yield from lists(f"{archive}annee/{year}/", items, {"list_kind": "year", "year": year})
    for code, items in by_country.items():
        yield from lists(
            f"{urls['countries']}{code.lower()}/", items,
            {"list_kind": "country", "country": code, "country_label": items[0].country_name,
             "feed": f"feeds/pays/{code.lower()}.atom.xml", "page_name": "countries"},
        )  # fmt: skip
    for key, items in by_theme.items():
        yield from lists(
            f"{urls['themes']}{key}/", items,
            {"list_kind": "theme", "theme": key, "theme_label": site.themes[key],
             "feed": f"feeds/themes/{key}.atom.xml", "page_name": "themes"},
        )  # fmt: skip
    yield Output(
        urls["countries"] + "index.html",
        template="index-list",
        context={"kind": "countries", "entries": countries, "page_name": "countries"},
        key=fingerprint(countries),
    )
    yield Output(
        urls["themes"] + "index.html",
        template="index-list",
        context={"kind": "themes", "entries": facets["themes"], "page_name": "themes"},
        key=fingerprint(facets["themes"]),
    )
    good = site.good_news
    per_year: dict[int, int] = defaultdict(int)
    for action in good:
        per_year[action.front.outcome.date.year] += 1
    per_year_list = sorted(per_year.items(), reverse=True)
    # Paginated like the archive: the whole history's outcomes on one page
    # weighed 900 KB at 10,000 actions, and any edit of one rendered it again.
    yield from listing(
        urls["good_news"], good, size, {"per_year": per_year_list, "page_name": "good_news"}, today, "good-news"
    )
