"""The NumNum API client, against a real sandbox server process on loopback (no mocks).

Settings, tokens, payload mapping (checked against the sandbox's own, independent schema),
paging, retries, 429 handling, timeouts, dropped connections and error messages.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from numnum_xl import client as api
from numnum_xl.catalogue import FIELDS
from numnum_xl.client import (
    Account,
    ApiError,
    AuthError,
    ImportOptions,
    NumNumClient,
    PayloadError,
    RetryPolicy,
)
from numnum_xl.sandbox import FaultConfig, SandboxHandle

NO_FAULTS = FaultConfig().to_dict()
FAST = RetryPolicy(attempts=8, base=0.01, cap=0.05, timeout=(2.0, 5.0))


@pytest.fixture
def conn(sb: SandboxHandle):
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        yield c


def _external_ids(sb: SandboxHandle) -> Counter[str]:
    with sb.faults_disabled(), NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        return Counter(str(x.get("external_id")) for x in c.iter_contacts())


# --- settings, URLs, tokens ------------------------------------------------------------------

def test_api_url_rules() -> None:
    assert api.check_api_url("https://app.numnum.be/api/v1/") == "https://app.numnum.be/api/v1"
    for ok in ("http://127.0.0.1:8765/api/v1", "http://[::1]:8765/api/v1",
               "http://localhost/api/v1"):
        assert api.check_api_url(ok) == ok
    for bad in ("http://app.numnum.be/api/v1", "http://10.0.0.5/api", "ftp://x/y", "numnum.be",
                "https://user:pw@numnum.be/api", "http://127.0.0.1.nip.io/api"):
        with pytest.raises(ValueError):
            api.check_api_url(bad)
    with pytest.raises(ValueError, match="https"):
        NumNumClient("http://numnum.example/api/v1", "t")


def test_settings_roundtrip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "cfg"))
    assert api.settings_path() == tmp_path / "cfg" / "settings.json"
    assert api.load_settings() == api.Settings()  # no file: defaults
    path = api.save_settings(api.Settings("https://x.example/api/v1",
                                          {"as": "beide", "duplicaten": "skip",
                                           "verwijderen": "alles"}, threads=6))
    loaded = api.load_settings()
    assert loaded.api_url == "https://x.example/api/v1" and loaded.threads == 6
    assert "verwijderen" not in path.read_text()  # deleting is never a stored default
    options = loaded.import_options(contactpersonen="nee")
    assert options == ImportOptions("beide", False, "overslaan", "nee")
    path.write_text("{not json")
    assert api.load_settings() == api.Settings()


class _MemoryKeyring:
    """A keyring backend in memory (keyring's own plug-in interface)."""

    def __init__(self) -> None:
        import keyring.backend

        class Backend(keyring.backend.KeyringBackend):
            priority = 1
            def __init__(self) -> None:
                super().__init__()
                self.store: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.store.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.store[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.store.pop((service, username), None)

        self.backend = Backend()


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch):
    keyring = pytest.importorskip("keyring")
    before = keyring.get_keyring()
    mem = _MemoryKeyring().backend
    keyring.set_keyring(mem)
    monkeypatch.delenv("NUMNUM_API_TOKEN", raising=False)
    try:
        yield mem
    finally:
        keyring.set_keyring(before)


def test_token_from_env_then_keyring(memory_keyring, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://app.numnum.be/api/v1"
    assert api.token_for(url) == (None, "")
    api.store_token(url, "from-keyring")
    assert api.token_for(url + "/") == ("from-keyring", "keyring")
    # issue 16: no token "for any URL", and the env token only for NUMNUM_API_URL
    memory_keyring.set_password("numnum-xl", "default", "any-url")
    assert api.token_for("https://other.example/api") == (None, "")
    monkeypatch.setenv("NUMNUM_API_TOKEN", " from-env ")
    assert api.token_for(url) == ("from-keyring", "keyring")
    monkeypatch.setenv("NUMNUM_API_URL", url + "/")
    assert api.token_for(url) == ("from-env", "env")
    assert api.token_for("https://other.example/api") == (None, "")


def test_broken_keyring_means_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = pytest.importorskip("keyring")
    from keyring.backends.fail import Keyring as FailKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    monkeypatch.delenv("NUMNUM_API_TOKEN", raising=False)
    try:
        assert api.token_for("https://x.example/api") == (None, "")
    finally:
        keyring.set_keyring(before)


def test_resolve_account_order(memory_keyring, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMNUM_API_URL", raising=False)
    started: list[int] = []

    def fake_sandbox() -> tuple[str, str]:
        started.append(1)
        return "http://127.0.0.1:9/api/v1/", "sandbox-token"

    none = api.Settings()
    acc = api.resolve_account(settings=none, start_sandbox=fake_sandbox)
    assert (acc.source, acc.destination, acc.base_url) == ("sandbox", "sandbox",
                                                            "http://127.0.0.1:9/api/v1")
    assert acc.is_sandbox and acc.root_url == "http://127.0.0.1:9"
    assert "sandbox-token" not in repr(acc)
    with pytest.raises(api.AccountError, match="NUMNUM_API_TOKEN") as err:
        api.resolve_account(settings=api.Settings("https://s.example/api"),
                            start_sandbox=fake_sandbox)
    assert "keyring set numnum-xl https://s.example/api" in str(err.value)
    api.store_token("https://s.example/api", "tok-s")
    api.store_token("https://e.example/api", "tok-e")
    api.store_token("https://a.example/api", "tok-a")
    settings = api.Settings("https://s.example/api")
    assert api.resolve_account(settings=settings).source == "settings"
    monkeypatch.setenv("NUMNUM_API_URL", "https://e.example/api")
    acc = api.resolve_account(settings=settings)
    assert (acc.source, acc.base_url, acc.token) == ("env", "https://e.example/api", "tok-e")
    acc = api.resolve_account("https://a.example/api", settings=settings)
    assert (acc.source, acc.token) == ("argument", "tok-a")
    acc = api.resolve_account("https://a.example/api", sandbox=True, settings=settings,
                              start_sandbox=fake_sandbox)
    assert acc.is_sandbox and len(started) == 2
    with pytest.raises(api.AccountError, match="https"):
        api.resolve_account("http://a.example/api", settings=settings)


# --- payloads --------------------------------------------------------------------------------

def test_payload_fields_come_from_the_catalogue() -> None:
    keys = {f.key for f in FIELDS}
    assert set(api.PAYLOAD_KEYS) == keys - {"company_type", *api.PERSON_KEYS}
    from numnum_xl.sandbox.schema import WRITABLE_FIELDS

    assert set(api.CONTACT_COLUMNS) == {"id", *WRITABLE_FIELDS, "created_at", "updated_at"}


def test_payloads_pass_the_sandbox_schema() -> None:
    """Every valid demo row becomes a payload that the sandbox's independent schema accepts."""
    from numnum_xl.demo import customers
    from numnum_xl.sandbox.schema import check_required, new_contact_values, validate_fields
    from numnum_xl.table import Table
    from numnum_xl.validate import validate_table

    rows, _ = customers(300, seed=11, fault_rate=0.0)
    keys = [f.key for f in FIELDS]
    table = Table("x.csv", "", "csv", 1, 1, keys, [[r.get(k) for k in keys] for r in rows],
                  list(range(2, 302)))
    report = validate_table(table)
    bad = report.rows_with_errors()
    kinds: Counter[str] = Counter()
    for row, values in zip(table.row_numbers, report.values, strict=True):
        if row in bad:
            continue
        for options in (ImportOptions(), ImportOptions("beide", False)):
            payload = api.build_payload(values, options, import_batch="b")
            normalised, errors = validate_fields(payload)
            assert not errors and not check_required(new_contact_values(normalised)), payload
            kinds[payload["company_type"]] += 1
            update = api.update_payload(values, {"contact_persons": []}, options)
            assert not validate_fields(update)[1]
    assert kinds["bedrijf"] and kinds["particulier"]


def test_payload_types_and_edge_cases() -> None:
    opts = ImportOptions("leverancier", True)
    p = api.build_payload({"title": "X", "last_name": "Y", "company_type": "vzw",
                           "vat_percentage": 6.0, "payment_term": "14", "sort_order": 3.0,
                           "vat_shifted": "YES", "auto_reminder": "no", "address_zip": 9000,
                           "contactperson_last_name": "Peeters"}, opts, import_batch="b")
    assert p["type"] == "vzw" and p["company_type"] == "bedrijf"
    assert (p["vat_percentage"], p["payment_term"], p["sort_order"]) == (6, 14, 3)
    assert (p["vat_shifted"], p["auto_reminder"]) == (True, False)
    assert p["address_zip"] == "9000" and (p["is_customer"], p["is_supplier"]) == (False, True)
    assert p["contact_persons"] == [{"first_name": None, "last_name": "Peeters"}]
    assert "email" not in p  # empty cells are not sent
    company = api.build_payload({"title": "Acme", "last_name": "Y", "vat_id": "0403019261"},
                                opts, import_batch="b")
    assert company["company_type"] == "bedrijf" and "type" not in company
    with pytest.raises(PayloadError) as err:
        api.build_payload({"title": "An Peeters", "last_name": "Peeters"}, opts,
                          import_batch="b")
    assert err.value.key == "first_name" and "voornaam" in err.value.message("nl")
    assert "first name" in err.value.message("en")
    with pytest.raises(PayloadError, match="geheel getal"):
        api.build_payload({"title": "A", "last_name": "B", "first_name": "C",
                           "sort_order": 1.5}, opts, import_batch="b")
    no_persons = api.build_payload({"title": "A", "last_name": "B", "first_name": "C",
                                    "contactperson_first_name": "D"},
                                   ImportOptions(contact_persons=False), import_batch="b")
    assert "contact_persons" not in no_persons


def test_idempotency_key_identity(tmp_path: Path) -> None:
    book = tmp_path / "klanten.xlsx"
    book.write_bytes(b"x")
    ident = api.workbook_identity(book)
    assert ident == api.workbook_identity(tmp_path / "." / "klanten.xlsx")
    book.write_bytes(b"re-saved by Excel")  # content and mtime change, the identity does not
    assert api.workbook_identity(book) == ident
    fp = api.row_fingerprint({"title": "A"})
    k = api.idempotency_key(ident, "Klanten", 2, fp, "b1")
    assert k == api.idempotency_key(ident, "Klanten", 2, fp, "b1")
    others = {api.idempotency_key(ident, "Blad2", 2, fp, "b1"),
              api.idempotency_key(ident, "Klanten", 3, fp, "b1"),
              api.idempotency_key(ident, "Klanten", 2, api.row_fingerprint({"title": "B"}),
                                  "b1"),
              api.idempotency_key(ident, "Klanten", 2, fp, "b2"),
              api.idempotency_key(ident + "x", "Klanten", 2, fp, "b1")}
    assert k not in others and len(others) == 5


# --- transport, against a real server --------------------------------------------------------

def test_paging_100_per_page(sb: SandboxHandle, conn: NumNumClient) -> None:
    for n in range(230):
        conn.create_contact({"title": f"C{n}", "external_id": f"E{n}"}, f"k{n}")
    sb.reset_stats()
    contacts = conn.list_contacts()
    assert [c["external_id"] for c in contacts] == [f"E{n}" for n in range(230)]
    assert sb.stats()["requests"]["by_method"] == {"GET": 3}
    assert [c["title"] for c in conn.list_contacts(external_id="E7")] == ["C7"]


def test_wrong_token_is_one_request(sb: SandboxHandle) -> None:
    sb.reset_stats()
    with NumNumClient(sb.base_url, "wrong-token", policy=FAST) as c, \
            pytest.raises(AuthError) as err:
        c.list_contacts()
    assert "403" in err.value.message("nl") and "token" in err.value.message("en")
    assert sb.stats()["requests"]["total"] == 1


def test_server_errors_are_retried_then_reported(sb: SandboxHandle,
                                                 conn: NumNumClient) -> None:
    sb.set_faults(fail_rate=1.0, fail_statuses=[500, 502, 503, 504], methods=["POST"])
    sb.reset_stats()
    with pytest.raises(ApiError) as err:
        conn.create_contact({"title": "A"}, "key-a")
    assert err.value.kind == "server" and err.value.retryable
    assert "8 pogingen" in err.value.message("nl")
    assert sb.stats()["requests"]["by_method"] == {"POST": FAST.attempts}
    sb.set_faults(fail_rate=0.6, seed=3)
    created = [conn.create_contact({"title": f"B{n}", "external_id": f"B{n}"}, f"key-b{n}")
               for n in range(10)]
    assert len({c.contact["id"] for c in created}) == 10
    assert _external_ids(sb) == Counter(f"B{n}" for n in range(10))


def test_406_is_not_retried_and_speaks_dutch(sb: SandboxHandle, conn: NumNumClient) -> None:
    sb.reset_stats()
    with pytest.raises(ApiError) as err:
        conn.create_contact({"title": "A", "vat_percentage": 7}, "key-406")
    e = err.value
    assert (e.kind, e.status, e.retryable) == ("invalid", 406, False)
    assert "vat_percentage" in e.field_errors
    assert e.message("nl").startswith("NumNum weigerde deze klant: Btw-percentage:")
    assert e.message("fr").startswith("NumNum a refusé ce client : Taux de TVA")
    assert sb.stats()["requests"]["total"] == 1


def test_429_waits_for_retry_after(sb: SandboxHandle, conn: NumNumClient) -> None:
    sb.set_faults(throttle_rate=1.0, retry_after=1, methods=["GET"])
    start = time.monotonic()
    sb.reset_stats()

    def later() -> None:
        time.sleep(0.3)
        sb.set_faults(throttle_rate=0.0)

    import threading

    t = threading.Thread(target=later)
    t.start()
    assert conn.list_contacts() == []
    t.join()
    elapsed = time.monotonic() - start
    by_status = sb.stats()["requests"]["by_status"]
    assert by_status.get("429", 0) >= 1 and by_status["200"] == 1
    assert elapsed >= 0.95  # waited the Retry-After second, not the short backoff
    assert conn.stats["rate_limited"] == by_status["429"]


def test_rate_limit_is_shared_by_threads(sb: SandboxHandle) -> None:
    from concurrent.futures import ThreadPoolExecutor

    sb.set_faults(rate_limit=40)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c, \
            ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: c.create_contact({"title": f"R{n}",
                                                            "external_id": f"R{n}"},
                                                           f"rate-{n}"), range(60)))
    assert len(results) == 60
    assert _external_ids(sb) == Counter(f"R{n}" for n in range(60))


def test_drop_after_write_never_duplicates(sb: SandboxHandle, conn: NumNumClient) -> None:
    sb.set_faults(drop_after_rate=1.0, methods=["POST"])
    with pytest.raises(ApiError) as err:  # every answer is lost: the client gives up...
        conn.create_contact({"title": "A", "external_id": "DROP"}, "key-drop")
    assert err.value.kind == "transport" and "verbinding" in err.value.message("nl")
    assert _external_ids(sb) == Counter({"DROP": 1})  # ...but NumNum made one contact
    sb.set_faults(drop_after_rate=0.0)
    again = conn.create_contact({"title": "A", "external_id": "DROP"}, "key-drop")
    assert again.replayed and _external_ids(sb) == Counter({"DROP": 1})


def test_read_timeouts_retry_with_the_same_key(sb: SandboxHandle) -> None:
    """The server writes after the client gave up waiting: the retry must not add a second."""
    sb.set_faults(latency_jitter_ms=120, seed=5)
    policy = RetryPolicy(attempts=30, base=0.005, cap=0.02, timeout=(2.0, 0.06))
    with NumNumClient(sb.base_url, sb.token, policy=policy) as c:
        for n in range(15):
            c.create_contact({"title": f"T{n}", "external_id": f"T{n}"}, f"key-t{n}")
        assert c.stats["retries"] > 0
    time.sleep(0.2)  # requests the client gave up on finish on the server
    assert _external_ids(sb) == Counter(f"T{n}" for n in range(15))


def test_connection_refused(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    policy = RetryPolicy(attempts=2, base=0.01, cap=0.01, timeout=(0.5, 0.5))
    with NumNumClient(f"http://127.0.0.1:{port}/api/v1", "t", policy=policy) as c, \
            pytest.raises(ApiError) as err:
        c.list_contacts()
    assert err.value.kind == "transport" and "geweigerd" in err.value.message("nl")


def test_token_never_shown(sb: SandboxHandle) -> None:
    secret = sb.token
    with NumNumClient(sb.base_url, secret, policy=FAST) as c:
        assert secret not in repr(c) and secret not in repr(c._session().auth)
        echoed = c._error(406, ('{"exception": "bad token ' + secret + '", "errors": '
                                '{"title": ["' + secret + '"]}}').encode(), None)
        assert secret not in echoed.message("nl") and secret not in str(echoed)
        assert "***" in echoed.message("en")
    acc = Account(sb.base_url, secret, "argument", sb.base_url)
    assert secret not in repr(acc) and secret not in str(acc)
