"""Country codes: ISO 3166-1 alpha-2 in capitals, from pycountry.

Names in Dutch, French, English or German, alpha-3 codes and "UK" get the right code as a
suggestion.

>>> compact(" be ")
'BE'
>>> is_valid("BE"), is_valid("be"), is_valid("UK")
(True, False, False)
>>> lookup("België"), lookup("Belgique"), lookup("Duitsland"), lookup("UK"), lookup("NLD")
('BE', 'BE', 'DE', 'GB', 'NL')
>>> [i.code for i in check("Belgium")], check("Belgium")[0].suggestion
(['country.name'], 'BE')
>>> check("BE")
()
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import lru_cache

import pycountry
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from numnum_xl.rules.base import Issue, error

#: Codes and names people write that ISO does not (or that pycountry does not translate).
_ALIASES = {
    "UK": "GB", "EL": "GR", "ENGELAND": "GB", "ENGLAND": "GB", "GROOTBRITTANNIE": "GB",
    "GREATBRITAIN": "GB", "ANGLETERRE": "GB", "HOLLAND": "NL", "HOLLANDE": "NL",
    "PAYSBAS": "NL", "BELGIE": "BE", "BELGIEN": "BE", "LUXEMBURG": "LU",
    "GROOTHERTOGDOMLUXEMBURG": "LU", "ZWITSERLAND": "CH", "SUISSE": "CH", "SCHWEIZ": "CH",
    "VS": "US", "USA": "US", "VERENIGDESTATEN": "US", "ETATSUNIS": "US",
}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).upper()


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """All ISO 3166-1 alpha-2 codes."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Normalised name (nl/fr/de/en, official and common names, alpha-3) -> alpha-2."""
    names: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR,
                                        languages=[lang], fallback=True)
                    for lang in ("nl", "fr", "de")]
    for c in pycountry.countries:
        english = [c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)]
        for name in english:
            if name:
                names.setdefault(_norm(name), c.alpha_2)
                for t in translations:
                    names.setdefault(_norm(t.gettext(name)), c.alpha_2)
        names.setdefault(c.alpha_3, c.alpha_2)
    names.update(_ALIASES)
    return names


def compact(value: str) -> str:
    """The value without surrounding spaces, in capitals."""
    return value.strip().upper()


def is_valid(value: str) -> bool:
    """Whether ``value`` is exactly an ISO 3166-1 alpha-2 code in capitals."""
    return value in codes()


@lru_cache(maxsize=4096)
def lookup(value: str) -> str | None:
    """The alpha-2 code ``value`` most likely means (a code in any case, a name, alpha-3)."""
    up = compact(value)
    if up in codes():
        return up
    key = _norm(value)
    if not key:
        return None
    if key in _names():
        return _names()[key]
    if len(key) >= 5:  # a typo in a name ("Belguim"); never guess short strings
        hit = process.extractOne(key, _names().keys(), scorer=Levenshtein.normalized_similarity,
                                 score_cutoff=0.79)
        if hit:
            return _names()[hit[0]]
    return None


@lru_cache(maxsize=4096)
def check(value: str) -> tuple[Issue, ...]:
    """Issues with a country-code cell (``value`` already stripped, non-empty)."""
    if value in codes():
        return ()
    guess = lookup(value)
    if guess and compact(value) == guess:
        return (error("country.case", guess, value=value),)
    if guess and len(_norm(value)) > 3:
        return (error("country.name", guess, value=value),)
    return (error("country.invalid", guess, value=value),)


@lru_cache(maxsize=1024)
def name(code: str, lang: str = "nl") -> str:
    """The country's name in ``lang`` (for messages); the code itself if unknown.

    >>> name("BE"), name("BE", "fr"), name("DE", "en")
    ('België', 'Belgique', 'Germany')
    """
    country = pycountry.countries.get(alpha_2=code)
    if not country:
        return code
    if lang == "en":
        return country.name
    t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
    return t.gettext(country.name)


def region_or(value: str | None, default: str = "BE") -> str:
    """A usable region: ``value`` when it is a valid code, else ``default``."""
    return value if value and value in codes() else default
