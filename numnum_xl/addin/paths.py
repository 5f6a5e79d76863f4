"""Where the workbook is on disk — also when Excel opened it from OneDrive or SharePoint.

Excel gives such a workbook an ``https://`` name. xlwings 0.37.8 maps it to the synced local
folder only when it can, and raises otherwise (``Couldn't find the local OneDrive for
Business folder``, or ``UnboundLocalError`` for SharePoint); the add-in then looked for its
files beside a URL. Here: the local copy in a synced OneDrive/SharePoint folder when one is
found (the URL's path, shortest tail that exists under a sync root), else ``None`` — and a
button that must write beside the workbook says in Dutch what to do.

>>> local_copy("https://d.docs.live.net/1a2b/Documenten/Klanten.xlsx", roots=[]) is None
True
>>> is_cloud("https://bedrijf.sharepoint.com/sites/x/Gedeelde documenten/k.xlsx")
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from numnum_xl.addin import Stop, native

CLOUD_HINT = ("Deze werkmap staat in OneDrive of SharePoint ({where}) en NumNum vindt er "
              "geen kopie van op deze computer. {what} komt naast de werkmap, dus: bewaar de "
              "werkmap op deze computer (Bestand → Opslaan als → Deze pc / Op mijn Mac) of laat "
              "OneDrive de map synchroniseren, open die kopie en klik opnieuw.")
UNSAVED_HINT = ("Bewaar de werkmap eerst op deze computer: {what} komt naast de werkmap.")


def is_cloud(fullname: str) -> bool:
    """Whether Excel's name for the workbook is a URL (OneDrive, SharePoint, a web folder)."""
    return "://" in fullname


def sync_roots(env: dict[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """Folders OneDrive/SharePoint sync into: Windows ``%OneDrive%``, ``%OneDriveCommercial%``,
    ``%OneDriveConsumer%``, their parent and, for ``OneDrive - <org>``, the folder ``<org>``
    beside it (where SharePoint libraries go); macOS ``~/Library/CloudStorage/OneDrive-*``
    (incl. ``OneDrive-SharedLibraries-<org>``), ``SharePoint*`` and ``~/OneDrive*``.

    >>> [p.as_posix() for p in sync_roots({"OneDriveCommercial": "/u/an/OneDrive - Bedrijf BV"},
    ...                                     Path("/nonexistent"))]
    ['/u/an/OneDrive - Bedrijf BV', '/u/an', '/u/an/Bedrijf BV']
    """
    env = dict(os.environ) if env is None else env
    home = Path.home() if home is None else home
    roots: list[Path] = []
    for key in ("OneDriveCommercial", "OneDriveConsumer", "OneDrive"):
        if env.get(key):
            folder = Path(env[key])
            roots += [folder, folder.parent]
            if folder.name.startswith("OneDrive - "):  # SharePoint: "%USERPROFILE%\\<org>"
                roots.append(folder.parent / folder.name[len("OneDrive - "):])
    for pattern in ("Library/CloudStorage/OneDrive*", "Library/CloudStorage/SharePoint*",
                    "OneDrive*"):
        roots.extend(sorted(home.glob(pattern)))
    seen: list[Path] = []
    for r in roots:
        if r not in seen:
            seen.append(r)
    return seen


def local_copy(url: str, roots: Iterable[Path] | None = None) -> Path | None:
    """The synced file for a OneDrive/SharePoint ``url``: the existing file under a sync root
    (or a library folder directly in one, where SharePoint libraries are synced) that matches
    the longest tail of the URL's path — the host, drive id and site prefix differ per
    account, the folders below them are the same.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> lib = root / "Bedrijf BV" / "Klanten - Gedeelde documenten" / "2024"
    >>> lib.mkdir(parents=True); (lib / "k.xlsx").write_bytes(b"x")
    1
    >>> url = "https://bedrijf.sharepoint.com/sites/Klanten/Gedeelde%20documenten/2024/k.xlsx"
    >>> local_copy(url, [root / "Bedrijf BV"]) == lib / "k.xlsx"
    True
    """
    parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
    best: tuple[int, Path] | None = None
    for root in (sync_roots() if roots is None else roots):
        try:
            libraries = [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else []
        except OSError:
            libraries = []
        for base in (root, *libraries):
            for start in range(len(parts)):
                if best is not None and len(parts) - start <= best[0]:
                    break
                candidate = base.joinpath(*parts[start:])
                if candidate.is_file():
                    best = (len(parts) - start, candidate)
                    break
    return best[1] if best else None


def workbook_path(book: Any) -> Path | None:
    """The workbook's file on this computer, or None (never saved, or only in the cloud)."""
    full = native.workbook_fullname(book)
    if is_cloud(full):
        return local_copy(full)
    path = Path(full)
    return path if path.is_absolute() and path.parent.is_dir() else None


def required_path(book: Any, what: str) -> Path:
    """:func:`workbook_path`, or stop with the Dutch explanation (``what`` comes beside the
    workbook: "Het logboek van de import", "Het exportbestand", …)."""
    path = workbook_path(book)
    if path is not None:
        return path
    full = native.workbook_fullname(book)
    if is_cloud(full):
        where = urlsplit(full).netloc or full
        raise Stop(CLOUD_HINT.format(where=where, what=what), "critical")
    raise Stop(UNSAVED_HINT.format(what=what))


__all__ = ["is_cloud", "local_copy", "required_path", "sync_roots", "workbook_path"]
