"""Build ``tests/data/excel_object_model.json`` from Microsoft's Excel VBA reference.

The test fakes (``tests/xlfakes.py``) check every ``.api`` property and method the add-in
touches against this table: a property Microsoft documents as read-only cannot be assigned,
a method takes only its documented parameters, an unknown member fails. The table is derived
from the Markdown sources of the Excel VBA object-model reference,
https://github.com/MicrosoftDocs/VBA-Docs (``api/Excel.<Object>.<Member>.md``; documentation
licensed CC BY 4.0, code samples MIT — see ``tests/data/excel_object_model.md``).

Usage (a checkout of VBA-Docs, any recent commit)::

    python tools/excel_object_model.py PATH/TO/VBA-Docs [COMMIT] \
        > tests/data/excel_object_model.json

Rules, from the pages' own wording: a property page whose description says "Read-only" is
read-only; "Read/write" or "Returns or sets" is read/write; any other property page (e.g.
"Returns a Long …") is read-only. A property's object type is the first linked Excel object
(not an ``Xl…`` enumeration) in its description. A method's parameters are the rows of its
"Parameters" table, in order, with Required/Optional.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

#: The objects whose members the add-in's ``.api`` code reaches (and everything it may reach
#: from them: the objects of these members' return values are in the list too).
OBJECTS = ("Application", "Workbook", "Worksheet", "Window", "Range", "Validation")

_TITLE = re.compile(r"^#\s+(\w+)\.(\w+)\s+(property|method)\s+\(Excel\)", re.M)
_OBJECT_LINK = re.compile(r"\[(\w+)\]\((?:excel|Excel)\.(\w+)(?:\(object\))?\.md\)")
_PARAM_ROW = re.compile(r"^\|\s*_?([A-Za-z0-9]+)_?\s*\|\s*(Required|Optional)\s*\|", re.M | re.I)


def _description(text: str) -> str:
    """The text between the title and the first ``##`` heading."""
    m = _TITLE.search(text)
    rest = text[m.end():] if m else text
    return rest.split("\n## ", 1)[0]


def parse_page(text: str) -> tuple[str, str, dict] | None:
    """(object, member, entry) of one reference page, or None when it is no member page.

    >>> parse_page("# Validation.AlertStyle property (Excel)\\n\\nReturns the validation alert "
    ...            "style. Read-only **[XlDVAlertStyle](Excel.XlDVAlertStyle.md)**.\\n")
    ('Validation', 'AlertStyle', {'kind': 'property', 'access': 'read-only'})
    >>> parse_page("# Range.Validation property (Excel)\\n\\nReturns the **[Validation]"
    ...            "(Excel.Validation.md)** object that represents data validation. Read-only.")[2]
    {'kind': 'property', 'access': 'read-only', 'returns': 'Validation'}
    """
    m = _TITLE.search(text)
    if not m:
        return None
    obj, member, kind = m.groups()
    desc = _description(text)
    entry: dict = {"kind": kind}
    if kind == "property":
        flat = " ".join(desc.split())
        if re.search(r"Read/write|Returns or sets", flat, re.I):
            entry["access"] = "read-write"
        else:
            entry["access"] = "read-only"
        for _, target in _OBJECT_LINK.findall(flat):
            if not target.startswith("Xl"):
                entry["returns"] = target
                break
    else:
        section = text.split("## Parameters", 1)[1].split("\n## ", 1)[0] \
            if "## Parameters" in text else ""
        entry["params"] = [[name, req.lower() == "required"]
                           for name, req in _PARAM_ROW.findall(section)
                           if name.lower() != "name"]
    return obj, member, entry


def build(docs: Path, objects: tuple[str, ...] = OBJECTS) -> dict[str, dict[str, dict]]:
    """Object → member → entry, from every ``api/Excel.<Object>.<Member>.md`` of ``docs``."""
    table: dict[str, dict[str, dict]] = {o: {} for o in objects}
    for obj in objects:
        for page in sorted((docs / "api").glob(f"Excel.{obj}.*.md")):
            parsed = parse_page(page.read_text(encoding="utf-8-sig"))
            if parsed and parsed[0] == obj:
                table[obj][parsed[1]] = parsed[2]
    return table


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    docs = Path(argv[0])
    commit = argv[1] if len(argv) > 1 else "unknown"
    table = build(docs)
    out = {"source": "https://github.com/MicrosoftDocs/VBA-Docs (api/Excel.*.md)",
           "commit": commit, "licence": "CC-BY-4.0 (documentation); see excel_object_model.md",
           "objects": table}
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
