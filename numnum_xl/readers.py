"""Read one sheet of an .xlsx/.xlsm, .xls or .csv/.txt file into a :class:`~numnum_xl.table.Table`.

The format is decided by the file's content, not only its name (a ``.xlsx`` that is really a
CSV is read as CSV). Before any parser touches a file it is checked for what would hurt us:
too large, empty, a corrupt or bomb-like zip, XML with a DTD (billion laughs / XXE), a password.
Anything unreadable raises :class:`~numnum_xl.table.ReadError` with one Dutch sentence for the
bookkeeper; library exceptions never escape.

Values come through without loss (see :mod:`numnum_xl.table`); the header is the first
non-empty row; fully empty rows are skipped but every data row keeps its real sheet row number.
An empty sheet gives a Table with no headers (``header_row`` 0): that is a finding, not a read
error.

.xlsx is read with python-calamine; one streaming pass over the sheet XML adds what calamine
does not report: error cells (calamine turns them into ""), hidden rows, merged ranges and
formulas without a cached value. openpyxl (read-only) is the fallback when calamine fails or an
error cell cannot be located. .xls is read with xlrd, CSV with the standard library.

``Table.info`` may hold: ``reader`` (calamine / openpyxl / xlrd), ``delimiter`` and
``encoding`` (CSV), ``sep_line`` (the CSV started with Excel's ``sep=`` line),
``formulas_without_value`` (A1 refs of formula cells with no value Excel computed) and
``extension_mismatch`` (the file's extension, when its content is another format).

>>> import pathlib, tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> path = pathlib.Path(tmp.name) / "klanten.csv"
>>> _ = path.write_bytes(b"title;vat_id\\r\\nBakkerij;0403019261\\r\\n;\\r\\nSlagerij;#N/A\\r\\n")
>>> t = read_table(path)
>>> t.headers, t.header_row, t.row_numbers, t.info["delimiter"], t.info["encoding"]
(['title', 'vat_id'], 1, [2, 4], ';', 'utf-8')
>>> t.rows
[['Bakkerij', '0403019261'], ['Slagerij', ErrorValue(code='#N/A')]]
>>> list_sheets(path)
[]
>>> tmp.cleanup()
"""

from __future__ import annotations

import csv
import gc
import io
import os
import posixpath
import re
import warnings
import zipfile
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from numnum_xl.cells import cell_ref, column_index_of
from numnum_xl.readguard import ReaderCrash, calamine_isolated, quiet_stderr
from numnum_xl.table import EXCEL_ERRORS, ErrorValue, PackedRows, ReadError, Table

__all__ = ["MAX_FILE_BYTES", "list_sheets", "package_source", "read_table", "table_from_grid"]

#: Files larger than this are refused before reading.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Total uncompressed size of all members of an .xlsx.
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
#: Members larger than :data:`RATIO_MIN_BYTES` uncompressed may not compress better than this.
MAX_COMPRESSION_RATIO = 200
RATIO_MIN_BYTES = 4 * 1024 * 1024
#: More members than this is not a workbook.
MAX_ZIP_MEMBERS = 10_000
#: How much of each XML part is searched for a DTD (a DTD can only precede the root element).
XML_HEAD_BYTES = 64 * 1024

_INT_LIMIT = 2**53
_CHUNK = 4 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MIDNIGHT = time(0, 0)
_ERROR_VALUES = {code: ErrorValue(code) for code in EXCEL_ERRORS}
_CSV_DELIMITERS = (";", ",", "\t", "|")

#: Well-known binary signatures, for a clearer message when someone picks the wrong file.
_SIGNATURES = (
    (b"%PDF", "een PDF-bestand"),
    (b"\x89PNG", "een PNG-afbeelding"),
    (b"\xff\xd8\xff", "een JPEG-afbeelding"),
    (b"GIF8", "een GIF-afbeelding"),
    (b"\x1f\x8b", "een gzip-archief"),
    (b"7z\xbc\xaf", "een 7-Zip-archief"),
    (b"Rar!", "een RAR-archief"),
)


# --------------------------------------------------------------------------------------------
# public API


def read_table(path: str | os.PathLike[str], sheet: str | None = None) -> Table:
    """Read ``sheet`` (default: the first visible worksheet) of ``path`` into a :class:`Table`.

    Raises :class:`ReadError` with one clear Dutch sentence when the file cannot be used.
    """
    p = Path(path)
    kind = _classify(p)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of new lists: the cyclic GC would rescan them over and over
    try:
        if kind == "xlsx":
            return _read_xlsx(p, sheet, _zip_source(p))
        if kind == "encrypted":
            return _read_xlsx(p, sheet, _decrypted_ooxml(p))
        if kind == "xls":
            return _read_xls(p, sheet)
        if kind in ("ods", "xlsb"):
            return _read_native(p, sheet, kind)
        return _read_csv(p)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(_msg(p, "is te groot om in het geheugen te lezen; "
                                "splits de lijst in kleinere bestanden")) from None
    except Exception:  # a library failed in a way we did not foresee
        raise ReadError(_corrupt(p)) from None
    finally:
        if gc_was_enabled:
            gc.enable()


def list_sheets(path: str | os.PathLike[str]) -> list[str]:
    """Names of the worksheets of ``path`` in workbook order (hidden ones too, no chart sheets).

    A CSV file has no sheets: ``[]``.
    """
    p = Path(path)
    kind = _classify(p)
    try:
        if kind in ("xlsx", "encrypted"):
            src = _zip_source(p) if kind == "xlsx" else _decrypted_ooxml(p)
            with _open_zip(p, src) as zf:
                return [s.name for s in _workbook_sheets(p, zf) if s.kind == "worksheet"]
        if kind == "xls":
            try:
                return [name for name, _ in _xls_sheets(_open_xls(p))]
            except _Refused:
                return _native_sheets(p)
        if kind in ("ods", "xlsb"):
            return _native_sheets(p)
        return []
    except ReadError:
        raise
    except Exception:
        raise ReadError(_corrupt(p)) from None


def package_source(path: str | os.PathLike[str]) -> Path | io.BytesIO:
    """The .xlsx package as the readers open it: ``path`` itself, or in memory its copy with
    repaired part names (backslashes, letter case) or decrypted with Excel's default password.
    For writers that load the workbook themselves (openpyxl accepts both)."""
    p = Path(path)
    kind = _classify(p)
    if kind == "encrypted":
        return _decrypted_ooxml(p)
    if kind == "xlsx":
        return _zip_source(p)
    return p


def table_from_grid(grid: Iterable[Iterable[Any]], first_row: int, first_col: int, *,
                    source: str, sheet: str) -> Table:
    """A :class:`Table` from cell values already read, e.g. by xlwings from a live workbook.

    ``grid`` holds the rows of a rectangular block whose top-left cell is at 1-based
    ``first_row``/``first_col`` (xlwings: ``used_range.options(ndim=2, err_to_str=True).value``
    with ``used_range.row`` / ``.column``). Values are taken as the other readers take them
    (empty text → empty, whole float → int, midnight datetime → date) and an Excel error
    literal (``"#N/A"``, as xlwings gives it with ``err_to_str=True``) becomes an
    :class:`~numnum_xl.table.ErrorValue`. ``fmt`` is ``"xlsx"``, ``info["reader"]``
    ``"grid"``; hidden rows and merged cells are not known from values alone.

    >>> t = table_from_grid([[None, None, None], [None, "title", "vat_id"],
    ...                      [None, "Bakkerij", "#N/A"], [None, None, None],
    ...                      [None, "Slagerij", 403019261.0]], 3, 2, source="Map1", sheet="Blad1")
    >>> t.header_row, t.first_col, t.headers, t.row_numbers
    (4, 3, ['title', 'vat_id'], [5, 7])
    >>> t.rows
    [['Bakkerij', ErrorValue(code='#N/A')], ['Slagerij', 403019261]]
    """
    errors = _ERROR_VALUES

    def cleaned() -> Iterable[list[Any]]:
        for raw in grid:
            yield [errors.get(v, v) if v.__class__ is str and v[:1] == "#" else v for v in raw]

    rows, nums = _normalise(cleaned(), first_row)
    return _build(rows, nums, first_col, source=source, sheet=sheet, fmt="xlsx",
                  info={"reader": "grid"})


# --------------------------------------------------------------------------------------------
# messages


def _msg(p: Path, text: str) -> str:
    return f"Bestand '{p.name}' {text}."


def _corrupt(p: Path, exc: BaseException | None = None) -> str:
    """Said only after every reader that could open the file has refused it (``exc`` is
    never shown: a Python class name means nothing to the user)."""
    return _msg(p, "kan door geen enkele lezer geopend worden: het is beschadigd of geen "
                   "Excel-bestand; open het in Excel of LibreOffice en bewaar het opnieuw als "
                   ".xlsx")


def _password(p: Path) -> str:
    return _msg(p, "is met een wachtwoord beveiligd; bewaar het zonder wachtwoord "
                   "(in Excel: Bestand > Info > Werkmap beveiligen) en probeer opnieuw")


def _reraise_fatal(exc: BaseException) -> None:
    """Let Ctrl-C and friends through; Rust panics (BaseException) are translated by callers."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


# --------------------------------------------------------------------------------------------
# safety checks and content sniffing


def _classify(p: Path) -> str:
    """``"xlsx"``, ``"xls"`` or ``"csv"``, by content, after the safety checks; else ReadError."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ReadError(_msg(p, "bestaat niet; controleer de naam en de map")) from None
    except OSError as exc:
        raise ReadError(_msg(p, f"kan niet geopend worden ({exc.strerror or exc})")) from None
    if p.is_dir():
        raise ReadError(f"'{p.name}' is een map, geen bestand; geef een Excel- of CSV-bestand op.")
    if st.st_size == 0:
        raise ReadError(_msg(p, "is leeg (0 bytes); bewaar de klantenlijst opnieuw en "
                                "probeer nog eens"))
    if st.st_size > MAX_FILE_BYTES:
        raise ReadError(_msg(p, f"is te groot ({st.st_size / 2**20:.0f} MB, maximum "
                                f"{MAX_FILE_BYTES // 2**20} MB); splits de lijst in kleinere "
                                "bestanden"))
    try:
        with open(p, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise ReadError(_msg(p, f"kan niet geopend worden ({exc.strerror or exc}); sluit het "
                                "in andere programma's en controleer de leesrechten")) from None
    if head.startswith(_ZIP_MAGICS):
        return _check_zip(p, _zip_source(p))
    if head.startswith(_OLE_MAGIC):
        return _check_ole(p)
    _check_text(p, head)
    return "csv"


def _open_zip(p: Path, src: Path | io.BytesIO | None = None) -> zipfile.ZipFile:
    try:
        if isinstance(src, io.BytesIO):
            src.seek(0)
        return zipfile.ZipFile(src if src is not None else p)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(_msg(p, "is beschadigd of onvolledig (geen geldig zip-/Excel-bestand); "
                                "open het in Excel en bewaar het opnieuw als .xlsx")) from exc


def _check_zip(p: Path, src: Path | io.BytesIO | None = None) -> str:
    """Zip-based formats: valid zip, no bomb, no DTD, really a workbook we can read.

    Returns ``"xlsx"``, ``"xlsb"`` or ``"ods"``.
    """
    with _open_zip(p, src) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ReadError(_msg(p, f"wordt geweigerd: het bevat {len(infos)} onderdelen, wat "
                                    "geen gewone Excel-werkmap is; bewaar het opnieuw als .xlsx"))
        total = 0
        for info in infos:
            total += info.file_size
            if info.flag_bits & 0x1:
                raise ReadError(_password(p))
            if (info.file_size > RATIO_MIN_BYTES
                    and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)):
                raise ReadError(_msg(p, "wordt geweigerd: een onderdeel wordt bij het uitpakken "
                                        f"verdacht groot ({info.file_size / 2**20:.0f} MB uit "
                                        f"{info.compress_size / 2**10:.0f} KB, een 'zip-bom'); "
                                        "open het in Excel en bewaar het opnieuw als .xlsx"))
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ReadError(_msg(p, f"wordt geweigerd: uitgepakt is het {total / 2**30:.1f} GB "
                                    f"(maximum {MAX_UNCOMPRESSED_BYTES / 2**30:.0f} GB); splits "
                                    "de lijst in kleinere bestanden"))
        names = {i.filename for i in infos}
        for info in infos:
            low = info.filename.lower()
            if low.endswith((".xml", ".rels", ".vml")) and _xml_has_dtd(zf, info, p):
                raise ReadError(_msg(p, "wordt geweigerd: het bevat XML met een DOCTYPE- of "
                                        f"ENTITY-declaratie ({info.filename}), wat Excel nooit "
                                        "schrijft en gevaarlijk kan zijn; open het in Excel en "
                                        "bewaar het opnieuw als .xlsx"))
        lower = {n.lower().replace("\\", "/") for n in names}
        if "xl/workbook.bin" in lower:
            return "xlsb"
        if "content.xml" in lower and "mimetype" in lower:
            return "ods"
        if not any(n.endswith("workbook.xml") for n in lower):
            what = ("een Word-document" if "word/document.xml" in lower
                    else "een PowerPoint-presentatie" if "ppt/presentation.xml" in lower
                    else "een zip-bestand")
            raise ReadError(_msg(p, f"is {what}, geen Excel-werkmap; kies het juiste bestand of "
                                    "bewaar de lijst als .xlsx"))
    return "xlsx"


def _xml_has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo, p: Path) -> bool:
    """Does this XML part declare a DTD or entities before its root element?"""
    try:
        with zf.open(info) as fh:
            head = fh.read(XML_HEAD_BYTES)
    except RuntimeError as exc:  # encrypted member
        raise ReadError(_password(p)) from exc
    except Exception as exc:  # bad CRC, unsupported compression, truncated data
        raise ReadError(_msg(p, "is beschadigd (een onderdeel kan niet uitgepakt worden); open "
                                "het in Excel en bewaar het opnieuw als .xlsx")) from exc
    return _head_has_dtd(head, complete=len(head) < XML_HEAD_BYTES)


def _head_has_dtd(head: bytes, complete: bool = True) -> bool:
    """True if the XML prolog in ``head`` holds ``<!DOCTYPE``/``<!ENTITY`` (or cannot be judged).

    >>> _head_has_dtd(b'<?xml version="1.0"?><!-- x --><sst/>')
    False
    >>> _head_has_dtd(b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "a">]><sst/>')
    True
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-16-le" if head[:1] == b"<" else "utf-16-be")
        head = head.decode(enc, errors="replace").encode("utf-8")
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        return True
    i, n = 0, len(head)
    if head.startswith(b"\xef\xbb\xbf"):
        i = 3
    while True:
        while i < n and head[i] in b" \t\r\n":
            i += 1
        if i >= n:
            return not complete  # prolog longer than what we read: refuse to guess
        if head.startswith(b"<?", i):
            j = head.find(b"?>", i + 2)
        elif head.startswith(b"<!--", i):
            j = head.find(b"-->", i + 4)
        else:
            # any other declaration before the root element is refused; else this is the
            # root element (or text a parser will reject anyway)
            return head.startswith(b"<!", i)
        if j < 0:
            return not complete
        i = j + 2


def _check_ole(p: Path) -> str:
    """OLE compound files: a real .xls (``"xls"``), an encrypted OOXML workbook
    (``"encrypted"``), or something else (ReadError)."""
    from xlrd.compdoc import CompDoc

    try:
        mem = p.read_bytes()
        names = {d.name for d in CompDoc(mem, logfile=io.StringIO()).dirlist}
    except Exception:
        return "xls"  # xlrd's container reader refuses it; the readers may still open it
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return "encrypted"
    if not names & {"Workbook", "Book", "WORKBOOK", "BOOK"}:
        what = ("een Word-document" if "WordDocument" in names
                else "een PowerPoint-presentatie" if "PowerPoint Document" in names
                else "een Office-bestand")
        raise ReadError(_msg(p, f"is {what}, geen Excel-werkmap; kies het juiste bestand"))
    return "xls"


def _check_text(p: Path, head: bytes) -> None:
    """Text files only from here: refuse known binary formats and HTML/XML 'spreadsheets'."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            raise ReadError(_msg(p, f"is {what}, geen klantenlijst; kies het Excel- of "
                                    "CSV-bestand"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text (Excel's "Unicode-tekst"), checked when decoded
    if b"\x00" in head:
        raise ReadError(_binary(p))
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or (
            start.startswith(b"<") and b"<html" in head[:4096].lower()):
        raise ReadError(_msg(p, "is een webpagina (HTML), geen echte Excel-werkmap; open het in "
                                "Excel en bewaar het als .xlsx"))
    if start.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise ReadError(_msg(p, "is een XML-werkblad (Excel 2003); open het in Excel en "
                                    "bewaar het als .xlsx"))
        raise ReadError(_msg(p, "is een XML-bestand, geen klantenlijst; bewaar de lijst als "
                                ".xlsx of als CSV"))


def _binary(p: Path) -> str:
    return _msg(p, "is geen tekst- of Excel-bestand (het bevat binaire gegevens); bewaar de "
                   "klantenlijst als .xlsx of als CSV en probeer opnieuw")


#: The password Excel uses when a workbook is "encrypted" without one (Excel opens such files
#: without asking): a workbook protected only against changes, or saved with "read-only".
DEFAULT_PASSWORD = "VelvetSweatshop"


def _decrypt(p: Path, data: bytes | None = None) -> io.BytesIO:
    """The decrypted bytes of an encrypted Office file with Excel's default password
    (msoffcrypto-tool); a real password: ReadError."""
    try:
        import msoffcrypto
    except ImportError:  # pragma: no cover - a dependency
        raise ReadError(_password(p)) from None
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data if data is not None else p.read_bytes()))
        office.load_key(password=DEFAULT_PASSWORD)
        decrypted = io.BytesIO()
        office.decrypt(decrypted)
    except Exception:  # a real password, or an encryption msoffcrypto-tool cannot undo
        raise ReadError(_password(p)) from None
    decrypted.seek(0)
    return decrypted


def _decrypted_ooxml(p: Path) -> io.BytesIO:
    """An encrypted .xlsx opened with Excel's default password, checked like any zip."""
    plain = _decrypt(p)
    if not plain.getvalue().startswith(_ZIP_MAGICS):
        raise ReadError(_password(p))
    src = _zip_source(p, plain)
    if _check_zip(p, src) != "xlsx":
        raise ReadError(_password(p))
    assert isinstance(src, io.BytesIO)
    return src


#: Parts whose names readers look up literally (python-calamine, openpyxl): a writer that
#: spells them in another letter case, or with backslashes, is forgiven by renaming.
_CANONICAL_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                    "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml")


def _zip_source(p: Path, src: io.BytesIO | None = None) -> Path | io.BytesIO:
    """``p`` (or ``src``) itself, or an in-memory copy with its part names repaired:
    backslashes turned into slashes and well-known parts in their canonical letter case."""
    original = src if src is not None else p
    try:
        zf = zipfile.ZipFile(original)
    except Exception:
        return original  # _open_zip says what is wrong
    with zf:
        infos = zf.infolist()
        canonical = {c.lower(): c for c in _CANONICAL_PARTS}
        rename: dict[str, str] = {}
        for info in infos:
            name = info.filename.replace("\\", "/").lstrip("/")
            name = canonical.get(name.lower(), name)
            if name != info.filename:
                rename[info.filename] = name
        if not rename or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
            return original
        fixes = []
        for old, new in rename.items():
            o, n = old.replace("\\", "/").rsplit("/", 1)[-1], new.rsplit("/", 1)[-1]
            if o != n and o.lower() == n.lower():
                fixes.append((o.encode(), n.encode()))
        repaired = io.BytesIO()
        try:
            with zipfile.ZipFile(repaired, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in infos:
                    data = zf.read(info)
                    name = rename.get(info.filename, info.filename)
                    if fixes and name.endswith((".rels", ".xml")):
                        for o, n in fixes:  # references to a renamed part
                            data = data.replace(b"/" + o + b'"', b"/" + n + b'"').replace(
                                b'"' + o + b'"', b'"' + n + b'"')
                    dst.writestr(name, data)
        except Exception:  # encrypted or broken members: _check_zip says what is wrong
            return original
    repaired.seek(0)
    return repaired


# --------------------------------------------------------------------------------------------
# building the Table from a grid of raw values (shared by all formats)


def _normalise(grid: Iterable[list[Any]], row0: int) -> tuple[list[list[Any]], list[int]]:
    """One tight pass: empty → None, whole float → int, midnight datetime → date.

    Returns the non-empty rows and their 1-based sheet row numbers (``row0`` is the row of
    ``grid[0]``). ``grid`` may be an iterator: each raw row is dropped once normalised, so the
    sheet is never held twice. A value repeated down a column (country codes, towns,
    languages, postcodes, legal forms) becomes one shared object: each column keeps the
    distinct texts and numbers it has seen until it has :data:`INTERN_PER_COLUMN` of them (a
    column of names or VAT numbers stops there; one of countries never gets there).

    >>> rows, nums = _normalise(iter([["Gent", 9000.0, ""], ["Gent", 9000.0, "x"]]), 2)
    >>> rows, nums, rows[0][0] is rows[1][0] and rows[0][1] is rows[1][1]
    ([['Gent', 9000, None], ['Gent', 9000, 'x']], [2, 3], True)
    """
    rows: list[list[Any]] = []
    nums: list[int] = []
    add_row, add_num = rows.append, nums.append
    for num, vals in _normalised(enumerate(grid, row0)):
        add_row(vals)
        add_num(num)
    return rows, nums


def _normalised(numbered: Iterable[tuple[int, list[Any]]]) -> Iterable[tuple[int, list[Any]]]:
    """:func:`_normalise` for ``(sheet row, raw values)`` pairs, as a generator: the
    non-empty rows, normalised, with their row numbers."""
    limit = _INT_LIMIT
    str_, float_, datetime_ = str, float, datetime
    pools: list[dict[Any, Any] | None] = []  # per column: value -> the one shared object
    cap = INTERN_PER_COLUMN
    for num, raw in numbered:
        vals = [
            (v or None) if v.__class__ is str_
            else (int(v) if v.is_integer() and -limit < v < limit else v)
            if v.__class__ is float_
            else (v.date() if v.time() == _MIDNIGHT and v.tzinfo is None else v)
            if v.__class__ is datetime_
            else v
            for v in raw
        ]
        if not vals or (vals[0] is None and vals.count(None) == len(vals)):
            continue
        if len(vals) > len(pools):
            pools.extend({} for _ in range(len(vals) - len(pools)))
        for j, pool in enumerate(pools[:len(vals)]):
            if pool is None:
                continue
            v = vals[j]
            if v.__class__ is str_ or v.__class__ is int:  # never bool/float: 1 == 1.0 == True
                shared = pool.setdefault(v, v)
                if shared is not v:
                    vals[j] = shared
                elif len(pool) > cap:
                    pools[j] = None  # a column of mostly distinct values: stop looking
        yield num, vals


#: Distinct values per column that :func:`_normalise` shares before it gives up on a column.
INTERN_PER_COLUMN = 4096


def _header_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (date, time)):
        return v.isoformat()
    return str(v).strip()


def _build(rows: list[list[Any]], nums: list[int], col0: int, *, source: str, sheet: str,
           fmt: str, info: dict[str, Any]) -> Table:
    """Header = first row; trim leading/trailing empty columns; pad rows to the header width."""
    if not rows:
        return Table(source=source, sheet=sheet, fmt=fmt, header_row=0, first_col=1,
                     headers=[], rows=[], row_numbers=[], info=info)
    width = max(map(len, rows))
    lo, hi = width, -1
    for vals in rows:
        j = len(vals) - 1
        if j > hi:
            while j > hi and vals[j] is None:
                j -= 1
            hi = j
        if lo:
            k, n = 0, min(lo, len(vals))
            while k < n and vals[k] is None:
                k += 1
            lo = k
    ncols = hi - lo + 1
    if lo or any(len(r) != ncols for r in rows):
        pad = [None] * ncols
        rows = [
            r[lo:hi + 1] if len(r) > hi else (r[lo:] + pad)[:ncols]
            for r in rows
        ]
    headers = [_header_text(v) for v in rows[0]]
    return Table(source=source, sheet=sheet, fmt=fmt, header_row=nums[0], first_col=col0 + lo,
                 headers=headers, rows=rows[1:], row_numbers=nums[1:], info=info)


def _has_row(table: Table, r: int) -> bool:
    nums = table.row_numbers
    i = bisect_left(nums, r)
    return r == table.header_row or (i < len(nums) and nums[i] == r)


def _attach_layout(table: Table, hidden: Iterable[int],
                   merged: Iterable[tuple[int, int, int, int]]) -> None:
    """Keep the hidden rows that hold content and the merged ranges touching the table.

    ``merged`` holds 1-based inclusive ``(first_row, first_col, last_row, last_col)``.
    """
    if not table.headers:
        return
    table.hidden_rows = {r for r in hidden if _has_row(table, r)}
    top = table.header_row
    bottom = table.row_numbers[-1] if table.row_numbers else top
    left, right = table.first_col, table.first_col + len(table.headers) - 1
    out = []
    for r1, c1, r2, c2 in sorted(set(merged)):
        if r1 <= bottom and r2 >= top and c1 <= right and c2 >= left:
            out.append(f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}")
    table.merged = out


# --------------------------------------------------------------------------------------------
# xlsx / xlsm


@dataclass
class _SheetRef:
    name: str
    part: str | None
    state: str  # visible | hidden | veryHidden
    kind: str  # worksheet | chartsheet | dialogsheet | macrosheet | ?


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return zf.read(name)
    except KeyError:
        for n in zf.namelist():  # some writers get the case of part names wrong
            if n.lower() == name.lower():
                return zf.read(n)
        return None


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: ``{Id: (type, resolved part name)}``."""
    from defusedxml import ElementTree

    folder, base = posixpath.split(part)
    data = _read_part(zf, posixpath.join(folder, "_rels", base + ".rels"))
    out: dict[str, tuple[str, str]] = {}
    if data is None:
        return out
    for el in ElementTree.fromstring(data).iter():
        if _local(el.tag) != "Relationship" or el.get("TargetMode") == "External":
            continue
        target = unquote(el.get("Target", ""))
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out[el.get("Id", "")] = (el.get("Type", ""), resolved)
    return out


def _workbook_sheets(p: Path, zf: zipfile.ZipFile) -> list[_SheetRef]:
    """All sheets of the workbook (name, part, visibility, kind), in workbook order."""
    from defusedxml import ElementTree

    wb_part = next((t for typ, t in _rels(zf, "").values()
                    if typ.endswith("/officeDocument")), "xl/workbook.xml")
    data = _read_part(zf, wb_part)
    if data is None:
        raise ReadError(_msg(p, "is geen volledige Excel-werkmap (het werkmap-onderdeel "
                                "ontbreekt); open het in Excel en bewaar het opnieuw als .xlsx"))
    rels = _rels(zf, wb_part)
    sheets = []
    for el in ElementTree.fromstring(data).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items()
                    if _local(k) == "id" and k.startswith("{")), "")
        typ, part = rels.get(rid, ("", None))
        kind = typ.rsplit("/", 1)[-1] if typ else "worksheet"
        if kind == "xlMacrosheet" or kind == "xlIntlMacrosheet":
            kind = "macrosheet"
        sheets.append(_SheetRef(el.get("name", ""), part, el.get("state", "visible"), kind))
    return sheets


def _choose(p: Path, names: list[tuple[str, str]], sheet: str | None) -> str:
    """Pick a sheet from ``(name, state)`` worksheets: the named one or the first visible."""
    if not names:
        raise ReadError(_msg(p, "bevat geen werkblad met gegevens (alleen grafieken of "
                                "macro's); bewaar de klantenlijst in een gewoon werkblad"))
    if sheet is None:
        return next((n for n, state in names if state == "visible"), names[0][0])
    for n, _ in names:
        if n == sheet:
            return n
    folded = [n for n, _ in names if n.strip().casefold() == sheet.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(f"'{n}'" for n, _ in names)
    raise ReadError(f"Werkblad '{sheet}' bestaat niet in '{p.name}'; kies een van deze "
                    f"werkbladen: {listed}.")


_C_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_C_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c\s*>")
_ROW_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_R_NUM = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_R_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)["']""")
_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_V = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v\s*>([^<]*)</(?:[A-Za-z_][\w.-]*:)?v\s*>")
_T_STR = re.compile(rb"""\st\s*=\s*["']str["']""")
_MERGE = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref\s*=\s*["']([^"']+)["']""")
_XML_ENTITIES = {b"&lt;": b"<", b"&gt;": b">", b"&amp;": b"&", b"&quot;": b'"', b"&apos;": b"'"}


@dataclass
class _Scan:
    """What one streaming pass over a sheet's XML found."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 1-based
    unlocated_errors: bool = False
    #: the last row (from the row tags, and cell references beyond Excel's grid) and the
    #: farthest column beyond Z of a cell holding a value: what python-calamine's grid spans
    max_row: int = 0
    max_col: int = 0
    far_ref: str = ""
    hidden: set[int] = field(default_factory=set)
    formulas_without_value: list[str] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


#: A cell reference beyond column ZZ, or beyond Excel's last row (``r="XFD7"``,
#: ``r="A99999999999"``): rare, each one checked. The ``_FAST`` forms start with a literal
#: (the regex engine then skips ahead quickly); the general forms are used for a segment that
#: writes its attributes unusually (``r = '…'``).
_FAR_REF_FAST = re.compile(rb"""r="\$?([A-Za-z]{3,}|[A-Za-z]{1,2}(?=\$?\d{8}))\$?(\d+)\"""")
_FAR_REF = re.compile(rb"""r\s*=\s*["']\$?([A-Za-z]{3,}|[A-Za-z]{1,2}(?=\$?\d{8}))\$?(\d+)["']""")
#: The two letters of references in columns AA..ZZ (only the largest matters).
_COL2_FAST = re.compile(rb"""r="\$?([A-Z]{2})\$?\d""")
_COL2 = re.compile(rb"""r\s*=\s*["']\$?([A-Z]{2})\$?\d""")
#: Attribute spellings the fast forms miss (single quotes, spaces around "=").
_UNUSUAL_ATTR = (b"r='", b"= ", b" =")
_ROW_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*["'](\d+)["']""")


def _scan_extent(seg: bytes, scan: _Scan) -> None:
    """Track the extent python-calamine would allocate a dense grid for: the last row tag of
    the segment, the largest two-letter column, and every reference beyond column ZZ or the
    last row (rare, so each is checked for holding a value)."""
    last = seg.rfind(b"<row")
    while last >= 0:
        m = _ROW_TAG.match(seg, last)
        if m:
            scan.max_row = max(scan.max_row, int(m.group(1)))
            break
        last = seg.rfind(b"<row", 0, last)
    unusual = any(form in seg for form in _UNUSUAL_ATTR)
    far_ref, col2 = (_FAR_REF, _COL2) if unusual else (_FAR_REF_FAST, _COL2_FAST)
    if scan.max_col < 703:
        found = max(col2.findall(seg), default=b"")
        if found:
            scan.max_col = max(scan.max_col, _col_number(found))
    for m in far_ref.finditer(seg):
        start = seg.rfind(b"<", 0, m.start())
        if start < 0 or not _C_OPEN.match(seg, start) or seg.find(b">", start, m.start()) >= 0:
            continue
        end = seg.find(b">", m.end())
        if end > 0 and seg[end - 1:end] == b"/":
            continue  # <c r="XFD9" s="1"/>: formatting only, no value
        row, col = int(m.group(2)), _col_number(m.group(1))
        if col > scan.max_col or row > scan.max_row:
            scan.far_ref = (m.group(1) + m.group(2)).decode("ascii", "replace")
        scan.max_row, scan.max_col = max(scan.max_row, row), max(scan.max_col, col)
    for m in _ROW_TAG.finditer(seg) if scan.max_row > MAX_ROWS and not scan.far_ref else ():
        if int(m.group(1)) > MAX_ROWS:
            scan.far_ref = f"rij {int(m.group(1))}"
            break


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> _Scan:
    """Stream the sheet XML once for what calamine does not tell us.

    Error cells (calamine turns them into ""), hidden rows, formulas without a cached value
    and merged ranges. Cheap: mostly ``bytes.find`` over decompressed chunks; regexes only run
    on chunks that contain a hint.
    """
    scan = _Scan()
    try:
        fh = zf.open(part)
    except KeyError:
        return scan
    with fh:
        left = b""
        hints: _Hints | None = None
        while True:
            chunk = fh.read(_CHUNK)
            buf = left + chunk if left else chunk
            if hints is None:
                hints = _scan_hints(buf)
            if not chunk:
                _scan_segment(buf, scan, hints)
                if b"mergeCell" in buf:  # mergeCells follow sheetData: always in the tail
                    for m in _MERGE.finditer(buf):
                        rng = _parse_range(m.group(1).decode("ascii", "replace"))
                        if rng:
                            scan.merged.append(rng)
                break
            cut = buf.rfind(b"row>")  # after a complete row start/end tag: no cell is split
            if cut < 0:
                left = buf
                continue
            cut += 4
            _scan_segment(buf[:cut] if cut < len(buf) else buf, scan, hints)
            left = buf[cut:]
    return scan


_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")


@dataclass(frozen=True)
class _Hints:
    """The byte patterns that betray error cells and formulas in this writer's XML style."""

    errors: tuple[bytes, ...]
    formula: bytes
    #: how a formula cell without a cached value ends (Excel never pretty-prints its XML)
    no_value_ends: tuple[bytes, ...]
    self_closing_end: bytes
    cell_start: bytes
    f_start: bytes
    v_start: bytes


def _scan_hints(head: bytes) -> _Hints:
    """Writers are consistent: one namespace prefix (usually none) and one quote character,
    so each segment needs only a few ``in`` tests (each one a full pass over the bytes).
    """
    m = _ROOT.search(head, 0, 65536)
    px = (m.group(1) or b"") if m else b""
    errors = (b't="e"', b"t='e'") if b"='" in head[:65536] else (b't="e"',)
    f_end, c_end = b"</" + px + b"f>", b"</" + px + b"c>"
    ends = (f_end + c_end, f_end + b"<" + px + b"v/>" + c_end,
            f_end + b"<" + px + b"v />" + c_end,
            f_end + b"<" + px + b"v></" + px + b"v>" + c_end)
    return _Hints(errors, b"<" + px + b"f", ends, b"/>" + c_end, b"<" + px + b"c ",
                  b"<" + px + b"f", b"<" + px + b"v")


def _scan_segment(seg: bytes, scan: _Scan, hints: _Hints) -> None:
    _scan_extent(seg, scan)
    _scan_segment_marks(seg, scan, hints)


def _scan_segment_marks(seg: bytes, scan: _Scan, hints: _Hints) -> None:
    if any(h in seg for h in hints.errors):
        _scan_errors(seg, scan)
    if b"hidden" in seg:
        pos = seg.find(b"hidden")
        while pos >= 0:
            start = seg.rfind(b"<", 0, pos)
            end = seg.find(b">", pos)
            if (start >= 0 and end > 0 and _ROW_OPEN.match(seg, start)
                    and seg.find(b">", start, pos) < 0):
                tag = seg[start:end]
                if _HIDDEN.search(tag):
                    m = _R_NUM.search(tag)
                    if m:
                        scan.hidden.add(int(m.group(1)))
            pos = seg.find(b"hidden", pos + 6)
    if hints.formula in seg:
        _scan_formulas(seg, scan, hints)


def _scan_formulas(seg: bytes, scan: _Scan, hints: _Hints) -> None:
    """Formula cells without a cached value: found by how such a cell ends, not by regex.

    An empty ``<v>`` in a ``t="str"`` cell is a formula whose result is the empty string.
    """
    hits: list[tuple[int, bool]] = []  # (position, the cell has a <v> element)
    for k, end in enumerate(hints.no_value_ends):
        pos = seg.find(end)
        while pos >= 0:
            hits.append((pos, k > 0))
            pos = seg.find(end, pos + len(end))
    pos = seg.find(hints.self_closing_end)
    while pos >= 0:  # <f t="shared" si="0"/></c> or <f …/><v/></c>
        tag = seg.rfind(b"<", 0, pos)
        has_v = seg.startswith(hints.v_start, tag)
        if has_v:
            prev = seg.rfind(b"<", 0, tag)
            tag = prev if seg[prev:tag].endswith(b"/>") else -1
        if tag >= 0 and seg.startswith(hints.f_start, tag) \
                and seg[tag + len(hints.f_start):tag + len(hints.f_start) + 1] in b" \t\r\n/":
            hits.append((pos, has_v))
        pos = seg.find(hints.self_closing_end, pos + 2)
    for pos, has_v in sorted(hits):
        start = seg.rfind(hints.cell_start, 0, pos)
        if start < 0:
            continue
        attrs = seg[start:seg.find(b">", start)]
        if has_v and _T_STR.search(attrs):
            continue
        ref = _R_REF.search(attrs)
        if ref:
            scan.formulas_without_value.append((ref.group(1) + ref.group(2)).decode())


def _scan_errors(seg: bytes, scan: _Scan) -> None:
    for pattern in (b't="e"', b"t='e'"):
        pos = seg.find(pattern)
        while pos >= 0:
            nxt = pos + len(pattern)
            start = seg.rfind(b"<", 0, pos)
            if (pos and seg[pos - 1] in b" \t\r\n" and start >= 0
                    and _C_OPEN.match(seg, start) and seg.find(b">", start, pos) < 0):
                tag_end = seg.find(b">", pos)
                ref = _R_REF.search(seg, start, tag_end)
                if ref is None:
                    scan.unlocated_errors = True
                elif tag_end > 0 and seg[tag_end - 1:tag_end] != b"/":
                    close = _C_CLOSE.search(seg, tag_end)
                    stop = close.start() if close else len(seg)
                    v = _V.search(seg, tag_end, stop)
                    if v is not None:
                        code = v.group(1).strip()
                        for ent, ch in _XML_ENTITIES.items():
                            code = code.replace(ent, ch)
                        key = (int(ref.group(2)), _col_number(ref.group(1)))
                        scan.errors[key] = code.decode("utf-8", "replace")
            pos = seg.find(pattern, nxt)


def _parse_range(text: str) -> tuple[int, int, int, int] | None:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?", text.strip())
    if not m:
        return None
    c1, r1 = column_index_of(m.group(1).upper()), int(m.group(2))
    c2 = column_index_of(m.group(3).upper()) if m.group(3) else c1
    r2 = int(m.group(4)) if m.group(4) else r1
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _read_xlsx(p: Path, sheet: str | None, src: Path | io.BytesIO | None = None) -> Table:
    """Read an .xlsx package (``src``: the file, or its repaired/decrypted copy in memory).

    The sheet's XML is scanned first; python-calamine (which allocates one dense grid from
    the first to the last cell holding a value) only sees sheets whose grid fits
    :data:`MAX_DENSE_CELLS` and whose shared-string count is plausible. Others are read
    sparsely by openpyxl; a cell beyond Excel's grid is refused.
    """
    src = src if src is not None else p
    with _open_zip(p, src) as zf:
        try:
            refs = _workbook_sheets(p, zf)
        except ReadError:
            raise
        except Exception:
            raise ReadError(_corrupt(p)) from None
        worksheets = [s for s in refs if s.kind == "worksheet"]
        name = _choose(p, [(s.name, s.state) for s in worksheets], sheet)
        ref = next(s for s in worksheets if s.name == name)
        part = ref.part
        if part is not None and part not in set(zf.namelist()):
            part = next((n for n in zf.namelist() if n.lower() == part.lower()), None)
        scan = _scan_sheet(zf, part) if part else _Scan()
        sst_ok = _plausible_sst(zf)
        big = part is not None and zf.getinfo(part).file_size >= STREAM_MIN_BYTES
        streamed = None
        if big and not scan.unlocated_errors and not (
                scan.max_row * max(scan.max_col, 26) > MAX_DENSE_CELLS or not sst_ok):
            assert part is not None
            streamed = _streamed_rows(p, zf, part)
    if scan.max_row > MAX_ROWS or scan.max_col > MAX_COLS:
        raise ReadError(_msg(p, f"bevat een cel buiten het Excel-raster ({scan.far_ref}; een "
                                f"werkblad heeft hoogstens 1.048.576 rijen en {MAX_COLS} "
                                "kolommen, tot XFD); zo'n bestand maakt Excel niet: open het in "
                                "het programma dat het maakte en bewaar het opnieuw als .xlsx"))
    info: dict[str, Any] = {}
    if scan.formulas_without_value:
        info["formulas_without_value"] = scan.formulas_without_value
    if p.suffix.lower() not in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        info["extension_mismatch"] = p.suffix.lower()
    sparse = scan.max_row * max(scan.max_col, 26) > MAX_DENSE_CELLS or not sst_ok
    if streamed is not None:
        info["reader"] = "stream"
        table = _build_packed(streamed[0], streamed[1], source=str(p), sheet=name, info=info)
        _attach_layout(table, scan.hidden, scan.merged)
        return table
    grid: Iterable[list[Any]] | None = None
    if not scan.unlocated_errors and not sparse:
        try:
            with quiet_stderr():  # a Rust panic prints a backtrace there
                grid, row0, col0 = _calamine_grid(p, name, src)
            info["reader"] = "calamine"
        except ReadError:
            raise
        except BaseException as exc:  # CalamineError, or a Rust panic (BaseException)
            _reraise_fatal(exc)
            grid = None
    rows: list[list[Any]] | None = None
    if grid is not None:
        try:  # python-calamine converts each cell as the row is taken: it may panic here too
            with quiet_stderr():
                rows, nums = _normalise(_patch_errors(grid, row0, col0, scan.errors), row0)
        except ReadError:
            raise
        except BaseException as exc:  # a Rust panic (e.g. a date out of range) or CalamineError
            _reraise_fatal(exc)
            rows = None
    if rows is None:
        grid, row0, col0 = _openpyxl_grid(p, name, src)
        info["reader"] = "openpyxl"
        rows, nums = _normalise(grid, row0)
    del grid
    if sparse:
        far = _drop_far_cells(rows, nums, col0)
        if far:
            info["far_cells"] = far
            kept = [i for i, vals in enumerate(rows) if any(v is not None for v in vals)]
            rows, nums = [rows[i] for i in kept], [nums[i] for i in kept]
    table = _build(rows, nums, col0, source=str(p), sheet=name, fmt="xlsx", info=info)
    _attach_layout(table, scan.hidden, scan.merged)
    return table


#: Sheet XML (uncompressed) from which the sheet is streamed (:mod:`numnum_xl.sheetstream`)
#: and its rows kept packed (:class:`~numnum_xl.table.PackedRows`) instead of read by
#: python-calamine, which holds a dense grid of the whole sheet, into Python lists: about
#: 1.3 M cells of a typical customer list (150,000 rows of 22 columns, 100 MB of memory with
#: python-calamine, 0.5 GB as Python lists). Below it python-calamine is 2x faster.
STREAM_MIN_BYTES = 192 * 1024 * 1024


def _streamed_rows(p: Path, zf: zipfile.ZipFile, part: str
                   ) -> tuple[PackedRows, list[int]] | None:
    """The sheet's non-empty rows, normalised and packed, with their row numbers; None when
    the XML holds what :mod:`numnum_xl.sheetstream` does not mirror (python-calamine then)."""
    from numnum_xl import sheetstream

    wb_part = next((t for typ, t in _rels(zf, "").values()
                    if typ.endswith("/officeDocument")), "xl/workbook.xml")
    rels = {typ.rsplit("/", 1)[-1]: target for typ, target in _rels(zf, wb_part).values()}
    names = set(zf.namelist())

    def present(name: str | None) -> str | None:
        if name is None or name in names:
            return name
        return next((n for n in names if n.lower() == name.lower()), None)

    wb = _read_part(zf, wb_part) or b""
    is_1904 = re.search(rb"""date1904\s*=\s*["'](?:1|true)["']""", wb) is not None
    nums: list[int] = []
    try:
        strings = sheetstream.read_shared_strings(zf, present(rels.get("sharedStrings")))
        styles_part = present(rels.get("styles"))
        styles = sheetstream.date_styles(_read_part(zf, styles_part) if styles_part else None)
        pairs = sheetstream.iter_sheet_rows(zf, part, strings, styles, is_1904)

        def rows() -> Iterable[list[Any]]:
            for num, vals in _normalised(pairs):
                nums.append(num)
                yield vals

        packed = PackedRows.pack(rows())
    except (sheetstream.Unstreamable, IndexError, KeyError, ValueError, OverflowError,
            UnicodeDecodeError):  # e.g. a shared string index beyond the list
        return None  # python-calamine reads it (or says what is wrong) as before
    return packed, nums


def _build_packed(rows: PackedRows, nums: list[int], *, source: str, sheet: str,
                  info: dict[str, Any]) -> Table:
    """:func:`_build` for packed rows (read from column A): repacked only when columns must
    be trimmed or rows padded."""
    if not len(rows):
        return Table(source=source, sheet=sheet, fmt="xlsx", header_row=0, first_col=1,
                     headers=[], rows=[], row_numbers=[], info=info)
    lo, hi = 1 << 30, -1
    same = True
    width = -1
    for vals in rows:
        n = len(vals)
        if width < 0:
            width = n
        elif n != width:
            same = False
        j = n - 1
        if j > hi:
            while j > hi and vals[j] is None:
                j -= 1
            hi = j
        if lo:
            k, m = 0, min(lo, n)
            while k < m and vals[k] is None:
                k += 1
            lo = k
    ncols = hi - lo + 1
    if lo or not same or width != ncols:
        pad = [None] * ncols
        rows = PackedRows.pack(r[lo:hi + 1] if len(r) > hi else (r[lo:] + pad)[:ncols]
                               for r in rows)
    headers = [_header_text(v) for v in rows[0]]
    return Table(source=source, sheet=sheet, fmt="xlsx", header_row=nums[0], first_col=1 + lo,
                 headers=headers, rows=rows[1:], row_numbers=nums[1:], info=info)


#: Excel's grid.
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
#: Largest grid (rows x columns from A1 to the farthest cell holding a value) handed to
#: python-calamine, which allocates it densely; larger sheets are read sparsely.
MAX_DENSE_CELLS = 30_000_000
#: A cell more than this many columns right of the last header is "far away": a stray value
#: (e.g. a space in XFD1048576), reported and left out of the table.
FAR_COLUMNS = 64
_SST_COUNT = re.compile(rb"""\b(?:uniqueCount|count)\s*=\s*["'](\d+)["']""")


def _plausible_sst(zf: zipfile.ZipFile) -> bool:
    """Whether the shared-strings part's counts fit its size (python-calamine reserves memory
    for the count it declares: ``uniqueCount="4294967295"`` aborts the process)."""
    info = next((i for i in zf.infolist()
                 if i.filename.lower().endswith("sharedstrings.xml")), None)
    if info is None:
        return True
    try:
        with zf.open(info) as fh:
            head = fh.read(4096)
    except Exception:
        return True  # the readers say what is wrong
    # every string takes at least "<si/>" (5 bytes)
    limit = info.file_size // 5 + 16
    return all(int(m.group(1)) <= limit for m in _SST_COUNT.finditer(head[:2048]))


def _drop_far_cells(rows: list[list[Any]], nums: list[int], col0: int) -> list[str]:
    """Remove values far to the right of the header (see :data:`FAR_COLUMNS`); their refs.

    >>> rows = [["title", None], ["A"] + [None] * 99 + [" "]]
    >>> _drop_far_cells(rows, [1, 2], 1), rows[1]
    (['CW2'], ['A'])
    """
    if not rows:
        return []
    header = rows[0]
    last = max((j for j, v in enumerate(header) if v is not None), default=-1)
    limit = last + FAR_COLUMNS
    far: list[str] = []
    for vals, num in zip(rows, nums, strict=False):
        if len(vals) > limit + 1:
            for j in range(limit + 1, len(vals)):
                if vals[j] is not None:
                    far.append(cell_ref(num, col0 + j))
            del vals[limit + 1:]
            while vals and vals[-1] is None:
                vals.pop()
    return far


def _calamine_grid(p: Path, name: str, src: Path | io.BytesIO | None = None
                   ) -> tuple[Iterable[list[Any]], int, int]:
    """python-calamine's rows of sheet ``name``, one Python list at a time (an iterator: the
    whole sheet as Python lists is never built), with the 1-based row and column of the first."""
    import python_calamine as pc

    src = src if src is not None else p
    try:
        if isinstance(src, io.BytesIO):
            src.seek(0)
            opened = pc.CalamineWorkbook.from_filelike(src)
        else:
            opened = pc.CalamineWorkbook.from_path(str(src))
        with opened as wb:
            ws = wb.get_sheet_by_name(name)
            start = ws.start
    except pc.PasswordError:
        raise ReadError(_password(p)) from None
    if start is None:
        return [], 1, 1
    # iter_rows starts at the sheet's first row (the empty rows above the data included) and
    # at the first column holding a value (tests/test_readers.py pins this)
    return ws.iter_rows(), 1, start[1] + 1


def _patch_errors(grid: Iterable[list[Any]], row0: int, col0: int,
                  errors: dict[tuple[int, int], str]) -> Iterable[list[Any]]:
    """Put the error cells the XML scan found back into calamine's rows (it gives "").

    >>> list(_patch_errors(iter([["a", ""], ["b", ""]]), 1, 1, {(2, 2): "#N/A", (3, 1): "#REF!"}))
    [['a', ''], ['b', ErrorValue(code='#N/A')], [ErrorValue(code='#REF!')]]
    """
    if not errors:
        yield from grid
        return
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), code in errors.items():
        if r >= row0 and c >= col0:  # calamine's region always covers its cells; be safe
            by_row.setdefault(r - row0, []).append((c - col0, code))
    last = -1
    for last, row in enumerate(grid):
        if last in by_row:
            yield _patched(row, by_row.pop(last))
        else:
            yield row
    for i in sorted(by_row):  # rows beyond calamine's region (never seen; be safe)
        while last + 1 < i:
            last += 1
            yield []
        last = i
        yield _patched([], by_row[i])


def _patched(row: list[Any], cells: list[tuple[int, str]]) -> list[Any]:
    for j, code in cells:
        if len(row) <= j:
            row.extend([""] * (j + 1 - len(row)))
        row[j] = _ERROR_VALUES.get(code) or ErrorValue(code)
    return row


def _openpyxl_grid(p: Path, name: str, src: Path | io.BytesIO | None = None
                   ) -> tuple[list[list[Any]], int, int]:
    """The slow but thorough path: openpyxl read-only (values Excel last computed).

    Sparse: a row missing from the XML costs one shared empty list, so a stray cell in row
    1,048,576 does not make a dense grid.
    """
    import openpyxl

    src = src if src is not None else p
    if isinstance(src, io.BytesIO):
        src.seek(0)
    empty: list[Any] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(src, read_only=True, data_only=True, keep_links=False)
        except Exception:
            raise ReadError(_corrupt(p)) from None
        try:
            ws = wb[name]
            ws.reset_dimensions()
            grid: list[list[Any]] = []
            for row in ws.iter_rows():
                if not row:
                    grid.append(empty)
                    continue
                vals: list[Any] = []
                for cell in row:
                    col = getattr(cell, "column", None)
                    if col is None:
                        continue
                    v = cell.value
                    if v is not None and cell.data_type == "e":
                        v = _ERROR_VALUES.get(str(v)) or ErrorValue(str(v))
                    if len(vals) < col - 1:
                        vals.extend([None] * (col - 1 - len(vals)))
                    vals.append(v)
                grid.append(vals)
        except Exception:
            raise ReadError(_corrupt(p)) from None
        finally:
            wb.close()
    return grid, 1, 1


# --------------------------------------------------------------------------------------------
# xls


class _Refused(ReadError):
    """xlrd could not read the file (another reader may)."""


def _open_xls(p: Path, data: bytes | None = None) -> Any:
    import xlrd

    log = io.StringIO()  # xlrd prints warnings to stdout by default: keep them out of --json
    where: dict[str, Any] = {"file_contents": data} if data is not None else {
        "filename": str(p)}
    try:
        try:
            return xlrd.open_workbook(formatting_info=True, logfile=log, **where)
        except NotImplementedError:
            return xlrd.open_workbook(logfile=log, **where)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            if data is None:  # Excel's default password opens it without asking
                return _open_xls(p, _decrypt(p).getvalue())
            raise ReadError(_password(p)) from None
        raise _Refused(_corrupt(p)) from None
    except Exception:
        raise _Refused(_corrupt(p)) from None


def _xls_sheets(book: Any) -> list[tuple[str, str]]:
    states = {0: "visible", 1: "hidden", 2: "veryHidden"}
    return [(book.sheet_names()[i], states.get(book.sheet_by_index(i).visibility, "visible"))
            for i in range(book.nsheets)]


def _read_xls(p: Path, sheet: str | None) -> Table:
    import xlrd
    from xlrd.biffh import error_text_from_code

    try:
        book = _open_xls(p)
    except _Refused:
        return _read_native(p, sheet, "xls")
    try:
        name = _choose(p, _xls_sheets(book), sheet)
        try:
            sh = book.sheet_by_name(name)
        except Exception:
            return _read_native(p, sheet, "xls")
        text, number, dt, boolean, error = (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER,
                                            xlrd.XL_CELL_DATE, xlrd.XL_CELL_BOOLEAN,
                                            xlrd.XL_CELL_ERROR)
        grid: list[list[Any]] = []
        for r in range(sh.nrows):
            vals: list[Any] = []
            for t, v in zip(sh.row_types(r), sh.row_values(r), strict=False):
                if t in (text, number):
                    vals.append(v)
                elif t == dt:
                    vals.append(_xls_date(v, book.datemode))
                elif t == boolean:
                    vals.append(bool(v))
                elif t == error:
                    code = error_text_from_code.get(v, f"#ERR{v}")
                    vals.append(_ERROR_VALUES.get(code) or ErrorValue(code))
                else:
                    vals.append(None)
            grid.append(vals)
        hidden = {r + 1 for r, ri in getattr(sh, "rowinfo_map", {}).items()
                  if getattr(ri, "hidden", 0)}
        merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sh.merged_cells]
    finally:
        book.release_resources()
    info: dict[str, Any] = {"reader": "xlrd"}
    if p.suffix.lower() != ".xls":
        info["extension_mismatch"] = p.suffix.lower()
    rows, nums = _normalise(grid, 1)
    table = _build(rows, nums, 1, source=str(p), sheet=name, fmt="xls", info=info)
    _attach_layout(table, hidden, merged)
    return table


def _native(p: Path, sheet: str | None) -> tuple[list[str], str, list[list[Any]], int, int]:
    """python-calamine in a child process (see :mod:`numnum_xl.readguard`)."""
    try:
        return calamine_isolated(str(p), sheet)
    except ReaderCrash as exc:
        if exc.kind == "password":
            raise ReadError(_password(p)) from None
        if exc.kind == "sheet":
            listed = ", ".join(f"'{n}'" for n in exc.detail.split(", ") if n)
            raise ReadError(f"Werkblad '{sheet}' bestaat niet in '{p.name}'; kies een van deze "
                            f"werkbladen: {listed}.") from None
        if exc.kind in ("abort", "panic"):
            raise ReadError(_msg(p, "kan niet gelezen worden: de lezer stopte op iets in het "
                                    "bestand dat hij niet aankan (bv. een cel ver buiten de "
                                    "lijst of een ongeldige datum); open het in Excel of "
                                    "LibreOffice en bewaar het opnieuw als .xlsx")) from None
        raise ReadError(_corrupt(p)) from None


def _native_sheets(p: Path) -> list[str]:
    return _native(p, None)[0]


_NATIVE_SUFFIXES = {"xls": (".xls", ".xlt"), "ods": (".ods", ".ots"),
                    "xlsb": (".xlsb",)}


def _read_native(p: Path, sheet: str | None, kind: str) -> Table:
    """.ods, .xlsb and the .xls files xlrd refuses: python-calamine, isolated."""
    _, name, grid, row0, col0 = _native(p, sheet)
    info: dict[str, Any] = {"reader": "calamine"}
    if p.suffix.lower() not in _NATIVE_SUFFIXES[kind]:
        info["extension_mismatch"] = p.suffix.lower()
    rows, nums = _normalise(grid, row0)
    del grid
    return _build(rows, nums, col0, source=str(p), sheet=name, fmt="xls", info=info)


def _xls_date(v: float, datemode: int) -> Any:
    from xlrd.xldate import xldate_as_datetime

    try:
        if 0 <= v < 1:
            return xldate_as_datetime(v, datemode).time()
        return xldate_as_datetime(v, datemode)
    except Exception:  # out of range: keep the number Excel stored
        return v


# --------------------------------------------------------------------------------------------
# csv / txt


def _decode(p: Path, data: bytes) -> tuple[str, str, int]:
    """``(text, encoding, bad UTF-8 sequences)``; see :mod:`numnum_xl.textcodec`."""
    from numnum_xl.textcodec import decode

    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(_binary(p))
    try:
        return decode(data)
    except UnicodeDecodeError:
        raise ReadError(_undecodable(p)) from None


def _undecodable(p: Path) -> str:
    return _msg(p, "kan niet als tekst gelezen worden (onbekende tekenset of binaire "
                   "gegevens); bewaar het in Excel als 'CSV UTF-8' of als .xlsx")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _sample(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample):
        cut = sample.rfind("\n")
        if cut > 0:
            sample = sample[:cut]
    return sample


def _delimiter_score(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of rows with the most common field count, that field count) for ``delimiter``."""
    try:
        counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""),
                                            delimiter=delimiter) if any(r)][:100]
    except csv.Error:
        return 0.0, 0
    if not counts:
        return 0.0, 0
    mode = max(set(counts), key=lambda c: (counts.count(c), c))
    if mode < 2:
        return 0.0, mode
    return counts.count(mode) / len(counts), mode


def _detect_delimiter(sample: str) -> str:
    """``;``, ``,``, tab or ``|``: csv.Sniffer (restricted to those), checked against field
    counts."""
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters="".join(_CSV_DELIMITERS)) \
            .delimiter
    except csv.Error:
        sniffed = None
    scores = {d: _delimiter_score(sample, d) for d in _CSV_DELIMITERS}
    best = max(scores.values())
    if best[1] < 2:
        return sniffed or ";"
    if sniffed in scores and scores[sniffed][0] >= best[0] and scores[sniffed][1] >= 2:
        return sniffed
    return next(d for d in _CSV_DELIMITERS if scores[d] == best)


def _read_csv(p: Path) -> Table:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(_msg(p, f"kan niet geopend worden ({exc.strerror or exc})")) from None
    text, encoding, bad = _decode(p, data)
    del data
    _refuse_other_text(p, text)
    sample = _sample(text)
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise ReadError(_binary(p))
    info: dict[str, Any] = {"encoding": encoding}
    m = re.match(r"sep=(.)[ \t]*\r?\n", text[:16], re.IGNORECASE)
    if m:  # Excel's own hint line; Excel does not show it as a row
        delimiter = m.group(1)
        text = text[m.end():]
        info["sep_line"] = True
    else:
        delimiter = _detect_delimiter(sample)
    info["delimiter"] = delimiter
    if p.suffix.lower() not in (".csv", ".txt", ".tsv", ".tab"):
        info["extension_mismatch"] = p.suffix.lower()
    if _delimiter_score(sample, delimiter)[1] < 2:
        _refuse_one_column(p, text)
    errors = _ERROR_VALUES
    rows: list[list[Any]] = []
    nums: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = 0
    line = 0  # the physical line the last record ended on
    try:
        for num, rec in enumerate(reader, start=1):
            first_line, line = line + 1, reader.line_num
            if line > first_line:
                _check_quotes(p, rec, delimiter, width, first_line)
            vals = [(errors.get(v, v) if v[0] == "#" else v) if v else None for v in rec]
            if vals and (vals[0] is not None or vals.count(None) != len(vals)):
                rows.append(vals)
                nums.append(num)
                width = width or len(vals)
    except csv.Error as exc:
        raise ReadError(_msg(p, f"kan niet als CSV gelezen worden (regel {reader.line_num}: "
                                f"{exc}); controleer de aanhalingstekens of bewaar het als "
                                ".xlsx")) from None
    _note_text_cells(rows, nums, text, encoding, bad, info)
    return _build(rows, nums, 1, source=str(p), sheet="", fmt="csv", info=info)


def _check_quotes(p: Path, rec: list[str], delimiter: str, width: int, line: int) -> None:
    """A record spanning several lines whose quoted field holds whole lines of delimited
    values: a quote that was never closed swallowed the rows after it."""
    need = max(1, (width or 2) // 2)
    for value in rec:
        if "\n" not in value and "\r" not in value:
            continue
        for part in value.splitlines()[1:]:
            if part.count(delimiter) >= need:
                raise ReadError(_msg(p, f"heeft op regel {line} een aanhalingsteken (\") dat "
                                        "niet gesloten wordt: de regels erna belanden zo in één "
                                        "cel en klanten gaan verloren; sluit het "
                                        "aanhalingsteken of verwijder het"))


def _note_text_cells(rows: list[list[Any]], nums: list[int], text: str, encoding: str,
                     bad: int, info: dict[str, Any]) -> None:
    """Record the cells a decoding may have changed: bytes that were not UTF-8 (``bad``),
    characters that betray a wrong code page, UTF-8 read as cp1252 upstream."""
    from numnum_xl.textcodec import FALLBACKS, MOJIBAKE, mojibake_repair, suspicious

    fallback = encoding in FALLBACKS
    if fallback:
        info["encoding_fallback"] = encoding
    look_bad = bad > 0
    look_odd = fallback and suspicious(text)
    look_moji = MOJIBAKE.search(text) is not None
    if not (look_bad or look_odd or look_moji):
        return
    undecodable: list[str] = []
    odd: list[tuple[str, str]] = []
    moji: list[tuple[str, str, str]] = []
    for vals, num in zip(rows, nums, strict=False):
        for j, v in enumerate(vals):
            if v.__class__ is not str:
                continue
            if look_bad and "\ufffd" in v:
                undecodable.append(cell_ref(num, j + 1))
            elif look_odd and suspicious(v):
                odd.append((cell_ref(num, j + 1), v))
            elif look_moji:
                fixed = mojibake_repair(v)
                if fixed is not None:
                    moji.append((cell_ref(num, j + 1), v, fixed))
    if undecodable:
        info["undecodable_cells"] = undecodable
    if odd:
        info["encoding_suspect_cells"] = odd
    if moji:
        info["mojibake_cells"] = moji


#: Text formats that are not a delimited customer list, by how they start.
_OTHER_TEXT = (
    (re.compile(r"ID;P"), "een SYLK-bestand (.slk)"),
    (re.compile(r"TABLE\r?\n0,1\r?\n"), "een DIF-bestand (.dif)"),
    (re.compile(r"\{\\rtf"), "een RTF-document"),
)


def _refuse_other_text(p: Path, text: str) -> None:
    """A text file that is another format (SYLK, DIF, JSON, RTF): say which."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    for pattern, what in _OTHER_TEXT:
        if pattern.match(head):
            raise ReadError(_msg(p, f"is {what}, geen klantenlijst in CSV- of Excel-formaat; "
                                    "open het in Excel en bewaar het als .xlsx"))
    if head[:1] in "{[":
        import json

        try:
            json.loads(text)
        except ValueError:
            return
        raise ReadError(_msg(p, "is een JSON-bestand, geen klantenlijst in CSV- of "
                                "Excel-formaat; bewaar de lijst als .xlsx of als CSV"))


def _refuse_one_column(p: Path, text: str) -> None:
    """No delimiter gives two columns: a PRN (columns aligned with spaces), a text file
    named as a workbook (e.g. a mail program's "Attachment not found" stub), or a list of
    one column (read as such)."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:50]
    first = lines[0].strip() if lines else ""
    shown = _shown_text(first)
    if p.suffix.lower() in (".xls", ".xlsx", ".xlsm", ".xlsb", ".ods", ".xlt", ".xltx"):
        raise ReadError(_msg(p, f"is geen Excel-werkmap maar een tekstbestand (het begint met "
                                f"«{shown}»); vraag het echte bestand op"))
    if len(lines) >= 2 and sum(1 for ln in lines if re.search(r"\S {2,}\S", ln)) \
            >= 0.8 * len(lines):
        raise ReadError(_msg(p, "is een tekstbestand met kolommen die met spaties zijn "
                                "uitgelijnd (PRN), geen CSV; open het in Excel (Gegevens > "
                                "Tekst naar kolommen) en bewaar het als .xlsx"))


def _shown_text(value: str, limit: int = 60) -> str:
    """``value`` shortened, control characters made visible."""
    from numnum_xl.safetext import escape

    value = escape(value)
    return value if len(value) <= limit else value[:limit - 1] + "…"
