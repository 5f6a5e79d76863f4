"""Synthetic Belgian customers for the bundled example, the tests and the benchmarks.

Deterministic for a given seed. Every VAT number, IBAN and BIC it makes is valid (python-stdnum
computes the check digits) unless a fault is planted on purpose; ``planted`` lists each fault
with its row and field so tests and benchmarks can compare against the truth.

>>> rows, planted = customers(50, seed=1, fault_rate=0.2)
>>> len(rows), rows[0]["vat_country_code"]
(50, 'BE')
>>> from stdnum.be import vat
>>> all(vat.is_valid(r["vat_id"]) for i, r in enumerate(rows)
...     if r["vat_id"] and not any(p.index == i and p.field == "vat_id" for p in planted))
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import phonenumbers
from stdnum import iban as std_iban
from stdnum.be import iban as be_iban

from numnum_xl.catalogue import KEYS

STREETS = ("Kerkstraat", "Stationsstraat", "Dorpsstraat", "Nieuwstraat", "Molenstraat",
           "Schoolstraat", "Industrielaan", "Rue de l'Église", "Rue de la Station",
           "Chaussée de Bruxelles", "Avenue Louise", "Grote Markt", "Veldstraat", "Kouter")
CITIES = (("9000", "Gent"), ("2000", "Antwerpen"), ("1000", "Bruxelles"), ("3000", "Leuven"),
          ("8000", "Brugge"), ("3500", "Hasselt"), ("2800", "Mechelen"), ("9300", "Aalst"),
          ("4000", "Liège"), ("5000", "Namur"), ("7000", "Mons"), ("8500", "Kortrijk"),
          ("1300", "Wavre"), ("6000", "Charleroi"), ("9100", "Sint-Niklaas"))
TRADES = ("Bakkerij", "Slagerij", "Schrijnwerkerij", "Loodgieter", "Elektro", "Garage",
          "Kapsalon", "Brasserie", "Drukkerij", "Bouwbedrijf", "Tuinaanleg", "Apotheek",
          "Boekhandel", "Fietsen", "Architectenbureau", "Boulangerie", "Menuiserie",
          "Transport", "Schilderwerken", "Dakwerken", "Consultancy", "Tech Solutions")
LAST = ("Janssens", "Peeters", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Leroy", "Vermeulen",
        "Van den Broeck", "De Vries", "Hermans", "Michiels", "Desmet", "Lemmens", "Segers")
FIRST = ("Pieter", "Marie", "Jan", "Sofie", "Luc", "Nathalie", "Tom", "Els", "Kevin", "Julie",
         "Bart", "Sarah", "Pierre", "Camille", "Wim", "Lotte", "Thomas", "Emma", "Koen", "An")
FORMS = ("BV", "NV", "BV", "BV", "VZW", "CommV", "CV", "Eenmanszaak", "BVBA", "NV")
BANKS = ("001", "068", "363", "735", "310", "096", "083", "143")

#: Faults the generator can plant: (field, what it does to the value).
FAULTS = ("vat_checksum", "vat_written", "country_name", "missing_title", "missing_last_name",
          "bad_email", "bad_phone", "bad_iban", "bad_legal_form", "bad_zip", "bad_language",
          "bad_yesno", "bad_rate", "negative_term")


@dataclass(frozen=True)
class Planted:
    """A fault planted on purpose: data row index (0-based), field, kind."""

    index: int
    field: str
    kind: str


def be_vat(rng: random.Random) -> str:
    """A valid Belgian enterprise number (10 digits, starts with 0)."""
    base = rng.randrange(2_000_000, 9_999_999)  # 0 + 7 digits = the 8-digit base
    return f"0{base:07d}{97 - base % 97:02d}"


def landline(rng: random.Random) -> str:
    """A Belgian landline number that phonenumbers accepts as valid."""
    while True:
        zone = rng.choice(["9", "3", "2", "50", "16", "11", "56"])
        rest = 8 - len(zone)
        digits = f"{rng.randrange(2 * 10 ** (rest - 1), 10 ** rest)}"
        number = f"+32 {zone} {digits[:-4]} {digits[-4:-2]} {digits[-2:]}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def be_account(rng: random.Random) -> str:
    """A valid Belgian IBAN whose bank python-stdnum knows."""
    while True:
        body = rng.choice(BANKS) + f"{rng.randrange(10**7):07d}"
        check = int(body) % 97 or 97
        bban = f"{body}{check:02d}"
        number = "BE" + std_iban.calc_check_digits("BE00" + bban) + bban
        if std_iban.is_valid(number) and be_iban.to_bic(number):
            return number


def customer(rng: random.Random, n: int) -> dict[str, Any]:
    """One plausible, valid Belgian customer (a company or, sometimes, a private person)."""
    zip_code, city = rng.choice(CITIES)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.random() < 0.8
    form = rng.choice(FORMS) if company else None
    title = f"{rng.choice(TRADES)} {last} {form}" if company else f"{first} {last}"
    account = be_account(rng) if rng.random() < 0.7 else None
    domain = "".join(ch for ch in title.lower() if ch.isalnum())[:20] + ".be"
    row: dict[str, Any] = dict.fromkeys(KEYS)
    row.update({
        "title": title, "company_type": form, "last_name": last, "first_name": first,
        "vat_id": be_vat(rng) if company else None, "vat_country_code": "BE" if company else None,
        "address": f"{rng.choice(STREETS)} {rng.randrange(1, 250)}", "address_zip": zip_code,
        "address_city": city, "address_country": "BE",
        "email": f"info@{domain}" if company
        else f"{first}.{last}@mail.be".lower().replace(" ", ""),
        "telephone": landline(rng),
        "cellphone": f"+32 47{rng.randrange(0, 9)} {rng.randrange(10, 99)} "
                     f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}"
                     if rng.random() < 0.5 else None,
        "website": f"www.{domain}" if company and rng.random() < 0.5 else None,
        "iban_country_code": "BE" if account else None, "iban": account,
        "bic": be_iban.to_bic(account) if account else None,
        "doc_language": "fr" if city in ("Bruxelles", "Liège", "Namur", "Mons", "Wavre",
                                         "Charleroi") else "nl",
        "vat_percentage": "21", "vat_shifted": "nee", "payment_term": rng.choice([14, 30, 30, 60]),
        "auto_reminder": rng.choice(["ja", "nee"]),
        "contactperson_first_name": first if company else None,
        "contactperson_last_name": last if company else None,
        "external_id": f"K{n:06d}",
    })
    if company and rng.random() < 0.3:
        row["peppol_scheme_id"], row["peppol_endpoint_id"] = "0208", row["vat_id"]
    return row


def plant(rng: random.Random, row: dict[str, Any], kind: str) -> str:
    """Spoil ``row`` with fault ``kind``; returns the field spoiled."""
    if kind == "vat_checksum":
        v = row["vat_id"] or be_vat(rng)
        row["vat_id"], row["vat_country_code"] = v[:-1] + str((int(v[-1]) + 1) % 10), "BE"
        return "vat_id"
    if kind == "vat_written":
        v = row["vat_id"] or be_vat(rng)
        row["vat_id"], row["vat_country_code"] = f"BE {v[:4]}.{v[4:7]}.{v[7:]}", "BE"
        return "vat_id"
    spoil = {
        "country_name": ("address_country", "België"), "missing_title": ("title", None),
        "missing_last_name": ("last_name", "  "), "bad_email": ("email", "info(at)firma.be"),
        "bad_phone": ("telephone", "bel na 17u"), "bad_legal_form": ("company_type", "BVBAA"),
        "bad_zip": ("address_zip", "90000"), "bad_language": ("doc_language", "Nederlands"),
        "bad_yesno": ("auto_reminder", "misschien"), "bad_rate": ("vat_percentage", "20"),
        "negative_term": ("payment_term", -30),
    }
    if kind == "bad_iban":
        account = row["iban"] or be_account(rng)
        row["iban"] = account[:-1] + str((int(account[-1]) + 1) % 10)
        row["iban_country_code"] = "BE"
        return "iban"
    key, value = spoil[kind]
    row[key] = value
    return key


def customers(n: int, seed: int = 0, fault_rate: float = 0.05
              ) -> tuple[list[dict[str, Any]], list[Planted]]:
    """``n`` customers, a share ``fault_rate`` of them with one planted fault each."""
    rng = random.Random(seed)
    rows, planted = [], []
    for i in range(n):
        row = customer(rng, i + 1)
        if rng.random() < fault_rate:
            kind = rng.choice(FAULTS)
            planted.append(Planted(i, plant(rng, row, kind), kind))
        rows.append(row)
    return rows, planted


def write_xlsx(path: str, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` as a NumNum sample-file sheet (header = field keys), fast."""
    from openpyxl import Workbook

    from numnum_xl.catalogue import FIELDS
    from numnum_xl.cells import column_letter
    from numnum_xl.textfit import column_width_for

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Klanten")
    for n, f in enumerate(FIELDS, start=1):  # wide enough to read the header
        ws.column_dimensions[column_letter(n)].width = max(f.width, column_width_for([f.key]))
    ws.freeze_panes = "A2"
    ws.append(list(KEYS))
    for row in rows:
        ws.append([row.get(k) for k in KEYS])
    wb.save(path)


def example() -> tuple[list[dict[str, Any]], list[Planted]]:
    """The bundled example ``examples/klanten.xlsx``: twenty Belgian customers, NumNum's own
    three sample rows among them, and the faults bookkeepers really make (each listed)."""
    rng = random.Random(2026)
    rows = [customer(rng, n) for n in range(1, 21)]
    for row in rows:
        row["peppol_scheme_id"] = row["peppol_endpoint_id"] = None
    planted: list[Planted] = []

    def spoil(i: int, key: str, value: Any, kind: str) -> None:
        rows[i][key] = value
        planted.append(Planted(i, key, kind))

    # NumNum's help page sample rows, as printed there (their VAT numbers are made up)
    rows[0].update(title="Bakkerij Janssen BV", company_type="BV", last_name="Janssen",
                   first_name="Pieter", vat_country_code="BE", address="Kerkstraat 12",
                   address_zip="9000", address_city="Gent", address_country="BE",
                   email="info@bakkerijjanssen.be", telephone="+32 9 223 45 67")
    spoil(0, "vat_id", "0123456789", "vat_checksum")
    rows[1] = {**dict.fromkeys(KEYS), "title": "Marie Dupont", "last_name": "Dupont",
               "first_name": "Marie", "address": "Rue de l’Église 5", "address_zip": "1000",
               "address_city": "Bruxelles", "address_country": "BE",
               "email": "marie@email.be", "telephone": "+32 2 587 65 43", "doc_language": "fr",
               "external_id": "K000002"}
    rows[2].update(title="Tech Solutions NV", company_type="NV", last_name="De Vries",
                   first_name="Jan", vat_country_code="BE", address="Industrielaan 100",
                   address_zip="2000", address_city="Antwerpen", address_country="BE",
                   email="contact@techsolutions.be", telephone="+32 3 456 78 90")
    spoil(2, "vat_id", "9876543210", "vat_be_first_digit")
    v = rows[3]["vat_id"] = be_vat(rng)
    rows[3]["vat_country_code"] = "BE"
    spoil(3, "vat_id", f"BE {v[:4]}.{v[4:7]}.{v[7:]}", "vat_written")
    spoil(4, "address_country", "België", "country_name")
    spoil(5, "email", "info@garage-peeters,be", "bad_email")
    v = "0" + be_vat(rng)[1:]
    rows[6]["vat_country_code"] = "BE"
    spoil(6, "vat_id", int(v), "leading_zero_lost")
    spoil(7, "last_name", None, "missing_last_name")
    account = rows[8]["iban"] or be_account(rng)
    rows[8]["iban_country_code"], rows[8]["bic"] = "BE", be_iban.to_bic(account)
    spoil(8, "iban", account[:-2] + account[-1] + account[-2], "bad_iban")
    spoil(9, "doc_language", "Frans", "bad_language")
    spoil(10, "address_zip", "B-2000", "zip_written")
    spoil(11, "payment_term", "30 dagen", "bad_term")
    spoil(12, "auto_reminder", "Ja", "yesno_case")
    spoil(13, "external_id", rows[14]["external_id"], "duplicate_external_id")
    spoil(15, "company_type", "SPRL", "bad_legal_form")
    rows[16]["peppol_scheme_id"] = "0208"
    spoil(16, "peppol_endpoint_id", be_vat(rng), "peppol_differs")
    return rows, planted


def _main(argv: list[str] | None = None) -> None:
    import sys

    out = (argv or sys.argv[1:] or ["examples/klanten.xlsx"])[0]
    write_xlsx(out, example()[0])
    print(out)


if __name__ == "__main__":
    _main()
