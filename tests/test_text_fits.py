"""Does every header and message cell of the workbooks we write show its whole text?

Measured with the real font: Carlito, metric-compatible with Calibri (Excel's default), through
Pillow. A header must fit its column on one line (or wrap into a row tall enough); a wrapping
message cell must fit its row height. The font comes from the Debian package
fonts-crosextra-carlito (``.ci/run`` installs it); in CI a missing font fails the test instead
of skipping it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from numnum_xl import push
from numnum_xl.push import RowResult

FONT_DIRS = [Path("/usr/share/fonts/truetype/crosextra"), Path("/usr/share/fonts/crosextra"),
             Path("/usr/local/share/fonts")]
ROOT = Path(__file__).resolve().parents[1]
EM_PX = 11 * 96 / 72  # Calibri 11 at 96 dpi
MARGIN_PX = 4  # Excel keeps the text ~2 px from each edge (we measure a little tighter)
LINE_PT = 15.0


def _font_path(name: str) -> Path | None:
    return next((d / name for d in FONT_DIRS if (d / name).is_file()), None)


@pytest.fixture(scope="module")
def fonts():
    regular, bold = _font_path("Carlito-Regular.ttf"), _font_path("Carlito-Bold.ttf")
    if regular is None or bold is None:
        if os.environ.get("CI") or os.environ.get("NUMNUM_XL_REQUIRE_FONTS"):
            pytest.fail("Carlito is not installed (apt-get install fonts-crosextra-carlito)")
        pytest.skip("Carlito is not installed (apt-get install fonts-crosextra-carlito)")
    from PIL import ImageFont

    size = 2048
    return {False: (ImageFont.truetype(str(regular), size), size),
            True: (ImageFont.truetype(str(bold), size), size)}


def _px(fonts, text: str, bold: bool) -> float:
    font, size = fonts[bold]
    return font.getlength(text) / size * EM_PX


def _column_px(ws, col: int) -> float:
    width = ws.column_dimensions[get_column_letter(col)].width
    width = 8.43 if width is None or (width == 13 and not ws.column_dimensions[
        get_column_letter(col)].customWidth) else width
    return math.floor(width * 7 + 5)


def _cell_px(ws, cell) -> float:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return sum(_column_px(ws, c) for c in range(rng.min_col, rng.max_col + 1))
    return _column_px(ws, cell.column)


def _spill_px(ws, cell) -> float:
    """Text that does not wrap runs on over the empty cells to its right (as Excel draws it)."""
    extra = 0.0
    last = ws.max_column
    for col in range(cell.column + 1, last + 2):
        other = ws._cells.get((cell.row, col))  # never create cells while looking
        if other is not None and other.value not in (None, ""):
            break
        if any(f"{get_column_letter(col)}{cell.row}" in r for r in ws.merged_cells.ranges):
            break
        extra += _column_px(ws, col)
    return extra


def _lines(fonts, text: str, room: float, bold: bool) -> int:
    n = 0
    for para in str(text).split("\n"):
        line = ""
        count = 1
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if _px(fonts, candidate, bold) <= room or not line:
                line = candidate
                while _px(fonts, line, bold) > room and len(line) > 1:  # a long word breaks
                    count += 1
                    cut = len(line)
                    while cut > 1 and _px(fonts, line[:cut], bold) > room:
                        cut -= 1
                    line = line[cut:]
            else:
                count += 1
                line = word
        n += count
    return n


def misfits(fonts, ws, cells) -> list[str]:
    """The cells among ``cells`` whose text does not show in full."""
    out = []
    for cell in cells:
        if cell.value is None or cell.value == "":
            continue
        text = str(cell.value)
        bold = bool(cell.font and cell.font.b)
        room = _cell_px(ws, cell) - MARGIN_PX
        height = ws.row_dimensions[cell.row].height or LINE_PT
        if cell.alignment is not None and cell.alignment.wrap_text:
            need = _lines(fonts, text, room, bold) * LINE_PT
            if need > height + 0.5:
                out.append(f"{ws.title}!{cell.coordinate}: {need:.0f} pt of lines in a "
                           f"{height:.0f} pt row: {text[:40]!r}")
        else:
            room += _spill_px(ws, cell)
            widest = max(_px(fonts, line, bold) for line in text.split("\n"))
            if widest > room or (text.count("\n") + 1) * LINE_PT > height + 0.5:
                out.append(f"{ws.title}!{cell.coordinate}: {widest:.0f} px of text in "
                           f"{room:.0f} px: {text[:40]!r}")
    return out


def test_template_headers_fit(fonts, tmp_path: Path) -> None:
    from numnum_xl.template import build_workbook

    ws = build_workbook().active
    assert misfits(fonts, ws, ws[1]) == []


def test_exact_template_headers_and_help_fit(fonts) -> None:
    from numnum_xl.exact.sjabloon import build_workbook

    wb = build_workbook()
    ws = wb.worksheets[0]
    assert misfits(fonts, ws, ws[1]) == []
    helpsheet = wb.worksheets[1]
    cells = [c for row in helpsheet.iter_rows(min_row=4) for c in row]
    assert misfits(fonts, helpsheet, cells) == []


def test_example_workbook_headers_fit(fonts) -> None:
    ws = openpyxl.load_workbook(ROOT / "examples" / "klanten.xlsx").worksheets[0]
    assert misfits(fonts, ws, ws[1]) == []


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_push_results_fit(fonts, tmp_path: Path, lang: str) -> None:
    from numnum_xl.validate import validate_file

    book = tmp_path / "k.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["title", "last_name", "external_id"])
    wb.active.append(["Brasserie De Gouden Leeuw van Oost-Vlaanderen", "Peeters", "K-000123"])
    wb.active.append(["Bakkerij", "Maes", "K2"])
    wb.save(book)
    report = validate_file(str(book))
    res = [RowResult(2, "skipped_errors", message="Btw-nummer 0123456789 is ongeldig "
                     "(controlegetal klopt niet). Controleer het nummer. " * 3),
           RowResult(3, "skipped_duplicate", contact_id="c-1",
                     message="bestaat waarschijnlijk al in NumNum (c-1, gelijkaardige naam op "
                             "dezelfde plaats)")]
    path, _ = push.write_back(report, res, tmp_path / "uit.xlsx", lang=lang)
    ws = openpyxl.load_workbook(path).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row]
    assert misfits(fonts, ws, cells) == []


def test_the_measure_catches_a_cut_off_header(fonts) -> None:
    """The check itself: a header wider than its column is reported."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "peppol_endpoint_scheme", "peppol_endpoint_id"
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 20
    assert misfits(fonts, ws, ws[1])
    ws.column_dimensions["A"].width = 24
    assert misfits(fonts, ws, ws[1]) == []
