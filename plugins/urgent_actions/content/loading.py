"""Read and validate every content file; build the site's data or raise ContentError.

Reading happens once per build, before anything is written: themes, then the
authorities, then every action, then the rules that span files (duplicate
(case, update) pairs, aliases). Every problem of every file is collected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import urls
from . import countries, placeholders
from .action import Action
from .action_front import ActionFront
from .authority import Authority, Copy
from .case import Case
from .errors import ContentError, Problem, did_you_mean, field_path
from .fields import SLUG_RE
from .frontmatter import FrontMatterError, load_yaml, read
from .images import ImageProblem, inspect
from .rules import model_in, problems_across_fields
from .typography import french_spacing_html

_TYPE_MESSAGES = {
    "missing": "required field is missing",
    "string_type": "must be text (put it in quotes if YAML read it as something else)",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list: one '- ' line per item, or [a, b]",
    "model_type": "must be a set of 'key: value' lines",
    "dict_type": "must be a set of 'key: value' lines",
    "model_attributes_type": "must be a set of 'key: value' lines",
    "too_short": "give at least one",
    "greater_than_equal": "must be {ge} or more",
}


def _message(error: dict, model: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed)
        listing = "" if hint else f" (allowed: {', '.join(allowed)})"
        return f"unknown key{hint}{listing}"
    if kind == "literal_error":
        value = str(error.get("input"))
        return f"'{value}' is not allowed: use one of {ctx.get('expected')}"
    if kind in ("string_too_long", "too_long") and isinstance(error.get("input"), str):
        length = len(error["input"])
        return f"{length} characters, at most {ctx.get('max_length')}"
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind].format(**ctx)
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` in ``model``, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = model_in(info.annotation)
        if current is None:
            return []
    return [name for name, info in current.model_fields.items() if not info.exclude]


def problems_from(exc: ValidationError, path: str, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        # Drop the tags pydantic adds for union members and validator functions.
        loc = tuple(p for p in error["loc"] if isinstance(p, int) or "[" not in p)
        problems.append(Problem(path, field_path(loc), _message(error, model, loc)))
    return problems


# The site's own country names, over the network's usage (optional): ``CODE: Name`` lines.
COUNTRIES_FILE = "countries.yml"


@dataclass
class SiteContent:
    """Everything the content directory holds, validated."""

    themes: dict[str, str]
    authorities: dict[str, Authority]
    actions: list[Action]  # published and hidden, newest first
    drafts: list[Action]
    cases: dict[str, Case]  # by number, in the order of their newest action
    country_names: countries.CountryNames = field(default_factory=countries.CountryNames)

    @cached_property
    def listed(self) -> list[Action]:
        """Actions shown in lists and feeds (:attr:`Action.listed`); made once (``actions`` does not change)."""
        return [a for a in self.actions if a.listed]

    def case_of(self, action: Action) -> Case:
        """The case ``action`` belongs to."""
        return self.cases[action.front.case]

    @cached_property
    def good_news(self) -> list[Action]:
        """Listed actions with an outcome to tell, newest outcome first (the good news
        page and feed); made once."""
        good = [a for a in self.listed if a.front.state == "good-news" and a.front.outcome]
        good.sort(key=lambda a: (a.front.outcome.date, a.front.date, a.slug), reverse=True)
        return good


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _yaml_mapping(path: str, shape: str, problems: list[Problem]) -> dict | None:
    """The mapping a content YAML file holds (None if it does not exist), or None with its
    problem recorded: not YAML, or not a mapping (``shape`` says what it must be)."""
    if not os.path.isfile(path):
        return None
    try:
        from .frontmatter import decode

        data = load_yaml(decode(_read_bytes(path)))
    except FrontMatterError as exc:
        problems.append(Problem(path, exc.field, exc.message))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, "", shape))
        return None
    return data


def _load_themes(content_root: str, problems: list[Problem]) -> dict[str, str]:
    path = os.path.join(content_root, "themes.yml")
    if not os.path.isfile(path):
        problems.append(Problem(path, "", "missing: list the themes as 'key: Label' lines"))
        return {}
    data = _yaml_mapping(path, "must be 'key: Label' lines", problems)
    if data is None:
        return {}
    themes: dict[str, str] = {}
    keys_by_label: dict[str, str] = {}
    for key, label in data.items():
        if not isinstance(key, str) or not SLUG_RE.match(key):
            problems.append(Problem(path, str(key), "a theme key uses lowercase letters, digits and single hyphens"))
        elif not isinstance(label, str) or not label.strip():
            problems.append(Problem(path, key, "the label must be text"))
        elif label.strip().casefold() in keys_by_label:
            # Two keys with one label would be two lists that readers cannot tell apart.
            first = keys_by_label[label.strip().casefold()]
            problems.append(
                Problem(path, key, f"the label '{label}' is already the label of '{first}': labels are unique")
            )
        else:
            themes[key] = label
            keys_by_label[label.strip().casefold()] = key
    return themes


def _load_country_names(content_root: str, language: str, problems: list[Problem]) -> countries.CountryNames:
    """The site's country names: the network's usage, with ``content/countries.yml``'s
    ``CODE: Name`` lines (optional) over it."""
    path = os.path.join(content_root, COUNTRIES_FILE)
    data = _yaml_mapping(path, "must be 'CODE: Name' lines, e.g. 'BY: Bélarus'", problems)
    if data is None:
        return countries.CountryNames(language)
    overrides: dict[str, str] = {}
    for code, name in data.items():
        if not isinstance(code, str) or code not in countries.known_codes():
            problems.append(Problem(path, str(code), "not an ISO 3166-1 alpha-2 country code (e.g. BY, IR, EG)"))
        elif not isinstance(name, str) or not name.strip():
            problems.append(Problem(path, code, "the name must be text"))
        else:
            overrides[code] = name.strip()
    return countries.CountryNames(language, overrides)


def _load_authorities(content_root: str, problems: list[Problem]) -> dict[str, Authority | None]:
    folder = os.path.join(content_root, "authorities")
    authorities: dict[str, Authority | None] = {}
    if not os.path.isdir(folder):
        return authorities
    from .frontmatter import decode

    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        stem, ext = os.path.splitext(name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        if ext not in (".yml", ".yaml"):
            problems.append(Problem(path, "", "only .yml files belong in content/authorities/"))
            continue
        if not SLUG_RE.match(stem):
            problems.append(
                Problem(
                    path, "", f"'{stem}' is not a valid identifier: use lowercase letters, digits and single hyphens"
                )
            )
            continue
        authorities[stem] = None
        try:
            data = load_yaml(decode(_read_bytes(path)))
            if isinstance(data, dict) and "ref" in data:
                problems.append(Problem(path, "ref", "an authority file cannot refer to another one"))
                continue
            # Checked here for its shape; the rules of a target (a salutation, a way
            # to reach it) apply where an action uses it as a target.
            authorities[stem] = Copy.model_validate(data or {}).model_copy(update={"ref": stem})
        except FrontMatterError as exc:
            problems.append(Problem(path, exc.field, exc.message))
        except ValidationError as exc:
            problems.extend(problems_from(exc, path, Copy))
    return authorities


def source_digest(data: bytes) -> str:
    """The digest of an action file's bytes (``Action.source_digest``)."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def check_action_name(path: str) -> Problem | None:
    """The problem with an action file's name, if any (it becomes the page's address)."""
    slug, ext = urls.slug_of(path), os.path.splitext(path)[1]
    if ext != ".md":
        return Problem(path, "", "only .md files belong in content/actions/")
    if not SLUG_RE.match(slug):
        from slugify import slugify

        return Problem(
            path,
            "",
            f"'{slug}' is not a valid file name: use lowercase letters, digits and "
            f"single hyphens, e.g. '{slugify(slug) or 'pays-personne-situation'}.md'",
        )
    return None


def parse_action(path: str, raw: bytes, context: dict, renderer=None) -> tuple[Action | None, list[Problem]]:
    """Validate the bytes of one action file; return the action (or None) and its problems."""
    try:
        data, body = read(raw)
    except FrontMatterError as exc:
        return None, [Problem(path, exc.field, exc.message)]
    # Placeholders are checked on the file as written, whatever else is wrong.
    problems = (
        []
        if placeholders.is_draft(data)
        else [Problem(path, where, message) for where, message in placeholders.placeholder_problems(data, body)]
    )
    try:
        front = ActionFront.model_validate(data, context=context)
    except ValidationError as exc:
        # Rules that compare fields run on the valid fields too: every problem at once.
        across = problems_across_fields(ActionFront, data, context)
        problems += problems_from(exc, path, ActionFront)
        problems += [Problem(path, field_path(loc), message) for loc, message in across]
        return None, problems
    if problems:
        return None, problems
    image_info = None
    if front.image and context.get("content_root"):
        try:
            image_info = inspect(context["content_root"], front.image)
        except ImageProblem as exc:
            return None, [Problem(path, "image", str(exc))]
    # With a renderer, only the HTML is kept (``Action.body``), in French typography once (read cache).
    html = renderer.render(body) if renderer is not None else ""
    language = context["country_names"].language
    if html and language.startswith("fr"):
        html = french_spacing_html(html, language)
    action = Action(
        slug=urls.slug_of(path),
        source_path=path,
        front=front,
        body="" if renderer is not None else body,
        body_html=html,
        source_digest=source_digest(raw),
        country_names=context["country_names"],
        image_info=image_info,
    )
    return action, []


def unreadable(path: str, exc: OSError) -> Problem:
    """The problem of an action file the system cannot read."""
    return Problem(path, "", f"cannot be read ({exc.strerror})")


def read_action(path: str, context: dict, renderer=None) -> tuple[Action | None, list[Problem]]:
    """Read one action file; return it (or None) and its own problems."""
    problem = check_action_name(path)
    if problem is not None:
        return None, [problem]
    try:
        raw = _read_bytes(path)
    except OSError as exc:
        return None, [unreadable(path, exc)]
    return parse_action(path, raw, context, renderer)


def read_in_order(paths: list[str], context: dict, renderer) -> list[tuple[Action | None, list[Problem]]]:
    """:func:`read_action` for every path, in order (``load_site``'s default reader)."""
    return [read_action(path, context, renderer) for path in paths]


def validation_context(content_root: str, themes: dict, authorities: dict, country_names) -> dict:
    """What validating an action (:func:`parse_action`) needs from other files, and the site's country names."""
    return {"themes": themes, "authorities": authorities, "content_root": content_root, "country_names": country_names}


def load_site(content_root: str, renderer=None, language: str = "fr", read_actions=None) -> SiteContent:
    """Read all content under ``content_root``; raise ContentError listing every problem.

    ``read_actions(paths, context, renderer)`` reads the action files, one
    result per path in their order, as :func:`read_in_order` (the default)
    does; an incremental build gives its own (cache, every core).
    """
    problems: list[Problem] = []
    themes = _load_themes(content_root, problems)
    authorities = _load_authorities(content_root, problems)
    country_names = _load_country_names(content_root, language, problems)
    context = validation_context(content_root, themes, authorities, country_names)

    actions: list[Action] = []
    folder = os.path.join(content_root, "actions")
    paths = []
    if os.path.isdir(folder):
        with os.scandir(folder) as entries:
            paths = sorted(e.path for e in entries if not e.name.startswith(".") and not e.is_dir())
    for action, found in (read_actions or read_in_order)(paths, context, renderer):
        problems.extend(found)
        if action is not None:
            actions.append(action)

    for rule in FILE_RULES:
        problems.extend(rule(actions))
    content = _site_content(themes, authorities, actions, country_names)
    if problems:
        raise ContentError(problems, partial=content)
    return content


def _site_content(
    themes: dict, authorities: dict, actions: list[Action], country_names: countries.CountryNames
) -> SiteContent:
    published = [a for a in actions if a.front.status != "draft"]
    drafts = [a for a in actions if a.front.status == "draft"]
    published.sort(key=lambda a: a.sort_key, reverse=True)
    by_case: dict[str, list[Action]] = defaultdict(list)
    for action in published:
        by_case[action.front.case].append(action)
    return SiteContent(
        themes=themes,
        authorities={k: v for k, v in authorities.items() if v is not None},
        actions=published,
        drafts=drafts,
        cases={number: Case.of(number, actions) for number, actions in by_case.items()},
        country_names=country_names,
    )


def one_file_per_update(actions: list[Action]) -> list[Problem]:
    """(`case`, `update`) is unique across the site."""
    problems = []
    by_key: dict[tuple[str, int], list[Action]] = defaultdict(list)
    for action in actions:
        by_key[(action.front.case, action.front.update)].append(action)
    for (case, update), same in by_key.items():
        if len(same) > 1:
            for action in same:
                others = ", ".join(os.path.basename(o.source_path) for o in same if o is not action)
                problems.append(
                    Problem(
                        action.source_path,
                        "update",
                        f"case '{case}' already has update {update} in {others}: give this file the next update number",
                    )
                )
    return problems


def aliases_free(actions: list[Action]) -> list[Problem]:
    """An alias is not another action's address, nor another action's alias."""
    problems = []
    taken = {"/" + a.url: a for a in actions}
    for action in actions:
        for index, alias in enumerate(action.front.aliases):
            owner = taken.get(alias)
            if owner is not None and owner is not action:
                problems.append(
                    Problem(
                        action.source_path,
                        f"aliases[{index}]",
                        f"'{alias}' is already the address of {os.path.basename(owner.source_path)}",
                    )
                )
            taken.setdefault(alias, action)
    return problems


def one_open_action_per_case(actions: list[Action]) -> list[Problem]:
    """A case has at most one open action at a time (drafts aside): close the earlier one when its follow-up is published."""
    problems = []
    by_case: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        if action.front.state == "open" and action.front.status != "draft":
            by_case[action.front.case].append(action)
    for case, open_ones in by_case.items():
        if len(open_ones) < 2 or len({a.front.update for a in open_ones}) < len(open_ones):
            continue  # one open action, or updates that collide (one_file_per_update says so)
        names = ", ".join(os.path.basename(a.source_path) for a in sorted(open_ones, key=lambda a: a.front.update))
        latest = max(open_ones, key=lambda a: a.front.update)
        for action in open_ones:
            if action is not latest:
                message = (
                    f"case '{case}' has {len(open_ones)} open actions ({names}): set 'state: closed' here, "
                    f"{os.path.basename(latest.source_path)} is the open one"
                )
                problems.append(Problem(action.source_path, "state", message))
    return problems


# The rules that span files, each a check over every action read.
FILE_RULES = (one_file_per_update, aliases_free, one_open_action_per_case)


def today_in_brussels(source_date_epoch: str | None = None) -> dt.date:
    """The build date: today in Europe/Brussels, or SOURCE_DATE_EPOCH's date there."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Brussels")
    epoch = source_date_epoch if source_date_epoch is not None else os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=zone).date()
    return dt.datetime.now(tz=zone).date()
