"""``numnum-xl validate FILE --json`` over the bad-input corpus, as a user would run it.

Contract: exit 0 (no errors) / 1 (errors found) with ``{"findings": [...], "summary": {...}}``
on stdout; exit 2 with exactly one ``numnum-xl: ...`` line on stderr when the file cannot be
read; never a traceback; the source file is never changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import UNREADABLE

ROOT = Path(__file__).resolve().parent.parent

#: readable files that are odd: the validator must report on them, not crash
ODD_READABLE = ["empty_sheet", "header_only", "merged", "hidden_rows", "long_cell",
                "no_header", "errors", "formulas_no_cache", "xlsx_really_csv", "xls"]


def _validate(path: Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "numnum_xl", "validate", str(path), "--json"],
        capture_output=True, text=True, encoding="utf-8", timeout=timeout, cwd=cwd, env=env)


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_file_exit_2_one_line(corpus, name, tmp_path):
    path = corpus[name]
    before = _fingerprint(path)
    proc = _validate(path, tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("numnum-xl:"), lines[0]
    assert path.name in lines[0]
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert _fingerprint(path) == before
    assert list(tmp_path.iterdir()) == []  # nothing written next to the user


def test_encrypted_message_mentions_password(corpus, tmp_path):
    proc = _validate(corpus["encrypted"], tmp_path)
    assert "wachtwoord" in proc.stderr


def _check_report(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data["findings"], list)
    assert isinstance(data["summary"], dict)
    has_errors = any(f["severity"] == "error" for f in data["findings"])
    assert proc.returncode == (1 if has_errors else 0)
    return data


@pytest.mark.parametrize("name", ODD_READABLE)
def test_odd_but_readable_file_gives_json(corpus, name, tmp_path):
    path = corpus[name]
    before = _fingerprint(path)
    _check_report(_validate(path, tmp_path))
    assert _fingerprint(path) == before


def test_empty_sheet_reports_no_header(corpus, tmp_path):
    data = _check_report(_validate(corpus["empty_sheet"], tmp_path))
    assert "sheet.no_header" in {f["code"] for f in data["findings"]}


@pytest.mark.slow
def test_sheet_filled_to_the_last_row(big_xlsx, tmp_path):
    before = _fingerprint(big_xlsx)
    data = _check_report(_validate(big_xlsx, tmp_path, timeout=900))
    assert data["summary"]["data_rows"] == 1_048_575
    assert _fingerprint(big_xlsx) == before
