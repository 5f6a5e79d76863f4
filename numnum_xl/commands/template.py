"""``numnum-xl template OUT.xlsx``: write NumNum's sample workbook.

See :mod:`numnum_xl.template`.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``template`` subcommand to ``subparsers``."""
    p = subparsers.add_parser(
        "template",
        help="maak het voorbeeldbestand met alle NumNum-kolommen",
        description="Schrijf NumNum's voorbeeldbestand: alle kolommen in de juiste volgorde, "
                    "verplichte kolommen gemarkeerd, keuzelijsten en tekstopmaak voor nummers.",
    )
    p.add_argument("out", metavar="OUT.xlsx", help="het te maken bestand")
    p.add_argument("--force", action="store_true", help="overschrijf een bestaand bestand")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the template to ``args.out``; refuses to overwrite without ``--force``."""
    from pathlib import Path

    from numnum_xl.cli import UsageError
    from numnum_xl.template import build_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: het voorbeeldbestand moet op .xlsx eindigen.")
    if out.exists() and not args.force:
        raise UsageError(f"{out} bestaat al; gebruik --force om het te overschrijven.")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: deze map bestaat niet.")
    build_template(out)
    print(out)
    return 0
