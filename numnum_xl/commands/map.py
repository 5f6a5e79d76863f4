"""``numnum-xl map FILE``: show (and save) how the file's columns map onto NumNum's fields."""

from __future__ import annotations

import argparse
import json
import sys

from numnum_xl.commands._common import add_input_options, load_and_map


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``map`` command."""
    p = sub.add_parser("map", help="toon de kolomkoppeling (en bewaar ze als profiel)",
                       description="Toon welke kolom naar welk NumNum-veld gaat, waarom "
                                   "(kolomnaam, woorden, waarden), welke kolommen niet herkend "
                                   "zijn en welke verplichte velden ontbreken.")
    add_input_options(p)
    p.add_argument("--save-profile", metavar="NAAM",
                   help="bewaar deze koppeling als profiel om later te hergebruiken")
    p.add_argument("--json", action="store_true", help="de koppeling als JSON")
    p.set_defaults(func=run)


_LABELS = {"key": "sleutel", "label": "label", "synonym": "synoniem", "words": "woorden",
           "weak": "naam (zwak)", "partial": "woorden + waarden", "values": "WAARDEN",
           "fuzzy": "lijkt op", "profile": "gekozen", "ambiguous": "naam (uit context)",
           "skip": "overslaan", "duplicate": "dubbel", "secondary": "tweede adres/contact",
           "unmapped": "NIET GEKOPPELD"}


def run(args: argparse.Namespace) -> int:
    """Print the mapping; exit 1 when a required field has no column."""
    from numnum_xl.catalogue import FIELD_BY_KEY
    from numnum_xl.mapping import proposal, save_profile
    from numnum_xl.validate import REQUIRED

    table, mapping = load_and_map(args)
    missing_required = [k for k in REQUIRED if k not in mapping.fields]
    rows = proposal(table, mapping)
    saved = save_profile(args.save_profile, mapping) if args.save_profile else None
    notes = table.info.get("shape_notes", [])
    if args.json:
        json.dump({"columns": rows, "fields": {k: [table.headers[i] for i in v]
                                               for k, v in mapping.fields.items()},
                   "missing_required": missing_required, "profile_missing": mapping.missing,
                   "dropped": [r["header"] for r in rows if r["dropped"]],
                   "sheet": table.sheet, "header_row": table.header_row, "notes": notes,
                   "saved_profile": str(saved) if saved else None},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for note in notes:
            print(note)
        print(f"Kopregel op rij {table.header_row} van {args.file}"
              + (f" (blad {table.sheet})" if table.sheet else "") + ":")
        for r in rows:
            target = " + ".join(f"{k} ({FIELD_BY_KEY[k].label_nl})" for k in r["fields"]) \
                or (f"{r['field']} ?" if r["field"] else "-")
            extra = f" {r['score']:.0%}" if r["how"] in ("fuzzy", "values") else ""
            why = f" {r['reason']}" if r["reason"] and not r["fields"] else ""
            part = f" ({r['part']})" if r["part"] else ""
            print(f"  {r['column']:>3}  {r['header'][:30]:30}  → {target + part:40} "
                  f"[{_LABELS.get(r['how'], r['how'])}{extra}{why}]")
        for key, idx in mapping.fields.items():
            if len(idx) > 1:
                print(f"  samengevoegd: {key} ← "
                      + " + ".join(table.headers[i] for i in idx))
        for r in rows:
            if r["dropped"]:
                print(f"  wordt NIET geïmporteerd: {r['header']} (bv. "
                      + ", ".join(r["dropped"]) + ")")
        for key in missing_required:
            print(f"  ontbreekt: verplicht veld {key} ({FIELD_BY_KEY[key].label_nl})")
        for name in mapping.missing:
            print(f"  profielkolom niet gevonden: {name}")
        if saved:
            print(f"Profiel bewaard: {saved}")
    return 1 if missing_required else 0
