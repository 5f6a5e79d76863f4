"""The streaming reader of big sheets (numnum_xl.sheetstream) gives exactly the values
python-calamine gives: every workbook below is read both ways, cell by cell."""

from __future__ import annotations

import datetime as dt
import inspect
import zipfile
from pathlib import Path

import pytest

from numnum_xl import readers, sheetstream
from numnum_xl.readers import read_table
from numnum_xl.table import PackedRows, ReadError
from tests import corpus, hostile_files, xlsx_packages

MAIN = xlsx_packages.MAIN


def _both(path: Path, monkeypatch, sheet: str | None = None):
    ref = read_table(path, sheet)
    with monkeypatch.context() as m:
        m.setattr(readers, "STREAM_MIN_BYTES", 0)
        got = read_table(path, sheet)
    return ref, got


def _same(ref, got) -> None:
    assert got.info.get("reader") == "stream", got.info
    assert isinstance(got.rows, PackedRows) or not got.headers
    assert (got.headers, got.header_row, got.first_col) == (ref.headers, ref.header_row,
                                                            ref.first_col)
    assert got.row_numbers == ref.row_numbers
    for a, b in zip(got.rows, ref.rows, strict=True):
        assert a == b and [type(x) for x in a] == [type(x) for x in b], (a, b)
    assert (got.hidden_rows, got.merged) == (ref.hidden_rows, ref.merged)
    assert {k: v for k, v in got.info.items() if k != "reader"} == \
        {k: v for k, v in ref.info.items() if k != "reader"}


def _corpus_books(d: Path) -> list[Path]:
    out = []
    for name, fn in inspect.getmembers(corpus, inspect.isfunction):
        if not name.startswith("make_") or name in ("make_big_xlsx", "make_wide_xlsx",
                                                    "make_zip_bomb"):
            continue
        if list(inspect.signature(fn).parameters) != ["d"]:
            continue
        path = fn(d)
        if path.suffix in (".xlsx", ".xlsm") and zipfile.is_zipfile(path):
            out.append(path)
    return out


def test_every_corpus_and_package_workbook_reads_the_same(tmp_path, monkeypatch):
    books = _corpus_books(tmp_path)
    books += [xlsx_packages.transitional(tmp_path / "transitional.xlsx"),
              xlsx_packages.strict(tmp_path / "strict.xlsx"),
              xlsx_packages.minimal(tmp_path / "minimal.xlsx"),
              hostile_files.openpyxl_book(tmp_path / "openpyxl.xlsx")]
    compared = 0
    for path in books:
        try:
            ref = read_table(path)
        except Exception:
            continue  # a file the readers refuse: refused either way (test_bad_input)
        if ref.info.get("reader") != "calamine":
            continue
        ref, got = _both(path, monkeypatch)
        _same(ref, got)
        compared += 1
    assert compared >= 15


def _book(path: Path, sheet: str, sst: str | None = None, styles: str | None = None,
          workbook_pr: str = "", main: str = MAIN) -> Path:
    x = xlsx_packages
    parts = {"[Content_Types].xml": x.content_types({"xl/workbook.xml": x.CT_BOOK,
                                                      "xl/worksheets/sheet1.xml": x.CT_SHEET}),
             "_rels/.rels": x.rels([("rId1", f"{x.REL}/officeDocument", "xl/workbook.xml")])}
    items = [("rId1", f"{x.REL}/worksheet", "worksheets/sheet1.xml")]
    if sst is not None:
        items.append(("rId2", f"{x.REL}/sharedStrings", "sharedStrings.xml"))
        parts["xl/sharedStrings.xml"] = f'{x.DECL}<sst xmlns="{main}">{sst}</sst>'
    if styles is not None:
        items.append(("rId3", f"{x.REL}/styles", "styles.xml"))
        parts["xl/styles.xml"] = f'{x.DECL}<styleSheet xmlns="{main}">{styles}</styleSheet>'
    parts["xl/_rels/workbook.xml.rels"] = x.rels(items)
    parts["xl/workbook.xml"] = (f'{x.DECL}<workbook xmlns="{main}" xmlns:r="{x.REL}">'
                                f'{workbook_pr}<sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                                "</sheets></workbook>")
    parts["xl/worksheets/sheet1.xml"] = (f'{x.DECL}<worksheet xmlns="{main}"><sheetData>'
                                         f"{sheet}</sheetData></worksheet>")
    return x.write(path, parts)


SST = ('<si><t>title</t></si><si><t>a_x000D_b</t></si>'
       '<si><r><t>rich</t></r><r><rPr/><t xml:space="preserve"> text</t></r><rPh><t>PH</t></rPh>'
       '</si><si><t>x&amp;y&#10;z&#x41;</t></si><si><t/></si><si><t>line1\r\nline2</t></si>'
       '<si><t>  pad  </t></si><si><t> a &amp; b </t></si><si><t>&#32;x</t></si>'
       '<si><r><t> r1 </t></r><r><t> r2 </t></r></si><si><t xml:space="preserve"> p </t></si>'
       '<si><t>x&#xA0;</t></si><si><t>&#xA0;y&#13;</t></si><si><t>\t</t></si>')
FORMATS = ['dd/mm/yyyy', '[h]:mm:ss', 'h:mm;@', '0.00', 'mm:ss', '"Y: "0.00', 'yyyy-mm-dd hh:mm',
           '#,##0*y', '[Red]0.00', 'm"M"d"D";@']
STYLES = ('<numFmts>' + "".join(f'<numFmt numFmtId="{164 + i}" formatCode='
                                f'"{f.replace(chr(34), "&quot;")}"/>'
                                for i, f in enumerate(FORMATS)) + '</numFmts><cellXfs>'
          '<xf numFmtId="0"/>' + "".join(f'<xf numFmtId="{164 + i}"/>' for i in range(len(FORMATS)))
          + "".join(f'<xf numFmtId="{i}"/>' for i in (14, 15, 20, 22, 45, 46, 47, 49, 2))
          + '</cellXfs>')
NUMBERS = [0, 0.5, 1, 1.5, 59, 60, 61, 45000, 45000.25, 45000.999999, 2958465, 2958466,
           403019261, -0.5, 1e-07, 45000.0000057, 45000.5000001, 0.99999999, 1462, 2.5]


def _cells(row: int, values: list[str]) -> str:
    return f'<row r="{row}">' + "".join(
        f'<c r="{chr(65 + j)}{row}"{v}</c>' for j, v in enumerate(values)) + "</row>"


def test_strings_numbers_dates_errors_read_the_same(tmp_path, monkeypatch):
    n_styles = 1 + len(FORMATS) + 9
    rows = [_cells(1, [' t="s"><v>0</v>'] + [f' t="inlineStr"><is><t>h{j}</t></is>'
                                             for j in range(1, n_styles + 1)])]
    rows.append(_cells(2, [f' t="s"><v>{i}</v>' for i in range(1, 14)]))
    rows.append(_cells(3, [' t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is>',
                           ' t="str"><f>1</f><v> fs </v>', ' t="b"><v>1</v>', ' t="b"><v>0</v>',
                           ' t="e"><v>#N/A</v>', ' t="d"><v>2023-01-02T03:04:05</v>',
                           ' t="d"><v>2023-01-02</v>', ' t="inlineStr"><is><t> a_x0041_b </t></is>',
                           '><v>1E3</v>', '><v>-0</v>', ' t="n"><v>2.5</v>', ' t="str"><f>x</f>',
                           '><f>x</f>', '><v> 12 </v>', ' t="e"><v>#DIV/0!</v>']))
    r = 4
    for v in NUMBERS:
        rows.append(_cells(r, [f' t="inlineStr"><is><t>n{r}</t></is>']
                           + [f' s="{k}"><v>{v!r}</v>' for k in range(n_styles)]))
        r += 1
    rows.append('<row><c><v>7</v></c><c t="inlineStr"><is><t>no refs</t></is></c></row>'
                '<row r="40"><c r="C40" s="1"/></row><row r="41" hidden="1"><c r="B41">'
                "<v>5</v></c></row>")
    for name, pr in (("d1900.xlsx", ""), ("d1904.xlsx", '<workbookPr date1904="1"/>')):
        path = _book(tmp_path / name, "".join(rows), SST, STYLES, pr)
        ref, got = _both(path, monkeypatch)
        assert ref.info["reader"] == "calamine"
        _same(ref, got)
    assert any(isinstance(v, dt.timedelta) for row in got.rows for v in row)
    assert any(isinstance(v, dt.datetime) for row in got.rows for v in row)
    assert any(v == 403019261 for row in got.rows for v in row)  # a number in a date cell


def test_strict_ooxml_and_prefixed_cells(tmp_path, monkeypatch):
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    sheet = (_cells(1, [' t="inlineStr"><is><t>title</t></is>', ' t="inlineStr"><is><t>vat_id'
                        '</t></is>']) + _cells(2, [' t="s"><v>0</v>', '><v>403019261</v>']))
    path = _book(tmp_path / "strict.xlsx", sheet, "<si><t>Bakkerij</t></si>", main=strict)
    _same(*_both(path, monkeypatch))
    raw = ('<x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>title</x:t></x:is></x:c></x:row>'
           '<x:row r="2"><x:c r="B2" t=\'s\'><x:v>0</x:v></x:c></x:row>')
    path = _book(tmp_path / "prefixed.xlsx", "", "<si><t>Slagerij</t></si>")
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode().replace(
        f'<worksheet xmlns="{MAIN}"><sheetData></sheetData>',
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{raw}</x:sheetData>').replace(
        "</worksheet>", "</x:worksheet>")
    parts = {i.filename: zipfile.ZipFile(path).read(i) for i in zipfile.ZipFile(path).infolist()}
    parts["xl/worksheets/sheet1.xml"] = data.encode()
    path = xlsx_packages.write(tmp_path / "prefixed2.xlsx", parts)
    ref, got = _both(path, monkeypatch)
    assert got.rows[0] == ["Slagerij"]
    _same(ref, got)


def test_what_it_cannot_mirror_goes_to_python_calamine(tmp_path, monkeypatch):
    sheet = _cells(1, [' t="inlineStr"><is><t>title</t></is>']) + _cells(
        2, [' t="inlineStr"><is><t>a<![CDATA[ <b> ]]>c</t></is>'])
    path = _book(tmp_path / "cdata.xlsx", sheet)
    ref, got = _both(path, monkeypatch)
    assert got.info["reader"] == "calamine" and got.rows == ref.rows
    with zipfile.ZipFile(path) as zf, pytest.raises(sheetstream.Unstreamable):
        list(sheetstream.iter_sheet_rows(zf, "xl/worksheets/sheet1.xml", [], [], False))


def test_a_big_sheet_is_streamed_and_packed(tmp_path, monkeypatch):
    """Above the threshold the rows are packed: a fraction of the bytes of the lists."""
    path = corpus.make_wide_xlsx(tmp_path / "wide.xlsx", rows=20_000, cols=20)
    ref, got = _both(path, monkeypatch)
    _same(ref, got)
    assert got.rows.packed_bytes < 100 * len(got.rows)
    size = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", size + 1)
    assert read_table(path).info["reader"] == "calamine"


def test_a_sheet_the_stream_reader_trips_on_is_read_by_python_calamine(tmp_path, monkeypatch):
    sheet = _cells(1, [' t="s"><v>0</v>', ' t="inlineStr"><is><t>vat_id</t></is>']) + _cells(
        2, [' t="s"><v>5</v>', '><v>403019261</v>'])  # index 5: beyond the shared strings
    path = _book(tmp_path / "sst.xlsx", sheet, "<si><t>title</t></si>")
    with zipfile.ZipFile(path) as zf:
        assert readers._streamed_rows(path, zf, "xl/worksheets/sheet1.xml") is None
    with pytest.raises(ReadError) as ref:
        read_table(path)
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    with pytest.raises(ReadError) as got:  # the same sentence as without streaming
        read_table(path)
    assert str(got.value) == str(ref.value)
