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
>>> [(i.severity, i.code) for i in check_iban("BE68 5390 0754 7034", "BE")]
[('warning', 'iban.bank_unknown'), ('warning', 'iban.written')]
>>> [(i.code, i.suggestion) for i in check_iban("539-0075470-34", "BE")]
[('iban.old_be_account', 'BE68539007547034')]
>>> [(i.code, i.params["count"], i.params["expected"]) for i in check_iban("BE7109612345676", "BE")]
[('iban.too_short', 15, 16)]
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum import bic, get_cc_module, iban
from stdnum.be import iban as be_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

from numnum_xl.rules.base import Issue, error, warning

_REASONS = {InvalidChecksum: "checksum", InvalidLength: "length"}


@lru_cache(maxsize=65536)
def check_iban(value: str, country_code: str | None) -> tuple[Issue, ...]:
    """Issues with IBAN ``value`` and the sheet's iban_country_code (None when empty)."""
    issues: list[Issue] = []
    try:
        number = _validate_iban(value)
    except ValidationError as exc:
        old = old_be_account(value)
        if old:
            return (error("iban.old_be_account", old, value=value),)
        if isinstance(exc, InvalidComponent) and _bank_unknown(value):
            number = iban.compact(value)
            issues.append(warning("iban.bank_unknown", value=value, bank=number[4:7]))
        else:
            by_length = _length_issue(value)
            if by_length is not None:  # stdnum checks the sum first: the length says more
                return (by_length,)
            reason = next((r for t, r in _REASONS.items() if isinstance(exc, t)), "format")
            return (error("iban.invalid", value=value, reason=reason),)
    if value != number:
        issues.append(warning("iban.written", number, value=value))
    if country_code is None:
        issues.append(warning("iban.country_missing", number[:2], field="iban_country_code"))
    elif country_code != number[:2]:
        issues.append(error("iban.country_mismatch", number[:2], field="iban_country_code",
                            value=country_code, country=number[:2]))
    return tuple(issues)


def _bank_unknown(value: str) -> bool:
    """A Belgian IBAN whose check digits (IBAN and national) are right but whose bank code is
    not in python-stdnum's list of the National Bank's codes (a new or a closed bank)."""
    number = iban.compact(value)
    if not number.startswith("BE"):
        return False
    try:
        iban.validate(number, check_country=False)
    except ValidationError:
        return False
    return _national_sum_ok(number[4:])


def _national_sum_ok(account: str) -> bool:
    """Whether a Belgian account number's 12 digits end in the rest of the first ten modulo
    97 (97 for 0): the check of the old account numbers and of a Belgian IBAN's body.

    >>> _national_sum_ok("539007547034"), _national_sum_ok("539007547035")
    (True, False)
    """
    return account[-2:] == f"{int(account[:-2]) % 97 or 97:02d}"


def old_be_account(value: str) -> str | None:
    """The IBAN of an old Belgian account number (``539-0075470-34``: 3 + 7 + 2 digits, the
    last two the rest of the first ten modulo 97), else None.

    >>> old_be_account("539-0075470-34"), old_be_account("539-0075470-35")
    ('BE68539007547034', None)
    """
    digits = "".join(ch for ch in value if ch not in " -./")
    if len(digits) != 12 or not digits.isdigit() or not digits.isascii():
        return None
    if not _national_sum_ok(digits):
        return None
    return "BE" + iban.calc_check_digits("BE00" + digits) + digits


def _length_issue(value: str) -> Issue | None:
    """iban.too_short / iban.too_long when ``value`` has another length than the IBANs of the
    country it starts with (python-stdnum's IBAN registry)."""
    number = iban.compact(value)
    info = iban._ibandb.info(number[:2])[0][1] if number[:2].isalpha() else {}
    parts = re.findall(r"(\d+)!?[nace]", info.get("bban", "")) if info else []
    if not parts:
        return None
    expected = 4 + sum(int(p) for p in parts)
    if len(number) == expected:
        return None
    code = "iban.too_short" if len(number) < expected else "iban.too_long"
    return error(code, value=value, count=len(number), expected=expected,
                 country=number[:2])


def _validate_iban(value: str) -> str:
    """stdnum's IBAN check; a country module (stdnum.be.iban) already runs the generic
    check itself, so call it alone rather than through iban.validate (which runs both).

    A Belgian IBAN takes :func:`_validate_be_iban`: stdnum.be.iban's steps, with its bank
    lookup remembered per bank code.
    """
    number = iban.compact(value)
    if number[:2] == "BE":
        return _validate_be_iban(number)
    module = _country_module(number[:2])
    return module.validate(number) if module else iban.validate(number)


def _validate_be_iban(number: str) -> str:
    """stdnum.be.iban.validate, step by step: the generic IBAN check (python-stdnum), the
    national check digits (the first ten digits modulo 97), and the bank code in python-stdnum's
    list of the National Bank's codes - that last lookup (a walk of stdnum's number database,
    2/3 of the time) depends on the three bank digits alone, so it is asked once per bank code.
    tests/test_rules.py checks that this agrees with stdnum.be.iban.is_valid.

    >>> _validate_be_iban("BE71096123456769")
    'BE71096123456769'
    >>> _validate_be_iban("BE68539007547034")
    Traceback (most recent call last):
    ...
    stdnum.exceptions.InvalidComponent: One of the parts of the number are invalid or unknown.
    """
    number = iban.validate(number, check_country=False)
    if not _national_sum_ok(number[4:]):
        raise InvalidChecksum()
    if not _bank_known(number[4:7]):
        raise InvalidComponent()
    return number


@lru_cache(maxsize=1024)
def _bank_known(code: str) -> bool:
    """Whether python-stdnum knows Belgian bank code ``code`` (three digits)."""
    return bool(be_iban.info(f"BE00{code}000000000"))


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
