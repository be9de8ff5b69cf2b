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

import yaml
from slugify import slugify

from ..content import countries, placeholders
from ..content.errors import did_you_mean
from ..content.frontmatter import read
from ..content.loading import load_site, today_in_brussels

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


def follow_up(content_root: str, slug: str, *, today: dt.date | None = None, weeks: int = DEFAULT_WEEKS) -> str:
    """Write the next update of the case of ``slug`` from its latest file; return its path."""
    today = today or today_in_brussels()
    site = load_site(content_root)
    action = next((a for a in site.actions + site.drafts if a.slug == slug), None)
    if action is None:
        raise ScaffoldError(f"no action content/actions/{slug}.md")
    case = [a for a in site.actions + site.drafts if a.front.case == action.front.case]
    latest = max(case, key=lambda a: a.front.update)
    with open(latest.source_path, "rb") as handle:
        data, body = read(handle.read())
    update = latest.front.update + 1
    data.update(
        status="draft",
        update=update,
        date=today.isoformat(),
        deadline=(today + dt.timedelta(weeks=weeks)).isoformat(),
        state="open",
        title=f"Mise à jour : {latest.front.title}"[:120],
    )
    data.pop("outcome", None)
    data.pop("aliases", None)
    # An update is open again: take the authorities and letters from the most
    # recent file of the case that has them (a good news usually has none).
    for key in ("targets", "letters", "copies", "sms", "tweet"):
        if data.get(key):
            continue
        for earlier in sorted(case, key=lambda a: a.front.update, reverse=True):
            with open(earlier.source_path, "rb") as handle:
                earlier_data, _ = read(handle.read())
            if earlier_data.get(key):
                data[key] = earlier_data[key]
                break
    base = re.sub(r"-suivi-\d+$", "", latest.slug)
    path = os.path.join(content_root, "actions", f"{base}-suivi-{update}.md")
    if os.path.exists(path):
        raise ScaffoldError(f"{path} already exists")
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    text = (
        f"---\n# Mise à jour du dossier {latest.front.case}. Indiquez ce qui a changé, vérifiez les destinataires et\n"
        "# la lettre, puis supprimez la ligne « status: draft » pour publier.\n"
        + front
        + "---\n"
        + f"{TODO} : ce qui a changé depuis l'action du {latest.front.date.isoformat()}.\n\n"
        + body.lstrip("\n")
    )
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
