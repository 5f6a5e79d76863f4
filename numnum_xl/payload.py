"""Payloads: one validated sheet row (:attr:`numnum_xl.validate.Report.values`) as the contract's
``POST``/``PUT`` body, field list and types derived from :mod:`numnum_xl.catalogue`; and the
idempotency keys that make a retried create never make a second contact.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from numnum_xl.catalogue import FIELD_BY_KEY, FIELDS, LEGAL_FORM_ALIASES, LEGAL_FORMS
from numnum_xl.rules.party import is_private_person  # person or company: one verdict
from numnum_xl.settings import ImportOptions

_LANG_INDEX = {"nl": 0, "fr": 1, "en": 2}


def _label(key: str, lang: str) -> str:
    f = FIELD_BY_KEY.get(key)
    return f.label(lang) if f else key


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
    """The ``PUT /contacts/{id}`` body that overwrites ``existing`` with one validated row:
    the **full merged record**, so a server that replaces the whole contact on ``PUT`` and one
    that merges the fields sent end in the same state, and sending it twice (a resumed run)
    changes nothing the second time.

    Every field of ``existing`` is sent as it is, except where the row has a value (an empty
    cell erases nothing). "Importeren als" adds the role (a supplier imported as a customer
    becomes both); the row's contact person is added to the existing ones unless one of that
    name is there; ``import_batch`` stays what it was (this import did not create the contact).

    >>> existing = {"id": "ct_1", "title": "Acme", "private_notes": "VIP", "is_supplier": True,
    ...             "is_customer": False, "import_batch": None, "created_at": "2024",
    ...             "contact_persons": [{"first_name": "An", "last_name": "Peeters"}]}
    >>> p = update_payload({"title": "Acme NV", "company_type": "NV", "email": None,
    ...                     "contactperson_first_name": "Jan", "contactperson_last_name": "Maes"},
    ...                    existing, ImportOptions())
    >>> p["title"], p["type"], p["private_notes"], p["is_customer"], p["is_supplier"]
    ('Acme NV', 'nv', 'VIP', True, True)
    >>> p["contact_persons"]  # doctest: +NORMALIZE_WHITESPACE
    [{'first_name': 'An', 'last_name': 'Peeters'}, {'first_name': 'Jan', 'last_name': 'Maes'}]
    >>> "id" in p, "created_at" in p, "import_batch" in p  # import_batch: None stays None
    (False, False, False)
    >>> update_payload({"title": "Acme NV", "company_type": "NV",
    ...                 "contactperson_first_name": "Jan", "contactperson_last_name": "Maes"},
    ...                {**existing, **p}, ImportOptions()) == p
    True
    """
    payload: dict[str, Any] = {k: v for k, v in existing.items()
                               if k in _WRITABLE and v is not None}
    payload.update(_fields(values))
    company = _company_fields(values)
    if "type" not in company and company.get("company_type") == "particulier":
        payload.pop("type", None)
    payload.update(company)
    payload["is_customer"] = bool(existing.get("is_customer")) or options.is_customer
    payload["is_supplier"] = bool(existing.get("is_supplier")) or options.is_supplier
    current = [dict(p) for p in (existing.get("contact_persons") or [])
               if isinstance(p, Mapping)]
    person = contact_person(values) if options.contact_persons else None

    def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        return all((a.get(k) or "").strip().casefold() == (b.get(k) or "").strip().casefold()
                   for k in ("first_name", "last_name"))

    if person and not any(same(person, p) for p in current):
        current.append(person)
    payload["contact_persons"] = current
    return payload


#: Every field of a contact as the API returns it (for backups): id, the sample-file fields
#: with ``type`` after ``company_type``, the contract's extra fields, the timestamps.
CONTACT_COLUMNS: tuple[str, ...] = (
    "id", *PAYLOAD_KEYS[:3], "company_type", "type", *PAYLOAD_KEYS[3:], "is_customer",
    "is_supplier", "contact_persons", "import_batch", "created_at", "updated_at")
#: The fields an overwrite carries over from the existing contact: all but the server's own
#: (``import_batch`` too: a replacing server would otherwise forget who imported it).
_WRITABLE = frozenset(CONTACT_COLUMNS) - {"id", "created_at", "updated_at"}


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
