"""``numnum-xl header FILE``: put NumNum's sample header row above the data."""

from __future__ import annotations

import argparse

from numnum_xl.commands._common import add_input_options, load_and_map


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``header`` command."""
    p = sub.add_parser("header", help="zet NumNum's kopregel boven de gegevens",
                       description="Hernoemt herkende kolomkoppen naar NumNum's kolomnamen, of "
                                   "voegt NumNum's kopregel (in de volgorde van het "
                                   "voorbeeldbestand) in boven gegevens zonder kopregel.")
    add_input_options(p)
    p.add_argument("-o", "--output", help="pad van de kopie (standaard NAAM.kopregel.xlsx)")
    p.add_argument("--in-place", action="store_true",
                   help="wijzig het bestand zelf (er wordt eerst een reservekopie gemaakt)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the header; say what was renamed or inserted."""
    from numnum_xl.cells import column_letter
    from numnum_xl.header import write_header

    table, mapping = load_and_map(args)
    result = write_header(args.file, table, mapping, args.output, in_place=args.in_place)
    p = result.plan
    if p.action == "insert":
        print(f"Kopregel ingevoegd op rij {result.row} ({len(p.names)} kolommen, in de volgorde "
              f"van NumNum's voorbeeldbestand: controleer of uw kolommen zo staan).")
    else:
        print(f"Kolomkoppen op rij {result.row} hernoemd naar NumNum's kolomnamen:")
        for i, key in p.names.items():
            print(f"  {column_letter(table.first_col + i):>3}  {table.headers[i]} → {key}")
        for i in p.unmapped:
            print(f"  {column_letter(table.first_col + i):>3}  {table.headers[i]} "
                  f"(niet herkend, ongewijzigd)")
    for notice in result.notices:
        print(notice)
    if result.backup_path:
        print(f"Reservekopie: {result.backup_path}")
    print(f"Geschreven: {result.out_path}")
    return 0
