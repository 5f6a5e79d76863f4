"""A customer sheet as a relations CSV for Exact Online ("Relaties" import).

The sheet is read and mapped exactly as ``numnum-xl validate`` does (NumNum's header
recognition, profiles, ``--map``/``--skip``) and checked by
:func:`numnum_xl.validate.validate_table`; the findings that concern what the CSV holds
(:func:`matters_to_exact`: name, address, country, VAT number and its country, e-mail, phone,
IBAN, Extern ID) count, NumNum's own rules on other columns (document language, payment term,
legal form, first and last name) do not. Exact has no last-name requirement and gets the VAT
number *with* its country prefix, so those two NumNum rules do not apply either. A row with an
error that matters is held back (:func:`held_back`) and the others are written.

Then the Exact checks: every customer gets a relation code (:mod:`numnum_xl.exact.codes`): its
Extern ID when that is a number of at most 18 digits, else a stable code from the code
register; no two customers share a code or are the same customer twice; no code goes to a
customer other than the one an earlier export gave it to.

The CSV has the columns of :data:`~numnum_xl.exact.schema.RELATION_FIELDS`. The VAT number is
written with its country prefix and without dots or spaces (``BE0403019261``): Exact's VAT
field is free text and the relation's country is its address country, so the prefix is the only
place the VAT number's own country is kept; it is also the form VIES checks. The IBAN is written
without spaces; the phone is the ``telephone`` column, else ``cellphone``.

>>> from numnum_xl.table import Table
>>> t = Table("k.xlsx", "Klanten", "xlsx", 1, 1,
...           ["title", "vat_id", "vat_country_code", "address_zip", "external_id"],
...           [["Bakkerij Janssen", "0403.019.261", "BE", "9000", "934"],
...            ["Slagerij Peeters", None, None, "2000", None]], [2, 3])
>>> r = check_relations(t, register=CodeRegister(None))
>>> [(f.cell, f.code) for f in r.findings]
[]
>>> [(row["code"], row["name"], row["vat_number"]) for row in r.rows]
[('934', 'Bakkerij Janssen', 'BE0403019261'), ('935', 'Slagerij Peeters', None)]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from numnum_xl.exact.codes import Assignment, CodeRegister, Identity, assign, code_key
from numnum_xl.exact.csvout import CsvFormat, needs_neutralising, write_csv
from numnum_xl.exact.schema import RELATION_FIELDS
from numnum_xl.findings import ERROR, WARNING, Finding, sort_key, summarize
from numnum_xl.mapping import Mapping, normalise, propose
from numnum_xl.table import Table
from numnum_xl.validate import Report, validate_table

#: (field, code) of NumNum findings that do not concern Exact (see the module doc).
NUMNUM_ONLY: frozenset[tuple[str | None, str]] = frozenset({
    ("last_name", "required.missing"),
    ("last_name", "header.required_missing"),
    ("vat_id", "vat.written"),
})
#: NumNum fields whose findings matter to Exact: the sources of the CSV's columns, the VAT
#: number's country (its prefix), the Extern ID (the relation code). Findings on any other
#: column (document language, payment term, legal form, names, …) never reach Exact.
EXACT_SOURCES: frozenset[str] = frozenset(
    {f.source for f in RELATION_FIELDS if f.source}
    | {"cellphone", "vat_country_code", "external_id"})
#: VAT prefixes that differ from the ISO country code (VIES writes Greece as EL).
_VAT_PREFIX = {"GR": "EL"}


@dataclass
class RelationsReport:
    """The outcome of checking a customer sheet for Exact."""

    core: Report  #: NumNum's own validation of the sheet
    findings: list[Finding]
    #: per data row: relation field key -> the value the CSV gets (None: empty)
    rows: list[dict[str, str | None]]
    assignments: list[Assignment]
    register: CodeRegister
    reserved: frozenset[str] = field(default_factory=frozenset)

    @property
    def table(self) -> Table:
        """The sheet that was checked."""
        return self.core.table

    @property
    def errors(self) -> int:
        """Number of error findings."""
        return sum(1 for f in self.findings if f.severity == ERROR)

    def summary(self) -> dict[str, Any]:
        """Counts, new codes, and which file, sheet and header row were read."""
        s = summarize(self.findings, self.table.data_rows)
        core = self.core.summary()
        s.update({k: core[k] for k in ("file", "sheet", "header_row", "mapped", "unmapped")})
        s["relations"] = sum(1 for row in self.rows if row.get("code"))
        s["register"] = str(self.register.path) if self.register.path else None
        return s

    def as_json(self, lang: str = "nl") -> dict[str, Any]:
        """``{"findings": [...], "summary": {...}}`` - the ``validate --json`` contract."""
        data = {"findings": [f.as_json(lang) for f in self.findings], "summary": self.summary()}
        data["relations"] = [row for row in self.rows if row.get("code")]
        return data


def matters_to_exact(f: Finding) -> bool:
    """Whether a NumNum finding concerns what the relations CSV holds.

    >>> matters_to_exact(Finding(3, "doc_language", "S3", ERROR, "choice.invalid"))
    False
    >>> matters_to_exact(Finding(3, "vat_id", "E3", ERROR, "vat.checksum"))
    True
    """
    if (f.column, f.code) in NUMNUM_ONLY:
        return False
    if f.column is None:  # sheet-level or unmapped-column notes
        return True
    return f.column in EXACT_SOURCES


def held_back(report: RelationsReport, lang: str = "nl") -> list[tuple[int, str]]:
    """(sheet row, reasons in ``lang``) of every customer the CSV leaves out: rows with an
    error that matters to Exact, and rows without a relation code."""
    reasons: dict[int, list[str]] = {}
    data = _data_rows(report)  # once: a set per finding made this quadratic
    for f in report.findings:
        if f.severity == ERROR and f.row is not None and f.row in data:
            reasons.setdefault(f.row, []).append((f"{f.cell}: " if f.cell else "")
                                                 + f.message(lang))
    out = []
    for n, row in zip(report.table.row_numbers, report.rows, strict=True):
        if n in reasons:
            out.append((n, " | ".join(reasons[n][:3])))
        elif not row.get("code"):
            out.append((n, _NO_NAME[lang if lang in _NO_NAME else "nl"]))
    return out


_NO_NAME = {"nl": "geen naam: geen relatiecode", "fr": "pas de nom : pas de code relation",
            "en": "no name: no relation code"}


def _data_rows(report: RelationsReport) -> frozenset[int]:
    return frozenset(report.table.row_numbers)


def vat_with_prefix(number: str, country: str) -> str:
    """The VAT number as Exact gets it: country prefix, no dots or spaces.

    >>> vat_with_prefix("0403.019.261", "BE"), vat_with_prefix("BE 0403 019 261", "BE")
    ('BE0403019261', 'BE0403019261')
    >>> vat_with_prefix("094259216", "GR")
    'EL094259216'
    """
    from numnum_xl.rules import vat

    return _VAT_PREFIX.get(country, country) + vat.compact(number, country)


def iban_compact(value: str) -> str:
    """An IBAN without spaces, in capitals.

    >>> iban_compact("be68 5390 0754 7034")
    'BE68539007547034'
    """
    from stdnum import iban

    return iban.compact(value)


def identity_of(values: dict[str, Any]) -> Identity | None:
    """What recognises the customer of one row (None: the row has no name)."""
    title = values.get("title")
    if not title:
        return None
    vat = None
    if values.get("vat_id") and values.get("vat_country_code"):
        vat = vat_with_prefix(str(values["vat_id"]), str(values["vat_country_code"]))
    name = f"{normalise(title)}|{normalise(values.get('address_zip') or '')}"
    ext = values.get("external_id")
    return Identity(vat=vat, external_id=str(ext) if ext else None, name=name)


def relation_values(values: dict[str, Any], code: str | None) -> dict[str, str | None]:
    """One CSV row (relation field key -> text) from the values NumNum would get."""
    out: dict[str, str | None] = {}
    for f in RELATION_FIELDS:
        if f.key == "code":
            out[f.key] = code
            continue
        raw = values.get(f.source) if f.source else None
        if f.key == "phone" and raw is None:
            raw = values.get("cellphone")
        if raw is None:
            out[f.key] = None
        elif f.key == "vat_number":
            cc = values.get("vat_country_code")
            out[f.key] = vat_with_prefix(str(raw), str(cc)) if cc else str(raw)
        elif f.key == "iban":
            out[f.key] = iban_compact(str(raw))
        elif f.key == "address":
            out[f.key] = ", ".join(p.strip() for p in str(raw).splitlines() if p.strip())
        else:
            out[f.key] = str(raw)
    return out


def check_relations(table: Table, mapping: Mapping | None = None, *,
                    register: CodeRegister, first_code: int = 1,
                    reserved: Iterable[str] = (),
                    progress: Callable[[int, int], None] | None = None) -> RelationsReport:
    """Validate ``table`` as NumNum would, then give every customer its Exact relation code.

    ``register`` is updated in memory; :func:`export_relations` saves it. ``reserved`` are
    codes that already exist in Exact (never given to a new customer).
    """
    mapping = mapping or propose(table.headers)
    core = validate_table(table, mapping, progress=progress)
    findings = [f for f in core.findings if matters_to_exact(f)]
    idents = [identity_of(v) for v in core.values]
    labels = [v.get("title") for v in core.values]
    reserved = frozenset(code_key(c) for c in reserved)
    assignments = assign(idents, register, first_code=first_code, reserved=reserved,
                         labels=labels)
    rows = [relation_values(v, a.code) for v, a in zip(core.values, assignments, strict=True)]
    checker = _CodeFindings(table, mapping, core, register)
    findings.extend(checker.run(assignments))
    findings.extend(_neutralised(table, mapping, rows))
    findings.sort(key=sort_key)
    return RelationsReport(core, findings, rows, assignments, register, reserved)


class _CodeFindings:
    """Findings about relation codes, on the Extern ID cell (own code) or the name cell."""

    def __init__(self, table: Table, mapping: Mapping, core: Report,
                 register: CodeRegister) -> None:
        self.table, self.mapping, self.core, self.register = table, mapping, core, register

    def where(self, r: int, explicit: bool) -> tuple[str | None, str | None]:
        for key in (("external_id", "title") if explicit else ("title",)):
            if key in self.mapping.fields:
                return key, self.table.cell(r, self.mapping.fields[key][0])
        return None, None

    def finding(self, r: int, explicit: bool, severity: str, code: str,
                **params: Any) -> Finding:
        key, cell = self.where(r, explicit)
        return Finding(self.table.row_numbers[r], key, cell, severity, code, params)

    def run(self, assignments: list[Assignment]) -> list[Finding]:
        out: list[Finding] = []
        nums = self.table.row_numbers
        file = self.register.path.name if self.register.path else "het coderegister"
        flagged: set[tuple[int, int]] = set()
        for r, a in enumerate(assignments):
            for code, params in a.notes:
                severity = ERROR if code == "exact.code.taken" else WARNING
                extra = {"file": file} if code == "exact.code.taken" else {}
                out.append(self.finding(r, a.explicit, severity, code, **params, **extra))
            if a.same_as is not None:
                flagged.add((a.same_as, r))
                ext = self.core.values[r].get("external_id")
                if ext and ext == self.core.values[a.same_as].get("external_id"):
                    continue  # NumNum's own check reports the same Extern ID already
                out.append(self.finding(r, a.explicit, ERROR, "exact.customer.duplicate",
                                        other=nums[a.same_as]))
        by_code: dict[str, list[int]] = {}
        for r, a in enumerate(assignments):
            if a.code:
                by_code.setdefault(code_key(a.code), []).append(r)
        for rows in by_code.values():
            for r in rows[1:]:
                first = rows[0]
                same_text = assignments[r].code == assignments[first].code \
                    and assignments[r].explicit and assignments[first].explicit
                taken = any(c == "exact.code.taken" for c, _ in assignments[r].notes)
                if (first, r) in flagged or same_text or taken:  # reported already
                    continue
                out.append(self.finding(r, assignments[r].explicit, ERROR,
                                        "exact.code.duplicate", value=assignments[r].code,
                                        other=nums[first]))
        return out


def _neutralised(table: Table, mapping: Mapping,
                 rows: list[dict[str, str | None]]) -> list[Finding]:
    """A warning on every cell whose value the CSV writes with a protective quote."""
    out = []
    for f in RELATION_FIELDS:
        sources = [f.source, "cellphone"] if f.key == "phone" else [f.source]
        for r, row in enumerate(rows):
            value = row.get(f.key)
            if not value or not needs_neutralising(value):
                continue
            key = next((k for k in sources if k and k in mapping.fields), None)
            cell = table.cell(r, mapping.fields[key][0]) if key else None
            out.append(Finding(table.row_numbers[r], key, cell, WARNING,
                               "exact.csv.neutralised",
                               {"field": key, "value": value, "first": value[:1],
                                **({} if key else {"label": f.header})}))
    return out


def blocking(report: RelationsReport) -> list[Finding]:
    """Errors that stop the whole export (not one row's): a sheet without a name column,
    a sheet that could not be read as a customer list."""
    rows = _data_rows(report)
    return [f for f in report.findings
            if f.severity == ERROR and (f.row is None or f.row not in rows)]


def export_relations(report: RelationsReport, out: str | os.PathLike[str],
                     fmt: CsvFormat | None = None) -> Path:
    """Write the relations CSV of every customer without an error that matters to Exact (the
    others are :func:`held_back`) and save the code register.

    Raises ValueError when an error concerns the whole sheet, or no row can be written:
    nothing is written then.
    """
    stops = blocking(report)
    if stops:
        raise ValueError(f"{len(stops)} fout(en) in het blad: er wordt niets "
                         f"geëxporteerd")
    held = {n for n, _ in held_back(report)}
    fmt = fmt or CsvFormat()
    headers = [f.header for f in RELATION_FIELDS]
    rows = [[row.get(f.key) for f in RELATION_FIELDS]
            for n, row in zip(report.table.row_numbers, report.rows, strict=True)
            if row.get("code") and n not in held]
    if not rows:
        raise ValueError("geen enkele rij zonder fouten: er wordt niets geëxporteerd")
    path = write_csv(out, headers, rows, fmt)
    if report.register.path is not None:
        report.register.save()
    return path
