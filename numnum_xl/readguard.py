"""Run a native reader (python-calamine, Rust) so that its failures become a clear message.

python-calamine can fail in two ways Python cannot catch politely: a Rust *panic* (raised as
``pyo3_runtime.PanicException``, a ``BaseException``, after printing a backtrace on stderr)
and an *abort* (a failed allocation ends the whole process, exit 134). :func:`quiet_stderr`
keeps the backtrace off the user's console; :func:`calamine_isolated` reads in a child
process with a memory cap, so even an abort only ends the child. The child is used for the
readers we cannot check beforehand (.xls that xlrd refused, .ods, .xlsb); .xlsx sheets are
checked from their XML first (:mod:`numnum_xl.readers`) and read in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

#: Address space the child reader may use (bytes, POSIX only).
CHILD_MEMORY = 3 * 1024 ** 3
#: Seconds the child may take.
CHILD_SECONDS = 300


class ReaderCrash(Exception):
    """The native reader failed; ``kind``: "panic", "abort", "password", "error" or "sheet"."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def is_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is a Rust panic surfaced by pyo3 (its class is not importable)."""
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to nowhere for the duration (a Rust panic prints there)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (e.g. inside Excel)
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def calamine_isolated(path: str, sheet: str | None) -> tuple[list[str], str, list[list[Any]],
                                                                int, int]:
    """Read ``sheet`` (default: the first visible) of ``path`` with python-calamine in a child
    process: ``(sheet names, sheet read, grid, first row, first col)`` (1-based).

    Raises :class:`ReaderCrash` when the reader fails, panics or the child dies.
    """
    with tempfile.TemporaryDirectory(prefix=".numnum-tmp-") as tmp:
        out = os.path.join(tmp, "grid.pickle")
        env = dict(os.environ, RUST_BACKTRACE="0")
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "numnum_xl.readguard", path, sheet or "", out],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                timeout=CHILD_SECONDS, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise ReaderCrash("abort", "timeout") from None
        if proc.returncode != 0 or not os.path.exists(out):
            raise ReaderCrash("abort", f"exit {proc.returncode}")
        with open(out, "rb") as fh:
            result = pickle.load(fh)  # written by our own child, below
    if result[0] == "error":
        raise ReaderCrash(result[1], result[2])
    return result[1]


def _child(path: str, sheet: str, out: str) -> None:  # pragma: no cover - runs in the child
    if sys.platform != "win32":
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    import python_calamine as pc

    try:
        with quiet_stderr(), pc.CalamineWorkbook.from_path(path) as wb:
            metas = [m for m in wb.sheets_metadata
                     if str(m.typ).rsplit(".", 1)[-1].lower() == "worksheet"]
            names = [m.name for m in metas]
            if sheet:
                name = next((n for n in names if n == sheet), None) or next(
                    (n for n in names if n.casefold() == sheet.casefold()), None)
                if name is None:
                    result: tuple = ("error", "sheet", sheet)
                    _dump(out, result, names)
                    return
            else:
                visible = [m.name for m in metas
                           if str(m.visible).rsplit(".", 1)[-1].lower() == "visible"]
                name = (visible or names or [""])[0]
            ws = wb.get_sheet_by_name(name)
            start = ws.start
            grid = ws.to_python() if start is not None else []
            r0, c0 = (start[0] + 1, start[1] + 1) if start is not None else (1, 1)
            result = ("ok", (names, name, grid, r0, c0))
    except pc.PasswordError:
        result = ("error", "password", "")
    except BaseException as exc:  # CalamineError or a Rust panic
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        result = ("error", "panic" if is_panic(exc) else "error", str(exc)[:200])
    _dump(out, result, [])


def _dump(out: str, result: tuple, names: list[str]) -> None:  # pragma: no cover - child
    if result[0] == "error" and result[1] == "sheet":
        result = ("error", "sheet", ", ".join(names))
    with open(out, "wb") as fh:
        pickle.dump(result, fh)


if __name__ == "__main__":  # pragma: no cover - the child process
    _child(sys.argv[1], sys.argv[2], sys.argv[3])
