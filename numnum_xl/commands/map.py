"""``numnum-xl map FILE``: show (and save) how the file's columns map onto NumNum's fields."""

from __future__ import annotations

import argparse
import json
import sys

from numnum_xl.commands._common import add_input_options, load_and_map


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``map`` command."""
    p = sub.add_parser("map", help="toon de kolomkoppeling (en bewaar ze als profiel)",
                       description="Toon welke kolom naar welk NumNum-veld gaat, welke kolommen "
                                   "niet herkend zijn en welke verplichte velden ontbreken.")
    add_input_options(p)
    p.add_argument("--save-profile", metavar="NAAM",
                   help="bewaar deze koppeling als profiel om later te hergebruiken")
    p.add_argument("--json", action="store_true", help="de koppeling als JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the mapping; exit 1 when a required field has no column."""
    from numnum_xl.catalogue import FIELD_BY_KEY
    from numnum_xl.cells import column_letter
    from numnum_xl.mapping import save_profile
    from numnum_xl.validate import REQUIRED

    table, mapping = load_and_map(args)
    missing_required = [k for k in REQUIRED if k not in mapping.fields]
    rows = []
    for c in mapping.columns:
        status = ("duplicate" if c.index in mapping.duplicates else
                  c.how if c.key or c.how == "skip" else "unmapped")
        rows.append({"column": column_letter(table.first_col + c.index),
                     "header": c.header, "field": c.key,
                     "fields": mapping.keys_of(c.index) if status != "duplicate" else [],
                     "how": status, "score": round(c.score, 2)})
    saved = save_profile(args.save_profile, mapping) if args.save_profile else None
    if args.json:
        json.dump({"columns": rows, "fields": {k: [table.headers[i] for i in v]
                                               for k, v in mapping.fields.items()},
                   "missing_required": missing_required, "profile_missing": mapping.missing,
                   "saved_profile": str(saved) if saved else None},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        w = _MAP_WORDS[args.lang]
        lang = args.lang
        print(w["header"].format(row=table.header_row, file=args.file))
        for r in rows:
            target = " + ".join(f"{k} ({FIELD_BY_KEY[k].label(lang)})" for k in r["fields"]) \
                or (f"{r['field']} ?" if r["field"] else "-")
            extra = f" {r['score']:.0%}" if r["how"] == "fuzzy" else ""
            print(f"  {r['column']:>3}  {r['header'][:30]:30}  → {target:40} "
                  f"[{w[r['how']]}{extra}]")
        for key in missing_required:
            print(f"  {w['missing'].format(key=key, label=FIELD_BY_KEY[key].label(lang))}")
        for name in mapping.missing:
            print(f"  {w['profile_missing'].format(name=name)}")
        if saved:
            print(w["saved"].format(path=saved))
    return 1 if missing_required else 0


#: The words of the mapping table, per language.
_MAP_WORDS: dict[str, dict[str, str]] = {
    "nl": {"header": "Kopregel op rij {row} van {file}:", "key": "sleutel", "label": "label",
           "synonym": "synoniem", "fuzzy": "lijkt op", "profile": "gekozen",
           "ambiguous": "naam (uit context)", "skip": "overslaan", "duplicate": "dubbel",
           "unmapped": "NIET GEKOPPELD", "missing": "ontbreekt: verplicht veld {key} ({label})",
           "profile_missing": "profielkolom niet gevonden: {name}",
           "saved": "Profiel bewaard: {path}"},
    "fr": {"header": "En-tête en ligne {row} de {file} :", "key": "clé", "label": "libellé",
           "synonym": "synonyme", "fuzzy": "ressemble à", "profile": "choisi",
           "ambiguous": "nom (d'après le contexte)", "skip": "ignorer", "duplicate": "doublon",
           "unmapped": "NON ASSOCIÉE",
           "missing": "manquant : champ obligatoire {key} ({label})",
           "profile_missing": "colonne du profil introuvable : {name}",
           "saved": "Profil enregistré : {path}"},
    "en": {"header": "Header on row {row} of {file}:", "key": "key", "label": "label",
           "synonym": "synonym", "fuzzy": "looks like", "profile": "chosen",
           "ambiguous": "name (from context)", "skip": "skip", "duplicate": "duplicate",
           "unmapped": "NOT MAPPED", "missing": "missing: required field {key} ({label})",
           "profile_missing": "profile column not found: {name}",
           "saved": "Profile saved: {path}"},
}
