"""Where the token may go and where it comes from: API addresses (https, or http on this
computer only), tokens per API address (env ``NUMNUM_API_TOKEN`` for ``NUMNUM_API_URL``, the OS
keyring), and the :class:`Account` a push uses.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from numnum_xl.settings import ENV_API_TOKEN, ENV_API_URL, Settings, load_settings

#: OS keyring service; the user name is the API URL (or ``default`` for any URL).
KEYRING_SERVICE = "numnum-xl"
KEYRING_DEFAULT_USER = "default"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this computer (``localhost``, 127.0.0.0/8, ``::1``).

    >>> is_loopback("localhost"), is_loopback("127.0.0.2"), is_loopback("[::1]")
    (True, True, True)
    >>> is_loopback("numnum.be"), is_loopback("10.0.0.1")
    (False, False)
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


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


def token_for(api_url: str) -> tuple[str | None, str]:
    """The token for ``api_url`` and where it came from: env ``NUMNUM_API_TOKEN`` first, then
    the OS keyring (service ``numnum-xl``, user = the API URL, else ``default``).

    Returns ``(None, "")`` when there is none; a keyring that is missing, locked or broken
    counts as none.
    """
    env = os.environ.get(ENV_API_TOKEN, "").strip()
    if env:
        return env, "env"
    try:
        import keyring
    except ImportError:
        return None, ""
    for user in (api_url.rstrip("/"), KEYRING_DEFAULT_USER):
        try:
            found = keyring.get_password(KEYRING_SERVICE, user)
        except Exception:  # no backend, locked, D-Bus trouble: no token
            return None, ""
        if found and found.strip():
            return found.strip(), "keyring"
    return None, ""


def store_token(api_url: str, token: str) -> None:
    """Keep ``token`` for ``api_url`` in the OS keyring (raises if there is no keyring)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, api_url.rstrip("/"), token)


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


class AccountError(Exception):
    """No usable account (a bad URL, a missing token); one sentence for the user."""


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
                        f"{ENV_API_TOKEN} of bewaar het in de sleutelhanger van het "
                        f"besturingssysteem (dienst «{KEYRING_SERVICE}», gebruiker {base}), "
                        f"bv. met: keyring set {KEYRING_SERVICE} {base}")
                return Account(base, token, source, base)
    if start_sandbox is None:
        from numnum_xl.sandbox import ensure_default_sandbox

        start_sandbox = ensure_default_sandbox
    try:
        base, token = start_sandbox()
    except Exception as exc:  # one sentence, never a traceback
        raise AccountError(f"De lokale oefenomgeving (sandbox) kon niet starten: {exc}") from None
    return Account(base.rstrip("/"), token, "sandbox", "sandbox")
