"""The contact resource of the NumNum contract (shared/numnum-api/contract.md) and its checks.

Written from the contract on purpose, not derived from :mod:`numnum_xl.catalogue`: the sandbox
is an independent implementation of the API, so a mistake in the client's field mapping shows up
as a 406 here instead of being mirrored. The tests check that both agree.

>>> values, errors = validate_fields({"company_type": "bedrijf", "title": "Acme", "type": "bv",
...                                   "vat_percentage": "21", "is_customer": True})
>>> errors, values["vat_percentage"]
({}, 21)
>>> validate_fields({"type": "BV", "doc_language": "NL", "payment_term": "30", "x": 1})[1]
... # doctest: +NORMALIZE_WHITESPACE
{'type': ['must be one of the legal forms of the contract (onbekend, bvba, bv, ...), not "BV"'],
 'doc_language': ['must be one of nl, en, fr, de'],
 'payment_term': ['must be an integer'], 'x': ['unknown field']}
>>> check_required({"company_type": "particulier", "first_name": "An", "last_name": ""})
{'last_name': ['is required for a private person (company_type "particulier")']}
"""

from __future__ import annotations

import re
from typing import Any

#: The sample-file fields of the contract (all optional strings unless typed below).
SAMPLE_FIELDS: tuple[str, ...] = (
    "title", "last_name", "first_name", "company_type", "vat_id", "vat_country_code",
    "address", "address_zip", "address_city", "address_country", "email", "telephone",
    "cellphone", "fax", "website", "iban_country_code", "iban", "bic", "doc_language",
    "vat_percentage", "vat_shifted", "payment_term", "auto_reminder", "peppol_scheme_id",
    "peppol_endpoint_id", "identification_scheme_id", "identification_id", "private_notes",
    "external_id", "sort_order",
)
#: Fields the contract adds to the sample file's (``type`` is the webhook's legal form).
EXTRA_FIELDS: tuple[str, ...] = (
    "type", "is_customer", "is_supplier", "contact_persons", "import_batch",
)
#: Every field a client may write, in the order the API returns them (after ``id``).
WRITABLE_FIELDS: tuple[str, ...] = (
    *SAMPLE_FIELDS[:4], "type", *SAMPLE_FIELDS[4:],
    "is_customer", "is_supplier", "contact_persons", "import_batch",
)
#: Fields the server maintains; a client may send them back (e.g. a GET result) and they are
#: ignored, except an ``id`` that differs from the URL's.
READ_ONLY_FIELDS: tuple[str, ...] = ("id", "created_at", "updated_at")

BOOL_FIELDS = frozenset({"vat_shifted", "auto_reminder", "is_customer", "is_supplier"})
INT_FIELDS = frozenset({"payment_term", "sort_order", "vat_percentage"})
#: Stored as TEXT; everything else that is not bool/int/list.
TEXT_FIELDS = frozenset(WRITABLE_FIELDS) - BOOL_FIELDS - INT_FIELDS - {"contact_persons"}

COMPANY_TYPES = ("bedrijf", "particulier")
#: The webhook's list of legal forms (the ``type`` field), as the contract gives it.
LEGAL_FORM_TYPES: tuple[str, ...] = (
    "onbekend", "bvba", "bv", "eenmanszaak", "nv", "sbvba", "ebvba", "cvba", "cvba-vso", "cvoa",
    "cvoa-vso", "vof", "gcv", "comm.v", "comm.va", "esv", "lv", "vzw", "vvzrl", "tv",
    "natuurlijk-persoon", "limited-ltd", "limited-llc", "incorporated", "srl", "scri", "sa",
    "sas", "sarl", "sarl-s", "gmbh", "ag", "spa", "doo", "sl", "sc", "asbl", "vme",
    "feitelijke-vereniging",
)
DOC_LANGUAGES = ("nl", "en", "fr", "de")
VAT_PERCENTAGES = (0, 6, 12, 21)
#: Defaults of a new contact for the fields that are not plain nullable values.
DEFAULTS: dict[str, Any] = {
    "company_type": "bedrijf", "is_customer": False, "is_supplier": False,
    "contact_persons": [], "import_batch": None,
}

_COUNTRY = re.compile(r"[A-Z]{2}")
_MAX_TEXT = 10_000


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_persons(value: Any) -> tuple[list[dict[str, str | None]], list[str]]:
    """Normalise ``contact_persons``; returns (persons, error messages)."""
    if not isinstance(value, list):
        return [], ["must be a list of {first_name, last_name} objects"]
    persons: list[dict[str, str | None]] = []
    errors: list[str] = []
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            errors.append(f"item {n}: must be an object with first_name and last_name")
            continue
        unknown = sorted(set(item) - {"first_name", "last_name"})
        if unknown:
            errors.append(f"item {n}: unknown field(s) {', '.join(unknown)}")
        person: dict[str, str | None] = {}
        for key in ("first_name", "last_name"):
            part = item.get(key)
            if part is not None and not isinstance(part, str):
                errors.append(f"item {n}: {key} must be a string")
                part = None
            person[key] = part
        if not (person["first_name"] or "").strip() and not (person["last_name"] or "").strip():
            errors.append(f"item {n}: needs a first_name or a last_name")
        persons.append(person)
    return persons, errors


def _check_value(key: str, value: Any) -> tuple[Any, list[str]]:
    """Check and normalise one non-null field value; returns (value, error messages)."""
    if key == "contact_persons":
        return _check_persons(value)
    if key in BOOL_FIELDS:
        return (value, []) if isinstance(value, bool) else (None, ["must be true or false"])
    if key == "vat_percentage":
        number: Any = value
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        if _is_int(number) and number in VAT_PERCENTAGES:
            return number, []
        return None, ["must be one of 0, 6, 12, 21"]
    if key in INT_FIELDS:
        if not _is_int(value):
            return None, ["must be an integer"]
        if key == "payment_term" and value < 0:
            return None, ["must be 0 or more days"]
        return value, []
    if not isinstance(value, str):
        return None, ["must be a string"]
    if len(value) > _MAX_TEXT:
        return None, [f"is longer than {_MAX_TEXT} characters"]
    if key == "company_type" and value not in COMPANY_TYPES:
        return None, ['must be "bedrijf" (company) or "particulier" (private person)']
    if key == "type" and value not in LEGAL_FORM_TYPES:
        return None, [
            f'must be one of the legal forms of the contract (onbekend, bvba, bv, ...), '
            f'not "{value}"'
        ]
    if key == "vat_country_code" and not _COUNTRY.fullmatch(value):
        return None, ["must be 2 capital letters (ISO 3166-1 alpha-2, e.g. BE)"]
    if key == "doc_language" and value not in DOC_LANGUAGES:
        return None, ["must be one of nl, en, fr, de"]
    return value, []


def validate_fields(body: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check the fields of a POST or PUT body.

    Returns ``(values, errors)``: the normalised writable fields that were sent (``null`` kept as
    ``None``, read-only fields dropped) and, per field, what is wrong. Required fields are
    checked separately by :func:`check_required` on the whole contact.
    """
    if not isinstance(body, dict):
        return {}, {"body": ["must be a JSON object with the contact's fields"]}
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in body.items():
        if key in READ_ONLY_FIELDS:
            continue
        if key not in WRITABLE_FIELDS:
            errors[str(key)] = ["unknown field"]
            continue
        if value is None:
            values[key] = default_value(key)
            continue
        normalised, problems = _check_value(key, value)
        if problems:
            errors[key] = problems
        else:
            values[key] = normalised
    return values, errors


def check_required(contact: dict[str, Any]) -> dict[str, list[str]]:
    """The webhook's required fields: ``title`` for a company (``company_type`` "bedrijf" or
    missing), ``first_name`` and ``last_name`` for a private person ("particulier")."""
    def blank(key: str) -> bool:
        value = contact.get(key)
        return not (isinstance(value, str) and value.strip())

    errors: dict[str, list[str]] = {}
    if (contact.get("company_type") or "bedrijf") == "particulier":
        for key in ("first_name", "last_name"):
            if blank(key):
                errors[key] = ['is required for a private person (company_type "particulier")']
    elif blank("title"):
        errors["title"] = ['is required for a company (company_type "bedrijf")']
    return errors


def default_value(key: str) -> Any:
    """The value of field ``key`` when it is not sent, or sent as ``null``."""
    value = DEFAULTS.get(key)
    return list(value) if isinstance(value, list) else value


def new_contact_values(values: dict[str, Any]) -> dict[str, Any]:
    """All writable fields of a new contact: ``values`` over the defaults.

    >>> c = new_contact_values({"title": "Acme"})
    >>> c["title"], c["company_type"], c["is_customer"], c["contact_persons"], c["email"]
    ('Acme', 'bedrijf', False, [], None)
    """
    contact = {key: default_value(key) for key in WRITABLE_FIELDS}
    contact.update(values)
    return contact
