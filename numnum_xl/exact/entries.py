"""Sales-entry lines ("Verkoopboekingen") for Exact Online: check them, export them as CSV.

One sheet row is one invoice line (the columns of
:data:`~numnum_xl.exact.schema.ENTRY_FIELDS`). Exact's import starts a new entry whenever the
value in the invoice-number column changes ("Aan een veranderende waarde" in the import
wizard), so the lines of one invoice belong together and share their header data.

What :func:`check_entries` reports, each on its own cell:

* columns: every required column present (headers recognised like NumNum's, by header,
  French/English label or synonym, ignoring case, accents and punctuation, with fuzzy matching
  for typos);
* every line: the invoice date a date; the invoice number (Boekstuknummer) a number without
  text; the relation code digits only (at most 18); the year 4 digits; the period 1-12 (or 1-4
  per quarter); G/L account, description and VAT code present; the amount a number in the
  chosen notation (``870,00`` with ``--decimaal komma``; ``870.00`` is then the wrong notation,
  ``1.234`` is ambiguous; a number cell is always fine);
* every invoice: header data (date, header description, relation code, year, period, journal)
  identical on all its lines - a differing cell names the first line of the invoice; the date
  matches year and period (the period is the month by default); the lines stand together;
* against files: the relation code in the relations file (else "debiteur (code) onbekend"),
  G/L account and VAT code in their lists, the invoice number not in an earlier export (else
  "zou dubbel geïmporteerd worden");
* the CSV: a text value that would be neutralised against formula injection (a warning).

>>> from numnum_xl.table import Table
>>> heads = [f.header for f in ENTRY_FIELDS]
>>> line = [dt.date(2024, 1, 2), "Factuur 5", "934", 202400005, 2024, 1, "700000", "Les", 870,
...         "2", "70"]
>>> t = Table("v.xlsx", "Blad1", "xlsx", 1, 1, heads,
...           [line, [*line[:5], 2, *line[6:8], "870.00", *line[9:]]], [2, 3])
>>> r = check_entries(t)
>>> [(f.cell, f.code) for f in r.findings]
[('F3', 'exact.invoice.differs'), ('I3', 'exact.amount.notation')]
>>> r.findings[1].suggestion
'870,00'
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from numnum_xl.exact.codes import usable_code
from numnum_xl.exact.csvout import CsvFormat, needs_neutralising, write_csv
from numnum_xl.exact.journal import ExportJournal
from numnum_xl.exact.lists import CodeList, code_text
from numnum_xl.exact.schema import (
    ENTRY_BY_KEY,
    ENTRY_FIELDS,
    ENTRY_HEADER_KEYS,
    ENTRY_NUMBER_MAX,
    entry_aliases,
)
from numnum_xl.findings import ERROR, WARNING, Finding, sort_key, summarize
from numnum_xl.mapping import FUZZY_CUTOFF, FUZZY_MIN_LENGTH, normalise
from numnum_xl.table import ErrorValue, Table

#: ``--perioden`` choices: how the period follows from the invoice date.
PERIOD_SCHEMES = {"maand": 12, "kwartaal": 4}
#: Years a financial year may have.
YEARS = range(1900, 2100)
_CENT = Decimal("0.01")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = (
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), "dmy"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), "ymd"),
)
_CURRENCY = re.compile(r"€|\bEUR\b|\s", re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"[+-]?[0-9.,]+")


@dataclass
class EntryOptions:
    """What the check needs besides the sheet."""

    decimal: str = ","  #: the decimal separator amounts written as text use
    periods: str = "maand"  #: a key of :data:`PERIOD_SCHEMES`
    date_format: str = "dd-mm-jjjj"  #: how dates are shown in messages (and exported)
    relations: CodeList | None = None
    accounts: CodeList | None = None
    vat_codes: CodeList | None = None
    journal: ExportJournal | None = None
    #: invoice numbers that may be exported again although the journal has them
    again: frozenset[int] = frozenset()
    again_all: bool = False

    def __post_init__(self) -> None:
        if self.periods not in PERIOD_SCHEMES:
            raise ValueError(f"periodes {self.periods!r}: kies uit {', '.join(PERIOD_SCHEMES)}")
        CsvFormat(decimal=self.decimal, date_format=self.date_format)  # validates both


# --- columns ---------------------------------------------------------------------------------


@dataclass
class ColumnMap:
    """Which sheet column feeds which entry field."""

    fields: dict[str, int] = field(default_factory=dict)
    fuzzy: list[int] = field(default_factory=list)
    unmapped: list[int] = field(default_factory=list)
    #: (column, the column that already feeds the same field)
    duplicates: list[tuple[int, int]] = field(default_factory=list)


def map_columns(headers: list[str]) -> ColumnMap:
    """Recognise the entry columns among ``headers``: for two columns naming one field, the
    template's header beats another name, which beats a fuzzy match (then the leftmost wins).

    >>> m = map_columns(["Datum", "Factuurnummer", "Bedrag ex. BTW", "Kleur", "Grootboekrekning"])
    >>> m.fields
    {'entry_date': 0, 'entry_number': 1, 'account': 4, 'amount': 2}
    >>> m.unmapped, m.fuzzy
    ([3], [4])
    """
    index = entry_aliases()
    cmap = ColumnMap()
    pending: list[tuple[int, int, str]] = []  # (rank: 0 header, 1 other name, 2 fuzzy; i; key)
    for i, head in enumerate(headers):
        norm = normalise(head)
        if not norm:
            continue
        if norm in index:
            key = index[norm]
            pending.append((0 if norm == normalise(ENTRY_BY_KEY[key].header) else 1, i, key))
            continue
        hit = process.extractOne(norm, index.keys(), scorer=Levenshtein.normalized_similarity,
                                 score_cutoff=FUZZY_CUTOFF) if len(norm) >= FUZZY_MIN_LENGTH \
            else None
        if hit:
            pending.append((2, i, index[hit[0]]))
        else:
            cmap.unmapped.append(i)
    for rank, i, key in sorted(pending):
        if key in cmap.fields:
            cmap.duplicates.append((i, cmap.fields[key]))
            continue
        cmap.fields[key] = i
        if rank == 2:
            cmap.fuzzy.append(i)
    cmap.fuzzy.sort()
    cmap.duplicates.sort()
    order = [f.key for f in ENTRY_FIELDS]
    cmap.fields = dict(sorted(cmap.fields.items(), key=lambda kv: order.index(kv[0])))
    return cmap


# --- reading one cell ------------------------------------------------------------------------

class _Bad(Exception):
    """A cell that cannot be read: (code, params, suggestion)."""

    def __init__(self, code: str, suggestion: Any = None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.suggestion, self.params = code, suggestion, params


def shown(value: Any, date_format: str = "dd-mm-jjjj") -> str:
    """A cell value as messages show it.

    >>> shown(dt.date(2024, 1, 2)), shown(870.5), shown(None)
    ('02-01-2024', '870.5', '')
    """
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return CsvFormat(date_format=date_format).date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(value: Any, date_format: str = "dd-mm-jjjj") -> dt.date:
    """A date cell, or text ``dd-mm-yyyy`` / ``dd/mm/yyyy`` / ``dd.mm.yyyy`` / ``yyyy-mm-dd``.

    >>> parse_date("02-01-2024"), parse_date(dt.datetime(2024, 1, 2, 13, 5))
    (datetime.date(2024, 1, 2), datetime.date(2024, 1, 2))
    >>> parse_date(45293)
    Traceback (most recent call last):
    ...
    numnum_xl.exact.entries._Bad: exact.date.invalid
    """
    example = CsvFormat(date_format=date_format).date(dt.date(2024, 1, 2))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern, order in _DATE_TEXT:
            m = pattern.fullmatch(text)
            if m:
                a, b, c = (int(g) for g in m.groups())
                day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    break
        raise _Bad("exact.date.invalid", example=example)
    suggestion = None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        serial = _EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell shown as a number
        suggestion = CsvFormat(date_format=date_format).date(serial)
    raise _Bad("exact.date.invalid", suggestion, example=example)


def _whole(value: Any) -> int | None:
    """A whole number from a number cell or digits-only text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_entry_number(value: Any) -> int:
    """The invoice number: a whole number 1..2147483647, no text.

    >>> parse_entry_number("202400005"), parse_entry_number(202400005.0)
    (202400005, 202400005)
    >>> try:
    ...     parse_entry_number("F2024-005")
    ... except _Bad as bad:
    ...     print(bad.code, bad.suggestion)
    exact.entry_number.invalid 2024005
    """
    number = _whole(value)
    if number is None or number < 1:
        digits = re.sub(r"\D", "", str(value)) if isinstance(value, str) else ""
        raise _Bad("exact.entry_number.invalid", digits.lstrip("0") or None)
    if number > ENTRY_NUMBER_MAX:
        raise _Bad("exact.entry_number.too_large", max=ENTRY_NUMBER_MAX)
    return number


def parse_amount(value: Any, decimal: str = ",") -> tuple[Decimal, list[tuple[str, Any]]]:
    """(the amount, warnings as (code, suggestion)) of an amount cell; raises :class:`_Bad`.

    Text must use ``decimal`` as decimal separator; the other separator may only group
    thousands, and only where that cannot be read two ways.

    >>> parse_amount("870,00")[0], parse_amount("-1.234,5")[0], parse_amount(12.5)[0]
    (Decimal('870.00'), Decimal('-1234.5'), Decimal('12.5'))
    >>> parse_amount("870.00", ".")[0]
    Decimal('870.00')
    >>> [parse_amount(v)[1] for v in ("€ 870,00", "12,345")]
    [[('exact.amount.written', '870,00')], [('exact.amount.decimals', '12,35')]]
    >>> for bad in ("870.00", "1.234", "12,5,0", "abc"):
    ...     try:
    ...         parse_amount(bad)
    ...     except _Bad as exc:
    ...         print(bad, exc.code, exc.suggestion)
    870.00 exact.amount.notation 870,00
    1.234 exact.amount.ambiguous None
    12,5,0 exact.amount.invalid None
    abc exact.amount.invalid None
    """
    fmt = CsvFormat(decimal=decimal)
    notes: list[tuple[str, Any]] = []
    if isinstance(value, bool) or value is None:
        raise _Bad("exact.amount.invalid")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(f"{value:.15g}")  # what Excel shows: 15 significant digits
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = _amount_text(value, decimal, fmt, notes)
    else:
        raise _Bad("exact.amount.invalid")
    if not amount.is_finite():
        raise _Bad("exact.amount.invalid")
    if amount != amount.quantize(_CENT):
        notes.append(("exact.amount.decimals", fmt.amount(amount)))
    return amount, notes


def _amount_text(value: str, sep: str, fmt: CsvFormat, notes: list[tuple[str, Any]]) -> Decimal:
    text = value.strip()
    bare = _CURRENCY.sub("", text)
    if not _NUMBER_TEXT.fullmatch(bare):
        raise _Bad("exact.amount.invalid")
    other = "." if sep == "," else ","
    sign = "-" if bare.startswith("-") else ""
    body = bare.lstrip("+-")
    if not body or not body[0].isdigit() or not body[-1].isdigit():
        raise _Bad("exact.amount.invalid")
    if body.count(sep) > 1:
        raise _Bad("exact.amount.invalid")
    whole, _, frac = body.partition(sep)
    if other in frac:
        raise _Bad("exact.amount.notation", _swap(text, sep, other), sep=sep)
    if other in whole:
        groups = whole.split(other)
        grouped = all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
        if not grouped:
            if len(groups) == 2 and not frac:  # 870.00 with a decimal comma
                raise _Bad("exact.amount.notation", _swap(text, sep, other), sep=sep)
            raise _Bad("exact.amount.invalid")
        if len(groups) == 2 and not frac:  # 1.234: a thousand, or one point two three four?
            first = fmt.amount(Decimal(sign + "".join(groups))).split(sep)[0]
            second = sign + groups[0] + sep + groups[1]
            raise _Bad("exact.amount.ambiguous", first=first, second=second)
        whole = "".join(groups)
    if bare != text:
        notes.append(("exact.amount.written", fmt.amount(Decimal(sign + whole + "."
                                                                 + (frac or "0")))))
    try:
        return Decimal(sign + whole + ("." + frac if frac else ""))
    except InvalidOperation:  # pragma: no cover - the patterns above admit digits only
        raise _Bad("exact.amount.invalid") from None


def _swap(text: str, sep: str, other: str) -> str:
    """``text`` with the two separators exchanged (870.00 -> 870,00)."""
    return text.translate(str.maketrans({sep: other, other: sep}))


def _text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return code_text(value) or str(value)


# --- the report ------------------------------------------------------------------------------


@dataclass
class Line:
    """One invoice line: the sheet row and its values as Exact gets them (None: empty or bad)."""

    index: int  #: data row index in the table
    row: int  #: the real sheet row
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)


@dataclass
class EntryReport:
    """The outcome of checking one sales-entry sheet."""

    table: Table
    columns: ColumnMap
    findings: list[Finding]
    lines: list[Line]
    options: EntryOptions

    @property
    def errors(self) -> int:
        """Number of error findings."""
        return sum(1 for f in self.findings if f.severity == ERROR)

    def invoices(self) -> dict[int, list[Line]]:
        """Invoice number -> its lines, in order of first appearance (lines with a number)."""
        out: dict[int, list[Line]] = {}
        for line in self.lines:
            number = line.values.get("entry_number")
            if number is not None:
                out.setdefault(number, []).append(line)
        return out

    def total(self) -> Decimal:
        """The sum of all readable amounts (excluding VAT)."""
        return sum((ln.values["amount"] for ln in self.lines
                    if ln.values.get("amount") is not None), Decimal(0))

    def summary(self) -> dict[str, Any]:
        """Counts, the invoices and total, and which file, sheet and header row were read."""
        s = summarize(self.findings, self.table.data_rows)
        s.update({"file": str(self.table.source), "sheet": self.table.sheet,
                  "header_row": self.table.header_row,
                  "invoices": len(self.invoices()), "lines": len(self.lines),
                  "total_excl_vat": f"{self.total().quantize(_CENT):f}",
                  "mapped": {k: self.table.headers[i] for k, i in self.columns.fields.items()},
                  "unmapped": [self.table.headers[i] for i in self.columns.unmapped]})
        return s

    def as_json(self, lang: str = "nl") -> dict[str, Any]:
        """``{"findings": [...], "summary": {...}}`` - the ``validate --json`` contract."""
        return {"findings": [f.as_json(lang) for f in self.findings], "summary": self.summary()}


def check_entries(table: Table, options: EntryOptions | None = None) -> EntryReport:
    """Every finding for the sales-entry sheet ``table`` (see the module doc)."""
    options = options or EntryOptions()
    cmap = map_columns(table.headers)
    checker = _Checker(table, cmap, options)
    findings = checker.sheet_findings()
    lines = [checker.read_line(r) for r in range(len(table.rows))]
    checker.invoice_findings(lines)
    findings.extend(checker.found)
    findings.sort(key=sort_key)
    return EntryReport(table, cmap, findings, lines, options)


def check_entries_file(path: str | os.PathLike[str], sheet: str | None = None,
                       options: EntryOptions | None = None) -> EntryReport:
    """Read ``path`` (xlsx, xls or csv) and check it."""
    from numnum_xl.readers import read_table

    return check_entries(read_table(path, sheet), options)


class _Checker:
    def __init__(self, table: Table, cmap: ColumnMap, options: EntryOptions) -> None:
        self.table, self.cmap, self.options = table, cmap, options
        self.found: list[Finding] = []
        self.high = PERIOD_SCHEMES[options.periods]

    # findings ---------------------------------------------------------------------------------
    def label(self, key: str) -> str:
        i = self.cmap.fields.get(key)
        return self.table.headers[i] if i is not None else ENTRY_BY_KEY[key].header

    def cell(self, r: int, key: str) -> str | None:
        i = self.cmap.fields.get(key)
        return self.table.cell(r, i) if i is not None else None

    def add(self, line: Line, key: str, severity: str, code: str, suggestion: Any = None,
            **params: Any) -> None:
        params.setdefault("label", self.label(key))
        self.found.append(Finding(line.row, key, self.cell(line.index, key), severity, code,
                                  params, suggestion))

    def sheet_findings(self) -> list[Finding]:
        t, cmap = self.table, self.cmap
        if not t.headers:
            return [Finding(None, None, None, ERROR, "sheet.no_header")]
        hrow = t.header_row
        out: list[Finding] = []
        for i in cmap.unmapped:
            out.append(Finding(hrow, None, t.header_cell(i), WARNING, "exact.header.unmapped",
                               {"value": t.headers[i]}))
        keys = {i: k for k, i in cmap.fields.items()}
        for i in cmap.fuzzy:
            head = ENTRY_BY_KEY[keys[i]].header
            out.append(Finding(hrow, keys[i], t.header_cell(i), WARNING, "header.fuzzy",
                               {"label": head, "value": t.headers[i]}, head))
        for i, first in cmap.duplicates:
            key = keys[first]
            out.append(Finding(hrow, key, t.header_cell(i), WARNING, "header.duplicate",
                               {"label": ENTRY_BY_KEY[key].header, "value": t.headers[i],
                                "other": t.header_cell(first)}))
        for f in ENTRY_FIELDS:
            if f.required and f.key not in cmap.fields:
                out.append(Finding(hrow, f.key, None, ERROR, "exact.header.missing",
                                   {"value": f.header}))
        if not t.rows:
            out.append(Finding(None, None, None, WARNING, "exact.sheet.no_data"))
        data_rows = set(t.row_numbers)
        hidden = sorted(r for r in t.hidden_rows if r in data_rows)
        if hidden:
            out.append(Finding(hidden[0], None, None, WARNING, "sheet.hidden_rows",
                               {"count": len(hidden), "value": hidden[0]}))
        for rng in t.merged:
            top_left = rng.split(":")[0]
            row = int("".join(ch for ch in top_left if ch.isdigit()))
            out.append(Finding(row, None, top_left, WARNING, "sheet.merged_cells",
                               {"value": rng}))
        for ref in t.info.get("formulas_without_value", []):
            row = int("".join(ch for ch in ref if ch.isdigit()))
            out.append(Finding(row, None, ref, WARNING, "sheet.formula_no_value",
                               {"value": ref}))
        return out

    # one line ---------------------------------------------------------------------------------
    def read_line(self, r: int) -> Line:
        row = self.table.rows[r]
        line = Line(r, self.table.row_numbers[r], {})
        for key, i in self.cmap.fields.items():
            raw = row[i] if i < len(row) else None
            if isinstance(raw, str) and not raw.strip():
                raw = None
            if isinstance(raw, ErrorValue):
                line.bad.add(key)
                line.values[key] = None
                self.add(line, key, ERROR, "cell.error_value", value=raw.code)
                continue
            if raw is None:
                line.values[key] = None
                continue
            try:
                line.values[key] = self.parse(line, key, raw)
            except _Bad as bad:
                line.bad.add(key)
                line.values[key] = None
                self.add(line, key, ERROR, bad.code, bad.suggestion,
                         value=shown(raw, self.options.date_format), **bad.params)
        for key in self.cmap.fields:
            line.values.setdefault(key, None)
        return line

    def parse(self, line: Line, key: str, raw: Any) -> Any:
        kind = ENTRY_BY_KEY[key].kind
        if kind == "date":
            return parse_date(raw, self.options.date_format)
        if kind == "entry_number":
            return parse_entry_number(raw)
        if kind == "code":
            code = usable_code(code_text(raw)) if not isinstance(raw, bool) else None
            if code is None:
                raise _Bad("exact.code.invalid")
            return code
        if kind == "year":
            year = _whole(raw)
            if year is None or year not in YEARS:
                raise _Bad("exact.year.invalid")
            return year
        if kind == "period":
            period = _whole(raw)
            if period is None or not 1 <= period <= self.high:
                raise _Bad("exact.period.invalid", high=self.high)
            return period
        if kind == "amount":
            amount, notes = parse_amount(raw, self.options.decimal)
            for code, suggestion in notes:
                self.add(line, key, WARNING, code, suggestion, value=shown(raw))
            return amount
        return _text(raw)  # text, account, vat_code, journal

    # invoices ---------------------------------------------------------------------------------
    def invoice_findings(self, lines: list[Line]) -> None:
        opts = self.options
        first: dict[int, Line] = {}
        previous: int | None = None
        warned_split: set[int] = set()
        for line in lines:
            v = line.values
            number = v.get("entry_number")
            lead = first.setdefault(number, line) if number is not None else line
            if number is not None and lead is not line and previous != number \
                    and number not in warned_split:
                warned_split.add(number)
                self.add(line, "entry_number", WARNING, "exact.invoice.split", number=number,
                         other=lead.row)
            previous = number if number is not None else previous
            # header data: the first line of an invoice is checked; the others must equal it
            covered: set[str] = set()
            if lead is not line:
                for key in ENTRY_HEADER_KEYS:
                    if key not in self.cmap.fields or key in line.bad or key in lead.bad:
                        continue
                    if v.get(key) == lead.values.get(key):
                        covered.add(key)
                    else:
                        self.add(line, key, ERROR, "exact.invoice.differs",
                                 shown(lead.values.get(key), opts.date_format) or None,
                                 value=shown(v.get(key), opts.date_format), number=number,
                                 other=lead.row,
                                 expected=shown(lead.values.get(key), opts.date_format))
                        covered.add(key)  # reported once, on this cell
            for f in ENTRY_FIELDS:
                if f.required and f.key in self.cmap.fields and f.key not in covered \
                        and v.get(f.key) is None and f.key not in line.bad:
                    self.add(line, f.key, ERROR, "exact.required")
            self.header_checks(line, covered)
            self.line_checks(line)

    def header_checks(self, line: Line, covered: set[str]) -> None:
        """Checks of one invoice's header data (not repeated on lines equal to the first)."""
        opts, v = self.options, line.values
        date, year, period = v.get("entry_date"), v.get("year"), v.get("period")
        if date is not None and not {"entry_date", "year", "period"} <= covered:
            if year is not None and year != date.year and "year" not in covered:
                self.add(line, "year", ERROR, "exact.year.mismatch", date.year, value=year,
                         date=shown(date, opts.date_format))
            expected = date.month if opts.periods == "maand" else (date.month - 1) // 3 + 1
            if period is not None and period != expected and "period" not in covered:
                code = "exact.period.mismatch" if opts.periods == "maand" \
                    else "exact.period.mismatch_quarter"
                self.add(line, "period", ERROR, code, expected, value=period,
                         date=shown(date, opts.date_format), expected=expected)
        code = v.get("relation_code")
        if code is not None and "relation_code" not in covered and opts.relations is not None \
                and code not in opts.relations:
            near = opts.relations.loose(code)
            if near is not None:
                self.add(line, "relation_code", WARNING, "exact.relation.zeros", near,
                         value=code, file=opts.relations.name, expected=near)
            else:
                self.add(line, "relation_code", ERROR, "exact.relation.unknown", value=code,
                         file=opts.relations.name)
        number = v.get("entry_number")
        if number is not None and opts.journal is not None and not opts.again_all \
                and number not in opts.again:
            done = opts.journal.find(number)
            if done is not None:
                self.add(line, "entry_number", ERROR, "exact.invoice.exported", value=number,
                         when=done.get("wanneer", "?").replace("T", " "),
                         file=Path(str(done.get("csv", "?"))).name)
        for key in ("header_description", "journal"):
            if key not in covered:
                self.neutralised(line, key)

    def line_checks(self, line: Line) -> None:
        """Checks of one line's own data."""
        opts, v = self.options, line.values
        account, vat_code = v.get("account"), v.get("vat_code")
        if account is not None and opts.accounts is not None and account not in opts.accounts:
            self.add(line, "account", ERROR, "exact.account.unknown", value=account,
                     file=opts.accounts.name)
        if vat_code is not None and opts.vat_codes is not None \
                and vat_code not in opts.vat_codes:
            self.add(line, "vat_code", ERROR, "exact.vat_code.unknown", value=vat_code,
                     file=opts.vat_codes.name)
        for key in ("description", "account", "vat_code"):
            self.neutralised(line, key)

    def neutralised(self, line: Line, key: str) -> None:
        value = line.values.get(key)
        if isinstance(value, str) and needs_neutralising(value):
            self.add(line, key, WARNING, "exact.csv.neutralised", value=value,
                     first=value[:1].replace("\t", "tab").replace("\r", "CR"))


# --- export ----------------------------------------------------------------------------------


@dataclass
class EntryExport:
    """What :func:`export_entries` wrote."""

    csv_path: Path
    invoices: int
    lines: int
    journal_path: Path | None


def csv_rows(report: EntryReport, fmt: CsvFormat) -> list[list[str | None]]:
    """The CSV rows: the lines of each invoice together, invoices in order of appearance."""
    out: list[list[str | None]] = []
    for lines in report.invoices().values():
        for line in lines:
            out.append([_csv_value(f.key, line.values.get(f.key), fmt) for f in ENTRY_FIELDS])
    return out


def _csv_value(key: str, value: Any, fmt: CsvFormat) -> str | None:
    if value is None:
        return None
    kind = ENTRY_BY_KEY[key].kind
    if kind == "date":
        return fmt.date(value)
    if kind == "amount":
        return fmt.amount(value)
    return str(value)


_HELD = {
    "nl": ("factuur {n}: een andere regel heeft een fout (rij {rows}); alle regels van een "
           "factuur gaan samen, of geen", "geen factuurnummer"),
    "fr": ("facture {n} : une autre ligne a une erreur (ligne {rows}) ; toutes les lignes "
           "d'une facture partent ensemble, ou aucune", "pas de numéro de facture"),
    "en": ("invoice {n}: another line has an error (row {rows}); all lines of an invoice go "
           "together, or none", "no invoice number"),
}


def blocking(report: EntryReport) -> list[Finding]:
    """Errors that concern the whole sheet (a missing column): nothing can be exported."""
    rows = {ln.row for ln in report.lines}
    return [f for f in report.findings
            if f.severity == ERROR and (f.row is None or f.row not in rows)]


def held_back(report: EntryReport, lang: str = "nl") -> list[tuple[int, str]]:
    """(sheet row, reason in ``lang``) of every line the CSV leaves out: all lines of an
    invoice with an error on any of its lines, and lines without an invoice number."""
    words = _HELD.get(lang, _HELD["nl"])
    reasons: dict[int, list[str]] = {}
    for f in report.findings:
        if f.severity == ERROR and f.row is not None:
            reasons.setdefault(f.row, []).append((f"{f.cell}: " if f.cell else "")
                                                 + f.message(lang))
    out: dict[int, str] = {}
    for number, lines in report.invoices().items():
        bad = [ln.row for ln in lines if ln.row in reasons]
        if not bad:
            continue
        for ln in lines:
            out[ln.row] = " | ".join(reasons[ln.row][:3]) if ln.row in reasons else \
                words[0].format(n=number, rows=", ".join(map(str, bad)))
    for ln in report.lines:
        if ln.values.get("entry_number") is None and ln.row not in out:
            out[ln.row] = " | ".join(reasons.get(ln.row, [])[:3]) or words[1]
    return sorted(out.items())


def export_entries(report: EntryReport, out: str | os.PathLike[str], fmt: CsvFormat, *,
                   journal: ExportJournal | None = None) -> EntryExport:
    """Write the CSV of every invoice whose lines are all without errors (the others are
    :func:`held_back`, all their lines) and record its invoice numbers in ``journal``.

    Raises ValueError when an error concerns the whole sheet or no invoice is left: nothing
    is written then.
    """
    if blocking(report):
        raise ValueError(f"{len(blocking(report))} fout(en) in het blad: er wordt niets "
                         f"geëxporteerd")
    held = {row for row, _ in held_back(report)}
    keep = {n: lines for n, lines in report.invoices().items()
            if not any(ln.row in held for ln in lines)}
    if not keep:
        raise ValueError("geen enkele factuur zonder fouten: er wordt niets geëxporteerd")
    headers = [f.header for f in ENTRY_FIELDS]
    rows = [[_csv_value(f.key, line.values.get(f.key), fmt) for f in ENTRY_FIELDS]
            for lines in keep.values() for line in lines]
    path = write_csv(out, headers, rows, fmt)
    numbers = list(keep)
    saved = None
    if journal is not None:
        journal.record(numbers, path)
        saved = journal.save()
    return EntryExport(path, len(numbers), len(rows), saved)

