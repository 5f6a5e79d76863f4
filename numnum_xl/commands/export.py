"""``numnum-xl export FILE [OUT.xlsx]``: the clean list in NumNum's import layout.

See :mod:`numnum_xl.export`. Exit status: 0 every row written, 1 rows held back because of
errors (listed, and on the workbook's second sheet), 2 the input could not be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from numnum_xl.commands._common import add_input_options, load_and_map

_W = {
    "nl": {"written": "{n} klanten geschreven naar {path} (kolommen: {cols})",
           "held": "{n} rij(en) niet geëxporteerd wegens fouten (blad «{sheet}»):",
           "held_all": "{n} rij(en) met fouten staan er toch in (--alle-rijen); ze staan ook "
                       "op het blad «{sheet}»:",
           "fixes": "Veilige correcties toegepast ({n}):",
           "more": "… en nog {n}",
           "next": "Importeer {path} in NumNum: Klanten › Importeren; de kolommen worden "
                   "herkend aan hun naam."},
    "fr": {"written": "{n} clients écrits dans {path} (colonnes : {cols})",
           "held": "{n} ligne(s) non exportée(s) à cause d'erreurs (feuille « {sheet} ») :",
           "held_all": "{n} ligne(s) avec erreurs y figurent quand même (--alle-rijen) ; "
                       "elles sont aussi sur la feuille « {sheet} » :",
           "fixes": "Corrections sûres appliquées ({n}) :",
           "more": "… et encore {n}",
           "next": "Importez {path} dans NumNum : Clients › Importer ; les colonnes sont "
                   "reconnues par leur nom."},
    "en": {"written": "{n} customers written to {path} (columns: {cols})",
           "held": "{n} row(s) not exported because of errors (sheet “{sheet}”):",
           "held_all": "{n} row(s) with errors are included anyway (--alle-rijen); they are "
                       "also on the sheet “{sheet}”:",
           "fixes": "Safe fixes applied ({n}):",
           "more": "… and {n} more",
           "next": "Import {path} in NumNum: Customers › Import; the columns are recognised "
                   "by their names."},
}
_LIMIT = 25


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` command."""
    p = sub.add_parser(
        "export", help="schrijf de foutloze klanten in NumNums importindeling (xlsx)",
        description="Schrijf de klantenlijst in de indeling van NumNums voorbeeldbestand: "
                    "de kolomnamen van het voorbeeldbestand, de veilige correcties toegepast, "
                    "nummers als tekst, alleen de rijen zonder fouten (de andere staan met hun "
                    "reden op een tweede blad). Dat bestand importeert u in NumNum zelf.")
    add_input_options(p)
    p.add_argument("out", metavar="OUT.xlsx", nargs="?",
                   help="het te schrijven bestand (standaard NAAM.voor-numnum.xlsx)")
    p.add_argument("--alle-rijen", "--all-rows", dest="all_rows", action="store_true",
                   help="schrijf ook de rijen met fouten (ze staan dan ook op het tweede blad)")
    p.add_argument("--json", action="store_true",
                   help="wat er geschreven is en wat niet, als JSON op stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate, fix, write the export; exit 1 when rows were held back."""
    from numnum_xl.cli import UsageError
    from numnum_xl.export import HELD_SHEET, default_output, export_data, write_workbook
    from numnum_xl.validate import validate_table

    out = Path(args.out) if args.out else default_output(args.file)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: het exportbestand moet op .xlsx eindigen.")
    if out.resolve() == Path(args.file).resolve():
        raise UsageError(f"{out}: het exportbestand mag niet het bronbestand zijn.")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: deze map bestaat niet.")
    table, mapping = load_and_map(args)
    data = export_data(validate_table(table, mapping), all_rows=args.all_rows, lang=args.lang)
    try:
        path = write_workbook(data, out, lang=args.lang)
    except OSError as exc:
        raise UsageError(f"{out}: kan niet schrijven ({exc.strerror or exc}).") from None
    if args.json:
        json.dump({"output": str(path), "headers": data.headers, "rows": len(data.rows),
                   "row_numbers": data.row_numbers,
                   "held_back": [{"row": r, "reason": why} for r, why in data.held_back],
                   "changes": [{"row": c.row, "column": c.column, "cell": c.cell,
                                "old": _plain(c.old), "new": _plain(c.new), "code": c.code}
                               for c in data.changes]},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        w = _W[args.lang]
        print(w["written"].format(n=len(data.rows), path=path, cols=", ".join(data.headers)))
        if data.changes:
            print(w["fixes"].format(n=len(data.changes)))
            for c in data.changes[:_LIMIT]:
                print(f"  {c.cell:>7}  {'' if c.old is None else c.old!s} → {c.new!s}")
            if len(data.changes) > _LIMIT:
                print("  " + w["more"].format(n=len(data.changes) - _LIMIT))
        if data.held_back:
            sheet = HELD_SHEET[args.lang]
            print(w["held_all" if args.all_rows else "held"].format(n=len(data.held_back),
                                                                    sheet=sheet))
            for row, why in data.held_back[:_LIMIT]:
                print(f"  {row:>6}: {why}")
            if len(data.held_back) > _LIMIT:
                print("  " + w["more"].format(n=len(data.held_back) - _LIMIT))
        print(w["next"].format(path=path))
    return 1 if data.held_back else 0


def _plain(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
