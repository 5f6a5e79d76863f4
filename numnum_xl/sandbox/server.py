"""Run the sandbox with uvicorn in the current process (the child process of
:func:`numnum_xl.sandbox.run_in_background`, or ``numnum-xl sandbox`` in the foreground).

The socket is bound here, before uvicorn starts, so that port 0 works: the actual port is known
at once and written to the state file, which is how the parent learns it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from numnum_xl.sandbox.config import (
    ADMIN_PREFIX,
    API_PREFIX,
    DEFAULT_PORT,
    host_in_url,
    loopback_host,
    write_private_file,
)
from numnum_xl.sandbox.faults import FaultConfig


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on loopback ``host``:``port`` (0: a free port).

    Raises :class:`ValueError` for a non-loopback host and :class:`OSError` (with the address
    in the message) when the port cannot be bound.
    """
    host = loopback_host(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP;
    # with proto 0 every keep-alive request waits ~40 ms (Nagle against delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host_in_url(host)}:{port}: "
                                 f"{exc.strerror or exc}") from None
    sock.set_inheritable(False)
    return sock


def read_state(path: Path) -> dict[str, Any] | None:
    """The JSON state file a running sandbox wrote, or ``None``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _watch(stop: Callable[[str], None], *, stdin: bool, parent_pid: int | None,
           idle_timeout: float | None, last_request: Callable[[], float]) -> None:
    """Start daemon threads that call ``stop(reason)``: on EOF of stdin (the parent closed the
    pipe or died), when the parent process is gone, or after ``idle_timeout`` idle seconds."""
    if stdin and sys.stdin is not None:
        def read_stdin() -> None:
            try:
                while sys.stdin.buffer.read(1024):
                    pass
            except (OSError, ValueError):
                pass
            stop("stdin closed: the parent process has gone")

        threading.Thread(target=read_stdin, name="sandbox-stdin", daemon=True).start()

    if (parent_pid and os.name == "posix") or idle_timeout:
        def poll() -> None:
            while True:
                time.sleep(0.5)
                if parent_pid and os.name == "posix" and os.getppid() != parent_pid:
                    stop("the parent process has gone")
                    return
                if idle_timeout and time.monotonic() - last_request() > idle_timeout:
                    stop(f"idle for {idle_timeout:g} s")
                    return

        threading.Thread(target=poll, name="sandbox-watch", daemon=True).start()


def _raise_system_exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def serve(
    db_path: str | Path | None,
    token: str,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    faults: FaultConfig | None = None,
    state_file: str | Path | None = None,
    state_extra: dict[str, Any] | None = None,
    watch_stdin: bool = False,
    parent_pid: int | None = None,
    idle_timeout: float | None = None,
    access_log: bool = False,
    announce: Callable[[dict[str, Any]], None] | None = None,
    sock: socket.socket | None = None,
) -> int:
    """Serve the sandbox until stopped (Ctrl+C, SIGTERM, ``POST /_sandbox/shutdown``, the
    parent watch or the idle timeout). ``db_path`` ``None`` keeps the data in memory.

    Writes ``state_file`` (JSON: pid, host, port, base_url, root_url, db, …; mode 0600) once
    the socket listens and removes it at the end; calls ``announce(state)`` at that moment.
    Returns 0.
    """
    import uvicorn

    from numnum_xl.sandbox.app import create_app
    from numnum_xl.sandbox.faults import FaultInjector, Stats
    from numnum_xl.sandbox.store import ContactStore

    sock = sock or bind_socket(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    root_url = f"http://{host_in_url(bound_host)}:{bound_port}"
    store = ContactStore(db_path)
    stats = Stats()
    injector = FaultInjector(faults or FaultConfig())
    server: uvicorn.Server | None = None
    stopping = threading.Event()

    def stop(reason: str) -> None:
        if stopping.is_set():
            return
        stopping.set()
        print(f"numnum-xl sandbox: stopping ({reason})", file=sys.stderr, flush=True)
        if server is not None:
            server.should_exit = True
        # last resort if a graceful stop hangs
        timer = threading.Timer(15.0, os._exit, args=(0,))
        timer.daemon = True
        timer.start()

    app = create_app(store, token, injector, stats, on_shutdown=lambda: stop("shutdown request"))
    config = uvicorn.Config(
        app, http="h11", lifespan="off", log_level="warning", access_log=access_log,
        proxy_headers=False, server_header=False, timeout_keep_alive=5,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    state = {
        "service": "numnum-xl-sandbox", "pid": os.getpid(), "host": bound_host,
        "port": bound_port, "root_url": root_url, "base_url": root_url + API_PREFIX,
        "health_url": root_url + ADMIN_PREFIX + "/health",
        "db": None if store.path is None else str(store.path.resolve()),
        "started_at": time.time(), **(state_extra or {}),
    }
    state_path = Path(state_file) if state_file else None
    # uvicorn re-raises a caught SIGTERM after its graceful shutdown; make that an exception
    # (not the default "die at once") so that the finally block below still cleans up
    previous_sigterm = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        previous_sigterm = signal.signal(signal.SIGTERM, _raise_system_exit)
    try:
        if state_path is not None:
            write_private_file(state_path, json.dumps(state, indent=2))
        if announce is not None:
            announce(state)
        _watch(stop, stdin=watch_stdin, parent_pid=parent_pid, idle_timeout=idle_timeout,
               last_request=lambda: stats.last_request)
        server.run(sockets=[sock])
    finally:
        stopping.set()
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
        if state_path is not None and (read_state(state_path) or {}).get("pid") == os.getpid():
            state_path.unlink(missing_ok=True)
        sock.close()
        store.close()
    return 0
