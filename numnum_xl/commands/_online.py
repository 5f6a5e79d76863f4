"""What ``numnum-xl peppol`` and ``numnum-xl vies`` share: reading the sheet, progress,
the result column and notes in the annotated copy, ``--json`` and the console listing."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from numnum_xl.commands._common import add_input_options, load_and_map, write_marked_copy

_MARK = {"nl": {"ok": "OK", "warning": "let op", "error": "FOUT", "unchecked": "?"},
         "fr": {"ok": "OK", "warning": "attention", "error": "ERREUR", "unchecked": "?"},
         "en": {"ok": "OK", "warning": "warning", "error": "ERROR", "unchecked": "?"}}
_SEVERITY = {
    "nl": {"ok": "in orde", "warning": "let op", "error": "fout",
           "unchecked": "niet gecontroleerd"},
    "fr": {"ok": "en ordre", "warning": "attention", "error": "erreur",
           "unchecked": "non vérifié"},
    "en": {"ok": "fine", "warning": "warning", "error": "error", "unchecked": "not checked"}}
_NO_COLUMN = {
    "nl": "let op: --fix kan niets invullen in {labels}: het blad heeft die kolom niet. Voeg ze "
          "toe (numnum-xl header) en herhaal.",
    "fr": "attention : --fix ne peut rien remplir dans {labels} : la feuille n'a pas cette "
          "colonne. Ajoutez-la (numnum-xl header) et recommencez.",
    "en": "note: --fix cannot fill in {labels}: the sheet has no such column. Add it "
          "(numnum-xl header) and run again."}
_WORDS = {"nl": ("rij", "Kopie met resultaten", "Ingevuld met --fix"),
          "fr": ("ligne", "Copie avec les résultats", "Rempli avec --fix"),
          "en": ("row", "Copy with the results", "Filled in by --fix")}


def add_options(p: argparse.ArgumentParser) -> None:
    """FILE and the sheet options, --json, -o, --geen-kopie."""
    add_input_options(p)
    p.add_argument("--json", action="store_true",
                   help="resultaten als JSON op stdout (schrijft geen werkmap tenzij -o)")
    p.add_argument("-o", "--output", help="pad van de kopie met de resultaten")
    p.add_argument("--geen-kopie", dest="no_copy", action="store_true",
                   help="schrijf geen kopie; toon alleen de resultaten")


@contextlib.contextmanager
def progress_for(args: argparse.Namespace, desc: str):
    """A ``(done, total)`` callback fed into the shared progress bar (when there is one)."""
    try:
        from numnum_xl.progress import bar  # type: ignore[import-not-found]
    except ImportError:  # the shared bar is not there: no progress shown
        yield None
        return
    state: dict[str, Any] = {}

    def callback(done: int, total: int) -> None:
        if "bar" not in state:
            state["cm"] = bar(total, desc=desc, enabled=False if args.json else None)
            state["bar"] = state["cm"].__enter__()
            state["done"] = 0
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield callback
    finally:
        if "cm" in state:
            state["cm"].__exit__(None, None, None)


def run_check(args: argparse.Namespace, check: Callable, column: str,
              fix_keys: tuple[str, ...] = ()) -> int:
    """Validate offline, run ``check(report, progress)``, report; exit 1 when a result is an
    error (a VAT number VIES calls invalid)."""
    from numnum_xl.validate import validate_table

    table, mapping = load_and_map(args)
    report = validate_table(table, mapping)
    with progress_for(args, column) as progress:
        results = check(report, progress)
    fixes = {}
    if getattr(args, "fix", False):
        fixes = fix_cells(report, results, fix_keys)
        missing = [k for k in fix_keys if k not in report.mapping.fields]
        if missing and any(r.fixes for r in results):
            from numnum_xl.catalogue import FIELD_BY_KEY

            labels = ", ".join(FIELD_BY_KEY[k].label(args.lang) for k in missing)
            print(_NO_COLUMN[args.lang].format(labels=labels), file=sys.stderr)
    out = None
    if not args.no_copy and (args.output or not args.json):
        out = write_marked_copy(args, table, findings_of(report, results, column),
                                default=lambda f: _default_output(f, column),
                                values={**fixes, **result_column(report, results, column)})
    if args.json:
        data = {"results": [r.as_json() for r in results],
                "summary": {"rows": len(results),
                            "states": dict(Counter(r.state for r in results)),
                            "fixed": fixes, "output": str(out) if out else None}}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        w, marks = _WORDS[args.lang], _MARK[args.lang]
        for r in results:
            print(f"  {w[0]} {r.row:>5}  {marks[r.severity]:9} {r.text}")
        counts = Counter(r.severity for r in results)
        print(", ".join(f"{_SEVERITY[args.lang][sev]}: {counts[sev]}"
                        for sev in ("ok", "warning", "error", "unchecked") if counts[sev]))
        if fixes:
            print(f"{w[2]}: " + ", ".join(f"{c}={v}" for c, v in sorted(fixes.items())))
        if out:
            print(f"{w[1]}: {out}")
    return 1 if any(r.severity == "error" for r in results) else 0


def _default_output(source: str, column: str) -> str:
    from pathlib import Path

    p = Path(source)
    return str(p.with_name(f"{p.stem}.{column.lower()}.xlsx"))


def _anchor(report, key_order: tuple[str, ...]) -> int:
    """The column (0-based) that carries a row's note: the first mapped of ``key_order``."""
    for key in key_order:
        if key in report.mapping.fields:
            return report.mapping.fields[key][0]
    return 0


_ANCHORS = {"Peppol": ("peppol_endpoint_id", "peppol_scheme_id", "vat_id", "title"),
            "VIES": ("vat_id", "vat_country_code", "title")}


def findings_of(report, results, column: str) -> list:
    """Each result that needs attention as a finding on its row's anchor cell (the note and
    colour in the copy; "unchecked" is orange like a warning)."""
    from numnum_xl.findings import ERROR, WARNING, Finding

    col = _anchor(report, _ANCHORS[column])
    index = {n: i for i, n in enumerate(report.table.row_numbers)}
    out = []
    for r in results:
        if r.severity == "ok" or r.row not in index:
            continue
        key = report.mapping.columns[col].key if col < len(report.mapping.columns) else None
        out.append(Finding(r.row, key, report.table.cell(index[r.row], col),
                           ERROR if r.severity == "error" else WARNING, "online.result",
                           {"text": r.text}))
    return out


def result_column(report, results, column: str) -> dict[str, str]:
    """The copy's result column: the header ``column`` (reused when the sheet already has it,
    e.g. a rerun on a copy) and every row's text."""
    from numnum_xl.cells import cell_ref

    table = report.table
    try:
        offset = [h.strip() for h in table.headers].index(column)
    except ValueError:
        offset = len(table.headers)
    col = table.first_col + offset
    values = {cell_ref(table.header_row, col): column}
    for r in results:
        values[cell_ref(r.row, col)] = r.text
    return values


def fix_cells(report, results, keys: tuple[str, ...]) -> dict[str, str]:
    """Cells ``--fix`` fills from the results (only in columns the sheet has)."""
    index = {n: i for i, n in enumerate(report.table.row_numbers)}
    out = {}
    for r in results:
        for key, value in r.fixes.items():
            if key in keys and key in report.mapping.fields and r.row in index:
                out[report.table.cell(index[r.row], report.mapping.fields[key][0])] = value
    return out
