"""Reading and writing a live workbook through xlwings, with as few calls as possible.

Every function takes xlwings objects (or the fakes of ``tests/xlfakes.py``) and uses only
xlwings 0.37.8's public API; the few things xlwings does not cover on the desktop (very hidden
sheets, frozen panes, a dropdown's warning style, protection) are in
:mod:`numnum_xl.addin.native`. What costs how many calls:

* a sheet is read with one ``used_range.options(ndim=2, err_to_str=True).value``;
* colours are written per colour, as multi-area addresses of single cells of at most 255
  characters (about 40 cells a call; :func:`numnum_xl.sheetmarks.address_chunks`);
* the fills of the cells about to be marked are read per column, one rectangular block at a
  time, split in halves only where fills differ (:func:`read_fills`): a sheet without fills
  costs one call per column with flagged cells. (``Range.get_colors()`` would be one call per
  10,000 cells, but xlwings 0.37.8 implements it for xlwings Lite only.)
* the sheet's existing notes are read once (``sheet.notes``: text and cell of each); a note is
  written per flagged cell (there is no bulk call for notes);
* the state sheet and the summary sheet are written with one ``.value`` each.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from numnum_xl import sheetmarks as sm
from numnum_xl.addin import Stop, native
from numnum_xl.findings import ERROR
from numnum_xl.marks import STATE_SHEET, SUMMARY_SHEET
from numnum_xl.table import Table

Color = sm.Color
#: The clock of the progress messages (tests put the fakes' call clock here).
clock: Callable[[], float] = time.monotonic
#: Longest time between two status-bar updates while marking or sending (seconds): the
#: issue asks for "at least every second"; half that leaves room for a slow call.
STATUS_EVERY = 0.5


# --- progress ----------------------------------------------------------------------------------

@contextmanager
def busy(app: Any, message: str) -> Iterator[Any]:
    """Screen updating off and ``message`` on the status bar while writing; both restored."""
    app.status_bar = f"NumNum: {message}"
    app.screen_updating = False
    try:
        yield app
    finally:
        try:
            app.screen_updating = True
        finally:
            app.status_bar = False


def status(app: Any, message: str) -> None:
    """Show progress on the status bar."""
    app.status_bar = f"NumNum: {message}"


class Ticker:
    """``what 120/480…`` on the status bar, at most every :data:`STATUS_EVERY` seconds
    (one call each), so long loops show that they move without costing a call per step."""

    def __init__(self, app: Any, what: str, total: int) -> None:
        self.app, self.what, self.total = app, what, total
        self.last = clock()
        self.done = 0

    def __call__(self, done: int | None = None) -> None:
        """After a step (``done``: how many of ``total``; None: still the same count)."""
        if done is not None:
            self.done = done
        now = clock()
        if now - self.last >= STATUS_EVERY:
            self.last = now
            status(self.app, f"{self.what} {self.done}/{self.total}…")


# --- sheets ------------------------------------------------------------------------------------

def own_sheets() -> frozenset[str]:
    """Every sheet the add-in makes (never validated, marked or fixed)."""
    from numnum_xl.addin.checks import SHEETS

    return sm.OWN_SHEETS | set(SHEETS) | {"NumNum-import"}


def find_sheet(book: Any, name: str) -> Any | None:
    """The sheet called ``name`` (any case), or ``None``."""
    names = book.sheet_names
    match = next((n for n in names if n.lower() == name.lower()), None)
    return book.sheets[match] if match is not None else None


def data_sheet(book: Any) -> Any:
    """The active sheet, unless it is one the add-in made."""
    sheet = book.sheets.active
    if sheet.name.lower() in {s.lower() for s in own_sheets()}:
        raise Stop(f"Het blad «{sheet.name}» is een blad van NumNum. Klik eerst op het blad "
                   f"met de klanten en dan opnieuw op de knop.")
    return sheet


def add_sheet(book: Any, name: str, *, before: Any = None, after: Any = None) -> Any:
    """A new sheet (Excel activates it; callers activate the user's sheet again). Without
    ``before``/``after`` it goes before the hidden state sheet, or after the last sheet when
    there is none: never "after" the state sheet, which xlwings on Windows does by moving
    that very hidden sheet."""
    if before is None and after is None:
        before = find_sheet(book, STATE_SHEET)
        if before is None:
            after = book.sheets[-1]
    return book.sheets.add(name, before=before, after=after)


def fresh_sheet(book: Any, name: str, *, before: Any = None) -> Any:
    """The sheet ``name`` emptied, or a new one (before ``before`` / the state sheet)."""
    sheet = find_sheet(book, name)
    if sheet is not None:
        sheet.clear()
        return sheet
    return add_sheet(book, name, before=before)


def very_hide(sheet: Any) -> None:
    """Hide ``sheet`` so that only VBA can show it again (falls back to plainly hidden)."""
    native.very_hide(sheet)


def ensure_writable(book: Any, sheet: Any | None, *, adds_sheets: bool = True) -> None:
    """Stop (Dutch message, nothing changed) when the sheet or the workbook's structure is
    protected: asked before the first write."""
    reason = native.protection(book, sheet, adds_sheets=adds_sheets)
    if reason:
        raise Stop(reason, "critical")


def delete_sheet(sheet: Any) -> None:
    """Delete a sheet, hidden or not (xlwings turns Excel's confirmation off for it)."""
    with suppress(Exception):
        sheet.visible = True
    sheet.delete()


def freeze_top_row(book: Any, sheet: Any) -> bool:
    """Freeze row 1 of the (active) ``sheet``. xlwings 0.37.8 implements ``freeze_panes`` for
    xlwings Server/Lite only; on the desktop the window is set through ``.api``."""
    try:
        sheet.freeze_panes.freeze_at("A2")
        return True
    except NotImplementedError:
        pass
    except Exception:
        return False
    return native.freeze_top_row(book)


# --- reading -----------------------------------------------------------------------------------

@dataclass
class SheetData:
    """One bulk read of a sheet and the table made of it."""

    sheet: Any
    name: str
    grid: list[list[Any]]
    first_row: int
    first_col: int
    table: Table

    def value_at(self, row: int, col: int) -> Any:
        """The value read at 1-based ``row``/``col`` (``None`` outside the block)."""
        i, j = row - self.first_row, col - self.first_col
        if 0 <= i < len(self.grid) and 0 <= j < len(self.grid[i]):
            return self.grid[i][j]
        return None


def read_block(sheet: Any) -> tuple[list[list[Any]], int, int]:
    """The used range's values (2-D, errors as ``"#N/A"`` text) and its top-left cell."""
    used = sheet.used_range
    grid = used.options(ndim=2, err_to_str=True).value
    return grid or [], used.row, used.column


def read_sheet(book: Any, sheet: Any) -> SheetData:
    """Read ``sheet`` in one call and make a :class:`~numnum_xl.table.Table` of it."""
    from numnum_xl.readers import table_from_grid

    name = sheet.name
    grid, row0, col0 = read_block(sheet)
    table = table_from_grid(grid, row0, col0, source=book.name, sheet=name)
    return SheetData(sheet, name, grid, row0, col0, table)


# --- colours -----------------------------------------------------------------------------------

def paint(sheet: Any, by_color: Mapping[Color | None, Iterable[str]],
          tick: Callable[[], None] | None = None) -> int:
    """Give every listed cell its colour: one call per ≤255-character address; returns the
    number of calls."""
    calls = 0
    for color, refs in by_color.items():
        for address in sm.address_chunks(refs):
            sheet.range(address).color = color
            calls += 1
            if tick:
                tick()
    return calls


def _block_color(sheet: Any, col: int, top: int, bottom: int) -> tuple[bool, Color | None]:
    """(uniform?, colour) of the cells ``top..bottom`` of column ``col``. Several cells with
    mixed fills raise in xlwings; mixed "no fill" and white read as white: not uniform."""
    rng = sheet.range((top, col)) if top == bottom else sheet.range((top, col), (bottom, col))
    try:
        color = rng.color
    except Exception:
        return False, None
    if top != bottom and color is not None and tuple(color) == sm.WHITE:
        return False, None
    return True, (tuple(color) if color is not None else None)


def read_fills(sheet: Any, cells: Iterable[tuple[int, int]],
               tick: Callable[[], None] | None = None) -> dict[tuple[int, int], Color | None]:
    """The fill of each (row, column), read in rectangular blocks per column: the block from
    the first to the last listed row; where its cells differ, each half again."""
    out: dict[tuple[int, int], Color | None] = {}
    for col, rows in sm.column_runs(cells).items():
        stack = [rows]
        while stack:
            part = stack.pop()
            uniform, color = _block_color(sheet, col, part[0], part[-1])
            if tick:
                tick()
            if uniform or len(part) == 1:
                for r in part:
                    out[(r, col)] = color
                continue
            mid = len(part) // 2
            stack += [part[mid:], part[:mid]]
    return out


def read_colors_expecting(sheet: Any, refs: Iterable[str], expected: Color
                          ) -> dict[str, Color | None]:
    """The fill of each cell, read per multi-area chunk when the whole chunk has the
    ``expected`` colour (one call), else per cell."""
    out: dict[str, Color | None] = {}
    for address in sm.address_chunks(refs):
        try:
            color = sheet.range(address).color
        except Exception:
            color = None
        if color is not None and tuple(color) == expected:
            out.update(dict.fromkeys(address.split(","), expected))
            continue
        for ref in address.split(","):
            try:
                c = sheet.range(ref).color
            except Exception:
                c = None
            out[ref] = tuple(c) if c is not None else None
    return out


# --- the state sheet ---------------------------------------------------------------------------

def read_state(book: Any) -> tuple[Any | None, list[sm.StateRecord]]:
    """The state sheet (or ``None``) and its records."""
    state = find_sheet(book, STATE_SHEET)
    if state is None:
        return None, []
    grid, _, _ = read_block(state)
    return state, sm.parse_state(grid)


def write_state(book: Any, state: Any | None, records: list[sm.StateRecord],
                tick: Callable[[], None] = lambda: None) -> Any | None:
    """Replace the state sheet's content with ``records`` (one bulk write); without records
    the sheet goes. Returns the state sheet."""
    if not records:
        if state is not None:
            delete_sheet(state)
        return None
    if state is None:
        state = add_sheet(book, STATE_SHEET)
        tick()
        very_hide(state)
    else:
        state.clear()
    tick()
    state.range("A:B").number_format = "@"  # sheet names and cells stay text
    tick()
    state.range("D:G").number_format = "@"
    tick()
    state.range("A1").value = sm.state_grid(records)
    tick()
    return state


# --- marking -----------------------------------------------------------------------------------

@dataclass
class MarkResult:
    """What :func:`apply_marks` did."""

    marked: int = 0
    restored: int = 0
    color_calls: int = 0
    notices: list[str] = field(default_factory=list)


def _note_text(note: Any) -> str | None:
    if note is None:
        return None
    text = note.text
    return text if text else None


def _restore_note(sheet: Any, note: Any, record: sm.StateRecord) -> None:
    current = _note_text(note)
    target = sm.restored_note(current, record.original, record.written)
    if target == current:
        return
    if target is None:
        note.delete()
    elif note is not None:
        note.text = target
    else:
        sheet.range(record.cell).add_note(target)


def read_notes(sheet: Any) -> dict[str, Any]:
    """Every note of ``sheet`` by cell (``"E5"``): one ``sheet.notes`` walk instead of a
    ``range(cell).note`` per flagged cell."""
    out: dict[str, Any] = {}
    for note in sheet.notes:
        out[sm.normal_ref(note.location.address)] = note
    return out


def restore_cells(sheet: Any, records: list[sm.StateRecord], *, notes: bool = True,
                  existing: dict[str, Any] | None = None,
                  tick: Callable[[int], None] | None = None) -> int:
    """Undo our marks on ``records`` of ``sheet``: the fill comes back where it is still ours
    (a fill the user changed since is kept), the note as :func:`sheetmarks.restored_note`
    says. ``existing``: :func:`read_notes` when the caller has it. Returns the number of
    cells."""
    by_sev: dict[str, list[str]] = {}
    for rec in records:
        by_sev.setdefault(rec.severity, []).append(rec.cell)
    current: dict[str, Color | None] = {}
    for sev, refs in by_sev.items():
        current.update(read_colors_expecting(sheet, refs, sm.SEVERITY_COLOR[sev]))
    back: dict[str, Color | None] = {}
    for rec in records:  # any colour of ours: a run that failed may have left the old one
        if current.get(rec.cell) in sm.OUR_COLORS:
            back[rec.cell] = rec.color
    paint(sheet, sm.group_by_color(back))
    if notes:
        existing = read_notes(sheet) if existing is None else existing
        for i, rec in enumerate(records):
            note = existing.get(rec.cell)
            if note is not None or rec.original is not None:
                _restore_note(sheet, note, rec)
            if tick:
                tick(i)
    return len(records)


def apply_marks(book: Any, data: SheetData, marks: Mapping[str, tuple[str, str]], *,
                state: tuple[Any | None, list[sm.StateRecord]] | None = None) -> MarkResult:
    """Mark ``marks`` (cell → severity, note text) on the sheet of ``data``; our earlier marks
    on that sheet go first. The user's fills and notes are recorded in the state sheet.
    ``state``: :func:`read_state`'s answer when the caller has it already.

    Write-ahead: nothing is written into the sheet before the state sheet lists every cell
    this run may touch (the old marks and the new ones), so "Wis markeringen" can undo a run
    that failed half-way (a protected sheet, an Excel that stopped answering). When a write
    fails, the state is written once more as it then is, and the error goes on."""
    sheet, name = data.sheet, data.name
    ensure_writable(book, sheet)
    result = MarkResult()
    state_sheet, records = state if state is not None else read_state(book)
    old = {r.cell: r for r in records if r.sheet == name}
    others = [r for r in records if r.sheet != name]
    marks = {sm.normal_ref(k): v for k, v in marks.items()}
    notes = read_notes(sheet) if (marks or old) else {}
    leaving = [r for ref, r in old.items() if ref not in marks]
    tick = Ticker(book.app, "markeren", len(leaving) + len(marks))

    # the user's own fills of the cells to mark (an old mark's cell: as recorded then)
    cells = {ref: sm.parse_ref(ref) for ref in marks}
    fresh = [cells[ref] for ref in marks if ref not in old]
    own_fill = read_fills(sheet, fresh, tick) if fresh else {}

    # every record, decided before anything is written
    new_records: dict[str, sm.StateRecord] = {}
    texts: dict[str, str | None] = {}  # the notes' text, read once
    for ref in sorted(marks, key=sm.sheet_order):
        severity, ours = marks[ref]
        note = notes.get(ref)
        current = texts[ref] = _note_text(note)
        rec = old.get(ref)
        if rec is not None:
            user_text = sm.restored_note(current, rec.original, rec.written)
            if user_text is None:
                original = None
            elif rec.original is not None and user_text == rec.original[0]:
                original = list(rec.original)
            else:
                original = [user_text, note.author if note is not None else ""]
            fill = rec.fill
        else:
            user_text = current
            original = None if current is None else [current, note.author]
            fill = sm.fill_xml(own_fill.get(cells[ref]))
        row, col = cells[ref]
        existed = data.value_at(row, col) is not None or sm.color_from_fill_xml(fill) \
            is not None or original is not None
        # a mark without text only colours (marks.COLOUR_ONLY): the cell keeps the user's
        # own note, and a note of ours from an earlier run goes
        if ours:
            written = sm.compose_note(user_text, ours)
        else:
            written = (user_text or "") if current is not None else ""
        new_records[ref] = sm.StateRecord(name, ref, existed, fill, original, written,
                                          severity)
    # a cell marked before and now: until its note is rewritten, the record says the old text
    pending = {ref: old.get(ref, rec) for ref, rec in new_records.items()}
    state_sheet = write_state(book, state_sheet, others + list(pending.values()) + leaving,
                              tick)

    try:
        # 1. our old marks that go
        if leaving:
            result.restored = restore_cells(sheet, leaving, existing=notes, tick=tick)
        # 2. notes, per cell
        for i, ref in enumerate(sorted(marks, key=sm.sheet_order), start=len(leaving)):
            rec = new_records[ref]
            note = notes.get(ref)
            if not marks[ref][1]:
                if note is not None and texts[ref] != rec.written:  # an old note of ours
                    if rec.written:
                        note.text = rec.written
                    else:
                        note.delete()
            elif note is not None:
                if texts[ref] != rec.written:
                    note.text = rec.written
            else:
                sheet.range(ref).add_note(rec.written)
            pending[ref] = rec
            tick(i)
        # 3. our fills
        by_color: dict[Color | None, list[str]] = {}
        for ref, (severity, _) in marks.items():
            by_color.setdefault(sm.SEVERITY_COLOR[severity], []).append(ref)
        result.color_calls = paint(sheet, by_color, tick)
    except BaseException:
        with suppress(Exception):  # the state as it now is; the write-ahead one stays else
            write_state(book, state_sheet, others + list(pending.values()) + leaving)
        raise
    result.marked = len(new_records)
    write_state(book, state_sheet, others + list(new_records.values()), tick)
    return result


def clear_marks(book: Any) -> tuple[int, list[str]]:
    """Remove every mark of ours in ``book`` and the sheets we made for a check; returns
    (cells restored, sheets removed)."""
    state, records = read_state(book)
    restored = 0
    names = set(book.sheet_names)
    by_sheet: dict[str, list[sm.StateRecord]] = {}
    for rec in records:
        by_sheet.setdefault(rec.sheet, []).append(rec)
    for name, recs in by_sheet.items():
        if name in names:
            restored += restore_cells(book.sheets[name], recs)
    removed = []
    from numnum_xl.addin.checks import SHEETS

    for name in (*sm.REPORT_SHEETS, *SHEETS, STATE_SHEET):
        sheet = state if name == STATE_SHEET else find_sheet(book, name)
        if sheet is not None:
            delete_sheet(sheet)
            removed.append(name)
    return restored, removed


# --- writing values ----------------------------------------------------------------------------

def write_values(sheet: Any, values: Mapping[str, Any]) -> int:
    """Write new cell values (fixes), one call per cell; text Excel would turn into a number,
    date or formula goes into cells formatted as text first (one call per ~40 cells).
    Returns the number of cells written."""
    as_text = [ref for ref, v in values.items() if sm.needs_text_format(v)]
    for address in sm.address_chunks(as_text):
        sheet.range(address).number_format = "@"
    for ref in sorted(values, key=sm.sheet_order):
        sheet.range(ref).value = values[ref]
    return len(values)


# --- the summary sheet -------------------------------------------------------------------------

def write_summary(book: Any, data: SheetData, findings: list[Any], lang: str, *,
                  name: str = SUMMARY_SHEET, validated: bool = True) -> Any:
    """The sheet ``NumNum-controle`` (or ``name``) in the command line's layout
    (:func:`numnum_xl.sheetmarks.summary_plan`): the text columns formatted as text, one bulk
    write, then one call per style attribute and address."""
    status(book.app, "overzicht schrijven…")
    plan = sm.summary_plan(data.table, findings, data.name, book.name, lang,
                           validated=validated)
    tick = Ticker(book.app, "overzicht schrijven", len(plan.formats) + 10)
    state = find_sheet(book, STATE_SHEET)
    summary = fresh_sheet(book, name, before=state)
    tick()
    # a reused sheet: on the Mac engine clearing it keeps whole-column formats
    summary.range("A:H").number_format = "General"
    summary.range("A:H").wrap_text = False
    tick()
    for col in plan.text_columns:
        summary.range(f"{col}:{col}").number_format = "@"
        tick()
    summary.range("A1").value = plan.grid
    tick()
    for address, attribute, value in plan.formats:
        target = summary.range(address)
        if attribute.startswith("font."):
            target = target.font
            attribute = attribute[len("font."):]
        setattr(target, attribute, value)
        tick()
    return summary


def severity_counts(findings: Iterable[Any]) -> tuple[int, int]:
    """(errors, warnings)."""
    findings = list(findings)
    errors = sum(1 for f in findings if f.severity == ERROR)
    return errors, len(findings) - errors


# --- work off the main thread, progress on the status bar -------------------------------------

class Progress:
    """A progress sink for work in other threads (push's workers, online checks): it only
    counts, under a lock; :func:`in_background` shows the count from the main thread, the
    only one that may call Excel. Takes both shapes in use: ``progress(done, total)`` and
    the ``advance(n)``/``update(n)``/``close()`` object of ``push.execute``."""

    def __init__(self, total: int = 0) -> None:
        import threading

        self._lock = threading.Lock()
        self.done, self.total = 0, total

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n

    update = advance

    def close(self) -> None:
        """Nothing to close: the status bar belongs to the main thread."""

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self.done, self.total


def in_background(app: Any, what: str, work: Callable[[Progress], Any], *,
                  total: int = 0) -> Any:
    """Run ``work(progress)`` in a worker thread; meanwhile the main thread puts
    ``what done/total…`` on the status bar every :data:`STATUS_EVERY` seconds. Returns what
    ``work`` returns, raises what it raises. ``work`` must not call Excel."""
    import threading

    progress = Progress(total)
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work(progress)
        except BaseException as exc:  # handed to the main thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="numnum-xl-work", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(STATUS_EVERY)
        done, total_now = progress.snapshot()
        status(app, f"{what} {done}/{total_now}…" if total_now else f"{what} {done}…")
    if "error" in box:
        raise box["error"]
    return box.get("result")
