"""The shape of a customer sheet, worked out on the :class:`~numnum_xl.table.Table` after
reading: which row is the header, which sheet of a workbook is the customer list, and whether
there is a header row at all.

- The header is the first row that maps: title lines above it ("Klantenlijst 2024") are
  skipped and reported (``sheet.title_rows``).
- Without ``--sheet``, in a workbook with several sheets, the sheet that looks most like a
  customer list is chosen and the choice is reported (``sheet.chosen``).
- A first row that holds data (e-mail addresses, VAT numbers, phone numbers) and no header
  gets ``sheet.no_header_row``, which points to ``numnum-xl header``.

Findings go into ``table.info["shape_findings"]`` (validation reports them), one-line notes
in Dutch into ``table.info["shape_notes"]`` (``map`` prints them).

>>> header_score(["Klantenlijst 2024", "", ""]), header_score(["Bedrijfsnaam", "BTW", "Plaats"])
(0, 3)
>>> from numnum_xl.table import Table
>>> t = Table("x.xlsx", "Blad1", "xlsx", 1, 1, ["Klantenlijst 2024", "", ""],
...           [["Bedrijfsnaam", "BTW", "Plaats"], ["Bakkerij", "BE0403019261", "Gent"]], [3, 4])
>>> s = find_header(t)
>>> s.header_row, s.headers, s.row_numbers, [f.code for f in s.info["shape_findings"]]
(3, ['Bedrijfsnaam', 'BTW', 'Plaats'], [4], ['sheet.title_rows'])
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from numnum_xl.colvalues import DISTINCTIVE, kinds_of
from numnum_xl.findings import ERROR, WARNING, Finding
from numnum_xl.headerwords import read
from numnum_xl.table import Table

#: Rows below the first non-empty one that may still be the header (title lines above it).
LOOK_AHEAD = 10
#: Recognised cells a row needs to be taken as the header.
MIN_HEADER = 2


def _text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def header_score(cells: list[Any]) -> int:
    """How many cells of a row read as a header of a NumNum field (by name or by words)."""
    from numnum_xl.mapping import aliases, normalise

    n = 0
    for v in cells:
        text = _text(v)
        if not text:
            continue
        if normalise(text) in aliases():
            n += 1
            continue
        r = read(text)
        if r.foreign or (r.role == "secondary" and r.fields):
            n += 1  # a column of a header row all the same ("Job Title", "Home Phone")
        elif (r.fields or r.part) and r.complete:
            n += 1
    return n


def _data_cells(cells: list[Any]) -> int:
    """Cells that are plainly data: e-mail, VAT, IBAN, phone numbers, numbers, dates."""
    n = 0
    for v in cells:
        if v is None or v == "":
            continue
        if not isinstance(v, str):
            n += 1
            continue
        kinds = kinds_of(v)
        if kinds & (set(DISTINCTIVE) - {"country", "language", "legal_form"}) or \
                kinds & {"date", "integer", "decimal", "phone"}:
            n += 1
    return n


def find_header(table: Table) -> Table:
    """``table`` with its header on the first row that maps (a copy when it moves)."""
    if not table.headers:
        return table
    findings: list[Finding] = []
    notes: list[str] = []
    if header_score(table.headers) < MIN_HEADER:
        for k, row in enumerate(table.rows[:LOOK_AHEAD]):
            if header_score(row) >= MIN_HEADER and header_score(row) > header_score(
                    table.headers):
                skipped = [table.header_row, *table.row_numbers[:k]]
                title = next((_text(c) for c in table.headers if _text(c)), "")
                table = dataclasses.replace(
                    table, headers=[_text(c) if isinstance(c, str) else
                                    ("" if c is None else str(c)) for c in row],
                    rows=table.rows[k + 1:], row_numbers=table.row_numbers[k + 1:],
                    header_row=table.row_numbers[k], info=dict(table.info))
                shown = ", ".join(map(str, skipped))
                findings.append(Finding(table.header_row, None, None, WARNING,
                                        "sheet.title_rows",
                                        {"value": shown, "row": table.header_row,
                                         "title": title}))
                notes.append(f"Kopregel gevonden op rij {table.header_row}; rij(en) {shown} "
                             f"erboven overgeslagen" + (f" («{title}»)." if title else "."))
                break
        else:
            if _data_cells(table.headers) >= 2:
                shown = next((_text(c) or str(c) for c in table.headers
                              if c not in (None, "")), "")
                findings.append(Finding(table.header_row, None, table.header_cell(0), ERROR,
                                        "sheet.no_header_row", {"value": shown}))
                notes.append(f"Rij {table.header_row} lijkt gegevens, geen kopregel: zet "
                             f"NumNum's kopregel erboven met «numnum-xl header».")
    if findings:
        table.info = dict(table.info)
        table.info["shape_findings"] = table.info.get("shape_findings", []) + findings
        table.info["shape_notes"] = table.info.get("shape_notes", []) + notes
    return table


def read_customer_table(path: str | os.PathLike[str], sheet: str | None = None) -> Table:
    """Read ``path`` like :func:`~numnum_xl.readers.read_table`, then: without ``sheet``, in a
    workbook with several sheets, take the one that looks most like a customer list (said in
    a finding); put the header on the first row that maps."""
    from numnum_xl.readers import list_sheets, read_table

    table = find_header(read_table(path, sheet))
    if sheet is not None or header_score(table.headers) >= 3:
        return table
    names = list_sheets(path)
    if len(names) < 2:
        return table
    best, best_score = table, header_score(table.headers) if table.rows else -1
    for name in names:
        if name == table.sheet:
            continue
        try:
            other = find_header(read_table(path, name))
        except Exception:  # a sheet that cannot be read is simply not the customer list
            continue
        score = header_score(other.headers) if other.rows else -1
        if score > best_score:
            best, best_score = other, score
    if best is not table:
        best.info = dict(best.info)
        best.info["shape_findings"] = [*best.info.get("shape_findings", []), Finding(
            best.header_row, None, None, WARNING, "sheet.chosen",
            {"value": best.sheet, "count": best_score})]
        best.info["shape_notes"] = [*best.info.get("shape_notes", []),
                                    f"Blad «{best.sheet}» gekozen: het lijkt het meest op een "
                                    f"klantenlijst ({best_score} herkende kolommen); een ander "
                                    f"blad kiest u met --sheet."]
    return best
