"""numnum-xl's own settings: where the API is (``NUMNUM_API_URL``, the settings file) and the
import options a user keeps as defaults. No token is ever stored here (see :mod:`numnum_xl.tokens`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Environment variables.
ENV_API_URL = "NUMNUM_API_URL"
ENV_API_TOKEN = "NUMNUM_API_TOKEN"
ENV_CONFIG_DIR = "NUMNUM_XL_CONFIG_DIR"
SETTINGS_FILE = "settings.json"

#: Import options: canonical (Dutch, as NumNum's dialog says it) value -> accepted spellings.
AS_CHOICES: dict[str, tuple[str, ...]] = {
    "klant": ("klant", "klanten", "customer", "customers", "client", "clients"),
    "leverancier": ("leverancier", "leveranciers", "supplier", "suppliers", "fournisseur"),
    "beide": ("beide", "both", "les deux", "tous les deux"),
}
YES_NO_CHOICES: dict[str, tuple[str, ...]] = {
    "ja": ("ja", "yes", "y", "j", "oui", "true", "ook importeren"),
    "nee": ("nee", "no", "n", "non", "false", "niet importeren"),
}
DUPLICATE_CHOICES: dict[str, tuple[str, ...]] = {
    "overslaan": ("overslaan", "skip", "ignorer"),
    "overschrijven": ("overschrijven", "overwrite", "update", "écraser", "ecraser"),
    "nieuw": ("nieuw", "nieuw aanmaken", "new", "create", "nouveau"),
}
DELETE_CHOICES: dict[str, tuple[str, ...]] = {
    "nee": ("nee", "no", "none", "non"),
    "eerder": ("eerder", "previous", "previously", "imported", "précédents", "precedents",
               "verwijder de eerder geïmporteerde items"),
    "alles": ("alles", "all", "tout", "verwijder alles"),
}


def choose(value: str, choices: Mapping[str, tuple[str, ...]]) -> str:
    """The canonical option for ``value`` (any accepted spelling, case-insensitive).

    >>> choose("Customer", AS_CHOICES), choose("skip", DUPLICATE_CHOICES)
    ('klant', 'overslaan')
    >>> choose("misschien", YES_NO_CHOICES)
    Traceback (most recent call last):
    ...
    ValueError: ongeldige keuze 'misschien' (kies uit: ja, nee)
    """
    text = " ".join(str(value).strip().casefold().replace("_", " ").split())
    for canonical, spellings in choices.items():
        if text == canonical or text in spellings:
            return canonical
    raise ValueError(f"ongeldige keuze {value!r} (kies uit: {', '.join(choices)})")


@dataclass(frozen=True)
class ImportOptions:
    """NumNum's import dialog, as options (canonical Dutch values)."""

    #: "Importeren als": klant, leverancier or beide
    as_: str = "klant"
    #: "Contactpersonen": ook importeren (True) or niet (False)
    contact_persons: bool = True
    #: "Bij duplicaten": overslaan, overschrijven or nieuw
    duplicates: str = "overslaan"
    #: "Klanten verwijderen": nee, eerder or alles
    delete: str = "nee"

    def __post_init__(self) -> None:
        for value, choices in ((self.as_, AS_CHOICES), (self.duplicates, DUPLICATE_CHOICES),
                               (self.delete, DELETE_CHOICES)):
            if value not in choices:
                raise ValueError(f"ongeldige keuze {value!r} (kies uit: {', '.join(choices)})")

    @property
    def is_customer(self) -> bool:
        """Whether imported contacts are customers."""
        return self.as_ in ("klant", "beide")

    @property
    def is_supplier(self) -> bool:
        """Whether imported contacts are suppliers."""
        return self.as_ in ("leverancier", "beide")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with NumNum's words (for the journal and the settings file)."""
        return {"as": self.as_, "contactpersonen": "ja" if self.contact_persons else "nee",
                "duplicaten": self.duplicates, "verwijderen": self.delete}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportOptions:
        """The inverse of :meth:`as_dict` (any accepted spelling)."""
        out: dict[str, Any] = {}
        if data.get("as") is not None:
            out["as_"] = choose(data["as"], AS_CHOICES)
        if data.get("contactpersonen") is not None:
            out["contact_persons"] = choose(str(data["contactpersonen"]),
                                            YES_NO_CHOICES) == "ja"
        if data.get("duplicaten") is not None:
            out["duplicates"] = choose(data["duplicaten"], DUPLICATE_CHOICES)
        if data.get("verwijderen") is not None:
            out["delete"] = choose(data["verwijderen"], DELETE_CHOICES)
        return cls(**out)


def config_dir() -> Path:
    """numnum-xl's config folder: ``NUMNUM_XL_CONFIG_DIR`` or the user config dir."""
    base = os.environ.get(ENV_CONFIG_DIR)
    if not base:
        from platformdirs import user_config_dir

        base = user_config_dir("numnum-xl", appauthor=False)
    return Path(base)


def settings_path() -> Path:
    """The settings file (``settings.json`` in :func:`config_dir`)."""
    return config_dir() / SETTINGS_FILE


@dataclass
class Settings:
    """What the settings file holds: where the API is, and the default import options.

    A token is never stored here (it goes in the OS keyring); neither is a delete option:
    deleting is chosen on the command line each time.
    """

    api_url: str | None = None
    #: default import options, NumNum's words (as / contactpersonen / duplicaten)
    options: dict[str, str] = field(default_factory=dict)
    #: how many rows are sent at once
    threads: int | None = None

    def import_options(self, **overrides: Any) -> ImportOptions:
        """The stored options with ``overrides`` (None values ignored) on top."""
        data = {k: v for k, v in self.options.items() if k != "verwijderen"}
        data.update({k: v for k, v in overrides.items() if v is not None})
        return ImportOptions.from_dict(data)


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; missing or unreadable: defaults (never raises for a bad file)."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    options = data.get("options") if isinstance(data.get("options"), dict) else {}
    threads = data.get("threads")
    return Settings(api_url=data.get("api_url") if isinstance(data.get("api_url"), str) else None,
                    options={str(k): str(v) for k, v in options.items() if k != "verwijderen"},
                    threads=threads if isinstance(threads, int) and threads > 0 else None)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings file atomically; returns its path."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"api_url": settings.api_url,
                            "options": {k: v for k, v in settings.options.items()
                                        if k != "verwijderen"}}
    if settings.threads:
        data["threads"] = settings.threads
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
