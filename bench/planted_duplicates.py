"""Customer lists with planted duplicates and near misses: the truth the duplicate matcher is
measured against (``bench/bench_duplicates.py``, ``tests/test_duplicates.py``).

Written apart from the matcher, not as its mirror: the customers are Belgian (Dutch- and
French-speaking names, trades and towns; family names drawn with the skew of real ones, so
"Peeters" and "Janssens" recur), and every copy is made the way people and systems make them,
with random edits - not with the matcher's normalisation run backwards.

Every customer has the contact details of a real customer list: a street address (an
invoice names the customer's address), often a telephone and a GSM number. Two distinct customers
with one name in one town (the same family in the same trade is common) therefore differ
in street, phone and mailbox, as real namesakes do - without those fields the truth
"different customers" of such a pair would rest on nothing the rows show. A copy keeps the
customer's details, sometimes written otherwise ("Kerkstr. 12", "+32 9 223 45 67" /
"09/223.45.67") or left out; a copy of a customer who moved has new ones.

Duplicates (must be found), each copy with **its own external ID** (merged lists, or a
customer entered twice under a new number):

* ``vat_written`` - the VAT number written otherwise ("BE 0403.019.261", "0403019261 BE",
  "403019261", a number, lower case), the name in capitals or not, the email sometimes other;
* ``email_case`` - the same email address in other case and with spaces, no VAT number;
* ``legal_form`` - the legal form written otherwise ("NV" / "nv." / "N.V." / "SA" /
  "naamloze vennootschap"), same town, no VAT number or email on the copy;
* ``trailing_spaces`` - name and email with spaces around them ("Greet Maes ");
* ``typo`` - one typing mistake in the name (a neighbouring key, a letter dropped, doubled or
  swapped), same postcode or town, no VAT number or email on the copy;
* ``same_external_id`` - the same external ID (no other own number), name with "& Zonen" /
  "& Fils" or another form, another email and address;
* ``branch`` - another branch of the same company: the same VAT number, another town and
  email. One VAT number is one legal entity; NumNum matches it as one customer, so a branch
  counts as a duplicate (certain) - see :mod:`numnum_xl.duplicates`.

Near misses (must stay apart):

* ``nm_family_other_trade`` - the same family, another trade, same town ("Bakkerij Peeters" /
  "Slagerij Peeters"), no VAT number on either;
* ``nm_trade_other_family`` - the same trade, another family, same town ("Garage Maes" /
  "Garage Claes"), no VAT number on either;
* ``nm_other_city`` - the same name in another town, its own VAT number and email;
* ``nm_shared_email`` - the bookkeeper's email address on another company (own VAT number);
* ``nm_id_collision`` - two lists' customer numbers collide: the same external ID on another
  customer in another town (the bundled example's Thomas Wouters / Kapsalon Lemmens).
"""

from __future__ import annotations

import random
from itertools import combinations
from typing import Any

DUPLICATE_KINDS = ("vat_written", "email_case", "legal_form", "trailing_spaces", "typo",
                   "same_external_id", "branch")
NEAR_MISS_KINDS = ("nm_family_other_trade", "nm_trade_other_family", "nm_other_city",
                   "nm_shared_email", "nm_id_collision")

#: Common Belgian family names, most frequent first (drawn with a Zipf-like skew).
FAMILY = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
          "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Hermans", "Aerts",
          "Michiels", "Desmet", "Lemmens", "Segers", "Pauwels", "Dumont", "Simon", "Laurent",
          "Vermeulen", "Van den Broeck", "Leroy", "Renard", "Lejeune", "Hendrickx", "Smets",
          "Wuyts", "Cools", "Van Damme", "Verstraeten", "Coppens", "De Backer", "Baert",
          "Denis", "Lemaire", "François", "Mathieu", "Claessens", "Stevens", "Verhoeven",
          "Van de Velde", "De Clercq", "Vandenberghe", "Declercq", "Moens", "Bogaert",
          "Fontaine", "Leclercq", "Vervoort", "Huysmans", "Verbruggen", "Van Acker", "Geerts",
          "Thys", "Vanhove", "Deprez", "Collard", "Gérard", "Noël", "Dierckx", "Wijns")
#: The long tail: family names made of Flemish and Walloon pieces.
_HEAD = ("Van", "Ver", "De", "Le", "Mer", "Wil", "Jan", "Pee", "Cla", "Goo", "Dub", "Lam",
         "Hen", "Mich", "Seg", "Lem", "Bos", "Dries", "Stev", "Wou", "Bra", "Cor", "Del",
         "Fon", "Gil", "Hou", "Lan", "Mon", "Rob", "Tim")
_MID = ("", "den", "de", "ter", "ma", "me", "ri", "ro", "ne", "el", "ae", "oo", "li", "va")
_TAIL = ("sens", "mans", "ckx", "ens", "ers", "s", "ts", "beke", "damme", "broeck", "hout",
         "velde", "linden", "mont", "bois", "ert", "aert", "yn", "ier", "eau", "elle", "ot")
FIRST_NL = ("Jan", "Pieter", "Luc", "Tom", "Bart", "Wim", "Koen", "Greet", "Els", "An",
            "Sofie", "Lotte", "Emma", "Kevin", "Joris", "Hilde", "Marc", "Katrien", "Dirk")
FIRST_FR = ("Pierre", "Marie", "Nathalie", "Camille", "Julie", "Thomas", "Philippe", "Sophie",
            "Isabelle", "Michel", "Christine", "Jean", "Olivier", "Valérie", "Benoît")
TRADES_NL = ("Bakkerij", "Slagerij", "Schrijnwerkerij", "Loodgieterij", "Elektro", "Garage",
             "Kapsalon", "Brasserie", "Drukkerij", "Bouwbedrijf", "Tuinaanleg", "Apotheek",
             "Boekhandel", "Fietsen", "Architectenbureau", "Schilderwerken", "Dakwerken",
             "Transport", "Verzekeringen", "Optiek", "Bloemen", "Frituur", "Immo")
TRADES_FR = ("Boulangerie", "Boucherie", "Menuiserie", "Plomberie", "Garage", "Salon",
             "Brasserie", "Imprimerie", "Construction", "Jardins", "Pharmacie", "Librairie",
             "Toitures", "Transports", "Assurances", "Optique", "Fleurs", "Immo")
#: (postcode, town, language)
TOWNS = (("9000", "Gent", "nl"), ("9050", "Gentbrugge", "nl"), ("2000", "Antwerpen", "nl"),
         ("2018", "Antwerpen", "nl"), ("3000", "Leuven", "nl"), ("8000", "Brugge", "nl"),
         ("3500", "Hasselt", "nl"), ("2800", "Mechelen", "nl"), ("9300", "Aalst", "nl"),
         ("8500", "Kortrijk", "nl"), ("9100", "Sint-Niklaas", "nl"), ("2300", "Turnhout", "nl"),
         ("8800", "Roeselare", "nl"), ("3800", "Sint-Truiden", "nl"), ("2200", "Herentals", "nl"),
         ("9200", "Dendermonde", "nl"), ("8400", "Oostende", "nl"), ("3600", "Genk", "nl"),
         ("1000", "Bruxelles", "fr"), ("1050", "Ixelles", "fr"), ("4000", "Liège", "fr"),
         ("5000", "Namur", "fr"), ("7000", "Mons", "fr"), ("1300", "Wavre", "fr"),
         ("6000", "Charleroi", "fr"), ("7500", "Tournai", "fr"), ("6700", "Arlon", "fr"),
         ("1400", "Nivelles", "fr"), ("4800", "Verviers", "fr"), ("5100", "Jambes", "fr"))
#: Legal forms and how else people write them.
FORMS = {"BV": ("B.V.", "bv", "bvba", "BVBA", "b.v.", "Besloten Vennootschap"),
         "NV": ("nv.", "N.V.", "nv", "n.v.", "Naamloze Vennootschap", "SA"),
         "SRL": ("srl", "S.R.L.", "sprl", "SPRL", "BV"),
         "SA": ("S.A.", "sa", "NV", "Société Anonyme"),
         "VOF": ("vof", "V.O.F.", "snc"), "CommV": ("Comm.V", "comm.v", "GCV", "scs"),
         "VZW": ("vzw", "v.z.w.", "asbl", "ASBL")}
#: Streets (Dutch, French) and how else people write them.
STREETS_NL = ("Kerkstraat", "Stationsstraat", "Molenstraat", "Schoolstraat", "Dorpsstraat",
              "Nieuwstraat", "Kapelstraat", "Veldstraat", "Beekstraat", "Kouter", "Lindelaan",
              "Populierenlaan", "Industrieweg", "Grote Markt", "Brugsesteenweg",
              "Gentsesteenweg", "Nieuwpoortsesteenweg", "Meersstraat", "Hoogstraat", "Vaart")
STREETS_FR = ("Rue de la Station", "Rue de l'Église", "Chaussée de Bruxelles", "Avenue Louise",
              "Rue du Moulin", "Place communale", "Rue Haute", "Rue des Écoles",
              "Boulevard du Nord", "Rue de Namur", "Chaussée de Louvain", "Rue du Marché")
_ABBREVIATIONS = (("straat", "str."), ("steenweg", "stwg."), ("laan", "ln."),
                  ("Chaussée", "Chée"), ("Avenue", "Av."), ("Boulevard", "Bd"),
                  ("Rue", "R."), ("Place", "Pl."))
#: Belgian zones (trunk 0 + zone, then the subscriber number) and mobile prefixes.
_ZONES = ("2", "3", "4", "9", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59",
          "10", "11", "12", "13", "14", "15", "16", "19", "60", "61", "63", "64", "65", "67",
          "69", "71", "80", "81", "82", "83", "84", "85", "86", "87", "89")
_MOBILE = ("470", "471", "472", "473", "474", "475", "476", "477", "478", "479", "484", "485",
           "486", "487", "488", "489", "491", "492", "493", "494", "495", "496", "497", "498")
FREE_MAIL = ("telenet.be", "skynet.be", "gmail.com", "hotmail.com", "proximus.be", "outlook.be")
_KEYS = ("azertyuiop", "qsdfghjklm", "wxcvbn")  # a Belgian keyboard


def be_vat(rng: random.Random) -> str:
    """A valid Belgian enterprise number (10 digits, 0 or 1 first)."""
    base = rng.randrange(2_000_000, 19_999_999)
    return f"{base:08d}{97 - base % 97:02d}"


def _family(rng: random.Random) -> str:
    if rng.random() < 0.15:  # skewed like real names: the first ones recur most
        return rng.choices(FAMILY, _FAMILY_WEIGHTS)[0]
    return rng.choice(_HEAD) + rng.choice(_MID) + rng.choice(_TAIL)


_FAMILY_WEIGHTS = [1 / (k + 1) ** 0.5 for k in range(len(FAMILY))]


def towns_for(n: int) -> list[tuple[str, str, str]]:
    """The towns of a list of ``n`` customers: the real ones above, and beyond about 100
    customers per town more (numbered) ones - Belgium has some 1,150 postcodes."""
    extra = max(0, n // 100 - len(TOWNS))
    return list(TOWNS) + [(f"{1100 + k:04d}", f"Gemeente {k}", "fr" if k % 3 == 0 else "nl")
                          for k in range(extra)]


def _slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _Maker:
    def __init__(self, rng: random.Random, towns: list[tuple[str, str, str]]) -> None:
        self.rng, self.towns = rng, towns
        self.vats: set[str] = set()
        self.emails: set[str] = set()
        self.number = 0

    def vat(self) -> str:
        v = be_vat(self.rng)
        while v in self.vats:
            v = be_vat(self.rng)
        self.vats.add(v)
        return v

    def ext(self, prefix: str = "K") -> str:
        self.number += 1
        return f"{prefix}{self.number:05d}"

    def email(self, local: str, domain: str) -> str:
        address, n = f"{local}@{domain}", 1
        while address in self.emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.emails.add(address)
        return address

    def street(self, lang: str) -> str:
        rng = self.rng
        name = rng.choice(STREETS_FR if lang == "fr" else STREETS_NL)
        number = str(rng.randint(1, 250)) + (rng.choice(("", "", "", "A", " bus 2", " bus 3"))
                                             if lang == "nl" else "")
        return f"{name} {number}" if lang == "nl" or rng.random() < 0.7 else \
            f"{number}, {name.lower() if rng.random() < 0.5 else name}"

    def phone(self, mobile: bool) -> str:
        rng = self.rng
        if mobile:
            return f"0{rng.choice(_MOBILE)} {rng.randint(10, 99)} {rng.randint(10, 99)} " \
                   f"{rng.randint(10, 99)}"
        zone = rng.choice(_ZONES)
        digits = f"{rng.randrange(10 ** (8 - len(zone))):0{8 - len(zone)}d}"
        return f"0{zone} {digits[:-4]} {digits[-4:-2]} {digits[-2:]}"

    def customer(self, town: tuple[str, str, str] | None = None, family: str | None = None,
                 trade: str | None = None, company: bool | None = None) -> dict[str, Any]:
        rng = self.rng
        zip_code, city, lang = town or rng.choice(self.towns)
        family = family or _family(rng)
        first = rng.choice(FIRST_FR if lang == "fr" else FIRST_NL)
        company = (rng.random() < 0.7) if company is None else company
        row: dict[str, Any] = {"first_name": first, "last_name": family,
                               "address_zip": zip_code, "address_city": city,
                               "address_country": "BE", "external_id": self.ext()}
        self.contact(row, lang)
        if company:
            trade = trade or rng.choice(TRADES_FR if lang == "fr" else TRADES_NL)
            form = rng.choice(("SRL", "SA") if lang == "fr" else ("BV", "NV", "BV", "VOF",
                                                                  "CommV", "VZW"))
            row["title"] = f"{trade} {family} {form}"
            row["company_type"] = form
            if rng.random() < 0.85:
                row["vat_id"], row["vat_country_code"] = self.vat(), "BE"
            row["email"] = self.email(rng.choice(("info", "contact", "administratie",
                                                  "facturatie" if lang == "nl" else
                                                  "factures")), f"{_slug(trade + family)}.be")
        else:
            row["title"] = f"{first} {family}"
            row["email"] = self.email(f"{_slug(first)}.{_slug(family)}",
                                      rng.choice(FREE_MAIL))
        return row


    def contact(self, row: dict[str, Any], lang: str) -> None:
        """A street address (on every customer: an invoice names the customer's address), a
        telephone and a GSM number (on many), new ones each call."""
        rng = self.rng
        row["address"] = self.street(lang)
        row["telephone"] = self.phone(False) if rng.random() < 0.6 else None
        row["cellphone"] = self.phone(True) if rng.random() < 0.4 else None


def _street_written(rng: random.Random, street: str) -> str:
    """The same address written otherwise: abbreviated, in capitals, with spaces."""
    for long, short in _ABBREVIATIONS:
        if long in street and rng.random() < 0.6:
            street = street.replace(long, short, 1)
            break
    if rng.random() < 0.2:
        street = street.upper()
    return street + rng.choice(("", "", " "))


def _phone_written(rng: random.Random, phone: str) -> str:
    """The same number written otherwise: +32, 0032, slashes and dots, no spaces."""
    digits = "".join(ch for ch in phone if ch.isdigit())[1:]  # without the trunk 0
    style = rng.randrange(4)
    if style == 0:
        return f"+32 {digits[:-6]} {digits[-6:-4]} {digits[-4:-2]} {digits[-2:]}"
    if style == 1:
        return f"0032{digits}"
    if style == 2:
        return f"0{digits[:-6]}/{digits[-6:-4]}.{digits[-4:-2]}.{digits[-2:]}"
    return f"0{digits}"


def _contact_copied(rng: random.Random, row: dict[str, Any]) -> None:
    """The contact details of a second entry of the same customer: mostly as they were,
    sometimes written otherwise, sometimes left out."""
    if row.get("address"):
        r = rng.random()
        row["address"] = None if r < 0.1 else (_street_written(rng, row["address"]) if r < 0.4
                                               else row["address"])
    for key in ("telephone", "cellphone"):
        if row.get(key):
            r = rng.random()
            row[key] = None if r < 0.2 else (_phone_written(rng, row[key]) if r < 0.6
                                             else row[key])


def _typo(rng: random.Random, text: str, keep_tail: str = "") -> str:
    """One typing mistake in ``text`` (not in ``keep_tail``, the legal form at its end)."""
    head = text[:len(text) - len(keep_tail)] if keep_tail else text
    spots = [i for i, ch in enumerate(head) if ch.isalpha()]
    i = rng.choice(spots)
    ch = head[i]
    op = rng.choice(("neighbour", "drop", "double", "swap", "insert"))
    if op == "neighbour":
        lower = ch.lower()
        row = next((r for r in _KEYS if lower in r), None)
        if row is not None:
            k = row.index(lower)
            new = row[k - 1] if k and (k == len(row) - 1 or rng.random() < 0.5) else row[k + 1]
            new = new.upper() if ch.isupper() else new
            return head[:i] + new + head[i + 1:] + text[len(head):]
        op = "drop"
    if op == "drop":
        return head[:i] + head[i + 1:] + text[len(head):]
    if op == "double":
        return head[:i] + ch + head[i:] + text[len(head):]
    if op == "swap" and i + 1 < len(head) and head[i + 1].isalpha():
        return head[:i] + head[i + 1] + ch + head[i + 2:] + text[len(head):]
    return head[:i] + rng.choice("aeinrst") + head[i:] + text[len(head):]


def _vat_written(rng: random.Random, v: str) -> tuple[Any, str | None]:
    style = rng.randrange(7)
    if style == 0:
        return f"BE {v[:4]}.{v[4:7]}.{v[7:]}", None
    if style == 1:
        return f"{v} BE", None
    if style == 2:
        return f"be{v}", None
    if style == 3:
        return f"{v[:4]}.{v[4:7]}.{v[7:]}", "BE"
    if style == 4:
        return v.lstrip("0"), "BE"
    if style == 5:
        return int(v), "be"
    return f"BE-{v[:4]} {v[4:7]} {v[7:]}", "BE"


def _form_of(row: dict[str, Any]) -> str:
    return str(row.get("company_type") or "")


def _other_form(rng: random.Random, row: dict[str, Any]) -> str:
    title, form = row["title"], _form_of(row)
    if form and title.endswith(" " + form):
        return title[:-len(form)] + rng.choice(FORMS[form])
    return title + " " + rng.choice(("BV", "bvba", "SRL"))


def _copy(rng: random.Random, maker: _Maker, src: dict[str, Any], kind: str,
          towns: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A second row of the customer ``src`` made the way ``kind`` says."""
    row = dict(src)
    row["external_id"] = maker.ext("N")  # its own number (another list, a new entry)
    _contact_copied(rng, row)
    lang = next((t[2] for t in towns if t[1] == src["address_city"]), "nl")
    if rng.random() < 0.3:
        row["title"] = row["title"].upper()
    if kind == "vat_written":
        row["vat_id"], row["vat_country_code"] = _vat_written(rng, src["vat_id"])
        if rng.random() < 0.5:
            row["email"] = maker.email("boekhouding", f"{_slug(src['title'])}.be")
    elif kind == "email_case":
        row["email"] = rng.choice((" ", "", "  ")) + src["email"].upper() + rng.choice((" ", ""))
        row["vat_id"] = row["vat_country_code"] = None
        if rng.random() < 0.5:  # moved since: another town, street and phone
            row["address_zip"], row["address_city"], lang = rng.choice(towns)
            maker.contact(row, lang)
    elif kind == "legal_form":
        row["title"] = _other_form(rng, src)
        row["vat_id"] = row["vat_country_code"] = row["email"] = None
        if rng.random() < 0.3:
            row["address_zip"] = None  # the town alone
    elif kind == "trailing_spaces":
        row["title"] = src["title"] + rng.choice(("  ", " ", "\u00a0"))
        row["email"] = src["email"] + " "
        row["vat_id"] = row["vat_country_code"] = None
    elif kind == "typo":
        row["title"] = _typo(rng, src["title"], _form_of(src) if src.get("company_type")
                             else "")
        row["vat_id"] = row["vat_country_code"] = row["email"] = None
        if rng.random() < 0.3:
            row["address_city"] = None
    elif kind == "same_external_id":
        row["external_id"] = src["external_id"]
        row["title"] = (_other_form(rng, src) if rng.random() < 0.5 else src["title"]) + \
            rng.choice((" & Zonen", " & Fils", ""))
        row["email"] = maker.email("info", f"{_slug(src['title'])}-{rng.randrange(99)}.be")
        row["vat_id"] = row["vat_country_code"] = None
        row["address_zip"], row["address_city"], lang = rng.choice(towns)
        maker.contact(row, lang)
    elif kind == "branch":
        zip_code, city, lang = rng.choice([t for t in towns if t[1] != src["address_city"]])
        row["address_zip"], row["address_city"] = zip_code, city
        maker.contact(row, lang)
        row["title"] = f"{src['title']} - {city}" if rng.random() < 0.5 else src["title"]
        row["email"] = maker.email(_slug(city), f"{_slug(src['title'])}.be")
    else:
        raise ValueError(kind)
    return row


def _near_miss(rng: random.Random, maker: _Maker, src: dict[str, Any], kind: str,
               towns: list[tuple[str, str, str]], bookkeeper: str) -> dict[str, Any]:
    """Another customer that looks like ``src`` the way ``kind`` says (``src`` may change)."""
    town = (src["address_zip"], src["address_city"],
            next((t[2] for t in towns if t[1] == src["address_city"]), "nl"))
    lang = town[2]
    trades = TRADES_FR if lang == "fr" else TRADES_NL
    if kind == "nm_family_other_trade":
        trade = src["title"].split(" ")[0]
        row = maker.customer(town, family=src["last_name"], company=True,
                             trade=rng.choice([t for t in trades if t != trade]))
        row["vat_id"] = row["vat_country_code"] = src["vat_id"] = src["vat_country_code"] = None
        return row
    if kind == "nm_trade_other_family":
        trade = src["title"].split(" ")[0]
        while True:
            family = _family(rng)
            if family != src["last_name"]:
                break
        row = maker.customer(town, family=family, trade=trade, company=True)
        row["vat_id"] = row["vat_country_code"] = src["vat_id"] = src["vat_country_code"] = None
        return row
    if kind == "nm_other_city":
        other = rng.choice([t for t in towns if t[1] != src["address_city"]])
        row = maker.customer(other, company=True)
        row["title"], row["last_name"] = src["title"], src["last_name"]
        row["vat_id"], row["vat_country_code"] = maker.vat(), "BE"
        return row
    if kind == "nm_shared_email":
        row = maker.customer(company=True)
        row["vat_id"], row["vat_country_code"] = maker.vat(), "BE"
        row["email"] = src["email"] = bookkeeper
        if not src.get("vat_id"):
            src["vat_id"], src["vat_country_code"] = maker.vat(), "BE"
        return row
    if kind == "nm_id_collision":
        other = rng.choice([t for t in towns if t[1] != src["address_city"]])
        row = maker.customer(other)
        row["external_id"] = src["external_id"]
        return row
    raise ValueError(kind)


def planted_list(n: int, seed: int, *, duplicates: dict[str, int], near: dict[str, int],
                 towns: list[tuple[str, str, str]] | None = None
                 ) -> tuple[list[dict[str, Any]], dict[tuple[int, int], str],
                            dict[tuple[int, int], str]]:
    """``n`` rows in shuffled order: (rows, truth pairs -> kind, near-miss pairs -> kind).

    ``duplicates`` / ``near``: how many of each kind (see the module docstring). Pairs are
    (row index, row index), ascending. The rest of the rows are distinct customers.
    """
    rng = random.Random(seed)
    towns = list(towns or towns_for(n))
    maker = _Maker(rng, towns)
    extra = sum(duplicates.values()) + sum(near.values())
    base = [maker.customer() for _ in range(n - extra)]
    companies = [i for i, r in enumerate(base) if r.get("vat_id")]
    firms = [i for i, r in enumerate(base) if r.get("company_type")]
    used: set[int] = set()

    def pick(pool: list[int]) -> int:
        while True:
            i = rng.choice(pool)
            if i not in used:
                used.add(i)
                return i

    bookkeeper = "boekhouding@kantoor-" + _slug(rng.choice(FAMILY)) + ".be"
    made: list[tuple[str, int, dict[str, Any]]] = []
    for kind, count in duplicates.items():
        for _ in range(count):
            pool = companies if kind in ("vat_written", "branch") else (
                firms if kind == "legal_form" else list(range(len(base))))
            src = pick(pool)
            made.append((kind, src, _copy(rng, maker, base[src], kind, towns)))
    for kind, count in near.items():
        for _ in range(count):
            pool = firms if kind in ("nm_family_other_trade", "nm_trade_other_family",
                                     "nm_other_city", "nm_shared_email") else \
                list(range(len(base)))
            src = pick(pool)
            made.append((kind, src, _near_miss(rng, maker, base[src], kind, towns,
                                               bookkeeper)))
    rows = base + [row for _k, _s, row in made]
    order = list(range(len(rows)))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    truth: dict[tuple[int, int], str] = {}
    near_pairs: dict[tuple[int, int], str] = {}
    for k, (kind, src, _row) in enumerate(made):
        a, b = sorted((position[src], position[len(base) + k]))
        (truth if kind in DUPLICATE_KINDS else near_pairs)[(a, b)] = kind
    return [rows[old] for old in order], truth, near_pairs


def group_pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    """Every pair of rows inside a group (what a user reads as "these are one customer")."""
    return {(a, b) for g in groups for a, b in combinations(sorted(g), 2)}


def score(pred: set[tuple[int, int]], truth: dict[tuple[int, int], str],
          near: dict[tuple[int, int], str]) -> dict[str, Any]:
    """Predicted pairs against the truth: precision, recall, per kind."""
    tp = pred & truth.keys()
    out: dict[str, Any] = {
        "predicted_pairs": len(pred), "true_pairs": len(truth), "found": len(tp),
        "precision": round(len(tp) / len(pred), 4) if pred else 1.0,
        "recall": round(len(tp) / len(truth), 4) if truth else 1.0,
        "recall_by_kind": {}, "precision_by_kind": {}, "near_misses_joined": {},
    }
    rows_of: dict[str, set[int]] = {}
    for (a, b), kind in truth.items():
        rows_of.setdefault(kind, set()).update((a, b))
    for kind in DUPLICATE_KINDS:
        pairs = [p for p, k in truth.items() if k == kind]
        if not pairs:
            continue
        found = sum(p in pred for p in pairs)
        touching = [p for p in pred if p[0] in rows_of[kind] or p[1] in rows_of[kind]]
        wrong = sum(1 for p in touching if p not in truth)
        out["recall_by_kind"][kind] = round(found / len(pairs), 4)
        out["precision_by_kind"][kind] = round(found / (found + wrong), 4) if found else 0.0
    for kind in NEAR_MISS_KINDS:
        pairs = [p for p, k in near.items() if k == kind]
        if pairs:
            out["near_misses_joined"][kind] = sum(p in pred for p in pairs)
    out["false_pairs_other"] = len(pred - truth.keys() - near.keys())
    return out
