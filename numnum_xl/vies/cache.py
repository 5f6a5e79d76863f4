"""The per-day cache of VIES answers and the user's own VAT number, in the config folder.

Only definitive answers (valid, invalid) are kept, and only for the day they were given: a
rerun the same day asks VIES only for what is new.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any


class Cache:
    """Definitive answers (valid, invalid) of today, per number and requester."""

    FILE = "vies-cache.json"

    def __init__(self, folder: Path | None, today: str) -> None:
        self.today = today
        self.path = (folder / self.FILE) if folder else None
        self.entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if self.path and self.path.is_file():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if isinstance(data, dict) and data.get("date") == today:
                    self.entries = dict(data.get("entries") or {})
            except (OSError, ValueError):
                self.entries = {}

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self.entries.get(key)

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self.entries[key] = entry
            self._dirty = True

    def save(self) -> None:
        """Write the cache (atomically); a folder that cannot be written is no error."""
        if not (self.path and self._dirty):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"date": self.today, "entries": self.entries},
                                      ensure_ascii=False), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


def default_cache_dir() -> Path:
    """numnum-xl's config folder (``NUMNUM_XL_CONFIG_DIR`` or the user's config dir)."""
    from numnum_xl.settings import config_dir

    return config_dir()


#: The VIES settings file in the config folder: the user's own VAT number.
SETTINGS_FILE = "vies.json"


def stored_requester(folder: Path | None = None) -> str | None:
    """The own VAT number kept with ``numnum-xl vies --eigen-btw … --bewaar``, or None."""
    try:
        data = json.loads(((folder or default_cache_dir()) / SETTINGS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("own_vat") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def store_requester(value: str, folder: Path | None = None) -> Path:
    """Keep ``value`` as the user's own VAT number (atomically); returns the file."""
    path = (folder or default_cache_dir()) / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"own_vat": value}) + "\n", "utf-8")
    os.replace(tmp, path)
    return path
