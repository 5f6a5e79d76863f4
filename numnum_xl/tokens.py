"""Where the token may go and where it comes from: API addresses (https, or http on this
computer only), tokens per API address (env ``NUMNUM_API_TOKEN`` for ``NUMNUM_API_URL``, the OS
keyring), and the :class:`Account` a push uses.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from numnum_xl.settings import ENV_API_TOKEN, ENV_API_URL, Settings, load_settings

#: OS keyring service; the user name is the API URL (one token per API address).
KEYRING_SERVICE = "numnum-xl"
#: The keyring user older versions kept a token "for any URL" under; never used any more.
KEYRING_DEFAULT_USER = "default"
#: A token is printable ASCII without spaces (a header value cannot hold anything else).
_TOKEN = re.compile(r"[\x21-\x7e]{1,4096}")
#: Every token this process has read: redacted from any text shown or logged.
_SEEN: set[str] = set()


class AccountError(Exception):
    """No usable account (a bad URL, a missing or malformed token); one sentence for the user."""


def valid_token(token: str) -> bool:
    """Whether ``token`` can go in an ``Authorization`` header as it is.

    >>> [valid_token(t) for t in ("abc-123_XYZ.=", "abc 123", "abc\\n", "abc\u2013d", "")]
    [True, False, False, False, False]
    """
    return bool(_TOKEN.fullmatch(token))


def check_token(token: str, where: str) -> str:
    """``token`` stripped, or :class:`AccountError` naming what is wrong (never the token)."""
    text = token.strip()
    if not valid_token(text):
        odd = next((ch for ch in text if not ("\x21" <= ch <= "\x7e")), "")
        what = ("een spatie of regeleinde" if odd.isspace() or not odd
                else f"het teken U+{ord(odd):04X}")
        raise AccountError(f"Het API-token {where} bevat {what}; een token bestaat alleen uit "
                           f"letters, cijfers en leestekens zonder spaties (een gedachtestreepje "
                           f"van autocorrectie of een regeleinde bij het kopiëren sluipt er "
                           f"makkelijk in). Plak het opnieuw, bv. met: numnum-xl token set")
    _SEEN.add(text)
    return text


def redact(text: str) -> str:
    """``text`` with every token this process has read replaced by ``***``.

    >>> _ = check_token("geheim-123456", "hier")
    >>> redact("Bearer geheim-123456 werd geweigerd")
    'Bearer *** werd geweigerd'
    """
    for token in sorted(_SEEN, key=len, reverse=True):
        if token and token in text:
            text = text.replace(token, "***")
    return text


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer, judged by address: 127.0.0.0/8, ``::1``, or the
    name ``localhost`` when every address it resolves to is one of those. Any other name is
    not loopback, whatever it resolves to today (``evil.localhost``, ``127.0.0.1.nip.io``).

    >>> is_loopback("127.0.0.2"), is_loopback("[::1]"), is_loopback("::ffff:127.0.0.1")
    (True, True, True)
    >>> is_loopback("numnum.be"), is_loopback("10.0.0.1"), is_loopback("evil.localhost")
    (False, False, False)
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return False
        return bool(infos) and all(_loopback_address(i[4][0]) for i in infos)
    return _loopback_address(name)


def _loopback_address(text: str) -> bool:
    try:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return (mapped or addr).is_loopback


def check_api_url(url: str) -> str:
    """``url`` without trailing slash, or :class:`ValueError`: https, or http on loopback only."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValueError(f"{url!r} is geen geldig NumNum-adres "
                         f"(verwacht bv. https://HOST/api/v1)") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"{url!r} is geen geldig NumNum-adres (verwacht bv. https://HOST/api/v1)")
    if parts.username or parts.password:
        raise ValueError("Zet geen gebruikersnaam of wachtwoord in het NumNum-adres; het token "
                         "hoort in NUMNUM_API_TOKEN of in de sleutelhanger.")
    if parts.scheme == "http" and not is_loopback(host):
        raise ValueError(f"NumNum-adres {text} gebruikt geen https: het token zou onversleuteld "
                         f"over het netwerk gaan. Gebruik https:// (http:// mag alleen voor deze "
                         f"computer: localhost, 127.0.0.1, ::1).")
    return text.rstrip("/")


def _same_url(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        return check_api_url(a).casefold() == check_api_url(b).casefold()
    except ValueError:
        return False


def token_for(api_url: str) -> tuple[str | None, str]:
    """The token for ``api_url`` and where it came from: env ``NUMNUM_API_TOKEN`` when
    ``api_url`` is the address in ``NUMNUM_API_URL``, else the OS keyring entry of exactly
    that address (service ``numnum-xl``, user = the API URL).

    Returns ``(None, "")`` when there is none; a keyring that is missing, locked or broken
    counts as none. A token that is not printable ASCII without spaces: :class:`AccountError`.
    """
    env = os.environ.get(ENV_API_TOKEN, "")
    if env.strip() and _same_url(os.environ.get(ENV_API_URL), api_url):
        return check_token(env, f"in {ENV_API_TOKEN}"), "env"
    try:
        import keyring
    except ImportError:
        return None, ""
    try:
        found = keyring.get_password(KEYRING_SERVICE, api_url.rstrip("/"))
    except Exception:  # no backend, locked, D-Bus trouble: no token
        return None, ""
    if found and found.strip():
        return check_token(found, f"in de sleutelhanger voor {api_url.rstrip('/')}"), "keyring"
    return None, ""


def store_token(api_url: str, token: str) -> None:
    """Keep ``token`` for ``api_url`` in the OS keyring (raises if there is no keyring;
    :class:`AccountError` for a token that cannot be one)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, api_url.rstrip("/"), check_token(token, "dat je gaf"))


@dataclass(frozen=True)
class Account:
    """Where a push goes. ``destination`` identifies it across runs (the sandbox's port may
    change between runs; its ``destination`` does not)."""

    base_url: str
    token: str = field(repr=False)
    #: "argument", "env", "settings" or "sandbox"
    source: str
    destination: str

    @property
    def is_sandbox(self) -> bool:
        """Whether this is the local sandbox (the rehearsal environment)."""
        return self.source == "sandbox"

    @property
    def root_url(self) -> str:
        """``scheme://host:port`` of the base URL."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def resolve_account(api_url: str | None = None, *, sandbox: bool = False,
                    settings: Settings | None = None,
                    start_sandbox: Callable[[], tuple[str, str]] | None = None) -> Account:
    """The account a push uses, in this order: ``sandbox`` (the local sandbox), ``api_url``
    (``--api-url``), env ``NUMNUM_API_URL``, the settings file; with none of them, the local
    sandbox, started on the fly (``ensure_default_sandbox``)."""
    settings = settings if settings is not None else load_settings()
    if not sandbox:
        for url, source in ((api_url, "argument"), (os.environ.get(ENV_API_URL), "env"),
                            (settings.api_url, "settings")):
            if url and url.strip():
                try:
                    base = check_api_url(url)
                except ValueError as exc:
                    raise AccountError(str(exc)) from None
                token, _ = token_for(base)
                if not token:
                    raise AccountError(
                        f"Geen API-token voor {base}: zet het in de omgevingsvariabele "
                        f"{ENV_API_TOKEN} (met {ENV_API_URL}={base}) of bewaar het in de "
                        f"sleutelhanger van het besturingssysteem (dienst «{KEYRING_SERVICE}», "
                        f"gebruiker {base}), bv. met: keyring set {KEYRING_SERVICE} {base}")
                return Account(base, token, source, base)
    return _sandbox_account(start_sandbox)


def configured_url(settings: Settings | None = None) -> str | None:
    """The API address the user configured (env ``NUMNUM_API_URL``, else the settings file)."""
    settings = settings if settings is not None else load_settings()
    for url in (os.environ.get(ENV_API_URL), settings.api_url):
        if url and url.strip():
            return url.strip()
    return None


def account_for_workbook(workbook_url: str | None, *, settings: Settings | None = None,
                         start_sandbox: Callable[[], tuple[str, str]] | None = None) -> Account:
    """The account for a push started from a workbook (the Excel add-in).

    The destination is the user's own configuration, never the workbook: a workbook received
    from someone else may name their server. A workbook that names an address says which
    account it belongs to; when it is not the configured one nothing is sent and the user is
    told how to choose it outside the workbook.
    """
    configured = configured_url(settings)
    named = (workbook_url or "").strip()
    if named and not _same_url(named, configured):
        shown = named if len(named) <= 80 else named[:79] + "…"
        raise AccountError(
            f"Deze werkmap noemt NumNum-adres {shown}, maar deze computer is ingesteld op "
            f"{configured or 'de lokale oefenomgeving'}. Het token gaat alleen naar het adres "
            f"dat je zelf instelde, niet naar een adres uit een werkmap. Is {shown} echt jouw "
            f"NumNum? Stel het dan buiten de werkmap in: numnum-xl push --api-url {shown} "
            f"--bewaar-instellingen, en bewaar het token ervoor met: numnum-xl token set "
            f"--api-url {shown}")
    return resolve_account(None, settings=settings, start_sandbox=start_sandbox)


def _sandbox_account(start_sandbox: Callable[[], tuple[str, str]] | None) -> Account:
    if start_sandbox is None:
        from numnum_xl.sandbox import ensure_default_sandbox

        start_sandbox = ensure_default_sandbox
    try:
        base, token = start_sandbox()
    except Exception as exc:  # one sentence, never a traceback
        raise AccountError(f"De lokale oefenomgeving (sandbox) kon niet starten: {exc}") from None
    return Account(base.rstrip("/"), token, "sandbox", "sandbox")
