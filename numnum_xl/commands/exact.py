"""``numnum-xl exact …``: relations and sales entries for Exact Online, as CSV for its import.

* ``exact relaties FILE OUT.csv`` - a customer sheet as a relations CSV (stable codes);
* ``exact boekingen FILE OUT.csv`` - sales-entry lines as a CSV, only when nothing is wrong;
* ``exact controleer FILE`` - check a sales-entry sheet and mark every problem;
* ``exact sjabloon OUT.xlsx`` - the sales-entry template.

Exit status as everywhere: 0 done / no errors, 1 errors found (the rows - for entries, the
invoices - with errors that matter to Exact are held back and listed, the others exported; an
annotated copy or JSON says what), 2 the input could not be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from numnum_xl.commands._common import LANG_CHOICES, add_input_options, load_and_map


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``exact`` command and its subcommands."""
    p = sub.add_parser(
        "exact", help="relaties en verkoopboekingen voor Exact Online (CSV-import)",
        description="Relaties en verkoopboekingen voor Exact Online: controleren in Excel en "
                    "als CSV schrijven voor een importprofiel dat je één keer instelt.")
    p.set_defaults(func=lambda args: _help(p))
    subs = p.add_subparsers(dest="exact_command", metavar="OPDRACHT")

    rel = subs.add_parser(
        "relaties", help="klantenlijst → relaties-CSV met vaste relatiecodes",
        description="Controleer een klantenlijst zoals numnum-xl validate (plus unieke "
                    "relatiecodes) en schrijf ze als relaties-CSV voor Exact Online. Zonder "
                    "fouten: het CSV-bestand; met fouten: een gecontroleerde kopie, exit 1.")
    add_input_options(rel)
    rel.add_argument("out", metavar="OUT.csv", help="het te schrijven CSV-bestand")
    rel.add_argument("--register", metavar="JSON",
                     help="coderegister (standaard NAAM.exact-relatiecodes.json naast FILE)")
    rel.add_argument("--eerste-code", type=int, default=1, metavar="N",
                     help="eerste relatiecode om toe te kennen als het register leeg is")
    rel.add_argument("--bestaande", metavar="BESTAND",
                     help="relaties die al in Exact staan (export met kolom Code): hun codes "
                          "worden nooit aan een nieuwe klant gegeven")
    _csv_options(rel, amounts=False)
    _report_options(rel)
    rel.set_defaults(func=run_relaties)

    for name in ("boekingen", "controleer"):
        export = name == "boekingen"
        q = subs.add_parser(
            name,
            help="verkoopregels → boekingen-CSV (alleen zonder fouten)" if export
            else "controleer een blad met verkoopregels en markeer elke fout",
            description=("Controleer de verkoopregels en schrijf ze als CSV voor Exact Online; "
                         "de geëxporteerde factuurnummers worden bijgehouden zodat geen "
                         "factuur dubbel geïmporteerd wordt.") if export else
                        ("Controleer een blad met verkoopregels (kolommen zoals in numnum-xl "
                         "exact sjabloon) en markeer elke fout in een kopie of in het bestand "
                         "zelf."))
        q.add_argument("file", metavar="FILE", help="verkoopregels: .xlsx, .xlsm, .xls of .csv")
        if export:
            q.add_argument("out", metavar="OUT.csv", help="het te schrijven CSV-bestand")
        q.add_argument("--sheet", help="naam van het blad (standaard: het eerste zichtbare)")
        q.add_argument("--lang", choices=LANG_CHOICES, default="nl",
                       help="taal van de meldingen (nl, fr, en)")
        q.add_argument("--relaties", metavar="BESTAND",
                       help="relaties in Exact (CSV van exact relaties of een Exact-export met "
                            "kolom Code): elke relatiecode moet erin staan")
        q.add_argument("--grootboeken", metavar="BESTAND",
                       help="geldige grootboekrekeningen (één kolom: csv, xlsx of txt)")
        q.add_argument("--btwcodes", metavar="BESTAND",
                       help="geldige btw-codes (één kolom: csv, xlsx of txt)")
        q.add_argument("--perioden", choices=("maand", "kwartaal"), default="maand",
                       help="de periode is de maand (standaard) of het kwartaal van de datum")
        q.add_argument("--journaal", metavar="JSON",
                       help="journaal van geëxporteerde facturen (standaard "
                            "NAAM.exact-geexporteerd.json naast FILE)")
        q.add_argument("--opnieuw", action="append", default=[], metavar="NUMMER",
                       help="factuurnummer dat opnieuw geëxporteerd mag worden (import in "
                            "Exact mislukt); herhaal, of 'alle'")
        _csv_options(q, amounts=True, delimiter=export)
        _report_options(q)
        if not export:
            q.add_argument("--in-place", action="store_true",
                           help="markeer in het bestand zelf (eerst een reservekopie)")
        q.set_defaults(func=run_boekingen if export else run_controleer)

    tpl = subs.add_parser("sjabloon", help="maak het sjabloon voor verkoopregels",
                          description="Schrijf een werkmap met de kolommen voor verkoopregels "
                                      "(Factuurdatum … Dagboek), uitleg bij elke kolom en de "
                                      "stappen voor het importprofiel in Exact.")
    tpl.add_argument("out", metavar="OUT.xlsx", help="het te maken bestand")
    tpl.add_argument("--force", action="store_true", help="overschrijf een bestaand bestand")
    tpl.set_defaults(func=run_sjabloon)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _csv_options(p: argparse.ArgumentParser, *, amounts: bool, delimiter: bool = True) -> None:
    from numnum_xl.exact.csvout import DATE_FORMATS, DECIMALS

    if delimiter:
        p.add_argument("--scheiding", choices=(";", ","), default=";",
                       help="scheidingsteken in het CSV-bestand (standaard ;)")
    if amounts:
        p.add_argument("--decimaal", choices=tuple(DECIMALS), default="komma",
                       help="decimaalteken van bedragen, in het blad en in het CSV-bestand "
                            "(standaard komma: 870,00)")
        p.add_argument("--datum", choices=tuple(DATE_FORMATS), default="dd-mm-jjjj",
                       help="datumnotatie (standaard dd-mm-jjjj, bv. 02-01-2024)")


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="bevindingen als JSON op stdout (schrijft geen werkmap tenzij -o)")
    p.add_argument("-o", "--output", help="pad van de gecontroleerde kopie "
                                          "(standaard NAAM.gecontroleerd.xlsx)")


def _usage(message: str) -> Exception:
    from numnum_xl.cli import UsageError

    return UsageError(message)


def _check_out(args: argparse.Namespace) -> None:
    src, out = Path(args.file).resolve(), Path(args.out).resolve()
    if src == out:
        raise _usage(f"{args.out}: het CSV-bestand mag niet het bronbestand zijn.")
    if not out.parent.is_dir():
        raise _usage(f"{out.parent}: deze map bestaat niet.")


def _fmt(args: argparse.Namespace):
    from numnum_xl.exact.csvout import DECIMALS, CsvFormat

    return CsvFormat(delimiter=getattr(args, "scheiding", ";"),
                     decimal=DECIMALS[getattr(args, "decimaal", "komma")],
                     date_format=getattr(args, "datum", "dd-mm-jjjj"))


# --- relaties --------------------------------------------------------------------------------


def run_relaties(args: argparse.Namespace) -> int:
    """Check the customer sheet; export the relations CSV when there is no error."""
    from numnum_xl.exact.codes import CodeRegister, register_path
    from numnum_xl.exact.lists import CODE_HEADERS, read_list
    from numnum_xl.exact.relations import blocking, check_relations, export_relations, held_back

    _check_out(args)
    table, mapping = load_and_map(args)
    try:
        register = CodeRegister.load(args.register or register_path(args.file))
    except ValueError as exc:
        raise _usage(str(exc)) from None
    reserved = read_list(args.bestaande, CODE_HEADERS).codes if args.bestaande else ()
    report = check_relations(table, mapping, register=register, first_code=args.eerste_code,
                             reserved=reserved)
    held = held_back(report, args.lang)
    written = None
    if not blocking(report) and len(held) < report.table.data_rows:
        written = export_relations(report, args.out, _fmt(args))
    n = report.table.data_rows - len(held)
    return _finish(args, report, written, [
        f"{n} relaties geschreven naar {written}",
        f"Coderegister: {register.path}"] if written else [], held)


# --- boekingen / controleer ------------------------------------------------------------------


def _entry_options(args: argparse.Namespace, journal: Any):
    from numnum_xl.exact.csvout import DECIMALS
    from numnum_xl.exact.entries import EntryOptions
    from numnum_xl.exact.lists import ACCOUNT_HEADERS, CODE_HEADERS, VAT_CODE_HEADERS, read_list

    again: set[int] = set()
    again_all = False
    for item in args.opnieuw:
        for part in item.replace(",", " ").split():
            if part.lower() == "alle":
                again_all = True
            elif part.isdigit():
                again.add(int(part))
            else:
                raise _usage(f"--opnieuw verwacht een factuurnummer of 'alle' (kreeg {part!r})")
    return EntryOptions(
        decimal=DECIMALS[args.decimaal], periods=args.perioden, date_format=args.datum,
        relations=read_list(args.relaties, CODE_HEADERS) if args.relaties else None,
        accounts=read_list(args.grootboeken, ACCOUNT_HEADERS) if args.grootboeken else None,
        vat_codes=read_list(args.btwcodes, VAT_CODE_HEADERS) if args.btwcodes else None,
        journal=journal, again=frozenset(again), again_all=again_all)


def _journal(args: argparse.Namespace):
    from numnum_xl.exact.journal import ExportJournal, journal_path

    try:
        return ExportJournal.load(args.journaal or journal_path(args.file))
    except ValueError as exc:
        raise _usage(str(exc)) from None


def _check(args: argparse.Namespace):
    from numnum_xl.exact.entries import check_entries
    from numnum_xl.readers import read_table

    journal = _journal(args)
    options = _entry_options(args, journal)
    return check_entries(read_table(args.file, args.sheet), options), journal


def run_controleer(args: argparse.Namespace) -> int:
    """Check a sales-entry sheet; mark the findings in a copy (or in place)."""
    report, _ = _check(args)
    return _finish(args, report, None, [])


def run_boekingen(args: argparse.Namespace) -> int:
    """Check the sales-entry sheet; export the CSV and record its invoices when error-free."""
    from numnum_xl.exact.entries import blocking, export_entries, held_back

    _check_out(args)
    report, journal = _check(args)
    held = held_back(report, args.lang)
    rows_held = {r for r, _ in held}
    done = None
    if not blocking(report) and any(not any(ln.row in rows_held for ln in lines)
                                    for lines in report.invoices().values()):
        done = export_entries(report, args.out, _fmt(args), journal=journal)
    lines = []
    if done is not None:
        total = _fmt(args).amount(report.total())
        lines = [f"{done.lines} regels van {done.invoices} facturen (totaal excl. btw {total}) "
                 f"geschreven naar {done.csv_path}",
                 f"Journaal van geëxporteerde facturen: {done.journal_path}"]
    return _finish(args, report, done.csv_path if done else None, lines, held)


# --- sjabloon --------------------------------------------------------------------------------


def run_sjabloon(args: argparse.Namespace) -> int:
    """Write the sales-entry template; refuses to overwrite without ``--force``."""
    from numnum_xl.exact.sjabloon import build_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise _usage(f"{out}: het sjabloon moet op .xlsx eindigen.")
    if out.exists() and not args.force:
        raise _usage(f"{out} bestaat al; gebruik --force om het te overschrijven.")
    if not out.parent.is_dir():
        raise _usage(f"{out.parent}: deze map bestaat niet.")
    build_template(out)
    print(out)
    return 0


# --- reporting -------------------------------------------------------------------------------

_WORDS = {
    "nl": ("rijen gelezen uit", "blad", "kopregel op rij", "fouten", "waarschuwingen",
           "Gecontroleerde kopie", "Geen fouten.",
           "Er is niets geëxporteerd: verbeter eerst de fouten."),
    "fr": ("lignes lues dans", "feuille", "en-tête en ligne", "erreurs", "avertissements",
           "Copie contrôlée", "Aucune erreur.",
           "Rien n'a été exporté : corrigez d'abord les erreurs."),
    "en": ("rows read from", "sheet", "header on row", "errors", "warnings", "Checked copy",
           "No errors.", "Nothing was exported: fix the errors first."),
}


_HELD_WORDS = {"nl": "{n} rij(en) niet geëxporteerd (verbeter ze en exporteer opnieuw):",
               "fr": "{n} ligne(s) non exportée(s) (corrigez-les et exportez à nouveau) :",
               "en": "{n} row(s) not exported (fix them and export again):"}


def _finish(args: argparse.Namespace, report: Any, written: Path | None,
            done: list[str], held: list[tuple[int, str]] | None = None) -> int:
    """Annotated copy (when there are errors, or asked for), JSON or a short report; the rows
    held back from the export listed."""
    out = None
    held = held or []
    in_place = getattr(args, "in_place", False)
    wants_book = args.output or in_place or (not args.json and (written is None or held))
    if wants_book:
        out = _annotate(args, report, in_place)
    if args.json:
        data = report.as_json(args.lang)
        if out:
            data["summary"]["output"] = str(out)
        if written:
            data["summary"]["csv"] = str(written)
        if hasattr(args, "out"):
            data["held_back"] = [{"row": r, "reason": why} for r, why in held]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        _print(report, out, args.lang, written is None and hasattr(args, "out"))
        for line in done:
            print(line)
        if held and written is not None:
            print(_HELD_WORDS[args.lang].format(n=len(held)))
            for row, why in held[:25]:
                print(f"  {row:>6}: {why}")
    return 1 if report.errors else 0


def _annotate(args: argparse.Namespace, report: Any, in_place: bool) -> Path:
    from numnum_xl.commands._common import write_marked_copy

    return Path(write_marked_copy(args, report.table, report.findings, in_place=in_place))


def _print(report: Any, out: Path | None, lang: str, blocked: bool) -> None:
    w = _WORDS[lang]
    s = report.summary()
    print(f"{s['data_rows']} {w[0]} {s['file']} ({w[1]} {s['sheet'] or '-'}, "
          f"{w[2]} {s['header_row']})")
    print(f"{s['errors']} {w[3]}, {s['warnings']} {w[4]}")
    from numnum_xl.commands._common import print_findings

    print_findings(report.findings, lang)
    if out:
        print(f"{w[5]}: {out}")
    if not report.errors:
        print(w[6])
    elif blocked:
        print(w[7])
