"""read_table / list_sheets on well-formed files: exact values, real rows and columns."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from numnum_xl import readers
from numnum_xl.readers import list_sheets, read_table
from numnum_xl.table import ErrorValue, ReadError
from tests.corpus import HEADERS, LONG_TEXT, Sheet, rows_to_cells, write_xlsx

NA, REF, DIV0, VALUE = (ErrorValue(c) for c in ("#N/A", "#REF!", "#DIV/0!", "#VALUE!"))


def _same(a: list, b: list) -> bool:
    """Equal values *and* equal types (1 == 1.0 == True would hide a lossy read)."""
    return a == b and [type(x) for x in a] == [type(x) for x in b]


# ---------------------------------------------------------------------------- layout


def test_header_at_c3_with_empty_rows_between(corpus):
    t = read_table(corpus["offset"])
    assert (t.fmt, t.sheet, t.header_row, t.first_col) == ("xlsx", "Klanten", 3, 3)
    assert t.headers == HEADERS
    assert t.row_numbers == [4, 7, 9]
    assert t.rows == [
        ["Bakkerij", 403019261, 9000, "BE"],
        ["Slagerij", "0456.789.012", "2000", "BE"],
        [None, "enkel btw", None, None],
    ]
    assert t.header_cell(0) == "C3"
    assert t.cell(0, 0) == "C4"
    assert t.cell(1, 1) == "D7"
    assert t.cell(2, 1) == "D9"
    assert all(len(r) == len(t.headers) for r in t.rows)


def test_first_row_is_the_header_even_if_it_looks_like_data(corpus):
    t = read_table(corpus["no_header"])
    assert t.header_row == 1
    assert t.headers == ["Bakkerij De Bolle", "403019261", "9000", "BE"]
    assert t.rows == [["Slagerij Vermeulen", 456789012, 2000, "BE"]]
    assert t.row_numbers == [2]


def test_header_cells_are_stripped_text_and_trailing_empty_columns_trimmed(tmp_path):
    cells = rows_to_cells([[" title ", 2024, None, True, None, None],
                           ["a", 1, "x", None, None, None]])
    cells[(4, 7)] = None  # a formatted empty cell: nothing beyond column D holds a value
    cells[(3, 6)] = ""  # an empty string is no value either
    cells[(2, 4)] = ""
    path = write_xlsx(tmp_path / "h.xlsx", [Sheet("S", cells)])
    t = read_table(path)
    assert t.headers == ["title", "2024", "", "TRUE"]
    assert t.rows == [["a", 1, "x", None]]
    assert t.row_numbers == [2]


def test_column_with_data_but_no_header_is_kept(corpus):
    t = read_table(corpus["merged"])
    assert t.headers == ["title", "address", "", "address_zip", "", ""]
    assert t.row_numbers == [2, 3, 10]
    assert t.rows[-1] == [None, None, None, None, None, "los"]


# ---------------------------------------------------------------------------- values


def test_types_are_kept_without_loss(corpus):
    t = read_table(corpus["types"])
    assert t.headers[:3] == ["title", "vat_id", "address_zip"]
    assert _same(t.rows[0], [
        "Bakkerij De Bolle", 403019261, 9000, 12.5, dt.date(2024, 1, 2),
        dt.datetime(2024, 3, 4, 13, 30), True, 9007199254740994.0, "  spaties  "])
    assert _same(t.rows[1], [
        "Slagerij", 456789012, 1000, -3, dt.date(2023, 12, 31), None, False, 1e20,
        "0403019261"])


def test_error_cells_become_error_values(corpus):
    t = read_table(corpus["errors"])
    assert t.info["reader"] == "calamine"
    assert t.rows == [
        ["Bakkerij", NA, 9000, "a@b.be"],
        ["Slagerij", 456789012, REF, DIV0],
        ["Frituur", NA, 2000, VALUE],
    ]
    assert isinstance(t.rows[0][1], ErrorValue)
    assert str(t.rows[1][2]) == "#REF!"


def test_error_patch_agrees_with_openpyxl(corpus, monkeypatch):
    fast = read_table(corpus["errors"])

    def no_calamine(*_a, **_k):
        raise RuntimeError("calamine unavailable")

    monkeypatch.setattr(readers, "_calamine_grid", no_calamine)
    slow = read_table(corpus["errors"])
    assert slow.info["reader"] == "openpyxl"
    assert slow.rows == fast.rows
    assert slow.row_numbers == fast.row_numbers
    assert slow.headers == fast.headers


def test_error_cells_without_cell_reference_use_openpyxl(corpus):
    t = read_table(corpus["errors_no_ref"])
    assert t.info["reader"] == "openpyxl"
    assert t.headers == ["title", "vat_id"]
    assert t.rows == [["Bakkerij", NA]]


def test_rust_panic_falls_back_to_openpyxl(corpus, monkeypatch):
    class FakePanic(BaseException):  # pyo3's PanicException derives from BaseException
        pass

    def panic(*_a, **_k):
        raise FakePanic("boom")

    monkeypatch.setattr(readers, "_calamine_grid", panic)
    t = read_table(corpus["types"])
    assert t.info["reader"] == "openpyxl"
    assert t.rows[0][:3] == ["Bakkerij De Bolle", 403019261, 9000]


def test_namespace_prefixed_xml(corpus):
    t = read_table(corpus["prefixed"])
    assert t.headers == ["title", "vat_id"]
    assert t.rows == [["Bakkerij", NA]]
    assert t.hidden_rows == {2}


def test_formulas_give_the_cached_values(corpus):
    t = read_table(corpus["formulas_cached"])
    assert _same(t.rows[0], ["Bakkerij", "0403019261", 9000, "Bakkerij BV", True])
    assert _same(t.rows[1], ["Slagerij", 456789012, 1000.5, None, False])
    assert "formulas_without_value" not in t.info  # an empty-string result is a value


def test_formulas_without_cached_values_are_reported(corpus):
    t = read_table(corpus["formulas_no_cache"])
    assert t.rows == [["Bakkerij", None, 9000], ["Slagerij", "0456789012", None]]
    assert t.info["formulas_without_value"] == ["B2", "C3"]


def test_long_cell_is_read_whole(corpus):
    t = read_table(corpus["long_cell"])
    assert t.rows[0][1] == LONG_TEXT
    assert len(t.rows[0][1]) == 32000


# ---------------------------------------------------------------------------- hidden, merged


def test_hidden_rows_with_data_are_reported(corpus):
    t = read_table(corpus["hidden_rows"])
    assert t.row_numbers == [2, 3, 4, 5]  # hidden rows are still read
    assert t.hidden_rows == {3, 5}  # row 7 is hidden but empty
    assert t.rows[1] == ["Klant 3", 400000003, 9000, "BE"]


def test_merged_ranges_touching_the_table(corpus):
    t = read_table(corpus["merged"])
    assert t.merged == ["B1:C1", "B3:C3"]  # F12:G13 lies below the last data row


# ---------------------------------------------------------------------------- sheets


def test_first_visible_sheet_is_the_default(corpus):
    t = read_table(corpus["hidden_first_sheet"])
    assert t.sheet == "Klanten"
    assert t.rows == [["Bakkerij", 403019261, 9000, "BE"]]
    assert list_sheets(corpus["hidden_first_sheet"]) == ["Oud", "Klanten", "Extra"]


def test_named_sheet_even_hidden(corpus):
    assert read_table(corpus["hidden_first_sheet"], "Oud").rows == [["x"]]
    assert read_table(corpus["hidden_first_sheet"], "Extra").rows == [["Extra klant"]]
    assert read_table(corpus["hidden_first_sheet"], " klanten").sheet == "Klanten"


def test_missing_sheet_lists_the_sheets(corpus):
    with pytest.raises(ReadError) as exc:
        read_table(corpus["hidden_first_sheet"], "Blad1")
    msg = str(exc.value)
    assert "'Blad1'" in msg and "hidden_first_sheet.xlsx" in msg
    assert "'Oud', 'Klanten', 'Extra'" in msg
    assert "\n" not in msg


def test_chart_sheets_are_skipped(corpus):
    assert list_sheets(corpus["chart_first"]) == ["Klanten"]
    assert read_table(corpus["chart_first"]).sheet == "Klanten"
    with pytest.raises(ReadError, match="Grafiek"):
        read_table(corpus["chart_first"], "Grafiek")


# ---------------------------------------------------------------------------- xls


def test_xls_values_dates_errors_layout(corpus):
    t = read_table(corpus["xls"])
    assert (t.fmt, t.sheet, t.header_row, t.first_col) == ("xls", "Klanten", 2, 2)
    assert t.headers == ["title", "vat_id", "address_zip", "since", "auto_reminder", "note"]
    assert t.row_numbers == [3, 4, 6]
    assert _same(t.rows[0], ["Bakkerij De Bolle", 403019261, 9000, dt.date(2024, 1, 2), True,
                             None])
    assert _same(t.rows[1], ["Slagerij", NA, 1000.5, dt.datetime(2024, 3, 4, 13, 30), None,
                             DIV0])
    assert t.rows[2] == ["Samengevoegd", None, None, None, None, None]
    assert t.cell(1, 1) == "C4"
    assert t.hidden_rows == {4}
    assert t.merged == ["B6:C6"]
    assert list_sheets(corpus["xls"]) == ["Klanten", "Leeg"]


def test_xls_empty_sheet(corpus):
    t = read_table(corpus["xls"], "Leeg")
    assert (t.headers, t.rows, t.row_numbers) == ([], [], [])


# ---------------------------------------------------------------------------- csv


def test_csv_cp1252_semicolon(corpus):
    t = read_table(corpus["csv_cp1252"])
    assert (t.fmt, t.sheet) == ("csv", "")
    assert (t.info["encoding"], t.info["delimiter"]) == ("cp1252", ";")
    assert t.headers == ["title", "address_city", "vat_id", "note"]
    assert t.row_numbers == [2, 4]
    assert t.rows == [
        ["Brasserie Ça Va", "Liège", "0403019261", "prijs: 5 €; korting"],
        ["Café Zoë", "Ieper", NA, None],
    ]


def test_csv_utf8_bom_comma_multiline(corpus):
    t = read_table(corpus["csv_utf8_bom"])
    assert (t.info["encoding"], t.info["delimiter"]) == ("utf-8-sig", ",")
    assert t.headers == ["title", "address_city", "vat_id"]  # no BOM left in the header
    assert t.rows == [
        ["Bakkerij, De Bolle", "Gent", "0403019261"],
        ["Twee\nregels", "Brussel", None],
        ["Łódź Trading", "Łódź", REF],
    ]
    assert t.row_numbers == [2, 3, 4]  # a record with a line break is one row, as in Excel


def test_tab_separated_txt_with_leading_blank_line(corpus):
    t = read_table(corpus["tab_txt"])
    assert (t.info["encoding"], t.info["delimiter"]) == ("utf-8", "\t")
    assert t.header_row == 2
    assert t.rows == [["Bakkerij", "0403019261", "9000"], ["Slagerij", None, "2000"]]
    assert t.row_numbers == [3, 4]


def test_excel_sep_line(corpus):
    t = read_table(corpus["sep_line_csv"])
    assert t.info["delimiter"] == ","
    assert t.headers == ["title", "note"]
    assert t.rows == [["Bakkerij", "a;b"]]
    assert t.header_row == 1


def test_utf16_unicode_text(corpus):
    t = read_table(corpus["utf16_txt"])
    assert (t.info["encoding"], t.info["delimiter"]) == ("utf-16", "\t")
    assert t.rows == [["Zoë", "0403019261"]]


def test_content_decides_the_format(corpus):
    t = read_table(corpus["xlsx_really_csv"])
    assert t.fmt == "csv" and t.info["extension_mismatch"] == ".xlsx"
    assert t.rows == [["Bakkerij", "0403019261"]]
    t = read_table(corpus["csv_really_xlsx"])
    assert t.fmt == "xlsx" and t.info["extension_mismatch"] == ".csv"
    assert t.rows == [["Bakkerij"]]


def test_csv_strings_untrimmed_and_ragged_rows_padded(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a;b;c\n x ;;\nonly\n;;;;extra\n", encoding="utf-8")
    t = read_table(path)
    assert t.headers == ["a", "b", "c", "", ""]
    assert t.rows == [[" x ", None, None, None, None], ["only", None, None, None, None],
                      [None, None, None, None, "extra"]]
    assert t.row_numbers == [2, 3, 4]


@pytest.mark.parametrize(("sample", "expected"), [
    ("title;address\nBakkerij;Kerkstraat 1, bus 2\nSlagerij;Markt 3, Gent\n", ";"),
    ('title,city\n"De Bolle; bakkerij",Gent\nX,Y\n', ","),
    ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("title\nBakkerij\n", ";"),
    ("naam;adres;postcode\nA, B;C;9000\nD;E, F;1000\n", ";"),
])
def test_delimiter_detection(sample, expected):
    assert readers._detect_delimiter(sample) == expected


# ---------------------------------------------------------------------------- performance


@pytest.mark.slow
def test_wide_100k_by_20_reads_fast(wide_xlsx):
    start = time.perf_counter()
    t = read_table(wide_xlsx)
    elapsed = time.perf_counter() - start
    assert t.data_rows == 100_000
    assert len(t.headers) == 20
    assert t.row_numbers[-1] == 100_001
    assert t.rows[-1][1] == 100_001 * 31 + 1
    assert t.info["reader"] == "calamine"
    assert elapsed < 30, f"100k×20 took {elapsed:.1f}s"


def test_head_has_dtd():
    head = readers._head_has_dtd
    assert not head(b'<?xml version="1.0"?>\n<worksheet/>')
    assert not head(b"\xef\xbb\xbf<worksheet/>")
    assert head(b'<?xml version="1.0"?><!--' + b"x" * 9000 + b'--><!DOCTYPE a [ ]><a/>')
    assert head('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"))
    assert head(b"<?xml version='1.0'?><!ENTITY x 'y'>")
    # a prolog that never ends within what was read is refused, not guessed
    assert head(b"<?xml version='1.0'?><!--" + b"x" * 100, complete=False)
    assert not head(b"<?xml version='1.0'?><a>" + b"x" * 100, complete=False)


def test_read_path_given_as_str(corpus):
    assert read_table(str(corpus["offset"])).source == str(corpus["offset"])


def test_result_is_independent_of_the_gc_state(corpus):
    import gc

    gc.enable()
    read_table(corpus["types"])
    assert gc.isenabled()
    gc.disable()
    try:
        read_table(corpus["types"])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_list_sheets_csv_has_none(corpus):
    assert list_sheets(corpus["csv_cp1252"]) == []


def test_paths_are_not_required_to_exist_in_cwd(corpus, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert read_table(Path(corpus["offset"])).header_row == 3


def _scan(xml: bytes) -> readers._Scan:
    scan = readers._Scan()
    readers._scan_segment(xml, scan, readers._scan_hints(xml))
    return scan


def test_scan_finds_formulas_without_value_in_every_spelling():
    xml = (b'<worksheet><sheetData><row r="1">'
           b'<c r="A1"><f>1</f></c><c r="B1"><f>1</f><v/></c><c r="C1"><f>1</f><v /></c>'
           b'<c r="D1"><f>1</f><v></v></c><c r="E1" t="str"><f>""</f><v></v></c>'
           b'<c r="F1" t="str"><f>x</f></c><c r="G1"><f t="shared" si="0"/></c>'
           b'<c r="H1"><f t="shared" si="0"/><v/></c><c r="I1"><f t="shared" si="0"/><v>3</v></c>'
           b'<c r="J1"><f>1</f><v>1</v></c><c r="K1" t="inlineStr"><is/></c><c r="L1" s="1"/>'
           b"</row></sheetData></worksheet>")
    assert _scan(xml).formulas_without_value == ["A1", "B1", "C1", "D1", "F1", "G1", "H1"]
    prefixed = (b'<x:worksheet xmlns:x="u"><x:sheetData><x:row r="1"><x:c r="A1"><x:f>1</x:f>'
                b'</x:c><x:c r="B1"><x:f>1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData>'
                b"</x:worksheet>")
    assert _scan(prefixed).formulas_without_value == ["A1"]


def test_scan_error_cells_any_attribute_order_not_in_text():
    xml = (b"<worksheet><sheetData>"
           b'<row r="2"><c t="e" s="3" r="B2"><v>#REF!</v></c>'
           b'<c r="C2" t="inlineStr"><is><t>tekst met t="e" erin</t></is></c>'
           b"<c r='D2' t='e'><f>1/0</f><v>#DIV/0!</v></c></row>"
           b'<row r="3" spans="1:4" hidden="true"><c r="AB3" t="e"><v>#N/A</v></c></row>'
           b'<row r="4" customHeight="1" hidden="0"><c r="A4" t="e"/></row>'
           b"</sheetData></worksheet>")
    scan = _scan(xml)
    assert scan.errors == {(2, 2): "#REF!", (2, 4): "#DIV/0!", (3, 28): "#N/A"}
    assert scan.hidden == {3}
    assert not scan.unlocated_errors


@pytest.mark.parametrize("name", ["errors", "hidden_rows", "merged", "formulas_no_cache",
                                  "prefixed", "offset"])
def test_scan_is_independent_of_chunk_boundaries(corpus, monkeypatch, name):
    whole = read_table(corpus[name])
    for size in (7, 64, 333):
        monkeypatch.setattr(readers, "_CHUNK", size)
        t = read_table(corpus[name])
        assert (t.rows, t.row_numbers, t.hidden_rows, t.merged, t.info) == (
            whole.rows, whole.row_numbers, whole.hidden_rows, whole.merged, whole.info), size


def test_error_cells_at_the_edges_of_the_sheet(tmp_path):
    cells = {(1, 1): NA, (2, 2): "a", (3, 3): "b", (5, 6): REF}
    t = read_table(write_xlsx(tmp_path / "edge.xlsx", [Sheet("S", cells)]))
    assert (t.header_row, t.first_col) == (1, 1)
    assert t.headers == ["#N/A", "", "", "", "", ""]
    assert t.rows[-1] == [None, None, None, None, None, REF]
    assert t.row_numbers == [2, 3, 5]
