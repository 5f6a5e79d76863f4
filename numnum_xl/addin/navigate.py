"""Fixing at the flagged cells, the way a spelling checker works.

* *Volgende fout* / *Vorige fout* (:func:`next_mark`, :func:`previous_mark`): select the next
  or previous marked cell of the active sheet after (before) the selected cell, in reading
  order (row, then column), wrapping round; its message goes on the status bar. The marked
  cells come from the state sheet, so nothing is read but that sheet and the selection.
* *Voorstel toepassen* (:func:`apply_suggestion`): the selected marked cells that have a
  suggestion get it (the sheet is validated again first, so the suggestion is that of the
  cell as it is now), one write per block of adjacent cells in a column; their marks go.

A cell the user corrects by hand keeps its mark until the next *Valideer*: marks are
decided by validating, never by watching edits.
"""

from __future__ import annotations

from typing import Any

from numnum_xl import sheetmarks as sm
from numnum_xl.addin import Stop
from numnum_xl.addin import excel as xl
from numnum_xl.findings import ERROR

#: Longest message on the status bar (Excel cuts at 255 characters).
STATUS_LENGTH = 250


def _marked_cells(book: Any) -> tuple[Any, Any, list[sm.StateRecord], list[sm.StateRecord]]:
    """(active data sheet, state sheet, its records on that sheet in reading order, all)."""
    sheet = xl.data_sheet(book)
    state, records = xl.read_state(book)
    name = sheet.name
    here = sorted((r for r in records if r.sheet == name),
                  key=lambda r: sm.sheet_order(r.cell))
    if not here:
        raise Stop(f"Op blad «{name}» staan geen markeringen van NumNum. Klik eerst op "
                   "Valideer.")
    return sheet, state, here, records


def _selected(book: Any, sheet: Any) -> tuple[int, int] | None:
    """The top-left cell of the selection when it is on ``sheet``."""
    try:
        sel = book.selection
        if sel is None or sel.sheet.name != sheet.name:
            return None
        return sel.row, sel.column
    except Exception:
        return None


def _message(rec: sm.StateRecord) -> str:
    ours = sm.ours_of(rec.written, rec.original).replace("\n", " · ")
    return ours[:STATUS_LENGTH]


def _go(book: Any, step: int) -> None:
    sheet, _, here, _ = _marked_cells(book)
    at = _selected(book, sheet)
    keys = [sm.sheet_order(r.cell) for r in here]
    wrapped = False
    if at is None:
        i = 0 if step > 0 else len(here) - 1
    elif step > 0:
        i = next((k for k, key in enumerate(keys) if key > at), None)
        if i is None:
            i, wrapped = 0, True
    else:
        i = next((k for k in range(len(keys) - 1, -1, -1) if keys[k] < at), None)
        if i is None:
            i, wrapped = len(here) - 1, True
    rec = here[i]
    sheet.range(rec.cell).select()
    where = " (weer van voren af)" if wrapped and step > 0 else \
        " (weer van achteren af)" if wrapped else ""
    xl.status(book.app, f"{i + 1}/{len(here)} {rec.cell}{where}: {_message(rec)}"
              [:STATUS_LENGTH])


def next_mark(book: Any) -> None:
    """nnNextMark: select the next marked cell; its message on the status bar."""
    _go(book, +1)


def previous_mark(book: Any) -> None:
    """nnPreviousMark: select the previous marked cell; its message on the status bar."""
    _go(book, -1)


def _areas(address: str) -> list[tuple[int, int, int, int]]:
    """The areas of a selection address (``$A$1:$B$3,$D$5``) as (r1, c1, r2, c2); whole
    columns and rows are bounded by Excel's limits."""
    out = []
    for part in address.replace("$", "").split(","):
        ends = part.split(":")
        corners = []
        for end in ends:
            if end.isdigit():  # a whole row
                corners.append((int(end), None))
            elif end.isalpha():  # a whole column
                corners.append((None, sm.parse_ref(end + "1")[1]))
            else:
                corners.append(sm.parse_ref(end))
        (r1, c1), (r2, c2) = corners[0], corners[-1]
        out.append((r1 or 1, c1 or 1, r2 or 1_048_576, c2 or 16_384))
    return out


def suggestions(findings: list[Any]) -> dict[str, Any]:
    """Cell → the one suggestion its findings make (errors first); a cell whose findings
    suggest different values gets none (the user decides)."""
    by_cell: dict[str, list[Any]] = {}
    for f in sorted(findings, key=lambda f: f.severity != ERROR):
        if f.cell and f.suggestion is not None:
            by_cell.setdefault(sm.normal_ref(f.cell), []).append(f.suggestion)
    return {ref: values[0] for ref, values in by_cell.items()
            if all(v == values[0] for v in values)}


def column_blocks(values: dict[str, Any]) -> list[tuple[int, int, int, list[Any]]]:
    """(column, first row, last row, values) per run of adjacent cells in a column.

    >>> column_blocks({"B2": 1, "B3": 2, "B5": 3, "C2": 4})
    [(2, 2, 3, [1, 2]), (2, 5, 5, [3]), (3, 2, 2, [4])]
    """
    cells = sorted((sm.parse_ref(ref)[::-1], v) for ref, v in values.items())
    blocks: list[tuple[int, int, int, list[Any]]] = []
    for (col, row), v in cells:
        if blocks and blocks[-1][0] == col and blocks[-1][2] == row - 1:
            c, r1, _, vals = blocks[-1]
            blocks[-1] = (c, r1, row, [*vals, v])
        else:
            blocks.append((col, row, row, [v]))
    return blocks


def apply_suggestion(book: Any) -> None:
    """nnApplySuggestion: the suggestion into each selected marked cell; their marks go."""
    from numnum_xl.addin import buttons

    sheet, state, here, records = _marked_cells(book)
    try:
        address = book.selection.address
    except Exception:
        address = ""
    areas = _areas(address) if address else []
    chosen = [r for r in here
              if any(r1 <= row <= r2 and c1 <= col <= c2
                     for row, col in [sm.parse_ref(r.cell)] for r1, c1, r2, c2 in areas)]
    if not chosen:
        raise Stop("Selecteer eerst een of meer gemarkeerde cellen (rood of oranje; «Volgende "
                   "fout» springt ernaartoe) en klik dan opnieuw op «Voorstel toepassen».")
    xl.ensure_writable(book, sheet, adds_sheets=False)
    lang = buttons._lang(buttons.workbook_settings(book))
    with xl.busy(book.app, "voorstellen zoeken…"):
        data = xl.read_sheet(book, sheet)
        report = buttons._validated(book, data, lang)
        proposal = suggestions(report.findings)
        todo = {r.cell: proposal[r.cell] for r in chosen if r.cell in proposal}
        if todo:
            as_text = [ref for ref, v in todo.items() if sm.needs_text_format(v)]
            for address_chunk in sm.address_chunks(as_text):
                sheet.range(address_chunk).number_format = "@"
            for col, r1, r2, vals in column_blocks(todo):
                target = sheet.range((r1, col)) if r1 == r2 else sheet.range((r1, col),
                                                                              (r2, col))
                target.value = vals[0] if r1 == r2 else [[v] for v in vals]
            done = [r for r in chosen if r.cell in todo]
            xl.restore_cells(sheet, done)
            gone = {(r.sheet, r.cell) for r in done}
            xl.write_state(book, state, [r for r in records if (r.sheet, r.cell) not in gone])
    if not todo:
        raise Stop(f"Voor {'deze cel' if len(chosen) == 1 else 'deze cellen'} heeft NumNum geen "
                   "voorstel: pas de waarde zelf aan (de uitleg staat in de notitie) en klik "
                   "op Valideer.")
    left = len(chosen) - len(todo)
    xl.status(book.app, f"{len(todo)} {'voorstel' if len(todo) == 1 else 'voorstellen'} "
                        f"toegepast" + (f"; {left} zonder voorstel (zelf aanpassen)"
                                        if left else "") + ". «Volgende fout» gaat verder.")
