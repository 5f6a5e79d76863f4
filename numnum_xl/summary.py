"""The summary sheet ``NumNum-controle`` as a bookkeeper reads it.

Stacked sections, one table per block of rows (nothing side by side, nothing overlapping):

1. title and what was checked;
2. the overview (rows, rows with errors, …) and the colour legend;
3. the kinds of problem in words with their counts (the code, for tools, in the last column,
   hidden);
4. the changes ``--fix`` made (old → new), when there are any;
5. the groups of duplicate rows, when ``duplicates`` found any;
6. every finding: row, column, a link to the cell, kind, message, suggestion - wrapped text,
   row heights that fit it, a filter, and the header frozen when it is near the top.

:func:`build` returns an :class:`~numnum_xl.xlsxpatch.ownsheet.OwnSheet`; the styles it names
(``title``, ``header``, ``wrap``, ``link``, ``error``, …) are made by
:func:`numnum_xl.xlsxpatch.mark.own_styles`.

>>> wrapped_lines("een twee drie vier", 10)
2
>>> wrapped_lines("a\\nb", 40)
2
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from numnum_xl.findings import ERROR, WARNING, Finding, sort_key, summarize
from numnum_xl.marks import DUPLICATE, FIXED
from numnum_xl.messages import render
from numnum_xl.table import Table

if TYPE_CHECKING:  # the writer is imported when a sheet is built: the words stay light
    from numnum_xl.xlsxpatch.ownsheet import LinkMaker, OwnSheet, RowMaker

#: Column widths (characters): row, column, cell, kind, message, suggestion, code.
WIDTHS = (8, 38, 9, 15, 70, 28, 24)
ROW_HEIGHT = 15.0
#: Freezing more rows than a screen shows would keep the list out of view.
MAX_FROZEN = 30
MAX_FINDINGS = 1_000_000

#: The sheet's named styles, one description for both writers: the command line's XML
#: (:func:`numnum_xl.xlsxpatch.mark.own_styles`) and the add-in's Excel calls
#: (:func:`numnum_xl.sheetmarks.summary_plan`). Colours are ARGB; each kind of mark (error,
#: warning, duplicate, fixed) is a style too: its fill, top-aligned.
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "size": 14},
    "subtitle": {"color": "FF595959"},
    "bold": {"bold": True, "top": True},
    "header": {"bold": True, "fill": "FFD9E1F2", "top": True, "wrap": True},
    "section": {"bold": True, "size": 12, "fill": "FFD9E1F2"},
    "top": {"top": True},
    "wrap": {"top": True, "wrap": True},
    "link": {"color": "FF0563C1", "underline": True, "top": True},
    "muted": {"color": "FF808080", "top": True},
    "text": {"top": True, "text": True},
}


def style(name: str, colours: dict[str, str] | None = None) -> dict[str, Any]:
    """The description of style ``name``; a kind of mark in ``colours`` (kind -> ARGB) is a
    top-aligned fill.

    >>> style("header")["fill"], style("error", {"error": "FFFFC7CE"})
    ('FFD9E1F2', {'fill': 'FFFFC7CE', 'top': True})
    """
    if colours and name in colours:
        return {"fill": colours[name], "top": True}
    return STYLES.get(name, {})


WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "NumNum-controle van blad «{sheet}» ({file})",
        "checked": "Gecontroleerd op {when} · de uitleg staat ook in de notitie van elke "
                   "gekleurde cel · markeringen wissen: numnum-xl clear {file}",
        "checked_addin": "Gecontroleerd op {when} · de uitleg staat ook in de notitie van "
                         "elke gekleurde cel · markeringen wissen: knop «Wis markeringen» op "
                         "de tab NumNum",
        "colon": ": ",
        "overview": "Overzicht", "data_rows": "Gegevensrijen", "clean_rows":
        "Rijen zonder opmerkingen", "rows_with_errors": "Rijen met fouten",
        "rows_with_warnings_only": "Rijen met alleen waarschuwingen",
        "rows_with_duplicates": "Rijen met dubbele klanten", "errors": "Fouten",
        "warnings": "Waarschuwingen", "changes": "Cellen gewijzigd door --fix",
        "legend": "Kleuren",
        ERROR: "Fout", WARNING: "Waarschuwing", DUPLICATE: "Dubbel", FIXED: "Gewijzigd",
        "legend_" + ERROR: "Moet opgelost worden voor het importeren.",
        "legend_" + WARNING: "Nakijken; importeren kan wel.",
        "legend_" + DUPLICATE: "Deze klant staat meer dan eens in de lijst (of al in NumNum).",
        "legend_" + FIXED: "Door --fix aangepast; de oude waarde staat in de notitie.",
        "kinds": "Soorten problemen", "count": "Aantal", "column": "Kolom",
        "kind": "Soort", "problem": "Probleem", "code": "Code",
        "fixes": "Wijzigingen door --fix", "change": "Wijziging", "new": "Nieuwe waarde",
        "groups": "Dubbele klanten", "group": "Groep", "rows": "Rijen",
        "reasons": "Waarom",
        "findings": "Alle meldingen", "row": "Rij", "cell": "Cel", "message": "Melding",
        "suggestion": "Voorstel",
        "more": "… en nog {count} meldingen die niet op dit blad passen.",
        "changed_note": "Gewijzigd: «{old}» → «{new}»", "empty": "(leeg)",
        "none": "Geen meldingen: klaar om te importeren.",
    },
    "fr": {
        "title": "Contrôle NumNum de la feuille « {sheet} » ({file})",
        "checked": "Contrôlé le {when} · l'explication figure aussi dans la note de chaque "
                   "cellule colorée · effacer les marques : numnum-xl clear {file}",
        "checked_addin": "Contrôlé le {when} · l'explication figure aussi dans la note de "
                         "chaque cellule colorée · effacer les marques : bouton « Wis "
                         "markeringen » de l'onglet NumNum",
        "colon": " : ",
        "overview": "Vue d'ensemble", "data_rows": "Lignes de données",
        "clean_rows": "Lignes sans remarque", "rows_with_errors": "Lignes avec erreurs",
        "rows_with_warnings_only": "Lignes avec avertissements seulement",
        "rows_with_duplicates": "Lignes avec doublons", "errors": "Erreurs",
        "warnings": "Avertissements", "changes": "Cellules modifiées par --fix",
        "legend": "Couleurs",
        ERROR: "Erreur", WARNING: "Avertissement", DUPLICATE: "Doublon", FIXED: "Modifié",
        "legend_" + ERROR: "À corriger avant l'importation.",
        "legend_" + WARNING: "À vérifier ; l'importation reste possible.",
        "legend_" + DUPLICATE: "Ce client figure plusieurs fois dans la liste (ou déjà dans "
                               "NumNum).",
        "legend_" + FIXED: "Corrigé par --fix ; l'ancienne valeur figure dans la note.",
        "kinds": "Types de problèmes", "count": "Nombre", "column": "Colonne",
        "kind": "Type", "problem": "Problème", "code": "Code",
        "fixes": "Modifications par --fix", "change": "Modification",
        "new": "Nouvelle valeur",
        "groups": "Clients en double", "group": "Groupe", "rows": "Lignes",
        "reasons": "Pourquoi",
        "findings": "Tous les messages", "row": "Ligne", "cell": "Cellule",
        "message": "Message", "suggestion": "Suggestion",
        "more": "… et encore {count} messages qui ne tiennent pas sur cette feuille.",
        "changed_note": "Modifié : « {old} » → « {new} »", "empty": "(vide)",
        "none": "Aucun message : prêt à importer.",
    },
    "en": {
        "title": "NumNum check of sheet “{sheet}” ({file})",
        "checked": "Checked on {when} · each coloured cell's note explains it too · remove "
                   "the marks: numnum-xl clear {file}",
        "checked_addin": "Checked on {when} · each coloured cell's note explains it too · "
                         "remove the marks: button “Wis markeringen” on the NumNum tab",
        "colon": ": ",
        "overview": "Overview", "data_rows": "Data rows", "clean_rows": "Rows without remarks",
        "rows_with_errors": "Rows with errors",
        "rows_with_warnings_only": "Rows with warnings only",
        "rows_with_duplicates": "Rows with duplicates", "errors": "Errors",
        "warnings": "Warnings", "changes": "Cells changed by --fix",
        "legend": "Colours",
        ERROR: "Error", WARNING: "Warning", DUPLICATE: "Duplicate", FIXED: "Changed",
        "legend_" + ERROR: "Must be fixed before importing.",
        "legend_" + WARNING: "Check it; importing still works.",
        "legend_" + DUPLICATE: "This customer is in the list more than once (or already in "
                               "NumNum).",
        "legend_" + FIXED: "Changed by --fix; the old value is in the note.",
        "kinds": "Kinds of problem", "count": "Count", "column": "Column",
        "kind": "Kind", "problem": "Problem", "code": "Code",
        "fixes": "Changes made by --fix", "change": "Change", "new": "New value",
        "groups": "Duplicate customers", "group": "Group", "rows": "Rows",
        "reasons": "Why",
        "findings": "All messages", "row": "Row", "cell": "Cell", "message": "Message",
        "suggestion": "Suggestion",
        "more": "… and {count} more messages that do not fit on this sheet.",
        "changed_note": "Changed: “{old}” → “{new}”", "empty": "(empty)",
        "none": "No messages: ready to import.",
    },
}


def words(lang: str) -> dict[str, str]:
    """The sheet's words in ``lang`` (Dutch for an unknown language)."""
    return WORDS.get(lang, WORDS["nl"])


def kind_of(f: Finding) -> str:
    """The mark a finding gets: error, duplicate or (anything else) warning."""
    return f.severity if f.severity in (ERROR, DUPLICATE) else WARNING


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide (greedy word
    wrap; a character of text is taken as wide as a digit, which over-estimates a little)."""
    per_line = max(int(width * 1.1) - 1, 1)
    lines = 0
    for para in str(text).split("\n"):
        n, used = 1, 0
        for word in para.split(" "):
            size = len(word)
            if used and used + 1 + size > per_line:
                n += 1
                used = 0
            if size > per_line:
                n += (size - 1) // per_line
                size = size % per_line or per_line
            used += size + (1 if used else 0)
        lines += n
    return lines


def describe(code: str, params: dict[str, Any], lang: str) -> str:
    """A kind of problem in words: its message with the values left out.

    >>> describe("vat.checksum", {"value": "0123456789"}, "nl")
    'Btw-nummer … is ongeldig (controlegetal klopt niet). Controleer het nummer.'
    """
    generic = {k: ("…" if k != "field" else v) for k, v in params.items()}
    try:
        return render(code, lang, generic)
    except (KeyError, ValueError, IndexError):
        return code


def column_label(f: Finding, table: Table, lang: str) -> str:
    """The column a finding is about, as the user knows it."""
    from numnum_xl.catalogue import FIELD_BY_KEY
    from numnum_xl.cells import column_index_of

    if f.column in FIELD_BY_KEY:
        return FIELD_BY_KEY[f.column].label(lang)
    if f.cell:
        i = column_index_of(f.cell.replace("$", "").upper()) - table.first_col
        if 0 <= i < len(table.headers) and table.headers[i] not in (None, ""):
            return str(table.headers[i])
    return f.column or ""


def _link_target(sheet: str, ref: str) -> str:
    return "'" + sheet.replace("'", "''") + "'!" + ref


def duplicate_groups(findings: Iterable[Finding]) -> list[tuple[list[int], list[Finding]]]:
    """Rows that are the same customer, joined through the rows each finding names."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    mine: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.severity != DUPLICATE or f.row is None:
            continue
        mine[f.row].append(f)
        find(f.row)
        for part in str(f.params.get("other", "")).split(","):
            part = part.strip()
            if part.isdigit():
                parent[find(int(part))] = find(f.row)
    groups: dict[int, list[int]] = defaultdict(list)
    for row in list(parent):
        groups[find(row)].append(row)
    out = []
    for rows in groups.values():
        rows.sort()
        out.append((rows, [f for r in rows for f in mine.get(r, [])]))
    out.sort(key=lambda g: g[0][0])
    return out


def row_height(values: Sequence[tuple[int, Any, str | None]]) -> float | None:
    """The height a row of (column, value, style) needs for its wrapped texts (None: one
    line).

    >>> row_height([(5, "een twee drie vier " * 10, "wrap")])
    47.0
    """
    lines = 1
    for col, value, style in values:
        if style in ("wrap", "header") and value not in (None, ""):
            lines = max(lines, wrapped_lines(str(value), WIDTHS[col - 1]))
    return ROW_HEIGHT * lines + 2 if lines > 1 else None


class _Writer:
    def __init__(self, sheet: OwnSheet) -> None:
        self.sh = sheet
        self.row = 1

    def cells(self, values: Sequence[tuple[int, Any, str | None]]) -> None:
        for col, value, style in values:
            self.sh.put(self.row, col, value, style)
        height = row_height(values)
        if height is not None:
            self.sh.heights[self.row] = height
        self.row += 1

    def defer(self, items: Sequence[Any], make: RowMaker, link: LinkMaker) -> None:
        """One row per item, made while the sheet is written (:meth:`OwnSheet.defer`)."""
        self.sh.defer(self.row, items, make, link)
        self.row += len(items)

    def skip(self, n: int = 1) -> None:
        self.row += n


def build(table: Table, findings: Sequence[Finding], *, sheet: str, file: str,
          lang: str = "nl", changes: Sequence[Any] = (),
          when: datetime | None = None, validated: bool = True, addin: bool = False
          ) -> OwnSheet:
    """The summary sheet for ``findings`` on ``sheet`` (``changes``: :class:`numnum_xl.fix.Change`
    objects of ``--fix``; ``validated=False``: only duplicates were looked for, so the sheet
    claims nothing about errors; ``addin``: the marks are wiped with the ribbon's button, not
    with ``numnum-xl clear``). The command line writes it as XML
    (:mod:`numnum_xl.xlsxpatch.mark`), the add-in through Excel
    (:func:`numnum_xl.sheetmarks.summary_plan`): one layout for both."""
    from numnum_xl.marks import COLOUR_ONLY
    from numnum_xl.xlsxpatch.ownsheet import OwnSheet

    findings = [f for f in findings if f.code not in COLOUR_ONLY]  # they only colour
    lang = lang if lang in WORDS else "nl"
    t = WORDS[lang]
    sh = OwnSheet()
    for c, width in enumerate(WIDTHS, start=1):
        sh.widths[c] = width
    sh.hidden_cols.add(len(WIDTHS))
    w = _Writer(sh)
    w.cells([(1, t["title"].format(sheet=sheet, file=file), "title")])
    stamp = (when or datetime.now()).strftime("%d-%m-%Y %H:%M")
    w.cells([(1, t["checked_addin" if addin else "checked"].format(when=stamp, file=file),
              "subtitle")])
    w.skip()

    # overview and legend: labels in B, numbers in C; the legend below it
    counts = summarize(findings, table.data_rows)
    dup_rows = {f.row for f in findings if f.severity == DUPLICATE and f.row is not None}
    # row counts over the data rows only, so that they add up to the number of data rows
    data = set(table.row_numbers)
    error_rows = {f.row for f in findings if f.severity == ERROR and f.row in data}
    warn_rows = {f.row for f in findings if kind_of(f) == WARNING and f.row in data}
    flagged = {f.row for f in findings if f.row in data}
    counts["rows_with_errors"] = len(error_rows)
    counts["rows_with_warnings_only"] = len(warn_rows - error_rows)
    clean = max(table.data_rows - len(flagged), 0)
    w.cells([(1, t["overview"], "section"), (2, None, "header"), (3, t["count"], "header")])
    overview = [("data_rows", table.data_rows), ("clean_rows", clean),
                ("rows_with_errors", counts["rows_with_errors"]),
                ("rows_with_warnings_only", counts["rows_with_warnings_only"])]
    if dup_rows:
        overview.append(("rows_with_duplicates", len(dup_rows)))
    overview += [("errors", counts["errors"]), ("warnings", counts["warnings"])]
    if changes:
        overview.append(("changes", len(changes)))
    if not validated:
        overview = [("data_rows", table.data_rows), ("rows_with_duplicates", len(dup_rows))]
    for key, n in overview:
        w.cells([(2, t[key], "top"), (3, n, "top")])
    w.skip()
    kinds_used = ([ERROR, WARNING] if validated else []) + ([DUPLICATE] if dup_rows else []) + (
        [FIXED] if changes else [])
    w.cells([(1, t["legend"], "section")] + [(c, None, "header") for c in range(2, 8)])
    for kind in kinds_used:
        w.cells([(4, t[kind], kind), (5, t["legend_" + kind], "wrap")])
    w.skip()

    # kinds of problem
    if findings:
        groups: Counter[tuple[str, str, str]] = Counter()
        example: dict[tuple[str, str, str], Finding] = {}
        for f in findings:
            key = (f.code, column_label(f, table, lang), kind_of(f))
            groups[key] += 1
            example.setdefault(key, f)
        w.cells([(1, t["kinds"], "section")] + [(c, None, "header") for c in range(2, 8)])
        w.cells([(1, t["count"], "header"), (2, t["column"], "header"), (3, None, "header"),
                 (4, t["kind"], "header"), (5, t["problem"], "header"),
                 (6, None, "header"), (7, t["code"], "header")])
        rank = {ERROR: 0, DUPLICATE: 1, WARNING: 2}
        for key, n in sorted(groups.items(), key=lambda kv: (rank[kv[0][2]], -kv[1], kv[0])):
            code, label, kind = key
            w.cells([(1, n, "top"), (2, label, "wrap"), (4, t[kind], kind),
                     (5, describe(code, example[key].params, lang), "wrap"),
                     (7, code, "muted")])
        w.skip()

    # what --fix changed
    if changes:
        w.cells([(1, t["fixes"], "section")] + [(c, None, "header") for c in range(2, 8)])
        w.cells([(1, t["row"], "header"), (2, t["column"], "header"), (3, t["cell"], "header"),
                 (4, t["kind"], "header"), (5, t["change"], "header"), (6, t["new"], "header"),
                 (7, t["code"], "header")])
        for ch in changes:
            ref = str(ch.cell).replace("$", "").upper()
            from numnum_xl.catalogue import FIELD_BY_KEY

            label = FIELD_BY_KEY[ch.column].label(lang) if ch.column in FIELD_BY_KEY \
                else str(ch.column or "")
            sh.link(w.row, 3, _link_target(sheet, ref), ref)
            w.cells([(1, ch.row, "top"), (2, label, "wrap"), (3, ref, "link"),
                     (4, t[FIXED], FIXED), (5, changed_note(ch.old, ch.new, lang), "wrap"),
                     (6, "" if ch.new is None else str(ch.new), "text"),
                     (7, ch.code, "muted")])
        w.skip()

    # duplicate groups
    groups_found = duplicate_groups(findings)
    if groups_found:
        w.cells([(1, t["groups"], "section")] + [(c, None, "header") for c in range(2, 8)])
        w.cells([(1, t["group"], "header"), (2, t["rows"], "header"), (3, t["cell"], "header"),
                 (4, t["kind"], "header"), (5, t["reasons"], "header"), (6, None, "header"),
                 (7, t["code"], "header")])
        for i, (rows, fs) in enumerate(groups_found, start=1):
            first = next((f for f in fs if f.cell), None)
            reasons = []
            for f in fs:
                d = describe(f.code, f.params, lang)
                if d not in reasons:
                    reasons.append(d)
            if first is not None:
                ref = first.cell.replace("$", "").upper()
                sh.link(w.row, 3, _link_target(sheet, ref), ref)
            w.cells([(1, i, "top"), (2, ", ".join(map(str, rows)), "wrap"),
                     (3, first.cell.replace("$", "").upper() if first else None, "link"),
                     (4, t[DUPLICATE], DUPLICATE), (5, "\n".join(reasons), "wrap"),
                     (7, ", ".join(sorted({f.code for f in fs})), "muted")])
        w.skip()

    # every finding
    w.cells([(1, t["findings"], "section")] + [(c, None, "header") for c in range(2, 8)])
    header = w.row
    w.cells([(1, t["row"], "header"), (2, t["column"], "header"), (3, t["cell"], "header"),
             (4, t["kind"], "header"), (5, t["message"], "header"),
             (6, t["suggestion"], "header"), (7, t["code"], "header")])
    ordered = sorted(findings, key=sort_key)
    room = 1_048_576 - header - 1  # a row left for the line that says how many did not fit
    limit = min(room, MAX_FINDINGS)
    shown = ordered[:limit] if len(ordered) > limit else ordered  # no copy of a short list

    def finding_ref(f: Finding) -> str | None:
        return f.cell.replace("$", "").upper() if f.cell else None

    def finding_row(f: Finding) -> tuple[list[tuple[int, Any, str | None]], float | None]:
        ref = finding_ref(f)
        kind = kind_of(f)
        cells = [(1, f.row, "top"), (2, column_label(f, table, lang), "wrap"),
                 (3, ref, "link" if ref else "top"), (4, t[kind], kind),
                 (5, f.message(lang), "wrap"),
                 (6, None if f.suggestion in (None, "") else str(f.suggestion), "text"),
                 (7, f.code, "muted")]
        return cells, row_height(cells)

    def finding_link(f: Finding) -> tuple[int, str, str] | None:
        ref = finding_ref(f)
        return (3, _link_target(sheet, ref), ref) if ref else None

    # a million findings are rendered while the sheet is written, never all held at once
    w.defer(shown, finding_row, finding_link)
    if len(ordered) > len(shown):
        w.cells([(5, t["more"].format(count=len(ordered) - len(shown)), "wrap")])
    if not ordered:
        w.cells([(5, t["none"], "wrap")])
    last = max(w.row - 1, header)
    sh.autofilter = f"A{header}:G{last}"
    if header <= MAX_FROZEN:
        sh.freeze_row = header + 1
    return sh


def changed_note(old: Any, new: Any, lang: str = "nl") -> str:
    """The note on a cell ``--fix`` changed.

    >>> changed_note("belgië", "BE")
    'Gewijzigd: «belgië» → «BE»'
    """
    t = words(lang)
    def show(v: Any) -> str:
        return t["empty"] if v is None or v == "" else str(v)
    return t["changed_note"].format(old=show(old), new=show(new))

