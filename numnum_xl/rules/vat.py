"""VAT numbers, checked against the VAT country code with python-stdnum.

NumNum wants the number only: no country prefix, no dots or spaces ("0123456789", not
"BE0123456789" or "0123.456.789"). A valid number written another way is a warning with the
exact value to write instead.

>>> compact("BE 0403.019.261", "BE")
'0403019261'
>>> [i.code for i in check("0403019261", "BE")]
[]
>>> [i.code for i in check("0123456789", "BE")]
['vat.checksum']
>>> [i.code for i in check("9876543210", "BE")]
['vat.be_first_digit']
>>> i = check("BE 0403.019.261", "BE")[0]; (i.code, i.suggestion)
('vat.written', '0403019261')
>>> [(i.code, i.field, i.suggestion) for i in check("0403019261", None)]
[('vat.country_missing', 'vat_country_code', 'BE')]
>>> [i.code for i in check("NL0403019261", "BE")]
['vat.prefix_mismatch']
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType

from stdnum import get_cc_module
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    ValidationError,
)

from numnum_xl.rules import country as countries
from numnum_xl.rules.base import Issue, error, warning

_SEPARATORS = re.compile(r"[\s.\-/,_]")
#: Prefixes that VAT numbers carry which are not the ISO code (Greece writes EL).
_PREFIX_TO_ISO = {"EL": "GR", "XI": "GB"}


@lru_cache(maxsize=64)
def module(cc: str) -> ModuleType | None:
    """python-stdnum's VAT module for country ``cc`` (ISO alpha-2), or None."""
    if not re.fullmatch(r"[A-Z]{2}", cc or ""):
        return None
    return get_cc_module(cc.lower(), "vat")


def split_prefix(value: str) -> tuple[str | None, str]:
    """(ISO country of a leading 2-letter prefix or None, the rest without separators)."""
    raw = _SEPARATORS.sub("", value).upper()
    head = raw[:2]
    if len(raw) > 2 and head.isalpha():
        iso = _PREFIX_TO_ISO.get(head, head)
        if iso in countries.codes():
            return iso, raw[2:]
    return None, raw


def compact(value: str, cc: str) -> str:
    """The number as NumNum wants it: stdnum's compact form without the country prefix."""
    mod = module(cc)
    number = mod.compact(value) if mod else split_prefix(value)[1]
    prefix, rest = split_prefix(number)
    return rest if prefix else number


#: Countries a bare VAT number is tried against when the sheet names none: the EU (VIES),
#: then the neighbours outside it. Belgium is tried first and wins (NumNum is Belgian).
GUESS_COUNTRIES = ("BE", "NL", "LU", "FR", "DE", "AT", "BG", "CY", "CZ", "DK", "EE", "ES",
                   "FI", "GR", "HR", "HU", "IE", "IT", "LT", "LV", "MT", "PL", "PT", "RO",
                   "SE", "SI", "SK", "GB", "CH", "NO")


@lru_cache(maxsize=4096)
def guess_country(number: str) -> str | None:
    """The country of a VAT number written without one: its prefix; else Belgium when the
    Belgian rules accept it; else the one country whose rules accept it (``None`` when no
    country or several do).

    >>> guess_country("FR 40 303 265 045"), guess_country("0403.019.261")
    ('FR', 'BE')
    >>> guess_country("12345"), guess_country("0123456789")  # BE's shape, wrong checksum
    (None, None)
    """
    prefix, rest = split_prefix(number)
    if prefix:
        return prefix
    if (mod := module("BE")) and mod.is_valid(rest):
        return "BE"
    if re.fullmatch(r"[01]\d{9}", rest):
        return None  # a Belgian enterprise number with a typo, not a foreign number
    hits = [cc for cc in GUESS_COUNTRIES[1:] if (m := module(cc)) and m.is_valid(rest)]
    return hits[0] if len(hits) == 1 else None


def _guess_country(number: str) -> str | None:
    return guess_country(number)


@lru_cache(maxsize=65536)
def check(value: str, cc: str | None) -> tuple[Issue, ...]:
    """Issues with VAT number ``value`` (stripped, non-empty) for VAT country code ``cc``.

    ``cc`` is the sheet's vat_country_code when it is a valid code, else None.
    """
    prefix, _ = split_prefix(value)
    issues: list[Issue] = []
    if cc is None:
        guess = guess_country(value)
        issues.append(error("vat.country_missing", guess, field="vat_country_code"))
        cc = guess
        if cc is None:
            return tuple(issues)
    elif prefix and prefix != cc:
        return (error("vat.prefix_mismatch", value=value, prefix=prefix, country=cc),)
    mod = module(cc)
    if mod is None:
        return (*issues, warning("vat.unchecked", value=value, country=cc))
    try:
        number = mod.validate(value)  # returns stdnum's compact form
    except ValidationError as exc:
        issues.append(_invalid(exc, value, cc))
        return tuple(issues)
    head, rest = split_prefix(number)
    number = rest if head else number
    if value != number:
        issues.append(warning("vat.written", number, value=value))
    return tuple(issues)


def _invalid(exc: ValidationError, value: str, cc: str) -> Issue:
    if cc == "BE" and isinstance(exc, InvalidComponent):
        return error("vat.be_first_digit", value=value)
    if isinstance(exc, InvalidChecksum):
        return error("vat.checksum", value=value)
    if isinstance(exc, InvalidLength):
        return error("vat.length", value=value, country=cc)
    return error("vat.format", value=value, country=cc)
