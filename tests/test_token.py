"""``numnum-xl token set|clear`` stores the API token in the keyring, and push finds it there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def run(tmp_path, *args, stdin=""):
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring_file_backend.FileKeyring",
           "NUMNUM_TEST_KEYRING": str(tmp_path / "keyring.json"),
           "NUMNUM_XL_CONFIG_DIR": str(tmp_path / "config"),
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    env.pop("NUMNUM_API_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "numnum_xl", "token", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)


def test_set_stores_in_the_keyring_and_never_prints_the_token(tmp_path):
    res = run(tmp_path, "set", "--api-url", "https://api.numnum.example/api/v1",
              stdin="geheim-123\n")
    assert res.returncode == 0, res.stderr
    assert "geheim-123" not in res.stdout + res.stderr
    stored = json.loads((tmp_path / "keyring.json").read_text())
    assert stored == {"numnum-xl|https://api.numnum.example/api/v1": "geheim-123"}
    res = run(tmp_path, "clear", "--api-url", "https://api.numnum.example/api/v1")
    assert res.returncode == 0 and "gewist" in res.stdout
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}


def test_refuses_plain_http_and_empty_tokens(tmp_path):
    res = run(tmp_path, "set", "--api-url", "http://api.numnum.example/api/v1", stdin="x\n")
    assert res.returncode == 2 and res.stderr.startswith("numnum-xl:")
    res = run(tmp_path, "set", "--api-url", "https://api.numnum.example/api/v1", stdin="\n")
    assert res.returncode == 2 and "leeg" in res.stderr
    res = run(tmp_path, "set")
    assert res.returncode == 2 and "API-adres" in res.stderr
