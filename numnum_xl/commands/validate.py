"""``numnum-xl validate FILE``: check every cell, write an annotated copy (or JSON)."""

from __future__ import annotations

import argparse
import sys

from numnum_xl.commands._common import (
    add_input_options,
    load_and_map,
    plural,
    print_findings,
    write_marked_copy,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate`` command."""
    p = sub.add_parser(
        "validate", help="controleer een klantenlijst en markeer elke fout in een kopie",
        description="Controleer elke cel zoals NumNum ze zou importeren. Schrijft een "
                    "gecontroleerde kopie (rood = fout, oranje = waarschuwing, met uitleg in "
                    "een notitie) of, met --json, de bevindingen als JSON.")
    add_input_options(p)
    p.add_argument("--json", action="store_true",
                   help="bevindingen als JSON op stdout (schrijft geen werkmap tenzij -o)")
    p.add_argument("-o", "--output", help="pad van de gecontroleerde kopie "
                                          "(standaard NAAM.gecontroleerd.xlsx)")
    p.add_argument("--in-place", action="store_true",
                   help="markeer in het bestand zelf (er wordt eerst een reservekopie gemaakt)")
    p.add_argument("--fix", action="store_true",
                   help="pas de veilige correcties toe (btw-opmaak en -landcode, landnamen, "
                        "spaties, hoofdletters, voor- en familienaam) en toon elke wijziging; "
                        "ontbrekende kolommen daarvoor worden in de kopie toegevoegd")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate, fix if asked, annotate, report; exit 1 when errors remain."""
    from numnum_xl.validate import Report, validate_in_background, validate_table

    table, mapping = load_and_map(args)
    changes = []
    if args.fix:
        from numnum_xl.fix import fix_table

        table, changes = fix_table(table, mapping)
    out = None
    bar = _bar(args, len(table.rows))
    if args.json and not (args.output or args.in_place):
        with bar:
            report = validate_table(table, mapping, progress=bar, keep_values=False)
    elif changes:
        with bar:
            report = validate_table(table, mapping, progress=bar, keep_values=False)
        out = _write(args, report.table, report.findings, changes)
    else:
        # validate in a second process while this one loads the workbook to annotate (the
        # worker draws the bar, or this process when it validates itself)
        pending = validate_in_background(table, mapping, progress=bar)
        got: list = []

        def findings():
            got.extend(pending())
            return got

        out = _write(args, table, findings, changes)
        bar.close()
        report = Report(table, mapping, got)
    if args.json:  # report.as_json()'s shape, written one finding at a time
        from numnum_xl.findings import dump_json

        data: dict = {"summary": report.summary()}
        if changes:
            data["changes"] = [{"row": c.row, "column": c.column, "cell": c.cell,
                                "old": _plain(c.old), "new": _plain(c.new), "code": c.code}
                               for c in changes]
        if out:
            data["summary"]["output"] = str(out)
        dump_json(report.findings, args.lang, data, sys.stdout)
        sys.stdout.write("\n")
    else:
        print_report(report, changes, out, args.lang)
    return 1 if report.errors else 0


#: What the bar counts, per language.
_CHECKED = {"nl": "rijen gecontroleerd", "fr": "lignes vérifiées", "en": "rows checked"}


def _bar(args: argparse.Namespace, rows: int):
    """The progress bar of the validation: on a terminal, never with --json."""
    from numnum_xl.progress import bar

    return bar(rows, desc=_CHECKED[args.lang], enabled=False if args.json else None)


def _write(args: argparse.Namespace, table, findings, changes):
    return write_marked_copy(args, table, findings, in_place=args.in_place,
                             values={c.cell: c.new for c in changes}, changes=changes)


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


_WORDS = {
    "nl": ("klanten gelezen uit", "blad", "kopregel op rij", ("fout", "fouten"),
           ("waarschuwing", "waarschuwingen"), ("rij met fouten", "rijen met fouten"),
           "Gecontroleerde kopie", "Geen fouten: klaar om te importeren.", "Correcties"),
    "fr": ("clients lus dans", "feuille", "en-tête en ligne", ("erreur", "erreurs"),
           ("avertissement", "avertissements"), ("ligne avec erreurs", "lignes avec erreurs"),
           "Copie contrôlée", "Aucune erreur : prêt à importer.", "Corrections"),
    "en": ("customers read from", "sheet", "header on row", ("error", "errors"),
           ("warning", "warnings"), ("row with errors", "rows with errors"), "Checked copy",
           "No errors: ready to import.", "Fixes"),
}


# --- issue 9: the verdict names the columns whose data would not be imported --------------
DROPPED_CODES = ("header.data_dropped", "header.secondary_dropped", "header.not_in_numnum",
                 "header.duplicate_data")
_DROPPED = {
    "nl": "Niet klaar om te importeren: {n} kolom(men) met gegevens worden niet geïmporteerd: "
          "{names}. Koppel ze (--map) of sla ze bewust over (--skip).",
    "fr": "Pas prêt à importer : {n} colonne(s) avec des données ne seront pas importées : "
          "{names}. Associez-les (--map) ou ignorez-les volontairement (--skip).",
    "en": "Not ready to import: {n} column(s) holding data will not be imported: {names}. "
          "Map them (--map) or skip them on purpose (--skip).",
}


def print_report(report, changes, out, lang: str) -> None:
    """A short human report: counts, the first findings, the fixes, the output file."""
    w = _WORDS[lang]
    s = report.summary()
    print(f"{s['data_rows']} {w[0]} {s['file']} ({w[1]} {s['sheet'] or '-'}, "
          f"{w[2]} {s['header_row']})")
    print(f"{plural(s['errors'], *w[3])}, {plural(s['warnings'], *w[4])}, "
          f"{plural(s['rows_with_errors'], *w[5])}")
    print_findings(report.findings, lang)
    if changes:
        print(f"{w[8]} ({len(changes)}):")
        for c in changes:
            print(f"  {c.cell:>7}  {c.old!s} → {c.new!s}")
    if out:
        print(f"{w[6]}: {out}")
    dropped = [f.params.get("value", "") for f in report.findings if f.code in DROPPED_CODES]
    if dropped:
        print(_DROPPED[lang].format(n=len(dropped), names=", ".join(dropped)))
    if not report.errors:
        print(w[7])
