"""VIES check: is each customer's VAT number live, and does the register agree on who it is?

Uses the European Commission's VIES REST API (Swagger "Vies on-the-Web Endpoint" 1.0.0,
``swagger_publicVAT.yaml``): ``GET /check-status`` first (VIES itself and each member state's
availability: "Available", "Unavailable", "Monitoring Disabled"), then
``POST /check-vat-number`` with ``countryCode`` and ``vatNumber`` and, when the user's own VAT
number is set, ``requesterMemberStateCode``/``requesterNumber``: only then does VIES return a
``requestIdentifier``, the consultation number that proves the check (reverse charge).

Errors come as ``{"actionSucceed": false, "errorWrappers": [{"error": CODE}]}`` (or, in a
200 answer, as ``userError``). ``INVALID_INPUT`` is final; ``GLOBAL_MAX_CONCURRENT_REQ``,
``MS_MAX_CONCURRENT_REQ`` (and their ``_TIME`` variants), ``SERVICE_UNAVAILABLE``,
``MS_UNAVAILABLE``, ``TIMEOUT`` and HTTP 429/5xx mean "try later": they are retried with
exponential backoff, at most :attr:`ViesSettings.per_country` requests per member state at a
time (VIES' limits are per member state and undocumented). A number VIES could not check is
"niet gecontroleerd" with the reason, never "ongeldig". Greece is ``EL`` in VIES.

Results are cached per number per day in the user's config folder (``vies-cache.json``), so a
rerun the same day asks VIES only for what is new. VIES returns a sole trader's name and
address: personal data, kept in that local file only until the next day's run replaces it.

>>> vies_country("GR"), vies_country("BE"), vies_country("US")
('EL', 'BE', None)
>>> differs_name("Bakkerij Janssen BV", "BAKKERIJ JANSSEN")
False
>>> differs_name("Garage Peeters NV", "JANSSENS BOUWWERKEN")
True
>>> differs_address("Wetstraat 16", "1000", "Brussel", "Rue de la Loi 16\\n1000 Bruxelles")
False
>>> differs_address("Kerkstraat 1", "9000", "Gent", "Marktplein 5\\n3500 Hasselt")
True
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from numnum_xl.online import (
    ERROR,
    OK,
    TIMEOUT,
    UNCHECKED,
    WARNING,
    OnlineResult,
    country_code,
    endpoint,
    failure_code,
    join,
    reason,
)

DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api"
ENV_URL = "NUMNUM_XL_VIES_URL"
#: The user's own VAT number (with country prefix), for consultation numbers.
ENV_REQUESTER = "NUMNUM_XL_OWN_VAT"
SERVICE = "VIES"

#: Member states as VIES names them (Greece EL, Northern Ireland XI).
VIES_COUNTRIES = frozenset((
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI"))
RETRYABLE = frozenset({"GLOBAL_MAX_CONCURRENT_REQ", "GLOBAL_MAX_CONCURRENT_REQ_TIME",
                       "MS_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ_TIME",
                       "SERVICE_UNAVAILABLE", "MS_UNAVAILABLE", "TIMEOUT"})
_TRANSPORT = frozenset({"online.reason.timeout", "online.reason.offline", "online.reason.proxy"})
#: VIES writes "---" for a field a member state does not publish.
_NOT_PUBLISHED = {"", "---", "n/a"}

VALID, INVALID, INVALID_INPUT, FAILED = "valid", "invalid", "invalid_input", "failed"


def vies_country(iso: str | None) -> str | None:
    """The VIES code of ISO country ``iso`` (GR → EL), or None when VIES does not cover it."""
    code = {"GR": "EL"}.get((iso or "").upper(), (iso or "").upper())
    return code if code in VIES_COUNTRIES else None


@dataclass
class ViesSettings:
    """Where VIES is, who asks, and how politely."""

    url: str = DEFAULT_URL
    #: the user's own VAT number ("BE0403019261"); None: no consultation numbers
    requester: str | None = None
    per_country: int = 2
    workers: int = 6
    attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = 20.0
    cache: bool = True
    cache_dir: Path | None = None
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @classmethod
    def from_env(cls, **overrides: Any) -> ViesSettings:
        """Settings from the environment, then ``overrides`` (None values ignored)."""
        s = cls(url=endpoint(None, ENV_URL, DEFAULT_URL),
                requester=os.environ.get(ENV_REQUESTER) or stored_requester())
        for k, v in overrides.items():
            if v is not None:
                setattr(s, k, v)
        return s


def split_requester(text: str | None) -> tuple[str, str] | None:
    """("BE", "0403019261") from the user's own VAT number, or None when it is not one.

    >>> split_requester("BE 0403.019.261"), split_requester("0403019261"), split_requester("")
    (('BE', '0403019261'), None, None)
    """
    from numnum_xl.rules.vat import compact, split_prefix

    if not text:
        return None
    iso, _ = split_prefix(text)
    cc = vies_country(iso)
    if iso is None or cc is None:
        return None
    return cc, compact(text, iso)


# --- comparing the register with the row -------------------------------------------------------

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    return re.sub(r"[^A-Z0-9]+", " ", text).strip()


def _legal_forms() -> frozenset[str]:
    from numnum_xl.catalogue import LEGAL_FORM_ALIASES, LEGAL_FORMS

    words = {_norm(lf.code) for lf in LEGAL_FORMS} | {_norm(a) for a in LEGAL_FORM_ALIASES}
    words |= {w.replace(" ", "") for w in words}
    return frozenset(w for w in words if w and " " not in w)


def _name_tokens(text: str) -> str:
    forms = _legal_forms()
    return " ".join(w for w in _norm(text).split() if w not in forms)


def differs_name(row_name: str, registered: str) -> bool:
    """Whether the registered name is clearly another than the row's (legal forms, case,
    accents and word order do not count)."""
    from rapidfuzz import fuzz

    a, b = _name_tokens(row_name), _name_tokens(registered)
    if not a or not b:
        return False
    return fuzz.token_set_ratio(a, b) < 60 and fuzz.partial_ratio(a, b) < 80


def differs_address(street: str, postcode: str, city: str, registered: str) -> bool:
    """Whether the registered address is clearly another than the row's: another postcode
    (street names may be in the other national language), or, without postcodes to compare,
    hardly a word in common."""
    from rapidfuzz import fuzz

    theirs = _norm(registered)
    codes = re.findall(r"\b\d{4,5}\b", theirs)
    ours = _norm(postcode or "")
    if ours and codes:
        return ours not in codes
    mine = _norm(" ".join(p for p in (street, postcode, city) if p))
    if not mine or not theirs:
        return False
    return fuzz.token_set_ratio(mine, theirs) < 40


# --- the per-day cache ---------------------------------------------------------------------------

class Cache:
    """Definitive answers (valid, invalid) of today, per number and requester."""

    FILE = "vies-cache.json"

    def __init__(self, folder: Path | None, today: str) -> None:
        self.today = today
        self.path = (folder / self.FILE) if folder else None
        self.entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if self.path and self.path.is_file():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if isinstance(data, dict) and data.get("date") == today:
                    self.entries = dict(data.get("entries") or {})
            except (OSError, ValueError):
                self.entries = {}

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self.entries.get(key)

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self.entries[key] = entry
            self._dirty = True

    def save(self) -> None:
        """Write the cache (atomically); a folder that cannot be written is no error."""
        if not (self.path and self._dirty):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"date": self.today, "entries": self.entries},
                                      ensure_ascii=False), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


def default_cache_dir() -> Path:
    """numnum-xl's config folder (``NUMNUM_XL_CONFIG_DIR`` or the user's config dir)."""
    from numnum_xl.settings import config_dir

    return config_dir()


#: The VIES settings file in the config folder: the user's own VAT number.
SETTINGS_FILE = "vies.json"


def stored_requester(folder: Path | None = None) -> str | None:
    """The own VAT number kept with ``numnum-xl vies --eigen-btw … --bewaar``, or None."""
    try:
        data = json.loads(((folder or default_cache_dir()) / SETTINGS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("own_vat") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def store_requester(value: str, folder: Path | None = None) -> Path:
    """Keep ``value`` as the user's own VAT number (atomically); returns the file."""
    path = (folder or default_cache_dir()) / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"own_vat": value}) + "\n", "utf-8")
    os.replace(tmp, path)
    return path


# --- talking to VIES ---------------------------------------------------------------------------

@dataclass
class Answer:
    """What VIES said about one number."""

    kind: str  # valid | invalid | invalid_input | failed
    date: str = ""
    consultation: str = ""
    name: str = ""
    address: str = ""
    reason: str = ""  # online.reason.* code, for failed
    detail: str = ""


class Client:
    """VIES with per-member-state concurrency and backoff."""

    def __init__(self, settings: ViesSettings, http=None) -> None:
        from numnum_xl.online import session

        self.s = settings
        self.http = http or session()
        self._sems: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.Semaphore(max(1, settings.per_country)))
        self._lock = threading.Lock()
        self.requests = 0
        self._answered = 0
        self._lost: list[Answer] = []

    #: after this many requests lost in transport (timeout, no connection, proxy) without one
    #: answer from VIES, the rest are not sent: they would only wait for the same timeout
    BREAKER = 6

    def _sem(self, cc: str) -> threading.Semaphore:
        with self._lock:
            return self._sems[cc]

    def status(self) -> tuple[bool, dict[str, str]] | Answer:
        """(VIES available?, member state → availability), or a failed Answer."""
        import requests

        try:
            resp = self.http.get(f"{self.s.url}/check-status", timeout=TIMEOUT,
                                 headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            code, detail = failure_code(exc)
            return Answer(FAILED, reason=code, detail=detail)
        self.requests += 1
        if resp.status_code != 200:
            return Answer(FAILED, reason="online.reason.http_status",
                          detail=str(resp.status_code))
        try:
            data = resp.json()
        except ValueError:
            return Answer(FAILED, reason="online.reason.empty" if not resp.content.strip()
                          else "online.reason.bad_response")
        if not isinstance(data, dict):
            return Answer(FAILED, reason="online.reason.bad_response")
        vow = data.get("vow") if isinstance(data.get("vow"), dict) else {}
        countries = {str(c.get("countryCode", "")).upper(): str(c.get("availability", ""))
                     for c in data.get("countries") or [] if isinstance(c, dict)}
        return bool(vow.get("available", True)), countries

    def check(self, cc: str, number: str, requester: tuple[str, str] | None) -> Answer:
        """Ask VIES about ``cc`` + ``number``; retries what VIES says to retry."""
        body = {"countryCode": cc, "vatNumber": number}
        if requester:
            body["requesterMemberStateCode"], body["requesterNumber"] = requester
        answer = Answer(FAILED, reason="online.reason.error", detail="-")
        for attempt in range(max(1, self.s.attempts)):
            with self._lock:
                if self._answered == 0 and len(self._lost) >= self.BREAKER:
                    return self._lost[-1]
            with self._sem(cc):
                answer, again, wait = self._once(body)
            with self._lock:
                if answer.reason in _TRANSPORT:
                    self._lost.append(answer)
                else:
                    self._answered += 1
            if not again:
                return answer
            if attempt + 1 < self.s.attempts:
                delay = wait if wait is not None else min(
                    self.s.max_backoff, self.s.backoff * 2 ** attempt)
                self.s.sleep(delay * (1 + random.random() * 0.25))
        return answer

    @staticmethod
    def _retry(answer: Answer, wait: float | None = None) -> tuple[Answer, bool, float | None]:
        return answer, True, wait

    def _once(self, body: dict[str, str]) -> tuple[Answer, bool, float | None]:
        """One request: (answer, try again?, seconds the server asks to wait)."""
        import requests

        try:
            resp = self.http.post(f"{self.s.url}/check-vat-number", json=body,
                                  timeout=TIMEOUT, headers={"Accept": "application/json"})
        except requests.Timeout:
            return self._retry(Answer(FAILED, reason="online.reason.timeout"))
        except requests.RequestException as exc:
            code, detail = failure_code(exc)
            return Answer(FAILED, reason=code, detail=detail), False, None
        finally:
            self.requests += 1
        retry_after = _seconds(resp.headers.get("Retry-After"))
        if resp.status_code == 429:
            return self._retry(Answer(FAILED, reason="online.reason.busy", detail="HTTP 429"),
                               retry_after)
        data: Any = None
        if resp.content.strip():
            try:
                data = resp.json()
            except ValueError:
                data = None
        codes = _error_codes(data)
        if codes:
            code = codes[0]
            if code in RETRYABLE:
                why = "online.reason.ms_unavailable" if code == "MS_UNAVAILABLE" \
                    else "online.reason.busy"
                return self._retry(Answer(FAILED, reason=why, detail=code), retry_after)
            if code == "INVALID_INPUT":
                return Answer(INVALID_INPUT, detail=code), False, None
            if code == "INVALID_REQUESTER_INFO":
                return Answer(FAILED, reason="online.reason.requester",
                              detail="".join(body.get(k, "") for k in (
                                  "requesterMemberStateCode", "requesterNumber"))), False, None
            return Answer(FAILED, reason="online.reason.blocked", detail=code), False, None
        if resp.status_code >= 500:
            return self._retry(Answer(FAILED, reason="online.reason.http_status",
                                      detail=str(resp.status_code)), retry_after)
        if resp.status_code != 200:
            return Answer(FAILED, reason="online.reason.http_status",
                          detail=str(resp.status_code)), False, None
        if data is None:
            why = "online.reason.empty" if not resp.content.strip() \
                else "online.reason.bad_response"
            return self._retry(Answer(FAILED, reason=why))
        valid = data.get("valid", data.get("isValid")) if isinstance(data, dict) else None
        if not isinstance(valid, bool):
            return Answer(FAILED, reason="online.reason.bad_response"), False, None
        return Answer(VALID if valid else INVALID,
                      date=str(data.get("requestDate") or "")[:10],
                      consultation=str(data.get("requestIdentifier") or ""),
                      name=_published(data.get("name")),
                      address=_published(data.get("address"))), False, None


def _seconds(header: str | None) -> float | None:
    if not header:
        return None
    try:
        return min(max(float(header), 0.0), 60.0)
    except ValueError:
        return None


def _error_codes(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    codes = [str(w.get("error")) for w in data.get("errorWrappers") or []
             if isinstance(w, dict) and w.get("error")]
    user = str(data.get("userError") or "").upper()
    if user and user not in ("VALID", "INVALID"):
        codes.append(user)
    return codes


def _published(value: Any) -> str:
    text = str(value or "").strip()
    return "" if text.lower() in _NOT_PUBLISHED else text


# --- rows ------------------------------------------------------------------------------------

@dataclass
class _Item:
    row: int
    values: dict[str, Any]
    cc: str = ""
    number: str = ""
    result: OnlineResult | None = None


class _Run:
    def __init__(self, settings: ViesSettings, lang: str, http=None) -> None:
        self.s, self.lang = settings, lang
        self.client = Client(settings, http)
        self.requester = split_requester(settings.requester)
        today = dt.date.today().isoformat()
        self.cache = Cache((settings.cache_dir or default_cache_dir()) if settings.cache
                           else None, today)

    def msg(self, code: str, **params: Any) -> str:
        from numnum_xl.messages import render

        return render(code, self.lang, params)

    def unchecked(self, row: int, code: str, **params: Any) -> OnlineResult:
        text = self.msg("vies.unchecked", reason=reason(code, self.lang, service=SERVICE,
                                                        **params))
        return OnlineResult(row, UNCHECKED, UNCHECKED, text)

    def prepare(self, item: _Item) -> None:
        """The VIES country and number of a row, or its "not checked" result."""
        from numnum_xl.rules import vat as vat_rules
        from numnum_xl.rules.base import Issue

        v = item.values
        value = v.get("vat_id")
        iso = country_code(v.get("vat_country_code"))
        if value is None or str(value).strip() == "":
            item.result = self.unchecked(item.row, "online.reason.no_vat")
            return
        value = str(value).strip()
        if iso is None:
            iso, _ = vat_rules.split_prefix(value)
        if iso is None:
            item.result = self.unchecked(item.row, "online.reason.no_vat")
            return
        found: tuple[Issue, ...] = vat_rules.check(value, iso)
        if any(i.severity == "error" for i in found):
            item.result = self.unchecked(item.row, "online.reason.vat_invalid")
            return
        cc = vies_country(iso)
        if cc is None:
            item.result = self.unchecked(item.row, "online.reason.not_vies", country=iso)
            return
        item.cc, item.number = cc, vat_rules.compact(value, iso)

    def key(self, item: _Item) -> str:
        who = "".join(self.requester) if self.requester else ""
        return f"{item.cc}{item.number}|{who}"

    def compose(self, item: _Item, answer: Answer, cached: bool = False) -> OnlineResult:
        vat = f"{item.cc}{item.number}"
        details = {"vat": vat, "date": answer.date, "cached": cached}
        if answer.kind == FAILED:
            r = self.unchecked(item.row, answer.reason or "online.reason.error",
                               detail=answer.detail, status=answer.detail,
                               country={"EL": "GR", "XI": "GB"}.get(item.cc, item.cc))
            r.details = details
            return r
        if answer.kind == INVALID_INPUT:
            return OnlineResult(item.row, INVALID, ERROR, self.msg("vies.invalid_input",
                                                                   vat=vat), {}, details)
        if answer.kind == INVALID:
            return OnlineResult(item.row, INVALID, ERROR,
                                self.msg("vies.invalid", vat=vat, date=answer.date), {},
                                details)
        if answer.consultation:
            text = self.msg("vies.valid_consultation", date=answer.date,
                            consultation=answer.consultation)
        else:
            text = self.msg("vies.valid", date=answer.date)
        details.update(consultation=answer.consultation, name=answer.name,
                       address=answer.address)
        v = item.values
        own = _text(v.get("title")) or " ".join(
            p for p in (_text(v.get("first_name")), _text(v.get("last_name"))) if p)
        notes = []
        if answer.name and own and differs_name(own, answer.name):
            notes.append(self.msg("vies.name_differs", registered=answer.name, value=own))
        if answer.address and differs_address(_text(v.get("address")),
                                              _text(v.get("address_zip")),
                                              _text(v.get("address_city")), answer.address):
            ours = ", ".join(p for p in (_text(v.get("address")), " ".join(
                p for p in (_text(v.get("address_zip")), _text(v.get("address_city"))) if p))
                             if p)
            notes.append(self.msg("vies.address_differs",
                                  registered=" ".join(answer.address.split()), value=ours))
        return OnlineResult(item.row, VALID, WARNING if notes else OK, join(text, *notes), {},
                            details)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def check_values(rows: list[tuple[int, dict[str, Any]]], *, lang: str = "nl",
                 progress: Callable[[int, int], None] | None = None,
                 settings: ViesSettings | None = None, http=None) -> list[OnlineResult]:
    """The VIES result for each (sheet row, values) pair, in the same order."""
    run = _Run(settings or ViesSettings.from_env(), lang, http)
    items = [_Item(row, values) for row, values in rows]
    total, done = len(items), 0
    lock = threading.Lock()

    def advance(n: int) -> None:
        nonlocal done
        with lock:
            done += n
            if progress and n:
                progress(done, total)

    for item in items:
        run.prepare(item)
    pending: dict[str, list[_Item]] = defaultdict(list)
    for item in items:
        if item.result is None:
            hit = run.cache.get(run.key(item))
            if hit is not None:
                item.result = run.compose(item, Answer(**hit), cached=True)
            else:
                pending[run.key(item)].append(item)
    advance(sum(1 for i in items if i.result is not None))
    if pending:
        status = run.client.status()
        if isinstance(status, Answer):  # VIES unreachable: every row says why
            for group in pending.values():
                for item in group:
                    item.result = run.compose(item, status)
            pending.clear()
        else:
            up, countries = status
            for key in list(pending):
                group = pending[key]
                state = countries.get(group[0].cc, "Available")
                if not up or state == "Unavailable":
                    why = Answer(FAILED, reason="online.reason.vies_down") if not up else \
                        Answer(FAILED, reason="online.reason.ms_unavailable")
                    for item in group:
                        item.result = run.compose(item, why)
                    del pending[key]
        advance(total - done - sum(len(g) for g in pending.values()))

    def ask(key: str) -> None:
        group = pending[key]
        first = group[0]
        try:
            answer = run.client.check(first.cc, first.number, run.requester)
        except Exception as exc:  # never a traceback for one number
            answer = Answer(FAILED, reason="online.reason.error", detail=type(exc).__name__)
        if answer.kind in (VALID, INVALID, INVALID_INPUT):
            run.cache.put(key, answer.__dict__.copy())
        for item in group:
            item.result = run.compose(item, answer)
        advance(len(group))

    if pending:
        with ThreadPoolExecutor(max(1, min(run.s.workers, len(pending)))) as pool:
            list(pool.map(ask, list(pending)))
    run.cache.save()
    return [i.result for i in items if i.result is not None]


def check_report(report, *, lang: str = "nl", requester: str | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 settings: ViesSettings | None = None) -> list[OnlineResult]:
    """The VIES result of every data row of ``report``; ``requester`` is the user's own VAT
    number (with country prefix), for consultation numbers."""
    from numnum_xl.peppol import report_rows

    settings = settings or ViesSettings.from_env()
    if requester:
        settings.requester = requester
    return check_values(report_rows(report), lang=lang, progress=progress, settings=settings)
