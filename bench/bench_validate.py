#!/usr/bin/env python
"""Benchmark numnum-xl validation against a bare openpyxl read+write and frictionless-py.

Usage::

    python bench/bench_validate.py [--rows 10000 100000] [--repeat 1] [--out bench/out]
                                   [--profile]

For each size N it generates an N-row customer sheet with planted faults
(``numnum_xl.demo.customers(N, seed=N, fault_rate=0.05)``), then times

* core validation: ``validate_table(table, propose(table.headers))`` on a table read once
  (and, when ``validate_table`` takes ``workers``, once more with ``workers=1``);
* ``read_table`` on its own;
* the CLI end to end: ``python -m numnum_xl validate FILE -o OUT.xlsx`` in a subprocess;
* the floor for writing an annotated copy: ``openpyxl.load_workbook`` (full mode, as the
  annotator loads it) + ``save``; and python-calamine's read on its own, for context;
* frictionless-py validating the same .xlsx (and a CSV export of the same data) against a
  Table Schema that expresses the checks it can.

Every measurement runs in a fresh interpreter (``--child``): the rules keep ``lru_cache``s,
so a second validation of the same rows in one process is several times faster than the first
and would not be what a user gets; a fresh process also starts from a clean heap. Imports
happen before the clock starts (the CLI line is the exception: it is wall clock of the whole
command). Each measurement records wall-clock seconds and CPU seconds (user + system,
including child processes): on a shared machine the CPU figure is the steadier one.

It prints a table per N, the ratios with their targets (met / not met) and the growth from the
smallest to the largest N, and writes everything to ``OUT/validate-results.json``.
With ``--repeat K`` each measurement is the best of K fresh runs; generation is timed once and
compared with nothing. See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not on Windows: CPU time of this process only
    resource = None  # type: ignore[assignment]

#: Targets: core rows/s at least this many times frictionless (.xlsx) rows/s ...
TARGET_CORE_VS_FRICTIONLESS = 10.0
#: ... and the CLI end to end at most this many times a bare openpyxl load + save.
TARGET_CLI_VS_BARE = 1.5

FAULT_RATE = 0.05
#: Distributions whose versions are printed at the top.
PACKAGES = ("numnum-xl", "openpyxl", "python-calamine", "frictionless", "python-stdnum",
            "phonenumbers", "pycountry", "email-validator", "validators", "rapidfuzz")

# Patterns for the frictionless Table Schema. Table Schema patterns are whole-value matches
# (frictionless compiles them as ``^...$``).
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


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result) of ``fn()``, from a collected heap."""
    gc.collect()
    c0, t0 = _cpu_now(), time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, _cpu_now() - c0, result


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews every timing."""
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


# --------------------------------------------------------------------------------------------
# frictionless


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


# --------------------------------------------------------------------------------------------
# child processes: one measurement each, from a fresh interpreter


def child(stage: str, path: Path, n: int) -> dict[str, Any]:
    """Run one measurement in this (fresh) process; the result is printed as JSON."""
    if stage in ("core", "core1"):
        import inspect

        from numnum_xl import validate as vmod
        from numnum_xl.mapping import propose
        from numnum_xl.readers import read_table

        kw: dict[str, Any] = {}
        has_workers = "workers" in inspect.signature(vmod.validate_table).parameters
        if stage == "core1":
            if not has_workers:
                return {"skipped": "validate_table takes no workers argument"}
            kw["workers"] = 1
        read_s, read_cpu, table = timed(lambda: read_table(path))
        if table.data_rows != n:
            raise SystemExit(f"read_table gave {table.data_rows} rows, expected {n}")
        val_s, val_cpu, report = timed(
            lambda: vmod.validate_table(table, propose(table.headers), **kw))
        return {"read_s": read_s, "read_cpu": read_cpu, "validate_s": val_s,
                "validate_cpu": val_cpu, "errors": report.errors,
                "findings": len(report.findings),
                "rows_with_errors": len(report.rows_with_errors()),
                "reader": table.info.get("reader"), "takes_workers": has_workers,
                "parallel_min_rows": getattr(vmod, "PARALLEL_MIN_ROWS", None)}
    if stage == "bare":
        import openpyxl

        target = path.with_name(path.stem + ".resaved.xlsx")
        load_s, load_cpu, wb = timed(lambda: openpyxl.load_workbook(path, rich_text=True))
        save_s, save_cpu, _ = timed(lambda: wb.save(target))
        return {"load_s": load_s, "load_cpu": load_cpu, "save_s": save_s,
                "save_cpu": save_cpu, "total_s": load_s + save_s,
                "total_cpu": load_cpu + save_cpu}
    if stage == "calamine":
        import python_calamine as pc

        def read() -> int:
            with pc.CalamineWorkbook.from_path(str(path)) as wb:
                return len(wb.get_sheet_by_index(0).to_python())

        s, cpu, rows = timed(read)
        return {"s": s, "cpu": cpu, "rows": rows - 1}
    if stage == "frictionless":
        import frictionless  # noqa: F401  (imported before the clock starts)

        s, cpu, summary = timed(lambda: frictionless_validate(path, n))
        return {"s": s, "cpu": cpu, **summary}
    if stage == "profile":
        import cProfile
        import pstats

        from numnum_xl.mapping import propose
        from numnum_xl.readers import read_table
        from numnum_xl.validate import validate_table

        table = read_table(path)
        prof = cProfile.Profile()
        prof.enable()
        validate_table(table, propose(table.headers))
        prof.disable()
        print(f"\n== cProfile: validate_table on {n:,} rows (fresh process), "
              f"top 15 by tottime ==")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(15)
        return {}
    raise SystemExit(f"unknown stage {stage!r}")


def run_child(stage: str, path: Path, n: int, repeat: int) -> dict[str, Any]:
    """Best of ``repeat`` fresh-process runs of ``stage`` (wall and CPU minimised apart)."""
    best: dict[str, Any] = {}
    for _ in range(max(1, repeat)):
        proc = subprocess.run([sys.executable, __file__, "--child", stage, str(path),
                               "--n", str(n)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"child {stage} {path} failed ({proc.returncode}):\n"
                             f"{proc.stderr[-3000:]}")
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        for k, v in got.items():
            timing = isinstance(v, float) and (k.endswith("_s") or k.endswith("_cpu")
                                               or k in ("s", "cpu"))
            best[k] = min(best[k], v) if timing and k in best else v
    return best


def bench_cli(xlsx: Path, out_xlsx: Path, repeat: int) -> dict[str, Any]:
    """Wall clock and CPU of ``python -m numnum_xl validate FILE -o OUT`` (best of repeat)."""
    cmd = [sys.executable, "-m", "numnum_xl", "validate", str(xlsx), "-o", str(out_xlsx)]
    best_s = best_cpu = float("inf")
    ok = True
    proc = None
    for _ in range(max(1, repeat)):
        out_xlsx.unlink(missing_ok=True)
        c0, t0 = _children_cpu_now(), time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        best_s = min(best_s, time.perf_counter() - t0)
        best_cpu = min(best_cpu, _children_cpu_now() - c0)
        if proc.returncode != 1 or not out_xlsx.exists():
            ok = False
            print(f"  CLI: exit {proc.returncode} (expected 1), output exists: "
                  f"{out_xlsx.exists()}\n{proc.stderr[-2000:]}", file=sys.stderr)
    assert proc is not None
    return {"s": best_s, "cpu": best_cpu, "exit_code": proc.returncode,
            "output_exists": out_xlsx.exists(), "ok": ok,
            "summary": proc.stdout.splitlines()[:2], "command": " ".join(cmd)}


def bench_bare_process(xlsx: Path, repeat: int) -> dict[str, Any]:
    """Wall clock and CPU of a whole ``python -c "load_workbook(...); save(...)"`` process:
    the bare floor with the same start-up and teardown as the CLI line."""
    code = ("import sys, openpyxl; "
            "openpyxl.load_workbook(sys.argv[1], rich_text=True).save(sys.argv[2])")
    cmd = [sys.executable, "-c", code, str(xlsx),
           str(xlsx.with_name(xlsx.stem + ".resaved-process.xlsx"))]
    best_s = best_cpu = float("inf")
    for _ in range(max(1, repeat)):
        c0, t0 = _children_cpu_now(), time.perf_counter()
        subprocess.run(cmd, check=True)
        best_s = min(best_s, time.perf_counter() - t0)
        best_cpu = min(best_cpu, _children_cpu_now() - c0)
    return {"s": best_s, "cpu": best_cpu}


def startup(repeat: int = 3) -> dict[str, float]:
    """Interpreter start-up + the imports of ``validate`` (part of the CLI's wall clock)."""
    cmd = [sys.executable, "-c", "import numnum_xl.cli, numnum_xl.commands.validate, "
           "numnum_xl.readers, numnum_xl.validate, numnum_xl.annotate"]
    best_s = best_cpu = float("inf")
    for _ in range(repeat):
        c0, t0 = _children_cpu_now(), time.perf_counter()
        subprocess.run(cmd, check=True)
        best_s = min(best_s, time.perf_counter() - t0)
        best_cpu = min(best_cpu, _children_cpu_now() - c0)
    return {"s": best_s, "cpu": best_cpu}


# --------------------------------------------------------------------------------------------
# one size


def rate(n: int, seconds: float | None) -> float | None:
    return n / seconds if seconds else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def bench_size(n: int, out: Path, repeat: int) -> dict[str, Any]:
    res: dict[str, Any] = {"rows": n, "load_average_before": load_average()}
    print(f"[{n:,} rows] generating ...", flush=True)
    gen = generate(n, out)
    xlsx, csv_path = gen.pop("xlsx"), gen.pop("csv")
    res["generate"] = gen
    res["files"] = {"xlsx": str(xlsx), "csv": str(csv_path)}

    print(f"[{n:,} rows] core: read_table + validate_table ...", flush=True)
    res["core"] = run_child("core", xlsx, n, repeat)
    single = run_child("core1", xlsx, n, repeat)
    res["core_workers1"] = None if "skipped" in single else single

    print(f"[{n:,} rows] CLI end to end ...", flush=True)
    res["cli"] = bench_cli(xlsx, out / f"customers-{n}.checked.xlsx", repeat)

    print(f"[{n:,} rows] bare openpyxl load + save, calamine read ...", flush=True)
    res["bare"] = run_child("bare", xlsx, n, repeat)
    res["bare_process"] = bench_bare_process(xlsx, repeat)
    res["calamine"] = run_child("calamine", xlsx, n, repeat)

    for kind, path in (("xlsx", xlsx), ("csv", csv_path)):
        print(f"[{n:,} rows] frictionless {kind} ...", flush=True)
        f = run_child("frictionless", path, n, repeat)
        f["all_rows_checked"] = f["rows"] == n
        res[f"frictionless_{kind}"] = f

    core, fx, fc, cli, bare = (res["core"], res["frictionless_xlsx"],
                               res["frictionless_csv"], res["cli"], res["bare"])
    res["rates"] = {
        "core": rate(n, core["validate_s"]),
        "read_plus_core": rate(n, core["read_s"] + core["validate_s"]),
        "cli": rate(n, cli["s"]),
        "bare": rate(n, bare["total_s"]),
        "frictionless_xlsx": rate(n, fx["s"]),
        "frictionless_csv": rate(n, fc["s"]),
    }
    r = res["rates"]
    res["ratios"] = {
        "core_vs_frictionless_xlsx": ratio(r["core"], r["frictionless_xlsx"]),
        "core_vs_frictionless_csv": ratio(r["core"], r["frictionless_csv"]),
        "read_plus_core_vs_frictionless_xlsx": ratio(r["read_plus_core"],
                                                     r["frictionless_xlsx"]),
        "cli_vs_bare_time": ratio(cli["s"], bare["total_s"]),
        "cli_vs_bare_process_time": ratio(cli["s"], res["bare_process"]["s"]),
    }
    res["cpu_ratios"] = {
        "core_vs_frictionless_xlsx": ratio(fx["cpu"], core["validate_cpu"]),
        "core_vs_frictionless_csv": ratio(fc["cpu"], core["validate_cpu"]),
        "read_plus_core_vs_frictionless_xlsx": ratio(fx["cpu"],
                                                     core["read_cpu"] + core["validate_cpu"]),
        "cli_vs_bare_time": ratio(cli["cpu"], bare["total_cpu"]),
        "cli_vs_bare_process_time": ratio(cli["cpu"], res["bare_process"]["cpu"]),
    }
    core_x = res["ratios"]["core_vs_frictionless_xlsx"]
    cli_x = res["ratios"]["cli_vs_bare_time"]
    res["targets"] = {
        "core_vs_frictionless_xlsx": {"target": f">= {TARGET_CORE_VS_FRICTIONLESS:g}x",
                                      "met": core_x is not None
                                      and core_x >= TARGET_CORE_VS_FRICTIONLESS},
        "cli_vs_bare_time": {"target": f"<= {TARGET_CLI_VS_BARE:g}x",
                             "met": cli_x is not None and cli_x <= TARGET_CLI_VS_BARE},
    }
    res["load_average_after"] = load_average()
    return res


# --------------------------------------------------------------------------------------------
# printing


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


def fmt_s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:,.2f} s"


def fmt_rate(r: float | None) -> str:
    return "-" if r is None else f"{r:,.0f}"


def fmt_x(x: float | None) -> str:
    return "    -" if x is None else f"{x:6.2f}x"


def mark(met: bool) -> str:
    return "MET" if met else "NOT MET"


def print_facts(facts: dict[str, Any], start: dict[str, float]) -> None:
    print("== machine ==")
    print(f"date        {facts['date']}")
    print(f"cpus        {facts['cpu_count']} (usable: {facts['cpus_usable']})  "
          f"{facts['cpu_model']}")
    print(f"memory      {facts['memory_gb']} GB")
    print(f"load avg    {facts['load_average']} (1/5/15 min, at start)")
    print(f"platform    {facts['platform']}")
    print(f"python      {facts['python']}")
    print("packages    " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()))
    print(f"start-up    {start['s']:.2f} s wall, {start['cpu']:.2f} s CPU "
          f"(python + the imports of `numnum-xl validate`)")


def print_size(res: dict[str, Any], start: dict[str, float]) -> None:
    n = res["rows"]
    g, r, t = res["generate"], res["rates"], res["targets"]
    core, cli, bare, cal = res["core"], res["cli"], res["bare"], res["calamine"]
    print(f"\n== {n:,} rows: .xlsx {g['xlsx_bytes'] / 2**20:.1f} MB, .csv "
          f"{g['csv_bytes'] / 2**20:.1f} MB, {g['planted']} planted faults in "
          f"{g['planted_rows']} rows ==")
    print(f"load average before / after: {res['load_average_before']} / "
          f"{res['load_average_after']}")
    print(f"generation (not compared): customers() {fmt_s(g['customers_s'])}, "
          f"write_xlsx {fmt_s(g['write_xlsx_s'])}, write csv {fmt_s(g['write_csv_s'])}")
    line = "{:<38}{:>11}{:>10}{:>11}  {}"
    print(line.format("", "wall", "rows/s", "CPU", "notes"))
    print(line.format("read_table", fmt_s(core["read_s"]), fmt_rate(rate(n, core["read_s"])),
                      fmt_s(core["read_cpu"]), f"reader: {core['reader']}"))
    print(line.format("core: validate_table", fmt_s(core["validate_s"]), fmt_rate(r["core"]),
                      fmt_s(core["validate_cpu"]),
                      f"{core['errors']} errors in {core['rows_with_errors']} rows "
                      f"({core['findings']} findings)"))
    w1 = res["core_workers1"]
    if w1:
        print(line.format("  same, workers=1", fmt_s(w1["validate_s"]),
                          fmt_rate(rate(n, w1["validate_s"])), fmt_s(w1["validate_cpu"]),
                          f"parallel from {core['parallel_min_rows']} rows"))
    print(line.format("core: read_table + validate_table",
                      fmt_s(core["read_s"] + core["validate_s"]), fmt_rate(r["read_plus_core"]),
                      fmt_s(core["read_cpu"] + core["validate_cpu"]), ""))
    print(line.format("CLI end to end (subprocess)", fmt_s(cli["s"]), fmt_rate(r["cli"]),
                      fmt_s(cli["cpu"]),
                      f"exit {cli['exit_code']}, output "
                      f"{'written' if cli['output_exists'] else 'MISSING'}"
                      + ("" if cli["ok"] else "  <-- UNEXPECTED")))
    print(line.format("  of which start-up + imports", fmt_s(start["s"]), "",
                      fmt_s(start["cpu"]), ""))
    print(line.format("bare openpyxl load + save", fmt_s(bare["total_s"]), fmt_rate(r["bare"]),
                      fmt_s(bare["total_cpu"]),
                      f"load {fmt_s(bare['load_s'])}, save {fmt_s(bare['save_s'])}"))
    bp = res["bare_process"]
    print(line.format("  same, as a whole python process", fmt_s(bp["s"]),
                      fmt_rate(rate(n, bp["s"])), fmt_s(bp["cpu"]),
                      "start-up and teardown included, like the CLI line"))
    print(line.format("calamine read only", fmt_s(cal["s"]), fmt_rate(rate(n, cal["s"])),
                      fmt_s(cal["cpu"]), ""))
    for label, key in (("frictionless .xlsx", "frictionless_xlsx"),
                       ("frictionless .csv", "frictionless_csv")):
        f = res[key]
        checked = f"rows checked {f['rows']:,}" if f["rows"] is not None else "rows checked ?"
        if not f["all_rows_checked"]:
            checked += " <-- NOT ALL ROWS"
        print(line.format(label, fmt_s(f["s"]), fmt_rate(r[key]), fmt_s(f["cpu"]),
                          f"{f['errors']} errors in {f['rows_with_errors']} rows; {checked}"))
    rt, ct = res["ratios"], res["cpu_ratios"]
    print(f"{'ratios':<44}{'wall':>7}  {'CPU':>7}")
    rows = (
        ("core rows/s / frictionless .xlsx rows/s", "core_vs_frictionless_xlsx",
         f"target {t['core_vs_frictionless_xlsx']['target']}: "
         f"{mark(t['core_vs_frictionless_xlsx']['met'])}"),
        ("core rows/s / frictionless .csv rows/s", "core_vs_frictionless_csv", ""),
        ("(read+core) rows/s / frictionless .xlsx", "read_plus_core_vs_frictionless_xlsx",
         "both read the file"),
        ("CLI time / bare load+save time", "cli_vs_bare_time",
         f"target {t['cli_vs_bare_time']['target']}: {mark(t['cli_vs_bare_time']['met'])}"),
        ("CLI time / bare whole-process time", "cli_vs_bare_process_time",
         "process vs process"),
    )
    for label, key, note in rows:
        print(f"  {label:<42}{fmt_x(rt[key])}  {fmt_x(ct[key])}  {note}")


def growth(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    if len(results) < 2:
        return None
    a, b = results[0], results[-1]

    def pair(get: Callable[[dict[str, Any]], float]) -> float:
        return get(b) / get(a)

    out: dict[str, Any] = {"from_rows": a["rows"], "to_rows": b["rows"],
                           "rows_ratio": b["rows"] / a["rows"]}
    for name, wall, cpu in (
            ("core", lambda x: x["core"]["validate_s"], lambda x: x["core"]["validate_cpu"]),
            ("read_table", lambda x: x["core"]["read_s"], lambda x: x["core"]["read_cpu"]),
            ("cli", lambda x: x["cli"]["s"], lambda x: x["cli"]["cpu"]),
            ("bare", lambda x: x["bare"]["total_s"], lambda x: x["bare"]["total_cpu"]),
            ("frictionless_xlsx", lambda x: x["frictionless_xlsx"]["s"],
             lambda x: x["frictionless_xlsx"]["cpu"])):
        out[f"{name}_time_ratio"] = pair(wall)
        out[f"{name}_cpu_ratio"] = pair(cpu)
    if a["core_workers1"] and b["core_workers1"]:
        out["core_workers1_time_ratio"] = pair(lambda x: x["core_workers1"]["validate_s"])
        out["core_workers1_cpu_ratio"] = pair(lambda x: x["core_workers1"]["validate_cpu"])
    return out


def print_growth(g: dict[str, Any]) -> None:
    print(f"\n== growth {g['from_rows']:,} -> {g['to_rows']:,} rows "
          f"(x{g['rows_ratio']:g} rows; linear = x{g['rows_ratio']:g}) ==")
    print(f"  {'':<28}{'wall':>8}{'CPU':>9}")
    for key, label in (("core", "core validate_table"),
                       ("core_workers1", "  same, workers=1"),
                       ("read_table", "read_table"),
                       ("cli", "CLI end to end"),
                       ("bare", "bare openpyxl load + save"),
                       ("frictionless_xlsx", "frictionless .xlsx")):
        if f"{key}_time_ratio" in g:
            print(f"  {label:<28}x{g[f'{key}_time_ratio']:6.2f}  x{g[f'{key}_cpu_ratio']:6.2f}")


def print_summary(results: list[dict[str, Any]]) -> None:
    print("\n== summary (wall clock) ==")
    head = "{:>9} {:>10} {:>12} {:>11} {:>8} {:>8} {:>8} {:>9} {:>9}"
    print(head.format("rows", "core r/s", "fl.xlsx r/s", "fl.csv r/s", "CLI s", "bare s",
                      "core/fl", "CLI/bare", "targets"))
    for res in results:
        r, rt, t = res["rates"], res["ratios"], res["targets"]
        met = all(v["met"] for v in t.values())
        print(head.format(f"{res['rows']:,}", fmt_rate(r["core"]),
                          fmt_rate(r["frictionless_xlsx"]), fmt_rate(r["frictionless_csv"]),
                          f"{res['cli']['s']:.1f}", f"{res['bare']['total_s']:.1f}",
                          f"{rt['core_vs_frictionless_xlsx']:.1f}x",
                          f"{rt['cli_vs_bare_time']:.2f}x",
                          "all met" if met else "not all"))


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000],
                    help="sheet sizes to benchmark (default: 10000 100000)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="fresh runs per measurement, the best counts (default 1)")
    ap.add_argument("--out", type=Path, default=Path("bench/out"),
                    help="folder for the generated files and the JSON (default bench/out)")
    ap.add_argument("--profile", action="store_true",
                    help="also print a cProfile (top 15 by tottime) of the core validation "
                         "at the smallest size, in a fresh process")
    ap.add_argument("--child", metavar="STAGE", help=argparse.SUPPRESS)
    ap.add_argument("child_path", nargs="?", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        result = child(args.child, args.child_path, args.n)
        print(json.dumps(result))
        return 0

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(args.rows))
    facts = machine_facts()
    start = startup()
    print_facts(facts, start)
    print()

    t_all = time.perf_counter()
    results = [bench_size(n, out, args.repeat) for n in sizes]
    for res in results:
        print_size(res, start)
    g = growth(results)
    if g:
        print_growth(g)
    print_summary(results)
    total = time.perf_counter() - t_all

    data = {"machine": facts, "settings": {"rows": sizes, "repeat": args.repeat,
                                           "fault_rate": FAULT_RATE},
            "startup": start, "results": results, "growth": g, "total_s": total,
            "frictionless_schema": table_schema()}
    json_path = out / "validate-results.json"
    json_path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    print(f"\nbenchmark took {total / 60:.1f} min; results: {json_path}")
    if args.profile:
        proc = subprocess.run([sys.executable, __file__, "--child", "profile",
                               str(out / f"customers-{sizes[0]}.xlsx"), "--n", str(sizes[0])],
                              capture_output=True, text=True, check=True)
        print("\n".join(proc.stdout.splitlines()[:-1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
