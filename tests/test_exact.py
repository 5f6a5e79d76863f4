"""``numnum-xl exact``: relations CSV with stable codes, sales-entry checks and export, the
duplicate-import journal, the template - on real workbooks, through the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from numnum_xl.annotate import ERROR_RGB, SUMMARY_SHEET, WARNING_RGB
from numnum_xl.cli import main
from numnum_xl.exact.codes import CodeRegister, Identity, assign
from numnum_xl.exact.entries import EntryOptions, check_entries
from numnum_xl.exact.lists import ACCOUNT_HEADERS, CODE_HEADERS, read_list
from numnum_xl.exact.schema import ENTRY_FIELDS, RELATION_FIELDS
from numnum_xl.mapping import normalise
from numnum_xl.readers import read_table
from numnum_xl.validate import validate_file

ENTRY_HEADERS = [f.header for f in ENTRY_FIELDS]
REL_HEADERS = [f.header for f in RELATION_FIELDS]


def cli(*args):
    """``python -m numnum_xl exact …`` in a subprocess (real exit codes, real streams)."""
    return subprocess.run([sys.executable, "-m", "numnum_xl", "exact", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def run(capsys, *args) -> tuple[int, str, str]:
    """The same in-process (faster): (exit status, stdout, stderr)."""
    code = main(["exact", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def write_sheet(path: Path, headers: list[str], rows: list[list], title: str = "Blad1") -> Path:
    """An .xlsx with ``headers`` and ``rows``; text stays text (also text starting with =)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    wb.save(path)
    return path


def codes_of(report) -> list[tuple[str, str]]:
    """(cell, code) of every finding; every message renders completely in nl, fr and en."""
    for f in report.findings:
        for lang in ("nl", "fr", "en"):
            text = f.message(lang)
            assert "{" not in text and "}" not in text, (f.code, lang, text)
    return [(f.cell, f.code) for f in report.findings]


# --- relations -------------------------------------------------------------------------------

CUSTOMER_HEADERS = ["title", "vat_id", "vat_country_code", "address", "address_zip",
                    "address_city", "address_country", "email", "telephone", "iban",
                    "iban_country_code", "external_id"]
BAKKERIJ = ["Bakkerij Janssen BV", "0403.019.261", "BE", "Kerkstraat 12", "9000", "Gent", "BE",
            "info@bakkerij.be", "+32 3 456 78 90", "BE71 0961 2345 6769", "BE", "934"]
SLAGERIJ = ["Slagerij Peeters", "0403052321", "BE", "Markt 1", "2000", "Antwerpen", "BE",
            "slagerij@peeters.be", None, None, None, "K-7"]
DUPONT = ["Marie Dupont", None, None, "Rue de l'Église 5", "1000", "Bruxelles", "BE",
          "marie@dupont.be", "+32 470 12 34 56", None, None, None]


@pytest.fixture
def klanten(tmp_path) -> Path:
    return write_sheet(tmp_path / "klanten.xlsx", CUSTOMER_HEADERS,
                       [BAKKERIJ, SLAGERIJ, DUPONT], "Klanten")


def read_rel(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def test_relations_csv_round_trip(klanten, tmp_path):
    out = tmp_path / "relaties.csv"
    res = cli("relaties", klanten, out)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "3 relaties geschreven" in res.stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbfRelatiecode;Naam;Adres;")
    rows = read_rel(out)
    assert list(rows[0]) == REL_HEADERS
    assert [r["Relatiecode"] for r in rows] == ["934", "935", "936"]  # own, new, new
    bakkerij = rows[0]
    assert bakkerij == {"Relatiecode": "934", "Naam": "Bakkerij Janssen BV",
                        "Adres": "Kerkstraat 12", "Postcode": "9000", "Plaats": "Gent",
                        "Land": "BE", "Btw-nummer": "BE0403019261",
                        "E-mail": "info@bakkerij.be", "Telefoon": "+32 3 456 78 90",
                        "IBAN": "BE71096123456769"}
    assert rows[2]["Telefoon"] == "+32 470 12 34 56"  # a phone number is not neutralised
    assert rows[2]["Btw-nummer"] == ""
    table = read_table(out)  # numnum-xl reads its own CSV back the same
    assert table.headers == REL_HEADERS
    assert [[v or "" for v in r] for r in table.rows] == [list(r.values()) for r in rows]
    register = json.loads((tmp_path / "klanten.exact-relatiecodes.json").read_text("utf-8"))
    assert {e["code"]: e.get("vat") for e in register["relaties"]} == {
        "934": "BE0403019261", "935": "BE0403052321", "936": None}
    assert not (tmp_path / "klanten.gecontroleerd.xlsx").exists()


def test_codes_stay_the_same_across_runs(klanten, tmp_path, capsys):
    out = tmp_path / "relaties.csv"
    assert run(capsys, "relaties", klanten, out)[0] == 0
    first = {r["Naam"]: r["Relatiecode"] for r in read_rel(out)}
    # next month: rows reordered, Dupont got a VAT number, Slagerij lost its Extern ID,
    # a new customer came in between; a code is never given twice
    dupont = [*DUPONT]
    dupont[1], dupont[2] = "0403085478", "BE"
    slagerij = [*SLAGERIJ]
    slagerij[-1] = None
    nieuw = ["Nieuw BV", "0403118538", "BE", "Straat 1", "3000", "Leuven", "BE", None, None,
             None, None, None]
    write_sheet(klanten, CUSTOMER_HEADERS, [dupont, nieuw, slagerij, BAKKERIJ], "Klanten")
    assert run(capsys, "relaties", klanten, out)[0] == 0
    second = {r["Naam"]: r["Relatiecode"] for r in read_rel(out)}
    assert {k: second[k] for k in first} == first
    assert second["Nieuw BV"] == "937"
    # a customer that leaves the sheet keeps its code reserved
    write_sheet(klanten, CUSTOMER_HEADERS, [nieuw, ["Ander BV", None, None, None, "8000",
                                                    None, None, None, None, None, None,
                                                    None]], "Klanten")
    assert run(capsys, "relaties", klanten, out)[0] == 0
    assert [r["Relatiecode"] for r in read_rel(out)] == ["937", "938"]


def test_identity_rules_and_register_unit():
    reg = CodeRegister(None)
    a = assign([Identity(vat="BE0403019261", name="x|9000"), Identity(name="y|1000")], reg)
    assert [x.code for x in a] == ["1", "2"]
    # same name and postcode but another VAT number: another company, another code
    b = assign([Identity(vat="BE0403052321", name="x|9000")], reg)
    assert b[0].code == "3" and b[0].same_as is None
    # same name and postcode, no VAT number on one side: the same customer
    c = assign([Identity(name="x|9000")], reg)
    assert c[0].code == "1"
    # first_code, reserved codes (already in Exact) and the 18-digit limit
    assert [x.code for x in assign([Identity(name="n|1")], CodeRegister(None), first_code=400,
                                   reserved=["400", "401"])] == ["402"]
    big = assign([Identity(external_id="9" * 18), Identity(name="m|1")], CodeRegister(None))
    assert [x.code for x in big] == ["9" * 18, "1"]


def test_relations_errors_hold_rows_back(tmp_path):
    """Rows with errors that matter to Exact are held back and listed; the rest is written."""
    bad = [*BAKKERIJ]
    bad[1] = "0123456789"  # NumNum's sample number: checksum wrong
    nameless = [*DUPONT]
    nameless[0] = "   "
    path = write_sheet(tmp_path / "k.xlsx", CUSTOMER_HEADERS, [bad, SLAGERIJ, nameless])
    out = tmp_path / "r.csv"
    res = cli("relaties", path, out)
    assert res.returncode == 1
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "Slagerij Peeters" in lines[1]
    assert (tmp_path / "k.exact-relatiecodes.json").exists()
    assert "2 rij(en) niet geëxporteerd" in res.stdout
    assert "     2: B2: " in res.stdout and "     4: A4: " in res.stdout
    book = load_workbook(tmp_path / "k.gecontroleerd.xlsx")
    ws = book["Blad1"]
    assert ws["B2"].fill.fgColor.rgb == ERROR_RGB and "controlegetal" in ws["B2"].comment.text
    assert ws["A4"].fill.fgColor.rgb == ERROR_RGB
    assert SUMMARY_SHEET in book.sheetnames
    res = cli("relaties", path, out, "--json", "--lang", "en")
    assert res.returncode == 1
    data = json.loads(res.stdout)
    assert {(f["cell"], f["code"]) for f in data["findings"]} >= {
        ("B2", "vat.checksum"), ("A4", "required.missing")}


def test_numnum_only_rules_do_not_hold_relations_back(tmp_path, capsys):
    """Document language, payment term, legal form, names: NumNum's, not Exact's."""
    path = write_sheet(tmp_path / "k.xlsx", [*CUSTOMER_HEADERS, "doc_language", "payment_term",
                                             "company_type", "first_name"],
                       [[*BAKKERIJ, "Frans", "30 dagen", "SPRL", None],
                        [*DUPONT, "nl", 30, None, None]])
    core = validate_file(str(path))
    assert {f.code for f in core.findings if f.severity == "error"} >= {
        "choice.invalid", "integer.invalid", "legal_form.unknown", "person.first_name_missing"}
    code, out, _ = run(capsys, "relaties", path, tmp_path / "r.csv", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    assert len(data["relations"]) == 2 and data["held_back"] == []


def test_entries_held_back_per_invoice(tmp_path, capsys):
    """An error on one line holds back every line of its invoice; other invoices go out."""
    heads = [f.header for f in ENTRY_FIELDS]
    one = [dt.date(2024, 1, 2), "Factuur 5", "934", 202400005, 2024, 1, "700000", "Les", 870,
           "2", "70"]
    two = [dt.date(2024, 1, 3), "Factuur 6", "934", 202400006, 2024, 1, "700000", "Les", 100,
           "2", "70"]
    rows = [one, [*one[:7], "Boek", "12,5x", *one[9:]], two, [*two[:7], "Pen", 5, *two[9:]]]
    path = write_sheet(tmp_path / "v.xlsx", heads, rows)
    out = tmp_path / "b.csv"
    code, text, _ = run(capsys, "boekingen", path, out)
    assert code == 1, text
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and all("202400006" in ln for ln in lines[1:])
    assert "factuur 202400005: een andere regel heeft een fout (rij 3)" in text
    journal = json.loads((tmp_path / "v.exact-geexporteerd.json").read_text())
    assert "202400005" not in json.dumps(journal) and "202400006" in json.dumps(journal)


def test_relations_need_no_last_name_and_take_prefixed_vat(tmp_path, capsys):
    """NumNum-only rules do not block Exact: no last name column, VAT with BE prefix."""
    path = write_sheet(tmp_path / "k.xlsx", ["Bedrijfsnaam", "BTW nr", "Land BTW", "Postcode"],
                       [["Bakkerij", "BE 0403 019 261", "BE", "9000"]])
    code, out, _ = run(capsys, "relaties", path, tmp_path / "r.csv", "--map",
                       "Land BTW=vat_country_code", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["findings"] == []
    assert data["relations"][0]["vat_number"] == "BE0403019261"


def test_duplicate_customers_and_codes(tmp_path, capsys):
    twin = [*BAKKERIJ]
    twin[-1] = None  # same VAT number, no Extern ID: the same customer twice
    zero = [*SLAGERIJ]
    zero[-1] = "0934"  # the same code as 934 for Exact
    path = write_sheet(tmp_path / "k.xlsx", CUSTOMER_HEADERS, [BAKKERIJ, twin, zero])
    code, out, _ = run(capsys, "relaties", path, tmp_path / "r.csv", "--json")
    assert code == 1
    found = {(f["cell"], f["code"]) for f in json.loads(out)["findings"]}
    assert ("A3", "exact.customer.duplicate") in found
    assert ("L4", "exact.code.duplicate") in found


def test_relation_messages_in_every_language(tmp_path):
    from numnum_xl.exact.relations import check_relations

    reg = CodeRegister(None)
    reg.remember(None, Identity(vat="BE0403151695"), "5", "Oude klant")
    twin, zero, taken = [*BAKKERIJ], [*SLAGERIJ], [*DUPONT]
    twin[-1], zero[-1], taken[-1] = None, "0934", "5"
    taken[0] = "=Dupont"
    path = write_sheet(tmp_path / "k.xlsx", CUSTOMER_HEADERS, [BAKKERIJ, twin, zero, taken])
    report = check_relations(read_table(path), register=reg)
    assert {c for _, c in codes_of(report)} >= {
        "exact.customer.duplicate", "exact.code.duplicate", "exact.code.taken",
        "exact.csv.neutralised"}


def test_code_taken_and_code_changed(klanten, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert run(capsys, "relaties", klanten, out)[0] == 0  # Dupont gets 936
    # another customer now claims 936 as its Extern ID: Exact would overwrite Dupont
    other = ["Ander BV", "0403151695", "BE", None, "8000", None, None, None, None, None, None,
             "936"]
    write_sheet(klanten, CUSTOMER_HEADERS, [BAKKERIJ, SLAGERIJ, DUPONT, other], "Klanten")
    code, text, _ = run(capsys, "relaties", klanten, out, "--json")
    assert code == 1
    found = json.loads(text)["findings"]
    taken = [f for f in found if f["code"] == "exact.code.taken"]
    assert taken and taken[0]["cell"] == "L5" and "Marie Dupont" in taken[0]["message"]
    # Slagerij gets a numeric Extern ID: allowed, with a warning (a second relation in Exact)
    slagerij = [*SLAGERIJ]
    slagerij[-1] = "500"
    write_sheet(klanten, CUSTOMER_HEADERS, [BAKKERIJ, slagerij, DUPONT], "Klanten")
    code, text, _ = run(capsys, "relaties", klanten, out, "--json")
    assert code == 0
    changed = [f for f in json.loads(text)["findings"] if f["code"] == "exact.code.changed"]
    assert changed and changed[0]["cell"] == "L3" and changed[0]["severity"] == "warning"
    register = CodeRegister.load(tmp_path / "klanten.exact-relatiecodes.json")
    assert register.by_code("500")["vorige"] == ["935"]
    assert "935" in register.codes()


def test_existing_exact_codes_are_never_assigned(tmp_path, capsys):
    bestaande = tmp_path / "exact-export.csv"
    bestaande.write_text("Code;Naam\n                 1;Oude klant\n                 2;Nog een\n",
                         encoding="utf-8")
    path = write_sheet(tmp_path / "k.xlsx", ["title"], [["Nieuw"]])
    out = tmp_path / "r.csv"
    assert run(capsys, "relaties", path, out, "--bestaande", bestaande)[0] == 0
    assert read_rel(out)[0]["Relatiecode"] == "3"


def test_relation_name_that_looks_like_a_formula(tmp_path, capsys):
    path = write_sheet(tmp_path / "k.xlsx", ["title", "last_name"],
                       [["=HYPERLINK(\"http://x\";\"klik\")", "X"], ["-Min BV", "Y"]])
    out = tmp_path / "r.csv"
    code, text, _ = run(capsys, "relaties", path, out, "--json")
    assert code == 0
    warned = [(f["cell"], f["code"]) for f in json.loads(text)["findings"]]
    assert warned == [("A2", "exact.csv.neutralised"), ("A3", "exact.csv.neutralised")]
    names = [r["Naam"] for r in read_rel(out)]
    assert names == ["'=HYPERLINK(\"http://x\";\"klik\")", "'-Min BV"]


# --- sales entries ---------------------------------------------------------------------------

D = dt.date(2024, 1, 2)


def line(number=202400005, amount="870,00", **kw) -> list:
    values = {"Factuurdatum": D, "Omschrijving kopregel": f"Factuur {number}",
              "Relatiecode": "934", "Boekstuknummer": number, "Boekjaar": 2024, "Periode": 1,
              "Grootboekrekening": "700000", "Omschrijving": "Rijles 60 min - Pakket D",
              "Bedrag excl. btw": amount, "BTW-code": "2", "Dagboek": "70"}
    by_norm = {normalise(h): h for h in ENTRY_HEADERS}
    values.update({by_norm[normalise(k)]: v for k, v in kw.items()})
    return [values[h] for h in ENTRY_HEADERS]


def entries(tmp_path: Path, rows: list[list], name: str = "verkoop.xlsx") -> Path:
    return write_sheet(tmp_path / name, ENTRY_HEADERS, rows, "Verkoopboekingen")


def check(tmp_path: Path, rows: list[list], **options):
    table = read_table(entries(tmp_path, rows))
    return check_entries(table, EntryOptions(**options))


def test_clean_invoices_have_no_findings(tmp_path):
    report = check(tmp_path, [line(), line(amount=-12.5), line(202400006, amount=100)])
    assert report.findings == []
    assert report.summary()["invoices"] == 2 and report.summary()["total_excl_vat"] == "957.50"


def test_invoice_number_must_be_a_number(tmp_path):
    report = check(tmp_path, [line("F2024-005"), line(202400006.5), line(9_999_999_999)])
    assert codes_of(report) == [("D2", "exact.entry_number.invalid"),
                                ("D3", "exact.entry_number.invalid"),
                                ("D4", "exact.entry_number.too_large")]
    assert report.findings[0].suggestion == "2024005"


def test_header_fields_identical_per_invoice(tmp_path):
    rows = [line(), line(Relatiecode="935", Dagboek=None, Omschrijving_kopregel="Factuur 5b"),
            line(Factuurdatum=dt.date(2024, 1, 3), Boekjaar=2024)]
    report = check(tmp_path, rows)
    assert codes_of(report) == [("B3", "exact.invoice.differs"), ("C3", "exact.invoice.differs"),
                                ("K3", "exact.invoice.differs"), ("A4", "exact.invoice.differs")]
    msg = report.findings[1].message()
    assert "eerste regel van factuur 202400005 (rij 2: «934»)" in msg
    assert report.findings[1].suggestion == "934"
    assert report.findings[3].message("en").startswith("Factuurdatum “03-01-2024” differs")


def test_date_year_and_period(tmp_path):
    rows = [line(202400005, Periode=2), line(202400006, Boekjaar=2023),
            line(202400007, Factuurdatum="31-01-2024"), line(202400008, Factuurdatum="31-02-2024"),
            line(202400009, Factuurdatum=45293), line(202400010, Periode=13)]
    report = check(tmp_path, rows)
    assert codes_of(report) == [("F2", "exact.period.mismatch"), ("E3", "exact.year.mismatch"),
                                ("A5", "exact.date.invalid"), ("A6", "exact.date.invalid"),
                                ("F7", "exact.period.invalid")]
    assert report.findings[0].suggestion == 1 and report.findings[1].suggestion == 2024
    assert report.findings[3].suggestion == "02-01-2024"  # a date serial shown as a number
    quarters = check(tmp_path, [line(Factuurdatum=dt.date(2024, 5, 1), Periode=5),
                                line(202400006, Factuurdatum=dt.date(2024, 5, 1), Periode=2)],
                     periods="kwartaal")
    assert codes_of(quarters) == [("F2", "exact.period.invalid")]
    quarters = check(tmp_path, [line(Factuurdatum=dt.date(2024, 5, 1), Periode=1)],
                     periods="kwartaal")
    assert codes_of(quarters) == [("F2", "exact.period.mismatch_quarter")]
    assert quarters.findings[0].suggestion == 2


def test_relation_code_against_relations_file(tmp_path, klanten, capsys):
    rel_csv = tmp_path / "relaties.csv"
    assert run(capsys, "relaties", klanten, rel_csv)[0] == 0  # codes 934, 935, 936
    rows = [line(Relatiecode="934"), line(202400006, Relatiecode="999"),
            line(202400007, Relatiecode="0935"), line(202400008, Relatiecode="93A")]
    report = check(tmp_path, rows, relations=read_list(rel_csv, CODE_HEADERS))
    assert codes_of(report) == [("C3", "exact.relation.unknown"), ("C4", "exact.relation.zeros"),
                                ("C5", "exact.code.invalid")]
    assert report.findings[0].message().startswith("Debiteur (code) onbekend: relatiecode 999")
    # an Exact export: codes padded with leading spaces, other columns around them
    export = tmp_path / "exact.xlsx"
    write_sheet(export, ["Naam", "Code", "Plaats"], [["X", "               999", "Gent"]])
    report = check(tmp_path, rows[:2], relations=read_list(export, CODE_HEADERS))
    assert codes_of(report) == [("C2", "exact.relation.unknown")]


def test_accounts_and_vat_codes_against_lists(tmp_path):
    txt = tmp_path / "gb.txt"
    txt.write_text("700000\n700100\n", encoding="utf-8")
    xlsx = write_sheet(tmp_path / "btw.xlsx", ["BTW-code", "Omschrijving"],
                       [["1", "21%"], [2, "6%"]])
    rows = [line(), line(202400006, Grootboekrekening=400000, BTW_code="9"),
            line(202400007, Grootboekrekening=None, BTW_code=None)]
    report = check(tmp_path, rows, accounts=read_list(txt, ACCOUNT_HEADERS),
                   vat_codes=read_list(xlsx, ("BTW-code",)))
    assert codes_of(report) == [("G3", "exact.account.unknown"), ("J3", "exact.vat_code.unknown"),
                                ("G4", "exact.required"), ("J4", "exact.required")]
    assert "Grootboekrekening 400000 niet gevonden in gb.txt" in report.findings[0].message()


def test_amount_notation(tmp_path):
    rows = [line(amount="870,00"), line(202400006, amount="870.00"),
            line(202400007, amount="1.234"), line(202400008, amount="1.234,56"),
            line(202400009, amount="€ 870,00"), line(202400010, amount="12,345"),
            line(202400011, amount="zeventig"), line(202400012, amount=870.5),
            line(202400013, amount=-12.5)]
    report = check(tmp_path, rows)
    assert codes_of(report) == [("I3", "exact.amount.notation"), ("I4", "exact.amount.ambiguous"),
                                ("I6", "exact.amount.written"), ("I7", "exact.amount.decimals"),
                                ("I8", "exact.amount.invalid")]
    assert [f.severity for f in report.findings] == ["error", "error", "warning", "warning",
                                                     "error"]
    points = check(tmp_path, [line(amount="870.00"), line(202400006, amount="870,00")],
                   decimal=".")
    assert codes_of(points) == [("I3", "exact.amount.notation")]
    assert points.findings[0].suggestion == "870.00"


def test_missing_columns_and_unknown_ones(tmp_path):
    path = write_sheet(tmp_path / "v.xlsx", ["Datum", "Factuurnummer", "Bedrag", "Kleur",
                                             "Grootboekrekning", "Factuurdatum"],
                       [[D, 1, 5, "rood", "700000", D]])
    report = check_entries(read_table(path))
    found = codes_of(report)
    assert (None, "exact.header.missing") in found
    assert ("D1", "exact.header.unmapped") in found and ("E1", "header.fuzzy") in found
    assert ("A1", "header.duplicate") in found  # Datum and Factuurdatum: the exact name wins
    assert report.columns.fields["entry_date"] == 5
    missing = {f.params["value"] for f in report.findings if f.code == "exact.header.missing"}
    assert missing == {"Omschrijving kopregel", "Relatiecode", "Boekjaar", "Periode",
                       "Omschrijving", "BTW-code"}


def test_split_invoice_is_a_warning_and_the_export_groups_it(tmp_path, capsys):
    rows = [line(), line(202400006, amount=1), line(amount=2)]
    path = entries(tmp_path, rows)
    out = tmp_path / "b.csv"
    code, text, _ = run(capsys, "boekingen", path, out, "--json")
    assert code == 0
    assert [(f["cell"], f["code"]) for f in json.loads(text)["findings"]] == [
        ("D4", "exact.invoice.split")]
    with open(out, encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh, delimiter=";"))
    assert [(r[3], r[8]) for r in back[1:]] == [("202400005", "870,00"), ("202400005", "2,00"),
                                               ("202400006", "1,00")]


def test_boekingen_round_trip_and_options(tmp_path):
    rows = [line(), line(amount=-12.5, Omschrijving="=HYPERLINK(\"x\")"),
            line(202400006, amount="1.234,56", Omschrijving="@SUM(1)", Dagboek=None,
                 Omschrijving_kopregel="Factuur 6")]
    path = entries(tmp_path, rows)
    out = tmp_path / "boekingen.csv"
    res = cli("boekingen", path, out)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "3 regels van 2 facturen (totaal excl. btw 2092,06)" in res.stdout
    with open(out, encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh, delimiter=";"))
    assert back[0] == ENTRY_HEADERS
    assert back[1] == ["02-01-2024", "Factuur 202400005", "934", "202400005", "2024", "1",
                       "700000", "Rijles 60 min - Pakket D", "870,00", "2", "70"]
    assert back[2][7:9] == ["'=HYPERLINK(\"x\")", "-12,50"]  # text quoted, amount a number
    assert back[3][7:] == ["'@SUM(1)", "1234,56", "2", ""]
    table = read_table(out)
    assert table.headers == ENTRY_HEADERS
    assert [[v or "" for v in r] for r in table.rows] == back[1:]
    # the other notation: comma-separated, decimal point, ISO dates
    out2 = tmp_path / "b2.csv"
    res = cli("boekingen", path, out2, "--scheiding", ",", "--decimaal", "punt", "--datum",
              "jjjj-mm-dd", "--opnieuw", "alle")
    assert res.returncode == 1  # "1.234,56" is the wrong notation with a decimal point
    assert not out2.exists()
    rows = [line(amount="870.00"), rows[1],
            line(202400006, amount="1234.56", Omschrijving="@SUM(1)", Dagboek=None,
                 Omschrijving_kopregel="Factuur 6")]
    entries(tmp_path, rows)
    res = cli("boekingen", path, out2, "--scheiding", ",", "--decimaal", "punt", "--datum",
              "jjjj-mm-dd", "--opnieuw", "alle")
    assert res.returncode == 0, res.stdout
    with open(out2, encoding="utf-8-sig", newline="") as fh:
        back2 = list(csv.reader(fh, delimiter=","))
    assert back2[1][0] == "2024-01-02" and back2[2][8] == "-12.50" and back2[3][8] == "1234.56"
    assert [[v or "" for v in r] for r in read_table(out2).rows] == back2[1:]


def test_journal_prevents_a_second_import(tmp_path):
    path = entries(tmp_path, [line(), line(202400006)])
    out = tmp_path / "b.csv"
    assert cli("boekingen", path, out).returncode == 0
    journal = json.loads((tmp_path / "verkoop.exact-geexporteerd.json").read_text("utf-8"))
    assert journal["exports"][0]["nummers"] == [202400005, 202400006]
    out.unlink()
    entries(tmp_path, [line(), line(202400007)])  # 202400005 again, 202400007 new
    res = cli("boekingen", path, out, "--json")
    assert res.returncode == 1  # 202400005 is held back, 202400007 goes out
    assert "202400005" not in out.read_text("utf-8-sig")
    assert "202400007" in out.read_text("utf-8-sig")
    data = json.loads(res.stdout)
    found = data["findings"]
    assert [(f["cell"], f["code"]) for f in found] == [("D2", "exact.invoice.exported")]
    assert "zou dubbel geïmporteerd worden" in found[0]["message"]
    assert "b.csv" in found[0]["message"]
    assert [h["row"] for h in data["held_back"]] == [2]
    res = cli("controleer", path, "--opnieuw", "202400005,202400007")  # the import failed
    assert res.returncode == 0, res.stdout
    assert cli("boekingen", path, out, "--opnieuw", "202400005",
               "--opnieuw", "202400007").returncode == 0
    journal = json.loads((tmp_path / "verkoop.exact-geexporteerd.json").read_text("utf-8"))
    assert [e["nummers"] for e in journal["exports"]] == [[202400005, 202400006],
                                                          [202400007],
                                                          [202400005, 202400007]]


def test_controleer_marks_cells_in_a_copy_and_in_place(tmp_path, capsys):
    path = entries(tmp_path, [line(), line(Periode=2), line(202400006, amount="870.00")])
    code, text, _ = run(capsys, "controleer", path)
    assert code == 1
    assert "Gecontroleerde kopie" in text
    ws = load_workbook(tmp_path / "verkoop.gecontroleerd.xlsx")["Verkoopboekingen"]
    assert ws["F3"].fill.fgColor.rgb == ERROR_RGB
    assert "eerste regel van factuur 202400005 (rij 2: «1»)" in ws["F3"].comment.text
    assert ws["I4"].fill.fgColor.rgb == ERROR_RGB and ws["I4"].comment.author == "NumNum"
    code, _, err = run(capsys, "controleer", path, "--in-place")
    assert code == 1 and "Reservekopie" in err
    book = load_workbook(path)
    assert book["Verkoopboekingen"]["F3"].fill.fgColor.rgb == ERROR_RGB
    assert SUMMARY_SHEET in book.sheetnames
    assert list(tmp_path.glob("verkoop.backup-*.xlsx"))
    assert main(["clear", str(path)]) == 0  # numnum-xl clear removes exactly these marks
    assert load_workbook(path)["Verkoopboekingen"]["F3"].comment is None


def test_warning_only_sheet_exports(tmp_path, capsys):
    path = entries(tmp_path, [line(amount="€ 870,00")])
    code, text, _ = run(capsys, "boekingen", path, tmp_path / "b.csv")
    assert code == 0 and "1 regels van 1 facturen" in text
    ws = load_workbook(path).active
    assert ws["I2"].fill.fgColor.rgb != WARNING_RGB  # the source is never touched


# --- template --------------------------------------------------------------------------------


def test_template_is_built_from_the_schema_and_checks_clean(tmp_path, capsys):
    out = tmp_path / "sjabloon.xlsx"
    res = cli("sjabloon", out)
    assert res.returncode == 0 and out.exists()
    assert cli("sjabloon", out).returncode == 2  # exists: --force needed
    again = tmp_path / "again.xlsx"
    assert run(capsys, "sjabloon", again)[0] == 0
    assert out.read_bytes() == again.read_bytes()  # deterministic
    wb = load_workbook(out)
    ws = wb["Verkoopboekingen"]
    assert [c.value for c in ws[1]] == ENTRY_HEADERS
    assert "Kopgegevens" in ws["D1"].comment.text and "Verplicht" in ws["D1"].comment.text
    assert ws.column_dimensions["C"].number_format == "@"  # Relatiecode keeps its zeros
    assert ws.column_dimensions["A"].number_format == "dd-mm-yyyy"
    ranges = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert ranges.get("D2:D5000") == "whole" and ranges.get("F2:F5000") == "whole"
    assert "Aan een veranderende waarde" in " ".join(
        str(c.value) for row in wb["Uitleg"].iter_rows() for c in row if c.value)
    code, text, _ = run(capsys, "controleer", out, "--json")
    assert code == 0
    assert [f["code"] for f in json.loads(text)["findings"]] == ["exact.sheet.no_data"]
    # filled in, the template checks clean
    ws.append(line())
    wb.save(out)
    assert run(capsys, "controleer", out)[0] == 0


# --- exit status 2 ---------------------------------------------------------------------------


def test_unusable_input_exits_2(tmp_path, klanten):
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"PK\x03\x04 niet echt een werkmap")
    res = cli("controleer", broken)
    assert res.returncode == 2 and "Traceback" not in res.stderr and res.stderr.count("\n") == 1
    assert cli("boekingen", klanten, klanten).returncode == 2  # OUT is the source
    assert cli("boekingen", klanten, tmp_path / "b.csv", "--opnieuw", "vijf").returncode == 2
    (tmp_path / "klanten.exact-relatiecodes.json").write_text("{kapot", encoding="utf-8")
    res = cli("relaties", klanten, tmp_path / "r.csv")
    assert res.returncode == 2 and "coderegister" in res.stderr
    res = cli("controleer", klanten, "--relaties", tmp_path / "bestaat-niet.csv")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert cli().returncode == 2  # no subcommand: help, exit 2
