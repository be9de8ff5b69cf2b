"""The plugin's settings: one place for the defaults, each documented beside it.

Users set any of these in pelicanconf.py (or with ``pelican -e``); the plugin
merges them over the defaults into a new dict and never mutates either.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Language of the interface and of the country names (a Babel locale).
    "UA_LANGUAGE": "fr",
    # Where the site's own pages live, relative to the site root (trailing slash).
    "UA_URLS": {
        "join": "rejoindre/",
        "archive": "archives/",
        "good_news": "bonnes-nouvelles/",
        "countries": "pays/",
        "themes": "themes/",
        "search": "recherche/",
        "privacy": "confidentialite/",
        "history": "rejoindre/#historique",
    },
    # The organisation behind the site, shown in the footer and the privacy page.
    "UA_ORGANISATION": {
        "name": "Réseau des actions urgentes",
        "short_name": "Actions urgentes",
        "company_number": "",
        "address": "",
        "email": "",
        "dpo_email": "",
        "website": "",
    },
    # Number of actions on one archive page.
    "UA_ARCHIVE_PAGE_SIZE": 20,
    # Number of entries in the main feeds.
    "UA_FEED_SIZE": 30,
    # The base of absolute URLs in feeds and metadata when SITEURL is relative
    # (development builds); publishconf.py sets SITEURL and this is not used.
    "UA_DEV_SITEURL": "http://127.0.0.1:8000",
    # What a stamp for a letter abroad costs, roughly, shown beside printable letters.
    "UA_POSTAGE_ABROAD": "environ 3 à 4 € pour une lettre de moins de 50 g (timbre international)",
    # Extra files the build must leave in the output directory (e.g. ".git" for
    # a gh-pages checkout); Pelican's OUTPUT_RETENTION is honoured as well.
    "UA_OUTPUT_RETENTION": [],
    # Incremental builds (see incremental.py): reuse what the previous build
    # read and wrote when its inputs did not change. The cache directory is
    # relative to the directory the build runs in; delete it to force a full build.
    "UA_INCREMENTAL": True,
    "UA_CACHE_PATH": ".cache/urgent-actions",
    # From this many action files to read, or pages to render, the build uses
    # every core (forked workers); below, one process is faster.
    "UA_PARALLEL_MIN_FILES": 600,
    # Render pages in forked workers too (from UA_PARALLEL_MIN_FILES pages).
    # Off: at 10,000 actions the workers' copy-on-write of the whole site cost
    # more than it saved (docs/performance.md); faster at a few thousand.
    "UA_PARALLEL_RENDER": False,
}


def resolve(pelican_settings: dict) -> dict[str, Any]:
    """The effective plugin settings: defaults overlaid with the user's values."""
    resolved = copy.deepcopy(DEFAULTS)
    for key, default in DEFAULTS.items():
        if key not in pelican_settings:
            continue
        value = pelican_settings[key]
        if isinstance(default, dict) and isinstance(value, dict):
            resolved[key] = {**default, **value}
        else:
            resolved[key] = value
    return resolved


def check(resolved: dict[str, Any]) -> list[str]:
    """Every problem in the plugin's settings, as sentences (empty when fine)."""
    problems = []
    for key, value in resolved["UA_URLS"].items():
        if not isinstance(value, str) or value.startswith("/"):
            problems.append(f"UA_URLS['{key}'] must be a path relative to the site root")
    size = resolved["UA_ARCHIVE_PAGE_SIZE"]
    if not isinstance(size, int) or size < 1:
        problems.append("UA_ARCHIVE_PAGE_SIZE must be a positive whole number")
    return problems
