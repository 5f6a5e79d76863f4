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
        w = _MAP_WORDS[args.lang]
        lang = args.lang
        for note in notes:
            print(note)
        print(w["header"].format(row=table.header_row, file=args.file)
              + (w["sheet"].format(sheet=table.sheet) if table.sheet else "") + w["colon"])
        for r in rows:
            target = " + ".join(f"{k} ({FIELD_BY_KEY[k].label(lang)})" for k in r["fields"]) \
                or (f"{r['field']} ?" if r["field"] else "-")
            extra = f" {r['score']:.0%}" if r["how"] in ("fuzzy", "values") else ""
            why = f" {r['reason']}" if r["reason"] and not r["fields"] else ""
            part = f" ({r['part']})" if r["part"] else ""
            print(f"  {r['column']:>3}  {r['header'][:30]:30}  → {target + part:40} "
                  f"[{w.get(r['how'], r['how'])}{extra}{why}]")
        for key, idx in mapping.fields.items():
            if len(idx) > 1:
                print(f"  {w['merged']}: {key} ← " + " + ".join(table.headers[i] for i in idx))
        for r in rows:
            if r["dropped"]:
                print("  " + w["dropped"].format(header=r["header"],
                                                 examples=", ".join(r["dropped"])))
        for key in missing_required:
            print(f"  {w['missing'].format(key=key, label=FIELD_BY_KEY[key].label(lang))}")
        for name in mapping.missing:
            print(f"  {w['profile_missing'].format(name=name)}")
        if saved:
            print(w["saved"].format(path=saved))
    return 1 if missing_required else 0


#: The words of the mapping table, per language.
_MAP_WORDS: dict[str, dict[str, str]] = {
    "nl": {"header": "Kopregel op rij {row} van {file}", "sheet": " (blad {sheet})",
           "colon": ":", "key": "sleutel", "label": "label", "synonym": "synoniem",
           "words": "woorden", "weak": "naam (zwak)", "partial": "woorden + waarden",
           "values": "WAARDEN", "fuzzy": "lijkt op", "profile": "gekozen",
           "ambiguous": "naam (uit context)", "skip": "overslaan", "duplicate": "dubbel",
           "secondary": "tweede adres/contact", "unmapped": "NIET GEKOPPELD",
           "merged": "samengevoegd",
           "dropped": "wordt NIET geïmporteerd: {header} (bv. {examples})",
           "missing": "ontbreekt: verplicht veld {key} ({label})",
           "profile_missing": "profielkolom niet gevonden: {name}",
           "saved": "Profiel bewaard: {path}"},
    "fr": {"header": "En-tête en ligne {row} de {file}", "sheet": " (feuille {sheet})",
           "colon": " :", "key": "clé", "label": "libellé", "synonym": "synonyme",
           "words": "mots", "weak": "nom (faible)", "partial": "mots + valeurs",
           "values": "VALEURS", "fuzzy": "ressemble à", "profile": "choisi",
           "ambiguous": "nom (d'après le contexte)", "skip": "ignorer", "duplicate": "doublon",
           "secondary": "deuxième adresse/contact", "unmapped": "NON ASSOCIÉE",
           "merged": "combinées",
           "dropped": "ne sera PAS importée : {header} (p.ex. {examples})",
           "missing": "manquant : champ obligatoire {key} ({label})",
           "profile_missing": "colonne du profil introuvable : {name}",
           "saved": "Profil enregistré : {path}"},
    "en": {"header": "Header on row {row} of {file}", "sheet": " (sheet {sheet})",
           "colon": ":", "key": "key", "label": "label", "synonym": "synonym",
           "words": "words", "weak": "name (weak)", "partial": "words + values",
           "values": "VALUES", "fuzzy": "looks like", "profile": "chosen",
           "ambiguous": "name (from context)", "skip": "skip", "duplicate": "duplicate",
           "secondary": "second address/contact", "unmapped": "NOT MAPPED",
           "merged": "combined", "dropped": "NOT imported: {header} (e.g. {examples})",
           "missing": "missing: required field {key} ({label})",
           "profile_missing": "profile column not found: {name}",
           "saved": "Profile saved: {path}"},
}
