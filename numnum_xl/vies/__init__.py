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

Modules: :mod:`.client` (the API), :mod:`.cache` (per-day answers, own VAT number),
:mod:`.compare` (register vs row); this one turns rows into results.
"""


from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from numnum_xl.online import (
    ERROR,
    OK,
    UNCHECKED,
    WARNING,
    OnlineResult,
    country_code,
    join,
    reason,
)
from numnum_xl.vies.cache import Cache, default_cache_dir, store_requester, stored_requester
from numnum_xl.vies.client import (
    DEFAULT_URL,
    ENV_REQUESTER,
    ENV_URL,
    FAILED,
    INVALID,
    INVALID_INPUT,
    SERVICE,
    VALID,
    Answer,
    Client,
    ViesSettings,
    split_requester,
    vies_country,
)
from numnum_xl.vies.compare import differs_address, differs_name

__all__ = ["DEFAULT_URL", "ENV_REQUESTER", "ENV_URL", "ViesSettings", "check_report",
           "check_values", "split_requester", "store_requester", "stored_requester",
           "vies_country"]


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
