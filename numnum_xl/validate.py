"""Validate a sheet: map its columns, read every cell as NumNum would, run every rule.

:func:`validate_table` is pure (a :class:`~numnum_xl.table.Table` in, a :class:`Report`
out); :func:`validate_file` reads the file first. Findings name the real sheet row, the
field key after mapping and the A1 cell.

>>> from numnum_xl.table import Table
>>> t = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "vat_id", "vat_country_code"],
...           [["Bakkerij Janssen BV", "Janssen", "0123456789", "BE"],
...            ["Dupont", "", 403019261, "BE"]], [2, 3])
>>> [(f.cell, f.code) for f in validate_table(t).findings]
[('C2', 'vat.checksum'), ('B3', 'required.missing'), ('C3', 'number.leading_zero_lost')]
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS
from numnum_xl.findings import ERROR, WARNING, Finding, sort_key, summarize
from numnum_xl.mapping import Mapping, propose
from numnum_xl.rules import bank, choice, contact, phone, postcode, scheme, text, vat
from numnum_xl.rules import country as countries
from numnum_xl.rules.base import Issue, error, warning
from numnum_xl.table import ErrorValue, Table

REQUIRED = tuple(f.key for f in FIELDS if f.required)
#: Scheme column -> identifier column.
SCHEME_PAIRS = {"peppol_scheme_id": "peppol_endpoint_id",
                "identification_scheme_id": "identification_id"}
#: Postcode lengths that a number in the cell may have lost leading zeros of.
ZIP_DIGITS = {"FR": 5, "DE": 5, "ES": 5, "IT": 5, "US": 5, "FI": 5, "MC": 5, "EE": 5}
#: Kinds whose checks take the cell's own value (number, bool), not text.
RAW_KINDS = {"language", "vat_rate", "yesno", "integer", "number"}


@dataclass
class Report:
    """The outcome of validating one sheet."""

    table: Table
    mapping: Mapping
    findings: list[Finding]
    #: per data row (0-based): field key -> the value NumNum would get (text, number or None)
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
        """Real sheet rows that have at least one error."""
        return {f.row for f in self.findings if f.severity == ERROR and f.row is not None}


def validate_file(path: str, sheet: str | None = None, *, profile: dict | None = None,
                  overrides: dict[str, str] | None = None) -> Report:
    """Read ``path`` (xlsx, xls or csv) and validate it."""
    from numnum_xl.readers import read_table

    table = read_table(path, sheet)
    return validate_table(table, propose(table.headers, profile=profile, overrides=overrides))


def validate_table(table: Table, mapping: Mapping | None = None) -> Report:
    """Every finding for ``table`` under ``mapping`` (proposed from the headers if None)."""
    mapping = mapping or propose(table.headers)
    findings = _sheet_findings(table, mapping)
    checker = _RowChecker(table, mapping)
    values: list[dict[str, Any]] = []
    for r, row in enumerate(table.rows):
        vals, found = checker.check(r, row)
        values.append(vals)
        findings.extend(found)
    findings.extend(checker.unique_external_ids(values))
    findings.sort(key=sort_key)
    return Report(table, mapping, findings, values)


def _sheet_findings(table: Table, mapping: Mapping) -> list[Finding]:
    out: list[Finding] = []
    if not table.headers:
        return [Finding(None, None, None, ERROR, "sheet.no_header")]
    hrow = table.header_row
    for i in mapping.unmapped:
        out.append(Finding(hrow, None, table.header_cell(i), WARNING, "header.unmapped",
                           {"value": table.headers[i]}))
    for c in mapping.columns:
        if c.how == "fuzzy" and c.index not in mapping.duplicates:
            out.append(Finding(hrow, c.key, table.header_cell(c.index), WARNING, "header.fuzzy",
                               {"field": c.key, "value": c.header}, c.key))
    for i in mapping.duplicates:
        key = mapping.columns[i].key
        other = table.header_cell(mapping.fields[key][0])
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
    return out


class _RowChecker:
    """Checks one row at a time; holds what is the same for every row."""

    def __init__(self, table: Table, mapping: Mapping) -> None:
        self.table = table
        self.fields = mapping.fields  # key -> column indices
        self.order = [f.key for f in FIELDS if f.key in self.fields]
        self.present = set(self.fields)

    def cell(self, r: int, key: str) -> str:
        return self.table.cell(r, self.fields[key][0])

    def raw(self, row: list[Any], key: str) -> Any:
        idx = self.fields[key]
        if len(idx) == 1:
            return row[idx[0]]
        parts = [row[i] for i in idx]
        for p in parts:
            if isinstance(p, ErrorValue):
                return p
        texts = [_as_text(p).strip() for p in parts if p is not None and _as_text(p).strip()]
        return " ".join(texts) if texts else None

    def check(self, r: int, row: list[Any]) -> tuple[dict[str, Any], list[Finding]]:
        """(the values NumNum would get, the findings) for data row ``r``."""
        issues: list[tuple[str, Issue]] = []
        vals: dict[str, Any] = {}
        # 1. read every cell as text (identifiers) or as it is (numbers, choices)
        numbers: dict[str, Any] = {}
        for key in self.order:
            value = self.raw(row, key)
            got, found = self._read(key, value)
            issues.extend((key, i) for i in found)
            vals[key] = got
            if key in _IDENTIFIERS and _is_number(value) and got is not None:
                numbers[key] = value
        # 2. the rules, with what the other columns of the row say
        self._rules(vals, numbers, issues)
        row_no = self.table.row_numbers[r]
        out: list[Finding] = []
        for origin, issue in issues:
            key = issue.field if issue.field in self.present else origin
            params = {"field": origin, "value": _shown(vals.get(origin)), **issue.params}
            out.append(Finding(row_no, key, self.cell(r, key), issue.severity, issue.code,
                               params, issue.suggestion))
        return vals, out

    def _read(self, key: str, value: Any) -> tuple[Any, tuple[Issue, ...]]:
        """The value as NumNum gets it, and the issues of the cell as such."""
        if value is None:
            return None, ()
        if isinstance(value, ErrorValue):
            return None, (error("cell.error_value", value=value.code),)
        if isinstance(value, (dt.date, dt.datetime)):
            return None, (error("text.unexpected_date", value=value.isoformat()),)
        kind = FIELD_BY_KEY[key].kind
        if kind in RAW_KINDS:
            if isinstance(value, str):
                stripped = value.strip()
                found = text.check_text(value, key) if stripped else ()
                return (stripped or None), found
            return value, ()
        if isinstance(value, str):
            stripped = value.strip()
            return (stripped or None), (text.check_text(value, key) if stripped else ())
        if isinstance(value, bool):
            return ("ja" if value else "nee"), ()
        if key in _IDENTIFIERS:
            digits = text.digits_of(value)
            if digits is None:
                if isinstance(value, float) and not value.is_integer():
                    return repr(value), ()
                return None, (error("number.precision_lost", value=f"{value:.15g}"),)
            return digits, ()
        return _as_text(value), ()

    def _rules(self, v: dict[str, Any], numbers: dict[str, Any],
               issues: list[tuple[str, Issue]]) -> None:
        def add(key: str, found: tuple[Issue, ...] | list[Issue]) -> None:
            issues.extend((key, i) for i in found)

        for key in REQUIRED:
            if key in self.present and v.get(key) is None and not _flagged(issues, key):
                add(key, (error("required.missing"),))
        # countries first: the other rules use them
        resolved: dict[str, str | None] = {}
        for key in ("vat_country_code", "address_country", "iban_country_code"):
            value = v.get(key)
            if value is not None:
                add(key, countries.check(value))
                resolved[key] = value if countries.is_valid(value) else countries.lookup(value)
            else:
                resolved[key] = None
        region = resolved["address_country"] or "BE"
        # numbers that lost leading zeros in Excel
        for key, number in numbers.items():
            restored = _restore(key, v[key], v, resolved, region)
            if restored != v[key]:
                add(key, (warning("number.leading_zero_lost", restored, value=v[key]),))
                v[key] = restored
        for key in self.order:
            value = v.get(key)
            if value is None:
                continue
            kind = FIELD_BY_KEY[key].kind
            if kind == "legal_form":
                add(key, choice.check_legal_form(str(value)))
            elif kind == "vat":
                cc = resolved["vat_country_code"]
                if v.get("vat_country_code") is None or cc is not None:
                    add(key, vat.check(value, cc))
            elif kind == "zip":
                add(key, postcode.check(value, region, resolved["address_country"] is not None))
            elif kind == "email":
                add(key, contact.check_email(value))
            elif kind == "url":
                add(key, contact.check_url(value))
            elif kind == "phone":
                add(key, phone.check(value, region))
            elif kind == "iban":
                add(key, bank.check_iban(value, resolved["iban_country_code"]))
            elif kind == "bic":
                add(key, bank.check_bic(value, v["iban"] if _valid(issues, "iban", v) else None))
            elif kind in ("language", "vat_rate", "yesno"):
                add(key, choice.check_choice(value, key))
            elif kind == "integer":
                add(key, choice.check_integer(value, key))
            elif kind == "number":
                add(key, choice.check_number(value, key))
            elif kind == "scheme":
                add(key, scheme.check_scheme(value))
                if v.get(SCHEME_PAIRS[key]) is None:
                    add(key, (error("scheme.id_missing"),))
            elif kind == "scheme_id":
                scheme_key = next(s for s, i in SCHEME_PAIRS.items() if i == key)
                add(key, scheme.check_id(value, v.get(scheme_key)))
        if v.get("vat_country_code") is not None and v.get("vat_id") is None \
                and "vat_id" in self.present:
            add("vat_country_code", (warning("vat.number_missing",
                                             value=v["vat_country_code"]),))
        self._peppol_vs_vat(v, resolved, add)

    def _peppol_vs_vat(self, v: dict[str, Any], resolved: dict[str, str | None], add) -> None:
        endpoint, sch, number = v.get("peppol_endpoint_id"), v.get("peppol_scheme_id"), \
            v.get("vat_id")
        if not (endpoint and number and sch in ("0208", "9925")) \
                or resolved["vat_country_code"] != "BE":
            return
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
        for value, rs in rows.items():
            if len(rs) < 2:
                continue
            for r in rs:
                others = ", ".join(str(self.table.row_numbers[o]) for o in rs if o != r)
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
