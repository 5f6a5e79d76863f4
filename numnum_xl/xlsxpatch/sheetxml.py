"""Stream a worksheet's XML and change only the cells asked for.

The part is read in chunks and written out as it goes: only whole ``<row>`` elements are held,
so memory stays bounded for a sheet of 1,048,576 rows. Rows without a target are copied as
bytes; in a target row each ``<c>`` is found by its ``r`` (or its position when a writer left
``r`` out) and handed to the caller's edit function; cells and rows that do not exist yet are
inserted in sheet order.

>>> import io
>>> src = io.BytesIO(b'<worksheet><sheetData><row r="2"><c r="B2" s="3"><v>1</v></c></row>'
...                  b'</sheetData></worksheet>')
>>> dst = io.BytesIO()
>>> def edit(row, col, cell):
...     return set_style(cell.xml, 9) if cell.xml else b'<c r="A1" s="7"/>'
>>> _ = rewrite(src, dst, {2: {2: None}, 1: {1: None}}, edit)
>>> dst.getvalue()[22:-24]
b'<row r="1"><c r="A1" s="7"/></row><row r="2"><c r="B2" s="9"><v>1</v></c></row>'
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import IO

from numnum_xl.cells import column_index_of

CHUNK = 1 << 20
_SHEETDATA = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_ROW = re.compile(rb"<((?:\w+:)?)row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_R = re.compile(rb'\br="\$?([A-Za-z]{1,3})\$?(\d+)"')
_ROW_R = re.compile(rb'\br="(\d+)"')
_S = re.compile(rb'\bs="(\d*)"')
_T = re.compile(rb'\bt="[^"]*"')
_S_ATTR = re.compile(rb'(\s+)s="(\d*)"')
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"')
_END_SHEETDATA = re.compile(rb"</(?:\w+:)?sheetData>")


@dataclass
class Cell:
    """A cell as found in the sheet (``xml`` is None when it does not exist)."""

    xml: bytes | None
    prefix: bytes = b""
    #: style id written on the cell (None: none written, i.e. 0 or the row's/column's)
    style: int | None = None
    #: the style a new cell here would get (the row's, else the column's)
    inherited: int | None = None
    row_exists: bool = True


#: (row, column, cell) -> the cell's new XML (b"" removes it)
Edit = Callable[[int, int, Cell], bytes]


def style_of(cell_xml: bytes) -> int | None:
    """The ``s`` attribute of a ``<c>`` element.

    >>> style_of(b'<c r="A1" s="4" t="s"><v>0</v></c>'), style_of(b'<c r="A1"/>')
    (4, None)
    """
    head = cell_xml[: cell_xml.find(b">") + 1]
    m = _S.search(head)
    return int(m.group(1)) if m and m.group(1) else None


def set_style(cell_xml: bytes, style: int | None) -> bytes:
    """``cell_xml`` with its ``s`` attribute set in place (None: removed), every other byte
    as it was - so setting the old value back gives the original bytes.

    >>> set_style(b'<c r="A1" s="4" t="s"><v>0</v></c>', 9)
    b'<c r="A1" s="9" t="s"><v>0</v></c>'
    >>> set_style(set_style(b'<c r="A1" t="s"/>', 9), None)
    b'<c r="A1" t="s"/>'
    """
    end = cell_xml.find(b">")
    if cell_xml[end - 1:end] == b"/":
        end -= 1
    head, rest = cell_xml[:end], cell_xml[end:]
    m = _S_ATTR.search(head)
    if m is not None:
        if style is None:
            head = head[:m.start()] + head[m.end():]
        else:
            head = head[:m.start(2)] + b"%d" % style + head[m.end(2):]
    elif style is not None:
        head += b' s="%d"' % style
    return head + rest


def is_formula(cell_xml: bytes) -> bool:
    """Whether the cell holds a formula."""
    return re.search(rb"<(?:\w+:)?f\b", cell_xml) is not None


def with_text(cell_xml: bytes, text: str, prefix: bytes = b"") -> bytes:
    """``cell_xml`` holding ``text`` as an inline string (any earlier value replaced).

    >>> with_text(b'<c r="B2" s="1" t="s"><v>4</v></c>', "0403019261")
    b'<c r="B2" s="1" t="inlineStr"><is><t xml:space="preserve">0403019261</t></is></c>'
    """
    from numnum_xl.xlsxpatch.package import xml_text

    end = cell_xml.find(b">")
    head = cell_xml[:end - 1 if cell_xml[end - 1:end] == b"/" else end]
    head = _T.sub(b"", head).rstrip() + b' t="inlineStr"'
    return (head + b"><" + prefix + b"is><" + prefix + b't xml:space="preserve">'
            + xml_text(text).encode() + b"</" + prefix + b"t></" + prefix + b"is></" + prefix
            + b"c>")


def with_number(cell_xml: bytes, value: float, prefix: bytes = b"") -> bytes:
    """``cell_xml`` holding a number."""
    end = cell_xml.find(b">")
    head = cell_xml[:end - 1 if cell_xml[end - 1:end] == b"/" else end]
    head = _T.sub(b"", head).rstrip()
    return head + b"><" + prefix + b"v>" + repr(value).encode() + b"</" + prefix + b"v></" \
        + prefix + b"c>"


def new_cell(ref: str, style: int | None, prefix: bytes = b"") -> bytes:
    """An empty ``<c>`` with a style."""
    s = b"" if style is None else b' s="%d"' % style
    return b"<" + prefix + b'c r="' + ref.encode() + b'"' + s + b"/>"


def column_styles(head: bytes) -> list[tuple[int, int, int]]:
    """(min, max, style) of the ``<col>`` elements that carry a style."""
    from numnum_xl.xlsxpatch.package import attrs

    out = []
    for m in _COL.finditer(head):
        a = attrs(m.group(1))
        if "style" in a:
            try:
                out.append((int(a.get("min", 0)), int(a.get("max", 0)), int(a["style"])))
            except ValueError:
                continue
    return out


def scan_tail(stream: IO[bytes]) -> tuple[bytes, bytes]:
    """(start of the part up to ``<sheetData>``, everything after ``</sheetData>``), read
    without holding the rows: merged cells and drawings live in the tail."""
    head = b""
    carry = b""
    found_head = False
    tail: bytes | None = None
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        buf = carry + chunk
        if not found_head:
            m = _SHEETDATA.search(buf)
            if m is None:
                head += chunk
                carry = buf[-64:]
                continue
            head = (head + chunk)[: len(head) + len(chunk) - (len(buf) - m.end())]
            found_head = True
            if m.group(2):
                return head, buf[m.end():] + stream.read()
        if tail is not None:
            tail += chunk
            continue
        m = _END_SHEETDATA.search(buf)
        if m is not None:
            tail = buf[m.end():]
            continue
        carry = buf[-32:]
    if tail is None:
        tail = b""
    return head, tail


def merged_anchors(tail: bytes) -> dict[tuple[int, int], tuple[int, int]]:
    """Covered cell -> top-left cell of its merged range, for the cells of small ranges."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for m in _MERGE.finditer(tail):
        ref = m.group(1).decode()
        if ":" not in ref:
            continue
        a, b = ref.split(":", 1)
        try:
            r1, c1 = _split(a)
            r2, c2 = _split(b)
        except ValueError:
            continue
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 10_000:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    out[(r, c)] = (r1, c1)
    return out


def _split(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), column_index_of(m.group(1).upper())


class _Rewriter:
    def __init__(self, targets: Mapping[int, Collection[int]], edit: Edit,
                 col_styles: list[tuple[int, int, int]], drop_empty_rows: set[int]) -> None:
        self.targets = targets
        self.pending = deque(sorted(targets))
        self.edit = edit
        self.col_styles = col_styles
        self.drop_empty = drop_empty_rows
        self.row = 0
        self.prefix = b""
        self.row_re = _ROW

    def set_prefix(self, prefix: bytes) -> None:
        """The namespace prefix of the sheet's elements: rows are then found by a literal
        ``<row`` (much faster than trying the pattern at every ``<``)."""
        self.prefix = prefix
        self.row_re = re.compile(b"<(" + re.escape(prefix) + rb")row(?=[\s>/])([^>]*?)(/?)>")

    def col_style(self, col: int) -> int | None:
        for lo, hi, s in self.col_styles:
            if lo <= col <= hi:
                return s
        return None

    def new_rows_before(self, row: int | None) -> bytes:
        """Rows that must be created before sheet row ``row`` (None: all that remain)."""
        out = []
        while self.pending and (row is None or self.pending[0] < row):
            r = self.pending.popleft()
            cells = []
            for col in sorted(self.targets[r]):
                xml = self.edit(r, col, Cell(None, self.prefix, None, self.col_style(col),
                                             row_exists=False))
                if xml:
                    cells.append(xml)
            if cells:
                out.append(b"<" + self.prefix + b'row r="%d">' % r + b"".join(cells)
                           + b"</" + self.prefix + b"row>")
        return b"".join(out)

    def rows(self, seg: bytes) -> bytes:
        """Rewrite a segment of whole rows."""
        out: list[bytes] = []
        pos = 0
        last = seg.rfind(b"<" + self.prefix + b"row")
        lm = self.row_re.match(seg, last) if last >= 0 else None
        rm = _ROW_R.search(lm.group(2)) if lm else None
        if rm and (not self.pending or self.pending[0] > int(rm.group(1))):
            self.row = int(rm.group(1))  # no target in these rows: copied as they are
            return seg
        for m in self.row_re.finditer(seg):
            if m.start() < pos:
                continue
            rm = _ROW_R.search(m.group(2))
            self.row = int(rm.group(1)) if rm else self.row + 1
            row = self.row
            if self.pending and self.pending[0] < row:
                out.append(seg[pos:m.start()])
                out.append(self.new_rows_before(row))
                pos = m.start()
            if row not in self.targets:
                continue
            if self.pending and self.pending[0] == row:
                self.pending.popleft()
            if m.group(3):  # <row …/>
                end = m.end()
                inner = b""
            else:
                close = seg.find(b"</" + m.group(1) + b"row>", m.end())
                end = close + len(m.group(1)) + 6
                inner = seg[m.end():close]
            out.append(seg[pos:m.start()])
            out.append(self._row(m, row, inner))
            pos = end
        out.append(seg[pos:])
        return b"".join(out)

    def _row(self, m: re.Match[bytes], row: int, inner: bytes) -> bytes:
        want = self.targets[row]
        row_attrs = m.group(2)
        inherited = None
        if re.search(rb'\bcustomFormat="(1|true)"', row_attrs):
            sm = _S.search(row_attrs)
            inherited = int(sm.group(1)) if sm and sm.group(1) else None
        parts: list[bytes] = []
        done: set[int] = set()
        col = 0
        pos = 0
        todo = sorted(want)
        for cm in _CELL.finditer(inner):
            rm = _R.search(cm.group(2))
            col = column_index_of(rm.group(1).upper().decode()) if rm else col + 1
            while todo and todo[0] < col:
                c = todo.pop(0)
                parts.append(inner[pos:cm.start()])
                pos = cm.start()
                parts.append(self.edit(row, c, Cell(None, cm.group(1), None,
                                                    inherited if inherited is not None
                                                    else self.col_style(c))))
                done.add(c)
            if col in want and col not in done:
                if todo and todo[0] == col:
                    todo.pop(0)
                xml = cm.group(0)
                parts.append(inner[pos:cm.start()])
                parts.append(self.edit(row, col, Cell(xml, cm.group(1), style_of(xml))))
                pos = cm.end()
                done.add(col)
        tail = inner[pos:]
        if not todo:
            parts.append(tail)
        for c in todo:
            parts.append(self.edit(row, c, Cell(None, self.prefix, None,
                                                inherited if inherited is not None
                                                else self.col_style(c))))
        if todo:
            parts.append(tail)
        body = b"".join(parts)
        if row in self.drop_empty and not _CELL.search(body):
            return b""
        start = m.group(0)
        if m.group(3):
            start = start[:-2].rstrip() + b">"
        return start + body + b"</" + m.group(1) + b"row>"


def rewrite(src: IO[bytes], dst: IO[bytes], targets: Mapping[int, Collection[int]],
            edit: Edit, *,
            tail_edit: Callable[[bytes], bytes] | None = None,
            drop_empty_rows: set[int] | None = None) -> bytes:
    """Copy the worksheet ``src`` to ``dst``, calling ``edit`` for every target cell
    (``targets``: row -> its columns, any container); ``tail_edit`` rewrites what follows
    ``</sheetData>``. Returns the part's head (up to ``<sheetData>``)."""
    rw: _Rewriter | None = None
    buf = b""
    head = b""
    while True:
        chunk = src.read(CHUNK)
        buf += chunk
        if rw is None:
            m = _SHEETDATA.search(buf)
            if m is None:
                if not chunk:
                    raise ValueError("no <sheetData> in the worksheet")
                continue
            head = buf[:m.start()]
            rw = _Rewriter(targets, edit, column_styles(head), drop_empty_rows or set())
            rw.set_prefix(m.group(1))
            if m.group(2):  # <sheetData/>
                dst.write(buf[:m.start()])
                rows = rw.new_rows_before(None)
                prefix = m.group(1)
                if rows:
                    dst.write(b"<" + prefix + b"sheetData>" + rows + b"</" + prefix
                              + b"sheetData>")
                else:
                    dst.write(m.group(0))
                rest = buf[m.end():] + src.read()
                dst.write(tail_edit(rest) if tail_edit else rest)
                return head
            dst.write(buf[:m.end()])
            buf = buf[m.end():]
        end = _END_SHEETDATA.search(buf)
        if end is not None:
            dst.write(rw.rows(buf[:end.start()]))
            dst.write(rw.new_rows_before(None))
            rest = buf[end.start():] + src.read()
            dst.write(tail_edit(rest) if tail_edit else rest)
            return head
        if not chunk:
            raise ValueError("the worksheet ends inside <sheetData>")
        cut = buf.rfind(b"<" + rw.prefix + b"row")
        while cut > 0 and buf[cut + len(rw.prefix) + 4:cut + len(rw.prefix) + 5] not in (
                b" ", b">", b"/", b"\t", b"\n", b"\r"):
            cut = buf.rfind(b"<" + rw.prefix + b"row", 0, cut)
        if cut > 0:
            dst.write(rw.rows(buf[:cut]))
            buf = buf[cut:]
