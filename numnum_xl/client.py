"""Everything that depends on NumNum's API contract (shared/numnum-api/contract.md), in one place.

Adapting numnum-xl to NumNum's production API means changing this module only:

* **settings**: where the API is (``NUMNUM_API_URL``, the settings file, ``--api-url``) and which
  token it takes (env ``NUMNUM_API_TOKEN`` or the OS keyring, service ``numnum-xl``), the import
  options a user keeps as defaults; :func:`resolve_account` falls back to the local sandbox;
* **transport**: :class:`NumNumClient`, a ``requests`` session per thread with connect/read
  timeouts, retries with exponential backoff and jitter on 5xx and dropped connections, 429
  answered by waiting ``Retry-After`` (every thread waits), paging (``per_page`` 100), no
  redirects, and errors as :class:`ApiError` with a message in the user's language;
* **payloads**: :func:`build_payload` (a create) and :func:`update_payload` (an overwrite) map one
  validated sheet row (:attr:`numnum_xl.validate.Report.values`) onto the contract's fields,
  deriving the field list and each field's type from :mod:`numnum_xl.catalogue`;
* **idempotency**: :func:`idempotency_key`, so a retried create can never make a second contact.

The token is never part of a message, a ``repr``, a log line or a file: it lives in a
:class:`BearerAuth` (whose ``repr`` hides it) and every text that came from the network passes
through a redaction before it is shown. Importing this module starts nothing and opens no
connection (``requests`` and ``keyring`` are imported when first needed).

>>> values = {"title": "Bakkerij Janssen BV", "last_name": "Janssen", "first_name": "Pieter",
...           "company_type": "BV", "vat_id": "0123456749", "vat_percentage": "21",
...           "vat_shifted": "nee", "payment_term": 30, "auto_reminder": "Ja",
...           "contactperson_first_name": "An", "contactperson_last_name": "Peeters"}
>>> p = build_payload(values, ImportOptions(as_="beide"), import_batch="b1")
>>> p["company_type"], p["type"], p["vat_percentage"], p["vat_shifted"], p["auto_reminder"]
('bedrijf', 'bv', 21, False, True)
>>> p["is_customer"], p["is_supplier"], p["contact_persons"], p["import_batch"]
(True, True, [{'first_name': 'An', 'last_name': 'Peeters'}], 'b1')
>>> person = build_payload({"title": "Marie Dupont", "last_name": "Dupont",
...                         "first_name": "Marie"}, ImportOptions(), import_batch="b1")
>>> person["company_type"], "type" in person
('particulier', False)
>>> check_api_url("http://numnum.example/api/v1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: NumNum-adres http://numnum.example/api/v1 gebruikt geen https: ...
>>> check_api_url("http://localhost:8765/api/v1/")
'http://localhost:8765/api/v1'
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import math
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from numnum_xl import __version__
from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS, LEGAL_FORM_ALIASES, LEGAL_FORMS
from numnum_xl.rules.party import is_private_person

if TYPE_CHECKING:  # pragma: no cover
    import requests

# --- settings --------------------------------------------------------------------------------

#: Environment variables.
ENV_API_URL = "NUMNUM_API_URL"
ENV_API_TOKEN = "NUMNUM_API_TOKEN"
ENV_CONFIG_DIR = "NUMNUM_XL_CONFIG_DIR"
#: OS keyring service; the user name is the API URL (or ``default`` for any URL).
KEYRING_SERVICE = "numnum-xl"
KEYRING_DEFAULT_USER = "default"
SETTINGS_FILE = "settings.json"
#: Largest page the contract allows.
PER_PAGE = 100
#: Statuses the contract says to retry with backoff (429 is handled on its own).
RETRY_STATUSES = frozenset({500, 502, 503, 504})

#: Import options: canonical (Dutch, as NumNum's dialog says it) value -> accepted spellings.
AS_CHOICES: dict[str, tuple[str, ...]] = {
    "klant": ("klant", "klanten", "customer", "customers", "client", "clients"),
    "leverancier": ("leverancier", "leveranciers", "supplier", "suppliers", "fournisseur"),
    "beide": ("beide", "both", "les deux", "tous les deux"),
}
YES_NO_CHOICES: dict[str, tuple[str, ...]] = {
    "ja": ("ja", "yes", "y", "j", "oui", "true", "ook importeren"),
    "nee": ("nee", "no", "n", "non", "false", "niet importeren"),
}
DUPLICATE_CHOICES: dict[str, tuple[str, ...]] = {
    "overslaan": ("overslaan", "skip", "ignorer"),
    "overschrijven": ("overschrijven", "overwrite", "update", "écraser", "ecraser"),
    "nieuw": ("nieuw", "nieuw aanmaken", "new", "create", "nouveau"),
}
DELETE_CHOICES: dict[str, tuple[str, ...]] = {
    "nee": ("nee", "no", "none", "non"),
    "eerder": ("eerder", "previous", "previously", "imported", "précédents", "precedents",
               "verwijder de eerder geïmporteerde items"),
    "alles": ("alles", "all", "tout", "verwijder alles"),
}


def choose(value: str, choices: Mapping[str, tuple[str, ...]]) -> str:
    """The canonical option for ``value`` (any accepted spelling, case-insensitive).

    >>> choose("Customer", AS_CHOICES), choose("skip", DUPLICATE_CHOICES)
    ('klant', 'overslaan')
    >>> choose("misschien", YES_NO_CHOICES)
    Traceback (most recent call last):
    ...
    ValueError: ongeldige keuze 'misschien' (kies uit: ja, nee)
    """
    text = " ".join(str(value).strip().casefold().replace("_", " ").split())
    for canonical, spellings in choices.items():
        if text == canonical or text in spellings:
            return canonical
    raise ValueError(f"ongeldige keuze {value!r} (kies uit: {', '.join(choices)})")


@dataclass(frozen=True)
class ImportOptions:
    """NumNum's import dialog, as options (canonical Dutch values)."""

    #: "Importeren als": klant, leverancier or beide
    as_: str = "klant"
    #: "Contactpersonen": ook importeren (True) or niet (False)
    contact_persons: bool = True
    #: "Bij duplicaten": overslaan, overschrijven or nieuw
    duplicates: str = "overslaan"
    #: "Klanten verwijderen": nee, eerder or alles
    delete: str = "nee"

    def __post_init__(self) -> None:
        for value, choices in ((self.as_, AS_CHOICES), (self.duplicates, DUPLICATE_CHOICES),
                               (self.delete, DELETE_CHOICES)):
            if value not in choices:
                raise ValueError(f"ongeldige keuze {value!r} (kies uit: {', '.join(choices)})")

    @property
    def is_customer(self) -> bool:
        """Whether imported contacts are customers."""
        return self.as_ in ("klant", "beide")

    @property
    def is_supplier(self) -> bool:
        """Whether imported contacts are suppliers."""
        return self.as_ in ("leverancier", "beide")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with NumNum's words (for the journal and the settings file)."""
        return {"as": self.as_, "contactpersonen": "ja" if self.contact_persons else "nee",
                "duplicaten": self.duplicates, "verwijderen": self.delete}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportOptions:
        """The inverse of :meth:`as_dict` (any accepted spelling)."""
        out: dict[str, Any] = {}
        if data.get("as") is not None:
            out["as_"] = choose(data["as"], AS_CHOICES)
        if data.get("contactpersonen") is not None:
            out["contact_persons"] = choose(str(data["contactpersonen"]),
                                            YES_NO_CHOICES) == "ja"
        if data.get("duplicaten") is not None:
            out["duplicates"] = choose(data["duplicaten"], DUPLICATE_CHOICES)
        if data.get("verwijderen") is not None:
            out["delete"] = choose(data["verwijderen"], DELETE_CHOICES)
        return cls(**out)


def config_dir() -> Path:
    """numnum-xl's config folder: ``NUMNUM_XL_CONFIG_DIR`` or the user config dir."""
    base = os.environ.get(ENV_CONFIG_DIR)
    if not base:
        from platformdirs import user_config_dir

        base = user_config_dir("numnum-xl", appauthor=False)
    return Path(base)


def settings_path() -> Path:
    """The settings file (``settings.json`` in :func:`config_dir`)."""
    return config_dir() / SETTINGS_FILE


@dataclass
class Settings:
    """What the settings file holds: where the API is, and the default import options.

    A token is never stored here (it goes in the OS keyring); neither is a delete option:
    deleting is chosen on the command line each time.
    """

    api_url: str | None = None
    #: default import options, NumNum's words (as / contactpersonen / duplicaten)
    options: dict[str, str] = field(default_factory=dict)
    #: how many rows are sent at once
    threads: int | None = None

    def import_options(self, **overrides: Any) -> ImportOptions:
        """The stored options with ``overrides`` (None values ignored) on top."""
        data = {k: v for k, v in self.options.items() if k != "verwijderen"}
        data.update({k: v for k, v in overrides.items() if v is not None})
        return ImportOptions.from_dict(data)


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; missing or unreadable: defaults (never raises for a bad file)."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    options = data.get("options") if isinstance(data.get("options"), dict) else {}
    threads = data.get("threads")
    return Settings(api_url=data.get("api_url") if isinstance(data.get("api_url"), str) else None,
                    options={str(k): str(v) for k, v in options.items() if k != "verwijderen"},
                    threads=threads if isinstance(threads, int) and threads > 0 else None)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings file atomically; returns its path."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"api_url": settings.api_url,
                            "options": {k: v for k, v in settings.options.items()
                                        if k != "verwijderen"}}
    if settings.threads:
        data["threads"] = settings.threads
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


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


# --- errors ----------------------------------------------------------------------------------

_ERRORS: dict[str, tuple[str, str, str]] = {
    "auth": (
        "NumNum weigert het API-token (403): het is fout, verlopen of ingetrokken. Stel het "
        "juiste token in (NUMNUM_API_TOKEN of de sleutelhanger, dienst «numnum-xl»).",
        "NumNum refuse le jeton d'API (403) : il est erroné, expiré ou révoqué. Configurez le "
        "bon jeton (NUMNUM_API_TOKEN ou le trousseau, service « numnum-xl »).",
        "NumNum refuses the API token (403): it is wrong, expired or revoked. Set the right "
        "token (NUMNUM_API_TOKEN or the keyring, service “numnum-xl”).",
    ),
    "invalid": (
        "NumNum weigerde deze klant: {detail}",
        "NumNum a refusé ce client : {detail}",
        "NumNum refused this contact: {detail}",
    ),
    "not_found": (
        "Deze klant bestaat niet (meer) in NumNum (404).",
        "Ce client n'existe pas (plus) dans NumNum (404).",
        "This contact does not exist (any more) in NumNum (404).",
    ),
    "server": (
        "NumNum gaf een serverfout ({detail}), ook na {attempts} pogingen. Probeer later "
        "opnieuw: wat al verstuurd is, wordt niet opnieuw verstuurd.",
        "NumNum a renvoyé une erreur serveur ({detail}), même après {attempts} tentatives. "
        "Réessayez plus tard : ce qui a été envoyé ne sera pas renvoyé.",
        "NumNum answered with a server error ({detail}), even after {attempts} attempts. Try "
        "again later: what was sent will not be sent twice.",
    ),
    "rate_limited": (
        "NumNum vraagt om trager te versturen (429) en bleef dat doen. Probeer later opnieuw.",
        "NumNum demande de ralentir (429) et continue à le faire. Réessayez plus tard.",
        "NumNum asks to slow down (429) and kept doing so. Try again later.",
    ),
    "transport": (
        "Geen verbinding met NumNum ({detail}), ook na {attempts} pogingen. Controleer de "
        "internetverbinding en start opnieuw: wat al verstuurd is, wordt niet opnieuw verstuurd.",
        "Pas de connexion avec NumNum ({detail}), même après {attempts} tentatives. Vérifiez la "
        "connexion internet et relancez : ce qui a été envoyé ne sera pas renvoyé.",
        "No connection with NumNum ({detail}), even after {attempts} attempts. Check the "
        "internet connection and start again: what was sent will not be sent twice.",
    ),
    "redirect": (
        "Het NumNum-adres stuurt door ({detail}): pas de API-URL aan naar het juiste adres.",
        "L'adresse NumNum redirige ({detail}) : corrigez l'URL de l'API.",
        "The NumNum address redirects ({detail}): set the API URL to the right address.",
    ),
    "protocol": (
        "Onverwacht antwoord van NumNum ({detail}). Is het API-adres juist?",
        "Réponse inattendue de NumNum ({detail}). L'adresse de l'API est-elle correcte ?",
        "Unexpected answer from NumNum ({detail}). Is the API address right?",
    ),
    "refused": (
        "NumNum weigerde het verzoek ({detail}).",
        "NumNum a refusé la requête ({detail}).",
        "NumNum refused the request ({detail}).",
    ),
}
_LANG_INDEX = {"nl": 0, "fr": 1, "en": 2}


def _label(key: str, lang: str) -> str:
    f = FIELD_BY_KEY.get(key)
    return f.label(lang) if f else key


class ApiError(Exception):
    """A request that did not succeed; :meth:`message` says why in the user's language.

    ``kind``: auth, invalid, not_found, server, rate_limited, transport, redirect, protocol or
    refused. ``field_errors`` (a 406) maps contract fields to the server's messages.
    ``retryable``: a later run may succeed (network, server trouble, rate limit).
    """

    def __init__(self, kind: str, status: int | None = None, detail: str = "",
                 field_errors: dict[str, list[str]] | None = None, attempts: int = 1) -> None:
        self.kind = kind
        self.status = status
        self.detail = detail
        self.field_errors = field_errors or {}
        self.attempts = attempts
        super().__init__(self.message("nl"))

    @property
    def retryable(self) -> bool:
        """Whether trying again later may succeed."""
        return self.kind in ("server", "rate_limited", "transport")

    def message(self, lang: str = "nl") -> str:
        """One or two sentences in ``lang`` (nl, fr, en)."""
        template = _ERRORS[self.kind][_LANG_INDEX.get(lang, 0)]
        detail = self.detail
        if self.kind == "invalid" and self.field_errors:
            colon = " : " if lang == "fr" else ": "
            detail = "; ".join(f"{_label(k, lang)}{colon}{', '.join(v)}"
                               for k, v in self.field_errors.items())
        return template.format(detail=detail or self.status or "?", attempts=self.attempts)


class AuthError(ApiError):
    """The token was refused (403)."""


class NotFound(ApiError):
    """404: the contact does not exist."""


class PayloadError(ValueError):
    """A validated row that the contract still cannot take; ``key`` is the sheet field."""

    def __init__(self, key: str, message_nl: str, message_fr: str, message_en: str) -> None:
        super().__init__(message_nl)
        self.key = key
        self._messages = (message_nl, message_fr, message_en)

    def message(self, lang: str = "nl") -> str:
        """The reason in ``lang``."""
        return self._messages[_LANG_INDEX.get(lang, 0)]


# --- payloads --------------------------------------------------------------------------------

#: Sheet columns that become ``contact_persons`` rather than contact fields.
PERSON_KEYS: tuple[str, str] = ("contactperson_first_name", "contactperson_last_name")
#: Sheet fields sent as contract fields of the same name (the legal form is mapped apart).
PAYLOAD_KEYS: tuple[str, ...] = tuple(
    f.key for f in FIELDS if f.key not in PERSON_KEYS and f.kind != "legal_form")
_LEGAL_FORM_KEY = next(f.key for f in FIELDS if f.kind == "legal_form")
_BOOL_WORDS = {"ja": True, "yes": True, "nee": False, "no": False}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch not in " .-_/()")


_API_TYPE: dict[str, str] = {}
for _lf in LEGAL_FORMS:
    _API_TYPE.setdefault(_lf.code.casefold(), _lf.api_type)
    _API_TYPE.setdefault(_squash(_lf.code), _lf.api_type)
for _alias, _code in LEGAL_FORM_ALIASES.items():
    _target = next((lf.api_type for lf in LEGAL_FORMS if lf.code == _code), None)
    if _target:
        _API_TYPE.setdefault(_squash(_alias), _target)


def legal_form_type(value: Any) -> str | None:
    """The contract's ``type`` for a legal form as the sheet writes it (``None``: unknown).

    >>> legal_form_type("BV"), legal_form_type("b.v."), legal_form_type("CommV")
    ('bv', 'bv', 'comm.v')
    """
    text = str(value).strip()
    return _API_TYPE.get(text.casefold()) or _API_TYPE.get(_squash(text))


def _text(key: str, value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in _BOOL_WORDS:
        return _BOOL_WORDS[word]
    raise PayloadError(key, f"{_label(key, 'nl')}: «{value}» is geen ja of nee.",
                       f"{_label(key, 'fr')} : « {value} » n'est ni ja ni nee.",
                       f"{_label(key, 'en')}: “{value}” is not ja or nee.")


def _int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise PayloadError(key, f"{_label(key, 'nl')}: geen getal.",
                           f"{_label(key, 'fr')} : pas un nombre.",
                           f"{_label(key, 'en')}: not a number.")
    if isinstance(value, int):
        return value
    number: float | None = None
    if isinstance(value, float):
        number = value
    else:
        with contextlib.suppress(ValueError):
            number = float(str(value).strip().replace(",", "."))
    if number is not None and math.isfinite(number) and number.is_integer():
        return int(number)
    raise PayloadError(key,
                       f"{_label(key, 'nl')}: NumNum neemt alleen een geheel getal aan, niet "
                       f"«{value}».",
                       f"{_label(key, 'fr')} : NumNum n'accepte qu'un nombre entier, pas "
                       f"« {value} ».",
                       f"{_label(key, 'en')}: NumNum only takes a whole number, not “{value}”.")


#: catalogue kind -> converter to the contract's type (everything else is text).
_CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    "yesno": _bool, "vat_rate": _int, "integer": _int, "number": _int,
}


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _company_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """``company_type`` (+ ``type``) from the sheet's legal form, per the webhook convention."""
    form = values.get(_LEGAL_FORM_KEY)
    if _present(form) and not is_private_person(values):
        api_type = legal_form_type(form)
        if api_type is None:
            raise PayloadError(_LEGAL_FORM_KEY,
                               f"Vennootschapsvorm «{form}» kent NumNum niet.",
                               f"NumNum ne connaît pas la forme juridique « {form} ».",
                               f"NumNum does not know the legal form “{form}”.")
        return {"company_type": "bedrijf", "type": api_type}
    if is_private_person(values):
        if not _present(values.get("first_name")):
            raise PayloadError(
                "first_name",
                "Particulier zonder voornaam: NumNum "
                "vraagt voor- en familienaam. Vul de voornaam in, of de vennootschapsvorm als "
                "het een bedrijf is.",
                "Particulier sans prénom : NumNum demande "
                "le prénom et le nom. Ajoutez le prénom, ou la forme juridique s'il s'agit "
                "d'une entreprise.",
                "Private person without a first name: NumNum "
                "needs first and last name. Fill in the first name, or the legal form if it is "
                "a company.")
        return {"company_type": "particulier"}
    return {"company_type": "bedrijf"}


def contact_person(values: Mapping[str, Any]) -> dict[str, str | None] | None:
    """The row's contact person (``None`` when both columns are empty)."""
    first, last = (values.get(k) for k in PERSON_KEYS)
    if not _present(first) and not _present(last):
        return None
    return {"first_name": _text(PERSON_KEYS[0], first) if _present(first) else None,
            "last_name": _text(PERSON_KEYS[1], last) if _present(last) else None}


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in PAYLOAD_KEYS:
        value = values.get(key)
        if not _present(value):
            continue
        convert = _CONVERTERS.get(FIELD_BY_KEY[key].kind, _text)
        out[key] = convert(key, value)
    return out


def build_payload(values: Mapping[str, Any], options: ImportOptions, *,
                  import_batch: str) -> dict[str, Any]:
    """The ``POST /contacts`` body for one validated row (empty cells are not sent).

    Raises :class:`PayloadError` for a row the contract cannot take (e.g. a private person
    without first name).
    """
    payload = _fields(values)
    payload.update(_company_fields(values))
    payload["is_customer"] = options.is_customer
    payload["is_supplier"] = options.is_supplier
    if options.contact_persons:
        person = contact_person(values)
        if person:
            payload["contact_persons"] = [person]
    payload["import_batch"] = import_batch
    return payload


def update_payload(values: Mapping[str, Any], existing: Mapping[str, Any],
                   options: ImportOptions) -> dict[str, Any]:
    """The ``PUT /contacts/{id}`` body that overwrites ``existing`` with one validated row.

    Every field with a value in the row replaces the stored one; an empty cell leaves the stored
    value alone (nothing is erased). "Importeren als" adds the role (a supplier imported as a
    customer becomes both); the row's contact person is added unless NumNum already has one of
    that name; ``import_batch`` is left as it was (the contact was not created by this import).

    >>> existing = {"id": "ct_1", "is_supplier": True, "contact_persons": [
    ...     {"first_name": "An", "last_name": "Peeters"}]}
    >>> update_payload({"title": "Acme NV", "company_type": "NV", "email": None,
    ...                 "contactperson_first_name": "Jan", "contactperson_last_name": "Maes"},
    ...                existing, ImportOptions())  # doctest: +NORMALIZE_WHITESPACE
    {'title': 'Acme NV', 'company_type': 'bedrijf', 'type': 'nv', 'is_customer': True,
     'contact_persons': [{'first_name': 'An', 'last_name': 'Peeters'},
                         {'first_name': 'Jan', 'last_name': 'Maes'}]}
    """
    payload = _fields(values)
    payload.update(_company_fields(values))
    if options.is_customer:
        payload["is_customer"] = True
    if options.is_supplier:
        payload["is_supplier"] = True
    if options.contact_persons:
        person = contact_person(values)
        current = [dict(p) for p in (existing.get("contact_persons") or [])
                   if isinstance(p, Mapping)]

        def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
            return all((a.get(k) or "").strip().casefold() == (b.get(k) or "").strip().casefold()
                       for k in ("first_name", "last_name"))

        if person and not any(same(person, p) for p in current):
            payload["contact_persons"] = [*current, person]
    return payload


#: Every field of a contact as the API returns it (for backups): id, the sample-file fields
#: with ``type`` after ``company_type``, the contract's extra fields, the timestamps.
CONTACT_COLUMNS: tuple[str, ...] = (
    "id", *PAYLOAD_KEYS[:3], "company_type", "type", *PAYLOAD_KEYS[3:], "is_customer",
    "is_supplier", "contact_persons", "import_batch", "created_at", "updated_at")


# --- idempotency -----------------------------------------------------------------------------

#: Namespace of numnum-xl's idempotency keys (uuid5).
KEY_NAMESPACE = uuid.UUID("6f1c5d0e-3a8b-5e47-9d2c-4b1a7e9f0c31")


def workbook_identity(path: str | os.PathLike[str]) -> str:
    """What identifies "the workbook" across runs: its absolute, resolved path (case-folded
    where the file system ignores case). Not its content or modification time, which change
    every time the user saves it in Excel."""
    return os.path.normcase(os.path.realpath(os.fspath(path)))


def row_fingerprint(values: Mapping[str, Any]) -> str:
    """A stable hash of a row's normalised values (empty cells included, key order ignored).

    >>> row_fingerprint({"title": "A", "email": None}) == row_fingerprint(
    ...     {"email": None, "title": "A"})
    True
    """
    canonical = json.dumps(dict(values), sort_keys=True, ensure_ascii=False, default=str,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def idempotency_key(workbook: str, sheet: str, row: int, fingerprint: str, batch: str) -> str:
    """The ``Idempotency-Key`` of a create: uuid5 over the workbook's identity, the sheet, the
    sheet row, the row's content and the import batch.

    The same row of the same workbook in the same import (a retry, or the run resumed after an
    interruption, which reuses its batch) always gets the same key, so NumNum answers with the
    contact it made the first time. A new import (new batch) gets new keys: re-importing the
    same file after "verwijder de eerder geïmporteerde items" must make new contacts, not be
    answered with the deleted ones.

    >>> k = idempotency_key("/data/klanten.xlsx", "Klanten", 5, "abc", "b1")
    >>> k == idempotency_key("/data/klanten.xlsx", "Klanten", 5, "abc", "b1"), len(k)
    (True, 36)
    >>> k == idempotency_key("/data/klanten.xlsx", "Klanten", 5, "abc", "b2")
    False
    """
    name = json.dumps(["numnum-xl/1", workbook, sheet, row, fingerprint, batch],
                      ensure_ascii=False)
    return str(uuid.uuid5(KEY_NAMESPACE, name))


def new_batch_id(now: float | None = None) -> str:
    """A fresh ``import_batch`` value: ``numnum-xl-YYYYmmddTHHMMSS-XXXXXXXX``."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now))
    return f"numnum-xl-{stamp}-{uuid.uuid4().hex[:8]}"


# --- transport -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries.

    A request is tried at most ``attempts`` times on 5xx and connection trouble, waiting
    ``base * 2**n`` seconds (capped at ``cap``) times a random factor in [0.5, 1] between tries;
    429 answers wait ``Retry-After`` (at most ``max_retry_after`` each) and count separately,
    up to ``rate_limit_attempts``.
    """

    attempts: int = 6
    base: float = 0.25
    cap: float = 8.0
    rate_limit_attempts: int = 30
    max_retry_after: float = 120.0
    #: (connect, read) timeouts in seconds
    timeout: tuple[float, float] = (5.0, 30.0)

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before try ``attempt + 1`` (``attempt`` >= 1)."""
        return min(self.cap, self.base * (2 ** (attempt - 1))) * (0.5 + rng.random() / 2)


class BearerAuth:
    """``Authorization: Bearer <token>`` on every request; its ``repr`` hides the token.

    (An auth object, not a default header: ``requests`` then never replaces it with credentials
    from ``~/.netrc``, and drops it on a redirect to another host.)
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BearerAuth) and other._token == self._token

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Created:
    """The answer to a create: the contact, and whether NumNum had already made it for this
    Idempotency-Key (a retry or a resumed run)."""

    contact: dict[str, Any]
    replayed: bool


class NumNumClient:
    """The NumNum contacts API over ``requests``; safe to use from several threads.

    Each thread gets its own session (connection pool of one, keep-alive). A 429 makes every
    thread wait until its ``Retry-After`` has passed. ``stats`` counts what was sent.
    """

    def __init__(self, base_url: str, token: str, *, policy: RetryPolicy | None = None,
                 lang: str = "nl", seed: int | None = None) -> None:
        self.base_url = check_api_url(base_url)
        if not token:
            raise ValueError("empty API token")
        self._auth = BearerAuth(token)
        self._secret = token
        self.policy = policy or RetryPolicy()
        self.lang = lang
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._not_before = 0.0  # monotonic time before which nobody sends (429)
        self._loopback = is_loopback(urlsplit(self.base_url).hostname or "")
        #: requests sent by method, retries, waits on 429
        self.stats: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"<NumNumClient {self.base_url}>"

    def __enter__(self) -> NumNumClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's session."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            with contextlib.suppress(Exception):
                s.close()

    def redact(self, text: str) -> str:
        """``text`` with the token (should a server echo it) replaced by ``***``."""
        return text.replace(self._secret, "***") if self._secret else text

    # -- sessions --------------------------------------------------------------------------
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            import requests
            from requests.adapters import HTTPAdapter

            s = requests.Session()
            s.auth = self._auth
            s.headers["User-Agent"] = f"numnum-xl/{__version__}"
            s.headers["Accept"] = "application/json"
            if self._loopback:
                s.trust_env = False  # no proxy from the environment for this computer
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
            s.mount("http://", adapter)
            s.mount("https://", adapter)
            self._local.session = s
            with self._lock:
                self._sessions.append(s)
        return s

    def _drop_session(self) -> None:
        """Forget this thread's session (after a broken connection: start clean)."""
        s = getattr(self._local, "session", None)
        if s is not None:
            self._local.session = None
            with self._lock:
                if s in self._sessions:
                    self._sessions.remove(s)
            with contextlib.suppress(Exception):
                s.close()

    def _wait_gate(self) -> None:
        while True:
            with self._lock:
                wait = self._not_before - time.monotonic()
            if wait <= 0:
                return
            time.sleep(min(wait, 1.0))

    def _hold_all(self, seconds: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)
            self.stats["rate_limited"] += 1

    def _retry_after(self, value: str | None) -> float:
        seconds = 1.0
        if value:
            try:
                seconds = float(value)
            except ValueError:
                with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                    when = parsedate_to_datetime(value)
                    seconds = when.timestamp() - time.time()
        seconds = max(0.0, min(seconds, self.policy.max_retry_after))
        with self._lock:
            jitter = self._rng.random() * 0.1
        return seconds + jitter

    def _sleep_backoff(self, attempt: int) -> None:
        with self._lock:
            delay = self.policy.delay(attempt, self._rng)
            self.stats["retries"] += 1
        time.sleep(delay)

    # -- one request -----------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                body: Any = None, idempotency_key: str | None = None) -> tuple[int, Any]:
        """Send one API request with retries; returns ``(status, decoded JSON or None)`` for a
        2xx answer, raises :class:`ApiError` otherwise.

        A ``POST`` is only retried when it carries ``idempotency_key``.
        """
        import requests

        url = self.base_url + path
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        retry_safe = method != "POST" or bool(idempotency_key)
        failures = limited = 0
        last = ""
        while True:
            self._wait_gate()
            with self._lock:
                self.stats[method] += 1
                self.stats["requests"] += 1
            try:
                response = self._session().request(
                    method, url, params=params, json=body, headers=headers,
                    timeout=self.policy.timeout, allow_redirects=False)
                status = response.status_code
                content = response.content
            except requests.exceptions.SSLError:  # a certificate does not get better by waiting
                self._drop_session()
                raise ApiError("transport", None, _describe_tls(), attempts=1) from None
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                self._drop_session()
                failures += 1
                last = _describe(exc)
                if not retry_safe or failures >= self.policy.attempts:
                    raise ApiError("transport", None, self.redact(last),
                                   attempts=failures) from None
                self._sleep_backoff(failures)
                continue
            if status == 429:
                limited += 1
                if limited >= self.policy.rate_limit_attempts:
                    raise ApiError("rate_limited", 429, attempts=limited)
                self._hold_all(self._retry_after(response.headers.get("Retry-After")))
                continue
            if status in RETRY_STATUSES:
                failures += 1
                last = f"{status}"
                if not retry_safe or failures >= self.policy.attempts:
                    raise ApiError("server", status, last, attempts=failures)
                self._sleep_backoff(failures)
                continue
            if 200 <= status < 300:
                if status == 204 or not content:
                    return status, None
                try:
                    return status, json.loads(content)
                except ValueError:  # a body cut short: the same as a dropped connection
                    self._drop_session()
                    failures += 1
                    last = "onvolledig antwoord"
                    if not retry_safe or failures >= self.policy.attempts:
                        raise ApiError("transport", status, last, attempts=failures) from None
                    self._sleep_backoff(failures)
                    continue
            raise self._error(status, content, response.headers.get("Location"))

    def _error(self, status: int, content: bytes, location: str | None) -> ApiError:
        try:
            data = json.loads(content) if content else {}
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        message = self.redact(str(data.get("exception") or ""))[:300]
        if status in (401, 403):
            return AuthError("auth", status, message)
        if status == 404:
            return NotFound("not_found", status, message)
        if 300 <= status < 400:
            return ApiError("redirect", status, self.redact(location or str(status))[:200])
        if status in (400, 406, 409, 422):
            errors = data.get("errors")
            fields: dict[str, list[str]] = {}
            if isinstance(errors, dict):
                for key, msgs in errors.items():
                    items = msgs if isinstance(msgs, list) else [msgs]
                    fields[str(key)] = [self.redact(str(m))[:300] for m in items]
            return ApiError("invalid", status, message or str(status), fields)
        if status >= 500:
            return ApiError("server", status, f"{status}", attempts=1)
        return ApiError("refused", status, f"{status} {message}".strip())

    # -- the contract ----------------------------------------------------------------------
    def iter_contacts(self, per_page: int = PER_PAGE, **filters: str) -> Iterator[dict[str, Any]]:
        """Every contact (optionally filtered: external_id, vat_id, email), page by page."""
        page = 1
        seen = 0
        while True:
            _, data = self.request("GET", "/contacts",
                                   params={**filters, "page": page, "per_page": per_page})
            if not isinstance(data, dict) or not isinstance(data.get("data"), list):
                raise ApiError("protocol", 200, "GET /contacts: geen lijst")
            items = data["data"]
            yield from items
            seen += len(items)
            total = (data.get("meta") or {}).get("total")
            if not items or len(items) < per_page or (isinstance(total, int) and seen >= total):
                return
            page += 1

    def list_contacts(self, **filters: str) -> list[dict[str, Any]]:
        """:meth:`iter_contacts` as a list."""
        return list(self.iter_contacts(**filters))

    def get_contact(self, contact_id: str) -> dict[str, Any]:
        """One contact (:class:`NotFound` if it does not exist)."""
        return self.request("GET", f"/contacts/{_quote(contact_id)}")[1]

    def create_contact(self, payload: Mapping[str, Any], idempotency_key: str) -> Created:
        """``POST /contacts`` with an Idempotency-Key (required: a create is always retried)."""
        if not idempotency_key:
            raise ValueError("a create needs an idempotency key")
        status, data = self.request("POST", "/contacts", body=dict(payload),
                                    idempotency_key=idempotency_key)
        if not isinstance(data, dict) or not data.get("id"):
            raise ApiError("protocol", status, "POST /contacts: geen id")
        return Created(data, status != 201)

    def update_contact(self, contact_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """``PUT /contacts/{id}``: the fields sent replace the stored ones."""
        return self.request("PUT", f"/contacts/{_quote(contact_id)}", body=dict(payload))[1]

    def delete_contact(self, contact_id: str) -> bool:
        """``DELETE /contacts/{id}``; False when it was already gone (e.g. a retried delete
        whose first answer was lost)."""
        try:
            self.request("DELETE", f"/contacts/{_quote(contact_id)}")
        except NotFound:
            return False
        return True


def _quote(contact_id: str) -> str:
    from urllib.parse import quote

    return quote(str(contact_id), safe="")


def _describe_tls() -> str:
    return "TLS-fout: het certificaat van de server wordt niet vertrouwd"


def _describe(exc: BaseException) -> str:
    """A short, token-free description of a transport failure."""
    import requests

    if isinstance(exc, requests.ConnectTimeout):
        return "verbinden duurde te lang"
    if isinstance(exc, requests.ReadTimeout):
        return "antwoord bleef uit"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "Connection refused" in text or "NewConnectionError" in text:
            return "verbinding geweigerd"
        if "Name or service not known" in text or "getaddrinfo" in text \
                or "NameResolutionError" in text:
            return "servernaam onbekend"
        return "verbinding verbroken"
    return type(exc).__name__
