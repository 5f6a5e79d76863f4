"""What the add-in's Python sees: one block to paste into a support mail.

``numnum-xl addin diagnose`` prints it; the ribbon's *Diagnose* shows it (and writes it to the
add-in's log). ``numnum-xl addin install`` runs the same checks after installing and fails,
with the Dutch reasons, when one fails. Each line: a label, what was found, and whether that is
right (``ok``), wrong (``FOUT``, with the fix) or only informative.

>>> parse_config('"INTERPRETER_WIN","C:\\\\py\\\\python.exe"\\n"USE UDF SERVER","True"\\n')
{'INTERPRETER_WIN': 'C:\\\\py\\\\python.exe', 'USE UDF SERVER': 'True'}
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Line:
    """One line of the report: ``ok`` True (right), False (wrong: ``fix`` says what to do)
    or None (for information)."""

    label: str
    value: str
    ok: bool | None = None
    fix: str = ""

    def text(self) -> str:
        mark = {True: "ok  ", False: "FOUT", None: "    "}[self.ok]
        return f"{mark} {self.label}: {self.value}" + (f"\n       → {self.fix}" if self.fix
                                                      else "")


def parse_config(text: str) -> dict[str, str]:
    """xlwings' config lines ``"KEY","VALUE"`` as a dict (keys as written)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if "," not in line:
            continue
        key, _, value = line.partition(",")
        out[key.strip().strip('"')] = value.strip().strip('"')
    return out


def addin_version(path: Path) -> str | None:
    """The numnum-xl version an ``.xlam`` was built for (its ribbon's "Versie …" label)."""
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            ribbon = zf.read("customUI/customUI14.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    m = re.search(r'label="Versie ([^"]+)"', ribbon)
    return m.group(1) if m else None


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def platform_name(platform: str) -> str:
    """``win``, ``mac`` or ``other`` (no desktop Excel)."""
    return "win" if platform.startswith("win") else "mac" if platform == "darwin" else "other"


def report(*, platform: str | None = None, env: Mapping[str, str] | None = None,
           home: Path | None = None, executable: str | None = None,
           startup_dir: Path | None = None) -> list[Line]:
    """Every line of the diagnosis (the arguments are for tests; default: this machine)."""
    from numnum_xl import __version__
    from numnum_xl.addin_build import SHIPPED, XLWINGS_VERSION
    from numnum_xl.commands import addin as cmd

    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = home or Path.home()
    executable = executable or sys.executable
    kind = platform_name(platform)
    lines = [Line("Python", f"{sys.version.split()[0]} ({executable})", True),
             Line("numnum-xl", f"{__version__} ({Path(__file__).resolve().parents[1]})", True)]

    xw = _version("xlwings")
    if xw is None:
        lines.append(Line("xlwings", "niet geïnstalleerd", False,
                          f'pip install "xlwings=={XLWINGS_VERSION}" (of pip install '
                          '".[excel]" in de map van numnum-xl)'))
    else:
        lines.append(Line("xlwings", f"{xw} (de add-in is gebouwd met {XLWINGS_VERSION})",
                          xw == XLWINGS_VERSION,
                          "" if xw == XLWINGS_VERSION
                          else f'pip install "xlwings=={XLWINGS_VERSION}": de VBA van de '
                               "add-in en de Python-kant moeten dezelfde versie hebben"))
    if kind == "win":
        ok = _importable("win32com")
        lines.append(Line("pywin32", "aanwezig" if ok else "ontbreekt", ok,
                          "" if ok else "pip install pywin32"))
    elif kind == "mac":
        ok = _importable("appscript")
        lines.append(Line("appscript", "aanwezig" if ok else "ontbreekt", ok,
                          "" if ok else "pip install appscript"))
    else:
        lines.append(Line("Excel", "niet op dit systeem (Windows of macOS nodig)", None))

    shipped = SHIPPED.read_bytes() if SHIPPED.is_file() else None
    lines.append(Line("Add-in (pakket)", f"{SHIPPED} (add-in {addin_version(SHIPPED)})"
                      if shipped else f"{SHIPPED} ontbreekt", shipped is not None,
                      "" if shipped else "numnum-xl addin build"))
    folder = startup_dir if startup_dir is not None else cmd.default_startup_dir(platform, env,
                                                                                 home)
    if folder is None:
        lines.append(Line("Opstartmap van Excel", "geen (geen Excel op dit systeem)", None))
    else:
        installed = folder / SHIPPED.name
        if not installed.is_file():
            lines.append(Line("Opstartmap van Excel", f"{installed} ontbreekt", False,
                              "numnum-xl addin install"))
        else:
            current = shipped is not None and installed.read_bytes() == shipped
            version = addin_version(installed)
            lines.append(Line("Opstartmap van Excel",
                              f"{installed} (add-in {version or '?'}; "
                              f"{'actueel' if current else 'VEROUDERD'})", current,
                              "" if current else "numnum-xl addin install (Excel eerst sluiten)"))

    conf = cmd.user_config_path(platform, env, home)
    if kind == "other" and not conf.is_file():
        lines.append(Line("Instellingenbestand", f"{conf} (niet nodig zonder Excel)", None))
    elif not conf.is_file():
        lines.append(Line("Instellingenbestand", f"{conf} ontbreekt", False,
                          "numnum-xl addin install"))
    else:
        try:
            settings = parse_config(conf.read_text(encoding="mbcs" if kind == "win"
                                                   else "utf-8"))
        except (OSError, LookupError, UnicodeDecodeError) as exc:
            settings = {}
            lines.append(Line("Instellingenbestand", f"{conf} onleesbaar ({exc})", False,
                              "numnum-xl addin install"))
        lines += _config_lines(conf, settings, kind, executable)

    lines.append(_keyring_line())
    lines.append(_api_line(env))
    from numnum_xl.addin import log_path

    lines.append(Line("Logboek van de add-in", str(log_path()), None))
    return lines


def _config_lines(conf: Path, settings: Mapping[str, str], kind: str,
                  executable: str) -> list[Line]:
    upper = {k.upper(): v for k, v in settings.items()}
    key = "INTERPRETER_MAC" if kind == "mac" else "INTERPRETER_WIN"
    out = [Line("Instellingenbestand", str(conf), True)]
    interpreter = upper.get(key) or ""
    if upper.get("CONDA PATH") and upper.get("CONDA ENV"):
        out.append(Line("Python van de knoppen", f"conda {upper['CONDA ENV']} in "
                        f"{upper['CONDA PATH']}", True))
    elif not interpreter:
        out.append(Line("Python van de knoppen", f"{key} ontbreekt", False,
                        "numnum-xl addin install (met de Python waarin numnum-xl staat)"))
    else:
        exists = Path(interpreter).is_file()
        same = os.path.normcase(interpreter) == os.path.normcase(executable)
        out.append(Line("Python van de knoppen", interpreter + ("" if same else
                        " (niet deze Python)"), exists,
                        "" if exists else "bestaat niet: numnum-xl addin install opnieuw"))
    add_book = upper.get("ADD_WORKBOOK_TO_PYTHONPATH", "true").lower()
    out.append(Line("ADD_WORKBOOK_TO_PYTHONPATH", add_book, add_book == "false",
                    "" if add_book == "false" else "numnum-xl addin install (nodig voor "
                    "werkmappen in OneDrive/SharePoint)"))
    warm = upper.get("USE UDF SERVER", "false").lower() == "true"
    out.append(Line("Warme Python (USE UDF SERVER)", "aan" if warm else "uit", None))
    return out


def _keyring_line() -> Line:
    try:
        import keyring

        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        usable = "fail" not in name.lower() and "null" not in name.lower()
        return Line("Sleutelhanger (API-token)", name, usable or None,
                    "" if usable else "geen sleutelhanger: zet het token in "
                    "NUMNUM_API_TOKEN")
    except Exception as exc:
        return Line("Sleutelhanger (API-token)", f"niet bruikbaar ({exc})", None,
                    "zet het token in NUMNUM_API_TOKEN")


def _api_line(env: Mapping[str, str]) -> Line:
    url = env.get("NUMNUM_API_URL")
    source = "omgevingsvariabele NUMNUM_API_URL"
    if not url:
        try:
            from numnum_xl.client import load_settings

            url = load_settings().api_url
            source = "instellingen van numnum-xl"
        except Exception:
            url = None
    if not url:
        return Line("API-adres", "geen: de lokale oefenomgeving (sandbox), of het adres op "
                    "blad NumNum-instellingen", None)
    return Line("API-adres", f"{url} ({source})", None)


def text(lines: list[Line]) -> str:
    """The block as printed and shown."""
    return "NumNum-diagnose\n" + "\n".join(line.text() for line in lines)


def problems(lines: list[Line]) -> list[Line]:
    """The lines that are wrong."""
    return [line for line in lines if line.ok is False]


def show_report(book: Any) -> None:
    """The ribbon's *Diagnose*: the block in an alert and in the log."""
    from numnum_xl.addin import _log, show

    block = text(report())
    where = _log("nnDiagnose", block)
    show(book.app, block + (f"\n\nOok bewaard in {where}" if where else ""))
