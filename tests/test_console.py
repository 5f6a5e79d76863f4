"""What the console says, in the user's language, and what it leaves running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from numnum_xl.cli import main
from numnum_xl.demo import customers, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def env_for(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMNUM_API_URL", "NUMNUM_API_TOKEN", "NUMNUM_SANDBOX_TOKEN")}
    env.update(PYTHONPATH=str(ROOT), NUMNUM_XL_CONFIG_DIR=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "xdg"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    book = tmp_path / "klanten.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["title", "last_name", "vat_country_code", "vat_id", "company_type"])
    ws.append(["Bakkerij", "Janssen", "BE", "0123456789", "SPRL"])
    ws.append(["Slagerij", "Maes", "BE", "BE 0403.019.261", "BV"])
    wb.save(book)
    return book


@pytest.mark.parametrize(("lang", "error", "warning", "absent"), [
    ("fr", "ERREUR", "attention", ("FOUT", "let op", "waarschuwing")),
    ("en", "ERROR", "warning", ("FOUT", "let op", "waarschuwing")),
])
def test_console_words_follow_lang(small_book, capsys, lang, error, warning, absent) -> None:
    assert main(["validate", str(small_book), "--lang", lang]) == 1
    out = capsys.readouterr().out
    assert f"  {error}" in out and warning in out
    for word in absent:
        assert word not in out
    # the legal form suggestion follows the message language too
    assert ("srl" if lang == "fr" else "BV") in out


def test_singular_and_plural(small_book, capsys) -> None:
    main(["validate", str(small_book)])
    out = capsys.readouterr().out
    assert "1 waarschuwingen" not in out and "1 fouten" not in out
    assert "1 rijen" not in out


def test_map_in_french(small_book, capsys) -> None:
    main(["map", str(small_book), "--lang", "fr"])
    out = capsys.readouterr().out
    assert out.startswith("En-tête en ligne 1 de ")
    assert "Numéro de TVA" in out and "Btw-nummer" not in out
    assert "[clé]" in out and "sleutel" not in out


def test_validate_a_folder_says_so(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "map" in err and str(tmp_path) in err and "''" not in err
    os.chdir(tmp_path)
    assert main(["validate", "."]) == 2
    err = capsys.readouterr().err
    assert "'.'" in err or "«.»" in err or str(tmp_path) in err
    assert "''" not in err


def test_push_plan_in_french(tmp_path: Path, small_book) -> None:
    """The dry-run plan has no Dutch option words in French, and the sandbox it started is
    gone when it ends."""
    env = env_for(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "numnum_xl", "push", str(small_book),
                           "--dry-run", "--lang", "fr"], env=env, capture_output=True,
                          text=True, timeout=120)
    out = proc.stdout
    assert "Options : importer comme client" in out, out + proc.stderr
    assert "doublons ignorer" in out or "doublons : ignorer" in out
    for dutch in ("klant", "overslaan", "nee ·", "contactpersonen"):
        assert dutch not in out.split("Options :")[1].splitlines()[0]
    # nothing left running: the dry run stopped the sandbox it started
    state = tmp_path / "data" / "numnum-xl" / "sandbox.json"
    deadline = time.monotonic() + 10
    while state.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not state.exists(), "the sandbox started by the dry run is still running"


def test_sigterm_leaves_no_forked_worker(tmp_path: Path) -> None:
    """A SIGTERM to `validate` takes its forked validation worker with it."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the worker is forked on Linux only")
    book = tmp_path / "groot.xlsx"
    rows, _ = customers(30_000, seed=3, fault_rate=0.1)
    write_xlsx(str(book), rows)
    proc = subprocess.Popen([sys.executable, "-m", "numnum_xl", "validate", str(book)],
                            env=env_for(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not children and proc.poll() is None:
        children = _children(proc.pid)
        time.sleep(0.05)
    if not children:
        proc.kill()
        pytest.skip("validation finished before a worker could be seen")
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if _alive(pid)}
        time.sleep(0.1)
    for pid in alive:  # do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive, f"forked workers {alive} outlived their parent"


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# --- the command line itself: argparse, help texts, command names ---------------------------

def test_argparse_errors_and_help_follow_lang(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--lang", "fr"])
    err = capsys.readouterr().err
    assert err.startswith("utilisation : ") and "erreur : ces arguments sont obligatoires" in err
    with pytest.raises(SystemExit):
        main(["validate", "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert "Check every cell" in out and "customer list: .xlsx" in out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("gebruik: ") and "argumenten:" in out and "opties:" in out


@pytest.mark.parametrize("command", ["validate", "map", "template", "push", "clear",
                                     "duplicates", "token", "relaties", "boekingen",
                                     "controleer", "sjabloon", "build", "install"])
def test_every_help_text_of_the_main_commands_is_translated(command: str) -> None:
    from numnum_xl.cli import build_parser
    from numnum_xl.cli_text import HELP, parsers

    parser = build_parser("nl")
    sub = next(p for p in parsers(parser) if p.prog.split()[-1] == command)
    texts = [sub.description] + [a.help for a in sub._actions if a.help] + \
        [g.title for g in sub._action_groups if g.title not in ("argumenten", "opties",
                                                                  "positional arguments",
                                                                  "options")]
    texts = [t for t in texts if t and t not in ("show this help message and exit",
                                                 "toon deze hulp en stop")]
    missing = [t for t in texts if t not in HELP]
    assert missing == [], missing


def test_english_names_with_dutch_aliases(small_book, tmp_path: Path, capsys) -> None:
    assert main(["valideer", str(small_book), "--json"]) == 1
    assert '"findings"' in capsys.readouterr().out
    out = tmp_path / "sjabloon.xlsx"
    assert main(["exact", "template", str(out)]) == 0 and out.is_file()
    out.unlink()
    assert main(["exact", "sjabloon", str(out)]) == 0 and out.is_file()  # the old name works
    with pytest.raises(SystemExit):
        main(["exact", "--help"])
    helped = capsys.readouterr().out
    assert "relations (relaties)" in helped and "check (controleer)" in helped


# --- progress ---------------------------------------------------------------------------------

def _on_terminal(cmd: list[str], env: dict[str, str]) -> tuple[int, str]:
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return proc.wait(60), seen.decode("utf-8", "replace")


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("rows", [600, 2500])  # validated in this process / in a forked one
def test_validate_shows_progress_on_a_terminal_only(tmp_path: Path, rows: int) -> None:
    book = tmp_path / "k.xlsx"
    write_xlsx(str(book), customers(rows, seed=5, fault_rate=0.0)[0])
    env = env_for(tmp_path)
    cmd = [sys.executable, "-m", "numnum_xl", "validate", str(book), "--lang", "en"]
    _, screen = _on_terminal(cmd, env)
    assert f"{rows}/{rows} rows checked" in screen, screen
    assert f"0/{rows} rows checked · ?/s, ?\r\n" not in screen  # no second, stale bar
    _, screen = _on_terminal([*cmd, "--json"], env)
    assert "rows checked" not in screen
    quiet = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert "rows checked" not in quiet.stderr + quiet.stdout
