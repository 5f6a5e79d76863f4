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

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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


#: A row made when the sheet is written: its cells (column, value, style) in column order and
#: its height (None: the default).
RowMaker = Callable[[Any], tuple[list[tuple[int, Any, str | None]], float | None]]
#: The internal link of a made row: (column, location, tip), or None.
LinkMaker = Callable[[Any], tuple[int, str, str] | None]


@dataclass(frozen=True)
class Deferred:
    """Rows ``first``, ``first + 1``, ... made from ``items`` only when they are read or
    written: a summary of a million findings is never held as cells, links and heights."""

    first: int
    items: Sequence[Any]
    make: RowMaker
    link: LinkMaker

    @property
    def stop(self) -> int:
        """The row after the last one."""
        return self.first + len(self.items)

    def __contains__(self, row: object) -> bool:
        return isinstance(row, int) and self.first <= row < self.stop

    def row(self, row: int) -> tuple[list[tuple[int, Any, str | None]], float | None]:
        """Cells and height of ``row`` (one of ours)."""
        return self.make(self.items[row - self.first])

    def links(self) -> Iterator[tuple[str, str, str]]:
        """(cell, location, tip) of the rows that link somewhere."""
        for r, item in enumerate(self.items, start=self.first):
            got = self.link(item)
            if got is not None:
                yield cell_ref(r, got[0]), got[1], got[2]


def _kept(cells: Iterable[tuple[int, Any, str | None]]) -> list[tuple[int, tuple[Any, str | None]]]:
    """(column, (value, style)) as :meth:`OwnSheet.put` keeps them (``cells`` in column
    order)."""
    out = []
    for c, value, style in cells:
        if value is None or value == "":
            if style is None:
                continue
            value = None
        out.append((c, (value, style)))
    return out


@dataclass
class OwnSheet:
    """Cells, column widths, row heights, a frozen header, a filter and internal links.

    A summary of a million findings has millions of cells: a long run of rows is
    :meth:`defer`-red (made while the sheet is written); any other row is kept as a dict
    only while it is the one being written, then packed into one flat tuple (column, value,
    style, column, value, style, ...).

    >>> s = OwnSheet(); s.put(1, 2, "b"); s.put(1, 1, "a", "x"); s.put(2, 1, "c")
    >>> s._rows[1], s.row_cells(1), s.cells[2], list(s.cells)
    ((1, 'a', 'x', 2, 'b', None), [(1, ('a', 'x')), (2, ('b', None))], {1: ('c', None)}, [1, 2])
    >>> s.defer(3, ["x", "y"], lambda v: ([(1, v, None)], None), lambda v: (1, "'B'!A1", v))
    >>> s.cells[4], list(s.cells), s.links
    ({1: ('y', None)}, [1, 2, 3, 4], [('A3', "'B'!A1", 'x'), ('A4', "'B'!A1", 'y')])
    """

    #: row -> the row packed, or column -> (value, style) (see above); read :attr:`cells`
    _rows: dict[int, Any] = field(default_factory=dict, repr=False)
    widths: dict[int, float] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)
    heights: dict[int, float] = field(default_factory=dict)
    freeze_row: int | None = None  #: rows above this one stay in view
    autofilter: str | None = None
    _links: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    hidden: bool = False
    _row: int = field(default=0, repr=False, compare=False)
    _deferred: list[Deferred] = field(default_factory=list, repr=False)

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

    def defer(self, first: int, items: Sequence[Any], make: RowMaker,
              link: LinkMaker) -> None:
        """Rows from ``first`` on, one per item, made by ``make`` (cells, height) and
        ``link`` (an internal link of the row, or None) each time they are read or written.
        No other row may be put among them."""
        if items:
            self._deferred.append(Deferred(first, items, make, link))

    def _deferred_at(self, row: int) -> Deferred | None:
        return next((d for d in self._deferred if row in d), None)

    def row_cells(self, row: int) -> list[tuple[int, tuple[Any, str | None]]]:
        """(column, (value, style)) of ``row``, in column order."""
        deferred = self._deferred_at(row) if self._deferred else None
        if deferred is not None:
            return _kept(deferred.row(row)[0])
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
        self._links.append((cell_ref(row, col), location, tip))

    @property
    def links(self) -> list[tuple[str, str, str]]:
        """Every internal link: (cell, location, tip); a new list (add one with
        :meth:`link`)."""
        return list(self._iter_links())

    def _iter_links(self) -> Iterator[tuple[str, str, str]]:
        yield from self._links
        for d in self._deferred:
            yield from d.links()

    def _row_pieces(self, styles: dict[str, int]) -> Iterator[bytes]:
        """The ``<row>``s in order: kept rows and deferred runs."""
        kept = sorted(set(self._rows) | set(self.heights))
        i = 0
        for d in sorted(self._deferred, key=lambda d: d.first):
            while i < len(kept) and kept[i] < d.first:
                r = kept[i]
                yield row_xml(r, self.row_cells(r), styles, self.heights.get(r))
                i += 1
            if i < len(kept) and kept[i] < d.stop:
                raise ValueError(f"row {kept[i]} was put among deferred rows")
            for r, item in enumerate(d.items, start=d.first):
                cells, height = d.make(item)
                # row_xml leaves out what put would not keep: no filtering twice
                yield row_xml(r, ((c, (v, st)) for c, v, st in cells), styles, height)
        for r in kept[i:]:
            yield row_xml(r, self.row_cells(r), styles, self.heights.get(r))

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
        yield from self._row_pieces(styles)
        yield from more_rows
        out = [b"</sheetData>"]
        if self.autofilter:
            out.append(b'<autoFilter ref="' + self.autofilter.encode() + b'"/>')
        links = self._iter_links()
        first = next(links, None)
        if first is not None:
            yield b"".join(out) + b"<hyperlinks>"
            out = []
            for ref, location, tip in itertools.chain((first,), links):
                out.append(b'<hyperlink ref="' + ref.encode() + b'" location='
                           + xml_attr(location).encode()
                           + (b" tooltip=" + xml_attr(tip).encode() if tip else b"")
                           + b"/>")
                if len(out) >= 4096:
                    yield b"".join(out)
                    out = []
            out.append(b"</hyperlinks>")
        out.append(b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                   b'footer="0.3"/></worksheet>')
        yield b"".join(out)


class _Cells(Mapping[int, dict[int, tuple[Any, str | None]]]):
    __slots__ = ("_sheet",)

    def __init__(self, sheet: OwnSheet) -> None:
        self._sheet = sheet

    def __getitem__(self, row: int) -> dict[int, tuple[Any, str | None]]:
        sheet = self._sheet
        if row not in sheet._rows and sheet._deferred_at(row) is None:
            raise KeyError(row)
        return dict(sheet.row_cells(row))

    def __iter__(self) -> Iterator[int]:
        yield from self._sheet._rows
        for d in self._sheet._deferred:
            yield from range(d.first, d.stop)

    def __len__(self) -> int:
        return len(self._sheet._rows) + sum(len(d.items) for d in self._sheet._deferred)


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
