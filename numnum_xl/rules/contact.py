"""Email addresses (email-validator, syntax only: no network) and websites (validators).

>>> check_email("info@bakkerijjanssen.be")
()
>>> [(i.code, i.params["reason"]) for i in check_email("info.bakkerij.be")]
[('email.invalid', 'no_at')]
>>> [i.code for i in check_email("a@x.be; b@x.be")]
['email.multiple']
>>> check_url("www.numnum.be"), check_url("https://numnum.be/klanten")
((), ())
>>> [i.code for i in check_url("numnum")]
['url.invalid']
"""

from __future__ import annotations

import re
from functools import lru_cache

import validators
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from numnum_xl.rules.base import Issue, error

_EMAIL_LIKE = re.compile(r"[^@\s;,]+@[^@\s;,]+")
#: The plainest addresses (ASCII, dot-separated atoms, a letters-only top-level domain),
#: which email-validator always accepts; anything else goes to email-validator itself.
#: tests/test_rules.py checks that the two agree.
_PLAIN_EMAIL = re.compile(
    r"(?=.{6,254}$)(?=[^@]{1,64}@)(?!.*@.*--)[a-z0-9_+\-]+(?:\.[a-z0-9_+\-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})", re.IGNORECASE)
_SPECIAL = frozenset(SPECIAL_USE_DOMAIN_NAMES)


def _reason(value: str) -> str:
    if "@" not in value:
        return "no_at"
    if value.count("@") > 1:
        return "many_at"
    if re.search(r"\s", value):
        return "space"
    domain = value.partition("@")[2]
    try:
        validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return "domain"
    return "local"


@lru_cache(maxsize=65536)
def check_email(value: str) -> tuple[Issue, ...]:
    """Issues with email address ``value`` (stripped, non-empty)."""
    plain = _PLAIN_EMAIL.fullmatch(value)
    if plain and plain.group(1).lower() not in _SPECIAL:
        return ()
    if len(_EMAIL_LIKE.findall(value)) > 1:
        return (error("email.multiple", value=value),)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return (error("email.invalid", value=value, reason=_reason(value)),)
    return ()


@lru_cache(maxsize=65536)
def check_url(value: str) -> tuple[Issue, ...]:
    """Issues with website ``value``: a URL (http/https) or a bare domain name."""
    url = value if re.match(r"(?i)https?://", value) else f"http://{value}"
    if " " in value or validators.url(url) is not True or "." not in url.split("//", 1)[1]:
        return (error("url.invalid", value=value),)
    return ()
