"""The sample workbook: built from the catalogue, deterministic, committed copy up to date."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pycountry
import pytest
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from numnum_xl.catalogue import FIELDS, KEYS, LANGUAGES, LEGAL_FORM_CODES, VAT_RATES, YES_NO
from numnum_xl.cells import column_letter
from numnum_xl.template import (
    DATA_SHEET,
    LAST_DATA_ROW,
    NOTE_AUTHOR,
    VALUES_SHEET,
    apply_template_formats,
    build_template,
    dropdown_list,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "template" / "numnum-voorbeeld.xlsx"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("tpl") / "voorbeeld.xlsx")


@pytest.fixture(scope="module")
def book(built: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(built)


def _range_values(wb: openpyxl.Workbook, ref: str) -> list:
    sheet, rng = ref.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    min_col, min_row, _, max_row = range_boundaries(rng.replace("$", ""))
    ws = wb[sheet]
    return [ws.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]


def _validation_for(ws, col: int):
    letter = column_letter(col)
    found = []
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if rng.min_col == col == rng.max_col:
                found.append((dv, rng))
    assert len(found) <= 1, f"column {letter} has more than one validation"
    return found[0] if found else (None, None)


def test_header_is_every_catalogue_key_in_order(book):
    ws = book[DATA_SHEET]
    assert book.sheetnames[0] == DATA_SHEET
    header = [c.value for c in ws[1]]
    assert header == list(KEYS)
    assert ws.max_row == 1  # no sample data that could be imported by mistake


def test_required_headers_marked(book):
    ws = book[DATA_SHEET]
    required_fills = set()
    optional_fills = set()
    for col, field in enumerate(FIELDS, start=1):
        cell = ws.cell(row=1, column=col)
        rgb = cell.fill.fgColor.rgb
        assert cell.fill.patternType == "solid"
        if field.required:
            assert cell.font.bold
            assert "Verplicht" in cell.comment.text
            required_fills.add(rgb)
        else:
            assert not cell.font.bold
            assert "Verplicht" not in cell.comment.text
            optional_fills.add(rgb)
    assert len(required_fills) == 1
    assert required_fills.isdisjoint(optional_fills)


def test_every_header_has_a_note(book):
    ws = book[DATA_SHEET]
    for col, field in enumerate(FIELDS, start=1):
        note = ws.cell(row=1, column=col).comment
        assert note is not None, field.key
        assert note.author == NOTE_AUTHOR
        for part in (field.label_nl, field.description_nl, field.label_fr, field.label_en):
            assert part in note.text, (field.key, part)
        for value in field.allowed or ():
            assert value in note.text
        if field.key == "company_type":
            assert "BV, NV, VOF" in note.text


def test_dropdowns_refer_to_values_sheet(book):
    ws = book[DATA_SHEET]
    expected = {
        "company_type": list(LEGAL_FORM_CODES),
        "doc_language": list(LANGUAGES),
        "vat_percentage": list(VAT_RATES),
        "yesno": list(YES_NO),
    }
    countries = {c.alpha_2 for c in pycountry.countries}
    seen = set()
    for col, field in enumerate(FIELDS, start=1):
        dv, rng = _validation_for(ws, col)
        name = dropdown_list(field)
        if name is None:
            assert dv is None or dv.type != "list", field.key
            continue
        seen.add(name)
        assert dv is not None and dv.type == "list", field.key
        assert (rng.min_row, rng.max_row) == (2, LAST_DATA_ROW)
        assert dv.formula1.startswith(f"'{VALUES_SHEET}'!")
        values = [str(v) for v in _range_values(book, dv.formula1)]
        if name == "country":
            assert len(values) == len(countries) == len(set(values))
            assert set(values) == countries
            assert values[0] == "BE"
            assert field.kind == "country"
        elif name == "yesno":
            assert field.kind == "yesno"
            assert values == expected["yesno"]
        else:
            assert values == expected[name], field.key
    assert seen == {"company_type", "country", "doc_language", "vat_percentage", "yesno"}
    # the three country columns share one list
    country_cols = [f.key for f in FIELDS if f.kind == "country"]
    assert country_cols == ["vat_country_code", "address_country", "iban_country_code"]


def test_country_names_beside_codes(book):
    ws = book[VALUES_SHEET]
    rows = {ws.cell(row=r, column=c).value: ws.cell(row=r, column=c + 1).value
            for r in range(2, ws.max_row + 1) for c in range(1, ws.max_column)
            if ws.cell(row=r, column=c).value == "BE"}
    assert rows == {"BE": "België"}
    assert ws.protection.sheet  # visible for reference, protected against accidents
    assert ws.sheet_state == "visible"


def test_identifier_columns_are_text(book):
    ws = book[DATA_SHEET]
    for col, field in enumerate(FIELDS, start=1):
        fmt = ws.column_dimensions[column_letter(col)].number_format
        if field.text_format:
            assert fmt == "@", field.key
        else:
            assert fmt != "@", field.key
    assert ws.cell(row=1, column=KEYS.index("vat_id") + 1).number_format == "General"


def test_frozen_header_and_widths(book):
    ws = book[DATA_SHEET]
    assert ws.freeze_panes == "A2"
    for col, field in enumerate(FIELDS, start=1):
        # never narrower than the catalogue says; wider where the header needs it
        assert ws.column_dimensions[column_letter(col)].width >= field.width
    assert book.active.title == DATA_SHEET


def test_payment_term_whole_number(book):
    ws = book[DATA_SHEET]
    dv, _ = _validation_for(ws, KEYS.index("payment_term") + 1)
    assert dv.type == "whole" and dv.operator == "greaterThanOrEqual"


def test_build_is_byte_identical(tmp_path):
    a = build_template(tmp_path / "a.xlsx").read_bytes()
    b = build_template(tmp_path / "b.xlsx").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(2025, 1, 1, 0, 0, 0)}
        assert b"2025-01-01T00:00:00Z" in z.read("docProps/core.xml")


def test_build_does_not_depend_on_lxml(tmp_path):
    """openpyxl writes XML differently with and without lxml; the canonical parts do not."""
    out = tmp_path / "zonder-lxml.xlsx"
    code = "import sys; from numnum_xl.template import build_template; build_template(sys.argv[1])"
    env = {**os.environ, "OPENPYXL_LXML": "False",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, cwd=tmp_path)
    assert _members(out) == _members(build_template(tmp_path / "met.xlsx"))


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_committed_template_matches_fresh_build(built):
    """Regenerate with: python -m numnum_xl template --force template/numnum-voorbeeld.xlsx"""
    assert COMMITTED.is_file()
    committed, fresh = _members(COMMITTED), _members(built)
    assert sorted(committed) == sorted(fresh)
    for name in fresh:
        assert committed[name] == fresh[name], f"{name} differs: regenerate the template"
    # same zlib: same bytes (another zlib may compress differently; the members still match)
    if COMMITTED.read_bytes() != built.read_bytes():
        pytest.skip("members equal; compressed bytes differ (other zlib build)")


def test_apply_template_formats_on_existing_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Mijn klanten"
    own = wb.create_sheet(VALUES_SHEET)  # the user's own sheet called Waarden
    own["A1"] = "mijn eigen gegevens"
    ws.append(["Naam", "BTW", "Land"])
    ws.append(["Bakkerij", "0403019261", "BE"])
    fields = {1: FIELDS[0], 2: FIELDS[KEYS.index("vat_id")],
              3: FIELDS[KEYS.index("address_country")]}
    apply_template_formats(ws, fields, 2, 100)
    assert own["A1"].value == "mijn eigen gegevens" and own.max_row == 1
    values_name = [n for n in wb.sheetnames if n not in ("Mijn klanten", VALUES_SHEET)]
    assert values_name == [f"{VALUES_SHEET} NumNum"]
    assert ws["B2"].number_format == "@"
    assert ws["B1"].number_format == "General"
    assert ws.column_dimensions["B"].number_format == "@"
    assert ws["B50"].number_format == "General" or ("B", 50) not in ws._cells
    dv, rng = _validation_for(ws, 3)
    assert dv.formula1.startswith(f"'{VALUES_SHEET} NumNum'!")
    assert (rng.min_row, rng.max_row) == (2, 100)
    out = tmp_path / "x.xlsx"
    wb.save(out)
    again = openpyxl.load_workbook(out)
    assert "BE" in [str(v) for v in _range_values(again, dv.formula1)]
    # applying again reuses the same values sheet
    apply_template_formats(ws, fields, 2, 100)
    assert len(wb.sheetnames) == 3


def _parser() -> argparse.ArgumentParser:
    from numnum_xl.commands import template as cmd

    parser = argparse.ArgumentParser()
    cmd.register(parser.add_subparsers())
    return parser


def test_cli_writes_and_refuses_overwrite(tmp_path, capsys):
    from numnum_xl.cli import UsageError

    out = tmp_path / "voorbeeld.xlsx"
    args = _parser().parse_args(["template", str(out)])
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip() == str(out)
    first = out.read_bytes()
    with pytest.raises(UsageError, match="--force"):
        args.func(args)
    args = _parser().parse_args(["template", str(out), "--force"])
    assert args.func(args) == 0
    assert out.read_bytes() == first
    bad = _parser().parse_args(["template", str(tmp_path / "x.csv")])
    with pytest.raises(UsageError):
        bad.func(bad)


def test_column_letters_follow_catalogue(book):
    ws = book[DATA_SHEET]
    vat = column_index_from_string("E")
    assert ws.cell(row=1, column=vat).value == "vat_id"
