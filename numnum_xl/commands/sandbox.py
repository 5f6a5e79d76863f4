"""``numnum-xl sandbox``: run the local NumNum API sandbox (the whole API contract on SQLite).

Listens on loopback only. The token comes from ``--token``, env ``NUMNUM_SANDBOX_TOKEN`` or the
token file in the user data folder (made on first use, mode 0600); it is only printed with
``--show-token``. Faults (server errors, 429s, latency, dropped connections) are off unless
asked for, and can be changed at run time with ``POST /_sandbox/faults``.

Heavy imports (fastapi, uvicorn) happen inside :func:`run`, so ``numnum-xl --help`` stays fast.
``python -m numnum_xl.sandbox`` runs the same command (:func:`main`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DESCRIPTION = (
    "Start een lokale NumNum-API-sandbox: het volledige API-contract op SQLite, alleen op "
    "loopback. Om te testen en te oefenen zonder NumNum-account; fouten (serverfouten, 429, "
    "vertraging, verbroken verbindingen) zijn uit tenzij gevraagd."
)

#: CLI flags that map onto FaultConfig fields (flag dest -> field).
_FAULT_FLAGS = {
    "fail_rate": "fail_rate", "fail_status": "fail_statuses", "throttle_rate": "throttle_rate",
    "retry_after": "retry_after", "rate_limit": "rate_limit", "latency_ms": "latency_ms",
    "latency_jitter_ms": "latency_jitter_ms", "drop_rate": "drop_rate",
    "drop_before_rate": "drop_before_rate", "drop_after_rate": "drop_after_rate",
    "fault_methods": "methods", "seed": "seed",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the sandbox options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="loopback-adres om op te luisteren: 127.0.0.1 (standaard) of ::1")
    parser.add_argument("--port", type=int, default=8765,
                        help="poort (standaard 8765; 0 = een vrije poort)")
    parser.add_argument("--db", metavar="FILE",
                        help="SQLite-databank (standaard: sandbox.sqlite3 in de gebruikersmap "
                             "van numnum-xl; :memory: bewaart niets)")
    parser.add_argument("--token", help="API-token (liever via NUMNUM_SANDBOX_TOKEN: een "
                                        "argument is zichtbaar voor andere gebruikers)")
    parser.add_argument("--show-token", action="store_true", help="toon het token")
    faults = parser.add_argument_group("fouten injecteren (standaard alles uit)")
    faults.add_argument("--fail-rate", type=float, metavar="R",
                        help="aandeel API-verzoeken dat een serverfout krijgt (voor er iets "
                             "geschreven is)")
    faults.add_argument("--fail-status", metavar="CODES", type=_codes,
                        help="serverfoutcodes om uit te kiezen, bv. 500,502,503 (standaard 500)")
    faults.add_argument("--throttle-rate", type=float, metavar="R",
                        help="aandeel dat 429 met Retry-After krijgt")
    faults.add_argument("--retry-after", type=int, metavar="S",
                        help="Retry-After-seconden van geïnjecteerde 429's (standaard 1)")
    faults.add_argument("--rate-limit", metavar="N/s",
                        help="snelheidslimiet, bv. 20/s of 600/min: daarboven 429 met Retry-After")
    faults.add_argument("--latency-ms", type=float, metavar="MS",
                        help="extra vertraging per verzoek")
    faults.add_argument("--latency-jitter-ms", type=float, metavar="MS",
                        help="willekeurige extra vertraging, tot MS")
    faults.add_argument("--drop-rate", type=float, metavar="R",
                        help="aandeel verbroken verbindingen, de helft voor en de helft na het "
                             "schrijven")
    faults.add_argument("--drop-before-rate", type=float, metavar="R",
                        help="aandeel verbindingen verbroken voor het verzoek behandeld is")
    faults.add_argument("--drop-after-rate", type=float, metavar="R",
                        help="aandeel verbindingen verbroken na het schrijven (opgeslagen, maar "
                             "de client krijgt geen antwoord)")
    faults.add_argument("--fault-methods", type=_methods, metavar="METHODS",
                        help="alleen deze methodes krijgen fouten, bv. POST,PUT (standaard: alle)")
    faults.add_argument("--seed", type=int, help="seed van de foutentrekking (herhaalbare runs)")
    faults.add_argument("--faults-json", metavar="JSON",
                        help="foutinstellingen als JSON-object (velden van FaultConfig)")
    parser.add_argument("--idle-timeout", type=float, metavar="S",
                        help="stop na S seconden zonder verzoeken")
    parser.add_argument("--access-log", action="store_true", help="log elk verzoek")
    parser.add_argument("--status", action="store_true",
                        help="toon de standaard-sandbox die op de achtergrond draait")
    parser.add_argument("--stop", action="store_true",
                        help="stop de standaard-sandbox die op de achtergrond draait")
    # internal: used by numnum_xl.sandbox.process to run and watch child processes
    for flag, kwargs in (("--state-file", {}), ("--data-dir", {}),
                         ("--parent-pid", {"type": int}),
                         ("--watch-stdin", {"action": "store_true"}),
                         ("--detached", {"action": "store_true"})):
        parser.add_argument(flag, help=argparse.SUPPRESS, **kwargs)


def _codes(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen lijst van statuscodes: {text!r}") from None


def _methods(text: str) -> list[str]:
    return [part.strip().upper() for part in text.split(",") if part.strip()]


def register(subparsers: Any) -> None:
    """Add ``numnum-xl sandbox`` to the CLI."""
    parser = subparsers.add_parser(
        "sandbox", help="start een lokale NumNum-API-sandbox (testen zonder account)",
        description=DESCRIPTION)
    add_arguments(parser)
    parser.set_defaults(func=run)


def _fault_settings(args: argparse.Namespace) -> dict[str, Any]:
    settings = {field: getattr(args, dest) for dest, field in _FAULT_FLAGS.items()
                if getattr(args, dest, None) is not None}
    if args.faults_json:
        extra = json.loads(args.faults_json)
        if not isinstance(extra, dict):
            raise ValueError("--faults-json moet een JSON-object zijn")
        settings.update(extra)
    return settings


def _describe_faults(config: Any) -> str:
    parts = []
    for name, label in (("fail_rate", "serverfouten"), ("throttle_rate", "429's"),
                        ("drop_before_rate", "verbroken voor het schrijven"),
                        ("drop_after_rate", "verbroken na het schrijven")):
        if getattr(config, name):
            parts.append(f"{getattr(config, name) * 100:g}% {label}")
    if config.latency_ms or config.latency_jitter_ms:
        parts.append(f"+{config.latency_ms:g} ms vertraging")
    if config.rate_limit:
        parts.append(f"max. {config.rate_limit:g} verzoeken/s")
    if config.seed is not None:
        parts.append(f"seed {config.seed}")
    return ", ".join(parts) or "geen"


def run(args: argparse.Namespace) -> int:
    """Run the sandbox in the foreground until Ctrl+C (or handle ``--status`` / ``--stop``)."""
    from numnum_xl.cli import UsageError
    from numnum_xl.sandbox import config as cfg
    from numnum_xl.sandbox.faults import FaultConfig
    from numnum_xl.sandbox.process import default_sandbox_status, probe, stop_default_sandbox
    from numnum_xl.sandbox.server import bind_socket, read_state, serve

    data_dir = Path(args.data_dir) if args.data_dir else cfg.default_data_dir()
    if args.status or args.stop:
        state = default_sandbox_status(data_dir)
        if state is None:
            print("numnum-xl sandbox: er draait geen standaard-sandbox")
            return 0
        if args.stop:
            stop_default_sandbox(data_dir)
            print(f"numnum-xl sandbox: sandbox op {state['base_url']} gestopt "
                  f"(pid {state['pid']})")
        else:
            print(f"numnum-xl sandbox: draait op {state['base_url']} (pid {state['pid']}, "
                  f"databank {state.get('db')})")
        return 0

    try:
        host = cfg.loopback_host(args.host)
    except ValueError:
        raise UsageError(f"de sandbox luistert alleen op een loopback-adres (127.0.0.1 of "
                         f"::1), niet op {args.host!r}: ze mag nooit aan een netwerk hangen"
                         ) from None
    try:
        faults = FaultConfig.from_dict(_fault_settings(args))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"ongeldige foutinstellingen: {exc}") from None

    default_db = data_dir / cfg.DB_FILE
    if args.db == ":memory:":
        db: Path | None = None
    else:
        db = Path(args.db).expanduser() if args.db else default_db
    token, source, token_path = cfg.resolve_token(args.token, data_dir)

    state_file = Path(args.state_file) if args.state_file else None
    if state_file is None and db is not None and db.resolve() == default_db.resolve() \
            and source != "argument":
        # the user's default sandbox: register it so that `push` finds it
        state_file = data_dir / cfg.STATE_FILE
        running = read_state(state_file)
        if running and probe(running["root_url"], pid=running.get("pid")) == "ok":
            raise UsageError(f"er draait al een sandbox op deze databank: "
                             f"{running['base_url']} (pid {running['pid']}); stop ze met "
                             f"`numnum-xl sandbox --stop`")

    try:
        sock = bind_socket(host, args.port)
    except OSError as exc:
        raise UsageError(f"{exc.strerror or exc} (kies een andere --port, of 0)") from None

    def announce(state: dict[str, Any]) -> None:
        if source == "file":
            where = f"bewaard in {token_path}"
        else:
            where = "uit NUMNUM_SANDBOX_TOKEN" if source == "env" else "meegegeven met --token"
        shown = token if args.show_token else f"{where} (tonen: --show-token)"
        print(f"NumNum-sandbox luistert op {state['base_url']}\n"
              f"  databank: {state['db'] or 'in het geheugen'}\n"
              f"  token:    {shown}\n"
              f"  fouten:   {_describe_faults(faults)}  (wijzigen: POST /_sandbox/faults)\n"
              f"  stats:    {state['root_url']}/_sandbox/stats   docs: "
              f"{state['root_url']}/_sandbox/docs\n"
              f"Stoppen: Ctrl+C", flush=True)

    return serve(
        db, token, host=host, faults=faults, state_file=state_file,
        state_extra={"detached": bool(args.detached)}, watch_stdin=args.watch_stdin,
        parent_pid=args.parent_pid, idle_timeout=args.idle_timeout,
        access_log=args.access_log, announce=announce, sock=sock,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m numnum_xl.sandbox [options]``: the same as ``numnum-xl sandbox``."""
    from numnum_xl.cli import UsageError

    parser = argparse.ArgumentParser(prog="numnum-xl sandbox", description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UsageError as exc:
        print(f"numnum-xl: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
