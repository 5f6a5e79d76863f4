"""Run a command and measure it: CPU seconds (with its waited-for children), wall seconds, and
its peak memory sampled from ``/proc`` (Linux).

``ru_maxrss`` from ``wait4`` is not used for memory: a child started by a large benchmark
process counts the parent's pages it had before ``exec``, and forked workers are not summed.
Instead the process tree (the command and every descendant) is sampled every 250 ms:

* ``peak_mb``: the largest RSS of any one process of the tree;
* ``tree_rss_mb``: the largest sum of the tree's RSS (pages shared after a fork counted in
  every process that maps them);
* ``tree_pss_mb``: the largest sum of the tree's PSS (shared pages divided among the processes
  sharing them: what the tree really costs the machine).
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    out.extend(_tree(int(child)))
    except OSError:
        pass
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def run_measured(cmd: list[str], interval: float = 0.25, **popen: Any) -> dict[str, Any]:
    """Run ``cmd`` to its end; its exit code, CPU, wall and peak memory (see the module doc)."""
    w0 = time.perf_counter()
    proc = subprocess.Popen(cmd, **popen)
    peak = tree_rss = tree_pss = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss_sum = pss_sum = 0
        for p in _tree(proc.pid):
            rss, pss = _memory_kb(p)
            peak = max(peak, rss)
            rss_sum += rss
            pss_sum += pss
        tree_rss, tree_pss = max(tree_rss, rss_sum), max(tree_pss, pss_sum)
        time.sleep(interval)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": proc.returncode, "cpu": usage.ru_utime + usage.ru_stime,
            "s": time.perf_counter() - w0, "peak_mb": peak / 1024,
            "tree_rss_mb": tree_rss / 1024, "tree_pss_mb": tree_pss / 1024}
