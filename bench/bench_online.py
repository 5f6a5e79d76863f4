"""CPU cost of the online checks per row, against the tests' loopback servers.

The network time of the real services is not ours to measure here (no internet); what is ours
is the CPU a row costs: hashing, DNS message handling, HTTP, XML/JSON parsing, composing
texts. Prints rows, distinct identifiers, CPU seconds (``time.process_time`` of this process,
which includes the loopback servers' threads: an upper bound) and CPU per row, side by side.

    python bench/bench_online.py                 # 2,000 rows, 400 distinct customers
    python bench/bench_online.py --rows 5000 --distinct 1000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from numnum_xl.peppol import PeppolSettings
from numnum_xl.peppol import check_values as peppol_check
from numnum_xl.peppol.smp import BIS_BILLING_INVOICE
from numnum_xl.vies import ViesSettings
from numnum_xl.vies import check_values as vies_check
from tests.online_fakes import ZONE, FakeDns, FakeHttp, json_reply


def be(n8: int) -> str:
    return f"{n8:08d}{97 - n8 % 97:02d}"


def smp(method, path, query, body):
    xml = ('<ServiceGroup xmlns="http://busdox.org/serviceMetadata/publishing/1.0/">'
           '<ServiceMetadataReferenceCollection><ServiceMetadataReference href="https://x/'
           'iso6523-actorid-upis%3A%3A0208%3A1/services/busdox-docid-qns%3A%3A'
           + BIS_BILLING_INVOICE.replace(":", "%3A").replace("#", "%23")
           + '"/></ServiceMetadataReferenceCollection></ServiceGroup>')
    return 200, {}, xml.encode()


def vies(method, path, query, body):
    if path.endswith("check-status"):
        return json_reply({"vow": {"available": True}, "countries": []})
    return json_reply({"valid": True, "requestDate": "2026-11-30", "name": "X NV",
                       "address": "Straat 1\n1000 Brussel", "requestIdentifier": ""})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--distinct", type=int, default=400)
    a = ap.parse_args()
    numbers = [be(4_000_000 + i) for i in range(a.distinct)]
    rows = [(i + 2, {"title": "X NV", "vat_id": numbers[i % a.distinct],
                     "vat_country_code": "BE", "address_zip": "1000"}) for i in range(a.rows)]
    dns, http, v = FakeDns(), FakeHttp(smp), FakeHttp(vies)
    try:
        for n in numbers[::2]:
            dns.register(f"0208:{n}", f"{http.url}/s")
        lines = []
        for name, run in (
            ("peppol", lambda: peppol_check(rows, settings=PeppolSettings(
                zone=ZONE, nameserver=dns.address, dns_timeout=2, dns_lifetime=4))),
            ("vies", lambda: vies_check(rows, settings=ViesSettings(
                url=v.url, cache_dir=Path(tempfile.mkdtemp()), per_country=4)))):
            c0, w0 = time.process_time(), time.perf_counter()
            results = run()
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            assert len(results) == a.rows
            lines.append((name, a.rows, a.distinct, cpu, wall))
    finally:
        dns.close()
        http.close()
        v.close()
    print(f"{'check':8} {'rows':>6} {'distinct':>8} {'cpu s':>7} {'cpu ms/row':>10} "
          f"{'wall s':>7}")
    for name, rows_n, distinct, cpu, wall in lines:
        print(f"{name:8} {rows_n:6} {distinct:8} {cpu:7.2f} {1000 * cpu / rows_n:10.3f} "
              f"{wall:7.2f}")
    if len(lines) == 2:
        print(f"ratio vies/peppol cpu: {lines[1][3] / max(lines[0][3], 1e-9):.2f}")


if __name__ == "__main__":
    main()
