"""Telephone, GSM and fax numbers, parsed with phonenumbers.

The region for numbers written without country code is the customer's country
(address_country), else Belgium.

>>> check("+32 9 223 45 67", "BE")
()
>>> check("09 223 45 67", "BE")
()
>>> [i.code for i in check("bel me", "BE")]
['phone.invalid']
>>> [i.code for i in check("+32 9 12", "BE")]
['phone.invalid']
>>> [i.code for i in check("+32 9 123 45 67", "BE")]  # NumNum's sample: no such Gent number
['phone.unlikely']
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from numnum_xl.rules.base import Issue, error, warning


def parse(value: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The parsed number, or None when it is not a phone number at all."""
    try:
        return phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None


def international(value: str, region: str) -> str | None:
    """The number in international format (+32 9 123 45 67), or None."""
    number = parse(value, region)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=65536)
def check(value: str, region: str) -> tuple[Issue, ...]:
    """Issues with phone number ``value`` (stripped, non-empty) for default ``region``."""
    number = parse(value, region)
    if number is None or not phonenumbers.is_possible_number(number):
        return (error("phone.invalid", value=value),)
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region
        return (warning("phone.unlikely", value=value, country=where),)
    return ()
