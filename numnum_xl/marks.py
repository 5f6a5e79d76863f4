"""The marks a finding leaves on a cell — colours, note texts, sheet names — without openpyxl.

The one place that decides a cell's colour and note text (:func:`marks_by_cell`), shared by
:mod:`numnum_xl.annotate` (the command line, which re-exports every name here) and the Excel
add-in, whose click must not import openpyxl (issue 15: a ribbon click paid 0.2–0.36 s for it).

>>> from numnum_xl.findings import Finding
>>> marks = marks_by_cell([
...     Finding(5, "vat_country_code", "F5", "warning", "country.case",
...             {"field": "vat_country_code"}, "BE"),
...     Finding(5, "vat_country_code", "F5", "error", "vat.country_missing"),
...     Finding(None, None, None, "warning", "sheet.no_data")])
>>> marks["F5"][0]
'error'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from numnum_xl.findings import ERROR, WARNING, Finding

NOTE_AUTHOR = "NumNum"
#: The line between the user's own note text and ours.
NOTE_SEPARATOR = "— NumNum —"
SUMMARY_SHEET = "NumNum-controle"
#: The add-in's list of duplicate groups (the summary's layout, see :mod:`numnum_xl.summary`).
DUPLICATES_SHEET = "NumNum-duplicaten"
#: Very hidden sheet recording each marked cell's original fill and note.
STATE_SHEET = "_numnum"
ERROR_RGB = "FFFFC7CE"
WARNING_RGB = "FFFFEB9C"
#: The mark of ``numnum-xl duplicates``: not a severity of ``validate`` (whose findings are
#: errors or warnings) but a third kind of finding, with its own colour: lavender, apart from
#: red and orange (also for red-green colour blindness) and from Excel's grey-blue selection.
DUPLICATE = "duplicate"
DUPLICATE_RGB = "FFCCC0DA"
#: The mark of a cell ``--fix`` changed (its old value in the note): green.
FIXED = "fixed"
FIXED_RGB = "FFC6EFCE"
#: The fill of each kind of mark (ARGB), for every writer of marks.
COLOURS = {ERROR: ERROR_RGB, WARNING: WARNING_RGB, DUPLICATE: DUPLICATE_RGB, FIXED: FIXED_RGB}
#: Codes of findings that only colour their cell: no note line, no line on the summary sheet
#: (the note and the line belong to another finding of the same row). ``duplicates`` colours
#: a duplicate's whole row this way, its note on the cell that proves it.
COLOUR_ONLY: frozenset[str] = frozenset({"duplicate.row"})
#: Which mark a cell with several kinds gets (lowest first); ``--fix``'s change mark last.
_KIND_RANK = {ERROR: 0, DUPLICATE: 1, WARNING: 2, FIXED: 3}

# --- marks -----------------------------------------------------------------------------------

def _normal_ref(ref: str) -> str:
    return ref.replace("$", "").upper()


def _kind(f: Finding) -> str:
    """The mark a finding gets: error, duplicate or (anything else) warning."""
    return f.severity if f.severity in (ERROR, DUPLICATE) else WARNING


def marks_by_cell(findings: Iterable[Finding], lang: str = "nl") -> dict[str, tuple[str, str]]:
    """Per flagged cell (A1 address): its severity (error wins) and its note text.

    The note has one line per message, errors first, each starting with "Fout: " or
    "Waarschuwing: " (in ``lang``); the message includes the suggested fix. Findings without
    a cell (row or sheet level) are not marked: they belong in the summary only. Duplicate
    findings (:data:`DUPLICATE`) come between errors and warnings, without a prefix (their
    message says it), and colour a cell unless it has an error.
    """
    from numnum_xl.summary import words

    text = words(lang)
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.cell:
            groups.setdefault(_normal_ref(f.cell), []).append(f)
    marks: dict[str, tuple[str, str]] = {}
    for ref, group in groups.items():
        group.sort(key=lambda f: _KIND_RANK[_kind(f)])
        lines: list[str] = []
        for f in group:
            sev = _kind(f)
            if f.code in COLOUR_ONLY:
                continue
            prefix = "" if sev == DUPLICATE else text[sev] + text["colon"]
            line = prefix + f.message(lang)
            if line not in lines:
                lines.append(line)
        severity = _kind(group[0])
        marks[ref] = (severity, "\n".join(lines))
    return marks


def merge_marks(*parts: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    r"""Several cell -> (kind, note text) maps in one: the lowest-ranked kind wins (error,
    duplicate, warning, fixed), the texts are joined by lines, a line already there is not
    repeated; an empty text (a mark that only colours) adds no line.

    >>> merge_marks({"A1": ("warning", "x")}, {"a1": ("error", "y\nx"), "B2": ("fixed", "z")})
    {'A1': ('error', 'x\ny'), 'B2': ('fixed', 'z')}
    >>> merge_marks({"C3": ("duplicate", "")}, {"C3": ("warning", "w")})
    {'C3': ('duplicate', 'w')}
    """
    out: dict[str, tuple[str, str]] = {}
    for part in parts:
        for ref, (kind, text) in part.items():
            ref = _normal_ref(ref)
            if ref in out:
                old_kind, old_text = out[ref]
                lines = old_text.split("\n") if old_text else []
                lines += [ln for ln in (text.split("\n") if text else []) if ln not in lines]
                kind = min(kind, old_kind, key=lambda k: _KIND_RANK.get(k, 9))
                text = "\n".join(lines)
            out[ref] = (kind, text)
    return out
