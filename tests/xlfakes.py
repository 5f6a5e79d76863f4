"""In-memory fakes of the xlwings 0.37.8 objects the add-in uses, counting every call.

Each fake class is named after the real one (``xlwings.main.App``, ``Book``, ``Sheets``,
``Sheet``, ``Range``, ``Note``, ``Font``, ``DataValidation``, ``FreezePanes``) and has only
public members the real class has, with the same parameters (``tests/test_addin_layer.py``
compares them with :func:`inspect.signature`): a misspelled method or argument in the add-in
fails there, not first in Excel. Test helpers are module functions or private attributes.

Every public method call and property access is counted in :attr:`World.calls` as
``"Class.member"`` (``"Class.member="`` for a property set) and logged with the sheet and
address in :attr:`World.log`. The fake sheet keeps values, formulas, fills, notes, number
formats, fonts, column widths and validations, and behaves like desktop Excel where the
add-in depends on it:

* a written string is parsed like typed input unless the cell is formatted as text (``@``)
  or the string starts with an apostrophe: ``"0403019261"`` becomes the number 403019261;
* an address longer than 255 characters, or a multi-area address with ``:`` (which xlwings'
  Mac engine splits apart), raises;
* reading ``Range.color`` of several cells gives ``None`` when none has a fill, the colour
  when all have the same, and raises when they differ (xlwings' ``int_to_rgb(None)`` on
  Windows); cells without a fill count as white there, as ``Interior.Color`` reports them;
* ``Range.add_note`` raises when the cell has a note (as xlwings 0.37.8 does); ``Range.note``
  needs a single cell; ``Range.value`` needs a single area;
* ``Sheets.add`` activates the new sheet; a hidden sheet cannot be activated;
  ``FreezePanes.freeze_at`` raises ``NotImplementedError`` as the desktop engines do;
* numbers come back as floats and errors as ``None`` unless ``err_to_str=True``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

MAX_ROW = 1_048_576
MAX_COL = 16_384
Color = tuple[int, int, int]
WHITE: Color = (255, 255, 255)


class XlError:
    """An error value in a fake cell (``#N/A``, …)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"XlError({self.code!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, XlError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


class World:
    """Call counts and the log, shared by every fake object of one :class:`App`."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.log: list[tuple[str, str, str]] = []  # (member, sheet, address)
        self.api_log: list[tuple[str, Any]] = []
        #: a clock for progress tests: every counted call moves it by ``seconds_per_call``
        self.now = 0.0
        self.seconds_per_call = 0.0
        #: ``(member, n)``: the n-th call of ``member`` (counting from 1) raises, once
        self.fail_at: tuple[str, int] | None = None
        #: what the add-in tried on ``.api`` that Excel's object model forbids (kept even
        #: when the add-in caught the error)
        self.violations: list[str] = []

    def reset(self) -> None:
        """Forget the counts and the log (the state of the sheets stays)."""
        self.calls.clear()
        self.log.clear()
        self.api_log.clear()

    def count(self, member: str, sheet: str = "", address: str = "") -> None:
        self.calls[member] += 1
        self.log.append((member, sheet, address))
        self.now += self.seconds_per_call
        if self.fail_at is not None and self.fail_at[0] == member \
                and self.calls[member] == self.fail_at[1]:
            self.fail_at = None
            raise RuntimeError(f"injected failure at {member} call {self.calls[member]}")

    def calls_on(self, member: str, sheet: str | None = None) -> list[str]:
        """Addresses of every call of ``member`` (on ``sheet``)."""
        return [a for m, s, a in self.log if m == member and (sheet is None or s == sheet)]


def _where(obj: Any) -> tuple[str, str]:
    if isinstance(obj, Range):
        return obj._sheet._name, obj._address
    if isinstance(obj, Sheet):
        return obj._name, ""
    if isinstance(obj, (Note, Font, DataValidation)):
        rng = obj._range
        return rng._sheet._name, rng._address
    return "", ""


def _world(obj: Any) -> World:
    return obj._world


def counted(fn):
    """Count a method call as ``Class.name``."""

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        _world(self).count(f"{type(self).__name__}.{fn.__name__}", *_where(self))
        return fn(self, *args, **kwargs)

    return wrapper


class cprop(property):
    """A property whose reads count as ``Class.name`` and writes as ``Class.name=``."""

    def __init__(self, fget, fset=None):
        name = fget.__name__

        def get(self):
            _world(self).count(f"{type(self).__name__}.{name}", *_where(self))
            return fget(self)

        setter = None
        if fset is not None:
            def setter(self, value):
                _world(self).count(f"{type(self).__name__}.{name}=", *_where(self))
                fset(self, value)

        super().__init__(get, setter, doc=fget.__doc__)
        self._fget_raw = fget

    def setter(self, fset):
        return cprop(self._fget_raw, fset)


# --- the native objects behind ``.api``, checked against Excel's object model --------------

#: Excel's object model as Microsoft documents it (``tests/data/excel_object_model.md``):
#: object → member → {kind, access | params, returns}.
OBJECT_MODEL: dict[str, dict[str, dict[str, Any]]] = json.loads(
    (Path(__file__).parent / "data" / "excel_object_model.json").read_text(encoding="utf-8")
)["objects"]


class ObjectModelError(AttributeError):
    """The add-in did something Excel's object model does not allow (pywin32 raises an
    ``AttributeError`` too, which xlwings 0.37.8's COM wrapper retries without end)."""


def _member(obj_type: str, name: str) -> dict[str, Any]:
    entry = OBJECT_MODEL.get(obj_type, {}).get(name)
    if entry is None:
        raise ObjectModelError(f"Excel.{obj_type} has no member {name!r} "
                               "(not in Microsoft's object-model reference)")
    return entry


def _recorded(world: World, fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ObjectModelError as exc:
        world.violations.append(str(exc))
        raise


def _check_call(obj_type: str, name: str, args: tuple, kwargs: dict[str, Any]) -> None:
    entry = _member(obj_type, name)
    if entry["kind"] != "method":
        raise ObjectModelError(f"Excel.{obj_type}.{name} is a property, not a method")
    params = [p for p, _ in entry["params"]]
    if len(args) > len(params):
        raise ObjectModelError(f"Excel.{obj_type}.{name} takes {len(params)} parameters")
    given = set(params[:len(args)])
    for key in kwargs:
        if key not in params:
            raise ObjectModelError(f"Excel.{obj_type}.{name} has no parameter {key!r} "
                                   f"(it has {params})")
        given.add(key)
    missing = [p for p, required in entry["params"] if required and p not in given]
    if missing:
        raise ObjectModelError(f"Excel.{obj_type}.{name} needs {missing}")


class Native:
    """What a fake object's ``.api`` is backed by: its type in Excel's object model, a path
    for the log, and the fake's own getters/setters/methods by VBA member name (a documented
    member without a hook reads as ``None`` and is only logged)."""

    def __init__(self, world: World, obj_type: str, path: str, *,
                 get: dict[str, Any] | None = None, set_: dict[str, Any] | None = None,
                 call: dict[str, Any] | None = None) -> None:
        self.world, self.type, self.path = world, obj_type, path
        self.get, self.set, self.call = get or {}, set_ or {}, call or {}

    def read(self, name: str) -> Any:
        return _recorded(self.world, self._read, name)

    def write(self, name: str, value: Any) -> None:
        _recorded(self.world, self._write, name, value)

    def invoke(self, name: str, args: tuple, kwargs: dict[str, Any]) -> Any:
        return _recorded(self.world, self._invoke, name, args, kwargs)

    def entry(self, name: str) -> dict[str, Any]:
        return _recorded(self.world, _member, self.type, name)

    def _read(self, name: str) -> Any:
        entry = _member(self.type, name)
        if entry["kind"] != "property":
            raise ObjectModelError(f"Excel.{self.type}.{name} is a method")
        self.world.api_log.append((f"{self.path}.{name}?", None))
        hook = self.get.get(name)
        return hook() if hook else None

    def _write(self, name: str, value: Any) -> None:
        entry = _member(self.type, name)
        if entry["kind"] != "property" or entry.get("access") != "read-write":
            raise ObjectModelError(f"Excel.{self.type}.{name} is read-only (Microsoft's "
                                   "reference); it cannot be assigned")
        self.world.api_log.append((f"{self.path}.{name}", value))
        hook = self.set.get(name)
        if hook:
            hook(value)

    def _invoke(self, name: str, args: tuple, kwargs: dict[str, Any]) -> Any:
        _check_call(self.type, name, args, kwargs)
        self.world.api_log.append((f"{self.path}.{name}()", kwargs or args))
        hook = self.call.get(name)
        return hook(*args, **kwargs) if hook else None


class ComObject:
    """The Windows side of ``.api`` (pywin32): ``obj.Member``, ``obj.Member = value``,
    ``obj.Method(Param=…)``, with VBA's names."""

    def __init__(self, native: Native) -> None:
        object.__setattr__(self, "_native", native)

    def __getattr__(self, name: str) -> Any:
        native: Native = self._native
        entry = native.entry(name)
        if entry["kind"] == "method":
            return lambda *a, **k: native.invoke(name, a, k)
        value = native.read(name)
        return ComObject(value) if isinstance(value, Native) else value

    def __setattr__(self, name: str, value: Any) -> None:
        self._native.write(name, value)


def vba_name(mac_name: str) -> str:
    """The VBA name of an appscript (AppleScript dictionary) name: ``active_window`` →
    ``ActiveWindow``, ``type`` → ``Type``; exceptions in :data:`MAC_NAMES`."""
    return MAC_NAMES.get(mac_name) or "".join(w.capitalize() for w in mac_name.rstrip("_")
                                              .split("_"))


#: appscript names whose VBA name is not their camel case.
MAC_NAMES = {"add_data_validation": "Add", "validation_type": "Type"}


class MacRef:
    """The macOS side of ``.api`` (appscript): ``obj.member.get()``, ``obj.member.set(v)``,
    ``obj.command(param=…)``, names in snake case mapped to VBA's by :func:`vba_name`."""

    def __init__(self, native: Native, member: str | None = None) -> None:
        self._native = native
        self._member = member

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._member is not None:  # obj.member.sub: the member must give an object
            value = self._native.read(self._member)
            if not isinstance(value, Native):
                raise ObjectModelError(f"Excel.{self._native.type}.{self._member} is no object")
            return MacRef(value, vba_name(name))
        return MacRef(self._native, vba_name(name))

    def get(self) -> Any:
        value = self._native.read(self._member)
        return MacRef(value) if isinstance(value, Native) else value

    def set(self, value: Any) -> None:
        self._native.write(self._member, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._native.invoke(self._member, args,
                                   {vba_name(k): v for k, v in kwargs.items()})


def native_api(native: Native, platform: str) -> Any:
    """``.api`` of a fake object: pywin32-like on ``"win"``, appscript-like on ``"mac"``."""
    return MacRef(native) if platform == "mac" else ComObject(native)


# --- addresses ---------------------------------------------------------------------------------

def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLS = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROWS = re.compile(r"^\$?(\d+)$")

Area = tuple[int, int, int, int]  # r1, c1, r2, c2


def parse_area(text: str) -> Area:
    parts = text.strip().split(":")
    if len(parts) == 1:
        m = _CELL.match(parts[0])
        if not m:
            raise ValueError(f"bad address {text!r}")
        r, c = int(m.group(2)), col_number(m.group(1))
        return r, c, r, c
    if len(parts) != 2:
        raise ValueError(f"bad address {text!r}")
    a, b = parts
    if _CELL.match(a) and _CELL.match(b):
        r1, c1, _, _ = parse_area(a)
        r2, c2, _, _ = parse_area(b)
    elif _COLS.match(a) and _COLS.match(b):
        r1, r2 = 1, MAX_ROW
        c1, c2 = col_number(_COLS.match(a).group(1)), col_number(_COLS.match(b).group(1))
    elif _ROWS.match(a) and _ROWS.match(b):
        c1, c2 = 1, MAX_COL
        r1, r2 = int(a.lstrip("$")), int(b.lstrip("$"))
    else:
        raise ValueError(f"bad address {text!r}")
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def parse_address(text: str) -> list[Area]:
    """Areas of an address; raises like Excel (>255 characters) and like xlwings on macOS
    (several areas with ``:``)."""
    if len(text) > 255:
        raise ValueError(f"address longer than 255 characters ({len(text)})")
    parts = text.split(",")
    if len(parts) > 1 and ":" in text:
        raise ValueError(f"multi-area address with ':' breaks on macOS: {text!r}")
    return [parse_area(p) for p in parts]


def area_address(area: Area) -> str:
    r1, c1, r2, c2 = area
    a = f"${col_letters(c1)}${r1}"
    return a if (r1, c1) == (r2, c2) else f"{a}:${col_letters(c2)}${r2}"


# --- values as Excel stores them ---------------------------------------------------------------

_NUMBER = re.compile(r"^\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?\s*$")


def excel_entry(value: Any, number_format: str | None) -> tuple[Any, str | None]:
    """(stored value, formula) for a value written into a cell, as Excel parses it."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)):
        return float(value), None
    if isinstance(value, dt.datetime):
        return value, None
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), None
    text = str(value)
    if number_format == "@":
        return text, None
    if text.startswith("'"):
        return text[1:] or None, None
    if text.startswith("="):
        return text, text
    if text.startswith(("+", "-")) and not _NUMBER.match(text):
        return text, "=" + text  # Excel would try a formula here; keep it visible in tests
    if _NUMBER.match(text):
        return float(text.replace(",", ".")), None
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE", None
    if text in _ERRORS:
        return XlError(text), None
    return text, None


# --- the fakes ---------------------------------------------------------------------------------

def xlwings_error(message: str) -> Exception:
    """The exception xlwings raises for its own errors."""
    from xlwings import XlwingsError

    return XlwingsError(message)


class App:
    """Fake of ``xlwings.main.App``; ``platform`` ``"win"`` or ``"mac"`` decides what
    ``.api`` looks like (pywin32 or appscript), both checked against Excel's object model."""

    def __init__(self, user: str = "Gebruiker", platform: str = "win") -> None:
        self._world = World()
        self._platform = platform
        self._window: dict[str, Any] = {"FreezePanes": False, "SplitRow": 0, "SplitColumn": 0}
        self._user = user
        self._books: list[Book] = []
        self._status: str | bool = False
        self._statuses: list[str | bool] = []
        self._status_log: list[tuple[float, str | bool]] = []  # (world.now, value)
        self._status_threads: list[str] = []
        self._screen = True
        self._display_alerts = True
        self._answers: list[str] = []
        self._alerts: list[dict[str, Any]] = []
        window = Native(self._world, "Window", "App.ActiveWindow",
                        get={k: (lambda k=k: self._window[k]) for k in self._window},
                        set_={k: (lambda v, k=k: self._window.__setitem__(k, v))
                              for k in self._window})
        self._api = native_api(Native(self._world, "Application", "App",
                                      get={"ActiveWindow": lambda: window}), platform)

    @cprop
    def status_bar(self) -> str | bool:
        return self._status

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        import threading

        self._status = value
        self._statuses.append(value)
        self._status_log.append((self._world.now, value))
        self._status_threads.append(threading.current_thread().name)

    @cprop
    def screen_updating(self) -> bool:
        return self._screen

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self._screen = value

    @cprop
    def display_alerts(self) -> bool:
        return self._display_alerts

    @display_alerts.setter
    def display_alerts(self, value: bool) -> None:
        self._display_alerts = value

    @cprop
    def version(self) -> str:
        return "16.0"

    @cprop
    def pid(self) -> int:
        return 4242

    @cprop
    def books(self) -> Books:
        return Books(self)

    @cprop
    def api(self) -> Any:
        return self._api

    @counted
    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str | None:
        if buttons not in ("ok", "ok_cancel", "yes_no", "yes_no_cancel"):
            raise ValueError(buttons)
        if mode not in (None, "info", "critical"):
            raise ValueError(mode)
        default = {"ok": "ok", "ok_cancel": "ok", "yes_no": "yes", "yes_no_cancel": "yes"}
        answer = self._answers.pop(0) if self._answers else default[buttons]
        self._alerts.append({"prompt": prompt, "title": title, "buttons": buttons,
                             "mode": mode, "answer": answer})
        return answer


class Book:
    """Fake of ``xlwings.main.Book``."""

    def __init__(self, app: App, name: str = "Klanten.xlsx",
                 fullname: str | None = None) -> None:
        self._app = app
        self._world = app._world
        self._name = name
        self._fullname = fullname or name
        self._sheets: list[Sheet] = []
        self._active: Sheet | None = None
        self._protected = False  # Workbook.ProtectStructure
        self._selection: tuple[Sheet, str] | None = None
        app._books.append(self)

    @cprop
    def api(self) -> Any:
        return native_api(Native(self._world, "Workbook", f"Book[{self._name}]",
                                 get={"ProtectStructure": lambda: self._protected,
                                      "Name": lambda: self._name,
                                      "FullName": lambda: self._fullname}), self._app._platform)

    @cprop
    def selection(self) -> Range | None:
        if self._selection is None:
            sheet = self._active
            return Range(sheet, [(1, 1, 1, 1)]) if sheet is not None else None
        sheet, address = self._selection  # a selection may have areas with ':'
        return Range(sheet, [parse_area(p) for p in address.split(",")], address)

    @cprop
    def app(self) -> App:
        return self._app

    @cprop
    def name(self) -> str:
        return self._name

    @cprop
    def fullname(self) -> str:
        if "://" in self._fullname:  # xlwings 0.37.8 when it cannot map the URL to a folder
            raise xlwings_error("Couldn't find the local OneDrive for Business folder. "
                                "Please configure ONEDRIVE_COMMERCIAL_WIN in the config.")
        return self._fullname

    @cprop
    def sheets(self) -> Sheets:
        return Sheets(self)

    @cprop
    def sheet_names(self) -> list[str]:
        return [s._name for s in self._sheets]


class Books:
    """Fake of ``xlwings.main.Books``."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._world = app._world

    @counted
    def add(self) -> Book:
        book = Book(self._app, f"Map{len(self._app._books) + 1}")
        sheet = Sheet(book, "Blad1")
        book._sheets.append(sheet)
        book._active = sheet
        return book

    @cprop
    def active(self) -> Book:
        return self._app._books[-1]


_BAD_NAME = re.compile(r"[\[\]:*?/\\]")


class Sheets:
    """Fake of ``xlwings.main.Sheets``."""

    def __init__(self, book: Book) -> None:
        self._book = book
        self._world = book._world

    @cprop
    def active(self) -> Sheet:
        assert self._book._active is not None
        return self._book._active

    @cprop
    def count(self) -> int:
        return len(self._book._sheets)

    @counted
    def add(self, name: str | None = None, before: Sheet | None = None,
            after: Sheet | None = None) -> Sheet:
        sheets = self._book._sheets
        if name is None:
            n = len(sheets) + 1
            while any(s._name.lower() == f"blad{n}" for s in sheets):
                n += 1
            name = f"Blad{n}"
        _check_name(self._book, name)
        sheet = Sheet(self._book, name)
        if before is not None:
            sheets.insert(sheets.index(before), sheet)
        elif after is not None:
            if sheets.index(after) == len(sheets) - 1 and self._book._app._platform == "win":
                # xlwings 0.37.8 on Windows ("After is broken"): Add(Before=after), then move
                # the last sheet — ``after`` itself — before the new one
                sheets.insert(sheets.index(after), sheet)
                self._world.count("Worksheet.Move", after._name)
                sheets.remove(after)
                sheets.insert(sheets.index(sheet), after)
                sheets.remove(sheet)
                sheets.append(sheet)
            else:
                sheets.insert(sheets.index(after) + 1, sheet)
        else:
            active = self._book._active
            sheets.insert(sheets.index(active) if active in sheets else 0, sheet)
        self._book._active = sheet
        return sheet

    def __getitem__(self, key: int | str) -> Sheet:
        self._world.count("Sheets.__getitem__", str(key))
        if isinstance(key, int):
            return self._book._sheets[key]
        for s in self._book._sheets:
            if s._name.lower() == key.lower():
                return s
        raise KeyError(key)

    def __iter__(self) -> Iterator[Sheet]:
        self._world.count("Sheets.__iter__")
        return iter(list(self._book._sheets))

    def __len__(self) -> int:
        self._world.count("Sheets.__len__")
        return len(self._book._sheets)

    def __contains__(self, key: str) -> bool:
        self._world.count("Sheets.__contains__", str(key))
        return any(s._name.lower() == key.lower() for s in self._book._sheets)


def _check_name(book: Book, name: str, current: Sheet | None = None) -> None:
    if not name or len(name) > 31 or _BAD_NAME.search(name) or name.startswith("'"):
        raise ValueError(f"invalid sheet name {name!r}")
    if any(s is not current and s._name.lower() == name.lower() for s in book._sheets):
        raise ValueError(f"Sheet named '{name}' already present in workbook")


class Sheet:
    """Fake of ``xlwings.main.Sheet``: the grid lives here."""

    def __init__(self, book: Book, name: str) -> None:
        self._book = book
        self._world = book._world
        self._name = name
        self._values: dict[tuple[int, int], Any] = {}
        self._formulas: dict[tuple[int, int], str] = {}
        self._fills: dict[tuple[int, int], Color] = {}
        self._notes: dict[tuple[int, int], Note] = {}
        self._formats: dict[tuple[int, int], str] = {}
        self._col_formats: dict[int, str] = {}
        self._bold: dict[tuple[int, int], bool] = {}
        self._size: dict[tuple[int, int], float] = {}
        self._font_colors: dict[tuple[int, int], Color] = {}
        self._wrap: dict[tuple[int, int], bool] = {}
        self._col_wrap: dict[int, bool] = {}
        self._widths: dict[int, float] = {}
        self._validations: list[tuple[str, str, Any]] = []
        self._alert_styles: dict[str, Any] = {}
        self._visible: bool | str = True
        self._frozen: str | None = None
        self._deleted = False
        self._protected = False  # Worksheet.ProtectContents

    def _check(self) -> None:
        if self._deleted:
            raise RuntimeError(f"sheet {self._name!r} was deleted")

    @cprop
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        _check_name(self._book, value, self)
        self._name = value

    @cprop
    def book(self) -> Book:
        return self._book

    @cprop
    def index(self) -> int:
        return self._book._sheets.index(self) + 1

    @cprop
    def visible(self) -> bool:
        return self._visible is True

    @visible.setter
    def visible(self, value: bool) -> None:
        self._set_visible(bool(value))

    def _set_visible(self, value: bool | str) -> None:
        if value is not True:
            others = [s for s in self._book._sheets if s is not self and s._visible is True]
            if not others:
                raise RuntimeError("the last visible sheet cannot be hidden")
            if self._book._active is self:
                self._book._active = others[0]
        self._visible = value

    @cprop
    def api(self) -> Any:
        def visible() -> Any:
            return {True: -1, False: 0}.get(self._visible, 2)  # type: ignore[call-overload]

        def set_visible(value: Any) -> None:
            very = value in (2, "kw.sheet_very_hidden")
            self._set_visible("veryHidden" if very else value not in (0, False))

        return native_api(Native(self._world, "Worksheet", f"Sheet[{self._name}]",
                                 get={"Visible": visible, "Name": lambda: self._name,
                                      "ProtectContents": lambda: self._protected},
                                 set_={"Visible": set_visible}), self._book._app._platform)

    @cprop
    def used_range(self) -> Range:
        self._check()
        keys = set(self._values) | set(self._fills) | set(self._notes) | set(self._formats)
        if not keys:
            return Range(self, [(1, 1, 1, 1)])
        rows = [k[0] for k in keys]
        cols = [k[1] for k in keys]
        return Range(self, [(min(rows), min(cols), max(rows), max(cols))])

    @cprop
    def notes(self) -> list[Note]:
        return [self._notes[k] for k in sorted(self._notes)]

    @cprop
    def freeze_panes(self) -> FreezePanes:
        return FreezePanes(self)

    @counted
    def range(self, cell1: str | tuple[int, int] | Range,
              cell2: str | tuple[int, int] | Range | None = None) -> Range:
        self._check()
        if isinstance(cell1, str) and cell2 is None:
            return Range(self, parse_address(cell1), address=cell1)
        a = _corner(cell1)
        b = _corner(cell2) if cell2 is not None else a
        return Range(self, [(min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]),
                             max(a[3], b[3]))])

    @counted
    def activate(self) -> None:
        self._check()
        if self._visible is not True:
            raise RuntimeError("a hidden sheet cannot be activated")
        self._book._active = self

    @counted
    def delete(self) -> None:
        self._check()
        sheets = self._book._sheets
        if len([s for s in sheets if s._visible is True and s is not self]) == 0:
            raise RuntimeError("a workbook must keep a visible sheet")
        sheets.remove(self)
        self._deleted = True
        if self._book._active is self:
            self._book._active = next(s for s in sheets if s._visible is True)

    @counted
    def clear(self) -> None:
        for d in (self._values, self._formulas, self._fills, self._notes, self._formats,
                  self._bold, self._size, self._font_colors, self._wrap):
            d.clear()
        self._col_formats.clear()
        self._col_wrap.clear()
        self._validations.clear()


def _corner(cell: Any) -> Area:
    if isinstance(cell, Range):
        return cell._areas[0]
    if isinstance(cell, tuple):
        if 0 in cell:
            raise IndexError("xlwings ranges are 1-based")
        return cell[0], cell[1], cell[0], cell[1]
    if isinstance(cell, str):
        return parse_address(cell)[0]
    raise ValueError(f"invalid range argument {cell!r}")


class Range:
    """Fake of ``xlwings.main.Range`` over one fake sheet (one or more areas)."""

    def __init__(self, sheet: Sheet, areas: list[Area], address: str | None = None,
                 options: dict[str, Any] | None = None) -> None:
        self._sheet = sheet
        self._world = sheet._world
        self._areas = areas
        self._address = address or ",".join(area_address(a) for a in areas)
        self._opts = options or {}

    def _cells(self) -> Iterator[tuple[int, int]]:
        for r1, c1, r2, c2 in self._areas:
            if (r2 - r1 + 1) * (c2 - c1 + 1) > 2_000_000:
                raise ValueError("the fake does not iterate whole sheets")
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def _single(self) -> Area:
        if len(self._areas) != 1:
            raise ValueError(f"multi-area range {self._address!r}: Excel uses its first area")
        return self._areas[0]

    def _format_of(self, key: tuple[int, int]) -> str | None:
        return self._sheet._formats.get(key, self._sheet._col_formats.get(key[1]))

    # position
    @cprop
    def row(self) -> int:
        return self._areas[0][0]

    @cprop
    def column(self) -> int:
        return self._areas[0][1]

    @cprop
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self._areas[0]
        return r2 - r1 + 1, c2 - c1 + 1

    @cprop
    def count(self) -> int:
        return sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in self._areas)

    @cprop
    def address(self) -> str:
        return ",".join(area_address(a) for a in self._areas)

    @cprop
    def sheet(self) -> Sheet:
        return self._sheet

    @cprop
    def api(self) -> Any:
        sheet, address = self._sheet, self._address

        def modify(Type: Any = None, AlertStyle: Any = None, Operator: Any = None,
                   Formula1: Any = None, Formula2: Any = None) -> None:
            found = [i for i, v in enumerate(sheet._validations) if v[0] == address]
            if not found:
                raise RuntimeError("Validation.Modify on a range without validation")
            for i in found:
                addr, kind, detail = sheet._validations[i][:3]
                sheet._validations[i] = (addr, kind, detail)
                sheet._alert_styles[addr] = AlertStyle

        validation = Native(self._world, "Validation", f"Range[{sheet._name}!{address}]"
                            ".Validation", call={"Modify": modify},
                            get={"AlertStyle": lambda: sheet._alert_styles.get(address, 1)})
        return native_api(Native(self._world, "Range", f"Range[{sheet._name}!{address}]",
                                 get={"Validation": lambda: validation,
                                      "Address": lambda: address}),
                          sheet._book._app._platform)

    @counted
    def select(self) -> None:
        if self._sheet._book._active is not self._sheet:
            raise RuntimeError("Range.select: the range's sheet must be active")
        self._sheet._book._selection = (self._sheet, self._address)

    @counted
    def options(self, convert: Any = None, **options: Any) -> Range:
        return Range(self._sheet, self._areas, self._address, {**self._opts, **options})

    # values
    def _read(self, key: tuple[int, int]) -> Any:
        v = self._sheet._values.get(key)
        if isinstance(v, XlError):
            return v.code if self._opts.get("err_to_str") else None
        return v

    @cprop
    def value(self) -> Any:
        r1, c1, r2, c2 = self._single()
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 5_000_000:
            raise ValueError("too large a read for the fake")
        grid = [[self._read((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._opts.get("ndim") == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if all(len(row) == 1 for row in grid):
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        r1, c1, _, _ = self._single()
        if isinstance(data, (list, tuple)):
            rows = [list(r) for r in data] if data and isinstance(data[0], (list, tuple)) \
                else [list(data)]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    self._store((r1 + i, c1 + j), v)
        else:
            for key in self._cells():
                self._store(key, data)

    def _store(self, key: tuple[int, int], v: Any) -> None:
        stored, formula = excel_entry(v, self._format_of(key))
        values, formulas = self._sheet._values, self._sheet._formulas
        if stored is None:
            values.pop(key, None)
        else:
            values[key] = stored
        if formula is None:
            formulas.pop(key, None)
        else:
            formulas[key] = formula

    @cprop
    def formula(self) -> Any:
        r1, c1, r2, c2 = self._single()

        def one(key: tuple[int, int]) -> str:
            if key in self._sheet._formulas:
                return self._sheet._formulas[key]
            v = self._sheet._values.get(key)
            if v is None:
                return ""
            if isinstance(v, XlError):
                return v.code
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            return str(v)

        grid = tuple(tuple(one((r, c)) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
        return grid[0][0] if len(grid) == 1 and len(grid[0]) == 1 else grid

    # formats
    @cprop
    def color(self) -> Color | None:
        fills = [self._sheet._fills.get(k) for k in self._cells()]
        if all(f is None for f in fills):
            return None
        shown = {f or WHITE for f in fills}
        if len(shown) > 1:
            raise TypeError("int() argument must be a string, a bytes-like object or a "
                            "real number, not 'NoneType'")
        return shown.pop()

    @color.setter
    def color(self, value: Color | int | str | None) -> None:
        if isinstance(value, str):
            value = (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
        elif isinstance(value, int):
            value = (value % 256, value // 256 % 256, value // 65536 % 256)
        for key in self._cells():
            if value is None:
                self._sheet._fills.pop(key, None)
            else:
                self._sheet._fills[key] = tuple(value)

    @cprop
    def number_format(self) -> str | None:
        found = {self._format_of(k) or "General" for k in self._cells()}
        return found.pop() if len(found) == 1 else None

    @number_format.setter
    def number_format(self, value: str) -> None:
        for r1, c1, r2, c2 in self._areas:
            if r1 == 1 and r2 == MAX_ROW:
                for c in range(c1, c2 + 1):
                    self._sheet._col_formats[c] = value
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._sheet._formats[(r, c)] = value

    @cprop
    def wrap_text(self) -> bool | None:
        found = {self._sheet._wrap.get((r, c), self._sheet._col_wrap.get(c, False))
                 for r1, c1, r2, c2 in self._areas if r2 - r1 < 10_000
                 for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        return found.pop() if len(found) == 1 else None

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        for r1, c1, r2, c2 in self._areas:
            if r1 == 1 and r2 == MAX_ROW:
                for c in range(c1, c2 + 1):
                    self._sheet._col_wrap[c] = bool(value)
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._sheet._wrap[(r, c)] = bool(value)

    @cprop
    def column_width(self) -> float | None:
        widths = {self._sheet._widths.get(c, 8.43) for _, c1, _, c2 in self._areas
                  for c in range(c1, c2 + 1)}
        return widths.pop() if len(widths) == 1 else None

    @column_width.setter
    def column_width(self, value: float) -> None:
        for _, c1, _, c2 in self._areas:
            for c in range(c1, c2 + 1):
                self._sheet._widths[c] = value

    @cprop
    def font(self) -> Font:
        return Font(self)

    @cprop
    def data_validation(self) -> DataValidation:
        return DataValidation(self)

    # notes
    @cprop
    def note(self) -> Note | None:
        r1, c1, r2, c2 = self._single()
        if (r1, c1) != (r2, c2):
            raise ValueError("the fake reads a note of one cell only")
        return self._sheet._notes.get((r1, c1))

    @counted
    def add_note(self, text: str) -> Note:
        if not isinstance(text, str):
            raise TypeError("Note text must be a string")
        if not text:
            raise ValueError("Note text must not be empty")
        r1, c1, r2, c2 = self._single()
        if (r1, c1) != (r2, c2):
            raise ValueError("A note can only be added to a single cell")
        if (r1, c1) in self._sheet._notes:
            raise ValueError("This cell already has a note")
        note = Note(self, text, self._sheet._book._app._user)
        self._sheet._notes[(r1, c1)] = note
        return note

    # structure
    @counted
    def insert(self, shift: str, copy_origin: str = "format_from_left_or_above") -> None:
        r1, c1, r2, c2 = self._single()
        if shift != "down" or (c1, c2) != (1, MAX_COL):
            raise NotImplementedError("the fake inserts whole rows only")
        n = r2 - r1 + 1
        sheet = self._sheet
        for name in ("_values", "_formulas", "_fills", "_notes", "_formats", "_bold", "_size",
                     "_font_colors", "_wrap"):
            d = getattr(sheet, name)
            moved = {(r + n if r >= r1 else r, c): v for (r, c), v in d.items()}
            d.clear()
            d.update(moved)
        for (r, c), note in sheet._notes.items():
            note._at = (r, c)


class Note:
    """Fake of ``xlwings.main.Note``."""

    def __init__(self, rng: Range, text: str, author: str) -> None:
        self._range = rng
        self._world = rng._world
        self._text = text
        self._author = author
        self._at = (rng._areas[0][0], rng._areas[0][1])

    @cprop
    def text(self) -> str:
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value

    @cprop
    def author(self) -> str:
        return self._author

    @cprop
    def location(self) -> Range:
        r, c = self._at
        return Range(self._range._sheet, [(r, c, r, c)])

    @counted
    def delete(self) -> None:
        notes = self._range._sheet._notes
        if notes.get(self._at) is self:
            del notes[self._at]


class Font:
    """Fake of ``xlwings.main.Font`` (of a range)."""

    def __init__(self, rng: Range) -> None:
        self._range = rng
        self._world = rng._world

    @cprop
    def bold(self) -> bool | None:
        found = {self._range._sheet._bold.get(k, False) for k in self._range._cells()}
        return found.pop() if len(found) == 1 else None

    @bold.setter
    def bold(self, value: bool) -> None:
        for key in self._range._cells():
            self._range._sheet._bold[key] = bool(value)

    @cprop
    def size(self) -> float | None:
        found = {self._range._sheet._size.get(k, 11.0) for k in self._range._cells()}
        return found.pop() if len(found) == 1 else None

    @size.setter
    def size(self, value: float) -> None:
        for key in self._range._cells():
            self._range._sheet._size[key] = value

    @cprop
    def color(self) -> Color | None:
        found = {self._range._sheet._font_colors.get(k) for k in self._range._cells()}
        return found.pop() if len(found) == 1 else None

    @color.setter
    def color(self, value: Color) -> None:
        for key in self._range._cells():
            self._range._sheet._font_colors[key] = tuple(value)


class DataValidation:
    """Fake of ``xlwings.main.DataValidation`` (of a range)."""

    def __init__(self, rng: Range) -> None:
        self._range = rng
        self._world = rng._world

    @counted
    def set_list(self, source: Sequence[str | int | float | bool] | Range | Any, *,
                 in_cell_dropdown: bool = True) -> None:
        if isinstance(source, Range):
            if source._sheet._book is not self._range._sheet._book:
                raise ValueError("source must belong to the same workbook as the target")
            r1, c1, r2, c2 = source._single()
            if r1 != r2 and c1 != c2:
                raise ValueError("a list validation source Range must be one-dimensional")
            detail: Any = (source._sheet._name, area_address(source._areas[0]))
        else:
            values = [str(v) for v in source]
            if not values:
                raise ValueError("source must not be empty")
            if any("," in v or ";" in v for v in values):
                raise ValueError("literal list values cannot contain ',' or ';'")
            if len(",".join(values)) > 255:
                raise ValueError("a literal list source cannot exceed 255 characters")
            detail = values
        self._range._sheet._validations.append((self._range._address, "list", detail))

    @counted
    def set_whole_number(self, operator: str, formula1: int | float | str,
                         formula2: int | float | str | None = None) -> None:
        self._range._sheet._validations.append(
            (self._range._address, "whole", (operator, formula1, formula2)))

    @counted
    def delete(self) -> None:
        sheet = self._range._sheet
        sheet._validations = [v for v in sheet._validations if v[0] != self._range._address]


class FreezePanes:
    """Fake of ``xlwings.main.FreezePanes``: raises ``NotImplementedError`` like the desktop
    engines of xlwings 0.37.8 (only xlwings Server/Lite implement it)."""

    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet
        self._world = sheet._world

    @counted
    def freeze_at(self, frozen_range: str | Range) -> None:
        raise NotImplementedError()

    @counted
    def unfreeze(self) -> None:
        raise NotImplementedError()


#: fake class → name of the real class in ``xlwings.main``
FAKES = {App: "App", Book: "Book", Books: "Books", Sheets: "Sheets", Sheet: "Sheet",
         Range: "Range",
         Note: "Note", Font: "Font", DataValidation: "DataValidation",
         FreezePanes: "FreezePanes"}


# --- helpers for tests (not part of the fakes' API) ---------------------------------------------

def make_book(sheets: dict[str, list[list[Any]]] | None = None, *, name: str = "Klanten.xlsx",
              fullname: str | None = None, active: str | None = None,
              platform: str = "win") -> Book:
    """A fake workbook in a fake app with the given sheets (grids start at A1)."""
    app = App(platform=platform)
    book = Book(app, name, fullname)
    for sheet_name, grid in (sheets or {"Blad1": []}).items():
        sheet = Sheet(book, sheet_name)
        book._sheets.append(sheet)
        put(sheet, grid)
    book._active = next(s for s in book._sheets if s._name == active) if active \
        else book._sheets[0]
    return book


def put(sheet: Sheet, grid: Sequence[Sequence[Any]], top: str = "A1", *,
        typed: bool = False) -> None:
    """Write values without counting (test setup): text stays text, as in a workbook saved
    with text cells; ``typed``: as if typed into General cells (Excel parses numbers)."""
    r0, c0, _, _ = parse_area(top)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            key = (r0 + i, c0 + j)
            if v is None or v == "":
                sheet._values.pop(key, None)
            elif isinstance(v, (XlError, str)) and (
                    isinstance(v, XlError) or not typed or not _NUMBER.match(v)):
                sheet._values[key] = v
            else:
                sheet._values[key] = excel_entry(v, None)[0]


def cell(sheet: Sheet, address: str) -> Any:
    """The stored value of one cell."""
    r, c, _, _ = parse_area(address)
    return sheet._values.get((r, c))


def fills(sheet: Sheet) -> dict[str, Color]:
    """Every filled cell → its colour."""
    return {ref(r, c): v for (r, c), v in sorted(sheet._fills.items())}


def notes(sheet: Sheet) -> dict[str, tuple[str, str]]:
    """Every note → (text, author)."""
    return {ref(r, c): (n._text, n._author) for (r, c), n in sorted(sheet._notes.items())}


def set_fill(sheet: Sheet, address: str, color: Color | None) -> None:
    for r, c in Range(sheet, parse_address(address))._cells():
        if color is None:
            sheet._fills.pop((r, c), None)
        else:
            sheet._fills[(r, c)] = color


def set_note(sheet: Sheet, address: str, text: str, author: str = "Jan") -> None:
    r, c, _, _ = parse_area(address)
    rng = Range(sheet, [(r, c, r, c)])
    sheet._notes[(r, c)] = Note(rng, text, author)
