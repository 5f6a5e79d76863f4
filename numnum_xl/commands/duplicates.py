"""``numnum-xl duplicates FILE``: find customers that occur more than once - within the sheet
and, with a NumNum account, customers that already exist there - and mark them in a copy.

The matcher is :mod:`numnum_xl.duplicates` (the same one ``push`` uses to decide which rows
already exist; it weighs every key, see there). Every row of a group is coloured lavender
(:data:`numnum_xl.annotate.DUPLICATE`) from its first to its last column, and the cell of the
key that proves it (external ID, VAT number, email; the name for a name match) gets a note
naming the other row(s) and the reason, e.g. "Duplicaat van rij 12: zelfde btw-nummer
(0403019261)."; a row that matches a contact of the account gets "Bestaat al in NumNum: klant
123 (…) heeft hetzelfde btw-nummer". The summary sheet lists every group with its reason and
confidence ("Dubbele klanten (zeker): rijen 4, 5 - zelfde btw-nummer.") and counts the rows
with duplicates - no error counts: this command does not validate. These are findings with
their own codes (``duplicate.*``, ``existing.*``) and kind ``duplicate``; the row colour is
``duplicate.row`` (:data:`numnum_xl.annotate.COLOUR_ONLY`: no note, not listed). ``validate``'s
contract (severity error or warning) does not change.

``--json`` prints this contract (and writes no workbook unless ``-o`` or ``--in-place``)::

    {"groups": [{"rows": [5, 17], "reason": "vat_id", "confidence": "certain",
                 "existing_id": null}]}

``rows``: real sheet rows, ascending; ``reason``: ``external_id``, ``vat_id``, ``email`` or
``name`` - of the weakest link holding the group together, the link to the account included;
``confidence``: ``certain`` (a VAT number or an external ID nothing contradicts) or
``probable`` (an email address, a name); ``existing_id``: the id
of the NumNum contact the group already exists as, else ``null`` (a group of one row is a row
that only matches the account). Groups are ordered by their first row.

Exit status: 0 no duplicates, 1 duplicates found, 2 the file (or the account) could not be
read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from numnum_xl.commands._common import add_input_options, load_and_map
from numnum_xl.duplicate_marks import as_json, findings


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``duplicates`` command."""
    p = sub.add_parser(
        "duplicates", help="zoek klanten die meer dan eens voorkomen (ook in uw NumNum-account)",
        description="Zoek rijen die dezelfde klant zijn, op alle gegevens samen: zelfde "
                    "btw-nummer of extern ID (zeker, tenzij iets sterks het tegenspreekt), "
                    "zelfde e-mailadres of (bijna) dezelfde naam op dezelfde postcode of "
                    "plaats (mogelijk); twee verschillende btw-nummers zijn twee klanten. Met "
                    "een NumNum-account ook de rijen die daar al bestaan. Schrijft een kopie "
                    "met die rijen in lila, met uitleg in een notitie, of met --json de "
                    "groepen als JSON.")
    add_input_options(p)
    p.add_argument("--json", action="store_true",
                   help="de groepen als JSON op stdout (schrijft geen werkmap tenzij -o)")
    p.add_argument("-o", "--output", help="pad van de gemarkeerde kopie "
                                          "(standaard NAAM.duplicaten.xlsx)")
    p.add_argument("--in-place", action="store_true",
                   help="markeer in het bestand zelf (er wordt eerst een reservekopie gemaakt)")
    acc = p.add_argument_group("NumNum-account")
    which = acc.add_mutually_exclusive_group()
    which.add_argument("--account", action="store_true",
                       help="vergelijk ook met de klanten in uw NumNum-account (gebeurt vanzelf "
                            "als er een account is ingesteld)")
    which.add_argument("--sandbox", action="store_true",
                       help="vergelijk met de lokale oefenomgeving (numnum-xl sandbox)")
    which.add_argument("--no-account", action="store_true",
                       help="vergelijk alleen de rijen van het blad onderling")
    acc.add_argument("--api-url", metavar="URL",
                     help="adres van de NumNum-API (standaard NUMNUM_API_URL of de instellingen); "
                          "het token komt uit NUMNUM_API_TOKEN of de sleutelhanger")
    p.set_defaults(func=run)


def default_output(path: str | os.PathLike[str]) -> Path:
    """``NAME.duplicaten.xlsx`` beside ``path`` (an ``.xlsm`` stays ``.xlsm``): not the name
    ``validate`` writes, so the two copies do not overwrite each other.

    >>> default_output("/data/klanten.csv").as_posix()
    '/data/klanten.duplicaten.xlsx'
    """
    p = Path(path)
    suffix = ".xlsm" if p.suffix.lower() in (".xlsm", ".xltm") else ".xlsx"
    return p.with_name(f"{p.stem}.duplicaten{suffix}")


def row_values(table, mapping, progress=None) -> list[dict[str, Any]]:
    """Per data row the values NumNum would get (:attr:`Report.values
    <numnum_xl.validate.Report.values>`) for the fields the matcher reads: the same reading as
    ``validate`` (leading zeros restored, combined columns joined), without the other rules."""
    from numnum_xl.duplicates import FIELDS
    from numnum_xl.mapping import Mapping
    from numnum_xl.validate import validate_table

    fields = {k: idx for k, idx in mapping.fields.items() if k in FIELDS}
    return validate_table(table, Mapping(columns=mapping.columns, fields=fields),
                          progress=progress).values


def _account(args: argparse.Namespace):
    """The account to compare with, or None (no account configured, or --no-account)."""
    from numnum_xl import client
    from numnum_xl.cli import UsageError

    if args.no_account:
        if args.api_url:
            raise UsageError("--api-url en --no-account gaan niet samen.")
        return None
    configured = (args.api_url or os.environ.get(client.ENV_API_URL, "").strip()
                  or client.load_settings().api_url)
    if not (args.sandbox or configured):
        if args.account:
            raise UsageError("Geen NumNum-account ingesteld: geef --api-url, zet "
                             f"{client.ENV_API_URL} en {client.ENV_API_TOKEN}, of gebruik "
                             "--sandbox.")
        return None
    try:
        return client.resolve_account(args.api_url, sandbox=args.sandbox)
    except client.AccountError as exc:
        raise UsageError(str(exc)) from None


def _contacts(account, lang: str) -> list[dict[str, Any]]:
    from numnum_xl.cli import UsageError
    from numnum_xl.client import ApiError
    from numnum_xl.duplicates import fetch_contacts

    try:
        return fetch_contacts(account.base_url, account.token, lang=lang)
    except ApiError as exc:
        raise UsageError(exc.message(lang)) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Find the groups, mark them, report; exit 1 when there are any."""
    from numnum_xl.duplicates import (
        find_groups,
        match_existing,
        record_from_contact,
        record_from_values,
    )

    table, mapping = load_and_map(args)
    account = _account(args)
    from numnum_xl.progress import bar

    words = {"nl": "rijen gelezen", "fr": "lignes lues", "en": "rows read"}
    with bar(len(table.rows), desc=words[args.lang],
             enabled=False if getattr(args, "json", False) else None) as progress:
        values = row_values(table, mapping, progress)
    records = [record_from_values(i, v) for i, v in enumerate(values)]
    groups = find_groups(records)
    contacts: dict[str, dict[str, Any]] = {}
    existing: dict[int, Any] = {}
    if account is not None:
        for c in _contacts(account, args.lang):
            if c.get("id") is not None:
                contacts[str(c["id"])] = c
        theirs = [record_from_contact({**c, "id": cid}) for cid, c in contacts.items()]
        existing = match_existing(records, theirs)
    result = as_json(table, groups, existing)
    out = None
    if not args.json or args.output or args.in_place:
        found = findings(table, mapping, values, groups, existing, contacts, result)
        out = _write(args, table, found)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        print_report(table, result, out, account, len(contacts), args.lang)
    return 1 if result["groups"] else 0


def _write(args: argparse.Namespace, table, found) -> Path | str:
    from numnum_xl.commands._common import write_marked_copy

    return write_marked_copy(args, table, found, in_place=args.in_place,
                             default=default_output, validated=False)


_LIMIT = 25
_WORDS = {
    "nl": {"read": "{n} klanten gelezen uit {file} (blad {sheet})",
           "account": "vergeleken met {n} klanten in NumNum ({url})",
           "groups": "{g} groep(en) dubbele klanten: {c} zeker, {p} mogelijk",
           "existing": "{e} rij(en) bestaan al in NumNum",
           "row": "rij", "certain": "zeker", "probable": "mogelijk",
           "exists": "bestaat al in NumNum als klant {id}",
           "more": "… en nog {n} groep(en)", "copy": "Gemarkeerde kopie",
           "none": "Geen dubbele klanten gevonden.",
           "external_id": "zelfde extern ID", "vat_id": "zelfde btw-nummer",
           "email": "zelfde e-mailadres", "name": "(bijna) dezelfde naam en plaats"},
    "fr": {"read": "{n} clients lus dans {file} (feuille {sheet})",
           "account": "comparés aux {n} clients dans NumNum ({url})",
           "groups": "{g} groupe(s) de clients en double : {c} certain(s), {p} possible(s)",
           "existing": "{e} ligne(s) existent déjà dans NumNum",
           "row": "ligne", "certain": "certain", "probable": "possible",
           "exists": "existe déjà dans NumNum comme client {id}",
           "more": "… et encore {n} groupe(s)", "copy": "Copie marquée",
           "none": "Aucun client en double.",
           "external_id": "même ID externe", "vat_id": "même numéro de TVA",
           "email": "même adresse e-mail", "name": "nom (presque) identique, même localité"},
    "en": {"read": "{n} customers read from {file} (sheet {sheet})",
           "account": "compared with {n} customers in NumNum ({url})",
           "groups": "{g} group(s) of duplicate customers: {c} certain, {p} probable",
           "existing": "{e} row(s) already exist in NumNum",
           "row": "row", "certain": "certain", "probable": "probable",
           "exists": "already exists in NumNum as contact {id}",
           "more": "… and {n} more group(s)", "copy": "Marked copy",
           "none": "No duplicate customers found.",
           "external_id": "same external ID", "vat_id": "same VAT number",
           "email": "same email address", "name": "(nearly) the same name and place"},
}


def print_report(table, result: dict[str, Any], out, account, n_contacts: int,
                 lang: str) -> None:
    """A short human report: counts, the first groups, the output file."""
    w = _WORDS.get(lang, _WORDS["nl"])
    groups = result["groups"]
    print(w["read"].format(n=table.data_rows, file=table.source, sheet=table.sheet or "-"))
    if account is not None:
        print(w["account"].format(n=n_contacts, url=account.base_url))
    if not groups:
        print(w["none"])
    else:
        certain = sum(g["confidence"] == "certain" for g in groups)
        line = w["groups"].format(g=len(groups), c=certain, p=len(groups) - certain)
        existing = sum(len(g["rows"]) for g in groups if g["existing_id"] is not None)
        if account is not None:
            line += "; " + w["existing"].format(e=existing)
        print(line)
        for g in groups[:_LIMIT]:
            rows = ", ".join(map(str, g["rows"]))
            what = w[g["reason"]]
            if g["existing_id"] is not None:
                what = w["exists"].format(id=g["existing_id"]) + f", {what}"
            print(f"  {w['row']} {rows}: {what} ({w[g['confidence']]})")
        if len(groups) > _LIMIT:
            print("  " + w["more"].format(n=len(groups) - _LIMIT))
    if out:
        print(f"{w['copy']}: {out}")
