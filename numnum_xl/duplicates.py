"""Duplicate customers: one matcher for rows within a sheet and for rows against a NumNum account.

**Evidence, not a veto chain.** Two records are judged on every key they have; no single key
decides by being first:

==========================  ==========  =====================================================
evidence                    confidence  notes
==========================  ==========  =====================================================
the same valid VAT number   certain     one legal entity, whatever the external IDs say;
                                        normalised: "BE 0403.019.261", "0403019261" with
                                        vat_country_code BE and 403019261 are one number
the same external ID        certain     unless something strong contradicts it: different
                                        VAT numbers, or clearly different names
                                        (:func:`names_clearly_differ`) *and* places -> no
                                        match (validation's "extern ID komt meer dan eens
                                        voor" covers that)
the same email address      probable    case and spaces ignored; an address on records
                                        of :data:`SHARED_EMAIL` names or more (a bookkeeper's,
                                        a head office's mailbox) counts only together with a
                                        similar name; on two records with clearly different
                                        names *and* places (like an external ID) not at
                                        all, nor on two persons with clearly different
                                        first names (:func:`given_names_differ`: a
                                        family's mailbox)
the same phone number       supports    read with phonenumbers ("+32 478 ..." = "0478 ...");
                                        a similar name with one phone number counts as at
                                        one place (a customer who moved)
the same or a similar name  probable    case, accents, punctuation and legal forms ("NV",
at the same postcode or                 "nv.", "N.V.", "naamloze vennootschap" - every
city                                    spelling in the catalogue) ignored; similar:
                                        :data:`FUZZY_THRESHOLD`; with two different email
                                        addresses only the identical name counts; two
                                        different legal forms (NV / VZW; NV and SA are one,
                                        :func:`legal_form`) make it no evidence; a last
                                        word one letter off the other record's legal form
                                        is that form misspelt (:func:`names_compared`);
                                        titles ("Dhr.", "Maître") ignored; an initial for
                                        a first name (:func:`initials_alike`) counts with
                                        a shared detail (:func:`shares_detail`), and so do
                                        two words one letter off (:func:`words_one_off`);
                                        "Gebr."/"Ets" written out (catalogue
                                        NAME_ABBREVIATIONS); "sr."/"jr." two persons; a
                                        Belgian town in either language is one place
==========================  ==========  =====================================================

Against all evidence: **two different valid VAT numbers** are two legal entities - no match,
whatever the email address or name say. **Own contact details that all differ** contradict
a name: when the only link is the (similar) name at one place, and at least
:data:`DIFFERING_DETAILS` of street address, phone number and email address are on both
records and every one of them differs, they are namesakes - no match (:func:`details_differ`;
a bookkeeper would not merge two "Jan Peeters" of Gent with another street, phone and
mailbox each). Missing details say nothing; one detail that differs only lowers the score
when it is the email address. **Different external IDs** overrule nothing (merged
lists and customers entered twice each carry their own number); they only lower the score,
as do two different email addresses. An invalid VAT number says nothing. A match is
``certain`` when one certain piece of evidence holds, else ``probable`` with a score that
grows with each further piece of evidence. The key a match reports (``reason``) is the first
matching one in NumNum's order of priority, :data:`REASONS`.

**NumNum's order.** NumNum's import help page says a customer already exists "based on the
following fields, in order of priority: external_id, …" - the page is cut off there. That
external_id comes first is NumNum's word; the rest of :data:`REASONS` (VAT number, email
address, name) is **our assumption**. :func:`match_existing` uses the very same comparison to
decide which contact of a NumNum account a row would update, and that order to rank equally
certain contacts and to name the key.

Groups (:func:`find_groups`) are built from the pairwise matches, strongest first; a group
never holds two different VAT numbers (see :func:`find_groups`).

**Branches** of one company - one VAT number, several towns - are one legal entity: they are
reported as certain duplicates (NumNum would match them by their VAT number too); a user who
wants them apart chooses ``--duplicaten nieuw``.

Nothing here compares all pairs: exact keys go through dict indexes, and a bucket of more than
a few records sharing a key is linked per VAT number and, for an external ID or email
address, per similar name (:class:`_Pairs`); a name is compared only with names of the same
area (the postcodes and cities that records connect) that share a rare word with it, or a
rare word one letter off, or that are it with a rare word one letter off a common one, or
that sort next to it (:func:`similar_names`). One-letter-off words are found once per run
over the distinct words of all areas (:func:`_one_off`).

>>> a = record_from_values(0, {"title": "Bakkerij Janssens BV", "vat_id": "BE 0403.019.261",
...                            "address_zip": "9000", "address_city": "Gent",
...                            "external_id": "K1"})
>>> a.vat, a.name
('BE0403019261', 'bakkerij janssens')
>>> b = record_from_values(1, {"title": "BAKKERIJ JANSSENS", "vat_id": "403019261",
...                            "vat_country_code": "BE", "external_id": "K2"})
>>> compare(a, b)  # the same VAT number; another customer number lowers the score only
Match(ref=1, reason='vat_id', confidence='certain', score=0.9)
>>> c = record_from_values(2, {"title": "Bakkerij Janssens", "vat_id": "0202239951",
...                            "vat_country_code": "BE", "address_zip": "9000"})
>>> compare(a, c) is None  # another valid VAT number: another customer, same name or not
True
>>> d = record_from_values(3, {"title": "Bakkerij Jansens bvba", "address_city": "GENT"})
>>> compare(a, d)
Match(ref=3, reason='name', confidence='probable', score=0.8242)
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
from collections import Counter, defaultdict
from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, combinations
from operator import itemgetter
from typing import Any, NamedTuple

import phonenumbers
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from numnum_xl.catalogue import LEGAL_FORM_ALIASES, LEGAL_FORMS, NAME_ABBREVIATIONS
from numnum_xl.cells import text_of
from numnum_xl.rules.party import SALUTATIONS, split_name

EXTERNAL_ID, VAT_ID, EMAIL, NAME = "external_id", "vat_id", "email", "name"
#: The keys in NumNum's order of priority (index = level: lower comes first). external_id
#: first is NumNum's help page; the order after it is our assumption (the page is cut off).
REASONS: tuple[str, ...] = (EXTERNAL_ID, VAT_ID, EMAIL, NAME)
CERTAIN, PROBABLE = "certain", "probable"

#: Two normalised names at the same postcode or city are "the same name" from this similarity
#: on (rapidfuzz ``fuzz.ratio``, 0..1, the better of the word-sorted and the space-less form).
#: In words: one wrong, missing, extra or swapped letter in a name of about ten letters or
#: more passes ("Bakkerij Janssen" / "Janssens" 0.97, "Kapsalon Wauters" / "Wouters" 0.94,
#: "Garage Maas" / "Maes" 0.91); another family with the same trade does not ("Garage Claes"
#: / "Maes" 0.86), nor another trade of the same family ("Slagerij" / "Bakkerij Peeters"
#: 0.80); short names need to be exact ("Maas" / "Maes" 0.75). ``python
#: bench/bench_duplicates.py --tune`` prints the sweep behind it.
FUZZY_THRESHOLD = 0.90
#: ... and, when the names share common words (a trade: "schrijnwerkerij"), their own words
#: must be this alike: one typo in a family name of five letters or more passes ("mertesn" /
#: "mertens" 0.86), another family one letter off the first does not ("houvabeke" /
#: "fonvabeke" 0.78, "maes" / "maas" 0.75).
DISTINCT_THRESHOLD = 0.80
#: Names below this similarity (and neither contained in the other, token-set similarity
#: no word in common) are clearly two customers' names.
CLEARLY_DIFFERENT = 0.6
#: A word in at least this share of the names (and on :data:`SHARED_EMAIL` names or more) is
#: common - a trade ("bakkerij", "garage"), a town - and shows no link between two names.
COMMON_WORD_SHARE = 0.01
#: An email address on this many records or more is shared (a bookkeeper's, a head office's):
#: alone it is no evidence.
SHARED_EMAIL = 3
#: Two records whose only link is a (similar) name at one place are two customers when at
#: least this many of their own contact details - street address, phone number, email
#: address - are on both and every one of them differs (:func:`details_differ`). One
#: differing detail proves little (a second mailbox, a move, a new phone); two or more,
#: with nothing in common but the name, are namesakes ("Jan Peeters" in Gent).
DIFFERING_DETAILS = 2
#: Two streets (letters without spaces) are written alike from this ``fuzz.ratio`` on (0..1):
#: "gentsesteenweg" / "gentsestwg" 0.83.
STREET_ALIKE = 0.8
#: Scores of the probable evidence (a certain match scores 1.0): the same email address; the
#: same name (times its similarity).
WEIGHT_EMAIL = 0.85
WEIGHT_NAME = 0.85

#: Name particles that make poor blocking keys (most Flemish and Walloon names have one).
_PARTICLES = frozenset({"van", "den", "der", "het", "ter", "des", "les", "del", "von", "the",
                        "and", "und"})


class Record(NamedTuple):
    """What the matcher compares; built from a sheet row or an API contact (a named tuple:
    quick to make by the hundred thousand).

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
    form: str | None = None  #: legal form (:func:`legal_form`), e.g. "nv" for "N.V." or "SA"
    street: str | None = None  #: the address line as written (compared by :func:`same_street`)
    phones: tuple[str, ...] = ()  #: telephone and GSM numbers as written
    country: str | None = None  #: the address country as written (region of the phones)
    given: str | None = None  #: a person's first name from its own column, normalised


@dataclass(frozen=True)
class Match:
    """Why a record matches another one (``ref``)."""

    ref: Any  #: the other record's ref
    reason: str  #: the first matching key in NumNum's order: :data:`REASONS`
    confidence: str  #: "certain" | "probable"
    score: float  #: 0..1: 1.0 a certain match without anything against it


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


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_DROP.sub("", _fold(text))))


def _legal_form_phrases() -> frozenset[tuple[str, ...]]:
    """Every way catalogue.LEGAL_FORMS and LEGAL_FORM_ALIASES write a legal form, as words."""
    texts = [text for lf in LEGAL_FORMS for text in (lf.code, lf.api_type, lf.name)]
    texts += [*LEGAL_FORM_ALIASES, *LEGAL_FORM_ALIASES.values()]
    return frozenset(w for w in map(_words, texts) if w)


#: Legal forms as word tuples ("bv",), ("cvba", "vso"), ("naamloze", "vennootschap"), …
LEGAL_FORM_PHRASES: frozenset[tuple[str, ...]] = _legal_form_phrases()
_LONGEST_FORM = max(len(p) for p in LEGAL_FORM_PHRASES)


def _form_codes() -> dict[tuple[str, ...], str]:
    """Legal-form words -> one code per form: the catalogue's code, an alias's target, and
    the Dutch code for a French form of the same thing (:data:`_SAME_FORM`)."""
    out: dict[tuple[str, ...], str] = {}
    for lf in LEGAL_FORMS:
        for text in (lf.code, lf.api_type, lf.name):
            out.setdefault(_words(text), lf.code.casefold())
    for alias, target in LEGAL_FORM_ALIASES.items():
        out.setdefault(_words(alias), target.casefold())
    out.pop(("onbekend",), None)
    return {k: _SAME_FORM.get(v, v) for k, v in out.items() if k}


#: One legal form under two names (French and Dutch, old and new): the catalogue lists them
#: as codes of their own. The BV replaced the BVBA in 2019.
_SAME_FORM = {"sa": "nv", "srl": "bv", "bvba": "bv", "sbvba": "bv", "ebvba": "bv",
              "asbl": "vzw", "comm.v": "commv", "gcv": "commv", "sc": "cv", "cvba": "cv"}
_FORM_CODE = _form_codes()
_FORM_ENDS = frozenset(p[-1] for p in LEGAL_FORM_PHRASES)
_FORM_STARTS = frozenset(p[0] for p in LEGAL_FORM_PHRASES)


@lru_cache(maxsize=65536)
def _name_form(text: str) -> tuple[str | None, str | None]:
    """(:func:`normalise_name`, the code of its legal form) of a text."""
    words, form = _split_forms(_words(text))
    while len(words) > 1 and len(words[0]) > 1 and words[0] in SALUTATIONS and (
            words[0] != "de" or words[1] == "heer"):
        words = words[1:]  # "Dhr. Gilbert Jans", "Maître Luigi Docquier", "Mme", "Dr."
    if len(words) > 2 and _CONNECTORS.intersection(words[1:-1]):
        words = (words[0], *(w for w in words[1:-1] if w not in _CONNECTORS), words[-1])
    if NAME_ABBREVIATIONS.keys() & set(words):  # "Gebr." -> "gebroeders", "Ets" -> ...
        words = tuple(NAME_ABBREVIATIONS.get(w, w) for w in words)
    return " ".join(words) or None, form


#: The last word of a person's name that says which generation: "Jan Peeters sr." is not
#: "Jan Peeters jr." (:func:`generations_differ`).
_GENERATION = {"sr": "senior", "senior": "senior", "pere": "senior", "vader": "senior",
               "jr": "junior", "junior": "junior", "fils": "junior", "zoon": "junior"}


def generations_differ(a: str, b: str) -> bool:
    """Whether two normalised names end in different generations ("... sr" / "... jr").

    >>> generations_differ("chantal de smet sr", "chantal de smet jr")
    True
    >>> generations_differ("jan peeters", "jan peeters jr")
    False
    """
    ga = _GENERATION.get(a.rpartition(" ")[2])
    gb = _GENERATION.get(b.rpartition(" ")[2])
    return ga is not None and gb is not None and ga != gb


def words_one_off(a: str, b: str) -> bool:
    """Whether two normalised names of two words or more are the same words with one letter
    off in at most two of them (words of four letters or more): "geoffry duboir" / "geoffrey
    dubois". Only with a shared detail (:func:`compare`): two typos are no name alone.

    >>> words_one_off("geoffry duboir", "geoffrey dubois"), words_one_off("jef peeters",
    ...                                                                   "jan peeters")
    (True, False)
    """
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2:
        return False
    rest = list(wb)
    off = 0
    for w in wa:
        if w in rest:
            rest.remove(w)
            continue
        hit = next((x for x in rest if len(w) >= 4 and len(x) >= 4
                    and OSA.distance(w, x, score_cutoff=1) <= 1), None)
        if hit is None:
            return False
        rest.remove(hit)
        off += 1
    return 0 < off <= 2


#: Words that join two names ("Smets & Co", "Smets en Co", "Dupont et Fils"): "&" is no
#: word, so they are dropped between two words too.
_CONNECTORS = frozenset({"en", "et", "and", "und", "e", "y"})


@lru_cache(maxsize=1024)
def _form_of_type(text: str) -> str | None:
    return _FORM_CODE.get(_words(text))


def _split_forms(words: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """(the words without legal forms at the end and the start - "NV Bekaert", "Janssens BV";
    one word always stays -, the code of the first form removed)."""
    form = None
    while len(words) > 1:
        end, start = words[-1] in _FORM_ENDS, words[0] in _FORM_STARTS
        if not (end or start or len(words[-1]) == 1 or len(words[0]) == 1):
            break
        for n in range(min(_LONGEST_FORM, len(words) - 1), 0, -1):
            if end and words[-n:] in LEGAL_FORM_PHRASES:
                part, words = words[-n:], words[:-n]
                break
            if start and words[:n] in LEGAL_FORM_PHRASES:
                part, words = words[:n], words[n:]
                break
        else:  # a form written with spaces between its letters: "Comm. V.", "N. V."
            part, words = _spaced_form(words)
            if part is None:
                break
        form = form or _FORM_CODE.get(part)
    return words, form


@lru_cache(maxsize=1)
def _form_typos() -> dict[str, frozenset[str]]:
    """Every word one letter off a one-word legal form (a letter wrong, missing, extra or two
    swapped; :func:`_one_edit`) -> the codes of the forms it is off: "iof" -> {"vof"}."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out: dict[str, set[str]] = defaultdict(set)
    for (form, *more), code in _FORM_CODE.items():
        if more:
            continue  # one-word spellings only
        n = len(form)
        typos = {form[:x] + form[x + 1:] for x in range(n)}
        typos |= {form[:x] + c + form[x + 1:] for x in range(n) for c in letters}
        typos |= {form[:x] + c + form[x:] for x in range(n + 1) for c in letters}
        typos |= {form[:x] + form[x + 1] + form[x] + form[x + 2:] for x in range(n - 1)}
        for typo in typos:
            if typo != form and _one_edit(typo, form):
                out[typo].add(code)
    return {typo: frozenset(codes) for typo, codes in out.items()
            if (typo,) not in _FORM_CODE}


def _one_edit(word: str, form: str) -> bool:
    """Whether ``word`` (another word, one edit off) may be ``form`` with one letter wrong,
    missing, extra or swapped; a form of two letters not with one missing ("nb", "vn", "bhv"
    for "nv"/"bv", never "n")."""
    if len(form) < 3:
        return len(word) in (2, 3)
    return len(word) >= 3


@lru_cache(maxsize=65536)
def _misspelt_form(name: str) -> tuple[str, frozenset[str]] | None:
    """(the name without its last word, the legal forms that word is one letter off), when
    the last word of a normalised name looks like a misspelt legal form: "dakwerken vandamme
    iof" -> ("dakwerken vandamme", {"vof"}). Only a guess: :func:`names_compared`
    takes it when the other record has that form.

    >>> _misspelt_form("garage maes cotmv")
    ('garage maes', frozenset({'commv'}))
    >>> _misspelt_form("bakkerij de vos"), _misspelt_form("vos")
    (('bakkerij de', frozenset({'vof'})), None)
    """
    rest, _, last = name.rpartition(" ")
    forms = _form_typos().get(last) if rest else None
    return (rest, forms) if forms else None


def names_compared(a: Record, b: Record) -> tuple[float, str | None, str | None]:
    """(:func:`name_similarity`, the two names as compared) of two records, where a last word
    one letter off the other record's legal form is taken for that form, misspelt ("Garage
    Maes iOF" / "Garage Maes VOF", "Smet CotmV" / "Smet CommV"). The form must be the other
    record's (from its name or its ``company_type``): "Bakkerij De Vos" stays "Bakkerij De
    Vos" beside "Bakkerij De Vis".

    >>> a = record_from_values(0, {"title": "Garage Maes VOF"})
    >>> b = record_from_values(1, {"title": "Garage Maes iOF"})
    >>> name_similarity(a.name, b.name) < FUZZY_THRESHOLD, names_compared(a, b)
    (True, (1.0, 'garage maes', 'garage maes'))
    >>> c = record_from_values(2, {"title": "Garage Maes nv"})
    >>> names_compared(c, b)[0] < FUZZY_THRESHOLD  # iOF is no misspelt NV
    True
    """
    if a.name is None or b.name is None:
        return 0.0, a.name, b.name
    best = name_similarity(a.name, b.name), a.name, b.name
    if best[0] >= 1.0:
        return best
    for this, other in ((a, b), (b, a)):
        if other.form is None:
            continue
        guess = _misspelt_form(this.name)
        if guess is not None and other.form in guess[1]:
            score = name_similarity(guess[0], other.name)
            if score > best[0]:
                best = (score, guess[0], other.name) if this is a else (score, other.name,
                                                                         guess[0])
    return best


def _spaced_form(words: tuple[str, ...]) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """(a one-word legal form written as two to four short words at the end or the start,
    the other words), else (None, words): ("transport", "de", "wolf", "comm", "v") ->
    (("commv",), ("transport", "de", "wolf"))."""
    for n in (2, 3, 4):
        if len(words) > n:
            for part, rest in ((words[-n:], words[:-n]), (words[:n], words[n:])):
                if all(len(w) <= 4 for w in part) and (joined := ("".join(part),)) \
                        in _FORM_CODE and any(len(w) == 1 for w in part):
                    return joined, rest
    return None, words


def legal_form(title: Any, company_type: Any = None) -> str | None:
    """The legal form of a name (else ``company_type``), one code per form: "NV", "nv.",
    "S.A." and "naamloze vennootschap" are one.

    >>> legal_form("Garage Martin nv."), legal_form("GARAGE MARTIN S.A."), legal_form("X", "BV")
    ('nv', 'nv', 'bv')
    >>> legal_form("Greet Maes") is None
    True
    """
    text = text_of(title)
    form = _name_form(text)[1] if text is not None else None
    if form is None:
        text = text_of(company_type)
        form = _form_of_type(text) if text is not None else None
    return form


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
    return None if text is None else _name_form(text)[0]


def normalise_city(value: Any) -> str | None:
    """A city name without case, accents and punctuation: "Sint-Niklaas" = "sint niklaas"; a
    Belgian municipality as its id, whatever the language: "Brussel" = "Bruxelles".

    >>> normalise_city("Bruxelles") == normalise_city("BRUSSEL"), normalise_city("Paris")
    (True, 'paris')
    """
    text = text_of(value)
    return None if text is None else _city(text)


@lru_cache(maxsize=16384)
def _city(text: str) -> str | None:
    from numnum_xl.rules import be_places

    hit = be_places.town(text)  # "Brussel" = "Bruxelles", "Elsene" = "Ixelles"
    if hit is not None:
        return "#" + hit[0]
    return " ".join(_words(text)) or None


_ZIP_PREFIX = re.compile(r"[A-Z]{1,2}(\d+)")


def normalise_postcode(value: Any) -> str | None:
    """A postcode in capitals without spaces or dashes; a country letter before digits goes.

    >>> normalise_postcode("B-9000"), normalise_postcode(9000), normalise_postcode("1012 ab")
    ('9000', '9000', '1012AB')
    """
    text = text_of(value)
    return None if text is None else _postcode(text)


@lru_cache(maxsize=16384)
def _postcode(text: str) -> str | None:
    text = re.sub(r"[\s\-.]", "", text.upper())
    m = _ZIP_PREFIX.fullmatch(text)
    return (m.group(1) if m else text) or None


def normalise_email(value: Any) -> str | None:
    """The address casefolded, without spaces (no address has one: "jan @ x.be" is
    "jan@x.be") and without ``mailto:``; text without @ is no address.

    >>> normalise_email(" MAILTO:Jan @ Peeters.BE ")
    'jan@peeters.be'
    """
    text = text_of(value)
    if text is None:
        return None
    text = text.casefold()
    if text.startswith("mailto:"):
        text = text[7:]
    if " " in text or "\t" in text:
        text = "".join(text.split())
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


_TRAILING_COUNTRY = re.compile(r"([\d][\d\s.\-/]*?)[\s\-/(]*([A-Za-z]{2})\)?")


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
    >>> normalise_vat("1990556794 BE"), normalise_vat("be 0403.019.261")
    ('BE1990556794', 'BE0403019261')
    """
    text = text_of(value)
    if text is None:
        return None
    m = _TRAILING_COUNTRY.fullmatch(text) if text[-1].isalpha() else None
    if m:  # "1990556794 BE": the country written after the number
        text = m.group(2) + m.group(1)
    cc = text_of(country)
    if cc is not None and len(cc) == 2:
        cc = cc.upper()
    if (cc == "BE" and not text[:2].isalpha()) or text[:2].upper() == "BE":
        return _be_vat(text)
    return _vat(text, cc)


#: The fields :func:`record_from_values` reads (a command reads only these columns).
FIELDS: tuple[str, ...] = ("title", "first_name", "last_name", "company_type", "external_id",
                           "vat_id", "vat_country_code", "email", "address", "address_zip",
                           "address_city", "address_country", "telephone", "cellphone")


def record_from_values(ref: Any, values: dict[str, Any]) -> Record:
    """The record of one sheet row: a :attr:`Report.values <numnum_xl.validate.Report.values>`
    dict (field key -> value NumNum would get); the name is the title, else first + last;
    the legal form that of the title, else ``company_type``."""
    get = values.get
    title = text_of(get("title"))
    name, form = _name_form(title) if title is not None else (None, None)
    given = None
    if name is None:
        first = text_of(get("first_name"))
        parts = [t for t in (first, text_of(get("last_name"))) if t]
        name = _name_form(" ".join(parts))[0] if parts else None
        if first is not None:
            given = _name_form(first)[0]
    if form is None:
        kind = text_of(get("company_type"))
        form = _form_of_type(kind) if kind is not None else None
    tel, gsm = text_of(get("telephone")), text_of(get("cellphone"))
    return Record(ref, text_of(get("external_id")),
                  normalise_vat(get("vat_id"), get("vat_country_code")),
                  normalise_email(get("email")), name,
                  normalise_postcode(get("address_zip")), normalise_city(get("address_city")),
                  form, text_of(get("address")),
                  (tel, gsm) if tel and gsm else (tel,) if tel else (gsm,) if gsm else (),
                  text_of(get("address_country")), given)


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


def names_clearly_differ(a: str | None, b: str | None,
                         common: Container[str] = frozenset()) -> bool:
    """Whether two normalised names are plainly two customers' names: not similar
    (< :data:`CLEARLY_DIFFERENT`) and without a word in common - other than a ``common``
    one (a trade word on many rows: "kapsalon", "garage") or a particle. A missing name
    differs from nothing.

    >>> names_clearly_differ("thomas wouters", "kapsalon lemmens")
    True
    >>> names_clearly_differ("bakkerij janssens", "janssens zonen")
    False
    >>> names_clearly_differ("kapsalon wouters", "kapsalon lemmens", common={"kapsalon"})
    True
    """
    if not a or not b:
        return False
    sa = {w for w in a.split() if len(w) >= 3 and w not in _PARTICLES}
    sb = {w for w in b.split() if len(w) >= 3 and w not in _PARTICLES}
    if sa <= sb or sb <= sa or (sa & sb) - set(common):
        return False  # one name within the other, or a word of their own in common
    own_a, own_b = _own_words(a, b, common)
    return name_similarity(own_a or a, own_b or b) < CLEARLY_DIFFERENT


@dataclass(frozen=True)
class Context:
    """What a pair's comparison needs to know about all records: email addresses on many of
    them (weak alone) and words in many names (no sign of one customer)."""

    shared_emails: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()


_NO_CONTEXT = Context()


def _own_words(a: str, b: str, common: Container[str]) -> tuple[str, str]:
    """Two names without the ``common`` words they share ("schrijnwerkerij")."""
    shared = {w for w in a.split() if w in common} & set(b.split())
    if not shared:
        return a, b
    return (" ".join(w for w in a.split() if w not in shared),
            " ".join(w for w in b.split() if w not in shared))


def _distinct_alike(a: str, b: str, common: Container[str]) -> bool:
    """Whether the words of their own of two similar names are alike too (without the common
    words they share): "schrijnwerkerij houvabeke" / "fonvabeke" are 0.92 alike, their own
    words 0.78."""
    own_a, own_b = _own_words(a, b, common)
    if own_a == a or not own_a or not own_b:
        return True  # nothing common shared, or nothing left: the whole name decided
    return name_similarity(own_a, own_b) >= DISTINCT_THRESHOLD


def same_place(a: Record, b: Record) -> bool | None:
    """True: the same postcode or the same city; False: both have a postcode (or both a
    city) and none is shared; None: nothing to compare."""
    if (a.postcode and a.postcode == b.postcode) or (a.city and a.city == b.city):
        return True
    if (a.postcode and b.postcode) or (a.city and b.city):
        return False
    return None


_HOUSE_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=65536)
def _street(text: str) -> tuple[str, str | None]:
    """(the street's letters without spaces, the house number) of an address line: "Kerkstr.
    12 bus 3" -> ("kerkstr", "12"), "5, rue de la Gare" -> ("ruedelagare", "5")."""
    folded = _DROP.sub("", _fold(text))
    m = _HOUSE_NUMBER.search(folded)
    if m is None:
        return "".join(_SPLIT.split(folded)), None
    before, after = folded[:m.start()], folded[m.end():]
    name = before if any(ch.isalpha() for ch in before) else after
    if name is after:  # "5, rue de la gare bte 2": the street up to a next number
        name = _HOUSE_NUMBER.split(after, 1)[0]
    return "".join(_SPLIT.split(name)), m.group()


def same_street(a: str, b: str) -> bool:
    """Whether two address lines are one address: the same house number (when both have one)
    and the street written alike - one an abbreviation of the other ("Kerkstr." /
    "Kerkstraat") or at least :data:`STREET_ALIKE` similar.

    >>> same_street("Kerkstraat 12", "KERKSTR. 12 bus 3"), same_street("Kerkstraat 12",
    ...                                                               "Kerkstraat 14")
    (True, False)
    >>> same_street("Rue de la Gare 5", "5, r. de la gare"), same_street("Veldstraat 8",
    ...                                                               "Kerkstraat 8")
    (True, False)
    """
    (na, ha), (nb, hb) = _street(a), _street(b)
    if ha is not None and hb is not None and ha != hb:
        return False
    if not na or not nb or na.startswith(nb) or nb.startswith(na):
        return True
    return fuzz.ratio(na, nb) >= STREET_ALIKE * 100


@lru_cache(maxsize=65536)
def _phone(text: str, country: str | None) -> str | None:
    """A phone number in E.164 ("+3292234567"), read with phonenumbers for the region of the
    address country (else Belgium); None when it is no possible number."""
    from numnum_xl.rules.country import lookup
    from numnum_xl.rules.phone import parse

    region = (lookup(country) if country else None) or "BE"
    number = parse(text, region)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NOT_DIGIT = re.compile(r"\D+")
_PHONE_MARKS = str.maketrans("", "", " +./-()")
#: Digits of a phone number that block: its last eight ("0478 66 59 45", "+32 478 66 59 45"
#: and "0032 478 665 945" all end in 78665945); :func:`same_phone` decides.
_PHONE_KEY_DIGITS = 8


def _phone_keys(phones: tuple[str, ...]) -> tuple[str, ...]:
    """Blocking keys of a record's phone numbers (cheap: digits only, no parsing)."""
    keys = []
    for p in phones:
        digits = p.translate(_PHONE_MARKS)
        if not digits.isdigit():
            digits = _NOT_DIGIT.sub("", digits)
        if len(digits) >= _PHONE_KEY_DIGITS:
            keys.append(digits[-_PHONE_KEY_DIGITS:])
    return tuple(keys)


def same_phone(a: Record, b: Record) -> bool:
    """Whether two records have a phone number in common, read with phonenumbers (E.164) in
    the region of each record's country: "0478 66 59 45" and "+32 478 66 59 45" are one.

    >>> a = record_from_values(0, {"title": "Sofie Merckx", "cellphone": "0478 66 59 45"})
    >>> same_phone(a, a._replace(phones=("+32 478 66 59 45",))), same_phone(a, a._replace(
    ...     phones=("0478 66 59 46",)))
    (True, False)
    """
    if not a.phones or not b.phones:
        return False
    pa = _numbers(a)
    return bool(pa and pa & _numbers(b))


def _numbers(r: Record) -> set[str]:
    """A record's phone numbers in E.164 (:func:`_phone`), the unusable ones left out."""
    return {_phone(p, r.country) for p in r.phones} - {None}


def details_differ(a: Record, b: Record) -> bool:
    """Whether two records' own contact details say they are two customers: of the street
    address, the phone numbers and the email address, at least :data:`DIFFERING_DETAILS`
    are on both records, and every one of those differs (another address, no phone number
    in common, another mailbox). Details missing on either side say nothing.

    >>> a = record_from_values(0, {"title": "Jan Peeters", "address_city": "Gent",
    ...     "address": "Kerkstraat 12", "telephone": "09 223 45 67",
    ...     "email": "jan.peeters@telenet.be"})
    >>> b = a._replace(street="Veldstraat 8", phones=("+32 9 233 11 22",),
    ...                email="jpeeters@gmail.com")
    >>> details_differ(a, b), details_differ(a, b._replace(phones=("+32 9 223 45 67",)))
    (True, False)
    >>> details_differ(a, b._replace(street=None, phones=()))  # one detail compared: unsure
    False
    """
    compared = 0
    if a.email is not None and b.email is not None:
        if a.email == b.email:
            return False
        compared += 1
    if a.street is not None and b.street is not None:
        if same_street(a.street, b.street):
            return False
        compared += 1
    if a.phones and b.phones:
        pa, pb = _numbers(a), _numbers(b)
        if pa and pb:
            if pa & pb:
                return False
            compared += 1
    return compared >= DIFFERING_DETAILS


@lru_cache(maxsize=65536)
def _given_in_name(name: str) -> str | None:
    """The first name of a person's name written in one cell ("kevin bernard" -> "kevin"),
    by the first-name lists of rules.party; None when it does not look like a person."""
    split = split_name(name)
    return split[0] if split is not None else None


def given_names_differ(a: Record, b: Record) -> bool:
    """Whether two records are two persons with clearly different first names (a family's
    mailbox: "Florence" and "Kévin Bernard"): the first name from its own column, else read
    from a name without a legal form. An initial differs from no name ("J." / "Jasmine").

    >>> a = record_from_values(0, {"first_name": "Florence", "last_name": "Bernard"})
    >>> given_names_differ(a, record_from_values(1, {"title": "Kévin Bernard"}))
    True
    >>> given_names_differ(a, record_from_values(2, {"first_name": "F.", "last_name": "Bernard"}))
    False
    """
    ga, gb = _given(a), _given(b)
    return ga is not None and gb is not None and names_clearly_differ(ga, gb)


def _given(r: Record) -> str | None:
    """A record's first name: from its own column, else read from a name without a legal
    form (:func:`_given_in_name`)."""
    if r.given is None and r.form is None and r.name is not None and " " in r.name:
        return _given_in_name(r.name)
    return r.given


_INITIAL = re.compile(r"(?:^| )[^\W\d_](?: |$)")


def _special(name: str) -> bool:
    """Whether a normalised name has a word of one letter or ends in a misspelt legal form:
    :func:`similar_names` looks twice at such names."""
    return (_INITIAL.search(name) is not None
            or name.rpartition(" ")[2] in _form_typos())


def initials_alike(a: str, b: str) -> bool:
    """Whether two normalised names are one name where one writes initials: "j verhoeven" /
    "jasmine verhoeven", "michel l" / "laura michel". Every full word of the name with
    initials is in the other name, each initial is the first letter of another word of it,
    and a full word of three letters or more is shared.

    >>> initials_alike("j verhoeven", "jasmine verhoeven"), initials_alike("michel l",
    ...                                                                    "laura michel")
    (True, True)
    >>> initials_alike("t verhoeven", "jasmine verhoeven"), initials_alike("j verhoeven",
    ...                                                                    "jasmine peeters")
    (False, False)
    """
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    for short, full in ((wa, wb), (wb, wa)):
        initials = [w for w in short if len(w) == 1]
        if not initials:
            continue
        rest = list(full)
        shared = False
        for w in short:
            if len(w) > 1:
                if w not in rest:
                    return False
                rest.remove(w)
                shared = shared or len(w) >= 3
        for i in initials:
            hit = next((w for w in rest if len(w) > 1 and w[0] == i), None)
            if hit is None:
                return False
            rest.remove(hit)
        return shared
    return False


def one_letter_off(a: str, b: str) -> bool:
    """Whether two normalised names are one letter apart in one of their words ("put" /
    "ptu", "laes" / "aes", "jan bos" / "jan mos"). Only with a shared detail, and not when
    only first names differ (:func:`compare`): short names need it.

    >>> one_letter_off("put", "ptu"), one_letter_off("jan bos", "jan mos")
    (True, True)
    >>> one_letter_off("jan bos", "jan moss"), one_letter_off("de vos", "devos")
    (False, False)
    """
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and sum(x != y for x, y in zip(wa, wb, strict=True)) == 1


def only_first_names_differ(a: Record, b: Record, name_a: str, name_b: str) -> bool:
    """Whether every word the two names do not share is one of the records' first names:
    "Anna" / "Anne Maes" are two persons, not a typo.

    >>> a = record_from_values(0, {"first_name": "Anna", "last_name": "Maes"})
    >>> b = record_from_values(1, {"first_name": "Anne", "last_name": "Maes"})
    >>> only_first_names_differ(a, b, a.name, b.name), only_first_names_differ(
    ...     a, a, "anna maes", "anna maas")
    (True, False)
    """
    given = {w for r in (a, b) if (g := _given(r)) is not None for w in g.split()}
    return set(name_a.split()) ^ set(name_b.split()) <= given


def shares_detail(a: Record, b: Record) -> bool:
    """Whether two records share an own contact detail: the email address, a phone number, or
    the street address with its house number."""
    if a.email is not None and a.email == b.email:
        return True
    if same_phone(a, b):
        return True
    return (a.street is not None and b.street is not None and _street(a.street)[1] is not None
            and _street(b.street)[1] is not None and same_street(a.street, b.street))


def compare(a: Record, b: Record, context: Context = _NO_CONTEXT) -> Match | None:
    """How ``a`` matches ``b`` (a :class:`Match` naming ``b.ref``), or None: every key weighed,
    see the module docstring; ``context``: see :class:`Context`."""
    if a.vat is not None and b.vat is not None and a.vat != b.vat:
        return None  # two legal entities, whatever else they share
    names = a.name is not None and b.name is not None
    emails_differ = a.email is not None and b.email is not None and a.email != b.email
    ids_differ = (a.external_id is not None and b.external_id is not None
                  and a.external_id != b.external_id)
    level = None  # a certain key decides alone (the keys after it come later in NumNum's order)
    if a.external_id is not None and a.external_id == b.external_id and not (
            names and same_place(a, b) is False
            and names_clearly_differ(a.name, b.name, context.common_words)):
        level = 0  # else: one ID given to two customers
    elif a.vat is not None and a.vat == b.vat:
        level = 1
    if level is not None:
        score = (0.9 if ids_differ else 1.0) * (0.95 if emails_differ else 1.0)
        return Match(b.ref, REASONS[level], CERTAIN, round(score, 4))
    similarity, name_a, name_b = names_compared(a, b) if names else (0.0, None, None)
    place = same_place(a, b)
    by_detail = False  # the names alike enough only with a shared detail
    if names and similarity < FUZZY_THRESHOLD and (
            initials_alike(name_a, name_b) or (
                (one_letter_off(name_a, name_b) or words_one_off(name_a, name_b))
                and not only_first_names_differ(a, b, name_a, name_b))) \
            and shares_detail(a, b):
        # "J. Verhoeven" at Jasmine's address; "Geoffry Duboir" with Geoffrey's phone
        similarity, by_detail = FUZZY_THRESHOLD, True
    if names and generations_differ(name_a, name_b):
        similarity = 0.0  # "sr." and "jr.": two persons
    evidence: list[tuple[int, str, float]] = []  # (level, confidence, weight)
    if a.email is not None and a.email == b.email:
        if similarity >= FUZZY_THRESHOLD:
            evidence.append((2, PROBABLE, WEIGHT_EMAIL - (
                0.05 if a.email in context.shared_emails else 0.0)))
        elif a.email not in context.shared_emails and not (
                names and place is False
                and names_clearly_differ(name_a, name_b, context.common_words)) \
                and not given_names_differ(a, b):
            evidence.append((2, PROBABLE, WEIGHT_EMAIL))  # else: a mailbox of two customers
    forms_differ = a.form is not None and b.form is not None and a.form != b.form
    if not place and similarity >= FUZZY_THRESHOLD and same_phone(a, b):
        place = True  # one phone number: the same customer, moved (or the place left out)
    if (place and similarity >= FUZZY_THRESHOLD and not forms_differ
            and (similarity == 1.0 or by_detail or (not emails_differ and (_distinct_alike(
                name_a, name_b, context.common_words) or shares_detail(a, b))))):
        evidence.append((3, PROBABLE, WEIGHT_NAME * similarity))
    if not evidence:
        return None
    if len(evidence) == 1 and evidence[0][0] == 3 and details_differ(a, b):
        return None  # the name alone, against an own address, phone and mailbox: namesakes
    # two probable keys together are stronger than either
    weights = sorted((w for _lv, _c, w in evidence), reverse=True)
    score = min(weights[0] + 0.1 * sum(weights[1:]), 0.99)
    if ids_differ:
        score *= 0.9  # two customer numbers: lowers the confidence, overrules nothing
    if emails_differ:
        score *= 0.95
    level = min(lv for lv, _c, _w in evidence)  # NumNum's order names the key
    return Match(b.ref, REASONS[level], PROBABLE, round(score, 4))


def match_rank(m: Match) -> tuple[int, int, float]:
    """Sort key: certain first, then NumNum's key order, then the higher score."""
    return (0 if m.confidence == CERTAIN else 1), REASONS.index(m.reason), -m.score


_rank = match_rank


# --- indexes ---------------------------------------------------------------------------------

#: Names are compared when they share a rare word (one that at most this many names of the
#: area have) or a rare word one letter off (the same after deleting one letter from either:
#: "vans" / "vains", "lamter" / "lamters", "segeaert" / "segelert") ...
_MAX_WORD_BLOCK = 20
#: ... or, for a name that no such block pairs with any other, when they sort within this many
#: places of each other, rare words first (the sorted-neighbourhood method: catches what is
#: left - a name of frequent words only, two typos).
_WINDOW = 6


def _areas(names: list[str | None], postcodes: list[str | None], cities: list[str | None]
           ) -> tuple[dict[str, int], dict[str, int]]:
    """Postcodes and cities that records with a name connect (9000 Gent, 9050 Gent), merged
    into areas (numbered): a name is compared with the other names of its area only.
    Returns (postcode -> area, city -> area)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    places = {(p, c) for n, p, c in zip(names, postcodes, cities, strict=True)
              if n is not None}
    for p, c in places:
        a = ("p", p) if p else None
        b = ("c", c) if c else None
        for x in (a, b):
            if x is not None:
                parent.setdefault(x, x)
        if a is not None and b is not None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    number: dict[tuple[str, str], int] = {}
    by_postcode: dict[str, int] = {}
    by_city: dict[str, int] = {}
    for x in parent:
        area = number.setdefault(find(x), len(number))
        (by_postcode if x[0] == "p" else by_city)[x[1]] = area
    return by_postcode, by_city


def _buckets(values: list[Any], least: int = 2) -> dict[Any, list[int]]:
    """value -> the indices of the values that occur at least ``least`` times (None aside)."""
    counts = Counter(values)
    counts.pop(None, None)
    many = {v for v, c in counts.items() if c >= least}
    out: dict[Any, list[int]] = {v: [] for v in many}
    if many:
        for i, v in enumerate(values):
            if v in many:
                out[v].append(i)
    return out


_EXT, _VAT, _EMAIL, _NAME, _POSTCODE, _CITY = (itemgetter(k) for k in range(1, 7))
_PHONES = itemgetter(9)


class _Index:
    """Dict indexes over a list of records: exact keys per level (values on two records or
    more), the same name per area, and the distinct names per area (per side when matching
    against an account)."""

    def __init__(self, records: list[Record], side: list[int] | None = None) -> None:
        self.records = records
        names = list(map(_NAME, records))
        postcodes = list(map(_POSTCODE, records))
        cities = list(map(_CITY, records))
        #: per key (external ID, VAT number, email): value -> indices of the records with it,
        #: for the values on two records or more
        self.exact: list[dict[Any, list[int]]] = [
            _buckets(list(map(key, records))) for key in (_EXT, _VAT, _EMAIL)]
        phones: dict[str, list[int]] = defaultdict(list)
        for i, numbers in enumerate(map(_PHONES, records)):
            if numbers:
                for key in _phone_keys(numbers):
                    phones[key].append(i)
        #: phone number (:func:`_phone_keys`) -> indices, for numbers on two records or more
        self.phones = {k: m for k, m in phones.items() if len(m) > 1}
        by_postcode, by_city = _areas(names, postcodes, cities)
        get_p, get_c = by_postcode.get, by_city.get
        #: (area, name) -> indices (the same name in one area)
        at: dict[tuple[int, str], list[int]] = defaultdict(list)
        for i, (name, p, c) in enumerate(zip(names, postcodes, cities, strict=True)):
            if name is not None:
                area = get_p(p) if p else get_c(c) if c else None
                if area is not None:
                    at[(area, name)].append(i)
        self.at = dict(at)
        #: per side (0 within a sheet; 1 rows, 2 contacts): area -> distinct names
        self.names: dict[int, dict[Any, list[str]]] = {}
        if side is None:
            by_area: dict[Any, list[str]] = defaultdict(list)
            for area, name in at:
                by_area[area].append(name)
            self.names[0] = by_area
        else:
            by_side: dict[int, dict[Any, list[str]]] = {1: defaultdict(list),
                                                        2: defaultdict(list)}
            for (area, name), members in at.items():
                first = side[members[0]]
                by_side[first][area].append(name)
                if len(members) > 1:
                    other = 3 - first
                    if any(side[i] == other for i in members):
                        by_side[other][area].append(name)
            self.names = {s: names for s, names in by_side.items() if names}

    def context(self) -> Context:
        """Addresses on :data:`SHARED_EMAIL` records or more (a bookkeeper's, a head office's);
        words in :data:`COMMON_WORD_SHARE` of the names and at least :data:`SHARED_EMAIL`."""
        records = self.records
        shared = frozenset(e for e, m in self.exact[2].items() if len(m) >= SHARED_EMAIL
                           and len({records[i].name for i in m}) >= SHARED_EMAIL)
        all_names = [n for by_area in self.names.values() for ns in by_area.values() for n in ns]
        df = Counter(chain.from_iterable({*n.split()} for n in all_names))
        least = max(SHARED_EMAIL, COMMON_WORD_SHARE * len(all_names))
        return Context(shared, frozenset(w for w, k in df.items() if k >= least))


@lru_cache(maxsize=262144)
def _block_keys(name: str) -> tuple[tuple[str, ...], str | None]:
    """(the distinct words of a name that can be blocking keys - three letters or more, no
    particle -, the name without spaces when it has several words: "de smet" -> "desmet")."""
    words = name.split()
    keys = tuple(dict.fromkeys(w for w in words if len(w) >= 3 and w not in _PARTICLES))
    return keys, ("".join(words) if len(words) > 1 else None)


@lru_cache(maxsize=262144)
def _deletions(word: str) -> tuple[str, ...]:
    """The word with one letter deleted, each way: "vans" -> "ans", "vns", "vas", "van"."""
    return tuple({word[:x] + word[x + 1:] for x in range(len(word))})


def _one_off(*sides: dict[Any, list[str]] | None) -> dict[str, frozenset[str]]:
    """Which words of the names of every area are one letter off each other: the same after
    deleting one letter from either or both ("vans" / "vains", "lamter" / "lamters",
    "segeaert" / "segelert"); words of three letters or more, letters only (a number one
    digit off is another number). A deletion that more than :data:`_MAX_WORD_BLOCK` words
    share links none of them. Found once over every area (a family name recurs in many
    towns): word -> its neighbours, for the words that have any.

    >>> sorted(_one_off({"gent": ["bakkerij vans", "bakkerij vains", "garage 1234",
    ...                           "garage 1235"]}).items())
    [('vains', frozenset({'vans'})), ('vans', frozenset({'vains'}))]
    """
    words: set[str] = set()
    for by_area in sides:
        for names in (by_area or {}).values():
            for name in names:
                words.update(_block_keys(name)[0])
    index: dict[str, list[str]] = defaultdict(list)
    for word in words:
        if len(word) >= 3 and word.isalpha():
            index[word].append(word)
            for d in _deletions(word):
                index[d].append(word)
    linked: dict[str, set[str]] = defaultdict(set)
    for bucket in index.values():
        if 1 < len(bucket) <= _MAX_WORD_BLOCK:
            for w in bucket:
                linked[w].update(bucket)
    out = {}
    for w, found in linked.items():
        found.discard(w)
        if found:
            out[w] = frozenset(found)
    return out


def similar_names(left: dict[Any, list[str]], right: dict[Any, list[str]] | None = None,
                  threshold: float | None = None) -> Iterator[tuple[Any, str, str, float]]:
    """(area, name of ``left``, a different name of ``right`` (default: of ``left``), score)
    for every pair of names in one area at least ``threshold`` similar (default
    :data:`FUZZY_THRESHOLD`), each pair once. Not all pairs are compared: two names are when
    they share a rare word (one that at most :data:`_MAX_WORD_BLOCK` names of the area have)
    or have rare words one letter off, or when one is the other with one rare word one letter
    off a common one ("berzekeringen peeters" / "verzekeringen peeters"), or - for a name
    that none of that pairs with another - when they sort within :data:`_WINDOW` places
    (:func:`_window`).

    >>> pairs = similar_names({"gent": ["bakkerij janssens", "bakerij janssens",
    ...                                 "slagerij janssens", "drukkerij maes"]})
    >>> [(a, b, s) for _area, a, b, s in pairs]
    [('bakkerij janssens', 'bakerij janssens', 0.9697)]
    """
    threshold = FUZZY_THRESHOLD if threshold is None else threshold
    loose = threshold * 100 - 5  # the window key is one spelling of two; checked below
    cutoff = threshold * 100
    one_off = _one_off(left, right)
    for area, ours in left.items():
        theirs = right.get(area) if right is not None else ours
        if not theirs:
            continue
        if right is not None:  # each distinct name once; side: 1 ours, 2 theirs, 3 both
            sides: dict[str, int] = dict.fromkeys(ours, 1)
            for n in theirs:
                sides[n] = sides.get(n, 0) | 2
            names = list(sides)
            side: list[int] | None = list(sides.values())
        else:
            names, side = list(ours), None
        found = []
        keys = [_name_keys(n) for n in names]
        special: list[bool] | None = None  # a name with a misspelt form or an initial
        for k, j in _name_candidates(names, side, one_off, loose, keys):
            (sa, fa), (sb, fb) = keys[k], keys[j]
            a, b = names[k], names[j]
            if fuzz.ratio(sa, sb, score_cutoff=cutoff) or fuzz.ratio(fa, fb, score_cutoff=cutoff):
                score = name_similarity(a, b)
            else:
                if special is None:
                    special = [_special(n) for n in names]
                score = 0.0
                if not (special[k] or special[j]):
                    pass
                elif abs(a.count(" ") - b.count(" ")) == 1:  # a misspelt legal form in one?
                    score = _with_misspelt_form(a, b)  # (:func:`names_compared` decides)
                elif initials_alike(a, b):  # compare() asks for a shared detail
                    score = threshold
            if score < threshold and OSA.distance(fa, fb, score_cutoff=2) <= 2 and (
                    words_one_off(a, b) or OSA.distance(a, b, score_cutoff=1) <= 1):
                score = threshold  # two typos: compare() asks for a shared detail
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


def _with_misspelt_form(a: str, b: str) -> float:
    """The similarity of two names when the last word of one is taken for a misspelt legal
    form (:func:`_misspelt_form`), else 0.0."""
    score = 0.0
    for this, other in ((a, b), (b, a)):
        guess = _misspelt_form(this)
        if guess is not None:
            score = max(score, name_similarity(guess[0], other))
    return score


def _name_candidates(names: list[str], side: list[int] | None,
                     one_off: dict[str, frozenset[str]], loose: float,
                     keys: list[tuple[str, str]]) -> set[tuple[int, int]]:
    """The pairs (k, j), k < j, of one area's ``names`` worth comparing (see
    :func:`similar_names`); with ``side``, only pairs across the two sides."""
    by_word: dict[str, list[int]] = defaultdict(list)
    by_joined: dict[str, list[int]] = defaultdict(list)  # "desmet" is "de smet"
    for k, name in enumerate(names):
        words, joined = _block_keys(name)
        for w in words:
            by_word[w].append(k)
        if joined is not None:
            by_joined[joined].append(k)
    candidates: set[tuple[int, int]] = set()
    rare = {w: m for w, m in by_word.items() if len(m) <= _MAX_WORD_BLOCK}
    for members in rare.values():
        if len(members) > 1:
            candidates.update(combinations(members, 2))
    present = set(rare)
    common = by_word.keys() - present
    by_words: dict[str, list[int]] | None = None
    for w in present & one_off.keys():  # one letter off (iterates over the smaller)
        members = rare[w]
        near = one_off[w]
        for x in near & present:
            if w < x:  # each pair of words once
                others = rare[x]
                candidates.update((k, j) if k < j else (j, k)
                                  for k in members for j in others)
        for x in near & common:  # "berzekeringen peeters": the name with "verzekeringen"
            if by_words is None:  # the names by their words sorted (:func:`_name_keys`)
                by_words = defaultdict(list)
                for k, (sorted_key, _joined) in enumerate(keys):
                    by_words[sorted_key].append(k)
            for k in members:
                twin = " ".join(sorted(x if t == w else t for t in keys[k][0].split()))
                for j in by_words.get(twin, ()):
                    if j != k:
                        candidates.add((k, j) if k < j else (j, k))
    for joined, members in by_joined.items():
        members = members + rare.get(joined, [])
        if 1 < len(members) <= _MAX_WORD_BLOCK:
            candidates.update((k, j) if k < j else (j, k)
                              for k, j in combinations(members, 2) if k != j)
    if side is not None:
        candidates = {(k, j) for k, j in candidates if side[k] | side[j] == 3}
    if len(names) > 2:
        covered = {k for pair in candidates for k in pair}
        if len(covered) < len(names):
            _window(names, covered, side, loose, candidates, keys)
    elif len(names) == 2 and (side is None or side[0] | side[1] == 3):
        candidates.add((0, 1))
    return candidates


def _window(names: list[str], covered: set[int], side: list[int] | None, loose: float,
            candidates: set[tuple[int, int]], sorted_keys: list[tuple[str, str]]) -> None:
    """The sorted-neighbourhood method for the names no block pairs with another (not in
    ``covered``): each is compared with the :data:`_WINDOW` names before and after it,
    their words sorted rare first (then alphabetically)."""
    words = [sk.split() for sk, _joined in sorted_keys]  # alphabetically (_name_keys)
    rank = Counter(chain.from_iterable(words)).__getitem__
    keys = []
    for ws in words:
        if len(ws) > 1:
            ws.sort(key=rank)  # a stable sort: rare first, then alphabetically
            keys.append(" ".join(ws))
        else:
            keys.append(ws[0] if ws else "")
    order = sorted(range(len(names)), key=keys.__getitem__)
    for pos, k in enumerate(order):
        if k in covered:
            continue
        # after it: every name; before it: the covered ones (an uncovered one did it)
        window = order[pos + 1:pos + 1 + _WINDOW]
        window += [j for j in order[max(0, pos - _WINDOW):pos] if j in covered]
        if side is not None:
            window = [j for j in window if side[j] | side[k] == 3]
        if not window:
            continue
        for _c, _s, x in process.extract(keys[k], [keys[j] for j in window],
                                         scorer=fuzz.ratio, score_cutoff=loose, limit=None):
            j = window[x]
            candidates.add((k, j) if k < j else (j, k))


# --- candidate pairs (blocking) --------------------------------------------------------------

#: A bucket (records sharing a key) up to this size: every pair is compared.
_SMALL = 10


class _Pairs:
    """The candidate pairs: (i, j), i < j; with ``side``, only pairs of a row (side 1) and a
    contact (side 2)."""

    def __init__(self, records: list[Record], side: list[int] | None) -> None:
        self.records, self.side = records, side
        self.pairs: set[tuple[int, int]] = set()

    def add(self, i: int, j: int) -> None:
        if i == j or (self.side is not None and self.side[i] == self.side[j]):
            return
        self.pairs.add((i, j) if i < j else (j, i))

    def all(self, members: list[int]) -> None:
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                self.add(i, j)

    def _by_vat(self, members: list[int]) -> dict[str | None, list[int]]:
        out: dict[str | None, list[int]] = {}
        for i in members:
            out.setdefault(self.records[i].vat, []).append(i)
        return out

    def star(self, cls: list[int]) -> None:
        """Records that all match each other: each linked to one of them (same groups, same
        best contact - the first listed)."""
        if self.side is None:
            for j in cls[1:]:
                self.add(cls[0], j)
            return
        centre = next((i for i in cls if self.side[i] == 2), None)
        if centre is not None:
            for i in cls:
                self.add(i, centre)

    def link(self, a: list[int], b: list[int]) -> None:
        """Two classes of records that match across: one link per record at most."""
        if self.side is None:
            self.add(a[0], b[0])
            return
        for x, y in ((a, b), (b, a)):
            centre = next((i for i in y if self.side[i] == 2), None)
            if centre is not None:
                for i in x:
                    if self.side[i] == 1:
                        self.add(i, centre)

    def alike(self, members: list[int]) -> None:
        """Records that match each other unless their VAT numbers differ (the same name at the
        same place, the same VAT number): all pairs when few, else per VAT number a star and
        a link between the records without one and each VAT number's."""
        if len(members) <= _SMALL:
            self.all(members)
            return
        classes = self._by_vat(members)
        for cls in classes.values():
            self.star(cls)
        bare = classes.get(None)
        if bare:
            for vat, cls in classes.items():
                if vat is not None:
                    self.link(bare, cls)

    def between(self, left: list[int], right: list[int]) -> None:
        """Two sets of records with similar names at one place (bounded like :meth:`alike`)."""
        if len(left) * len(right) <= _SMALL:
            for i in left:
                for j in right:
                    self.add(i, j)
            return
        lv, rv = self._by_vat(left), self._by_vat(right)
        for vat, ca in lv.items():
            if vat is None:
                for cb in rv.values():
                    self.link(ca, cb)
            else:
                for key in (vat, None):
                    if key in rv:
                        self.link(ca, rv[key])

    def by_name(self, members: list[int], tag: Any) -> None:
        """A large bucket of a key that alone may not decide (an external ID or an email
        address on many records): only records with the same or a similar name in it."""
        at: dict[str, list[int]] = {}
        for i in members:
            name = self.records[i].name
            if name is not None:
                at.setdefault(name, []).append(i)
        for same in at.values():
            self.alike(same)
        for _tag, a, b, _score in similar_names({tag: list(at)}):
            self.between(at[a], at[b])


def _candidates(records: list[Record], index: _Index, side: list[int] | None
                ) -> set[tuple[int, int]]:
    """Every pair worth comparing, never all pairs: records that share a key (bounded per
    bucket, see :class:`_Pairs`) or have similar names in one area (:func:`similar_names`)."""
    pairs = _Pairs(records, side)
    found = pairs.pairs
    for level, buckets in enumerate(index.exact):
        for key, members in buckets.items():
            if len(members) == 2:  # most buckets: inline (members ascend)
                i, j = members
                if side is None or side[i] != side[j]:
                    found.add((i, j))
            elif len(members) <= _SMALL:
                pairs.all(members)
            elif level in (0, 2):
                pairs.by_name(members, (level, key))
            else:
                pairs.alike(members)
    for key, members in index.phones.items():  # one phone number: the names decide
        if len(members) <= _SMALL:
            pairs.all(members)
        else:
            pairs.by_name(members, ("phone", key))
    for members in index.at.values():  # the same name in one area
        if len(members) == 2:
            i, j = members
            if side is None or side[i] != side[j]:
                found.add((i, j))
        elif len(members) > 2:
            pairs.alike(members)
    if side is None:
        similar = similar_names(index.names.get(0, {}))
    else:
        similar = similar_names(index.names.get(1, {}), index.names.get(2, {}))
    n_similar = 0
    for area, a, b, _score in similar:
        n_similar += 1
        pairs.between(index.at[(area, a)], index.at[(area, b)])
    LAST_RUN.clear()
    LAST_RUN.update(records=len(records), similar_names=n_similar,
                    pairs_compared=len(pairs.pairs))
    return pairs.pairs


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


#: What the last :func:`find_groups` / :func:`match_existing` did (for benchmarks): records,
#: pairs of similar names, pairs compared (never all pairs), direct matches found.
LAST_RUN: dict[str, int] = {}


# --- within one sheet ------------------------------------------------------------------------

def _links(records: list[Record]) -> dict[tuple[int, int], Match]:
    """Every direct match found, keyed by (i, j) with i < j (the Match names j)."""
    index = _Index(records)
    context = index.context()
    links: dict[tuple[int, int], Match] = {}
    for i, j in _candidates(records, index, None):
        m = compare(records[i], records[j], context)
        if m is not None:
            links[(i, j)] = m
    LAST_RUN["links"] = len(links)
    return links


def find_groups(records: list[Record]) -> list[Group]:
    """Duplicates within one sheet, as groups of refs (in the order of ``records``).

    Links are applied strongest first (certain before probable, then NumNum's key order, then
    the score; ties in row order), and a link joins two groups only when the result does not
    hold two different VAT numbers: A~B by email and B~C by name make one group A, B, C, but
    when A and C have different VAT numbers, C stays out. A group's ``reason`` and
    ``confidence`` are those of its weakest link.
    """
    with _bulk():
        links = _links(records)
        order = sorted(links, key=lambda ij: (*_rank(links[ij]), ij))
        parent = list(range(len(records)))
        vat: dict[int, str | None] = {}
        weakest: dict[int, Match] = {}

        def find(i: int) -> int:
            root = i
            while parent[root] != root:
                root = parent[root]
            while parent[i] != root:
                parent[i], i = root, parent[i]
            return root

        for i, j in order:
            m = links[(i, j)]
            a, b = find(i), find(j)
            if a == b:
                continue
            va = vat.get(a, records[a].vat)
            vb = vat.get(b, records[b].vat)
            if va is not None and vb is not None and va != vb:
                continue
            wa, wb = weakest.pop(a, None), weakest.pop(b, None)
            parent[b] = a
            vat[a] = va if va is not None else vb
            weakest[a] = max((x for x in (wa, wb, m) if x is not None), key=_rank)
        members: dict[int, list[int]] = {root: [] for root in weakest}
        for i in sorted({i for ij in links for i in ij}):  # the others are alone
            root = find(i)
            if root in members:
                members[root].append(i)
        group_links: dict[int, list[tuple[Any, Match]]] = {root: [] for root in members}
        for (i, j) in sorted(links):
            root = find(i)
            if root in group_links and root == find(j):
                group_links[root].append((records[i].ref, links[(i, j)]))
        roots = sorted(members, key=lambda root: members[root][0])
        return [Group([records[i].ref for i in members[root]], weakest[root].reason,
                      weakest[root].confidence, group_links[root]) for root in roots]


# --- against an account ----------------------------------------------------------------------

def match_existing(records: list[Record], existing: list[Record]) -> dict[Any, Match]:
    """Row ref -> the existing contact the row would update, by the same comparison as within
    the sheet: the best match (certain before probable, then NumNum's key order, then the
    score; on a tie the contact listed first). Rows that match nothing are absent."""
    with _bulk():
        combined = records + existing
        n = len(records)
        side = [1] * n + [2] * len(existing)
        index = _Index(combined, side)
        context = index.context()
        best: dict[int, tuple[tuple[int, int, float, int], Match]] = {}
        for i, j in _candidates(combined, index, side):
            m = compare(combined[i], combined[j], context)
            if m is None:
                continue
            rank = (*_rank(m), j)
            had = best.get(i)
            if had is None or rank < had[0]:
                best[i] = (rank, m)
        LAST_RUN["links"] = len(best)
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
