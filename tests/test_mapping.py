"""Column mapping on real files: foreign headers, combinations, skips, profiles, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl import Workbook

from numnum_xl.mapping import load_profile, propose, save_profile
from numnum_xl.validate import validate_file

FOREIGN = ["Klantnr", "Voornaam", "Naam", "Bedrijfsnaam", "BTW nr", "Straat", "Postcode",
           "Gemeente", "Land", "E-mailadres", "Tel.", "GSM", "Kleur", "Opmerking intern"]
ROW = ["K1", "Pieter", "Janssen", "Bakkerij Janssen", "BE0403.019.261", "Kerkstraat 12",
       9000, "Gent", "België", "info@bakkerij.be", "09 223 45 67", "0471 23 45 67", "blauw",
       "betaalt traag"]


@pytest.fixture
def foreign(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(FOREIGN)
    ws.append(ROW)
    path = tmp_path / "export.xlsx"
    wb.save(path)
    return path


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "config"))


def run(*args):
    return subprocess.run([sys.executable, "-m", "numnum_xl", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_foreign_headers_are_recognised(foreign):
    report = validate_file(str(foreign))
    m = report.mapping
    assert m.fields["external_id"] == [0]
    assert m.fields["first_name"] == [1]
    assert m.fields["title"] == [3]
    assert m.fields["vat_id"] == [4]
    assert m.fields["address_country"] == [8]
    # "Opmerking intern" is an internal remark: NumNum's private notes (issue 9: words)
    assert m.fields["private_notes"] == [13]
    # "Kleur" holds data no field receives: an error naming the column and its values,
    # never silently dropped (issue 9)
    assert [FOREIGN[i] for i in m.unmapped] == ["Kleur"]
    dropped = [f for f in report.findings if f.code == "header.data_dropped"]
    assert [f.cell for f in dropped] == ["M1"] and "blauw" in dropped[0].message()
    # "Naam" beside "Bedrijfsnaam" is the family name, not a second company name
    assert m.fields["last_name"] == [2]
    assert not [f for f in report.findings if f.code == "header.duplicate"]
    # the VAT number written with prefix is recognised through the mapped column
    assert any(f.code == "vat.written" and f.cell == "E2" for f in report.findings)


def test_combination_skip_and_override(foreign):
    overrides = {"title": ["Voornaam", "Naam"], "last_name": ["Naam"], "skip": ["Kleur"],
                 "private_notes": ["Opmerking intern"]}
    m = propose(FOREIGN, overrides=overrides)
    assert m.fields["title"] == [1, 2]
    assert m.columns[1].combined and m.columns[2].combined
    assert m.columns[12].how == "skip" and 12 not in m.unmapped
    assert m.fields["private_notes"] == [13]
    assert m.unmapped == []


def test_combined_value_is_joined(tmp_path):
    from numnum_xl.readers import read_table
    from numnum_xl.validate import validate_table

    wb = Workbook()
    ws = wb.active
    ws.append(["Voornaam", "Familienaam"])
    ws.append(["  Marie ", "Dupont"])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    table = read_table(str(path))
    m = propose(table.headers, overrides={"title": ["Voornaam", "Familienaam"],
                                          "last_name": ["Familienaam"]})
    report = validate_table(table, m)
    assert report.values[0]["title"] == "Marie Dupont"


def test_profile_round_trip(foreign, tmp_path):
    m = propose(FOREIGN, overrides={"title": ["Voornaam", "Naam"], "skip": ["Kleur"]})
    path = save_profile("Oude boekhouding", m)
    assert path.name == "Oude boekhouding.json"
    again = propose(FOREIGN, profile=load_profile("Oude boekhouding"))
    assert again.fields == m.fields
    assert again.columns[12].how == "skip"
    with pytest.raises(ValueError, match="bestaat niet"):
        load_profile("Onbestaand")


def test_profile_header_missing_from_file_is_reported(foreign):
    profile = {"fields": {"iban": ["Rekening"]}, "skip": []}
    report = validate_file(str(foreign), profile=profile)
    assert report.mapping.missing == ["Rekening"]
    assert any(f.code == "header.unmapped" and "Rekening" in f.message()
               for f in report.findings)


def test_map_cli_shows_and_saves(foreign):
    # NumNum's own example: first name + last name combined into the title, and the last
    # name column also feeds last_name
    res = run("map", foreign, "--json", "--map", "Voornaam=title", "--map", "Naam=title",
              "--map", "Naam=last_name", "--skip", "Kleur", "--save-profile", "export")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["fields"]["title"] == ["Voornaam", "Naam"]
    assert data["fields"]["last_name"] == ["Naam"]
    assert {c["header"]: c["how"] for c in data["columns"]}["Kleur"] == "skip"
    assert {c["header"]: c["fields"] for c in data["columns"]}["Naam"] == ["title", "last_name"]
    res = run("validate", foreign, "--profile", "export", "--json")
    assert res.returncode in (0, 1), res.stderr
    summary = json.loads(res.stdout)["summary"]
    assert summary["mapped"]["title"] == ["Voornaam", "Naam"]
    assert "Kleur" not in summary["unmapped"]


def test_map_cli_text_and_bad_option(foreign):
    res = run("map", foreign)
    assert res.returncode == 0
    assert "NIET GEKOPPELD" in res.stdout and "Kleur" in res.stdout
    res = run("map", foreign, "--map", "zonder-gelijkteken")
    assert res.returncode == 2
    assert res.stderr.startswith("numnum-xl:") and "Traceback" not in res.stderr
    res = run("map", foreign, "--map", "Kleur=kleur")
    assert res.returncode == 2 and "kleur" in res.stderr


def test_required_column_missing(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Bedrijfsnaam", "BTW-nummer"])
    ws.append(["Bakkerij", "0403019261"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    report = validate_file(str(path))
    missing = [f for f in report.findings if f.code == "header.required_missing"]
    assert [f.column for f in missing] == ["last_name"]
    res = run("map", path)
    assert res.returncode == 1 and "last_name" in res.stdout
