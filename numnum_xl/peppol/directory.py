"""Names from the Peppol Directory (opt-in; absence there proves nothing).

``GET {directory}/search/1.0/json?participant=iso6523-actorid-upis::0208:...`` answers
``{"matches": [{"participantID": ..., "entities": [{"name": [{"name": ...}], ...}]}]}``
(phoss-directory's PublicSearchXServletHandler). The Directory allows 2 requests per second
per IP address and answers 429 with ``Retry-After: 2`` beyond that, so every request here
waits for its turn (one per :attr:`Directory.interval` seconds) and a 429 is retried after the
time the server asks. An empty body is taken as "no match".
"""

from __future__ import annotations

import threading
import time

from numnum_xl.online import TIMEOUT
from numnum_xl.peppol.ids import PARTICIPANT_SCHEME

DEFAULT_URL = "https://directory.peppol.eu"


class Directory:
    """A rate-limited client of the Peppol Directory's search API."""

    def __init__(self, http, base_url: str = DEFAULT_URL, interval: float = 0.5,
                 retries: int = 2, sleep=time.sleep, clock=time.monotonic) -> None:
        self.http, self.base_url, self.interval = http, base_url.rstrip("/"), interval
        self.retries, self._sleep, self._clock = retries, sleep, clock
        self._lock = threading.Lock()
        self._next = 0.0
        self.requests = 0

    def _turn(self) -> None:
        with self._lock:
            now = self._clock()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            self._sleep(wait)

    def name(self, value: str) -> str | None:
        """The registered business name of participant ``value``, or None (not listed, or
        the Directory could not be asked: a name is a courtesy, never a verdict)."""
        import requests

        url = f"{self.base_url}/search/1.0/json"
        for attempt in range(self.retries + 1):
            self._turn()
            self.requests += 1
            try:
                resp = self.http.get(url, params={"participant": f"{PARTICIPANT_SCHEME}::{value}"},
                                     timeout=TIMEOUT)
            except requests.RequestException:
                return None
            if resp.status_code == 429 and attempt < self.retries:
                self._sleep(_retry_after(resp.headers.get("Retry-After")))
                continue
            if resp.status_code != 200 or not resp.content.strip():
                return None
            try:
                data = resp.json()
            except ValueError:
                return None
            return _first_name(data)
        return None


def _retry_after(header: str | None) -> float:
    try:
        return min(max(float(header or 2), 0.0), 30.0)
    except ValueError:
        return 2.0


def _first_name(data) -> str | None:
    if not isinstance(data, dict):
        return None
    for match in data.get("matches") or []:
        for entity in (match or {}).get("entities") or []:
            for name in (entity or {}).get("name") or []:
                if isinstance(name, dict) and name.get("name"):
                    return str(name["name"])
    return None
