"""What a column's values are: sample the non-empty cells and score them against the kinds
of NumNum's fields, with the field's own libraries (python-stdnum, phonenumbers, pycountry).

A :class:`ValueProfile` gives, per value kind, the share of the sampled values of that kind;
:func:`support` says how well the values fit a field.

>>> p = profile(["BE0403019261", "0876543270", None, "BE0456123791"])
>>> p.count, p.share("vat"), p.best()
(3, 1.0, ('vat', 1.0))
>>> profile(["+32 475 12 34 56", "0486 77 88 99"]).best()
('mobile', 1.0)
>>> profile(["Dhr.", "Mme", "M.", "Mevr."]).best()
('salutation', 1.0)
>>> round(support("title", profile(["Dhr.", "Mme", "Bakkerij Peeters"])), 2)
0.33
>>> support("address", profile(["Kerkstraat 12", "Meir 100 bus 3"]))
1.0
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import phonenumbers
from stdnum import bic as std_bic
from stdnum import iban as std_iban
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat

from numnum_xl.catalogue import (
    FIELD_BY_KEY,
    LANGUAGE_VALUES,
    LEGAL_FORM_ALIASES,
    LEGAL_FORM_CODES,
    SALUTATIONS,
    SCHEME_BY_CODE,
    VAT_RATES,
    YES_NO_VALUES,
)
from numnum_xl.rules import country as countries

#: How many non-empty values of a column are looked at.
SAMPLE = 60
#: Longer values are free text: not classified further.
_LONG = 120
#: Value kinds specific enough to find a column by its values alone, and the field they feed.
DISTINCTIVE = {
    "email": "email", "url": "website", "vat": "vat_id", "iban": "iban", "bic": "bic",
    "mobile": "cellphone", "fixed": "telephone", "country": "address_country",
    "legal_form": "company_type", "language": "doc_language",
}
_EMAIL = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[A-Za-z]{2,}")
_URL = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?:[/?#]\S*)?",
                  re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_PHONE_CHARS = re.compile(r"[+\d][\d\s()./-]{6,}")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_STREET = re.compile(r"[^\W\d_]{2,}.*\s\d+\s*[a-zA-Z]?\b|\d+\s*,?\s+[^\W\d_]{2,}")
_LEGAL = {re.sub(r"[\s.\-]", "", c).casefold() for c in (*LEGAL_FORM_CODES, *LEGAL_FORM_ALIASES)}
_LANGS = {k.casefold() for k in LANGUAGE_VALUES}
_RATES = set(VAT_RATES)


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[.\s]+", " ", text).strip()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@lru_cache(maxsize=16384)
def _phone_type(text: str) -> str | None:
    if not _PHONE_CHARS.fullmatch(text) or sum(c.isdigit() for c in text) < 8:
        return None
    try:
        number = phonenumbers.parse(text, "BE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return "mobile"
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE:
        return "phone"
    return "fixed"


@lru_cache(maxsize=16384)

def _iban_shaped(compact: str) -> bool:
    """An IBAN by its check digits, whether or not python-stdnum knows the bank code: a bank
    account column is recognised even when some banks are too new or too small for its tables.

    >>> _iban_shaped("BE68539007547034"), _iban_shaped("BE68539007547035")
    (True, False)
    """
    try:
        std_iban.validate(compact, check_country=False)
    except Exception:  # InvalidChecksum, InvalidFormat, …
        return False
    return True

def kinds_of_text(text: str) -> frozenset[str]:
    """The kinds a non-empty text value is (several can hold: "1" is yes/no and integer).

    >>> sorted(kinds_of_text("GEBABEBB")), sorted(kinds_of_text("9000"))
    (['bic'], ['identifier', 'integer', 'zip'])
    >>> sorted(kinds_of_text("België")), sorted(kinds_of_text("info@x.be"))
    (['country', 'text'], ['email'])
    """
    if len(text) > _LONG:  # a note, not an identifier (and no regex runs over 32k chars)
        return frozenset({"text"})
    out: set[str] = set()
    low = _squash(text)
    compact = re.sub(r"[\s.\-/]", "", text)
    if low in SALUTATIONS:
        out.add("salutation")
    if low in YES_NO_VALUES:
        out.add("yesno")
    if _EMAIL.fullmatch(text):
        return frozenset({"email"})
    if _DATE.fullmatch(text):
        return frozenset({"date"})
    if _DECIMAL.fullmatch(text):
        if _INTEGER.fullmatch(text):
            out.add("integer")
            if text.isdigit() and ((len(text) == 4 and text[0] != "0") or len(text) == 5):
                out.add("zip")
            if text in SCHEME_BY_CODE:
                out.add("scheme")
        else:
            out.add("decimal")
        if text.rstrip("%").strip() in _RATES:
            out.add("vat_rate")
    elif text.rstrip("% ").strip() in _RATES:
        out.add("vat_rate")
    if 8 <= len(compact) <= 16 and compact[:1].isalnum():
        try:
            if eu_vat.is_valid(compact) or be_vat.is_valid(compact):
                out.add("vat")
        except Exception:  # stdnum raises on odd input in a few modules
            pass
    if len(compact) >= 15 and compact[:2].isalpha() and _iban_shaped(compact):
        out.add("iban")
    if len(compact) in (8, 11) and compact.isupper() and compact.isalnum() \
            and compact[4:6] in countries.codes() and std_bic.is_valid(compact):
        out.add("bic")
    if "vat" not in out:
        ptype = _phone_type(text)
        if ptype:
            out.add(ptype)
            if ptype == "phone":
                out.update({"mobile", "fixed"})
    if not out & {"email", "integer", "decimal"} and " " not in text.strip() \
            and "@" not in text and _URL.fullmatch(text) and not text.replace(".", "").isdigit():
        out.add("url")
    if re.fullmatch(r"\d{4}\s?[A-Za-z]{2}", text):
        out.add("zip")
    key = re.sub(r"[^\w]", "", low)
    if (text.strip().upper() in countries.codes() and text.strip().isupper()) or (
            len(key) > 3 and key.upper() in countries._names()):
        out.add("country")
    if re.sub(r"[\s.\-]", "", low) in _LEGAL:
        out.add("legal_form")
    if low in _LANGS and (low == text.strip() or len(low) > 2):
        out.add("language")
    if len(text) <= 20 and any(c.isdigit() for c in text) and re.fullmatch(r"[\w\-/.]+", text):
        out.add("identifier")
    if sum(c.isalpha() for c in text) >= 2 and not out & {"email", "url", "vat", "iban", "bic"}:
        out.add("text")
        if _STREET.search(text):
            out.add("street")
    return frozenset(out)


def kinds_of(value: Any) -> frozenset[str]:
    """The kinds of one cell value (see :func:`kinds_of_text`)."""
    if isinstance(value, bool):
        return frozenset({"yesno"})
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return frozenset({"date"})
    text = _text(value)
    if not text:
        return frozenset()
    return kinds_of_text(text)


@dataclass
class ValueProfile:
    """Share of a column's sampled non-empty values per kind, and a few examples."""

    count: int = 0
    shares: dict[str, float] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    distinct: int = 0

    def share(self, kind: str) -> float:
        """Share (0..1) of the values of ``kind``."""
        return self.shares.get(kind, 0.0)

    def best(self) -> tuple[str, float] | None:
        """The most specific kind most values have (distinctive kinds first)."""
        order = [*DISTINCTIVE, "phone", "salutation", "date", "yesno", "zip", "integer",
                 "decimal", "street", "text"]
        ranked = sorted(((k, s) for k, s in self.shares.items() if k in order),
                        key=lambda ks: (-round(ks[1], 2), order.index(ks[0])))
        return ranked[0] if ranked else None


def profile(values: list[Any]) -> ValueProfile:
    """The :class:`ValueProfile` of up to :data:`SAMPLE` non-empty ``values``."""
    seen = [v for v in values if v is not None and _text(v) != ""][:SAMPLE]
    if not seen:
        return ValueProfile()
    counts: Counter[str] = Counter()
    for v in seen:
        counts.update(kinds_of(v))
    n = len(seen)
    texts = [_text(v) for v in seen]
    return ValueProfile(n, {k: c / n for k, c in counts.items()},
                        list(dict.fromkeys(texts))[:3], len(set(texts)))


#: field kind -> value kinds that fit it
_FITS = {
    "vat": {"vat"}, "country": {"country"}, "zip": {"zip"}, "email": {"email"},
    "url": {"url"}, "iban": {"iban"}, "bic": {"bic"}, "language": {"language"},
    "vat_rate": {"vat_rate"}, "yesno": {"yesno"}, "integer": {"integer"},
    "number": {"integer", "decimal"}, "legal_form": {"legal_form"}, "scheme": {"scheme"},
}
#: Value kinds that a name or other free-text column does not hold.
_NOT_TEXT = {"salutation", "date", "yesno", "email", "url", "vat", "iban", "bic", "mobile",
             "fixed", "integer", "decimal"}
NAME_FIELDS = frozenset({"title", "first_name", "last_name", "contactperson_first_name",
                         "contactperson_last_name"})


def _fraction(p: ValueProfile, fits: set[str]) -> float:
    # shares of different kinds overlap, so this is a lower bound: the largest one
    return max((p.share(k) for k in fits), default=0.0)


def support(key: str, p: ValueProfile) -> float:
    """How well the values fit field ``key``: 0..1 (1.0 when there are no values to judge)."""
    if not p.count:
        return 1.0
    kind = FIELD_BY_KEY[key].kind
    if key == "cellphone":
        return p.share("mobile")
    if key in ("telephone", "fax"):
        return p.share("fixed")
    if kind in _FITS:
        return _fraction(p, _FITS[kind])
    if key == "address":
        return p.share("street") if p.share("text") else 0.0
    if key in NAME_FIELDS or key == "address_city":
        bad = max((p.share(k) for k in _NOT_TEXT), default=0.0)
        street = p.share("street") if key in NAME_FIELDS else 0.0
        return max(0.0, min(p.share("text"), 1.0 - bad) - street)
    if key == "private_notes":
        return 1.0 - max(p.share(k) for k in ("date", "salutation", "email", "yesno")) \
            if p.shares else 1.0
    return 1.0  # identifiers and free text: anything goes


def salutation_column(p: ValueProfile) -> bool:
    """The values are salutations or gender codes (Dhr., Mevr., M, V, X …)."""
    return p.count > 0 and p.share("salutation") >= 0.6
