"""Issue 15 (points 7, 8): the mechanisms that keep large sheets linear and compact.

Speed and memory themselves are measured in ``bench/`` (bench_exact_codes.py,
bench_validate.py --memory-rows); these tests pin the mechanisms so that removing one fails.
"""

from __future__ import annotations

import io
import json

import pytest

from numnum_xl import readers
from numnum_xl.demo import customers
from numnum_xl.findings import dump_json
from numnum_xl.mapping import propose
from numnum_xl.table import RowValues, Table
from numnum_xl.validate import validate_table


def _table(n: int, seed: int = 3) -> Table:
    rows, _ = customers(n, seed=seed, fault_rate=0.1)
    heads = list(rows[0])
    return Table("x.xlsx", "Klanten", "xlsx", 1, 1, heads,
                 [[r.get(h) for h in heads] for r in rows], list(range(2, n + 2)))


def test_values_are_compact_and_share_the_cells_texts():
    t = _table(300)
    report = validate_table(t, workers=1)
    assert isinstance(report.values, RowValues)
    assert all(row.__class__ is tuple for row in report.values._rows)
    v = report.values[0]
    with pytest.raises(TypeError):
        v["title"] = "x"  # read-only: a report's values are what was validated
    col = t.headers.index("title")
    assert v["title"] is t.rows[0][col]  # the very text object of the cell, not a copy


def test_forked_workers_give_the_same_report_without_copying_texts():
    import numnum_xl.validate as validate

    if not validate._can_fork():
        pytest.skip("workers are forked on Linux only")
    t = _table(2400)
    mapping = propose(t.headers)
    one = validate_table(t, mapping, workers=1)
    two = validate_table(t, mapping, workers=2)
    assert two.values == one.values and two.findings == one.findings
    col = t.headers.index("email")
    shared = sum(1 for v, row in zip(two.values, t.rows, strict=True)
                 if v["email"] is not None and v["email"] is row[col])
    # every e-mail that needed no change is the parent's own text object again
    assert shared == sum(1 for v in one.values if v["email"] is not None)


def test_reader_shares_repeated_values_until_a_column_looks_distinct(monkeypatch):
    monkeypatch.setattr(readers, "INTERN_PER_COLUMN", 3)
    grid = iter([["BE", f"name {i}", "Gent"] for i in range(10)])
    rows, nums = readers._normalise(grid, 1)
    assert nums == list(range(1, 11))
    assert all(r[0] is rows[0][0] and r[2] is rows[0][2] for r in rows)
    assert rows[9][1] == "name 9"
    assert len({id(r[1]) for r in rows}) == 10  # distinct texts stay distinct objects


def test_error_cells_are_patched_into_the_stream():
    got = list(readers._patch_errors(iter([["a", ""], ["b", ""]]), 1, 1,
                                     {(1, 2): "#DIV/0!", (4, 1): "#N/A"}))
    assert got[0][1].code == "#DIV/0!" and got[1] == ["b", ""]
    assert got[2] == [] and got[3][0].code == "#N/A"


def test_json_written_one_finding_at_a_time_is_the_json_contract():
    t = _table(200)
    report = validate_table(t, workers=1)
    assert report.findings
    out = io.StringIO()
    dump_json(report.findings, "fr", {"summary": report.summary()}, out)
    assert out.getvalue() == json.dumps(report.as_json("fr"), ensure_ascii=False, indent=1)


def test_held_back_reads_the_data_rows_once(monkeypatch):
    from numnum_xl.exact import relations
    from numnum_xl.exact.codes import CodeRegister

    t = _table(120)
    report = relations.check_relations(t, register=CodeRegister(None))
    assert sum(1 for f in report.findings if f.severity == "error") > 1
    calls = []
    real = relations._data_rows
    monkeypatch.setattr(relations, "_data_rows", lambda r: calls.append(1) or real(r))
    held = relations.held_back(report)
    assert held and len(calls) == 1  # once per call, not once per finding (quadratic)


# --- round 3, issue 15 point 8: packed rows, values kept only where needed, compact findings,
# notes and own sheets written as streams


def _packed(t: Table) -> Table:
    from numnum_xl.table import PackedRows

    return Table(t.source, t.sheet, t.fmt, t.header_row, t.first_col, t.headers,
                 PackedRows.pack(iter(t.rows), block=128), t.row_numbers)


def test_packed_rows_validate_like_lists_one_process_and_forked(monkeypatch):
    import numnum_xl.validate as validate

    t = _table(1200)
    t.rows[7][t.headers.index("external_id")] = t.rows[3][t.headers.index("external_id")]
    mapping = propose(t.headers)
    ref = validate_table(t, mapping, workers=1)
    packed = _packed(t)
    assert validate_table(packed, mapping, workers=1).findings == ref.findings
    if validate._can_fork():
        monkeypatch.setattr(validate, "CHUNK_ROWS", 100)  # many pieces back from the workers
        got = validate_table(packed, mapping, workers=2, keep_values=False)
        assert got.findings == ref.findings
        assert got.values.keys == ("external_id",) and len(got.values) == len(t.rows)
    assert any(f.code == "external_id.duplicate" for f in ref.findings)


def test_keep_values_false_keeps_only_what_checks_across_rows_read():
    t = _table(300)
    t.rows[5][t.headers.index("external_id")] = t.rows[1][t.headers.index("external_id")]
    full = validate_table(t, workers=1)
    lean = validate_table(t, workers=1, keep_values=False)
    assert lean.findings == full.findings
    assert lean.values.keys == ("external_id",)
    assert [v["external_id"] for v in lean.values] == [v["external_id"] for v in full.values]
    assert sum(f.code == "external_id.duplicate" for f in lean.findings) == 2


def test_findings_are_compact_and_behave_as_before():
    import pickle
    import sys

    from numnum_xl.findings import ERROR, Finding, sort_key

    params = {"field": "vat_id", "value": "403019261", "count": 9}
    f = Finding(123456, "vat_id", "C123456", ERROR, "number.leading_zero_lost", params,
                "0403019261")
    g = Finding(123457, "vat_id", "C123457", ERROR, "number.leading_zero_lost",
                dict(params), "0" + "403019261")
    assert f.cell == "C123456" and f.params == params and f.params is not params
    assert f._cell == 3 and f._params[0] is g._params[0]  # key order shared
    assert g.suggestion is f.suggestion  # repeated short texts are one object
    assert sys.getsizeof(f) + sys.getsizeof(f._params) < sys.getsizeof(params)
    assert pickle.loads(pickle.dumps(f)) == f and hash(f) == hash(pickle.loads(pickle.dumps(f)))
    assert sort_key(f) == (123456, 3, "number.leading_zero_lost")
    odd = Finding(5, None, "B7", ERROR, "x")  # a cell on another row stays as it was
    assert odd.cell == "B7" and Finding(5, None, None, ERROR, "x").cell is None
    with pytest.raises(AttributeError):
        f.row = 3


def test_notes_vml_and_own_sheets_are_written_in_pieces():
    from numnum_xl.xlsxpatch.notes import Comments, vml_pieces, vml_with_shapes
    from numnum_xl.xlsxpatch.ownsheet import OwnSheet

    c = Comments(None, b"")
    for r in range(2, 50):
        c.put(f"C{r}", f"Fout op rij {r} & <meer>")
    pieces = list(c.pieces())
    assert len(pieces) == 50 and b"".join(pieces) == c.to_bytes()
    assert c.texts()["C9"] == "Fout op rij 9 & <meer>"
    cells = [(r, 3, f"tekst {r}") for r in range(2, 50)]
    assert len(list(vml_pieces(None, iter(cells)))) > 40
    assert b"".join(vml_pieces(None, iter(cells))) == vml_with_shapes(None, cells)
    sh = OwnSheet()
    for r in range(1, 30):
        sh.put(r, 1, f"rij {r}", "wrap")
    out = io.BytesIO()
    sh.write_to(out, {"wrap": 3}, main_ns="urn:m", rel_ns="urn:r")
    assert out.getvalue() == sh.to_bytes({"wrap": 3}, main_ns="urn:m", rel_ns="urn:r")
    assert len(list(sh.pieces({"wrap": 3}, main_ns="urn:m", rel_ns="urn:r"))) == 2 + 29 + 1


def _many_findings(n: int) -> tuple[Table, list]:
    from numnum_xl.findings import ERROR, Finding

    t = Table("x.xlsx", "Klanten", "xlsx", 1, 1, ["title", "vat_id"], [["x", "1"]] * n,
              list(range(2, n + 2)))
    return t, [Finding(r, "vat_id", f"B{r}", ERROR, "vat.checksum", {"value": f"BE0{r:09d}"})
               for r in range(2, n + 2)]


def test_summary_findings_are_made_while_the_sheet_is_written():
    """A million findings: the summary keeps only its first sections as cells; the rows of
    the findings, their heights and links are made while the sheet is written."""
    from numnum_xl.summary import build
    from numnum_xl.xlsxpatch.mark import read_own_sheet

    t, findings = _many_findings(3000)
    sh = build(t, findings, sheet="Klanten", file="x.xlsx")
    assert len(sh._rows) < 40 and len(sh._links) == 0 and len(sh.heights) < 40
    xml = sh.to_bytes({"link": 3, "wrap": 4}, main_ns="urn:m", rel_ns="urn:r")
    rows = read_own_sheet(xml)
    listed = [row for row in rows if len(row) > 4 and row[4].startswith("Btw-nummer BE0")]
    assert [int(row[0]) for row in listed] == list(range(2, 3002))
    assert all(row[2] == f"B{row[0]}" for row in listed)
    assert xml.count(b"<hyperlink ") == 3000 and b"location=\"'Klanten'!B3001\"" in xml
    assert xml.count(b'<row r="') == len(sh.cells) and len(sh.links) == 3000
    last = int(xml.rpartition(b'<row r="')[2].partition(b'"')[0])
    assert sh.autofilter.endswith(f":G{last}") and len(rows) < last


def test_summary_says_how_many_findings_did_not_fit(monkeypatch):
    import numnum_xl.summary as summary

    monkeypatch.setattr(summary, "MAX_FINDINGS", 4)
    t, findings = _many_findings(10)
    sh = summary.build(t, findings, sheet="Klanten", file="x.xlsx")
    texts = [row.get(5, (None,))[0] for row in sh.cells.values()]
    assert sum(1 for x in texts if x and x.startswith("Btw-nummer BE0")) == 4
    assert "… en nog 6 meldingen die niet op dit blad passen." in texts


def test_own_sheet_refuses_a_row_put_among_deferred_rows():
    from numnum_xl.xlsxpatch.ownsheet import OwnSheet

    sh = OwnSheet()
    sh.put(1, 1, "kop")
    sh.defer(2, ["a", "b"], lambda v: ([(1, v, None)], None), lambda v: None)
    sh.put(5, 1, "na")
    assert b"<hyperlinks>" not in sh.to_bytes({}, main_ns="m", rel_ns="r")
    assert [r for r in sh.cells] == [1, 5, 2, 3]
    sh.put(3, 2, "ertussen")
    with pytest.raises(ValueError, match="row 3"):
        sh.to_bytes({}, main_ns="m", rel_ns="r")


def test_marks_are_let_go_before_the_summary_is_built(tmp_path):
    """``Plan.marks`` may be a builder: the map of a million notes is dropped once the marks
    are placed, before the summary sheet and the state are written."""
    import weakref

    from numnum_xl.annotate import COLOURS
    from numnum_xl.xlsxpatch.mark import Plan, mark_package
    from numnum_xl.xlsxpatch.ownsheet import OwnSheet
    from tests import xlsx_packages as pk

    class Marks(dict):
        pass

    built: list = []
    alive: list[bool] = []

    def marks() -> Marks:
        m = Marks({"A2": ("error", "Fout: x"), "B3": ("warning", "Waarschuwing: y")})
        built.append(weakref.ref(m))
        return m

    def summary(_name: str) -> OwnSheet:
        alive.append(built[-1]() is not None)
        return OwnSheet()

    book = pk.transitional(tmp_path / "k.xlsx")
    out = tmp_path / "uit.xlsx"
    outcome = mark_package(book, out, Plan(sheet="Klanten", marks=marks, colours=COLOURS,
                                           summary=summary))
    assert outcome.marked == 2 and alive == [False]
    same = mark_package(book, tmp_path / "uit2.xlsx", Plan(
        sheet="Klanten", marks=dict(marks()), colours=COLOURS))
    assert same.marked == 2


def test_background_validation_of_the_copy_uses_the_workers(monkeypatch, tmp_path):
    """``validate -o COPY`` validates in a forked process while the copy is prepared; that
    process checks a big sheet with workers of its own (the caller mostly waits), and its
    findings are validation's."""
    import numnum_xl.validate as validate

    if not validate._can_fork():
        pytest.skip("no fork on this platform: validated in the caller, one process")
    t = _table(1500)
    mapping = propose(t.headers)
    ref = validate_table(t, mapping, workers=1, keep_values=False)
    seen = tmp_path / "parallel"
    real = validate._check_parallel

    def spy(checker, workers, *args, **kwargs):
        seen.write_text(str(workers))  # written in the forked process
        return real(checker, workers, *args, **kwargs)

    monkeypatch.setattr(validate, "PARALLEL_MIN_ROWS", 1000)
    monkeypatch.setattr(validate, "CHUNK_ROWS", 200)
    monkeypatch.setattr(validate, "_check_parallel", spy)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert validate.validate_in_background(t, mapping)() == ref.findings
    assert seen.read_text() == "2"


def test_validation_workers_leave_ctrl_c_to_the_parent(monkeypatch, tmp_path):
    """Ctrl-C stops ``numnum-xl validate`` with one line ("afgebroken"): the pool's workers
    ignore it (the parent ends the pool) instead of each printing a traceback."""
    import signal

    import numnum_xl.validate as validate

    if not validate._can_fork():
        pytest.skip("no fork on this platform: no workers")
    seen = tmp_path / "sigint"
    real = validate._check_rows

    def spy(*args, **kwargs):
        seen.write_text(str(signal.getsignal(signal.SIGINT) == signal.SIG_IGN))  # in a worker
        return real(*args, **kwargs)

    monkeypatch.setattr(validate, "_check_rows", spy)
    validate_table(_table(1200), workers=2)
    assert seen.read_text() == "True"
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the parent keeps Ctrl-C
