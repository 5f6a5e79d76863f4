"""What the online checks (Peppol, VIES) share: the per-row result, reasons, HTTP plumbing.

Online checks run only when the user asks (``numnum-xl peppol``, ``numnum-xl vies``, the
ribbon buttons); validation never touches the network. Every failure of the network or of a
service becomes a per-row "not checked" with its reason, never an exception and never a
negative answer.

>>> r = OnlineResult(5, "unchecked", "unchecked", "x")
>>> r.as_json()["severity"]
'unchecked'
>>> reason("online.reason.timeout", "nl", service="VIES")
'VIES antwoordde niet op tijd'
>>> is_loopback("http://127.0.0.1:8080/x"), is_loopback("https://smp.example.org/")
(True, False)
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from numnum_xl.messages import render

OK, WARNING, ERROR, UNCHECKED = "ok", "warning", "error", "unchecked"
#: How long one request may take (connect, read) in seconds.
TIMEOUT = (5.0, 20.0)
USER_AGENT = "numnum-xl (customer list check; +https://numnum.be)"


@dataclass
class OnlineResult:
    """The outcome of one online check for one sheet row."""

    row: int
    state: str
    severity: str
    text: str
    fixes: dict[str, str] = field(default_factory=dict)
    #: what was asked and answered (participant ids, dates, consultation number ...)
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The result as the commands' ``--json`` prints it."""
        return {"row": self.row, "state": self.state, "severity": self.severity,
                "text": self.text, "fixes": self.fixes, "details": self.details}


def reason(code: str, lang: str, **params: Any) -> str:
    """The text of reason ``code`` (an ``online.reason.*`` message) in ``lang``."""
    return render(code, lang, params)


def join(*parts: str) -> str:
    """Sentences of one result, in order."""
    return "; ".join(p for p in parts if p)


def country_code(value: Any) -> str | None:
    """The ISO code a country cell means ("BE", "be", "België" → "BE"), or None.

    >>> country_code("België"), country_code(" be "), country_code("EL"), country_code(None)
    ('BE', 'BE', 'GR', None)
    """
    from numnum_xl.rules import country as countries

    text = str(value or "").strip()
    if not text:
        return None
    if text.upper() in ("EL", "XI"):  # VAT prefixes of Greece and Northern Ireland
        return {"EL": "GR", "XI": "GB"}[text.upper()]
    if text.upper() in countries.codes():
        return text.upper()
    return countries.lookup(text)


def endpoint(option: str | None, env: str, default: str) -> str:
    """The service address: the command-line option, else environment variable ``env``,
    else the real service (tests point these at servers they run on loopback)."""
    return (option or os.environ.get(env) or default).rstrip("/")


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session():
    """A requests session; it honours the system's proxy settings (HTTPS_PROXY, NO_PROXY,
    the OS's on Windows and macOS) like any other program on the machine."""
    import requests

    s = requests.Session()
    s.headers["User-Agent"] = USER_AGENT
    s.trust_env = True
    return s


#: The most an answer may weigh (a service group of a few hundred document types is ~200 kB).
MAX_BODY = 4 * 1024 * 1024


class TooLarge(Exception):
    """An answer larger than :data:`MAX_BODY`."""


def read_body(resp, limit: int = MAX_BODY) -> bytes:
    """The body of a streamed response, refusing more than ``limit`` bytes."""
    chunks, size = [], 0
    for chunk in resp.iter_content(65536):
        size += len(chunk)
        if size > limit:
            resp.close()
            raise TooLarge(size)
        chunks.append(chunk)
    return b"".join(chunks)


def failure_code(exc: BaseException) -> tuple[str, str]:
    """(``online.reason.*`` code, detail) for a request that raised ``exc``."""
    import requests

    if isinstance(exc, requests.exceptions.ProxyError):
        return "online.reason.proxy", ""
    if isinstance(exc, requests.exceptions.SSLError):
        return "online.reason.tls", ""
    if isinstance(exc, requests.exceptions.Timeout):
        return "online.reason.timeout", ""
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "online.reason.offline", ""
    return "online.reason.error", type(exc).__name__


def failure(exc: BaseException, service: str, lang: str) -> str:
    """The reason text for a request that raised ``exc`` (timeout, offline, proxy ...)."""
    code, detail = failure_code(exc)
    return reason(code, lang, service=service, detail=detail)
