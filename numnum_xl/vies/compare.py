"""Whether the VAT register's name and address clearly differ from the row's (rapidfuzz).

>>> differs_name("Bakkerij Janssen BV", "BAKKERIJ JANSSEN")
False
>>> differs_name("Garage Peeters NV", "JANSSENS BOUWWERKEN")
True
>>> differs_address("Wetstraat 16", "1000", "Brussel", "Rue de la Loi 16\\n1000 Bruxelles")
False
>>> differs_address("Kerkstraat 1", "9000", "Gent", "Marktplein 5\\n3500 Hasselt")
True
"""

from __future__ import annotations

import re
import unicodedata


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    return re.sub(r"[^A-Z0-9]+", " ", text).strip()


def _legal_forms() -> frozenset[str]:
    from numnum_xl.catalogue import LEGAL_FORM_ALIASES, LEGAL_FORMS

    words = {_norm(lf.code) for lf in LEGAL_FORMS} | {_norm(a) for a in LEGAL_FORM_ALIASES}
    words |= {w.replace(" ", "") for w in words}
    return frozenset(w for w in words if w and " " not in w)


def _name_tokens(text: str) -> str:
    forms = _legal_forms()
    return " ".join(w for w in _norm(text).split() if w not in forms)


def differs_name(row_name: str, registered: str) -> bool:
    """Whether the registered name is clearly another than the row's (legal forms, case,
    accents and word order do not count)."""
    from rapidfuzz import fuzz

    a, b = _name_tokens(row_name), _name_tokens(registered)
    if not a or not b:
        return False
    return fuzz.token_set_ratio(a, b) < 60 and fuzz.partial_ratio(a, b) < 80


def differs_address(street: str, postcode: str, city: str, registered: str) -> bool:
    """Whether the registered address is clearly another than the row's: another postcode
    (street names may be in the other national language), or, without postcodes to compare,
    hardly a word in common."""
    from rapidfuzz import fuzz

    theirs = _norm(registered)
    codes = re.findall(r"\b\d{4,5}\b", theirs)
    ours = _norm(postcode or "")
    if ours and codes:
        return ours not in codes
    mine = _norm(" ".join(p for p in (street, postcode, city) if p))
    if not mine or not theirs:
        return False
    return fuzz.token_set_ratio(mine, theirs) < 40
