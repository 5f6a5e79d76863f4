"""Write findings into a workbook: coloured cells, notes, a summary sheet - and take them out.

:func:`annotate` marks every flagged cell of the validated sheet - red fill (``FFC7CE``) for an
error, light orange (``FFEB9C``) for warnings only, and a note (author ``NumNum``) with every
message for that cell - and adds a summary sheet ``NumNum-controle`` listing each finding with
a link to its cell. ``numnum-xl duplicates`` uses a third kind of mark, :data:`DUPLICATE`
(lavender ``CCC0DA``), for rows that are (probably) the same customer.

* An ``.xlsx``/``.xlsm`` source is loaded with openpyxl as is (formulas stay formulas, macros
  stay in an ``.xlsm``); an ``.xls``/``.csv`` source becomes a new ``.xlsx`` whose sheet holds
  the table's header and values at the same rows and columns, so the findings' A1 addresses
  stay right.
* Nothing of the user's is lost: before a cell is marked, its own fill and note are written to
  the very hidden sheet ``_numnum`` (one row per marked cell). A note the user already had keeps
  its text; ours is appended below the line ``— NumNum —``. :func:`clear` uses that record to
  restore every fill and note exactly, then deletes ``NumNum-controle`` and ``_numnum``.
  Annotating an annotated workbook clears the old marks first.
* The source is never written unless ``in_place``: then a backup copy is made beside it first
  and the new file replaces it atomically (temp file in the same folder, ``os.replace``).
* Parts openpyxl cannot keep (pictures, charts, shapes, slicers, Power Query, …) are reported
  in :attr:`AnnotateResult.notices`; ``in_place`` is refused for such files. Excel 2010
  dropdowns (lists on another sheet, which openpyxl would drop) are read and written back.

The summary sheet goes after the user's sheets (only ``_numnum`` comes after it), so sheet
positions that VBA or add-ins rely on (``Sheets(1)``) do not change, and the active sheet is
left as the user had it: the coloured cells are what they see first.

:func:`marks_by_cell` is the one place that decides a cell's colour and note text; the Excel
add-in reuses it to write the same marks through xlwings.

>>> from numnum_xl.findings import Finding
>>> marks = marks_by_cell([
...     Finding(5, "vat_country_code", "F5", "warning", "country.case",
...             {"field": "vat_country_code"}, "BE"),
...     Finding(5, "vat_country_code", "F5", "error", "vat.country_missing"),
...     Finding(None, None, None, "warning", "sheet.no_data")])
>>> severity, text = marks["F5"]
>>> severity
'error'
>>> print(text)
Fout: BTW-nummer ingevuld maar BTW-landcode ontbreekt.
Waarschuwing: BTW-landcode: landcodes worden in 2 hoofdletters geschreven. Voorstel: BE
>>> default_output("klanten.xls").name
'klanten.gecontroleerd.xlsx'
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fills import Fill
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import fromstring, tostring

from numnum_xl.cells import cell_ref, column_letter
from numnum_xl.findings import ERROR, WARNING, Finding, sort_key, summarize
from numnum_xl.marks import (
    _KIND_RANK,
    _TEXT,
    COLOUR_ONLY,
    DUPLICATE,
    DUPLICATE_RGB,
    ERROR_RGB,
    NOTE_AUTHOR,
    NOTE_SEPARATOR,
    STATE_SHEET,
    SUMMARY_SHEET,
    WARNING_RGB,
    _column_label,
    _kind,
    _normal_ref,
    marks_by_cell,
)
from numnum_xl.table import ErrorValue, ReadError, Table

#: Files openpyxl can load and save.
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_MACRO_SUFFIXES = (".xlsm", ".xltm")
_STATE_HEADER = ("sheet", "cell", "existed", "fill", "comment", "written", "severity")
_MAX_ROWS = 1_048_576

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

@dataclass
class AnnotateResult:
    """What :func:`annotate` did."""

    out_path: Path
    sheet: str
    #: cells that got a colour and a note
    marked_cells: int
    errors: int
    warnings: int
    #: marks of an earlier run that were cleared first
    previous_marks_cleared: int = 0
    backup_path: Path | None = None
    #: things the user must know (parts of the workbook missing from the copy), in Dutch
    notices: list[str] = field(default_factory=list)
    #: duplicate findings (``numnum-xl duplicates``)
    duplicates: int = 0


@dataclass
class ClearResult:
    """What :func:`clear` did; ``path`` is ``None`` when nothing had to change."""

    path: Path | None
    restored_cells: int = 0
    removed_sheets: list[str] = field(default_factory=list)
    backup_path: Path | None = None
    notices: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def changed(self) -> bool:
        """Whether a file was written."""
        return self.path is not None


def make_note(text: str) -> Comment:
    """A note by ``NumNum`` sized to its text (openpyxl's default box is tiny)."""
    lines = text.split("\n")
    longest = max(len(line) for line in lines)
    width = min(max(longest * 6 + 20, 200), 420)
    per_line = max((width - 20) // 6, 20)
    height = min(sum(max(1, -(-len(line) // per_line)) for line in lines) * 15 + 20, 600)
    note = Comment(text, NOTE_AUTHOR)
    note.width, note.height = width, height
    return note


def _clean(text: str) -> str:
    """Text a cell or note can hold: control characters written as ``\\xNN``."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Write a value; text is always text (never a formula), control characters escaped."""
    if isinstance(value, ErrorValue):
        value = value.code
    if isinstance(value, str):
        value = _clean(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


# --- paths -----------------------------------------------------------------------------------

def default_output(path: str | os.PathLike[str]) -> Path:
    """Where the annotated copy of ``path`` goes: ``NAME.gecontroleerd.xlsx`` beside it.

    An ``.xlsm`` keeps its extension (and its macros).

    >>> default_output("/data/klanten.xlsx").as_posix()
    '/data/klanten.gecontroleerd.xlsx'
    >>> default_output("klanten.xlsm").name
    'klanten.gecontroleerd.xlsm'
    """
    p = Path(path)
    suffix = ".xlsm" if p.suffix.lower() in _MACRO_SUFFIXES else ".xlsx"
    return p.with_name(f"{p.stem}.gecontroleerd{suffix}")


def backup_path(path: str | os.PathLike[str], when: datetime | None = None) -> Path:
    """A free name ``NAME.backup-YYYYmmdd-HHMMSS.EXT`` beside ``path``."""
    p = Path(path)
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = p.with_name(f"{p.stem}.backup-{stamp}{p.suffix}")
    n = 2
    while candidate.exists():
        candidate = p.with_name(f"{p.stem}.backup-{stamp}-{n}{p.suffix}")
        n += 1
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _backup(source: Path) -> Path:
    target = backup_path(source)
    shutil.copy2(source, target)
    return target


def _save_atomic(wb: Workbook, out: Path, like: Path | None = None) -> None:
    """Save via a temp file in the target folder and ``os.replace``; mode copied from ``like``."""
    if not out.parent.is_dir():
        raise ReadError(f"De map {out.parent} bestaat niet.")
    tmp = out.with_name(f".{out.stem}.{secrets.token_hex(4)}.tmp{out.suffix}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(fd)
        if like is not None:
            shutil.copymode(like, tmp)
        wb.save(tmp)
        os.replace(tmp, out)
    except PermissionError as exc:
        raise ReadError(f"Kan {out.name} niet schrijven: het bestand is geopend in een ander "
                        f"programma (Excel?) of alleen-lezen. Sluit het en probeer opnieuw.") \
            from exc
    finally:
        if tmp.exists():
            tmp.unlink()


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


_SHEET_NAME = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def has_marks(path: str | os.PathLike[str]) -> bool:
    """Whether the workbook at ``path`` holds NumNum marks (read from the zip, no full load)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(_SHEET_NAME.findall(z.read("xl/workbook.xml")))
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return bool(names & {STATE_SHEET.encode(), SUMMARY_SHEET.encode()})


# --- marking ---------------------------------------------------------------------------------

class _Styles:
    """The few fills made once, and the original fills serialised once per style index."""

    def __init__(self) -> None:
        self.fills = {ERROR: PatternFill("solid", fgColor=ERROR_RGB),
                      WARNING: PatternFill("solid", fgColor=WARNING_RGB),
                      DUPLICATE: PatternFill("solid", fgColor=DUPLICATE_RGB)}
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


def _target(ws: Worksheet, row: int, col: int) -> tuple[int, int]:
    """The cell that carries a mark: a covered cell of a merged range -> its top-left cell."""
    if isinstance(ws._cells.get((row, col)), MergedCell):
        ref = cell_ref(row, col)
        for rng in ws.merged_cells.ranges:
            if ref in rng:
                return rng.min_row, rng.min_col
    return row, col


def _mark(ws: Worksheet, marks: dict[str, tuple[str, str]]) -> list[tuple]:
    """Colour and annotate the cells; returns one state record per marked cell."""
    targets: dict[tuple[int, int], tuple[str, str]] = {}
    for ref, (severity, text) in marks.items():
        pos = _target(ws, *coordinate_to_tuple(ref))
        if pos in targets:
            old_sev, old_text = targets[pos]
            severity = min(severity, old_sev, key=_KIND_RANK.__getitem__)
            text = old_text + "\n" + text
        targets[pos] = (severity, text)
    styles = _Styles()
    records = []
    for (row, col) in sorted(targets):
        severity, text = targets[(row, col)]
        text = _clean(text)
        cell = ws._cells.get((row, col))
        existed = cell is not None
        if cell is None:
            cell = ws.cell(row=row, column=col)
            inherited = _inherited_style(ws, row, col)
            if inherited is not None:
                cell._style = inherited
        fill_xml = styles.fill_xml(cell)
        old = cell.comment
        original = None if old is None else [old.text, old.author]
        if not text:  # colour only (COLOUR_ONLY): the cell's own note stays as it is
            written = "" if old is None else old.text
        else:
            written = text if old is None else f"{old.text}\n{NOTE_SEPARATOR}\n{text}"
            cell.comment = None
            cell.comment = make_note(written)
            if old is not None:
                cell.comment.author = old.author  # the note stays the user's; ours the tail
        cell.fill = styles.fills[severity]
        records.append((ws.title, cell.coordinate, 1 if existed else 0, fill_xml,
                        json.dumps(original, ensure_ascii=False),
                        json.dumps(written, ensure_ascii=False), severity))
    return records


def _write_state(wb: Workbook, records: list[tuple]) -> None:
    state = wb.create_sheet(STATE_SHEET)
    state.sheet_state = "veryHidden"
    state.append(_STATE_HEADER)
    for r, record in enumerate(records, start=2):
        for c, value in enumerate(record, start=1):
            _put(state, r, c, value)


# --- clearing --------------------------------------------------------------------------------

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


def _clear_workbook(wb: Workbook) -> tuple[int, list[str]]:
    """Undo our marks in ``wb`` (in memory); returns (cells restored, sheets removed)."""
    restored = 0
    removed: list[str] = []
    if STATE_SHEET in wb.sheetnames:
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
                cell.fill = Fill.from_tree(fromstring(fill_xml))
            cell.comment = _restored_comment(cell.comment, json.loads(original or "null"),
                                             json.loads(written or '""'))
            if (not existed and cell.value is None and cell.comment is None
                    and cell.hyperlink is None
                    and (cell._style or StyleArray())
                    == (_inherited_style(ws, row, col) or StyleArray())):
                del ws._cells[(row, col)]
            restored += 1
    for name in (SUMMARY_SHEET, STATE_SHEET):
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


# --- summary ---------------------------------------------------------------------------------

def _quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _write_summary(wb: Workbook, ws: Worksheet, table: Table, findings: list[Finding],
                   source: Path, lang: str, validated: bool = True) -> Worksheet:
    t = _TEXT.get(lang, _TEXT["nl"])
    findings = [f for f in findings if f.code not in COLOUR_ONLY]
    lang = lang if lang in _TEXT else "nl"
    sh = wb.create_sheet(SUMMARY_SHEET)
    bold = Font(bold=True)
    fills = _Styles().fills
    for letter, width in zip("ABCDEFG", (7, 26, 9, 15, 26, 90, 28), strict=True):
        sh.column_dimensions[letter].width = width
    _put(sh, 1, 1, t["title"].format(sheet=ws.title, file=source.name)).font = Font(
        bold=True, size=14)

    counts = summarize(findings, table.data_rows)
    lines = ["data_rows", "errors", "warnings", "rows_with_errors", "rows_with_warnings_only",
             "clean_rows"]
    duplicate_rows = {f.row for f in findings if f.severity == DUPLICATE and f.row is not None}
    if duplicate_rows:
        data = set(table.row_numbers)
        flagged = {f.row for f in findings if f.row in data}
        counts["rows_with_duplicates"] = len(duplicate_rows)
        counts["clean_rows"] = max(table.data_rows - len(flagged), 0)
        lines.insert(5, "rows_with_duplicates")
    if not validated:  # only duplicates were looked for: no claim about errors
        counts["rows_with_duplicates"] = len(duplicate_rows)
        lines = ["data_rows", "rows_with_duplicates"]
    for i, key in enumerate(lines):
        _put(sh, 3 + i, 2, t[key])
        _put(sh, 3 + i, 3, counts[key])
    _put(sh, 3, 4, t["count"]).font = bold
    _put(sh, 3, 5, t["code"]).font = bold
    by_code = sorted(counts["by_code"].items(), key=lambda kv: (-kv[1], kv[0]))
    for i, (code, n) in enumerate(by_code, start=4):
        _put(sh, i, 4, n)
        _put(sh, i, 5, code)
    _put(sh, 3, 7, t["legend"]).font = bold
    _put(sh, 4, 7, t[ERROR]).fill = fills[ERROR]
    _put(sh, 5, 7, t[WARNING]).fill = fills[WARNING]
    extra = 0
    if any(f.severity == DUPLICATE for f in findings):
        _put(sh, 6, 7, t[DUPLICATE]).fill = fills[DUPLICATE]
        extra = 1
    _put(sh, 6 + extra, 7, t["legend_note"])
    _put(sh, 7 + extra, 7, t["legend_clear"])

    header = 3 + max(len(lines), 1 + len(by_code)) + 1
    for c, key in enumerate(("row", "column", "cell", "severity", "code", "message",
                             "suggestion"), start=1):
        _put(sh, header, c, t[key]).font = bold
    link_font = Font(color="FF0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet_ref = _quote_sheet(ws.title)
    room = _MAX_ROWS - header - 1
    ordered = sorted(findings, key=sort_key)
    row = header
    for row, f in enumerate(ordered[:room], start=header + 1):
        if f.row is not None:
            _put(sh, row, 1, f.row)
        _put(sh, row, 2, _column_label(f, table, lang))
        if f.cell:
            ref = _normal_ref(f.cell)
            c = _put(sh, row, 3, ref)
            c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{sheet_ref}!{ref}")
            c.font = link_font
        sev = _kind(f)
        _put(sh, row, 4, t[sev]).fill = fills[sev]
        _put(sh, row, 5, f.code)
        _put(sh, row, 6, f.message(lang)).alignment = wrap
        if f.suggestion is not None and f.suggestion != "":
            _put(sh, row, 7, str(f.suggestion))
    if len(ordered) > room:
        _put(sh, row + 1, 6, t["more"].format(count=len(ordered) - room))
    sh.auto_filter.ref = f"A{header}:G{max(row, header)}"
    if header <= 30:  # freezing more rows than a screen shows would lock the list out of view
        sh.freeze_panes = f"A{header + 1}"
    return sh


# --- xls / csv -------------------------------------------------------------------------------

_NUMERIC_TEXT = re.compile(r"^\s*\+?[0-9][0-9 ./-]*$")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str) -> str:
    title = _BAD_TITLE.sub("_", name).strip("'")[:31] or "Blad1"
    return "Blad1" if title in (SUMMARY_SHEET, STATE_SHEET) else title


def _workbook_from_table(table: Table, source: Path) -> tuple[Workbook, Worksheet]:
    """A new workbook with the table's header and values at their own rows and columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(table.sheet or source.stem)
    bold = Font(bold=True)
    for j, head in enumerate(table.headers):
        if head not in (None, ""):
            _put(ws, table.header_row, table.first_col + j, head).font = bold
            width = min(max(len(str(head)) + 2, 10), 40)
            ws.column_dimensions[column_letter(table.first_col + j)].width = width
    for r, values in zip(table.row_numbers, table.rows, strict=False):
        for j, value in enumerate(values):
            if value is None:
                continue
            cell = _put(ws, r, table.first_col + j, value)
            if isinstance(value, str) and _NUMERIC_TEXT.match(value):
                cell.number_format = "@"  # keeps 0403019261 text when the user edits it
    ws.freeze_panes = cell_ref(table.header_row + 1, 1)
    return wb, ws


def _write_values(ws: Worksheet, values: Mapping[str, Any]) -> list[str]:
    """Write new cell values (fixes); returns the cells skipped because they hold a formula."""
    skipped = []
    for ref in sorted(values, key=lambda r: coordinate_to_tuple(_normal_ref(r))):
        row, col = _target(ws, *coordinate_to_tuple(_normal_ref(ref)))
        cell = ws._cells.get((row, col))
        if isinstance(cell, Cell) and cell.data_type == "f":
            skipped.append(_normal_ref(ref))
            continue
        value = values[ref]
        cell = _put(ws, row, col, value)
        if isinstance(value, str) and _NUMERIC_TEXT.match(value):
            cell.number_format = "@"
    return skipped


# --- public entry points ---------------------------------------------------------------------

def annotate(source_path: str | os.PathLike[str], table: Table,
             findings: Iterable[Finding] | Callable[[], Iterable[Finding]],
             out_path: str | os.PathLike[str] | None = None, *, lang: str = "nl",
             in_place: bool = False,
             values: Mapping[str, Any] | None = None,
             validated: bool = True) -> AnnotateResult:
    """Mark ``findings`` in a copy of ``source_path`` (or in the file itself with ``in_place``).

    ``table`` is the sheet that was validated. ``out_path`` defaults to
    :func:`default_output`; it may not be the source itself unless ``in_place``. ``values``
    maps A1 cells of that sheet to new values written before marking (the safe fixes of
    :mod:`numnum_xl.fix`); text stays text, and a cell holding a formula is never overwritten.
    Fixes are meant to stay: :func:`clear` removes marks, not fixes. ``validated=False``
    (``duplicates``): the summary makes no claim about errors and warnings. Raises
    :class:`~numnum_xl.table.ReadError` (one Dutch sentence) when the work cannot be done
    safely. ``findings`` may be a function returning them: it is called only once the
    workbook is loaded, so validation can run elsewhere meanwhile.
    """
    source = Path(source_path)
    is_book = source.suffix.lower() in BOOK_SUFFIXES
    notices: list[str] = []
    if in_place:
        if not is_book:
            raise ReadError(f"{source.name} is geen .xlsx- of .xlsm-bestand en kan niet zelf "
                            f"gemarkeerd worden; er wordt een gecontroleerde kopie gemaakt "
                            f"zonder --in-place.")
        if out_path is not None and not _same_file(Path(out_path), source):
            raise ValueError("in_place writes to the source; do not pass another out_path")
        out = source
    else:
        out = Path(out_path) if out_path is not None else default_output(source)
        if _same_file(out, source):
            raise ReadError(f"Het uitvoerbestand is het bronbestand {source.name}: kies een "
                            f"ander uitvoerbestand of gebruik --in-place.")
    if out.suffix.lower() not in BOOK_SUFFIXES:
        raise ReadError(f"Het uitvoerbestand {out.name} moet op .xlsx of .xlsm eindigen.")

    cleared = 0
    if is_book:
        found = _inspect(source)
        lost = found.lost
        if lost and in_place:
            raise _refuse_in_place(source, lost)
        if lost:
            notices.append(_dropped_notice(lost))
        macros = source.suffix.lower() in _MACRO_SUFFIXES
        keep_vba = macros and out.suffix.lower() in _MACRO_SUFFIXES
        if macros and not keep_vba:
            notices.append(f"Let op: {out.name} is geen .xlsm; de macro's van het origineel "
                           f"zitten niet in de kopie.")
        wb = _load(source, keep_vba, found)
        cleared, _ = _clear_workbook(wb)
        if table.sheet not in wb.sheetnames or not isinstance(wb[table.sheet], Worksheet):
            raise ReadError(f"Blad «{table.sheet}» staat niet in {source.name}.")
        ws = wb[table.sheet]
    else:
        wb, ws = _workbook_from_table(table, source)
    wb.template = out.suffix.lower() in (".xltx", ".xltm")

    findings = list(findings() if callable(findings) else findings)
    skipped = _write_values(ws, values or {})
    if skipped:
        notices.append(f"{len(skipped)} correctie(s) niet toegepast omdat de cel een formule "
                       f"bevat: {', '.join(skipped[:10])}{' …' if len(skipped) > 10 else ''}.")
    marks = marks_by_cell(findings, lang)
    records = _mark(ws, marks)
    _write_summary(wb, ws, table, findings, source, lang, validated)
    _write_state(wb, records)

    backup = _backup(source) if in_place else None
    _save_atomic(wb, out, like=source if in_place else None)
    return AnnotateResult(
        out_path=out, sheet=ws.title, marked_cells=len(records),
        errors=sum(f.severity == ERROR for f in findings),
        warnings=sum(_kind(f) == WARNING for f in findings),
        previous_marks_cleared=cleared, backup_path=backup, notices=notices,
        duplicates=sum(f.severity == DUPLICATE for f in findings))


def clear(path: str | os.PathLike[str], out_path: str | os.PathLike[str] | None = None, *,
          backup: bool = True) -> ClearResult:
    """Remove NumNum's marks: original fills and notes back, summary and ``_numnum`` gone.

    Without ``out_path`` the file itself is rewritten (atomically, after a backup copy unless
    ``backup=False``). A workbook without marks is left alone (``changed`` is False).
    """
    src = Path(path)
    if src.suffix.lower() not in BOOK_SUFFIXES:
        raise ReadError(f"{src.name} is geen .xlsx- of .xlsm-bestand; daar staan geen "
                        f"NumNum-markeringen in.")
    if not src.is_file():
        raise ReadError(f"{src} bestaat niet.")
    if not has_marks(src):
        return ClearResult(path=None, message=f"Geen NumNum-markeringen gevonden in "
                                              f"{src.name}; niets gewijzigd.")
    out = Path(out_path) if out_path is not None else src
    in_place = _same_file(out, src)
    notices: list[str] = []
    found = _inspect(src)
    lost = found.lost
    if lost and in_place:
        raise _refuse_in_place(src, lost)
    if lost:
        notices.append(_dropped_notice(lost))
    keep_vba = (src.suffix.lower() in _MACRO_SUFFIXES
                and out.suffix.lower() in _MACRO_SUFFIXES)
    wb = _load(src, keep_vba, found)
    restored, removed = _clear_workbook(wb)
    wb.template = out.suffix.lower() in (".xltx", ".xltm")
    saved = _backup(src) if in_place and backup else None
    _save_atomic(wb, out, like=src if in_place else None)
    message = f"{restored} gemarkeerde cel(len) hersteld in {out.name}"
    if STATE_SHEET not in removed:
        message = (f"Geen markeringsgegevens ({STATE_SHEET}) gevonden: alleen het blad "
                   f"{SUMMARY_SHEET} is verwijderd uit {out.name}")
    return ClearResult(path=out, restored_cells=restored, removed_sheets=removed,
                       backup_path=saved, notices=notices, message=message + ".")
