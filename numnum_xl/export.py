"""A clean customer list in NumNum's own import layout, for NumNum's import dialog.

NumNum's contacts API is not public; its import dialog takes an XLSX and recognises the
columns of its sample file by their keys. :func:`export_data` turns a validated sheet into
exactly that: the sample file's keys in the sample order (only the fields that hold data,
plus the two required ones), every value as validation reads it with the safe fixes of
``validate --fix`` applied (identifiers as text, so Excel keeps leading zeros), and only the
rows without errors - the others are listed with their reasons (``all_rows`` writes them too).
:func:`write_workbook` writes it: sheet ``Klanten`` and a second sheet with the rows held back.

>>> from numnum_xl.table import Table
>>> from numnum_xl.validate import validate_table
>>> t = Table("x.csv", "", "csv", 1, 1, ["Naam", "BTW-nummer", "Postcode"],
...           [["Bakkerij Janssen BV", "BE 0403.019.261", 9000],
...            ["Dhr. Luc Maes", None, "B-9000"], ["Acme NV", "0123456789", None]], [2, 3, 4])
>>> data = export_data(validate_table(t))
>>> data.headers
['title', 'last_name', 'first_name', 'vat_id', 'vat_country_code', 'address_zip']
>>> data.rows  # doctest: +NORMALIZE_WHITESPACE
[['Bakkerij Janssen BV', 'Bakkerij Janssen BV', None, '0403019261', 'BE', '9000'],
 ['Dhr. Luc Maes', 'Maes', 'Luc', None, None, '9000']]
>>> data.held_back[0][0]
4
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS

if TYPE_CHECKING:  # pragma: no cover
    from numnum_xl.fix import Change
    from numnum_xl.validate import Report

#: The sheet NumNum's import reads (the first) and the sheet listing the rows held back.
DATA_SHEET = "Klanten"
HELD_SHEET = {"nl": "Niet geëxporteerd", "fr": "Non exportées", "en": "Not exported"}
_WORDS = {
    "nl": ("Rij", "Reden", "en nog {n} fout(en)"),
    "fr": ("Ligne", "Raison", "et encore {n} erreur(s)"),
    "en": ("Row", "Reason", "and {n} more error(s)"),
}
#: Fields always written, also when empty: NumNum's required columns.
ALWAYS = tuple(f.key for f in FIELDS if f.required)
TEXT_FIELDS = frozenset(f.key for f in FIELDS if f.text_format)


@dataclass
class ExportData:
    """What the export workbook holds (see the module doc)."""

    #: NumNum sample-file keys, in sample order
    headers: list[str]
    #: one list per exported row, in ``headers`` order; identifiers as text
    rows: list[list[Any]]
    #: (real sheet row, the reasons in ``lang``) of every row with errors
    held_back: list[tuple[int, str]]
    #: the sheet row of each exported row
    row_numbers: list[int] = field(default_factory=list)
    #: the safe fixes applied (cells of the source sheet, or of columns added to it)
    changes: list[Change] = field(default_factory=list)


def _cell_value(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in TEXT_FIELDS or FIELD_BY_KEY[key].kind in ("text", "country", "email", "url",
                                                         "legal_form"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    return value


def export_data(report: Report, *, all_rows: bool = False, lang: str = "nl") -> ExportData:
    """The rows of ``report`` in NumNum's import layout, safe fixes applied.

    ``report`` is the validation of the sheet as it is; the safe fixes are applied here and
    the copy validated again, so the verdict per row is the one ``validate --fix`` shows.
    """
    from numnum_xl.fix import fixed_report

    clean, changes = fixed_report(report)
    bad = clean.rows_with_errors()
    reasons = clean.row_reasons(lang, 3, _WORDS.get(lang, _WORDS["nl"])[2])
    numbers = clean.table.row_numbers
    chosen = [i for i, n in enumerate(numbers) if all_rows or n not in bad]
    headers = [f.key for f in FIELDS
               if f.key in ALWAYS or any(clean.values[i].get(f.key) is not None
                                         for i in chosen)]
    rows = [[_cell_value(k, clean.values[i].get(k)) for k in headers] for i in chosen]
    held = [(n, reasons.get(n, "")) for n in numbers if n in bad]
    return ExportData(headers, rows, held, [numbers[i] for i in chosen], list(changes))


def default_output(source: str | os.PathLike[str]) -> Path:
    """``NAME.voor-numnum.xlsx`` beside the source.

    >>> default_output("/data/klanten.csv").as_posix()
    '/data/klanten.voor-numnum.xlsx'
    """
    p = Path(source)
    return p.with_name(f"{p.stem}.voor-numnum.xlsx")


def write_workbook(data: ExportData, path: str | os.PathLike[str], lang: str = "nl") -> Path:
    """Write ``data`` as an .xlsx at ``path`` (atomically): sheet ``Klanten`` with the keys in
    row 1 and identifier columns formatted as text, and, when rows were held back, a second
    sheet listing them with their reasons. Text is never written as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    bold = Font(bold=True)
    for c, key in enumerate(data.headers, start=1):
        ws.cell(1, c, key).font = bold
        letter = ws.cell(1, c).column_letter
        ws.column_dimensions[letter].width = max(FIELD_BY_KEY[key].width, len(key) + 2)
    for r, values in enumerate(data.rows, start=2):
        for c, (key, value) in enumerate(zip(data.headers, values, strict=True), start=1):
            if value is None:
                continue
            cell = ws.cell(r, c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # "=..." stays text, never a formula
                if key in TEXT_FIELDS:
                    cell.number_format = "@"
    ws.freeze_panes = "A2"
    if data.held_back:
        w = _WORDS.get(lang, _WORDS["nl"])
        held = wb.create_sheet(HELD_SHEET.get(lang, HELD_SHEET["nl"]))
        held.append([w[0], w[1]])
        for c in (1, 2):
            held.cell(1, c).font = bold
        held.column_dimensions["A"].width = 8
        held.column_dimensions["B"].width = 120
        for row, reason in data.held_back:
            held.append([row, reason])
            held.cell(held.max_row, 2).data_type = "s"
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.xlsx")
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
