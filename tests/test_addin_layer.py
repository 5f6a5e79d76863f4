"""The xlwings layer of the Excel add-in, verified on Linux against ``tests/xlfakes.py``.

No Excel here: the fakes follow xlwings 0.37.8's real signatures (checked below with
:mod:`inspect`), count every call and keep a grid of values, fills and notes, so these tests
check what the add-in asks of Excel (how often, at which addresses) and what the sheet looks
like afterwards. What only a real Excel can tell is listed in ``addin/README.md``.
"""

from __future__ import annotations

import doctest
import inspect
import math
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import xlwings.main as xw_main
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

import numnum_xl.addin as addin
from numnum_xl import addin_build, sheetmarks
from numnum_xl.annotate import (
    ERROR_RGB,
    NOTE_SEPARATOR,
    STATE_SHEET,
    SUMMARY_SHEET,
    WARNING_RGB,
    annotate,
    marks_by_cell,
)
from numnum_xl.annotate import clear as cli_clear
from numnum_xl.catalogue import FIELDS, KEYS
from numnum_xl.demo import customers
from numnum_xl.findings import ERROR
from numnum_xl.readers import read_table, table_from_grid
from numnum_xl.validate import validate_table
from tests import xlfakes as xf

ROOT = Path(__file__).resolve().parent.parent
RED = sheetmarks.SEVERITY_COLOR["error"]
ORANGE = sheetmarks.SEVERITY_COLOR["warning"]
GREEN = (0, 176, 80)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMNUM_XL_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("NUMNUM_API_URL", raising=False)
    monkeypatch.delenv("NUMNUM_API_TOKEN", raising=False)


def customer_grid(n: int, seed: int = 7, fault_rate: float = 0.05) -> list[list]:
    rows, _ = customers(n, seed=seed, fault_rate=fault_rate)
    return [list(KEYS)] + [[r.get(k) for k in KEYS] for r in rows]


def book_with(grid: list[list], *, name: str = "Klanten", tmp_path: Path | None = None,
              **kw) -> xf.Book:
    fullname = str(tmp_path / "Klanten.xlsx") if tmp_path else None
    return xf.make_book({name: grid}, fullname=fullname, **kw)


def alerts(book: xf.Book) -> list[dict]:
    return book._app._alerts


def last_alert(book: xf.Book) -> str:
    return alerts(book)[-1]["prompt"]


def expected_marks(sheet: xf.Sheet, **kw) -> dict[str, tuple[str, str]]:
    """What :func:`annotate.marks_by_cell` says for the sheet as it is (pure path)."""
    grid = xf.Range(sheet, [(1, 1, *_extent(sheet))]).options(ndim=2, err_to_str=True).value
    table = table_from_grid(grid, 1, 1, source="x", sheet=sheet._name)
    return marks_by_cell(validate_table(table).findings, **kw)


def _extent(sheet: xf.Sheet) -> tuple[int, int]:
    keys = sheet._values
    return max(r for r, _ in keys), max(c for _, c in keys)


# --- the button list and the entry point -----------------------------------------------------

def test_buttons_are_exactly_the_ribbon_ids() -> None:
    assert set(addin.BUTTONS) == set(addin_build.ribbon_button_ids())
    assert len(addin.BUTTONS) == len(addin_build.ribbon_button_ids())
    for control_id, function in addin.BUTTONS.items():
        assert callable(function) and function.__module__ == "numnum_xl.addin", control_id
        assert list(inspect.signature(function).parameters) == ["book"]


def test_import_is_light() -> None:
    """``import numnum_xl.addin`` (what every click starts with) stays well under 0.5 s and
    imports none of the heavy modules; measured with ``-X importtime`` in a fresh Python."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import numnum_xl.addin"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.rstrip().endswith("| numnum_xl.addin")]
    cumulative_us = int(lines[-1].split("|")[1])
    assert cumulative_us < 500_000, f"numnum_xl.addin imports in {cumulative_us / 1e6:.3f} s"
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, numnum_xl.addin; print(sorted(m for m in "
         "sys.modules if m.split('.')[0] in ('openpyxl', 'xlwings', 'rapidfuzz', 'requests') "
         "or m in ('numnum_xl.validate', 'numnum_xl.addin.buttons')))"],
        capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert loaded.stdout.strip() == "[]", loaded.stdout


def _public(cls: type) -> dict[str, object]:
    members: dict[str, object] = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, value in vars(klass).items():
            if not name.startswith("_") or name in ("__getitem__", "__iter__", "__len__",
                                                    "__contains__", "__call__"):
                members[name] = value
    return members


def _params(fn: object) -> list[tuple[str, object, bool]]:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default is inspect.Parameter.empty)
            for p in sig.parameters.values()]


@pytest.mark.parametrize("fake", list(xf.FAKES), ids=lambda c: c.__name__)
def test_fakes_have_the_real_xlwings_api(fake: type) -> None:
    """Every public member of a fake exists on the real ``xlwings.main`` class with the same
    kind (property with/without setter, method) and the same parameters; no fake method is
    one that is async (xlwings Lite only) in the real class."""
    real = getattr(xw_main, xf.FAKES[fake])
    for name, member in _public(fake).items():
        assert hasattr(real, name), f"xlwings.main.{real.__name__} has no {name}"
        real_member = inspect.getattr_static(real, name)
        if isinstance(member, property):
            assert isinstance(real_member, property), f"{real.__name__}.{name} is no property"
            if member.fset is not None:
                assert real_member.fset is not None, f"{real.__name__}.{name} is read-only"
            continue
        assert callable(member), name
        assert not isinstance(real_member, property), f"{real.__name__}.{name} is a property"
        assert not inspect.iscoroutinefunction(real_member), \
            f"{real.__name__}.{name} is async (xlwings Lite only)"
        assert _params(inspect.unwrap(member)) == _params(real_member), \
            f"{real.__name__}.{name}{inspect.signature(real_member)}"


def test_fake_refuses_what_excel_or_the_mac_engine_refuses() -> None:
    book = xf.make_book({"S": [["x"]]})
    sheet = book._sheets[0]
    with pytest.raises(ValueError, match="macOS"):
        sheet.range("A1:B2,D4:E5")
    with pytest.raises(ValueError, match="255"):
        sheet.range(",".join(f"A{r}" for r in range(1000, 1100)))
    cell = sheet.range("C3")
    cell.add_note("one")
    with pytest.raises(ValueError, match="already has a note"):
        cell.add_note("two")
    sheet.range("D1").value = "0403019261"
    assert xf.cell(sheet, "D1") == 403019261.0  # Excel parses typed-like text
    sheet.range("D2").number_format = "@"
    sheet.range("D2").value = "0403019261"
    assert xf.cell(sheet, "D2") == "0403019261"
    xf.set_fill(sheet, "E1", (1, 2, 3))
    with pytest.raises(TypeError):
        _ = sheet.range("E1:E2").color
    with pytest.raises(NotImplementedError):
        sheet.freeze_panes.freeze_at("A2")


def test_doctests_of_the_pure_modules() -> None:
    from numnum_xl import readers

    for module in (sheetmarks, addin, readers):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


# --- validate: the 10,000-row sheet --------------------------------------------------------

@pytest.fixture(scope="module")
def validated_10k():
    """10,000 demo customers (about 500 flagged cells), the user's own fills and notes on
    some flagged and some clean cells, one ``#N/A``; validated once through ``on_ribbon``."""
    grid = customer_grid(10_000, seed=11, fault_rate=0.05)
    grid[5][KEYS.index("email")] = xf.XlError("#N/A")
    book = xf.make_book({"Klanten": grid})
    sheet = book._sheets[0]
    marks = expected_marks(sheet)
    flagged = sorted(marks, key=sheetmarks.sheet_order)
    user_fills = {flagged[0]: GREEN, flagged[7]: (255, 255, 255), "A3": GREEN, "B4": GREEN}
    user_notes = {flagged[0]: "eigen notitie", flagged[3]: "bellen", "C5": "klant sinds 2019"}
    for ref, color in user_fills.items():
        xf.set_fill(sheet, ref, color)
    for ref, text in user_notes.items():
        xf.set_note(sheet, ref, text)
    before = (xf.fills(sheet), xf.notes(sheet), dict(sheet._values))
    book._world.reset()
    addin.on_ribbon("nnValidate", book)
    calls = Counter(book._world.calls)
    log = list(book._world.log)
    return book, marks, before, calls, log, user_fills, user_notes


def test_validate_10k_rows_reads_once_and_marks_in_bulk(validated_10k) -> None:
    book, marks, _, calls, log, _, user_notes = validated_10k
    flagged = len(marks)
    assert 400 <= flagged <= 700, flagged
    assert "Er ging iets mis" not in last_alert(book)

    # one bulk read of the data sheet, of its whole used range
    reads = [a for m, s, a in log if m == "Range.value" and s == "Klanten"]
    assert reads == ["$A$1:$AF$10001"]
    assert calls["Sheet.used_range"] == 1
    assert [m for m, s, _ in log if s == "Klanten" and m in ("Range.formula", "Range.options")
            ] == ["Range.options"]

    # colours: grouped per colour into ≤255-character single-cell addresses
    writes = [a for m, s, a in log if m == "Range.color=" and s == "Klanten"]
    assert all(len(a) <= 255 and ":" not in a for a in writes)
    by_color = {c: [r for r, (sev, _) in marks.items() if sheetmarks.SEVERITY_COLOR[sev] == c]
                for c in (RED, ORANGE)}
    needed = sum(len(sheetmarks.address_chunks(refs)) for refs in by_color.values() if refs)
    assert len(writes) == needed
    for refs in by_color.values():  # rows up to 10001: about 40 cells a call
        assert len(sheetmarks.address_chunks(refs)) <= math.ceil(len(refs) / 40) + 1
    assert sum(a.count(",") + 1 for a in writes) == flagged  # each cell painted once
    color_reads = [a for m, s, a in log if m == "Range.color" and s == "Klanten"]
    columns = len({sheetmarks.parse_ref(r)[1] for r in marks})
    assert len(color_reads) <= 3 * columns + 20, len(color_reads)

    # notes: one write per flagged cell, nothing on other cells
    assert calls["Range.add_note"] + calls["Note.text="] == flagged
    assert calls["Range.note"] == 0  # the existing notes: one walk of the sheet's notes
    assert calls["Sheet.notes"] == 1
    assert calls["Note.location"] == len(user_notes)
    assert calls["Note.delete"] == 0

    # summary: one bulk write; state: written ahead, then once more at the end
    assert len([a for m, s, a in log if m == "Range.value=" and s == SUMMARY_SHEET]) == 1
    assert len([a for m, s, a in log if m == "Range.value=" and s == STATE_SHEET]) == 2
    assert len([a for m, s, a in log if m == "Range.value=" and s == "Klanten"]) == 0

    # everything together scales with the flagged cells, not with the 320,000 cells
    total = sum(calls.values())
    assert total <= 3 * flagged + 200, total
    assert book._app._screen is True and book._app._status is False
    print(f"\n10,000 rows, {flagged} flagged cells: {total} calls; colour writes "
          f"{len(writes)}, colour reads {len(color_reads)}, notes {flagged}, "
          f"Sheet.range {calls['Sheet.range']}")


def test_validate_10k_final_state_matches_annotate(validated_10k) -> None:
    book, marks, _, _, _, user_fills, user_notes = validated_10k
    sheet = book._sheets[0]
    fills = xf.fills(sheet)
    notes = xf.notes(sheet)
    for ref, (severity, text) in marks.items():
        assert fills[ref] == sheetmarks.SEVERITY_COLOR[severity], ref
        expected = f"{user_notes[ref]}\n{NOTE_SEPARATOR}\n{text}" if ref in user_notes else text
        assert notes[ref][0] == expected, ref
    others = {r: c for r, c in fills.items() if r not in marks}
    assert others == {r: c for r, c in user_fills.items() if r not in marks}
    assert {r for r in notes if r not in marks} == {r for r in user_notes if r not in marks}
    assert any("#N/A" in text for _, text in marks.values())  # err_to_str reached the rules
    # the sheets: summary after the data, state very hidden, the data sheet active again
    assert [s._name for s in book._sheets] == ["Klanten", SUMMARY_SHEET, STATE_SHEET]
    assert book._sheets[2]._visible == "veryHidden"
    assert book._active is sheet
    summary = book._sheets[1]
    errors = sum(1 for s, _ in marks.values() if s == ERROR)
    labels = {xf.cell(summary, f"B{r}"): r for r in range(1, 20)}
    assert xf.cell(summary, f"C{labels['Fouten']}") >= errors
    assert any(str(f).startswith('=HYPERLINK("#\'Klanten\'!') for f in
               summary._formulas.values())


def test_addin_summary_is_the_command_lines_layout(validated_10k) -> None:
    """The add-in writes the cells of :func:`numnum_xl.summary.build` (the command line's
    sheet): same sections, words, counts and messages; links as HYPERLINK formulas; the
    header, section and kind cells styled; the hidden code column hidden."""
    from numnum_xl import summary as cli_summary
    from numnum_xl.addin import excel as xl

    book = validated_10k[0]
    sheet = book._sheets[0]
    data = xl.read_sheet(book, sheet)
    report = validate_table(data.table)
    own = cli_summary.build(data.table, report.findings, sheet="Klanten", file=book.name,
                            addin=True)
    summary = book._sheets[1]
    linked = {ref for ref, _, _ in own.links}
    compared = 0
    for r, row in own.cells.items():
        for c, (value, _style) in row.items():
            ref = xf.ref(r, c)
            if r == 2 or ref in linked or value is None:
                continue  # the time stamp; links are formulas
            got = xf.cell(summary, ref)
            assert (got == value or str(got) == str(value)
                    or (isinstance(value, int) and got == float(value))), (ref, got, value)
            compared += 1
    assert compared > 1000
    assert summary._bold[(1, 1)] and summary._size[(1, 1)] == 14
    kinds = {xf.cell(summary, f"D{r}"): summary._fills.get((r, 4)) for r in range(1, 400)}
    assert kinds["Fout"] == sheetmarks.SEVERITY_COLOR[ERROR]
    assert summary._widths[7] == 0  # the code column, hidden as on the command line's sheet
    wrapped = {(r, c) for (r, c), on in summary._wrap.items() if on}
    messages = {(r, 5) for r, row in own.cells.items() if row.get(5, (None, None))[1] == "wrap"}
    assert messages and messages <= wrapped  # messages wrap …
    assert (1, 1) not in wrapped and (2, 1) not in wrapped  # … the title lines do not


def test_clear_restores_the_users_fills_and_notes_exactly(validated_10k) -> None:
    book, _, before, _, _, _, _ = validated_10k
    sheet = book._sheets[0]
    book._world.reset()
    addin.on_ribbon("nnClear", book)
    assert (xf.fills(sheet), xf.notes(sheet), sheet._values) == before
    assert [s._name for s in book._sheets] == ["Klanten"]
    assert "hersteld" in last_alert(book)
    calls = book._world.calls
    assert calls["Range.value="] == 0  # no data written
    addin.on_ribbon("nnClear", book)
    assert "geen NumNum-markeringen" in last_alert(book)


# --- marks on smaller sheets -----------------------------------------------------------------

SMALL = [["title", "last_name", "vat_id", "vat_country_code", "address_country", "email"],
         ["Bakkerij Janssen BV", "Janssen", "0123456789", "BE", "BE", "info@bakkerij.be"],
         ["Slagerij", "", "BE 0403.019.261", "BE", "België", "slager(at)x.be"],
         ["Garage Peeters", "Peeters", "0403019261", "BE", "BE", "info@garage.be"]]


def test_revalidate_edits_and_user_changes_then_clear() -> None:
    book = xf.make_book({"Klanten": SMALL})
    sheet = book._sheets[0]
    xf.set_fill(sheet, "C2", GREEN)
    xf.set_note(sheet, "C2", "nagevraagd", "An")
    xf.set_note(sheet, "F3", "oude notitie", "Jan")
    before = (xf.fills(sheet), xf.notes(sheet))
    addin.on_ribbon("nnValidate", book)
    assert xf.fills(sheet)["C2"] == RED and xf.notes(sheet)["C2"][1] == "An"
    assert xf.notes(sheet)["C2"][0].startswith("nagevraagd\n" + NOTE_SEPARATOR + "\n")

    addin.on_ribbon("nnValidate", book)  # twice: the originals stay the user's
    _, records = _state(book)
    assert {r.cell: r.color for r in records}["C2"] == GREEN
    assert {r.cell: r.original for r in records}["C2"] == ["nagevraagd", "An"]

    # the user adds to one of our notes and recolours another marked cell
    note = sheet._notes[(3, 2)]  # B3: last name missing
    note._text += "\nbellen!"
    xf.set_fill(sheet, "E3", (0, 0, 255))
    addin.on_ribbon("nnClear", book)
    fills, notes = xf.fills(sheet), xf.notes(sheet)
    assert fills == {**before[0], "E3": (0, 0, 255)}
    assert notes == {**before[1], "B3": ("bellen!", "Gebruiker")}


def _state(book: xf.Book):
    state = next(s for s in book._sheets if s._name == STATE_SHEET)
    grid = xf.Range(state, [(1, 1, *_extent(state))]).options(ndim=2).value
    return grid, sheetmarks.parse_state(grid)


def test_validate_keeps_duplicate_marks_and_marks_nothing_on_our_sheets() -> None:
    grid = [*SMALL, ["Garage Peeters", "Peeters", "0403019261", "BE", "BE", "info@garage.be"]]
    book = xf.make_book({"Klanten": grid})
    sheet = book._sheets[0]
    addin.on_ribbon("nnValidate", book)
    addin.on_ribbon("nnDuplicates", book)
    assert "1 groep" in last_alert(book)
    notes, fills = xf.notes(sheet), xf.fills(sheet)
    lavender, red = sheetmarks.SEVERITY_COLOR["duplicate"], sheetmarks.SEVERITY_COLOR[ERROR]
    # rows 3, 4 and 5 have the same VAT number (row 3 writes it with prefix and dots): the
    # command line's notes, on the cell that proves it; the whole row in the duplicate colour
    assert notes["C4"][0] == "Duplicaat van rij 3, 5: zelfde btw-nummer (0403019261)."
    assert notes["C3"][0].startswith("Waarschuwing: ")  # the validation mark …
    assert notes["C3"][0].endswith("\nDuplicaat van rij 4, 5: zelfde btw-nummer "
                                   "(BE 0403.019.261).")
    assert "Fout:" in notes["B3"][0] and fills["B3"] == red  # … the other validation marks
    assert all(fills[f"{c}{r}"] == lavender for r in (4, 5) for c in "ABCDEF")
    assert "A4" not in notes  # the rest of the row is only coloured
    dup_sheet = next(s for s in book._sheets if s._name == sheetmarks.DUPLICATES_SHEET)
    groups = next(r for r in range(1, 60) if xf.cell(dup_sheet, f"A{r}") == "Dubbele klanten")
    assert xf.cell(dup_sheet, f"B{groups + 2}") == "3, 4, 5"  # the summary's group section
    addin.on_ribbon("nnValidate", book)  # validating again keeps the duplicate marks
    notes, fills = xf.notes(sheet), xf.fills(sheet)
    assert notes["C5"][0] == "Duplicaat van rij 3, 4: zelfde btw-nummer (0403019261)."
    assert "Duplicaat van rij 4, 5" in notes["C3"][0] and fills["A4"] == lavender
    addin.on_ribbon("nnDuplicates", book)  # and the duplicate check again keeps validation's
    notes = xf.notes(sheet)
    assert notes["C3"][0].count("Duplicaat van rij 4, 5") == 1 and "Fout:" in notes["B3"][0]
    book._active = dup_sheet
    addin.on_ribbon("nnValidate", book)
    assert "blad van NumNum" in last_alert(book)
    book._active = sheet
    addin.on_ribbon("nnClear", book)
    assert xf.fills(sheet) == {} and xf.notes(sheet) == {}
    assert [s._name for s in book._sheets] == ["Klanten"]


# --- the state sheet and the command line ----------------------------------------------------

def _to_xlsx(book: xf.Book, path: Path) -> None:
    """Save the fake workbook as openpyxl would see Excel's file (values, fills, notes)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book._sheets:
        ws = wb.create_sheet(sheet._name)
        if sheet._visible == "veryHidden":
            ws.sheet_state = "veryHidden"
        for (r, c), v in sheet._values.items():
            ws.cell(r, c, v.code if isinstance(v, xf.XlError) else v)
        for (r, c), (red, green, blue) in sheet._fills.items():
            ws.cell(r, c).fill = PatternFill("solid", fgColor=f"FF{red:02X}{green:02X}{blue:02X}")
        for (r, c), note in sheet._notes.items():
            ws.cell(r, c).comment = Comment(note._text, note._author)
    wb.save(path)


def test_numnum_xl_clear_undoes_the_addins_marks(tmp_path: Path) -> None:
    book = xf.make_book({"Klanten": SMALL})
    sheet = book._sheets[0]
    xf.set_fill(sheet, "C2", GREEN)
    xf.set_note(sheet, "C2", "nagevraagd", "An")
    addin.on_ribbon("nnValidate", book)
    path = tmp_path / "k.xlsx"
    _to_xlsx(book, path)
    result = cli_clear(path, backup=False)
    assert result.restored_cells == len(_state(book)[1])
    ws = load_workbook(path)["Klanten"]
    assert ws["C2"].fill.fgColor.rgb == "FF00B050" and ws["C2"].comment.text == "nagevraagd"
    assert ws["B3"].fill.patternType is None and ws["B3"].comment is None
    assert load_workbook(path).sheetnames == ["Klanten"]


def test_wis_markeringen_undoes_the_command_lines_marks(tmp_path: Path) -> None:
    src = tmp_path / "k.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Klanten"
    for row in SMALL:
        ws.append(row)
    ws["C2"].fill = PatternFill("solid", fgColor="FF00B050")
    ws["C2"].comment = Comment("nagevraagd", "An")
    wb.save(src)
    table = read_table(src)
    out = tmp_path / "k.gecontroleerd.xlsx"
    annotate(src, table, validate_table(table).findings, out)
    marked = load_workbook(out)
    book = xf.make_book({})
    book._sheets.clear()
    for ws in marked.worksheets:  # the marked file as Excel would show it
        sheet = xf.Sheet(book, ws.title)
        book._sheets.append(sheet)
        if ws.sheet_state == "veryHidden":
            sheet._visible = "veryHidden"
        for row in ws.iter_rows():
            for c in row:
                key = (c.row, c.column)
                if c.value is not None:
                    sheet._values[key] = c.value if isinstance(c.value, str) else float(c.value)
                if c.fill.patternType == "solid":
                    sheet._fills[key] = sheetmarks.rgb(c.fill.fgColor.rgb)
                if c.comment is not None:
                    xf.set_note(sheet, c.coordinate, c.comment.text, c.comment.author)
    book._active = book._sheets[0]
    assert xf.fills(book._sheets[0])["B3"] == sheetmarks.rgb(ERROR_RGB)
    addin.on_ribbon("nnClear", book)
    sheet = book._sheets[0]
    assert xf.fills(sheet) == {"C2": GREEN}
    assert xf.notes(sheet) == {"C2": ("nagevraagd", "An")}
    assert [s._name for s in book._sheets] == ["Klanten"]
    assert sheetmarks.rgb(WARNING_RGB) == ORANGE


# --- header, mapping, fix ----------------------------------------------------------------------

def test_insert_header_renames_recognised_headers_in_runs() -> None:
    grid = [[None, None, None, None], [None, "Bedrijfsnaam", "Kleur", "BTW nr"],
            [None, "Bakkerij", "rood", "0403019261"]]
    book = xf.make_book({"Blad1": grid})
    sheet = book._sheets[0]
    addin.on_ribbon("nnInsertHeader", book)
    assert [xf.cell(sheet, a) for a in ("B2", "C2", "D2")] == ["title", "Kleur", "vat_id"]
    assert book._world.calls_on("Range.value=") == ["$B$2", "$D$2"]  # two runs, one call each
    assert "2 kolomnamen" in last_alert(book) and "Kleur" in last_alert(book)


def test_insert_header_inserts_a_row_above_data() -> None:
    grid = [["Bakkerij Janssen BV", "Janssen", "Pieter"], ["Slagerij", "Peeters", "Jan"]]
    book = xf.make_book({"Blad1": grid})
    sheet = book._sheets[0]
    xf.set_fill(sheet, "A1", GREEN)
    addin.on_ribbon("nnInsertHeader", book)
    assert [xf.cell(sheet, a) for a in ("A1", "B1", "C1")] == ["title", "last_name",
                                                               "first_name"]
    assert xf.cell(sheet, "A2") == "Bakkerij Janssen BV" and xf.fills(sheet) == {"A2": GREEN}
    assert book._world.calls["Range.insert"] == 1
    assert book._world.calls_on("Range.value=") == ["$A$1"]


def test_insert_header_uses_the_empty_row_above() -> None:
    grid = [[None, None], [None, None], ["Bakkerij Janssen BV", "Janssen"]]
    book = xf.make_book({"Blad1": grid})
    xf.set_fill(book._sheets[0], "D1", GREEN)  # the used range starts at row 1
    addin.on_ribbon("nnInsertHeader", book)
    sheet = book._sheets[0]
    assert xf.cell(sheet, "A2") == "title" and xf.cell(sheet, "A3") == "Bakkerij Janssen BV"
    assert book._world.calls["Range.insert"] == 0


def test_fix_writes_only_the_changed_cells_as_text() -> None:
    grid = [row[:] for row in SMALL]
    grid[1][2] = "BE 0123.456.789"  # not a valid number: no fix
    book = xf.make_book({"Klanten": grid})
    sheet = book._sheets[0]
    xf.put(sheet, [["=B4"]], "B4")  # a formula cell is never overwritten
    sheet._formulas[(4, 2)] = "=B4"
    sheet._values[(4, 2)] = " Peeters "
    before = dict(sheet._values)
    addin.on_ribbon("nnFix", book)
    confirm = alerts(book)[0]
    assert confirm["buttons"] == "yes_no" and "C3: BE 0403.019.261 → 0403019261" in \
        confirm["prompt"]
    writes = book._world.calls_on("Range.value=", "Klanten")
    # B3: a company without last name gets its name, as NumNum's sample does (issue 10)
    assert sorted(writes) == ["B3", "C3", "E3"] and xf.cell(sheet, "B3") == "Slagerij"
    assert xf.cell(sheet, "C3") == "0403019261"  # stayed text: the cell was made '@' first
    assert xf.cell(sheet, "E3") == "BE"
    changed = {k for k in sheet._values if sheet._values[k] != before.get(k)}
    assert changed == {(3, 2), (3, 3), (3, 5)}
    assert "3 cellen aangepast" in last_alert(book)
    assert "Opnieuw gecontroleerd" in last_alert(book)
    assert xf.fills(sheet).get("C3") is None  # fixed, so no longer marked


def test_fix_asks_first_and_does_nothing_on_no() -> None:
    book = xf.make_book({"Klanten": SMALL})
    book._app._answers = ["no"]
    before = dict(book._sheets[0]._values)
    addin.on_ribbon("nnFix", book)
    assert book._sheets[0]._values == before and "niets aangepast" in last_alert(book)


def test_map_columns_sheet_drives_validation() -> None:
    grid = [["Firma", "Naam", "Ondernemingsnr", "Kleur"],
            ["Bakkerij Janssen", "Janssen", "0403019261", "rood"]]
    book = xf.make_book({"Klanten": grid})
    addin.on_ribbon("nnMapColumns", book)
    mapping_sheet = next(s for s in book._sheets if s._name == sheetmarks.MAPPING_SHEET)
    assert book._active is mapping_sheet
    assert "Verplicht maar niet gevonden: Familienaam" in last_alert(book)
    assert [xf.cell(mapping_sheet, f"C{r}") for r in range(3, 7)] == [
        sheetmarks.SKIP_CHOICE, "title", "vat_id", sheetmarks.SKIP_CHOICE]
    assert mapping_sheet._validations == [("$C$3:$C$6", "list", (sheetmarks.MAPPING_SHEET,
                                                                 f"$G$3:$G${3 + len(KEYS)}"))]
    book._active = book._sheets[0]
    addin.on_ribbon("nnValidate", book)
    summary = next(s for s in book._sheets if s._name == SUMMARY_SHEET)
    codes = {v for (r, c), v in summary._values.items() if c == 7}
    assert "header.required_missing" in codes and "header.unmapped" not in codes
    mapping_sheet._values[(3, 3)] = "title"  # the user picks the fields in column C
    mapping_sheet._values[(4, 3)] = "last_name"
    addin.on_ribbon("nnValidate", book)
    codes = {v for (r, c), v in summary._values.items() if c == 7}
    assert "header.required_missing" not in codes


# --- new sheet and settings --------------------------------------------------------------------

def test_new_sheet_has_the_template_header_formats_and_dropdowns() -> None:
    book = xf.make_book({"Blad1": []})
    addin.on_ribbon("nnNewSheet", book)
    sheet = next(s for s in book._sheets if s._name == "Klanten")
    assert book._active is sheet
    assert [xf.cell(sheet, xf.ref(1, i)) for i in range(1, len(FIELDS) + 1)] == list(KEYS)
    assert len(sheet._notes) == len(FIELDS)
    assert sheet._bold.get((1, 1)) and sheet._bold.get((1, 2)) and not sheet._bold.get((1, 3))
    vat_col = KEYS.index("vat_id") + 1
    assert sheet._formats[(2, vat_col)] == "@" and sheet._formats[(5000, vat_col)] == "@"
    lists = {addr: detail for addr, kind, detail in sheet._validations if kind == "list"}
    country_col = xf.col_letters(KEYS.index("address_country") + 1)
    assert lists[f"${country_col}$2:${country_col}$5000"][0] == "Waarden"
    assert any(kind == "whole" for _, kind, _ in sheet._validations)
    assert [s._name for s in book._sheets] == ["Blad1", "Klanten", "Waarden"]
    assert ("App.ActiveWindow.FreezePanes", True) in book._world.api_log
    values = book._sheets[2]
    assert xf.cell(values, "A1").startswith("Vennootschapsvorm") and xf.cell(values, "A2") == "BV"
    values._values[(2, 1)] = "BV (gewijzigd)"
    addin.on_ribbon("nnNewSheet", book)  # the values sheet is ours: used as it is
    assert [s._name for s in book._sheets] == ["Blad1", "Klanten", "Klanten 2", "Waarden"]
    assert xf.cell(values, "A2") == "BV (gewijzigd)"
    book._sheets[3]._values[(1, 1)] = "Mijn eigen waarden"  # a user's own sheet "Waarden"
    addin.on_ribbon("nnNewSheet", book)
    assert "Waarden NumNum" in [s._name for s in book._sheets]


def test_settings_sheet_has_dropdowns_and_never_the_token(monkeypatch) -> None:
    token = "geheim-token-123456"
    monkeypatch.setenv("NUMNUM_API_TOKEN", token)
    book = xf.make_book({"Klanten": SMALL})
    addin.on_ribbon("nnSettings", book)
    sheet = next(s for s in book._sheets if s._name == sheetmarks.SETTINGS_SHEET)
    assert book._active is sheet
    lists = [detail for _, kind, detail in sheet._validations if kind == "list"]
    assert ["Klant", "Leverancier", "Beide"] in lists
    assert ["Ook importeren", "Niet importeren"] in lists
    assert ["Overslaan", "Overschrijven", "Nieuw aanmaken"] in lists
    assert ["Nee", "Verwijder de eerder geïmporteerde items", "Verwijder alles"] in lists
    labels = [xf.cell(sheet, f"A{r}") for r in range(3, 9)]
    assert labels[:5] == ["Importeren als", "Contactpersonen", "Bij duplicaten",
                          "Klanten verwijderen", "API-adres"]
    every_value = [v for s in book._sheets for v in s._values.values()]
    assert not any(token in str(v) for v in every_value)
    assert token not in last_alert(book) and "sleutelhanger" in last_alert(book)
    sheet._values[(3, 2)] = "Beide"
    addin.on_ribbon("nnSettings", book)  # exists: shown again, values kept
    assert xf.cell(sheet, "B3") == "Beide" and "Importeren als: Beide" in last_alert(book)


# --- errors ------------------------------------------------------------------------------------

def test_an_unexpected_error_is_one_alert_and_a_log_line(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from numnum_xl.addin import buttons

    def broken(book):
        raise RuntimeError("kapot")

    monkeypatch.setattr(buttons, "validate", broken)
    book = xf.make_book({"Klanten": SMALL})
    book._app._screen = False
    addin.on_ribbon("nnValidate", book)
    alert = alerts(book)[-1]
    assert alert["mode"] == "critical" and "RuntimeError: kapot" in alert["prompt"]
    log = tmp_path / "log" / "addin.log"
    assert str(log) in alert["prompt"] and "Traceback" in log.read_text(encoding="utf-8")
    assert book._app._screen is True and book._app._status is False


def test_empty_sheet_is_a_message_not_an_error() -> None:
    book = xf.make_book({"Blad1": []})
    for control_id in ("nnValidate", "nnFix", "nnMapColumns", "nnInsertHeader", "nnDuplicates"):
        addin.on_ribbon(control_id, book)
        assert "is leeg" in last_alert(book), control_id


# --- NumNum (sandbox) and Exact Online ---------------------------------------------------------

@pytest.fixture(scope="module")
def sandbox():
    from numnum_xl.sandbox import run_in_background

    with run_in_background(None) as handle:
        yield handle


def _with_settings(book: xf.Book, **values: str) -> None:
    addin.on_ribbon("nnSettings", book)
    sheet = next(s for s in book._sheets if s._name == sheetmarks.SETTINGS_SHEET)
    for label, value in values.items():
        row = next(r for (r, c), v in sheet._values.items() if c == 1 and v == label)
        sheet._values[(row, 2)] = value
    book._active = book._sheets[0]


def test_dry_run_and_push_against_the_sandbox(sandbox, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("NUMNUM_API_TOKEN", sandbox.token)
    monkeypatch.setenv("NUMNUM_API_URL", sandbox.base_url)  # issue 16: the user's own setting
    grid = customer_grid(40, seed=3, fault_rate=0.1)
    book = book_with(grid, tmp_path=tmp_path)
    _with_settings(book, **{"API-adres": sandbox.base_url})
    addin.on_ribbon("nnDryRun", book)
    text = last_alert(book)
    assert "Proefimport: er is niets verstuurd" in text and "0 klanten staan er al" in text
    result = next(s for s in book._sheets if s._name == "NumNum-import")
    assert xf.cell(result, "B3") in ("wordt aangemaakt", "overgeslagen: fouten")
    addin.on_ribbon("nnPush", book)  # the fake answers "yes" to the confirmation
    text = last_alert(book)
    created = int(re.search(r"Klaar: (\d+) aangemaakt", text).group(1))
    assert created > 30 and "Logboek" in text
    assert xf.cell(result, "A1").startswith("Import naar")
    statuses = Counter(v for (r, c), v in result._values.items() if c == 2 and r > 2)
    assert statuses["aangemaakt"] == created
    assert (tmp_path / "Klanten.numnum-journal.jsonl").exists()
    assert not any(sandbox.token in str(v) for s in book._sheets for v in s._values.values())

    # deleting needs a second, explicit yes: "no" there sends and deletes nothing
    settings = next(s for s in book._sheets if s._name == sheetmarks.SETTINGS_SHEET)
    settings._values[(6, 2)] = "Verwijder alles"
    book._app._answers = ["yes", "no"]
    addin.on_ribbon("nnPush", book)
    assert alerts(book)[-2]["mode"] == "critical" and f"{created} klanten (ALLE klanten)" in \
        alerts(book)[-2]["prompt"]
    assert "er is niets verwijderd en niets verstuurd" in last_alert(book)
    from numnum_xl.client import NumNumClient

    with NumNumClient(sandbox.base_url, sandbox.token) as conn:
        assert len(conn.list_contacts()) == created


def test_push_refuses_an_unsaved_workbook_and_a_missing_token() -> None:
    book = xf.make_book({"Klanten": SMALL})
    addin.on_ribbon("nnPush", book)
    assert "Bewaar de werkmap eerst" in last_alert(book)


def test_push_without_token_explains_the_keyring(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NUMNUM_API_URL", "https://numnum.example/api/v1")
    book = book_with(SMALL, tmp_path=tmp_path)
    _with_settings(book, **{"API-adres": "https://numnum.example/api/v1"})
    addin.on_ribbon("nnDryRun", book)
    assert "Geen API-token" in last_alert(book) and "sleutelhanger" in last_alert(book)


def test_workbook_api_address_never_gets_the_token(tmp_path: Path, monkeypatch) -> None:
    """Issue 16: a workbook from someone else that names their server gets no token."""
    monkeypatch.setenv("NUMNUM_API_URL", "https://app.numnum.example/api/v1")
    monkeypatch.setenv("NUMNUM_API_TOKEN", "mijn-geheim-token-42")
    book = book_with(SMALL, tmp_path=tmp_path)
    _with_settings(book, **{"API-adres": "https://evil.example/api/v1"})
    addin.on_ribbon("nnDryRun", book)
    text = last_alert(book)
    assert "evil.example" in text and "mijn-geheim-token-42" not in text
    assert "niet naar een adres uit een werkmap" in text


def test_exact_relations_csv_beside_the_workbook(tmp_path: Path) -> None:
    grid = [["title", "vat_id", "vat_country_code", "address_zip", "address_city",
             "address_country", "external_id"],
            ["Bakkerij Janssen", "0403.019.261", "BE", "9000", "Gent", "BE", "934"],
            ["Slagerij Peeters", None, None, "2000", "Antwerpen", "BE", None]]
    book = book_with(grid, tmp_path=tmp_path)
    addin.on_ribbon("nnExactRelations", book)
    out = tmp_path / "Klanten.exact-relaties.csv"
    assert out.exists() and "2 relaties geschreven" in last_alert(book)
    text = out.read_text(encoding="utf-8-sig")
    assert "BE0403019261" in text and "934" in text
    assert (tmp_path / "Klanten.exact-relatiecodes.json").exists()


def test_exact_entries_check_and_export(tmp_path: Path) -> None:
    import datetime as dt

    from numnum_xl.exact.schema import ENTRY_FIELDS

    headers = [f.header for f in ENTRY_FIELDS]

    def line(number: object, amount: object = "870,00") -> list:
        values = {"Factuurdatum": dt.date(2024, 1, 2), "Omschrijving kopregel": "Factuur",
                  "Relatiecode": "934", "Boekstuknummer": number, "Boekjaar": 2024,
                  "Periode": 1, "Grootboekrekening": "700000", "Omschrijving": "Rijles",
                  "Bedrag excl. btw": amount, "BTW-code": "2", "Dagboek": "70"}
        return [values.get(h) for h in headers]

    book = book_with([headers, line(202400005), line("F2024-6")], name="Verkoop",
                     tmp_path=tmp_path)
    addin.on_ribbon("nnExactEntries", book)
    assert "1 fout" in last_alert(book)
    addin.on_ribbon("nnExactExport", book)
    assert "niets geëxporteerd" in last_alert(book)
    assert not (tmp_path / "Klanten.exact-boekingen.csv").exists()
    book._sheets[0]._values[(3, 4)] = 202400006.0
    addin.on_ribbon("nnExactExport", book)
    assert "2 regels van 2 facturen" in last_alert(book)
    assert (tmp_path / "Klanten.exact-boekingen.csv").exists()
    assert xf.fills(book._sheets[0]) == {}  # fixed: the marks are gone


# --- every button, once ------------------------------------------------------------------------

def test_every_button_dispatches_without_an_unexpected_error(sandbox, tmp_path: Path,
                                                             monkeypatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("NUMNUM_API_TOKEN", sandbox.token)
    monkeypatch.setenv("NUMNUM_API_URL", sandbox.base_url)  # issue 16: the user's own setting
    book = book_with(customer_grid(30, seed=1), tmp_path=tmp_path)
    _with_settings(book, **{"API-adres": sandbox.base_url})
    import types

    def offline(report, **kw):  # the online checks' engines, without the network
        return []

    for module in ("numnum_xl.peppol", "numnum_xl.vies"):
        monkeypatch.setitem(sys.modules, module, types.SimpleNamespace(check_report=offline))
    for control_id in addin_build.ribbon_button_ids():
        book._active = book._sheets[0]
        count = len(alerts(book))
        addin.on_ribbon(control_id, book)
        new = alerts(book)[count:]
        if control_id in addin.KEEPS_STATUS:  # they answer on the status bar
            assert new or book._app._status, control_id
            continue
        assert new, control_id
        assert not any("Er ging iets mis" in a["prompt"] for a in new), (control_id, new)
    assert os.listdir(tmp_path)  # exports and the journal went beside the workbook


# --- duplicates and validation on one sheet, run after run (review of the shared marks) -------

def test_duplicate_rows_user_notes_and_multi_line_messages_survive_every_run(
        tmp_path: Path) -> None:
    lavender, orange = sheetmarks.SEVERITY_COLOR["duplicate"], sheetmarks.SEVERITY_COLOR[
        "warning"]
    grid = [[*row, addr] for row, addr in zip(
        [*SMALL, ["Garage Peeters", "Peeters", "0403019261", "BE", "BE", "info@garage.be"]],
        ["address", "Kerkstraat 1", "Markt 2", "Kerkstraat 1\n9000 Gent ", "Dorp 3"],
        strict=True)]
    book = xf.make_book({"Klanten": grid})
    sheet = book._sheets[0]
    xf.set_note(sheet, "F5", "mijn notitie", "An")  # the user's note in a duplicate row
    addin.on_ribbon("nnValidate", book)
    addin.on_ribbon("nnDuplicates", book)
    addin.on_ribbon("nnValidate", book)
    notes, fills = xf.notes(sheet), xf.fills(sheet)
    # a colour-only cell keeps the user's note as it is (not taken for ours, not doubled)
    assert notes["F5"] == ("mijn notitie", "An") and fills["F5"] == lavender
    # a message whose value holds a line break stays one validation mark, not a duplicate
    assert notes["G4"][0].startswith("Waarschuwing: ") and "\n9000 Gent" in notes["G4"][0]
    assert fills["G4"] == lavender  # row 4 is a duplicate row: the row's colour wins …
    assert fills.get("G2") != lavender  # … and nothing outside the duplicate rows turns lavender
    # the error cell of a duplicate row goes back to the row's colour once fixed
    assert fills["B3"] == sheetmarks.SEVERITY_COLOR[ERROR]
    xf.put(sheet, [["Smet"]], "B3")
    addin.on_ribbon("nnValidate", book)
    fills = xf.fills(sheet)
    assert all(fills[f"{c}3"] == lavender for c in "ABCDG"), fills
    # the duplicates sheet lists the groups and the notes, not every coloured cell
    dup_sheet = next(s for s in book._sheets if s._name == sheetmarks.DUPLICATES_SHEET)
    codes = {v for (r, c), v in dup_sheet._values.items() if c == 7}
    assert "duplicate.vat_id" in codes and "duplicate.row" not in codes
    # a multi-line warning outside a duplicate row keeps its own colour run after run
    grid2 = [SMALL[0] + ["address"], SMALL[1] + ["Kerkstraat 1\n9000 Gent "]]
    book2 = xf.make_book({"Klanten": grid2})
    addin.on_ribbon("nnValidate", book2)
    addin.on_ribbon("nnValidate", book2)
    assert xf.fills(book2._sheets[0])["G2"] == orange
    # numnum-xl clear on the workbook removes the duplicates sheet too
    path = tmp_path / "k.xlsx"
    _to_xlsx(book, path)
    cli_clear(path, backup=False)
    assert load_workbook(path).sheetnames == ["Klanten"]
    ws = load_workbook(path)["Klanten"]
    assert ws["F5"].comment.text == "mijn notitie" and ws["A4"].fill.patternType is None
