"""Talking to VIES: check-status, check-vat-number, retries, per-member-state limits.

>>> vies_country("GR"), vies_country("BE"), vies_country("US")
('EL', 'BE', None)
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from numnum_xl.online import TIMEOUT, endpoint, failure_code

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
        from numnum_xl.vies.cache import stored_requester

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
