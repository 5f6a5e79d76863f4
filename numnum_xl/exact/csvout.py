"""CSV files for Exact Online, written so Belgians who open them in Excel first lose nothing.

* The delimiter is ``;`` (what Excel with Belgian or Dutch regional settings expects) or ``,``;
  amounts use a decimal comma (``870,00``) or point; dates are ``dd-mm-yyyy`` by default (the
  import help page's example ``02-01-2024``), or ``dd/mm/yyyy`` / ``yyyy-mm-dd``. Exact's import
  wizard asks for the same choices once and keeps them in the import profile.
* UTF-8 with a byte-order mark, so Excel shows accents right; lines end with CRLF.
* Formula injection (OWASP "CSV injection"): a text value that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is written with a single quote in front, so a spreadsheet
  shows it as text instead of running it. A value that is only a number - an optional sign,
  digits and the punctuation of numbers and phone numbers (space . , / ( ) -), no letters and
  no other operator - is left alone: ``-12,50`` must stay an amount and ``+32 9 123 45 67`` a
  phone number. Without letters such a value can name no function, no cell and no DDE
  command, so a spreadsheet can at most compute a number from it; nothing runs.

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-12,50"), neutralise("+32 9 123 45 67")
('\\'=HYPERLINK("http://x")', '-12,50', '+32 9 123 45 67')
>>> neutralise("-2+3+cmd|' /C calc'!A0"), neutralise("@SUM(A1)"), neutralise("Bakkerij")
("'-2+3+cmd|' /C calc'!A0", "'@SUM(A1)", 'Bakkerij')
>>> fmt = CsvFormat()
>>> fmt.amount(Decimal("-12.5")), CsvFormat(decimal=".").amount(Decimal("1234"))
('-12,50', '1234.00')
>>> fmt.date(dt.date(2024, 1, 2)), CsvFormat(date_format="jjjj-mm-dd").date(dt.date(2024, 1, 2))
('02-01-2024', '2024-01-02')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

#: Characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: A value that is only a (signed) number or phone number: inert in any spreadsheet.
_INERT = re.compile(r"[+-]?[0-9][0-9 .,/()-]*")

#: ``--datum`` choices -> strftime formats.
DATE_FORMATS = {"dd-mm-jjjj": "%d-%m-%Y", "dd/mm/jjjj": "%d/%m/%Y", "jjjj-mm-dd": "%Y-%m-%d"}
#: ``--decimaal`` choices -> the decimal separator.
DECIMALS = {"komma": ",", "punt": "."}
DELIMITERS = (";", ",")
ENCODING = "utf-8-sig"
_CENT = Decimal("0.01")


def neutralise(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs as a formula (see the module doc)."""
    if text and text.startswith(FORMULA_TRIGGERS) and not _INERT.fullmatch(text):
        return "'" + text
    return text


def needs_neutralising(text: str) -> bool:
    """Whether :func:`neutralise` changes ``text``."""
    return neutralise(text) != text


@dataclass(frozen=True)
class CsvFormat:
    """How values are written: delimiter, decimal separator and date format."""

    delimiter: str = ";"
    decimal: str = ","
    date_format: str = "dd-mm-jjjj"

    def __post_init__(self) -> None:
        if self.delimiter not in DELIMITERS:
            raise ValueError(f"scheidingsteken {self.delimiter!r}: kies ; of ,")
        if self.decimal not in DECIMALS.values():
            raise ValueError(f"decimaalteken {self.decimal!r}: kies , of .")
        if self.date_format not in DATE_FORMATS:
            raise ValueError(f"datumnotatie {self.date_format!r}: kies uit "
                             f"{', '.join(DATE_FORMATS)}")

    def amount(self, value: Decimal) -> str:
        """An amount with two decimals and this format's decimal separator, no thousands."""
        text = f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):f}"
        return text.replace(".", self.decimal)

    def date(self, value: dt.date) -> str:
        """A date in this format's notation."""
        return value.strftime(DATE_FORMATS[self.date_format])


def render(headers: Sequence[str], rows: Iterable[Sequence[str | None]],
           fmt: CsvFormat) -> str:
    """The CSV text (without BOM): every value neutralised, ``None`` written empty."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=fmt.delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buf.getvalue()


def write_csv(path: str | os.PathLike[str], headers: Sequence[str],
              rows: Iterable[Sequence[str | None]], fmt: CsvFormat) -> Path:
    """Write the CSV (UTF-8 with BOM) atomically: a temporary file beside it, then a rename."""
    out = Path(path)
    text = render(headers, rows, fmt)
    tmp = out.with_name(f".{out.name}.tmp")
    with open(tmp, "w", encoding=ENCODING, newline="") as fh:
        fh.write(text)
    os.replace(tmp, out)
    return out


def read_csv(path: str | os.PathLike[str], fmt: CsvFormat) -> list[list[str]]:
    """Read a CSV written by :func:`write_csv` back with the csv module (header included)."""
    with open(path, encoding=ENCODING, newline="") as fh:
        return [list(r) for r in csv.reader(fh, delimiter=fmt.delimiter)]
