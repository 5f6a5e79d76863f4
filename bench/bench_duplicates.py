#!/usr/bin/env python
"""Benchmark the duplicate matcher (numnum_xl.duplicates) on planted data, beside recordlinkage.

Usage::

    python bench/bench_duplicates.py [--rows 10000 100000] [--layouts spread dense]
                                     [--repeat 3] [--out bench/out] [--tune]
                                     [--no-recordlinkage] [--cli]

For each size N it builds N customer rows with ``bench/planted_duplicates.py`` - Belgian
customers (Dutch and French names, trades and towns; family names skewed like real ones), and
copies made the way merged lists and second entries make them, each copy with its own
external ID: the VAT number written otherwise, the email in other case, the legal form
written otherwise, spaces around name and email, a one-letter typo (random edits on a Belgian
keyboard), the same external ID, another branch with the same VAT number (counts as a
duplicate) - and near misses that must stay apart: the same family in another trade, the same
trade of another family, the same name in another town, the bookkeeper's email, one external
ID given to two customers. :data:`DUP_SHARE` of N per duplicate kind, :data:`NEAR_SHARE` per
near miss. Layouts: ``spread`` (the default: about 100 customers per town, like a real list -
Belgium has some 1,150 postcodes) and ``dense`` (all in the 30 real towns of the generator:
at 100,000 rows some 3,300 customers per town, a stress test of the blocking).

It times on **CPU time** (``time.process_time``: the machine is shared), in ``--repeat`` rounds
interleaved over every size and layout, medians (the least beside them), building the records
(``record_from_values``, caches cold) and ``find_groups``, and scores the groups as pairs
(every pair inside a group): precision, recall, per kind. It also times ``match_existing`` (all
rows against the unaltered customers as an "account"). recordlinkage (when installed, 10,000
rows and fewer) gets the same normalised columns with its usual rule "any exact key, or the
name and the postcode"; dedupe is not run: it needs hand-labelled pairs before it can match.

``--tune`` prints the sweep behind :data:`numnum_xl.duplicates.FUZZY_THRESHOLD`; ``--cli``
also times ``numnum-xl duplicates FILE --json`` end to end on an .xlsx of the same rows.
Everything goes to ``OUT/duplicates-results.json``; the printed table is what
bench/README.md quotes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import planted_duplicates as planted  # noqa: E402
from numnum_xl import duplicates as dup  # noqa: E402

DUP_KINDS = planted.DUPLICATE_KINDS
NEAR_KINDS = planted.NEAR_MISS_KINDS
#: Share of the N rows that are planted copies, per kind.
DUP_SHARE = 0.015
NEAR_SHARE = 0.01
#: recordlinkage is run up to this many rows (its blocks grow with the square of a town).
RL_MAX_ROWS = 10_000
RL_STRING = "levenshtein"


def make_data(n: int, seed: int, spread: bool = True) -> dict[str, Any]:
    """N rows (values dicts as Report.values holds them), the truth pairs and near-miss pairs."""
    towns = planted.towns_for(n) if spread else list(planted.TOWNS)
    dups = {k: round(n * DUP_SHARE) for k in DUP_KINDS}
    near = {k: round(n * NEAR_SHARE) for k in NEAR_KINDS}
    rows, truth, near_pairs = planted.planted_list(n, seed, duplicates=dups, near=near,
                                                   towns=towns)
    copies = {b for a, b in truth} | {b for a, b in near_pairs}
    return {"rows": rows, "truth": truth, "near": near_pairs, "planted": {**dups, **near},
            "places": len(towns), "copies": copies}


score = planted.score
group_pairs = planted.group_pairs


# --------------------------------------------------------------------------------------------
# timing

def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """(least CPU seconds of ``repeat`` runs, result): CPU time of this process, as the
    machine is shared."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t0)
    return best, result


def _cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    t0 = time.process_time()
    result = fn()
    return time.process_time() - t0, result


_CACHES = ("_name_keys", "_vat", "_name_form", "_form_of_type", "_city", "_postcode",
           "_block_keys", "_deletions", "_sorted_words", "_word_set", "_street", "_phone")


def run_ours_once(data: dict[str, Any]) -> tuple[dict[str, float], dict[str, Any]]:
    """One timed run of ours on ``data``, caches cold: (CPU seconds per step, what it found)."""
    rows = data["rows"]

    def records_cold() -> list[dup.Record]:
        for name in _CACHES:
            cached = getattr(dup, name, None)
            if cached is not None:
                cached.cache_clear()
        return [dup.record_from_values(i, v) for i, v in enumerate(rows)]

    t_rec, records = _cpu(records_cold)
    t_grp, groups = _cpu(lambda: dup.find_groups(records))
    work = dict(dup.LAST_RUN)
    existing = [records[i] for i in range(len(records)) if i not in data["copies"]]
    t_ex, matched = _cpu(lambda: dup.match_existing(records, existing))
    return ({"records": t_rec, "find_groups": t_grp, "total": t_rec + t_grp,
             "match_existing": t_ex},
            {"groups": groups, "work": work, "matched": matched, "existing": existing})


def run_ours(datas: dict[Any, dict[str, Any]], repeat: int) -> dict[Any, dict[str, Any]]:
    """Ours on every data set, ``repeat`` rounds **interleaved** (each round runs every size
    and layout once, so a busy spell of the shared machine touches all alike); times are the
    **median** CPU seconds of the rounds (the least is kept beside it)."""
    times: dict[Any, dict[str, list[float]]] = {key: {} for key in datas}
    found: dict[Any, dict[str, Any]] = {}
    for _round in range(repeat):
        for key, data in datas.items():
            t, out = run_ours_once(data)
            for step, seconds in t.items():
                times[key].setdefault(step, []).append(seconds)
            found.setdefault(key, out)
    results = {}
    for key, data in datas.items():
        out = found[key]
        groups = out["groups"]
        pred = group_pairs([g.refs for g in groups])
        result = score(pred, data["truth"], data["near"])
        med = {step: statistics.median(v) for step, v in times[key].items()}
        result.update({
            "records_s": round(med["records"], 3), "find_groups_s": round(med["find_groups"], 3),
            "total_s": round(med["total"], 3), "groups": len(groups),
            "groups_by_reason": dict(Counter(g.reason for g in groups)),
            "match_existing_s": round(med["match_existing"], 3),
            "least_s": {step: round(min(v), 3) for step, v in times[key].items()},
            "runs_s": {step: [round(x, 3) for x in v] for step, v in times[key].items()},
            "match_existing_rows": len(data["rows"]),
            "match_existing_contacts": len(out["existing"]),
            "rows_matching_existing": len(out["matched"]), "work": out["work"],
        })
        results[key] = result
    return results


def _rl_frame(rows: list[dict[str, Any]]):
    import pandas as pd

    recs = [dup.record_from_values(i, v) for i, v in enumerate(rows)]
    df = pd.DataFrame({
        "ext": [r.external_id for r in recs], "vat": [r.vat for r in recs],
        "email": [r.email for r in recs], "name": [r.name for r in recs],
        "postcode": [r.postcode for r in recs],
    })
    df["name3"] = [(" ".join(sorted(r.name.split()))[:3] if r.name else None) for r in recs]
    return df


def run_recordlinkage(data: dict[str, Any]) -> dict[str, Any]:
    """recordlinkage on the same normalised columns: blocks on postcode + the first three
    letters of the word-sorted name, and on VAT, email and external ID; exact comparisons and
    Levenshtein >= 0.9 on the name; its usual rule "any exact key, or name and postcode"."""
    import recordlinkage
    from recordlinkage.index import Block

    df = _rl_frame(data["rows"])
    t0 = time.process_time()
    indexer = recordlinkage.Index()
    for block in (Block(["postcode", "name3"]), Block("vat"), Block("email"), Block("ext")):
        indexer.add(block)
    pairs = indexer.index(df)
    cmp = recordlinkage.Compare()
    for col in ("ext", "vat", "email", "postcode"):
        cmp.exact(col, col, label=col)
    cmp.string("name", "name", method=RL_STRING, threshold=0.9, label="name")
    features = cmp.compute(pairs, df)
    rule = (features["ext"] + features["vat"] + features["email"]
            + (features["name"] * features["postcode"])) >= 1
    links = features.index[rule.to_numpy()]
    elapsed = time.process_time() - t0
    pred = {tuple(sorted((int(a), int(b)))) for a, b in links}
    result = score(pred, data["truth"], data["near"])
    result.update({"candidate_pairs": len(pairs), "total_s": round(elapsed, 3)})
    return result


def run_cli(data: dict[str, Any], out: Path, n: int) -> dict[str, Any]:
    from numnum_xl.catalogue import KEYS
    from numnum_xl.demo import write_xlsx

    path = out / f"duplicates-{n}.xlsx"
    rows = [{k: r.get(k) for k in KEYS} for r in data["rows"]]
    write_xlsx(str(path), rows)
    t0 = time.perf_counter()  # wall: a child process (reading the workbook included)
    res = subprocess.run([sys.executable, "-m", "numnum_xl", "duplicates", str(path), "--json",
                          "--no-account"], capture_output=True, text=True, cwd=ROOT)
    t1 = time.perf_counter()
    groups = json.loads(res.stdout)["groups"] if res.stdout.strip() else []
    return {"exit": res.returncode, "groups": len(groups), "wall_s": round(t1 - t0, 3)}


# --------------------------------------------------------------------------------------------
# threshold sweep

def tune(n: int, seed: int) -> list[dict[str, Any]]:
    """Name similarity of planted typo duplicates vs pairs of different customers at one place.

    Negatives are the pairs of different original customers in one town whose names the
    blocking brings together at similarity >= 0.75 (what a name would have to decide alone).
    """
    data = make_data(n, seed)
    rows = data["rows"]
    recs = [dup.record_from_values(i, v) for i, v in enumerate(rows)]
    positives = [dup.name_similarity(recs[a].name, recs[b].name)
                 for (a, b), kind in data["truth"].items() if kind == "typo"]
    base = [recs[i] for i in range(len(recs)) if i not in data["copies"]]
    index = dup._Index(base)
    negatives = [s for _area, _a, _b, s in dup.similar_names(index.names.get(0, {}),
                                                             threshold=0.75)]
    table = []
    for t in (0.80, 0.82, 0.84, 0.85, 0.86, 0.88, 0.90, 0.92, 0.94, 0.96):
        tp = sum(s >= t for s in positives)
        fp = sum(s >= t for s in negatives)
        table.append({"threshold": t, "recall": round(tp / len(positives), 4),
                      "different_name_pairs_at_or_above": fp,
                      "precision_if_unchecked": round(tp / (tp + fp), 4) if tp + fp else 1.0})
    return table


# --------------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        load = None
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "load_average": load,
            "packages": {p: version(p) for p in ("numnum-xl", "rapidfuzz", "python-stdnum",
                                                 "recordlinkage", "pandas", "jellyfish")}}


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _short(kind: str) -> str:
    return kind.replace("nm_", "").replace("_", " ")


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print(f"{'rows':>8} {'layout':<7} {'tool':<22} {'cpu s':>7} {'pairs':>6} {'prec':>7} "
          f"{'recall':>7}  worst kind (recall / precision)")
    for r in results:
        entries = [("numnum_xl.duplicates", r["ours"])]
        if "recordlinkage" in r:
            entries.append(("recordlinkage", r["recordlinkage"]))
        for label, v in entries:
            rk, pk = v["recall_by_kind"], v["precision_by_kind"]
            worst = min(rk, key=lambda k: min(rk[k], pk[k]))
            print(f"{r['rows']:>8} {r['layout']:<7} {label:<22} {v['total_s']:>7.2f} "
                  f"{v['predicted_pairs']:>6} {_pct(v['precision']):>7} {_pct(v['recall']):>7}"
                  f"  {worst} ({_pct(rk[worst])} / {_pct(pk[worst])})")
    print()
    print("per kind, numnum_xl.duplicates: recall / precision of the duplicates; near misses "
          "joined (of planted)")
    for r in results:
        v = r["ours"]
        kinds = "  ".join(f"{_short(k)} {_pct(v['recall_by_kind'][k])}/"
                          f"{_pct(v['precision_by_kind'][k])}" for k in v["recall_by_kind"])
        nm = "  ".join(f"{_short(k)} {n}/{r['planted'][k]}"
                       for k, n in v["near_misses_joined"].items())
        print(f"{r['rows']:>8} {r['layout']:<7} {kinds}")
        print(f"{'':>8} {'':<7} near misses joined: {nm}; other wrong pairs "
              f"{v['false_pairs_other']}")
    print()
    for layout in dict.fromkeys(r["layout"] for r in results):
        mine = [r for r in results if r["layout"] == layout]
        if len(mine) >= 2:
            a, b = mine[0], mine[-1]
            oa, ob = a["ours"], b["ours"]
            print(f"growth {layout}: {a['rows']:,} -> {b['rows']:,} rows "
                  f"(x{b['rows'] / a['rows']:.0f}): records + find_groups "
                  f"x{ob['total_s'] / oa['total_s']:.1f} (least of the rounds "
                  f"x{ob['least_s']['total'] / oa['least_s']['total']:.1f}), match_existing "
                  f"x{ob['match_existing_s'] / oa['match_existing_s']:.1f}; pairs compared "
                  f"{oa['work']['pairs_compared']:,} -> {ob['work']['pairs_compared']:,}, "
                  f"similar-name pairs {oa['work']['similar_names']:,} -> "
                  f"{ob['work']['similar_names']:,}")
    for r in results:
        o = r["ours"]
        print(f"{r['rows']:>8} {r['layout']:<7} records {o['records_s']:.2f} s, find_groups "
              f"{o['find_groups_s']:.2f} s (CPU), {o['groups']} groups "
              f"{o['groups_by_reason']}; match_existing {o['match_existing_s']:.2f} s "
              f"({o['match_existing_rows']:,} rows vs {o['match_existing_contacts']:,} "
              f"contacts, {o['rows_matching_existing']:,} matched)"
              + (f"; CLI --json {r['cli']['wall_s']:.1f} s wall (exit {r['cli']['exit']}, "
                 f"{r['cli']['groups']} groups)" if "cli" in r else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--layouts", nargs="+", choices=("spread", "dense"),
                    default=["spread", "dense"],
                    help="spread: about 100 customers per town, like a real list; dense: "
                         "all in 30 towns (a stress test of the blocking)")
    ap.add_argument("--tune", action="store_true", help="print the fuzzy-threshold sweep")
    ap.add_argument("--no-recordlinkage", action="store_true")
    ap.add_argument("--cli", action="store_true", help="also time the command end to end")
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds of ours, interleaved over sizes and layouts; times are "
                         "the median (default 3)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"machine": machine(), "settings": {
        "rows": args.rows, "seed": args.seed, "repeat": args.repeat,
        "dup_share_per_kind": DUP_SHARE, "near_miss_share_per_kind": NEAR_SHARE,
        "fuzzy_threshold": dup.FUZZY_THRESHOLD},
        "results": []}
    print(f"numnum_xl.duplicates, FUZZY_THRESHOLD={dup.FUZZY_THRESHOLD}; "
          f"{report['machine']['cpu_count']} CPUs, load {report['machine']['load_average']}")
    try:
        import recordlinkage  # noqa: F401
        have_rl = not args.no_recordlinkage
    except ImportError:
        have_rl = False
        report["recordlinkage"] = "not installed (pip install recordlinkage)"
        print("recordlinkage: not installed")
    report["dedupe"] = ("not run: dedupe needs labelled training pairs (active learning) "
                        "before it can match; not comparable with an unsupervised run")
    if args.tune:
        sweep = tune(min(args.rows), args.seed)
        report["tune"] = sweep
        print("\nthreshold sweep (name level only):")
        print(f"{'threshold':>9} {'recall':>8} {'other-customer pairs >=':>24} "
              f"{'precision':>10}")
        for s in sweep:
            print(f"{s['threshold']:>9.2f} {_pct(s['recall']):>8} "
                  f"{s['different_name_pairs_at_or_above']:>24} "
                  f"{_pct(s['precision_if_unchecked']):>10}")
    datas: dict[tuple[str, int], dict[str, Any]] = {}
    generated: dict[tuple[str, int], float] = {}
    for layout in args.layouts:
        for n in args.rows:
            t_gen, data = timed(lambda n=n, lay=layout: make_data(n, args.seed, lay == "spread"))
            datas[(layout, n)], generated[(layout, n)] = data, t_gen
            print(f"{n:>8} rows ({layout}, {data['places']} places) generated in {t_gen:.1f} s;"
                  f" planted {data['planted']}", flush=True)
    ours = run_ours(datas, args.repeat)
    for (layout, n), data in datas.items():
        entry: dict[str, Any] = {"rows": n, "layout": layout, "places": data["places"],
                                 "generate_s": round(generated[(layout, n)], 2),
                                 "planted": data["planted"], "ours": ours[(layout, n)]}
        if have_rl and n <= RL_MAX_ROWS:
            entry["recordlinkage"] = run_recordlinkage(data)
        if args.cli and layout == "spread":
            entry["cli"] = run_cli(data, args.out, n)
        report["results"].append(entry)
    print_table(report["results"])
    path = args.out / "duplicates-results.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

