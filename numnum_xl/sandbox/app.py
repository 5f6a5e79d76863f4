"""The sandbox's FastAPI application: the NumNum contacts contract plus a few admin routes.

API (contract.md), under ``/api/v1``, every route behind ``Authorization: Bearer <token>``:
``GET/POST /contacts``, ``GET/PUT/DELETE /contacts/{id}``.

Admin, under ``/_sandbox`` (not part of the contract): ``GET /health`` (no token), and with the
token ``GET /stats``, ``DELETE /stats`` (zero the counters), ``GET /faults``, ``POST /faults``
(change fault settings at run time), ``POST /reset`` (delete all contacts, keys and counters)
and ``POST /shutdown``.

:func:`create_app` returns the app wrapped in :class:`~numnum_xl.sandbox.faults.FaultMiddleware`;
nothing happens at import time.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from numnum_xl import __version__
from numnum_xl.sandbox.config import ADMIN_PREFIX, API_PREFIX, SERVICE_NAME
from numnum_xl.sandbox.faults import FaultConfig, FaultInjector, FaultMiddleware, Stats
from numnum_xl.sandbox.schema import check_required, new_contact_values, validate_fields
from numnum_xl.sandbox.store import FILTER_FIELDS, ContactStore, ValidationFailed

#: Page size limits of ``GET /contacts``.
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_KEY_LENGTH = 255


class ApiError(Exception):
    """An error answer: ``{"exception": message}`` plus ``errors`` for a 406."""

    def __init__(self, status: int, message: str,
                 errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def _error_response(status: int, message: str,
                    errors: dict[str, list[str]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"exception": message}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


def _invalid(errors: dict[str, list[str]]) -> ApiError:
    fields = ", ".join(sorted(errors))
    return ApiError(406, f"The contact was not saved: invalid field(s) {fields}", errors)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(406, "The body is not valid UTF-8 JSON",
                       {"body": ["must be a JSON object"]}) from None


def _int_param(request: Request, name: str, default: int) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    try:
        if len(values) > 1:
            raise ValueError
        value = int(values[0])
    except ValueError:
        raise ApiError(406, f"Invalid query parameter {name}",
                       {name: ["must be one whole number"]}) from None
    if value < 1:
        raise ApiError(406, f"Invalid query parameter {name}", {name: ["must be 1 or more"]})
    return value


def create_app(
    store: ContactStore,
    token: str,
    injector: FaultInjector | None = None,
    stats: Stats | None = None,
    on_shutdown: Callable[[], None] | None = None,
) -> FaultMiddleware:
    """The sandbox as an ASGI app serving ``store``, accepting only ``token``.

    ``injector`` (default: no faults) and ``stats`` are exposed as attributes of the returned
    middleware; ``on_shutdown`` is called by ``POST /_sandbox/shutdown``.
    """
    if not token:
        raise ValueError("the sandbox needs a non-empty token")
    injector = injector or FaultInjector(FaultConfig())
    stats = stats or Stats()
    expected = token.encode("utf-8")

    def require_token(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8"), expected
        ):
            raise ApiError(403, "Invalid or missing API token (Authorization: Bearer <token>)")

    app = FastAPI(
        title="numnum-xl sandbox", version=__version__,
        description="A local implementation of the NumNum contacts API contract.",
        docs_url=f"{ADMIN_PREFIX}/docs", redoc_url=None,
        openapi_url=f"{ADMIN_PREFIX}/openapi.json",
    )

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc.status, exc.message, exc.errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 204 or exc.status_code < 400:
            return Response(status_code=exc.status_code)
        return _error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            name = str(err.get("loc", ["request"])[-1])
            errors.setdefault(name, []).append(str(err.get("msg", "invalid")))
        return _error_response(406, "Invalid request", errors)

    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(require_token)])

    @api.get("/contacts")
    async def list_contacts(request: Request) -> JSONResponse:
        """List contacts, newest last; exact-match filters external_id, vat_id, email."""
        allowed = {"page", "per_page", *FILTER_FIELDS}
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ApiError(406, "Unknown query parameter(s): " + ", ".join(unknown),
                           {name: ["unknown query parameter"] for name in unknown})
        page = _int_param(request, "page", 1)
        per_page = min(_int_param(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        filters: dict[str, str] = {}
        for name in FILTER_FIELDS:
            values = request.query_params.getlist(name)
            if len(values) > 1:
                raise ApiError(406, f"Invalid query parameter {name}",
                               {name: ["give one value"]})
            if values:
                filters[name] = values[0]
        rows, total = await run_in_threadpool(store.list_page, page, per_page, filters)
        return JSONResponse({"data": rows,
                             "meta": {"page": page, "per_page": per_page, "total": total}})

    @api.post("/contacts", status_code=201)
    async def create_contact(request: Request) -> JSONResponse:
        """Create a contact; a repeated Idempotency-Key answers with the first one's contact."""
        key = request.headers.get("idempotency-key")
        if key is not None and not (0 < len(key.strip()) <= MAX_KEY_LENGTH):
            raise ApiError(406, "Invalid Idempotency-Key header", {
                "Idempotency-Key": [f"must be 1 to {MAX_KEY_LENGTH} characters"]})
        key = key.strip() if key is not None else None
        body = await _json_body(request)
        values, errors = validate_fields(body)
        if not errors:
            errors = check_required(new_contact_values(values))
        if errors:
            earlier = await run_in_threadpool(store.replay, key) if key else None
            if earlier is None:
                raise _invalid(errors)
            contact, created = earlier, False
        else:
            contact, created = await run_in_threadpool(store.create, values, key)
        stats.operation("created" if created else "replayed")
        if created:
            return JSONResponse(contact, status_code=201)
        return JSONResponse(contact, status_code=200, headers={"Idempotent-Replayed": "true"})

    @api.get("/contacts/{contact_id}")
    async def get_contact(contact_id: str) -> JSONResponse:
        """Read one contact."""
        contact = await run_in_threadpool(store.get, contact_id)
        if contact is None:
            raise ApiError(404, f"Contact {contact_id} not found")
        return JSONResponse(contact)

    @api.put("/contacts/{contact_id}")
    async def update_contact(contact_id: str, request: Request) -> JSONResponse:
        """Overwrite the fields sent; the others keep their value."""
        body = await _json_body(request)
        values, errors = validate_fields(body)
        if isinstance(body, dict) and body.get("id") not in (None, contact_id):
            errors["id"] = ["differs from the id in the URL"]
        if await run_in_threadpool(store.get, contact_id) is None:
            raise ApiError(404, f"Contact {contact_id} not found")
        if errors:
            raise _invalid(errors)
        if injector.config.put_replaces:  # every field not sent becomes empty
            values = new_contact_values(values)
        try:
            contact = await run_in_threadpool(store.update, contact_id, values, check_required)
        except ValidationFailed as exc:
            raise _invalid(exc.errors) from None
        if contact is None:
            raise ApiError(404, f"Contact {contact_id} not found")
        stats.operation("updated")
        return JSONResponse(contact)

    @api.delete("/contacts/{contact_id}", status_code=204)
    async def delete_contact(contact_id: str) -> Response:
        """Delete one contact."""
        if not await run_in_threadpool(store.delete, contact_id):
            raise ApiError(404, f"Contact {contact_id} not found")
        stats.operation("deleted")
        return Response(status_code=204)

    admin = APIRouter(prefix=ADMIN_PREFIX)

    @admin.get("/health")
    async def health() -> dict[str, Any]:
        """Liveness (no token needed): which service and process answers."""
        return {"status": "ok", "service": SERVICE_NAME, "version": __version__,
                "pid": os.getpid()}

    @admin.get("/stats", dependencies=[Depends(require_token)])
    async def get_stats() -> dict[str, Any]:
        """Request, fault and operation counters, and the number of stored contacts."""
        return {**stats.snapshot(), "contacts": await run_in_threadpool(store.count)}

    @admin.delete("/stats", dependencies=[Depends(require_token)])
    async def reset_stats() -> dict[str, Any]:
        """Zero the counters."""
        stats.reset()
        return {**stats.snapshot(), "contacts": await run_in_threadpool(store.count)}

    @admin.get("/faults", dependencies=[Depends(require_token)])
    async def get_faults() -> dict[str, Any]:
        """The fault settings in force."""
        return injector.config.to_dict()

    @admin.post("/faults", dependencies=[Depends(require_token)])
    async def set_faults(request: Request) -> JSONResponse:
        """Change fault settings (a JSON object of FaultConfig fields; unknown keys: 406)."""
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise ApiError(406, "Send a JSON object of fault settings")
        try:
            config = injector.configure(body)
        except (ValueError, TypeError) as exc:
            raise ApiError(406, f"Invalid fault settings: {exc}") from None
        return JSONResponse(config.to_dict())

    @admin.post("/reset", dependencies=[Depends(require_token)])
    async def reset_all() -> dict[str, Any]:
        """Delete every contact and idempotency key, and zero the counters."""
        await run_in_threadpool(store.reset)
        stats.reset()
        return {"status": "reset"}

    @admin.post("/shutdown", status_code=202, dependencies=[Depends(require_token)])
    async def shutdown() -> dict[str, Any]:
        """Stop the server (after this answer)."""
        if on_shutdown is None:
            raise ApiError(501, "This sandbox cannot be stopped over HTTP")
        on_shutdown()
        return {"status": "stopping"}

    app.include_router(api)
    app.include_router(admin)
    return FaultMiddleware(app, injector, stats, API_PREFIX)
