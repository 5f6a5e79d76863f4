"""The sandbox server, tested over HTTP against a real server process on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests

from numnum_xl.sandbox import (
    FaultConfig,
    SandboxHandle,
    ensure_default_sandbox,
    run_in_background,
    stop_default_sandbox,
)
from numnum_xl.sandbox.process import probe
from numnum_xl.sandbox.schema import LEGAL_FORM_TYPES, SAMPLE_FIELDS

ROOT = Path(__file__).resolve().parent.parent
NO_FAULTS = FaultConfig().to_dict()

FULL_CONTACT = {
    "title": "Bakkerij Janssens", "last_name": "Janssens", "first_name": "Jan",
    "company_type": "bedrijf", "type": "bv", "vat_id": "0123456749", "vat_country_code": "BE",
    "address": "Kerkstraat 1", "address_zip": "2000", "address_city": "Antwerpen",
    "address_country": "BE", "email": "jan@bakkerij.be", "telephone": "+3232123456",
    "cellphone": "+32470123456", "fax": "+3232123457", "website": "https://bakkerij.be",
    "iban_country_code": "BE", "iban": "BE68539007547034", "bic": "GKCCBEBB",
    "doc_language": "nl", "vat_percentage": 21, "vat_shifted": False, "payment_term": 30,
    "auto_reminder": True, "peppol_scheme_id": "0208", "peppol_endpoint_id": "0123456749",
    "identification_scheme_id": "0208", "identification_id": "0123456749",
    "private_notes": "vaste klant", "external_id": "K-001", "sort_order": 3,
    "is_customer": True, "is_supplier": False,
    "contact_persons": [{"first_name": "An", "last_name": "Peeters"}],
    "import_batch": "batch-1",
}


def _session(token: str | None) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # never send loopback traffic through a proxy from the environment
    if token:
        s.headers["Authorization"] = f"Bearer {token}"
    return s


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("sandbox") / "contacts.sqlite3"
    with run_in_background(db) as handle:
        yield handle
    assert handle.process is not None and handle.process.poll() is not None


@pytest.fixture
def sb(server: SandboxHandle) -> SandboxHandle:
    """The shared server, emptied and without faults."""
    assert server.clear_faults() == NO_FAULTS
    server.reset()
    return server


@pytest.fixture
def api(sb: SandboxHandle) -> requests.Session:
    with _session(sb.token) as s:
        yield s


def _post(api: requests.Session, sb: SandboxHandle, body: dict, key: str | None = None,
          **kw) -> requests.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(f"{sb.base_url}/contacts", json=body, headers=headers, **kw)


# --- auth and basics -------------------------------------------------------------------------
def test_auth_403_and_health(sb: SandboxHandle) -> None:
    with _session(None) as anon, _session("wrong") as wrong:
        for s in (anon, wrong):
            r = s.get(f"{sb.base_url}/contacts")
            assert r.status_code == 403 and "exception" in r.json()
            assert s.get(f"{sb.root_url}/_sandbox/stats").status_code == 403
            assert s.post(f"{sb.root_url}/_sandbox/faults", json={}).status_code == 403
        r = anon.get(f"{sb.root_url}/_sandbox/health")
        assert r.status_code == 200 and r.json()["service"] == "numnum-xl-sandbox"
        r = anon.get(f"{sb.base_url}/contacts", headers={"Authorization": sb.token})
        assert r.status_code == 403  # the Bearer scheme is required
    assert sb.token not in repr(sb)


def test_crud_cycle(sb: SandboxHandle, api: requests.Session) -> None:
    r = _post(api, sb, FULL_CONTACT)
    assert r.status_code == 201
    created = r.json()
    assert isinstance(created["id"], str) and created["id"]
    assert {k: created[k] for k in FULL_CONTACT} == FULL_CONTACT
    stamp = datetime.fromisoformat(created["created_at"])
    assert stamp.tzinfo is not None and created["updated_at"] == created["created_at"]
    url = f"{sb.base_url}/contacts/{created['id']}"
    assert api.get(url).json() == created

    r = api.put(url, json={"title": "Bakkerij Janssens NV", "type": "nv", "email": None,
                           "contact_persons": [], "id": created["id"]})
    assert r.status_code == 200
    updated = r.json()
    assert (updated["title"], updated["type"], updated["email"]) == (
        "Bakkerij Janssens NV", "nv", None)
    assert updated["contact_persons"] == [] and updated["iban"] == FULL_CONTACT["iban"]
    assert updated["created_at"] == created["created_at"]
    assert updated["updated_at"] >= created["updated_at"]
    assert api.get(url).json() == updated

    r = api.delete(url)
    assert r.status_code == 204 and r.content == b""
    for method in ("get", "put", "delete"):
        r = getattr(api, method)(url, json={"title": "x"} if method == "put" else None)
        assert r.status_code == 404 and "exception" in r.json()
    assert api.get(f"{sb.base_url}/nowhere").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"company_type": "bedrijf", "last_name": "X"}, "title"),
    ({"title": ""}, "title"),
    ({"company_type": "particulier", "first_name": "An"}, "last_name"),
    ({"company_type": "particulier", "last_name": "Peeters"}, "first_name"),
    ({"title": "A", "company_type": "BV"}, "company_type"),
    ({"title": "A", "type": "BV"}, "type"),
    ({"title": "A", "vat_country_code": "be"}, "vat_country_code"),
    ({"title": "A", "vat_country_code": "BEL"}, "vat_country_code"),
    ({"title": "A", "doc_language": "es"}, "doc_language"),
    ({"title": "A", "vat_percentage": 7}, "vat_percentage"),
    ({"title": "A", "vat_shifted": "ja"}, "vat_shifted"),
    ({"title": "A", "is_customer": 1}, "is_customer"),
    ({"title": "A", "payment_term": "30"}, "payment_term"),
    ({"title": "A", "sort_order": 1.5}, "sort_order"),
    ({"title": "A", "address_zip": 2000}, "address_zip"),
    ({"title": "A", "contactperson_first_name": "An"}, "contactperson_first_name"),
    ({"title": "A", "contact_persons": [{"first_name": "An", "age": 3}]}, "contact_persons"),
    ({"title": "A", "contact_persons": "An Peeters"}, "contact_persons"),
    (["not", "an", "object"], "body"),
])
def test_validation_406(sb: SandboxHandle, api: requests.Session, body, field: str) -> None:
    r = api.post(f"{sb.base_url}/contacts", json=body)
    assert r.status_code == 406, r.text
    data = r.json()
    assert data["exception"] and field in data["errors"]
    assert all(isinstance(m, str) for m in data["errors"][field])


def test_validation_accepts_person_and_every_legal_form(sb: SandboxHandle,
                                                        api: requests.Session) -> None:
    person = {"company_type": "particulier", "first_name": "An", "last_name": "Peeters",
              "type": "natuurlijk-persoon", "vat_percentage": "6"}
    r = _post(api, sb, person)
    assert r.status_code == 201 and r.json()["vat_percentage"] == 6
    for legal_form in LEGAL_FORM_TYPES:
        assert _post(api, sb, {"title": legal_form, "type": legal_form}).status_code == 201
    r = api.post(f"{sb.base_url}/contacts", data=b"{not json",
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 406 and "exception" in r.json()


def test_put_validation(sb: SandboxHandle, api: requests.Session) -> None:
    created = _post(api, sb, {"title": "Acme"}).json()
    url = f"{sb.base_url}/contacts/{created['id']}"
    for body, field in (({"title": ""}, "title"), ({"colour": "red"}, "colour"),
                        ({"company_type": "particulier"}, "first_name"),
                        ({"id": "someone-else"}, "id")):
        r = api.put(url, json=body)
        assert r.status_code == 406 and field in r.json()["errors"], (body, r.text)
    assert api.get(url).json() == created


def test_keep_alive_requests_are_fast(sb: SandboxHandle, api: requests.Session) -> None:
    # regression: without TCP_NODELAY each keep-alive request waited ~40 ms (delayed ACK)
    start = time.monotonic()
    for _ in range(40):
        assert api.get(f"{sb.base_url}/contacts").status_code == 200
    assert time.monotonic() - start < 1.2


# --- listing -------------------------------------------------------------------------------
def test_paging_total_and_per_page_cap(sb: SandboxHandle, api: requests.Session) -> None:
    ids = [_post(api, sb, {"title": f"C{n:03}"}).json()["id"] for n in range(105)]
    r = api.get(f"{sb.base_url}/contacts", params={"page": 2, "per_page": 10})
    body = r.json()
    assert r.status_code == 200
    assert body["meta"] == {"page": 2, "per_page": 10, "total": 105}
    assert [c["id"] for c in body["data"]] == ids[10:20]  # oldest first, newest last
    body = api.get(f"{sb.base_url}/contacts", params={"per_page": 500}).json()
    assert body["meta"]["per_page"] == 100 and len(body["data"]) == 100
    body = api.get(f"{sb.base_url}/contacts", params={"page": 2, "per_page": 100}).json()
    assert [c["id"] for c in body["data"]] == ids[100:]
    assert api.get(f"{sb.base_url}/contacts", params={"page": 9, "per_page": 100}).json() == {
        "data": [], "meta": {"page": 9, "per_page": 100, "total": 105}}
    assert api.get(f"{sb.base_url}/contacts").json()["meta"]["per_page"] == 25
    for params in ({"page": 0}, {"per_page": "ten"}, {"sort": "title"}):
        r = api.get(f"{sb.base_url}/contacts", params=params)
        assert r.status_code == 406 and r.json()["errors"], params


def test_filters(sb: SandboxHandle, api: requests.Session) -> None:
    rows = [
        {"title": "A", "external_id": "K1", "vat_id": "0123456749", "email": "a@x.be"},
        {"title": "B", "external_id": "K2", "vat_id": "0123456749", "email": "b@x.be"},
        {"title": "C", "external_id": "K3", "vat_id": "0999999999", "email": "a@x.be"},
        {"title": "D", "external_id": "k1"},
    ]
    for row in rows:
        assert _post(api, sb, row).status_code == 201

    def titles(**params: object) -> tuple[list[str], int]:
        body = api.get(f"{sb.base_url}/contacts", params=params).json()
        return [c["title"] for c in body["data"]], body["meta"]["total"]

    assert titles(external_id="K1") == (["A"], 1)  # exact and case-sensitive
    assert titles(vat_id="0123456749") == (["A", "B"], 2)
    assert titles(email="a@x.be") == (["A", "C"], 2)
    assert titles(email="a@x.be", vat_id="0123456749") == (["A"], 1)
    assert titles(vat_id="0123456749", per_page=1, page=2) == (["B"], 2)
    assert titles(email="nobody@x.be") == ([], 0)


# --- idempotency ---------------------------------------------------------------------------
def test_idempotent_post_sequential(sb: SandboxHandle, api: requests.Session) -> None:
    first = _post(api, sb, {"title": "Acme"}, key="row-1")
    again = _post(api, sb, {"title": "Acme"}, key="row-1")
    assert first.status_code == 201 and again.status_code in (200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = _post(api, sb, {"title": "Acme"}, key="row-2")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    # a key whose first request was refused was not used up
    assert _post(api, sb, {"title": ""}, key="row-3").status_code == 406
    assert _post(api, sb, {"title": "Fixed"}, key="row-3").status_code == 201
    assert sb.stats()["contacts"] == 3


def test_idempotent_post_concurrent(sb: SandboxHandle) -> None:
    threads_per_key, keys = 8, ["race-a", "race-b", "race-c"]
    barrier = threading.Barrier(threads_per_key * len(keys))
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def worker(key: str) -> None:
        with _session(sb.token) as s:
            barrier.wait()
            r = s.post(f"{sb.base_url}/contacts", json={"title": key},
                       headers={"Idempotency-Key": key})
            with lock:
                results.append((key, r.status_code, r.json()["id"]))

    threads = [threading.Thread(target=worker, args=(k,)) for k in keys
               for _ in range(threads_per_key)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == len(threads)
    for key in keys:
        mine = [r for r in results if r[0] == key]
        assert len({r[2] for r in mine}) == 1, mine
        assert sorted(r[1] for r in mine) == [200] * (threads_per_key - 1) + [201]
    assert sb.stats()["contacts"] == len(keys)


# --- faults --------------------------------------------------------------------------------
def test_rate_limit_429_with_retry_after(sb: SandboxHandle, api: requests.Session) -> None:
    sb.set_faults(rate_limit=2)
    statuses = [api.get(f"{sb.base_url}/contacts") for _ in range(6)]
    limited = [r for r in statuses if r.status_code == 429]
    assert statuses[0].status_code == 200 and limited
    assert all(int(r.headers["Retry-After"]) >= 1 and "exception" in r.json() for r in limited)
    sb.set_faults(rate_limit=None, throttle_rate=1.0, retry_after=2)
    r = _post(api, sb, {"title": "Acme"})
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    sb.set_faults(enabled=False)
    assert sb.stats()["contacts"] == 0  # an injected 429 comes before the write


def test_injected_500_happens_before_the_write(sb: SandboxHandle,
                                               api: requests.Session) -> None:
    sb.set_faults(fail_rate=1.0, fail_statuses=[503])
    r = _post(api, sb, {"title": "Acme"}, key="k-500")
    assert r.status_code == 503 and "exception" in r.json()
    sb.set_faults(enabled=False)
    assert sb.stats()["contacts"] == 0
    assert _post(api, sb, {"title": "Acme"}, key="k-500").status_code == 201


def test_dropped_before_the_write(sb: SandboxHandle, api: requests.Session) -> None:
    sb.set_faults(drop_before_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        _post(api, sb, {"title": "Acme"}, key="k-before", timeout=10)
    sb.set_faults(enabled=False)
    assert sb.stats()["contacts"] == 0


def test_dropped_after_the_write_then_retry(sb: SandboxHandle, api: requests.Session) -> None:
    sb.set_faults(drop_after_rate=1.0, methods=["POST"])
    assert api.get(f"{sb.base_url}/contacts").status_code == 200  # GETs spared
    with pytest.raises(requests.ConnectionError):  # not a 500: the socket closes unanswered
        _post(api, sb, {"title": "Acme"}, key="k-after", timeout=10)
    sb.set_faults(enabled=False)
    stored = api.get(f"{sb.base_url}/contacts").json()
    assert stored["meta"]["total"] == 1  # the contact was stored all the same
    retry = _post(api, sb, {"title": "Acme"}, key="k-after")
    assert retry.status_code in (200, 201)
    assert retry.json()["id"] == stored["data"][0]["id"]
    assert sb.stats()["contacts"] == 1


def test_latency_and_seeded_faults_are_reproducible(sb: SandboxHandle,
                                                    api: requests.Session) -> None:
    sb.set_faults(latency_ms=150)
    start = time.monotonic()
    assert api.get(f"{sb.base_url}/contacts").status_code == 200
    assert time.monotonic() - start >= 0.14

    def run() -> list[int]:
        sb.set_faults(latency_ms=0, fail_rate=0.3, throttle_rate=0.2, seed=7)
        return [api.get(f"{sb.base_url}/contacts").status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second and {200, 429, 500} <= set(first)


def test_stats_count_requests_and_faults(sb: SandboxHandle, api: requests.Session) -> None:
    sb.reset_stats()
    for n in range(3):
        _post(api, sb, {"title": f"A{n}"}, key=f"s{n}")
    _post(api, sb, {"title": "A0"}, key="s0")
    api.get(f"{sb.base_url}/contacts/nope")
    sb.set_faults(fail_rate=1.0)
    api.get(f"{sb.base_url}/contacts")
    sb.set_faults(fail_rate=0.0, drop_before_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        api.delete(f"{sb.base_url}/contacts/nope")
    sb.set_faults(enabled=False)
    stats = sb.stats()
    req = stats["requests"]
    assert req["total"] == 7
    assert req["by_method"] == {"POST": 4, "GET": 2, "DELETE": 1}
    assert req["by_status"] == {"201": 3, "200": 1, "404": 1, "500": 1, "dropped": 1}
    assert req["by_method_status"]["POST"] == {"201": 3, "200": 1}
    assert stats["faults"] == {"total": 2, "error": 1, "drop_before": 1}
    assert stats["operations"] == {"created": 3, "replayed": 1}
    assert stats["contacts"] == 3
    r = api.post(f"{sb.root_url}/_sandbox/faults", json={"fail_rate": 2})
    assert r.status_code == 406
    r = api.post(f"{sb.root_url}/_sandbox/faults", json={"no_such_setting": 1})
    assert r.status_code == 406


def test_token_is_not_logged(sb: SandboxHandle, api: requests.Session) -> None:
    api.get(f"{sb.base_url}/contacts")
    assert sb.log_path is not None
    assert sb.token not in sb.log_path.read_text(encoding="utf-8")


# --- processes -----------------------------------------------------------------------------
def test_loopback_only() -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com", "::"):
        with pytest.raises(ValueError, match="loopback"):
            run_in_background(None, "t", host=host)
    proc = subprocess.run(
        [sys.executable, "-m", "numnum_xl.sandbox", "--host", "0.0.0.0", "--port", "0",
         "--db", ":memory:", "--token", "t"],
        capture_output=True, text=True, timeout=30, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert "loopback" in proc.stderr and "Traceback" not in proc.stderr


def test_ipv6_loopback_and_file_faults() -> None:
    try:
        handle = run_in_background(None, port=0, host="::1",
                                   faults={"fail_rate": 1.0, "methods": ["POST"]})
    except Exception as exc:  # a machine without IPv6
        pytest.skip(f"no IPv6 loopback: {exc}")
    with handle, _session(handle.token) as s:
        assert handle.base_url.startswith("http://[::1]:")
        assert s.get(f"{handle.base_url}/contacts").status_code == 200
        assert s.post(f"{handle.base_url}/contacts", json={"title": "A"}).status_code == 500


def test_server_dies_with_its_parent(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from numnum_xl.sandbox import run_in_background\n"
        "h = run_in_background(None)\n"
        "print(h.pid, h.root_url, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        pid_text, root_url = parent.stdout.readline().split()
        assert probe(root_url, pid=int(pid_text)) == "ok"
        os.kill(parent.pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while probe(root_url, pid=int(pid_text), timeout=0.5) == "ok":
            assert time.monotonic() < deadline, "the sandbox outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.stdout.close()


def test_ensure_default_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMNUM_SANDBOX_TOKEN", raising=False)
    data = tmp_path / "data"
    try:
        base_url, token = ensure_default_sandbox(data)
        token_file = data / "sandbox-token"
        assert token_file.read_text().strip() == token
        if os.name == "posix":
            assert token_file.stat().st_mode & 0o777 == 0o600
        state = json.loads((data / "sandbox.json").read_text())
        assert state["base_url"] == base_url and Path(state["db"]) == (
            data / "sandbox.sqlite3").resolve()
        with _session(token) as s:
            r = s.post(f"{base_url}/contacts", json={"title": "Acme"})
            assert r.status_code == 201
        assert ensure_default_sandbox(data) == (base_url, token)  # found, not restarted
        assert json.loads((data / "sandbox.json").read_text())["pid"] == state["pid"]
    finally:
        stopped = stop_default_sandbox(data)
    assert stopped and not (data / "sandbox.json").exists()
    assert not stop_default_sandbox(data)


def test_cli_registration_and_light_imports() -> None:
    import argparse

    from numnum_xl.commands import sandbox as command

    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sandbox", "--port", "0", "--fail-rate", "0.1",
                              "--rate-limit", "5/s", "--drop-rate", "0.05", "--seed", "3"])
    assert args.func is command.run
    settings = command._fault_settings(args)
    config = FaultConfig.from_dict(settings)
    assert (config.fail_rate, config.rate_limit, config.drop_before_rate, config.seed) == (
        0.1, 5.0, 0.025, 3)
    code = ("import sys, numnum_xl.sandbox, numnum_xl.commands.sandbox\n"
            "assert not {'fastapi', 'uvicorn'} & set(sys.modules), 'heavy import'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=30,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_contract_matches_the_catalogue() -> None:
    from numnum_xl.catalogue import KEYS, LEGAL_FORMS

    person_fields = {"contactperson_first_name", "contactperson_last_name"}
    assert [k for k in KEYS if k not in person_fields] == list(SAMPLE_FIELDS)
    assert {lf.api_type for lf in LEGAL_FORMS} <= set(LEGAL_FORM_TYPES)
