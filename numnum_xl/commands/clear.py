"""``numnum-xl clear FILE``: remove exactly NumNum's marks and restore what was there."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``clear`` command."""
    p = sub.add_parser("clear", help="wis de NumNum-markeringen (eigen kleuren en notities "
                                     "blijven)",
                       description="Verwijdert de kleuren, notities en het blad NumNum-controle "
                                   "die numnum-xl toevoegde, en zet de oorspronkelijke opvulling "
                                   "en notities van de cellen terug.")
    p.add_argument("file", metavar="FILE", help="een gemarkeerde werkmap (.xlsx of .xlsm)")
    p.add_argument("-o", "--output", help="schrijf het resultaat naar dit bestand in plaats van "
                                          "het bestand zelf")
    p.add_argument("--no-backup", action="store_true",
                   help="geen reservekopie maken als het bestand zelf herschreven wordt")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Clear the marks; print what was restored."""
    from numnum_xl.annotate import clear

    result = clear(args.file, args.output, backup=not args.no_backup)
    for notice in result.notices:
        print(f"let op: {notice}")
    print(result.message)
    if result.backup_path:
        print(f"Reservekopie: {result.backup_path}")
    return 0
