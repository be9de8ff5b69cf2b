"""Create action files for editors: a new action, or the next update of a case.

A new file is a valid *draft* (so ``invoke check`` passes at once): it starts
with ``status: draft``, and its fields to fill hold the placeholders of
``content/placeholders.py`` ("À COMPLÉTER", an example address and handle),
which are errors in any action that is not a draft. So the editor replaces
every one before removing that line, or the check says where one is left.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

import yaml
from slugify import slugify

from ..content import countries, placeholders
from ..content.errors import did_you_mean
from ..content.loading import load_site, today_in_brussels
from .yaml_edit import FrontMatter, parse

TODO = placeholders.TODO
DEFAULT_WEEKS = 6


class ScaffoldError(Exception):
    """A request the scaffold cannot honour (file exists, unknown slug…)."""


def next_case_number(content_root: str, today: dt.date) -> str:
    """'UA n/yy' with the next free n for the year of ``today``."""
    year = f"{today.year % 100:02d}"
    numbers = [0]
    folder = os.path.join(content_root, "actions")
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
            match = re.search(r'^case:\s*["\']?UA (\d{1,3})/(\d{2})', handle.read(4000), re.MULTILINE)
        if match and match.group(2) == year:
            numbers.append(int(match.group(1)))
    return f"UA {max(numbers) + 1:03d}/{year}"


NEW_TEMPLATE = """\
---
# Nouvelle action urgente. Remplacez chaque « {todo} » et chaque exemple
# ({email}, {handle}…), puis supprimez la ligne « status: draft »
# pour la publier : tant qu'il en reste un, l'action ne peut pas être publiée.
# Guide : docs/guide-redaction.md
status: draft
title: {title}
case: "{case}"            # numéro du dossier, partagé par toutes ses mises à jour
update: 0                   # 0 = première action ; 1, 2… = mises à jour
date: {date}            # date de publication
deadline: {deadline}        # dernier jour pour agir (obligatoire tant que l'action est ouverte)
state: open                 # open | closed | good-news
country: {country}                 # code ISO à deux lettres, en majuscules (EG, IR, MX…)
themes: [{theme}]   # clés de content/themes.yml : choisissez les bonnes
people: ["{todo} : nom de la personne"]
summary: >-
  {todo} : résumé en texte simple, 280 caractères au plus.
# image: images/nom-du-fichier.jpg      # facultatif, sous content/
# image_alt: "{todo} : description de l'image"   # obligatoire avec une image
# image_credit: "Photo : {todo}"
# ai_index: "{todo} (ex. MDE 12/0000/2026)"      # facultatif
targets:
  - name: "{todo} : autorité (ex. Ministre de la Justice)"
    role: "{todo} : fonction"
    salutation: "{todo} : formule d'appel (ex. Monsieur le Ministre,)"
    address: |
      {todo} : adresse postale, une ligne par ligne de l'enveloppe
      PAYS
    email: {email}
    # sms: "{phone}"
    # phone: "{phone}"
    # fax: "{phone}"
    # twitter: "{handle}"
    # web: "{web}"
  # - ref: identifiant-d-une-autorite    # ou une autorité de content/authorities/
# copies:                                # facultatif : copies (ambassade…)
#   - name: "{todo} : ambassade de … en Belgique"
#     address: |
#       {todo} : adresse
#       1000 Bruxelles
#     email: {email}
letters:
  - language: fr
    subject: "{todo} : objet de la lettre"
    body: |
      {todo} : premier paragraphe de la lettre (texte simple, sans mise en forme).

      {todo} : ce que vous demandez aux autorités.
    # closing: "Je vous prie d'agréer l'expression de ma haute considération."
# sms: "{todo} : texte du SMS, 160 caractères au plus"
# tweet: "{todo} : message pour X, 280 caractères au plus, @compte compris"
# outcome:                 # obligatoire si state: good-news
#   date: 2027-01-15
#   text: "{todo} : ce qui s'est passé."
# aliases: ["{alias}"]
---
{todo} : la situation de la personne, en Markdown.

## Complément d'information

{todo} : le contexte, pour celles et ceux qui veulent en savoir plus.
"""


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000).strip().removesuffix("\n...").strip()


def check_country(country: str) -> str:
    """The ISO 3166-1 alpha-2 code in capitals, or ScaffoldError saying what to write."""
    code = (country or "").strip().upper()
    if code in countries.known_codes():
        return code
    guess = countries.suggest_code(country or "")
    hint = f", did you mean {guess} ({countries.country_name(guess)})?" if guess else ""
    raise ScaffoldError(f"unknown country '{country}'{hint}: give its ISO 3166-1 alpha-2 code, e.g. --country EG")


def _refuse_existing_case(content_root: str, case: str) -> None:
    """A new action starts a new case: on an existing one, point to ``follow-up``."""
    key = _case_key(case)
    if key is None:
        raise ScaffoldError(f"'{case}' is not a case number: write it 'UA n/yy', e.g. --case \"UA 061/26\"")
    folder = os.path.join(content_root, "actions")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
            match = re.search(r'^case:\s*["\']?(UA \d{1,3}/\d{2})', handle.read(4000), re.MULTILINE)
        if match and _case_key(match.group(1)) == key:
            raise ScaffoldError(
                f"case {match.group(1)} already exists (content/actions/{name}): "
                f"./dev follow-up {name[:-3]} writes its next update"
            )


def new_action(
    content_root: str,
    *,
    title: str,
    country: str,
    case: str | None = None,
    today: dt.date | None = None,
    weeks: int = DEFAULT_WEEKS,
    theme: str | None = None,
) -> str:
    """Write a new draft action; return its path. Refuses to overwrite, and
    refuses what would make the draft invalid (an unknown country or theme)."""
    today = today or today_in_brussels()
    if not title or not title.strip():
        raise ScaffoldError('a title is needed, e.g. --title "Égypte : un chercheur détenu"')
    country = check_country(country)
    slug = slugify(title, max_length=80, word_boundary=True) or "nouvelle-action"
    path = os.path.join(content_root, "actions", f"{slug}.md")
    if os.path.exists(path):
        raise ScaffoldError(f"{path} already exists: choose another title or edit that file")
    if case is not None:
        _refuse_existing_case(content_root, case)
    with open(os.path.join(content_root, "themes.yml"), encoding="utf-8") as handle:
        themes = yaml.safe_load(handle) or {}
    if theme is None:
        theme = next(iter(themes), "theme")
    elif theme not in themes:
        raise ScaffoldError(f"unknown theme '{theme}'{did_you_mean(theme, themes)} (content/themes.yml)")
    text = NEW_TEMPLATE.format(
        todo=TODO,
        title=_quote(title),
        case=case or next_case_number(content_root, today),
        date=today.isoformat(),
        deadline=(today + dt.timedelta(weeks=weeks)).isoformat(),
        country=country,
        theme=theme,
        email=placeholders.EMAIL,
        handle=placeholders.HANDLE,
        phone=placeholders.PHONE,
        web=placeholders.WEB,
        alias=placeholders.ALIAS,
    )
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path


HEADER = "# Mise à jour du dossier "


@dataclass
class FollowUp:
    """What ``follow_up`` did: the new draft, and the previous open action of the case,
    closed in place (``closed``) or left for the editor with what to do (``to_do``)."""

    path: str
    closed: list[str] = field(default_factory=list)
    to_do: list[str] = field(default_factory=list)


def _case_key(case: str) -> tuple[int, str] | None:
    """A case number compared as a number: 'UA 45/26' and 'UA 045/26' are one case."""
    match = re.fullmatch(r"UA (\d{1,3})/(\d{2})", (case or "").strip())
    return (int(match.group(1)), match.group(2)) if match else None


def _read_front(path: str, drop_header: str = "") -> FrontMatter:
    with open(path, "rb") as handle:
        return parse(handle.read(), drop_header)


def follow_up(content_root: str, slug: str, *, today: dt.date | None = None, weeks: int = DEFAULT_WEEKS) -> FollowUp:
    """Write the next update of the case of ``slug`` from its latest file, changing
    only the follow-up's fields (comments, layout and key order are kept), and close
    the case's open action in place."""
    today = today or today_in_brussels()
    site = load_site(content_root)
    action = next((a for a in site.actions + site.drafts if a.slug == slug), None)
    if action is None:
        raise ScaffoldError(f"no action content/actions/{slug}.md")
    case = sorted(
        (a for a in site.actions + site.drafts if a.front.case == action.front.case),
        key=lambda a: a.front.update,
        reverse=True,
    )
    latest = case[0]
    update = latest.front.update + 1
    base = re.sub(r"-suivi-\d+$", "", latest.slug)
    path = os.path.join(content_root, "actions", f"{base}-suivi-{update}.md")
    if os.path.exists(path):
        raise ScaffoldError(f"{path} already exists")
    front = _read_front(latest.source_path, drop_header=HEADER)
    if "status" in front.data:
        front.set("status", "draft")
    else:
        front.data.insert(0, "status", "draft")  # first, as in a new draft: the line to remove
    front.set("title", f"Mise à jour : {latest.front.title}"[:120])
    front.set("update", update)
    front.set("date", today)
    front.set("deadline", today + dt.timedelta(weeks=weeks))
    front.set("state", "open")
    for key in ("outcome", "aliases"):
        front.data.pop(key, None)
    # An update is open again: take the authorities and letters from the most
    # recent file of the case that has them (a good news usually has none).
    for key in ("targets", "copies", "letters", "sms", "tweet"):
        if front.data.get(key):
            continue
        earlier = next((a for a in case if getattr(a.front, key)), None)
        if earlier is not None:
            front.set(key, _read_front(earlier.source_path).data[key])
    front.body = (
        f"{TODO} : ce qui a changé depuis l'action du {latest.front.date.isoformat()}.\n\n" + front.body.lstrip("\n")
    )
    header = (
        f"{HEADER}{latest.front.case}. Indiquez ce qui a changé, vérifiez les destinataires et\n"
        "# la lettre, puis supprimez la ligne « status: draft » pour publier.\n"
    )
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(front.text(header))
    result = FollowUp(path)
    for previous in case:
        if previous.front.state == "open" and previous.front.status != "draft":
            _close(previous, result)
    return result


def _close(previous, result: FollowUp) -> None:
    """Close the case's previous open action in place, or say what to do by hand."""
    name = f"content/actions/{os.path.basename(previous.source_path)}"
    if previous.front.post:
        result.to_do.append(
            f"{name} is still open: once its postal mailing is sent, set its 'state: closed' "
            "and remove its 'post: true' (a case has one open action at a time)"
        )
        return
    front = _read_front(previous.source_path)
    front.set("state", "closed")
    text = front.text()
    with open(previous.source_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    result.closed.append(name)
