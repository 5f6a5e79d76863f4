"""A worksheet of our own (summary, state) written as XML: inline strings, no shared strings.

>>> s = OwnSheet()
>>> s.put(1, 1, "Titel", "title")
>>> s.put(2, 3, 12)
>>> xml = s.to_bytes({"title": 5}, main_ns="urn:main", rel_ns="urn:rel")
>>> b'<c r="A1" s="5" t="inlineStr"><is><t xml:space="preserve">Titel</t></is></c>' in xml
True
>>> b'<c r="C2"><v>12</v></c>' in xml
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from numnum_xl.cells import cell_ref, column_letter
from numnum_xl.xlsxpatch.package import xml_attr, xml_text

#: Characters XML 1.0 cannot hold; written as ``\xNN``.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_TEXT = 32_767


def clean(text: str) -> str:
    """Text a cell can hold: control characters as ``\\xNN``, at most 32,767 characters.

    >>> clean("a\\x0bb")
    'a\\\\x0bb'
    """
    text = _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text[:MAX_TEXT]


@dataclass
class OwnSheet:
    """Cells, column widths, row heights, a frozen header, a filter and internal links.

    A summary of a million findings has millions of cells: a row is kept as a dict only
    while it is the one being written, then packed into one flat tuple (column, value,
    style, column, value, style, ...).

    >>> s = OwnSheet(); s.put(1, 2, "b"); s.put(1, 1, "a", "x"); s.put(2, 1, "c")
    >>> s._rows[1], s.row_cells(1), s.cells[2], list(s.cells)
    ((1, 'a', 'x', 2, 'b', None), [(1, ('a', 'x')), (2, ('b', None))], {1: ('c', None)}, [1, 2])
    """

    #: row -> the row packed, or column -> (value, style) (see above); read :attr:`cells`
    _rows: dict[int, Any] = field(default_factory=dict, repr=False)
    widths: dict[int, float] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)
    heights: dict[int, float] = field(default_factory=dict)
    freeze_row: int | None = None  #: rows above this one stay in view
    autofilter: str | None = None
    links: list[tuple[str, str, str]] = field(default_factory=list)  #: (cell, location, tip)
    hidden: bool = False
    _row: int = field(default=0, repr=False, compare=False)

    def put(self, row: int, col: int, value: Any, style: str | None = None) -> None:
        """Set one cell (``style``: a key of the style map given to :meth:`to_bytes`)."""
        if value is None or value == "":
            if style is None:
                return
            value = None
        cells = self._rows
        if row != self._row:
            last = cells.get(self._row)
            if last.__class__ is dict:  # the row written before: packed
                cells[self._row] = tuple(x for c, (v, st) in sorted(last.items())
                                         for x in (c, v, st))
            self._row = row
        got = cells.get(row)
        if got is None:
            cells[row] = {col: (value, style)}
            return
        if got.__class__ is tuple:
            got = cells[row] = {c: (v, st) for c, v, st in zip(got[::3], got[1::3], got[2::3],
                                                               strict=True)}
        got[col] = (value, style)

    def row_cells(self, row: int) -> list[tuple[int, tuple[Any, str | None]]]:
        """(column, (value, style)) of ``row``, in column order."""
        got = self._rows.get(row)
        if got is None:
            return []
        if got.__class__ is tuple:
            return list(zip(got[::3], zip(got[1::3], got[2::3], strict=True), strict=True))
        return sorted(got.items())

    @property
    def cells(self) -> Mapping[int, dict[int, tuple[Any, str | None]]]:
        """row -> column -> (value, style name), read-only (a row's dict made when asked)."""
        return _Cells(self)

    def link(self, row: int, col: int, location: str, tip: str = "") -> None:
        """A hyperlink from a cell to a place in the workbook (``'Sheet'!A1``)."""
        self.links.append((cell_ref(row, col), location, tip))

    def to_bytes(self, styles: dict[str, int], *, main_ns: str, rel_ns: str) -> bytes:
        """The worksheet part."""
        return b"".join(self.pieces(styles, main_ns=main_ns, rel_ns=rel_ns))

    def write_to(self, stream: Any, styles: dict[str, int], *, main_ns: str, rel_ns: str,
                 more_rows: Iterable[bytes] = ()) -> None:
        """Write the part to ``stream`` a row at a time (a million rows are never one bytes
        object); ``more_rows``: rows already as XML (:func:`row_xml`), after :attr:`cells`."""
        for piece in self.pieces(styles, main_ns=main_ns, rel_ns=rel_ns, more_rows=more_rows):
            stream.write(piece)

    def pieces(self, styles: dict[str, int], *, main_ns: str, rel_ns: str,
               more_rows: Iterable[bytes] = ()) -> Iterator[bytes]:
        """The worksheet part, in pieces."""
        yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
               + xml_attr(main_ns).encode() + b" xmlns:r=" + xml_attr(rel_ns).encode() + b">")
        out = [b"<sheetViews><sheetView workbookViewId=\"0\""]
        if self.freeze_row and self.freeze_row > 1:
            top = cell_ref(self.freeze_row, 1)
            out.append(b'><pane ySplit="%d" topLeftCell="%s" activePane="bottomLeft" '
                       b'state="frozen"/><selection pane="bottomLeft" activeCell="%s" '
                       b'sqref="%s"/></sheetView></sheetViews>'
                       % (self.freeze_row - 1, top.encode(), top.encode(), top.encode()))
        else:
            out.append(b"/></sheetViews>")
        out.append(b'<sheetFormatPr defaultRowHeight="15"/>')
        cols = sorted(set(self.widths) | self.hidden_cols)
        if cols:
            out.append(b"<cols>")
            for c in cols:
                w = self.widths.get(c, 9.0)
                out.append(b'<col min="%d" max="%d" width="%s" customWidth="1"%s/>'
                           % (c, c, repr(float(w)).encode(),
                              b' hidden="1"' if c in self.hidden_cols else b""))
            out.append(b"</cols>")
        out.append(b"<sheetData>")
        yield b"".join(out)
        for r in sorted(set(self._rows) | set(self.heights)):
            yield row_xml(r, self.row_cells(r), styles, self.heights.get(r))
        yield from more_rows
        out = [b"</sheetData>"]
        if self.autofilter:
            out.append(b'<autoFilter ref="' + self.autofilter.encode() + b'"/>')
        if self.links:
            out.append(b"<hyperlinks>")
            for ref, location, tip in self.links:
                out.append(b'<hyperlink ref="' + ref.encode() + b'" location='
                           + xml_attr(location).encode()
                           + (b" tooltip=" + xml_attr(tip).encode() if tip else b"")
                           + b"/>")
            out.append(b"</hyperlinks>")
        out.append(b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                   b'footer="0.3"/></worksheet>')
        yield b"".join(out)


class _Cells(Mapping[int, dict[int, tuple[Any, str | None]]]):
    __slots__ = ("_sheet",)

    def __init__(self, sheet: OwnSheet) -> None:
        self._sheet = sheet

    def __getitem__(self, row: int) -> dict[int, tuple[Any, str | None]]:
        if row not in self._sheet._rows:
            raise KeyError(row)
        return dict(self._sheet.row_cells(row))

    def __iter__(self) -> Iterator[int]:
        return iter(self._sheet._rows)

    def __len__(self) -> int:
        return len(self._sheet._rows)


def row_xml(r: int, cells: Iterable[tuple[int, tuple[Any, str | None]]],
            styles: dict[str, int], height: float | None = None) -> bytes:
    """One ``<row>`` of an own sheet: ``cells`` are (column, (value, style name)) in column
    order (values None or "" without a style are left out, as :meth:`OwnSheet.put` does).

    >>> row_xml(3, [(1, ("a", None)), (2, (7, "n")), (3, ("", None))], {"n": 4})
    b'<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">a</t></is></c><c r="B3" \
s="4"><v>7</v></c></row>'
    """
    out = [b'<row r="%d"' % r + (b' ht="%s" customHeight="1"' % repr(float(height)).encode()
                                 if height else b"") + b">"]
    row = str(r)
    for c, (value, style) in cells:
        if value is None or value == "":
            if style is None:
                continue
            value = None
        ref = (column_letter(c) + row).encode()
        s = b' s="%d"' % styles[style] if style in styles else b""
        if value is None:
            out.append(b'<c r="' + ref + b'"' + s + b"/>")
        elif isinstance(value, bool):
            out.append(b'<c r="' + ref + b'"' + s + b' t="b"><v>%d</v></c>' % value)
        elif isinstance(value, (int, float)):
            out.append(b'<c r="' + ref + b'"' + s + b"><v>" + repr(value).encode()
                       + b"</v></c>")
        else:
            out.append(b'<c r="' + ref + b'"' + s + b' t="inlineStr"><is><t '
                       b'xml:space="preserve">' + xml_text(clean(str(value))).encode()
                       + b"</t></is></c>")
    out.append(b"</row>")
    return b"".join(out)
