"""The sales-entry template workbook ("sjabloon"), built from the entry schema alone.

Sheet ``Verkoopboekingen`` holds one header per :data:`~numnum_xl.exact.schema.ENTRY_FIELDS`
column, in schema order: required columns bold on orange, invoice-header columns (the same on
every line of one invoice) marked in their note, each note giving the description, the Exact
field, an example and the French and English labels. Codes are text-formatted (Excel keeps
leading zeros), whole-number columns get a "whole number" validation (both through
:func:`numnum_xl.template.apply_template_formats`), the date column shows ``dd-mm-yyyy`` and
the amount column two decimals. Sheet ``Uitleg`` lists the columns and how to set up the import
profile in Exact once. The file is deterministic, like NumNum's template.

>>> wb = build_workbook()
>>> wb.sheetnames
['Verkoopboekingen', 'Uitleg']
>>> [c.value for c in wb["Verkoopboekingen"][1]][:3]
['Factuurdatum', 'Omschrijving kopregel', 'Relatiecode']
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from numnum_xl.cells import column_letter
from numnum_xl.exact.schema import ENTRY_FIELDS, ExactField
from numnum_xl.template import (
    FIRST_DATA_ROW,
    FIXED_DATE,
    LAST_DATA_ROW,
    NOTE_AUTHOR,
    apply_template_formats,
    normalize_zip,
    write_header_row,
)

DATA_SHEET = "Verkoopboekingen"
HELP_SHEET = "Uitleg"
DATE_FORMAT = "dd-mm-yyyy"
AMOUNT_FORMAT = "#,##0.00"

#: How to set up the import profile in Exact Online once (after the import help page).
PROFILE_STEPS = (
    "Exact Online: klik op de naam van uw administratie > Import/Export > CSV/Excel.",
    "Onder Verkoopboekingen: Import. Kies Kommagescheiden waarde en upload het CSV-bestand "
    "van numnum-xl exact boekingen.",
    "Is iedere boeking te herkennen aan een specifiek karakter? Nee. Kies 'Aan een "
    "veranderende waarde' en daarbij de kolom Boekstuknummer (kolom {entry_col}).",
    "Koppel de kopvelden: Factuurdatum = Datum, Omschrijving kopregel = Omschrijving: "
    "Kopregel, Relatiecode, Boekstuknummer, Boekjaar, Periode.",
    "Koppel de regelvelden: Grootboekrekening, Omschrijving, Bedrag excl. btw = Bedrag, "
    "Btw-code.",
    "Notatie: datum dd-mm-jjjj, decimaalteken komma (of wat u bij --datum en --decimaal "
    "koos). Kies het dagboek (bv. 70), boekjaar en periode.",
    "Kies Importdefinitie opslaan en geef ze een naam; de volgende keer kiest u meteen dat "
    "profiel.",
)


def header_note(f: ExactField) -> str:
    """The note on a header cell.

    >>> from numnum_xl.exact.schema import ENTRY_BY_KEY
    >>> print(header_note(ENTRY_BY_KEY["entry_number"]))
    Boekstuknummer — Verplicht
    Factuurnummer zonder tekst (bv. 202400005)
    Kopgegevens: gelijk op alle regels van één factuur.
    Exact-veld: Boekstuknummer · voorbeeld: 202400005
    FR: Numéro de pièce · EN: Entry number
    """
    lines = [f"{f.header} — Verplicht" if f.required else f.header, f.description_nl]
    if f.level == "header":
        lines.append("Kopgegevens: gelijk op alle regels van één factuur.")
    if f.text_format:
        lines.append("Opgemaakt als tekst, zodat voorloopnullen blijven staan.")
    lines.append(f"Exact-veld: {f.exact}" + (f" · voorbeeld: {f.example}" if f.example else ""))
    lines.append(f"FR: {f.label_fr} · EN: {f.label_en}")
    return "\n".join(lines)


def _help_sheet(ws: Worksheet) -> None:
    from numnum_xl.textfit import lines_needed, row_height_for

    bold = Font(name="Calibri", size=11, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=1, column=1, value="Verkoopboekingen voor Exact Online").font = Font(
        name="Calibri", bold=True, size=14)
    ws.cell(row=2, column=1, value="Eén rij per factuurregel. Controleer met: numnum-xl exact "
                                   "controleer BESTAND; exporteer met: numnum-xl exact "
                                   "boekingen BESTAND UIT.csv")
    for c, title in enumerate(("Kolom", "Verplicht", "Niveau", "Exact-veld", "Voorbeeld",
                               "Uitleg"), start=1):
        ws.cell(row=4, column=c, value=title).font = bold
    for r, f in enumerate(ENTRY_FIELDS, start=5):
        values = (f.header, "ja" if f.required else "nee",
                  "factuur (kop)" if f.level == "header" else "regel", f.exact, f.example,
                  f.description_nl)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.number_format = "@"
            cell.alignment = wrap
        ws.row_dimensions[r].height = row_height_for(max(
            lines_needed(str(v), w) for v, w in zip(values, _HELP_WIDTHS, strict=True)))
    top = 6 + len(ENTRY_FIELDS)
    ws.cell(row=top, column=1, value="Importprofiel in Exact (één keer)").font = bold
    entry_col = next(i for i, f in enumerate(ENTRY_FIELDS, start=1) if f.key == "entry_number")
    for i, step in enumerate(PROFILE_STEPS, start=1):
        ws.cell(row=top + i, column=1, value=i)
        text = step.format(entry_col=entry_col)
        ws.cell(row=top + i, column=2, value=text).alignment = wrap
        ws.merge_cells(start_row=top + i, start_column=2, end_row=top + i, end_column=6)
        merged = sum(_HELP_WIDTHS[1:]) + len(_HELP_WIDTHS[1:]) - 1  # the gaps count too
        ws.row_dimensions[top + i].height = row_height_for(lines_needed(text, merged))
    for letter, width in zip("ABCDEF", _HELP_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=False, vertical="top")


#: Column widths of the help sheet (characters); long texts wrap in them.
_HELP_WIDTHS = (24, 10, 14, 24, 24, 60)


def build_workbook() -> Workbook:
    """The template as an openpyxl workbook (not yet saved)."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    write_header_row(ws, ENTRY_FIELDS, [f.header for f in ENTRY_FIELDS],
                     [header_note(f) for f in ENTRY_FIELDS])
    for col, f in enumerate(ENTRY_FIELDS, start=1):
        formats = {"date": DATE_FORMAT, "amount": AMOUNT_FORMAT}
        if f.kind in formats:
            ws.column_dimensions[column_letter(col)].number_format = formats[f.kind]
    apply_template_formats(ws, {c: f.template_field() for c, f in enumerate(ENTRY_FIELDS, 1)},
                           FIRST_DATA_ROW, LAST_DATA_ROW)
    _help_sheet(wb.create_sheet(HELP_SHEET))
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = NOTE_AUTHOR
    props.title = "Verkoopboekingen voor Exact Online"
    props.created = props.modified = FIXED_DATE
    return wb


def build_template(path: str | os.PathLike[str]) -> Path:
    """Write the template to ``path`` (overwriting it); the same bytes on every run."""
    path = Path(path)
    wb = build_workbook()
    buf = io.BytesIO()
    wb.save(buf)
    wb.properties.modified = FIXED_DATE  # openpyxl stamps "now" while saving
    data = normalize_zip(buf.getvalue(), {"docProps/core.xml": tostring(wb.properties.to_tree())})
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
