"""The pages of edited actions, rendered against the last build's site (``./dev serve``'s preview).

When an editor saves an action file, its page can be on screen before the
build that follows has planned a single list: the file is read and validated
as the build reads it, put in place of its previous version in the last
build's site model, and its own pages (the action's page, its printable
letters and copies) rendered with the same templates, context and makers as
the build. What the preview cannot know (a list that shows the title, another
action's timeline) is the build's to write; in the common case (the text of
the page or of a letter) the build writes the very bytes shown here.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from pelican.log import FatalLogger

from ..content.case import Case
from ..content.loading import FILE_RULES, SiteContent, check_action_name, parse_action
from ..site import pages, post, sms
from . import makers
from .build import GeneratorBuild
from .markdown_renderer import MarkdownRenderer


def edited_site(site: SiteContent, edited: list) -> SiteContent:
    """``site`` with each action of ``edited`` in place of the action read from the same
    file; the cases of both its old and its new number made again."""
    by_path = {action.source_path: action for action in edited}
    old = [action for action in site.actions if action.source_path in by_path]
    actions = [by_path.get(action.source_path, action) for action in site.actions]
    if any(action.sort_key != by_path[action.source_path].sort_key for action in old):
        actions.sort(key=lambda a: a.sort_key, reverse=True)
    cases = dict(site.cases)
    for number in {action.front.case for action in old + edited}:
        members = [action for action in actions if action.front.case == number]
        if members:
            cases[number] = Case.of(number, members)
        else:
            cases.pop(number, None)
    return dataclasses.replace(site, actions=actions, cases=cases)


def _read(site: SiteContent, content_root: str, path: str):
    """The action at ``path`` read and validated as the build reads it; None if it has
    a problem, or is not a published action the last build read from that file."""
    if check_action_name(path) is not None or not any(a.source_path == path for a in site.actions):
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    context = {
        "themes": site.themes,
        "authorities": site.authorities,
        "content_root": content_root,
        "country_names": site.country_names,
    }
    action, problems = parse_action(path, raw, context, MarkdownRenderer())
    if problems or action is None or action.front.status == "draft":
        return None
    return action


def _problems(build: GeneratorBuild, site: SiteContent, edited: list) -> list:
    """The problems the build would find in ``edited`` (rules across files on the whole
    site; the per-action rules and warnings on the edited actions alone)."""
    found = [problem for rule in FILE_RULES for problem in rule(site.actions + site.drafts)]
    alone_site = dataclasses.replace(site, actions=edited, drafts=[])
    alone = GeneratorBuild(alone_site, build.build_date, build.ua, build.settings, build.generator)
    found += sms.problems(alone)
    if FatalLogger.fatal_lvl <= logging.WARNING:
        found += post.deadline_problems(alone) + pages.long_letter_problems(alone)
    return found


def action_pages(generator, paths: Iterable[str]) -> list[tuple[str, bytes]] | None:
    """``(save_as, bytes)`` of the own pages of the actions at ``paths``, as the build
    that follows will write them; None if one of them cannot be previewed (a problem
    in it, a new file, a draft): the build then reports it as usual.

    ``generator``: the last build's :class:`~urgent_actions.render.generator.ActionsGenerator`.
    """
    last = generator.site
    edited = [_read(last, generator.path, path) for path in sorted(paths)]
    if not edited or any(action is None for action in edited):
        return None
    site = edited_site(last, edited)
    build = GeneratorBuild(site, generator.build_date, generator.ua, generator.settings, generator)
    if _problems(build, site, edited):
        return None
    shared = {**generator.context, "site": site, "actions": site.actions, "build": build}
    made = []
    for action in edited:
        for output in pages.action_outputs(build, action):

            def render_template(name: str, context: dict, output=output) -> str:
                return generator.get_template(name).render({**shared, **context, "output": output})

            data = makers.make(output, render_template)
            made.append((output.save_as, data.encode("utf-8") if isinstance(data, str) else data))
    return made
