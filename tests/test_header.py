"""``numnum-xl header``: rename a foreign header, or insert NumNum's above bare data."""

from __future__ import annotations

import subprocess
import sys

from openpyxl import Workbook, load_workbook

from numnum_xl.catalogue import KEYS
from numnum_xl.readers import read_table


def run(*args):
    return subprocess.run([sys.executable, "-m", "numnum_xl", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def book(tmp_path, rows, start_row=1, name="in.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    for r, values in enumerate(rows, start=start_row):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    path = tmp_path / name
    wb.save(path)
    return path


def test_foreign_header_is_renamed(tmp_path):
    src = book(tmp_path, [["Bedrijfsnaam", "BTW nr", "Kleur", "Gemeente"],
                          ["Bakkerij", "0403019261", "rood", "Gent"]])
    before = src.read_bytes()
    res = run("header", src)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "in.kopregel.xlsx"
    ws = load_workbook(out)["Data"]
    assert [c.value for c in ws[1]] == ["title", "vat_id", "Kleur", "address_city"]
    assert [c.value for c in ws[2]] == ["Bakkerij", "0403019261", "rood", "Gent"]
    assert "Kleur (niet herkend" in res.stdout
    assert src.read_bytes() == before


def test_header_inserted_above_bare_data(tmp_path):
    rows = [["Bakkerij Janssen BV", "Janssen", "Pieter"], ["Marie Dupont", "Dupont", "Marie"]]
    src = book(tmp_path, rows)
    res = run("header", src, "-o", tmp_path / "met.xlsx")
    assert res.returncode == 0, res.stderr
    ws = load_workbook(tmp_path / "met.xlsx")["Data"]
    assert [c.value for c in ws[1]] == list(KEYS[:3])
    assert [c.value for c in ws[2]] == rows[0] and [c.value for c in ws[3]] == rows[1]
    table = read_table(str(tmp_path / "met.xlsx"))
    assert table.headers == list(KEYS[:3]) and len(table.rows) == 2


def test_header_uses_the_empty_row_above(tmp_path):
    src = book(tmp_path, [["Bakkerij", "Janssen"]], start_row=3)
    res = run("header", src, "--in-place")
    assert res.returncode == 0
    ws = load_workbook(src)["Data"]
    assert [ws.cell(2, c).value for c in (1, 2)] == ["title", "last_name"]
    assert [ws.cell(3, c).value for c in (1, 2)] == ["Bakkerij", "Janssen"]
    assert list(tmp_path.glob("in.backup-*.xlsx"))


def test_csv_header_renamed_keeps_encoding_and_delimiter(tmp_path):
    src = tmp_path / "k.csv"
    src.write_bytes("Raison sociale;Localité\r\nBoulangerie;Liège\r\n".encode("cp1252"))
    res = run("header", src)
    assert res.returncode == 0, res.stderr
    out = tmp_path / "k.kopregel.csv"
    assert out.read_bytes().decode("cp1252").splitlines() == ["title;address_city",
                                                               "Boulangerie;Liège"]
