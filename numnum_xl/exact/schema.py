"""The Exact Online field catalogues: the one place that says which columns exist.

Two schemas, built the way :mod:`numnum_xl.catalogue` is built for NumNum: a tuple of
:class:`ExactField` rows, each with its key, the Dutch header numnum-xl writes (and the import
profile in Exact maps once), French and English labels, a kind (one check per kind), a
description, whether it is required, and the header names users write for it.

``RELATION_FIELDS``
    The relations CSV (``numnum-xl exact relaties``): one row per customer, ``source`` names
    the NumNum field the value comes from.
``ENTRY_FIELDS``
    The sales-entry sheet and CSV (``numnum-xl exact sjabloon``, ``controleer``,
    ``boekingen``): one row per invoice line; ``level`` says whether a column belongs to the
    invoice header (identical on every line of one invoice) or to the line.

``exact`` names the Exact Online field the column is meant for (the import wizard's field, as
the help page for importing "Verkoopboekingen" names it; for relations the REST API's property
of ``crm/Accounts``). The template, header recognition, the checks, the messages' labels, the
CSV headers and the README all derive from these tuples.

>>> [f.header for f in ENTRY_FIELDS][:4]
['Factuurdatum', 'Omschrijving kopregel', 'Relatiecode', 'Boekstuknummer']
>>> [f.key for f in ENTRY_FIELDS if f.level == "header"]
['entry_date', 'header_description', 'relation_code', 'entry_number', 'year', 'period', 'journal']
>>> [f.header for f in RELATION_FIELDS]  # doctest: +NORMALIZE_WHITESPACE
['Relatiecode', 'Naam', 'Adres', 'Postcode', 'Plaats', 'Land', 'Btw-nummer', 'E-mail',
 'Telefoon', 'IBAN']
>>> ENTRY_BY_KEY["amount"].label("fr")
'Montant hors TVA'
>>> entry_aliases()["factuurnummer"]
'entry_number'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from numnum_xl.catalogue import Field
from numnum_xl.mapping import normalise

#: Kinds of Exact column; each kind has one check in :mod:`numnum_xl.exact.entries`.
KINDS = ("date", "text", "code", "entry_number", "year", "period", "account", "amount",
         "vat_code", "journal", "name", "country", "vat", "email", "phone", "iban",
         "address", "postcode", "city")

#: Exact's relation code: a numeric string of at most this many digits (the API pads it with
#: leading spaces to 18 characters).
CODE_MAX_DIGITS = 18
#: Exact's entry number (Boekstuknummer) is a 32-bit integer in its API.
ENTRY_NUMBER_MAX = 2_147_483_647
#: A common sales journal code in Exact Online (the template's example).
DEFAULT_SALES_JOURNAL = "70"


@dataclass(frozen=True)
class ExactField:
    """One column of an Exact Online import file."""

    key: str
    header: str  #: the Dutch header numnum-xl writes; the import profile maps it once
    label_fr: str
    label_en: str
    kind: str
    description_nl: str
    description_fr: str
    description_en: str
    exact: str  #: the Exact Online field the column is meant for
    required: bool = False
    level: str = "line"  #: "header" (the same on every line of one invoice) or "line"
    source: str | None = None  #: relations: the NumNum field the value comes from
    text_format: bool = False  #: the template formats the column as text (codes)
    synonyms: tuple[str, ...] = field(default_factory=tuple)
    example: str = ""
    width: int = 14

    def label(self, lang: str = "nl") -> str:
        """The column's label in ``lang`` (nl is the header itself)."""
        return {"nl": self.header, "fr": self.label_fr, "en": self.label_en}.get(
            lang, self.header)

    def description(self, lang: str = "nl") -> str:
        """The one-line description in ``lang``."""
        return {"nl": self.description_nl, "fr": self.description_fr,
                "en": self.description_en}.get(lang, self.description_nl)

    def template_field(self) -> Field:
        """This column as a NumNum catalogue field, for :func:`template.apply_template_formats`
        (whole numbers get a "whole number ≥ 0" validation, codes the text format)."""
        kind = "integer" if self.kind in ("entry_number", "year", "period") else "text"
        return Field(self.key, self.header, self.label_fr, self.label_en, kind,
                     self.description_nl, self.description_fr, self.description_en,
                     required=self.required, text_format=self.text_format, width=self.width)


def _x(key, header, fr, en, kind, d_nl, d_fr, d_en, exact, **kw) -> ExactField:
    return ExactField(key, header, fr, en, kind, d_nl, d_fr, d_en, exact, **kw)


# --- relations ("Relaties") ------------------------------------------------------------------

RELATION_FIELDS: tuple[ExactField, ...] = (
    _x("code", "Relatiecode", "Code relation", "Relation code", "code",
       "Debiteurnummer in Exact: alleen cijfers, hoogstens 18; uit Extern ID of toegekend",
       "Numéro de débiteur dans Exact : chiffres uniquement, 18 au plus",
       "Debtor number in Exact: digits only, at most 18", "Code", required=True,
       synonyms=("Code", "Debiteurnummer", "Debiteurnr", "Debiteur", "Klantcode",
                 "Klantnummer", "Relatienummer", "Relatienr", "Code client",
                 "Customer code", "Account code"), example="934", width=12),
    _x("name", "Naam", "Nom", "Name", "name",
       "Naam van de relatie (NumNum: Titel)", "Nom de la relation (NumNum : Titre)",
       "Name of the relation (NumNum: Title)", "Name", required=True, source="title",
       width=30),
    _x("address", "Adres", "Adresse", "Address", "address",
       "Straat en nummer", "Rue et numéro", "Street and number", "AddressLine1",
       source="address", width=28),
    _x("postcode", "Postcode", "Code postal", "Postcode", "postcode",
       "Postcode", "Code postal", "Postcode", "Postcode", source="address_zip", width=9),
    _x("city", "Plaats", "Localité", "City", "city",
       "Plaats", "Localité", "City", "City", source="address_city", width=16),
    _x("country", "Land", "Pays", "Country", "country",
       "Landcode (ISO 3166-1 alpha-2, bv. BE)", "Code pays (ISO 3166-1 alpha-2)",
       "Country code (ISO 3166-1 alpha-2)", "Country", source="address_country", width=6),
    _x("vat_number", "Btw-nummer", "Numéro de TVA", "VAT number", "vat",
       "Btw-nummer met landcode, zonder punten of spaties (bv. BE0403019261)",
       "Numéro de TVA avec code pays, sans points ni espaces (p.ex. BE0403019261)",
       "VAT number with country prefix, no dots or spaces (e.g. BE0403019261)",
       "VATNumber", source="vat_id", width=16),
    _x("email", "E-mail", "E-mail", "Email", "email",
       "E-mailadres", "Adresse e-mail", "Email address", "Email", source="email", width=28),
    _x("phone", "Telefoon", "Téléphone", "Phone", "phone",
       "Telefoonnummer (anders het GSM-nummer)", "Téléphone (sinon le GSM)",
       "Phone (else the mobile number)", "Phone", source="telephone", width=16),
    _x("iban", "IBAN", "IBAN", "IBAN", "iban",
       "IBAN zonder spaties", "IBAN sans espaces", "IBAN without spaces",
       "BankAccounts (IBAN)", source="iban", width=22),
)

# --- sales entries ("Verkoopboekingen") ------------------------------------------------------

ENTRY_FIELDS: tuple[ExactField, ...] = (
    _x("entry_date", "Factuurdatum", "Date de facture", "Invoice date", "date",
       "Datum van de factuur (bv. 02-01-2024)", "Date de la facture (p.ex. 02-01-2024)",
       "Date of the invoice (e.g. 02-01-2024)", "Datum", required=True, level="header",
       synonyms=("Datum", "Boekdatum", "Factuur datum", "Invoice date", "Date", "Date facture",
                 "EntryDate"), example="02-01-2024", width=12),
    _x("header_description", "Omschrijving kopregel", "Description de l'en-tête",
       "Header description", "text",
       "Omschrijving van de factuur (bv. Factuur 202400005)",
       "Description de la facture (p.ex. Facture 202400005)",
       "Description of the invoice (e.g. Invoice 202400005)", "Omschrijving: Kopregel",
       required=True, level="header",
       synonyms=("Omschrijving kop", "Kopregel", "Factuuromschrijving",
                 "Omschrijving factuur", "Description facture", "Invoice description"),
       example="Factuur 202400005", width=26),
    _x("relation_code", "Relatiecode", "Code relation", "Relation code", "code",
       "Debiteurnummer van de klant in Exact (bv. 934)",
       "Numéro de débiteur du client dans Exact (p.ex. 934)",
       "The customer's debtor number in Exact (e.g. 934)", "Relatiecode", required=True,
       level="header", text_format=True,
       synonyms=("Debiteurnummer", "Debiteurnr", "Debiteur", "Klantcode", "Klantnummer",
                 "Relatienummer", "Code client", "Customer code", "Code"),
       example="934", width=12),
    _x("entry_number", "Boekstuknummer", "Numéro de pièce", "Entry number", "entry_number",
       "Factuurnummer zonder tekst (bv. 202400005)",
       "Numéro de facture sans texte (p.ex. 202400005)",
       "Invoice number without text (e.g. 202400005)", "Boekstuknummer", required=True,
       level="header",
       synonyms=("Factuurnummer", "Factuurnr", "Factuur nr", "Stuknummer", "Numéro de facture",
                 "Invoice number", "EntryNumber"), example="202400005", width=14),
    _x("year", "Boekjaar", "Exercice", "Financial year", "year",
       "Boekjaar (bv. 2024)", "Exercice comptable (p.ex. 2024)",
       "Financial year (e.g. 2024)", "Boekjaar", required=True, level="header",
       synonyms=("Jaar", "Année", "Year", "ReportingYear"), example="2024", width=9),
    _x("period", "Periode", "Période", "Period", "period",
       "Boekperiode: de maand van de factuurdatum (1-12)",
       "Période comptable : le mois de la date de facture (1-12)",
       "Reporting period: the month of the invoice date (1-12)", "Periode", required=True,
       level="header", synonyms=("Boekperiode", "Période", "Period", "ReportingPeriod"),
       example="1", width=8),
    _x("account", "Grootboekrekening", "Compte général", "G/L account", "account",
       "Omzetrekening van de regel (bv. 700000)", "Compte de produits de la ligne (p.ex. "
       "700000)", "Revenue account of the line (e.g. 700000)", "Grootboekrekening",
       required=True, text_format=True,
       synonyms=("Grootboek", "GB-rekening", "Rekening", "Omzetrekening", "Compte",
                 "GL account", "GLAccount"), example="700000", width=12),
    _x("description", "Omschrijving", "Description", "Description", "text",
       "Omschrijving van de regel", "Description de la ligne", "Description of the line",
       "Omschrijving", required=True,
       synonyms=("Regelomschrijving", "Omschrijving regel", "Line description"),
       example="Rijles 60 min - Pakket D", width=30),
    _x("amount", "Bedrag excl. btw", "Montant hors TVA", "Amount excl. VAT", "amount",
       "Bedrag van de regel zonder btw (bv. 870,00)",
       "Montant de la ligne hors TVA (p.ex. 870,00)",
       "Line amount excluding VAT (e.g. 870,00)", "Bedrag", required=True,
       synonyms=("Bedrag", "Bedrag ex. BTW", "Bedrag ex btw", "Bedrag exclusief btw",
                 "Netto bedrag", "Montant HTVA", "Montant", "Amount", "Net amount"),
       example="870,00", width=14),
    _x("vat_code", "BTW-code", "Code TVA", "VAT code", "vat_code",
       "Btw-code in Exact (bv. 2)", "Code TVA dans Exact (p.ex. 2)",
       "VAT code in Exact (e.g. 2)", "BTW-code", required=True, text_format=True,
       synonyms=("Btw code", "BTW", "Code TVA", "VAT code", "VATCode"), example="2",
       width=9),
    _x("journal", "Dagboek", "Journal", "Journal", "journal",
       "Verkoopdagboek (bv. 70); leeg: het dagboek dat je bij de import kiest",
       "Journal de ventes (p.ex. 70) ; vide : celui choisi à l'import",
       "Sales journal (e.g. 70); empty: the one chosen when importing", "Dagboek",
       level="header", text_format=True, synonyms=("Journal", "Dagboekcode"),
       example=DEFAULT_SALES_JOURNAL, width=9),
)

RELATION_BY_KEY: dict[str, ExactField] = {f.key: f for f in RELATION_FIELDS}
ENTRY_BY_KEY: dict[str, ExactField] = {f.key: f for f in ENTRY_FIELDS}
ENTRY_HEADER_KEYS: tuple[str, ...] = tuple(f.key for f in ENTRY_FIELDS if f.level == "header")

assert all(f.kind in KINDS for f in (*RELATION_FIELDS, *ENTRY_FIELDS))


def _index(fields: tuple[ExactField, ...]) -> dict[str, str]:
    """Normalised header -> key for every header, label, key and synonym of ``fields``.

    Raises ValueError when the schema gives one name to two fields.
    """
    index: dict[str, str] = {}
    for f in fields:
        for name in (f.key, f.header, f.label_fr, f.label_en, *f.synonyms):
            norm = normalise(name)
            if index.get(norm, f.key) != f.key:
                raise ValueError(f"{name!r} names both {index[norm]} and {f.key}")
            index[norm] = f.key
    return index


@lru_cache(maxsize=1)
def entry_aliases() -> dict[str, str]:
    """Normalised header -> entry field key (see :func:`numnum_xl.mapping.normalise`)."""
    return _index(ENTRY_FIELDS)


#: Header names of a column holding relation codes, in a relations file or an Exact export.
CODE_HEADERS: tuple[str, ...] = (RELATION_BY_KEY["code"].header, RELATION_BY_KEY["code"].label_fr,
                                 RELATION_BY_KEY["code"].label_en,
                                 *RELATION_BY_KEY["code"].synonyms)
