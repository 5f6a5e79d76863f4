"""Unreadable, hostile and odd input: a clear ReadError (never a library traceback), no harm done.

Also the readable-but-odd files (empty sheet, header only, hidden rows, merged cells, a 32k cell,
a sheet filled to row 1,048,576) and that reading never changes the source file.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from numnum_xl import readers
from numnum_xl.readers import list_sheets, read_table
from numnum_xl.table import ReadError
from tests.corpus import COUNTRIES, HEADERS, LONG_TEXT, UNREADABLE

ROOT = Path(__file__).resolve().parent.parent

#: corpus name → words the message must contain (besides the file name)
EXPECTED = {
    "empty_file": ["leeg", "0 bytes"],
    "empty_csv": ["leeg"],
    "encrypted": ["wachtwoord", "zonder wachtwoord"],
    "corrupt": ["beschadigd", ".xlsx"],
    "corrupt_xls": ["beschadigd"],
    "xml_bomb": ["DOCTYPE", "sharedStrings.xml"],
    "xml_dtd_late": ["DOCTYPE", "sheet1.xml"],
    "zip_bomb": ["zip-bom"],
    "binary_csv": ["PNG"],
    "random_csv": ["binaire"],
    "html_xls": ["HTML", ".xlsx"],
    "ods": [".ods", ".xlsx"],
    "not_workbook_zip": ["Word-document"],
}


def test_every_unreadable_file_has_an_expectation():
    assert set(EXPECTED) == set(UNREADABLE)


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unreadable_file_gives_one_clear_sentence(corpus, name):
    path = corpus[name]
    start = time.perf_counter()
    with pytest.raises(ReadError) as exc:
        read_table(path)
    elapsed = time.perf_counter() - start
    msg = str(exc.value)
    assert f"'{path.name}'" in msg, msg
    for word in EXPECTED[name]:
        assert word in msg, msg
    assert "\n" not in msg and msg.endswith("."), msg
    assert "Traceback" not in msg
    assert exc.value.__cause__ is None or not isinstance(exc.value.__cause__, ReadError)
    assert elapsed < 5, f"{name} took {elapsed:.1f}s to refuse"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_list_sheets_refuses_the_same_files(corpus, name):
    with pytest.raises(ReadError):
        list_sheets(corpus[name])


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError, match="bestaat niet"):
        read_table(tmp_path / "weg.xlsx")
    with pytest.raises(ReadError, match="is een map"):
        read_table(tmp_path)


def test_unreadable_permissions(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can read anything")
    path = tmp_path / "locked.csv"
    path.write_text("title\nx\n")
    path.chmod(0)
    try:
        with pytest.raises(ReadError, match="kan niet geopend worden"):
            read_table(path)
    finally:
        path.chmod(0o600)


def test_file_size_limit(corpus, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ReadError, match="te groot"):
        read_table(corpus["types"])


def test_total_uncompressed_limit(corpus, monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(ReadError, match="uitgepakt"):
        read_table(corpus["types"])


def test_compression_ratio_limit_applies_only_to_big_members(corpus, monkeypatch):
    monkeypatch.setattr(readers, "MAX_COMPRESSION_RATIO", 2)
    read_table(corpus["types"])  # tiny members: fine whatever their ratio
    monkeypatch.setattr(readers, "RATIO_MIN_BYTES", 100)
    with pytest.raises(ReadError, match="zip-bom"):
        read_table(corpus["types"])


def test_xml_bomb_is_refused_before_any_parser_with_little_memory(corpus):
    """In a child process with a 1.5 GB address-space cap: a naive parse would need ~3 GB."""
    resource = pytest.importorskip("resource")
    assert resource is not None
    code = textwrap.dedent(f"""
        import resource, sys, time
        from numnum_xl.readers import read_table
        from numnum_xl.table import ReadError
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        start = time.perf_counter()
        try:
            read_table({str(corpus["xml_bomb"])!r})
        except ReadError as exc:
            print("refused", round(time.perf_counter() - start, 2), exc)
            sys.exit(0)
        sys.exit(3)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("refused")
    assert float(proc.stdout.split()[1]) < 2


def test_dtd_check_runs_before_calamine(corpus, monkeypatch):
    def fail(*_a, **_k):  # pragma: no cover - must not be reached
        raise AssertionError("a parser touched the XML bomb")

    monkeypatch.setattr(readers, "_calamine_grid", fail)
    monkeypatch.setattr(readers, "_openpyxl_grid", fail)
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_table(corpus["xml_bomb"])


def test_library_failure_is_translated(corpus, monkeypatch):
    import openpyxl

    def boom(*_a, **_k):
        raise KeyError("internal")

    monkeypatch.setattr(readers, "_calamine_grid", boom)
    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    with pytest.raises(ReadError) as exc:
        read_table(corpus["types"])
    assert "types.xlsx" in str(exc.value) and "KeyError" not in str(exc.value)


def test_zip_level_encryption_is_a_password(corpus, tmp_path):
    data = bytearray(corpus["types"].read_bytes())
    for magic, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(magic)
        while pos >= 0:
            data[pos + flag_at] |= 0x01  # "this member is encrypted"
            pos = data.find(magic, pos + 4)
    path = tmp_path / "zipcrypto.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="wachtwoord"):
        read_table(path)


def test_undecodable_text(tmp_path):
    path = tmp_path / "weird.csv"
    path.write_bytes(b"title;city\r\nBakkerij;Li\x81ge\r\n")  # 0x81 is not cp1252
    with pytest.raises(ReadError, match="tekenset"):
        read_table(path)


def test_control_characters_are_binary(tmp_path):
    path = tmp_path / "ctl.csv"
    path.write_bytes(bytes(range(1, 32)) * 50)
    with pytest.raises(ReadError, match="binaire"):
        read_table(path)


def test_unbalanced_quote_is_a_read_error_not_a_crash(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('title;note\nA;"' + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(ReadError, match="aanhalingstekens"):
        read_table(path)


# ---------------------------------------------------------------------------- odd but readable


def test_empty_sheet_is_a_table_without_header(corpus):
    t = read_table(corpus["empty_sheet"])
    assert (t.headers, t.rows, t.row_numbers, t.data_rows) == ([], [], [], 0)
    assert t.sheet == "Klanten"


def test_header_only(corpus):
    t = read_table(corpus["header_only"])
    assert t.headers == HEADERS
    assert (t.rows, t.row_numbers, t.header_row) == ([], [], 1)


def test_whitespace_only_csv_is_empty(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\r\n;;\r\n\r\n", encoding="utf-8")
    t = read_table(path)
    assert (t.headers, t.rows) == ([], [])


def test_hidden_and_merged(corpus):
    assert read_table(corpus["hidden_rows"]).hidden_rows == {3, 5}
    assert read_table(corpus["merged"]).merged == ["B1:C1", "B3:C3"]


def test_32k_cell(corpus):
    assert read_table(corpus["long_cell"]).rows == [["Bakkerij", LONG_TEXT]]


@pytest.mark.slow
def test_sheet_filled_to_the_last_row(big_xlsx):
    start = time.perf_counter()
    t = read_table(big_xlsx)
    elapsed = time.perf_counter() - start
    assert t.headers == ["external_id", "address_country"]
    assert t.data_rows == 1_048_575
    assert t.row_numbers[0] == 2
    assert t.row_numbers[-1] == 1_048_576
    assert t.rows[0] == [1, COUNTRIES[2 % 3]]
    assert t.rows[-1] == [1_048_575, COUNTRIES[1_048_576 % 3]]
    assert type(t.rows[-1][0]) is int
    assert t.cell(t.data_rows - 1, 1) == "B1048576"
    assert elapsed < 60, f"1M rows took {elapsed:.1f}s"


# ---------------------------------------------------------------------------- no harm done


def test_reading_never_changes_the_source(corpus):
    for name, path in sorted(corpus.items()):
        before = _fingerprint(path)
        try:
            read_table(path)
            list_sheets(path)
        except ReadError:
            pass
        assert _fingerprint(path) == before, name
