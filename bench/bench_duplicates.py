#!/usr/bin/env python
"""Benchmark the duplicate matcher (numnum_xl.duplicates) on planted data, beside recordlinkage.

Usage::

    python bench/bench_duplicates.py [--rows 10000 100000] [--layouts dense spread]
                                     [--repeat 3] [--out bench/out] [--tune]
                                     [--no-recordlinkage] [--cli]

For each size N it builds N customer rows: synthetic Belgian customers
(``numnum_xl.demo.customers``), each with its own email address and half of them with an
external ID, then copies some of them with variations - the planted truth:

* duplicates (must be found): ``external_id`` (same external ID, other name/email/address),
  ``vat_id`` (same VAT number written another way: "BE 0403.019.261", "BE0403019261",
  "0403.019.261", "403019261" as text or as a number), ``email`` (same address in other case
  with spaces, no VAT number), ``name`` (the name with a typo or another legal form, same
  postcode, no external ID, VAT or email);
* near misses (must stay apart): ``nm_other_city`` (same trade name, other city, VAT and
  email), ``nm_same_city_other_vat`` (same name and city, other valid VAT and email),
  ``nm_shared_email`` (the bookkeeper's email on another company with its own VAT number).

Two layouts: ``dense`` keeps the demo's 15 cities (at 100,000 rows some 6,700 customers per
postcode: every similar name has many neighbours), ``spread`` puts the customers in one place
per 100 rows, like a real list. The rows are shuffled, then it times building the records
(``record_from_values``) and ``find_groups``, and scores the groups against the truth as
pairs (every pair inside a group is a predicted pair): precision, recall, per planted kind.
It also times ``match_existing`` (all rows against the unaltered customers as an "account").

Then recordlinkage (when it is installed; dense layout only) on the same normalised columns:
blocking on postcode + the first three letters of the word-sorted name, plus blocks on VAT,
email and external ID (blocking on postcode alone is also run while its pair count stays
below 20 million), exact comparisons of external ID, VAT, email and postcode, Levenshtein
similarity >= 0.9 on the name, and a rule (any exact key, or name and postcode; recordlinkage
has no notion of a stronger key overruling a weaker one) - its time and the same
precision/recall; then the same features classified with our priority rule written in pandas.
dedupe is not run: it needs hand-labelled pairs (active learning) before it can match.

``--tune`` prints the sweep behind :data:`numnum_xl.duplicates.FUZZY_THRESHOLD`: for every
threshold, how many planted name duplicates reach it and how many pairs of different
customers at the same place do. ``--cli`` also times ``numnum-xl duplicates FILE --json``
end to end on an .xlsx of the same rows.

Everything goes to ``OUT/duplicates-results.json``; the printed table is what bench/README.md
quotes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from numnum_xl import duplicates as dup  # noqa: E402
from numnum_xl.demo import CITIES, FORMS, TRADES, be_vat, customers  # noqa: E402

DUP_KINDS = ("external_id", "vat_id", "email", "name")
NEAR_KINDS = ("nm_other_city", "nm_same_city_other_vat", "nm_shared_email")
#: Share of the N rows that are planted copies, per kind.
DUP_SHARE = 0.02
NEAR_SHARE = 0.01
#: recordlinkage's full postcode blocking is only run up to this many candidate pairs.
RL_MAX_PAIRS = 20_000_000
#: recordlinkage's string comparison: Levenshtein similarity >= 0.9 is the closest to ours
#: (Jaro-Winkler >= 0.9, its tutorials' choice, rewards the shared trade word at the start:
#: "Bakkerij Maes" / "Bakkerij Wouters" pass, precision 5% on this data).
RL_STRING = "levenshtein"


# --------------------------------------------------------------------------------------------
# the planted data

#: Family names from syllables (4,320 of them): the demo's 23 family names would give the
#: same "Bakkerij Peeters" a dozen times in every city at 100,000 rows, which no real customer
#: list has. Same-name customers in one city still occur (the realistic, ambiguous case).
_SYL = (("Van", "Ver", "De", "Le", "Mer", "Wil", "Jan", "Pee", "Cla", "Goo", "Dub", "Lam",
         "Hen", "Mich", "Seg", "Lem", "Bos", "Dries", "Stev", "Wou"),
        ("", "den", "de", "ter", "ma", "me", "ri", "ro", "ne", "el", "ae", "oo"),
        ("sens", "mans", "ckx", "ens", "ers", "s", "ts", "beke", "damme", "broeck", "hout",
         "velde", "linden", "mont", "bois", "ert", "aert", "yn"))


def surname(rng: random.Random) -> str:
    return "".join(rng.choice(part) for part in _SYL)


def _rename(rng: random.Random, row: dict[str, Any]) -> None:
    """Give a demo customer a family name from :data:`_SYL` (title, contact person too)."""
    last = surname(rng)
    row["last_name"] = last
    if row["vat_id"]:
        row["title"] = f"{rng.choice(TRADES)} {last} {rng.choice(FORMS)}"
        row["contactperson_last_name"] = last
    else:
        row["title"] = f"{row['first_name']} {last}"

def _typo(rng: random.Random, title: str) -> str:
    """One typing mistake in the name part of ``title`` (not in a trailing legal form)."""
    words = title.split(" ")
    span = len(" ".join(words[:-1])) if len(words) > 2 else len(title)
    letters = [i for i, ch in enumerate(title[:span]) if ch.isalpha()]
    i = rng.choice(letters)
    op = rng.choice(("substitute", "delete", "insert", "swap", "double"))
    if op == "substitute":
        return title[:i] + rng.choice("aeioustnrl".replace(title[i].lower(), "")) + title[i + 1:]
    if op == "delete":
        return title[:i] + title[i + 1:]
    if op == "insert":
        return title[:i] + rng.choice("aeioustnrl") + title[i:]
    if op == "swap" and i + 1 < len(title) and title[i + 1].isalpha():
        return title[:i] + title[i + 1] + title[i] + title[i + 2:]
    return title[:i] + title[i] + title[i:]


def _other_form(rng: random.Random, title: str) -> str:
    """The same name with another way of writing its legal form."""
    words = title.split(" ")
    forms = {"BV": ("B.V.", "bvba", "BVBA"), "NV": ("N.V.", "nv", "SA"), "VZW": ("vzw", "asbl"),
             "CommV": ("comm.v", "Comm.V"), "CV": ("cvba", "CVBA"),
             "Eenmanszaak": ("",), "BVBA": ("BV", "b.v.b.a.")}
    if words[-1] in forms:
        words[-1] = rng.choice(forms[words[-1]])
    else:
        words.append(rng.choice(("BV", "bvba")))
    return " ".join(w for w in words if w)


def _vat_written(rng: random.Random, v: str) -> tuple[Any, str | None]:
    """(a VAT number written another way, the vat_country_code beside it)."""
    style = rng.randrange(5)
    if style == 0:
        return f"BE {v[:4]}.{v[4:7]}.{v[7:]}", None
    if style == 1:
        return f"BE{v}", "BE"
    if style == 2:
        return f"{v[:4]}.{v[4:7]}.{v[7:]}", "BE"
    if style == 3:
        return v.lstrip("0"), "BE"
    return int(v), "be"


def make_data(n: int, seed: int, spread: bool = False) -> dict[str, Any]:
    """N rows (values dicts as Report.values holds them), the truth pairs and near-miss pairs.

    ``spread``: the customers live in N/100 places (postcode + municipality) instead of the
    demo's 15 cities - the density of a real list (Belgium has about 1,150 postcodes).
    """
    rng = random.Random(seed)
    places = list(CITIES) if not spread else [
        (f"{1000 + k:04d}", f"Gemeente {k}") for k in range(max(len(CITIES), n // 100))]
    n_dup = {k: round(n * DUP_SHARE) for k in DUP_KINDS}
    n_near = {k: round(n * NEAR_SHARE) for k in NEAR_KINDS}
    n_base = n - sum(n_dup.values()) - sum(n_near.values())
    base, _ = customers(n_base, seed=seed, fault_rate=0.0)
    vats: set[str] = set()

    def new_vat() -> str:  # the demo draws from 8 million numbers: 100,000 draws collide
        v = be_vat(rng)
        while v in vats:
            v = be_vat(rng)
        vats.add(v)
        return v

    for i, row in enumerate(base):  # every customer its own address; half with an external ID
        _rename(rng, row)
        if row["vat_id"]:
            row["vat_id"] = row["vat_id"] if row["vat_id"] not in vats else new_vat()
            vats.add(row["vat_id"])
        local, _, domain = row["email"].partition("@")
        row["email"] = f"{local}@{domain[:-3]}-{i}.be"
        if spread:
            row["address_zip"], row["address_city"] = rng.choice(places)
        if rng.random() < 0.5:
            row["external_id"] = None
    companies = [i for i, r in enumerate(base) if r["vat_id"]]
    with_ext = [i for i, r in enumerate(base) if r["external_id"]]
    used: set[int] = set()

    def pick(pool: list[int]) -> int:
        while True:
            i = rng.choice(pool)
            if i not in used:
                used.add(i)
                return i

    copies: list[tuple[str, int, dict[str, Any]]] = []
    serial = [0]

    def fresh_email() -> str:
        serial[0] += 1
        return f"contact{serial[0]}@anders-{seed}.be"

    everyone = list(range(n_base))
    for kind in DUP_KINDS:
        for _ in range(n_dup[kind]):
            src = pick({"external_id": with_ext, "vat_id": companies}.get(kind, everyone))
            row = dict(base[src])
            row["external_id"] = None
            if kind == "external_id":
                row["external_id"] = base[src]["external_id"]
                row["title"] = _other_form(rng, row["title"]) + " & Zonen"
                row["email"] = fresh_email()
                row["vat_id"] = row["vat_country_code"] = None
                row["address_zip"], row["address_city"] = rng.choice(places)
            elif kind == "vat_id":
                row["vat_id"], row["vat_country_code"] = _vat_written(rng, base[src]["vat_id"])
                row["email"] = fresh_email()
                row["title"] = _other_form(rng, row["title"])
            elif kind == "email":
                row["email"] = f"  {base[src]['email'].upper()} "
                row["vat_id"] = row["vat_country_code"] = None
                row["address_zip"], row["address_city"] = rng.choice(places)
            else:  # name
                row["title"] = (_typo(rng, row["title"]) if rng.random() < 0.7
                                else _other_form(rng, row["title"]))
                row["vat_id"] = row["vat_country_code"] = row["email"] = None
                if rng.random() < 0.3:
                    row["address_city"] = None
            copies.append((kind, src, row))
    for kind in NEAR_KINDS:
        for _ in range(n_near[kind]):
            src = pick(companies)
            row = dict(base[src])
            row["external_id"] = None
            row["vat_id"], row["vat_country_code"] = new_vat(), "BE"
            if kind == "nm_other_city":
                row["email"] = fresh_email()
                here = (base[src]["address_zip"], base[src]["address_city"])
                row["address_zip"], row["address_city"] = rng.choice(
                    [c for c in places if c != here])
            elif kind == "nm_same_city_other_vat":
                row["email"] = fresh_email()
            else:  # nm_shared_email: another company, the same (bookkeeper's) address
                other = customers(1, seed=rng.randrange(10**9), fault_rate=0.0)[0][0]
                _rename(rng, other)
                row.update({k: other[k] for k in ("title", "last_name", "first_name",
                                                  "address", "address_zip", "address_city")})
                row["email"] = base[src]["email"]
            copies.append((kind, src, row))
    rows = base + [row for _, _, row in copies]
    order = list(range(len(rows)))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    shuffled = [rows[old] for old in order]
    truth: dict[tuple[int, int], str] = {}
    near: dict[tuple[int, int], str] = {}
    for c, (kind, src, _row) in enumerate(copies):
        pair = tuple(sorted((position[src], position[n_base + c])))
        (truth if kind in DUP_KINDS else near)[pair] = kind
    return {"rows": shuffled, "truth": truth, "near": near, "n_base": n_base,
            "base_positions": [position[i] for i in range(n_base)],
            "planted": {**n_dup, **n_near}, "places": len(places)}


# --------------------------------------------------------------------------------------------
# scoring

def group_pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    """Every pair of rows inside a group (what a user reads as "these are one customer")."""
    return {(a, b) for g in groups for a, b in combinations(sorted(g), 2)}


def score(pred: set[tuple[int, int]], truth: dict[tuple[int, int], str],
          near: dict[tuple[int, int], str]) -> dict[str, Any]:
    tp = pred & truth.keys()
    out: dict[str, Any] = {
        "predicted_pairs": len(pred), "true_pairs": len(truth), "found": len(tp),
        "precision": round(len(tp) / len(pred), 4) if pred else 1.0,
        "recall": round(len(tp) / len(truth), 4) if truth else 1.0,
        "recall_by_kind": {}, "false_positive_near_misses": {},
    }
    for kind in DUP_KINDS:
        pairs = [p for p, k in truth.items() if k == kind]
        out["recall_by_kind"][kind] = round(sum(p in pred for p in pairs) / len(pairs), 4) \
            if pairs else None
    for kind in NEAR_KINDS:
        out["false_positive_near_misses"][kind] = sum(
            1 for p, k in near.items() if k == kind and p in pred)
    out["false_positive_other"] = len(pred - truth.keys() - near.keys())
    return out


# --------------------------------------------------------------------------------------------
# timing

def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """(best wall seconds of ``repeat`` runs, result). The machine is shared: the best run is
    the one least disturbed by other work."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run_ours(data: dict[str, Any], repeat: int) -> dict[str, Any]:
    rows = data["rows"]

    def records_cold() -> list[dup.Record]:
        dup._name_keys.cache_clear()
        dup._vat.cache_clear()
        return [dup.record_from_values(i, v) for i, v in enumerate(rows)]

    t_rec, records = timed(records_cold, repeat)
    t_grp, groups = timed(lambda: dup.find_groups(records), repeat)
    work = dict(dup.LAST_RUN)
    pred = group_pairs([g.refs for g in groups])
    result = score(pred, data["truth"], data["near"])
    base = set(data["base_positions"])
    existing = [records[i] for i in sorted(base)]
    t_ex, matched = timed(lambda: dup.match_existing(records, existing), repeat)
    by_reason = Counter(g.reason for g in groups)
    result.update({
        "records_s": round(t_rec, 3), "find_groups_s": round(t_grp, 3),
        "total_s": round(t_rec + t_grp, 3), "groups": len(groups),
        "groups_by_reason": dict(by_reason),
        "match_existing_s": round(t_ex, 3), "match_existing_rows": len(records),
        "match_existing_contacts": len(existing), "rows_matching_existing": len(matched),
        "work": work,
    })
    return result


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


def run_recordlinkage(data: dict[str, Any], full_postcode_block: bool) -> dict[str, Any]:
    import recordlinkage
    from recordlinkage.index import Block

    df = _rl_frame(data["rows"])
    n = len(df)
    sizes = df["postcode"].value_counts()
    postcode_pairs = int(sum(s * (s - 1) // 2 for s in sizes))
    setups: dict[str, Any] = {}
    plans = {"pc+name3": [Block(["postcode", "name3"]), Block("vat"), Block("email"),
                          Block("ext")]}
    if full_postcode_block and postcode_pairs <= RL_MAX_PAIRS:
        plans["postcode"] = [Block("postcode"), Block("vat"), Block("email"), Block("ext")]
    for label, blocks in plans.items():
        t0 = time.perf_counter()
        indexer = recordlinkage.Index()
        for b in blocks:
            indexer.add(b)
        pairs = indexer.index(df)
        t1 = time.perf_counter()
        cmp = recordlinkage.Compare()
        cmp.exact("ext", "ext", label="ext")
        cmp.exact("vat", "vat", label="vat")
        cmp.exact("email", "email", label="email")
        cmp.exact("postcode", "postcode", label="postcode")
        cmp.string("name", "name", method=RL_STRING, threshold=0.9, label="name")
        features = cmp.compute(pairs, df)
        t2 = time.perf_counter()
        rule = (features["ext"] + features["vat"] + features["email"]
                + (features["name"] * features["postcode"])) >= 1
        links = features.index[rule.to_numpy()]
        t3 = time.perf_counter()
        pred = {tuple(sorted((int(a), int(b)))) for a, b in links}
        result = score(pred, data["truth"], data["near"])
        result.update({"candidate_pairs": len(pairs), "index_s": round(t1 - t0, 3),
                       "compare_s": round(t2 - t1, 3), "classify_s": round(t3 - t2, 3),
                       "total_s": round(t3 - t0, 3)})
        setups[label] = result
        # the same features, classified with our priority rule written in pandas: a key
        # present on both sides decides (what recordlinkage itself cannot express)
        t4 = time.perf_counter()
        left = features.index.get_level_values(0).to_numpy()
        right = features.index.get_level_values(1).to_numpy()
        both = {k: (df[k].notna().to_numpy()[left] & df[k].notna().to_numpy()[right])
                for k in ("ext", "vat", "email")}
        f = {k: features[k].to_numpy().astype(bool) for k in features.columns}
        decided = (f["ext"]
                   | (~both["ext"] & f["vat"])
                   | (~both["ext"] & ~both["vat"] & f["email"])
                   | (~both["ext"] & ~both["vat"] & ~both["email"] & f["name"] & f["postcode"]))
        pred = {tuple(sorted((int(a), int(b)))) for a, b in features.index[decided]}
        t5 = time.perf_counter()
        result = score(pred, data["truth"], data["near"])
        result.update({"candidate_pairs": len(pairs), "index_s": round(t1 - t0, 3),
                       "compare_s": round(t2 - t1, 3), "classify_s": round(t5 - t4, 3),
                       "total_s": round(t2 - t0 + t5 - t4, 3)})
        setups[label + ", our rule"] = result
    if full_postcode_block and "postcode" not in setups:
        setups["postcode"] = {"skipped": f"{postcode_pairs:,} candidate pairs for {n:,} rows "
                                         f"(limit {RL_MAX_PAIRS:,})"}
    return setups


def run_cli(data: dict[str, Any], out: Path, n: int) -> dict[str, Any]:
    from numnum_xl.catalogue import KEYS
    from numnum_xl.demo import write_xlsx

    path = out / f"duplicates-{n}.xlsx"
    rows = [{k: r.get(k) for k in KEYS} for r in data["rows"]]
    write_xlsx(str(path), rows)
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "numnum_xl", "duplicates", str(path), "--json",
                          "--no-account"], capture_output=True, text=True, cwd=ROOT)
    t1 = time.perf_counter()
    groups = json.loads(res.stdout)["groups"] if res.stdout.strip() else []
    return {"exit": res.returncode, "groups": len(groups), "wall_s": round(t1 - t0, 3)}


# --------------------------------------------------------------------------------------------
# threshold sweep

def tune(n: int, seed: int) -> list[dict[str, Any]]:
    """Name similarity of planted name duplicates vs pairs of different customers at one place.

    Negatives are every pair of different base customers that share a postcode and a blocking
    word (what the matcher would compare if nothing else told them apart).
    """
    data = make_data(n, seed)
    rows = data["rows"]
    recs = [dup.record_from_values(i, v) for i, v in enumerate(rows)]
    positives = [dup.name_similarity(recs[a].name, recs[b].name)
                 for (a, b), kind in data["truth"].items() if kind == "name"]
    base = data["base_positions"]
    base_recs = [recs[i] for i in base]
    index = dup._Index(base_recs, dup._Areas(base_recs))
    negatives = [s for _area, _a, _b, s in dup.similar_names(index.names, threshold=0.75)]
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


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print(f"{'rows':>8} {'layout':<7} {'tool':<36} {'time s':>7} {'pairs':>6} {'prec':>7} "
          f"{'recall':>7}  {'recall ext/vat/email/name':<29} {'FP near city/vat/email':<22} "
          f"{'FP other':>8}")
    for r in results:
        entries = [("numnum_xl.duplicates", r["ours"])]
        entries += [(f"recordlinkage {k}", v) for k, v in r.get("recordlinkage", {}).items()]
        for label, v in entries:
            if "skipped" in v:
                print(f"{r['rows']:>8} {r['layout']:<7} {label:<36} skipped: {v['skipped']}")
                continue
            rk = v["recall_by_kind"]
            fp = v["false_positive_near_misses"]
            print(f"{r['rows']:>8} {r['layout']:<7} {label:<36} {v['total_s']:>7.2f} "
                  f"{v['predicted_pairs']:>6} {_pct(v['precision']):>7} {_pct(v['recall']):>7}"
                  f"  {' / '.join(_pct(rk[k]) for k in DUP_KINDS):<29} "
                  f"{' / '.join(str(fp[k]) for k in NEAR_KINDS):<22} "
                  f"{v['false_positive_other']:>8}")
    print()
    for layout in dict.fromkeys(r["layout"] for r in results):
        mine = [r for r in results if r["layout"] == layout]
        if len(mine) >= 2:
            a, b = mine[0], mine[-1]
            oa, ob = a["ours"], b["ours"]
            print(f"growth {layout}: {a['rows']:,} -> {b['rows']:,} rows "
                  f"(x{b['rows'] / a['rows']:.0f}): records + find_groups "
                  f"x{ob['total_s'] / oa['total_s']:.1f}, match_existing "
                  f"x{ob['match_existing_s'] / oa['match_existing_s']:.1f}; pairs compared "
                  f"{oa['work']['pairs_compared']:,} -> {ob['work']['pairs_compared']:,}, "
                  f"similar-name pairs {oa['work']['similar_names']:,} -> "
                  f"{ob['work']['similar_names']:,}")
    for r in results:
        o = r["ours"]
        print(f"{r['rows']:>8} {r['layout']:<7} records {o['records_s']:.2f} s, find_groups "
              f"{o['find_groups_s']:.2f} s, {o['groups']} groups {o['groups_by_reason']}; "
              f"match_existing {o['match_existing_s']:.2f} s ({o['match_existing_rows']:,} "
              f"rows vs {o['match_existing_contacts']:,} contacts, "
              f"{o['rows_matching_existing']:,} matched)"
              + (f"; CLI --json {r['cli']['wall_s']:.1f} s (exit {r['cli']['exit']}, "
                 f"{r['cli']['groups']} groups)" if "cli" in r else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--layouts", nargs="+", choices=("dense", "spread"),
                    default=["dense", "spread"],
                    help="dense: the demo's 15 cities (recordlinkage and --cli run here); "
                         "spread: one place per 100 rows, like a real list")
    ap.add_argument("--tune", action="store_true", help="print the fuzzy-threshold sweep")
    ap.add_argument("--no-recordlinkage", action="store_true")
    ap.add_argument("--cli", action="store_true", help="also time the command end to end")
    ap.add_argument("--repeat", type=int, default=3,
                    help="best of this many runs of each timing of ours (default 3)")
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
    for layout in args.layouts:
        for n in args.rows:
            t_gen, data = timed(lambda n=n, lay=layout: make_data(n, args.seed, lay == "spread"))
            entry: dict[str, Any] = {"rows": n, "layout": layout, "places": data["places"],
                                     "generate_s": round(t_gen, 2), "planted": data["planted"],
                                     "ours": run_ours(data, args.repeat)}
            if have_rl and layout == "dense":
                entry["recordlinkage"] = run_recordlinkage(data, full_postcode_block=True)
            if args.cli and layout == "dense":
                entry["cli"] = run_cli(data, args.out, n)
            report["results"].append(entry)
            print(f"{n:>8} rows ({layout}, {data['places']} places) generated in {t_gen:.1f} s;"
                  f" planted {data['planted']}", flush=True)
    print_table(report["results"])
    path = args.out / "duplicates-results.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

