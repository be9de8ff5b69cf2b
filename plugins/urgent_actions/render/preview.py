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
from collections.abc import Iterable

from ..content.case import Case
from ..content.loading import FILE_RULES, SiteContent, check_action_name, parse_action, validation_context
from ..site import pages
from . import makers
from .build import GeneratorBuild
from .generator import problems_after_reading
from .markdown_renderer import MarkdownRenderer


class LastSite:
    """The last build's site as a preview looks it up, indexed once per build (after it is
    published, not while an editor waits): a preview then costs what the edited actions
    cost, not what 10,000 do.

    ``generator``: the last build's :class:`~urgent_actions.render.generator.ActionsGenerator`.
    """

    def __init__(self, generator):
        self.generator = generator
        site = self.site = generator.site
        self._position = {action.source_path: index for index, action in enumerate(site.actions)}
        # Drafts count in the rules across files (update numbers, aliases) but have no case.
        self._drafts: dict[str, list] = {}
        self._owners: dict[str, object] = {}  # an address or alias -> an action that has it
        for action in site.actions + site.drafts:
            self._owners.setdefault("/" + action.url, action)
            for alias in action.front.aliases:
                self._owners.setdefault(alias, action)
        for draft in site.drafts:
            self._drafts.setdefault(draft.front.case, []).append(draft)

    def pages(self, paths: Iterable[str]) -> list[tuple[str, bytes]] | None:
        """``(save_as, bytes)`` of the own pages of the actions at ``paths``, as the build
        that follows will write them; None if one of them cannot be previewed (a problem
        in it, a new file, a draft): the build then reports it as usual."""
        generator = self.generator
        edited = [self._read(path) for path in sorted(paths)]
        if not edited or any(action is None for action in edited):
            return None
        site, around = self._edited_site(edited)
        build = GeneratorBuild(site, generator.build_date, generator.ua, generator.settings, generator)
        if self._problems(build, edited, around):
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

    def _read(self, path: str):
        """The action at ``path`` read and validated as the build reads it; None if it has
        a problem, or is not a published action the last build read from that file."""
        if check_action_name(path) is not None or path not in self._position:
            return None
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError:
            return None
        site = self.site
        context = validation_context(self.generator.path, site.themes, site.authorities, site.country_names)
        action, problems = parse_action(path, raw, context, MarkdownRenderer())
        if problems or action is None or action.front.status == "draft":
            return None
        return action

    def _edited_site(self, edited: list) -> tuple[SiteContent, list]:
        """The site with each edited action in place of the action read from the same file,
        the cases of its old and new numbers made again; and the actions a rule across
        files may compare the edited ones with (those of these cases, drafts included)."""
        site = self.site
        actions = list(site.actions)
        old = [actions[self._position[action.source_path]] for action in edited]
        for action in edited:
            actions[self._position[action.source_path]] = action
        if any(before.sort_key != after.sort_key for before, after in zip(old, edited, strict=True)):
            actions.sort(key=lambda a: a.sort_key, reverse=True)
        replaced = {action.source_path: action for action in edited}
        cases, around = dict(site.cases), []
        for number in {action.front.case for action in old + edited}:
            members = (
                [replaced.get(a.source_path, a) for a in site.cases[number].actions] if number in site.cases else []
            )
            members = [a for a in members if a.front.case == number]
            members += [a for a in edited if a.front.case == number and all(a is not m for m in members)]
            around += members + self._drafts.get(number, [])
            if members:
                cases[number] = Case.of(number, members)
            else:
                cases.pop(number, None)
        return dataclasses.replace(site, actions=actions, cases=cases), around

    def _problems(self, build: GeneratorBuild, edited: list, around: list) -> list:
        """The problems the build would find in ``edited``: the last build had none, so a rule
        across files can only fail between an edited action and those of its cases or those
        whose address or alias it takes; the rules of one action run on the edited alone."""
        paths = {action.source_path for action in edited}
        others = [self._owners[alias] for action in edited for alias in action.front.aliases if alias in self._owners]
        compared = {id(a): a for a in edited + [a for a in around + others if a.source_path not in paths]}
        found = [problem for rule in FILE_RULES for problem in rule(list(compared.values()))]
        alone = dataclasses.replace(build.site, actions=edited, drafts=[])
        alone_build = GeneratorBuild(alone, build.build_date, build.ua, build.settings, build.generator)
        return found + problems_after_reading(alone_build, log_advice=False)
