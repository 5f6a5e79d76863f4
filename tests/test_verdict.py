"""One verdict per row (issue 10): validate, push, export and the names NumNum needs.

Every workbook is generated here: a foreign export with one name column (persons and
companies mixed, VAT numbers with prefixes, no VAT-country column), and the demo generator's
customers with planted faults.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from numnum_xl import push
from numnum_xl.cli import main
from numnum_xl.client import Account, ImportOptions, NumNumClient, RetryPolicy
from numnum_xl.demo import customers, write_xlsx
from numnum_xl.export import export_data, write_workbook
from numnum_xl.fix import fix_table
from numnum_xl.rules import party
from numnum_xl.sandbox import SandboxHandle
from numnum_xl.validate import validate_file, validate_table

FAST = RetryPolicy(attempts=12, base=0.01, cap=0.05, timeout=(2.0, 5.0))

#: A customer list as another program exports it: one name column, legal form apart,
#: VAT numbers as people write them, no VAT-country column.
FOREIGN_HEADERS = ["Naam", "Rechtsvorm", "BTW-nummer", "Adres", "Postcode", "Gemeente",
                   "E-mail", "Klantnummer"]
FOREIGN_ROWS = [
    ["Dhr. Luc Maes", None, None, "Kerkstraat 1", "9000", "Gent", "luc@maes.be", "K1"],
    ["Sophie Lambert", None, None, "Rue Haute 5", "1000", "Bruxelles", None, "K2"],
    ["Maes Luc", None, None, None, "2000", "Antwerpen", None, "K3"],
    ["Bakkerij Janssen", "BV", "BE 0403.019.261", "Markt 3", "9000", "Gent", None, "K4"],
    ["Acme France", "SAS", "FR 40 303 265 045", None, None, None, "info@acme.fr", "K5"],
    ["Tech Solutions", "NV", "0403.019.261", None, "B-2000", "Antwerpen", None, "K6"],
    ["Garage Peeters", None, "0123456789", None, None, None, None, "K7"],
    ["Mevr. Peeters", None, None, None, None, None, None, "K8"],
    ["Janssen", None, None, None, "8000", "Brugge", None, "K9"],
    ["Kapsalon Els", "Eenmanszaak", None, None, "3000", "Leuven", "els@@kapsalon.be", "K10"],
]


def write_book(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Klanten"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    return write_book(tmp_path / "export.xlsx", FOREIGN_HEADERS, FOREIGN_ROWS)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    rows, _ = customers(80, seed=10, fault_rate=0.3)
    for i, row in enumerate(rows):
        row["external_id"] = f"D{i:04d}"
    path = tmp_path / "demo.xlsx"
    write_xlsx(str(path), rows)
    return path


def _account(sb: SandboxHandle) -> Account:
    return Account(sb.base_url, sb.token, "argument", sb.base_url)


def _plan(sb: SandboxHandle, book: Path, *, as_written: bool) -> tuple:
    """validate (with --fix unless ``as_written``) and push's plan, each on its own."""
    report = validate_file(str(book))
    changes: list = []
    if not as_written:
        table, changes, mapping = fix_table(report.table, report.mapping, with_mapping=True)
        report = validate_table(table, mapping)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        plan = push.prepare(validate_file(str(book)), c, _account(sb),
                            ImportOptions(duplicates="nieuw"), source=book,
                            as_written=as_written)
    assert [(ch.cell, ch.new) for ch in plan.changes] == [(ch.cell, ch.new) for ch in changes]
    return report, plan, changes


# --- 1. one rule set ---------------------------------------------------------------------------

@pytest.mark.parametrize("as_written", [True, False])
@pytest.mark.parametrize("book", ["foreign", "demo"])
def test_validate_and_push_judge_every_row_alike(book: str, as_written: bool,
                                                 sb: SandboxHandle, request) -> None:
    path = request.getfixturevalue(book)
    report, plan, _ = _plan(sb, path, as_written=as_written)
    bad = report.rows_with_errors()
    sent = [rp for rp in plan.rows if rp.action != push.SKIP_ERRORS]
    # both verdicts occur (as written, the foreign export has no family-name column at all)
    assert bad and (sent or (book == "foreign" and as_written))
    for rp in plan.rows:
        assert (rp.row in bad) == (rp.action == push.SKIP_ERRORS), (rp.row, rp.message)
        assert rp.reason != "payload", rp.message  # push has no rule of its own
    for rp in plan.to_send:  # what is sent builds, so NumNum gets every row validation passed
        assert rp.payload["title"] and rp.payload["last_name"]
        if rp.payload["company_type"] == "particulier":
            assert rp.payload.get("first_name")


def test_the_rule_push_had_alone_is_a_finding_with_a_fix(foreign: Path) -> None:
    report = validate_file(str(foreign))
    found = {(f.row, f.column): f for f in report.findings}
    f = found[(2, "first_name")]  # "Dhr. Luc Maes": no first-name column at all
    assert (f.code, f.severity, f.cell, f.suggestion) == (
        "person.first_name_missing", "error", None, "Luc")
    assert found[(2, "last_name")].suggestion == "Maes"
    assert (found[(4, "first_name")].suggestion, found[(4, "last_name")].suggestion) == (
        "Luc", "Maes")  # "Maes Luc"
    f = found[(9, "first_name")]  # "Mevr. Peeters": a person, but no first name to offer
    assert f.severity == "error" and f.suggestion is None
    assert found[(5, "last_name")].code == "company.last_name_missing"
    assert found[(5, "last_name")].suggestion == "Bakkerij Janssen"
    for lang in ("nl", "fr", "en"):
        assert "Luc" in found[(2, "first_name")].message(lang)


# --- 2. person or company ----------------------------------------------------------------------

@pytest.mark.parametrize("values,kind", [
    ({"title": "Bakkerij Janssen"}, party.COMPANY),
    ({"title": "Dupont S.R.L."}, party.COMPANY),
    ({"title": "Luc Maes", "vat_id": "0403019261"}, party.COMPANY),
    ({"title": "Luc Maes", "company_type": "BV"}, party.COMPANY),
    ({"title": "Luc Maes", "company_type": "natuurlijk-persoon"}, party.PERSON),
    ({"title": "Mme Sophie Lambert"}, party.PERSON),
    ({"title": "Sophie Lambert"}, party.PERSON),
    ({"title": "Lambert", "first_name": "Sophie"}, party.PERSON),
    ({"title": "Janssen"}, party.UNKNOWN),
    ({"title": "Janssen & Zonen"}, party.COMPANY),
])
def test_person_or_company(values: dict, kind: str) -> None:
    assert party.classify(values).kind == kind


@pytest.mark.parametrize("text,split", [
    ("Dhr. Luc Maes", ("Luc", "Maes")), ("Maes Luc", ("Luc", "Maes")),
    ("Luc Maes", ("Luc", "Maes")), ("De heer Jan Van Damme", ("Jan", "Van Damme")),
    ("Van Damme Jan", ("Jan", "Van Damme")), ("Peeters, Els", ("Els", "Peeters")),
    ("Mme Marie-Claire Dubois", ("Marie-Claire", "Dubois")), ("Herr Jonas Müller",
                                                               ("Jonas", "Müller")),
])
def test_name_split(text: str, split: tuple[str, str]) -> None:
    assert party.split_name(text) == split


def test_fix_splits_names_and_adds_the_columns(foreign: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "fixed.xlsx"
    rc = main(["validate", str(foreign), "--fix", "-o", str(out), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1  # rows 8, 9 and 11 keep errors no fix can solve
    added = {c["new"] for c in data["changes"] if c["code"] == "column.added"}
    assert added == {"last_name", "first_name", "vat_country_code"}
    ws = load_workbook(out)["Klanten"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    got = {r[0]: (r[col["first_name"]], r[col["last_name"]]) for r in
           ws.iter_rows(min_row=2, values_only=True)}
    assert got["Dhr. Luc Maes"] == ("Luc", "Maes") and got["Maes Luc"] == ("Luc", "Maes")
    assert got["Sophie Lambert"] == ("Sophie", "Lambert")
    assert got["Bakkerij Janssen"] == (None, "Bakkerij Janssen")  # as NumNum's sample does
    assert got["Janssen"] == (None, "Janssen")
    again = validate_file(str(out))
    assert {f.row for f in again.findings if f.severity == "error"} == {8, 9, 11}


def test_company_only_export_has_a_way_out(tmp_path: Path) -> None:
    """No family-name column at all: every company row gets a fix, not a dead end."""
    book = write_book(tmp_path / "bedrijven.xlsx", ["Bedrijfsnaam", "Contactpersoon", "BTW"],
                      [["Acme NV", "Peeters", "BE0403019261"], ["Beta BV", None,
                                                                 "BE0403019261"],
                       ["Garage Dubois", "Marie Dubois", "BE0403019261"]])
    report = validate_file(str(book))
    rows = {f.row: f for f in report.findings if f.column == "last_name" and f.row != 1}
    assert {r: f.suggestion for r, f in rows.items()} == {2: "Peeters", 3: "Beta BV",
                                                          4: "Dubois"}
    fixed, _changes, mapping = fix_table(report.table, report.mapping, with_mapping=True)
    assert not [f for f in validate_table(fixed, mapping).findings
                if f.column == "last_name" and f.row != 1]


# --- 3. VAT country ----------------------------------------------------------------------------

def test_vat_country_from_the_number(foreign: Path, tmp_path: Path) -> None:
    report = validate_file(str(foreign))
    on_country = {f.row: f for f in report.findings if f.code == "vat.country_missing"}
    assert {r: (f.column, f.cell, f.suggestion) for r, f in on_country.items()} == {
        5: ("vat_country_code", None, "BE"), 6: ("vat_country_code", None, "FR"),
        7: ("vat_country_code", None, "BE"), 8: ("vat_country_code", None, None)}
    fixed, _changes, mapping = fix_table(report.table, report.mapping, with_mapping=True)
    after = validate_table(fixed, mapping)
    values = {fixed.row_numbers[i]: v for i, v in enumerate(after.values)}
    assert (values[6]["vat_id"], values[6]["vat_country_code"]) == ("40303265045", "FR")
    assert (values[5]["vat_id"], values[5]["vat_country_code"]) == ("0403019261", "BE")
    assert not [f for f in after.findings if f.row in (5, 6, 7) and f.code.startswith("vat")]
    assert 8 in after.rows_with_errors()  # 0123456789: Belgian shape, wrong checksum


def test_vat_country_in_an_empty_column(tmp_path: Path) -> None:
    book = write_book(tmp_path / "k.xlsx", ["title", "last_name", "vat_id", "vat_country_code"],
                      [["Acme", "Acme", "FR 40 303 265 045", None]])
    f = next(f for f in validate_file(str(book)).findings if f.code == "vat.country_missing")
    assert (f.column, f.cell, f.suggestion) == ("vat_country_code", "D2", "FR")
    fixed, _changes = fix_table(validate_file(str(book)).table)
    assert fixed.rows[0][2:] == ["40303265045", "FR"]
    assert validate_table(fixed).findings == []


# --- 4. push sends what validation would write -------------------------------------------------

def test_push_sends_the_fixed_values_and_lists_them(foreign: Path, sb: SandboxHandle) -> None:
    _report, plan, _changes = _plan(sb, foreign, as_written=False)
    by_row = {rp.row: rp for rp in plan.rows}
    assert by_row[2].action == push.CREATE
    assert (by_row[2].payload["first_name"], by_row[2].payload["last_name"]) == ("Luc", "Maes")
    assert by_row[2].payload["company_type"] == "particulier"
    assert {c.code for c in by_row[2].changes} == {"person.first_name_missing",
                                                    "person.last_name_missing"}
    assert (by_row[6].payload["vat_id"], by_row[6].payload["vat_country_code"]) == (
        "40303265045", "FR")
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        outcome = push.execute(plan, c, threads=2)
        stored = {x["external_id"]: x for x in c.list_contacts()}
    result = {r.row: r for r in outcome.results}
    assert [ch.new for ch in result[2].changes] == ["Maes", "Luc"]
    assert stored["K1"]["first_name"] == "Luc" and stored["K5"]["vat_country_code"] == "FR"
    assert stored["K4"]["vat_id"] == "0403019261"


def test_as_written_sends_the_cells_unchanged(tmp_path: Path, sb: SandboxHandle, capsys,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMNUM_API_TOKEN", sb.token)
    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NUMNUM_API_URL", sb.base_url)  # the env token is only for this URL
    book = write_book(tmp_path / "k.xlsx", ["title", "last_name", "vat_id",
                                            "vat_country_code", "external_id"],
                      [["Acme NV", "Peeters", "BE 0403.019.261", "BE", "A1"]])
    assert main(["push", str(book), "--api-url", sb.base_url, "--zoals-geschreven",
                 "--dry-run"]) == 0
    assert "Veilige correcties" not in capsys.readouterr().out
    assert main(["push", str(book), "--api-url", sb.base_url, "--dry-run"]) == 0
    assert "C2  BE 0403.019.261 → 0403019261" in capsys.readouterr().out
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        report = validate_file(str(book))
        plan = push.prepare(report, c, _account(sb), ImportOptions(), source=book,
                            as_written=True)
        fixed = push.prepare(report, c, _account(sb), ImportOptions(), source=book)
    assert plan.rows[0].payload["vat_id"] == "BE 0403.019.261" and not plan.rows[0].changes
    assert fixed.rows[0].payload["vat_id"] == "0403019261" and fixed.rows[0].changes


# --- 5. export ---------------------------------------------------------------------------------

def test_export_round_trips(foreign: Path, demo: Path, tmp_path: Path) -> None:
    for book in (foreign, demo):
        report = validate_file(str(book))
        data = export_data(report)
        out = write_workbook(data, tmp_path / f"{book.stem}.numnum.xlsx")
        back = validate_file(str(out))
        assert all(c.how == "key" for c in back.mapping.columns)
        assert [c.header for c in back.mapping.columns] == data.headers
        assert back.errors == 0, [f.message() for f in back.findings if f.severity == "error"]
        assert back.table.data_rows == len(data.rows) > 0
        fixed, _, mapping = fix_table(report.table, report.mapping, with_mapping=True)
        bad = validate_table(fixed, mapping).rows_with_errors()
        assert [r for r, _ in data.held_back] == sorted(bad)
        assert set(data.row_numbers).isdisjoint(bad)
        ws = load_workbook(out)
        assert ws.sheetnames == ["Klanten", "Niet geëxporteerd"]
        sheet = ws["Klanten"]
        for col in ("vat_id", "address_zip", "external_id"):
            if col in data.headers:
                j = data.headers.index(col) + 1
                cells = [sheet.cell(r, j) for r in range(2, sheet.max_row + 1)]
                assert all(c.value is None or (isinstance(c.value, str)
                                               and c.number_format == "@") for c in cells)
        order = [k for k in data.headers]
        from numnum_xl.catalogue import KEYS
        assert order == [k for k in KEYS if k in order]


def test_export_command(foreign: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "schoon.xlsx"
    assert main(["export", str(foreign), str(out)]) == 1  # rows held back
    text = capsys.readouterr().out
    assert "niet geëxporteerd" in text and "schoon.xlsx" in text
    wb = load_workbook(out)
    held = [r for r in wb["Niet geëxporteerd"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in held] == [8, 9, 11] and all(r[1] for r in held)
    assert wb["Klanten"].max_row == 1 + len(FOREIGN_ROWS) - 3
    assert main(["export", str(foreign), str(out), "--alle-rijen"]) == 1
    assert load_workbook(out)["Klanten"].max_row == 1 + len(FOREIGN_ROWS)
    assert main(["export", str(foreign), str(foreign)]) == 2  # never over the source


def test_export_writes_text_not_formulas(tmp_path: Path) -> None:
    book = write_book(tmp_path / "k.xlsx", ["title", "last_name", "private_notes"],
                      [["Acme", "Acme", "'=HYPERLINK(\"http://x\")"]])
    data = export_data(validate_file(str(book)))
    data.rows[0][2] = "=1+1"
    out = write_workbook(data, tmp_path / "o.xlsx")
    cell = load_workbook(out)["Klanten"]["C2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


# --- 7. postcode and town ----------------------------------------------------------------------

@pytest.mark.parametrize("zip_code,town,code,suggestion", [
    ("B-2000", "Brugge", "zip.town_mismatch", "8000"),  # not just "2000": Antwerp's
    ("2000", "Bruges", "zip.town_mismatch", "8000"),
    ("9999", "Gent", "zip.unknown_be", "9000"),
    ("90000", "Gent", "zip.invalid", "9000"),
    ("8000", "Brugge", None, None), ("8000", "BRUGES", None, None),
    ("2000", "Anvers", None, None), ("9032", "Gent", None, None),  # a deelgemeente's code
    ("9032", "Wondelgem", None, None), ("9032", "Gent (Wondelgem)", None, None),
    ("9090", "Merelbeke-Melle", None, None), ("9090", "Melle", None, None),  # 2025 merger
    ("4780", "Sankt Vith", None, None), ("4720", "Kelmis", None, None),
    ("4720", "La Calamine", None, None), ("B-9000", "Gent", "zip.written", "9000"),
])
def test_postcode_and_town(zip_code: str, town: str, code: str | None,
                           suggestion: str | None, tmp_path: Path) -> None:
    book = write_book(tmp_path / "k.xlsx", ["title", "last_name", "address_zip",
                                            "address_city", "address_country"],
                      [["Acme NV", "Acme", zip_code, town, "BE"]])
    found = [f for f in validate_file(str(book)).findings if f.column == "address_zip"]
    assert [(f.code, f.suggestion) for f in found] == ([(code, suggestion)] if code else [])
    if code == "zip.town_mismatch":
        assert found[0].severity == "warning"
        for lang in ("nl", "fr", "en"):
            assert "8000, 8200, 8310, 8380" in found[0].message(lang)


def test_same_postcode_judged_per_town_in_one_sheet(tmp_path: Path) -> None:
    """A postcode's verdict depends on the row's town: the rule memory must not carry the
    answer for "8000 Brugge" over to "8000 Antwerpen" further down the sheet."""
    book = write_book(tmp_path / "k.xlsx", ["title", "last_name", "address_zip",
                                            "address_city", "address_country"],
                      [["A NV", "A", "8000", "Brugge", "BE"],
                       ["B NV", "B", "8000", "Antwerpen", "BE"],
                       ["C NV", "C", "8000", "Brugge", "BE"]])
    found = [(f.row, f.code, f.suggestion) for f in validate_file(str(book)).findings
             if f.column == "address_zip"]
    assert found == [(3, "zip.town_mismatch", "2000")]


def test_postcode_data_names_its_source() -> None:
    from numnum_xl.rules import be_places

    data = be_places.data()
    assert "Statbel" in data["source"] and "CC BY 4.0" in data["licence"]
    assert data["valid_from"] == "2025-01-01" and data["built"]
    assert len(data["municipalities"]) == 565  # Belgium's municipalities from 2025 on
    assert all(len(c) == 4 and c.isdigit() for c in data["postcodes"])
    assert all(m in data["municipalities"] for ms in data["postcodes"].values() for m in ms)
    assert (Path(__file__).resolve().parent.parent / "tools" / "build_be_postcodes.py").exists()
