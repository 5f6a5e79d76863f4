"""The annotated copy is a patch of the user's package: nothing the tool did not change
differs, whatever wrote the workbook (Transitional, Strict, a minimal package, charts,
pictures, pivot tables), and clear gives the original back."""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from numnum_xl import annotate as annotate_mod
from numnum_xl.annotate import (
    FIXED_RGB,
    STATE_SHEET,
    SUMMARY_SHEET,
    TEMP_PREFIX,
    annotate,
    clear,
    has_marks,
)
from numnum_xl.findings import ERROR, WARNING, Finding
from numnum_xl.fix import Change
from numnum_xl.table import ReadError, Table
from numnum_xl.xlsxpatch import sheetxml
from tests import xlsx_packages as pk

HEADERS = ["title", "vat_id", "registration_date", "email", "lengte"]


def _table(path: Path, sheet: str = "Klanten") -> Table:
    return Table(source=str(path), sheet=sheet, fmt="xlsx", header_row=1, first_col=1,
                 headers=list(HEADERS), rows=[["x"] * 5] * 3, row_numbers=[2, 3, 5])


FINDINGS = [
    Finding(2, "vat_id", "B2", ERROR, "vat.checksum", {"value": "403019261"}),
    Finding(2, "title", "A2", WARNING, "text.whitespace", {"field": "title"}, "Bakkerij"),
    Finding(2, None, "E2", WARNING, "header.unmapped", {"value": "lengte"}),
    Finding(3, "email", "D3", ERROR, "email.invalid", {"value": "contact@tech", "reason": "x"}),
    Finding(3, "title", "C3", WARNING, "text.whitespace", {"field": "title"}),  # no r=
    Finding(4, "title", "A4", ERROR, "required.missing", {"field": "title"}),  # no row 4
    Finding(5, "vat_id", "G5", WARNING, "sheet.merged_cells", {"value": "F5:G5"}),  # merged
    Finding(9, "title", "A9", ERROR, "required.missing", {"field": "title"}),  # after the end
]
MARKED = {"A2", "B2", "E2", "C3", "D3", "F5"}
CREATED = {"A4", "A9", "F5"}

_CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)


def _cells(sheet_xml: bytes) -> dict[str, bytes]:
    """Every ``<c>`` element by address (position for cells written without ``r``)."""
    out, r = {}, 0
    for row in re.finditer(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", sheet_xml, re.S):
        m = re.search(rb'\br="(\d+)"', row.group(1))
        r = int(m.group(1)) if m else r + 1
        col = 0
        for c in _CELL.finditer(row.group(2) or b""):
            m = re.search(rb'\br="([A-Z]+)\d+"', c.group(0)[:c.group(0).find(b">")])
            col = openpyxl.utils.column_index_from_string(m.group(1).decode()) if m else col + 1
            out[f"{openpyxl.utils.get_column_letter(col)}{r}"] = c.group(0)
    return out


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _well_formed(path: Path) -> None:
    """Every XML part (and VML drawing) of ``path`` parses: no unbound prefix, no broken tag."""
    from xml.etree import ElementTree

    for name, data in _parts(path).items():
        if name.endswith((".xml", ".rels", ".vml")):
            ElementTree.fromstring(data)


def _calamine(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return pk.transitional(tmp_path / "klanten.xlsx")


def test_no_cell_changes_but_the_marked_ones(book, tmp_path):
    out = tmp_path / "uit.xlsx"
    result = annotate(book, _table(book), FINDINGS, out)
    assert result.marked_cells == len(MARKED | CREATED)
    _well_formed(out)
    before, after = _parts(book), _parts(out)
    src = _cells(before["xl/worksheets/sheet1.xml"])
    dst = _cells(after["xl/worksheets/sheet1.xml"])
    assert set(dst) == set(src) | CREATED
    for ref, xml in src.items():
        if ref in MARKED:
            assert dst[ref] != xml, ref
            # only the style id differs: value, type, formula and cached result are the same
            assert sheetxml.set_style(dst[ref], None) == sheetxml.set_style(xml, None), ref
        else:
            assert dst[ref] == xml, ref
    # shared strings (rich text runs, xml:space="preserve") and the other sheet: byte for byte
    for name in ("xl/sharedStrings.xml", "xl/worksheets/sheet2.xml"):
        assert after[name] == before[name], name
    assert b"<definedName name=\"Lijst\">Klanten!$A$1:$E$5</definedName>" in after[
        "xl/workbook.xml"]
    # what readers see: the same values everywhere (calamine) ...
    assert _calamine(out, "Klanten") == _calamine(book, "Klanten")
    # ... and openpyxl: rich text runs, a VAT number in a dd/mm/yyyy cell, cached results
    a = openpyxl.load_workbook(book, rich_text=True)["Klanten"]
    b = openpyxl.load_workbook(out, rich_text=True)["Klanten"]
    for row in a.iter_rows():
        for cell in row:
            other = b[cell.coordinate]
            assert (other.value, other.data_type, other.number_format) == (
                cell.value, cell.data_type, cell.number_format), cell.coordinate
    # the VAT number in a dd/mm/yyyy cell stays that number (openpyxl's round trip wrote
    # #VALUE! here; openpyxl reads it as an error, calamine as the number it is)
    assert b"<v>403019261</v>" in dst["B2"] and b't="e"' not in dst["B2"]
    assert b["B2"].number_format == "dd/mm/yyyy"
    assert _calamine(out, "Klanten")[1][1] == 403019261
    cached = openpyxl.load_workbook(out, data_only=True)["Klanten"]
    assert (cached["E2"].value, cached["E3"].value) == (20, "CONTACT@TECH")
    rich = b["A3"].value
    assert [str(r.text) if hasattr(r, "text") else r for r in rich] == [
        "tval", "rval1", " ", "rval2"]
    # the marked cells keep their own number format and font, with our fill
    assert b["B2"].fill.fgColor.rgb == annotate_mod.ERROR_RGB
    assert b["A1"].font.b and b["A1"].fill.fgColor.rgb != annotate_mod.ERROR_RGB


def test_marks_land_where_they_belong(book, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(book, _table(book), FINDINGS, out)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert ws["C3"].fill.fgColor.rgb == annotate_mod.WARNING_RGB  # cell without r=
    assert ws["C3"].number_format == "dd/mm/yyyy"  # its own format kept
    assert ws["F5"].fill.fgColor.rgb == annotate_mod.WARNING_RGB  # merged: top-left cell
    assert "F5:G5" in ws["F5"].comment.text
    assert ws["A4"].fill.fgColor.rgb == annotate_mod.ERROR_RGB  # row created
    assert ws["A9"].comment.text.startswith("Fout: Titel is verplicht")
    # a new cell in column C takes the column's style (dd/mm/yyyy) - like Excel would
    assert ws.row_dimensions[5].height == 30


def test_clear_gives_back_every_part(book, tmp_path):
    out = tmp_path / "uit.xlsx"
    annotate(book, _table(book), FINDINGS, out)
    result = clear(out, tmp_path / "schoon.xlsx")
    assert result.exact and result.restored_cells == len(MARKED | CREATED)
    assert _parts(tmp_path / "schoon.xlsx") == _parts(book)


def test_strict_ooxml(tmp_path):
    src = pk.strict(tmp_path / "strict.xlsx")
    out = tmp_path / "uit.xlsx"
    annotate(src, _table(src), FINDINGS[:4], out)
    _well_formed(out)
    before, after = _parts(src), _parts(out)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    assert _calamine(out, "Klanten") == _calamine(src, "Klanten")
    book_xml = after["xl/workbook.xml"].decode()
    assert f'name="{SUMMARY_SHEET}"' in book_xml and 'conformance="strict"' in book_xml
    new = [n for n in after if n not in before and n.endswith(".xml")]
    assert new and all(pk.STRICT_MAIN.encode() in after[n] for n in new), new
    assert pk.MAIN.encode() not in b"".join(after[n] for n in after if n.endswith(".xml"))
    assert all(pk.STRICT_REL in t for t in re.findall(
        r'Type="([^"]+)"', after["xl/worksheets/_rels/sheet1.xml.rels"].decode()))
    assert CalamineWorkbook.from_path(str(out)).sheet_names[-2:] == [SUMMARY_SHEET,
                                                                      STATE_SHEET]
    clear(out, tmp_path / "schoon.xlsx")
    assert _parts(tmp_path / "schoon.xlsx") == before


def test_minimal_package_without_styles(tmp_path):
    src = pk.minimal(tmp_path / "minimal.xlsx")
    out = tmp_path / "uit.xlsx"
    findings = [Finding(2, "vat_id", "B2", ERROR, "vat.checksum", {"value": "123456789"})]
    result = annotate(src, _table(src, "Sheet1"), findings, out)
    assert result.marked_cells == 1
    _well_formed(out)
    after = _parts(out)
    assert "styles.xml" in after and b'rgb="FFFFC7CE"' in after["styles.xml"]
    assert _calamine(out, "Sheet1") == _calamine(src, "Sheet1")
    # openpyxl cannot read minimal packages at all (before or after); check the XML
    cell = _cells(after["sheet1.xml"])["B2"]
    xf = re.findall(rb"<xf\b[^>]*?fillId=\"(\d+)\"", after["styles.xml"].split(b"<cellXfs")[1])
    fills = re.findall(rb"<fill>.*?</fill>", after["styles.xml"], re.S)
    assert b"FFFFC7CE" in fills[int(xf[sheetxml.style_of(cell)])]
    clear(out, tmp_path / "schoon.xlsx")
    assert _parts(tmp_path / "schoon.xlsx") == _parts(src)  # styles.xml gone again


def _chart_image_pivot(path: Path) -> Path:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Klanten"
    ws.append(["title", "vat_id"])
    ws.append(["Bakkerij", 403019261])
    ws.append(["Tech NV", 123456789])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "D2")
    png = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 30, 30)).save(png, "PNG")
    png.seek(0)
    ws.add_image(Image(png), "D20")
    wb.save(path)
    pk.add_pivot(path)
    return path


def test_chart_image_and_pivot_survive_byte_for_byte(tmp_path):
    src = _chart_image_pivot(tmp_path / "grafiek.xlsx")
    _well_formed(src)
    before = _parts(src)
    kept = [n for n in before if n.startswith(("xl/charts/", "xl/media/", "xl/drawings/",
                                               "xl/pivot"))]
    assert {n.split("/")[1] for n in kept} >= {"charts", "media", "drawings", "pivotTables",
                                               "pivotCache"}
    findings = [Finding(3, "vat_id", "B3", ERROR, "vat.checksum", {"value": "123456789"})]
    result = annotate(src, _table(src), findings, in_place=True)  # no longer refused
    assert result.notices == [] and result.backup_path.read_bytes() == _parts_bytes(before,
                                                                                     src)
    _well_formed(src)
    after = _parts(src)
    for name in kept:
        assert after[name] == before[name], name
    assert "Draaitabel" in CalamineWorkbook.from_path(str(src)).sheet_names
    clear(src, backup=False)
    assert _parts(src) == before


def _parts_bytes(_parts_before: dict, path: Path) -> bytes:
    """The backup's bytes equal the source file as it was (read before via its parts)."""
    backups = sorted(path.parent.glob(path.stem + ".backup-*"))
    return backups[-1].read_bytes()


def test_streaming_is_the_same_in_small_chunks(book, tmp_path, monkeypatch):
    annotate(book, _table(book), FINDINGS, tmp_path / "groot.xlsx")
    monkeypatch.setattr(sheetxml, "CHUNK", 37)
    annotate(book, _table(book), FINDINGS, tmp_path / "klein.xlsx")
    a = _parts(tmp_path / "groot.xlsx")["xl/worksheets/sheet1.xml"]
    b = _parts(tmp_path / "klein.xlsx")["xl/worksheets/sheet1.xml"]
    assert a == b


def test_fix_marks_changed_cells_and_lists_them(book, tmp_path):
    out = tmp_path / "uit.xlsx"
    change = Change(3, "email", "D3", "contact@tech", "contact@tech.be", "text.whitespace")
    result = annotate(book, _table(book), FINDINGS[:3], out, changes=[change])
    assert result.changed_cells == 1
    wb = openpyxl.load_workbook(out)
    ws = wb["Klanten"]
    assert ws["D3"].value == "contact@tech.be"
    assert ws["D3"].fill.fgColor.rgb == FIXED_RGB
    assert ws["D3"].comment.text == "Gewijzigd: «contact@tech» → «contact@tech.be»"
    listed = [[c.value for c in row] for row in wb[SUMMARY_SHEET].iter_rows(max_col=7)]
    assert [r[0] for r in listed if r[0] == "Wijzigingen door --fix"] == ["Wijzigingen door --fix"]
    row = next(r for r in listed if r[2] == "D3" and r[3] == "Gewijzigd")
    assert row[4] == "Gewijzigd: «contact@tech» → «contact@tech.be»" and row[5] == "contact@tech.be"
    clear(out, backup=False)
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert ws["D3"].value == "contact@tech.be"  # the fix stays, the mark goes
    assert ws["D3"].fill.fgColor.rgb != FIXED_RGB and ws["D3"].comment is None


def test_users_own_summary_named_sheet_survives(book, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Klanten"
    wb.create_sheet(SUMMARY_SHEET)["A1"] = "mijn eigen notities"
    src = tmp_path / "eigen.xlsx"
    wb.save(src)
    before = src.read_bytes()
    assert not has_marks(src)
    assert not clear(src).changed and src.read_bytes() == before
    out = tmp_path / "uit.xlsx"
    result = annotate(src, _table(src), FINDINGS[:1], out)
    assert result.summary_sheet == f"{SUMMARY_SHEET} (2)"
    assert any("bestaat al" in n for n in result.notices)
    clear(out, backup=False)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Klanten", SUMMARY_SHEET]
    assert wb[SUMMARY_SHEET]["A1"].value == "mijn eigen notities"


def test_in_place_follows_a_symlink(book, tmp_path):
    link = tmp_path / "link" / "klanten.xlsx"
    link.parent.mkdir()
    link.symlink_to(book)
    result = annotate(link, _table(link), FINDINGS, in_place=True)
    assert link.is_symlink() and os.readlink(link) == str(book)
    assert has_marks(book) and result.backup_path.parent == book.parent
    assert clear(link, backup=False).changed and link.is_symlink() and not has_marks(book)


@pytest.mark.parametrize("lock", ["~$klanten.xlsx", "~$anten.xlsx", ".~lock.klanten.xlsx#"])
def test_in_place_refused_while_open_elsewhere(book, lock):
    (book.parent / lock).write_text("x")
    before = book.read_bytes()
    with pytest.raises(ReadError, match="geopend"):
        annotate(book, _table(book), FINDINGS, in_place=True)
    assert book.read_bytes() == before
    assert not list(book.parent.glob("*.backup-*"))


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "schijf is vol"),
                                         (errno.EROFS, "alleen-lezen schijf"),
                                         (errno.EACCES, "niet geschreven")])
def test_failed_write_is_one_sentence_and_leaves_nothing(book, tmp_path, monkeypatch, code,
                                                         words):
    before = book.read_bytes()
    real = shutil.copyfileobj

    def broken(src, dst, length=0):
        real(src, dst, 64)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("numnum_xl.xlsxpatch.mark.shutil.copyfileobj", broken)
    with pytest.raises(ReadError, match=words) as err:
        annotate(book, _table(book), FINDINGS, in_place=True)
    assert "\n" not in str(err.value) and "Er is niets gewijzigd" in str(err.value)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["klanten.xlsx"]


def test_failed_backup_leaves_no_partial_backup(book, tmp_path, monkeypatch):
    before = book.read_bytes()

    def half(src, dst, **kw):
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("numnum_xl.annotate.shutil.copy2", half)
    with pytest.raises(ReadError, match="schijf is vol"):
        annotate(book, _table(book), FINDINGS, in_place=True)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["klanten.xlsx"]


def test_cli_exit_2_on_a_failed_write(book, tmp_path, monkeypatch, capsys):
    from numnum_xl.cli import main

    def refuse(*a, **kw):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("numnum_xl.xlsxpatch.mark.zipfile.ZipFile.writestr", refuse)
    assert main(["validate", str(book), "-o", str(tmp_path / "uit.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "alleen-lezen" in err and "Traceback" not in err
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))


def test_temp_files_of_a_crashed_run_are_cleaned(book, tmp_path):
    dead = tmp_path / f"{TEMP_PREFIX}999999999-dead-klanten.xlsx"
    dead.write_bytes(b"half")
    alive = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-beef-klanten.xlsx"
    alive.write_bytes(b"busy")
    annotate(book, _table(book), FINDINGS[:1], tmp_path / "uit.xlsx")
    assert not dead.exists() and alive.exists()


def test_a_mark_without_text_only_colours(book, tmp_path):
    from numnum_xl.xlsxpatch.mark import Plan, mark_package

    out = tmp_path / "uit.xlsx"
    outcome = mark_package(book, out, Plan(
        sheet="Klanten", marks={"A2": ("duplicate", ""), "B2": ("error", "Fout: x")},
        colours=annotate_mod.COLOURS))
    assert outcome.marked == 2
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert ws["A2"].fill.fgColor.rgb == annotate_mod.DUPLICATE_RGB and ws["A2"].comment is None
    assert ws["B2"].comment.text == "Fout: x"


def _resave(path: Path) -> None:
    """Change the package the way another program's save does, without losing anything:
    parts reformatted (so no hash of ours matches), our inline strings left as they are."""
    parts = _parts(path)
    for name in ("xl/styles.xml", "xl/workbook.xml"):
        parts[name] = parts[name].replace(b"><", b">\n<")
    pk.write(path, parts)


def test_clear_after_another_program_saved_keeps_charts_pictures_pivots(tmp_path):
    src = _chart_image_pivot(tmp_path / "grafiek.xlsx")
    before = _parts(src)
    out = tmp_path / "uit.xlsx"
    findings = [Finding(3, "vat_id", "B3", ERROR, "vat.checksum", {"value": "123456789"}),
                Finding(4, "title", "A4", ERROR, "required.missing", {"field": "title"})]
    annotate(src, _table(src), findings, out)
    _resave(out)
    result = clear(out, backup=False)
    assert not result.exact and result.restored_cells == 2 and result.notices == []
    _well_formed(out)
    after = _parts(out)
    for name in before:
        if name.startswith(("xl/charts/", "xl/media/", "xl/drawings/", "xl/pivot")):
            assert after[name] == before[name], name
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert SUMMARY_SHEET not in names and STATE_SHEET not in names and "Draaitabel" in names
    assert _calamine(out, "Klanten") == _calamine(src, "Klanten")
    ws = openpyxl.load_workbook(out)["Klanten"]
    assert ws["B3"].fill.fgColor.rgb != annotate_mod.ERROR_RGB and ws["B3"].comment is None
    assert ws["A4"].value is None and ws["A4"].comment is None
    assert not has_marks(out)


def test_state_read_back_padded_by_a_reader():
    """A reader that pads rows with empty cells (calamine after LibreOffice saved the state
    sheet) gives '' where no original was stored: a part we created, not a damaged one."""
    from numnum_xl.xlsxpatch.mark import (
        PART_ROW,
        STATE_HEADER,
        SUMMARY_ROW,
        _packed,
        saved_state,
    )

    rows = [[*list(STATE_HEADER), "", ""],
            [PART_ROW, "xl/comments1.xml", "abc"] + [""] * 9,
            [PART_ROW, "xl/workbook.xml", "def"] + [""] * 7 + _packed(b"<workbook/>") + [""],
            [SUMMARY_ROW, SUMMARY_SHEET, "t", "p", "s"] + [""] * 7]
    saved = saved_state(rows)
    assert not saved.damaged
    assert saved.parts == {"xl/comments1.xml": ("abc", None),
                           "xl/workbook.xml": ("def", b"<workbook/>")}


def test_overview_labels_fit_their_column():
    """The overview's labels sit in column B next to a number: they must not be cut off."""
    from numnum_xl.summary import WIDTHS, WORDS

    keys = ("data_rows", "clean_rows", "rows_with_errors", "rows_with_warnings_only",
            "rows_with_duplicates", "errors", "warnings", "changes")
    for lang, words in WORDS.items():
        for key in keys:
            assert len(words[key]) <= WIDTHS[1] - 1, (lang, key)
