"""The in-memory shape of one sheet, as every reader produces it.

Values keep what the cell held: ``str`` (untrimmed), ``int`` / ``float`` (a whole float is an
``int``), ``bool``, ``datetime.date`` / ``datetime.datetime``, ``None`` for an empty cell, and
:class:`ErrorValue` for an Excel error such as ``#N/A``.

>>> t = Table(source="x.csv", sheet="", fmt="csv", header_row=1, first_col=1,
...           headers=["title", "vat_id"], rows=[["Bakkerij", "0403019261"]], row_numbers=[2])
>>> t.data_rows
1
>>> t.cell(0, 1)
'B2'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from numnum_xl.cells import cell_ref

#: Excel's error literals, as they appear in a cell (and in a CSV exported from Excel).
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error value (``#N/A``, ``#REF!``, …) found in a cell."""

    code: str

    def __str__(self) -> str:
        return self.code


class ReadError(Exception):
    """The file cannot be read; the message is one clear sentence for the user."""


@dataclass
class Table:
    """One sheet: its header row and its data rows, each with its real sheet row number."""

    source: str
    sheet: str
    fmt: str  #: "xlsx", "xls" or "csv"
    header_row: int  #: 1-based sheet row of the header
    first_col: int  #: 1-based sheet column of ``headers[0]``
    headers: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    #: sheet rows that are hidden (1-based); their data is still validated
    hidden_rows: set[int] = field(default_factory=set)
    #: merged ranges touching the data, as A1 ranges ("B3:C3")
    merged: list[str] = field(default_factory=list)
    #: facts about how the file was read (csv delimiter/encoding, formulas without cached values)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def data_rows(self) -> int:
        """Number of data rows (non-empty rows below the header)."""
        return len(self.rows)

    def cell(self, row_index: int, col_index: int) -> str:
        """A1 address of data row ``row_index`` (0-based) and column ``col_index`` (0-based)."""
        return cell_ref(self.row_numbers[row_index], self.first_col + col_index)

    def header_cell(self, col_index: int) -> str:
        """A1 address of the header of column ``col_index`` (0-based)."""
        return cell_ref(self.header_row, self.first_col + col_index)


def _same_rows(rows: Sequence[Any], other: object) -> bool:
    """``==`` of a sequence of rows (:class:`RowValues`, :class:`PackedRows`) with any other
    sequence of rows (a list of dicts or lists compares equal when every row does)."""
    if isinstance(other, Sequence) and not isinstance(other, str):
        return len(rows) == len(other) and all(a == b for a, b in zip(rows, other, strict=True))
    return NotImplemented


class RowValues(Sequence[Mapping[str, Any]]):
    """The values NumNum would get, per data row, kept compactly: one tuple per row against
    one shared key order (a dict per row costs four times the memory). Each item is a
    read-only mapping (:class:`Values`): ``v["title"]``, ``v.get("vat_id")``, ``dict(v)``.

    >>> rv = RowValues(("title", "vat_id"))
    >>> rv.append({"title": "Bakkerij", "vat_id": None})
    >>> rv.append({"title": "Slagerij", "vat_id": "0403019261"})
    >>> len(rv), rv[1]["vat_id"], rv[0].get("email"), dict(rv[0])
    (2, '0403019261', None, {'title': 'Bakkerij', 'vat_id': None})
    >>> rv == [{"title": "Bakkerij", "vat_id": None}, {"title": "Slagerij", "vat_id": "0403019261"}]
    True
    """

    __slots__ = ("_index", "_rows", "keys")

    def __init__(self, keys: Sequence[str], rows: list[Any] | None = None) -> None:
        self.keys = tuple(keys)
        self._index = {k: i for i, k in enumerate(self.keys)}
        self._rows: list[Any] = rows if rows is not None else []

    def append(self, values: dict[str, Any]) -> None:
        """Add one row's values (a dict with exactly :attr:`keys`, in that order, is stored as
        a tuple; any other dict as it is)."""
        keys = self.keys
        if len(values) == len(keys) and all(a == b for a, b in zip(values, keys,
                                                                     strict=True)):
            self._rows.append(tuple(values.values()))
        else:
            self._rows.append(dict(values))

    def extend(self, other: RowValues) -> None:
        """Add the rows of ``other`` (same keys)."""
        if other.keys == self.keys:
            self._rows.extend(other._rows)
        else:
            for v in other:
                self.append(dict(v))

    def detach(self, cells: Sequence[Sequence[Any]], cols: Sequence[int | None]) -> RowValues:
        """A copy to send to another process: a value that is the very object of its cell
        (``cells[r][cols[k]]``) is replaced by ``...``, so the receiver, which has the same
        cells, keeps one copy of each text instead of two (see :meth:`attach`)."""
        out = []
        for row, raw in zip(self._rows, cells, strict=True):
            if row.__class__ is tuple:
                row = tuple(... if c is not None and v is raw[c] else v
                            for v, c in zip(row, cols, strict=True))
            out.append(row)
        return RowValues(self.keys, out)

    def attach(self, cells: Sequence[Sequence[Any]], cols: Sequence[int | None]) -> None:
        """Undo :meth:`detach` with the receiver's own cells.

        >>> cells = [["Bakkerij", " 0403 "]]
        >>> rv = RowValues(("title", "vat_id")); rv.append({"title": "Bakkerij", "vat_id": "0403"})
        >>> sent = rv.detach(cells, [0, 1]); sent._rows
        [(Ellipsis, '0403')]
        >>> sent.attach(cells, [0, 1]); sent._rows[0][0] is cells[0][0], sent == rv
        (True, True)
        """
        rows = self._rows
        for i, raw in enumerate(cells):
            row = rows[i]
            if row.__class__ is tuple and ... in row:
                rows[i] = tuple(raw[c] if v is ... else v for v, c in zip(row, cols,
                                                                          strict=True))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return RowValues(self.keys, self._rows[i])
        row = self._rows[i]
        return Values(self._index, row) if row.__class__ is tuple else row

    def __iter__(self):
        index = self._index
        for row in self._rows:
            yield Values(index, row) if row.__class__ is tuple else row

    __eq__ = _same_rows

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RowValues({len(self)} rows, keys={list(self.keys)})"

    def __reduce__(self):
        return RowValues, (self.keys, self._rows)


class Values(Mapping[str, Any]):
    """One row's values: a read-only mapping over a tuple (see :class:`RowValues`)."""

    __slots__ = ("_index", "_row")

    def __init__(self, index: dict[str, int], row: tuple[Any, ...]) -> None:
        self._index, self._row = index, row

    def __getitem__(self, key: str) -> Any:
        return self._row[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        return default if i is None else self._row[i]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return repr(dict(self))


class PackedRows(Sequence[list[Any]]):
    """A sheet's data rows kept packed, for sheets too big to hold as Python lists: blocks of
    :data:`BLOCK` rows, each pickled and compressed (about a quarter of the bytes of the
    lists and values themselves), unpacked a block at a time as rows are read. Reading in
    order (``for row in rows``, ``rows[i]`` for growing ``i``) unpacks each block once; a
    slice is a view sharing the blocks. Rows are lists, all of the table's width.

    >>> rows = PackedRows.pack(iter([["a", 1], ["b", 2], ["c", 3]]), block=2)
    >>> len(rows), rows[2], rows[1:], list(rows[1:]) == [["b", 2], ["c", 3]]
    (3, ['c', 3], PackedRows(2 rows), True)
    """

    __slots__ = ("_block", "_blocks", "_cache", "_start", "_stop")

    #: Rows per block.
    BLOCK = 2048

    def __init__(self, blocks: list[bytes], block: int, start: int, stop: int) -> None:
        self._blocks, self._block, self._start, self._stop = blocks, block, start, stop
        self._cache: list[Any] = [-1, None]

    @classmethod
    def pack(cls, rows: Iterable[list[Any]], block: int = 0) -> PackedRows:
        """Pack ``rows`` (an iterator: never all held at once)."""
        import pickle
        import zlib

        block = block or cls.BLOCK
        blocks: list[bytes] = []
        part: list[list[Any]] = []
        n = 0
        for row in rows:
            part.append(row)
            if len(part) == block:
                blocks.append(zlib.compress(pickle.dumps(part, 5), 1))
                n += block
                part = []
        if part:
            blocks.append(zlib.compress(pickle.dumps(part, 5), 1))
            n += len(part)
        return cls(blocks, block, 0, n)

    def _unpacked(self, b: int) -> list[list[Any]]:
        cache = self._cache
        if cache[0] != b:
            import pickle
            import zlib

            cache[1] = None
            cache[1] = pickle.loads(zlib.decompress(self._blocks[b]))
            cache[0] = b
        return cache[1]

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, i):  # type: ignore[override]
        n = self._stop - self._start
        if isinstance(i, slice):
            lo, hi, step = i.indices(n)
            if step != 1:
                return [self[k] for k in range(lo, hi, step)]
            return PackedRows(self._blocks, self._block, self._start + lo,
                              self._start + max(hi, lo))
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("row index out of range")
        k = self._start + i
        return self._unpacked(k // self._block)[k % self._block]

    def __iter__(self):
        k, stop, size = self._start, self._stop, self._block
        while k < stop:
            b = k // size
            rows = self._unpacked(b)
            end = min(stop, (b + 1) * size)
            yield from rows[k - b * size:end - b * size]
            k = end

    __eq__ = _same_rows

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedRows({len(self)} rows)"

    @property
    def packed_bytes(self) -> int:
        """Bytes held by the blocks."""
        return sum(map(len, self._blocks))
