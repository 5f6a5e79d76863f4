"""The result of one rule: an :class:`Issue` (severity, code, parameters, suggestion).

``field`` names another column when the issue belongs there (a missing VAT country code is
reported on the ``vat_country_code`` cell even though the VAT check found it).

>>> error("vat.checksum", value="0123456789")  # doctest: +NORMALIZE_WHITESPACE
Issue(severity='error', code='vat.checksum', params={'value': '0123456789'},
      suggestion=None, field=None)
"""

from __future__ import annotations

from typing import Any, NamedTuple

from numnum_xl.findings import ERROR, WARNING


class Issue(NamedTuple):
    """One problem found by a rule."""

    severity: str
    code: str
    params: dict[str, Any]
    suggestion: Any = None
    field: str | None = None


def error(code: str, suggestion: Any = None, field: str | None = None, **params: Any) -> Issue:
    """An issue NumNum would reject, or that is certainly wrong."""
    return Issue(ERROR, code, params, suggestion, field)


def warning(code: str, suggestion: Any = None, field: str | None = None, **params: Any) -> Issue:
    """A suspicious or fixable issue."""
    return Issue(WARNING, code, params, suggestion, field)


NONE: tuple[Issue, ...] = ()
