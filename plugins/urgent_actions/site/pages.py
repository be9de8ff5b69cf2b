"""The pages of the foundation: home, one page per action, 404."""

from __future__ import annotations

from .. import urls
from ..content.errors import Problem
from ..content.letters import printed_pages
from . import photos
from .act import archived_ways
from .build import Build
from .keys import actions_key
from .outputs import Output

# A printed letter longer than this many A4 pages is worth an editor's look.
PRINTED_PAGES_WARNING = 2


def open_actions(site, build_date):
    """Open actions whose deadline has not passed, nearest deadline first."""
    current = [a for a in site.listed if a.display_state(build_date) == "open"]
    return sorted(current, key=lambda a: (a.front.deadline, a.front.title))


def long_letter_problems(build: Build) -> list[Problem]:
    """The printed letters of open actions that need more than two pages (a warning,
    which ``--fatal warnings`` and ``check`` make an error)."""
    found = []
    for action in build.site.actions:
        if action.front.state != "open":
            continue
        for target_ways in build.ways(action):
            for number, way in enumerate(target_ways.letters):
                pages = printed_pages(way.letter) if way.print_url else 0
                if pages > PRINTED_PAGES_WARNING:
                    message = (
                        f"the letter in '{way.language}' to '{target_ways.authority.name}' needs about {pages} "
                        f"printed pages: shorten it to fit on {PRINTED_PAGES_WARNING}"
                    )
                    found.append(Problem(action.source_path, f"letters[{number}]", message))
    return found


def action_context(build: Build, action, case) -> dict:
    """The context of an action's page: the action, its case (the timeline), its ways to
    act (an open one's; a closed one's page shows only its targets), its photo's copies
    and its share card."""
    return {
        "action": action,
        "case": case,
        "ways": build.ways(action) if action.front.state == "open" else archived_ways(action),
        "picture": photos.picture(build, action),
        "share_card": photos.share_card(build, action),
        "page_name": "action",
    }


def outputs(build: Build):
    site, build_date = build.site, build.build_date
    current = open_actions(site, build_date)
    yield Output(
        urls.save_as(urls.HOME),
        template="index",
        context={"open_actions": current, "page_name": "home"},
        # Which actions are open depends on the date, even when none is.
        key=actions_key(current, build_date, build_date.isoformat()),
    )
    for action in site.actions:
        yield from action_outputs(build, action)
    yield Output(urls.NOT_FOUND, template="404", context={"page_name": "404"}, key="404", in_sitemap=False)


def action_outputs(build: Build, action):
    """An action's page, and for an open one the printable letters and copies it links to."""
    site, build_date = build.site, build.build_date
    # An action's page shows its whole case (the timeline).
    case = site.case_of(action)
    key = actions_key(case.actions, build_date)
    # Only listed actions are in the sitemap (a hidden one is reached by its address).
    if action.front.state != "open":
        # Composed letters and links only when the page is rendered.
        context = lambda: action_context(build, action, case)
        yield Output(action.save_as, template="action", context=context, key=key, in_sitemap=action.listed)
        return
    yield Output(
        action.save_as,
        template="action",
        context=action_context(build, action, case),
        key=key,
        in_sitemap=action.listed,
    )
    for target_ways in build.ways(action):
        for number, way in enumerate(target_ways.letters):
            if way.print_url:
                yield from printed_letter_outputs(action, target_ways, number, way, key)


def printed_letter_outputs(action, target_ways, number: int, way, key: str):
    """The printable letter of ``way`` to one target, and a printable copy for each authority in copy."""
    context = {
        "action": action,
        "target": target_ways.authority,
        "postage": target_ways.postage,
        "way": way,
        "page_name": "print-letter",
    }
    yield Output(urls.save_as(way.print_url), template="print-letter", context=context, key=key, in_sitemap=False)
    for copy in way.copies:
        yield Output(
            urls.save_as(copy.url),
            template="print-letter",
            context={**context, "copy": copy, "postage": copy.postage},
            key=key,
            in_sitemap=False,
        )
