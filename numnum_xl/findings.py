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

import sys
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from numnum_xl.cells import column_index_of, column_letter
from numnum_xl.messages import render

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


class Finding:
    """One problem in one cell (or, with ``column`` None, in one row or the whole sheet).

    Its attributes are ``row``, ``column``, ``cell``, ``severity``, ``code``, ``params`` and
    ``suggestion``; it is immutable, and equal to another finding with the same attributes
    (``params`` aside). A sheet of a million rows can carry millions of findings, so each is
    kept compactly: a cell on the finding's own row as its column number, ``params`` as a
    tuple against a shared key order (``params`` gives a new dict), short texts repeated
    across findings (the same restored VAT number on every row) as one object.

    >>> f = Finding(7, "vat_id", "AB7", ERROR, "vat.checksum", {"value": "0123"})
    >>> f.cell, f.params, f == Finding(7, "vat_id", "AB7", ERROR, "vat.checksum")
    ('AB7', {'value': '0123'}, True)
    >>> f
    Finding(row=7, column='vat_id', cell='AB7', severity='error', code='vat.checksum', \
params={'value': '0123'}, suggestion=None)
    >>> import pickle; pickle.loads(pickle.dumps(f)) == f
    True
    """

    __slots__ = ("_cell", "_params", "code", "column", "row", "severity", "suggestion")

    row: int | None
    column: str | None
    severity: str
    code: str
    suggestion: Any

    def __init__(self, row: int | None, column: str | None, cell: str | None, severity: str,
                 code: str, params: dict[str, Any] | None = None, suggestion: Any = None
                 ) -> None:
        _put(self, "row", row)
        _put(self, "column", column)
        _put(self, "_cell", _compact_cell(row, cell))
        _put(self, "severity", severity)
        _put(self, "code", code)
        if params:
            keys = tuple(params)
            _put(self, "_params", (_KEYS.get(keys) or _KEYS.setdefault(keys, keys),
                                   *[_intern(v) if v.__class__ is str else v
                                     for v in params.values()]))
        else:
            _put(self, "_params", None)
        _put(self, "suggestion", _intern(suggestion) if suggestion.__class__ is str
             else suggestion)

    @classmethod
    def _restored(cls, row: int | None, column: str | None, cell: Any, severity: str,
                  code: str, params: tuple | None, suggestion: Any) -> Finding:
        # texts repeated within one pickle (a worker's piece) arrive as one object already
        f = cls.__new__(cls)
        _put(f, "row", row)
        _put(f, "column", column)
        _put(f, "_cell", cell)
        _put(f, "severity", severity)
        _put(f, "code", code)
        _put(f, "suggestion", suggestion)
        if params is not None:
            keys = params[0]
            shared = _KEYS.get(keys) or _KEYS.setdefault(keys, keys)
            if shared is not keys:
                params = (shared, *params[1:])
        _put(f, "_params", params)
        return f

    def __reduce__(self):
        return Finding._restored, (self.row, self.column, self._cell, self.severity,
                                   self.code, self._params, self.suggestion)

    @property
    def cell(self) -> str | None:
        """The A1 address of the cell (None: the finding is about a row or the sheet)."""
        c = self._cell
        if c.__class__ is int:
            return column_letter(c) + str(self.row)
        return c

    @property
    def params(self) -> dict[str, Any]:
        """The values the message names (a new dict)."""
        p = self._params
        return dict(zip(p[0], p[1:], strict=True)) if p is not None else {}

    def __setattr__(self, name: str, value: Any) -> None:
        import dataclasses

        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    __delattr__ = __setattr__  # type: ignore[assignment]

    def _key(self) -> tuple:
        return (self.row, self.column, self.cell, self.severity, self.code, self.suggestion)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Finding(row={self.row!r}, column={self.column!r}, cell={self.cell!r}, "
                f"severity={self.severity!r}, code={self.code!r}, params={self.params!r}, "
                f"suggestion={self.suggestion!r})")

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


#: Key orders of ``params`` (one tuple per order). Texts in params and suggestions are
#: interned (``sys.intern``: one object per distinct text while findings hold it, dropped
#: with the last of them), so the same restored VAT number on every row is one object.
_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}
_COLUMNS: dict[str, int] = {}


def _compact_cell(row: int | None, cell: str | None) -> Any:
    """The column number when ``cell`` is on ``row`` (``"AB7"`` on row 7: 28), else ``cell``.

    >>> _compact_cell(7, "AB7"), _compact_cell(7, "B8"), _compact_cell(None, "B8")
    (28, 'B8', 'B8')
    """
    if cell.__class__ is not str or row.__class__ is not int:
        return cell
    digits = str(row)
    n = len(cell) - len(digits)
    if not (0 < n <= 3 and cell.endswith(digits)):
        return cell
    letters = cell[:n]
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters:
            k = ord(ch) - 64
            if not 1 <= k <= 26:
                return cell
            col = col * 26 + k
        _COLUMNS[letters] = col
    return col


_put = object.__setattr__
_intern = sys.intern


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
    c = f._cell
    col = c if c.__class__ is int else column_index_of(c) if c else 0
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
