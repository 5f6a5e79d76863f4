"""Start, find and stop sandbox servers in separate processes (standard library only).

* :func:`run_in_background` starts a private server for tests, benchmarks or one push run, tied
  to the calling process: it stops with :meth:`SandboxHandle.stop`, when the handle is garbage
  collected, or when the caller dies (the child watches a pipe on its stdin and, on POSIX, its
  parent pid).
* :func:`ensure_default_sandbox` finds the user's default sandbox (state file + health check in
  the user data folder) or starts it detached, so that ``numnum-xl push`` works with no account.
* :func:`stop_default_sandbox` stops that default sandbox.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numnum_xl
from numnum_xl.sandbox.config import (
    ADMIN_PREFIX,
    DB_FILE,
    LOCK_FILE,
    LOG_FILE,
    SERVICE_NAME,
    STATE_FILE,
    TOKEN_ENV,
    default_data_dir,
    ensure_private_dir,
    generate_token,
    loopback_host,
    resolve_token,
)
from numnum_xl.sandbox.faults import FaultConfig
from numnum_xl.sandbox.server import read_state
from numnum_xl.tempfiles import pid_alive

#: Idle seconds after which the detached default sandbox stops by itself.
DEFAULT_IDLE_TIMEOUT = 4 * 3600.0

#: Detached default sandboxes started by this process: kept referenced so that Python neither
#: warns about them nor leaves them as zombies when they stop (reaped by the next call).
_DETACHED: list[subprocess.Popen[bytes]] = []


@atexit.register
def _release_detached() -> None:
    """At exit, let detached servers go on: they are meant to outlive this process."""
    for proc in _DETACHED:
        if proc.poll() is None:
            proc.returncode = 0  # not ours to wait for; silences Popen's ResourceWarning

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


class SandboxError(RuntimeError):
    """A sandbox could not be started, reached or stopped."""


def http_json(method: str, url: str, token: str | None = None, body: Any = None,
              timeout: float = 10.0) -> tuple[int, Any]:
    """A small JSON request over loopback (no proxies); returns ``(status, decoded body)``.

    HTTP errors are returned, not raised; connection problems raise :class:`OSError`.
    """
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def probe(root_url: str, token: str | None = None, pid: int | None = None,
          timeout: float = 2.0) -> str:
    """Is a sandbox answering at ``root_url``? ``"ok"``, ``"wrong-token"`` (it answers but
    refuses ``token``), ``"other"`` (something else answers, or another pid) or ``"down"``."""
    try:
        status, body = http_json("GET", root_url + ADMIN_PREFIX + "/health", timeout=timeout)
    except OSError:
        return "down"
    if status != 200 or not isinstance(body, dict) or body.get("service") != SERVICE_NAME:
        return "other"
    if pid is not None and body.get("pid") != pid:
        return "other"
    if token is None:
        return "ok"
    try:
        status, _ = http_json("GET", root_url + ADMIN_PREFIX + "/faults", token, timeout=timeout)
    except OSError:
        return "down"
    return "ok" if status == 200 else "wrong-token"


def _child_env(token: str) -> dict[str, str]:
    env = dict(os.environ)
    env[TOKEN_ENV] = token  # never on the command line, where `ps` would show it
    package_root = str(Path(numnum_xl.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, env.get("PYTHONPATH", "")) if p
    )
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _child_command(host: str, port: int, db: str, state_file: Path,
                   faults: FaultConfig | None, extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "numnum_xl.sandbox", "--host", host, "--port", str(port),
           "--db", db, "--state-file", str(state_file), *extra]
    if faults is not None:
        cmd += ["--faults-json", json.dumps(faults.to_dict())]
    return cmd


def _log_tail(path: Path | None, limit: int = 2000) -> str:
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:].strip()


def _wait_ready(proc: subprocess.Popen[bytes], state_file: Path, token: str,
                timeout: float, log_path: Path | None) -> dict[str, Any]:
    """Wait until the child wrote its state file and answers; return the state."""
    deadline = time.monotonic() + timeout
    state: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            tail = _log_tail(log_path)
            raise SandboxError(f"the sandbox process exited with status {code}"
                               + (f":\n{tail}" if tail else ""))
        if state is None:
            found = read_state(state_file)
            if found and found.get("pid") == proc.pid:
                state = found
        if state is not None and probe(state["root_url"], token, proc.pid) == "ok":
            return state
        time.sleep(0.02)
    raise SandboxError(f"the sandbox did not answer within {timeout:g} s"
                       + (f":\n{_log_tail(log_path)}" if log_path else ""))


def _as_config(faults: FaultConfig | Mapping[str, Any] | None) -> FaultConfig | None:
    if faults is None or isinstance(faults, FaultConfig):
        return faults
    return FaultConfig.from_dict(dict(faults))


def _close_quietly(stream: Any) -> None:
    with contextlib.suppress(OSError):
        stream.close()


class SandboxHandle:
    """A running sandbox server: its URLs, token and admin helpers.

    ``base_url`` is what an API client uses (``http://127.0.0.1:PORT/api/v1``). Use it as a
    context manager, or call :meth:`stop`.
    """

    def __init__(self, state: dict[str, Any], token: str,
                 process: subprocess.Popen[bytes] | None = None,
                 log_path: Path | None = None, temp_dir: Path | None = None) -> None:
        self.host: str = state["host"]
        self.port: int = int(state["port"])
        self.pid: int = int(state["pid"])
        self.root_url: str = state["root_url"]
        self.base_url: str = state["base_url"]
        self.db_path: Path | None = Path(state["db"]) if state.get("db") else None
        self.token = token
        self.process = process
        self.log_path = log_path
        self._temp_dir = temp_dir
        if process is not None and process.stdin is not None:
            # a forgotten handle stops its server: closing the pipe is the child's signal
            weakref.finalize(self, _close_quietly, process.stdin)

    def __repr__(self) -> str:  # never show the token
        return f"<SandboxHandle {self.base_url} pid={self.pid}>"

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header for this sandbox."""
        return {"Authorization": f"Bearer {self.token}"}

    def is_running(self) -> bool:
        """True while the server answers its health check."""
        if self.process is not None and self.process.poll() is not None:
            return False
        return probe(self.root_url, pid=self.pid) == "ok"

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        status, data = http_json(method, self.root_url + ADMIN_PREFIX + path, self.token, body)
        if status >= 300:
            raise SandboxError(f"{method} {ADMIN_PREFIX}{path}: {status} {data}")
        return data

    def stats(self) -> dict[str, Any]:
        """``GET /_sandbox/stats``: requests by method and status, faults, operations, contacts."""
        return self._admin("GET", "/stats")

    def reset_stats(self) -> dict[str, Any]:
        """Zero the request counters."""
        return self._admin("DELETE", "/stats")

    def faults(self) -> dict[str, Any]:
        """The fault settings in force."""
        return self._admin("GET", "/faults")

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        """Change fault settings at run time (FaultConfig fields), e.g. ``enabled=False``."""
        return self._admin("POST", "/faults", changes)

    def clear_faults(self) -> dict[str, Any]:
        """Back to the defaults: faults on but every share 0, no latency, no rate limit."""
        return self._admin("POST", "/faults", FaultConfig().to_dict())

    @contextlib.contextmanager
    def faults_disabled(self) -> Iterator[None]:
        """Turn faults, latency and the rate limit off for the ``with`` block."""
        before = self.faults()["enabled"]
        self.set_faults(enabled=False)
        try:
            yield
        finally:
            self.set_faults(enabled=before)

    def reset(self) -> None:
        """Delete every contact and idempotency key, and zero the counters."""
        self._admin("POST", "/reset")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and wait for its process (idempotent)."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()  # EOF: the child shuts down gracefully
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(3)
        elif proc is None:
            with contextlib.suppress(OSError, SandboxError):
                self._admin("POST", "/shutdown")
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_in_background(
    db_path: str | Path | None,
    token: str | None = None,
    port: int = 0,
    faults: FaultConfig | Mapping[str, Any] | None = None,
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = 30.0,
    log_path: str | Path | None = None,
    access_log: bool = False,
) -> SandboxHandle:
    """Start a sandbox server in a separate process and wait until it answers.

    ``db_path`` ``None`` keeps the data in memory. ``token`` ``None`` draws a random one
    (``handle.token``). ``port`` 0 picks a free port. ``faults``: a :class:`FaultConfig` or a
    dict of its fields (see :meth:`FaultConfig.from_dict`). The child's output goes to
    ``log_path`` (default: a temporary file removed by :meth:`SandboxHandle.stop`).

    The server lives as long as the handle: it stops on :meth:`SandboxHandle.stop`, when the
    handle is garbage-collected, or when this process exits or is killed.
    """
    host = loopback_host(host)  # refuse before spawning anything
    token = token or generate_token()
    config = _as_config(faults)
    temp_dir = Path(tempfile.mkdtemp(prefix="numnum-sandbox-"))
    state_file = temp_dir / "state.json"
    log = Path(log_path) if log_path else temp_dir / "sandbox.log"
    db = ":memory:" if db_path is None else str(Path(db_path).resolve())
    extra = ["--watch-stdin", "--parent-pid", str(os.getpid())]
    if access_log:
        extra.append("--access-log")
    cmd = _child_command(host, port, db, state_file, config, extra)
    try:
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out,
                                    stderr=subprocess.STDOUT, env=_child_env(token))
        try:
            state = _wait_ready(proc, state_file, token, startup_timeout, log)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return SandboxHandle(state, token, proc, log, temp_dir)


@contextlib.contextmanager
def _file_lock(path: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock file (O_EXCL) holding our pid; a lock whose process is gone, or older
    than ``timeout`` + 30 s, counts as stale."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            fd = None
        if fd is not None:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            break
        try:
            age = time.time() - path.stat().st_mtime
            holder = int(path.read_text() or "0")
        except FileNotFoundError:
            continue
        except ValueError:
            holder = 0
        if age > timeout + 30 or (holder and not pid_alive(holder)):
            path.unlink(missing_ok=True)
            continue
        if time.monotonic() > deadline:
            raise SandboxError(f"another process holds {path} (delete it if it is stale)")
        time.sleep(0.05)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _wait_down(root_url: str, pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe(root_url, pid=pid, timeout=0.5) != "ok":
            return True
        time.sleep(0.05)
    return False


def ensure_default_sandbox(data_dir: str | Path | None = None, *,
                           timeout: float = 30.0) -> tuple[str, str]:
    """``(base_url, token)`` of the user's default sandbox, started detached if needed.

    The default sandbox keeps its database, token (mode 0600), state and log in ``data_dir``
    (default: the user data folder of numnum-xl); the token is env ``NUMNUM_SANDBOX_TOKEN`` or
    the token file. A running one is found through the state file and a health check; a
    detached one stops by itself after :data:`DEFAULT_IDLE_TIMEOUT` idle seconds.
    """
    folder = ensure_private_dir(Path(data_dir) if data_dir else default_data_dir())
    token = resolve_token(None, folder)[0]
    state_file = folder / STATE_FILE
    with _file_lock(folder / LOCK_FILE, timeout):
        state = read_state(state_file)
        if state:
            status = probe(state["root_url"], token, state.get("pid"))
            if status == "ok":
                return state["base_url"], token
            if status == "wrong-token":
                if not state.get("detached"):
                    raise SandboxError(
                        f"a sandbox for {folder} runs at {state['base_url']} with another "
                        f"token: stop it, or set {TOKEN_ENV} to its token")
                with contextlib.suppress(OSError):
                    os.kill(int(state["pid"]), signal.SIGTERM)
                _wait_down(state["root_url"], int(state["pid"]), 10.0)
        log_path = folder / LOG_FILE
        cmd = _child_command("127.0.0.1", 0, str(folder / DB_FILE), state_file, None,
                             ["--idle-timeout", str(DEFAULT_IDLE_TIMEOUT), "--detached"])
        kwargs: dict[str, Any] = {}
        if os.name == "nt":
            kwargs["creationflags"] = (
                getattr(subprocess, "DETACHED_PROCESS", 0)
                | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
                | getattr(subprocess, "CREATE_NO_WINDOW", 0))
        else:
            kwargs["start_new_session"] = True
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, env=_child_env(token), **kwargs)
        _DETACHED[:] = [p for p in _DETACHED if p.poll() is None]
        _DETACHED.append(proc)
        try:
            state = _wait_ready(proc, state_file, token, timeout, log_path)
        except BaseException:
            proc.kill()
            raise
        return state["base_url"], token


def default_sandbox_status(data_dir: str | Path | None = None) -> dict[str, Any] | None:
    """The state of the running default sandbox (pid, base_url, db, …), or ``None``."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    state = read_state(folder / STATE_FILE)
    if state and probe(state["root_url"], pid=state.get("pid")) == "ok":
        return state
    return None


def stop_default_sandbox(data_dir: str | Path | None = None, timeout: float = 10.0) -> bool:
    """Stop the default sandbox of ``data_dir``; False if none was running."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    state = default_sandbox_status(folder)
    if state is None:
        return False
    try:
        token = resolve_token(None, folder, create=False)[0]
        status, _ = http_json("POST", state["root_url"] + ADMIN_PREFIX + "/shutdown", token)
    except (OSError, RuntimeError):
        status = 0
    if status != 202:
        with contextlib.suppress(OSError):
            os.kill(int(state["pid"]), signal.SIGTERM)
    if not _wait_down(state["root_url"], int(state["pid"]), timeout):
        raise SandboxError(f"the sandbox (pid {state['pid']}) did not stop")
    deadline = time.monotonic() + timeout  # it removes its state file as it exits
    while time.monotonic() < deadline:
        if (read_state(folder / STATE_FILE) or {}).get("pid") != state["pid"]:
            break
        time.sleep(0.02)
    for proc in _DETACHED:
        if proc.pid == state["pid"]:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout)
    _DETACHED[:] = [p for p in _DETACHED if p.poll() is None]
    return True
