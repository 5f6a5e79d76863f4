"""Options and helpers shared by the commands that read a customer sheet."""

from __future__ import annotations

import argparse
import sys
from typing import Any

LANG_CHOICES = ("nl", "fr", "en")


def add_input_options(p: argparse.ArgumentParser) -> None:
    """FILE, --sheet, --profile, --map, --skip: which sheet and how its columns map."""
    p.add_argument("file", metavar="FILE", help="klantenlijst: .xlsx, .xlsm, .xls of .csv")
    p.add_argument("--sheet", help="naam van het blad (standaard: het eerste zichtbare blad)")
    p.add_argument("--profile", metavar="NAAM",
                   help="bewaard koppelingsprofiel (naam of pad naar .json)")
    p.add_argument("--map", dest="maps", action="append", default=[], metavar="KOLOM=VELD",
                   help='koppel een kolom aan een NumNum-veld, bv. "BTW nr=vat_id"; '
                        'herhaal voor een combinatie: "Voornaam=title" "Naam=title"')
    p.add_argument("--skip", dest="skips", action="append", default=[], metavar="KOLOM",
                   help="kolom niet importeren")
    p.add_argument("--lang", choices=LANG_CHOICES, default="nl",
                   help="taal van de meldingen (nl, fr, en)")


def mapping_inputs(args: argparse.Namespace) -> tuple[dict | None, dict[str, Any]]:
    """(profile, overrides) from the command line; UsageError when they are malformed."""
    from numnum_xl.cli import UsageError
    from numnum_xl.mapping import SKIP, load_profile

    profile = None
    if args.profile:
        try:
            profile = load_profile(args.profile)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    overrides: dict[str, Any] = {}
    for item in args.maps:
        header, sep, key = item.rpartition("=")
        if not sep or not header.strip() or not key.strip():
            raise UsageError(f'--map verwacht KOLOM=VELD, bv. "BTW nr=vat_id" (kreeg {item!r})')
        overrides.setdefault(key.strip(), []).append(header.strip())
    for header in args.skips:
        overrides.setdefault(SKIP, []).append(header)
    return profile, overrides


def write_marked_copy(args: argparse.Namespace, table, findings, *, in_place: bool = False,
                      default=None, values: dict[str, Any] | None = None,
                      validated: bool = True, changes=None):
    """Annotate a copy of ``args.file`` (``-o``, else ``default(file)``, else
    ``NAME.gecontroleerd.xlsx``; the file itself with ``in_place``), print what the user must
    know on stderr, and return the path written. ``changes`` (``--fix``) are written and
    marked."""
    from numnum_xl.annotate import annotate, default_output

    out = args.file if in_place else (args.output or (default or default_output)(args.file))
    extra: dict[str, Any] = {"values": values} if values else {}
    if changes:
        extra["changes"] = changes  # each changed cell marked "gewijzigd: oud → nieuw"
    if not validated:
        extra["validated"] = False
    result = annotate(args.file, table, findings, out, lang=args.lang, in_place=in_place,
                      **extra)
    for notice in result.notices:
        print(f"let op: {notice}", file=sys.stderr)
    if result.backup_path:
        print(f"Reservekopie: {result.backup_path}", file=sys.stderr)
    return out


#: The first findings a command prints; the rest are on the summary sheet.
FINDINGS_SHOWN = 25
_MORE = {"nl": "… en nog {n} bevindingen: zie het blad NumNum-controle",
         "fr": "… et encore {n} constats : voir la feuille NumNum-controle",
         "en": "… and {n} more findings: see the NumNum-controle sheet"}


def print_findings(findings, lang: str) -> None:
    """The first :data:`FINDINGS_SHOWN` findings, one line each: cell, kind, message."""
    for f in findings[:FINDINGS_SHOWN]:
        mark = "FOUT" if f.severity == "error" else "let op"
        print(f"  {f.cell or '-':>7}  {mark:6}  {f.message(lang)}")
    if len(findings) > FINDINGS_SHOWN:
        print(f"  {_MORE[lang].format(n=len(findings) - FINDINGS_SHOWN)}")


def load_and_map(args: argparse.Namespace):
    """Read the file and map its columns: (table, mapping)."""
    from numnum_xl.cli import UsageError
    from numnum_xl.mapping import propose
    from numnum_xl.sheetshape import read_customer_table

    profile, overrides = mapping_inputs(args)
    table = read_customer_table(args.file, args.sheet)
    try:
        mapping = propose(table.headers, profile=profile, overrides=overrides, rows=table.rows)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return table, mapping
