"""IBAN and BIC, with python-stdnum; a Belgian IBAN also gives its bank's BIC.

>>> check_iban("BE71096123456769", "BE")
()
>>> [(i.code, i.suggestion) for i in check_iban("BE71 0961 2345 6769", "BE")]
[('iban.written', 'BE71096123456769')]
>>> [i.code for i in check_iban("BE71096123456760", "BE")]
['iban.invalid']
>>> [(i.code, i.suggestion) for i in check_iban("BE71096123456769", "NL")]
[('iban.country_mismatch', 'BE')]
>>> [(i.code, i.suggestion) for i in check_bic("GEBABEBB", "BE71096123456769")]
[('bic.bank_mismatch', 'GKCCBEBB')]
"""

from __future__ import annotations

from functools import lru_cache

from stdnum import bic, get_cc_module, iban
from stdnum.be import iban as be_iban
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from numnum_xl.rules.base import Issue, error, warning

_REASONS = {InvalidChecksum: "checksum", InvalidLength: "length"}


@lru_cache(maxsize=65536)
def check_iban(value: str, country_code: str | None) -> tuple[Issue, ...]:
    """Issues with IBAN ``value`` and the sheet's iban_country_code (None when empty)."""
    try:
        number = _validate_iban(value)
    except ValidationError as exc:
        reason = next((r for t, r in _REASONS.items() if isinstance(exc, t)), "format")
        return (error("iban.invalid", value=value, reason=reason),)
    issues: list[Issue] = []
    if value != number:
        issues.append(warning("iban.written", number, value=value))
    if country_code is None:
        issues.append(warning("iban.country_missing", number[:2], field="iban_country_code"))
    elif country_code != number[:2]:
        issues.append(error("iban.country_mismatch", number[:2], field="iban_country_code",
                            value=country_code, country=number[:2]))
    return tuple(issues)


def _validate_iban(value: str) -> str:
    """stdnum's IBAN check; a country module (stdnum.be.iban) already runs the generic
    check itself, so call it alone rather than through iban.validate (which runs both)."""
    number = iban.compact(value)
    module = _country_module(number[:2])
    return module.validate(number) if module else iban.validate(number)


@lru_cache(maxsize=256)
def _country_module(cc: str):
    return get_cc_module(cc.lower(), "iban") if cc.isalpha() and len(cc) == 2 else None


def expected_bic(iban_value: str) -> str | None:
    """The BIC of a Belgian IBAN's bank (python-stdnum's list), else None.

    Call it with an IBAN that :func:`check_iban` accepted.
    """
    number = iban.compact(iban_value)
    return _bank_bic(number[4:7], number) if number.startswith("BE") else None


_BANKS: dict[str, str | None] = {}


def _bank_bic(bank_code: str, number: str) -> str | None:
    """python-stdnum's BIC for a Belgian bank code (its lookup is slow: remember it)."""
    if bank_code not in _BANKS:
        _BANKS[bank_code] = be_iban.to_bic(number)
    return _BANKS[bank_code]


@lru_cache(maxsize=65536)
def check_bic(value: str, iban_value: str | None) -> tuple[Issue, ...]:
    """Issues with BIC ``value``; with a Belgian IBAN (one that :func:`check_iban` accepted,
    else None), also whether it is that bank's."""
    try:
        code = bic.validate(value)
    except ValidationError:
        return (error("bic.invalid", value=value),)
    issues: list[Issue] = []
    if value != code:
        issues.append(warning("bic.written", code, value=value))
    expected = expected_bic(iban_value) if iban_value else None
    if expected and code[:8] != expected[:8]:
        issues.append(warning("bic.bank_mismatch", expected, value=value, expected=expected))
    return tuple(issues)
