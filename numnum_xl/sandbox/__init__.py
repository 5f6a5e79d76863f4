"""A local NumNum API sandbox: the whole contract (shared/numnum-api/contract.md) on SQLite.

For tests, benchmarks and pushes without a NumNum account. Public API:

* :func:`run_in_background` → :class:`SandboxHandle` (``.base_url``, ``.token``, ``.stop()``,
  ``.stats()``, ``.set_faults(...)``, ``.reset()``; a context manager): a private server in a
  separate process that dies with its parent;
* :func:`ensure_default_sandbox` → ``(base_url, token)``: the user's default sandbox, found or
  started detached;
* :func:`stop_default_sandbox`, :func:`default_sandbox_status`;
* :class:`FaultConfig`: what the server does wrong on purpose (5xx, 429, latency, dropped
  connections before or after the write, rate limit), reproducible with a seed;
* :func:`create_app` (FastAPI app) and :func:`serve` (run it here), imported lazily because they
  need fastapi and uvicorn.

Importing this package starts nothing and imports neither fastapi nor uvicorn.

>>> from numnum_xl.sandbox import FaultConfig
>>> FaultConfig.from_dict({"drop_rate": 0.1}).drop_after_rate
0.05
"""

from __future__ import annotations

from typing import Any

from numnum_xl.sandbox.faults import FaultConfig
from numnum_xl.sandbox.process import (
    SandboxError,
    SandboxHandle,
    default_sandbox_status,
    ensure_default_sandbox,
    run_in_background,
    stop_default_sandbox,
)

__all__ = [
    "FaultConfig",
    "SandboxError",
    "SandboxHandle",
    "create_app",
    "default_sandbox_status",
    "ensure_default_sandbox",
    "run_in_background",
    "serve",
    "stop_default_sandbox",
]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from numnum_xl.sandbox.app import create_app

        return create_app
    if name == "serve":
        from numnum_xl.sandbox.server import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
