"""The SML lookup: which SMP serves a participant (U-NAPTR over DNS, dnspython).

An answer is one of three kinds: ``found`` (the SMP's address), ``absent`` (NXDOMAIN or no
``Meta:SMP`` record: the participant is not registered) and ``failed`` (timeout, SERVFAIL, no
network: we do not know). Only ``absent`` may ever be reported as "not on Peppol".

The NAPTR regular expression is applied as RFC 3403/4848 say (``!^.*$!https://smp.example!``):

>>> apply_regexp("!^.*$!https://smp.example.org!", "abc.iso6523-actorid-upis.zone")
'https://smp.example.org'
>>> apply_regexp("!^(.*)$!https://\\\\1.example!i", "ABC")
'https://ABC.example'
>>> apply_regexp("broken", "x") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from numnum_xl.peppol.ids import NAPTR_SERVICE, PRODUCTION_ZONE, dns_name

FOUND, ABSENT, FAILED = "found", "absent", "failed"


@dataclass(frozen=True)
class SmlAnswer:
    """What the SML said about one participant."""

    kind: str
    smp_url: str | None = None
    #: for ``failed``: an ``online.reason.*`` code and its detail
    reason: str | None = None
    detail: str = ""


def apply_regexp(regexp: str, domain: str) -> str | None:
    """The URI a U-NAPTR ``regexp`` field makes of ``domain`` (None when malformed)."""
    if len(regexp) < 4:
        return None
    sep = regexp[0]
    parts = regexp[1:].split(sep)
    if len(parts) != 3:
        return None
    pattern, replacement, flags = parts
    replacement = re.sub(r"\\(\d)", r"\\g<\1>", replacement)
    try:
        out, n = re.subn(pattern, replacement, domain, count=1,
                         flags=re.IGNORECASE if "i" in flags.lower() else 0)
    except (re.error, IndexError):
        return None
    return out if n else None


class Resolver:
    """Asks the DNS for a participant's NAPTR records.

    ``nameserver`` ("127.0.0.1:5353") replaces the system's resolvers (tests run their own
    DNS server on loopback); ``zone`` the SML zone (production by default).
    """

    def __init__(self, zone: str = PRODUCTION_ZONE, nameserver: str | None = None,
                 timeout: float = 4.0, lifetime: float = 10.0) -> None:
        import dns.resolver

        self.zone = zone
        try:
            self._resolver = dns.resolver.Resolver(configure=nameserver is None)
            self._error = None
        except Exception as exc:  # no resolv.conf, no network configuration at all
            self._resolver = dns.resolver.Resolver(configure=False)
            self._error = f"{type(exc).__name__}"
        if nameserver:
            host, _, port = nameserver.rpartition(":") if nameserver.count(":") == 1 \
                else (nameserver, "", "")
            self._resolver.nameservers = [host or nameserver]
            if port:
                self._resolver.port = int(port)
        self._resolver.timeout = timeout
        self._resolver.lifetime = lifetime

    def lookup(self, value: str) -> SmlAnswer:
        """Where participant ``value`` (``0208:0403019261``) is served, if anywhere."""
        import dns.exception
        import dns.resolver

        if self._error:
            return SmlAnswer(FAILED, reason="online.reason.offline")
        name = dns_name(value, self.zone)
        try:
            answer = self._resolver.resolve(name, "NAPTR", search=False)
        except dns.resolver.NXDOMAIN:
            return SmlAnswer(ABSENT)
        except dns.resolver.NoAnswer:
            return SmlAnswer(ABSENT)
        except dns.resolver.NoNameservers as exc:
            return SmlAnswer(FAILED, reason="online.reason.dns_failure",
                             detail=_rcode(exc) or "SERVFAIL")
        except dns.exception.Timeout:
            return SmlAnswer(FAILED, reason="online.reason.timeout")
        except dns.resolver.NoResolverConfiguration:
            return SmlAnswer(FAILED, reason="online.reason.offline")
        except (dns.exception.DNSException, OSError) as exc:
            return SmlAnswer(FAILED, reason="online.reason.dns_failure",
                             detail=type(exc).__name__)
        records = sorted((r for r in answer
                          if r.flags.decode("ascii", "replace").upper() == "U"
                          and r.service.decode("ascii", "replace").lower()
                          == NAPTR_SERVICE.lower()),
                         key=lambda r: (r.order, r.preference))
        for r in records:
            url = apply_regexp(r.regexp.decode("utf-8", "replace"), name)
            if url:
                return SmlAnswer(FOUND, smp_url=url)
        if records:
            return SmlAnswer(FAILED, reason="online.reason.no_smp")
        return SmlAnswer(ABSENT)


def _rcode(exc: Exception) -> str:
    text = str(exc)
    for code in ("SERVFAIL", "REFUSED", "NOTIMP", "FORMERR"):
        if code in text:
            return code
    return ""
