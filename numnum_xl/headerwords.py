"""Headers as words: split a column header into normalised words and read what they say.

A header is cut at punctuation, spaces, snake_case and camelCase (also "POCity", where an
acronym prefixes a word), casefolded and stripped of accents; Dutch and German compounds that
are not themselves known words are split into known words ("Werkadres" → werk adres,
"Mobielnummer" → mobiel nummer). The words are then matched, longest phrase first, against the
catalogue's vocabulary: field phrases, role words (main / second address), contact-person words,
filler, and words of data NumNum has no field for.

>>> words("POCity"), words("Default Address Zip"), words("billing_postcode")
(['po', 'city'], ['default', 'address', 'zip'], ['billing', 'postcode'])
>>> words("Werkadres, plaats"), words("E-mail 1 - Value"), words("BTWNummer")
(['werk', 'adres', 'plaats'], ['email', '1', 'value'], ['btw', 'nr'])
>>> words("N° d'entreprise"), words("P.O. Box"), words("T.a.v.")
(['nr', 'entreprise'], ['po', 'box'], ['tav'])
>>> r = read("Plaats hoofdadres"); (r.fields, r.role)
(['address_city'], 'primary')
>>> r = read("Home Phone"); (r.fields, r.role)
(['telephone'], 'secondary')
>>> read("Job Title").foreign, read("ContactpersoonFunctienaam").foreign
('job title', 'functienaam')
>>> read("Company Main Phone").fields, read("Default Address Company").fields
(['telephone'], ['title', 'address'])
>>> read("Person1FirstName").fields, read("Contactpersoon adres").role
(['contactperson_first_name'], 'secondary')
>>> read("Huisnummer").part, read("Bus").part, read("Kolom1").meaningless
('number', 'box', True)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from numnum_xl.catalogue import (
    BOX_WORDS,
    CONTACT_WORDS,
    FIELD_WORDS,
    FIELDS,
    FILLER_WORDS,
    FOREIGN_WORDS,
    HOUSE_NUMBER_WORDS,
    MEANINGLESS_WORDS,
    MORE_SPECIFIC,
    PRIMARY_WORDS,
    QUALIFIER_FIELDS,
    SECONDARY_WORDS,
    WEAK_WORDS,
    WHOLE_HEADER_ONLY,
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])"
                    r"|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_NAME_FIELDS = {"first_name": "contactperson_first_name", "last_name": "contactperson_last_name",
                "title": "contactperson_last_name"}
#: Compounds split only into pieces at least this long (no "po" + "stcode" nonsense).
_MIN_PIECE = 3
#: Longer tokens are not split (no header word is longer; keeps the search linear).
_MAX_COMPOUND = 40
#: Only this much of a header is read (a 32,000-character "header" is data, not a name).
_MAX_HEADER = 200
#: Ways of writing "number" (N°, no, nr, num, numéro, nummer): one word after reading.
_NUMBER = frozenset({"n", "no", "nr", "num", "numero", "nummer", "number", "nbr", "nro"})
#: Articles and prepositions (also French elisions d', l'): dropped before matching.
_ARTICLES = frozenset({"d", "l", "de", "du", "des", "la", "le", "les", "of", "the", "van",
                       "het", "s", "a", "den", "der", "die", "das", "von", "et", "and", "en"})
#: Single letters never glued to the next word (French elisions, "N° ...").
_NO_GLUE = frozenset({"d", "l", "n", "s", "j", "c"})


def _canon(toks: list[str]) -> list[str]:
    return ["nr" if t in _NUMBER else t for t in toks if t not in _ARTICLES]


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).replace("%", " pct ")
    return "".join(c for c in text if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    """Raw tokens: split at non-alphanumerics and camelCase, casefolded (no vocabulary)."""
    out: list[str] = []
    for part in re.split(r"[\W_]+", _plain(text)):
        if part:
            out.extend(t.casefold() for t in _CAMEL.split(part) if t)
    return out


def _phrase(text: str) -> tuple[str, ...]:
    """A vocabulary phrase as words (its single letters joined: "e mail" → email)."""
    toks = _tokens(text)
    merged: list[str] = []
    for t in toks:
        if merged and len(merged[-1]) == 1 and merged[-1].isalpha() and t.isalpha() \
                and merged[-1] not in _NO_GLUE:
            merged[-1] += t
        else:
            merged.append(t)
    return tuple(_canon(merged))


@dataclass(frozen=True)
class _Vocab:
    phrases: dict[tuple[str, ...], tuple[tuple[str, str], ...]]
    known: frozenset[str]
    longest: int


@lru_cache(maxsize=1)
def vocabulary() -> _Vocab:
    """Phrase (words) -> what it means: ("field", key), ("role", primary|secondary),
    ("contact", strong|plain), ("foreign", text), ("filler", ""), ("part", number|box),
    ("weak", key), ("meaningless", "")."""
    table: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def add(text: str, meaning: tuple[str, str]) -> None:
        ph = _phrase(text)
        if ph and meaning not in table.setdefault(ph, []):
            table[ph].append(meaning)

    whole_only = {_phrase(w) for w in WHOLE_HEADER_ONLY}
    for f in FIELDS:
        for name in (f.key, f.label_nl, f.label_fr, f.label_en, *f.synonyms,
                     *FIELD_WORDS.get(f.key, ())):
            if _phrase(name) not in whole_only:
                add(name, ("field", f.key))
    for w in PRIMARY_WORDS:
        add(w, ("role", "primary"))
    for w in SECONDARY_WORDS:
        add(w, ("role", "secondary"))
    for w in CONTACT_WORDS:
        add(w, ("contact", "plain" if w == "contact" else "strong"))
    for w in FILLER_WORDS:
        add(w, ("filler", ""))
    for w in FOREIGN_WORDS:
        add(w, ("foreign", w))
    for w in HOUSE_NUMBER_WORDS:
        add(w, ("part", "number"))
    for w in BOX_WORDS:
        add(w, ("part", "box"))
    for w, key in WEAK_WORDS.items():
        add(w, ("weak", key))
    for w in MEANINGLESS_WORDS:
        add(w, ("meaningless", ""))
    known = frozenset({t for ph in table for t in ph} | _NUMBER)
    return _Vocab({k: tuple(v) for k, v in table.items()}, known,
                  max(len(k) for k in table))


@lru_cache(maxsize=4096)
def _split_compound(token: str) -> tuple[str, ...]:
    """``token`` as known words ("hoofdadres" → hoofd adres), or itself when it is known or
    cannot be split completely (a Dutch linking s/e between pieces is dropped)."""
    known = vocabulary().known
    if token in known or not 2 * _MIN_PIECE <= len(token) <= _MAX_COMPOUND \
            or not token.isalpha():
        return (token,)
    n = len(token)
    best: dict[int, tuple[str, ...] | None] = {n: ()}
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + _MIN_PIECE, n + 1):
            piece = token[i:j]
            if piece in known:
                for k in (j, j + 1):  # with or without a linking s / e
                    if k == j or (k <= n and token[j] in "se"):
                        rest = best.get(k)
                        if rest is not None:
                            options.append((piece, *rest))
        best[i] = min(options, key=len) if options else None
    return best[0] if best[0] and len(best[0]) > 1 else (token,)


@lru_cache(maxsize=8192)
def words(header: object) -> list[str]:
    """The header as normalised words (single letters joined, compounds split)."""
    known = vocabulary().known
    toks = _tokens(str(header or "")[:_MAX_HEADER])
    merged: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if len(t) == 1 and t.isalpha():  # a run of single letters: P.O., T.A.V., e-mail
            j = i
            while j < len(toks) and len(toks[j]) == 1 and toks[j].isalpha() and (
                    j == i or toks[j] not in _NO_GLUE) and toks[i] not in _NO_GLUE:
                j += 1
            j = max(j, i + 1)
            run = "".join(toks[i:j])
            if j - i == 1 and j < len(toks) and toks[j].isalpha() and run not in _NO_GLUE:
                joined = run + toks[j]
                if joined in known or len(_split_compound(joined)) > 1:
                    merged.append(joined)
                    i = j + 1
                    continue
            merged.append(run)
            i = j
            continue
        merged.append(t)
        i += 1
    out: list[str] = []
    for t in merged:
        out.extend(_split_compound(t))
    return _canon(out)


@dataclass
class Reading:
    """What a header's words say."""

    words: list[str]
    #: fields the header names, most likely first (empty: none)
    fields: list[str] = field(default_factory=list)
    #: the phrases that named them
    phrases: list[str] = field(default_factory=list)
    #: "primary" (billing, main, business, ...), "secondary" (delivery, home, 2, ...) or None
    role: str | None = None
    #: the role word(s) found
    role_words: list[str] = field(default_factory=list)
    #: a word of data NumNum has no field for ("job title"), or None
    foreign: str | None = None
    #: "number" or "box" for a house-number / box column of a split address
    part: str | None = None
    #: the field of a weak word ("Code", "Naam") when nothing more specific is there
    weak: str | None = None
    #: words of the header that are in no vocabulary
    unknown: list[str] = field(default_factory=list)
    #: the index written in the header (Phone 2, AddressLine3), or None
    index: int | None = None
    #: the header says nothing about the content (Kolom1, Info, Nummer, empty)
    meaningless: bool = False

    @property
    def complete(self) -> bool:
        """Every word of the header is understood."""
        return not self.unknown


@lru_cache(maxsize=8192)
def read(header: object) -> Reading:
    """Read ``header`` word by word (see the module doctests)."""
    vocab = vocabulary()
    ws = words(header)
    r = Reading(list(ws))
    found: list[tuple[str, str, str]] = []  # (kind, value, phrase)
    i = 0
    while i < len(ws):
        for size in range(min(vocab.longest, len(ws) - i), 0, -1):
            ph = tuple(ws[i:i + size])
            if ph in vocab.phrases:
                for kind, value in vocab.phrases[ph]:
                    found.append((kind, value, " ".join(ph)))
                i += size
                break
        else:
            w = ws[i]
            if w.isdigit():
                r.index = int(w) if r.index is None else r.index
            else:
                r.unknown.append(w)
            i += 1
    kinds = {k for k, _, _ in found}
    terms = [(v, ph) for k, v, ph in found if k == "field"]
    foreign = [v for k, v, _ in found if k == "foreign"]
    if foreign:
        r.foreign = foreign[0]
    parts = [v for k, v, _ in found if k == "part"]
    if parts:
        r.part = parts[0]
    roles = [(v, ph) for k, v, ph in found if k == "role"]
    contact_phrases = {ph for k, _, ph in found if k == "contact"}
    if any(ph not in contact_phrases for _, ph in terms):
        terms = [(k, ph) for k, ph in terms if ph not in contact_phrases]
    keys = list(dict.fromkeys(k for k, _ in terms))
    phrase_of = {k: ph for k, ph in reversed(terms)}
    # a qualifier (company, address) gives way to a more specific field in the same header
    qualifiers = {k for k, ph in terms if k in QUALIFIER_FIELDS and " " not in ph}
    if len(keys) > 1 and any(k not in qualifiers for k in keys):
        keys = [k for k in keys if k not in qualifiers]
    elif len(keys) > 1:
        keys = list(reversed(keys))  # "Default Address Company", "Company Address": the last
    contact = [v for k, v, _ in found if k == "contact"]
    if contact:
        named = [k for k in keys if k in _NAME_FIELDS]
        if named and all(k in _NAME_FIELDS for k in keys):
            keys = [_NAME_FIELDS[named[-1]]]
        elif not keys and "weak" in kinds and any(
                v == "title" for k, v, _ in found if k == "weak"):
            keys = ["contactperson_last_name"]
        elif keys and not set(keys) <= {"contactperson_last_name",
                                         "contactperson_first_name"}:
            if "strong" in contact:
                roles.append(("secondary", "contact"))
            keys = [k for k in keys if not k.startswith("contactperson_")] or keys
    for specific, general in MORE_SPECIFIC.items():
        if specific in keys and general in keys:
            keys.remove(general)
    r.fields = keys
    r.phrases = [phrase_of.get(k, k) for k in keys]
    if not keys:
        weak = [v for k, v, _ in found if k == "weak"]
        if weak:
            r.weak = weak[0]
    if r.index is not None and r.index >= 2:
        roles.append(("secondary", str(r.index)))
    if any(v == "secondary" for v, _ in roles):
        r.role = "secondary"
    elif roles:
        r.role = "primary"
    r.role_words = [ph for _, ph in roles]
    r.meaningless = not keys and not r.unknown and not r.foreign and not r.part and (
        not found or all(k in ("meaningless", "filler", "weak") for k, _, _ in found)) and (
        not found or "meaningless" in kinds or not ws)
    return r
