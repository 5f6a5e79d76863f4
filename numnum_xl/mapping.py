"""Column mapping: which sheet column feeds which NumNum field.

Headers are recognised by the sample-file key, the Dutch/French/English labels and the
catalogue's synonyms, insensitive to case, accents, spaces and punctuation, with fuzzy
matching for typos. Several columns can be combined into one field (Voornaam + Naam → title)
and a column can be skipped; both are explicit, as in NumNum's own mapping screen. A mapping
can be saved as a named profile (JSON) and reused, like Exact Online's import profiles.

>>> normalise("N° TVA"), normalise("BTW-nummer"), normalise(" Localité ")
('ntva', 'btwnummer', 'localite')
>>> m = propose(["Bedrijfsnaam", "BTW nr", "Postcode", "Gemeente", "Land", "Kleur"])
>>> [c.key for c in m.columns]
['title', 'vat_id', 'address_zip', 'address_city', 'address_country', None]
>>> m.unmapped
[5]
>>> propose(["Familienam"]).columns[0].how
'fuzzy'
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from numnum_xl.catalogue import AMBIGUOUS_HEADERS, FIELD_BY_KEY, FIELDS

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


@lru_cache(maxsize=1)
def _synonym_rank() -> dict[str, int]:
    """Position of each synonym in its field's list: an earlier one is the likelier name."""
    return {normalise(s): n for f in FIELDS for n, s in enumerate(f.synonyms)}


_AMBIGUOUS = {normalise(k): v for k, v in AMBIGUOUS_HEADERS.items()}


@dataclass
class Column:
    """One sheet column and the field it feeds (``key`` None: not imported)."""

    index: int
    header: str
    key: str | None
    how: str | None = None  #: profile, key, label, synonym, fuzzy, skip, or None (unmapped)
    score: float = 1.0
    #: for a combined field, this column is one of several joined with spaces
    combined: bool = False


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

    def as_profile(self, name: str) -> dict:
        """This mapping as a profile (JSON-able)."""
        return {
            "name": name,
            "fields": {k: [self.columns[i].header for i in idx] for k, idx in self.fields.items()},
            "skip": [c.header for c in self.columns if c.how == SKIP],
        }


def _match(header: str) -> tuple[str | None, str | None, float]:
    norm = normalise(header)
    if not norm:
        return None, None, 0.0
    if norm in aliases():
        key, how = aliases()[norm]
        return key, how, 1.0
    if len(norm) >= FUZZY_MIN_LENGTH:
        hit = process.extractOne(norm, aliases().keys(),
                                 scorer=Levenshtein.normalized_similarity,
                                 score_cutoff=FUZZY_CUTOFF)
        if hit:
            return aliases()[hit[0]][0], "fuzzy", float(hit[1])
    return None, None, 0.0


def propose(headers: list[str], *, profile: dict | None = None,
            overrides: dict[str, list[str]] | None = None) -> Mapping:
    """The mapping for ``headers``: explicit choices first (a profile, then ``overrides``:
    field key -> the headers feeding it, or "skip" -> headers not to import; an override
    replaces the profile's choice for that field), then recognition of the rest."""
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
            explicit.setdefault(key, []).append(i)
    for name in skips:
        i = find(name)
        if i is None:
            missing.append(name)
        else:
            columns[i].how = SKIP
    for c in columns:
        if c.how is None:
            c.key, c.how, c.score = _match(c.header)
    fields: dict[str, list[int]] = {k: list(v) for k, v in explicit.items()}
    duplicates: list[int] = []
    rank = _synonym_rank()
    ranked = sorted((c for c in columns if c.key and c.how != "profile"),
                    key=lambda c: (HOW_ORDER.index(c.how), -c.score,
                                   rank.get(normalise(c.header), 0), c.index))
    for c in ranked:
        if c.how == "ambiguous":
            c.key = next((k for k in _AMBIGUOUS[normalise(c.header)] if k not in fields),
                         c.key)
        if c.key in fields:
            duplicates.append(c.index)
        else:
            fields[c.key] = [c.index]
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
