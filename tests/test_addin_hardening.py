"""The add-in on real Excel, as far as Linux can tell (issue 12): no endless COM retry, no
stranded marks, a Dutch answer to every first-run problem, the navigation buttons.

The fakes of ``tests/xlfakes.py`` check every ``.api`` member against Microsoft's object
model (``tests/data/excel_object_model.json``) on the Windows (pywin32) and the macOS
(appscript) path; ``world.violations`` keeps what the add-in tried that Excel forbids, also
when the add-in caught the error itself.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

import numnum_xl.addin as addin
from numnum_xl import addin_build, sheetmarks
from numnum_xl.addin import checks, native, runlock
from numnum_xl.addin import excel as xl
from numnum_xl.catalogue import KEYS
from numnum_xl.demo import customers
from numnum_xl.marks import STATE_SHEET, SUMMARY_SHEET
from tests import xlfakes as xf

ROOT = Path(__file__).resolve().parent.parent
GREEN = (0, 176, 80)
SMALL = [["title", "last_name", "vat_id", "vat_country_code", "address_country", "email"],
         ["Bakkerij Janssen", "Janssen", "0403019261", "BE", "BE", "info@janssen.be"],
         ["Slagerij Peeters", "Peeters", "BE 0403.019.261", "be", "BE", "geen-email"],
         ["Frituur Maes", "Maes", "0123456789", "BE", "België", "frituur@maes.be"]]


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMNUM_XL_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("NUMNUM_API_URL", raising=False)
    monkeypatch.delenv("NUMNUM_API_TOKEN", raising=False)
    monkeypatch.setattr(native, "MAC", False)


class FakeKw:
    """appscript's keyword namespace: ``kw.name`` is the text ``"kw.name"``."""

    def __getattr__(self, name: str) -> str:
        return f"kw.{name}"


@pytest.fixture
def mac(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The macOS path: appscript-shaped ``.api``, ``osax`` alerts (recorded, answered
    "ok"/"yes")."""
    monkeypatch.setattr(native, "MAC", True)
    monkeypatch.setattr(native, "mac_kw", lambda: FakeKw())
    shown: list[dict] = []

    class OSAX:
        def __init__(self, pid: int) -> None:
            self.pid = pid

        def activate(self) -> None:
            pass

        def display_alert(self, title, message="", buttons="OK", as_=None, **kwargs):
            shown.append({"title": title, "prompt": message, "buttons": buttons, **kwargs})
            answer = buttons[-1] if isinstance(buttons, list) else buttons
            return {"kw.button_returned": answer}

    monkeypatch.setitem(sys.modules, "osax", types.SimpleNamespace(OSAX=OSAX))
    monkeypatch.setitem(sys.modules, "appscript", types.SimpleNamespace(k=FakeKw()))
    monkeypatch.setattr(runlock.tempfile, "gettempdir", lambda: str(ROOT / ".pytest_cache"))
    (ROOT / ".pytest_cache").mkdir(exist_ok=True)
    return shown


def alerts(book: xf.Book) -> list[dict]:
    return book._app._alerts


def last_alert(book: xf.Book) -> str:
    return alerts(book)[-1]["prompt"]


def customer_grid(n: int, seed: int = 7, fault_rate: float = 0.1) -> list[list]:
    rows, _ = customers(n, seed=seed, fault_rate=fault_rate)
    return [list(KEYS)] + [[r.get(k) for k in KEYS] for r in rows]


def snapshot(sheet: xf.Sheet) -> tuple[dict, dict, dict]:
    return xf.fills(sheet), xf.notes(sheet), dict(sheet._values)


# --- 1 + 2: the object model: no read-only property assigned, on both engines ---------------

def test_object_model_table_knows_read_only_from_read_write() -> None:
    om = xf.OBJECT_MODEL
    assert om["Validation"]["AlertStyle"] == {"kind": "property", "access": "read-only"}
    assert om["Worksheet"]["Visible"]["access"] == "read-write"
    assert om["Application"]["ActiveWindow"] == {"kind": "property", "access": "read-only",
                                                 "returns": "Window"}
    assert [p for p, _ in om["Validation"]["Modify"]["params"]] == [
        "Type", "AlertStyle", "Operator", "Formula1", "Formula2"]
    assert om["Validation"]["Add"]["params"][0] == ["Type", True]
    book = xf.make_book({"S": [["x"]]})
    rng = book._sheets[0].range("A1")
    with pytest.raises(xf.ObjectModelError, match="read-only"):
        rng.api.Validation.AlertStyle = 2  # what buttons.py did: xlwings retried for ever
    with pytest.raises(xf.ObjectModelError, match="no member"):
        _ = rng.api.Validation.AlertStile
    with pytest.raises(xf.ObjectModelError, match="no parameter"):
        rng.api.Validation.Modify(Style=2)
    mac_book = xf.make_book({"S": [["x"]]}, platform="mac")
    mac_rng = mac_book._sheets[0].range("A1")
    with pytest.raises(xf.ObjectModelError, match="read-only"):
        mac_rng.api.validation.alert_style.set("kw.valid_alert_warning")
    assert xf.vba_name("active_window") == "ActiveWindow" and xf.vba_name("type") == "Type"


@pytest.mark.parametrize("platform", ["win", "mac"])
def test_new_sheet_sets_the_warning_style_through_modify(platform: str, mac, monkeypatch
                                                         ) -> None:
    """The legal-form dropdown warns instead of stops — set the object model's way, on both
    engines, and nothing the object model forbids was tried (even where it was caught)."""
    monkeypatch.setattr(native, "MAC", platform == "mac")
    book = xf.make_book({"Blad1": []}, platform=platform)
    addin.on_ribbon("nnNewSheet", book)
    sheet = next(s for s in book._sheets if s._name == "Klanten")
    col = xf.col_letters(KEYS.index("company_type") + 1)
    assert sheet._alert_styles == {f"${col}$2:${col}$5000": 2 if platform == "win"
                                   else "kw.valid_alert_warning"}
    calls = [p for p, _ in book._world.api_log]
    assert any(p.endswith("Validation.Modify()") for p in calls)
    assert book._app._window["FreezePanes"] is True and book._app._window["SplitRow"] == 1
    assert book._world.violations == []


def _xlwings_com_wrapper() -> types.ModuleType:
    """xlwings 0.37.8's own ``COMRetryObjectWrapper`` (from the installed ``_xlwindows.py``,
    which needs pywin32 to import), run here with stand-ins for pywin32's types."""
    import ast
    import inspect as insp

    import xlwings

    path = Path(xlwings.__file__).with_name("_xlwindows.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wanted = [node for node in tree.body
              if isinstance(node, ast.ClassDef) and node.name in ("COMRetryObjectWrapper",
                                                                   "COMRetryMethodWrapper",
                                                                   "ExcelBusyError")]
    module = types.ModuleType("xlwings._xlwindows")

    class ComError(Exception):
        hresult = 0

    module.__dict__.update(
        N_COM_ATTEMPTS=next(node.value.value for node in tree.body
                            if isinstance(node, ast.Assign)
                            and getattr(node.targets[0], "id", "") == "N_COM_ATTEMPTS"),
        pywintypes=types.SimpleNamespace(com_error=ComError),
        pythoncom=types.SimpleNamespace(ole_error=ComError), types=types,
        CDispatch=type("CDispatch", (), {}), CoClassBaseClass=type("C", (), {}),
        DispatchBaseClass=type("D", (), {}))
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(path), "exec"), module.__dict__)
    assert insp.isclass(module.COMRetryObjectWrapper)
    return module


class _GaveUp(BaseException):
    pass


def _read_only_validation(limit: int | None) -> tuple[list[int], object]:
    """pywin32's answer to ``Validation.AlertStyle = 2``: AttributeError, every time."""
    attempts = [0]

    class Validation:
        def __setattr__(self, name: str, value: object) -> None:
            attempts[0] += 1
            if limit is not None and attempts[0] >= limit:
                raise _GaveUp()
            raise AttributeError(f"Property '{name}' can not be set.")

    return attempts, Validation()


def test_on_ribbon_gives_xlwings_com_retries_an_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """With xlwings' own retry wrapper: as shipped (N_COM_ATTEMPTS = 0) an AttributeError is
    retried without end; after a click went through on_ribbon, it gives up."""
    module = _xlwings_com_wrapper()
    assert module.N_COM_ATTEMPTS == 0
    attempts, inner = _read_only_validation(limit=20_000)
    with pytest.raises(_GaveUp):  # still retrying after 20,000 attempts: Excel frozen
        module.COMRetryObjectWrapper(inner).AlertStyle = 2
    assert attempts[0] == 20_000

    import xlwings

    monkeypatch.setitem(sys.modules, "xlwings._xlwindows", module)
    monkeypatch.setattr(xlwings, "_xlwindows", module, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    addin.on_ribbon("nnHelp", xf.make_book())
    assert 0 < module.N_COM_ATTEMPTS < 20_000
    attempts, inner = _read_only_validation(limit=None)
    with pytest.raises(AttributeError):
        module.COMRetryObjectWrapper(inner).AlertStyle = 2
    assert attempts[0] == module.N_COM_ATTEMPTS


def test_on_ribbon_never_raises_when_book_caller_fails(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import xlwings

    def caller(cls):
        raise RuntimeError("Could not activate Python COM server")

    monkeypatch.setattr(xlwings.Book, "caller", classmethod(caller))
    monkeypatch.setattr(xlwings, "apps", types.SimpleNamespace(active=None))
    addin.on_ribbon("nnValidate")  # no book: must not raise
    log = (tmp_path / "log" / "addin.log").read_text(encoding="utf-8")
    assert "Could not activate Python COM server" in log


# --- 3: write-ahead marks, protection ------------------------------------------------------

@pytest.mark.parametrize("member,nth", [("Range.add_note", 40), ("Range.color=", 2),
                                        ("Note.text=", 10)])
def test_a_failure_halfway_leaves_nothing_wis_markeringen_cannot_remove(member: str, nth: int
                                                                        ) -> None:
    book = xf.make_book({"Klanten": customer_grid(400, seed=5)})
    sheet = book._sheets[0]
    xf.set_fill(sheet, "A3", GREEN)
    xf.set_note(sheet, "A3", "eigen notitie")
    xf.set_note(sheet, "C2", "nagevraagd")
    before = snapshot(sheet)
    sheets = ["Klanten"]
    if member == "Note.text=":
        # fail while re-marking: old marks present, one fixed by hand, every note rewritten
        # (the messages' language changed), the user typed below our text in another
        addin.on_ribbon("nnValidate", book)
        assert "Er ging iets mis" not in last_alert(book)
        addin.on_ribbon("nnSettings", book)
        settings = next(s for s in book._sheets if s._name == sheetmarks.SETTINGS_SHEET)
        row = next(r for (r, c), v in settings._values.items()
                   if c == 1 and v == "Taal van de meldingen")
        settings._values[(row, 2)] = "Français"
        book._active = sheet
        marked = list(xf.notes(sheet))
        sheet._values[sheetmarks.parse_ref(marked[5])] = None  # "fixed" by hand
        before = (before[0], before[1], dict(sheet._values))
        sheets = ["Klanten", sheetmarks.SETTINGS_SHEET]
        book._world.reset()
    book._world.fail_at = (member, nth)
    addin.on_ribbon("nnValidate", book)
    assert "injected failure" in last_alert(book)
    assert xf.fills(sheet) != before[0] or xf.notes(sheet) != before[1]  # it did get halfway
    addin.on_ribbon("nnClear", book)
    assert "hersteld" in last_alert(book)
    assert snapshot(sheet) == before
    assert [s._name for s in book._sheets] == sheets


@pytest.mark.parametrize("what", ["sheet", "workbook"])
def test_protected_sheet_or_workbook_is_refused_before_any_write(what: str) -> None:
    book = xf.make_book({"Klanten": SMALL})
    sheet = book._sheets[0]
    if what == "sheet":
        sheet._protected = True
    else:
        book._protected = True
    before = snapshot(sheet)
    book._world.reset()
    for control_id in ("nnValidate", "nnDuplicates", "nnFix"):
        addin.on_ribbon(control_id, book)
        text = last_alert(book)
        assert "beveiligd" in text and "niets veranderd" in text, (control_id, text)
        assert alerts(book)[-1]["mode"] == "critical"
    assert snapshot(sheet) == before and [s._name for s in book._sheets] == ["Klanten"]
    writes = [m for m in book._world.calls if m.endswith("=") and not m.startswith("App.")]
    assert writes == [] and book._world.calls["Range.add_note"] == 0


# --- 4: OneDrive / SharePoint ---------------------------------------------------------------

CLOUD = "https://d.docs.live.net/3f2a1b/Documenten/Klanten%202024/Klanten.xlsx"


def test_cloud_workbook_without_local_copy_gets_a_dutch_answer(monkeypatch) -> None:
    monkeypatch.setattr("numnum_xl.addin.paths.sync_roots", lambda *a, **k: [])
    book = xf.make_book({"Klanten": SMALL}, fullname=CLOUD)
    for control_id in ("nnPush", "nnExactRelations", "nnExactExport"):
        addin.on_ribbon(control_id, book)
        text = last_alert(book)
        assert "OneDrive of SharePoint" in text and "d.docs.live.net" in text, control_id
        assert "Er ging iets mis" not in text
    addin.on_ribbon("nnValidate", book)  # validating needs no path at all
    assert "Er ging iets mis" not in last_alert(book)


def test_cloud_workbook_works_beside_its_synced_copy(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "OneDrive"
    local = root / "Documenten" / "Klanten 2024" / "Klanten.xlsx"
    local.parent.mkdir(parents=True)
    local.write_bytes(b"synced copy")
    monkeypatch.setenv("OneDrive", str(root))
    grid = [["title", "vat_id", "vat_country_code", "address_zip", "address_city",
             "address_country", "external_id"],
            ["Bakkerij Janssen", "0403.019.261", "BE", "9000", "Gent", "BE", "934"]]
    book = xf.make_book({"Klanten": grid}, fullname=CLOUD)
    addin.on_ribbon("nnExactRelations", book)
    assert "1 relaties geschreven" in last_alert(book), last_alert(book)
    assert (local.parent / "Klanten.exact-relaties.csv").exists()


def test_install_writes_the_conf_that_keeps_the_workbook_off_the_python_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from numnum_xl.commands import addin as cmd

    monkeypatch.setattr(cmd.Path, "home", classmethod(lambda cls: tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert _run(["addin", "install", "--dir", str(tmp_path / "xlstart")]) == 0
    conf = cmd.user_config_path(sys.platform, os.environ, tmp_path)
    from numnum_xl.addin import doctor

    settings = doctor.parse_config(conf.read_text(encoding="utf-8"))
    assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] == "False"
    assert settings["INTERPRETER_WIN"] == sys.executable
    assert cmd.addin_settings("win32", warm=True)["USE UDF SERVER"] == "True"


def _run(argv: list[str]) -> int:
    import argparse

    from numnum_xl.commands import addin as cmd

    parser = argparse.ArgumentParser(prog="numnum-xl")
    cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


# --- 5: first run and diagnosis ---------------------------------------------------------------

def _vba_command(button_id: str) -> str:
    """The statement NumNumCommand (addin/NumNumRibbon.bas) builds, from the VBA source."""
    bas = (ROOT / "addin" / "NumNumRibbon.bas").read_text(encoding="cp1252")
    body = re.search(r"Public Function NumNumCommand\(buttonId As String\) As String\n(.*?)"
                     r"End Function", bas, re.S).group(1)
    expr = body.split("NumNumCommand =", 1)[1].replace(" _\n", " ")
    parts = re.findall(r'"((?:[^"]|"")*)"|(buttonId)', expr)
    return "".join(button_id if var else lit.replace('""', '"') for lit, var in parts)


def test_vba_checks_the_setup_before_runpython() -> None:
    bas = (ROOT / "addin" / "NumNumRibbon.bas").read_text(encoding="cp1252")
    sub = bas.split("Public Sub OnNumNumButton", 1)[1].split("End Sub", 1)[0]
    assert sub.index("NumNumSetupProblem()") < sub.index("RunPython NumNumCommand(buttonId)")
    check = bas.split("Public Function NumNumSetupProblem", 1)[1].split("End Function")[0]
    for needed in ('GetConfig("INTERPRETER_WIN"', 'GetConfig("INTERPRETER_MAC"',
                   "FileExists(interpreter)", "GetConfigFilePath()", "numnum-xl addin install"):
        assert needed in check, needed
    assert "weten niet welke Python" in check and "bestaat niet (meer)" in check
    command = _vba_command("nnValidate")
    assert '"' not in command and "\n" not in command  # it goes inside "…" on a command line


def test_vba_command_reaches_on_ribbon_or_explains_a_missing_numnum_xl(monkeypatch) -> None:
    import importlib.util

    import xlwings

    book = xf.make_book()
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    exec(_vba_command("nnHelp"), {})
    assert "Onglet NumNum" in last_alert(book)
    exec(_vba_command("nnNoSuchButton"), {})
    assert "kent numnum-xl" in last_alert(book)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "numnum_xl" else real(name, *a))
    exec(_vba_command("nnValidate"), {})
    alert = alerts(book)[-1]
    assert "numnum-xl is niet geïnstalleerd" in alert["prompt"]
    assert sys.executable in alert["prompt"] and alert["mode"] == "critical"


def test_mac_interpreter_path_with_a_space_is_quoted_for_the_shell(tmp_path: Path) -> None:
    """xlwings' AppleScript runs ``PythonInterpreter & " -B -u -W ignore -c \\"…\\""``
    through the shell; the add-in's xlwings module now single-quotes the path."""
    line = dict(addin_build.XLWINGS_PATCHES)["            PythonInterpreter = ToPosixPath("
                                              "PYTHON_MAC)"]
    expr = line.split("=", 1)[1].strip()
    py = re.sub(r'"((?:[^"]|"")*)"', lambda m: repr(m.group(1).replace('""', '"')), expr)
    py = py.replace("Replace(ToPosixPath(PYTHON_MAC),", "_replace(PYTHON_MAC,").replace("&", "+")
    folder = tmp_path / "Python env's" / "bin"
    folder.mkdir(parents=True)
    fake = folder / "python"
    out = tmp_path / "ran.txt"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > '{out}'\n")
    fake.chmod(0o755)
    quoted = eval(py, {"_replace": lambda s, a, b: s.replace(a, b), "PYTHON_MAC": str(fake)})
    shell = (quoted + ' -B -u -W ignore -c "import xlwings.utils;print(1)" "--wb=Klanten.xlsx"')
    subprocess.run(["/bin/sh", "-c", shell], check=True, timeout=30)
    assert out.read_text().startswith("-B -u -W ignore -c import xlwings.utils")
    out.unlink()
    unquoted = str(fake) + ' -B -c "x"'  # what xlwings' own module passes
    assert subprocess.run(["/bin/sh", "-c", unquoted], capture_output=True,
                          timeout=30).returncode != 0 and not out.exists()


def test_diagnose_prints_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    _run(["addin", "diagnose"])
    text = capsys.readouterr().out
    for label in ("Python", "numnum-xl", "xlwings", "Add-in (pakket)", "Opstartmap van Excel",
                  "Instellingenbestand", "Sleutelhanger", "API-adres", "Logboek"):
        assert f" {label}" in text, label
    assert addin_build.XLWINGS_VERSION in text


def test_diagnose_on_windows_and_mac_checks_conf_and_engine(tmp_path: Path) -> None:
    from numnum_xl.addin import doctor
    from numnum_xl.commands import addin as cmd

    conf = cmd.user_config_path("win32", {"USERPROFILE": str(tmp_path)}, tmp_path)
    conf.parent.mkdir(parents=True)
    conf.write_text('"INTERPRETER_WIN","C:\\\\weg\\\\python.exe"\n', encoding="utf-8")
    lines = doctor.report(platform="win32", env={"USERPROFILE": str(tmp_path),
                                                 "APPDATA": str(tmp_path)}, home=tmp_path)
    wrong = {line.label: line for line in doctor.problems(lines)}
    assert set(wrong) >= {"pywin32", "Python van de knoppen", "ADD_WORKBOOK_TO_PYTHONPATH",
                          "Opstartmap van Excel"}
    assert "numnum-xl addin install" in wrong["Python van de knoppen"].fix
    mac_lines = doctor.report(platform="darwin", env={}, home=tmp_path)
    assert "appscript" in {line.label for line in doctor.problems(mac_lines)}


def test_install_fails_in_dutch_when_xlwings_is_missing(tmp_path: Path, monkeypatch,
                                                        capsys) -> None:
    from numnum_xl.addin import doctor

    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda d: None if d == "xlwings" else real(d))
    assert _run(["addin", "install", "--dir", str(tmp_path), "--no-config"]) == 1
    err = capsys.readouterr().err
    assert "Niets geïnstalleerd" in err and "xlwings: niet geïnstalleerd" in err
    assert not (tmp_path / "numnum.xlam").exists()


def test_diagnose_button_shows_the_block() -> None:
    book = xf.make_book()
    addin.on_ribbon("nnDiagnose", book)
    assert last_alert(book).startswith("NumNum-diagnose") and "xlwings" in last_alert(book)


# --- 6: macOS ---------------------------------------------------------------------------------

def test_mac_second_click_while_the_first_runs_is_refused(mac) -> None:
    book = xf.make_book({"Klanten": SMALL}, fullname="/Users/an/Klanten.xlsx")
    path = runlock.lock_path("/Users/an/Klanten.xlsx")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path.write_text(f'{{"pid": {sleeper.pid}, "button": "nnValidate", "since": "10:01:02"}}')
        before = snapshot(book._sheets[0])
        addin.on_ribbon("nnValidate", book)
        assert "nog bezig" in mac[-1]["prompt"] and "10:01:02" in mac[-1]["prompt"]
        assert snapshot(book._sheets[0]) == before
    finally:
        sleeper.kill()
        sleeper.wait()
    addin.on_ribbon("nnValidate", book)  # the holder is gone: the lock is taken over
    assert "fout" in mac[-1]["prompt"] and not path.exists()
    assert xf.fills(book._sheets[0])


def test_mac_alerts_wait_for_the_user(mac) -> None:
    book = xf.make_book({"Klanten": SMALL}, platform="mac")
    addin.on_ribbon("nnHelp", book)
    assert mac[-1]["timeout"] == -1 and mac[-1]["title"] == "NumNum"
    assert alerts(book) == []  # not through xlwings' alert (appscript's 60 s default)


def test_mac_validate_and_clear_on_the_appscript_shape(mac) -> None:
    book = xf.make_book({"Klanten": SMALL}, platform="mac")
    before = snapshot(book._sheets[0])
    addin.on_ribbon("nnValidate", book)
    state = next(s for s in book._sheets if s._name == STATE_SHEET)
    assert state._visible == "veryHidden"
    addin.on_ribbon("nnClear", book)
    assert snapshot(book._sheets[0]) == before and book._world.violations == []


# --- 7: progress ------------------------------------------------------------------------------

def _status_gaps(book: xf.Book, start: float) -> list[float]:
    times = [t for t, v in book._app._status_log if t >= start and v]
    return [b - a for a, b in itertools.pairwise(times)]


def test_status_bar_moves_at_least_every_second_while_marking(monkeypatch) -> None:
    book = xf.make_book({"Klanten": customer_grid(1500, seed=3, fault_rate=0.1)})
    world = book._world
    world.seconds_per_call = 0.05  # an AppleScript round trip
    monkeypatch.setattr(xl, "clock", lambda: world.now)
    addin.on_ribbon("nnValidate", book)
    marking = [t for t, v in book._app._status_log if isinstance(v, str) and "markeren" in v]
    assert len(marking) > 5
    gaps = _status_gaps(book, marking[0])
    assert max(gaps) <= 1.0, max(gaps)


def test_push_progress_comes_from_the_main_thread(monkeypatch, tmp_path: Path) -> None:
    from numnum_xl import push as pushing

    real = pushing.execute
    seen: list[str] = []

    def slow_execute(plan, conn, **kw):  # the real one, with its workers
        progress = kw["progress"]
        for _ in range(3):
            progress.advance()
            threading.Event().wait(0.05)
        seen.append(threading.current_thread().name)
        return real(plan, conn, **kw)

    monkeypatch.setattr(pushing, "execute", slow_execute)
    monkeypatch.setattr(xl, "STATUS_EVERY", 0.01)
    from numnum_xl.sandbox import run_in_background

    with run_in_background(None) as sandbox:
        monkeypatch.setenv("NUMNUM_API_TOKEN", sandbox.token)
        monkeypatch.setenv("NUMNUM_API_URL", sandbox.base_url)  # issue 16: the user's own
        book = xf.make_book({"Klanten": customer_grid(20, seed=2, fault_rate=0.0)},
                            fullname=str(tmp_path / "Klanten.xlsx"))
        addin.on_ribbon("nnSettings", book)
        settings = next(s for s in book._sheets if s._name == sheetmarks.SETTINGS_SHEET)
        row = next(r for (r, c), v in settings._values.items() if c == 1 and v == "API-adres")
        settings._values[(row, 2)] = sandbox.base_url
        book._active = book._sheets[0]
        addin.on_ribbon("nnPush", book)
    assert "Klaar:" in last_alert(book), last_alert(book)
    assert seen and seen[0] != threading.main_thread().name  # sent off the main thread
    sending = [v for _, v in book._app._status_log if isinstance(v, str) and "versturen" in v]
    assert sending and re.search(r"versturen \d+/\d+", sending[-1])
    assert {t for t in book._app._status_threads} == {threading.main_thread().name}


# --- 8: sheet order ---------------------------------------------------------------------------

def test_new_sheets_go_before_the_hidden_state_sheet() -> None:
    book = xf.make_book({"Klanten": SMALL})
    addin.on_ribbon("nnValidate", book)
    assert [s._name for s in book._sheets][-1] == STATE_SHEET
    book._world.reset()
    addin.on_ribbon("nnSettings", book)
    addin.on_ribbon("nnMapColumns", book)
    names = [s._name for s in book._sheets]
    assert names[-1] == STATE_SHEET and sheetmarks.SETTINGS_SHEET in names
    assert book._world.calls["Worksheet.Move"] == 0  # the very hidden sheet never moved


# --- 10: fixing at the flagged cells ------------------------------------------------------------

def _validated_small() -> tuple[xf.Book, xf.Sheet, list[str]]:
    book = xf.make_book({"Klanten": SMALL})
    addin.on_ribbon("nnValidate", book)
    sheet = book._sheets[0]
    state = next(s for s in book._sheets if s._name == STATE_SHEET)
    _, records = xl.read_state(book)
    assert state is not None
    refs = sorted((r.cell for r in records), key=sheetmarks.sheet_order)
    return book, sheet, refs


def test_next_and_previous_walk_the_marks_and_wrap() -> None:
    book, _, refs = _validated_small()
    assert len(refs) >= 3
    book._world.reset()
    visited = []
    for _ in range(len(refs) + 1):
        addin.on_ribbon("nnNextMark", book)
        visited.append(book._selection[1])
    assert visited == [*refs, refs[0]]
    assert "weer van voren af" in book._app._status and refs[0] in book._app._status
    addin.on_ribbon("nnPreviousMark", book)
    assert book._selection[1] == refs[-1]
    status = book._app._status
    assert status.startswith(f"NumNum: {len(refs)}/{len(refs)} {refs[-1]}")
    assert "Fout" in status or "Waarschuwing" in status
    assert book._world.calls["Range.value"] <= 2 * (len(refs) + 2)  # the state sheet only
    assert alerts(book)[-1]["prompt"].startswith(("1 fout", "2 fouten", "3 fouten", "4 fouten"))


def test_next_mark_without_marks_says_validate_first() -> None:
    book = xf.make_book({"Klanten": SMALL})
    addin.on_ribbon("nnNextMark", book)
    assert "Klik eerst op Valideer" in last_alert(book)


def test_apply_suggestion_writes_blocks_and_removes_only_those_marks() -> None:
    grid = [["title", "last_name", "vat_id", "vat_country_code"],
            ["Bakkerij Janssen", "Janssen", "0403019261", "be"],
            ["Slagerij Peeters", "Peeters", "0403019261", "be"],
            ["Frituur Maes", "Maes", "0403019261", "nl"],
            ["Garage Dubois", "Dubois", "0123456789", "BE"]]
    book = xf.make_book({"Klanten": grid})
    sheet = book._sheets[0]
    xf.set_fill(sheet, "D2", GREEN)
    addin.on_ribbon("nnValidate", book)
    marked = set(xf.notes(sheet))
    assert {"D2", "D3", "D4"} <= marked
    book._selection = (sheet, "$D$2:$D$4,$C$5")
    book._world.reset()
    addin.on_ribbon("nnApplySuggestion", book)
    assert [xf.cell(sheet, f"D{r}") for r in (2, 3, 4)] == ["BE", "BE", "NL"]
    assert book._world.calls_on("Range.value=", "Klanten") == ["$D$2:$D$4"]  # one block
    assert xf.fills(sheet).get("D2") == GREEN  # the user's own fill is back
    assert not {"D2", "D3", "D4"} & set(xf.notes(sheet))
    assert "C5" in xf.notes(sheet)  # no suggestion for an invalid number: still marked
    assert "3 voorstellen toegepast; 1 zonder voorstel" in book._app._status
    _, records = xl.read_state(book)
    assert not {"D2", "D3", "D4"} & {r.cell for r in records}


def test_a_hand_correction_loses_its_mark_at_the_next_validate_only() -> None:
    book, sheet, refs = _validated_small()
    target = "D3" if "D3" in refs else refs[0]
    sheet._values[sheetmarks.parse_ref(target)] = "BE"  # typed by the user
    addin.on_ribbon("nnNextMark", book)
    assert target in xf.notes(sheet)  # not before
    addin.on_ribbon("nnValidate", book)
    assert target not in xf.notes(sheet) and target not in xf.fills(sheet)


# --- the buttons of other helpers' engines (stand-ins of the documented shape) -----------------

def _stand_in_result(row: int, severity: str, text: str, fixes=None):
    return types.SimpleNamespace(row=row, state={"ok": "found", "error": "not_found",
                                                 "warning": "name_differs",
                                                 "unchecked": "unchecked"}[severity],
                                 severity=severity, text=text, fixes=fixes or {})


@pytest.mark.parametrize("check,module,button", [("peppol", "numnum_xl.peppol", "nnPeppol"),
                                                 ("vies", "numnum_xl.vies", "nnVies")])
def test_online_check_buttons_mark_rows_and_keep_validation_marks(check, module, button,
                                                                   monkeypatch) -> None:
    calls = {}

    def check_report(report, *, lang="nl", progress=None, requester=None):
        calls["thread"] = threading.current_thread().name
        calls["rows"] = report.table.data_rows
        for i in range(3):
            progress(i + 1, 3)
        return [_stand_in_result(2, "ok", "gevonden"),
                _stand_in_result(3, "error", "onbekend bij de dienst"),
                _stand_in_result(4, "warning", "andere naam", {"title": "MAES BV"})]

    monkeypatch.setitem(sys.modules, module, types.SimpleNamespace(check_report=check_report))
    book = xf.make_book({"Klanten": SMALL})
    sheet = book._sheets[0]
    addin.on_ribbon("nnValidate", book)
    validation_notes = xf.notes(sheet)
    addin.on_ribbon(button, book)
    assert calls["rows"] == 3 and calls["thread"] != threading.main_thread().name
    notes, fills = xf.notes(sheet), xf.fills(sheet)
    label = checks.ONLINE[check][2]
    assert notes["A3"][0].endswith(f"{label} (fout): onbekend bij de dienst")
    assert fills["A3"] == sheetmarks.SEVERITY_COLOR["error"]
    assert notes["A4"][0].endswith(f"{label}: andere naam") and "A2" not in notes
    for ref, (text, _) in validation_notes.items():
        assert notes[ref][0].startswith(text.split("\n")[0]), ref  # validation marks kept
    result = next(s for s in book._sheets if s._name == checks.ONLINE[check][1])
    assert xf.cell(result, "E5") == "title = MAES BV"
    assert "1 in orde, 1 waarschuwing(en), 1 fout(en)" in last_alert(book)
    addin.on_ribbon("nnValidate", book)  # validating again keeps the online marks
    assert f"{label} (fout): onbekend" in xf.notes(sheet)["A3"][0]
    assert xf.fills(sheet)["A3"] == sheetmarks.SEVERITY_COLOR["error"]
    addin.on_ribbon("nnClear", book)
    assert xf.notes(sheet) == {} and [s._name for s in book._sheets] == ["Klanten"]


def test_export_button_writes_a_new_workbook_as_text(monkeypatch) -> None:
    def export_data(report, *, all_rows=False, lang="nl"):
        return types.SimpleNamespace(
            headers=["title", "vat_id", "email"],
            rows=[["Bakkerij Janssen", "0403019261", "info@janssen.be"]],
            held_back=[(3, "btw-nummer ongeldig"), (4, "land onbekend")])

    monkeypatch.setitem(sys.modules, "numnum_xl.export",
                        types.SimpleNamespace(export_data=export_data))
    book = xf.make_book({"Klanten": SMALL})
    app = book._app
    addin.on_ribbon("nnExport", book)
    assert len(app._books) == 2
    new = app._books[1]._sheets[0]
    assert xf.cell(new, "B2") == "0403019261"  # stayed text: the columns were '@' first
    assert xf.cell(new, "A1") == "title"
    text = last_alert(book)
    assert "1 rij" in text and "rij 3: btw-nummer ongeldig" in text


# --- 15.4: a fast click -------------------------------------------------------------------------

def test_a_click_imports_no_openpyxl() -> None:
    code = ("import sys, numnum_xl.addin.buttons, numnum_xl.addin.navigate, "
            "numnum_xl.addin.checks; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'openpyxl', 'numpy', 'pandas', 'xlwings'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_every_new_button_is_on_the_ribbon_and_dispatches() -> None:
    ids = addin_build.ribbon_button_ids()
    for new in ("nnNextMark", "nnPreviousMark", "nnApplySuggestion", "nnExport", "nnPeppol",
                "nnVies", "nnDiagnose"):
        assert new in ids and new in addin.BUTTONS
    assert shutil.which("sh")
    assert SUMMARY_SHEET in xl.own_sheets()


def test_vies_button_end_to_end_against_a_loopback_vies(monkeypatch) -> None:
    """The real ``numnum_xl.vies`` (i14) behind the button, against the loopback VIES of
    ``tests/test_vies.py``: nothing leaves the machine."""
    pytest.importorskip("numnum_xl.vies")
    from tests.test_vies import INVALID, OTHER_NAME, VALID, Vies

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    fake = Vies()
    try:
        monkeypatch.setenv("NUMNUM_XL_VIES_URL", fake.http.url)
        grid = [["title", "vat_id", "vat_country_code"],
                ["Brouwerij Voorbeeld NV", VALID, "BE"],
                ["Bakkerij Janssen", INVALID, "BE"],
                ["Brouwerij Voorbeeld NV", OTHER_NAME, "BE"]]
        book = xf.make_book({"Klanten": grid})
        addin.on_ribbon("nnVies", book)
    finally:
        fake.close()
    text = last_alert(book)
    assert "VIES-controle van 3 rijen" in text, text
    notes, fills = xf.notes(book._sheets[0]), xf.fills(book._sheets[0])
    assert "A2" not in notes  # valid, same name: no mark
    assert notes["A3"][0].startswith("VIES (fout): ") and fills["A3"] == sheetmarks.SEVERITY_COLOR[
        "error"]
    assert notes["A4"][0].startswith("VIES: ")  # another name in the register: a warning
    result = next(s for s in book._sheets if s._name == "NumNum-vies")
    assert [xf.cell(result, f"C{r}") for r in (3, 4, 5)] == ["ok", "error", "warning"]
