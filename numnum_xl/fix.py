"""Safe fixes: the suggestions that only rewrite what the cell already says.

VAT numbers written with prefix or dots, country names and lower-case codes, spaces around
text, letter case of fixed values, IBAN/BIC layout, postcode layout, leading zeros Excel
dropped; the VAT number's country and the first and last name NumNum needs (a missing
column for them is added). Every change is listed; nothing else is touched.

>>> from numnum_xl.table import Table
>>> from numnum_xl.validate import validate_table
>>> t = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "vat_id", "vat_country_code"],
...           [["Bakkerij", "Janssen", "BE 0403.019.261", "belgië"]], [2])
>>> fixed, changes = fix_table(t)
>>> [(c.cell, c.old, c.new) for c in changes]
[('C2', 'BE 0403.019.261', '0403019261'), ('D2', 'belgië', 'BE')]
>>> validate_table(fixed).findings
[]
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from numnum_xl.cells import column_index_of
from numnum_xl.findings import Finding
from numnum_xl.mapping import Mapping, propose
from numnum_xl.table import Table

if TYPE_CHECKING:  # pragma: no cover
    from numnum_xl.validate import Report

#: code -> the field the suggestion is for (None: the finding's own column).
SAFE_FIXES: dict[str, str | None] = {
    "text.whitespace": None, "text.control_chars": None, "vat.written": None,
    "country.case": None, "country.name": None, "iban.written": None, "bic.written": None,
    "choice.written": None, "legal_form.written": None, "zip.written": None,
    "number.leading_zero_lost": None, "scheme_id.written": None,
    "iban.country_missing": "iban_country_code",
    # issue 10: the names NumNum needs and the VAT number's country (columns added if missing)
    "vat.country_missing": "vat_country_code",
    "person.first_name_missing": "first_name", "person.last_name_missing": "last_name",
    "person.name_in_last_name": "last_name", "company.last_name_missing": "last_name",
    "required.missing": "title",
}
#: The code of the change that adds a missing column (its header) to the copy.
COLUMN_ADDED = "column.added"
#: Codes that only describe the text around the value; another code's fix wins over them.
_LAYOUT = {"text.whitespace", "text.control_chars"}
MAX_PASSES = 3


@dataclass(frozen=True)
class Change:
    """One cell rewritten by a safe fix."""

    row: int
    column: str
    cell: str
    old: Any
    new: Any
    code: str


def safe_fixes(findings: list[Finding]) -> dict[str, Finding]:
    """The one fix to apply per cell: a value fix over a layout fix."""
    chosen: dict[str, Finding] = {}
    for f in findings:
        if f.code not in SAFE_FIXES or f.suggestion in (None, "") or f.cell is None:
            continue
        target = SAFE_FIXES[f.code]
        if target is not None and f.column != target:
            continue  # the column the fix is for is not in the sheet
        if f.cell not in chosen or chosen[f.cell].code in _LAYOUT:
            chosen[f.cell] = f
    return chosen


def missing_columns(findings: list[Finding], mapping: Mapping) -> list[str]:
    """Fields a safe fix would write that the sheet has no column for (catalogue order)."""
    from numnum_xl.validate import ADDABLE

    wanted = {f.column for f in findings
              if f.cell is None and f.code in SAFE_FIXES and f.suggestion not in (None, "")
              and f.column == SAFE_FIXES[f.code] and f.column not in mapping.fields}
    return [k for k in ADDABLE if k in wanted]


def add_columns(table: Table, mapping: Mapping, keys: list[str]
                ) -> tuple[Table, Mapping, list[Change]]:
    """A copy of ``table`` and ``mapping`` with an empty column per key after the last one,
    headed by the key (NumNum's sample-file name), and the header changes."""
    from numnum_xl.cells import cell_ref
    from numnum_xl.mapping import Column

    fixed = copy.copy(table)
    fixed.headers = list(table.headers)
    fixed.rows = [list(r) for r in table.rows]
    new_map = copy.deepcopy(mapping)
    changes = []
    for key in keys:
        index = len(fixed.headers)
        fixed.headers.append(key)
        for row in fixed.rows:
            row.extend([None] * (index + 1 - len(row)))
        new_map.columns.append(Column(index, key, key, "key"))
        new_map.fields[key] = [index]
        ref = cell_ref(table.header_row, table.first_col + index)
        changes.append(Change(table.header_row, key, ref, None, key, COLUMN_ADDED))
    return fixed, new_map, changes


def fix_table(table: Table, mapping: Mapping | None = None, *, with_mapping: bool = False
              ) -> tuple[Table, list[Change]] | tuple[Table, list[Change], Mapping]:
    """A copy of ``table`` with every safe fix applied, and the list of changes.

    A fix for a field the sheet has no column for (the VAT country code, first or last name)
    adds that column after the last one: its header is a change too. Then the mapping of the
    copy differs from ``mapping``; ``with_mapping`` also returns it (commands that validate
    the copy afterwards need it).
    """
    from numnum_xl.validate import validate_table

    mapping = mapping or propose(table.headers)
    fixed = copy.copy(table)
    fixed.rows = [list(r) for r in table.rows]
    row_index = {n: i for i, n in enumerate(table.row_numbers)}
    changes: dict[str, Change] = {}
    for _ in range(MAX_PASSES):
        findings = validate_table(fixed, mapping).findings
        extra = missing_columns(findings, mapping)
        if extra:
            fixed, mapping, added = add_columns(fixed, mapping, extra)
            changes.update((c.cell, c) for c in added)
            findings = validate_table(fixed, mapping).findings
        todo = safe_fixes(findings)
        if not todo:
            break
        for cell, f in todo.items():
            r, c = row_index[f.row], column_index_of(cell) - table.first_col
            old = table.rows[r][c] if c < len(table.rows[r]) else None
            fixed.rows[r][c] = f.suggestion
            changes[cell] = Change(f.row, f.column, cell, old, f.suggestion, f.code)
    ordered = sorted(changes.values(), key=lambda ch: (ch.row, len(ch.cell), ch.cell))
    if with_mapping:
        return fixed, ordered, mapping
    return fixed, ordered


def fixed_report(report: Report) -> tuple[Report, list[Change]]:
    """The validation of ``report``'s sheet after the safe fixes, and the fixes: what push
    sends and export writes instead of the cells as written (one verdict for all three)."""
    from numnum_xl.validate import validate_table

    fixed, changes, mapping = fix_table(report.table, report.mapping, with_mapping=True)
    if not changes:
        return report, []
    return validate_table(fixed, mapping), list(changes)
