"""Person or company: which a row is, and how a person's single name cell splits.

NumNum's API (the webhook convention) knows a contact as ``bedrijf`` (company) or
``particulier`` (private person) and needs a first and last name for a person. An export from
another program often has one name column ("Dhr. Luc Maes", "Maes Luc", "Bakkerij Janssen BV")
and no legal form, so the evidence is weighed:

* the legal form column (``natuurlijk-persoon`` means a person, any other form a company);
* a VAT number: a company (a sole trader with a VAT number is a ``bedrijf`` in NumNum);
* a legal-form word in the name ("BV", "SRL", "GmbH", …: the catalogue's forms and aliases)
  or a business word ("Bakkerij", "Garage", "Consult", "&", digits): a company;
* a salutation ("Dhr.", "Mevr.", "Mme", "Herr"): a person;
* a first name filled in, or a name of two or three words of which one is a known first name
  (Faker's first- and family-name lists for Belgium and its neighbours): a person.

Nothing of that: :data:`UNKNOWN`, sent as a company (NumNum then needs only the name).

>>> classify({"title": "Bakkerij Janssen BV"}).kind, classify({"title": "Dhr. Luc Maes"}).kind
('company', 'person')
>>> classify({"title": "Sophie Lambert"}).kind, classify({"title": "Janssen"}).kind
('person', 'unknown')
>>> classify({"title": "Luc Maes", "vat_id": "0403019261"}).kind
'company'
>>> split_name("Dhr. Luc Maes"), split_name("Maes Luc"), split_name("Van Damme, Jan")
(('Luc', 'Maes'), ('Luc', 'Maes'), ('Jan', 'Van Damme'))
>>> split_name("Mevr. Anne-Sophie de Smet"), split_name("Janssen")
(('Anne-Sophie', 'de Smet'), None)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from numnum_xl.catalogue import FIELDS, LEGAL_FORM_ALIASES, LEGAL_FORMS


def _words(text: str) -> list[str]:
    return text.split()


PERSON = "person"
COMPANY = "company"
UNKNOWN = "unknown"

LEGAL_FORM_KEY = next(f.key for f in FIELDS if f.kind == "legal_form")
#: Legal forms that say the customer is a private person.
PERSON_FORMS = frozenset({"natuurlijkpersoon", "particulier", "personnephysique"})

#: Salutations and titles in front of a person's name (nl, fr, de, en), without the dot.
SALUTATIONS = frozenset(_words("""
    dhr heer de mr mevr mevrouw mw mej mejuffrouw juffrouw fam familie m mme madame
    monsieur mlle mademoiselle mm messieurs herr frau hr fr mrs ms miss sir dr prof ir ing
    mtr meester me maitre docteur dokter apr professeur professor
"""))
#: Words that start a family name and stay with it ("Van Damme", "de Smet", "Le Clercq").
PARTICLES = frozenset(_words("""
    van de der den het ten ter te vande vander vanden vd le la du des d von zu di da del
    della dos
"""))
#: Words in a name that say it is a business (nl, fr, de, en): general shop and trade words.
BUSINESS_WORDS = frozenset(_words("""
    bakkerij brouwerij slagerij beenhouwerij apotheek garage carrosserie restaurant cafe
    brasserie bistro hotel taverne frituur kapsalon salon bureau kantoor consult consulting
    consultancy advies solutions services service group groep holding invest investments
    management partners associates bouw bouwbedrijf aannemer aannemingen constructie
    construct transport transporten logistics logistiek immo immobiliën vastgoed advocaten
    advocatenkantoor notaris notariaat architecten architectuur tandartsen praktijk studio
    atelier shop winkel handel trading international industries industrie techniek technics
    systems software media design events agency agentuur drukkerij schrijnwerkerij
    installaties elektriciteit sanitair verzekeringen boekhouding accountants fiduciaire
    boulangerie boucherie pharmacie cabinet société entreprise entreprises menuiserie gmbh
    bäckerei metzgerei werkstatt company corporation enterprises foundation school club
    vereniging gemeente stad ocmw kerkfabriek zonen fils söhne gebroeders frères
"""))
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def _fold(text: str) -> str:
    """Casefolded, without accents and dots."""
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in text if not unicodedata.combining(c)).replace(".", "")


def _squash(text: str) -> str:
    return re.sub(r"[\s.\-_/()]", "", _fold(text))


@lru_cache(maxsize=1)
def _legal_words() -> frozenset[str]:
    """Legal forms as they appear inside a name, squashed ("bv", "bvba", "srl", "gmbh")."""
    words = {_squash(lf.code) for lf in LEGAL_FORMS} | {_squash(a) for a in LEGAL_FORM_ALIASES}
    # names of forms that are also ordinary words would misfire inside a name
    return frozenset(w for w in words if w and w not in {"onbekend", "stichting", "maatschap",
                                                         "particulier", "sc", "tv", "lv",
                                                         "sl", "ag"} | PERSON_FORMS)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


class Verdict(NamedTuple):
    """Person, company or unknown, and the evidence that decided it."""

    kind: str
    reason: str


def name_words(text: str) -> list[str]:
    """The words of a name, separators and dots dropped ("Dhr. Luc Maes" -> Dhr, Luc, Maes)."""
    return _WORD.findall(text)


@lru_cache(maxsize=65536)
def has_legal_form_word(text: str) -> bool:
    """Whether a legal-form word stands in ``text`` ("Janssen BV", "Dupont S.R.L.").

    >>> has_legal_form_word("Bakkerij Janssen B.V."), has_legal_form_word("Bavo Maes")
    (True, False)
    """
    words = _legal_words()
    raw = text.split()
    for i, token in enumerate(raw):
        if _squash(token) in words:
            return True
        if i + 1 < len(raw) and _squash(token + raw[i + 1]) in words:
            return True
    return False


@lru_cache(maxsize=65536)
def is_business_name(text: str) -> bool:
    """Legal-form word, business word, a digit, ``&`` or ``@`` in the name."""
    if any(ch.isdigit() for ch in text) or "&" in text or "@" in text or "+" in text:
        return True
    if has_legal_form_word(text):
        return True
    return any(_fold(w) in BUSINESS_WORDS for w in name_words(text))


@lru_cache(maxsize=65536)
def salutation_of(text: str) -> tuple[str, str]:
    """(the salutation words in front, the rest) - ("Dhr.", "Luc Maes").

    >>> salutation_of("De heer Luc Maes"), salutation_of("Mme Sophie Lambert")
    (('De heer', 'Luc Maes'), ('Mme', 'Sophie Lambert'))
    >>> salutation_of("De Smet Jan")
    ('', 'De Smet Jan')
    """
    tokens = text.split()
    n = 0
    while n < len(tokens) - 1 and _fold(tokens[n]).strip(",") in SALUTATIONS:
        if _fold(tokens[n]) == "de" and (n + 1 >= len(tokens)
                                         or _fold(tokens[n + 1]) not in ("heer",)):
            break  # "De Smet": a particle, not "de heer"
        n += 1
    return " ".join(tokens[:n]), " ".join(tokens[n:])


# --- first names ------------------------------------------------------------------------------

#: Faker's person lists (MIT; Belgian lists with the frequencies of Statbel's name statistics)
#: for Belgium and its neighbours: which words are first names, which family names.
_LOCALES = ("nl_BE", "fr_BE", "nl_NL", "fr_FR", "de_DE")


@lru_cache(maxsize=1)
def _name_lists() -> tuple[dict[str, int], dict[str, int]]:
    """(first name -> in how many locales, family name -> in how many locales), casefolded."""
    import importlib

    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for loc in _LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        names: set[str] = set()
        for attr in ("first_names", "first_names_male", "first_names_female"):
            names.update(getattr(provider, attr, ()) or ())
        for n in names:
            first[n.casefold()] = first.get(n.casefold(), 0) + 1
        for n in set(getattr(provider, "last_names", ()) or ()):
            last[n.casefold()] = last.get(n.casefold(), 0) + 1
    return first, last


@lru_cache(maxsize=65536)
def first_name_score(word: str) -> int:
    """How much ``word`` is a first name rather than a family name (0 or less: not one).

    Twice the number of countries (of Belgium and its neighbours) whose first names include
    it, less the number whose family names do (at least 0).

    >>> first_name_score("Luc") > 0 >= first_name_score("Maes")
    True
    >>> first_name_score("Sophie") > first_name_score("Lambert")
    True
    """
    first, last = _name_lists()
    low = word.casefold()
    hits = first.get(low, 0)
    if not hits and "-" in low:  # Anne-Sophie, Jean-Pierre
        parts = [first.get(p, 0) for p in low.split("-")]
        hits = min(parts)
    if not hits:
        return 0
    return max(2 * hits - last.get(low, 0), 0)


@lru_cache(maxsize=65536)
def split_name(text: str) -> tuple[str, str] | None:
    """(first name, family name) of a person written in one cell, salutation removed.

    "Maes, Luc" puts the family name first; otherwise the word that is the more common first
    name decides which end the first name is at (a tie: first name first). ``None`` when
    there are not two words, or none of them is a known first name and no salutation says it
    is a person.
    """
    text = " ".join(str(text).split())
    if "," in text:
        last, _, first = text.partition(",")
        _, first = salutation_of(first.strip())
        _, last = salutation_of(last.strip())
        if first and last and len(first.split()) <= 2:
            return first.strip(), last.strip()
    salutation, rest = salutation_of(text)
    tokens = rest.split()
    if len(tokens) < 2 or len(tokens) > 4:
        return None
    head = first_name_score(tokens[0])
    tail = first_name_score(tokens[-1]) if _fold(tokens[-2]) not in PARTICLES else 0
    if _fold(tokens[0]) in PARTICLES:  # "Van Damme Jan", "de Smet Anne"
        head = 0
    if not head and not tail and not salutation:
        return None
    if tail > head:
        return tokens[-1], " ".join(tokens[:-1])
    return tokens[0], " ".join(tokens[1:])


@lru_cache(maxsize=65536)
def looks_like_person(text: str) -> bool:
    """A name of two to four words, no business word, one of them a known first name."""
    if is_business_name(text):
        return False
    salutation, rest = salutation_of(" ".join(text.split()))
    if salutation:
        return True
    tokens = rest.split()
    if not 2 <= len(tokens) <= 4:
        return False
    return split_name(rest) is not None


# --- the verdict ------------------------------------------------------------------------------

@lru_cache(maxsize=1024)
def _person_form(form: str) -> bool:
    return _squash(form) in PERSON_FORMS


def classify(values: Mapping[str, Any]) -> Verdict:
    """Person, company or unknown for one row's values (see the module doc for the evidence)."""
    form = values.get(LEGAL_FORM_KEY)
    if _present(form):
        if _person_form(str(form)):
            return Verdict(PERSON, "legal_form")
        return Verdict(COMPANY, "legal_form")
    if _present(values.get("vat_id")):
        return Verdict(COMPANY, "vat_id")
    names = [str(values[k]) for k in ("title", "last_name") if _present(values.get(k))]
    for name in names:
        if is_business_name(name):
            return Verdict(COMPANY, "name")
    for name in names:
        if salutation_of(" ".join(name.split()))[0]:
            return Verdict(PERSON, "salutation")
    if _present(values.get("first_name")):
        return Verdict(PERSON, "first_name")
    for name in names:
        if looks_like_person(name):
            return Verdict(PERSON, "name")
    return Verdict(UNKNOWN, "")


def is_private_person(values: Mapping[str, Any]) -> bool:
    """Whether NumNum gets the row as ``particulier``.

    >>> is_private_person({"title": "Marie Dupont", "last_name": "Dupont"})
    True
    >>> is_private_person({"title": "Dupont", "vat_id": "0123456749"})
    False
    """
    return classify(values).kind == PERSON


class NameFix(NamedTuple):
    """What a row's name columns should hold (None: leave the cell as it is)."""

    first_name: str | None
    last_name: str | None


def person_names(values: Mapping[str, Any]) -> NameFix:
    """First and family name for a person row whose first name is empty.

    The full name is taken from the family-name cell when it holds more than one word (the
    whole name was put there), else from the title; a family name already filled in is kept
    and the first name is what the title has besides it.

    >>> person_names({"title": "Dhr. Luc Maes"})
    NameFix(first_name='Luc', last_name='Maes')
    >>> person_names({"title": "Sophie Lambert", "last_name": "Lambert"})
    NameFix(first_name='Sophie', last_name=None)
    >>> person_names({"title": "Mevr. Peeters", "last_name": "Peeters"})
    NameFix(first_name=None, last_name=None)
    """
    last = str(values.get("last_name") or "").strip()
    title = str(values.get("title") or "").strip()
    if last and len(last.split()) > 1:
        got = split_name(last)
        if got:
            return NameFix(got[0], got[1] if got[1] != last else None)
    if last:
        _, rest = salutation_of(title)
        words = rest.split()
        lower = [w.casefold() for w in words]
        tail = last.split()
        n = len(tail)
        for i in range(len(words) - n + 1):
            if lower[i:i + n] == [w.casefold() for w in tail]:
                first = " ".join(words[:i] + words[i + n:]).strip(" ,")
                return NameFix(first or None, None)
        return NameFix(None, None)
    got = split_name(title) if title else None
    if got:
        return NameFix(got[0], got[1])
    _, rest = salutation_of(title)
    return NameFix(None, rest or None)


def company_last_name(values: Mapping[str, Any]) -> str | None:
    """The family name NumNum's sample gives a company: the contact person's, else the name.

    >>> company_last_name({"title": "Bakkerij Janssen BV", "contactperson_last_name": "Janssen"})
    'Janssen'
    >>> company_last_name({"title": "Tech Solutions NV"})
    'Tech Solutions NV'
    >>> company_last_name({"title": "Garage Dubois", "contactperson_last_name": "Marie Dubois"})
    'Dubois'
    """
    contact = values.get("contactperson_last_name")
    if _present(contact):
        contact = " ".join(str(contact).split())
        if not _present(values.get("contactperson_first_name")) and " " in contact:
            got = split_name(contact)  # the whole name in one column: its family name
            if got:
                return got[1]
        return contact
    if _present(values.get("title")):
        return str(values["title"]).strip()
    return None
