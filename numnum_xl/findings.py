"""Findings: what is wrong (or suspicious) in one cell, in a shape other tools rely on.

A finding names the real sheet row, the column's field key after mapping, the A1 cell, a
severity, a stable code, a message (Dutch by default; French and English available) and a
suggested value where one exists.

>>> f = Finding(row=5, column="vat_id", cell="E5", severity=ERROR, code="vat.checksum",
...             params={"value": "0123456789"})
>>> f.as_json()["message"]
'Btw-nummer 0123456789 is ongeldig (controlegetal klopt niet). Controleer het nummer.'
>>> f.as_json("en")["message"]
'VAT number 0123456789 is invalid (check digits do not match). Check the number.'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from numnum_xl.messages import render

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one cell (or, with ``column`` None, in one row or the whole sheet).

    Slotted: a sheet of a million rows can carry millions of findings."""

    row: int | None
    column: str | None
    cell: str | None
    severity: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    suggestion: Any = None

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang`` (nl, fr or en), with the fix where there is one."""
        return render(self.code, lang, self.params, self.suggestion)

    def as_json(self, lang: str = "nl") -> dict[str, Any]:
        """The finding in the ``--json`` contract's shape."""
        return {
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(lang),
            "suggestion": _jsonable(self.suggestion, lang),
        }


def _jsonable(value: Any, lang: str = "nl") -> Any:
    in_lang = getattr(value, "in_lang", None)
    if in_lang is not None:  # a messages.Localized value: the one of the message's language
        return in_lang(lang)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def summarize(findings: Iterable[Finding], data_rows: int) -> dict[str, Any]:
    """Counts for the summary: per severity, per code, rows affected."""
    findings = list(findings)
    by_sev = Counter(f.severity for f in findings)
    error_rows = {f.row for f in findings if f.severity == ERROR and f.row is not None}
    warn_rows = {f.row for f in findings if f.severity == WARNING and f.row is not None}
    return {
        "data_rows": data_rows,
        "errors": by_sev.get(ERROR, 0),
        "warnings": by_sev.get(WARNING, 0),
        "rows_with_errors": len(error_rows),
        "rows_with_warnings_only": len(warn_rows - error_rows),
        "clean_rows": max(data_rows - len(error_rows | warn_rows), 0),
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }


#: How many other rows a message names (the rest counted), and a group line of a summary.
OTHER_ROWS_SHOWN = 10
GROUP_ROWS_SHOWN = 50


def rows_text(rows: Sequence[int], *, skip: Collection[int] = (),
              shown: int = OTHER_ROWS_SHOWN) -> str:
    """Sorted sheet rows as a message names them: the first ``shown`` (``skip``: rows of
    ``rows`` to leave out), the rest counted - a group of 20,000 rows with one VAT number or
    one Extern ID must not write every row into every row's message.

    >>> rows_text([3, 5, 8]), rows_text(list(range(2, 30)), skip={2}, shown=3)
    ('3, 5, 8', '3, 4, 5, … +24')
    """
    head: list[int] = []
    for row in rows:
        if row in skip:
            continue
        if len(head) == shown:
            break
        head.append(row)
    rest = len(rows) - len(skip) - len(head)
    return ", ".join(map(str, head)) + (f", … +{rest}" if rest > 0 else "")


def sort_key(f: Finding) -> tuple:
    """Sheet order: row, then column position in the sheet (by cell), then code."""
    from numnum_xl.cells import column_index_of

    col = column_index_of(f.cell) if f.cell else 0
    return (f.row or 0, col, f.code)


def dump_json(findings: Iterable[Finding], lang: str, rest: dict[str, Any], stream: Any,
              **options: Any) -> None:
    """Write ``{"findings": [...], **rest}`` to ``stream`` exactly as ``json.dump(...,
    ensure_ascii=False, indent=1)`` would, one finding at a time: a million findings are never
    all held as JSON dicts at once.

    >>> import io, json
    >>> f = Finding(5, "vat_id", "E5", ERROR, "vat.checksum", {"value": "0123456789"})
    >>> out = io.StringIO()
    >>> dump_json([f, f], "en", {"summary": {"rows": 2}}, out)
    >>> out.getvalue() == json.dumps({"findings": [f.as_json("en")] * 2, "summary": {"rows": 2}},
    ...                              ensure_ascii=False, indent=1)
    True
    """
    import json

    def text(value: Any, indent: str) -> str:
        return json.dumps(value, ensure_ascii=False, indent=1, **options).replace(
            "\n", "\n" + indent)

    stream.write('{\n "findings": [')
    sep = "\n  "
    for f in findings:
        stream.write(sep + text(f.as_json(lang), "  "))
        sep = ",\n  "
    stream.write("]" if sep == "\n  " else "\n ]")
    for key, value in rest.items():
        stream.write(f",\n {json.dumps(key, ensure_ascii=False)}: {text(value, ' ')}")
    stream.write("\n}")
