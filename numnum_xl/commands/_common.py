"""Options and helpers shared by the commands that read a customer sheet."""

from __future__ import annotations

import argparse
import sys
from typing import Any

LANG_CHOICES = ("nl", "fr", "en")

#: Words the commands print around messages, (nl, fr, en).
WORDS: dict[str, tuple[str, str, str]] = {
    "error": ("FOUT", "ERREUR", "ERROR"),
    "warning": ("let op", "attention", "warning"),
    "notice": ("let op", "attention", "note"),
    "backup": ("Reservekopie", "Copie de sécurité", "Backup"),
    "interrupted": ("afgebroken", "interrompu", "interrupted"),
}


def word(key: str, lang: str) -> str:
    """A console word in ``lang`` (Dutch when unknown).

    >>> word("error", "fr"), word("warning", "en")
    ('ERREUR', 'warning')
    """
    return WORDS[key][LANG_CHOICES.index(lang) if lang in LANG_CHOICES else 0]


def plural(n: int, one: str, many: str) -> str:
    """``n`` with the singular or plural word: ``1 waarschuwing``, ``2 waarschuwingen``.

    >>> plural(1, "waarschuwing", "waarschuwingen"), plural(0, "fout", "fouten")
    ('1 waarschuwing', '0 fouten')
    """
    return f"{n} {one if n == 1 else many}"


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
    from numnum_xl.cli_text import detect_lang

    p.add_argument("--lang", choices=LANG_CHOICES, default=detect_lang(None),
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
        print(f"{word('notice', args.lang)}: {notice}", file=sys.stderr)
    if result.backup_path:
        print(f"{word('backup', args.lang)}: {result.backup_path}", file=sys.stderr)
    return out


#: The first findings a command prints; the rest are on the summary sheet.
FINDINGS_SHOWN = 25
_MORE = {"nl": "… en nog {n} bevindingen: zie het blad NumNum-controle",
         "fr": "… et encore {n} constats : voir la feuille NumNum-controle",
         "en": "… and {n} more findings: see the NumNum-controle sheet"}


def print_findings(findings, lang: str) -> None:
    """The first :data:`FINDINGS_SHOWN` findings, one line each: cell, kind, message."""
    marks = {"error": word("error", lang), "warning": word("warning", lang)}
    width = max(len(m) for m in marks.values())
    for f in findings[:FINDINGS_SHOWN]:
        mark = marks["error" if f.severity == "error" else "warning"]
        print(f"  {f.cell or '-':>7}  {mark:{width}}  {f.message(lang)}")
    if len(findings) > FINDINGS_SHOWN:
        print(f"  {_MORE[lang].format(n=len(findings) - FINDINGS_SHOWN)}")


_FOLDER = {
    "nl": "«{given}» is een map ({path}), geen bestand: geef een klantenlijst op "
          "(.xlsx, .xlsm, .xls of .csv), bv. {example}.",
    "fr": "« {given} » est un dossier ({path}), pas un fichier : indiquez une liste de "
          "clients (.xlsx, .xlsm, .xls ou .csv), p.ex. {example}.",
    "en": "“{given}” is a folder ({path}), not a file: give a customer list "
          "(.xlsx, .xlsm, .xls or .csv), e.g. {example}.",
}


def refuse_folder(given: str, lang: str = "nl") -> None:
    """UsageError, in ``lang``, when ``given`` names a folder instead of a file."""
    from pathlib import Path

    from numnum_xl.cli import UsageError

    path = Path(given)
    if path.is_dir():
        example = next((str(path / p.name) for p in sorted(path.iterdir())
                        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".csv")),
                       str(path / "klanten.xlsx"))
        raise UsageError(_FOLDER.get(lang, _FOLDER["nl"]).format(
            given=given, path=path.resolve(), example=example))


def load_and_map(args: argparse.Namespace):
    """Read the file and map its columns: (table, mapping)."""
    from numnum_xl.cli import UsageError
    from numnum_xl.mapping import propose
    from numnum_xl.sheetshape import read_customer_table

    profile, overrides = mapping_inputs(args)
    refuse_folder(args.file, getattr(args, "lang", "nl"))
    table = read_customer_table(args.file, args.sheet)
    try:
        mapping = propose(table.headers, profile=profile, overrides=overrides, rows=table.rows)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return table, mapping
