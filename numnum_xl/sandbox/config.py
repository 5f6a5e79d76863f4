"""Where the local sandbox keeps its files, which token it uses and where it may listen.

Standard library only, so the CLI and the push client can import it cheaply.

>>> loopback_host("127.0.0.1"), loopback_host("localhost"), loopback_host("::1")
('127.0.0.1', '127.0.0.1', '::1')
>>> loopback_host("0.0.0.0")
Traceback (most recent call last):
...
ValueError: the sandbox only listens on a loopback address (127.0.0.1 or ::1), not '0.0.0.0'
>>> parse_rate("10/s"), parse_rate("120/min"), parse_rate("2.5"), parse_rate("off")
(10.0, 2.0, 2.5, None)
>>> host_in_url("::1")
'[::1]'
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import time
from pathlib import Path

#: Environment variable that holds the sandbox token (the server's and the clients').
TOKEN_ENV = "NUMNUM_SANDBOX_TOKEN"
#: File names inside the user data folder.
TOKEN_FILE = "sandbox-token"
DB_FILE = "sandbox.sqlite3"
STATE_FILE = "sandbox.json"
LOG_FILE = "sandbox.log"
LOCK_FILE = "sandbox.lock"
#: Every API route lives under this path; the base URL is ``http://HOST:PORT`` + API_PREFIX.
API_PREFIX = "/api/v1"
#: Administrative routes (health, stats, faults); not part of the NumNum contract.
ADMIN_PREFIX = "/_sandbox"
DEFAULT_PORT = 8765
SERVICE_NAME = "numnum-xl-sandbox"


def default_data_dir() -> Path:
    """The user data folder of numnum-xl (``platformdirs.user_data_dir("numnum-xl")``)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("numnum-xl"))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700 where the OS supports it) and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def loopback_host(host: str) -> str:
    """Return ``host`` as a loopback IP literal, or raise :class:`ValueError`.

    ``localhost`` becomes ``127.0.0.1``; any other name or a non-loopback address is refused:
    the sandbox has a well-known token file and test data, it must never face a network.
    """
    candidate = host.strip().strip("[]")
    if candidate.lower() == "localhost":
        return "127.0.0.1"
    try:
        addr = ipaddress.ip_address(candidate)
    except ValueError:
        addr = None
    if addr is None or not addr.is_loopback:
        raise ValueError(
            "the sandbox only listens on a loopback address (127.0.0.1 or ::1), "
            f"not {host!r}"
        )
    return str(addr)


def host_in_url(host: str) -> str:
    """``host`` as it appears in a URL (IPv6 literals in brackets)."""
    return f"[{host}]" if ":" in host else host


def parse_rate(text: str | float | None) -> float | None:
    """Parse a rate limit such as ``10/s``, ``600/min`` or ``5`` into requests per second.

    ``None``, ``""``, ``0`` and ``off`` mean no limit.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text) if text > 0 else None
    value = text.strip().lower()
    if value in ("", "off", "none", "0"):
        return None
    per = 1.0
    if "/" in value:
        value, unit = value.split("/", 1)
        units = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
                 "h": 3600.0, "hour": 3600.0}
        if unit.strip() not in units:
            raise ValueError(f"unknown rate unit {unit!r}: use N/s, N/min or N/h")
        per = units[unit.strip()]
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"not a rate: {text!r} (use e.g. 10/s)") from None
    if number < 0:
        raise ValueError(f"a rate cannot be negative: {text!r}")
    return number / per if number > 0 else None


def generate_token() -> str:
    """A fresh random token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if os.name == "posix":
        os.chmod(path, 0o600)


def resolve_token(
    token: str | None = None, data_dir: Path | None = None, *, create: bool = True
) -> tuple[str, str, Path | None]:
    """Find the sandbox token: ``token`` if given, else env ``NUMNUM_SANDBOX_TOKEN``, else the
    token file in the user data folder (created with mode 0600 when missing and ``create``).

    Returns ``(token, source, path)``: source is ``"argument"``, ``"env"`` or ``"file"``; path
    is the token file (``None`` unless the source is the file).
    """
    if token:
        return token, "argument", None
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env, "env", None
    folder = ensure_private_dir(data_dir or default_data_dir())
    path = folder / TOKEN_FILE
    for _attempt in range(50):
        try:
            existing = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            existing = None
        if existing:
            return existing, "file", path
        if existing is None:
            if not create:
                raise FileNotFoundError(f"no sandbox token in {path}")
            new = generate_token()
            try:  # O_EXCL: of two processes creating the token at once, one wins
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(new + "\n")
            return new, "file", path
        time.sleep(0.02)  # another process is writing it right now
    raise RuntimeError(f"the sandbox token file {path} is empty: delete it to get a new token")
