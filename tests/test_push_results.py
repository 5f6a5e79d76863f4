"""The push results workbook (push.write_back): what a bookkeeper reads after a push."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook

from numnum_xl import push
from numnum_xl.push import RowResult
from numnum_xl.validate import validate_file


@pytest.fixture
def report(tmp_path: Path):
    book = tmp_path / "klanten.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Klanten"
    ws.append(["title", "last_name", "first_name", "external_id", "email"])
    ws.append(["Bakkerij Janssen", "Janssen", "An", "K1", "an@bakkerij.be"])
    ws.append([None, "Peeters", "Jan", "K2", "jan@example.be"])
    ws.append(["Slagerij", "Maes", None, "K3", "geen-mail"])
    ws.append(["Frituur", "Claes", None, "K4", "f@frituur.be"])
    wb.save(book)
    return validate_file(str(book))


def results() -> list[RowResult]:
    hostile = RowResult(2, "created", contact_id='=HYPERLINK("http://x","klik")',
                        message="=1+1")
    changed = RowResult(3, "overwritten", contact_id="c-2", message="c-2 overschreven")
    changed.changes = {"email": ("oud@example.be", "jan@example.be"), "first_name": "Jan"}
    return [changed, hostile, RowResult(4, "skipped_errors", message="E-mailadres ongeldig"),
            RowResult(5, "failed", message="+32 9 " + "lange reden " * 30)]


def test_results_sheet_reads_as_a_table(report, tmp_path: Path) -> None:
    path, notices = push.write_back(report, results(), tmp_path / "uit.xlsx", lang="nl")
    assert notices == []
    wb = load_workbook(path)
    assert wb.sheetnames == ["NumNum-import"]
    ws = wb["NumNum-import"]
    assert [c.value for c in ws[1]] == ["Rij", "Naam", "Extern ID", "Resultaat", "NumNum-id",
                                        "Reden of verstuurde wijzigingen"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[2][1:4] == ("Bakkerij Janssen", "K1", "aangemaakt")
    assert rows[3][1] == "Jan Peeters"  # no company name: the person's name
    assert "Verstuurde wijzigingen:" in rows[3][5]
    assert "E-mail: oud@example.be → jan@example.be" in rows[3][5]
    assert "Voornaam: Jan" in rows[3][5]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F5"
    # the outcome is coloured: green created, red failed
    assert ws["D2"].fill.fgColor.rgb.endswith("C6EFCE")
    assert ws["D5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["D4"].fill.fgColor.rgb != ws["D2"].fill.fgColor.rgb
    # the row number links to the row in the source workbook
    assert ws["A2"].hyperlink.target == "klanten.xlsx"
    assert ws["A2"].hyperlink.location == "'Klanten'!A2"
    # a long reason wraps in a taller row
    assert ws["F5"].alignment.wrap_text and ws.row_dimensions[5].height > 15


def test_server_values_are_text_never_formulas(report, tmp_path: Path) -> None:
    path, _ = push.write_back(report, results(), tmp_path / "uit.xlsx")
    ws = load_workbook(path)["NumNum-import"]
    assert ws["E2"].data_type == "s" and ws["E2"].value.startswith("=HYPERLINK")
    assert ws["F2"].data_type == "s" and ws["F2"].value == "=1+1"
    assert ws["E2"].quotePrefix  # stays text when the user edits the cell in Excel
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # not one formula in the sheet


def test_written_in_one_pass(report, tmp_path: Path, monkeypatch) -> None:
    """No load of an existing workbook, no second save: one new workbook, saved once."""
    import openpyxl.reader.excel as reader
    from openpyxl.workbook.workbook import Workbook

    def refuse(*a, **k):
        raise AssertionError("write_back loaded a workbook")

    monkeypatch.setattr(reader, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    saves = []
    real_save = Workbook.save
    monkeypatch.setattr(Workbook, "save", lambda self, p: (saves.append(p), real_save(self, p)))
    push.write_back(report, results(), tmp_path / "uit.xlsx")
    assert len(saves) == 1


def test_results_in_french_and_without_changes_field(report, tmp_path: Path) -> None:
    plain = [RowResult(2, "not_sent", message="non envoyé : l'import a été interrompu")]
    path, _ = push.write_back(report, plain, tmp_path / "uit.xlsx", lang="fr")
    ws = load_workbook(path)["NumNum-import"]
    assert [c.value for c in ws[1]][:4] == ["Ligne", "Nom", "ID externe", "Résultat"]
    assert ws["D2"].value == "non envoyé"
