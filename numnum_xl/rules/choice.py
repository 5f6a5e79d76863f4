"""Columns with a fixed set of values or a number: legal form, document language, VAT rate,
yes/no, payment term, sort order.

A value that is not exactly allowed is an error (NumNum's importer compares values); where it
is clear what was meant, the issue carries the value to write instead.

>>> check_legal_form("bv"), check_legal_form("BVBA")
((), ())
>>> [(i.code, i.suggestion) for i in check_legal_form("B.V.")]
[('legal_form.written', 'BV')]
>>> [(i.code, i.suggestion, i.suggestion.in_lang("fr")) for i in check_legal_form("SPRL")]
[('legal_form.unknown', 'BV', 'srl')]
>>> [(i.code, i.suggestion) for i in check_choice("Nederlands", "doc_language")]
[('choice.invalid', 'nl')]
>>> [(i.severity, i.suggestion) for i in check_choice("Ja", "vat_shifted")]
[('warning', 'ja')]
>>> [(i.code, i.suggestion) for i in check_choice(0.21, "vat_percentage")]
[('choice.invalid', '21')]
>>> check_choice(21, "vat_percentage")
()
>>> [(i.code, i.suggestion) for i in check_integer("30 dagen", "payment_term")]
[('integer.invalid', 30)]
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from numnum_xl.catalogue import (
    FIELD_BY_KEY,
    LEGAL_FORM_ALIASES,
    LEGAL_FORM_CODES,
    LEGAL_FORM_SUCCESSORS,
)
from numnum_xl.messages import Localized
from numnum_xl.rules.base import Issue, error, warning


def _squash(text: str) -> str:
    return re.sub(r"[\s.\-_/()]", "", text.casefold())


_BY_CASEFOLD = {c.casefold(): c for c in LEGAL_FORM_CODES}
_BY_SQUASH = {_squash(c): c for c in LEGAL_FORM_CODES}
_ALIASES = {_squash(k): v for k, v in LEGAL_FORM_ALIASES.items()}
_SUCCESSORS = {_squash(k): Localized(*v) for k, v in LEGAL_FORM_SUCCESSORS.items()}


@lru_cache(maxsize=4096)
def check_legal_form(value: str) -> tuple[Issue, ...]:
    """Issues with a company_type value (case-insensitive, per NumNum's list and API)."""
    if value.casefold() in _BY_CASEFOLD:  # NumNum takes it (also an abolished one: BVBA)
        return ()
    squashed = _squash(value)
    if squashed in _BY_SQUASH:
        return (warning("legal_form.written", _BY_SQUASH[squashed], value=value),)
    # a form the 2019 company code abolished gets the current one, in the message's language
    guess = _SUCCESSORS.get(squashed) or _ALIASES.get(squashed)
    if guess is None and len(squashed) >= 5:
        hit = process.extractOne(squashed, list(_BY_SQUASH) + list(_ALIASES),
                                 scorer=Levenshtein.normalized_similarity, score_cutoff=0.79)
        if hit:
            guess = _BY_SQUASH.get(hit[0]) or _ALIASES[hit[0]]
    return (error("legal_form.unknown", guess, value=value),)


#: What people write for each allowed value (casefolded) -> the allowed value.
_MEANS = {
    "doc_language": {
        "nederlands": "nl", "dutch": "nl", "néerlandais": "nl", "neerlandais": "nl",
        "vlaams": "nl", "n": "nl", "nl-be": "nl", "frans": "fr", "français": "fr",
        "francais": "fr", "french": "fr", "f": "fr", "fr-be": "fr", "engels": "en",
        "english": "en", "anglais": "en", "e": "en", "duits": "de", "deutsch": "de",
        "german": "de", "allemand": "de", "d": "de",
    },
    "yesno": {
        "j": "ja", "y": "yes", "true": "ja", "waar": "ja", "1": "ja", "x": "ja", "oui": "ja",
        "o": "ja", "vrai": "ja", "false": "nee", "onwaar": "nee", "0": "nee", "non": "nee",
        "faux": "nee", "nein": "nee",
    },
}


def _allowed_text(key: str) -> str:
    return ", ".join(FIELD_BY_KEY[key].allowed or ())


@lru_cache(maxsize=4096, typed=True)
def check_choice(value: Any, key: str) -> tuple[Issue, ...]:
    """Issues with a value of a column with allowed values (doc_language, vat_percentage,
    vat_shifted, auto_reminder)."""
    allowed = FIELD_BY_KEY[key].allowed or ()
    kind = FIELD_BY_KEY[key].kind
    if kind == "vat_rate":
        return _check_rate(value, key, allowed)
    if isinstance(value, bool):
        return (error("choice.invalid", "ja" if value else "nee",
                      value="WAAR" if value else "ONWAAR", allowed=_allowed_text(key)),)
    text = str(value).strip()
    if text in allowed:
        return ()
    if text.casefold() in allowed:
        return (warning("choice.written", text.casefold(), value=text,
                        expected=text.casefold()),)
    meant = _MEANS.get(kind if kind == "yesno" else key, {}).get(text.casefold())
    return (error("choice.invalid", meant, value=text, allowed=_allowed_text(key)),)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _check_rate(value: Any, key: str, allowed: tuple[str, ...]) -> tuple[Issue, ...]:
    number = _number(value)
    if number is not None and number.is_integer() and str(int(number)) in allowed:
        return ()
    digits = _number(re.sub(r"[%\s]", "", str(value))) if not isinstance(value, bool) else None
    guess = None
    for candidate in (digits, number * 100 if number is not None and number < 1 else None):
        if candidate is not None and float(candidate).is_integer() \
                and str(int(candidate)) in allowed:
            guess = str(int(candidate))
            break
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return (error("choice.invalid", guess, value=shown, allowed=", ".join(allowed)),)


@lru_cache(maxsize=4096, typed=True)
def check_integer(value: Any, key: str) -> tuple[Issue, ...]:
    """Issues with a whole number ≥ 0 (payment_term)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return ()
    if isinstance(value, str) and value.strip().isdigit():
        return ()
    m = re.fullmatch(r"\s*(\d+)\s*(?:dagen|dag|d|jours|j|days)?\.?\s*", str(value), re.I)
    guess = int(m.group(1)) if m else None
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return (error("integer.invalid", guess, value=shown),)


@lru_cache(maxsize=4096, typed=True)
def check_number(value: Any, key: str) -> tuple[Issue, ...]:
    """Issues with a number (sort_order): NumNum's API takes a whole number.

    >>> check_number("3", "sort_order"), [i.code for i in check_number(1.5, "sort_order")]
    ((), ['number.not_whole'])
    """
    number = _number(value)
    if number is None:
        return (error("number.invalid", value=str(value)),)
    if not number.is_integer():
        return (error("number.not_whole", value=f"{value:g}" if isinstance(value, float)
                      else str(value)),)
    return ()
