"""One run per workbook at a time (macOS).

On macOS xlwings' ``RunPython`` starts Python through an AppleScript that ends in ``&`` and
returns at once, so Excel takes a second click while the first still runs: two processes
would write the same state sheet. A lock file per workbook (in the temporary folder, named
after a hash of the workbook's full name) holds the running process's id, the button and
the start time; a second click finds it, sees that process alive and says so. A lock whose
process is gone (Python was killed) is taken over. On Windows ``RunPython`` waits for Python
(Excel is busy until the button is done), so no lock is needed there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from numnum_xl.addin import native


def lock_path(key: str, folder: str | None = None) -> Path:
    """The lock file of the workbook ``key`` (its full name).

    >>> lock_path("/Users/an/Klanten.xlsx", "/tmp").name
    'numnum-xl-4cb17787a1e48f48.lock'
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return Path(folder or tempfile.gettempdir()) / f"numnum-xl-{digest}.lock"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own lock, left by a run that did not finish: stale
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 just asks
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@contextmanager
def one_run(book: Any, button: str, *, force: bool | None = None) -> Iterator[str | None]:
    """Hold the workbook's lock while the ``with`` block runs; yields ``None``, or — when
    another run holds it — the Dutch message to show instead of running. ``force``: lock
    also off macOS (tests)."""
    if not (native.MAC if force is None else force):
        yield None
        return
    path = lock_path(native.workbook_fullname(book))
    info = {"pid": os.getpid(), "button": button,
            "since": dt.datetime.now().strftime("%H:%M:%S")}
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                held = json.loads(path.read_text(encoding="utf-8"))
                pid = int(held["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                held, pid = {}, -1
            if pid > 0 and _alive(pid):
                yield (f"NumNum is nog bezig met deze werkmap (knop {held.get('button', '?')}, "
                       f"gestart om {held.get('since', '?')}). Wacht tot die klaar is en "
                       "klik dan opnieuw.")
                return
            with suppress(OSError):
                path.unlink()
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(info, fh)
        try:
            yield None
        finally:
            with suppress(OSError):
                path.unlink()
        return
    yield None  # the lock could not be taken twice in a row: run rather than refuse
