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
    "scomm": "CommV", "société en commandite": "CommV",  # the CommV's French names since 2019
    "société en commandite simple": "gcv", "société en nom collectif": "VOF",
    "société coopérative à responsabilité limitée": "cvba",
    "société coopérative à responsabilité illimitée": "cvoa",
    "société privée à responsabilité limitée": "BVBA",
    "société en commandite par actions": "comm.va",
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
    """A Peppol participant identifier scheme (EAS / ISO 6523 ICD) and how its identifiers
    are checked.

    ``stdnum`` names the python-stdnum module that validates the identifier (``None``: only
    non-empty is checked); ``prefix`` is a country prefix such identifiers carry (9925: ``BE``);
    ``eas`` the scheme's short name in the code list; ``state`` "active", "deprecated" or
    "removed"; ``removal`` the date (ISO) after which the Peppol network no longer accepts it;
    ``replacement`` the code to use instead.
    """

    code: str
    name: str
    stdnum: str | None
    prefix: str = ""
    eas: str = ""
    state: str = "active"
    removal: str | None = None
    replacement: str | None = None


#: Where :data:`SCHEMES` comes from: the Peppol participant identifier scheme list (the EAS
#: codes allowed in the Peppol network), one entry per row, with the list's state and removal
#: date. A replacement is the one the list's "usage" column names (0193, 9908, 9917, 9954,
#: 9958) or, where the list names none, the successor scheme of the same issuer: 0037→0216
#: (Finnish OVT), 9906→0211 and 9907→0210 (Italian VAT and fiscal code), 9956→0208 (Belgian
#: enterprise number), 9902→0184 (Danish CVR), 9955→0007 (Swedish organisation number).
SCHEMES_SOURCE = ("OpenPeppol eDEC Code Lists - Participant identifier schemes v9.7 "
                  "(2026-07, docs.peppol.eu/edelivery/codelists)")
SCHEMES_VERSION = "9.7"

SCHEMES: tuple[Scheme, ...] = (
    Scheme("0002", "Frans SIREN-nummer", "fr.siren", eas="FR:SIRENE"),
    Scheme("0007", "Zweeds organisatienummer", "se.orgnr", eas="SE:ORGNR"),
    Scheme("0009", "Frans SIRET-nummer", "fr.siret", eas="FR:SIRET"),
    Scheme("0037", "Fins OVT-nummer (oud)", None,
           eas="FI:OVT", state="removed", removal="2024-12-31", replacement="0216"),
    Scheme("0060", "DUNS-nummer", None, eas="DUNS"),
    Scheme("0088", "GLN (Global Location Number)", "ean", eas="GLN"),
    Scheme("0096", "The Danish Business Authority - P-number (DK:P)", None, eas="DK:P"),
    Scheme("0097", "FTI - Ediforum Italia", None, eas="IT:FTI"),
    Scheme("0106", "Nederlands KvK-nummer", None, eas="NL:KVK"),
    Scheme("0130", "Directorates of the European Commission", None, eas="EU:NAL"),
    Scheme("0135", "SIA Object Identifiers", None, eas="IT:SIA"),
    Scheme("0142", "SECETI Object Identifiers", None, eas="IT:SECETI"),
    Scheme("0151", "Australisch ABN", "au.abn", eas="AU:ABN"),
    Scheme("0158", "Identification number of economic subject (ICO)", None, eas="SK:ICO"),
    Scheme("0183", "Swiss Unique Business Identification Number (UIDB)", None, eas="CH:UIDB"),
    Scheme("0184", "Deens CVR-nummer", "dk.cvr", eas="DK:DIGST"),
    Scheme("0188", "Corporate Number of The Social Security and Tax Number System", None,
           eas="JP:SST"),
    Scheme("0190", "Nederlands OIN", None, eas="NL:OINO"),
    Scheme("0191", "Company code", None, eas="EE:CC"),
    Scheme("0192", "Noors organisatienummer", "no.orgnr", eas="NO:ORG"),
    Scheme("0193", "UBL.BE-partij-ID", None,
           eas="UBLBE", state="deprecated", removal="2026-07-07", replacement="0208"),
    Scheme("0195", "Singapore Nationwide E-Invoice Framework", None, eas="SG:UEN"),
    Scheme("0196", "Icelandic identifier", None, eas="IS:KTNR"),
    Scheme("0198", "The Danish Business Authority - SE-number (DK:SE)", None, eas="DK:ERST"),
    Scheme("0199", "LEI (Legal Entity Identifier)", "lei", eas="LEI"),
    Scheme("0200", "Legal entity code", None, eas="LT:LEC"),
    Scheme("0201", "Codice Univoco Unità Organizzativa iPA", None, eas="IT:CUUO"),
    Scheme("0204", "Duitse Leitweg-ID", None, eas="DE:LWID"),
    Scheme("0205", "CODDEST", None, eas="IT:COD"),
    Scheme("0208", "Belgisch ondernemingsnummer (KBO/BCE)", "be.vat", eas="BE:EN"),
    Scheme("0209", "GS1 identification keys", None, eas="GS1"),
    Scheme("0210", "Italiaanse codice fiscale", "it.codicefiscale", eas="IT:CFI"),
    Scheme("0211", "Italiaans btw-nummer (partita IVA)", "it.iva", eas="IT:IVA"),
    Scheme("0212", "Finnish Organization Identifier", None,
           eas="FI:ORG", state="removed", removal="2024-12-31"),
    Scheme("0213", "Finnish Organization Value Add Tax Identifier", "fi.alv",
           prefix="FI", eas="FI:VAT", state="removed", removal="2024-12-31"),
    Scheme("0215", "Net service ID", None, eas="FI:NSI", state="removed", removal="2024-12-31"),
    Scheme("0216", "Fins OVT-nummer", None, eas="FI:OVT2"),
    Scheme("0218", "Unified registration number", None, eas="LV:URN"),
    Scheme("0221", "The registered number of the qualified invoice issuer", None, eas="JP:IIN"),
    Scheme("0225", "FRCTC Electronic Address", None, eas="FR:CTC"),
    Scheme("0230", "National e-Invoicing Framework", None, eas="MY:EIF"),
    Scheme("0235", "UAE Tax Identification Number (TIN)", None, eas="AE:TIN"),
    Scheme("0240", "Luxemburgs RCS-nummer", None, eas="LU:MAT"),
    Scheme("0242", "OpenPeppol Service Provider Identification Scheme", None, eas="SPIS"),
    Scheme("0244", "Tax Identification (Tax ID)", None, eas="NG:TID"),
    Scheme("0245", "Tax identification number (DIČ)", None, eas="SK:DIC"),
    Scheme("0246", "German Electronic Business Address", None, eas="DE:GEBA"),
    Scheme("0248", "Oman Value Added Tax Identification Number (VATIN)", None,
           prefix="OM", eas="OM:VAT"),
    Scheme("9901", "Danish Ministry of the Interior and Health", None,
           eas="DK:CPR", state="removed", removal="2023-11-30"),
    Scheme("9902", "The Danish Commerce and Companies Agency", None,
           eas="DK:CVR", state="removed", removal="2023-11-30", replacement="0184"),
    Scheme("9904", "Danish Ministry of Taxation, Central Customs and Tax Administration", None,
           eas="DK:SE", state="removed", removal="2023-11-30"),
    Scheme("9905", "Danish VANS providers", None,
           eas="DK:VANS", state="removed", removal="2023-11-30"),
    Scheme("9906", "Italiaans btw-nummer (oud)", "it.iva",
           eas="IT:VAT", state="removed", removal="2023-05-24", replacement="0211"),
    Scheme("9907", "Italiaanse codice fiscale (oud)", "it.codicefiscale",
           eas="IT:CF", state="removed", removal="2023-05-24", replacement="0210"),
    Scheme("9908", "Enhetsregisteret ved Bronnoysundregisterne", "no.orgnr",
           eas="NO:ORGNR", state="removed", removal="2023-05-24", replacement="0192"),
    Scheme("9909", "Norwegian VAT number", "no.mva", prefix="NO", eas="NO:VAT", state="deprecated"),
    Scheme("9910", "Hungary VAT number", "hu.anum", prefix="HU", eas="HU:VAT"),
    Scheme("9912", "National ministries of Economy", None, eas="EU:VAT", state="deprecated"),
    Scheme("9913", "Business Registers Network", None, eas="EU:REID"),
    Scheme("9914", "Oostenrijks btw-nummer", "at.uid", prefix="AT", eas="AT:VAT"),
    Scheme("9915", "Österreichisches Verwaltungs bzw. Organisationskennzeichen", None,
           eas="AT:GOV"),
    Scheme("9916", "Firmenidentifikationsnummer der Statistik Austria", None,
           eas="AT:CID", state="deprecated"),
    Scheme("9917", "Icelandic National Registry", None,
           eas="IS:KT", state="deprecated", replacement="0196"),
    Scheme("9918", "IBAN", "iban", eas="IBAN"),
    Scheme("9919", "Kennziffer des Unternehmensregisters", None, eas="AT:KUR"),
    Scheme("9920", "Spaans btw-nummer", "es.nif", prefix="ES", eas="ES:VAT"),
    Scheme("9921", "Indice delle Pubbliche Amministrazioni", None,
           eas="IT:IPA", state="removed", removal="2023-11-30"),
    Scheme("9922", "Andorra VAT number", "ad.nrt", prefix="AD", eas="AD:VAT"),
    Scheme("9923", "Albania VAT number", "al.nipt", prefix="AL", eas="AL:VAT"),
    Scheme("9924", "Bosnia and Herzegovina VAT number", None, prefix="BA", eas="BA:VAT"),
    Scheme("9925", "Belgisch btw-nummer", "be.vat", prefix="BE", eas="BE:VAT"),
    Scheme("9926", "Bulgaria VAT number", "bg.vat", prefix="BG", eas="BG:VAT"),
    Scheme("9927", "Switzerland VAT number", "ch.vat", prefix="CH", eas="CH:VAT"),
    Scheme("9928", "Cyprus VAT number", "cy.vat", prefix="CY", eas="CY:VAT"),
    Scheme("9929", "Czech Republic VAT number", "cz.dic", prefix="CZ", eas="CZ:VAT"),
    Scheme("9930", "Duits btw-nummer", "de.vat", prefix="DE", eas="DE:VAT"),
    Scheme("9931", "Estonia VAT number", "ee.kmkr", prefix="EE", eas="EE:VAT"),
    Scheme("9932", "United Kingdom VAT number", "gb.vat", prefix="GB", eas="GB:VAT"),
    Scheme("9933", "Greece VAT number", "gr.vat", prefix="EL", eas="GR:VAT"),
    Scheme("9934", "Croatia VAT number", "hr.oib", prefix="HR", eas="HR:VAT"),
    Scheme("9935", "Ireland VAT number", "ie.vat", prefix="IE", eas="IE:VAT"),
    Scheme("9936", "Liechtenstein VAT number", None, prefix="LI", eas="LI:VAT"),
    Scheme("9937", "Lithuania VAT number", "lt.pvm", prefix="LT", eas="LT:VAT"),
    Scheme("9938", "Luxemburgs btw-nummer", "lu.tva", prefix="LU", eas="LU:VAT"),
    Scheme("9939", "Latvia VAT number", "lv.pvn", prefix="LV", eas="LV:VAT"),
    Scheme("9940", "Monaco VAT number", "mc.tva", prefix="MC", eas="MC:VAT"),
    Scheme("9941", "Montenegro VAT number", "me.pib", prefix="ME", eas="ME:VAT"),
    Scheme("9942", "Macedonia, the former Yugoslav Republic of VAT number", "mk.edb",
           prefix="MK", eas="MK:VAT"),
    Scheme("9943", "Malta VAT number", "mt.vat", prefix="MT", eas="MT:VAT"),
    Scheme("9944", "Nederlands btw-nummer", "nl.btw", prefix="NL", eas="NL:VAT"),
    Scheme("9945", "Poland VAT number", "pl.nip", prefix="PL", eas="PL:VAT"),
    Scheme("9946", "Portugal VAT number", "pt.nif", prefix="PT", eas="PT:VAT"),
    Scheme("9947", "Romania VAT number", "ro.cf", prefix="RO", eas="RO:VAT"),
    Scheme("9948", "Serbia VAT number", "rs.pib", prefix="RS", eas="RS:VAT"),
    Scheme("9949", "Slovenia VAT number", "si.ddv", prefix="SI", eas="SI:VAT"),
    Scheme("9950", "Slovakia VAT number", "sk.dph", prefix="SK", eas="SK:VAT"),
    Scheme("9951", "San Marino VAT number", "sm.coe", prefix="SM", eas="SM:VAT"),
    Scheme("9952", "Turkey VAT number", "tr.vkn", prefix="TR", eas="TR:VAT"),
    Scheme("9953", "Holy See (Vatican City State) VAT number", None, prefix="VA", eas="VA:VAT"),
    Scheme("9954", "Nederlands OIN (oud)", None,
           eas="NL:OIN", state="removed", removal="2026-03-31", replacement="0190"),
    Scheme("9955", "Zweeds btw-nummer (oud)", "se.vat",
           prefix="SE", eas="SE:VAT", state="removed", removal="2023-07-31", replacement="0007"),
    Scheme("9956", "Belgisch KBO-nummer (oud)", "be.vat",
           eas="BE:CBE", state="removed", removal="2023-12-31", replacement="0208"),
    Scheme("9957", "Frans btw-nummer", "fr.tva", prefix="FR", eas="FR:VAT"),
    Scheme("9958", "Peppol-Leitweg-ID", None,
           eas="DE:LID", state="removed", removal="2023-07-31", replacement="0204"),
    Scheme("9959", "US Employer ID Number", "us.ein", eas="US:EIN"),
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
                 "Numéro de compte", "Bank account")),
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
                 "Customer ID", "Referentie", "Référence", "Account number")),
    _f("sort_order", "Sorteervolgorde", "Ordre de tri", "Sort order", "number",
       "Sorteervolgorde (een getal)", "Ordre de tri (un nombre)", "Sort order (a number)",
       width=10, synonyms=("Volgorde", "Sortering", "Ordre", "Sort")),
)

#: Header names that can mean more than one field, with the fields in order of preference:
#: "Naam" is the company name, unless another column already is (then it is the last name).
AMBIGUOUS_HEADERS: dict[str, tuple[str, ...]] = {
    "Naam": ("title", "last_name"), "Name": ("title", "last_name"),
    "Nom": ("last_name", "title"), "Contact name": ("title", "contactperson_last_name"),
}

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
LEGAL_FORM_CODES: tuple[str, ...] = tuple(lf.code for lf in LEGAL_FORMS)
SCHEME_BY_CODE: dict[str, Scheme] = {s.code: s for s in SCHEMES}

assert all(f.kind in KINDS for f in FIELDS)


# --- header vocabulary (issue 9): words that make up the headers of other software's exports ---
# Every phrase is matched on the words of a header (see :mod:`numnum_xl.headerwords`), in
# Dutch, French, English and German; the key, labels and synonyms above count as phrases too.

#: More phrases per field, on top of its key, labels and synonyms.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "title": ("company name", "bedrijfsnaam", "bedrijf", "firma", "firmanaam", "organisation",
              "organization", "organisatie", "organization name", "organisation name",
              "business name", "legal name", "trade name", "display name", "weergavenaam",
              "account name", "customer name", "client name", "nom client", "nom du client",
              "nom de la société", "nom société", "dénomination", "raison sociale", "société",
              "entreprise", "unternehmen", "firmenname", "naam bedrijf", "naam klant",
              "full name", "volledige naam", "nom complet", "vollständiger name",
              "company", "relatie naam", "officiële naam", "statutaire naam", "customer",
              "client", "kunde", "klant"),
    "last_name": ("last name", "surname", "family name", "achternaam", "familienaam",
                  "nom de famille", "nachname", "familiename"),
    "first_name": ("first name", "given name", "voornaam", "prénom", "vorname", "forename"),
    "company_type": ("legal form", "rechtsvorm", "vennootschapsvorm", "ondernemingsvorm",
                     "forme juridique", "company type", "entity type", "rechtsform",
                     "type of company", "type société", "juridische vorm"),
    "vat_id": ("btw", "vat", "tva", "tax number", "tax id", "tax no", "vat number", "vat id",
               "vat no", "vat reg no", "vat registration number", "btw nummer",
               "btw identificatienummer", "ondernemingsnummer", "kbo", "bce", "ust id",
               "ustid", "ustidnr", "umsatzsteuer id", "numéro de tva", "numéro d'entreprise",
               "enterprise number", "company registration vat", "mwst", "mwst nr", "uid",
               "tax registration number", "tax registration", "btw nr", "tva nr"),
    "address": ("address", "adres", "adresse", "anschrift", "street", "straat", "straatnaam",
                "rue", "strasse", "straße", "street name", "nom de rue", "address line",
                "adresregel", "adreslijn", "ligne d'adresse", "street address", "voie"),
    "address_zip": ("postcode", "zip", "zip code", "zipcode", "postal code", "post code",
                    "code postal", "plz", "postleitzahl", "cp", "postnummer"),
    "address_city": ("city", "plaats", "gemeente", "woonplaats", "stad", "localité", "ville",
                     "commune", "town", "ort", "stadt", "municipality", "deelgemeente"),
    "address_country": ("country", "land", "pays", "landcode", "code pays", "country code",
                        "country region", "landescode", "land regio", "pays region",
                        "land region"),
    "email": ("email", "e mail", "mail", "emailadres", "email address", "mail address",
              "courriel", "adresse email", "e mailadres", "mailadres"),
    "telephone": ("phone", "telephone", "telefoon", "telefoonnummer", "tel", "tél",
                  "téléphone", "telefon", "phone number", "landline", "vaste telefoon",
                  "téléphone fixe", "fixe", "festnetz", "telefonnummer"),
    "cellphone": ("mobile", "mobiel", "gsm", "cellphone", "cell", "cell phone", "mobile phone",
                  "portable", "handy", "mobilnummer", "mobiele telefoon", "mobil", "natel",
                  "mobile number", "gsm nummer", "téléphone portable"),
    "fax": ("fax", "telefax", "faxnummer", "fax number", "télécopie"),
    "website": ("website", "web", "site", "url", "webadres", "web page", "webpage",
                "homepage", "site web", "site internet", "webseite", "webpagina", "internetadres"),
    "iban": ("iban", "bank account", "bankrekening", "rekening", "rekeningnummer",
             "bank account number", "compte bancaire", "numéro de compte", "compte",
             "bankverbindung", "kontonummer", "konto", "acc number", "bank acc",
             "bankrekeningnummer", "rib"),
    "bic": ("bic", "swift", "bic code", "swift code", "bic swift", "bank bic"),
    "doc_language": ("language", "taal", "langue", "sprache", "correspondentietaal",
                     "documenttaal", "document language", "preferred language",
                     "voorkeurtaal", "langue préférée", "langue de correspondance",
                     "correspondence language", "taalcode", "korrespondenzsprache"),
    "vat_percentage": ("btw percentage", "btw tarief", "vat rate", "taux de tva", "tax rate",
                       "btw pct", "vat pct", "tva pct", "steuersatz", "mwst satz"),
    "vat_shifted": ("btw verlegd", "verlegde btw", "medecontractant", "cocontractant",
                    "autoliquidation", "reverse charge", "verlegd", "reverse charged"),
    "payment_term": ("betalingstermijn", "betaaltermijn", "payment term", "payment terms",
                     "termijn", "krediettermijn", "krediet termijn", "credit term",
                     "credit terms", "credit days", "vervaldagen", "délai de paiement",
                     "échéance", "conditions de paiement", "condition de paiement",
                     "payment condition", "payment conditions", "betalingsvoorwaarde",
                     "betalingsconditie", "betaalconditie", "zahlungsziel",
                     "zahlungsbedingung", "due days", "due date", "days due", "net days",
                     "betalingsvoorwaarden", "betaalvoorwaarden", "betalingscondities",
                     "betalingsvoorwaarde"),
    "auto_reminder": ("reminder", "reminders", "herinnering", "herinneringen", "aanmaning",
                      "rappel", "rappels", "mahnung", "dunning"),
    "contactperson_last_name": ("contactpersoon", "contact person", "personne de contact",
                                "ansprechpartner", "attention", "attention to",
                                "ter attentie", "tav", "à l'attention de", "attentie",
                                "ter attentie van"),
    "private_notes": ("notes", "note", "notities", "notitie", "opmerking", "opmerkingen",
                      "remarks", "remark", "remarques", "remarque", "memo", "commentaar",
                      "comment", "comments", "commentaire", "commentaires", "bemerkung",
                      "bemerkungen", "notizen", "notiz", "interne notities", "internal notes"),
    "external_id": ("klantnummer", "klantnr", "klantcode", "customer number", "customer id",
                    "customer code", "customer no", "client code", "code client",
                    "numéro client", "numéro de client", "client id", "client number",
                    "debiteurnummer", "debiteur", "debiteurnr", "debiteurcode",
                    "relatienummer", "relatiecode", "relatienr", "account number",
                    "account code", "account id", "account no", "reference", "referentie",
                    "référence", "kundennummer", "kunden nr", "external id", "extern id",
                    "external reference", "externe referentie"),
}

#: Single words that name a field only when nothing more specific is in the header
#: ("Code" alone is a customer code; in "Code postal" or "LandID" they are filler).
WEAK_WORDS: dict[str, str] = {
    "code": "external_id", "ref": "external_id", "kenmerk": "external_id",
    "account": "external_id", "id": "external_id",
    "name": "title", "naam": "title", "nom": "title",
}

#: Labels that name a field only as the whole header: "Title" alone is NumNum's key, but
#: "Job Title", "Organization Title" and a column of salutations are something else.
WHOLE_HEADER_ONLY: tuple[str, ...] = ("title", "titel", "titre")

#: Words that qualify another field when there is one ("Company Main Phone", "Address City")
#: and name their own field when alone ("Company", "Address").
QUALIFIER_FIELDS: frozenset[str] = frozenset({"title", "address"})

#: Role words: the customer's main or invoicing address/contact (the column is kept) ...
PRIMARY_WORDS: tuple[str, ...] = (
    "billing", "bill to", "invoice", "invoicing", "facturatie", "factuur", "facturen",
    "facturation", "facture", "rechnung", "rechnungs", "main", "hoofd", "principal",
    "principale", "business", "werk", "work", "company", "default", "primary", "po",
    "mailing", "sales", "verkoop", "vente", "ventes", "zakelijk", "bedrijf", "bedrijfs",
    "siège", "zetel", "maatschappelijk", "maatschappelijke", "registered", "receivable",
    "debiteuren", "intern", "interne", "internal", "firma", "haupt", "geschäft",
    "geschäftlich", "customer", "klant", "client", "kunde", "officiel", "officieel",
)
#: Role words of the invoicing address: such a column wins over a plain one ("Billing City"
#: before "City").
INVOICE_WORDS: tuple[str, ...] = (
    "billing", "bill to", "invoice", "invoicing", "facturatie", "factuur", "facturen",
    "facturation", "facture", "rechnung", "rechnungs",
)
#: A header naming both fields of a pair means the first, the more specific one
#: ("Tél. portable", "Telefax").
MORE_SPECIFIC: dict[str, str] = {"cellphone": "telephone", "fax": "telephone"}
#: Role words that say "the customer" (a weak "Code" beside them is still the customer code).
CUSTOMER_WORDS: tuple[str, ...] = (
    "customer", "klant", "client", "kunde", "sales", "verkoop", "vente", "debiteuren",
    "receivable", "debiteur",
)
#: ... and words that mark a second address or contact, or the supplier side (not imported).
SECONDARY_WORDS: tuple[str, ...] = (
    "shipping", "ship", "ship to", "delivery", "deliver", "levering", "leverings",
    "aflever", "afleveradres", "livraison", "lieferung", "liefer", "versand", "home", "thuis",
    "privé", "private", "privat", "domicile", "postal", "post", "other", "andere", "ander",
    "autre", "autres", "weitere", "alt", "alternative", "alternate", "second", "secondary",
    "tweede", "seconde", "deuxième", "zweite", "sa",
    "purchase", "purchases", "payable", "supplier", "vendor", "leverancier", "crediteur",
    "creditor", "fournisseur", "achat", "achats", "aankoop", "inkoop", "lieferant", "bill",
    "bills", "extra", "additional", "bijkomend",
)
#: Words saying the column is about the customer's contact person: with a name they feed the
#: contact person's name, with anything else (the contact's own phone, address) nothing.
CONTACT_WORDS: tuple[str, ...] = (
    "contactpersoon", "contact person", "person", "persoon", "personne", "personne de contact",
    "ansprechpartner", "contact",
)
#: Words that carry nothing (articles, "number", the first index).
FILLER_WORDS: tuple[str, ...] = (
    "nummer", "number", "nr", "no", "num", "numero", "numéro", "n", "value", "waarde", "valeur",
    "wert", "the", "de", "het", "van", "du", "la", "le", "les", "des", "of", "d", "l", "s",
    "en", "and", "et", "und", "der", "die", "das", "1", "id", "ids", "code", "day",
    "days", "dagen", "jours", "tage", "name", "naam", "nom", "to", "voor", "for", "pour",
    "für", "a", "à", "cd",
)
#: Words of headers that hold something NumNum has no field for; a header with one of them
#: feeds nothing, whatever other field words it has ("Job Title", "Naam rekeninghouder").
FOREIGN_WORDS: tuple[str, ...] = (
    "title", "titel", "titre", "job title", "job", "function", "functie", "fonction",
    "functienaam", "position", "department", "afdeling", "abteilung", "middle name",
    "tussenvoegsel", "nickname", "bijnaam", "surnom", "phonetic", "prefix", "suffix",
    "initials", "initialen", "gender", "geslacht", "sexe", "sex", "salutation", "aanhef",
    "aanspreektitel", "aanspreekvorm", "titre de civilité", "social title", "briefanrede",
    "aanspreking", "civilité", "anrede", "birthday", "verjaardag", "geboortedatum",
    "date of birth", "birth", "anniversary", "anniversaire", "assistant", "manager",
    "account manager", "rekeninghouder", "account holder", "holder", "titulaire",
    "kontoinhaber", "bank account name", "bank name", "banknaam", "skype", "twitter",
    "linkedin", "facebook", "marketing", "newsletter", "nieuwsbrief", "nieuwsbrieven",
    "opt in", "optin", "opt out", "accepts", "consent", "unsubscribed", "geen", "po box",
    "postbus", "boîte postale", "postfach", "discount", "korting", "remise", "rabatt",
    "currency", "valuta", "devise", "währung", "created", "modified", "gewijzigd",
    "aangemaakt", "datum", "date", "tracking", "label", "labels", "tags", "tag",
    "category", "categories", "categorie", "catégorie", "status", "balance", "saldo",
    "solde", "credit limit", "kredietlimiet", "total", "totaal", "spent", "orders",
    "formatted", "particulars", "free busy", "sic", "naics", "industry", "sector",
    "employees", "werknemers", "effectif", "capital", "kapitaal", "revenue", "omzet",
    "iban country", "region", "regio", "région", "state", "province", "provincie",
    "bundesland", "canton", "kanton", "departement", "département", "company number",
    "registration number", "company registration number", "kvk", "chamber of commerce",
    "handelsregister", "siren", "siret", "rcs", "rpr", "ondernemingsrechtbank",
)
#: Header words that say nothing about the content ("Kolom1", "Info"): the values decide.
MEANINGLESS_WORDS: tuple[str, ...] = (
    "kolom", "column", "colonne", "spalte", "veld", "field", "champ", "feld", "info",
    "informatie", "information", "data", "gegevens", "données", "daten", "unnamed", "col",
    "f", "divers", "misc", "varia", "other info", "nummer", "number", "nr",
    "numéro", "num", "value", "waarde", "valeur", "wert",
)

#: Address parts that are joined into ``address`` in Belgian order: street, number, box.
HOUSE_NUMBER_WORDS: tuple[str, ...] = (
    "huisnummer", "huisnr", "house number", "housenumber", "hausnummer", "street number",
    "numéro de maison", "numéro de rue", "house no", "huis nr",
)
BOX_WORDS: tuple[str, ...] = (
    "bus", "busnummer", "bte", "boîte", "boite", "box", "toevoeging",
    "huisnummertoevoeging", "huisnummer toevoeging", "addition", "bus nr",
)
#: Words of a numbered address line ("Address line 2", "Adresregel 2"): always a continuation
#: of the first line, never a second address.
ADDRESS_LINE_WORDS: tuple[str, ...] = ("line", "regel", "lijn", "ligne", "zeile")
#: The word written before a box number in the joined address.
BOX_LABEL = "bus"

#: Abbreviations of words in Belgian business names (casefolded, no dots or accents) -> the
#: word written out: "Gebr. Desmet" is "Gebroeders Desmet", "Ets Leclercq" is "Établissements
#: Leclercq" (nl, fr).
NAME_ABBREVIATIONS: dict[str, str] = {
    "gebr": "gebroeders", "gebrs": "gebroeders", "ets": "etablissements",
    "etabl": "etablissements", "etab": "etablissements", "cie": "compagnie",
    "alg": "algemene", "mij": "maatschappij", "intl": "international", "bros": "brothers",
    "assoc": "associes",
}

#: Values that are salutations or gender codes, never a name (compared casefolded, no dots).
SALUTATIONS: frozenset[str] = frozenset({
    "dhr", "mevr", "mr", "mrs", "ms", "miss", "m", "mme", "mlle", "mevrouw", "meneer", "heer",
    "de heer", "mijnheer", "monsieur", "madame", "mademoiselle", "herr", "frau", "sir",
    "madam", "dr", "prof", "ir", "mx", "v", "f", "x", "w", "h", "man", "vrouw", "male",
    "female", "homme", "femme", "männlich", "weiblich", "mannelijk", "vrouwelijk", "mw",
    "mvr", "dhr mevr", "fam", "familie", "famille", "messieurs", "mesdames", "heren",
})
#: Values of a yes/no column (compared casefolded).
YES_NO_VALUES: frozenset[str] = frozenset({
    "ja", "nee", "yes", "no", "oui", "non", "true", "false", "waar", "onwaar", "vrai",
    "faux", "wahr", "falsch", "y", "n", "j", "1", "0",
})
#: Values of a language column (compared casefolded).
LANGUAGE_VALUES: dict[str, str] = {
    "nl": "nl", "fr": "fr", "en": "en", "de": "de", "nederlands": "nl", "dutch": "nl",
    "néerlandais": "nl", "niederländisch": "nl", "vlaams": "nl", "français": "fr",
    "frans": "fr", "french": "fr", "französisch": "fr", "english": "en", "engels": "en",
    "anglais": "en", "englisch": "en", "deutsch": "de", "duits": "de", "german": "de",
    "allemand": "de", "nl-be": "nl", "fr-be": "fr", "nl_be": "nl", "fr_be": "fr",
    "en-gb": "en", "en-us": "en", "de-de": "de", "de-be": "de", "nl-nl": "nl", "fr-fr": "fr",
}
