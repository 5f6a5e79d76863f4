"""A1 cell addresses (cached; plain Python, so that importing this loads no openpyxl — the
Excel add-in's click imports it).

>>> cell_ref(5, 3)
'C5'
>>> column_index_of("AB12")
28
"""

from __future__ import annotations

import re
from functools import cache


@cache
def column_letter(index: int) -> str:
    """Letter(s) of the 1-based column ``index`` (1..18278, as openpyxl's ``get_column_letter``).

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    if not 1 <= index <= 18278:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """The A1 address of 1-based ``row`` and ``column``."""
    return f"{column_letter(column)}{row}"


def text_of(value: object) -> str | None:
    """A cell value as stripped text (a whole float without ".0"), or None when empty.

    >>> text_of(700000.0), text_of("  934 "), text_of(None), text_of(True), text_of("  ")
    ('700000', '934', None, None, None)
    """
    if type(value) is str:
        return value.strip() or None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


_LETTERS = re.compile(r"^\$?([A-Za-z]{1,3})")


def column_index_of(ref: str) -> int:
    """The 1-based column index of an A1 address."""
    m = _LETTERS.match(ref)
    if not m:
        return 0
    index = 0
    for ch in m.group(1).upper():
        index = index * 26 + ord(ch) - 64
    return index
