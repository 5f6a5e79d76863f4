"""Everything that depends on NumNum's API contract (shared/numnum-api/contract.md).

Adapting numnum-xl to NumNum's production API means changing these modules only (this one,
the transport, re-exports the names of the others so ``numnum_xl.client.X`` keeps working):

* **settings** (:mod:`numnum_xl.settings`, :mod:`numnum_xl.tokens`): where the API is
  (``NUMNUM_API_URL``, the settings file, ``--api-url``) and which token it takes (env
  ``NUMNUM_API_TOKEN`` or the OS keyring, service ``numnum-xl``), the import options a user
  keeps as defaults; :func:`resolve_account` falls back to the local sandbox;
* **transport**: :class:`NumNumClient`, a ``requests`` session per thread with connect/read
  timeouts, retries with exponential backoff and jitter on 5xx and dropped connections, 429
  answered by waiting ``Retry-After`` (every thread waits), paging (``per_page`` 100), no
  redirects, and errors as :class:`ApiError` with a message in the user's language;
* **payloads** (:mod:`numnum_xl.payload`): :func:`build_payload` (a create) and
  :func:`update_payload` (an overwrite) map one validated sheet row
  (:attr:`numnum_xl.validate.Report.values`) onto the contract's fields, deriving the field
  list and each field's type from :mod:`numnum_xl.catalogue`;
* **idempotency**: :func:`idempotency_key`, so a retried create can never make a second contact.

The token is never part of a message, a ``repr``, a log line or a file: it lives in a
:class:`BearerAuth` (whose ``repr`` hides it) and every text that came from the network passes
through a redaction before it is shown. Importing this module starts nothing and opens no
connection (``requests`` and ``keyring`` are imported when first needed).

>>> values = {"title": "Bakkerij Janssen BV", "last_name": "Janssen", "first_name": "Pieter",
...           "company_type": "BV", "vat_id": "0123456749", "vat_percentage": "21",
...           "vat_shifted": "nee", "payment_term": 30, "auto_reminder": "Ja",
...           "contactperson_first_name": "An", "contactperson_last_name": "Peeters"}
>>> p = build_payload(values, ImportOptions(as_="beide"), import_batch="b1")
>>> p["company_type"], p["type"], p["vat_percentage"], p["vat_shifted"], p["auto_reminder"]
('bedrijf', 'bv', 21, False, True)
>>> p["is_customer"], p["is_supplier"], p["contact_persons"], p["import_batch"]
(True, True, [{'first_name': 'An', 'last_name': 'Peeters'}], 'b1')
>>> person = build_payload({"title": "Marie Dupont", "last_name": "Dupont",
...                         "first_name": "Marie"}, ImportOptions(), import_batch="b1")
>>> person["company_type"], "type" in person
('particulier', False)
>>> check_api_url("http://numnum.example/api/v1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: NumNum-adres http://numnum.example/api/v1 gebruikt geen https: ...
>>> check_api_url("http://localhost:8765/api/v1/")
'http://localhost:8765/api/v1'
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from numnum_xl import __version__

# The old names, re-exported: settings, tokens and payloads live in their own modules.
from numnum_xl.payload import (  # noqa: F401
    _LANG_INDEX,
    CONTACT_COLUMNS,
    KEY_NAMESPACE,
    PAYLOAD_KEYS,
    PERSON_KEYS,
    PayloadError,
    _label,
    build_payload,
    contact_person,
    idempotency_key,
    is_private_person,
    legal_form_type,
    new_batch_id,
    row_fingerprint,
    update_payload,
    workbook_identity,
)
from numnum_xl.settings import (  # noqa: F401
    AS_CHOICES,
    DELETE_CHOICES,
    DUPLICATE_CHOICES,
    ENV_API_TOKEN,
    ENV_API_URL,
    ENV_CONFIG_DIR,
    SETTINGS_FILE,
    YES_NO_CHOICES,
    ImportOptions,
    Settings,
    choose,
    config_dir,
    load_settings,
    save_settings,
    settings_path,
)
from numnum_xl.tokens import (  # noqa: F401
    KEYRING_DEFAULT_USER,
    KEYRING_SERVICE,
    Account,
    AccountError,
    account_for_workbook,
    check_api_url,
    check_token,
    configured_url,
    is_loopback,
    resolve_account,
    store_token,
    token_for,
    valid_token,
)
from numnum_xl.tokens import redact as redact_tokens

if TYPE_CHECKING:  # pragma: no cover
    import requests

#: Largest page the contract allows.
PER_PAGE = 100
#: Statuses the contract says to retry with backoff (429 is handled on its own).
RETRY_STATUSES = frozenset({500, 502, 503, 504})


# --- errors ----------------------------------------------------------------------------------

_ERRORS: dict[str, tuple[str, str, str]] = {
    "auth": (
        "NumNum weigert het API-token (403): het is fout, verlopen of ingetrokken. Stel het "
        "juiste token in (NUMNUM_API_TOKEN of de sleutelhanger, dienst «numnum-xl»).",
        "NumNum refuse le jeton d'API (403) : il est erroné, expiré ou révoqué. Configurez le "
        "bon jeton (NUMNUM_API_TOKEN ou le trousseau, service « numnum-xl »).",
        "NumNum refuses the API token (403): it is wrong, expired or revoked. Set the right "
        "token (NUMNUM_API_TOKEN or the keyring, service “numnum-xl”).",
    ),
    "invalid": (
        "NumNum weigerde deze klant: {detail}",
        "NumNum a refusé ce client : {detail}",
        "NumNum refused this contact: {detail}",
    ),
    "not_found": (
        "Deze klant bestaat niet (meer) in NumNum (404).",
        "Ce client n'existe pas (plus) dans NumNum (404).",
        "This contact does not exist (any more) in NumNum (404).",
    ),
    "server": (
        "NumNum gaf een serverfout ({detail}), ook na {attempts} pogingen. Probeer later "
        "opnieuw: wat al verstuurd is, wordt niet opnieuw verstuurd.",
        "NumNum a renvoyé une erreur serveur ({detail}), même après {attempts} tentatives. "
        "Réessayez plus tard : ce qui a été envoyé ne sera pas renvoyé.",
        "NumNum answered with a server error ({detail}), even after {attempts} attempts. Try "
        "again later: what was sent will not be sent twice.",
    ),
    "rate_limited": (
        "NumNum vraagt om trager te versturen (429) en bleef dat doen. Probeer later opnieuw.",
        "NumNum demande de ralentir (429) et continue à le faire. Réessayez plus tard.",
        "NumNum asks to slow down (429) and kept doing so. Try again later.",
    ),
    "transport": (
        "Geen verbinding met NumNum ({detail}), ook na {attempts} pogingen. Controleer de "
        "internetverbinding en start opnieuw: wat al verstuurd is, wordt niet opnieuw verstuurd.",
        "Pas de connexion avec NumNum ({detail}), même après {attempts} tentatives. Vérifiez la "
        "connexion internet et relancez : ce qui a été envoyé ne sera pas renvoyé.",
        "No connection with NumNum ({detail}), even after {attempts} attempts. Check the "
        "internet connection and start again: what was sent will not be sent twice.",
    ),
    "redirect": (
        "Het NumNum-adres stuurt door ({detail}): pas de API-URL aan naar het juiste adres.",
        "L'adresse NumNum redirige ({detail}) : corrigez l'URL de l'API.",
        "The NumNum address redirects ({detail}): set the API URL to the right address.",
    ),
    "protocol": (
        "Onverwacht antwoord van NumNum ({detail}). Is het API-adres juist?",
        "Réponse inattendue de NumNum ({detail}). L'adresse de l'API est-elle correcte ?",
        "Unexpected answer from NumNum ({detail}). Is the API address right?",
    ),
    "refused": (
        "NumNum weigerde het verzoek ({detail}).",
        "NumNum a refusé la requête ({detail}).",
        "NumNum refused the request ({detail}).",
    ),
}


class ApiError(Exception):
    """A request that did not succeed; :meth:`message` says why in the user's language.

    ``kind``: auth, invalid, not_found, server, rate_limited, transport, redirect, protocol or
    refused. ``field_errors`` (a 406) maps contract fields to the server's messages.
    ``retryable``: a later run may succeed (network, server trouble, rate limit).
    """

    def __init__(self, kind: str, status: int | None = None, detail: str = "",
                 field_errors: dict[str, list[str]] | None = None, attempts: int = 1) -> None:
        self.kind = kind
        self.status = status
        self.detail = detail
        self.field_errors = field_errors or {}
        self.attempts = attempts
        super().__init__(self.message("nl"))

    @property
    def retryable(self) -> bool:
        """Whether trying again later may succeed."""
        return self.kind in ("server", "rate_limited", "transport")

    def message(self, lang: str = "nl") -> str:
        """One or two sentences in ``lang`` (nl, fr, en)."""
        template = _ERRORS[self.kind][_LANG_INDEX.get(lang, 0)]
        detail = self.detail
        if self.kind == "invalid" and self.field_errors:
            colon = " : " if lang == "fr" else ": "
            detail = "; ".join(f"{_label(k, lang)}{colon}{', '.join(v)}"
                               for k, v in self.field_errors.items())
        return template.format(detail=detail or self.status or "?", attempts=self.attempts)


class AuthError(ApiError):
    """The token was refused (403)."""


class NotFound(ApiError):
    """404: the contact does not exist."""


# --- transport -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries.

    A request is tried at most ``attempts`` times on 5xx and connection trouble, waiting
    ``base * 2**n`` seconds (capped at ``cap``) times a random factor in [0.5, 1] between tries;
    429 answers wait ``Retry-After`` (at most ``max_retry_after`` each) and count separately,
    up to ``rate_limit_attempts``.
    """

    attempts: int = 6
    base: float = 0.25
    cap: float = 8.0
    rate_limit_attempts: int = 30
    max_retry_after: float = 120.0
    #: (connect, read) timeouts in seconds
    timeout: tuple[float, float] = (5.0, 30.0)

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before try ``attempt + 1`` (``attempt`` >= 1)."""
        return min(self.cap, self.base * (2 ** (attempt - 1))) * (0.5 + rng.random() / 2)


class BearerAuth:
    """``Authorization: Bearer <token>`` on every request; its ``repr`` hides the token.

    (An auth object, not a default header: ``requests`` then never replaces it with credentials
    from ``~/.netrc``, and drops it on a redirect to another host.)
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BearerAuth) and other._token == self._token

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Created:
    """The answer to a create: the contact, and whether NumNum had already made it for this
    Idempotency-Key (a retry or a resumed run)."""

    contact: dict[str, Any]
    replayed: bool


class NumNumClient:
    """The NumNum contacts API over ``requests``; safe to use from several threads.

    Each thread gets its own session (connection pool of one, keep-alive). A 429 makes every
    thread wait until its ``Retry-After`` has passed. ``stats`` counts what was sent.
    """

    def __init__(self, base_url: str, token: str, *, policy: RetryPolicy | None = None,
                 lang: str = "nl", seed: int | None = None) -> None:
        self.base_url = check_api_url(base_url)
        if not token:
            raise ValueError("empty API token")
        if not valid_token(token):
            raise ValueError("the API token holds a space, a line break or a character that "
                             "is not ASCII")
        check_token(token, "")  # remembered, so every message and log line redacts it
        self._auth = BearerAuth(token)
        self._secret = token
        self.policy = policy or RetryPolicy()
        self.lang = lang
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._not_before = 0.0  # monotonic time before which nobody sends (429)
        self._loopback = is_loopback(urlsplit(self.base_url).hostname or "")
        #: requests sent by method, retries, waits on 429
        self.stats: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"<NumNumClient {self.base_url}>"

    def __enter__(self) -> NumNumClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's session."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            with contextlib.suppress(Exception):
                s.close()

    def redact(self, text: str) -> str:
        """``text`` with the token (should a server echo it) replaced by ``***``."""
        return redact_tokens(text.replace(self._secret, "***") if self._secret else text)

    # -- sessions --------------------------------------------------------------------------
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            import requests
            from requests.adapters import HTTPAdapter

            s = requests.Session()
            s.auth = self._auth
            s.headers["User-Agent"] = f"numnum-xl/{__version__}"
            s.headers["Accept"] = "application/json"
            if self._loopback:
                s.trust_env = False  # no proxy from the environment for this computer
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
            s.mount("http://", adapter)
            s.mount("https://", adapter)
            self._local.session = s
            with self._lock:
                self._sessions.append(s)
        return s

    def _drop_session(self) -> None:
        """Forget this thread's session (after a broken connection: start clean)."""
        s = getattr(self._local, "session", None)
        if s is not None:
            self._local.session = None
            with self._lock:
                if s in self._sessions:
                    self._sessions.remove(s)
            with contextlib.suppress(Exception):
                s.close()

    def _wait_gate(self) -> None:
        while True:
            with self._lock:
                wait = self._not_before - time.monotonic()
            if wait <= 0:
                return
            time.sleep(min(wait, 1.0))

    def _hold_all(self, seconds: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)
            self.stats["rate_limited"] += 1

    def _retry_after(self, value: str | None) -> float:
        seconds = 1.0
        if value:
            try:
                seconds = float(value)
            except ValueError:
                with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                    when = parsedate_to_datetime(value)
                    seconds = when.timestamp() - time.time()
        seconds = max(0.0, min(seconds, self.policy.max_retry_after))
        with self._lock:
            jitter = self._rng.random() * 0.1
        return seconds + jitter

    def _sleep_backoff(self, attempt: int) -> None:
        with self._lock:
            delay = self.policy.delay(attempt, self._rng)
            self.stats["retries"] += 1
        time.sleep(delay)

    # -- one request -----------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                body: Any = None, idempotency_key: str | None = None,  # noqa: F811
                attempts: int | None = None) -> tuple[int, Any]:
        """Send one API request with retries; returns ``(status, decoded JSON or None)`` for a
        2xx answer, raises :class:`ApiError` otherwise.

        A ``POST`` is only retried when it carries ``idempotency_key``; ``attempts`` overrides
        the policy's number of tries (e.g. 1 for a best-effort check).
        """
        import requests

        url = self.base_url + path
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        retry_safe = method != "POST" or bool(idempotency_key)
        max_attempts = attempts or self.policy.attempts
        failures = limited = 0
        last = ""
        while True:
            self._wait_gate()
            with self._lock:
                self.stats[method] += 1
                self.stats["requests"] += 1
            try:
                response = self._session().request(
                    method, url, params=params, json=body, headers=headers,
                    timeout=self.policy.timeout, allow_redirects=False)
                status = response.status_code
                content = response.content
            except requests.exceptions.SSLError:  # a certificate does not get better by waiting
                self._drop_session()
                raise ApiError("transport", None, _describe_tls(), attempts=1) from None
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                self._drop_session()
                failures += 1
                last = _describe(exc)
                if not retry_safe or failures >= max_attempts:
                    raise ApiError("transport", None, self.redact(last),
                                   attempts=failures) from None
                self._sleep_backoff(failures)
                continue
            if status == 429:
                limited += 1
                if limited >= self.policy.rate_limit_attempts:
                    raise ApiError("rate_limited", 429, attempts=limited)
                self._hold_all(self._retry_after(response.headers.get("Retry-After")))
                continue
            if status in RETRY_STATUSES:
                failures += 1
                last = f"{status}"
                if not retry_safe or failures >= max_attempts:
                    raise ApiError("server", status, last, attempts=failures)
                self._sleep_backoff(failures)
                continue
            if 200 <= status < 300:
                if status == 204 or not content:
                    return status, None
                try:
                    return status, json.loads(content)
                except ValueError:  # a body cut short: the same as a dropped connection
                    self._drop_session()
                    failures += 1
                    last = "onvolledig antwoord"
                    if not retry_safe or failures >= max_attempts:
                        raise ApiError("transport", status, last, attempts=failures) from None
                    self._sleep_backoff(failures)
                    continue
            raise self._error(status, content, response.headers.get("Location"))

    def _error(self, status: int, content: bytes, location: str | None) -> ApiError:
        try:
            data = json.loads(content) if content else {}
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        message = self.redact(str(data.get("exception") or ""))[:300]
        if status in (401, 403):
            return AuthError("auth", status, message)
        if status == 404:
            return NotFound("not_found", status, message)
        if 300 <= status < 400:
            return ApiError("redirect", status, self.redact(location or str(status))[:200])
        if status in (400, 406, 409, 422):
            errors = data.get("errors")
            fields: dict[str, list[str]] = {}
            if isinstance(errors, dict):
                for key, msgs in errors.items():
                    items = msgs if isinstance(msgs, list) else [msgs]
                    fields[str(key)] = [self.redact(str(m))[:300] for m in items]
            return ApiError("invalid", status, message or str(status), fields)
        if status >= 500:
            return ApiError("server", status, f"{status}", attempts=1)
        return ApiError("refused", status, f"{status} {message}".strip())

    # -- the contract ----------------------------------------------------------------------
    def iter_contacts(self, per_page: int = PER_PAGE, **filters: str) -> Iterator[dict[str, Any]]:
        """Every contact (optionally filtered: external_id, vat_id, email), page by page."""
        page = 1
        seen = 0
        while True:
            _, data = self.request("GET", "/contacts",
                                   params={**filters, "page": page, "per_page": per_page})
            if not isinstance(data, dict) or not isinstance(data.get("data"), list):
                raise ApiError("protocol", 200, "GET /contacts: geen lijst")
            items = data["data"]
            yield from items
            seen += len(items)
            total = (data.get("meta") or {}).get("total")
            if not items or len(items) < per_page or (isinstance(total, int) and seen >= total):
                return
            page += 1

    def list_contacts(self, **filters: str) -> list[dict[str, Any]]:
        """:meth:`iter_contacts` as a list."""
        return list(self.iter_contacts(**filters))

    def find_first(self, **filters: str) -> dict[str, Any] | None:
        """The first contact matching ``filters`` (e.g. ``external_id``), tried once: for
        best-effort checks (:class:`ApiError` when the one try fails)."""
        _, data = self.request("GET", "/contacts", params={**filters, "page": 1, "per_page": 1},
                               attempts=1)
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ApiError("protocol", 200, "GET /contacts: geen lijst")
        return items[0] if items and isinstance(items[0], dict) else None

    def get_contact(self, contact_id: str) -> dict[str, Any]:
        """One contact (:class:`NotFound` if it does not exist)."""
        return self.request("GET", f"/contacts/{_quote(contact_id)}")[1]

    def create_contact(self, payload: Mapping[str, Any], idempotency_key: str) -> Created:  # noqa: F811
        """``POST /contacts`` with an Idempotency-Key (required: a create is always retried)."""
        if not idempotency_key:
            raise ValueError("a create needs an idempotency key")
        status, data = self.request("POST", "/contacts", body=dict(payload),
                                    idempotency_key=idempotency_key)
        if not isinstance(data, dict) or not data.get("id"):
            raise ApiError("protocol", status, "POST /contacts: geen id")
        return Created(data, status != 201)

    def update_contact(self, contact_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """``PUT /contacts/{id}``: the fields sent replace the stored ones."""
        return self.request("PUT", f"/contacts/{_quote(contact_id)}", body=dict(payload))[1]

    def delete_contact(self, contact_id: str) -> bool:
        """``DELETE /contacts/{id}``; False when it was already gone (e.g. a retried delete
        whose first answer was lost)."""
        try:
            self.request("DELETE", f"/contacts/{_quote(contact_id)}")
        except NotFound:
            return False
        return True


def _quote(contact_id: str) -> str:
    from urllib.parse import quote

    return quote(str(contact_id), safe="")


def _describe_tls() -> str:
    return "TLS-fout: het certificaat van de server wordt niet vertrouwd"


def _describe(exc: BaseException) -> str:
    """A short, token-free description of a transport failure."""
    import requests

    if isinstance(exc, requests.ConnectTimeout):
        return "verbinden duurde te lang"
    if isinstance(exc, requests.ReadTimeout):
        return "antwoord bleef uit"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "Connection refused" in text or "NewConnectionError" in text:
            return "verbinding geweigerd"
        if "Name or service not known" in text or "getaddrinfo" in text \
                or "NameResolutionError" in text:
            return "servernaam onbekend"
        return "verbinding verbroken"
    return "verbinding verbroken"  # never a Python class name in a message
