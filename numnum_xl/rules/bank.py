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
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.iso7064 import mod_97_10

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
            number = compact_iban(value)
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
    number = compact_iban(value)
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
    number = compact_iban(value)
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
    number = compact_iban(value)
    if number[:2] == "BE":
        return _validate_be_iban(number)
    module = _country_module(number[:2])
    return module.validate(number) if module else iban.validate(number)


@lru_cache(maxsize=1024)
def compact_iban(value: str) -> str:
    """python-stdnum's compact form of an IBAN (no spaces, dashes or dots; capitals),
    remembered for the last values: the IBAN rule and the BIC rule of one row both need it."""
    return iban.compact(value)


def _generic_iban(number: str) -> str:
    """stdnum.iban.validate(number, check_country=False) for a compacted ``number``, step by
    step: the check digits (python-stdnum's ISO 7064 mod 97-10), the country in python-stdnum's
    IBAN registry and the BBAN's structure for that country. The registry lookup (a walk of
    stdnum's number database) and the structure's pattern depend on the first two characters
    alone, so they are asked once per country. tests/test_rules.py checks that this raises
    what stdnum.iban.validate raises, on numbers of every kind.

    >>> _generic_iban("BE71096123456769")
    'BE71096123456769'
    >>> _generic_iban("BE71096123456760")
    Traceback (most recent call last):
    ...
    stdnum.exceptions.InvalidChecksum: The number's checksum or check digit is invalid.
    """
    mod_97_10.validate(number[4:] + number[:4])
    structure = _bban_structure(number[:2])
    if structure is None:
        raise InvalidComponent()
    if not structure.match(number[4:]):
        raise InvalidFormat()
    return number


@lru_cache(maxsize=256)
def _bban_structure(cc: str) -> re.Pattern | None:
    """The pattern of a country's BBAN (python-stdnum's IBAN registry), None when the
    registry does not know the country (what stdnum.iban.validate reports as InvalidComponent)."""
    props = iban._ibandb.info(cc)[0][1] if cc else {}
    if not props:
        return None
    return iban._struct_to_re(props.get("bban", ""))


def _validate_be_iban(number: str) -> str:
    """stdnum.be.iban.validate, step by step: the generic IBAN check (:func:`_generic_iban`),
    the national check digits (the first ten digits modulo 97), and the bank code in
    python-stdnum's list of the National Bank's codes - that last lookup (a walk of stdnum's
    number database, 2/3 of the time) depends on the three bank digits alone, so it is asked
    once per bank code. tests/test_rules.py checks that this agrees with
    stdnum.be.iban.is_valid.

    >>> _validate_be_iban("BE71096123456769")
    'BE71096123456769'
    >>> _validate_be_iban("BE68539007547034")
    Traceback (most recent call last):
    ...
    stdnum.exceptions.InvalidComponent: One of the parts of the number are invalid or unknown.
    """
    number = _generic_iban(number)
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
    number = compact_iban(iban_value)
    return _bank_bic(number[4:7], number) if number.startswith("BE") else None


_BANKS: dict[str, str | None] = {}


def _bank_bic(bank_code: str, number: str) -> str | None:
    """python-stdnum's BIC for a Belgian bank code (its lookup is slow: remember it)."""
    if bank_code not in _BANKS:
        _BANKS[bank_code] = be_iban.to_bic(number)
    return _BANKS[bank_code]


def check_bic(value: str, iban_value: str | None) -> tuple[Issue, ...]:
    """Issues with BIC ``value``; with a Belgian IBAN (one that :func:`check_iban` accepted,
    else None), also whether it is that bank's. The answer depends on the IBAN only through
    its bank's BIC, so it is remembered per (BIC, the bank's BIC): a column of one bank's
    BICs beside distinct IBANs is checked once per bank."""
    return check_bic_for_bank(value, expected_bic(iban_value) if iban_value else None)


@lru_cache(maxsize=4096)
def check_bic_for_bank(value: str, expected: str | None) -> tuple[Issue, ...]:
    """:func:`check_bic` with the BIC of the IBAN's bank (``expected``; None: no Belgian IBAN
    or a bank without one)."""
    try:
        code = bic.validate(value)
    except ValidationError:
        return (error("bic.invalid", value=value),)
    issues: list[Issue] = []
    if value != code:
        issues.append(warning("bic.written", code, value=value))
    if expected and code[:8] != expected[:8]:
        issues.append(warning("bic.bank_mismatch", expected, value=value, expected=expected))
    return tuple(issues)
