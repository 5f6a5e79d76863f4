"""Write findings into a workbook: coloured cells, notes, a summary sheet - and take them out.

:func:`annotate` marks every flagged cell of the validated sheet - red fill (``FFC7CE``) for an
error, light orange (``FFEB9C``) for warnings only, and a note (author ``NumNum``) with every
message for that cell - and adds a summary sheet ``NumNum-controle`` (:mod:`numnum_xl.summary`)
listing each finding with a link to its cell. ``numnum-xl duplicates`` uses a third kind of
mark, :data:`DUPLICATE` (lavender ``CCC0DA``); ``validate --fix`` marks each cell it changed in
green (``C6EFCE``) with the note "Gewijzigd: «oud» → «nieuw»".

* An ``.xlsx``/``.xlsm`` source is *patched* (:mod:`numnum_xl.xlsxpatch`): only the marked
  sheet's XML (streamed), ``styles.xml``, the sheet's notes, the workbook's sheet list, content
  types and relationships change; every other part - pictures, charts, pivot tables, macros,
  defined names, Strict OOXML - is copied byte for byte, and no cell we do not mark changes.
  An ``.xls``/``.csv`` source becomes a new ``.xlsx`` (openpyxl) whose sheet holds the table's
  header and values at the same rows and columns, so the findings' A1 addresses stay right.
* Nothing of the user's is lost: each marked cell's own style id and note are recorded in the
  very hidden sheet ``_numnum``; a note the user already had keeps its text, ours is appended
  below the line ``— NumNum —``. :func:`clear` puts everything back exactly (and removes only
  the sheets it can prove it made). Annotating an annotated workbook clears the old marks first.
* The source is never written unless ``in_place``: then a backup copy is made beside the real
  file (a symbolic link is followed) and the new file replaces it atomically; a workbook that
  is open in Excel or LibreOffice (their lock files) is refused. Temporary files start with
  :data:`TEMP_PREFIX` and are removed at the next run if a crash left them.

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
Fout: Btw-nummer ingevuld maar btw-landcode ontbreekt.
Waarschuwing: Btw-landcode: landcodes worden in 2 hoofdletters geschreven. Voorstel: BE
>>> default_output("klanten.xls").name
'klanten.gecontroleerd.xlsx'
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from numnum_xl.cells import cell_ref, column_letter
from numnum_xl.findings import ERROR, WARNING, Finding

#: Re-exported from :mod:`numnum_xl.marks` (the one place for these names, openpyxl-free).
from numnum_xl.marks import (
    _KIND_RANK,
    COLOUR_ONLY,
    COLOURS,
    DUPLICATE,
    DUPLICATE_RGB,
    DUPLICATES_SHEET,
    ERROR_RGB,
    FIXED,
    FIXED_RGB,
    NOTE_AUTHOR,
    NOTE_SEPARATOR,
    STATE_SHEET,
    SUMMARY_SHEET,
    WARNING_RGB,
    _kind,
    _normal_ref,
    marks_by_cell,
)
from numnum_xl.marks import merge_marks as merged_marks
from numnum_xl.summary import WORDS
from numnum_xl.table import ErrorValue, ReadError, Table

if TYPE_CHECKING:
    from openpyxl.comments import Comment

__all__ = [
    "BOOK_SUFFIXES",
    "COLOURS",
    "COLOUR_ONLY",
    "DUPLICATE",
    "DUPLICATE_RGB",
    "ERROR_RGB",
    "FIXED",
    "FIXED_RGB",
    "NOTE_AUTHOR",
    "NOTE_SEPARATOR",
    "STATE_SHEET",
    "SUMMARY_SHEET",
    "TEMP_PREFIX",
    "WARNING_RGB",
    "AnnotateResult",
    "ClearResult",
    "annotate",
    "backup_path",
    "change_marks",
    "clean_stale_temps",
    "clear",
    "default_output",
    "dropped_parts",
    "has_marks",
    "lock_files",
    "make_note",
    "marks_by_cell",
    "merged_marks",
    "real_path",
]

#: Which mark a cell with several kinds gets (lowest first): the findings' order, then fixes.
_RANK = _KIND_RANK
#: Files that can be marked in place.
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_MACRO_SUFFIXES = (".xlsm", ".xltm")
#: Every temporary file we write starts with this (and is cleaned up at the next run).
TEMP_PREFIX = ".numnum-tmp-"
_STATE_HEADER = ("sheet", "cell", "existed", "fill", "comment", "written", "severity")
_MAX_ROWS = 1_048_576

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
    #: things the user must know, in Dutch
    notices: list[str] = field(default_factory=list)
    #: duplicate findings (``numnum-xl duplicates``)
    duplicates: int = 0
    #: name of the summary sheet (``NumNum-controle``, or another when the user has one)
    summary_sheet: str = SUMMARY_SHEET
    #: cells ``--fix`` changed and marked
    changed_cells: int = 0


@dataclass
class ClearResult:
    """What :func:`clear` did; ``path`` is ``None`` when nothing had to change."""

    path: Path | None
    restored_cells: int = 0
    removed_sheets: list[str] = field(default_factory=list)
    backup_path: Path | None = None
    notices: list[str] = field(default_factory=list)
    message: str = ""
    #: True when every part was put back as it was (not only the marks taken out)
    exact: bool = False

    @property
    def changed(self) -> bool:
        """Whether a file was written."""
        return self.path is not None


def change_marks(changes: Iterable[Any], lang: str = "nl") -> dict[str, tuple[str, str]]:
    """Per cell ``--fix`` changed: (:data:`FIXED`, "Gewijzigd: «oud» → «nieuw»")."""
    from numnum_xl.summary import changed_note

    return {_normal_ref(c.cell): (FIXED, changed_note(c.old, c.new, lang)) for c in changes}


def make_note(text: str) -> Comment:
    """A note by ``NumNum`` sized to its text (openpyxl's default box is tiny)."""
    from openpyxl.comments import Comment

    from numnum_xl.xlsxpatch.notes import note_size

    note = Comment(text, NOTE_AUTHOR)
    note.width, note.height = note_size(text)
    return note


def _clean(text: str) -> str:
    """Text a cell or note can hold: control characters written as ``\\xNN``."""
    from numnum_xl.xlsxpatch.ownsheet import clean

    return clean(text)


# --- paths and safe writing ------------------------------------------------------------------

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


def real_path(path: str | os.PathLike[str]) -> Path:
    """The workbook itself: symbolic links followed (``--in-place`` writes there)."""
    return Path(os.path.realpath(path))


def lock_files(path: Path) -> list[Path]:
    """Lock files that say ``path`` is open in Excel (``~$NAME``) or LibreOffice
    (``.~lock.NAME#``)."""
    names = {f"~${path.name}", f".~lock.{path.name}#"}
    if len(path.name) > 2:
        names.add(f"~${path.name[2:]}")  # Excel drops two letters of a long name
    return [path.with_name(n) for n in sorted(names) if path.with_name(n).exists()]


def _refuse_if_open(path: Path) -> None:
    found = lock_files(path)
    if found:
        raise ReadError(f"{path.name} is geopend in Excel of LibreOffice (vergrendelbestand "
                        f"{found[0].name}); sluit het bestand en probeer opnieuw.")


def _write_failure(path: Path, exc: OSError) -> ReadError:
    """One sentence for a write that failed (disk full, read-only, no permission …)."""
    code = exc.errno
    where = path.parent
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        why = f"de schijf is vol ({where})"
    elif code == errno.EROFS:
        why = f"{where} staat op een alleen-lezen schijf"
    elif code in (errno.EACCES, errno.EPERM):
        why = (f"er mag niet geschreven worden in {where}, of het bestand is geopend in een "
               f"ander programma (Excel?) of alleen-lezen")
    elif code == errno.ENOENT:
        why = f"de map {where} bestaat niet"
    else:
        why = exc.strerror or str(exc)
    return ReadError(f"Kan {path.name} niet schrijven: {why}. Er is niets gewijzigd.")


def _temp_name(folder: Path, name: str) -> Path:
    return folder / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{name}"


def clean_stale_temps(folder: Path, max_age: float = 3600.0) -> list[Path]:
    """Remove temporary files of earlier runs that crashed (prefix :data:`TEMP_PREFIX`, their
    process gone or older than ``max_age`` seconds); returns what was removed."""
    removed = []
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        m = re.match(re.escape(TEMP_PREFIX) + r"(\d+)-", p.name)
        alive = False
        if m and int(m.group(1)) != os.getpid():
            try:
                os.kill(int(m.group(1)), 0)
                alive = True
            except ProcessLookupError:
                alive = False
            except (PermissionError, OSError):
                alive = True
        elif m:
            alive = True
        try:
            if not alive or now - p.stat().st_mtime > max_age:
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


class _Temps:
    """Temporary files in one folder, removed on exit whatever happens."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: list[Path] = []

    def new(self, name: str) -> Path:
        p = _temp_name(self.folder, name)
        self.paths.append(p)
        return p

    def __enter__(self) -> _Temps:
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self.paths:
            with contextlib.suppress(OSError):
                p.unlink()


def _backup(source: Path) -> Path:
    """Copy ``source`` to a backup name beside it: whole or not at all."""
    target = backup_path(source)
    tmp = _temp_name(source.parent, target.name)
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_failure(target, exc) from exc
    return target


def _replace(tmp: Path, out: Path, like: Path | None) -> None:
    try:
        if like is not None:
            shutil.copymode(like, tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise _write_failure(out, exc) from exc


# --- which sheets are ours -------------------------------------------------------------------

_TITLE_START = tuple(t["title"].split("{")[0] for t in WORDS.values())


@dataclass
class _Ours:
    state: str | None = None  #: the state sheet, if it is ours
    sheets: list[str] = field(default_factory=list)  #: sheets to remove (state last)


def _own_sheets(path: Path) -> _Ours:
    """The sheets of ``path`` we can prove we made: the very hidden state sheet with our
    header, and summary sheets it names (with the token in their row 1) or whose title is
    ours (a summary written before state sheets named it, or by the add-in)."""
    from numnum_xl.xlsxpatch.mark import STATE_HEADER, read_own_sheet, saved_state
    from numnum_xl.xlsxpatch.package import Package, PackageError

    ours = _Ours()
    try:
        with zipfile.ZipFile(path) as z:
            pkg = Package.open(z)
            entries = {s.name: s for s in pkg.sheets}
            state = entries.get(STATE_SHEET)
            named: str | None = None
            token = ""
            if state is not None and state.state in ("veryHidden", "hidden") and state.part:
                rows = read_own_sheet(pkg.read(state.part) or b"")
                if rows is None:
                    rows = _calamine_rows(path, STATE_SHEET, None)
                if rows and tuple(rows[0][:7]) == STATE_HEADER[:7]:
                    ours.state = STATE_SHEET
                    saved = saved_state(rows) if len(rows[0]) >= len(STATE_HEADER) else None
                    if saved and saved.summary:
                        named, token = saved.summary[0], saved.summary[1]
            for name in entries:
                if not name.startswith((SUMMARY_SHEET, DUPLICATES_SHEET)):
                    continue
                first = _calamine_rows(path, name, 1)
                row1 = [str(v) for v in (first[0] if first else [])]
                if (name == named and f"numnum:{token}" in row1) or (
                        row1 and row1[0].startswith(_TITLE_START)):
                    ours.sheets.append(name)
    except (zipfile.BadZipFile, PackageError, OSError, KeyError):
        return ours
    if ours.state:
        ours.sheets.append(ours.state)
    return ours


def _calamine_rows(path: Path, sheet: str, nrows: int | None) -> list[list[Any]]:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows)
    except Exception:  # a sheet calamine cannot read is not one we can prove is ours
        return []
    return [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                   else str(v)) for v in row] for row in rows]


def has_marks(path: str | os.PathLike[str]) -> bool:
    """Whether the workbook at ``path`` holds NumNum marks we can prove are ours."""
    return bool(_own_sheets(Path(path)).sheets)


def dropped_parts(path: str | os.PathLike[str]) -> list[str]:
    """What a save with openpyxl would lose, in Dutch (used only when a marked workbook that
    Excel saved since must be cleared with openpyxl); :func:`annotate` loses nothing."""
    from numnum_xl.annotate_openpyxl import dropped_parts as dropped

    return dropped(path)


# --- xls / csv -------------------------------------------------------------------------------

_NUMERIC_TEXT = re.compile(r"^\s*\+?[0-9][0-9 ./-]*$")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str) -> str:
    title = _BAD_TITLE.sub("_", name).strip("'")[:31] or "Blad1"
    return "Blad1" if title.startswith(SUMMARY_SHEET) or title == STATE_SHEET else title


def _workbook_from_table(table: Table, source: Path):
    """A new openpyxl workbook with the table's header and values at their own rows and
    columns: (workbook, sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(table.sheet or source.stem)
    bold = Font(bold=True)

    def put(row: int, col: int, value: Any):
        if isinstance(value, ErrorValue):
            value = value.code
        if isinstance(value, str):
            value = _clean(value)
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, str) and cell.data_type == "f":
            cell.data_type = "s"
        return cell

    for j, head in enumerate(table.headers):
        if head not in (None, ""):
            put(table.header_row, table.first_col + j, head).font = bold
            width = min(max(len(str(head)) + 2, 10), 40)
            ws.column_dimensions[column_letter(table.first_col + j)].width = width
    for r, values in zip(table.row_numbers, table.rows, strict=False):
        for j, value in enumerate(values):
            if value is None:
                continue
            cell = put(r, table.first_col + j, value)
            if isinstance(value, str) and _NUMERIC_TEXT.match(value):
                cell.number_format = "@"  # keeps 0403019261 text when the user edits it
    ws.freeze_panes = cell_ref(table.header_row + 1, 1)
    return wb, ws


def _write_new_workbook(table: Table, source: Path, out: Path) -> str:
    """:func:`_workbook_from_table` saved at ``out``; returns its sheet's title."""
    wb, ws = _workbook_from_table(table, source)
    wb.save(out)
    return ws.title


def _load(path: Path, keep_vba: bool, found: Any = None):
    """Load with openpyxl for editing (for :mod:`numnum_xl.header`, which rewrites rows)."""
    from numnum_xl.annotate_openpyxl import _load as load

    return load(path, keep_vba, found)


def _save_atomic(wb: Any, out: Path, like: Path | None = None) -> None:
    """Save an openpyxl workbook via a temp file in the target folder and ``os.replace``."""
    if not out.parent.is_dir():
        raise ReadError(f"De map {out.parent} bestaat niet.")
    with _Temps(out.parent) as temps:
        tmp = temps.new(out.name)
        try:
            wb.save(tmp)
        except OSError as exc:
            raise _write_failure(out, exc) from exc
        _replace(tmp, out, like)


# --- public entry points ---------------------------------------------------------------------

def annotate(source_path: str | os.PathLike[str], table: Table,
             findings: Iterable[Finding] | Callable[[], Iterable[Finding]],
             out_path: str | os.PathLike[str] | None = None, *, lang: str = "nl",
             in_place: bool = False, values: Mapping[str, Any] | None = None,
             changes: Sequence[Any] | None = None, validated: bool = True) -> AnnotateResult:
    """Mark ``findings`` in a copy of ``source_path`` (or in the file itself with ``in_place``).

    ``table`` is the sheet that was validated. ``out_path`` defaults to
    :func:`default_output`; it may not be the source itself unless ``in_place``. ``values``
    maps A1 cells of that sheet to new values written before marking (the safe fixes of
    :mod:`numnum_xl.fix`); text stays text, and a cell holding a formula is never overwritten.
    ``changes`` (:class:`numnum_xl.fix.Change`) marks each changed cell in green with its old
    and new value, and lists them on the summary sheet (their values are written too).
    ``validated=False``: only duplicates were looked for (the summary claims no error count).
    A mark whose note text is empty only colours its cell.
    Fixes are meant to stay: :func:`clear` removes marks, not fixes. Raises
    :class:`~numnum_xl.table.ReadError` (one Dutch sentence) when the work cannot be done
    safely. ``findings`` may be a function returning them: it is called only once earlier
    marks are cleared, so validation can run elsewhere meanwhile.
    """
    from numnum_xl.summary import build
    from numnum_xl.xlsxpatch.mark import Plan, mark_package
    from numnum_xl.xlsxpatch.package import PackageError

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
        source = real_path(source)
        _refuse_if_open(source)
        out = source
    else:
        out = Path(out_path) if out_path is not None else default_output(source)
        if _same_file(out, source):
            raise ReadError(f"Het uitvoerbestand is het bronbestand {source.name}: kies een "
                            f"ander uitvoerbestand of gebruik --in-place.")
    if out.suffix.lower() not in BOOK_SUFFIXES:
        raise ReadError(f"Het uitvoerbestand {out.name} moet op .xlsx of .xlsm eindigen.")
    if not out.parent.is_dir():
        raise ReadError(f"De map {out.parent} bestaat niet.")
    if is_book and not source.is_file():
        raise ReadError(f"{source} bestaat niet.")
    clean_stale_temps(out.parent)
    changes = list(changes or [])
    all_values = dict(values or {})
    for c in changes:
        all_values.setdefault(c.cell, c.new)

    cleared = 0
    with _Temps(out.parent) as temps:
        try:
            if is_book:
                work = source
                if source.suffix.lower() in _MACRO_SUFFIXES \
                        and out.suffix.lower() not in _MACRO_SUFFIXES:
                    notices.append(f"Let op: {out.name} is geen .xlsm; de macro's van het "
                                   f"origineel zitten niet in de kopie.")
                ours = _own_sheets(source)
                if ours.sheets:
                    work = temps.new("gewist" + source.suffix)
                    done = _clear_to(source, work, ours, in_place=in_place)
                    cleared, more = done.restored_cells, done.notices
                    notices += more
                sheet = table.sheet
            else:
                work = temps.new("nieuw.xlsx")
                sheet = _write_new_workbook(table, source, work)
            findings = list(findings() if callable(findings) else findings)

            def marks() -> dict[str, tuple[str, str]]:  # built when placed, then let go
                return merged_marks(marks_by_cell(findings, lang), change_marks(changes, lang))

            def summary(_name: str):  # build leaves out the colour-only findings
                return build(table, findings, sheet=sheet, file=source.name, lang=lang,
                             changes=changes, validated=validated)

            plan = Plan(sheet=sheet, marks=marks, colours=COLOURS, values=all_values,
                        rank=_RANK, summary_name=SUMMARY_SHEET, state_name=STATE_SHEET,
                        summary=summary,
                        drop_macros=out.suffix.lower() not in _MACRO_SUFFIXES)
            tmp = temps.new(out.name)
            try:
                try:
                    outcome = mark_package(work, tmp, plan)
                except (PackageError, zipfile.BadZipFile):
                    # issue 16: the package as the readers open it (part names repaired, or
                    # Excel's default password removed); else the sentence below
                    from numnum_xl.readers import package_source

                    repaired = package_source(work)
                    if isinstance(repaired, Path):
                        raise
                    outcome = mark_package(repaired, tmp, plan)
            except PackageError as exc:
                if "not found" in str(exc):
                    raise ReadError(f"Blad «{sheet}» staat niet in {source.name}.") from exc
                raise ReadError(f"{source.name} kan niet als Excel-werkmap gelezen worden "
                                f"({exc}).") from exc
            except (zipfile.BadZipFile, ValueError) as exc:
                raise ReadError(f"{source.name} kan niet als Excel-werkmap geopend worden "
                                f"(beschadigd of beveiligd met een wachtwoord?).") from exc
            backup = _backup(source) if in_place else None
            _replace(tmp, out, source if in_place else None)
        except OSError as exc:
            raise _write_failure(out, exc) from exc
    if outcome.skipped_formulas:
        skipped = outcome.skipped_formulas
        notices.append(f"{len(skipped)} correctie(s) niet toegepast omdat de cel een formule "
                       f"bevat: {', '.join(skipped[:10])}{' …' if len(skipped) > 10 else ''}.")
    if outcome.summary_name != SUMMARY_SHEET:
        notices.append(f"Het blad {SUMMARY_SHEET} bestaat al en is niet van NumNum; het "
                       f"overzicht staat in {outcome.summary_name}.")
    return AnnotateResult(
        out_path=out, sheet=sheet, marked_cells=outcome.marked,
        errors=sum(f.severity == ERROR for f in findings),
        warnings=sum(_kind(f) == WARNING for f in findings),
        previous_marks_cleared=cleared, backup_path=backup, notices=notices,
        duplicates=sum(f.severity == DUPLICATE for f in findings),
        summary_sheet=outcome.summary_name, changed_cells=len(changes))


def _clear_to(src: Path, out: Path, ours: _Ours, *, in_place: bool) -> ClearResult:
    """Write ``src`` without our marks to ``out`` (a new file): exactly when the parts are as
    we wrote them, else by content (:mod:`numnum_xl.xlsxpatch.unmark`), and with openpyxl only
    for a package that cannot be patched."""
    from numnum_xl.xlsxpatch.mark import clear_package

    restored = clear_package(src, out, STATE_SHEET) if ours.state else None
    if restored is not None:
        return ClearResult(path=out, restored_cells=restored, removed_sheets=list(ours.sheets),
                           exact=True)
    from numnum_xl.sheetmarks import restored_note
    from numnum_xl.xlsxpatch.package import PackageError
    from numnum_xl.xlsxpatch.unmark import unmark_package

    rows = _calamine_rows(src, STATE_SHEET, None) if ours.state else []
    records = [r + [""] * (10 - len(r)) for r in rows[1:] if r and r[0]
               and not r[0].startswith("#")]
    try:
        restored = unmark_package(src, out, records, ours.sheets, set(COLOURS.values()),
                                  restored_note)
        return ClearResult(path=out, restored_cells=restored, removed_sheets=list(ours.sheets))
    except (PackageError, zipfile.BadZipFile, ValueError, KeyError, IndexError):
        pass  # a package we cannot patch: openpyxl (which reports what it cannot keep)
    from numnum_xl.annotate_openpyxl import clear_with_openpyxl

    try:
        restored, removed, notices = clear_with_openpyxl(
            src, out, ours.sheets, in_place=in_place,
            template=out.suffix.lower() in (".xltx", ".xltm"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"{src.name} kan niet als Excel-werkmap geopend worden (beschadigd of "
                        f"beveiligd met een wachtwoord?).") from exc
    return ClearResult(path=out, restored_cells=restored, removed_sheets=removed,
                       notices=notices)


def clear(path: str | os.PathLike[str], out_path: str | os.PathLike[str] | None = None, *,
          backup: bool = True) -> ClearResult:
    """Remove NumNum's marks: original styles and notes back, our sheets gone.

    Without ``out_path`` the file itself is rewritten (atomically, after a backup copy unless
    ``backup=False``; a symbolic link is followed, an open workbook refused). A workbook
    without marks we can prove are ours is left alone (``changed`` is False): a sheet of the
    user's that happens to be called ``NumNum-controle`` stays.
    """
    src = Path(path)
    if src.suffix.lower() not in BOOK_SUFFIXES:
        raise ReadError(f"{src.name} is geen .xlsx- of .xlsm-bestand; daar staan geen "
                        f"NumNum-markeringen in.")
    if not src.is_file():
        raise ReadError(f"{src} bestaat niet.")
    out = Path(out_path) if out_path is not None else src
    in_place = _same_file(out, src)
    if in_place:
        src = out = real_path(src)
    ours = _own_sheets(src)
    if not ours.sheets:
        return ClearResult(path=None, message=f"Geen NumNum-markeringen gevonden in "
                                              f"{src.name}; niets gewijzigd.")
    if in_place:
        _refuse_if_open(src)
    if not out.parent.is_dir():
        raise ReadError(f"De map {out.parent} bestaat niet.")
    clean_stale_temps(out.parent)
    with _Temps(out.parent) as temps:
        try:
            tmp = temps.new(out.name)
            result = _clear_to(src, tmp, ours, in_place=in_place)
            saved = _backup(src) if in_place and backup else None
            _replace(tmp, out, src if in_place else None)
        except OSError as exc:
            raise _write_failure(out, exc) from exc
    result.path, result.backup_path = out, saved
    message = f"{result.restored_cells} gemarkeerde cel(len) hersteld in {out.name}"
    if STATE_SHEET not in result.removed_sheets:
        message = (f"Geen markeringsgegevens ({STATE_SHEET}) gevonden: alleen het blad "
                   f"{SUMMARY_SHEET} is verwijderd uit {out.name}")
    result.message = message + "."
    return result
