"""A web editor for people who never use git: Decap CMS at /admin/.

Its JavaScript comes from the npm package ``decap-cms`` (package-lock.json),
copied into the site: nothing is loaded from a CDN. ``admin/config.yml`` is
generated from the same content model as the validation (themes, states,
countries, every field of an action), with the editorial workflow, so that
each saved action becomes a pull request.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import types
import typing

import yaml
from babel import Locale
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .. import urls
from ..content import countries
from ..content.action_front import ActionFront
from ..content.authority import Authority
from ..content.fields import is_multiline_text
from ..content.letters import DEFAULT_SALUTATIONS
from .build import Build
from .keys import fingerprint
from .outputs import Output

HERE = os.path.dirname(os.path.abspath(__file__))
# The editor's own widget, registered after Decap's script (ADMIN_PAGE).
SALUTATIONS_WIDGET = os.path.join(HERE, "cms_salutations.js")
logger = logging.getLogger(__name__)


def _dist(settings) -> str:
    root = settings.get("UA_CMS_NODE_MODULES") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "node_modules"
    )
    return os.path.join(root, "decap-cms", "dist")


# --- What the editor shows, derived from the content model ----------------------
#
# Field names, order, widgets, requiredness, defaults, minimums and patterns
# come from the pydantic models (content/action_front.py, content/authority.py), as the JSON Schema does
# (tools/schema.py). Only what a model cannot say is written here, as data:
# the labels, the few widgets chosen for editors, and the fields left out.

DATE_WIDGET = {
    "widget": "datetime",
    "format": "YYYY-MM-DD",
    "date_format": "YYYY-MM-DD",
    "time_format": False,
}

# Labels; "{max_length}" is filled in from the field's constraint.
LABELS = {
    "title": "Titre ({max_length} caractères au plus)",
    "case": "Numéro du dossier (UA n/aa)",
    "update": "Mise à jour (0 = première action)",
    "date": "Date de publication",
    "deadline": "Date limite (obligatoire si l'action est en cours)",
    "state": "État",
    "country": "Pays",
    "themes": "Thèmes",
    "people": "Personnes concernées",
    "summary": "Résumé (texte simple, {max_length} caractères au plus)",
    "image": "Image",
    "image_alt": "Description de l'image (obligatoire avec une image)",
    "image_credit": "Crédit de l'image",
    "image_focus": "Point à garder dans l'image de partage : [x, y], de 0 à 1 (facultatif, centre par défaut)",
    "ai_index": "Index international (ex. MDE 12/0000/2026)",
    "targets": "Destinataires",
    "copies": "Copies",
    "letters": "Lettres",
    "sms": "Texte du SMS (160 caractères)",
    "tweet": "Message pour X (280 caractères)",
    "post": "Envoi postal du mois (action choisie pour le courrier)",
    "sms_alert": "Alerte SMS aux membres (un SMS avec le lien court ; sinon faite du titre)",
    "outcome": "Issue (obligatoire pour une bonne nouvelle)",
    "aliases": "Anciennes adresses (/actions/…/)",
    "outcome.date": "Date",
    "outcome.text": "Ce qui s'est passé",
    "letters.language": "Langue (code à deux lettres : fr, en, es…)",
    "letters.subject": "Objet",
    "letters.body": "Texte (paragraphes séparés par une ligne vide)",
    "letters.closing": "Formule de politesse (facultative)",
    "letters.preferred": "Langue préférée des autorités (une lettre au plus)",
    "authority.ref": "Autorité partagée (nom d'un fichier de content/authorities/, sinon laisser vide)",
    "authority.name": "Nom",
    "targets.name": "Nom (obligatoire sans « ref »)",
    "authority.article": "Article du nom dans les phrases du site (vide : déduit du nom, voir le guide)",
    "authority.role": "Fonction",
    "authority.salutation": (
        "Formule d'appel (ex. « Monsieur le Ministre, ») : une seule, dans la langue de la première lettre, "
        "ou une par langue (« Ajouter une langue »)"
    ),
    "authority.address": "Adresse postale (une ligne par ligne de l'enveloppe, « c/o » compris)",
    "authority.country": "Pays de l'adresse, s'il n'est pas celui de l'action (ex. Belgique pour une ambassade)",
    "authority.email": "Courriel",
    "authority.sms": "SMS (format international, +…)",
    "authority.phone": "Téléphone (+…)",
    "authority.fax": "Fax (+…)",
    "authority.twitter": "Compte X (@…)",
    "authority.web": "Formulaire de contact (https://…)",
}
# The labels of the values of a choice (a Literal in the model).
OPTION_LABELS = {
    "state": {"open": "En cours", "closed": "Terminée", "good-news": "Bonne nouvelle"},
    "article": {"le": "le", "la": "la", "l'": "l'", "les": "les", "none": "aucun (un nom propre)"},
}
# Widgets chosen for editors where the type alone would choose another.
WIDGETS = {
    "image": {"widget": "image"},
    "authority.email": {"widget": "string"},  # one address, or a YAML list typed by hand
    # One string, or one per language: Decap has no widget for "a string or a
    # mapping", so the admin page registers one (cms_salutations.js) that
    # writes back the shape it read; its languages are the site's letter languages.
    "authority.salutation": {"widget": "salutations", "languages": lambda build: _letter_language_options(build)},
}
# List summaries: what each item of a list shows when folded.
SUMMARIES = {
    "targets": "{{fields.name}}{{fields.ref}}",
    "copies": "{{fields.name}}{{fields.ref}}",
    "letters": "{{fields.language}} : {{fields.subject}}",
}
# What an editor reads when a value does not match a field's pattern (the model's).
PATTERN_HINTS = {"case": "UA, espace, 1 à 3 chiffres, / et l'année sur 2 chiffres"}
# Fields checked against other data (countries, themes.yml): a choice among its values.
CHOICES = {
    "country": lambda build: _country_options(build),
    "themes": lambda build: [{"label": label, "value": key} for key, label in build.site.themes.items()],
}
# Model fields the editor does not show, and why.
LEFT_OUT = {
    # Pelican's draft/hidden: the editorial workflow (a pull request per action)
    # is how an action stays unpublished from the editor.
    "status": "the editorial workflow keeps unpublished actions in pull requests",
}
# An authority is either given in full or named by "ref": none of its fields is
# required on its own (the build checks the combination).
AUTHORITY_FIRST = ("ref",)


class MissingFieldError(LookupError):
    """A field of the content model that the editor's configuration does not know."""


def _options_of(annotation):
    """The values of a Literal (possibly Optional), or None."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(candidate) is typing.Literal:
            return list(typing.get_args(candidate))
    return None


def _inner(annotation):
    """``X`` for ``X | None``; the type and metadata of an Annotated one."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    metadata = []
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *metadata = typing.get_args(annotation)
    return annotation, metadata


def _constraint(metadata, name):
    return next((getattr(m, name) for m in metadata if getattr(m, name, None) is not None), None)


def _field(name: str, info, label_key: str, required: bool, build: Build) -> dict:
    annotation, metadata = _inner(info.annotation)
    metadata = [*info.metadata, *metadata]
    label = LABELS.get(label_key) or LABELS.get(name)
    if label is None:
        raise MissingFieldError(
            f"'{label_key}' is in the content model but not in the editor: give it a label "
            "in site/cms.py LABELS, or list it in LEFT_OUT with the reason"
        )
    entry = {"name": name, "label": label.format(max_length=_constraint(metadata, "max_length"))}
    options = _options_of(annotation)
    item = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None
    if label_key in WIDGETS or name in WIDGETS:
        widget = WIDGETS.get(label_key) or WIDGETS[name]
        entry.update({k: v(build) if callable(v) else v for k, v in widget.items()})
    elif name in CHOICES:
        entry.update(widget="select", options=CHOICES[name](build))
        if item is not None:  # several values: a list in the model
            entry.update(multiple=True, min=_constraint(metadata, "min_length"))
    elif options is not None:
        entry.update(
            widget="select",
            options=[{"label": OPTION_LABELS[name][v], "value": v} for v in options],
        )
    elif annotation is dt.date:
        entry.update(DATE_WIDGET)
    elif annotation is bool:
        entry["widget"] = "boolean"
    elif annotation is int:
        entry.update(widget="number", value_type="int", min=_constraint(metadata, "ge"))
    elif isinstance(item, type) and issubclass(item, BaseModel):
        entry.update(widget="list", summary=SUMMARIES[name], fields=_fields_of(item, name, True, build))
    elif item is not None:
        entry["widget"] = "list"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        entry.update(widget="object", fields=_fields_of(annotation, name, False, build))
    elif is_multiline_text(metadata):
        entry["widget"] = "text"
    else:
        entry["widget"] = "string"
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    pattern = extra.get("pattern")
    if pattern:
        entry["pattern"] = [pattern, PATTERN_HINTS[name]]
    # A default inside a list's item makes Decap add an item of defaults to
    # every new action (an empty letter); an unticked box is the model's False.
    if info.default not in (None, PydanticUndefined) and annotation is not bool:
        entry["default"] = info.default
    entry["required"] = required and info.is_required()
    return {k: v for k, v in entry.items() if v is not None}


def _fields_of(model_class, parent: str, items_required: bool, build: Build) -> list[dict]:
    """The fields of a nested model: required as in the model inside a list item
    (an item exists only when it is filled), never inside an optional object."""
    fields = model_class.model_fields
    is_authority = issubclass(model_class, Authority)
    names = [*AUTHORITY_FIRST, *(n for n in fields if n not in AUTHORITY_FIRST)] if is_authority else list(fields)
    result = []
    for name in names:
        key = (
            f"{parent}.{name}"
            if f"{parent}.{name}" in LABELS
            else (f"authority.{name}" if is_authority else f"{parent}.{name}")
        )
        required = items_required and not is_authority
        result.append(_field(name, fields[name], key, required, build))
    return result


def _country_options(build: Build) -> list[dict]:
    names = build.site.country_names
    return sorted(
        ({"label": names.name(code), "value": code} for code in countries.known_codes()),
        key=lambda option: option["label"],
    )


def _letter_language_options(build: Build) -> list[dict]:
    """The letter languages the site knows (those with a default salutation),
    named in the interface language: 'anglais (en)'."""
    names = Locale.parse(build.ua["UA_LANGUAGE"]).languages
    return [{"label": f"{names.get(code, code)} ({code})", "value": code} for code in DEFAULT_SALUTATIONS]


def action_fields(build: Build) -> list[dict]:
    """The editor's fields of an action: every front matter field but ``LEFT_OUT``,
    in the model's order, then the Markdown body."""
    fields = [
        _field(name, info, name, True, build) for name, info in ActionFront.model_fields.items() if name not in LEFT_OUT
    ]
    fields.append({"name": "body", "label": "Le dossier (Markdown)", "widget": "markdown", "required": True})
    return fields


def config(build: Build) -> str:
    ua = build.ua
    cms = ua["UA_CMS"]
    fields = action_fields(build)
    data = {
        "backend": {"name": cms["backend"], "repo": cms["repo"], "branch": cms["branch"]},
        "publish_mode": "editorial_workflow",
        # File names the content model accepts: ASCII, no accents, hyphens.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "locale": ua["UA_LANGUAGE"],
        "media_folder": "content/images",
        "public_folder": "/images",
        "collections": [
            {
                "name": "actions",
                "label": "Actions urgentes",
                "label_singular": "Action urgente",
                "folder": "content/actions",
                "extension": "md",
                "format": "frontmatter",
                "create": True,
                "slug": "{{slug}}",
                "summary": "{{case}} · {{title}}",
                "fields": fields,
            }
        ],
    }
    if cms.get("local_backend"):
        data["local_backend"] = {"url": cms["local_backend"]} if isinstance(cms["local_backend"], str) else True
    return "# Generated from the content model by plugins/urgent_actions/site/cms.py.\n" + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=120
    )


ADMIN_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Rédaction · {name}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
<noscript><p>L'éditeur en ligne a besoin de JavaScript. Sans lui, suivez docs/guide-redaction.md.</p></noscript>
<script src="decap-cms.js"></script>
<script src="salutations.js"></script>
</body>
</html>
"""


def outputs(build: Build):
    dist = _dist(build.settings)
    bundle = os.path.join(dist, "decap-cms.js")
    if not os.path.isfile(bundle):
        # Its npm packages are optional for previews (about 530 MB): say what is missing.
        logger.info(
            "No web editor (/admin/) in this build: its npm packages are not installed "
            "(./dev serve --admin, ./dev build or npm ci install them)"
        )
        return
    # Made from the content model, the settings and content/'s other files
    # (already in every key): the actions do not change them.
    yield Output(urls.admin_file("config.yml"), render=lambda: config(build), key="cms-config")
    yield Output(
        urls.save_as(urls.ADMIN),
        render=lambda: ADMIN_PAGE.format(lang=build.ua["UA_LANGUAGE"], name=build.settings.get("SITENAME", "")),
        key="cms-page",
    )
    widgets = [(SALUTATIONS_WIDGET, "salutations.js")]
    bundles = [(path, os.path.basename(path)) for path in sorted(glob.glob(os.path.join(dist, "*decap-cms.js")))]
    for path, name in widgets + bundles:

        def read(path=path):
            with open(path, "rb") as handle:
                return handle.read()

        stat = os.stat(path)
        yield Output(urls.admin_file(name), render=read, key=fingerprint(path, stat.st_size, stat.st_mtime_ns))
