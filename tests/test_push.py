"""Pushing sheets into NumNum, against real sandbox server processes on loopback (no mocks).

The guarantee checked throughout: afterwards the server holds exactly the contacts that were
meant (by external_id), none missing and none twice, whatever went wrong on the way: server
errors, 429s, time-outs, connections dropped before or after the write, a network that went
away, a push killed with SIGKILL half-way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from numnum_xl import push
from numnum_xl.cli import main
from numnum_xl.client import Account, ImportOptions, NumNumClient, RetryPolicy
from numnum_xl.demo import customers, write_xlsx
from numnum_xl.sandbox import SandboxHandle, stop_default_sandbox
from numnum_xl.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
FAST = RetryPolicy(attempts=12, base=0.01, cap=0.05, timeout=(2.0, 5.0))


def make_book(path: Path, n: int, seed: int, fault_rate: float = 0.05,
              start: int = 1, fixed: bool = True) -> tuple[Path, Counter[str], int]:
    """A sheet of ``n`` demo customers; returns (path, external_ids that must arrive, rows
    with errors). ``fixed``: as the push command sends it by default, after the safe fixes."""
    rows, _ = customers(n, seed=seed, fault_rate=fault_rate)
    for i, row in enumerate(rows):
        row["external_id"] = f"K{start + i:06d}"
    write_xlsx(str(path), rows)
    report = validate_file(str(path))
    if fixed:
        from numnum_xl.fix import fix_table
        from numnum_xl.validate import validate_table

        table, _, mapping = fix_table(report.table, report.mapping, with_mapping=True)
        report = validate_table(table, mapping)
    bad = report.rows_with_errors()
    expected = Counter(v["external_id"] for r, v in zip(report.table.row_numbers,
                                                        report.values, strict=True)
                       if r not in bad)
    return path, expected, len(bad)


def contacts(sb: SandboxHandle) -> list[dict]:
    with sb.faults_disabled(), NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        return c.list_contacts()


def external_ids(sb: SandboxHandle) -> Counter[str]:
    return Counter(str(c.get("external_id")) for c in contacts(sb))


def account(sb: SandboxHandle) -> Account:
    return Account(sb.base_url, sb.token, "argument", sb.base_url)


def push_in_process(sb: SandboxHandle, book: Path, options: ImportOptions | None = None,
                    threads: int = 6, policy: RetryPolicy = FAST) -> push.Outcome:
    report = validate_file(str(book))
    with NumNumClient(sb.base_url, sb.token, policy=policy) as c:
        plan = push.prepare(report, c, account(sb), options or ImportOptions(), source=book)
        return push.execute(plan, c, threads=threads)


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sb: SandboxHandle):
    """Environment for running the CLI against ``sb``: token in the env, private config."""
    monkeypatch.setenv("NUMNUM_API_TOKEN", sb.token)
    monkeypatch.setenv("NUMNUM_XL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NUMNUM_API_URL", sb.base_url)  # the env token is only for this URL
    return sb


def subprocess_env(tmp_path: Path, token: str | None, url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMNUM_API_URL", "NUMNUM_API_TOKEN", "NUMNUM_SANDBOX_TOKEN")}
    env.update(PYTHONPATH=str(ROOT), NUMNUM_XL_CONFIG_DIR=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    if token:
        env["NUMNUM_API_TOKEN"] = token
    if url:  # the env token applies to NUMNUM_API_URL only
        env["NUMNUM_API_URL"] = url
    return env


def journal_rows(book: Path) -> list[dict]:
    return [r for r in push.Journal.read(push.journal_path(book)) if r.get("t") == "row"]


# --- reliability -----------------------------------------------------------------------------

def test_500_rows_through_every_fault(sb: SandboxHandle, tmp_path: Path) -> None:
    book, expected, bad = make_book(tmp_path / "klanten.xlsx", 500, seed=500)
    sb.set_faults(fail_rate=0.05, fail_statuses=[500, 502, 503, 504], throttle_rate=0.04,
                  retry_after=0, drop_before_rate=0.03, drop_after_rate=0.03,
                  latency_ms=1, latency_jitter_ms=40, seed=42)
    # read timeouts (the answer later than the client waits) are tested on their own in
    # tests/test_client.py; here a generous read timeout keeps this test about the faults it
    # asserts and independent of how loaded the machine is (0.035 s failed under load)
    policy = RetryPolicy(attempts=15, base=0.01, cap=0.05, timeout=(2.0, 1.0))
    outcome = push_in_process(sb, book, threads=6, policy=policy)
    stats = sb.stats()
    c = outcome.summary.counts
    assert c["total"] == 500 and c["created"] == sum(expected.values())
    assert c["skipped_errors"] == bad and outcome.summary.complete
    assert external_ids(sb) == expected  # none missing, none twice
    faults = stats["faults"]
    for kind in ("error", "throttle", "drop_before", "drop_after"):
        assert faults.get(kind, 0) > 0, faults
    assert stats["operations"].get("replayed", 0) > 0  # lost answers came back, no 2nd contact
    rows = journal_rows(book)
    assert len(rows) == 500 and {r["row"] for r in rows} == set(range(2, 502))
    assert all(r["id"] for r in rows if r["status"] == "created")


def test_network_gone_then_resume(sb: SandboxHandle, tmp_path: Path) -> None:
    book, expected, _ = make_book(tmp_path / "k.xlsx", 120, seed=7)
    sb.set_faults(fail_rate=1.0, methods=["POST"])  # NumNum unreachable for creates
    policy = RetryPolicy(attempts=2, base=0.001, cap=0.001, timeout=(2.0, 5.0))
    first = push_in_process(sb, book, threads=4, policy=policy)
    s = first.summary
    assert s.stopped == "transport" and not s.complete
    assert s.counts["total"] == 120 and s.counts["created"] == 0
    assert s.counts["failed"] + s.counts["not_sent"] == sum(expected.values())
    assert s.counts["failed"] <= 4 * 2 + 2 + 4  # it stopped instead of failing every row
    sb.set_faults(fail_rate=0.0)
    second = push_in_process(sb, book)
    assert second.plan.resumed is not None and second.plan.batch == first.plan.batch
    assert second.summary.counts["created"] == sum(expected.values())
    assert second.summary.counts["total"] == 120 and second.summary.complete
    assert external_ids(sb) == expected


def test_sigkill_half_way_then_resume(sb: SandboxHandle, tmp_path: Path) -> None:
    book, expected, bad = make_book(tmp_path / "klanten.xlsx", 500, seed=99)
    want = sum(expected.values())
    env = subprocess_env(tmp_path, sb.token, sb.base_url)
    cmd = [sys.executable, "-m", "numnum_xl", "push", str(book), "--api-url", sb.base_url,
           "--threads", "4"]
    sb.set_faults(latency_ms=6, drop_after_rate=0.02, methods=["POST"], seed=1)
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    created = 0
    try:
        while created < want // 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the push did not get half-way"
            time.sleep(0.01)
            created = sum(1 for r in journal_rows(book) if r["status"] == "created")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    on_server = external_ids(sb)
    assert want // 2 <= sum(on_server.values()) < want  # it really was half-way
    assert max(on_server.values()) == 1
    records = push.Journal.read(push.journal_path(book))
    assert not any(r.get("t") == "end" for r in records)

    sb.set_faults(latency_ms=0, drop_after_rate=0.0)
    again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 1, again.stderr  # 1: rows with errors were skipped
    assert "Vervolg van de onderbroken import" in again.stdout
    assert f"Klaar: {want} aangemaakt" in again.stdout
    assert f"{bad} overgeslagen wegens fouten" in again.stdout
    assert "(samen 500 rijen)" in again.stdout
    assert external_ids(sb) == expected  # none missing, none twice
    assert "Traceback" not in again.stderr
    # the results were rebuilt from the journal: every row, once
    ws = load_workbook(push.default_output(book), read_only=True)["NumNum-import"]
    statuses = Counter(r[3] for r in ws.iter_rows(min_row=2, values_only=True))
    assert statuses == Counter({"aangemaakt": want, "overgeslagen (fouten)": bad})


# --- options ---------------------------------------------------------------------------------

def _edit(book: Path, change) -> None:
    wb = load_workbook(book)
    ws = wb.active
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        values = dict(zip(header, row, strict=False))
        change(values)
    wb.save(book)


def test_skip_then_overwrite(cli_env: SandboxHandle, tmp_path: Path, capsys) -> None:
    sb = cli_env
    book, _, _ = make_book(tmp_path / "k.xlsx", 30, seed=3, fault_rate=0.0)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        by_hand = c.create_contact({"title": "Oude naam", "external_id": "K000003",
                                    "is_supplier": True}, "by-hand").contact
    assert main(["push", str(book), "--api-url", sb.base_url]) == 0
    out = capsys.readouterr().out
    assert "29 aangemaakt, 0 overschreven, 1 overgeslagen als duplicaat" in out
    first = {c["external_id"]: c for c in contacts(sb)}
    assert len(first) == 30 and first["K000003"]["title"] == "Oude naam"

    _edit(book, lambda v: setattr(v["address"], "value", "Nieuwstraat 1"))
    assert main(["push", str(book), "--api-url", sb.base_url, "--duplicaten", "overwrite",
                 "--as", "customer"]) == 0
    out = capsys.readouterr().out
    assert "0 aangemaakt, 30 overschreven" in out
    after = {c["external_id"]: c for c in contacts(sb)}
    assert set(after) == set(first) and len(contacts(sb)) == 30
    assert {c["address"] for c in after.values()} == {"Nieuwstraat 1"}
    hand = after["K000003"]
    assert hand["id"] == by_hand["id"] and hand["title"] != "Oude naam"
    assert hand["import_batch"] is None  # made by hand: still not "previously imported"
    assert (hand["is_customer"], hand["is_supplier"]) == (True, True)  # a role was added
    others = {c["import_batch"] for k, c in after.items() if k != "K000003"}
    assert others == {first["K000001"]["import_batch"]}
    assert all(c["updated_at"] > first[k]["updated_at"] for k, c in after.items())


def _zip_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_delete_previous_and_all_with_backups(cli_env: SandboxHandle, tmp_path: Path,
                                              capfd) -> None:
    sb = cli_env
    book_a, expected_a, _ = make_book(tmp_path / "a.xlsx", 10, seed=1, fault_rate=0.0)
    book_b, expected_b, _ = make_book(tmp_path / "b.xlsx", 5, seed=2, fault_rate=0.0,
                                      start=100)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        hand = c.create_contact({"title": "Met de hand", "external_id": "H1"}, "hand").contact
    url = sb.base_url
    assert main(["push", str(book_a), "--api-url", url]) == 0
    before = {c["id"]: c for c in contacts(sb)}
    assert len(before) == 11

    # "eerder" + the same file again: the old import goes, the file comes back with new ids
    assert main(["push", str(book_a), "--api-url", url, "--verwijderen", "eerder",
                 "--yes"]) == 0
    now = contacts(sb)
    assert external_ids(sb) == expected_a + Counter({"H1": 1})
    assert not {c["id"] for c in now if c["external_id"] != "H1"} & set(before)
    backups = sorted(tmp_path.glob("a.numnum-verwijderd-*.xlsx"))
    assert len(backups) == 1
    saved = _backup_rows(backups[0])
    assert {r["id"] for r in saved} == set(before) - {hand["id"]}
    for r in saved:  # every field, as it was
        original = before[r["id"]]
        for key, value in original.items():
            want = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
            assert r[key] == want, (key, r[key], want)

    # "alles": everything goes, the hand-made contact too
    assert main(["push", str(book_b), "--api-url", url, "--verwijderen", "all", "-y"]) == 0
    assert external_ids(sb) == expected_b
    saved = _backup_rows(sorted(tmp_path.glob("b.numnum-verwijderd-*.xlsx"))[0])
    assert {r["external_id"] for r in saved} == {*expected_a, "H1"}
    out, err = capfd.readouterr()
    assert "Reservekopie van 11 klanten" in out and "11 klanten verwijderd" in out

    # the token is nowhere: output, journals, result copies, backups, settings
    leaks = [out, err]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            leaks.append(_zip_text(path) if path.suffix == ".xlsx"
                         else path.read_text(encoding="utf-8", errors="replace"))
    assert all(sb.token not in text for text in leaks)


def _backup_rows(path: Path) -> list[dict]:
    ws = load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_delete_needs_confirmation(cli_env: SandboxHandle, tmp_path: Path, capsys) -> None:
    sb = cli_env
    book, _, _ = make_book(tmp_path / "k.xlsx", 5, seed=5, fault_rate=0.0)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        c.create_contact({"title": "Blijft", "external_id": "X"}, "x")
    sb.reset_stats()
    assert main(["push", str(book), "--api-url", sb.base_url, "--verwijderen", "alles"]) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and "niets verstuurd" in err
    assert sb.stats()["requests"]["by_method"] == {"GET": 1}  # only the list was read
    assert external_ids(sb) == Counter({"X": 1})
    assert not list(tmp_path.glob("*verwijderd*")) and not push.journal_path(book).exists()


def test_dry_run_sends_nothing(cli_env: SandboxHandle, tmp_path: Path, capsys) -> None:
    sb = cli_env
    book, expected, bad = make_book(tmp_path / "k.xlsx", 40, seed=8, fault_rate=0.2, fixed=True)
    sb.reset_stats()
    rc = main(["push", str(book), "--api-url", sb.base_url, "--dry-run", "--delete", "all"])
    out = capsys.readouterr().out
    assert rc == (1 if bad else 0)
    assert f"{sum(expected.values()):>6}  nieuw" in out and "Proefrun" in out
    assert sb.stats()["requests"]["by_method"] == {"GET": 1}
    assert not push.journal_path(book).exists()


def test_wrong_token_sends_nothing_else(sb: SandboxHandle, tmp_path: Path) -> None:
    book, _, _ = make_book(tmp_path / "k.xlsx", 20, seed=4)
    sb.reset_stats()
    env = subprocess_env(tmp_path, "not-the-token", sb.base_url)
    done = subprocess.run([sys.executable, "-m", "numnum_xl", "push", str(book), "--api-url",
                           sb.base_url, "--yes", "--verwijderen", "alles"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "403" in lines[0] and "niets verstuurd" in lines[0], lines
    assert "Traceback" not in done.stderr and "not-the-token" not in done.stdout + done.stderr
    stats = sb.stats()["requests"]
    assert stats["total"] == 1 and stats["by_status"] == {"403": 1}
    assert not push.journal_path(book).exists()


def test_http_refused_and_missing_token(tmp_path: Path, sb: SandboxHandle) -> None:
    book, _, _ = make_book(tmp_path / "k.xlsx", 3, seed=4)
    env = subprocess_env(tmp_path, "tok")
    done = subprocess.run([sys.executable, "-m", "numnum_xl", "push", str(book), "--api-url",
                           "http://numnum.example/api/v1"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "https" in done.stderr and "Traceback" not in done.stderr
    env = subprocess_env(tmp_path, None)
    done = subprocess.run([sys.executable, "-m", "numnum_xl", "push", str(book), "--api-url",
                           sb.base_url], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "NUMNUM_API_TOKEN" in done.stderr


def test_resume_needs_the_same_options(cli_env: SandboxHandle, tmp_path: Path,
                                       capsys) -> None:
    sb = cli_env
    book, expected, _ = make_book(tmp_path / "k.xlsx", 12, seed=6, fault_rate=0.0)
    sb.set_faults(fail_rate=1.0, methods=["POST"])
    first = push_in_process(sb, book, threads=1, policy=RetryPolicy(attempts=1))
    assert not first.summary.complete and first.summary.counts["created"] == 0
    sb.set_faults(fail_rate=0.0)
    assert main(["push", str(book), "--api-url", sb.base_url, "--as", "beide"]) == 2
    assert "--as klant (nu beide)" in capsys.readouterr().err
    assert main(["push", str(book), "--api-url", sb.base_url]) == 0
    assert "Vervolg" in capsys.readouterr().out
    assert external_ids(sb) == expected


def test_embedded_sandbox_by_default(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path, None)
    book = tmp_path / "klanten.xlsx"
    book.write_bytes((ROOT / "examples" / "klanten.xlsx").read_bytes())
    data_dir = tmp_path / "data" / "numnum-xl"
    try:
        dry = subprocess.run([sys.executable, "-m", "numnum_xl", "push", str(book), "--dry-run"],
                             env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert dry.returncode == 1, dry.stderr  # the example has rows with errors
        first = dry.stdout.splitlines()[0]
        assert first.startswith("Geen NumNum-account ingesteld: er wordt naar de lokale "
                                "oefenomgeving (sandbox) op http://127.0.0.1:")
        # the safe fixes are sent by default: rows 6 (België) and 9 (no last name) go too
        assert "11  nieuw" in dry.stdout and " 9  overgeslagen wegens fouten" in dry.stdout
        real = subprocess.run([sys.executable, "-m", "numnum_xl", "push", str(book), "--yes"],
                              env=env, capture_output=True, text=True, timeout=60,
                              cwd=tmp_path)
        assert real.returncode == 1 and "Klaar: 11 aangemaakt" in real.stdout, real.stderr
        state = json.loads((data_dir / "sandbox.json").read_text())
        token = (data_dir / "sandbox-token").read_text().strip()
        with NumNumClient(state["base_url"], token, policy=FAST) as c:
            stored = c.list_contacts()
        assert len(stored) == 11 and all(c["import_batch"] for c in stored)
        assert token not in dry.stdout + dry.stderr + real.stdout + real.stderr
    finally:
        stop_default_sandbox(data_dir)


# --- pieces ----------------------------------------------------------------------------------

def test_journal_threads_and_torn_lines(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "j.jsonl"
    for n0, interval in ((0, 0.0), (200, 0.05)):  # fsync per line / per interval
        with push.Journal(path, sync_interval=interval) as j, ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: j.append({"t": "row", "n": n, "pad": "x" * (n % 50)}),
                          range(n0, n0 + 200)))
    with open(path, "ab") as fh:
        fh.write(b'{"t": "row", "n": 400, "pad": "cut sho')  # a crash mid-line
    with push.Journal(path) as j:
        j.append({"t": "row", "n": 401})
    records = push.Journal.read(path)
    assert sorted(r["n"] for r in records) == [*range(400), 401]
    if os.name == "posix":  # one push per workbook at a time
        with push.Journal(path), pytest.raises(push.JournalBusy):
            push.Journal(path).open()
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_resume_lookup_moved_and_changed_rows() -> None:
    state = push.RunState({"batch": "b"})
    state.rows = {2: {"row": 2, "status": "created", "fp": "A", "id": "c1"},
                  3: {"row": 3, "status": "created", "fp": "B", "id": "c2"},
                  4: {"row": 4, "status": "failed", "fp": "C"},
                  5: {"row": 5, "status": "created", "fp": "D", "id": "c4"}}
    # a row was inserted at 2: A moved to 3, B to 4, C (failed before) to 5, D to 6
    now = [(2, "NEW"), (3, "A"), (4, "B"), (5, "C"), (6, "D")]
    found = push._resume_lookup(state, now)
    assert found[3][0]["id"] == "c1" and found[4][0]["id"] == "c2"
    assert found[6] == (state.rows[5], False)
    assert 2 not in found and 5 not in found  # a new row, and a row that failed before: send
    edited = push._resume_lookup(state, [(2, "A"), (3, "B"), (4, "C"), (5, "D'")])
    assert edited[5] == (state.rows[5], True)  # same row, edited after it was sent: not again


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        bar = push.Progress(3, "rijen verstuurd", stream=stream)
        for _ in range(3):
            bar.advance()
        bar.close()
    assert quiet.getvalue() == ""
    assert "3/3 rijen verstuurd" in tty.getvalue() and tty.getvalue().endswith("\n")


def test_settings_and_csv(cli_env: SandboxHandle, tmp_path: Path, capsys) -> None:
    sb = cli_env
    book = tmp_path / "klanten.csv"
    book.write_text("title;last_name;first_name;company_type;vat_percentage;auto_reminder;"
                    "external_id\nAcme;Peeters;An;NV;21;Ja;C1\nJan Maes;Maes;Jan;;6;nee;C2\n"
                    "Dhr. Claes;Claes;;;;;C3\n", encoding="utf-8")
    assert main(["push", str(book), "--api-url", sb.base_url, "--as", "both",
                 "--save-settings", "--dry-run"]) == 1
    saved = json.loads((tmp_path / "config" / "settings.json").read_text())
    assert saved["api_url"] == sb.base_url and saved["options"]["as"] == "beide"
    capsys.readouterr()
    assert main(["push", str(book)]) == 1  # the settings say where, and as what
    out = capsys.readouterr().out
    assert out.startswith(f"Bestemming: {sb.base_url}")
    assert "Klaar: 2 aangemaakt" in out and "1 overgeslagen wegens fouten" in out
    stored = {c["external_id"]: c for c in contacts(sb)}
    assert set(stored) == {"C1", "C2"}
    assert (stored["C1"]["company_type"], stored["C1"]["type"]) == ("bedrijf", "nv")
    assert stored["C2"]["company_type"] == "particulier"
    assert stored["C1"]["is_supplier"] and stored["C2"]["is_customer"]
    assert (stored["C1"]["vat_percentage"], stored["C1"]["auto_reminder"]) == (21, True)
    ws = load_workbook(tmp_path / "klanten.numnum-import.xlsx")["NumNum-import"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[4][3] == "overgeslagen (fouten)" and "voornaam" in rows[4][5]
    assert rows[2][3] == "aangemaakt" and rows[2][4] == stored["C1"]["id"]
    assert rows[2][1:3] == ("Acme", "C1") and rows[3][1:3] == ("Jan Maes", "C2")


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_interactive_confirmation_on_a_terminal(sb: SandboxHandle, tmp_path: Path) -> None:
    import pty
    import select

    book, expected, _ = make_book(tmp_path / "k.xlsx", 8, seed=9, fault_rate=0.0)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        c.create_contact({"title": "Weg", "external_id": "OLD"}, "old")

    def run(answer: str) -> tuple[int, str]:
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "numnum_xl", "push", str(book),
                                 "--api-url", sb.base_url, "--verwijderen", "alles"],
                                stdin=slave, stdout=slave, stderr=slave,
                                env=subprocess_env(tmp_path, sb.token, sb.base_url))
        os.close(slave)
        seen, answered = b"", False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not answered and b"Typ ja" in seen:
                os.write(master, answer.encode() + b"\n")
                answered = True
            if proc.poll() is not None and not ready:
                break
        os.close(master)
        return proc.wait(10), seen.decode("utf-8", "replace")

    code, screen = run("nee")
    assert code == 2 and "Niet bevestigd" in screen
    assert external_ids(sb) == Counter({"OLD": 1})
    code, screen = run("ja")
    assert code == 0, screen
    assert "1 klanten verwijderd" in screen and "8/8 rijen verstuurd" in screen  # progress bar
    assert external_ids(sb) == expected


def test_server_refusal_becomes_the_rows_result(sb: SandboxHandle, tmp_path: Path) -> None:
    book, _, _ = make_book(tmp_path / "k.xlsx", 6, seed=12, fault_rate=0.0)
    report = validate_file(str(book))
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        plan = push.prepare(report, c, account(sb), ImportOptions(), source=book, lang="fr")
        victim = plan.to_send[0]
        victim.payload = {**(victim.payload or {}), "vat_percentage": 7}  # NumNum says no
        outcome = push.execute(plan, c)
    bad = next(r for r in outcome.results if r.row == victim.row)
    assert (bad.status, bad.reason) == ("failed", "invalid")
    assert bad.message.startswith("NumNum a refusé ce client : Taux de TVA : ")
    assert outcome.summary.complete  # a refusal is final: nothing left to retry
    assert outcome.summary.counts["created"] == 5 and outcome.summary.counts["total"] == 6
    assert sum(external_ids(sb).values()) == 5
    path, _ = push.write_back(report, outcome.results, tmp_path / "out.xlsx", lang="fr")
    ws = load_workbook(path)["NumNum-import"]
    assert ws["A1"].value == "Ligne"
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == victim.row)
    assert row[3] == "échec" and "Taux de TVA" in row[5]
