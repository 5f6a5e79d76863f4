"""Duplicate customers: one matcher for rows within a sheet and for rows against a NumNum account.

NumNum's import decides that a customer already exists "based on the following fields, in order
of priority: external_id, …" (its import help page). The matcher follows that order. Two
records are compared key by key, highest priority first, and **the first key that both records
have decides**:

============  ==========  ===========================================================
key           confidence  equal when
============  ==========  ===========================================================
external_id   certain     the same text (trimmed)
vat_id        certain     the same number after normalisation: "BE 0403.019.261",
                          "0403019261" with vat_country_code BE and the number 403019261
                          are all ``BE0403019261``; only valid numbers take part
email         probable    the same address, case and surrounding spaces ignored
name          probable    the same normalised name (case, accents, punctuation and legal
                          forms ignored) or a similar one (:data:`FUZZY_THRESHOLD`), and the
                          same postcode or the same city
============  ==========  ===========================================================

So a key that both records have and that *differs* overrules every key below it: two rows
with different valid VAT numbers are different customers however alike their names or email
addresses are, and so are two rows with different external IDs. Names are compared only when
no external ID, VAT number or email address is present on both records.

Groups (:func:`find_groups`) are built from these pairwise matches, strongest first (see
:func:`find_groups` for how chains are handled). :func:`match_existing` uses the very same
comparison to find, for every row, the contact of a NumNum account it would duplicate.

Nothing here compares all pairs: exact keys go through dict indexes; a name is compared only
with names of the same area (the postcodes and cities that records connect) that share a rare
word with it, or a rare word one letter off, or that sort next to it (:func:`similar_names`).

>>> a = record_from_values(0, {"title": "Bakkerij Janssens BV", "vat_id": "BE 0403.019.261",
...                            "address_zip": "9000", "address_city": "Gent"})
>>> a.vat, a.name
('BE0403019261', 'bakkerij janssens')
>>> b = record_from_values(1, {"title": "BAKKERIJ JANSSENS", "vat_id": "403019261",
...                            "vat_country_code": "BE", "email": "Info@Janssens.be "})
>>> compare(a, b)
Match(ref=1, reason='vat_id', confidence='certain', score=1.0)
>>> c = record_from_values(2, {"title": "Bakkerij Janssens", "vat_id": "0202239951",
...                            "vat_country_code": "BE", "address_zip": "9000"})
>>> compare(a, c) is None  # another valid VAT number: another customer, same name or not
True
>>> d = record_from_values(3, {"title": "Bakkerij Jansens bvba", "address_city": "GENT"})
>>> compare(a, d)
Match(ref=3, reason='name', confidence='probable', score=0.9697)
>>> [(g.refs, g.reason, g.confidence) for g in find_groups([a, b, c, d])]
[([0, 1, 3], 'name', 'probable')]
>>> match_existing([c, d], [record_from_contact({"id": "c-9", "title": "Bakkerij Janssens NV",
...                                               "vat_id": "0202239951",
...                                               "vat_country_code": "BE"})])
{2: Match(ref='c-9', reason='vat_id', confidence='certain', score=1.0)}
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from numnum_xl.catalogue import LEGAL_FORM_ALIASES, LEGAL_FORMS
from numnum_xl.cells import text_of

EXTERNAL_ID, VAT_ID, EMAIL, NAME = "external_id", "vat_id", "email", "name"
#: The keys in NumNum's order of priority (index = level: lower is stronger).
REASONS: tuple[str, ...] = (EXTERNAL_ID, VAT_ID, EMAIL, NAME)
CERTAIN, PROBABLE = "certain", "probable"
CONFIDENCE: dict[str, str] = {EXTERNAL_ID: CERTAIN, VAT_ID: CERTAIN, EMAIL: PROBABLE,
                              NAME: PROBABLE}

#: Two normalised names at the same postcode or city are "the same name" from this similarity
#: on (rapidfuzz ``fuzz.ratio``, 0..1, the better of the word-sorted and the space-less form).
#: Tuned on planted data (``python bench/bench_duplicates.py --tune``, 10,000 rows): 0.90 is
#: the highest threshold that still finds every planted one-typo name duplicate (recall 100 %
#: at 0.90, 98.5 % at 0.92, 93.5 % at 0.94), and each step down doubles the pairs of
#: *different* customers at one place that reach it (435 pairs at 0.90, 825 at 0.88, 1,935 at
#: 0.85 among 8,900 customers) for no recall. In words: one wrong, missing, extra or swapped
#: letter in a name of about ten letters or more passes ("Bakkerij Janssen" / "Janssens"
#: 0.97, "Kapsalon Wauters" / "Wouters" 0.94, "Garage Maas" / "Maes" 0.91); another family
#: with the same trade does not ("Garage Claes" / "Maes" 0.86, "Elektro Claes" / "Maes"
#: 0.87), nor another trade of the same family ("Slagerij" / "Bakkerij Peeters" 0.80); short
#: names need to be exact ("Maas" / "Maes" 0.75). Name matches are only "probable", and only
#: decide when no external ID, VAT number or email is on both records.
FUZZY_THRESHOLD = 0.90

#: Within one key's bucket, classes of records with identical stronger keys are linked
#: pairwise up to this size, beyond it as a star around the first record (same groups).
_SMALL_CLASS = 8
#: Above this many class pairs in one bucket (a value shared by thousands of rows, e.g. the
#: bookkeeper's own address in every row), classes are linked as a star, not pairwise.
_MAX_CLASS_PAIRS = 2_000
#: Name particles that make poor blocking keys (most Flemish and Walloon names have one).
_PARTICLES = frozenset({"van", "den", "der", "het", "ter", "des", "les", "del", "von", "the",
                        "and", "und"})


@dataclass(frozen=True)
class Record:
    """What the matcher compares; built from a sheet row or an API contact.

    Every key is normalised (or ``None`` when empty or unusable): see
    :func:`record_from_values` and the ``normalise_*`` functions.
    """

    ref: Any  #: row index (0-based data row) or the contact's id
    external_id: str | None
    vat: str | None  #: ISO country + compact number, e.g. "BE0403019261"
    email: str | None  #: casefolded, stripped
    name: str | None  #: case, accents, punctuation and legal-form words removed
    postcode: str | None
    city: str | None  #: normalised like a name (without removing legal forms)


@dataclass(frozen=True)
class Match:
    """Why a record matches another one (``ref``)."""

    ref: Any  #: the other record's ref
    reason: str  #: "external_id" | "vat_id" | "email" | "name"
    confidence: str  #: "certain" | "probable"
    score: float  #: 1.0 for exact keys; the name similarity for fuzzy names


@dataclass
class Group:
    """Records that are (probably) one customer.

    ``reason`` and ``confidence`` are those of the weakest link that holds the group together
    (a chain is only as certain as its weakest link). ``links`` lists every direct match
    between two members, as ``(ref, Match to the other ref)``.
    """

    refs: list[Any]
    reason: str
    confidence: str
    links: list[tuple[Any, Match]] = field(default_factory=list)


# --- normalisation ---------------------------------------------------------------------------

_DROP = re.compile(r"[.'’‘`´]")  # "B.V." -> "bv", "l'Église" -> "leglise"
_SPLIT = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    """Casefolded, without accents."""
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(ch))
    return text.casefold()


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _SPLIT.split(_DROP.sub("", _fold(text))) if w)


def _legal_form_phrases() -> frozenset[tuple[str, ...]]:
    """Every way catalogue.LEGAL_FORMS and LEGAL_FORM_ALIASES write a legal form, as words."""
    texts = [text for lf in LEGAL_FORMS for text in (lf.code, lf.api_type, lf.name)]
    texts += [*LEGAL_FORM_ALIASES, *LEGAL_FORM_ALIASES.values()]
    return frozenset(w for w in map(_words, texts) if w)


#: Legal forms as word tuples ("bv",), ("cvba", "vso"), ("naamloze", "vennootschap"), …
LEGAL_FORM_PHRASES: frozenset[tuple[str, ...]] = _legal_form_phrases()
_LONGEST_FORM = max(len(p) for p in LEGAL_FORM_PHRASES)


def _strip_forms(words: tuple[str, ...]) -> tuple[str, ...]:
    """Remove legal forms at the end and the start ("NV Bekaert", "Janssens BV"); one word
    always stays."""
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in range(min(_LONGEST_FORM, len(words) - 1), 0, -1):
            if words[-n:] in LEGAL_FORM_PHRASES:
                words, changed = words[:-n], True
                break
            if words[:n] in LEGAL_FORM_PHRASES:
                words, changed = words[n:], True
                break
    return words


def normalise_name(value: Any) -> str | None:
    """A company or person name without case, accents, punctuation and legal forms.

    >>> normalise_name("  Bakkerij JANSSENS B.V.B.A. ")
    'bakkerij janssens'
    >>> normalise_name("S.A. Boulangerie de l'Église")
    'boulangerie de leglise'
    >>> normalise_name("Janssens & Zonen comm.v"), normalise_name("BV")
    ('janssens zonen', 'bv')
    """
    text = text_of(value)
    if text is None:
        return None
    words = _strip_forms(_words(text))
    return " ".join(words) or None


def normalise_city(value: Any) -> str | None:
    """A city name without case, accents and punctuation: "Sint-Niklaas" = "sint niklaas"."""
    text = text_of(value)
    if text is None:
        return None
    return " ".join(_words(text)) or None


_ZIP_PREFIX = re.compile(r"[A-Z]{1,2}(\d+)")


def normalise_postcode(value: Any) -> str | None:
    """A postcode in capitals without spaces or dashes; a country letter before digits goes.

    >>> normalise_postcode("B-9000"), normalise_postcode(9000), normalise_postcode("1012 ab")
    ('9000', '9000', '1012AB')
    """
    text = text_of(value)
    if text is None:
        return None
    text = re.sub(r"[\s\-.]", "", text.upper())
    m = _ZIP_PREFIX.fullmatch(text)
    return (m.group(1) if m else text) or None


def normalise_email(value: Any) -> str | None:
    """The address casefolded and stripped (``mailto:`` too); text without @ is no address."""
    text = text_of(value)
    if text is None:
        return None
    text = text.casefold()
    if text.startswith("mailto:"):
        text = text[7:].strip()
    return text if "@" in text else None


def normalise_external_id(value: Any) -> str | None:
    """The external ID as stripped text (a number without ".0")."""
    return text_of(value)


_BE_SEPARATORS = re.compile(r"[\s.\-/]")


def _be_vat(text: str) -> str | None:
    """A Belgian number the quick way (python-stdnum's be.vat rules): most rows are these."""
    number = _BE_SEPARATORS.sub("", text).upper()
    if number.startswith("BE"):
        number = number[2:]
    if len(number) == 9:
        number = "0" + number
    if (len(number) == 10 and number.isdigit() and number[0] in "01" and int(number) > 0
            and (int(number[:-2]) + int(number[-2:])) % 97 == 0):
        return "BE" + number
    return None


@lru_cache(maxsize=65536)
def _vat(text: str, country: str | None) -> str | None:
    from numnum_xl.rules import vat as vat_rules
    from numnum_xl.rules.country import lookup

    prefix, rest = vat_rules.split_prefix(text)
    cc = prefix or (lookup(country) if country else None)
    if cc is None:  # no country anywhere: a valid Belgian number is Belgian (NumNum is)
        digits = rest.zfill(10) if rest.isdigit() and len(rest) == 9 else rest
        mod = vat_rules.module("BE")
        return "BE" + digits if mod is not None and mod.is_valid(digits) else None
    number = vat_rules.compact(text, cc)
    if cc == "BE" and number.isdigit() and len(number) == 9:
        number = "0" + number  # Excel dropped the leading zero
    mod = vat_rules.module(cc)
    if mod is not None:
        try:
            valid = mod.is_valid(number)
        except Exception:  # a stdnum module that chokes on odd input: not a usable number
            valid = False
        if not valid:
            return None
    return cc + number if number else None


def normalise_vat(value: Any, country: Any = None) -> str | None:
    """ISO country + compact number, or None when empty or not a valid number.

    An invalid number says nothing about who the customer is (NumNum's sample number
    0123456789 is in many sheets), so it neither matches nor overrules.

    >>> normalise_vat("BE 0403.019.261"), normalise_vat("0403019261", "BE")
    ('BE0403019261', 'BE0403019261')
    >>> normalise_vat(403019261, "België"), normalise_vat("403019261")
    ('BE0403019261', 'BE0403019261')
    >>> normalise_vat("0123456789", "BE") is None
    True
    """
    text = text_of(value)
    if text is None:
        return None
    cc = text_of(country)
    if cc is not None and len(cc) == 2:
        cc = cc.upper()
    if (cc == "BE" and not text[:2].isalpha()) or text[:2].upper() == "BE":
        return _be_vat(text)
    return _vat(text, cc)


def _person_or_title(title: Any, first: Any, last: Any) -> str | None:
    name = normalise_name(title)
    if name is None:
        parts = [t for t in (text_of(first), text_of(last)) if t]
        name = normalise_name(" ".join(parts)) if parts else None
    return name


def record_from_values(ref: Any, values: dict[str, Any]) -> Record:
    """The record of one sheet row: a :attr:`Report.values <numnum_xl.validate.Report.values>`
    dict (field key -> value NumNum would get); the name is the title, else first + last."""
    get = values.get
    return Record(
        ref=ref,
        external_id=normalise_external_id(get("external_id")),
        vat=normalise_vat(get("vat_id"), get("vat_country_code")),
        email=normalise_email(get("email")),
        name=_person_or_title(get("title"), get("first_name"), get("last_name")),
        postcode=normalise_postcode(get("address_zip")),
        city=normalise_city(get("address_city")),
    )


def record_from_contact(contact: dict[str, Any]) -> Record:
    """The record of a contact of the NumNum API (the fields of contract.md)."""
    return record_from_values(contact.get("id"), contact)


# --- comparing two records ------------------------------------------------------------------

@lru_cache(maxsize=262144)
def _name_keys(name: str) -> tuple[str, str]:
    """(words sorted, words joined without spaces): "Peeters Jan" = "Jan Peeters", "De Smet"
    = "Desmet"."""
    words = name.split()
    return " ".join(sorted(words)), "".join(words)


def name_similarity(a: str, b: str) -> float:
    """Similarity of two normalised names, 0..1 (1.0: the same name).

    >>> name_similarity("peeters jan", "jan peeters"), name_similarity("de smet", "desmet")
    (1.0, 1.0)
    >>> round(name_similarity("bakkerij janssens", "bakerij janssens"), 2)
    0.97
    """
    if a == b:
        return 1.0
    sa, na = _name_keys(a)
    sb, nb = _name_keys(b)
    if sa == sb or na == nb:
        return 1.0
    return round(max(fuzz.ratio(sa, sb), fuzz.ratio(na, nb)) / 100, 4)


def _same_place(a: Record, b: Record) -> bool:
    return bool((a.postcode and a.postcode == b.postcode) or (a.city and a.city == b.city))


def _keys(r: Record) -> tuple[str | None, str | None, str | None]:
    return r.external_id, r.vat, r.email


def _verdict(a: Record, b: Record) -> tuple[int, bool] | None:
    """(level of the first identifying key both records have, whether it is the same)."""
    for level, (x, y) in enumerate(zip(_keys(a), _keys(b), strict=True)):
        if x is not None and y is not None:
            return level, x == y
    return None


def compare(a: Record, b: Record) -> Match | None:
    """How ``a`` matches ``b`` (a :class:`Match` naming ``b.ref``), or None.

    The first key both records have decides; names are compared only when they share no key.
    """
    verdict = _verdict(a, b)
    if verdict is not None:
        level, same = verdict
        return Match(b.ref, REASONS[level], CONFIDENCE[REASONS[level]], 1.0) if same else None
    if a.name and b.name and _same_place(a, b):
        score = name_similarity(a.name, b.name)
        if score >= FUZZY_THRESHOLD:
            return Match(b.ref, NAME, PROBABLE, score)
    return None


def _rank(m: Match) -> tuple[int, float]:
    """Sort key: stronger reason first, then higher score."""
    return REASONS.index(m.reason), -m.score


# --- indexes ---------------------------------------------------------------------------------

#: Names are compared when they share a rare word (one that at most this many names of the
#: area have) or a rare word one letter off (the same after deleting one letter from either:
#: "vans" / "vains", "lamter" / "lamters", "segeaert" / "segelert") ...
_MAX_WORD_BLOCK = 20
#: ... or when they sort within this many places of each other, rare words first, forwards
#: and backwards (the sorted-neighbourhood method: catches what is left, e.g. two typos).
_WINDOW = 6


def _places(r: Record) -> list[tuple[str, str]]:
    out = []
    if r.postcode:
        out.append(("p", r.postcode))
    if r.city:
        out.append(("c", r.city))
    return out


def _full_mask(r: Record) -> int:
    """Which identifying keys the record has: bit 0 external ID, 1 VAT, 2 email."""
    return ((r.external_id is not None) | (r.vat is not None) << 1
            | (r.email is not None) << 2)


#: per level, the bits of the keys stronger than it
_STRONGER = (0, 1, 3, 7)


class _Areas:
    """Postcodes and cities that records connect (9000 Gent, 9050 Gent), merged into areas: a
    name is compared with the other names of its area only."""

    def __init__(self, *record_lists: list[Record]) -> None:
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(x: tuple[str, str]) -> tuple[str, str]:
            root = x
            while parent[root] != root:
                root = parent[root]
            while parent[x] != root:
                parent[x], x = root, parent[x]
            return root

        for records in record_lists:
            for r in records:
                if r.name is None:
                    continue
                places = _places(r)
                for p in places:
                    parent.setdefault(p, p)
                if len(places) == 2:
                    a, b = find(places[0]), find(places[1])
                    if a != b:
                        parent[b] = a
        self.area = {p: find(p) for p in parent}

    def of(self, r: Record) -> tuple[str, str] | None:
        if r.postcode:
            return self.area.get(("p", r.postcode))
        return self.area.get(("c", r.city)) if r.city else None


class _Index:
    """Dict indexes over a list of records: exact keys per level (names per place), and the
    distinct names per area."""

    def __init__(self, records: list[Record], areas: _Areas) -> None:
        self.records = records
        #: per level: key -> indices of the records with it (names: (place, name key))
        self.exact: list[dict[Any, list[int]]] = [{}, {}, {}, {}]
        #: (area, name) -> indices
        self.at: dict[tuple[Any, str], list[int]] = {}
        #: area -> distinct names
        self.names: dict[Any, list[str]] = {}
        #: per record, :func:`_full_mask`
        self.masks = [_full_mask(r) for r in records]
        ext_index, vat_index, email_index, name_index = self.exact
        for i, r in enumerate(records):
            if r.external_id is not None:
                ext_index.setdefault(r.external_id, []).append(i)
            if r.vat is not None:
                vat_index.setdefault(r.vat, []).append(i)
            if r.email is not None:
                email_index.setdefault(r.email, []).append(i)
            if r.name is None:
                continue
            area = areas.of(r)
            if area is None:
                continue
            by_words, flat = _name_keys(r.name)
            for place in _places(r):
                name_index.setdefault((place, by_words), []).append(i)
                if flat != by_words:
                    name_index.setdefault((place, flat), []).append(i)
            members = self.at.get((area, r.name))
            if members is None:
                self.at[(area, r.name)] = [i]
                self.names.setdefault(area, []).append(r.name)
            else:
                members.append(i)


def similar_names(left: dict[Any, list[str]], right: dict[Any, list[str]] | None = None,
                  threshold: float | None = None) -> Iterator[tuple[Any, str, str, float]]:
    """(area, name of ``left``, a different name of ``right`` (default: of ``left``), score)
    for every pair of names in one area at least ``threshold`` similar (default
    :data:`FUZZY_THRESHOLD`), each pair once. Not all pairs are compared: see
    :data:`_MAX_WORD_BLOCK` and :data:`_WINDOW`.

    >>> pairs = similar_names({"gent": ["bakkerij janssens", "bakerij janssens",
    ...                                 "slagerij janssens", "drukkerij maes"]})
    >>> [(a, b, s) for _area, a, b, s in pairs]
    [('bakkerij janssens', 'bakerij janssens', 0.9697)]
    """
    threshold = FUZZY_THRESHOLD if threshold is None else threshold
    loose = threshold * 100 - 5  # the blocking key is one spelling of two; checked below
    for area, ours in left.items():
        theirs = right.get(area) if right is not None else ours
        if not theirs:
            continue
        cross = right is not None
        if cross:  # each distinct name once; side: 1 ours, 2 theirs, 3 both
            sides: dict[str, int] = dict.fromkeys(ours, 1)
            for n in theirs:
                sides[n] = sides.get(n, 0) | 2
            names = list(sides)
            side: list[int] | None = list(sides.values())
        else:
            names, side = list(ours), None
        words = [n.split() for n in names]
        df: dict[str, int] = {}
        for ws in words:
            for w in set(ws):
                df[w] = df.get(w, 0) + 1
        candidates: set[tuple[int, int]] = set()
        blocks: dict[str, list[int]] = {}
        for k, ws in enumerate(words):
            keys: set[str] = set()
            for w in ws:
                if df[w] <= _MAX_WORD_BLOCK and len(w) >= 3 and w not in _PARTICLES:
                    keys.add(w)
                    if len(w) >= 4:
                        keys.update(w[:x] + w[x + 1:] for x in range(len(w)))
            for key in keys:
                blocks.setdefault(key, []).append(k)
        for members in blocks.values():
            if 1 < len(members) <= _MAX_WORD_BLOCK:
                for x, k in enumerate(members):
                    for j in members[x + 1:]:
                        if side is None or side[k] | side[j] == 3:
                            candidates.add((k, j))
        if len(names) > 2:
            forward = [" ".join(sorted(ws, key=lambda w: (df[w], w))) for ws in words]
            for keys in (forward, [k[::-1] for k in forward]):
                order = sorted(range(len(names)), key=keys.__getitem__)
                for pos, k in enumerate(order):
                    window = order[pos + 1:pos + 1 + _WINDOW]
                    if side is not None:
                        window = [j for j in window if side[j] | side[k] == 3]
                    if not window:
                        continue
                    for _c, _s, x in process.extract(keys[k], [keys[j] for j in window],
                                                     scorer=fuzz.ratio, score_cutoff=loose,
                                                     limit=None):
                        j = window[x]
                        candidates.add((k, j) if k < j else (j, k))
        elif len(names) == 2 and (side is None or side[0] | side[1] == 3):
            candidates.add((0, 1))
        found = []
        keys = [_name_keys(n) for n in names]
        cutoff = threshold * 100
        for k, j in candidates:
            (sa, fa), (sb, fb) = keys[k], keys[j]
            if not (fuzz.ratio(sa, sb, score_cutoff=cutoff)
                    or fuzz.ratio(fa, fb, score_cutoff=cutoff)):
                continue
            a, b = names[k], names[j]
            score = name_similarity(a, b)
            if score >= threshold:
                if side is None:
                    found.append((a, b, score))
                    continue
                if side[k] & 1 and side[j] & 2:
                    found.append((a, b, score))
                if side[j] & 1 and side[k] & 2:
                    found.append((b, a, score))
        found.sort()
        for a, b, score in found:
            yield area, a, b, score


def _classes(records: list[Record], members: Iterable[int], level: int
             ) -> dict[int, list[list[int]]]:
    """Records with the same stronger keys form a class; classes grouped by :func:`_mask`."""
    by_sig: dict[tuple, list[int]] = {}
    for i in members:
        by_sig.setdefault(_keys(records[i])[:level], []).append(i)
    by_mask: dict[int, list[list[int]]] = {}
    for sig, cls in by_sig.items():
        mask = sum(1 << k for k, v in enumerate(sig) if v is not None)
        by_mask.setdefault(mask, []).append(cls)
    return by_mask


def _class_pairs(a: list[list[int]], b: list[list[int]]) -> Iterator[tuple[int, int]]:
    """Candidate pairs between two lists of classes (bounded, see :data:`_MAX_CLASS_PAIRS`)."""
    if len(a) * len(b) > _MAX_CLASS_PAIRS:
        small, big = (a, b) if len(a) <= len(b) else (b, a)
        for cls in big:
            yield small[0][0], cls[0]
        return
    for ca in a:
        for cb in b:
            if len(ca) * len(cb) <= _SMALL_CLASS:
                for i in ca:
                    for j in cb:
                        yield i, j
            else:
                yield ca[0], cb[0]


def _within(records: list[Record], members: list[int], level: int
            ) -> Iterator[tuple[int, int]]:
    """Candidate pairs among records that share the key of ``level``.

    Small buckets: every pair (:func:`compare` decides). Large ones (a value shared by many
    rows): records with the same stronger keys form a class, linked pairwise when small and
    as a star otherwise; between classes only those whose stronger keys are present on one
    side only (disjoint masks) are decided by this key - records with a stronger key on both
    sides are decided, and found, by that key's own index.
    """
    if len(members) <= _SMALL_CLASS:
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                yield i, j
        return
    by_mask = _classes(records, members, level)
    for classes in by_mask.values():
        for cls in classes:
            if len(cls) <= _SMALL_CLASS:
                for x, i in enumerate(cls):
                    for j in cls[x + 1:]:
                        yield i, j
            else:
                for j in cls[1:]:
                    yield cls[0], j
    masks = sorted(by_mask)
    for x, m1 in enumerate(masks):
        for m2 in masks[x + 1:]:
            if not m1 & m2:
                yield from _class_pairs(by_mask[m1], by_mask[m2])


def _across(records: list[Record], left: list[int], right: list[int], level: int
            ) -> Iterator[tuple[int, int]]:
    """Candidate pairs between two sets of records (similar names in one area)."""
    if len(left) * len(right) <= _SMALL_CLASS:
        for i in left:
            for j in right:
                yield i, j
        return
    lm = _classes(records, left, level)
    rm = _classes(records, right, level)
    for m1, a in lm.items():
        for m2, b in rm.items():
            if not m1 & m2:
                yield from _class_pairs(a, b)


@contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic garbage collection while building indexes of many small objects (none of
    them cyclic): CPython would otherwise rescan the growing heap again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- within one sheet ------------------------------------------------------------------------

def _links(records: list[Record]) -> dict[tuple[int, int], Match]:
    """Every direct match found, keyed by (i, j) with i < j (the Match names j)."""
    index = _Index(records, _Areas(records))
    candidates: set[tuple[int, int]] = set()

    def add(pairs: Iterable[tuple[int, int]]) -> None:
        for i, j in pairs:
            if i != j:
                candidates.add((i, j) if i < j else (j, i))

    for level in range(4):
        for members in index.exact[level].values():
            if len(members) > 1:
                add(_within(records, members, level))
    similar = 0
    for area, name, other, _score in similar_names(index.names):
        similar += 1
        add(_across(records, index.at[(area, name)], index.at[(area, other)], 3))
    links: dict[tuple[int, int], Match] = {}
    for i, j in candidates:
        m = compare(records[i], records[j])
        if m is not None:
            links[(i, j)] = m
    LAST_RUN.clear()
    LAST_RUN.update(records=len(records), similar_names=similar,
                    pairs_compared=len(candidates), links=len(links))
    return links


#: What the last :func:`find_groups` did (for benchmarks): records, pairs of similar names,
#: pairs compared (never all pairs), direct matches found.
LAST_RUN: dict[str, int] = {}


class _Clusters:
    """Union-find whose clusters remember their members' distinct identifying keys."""

    def __init__(self, records: list[Record]) -> None:
        self.parent = list(range(len(records)))
        self.keys: dict[int, set[tuple]] = {}
        self.records = records

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def _keyset(self, root: int) -> set[tuple]:
        got = self.keys.get(root)
        if got is None:
            got = self.keys[root] = {_keys(self.records[root])}
        return got

    def conflict(self, a: int, b: int, level: int) -> bool:
        """Whether joining clusters ``a`` and ``b`` (roots) would put two different customers
        together: two records with different external IDs, or with different VAT numbers and
        not the same external ID; for a link by name also two different email addresses."""
        for x in self._keyset(a):
            for y in self._keyset(b):
                for k in range(3 if level == 3 else 2):
                    if x[k] is not None and y[k] is not None:
                        if x[k] != y[k]:
                            return True
                        break
        return False

    def union(self, a: int, b: int) -> None:
        ka, kb = self._keyset(a), self._keyset(b)
        if len(ka) < len(kb):
            a, b, ka, kb = b, a, kb, ka
        self.parent[b] = a
        ka |= kb
        self.keys.pop(b, None)


def find_groups(records: list[Record]) -> list[Group]:
    """Duplicates within one sheet, as groups of refs (in the order of ``records``).

    Chains: links are applied strongest first (external ID, VAT, email, then names by
    similarity, ties in row order), and a link joins two groups only when the result holds no
    contradiction - never two different external IDs, never two different VAT numbers
    (unless their external ID is the same), and, when the link is only a name, never two
    different email addresses. So A~B by email and B~C by name make one group A, B, C when
    nothing in A contradicts C; when A and C have different VAT numbers, C stays out. Beyond
    that a group is the transitive closure of real pairwise matches; its ``reason`` and
    ``confidence`` are those of its weakest link.
    """
    with _bulk():
        links = _links(records)
        order = sorted(links, key=lambda ij: (*_rank(links[ij]), ij))
        clusters = _Clusters(records)
        weakest: dict[int, Match] = {}
        for i, j in order:
            m = links[(i, j)]
            a, b = clusters.find(i), clusters.find(j)
            if a == b or clusters.conflict(a, b, REASONS.index(m.reason)):
                continue
            wa, wb = weakest.pop(a, None), weakest.pop(b, None)
            clusters.union(a, b)
            weakest[clusters.find(a)] = max((x for x in (wa, wb, m) if x is not None),
                                            key=_rank)
        members: dict[int, list[int]] = {root: [] for root in weakest}
        for i in range(len(records)):
            root = clusters.find(i)
            if root in members:
                members[root].append(i)
        group_links: dict[int, list[tuple[Any, Match]]] = {root: [] for root in members}
        for (i, j) in sorted(links):
            root = clusters.find(i)
            if root in group_links and root == clusters.find(j):
                group_links[root].append((records[i].ref, links[(i, j)]))
        roots = sorted(members, key=lambda root: members[root][0])
        return [Group([records[i].ref for i in members[root]], weakest[root].reason,
                      weakest[root].confidence, group_links[root]) for root in roots]


# --- against an account ----------------------------------------------------------------------

def match_existing(records: list[Record], existing: list[Record]) -> dict[Any, Match]:
    """Row ref -> the best existing contact it matches (strongest reason, then score; on a tie
    the contact listed first). Rows that match nothing are absent."""
    with _bulk():
        areas = _Areas(records, existing)
        rows, theirs = _Index(records, areas), _Index(existing, areas)
        first_of: dict[tuple[int, Any], dict[int, int]] = {}

        def reps(level: int, key: Any, members: list[int]) -> dict[int, int]:
            """Per mask of stronger keys, the first contact of the bucket with it: the others
            with that mask match a row the same way (or are found by a stronger key)."""
            got = first_of.get((level, key))
            if got is None:
                got = {}
                stronger = _STRONGER[level]
                for j in members:
                    got.setdefault(theirs.masks[j] & stronger, j)
                first_of[(level, key)] = got
            return got

        best: dict[int, tuple[tuple[int, float, int], Match]] = {}

        def consider(i: int, level: int, key: Any, members: list[int]) -> None:
            had = best.get(i)
            if had is not None and had[0][0] < level:
                return  # a stronger key already matched this row
            mine = rows.masks[i]
            for mask, j in reps(level, key, members).items():
                if mask & mine:
                    continue
                m = compare(records[i], existing[j])
                if m is not None:
                    rank = (*_rank(m), j)
                    if had is None or rank < had[0]:
                        had = best[i] = (rank, m)

        for level in range(4):
            for key, members in rows.exact[level].items():
                found = theirs.exact[level].get(key)
                if found:
                    for i in members:
                        consider(i, level, key, found)
        for area, name, other, _score in similar_names(rows.names, theirs.names):
            found = theirs.at[(area, other)]
            for i in rows.at[(area, name)]:
                consider(i, 3, ("at", area, other), found)
        return {records[i].ref: m for i, (_rank_, m) in sorted(best.items())}


# --- the account's contacts ------------------------------------------------------------------

def fetch_contacts(base_url: str, token: str, *, lang: str = "nl") -> list[dict[str, Any]]:
    """Every contact of the account, fetched once, page by page (``GET
    /contacts?page=&per_page=100``) - not one request per row - through
    :class:`numnum_xl.client.NumNumClient` (timeouts, retries, 429, a redacted token).

    Raises :class:`numnum_xl.client.ApiError` (its ``message(lang)`` says why) or
    :class:`ValueError` for an unusable URL.
    """
    from numnum_xl.client import NumNumClient

    with NumNumClient(base_url, token, lang=lang) as client:
        return client.list_contacts()
