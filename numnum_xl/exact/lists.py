"""Lists of valid codes: relation codes, G/L accounts, VAT codes.

A list is read from any file :func:`numnum_xl.readers.read_table` reads (.xlsx, .xls, .csv, a
.txt with one code a line): the column whose header names it (``Relatiecode``, ``Code``,
``Debiteurnummer``, ``Grootboekrekening``, ``BTW-code``, …), else the first column. Without a
recognised header the first row is a code too (a plain list has no header). Codes compare as
text without surrounding spaces (Exact pads relation codes with leading spaces); a number cell
is its digits.

>>> import pathlib, tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> p = pathlib.Path(tmp.name) / "grootboeken.txt"
>>> _ = p.write_text("700000\\n700100\\n")
>>> sorted(read_list(p, ACCOUNT_HEADERS).codes)
['700000', '700100']
>>> q = pathlib.Path(tmp.name) / "relaties.csv"
>>> _ = q.write_text("Naam;Code\\nBakkerij;   934\\nSlagerij;1001\\n")
>>> rel = read_list(q, CODE_HEADERS)
>>> "934" in rel, "0934" in rel, rel.loose("0934")
(True, False, '934')
>>> tmp.cleanup()
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from numnum_xl.cells import text_of
from numnum_xl.exact.codes import code_key
from numnum_xl.exact.schema import CODE_HEADERS, ENTRY_BY_KEY
from numnum_xl.mapping import normalise

__all__ = ["ACCOUNT_HEADERS", "CODE_HEADERS", "VAT_CODE_HEADERS", "CodeList", "code_text",
           "read_list"]

ACCOUNT_HEADERS: tuple[str, ...] = (ENTRY_BY_KEY["account"].header,
                                    *ENTRY_BY_KEY["account"].synonyms, "Code",
                                    "Grootboekrekeningnummer", "Nummer", "Rekeningnummer")
VAT_CODE_HEADERS: tuple[str, ...] = (ENTRY_BY_KEY["vat_code"].header,
                                     *ENTRY_BY_KEY["vat_code"].synonyms, "Btw-code", "Code")
#: Headers of columns that are never the codes (an export's description column).
_NOT_CODES = frozenset(normalise(h) for h in ("Omschrijving", "Naam", "Description", "Name",
                                              "Nom", "Type", "Percentage"))


def code_text(value: Any) -> str | None:
    """A cell as a code: whole numbers as their digits, text without surrounding spaces.

    >>> code_text(700000), code_text(700000.0), code_text("  934 "), code_text(None)
    ('700000', '700000', '934', None)
    """
    return text_of(value)


@dataclass(frozen=True)
class CodeList:
    """Valid codes read from ``name`` (the file, for messages)."""

    name: str
    codes: frozenset[str]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def loose(self, code: str) -> str | None:
        """The listed code that equals ``code`` but for leading zeros, or None."""
        key = code_key(code)
        return next((c for c in sorted(self.codes) if code_key(c) == key), None)


def read_list(path: str | os.PathLike[str], headers: tuple[str, ...]) -> CodeList:
    """The codes in ``path``: the column named by one of ``headers``, else the first column.

    Raises :class:`~numnum_xl.table.ReadError` when the file cannot be read.
    """
    from numnum_xl.readers import read_table

    p = Path(path)
    table = read_table(p)
    wanted = [normalise(h) for h in headers]
    found = [normalise(h) for h in table.headers]
    col, named = 0, False
    for name in wanted:  # the first of ``headers`` that is in the file wins
        if name in found:
            col, named = found.index(name), True
            break
    else:
        col = next((i for i, h in enumerate(found) if h not in _NOT_CODES), 0)
    values = [row[col] for row in table.rows if col < len(row)]
    if not named and table.headers and normalise(table.headers[col]) not in _NOT_CODES:
        values.insert(0, table.headers[col])
    codes = frozenset(c for c in map(code_text, values) if c)
    return CodeList(p.name, codes)
