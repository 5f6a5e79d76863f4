"""Stream the cell values of one big worksheet of an .xlsx package, row by row.

Why this module and not a library: python-calamine (the fast reader, used for every sheet
below :data:`numnum_xl.readers.STREAM_MIN_BYTES`) has no lazy reader in version 0.9 - it holds
a dense grid of the whole sheet (1.36 GB for 1,048,575 rows x 22 columns before Python sees a
value); openpyxl's read-only mode streams but is 13x slower and fails on Strict OOXML. So the
sheet's XML is read here in chunks from the zip member, whole ``<row>`` elements at a time (as
:mod:`numnum_xl.xlsxpatch.sheetxml` does to rewrite a sheet), and each cell gets exactly the
value python-calamine gives (``tests/test_sheetstream.py`` compares the two readers cell by
cell):

- shared strings (rich text runs joined, phonetic ``rPh`` runs left out), inline strings and
  formula strings (``t="str"``, untrimmed); text of a ``<t>`` without ``xml:space="preserve"``
  is trimmed of ASCII white space after its entities are resolved, as python-calamine does;
  ``_xHHHH_`` escapes decoded; line ends normalised as an XML parser does;
- numbers as float (a ``<v>`` that is not a number stays text); booleans;
- dates by the cell's number format (built-in ids and custom codes, read like calamine), in
  the 1900 (with its leap-year bug) or 1904 system, at millisecond precision: a date below 1
  is a ``time``, a whole number a ``date``, else a ``datetime``; ``[h]:mm``-style formats give
  a ``timedelta``; a date Python cannot hold stays the number;
- error cells as :class:`~numnum_xl.table.ErrorValue` (python-calamine gives "" and the
  reader patches them from its scan);
- any prefix (Strict OOXML and other namespaces), cells and rows without ``r``.

What it cannot mirror exactly (CDATA sections, comments or processing instructions inside
``sheetData``, an encoding other than UTF-8) raises :class:`Unstreamable` before a row is
given, and the caller reads the sheet with python-calamine as before.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from numnum_xl.table import EXCEL_ERRORS, ErrorValue

__all__ = ["Unstreamable", "date_styles", "iter_sheet_rows", "read_shared_strings"]

CHUNK = 4 << 20
_ERRORS = {code: ErrorValue(code) for code in EXCEL_ERRORS}


class Unstreamable(Exception):
    """The part holds XML this reader does not mirror exactly: read it another way."""


_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_V = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v\s*>)", re.S)
_T = re.compile(rb"<(?:[\w.-]+:)?t\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?t\s*>)", re.S)
_RPH = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh\s*>", re.S)
_SI = re.compile(rb"<(?:[\w.-]+:)?si\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?si\s*>)", re.S)
_SHEETDATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEETDATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_ENTITY = re.compile(rb"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d+)")
_PRESERVE = re.compile(rb"""space\s*=\s*["']preserve["']""")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}
_WS = " \t\r\n"
_UNSUPPORTED = (b"<![CDATA[", b"<!--", b"<?")


def _entity(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name[:1] == b"#":
        code = int(name[2:], 16) if name[1:2] in (b"x", b"X") else int(name[1:])
        return chr(code).encode("utf-8", "surrogatepass")
    return _NAMED[name].encode()


def _text(raw: bytes) -> str:
    """XML character data as a parser gives it: line ends normalised, entities resolved.

    >>> _text(b"a &amp; b&#10;c\\r\\nd")
    'a & b\\nc\\nd'
    """
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"&" in raw:
        raw = _ENTITY.sub(_entity, raw)
    return raw.decode("utf-8", "surrogatepass")


def _unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (``_x000D_`` is a carriage return).

    >>> _unescape("a_x000D_b_x0041_")
    'a\\rbA'
    """
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _t_text(attrs: bytes, body: bytes | None) -> str:
    if not body:
        return ""
    text = _text(body)
    return text if _PRESERVE.search(attrs) else text.strip(_WS)


def rich_text(xml: bytes) -> str:
    """The text of an ``<si>`` or ``<is>`` body: every ``<t>`` outside phonetic runs.

    >>> rich_text(b'<r><t> a </t></r><r><t xml:space="preserve"> b</t></r><rPh><t>x</t></rPh>')
    'a b'
    """
    if b"rPh" in xml:
        xml = _RPH.sub(b"", xml)
    return _unescape("".join(_t_text(a, b) for a, b in _T.findall(xml)))


def read_shared_strings(zf: zipfile.ZipFile, name: str | None) -> list[str]:
    """The shared strings of the workbook (``name``: the part), in order."""
    if name is None:
        return []
    try:
        data = zf.read(name)
    except KeyError:
        return []
    if any(u in data for u in (b"<![CDATA[", b"<!--")):
        raise Unstreamable("shared strings with CDATA or comments")
    _check_encoding(data[:200])
    return [rich_text(body) if body else "" for body in _SI.findall(data)]


def _check_encoding(head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unstreamable("UTF-16")
    m = re.search(rb"""encoding\s*=\s*["']([^"']+)["']""", head)
    if m and m.group(1).lower().replace(b"-", b"") not in (b"utf8",):
        raise Unstreamable("not UTF-8")


# --------------------------------------------------------------------------------------------
# number formats


def custom_format_kind(code: str) -> str:
    """``"date"``, ``"duration"`` or ``""`` for a custom number format code, read as
    python-calamine reads it (the first section only; quoted text, escapes and brackets
    skipped; ``[h]``/``[mm]``/``[ss]`` a duration).

    >>> [custom_format_kind(c) for c in ("DD/MM/YY", "[h]:mm:ss", "#,##0", '"Y: "0.00', "@")]
    ['date', 'duration', '', '', '']
    """
    escaped = quote = ampm = hms = False
    brackets = 0
    prev = " "
    for s in code:
        if escaped:
            escaped = False
        elif s in "_\\*":
            escaped = True
        elif quote:
            if s == '"':
                quote = False
        elif s == '"':
            quote = True
        elif s == ";":
            return ""
        elif s == "[":
            brackets += 1
        elif s == "]" and brackets == 1 and hms:
            return "duration"
        elif s == "]":
            brackets = max(brackets - 1, 0)
        elif s in "aA" and not ampm and brackets == 0:
            ampm = True
        elif brackets == 0 and (s in "pm/PM" if ampm else s in "dmhysDMHYS"):
            return "date"
        elif not (hms and s.lower() == prev.lower()):
            hms = prev == "[" and s in "mhsMHS"
        prev = s
    return ""


_BUILTIN = {**{i: "date" for i in (*range(14, 23), 45, 47)}, 46: "duration"}
_NUMFMT = re.compile(rb"<(?:[\w.-]+:)?numFmt\b([^>]*?)/?>")
_XFS = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?cellXfs\s*>)", re.S)
_XF = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*?)/?>")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {k.rsplit(b":", 1)[-1]: (a if a is not None and b is None else b or a or b"")
            for k, a, b in _ATTR.findall(raw)}


def date_styles(styles_xml: bytes | None) -> list[str]:
    """Per cell format index (``s``): ``"date"``, ``"duration"`` or ``""``."""
    if not styles_xml:
        return []
    custom: dict[int, str] = {}
    for m in _NUMFMT.finditer(styles_xml):
        a = _attrs(m.group(1))
        try:
            custom[int(a.get(b"numFmtId", b"-1"))] = _text(a.get(b"formatCode", b""))
        except ValueError:
            continue
    xfs = _XFS.search(styles_xml)
    out = []
    for m in _XF.finditer(xfs.group(1) or b"") if xfs else ():
        raw = _attrs(m.group(1)).get(b"numFmtId", b"0")
        try:
            fid = int(raw)
        except ValueError:
            out.append("")
            continue
        out.append(custom_format_kind(custom[fid]) if fid in custom else _BUILTIN.get(fid, ""))
    return out


_EPOCH = datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000


def _round(x: float) -> int:
    """Rust's ``f64::round``: halves away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def excel_date(value: float, kind: str, is_1904: bool) -> Any:
    """A number in a date- or duration-formatted cell as python-calamine gives it.

    >>> excel_date(45000.25, "date", False), excel_date(60, "date", False)
    (datetime.datetime(2023, 3, 15, 6, 0), datetime.date(1900, 2, 28))
    >>> excel_date(0.5, "date", False), excel_date(403019261.0, "date", False)
    (datetime.time(12, 0), 403019261.0)
    >>> excel_date(1.5, "duration", False)
    datetime.timedelta(days=1, seconds=43200)
    """
    try:
        if kind == "duration":
            return timedelta(milliseconds=_round(value * _MS_PER_DAY))
        f = value + 1462.0 if is_1904 else value
        if f < 60.0:
            f += 1.0
        moment = _EPOCH + timedelta(milliseconds=_round(f * _MS_PER_DAY))
    except (OverflowError, ValueError):
        if kind == "duration":
            raise Unstreamable("duration out of range") from None
        return value
    if value < 1.0:
        return moment.time()
    if value == float(int(value)):
        return moment.date()
    return moment


def _iso(text: str) -> Any:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            got = parse(text)
        except ValueError:
            continue
        if isinstance(got, datetime) and len(text) <= 10:
            continue
        return got
    return text


# --------------------------------------------------------------------------------------------
# the sheet


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    if len(_COLUMNS) < 20_000:
        _COLUMNS[letters] = n
    return n


class _Cells:
    """Turns ``<c>`` elements into values with the workbook's strings and styles."""

    def __init__(self, strings: list[str], styles: list[str], is_1904: bool) -> None:
        self.strings, self.styles, self.is_1904 = strings, styles, is_1904

    def row(self, body: bytes) -> list[Any]:
        """The values of one row's cells (``body``: what is between its tags)."""
        vals: list[Any] = []
        pos = 0
        cols = _COLUMNS
        strings, styles = self.strings, self.styles
        for m in _FAST.finditer(body):
            if m.start() != pos:
                return self.slow_row(body)
            pos = m.end()
            letters, s, t, v, preserve, text = m.groups()
            col = cols.get(letters) or _col(letters)
            if v is not None:
                if t is None:
                    if v.isdigit() or _NUMBER.fullmatch(v):
                        value: Any = float(v)
                        if s is not None and styles:
                            k = int(s)
                            kind = styles[k] if k < len(styles) else ""
                            if kind:
                                value = excel_date(value, kind, self.is_1904)
                    else:
                        value = self.value(t, s, v)
                elif t == b"s":
                    value = strings[int(v)]
                else:
                    value = self.value(t, s, v)
            elif text is not None:
                if t != b"inlineStr":
                    return self.slow_row(body)
                value = text.decode() if not (b"&" in text or b"\r" in text) \
                    else _text(text)
                if preserve is None:
                    value = value.strip(_WS)
                if "_x" in value:
                    value = _unescape(value)
            else:
                continue
            n = len(vals)
            if col > n + 1:
                vals.extend([None] * (col - 1 - n))
            elif col != n + 1:
                return self.slow_row(body)
            vals.append(value)
        if pos != len(body):
            return self.slow_row(body)
        return vals

    def value(self, t: bytes | None, s: bytes | None, raw: bytes) -> Any:
        """The value of a cell of type ``t`` whose ``<v>`` holds ``raw``."""
        if t is None or t == b"n":
            text = _text(raw)
            if not _NUMBER.fullmatch(raw):
                return text
            value: Any = float(text)
            if s and self.styles:
                k = int(s)
                kind = self.styles[k] if k < len(self.styles) else ""
                if kind:
                    value = excel_date(value, kind, self.is_1904)
            return value
        if t == b"s":
            return self.strings[int(raw)]
        if t == b"str":
            return _unescape(_text(raw))
        if t == b"b":
            return raw.strip() in (b"1", b"true")
        if t == b"e":
            code = _text(raw).strip()
            return _ERRORS.get(code) or ErrorValue(code)
        if t == b"d":
            return _iso(_text(raw))
        raise Unstreamable(f"cell type {t!r}")

    def slow_row(self, body: bytes) -> list[Any]:
        """Any spelling of the cells: attributes in any order and quotes, prefixes, rich text."""
        vals: list[Any] = []
        col = 0
        for m in _CELL.finditer(body):
            attrs, inner = m.group(1), m.group(2)
            a = _attrs(attrs) if attrs else {}
            ref = a.get(b"r")
            if ref:
                rm = _REF.fullmatch(ref)
                if rm is None:
                    raise Unstreamable(f"cell reference {ref!r}")
                col = _col(rm.group(1))
            else:
                col += 1
            if not inner:
                continue
            t = a.get(b"t", b"n")
            if t == b"inlineStr":
                value: Any = rich_text(inner)
            else:
                v = _V.search(inner)
                if v is None or v.group(1) is None:
                    continue
                value = self.value(t, a.get(b"s"), v.group(1))
            if col > len(vals) + 1:
                vals.extend([None] * (col - 1 - len(vals)))
            if col == len(vals) + 1:
                vals.append(value)
            else:  # a second cell for the same column, or columns out of order
                raise Unstreamable("cells out of order")
        return vals


#: Excel's own spelling of the common cells: ``<c r="B7" s="3" t="s"><v>12</v></c>`` and
#: inline strings; a row whose cells are all spelled so takes the fast path.
_FAST = re.compile(rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?:/>|><v>([^<]*)'
                   rb'</v></c>|><is><t( xml:space="preserve")?>([^<]*)</t></is></c>)')
#: What Rust's float parsing accepts (python's float() also takes spaces and underscores).
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|"
                     rb"(?i:inf|infinity|nan))")
_COLUMNS: dict[bytes, int] = {}


def _last_row_end(buf: bytes) -> int:
    """The position just after the last ``</row>`` (any prefix) of ``buf``, or -1."""
    cut = buf.rfind(b"row>")
    while cut >= 0:
        lt = buf.rfind(b"<", 0, cut)
        if lt >= 0 and buf[lt + 1:lt + 2] == b"/":
            return cut + 4
        cut = buf.rfind(b"row>", 0, cut)
    return -1


def iter_sheet_rows(zf: zipfile.ZipFile, part: str, strings: list[str], styles: list[str],
                    is_1904: bool) -> Iterator[tuple[int, list[Any]]]:
    """``(1-based sheet row, values from column A)`` for every row holding a cell element;
    values are python-calamine's (text, float, bool, date/time, ErrorValue) or None where the
    row has no value. Raises :class:`Unstreamable` (see the module doc)."""
    cells = _Cells(strings, styles, is_1904)
    with zf.open(part) as fh:
        buf = fh.read(CHUNK)
        _check_encoding(buf[:200])
        while True:
            m = _SHEETDATA.search(buf)
            if m is not None:
                break
            more = fh.read(CHUNK)
            if not more:
                return
            buf = buf[-64:] + more
        if m.group(1):  # <sheetData/>
            return
        buf = buf[m.end():]
        last = 0
        done = False
        while not done:
            end = _SHEETDATA_END.search(buf)
            if end is not None:
                seg, buf, done = buf[:end.start()], b"", True
            else:
                more = fh.read(CHUNK)
                if not more:
                    raise Unstreamable("the worksheet ends inside <sheetData>")
                cut = _last_row_end(buf)
                if cut < 0:
                    buf += more
                    continue
                seg, buf = buf[:cut], buf[cut:] + more
            if any(u in seg for u in _UNSUPPORTED):
                raise Unstreamable("CDATA, a comment or a processing instruction")
            pos = 0
            while True:
                rm = _ROW.search(seg, pos)
                if rm is None:
                    break
                a = _attrs(rm.group(1)) if rm.group(1) else {}
                num = int(a[b"r"]) if b"r" in a else last + 1
                last = num
                if rm.group(2):  # <row/>
                    pos = rm.end()
                    continue
                em = _ROW_END.search(seg, rm.end())
                if em is None:
                    raise Unstreamable("a row without its end tag")
                vals = cells.row(seg[rm.end():em.start()])
                pos = em.end()
                if vals:
                    yield num, vals
