"""What the Excel add-in writes where, decided without Excel (pure functions, no xlwings).

:mod:`numnum_xl.addin` reads a sheet in one call, runs the checks and then asks this module
what to write: which cells get which colour (grouped per colour into multi-area addresses of
at most :data:`MAX_ADDRESS` characters, single cells only, because the Mac engine of xlwings
splits an address on ``:``), what each note says, what the state sheet ``_numnum`` records and
what the summary sheet holds. Everything here can be tested without Excel.

The state sheet has the columns of :mod:`numnum_xl.annotate`'s (``sheet``, ``cell``,
``existed``, ``fill``, ``comment``, ``written``, ``severity``) with the same meaning, so
``numnum-xl clear`` on a workbook the add-in marked (and the add-in's "Wis markeringen" on a
workbook the command line marked) restores the user's own fills and notes. ``fill`` is an
openpyxl fill as XML: what the add-in writes is either no fill or a solid RGB fill, the only
fills xlwings can read; a theme or pattern fill the command line recorded is restored by the
add-in as its nearest solid RGB colour when the XML says one, else as no fill.

>>> address_chunks(["E2", "F7", "H12"])
['E2,F7,H12']
>>> chunks = address_chunks([f"AB{r}" for r in range(1000, 1200)])
>>> len(chunks), max(map(len, chunks)) <= MAX_ADDRESS, chunks[0][:17]
(6, True, 'AB1000,AB1001,AB1')
>>> fill_xml((255, 199, 206))
'<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/></patternFill></fill>'
>>> color_from_fill_xml(fill_xml(None)), color_from_fill_xml(fill_xml((1, 2, 3)))
(None, (1, 2, 3))
>>> compose_note("Mijn notitie", "Fout: …")
'Mijn notitie\\n— NumNum —\\nFout: …'
>>> restored_note(compose_note("Mijn notitie", "Fout: …"), ["Mijn notitie", "Jan"],
...               compose_note("Mijn notitie", "Fout: …"))
'Mijn notitie'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from numnum_xl.cells import cell_ref, column_index_of, column_letter
from numnum_xl.findings import WARNING, Finding
from numnum_xl.marks import (
    COLOURS,
    DUPLICATE,
    DUPLICATES_SHEET,
    NOTE_SEPARATOR,
    STATE_SHEET,
    SUMMARY_SHEET,
    merge_marks,  # noqa: F401 (the add-in's name for the one way of merging marks)
)
from numnum_xl.table import Table

Color = tuple[int, int, int]

#: Longest address string Excel takes in ``Range("…")`` (and so in ``sheet.range("…")``).
MAX_ADDRESS = 255
#: Columns of the state sheet (those of :mod:`numnum_xl.annotate`, same order and meaning).
STATE_HEADER = ("sheet", "cell", "existed", "fill", "comment", "written", "severity")
#: Sheets the add-in adds; none of them is ever validated, fixed or marked.
MAPPING_SHEET = "NumNum-koppeling"
SETTINGS_SHEET = "NumNum-instellingen"
#: Sheets "Wis markeringen" removes (with the state sheet).
REPORT_SHEETS = (SUMMARY_SHEET, DUPLICATES_SHEET)
OWN_SHEETS = frozenset({SUMMARY_SHEET, STATE_SHEET, MAPPING_SHEET, SETTINGS_SHEET,
                        DUPLICATES_SHEET})
WHITE: Color = (255, 255, 255)


def rgb(hex_argb: str) -> Color:
    """``"FFFFC7CE"`` (openpyxl's ARGB) or ``"FFC7CE"`` → ``(255, 199, 206)``.

    >>> rgb(COLOURS["error"]), rgb(COLOURS["warning"])
    ((255, 199, 206), (255, 235, 156))
    """
    h = hex_argb[-6:]
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


#: The fill of a flagged cell per kind of mark (the colours of :mod:`numnum_xl.annotate`).
SEVERITY_COLOR: dict[str, Color] = {kind: rgb(argb) for kind, argb in COLOURS.items()}
OUR_COLORS = frozenset(SEVERITY_COLOR.values())

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> tuple[int, int]:
    """``"E5"`` → ``(5, 5)`` (row, column), both 1-based.

    >>> parse_ref("$AB$12")
    (12, 28)
    """
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell address: {ref!r}")
    return int(m.group(2)), column_index_of(m.group(1).upper())


def normal_ref(ref: str) -> str:
    """``"$e$5"`` → ``"E5"``."""
    return ref.replace("$", "").upper()


def sheet_order(ref: str) -> tuple[int, int]:
    """Sort key: row, then column."""
    return parse_ref(ref)


def address_chunks(refs: Iterable[str], limit: int = MAX_ADDRESS) -> list[str]:
    """Single-cell addresses joined with ``,`` into strings of at most ``limit`` characters,
    in sheet order: one ``sheet.range(chunk)`` per string.

    Only single cells: ``"A1:B2,D4:E5"`` breaks on macOS (xlwings' Mac engine splits an
    address on ``:``), ``"A1,B2,D4"`` works on both platforms.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for ref in sorted({normal_ref(r) for r in refs}, key=sheet_order):
        extra = len(ref) + (1 if current else 0)
        if current and size + extra > limit:
            chunks.append(",".join(current))
            current, size = [], 0
            extra = len(ref)
        current.append(ref)
        size += extra
    if current:
        chunks.append(",".join(current))
    return chunks


def group_by_color(colors: Mapping[str, Color | None]) -> dict[Color | None, list[str]]:
    """Cell → colour, turned round: colour → its cells in sheet order (``None``: no fill).

    >>> group_by_color({"B2": (1, 2, 3), "A1": None, "A2": (1, 2, 3)})
    {None: ['A1'], (1, 2, 3): ['A2', 'B2']}
    """
    out: dict[Color | None, list[str]] = {}
    for ref in sorted(colors, key=sheet_order):
        out.setdefault(colors[ref], []).append(ref)
    return out


def column_runs(cells: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """(row, column) pairs → column → its rows, sorted: what :func:`numnum_xl.addin` reads
    fills by (one rectangular block per column, split only where fills differ).

    >>> column_runs([(9, 2), (3, 2), (4, 1)])
    {1: [4], 2: [3, 9]}
    """
    out: dict[int, list[int]] = {}
    for r, c in cells:
        out.setdefault(c, []).append(r)
    return {c: sorted(set(rows)) for c, rows in sorted(out.items())}


# --- fills in the state sheet ------------------------------------------------------------------

_PATTERN = re.compile(r'patternType="(\w+)"')
_FG_RGB = re.compile(r'<(?:\w+:)?fgColor\b[^>]*\brgb="([0-9A-Fa-f]{6,8})"')


def fill_xml(color: Color | None) -> str:
    """The openpyxl fill XML the state sheet records for a cell's fill (``None``: no fill)."""
    if color is None:
        return "<fill><patternFill/></fill>"
    r, g, b = color
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{r:02X}{g:02X}{b:02X}"/>'
            f"</patternFill></fill>")


def color_from_fill_xml(xml: str | None) -> Color | None:
    """The RGB colour to restore for a recorded fill (``None``: no fill).

    A solid fill gives its foreground colour; no pattern (or ``none``) gives no fill; a
    pattern or theme fill the command line recorded gives its RGB foreground if it has one,
    else no fill (see :func:`fill_is_exact`).
    """
    if not xml:
        return None
    m = _PATTERN.search(xml)
    if m is None or m.group(1) == "none":
        return None
    fg = _FG_RGB.search(xml)
    return rgb(fg.group(1)) if fg else None


def fill_is_exact(xml: str | None) -> bool:
    """Whether :func:`color_from_fill_xml` gives back exactly the recorded fill.

    >>> fill_is_exact(fill_xml((1, 2, 3))), fill_is_exact('<fill><patternFill '
    ...     'patternType="solid"><fgColor theme="4" tint="0.6"/></patternFill></fill>')
    (True, False)
    """
    if not xml:
        return True
    m = _PATTERN.search(xml)
    if m is None or m.group(1) == "none":
        return True
    return m.group(1) == "solid" and _FG_RGB.search(xml) is not None and "theme=" not in xml \
        and "tint=" not in xml


# --- notes -------------------------------------------------------------------------------------

def compose_note(user_text: str | None, ours: str) -> str:
    """The note a flagged cell gets: ours, or the user's own text, the separator line, ours
    (as :mod:`numnum_xl.annotate` writes it)."""
    if user_text is None:
        return ours
    return f"{user_text}\n{NOTE_SEPARATOR}\n{ours}"


def restored_note(current: str | None, original: Sequence[str] | None,
                  written: str) -> str | None:
    """The text a marked cell's note gets back when our mark goes (``None``: no note).

    The same decision as :mod:`numnum_xl.annotate`'s ``clear``: untouched → the user's
    original note (or none); the user edited their own part above the separator → that part;
    the user added text to a note of ours → only their addition; anything else the user wrote
    is kept as it is.

    >>> restored_note("Fout: x", None, "Fout: x") is None
    True
    >>> restored_note("Fout: x\\nbellen!", None, "Fout: x")
    'bellen!'
    """
    if current is None or current == written:
        return None if original is None else original[0]
    if original is not None:
        i = current.find("\n" + NOTE_SEPARATOR)
        return current[:i] if i >= 0 else current
    if written and written in current:
        rest = current.replace(written, "").strip("\n")
        return rest if rest.strip() else None
    return current


def ours_of(written: str, original: Sequence[str] | None) -> str:
    """Our part of a note we wrote (without the user's text above the separator); nothing
    when the cell kept the user's own note (a mark that only coloured it).

    >>> ours_of("mijn notitie", ["mijn notitie", "An"]), ours_of("Fout: x", None)
    ('', 'Fout: x')
    """
    if original is None:
        return written
    i = written.find("\n" + NOTE_SEPARATOR + "\n")
    return written[i + len(NOTE_SEPARATOR) + 2:] if i >= 0 else ""


# --- the state sheet ---------------------------------------------------------------------------

@dataclass
class StateRecord:
    """One marked cell: where, its own fill and note before we marked it, what we wrote."""

    sheet: str
    cell: str
    existed: bool
    fill: str  #: openpyxl fill XML (:func:`fill_xml`)
    original: list[str] | None  #: the user's note before marking: [text, author], or None
    written: str  #: the whole note text we wrote
    severity: str

    @property
    def color(self) -> Color | None:
        """The fill to restore."""
        return color_from_fill_xml(self.fill)

    def row(self) -> list[Any]:
        """The record as a state-sheet row (JSON where :mod:`numnum_xl.annotate` uses JSON)."""
        return [self.sheet, self.cell, 1 if self.existed else 0, self.fill,
                json.dumps(self.original, ensure_ascii=False),
                json.dumps(self.written, ensure_ascii=False), self.severity]


def state_grid(records: Iterable[StateRecord]) -> list[list[Any]]:
    """The state sheet's content: header row, then one row per record (for one bulk write).

    >>> state_grid([StateRecord("Blad1", "E5", True, fill_xml(None), None, "Fout: x", "error")])
    [['sheet', 'cell', 'existed', 'fill', 'comment', 'written', 'severity'], \
['Blad1', 'E5', 1, '<fill><patternFill/></fill>', 'null', '"Fout: x"', 'error']]
    """
    return [list(STATE_HEADER)] + [r.row() for r in records]


def _json(text: Any, default: Any) -> Any:
    if text is None or text == "":
        return default
    try:
        return json.loads(str(text))
    except ValueError:
        return default


def parse_state(grid: Sequence[Sequence[Any]] | None) -> list[StateRecord]:
    """The records of a state sheet read back (header row first); rows that make no sense
    are skipped (a damaged state sheet never stops "Wis markeringen")."""
    records: list[StateRecord] = []
    if not grid:
        return records
    head = [str(v).strip().lower() if v is not None else "" for v in grid[0]]
    if tuple(head[:len(STATE_HEADER)]) != STATE_HEADER:
        return records
    for raw in grid[1:]:
        vals = list(raw) + [None] * (len(STATE_HEADER) - len(raw))
        sheet, cell, existed, fill, comment, written, severity = vals[:len(STATE_HEADER)]
        if sheet is None or cell is None:
            continue
        sheet = str(int(sheet)) if isinstance(sheet, float) and sheet.is_integer() else str(sheet)
        try:
            parse_ref(str(cell))
        except ValueError:
            continue
        original = _json(comment, None)
        if original is not None and not (isinstance(original, list) and original
                                         and isinstance(original[0], str)):
            original = None
        if original is not None:
            original = [original[0], str(original[1]) if len(original) > 1 and original[1]
                        is not None else ""]
        text = _json(written, "")
        records.append(StateRecord(
            sheet=sheet, cell=normal_ref(str(cell)),
            existed=str(existed).strip() not in ("0", "0.0", "", "None", "False"),
            fill=str(fill) if fill else fill_xml(None), original=original,
            written=text if isinstance(text, str) else "",
            severity=str(severity) if severity in SEVERITY_COLOR else WARNING))
    return records


# --- what Excel would turn into something else -------------------------------------------------

_NUMERIC_TEXT = re.compile(r"^\s*[+-]?[0-9][0-9 .,/:-]*$")
_BOOL_TEXT = {"TRUE", "FALSE", "WAAR", "ONWAAR", "VRAI", "FAUX"}


def needs_text_format(value: Any) -> bool:
    """Whether text written into a General cell would not stay that text: numbers, dates,
    booleans, error literals and anything starting with ``=``, ``+``, ``-`` or ``@`` (Excel
    parses a written value like a typed one). Such text is written into a cell formatted as
    text (``@``), as :mod:`numnum_xl.annotate` does for the fixes it writes.

    >>> [needs_text_format(v) for v in ("0403019261", "BE", "+32 9 223 45 67", "=1", 21)]
    [True, False, True, True, False]
    """
    if not isinstance(value, str) or not value:
        return False
    return (value[0] in "=+-@#" or bool(_NUMERIC_TEXT.match(value))
            or value.strip().upper() in _BOOL_TEXT)


# --- the summary sheet -------------------------------------------------------------------------

@dataclass
class SummaryPlan:
    """The summary sheet of :func:`numnum_xl.summary.build` (the command line's layout) as
    Excel gets it: one grid (one bulk write) and the formats of its styles and columns."""

    grid: list[list[Any]]
    text_columns: tuple[str, ...]  #: formatted as text before the write
    #: (address, attribute, value) after the grid is written: ``font.bold``, ``font.size``,
    #: ``font.color``, ``color`` (the fill), ``wrap_text``, ``column_width`` (0 hides)
    formats: list[tuple[str, str, Any]]


def hyperlink_formula(sheet: str, ref: str) -> str:
    """A formula linking to ``ref`` on ``sheet`` (written with the values: no extra call).

    >>> print(hyperlink_formula("O'Brien & co", "E5"))
    =HYPERLINK("#'O''Brien & co'!E5","E5")
    """
    target = "#'" + sheet.replace("'", "''") + "'!" + ref
    return '=HYPERLINK("' + target.replace('"', '""') + '","' + ref + '")'


#: Columns of the summary that only ever hold text (labels, kinds, messages, suggestions,
#: codes): formatted as text so that Excel keeps "0403019261" or "=…" as written. Column A
#: (row numbers, counts) and C (counts, links) hold numbers and formulas.
SUMMARY_TEXT_COLUMNS = ("B", "D", "E", "F", "G")


def summary_plan(table: Table, findings: Sequence[Finding], sheet: str, source: str,
                 lang: str = "nl", *, validated: bool = True) -> SummaryPlan:
    """The summary sheet for the add-in: :func:`numnum_xl.summary.build`'s sheet (the same
    sections, words and order as the command line's), its internal links as ``HYPERLINK``
    formulas in the grid, its styles as lists of cells.

    >>> t = Table("k.xlsx", "Klanten", "xlsx", 1, 1, ["title"], [["Bakkerij"]], [2])
    >>> f = Finding(2, "title", "A2", "error", "required.missing", {"field": "title"})
    >>> plan = summary_plan(t, [f], "Klanten", "k.xlsx")
    >>> plan.grid[0][0]
    'NumNum-controle van blad «Klanten» (k.xlsx)'
    >>> print([row[2] for row in plan.grid if row[0] == 2][0])
    =HYPERLINK("#'Klanten'!A2","A2")
    """
    from numnum_xl.summary import build

    own = build(table, findings, sheet=sheet, file=source, lang=lang, validated=validated,
                addin=True)
    # each row of the findings is made once, put in the grid and let go
    grid: list[list[Any]] = [[] for _ in range(max(own.cells, default=0))]
    styles: dict[str, list[str]] = {}
    for r, row in own.cells.items():
        line = grid[r - 1]
        for c, (value, style) in row.items():
            if len(line) < c:
                line.extend([None] * (c - len(line)))
            line[c - 1] = value
            if style:
                styles.setdefault(style, []).append(cell_ref(r, c))
    cols = max(map(len, grid), default=0) or 1
    for line in grid:
        line.extend([None] * (cols - len(line)))
    for ref, location, _tip in own.links:
        r, c = parse_ref(ref)
        target = location.rpartition("!")[2]
        grid[r - 1][c - 1] = hyperlink_formula(sheet, target)
    formats = _style_formats(styles)
    for c, width in sorted(own.widths.items()):
        formats.append((f"{column_letter(c)}:{column_letter(c)}", "column_width",
                        0 if c in own.hidden_cols else width))
    return SummaryPlan(grid, SUMMARY_TEXT_COLUMNS, formats)


#: Style attributes as xlwings' properties (the fill is ``Range.color``).
_ATTRIBUTES = (("bold", "font.bold"), ("size", "font.size"), ("color", "font.color"),
               ("fill", "color"), ("wrap", "wrap_text"))


def _style_formats(styles: Mapping[str, list[str]]) -> list[tuple[str, str, Any]]:
    """Per style and attribute, the addresses to set (:func:`style_addresses`: a run down a
    column is one call); colours as RGB."""
    from numnum_xl.summary import style

    out: list[tuple[str, str, Any]] = []
    for name, refs in styles.items():
        d = style(name, COLOURS)
        addresses = style_addresses(refs)
        for key, attribute in _ATTRIBUTES:
            value = d.get(key)
            if not value:
                continue
            if key in ("color", "fill"):
                value = rgb(value)
            out.extend((address, attribute, value) for address in addresses)
    return out


def style_addresses(refs: Iterable[str], run: int = 3) -> list[str]:
    """Addresses covering ``refs``: every run of at least ``run`` consecutive cells of a
    column as one range (``C10:C500``, a call of its own), the other cells joined by commas
    (:func:`address_chunks`: single cells only, as the Mac engine needs).

    >>> style_addresses(["C10", "C11", "C12", "C13", "D2", "B7"])
    ['C10:C13', 'D2,B7']
    """
    ranges: list[str] = []
    singles: list[str] = []
    for col, rows in column_runs(parse_ref(r) for r in refs).items():
        letter = column_letter(col)
        start = prev = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            if prev - start + 1 >= run:
                ranges.append(f"{letter}{start}:{letter}{prev}")
            else:
                singles.extend(f"{letter}{x}" for x in range(start, prev + 1))
            if r is not None:
                start = prev = r
    return ranges + address_chunks(singles)


# --- marks -------------------------------------------------------------------------------------

def whole_rows(marks: Mapping[str, tuple[str, str]], first_col: int, last_col: int,
               kind: str = DUPLICATE) -> dict[str, tuple[str, str]]:
    """``marks`` plus a colour-only mark of ``kind`` on every cell (columns ``first_col`` to
    ``last_col``) of each row that has a ``kind`` mark: a duplicate's whole row keeps its
    colour when validation re-marks the cells in it.

    >>> whole_rows({"B3": ("duplicate", "Duplicaat van rij 5."), "A4": ("error", "x")}, 1, 3)
    {'B3': ('duplicate', 'Duplicaat van rij 5.'), 'A4': ('error', 'x'), 'A3': ('duplicate', ''), \
'C3': ('duplicate', '')}
    """
    out = dict(marks)
    rows = {parse_ref(ref)[0] for ref, (k, _) in marks.items() if k == kind}
    for row in sorted(rows):
        for col in range(first_col, last_col + 1):
            out.setdefault(cell_ref(row, col), (kind, ""))
    return out


# --- settings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """One line of the settings sheet: the label users see, the choices (dropdown), the
    default, and an explanation."""

    key: str
    label: str
    choices: tuple[str, ...] | None
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("as_", "Importeren als", ("Klant", "Leverancier", "Beide"), "Klant",
            "Als klant, als leverancier of als allebei in NumNum."),
    Setting("contact_persons", "Contactpersonen", ("Ook importeren", "Niet importeren"),
            "Ook importeren", "De kolommen contactperson_first_name en "
            "contactperson_last_name worden een contactpersoon."),
    Setting("duplicates", "Bij duplicaten", ("Overslaan", "Overschrijven", "Nieuw aanmaken"),
            "Overslaan", "Wat er gebeurt met een rij die al als klant in NumNum staat."),
    Setting("delete", "Klanten verwijderen",
            ("Nee", "Verwijder de eerder geïmporteerde items", "Verwijder alles"), "Nee",
            "Vóór het importeren klanten in NumNum verwijderen. U krijgt altijd eerst een "
            "vraag ter bevestiging en een reservekopie."),
    Setting("api_url", "API-adres", None, "",
            "Het adres van de NumNum-API (leeg: het adres uit numnum-xl, of de lokale "
            "proefomgeving)."),
    Setting("lang", "Taal van de meldingen", ("Nederlands", "Français", "English"),
            "Nederlands", "De taal van de opmerkingen in de cellen en van het blad "
            "NumNum-controle."),
)
SETTING_BY_LABEL = {s.label.casefold(): s for s in SETTINGS}
LANG_CHOICE = {"Nederlands": "nl", "Français": "fr", "English": "en"}
TOKEN_HINT = ("Het API-token staat nooit in de werkmap. Bewaar het één keer op deze computer "
              "met: numnum-xl token set (het komt in de sleutelhanger van het "
              "besturingssysteem), of zet de omgevingsvariabele NUMNUM_API_TOKEN.")


def settings_grid() -> list[list[Any]]:
    """The settings sheet: title, a header row, one row per setting, the token hint."""
    grid: list[list[Any]] = [["NumNum-instellingen voor deze werkmap", None, None],
                             ["Instelling", "Waarde", "Uitleg"]]
    grid += [[s.label, s.default or None, s.help] for s in SETTINGS]
    grid += [[None, None, None], ["API-token", None, TOKEN_HINT]]
    return grid


#: 1-based row of the first setting on the settings sheet.
SETTINGS_FIRST_ROW = 3


def parse_settings(grid: Sequence[Sequence[Any]] | None) -> dict[str, str]:
    """Setting key → the value on the settings sheet (defaults for what is missing or not
    one of the choices).

    >>> parse_settings([["x"], ["Importeren als", "Beide"], ["Bij duplicaten", "???"]])["as_"]
    'Beide'
    >>> parse_settings(None)["duplicates"]
    'Overslaan'
    """
    values = {s.key: s.default for s in SETTINGS}
    for raw in grid or ():
        if not raw or not isinstance(raw[0], str):
            continue
        setting = SETTING_BY_LABEL.get(raw[0].strip().casefold())
        if setting is None or len(raw) < 2 or raw[1] is None:
            continue
        value = str(raw[1]).strip()
        if setting.choices is None:
            values[setting.key] = value
            continue
        match = next((c for c in setting.choices if c.casefold() == value.casefold()), None)
        if match is not None:
            values[setting.key] = match
    return values


# --- the mapping sheet -------------------------------------------------------------------------

SKIP_CHOICE = "(niet importeren)"
_MAPPING_TITLE = "Koppeling van blad «{sheet}»"


def mapping_grid(table: Table, mapping: Any, sheet: str, keys: Sequence[str],
                 labels: Mapping[str, str]) -> list[list[Any]]:
    """The mapping sheet: one row per column of ``sheet`` with the field it feeds (editable,
    a dropdown of ``keys``) and, in column G, the list the dropdown takes its values from."""
    grid: list[list[Any]] = [
        [_MAPPING_TITLE.format(sheet=sheet), None, None, None, None, None, None],
        ["Kolom", "Kop in het blad", "NumNum-veld", "Omschrijving", "Herkend via", None,
         "Velden"]]
    for col in mapping.columns:
        key = col.key if col.key and col.index not in mapping.duplicates else None
        how = {"key": "kolomnaam", "label": "label", "synonym": "synoniem",
               "ambiguous": "synoniem", "fuzzy": f"lijkt op ({col.score:.0%})",
               "profile": "profiel", "skip": "overgeslagen"}.get(col.how or "", "niet herkend")
        if col.index in mapping.duplicates:
            how = "dubbel: ander kolom voedt dit veld al"
        grid.append([column_letter(table.first_col + col.index), col.header,
                     key if key else SKIP_CHOICE, labels.get(key, "") if key else None,
                     how, None, None])
    choices = [SKIP_CHOICE, *keys]
    while len(grid) < 2 + len(choices):
        grid.append([None] * 7)
    for i, choice in enumerate(choices):
        grid[2 + i][6] = choice
    return grid


def mapping_overrides(grid: Sequence[Sequence[Any]] | None, sheet: str,
                      headers: Sequence[str], keys: Iterable[str]
                      ) -> dict[str, list[str]] | None:
    """The choices of a mapping sheet as :func:`numnum_xl.mapping.propose` overrides, if the
    sheet was made for ``sheet`` and lists its headers; ``None`` otherwise."""
    if not grid or not grid[0] or grid[0][0] != _MAPPING_TITLE.format(sheet=sheet):
        return None
    known = set(keys)
    overrides: dict[str, list[str]] = {}
    listed = []
    for raw in grid[2:]:
        if len(raw) < 3 or raw[1] is None:
            continue
        header = str(raw[1])
        listed.append(header)
        choice = str(raw[2]).strip() if raw[2] is not None else SKIP_CHOICE
        if choice == SKIP_CHOICE:
            overrides.setdefault("skip", []).append(header)
        elif choice in known:
            overrides.setdefault(choice, []).append(header)
    if [h for h in headers if h.strip()] != [h for h in listed if h.strip()]:
        return None
    return overrides


def ref_of(row: int, col: int) -> str:
    """A1 address of 1-based ``row``/``col``."""
    return cell_ref(row, col)
