"""What a duplicate check leaves on a sheet, for the command line (``numnum-xl duplicates``)
and the add-in's *Duplicaten* alike: the ``--json`` groups (:func:`as_json`) and the findings
of kind ``duplicate`` (:func:`findings`) - a note on the cell that proves each match, the rest
of the row coloured, one line per group for the summary sheet. The matching itself is
:mod:`numnum_xl.duplicates`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

#: The cell that carries a mark, per reason (a name: the first of these that is mapped).
KEY_FIELDS = {"external_id": ("external_id",), "vat_id": ("vat_id",), "email": ("email",),
              "name": ("title", "last_name", "first_name")}


def _weaker(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """The weaker of two (reason, confidence): probable before certain, then NumNum's order."""
    from numnum_xl.duplicates import CERTAIN, REASONS

    def rank(x: tuple[str, str]) -> tuple[int, int]:
        return (0 if x[1] == CERTAIN else 1), REASONS.index(x[0])

    return max(a, b, key=rank)


def as_json(table, groups, existing: dict[int, Any]) -> dict[str, Any]:
    """The ``--json`` contract (see :mod:`numnum_xl.commands.duplicates`)."""
    from numnum_xl.duplicates import match_rank

    numbers = table.row_numbers
    out = []
    grouped: set[int] = set()
    for g in groups:
        grouped.update(g.refs)
        matches = [(*match_rank(existing[i]), i) for i in g.refs if i in existing]
        reason, confidence, existing_id = g.reason, g.confidence, None
        if matches:
            m = existing[min(matches)[-1]]
            existing_id = str(m.ref)
            reason, confidence = _weaker((reason, confidence), (m.reason, m.confidence))
        out.append({"rows": sorted(numbers[i] for i in g.refs), "reason": reason,
                    "confidence": confidence, "existing_id": existing_id})
    for i, m in existing.items():
        if i not in grouped:
            out.append({"rows": [numbers[i]], "reason": m.reason, "confidence": m.confidence,
                        "existing_id": str(m.ref)})
    out.sort(key=lambda g: g["rows"][0])
    return {"groups": out}


def _key_cell(table, mapping, reason: str, r: int) -> tuple[str | None, str | None]:
    """(field key, A1 cell) that carries the mark of a match by ``reason`` in data row ``r``."""
    for key in KEY_FIELDS[reason]:
        if key in mapping.fields:
            return key, table.cell(r, mapping.fields[key][0])
    return None, None


def _title(values: dict[str, Any]) -> str:
    title = values.get("title")
    if title not in (None, ""):
        return str(title)
    return " ".join(str(values[k]) for k in ("first_name", "last_name")
                    if values.get(k) not in (None, "")) or "?"


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    from numnum_xl.duplicates import name_similarity, record_from_values

    na, nb = record_from_values(0, a).name, record_from_values(1, b).name
    return name_similarity(na, nb) if na and nb else 0.0


def findings(table, mapping, values: list[dict[str, Any]], groups, existing: dict[int, Any],
             contacts: dict[str, dict[str, Any]], result: dict[str, Any] | None = None
             ) -> list:
    """The marks: per row and reason a note on the cell that proves it (which other rows,
    which contact), the rest of the row coloured (``duplicate.row``), and per group one line
    for the summary sheet (``duplicate.group.*``, no cell). All of kind ``duplicate``."""
    from numnum_xl.annotate import DUPLICATE
    from numnum_xl.findings import GROUP_ROWS_SHOWN, Finding, rows_text, sort_key

    numbers = table.row_numbers
    out: list[Finding] = []
    noted: dict[int, set[str]] = defaultdict(set)
    others: dict[int, str] = {}

    def add(r: int, reason: str, code: str, params: dict[str, Any]) -> None:
        key, cell = _key_cell(table, mapping, reason, r)
        if reason != "name" and key is not None:
            params.setdefault("value", values[r].get(key))
        out.append(Finding(numbers[r], key, cell, DUPLICATE, code, params))
        if cell is not None:
            noted[r].add(cell)

    for g in groups:
        direct: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        for a, m in g.links:
            direct[a].append((m.ref, m))
            direct[m.ref].append((a, m))
        members = sorted(numbers[o] for o in g.refs)
        for r in g.refs:
            others[r] = rows_text(members, skip={numbers[r]})
            same: dict[str, list[int]] = defaultdict(list)
            for other, m in sorted(direct[r], key=lambda t: numbers[t[0]]):
                score = _similarity(values[r], values[other]) if m.reason == "name" else 1.0
                if m.reason == "name" and score < 1.0:
                    add(r, "name", "duplicate.name_similar",
                        {"other": numbers[other], "name": _title(values[other]),
                         "score": int(score * 100)})
                else:
                    same[m.reason].append(numbers[other])
            for reason, rows in same.items():
                add(r, reason, f"duplicate.{reason}", {"other": rows_text(sorted(set(rows)))})
            linked = {numbers[o] for o, _m in direct[r]} | {numbers[r]}
            if len(linked) < len(members):
                add(r, "name", "duplicate.chain", {"other": rows_text(members, skip=linked)})
    for r, m in existing.items():
        contact = contacts.get(str(m.ref), {})
        add(r, m.reason, f"existing.{m.reason}", {"id": m.ref, "name": _title(contact)})
    # the whole row in the duplicate colour; the notes stay on the cells above
    for r in sorted(set(noted) | set(others)):
        other = others.get(r) or "-"
        for j in range(len(table.headers)):
            cell = table.cell(r, j)
            if cell not in noted[r]:
                out.append(Finding(numbers[r], None, cell, DUPLICATE, "duplicate.row",
                                   {"row": numbers[r], "other": other}))
    for g in (result or {}).get("groups", []):
        out.append(Finding(g["rows"][0], None, None, DUPLICATE,
                           f"duplicate.group.{g['reason']}.{g['confidence']}",
                           {"rows": rows_text(g["rows"], shown=GROUP_ROWS_SHOWN)}))
    out.sort(key=sort_key)
    return out
