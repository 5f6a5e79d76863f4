"""Fault injection, rate limiting and request statistics for the sandbox (raw ASGI, stdlib only).

:class:`FaultMiddleware` wraps the API app and, for each request under ``/api/v1``, in order:

1. counts it (:class:`Stats`);
2. applies the rate limit (token bucket, ``rate_limit`` requests/s): ``429`` + ``Retry-After``;
3. sleeps ``latency_ms`` (+ up to ``latency_jitter_ms``);
4. draws one fault with the configured shares: a ``5xx`` or a ``429`` answered *before* the app
   runs (so nothing is written), a connection dropped *before* the app runs, or a connection
   dropped *after* the app ran (the write is committed, the client never sees the answer).

The draws come from one ``random.Random(seed)``: the same seed gives the same sequence of faults
(which request gets which depends on arrival order when requests run in parallel).

Dropping a connection: under uvicorn the ``send`` callable is a bound method of the request
cycle, which holds the asyncio transport; :func:`drop_connection` aborts that transport before
any response byte is written, so the client sees the socket closed without a response
(``requests`` raises ``ConnectionError``), exactly what a crashing proxy or a network cut does.
Under another ASGI server it falls back to starting a response whose announced body never comes.

>>> cfg = FaultConfig.from_dict({"fail_rate": 0.3, "drop_after_rate": 0.3, "seed": 1})
>>> inj = FaultInjector(cfg)
>>> [inj.decide("POST").kind for _ in range(8)]
['error', 'error', None, 'error', None, None, None, 'drop_after']
>>> _ = inj.configure({"seed": 1}); [inj.decide("POST").kind for _ in range(8)]
['error', 'error', None, 'error', None, None, None, 'drop_after']
>>> FaultConfig.from_dict({"fail_rate": 0.8, "drop_after_rate": 0.5})
Traceback (most recent call last):
...
ValueError: the fault shares add up to more than 1 (1.3)
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_SHARES = ("fail_rate", "throttle_rate", "drop_before_rate", "drop_after_rate")
_KINDS = ("error", "throttle", "drop_before", "drop_after")


@dataclass(frozen=True)
class FaultConfig:
    """What the sandbox does wrong on purpose. All shares are fractions of API requests."""

    #: master switch: False turns off faults, latency and the rate limit
    enabled: bool = True
    #: share answered with a server error (one of ``fail_statuses``) before anything is written
    fail_rate: float = 0.0
    fail_statuses: tuple[int, ...] = (500,)
    #: share answered ``429`` with ``Retry-After: retry_after`` before anything is written
    throttle_rate: float = 0.0
    retry_after: int = 1
    #: share whose connection is dropped before the request is handled (nothing written)
    drop_before_rate: float = 0.0
    #: share whose connection is dropped after the request was handled (the write is stored)
    drop_after_rate: float = 0.0
    #: added latency per request, plus a uniformly drawn extra of up to ``latency_jitter_ms``
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    #: token-bucket rate limit in requests per second (burst: one second's worth); None: off
    rate_limit: float | None = None
    #: only these methods get the drawn faults (empty: all); latency and rate limit apply to all
    methods: tuple[str, ...] = field(default_factory=tuple)
    #: seed of the fault draws; None: unpredictable
    seed: int | None = None
    #: ``PUT`` replaces the whole contact (fields not sent become empty) instead of merging
    #: the fields sent: how some servers read "overwrite"; not a fault, so ``enabled`` leaves
    #: it alone
    put_replaces: bool = False

    def __post_init__(self) -> None:
        for name in _SHARES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        total = sum(getattr(self, name) for name in _SHARES)
        if total > 1.0 + 1e-9:
            raise ValueError(f"the fault shares add up to more than 1 ({round(total, 6)})")
        if not self.fail_statuses or any(not 500 <= s <= 599 for s in self.fail_statuses):
            raise ValueError(f"fail_statuses must be 5xx codes, not {self.fail_statuses}")
        if self.retry_after < 0 or self.latency_ms < 0 or self.latency_jitter_ms < 0:
            raise ValueError("retry_after and latencies cannot be negative")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError("rate_limit must be positive (or None for no limit)")

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, base: FaultConfig | None = None) -> FaultConfig:
        """A config from JSON-like ``data`` over ``base`` (default: no faults).

        Unknown keys raise :class:`ValueError`; ``drop_rate`` is a shorthand that splits a share
        evenly between ``drop_before_rate`` and ``drop_after_rate``.
        """
        data = dict(data or {})
        if "drop_rate" in data:
            share = _as_float("drop_rate", data.pop("drop_rate"))
            data.setdefault("drop_before_rate", share / 2)
            data.setdefault("drop_after_rate", share / 2)
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("enabled", "put_replaces"):
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false")
                changes[key] = value
            elif key in ("fail_statuses", "methods"):
                items = [value] if isinstance(value, (str, int)) else list(value or [])
                changes[key] = tuple(
                    str(v).upper() if key == "methods" else int(v) for v in items
                )
            elif key in ("seed", "retry_after"):
                changes[key] = None if value is None and key == "seed" else int(value)
            elif key == "rate_limit":
                from numnum_xl.sandbox.config import parse_rate

                changes[key] = parse_rate(value)
            else:
                changes[key] = _as_float(key, value)
        return replace(base or cls(), **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (tuples as lists)."""
        data = asdict(self)
        data["fail_statuses"] = list(self.fail_statuses)
        data["methods"] = list(self.methods)
        return data


def _as_float(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{key} must be a number")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{key} must be a number, not {value!r}") from None


@dataclass(frozen=True)
class Decision:
    """What to do with one request: ``kind`` is None (serve normally), ``"error"``,
    ``"throttle"``, ``"rate_limited"``, ``"drop_before"`` or ``"drop_after"``."""

    kind: str | None = None
    status: int = 0
    retry_after: int = 0
    delay_s: float = 0.0


class FaultInjector:
    """Draws a :class:`Decision` per request from a :class:`FaultConfig`; reconfigurable while
    the server runs (thread-safe)."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)
        self._tokens = 0.0
        self._stamp = time.monotonic()
        self._reset_bucket()

    def _reset_bucket(self) -> None:
        rate = self.config.rate_limit
        self._tokens = max(1.0, rate) if rate else 0.0
        self._stamp = time.monotonic()

    def configure(self, changes: dict[str, Any] | FaultConfig) -> FaultConfig:
        """Apply ``changes`` (see :meth:`FaultConfig.from_dict`); a ``seed`` restarts the draws."""
        with self._lock:
            if isinstance(changes, FaultConfig):
                new, reseed = changes, True
            else:
                new, reseed = FaultConfig.from_dict(changes, self.config), "seed" in changes
            old, self.config = self.config, new
            if reseed:
                self._rng = random.Random(new.seed)
            if reseed or new.rate_limit != old.rate_limit:
                self._reset_bucket()
            return new

    def _take_token(self, rate: float) -> int:
        """0 if a request may pass, else the seconds to wait (at least 1)."""
        now = time.monotonic()
        burst = max(1.0, rate)
        self._tokens = min(burst, self._tokens + (now - self._stamp) * rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - self._tokens) / rate))

    def decide(self, method: str) -> Decision:
        """The decision for the next request with HTTP ``method``."""
        with self._lock:
            cfg = self.config
            if not cfg.enabled:
                return Decision()
            # always three draws per request, so that a seed gives a stable sequence
            u, jitter, pick = self._rng.random(), self._rng.random(), self._rng.random()
            delay = (cfg.latency_ms + jitter * cfg.latency_jitter_ms) / 1000.0
            if cfg.rate_limit:
                wait = self._take_token(cfg.rate_limit)
                if wait:
                    return Decision("rate_limited", 429, wait, delay)
            if cfg.methods and method.upper() not in cfg.methods:
                return Decision(delay_s=delay)
            edge = 0.0
            for name, kind in zip(_SHARES, _KINDS, strict=True):
                edge += getattr(cfg, name)
                if u < edge:
                    status = {"error": cfg.fail_statuses[int(pick * len(cfg.fail_statuses))],
                              "throttle": 429}.get(kind, 0)
                    return Decision(kind, status, cfg.retry_after if status == 429 else 0, delay)
            return Decision(delay_s=delay)


class Stats:
    """Counts of API requests by method and status, of injected faults and of operations.

    A dropped connection counts as status ``"dropped"``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.last_request = time.monotonic()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self.started = time.time()
            self.by_method: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.by_method_status: defaultdict[str, Counter[str]] = defaultdict(Counter)
            self.faults: Counter[str] = Counter()
            self.operations: Counter[str] = Counter()

    def touch(self) -> None:
        """Note activity (for the idle timeout)."""
        self.last_request = time.monotonic()

    def request(self, method: str, status: int | str) -> None:
        """Count one answered (or dropped) API request."""
        with self._lock:
            self.by_method[method] += 1
            self.by_status[str(status)] += 1
            self.by_method_status[method][str(status)] += 1

    def fault(self, kind: str) -> None:
        """Count one injected fault of ``kind``."""
        with self._lock:
            self.faults[kind] += 1

    def operation(self, kind: str) -> None:
        """Count one storage operation (``created``, ``replayed``, ``updated``, ``deleted``)."""
        with self._lock:
            self.operations[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        """All counters, JSON-ready."""
        with self._lock:
            return {
                "requests": {
                    "total": sum(self.by_method.values()),
                    "by_method": dict(self.by_method),
                    "by_status": dict(self.by_status),
                    "by_method_status": {m: dict(c) for m, c in self.by_method_status.items()},
                },
                "faults": {"total": sum(self.faults.values()), **self.faults},
                "operations": dict(self.operations),
                "since": self.started,
            }


async def _send_json(send: Send, status: int, body: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()), *(headers or [])],
    })
    await send({"type": "http.response.body", "body": payload})


async def drop_connection(send: Send) -> str:
    """Close the client's connection without sending a response; returns how it was done.

    ``"transport"``: the server's transport was aborted before any byte of a response (uvicorn);
    ``"truncated"``: fallback, a response was started whose announced body never comes.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and callable(getattr(transport, "abort", None)):
        transport.abort()
        for _ in range(20):  # let the server see connection_lost, so it sends no 500 itself
            await asyncio.sleep(0)
            if getattr(cycle, "disconnected", True):
                break
        return "transport"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", b"1048576")]})
    await send({"type": "http.response.body", "body": b"{", "more_body": True})
    return "truncated"


class FaultMiddleware:
    """Raw ASGI middleware that counts, rate-limits, delays and breaks API requests."""

    def __init__(self, app: ASGIApp, injector: FaultInjector, stats: Stats,
                 prefix: str = "/api/v1") -> None:
        self.app = app
        self.injector = injector
        self.stats = stats
        self.prefix = prefix.rstrip("/")

    def _applies(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return scope["type"] == "http" and (path == self.prefix
                                            or path.startswith(self.prefix + "/"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.stats.touch()
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        decision = self.injector.decide(method)
        if decision.delay_s > 0:
            await asyncio.sleep(decision.delay_s)
        kind = decision.kind
        if kind is not None:
            self.stats.fault(kind)
        if kind in ("error", "throttle", "rate_limited"):
            headers = [(b"x-sandbox-fault", kind.encode())]
            if decision.status == 429:
                headers.append((b"retry-after", str(decision.retry_after).encode()))
                text = "Too many requests: retry after the Retry-After header's seconds"
            else:
                text = "Internal server error (injected by the sandbox)"
            await _send_json(send, decision.status, {"exception": text}, headers)
            self.stats.request(method, decision.status)
            return
        if kind == "drop_before":
            await drop_connection(send)
            self.stats.request(method, "dropped")
            return
        if kind == "drop_after":
            async def swallow(message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
            await drop_connection(send)
            self.stats.request(method, "dropped")
            return

        status: list[int] = []

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            self.stats.request(method, status[0] if status else 500)
