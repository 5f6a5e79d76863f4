"""How wide a text is in Excel's default font, so that the workbooks we create size their
columns and rows to what they hold.

Excel's default font is Calibri 11; Carlito is metric-compatible with it (same advance widths),
and its advance widths per character are stored in ``data/calibri_widths.json`` (generated from
the Carlito TrueType files by ``python -m numnum_xl.textfit FONT_DIR``; Pillow is needed only
for that). A character not in the table counts as one em (wide), so estimates err on the
roomy side.

Units: a column width as Excel stores it is in *characters* of the default font's widest digit
(7 px for Calibri 11 at 96 dpi, plus 5 px of padding); a row height is in points (15 pt per
line of Calibri 11).

>>> round(text_px("Naam"), 1), round(text_px("Naam", bold=True), 1)
(35.2, 36.1)
>>> column_width_for(["Btw-nummer"], bold=True)
12.0
>>> lines_needed("een korte zin", 20), lines_needed("woord " * 20, 20)
(1, 7)
>>> row_height_for(3)
45.0
"""

from __future__ import annotations

import functools
import json
import math
from importlib import resources
from pathlib import Path

#: Calibri 11 pt at 96 dpi: the em in pixels, the widest digit, padding, line height.
FONT_PX = 11 * 96 / 72
DIGIT_PX = 7
COLUMN_PADDING_PX = 5
#: Excel draws text 2-3 px from each cell edge: keep this much free in a column.
CELL_MARGIN_PX = 6
LINE_PT = 15.0
DATA_FILE = "calibri_widths.json"


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, float]]:
    raw = json.loads(resources.files("numnum_xl").joinpath("data", DATA_FILE).read_text())
    upm = raw["units_per_em"]
    return {style: {ch: w / upm for ch, w in widths.items()}
            for style, widths in raw["widths"].items()}


def text_px(text: str, *, bold: bool = False, size_pt: float = 11.0) -> float:
    """Width of one line of ``text`` in pixels (96 dpi) in Calibri/Carlito."""
    widths = _table()["bold" if bold else "regular"]
    em = size_pt * 96 / 72
    return sum(widths.get(ch, 1.0) for ch in text) * em


def column_px(width: float) -> float:
    """The pixels a column of Excel width ``width`` (characters) shows."""
    return math.floor(width * DIGIT_PX + COLUMN_PADDING_PX)


def column_width_for(texts: list[str], *, bold: bool = False, minimum: float = 6.0,
                     maximum: float = 60.0) -> float:
    """The narrowest Excel column width (whole characters) in which each of ``texts`` fits
    on one line, between ``minimum`` and ``maximum``."""
    need = max((text_px(line, bold=bold) for t in texts for line in str(t).splitlines()),
               default=0.0)
    width = math.ceil((need + CELL_MARGIN_PX - COLUMN_PADDING_PX) / DIGIT_PX)
    return float(min(max(width, minimum), maximum))


def wrap(text: str, width: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines as a wrapping cell of column width ``width`` shows it
    (at spaces; a word longer than the line is broken where it overflows)."""
    room = column_px(width) - CELL_MARGIN_PX
    lines: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_px(candidate, bold=bold) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while text_px(line, bold=bold) > room and len(line) > 1:
                cut = len(line)
                while cut > 1 and text_px(line[:cut], bold=bold) > room:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def lines_needed(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a wrapping cell of column width ``width``."""
    return len(wrap(text, width, bold=bold))


def row_height_for(lines: int) -> float:
    """Row height in points for ``lines`` lines of Calibri 11."""
    return LINE_PT * max(1, lines)


def _generate(font_dir: str) -> dict:
    """The width table from Carlito-Regular.ttf and Carlito-Bold.ttf in ``font_dir``."""
    from PIL import ImageFont

    size = 2048
    chars = [chr(c) for c in range(0x20, 0x250)] + list("‐–—‘’‚“”„•…‰‹›€™→←↑↓≤≥−·«»°±×÷")
    out: dict = {"font": "Carlito (metric-compatible with Calibri)", "units_per_em": size,
                 "widths": {}}
    for style, name in (("regular", "Carlito-Regular.ttf"), ("bold", "Carlito-Bold.ttf")):
        font = ImageFont.truetype(str(Path(font_dir) / name), size,
                                  layout_engine=ImageFont.Layout.BASIC)
        missing = bytes(font.getmask("\ue000"))  # a private-use character: the .notdef box
        out["widths"][style] = {ch: round(font.getlength(ch)) for ch in chars
                                if ch == " " or bytes(font.getmask(ch)) != missing}
    return out


if __name__ == "__main__":  # pragma: no cover - regenerates the data file
    import sys

    target = Path(__file__).with_name("data") / DATA_FILE
    target.write_text(json.dumps(_generate(sys.argv[1]), ensure_ascii=False, sort_keys=True)
                      + "\n", encoding="utf-8")
    print(f"wrote {target}")
