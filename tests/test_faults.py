"""Faults during a push (issue 16): SIGKILL at random points of create / overwrite / delete
compared with an uninterrupted run, against a merging and a replacing server; two pushes of one
workbook at once (same path, symlink, copy); temporary files a kill leaves behind.

Kept small for CI: a few seeded random kill points, sheets of a few dozen rows.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from numnum_xl import push
from numnum_xl.client import ImportOptions, NumNumClient, RetryPolicy, build_payload
from numnum_xl.demo import customers, write_xlsx
from numnum_xl.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parent.parent
FAST = RetryPolicy(attempts=12, base=0.01, cap=0.05, timeout=(2.0, 10.0))
#: Fields the server sets itself, or that differ between two runs by design.
VOLATILE = ("id", "created_at", "updated_at", "import_batch")


def env_for(tmp_path: Path, sb: SandboxHandle) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMNUM_API_URL", "NUMNUM_API_TOKEN", "NUMNUM_SANDBOX_TOKEN")}
    env.update(PYTHONPATH=str(ROOT), NUMNUM_XL_CONFIG_DIR=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), NUMNUM_API_URL=sb.base_url,
               NUMNUM_API_TOKEN=sb.token,
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def book_of(path: Path, n: int, seed: int) -> Path:
    rows, _ = customers(n, seed=seed, fault_rate=0.0)
    for i, row in enumerate(rows):
        row["external_id"] = f"K{i + 1:05d}"
    write_xlsx(str(path), rows)
    return path


def state(sb: SandboxHandle) -> list[tuple]:
    """The server's contacts, comparable across runs (sorted, volatile fields dropped)."""
    with sb.faults_disabled(), NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        items = c.list_contacts()
    out = []
    for item in items:
        persons = sorted((p.get("first_name") or "", p.get("last_name") or "")
                         for p in item.get("contact_persons") or [])
        fields = sorted((k, str(v)) for k, v in item.items()
                        if k not in VOLATILE and k != "contact_persons")
        out.append((*fields, ("persons", tuple(persons))))
    return sorted(out)


def seed_existing(sb: SandboxHandle, book: Path, every: int = 2, batch: str | None = None
                  ) -> None:
    """Contacts already in NumNum for every ``every``-th row: same external ID, other data
    (private notes, supplier role, a contact person of their own)."""
    from numnum_xl.validate import validate_file

    report = validate_file(str(book))
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        for i, values in enumerate(report.values):
            if i % every:
                continue
            old = dict(values, private_notes=f"notitie {i}", email=None,
                       contactperson_first_name="Oud", contactperson_last_name=f"Persoon{i}")
            payload = build_payload(old, ImportOptions(as_="leverancier"),
                                    import_batch=batch)  # type: ignore[arg-type]
            if batch is None:
                payload.pop("import_batch")
            c.create_contact(payload, f"seed-{i}")


def run_push(tmp_path: Path, sb: SandboxHandle, book: Path, *extra: str
             ) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "numnum_xl", "push", str(book), "--threads", "2", *extra]
    return subprocess.run(cmd, env=env_for(tmp_path, sb), cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


def killed_then_resumed(tmp_path: Path, sb: SandboxHandle, book: Path, after: int,
                        count, *extra: str) -> subprocess.CompletedProcess[str]:
    """Start the push, SIGKILL it once ``count()`` reaches ``after``, then run it again."""
    cmd = [sys.executable, "-m", "numnum_xl", "push", str(book), "--threads", "2", *extra]
    sb.set_faults(latency_ms=25, methods=[])
    proc = subprocess.Popen(cmd, env=env_for(tmp_path, sb), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while count() < after:
            if proc.poll() is not None:
                break  # finished before the kill point: still compared below
            assert time.monotonic() < deadline, "the push did not reach the kill point"
            time.sleep(0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.communicate()
    sb.set_faults(latency_ms=0)
    return run_push(tmp_path, sb, book, *extra)


def journal_count(book: Path, kind: str, status: str | None = None):
    def count() -> int:
        return sum(1 for r in push.Journal.read(push.journal_path(book))
                   if r.get("t") == kind and (status is None or r.get("status") == status))
    return count


# --- 7. overwrite that cannot erase ----------------------------------------------------------

@pytest.mark.parametrize("replaces", [False, True])
def test_overwrite_keeps_what_the_row_does_not_say(sb, tmp_path, replaces):
    book = book_of(tmp_path / "k.xlsx", 8, seed=3)
    seed_existing(sb, book)
    sb.set_faults(put_replaces=replaces)
    done = run_push(tmp_path, sb, book, "--duplicaten", "overschrijven")
    assert done.returncode == 0, done.stderr
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        items = {x["external_id"]: x for x in c.list_contacts()}
    old = items["K00001"]
    assert old["private_notes"] == "notitie 0" and old["is_supplier"] and old["is_customer"]
    assert ("Oud", "Persoon0") in {(p["first_name"], p["last_name"])
                                   for p in old["contact_persons"]}
    assert len(old["contact_persons"]) == 2


def test_replace_and_merge_servers_end_in_the_same_state(sb, tmp_path):
    book = book_of(tmp_path / "k.xlsx", 10, seed=5)
    ends = []
    for replaces in (False, True):
        sb.reset()
        seed_existing(sb, book)
        sb.set_faults(put_replaces=replaces)
        for f in tmp_path.glob("k.numnum-*"):
            f.unlink()
        assert run_push(tmp_path, sb, book, "--duplicaten", "overschrijven").returncode == 0
        ends.append(state(sb))
    assert ends[0] == ends[1]


# --- SIGKILL at random points, compared with an uninterrupted run -----------------------------

def _reference(sb, tmp_path, book, prepare, *extra) -> list[tuple]:
    sb.reset()
    sb.clear_faults()
    prepare()
    ref_dir = tmp_path / "ref"
    ref_dir.mkdir()
    ref_book = ref_dir / book.name
    shutil.copy(book, ref_book)
    done = run_push(ref_dir, sb, ref_book, *extra)
    assert done.returncode == 0, done.stderr
    return state(sb)


@pytest.mark.parametrize("mode,replaces", [("create", False), ("overwrite", False),
                                           ("overwrite", True), ("delete", False)])
def test_sigkill_at_a_random_point_ends_like_an_uninterrupted_run(sb, tmp_path, mode,
                                                                   replaces):
    rng = random.Random(f"{mode}-{replaces}")
    book = book_of(tmp_path / "k.xlsx", 24, seed=11)
    if mode == "create":
        extra: tuple[str, ...] = ()

        def prepare() -> None:
            return None
        count = journal_count(book, "row", "created")
    elif mode == "overwrite":
        extra = ("--duplicaten", "overschrijven")

        def prepare() -> None:
            seed_existing(sb, book, every=1)
            sb.set_faults(put_replaces=replaces)
        count = journal_count(book, "row", "overwritten")
    else:
        extra = ("--verwijderen", "eerder", "--yes")

        def prepare() -> None:
            seed_existing(sb, book, every=1, batch="numnum-xl-20240101T000000-old")
        count = journal_count(book, "deleted")
    want = _reference(sb, tmp_path, book, prepare, *extra)
    sb.reset()
    sb.clear_faults()
    prepare()
    after = rng.randint(2, 20)
    done = killed_then_resumed(tmp_path, sb, book, after, count, *extra)
    assert done.returncode == 0, (after, done.stdout[-500:], done.stderr[-500:])
    assert "Traceback" not in done.stderr
    got = state(sb)
    assert got == want, f"killed after {after} {mode}s"
    ids = Counter(dict(t)["external_id"] for t in got)
    assert max(ids.values()) == 1  # none doubled


# --- 8. one push per workbook -------------------------------------------------------------------

@pytest.mark.parametrize("how", ["same", "symlink", "copy"])
def test_two_pushes_of_one_workbook_never_double(sb, tmp_path, how):
    book = book_of(tmp_path / "k.xlsx", 30, seed=21)
    other_dir = tmp_path / "elders"
    other_dir.mkdir()
    if how == "same":
        second = book
    elif how == "symlink":
        second = other_dir / "link.xlsx"
        second.symlink_to(book)
    else:
        second = other_dir / "kopie.xlsx"
        shutil.copy(book, second)
    sb.set_faults(latency_ms=20)
    env = env_for(tmp_path, sb)
    procs = [subprocess.Popen([sys.executable, "-m", "numnum_xl", "push", str(p), "--threads",
                               "2"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for p in (book, second)]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    sb.set_faults(latency_ms=0)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        ids = Counter(x.get("external_id") for x in c.list_contacts())
    assert len(ids) == 30 and max(ids.values()) == 1, (codes, outs)
    assert sorted(codes) in ([0, 0], [0, 2]), (codes, outs)
    for code, (_, err) in zip(codes, outs, strict=True):
        assert "Traceback" not in err
        if code == 2:
            assert "loopt al een import" in err


def test_an_edited_copy_is_rechecked_before_each_create(sb, tmp_path):
    book = book_of(tmp_path / "k.xlsx", 6, seed=8)
    assert run_push(tmp_path, sb, book).returncode == 0
    copy = tmp_path / "kopie.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(book)
    # other content (no content lock in common), but no new customer: a lone cell further
    # down would now be a row of its own that validation can complete and push would send
    wb.active["A2"] = f"{wb.active['A2'].value} (kopie)"
    wb.save(copy)
    from numnum_xl.validate import validate_file

    report = validate_file(str(copy))
    # plan while the server is still empty, then let another push create them first
    sb.reset()
    acc = push.Account(sb.base_url, sb.token, "argument", sb.base_url)
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        plan = push.prepare(report, c, acc, ImportOptions(), source=copy)
        assert run_push(tmp_path, sb, book).returncode == 0
        outcome = push.execute(plan, c, threads=2)
    assert outcome.summary.counts["created"] == 0
    with NumNumClient(sb.base_url, sb.token, policy=FAST) as c:
        ids = Counter(x.get("external_id") for x in c.list_contacts())
    assert max(ids.values()) == 1


# --- temporary files --------------------------------------------------------------------------

def test_stale_temporary_files_are_cleaned_at_the_next_run(sb, tmp_path):
    from numnum_xl.tempfiles import PREFIX, temp_path

    book = book_of(tmp_path / "k.xlsx", 3, seed=2)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{PREFIX}k.numnum-import.xlsx.{dead.pid}.abcd1234.xlsx"
    stale.write_bytes(b"half a workbook")
    assert temp_path(book).name.startswith(PREFIX)
    assert run_push(tmp_path, sb, book).returncode == 0
    assert not stale.exists()
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name or p.name.startswith(PREFIX)]
