"""Duplicate detection: the matcher (numnum_xl.duplicates) and ``numnum-xl duplicates`` end to
end on real workbooks - every key, the near misses that must stay apart, chains, the JSON
contract, the marks in the copy, and matching against a real sandbox server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from openpyxl import Workbook, load_workbook

from numnum_xl import duplicates as dup
from numnum_xl.annotate import DUPLICATE_RGB, ERROR_RGB, WARNING_RGB
from numnum_xl.catalogue import LEGAL_FORM_ALIASES, LEGAL_FORMS
from numnum_xl.duplicates import (
    CERTAIN,
    PROBABLE,
    Match,
    Record,
    compare,
    find_groups,
    match_existing,
    normalise_name,
    normalise_vat,
    record_from_contact,
    record_from_values,
)

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["title", "last_name", "vat_id", "vat_country_code", "email", "address_zip",
          "address_city", "external_id"]


def rec(ref: Any, **values: Any) -> Record:
    return record_from_values(ref, values)


# --- normalisation ---------------------------------------------------------------------------

@pytest.mark.parametrize("written, country", [
    ("BE 0403.019.261", None), ("BE0403019261", None), ("0403019261", "BE"),
    ("0403.019.261", "BE"), ("403019261", "BE"), (403019261, "BE"), (403019261.0, "be"),
    ("0403 019 261", "België"), ("be0403019261", None), ("403019261", None),
])
def test_vat_numbers_written_any_way_are_one_number(written: Any, country: str | None) -> None:
    assert normalise_vat(written, country) == "BE0403019261"


def test_invalid_vat_numbers_take_no_part() -> None:
    assert normalise_vat("0123456789", "BE") is None  # NumNum's own sample number
    assert normalise_vat("0403019262", "BE") is None  # checksum
    assert normalise_vat("  ", "BE") is None
    assert normalise_vat("NL004495445B01") == "NL004495445B01"  # other countries: stdnum


@pytest.mark.parametrize("form", sorted({lf.code for lf in LEGAL_FORMS}
                                        | {lf.api_type for lf in LEGAL_FORMS}
                                        | set(LEGAL_FORM_ALIASES)))
def test_every_legal_form_of_the_catalogue_is_ignored(form: str) -> None:
    assert normalise_name(f"Bakkerij Janssens {form}") == "bakkerij janssens"
    assert normalise_name(f"{form.upper()} Bakkerij Janssens") == "bakkerij janssens"


def test_name_normalisation() -> None:
    assert normalise_name("  BAKKERIJ   Janssens-Peeters B.V.B.A. ") == \
        "bakkerij janssens peeters"
    assert normalise_name("Boulangerie de l'Église SRL") == "boulangerie de leglise"
    assert normalise_name("Brasserie Ôde NV") == "brasserie ode"
    assert normalise_name("NV") == "nv"  # a name is never emptied
    r = rec(0, first_name="Marie", last_name="Dupont")
    assert r.name == "marie dupont"  # no title: first + last name


# --- pairs -----------------------------------------------------------------------------------

def test_priority_and_overrule() -> None:
    base = dict(title="Bakkerij Janssens BV", vat_id="0403019261", vat_country_code="BE",
                email="info@janssens.be", address_zip="9000", address_city="Gent")
    a = rec(0, external_id="K1", **base)
    # same external ID: certain, whatever else differs
    m = compare(a, rec(1, external_id="K1", title="Iets Anders", vat_id="0202239951",
                       vat_country_code="BE"))
    assert m == Match(1, "external_id", CERTAIN, 1.0)
    # different external IDs overrule the same VAT number, email and name
    assert compare(a, rec(2, external_id="K2", **base)) is None
    # same VAT number (other layout), no external ID on one side: certain
    assert compare(a, rec(3, title="X", vat_id="BE 0403.019.261")) == \
        Match(3, "vat_id", CERTAIN, 1.0)
    # different valid VAT numbers overrule the same email and name
    assert compare(rec(4, **base), rec(5, **{**base, "vat_id": "0202239951"})) is None
    # an invalid VAT number neither matches nor overrules: the email decides
    assert compare(rec(6, **base), rec(7, **{**base, "vat_id": "0403019262"})).reason == "email"
    # same email in another case: probable
    assert compare(rec(8, email=" INFO@Janssens.BE"), rec(9, email="info@janssens.be")) == \
        Match(9, "email", PROBABLE, 1.0)
    # different emails overrule the same name
    assert compare(rec(10, title="Garage Maes", email="a@maes.be", address_zip="8000"),
                   rec(11, title="Garage Maes", email="b@maes.be", address_zip="8000")) is None


def test_names_need_the_same_place() -> None:
    a = rec(0, title="Garage Maes BV", address_zip="8000", address_city="Brugge")
    assert compare(a, rec(1, title="garage maes", address_zip="8000")).score == 1.0
    assert compare(a, rec(2, title="Garage Maes", address_city="BRUGGE")).score == 1.0
    assert compare(a, rec(3, title="Garage Maes", address_zip="9000", address_city="Gent")) \
        is None  # same trade name in another city
    assert compare(a, rec(4, title="Garage Maes")) is None  # no place: no evidence
    typo = compare(a, rec(5, title="Garrage Maes", address_zip="8000"))
    assert typo.reason == "name" and typo.confidence == PROBABLE and 0.9 <= typo.score < 1
    assert compare(a, rec(6, title="Garage Claes", address_zip="8000")) is None  # 0.87


def test_threshold_is_what_the_docs_say() -> None:
    assert dup.FUZZY_THRESHOLD == 0.90
    assert dup.name_similarity("bakkerij janssens", "bakerij janssens") >= 0.9
    assert dup.name_similarity("bakkerij peeters", "slagerij peeters") < 0.9
    assert dup.name_similarity("jan peeters", "peeters jan") == 1.0


# --- groups ----------------------------------------------------------------------------------

def test_chain_without_contradiction_is_one_group() -> None:
    a = rec(0, title="Drukkerij Claes", email="info@claes.be", vat_id="0403019261",
            vat_country_code="BE", address_zip="2800")
    b = rec(1, title="Drukkerij Claes", email="info@claes.be", address_zip="2800")
    c = rec(2, title="Drukkerij Claes BV", address_zip="2800")  # name only
    groups = find_groups([a, b, c])
    assert [(g.refs, g.reason, g.confidence) for g in groups] == [([0, 1, 2], "name",
                                                                   PROBABLE)]
    # the links say who matched whom directly
    assert {(x, m.ref, m.reason) for x, m in groups[0].links} == {
        (0, 1, "email"), (0, 2, "name"), (1, 2, "name")}


def test_chain_with_different_vat_numbers_stays_apart() -> None:
    # A~B by email, B~C by name, but A and C have different VAT numbers
    a = rec(0, title="Bouw Peeters", email="info@peeters.be", vat_id="0403019261",
            vat_country_code="BE", address_zip="3000")
    b = rec(1, title="Bouwbedrijf Peeters", email="info@peeters.be", address_zip="3000")
    c = rec(2, title="Bouwbedrijf Peeters", vat_id="0202239951", vat_country_code="BE",
            address_zip="3000")
    assert compare(a, c) is None
    groups = find_groups([a, b, c])
    assert [(g.refs, g.reason) for g in groups] == [([0, 1], "email")]


def test_a_name_does_not_join_two_email_addresses() -> None:
    a = rec(0, title="Jan Peeters", email="jan@peeters.be", address_city="Gent")
    b = rec(1, title="Jan Peeters", address_city="Gent")
    c = rec(2, title="Jan Peeters", email="jan.peeters@telenet.be", address_city="Gent")
    assert [g.refs for g in find_groups([a, b, c])] == [[0, 1]]


def test_different_external_ids_never_share_a_group() -> None:
    a = rec(0, external_id="K1", vat_id="0403019261", vat_country_code="BE")
    b = rec(1, vat_id="0403019261", vat_country_code="BE")  # links to both
    c = rec(2, external_id="K2", vat_id="0403019261", vat_country_code="BE")
    assert [g.refs for g in find_groups([a, b, c])] == [[0, 1]]


def test_a_value_on_many_rows_does_not_cost_all_pairs(monkeypatch) -> None:
    """5,000 rows with the bookkeeper's address and each their own VAT number: no group,
    and far fewer comparisons than all pairs."""
    import random

    from numnum_xl.demo import be_vat

    rng = random.Random(1)
    vats = {be_vat(rng) for _ in range(6000)}
    records = [rec(i, title=f"Klant {i}", vat_id=v, vat_country_code="BE",
                   email="boekhouding@kantoor.be", address_zip="9000")
               for i, v in enumerate(sorted(vats)[:5000])]
    calls = 0
    real = dup.compare

    def counting(a: Record, b: Record) -> Match | None:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(dup, "compare", counting)
    assert find_groups(records) == []
    assert calls < 100_000  # all pairs would be 12,497,500


def test_planted_duplicates_at_scale() -> None:
    """20,000 demo customers with planted copies of every kind: all found, nothing else."""
    from numnum_xl.demo import customers

    rows, _ = customers(4000, seed=3, fault_rate=0.0)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        row["email"] = f"klant{i}@voorbeeld.be"  # the demo repeats addresses ...
        row["title"] = f"{row['title']} {i:05d}"
        if row["vat_id"] in seen:  # ... and, rarely, VAT numbers
            row["vat_id"] = None
        seen.add(row["vat_id"])
    copies = []
    for i in range(0, 400, 4):
        vat = rows[i + 1]["vat_id"]
        copies.append((i, {"external_id": rows[i]["external_id"], "title": "Iets"}))
        if vat:
            copies.append((i + 1, {"vat_id": f"BE {vat[:4]}.{vat[4:7]}.{vat[7:]}"}))
        copies.append((i + 2, {"email": rows[i + 2]["email"].upper()}))
        copies.append((i + 3, {"title": rows[i + 3]["title"].replace("a", "aa", 1),
                               "address_zip": rows[i + 3]["address_zip"]}))
    values = [dict(r, external_id=None) if k % 2 else r for k, r in enumerate(rows)]
    for src, change in copies:
        values.append({"title": rows[src]["title"], **change})
    records = [record_from_values(i, v) for i, v in enumerate(values)]
    found = {tuple(g.refs) for g in find_groups(records)}
    expected = {(src, len(rows) + k) for k, (src, _) in enumerate(copies)}
    assert found == expected


# --- against existing contacts ---------------------------------------------------------------

def test_match_existing_takes_the_strongest_reason() -> None:
    contacts = [
        {"id": "c1", "title": "Garage Maes", "address_zip": "8000", "email": "info@maes.be"},
        {"id": "c2", "title": "Garage Maes NV", "vat_id": "0403019261",
         "vat_country_code": "BE", "address_zip": "8000"},
        {"id": "c3", "title": "Slagerij Claes", "external_id": "K9"},
    ]
    existing = [record_from_contact(c) for c in contacts]
    rows = [rec(10, title="Garage Maes", vat_id="403019261", vat_country_code="BE",
                email="info@maes.be", address_zip="8000"),
            rec(11, title="Garage Maes", address_zip="8000"),
            rec(12, title="Slagerij Claes", external_id="K8"),
            rec(13, title="Slagerij Claes", external_id="K9")]
    got = match_existing(rows, existing)
    assert got[10] == Match("c2", "vat_id", CERTAIN, 1.0)
    assert got[11] == Match("c1", "name", PROBABLE, 1.0)  # tie: the first contact
    assert 12 not in got  # another external ID
    assert got[13].reason == "external_id"


# --- the command -----------------------------------------------------------------------------

def write_book(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Klanten"
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMNUM_API_URL", "NUMNUM_API_TOKEN", "NUMNUM_SANDBOX_TOKEN")}
    env.update(PYTHONPATH=str(ROOT), NUMNUM_XL_CONFIG_DIR=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", **extra)
    return env


def run(tmp_path: Path, *args: Any, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "numnum_xl", "duplicates", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=env_for(tmp_path, **env))


#: one pair per key (sheet rows 2-9), then rows that must stay alone (10-15)
EVERY_KEY = [
    ["Bakkerij Janssens BV", "Janssens", None, None, "a@janssens.be", "9000", "Gent", "K-1"],
    ["Janssens & Zonen", "Janssens", None, None, "b@janssens.be", "2000", "Antwerpen", "K-1"],
    ["Slagerij Peeters", "Peeters", "BE 0403.019.261", None, None, "3000", "Leuven", None],
    ["Peeters Vlees", "Peeters", 403019261, "BE", "vlees@peeters.be", "3000", "Leuven", None],
    ["Drukkerij Claes", "Claes", None, None, "info@claes.be", "2800", "Mechelen", None],
    ["Drukkerij Claes", "Claes", None, None, " INFO@Claes.BE", "1000", "Bruxelles", None],
    ["Garage Vermeulen BV", "Vermeulen", None, None, None, "8500", "Kortrijk", None],
    ["Garrage Vermeulen", "Vermeulen", None, None, None, "8500", None, None],
    # near misses
    ["Bakkerij Maes NV", "Maes", "0202239951", "BE", "info@maes.be", "9300", "Aalst", None],
    ["Bakkerij Maes", "Maes", "0417497106", "BE", "info@bakkerijmaes.be", "9300", "Aalst",
     None],
    ["Tuinaanleg Wouters", "Wouters", None, None, None, "3500", "Hasselt", "K-7"],
    ["Tuinaanleg Wouters", "Wouters", None, None, None, "3500", "Hasselt", "K-8"],
    ["Kapsalon Dubois", "Dubois", None, None, "info@dubois.be", "4000", "Liège", None],
    ["Kapsalon Dubois", "Dubois", None, None, "kapsalon@dubois.be", "5000", "Namur", None],
]


def test_every_key_in_a_workbook_and_the_json_contract(tmp_path: Path) -> None:
    book = write_book(tmp_path / "klanten.xlsx", EVERY_KEY)
    res = run(tmp_path, book, "--json")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"groups"}
    for g in data["groups"]:
        assert set(g) == {"rows", "reason", "confidence", "existing_id"}
    assert data == {"groups": [
        {"rows": [2, 3], "reason": "external_id", "confidence": "certain", "existing_id": None},
        {"rows": [4, 5], "reason": "vat_id", "confidence": "certain", "existing_id": None},
        {"rows": [6, 7], "reason": "email", "confidence": "probable", "existing_id": None},
        {"rows": [8, 9], "reason": "name", "confidence": "probable", "existing_id": None},
    ]}
    assert not (tmp_path / "klanten.duplicaten.xlsx").exists()  # --json writes no workbook


def test_near_misses_alone_exit_0(tmp_path: Path) -> None:
    book = write_book(tmp_path / "apart.xlsx", EVERY_KEY[8:])
    res = run(tmp_path, book, "--json")
    assert (res.returncode, json.loads(res.stdout)) == (0, {"groups": []}), res.stderr


def test_chain_in_a_workbook(tmp_path: Path) -> None:
    rows = [["Bouw Peeters", "P", "0403019261", "BE", "info@peeters.be", "3000", "Leuven", None],
            ["Bouwbedrijf Peeters", "P", None, None, "info@peeters.be", "3000", "Leuven", None],
            ["Bouwbedrijf Peeters", "P", "0202239951", "BE", None, "3000", "Leuven", None],
            ["Bouwbedrijf Peeters", "P", None, None, None, "3000", "Leuven", None]]
    res = run(tmp_path, write_book(tmp_path / "keten.xlsx", rows), "--json")
    # row 4 (other VAT) and row 5 (name only, like rows 3 and 4) - row 5 joins the first
    # group it matches best, never both: 3 and 4 are different customers
    groups = json.loads(res.stdout)["groups"]
    assert groups == [{"rows": [2, 3, 5], "reason": "name", "confidence": "probable",
                       "existing_id": None}]
    assert res.returncode == 1


def test_unreadable_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.xlsx"
    bad.write_bytes(b"PK\x03\x04 kapot")  # a zip that breaks off
    res = run(tmp_path, bad, "--json")
    assert res.returncode == 2
    assert res.stdout == "" and len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_the_marked_copy(tmp_path: Path) -> None:
    book = write_book(tmp_path / "klanten.xlsx", EVERY_KEY)
    res = run(tmp_path, book)
    assert res.returncode == 1, res.stderr
    out = tmp_path / "klanten.duplicaten.xlsx"
    assert f"Gemarkeerde kopie: {out}" in res.stdout
    assert "rij 4, 5: zelfde btw-nummer (zeker)" in res.stdout
    wb = load_workbook(out)
    ws = wb["Klanten"]
    marked = {c.coordinate: c for row in ws.iter_rows() for c in row if c.comment}
    assert set(marked) == {"H2", "H3", "C4", "C5", "E6", "E7", "A8", "A9"}
    for cell in marked.values():
        assert cell.fill.fgColor.rgb == DUPLICATE_RGB
        assert DUPLICATE_RGB not in (ERROR_RGB, WARNING_RGB)
    assert marked["C4"].comment.text == "Duplicaat van rij 5: zelfde btw-nummer (BE 0403.019.261)."
    assert marked["C5"].comment.text == "Duplicaat van rij 4: zelfde btw-nummer (0403019261)."
    assert marked["E6"].comment.text.startswith("Mogelijk duplicaat van rij 7: zelfde "
                                                "e-mailadres")
    assert "rij 8" in marked["A9"].comment.text and "«Garage Vermeulen BV»" in \
        marked["A9"].comment.text
    summary = [v for row in wb["NumNum-controle"].iter_rows(values_only=True) for v in row]
    assert "Dubbel" in summary and "Rijen met dubbele klanten" in summary
    # the source is untouched, and clear takes the marks out again
    assert load_workbook(book)["Klanten"]["C4"].comment is None
    cleared = subprocess.run([sys.executable, "-m", "numnum_xl", "clear", str(out)],
                             capture_output=True, text=True, timeout=60,
                             env=env_for(tmp_path))
    assert cleared.returncode == 0, cleared.stderr
    ws = load_workbook(out)["Klanten"]
    assert ws["C4"].comment is None and ws["C4"].fill.fgColor.rgb != DUPLICATE_RGB


def test_the_marked_copy_in_french(tmp_path: Path) -> None:
    book = write_book(tmp_path / "clients.xlsx", EVERY_KEY[:4])
    res = run(tmp_path, book, "--lang", "fr", "-o", tmp_path / "out.xlsx")
    assert res.returncode == 1, res.stderr
    ws = load_workbook(tmp_path / "out.xlsx")["Klanten"]
    assert ws["C5"].comment.text == ("Doublon de la ligne 4 : même numéro de TVA "
                                     "(0403019261).")
    assert ws["H2"].comment.text == "Doublon de la ligne 3 : même ID externe (K-1)."


# --- against a real sandbox ------------------------------------------------------------------

@pytest.fixture(scope="module")
def sandbox():
    from numnum_xl.sandbox import run_in_background

    with run_in_background(None) as handle:
        yield handle


def create(base_url: str, token: str, **fields: Any) -> str:
    """A contact made by hand in NumNum (over the API, as the contract says)."""
    s = requests.Session()
    s.trust_env = False
    body = {"company_type": "bedrijf", "last_name": "-", **fields}
    r = s.post(f"{base_url}/contacts", json=body, timeout=30,
               headers={"Authorization": f"Bearer {token}",
                        "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_against_the_account(tmp_path: Path, sandbox) -> None:
    sandbox.reset()
    vat_id = create(sandbox.base_url, sandbox.token, title="Slagerij Peeters",
                    vat_id="0403019261", vat_country_code="BE", address_zip="3000",
                    address_city="Leuven")
    mail_id = create(sandbox.base_url, sandbox.token, title="Kapsalon Dubois",
                     email="info@dubois.be", address_zip="4000", address_city="Liège")
    create(sandbox.base_url, sandbox.token, title="Iemand Anders", email="anders@voorbeeld.be")
    book = write_book(tmp_path / "klanten.xlsx", EVERY_KEY)
    env = {"NUMNUM_API_URL": sandbox.base_url, "NUMNUM_API_TOKEN": sandbox.token}

    res = run(tmp_path, book, "--json", "--account", **env)
    assert res.returncode == 1, res.stderr
    groups = json.loads(res.stdout)["groups"]
    assert {"rows": [4, 5], "reason": "vat_id", "confidence": "certain",
            "existing_id": vat_id} in groups
    assert {"rows": [14], "reason": "email", "confidence": "probable",
            "existing_id": mail_id} in groups  # a group of one: only in NumNum
    assert sum(g["existing_id"] is not None for g in groups) == 2
    assert sandbox.token not in res.stdout + res.stderr

    # configured in the environment: the account is used without --account ...
    auto = run(tmp_path, book, "--json", **env)
    assert json.loads(auto.stdout) == {"groups": groups}
    # ... unless --no-account
    alone = run(tmp_path, book, "--json", "--no-account", **env)
    assert all(g["existing_id"] is None for g in json.loads(alone.stdout)["groups"])

    # the marked copy says it exists already, with the contact's id
    marked = run(tmp_path, book, "-o", tmp_path / "gemarkeerd.xlsx", **env)
    assert marked.returncode == 1, marked.stderr
    assert "vergeleken met 3 klanten in NumNum" in marked.stdout
    ws = load_workbook(tmp_path / "gemarkeerd.xlsx")["Klanten"]
    note = ws["E14"].comment.text
    assert note == (f"Bestaat mogelijk al in NumNum: klant {mail_id} (Kapsalon Dubois) heeft "
                    f"hetzelfde e-mailadres (info@dubois.be).")
    assert ws["E14"].fill.fgColor.rgb == DUPLICATE_RGB
    assert f"Bestaat al in NumNum: klant {vat_id} (Slagerij Peeters)" in ws["C4"].comment.text
    assert "Duplicaat van rij 5" in ws["C4"].comment.text


def test_account_problems_exit_2(tmp_path: Path, sandbox) -> None:
    book = write_book(tmp_path / "klanten.xlsx", EVERY_KEY[:2])
    nothing = run(tmp_path, book, "--account")
    assert nothing.returncode == 2 and "Geen NumNum-account ingesteld" in nothing.stderr
    wrong = run(tmp_path, book, "--json", NUMNUM_API_URL=sandbox.base_url,
                NUMNUM_API_TOKEN="fout-token")
    assert wrong.returncode == 2 and "403" in wrong.stderr, wrong.stderr
    assert "Traceback" not in wrong.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG data folder")
def test_sandbox_option(tmp_path: Path) -> None:
    from numnum_xl.sandbox import stop_default_sandbox

    data_dir = tmp_path / "data" / "numnum-xl"  # XDG_DATA_HOME of env_for
    book = write_book(tmp_path / "klanten.xlsx", EVERY_KEY[2:4])
    try:
        res = run(tmp_path, book, "--json", "--sandbox")
        assert res.returncode == 1, res.stderr
        assert json.loads(res.stdout)["groups"][0]["existing_id"] is None
        state = json.loads((data_dir / "sandbox.json").read_text())
        token = (data_dir / "sandbox-token").read_text().strip()
        contact = create(state["base_url"], token, title="Slagerij Peeters",
                         vat_id="0403019261", vat_country_code="BE")
        res = run(tmp_path, book, "--json", "--sandbox")
        assert json.loads(res.stdout)["groups"][0]["existing_id"] == contact
    finally:
        stop_default_sandbox(data_dir)
