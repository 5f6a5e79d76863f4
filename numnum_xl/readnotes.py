"""Findings about how a file was read (``Table.info`` from :mod:`numnum_xl.readers`): a name
that does not match the content, a fallback code page, cells whose text the decoding may have
changed, stray cells far from the list. Nothing a reader did to the data goes unsaid.
"""

from __future__ import annotations

from numnum_xl.cells import column_index_of
from numnum_xl.findings import ERROR, WARNING, Finding
from numnum_xl.mapping import Mapping
from numnum_xl.table import Table

#: At most this many findings per kind of reading note (the rest is counted in the first).
MAX_PER_KIND = 50
_FORMATS = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "xls": "Excel"}


def _row(ref: str) -> int:
    return int("".join(ch for ch in ref if ch.isdigit()))


def _key(table: Table, mapping: Mapping, ref: str) -> str | None:
    """The field key of the column of cell ``ref`` (None when unmapped)."""
    index = column_index_of("".join(ch for ch in ref if ch.isalpha())) - table.first_col
    for key, indices in mapping.fields.items():
        if index in indices:
            return key
    return None


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


def reader_findings(table: Table, mapping: Mapping) -> list[Finding]:
    """The findings ``table.info`` calls for."""
    info = table.info
    out: list[Finding] = []
    ext = info.get("extension_mismatch")
    if ext:
        out.append(Finding(None, None, None, WARNING, "sheet.extension_mismatch",
                           {"value": ext, "kind": _FORMATS.get(table.fmt, table.fmt)}))
    if info.get("encoding_fallback"):
        out.append(Finding(None, None, None, WARNING, "sheet.encoding_fallback",
                           {"value": info["encoding_fallback"]}))
    for ref in info.get("far_cells", [])[:MAX_PER_KIND]:
        out.append(Finding(_row(ref), None, ref, WARNING, "sheet.far_cells", {"value": ref}))
    for ref in info.get("undecodable_cells", [])[:MAX_PER_KIND]:
        _, c = _cell_value(table, ref)
        key = _key(table, mapping, ref)
        out.append(Finding(_row(ref), key, ref, ERROR, "text.undecodable",
                           {"field": key, "value": _short(str(c))}))
    for ref, value in info.get("encoding_suspect_cells", [])[:MAX_PER_KIND]:
        key = _key(table, mapping, ref)
        out.append(Finding(_row(ref), key, ref, WARNING, "text.encoding_suspect",
                           {"field": key, "value": _short(value),
                            "encoding": info.get("encoding_fallback", "")}))
    for ref, value, fixed in info.get("mojibake_cells", [])[:MAX_PER_KIND]:
        key = _key(table, mapping, ref)
        out.append(Finding(_row(ref), key, ref, WARNING, "text.mojibake",
                           {"field": key, "value": _short(value)}, fixed))
    return out


def _cell_value(table: Table, ref: str) -> tuple[int, object]:
    """(data row index or -1, the cell's value) of ``ref``."""
    from bisect import bisect_left

    row = _row(ref)
    col = column_index_of("".join(ch for ch in ref if ch.isalpha())) - table.first_col
    i = bisect_left(table.row_numbers, row)
    if i < len(table.row_numbers) and table.row_numbers[i] == row \
            and 0 <= col < len(table.rows[i]):
        return i, table.rows[i][col]
    if row == table.header_row and 0 <= col < len(table.headers):
        return -1, table.headers[col]
    return -1, ""
