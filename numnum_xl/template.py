"""NumNum's sample workbook ("voorbeeldbestand"), built from the field catalogue alone.

:func:`build_template` writes a workbook with two sheets:

``Klanten``
    Row 1 holds every field key of :data:`numnum_xl.catalogue.FIELDS`, in catalogue order: the
    column names NumNum recognises in its own sample file. Required columns are bold on an
    orange fill; every header carries a note (author ``NumNum``) with the Dutch label, the
    description, the allowed values and the French and English labels. Choice columns get a
    dropdown (data validation referring to a range on ``Waarden``), identifier columns are
    formatted as text (``@``) so Excel keeps leading zeros, the header row is frozen and the
    column widths come from ``Field.width``.

``Waarden``
    The allowed values the dropdowns refer to: legal forms (NumNum's own list first), every
    ISO 3166-1 alpha-2 country code with its Dutch name, and the small fixed lists (document
    language, VAT rate, ja/nee). The sheet is visible - users look up a code there, and the
    help page points to these lists - but protected (without password) so a stray keystroke
    cannot break the dropdowns.

The file is deterministic: fixed document dates and a zip rewritten with fixed entry times and
a stable entry order, so a rebuild with the same library versions gives the same bytes (the
committed ``template/numnum-voorbeeld.xlsx`` is checked against a fresh build by the tests).

:func:`apply_template_formats` puts the same dropdowns and text formats on any sheet (the
add-in's "new sheet from the template", an annotated copy), creating ``Waarden`` if needed.

>>> [name for name, _, _ in value_lists()]
['company_type', 'country', 'doc_language', 'vat_percentage', 'yesno']
>>> dropdown_list(FIELD_BY_KEY["address_country"])
'country'
>>> dropdown_list(FIELD_BY_KEY["title"]) is None
True
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from numnum_xl.annotate import make_note
from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS, LEGAL_FORMS, Field  # noqa: F401
from numnum_xl.cells import column_letter

DATA_SHEET = "Klanten"
VALUES_SHEET = "Waarden"
NOTE_AUTHOR = "NumNum"
#: Data validation and text formats cover these rows of the template.
FIRST_DATA_ROW = 2
LAST_DATA_ROW = 5000
#: The fixed date written as the workbook's created/modified time and as every zip entry time.
FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0)
TEXT_FORMAT = "@"

#: The help page's country list, shown first in the dropdown (then all others by code).
COMMON_COUNTRIES = ("BE", "NL", "FR", "DE", "LU", "GB", "ES", "IT", "AT", "CH")

REQUIRED_FILL = PatternFill("solid", fgColor="FFF4B183")
OPTIONAL_FILL = PatternFill("solid", fgColor="FFDDEBF7")
VALUES_HEADER_FILL = PatternFill("solid", fgColor="FFD9D9D9")


def dropdown_list(field: Field) -> str | None:
    """The name of the value list a field's dropdown uses, or ``None`` (free input)."""
    if field.kind == "legal_form":
        return "company_type"
    if field.kind == "country":
        return "country"
    if field.kind == "yesno":
        return "yesno"
    if field.allowed:
        return field.key
    return None


def _country_rows() -> list[tuple[str, str]]:
    import pycountry

    try:
        nl = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
        name = nl.gettext
    except OSError:  # pragma: no cover - pycountry ships the Dutch catalogue
        def name(text: str) -> str:
            return text
    by_code = {c.alpha_2: name(c.name) for c in pycountry.countries}
    order = [c for c in COMMON_COUNTRIES if c in by_code]
    order += sorted(set(by_code) - set(order))
    return [(code, by_code[code]) for code in order]


def _list_value(text: str) -> str | int:
    """Digits-only allowed values are numbers in Excel (a typed 21 must match the list)."""
    return int(text) if text.isdigit() else text


def value_lists() -> list[tuple[str, str, list[tuple[str | int, str | None]]]]:
    """The dropdown value lists, in the order their first column appears in the catalogue.

    Each is ``(name, title, [(value, description or None), ...])``.
    """
    lists: dict[str, tuple[str, str, list[tuple[str | int, str | None]]]] = {}
    for f in FIELDS:
        name = dropdown_list(f)
        if name is None or name in lists:
            continue
        users = [g for g in FIELDS if dropdown_list(g) == name]
        title = f"{users[0].label_nl} ({', '.join(g.key for g in users)})"
        if name == "company_type":
            values: list[tuple[str | int, str | None]] = [
                (lf.code, lf.name) for lf in LEGAL_FORMS]
        elif name == "country":
            title = f"Landcode ({', '.join(g.key for g in users)})"
            values = list(_country_rows())
        elif name == "yesno":
            title = f"ja/nee ({', '.join(g.key for g in users)})"
            values = [(v, None) for v in (f.allowed or ())]
        else:
            values = [(_list_value(v), None) for v in (f.allowed or ())]
        lists[name] = (name, title, values)
    return list(lists.values())


def _write_values_sheet(ws: Worksheet) -> dict[str, str]:
    """Fill ``ws`` with the value lists; returns list name -> absolute range reference."""
    refs: dict[str, str] = {}
    col = 1
    bold = Font(name="Calibri", size=11, bold=True)
    quoted = _quote_sheet(ws.title)
    for name, title, values in value_lists():
        has_names = any(desc for _, desc in values)
        head = ws.cell(row=1, column=col, value=title)
        head.font = bold
        head.fill = VALUES_HEADER_FILL
        width = max(len(title) + 2, 10)
        ws.column_dimensions[column_letter(col)].width = width if not has_names else 14
        if has_names:
            desc_head = ws.cell(row=1, column=col + 1, value="Naam")
            desc_head.font = bold
            desc_head.fill = VALUES_HEADER_FILL
            ws.column_dimensions[column_letter(col + 1)].width = 40
        for i, (value, desc) in enumerate(values, start=2):
            ws.cell(row=i, column=col, value=value)
            if has_names:
                ws.cell(row=i, column=col + 1, value=desc)
        letter = column_letter(col)
        refs[name] = f"{quoted}!${letter}$2:${letter}${len(values) + 1}"
        col += 3 if has_names else 2
    ws.freeze_panes = "A2"
    ws.protection.sheet = True
    return refs


def _quote_sheet(title: str) -> str:
    """A sheet name as formulas and links write it: always quoted, quotes doubled.

    >>> _quote_sheet("O'Brien")
    "'O''Brien'"
    """
    return "'" + title.replace("'", "''") + "'"


def header_note(field: Field) -> str:
    """The note on a header cell: Dutch label and description, allowed values, FR/EN labels.

    >>> print(header_note(FIELD_BY_KEY["doc_language"]))
    Documenttaal
    Taal voor documenten: nl, fr, en of de
    Toegelaten waarden: nl, fr, en, de
    FR: Langue des documents · EN: Document language
    """
    lines = [f"{field.label_nl} — Verplicht" if field.required else field.label_nl,
             field.description_nl]
    name = dropdown_list(field)
    if name == "company_type":
        seed = ", ".join(lf.code for lf in LEGAL_FORMS if lf.seed)
        lines.append(f"Toegelaten waarden: {seed} (en meer: zie blad {VALUES_SHEET})")
    elif name == "country":
        lines.append(f"Toegelaten waarden: landcode van 2 hoofdletters (BE, NL, FR, …): "
                     f"zie blad {VALUES_SHEET}")
    elif field.allowed:
        lines.append(f"Toegelaten waarden: {', '.join(field.allowed)}")
    if field.text_format:
        lines.append("Opgemaakt als tekst, zodat voorloopnullen blijven staan.")
    lines.append(f"FR: {field.label_fr} · EN: {field.label_en}")
    return "\n".join(lines)


def _validation(name: str, ref: str) -> DataValidation:
    if name == "company_type":
        # Warning, not stop: NumNum writes some forms in more than one way; the check says which.
        return DataValidation(
            type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
            errorStyle="warning", errorTitle="Vennootschapsvorm",
            error=f"Deze vennootschapsvorm staat niet in de lijst (blad {VALUES_SHEET}).")
    return DataValidation(
        type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
        errorStyle="stop", errorTitle="Ongeldige waarde",
        error=f"Kies een waarde uit de lijst (zie blad {VALUES_SHEET}).")


def _ensure_values_sheet(ws: Worksheet) -> dict[str, str]:
    """The workbook's values sheet (ours: refreshed; absent: created) and its list ranges.

    A user's own sheet that happens to be called ``Waarden`` is never touched: ours then gets
    the first free name among ``Waarden NumNum``, ``Waarden NumNum 2``, …
    """
    wb = ws.parent
    first_title = value_lists()[0][1]
    name, n = VALUES_SHEET, 1
    while name in wb.sheetnames and wb[name]["A1"].value != first_title:
        n += 1
        name = f"{VALUES_SHEET} NumNum" + (f" {n - 1}" if n > 2 else "")
    if name in wb.sheetnames:
        values = wb[name]
        for row in values.iter_rows():
            for cell in row:
                cell.value = None
    else:
        values = wb.create_sheet(name)
    return _write_values_sheet(values)


def apply_template_formats(ws: Worksheet, columns: dict[int, Field], first_row: int,
                           last_row: int) -> None:
    """Put the template's dropdowns and text formats on rows ``first_row..last_row`` of ``ws``.

    ``columns`` maps 1-based column indexes to catalogue fields. Dropdowns refer to the sheet
    ``Waarden`` of the same workbook, which is created (or refreshed) when a dropdown needs it.
    Text-format columns get number format ``@``: on the column itself (for cells not yet
    created) and on every existing cell in the range; existing values are not converted.
    Whole-number columns (``integer``) get a "whole number ≥ 0" validation.
    """
    if last_row < first_row:
        return
    needs = {name for f in columns.values() if (name := dropdown_list(f))}
    refs = _ensure_values_sheet(ws) if needs else {}
    validations: dict[str, DataValidation] = {}
    for col in sorted(columns):
        field = columns[col]
        letter = column_letter(col)
        rng = f"{letter}{first_row}:{letter}{last_row}"
        name = dropdown_list(field)
        if name is not None:
            if name not in validations:
                validations[name] = _validation(name, refs[name])
            validations[name].add(rng)
        elif field.kind == "integer":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                allow_blank=True, showErrorMessage=True, errorStyle="stop",
                                errorTitle=field.label_nl,
                                error="Vul een geheel getal in (bv. 14, 30, 60).")
            dv.add(rng)
            validations[f"_int_{col}"] = dv
        if field.text_format:
            _text_format(ws, col, first_row, last_row)
    for dv in validations.values():
        ws.add_data_validation(dv)


def _text_format(ws: Worksheet, col: int, first_row: int, last_row: int) -> None:
    ws.column_dimensions[column_letter(col)].number_format = TEXT_FORMAT
    cells = ws._cells  # only existing cells: never create empty ones
    for row in range(first_row, min(last_row, ws.max_row) + 1):
        cell = cells.get((row, col))
        if isinstance(cell, Cell):
            cell.number_format = TEXT_FORMAT


def write_header_row(ws: Worksheet, fields: Sequence[Any], texts: Sequence[str],
                     notes: Sequence[str]) -> None:
    """Row 1 of a template: one header per field (``texts``), required ones bold on their own
    fill, a note on each, the field's width (wider where the header needs it to be read in
    full, measured in Calibri by :mod:`numnum_xl.textfit`), and the header row frozen."""
    from numnum_xl.textfit import column_width_for

    bold = Font(name="Calibri", size=11, bold=True)
    center = Alignment(vertical="center")
    for col, (field, text, note) in enumerate(zip(fields, texts, notes, strict=True), start=1):
        cell = ws.cell(row=1, column=col, value=text)
        if field.required:
            cell.font = bold
        cell.fill = REQUIRED_FILL if field.required else OPTIONAL_FILL
        cell.alignment = center
        cell.comment = make_note(note)
        ws.column_dimensions[column_letter(col)].width = max(
            field.width, column_width_for([text], bold=field.required))
    ws.freeze_panes = "A2"


def build_workbook() -> Workbook:
    """The template as an openpyxl workbook (not yet saved)."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    write_header_row(ws, FIELDS, [f.key for f in FIELDS], [header_note(f) for f in FIELDS])
    apply_template_formats(ws, dict(enumerate(FIELDS, start=1)), FIRST_DATA_ROW, LAST_DATA_ROW)
    wb.active = 0
    props = wb.properties
    props.creator = NOTE_AUTHOR
    props.lastModifiedBy = NOTE_AUTHOR
    props.title = "NumNum voorbeeldbestand klanten"
    props.created = props.modified = FIXED_DATE
    return wb


def build_template(path: str | os.PathLike[str]) -> Path:
    """Write the sample workbook to ``path`` (overwriting it) and return the path.

    The bytes are the same on every run with the same library versions.
    """
    path = Path(path)
    wb = build_workbook()
    buf = io.BytesIO()
    wb.save(buf)
    wb.properties.modified = FIXED_DATE  # openpyxl stamps "now" while saving
    core = tostring(wb.properties.to_tree())
    data = normalize_zip(buf.getvalue(), {"docProps/core.xml": core})
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def normalize_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite an xlsx zip so equal content gives equal bytes.

    Every XML part is canonicalised (C14N 2.0, empty elements written ``<a/>``): openpyxl
    serialises differently with and without lxml, and this removes the difference. Entries get
    a fixed time; ``[Content_Types].xml`` comes first, then the others by name. ``replace``
    swaps the content of the named entries.
    """
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {name: replace.get(name, src.read(name)) for name in src.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in _entry_order(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, canonical_xml(name, members[name]), compresslevel=6)
    return out.getvalue()


_EMPTY_ELEMENT = re.compile(r"<([\w:.-]+)((?:\s+[^<>]*?)?)></\1>")
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def canonical_xml(name: str, data: bytes) -> bytes:
    """The canonical form of an XML part (other parts unchanged).

    >>> canonical_xml("x.xml", b'<a  z="1" b="2"><c /></a>').decode()
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\\n<a b="2" z="1"><c/></a>'
    """
    if not name.endswith((".xml", ".rels", ".vml")):
        return data
    text = _EMPTY_ELEMENT.sub(r"<\1\2/>", ET.canonicalize(data.decode("utf-8")))
    head = "" if name.endswith(".vml") else _XML_DECLARATION
    return (head + text).encode("utf-8")


def _entry_order(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
