"""Temporary files beside the file they will replace, with one fixed prefix.

A file is written as ``.numnum-tmp-<name>.<pid>.<random><suffix>`` and renamed over its target
when complete. A process killed in between (SIGKILL, power cut) leaves it behind; the next run
in that folder removes the ones whose process is gone (:func:`clean_stale`).

>>> p = temp_path("/data/klanten.numnum-import.xlsx")
>>> p.name.startswith(".numnum-tmp-klanten.numnum-import.xlsx."), p.suffix
(True, '.xlsx')
>>> owner_pid(p) == os.getpid()
True
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

PREFIX = ".numnum-tmp-"
#: A temporary file older than this is stale even if its process id was reused.
MAX_AGE = 24 * 3600


def temp_path(target: str | os.PathLike[str]) -> Path:
    """Where to write ``target`` before renaming it into place (same folder, same suffix)."""
    p = Path(target)
    return p.with_name(f"{PREFIX}{p.name}.{os.getpid()}.{secrets.token_hex(4)}{p.suffix}")


def owner_pid(path: str | os.PathLike[str]) -> int | None:
    """The process id in a temporary file's name (None if it is not one of ours)."""
    name = Path(path).name
    if not name.startswith(PREFIX):
        return None
    parts = name[len(PREFIX):].split(".")
    for part in reversed(parts[:-1]):
        if part.isdigit():
            return int(part)
    return None


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (this process always does; POSIX and Windows)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove our temporary files in ``folder`` whose process is gone (or that are older than
    :data:`MAX_AGE`); returns what was removed. Never raises."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        pid = owner_pid(entry.name)
        with contextlib.suppress(OSError):
            old = now - entry.stat(follow_symlinks=False).st_mtime > MAX_AGE
            stale = old or (pid is not None and not pid_alive(pid))
            if entry.is_file(follow_symlinks=False) and stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
