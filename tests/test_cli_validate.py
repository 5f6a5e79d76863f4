"""``numnum-xl validate`` end to end on real files: the JSON contract, exit codes, the
annotated copy, --fix, --in-place, and the bundled example."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from numnum_xl.catalogue import KEYS
from numnum_xl.demo import example, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "numnum_xl", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def klanten(tmp_path):
    path = tmp_path / "klanten.xlsx"
    write_xlsx(str(path), example()[0])
    return path


def test_bundled_example_is_generated_by_the_repo(tmp_path):
    """examples/klanten.xlsx holds exactly what numnum_xl.demo.example() makes."""
    fresh = tmp_path / "k.xlsx"
    write_xlsx(str(fresh), example()[0])
    ours = [list(r) for r in load_workbook(ROOT / "examples" / "klanten.xlsx").active.values]
    theirs = [list(r) for r in load_workbook(fresh).active.values]
    assert ours == theirs


def test_json_contract_and_planted_faults(klanten):
    res = run("validate", klanten, "--json")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"findings", "summary"}
    for f in data["findings"]:
        assert set(f) == {"row", "column", "cell", "severity", "code", "message", "suggestion"}
        assert f["severity"] in ("error", "warning")
    rows, planted = example()
    cells = {(f["row"], f["column"]) for f in data["findings"]}
    for p in planted:  # every planted fault is found, at the real row of its cell
        assert (p.index + 2, p.field) in cells, p
    faulty_rows = {p.index + 2 for p in planted} | {15, 16}  # the duplicated external id
    assert {f["row"] for f in data["findings"]} <= faulty_rows
    assert data["summary"]["data_rows"] == len(rows)
    assert not (klanten.parent / "klanten.gecontroleerd.xlsx").exists()  # --json writes nothing


def test_exit_zero_without_errors_and_language(tmp_path):
    rows, _ = example()
    clean = [r for i, r in enumerate(rows) if i in (1, 17, 18)]
    path = tmp_path / "ok.xlsx"
    write_xlsx(str(path), clean)
    res = run("validate", path, "--json", "--lang", "fr")
    assert res.returncode == 0, res.stdout
    assert json.loads(res.stdout)["summary"]["errors"] == 0


def test_annotated_copy(klanten):
    before = digest(klanten)
    res = run("validate", klanten)
    assert res.returncode == 1
    out = klanten.parent / "klanten.gecontroleerd.xlsx"
    assert out.exists() and str(out) in res.stdout
    assert digest(klanten) == before  # the source is never touched
    ws = load_workbook(out)["Klanten"]
    e2 = ws["E2"]
    assert e2.fill.fgColor.rgb.endswith("FFC7CE")
    assert e2.comment.author == "NumNum" and "0123456789" in e2.comment.text
    warn = ws["H12"]  # zip written B-2000
    assert warn.fill.fgColor.rgb != e2.fill.fgColor.rgb and warn.comment is not None
    assert ws["A3"].comment is None  # clean cells are left alone
    assert "NumNum-controle" in load_workbook(out).sheetnames


def test_fix_lists_and_applies_safe_changes(klanten):
    res = run("validate", klanten, "--fix", "--json", "-o", klanten.parent / "fixed.xlsx")
    data = json.loads(res.stdout)
    changes = {c["cell"]: c for c in data["changes"]}
    assert changes["J6"]["old"] == "België" and changes["J6"]["new"] == "BE"
    assert "H12" not in changes  # B-2000 in Brugge: 2000 is Antwerp's, 8000 is suggested
    assert changes["E8"]["new"] == "0801686984" or changes["E8"]["new"].startswith("0")
    assert "E2" not in changes  # a wrong checksum is not "fixed"
    fixed = load_workbook(klanten.parent / "fixed.xlsx")["Klanten"]
    assert fixed["J6"].value == "BE" and fixed["H12"].value == "B-2000"
    assert fixed["E2"].value == "0123456789"
    codes = {f["code"] for f in data["findings"]}
    assert "country.name" not in codes and "zip.written" not in codes
    assert "vat.checksum" in codes
    town = next(f for f in data["findings"] if f["cell"] == "H12")
    assert (town["code"], town["suggestion"]) == ("zip.town_mismatch", "8000")


def test_in_place_keeps_a_backup(klanten):
    original = klanten.read_bytes()
    res = run("validate", klanten, "--in-place")
    assert res.returncode == 1
    backups = list(klanten.parent.glob("klanten.backup-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert load_workbook(klanten)["Klanten"]["E2"].comment.author == "NumNum"
    res = run("clear", klanten)
    assert res.returncode == 0
    ws = load_workbook(klanten)["Klanten"]
    assert ws["E2"].comment is None and ws["E2"].fill.fgColor.rgb in ("00000000", None)


def test_csv_input(tmp_path):
    path = tmp_path / "klanten.csv"
    rows, _ = example()
    lines = [";".join(KEYS)] + [";".join("" if r[k] is None else str(r[k]) for k in KEYS)
                                for r in rows[:3]]
    path.write_text("\n".join(lines) + "\n", encoding="cp1252", errors="replace")
    res = run("validate", path, "--json")
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert {(f["cell"], f["code"]) for f in data["findings"]} >= {("E2", "vat.checksum"),
                                                                  ("E4", "vat.be_first_digit")}


def test_unreadable_file_is_one_line(tmp_path):
    bad = tmp_path / "kapot.xlsx"
    bad.write_bytes(b"PK\x03\x04 niet echt een werkmap")
    res = run("validate", bad, "--json")
    assert res.returncode == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("numnum-xl: ") and "kapot.xlsx" in lines[0]


def test_missing_file_and_empty_sheet(tmp_path):
    res = run("validate", tmp_path / "nergens.xlsx")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    wb = Workbook()
    wb.save(tmp_path / "leeg.xlsx")
    res = run("validate", tmp_path / "leeg.xlsx", "--json")
    assert res.returncode == 1
    assert [f["code"] for f in json.loads(res.stdout)["findings"]] == ["sheet.no_header"]


def test_readme_first_command_runs_on_the_example(tmp_path):
    """The README's first command validates examples/klanten.xlsx: run it in a copy."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    res = run("validate", "examples/klanten.xlsx", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert (tmp_path / "examples" / "klanten.gecontroleerd.xlsx").exists()
