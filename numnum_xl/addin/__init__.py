"""The Python side of the NumNum tab in Excel (``numnum.xlam``).

Every ribbon button runs, through xlwings' ``RunPython``::

    import numnum_xl.addin as a; a.on_ribbon('<button id>')

:data:`BUTTONS` maps each id of ``ribbon/customUI.xml`` to one thin function taking the
workbook; the work is in :mod:`numnum_xl.addin.buttons` (imported on the first click, so that
this module imports in milliseconds) on top of :mod:`numnum_xl.addin.excel` (reading and
writing a sheet with few xlwings calls) and the pure :mod:`numnum_xl.sheetmarks`.

A button never shows a Python traceback: a problem it foresees is one alert in Dutch; anything
else is one alert saying what failed, with the traceback written to the log file
(:func:`log_path`).

>>> sorted(BUTTONS)[:3]
['nnAbout', 'nnApplySuggestion', 'nnClear']
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

#: Title of every alert.
TITLE = "NumNum"


class Stop(Exception):
    """A button stops with this message for the user (not an error of ours)."""

    def __init__(self, message: str, mode: str | None = "info") -> None:
        super().__init__(message)
        self.mode = mode


def _buttons() -> Any:
    from numnum_xl.addin import buttons

    return buttons


def new_sheet(book: Any) -> None:
    """nnNewSheet: a customer sheet with NumNum's header, dropdowns and text formats."""
    _buttons().new_sheet(book)


def insert_header(book: Any) -> None:
    """nnInsertHeader: NumNum's column names above (or in) the active sheet's first row."""
    _buttons().insert_header(book)


def map_columns(book: Any) -> None:
    """nnMapColumns: show how the columns map onto NumNum's fields (sheet NumNum-koppeling)."""
    _buttons().map_columns(book)


def validate(book: Any) -> None:
    """nnValidate: mark every cell NumNum would reject (red) or that looks wrong (orange)."""
    _buttons().validate(book)


def duplicates(book: Any) -> None:
    """nnDuplicates: mark customers that occur twice."""
    _buttons().duplicates(book)


def fix(book: Any) -> None:
    """nnFix: apply the safe fixes, then validate again."""
    _buttons().fix(book)


def clear(book: Any) -> None:
    """nnClear: remove our marks; the user's own fills and notes come back."""
    _buttons().clear(book)


def dry_run(book: Any) -> None:
    """nnDryRun: what an import would do, without sending anything."""
    _buttons().dry_run(book)


def push(book: Any) -> None:
    """nnPush: send the valid rows to NumNum; the result per row goes back into the sheet."""
    _buttons().push(book)


def settings(book: Any) -> None:
    """nnSettings: the import options, on a sheet that travels with the workbook."""
    _buttons().settings(book)


def exact_relations(book: Any) -> None:
    """nnExactRelations: the sheet as an Exact Online relations CSV beside the workbook."""
    _buttons().exact_relations(book)


def exact_entries(book: Any) -> None:
    """nnExactEntries: check a sheet of sales entries for Exact Online."""
    _buttons().exact_entries(book)


def exact_export(book: Any) -> None:
    """nnExactExport: the checked sales entries as an Exact Online import CSV."""
    _buttons().exact_export(book)


def export(book: Any) -> None:
    """nnExport: the rows NumNum will accept, as its import file, in a new workbook."""
    from numnum_xl.addin import checks

    checks.export_numnum(book)


def peppol(book: Any) -> None:
    """nnPeppol: is each customer reachable on the Peppol network? (online)"""
    from numnum_xl.addin import checks

    checks.peppol_check(book)


def vies(book: Any) -> None:
    """nnVies: does VIES confirm each EU VAT number? (online)"""
    from numnum_xl.addin import checks

    checks.vies_check(book)


def next_mark(book: Any) -> None:
    """nnNextMark: select the next marked cell; its message on the status bar."""
    from numnum_xl.addin import navigate

    navigate.next_mark(book)


def previous_mark(book: Any) -> None:
    """nnPreviousMark: select the previous marked cell; its message on the status bar."""
    from numnum_xl.addin import navigate

    navigate.previous_mark(book)


def apply_suggestion(book: Any) -> None:
    """nnApplySuggestion: the suggestion into the selected marked cells; their marks go."""
    from numnum_xl.addin import navigate

    navigate.apply_suggestion(book)


def diagnose(book: Any) -> None:
    """nnDiagnose: Python, numnum-xl, xlwings, config and folders, to paste in a mail."""
    from numnum_xl.addin import doctor

    doctor.show_report(book)


def help_(book: Any) -> None:
    """nnHelp: short help in Dutch and French."""
    _buttons().help_(book)


def about(book: Any) -> None:
    """nnAbout: the version of numnum-xl (and of xlwings)."""
    _buttons().about(book)


#: Ribbon button id → its function (exactly the ids of ``ribbon/customUI.xml``).
BUTTONS: dict[str, Callable[[Any], None]] = {
    "nnNewSheet": new_sheet,
    "nnInsertHeader": insert_header,
    "nnMapColumns": map_columns,
    "nnValidate": validate,
    "nnDuplicates": duplicates,
    "nnFix": fix,
    "nnClear": clear,
    "nnDryRun": dry_run,
    "nnPush": push,
    "nnSettings": settings,
    "nnExactRelations": exact_relations,
    "nnExactEntries": exact_entries,
    "nnExactExport": exact_export,
    "nnExport": export,
    "nnPeppol": peppol,
    "nnVies": vies,
    "nnNextMark": next_mark,
    "nnPreviousMark": previous_mark,
    "nnApplySuggestion": apply_suggestion,
    "nnHelp": help_,
    "nnDiagnose": diagnose,
    "nnAbout": about,
}

#: Buttons whose answer is on the status bar: it stays after the click.
KEEPS_STATUS = frozenset({"nnNextMark", "nnPreviousMark", "nnApplySuggestion"})


def log_path() -> Path:
    """The add-in's log file: ``NUMNUM_XL_LOG_DIR`` or the user log folder, ``addin.log``."""
    base = os.environ.get("NUMNUM_XL_LOG_DIR")
    if not base:
        from platformdirs import user_log_dir

        base = user_log_dir("numnum-xl", appauthor=False)
    return Path(base) / "addin.log"


def _log(control_id: str, text: str) -> Path | None:
    """Append ``text`` to the log (kept under 1 MB: the old half moves to ``addin.log.1``)."""
    import datetime as dt

    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > 1_000_000:
            os.replace(path, path.with_name(path.name + ".1"))
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {control_id}\n")
            fh.write(_redact(text).rstrip("\n") + "\n")
        return path
    except OSError:
        return None


def show(app: Any, message: str, *, buttons: str = "ok", mode: str | None = "info") -> str:
    """One alert titled NumNum; the answer (``"ok"``, ``"yes"``, ``"no"``…) in lower case.
    On macOS without appscript's 60-second limit (:func:`native.mac_alert`)."""
    from numnum_xl.addin import native

    if native.MAC:
        return native.mac_alert(app, message, TITLE, buttons, mode)
    return (app.alert(message, title=TITLE, buttons=buttons, mode=mode) or "").lower()


def _redact(text: str) -> str:
    from numnum_xl.tokens import redact

    return redact(text)


def _alert(app: Any, message: str, mode: str | None = "info") -> None:
    message = _redact(message)
    try:
        show(app, message, mode=mode)
    except Exception:  # no way left to tell the user: the log has it
        _log("alert", message)


def on_ribbon(control_id: str, book: Any = None) -> None:
    """Run ribbon button ``control_id`` on ``book`` (default: the workbook that clicked,
    ``xlwings.Book.caller()``). Never raises: every outcome is an alert (or, when not even
    Excel can be reached, a log entry)."""
    try:
        from numnum_xl.addin import native, runlock

        native.limit_com_retries()
        if book is None:
            import xlwings

            book = xlwings.Book.caller()
        app = book.app
    except Exception as exc:
        _no_excel(control_id, exc)
        return
    function = BUTTONS.get(control_id)
    if function is None:
        _alert(app, f"Deze knop ({control_id}) kent numnum-xl {_version()} niet. Werk "
                    "numnum-xl en de add-in bij (numnum-xl addin install).", "critical")
        return
    try:
        with runlock.one_run(book, control_id) as busy:
            if busy:
                _alert(app, busy)
                return
            try:
                function(book)
            except Stop as stop:
                _alert(app, str(stop), stop.mode)
            finally:
                _restore(app, keep_status=control_id in KEEPS_STATUS)
    except Exception as exc:
        _failed(app, control_id, exc)
        _restore(app)


def _no_excel(control_id: str, exc: Exception) -> None:
    """The click could not even reach its workbook (``Book.caller()`` failed): log it and try
    the active Excel once for a message."""
    import traceback

    where = _log(control_id, traceback.format_exc())
    with suppress(Exception):
        import xlwings

        show(xlwings.apps.active, f"NumNum kon de werkmap niet bereiken "
                                  f"({type(exc).__name__}: {exc})"[:400]
             + (f"\n\nDe details staan in {where}" if where else ""), mode="critical")


def _failed(app: Any, control_id: str, exc: Exception) -> None:
    import traceback

    from numnum_xl.table import ReadError

    if isinstance(exc, ReadError):
        _alert(app, str(exc), "critical")
        return
    where = _log(control_id, traceback.format_exc())
    text = (f"Er ging iets mis bij deze knop: {type(exc).__name__}: {exc}"[:600]
            + ("\n\nDe details staan in " + str(where) if where else ""))
    _alert(app, text, "critical")


def _restore(app: Any, *, keep_status: bool = False) -> None:
    """Screen updating on and (unless ``keep_status``) the status bar back to Excel,
    whatever happened."""
    for name, value in (("screen_updating", True), ("status_bar", False)):
        if name == "status_bar" and keep_status:
            continue
        with suppress(Exception):
            setattr(app, name, value)


def _version() -> str:
    from numnum_xl import __version__

    return __version__
