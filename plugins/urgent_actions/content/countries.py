"""Countries: ISO 3166-1 codes checked against pycountry, named through CLDR (Babel).

pycountry is the maintained list of what is a valid alpha-2 code; Babel's CLDR
data gives the short names people use ("Iran", not "Iran, République
islamique d'"), in French today and in Dutch or English tomorrow.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache

import pycountry
from babel import Locale


@cache
def known_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


# The network's own usage where it differs from CLDR's, per interface language:
# one name per country on every page, badge, feed, list and letter ("Bélarus",
# as the network's titles write it, not CLDR's "Biélorussie").
NETWORK_NAMES = {"fr": {"BY": "Bélarus"}}


@cache
def country_name(code: str, lang: str = "fr") -> str:
    """The country's name in ``lang``: the network's usage (NETWORK_NAMES), else
    CLDR's usual name, else the ISO name."""
    name = NETWORK_NAMES.get(lang, {}).get(code) or Locale.parse(lang).territories.get(code)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


@dataclass(frozen=True)
class CountryNames:
    """The country names of one site: :func:`country_name` in the interface's language,
    with the site's own overrides (``content/countries.yml``: code -> name)."""

    language: str = "fr"
    overrides: dict[str, str] = field(default_factory=dict, hash=False)

    def name(self, code: str) -> str:
        """The one name of ``code`` on every page, badge, feed, list and letter of the site."""
        return self.overrides.get(code) or country_name(code, self.language)


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


def postal_zone(country: str, home: str = "BE") -> str:
    """The zone of Belgian postal rates a letter to ``country`` is sent at from
    ``home``: 'belgium' (domestic), 'europe' or 'world'."""
    if country == home:
        return "belgium"
    return "europe" if country in POSTAL_EUROPE else "world"


def address_country(lines: list[str], action_country: str) -> str | None:
    """The country an address's country line names: the last line when it is a
    country's name ('BELGIQUE', 'Suisse', 'EGYPT'), ``action_country`` when it is
    a line in capitals naming none we know, None when the address has no country
    line (it is then in the network's own country, as on a domestic envelope)."""
    if not lines:
        return None
    last = lines[-1].strip()
    named = _names_index("fr").get(_fold(last)) or _names_index("en").get(_fold(last))
    if named:
        return named
    if last.isupper() and not any(ch.isdigit() for ch in last):
        return action_country
    return None
