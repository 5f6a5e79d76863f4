"""``numnum-xl addin build|install``: build the NumNum Excel add-in, or install it for Excel.

``build`` writes ``numnum.xlam`` from this source tree (see :mod:`numnum_xl.addin_build`).
``install`` copies the shipped add-in into Excel's startup folder (where Excel opens it at every
start, as ``xlwings addin install`` does) and writes the add-in's xlwings config file with this
Python as interpreter, so the ribbon's ``RunPython`` calls run this numnum-xl.

Where things go (xlwings 0.37.8; the add-in's xlwings ``PROJECT_NAME`` is ``numnum``):

* startup folder: whatever Excel says (``Application.StartupPath``, asked through xlwings as
  ``xlwings addin install`` does); if Excel cannot be asked, the default: Windows
  ``%APPDATA%\\Microsoft\\Excel\\XLSTART``, macOS ``~/`` + :data:`MAC_STARTUP`;
* config file the add-in's VBA reads: Windows ``%USERPROFILE%\\.numnum\\numnum.conf``, macOS
  ``~/Library/Containers/com.microsoft.Excel/Data/numnum.conf`` (Excel's sandbox home).

>>> print(config_text('"INTERPRETER_WIN","C:\\\\old.exe"\\n"PYTHONPATH","X"\\n',
...                   {"INTERPRETER_WIN": "C:\\\\py.exe"}), end="")
"PYTHONPATH","X"
"INTERPRETER_WIN","C:\\py.exe"
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from numnum_xl.addin_build import CONFIG_NAME, SHIPPED
from numnum_xl.cli import UsageError

MAC_STARTUP = ("Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
               "Startup.localized/Excel")
MAC_CONTAINER = "Library/Containers/com.microsoft.Excel/Data"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``addin`` with its actions ``build`` and ``install``."""
    parser = subparsers.add_parser(
        "addin", help="de NumNum-tab voor Excel (numnum.xlam) bouwen of installeren",
        description="De Excel-add-in numnum.xlam: een NumNum-tab op het lint van Excel.")
    actions = parser.add_subparsers(dest="addin_action", metavar="ACTIE")
    parser.set_defaults(func=lambda args: parser.print_help() or 2)

    build = actions.add_parser(
        "build", help="numnum.xlam bouwen uit ribbon/ en addin/ (vanuit een checkout)",
        description="Bouwt numnum.xlam, byte voor byte reproduceerbaar, uit ribbon/customUI.xml, "
                    "addin/*.bas en het sjabloon van xlwings.")
    build.add_argument("--out", type=Path, help="waar het bestand komt "
                       "(standaard: numnum_xl/data/numnum.xlam, de meegeleverde kopie)")
    build.add_argument("--check", action="store_true",
                       help="niets schrijven: afsluitcode 1 als de meegeleverde kopie verouderd is")
    build.add_argument("--any-xlwings", action="store_true",
                       help="ook bouwen met een andere xlwings-versie dan de vastgepinde")
    build.set_defaults(func=run_build)

    install = actions.add_parser(
        "install", help="numnum.xlam installeren in Excel (Windows, macOS)",
        description="Kopieert numnum.xlam naar de opstartmap van Excel en stelt in welke Python "
                    "de knoppen gebruiken (deze).")
    install.add_argument("--dir", type=Path,
                         help="naar deze map kopiëren in plaats van de opstartmap van Excel")
    install.add_argument("--no-config", action="store_true",
                         help=f"{CONFIG_NAME}.conf niet schrijven")
    install.add_argument("--warm", action="store_true",
                         help="Windows: Python blijft tussen twee klikken draaien (xlwings' "
                              "USE UDF SERVER), zodat een klik niet telkens Python start")
    install.set_defaults(func=run_install)

    diagnose = actions.add_parser(
        "diagnose", help="toont wat de knoppen gebruiken (Python, versies, instellingen)",
        description="Python, numnum-xl en xlwings (tegen de versie van de add-in), pywin32 of "
                    "appscript, het instellingenbestand, de opstartmap, de sleutelhanger en het "
                    "API-adres: één blok om mee te sturen naar support.")
    diagnose.set_defaults(func=run_diagnose)


def run_build(args: argparse.Namespace) -> int:
    """Build the add-in (``--check``: only compare with the shipped copy)."""
    from numnum_xl import addin_build

    try:
        for warning in addin_build.check_xlwings(strict=not args.any_xlwings):
            print(f"waarschuwing: {warning}", file=sys.stderr)
        data = addin_build.build(strict=not args.any_xlwings)
    except addin_build.BuildError as exc:
        raise UsageError(str(exc)) from exc
    target = args.out or addin_build.SHIPPED
    if args.check:
        same = target.is_file() and target.read_bytes() == data
        state = "actueel" if same else "VEROUDERD: bouw opnieuw met numnum-xl addin build"
        print(f"{target}: {state}")
        return 0 if same else 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"{target} ({len(data)} bytes)")
    return 0


def default_startup_dir(platform: str, env: Mapping[str, str], home: Path) -> Path | None:
    """Excel's per-user startup folder as installed by default, or None (no Excel here).

    >>> default_startup_dir("linux", {}, Path("/home/an")) is None
    True
    >>> default_startup_dir("darwin", {}, Path("/Users/an")).name
    'Excel'
    """
    if platform.startswith("win"):
        appdata = env.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return home / MAC_STARTUP
    return None


def user_config_path(platform: str, env: Mapping[str, str], home: Path) -> Path:
    """The config file the add-in's xlwings VBA reads (``GetConfigFilePath``).

    >>> user_config_path("darwin", {}, Path("/Users/an")).as_posix()
    '/Users/an/Library/Containers/com.microsoft.Excel/Data/numnum.conf'
    """
    if platform == "darwin":
        return home / MAC_CONTAINER / f"{CONFIG_NAME}.conf"
    profile = Path(env.get("USERPROFILE") or home)
    return profile / f".{CONFIG_NAME}" / f"{CONFIG_NAME}.conf"


def addin_settings(platform: str, *, warm: bool = False) -> dict[str, str]:
    """The config keys the add-in needs besides the interpreter: the workbook's folder stays
    off the Python path (xlwings cannot map a OneDrive/SharePoint workbook's URL to a folder
    and then stops before our code runs; numnum-xl is installed, it needs no path), and on
    Windows, on request, a warm Python between clicks (``USE UDF SERVER``).

    >>> addin_settings("win32", warm=True)
    {'ADD_WORKBOOK_TO_PYTHONPATH': 'False', 'USE UDF SERVER': 'True'}
    >>> addin_settings("darwin", warm=True)
    {'ADD_WORKBOOK_TO_PYTHONPATH': 'False'}
    """
    out = {"ADD_WORKBOOK_TO_PYTHONPATH": "False"}
    if platform.startswith("win"):
        out["USE UDF SERVER"] = "True" if warm else "False"
    return out


def interpreter_settings(platform: str, executable: str, env: Mapping[str, str]) -> dict[str, str]:
    """The config keys that make RunPython use this Python, the way ``xlwings config create``
    chooses them: a conda environment on Windows by ``CONDA PATH``/``CONDA ENV``, otherwise
    ``INTERPRETER_WIN`` or ``INTERPRETER_MAC``.

    >>> interpreter_settings("darwin", "/opt/py/bin/python", {})
    {'INTERPRETER_MAC': '/opt/py/bin/python'}
    """
    conda_env, conda_exe = env.get("CONDA_DEFAULT_ENV"), env.get("CONDA_EXE")
    if platform.startswith("win") and conda_env and conda_exe:
        # xlwings wants the conda root, without \\Scripts\\conda.exe
        return {"CONDA PATH": str(Path(conda_exe).parent.parent), "CONDA ENV": conda_env}
    return {f"INTERPRETER_{'MAC' if platform == 'darwin' else 'WIN'}": executable}


def config_text(existing: str, settings: Mapping[str, str]) -> str:
    """``existing`` config text with ``settings`` replacing keys of the same name (any case).

    The format is xlwings': one ``"KEY","VALUE"`` line per setting (read by VBA's ``Input #``).
    """
    keys = {k.upper() for k in settings}
    kept = [line for line in existing.splitlines()
            if line.strip() and line.split(",")[0].strip('"').upper() not in keys]
    return "".join(f"{line}\n" for line in kept) + "".join(
        f'"{k}","{v}"\n' for k, v in settings.items())


def excel_startup_dir() -> Path | None:
    """Ask Excel for its startup folder (via xlwings, as ``xlwings addin install`` does); fall
    back to the default folder when Excel cannot be asked."""
    if sys.platform.startswith("win") or sys.platform == "darwin":
        try:
            from xlwings.cli import get_addin_dir

            return Path(get_addin_dir())
        except Exception as exc:  # no Excel, no COM/appscript, Excel busy ...
            print(f"Excel kon niet gevraagd worden naar de opstartmap ({exc}); "
                  "de standaardmap wordt gebruikt.", file=sys.stderr)
    return default_startup_dir(sys.platform, os.environ, Path.home())


def run_diagnose(args: argparse.Namespace) -> int:
    """Print the diagnosis; exit 1 when a line is wrong."""
    from numnum_xl.addin import doctor

    lines = doctor.report()
    print(doctor.text(lines))
    return 1 if doctor.problems(lines) else 0


def _missing_before_install(platform: str) -> list[str]:
    """What this Python lacks for the add-in's buttons (Dutch, with the fix)."""
    from numnum_xl.addin import doctor

    wanted = {"xlwings"}
    if platform.startswith("win"):
        wanted.add("pywin32")
    elif platform == "darwin":
        wanted.add("appscript")
    return [f"{line.label}: {line.value} → {line.fix}" for line in doctor.report(platform=platform)
            if line.ok is False and line.label in wanted]


def run_install(args: argparse.Namespace) -> int:
    """Check this Python, copy the shipped add-in to Excel's startup folder, write the
    config, and check the result; exit 1 (Dutch reasons) when something is missing."""
    source = SHIPPED
    if not source.is_file():
        raise UsageError(f"{source} ontbreekt: bouw de add-in eerst met numnum-xl addin build")
    missing = _missing_before_install(sys.platform)
    if missing:
        print("Niets geïnstalleerd: deze Python mist wat de NumNum-knoppen nodig hebben.\n"
              + "\n".join(f"  - {m}" for m in missing)
              + f"\n({sys.executable})", file=sys.stderr)
        return 1
    target_dir = args.dir or excel_startup_dir()
    if target_dir is None:
        print("Excel voor Windows of macOS is hier niet beschikbaar; niets geïnstalleerd.\n"
              f"De add-in staat in: {source}\n"
              "Kopieer hem op een Windows- of Mac-computer naar de opstartmap van Excel, of "
              "voer daar 'numnum-xl addin install' uit.", file=sys.stderr)
        return 2
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / SHIPPED.name
    try:
        shutil.copyfile(source, target)
    except PermissionError as exc:
        raise UsageError(f"kan {target} niet schrijven; sluit Excel en probeer opnieuw") from exc
    print(f"Add-in geïnstalleerd: {target}")
    if not args.no_config:
        conf = user_config_path(sys.platform, os.environ, Path.home())
        conf.parent.mkdir(parents=True, exist_ok=True)
        # VBA reads the file in the ANSI code page on Windows (xlwings writes it the same way)
        encoding = "mbcs" if sys.platform.startswith("win") else "utf-8"
        old = conf.read_text(encoding=encoding) if conf.is_file() else ""
        settings = interpreter_settings(sys.platform, sys.executable, os.environ)
        settings.update(addin_settings(sys.platform, warm=args.warm))
        conf.write_text(config_text(old, settings), encoding=encoding)
        print(f"Python voor de NumNum-knoppen: {sys.executable} (in {conf})")
    if sys.platform == "darwin":
        try:  # RunPython on macOS goes through xlwings' AppleScript
            from xlwings.cli import runpython_install

            runpython_install(None)
        except Exception as exc:
            print(f"Voer nog 'xlwings runpython install' uit ({exc}).", file=sys.stderr)
    from numnum_xl.addin import doctor

    lines = doctor.report(startup_dir=target_dir)
    wrong = [line for line in doctor.problems(lines)
             if not (args.no_config and line.label in ("Instellingenbestand",
                                                       "Python van de knoppen",
                                                       "ADD_WORKBOOK_TO_PYTHONPATH"))]
    if wrong:
        print("De installatie is niet volledig:\n" + "\n".join(
            f"  - {line.label}: {line.value}" + (f" → {line.fix}" if line.fix else "")
            for line in wrong), file=sys.stderr)
        return 1
    print("Herstart Excel om de NumNum-tab te zien.")
    return 0
