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
