"""Column mapping: which sheet column feeds which NumNum field.

A column is recognised by its header — the sample-file key, the Dutch/French/English labels
and the catalogue's synonyms (insensitive to case, accents, spaces and punctuation), else its
words (:mod:`numnum_xl.headerwords`: "POCity", "Plaats hoofdadres"; role words make a
delivery or home address a secondary column that feeds nothing), else a fuzzy match for typos
— and by its values (:mod:`numnum_xl.colvalues`), which confirm a header, overrule a weak one
and find columns whose header says nothing. Street + number + box and address lines are
combined into ``address``; first + last name into ``title`` when no column names the
customer. Every other combination or skip is explicit, as in NumNum's own mapping screen. A
mapping can be saved as a named profile (JSON) and reused, like Exact Online's import
profiles.

>>> normalise("N° TVA"), normalise("BTW-nummer"), normalise(" Localité ")
('ntva', 'btwnummer', 'localite')
>>> m = propose(["Bedrijfsnaam", "BTW nr", "Postcode", "Gemeente", "Land", "Kleur"])
>>> [c.key for c in m.columns]
['title', 'vat_id', 'address_zip', 'address_city', 'address_country', None]
>>> m.unmapped
[5]
>>> propose(["Familienam"]).columns[0].how
'fuzzy'
>>> m = propose(["Kolom1", "Straat", "Nr", "Bus", "Home City"],
...             rows=[["info@bakkerij.be", "Kerkstraat", "12", "3", "Gent"]])
>>> m.fields, m.columns[0].how, m.secondary
({'address': [1, 2, 3], 'email': [0]}, 'values', [4])
>>> m.join("address", ["info@bakkerij.be", "Kerkstraat", "12", "3", "Gent"])
'Kerkstraat 12 bus 3'
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from numnum_xl.catalogue import (
    ADDRESS_LINE_WORDS,
    AMBIGUOUS_HEADERS,
    BOX_LABEL,
    CUSTOMER_WORDS,
    FIELD_BY_KEY,
    FIELDS,
    INVOICE_WORDS,
    WEAK_WORDS,
    WHOLE_HEADER_ONLY,
)
from numnum_xl.colvalues import (
    DISTINCTIVE,
    NAME_FIELDS,
    ValueProfile,
    salutation_column,
    support,
)
from numnum_xl.colvalues import profile as value_profile
from numnum_xl.headerwords import read, words
from numnum_xl.table import Table

#: How a column was matched, best first.
HOW_ORDER = ("profile", "key", "label", "synonym", "ambiguous", "fuzzy")
FUZZY_CUTOFF = 0.82
FUZZY_MIN_LENGTH = 5
SKIP = "skip"


def normalise(header: object) -> str:
    """A header reduced for comparison: casefolded, without accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(header or "")).casefold().replace("%", "pct")
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, str]]:
    """Normalised header -> (field key, how) for every key, label and synonym.

    Raises ValueError if the catalogue gives one name to two fields.
    """
    index: dict[str, tuple[str, str]] = {}

    def add(name: str, key: str, how: str) -> None:
        norm = normalise(name)
        if norm in index and index[norm][0] != key:
            raise ValueError(f"{name!r} names both {index[norm][0]} and {key}")
        if norm not in index or HOW_ORDER.index(how) < HOW_ORDER.index(index[norm][1]):
            index[norm] = (key, how)

    for f in FIELDS:
        add(f.key, f.key, "key")
        for label in (f.label_nl, f.label_fr, f.label_en):
            add(label, f.key, "label")
        for syn in f.synonyms:
            add(syn, f.key, "synonym")
    for name, keys in AMBIGUOUS_HEADERS.items():
        if normalise(name) in index:
            raise ValueError(f"{name!r} is ambiguous and also a name of "
                             f"{index[normalise(name)][0]}")
        index[normalise(name)] = (keys[0], "ambiguous")
    return index


_AMBIGUOUS = {normalise(k): v for k, v in AMBIGUOUS_HEADERS.items()}
_WHOLE_ONLY = {normalise(w) for w in WHOLE_HEADER_ONLY}
_CUSTOMER = {" ".join(words(w)) for w in CUSTOMER_WORDS}
_INVOICE = {" ".join(words(w)) for w in INVOICE_WORDS}
_LINE_WORDS = {w for phrase in ADDRESS_LINE_WORDS for w in words(phrase)}
#: How sure each way of matching is (the tier decides who gets a field first).
_TIER = {"profile": 0.0, "key": 1.0, "label": 1.0, "synonym": 1.0, "ambiguous": 1.5,
         "words": 2.0, "weak": 3.0, "partial": 4.0, "values": 5.0, "fuzzy": 6.0}
_CONFIDENCE = {"profile": 1.0, "key": 1.0, "label": 1.0, "synonym": 0.95, "ambiguous": 0.8,
               "words": 0.9, "weak": 0.6, "partial": 0.6, "values": 0.7, "fuzzy": 0.5}
#: Rows looked at to judge a column by its values.
SAMPLE_ROWS = 200
#: Share of values that must fit a field for the values to confirm or find it.
CONFIRM = 0.5
FIND = 0.8


@dataclass
class Column:
    """One sheet column and the field it feeds (``key`` None: not imported)."""

    index: int
    header: str
    key: str | None
    #: profile, key, label, synonym, ambiguous, words, weak, partial, values, fuzzy, composed,
    #: skip, or None (unmapped)
    how: str | None = None
    score: float = 1.0
    #: for a combined field, this column is one of several joined with spaces
    combined: bool = False
    #: why a column with a header feeds nothing: "secondary", "foreign", "salutation" or None
    status: str | None = None
    #: the words behind ``status`` ("levering", "job title", ...)
    reason: str = ""
    #: how sure the mapping is, 0..1
    confidence: float = 0.0
    #: what the mapping rests on: [{"type": key|label|synonym|words|values|fuzzy|..., ...}]
    evidence: list[dict] = field(default_factory=list)
    #: address part this column is in a combination: "number", "box" or "line"
    part: str | None = None
    #: a few of the column's values (from the sampled rows)
    examples: list[str] = field(default_factory=list)


@dataclass
class Mapping:
    """The mapping of every column; ``fields`` gives the columns feeding each field."""

    columns: list[Column]
    #: field key -> column indices feeding it, in join order (more than one: combined)
    fields: dict[str, list[int]] = field(default_factory=dict)
    #: columns that map to a field another column already feeds (not imported)
    duplicates: list[int] = field(default_factory=list)
    #: headers a profile names that the sheet does not have
    missing: list[str] = field(default_factory=list)

    def keys_of(self, index: int) -> list[str]:
        """Every field column ``index`` feeds (usually one)."""
        return [k for k, idx in self.fields.items() if index in idx]

    @property
    def unmapped(self) -> list[int]:
        """Columns with a header that feed no field and were not skipped on purpose."""
        return [c.index for c in self.columns
                if c.key is None and c.how != SKIP and c.header.strip()
                and c.index not in self.duplicates]

    @property
    def secondary(self) -> list[int]:
        """Columns of a second address or contact (delivery, home, 2 ...): not imported."""
        return [i for i in self.unmapped if self.columns[i].status == "secondary"]

    @property
    def from_values(self) -> list[int]:
        """Columns mapped (or re-mapped) because of their values: the user should check."""
        return [c.index for c in self.columns if c.key and c.how == "values"
                and c.index not in self.duplicates]

    def join(self, key: str, row: list[Any]) -> Any:
        """The value of combined field ``key`` in ``row``: the parts joined with spaces, an
        address in Belgian order ("Kerkstraat 12 bus 3"); an Excel error in a part wins."""
        idx = self.fields[key]
        parts = [row[i] for i in idx]
        for p in parts:
            if p.__class__.__name__ == "ErrorValue":
                return p
        texts = [(self.columns[i].part, _cell_text(row[i])) for i in idx]
        texts = [(part, t) for part, t in texts if t]
        if not texts:
            return None
        if key != "address":
            return " ".join(t for _, t in texts)
        out = texts[0][1]
        for part, t in texts[1:]:
            if part == "box" and not _starts_with_box(t):
                out += f" {BOX_LABEL} {t}"
            elif part in ("number", "box") or _starts_with_box(t) or t[:1].isdigit():
                out += f" {t}"
            else:
                out += f", {t}"
        return out

    def as_profile(self, name: str) -> dict:
        """This mapping as a profile (JSON-able)."""
        return {
            "name": name,
            "fields": {k: [self.columns[i].header for i in idx] for k, idx in self.fields.items()},
            "skip": [c.header for c in self.columns if c.how == SKIP],
        }


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _starts_with_box(text: str) -> bool:
    w = words(text)
    return bool(w) and read(w[0]).part == "box"


@dataclass
class _Cand:
    key: str
    how: str
    score: float = 1.0
    evidence: list[dict] = field(default_factory=list)
    part: str | None = None
    #: added to the tier: a weak word's rank ("Code" before "ID"), a name column's context
    rank: float = 0.0

    @property
    def tier(self) -> float:
        return _TIER[self.how] + self.rank


def _fuzzy(header: str) -> tuple[str, float] | None:
    norm = normalise(header)
    if not FUZZY_MIN_LENGTH <= len(norm) <= 60:
        return None
    names = [n for n, (k, _) in aliases().items() if k != "title" and n not in _WHOLE_ONLY]
    hit = process.extractOne(norm, names, scorer=Levenshtein.normalized_similarity,
                             score_cutoff=FUZZY_CUTOFF)
    if hit:
        return aliases()[hit[0]][0], float(hit[1])
    return None


def _values_word(prof: ValueProfile, kind: str) -> dict:
    return {"type": "values", "kind": kind, "share": round(prof.share(kind), 2),
            "of": prof.count, "examples": prof.examples}


def _read_column(c: Column, prof: ValueProfile, has_rows: bool) -> list[_Cand]:
    """The fields column ``c`` may feed, best first, from its header and its values; sets
    ``c.status``/``c.reason`` when it feeds nothing on purpose."""
    header = c.header
    norm = normalise(header)
    cands: list[_Cand] = []
    reading = read(header)
    empty = has_rows and not prof.count
    if norm in aliases():
        key, how = aliases()[norm]
        keys = _AMBIGUOUS.get(norm, (key,)) if how == "ambiguous" else (key,)
        ev = {"type": how, "name": header}
        cands = [_Cand(k, how, 1.0, [ev]) for k in keys]
    elif reading.foreign:
        c.status, c.reason = "foreign", reading.foreign
    else:
        how = "words" if reading.complete else "partial"
        ev = {"type": "words", "words": reading.words, "matched": reading.phrases,
              "role": reading.role_words}
        if reading.unknown:
            ev["unknown"] = reading.unknown
        bonus = -0.1 if set(reading.role_words) & _INVOICE else 0.0
        cands = [_Cand(k, how, 1.0, [dict(ev)], reading.part, rank=bonus)
                 for k in reading.fields]
        if reading.part and not cands:
            cands = [_Cand("address", "words", 1.0, [dict(ev)], reading.part)]
        if not cands and reading.weak and not reading.unknown and all(
                w in _CUSTOMER for w in reading.role_words):  # "Billing Code" is no code
            weak = [w for w in reading.words if w in WEAK_WORDS]
            rank = list(WEAK_WORDS).index(weak[0]) / 100 if weak else 0.0
            cands = [_Cand(reading.weak, "weak", 1.0, [dict(ev)], rank=rank)]
        if reading.role == "secondary" and cands:
            c.status, c.reason = "secondary", ", ".join(reading.role_words)
            if not (len(reading.role_words) == 1 and reading.role_words[0].isdigit()
                    and reading.fields == ["address"]):
                cands = []  # only a numbered address line may still be a continuation
            else:
                for cand in cands:
                    cand.part = "line"
        elif len({cand.key for cand in cands}) > 1 and not prof.count:
            cands = []  # "Postcode/Plaats": two fields in one header and no values to decide
    if c.status == "foreign":
        return []
    # --- the values -----------------------------------------------------------------------
    if prof.count and salutation_column(prof) and (not cands or all(
            cand.key in NAME_FIELDS for cand in cands)):
        c.status, c.reason = "salutation", ", ".join(prof.examples)
        return []
    if prof.count:
        kept: list[_Cand] = []
        for cand in cands:
            if cand.part in ("number", "box"):  # 12, 45a, 3: judged beside the street
                kept.append(cand)
                continue
            fit = support(cand.key, prof) if cand.part != "line" else 1.0
            strong = cand.tier <= _TIER["words"]
            if cand.key in ("telephone", "cellphone") and cand.part is None:
                other = "cellphone" if cand.key == "telephone" else "telephone"
                if support(other, prof) >= FIND and fit < CONFIRM:
                    kind = "mobile" if other == "cellphone" else "fixed"
                    kept.append(_Cand(other, "values" if not strong else cand.how, fit,
                                      [*cand.evidence, _values_word(prof, kind)]))
            if fit >= CONFIRM:
                cand.evidence.append({"type": "values", "fit": round(fit, 2), "of": prof.count,
                                      "examples": prof.examples})
                cand.score = fit
                kept.append(cand)
            elif cand.key in NAME_FIELDS and cand.how not in ("key", "label") \
                    and prof.share("text") < 0.2:
                continue  # "Client" holding 1/0: a flag, not a name
            elif strong and cand.part is None:  # the header says it plainly: keep it
                cand.evidence.append({"type": "values", "fit": round(fit, 2),
                                      "of": prof.count, "examples": prof.examples,
                                      "warning": "values do not look like this field"})
                cand.score = max(fit, 0.3)
                kept.append(cand)
        if cands and not kept:
            c.reason = "values"  # the header said a field the values contradict
        cands = kept
    elif empty:
        # nothing to import: only a header that says it plainly keeps its field
        cands = [cand for cand in cands if cand.tier <= _TIER["words"]]
    if (not cands or reading.meaningless) and c.status is None and prof.count:
        best = prof.best()
        if best and best[0] in DISTINCTIVE and best[1] >= FIND and (
                reading.meaningless or (prof.count >= 2 and not reading.unknown)):
            key = DISTINCTIVE[best[0]]
            if best[0] == "fixed" and prof.share("mobile") >= FIND:
                key = "cellphone"
            rank = _TIER["weak"] - _TIER["values"] if reading.meaningless else 0.0
            cands = [_Cand(key, "values", best[1], [_values_word(prof, best[0])], rank=rank),
                     *cands]
    if not cands and reading.meaningless and "nr" in reading.words and prof.count >= 2 \
            and prof.share("identifier") >= FIND and prof.distinct == prof.count:
        # "Number"/"Nummer" holding one short code per customer: the customer number
        cands = [_Cand("external_id", "values", prof.share("identifier"),
                       [_values_word(prof, "identifier")],
                       rank=_TIER["weak"] - _TIER["values"])]
    if not cands and c.status is None and not reading.meaningless and not empty:
        hit = _fuzzy(header)
        if hit and (not prof.count or support(hit[0], prof) >= CONFIRM):
            cands = [_Cand(hit[0], "fuzzy", hit[1], [{"type": "fuzzy", "score": round(hit[1], 2)}])]
    return cands


def propose(headers: list[str], *, profile: dict | None = None,
            overrides: dict[str, list[str]] | None = None,
            rows: list[list[Any]] | None = None) -> Mapping:
    """The mapping for ``headers``: explicit choices first (a profile, then ``overrides``:
    field key -> the headers feeding it, or "skip" -> headers not to import; an override
    replaces the profile's choice for that field), then recognition of the rest by the
    headers' words and, given ``rows`` (the data rows), the columns' values."""
    columns = [Column(i, str(h or ""), None) for i, h in enumerate(headers)]
    by_norm: dict[str, list[int]] = {}
    for c in columns:
        by_norm.setdefault(normalise(c.header), []).append(c.index)
    explicit: dict[str, list[int]] = {}
    missing: list[str] = []

    def find(name: str, reuse: bool = False) -> int | None:
        """The first column with header ``name`` not used yet (``reuse``: or used by another
        explicit choice: one column may feed two fields, e.g. Naam → title and last_name)."""
        idx = [i for i in by_norm.get(normalise(name), [])
               if columns[i].how is None or (reuse and columns[i].how == "profile")]
        return idx[0] if idx else None

    plan = {k: list(v) if isinstance(v, list) else [v]
            for k, v in (profile or {}).get("fields", {}).items()}
    skips = list((profile or {}).get("skip", []))
    for key, names in (overrides or {}).items():
        if key == SKIP:
            skips.extend(names)
        else:
            plan[key] = list(names)
    for key, names in plan.items():
        if key not in FIELD_BY_KEY:
            raise ValueError(f"onbekend NumNum-veld {key!r} in de koppeling")
        for name in names:
            i = find(name, reuse=True)
            if i is None:
                missing.append(name)
                continue
            if columns[i].how is None:
                columns[i].key, columns[i].how = key, "profile"
                columns[i].confidence = 1.0
                columns[i].evidence = [{"type": "profile"}]
            explicit.setdefault(key, []).append(i)
    for name in skips:
        i = find(name)
        if i is None:
            missing.append(name)
        else:
            columns[i].how = SKIP
    sample = (rows or [])[:SAMPLE_ROWS]
    profiles = [value_profile([r[c.index] if c.index < len(r) else None for r in sample])
                for c in columns]
    for c, prof in zip(columns, profiles, strict=False):
        c.examples = prof.examples
    cands: dict[int, list[_Cand]] = {}
    for c in columns:
        if c.how is None:
            cands[c.index] = _read_column(c, profiles[c.index], bool(sample))
    _names_in_context(columns, cands, sample)
    _house_numbers(columns, cands, profiles)
    _postcodes_by_town(columns, cands, profiles, sample)
    fields: dict[str, list[int]] = {k: list(v) for k, v in explicit.items()}
    chosen: dict[int, _Cand] = {}
    # a column tries its fields in its own order; columns compete by how sure they are
    ranked = sorted(((max(cand.tier, cs[0].tier), i, n, cand) for i, cs in cands.items()
                     for n, cand in enumerate(cs)), key=lambda t: t[:3])
    for _, i, _, cand in ranked:
        if i in chosen or cand.part in ("number", "box", "line"):
            continue
        if cand.key not in fields:
            fields[cand.key] = [i]
            chosen[i] = cand
    _address_parts(columns, cands, fields, chosen)
    duplicates: list[int] = []
    for i, cs in cands.items():
        c = columns[i]
        if i in chosen:
            cand = chosen[i]
            c.key, c.how, c.score, c.part = cand.key, cand.how, cand.score, cand.part
            c.evidence = cand.evidence
            c.confidence = round(min(1.0, _CONFIDENCE[cand.how] * (0.7 + 0.3 * cand.score)
                                     + (0.1 if any(e["type"] == "values" and "fit" in e
                                                   and "warning" not in e
                                                   for e in cand.evidence) else 0)), 2)
            c.status = None if c.status == "secondary" else c.status
        elif cs and c.status is None:
            c.key, c.how, c.score = cs[0].key, cs[0].how, cs[0].score
            c.evidence = cs[0].evidence
            duplicates.append(i)
    if "title" not in fields and "first_name" in fields and "last_name" in fields:
        fields["title"] = [fields["first_name"][0], fields["last_name"][0]]
        for i in fields["title"]:
            columns[i].evidence = [*columns[i].evidence, {"type": "composed", "field": "title"}]
    if "address" in fields and len(fields["address"]) > 1:  # explicit combinations too
        for i in fields["address"][1:]:
            if columns[i].part is None:
                part = read(columns[i].header).part
                columns[i].part = part or "line"
    for idx in fields.values():
        if len(idx) > 1:
            for i in idx:
                columns[i].combined = True
    for c in columns:  # a column re-used explicitly shows the fields it feeds
        if c.how == "profile":
            c.key = next((k for k, idx in fields.items() if c.index in idx), c.key)
    order = {k: n for n, k in enumerate(FIELD_BY_KEY)}
    fields = dict(sorted(fields.items(), key=lambda kv: order[kv[0]]))
    return Mapping(columns, fields, sorted(duplicates), missing)


def propose_table(table: Table, **kw: Any) -> Mapping:
    """:func:`propose` for a :class:`~numnum_xl.table.Table`: its headers and its values."""
    return propose(table.headers, rows=table.rows, **kw)


def _names_in_context(columns: list[Column], cands: dict[int, list[_Cand]],
                      sample: list[list[Any]]) -> None:
    """"Naam"/"Nom"/"Name" is the last name beside a first-name column, else the customer's
    (display) name; holding the same names as another name column, it is that name."""
    firsts = any(cs and cs[0].key == "first_name" for cs in cands.values()) or any(
        c.key == "first_name" and c.how == "profile" for c in columns)
    titles = [i for i, cs in cands.items() if cs and cs[0].key == "title"
              and cs[0].how != "ambiguous"]
    for i, cs in cands.items():
        if not (cs and cs[0].how == "ambiguous" and {c.key for c in cs} == {"title",
                                                                           "last_name"}):
            continue
        cs.sort(key=lambda cand: cand.key != ("last_name" if firsts else "title"))
        if not firsts and any(_same_values(sample, i, j) for j in titles):
            del cs[1:]
            cs[0].rank = -_TIER["ambiguous"] + _TIER["key"]


def _same_values(sample: list[list[Any]], i: int, j: int) -> bool:
    pairs = [(_cell_text(r[i]), _cell_text(r[j])) for r in sample if i < len(r) and j < len(r)]
    pairs = [(a, b) for a, b in pairs if a or b]
    return bool(pairs) and sum(normalise(a) == normalise(b) for a, b in pairs) >= 0.8 * len(pairs)


_HOUSE_NUMBER = re.compile(r"\d{1,5}\s*[A-Za-z]?(?:\s*[-/]\s*\d{1,4})?")


def _house_numbers(columns: list[Column], cands: dict[int, list[_Cand]],
                   profiles: list[ValueProfile]) -> None:
    """A "Nr"/"Numéro"/"Nummer" column right after a street column, holding house numbers
    (12, 45a), is the street's number, not a customer code."""
    for i, cs in cands.items():
        if not cs or cs[0].key != "address" or cs[0].part or i + 1 not in cands:
            continue
        nxt = cands[i + 1]
        r = read(columns[i + 1].header)
        if (r.meaningless or (nxt and nxt[0].how == "weak" and "nr" in r.words)) and all(
                _HOUSE_NUMBER.fullmatch(e) for e in profiles[i + 1].examples):
            ev = {"type": "words", "words": r.words, "next to": columns[i].header}
            cands[i + 1] = [_Cand("address", "words", 1.0, [ev], "number")]


def _postcodes_by_town(columns: list[Column], cands: dict[int, list[_Cand]],
                       profiles: list[ValueProfile], sample: list[list[Any]]) -> None:
    """A column of 4-digit numbers whose header says nothing ("Kolom3") is the postcode when
    on (nearly) every row it is a Belgian postcode of the town in the row's town column:
    four digits alone are too common to tell, the town beside them is the evidence."""
    from numnum_xl.rules import be_places

    towns = [i for i, cs in cands.items() if cs and cs[0].key == "address_city"]
    if not towns or not sample:
        return
    t = towns[0]
    for i, cs in cands.items():
        if (cs and cs[0].tier <= _TIER["weak"]) or columns[i].status is not None \
                or profiles[i].share("zip") < FIND:
            continue
        pairs = [(_cell_text(r[i]), _cell_text(r[t])) for r in sample
                 if i < len(r) and t < len(r) and r[i] is not None and r[t] is not None]
        pairs = [(code, town) for code, town in pairs if code and town]
        if len(pairs) < 2:
            continue
        agree = 0
        for code, town in pairs:
            hit = be_places.town(town)
            agree += bool(hit and hit[0] in be_places.municipalities(code))
        if agree / len(pairs) >= FIND:
            ev = {"type": "values", "kind": "zip", "share": round(agree / len(pairs), 2),
                  "of": len(pairs), "examples": profiles[i].examples,
                  "town column": columns[t].header}
            cands[i] = [_Cand("address_zip", "values", agree / len(pairs), [ev]), *cs]


def _stem(header: str) -> list[str]:
    return [w for w in words(header) if not w.isdigit()]


def _address_parts(columns: list[Column], cands: dict[int, list[_Cand]],
                   fields: dict[str, list[int]], chosen: dict[int, _Cand]) -> None:
    """Join house number, box and further address lines onto the chosen address column."""
    if "address" not in fields or len(fields["address"]) != 1:
        return
    main = fields["address"][0]
    stem = _stem(columns[main].header)
    by_index: dict[int, set[str]] = {}  # index -> fields numbered by it (Postcode2, Plaats2)
    for c in columns:
        ws = words(c.header)
        for n, w in enumerate(ws[1:], 1):
            if w.isdigit() and int(w) >= 2:
                by_index.setdefault(int(w), set()).update(read(ws[n - 1]).fields)
    numbers, boxes, lines = [], [], []
    for i, cs in sorted(cands.items()):
        if i in chosen or not cs or cs[0].key != "address":
            continue
        cand = cs[0]
        if cand.part == "line":
            idx = read(columns[i].header).index or 0
            sibling = by_index.get(idx, set()) & {"address_zip", "address_city",
                                                  "address_country"}
            if _stem(columns[i].header) == stem and (
                    not sibling or set(stem) & _LINE_WORDS):
                lines.append((idx, i, cand))
        elif cand.part == "number":
            numbers.append((i, cand))
        elif cand.part == "box":
            boxes.append((i, cand))
    added = [*numbers[:1], *boxes[:1], *[(i, cand) for _, i, cand in sorted(lines)]]
    for i, cand in added:
        fields["address"].append(i)
        chosen[i] = cand
        cand.evidence = [*cand.evidence, {"type": "combined", "field": "address",
                                          "with": columns[main].header}]


def dropped_columns(table: Table, mapping: Mapping) -> list[tuple[int, list[str]]]:
    """Columns holding data that no field receives and the user did not skip, each with a
    few of its values: a second address, a column not recognised, a duplicate whose values
    differ from the column that feeds the field. (Nothing may be dropped in silence.)"""
    fed = {i for idx in mapping.fields.values() for i in idx}
    out: list[tuple[int, list[str]]] = []
    for c in mapping.columns:
        if c.index in fed or c.how == SKIP:
            continue
        owner = mapping.fields.get(c.key or "", []) if c.index in mapping.duplicates else []
        seen: list[str] = []
        for row in table.rows:
            text = _cell_text(row[c.index]) if c.index < len(row) else ""
            if not text:
                continue
            if owner and any(_same(text, _cell_text(row[o]), c.key) for o in owner):
                continue
            if text not in seen:
                seen.append(text)
            if len(seen) >= 3:
                break
        if seen:
            out.append((c.index, seen))
    return out


def proposal(table: Table, mapping: Mapping) -> list[dict[str, Any]]:
    """One row per column, as ``map --json`` shows it and the add-in's *Kolommen koppelen*
    can show it: header, fields fed, how, score, confidence, evidence, why it feeds nothing
    (status/reason), a few values, and whether its data would be dropped."""
    from numnum_xl.cells import column_letter

    dropped = dict(dropped_columns(table, mapping)) if table.rows else {}
    rows = []
    for c in mapping.columns:
        status = ("duplicate" if c.index in mapping.duplicates else
                  c.how if c.key or c.how == SKIP else
                  c.status if c.status == "secondary" else "unmapped")
        rows.append({"column": column_letter(table.first_col + c.index), "header": c.header,
                     "field": c.key,
                     "fields": mapping.keys_of(c.index) if status != "duplicate" else [],
                     "how": status, "score": round(c.score, 2),
                     "confidence": c.confidence if c.key else 0.0,
                     "evidence": c.evidence, "part": c.part, "combined": c.combined,
                     "status": c.status, "reason": c.reason, "examples": c.examples,
                     "dropped": dropped.get(c.index, [])})
    return rows


def evidence_text(c: Column) -> str:
    """The values evidence of column ``c`` in a few words: "5/5 vat: BE0403019261, …"."""
    for e in c.evidence:
        if e.get("type") == "values":
            share = e.get("share", e.get("fit", 0))
            kind = e.get("kind", c.key or "")
            shown = ", ".join(str(x) for x in e.get("examples", [])[:2])
            town = f" ({e['town column']})" if e.get("town column") else ""
            return f"{round(share * e.get('of', 0))}/{e.get('of', 0)} {kind}{town}: {shown}"
    return ""


def _same(a: str, b: str, key: str | None) -> bool:
    if normalise(a) == normalise(b) or (b and normalise(a) in normalise(b)):
        return True
    if key and FIELD_BY_KEY[key].kind == "country":
        from numnum_xl.rules.country import lookup

        return lookup(a) is not None and lookup(a) == lookup(b)
    return False


# --- profiles ----------------------------------------------------------------------------


def profiles_dir() -> Path:
    """Where named profiles live (``NUMNUM_XL_CONFIG_DIR`` overrides the user config dir)."""
    base = os.environ.get("NUMNUM_XL_CONFIG_DIR")
    if not base:
        from platformdirs import user_config_dir

        base = user_config_dir("numnum-xl", appauthor=False)
    return Path(base) / "profiles"


def _profile_path(name: str) -> Path:
    if name.endswith(".json") or os.sep in name:
        return Path(name)
    safe = re.sub(r"[^\w\- ]", "_", name).strip() or "profiel"
    return profiles_dir() / f"{safe}.json"


def save_profile(name: str, mapping: Mapping) -> Path:
    """Save ``mapping`` as profile ``name``; returns the file written."""
    path = _profile_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(mapping.as_profile(name), ensure_ascii=False, indent=2) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_profile(name: str) -> dict:
    """The profile ``name`` (a saved name or a path to a .json file).

    Raises ValueError with a clear message when it is missing or malformed.
    """
    path = _profile_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = sorted(p.stem for p in profiles_dir().glob("*.json"))
        raise ValueError(f"koppelingsprofiel {name!r} bestaat niet"
                         + (f" (bewaard: {', '.join(known)})" if known else "")) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"koppelingsprofiel {path} is onleesbaar: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("fields", {}), dict):
        raise ValueError(f"koppelingsprofiel {path} heeft niet de vorm "
                         '{"fields": {...}, "skip": [...]}')
    return data
