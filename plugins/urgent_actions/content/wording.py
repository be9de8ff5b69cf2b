"""How the site's generated French names an authority, and how each language writes a date.

An authority's name is a role ("Procureur général", "Ambassade d'Égypte"),
which French sentences name with its article: "au Procureur général",
"pour l'Ambassade", "à la Ministre". The article is the authority's
``article`` field when given ("le", "la", "l'", "les", or "none" for a name
that takes none); otherwise this small rule derives it from the name's first
word:

- a feminine or masculine role noun of the lists below takes "la" or "le";
- a noun of both genders (Ministre, Juge…) takes the gender its salutation
  says ("Madame la Ministre," → "la", "Señor Ministro," → "le"; the French
  salutation first), and no article when it says none;
- "le" and "la" become "l'" before a vowel (an "h" counts as aspirated:
  "le Haut-Commissariat");
- any other first word (a person's name, an unknown noun) takes no article.

Dates are written as each language writes them: Babel's long format, British
order for English ("24 November 2026"), and "1er" for the first of a month in French.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache

FEMININE = frozenset(
    [
        "procureure",
        "présidente",
        "directrice",
        "cheffe",
        "gouverneure",
        "commandante",
        "reine",
        "ambassade",
        "commission",
        "administration",
        "unité",
        "cour",
        "direction",
        "délégation",
        "représentation",
        "mission",
        "présidence",
        "police",
        "préfecture",
        "haute-commissaire",
        "inspection",
        "autorité",
        "assemblée",
    ]
)
MASCULINE = frozenset(
    [
        "procureur",
        "président",
        "directeur",
        "chef",
        "gouverneur",
        "commandant",
        "roi",
        "ministère",
        "bureau",
        "tribunal",
        "parquet",
        "préfet",
        "maire",
        "haut-commissaire",
        "haut-commissariat",
        "conseil",
        "cabinet",
        "comité",
        "service",
        "consulat",
        "gouvernement",
        "premier",
        "médiateur",
        "défenseur",
        "émir",
        "sultan",
    ]
)
# Nouns of both genders: the salutation says which ("Madame la Ministre,").
EPICENE = frozenset(["ministre", "juge", "responsable", "secrétaire", "garde"])

VOWELS = frozenset("aeiouy")
CONTRACTIONS = {("à", "le"): "au ", ("à", "les"): "aux ", ("de", "le"): "du ", ("de", "les"): "des "}


def _first_word(name: str) -> str:
    return str(name).strip().split(" ", 1)[0].casefold().strip(",.;:")


def _starts_with_vowel(word: str) -> bool:
    decomposed = unicodedata.normalize("NFKD", word[:1])
    return bool(decomposed) and decomposed[0] in VOWELS


# How a salutation says its addressee's gender, by the words it opens with (French
# first, then the other languages a salutation is written in).
FEMININE_SALUTATIONS = ("Madame", "Dear Madam", "Señora", "Signora", "Senhora", "Sehr geehrte Frau", "Mevrouw")
MASCULINE_SALUTATIONS = ("Monsieur", "Dear Sir", "Señor", "Signor", "Senhor", "Sehr geehrter Herr", "Meneer")


def _salutation_gender(salutation) -> str | None:
    texts = list(salutation.values()) if isinstance(salutation, dict) else [str(salutation or "")]
    if isinstance(salutation, dict) and "fr" in salutation:
        texts = [salutation["fr"]]
    for text in texts:
        both = any(w in text for w in FEMININE_SALUTATIONS) and any(w in text for w in MASCULINE_SALUTATIONS)
        if both:
            return None
        if text.startswith(FEMININE_SALUTATIONS):
            return "la"
        if text.startswith(MASCULINE_SALUTATIONS):
            return "le"
    return None


@lru_cache(maxsize=4096)
def derived_article(name: str, salutation_gender: str | None) -> str | None:
    """The article of a role named ``name`` by the rule above (None: no article)."""
    word = _first_word(name)
    if word in FEMININE:
        article = "la"
    elif word in MASCULINE:
        article = "le"
    elif word in EPICENE:
        article = salutation_gender
    else:
        return None
    return "l'" if article and _starts_with_vowel(word) else article


def article_of(authority) -> str | None:
    """The French article of ``authority``'s name: its ``article`` field, else derived."""
    given = getattr(authority, "article", None)
    if given:
        return None if given == "none" else given
    return derived_article(authority.name, _salutation_gender(getattr(authority, "salutation", None)))


def with_preposition(preposition: str, authority) -> str:
    """What comes before the name after ``preposition``: 'au ', 'à la ', "à l'", 'pour les ', 'à '."""
    article = article_of(authority)
    if article is None:
        return preposition + " "
    contracted = CONTRACTIONS.get((preposition, article))
    if contracted:
        return contracted
    return f"{preposition} {article}" + ("" if article == "l'" else " ")


@lru_cache(maxsize=8192)  # a page writes a few dates; the site has a few thousand
def long_date(value: dt.date, language: str = "fr") -> str:
    """A date as ``language`` writes it in full: '1er octobre 2026', '24 November 2026'."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    base = str(language).split("_")[0].split("-")[0]
    try:
        locale = Locale.parse("en_GB" if base == "en" else language)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("fr")
    text = format_date(value, format="long", locale=locale)
    if locale.language == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def date_said_in(value: dt.date, text: str, language: str = "fr") -> bool:
    """Whether ``text`` already says the date ``value`` in full ('le 3 novembre 2026'):
    a banner then shows the text alone, not the date twice."""
    return any(said in str(text) for said in _long_dates(value, language))


@lru_cache(maxsize=8192)
def _long_dates(value: dt.date, language: str) -> tuple[str, str]:
    """``value`` written in full as the site writes it, and as CLDR does ('1 octobre 2026')."""
    from babel.dates import format_date

    return long_date(value, language), format_date(value, format="long", locale=str(language))
