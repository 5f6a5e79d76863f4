"""Peppol and identification schemes (ISO 6523 ICD / Peppol EAS codes) and their identifiers.

The identifier is checked with the python-stdnum module the catalogue names for its scheme.

>>> check_scheme("0208")
()
>>> [i.code for i in check_scheme("BE:EN")]
['scheme.unknown']
>>> check_id("0403019261", "0208")
()
>>> [i.code for i in check_id("0123456789", "0208")]
['scheme_id.invalid']
>>> [(i.code, i.suggestion) for i in check_id("0208:0403019261", "0208")]
[('scheme_id.written', '0403019261')]
>>> check_id("BE0403019261", "9925")
()

Schemes the Peppol code list deprecated warn, removed ones are errors, each with the code to
use instead (only for the Peppol scheme column: the identification scheme is an ISO 6523 code,
whose list is another one):

>>> [(i.severity, i.code, i.suggestion) for i in check_scheme("0037", peppol=True)]
[('error', 'scheme.removed', '0216')]
>>> [(i.severity, i.suggestion) for i in check_scheme("0193", True, today="2026-03-01")]
[('warning', '0208')]
>>> [(i.severity, i.suggestion) for i in check_scheme("0193", True, today="2026-07-08")]
[('error', '0208')]
>>> check_scheme("0037")
()

A Belgian company reachable only under 9925 gets 0208 with its enterprise number:

>>> [(i.code, i.suggestion, i.params["number"]) for i in check_receiving("9925", "BE0403019261")]
[('scheme.be_9925_only', '0208', '0403019261')]
>>> check_receiving("0208", "0403019261")
()
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from functools import lru_cache
from types import ModuleType

from stdnum.exceptions import ValidationError

from numnum_xl.catalogue import SCHEME_BY_CODE, Scheme
from numnum_xl.rules.base import Issue, error, warning


@lru_cache(maxsize=64)
def _module(name: str) -> ModuleType:
    return importlib.import_module(f"stdnum.{name}")


def check_scheme(value: str, peppol: bool = False, today: str | None = None
                 ) -> tuple[Issue, ...]:
    """Issues with a scheme code: 4 digits, one the catalogue knows (else a warning); with
    ``peppol`` (the Peppol scheme column) also deprecated (warning) and removed (error) codes
    of the Peppol list. ``today`` (ISO date) decides whether a removal date has passed."""
    return _check_scheme(value, peppol, today or dt.date.today().isoformat())


@lru_cache(maxsize=4096)
def _check_scheme(value: str, peppol: bool, today: str) -> tuple[Issue, ...]:
    known = SCHEME_BY_CODE.get(value)
    if known is not None:
        if not peppol or known.state == "active":
            return ()
        removed = known.state == "removed" or (known.removal is not None
                                              and known.removal <= today)
        params = {"value": value, "scheme_name": known.name, "date": known.removal or "",
                  "replacement": known.replacement or "",
                  "replacement_name": SCHEME_BY_CODE[known.replacement].name
                  if known.replacement in SCHEME_BY_CODE else ""}
        if removed:
            return (error("scheme.removed", known.replacement, **params),)
        return (warning("scheme.deprecated", known.replacement, **params),)
    if re.fullmatch(r"\d{4}", value):
        return (warning("scheme.unknown", value=value),)
    return (error("scheme.unknown", "0208" if "BE" in value.upper() else None, value=value),)


@lru_cache(maxsize=1024)
def canonical(value: str, scheme: Scheme) -> str:
    """The identifier without a leading "SCHEME:" and, for plain-number schemes, compacted
    (remembered for the last values: the identifier's rule and the Peppol-vs-VAT comparison
    of one row both ask it)."""
    text = re.sub(rf"^(?:iso6523-actorid-upis::)?{scheme.code}\s*:\s*", "", value.strip(),
                  flags=re.IGNORECASE)
    if scheme.stdnum is None:
        return text
    number = _module(scheme.stdnum).compact(text)
    if scheme.prefix and number.upper().startswith(scheme.prefix):
        number = number[len(scheme.prefix):]
    return number


@lru_cache(maxsize=65536)
def check_id(value: str, scheme_code: str | None) -> tuple[Issue, ...]:
    """Issues with identifier ``value`` under ``scheme_code`` (None: the scheme is empty)."""
    scheme = SCHEME_BY_CODE.get(scheme_code or "")
    if scheme_code is None:
        return (error("scheme_id.scheme_missing", None, value=value),)
    if scheme is None:
        return ()  # an unknown scheme is reported on the scheme cell; nothing to check here
    number = canonical(value, scheme)
    if scheme.stdnum is not None:
        try:
            _module(scheme.stdnum).validate(number)
        except ValidationError:
            return (error("scheme_id.invalid", value=value, scheme=scheme.code,
                          scheme_name=scheme.name),)
    written = value.upper().removeprefix(scheme.prefix) if scheme.prefix else value
    if written != number:
        return (warning("scheme_id.written", number, value=value),)
    return ()


@lru_cache(maxsize=4096)
def check_receiving(scheme_code: str, endpoint: str | None) -> tuple[Issue, ...]:
    """Issues with how a customer receives Peppol invoices: a Belgian company addressed only
    by its VAT number (9925) should be addressed by 0208 + its enterprise number, the
    identifier Belgian senders use (the same ten digits)."""
    if scheme_code != "9925" or not endpoint:
        return ()
    number = canonical(endpoint, SCHEME_BY_CODE["9925"])
    if not _module("be.vat").is_valid(number):
        return ()
    return (warning("scheme.be_9925_only", "0208", number=number),)
