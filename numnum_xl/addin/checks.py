"""The ribbon's *Exporteer voor NumNum*, *Peppol-check* and *VIES-check*.

Thin: the work is done by :func:`numnum_xl.export.export_data`, :func:`numnum_xl.peppol.
check_report` and :func:`numnum_xl.vies.check_report` (imported when the button is clicked),
on the validation report of the active sheet. This module only reads the sheet, runs them
(the online checks in a worker thread, with their progress on the status bar) and writes
the answer back:

* export: a new workbook with NumNum's sample-file columns, every column formatted as text
  first and the rows written in one call; the held-back rows in the alert;
* Peppol / VIES: per row, the result's text as a mark on the row's first cell (colour by
  severity: error red, warning orange; ``ok`` and ``unchecked`` unmarked), kept apart from
  the validation marks by a prefix (``Peppol: ``, ``VIES: ``), and every result on a sheet
  (``NumNum-peppol``, ``NumNum-vies``) with a link to its row and the value ``--fix`` would
  write.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from numnum_xl import sheetmarks as sm
from numnum_xl.addin import Stop
from numnum_xl.addin import excel as xl
from numnum_xl.findings import ERROR, WARNING
from numnum_xl.marks import DUPLICATE, FIXED
from numnum_xl.summary import WORDS

#: Note prefix and result sheet per online check.
ONLINE = {"peppol": ("Peppol: ", "NumNum-peppol", "Peppol"),
          "vies": ("VIES: ", "NumNum-vies", "VIES")}
#: Sheets these buttons add ("Wis markeringen" removes them too).
SHEETS = tuple(sheet for _, sheet, _ in ONLINE.values())
_FOUT = " (fout)"
#: The note prefixes of each online check (its warnings, its errors).
_ONLINE_PREFIXES = {check: (p, p.rstrip(": ") + _FOUT + ": ") for check, (p, _, _)
                    in ONLINE.items()}
#: How validation's note lines start, in every language (:func:`numnum_xl.marks.marks_by_cell`:
#: "Fout: …", "Waarschuwing: …", "Erreur : …"); error lines apart.
_ERROR_PREFIXES = tuple(w[ERROR] + w["colon"] for w in WORDS.values())
_VALIDATION_PREFIXES = _ERROR_PREFIXES + tuple(w[WARNING] + w["colon"] for w in WORDS.values())


def _starts(texts: Any) -> tuple[str, ...]:
    """The fixed beginnings of message templates (the text before the first ``{``)."""
    return tuple(sorted({t.split("{")[0] for t in texts if len(t.split("{")[0]) >= 4},
                        key=len, reverse=True))


def _duplicate_starts() -> tuple[str, ...]:
    from numnum_xl.marks import COLOUR_ONLY
    from numnum_xl.messages import MESSAGES

    texts = [t for code, ts in MESSAGES.items() if code.startswith(("duplicate.", "existing."))
             and code not in COLOUR_ONLY and not code.startswith("duplicate.group.")
             for t in ts]
    # and the add-in's duplicate notes before it wrote the command line's
    return _starts([*texts, "Duplicaat: ", "Doublon : ", "Duplicate: "])


_DUPLICATE_STARTS = _duplicate_starts()
#: ``--fix``'s note on a cell it changed ("Gewijzigd: «belgië» → «BE»").
_FIXED_STARTS = _starts(w["changed_note"] for w in WORDS.values())


def line_source(line: str) -> str:
    """Which check wrote a line of one of our notes, by how it begins: ``validation``
    ("Fout: …", "Avertissement : …"), an online check (``peppol``, ``vies``), ``duplicates``
    (the duplicate messages: "Duplicaat van rij 12: …", "Bestaat al in NumNum: …"),
    ``fixed`` (``--fix``'s "Gewijzigd: …") or ``other``.

    >>> line_source("Fout: Titel is verplicht maar leeg."), line_source("VIES (fout): x")
    ('validation', 'vies')
    >>> line_source("Mogelijk duplicaat van rij 4: zelfde e-mailadres (a@b.be).")
    'duplicates'
    >>> line_source("Gewijzigd: «belgië» → «BE»"), line_source("9000 Gent")
    ('fixed', 'other')
    """
    if line.startswith(_VALIDATION_PREFIXES):
        return "validation"
    for check, prefixes in _ONLINE_PREFIXES.items():
        if line.startswith(prefixes):
            return check
    if line.startswith(_DUPLICATE_STARTS):
        return "duplicates"
    if line.startswith(_FIXED_STARTS):
        return "fixed"
    return "other"


def line_sources(lines: list[str]) -> list[str]:
    """:func:`line_source` of each line; a line that begins like none of them continues the
    line above it (a message whose value holds a line break), and before any: ``other``.

    >>> line_sources(["Waarschuwing: Adres … Voorstel: Kerkstraat 1", "9000 Gent"])
    ['validation', 'validation']
    """
    out: list[str] = []
    for line in lines:
        source = line_source(line)
        out.append(out[-1] if source == "other" and out else source)
    return out


def _kind_of_lines(lines: list[str], sources: list[str]) -> str:
    """The mark of a cell whose note keeps ``lines``: error, duplicate, warning, fixed (as
    :data:`numnum_xl.marks._KIND_RANK` ranks them)."""
    if any(ln.startswith(_ERROR_PREFIXES) or _FOUT + ":" in ln for ln in lines):
        return ERROR
    if "duplicates" in sources:
        return DUPLICATE
    if "fixed" in sources and not set(sources) - {"fixed", "other"}:
        return FIXED
    return WARNING


_SEVERITY = {"error": ERROR, "warning": WARNING}


def _report(book: Any) -> tuple[xl.SheetData, Any, str]:
    from numnum_xl.addin import buttons

    lang = buttons._lang(buttons.workbook_settings(book))
    data = xl.read_sheet(book, xl.data_sheet(book))
    buttons._check_has_header(data)
    return data, buttons._validated(book, data, lang), lang


def _engine(module: str, what: str) -> Any:
    """The engine module of a button, or a Dutch stop when this numnum-xl has none yet."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise Stop(f"{what} zit niet in deze versie van numnum-xl ({module} ontbreekt). "
                   "Werk numnum-xl bij en voer numnum-xl addin install uit.", "critical") \
            from None


def export_numnum(book: Any) -> None:
    """nnExport: the rows NumNum will accept, as its import file, in a new workbook."""
    export_data = _engine("numnum_xl.export", "Exporteer voor NumNum").export_data

    with xl.busy(book.app, "blad lezen…"):
        data, report, lang = _report(book)
        xl.status(book.app, "export maken…")
        export = export_data(report, lang=lang)
        headers, rows = list(export.headers), [list(r) for r in export.rows]
        if not rows:
            held = _held_text(export.held_back)
            raise Stop("Er is geen enkele rij klaar voor NumNum: er is niets geëxporteerd."
                       + (f"\n{held}" if held else ""), "critical")
        new = book.app.books.add()
        sheet = new.sheets[0]
        with suppress(Exception):
            sheet.name = "NumNum-import"
        last = sm.ref_of(1, len(headers))[:-1]
        sheet.range(f"A:{last}").number_format = "@"  # identifiers stay text
        sheet.range("A1").value = [headers, *rows]
        sheet.range((1, 1), (1, len(headers))).font.bold = True
    held = _held_text(export.held_back)
    book.app.status_bar = False
    from numnum_xl.addin import show

    show(book.app, f"{len(rows)} {'rij' if len(rows) == 1 else 'rijen'} van blad «{data.name}» "
                   f"staan in een nieuwe werkmap, met de kolommen van het voorbeeldbestand van "
                   f"NumNum. Bewaar ze als .xlsx of .csv en importeer ze in NumNum."
                   + (f"\n\n{held}" if held else ""))


def _held_text(held_back: list[tuple[int, str]], limit: int = 12) -> str:
    if not held_back:
        return ""
    lines = [f"rij {row}: {reason}" for row, reason in held_back[:limit]]
    more = f"\n… en nog {len(held_back) - limit}" if len(held_back) > limit else ""
    return (f"{len(held_back)} {'rij' if len(held_back) == 1 else 'rijen'} niet "
            f"geëxporteerd:\n" + "\n".join(lines) + more)


def peppol_check(book: Any) -> None:
    """nnPeppol: is each customer reachable on Peppol? (online, on request only)"""
    peppol = _engine("numnum_xl.peppol", "De Peppol-check")
    _online(book, "peppol", lambda report, lang, progress: peppol.check_report(
        report, lang=lang, progress=progress))


def vies_check(book: Any) -> None:
    """nnVies: does VIES know each VAT number (and under which name)? (online)"""
    vies = _engine("numnum_xl.vies", "De VIES-check")
    _online(book, "vies", lambda report, lang, progress: vies.check_report(
        report, lang=lang, progress=progress))


def online_marks(table: Any, results: list[Any], prefix: str) -> dict[str, tuple[str, str]]:
    """Cell → (severity, note) for the results worth a mark: the row's first cell."""
    marks: dict[str, tuple[str, str]] = {}
    for r in results:
        severity = _SEVERITY.get(r.severity)
        if severity is None:
            continue
        cell = sm.ref_of(r.row, table.first_col)
        text = f"{prefix.rstrip(': ')}{_FOUT if severity == ERROR else ''}: {r.text}"
        marks = sm.merge_marks(marks, {cell: (severity, text)})
    return marks


def kept_marks(records: list[sm.StateRecord], sheet_name: str, *,
               drop: str) -> dict[str, tuple[str, str]]:
    """Our current marks on ``sheet_name`` without the note lines of check ``drop`` (a
    :func:`line_source`: the check about to run again) and without lines no check can be
    named for. A cell the duplicate check only coloured (the rest of a duplicate row) is kept
    unless ``drop`` is ``duplicates``."""
    out: dict[str, tuple[str, str]] = {}
    colour_only = drop != "duplicates"
    for rec in records:
        if rec.sheet != sheet_name:
            continue
        ours = [ln for ln in sm.ours_of(rec.written, rec.original).split("\n") if ln]
        sources = line_sources(ours)
        keep = [(ln, src) for ln, src in zip(ours, sources, strict=True)
                if src not in (drop, "other")]
        if keep:
            lines = [ln for ln, _ in keep]
            out[rec.cell] = (_kind_of_lines(lines, [src for _, src in keep]),
                             "\n".join(lines))
        elif colour_only and rec.severity == DUPLICATE:
            out[rec.cell] = (DUPLICATE, "")
    return out


def _online(book: Any, check: str, run: Any) -> None:
    prefix, sheet_name, label = ONLINE[check]
    with xl.busy(book.app, "blad lezen…"):
        data, report, lang = _report(book)
        results = xl.in_background(book.app, f"{label}-controle",
                                   lambda progress: run(report, lang, progress),
                                   total=data.table.data_rows)
        state = xl.read_state(book)
        keep = kept_marks(state[1], data.name, drop=check)
        marks = sm.merge_marks(keep, online_marks(data.table, results, prefix))
        xl.apply_marks(book, data, marks, state=state)
        sheet = xl.fresh_sheet(book, sheet_name)
        grid: list[list[Any]] = [[f"{label}-controle van blad «{data.name}»", None, None, None,
                                  None],
                                 ["Rij", "Resultaat", "Ernst", "Uitleg", "Voorstel"]]
        for r in sorted(results, key=lambda r: r.row):
            fixes = "; ".join(f"{k} = {v}" for k, v in (r.fixes or {}).items())
            grid.append([sm.hyperlink_formula(data.name, sm.ref_of(r.row, data.table.first_col)),
                         r.state, r.severity, r.text, fixes or None])
        sheet.range("D:E").number_format = "@"
        sheet.range("A1").value = grid
        sheet.range("A1:E2").font.bold = True
        data.sheet.activate()
    counts = {s: sum(1 for r in results if r.severity == s)
              for s in ("ok", "warning", "error", "unchecked")}
    from numnum_xl.addin import show

    book.app.status_bar = False
    show(book.app, f"{label}-controle van {len(results)} rijen: {counts['ok']} in orde, "
                   f"{counts['warning']} waarschuwing(en), {counts['error']} fout(en), "
                   f"{counts['unchecked']} niet gecontroleerd. Gemarkeerd op de eerste cel van "
                   f"de rij; alles op blad {sheet_name}.")
