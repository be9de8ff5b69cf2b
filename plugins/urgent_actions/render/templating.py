"""Filters and globals that every template of the site can use.

They are installed in each Pelican generator's Jinja environment (our own and
Pelican's), so a Markdown page and an action page share the same helpers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache, lru_cache

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency
from markupsafe import Markup, escape

from .. import urls as urls_module
from ..content import countries, letters, scripts, states, wording
from ..content.typography import french_spacing
from ..site import links
from .template_cache import CachedIncludeExtension


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def date_long(value: dt.date, language: str = "fr") -> str:
    """'24 novembre 2026', '1er décembre 2026' (wording.long_date)."""
    return wording.long_date(value, language)


def date_iso(value: dt.date) -> str:
    return value.isoformat()


def paragraphs_html(blocks) -> Markup:
    """Paragraphs of plain text as HTML paragraphs, line breaks kept; everything escaped."""
    html = "".join(
        "<p>" + "<br>\n".join(str(escape(line)) for line in block.split("\n")) + "</p>\n" for block in blocks
    )
    return Markup(html)


def _as_is(text: str) -> str:
    return text


def bidi_html(text: str, language: str, spaced=_as_is) -> Markup:
    """Plain text in ``language`` as escaped HTML, line breaks as <br>; a name or a
    line in another script gets its own ``lang`` (undetermined language, that
    script) in a ``<bdi>``, which isolates its direction (scripts.script_runs).
    ``spaced`` is given each line of the text in ``language`` (French spacing, where
    the page's pass would put it: :func:`_spacing`)."""
    out = []
    for piece, script in scripts.script_runs(str(text), language):
        written = _as_is if script else spaced  # (another script's run is not in ``language``)
        html = "<br>\n".join(str(escape(written(line))) for line in piece.split("\n"))
        out.append(f'<bdi lang="und-{script}">{html}</bdi>' if script else html)
    return Markup("".join(out))


def letter_paragraphs_html(blocks, language: str, spaced=_as_is) -> Markup:
    """A letter's paragraphs as HTML paragraphs (``bidi_html`` in each)."""
    return Markup("".join(f"<p>{bidi_html(block, language, spaced)}</p>\n" for block in blocks))


@lru_cache(maxsize=64)
def money(amount: float, language: str = "fr") -> str:
    """'2,13 €' (euros, written as the interface language writes amounts)."""
    return format_currency(amount, "EUR", locale=_locale(language))


def named_after(preposition: str, authority, language: str) -> Markup:
    """An authority's name after ``preposition``, with its article, as HTML:
    'au Procureur général', "pour l'Ambassade d'Égypte" (wording.with_preposition)."""
    return Markup(escape(wording.with_preposition(preposition, authority))) + bidi_html(authority.name, language)


def language_name(code: str, language: str = "fr") -> str:
    """The name of a language in the interface language: 'en' -> 'anglais'."""
    return _locale(language).languages.get(code, code)


def address_breaks(address: str) -> Markup:
    """An email address or URL, escaped, that may wrap only after '@', '.' and '/'
    (``<wbr>``): never inside a word."""
    return Markup("").join(
        Markup(escape(part)) + (Markup("<wbr>") if part[-1:] in "@./" else Markup(""))
        for part in re.split(r"(?<=[@./])", address)
        if part
    )


def filters(language: str) -> dict:
    return {
        "date_long": lambda value: date_long(value, language),
        "date_iso": date_iso,
        "format_month": lambda value: format_date(value, format="LLLL y", locale=_locale(language)),
        "paragraphs_html": paragraphs_html,
        "text_direction": letters.text_direction,
        "bidi_html": jinja2.pass_context(lambda context, text, lang: bidi_html(text, lang, _spacing(context, lang))),
        "letter_paragraphs_html": jinja2.pass_context(
            lambda context, blocks, lang: letter_paragraphs_html(blocks, lang, _spacing(context, lang))
        ),
        "in_language": jinja2.pass_context(
            lambda context, text, lang: Markup(escape(_spacing(context, lang)(str(text))))
        ),
        "letter_date": letters.letter_date,
        "money": lambda amount: money(amount, language),
        "in_ui_script": jinja2.pass_context(
            lambda context, text: bidi_html(text, language, _spacing(context, language))
        ),
        "to_authority": lambda authority: named_after("à", authority, language),
        "for_authority": lambda authority: named_after("pour", authority, language),
        "language_name": lambda code: language_name(code, language),
        "country_name": jinja2.pass_context(lambda context, code: _country_names(context, language).name(code)),
        "mailto_url": links.mailto_url,
        "address_breaks": address_breaks,
        "phone_href": lambda number: "tel:" + "".join(c for c in number if c == "+" or c.isdigit()),
    }


class SnapshotGlobalsTemplate(jinja2.Template):
    """A template whose globals are a plain dict, copied when it is loaded.

    Jinja gives each template a ``ChainMap`` over the environment's globals, and
    compares its keys with the caller's at every ``import`` and ``include``
    (a set difference that Python does key by key on a ``ChainMap``: about a
    tenth of the action page's rendering). The site's globals are all set
    before the first template is loaded and never change during a build (Jinja
    asks the same: "avoid modifying any globals after a template is loaded"),
    so a copy behaves the same and compares at C speed.
    """

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        return super().from_code(environment, code, dict(globals), uptodate)


def _country_names(context, language: str) -> countries.CountryNames:
    """The site's country names (content/countries.yml over the network's usage), from
    the template's context; the network's alone where no site was read."""
    site = context.get("site")
    return site.country_names if site is not None else countries.CountryNames(language)


def install(env, ua_settings: dict, siteurl: str, theme: str) -> None:
    """Filters, tests, globals and the ``cached_include`` tag for ``env`` (``theme``: the theme's directory)."""
    env.template_class = SnapshotGlobalsTemplate
    env.add_extension(CachedIncludeExtension)
    language = ua_settings["UA_LANGUAGE"]
    env.filters.update(filters(language))
    env.tests["offers_ways_to_act"] = states.offers_ways_to_act
    env.tests["said_in"] = lambda date, text: wording.date_said_in(date, text, language)
    urls = ua_settings["UA_URLS"]

    def url_for(name: str) -> str:
        """Root-relative (or absolute, with SITEURL) URL of one of the site's pages."""
        return f"{siteurl}/{urls[name]}"

    def theme_static_text(path: str) -> Markup:
        """A text file of the theme's ``static/`` (a style sheet a PDF holds inline), as written."""
        with open(os.path.join(theme, "static", path), encoding="utf-8") as handle:
            return Markup(handle.read())

    env.globals.update(
        url_for=url_for,
        theme_static_text=theme_static_text,
        # The URL scheme, for the paths that are not pages of UA_URLS (feeds, editions).
        urls=urls_module,
        ua=ua_settings,
        organisation=ua_settings["UA_ORGANISATION"],
    )


# Templates whose output is not spaced here: an email's typography uses U+00A0
# (render/makers.py), and its letters mix languages in ways only the pass follows.
_SPACED_ELSEWHERE = ("email/",)


def spaced_in(template: str | None) -> bool:
    """Whether the text that template ``template`` writes is spaced as it is written."""
    return not (template or "").startswith(_SPACED_ELSEWHERE)


def _spaced_gettext(function):
    """A gettext function of the catalogue whose message is spaced where :func:`spaced_in`."""

    @jinja2.pass_context
    def spaced(context, *args):
        text = function(*args)
        return french_spacing(text) if spaced_in(context.name) else text

    return spaced


def _spacing(context, language: str):
    """French spacing for plain text in ``language`` that a template writes as HTML
    (a letter's text, a name, the words of a letter): :func:`french_spacing` where
    the templates space at the source and ``language`` is French (its element says
    so: the page's pass follows the same ``lang``), else the text as it is."""
    if language.startswith("fr") and context.environment.finalize is _spaced_value and spaced_in(context.name):
        return french_spacing
    return _as_is


@jinja2.pass_context
def _spaced_value(context, value):
    """A value a template writes, with French spacing if it is plain text (not HTML)."""
    if type(value) is str and _MAY_SPACE.search(value) and spaced_in(context.name):
        return french_spacing(value)
    return value


_MAY_SPACE = re.compile(r"[:;!?«»]")
_GETTEXT = ("gettext", "ngettext", "pgettext", "npgettext")


def space_at_source(env, language: str) -> None:
    """French spacing (content/typography.py) put in as ``env``'s templates write:
    in the catalogue's messages and in every plain-text value a template inserts
    (HTML, ``Markup``, is left as it is), so that a page usually leaves the renderer
    spaced and the page-wide pass of render/makers.py, which stays the reference,
    finds nothing to do. A value written where that pass leaves text alone (an
    attribute people do not read, an element in another language) is written with
    ``|e``, which makes it HTML. Only for the templates whose every output goes
    through that pass (the site's own generator)."""
    if not language.startswith("fr"):
        return
    env.ua_spacing = lambda template, text: french_spacing(text) if spaced_in(template) else text
    env.finalize = _spaced_value
    # The catalogue as it is, for a message written where spacing does not belong (i18n.py).
    env.globals.update({f"unspaced_{name}": env.globals[name] for name in _GETTEXT if name in env.globals})
    translations = env.ua_translations
    env.install_gettext_callables(
        _spaced_gettext(translations.gettext),
        _spaced_gettext(translations.ngettext),
        newstyle=True,
        pgettext=_spaced_gettext(translations.pgettext),
        npgettext=_spaced_gettext(translations.npgettext),
    )
