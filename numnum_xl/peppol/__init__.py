"""Peppol check: which customers can receive an e-invoice, and under which identifier.

For every row: the participant identifiers to ask (a Belgian company: ``0208`` + its
enterprise number and ``9925`` + ``BE`` + the same digits; otherwise the row's own scheme and
endpoint, or the VAT scheme of its country), then per identifier the SML (DNS U-NAPTR,
:mod:`numnum_xl.peppol.sml`) and the SMP's document types (:mod:`numnum_xl.peppol.smp`). The
result per row is an :class:`~numnum_xl.online.OnlineResult` with one of the states

``receives``      (ok) receives BIS Billing 3.0 invoices via the identifier in the text
``only_9925``     (warning) a Belgian company reachable only under 9925, not 0208
``no_invoice``    (warning) registered, but no BIS Billing 3.0 invoice in its SMP
``smp_unknown``   (warning) in the SML, but its SMP does not know it
``malformed``     (warning) registered only under a malformed id such as ``0208:BE0403019261``
                  (one of the registrations seen in the network), which senders never ask
``not_found``     (warning) no identifier registered: it cannot receive an e-invoice
``unchecked``     (unchecked) a lookup failed (timeout, SERVFAIL, offline, HTTP error ...)

"not found" is only said when every lookup answered; one failed lookup makes the row
"unchecked". Sources: Peppol Policy for use of Identifiers 4.4.0, SML 1.3.0, SMP 1.4.0 (all
in force since 2025-11-01), Peppol code lists v9.7, the Peppol Directory's REST search API.
The real services are the defaults; ``NUMNUM_XL_PEPPOL_DNS`` (a DNS server "host:port"),
``NUMNUM_XL_SML_ZONE`` and ``NUMNUM_XL_PEPPOL_DIRECTORY`` point elsewhere (the tests' loopback
servers).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from numnum_xl.online import (
    OK,
    UNCHECKED,
    WARNING,
    OnlineResult,
    country_code,
    join,
    reason,
)
from numnum_xl.peppol import sml, smp
from numnum_xl.peppol.directory import DEFAULT_URL as DIRECTORY_URL
from numnum_xl.peppol.directory import Directory
from numnum_xl.peppol.ids import PRODUCTION_ZONE

__all__ = ["PeppolSettings", "candidates", "check_report", "check_values", "report_rows"]

RECEIVES, ONLY_9925, NO_INVOICE, SMP_UNKNOWN, NOT_FOUND, MALFORMED = (
    "receives", "only_9925", "no_invoice", "smp_unknown", "not_found", "malformed")
ABSENT, FAILED = "absent", "failed"


@dataclass
class PeppolSettings:
    """Where to ask (the real network unless overridden) and how many at once."""

    zone: str = PRODUCTION_ZONE
    nameserver: str | None = None
    directory_url: str = DIRECTORY_URL
    directory: bool = False
    workers: int = 8
    dns_timeout: float = 4.0
    dns_lifetime: float = 10.0

    @classmethod
    def from_env(cls, **overrides: Any) -> PeppolSettings:
        """Settings from the environment, then ``overrides`` (None values ignored)."""
        s = cls(zone=os.environ.get("NUMNUM_XL_SML_ZONE") or PRODUCTION_ZONE,
                nameserver=os.environ.get("NUMNUM_XL_PEPPOL_DNS") or None,
                directory_url=os.environ.get("NUMNUM_XL_PEPPOL_DIRECTORY") or DIRECTORY_URL)
        for k, v in overrides.items():
            if v is not None:
                setattr(s, k, v)
        return s


@dataclass
class _Outcome:
    """What the SML and SMP said about one participant identifier."""

    kind: str  # receives | no_invoice | smp_unknown | absent | failed
    value: str
    reason: str = ""  # online.reason.* code, for failed
    service: str = ""
    detail: str = ""
    doc_types: list[str] = field(default_factory=list)


def _be_number(text: Any) -> str | None:
    from stdnum.be import vat as be_vat

    if text is None:
        return None
    number = be_vat.compact(str(text))
    return number if be_vat.is_valid(number) else None


def candidates(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The (scheme, participant value) pairs to look up for one row, in order of preference.

    >>> candidates({"vat_id": "0403.019.261", "vat_country_code": "BE"})
    [('0208', '0208:0403019261'), ('9925', '9925:BE0403019261')]
    >>> candidates({"peppol_scheme_id": "0088", "peppol_endpoint_id": "5790002590993"})
    [('0088', '0088:5790002590993')]
    >>> candidates({"vat_id": "NL004495445B01", "vat_country_code": "NL"})
    [('9944', '9944:NL004495445B01')]
    >>> candidates({"vat_id": "BE0403019261", "vat_country_code": "België"})[0]
    ('0208', '0208:0403019261')
    >>> candidates({"title": "Jan"})
    []
    """
    from numnum_xl.catalogue import SCHEME_BY_CODE, SCHEMES
    from numnum_xl.rules.scheme import canonical
    from numnum_xl.rules.vat import compact

    sch = str(values.get("peppol_scheme_id") or "").strip()
    ep = values.get("peppol_endpoint_id")
    ep = str(ep).strip() if ep is not None else ""
    cc = country_code(values.get("vat_country_code")) or ""
    vat = values.get("vat_id")
    number = None
    if sch in ("0208", "9925") and ep:
        number = _be_number(canonical(ep, SCHEME_BY_CODE[sch]))
    if number is None and vat is not None and cc in ("BE", ""):
        # no country: Belgian when it is a valid Belgian number (as validation guesses)
        number = _be_number(compact(str(vat), "BE"))
    if number:
        return [("0208", f"0208:{number}"), ("9925", f"9925:BE{number}")]
    scheme = SCHEME_BY_CODE.get(sch)
    if scheme is not None and ep:
        value = canonical(ep, scheme)
        return [(sch, f"{sch}:{scheme.prefix}{value}")]
    if vat is not None and len(cc) == 2:
        for s in SCHEMES:
            if s.state == "active" and s.prefix and s.eas == f"{cc}:VAT":
                return [(s.code, f"{s.code}:{s.prefix}{compact(str(vat), cc)}")]
    return []


class _Checker:
    """Looks participants up (each once per run) and composes each row's result."""

    def __init__(self, settings: PeppolSettings, lang: str, http=None) -> None:
        from numnum_xl.online import session

        self.settings, self.lang = settings, lang
        self.http = http or session()
        self.resolver = sml.Resolver(settings.zone, settings.nameserver,
                                     settings.dns_timeout, settings.dns_lifetime)
        self.directory = Directory(self.http, settings.directory_url) \
            if settings.directory else None
        self._memo: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._dns_answers = 0
        self._dns_failures: list[sml.SmlAnswer] = []

    def outcome(self, value: str) -> _Outcome:
        with self._lock:
            fut = self._memo.get(value)
            mine = fut is None
            if mine:
                fut = self._memo[value] = Future()
        assert fut is not None
        if mine:
            try:
                fut.set_result(self._lookup(value))
            except Exception as exc:  # never a traceback for one participant
                fut.set_result(_Outcome(FAILED, value, "online.reason.error", "Peppol",
                                        type(exc).__name__))
        return fut.result()

    #: after this many DNS failures without one answer, the DNS is taken to be unreachable
    #: (an offline machine): the other rows get the same reason without waiting for it
    BREAKER = 8

    def _lookup(self, value: str) -> _Outcome:
        with self._lock:
            tripped = self._dns_answers == 0 and len(self._dns_failures) >= self.BREAKER
        if tripped:
            last = self._dns_failures[-1]
            return _Outcome(FAILED, value, last.reason or "online.reason.error", "SML (DNS)",
                            last.detail)
        answer = self.resolver.lookup(value)
        with self._lock:
            if answer.kind == sml.FAILED:
                self._dns_failures.append(answer)
            else:
                self._dns_answers += 1
        if answer.kind == sml.ABSENT:
            return _Outcome(ABSENT, value)
        if answer.kind == sml.FAILED:
            return _Outcome(FAILED, value, answer.reason or "online.reason.error",
                            "SML (DNS)", answer.detail)
        assert answer.smp_url
        got = smp.fetch(self.http, answer.smp_url, value)
        host = answer.smp_url
        if got.kind == smp.UNKNOWN:
            return _Outcome(SMP_UNKNOWN, value, service=host)
        if got.kind == smp.FAILED:
            detail = got.detail or (str(got.status) if got.status else "")
            return _Outcome(FAILED, value, got.reason or "online.reason.error",
                            f"SMP {host}", answer.smp_url if got.reason ==
                            "online.reason.not_https" else detail)
        kind = RECEIVES if smp.receives_invoices(got.doc_types) else NO_INVOICE
        return _Outcome(kind, value, doc_types=got.doc_types, service=host)

    def row(self, row_no: int, values: dict[str, Any]) -> OnlineResult:
        try:
            return self._row(row_no, values)
        except Exception as exc:  # a bug must not cost the other rows their results
            text = self._msg("peppol.unchecked", reason=reason(
                "online.reason.error", self.lang, service="numnum-xl",
                detail=type(exc).__name__))
            return OnlineResult(row_no, UNCHECKED, UNCHECKED, text)

    def _msg(self, code: str, **params: Any) -> str:
        from numnum_xl.messages import render

        return render(code, self.lang, params)

    def _row(self, row_no: int, values: dict[str, Any]) -> OnlineResult:
        wanted = candidates(values)
        if not wanted:
            text = self._msg("peppol.unchecked",
                             reason=reason("online.reason.no_peppol_id", self.lang))
            return OnlineResult(row_no, UNCHECKED, UNCHECKED, text)
        got = []
        for _, value in wanted:  # 9925 is asked only when 0208 does not receive invoices
            got.append(self.outcome(value))
            if got[-1].kind == RECEIVES:
                break
        details: dict[str, Any] = {"asked": [o.value for o in got],
                                   "answers": {o.value: o.kind for o in got}}
        receiving = [o for o in got if o.kind == RECEIVES]
        failed = [o for o in got if o.kind == FAILED]
        if receiving:
            best = receiving[0]
            state, severity = RECEIVES, OK
            text = self._msg("peppol.receives", participant=best.value)
            if best.value.startswith("9925:") and got[0].value.startswith("0208:"):
                if got[0].kind == FAILED:
                    text = join(text, self._unchecked_text(got[0]))
                else:
                    state, severity = ONLY_9925, WARNING
                    text = self._msg("peppol.only_9925", participant=best.value,
                                     number=got[0].value.partition(":")[2])
            fixes = self._fixes(values, best.value)
            text = join(text, self._name(best.value))
            return OnlineResult(row_no, state, severity, text, fixes, details)
        if not failed and wanted[0][1].startswith("0208:"):
            wrong = self.outcome("0208:BE" + wanted[0][1][5:])
            details["answers"][wrong.value] = wrong.kind
            if wrong.kind in (RECEIVES, NO_INVOICE):
                text = self._msg("peppol.malformed", participant=wrong.value,
                                 right=wanted[0][1])
                return OnlineResult(row_no, MALFORMED, WARNING, text, {}, details)
        if failed:
            return OnlineResult(row_no, UNCHECKED, UNCHECKED,
                                self._unchecked_text(failed[0]), {}, details)
        for o in got:
            if o.kind == NO_INVOICE:
                text = join(self._msg("peppol.no_invoice", participant=o.value),
                            self._name(o.value))
                return OnlineResult(row_no, NO_INVOICE, WARNING, text, {}, details)
            if o.kind == SMP_UNKNOWN:
                text = self._msg("peppol.smp_unknown", participant=o.value, smp=o.service)
                return OnlineResult(row_no, SMP_UNKNOWN, WARNING, text, {}, details)
        text = self._msg("peppol.not_found", participants=", ".join(o.value for o in got))
        return OnlineResult(row_no, NOT_FOUND, WARNING, text, {}, details)

    def _unchecked_text(self, o: _Outcome) -> str:
        why = reason(o.reason, self.lang, service=o.service, detail=o.detail,
                     status=o.detail)
        return self._msg("peppol.unchecked", reason=why)

    def _name(self, value: str) -> str:
        if self.directory is None:
            return ""
        name = self.directory.name(value)
        return self._msg("peppol.directory_name", name=name) if name else ""

    @staticmethod
    def _fixes(values: dict[str, Any], participant: str) -> dict[str, str]:
        """What ``--fix`` writes: the scheme and endpoint found, as NumNum wants them."""
        from numnum_xl.catalogue import SCHEME_BY_CODE
        from numnum_xl.rules.scheme import canonical

        scheme, _, value = participant.partition(":")
        endpoint = canonical(value, SCHEME_BY_CODE[scheme]) if scheme in SCHEME_BY_CODE \
            else value
        fixes = {}
        if str(values.get("peppol_scheme_id") or "").strip() != scheme:
            fixes["peppol_scheme_id"] = scheme
        current = values.get("peppol_endpoint_id")
        if current is None or (scheme in SCHEME_BY_CODE and canonical(
                str(current), SCHEME_BY_CODE[scheme]) != endpoint) or "peppol_scheme_id" in fixes:
            fixes["peppol_endpoint_id"] = endpoint
        return fixes


def check_values(rows: list[tuple[int, dict[str, Any]]], *, lang: str = "nl",
                 progress: Callable[[int, int], None] | None = None,
                 settings: PeppolSettings | None = None, http=None) -> list[OnlineResult]:
    """The Peppol result for each (sheet row, values) pair, in the same order."""
    checker = _Checker(settings or PeppolSettings.from_env(), lang, http)
    total = len(rows)
    results: list[OnlineResult | None] = [None] * total
    done = 0
    done_lock = threading.Lock()

    def one(i: int) -> None:
        nonlocal done
        results[i] = checker.row(*rows[i])
        with done_lock:
            done += 1
            if progress:
                progress(done, total)

    if total:
        with ThreadPoolExecutor(max(1, min(checker.settings.workers, total))) as pool:
            list(pool.map(one, range(total)))
    return [r for r in results if r is not None]


def report_rows(report) -> list[tuple[int, dict[str, Any]]]:
    """(sheet row, values NumNum would get) for every data row of ``report``."""
    if len(report.values) != len(report.table.rows):  # a report made without values
        from numnum_xl.validate import validate_table

        report = validate_table(report.table, report.mapping)
    return list(zip(report.table.row_numbers, report.values, strict=True))


def check_report(report, *, lang: str = "nl",
                 progress: Callable[[int, int], None] | None = None,
                 settings: PeppolSettings | None = None, directory: bool = False
                 ) -> list[OnlineResult]:
    """The Peppol result of every data row of ``report`` (a validated sheet)."""
    settings = settings or PeppolSettings.from_env()
    if directory:
        settings.directory = True
    rows = report_rows(report)
    return check_values(rows, lang=lang, progress=progress, settings=settings)
