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
"""

from __future__ import annotations

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


@lru_cache(maxsize=4096)
def check_scheme(value: str) -> tuple[Issue, ...]:
    """Issues with a scheme code: 4 digits, one the catalogue knows (else a warning)."""
    if value in SCHEME_BY_CODE:
        return ()
    if re.fullmatch(r"\d{4}", value):
        return (warning("scheme.unknown", value=value),)
    return (error("scheme.unknown", "0208" if "BE" in value.upper() else None, value=value),)


def canonical(value: str, scheme: Scheme) -> str:
    """The identifier without a leading "SCHEME:" and, for plain-number schemes, compacted."""
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
