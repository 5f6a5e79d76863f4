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

from collections.abc import Iterable

from numnum_xl.catalogue import FIELD_BY_KEY
from numnum_xl.cells import column_index_of
from numnum_xl.findings import ERROR, WARNING, Finding
from numnum_xl.table import Table

NOTE_AUTHOR = "NumNum"
#: The line between the user's own note text and ours.
NOTE_SEPARATOR = "— NumNum —"
SUMMARY_SHEET = "NumNum-controle"
#: Very hidden sheet recording each marked cell's original fill and note.
STATE_SHEET = "_numnum"
ERROR_RGB = "FFFFC7CE"
WARNING_RGB = "FFFFEB9C"
#: The mark of ``numnum-xl duplicates``: not a severity of ``validate`` (whose findings are
#: errors or warnings) but a third kind of finding, with its own colour: lavender, apart from
#: red and orange (also for red-green colour blindness) and from Excel's grey-blue selection.
DUPLICATE = "duplicate"
DUPLICATE_RGB = "FFCCC0DA"
#: Codes of findings that only colour their cell: no note line, no line on the summary sheet
#: (the note and the line belong to another finding of the same row). ``duplicates`` colours
#: a duplicate's whole row this way, its note on the cell that proves it.
COLOUR_ONLY: frozenset[str] = frozenset({"duplicate.row"})
#: Which mark a cell with several kinds of finding gets (lowest first).
_KIND_RANK = {ERROR: 0, DUPLICATE: 1, WARNING: 2}

_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        ERROR: "Fout", WARNING: "Waarschuwing", DUPLICATE: "Dubbel", "colon": ": ",
        "title": "NumNum-controle van blad «{sheet}» ({file})",
        "data_rows": "Gegevensrijen", "errors": "Fouten", "warnings": "Waarschuwingen",
        "rows_with_errors": "Rijen met fouten",
        "rows_with_warnings_only": "Rijen met alleen waarschuwingen",
        "clean_rows": "Rijen zonder opmerkingen",
        "rows_with_duplicates": "Rijen met dubbele klanten", "count": "Aantal", "code": "Code",
        "legend": "Legende", "legend_note": "De uitleg staat in de notitie van de cel.",
        "legend_clear": "Markeringen wissen: numnum-xl clear BESTAND",
        "row": "Rij", "column": "Kolom", "cell": "Cel", "severity": "Ernst",
        "message": "Melding", "suggestion": "Voorstel",
        "more": "… en nog {count} meldingen die niet op dit blad passen.",
    },
    "fr": {
        ERROR: "Erreur", WARNING: "Avertissement", DUPLICATE: "Doublon", "colon": " : ",
        "title": "Contrôle NumNum de la feuille « {sheet} » ({file})",
        "data_rows": "Lignes de données", "errors": "Erreurs", "warnings": "Avertissements",
        "rows_with_errors": "Lignes avec erreurs",
        "rows_with_warnings_only": "Lignes avec avertissements seulement",
        "clean_rows": "Lignes sans remarque",
        "rows_with_duplicates": "Lignes avec doublons", "count": "Nombre", "code": "Code",
        "legend": "Légende", "legend_note": "L'explication se trouve dans la note de la cellule.",
        "legend_clear": "Effacer les marques : numnum-xl clear FICHIER",
        "row": "Ligne", "column": "Colonne", "cell": "Cellule", "severity": "Gravité",
        "message": "Message", "suggestion": "Suggestion",
        "more": "… et encore {count} messages qui ne tiennent pas sur cette feuille.",
    },
    "en": {
        ERROR: "Error", WARNING: "Warning", DUPLICATE: "Duplicate", "colon": ": ",
        "title": "NumNum check of sheet “{sheet}” ({file})",
        "data_rows": "Data rows", "errors": "Errors", "warnings": "Warnings",
        "rows_with_errors": "Rows with errors",
        "rows_with_warnings_only": "Rows with warnings only",
        "clean_rows": "Rows without remarks",
        "rows_with_duplicates": "Rows with duplicates", "count": "Count", "code": "Code",
        "legend": "Legend", "legend_note": "The explanation is in the cell's note.",
        "legend_clear": "Remove the marks: numnum-xl clear FILE",
        "row": "Row", "column": "Column", "cell": "Cell", "severity": "Severity",
        "message": "Message", "suggestion": "Suggestion",
        "more": "… and {count} more messages that do not fit on this sheet.",
    },
}


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
    text = _TEXT.get(lang, _TEXT["nl"])
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



def _column_label(f: Finding, table: Table, lang: str) -> str:
    if f.column in FIELD_BY_KEY:
        return FIELD_BY_KEY[f.column].label(lang)
    if f.cell:
        i = column_index_of(f.cell) - table.first_col
        if 0 <= i < len(table.headers) and table.headers[i] not in (None, ""):
            return str(table.headers[i])
    return f.column or ""
