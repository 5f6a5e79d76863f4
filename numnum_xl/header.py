"""Insert NumNum's sample header row above the data (CLI ``header`` and the ribbon button).

Two cases, decided by what the first non-empty row holds:

- it is a header NumNum can map (keys, labels, synonyms): each mapped header cell is renamed
  to NumNum's sample-file key, the others stay as they are;
- it is data (nothing maps): a new row with the sample-file keys, in the sample file's order,
  is put above it (in the empty row above the data when there is one, else inserted).

>>> plan(["Bedrijfsnaam", "BTW nr", "Kleur"]).action, plan(["Bedrijfsnaam", "BTW nr"]).names
('rename', {0: 'title', 1: 'vat_id'})
>>> p = plan(["Bakkerij Janssen BV", "Janssen", "0403019261"])
>>> p.action, p.names
('insert', {0: 'title', 1: 'last_name', 2: 'first_name'})
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from numnum_xl.catalogue import KEYS
from numnum_xl.mapping import Mapping, propose
from numnum_xl.table import ReadError, Table

#: How a header cell must be recognised for the row to count as a header (not fuzzy).
_SURE = {"key", "label", "synonym", "ambiguous", "profile", "words"}


@dataclass
class HeaderPlan:
    """What to write: ``rename`` header cells, or ``insert`` a header row; column -> key."""

    action: str
    names: dict[int, str]
    unmapped: list[int] = field(default_factory=list)


def plan(headers: list[str], mapping: Mapping | None = None) -> HeaderPlan:
    """The plan for a sheet whose first non-empty row is ``headers``."""
    mapping = mapping or propose(headers)
    if any(c.how in _SURE for c in mapping.columns):
        names = {idx[0]: k for k, idx in mapping.fields.items()
                 if len(idx) == 1 and mapping.keys_of(idx[0]) == [k]}
        return HeaderPlan("rename", dict(sorted(names.items())), mapping.unmapped)
    return HeaderPlan("insert", {i: KEYS[i] for i in range(min(len(headers), len(KEYS)))})


@dataclass
class HeaderResult:
    """What :func:`write_header` did."""

    out_path: Path
    plan: HeaderPlan
    row: int  #: the sheet row that holds the header now
    backup_path: Path | None = None
    notices: list[str] = field(default_factory=list)


def default_output(path: str | os.PathLike[str]) -> Path:
    """``NAME.kopregel.xlsx`` (or ``.csv`` for a CSV source) beside ``path``."""
    p = Path(path)
    suffix = p.suffix.lower() if p.suffix.lower() in (".xlsx", ".xlsm", ".csv") else ".xlsx"
    return p.with_name(f"{p.stem}.kopregel{suffix}")


def write_header(source: str | os.PathLike[str], table: Table, mapping: Mapping | None = None,
                 out_path: str | os.PathLike[str] | None = None, *,
                 in_place: bool = False) -> HeaderResult:
    """Write a copy of ``source`` (or, ``in_place``, the file itself after a backup) with
    NumNum's header row."""
    from numnum_xl.annotate import _backup, _same_file

    src = Path(source)
    if not table.headers:
        raise ReadError(f"{src.name} is leeg: er is geen rij om een kopregel boven te zetten.")
    the_plan = plan(table.headers, mapping)
    out = src if in_place else Path(out_path) if out_path else default_output(src)
    if not in_place and _same_file(out, src):
        raise ReadError(f"Het uitvoerbestand is het bronbestand {src.name}: kies een ander "
                        f"uitvoerbestand of gebruik --in-place.")
    backup = _backup(src) if in_place else None
    if table.fmt == "csv" and out.suffix.lower() == ".csv":
        row = _write_csv(src, table, the_plan, out)
        return HeaderResult(out, the_plan, row, backup)
    row, notices = _write_book(src, table, the_plan, out)
    return HeaderResult(out, the_plan, row, backup, notices)


def _write_book(src: Path, table: Table, the_plan: HeaderPlan, out: Path
                ) -> tuple[int, list[str]]:
    from numnum_xl.annotate import (
        _MACRO_SUFFIXES,
        _load,
        _save_atomic,
        _workbook_from_table,
        dropped_parts,
    )

    notices: list[str] = []
    if table.fmt == "xlsx":
        lost = dropped_parts(src)
        if lost and out == src:
            raise ReadError(f"{src.name} bevat {', '.join(lost)}; die zouden verloren gaan. "
                            f"Schrijf naar een kopie (zonder --in-place).")
        wb = _load(src, keep_vba=src.suffix.lower() in _MACRO_SUFFIXES
                   and out.suffix.lower() in _MACRO_SUFFIXES)
        ws = wb[table.sheet]
    else:
        wb, ws = _workbook_from_table(table, src)
    row = table.header_row
    if the_plan.action == "insert":
        above = row - 1
        free = above >= 1 and all(
            ws.cell(above, table.first_col + i).value in (None, "")
            for i in range(len(table.headers)))
        if free:
            row = above
        else:
            if ws.merged_cells.ranges or ws.conditional_formatting or ws.data_validations.count:
                notices.append("Let op: samengevoegde cellen, voorwaardelijke opmaak en "
                               "keuzelijsten schuiven niet mee met de ingevoegde rij; "
                               "controleer ze.")
            ws.insert_rows(row)
    for i, key in the_plan.names.items():
        ws.cell(row, table.first_col + i).value = key
    _save_atomic(wb, out)
    return row, notices


def _write_csv(src: Path, table: Table, the_plan: HeaderPlan, out: Path) -> int:
    encoding = table.info.get("encoding", "utf-8-sig")
    delimiter = table.info.get("delimiter", ";")
    with open(src, encoding=encoding, newline="") as fh:
        lines = list(csv.reader(fh, delimiter=delimiter))
    at = table.header_row - 1
    first = table.first_col - 1
    if the_plan.action == "insert":
        lines.insert(at, [""] * first + [the_plan.names.get(i, "")
                                         for i in range(len(table.headers))])
    else:
        header = lines[at] + [""] * (first + len(table.headers) - len(lines[at]))
        for i, key in the_plan.names.items():
            header[first + i] = key
        lines[at] = header
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\r\n").writerows(lines)
    os.replace(tmp, out)
    return table.header_row
