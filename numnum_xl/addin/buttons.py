"""What each button of the NumNum tab does (called through :data:`numnum_xl.addin.BUTTONS`).

Every function takes the workbook (an ``xlwings.Book``), works on the active sheet, reads it
in one call (:func:`numnum_xl.addin.excel.read_sheet`), runs the same pure functions as the
command line (:mod:`numnum_xl.validate`, :mod:`numnum_xl.fix`, :mod:`numnum_xl.header`,
:mod:`numnum_xl.mapping`, :mod:`numnum_xl.duplicates`, :mod:`numnum_xl.push`,
:mod:`numnum_xl.exact`) and writes back with few calls. It ends with one alert saying what
happened; a foreseen problem raises :class:`~numnum_xl.addin.Stop` (one alert, no traceback).
"""

from __future__ import annotations

import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

from numnum_xl import sheetmarks as sm
from numnum_xl.addin import Stop, native, paths
from numnum_xl.addin import excel as xl
from numnum_xl.marks import STATE_SHEET, SUMMARY_SHEET, marks_by_cell

#: How many changes / findings an alert lists at most.
ALERT_LINES = 12
#: Duplicate notes start with this (per language), so that validating keeps them and a new
#: duplicate check replaces them.


def _alert(book: Any, message: str, *, buttons: str = "ok", mode: str | None = "info") -> str:
    from numnum_xl.addin import show

    return show(book.app, message, buttons=buttons, mode=mode)


def _n(count: int, one: str, more: str) -> str:
    return f"{count} {one if count == 1 else more}"


# --- settings and mapping read from the workbook ---------------------------------------------

def workbook_settings(book: Any) -> dict[str, str]:
    """The settings sheet's values (defaults when there is no such sheet)."""
    sheet = xl.find_sheet(book, sm.SETTINGS_SHEET)
    if sheet is None:
        return sm.parse_settings(None)
    grid, _, _ = xl.read_block(sheet)
    return sm.parse_settings(grid)


def _lang(settings: dict[str, str]) -> str:
    return sm.LANG_CHOICE.get(settings.get("lang", ""), "nl")


def mapping_for(book: Any, data: xl.SheetData) -> Any:
    """The column mapping: the sheet ``NumNum-koppeling`` when it was made for this sheet and
    still lists its headers, else the proposed one."""
    from numnum_xl.catalogue import KEYS
    from numnum_xl.mapping import propose

    headers = data.table.headers
    sheet = xl.find_sheet(book, sm.MAPPING_SHEET)
    if sheet is not None:
        grid, _, _ = xl.read_block(sheet)
        overrides = sm.mapping_overrides(grid, data.name, headers, KEYS)
        if overrides is not None:
            try:
                return propose(headers, overrides=overrides)
            except ValueError:
                pass
    return propose(headers)


def _check_has_header(data: xl.SheetData) -> None:
    if not data.table.headers:
        raise Stop(f"Het blad «{data.name}» is leeg. Zet de klanten erop (of gebruik «Nieuw "
                   "blad uit sjabloon») en klik dan opnieuw.")


# --- marks: validation and duplicates side by side -------------------------------------------

def _kept_marks(records: list[sm.StateRecord], sheet_name: str, *,
                duplicates: bool) -> dict[str, tuple[str, str]]:
    """Our current marks on ``sheet_name`` (from the state records): ``duplicates`` — what
    validating keeps (the lines of the duplicate check, Peppol and VIES, and the duplicate
    rows' colour); else what a new duplicate check keeps (all but its own lines)."""
    from numnum_xl.addin import checks

    return checks.kept_marks(records, sheet_name,
                             drop="validation" if duplicates else "duplicates")


def mark_findings(book: Any, data: xl.SheetData, findings: list[Any], lang: str, *,
                  summary: bool = True) -> xl.MarkResult:
    """Mark ``findings`` (keeping the duplicate marks of an earlier duplicate check) and
    write the summary sheet."""
    state = xl.read_state(book)
    kept = _kept_marks(state[1], data.name, duplicates=True)
    table = data.table
    kept = sm.whole_rows(kept, table.first_col, table.first_col + len(table.headers) - 1)
    marks = sm.merge_marks(marks_by_cell(findings, lang), kept)
    xl.status(book.app, f"{_n(len(marks), 'cel', 'cellen')} markeren…")
    result = xl.apply_marks(book, data, marks, state=state)
    if summary:
        xl.write_summary(book, data, findings, lang)
    return result


def _validated(book: Any, data: xl.SheetData, lang: str, *, mapping: Any = None) -> Any:
    from numnum_xl.validate import validate_table

    xl.status(book.app, f"{_n(data.table.data_rows, 'rij', 'rijen')} controleren…")
    return validate_table(data.table, mapping or mapping_for(book, data))


def _result_text(findings: list[Any], marked: int) -> str:
    errors, warnings = xl.severity_counts(findings)
    if not findings:
        return "Geen fouten of waarschuwingen: het blad is klaar om te importeren."
    text = (f"{_n(errors, 'fout', 'fouten')} en {_n(warnings, 'waarschuwing', 'waarschuwingen')}"
            f" in {_n(marked, 'cel', 'cellen')} (rood = fout, oranje = waarschuwing; de uitleg "
            f"staat in de notitie van de cel). Alles op een rij: blad {SUMMARY_SHEET}.")
    if not errors:
        text += "\nGeen fouten: NumNum zal elke rij aanvaarden."
    return text


# --- the buttons -------------------------------------------------------------------------------

def validate(book: Any) -> None:
    """Validate the active sheet; mark, summarise, tell."""
    settings = workbook_settings(book)
    lang = _lang(settings)
    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        report = _validated(book, data, lang)
        result = mark_findings(book, data, report.findings, lang)
        data.sheet.activate()
    _alert(book, _result_text(report.findings, result.marked))


def fix(book: Any) -> None:
    """Apply the safe fixes to the active sheet (after a confirmation), then validate it."""
    from numnum_xl.fix import fix_table

    settings = workbook_settings(book)
    lang = _lang(settings)
    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        xl.ensure_writable(book, data.sheet)
        mapping = mapping_for(book, data)
        xl.status(book.app, "verbeteringen zoeken…")
        fixed, changes = fix_table(data.table, mapping)
        formulas = _formula_cells(data, [c.cell for c in changes])
        changes = [c for c in changes if sm.normal_ref(c.cell) not in formulas]
    if not changes:
        extra = (f" ({_n(len(formulas), 'cel bevat', 'cellen bevatten')} een formule en "
                 f"{'blijft' if len(formulas) == 1 else 'blijven'} ongewijzigd.)"
                 if formulas else "")
        raise Stop("Er is niets dat veilig automatisch verbeterd kan worden." + extra)
    listing = "\n".join(f"{c.cell}: {c.old!s} → {c.new!s}" for c in changes[:ALERT_LINES])
    more = f"\n… en nog {len(changes) - ALERT_LINES}" if len(changes) > ALERT_LINES else ""
    answer = _alert(book, f"{_n(len(changes), 'cel wordt', 'cellen worden')} aangepast:\n"
                          f"{listing}{more}\n\nExcel kan dit niet ongedaan maken (Ctrl+Z). "
                          f"Doorgaan?", buttons="yes_no", mode=None)
    if answer != "yes":
        raise Stop("Er is niets aangepast.")
    if formulas:  # a formula cell keeps its formula: the fixed table must agree
        fixed = _unfix(fixed, data, formulas)
    with xl.busy(book.app, f"{_n(len(changes), 'cel', 'cellen')} aanpassen…"):
        xl.write_values(data.sheet, {c.cell: c.new for c in changes})
        data.table = fixed
        report = _validated(book, data, lang, mapping=mapping)
        result = mark_findings(book, data, report.findings, lang)
        data.sheet.activate()
    kept = _n(len(formulas), "cel met een formule bleef", "cellen met een formule bleven")
    skipped = f"\n{kept} ongewijzigd." if formulas else ""
    _alert(book, f"{_n(len(changes), 'cel aangepast', 'cellen aangepast')}.{skipped}\n\n"
                 f"Opnieuw gecontroleerd: {_result_text(report.findings, result.marked)}")


def _formula_cells(data: xl.SheetData, refs: list[str]) -> set[str]:
    """Which of ``refs`` hold a formula (one bulk read of the used range's formulas)."""
    if not refs:
        return set()
    used = data.sheet.used_range
    formulas = used.formula
    if isinstance(formulas, str):
        formulas = ((formulas,),)
    out = set()
    for ref in refs:
        r, c = sm.parse_ref(ref)
        i, j = r - data.first_row, c - data.first_col
        if 0 <= i < len(formulas) and 0 <= j < len(formulas[i]):
            f = formulas[i][j]
            if isinstance(f, str) and f.startswith("="):
                out.add(sm.normal_ref(ref))
    return out


def _unfix(fixed: Any, data: xl.SheetData, formulas: set[str]) -> Any:
    """The fixed table with the formula cells back to what the sheet shows."""
    for ref in formulas:
        r, c = sm.parse_ref(ref)
        try:
            i = fixed.row_numbers.index(r)
        except ValueError:
            continue
        fixed.rows[i][c - fixed.first_col] = data.table.rows[i][c - fixed.first_col]
    return fixed


def clear(book: Any) -> None:
    """Remove our marks and report sheets; the user's fills and notes come back."""
    with xl.busy(book.app, "markeringen wissen…"):
        active = book.sheets.active
        restored, removed = xl.clear_marks(book)
        with suppress(Exception):
            active.activate()
    if not restored and not removed:
        raise Stop("Er staan geen NumNum-markeringen in deze werkmap.")
    sheets = f" Verwijderd: blad {', '.join(removed)}." if removed else ""
    _alert(book, f"{_n(restored, 'cel', 'cellen')} hersteld: de kleuren en notities van "
                 f"NumNum zijn weg, uw eigen opvulkleuren en notities staan er weer.{sheets}")


def duplicates(book: Any) -> None:
    """Mark rows that are (probably) the same customer as ``numnum-xl duplicates`` does (the
    whole row in the duplicate colour, the note on the cell that proves it) and list the
    groups on a sheet in the summary's layout."""
    from numnum_xl.duplicate_marks import as_json
    from numnum_xl.duplicate_marks import findings as duplicate_findings
    from numnum_xl.duplicates import find_groups, record_from_values

    settings = workbook_settings(book)
    lang = _lang(settings)
    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        mapping = mapping_for(book, data)
        report = _validated(book, data, lang, mapping=mapping)
        xl.status(book.app, "duplicaten zoeken…")
        records = [record_from_values(i, v) for i, v in enumerate(report.values)]
        groups = find_groups(records)
        found = duplicate_findings(data.table, mapping, report.values, groups, {}, {},
                                   as_json(data.table, groups, {}))
        state = xl.read_state(book)
        kept = _kept_marks(state[1], data.name, duplicates=False)
        xl.apply_marks(book, data, sm.merge_marks(kept, marks_by_cell(found, lang)),
                       state=state)
        if groups:
            xl.write_summary(book, data, found, lang, name=sm.DUPLICATES_SHEET,
                             validated=False)
        elif (old := xl.find_sheet(book, sm.DUPLICATES_SHEET)) is not None:
            xl.delete_sheet(old)
        data.sheet.activate()
    if not groups:
        raise Stop("Geen duplicaten gevonden (zelfde Extern ID, btw-nummer, e-mailadres of "
                   "gelijkaardige naam op dezelfde plaats).")
    rows = sum(len(g.refs) for g in groups)
    certain = sum(1 for g in groups if g.confidence == "certain")
    _alert(book, f"{_n(len(groups), 'groep', 'groepen')} van dubbele klanten "
                 f"({_n(rows, 'rij', 'rijen')}; {certain} zeker, {len(groups) - certain} "
                 f"waarschijnlijk). De rijen zijn paars gekleurd; de notitie staat op de cel "
                 f"die het aantoont, de groepen staan op blad {sm.DUPLICATES_SHEET}.")


def _plain(value: Any) -> Any:
    return None if value in (None, "") else str(value)


def insert_header(book: Any) -> None:
    """NumNum's column names: rename the recognised header cells, or insert a header row."""
    from numnum_xl.header import plan

    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        table = data.table
        _check_has_header(data)
        xl.ensure_writable(book, data.sheet, adds_sheets=False)
        the_plan = plan(table.headers)
        row = table.header_row
        if the_plan.action == "rename":
            changed = {i: k for i, k in the_plan.names.items() if table.headers[i] != k}
            for start, keys in _runs(changed):
                data.sheet.range((row, table.first_col + start)).value = keys
        else:
            above = row - 1
            free = above >= 1 and all(
                data.value_at(above, table.first_col + i) in (None, "")
                for i in range(len(table.headers)))
            if free:
                row = above
            else:
                data.sheet.range(f"{row}:{row}").insert(shift="down")
            keys = [the_plan.names[i] for i in sorted(the_plan.names)]
            data.sheet.range((row, table.first_col)).value = keys
            changed = the_plan.names
        data.sheet.activate()
    if the_plan.action == "rename":
        if not changed:
            raise Stop("De kopregel gebruikt al de kolomnamen van NumNum.")
        unmapped = [table.headers[i] for i in the_plan.unmapped]
        extra = (f"\nNiet herkend (ongewijzigd): {', '.join(unmapped[:ALERT_LINES])}"
                 if unmapped else "")
        _alert(book, f"{_n(len(changed), 'kolomnaam', 'kolomnamen')} in rij {row} vervangen "
                     f"door de namen van NumNum.{extra}")
    else:
        _alert(book, f"De eerste rij leek geen kopregel: in rij {row} staan nu de "
                     f"{len(changed)} kolomnamen van NumNum, in de volgorde van het "
                     f"voorbeeldbestand. Controleer of ze bij de gegevens passen.")


def _runs(changed: dict[int, str]) -> list[tuple[int, list[str]]]:
    """Consecutive column indexes → (first index, their keys): one write per run."""
    out: list[tuple[int, list[str]]] = []
    for i in sorted(changed):
        if out and out[-1][0] + len(out[-1][1]) == i:
            out[-1][1].append(changed[i])
        else:
            out.append((i, [changed[i]]))
    return out


def map_columns(book: Any) -> None:
    """Show the mapping on the sheet NumNum-koppeling (editable) and summarise it."""
    from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS, KEYS
    from numnum_xl.validate import REQUIRED

    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        mapping = mapping_for(book, data)
        xl.ensure_writable(book, None)
        grid = sm.mapping_grid(data.table, mapping, data.name, KEYS,
                               {f.key: f.label_nl for f in FIELDS})
        sheet = xl.fresh_sheet(book, sm.MAPPING_SHEET,
                               before=xl.find_sheet(book, SUMMARY_SHEET)
                               or xl.find_sheet(book, STATE_SHEET))
        sheet.range("B:B").number_format = "@"
        sheet.range("A1").value = grid
        sheet.range("A1").font.bold = True
        sheet.range("A2:G2").font.bold = True
        n = len(mapping.columns)
        if n:
            choices = sheet.range((3, 7), (3 + len(KEYS), 7))
            sheet.range((3, 3), (2 + n, 3)).data_validation.set_list(choices)
        for col, width in zip("ABCDEFG", (8, 30, 26, 30, 26, 4, 26), strict=True):
            sheet.range(f"{col}1").column_width = width
        sheet.activate()
    mapped = [f"{mapping.columns[idx[0]].header} → {k}" for k, idx in mapping.fields.items()]
    unmapped = [data.table.headers[i] for i in mapping.unmapped]
    missing = [FIELD_BY_KEY[k].label_nl for k in REQUIRED if k not in mapping.fields]
    lines = [f"{_n(len(mapped), 'kolom gekoppeld', 'kolommen gekoppeld')}."]
    if unmapped:
        lines.append(f"Niet gekoppeld (wordt niet geïmporteerd): {', '.join(unmapped[:20])}")
    if missing:
        lines.append(f"Verplicht maar niet gevonden: {', '.join(missing)}")
    lines.append(f"Pas de koppeling aan in kolom C van blad {sm.MAPPING_SHEET}; Valideer en "
                 "Herstel gebruiken ze zolang de kolommen van het blad dezelfde blijven.")
    _alert(book, "\n".join(lines))


def new_sheet(book: Any) -> None:
    """A customer sheet with the template's header, notes, dropdowns and text formats."""
    from numnum_xl import template
    from numnum_xl.catalogue import FIELDS

    last = template.LAST_DATA_ROW
    xl.ensure_writable(book, None)
    with xl.busy(book.app, "nieuw blad maken…"):
        names = {n.lower() for n in book.sheet_names}
        name, n = template.DATA_SHEET, 1
        while name.lower() in names:
            n += 1
            name = f"{template.DATA_SHEET} {n}"
        sheet = book.sheets.add(name, after=book.sheets.active)
        width = len(FIELDS)
        sheet.range("A1").value = [f.key for f in FIELDS]
        required = [sm.ref_of(1, i) for i, f in enumerate(FIELDS, start=1) if f.required]
        optional = [sm.ref_of(1, i) for i, f in enumerate(FIELDS, start=1) if not f.required]
        xl.paint(sheet, {sm.rgb(template.REQUIRED_FILL.fgColor.rgb): required,
                         sm.rgb(template.OPTIONAL_FILL.fgColor.rgb): optional})
        for address in sm.address_chunks(required):
            sheet.range(address).font.bold = True
        for i, f in enumerate(FIELDS, start=1):
            cell = sheet.range((1, i))
            cell.add_note(template.header_note(f))
            cell.column_width = f.width
            if f.text_format:
                sheet.range((2, i), (last, i)).number_format = "@"
        refs = _values_sheet(book)
        for i, f in enumerate(FIELDS, start=1):
            target = sheet.range((2, i), (last, i))
            name_ = template.dropdown_list(f)
            if name_ is not None:
                target.data_validation.set_list(refs[name_])
                if name_ == "company_type":
                    _warning_style(target, refs[name_])
            elif f.kind == "integer":
                target.data_validation.set_whole_number("greater_than_or_equal", 0)
        sheet.activate()
        xl.freeze_top_row(book, sheet)
    _alert(book, f"Blad «{name}» toegevoegd met de {width} kolommen van NumNum. Verplicht: "
                 f"{', '.join(f.key for f in FIELDS if f.required)} (vet). Keuzelijsten halen "
                 f"hun waarden van blad {template.VALUES_SHEET}; identificatienummers staan als "
                 f"tekst, zodat Excel geen voorloopnullen weglaat.")


def _warning_style(target: Any, source: Any) -> None:
    """Legal forms: a warning, not a stop, for a value outside the list (as the template).
    Through ``Validation.Modify``: ``Validation.AlertStyle`` is read-only."""
    formula = f"='{source.sheet.name}'!{source.address}"
    native.warning_style(target, formula)


def _values_sheet(book: Any) -> dict[str, Any]:
    """The sheet with the dropdown lists → list name → its source range.

    ``Waarden`` as the template lays it out: an existing one of ours (the template's, which is
    protected, or one made earlier) is used as it is; a user's own sheet of that name is left
    alone and ours gets the next free name (``Waarden NumNum``, …); none: created."""
    from numnum_xl import template

    lists = template.value_lists()
    first_title = lists[0][1]
    name, n = template.VALUES_SHEET, 1
    while True:
        sheet = xl.find_sheet(book, name)
        if sheet is None or sheet.range("A1").value == first_title:
            break
        n += 1
        name = f"{template.VALUES_SHEET} NumNum" + (f" {n - 1}" if n > 2 else "")
    fresh = sheet is None
    if fresh:
        sheet = xl.add_sheet(book, name, after=book.sheets.active)
    columns: list[list[Any]] = []
    where: dict[str, tuple[int, int]] = {}
    for list_name, title, values in lists:
        has_names = any(desc for _, desc in values)
        where[list_name] = (len(columns) + 1, len(values))
        columns.append([title, *(v for v, _ in values)])
        if has_names:
            columns.append(["Naam", *(d for _, d in values)])
        columns.append([None])
    if fresh:
        height = max(len(c) for c in columns)
        grid = [[c[r] if r < len(c) else None for c in columns] for r in range(height)]
        sheet.range("A1").value = grid
        sheet.range((1, 1), (1, len(columns))).font.bold = True
    return {k: sheet.range((2, col), (1 + count, col)) for k, (col, count) in where.items()}


def settings(book: Any) -> None:
    """Create (or show) the settings sheet with the import options as dropdowns."""
    sheet = xl.find_sheet(book, sm.SETTINGS_SHEET)
    created = sheet is None
    if created:
        xl.ensure_writable(book, None)
    with xl.busy(book.app, "instellingen…"):
        if created:
            sheet = xl.add_sheet(book, sm.SETTINGS_SHEET)
            grid = sm.settings_grid()
            sheet.range("A1").value = grid
            sheet.range("A1").font.bold = True
            sheet.range("A2:C2").font.bold = True
            for i, s in enumerate(sm.SETTINGS):
                if s.choices:
                    cell = sheet.range((sm.SETTINGS_FIRST_ROW + i, 2))
                    cell.data_validation.set_list(list(s.choices))
            for col, width in zip("ABC", (24, 40, 90), strict=True):
                sheet.range(f"{col}1").column_width = width
        sheet.activate()
    values = workbook_settings(book) if not created else sm.parse_settings(sm.settings_grid())
    listing = "\n".join(f"{s.label}: {values.get(s.key) or '(standaard)'}" for s in sm.SETTINGS)
    _alert(book, ("Blad " + sm.SETTINGS_SHEET + (" toegevoegd" if created else "") +
                  ". Kies de opties in kolom B; ze worden met de werkmap bewaard.\n\n"
                  f"{listing}\n\n{_token_hint()}"))


def _token_hint() -> str:
    from numnum_xl.client import ENV_API_TOKEN

    return ("Het API-token komt nooit in de werkmap. Bewaar het één keer op deze computer in "
            "de sleutelhanger van het besturingssysteem: in een terminal "
            "«numnum-xl token set --api-url https://…/api/v1» (het token wordt gevraagd en niet "
            f"getoond), of zet de omgevingsvariabele {ENV_API_TOKEN}. Zonder adres en token gaat "
            "alles naar de lokale oefenomgeving (sandbox).")


def help_(book: Any) -> None:
    """Short help, in Dutch and French."""
    _alert(book, HELP_TEXT)


HELP_TEXT = (
    "NumNum-tab — zo werkt het:\n"
    "1. Nieuw blad uit sjabloon, of Kopregel invoegen boven uw eigen lijst.\n"
    "2. Kolommen koppelen: controleer welke kolom bij welk NumNum-veld hoort.\n"
    "3. Valideer: rood = NumNum weigert dit, oranje = verdacht; de uitleg staat in de notitie "
    "van de cel en op blad NumNum-controle. Herstel past de veilige verbeteringen toe; "
    "Duplicaten zoekt dubbele klanten; Wis markeringen haalt alles weer weg (uw eigen kleuren "
    "en notities komen terug).\n"
    "4. Instellingen, Proefimport en Verstuur naar NumNum. Exact Online: relaties en boekingen "
    "als CSV naast de werkmap.\n\n"
    "Onglet NumNum — mode d'emploi :\n"
    "1. Nouvelle feuille depuis le modèle, ou insérer l'en-tête au-dessus de votre liste.\n"
    "2. Associer les colonnes aux champs NumNum.\n"
    "3. Valider : rouge = refusé par NumNum, orange = suspect ; l'explication est dans la note "
    "de la cellule et sur la feuille NumNum-controle. « Herstel » applique les corrections "
    "sûres, « Duplicaten » cherche les doublons, « Wis markeringen » efface les marques (vos "
    "couleurs et notes reviennent).\n"
    "4. Réglages, import d'essai et envoi vers NumNum ; Exact Online : CSV à côté du classeur."
)


def about(book: Any) -> None:
    """The versions."""
    from numnum_xl import __version__

    try:
        from importlib.metadata import version

        xlwings_version = version("xlwings")
    except Exception:
        xlwings_version = "?"
    _alert(book, f"numnum-xl {__version__}\nxlwings {xlwings_version}\nPython "
                 f"{sys.version.split()[0]}\n\nControleert klantenlijsten voor de import in "
                 f"NumNum (en Exact Online).")


# --- NumNum: dry run and push ----------------------------------------------------------------

def _import_options(settings: dict[str, str]) -> Any:
    """The settings sheet's choices (NumNum's own wording) as import options; a value that
    is none of the choices stops the button rather than being guessed."""
    from numnum_xl.client import (
        AS_CHOICES,
        DELETE_CHOICES,
        DUPLICATE_CHOICES,
        YES_NO_CHOICES,
        ImportOptions,
        choose,
    )

    try:
        return ImportOptions(
            as_=choose(settings["as_"], AS_CHOICES),
            contact_persons=choose(settings["contact_persons"], YES_NO_CHOICES) == "ja",
            duplicates=choose(settings["duplicates"], DUPLICATE_CHOICES),
            delete=choose(settings["delete"], DELETE_CHOICES))
    except ValueError as exc:
        raise Stop(f"Blad {sm.SETTINGS_SHEET}: {exc}. Kies een waarde uit de keuzelijst.") \
            from None


def _workbook_path(book: Any, *, required: bool) -> Path:
    """The workbook's local file (a OneDrive/SharePoint workbook: its synced copy). Not
    ``required``: a name to use for the import's bookkeeping even when there is none."""
    if required:
        return paths.required_path(book, "Het logboek van de import (en de reservekopie bij "
                                         "verwijderen)")
    return paths.workbook_path(book) or Path(book.name)


_PLAN_WORDS = {"create": "wordt aangemaakt", "overwrite": "overschrijft een bestaande klant",
               "skip_duplicate": "overgeslagen: bestaat al", "skip_errors":
               "overgeslagen: fouten", "done": "al verstuurd (vorige poging)"}


def _push_setup(book: Any) -> tuple[xl.SheetData, Any, str, Any, Any]:
    """(sheet data, validation report, language, import options, account)."""
    from numnum_xl import client as api

    settings = workbook_settings(book)
    lang = _lang(settings)
    options = _import_options(settings)
    data = xl.read_sheet(book, xl.data_sheet(book))
    _check_has_header(data)
    report = _validated(book, data, lang)
    try:
        # the destination is the user's own setting; the workbook's API-adres is only checked
        account = api.account_for_workbook(settings.get("api_url") or None)
    except api.AccountError as exc:
        raise Stop(f"{exc}\n\n{_token_hint()}", "critical") from None
    return data, report, lang, options, account


def _prepare(book: Any, report: Any, conn: Any, account: Any, options: Any, lang: str,
             source: Path) -> Any:
    from numnum_xl import client as api
    from numnum_xl import push

    xl.status(book.app, "klanten in NumNum ophalen…")
    try:  # network only: in a worker thread, the status bar stays alive
        return xl.in_background(book.app, "klanten in NumNum ophalen",
                                lambda _: push.prepare(report, conn, account, options,
                                                       source=source, lang=lang))
    except api.ApiError as exc:
        raise Stop(f"{exc.message(lang)} Er is niets verstuurd.", "critical") from None
    except push.PushError as exc:
        raise Stop(str(exc), "critical") from None


def _plan_text(plan: Any, account: Any) -> str:
    c = plan.counts()
    where = ("de lokale oefenomgeving (sandbox): niets komt in uw echte NumNum"
             if account.is_sandbox else account.base_url)
    lines = [f"Bestemming: {where}. {plan.existing} klanten staan er al.",
             f"{c['create']} nieuw, {c['overwrite']} overschreven, {c['skip_duplicate']} "
             f"overgeslagen als duplicaat, {c['skip_errors']} overgeslagen wegens fouten"
             + (f", {c['done']} al verstuurd" if c.get("done") else "")
             + (f"; eerst {c['deleted']} klanten verwijderd" if c["deleted"] else "") + "."]
    return "\n".join(lines)


def _write_results(book: Any, data: xl.SheetData, rows: list[list[Any]], title: str) -> Any:
    """The sheet ``NumNum-import``: row (link), status, NumNum id, message — one bulk write."""
    from numnum_xl import push

    sheet = xl.fresh_sheet(book, push.RESULT_SHEET, before=xl.find_sheet(book, STATE_SHEET))
    grid: list[list[Any]] = [[title, None, None, None], ["Rij", "Status", "NumNum-id",
                                                          "Melding"]]
    for row, status, contact_id, message in rows:
        link = sm.hyperlink_formula(data.name, f"A{row}").replace(f',"A{row}")', f',"{row}")')
        grid.append([link, status, contact_id, message or None])
    sheet.range("B:D").number_format = "@"
    sheet.range("A1").value = grid
    sheet.range("A1:D2").font.bold = True
    for col, width in zip("ABCD", (8, 30, 26, 100), strict=True):
        sheet.range(f"{col}1").column_width = width
    return sheet


def dry_run(book: Any) -> None:
    """What a push would do, without sending anything: plan sheet, marks, alert."""
    from numnum_xl import client as api

    with xl.busy(book.app, "blad lezen…"):
        data, report, lang, options, account = _push_setup(book)
        source = _workbook_path(book, required=False)
        with api.NumNumClient(account.base_url, account.token, lang=lang) as conn:
            plan = _prepare(book, report, conn, account, options, lang, source)
        mark_findings(book, data, report.findings, lang)
        _write_results(book, data, [(r.row, _PLAN_WORDS.get(r.action, r.action), r.contact_id,
                                     r.message) for r in plan.rows],
                       "Proefimport: er is niets verstuurd")
        data.sheet.activate()
    _alert(book, f"Proefimport: er is niets verstuurd.\n{_plan_text(plan, account)}\n\nPer rij: "
                 f"blad NumNum-import. Fouten: rood gemarkeerd.")


def push(book: Any) -> None:
    """Send the rows without errors to NumNum (after confirmations); results per row."""
    from numnum_xl import client as api
    from numnum_xl import push as pushing

    source = _workbook_path(book, required=True)
    with xl.busy(book.app, "blad lezen…"):
        data, report, lang, options, account = _push_setup(book)
        conn = api.NumNumClient(account.base_url, account.token, lang=lang)
    try:
        with xl.busy(book.app, "plan maken…"):
            plan = _prepare(book, report, conn, account, options, lang, source)
            mark_findings(book, data, report.findings, lang)
            data.sheet.activate()
        answer = _alert(book, f"{_plan_text(plan, account)}\n\nVersturen?", buttons="yes_no",
                        mode=None)
        if answer != "yes":
            raise Stop("Er is niets verstuurd.")
        if plan.deletes:
            what = "ALLE klanten" if options.delete == "alles" else \
                "de eerder geïmporteerde klanten"
            answer = _alert(book, f"Let op: {len(plan.deletes)} klanten ({what}) worden uit "
                                  f"NumNum verwijderd. Eerst wordt een reservekopie naast de "
                                  f"werkmap gemaakt. Echt verwijderen?", buttons="yes_no",
                            mode="critical")
            if answer != "yes":
                raise Stop("Niet bevestigd: er is niets verwijderd en niets verstuurd.")
        with xl.busy(book.app, f"{_n(len(plan.to_send), 'rij', 'rijen')} versturen…"):
            outcome = xl.in_background(  # the workers send; the main thread shows progress
                book.app, "versturen",
                lambda progress: pushing.execute(plan, conn, progress=progress),
                total=len(plan.to_send))
    finally:
        conn.close()
    t = pushing.text(lang)
    where = "de oefenomgeving" if account.is_sandbox else account.base_url
    results = sorted(outcome.results, key=lambda r: r.row)
    unwritten = ""
    try:  # what was sent is in the journal: a failure here must not hide the outcome
        with xl.busy(book.app, "resultaten schrijven…"):
            _write_results(book, data, [(r.row, t.get(r.status, r.status), r.contact_id,
                                         r.message) for r in results], f"Import naar {where}")
            data.sheet.activate()
    except Exception as exc:
        unwritten = (f"\nDe resultaten konden niet in het blad {pushing.RESULT_SHEET} "
                     f"geschreven worden ({type(exc).__name__}: {exc}); het logboek heeft ze.")
    s = outcome.summary
    counts = s.counts
    text = (f"Klaar: {counts['created']} aangemaakt, {counts['overwritten']} overschreven, "
            f"{counts['skipped_duplicate']} overgeslagen als duplicaat, "
            f"{counts['skipped_errors']} overgeslagen wegens fouten, {counts['failed']} "
            f"mislukt, {counts['not_sent']} niet verstuurd.")
    if s.backup:
        text += f"\nReservekopie van de verwijderde klanten: {s.backup}"
    if counts["not_sent"] or s.retryable:
        text += "\nNog niet alles is verstuurd: klik opnieuw op Verstuur om de rest te sturen."
    if s.stopped == "auth":
        text += "\nNumNum weigerde het token tijdens de import."
    text += f"\nPer rij: blad {pushing.RESULT_SHEET}. Logboek: {pushing.journal_path(source)}"
    text += unwritten
    _alert(book, text, mode="critical" if counts["failed"] or s.stopped else "info")


# --- Exact Online ------------------------------------------------------------------------------

def _csv_beside(book: Any, suffix: str) -> Path:
    path = paths.required_path(book, "Het exportbestand")
    return path.with_name(f"{path.stem}{suffix}")


def exact_relations(book: Any) -> None:
    """The customer sheet as an Exact relations CSV beside the workbook (no errors only)."""
    from numnum_xl.exact.codes import CodeRegister, register_path
    from numnum_xl.exact.relations import check_relations, export_relations

    out = _csv_beside(book, ".exact-relaties.csv")
    lang = _lang(workbook_settings(book))
    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        try:
            register = CodeRegister.load(register_path(
                paths.required_path(book, "Het coderegister")))
        except ValueError as exc:
            raise Stop(str(exc), "critical") from None
        xl.status(book.app, "relaties controleren…")
        report = check_relations(data.table, mapping_for(book, data), register=register)
        mark_findings(book, data, report.findings, lang)
        written = export_relations(report, out) if not report.errors else None
        data.sheet.activate()
    if written is None:
        raise Stop(f"Er is niets geëxporteerd: {_n(report.errors, 'fout', 'fouten')} (rood "
                   f"gemarkeerd; zie blad {SUMMARY_SHEET}). Verbeter ze en klik opnieuw.",
                   "critical")
    _alert(book, f"{report.summary()['relations']} relaties geschreven naar {written}.\n"
                 f"Coderegister: {register.path}\nIn Exact Online: Import/Export → CSV/Excel → "
                 "Relaties → Import, met een opgeslagen importprofiel.")


def _entries_report(book: Any, data: xl.SheetData) -> tuple[Any, Any]:
    from numnum_xl.exact.entries import EntryOptions, check_entries
    from numnum_xl.exact.journal import ExportJournal, journal_path

    path = paths.workbook_path(book)
    journal = None
    if path is not None:
        try:
            journal = ExportJournal.load(journal_path(path))
        except ValueError as exc:
            raise Stop(str(exc), "critical") from None
    xl.status(book.app, "boekingen controleren…")
    return check_entries(data.table, EntryOptions(journal=journal)), journal


def exact_entries(book: Any) -> None:
    """Check a sheet of sales entries for Exact Online; mark every problem."""
    lang = _lang(workbook_settings(book))
    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        report, _ = _entries_report(book, data)
        result = mark_findings(book, data, report.findings, lang)
        data.sheet.activate()
    s = report.summary()
    head = (f"{s['lines']} boekingsregels van {s['invoices']} facturen (totaal excl. btw "
            f"{s['total_excl_vat']}).\n")
    _alert(book, head + _result_text(report.findings, result.marked).replace(
        "het blad is klaar om te importeren", "klaar voor Exact Online"))


def exact_export(book: Any) -> None:
    """The sales entries as an Exact Online CSV beside the workbook (no errors only)."""
    from numnum_xl.exact.csvout import CsvFormat
    from numnum_xl.exact.entries import export_entries

    out = _csv_beside(book, ".exact-boekingen.csv")
    lang = _lang(workbook_settings(book))
    with xl.busy(book.app, "blad lezen…"):
        data = xl.read_sheet(book, xl.data_sheet(book))
        _check_has_header(data)
        report, journal = _entries_report(book, data)
        mark_findings(book, data, report.findings, lang)
        done = None if report.errors else export_entries(report, out, CsvFormat(),
                                                         journal=journal)
        data.sheet.activate()
    if done is None:
        raise Stop(f"Er is niets geëxporteerd: {_n(report.errors, 'fout', 'fouten')} (rood "
                   f"gemarkeerd; zie blad {SUMMARY_SHEET}).", "critical")
    _alert(book, f"{done.lines} regels van {done.invoices} facturen geschreven naar "
                 f"{done.csv_path}.\nJournaal van geëxporteerde facturen: {done.journal_path}")


__all__ = ["about", "clear", "dry_run", "duplicates", "exact_entries", "exact_export",
           "exact_relations", "fix", "help_", "insert_header", "map_columns", "new_sheet",
           "push", "settings", "validate"]
