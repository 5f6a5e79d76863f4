#!/usr/bin/env python
"""Benchmark Exact relation codes (``numnum-xl exact relaties``): does the work grow linearly?

Usage::

    python bench/bench_exact_codes.py [--rows 10000 100000] [--repeat 3] [--no-check]

For each size N it builds N synthetic Belgian customers (``numnum_xl.demo.customers``, every
fourth with a numeric Extern ID, half of the rest with a VAT number) and times, on CPU seconds
of this process (``time.process_time``; the machine is shared, wall clock is shown too):

* ``assign, first export``: :func:`numnum_xl.exact.codes.assign` with an empty code register;
* ``assign, next export``: the same rows against the register the first export filled (every
  customer is looked up by VAT number, Extern ID or name + postcode: the step that scanned the
  whole register per row before it had indexes);
* ``check_relations``: the whole check as the command runs it on rows in memory (core
  validation in one process, ``workers=1``, then the codes), unless ``--no-check``;
* ``next export, GC paused``: the next export again with Python's cyclic garbage collector
  paused: its full collections walk every live object (the whole sheet in memory), which
  adds a share that grows with the sheet; without it the growth is the algorithm's own.

It prints each time per size and the ratio between the largest and the smallest size beside
the ratio of the sizes: linear work grows like the sizes (10k -> 100k: 10x; the target is
at most 12x).
"""

from __future__ import annotations

import argparse
import functools
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from numnum_xl.demo import customers
from numnum_xl.exact.codes import CodeRegister, assign
from numnum_xl.exact.relations import check_relations, identity_of
from numnum_xl.mapping import propose
from numnum_xl.table import Table
from numnum_xl.validate import validate_table


def make_table(n: int) -> Table:
    rows, _ = customers(n, seed=7, fault_rate=0.0)
    headers = list(rows[0])
    for i, r in enumerate(rows):
        if i % 4 == 0:
            r["external_id"] = str(100_000 + i)
        elif i % 2:
            r["vat_id"] = None
    return Table("bench.xlsx", "Klanten", "xlsx", 1, 1, headers,
                 [[r.get(h) for h in headers] for r in rows], list(range(2, n + 2)))


def timed(fn) -> tuple[float, float, object]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - w0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-check", action="store_true")
    args = ap.parse_args(argv)

    results: dict[str, dict[int, tuple[float, float]]] = {}
    for n in args.rows:
        table = make_table(n)
        mapping = propose(table.headers)
        values = validate_table(table, mapping, workers=1).values
        idents = [identity_of(v) for v in values]
        labels = [v.get("title") for v in values]
        runs: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.repeat):
            reg = CodeRegister(None)
            run = functools.partial(assign, idents, reg, labels=labels)
            cpu, wall, _ = timed(run)
            runs.setdefault("assign, first export", []).append((cpu, wall))
            cpu, wall, _ = timed(run)
            runs.setdefault("assign, next export", []).append((cpu, wall))
            gc.collect()
            gc.disable()  # the same without Python's cyclic GC, whose full collections walk
            try:          # every live object (the whole sheet): the algorithm's own growth
                cpu, wall, _ = timed(run)
            finally:
                gc.enable()
            runs.setdefault("next export, GC paused", []).append((cpu, wall))
        if not args.no_check:
            import numnum_xl.exact.relations as rel

            real = rel.validate_table
            rel.validate_table = functools.partial(real, workers=1)
            try:
                for _ in range(max(1, args.repeat // 2)):
                    cpu, wall, _ = timed(functools.partial(
                        check_relations, table, mapping, register=CodeRegister(None)))
                    runs.setdefault("check_relations", []).append((cpu, wall))
            finally:
                rel.validate_table = real
        for name, got in runs.items():
            results.setdefault(name, {})[n] = (statistics.median(c for c, _ in got),
                                               statistics.median(w for _, w in got))

    sizes = args.rows
    print(f"{'step':24}" + "".join(f"{n:>22,}" for n in sizes) + "      growth  (rows x"
          f"{sizes[-1] / sizes[0]:.0f})")
    for name, per in results.items():
        cells = "".join(f"{per[n][0]:>10.3f} s cpu {per[n][1]:>6.2f} w" for n in sizes)
        growth = per[sizes[-1]][0] / max(per[sizes[0]][0], 1e-9)
        print(f"{name:24}{cells}   {growth:8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
