"""Annotating a workbook with findings, and clearing the marks again."""

from __future__ import annotations

import csv
import itertools
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Color, PatternFill
from openpyxl.xml.functions import tostring

from numnum_xl.annotate import (
    ERROR_RGB,
    NOTE_AUTHOR,
    NOTE_SEPARATOR,
    STATE_SHEET,
    SUMMARY_SHEET,
    WARNING_RGB,
    annotate,
    clear,
    default_output,
    dropped_parts,
    has_marks,
    marks_by_cell,
)
from numnum_xl.findings import ERROR, WARNING, Finding
from numnum_xl.table import ReadError, Table

HEADERS = ["title", "vat_id", "vat_country_code", "email", "lengte"]
ROWS = [
    ["Bakkerij Janssen", "0123456789", "BE", "info@janssen.be", None],
    ["Tech NV", "BE0403.019.261", "be", "contact@tech", None],
    [None, "0403019261", "BE", "marie@email.be", None],
]
USER_FILL = PatternFill("solid", fgColor=Color(theme=4, tint=0.3999755851924192))
USER_NOTE = ("Piet:\nnog nakijken", "Piet")


def _workbook(path: Path, sheet: str = "Klanten") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row)
    for r in (2, 3, 4):
        ws.cell(row=r, column=5, value=f"=LEN(A{r})")
    ws["B3"].fill = USER_FILL  # flagged below: fill and note must come back
    ws["B3"].comment = Comment(*USER_NOTE)
    ws["A2"].fill = PatternFill("solid", fgColor="FF00B050")  # unflagged, user's own
    ws["D2"].comment = Comment("klant sinds 2019", "Marie")  # unflagged note
    other = wb.create_sheet("Andere")
    other["A1"] = "niet aanraken"
    wb.save(path)
    return path


def _table(path: Path, sheet: str = "Klanten", fmt: str = "xlsx") -> Table:
    return Table(source=str(path), sheet=sheet, fmt=fmt, header_row=1, first_col=1,
                 headers=list(HEADERS), rows=[list(r) for r in ROWS], row_numbers=[2, 3, 4])


def _findings() -> list[Finding]:
    return [
        Finding(2, "vat_id", "B2", ERROR, "vat.checksum", {"value": "0123456789"}),
        Finding(3, "vat_id", "B3", WARNING, "vat.written", {"value": "BE0403.019.261"},
                "0403019261"),
        Finding(3, "vat_id", "B3", ERROR, "vat.prefix_mismatch",
                {"value": "BE0403.019.261", "prefix": "BE", "country": "NL"}),
        Finding(3, "vat_country_code", "C3", WARNING, "country.case",
                {"field": "vat_country_code", "value": "be"}, "BE"),
        Finding(3, "email", "D3", ERROR, "email.invalid",
                {"value": "contact@tech", "reason": "het domein bestaat niet"}),
        Finding(4, "title", "A4", ERROR, "required.missing", {"field": "title"}),
        Finding(None, None, "E1", WARNING, "header.unmapped", {"value": "lengte"}),
        Finding(None, None, None, WARNING, "sheet.hidden_rows", {"count": 1, "value": 7}),
    ]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return _workbook(tmp_path / "klanten.xlsx")


def _fill(cell) -> bytes:
    return tostring(cell.fill.to_tree())


def _rgb(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.patternType == "solid" else None


def test_marks_by_cell_error_wins_and_lists_every_message():
    marks = marks_by_cell(_findings())
    assert set(marks) == {"B2", "B3", "C3", "D3", "A4", "E1"}
    severity, text = marks["B3"]
    assert severity == ERROR
    lines = text.split("\n")
    assert lines[0].startswith("Fout: Btw-nummer BE0403.019.261 begint met landcode BE")
    assert lines[1].startswith("Waarschuwing: Btw-nummer BE0403.019.261 is geldig")
    assert lines[1].endswith("Voorstel: 0403019261")
    assert marks["C3"][0] == WARNING
    fr = marks_by_cell(_findings(), "fr")["C3"][1]
    assert fr.startswith("Avertissement : ")


def test_annotate_colours_and_notes(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    result = annotate(source, _table(source), _findings(), out)
    assert result.out_path == out and result.marked_cells == 6
    assert (result.errors, result.warnings) == (4, 4)
    assert result.notices == [] and result.backup_path is None
    ws = openpyxl.load_workbook(out)["Klanten"]
    for ref in ("B2", "B3", "D3", "A4"):
        assert _rgb(ws[ref]) == ERROR_RGB, ref
    assert _rgb(ws["C3"]) == WARNING_RGB
    assert _rgb(ws["E1"]) == WARNING_RGB
    assert ERROR_RGB != WARNING_RGB
    assert _rgb(ws["A2"]) == "FF00B050"  # user's fill on an unflagged cell
    assert ws["C2"].comment is None and _rgb(ws["C2"]) is None
    note = ws["B2"].comment
    assert note.author == NOTE_AUTHOR
    assert note.text == ("Fout: Btw-nummer 0123456789 is ongeldig (controlegetal klopt niet). "
                         "Controleer het nummer.")
    assert ws["C3"].comment.text.startswith("Waarschuwing: Btw-landcode: landcodes")
    assert ws["C3"].comment.text.endswith("Voorstel: BE")
    with zipfile.ZipFile(out) as z:  # openpyxl does not read the size back: check the VML
        vml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".vml")).decode()
    widths = [int(w) for w in re.findall(r"width:(\d+)px", vml)]
    assert len([w for w in widths if w >= 200]) == 6  # ours; the user's D2 note keeps 144


def test_user_fill_and_note_survive_and_are_restored(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(source, _table(source), _findings(), out)
    wb = openpyxl.load_workbook(out)
    cell = wb["Klanten"]["B3"]
    assert _rgb(cell) == ERROR_RGB
    user_text, ours = cell.comment.text.split(f"\n{NOTE_SEPARATOR}\n")
    assert user_text == USER_NOTE[0]
    assert ours.startswith("Fout: ")
    assert wb[STATE_SHEET].sheet_state == "veryHidden"

    result = clear(out)
    assert result.changed and result.restored_cells == 6
    assert result.backup_path is not None and result.backup_path.exists()
    ws = openpyxl.load_workbook(out)["Klanten"]
    b3 = ws["B3"]
    assert b3.fill == USER_FILL
    assert (b3.fill.fgColor.theme, b3.fill.fgColor.tint) == (4, 0.3999755851924192)
    assert (b3.comment.text, b3.comment.author) == USER_NOTE


def test_clear_removes_only_ours(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(source, _table(source), _findings(), out)
    clear(out, tmp_path / "schoon.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "schoon.xlsx")
    assert wb.sheetnames == ["Klanten", "Andere"]
    ws = wb["Klanten"]
    orig = openpyxl.load_workbook(source)["Klanten"]
    for row in ws.iter_rows(min_row=1, max_row=4, max_col=5):
        for cell in row:
            o = orig[cell.coordinate]
            assert cell.value == o.value, cell.coordinate
            assert _fill(cell) == _fill(o), cell.coordinate
            assert (cell.comment and (cell.comment.text, cell.comment.author)) == (
                o.comment and (o.comment.text, o.comment.author)), cell.coordinate
    assert (ws["D2"].comment.text, ws["D2"].comment.author) == ("klant sinds 2019", "Marie")
    assert wb["Andere"]["A1"].value == "niet aanraken"
    assert not has_marks(tmp_path / "schoon.xlsx")


def test_clear_keeps_user_edits_made_after_annotating(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(source, _table(source), _findings(), out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Klanten"]
    ws["C3"].fill = PatternFill("solid", fgColor="FF0000FF")  # the user recoloured it
    user_part = USER_NOTE[0] + " (gebeld)"
    ws["B3"].comment = Comment(ws["B3"].comment.text.replace(USER_NOTE[0], user_part), "Piet")
    wb.save(out)
    clear(out, backup=False)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert _rgb(ws["C3"]) == "FF0000FF"
    assert ws["B3"].comment.text == user_part
    assert ws["B3"].fill == USER_FILL


def test_formulas_survive(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(source, _table(source), _findings(), out)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert [ws.cell(row=r, column=5).value for r in (2, 3, 4)] == [
        "=LEN(A2)", "=LEN(A3)", "=LEN(A4)"]


def _state_rows(path: Path) -> list[tuple]:
    """The cell records of the state sheet (rows about parts start with '#')."""
    ws = openpyxl.load_workbook(path)[STATE_SHEET]
    return [r for r in ws.iter_rows(min_row=2, values_only=True)
            if r[0] and not str(r[0]).startswith("#")]


def test_reannotate_does_not_pile_up(source, tmp_path):
    first, second = tmp_path / "een.xlsx", tmp_path / "twee.xlsx"
    annotate(source, _table(source), _findings(), first)
    fewer = [f for f in _findings() if f.cell != "B2"]
    result = annotate(first, _table(first), fewer, second)
    assert result.previous_marks_cleared == 6 and result.marked_cells == 5
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames == ["Klanten", "Andere", SUMMARY_SHEET, STATE_SHEET]
    ws = wb["Klanten"]
    assert _rgb(ws["B2"]) is None and ws["B2"].comment is None  # old mark gone
    assert ws["B3"].comment.text.count(NOTE_SEPARATOR) == 1
    rows = {r[1]: r for r in _state_rows(second)}
    assert len(rows) == 5
    b3 = rows["B3"]
    assert json.loads(b3[4]) == list(USER_NOTE)  # the true original, not our first note
    assert "theme=\"4\"" in b3[3]
    clear(second, tmp_path / "schoon.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "schoon.xlsx")["Klanten"]
    assert ws["B3"].fill == USER_FILL
    assert (ws["B3"].comment.text, ws["B3"].comment.author) == USER_NOTE


def _summary_tables(sh) -> dict[str, tuple[int, list[list]]]:
    """Blocks of rows separated by empty rows: first cell -> (row of the block's first row,
    its rows)."""
    rows = [[c.value for c in row] for row in sh.iter_rows(max_col=7)]
    out, r = {}, 0
    while r < len(rows):
        if any(v is not None for v in rows[r]):
            start = r
            while r < len(rows) and any(v is not None for v in rows[r]):
                r += 1
            out[rows[start][0]] = (start + 1, rows[start:r])
        r += 1
    return out


def test_summary_sheet(tmp_path):
    src = _workbook(tmp_path / "klanten.xlsx", sheet="Klanten O'Brien")
    out = tmp_path / "uit.xlsx"
    annotate(src, _table(src, sheet="Klanten O'Brien"), _findings(), out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-2:] == [SUMMARY_SHEET, STATE_SHEET]
    assert wb.active.title == "Klanten O'Brien"  # the user's view is left alone
    sh = wb[SUMMARY_SHEET]
    assert sh["A1"].value.startswith("NumNum-controle van blad «Klanten O'Brien»")
    tables = _summary_tables(sh)
    overview = {r[1]: r[2] for r in tables["Overzicht"][1][1:]}
    assert overview["Gegevensrijen"] == 3 and overview["Fouten"] == 4
    assert overview["Waarschuwingen"] == 4 and overview["Rijen met fouten"] == 3
    # kinds of problem in words; the code only in the last (hidden) column
    _, kinds = tables["Soorten problemen"]
    assert kinds[1][:5] == ["Aantal", "Kolom", None, "Soort", "Probleem"]
    kinds = kinds[1:]
    by_code = {r[6]: r for r in kinds[1:]}
    assert by_code["vat.checksum"][0] == 1 and by_code["vat.checksum"][3] == "Fout"
    assert by_code["vat.checksum"][4].startswith("Btw-nummer … is ongeldig")
    assert sh.column_dimensions["G"].hidden
    assert all("." not in str(v) or v == r[4] for r in kinds[1:] for v in r[:6] if v)

    header, listed = tables["Alle meldingen"]
    header, listed = header + 1, listed[1:]
    assert listed[0] == ["Rij", "Kolom", "Cel", "Soort", "Melding", "Voorstel", "Code"]
    assert sh.freeze_panes == f"A{header + 1}"
    assert sh.auto_filter.ref == f"A{header}:G{header + len(_findings())}"
    listed = listed[1:]
    assert len(listed) == len(_findings())
    # sheet order: row, then column
    assert [r[2] for r in listed] == [None, "E1", "B2", "B3", "B3", "C3", "D3", "A4"]
    b2 = next(r for r in sh.iter_rows(min_row=header + 1) if r[2].value == "B2")
    assert b2[2].hyperlink.location == "'Klanten O''Brien'!B2"
    assert [b2[0].value, b2[1].value, b2[3].value, b2[6].value] == [
        2, "Btw-nummer", "Fout", "vat.checksum"]
    assert b2[4].value.startswith("Btw-nummer 0123456789 is ongeldig")
    assert b2[4].alignment.wrap_text and b2[4].alignment.vertical == "top"
    assert _rgb(b2[3]) == ERROR_RGB
    # a wrapped message gets a row tall enough for its lines
    long_row = max(range(header + 1, header + 1 + len(listed)),
                   key=lambda r: len(str(sh.cell(r, 5).value)))
    text = str(sh.cell(long_row, 5).value)
    width = sh.column_dimensions["E"].width
    if len(text) > width:
        assert sh.row_dimensions[long_row].height >= 15 * 2
    b3w = next(r for r in sh.iter_rows(min_row=header + 1) if r[6].value == "vat.written")
    assert b3w[5].value == "0403019261" and b3w[3].value == "Waarschuwing"
    e1 = next(r for r in sh.iter_rows(min_row=header + 1) if r[2].value == "E1")
    assert e1[1].value == "lengte"  # no field: the sheet's own header
    sheet_level = listed[0]
    assert sheet_level[0] is None and sheet_level[6] == "sheet.hidden_rows"
    # sections are stacked: no two tables share a row
    spans = [(h, h + len(rows) - 1) for h, rows in tables.values()]
    spans.sort()
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_in_place_makes_a_backup(source):
    before = source.read_bytes()
    result = annotate(source, _table(source), _findings(), in_place=True)
    assert result.out_path == source
    backup = result.backup_path
    assert backup is not None and backup.parent == source.parent
    assert backup.name.startswith("klanten.backup-") and backup.suffix == ".xlsx"
    assert backup.read_bytes() == before
    assert has_marks(source)
    leftovers = [p.name for p in source.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_source_untouched_without_in_place(source):
    before = source.read_bytes()
    result = annotate(source, _table(source), _findings())
    assert result.out_path == source.with_name("klanten.gecontroleerd.xlsx")
    assert result.out_path == default_output(source)
    assert source.read_bytes() == before
    assert not has_marks(source) and has_marks(result.out_path)


def test_refuses_to_write_over_source(source):
    before = source.read_bytes()
    with pytest.raises(ReadError, match="--in-place"):
        annotate(source, _table(source), _findings(), source)
    assert source.read_bytes() == before


def test_csv_source_gives_xlsx_with_values_in_place(tmp_path):
    src = tmp_path / "klanten.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([])
        w.writerow(["", "title", "vat_id", "payment_term"])
        w.writerow(["", "Bakkerij", "0403019261", "30"])
        w.writerow(["", "=1+1", "0123456789", "x"])
    table = Table(source=str(src), sheet="", fmt="csv", header_row=2, first_col=2,
                  headers=["title", "vat_id", "payment_term"],
                  rows=[["Bakkerij", "0403019261", 30], ["=1+1", "0123456789", "x"]],
                  row_numbers=[3, 4])
    findings = [Finding(4, "vat_id", "C4", ERROR, "vat.checksum", {"value": "0123456789"})]
    result = annotate(src, table, findings)
    assert result.out_path == tmp_path / "klanten.gecontroleerd.xlsx"
    wb = openpyxl.load_workbook(result.out_path)
    ws = wb["klanten"]
    assert [ws[r].value for r in ("B2", "C2", "D2")] == ["title", "vat_id", "payment_term"]
    assert ws["C3"].value == "0403019261" and ws["C3"].data_type == "s"
    assert ws["C3"].number_format == "@"
    assert ws["D3"].value == 30
    assert ws["B4"].value == "=1+1" and ws["B4"].data_type == "s"  # text, not a formula
    assert ws["A1"].value is None and ws["A3"].value is None
    assert _rgb(ws["C4"]) == ERROR_RGB
    assert ws["C4"].comment.text.startswith("Fout: Btw-nummer 0123456789")
    with pytest.raises(ReadError):
        annotate(src, table, findings, in_place=True)


def _add_member(path: Path, name: str, data: bytes = b"x") -> None:
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(name, data)


def test_parts_openpyxl_would_drop_are_kept_and_in_place_allowed(source, tmp_path):
    _add_member(source, "xl/media/image1.png", b"\x89PNG not really")
    result = annotate(source, _table(source), _findings(), tmp_path / "uit.xlsx")
    assert result.notices == []
    with zipfile.ZipFile(tmp_path / "uit.xlsx") as z:
        assert z.read("xl/media/image1.png") == b"\x89PNG not really"
    result = annotate(source, _table(source), _findings(), in_place=True)
    assert result.backup_path is not None and has_marks(source)
    with zipfile.ZipFile(source) as z:
        assert z.read("xl/media/image1.png") == b"\x89PNG not really"


def test_notes_alone_are_not_a_dropped_part(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(source, _table(source), _findings(), out)
    with zipfile.ZipFile(out) as z:
        assert any(n.endswith(".vml") for n in z.namelist())
    assert dropped_parts(out) == []


def test_clear_without_marks_is_a_no_op(source):
    before = source.read_bytes()
    result = clear(source)
    assert not result.changed
    assert "Geen NumNum-markeringen" in result.message
    assert source.read_bytes() == before
    assert [p.name for p in source.parent.iterdir()] == ["klanten.xlsx"]


def test_cell_created_for_a_mark_disappears_on_clear(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    findings = [Finding(9, "title", "A9", ERROR, "required.missing", {"field": "title"})]
    wb = openpyxl.load_workbook(source)
    wb["Klanten"].column_dimensions["A"].number_format = "@"
    wb.save(source)
    annotate(source, _table(source), findings, out)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert _rgb(ws["A9"]) == ERROR_RGB and ws["A9"].number_format == "@"
    clear(out, backup=False)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert (9, 1) not in ws._cells


def test_merged_cell_mark_goes_to_anchor(source, tmp_path):
    wb = openpyxl.load_workbook(source)
    wb["Klanten"].merge_cells("A6:B6")
    wb["Klanten"]["A6"] = "samengevoegd"
    wb.save(source)
    out = tmp_path / "uit.xlsx"
    findings = [Finding(6, "vat_id", "B6", WARNING, "sheet.merged_cells", {"value": "A6:B6"})]
    assert annotate(source, _table(source), findings, out).marked_cells == 1
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert _rgb(ws["A6"]) == WARNING_RGB
    assert "Samengevoegde cellen A6:B6" in ws["A6"].comment.text


def test_control_characters_in_messages(source, tmp_path):
    findings = [Finding(2, "title", "A2", WARNING, "text.control_chars", {"field": "title"}),
                Finding(2, "email", "D2", ERROR, "email.invalid",
                        {"value": "a\x0bb@x.be", "reason": "teken"})]
    out = tmp_path / "uit.xlsx"
    annotate(source, _table(source), findings, out)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert "a\\x0bb@x.be" in ws["D2"].comment.text
    # the user's own note on D2 is kept above ours
    assert ws["D2"].comment.text.startswith("klant sinds 2019\n" + NOTE_SEPARATOR)


def test_xlsm_keeps_its_macros(tmp_path):
    src = _workbook(tmp_path / "klanten.xlsx").rename(tmp_path / "klanten.xlsm")
    _add_member(src, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro bytes")
    result = annotate(src, _table(src), _findings())
    assert result.out_path.name == "klanten.gecontroleerd.xlsm"
    with zipfile.ZipFile(result.out_path) as z:
        assert z.read("xl/vbaProject.bin") == b"\xd0\xcf\x11\xe0 macro bytes"
    plain = annotate(src, _table(src), _findings(), tmp_path / "kopie.xlsx")
    assert any("macro" in n for n in plain.notices)
    with zipfile.ZipFile(plain.out_path) as z:
        assert "xl/vbaProject.bin" not in z.namelist()


def test_fixed_values_are_written_but_formulas_never_overwritten(source, tmp_path):
    out = tmp_path / "uit.xlsx"
    result = annotate(source, _table(source), _findings(), out,
                      values={"C3": "BE", "B2": "0403019261", "E2": "x"})
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert ws["C3"].value == "BE" and _rgb(ws["C3"]) == WARNING_RGB
    assert ws["B2"].value == "0403019261" and ws["B2"].number_format == "@"
    assert ws["E2"].value == "=LEN(A2)"
    assert any("E2" in n and "formule" in n for n in result.notices)


_X14_DV = (
    '<extLst><ext uri="{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Andere!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>C2:C100</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>"
    '<ext uri="{05C60535-1F16-4FD2-B633-F4F36F0B64E0}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    "<x14:sparklineGroups/></ext></extLst>"
)


def _with_member(path: Path, name: str, edit) -> None:
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[name] = edit(members[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)


def test_excel_2010_dropdowns_and_sparklines_are_kept_byte_for_byte(source, tmp_path):
    _with_member(source, "xl/worksheets/sheet1.xml",
                 lambda d: d.replace(b"</worksheet>", _X14_DV.encode() + b"</worksheet>"))
    out = tmp_path / "uit.xlsx"
    result = annotate(source, _table(source), _findings(), out)
    assert result.notices == []
    with zipfile.ZipFile(out) as z:
        assert _X14_DV.encode() in z.read("xl/worksheets/sheet1.xml")
    clear(out, tmp_path / "schoon.xlsx")
    with zipfile.ZipFile(tmp_path / "schoon.xlsx") as z, zipfile.ZipFile(source) as o:
        assert z.read("xl/worksheets/sheet1.xml") == o.read("xl/worksheets/sheet1.xml")


def test_clear_recognises_our_fill_after_excel_resaved_it(tmp_path):
    """Excel writes a solid fill back with an extra ``<bgColor indexed="64"/>``: still ours."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import PatternFill

    from numnum_xl.annotate import ERROR_RGB, annotate, clear
    from numnum_xl.findings import Finding
    from numnum_xl.readers import read_table

    wb = Workbook()
    ws = wb.active
    ws.append(["title", "last_name"])
    ws.append(["Bakkerij", None])
    src = tmp_path / "k.xlsx"
    wb.save(src)
    out = tmp_path / "k.gecontroleerd.xlsx"
    finding = Finding(2, "last_name", "B2", "error", "required.missing", {"field": "last_name"})
    annotate(src, read_table(str(src)), [finding], out)
    book = load_workbook(out)
    cell = book.active["B2"]
    assert cell.fill.fgColor.rgb == ERROR_RGB
    cell.fill = PatternFill("solid", fgColor=ERROR_RGB, bgColor="FF000000")  # as Excel saves it
    book.save(out)
    clear(out, backup=False)
    cell = load_workbook(out).active["B2"]
    assert cell.fill.fgColor.rgb != ERROR_RGB and cell.comment is None
