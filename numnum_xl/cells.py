"""A1 cell addresses (thin wrappers over openpyxl's utilities, cached for speed).

>>> cell_ref(5, 3)
'C5'
>>> column_index_of("AB12")
28
"""

from __future__ import annotations

import re
from functools import cache

from openpyxl.utils.cell import column_index_from_string, get_column_letter


@cache
def column_letter(index: int) -> str:
    """Letter(s) of the 1-based column ``index``."""
    return get_column_letter(index)


def cell_ref(row: int, column: int) -> str:
    """The A1 address of 1-based ``row`` and ``column``."""
    return f"{column_letter(column)}{row}"


_LETTERS = re.compile(r"^\$?([A-Za-z]{1,3})")


def column_index_of(ref: str) -> int:
    """The 1-based column index of an A1 address."""
    m = _LETTERS.match(ref)
    return column_index_from_string(m.group(1).upper()) if m else 0
