"""Marks taken out with openpyxl: for a marked workbook saved by Excel (or the add-in) since.

:mod:`numnum_xl.xlsxpatch.mark` undoes its own marks exactly while the parts are as it wrote
them. Once Excel has saved the workbook, style ids and strings are renumbered; then the marks
are found by content (our fills, our note text) and taken out here, with openpyxl - which
drops what it does not model (reported by :func:`dropped_parts`, and refused in place).
"""

from __future__ import annotations

import json
import os
import re
import warnings
import zipfile
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fills import Fill
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import fromstring, tostring

from numnum_xl.annotate import (
    DUPLICATE,
    DUPLICATE_RGB,
    ERROR_RGB,
    FIXED_RGB,
    NOTE_SEPARATOR,
    STATE_SHEET,
    WARNING_RGB,
)
from numnum_xl.findings import ERROR, WARNING
from numnum_xl.table import ReadError

_STATE_HEADER = ("sheet", "cell", "existed", "fill", "comment", "written", "severity")

#: Parts of a workbook that openpyxl does not write back (prefix in the zip -> what the user
#: would miss).
DROPPED_PARTS: tuple[tuple[str, str], ...] = (
    ("xl/drawings/drawing", "tekeningen: afbeeldingen, vormen, tekstvakken of grafieken"),
    ("xl/charts/", "grafieken"),
    ("xl/chartsheets/", "grafiekbladen"),
    ("xl/media/", "afbeeldingen"),
    ("xl/pivotTables/", "draaitabellen"),
    ("xl/pivotCache/", "draaitabellen"),
    ("xl/slicers/", "slicers"),
    ("xl/slicerCaches/", "slicers"),
    ("xl/timelines/", "tijdlijnen"),
    ("xl/timelineCaches/", "tijdlijnen"),
    ("xl/externalLinks/", "koppelingen naar andere bestanden"),
    ("xl/threadedComments/", "opmerkingen (gesprekken)"),
    ("xl/persons/", "opmerkingen (gesprekken)"),
    ("xl/ctrlProps/", "formulierbesturingselementen"),
    ("xl/activeX/", "ActiveX-besturingselementen"),
    ("xl/embeddings/", "ingesloten objecten"),
    ("xl/queryTables/", "querytabellen (Power Query)"),
    ("xl/connections.xml", "gegevensverbindingen (Power Query)"),
    ("xl/model/", "gegevensmodel (Power Pivot)"),
    ("customXml/", "aangepaste XML-gegevens (bv. Power Query)"),
    ("xl/richData/", "afbeeldingen in cellen of gekoppelde gegevenstypen"),
    ("xl/metadata.xml", "dynamische matrixformules"),
    ("xl/webextensions/", "invoegtoepassingen in het bestand"),
)

# --- what openpyxl would drop ----------------------------------------------------------------

_VML_OBJECT = re.compile(rb'ObjectType="(\w+)"')
_EXT_URI = re.compile(rb'<(?:\w+:)?ext\b[^>]*?\buri="(\{[^"]+\})"')
_XMLNS = re.compile(rb'\sxmlns(?::\w+)?="[^"]*"')
#: Excel 2010 data validations (lists referring to another sheet): openpyxl drops them, we
#: read them ourselves and write them back as ordinary data validations.
_EXT_VALIDATIONS = "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}"
#: Other worksheet extensions openpyxl drops, and what the user would miss.
_EXT_LOST = {
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}":
        "uitgebreide voorwaardelijke opmaak (gegevensbalken, pictogrammen)",
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "sparklines",
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "slicers",
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "slicers",
    "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}": "beveiligde bereiken",
    "{F7C9EE02-42E1-4005-9D12-6889AFFD525C}": "invoegtoepassingen in het bestand",
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "tijdlijnen",
}
_NS_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_NS_XM = "http://schemas.microsoft.com/office/excel/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class _Inspection:
    """What a workbook holds that openpyxl would not write back on its own."""

    lost: list[str] = field(default_factory=list)
    #: sheet name -> Excel 2010 data validations to put back after loading
    validations: dict[str, list[DataValidation]] = field(default_factory=dict)


def _sheet_parts(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip path of its XML) for every worksheet, from the workbook's relations."""
    from defusedxml import ElementTree as SafeET

    try:
        book = SafeET.fromstring(z.read("xl/workbook.xml"))
        rels = SafeET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SafeET.ParseError):
        return []
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = []
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(f"{{{_NS_REL}}}id"), "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts.append((sheet.get("name", ""), os.path.normpath(path).replace(os.sep, "/")))
    return parts


def _x14_validations(data: bytes, tail: bytes) -> list[DataValidation]:
    from defusedxml import ElementTree as SafeET

    m = re.search(rb'<(?:\w+:)?ext\b[^>]*?\buri="' + re.escape(_EXT_VALIDATIONS.encode())
                  + rb'".*?</(?:\w+:)?ext>', tail, re.S)
    root = re.search(rb"<(?:\w+:)?worksheet\b[^>]*>", data[:4096])
    if m is None:
        return []
    xmlns = b"".join(_XMLNS.findall(root.group())) if root else b""
    try:
        ext = SafeET.fromstring(b"<r" + xmlns + b">" + m.group() + b"</r>")
    except SafeET.ParseError:
        return []
    found = []
    for el in ext.iter(f"{{{_NS_X14}}}dataValidation"):
        attrs = {k: v for k, v in el.attrib.items() if "}" not in k}
        f1 = el.find(f"{{{_NS_X14}}}formula1/{{{_NS_XM}}}f")
        f2 = el.find(f"{{{_NS_X14}}}formula2/{{{_NS_XM}}}f")
        sqref = el.find(f"{{{_NS_XM}}}sqref")
        if sqref is None or not (sqref.text or "").strip():
            continue
        try:
            dv = DataValidation(**{k: v for k, v in attrs.items() if k in _DV_ATTRS},
                                formula1=None if f1 is None else f1.text,
                                formula2=None if f2 is None else f2.text,
                                sqref=sqref.text.strip())
        except (TypeError, ValueError):
            continue
        found.append(dv)
    return found


_DV_ATTRS = {"type", "errorStyle", "imeMode", "operator", "allowBlank", "showDropDown",
             "showInputMessage", "showErrorMessage", "errorTitle", "error", "promptTitle",
             "prompt"}


def _inspect(path: str | os.PathLike[str]) -> _Inspection:
    found = _Inspection()
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            lost = found.lost
            for prefix, what in DROPPED_PARTS:
                if what not in lost and any(n.startswith(prefix) for n in names):
                    lost.append(what)
            for n in names:
                if n.startswith("xl/drawings/") and n.endswith(".vml"):
                    kinds = set(_VML_OBJECT.findall(z.read(n)))
                    what = "formulierbesturingselementen"
                    if kinds - {b"Note"} and what not in lost:
                        lost.append(what)
            for sheet, part in _sheet_parts(z):
                if part not in names:
                    continue
                data = z.read(part)
                end = max(data.rfind(b"</sheetData>"), data.rfind(b"<sheetData/>"), 0)
                tail = data[end:]
                for uri in _EXT_URI.findall(tail):
                    key = uri.decode().upper()
                    what = _EXT_LOST.get(key)
                    if key == _EXT_VALIDATIONS:
                        found.validations[sheet] = _x14_validations(data, tail)
                    elif what and what not in lost:
                        lost.append(what)
    except (zipfile.BadZipFile, OSError):
        return _Inspection()
    return found


def dropped_parts(path: str | os.PathLike[str]) -> list[str]:
    """What saving ``path`` with openpyxl would lose, in Dutch; empty when nothing.

    Notes (comments) survive; their VML drawings only count when they also hold form
    controls. Excel 2010 data validations (dropdowns referring to another sheet) survive too:
    :func:`annotate` and :func:`clear` put them back.
    """
    return _inspect(path).lost


def _dropped_notice(lost: list[str]) -> str:
    return ("Let op: de kopie mist " + ", ".join(lost) + " uit het origineel (openpyxl kan die "
            "niet bewaren). Het origineel blijft ongewijzigd.")


def _refuse_in_place(path: Path, lost: list[str]) -> ReadError:
    return ReadError(f"{path.name} bevat {', '.join(lost)}; die zouden verloren gaan als het "
                     f"bestand zelf wordt overschreven. Maak een gecontroleerde kopie (zonder "
                     f"--in-place) of bewaar eerst een exemplaar zonder die onderdelen.")


# --- loading ---------------------------------------------------------------------------------

def _load(path: Path, keep_vba: bool, found: _Inspection | None = None) -> Workbook:
    """Load for editing (formulas kept); Excel 2010 data validations are put back."""
    try:
        with warnings.catch_warnings():
            # extensions: reported by dropped_parts or put back below
            warnings.filterwarnings("ignore", message=".*extension is not supported")
            wb = load_workbook(path, keep_vba=keep_vba, rich_text=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        # issue 16: the package as the readers opened it (part names repaired, or Excel's
        # default password removed)
        from numnum_xl.readers import package_source

        try:
            src = package_source(path)
            if isinstance(src, Path):
                raise exc
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*extension is not supported")
                wb = load_workbook(src, keep_vba=keep_vba, rich_text=True)
        except Exception:
            raise ReadError(f"{path.name} kan niet als Excel-werkmap geopend worden "
                            f"(beschadigd of beveiligd met een wachtwoord?).") from exc
    except OSError as exc:
        raise ReadError(f"{path.name} kan niet gelezen worden: {exc.strerror or exc}.") from exc
    for sheet, validations in (found.validations if found else {}).items():
        if sheet in wb.sheetnames and isinstance(wb[sheet], Worksheet):
            for dv in validations:
                wb[sheet].add_data_validation(dv)
    return wb


class _Styles:
    """The few fills made once, and the original fills serialised once per style index."""

    def __init__(self) -> None:
        self.fills = {ERROR: PatternFill("solid", fgColor=ERROR_RGB),
                      WARNING: PatternFill("solid", fgColor=WARNING_RGB),
                      DUPLICATE: PatternFill("solid", fgColor=DUPLICATE_RGB),
                      "fixed": PatternFill("solid", fgColor=FIXED_RGB)}
        #: (pattern, colour) of our fills: Excel re-saves them with an extra bgColor, so the
        #: whole XML is no test of "still ours"
        self.our_colours = {("solid", f.fgColor.rgb) for f in self.fills.values()}
        self._xml: dict[int, str] = {}

    def is_ours(self, cell: Cell) -> bool:
        """Whether the cell's fill is one of ours (as we wrote it, or as Excel re-saved it)."""
        fill = cell.fill
        return (getattr(fill, "patternType", None), getattr(getattr(fill, "fgColor", None),
                                                            "rgb", None)) in self.our_colours

    def fill_xml(self, cell: Cell) -> str:
        key = cell._style.fillId if cell._style is not None else 0
        if key not in self._xml:
            self._xml[key] = tostring(cell.fill.to_tree()).decode()
        return self._xml[key]


def _inherited_style(ws: Worksheet, row: int, col: int) -> StyleArray | None:
    """The style Excel gives a new cell: the row's if the row has one, else the column's."""
    rd = ws.row_dimensions.get(row)
    if rd is not None and rd.has_style:
        return copy(rd._style)
    for cd in ws.column_dimensions.values():
        if (cd.min or 0) <= col <= (cd.max or 0) and cd.has_style:
            return copy(cd._style)
    return None


def _restored_comment(current: Comment | None, original: list[str] | None,
                      written: str) -> Comment | None:
    """The note a cell gets back; edits the user made since annotating are kept."""
    if current is None or current.text == written:
        return None if original is None else Comment(original[0], original[1])
    text = current.text
    if original is not None:
        i = text.find("\n" + NOTE_SEPARATOR)
        if i >= 0:  # the user edited their own part: keep it, drop ours
            return Comment(text[:i], original[1])
        return Comment(text, current.author)
    ours = written
    if ours in text:  # the user added to our note: keep only their addition
        rest = text.replace(ours, "").strip("\n")
        return Comment(rest, current.author) if rest.strip() else None
    return Comment(text, current.author)


def _clear_workbook(wb: Workbook, ours: list[str]) -> tuple[int, list[str]]:
    """Undo our marks in ``wb`` (in memory) and remove the sheets ``ours`` (proven to be
    ours); returns (cells restored, sheets removed)."""
    restored = 0
    removed: list[str] = []
    if STATE_SHEET in ours and STATE_SHEET in wb.sheetnames:
        styles = _Styles()
        state = wb[STATE_SHEET]
        for values in state.iter_rows(min_row=2, max_col=len(_STATE_HEADER), values_only=True):
            sheet, ref, existed, fill_xml, original, written, _sev = values
            if not sheet or not ref or sheet not in wb.sheetnames:
                continue
            ws = wb[sheet]
            if not isinstance(ws, Worksheet):
                continue
            row, col = coordinate_to_tuple(ref)
            cell = ws._cells.get((row, col))
            if not isinstance(cell, Cell):
                continue
            if styles.is_ours(cell) and fill_xml:
                try:
                    cell.fill = Fill.from_tree(fromstring(_plain_fill(fill_xml)))
                except Exception:  # a fill we cannot read back: no fill beats our colour
                    cell.fill = PatternFill()
            cell.comment = _restored_comment(cell.comment, json.loads(original or "null"),
                                             json.loads(written or '""'))
            if (not existed and cell.value is None and cell.comment is None
                    and cell.hyperlink is None
                    and (cell._style or StyleArray())
                    == (_inherited_style(ws, row, col) or StyleArray())):
                del ws._cells[(row, col)]
            restored += 1
    for name in ours:
        if name in wb.sheetnames:
            del wb[name]
            removed.append(name)
    if removed:
        _fix_active(wb)
    return restored, removed


def _fix_active(wb: Workbook) -> None:
    """After removing sheets, the active sheet must exist and be visible."""
    sheets = wb._sheets
    idx = wb._active_sheet_index
    if 0 <= idx < len(sheets) and sheets[idx].sheet_state == "visible":
        return
    for i, ws in enumerate(sheets):
        if ws.sheet_state == "visible":
            wb.active = i
            ws.sheet_view.tabSelected = True
            return




def _plain_fill(xml: str) -> str:
    """A fill's XML without namespace prefixes or declarations (openpyxl reads it so)."""
    xml = re.sub(r'\sxmlns(?::\w+)?="[^"]*"', "", xml)
    return re.sub(r"<(/?)\w+:", r"<\1", xml)


def clear_with_openpyxl(src: Path, out: Path, ours: list[str], *, in_place: bool,
                        template: bool) -> tuple[int, list[str], list[str]]:
    """Load, clear, save (to ``out``, a new file); returns (restored, removed, notices)."""
    notices: list[str] = []
    found = _inspect(src)
    if found.lost and in_place:
        raise _refuse_in_place(src, found.lost)
    if found.lost:
        notices.append(_dropped_notice(found.lost))
    keep_vba = src.suffix.lower() in (".xlsm", ".xltm")
    wb = _load(src, keep_vba, found)
    restored, removed = _clear_workbook(wb, ours)
    wb.template = template
    wb.save(out)
    return restored, removed, notices
