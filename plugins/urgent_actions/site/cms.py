"""A web editor for people who never use git: Decap CMS at /admin/.

Its JavaScript comes from the npm package ``decap-cms`` (package-lock.json),
copied into the site: nothing is loaded from a CDN. ``admin/config.yml`` is
generated from the same content model as the validation (themes, states,
countries, every field of an action), with the editorial workflow, so that
each saved action becomes a pull request.
"""

from __future__ import annotations

import glob
import os

import yaml

from ..content import countries
from .keys import fingerprint
from .outputs import Output

HERE = os.path.dirname(os.path.abspath(__file__))


def _dist(settings) -> str:
    root = settings.get("UA_CMS_NODE_MODULES") or os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "node_modules")
    return os.path.join(root, "decap-cms", "dist")


def _s(name, label, required=False, **extra):
    return {"name": name, "label": label, "widget": "string", "required": required, **extra}


def _authority_fields(target: bool) -> list[dict]:
    return [
        _s("ref", "Autorité partagée (nom d'un fichier de content/authorities/, sinon laisser vide)"),
        _s("name", "Nom" + (" (obligatoire sans « ref »)" if target else "")),
        _s("role", "Fonction"),
        _s("salutation", "Formule d'appel (ex. « Monsieur le Ministre, »)"),
        {"name": "address", "label": "Adresse postale (une ligne par ligne de l'enveloppe)", "widget": "text", "required": False},
        _s("email", "Courriel"),
        _s("sms", "SMS (format international, +…)"),
        _s("phone", "Téléphone (+…)"),
        _s("fax", "Fax (+…)"),
        _s("twitter", "Compte X (@…)"),
        _s("web", "Formulaire de contact (https://…)"),
    ]


def config(build) -> str:
    ua = build.ua
    cms = ua["UA_CMS"]
    date = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
    country_options = sorted(
        ({"label": countries.country_name(code, ua["UA_LANGUAGE"]), "value": code} for code in countries.known_codes()),
        key=lambda option: option["label"],
    )
    fields = [
        _s("title", "Titre (120 caractères au plus)", required=True),
        _s("case", "Numéro du dossier (UA n/aa)", required=True, pattern=[r"^UA \d{1,3}/\d{2}$", "UA, espace, 1 à 3 chiffres, / et l'année sur 2 chiffres"]),
        {"name": "update", "label": "Mise à jour (0 = première action)", "widget": "number", "value_type": "int", "min": 0, "default": 0, "required": False},
        {"name": "date", "label": "Date de publication", **date, "required": True},
        {"name": "deadline", "label": "Date limite (obligatoire si l'action est en cours)", **date, "required": False},
        {"name": "state", "label": "État", "widget": "select", "default": "open", "required": False,
         "options": [{"label": "En cours", "value": "open"}, {"label": "Terminée", "value": "closed"},
                     {"label": "Bonne nouvelle", "value": "good-news"}]},
        {"name": "country", "label": "Pays", "widget": "select", "options": country_options, "required": True},
        {"name": "themes", "label": "Thèmes", "widget": "select", "multiple": True, "min": 1, "required": True,
         "options": [{"label": label, "value": key} for key, label in build.site.themes.items()]},
        {"name": "people", "label": "Personnes concernées", "widget": "list", "required": False},
        {"name": "summary", "label": "Résumé (texte simple, 280 caractères au plus)", "widget": "text", "required": True},
        {"name": "image", "label": "Image", "widget": "image", "required": False},
        _s("image_alt", "Description de l'image (obligatoire avec une image)"),
        _s("image_credit", "Crédit de l'image"),
        _s("ai_index", "Index international (ex. MDE 12/0000/2026)"),
        {"name": "targets", "label": "Destinataires", "widget": "list", "required": False, "summary": "{{fields.name}}{{fields.ref}}",
         "fields": _authority_fields(True)},
        {"name": "copies", "label": "Copies", "widget": "list", "required": False, "summary": "{{fields.name}}{{fields.ref}}",
         "fields": _authority_fields(False)},
        {"name": "letters", "label": "Lettres", "widget": "list", "required": False, "summary": "{{fields.language}} : {{fields.subject}}",
         "fields": [
             _s("language", "Langue (code à deux lettres : fr, en, es…)", required=True),
             _s("subject", "Objet", required=True),
             {"name": "body", "label": "Texte (paragraphes séparés par une ligne vide)", "widget": "text", "required": True},
             {"name": "closing", "label": "Formule de politesse (facultative)", "widget": "text", "required": False},
         ]},
        {"name": "sms", "label": "Texte du SMS (160 caractères)", "widget": "text", "required": False},
        {"name": "tweet", "label": "Message pour X (280 caractères)", "widget": "text", "required": False},
        {"name": "outcome", "label": "Issue (obligatoire pour une bonne nouvelle)", "widget": "object", "required": False,
         "fields": [{"name": "date", "label": "Date", **date, "required": False},
                    {"name": "text", "label": "Ce qui s'est passé", "widget": "text", "required": False}]},
        {"name": "aliases", "label": "Anciennes adresses (/actions/…/)", "widget": "list", "required": False},
        {"name": "body", "label": "Le dossier (Markdown)", "widget": "markdown", "required": True},
    ]
    data = {
        "backend": {"name": cms["backend"], "repo": cms["repo"], "branch": cms["branch"]},
        "publish_mode": "editorial_workflow",
        # File names the content model accepts: ASCII, no accents, hyphens.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "locale": ua["UA_LANGUAGE"],
        "media_folder": "content/images",
        "public_folder": "/images",
        "collections": [{
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
        }],
    }
    if cms.get("local_backend"):
        data["local_backend"] = {"url": cms["local_backend"]} if isinstance(cms["local_backend"], str) else True
    return "# Generated from the content model by plugins/urgent_actions/cms.py.\n" + yaml.safe_dump(
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
</body>
</html>
"""


def outputs(build):
    dist = _dist(build.settings)
    bundle = os.path.join(dist, "decap-cms.js")
    if not os.path.isfile(bundle):
        return  # node_modules not installed (./dev test installs it): no editor in this build
    # Made from the content model, the settings and content/'s other files
    # (already in every key): the actions do not change them.
    yield Output("admin/config.yml", render=lambda: config(build), key="cms-config")
    yield Output("admin/index.html", render=lambda: ADMIN_PAGE.format(
        lang=build.ua["UA_LANGUAGE"], name=build.settings.get("SITENAME", "")), key="cms-page")
    for path in sorted(glob.glob(os.path.join(dist, "*decap-cms.js"))):
        name = os.path.basename(path)

        def read(path=path):
            with open(path, "rb") as handle:
                return handle.read()

        stat = os.stat(path)
        yield Output(f"admin/{name}", render=read, key=fingerprint(path, stat.st_size, stat.st_mtime_ns))
