"""The few things the add-in asks of Excel's own object model (``.api``), for both engines.

xlwings 0.37.8 does not cover these on the desktop, so they go through ``.api``: pywin32 COM
objects on Windows (``obj.Member``), appscript references on macOS (``obj.member.get()``).
Every member used here is checked in the tests against Microsoft's object-model reference
(``tests/data/excel_object_model.json``): no read-only property is ever assigned (issue 12:
``Validation.AlertStyle = 2`` made xlwings' COM wrapper retry for ever and froze Excel).

* :func:`very_hide` — ``Worksheet.Visible`` (read/write) = ``xlSheetVeryHidden``;
* :func:`freeze_top_row` — ``Application.ActiveWindow`` → ``Window.FreezePanes``,
  ``SplitRow``, ``SplitColumn`` (read/write);
* :func:`warning_style` — ``Range.Validation`` → ``Validation.Modify(Type, AlertStyle,
  Operator, Formula1)``; ``Validation.AlertStyle`` is read-only;
* :func:`protection` — ``Workbook.ProtectStructure``, ``Worksheet.ProtectContents``
  (read-only, only read);
* :func:`limit_com_retries` — xlwings' ``N_COM_ATTEMPTS`` (0 = retry for ever) set finite.
"""

from __future__ import annotations

import sys
from typing import Any

#: True on macOS (appscript), else the Windows COM shape. Tests switch it.
MAC = sys.platform == "darwin"
#: Excel's constants (XlSheetVisibility, XlDVType, XlDVAlertStyle, XlFormatConditionOperator).
XL_SHEET_VERY_HIDDEN = 2
XL_VALIDATE_LIST = 3
XL_VALID_ALERT_WARNING = 2
XL_BETWEEN = 1
#: How often xlwings retries a COM call Excel refuses as busy: 3,000 × its 0.1 s pause is
#: 5 minutes, long enough for a busy Excel, finite for a call that can never succeed.
COM_ATTEMPTS = 3000


def mac_kw() -> Any:
    """appscript's keyword namespace of Excel (``xlwings._xlmac.kw``)."""
    from xlwings._xlmac import kw

    return kw


def limit_com_retries(attempts: int = COM_ATTEMPTS) -> bool:
    """On Windows, give xlwings' COM retry loop an end (it retries ``AttributeError`` and a
    busy Excel without limit by default). Returns whether it was set."""
    if MAC or not sys.platform.startswith("win"):
        return False
    try:
        from xlwings import _xlwindows
    except Exception:
        return False
    if not getattr(_xlwindows, "N_COM_ATTEMPTS", 1):
        _xlwindows.N_COM_ATTEMPTS = attempts
    return True


def very_hide(sheet: Any) -> bool:
    """Hide ``sheet`` so that only VBA shows it again; False when only plain hiding worked."""
    try:
        if MAC:
            sheet.api.visible.set(mac_kw().sheet_very_hidden)
        else:
            sheet.api.Visible = XL_SHEET_VERY_HIDDEN
        return True
    except Exception:
        sheet.visible = False
        return False


def freeze_top_row(book: Any) -> bool:
    """Freeze row 1 of the active window (the sheet to freeze must be active)."""
    try:
        if MAC:
            window = book.app.api.active_window
            window.freeze_panes.set(False)
            window.split_row.set(1)
            window.split_column.set(0)
            window.freeze_panes.set(True)
        else:
            window = book.app.api.ActiveWindow
            window.FreezePanes = False
            window.SplitColumn = 0
            window.SplitRow = 1
            window.FreezePanes = True
        return True
    except Exception:
        return False


def warning_style(target: Any, formula1: str) -> bool:
    """Make the list validation of ``target`` (source ``formula1``, e.g. ``=Waarden!$A$2:$A$9``)
    warn instead of stop, through ``Validation.Modify`` — the object model's way: the
    ``AlertStyle`` property is read-only."""
    try:
        if MAC:
            kw = mac_kw()
            target.api.validation.modify(type=kw.validate_list,
                                         alert_style=kw.valid_alert_warning,
                                         operator=kw.operator_between, formula1=formula1)
        else:
            target.api.Validation.Modify(Type=XL_VALIDATE_LIST,
                                         AlertStyle=XL_VALID_ALERT_WARNING,
                                         Operator=XL_BETWEEN, Formula1=formula1)
        return True
    except Exception:
        return False


def protection(book: Any, sheet: Any | None, *, adds_sheets: bool = True) -> str | None:
    """Why the add-in cannot write here (Dutch), or None: a protected sheet (cells cannot be
    coloured or annotated) or a protected workbook structure (no sheet can be added, and the
    marks need the state sheet). An unanswerable question counts as "not protected"."""

    def read(obj: Any, vba: str, mac: str) -> bool:
        try:
            value = getattr(obj.api, mac).get() if MAC else getattr(obj.api, vba)
        except Exception:
            return False
        return bool(value) and value not in ("false", "kw.false")

    if sheet is not None and read(sheet, "ProtectContents", "protect_contents"):
        return (f"Het blad «{sheet.name}» is beveiligd: NumNum kan er geen kleuren of "
                "notities op zetten. Hef de beveiliging op (Controleren → Beveiliging blad "
                "opheffen) en klik opnieuw; er is niets veranderd.")
    if adds_sheets and read(book, "ProtectStructure", "protect_structure"):
        return ("De structuur van deze werkmap is beveiligd: NumNum kan geen bladen toevoegen "
                "(ook niet het verborgen blad dat bijhoudt wat het markeert). Hef de "
                "beveiliging op (Controleren → Werkmap beveiligen) en klik opnieuw; er is "
                "niets veranderd.")
    return None


def mac_alert(app: Any, prompt: str, title: str, buttons: str, mode: str | None) -> str:
    """xlwings' macOS ``App.alert`` without its limit: appscript gives up on a command after
    60 s by default, so an alert the user reads for longer raised an error (and the answer
    was lost). Same dialog, ``timeout=-1`` (wait as long as the user needs)."""
    import osax
    from appscript import k

    sa = osax.OSAX(pid=app.pid)
    sa.activate()
    choices = {"ok": "OK", "ok_cancel": ["Cancel", "OK"], "yes_no": ["No", "Yes"],
               "yes_no_cancel": ["Cancel", "No", "Yes"]}
    answer = sa.display_alert(title, message=prompt, buttons=choices[buttons],
                              as_=k.critical if mode == "critical" else k.informational,
                              timeout=-1)
    return str(answer[k.button_returned]).lower()


def workbook_fullname(book: Any) -> str:
    """The workbook's full name as Excel has it (a path, or an ``https://`` URL for a
    workbook opened from OneDrive/SharePoint): ``Workbook.FullName``, read-only, read here
    because xlwings' ``Book.fullname`` raises when it cannot map such a URL to a folder."""
    try:
        return str(book.fullname)
    except Exception:
        pass
    try:
        return str(book.api.full_name.get() if MAC else book.api.FullName)
    except Exception:
        return str(book.name)
