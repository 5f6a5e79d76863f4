"""Every column rule, on a real workbook: one row per case, read back and validated.

Each case starts from a clean, valid customer (checked to have no findings at all), changes
one or a few cells, and names the finding it must produce. Removing a rule makes its cases
fail; the clean rows make sure a rule does not fire where it should not.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from openpyxl import Workbook

from numnum_xl.catalogue import FIELD_BY_KEY, KEYS
from numnum_xl.demo import be_account, customer
from numnum_xl.validate import validate_file

ANY = object()


@dataclass
class Case:
    name: str
    change: dict[str, Any]
    column: str | None = None  #: None: the row must have no finding at all
    code: str | None = None
    severity: str = "error"
    suggestion: Any = ANY
    extra: dict[str, Any] = field(default_factory=dict)


def _nl_row() -> dict[str, Any]:
    return {"address_country": "NL", "address_zip": "1012 AB", "address_city": "Amsterdam",
            "telephone": "020 123 4567", "cellphone": "06 12345678", "vat_country_code": "NL",
            "vat_id": "004495445B01"}


CASES = [
    # a clean row and clean variants: no finding at all
    Case("clean", {}),
    Case("clean private person", {"company_type": None, "vat_id": None,
                                  "vat_country_code": None}),
    Case("clean Dutch customer", _nl_row()),
    Case("clean legal form in lower case", {"company_type": "bv"}),
    Case("clean API legal form", {"company_type": "SRL"}),
    Case("clean vat rate as number", {"vat_percentage": 6}),
    Case("clean payment term as text", {"payment_term": "45"}),
    Case("clean website with scheme", {"website": "https://www.numnum.be/klanten"}),
    Case("clean peppol", {"peppol_scheme_id": "0208", "peppol_endpoint_id": "=vat"}),
    Case("sort order decimal", {"sort_order": 2.5}, "sort_order", "number.not_whole"),
    # required fields
    Case("title empty", {"title": None}, "title", "required.missing"),
    Case("last name only spaces", {"last_name": "   "}, "last_name",
         "company.last_name_missing"),
    # VAT numbers
    Case("NumNum sample VAT 0123456789", {"vat_id": "0123456789"}, "vat_id", "vat.checksum"),
    Case("NumNum sample VAT 9876543210", {"vat_id": "9876543210"}, "vat_id",
         "vat.be_first_digit"),
    Case("VAT too short", {"vat_id": "040301926"}, "vat_id", "vat.checksum"),
    Case("VAT with prefix and dots", {"vat_id": "BE 0403.019.261"}, "vat_id", "vat.written",
         "warning", "0403019261"),
    Case("VAT lost its leading zero", {"vat_id": 403019261}, "vat_id",
         "number.leading_zero_lost", "warning", "0403019261"),
    Case("VAT without country code", {"vat_country_code": None, "vat_id": "0403019261"},
         "vat_country_code", "vat.country_missing", "error", "BE"),
    Case("VAT country code without number", {"vat_id": None}, "vat_country_code",
         "vat.number_missing", "warning"),
    Case("VAT prefix differs from country", {"vat_id": "NL004495445B01"}, "vat_id",
         "vat.prefix_mismatch"),
    Case("Dutch VAT wrong checksum", {**_nl_row(), "vat_id": "004495446B01"}, "vat_id",
         "vat.checksum"),
    Case("German VAT wrong length", {"vat_country_code": "DE", "vat_id": "13645953"}, "vat_id",
         "vat.too_short"),
    Case("VAT of a country stdnum cannot check", {"vat_country_code": "US",
                                                  "vat_id": "123456789"},
         "vat_id", "vat.unchecked", "warning"),
    # country codes
    Case("country name in Dutch", {"address_country": "België"}, "address_country",
         "country.name", "error", "BE"),
    Case("country name in French", {"address_country": "Belgique"}, "address_country",
         "country.name", "error", "BE"),
    Case("country name in English", {"address_country": "Belgium"}, "address_country",
         "country.name", "error", "BE"),
    Case("country name Duitsland", {"address_country": "Duitsland", "address_zip": "10115",
                                    "telephone": "+49 30 1234567"},
         "address_country", "country.name", "error", "DE"),
    Case("UK is not ISO", {"vat_country_code": "UK", "vat_id": "GB980780684"},
         "vat_country_code", "country.invalid", "error", "GB"),
    Case("country code in lower case", {"iban_country_code": "be"}, "iban_country_code",
         "country.case", "error", "BE"),
    Case("country code unknown", {"address_country": "XY"}, "address_country",
         "country.invalid", "error", None),
    # legal forms
    Case("legal form written with dots", {"company_type": "B.V."}, "company_type",
         "legal_form.written", "warning", "BV"),
    Case("legal form SPRL", {"company_type": "SPRL"}, "company_type", "legal_form.unknown",
         "error", "BV"),
    Case("legal form unknown", {"company_type": "Kiosk"}, "company_type",
         "legal_form.unknown"),
    # email, phones, website
    Case("email without @", {"email": "info.bakkerij.be"}, "email", "email.invalid"),
    Case("email with comma in domain", {"email": "info@garage,be"}, "email", "email.invalid"),
    Case("two emails in one cell", {"email": "a@firma.be; b@firma.be"}, "email",
         "email.multiple"),
    Case("telephone not a number", {"telephone": "bel na 17u"}, "telephone", "phone.invalid"),
    Case("cellphone too short", {"cellphone": "0471 12"}, "cellphone", "phone.invalid"),
    Case("fax unallocated", {"fax": "+32 9 123 45 67"}, "fax", "phone.unlikely", "warning"),
    Case("phone region from country", {**_nl_row(), "address_country": "BE"}, "cellphone",
         "phone.unlikely", "warning"),
    Case("phone lost its leading zero", {"cellphone": 471123456}, "cellphone",
         "number.leading_zero_lost", "warning", "0471123456"),
    Case("website not an address", {"website": "numnum"}, "website", "url.invalid"),
    # IBAN and BIC
    Case("IBAN checksum", {"iban": "BE71096123456760"}, "iban", "iban.invalid"),
    Case("IBAN with spaces", {"iban": "=iban_spaced"}, "iban", "iban.written", "warning",
         "=iban"),
    Case("IBAN country differs", {"iban_country_code": "NL"}, "iban_country_code",
         "iban.country_mismatch", "error", "BE"),
    Case("IBAN country missing", {"iban_country_code": None}, "iban_country_code",
         "iban.country_missing", "warning", "BE"),
    Case("BIC malformed", {"bic": "GKCC"}, "bic", "bic.invalid"),
    Case("BIC of another bank", {"bic": "=other_bic"}, "bic", "bic.bank_mismatch", "warning",
         "=bic"),
    # fixed values
    Case("language in capitals", {"doc_language": "NL"}, "doc_language", "choice.written",
         "warning", "nl"),
    Case("language written out", {"doc_language": "Frans"}, "doc_language", "choice.invalid",
         "error", "fr"),
    Case("language not offered", {"doc_language": "es"}, "doc_language", "choice.invalid",
         "error", None),
    Case("vat rate not Belgian", {"vat_percentage": "20"}, "vat_percentage",
         "choice.invalid"),
    Case("vat rate as percent cell", {"vat_percentage": 0.21}, "vat_percentage",
         "choice.invalid", "error", "21"),
    Case("vat rate with % sign", {"vat_percentage": "21%"}, "vat_percentage",
         "choice.invalid", "error", "21"),
    Case("yes/no capitalised", {"vat_shifted": "Ja"}, "vat_shifted", "choice.written",
         "warning", "ja"),
    Case("yes/no as TRUE", {"auto_reminder": True}, "auto_reminder", "choice.invalid",
         "error", "ja"),
    Case("yes/no nonsense", {"auto_reminder": "misschien"}, "auto_reminder",
         "choice.invalid", "error", None),
    Case("payment term negative", {"payment_term": -30}, "payment_term", "integer.invalid"),
    Case("payment term decimal", {"payment_term": 30.5}, "payment_term", "integer.invalid"),
    Case("payment term with unit", {"payment_term": "30 dagen"}, "payment_term",
         "integer.invalid", "error", 30),
    Case("sort order not a number", {"sort_order": "eerst"}, "sort_order", "number.invalid"),
    # Peppol and identification schemes
    Case("peppol scheme unknown code", {"peppol_scheme_id": "9999",
                                        "peppol_endpoint_id": "12345"},
         "peppol_scheme_id", "scheme.unknown", "warning"),
    Case("peppol scheme not a code", {"peppol_scheme_id": "BE:EN",
                                      "peppol_endpoint_id": "=vat"},
         "peppol_scheme_id", "scheme.unknown", "error", "0208"),
    Case("peppol scheme without endpoint", {"peppol_scheme_id": "0208"}, "peppol_scheme_id",
         "scheme.id_missing"),
    Case("peppol endpoint without scheme", {"peppol_endpoint_id": "=vat"},
         "peppol_endpoint_id", "scheme_id.scheme_missing"),
    Case("peppol endpoint invalid", {"peppol_scheme_id": "0208",
                                     "peppol_endpoint_id": "0123456789"},
         "peppol_endpoint_id", "scheme_id.invalid"),
    Case("peppol endpoint is another company", {"peppol_scheme_id": "0208",
                                                "peppol_endpoint_id": "0403019261"},
         "peppol_endpoint_id", "peppol.differs_from_vat", "warning"),
    Case("peppol scheme lost its leading zero", {"peppol_scheme_id": 208,
                                                 "peppol_endpoint_id": "=vat"},
         "peppol_scheme_id", "number.leading_zero_lost", "warning", "0208"),
    Case("identification GLN invalid", {"identification_scheme_id": "0088",
                                        "identification_id": "5410000000003"},
         "identification_id", "scheme_id.invalid"),
    # postcodes
    Case("Belgian postcode of 5 digits", {"address_zip": "90000"}, "address_zip",
         "zip.invalid"),
    Case("Dutch postcode without space", {**_nl_row(), "address_zip": "1012ab"},
         "address_zip", "zip.written", "warning", "1012 AB"),
    Case("postcode with country prefix", {"address_zip": "B-9000", "address_city": "Gent"},
         "address_zip",
         "zip.written", "warning", "9000"),
    Case("postcode without country is checked as Belgian", {"address_country": None,
                                                            "address_zip": "75001"},
         "address_zip", "zip.invalid", "warning"),
    Case("French postcode lost its zero", {"address_country": "FR", "address_zip": 1000,
                                           "address_city": "Bourg-en-Bresse",
                                           "telephone": "+33 4 74 32 12 34"},
         "address_zip", "number.leading_zero_lost", "warning", "01000"),
    # cells as Excel leaves them
    Case("Excel error value", {"address_city": "#N/A"}, "address_city", "cell.error_value"),
    Case("date where text belongs", {"address_zip": dt.datetime(2024, 9, 1)}, "address_zip",
         "text.unexpected_date"),
    Case("spaces around a name", {"title": "  Bakkerij Peeters "}, "title",
         "text.whitespace", "warning", "Bakkerij Peeters"),
    Case("line break in a name", {"last_name": "Peeters\nJanssens"}, "last_name",
         "text.control_chars", "warning", "Peeters Janssens"),
    Case("very long title", {"title": "Bakkerij " * 40}, "title", "text.too_long", "warning"),
    Case("external id twice", {"external_id": "DUP-1"}, "external_id",
         "external_id.duplicate"),
    Case("external id twice (other row)", {"external_id": "DUP-1"}, "external_id",
         "external_id.duplicate"),
]


def _base(rng: random.Random, n: int) -> dict[str, Any]:
    row = customer(rng, n)
    # a company with everything filled, so every rule has something to look at
    row.update(company_type="BV", vat_country_code="BE", iban_country_code="BE",
               website="www.bakkerij-peeters.be", cellphone="0471 23 45 67",
               peppol_scheme_id=None, peppol_endpoint_id=None, sort_order=n,
               title=f"Bakkerij Peeters {n} BV")
    if not row["vat_id"]:
        row["vat_id"] = "0403019261"
    account = be_account(rng)
    row["iban"] = account
    from stdnum.be import iban as be_iban

    row["bic"] = be_iban.to_bic(account)
    return row


def _resolve(value: Any, row: dict[str, Any]) -> Any:
    """Placeholders that depend on the row's own generated numbers."""
    if value == "=vat":
        return row["vat_id"]
    if value == "=iban":
        return row["iban"]
    if value == "=iban_spaced":
        return " ".join(row["iban"][i:i + 4] for i in range(0, len(row["iban"]), 4))
    if value == "=bic":
        return row["bic"]
    if value == "=other_bic":
        return "GEBABEBB" if row["bic"] != "GEBABEBB" else "KREDBEBB"
    return value


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    """One workbook, one row per case (row 2 = CASES[0]), validated once."""
    rng = random.Random(7)
    wb = Workbook()
    ws = wb.active
    ws.title = "Klanten"
    ws.append(list(KEYS))
    bases = []
    for n, case in enumerate(CASES, start=2):
        row = _base(rng, n)
        bases.append(dict(row))
        row.update({k: _resolve(v, row) for k, v in case.change.items()})
        ws.append([row.get(k) for k in KEYS])
        if row.get("address_city") == "#N/A":
            ws.cell(n, KEYS.index("address_city") + 1).data_type = "e"
    path = tmp_path_factory.mktemp("rules") / "cases.xlsx"
    wb.save(path)
    return validate_file(str(path)), bases


def _row_findings(report, row: int):
    return [f for f in report.findings if f.row == row]


@pytest.mark.parametrize("n, case", list(enumerate(CASES, start=2)), ids=[c.name for c in CASES])
def test_rule(sheet, n, case):
    report, bases = sheet
    found = _row_findings(report, n)
    if case.code is None:
        assert found == [], [f"{f.cell} {f.code}" for f in found]
        return
    hits = [f for f in found if f.code == case.code and f.column == case.column]
    assert hits, f"expected {case.code} on {case.column}, got {[(f.column, f.code) for f in found]}"
    f = hits[0]
    assert f.severity == case.severity
    assert f.cell == f"{_letter(case.column)}{n}"
    if case.suggestion is not ANY:
        assert f.suggestion == _resolve(case.suggestion, bases[n - 2])
    for lang in ("nl", "fr", "en"):
        message = f.message(lang)
        assert "{" not in message and len(message) > 20


def _letter(key: str) -> str:
    from numnum_xl.cells import column_letter

    return column_letter(KEYS.index(key) + 1)


def test_every_kind_has_a_case():
    """Each kind of column in the catalogue is exercised by at least one failing case."""
    tested = {FIELD_BY_KEY[c.column].kind for c in CASES if c.column}
    kinds = {f.kind for f in FIELD_BY_KEY.values()} - {"text"}
    assert kinds <= tested, kinds - tested


def test_error_rows_and_json_contract(sheet):
    report, _ = sheet
    data = report.as_json()
    assert set(data) == {"findings", "summary"}
    first = data["findings"][0]
    assert set(first) == {"row", "column", "cell", "severity", "code", "message", "suggestion"}
    assert data["summary"]["data_rows"] == len(CASES)
    clean_rows = {n for n, c in enumerate(CASES, start=2) if c.code is None}
    assert not clean_rows & report.rows_with_errors()


def test_belgian_iban_check_agrees_with_python_stdnum() -> None:
    """The Belgian IBAN check asks python-stdnum's bank list once per bank code; on every kind
    of number (good, wrong IBAN sum, wrong national sum, unknown bank) it says what
    stdnum.be.iban.is_valid says."""
    import random

    from stdnum import iban as std_iban
    from stdnum.be import iban as be_iban
    from stdnum.exceptions import ValidationError

    from numnum_xl.rules.bank import _validate_iban

    rng = random.Random(7)
    kinds = {"valid": 0, "invalid": 0}
    for _ in range(20_000):
        body = "".join(rng.choice("0123456789") for _ in range(10))
        national = f"{int(body) % 97 or 97:02d}" if rng.random() < 0.9 \
            else f"{rng.randrange(100):02d}"
        number = f"BE00{body}{national}"
        if rng.random() < 0.95:
            number = "BE" + std_iban.calc_check_digits(number) + number[4:]
        try:
            ours = _validate_iban(number) == number
        except ValidationError:
            ours = False
        assert ours == be_iban.is_valid(number), number
        kinds["valid" if ours else "invalid"] += 1
    assert min(kinds.values()) > 1000  # both answers were exercised


def test_generic_iban_check_raises_what_python_stdnum_raises() -> None:
    """The generic IBAN check asks python-stdnum's registry once per country; on numbers of
    every kind (valid, wrong check digits, unknown country, wrong structure, too short, junk
    and the characters python-stdnum's compact form changes a second time) it returns or
    raises exactly what stdnum.iban.validate(check_country=False) does."""
    import random

    from stdnum import iban as std_iban
    from stdnum.exceptions import ValidationError

    from numnum_xl.rules.bank import _generic_iban, compact_iban

    def outcome(fn, number):
        try:
            return fn(number)
        except ValidationError as exc:
            return type(exc)

    rng = random.Random(11)
    countries = ["BE", "NL", "DE", "FR", "GB", "LU", "XX", "QQ", "B", ""]
    odd = ["", "0", "1", "\u0149", "\u0390", "\u1e9a", "\u2013", "٣", "é", " ", "-", "."]
    seen: set = set()
    for _ in range(20_000):
        cc = rng.choice(countries)
        body = "".join(rng.choice("0123456789" if rng.random() < 0.8 else
                                  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                       for _ in range(rng.choice([0, 3, 10, 12, 14, 18, 22, 30])))
        number = f"{cc}00{body}"
        if rng.random() < 0.7 and len(number) >= 4:
            number = cc + std_iban.calc_check_digits(number) + number[4:]
        if rng.random() < 0.1:
            at = rng.randrange(len(number) + 1)
            number = number[:at] + rng.choice(odd) + number[at:]
        compacted = compact_iban(number)
        ours = outcome(_generic_iban, compacted)
        assert ours == outcome(lambda n: std_iban.validate(n, check_country=False),
                               number), number
        seen.add(ours if isinstance(ours, type) else "valid")
    assert len(seen) >= 4  # valid and three kinds of exception were exercised


def test_one_external_id_on_every_row_is_reported_without_joining_the_sheet() -> None:
    """A column filled with one value: every row gets its error, naming the first other rows
    and counting the rest (joining every other row for every row was quadratic: hours on a
    full sheet)."""
    from numnum_xl.findings import OTHER_ROWS_SHOWN
    from numnum_xl.table import Table
    from numnum_xl.validate import validate_table

    n = 5_000
    rows = [[f"Klant {i}", f"Naam{i}", "K1"] for i in range(n)]
    table = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "external_id"], rows,
                  list(range(2, n + 2)))
    found = [f for f in validate_table(table, workers=1).findings
             if f.code == "external_id.duplicate"]
    assert len(found) == n
    first = found[0].params["other"]
    assert first.startswith("3, 4, 5") and first.endswith(f"… +{n - 1 - OTHER_ROWS_SHOWN}")
    assert found[5].params["other"].split(", ")[:6] == ["2", "3", "4", "5", "6", "8"]
    small = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "external_id"],
                  [["A", "A", "K1"], ["B", "B", "K1"], ["C", "C", "K2"]], [2, 3, 4])
    other = [f.params["other"] for f in validate_table(small, workers=1).findings
             if f.code == "external_id.duplicate"]
    assert other == ["3", "2"]


def _messages_by_row(headers: list[str], rows: list[list[Any]], numbers: list[int],
                     code: str) -> dict[int, str]:
    from numnum_xl.table import Table
    from numnum_xl.validate import clear_caches, validate_table

    clear_caches()  # every check starts with nothing remembered
    table = Table("x.csv", "", "csv", 1, 1, headers, rows, numbers)
    return {f.row: f.message("nl") for f in validate_table(table, workers=1).findings
            if f.code == code}


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 0, 2]])
def test_remembered_answers_do_not_cross_rows(order: list[int]) -> None:
    """A rule's answer is remembered only for what it depends on: in any order of the rows,
    each row's message names its own value. TRUE and 1 are equal in Python (one cached answer
    for both showed «1» for a TRUE cell or «WAAR» for a 1, depending on which came first), and
    the Peppol 9925 message names the row's own endpoint (it was remembered per scheme code)."""
    headers = ["title", "last_name", "vat_shifted", "peppol_scheme_id", "peppol_endpoint_id"]
    rows = [["Bakkerij A BV", "A", True, "9925", "BE0403019261"],
            ["Bakkerij B BV", "B", 1, "9925", "BE0763212826"],
            ["Bakkerij C BV", "C", True, "9925", "BE0403019261"]]
    picked = [rows[i] for i in order]
    numbers = [i + 2 for i in order]  # each row keeps its sheet row number
    choice = _messages_by_row(headers, picked, numbers, "choice.invalid")
    assert "«WAAR»" in choice[2] and "«1»" in choice[3] and "«WAAR»" in choice[4]
    peppol = _messages_by_row(headers, picked, numbers, "scheme.be_9925_only")
    assert "0403019261" in peppol[2] and "0763212826" in peppol[3] \
        and "0403019261" in peppol[4]


def test_a_rule_stops_remembering_distinct_values_and_keeps_repeated_ones() -> None:
    """A column of distinct phone numbers (each row's answer depends on the number and the
    customer's country) is not remembered once that proved useless: no memory kept per cell.
    A column of one repeated value is remembered. The findings do not change."""
    from numnum_xl.mapping import propose
    from numnum_xl.table import Table
    from numnum_xl.validate import MEMORY_PROBE, _RowChecker, clear_caches

    clear_caches()
    n = MEMORY_PROBE + 500
    rows = [[f"Klant {i}", "Peeters", f"+32 9 {200 + i // 10_000} {i // 100 % 100:02d} "
             f"{i % 100:02d}", "+32 9 223 45 67", "bel me" if i == n - 1 else None]
            for i in range(n)]
    table = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "telephone", "cellphone",
                                             "fax"], rows, list(range(2, n + 2)))
    checker = _RowChecker(table, propose(table.headers))
    found = [f.code for r, row in enumerate(rows) for f in checker.check(r, row)[1]]
    rules = {key: rule for key, _memory, rule in checker.rules}
    assert not rules["telephone"].remember and not rules["telephone"].memory
    assert rules["cellphone"].remember and len(rules["cellphone"].memory) == 1
    assert found == ["phone.invalid"]  # the last row's fax, checked all the same
