"""One push per workbook at a time, on POSIX (``fcntl.flock``) and Windows (``msvcrt``).

A workbook is the same workbook by its resolved path (a symlink, a relative path, another
letter case on Windows) and by its content (a copy in another folder): :class:`WorkbookLock`
takes an exclusive lock on a file named after each, in numnum-xl's own folder, so a second push
of the same workbook waits for nothing and is refused at once. The operating system releases
the locks when the process ends, also on SIGKILL.

A copy edited after copying has other content: for that case ``push`` re-checks the external
ID on the server right before each create (see :func:`numnum_xl.push.execute`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import ClassVar


class Busy(OSError):
    """Another process holds the lock."""


def lock_fd(fd: int) -> None:
    """Take an exclusive, non-blocking lock on open file ``fd``; :class:`Busy` if taken."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise Busy("locked by another process") from None
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise Busy("locked by another process") from None


def unlock_fd(fd: int) -> None:
    """Release :func:`lock_fd` (closing the file does it too)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


def lock_dir() -> Path:
    """Where the lock files live (numnum-xl's config folder, ``locks``)."""
    from numnum_xl.settings import config_dir

    return config_dir() / "locks"


def content_key(path: str | os.PathLike[str]) -> str:
    """A hash of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:40]


def path_key(path: str | os.PathLike[str]) -> str:
    """A hash of the resolved path (case-folded where the file system ignores case)."""
    identity = os.path.normcase(os.path.realpath(os.fspath(path)))
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:40]


class WorkbookLock:
    """Exclusive locks on a workbook's resolved path and content, held by this process.

    Re-entrant within one process (the CLI takes it before fetching contacts; ``execute``
    takes it again for callers that did not).
    """

    _held: ClassVar[dict[str, int]] = {}

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._mine: list[str] = []

    def acquire(self) -> WorkbookLock:
        """Take both locks or none; :class:`Busy` when another push holds one."""
        folder = lock_dir()
        folder.mkdir(parents=True, exist_ok=True)
        keys = [f"path-{path_key(self.path)}"]
        with contextlib.suppress(OSError):  # unreadable: the path lock still holds
            keys.append(f"content-{content_key(self.path)}")
        try:
            for key in keys:
                if key in WorkbookLock._held:
                    continue
                fd = os.open(folder / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    lock_fd(fd)
                except Busy:
                    os.close(fd)
                    raise
                WorkbookLock._held[key] = fd
                self._mine.append(key)
        except Busy:
            self.release()
            raise
        return self

    def release(self) -> None:
        """Release what :meth:`acquire` took."""
        while self._mine:
            key = self._mine.pop()
            fd = WorkbookLock._held.pop(key, None)
            if fd is not None:
                try:
                    unlock_fd(fd)
                finally:
                    os.close(fd)

    def __enter__(self) -> WorkbookLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
