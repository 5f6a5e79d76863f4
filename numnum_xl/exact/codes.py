"""Relation codes for Exact Online that stay the same from one export to the next.

Exact identifies a relation by its ``Code``: a numeric string of at most 18 digits (its API
pads it with leading spaces to 18 characters). Importing a relation whose code already exists
updates that relation, so a customer must keep its code on every export, and no code may ever
go to another customer.

* A customer whose Extern ID is a number (at most 18 digits, not only zeros) uses it as code.
* Any other customer gets a code from the **code register**, a small JSON file beside the
  workbook (``NAME.exact-relatiecodes.json``). The register remembers, for every code it gave,
  the customer's VAT number, Extern ID and name + postcode. A customer is recognised by the
  strongest of these that both sides know: the VAT number when both have one, else the Extern
  ID, else the name and postcode (without case, accents, spaces or punctuation). So a customer
  whose VAT number is filled in later keeps its code, and two different companies with the
  same name but different VAT numbers do not share one.
* A new code is the highest code known (register, Extern IDs in the sheet, codes already in
  Exact given with ``--bestaande``) plus one, starting at ``first_code``; codes are never
  reused, not even when a customer leaves the sheet.

The register is written only after a successful export (:meth:`CodeRegister.save`).

>>> reg = CodeRegister(None)
>>> ids = [Identity(vat="BE0403019261", name="bakkerij|9000"), Identity(external_id="K-7"),
...        Identity(external_id="934", name="slagerij|2000")]
>>> [a.code for a in assign(ids, reg)]
['935', '936', '934']
>>> again = assign([Identity(vat="BE0403019261", name="bakkerij janssen|9000")], reg)
>>> again[0].code
'935'
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from numnum_xl.exact import jsonfile
from numnum_xl.exact.schema import CODE_MAX_DIGITS

REGISTER_SUFFIX = ".exact-relatiecodes.json"
REGISTER_VERSION = 1
_KEYS = ("vat", "external_id", "name")


def register_path(workbook: str | os.PathLike[str]) -> Path:
    """Where the code register of ``workbook`` lives: ``NAME.exact-relatiecodes.json`` beside it.

    >>> register_path("/data/klanten.xlsx").as_posix()
    '/data/klanten.exact-relatiecodes.json'
    """
    p = Path(workbook)
    return p.with_name(p.stem + REGISTER_SUFFIX)


def usable_code(text: str | None) -> str | None:
    """``text`` when it can be an Exact relation code as it is (digits only, 1-18, not all
    zeros), else None.

    >>> usable_code("934"), usable_code("K-001"), usable_code("0"), usable_code("1" * 19)
    ('934', None, None, None)
    """
    if text and text.isascii() and text.isdigit() and len(text) <= CODE_MAX_DIGITS \
            and text.strip("0"):
        return text
    return None


def code_key(code: str) -> str:
    """What makes two codes the same for Exact: the number, without leading zeros or spaces.

    >>> code_key("0934"), code_key("   934")
    ('934', '934')
    """
    return code.strip().lstrip("0") or "0"


@dataclass(frozen=True)
class Identity:
    """What recognises one customer: VAT number (with country prefix), Extern ID, and
    normalised ``name|postcode``."""

    vat: str | None = None
    external_id: str | None = None
    name: str | None = None


def same_customer(a: dict[str, Any] | Identity, b: Identity) -> bool:
    """Whether register entry (or identity) ``a`` and identity ``b`` are the same customer:
    decided by the strongest key both have (VAT number, Extern ID, name + postcode)."""
    get = a.get if isinstance(a, dict) else (lambda k: getattr(a, k))
    for key in ("vat", "external_id", "name"):
        mine, theirs = get(key), getattr(b, key)
        if mine and theirs:
            return mine == theirs
    return False


class CodeRegister:
    """The codes given so far (see the module doc). ``path`` None: in memory only."""

    def __init__(self, path: str | os.PathLike[str] | None,
                 entries: list[dict[str, Any]] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.entries: list[dict[str, Any]] = entries or []
        # indexes, so that matching a sheet is linear: value -> entries holding it (for each
        # identity key), code key -> entries holding that code now, entry -> its position
        self._by: dict[str, dict[str, list[dict[str, Any]]]] = {k: {} for k in _KEYS}
        self._code: dict[str, list[dict[str, Any]]] = {}
        self._pos: dict[int, int] = {}
        for e in self.entries:
            self._index(e)

    def _index(self, entry: dict[str, Any]) -> None:
        pos = self._pos.setdefault(id(entry), len(self._pos))
        pairs = [(key, entry.get(key)) for key in _KEYS] + [("code", code_key(entry["code"]))]
        for key, value in pairs:
            if not value:
                continue
            holders = (self._code if key == "code" else self._by[key]).setdefault(value, [])
            if any(h is entry for h in holders):  # indexed under this value already
                continue
            if not holders or self._pos[id(holders[-1])] < pos:
                holders.append(entry)  # the usual case: entries are indexed in order
            else:
                at = next(i for i, h in enumerate(holders) if self._pos[id(h)] > pos)
                holders.insert(at, entry)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CodeRegister:
        """The register at ``path`` (empty when the file does not exist).

        Raises ValueError with a Dutch sentence when the file is not a register.
        """
        p = Path(path)
        data = jsonfile.read(p, "coderegister")
        if data is None:
            return cls(p)
        entries = data.get("relaties") if isinstance(data, dict) else None
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and isinstance(e.get("code"), str) for e in entries):
            raise ValueError(f"coderegister {p} heeft niet de vorm "
                             '{"relaties": [{"code": ..., ...}]}')
        return cls(p, entries)

    def codes(self) -> set[str]:
        """Every code the register ever gave (current and previous), as :func:`code_key`."""
        out = set()
        for e in self.entries:
            out.add(code_key(e["code"]))
            out.update(code_key(c) for c in e.get("vorige", []))
        return out

    def by_code(self, code: str) -> dict[str, Any] | None:
        """The entry that holds ``code`` now."""
        holders = self._code.get(code_key(code))
        return holders[0] if holders else None

    def match(self, ident: Identity) -> dict[str, Any] | None:
        """The entry of the customer ``ident`` describes, or None."""
        for key in ("vat", "external_id", "name"):
            value = getattr(ident, key)
            if not value:
                continue
            for e in self._by[key].get(value, ()):
                if e.get(key) == value and same_customer(e, ident):
                    return e
        return None

    def remember(self, entry: dict[str, Any] | None, ident: Identity, code: str,
                 label: str | None) -> dict[str, Any]:
        """Record that ``ident`` has ``code`` (updating ``entry`` when it is this customer's)."""
        if entry is None:
            entry = {"code": code}
            self.entries.append(entry)
        elif code_key(entry["code"]) != code_key(code):
            old = code_key(entry["code"])
            entry.setdefault("vorige", []).append(entry["code"])
            entry["code"] = code
            holders = self._code.get(old, [])
            holders[:] = [h for h in holders if h is not entry]
        for key in ("vat", "external_id", "name"):
            value = getattr(ident, key)
            if value:
                entry[key] = value
        if label:
            entry["label"] = label
        self._index(entry)
        return entry

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the register (atomically) to ``path`` or where it was loaded from."""
        out = Path(path) if path is not None else self.path
        if out is None:
            raise ValueError("coderegister zonder pad")
        data = {
            "version": REGISTER_VERSION,
            "uitleg": "numnum-xl: de relatiecode die elke klant in Exact Online kreeg. Niet "
                      "wissen: zo houdt elke klant bij de volgende export dezelfde code.",
            "bijgewerkt": dt.datetime.now().isoformat(timespec="seconds"),
            "relaties": self.entries,
        }
        self.path = jsonfile.write(out, data)
        return out


@dataclass
class Assignment:
    """The code one row gets and why."""

    code: str | None
    explicit: bool  #: the code is the row's own Extern ID
    #: the index of an earlier row that is the same customer (a duplicate), or None
    same_as: int | None = None
    #: (code, {params}) for findings: "exact.code.taken", "exact.code.changed"
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def assign(rows: Sequence[Identity | None], register: CodeRegister, *, first_code: int = 1,
           reserved: Iterable[str] = (), labels: Sequence[str | None] | None = None
           ) -> list[Assignment]:
    """The code of every row (None for a row that is None: it cannot be exported).

    ``register`` is updated in memory (save it after a successful export); ``reserved`` are
    codes that exist already (in Exact) and are never given to a new customer.
    """
    labels = labels or [None] * len(rows)
    taken = register.codes() | {code_key(c) for c in reserved}
    explicit = [usable_code(r.external_id) if r else None for r in rows]
    taken |= {code_key(c) for c in explicit if c}
    counter = _Counter(taken, first_code)
    claimed: dict[int, int] = {}  # id(entry) -> the row that has it in this run
    earlier = {id(e) for e in register.entries}  # entries of earlier exports
    out: list[Assignment] = []
    for i, (ident, own, label) in enumerate(zip(rows, explicit, labels, strict=True)):
        if ident is None:
            out.append(Assignment(None, False))
            continue
        entry = register.match(ident)
        same_as = claimed.get(id(entry)) if entry is not None else None
        if not own:
            code = entry["code"] if entry is not None else counter.next()
            if same_as is None:
                claimed[id(register.remember(entry, ident, code, label))] = i
            out.append(Assignment(code, False, same_as))
            continue
        a = Assignment(own, True, same_as)
        holder = register.by_code(own)
        other_holder = holder is not None and holder is not entry
        if other_holder and id(holder) in earlier and not same_customer(holder, ident):
            a.notes.append(("exact.code.taken", {"value": own, "name": holder.get("label") or "?"}))
        elif same_as is None and entry is not None and code_key(entry["code"]) != code_key(own):
            a.notes.append(("exact.code.changed", {"value": own, "old": entry["code"]}))
        if same_as is None and not other_holder:
            claimed[id(register.remember(entry, ident, own, label))] = i
        out.append(a)
    return out


class _Counter:
    """New codes: above the highest known code; below it only when that overflows 18 digits."""

    def __init__(self, taken: set[str], first: int) -> None:
        self.taken = taken
        self.first = max(int(first), 1)
        self.top = max([int(c) for c in taken if c.isdigit()] + [self.first - 1])

    def next(self) -> str:
        candidate = self.top + 1
        if len(str(candidate)) > CODE_MAX_DIGITS:
            candidate = self.first
            while str(candidate) in self.taken:
                candidate += 1
        self.top = max(self.top, candidate)
        self.taken.add(str(candidate))
        return str(candidate)
