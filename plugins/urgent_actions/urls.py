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


def action_pages_glob(slugs) -> str:
    """A glob of the pages of these actions (Pagefind's ``--glob``): ``actions/{a,b}/index.html``."""
    return action_save_as("{" + ",".join(slugs) + "}")


def case_part(case: str) -> str:
    """A case number as one path segment: ``UA 060/26`` -> ``060-26`` (kept as written)."""
    number, year = case.removeprefix("UA ").split("/")
    return f"{number}-{year}"


# Copies of the actions' photos, made by the build (never the editors' files:
# those may carry a GPS position). A copy's name holds its source's digest, so
# two actions sharing a photo share its copies, and a new photo gets new names.
PHOTOS = "photos/"


def photo_variant(source: str, digest: str, width: int, extension: str) -> str:
    """``photos/<name>-<digest>-<width>.<ext>``: one size and format of a photo (``source``,
    its path under content/)."""
    stem = os.path.splitext(os.path.basename(source))[0]
    return f"{PHOTOS}{stem}-{digest[:10]}-{width}.{extension}"


def share_card(slug: str) -> str:
    """``actions/<slug>/partage.jpg``: the image a link to the action shows when shared."""
    return action_url(slug) + "partage.jpg"


# Short addresses of cases, for SMS alerts and QR codes.
SHORT = "ua/"


def case_short_url(case: str) -> str:
    """``ua/<number>-<yy>/``: the short address of a case (SMS alerts, QR codes)."""
    return f"{SHORT}{case_part(case)}/"


def url_of(save_as_: str) -> str:
    """The address of the page written to ``save_as_`` (the inverse of :func:`save_as`)."""
    return save_as_[: -len(INDEX)] if save_as_ == INDEX or save_as_.endswith("/" + INDEX) else save_as_


# The site's own files, at fixed places.
HOME = ""
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def alias_save_as(alias: str) -> str:
    """The redirect page written for an action's old address (``/old/path/``, as editors write it)."""
    return save_as(alias.lstrip("/"))


# Lists. Their bases are settings (``UA_URLS``: ``archive``, ``countries``, ``themes``,
# ``good_news``…), given here as ``base``; these say what lies under them.


def list_page(base: str, number: int) -> str:
    """Page ``number`` of the paginated list at ``base``: the first is ``base`` itself."""
    return base if number == 1 else f"{base}page/{number}/"


def state_list(archive: str, state_slug: str) -> str:
    """The archive's list of the actions in one state (``archives/etat/en-cours/``)."""
    return f"{archive}etat/{state_slug}/"


def year_list(archive: str, year: int) -> str:
    """The archive's list of one year's actions (``archives/annee/2026/``)."""
    return f"{archive}annee/{year}/"


def country_list(countries: str, code: str) -> str:
    """The list of one country's actions (``pays/ir/``)."""
    return f"{countries}{code.lower()}/"


def theme_list(themes: str, key: str) -> str:
    """The list of one theme's actions (``themes/<key>/``)."""
    return f"{themes}{key}/"


# Feeds.
FEEDS = "feeds/"
ACTIONS_ATOM = FEEDS + "actions.atom.xml"
ACTIONS_RSS = FEEDS + "actions.rss.xml"
ACTIONS_JSON = FEEDS + "actions.json"
EMAIL_RSS = FEEDS + "courriel.rss.xml"
GOOD_NEWS_ATOM = FEEDS + "good-news.atom.xml"
DEADLINES_ICS = FEEDS + "deadlines.ics"


def country_feed(code: str) -> str:
    """The Atom feed of one country's actions."""
    return f"{FEEDS}pays/{code.lower()}.atom.xml"


def theme_feed(key: str) -> str:
    """The Atom feed of one theme's actions."""
    return f"{FEEDS}themes/{key}.atom.xml"


# The editions sent to members, for editors only (not in the sitemap, disallowed to robots).
ENVOIS = "envois/"
SMS_CSV = ENVOIS + "sms.csv"


def edition_folder(slug: str) -> str:
    """``envois/<slug>/``: the folder of an action's editions."""
    return f"{ENVOIS}{slug}/"


def email_html(slug: str) -> str:
    """The HTML of an action's email edition."""
    return edition_folder(slug) + "courriel.html"


def email_text(slug: str) -> str:
    """The plain text of an action's email edition."""
    return edition_folder(slug) + "courriel.txt"


def mailing_pdf(month: str) -> str:
    """A month's postal mailing (``month`` as ``2026-11``)."""
    return f"{ENVOIS}courrier-{month}.pdf"


# The web editor (Decap CMS).
ADMIN = "admin/"


def admin_file(name: str) -> str:
    """One of the web editor's files (``config.yml``, its scripts)."""
    return ADMIN + name


# What robots.txt asks crawlers to leave alone.
ROBOTS_DISALLOWED = (ENVOIS,)


def print_letter_url(action_url_: str, index: int, language: str) -> str:
    """The printable page of an action's ``index``-th letter (1-based) in ``language``."""
    return f"{action_url_}lettre-{index}-{language}/"


def print_copy_url(letter_url: str, number: int) -> str:
    """The printable copy of a letter for its ``number``-th "copies to" authority."""
    return f"{letter_url}copie-{number}/"
