"""The site's URL scheme, declared once: every path the build writes or links to comes from here.

In the spirit of Pelican's ``ARTICLE_URL`` / ``ARTICLE_SAVE_AS`` settings: a
*url* is a page's address relative to the site root, ending in ``/`` for a
directory page (``actions/<slug>/``); its *save_as* is the file written
(``actions/<slug>/index.html``). Nothing else in the plugin spells a path.

This module imports nothing of the plugin, so that every layer (``content``,
``site``, ``render``, ``publish``, ``speed``) may ask it.
"""

from __future__ import annotations

import os

INDEX = "index.html"


def save_as(url: str) -> str:
    """The file written for the page at ``url`` (a directory page gets its ``index.html``)."""
    return url + INDEX if url == "" or url.endswith("/") else url


def slug_of(path: str) -> str:
    """An action's slug, from its file's path: the file name without its extension."""
    return os.path.splitext(os.path.basename(path))[0]


def action_url(slug: str) -> str:
    """``actions/<slug>/``: an action's page."""
    return f"actions/{slug}/"


def action_save_as(slug: str) -> str:
    """``actions/<slug>/index.html``: the file of an action's page."""
    return save_as(action_url(slug))


def case_part(case: str) -> str:
    """A case number as one path segment: ``UA 060/26`` -> ``060-26`` (kept as written)."""
    number, year = case.removeprefix("UA ").split("/")
    return f"{number}-{year}"


def case_short_url(case: str) -> str:
    """``ua/<number>-<yy>/``: the short address of a case (SMS alerts, QR codes)."""
    return f"ua/{case_part(case)}/"
