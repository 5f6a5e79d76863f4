"""The NumNum field catalogue: the one place that says which columns exist.

Every other part of numnum-xl derives from this data: the template workbook, header
recognition, the validation rules, the messages, the API payload and the docs. The fields and
their order follow NumNum's import help page (the table of "data kolommen"); the Dutch labels
are NumNum's own.

>>> FIELDS[0].key, FIELDS[0].label_nl, FIELDS[0].required
('title', 'Titel', True)
>>> [f.key for f in FIELDS if f.required]
['title', 'last_name']
>>> FIELD_BY_KEY["vat_percentage"].allowed
('0', '6', '12', '21')
>>> len(FIELDS)
32
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Kinds of field; each kind has one rule function in :mod:`numnum_xl.rules`.
KINDS = (
    "text", "legal_form", "vat", "country", "zip", "email", "phone", "url", "iban", "bic",
    "language", "vat_rate", "yesno", "integer", "number", "scheme", "scheme_id", "external_id",
)


@dataclass(frozen=True)
class Field:
    """One column of NumNum's customer import."""

    key: str
    label_nl: str
    label_fr: str
    label_en: str
    kind: str
    description_nl: str
    description_fr: str
    description_en: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    #: identifier columns are text, never numbers: Excel must keep leading zeros
    text_format: bool = False
    #: extra header names users write for this column (matched after normalisation)
    synonyms: tuple[str, ...] = field(default_factory=tuple)
    width: int = 14

    def label(self, lang: str = "nl") -> str:
        """The column's label in ``lang`` (nl, fr or en)."""
        return {"nl": self.label_nl, "fr": self.label_fr, "en": self.label_en}[lang]

    def description(self, lang: str = "nl") -> str:
        """The one-line description in ``lang`` (nl, fr or en)."""
        return {"nl": self.description_nl, "fr": self.description_fr,
                "en": self.description_en}[lang]


YES_NO = ("ja", "nee", "yes", "no")
LANGUAGES = ("nl", "fr", "en", "de")
VAT_RATES = ("0", "6", "12", "21")


@dataclass(frozen=True)
class LegalForm:
    """A legal form the sheet's ``company_type`` column may hold.

    ``code`` is how it is written in the sheet, ``api_type`` the value of the API's ``type``
    field (NumNum's webhook list), ``seed`` whether NumNum's import help page lists it.
    """

    code: str
    name: str
    api_type: str
    seed: bool = False


#: The import page's list first (seed), then the forms NumNum's API knows (contract.md).
LEGAL_FORMS: tuple[LegalForm, ...] = (
    LegalForm("BV", "Besloten Vennootschap", "bv", True),
    LegalForm("NV", "Naamloze Vennootschap", "nv", True),
    LegalForm("VOF", "Vennootschap Onder Firma", "vof", True),
    LegalForm("CommV", "Commanditaire Vennootschap", "comm.v", True),
    LegalForm("CV", "Coöperatieve Vennootschap", "sc", True),
    LegalForm("VZW", "Vereniging Zonder Winstoogmerk", "vzw", True),
    LegalForm("Stichting", "Stichting", "onbekend", True),
    LegalForm("Eenmanszaak", "Eenmanszaak", "eenmanszaak", True),
    LegalForm("BVBA", "Besloten Vennootschap met Beperkte Aansprakelijkheid", "bvba", True),
    LegalForm("Maatschap", "Maatschap", "onbekend", True),
    LegalForm("onbekend", "Onbekend", "onbekend"),
    LegalForm("sbvba", "Starters-BVBA", "sbvba"),
    LegalForm("ebvba", "Eenpersoons-BVBA", "ebvba"),
    LegalForm("cvba", "Coöperatieve Vennootschap met Beperkte Aansprakelijkheid", "cvba"),
    LegalForm("cvba-vso", "CVBA met sociaal oogmerk", "cvba-vso"),
    LegalForm("cvoa", "Coöperatieve Vennootschap met Onbeperkte Aansprakelijkheid", "cvoa"),
    LegalForm("cvoa-vso", "CVOA met sociaal oogmerk", "cvoa-vso"),
    LegalForm("gcv", "Gewone Commanditaire Vennootschap", "gcv"),
    LegalForm("comm.v", "Commanditaire Vennootschap", "comm.v"),
    LegalForm("comm.va", "Commanditaire Vennootschap op Aandelen", "comm.va"),
    LegalForm("esv", "Economisch Samenwerkingsverband", "esv"),
    LegalForm("lv", "Landbouwvennootschap", "lv"),
    LegalForm("vvzrl", "Vereniging Zonder Rechtspersoonlijkheid", "vvzrl"),
    LegalForm("tv", "Tijdelijke Vennootschap", "tv"),
    LegalForm("natuurlijk-persoon", "Natuurlijk persoon", "natuurlijk-persoon"),
    LegalForm("limited-ltd", "Limited (Ltd)", "limited-ltd"),
    LegalForm("limited-llc", "Limited Liability Company (LLC)", "limited-llc"),
    LegalForm("incorporated", "Incorporated (Inc.)", "incorporated"),
    LegalForm("srl", "Société à Responsabilité Limitée", "srl"),
    LegalForm("scri", "Société Coopérative à Responsabilité Illimitée", "scri"),
    LegalForm("sa", "Société Anonyme", "sa"),
    LegalForm("sas", "Société par Actions Simplifiée", "sas"),
    LegalForm("sarl", "Société à Responsabilité Limitée (FR/LU)", "sarl"),
    LegalForm("sarl-s", "SARL simplifiée", "sarl-s"),
    LegalForm("gmbh", "Gesellschaft mit beschränkter Haftung", "gmbh"),
    LegalForm("ag", "Aktiengesellschaft", "ag"),
    LegalForm("spa", "Società per Azioni", "spa"),
    LegalForm("doo", "Društvo s ograničenom odgovornošću", "doo"),
    LegalForm("sl", "Sociedad Limitada", "sl"),
    LegalForm("sc", "Société Coopérative", "sc"),
    LegalForm("asbl", "Association Sans But Lucratif", "asbl"),
    LegalForm("vme", "Vereniging van Mede-eigenaars", "vme"),
    LegalForm("feitelijke-vereniging", "Feitelijke vereniging", "feitelijke-vereniging"),
)


#: Other ways people write a legal form -> the catalogue code to write instead.
LEGAL_FORM_ALIASES: dict[str, str] = {
    "sprl": "BVBA", "sprlu": "ebvba", "scrl": "cvba", "scrl-fs": "cvba-vso", "scs": "gcv",
    "snc": "VOF", "sca": "comm.va", "commva": "comm.va", "gcv": "gcv", "ltd": "limited-ltd",
    "limited": "limited-ltd", "llc": "limited-llc", "inc": "incorporated",
    "natuurlijk persoon": "natuurlijk-persoon", "particulier": "natuurlijk-persoon",
    "personne physique": "natuurlijk-persoon", "eenmanszaak": "Eenmanszaak",
    "entreprise individuelle": "Eenmanszaak", "vereniging zonder winstoogmerk": "VZW",
    "besloten vennootschap": "BV", "naamloze vennootschap": "NV", "fondation": "Stichting",
    "société simple": "Maatschap", "feitelijke vereniging": "feitelijke-vereniging",
}


#: Forms the 2019 Belgian company code (WVV/CSA) abolished -> what they became, per language
#: (nl, fr, en): the value to write in NumNum. NumNum knows no French code for the CommV.
LEGAL_FORM_SUCCESSORS: dict[str, tuple[str, str, str]] = {
    **dict.fromkeys(("bvba", "sbvba", "ebvba", "sprl", "sprlu", "sprls", "sprl-s"),
                    ("BV", "srl", "BV")),
    **dict.fromkeys(("cvba", "cvoa", "cvba-vso", "cvoa-vso", "scrl", "scri", "scrl-fs"),
                    ("CV", "sc", "CV")),
    **dict.fromkeys(("gcv", "scs"), ("CommV", "CommV", "CommV")),
    **dict.fromkeys(("comm.va", "commva", "sca"), ("NV", "sa", "NV")),
}


@dataclass(frozen=True)
class Scheme:
    """A Peppol / ISO 6523 identification scheme and how its identifiers are checked.

    ``stdnum`` names the python-stdnum module that validates the identifier (``None``: only
    non-empty is checked); ``prefix`` is a country prefix such identifiers carry (9925: ``BE``).
    """

    code: str
    name: str
    stdnum: str | None
    prefix: str = ""


SCHEMES: tuple[Scheme, ...] = (
    Scheme("0208", "Belgisch ondernemingsnummer (KBO/BCE)", "be.vat"),
    Scheme("9925", "Belgisch btw-nummer", "be.vat", "BE"),
    Scheme("0088", "GLN (Global Location Number)", "ean"),
    Scheme("0060", "DUNS-nummer", None),
    Scheme("0106", "Nederlands KvK-nummer", None),
    Scheme("0190", "Nederlands OIN", None),
    Scheme("9944", "Nederlands btw-nummer", "nl.vat", "NL"),
    Scheme("0002", "Frans SIREN-nummer", "fr.siren"),
    Scheme("0009", "Frans SIRET-nummer", "fr.siret"),
    Scheme("9957", "Frans btw-nummer", "fr.tva", "FR"),
    Scheme("9930", "Duits btw-nummer", "de.vat", "DE"),
    Scheme("0204", "Duitse Leitweg-ID", None),
    Scheme("9938", "Luxemburgs btw-nummer", "lu.tva", "LU"),
    Scheme("0184", "Deens CVR-nummer", "dk.cvr"),
    Scheme("0192", "Noors organisatienummer", "no.orgnr"),
    Scheme("0007", "Zweeds organisatienummer", "se.orgnr"),
    Scheme("0037", "Fins OVT-nummer", None),
    Scheme("0211", "Italiaans btw-nummer (partita IVA)", "it.iva"),
    Scheme("9906", "Italiaans btw-nummer", "it.iva", "IT"),
    Scheme("9920", "Spaans btw-nummer", "es.nif", "ES"),
    Scheme("9914", "Oostenrijks btw-nummer", "at.uid", "AT"),
    Scheme("0151", "Australisch ABN", "au.abn"),
)


def _f(key, nl, fr, en, kind, d_nl, d_fr, d_en, **kw) -> Field:
    return Field(key, nl, fr, en, kind, d_nl, d_fr, d_en, **kw)


FIELDS: tuple[Field, ...] = (
    _f("title", "Titel", "Titre", "Title", "text",
       "Naam van het bedrijf/klant", "Nom de l'entreprise/du client", "Company or customer name",
       required=True, width=30,
       synonyms=("Bedrijfsnaam", "Firmanaam", "Raison sociale", "Nom de l'entreprise",
                 "Company name", "Handelsnaam", "Relatienaam", "Klantnaam", "Naam klant",
                 "Customer name", "Bedrijf", "Klant", "Société", "Entreprise", "Company")),
    _f("last_name", "Familienaam", "Nom de famille", "Last name", "text",
       "Familienaam van de klant", "Nom de famille du client", "Customer's last name",
       required=True, width=18,
       synonyms=("Achternaam", "Surname", "Family name", "Lastname")),
    _f("first_name", "Voornaam", "Prénom", "First name", "text",
       "Voornaam van de klant", "Prénom du client", "Customer's first name", width=14,
       synonyms=("Firstname", "Given name", "Prenom")),
    _f("company_type", "Vennootschapsvorm", "Forme juridique", "Legal form", "legal_form",
       "Vennootschapsvorm van het bedrijf (zie beschikbare waarden)",
       "Forme juridique de l'entreprise (voir les valeurs disponibles)",
       "Legal form of the company (see the allowed values)", width=14,
       synonyms=("Rechtsvorm", "Bedrijfsvorm", "Forme de société", "Company type")),
    _f("vat_id", "Btw-nummer", "Numéro de TVA", "VAT number", "vat",
       "Btw-nummer van het bedrijf (alleen het nummer, zonder landcode, spaties of punten)",
       "Numéro de TVA (uniquement le numéro, sans code pays, espaces ni points)",
       "VAT number (digits only: no country code, spaces or dots)",
       text_format=True, width=14,
       synonyms=("BTW nr", "BTW-nr", "BTW nummer", "Btwnummer", "Ondernemingsnummer",
                 "KBO-nummer", "KBO", "Ondernemingsnr", "N° TVA", "No TVA", "TVA",
                 "Numéro d'entreprise", "Numéro BCE", "BCE", "VAT", "VAT ID", "VAT no",
                 "Tax ID", "USt-IdNr")),
    _f("vat_country_code", "Btw-landcode", "Code pays TVA", "VAT country code", "country",
       "Landcode van het btw-nummer (ISO 3166-1 alpha-2, bv. BE)",
       "Code pays du numéro de TVA (ISO 3166-1 alpha-2, p.ex. BE)",
       "Country code of the VAT number (ISO 3166-1 alpha-2, e.g. BE)", width=10,
       synonyms=("BTW land", "Landcode BTW", "Pays TVA", "VAT country")),
    _f("address", "Adres", "Adresse", "Address", "text",
       "Adres van de klant (straat en nummer)", "Adresse du client (rue et numéro)",
       "Customer's address (street and number)", width=28,
       synonyms=("Straat", "Straat en nummer", "Rue", "Street", "Adresregel", "Address line")),
    _f("address_zip", "Postcode", "Code postal", "Postcode", "zip",
       "Postcode van de klant", "Code postal du client", "Customer's postcode",
       text_format=True, width=9,
       synonyms=("Code postal", "CP", "Zip", "Zip code", "Postal code", "PLZ")),
    _f("address_city", "Plaats", "Localité", "City", "text",
       "Stad of gemeente van de klant", "Ville ou commune du client", "Customer's city",
       width=16,
       synonyms=("Gemeente", "Woonplaats", "Stad", "Localité", "Ville", "Commune", "Town",
                 "Ort")),
    _f("address_country", "Land", "Pays", "Country", "country",
       "Landcode van de klant (ISO 3166-1 alpha-2, bv. BE)",
       "Code pays du client (ISO 3166-1 alpha-2, p.ex. BE)",
       "Customer's country code (ISO 3166-1 alpha-2, e.g. BE)", width=8,
       synonyms=("Land", "Pays", "Country", "Landcode", "Code pays", "Country code")),
    _f("email", "E-mail", "E-mail", "Email", "email",
       "E-mailadres van de klant", "Adresse e-mail du client", "Customer's email address",
       width=28,
       synonyms=("E-mailadres", "Mail", "Email address", "Courriel", "Adresse e-mail")),
    _f("telephone", "Telefoon", "Téléphone", "Telephone", "phone",
       "Telefoonnummer van de klant", "Numéro de téléphone du client",
       "Customer's telephone number", text_format=True, width=16,
       synonyms=("Tel", "Tel.", "Telefoonnummer", "Tél", "Tél.", "Phone", "Telefon")),
    _f("cellphone", "GSM", "GSM", "Mobile", "phone",
       "GSM-nummer van de klant", "Numéro de GSM du client", "Customer's mobile number",
       text_format=True, width=16,
       synonyms=("GSM-nummer", "Mobiel", "Mobile", "Portable", "Cellphone", "Mobile phone",
                 "Handy")),
    _f("fax", "Faxnummer", "Fax", "Fax", "phone",
       "Faxnummer van de klant", "Numéro de fax du client", "Customer's fax number",
       text_format=True, width=16, synonyms=("Fax", "Telefax")),
    _f("website", "Website", "Site web", "Website", "url",
       "Website van de klant", "Site web du client", "Customer's website", width=24,
       synonyms=("Site", "Site internet", "Web", "URL", "Webadres")),
    _f("iban_country_code", "IBAN-landcode", "Code pays IBAN", "IBAN country code", "country",
       "Landcode van de IBAN (ISO 3166-1 alpha-2, bv. BE)",
       "Code pays de l'IBAN (ISO 3166-1 alpha-2, p.ex. BE)",
       "Country code of the IBAN (ISO 3166-1 alpha-2, e.g. BE)", width=10,
       synonyms=("Land IBAN", "Pays IBAN")),
    _f("iban", "IBAN", "IBAN", "IBAN", "iban",
       "IBAN van de klant", "IBAN du client", "Customer's IBAN", text_format=True, width=22,
       synonyms=("Rekeningnummer", "Bankrekening", "Bankrekeningnummer", "Compte bancaire",
                 "Numéro de compte", "Bank account", "Account number")),
    _f("bic", "BIC", "BIC", "BIC", "bic",
       "BIC/SWIFT-code van de bank van de klant", "Code BIC/SWIFT de la banque du client",
       "BIC/SWIFT code of the customer's bank", text_format=True, width=12,
       synonyms=("SWIFT", "BIC/SWIFT", "SWIFT code", "BIC code")),
    _f("doc_language", "Documenttaal", "Langue des documents", "Document language",
       "language",
       "Taal voor documenten: nl, fr, en of de", "Langue des documents : nl, fr, en ou de",
       "Language of documents: nl, fr, en or de", allowed=LANGUAGES, width=10,
       synonyms=("Taal", "Langue", "Language", "Correspondentietaal")),
    _f("vat_percentage", "Btw-percentage", "Taux de TVA", "VAT rate", "vat_rate",
       "Standaard btw-percentage: 0, 6, 12 of 21", "Taux de TVA par défaut : 0, 6, 12 ou 21",
       "Default VAT rate: 0, 6, 12 or 21", allowed=VAT_RATES, width=10,
       synonyms=("BTW %", "BTW-tarief", "BTW tarief", "Taux TVA", "TVA %", "VAT %")),
    _f("vat_shifted", "Btw verlegd", "TVA autoliquidée", "VAT reverse charge", "yesno",
       "Btw verlegd: ja of nee (of yes, no)", "Autoliquidation de la TVA : ja/nee (ou yes/no)",
       "VAT reverse-charged: ja/nee (or yes/no)", allowed=YES_NO, width=10,
       synonyms=("Verlegde BTW", "Medecontractant", "Cocontractant", "Autoliquidation",
                 "Reverse charge")),
    _f("payment_term", "Betalingstermijn (dagen)", "Délai de paiement (jours)",
       "Payment term (days)", "integer",
       "Betalingstermijn in dagen: een geheel getal (bv. 14, 30, 60)",
       "Délai de paiement en jours : un nombre entier (p.ex. 14, 30, 60)",
       "Payment term in days: a whole number (e.g. 14, 30, 60)", width=12,
       synonyms=("Betalingstermijn", "Betaaltermijn", "Vervaldagen", "Délai de paiement",
                 "Payment term", "Payment terms")),
    _f("auto_reminder", "Automatische herinnering", "Rappel automatique", "Automatic reminder",
       "yesno",
       "Automatische herinneringen versturen: ja of nee (of yes, no)",
       "Envoyer des rappels automatiques : ja/nee (ou yes/no)",
       "Send automatic reminders: ja/nee (or yes/no)", allowed=YES_NO, width=12,
       synonyms=("Herinnering", "Herinneringen", "Rappel", "Rappels", "Reminder")),
    _f("contactperson_first_name", "Contactpersoon voornaam",
       "Prénom de la personne de contact", "Contact person first name", "text",
       "Voornaam van de contactpersoon", "Prénom de la personne de contact",
       "First name of the contact person", width=16,
       synonyms=("Voornaam contactpersoon", "Contact voornaam", "Prénom contact",
                 "Contact first name")),
    _f("contactperson_last_name", "Contactpersoon familienaam",
       "Nom de la personne de contact", "Contact person last name", "text",
       "Familienaam van de contactpersoon", "Nom de famille de la personne de contact",
       "Last name of the contact person", width=16,
       synonyms=("Familienaam contactpersoon", "Achternaam contactpersoon", "Contactpersoon",
                 "Nom contact", "Contact last name", "Contact person")),
    _f("peppol_scheme_id", "Peppol Scheme ID", "Peppol Scheme ID", "Peppol scheme ID", "scheme",
       "Peppol Scheme ID (bv. 0208 voor het Belgische ondernemingsnummer)",
       "Peppol Scheme ID (p.ex. 0208 pour le numéro d'entreprise belge)",
       "Peppol scheme ID (e.g. 0208 for the Belgian enterprise number)",
       text_format=True, width=10, synonyms=("Peppol scheme", "Peppol schema")),
    _f("peppol_endpoint_id", "Peppol Endpoint ID", "Peppol Endpoint ID", "Peppol endpoint ID",
       "scheme_id",
       "Peppol Endpoint ID (meestal het ondernemingsnummer)",
       "Peppol Endpoint ID (généralement le numéro d'entreprise)",
       "Peppol endpoint ID (usually the enterprise number)",
       text_format=True, width=14, synonyms=("Peppol ID", "Peppol endpoint", "Peppol-ID")),
    _f("identification_scheme_id", "Identificatie Scheme ID", "Schéma d'identification",
       "Identification scheme ID", "scheme",
       "Identificatie Scheme ID (bv. 0208)", "Schéma d'identification (p.ex. 0208)",
       "Identification scheme ID (e.g. 0208)", text_format=True, width=10,
       synonyms=("Identificatieschema",)),
    _f("identification_id", "Identificatie ID", "ID d'identification", "Identification ID",
       "scheme_id",
       "Identificatie ID (het nummer binnen het schema)",
       "ID d'identification (le numéro dans le schéma)",
       "Identification ID (the number within the scheme)", text_format=True, width=14,
       synonyms=("Identificatienummer",)),
    _f("private_notes", "Interne notities", "Notes internes", "Private notes", "text",
       "Privé notities (niet zichtbaar voor de klant)",
       "Notes privées (non visibles pour le client)",
       "Private notes (not visible to the customer)", width=30,
       synonyms=("Notities", "Opmerkingen", "Opmerking", "Notes", "Remarques", "Memo",
                 "Commentaar")),
    _f("external_id", "Extern ID", "ID externe", "External ID", "external_id",
       "Externe referentie (voor koppelingen met andere systemen); uniek per klant",
       "Référence externe (liens avec d'autres systèmes) ; unique par client",
       "External reference (links with other systems); unique per customer",
       text_format=True, width=12,
       synonyms=("Klantnummer", "Klantnr", "Klantcode", "Debiteurnummer", "Debiteurnr",
                 "Relatiecode", "Numéro client", "Code client", "Customer number",
                 "Customer ID", "Referentie", "Référence")),
    _f("sort_order", "Sorteervolgorde", "Ordre de tri", "Sort order", "number",
       "Sorteervolgorde (een getal)", "Ordre de tri (un nombre)", "Sort order (a number)",
       width=10, synonyms=("Volgorde", "Sortering", "Ordre", "Sort")),
)

#: Header names that can mean more than one field, with the fields in order of preference:
#: "Naam" is the company name, unless another column already is (then it is the last name).
AMBIGUOUS_HEADERS: dict[str, tuple[str, ...]] = {
    "Naam": ("title", "last_name"), "Name": ("title", "last_name"),
    "Nom": ("last_name", "title"),
}

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
LEGAL_FORM_CODES: tuple[str, ...] = tuple(lf.code for lf in LEGAL_FORMS)
SCHEME_BY_CODE: dict[str, Scheme] = {s.code: s for s in SCHEMES}

assert all(f.kind in KINDS for f in FIELDS)
