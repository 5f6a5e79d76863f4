#!/usr/bin/env python
"""Benchmark ``numnum-xl exact relaties``: does the whole command grow linearly with the rows?

Usage::

    python bench/bench_exact_codes.py [--rows 10000 100000] [--repeat 3] [--out bench/out]
                                      [--no-command] [--no-assign] [--profile N]

For each size N it writes an N-row customer workbook (``numnum_xl.demo.customers(N, seed=7,
fault_rate=0.05)``: about 5 % of the rows get one planted fault; every fourth row gets a
numeric Extern ID, which is its relation code, half of the others lose their VAT number) and
measures:

* ``command, first export``: ``numnum-xl exact relaties FILE OUT.csv --register REG`` as a
  whole process, with no code register yet: read, map, validate (forked workers from 5,000
  rows on, Linux), give every customer a code, write the CSV, the register and, because some
  rows have errors, the annotated copy;
* ``command, next export``: the same command again, now against the register the first run
  saved (every customer is looked up by VAT number, Extern ID or name + postcode);
* ``assign, first/next export``: :func:`numnum_xl.exact.codes.assign` alone, in this process,
  on the identities of the same rows (empty register, then the register it filled);
* ``next export, GC paused``: the same ``assign`` with Python's cyclic garbage collector
  paused, whose full collections walk every live object: the algorithm's own growth.

CPU seconds are user + system of the command's process and its waited-for children (the forked
validation workers), from ``os.wait4``; the peak memory is the largest summed PSS of the
command's process tree, sampled from ``/proc`` (``bench/procstat.py``). Runs
are interleaved (every size and stage once, then again, ``--repeat`` times); each figure is the
median. The table prints each size's CPU and wall seconds and the growth between the smallest
and the largest size beside the growth of the rows: linear work grows like the rows
(10k -> 100k: 10x; the target is at most 12x, judged on CPU seconds of the whole command).

``--profile N`` prints a cProfile (top 25 by own time) of the whole command on the N-row sheet,
in one process (``workers=1``, so that the validation is in the profile).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from numnum_xl.demo import customers
from numnum_xl.exact.codes import CodeRegister, assign
from numnum_xl.exact.relations import identity_of
from numnum_xl.mapping import propose
from numnum_xl.table import Table
from numnum_xl.validate import validate_table

#: 10x the rows may cost at most this many times the CPU (issue 15 point 7).
TARGET_GROWTH_PER_10X = 12.0


def make_rows(n: int) -> list[dict[str, Any]]:
    """``n`` generated customers: planted faults, numeric Extern IDs on every fourth row."""
    rows, _ = customers(n, seed=7, fault_rate=0.05)
    for i, r in enumerate(rows):
        if i % 4 == 0:
            r["external_id"] = str(100_000 + i)
        elif i % 2:
            r["vat_id"] = None
    return rows


def make_table(rows: list[dict[str, Any]]) -> Table:
    headers = list(rows[0])
    return Table("bench.xlsx", "Klanten", "xlsx", 1, 1, headers,
                 [[r.get(h) for h in headers] for r in rows], list(range(2, len(rows) + 2)))


def timed(fn) -> tuple[float, float, object]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - w0, out


def run_command(xlsx: Path, register: Path, fresh: bool) -> dict[str, float]:
    """One whole ``exact relaties`` process: CPU (with its children), wall, peak memory."""
    import tempfile

    from procstat import run_measured

    out = xlsx.with_suffix(".relaties.csv")
    copy = xlsx.with_name(xlsx.stem + ".gecontroleerd.xlsx")
    for p in (out, copy) + ((register,) if fresh else ()):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "numnum_xl", "exact", "relaties", str(xlsx), str(out),
           "--register", str(register)]
    with tempfile.TemporaryFile() as err:
        got = run_measured(cmd, stdout=subprocess.DEVNULL, stderr=err,
                           cwd=Path(__file__).resolve().parents[1])
        err.seek(0)
        text = err.read().decode(errors="replace")
    if got["rc"] not in (0, 1) or not out.exists():
        raise SystemExit(f"{' '.join(cmd)} failed ({got['rc']}):\n{text[-3000:]}")
    return {"cpu": got["cpu"], "wall": got["s"], "peak_mb": got["tree_pss_mb"]}


def profile(xlsx: Path, register: Path) -> None:
    """cProfile of the whole command in this process, validation in one process."""
    import contextlib
    import cProfile
    import io
    import pstats

    import numnum_xl.validate as validate
    from numnum_xl.cli import main

    register.unlink(missing_ok=True)
    validate._default_workers = lambda rows: 1
    prof = cProfile.Profile()
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.suppress(SystemExit):
        prof.enable()
        try:
            main(["exact", "relaties", str(xlsx), str(xlsx.with_suffix(".relaties.csv")),
                  "--register", str(register)])
        finally:
            prof.disable()
    print(f"\n== cProfile: exact relaties {xlsx.name}, workers=1, top 25 by own time ==")
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("bench/out"))
    ap.add_argument("--no-command", action="store_true", help="skip the whole command")
    ap.add_argument("--no-assign", action="store_true", help="skip assign() in this process")
    ap.add_argument("--profile", type=int, metavar="N", help="cProfile the command on N rows")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from numnum_xl.demo import write_xlsx

    sizes = args.rows
    books: dict[int, Path] = {}
    tables: dict[int, Table] = {}
    for n in sorted(set(sizes + ([args.profile] if args.profile else []))):
        rows = make_rows(n)
        books[n] = args.out / f"exact-{n}.xlsx"
        if not books[n].exists():
            print(f"[{n:,} rows] writing {books[n]} ...", flush=True)
            write_xlsx(str(books[n]), rows)
        if n in sizes and not args.no_assign:
            tables[n] = make_table(rows)
    if args.profile:
        profile(books[args.profile], args.out / f"exact-{args.profile}.register.json")
        if args.no_command and args.no_assign:
            return 0

    runs: dict[str, dict[int, list[dict[str, float]]]] = {}

    def add(stage: str, n: int, got: dict[str, float]) -> None:
        runs.setdefault(stage, {}).setdefault(n, []).append(got)

    idents: dict[int, tuple[list, list]] = {}
    for n, table in tables.items():
        values = validate_table(table, propose(table.headers), workers=1).values
        idents[n] = ([identity_of(v) for v in values], [v.get("title") for v in values])
    for rep in range(args.repeat):
        for n in sizes:  # interleaved: every size and stage once per round
            if not args.no_command:
                reg = args.out / f"exact-{n}.register.json"
                add("command, first export", n, run_command(books[n], reg, fresh=True))
                add("command, next export", n, run_command(books[n], reg, fresh=False))
            if n in idents:
                ids, labels = idents[n]
                reg_mem = CodeRegister(None)
                run = functools.partial(assign, ids, reg_mem, labels=labels)
                for stage in ("assign, first export", "assign, next export"):
                    cpu, wall, _ = timed(run)
                    add(stage, n, {"cpu": cpu, "wall": wall})
                gc.collect()
                gc.disable()
                try:
                    cpu, wall, _ = timed(run)
                finally:
                    gc.enable()
                add("next export, GC paused", n, {"cpu": cpu, "wall": wall})
        print(f"round {rep + 1}/{args.repeat} done", flush=True)

    growth_rows = sizes[-1] / sizes[0]
    allowed = TARGET_GROWTH_PER_10X * growth_rows / 10
    print(f"\nmedians of {args.repeat} interleaved runs; load average now "
          f"{[round(x, 2) for x in os.getloadavg()]}")
    print(f"{'stage':26}" + "".join(f"{n:>26,}" for n in sizes)
          + f"   growth (rows x{growth_rows:.0f})")
    for stage, per in runs.items():
        med = {n: {k: statistics.median(r[k] for r in per[n]) for k in per[n][0]}
               for n in sizes}
        cells = "".join(f"{med[n]['cpu']:>9.2f} s cpu {med[n]['wall']:>7.2f} s w" for n in sizes)
        growth = med[sizes[-1]]["cpu"] / max(med[sizes[0]]["cpu"], 1e-9)
        verdict = ""
        if stage.startswith("command"):
            verdict = f"  target <= {allowed:.0f}x: {'MET' if growth <= allowed else 'NOT MET'}"
        print(f"{stage:26}{cells}   {growth:6.1f}x{verdict}")
        if "peak_mb" in per[sizes[0]][0]:
            print(f"{'  peak memory (PSS)':26}" + "".join(f"{med[n]['peak_mb']:>21.0f} MB   "
                                                     for n in sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
