"""How long a ribbon click costs in Python: cold (a new Python per click, as RunPython does by
default) and warm (the same Python again, as with ``USE UDF SERVER`` on Windows).

The workbook is the fake of ``tests/xlfakes.py`` (no Excel here), so the numbers are the
Python side only: imports plus the button's own work, not Excel's time for the ~2 calls per
flagged cell. Each cold run is a fresh interpreter that reports its own CPU time
(``time.process_time``) for: ``import xlwings`` (what ``Book.caller`` needs on a real click),
``import numnum_xl.addin`` + the first *Valideer* on a 200-row sheet, and a second *Valideer*
in the same process (warm). Medians over interleaved runs; CPU seconds, because the machine is
shared.

    python bench/bench_addin_click.py [--runs 7] [--rows 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from tests import xlfakes as xf
from numnum_xl.catalogue import KEYS
from numnum_xl.demo import customers
rows, _ = customers({rows}, seed=5, fault_rate=0.05)
grid = [list(KEYS)] + [[r.get(k) for k in KEYS] for r in rows]
book = xf.make_book({{"Klanten": grid}})
t0 = time.process_time()
import numnum_xl.addin as addin
addin.on_ribbon("nnValidate", book)
t1 = time.process_time()
addin.on_ribbon("nnValidate", book)
t2 = time.process_time()
mods = sorted({{m.split(".")[0] for m in sys.modules}} & {{"openpyxl", "numpy", "pandas"}})
print(json.dumps({{"cold": t1 - t0, "warm": t2 - t1, "heavy": mods,
                  "alert": book._app._alerts[-1]["prompt"][:40]}}))
"""

XLWINGS = "import time; t = time.process_time(); import xlwings; print(time.process_time() - t)"
#: the same where pandas is not installed (the README's install has no pandas): blocked here
XLWINGS_NO_PANDAS = ("import sys, time; sys.modules['pandas'] = None; t = time.process_time(); "
                     "import xlwings; print(time.process_time() - t)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    cold, warm, xw, xw_np = [], [], [], []
    heavy: list[str] = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT),
                                                                 rows=args.rows)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        data = json.loads(out.stdout.strip().splitlines()[-1])
        cold.append(data["cold"])
        warm.append(data["warm"])
        heavy = data["heavy"]
        out = subprocess.run([sys.executable, "-c", XLWINGS], capture_output=True, text=True,
                             check=True)
        xw.append(float(out.stdout.strip()))
        out = subprocess.run([sys.executable, "-c", XLWINGS_NO_PANDAS], capture_output=True,
                             text=True, check=True)
        xw_np.append(float(out.stdout.strip()))
    c, w, x = statistics.median(cold), statistics.median(warm), statistics.median(xw)
    xn = statistics.median(xw_np)
    print(f"Valideer, {args.rows} rows, fake workbook, median of {args.runs} (CPU seconds)")
    print(f"  cold: import numnum_xl.addin + click   {c:6.3f} s")
    print(f"  + import xlwings (Book.caller)          {x:6.3f} s   -> cold click {c + x:.3f} s")
    print(f"  + import xlwings without pandas         {xn:6.3f} s   -> cold click {c + xn:.3f} s")
    print(f"  warm: the same click again               {w:6.3f} s   ({c / w:.0f}x faster)")
    print(f"  heavy modules loaded by the click: {heavy or 'none (no openpyxl, numpy, pandas)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
