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
