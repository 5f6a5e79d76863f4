"""The journal of exported invoice numbers: so no invoice is imported into Exact twice.

``numnum-xl exact boekingen`` appends every invoice number it exported to a small JSON file
beside the workbook (``NAME.exact-geexporteerd.json``); the next check flags a line whose
invoice number is in it ("zou dubbel geïmporteerd worden"). Exact itself would answer
"In gebruik: Boekstuknummer" - or, with another journal or year, book the invoice twice.

>>> import pathlib, tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> j = ExportJournal.load(pathlib.Path(tmp.name) / "v.exact-geexporteerd.json")
>>> j.find(202400005) is None
True
>>> j.record([202400005, 202400006], "verkoop.csv", when=dt.datetime(2024, 2, 1, 9, 30))
>>> _ = j.save()
>>> ExportJournal.load(j.path).find(202400005)
{'wanneer': '2024-02-01T09:30:00', 'csv': 'verkoop.csv', 'nummers': [202400005, 202400006]}
>>> tmp.cleanup()
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from numnum_xl.exact import jsonfile

JOURNAL_SUFFIX = ".exact-geexporteerd.json"
JOURNAL_VERSION = 1


def journal_path(workbook: str | os.PathLike[str]) -> Path:
    """``NAME.exact-geexporteerd.json`` beside ``workbook``.

    >>> journal_path("/data/verkoop.xlsx").as_posix()
    '/data/verkoop.exact-geexporteerd.json'
    """
    p = Path(workbook)
    return p.with_name(p.stem + JOURNAL_SUFFIX)


class ExportJournal:
    """Every export so far: when, to which CSV, which invoice numbers."""

    def __init__(self, path: str | os.PathLike[str] | None,
                 exports: list[dict[str, Any]] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.exports: list[dict[str, Any]] = exports or []
        self._index: dict[int, dict[str, Any]] = {}
        for e in self.exports:
            for n in e.get("nummers", []):
                self._index.setdefault(int(n), e)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ExportJournal:
        """The journal at ``path`` (empty when it does not exist yet).

        Raises ValueError with a Dutch sentence when the file is not a journal.
        """
        p = Path(path)
        data = jsonfile.read(p, "exportjournaal")
        if data is None:
            return cls(p)
        exports = data.get("exports") if isinstance(data, dict) else None
        if not isinstance(exports, list) or not all(
                isinstance(e, dict) and isinstance(e.get("nummers"), list)
                and all(isinstance(n, int) for n in e["nummers"]) for e in exports):
            raise ValueError(f"exportjournaal {p} heeft niet de vorm "
                             '{"exports": [{"nummers": [...], ...}]}')
        return cls(p, exports)

    def find(self, number: int) -> dict[str, Any] | None:
        """The first export that contained invoice ``number``, or None."""
        return self._index.get(number)

    def record(self, numbers: Iterable[int], csv_path: str | os.PathLike[str], *,
               when: dt.datetime | None = None) -> None:
        """Add one export (in memory; :meth:`save` writes it)."""
        stamp = (when or dt.datetime.now()).isoformat(timespec="seconds")
        entry = {"wanneer": stamp, "csv": str(csv_path), "nummers": sorted(set(numbers))}
        self.exports.append(entry)
        for n in entry["nummers"]:
            self._index.setdefault(n, entry)

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the journal atomically to ``path`` or where it was loaded from."""
        out = Path(path) if path is not None else self.path
        if out is None:
            raise ValueError("exportjournaal zonder pad")
        data = {"version": JOURNAL_VERSION,
                "uitleg": "numnum-xl: de factuurnummers die al naar Exact Online werden "
                          "geëxporteerd. Zo wordt geen factuur dubbel geïmporteerd.",
                "exports": self.exports}
        self.path = jsonfile.write(out, data)
        return out
