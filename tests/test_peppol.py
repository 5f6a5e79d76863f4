"""The Peppol check against a DNS server, SMPs and a Peppol Directory on loopback.

A mixed customer list shows every state: receives via 0208, only via 9925, registered without
BIS Billing 3.0 invoices, unknown to its SMP, not found, and "not checked" for SERVFAIL, a DNS
timeout, an SMP error, an empty answer, a dropped connection, a non-https SMP, an offline SMP
and a refusing proxy. A failed lookup never reads "not found".
"""

from __future__ import annotations

import csv
import itertools
import json
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest

from numnum_xl.peppol import PeppolSettings, check_values
from numnum_xl.peppol.directory import Directory
from numnum_xl.peppol.smp import BIS_BILLING_INVOICE
from tests.online_fakes import ZONE, FakeDns, FakeHttp, closed_port, json_reply

ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2::Order##urn:fdc:peppol.eu:poacc:" \
        "trns:order:3::2.1"


def be(n8: str) -> str:
    """A valid Belgian enterprise number from its first 8 digits."""
    return f"{n8}{97 - int(n8) % 97:02d}"


def service_group(participant: str, doc_types: list[str]) -> bytes:
    refs = "".join(
        f'<ServiceMetadataReference href="https://smp.example/iso6523-actorid-upis%3A%3A'
        f'{participant.replace(":", "%3A")}/services/{d.replace(":", "%3A").replace("#", "%23")}"'
        f'/>' for d in doc_types)
    return (f'<?xml version="1.0"?><ServiceGroup xmlns="http://busdox.org/serviceMetadata/'
            f'publishing/1.0/"><ParticipantIdentifier scheme="iso6523-actorid-upis">'
            f'{participant}</ParticipantIdentifier><ServiceMetadataReferenceCollection>{refs}'
            f'</ServiceMetadataReferenceCollection></ServiceGroup>').encode()


def smp_handler(method, path, query, body):
    """SMP behaviour by the first path segment of the SMP address the NAPTR record gives."""
    kind, _, rest = path.lstrip("/").partition("/")
    participant = unquote(rest).removeprefix("iso6523-actorid-upis::")
    if kind == "invoice":
        return 200, {"Content-Type": "text/xml"}, service_group(
            participant, ["busdox-docid-qns::" + BIS_BILLING_INVOICE, "busdox-docid-qns::" + ORDER])
    if kind == "order":
        return 200, {"Content-Type": "text/xml"}, service_group(participant,
                                                                ["busdox-docid-qns::" + ORDER])
    if kind == "wildcard":
        return 200, {}, service_group(participant, [
            "peppol-doctype-wildcard::" + BIS_BILLING_INVOICE.replace("::2.1", "*::2.1")])
    if kind == "missing":
        return 404, {}, b"not found"
    if kind == "error":
        return 500, {}, b"<html>oops</html>"
    if kind == "empty":
        return 200, {}, b""
    if kind == "garbage":
        return 200, {}, b"<ServiceGroup"
    if kind == "drop":
        return 0, {}, b""
    if kind == "huge":
        return 200, {}, b"<a>" + b" " * (5 * 1024 * 1024) + b"</a>"
    raise AssertionError(path)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture()
def net():
    dns, http = FakeDns(), FakeHttp(smp_handler)
    yield dns, http
    dns.close()
    http.close()


def settings(dns: FakeDns, **kw) -> PeppolSettings:
    return PeppolSettings(zone=ZONE, nameserver=dns.address, dns_timeout=1.0,
                          dns_lifetime=2.0, workers=4, **kw)


NUMBERS = {k: be(n) for k, n in {
    "receives": "04030192", "only9925": "04110001", "order": "04120002", "absent": "04130003",
    "servfail": "04140004", "timeout": "04150005", "smp500": "04160006", "plainhttp": "04170007",
    "missing": "04180008", "empty": "04190009", "offline": "04200000", "drop": "04210001",
    "garbage": "04220002", "malformed": "04230003", "huge": "04240004"}.items()}


def mixed(dns: FakeDns, http: FakeHttp) -> list[tuple[int, dict]]:
    n = NUMBERS
    dns.register(f"0208:{n['receives']}", f"{http.url}/invoice")
    dns.register(f"9925:BE{n['only9925']}", f"{http.url}/invoice")
    dns.register(f"0208:{n['order']}", f"{http.url}/order")
    dns.fail(f"0208:{n['servfail']}")
    dns.drop(f"0208:{n['timeout']}")
    dns.register(f"0208:{n['smp500']}", f"{http.url}/error")
    dns.register(f"0208:{n['plainhttp']}", "http://smp.example.invalid/x")
    dns.register(f"0208:{n['missing']}", f"{http.url}/missing")
    dns.register(f"0208:{n['empty']}", f"{http.url}/empty")
    dns.register(f"0208:{n['offline']}", f"http://127.0.0.1:{closed_port()}")
    dns.register(f"0208:{n['drop']}", f"{http.url}/drop")
    dns.register(f"0208:{n['garbage']}", f"{http.url}/garbage")
    dns.register(f"0208:{n['huge']}", f"{http.url}/huge")
    dns.register("0088:5790002590993", f"{http.url}/wildcard")
    dns.register(f"0208:be{n['malformed']}", f"{http.url}/invoice")  # a registration seen live
    rows = [(i + 2, {"title": k, "vat_id": v, "vat_country_code": "BE"})
            for i, (k, v) in enumerate(n.items())]
    rows.append((50, {"title": "GLN-klant", "peppol_scheme_id": "0088",
                      "peppol_endpoint_id": "5790002590993"}))
    rows.append((51, {"title": "Jan Particulier", "last_name": "Peeters"}))
    rows.append((52, {"title": "receives again", "vat_id": f"BE {n['receives'][:4]}."
                      f"{n['receives'][4:7]}.{n['receives'][7:]}", "vat_country_code": "BE"}))
    return rows


def text_of(results, rows, title):
    row = next(no for no, v in rows if v.get("title") == title)
    return next(r.text for r in results if r.row == row)


def test_every_state_of_a_mixed_list(net):
    dns, http = net
    rows = mixed(dns, http)
    seen = []
    results = check_values(rows, settings=settings(dns), progress=lambda d, t: seen.append(d))
    by = {r.row: r for r in results}
    title = {row: v["title"] for row, v in rows}
    states = {title[r.row]: (r.state, r.severity) for r in results}
    n = NUMBERS
    assert states["receives"] == ("receives", "ok")
    assert by[2].text == f"Peppol: ontvangt facturen via 0208:{n['receives']}"
    assert by[2].fixes == {"peppol_scheme_id": "0208", "peppol_endpoint_id": n["receives"]}
    assert states["only9925"] == ("only_9925", "warning")
    only = next(r for r in results if title[r.row] == "only9925")
    assert f"9925:BE{n['only9925']}" in only.text and "enkel" in only.text
    assert only.fixes == {"peppol_scheme_id": "9925", "peppol_endpoint_id": n["only9925"]}
    assert states["order"] == ("no_invoice", "warning")
    assert "geen facturen (BIS Billing 3.0)" in next(
        r.text for r in results if title[r.row] == "order")
    assert states["absent"] == ("not_found", "warning")
    assert states["missing"] == ("smp_unknown", "warning")
    assert states["malformed"] == ("malformed", "warning")
    assert f"0208:BE{n['malformed']}" in text_of(results, rows, "malformed")
    assert states["GLN-klant"] == ("receives", "ok")
    assert states["receives again"] == ("receives", "ok")
    for key in ("servfail", "timeout", "smp500", "plainhttp", "empty", "offline", "drop",
                "garbage", "huge"):
        r = next(r for r in results if title[r.row] == key)
        assert (r.state, r.severity) == ("unchecked", "unchecked"), key
        assert r.text.startswith("Peppol: niet gecontroleerd ("), r.text
        assert "niet gevonden" not in r.text and not r.fixes
    text = {title[r.row]: r.text for r in results}
    assert "SERVFAIL" in text["servfail"]
    assert "niet op tijd" in text["timeout"]
    assert "HTTP 500" in text["smp500"]
    assert "geen https" in text["plainhttp"]
    assert "leeg antwoord" in text["empty"]
    assert "geen verbinding" in text["offline"]
    assert "onleesbaar" in text["garbage"]
    assert "onleesbaar" in text["huge"]  # more than 4 MB is refused, not parsed
    assert states["Jan Particulier"] == ("unchecked", "unchecked")
    # progress reached every row; the repeated customer was looked up once
    assert sorted(seen) == list(range(1, len(rows) + 1))
    from tests.online_fakes import spec_name
    assert dns.queries.count(spec_name(f"0208:{n['receives']}")) == 1  # UDP: no retry needed
    # the SMP was asked at the percent-encoded path of SMP 1.4.0
    assert any(p == f"/invoice/iso6523-actorid-upis%3A%3A0208%3A{n['receives']}"
               for _, _, p, _, _ in http.requests)
    # a plain-http SMP that is not on this machine is never contacted
    assert not any("smp.example.invalid" in p for _, _, p, _, _ in http.requests)


def test_english_and_french_texts(net):
    dns, http = net
    dns.register(f"0208:{NUMBERS['receives']}", f"{http.url}/invoice")
    rows = [(2, {"vat_id": NUMBERS["receives"], "vat_country_code": "BE"}),
            (3, {"vat_id": NUMBERS["servfail"], "vat_country_code": "BE"})]
    dns.fail(f"0208:{NUMBERS['servfail']}")
    en = check_values(rows, settings=settings(dns), lang="en")
    assert en[0].text.startswith("Peppol: receives invoices via 0208:")
    assert en[1].text.startswith("Peppol: not checked (")
    fr = check_values(rows, settings=settings(dns), lang="fr")
    assert fr[0].text.startswith("Peppol : reçoit des factures via 0208:")


def test_dns_server_down_gives_unchecked_never_not_found():
    """An offline machine: every row unchecked, and after a few failed lookups the rest no
    longer wait for the DNS (the list does not take rows × timeout)."""
    dns = FakeDns()
    dns.drop_all = True
    s = PeppolSettings(zone=ZONE, nameserver=dns.address, dns_timeout=0.3, dns_lifetime=0.6,
                       workers=4)
    rows = [(i + 2, {"vat_id": be(f"07{i:06d}"), "vat_country_code": "BE"}) for i in range(40)]
    try:
        t0 = time.monotonic()
        results = check_values(rows, settings=s)
        elapsed = time.monotonic() - t0
    finally:
        dns.close()
    assert {r.state for r in results} == {"unchecked"}
    assert all("niet gevonden" not in r.text and "niet op tijd" in r.text for r in results)
    assert len(set(dns.queries)) < 20  # the breaker stopped asking
    assert elapsed < 40 * 0.6 / 4


def test_system_proxy_is_used_and_its_failure_reported(net, monkeypatch):
    dns, http = net
    dns.register(f"0208:{NUMBERS['receives']}", f"{http.url}/invoice")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    results = check_values([(2, {"vat_id": NUMBERS["receives"], "vat_country_code": "BE"})],
                           settings=settings(dns))
    assert results[0].state == "unchecked"
    assert "proxy" in results[0].text
    assert not http.requests  # the request went to the (dead) proxy, not around it


def directory_handler(method, path, query, body):
    participant = query["participant"][0]
    if participant.endswith(NUMBERS["receives"]):
        return json_reply({"version": "1.0", "total-result-count": 1, "matches": [
            {"participantID": {"scheme": "iso6523-actorid-upis",
                               "value": participant.split("::")[1]},
             "entities": [{"name": [{"name": "Brouwerij Voorbeeld NV"}],
                           "countryCode": "BE"}]}]})
    return 200, {}, b""  # the Directory's empty answer


def test_directory_names_within_its_rate_limit(net):
    dns, http = net
    directory = FakeHttp(directory_handler)
    try:
        for key in ("receives", "order"):
            dns.register(f"0208:{NUMBERS[key]}", f"{http.url}/invoice")
        rows = [(2, {"vat_id": NUMBERS["receives"], "vat_country_code": "BE"}),
                (3, {"vat_id": NUMBERS["order"], "vat_country_code": "BE"}),
                (4, {"vat_id": NUMBERS["absent"], "vat_country_code": "BE"})]
        results = check_values(rows, settings=settings(
            dns, directory=True, directory_url=directory.url))
        assert results[0].text.endswith("Peppol Directory: Brouwerij Voorbeeld NV")
        assert "Directory" not in results[1].text  # empty body: no name, still receives
        assert results[1].state == "receives"
        assert results[2].state == "not_found"  # not asked: nothing was found to name
        times = sorted(t for t, *_ in directory.requests)
        assert len(times) == 2
        assert times[1] - times[0] >= 0.45  # at most 2 requests per second
    finally:
        directory.close()


def test_directory_waits_for_its_turn_and_honours_429():
    clock = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        clock[0] += s

    calls = []

    class Http:
        def get(self, url, params, timeout):
            calls.append(clock[0])

            return SimpleNamespace(status_code=429 if len(calls) == 1 else 200,
                                   headers={"Retry-After": "2"}, content=b'{"matches": []}',
                                   json=lambda: {"matches": []})

    d = Directory(Http(), "http://127.0.0.1:9", sleep=sleep, clock=lambda: clock[0])
    assert d.name("0208:0403019261") is None
    assert d.name("0208:0403019261") is None
    assert calls[1] - calls[0] >= 2  # Retry-After honoured
    assert all(b - a >= 0.5 for a, b in itertools.pairwise(calls))


def write_csv(path: Path, rows: list[dict]) -> Path:
    keys = ["title", "last_name", "vat_id", "vat_country_code", "peppol_scheme_id",
            "peppol_endpoint_id"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in keys})
    return path


def test_cli_json_and_fix(net, tmp_path, capsys):
    from numnum_xl.cli import main

    dns, http = net
    dns.register(f"9925:BE{NUMBERS['only9925']}", f"{http.url}/invoice")
    dns.register(f"0208:{NUMBERS['receives']}", f"{http.url}/invoice")
    src = write_csv(tmp_path / "klanten.csv", [
        {"title": "A", "last_name": "A", "vat_id": NUMBERS["receives"], "vat_country_code": "BE"},
        {"title": "B", "last_name": "B", "vat_id": NUMBERS["only9925"], "vat_country_code": "BE",
         "peppol_scheme_id": "0208", "peppol_endpoint_id": NUMBERS["only9925"]},
        {"title": "C", "last_name": "C", "vat_id": NUMBERS["servfail"],
         "vat_country_code": "BE"}])
    dns.fail(f"0208:{NUMBERS['servfail']}")
    net_args = ["--dns", dns.address, "--sml-zone", ZONE]
    assert main(["peppol", str(src), "--json", *net_args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["state"] for r in data["results"]] == ["receives", "only_9925", "unchecked"]
    assert data["summary"]["output"] is None
    out = tmp_path / "uit.xlsx"
    assert main(["peppol", str(src), "--fix", "-o", str(out), *net_args]) == 0
    printed = capsys.readouterr().out
    assert "niet gecontroleerd" in printed
    import openpyxl
    ws = openpyxl.load_workbook(out).active
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "Peppol"
    col = {h: i for i, h in enumerate(headers)}
    row2 = [c.value for c in ws[2]]
    row3 = [c.value for c in ws[3]]
    assert row2[col["Peppol"]].startswith("Peppol: ontvangt facturen via 0208:")
    assert (row3[col["peppol_scheme_id"]], row3[col["peppol_endpoint_id"]]) == \
        ("9925", NUMBERS["only9925"])
    assert ws.cell(4, col["peppol_endpoint_id"] + 1).comment is not None


def test_validation_stays_offline(monkeypatch):
    """Validating a sheet never resolves or connects: the socket layer is switched off."""
    import socket

    from numnum_xl.table import Table
    from numnum_xl.validate import validate_table

    def no_network(*a, **k):
        raise AssertionError("validation tried the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    t = Table("x.csv", "", "csv", 1, 1, ["title", "last_name", "vat_id", "vat_country_code",
                                          "peppol_scheme_id", "peppol_endpoint_id"],
              [["A", "A", NUMBERS["receives"], "BE", "9925", "BE" + NUMBERS["receives"]],
               ["B", "B", NUMBERS["order"], "BE", "0037", "12345678"]], [2, 3])
    codes = {f.code for f in validate_table(t).findings}
    assert {"scheme.be_9925_only", "scheme.removed"} <= codes


def test_big_list_progress_is_cheap(net):
    """500 rows with 50 distinct customers: each looked up once, progress for every row."""
    dns, http = net
    numbers = [be(f"05{i:06d}") for i in range(50)]
    for num in numbers[::2]:
        dns.register(f"0208:{num}", f"{http.url}/invoice")
    rows = [(i + 2, {"vat_id": numbers[i % 50], "vat_country_code": "BE"}) for i in range(500)]
    calls = []
    t0 = time.process_time()
    results = check_values(rows, settings=settings(dns), progress=lambda d, t: calls.append(t))
    assert len(results) == 500 and len(calls) == 500 and set(calls) == {500}
    assert sum(r.state == "receives" for r in results) == 250
    # 9925 (and the malformed 0208:BE… form) only asked where 0208 does not receive
    assert len(set(dns.queries)) == 25 + 25 * 3
    assert time.process_time() - t0 < 30


def test_fix_without_peppol_columns_says_so(net, tmp_path, capsys):
    from numnum_xl.cli import main

    dns, http = net
    dns.register(f"0208:{NUMBERS['receives']}", f"{http.url}/invoice")
    src = tmp_path / "k.csv"
    src.write_text(f"Naam,Familienaam,BTW nr,BTW land\nA,A,{NUMBERS['receives']},BE\n",
                   encoding="utf-8")
    assert main(["peppol", str(src), "--fix", "--dns", dns.address, "--sml-zone", ZONE]) == 0
    captured = capsys.readouterr()
    assert "--fix kan niets invullen in Peppol Scheme ID, Peppol Endpoint ID" in captured.err
    assert (tmp_path / "k.peppol.xlsx").is_file()


def test_tls_failure_is_its_own_reason(net):
    """An https SMP whose TLS handshake fails (here: a plain-http server spoken to over
    https) is "not checked" with a TLS reason, not "offline"."""
    dns, http = net
    dns.register(f"0208:{NUMBERS['receives']}", http.url.replace("http://", "https://"))
    r = check_values([(2, {"vat_id": NUMBERS["receives"], "vat_country_code": "BE"})],
                     settings=settings(dns))[0]
    assert r.state == "unchecked" and "certificaat of TLS" in r.text
