"""Countries: ISO 3166-1 codes checked against pycountry, named through CLDR (Babel).

pycountry is the maintained list of what is a valid alpha-2 code; Babel's CLDR
data gives the short names people use ("Iran", not "Iran, République
islamique d'"), in French today and in Dutch or English tomorrow.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pycountry
from babel import Locale


@cache
def known_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def country_name(code: str, lang: str = "fr") -> str:
    """The country's usual name in ``lang``; the ISO name when CLDR has none."""
    name = Locale.parse(lang).territories.get(code)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


@cache
def _names_index(lang: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (country.name, getattr(country, "common_name", None), country_name(code, lang)):
            if name:
                index.setdefault(_fold(name), code)
        index.setdefault(_fold(country.alpha_3), code)
    return index


def suggest_code(value: str, lang: str = "fr") -> str | None:
    """The code an editor probably meant by ``value`` (a name, lower case, alpha-3)."""
    value = str(value)
    if value.upper() in known_codes():
        return value.upper()
    return _names_index(lang).get(_fold(value))


# The "Europe" zone of Belgian postal rates (bpost): the European Union and
# the rest of geographical Europe, Turkey included. Everywhere else but
# Belgium is the "world" zone.
POSTAL_EUROPE = frozenset(
    {
        "AD",
        "AL",
        "AT",
        "BA",
        "BG",
        "BY",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FO",
        "FR",
        "GB",
        "GI",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MD",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "RU",
        "SE",
        "SI",
        "SK",
        "SM",
        "TR",
        "UA",
        "VA",
    }
)


def postal_zone(country: str) -> str:
    """The zone of Belgian postal rates a letter to ``country`` is sent at:
    'belgium', 'europe' or 'world'."""
    if country == "BE":
        return "belgium"
    return "europe" if country in POSTAL_EUROPE else "world"
