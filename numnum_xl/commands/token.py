"""``numnum-xl token set|clear``: keep the NumNum API token in the OS keyring (never in a
workbook or a file of ours)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``token`` command."""
    p = sub.add_parser("token", help="bewaar of wis het NumNum API-token in de sleutelhanger "
                                     "van het systeem")
    p.add_argument("action", choices=("set", "clear"),
                   help="set: vraag het token en bewaar het; clear: wis het")
    p.add_argument("--api-url", help="het API-adres waarvoor het token geldt (standaard het "
                                     "ingestelde adres)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Ask for the token without echoing it and store it, or delete it."""
    import getpass

    from numnum_xl.cli import UsageError
    from numnum_xl.client import (
        KEYRING_SERVICE,
        AccountError,
        check_api_url,
        load_settings,
        store_token,
    )

    url = args.api_url or load_settings().api_url
    if not url:
        raise UsageError("geen API-adres: geef --api-url of bewaar het eerst met "
                         "numnum-xl push --api-url URL --bewaar-instellingen")
    try:
        url = check_api_url(url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError
    except ImportError:
        raise UsageError("het pakket keyring ontbreekt; zet het token in de omgevingsvariabele "
                         "NUMNUM_API_TOKEN") from None
    try:
        if args.action == "clear":
            try:
                keyring.delete_password(KEYRING_SERVICE, url.rstrip("/"))
            except PasswordDeleteError:
                print(f"Er was geen token bewaard voor {url}.")
                return 0
            print(f"Token voor {url} gewist.")
            return 0
        if sys.stdin.isatty():
            token = getpass.getpass(f"API-token voor {url} (wordt niet getoond): ").strip()
        else:  # piped in by a script: `printf %s "$TOKEN" | numnum-xl token set`
            token = sys.stdin.readline().strip()
        if not token:
            raise UsageError("leeg token: niets bewaard")
        try:
            store_token(url, token)
        except AccountError as exc:  # a space, line break or non-ASCII character
            raise UsageError(str(exc)) from None
    except KeyringError:
        raise UsageError("de sleutelhanger van het systeem is niet bruikbaar (vergrendeld of "
                         "niet ingesteld); zet het token in de omgevingsvariabele "
                         "NUMNUM_API_TOKEN") from None
    print(f"Token bewaard in de sleutelhanger voor {url}.", file=sys.stderr)
    return 0
