"""Validate a sheet: map its columns, read every cell as NumNum would, run every rule.

:func:`validate_table` is pure (a :class:`~numnum_xl.table.Table` in, a :class:`Report`
out); :func:`validate_file` reads the file first. Findings name the real sheet row, the
field key after mapping and the A1 cell.

>>> from numnum_xl.table import Table
>>> t = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "vat_id", "vat_country_code"],
...           [["Bakkerij Janssen BV", "Janssen", "0123456789", "BE"],
...            ["Dupont", "", 403019261, "BE"]], [2, 3])
>>> [(f.cell, f.code) for f in validate_table(t).findings]
[('C2', 'vat.checksum'), ('B3', 'company.last_name_missing'), ('C3', 'number.leading_zero_lost')]
"""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS
from numnum_xl.findings import ERROR, WARNING, Finding, rows_text, sort_key, summarize
from numnum_xl.mapping import Mapping, dropped_columns, evidence_text, propose
from numnum_xl.readnotes import reader_findings
from numnum_xl.rules import bank, choice, contact, party, phone, postcode, scheme, text, vat
from numnum_xl.rules import country as countries
from numnum_xl.rules.base import Issue, error, warning
from numnum_xl.table import ErrorValue, RowValues, Table

REQUIRED = tuple(f.key for f in FIELDS if f.required)
#: Scheme column -> identifier column.
SCHEME_PAIRS = {"peppol_scheme_id": "peppol_endpoint_id",
                "identification_scheme_id": "identification_id"}
#: Postcode lengths that a number in the cell may have lost leading zeros of.
ZIP_DIGITS = {"FR": 5, "DE": 5, "ES": 5, "IT": 5, "US": 5, "FI": 5, "MC": 5, "EE": 5}
#: Kinds whose checks take the cell's own value (number, bool), not text.
RAW_KINDS = {"language", "vat_rate", "yesno", "integer", "number"}
#: Fields a finding may name although the sheet has no such column: ``--fix`` adds the
#: column to the copy (the finding's ``cell`` is None until then).
ADDABLE = ("title", "last_name", "first_name", "vat_country_code")


@dataclass
class Report:
    """The outcome of validating one sheet."""

    table: Table
    mapping: Mapping
    findings: list[Finding]
    #: per data row (0-based): field key -> the value NumNum would get (text, number or None);
    #: with ``validate_table(..., keep_values=False)`` only the keys the checks across rows
    #: read (:data:`CROSS_ROW_KEYS`)
    values: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def errors(self) -> int:
        """Number of error findings."""
        return sum(1 for f in self.findings if f.severity == ERROR)

    def summary(self) -> dict[str, Any]:
        """Counts, plus which file, sheet and header row were read."""
        s = summarize(self.findings, self.table.data_rows)
        s.update({"file": str(self.table.source), "sheet": self.table.sheet,
                  "header_row": self.table.header_row,
                  "mapped": {k: [self.table.headers[i] for i in idx]
                             for k, idx in self.mapping.fields.items()},
                  "unmapped": [self.table.headers[i] for i in self.mapping.unmapped]})
        return s

    def as_json(self, lang: str = "nl") -> dict[str, Any]:
        """The ``validate --json`` contract: ``{"findings": [...], "summary": {...}}``."""
        return {"findings": [f.as_json(lang) for f in self.findings],
                "summary": self.summary()}

    def rows_with_errors(self) -> set[int]:
        """Real sheet rows that have at least one error - every data row when the sheet has
        no column for a required field (NumNum skips every row then)."""
        rows = {f.row for f in self.findings if f.severity == ERROR and f.row is not None}
        if any(f.code == "header.required_missing" for f in self.findings):
            rows.update(self.table.row_numbers)
        return rows

    def row_reasons(self, lang: str = "nl", limit: int = 3, more: str = "+{n}"
                    ) -> dict[int, str]:
        """Sheet row -> its error messages (the first ``limit``, "cell: message" joined by
        " | "), for every row of :meth:`rows_with_errors`: a row without an error of its own
        gets the sheet's (a required column missing)."""
        found: dict[int, list[str]] = {}
        data = set(self.table.row_numbers)
        sheet: list[str] = []
        for f in self.findings:
            if f.severity != ERROR or f.row is None:
                continue
            text = (f"{f.cell}: " if f.cell else "") + f.message(lang)
            if f.row in data:
                found.setdefault(f.row, []).append(text)
            elif f.code == "header.required_missing":
                sheet.append(f.message(lang))
        out = {}
        for row in sorted(self.rows_with_errors() & data):
            messages = found.get(row) or sheet
            shown = " | ".join(messages[:limit])
            if len(messages) > limit:
                shown += " | " + more.format(n=len(messages) - limit)
            out[row] = shown
        return out


def clear_caches() -> None:
    """Forget every rule's remembered answers (for benchmarks that must start cold)."""
    for module in (bank, choice, contact, countries, party, phone, postcode,
                   postcode.be_places, scheme, vat):
        for name in dir(module):
            cached = getattr(getattr(module, name), "cache_clear", None)
            if cached:
                cached()
    bank._BANKS.clear()


def validate_file(path: str, sheet: str | None = None, *, profile: dict | None = None,
                  overrides: dict[str, str] | None = None) -> Report:
    """Read ``path`` (xlsx, xls or csv) and validate it."""
    from numnum_xl.sheetshape import read_customer_table

    table = read_customer_table(path, sheet)
    return validate_table(table, propose(table.headers, profile=profile, overrides=overrides,
                                         rows=table.rows))


#: Below this many rows a second process costs more than it saves.
PARALLEL_MIN_ROWS = 5_000
#: Rows a forked worker checks per task at most: its findings travel back (pickled) a piece
#: at a time, so neither it nor the parent holds two copies of a big sheet's findings.
CHUNK_ROWS = 25_000
#: The value keys the checks across rows read (the Extern ID duplicates): all that
#: ``keep_values=False`` keeps.
CROSS_ROW_KEYS = ("external_id",)


def validate_table(table: Table, mapping: Mapping | None = None, *,
                   workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   keep_values: bool = True) -> Report:
    """Every finding for ``table`` under ``mapping`` (proposed from the headers if None).

    Large sheets are checked by ``workers`` processes (default: one per CPU, on platforms
    that fork; rows are independent, so the result is the same). ``progress(done, total)``
    is told how many rows are checked as the work goes on (a :func:`numnum_xl.progress.bar`).
    ``keep_values=False``: :attr:`Report.values` keeps only :data:`CROSS_ROW_KEYS` (a
    command that needs the findings only: a million rows' values are most of its memory).
    """
    mapping = mapping or propose(table.headers, rows=table.rows)
    findings = _sheet_findings(table, mapping)
    checker = _RowChecker(table, mapping)
    if workers is None:
        workers = _default_workers(len(table.rows))
    keys = None if keep_values else [k for k in checker.order if k in CROSS_ROW_KEYS]
    if workers > 1:
        values, found = _check_parallel(checker, workers, progress, keys)
    else:
        values, found = _check_rows(checker, 0, len(table.rows), progress, keys)
    findings.extend(found)
    findings.extend(checker.unique_external_ids(values))
    findings.sort(key=sort_key)
    return Report(table, mapping, findings, values)


def validate_in_background(table: Table, mapping: Mapping, *,
                           progress: Callable[[int, int], None] | None = None
                           ) -> Callable[[], list[Finding]]:
    """Start validating ``table`` in a forked process; returns a function that waits for
    the findings. The caller meanwhile does its own work (taking the marks of an earlier run
    out of the workbook to annotate); the forked process checks a big sheet with its own
    workers (:func:`validate_table`'s default), as the caller mostly waits. Where forking is
    not safe (see :func:`_can_fork`) the findings are computed when asked for.
    """
    import multiprocessing

    if not _can_fork() or len(table.rows) < 1000:
        return lambda: validate_table(table, mapping, progress=progress,
                                      keep_values=False).findings
    global _PENDING
    from concurrent.futures import ProcessPoolExecutor

    _PENDING = (table, mapping, progress)  # the forked worker draws on the same terminal
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))
    try:
        future = pool.submit(_pending_findings)
    finally:
        _PENDING = None
    detach = getattr(progress, "detach", None)
    if detach is not None:  # the worker has its own copy of the bar and draws it
        detach()

    def wait() -> list[Finding]:
        try:
            return future.result()
        finally:
            pool.shutdown()

    return wait


_PENDING: tuple[Table, Mapping, Callable[[int, int], None] | None] | None = None


def _pending_findings() -> list[Finding]:
    assert _PENDING is not None
    table, mapping, progress = _PENDING
    try:
        return validate_table(table, mapping, progress=progress, keep_values=False).findings
    finally:
        close = getattr(progress, "close", None)
        if close is not None:
            close()


def _check_rows(checker: _RowChecker, start: int, stop: int,
                progress: Callable[[int, int], None] | None = None,
                keys: list[str] | None = None) -> tuple[RowValues, list[Finding]]:
    """Check rows ``start:stop``; their values (only ``keys`` unless None) and findings."""
    # a tuple per row, not a dict: a quarter of the memory
    values = RowValues(checker.order if keys is None else keys)
    findings: list[Finding] = []
    rows = checker.table.rows
    total = len(rows)
    for r, row in enumerate(rows[start:stop], start):  # in order: packed rows unpack once
        vals, found = checker.check(r, row)
        values.append(vals if keys is None else {k: vals[k] for k in keys})
        if found:
            findings.extend(found)
        if progress is not None and (r + 1) % 500 == 0:
            progress(r + 1, total)
    if progress is not None:
        progress(stop, total)
    return values, findings


def _die_with_parent(parent: int) -> None:
    """In a forked worker: end when the parent ends, even by a signal (a SIGTERM or SIGKILL to
    ``numnum-xl validate`` leaves no worker behind). Linux's ``PR_SET_PDEATHSIG``."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers are not forked there
        return
    if os.getppid() != parent:  # the parent was already gone before prctl took effect
        os._exit(1)


def _pool_worker(parent: int) -> None:
    """In a worker of :func:`_check_parallel`'s pool: end with the parent
    (:func:`_die_with_parent`) and leave Ctrl-C to it (the parent stops the pool; a worker
    would print its own traceback of the interrupt)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)


def _can_fork() -> bool:
    """Only on Linux: Windows has no fork, and on macOS it is unsafe once a framework such as
    CoreFoundation is loaded (xlwings' Mac engine loads it in the add-in's Python)."""
    import sys

    return sys.platform.startswith("linux")


def _default_workers(rows: int) -> int:
    import os

    if rows < PARALLEL_MIN_ROWS or not _can_fork():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


_FORKED: tuple[_RowChecker, list[str] | None] | None = None


def _forked_chunk(bounds: tuple[int, int]) -> tuple[RowValues, list[Finding]]:
    assert _FORKED is not None
    checker, keys = _FORKED
    values, findings = _check_rows(checker, *bounds, keys=keys)
    if isinstance(checker.table.rows, list):
        # a value that is its cell's own text is sent as "...": the parent has that text
        values = values.detach(checker.table.rows[bounds[0]:bounds[1]],
                               _value_columns(checker, keys))
    return values, findings


def _value_columns(checker: _RowChecker, keys: list[str] | None = None) -> list[int | None]:
    """Per value key (in :attr:`_RowChecker.order`, or ``keys``): its single column, None
    when combined."""
    cols = {key: col for key, col, *_rest in checker.plan}
    return [cols[k] for k in (checker.order if keys is None else keys)]


def _check_parallel(checker: _RowChecker, workers: int,
                    progress: Callable[[int, int], None] | None = None,
                    keys: list[str] | None = None) -> tuple[RowValues, list[Finding]]:
    """Check row ranges in forked processes (they inherit the table: nothing to send); each
    range's values and findings are added as it comes back (:data:`CHUNK_ROWS` at most)."""
    import multiprocessing

    global _FORKED
    n = len(checker.table.rows)
    step = min(-(-n // (workers * 2)), CHUNK_ROWS)
    chunks = [(i, min(i + step, n)) for i in range(0, n, step)]
    values = RowValues(checker.order if keys is None else keys)
    findings: list[Finding] = []
    cols = _value_columns(checker, keys)
    packed = not isinstance(checker.table.rows, list)
    _FORKED = (checker, keys)
    try:
        with multiprocessing.get_context("fork").Pool(
                workers, initializer=_pool_worker, initargs=(os.getpid(),)) as pool:
            done = 0
            for (lo, hi), part in zip(chunks, pool.imap(_forked_chunk, chunks), strict=True):
                if not packed:
                    part[0].attach(checker.table.rows[lo:hi], cols)
                values.extend(part[0])
                findings.extend(part[1])
                del part
                done += hi - lo
                if progress is not None:
                    progress(done, n)
    finally:
        _FORKED = None
    return values, findings


def _sheet_findings(table: Table, mapping: Mapping) -> list[Finding]:
    out: list[Finding] = []
    if not table.headers:
        return [Finding(None, None, None, ERROR, "sheet.no_header")]
    hrow = table.header_row
    out.extend(table.info.get("shape_findings", []))
    dropped = dict(dropped_columns(table, mapping)) if table.rows else {}
    for i in mapping.unmapped:
        c = mapping.columns[i]
        if i in dropped:  # nothing dropped in silence: the verdict names the column
            code = {"secondary": "header.secondary_dropped", "foreign": "header.not_in_numnum",
                    "salutation": "header.not_in_numnum"}.get(c.status or "",
                                                              "header.data_dropped")
            out.append(Finding(hrow, None, table.header_cell(i), ERROR, code,
                               {"value": c.header, "reason": c.reason or c.status or "",
                                "examples": ", ".join(f"«{v}»" for v in dropped[i])}))
        elif not table.rows:
            out.append(Finding(hrow, None, table.header_cell(i), WARNING, "header.unmapped",
                               {"value": table.headers[i]}))
    for c in mapping.columns:
        if c.how == "fuzzy" and c.index not in mapping.duplicates:
            out.append(Finding(hrow, c.key, table.header_cell(c.index), WARNING, "header.fuzzy",
                               {"field": c.key, "value": c.header}, c.key))
        if c.how == "values" and c.index not in mapping.duplicates:
            out.append(Finding(hrow, c.key, table.header_cell(c.index), WARNING,
                               "header.by_values", {"field": c.key, "value": c.header,
                                                    "evidence": evidence_text(c)}))
    for key, idx in mapping.fields.items():
        if len(idx) > 1 and any(mapping.columns[i].how != "profile" for i in idx):
            example = next((v for r in table.rows[:50] if (v := mapping.join(key, r))), "")
            out.append(Finding(hrow, key, table.header_cell(idx[0]), WARNING, "header.combined",
                               {"field": key, "example": example,
                                "value": " + ".join(f"«{table.headers[i]}»" for i in idx)}))
    for i in mapping.duplicates:
        key = mapping.columns[i].key
        other = table.header_cell(mapping.fields[key][0])
        if i in dropped:
            out.append(Finding(hrow, key, table.header_cell(i), ERROR, "header.duplicate_data",
                               {"field": key, "value": table.headers[i], "other": other,
                                "examples": ", ".join(f"«{v}»" for v in dropped[i])}))
            continue
        out.append(Finding(hrow, key, table.header_cell(i), WARNING, "header.duplicate",
                           {"field": key, "value": table.headers[i], "other": other}))
    for name in mapping.missing:
        out.append(Finding(hrow, None, None, WARNING, "header.unmapped", {"value": name}))
    for key in REQUIRED:
        if key not in mapping.fields:
            out.append(Finding(hrow, key, None, ERROR, "header.required_missing",
                               {"field": key}))
    if not table.rows:
        out.append(Finding(None, None, None, WARNING, "sheet.no_data"))
    data_rows = set(table.row_numbers)
    hidden = sorted(r for r in table.hidden_rows if r in data_rows)
    if hidden:
        out.append(Finding(hidden[0], None, None, WARNING, "sheet.hidden_rows",
                           {"count": len(hidden), "value": hidden[0]}))
    for rng in table.merged:
        top_left = rng.split(":")[0]
        row = int("".join(ch for ch in top_left if ch.isdigit()))
        out.append(Finding(row, None, top_left, WARNING, "sheet.merged_cells", {"value": rng}))
    for ref in table.info.get("formulas_without_value", []):
        row = int("".join(ch for ch in ref if ch.isdigit()))
        out.append(Finding(row, None, ref, WARNING, "sheet.formula_no_value", {"value": ref}))
    out.extend(reader_findings(table, mapping))
    return out


class _Context(NamedTuple):
    """What a rule may need from the rest of the row."""

    values: dict[str, Any]
    resolved: dict[str, str | None]  #: the three country columns as valid codes (or None)
    region: str  #: the customer's country, for phone numbers and postcodes
    issues: list[tuple[str, Issue]]


def _vat(key: str, value: str, ctx: _Context) -> tuple[Issue, ...]:
    cc = ctx.resolved["vat_country_code"]
    if ctx.values.get("vat_country_code") is None or cc is not None:
        return vat.check(value, cc)
    return ()  # an unreadable country code is reported on its own cell


def _scheme(key: str, value: str, ctx: _Context) -> tuple[Issue, ...]:
    peppol = key == "peppol_scheme_id"
    found = scheme.check_scheme(value, peppol)
    if ctx.values.get(SCHEME_PAIRS[key]) is None:
        found = (*found, error("scheme.id_missing"))
    elif peppol:
        found = (*found, *scheme.check_receiving(value, ctx.values.get(SCHEME_PAIRS[key])))
    return found


def _scheme_id(key: str, value: str, ctx: _Context) -> tuple[Issue, ...]:
    return scheme.check_id(value, ctx.values.get(_SCHEME_OF[key]))


def _required_guess(key: str, v: dict[str, Any]) -> str | None:
    """What a missing required field most likely is: a person's title is the whole name, as
    in NumNum's sample ("Marie Dupont")."""
    if key != "title":
        return None
    names = [str(v[k]).strip() for k in ("first_name", "last_name") if v.get(k) is not None]
    return " ".join(names) or None


def _zip(value: str, ctx: _Context) -> tuple[Issue, ...]:
    city = ctx.values.get("address_city")
    found = () if ctx.region == "BE" and isinstance(city, str) else \
        postcode.check(value, ctx.region, ctx.resolved["address_country"] is not None)
    if ctx.region == "BE" and isinstance(city, str):
        return postcode.check_be_town(value, ctx.resolved["address_country"] is not None, city)
    return found


def _bic(key: str, value: str, ctx: _Context) -> tuple[Issue, ...]:
    iban_ok = _valid(ctx.issues, "iban", ctx.values)
    return bank.check_bic(value, ctx.values["iban"] if iban_ok else None)


_SCHEME_OF = {v: k for k, v in SCHEME_PAIRS.items()}
#: kind -> rule(key, value, context); kinds checked while reading the cell are absent.
_RULES = {
    "legal_form": lambda k, v, c: choice.check_legal_form(str(v)),
    "vat": _vat,
    "zip": lambda k, v, c: _zip(v, c),
    "email": lambda k, v, c: contact.check_email(v),
    "url": lambda k, v, c: contact.check_url(v),
    "phone": lambda k, v, c: phone.check(v, c.region),
    "iban": lambda k, v, c: bank.check_iban(v, c.resolved["iban_country_code"]),
    "bic": _bic,
    "language": lambda k, v, c: choice.check_choice(v, k),
    "vat_rate": lambda k, v, c: choice.check_choice(v, k),
    "yesno": lambda k, v, c: choice.check_choice(v, k),
    "integer": lambda k, v, c: choice.check_integer(v, k),
    "number": lambda k, v, c: choice.check_number(v, k),
    "scheme": _scheme,
    "scheme_id": _scheme_id,
}


#: Longest value each kind can hold when written the most generous way (spaces, prefixes):
#: anything longer never reaches a field library (python-stdnum, phonenumbers, IBAN code,
#: which may be quadratic or refuse numbers of more than 4,300 digits).
LENGTH_CAPS: dict[str, int] = {
    "vat": 64, "zip": 32, "phone": 64, "iban": 64, "bic": 32, "email": 320, "url": 2048,
    "legal_form": 64, "scheme": 16, "scheme_id": 128, "language": 64, "vat_rate": 64,
    "yesno": 64, "integer": 64, "number": 64, "country": 64,
}
#: Fields whose text a look-alike letter or a bidi control could disguise (besides e-mail).
LOOKALIKE_KEYS = frozenset({"title", "first_name", "last_name", "contactperson_first_name",
                            "contactperson_last_name"})
#: What, besides the value itself, each kind's rule reads from the row: the rule's answer is
#: remembered per (field, value, these), so a column of repeated values is checked once.
_DEPENDS: dict[str, Callable[[str, _Context], Any]] = {
    "legal_form": lambda k, c: None,
    "vat": lambda k, c: (c.resolved["vat_country_code"], c.values.get("vat_country_code")
                         is None),
    "zip": lambda k, c: (c.region, c.resolved["address_country"] is not None,
                         c.values.get("address_city") if c.region == "BE" else None),
    "email": lambda k, c: None,
    "url": lambda k, c: None,
    "phone": lambda k, c: c.region,
    "iban": lambda k, c: c.resolved["iban_country_code"],
    "language": lambda k, c: None, "vat_rate": lambda k, c: None, "yesno": lambda k, c: None,
    "integer": lambda k, c: None, "number": lambda k, c: None,
    # the Peppol scheme's message names the endpoint (check_receiving): remembered per endpoint
    "scheme": lambda k, c: c.values.get(SCHEME_PAIRS[k]) if k == "peppol_scheme_id"
    else c.values.get(SCHEME_PAIRS[k]) is None,
    "scheme_id": lambda k, c: c.values.get(_SCHEME_OF[k]),
    "text": lambda k, c: None,
}
#: Kinds whose rule reads nothing but the value (and the field, fixed per rule).
_VALUE_ONLY = frozenset({"legal_form", "email", "url", "language", "vat_rate", "yesno",
                         "integer", "number", "text"})
#: Remembered answers per checker before the memory is started afresh.
CACHE_LIMIT = 200_000
#: Misses after which a rule that reads the row judges whether remembering pays (see _Rule).
MEMORY_PROBE = 2048


def _shorten(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def _lookalike(value: Any, whole: bool) -> tuple[Issue, ...]:
    """Mixed scripts in a name or e-mail address (bidi controls: :func:`text.check_text`)."""
    if not isinstance(value, str) or value.isascii():
        return ()
    from numnum_xl.safetext import mixed_script

    if mixed_script(value, whole=whole):
        return (warning("text.mixed_script", value=_shorten(value)),)
    return ()


class _Rule:
    """``kind``'s rule for ``key`` behind a length cap, a guard (a value that makes a library
    fail is one finding on its cell, never a crash) and a memory of earlier answers.

    :attr:`memory` maps what the answer depends on to the answer: the text alone for the
    kinds of :data:`_VALUE_ONLY` and for names (whose rule is the look-alike check alone),
    else ``(value, what the rule reads from the row)`` (:data:`_DEPENDS`); a value that is
    not text also by its type (``True == 1`` in Python, but the messages differ). The row
    loop looks a text value of a value-only rule up in :attr:`text_memory` itself (one
    call per cell fewer); anything else goes through :meth:`__call__`.

    A rule that reads the row besides the value (VAT, phone, IBAN, ...) stops remembering
    when its first :data:`MEMORY_PROBE` misses came with fewer than one hit in eight: a column
    of distinct numbers then costs no memory key and no stored answer per cell (the field
    libraries' own calls keep their ``lru_cache``).
    """

    __slots__ = ("cap", "depends", "key", "kind", "lookalike", "lookups", "memory", "misses",
                 "remember", "rule", "text_memory", "value_only", "whole")

    def __init__(self, key: str, kind: str) -> None:
        self.key, self.kind = key, kind
        self.rule = _RULES.get(kind)
        self.cap = LENGTH_CAPS.get(kind)
        self.lookalike = kind == "email" or key in LOOKALIKE_KEYS
        self.whole = kind == "email"
        #: a name's rule is the look-alike check alone: its answer depends on the text only
        self.value_only = kind in _VALUE_ONLY or self.rule is None
        #: None: the rule reads more of the row than can be named (bic: the IBAN's issues)
        self.depends = _DEPENDS.get(kind) if self.rule is not None else None
        self.memory: dict[Any, tuple[Issue, ...]] = {}
        self.text_memory = self.memory if self.value_only else None
        self.remember = True
        self.lookups = self.misses = 0  # counted for the rules that read the row

    def __call__(self, value: Any, ctx: _Context) -> tuple[Issue, ...]:
        if self.rule is None:  # a name: only the look-alike check
            if value.__class__ is str and value.isascii():
                return ()
        elif self.depends is None or not self.remember:
            return self.slow(value, ctx, None)
        if value.__class__ is str:
            memo: Any = value if self.value_only else (value, self.depends(self.key, ctx))
        else:
            memo = (value.__class__, value,
                    None if self.value_only else self.depends(self.key, ctx))
        try:
            found = self.memory.get(memo)
        except TypeError:  # an unhashable value: not remembered
            return self.slow(value, ctx, None)
        if self.value_only:  # its hits are mostly counted nowhere: looked up in the row loop
            return found if found is not None else self.slow(value, ctx, memo)
        self.lookups += 1
        if found is not None:
            return found
        self.misses += 1
        if self.misses == MEMORY_PROBE and (self.lookups - self.misses) * 8 < self.misses:
            self.remember = False  # distinct values: remembering them only costs
            self.memory.clear()
            return self.slow(value, ctx, None)
        return self.slow(value, ctx, memo)

    def slow(self, value: Any, ctx: _Context, memo: Any) -> tuple[Issue, ...]:
        """Run the rule (``memo``: the key to remember the answer under, None: do not)."""
        cap = self.cap
        if cap is not None and isinstance(value, str) and len(value) > cap:
            return (error("value.too_long", count=len(value), limit=cap,
                          value=_shorten(value)),)
        try:
            found = tuple(self.rule(self.key, value, ctx)) if self.rule is not None else ()
        except Exception:  # one bad cell, one finding
            found = (error("value.unreadable", value=_shorten(value)),)
        if self.lookalike:
            found += _lookalike(value, whole=self.whole)
        if memo is not None:
            memory = self.memory
            if len(memory) >= CACHE_LIMIT:
                memory.clear()
            memory[memo] = found
        return found


class _RowChecker:
    """Checks one row at a time; holds what is the same for every row."""

    def __init__(self, table: Table, mapping: Mapping) -> None:
        self.table = table
        self.mapping = mapping
        self.fields = mapping.fields  # key -> column indices
        self.order = [f.key for f in FIELDS if f.key in self.fields]
        self.present = set(self.fields)
        #: (key, column index or None when combined, raw kind?, identifier?, text limit)
        self.plan = [(k, self.fields[k][0] if len(self.fields[k]) == 1 else None,
                      FIELD_BY_KEY[k].kind in RAW_KINDS, k in _IDENTIFIERS,
                      text.MAX_LENGTH.get(k, text.DEFAULT_MAX_LENGTH)) for k in self.order]
        #: (key, the rule's memory of text answers or None, rule) for the per-value rules,
        #: in catalogue order
        self.rules = [(k, rule.text_memory, rule) for k in self.order
                      if FIELD_BY_KEY[k].kind in _RULES or k in LOOKALIKE_KEYS
                      for rule in (_Rule(k, FIELD_BY_KEY[k].kind),)]
        self.countries = [k for k in ("vat_country_code", "address_country",
                                      "iban_country_code")]
        #: required fields, also when the sheet has no column for them (NumNum skips the row)
        self.required = list(REQUIRED) if mapping.fields else []
        #: the required fields checked before the rules (last_name: see _party)
        self.required_now = [k for k in self.required if k != "last_name"]
        #: country cell text -> (its issues, the code it resolves to)
        self._country_memo: dict[str, tuple[tuple[Issue, ...], str | None]] = {}
        cols = [col for _key, col, *_rest in self.plan]
        #: a row's cells in :attr:`order` at C speed (None: a combined field, see :meth:`raw`)
        self._cells_of: Callable[[list[Any]], Any] | None = None
        if cols and None not in cols:
            self._cells_of = operator.itemgetter(*cols) if len(cols) > 1 else \
                (lambda row, col=cols[0]: (row[col],))
        self._limits = {key: limit for key, _col, _raw, _ident, limit in self.plan}
        self._short = min(self._limits.values(), default=0)  # below it no text is too long
        self._kinds = {key: (raw, ident) for key, _col, raw, ident, _limit in self.plan}

    def cell(self, r: int, key: str) -> str:
        return self.table.cell(r, self.fields[key][0])

    def raw(self, row: list[Any], key: str) -> Any:
        idx = self.fields[key]
        if len(idx) == 1:
            return row[idx[0]]
        return self.mapping.join(key, row)  # "Kerkstraat" + 12 + 3 → "Kerkstraat 12 bus 3"

    def check(self, r: int, row: list[Any]) -> tuple[dict[str, Any], list[Finding]]:
        """(the values NumNum would get, the findings) for data row ``r``."""
        issues: list[tuple[str, Issue]] = []
        vals: dict[str, Any] = {}
        numbers: list[str] = []  # identifiers Excel stored as numbers
        # 1. read every cell as text (identifiers) or as it is (numbers, choices)
        cells = self._cells_of(row) if self._cells_of is not None else \
            [row[col] if col is not None else self.raw(row, key) for key, col, *_ in self.plan]
        short = self._short
        for key, value in zip(self.order, cells, strict=True):
            if value.__class__ is str:  # the common case, kept short
                stripped = value.strip()
                if stripped:
                    vals[key] = stripped
                    if stripped is not value or len(stripped) > short \
                            or not stripped.isprintable():
                        limit = self._limits[key]
                        if stripped is not value or len(stripped) > limit \
                                or text.has_control(stripped):
                            issues.extend((key, i) for i in text.check_text(value, key))
                else:
                    vals[key] = None
            elif value is None:
                vals[key] = None
            else:
                raw_kind, ident = self._kinds[key]
                got, found = self._read(key, value, raw_kind, ident)
                vals[key] = got
                if found:
                    issues.extend((key, i) for i in found)
                if ident and got is not None and _is_number(value):
                    numbers.append(key)
        # 2. the rules, with what the other columns of the row say
        self._rules(vals, numbers, issues)
        if not issues:
            return vals, []
        row_no = self.table.row_numbers[r]
        out: list[Finding] = []
        for origin, issue in issues:
            key = issue.field if issue.field in self.present else origin
            params = {"field": origin, "value": _shown(vals.get(origin)), **issue.params}
            if issue.field in ADDABLE and issue.field not in self.present:
                # the column is missing: the finding names the field, --fix adds the column
                out.append(Finding(row_no, issue.field, None, issue.severity, issue.code,
                                   params, issue.suggestion))
                continue
            out.append(Finding(row_no, key, self.cell(r, key), issue.severity, issue.code,
                               params, issue.suggestion))
        return vals, out

    @staticmethod
    def _read(key: str, value: Any, raw_kind: bool, ident: bool
              ) -> tuple[Any, tuple[Issue, ...]]:
        """The value of a cell that is not plain text as NumNum gets it, and its issues."""
        if isinstance(value, ErrorValue):
            return None, (error("cell.error_value", value=value.code),)
        if isinstance(value, (dt.date, dt.datetime)):
            return None, (error("text.unexpected_date", value=value.isoformat()),)
        if raw_kind:
            return value, ()
        if isinstance(value, bool):
            return ("ja" if value else "nee"), ()
        if ident:
            digits = text.digits_of(value)
            if digits is None:
                if isinstance(value, float) and not value.is_integer():
                    return repr(value), ()
                return None, (error("number.precision_lost", value=f"{value:.15g}"),)
            return digits, ()
        return _as_text(value), ()

    def _rules(self, v: dict[str, Any], numbers: list[str],
               issues: list[tuple[str, Issue]]) -> None:
        def add(key: str, found: tuple[Issue, ...] | list[Issue]) -> None:
            issues.extend((key, i) for i in found)

        for key in self.required_now:  # last_name: person or company decides, see _party
            if v.get(key) is None and not _flagged(issues, key):
                guess = _required_guess(key, v)
                if guess is None and key not in self.present:
                    continue  # no column and nothing to offer: the sheet's finding says it
                add(key, (error("required.missing", guess, field=key),))
        # countries first: the other rules use them
        resolved: dict[str, str | None] = {}
        memo = self._country_memo
        for key in self.countries:
            value = v.get(key)
            if value is None:
                resolved[key] = None
                continue
            hit = memo.get(value) if value.__class__ is str else None
            if hit is None:
                hit = self._resolve_country(value)
                if value.__class__ is str:
                    if len(memo) >= CACHE_LIMIT:
                        memo.clear()
                    memo[value] = hit
            found, resolved[key] = hit
            if found:
                add(key, found)
        ctx = _Context(v, resolved, resolved["address_country"] or "BE", issues)
        # numbers that lost leading zeros in Excel
        for key in numbers:
            restored = _restore(key, v[key], v, resolved, ctx.region)
            if restored != v[key]:
                add(key, (warning("number.leading_zero_lost", restored, value=v[key]),))
                v[key] = restored
        for key, text_memory, rule in self.rules:
            value = v[key]
            if value is None:
                continue
            if text_memory is not None and value.__class__ is str:
                found = text_memory.get(value)
                if found is None:
                    found = rule(value, ctx)
            else:
                found = rule(value, ctx)
            if found:
                add(key, found)
        if v.get("vat_country_code") is not None and v.get("vat_id") is None \
                and "vat_id" in self.present:
            add("vat_country_code", (warning("vat.number_missing",
                                             value=v["vat_country_code"]),))
        self._peppol_vs_vat(v, resolved, add)
        self._party(v, issues, add)

    def _party(self, v: dict[str, Any], issues: list[tuple[str, Issue]], add) -> None:
        """Person or company (:mod:`numnum_xl.rules.party`): the names NumNum needs."""
        present = self.present
        if "title" not in present and "last_name" not in present:
            return
        last_missing = v.get("last_name") is None and not _flagged(issues, "last_name")
        if not last_missing and v.get("first_name") is not None:
            return  # both names there: nothing NumNum could miss, person or company
        verdict = party.classify(v)
        if verdict.kind == party.PERSON and v.get("first_name") is None \
                and not _flagged(issues, "first_name"):
            names = party.person_names(v)
            shown = v.get("title") or v.get("last_name") or ""
            origin = "first_name" if "first_name" in present else \
                ("title" if "title" in present else "last_name")
            add(origin, (error("person.first_name_missing", names.first_name,
                               field="first_name", name=shown),))
            if last_missing:
                add("last_name", (error("person.last_name_missing", names.last_name,
                                        field="last_name", name=shown),))
            elif names.last_name is not None and v.get("last_name") is not None:
                add("last_name", (warning("person.name_in_last_name", names.last_name,
                                          field="last_name"),))
            return
        if last_missing:
            origin = "last_name" if "last_name" in present else "title"
            if verdict.kind == party.PERSON:
                add(origin, (error("person.last_name_missing",
                                   party.person_names(v).last_name, field="last_name",
                                   name=v.get("title") or ""),))
            else:
                add(origin, (error("company.last_name_missing", party.company_last_name(v),
                                   field="last_name"),))

    @classmethod
    def _resolve_country(cls, value: Any) -> tuple[tuple[Issue, ...], str | None]:
        """(the country cell's issues, the valid code it stands for or None)."""
        found = cls._country(value)
        if not found:
            return found, value
        return found, None if found[0].code.startswith("value.") else countries.lookup(value)

    @staticmethod
    def _country(value: Any) -> tuple[Issue, ...]:
        """The country rule behind the same cap and guard as the other rules."""
        cap = LENGTH_CAPS["country"]
        if isinstance(value, str) and len(value) > cap:
            return (error("value.too_long", count=len(value), limit=cap,
                          value=_shorten(value)),)
        try:
            return countries.check(value)
        except Exception:  # one bad cell, one finding
            return (error("value.unreadable", value=_shorten(value)),)

    def _peppol_vs_vat(self, v: dict[str, Any], resolved: dict[str, str | None], add) -> None:
        endpoint, sch, number = v.get("peppol_endpoint_id"), v.get("peppol_scheme_id"), \
            v.get("vat_id")
        if not (endpoint and number and sch in ("0208", "9925")) \
                or resolved["vat_country_code"] != "BE":
            return
        if len(str(number)) > LENGTH_CAPS["vat"] or len(str(endpoint)) > LENGTH_CAPS["scheme_id"]:
            return  # reported by the length cap
        if any(i.severity == ERROR for i in vat.check(number, "BE")):
            return
        if scheme.check_id(endpoint, sch):
            return
        ours = scheme.canonical(endpoint, scheme.SCHEME_BY_CODE[sch])
        theirs = vat.compact(number, "BE")
        if ours != theirs:
            add("peppol_endpoint_id", (warning("peppol.differs_from_vat", theirs,
                                               value=endpoint, vat=theirs),))

    def unique_external_ids(self, values: list[dict[str, Any]]) -> list[Finding]:
        """An error on every row whose external_id another row has too."""
        if "external_id" not in self.present:
            return []
        rows: dict[str, list[int]] = defaultdict(list)
        for r, vals in enumerate(values):
            if vals.get("external_id") is not None:
                rows[str(vals["external_id"])].append(r)
        out = []
        numbers = self.table.row_numbers
        for value, rs in rows.items():
            if len(rs) < 2:
                continue
            members = [numbers[o] for o in rs]  # ascending, as the rows are
            for r in rs:
                others = rows_text(members, skip={numbers[r]})
                out.append(Finding(self.table.row_numbers[r], "external_id",
                                   self.cell(r, "external_id"), ERROR, "external_id.duplicate",
                                   {"field": "external_id", "value": value, "other": others}))
        return out


_IDENTIFIERS = frozenset(f.key for f in FIELDS if f.text_format)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any) -> Any:
    return value if value is not None else ""


def _valid(issues: list[tuple[str, Issue]], key: str, v: dict[str, Any]) -> bool:
    """Whether ``key`` has a value and no error so far."""
    return v.get(key) is not None and not _flagged(issues, key)


def _flagged(issues: list[tuple[str, Issue]], key: str) -> bool:
    return any(k == key and i.severity == ERROR for k, i in issues)


def _restore(key: str, digits: str, v: dict[str, Any], resolved: dict[str, str | None],
             region: str) -> str:
    """What an identifier stored as a number most likely was before Excel dropped zeros."""
    kind = FIELD_BY_KEY[key].kind
    if kind == "vat":
        cc = resolved["vat_country_code"] or "BE"
        return "0" + digits if cc == "BE" and len(digits) == 9 else digits
    if kind == "phone":
        if digits.startswith(("32", "31", "33", "49", "352")) and len(digits) >= 10:
            return "+" + digits
        return "0" + digits if region == "BE" and len(digits) in (8, 9) else digits
    if kind == "zip":
        width = ZIP_DIGITS.get(resolved["address_country"] or "", 0)
        return digits.zfill(width) if len(digits) < width else digits
    if kind == "scheme":
        return digits.zfill(4) if len(digits) < 4 else digits
    if kind == "scheme_id":
        sch = v.get("peppol_scheme_id" if key == "peppol_endpoint_id"
                    else "identification_scheme_id")
        sch = sch.zfill(4) if isinstance(sch, str) and sch.isdigit() else sch
        return "0" + digits if sch in ("0208", "9925") and len(digits) == 9 else digits
    return digits
