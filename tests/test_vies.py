"""The VIES check against a VIES REST API on loopback, written from its Swagger
(``swagger_publicVAT.yaml``): check-status, check-vat-number, errorWrappers, userError, empty
bodies, 429s, outages, per-member-state concurrency, the per-day cache and Greece as EL.
A VIES outage or a dropped connection is "niet gecontroleerd", never "ongeldig".
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict

import pytest
from stdnum.gr import vat as gr_vat

from numnum_xl.vies import ViesSettings, check_values
from tests.online_fakes import FakeHttp, closed_port, json_reply


def be(n8: str) -> str:
    return f"{n8}{97 - int(n8) % 97:02d}"


def greek() -> str:
    for n in range(10_000_000, 10_001_000):
        for d in "0123456789":
            if gr_vat.is_valid(f"{n}{d}"):
                return f"{n}{d}"
    raise AssertionError


VALID = be("04030192")
INVALID = be("04110001")
BUSY_TWICE = be("04120002")
ALWAYS_BUSY = be("04130003")
THROTTLED = be("04140004")
EMPTY = be("04150005")
BAD_INPUT = be("04160006")
DROPPED = be("04170007")
OTHER_NAME = be("04180008")
USER_ERROR = be("04190009")
MOVED = be("04200000")
GR = greek()


class Vies:
    """The fake VIES: behaviour per number, counts per number, concurrency per country."""

    def __init__(self, status=None) -> None:
        self.status = status or {"vow": {"available": True}, "countries": [
            {"countryCode": "BE", "availability": "Available"},
            {"countryCode": "EL", "availability": "Available"},
            {"countryCode": "DE", "availability": "Unavailable"}]}
        self.posts: Counter[str] = Counter()
        self.bodies: list[dict] = []
        self.inflight: Counter[str] = Counter()
        self.peak: defaultdict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.delay = 0.0
        self.http = FakeHttp(self.handle)

    def handle(self, method, path, query, body):
        if path.endswith("/check-status"):
            if isinstance(self.status, tuple):
                return self.status
            return json_reply(self.status)
        assert path.endswith("/check-vat-number") and method == "POST"
        cc, number = body["countryCode"], body["vatNumber"]
        with self.lock:
            self.posts[number] += 1
            self.bodies.append(body)
            self.inflight[cc] += 1
            self.peak[cc] = max(self.peak[cc], self.inflight[cc])
            n = self.posts[number]
        try:
            time.sleep(self.delay)
            return self.answer(cc, number, n, body)
        finally:
            with self.lock:
                self.inflight[cc] -= 1

    def answer(self, cc, number, n, body):
        ok = {"countryCode": cc, "vatNumber": number, "requestDate": "2026-11-30T10:15:00.000Z",
              "valid": True, "name": "BROUWERIJ VOORBEELD NV",
              "address": "Grote Markt 1\n1000 Brussel", "requestIdentifier": ""}
        if body.get("requesterNumber"):
            if body["requesterNumber"] == "0000000097":
                return json_reply({"actionSucceed": False, "errorWrappers": [
                    {"error": "INVALID_REQUESTER_INFO"}]}, 400)
            ok["requestIdentifier"] = "WAPIAAAAZ_test01"
        if number == INVALID:
            return json_reply({**ok, "valid": False, "name": "---", "address": "---"})
        if number == BUSY_TWICE and n <= 2:
            return json_reply({"actionSucceed": False, "errorWrappers": [
                {"error": "MS_MAX_CONCURRENT_REQ", "message": "busy"}]}, 500)
        if number == ALWAYS_BUSY:
            return json_reply({"actionSucceed": False, "errorWrappers": [
                {"error": "SERVICE_UNAVAILABLE"}]}, 500)
        if number == THROTTLED and n == 1:
            return 429, {"Retry-After": "0"}, b""
        if number == EMPTY:
            return 200, {}, b""
        if number == BAD_INPUT:
            return json_reply({"actionSucceed": False, "errorWrappers": [
                {"error": "INVALID_INPUT"}]}, 400)
        if number == DROPPED:
            return 0, {}, b""
        if number == OTHER_NAME:
            return json_reply({**ok, "name": "JANSSENS BOUWWERKEN BV",
                               "address": "Marktplein 5\n3500 Hasselt"})
        if number == USER_ERROR and n == 1:
            return json_reply({**ok, "valid": False, "userError": "MS_MAX_CONCURRENT_REQ"})
        return json_reply(ok)

    def close(self):
        self.http.close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture()
def vies():
    v = Vies()
    yield v
    v.close()


def settings(v: Vies, tmp_path, **kw) -> ViesSettings:
    base = {"url": v.http.url, "cache_dir": tmp_path, "backoff": 0.01, "max_backoff": 0.05,
            "attempts": 4}
    base.update(kw)
    return ViesSettings(**base)


def row(no, number, cc="BE", **extra):
    return (no, {"title": extra.pop("title", "Brouwerij Voorbeeld"), "vat_id": number,
                 "vat_country_code": cc, "address": "Grote Markt 1", "address_zip": "1000",
                 "address_city": "Brussel", **extra})


def test_every_state(vies, tmp_path):
    rows = [row(2, VALID), row(3, INVALID), row(4, BUSY_TWICE), row(5, ALWAYS_BUSY),
            row(6, THROTTLED), row(7, EMPTY), row(8, BAD_INPUT), row(9, DROPPED),
            row(10, OTHER_NAME, title="Garage Peeters", address="Kerkstraat 1",
                address_zip="9000", address_city="Gent"),
            row(11, USER_ERROR), row(12, GR, cc="GR"), row(17, "EL" + GR, cc="EL"),
            row(13, "136695976", cc="DE"),
            row(14, "0123456789"), row(15, None), row(16, "123456789", cc="US")]
    done = []
    results = check_values(rows, settings=settings(vies, tmp_path),
                           progress=lambda d, t: done.append((d, t)))
    by = {r.row: r for r in results}
    assert (by[2].state, by[2].severity) == ("valid", "ok")
    assert by[2].text == "VIES: geldig op 2026-11-30"
    assert (by[3].state, by[3].severity) == ("invalid", "error")
    assert by[3].text.startswith("VIES: ongeldig op 2026-11-30")
    assert by[4].state == "valid" and vies.posts[BUSY_TWICE] == 3  # retried after backoff
    assert by[5].state == "unchecked" and "overbelast (SERVICE_UNAVAILABLE)" in by[5].text
    assert vies.posts[ALWAYS_BUSY] == 4  # gave up after the attempts
    assert by[6].state == "valid" and vies.posts[THROTTLED] == 2  # 429 retried
    assert by[7].state == "unchecked" and "leeg antwoord" in by[7].text
    assert (by[8].state, by[8].severity) == ("invalid", "error")
    assert "INVALID_INPUT" in by[8].text
    assert by[9].state == "unchecked" and "geen verbinding" in by[9].text
    assert (by[10].state, by[10].severity) == ("valid", "warning")
    assert "JANSSENS BOUWWERKEN BV" in by[10].text and "3500 Hasselt" in by[10].text
    assert by[11].state == "valid" and vies.posts[USER_ERROR] == 2  # userError is no "invalid"
    assert by[12].state == by[17].state == "valid"
    assert {"countryCode": "EL", "vatNumber": GR} in vies.bodies  # Greece is EL
    assert by[13].state == "unchecked" and "Duitsland" in by[13].text  # DE unavailable
    assert vies.posts["136695976"] == 0
    assert by[14].state == "unchecked" and "zonder internet ongeldig" in by[14].text
    assert by[15].state == "unchecked" and "geen btw-nummer" in by[15].text
    assert by[16].state == "unchecked" and "niet in VIES" in by[16].text
    # no failure is ever reported as invalid
    for r in results:
        if r.row in (5, 7, 9, 13, 14, 15, 16):
            assert "ongeldig" not in r.text.replace("zonder internet ongeldig", "")
    assert done[-1] == (len(rows), len(rows))


def test_consultation_number_with_own_vat(vies, tmp_path):
    s = settings(vies, tmp_path, requester="BE 0403.019.261")
    r = check_values([row(2, VALID)], settings=s, lang="en")[0]
    assert r.text == "VIES: valid on 2026-11-30, consultation number WAPIAAAAZ_test01"
    assert vies.bodies[0]["requesterMemberStateCode"] == "BE"
    assert vies.bodies[0]["requesterNumber"] == "0403019261"
    bad = check_values([row(2, INVALID)], settings=settings(
        vies, tmp_path, requester="BE0000000097", cache=False))[0]
    assert bad.state == "unchecked" and "eigen btw-nummer" in bad.text


def test_outage_is_never_invalid(tmp_path):
    for status in ((503, {}, b"<html>down</html>"), (200, {}, b"")):
        v = Vies(status=status)
        try:
            results = check_values([row(2, VALID), row(3, INVALID)],
                                   settings=settings(v, tmp_path, cache=False))
            assert [r.state for r in results] == ["unchecked", "unchecked"]
            assert not v.posts  # check-status first: nothing more asked
        finally:
            v.close()
    v = Vies(status={"vow": {"available": False}, "countries": []})
    try:
        results = check_values([row(2, VALID)], settings=settings(v, tmp_path, cache=False))
        assert results[0].state == "unchecked" and "VIES is niet beschikbaar" in results[0].text
        assert not v.posts
    finally:
        v.close()
    dead = ViesSettings(url=f"http://127.0.0.1:{closed_port()}", cache=False)
    results = check_values([row(2, VALID)], settings=dead)
    assert results[0].state == "unchecked" and "geen verbinding" in results[0].text


def test_per_country_concurrency(vies, tmp_path):
    vies.delay = 0.15
    numbers = [be(f"06{i:06d}") for i in range(8)]
    s = settings(vies, tmp_path, per_country=2, workers=6, cache=False)
    results = check_values([row(i + 2, n) for i, n in enumerate(numbers)], settings=s)
    assert all(r.state == "valid" for r in results)
    assert vies.peak["BE"] == 2


def test_cache_per_number_per_day(vies, tmp_path):
    rows = [row(2, VALID), row(3, INVALID), row(4, ALWAYS_BUSY)]
    check_values(rows, settings=settings(vies, tmp_path))
    asked = sum(vies.posts.values())
    again = check_values([*rows, row(5, THROTTLED)], settings=settings(vies, tmp_path))
    # only the new number and the one VIES could not answer are asked again
    assert sum(vies.posts.values()) - asked == 4 + 2
    assert again[0].details["cached"] and again[0].state == "valid"
    assert again[1].state == "invalid"
    data = json.loads((tmp_path / "vies-cache.json").read_text())
    data["date"] = "2020-01-01"  # yesterday's answers are not reused
    (tmp_path / "vies-cache.json").write_text(json.dumps(data))
    before = vies.posts[VALID]
    check_values([row(2, VALID)], settings=settings(vies, tmp_path))
    assert vies.posts[VALID] == before + 1


def test_cli_vies_json(vies, tmp_path, capsys, monkeypatch):
    import csv

    from numnum_xl.cli import main

    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "cfg"))
    src = tmp_path / "k.csv"
    with src.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Naam", "Familienaam", "BTW nr", "BTW land"])
        w.writerow(["Brouwerij Voorbeeld", "X", VALID, "BE"])
        w.writerow(["Weg BV", "Y", INVALID, "BE"])
    code = main(["vies", str(src), "--json", "--vies-url", vies.http.url, "--lang", "en",
                 "--eigen-btw", "BE0403019261"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # an invalid number is an error
    assert [r["state"] for r in data["results"]] == ["valid", "invalid"]
    assert "consultation number" in data["results"][0]["text"]
    assert main(["vies", str(src), "--eigen-btw", "0403019261", "--vies-url",
                 vies.http.url]) == 2  # own VAT without country code: a usage error
    capsys.readouterr()
    # kept as a setting: the next run sends it without the option
    assert main(["vies", str(src), "--json", "--vies-url", vies.http.url, "--eigen-btw",
                 "BE0403019261", "--bewaar", "--geen-cache"]) == 1
    capsys.readouterr()
    vies.bodies.clear()
    monkeypatch.delenv("NUMNUM_XL_OWN_VAT", raising=False)
    main(["vies", str(src), "--json", "--vies-url", vies.http.url, "--geen-cache"])
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["details"]["consultation"] == "WAPIAAAAZ_test01"
    assert vies.bodies[0]["requesterNumber"] == "0403019261"


def test_vies_that_stops_answering_is_not_waited_for_row_by_row(vies, tmp_path):
    """check-status answers, then every request hangs up: all rows unchecked (never invalid),
    and after a few lost requests the rest are not sent."""
    numbers = [be(f"08{i:06d}") for i in range(30)]
    orig = vies.answer
    vies.answer = lambda cc, number, n, body: (0, {}, b"")
    try:
        results = check_values([row(i + 2, n) for i, n in enumerate(numbers)],
                               settings=settings(vies, tmp_path, cache=False, workers=3))
    finally:
        vies.answer = orig
    assert {r.state for r in results} == {"unchecked"}
    assert all("ongeldig" not in r.text for r in results)
    assert sum(vies.posts.values()) < 12
