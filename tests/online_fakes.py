"""Servers the online-check tests start on loopback: a DNS server answering NAPTR queries
(responses built with dnspython, over UDP on 127.0.0.1), and a small HTTP server whose
answers a test scripts (SMP, Peppol Directory, VIES). Nothing here leaves the machine.

The DNS names are computed here from the specification's formula (hashlib + base64), not
with numnum_xl's own code, so a wrong hash in numnum_xl would make lookups miss.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dns.flags
import dns.message
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype

ZONE = "participant.sml.test.tech.peppol.org"


def spec_name(value: str, zone: str = ZONE) -> str:
    """PFUOI 4.4 POLICY 7: base32(sha256(lowercase(value))) without padding, lower-cased."""
    digest = hashlib.sha256(value.lower().encode()).digest()
    label = base64.b32encode(digest).decode().rstrip("=").lower()
    return f"{label}.iso6523-actorid-upis.{zone}."


class FakeDns:
    """A UDP DNS server on 127.0.0.1: NAPTR records per participant, SERVFAIL or silence
    (a timeout) on request, NXDOMAIN for everything else."""

    def __init__(self, zone: str = ZONE) -> None:
        self.zone = zone
        self.naptr: dict[str, list[str]] = {}
        self.servfail: set[str] = set()
        self.silent: set[str] = set()
        #: answer nothing at all (a DNS server that is gone)
        self.drop_all = False
        self.queries: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def register(self, value: str, smp_url: str, *, service: str = "Meta:SMP",
                 flags: str = "U") -> None:
        """Participant ``value`` is served by the SMP at ``smp_url``."""
        self.naptr.setdefault(spec_name(value, self.zone), []).append(
            f'100 10 "{flags}" "{service}" "!^.*$!{smp_url}!" .')

    def fail(self, value: str) -> None:
        self.servfail.add(spec_name(value, self.zone))

    def drop(self, value: str) -> None:
        self.silent.add(spec_name(value, self.zone))

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            try:
                query = dns.message.from_wire(data)
            except Exception:
                continue
            name = query.question[0].name.to_text().lower()
            self.queries.append(name)
            if self.drop_all or name in self.silent:
                continue
            resp = dns.message.make_response(query)
            resp.flags |= dns.flags.AA
            if name in self.servfail:
                resp.set_rcode(dns.rcode.SERVFAIL)
            elif name in self.naptr:
                rrset = resp.find_rrset(resp.answer, query.question[0].name,
                                        dns.rdataclass.IN, dns.rdatatype.NAPTR, create=True)
                for text in self.naptr[name]:
                    rrset.add(dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.NAPTR, text),
                              ttl=60)
            else:
                resp.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(resp.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


Reply = tuple[int, dict[str, str], bytes]


class FakeHttp:
    """An HTTP server on 127.0.0.1 whose answers come from ``handler(method, path, query,
    body) -> (status, headers, body)``; every request is recorded with its time."""

    def __init__(self, handler: Callable[[str, str, dict[str, list[str]], Any], Reply]
                 ) -> None:
        self.handler = handler
        self.requests: list[tuple[float, str, str, dict, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _do(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                query = parse_qs(parts.query)
                fake.requests.append((time.monotonic(), method, parts.path, query, body))
                status, headers, content = fake.handler(method, parts.path, query, body)
                if status == 0:  # drop the connection without an answer
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_GET(self) -> None:
                self._do("GET")

            def do_POST(self) -> None:
                self._do("POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def json_reply(data: Any, status: int = 200, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(data).encode()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
