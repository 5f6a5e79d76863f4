"""Messages for every finding code, in Dutch, French and English.

A code is stable (tools match on it); the text says what is wrong and how to fix it. Templates
use ``{label}`` (the column's label in the message's language, from ``params["field"]``),
``{value}`` and any other parameter. A suggestion is appended as "Voorstel: …".

>>> render("required.missing", "nl", {"field": "title"})
'Titel is verplicht maar leeg. Vul de naam van het bedrijf of de klant in.'
>>> render("country.name", "fr", {"field": "address_country", "value": "Belgique"}, "BE")
'Pays : « Belgique » est un nom de pays ; utilisez le code à 2 lettres. Suggestion : BE'
"""

from __future__ import annotations

from typing import Any

LANGS = ("nl", "fr", "en")

#: code -> (nl, fr, en)
MESSAGES: dict[str, tuple[str, str, str]] = {
    # --- sheet and header level -------------------------------------------------------------
    "sheet.no_header": (
        "Geen kopregel gevonden: het blad is leeg. Zet de kolomnamen in de eerste rij.",
        "Aucune ligne d'en-tête : la feuille est vide. Mettez les noms de colonnes en ligne 1.",
        "No header row found: the sheet is empty. Put the column names in the first row.",
    ),
    "sheet.no_data": (
        "Het blad heeft alleen een kopregel en geen klanten. Vul de klanten in vanaf de rij "
        "onder de kopregel.",
        "La feuille n'a qu'une ligne d'en-tête et aucun client. Saisissez les clients sous "
        "l'en-tête.",
        "The sheet has only a header row and no customers. Enter the customers below the header.",
    ),
    "header.unmapped": (
        "Kolom «{value}» hoort bij geen enkel NumNum-veld en wordt niet geïmporteerd. Koppel ze "
        "aan een veld of kies «overslaan».",
        "La colonne « {value} » ne correspond à aucun champ NumNum et ne sera pas importée. "
        "Associez-la à un champ ou choisissez « ignorer ».",
        "Column “{value}” matches no NumNum field and will not be imported. Map it to a field "
        "or choose “skip”.",
    ),
    "header.fuzzy": (
        "Kolom «{value}» is gekoppeld aan {label} omdat de naam erop lijkt. Controleer dit.",
        "La colonne « {value} » est associée à {label} car le nom y ressemble. Vérifiez.",
        "Column “{value}” was mapped to {label} because the name looks alike. Check this.",
    ),
    "header.duplicate": (
        "Kolom «{value}» is ook gekoppeld aan {label}, net als kolom {other}. Slechts één kolom "
        "per veld: hernoem of sla een van beide over.",
        "La colonne « {value} » est aussi associée à {label}, comme la colonne {other}. Une "
        "seule colonne par champ : renommez ou ignorez l'une des deux.",
        "Column “{value}” also maps to {label}, as does column {other}. One column per field: "
        "rename or skip one of them.",
    ),
    "header.required_missing": (
        "Er is geen kolom voor het verplichte veld {label}. Voeg een kolom «{key}» toe.",
        "Il n'y a pas de colonne pour le champ obligatoire {label}. Ajoutez une colonne "
        "« {key} ».",
        "There is no column for the required field {label}. Add a column “{key}”.",
    ),
    "sheet.hidden_rows": (
        "{count} verborgen rij(en) met gegevens (bv. rij {value}): ook die worden "
        "geïmporteerd. Maak ze zichtbaar of verwijder ze.",
        "{count} ligne(s) masquée(s) contenant des données (p.ex. ligne {value}) : elles seront "
        "aussi importées. Affichez-les ou supprimez-les.",
        "{count} hidden row(s) with data (e.g. row {value}): they will be imported too. Unhide "
        "or delete them.",
    ),
    "sheet.merged_cells": (
        "Samengevoegde cellen {value}: alleen de eerste cel heeft een waarde. Maak de "
        "samenvoeging ongedaan en vul elke cel in.",
        "Cellules fusionnées {value} : seule la première cellule a une valeur. Annulez la "
        "fusion et remplissez chaque cellule.",
        "Merged cells {value}: only the first cell holds a value. Unmerge them and fill every "
        "cell.",
    ),
    "sheet.formula_no_value": (
        "Deze cel bevat een formule zonder berekende waarde (het bestand werd niet door Excel "
        "opgeslagen). Open en bewaar het bestand in Excel, of typ de waarde in.",
        "Cette cellule contient une formule sans valeur calculée (fichier non enregistré par "
        "Excel). Ouvrez et enregistrez le fichier dans Excel, ou tapez la valeur.",
        "This cell holds a formula without a computed value (the file was not saved by Excel). "
        "Open and save the file in Excel, or type the value.",
    ),
    # --- any cell ---------------------------------------------------------------------------
    "cell.error_value": (
        "{label}: de cel bevat de Excel-fout {value}. Herstel de formule of typ de juiste waarde.",
        "{label} : la cellule contient l'erreur Excel {value}. Corrigez la formule ou tapez la "
        "bonne valeur.",
        "{label}: the cell holds the Excel error {value}. Fix the formula or type the right value.",
    ),
    "required.missing": (
        "{label} is verplicht maar leeg. Vul {hint} in.",
        "{label} est obligatoire mais vide. Indiquez {hint}.",
        "{label} is required but empty. Fill in {hint}.",
    ),
    "text.whitespace": (
        "{label}: overbodige spaties voor of na de tekst.",
        "{label} : espaces superflus avant ou après le texte.",
        "{label}: extra spaces before or after the text.",
    ),
    "text.too_long": (
        "{label} is erg lang ({count} tekens). Controleer of hier niet per ongeluk meer in "
        "staat dan bedoeld.",
        "{label} est très long ({count} caractères). Vérifiez qu'il ne contient pas plus que "
        "prévu.",
        "{label} is very long ({count} characters). Check that it holds no more than intended.",
    ),
    "text.unexpected_date": (
        "{label} bevat een datum ({value}); Excel heeft de invoer waarschijnlijk omgezet. "
        "Maak de kolom tekst en typ de waarde opnieuw.",
        "{label} contient une date ({value}) ; Excel a probablement converti la saisie. "
        "Mettez la colonne au format texte et retapez la valeur.",
        "{label} holds a date ({value}); Excel probably converted what was typed. Format the "
        "column as text and type the value again.",
    ),
    "text.control_chars": (
        "{label} bevat onzichtbare tekens (regeleinde, tab of stuurteken).",
        "{label} contient des caractères invisibles (saut de ligne, tabulation ou contrôle).",
        "{label} contains invisible characters (line break, tab or control character).",
    ),
    "number.leading_zero_lost": (
        "{label} werd door Excel als getal opgeslagen en verloor een voorloopnul ({value}). "
        "Zet de kolom op tekst.",
        "{label} a été enregistré comme nombre par Excel et a perdu un zéro initial ({value}). "
        "Mettez la colonne au format texte.",
        "{label} was stored as a number by Excel and lost a leading zero ({value}). Format the "
        "column as text.",
    ),
    "number.precision_lost": (
        "{label} werd als getal opgeslagen en is te lang voor Excel ({value}): de laatste "
        "cijfers zijn verloren. Zet de kolom op tekst en typ het nummer opnieuw.",
        "{label} a été enregistré comme nombre et est trop long pour Excel ({value}) : les "
        "derniers chiffres sont perdus. Mettez la colonne en texte et retapez le numéro.",
        "{label} was stored as a number and is too long for Excel ({value}): the last digits "
        "are lost. Format the column as text and type the number again.",
    ),
    # --- VAT --------------------------------------------------------------------------------
    "vat.checksum": (
        "BTW-nummer {value} is ongeldig (controlegetal klopt niet). Controleer het nummer.",
        "Le numéro de TVA {value} est invalide (chiffres de contrôle incorrects). Vérifiez le "
        "numéro.",
        "VAT number {value} is invalid (check digits do not match). Check the number.",
    ),
    "vat.length": (
        "BTW-nummer {value} heeft niet het juiste aantal cijfers voor {country}.",
        "Le numéro de TVA {value} n'a pas le bon nombre de chiffres pour {country}.",
        "VAT number {value} does not have the right number of digits for {country}.",
    ),
    "vat.format": (
        "BTW-nummer {value} bevat tekens die in een {country} btw-nummer niet kunnen.",
        "Le numéro de TVA {value} contient des caractères impossibles pour {country}.",
        "VAT number {value} contains characters that a {country} VAT number cannot have.",
    ),
    "vat.be_first_digit": (
        "Belgisch ondernemingsnummer {value} moet met 0 of 1 beginnen.",
        "Le numéro d'entreprise belge {value} doit commencer par 0 ou 1.",
        "Belgian enterprise number {value} must start with 0 or 1.",
    ),
    "vat.written": (
        "BTW-nummer {value} is geldig maar verkeerd geschreven: NumNum wil alleen het nummer, "
        "zonder landcode, spaties of punten.",
        "Le numéro de TVA {value} est valide mais mal écrit : NumNum veut uniquement le "
        "numéro, sans code pays, espaces ni points.",
        "VAT number {value} is valid but written the wrong way: NumNum wants the number only, "
        "without country code, spaces or dots.",
    ),
    "vat.country_missing": (
        "BTW-nummer ingevuld maar BTW-landcode ontbreekt.",
        "Numéro de TVA indiqué mais le code pays TVA manque.",
        "VAT number given but the VAT country code is missing.",
    ),
    "vat.number_missing": (
        "BTW-landcode {value} ingevuld maar het BTW-nummer ontbreekt. Vul het nummer in of "
        "maak de landcode leeg.",
        "Code pays TVA {value} indiqué mais le numéro de TVA manque. Indiquez le numéro ou "
        "videz le code pays.",
        "VAT country code {value} given but the VAT number is missing. Fill in the number or "
        "clear the country code.",
    ),
    "vat.prefix_mismatch": (
        "BTW-nummer {value} begint met landcode {prefix}, maar de BTW-landcode is {country}.",
        "Le numéro de TVA {value} commence par le code pays {prefix}, mais le code pays TVA "
        "est {country}.",
        "VAT number {value} starts with country code {prefix}, but the VAT country code is "
        "{country}.",
    ),
    "vat.unchecked": (
        "BTW-nummers van {country} kunnen niet gecontroleerd worden; controleer {value} zelf.",
        "Les numéros de TVA de {country} ne peuvent pas être vérifiés ; vérifiez {value} "
        "vous-même.",
        "VAT numbers of {country} cannot be checked; check {value} yourself.",
    ),
    # --- countries --------------------------------------------------------------------------
    "country.invalid": (
        "{label}: «{value}» is geen landcode. Gebruik de ISO-code van 2 hoofdletters (BE, NL, "
        "FR, …).",
        "{label} : « {value} » n'est pas un code pays. Utilisez le code ISO à 2 majuscules (BE, "
        "NL, FR, …).",
        "{label}: “{value}” is not a country code. Use the 2-capital ISO code (BE, NL, FR, …).",
    ),
    "country.name": (
        "{label}: «{value}» is een landnaam; gebruik de landcode van 2 letters.",
        "{label} : « {value} » est un nom de pays ; utilisez le code à 2 lettres.",
        "{label}: “{value}” is a country name; use the 2-letter code.",
    ),
    "country.case": (
        "{label}: landcodes worden in 2 hoofdletters geschreven.",
        "{label} : les codes pays s'écrivent en 2 majuscules.",
        "{label}: country codes are written in 2 capitals.",
    ),
    # --- other kinds ------------------------------------------------------------------------
    "legal_form.unknown": (
        "Vennootschapsvorm «{value}» is onbekend bij NumNum. Kies uit BV, NV, VOF, CommV, CV, "
        "VZW, Stichting, Eenmanszaak, BVBA, Maatschap (of SRL, SA, ASBL, …).",
        "La forme juridique « {value} » est inconnue de NumNum. Choisissez parmi BV, NV, VOF, "
        "CommV, CV, VZW, Stichting, Eenmanszaak, BVBA, Maatschap (ou SRL, SA, ASBL, …).",
        "Legal form “{value}” is unknown to NumNum. Choose from BV, NV, VOF, CommV, CV, VZW, "
        "Stichting, Eenmanszaak, BVBA, Maatschap (or SRL, SA, ASBL, …).",
    ),
    "legal_form.written": (
        "Vennootschapsvorm «{value}» wordt door NumNum anders geschreven.",
        "La forme juridique « {value} » s'écrit autrement dans NumNum.",
        "Legal form “{value}” is written differently in NumNum.",
    ),
    "email.invalid": (
        "E-mailadres «{value}» is ongeldig: {reason}.",
        "L'adresse e-mail « {value} » est invalide : {reason}.",
        "Email address “{value}” is invalid: {reason}.",
    ),
    "email.multiple": (
        "Er staan meerdere e-mailadressen in één cel ({value}). NumNum neemt er één: houd het "
        "belangrijkste en zet de andere in de notities.",
        "Plusieurs adresses e-mail dans une cellule ({value}). NumNum n'en prend qu'une : "
        "gardez la principale et mettez les autres dans les notes.",
        "Several email addresses in one cell ({value}). NumNum takes one: keep the main one and "
        "move the others to the notes.",
    ),
    "phone.invalid": (
        "{label} «{value}» is geen telefoonnummer. Schrijf het als +32 9 123 45 67 of "
        "09 123 45 67.",
        "{label} « {value} » n'est pas un numéro de téléphone. Écrivez-le comme "
        "+32 9 123 45 67 ou 09 123 45 67.",
        "{label} “{value}” is not a phone number. Write it as +32 9 123 45 67 or 09 123 45 67.",
    ),
    "phone.unlikely": (
        "{label} «{value}» bestaat waarschijnlijk niet in {country} (verkeerd aantal cijfers "
        "of onbekend zonenummer).",
        "{label} « {value} » n'existe probablement pas en {country} (nombre de chiffres ou "
        "indicatif incorrect).",
        "{label} “{value}” probably does not exist in {country} (wrong number of digits or "
        "unknown area code).",
    ),
    "url.invalid": (
        "Website «{value}» is geen geldig webadres. Schrijf bv. www.voorbeeld.be of "
        "https://voorbeeld.be.",
        "Le site « {value} » n'est pas une adresse web valide. Écrivez p.ex. www.exemple.be ou "
        "https://exemple.be.",
        "Website “{value}” is not a valid web address. Write e.g. www.example.be or "
        "https://example.be.",
    ),
    "iban.invalid": (
        "IBAN {value} is ongeldig ({reason}). Controleer het rekeningnummer.",
        "L'IBAN {value} est invalide ({reason}). Vérifiez le numéro de compte.",
        "IBAN {value} is invalid ({reason}). Check the account number.",
    ),
    "iban.written": (
        "IBAN {value} is geldig; schrijf het zonder spaties, in hoofdletters.",
        "L'IBAN {value} est valide ; écrivez-le sans espaces, en majuscules.",
        "IBAN {value} is valid; write it without spaces, in capitals.",
    ),
    "iban.country_mismatch": (
        "IBAN-landcode {value} past niet bij de IBAN, die met {country} begint.",
        "Le code pays IBAN {value} ne correspond pas à l'IBAN, qui commence par {country}.",
        "IBAN country code {value} does not match the IBAN, which starts with {country}.",
    ),
    "iban.country_missing": (
        "IBAN ingevuld maar de IBAN-landcode ontbreekt.",
        "IBAN indiqué mais le code pays IBAN manque.",
        "IBAN given but the IBAN country code is missing.",
    ),
    "bic.invalid": (
        "BIC «{value}» is ongeldig: een BIC heeft 8 of 11 tekens (bv. GKCCBEBB).",
        "Le BIC « {value} » est invalide : un BIC a 8 ou 11 caractères (p.ex. GKCCBEBB).",
        "BIC “{value}” is invalid: a BIC has 8 or 11 characters (e.g. GKCCBEBB).",
    ),
    "bic.bank_mismatch": (
        "BIC {value} hoort niet bij de bank van deze Belgische IBAN (verwacht: {expected}).",
        "Le BIC {value} ne correspond pas à la banque de cet IBAN belge (attendu : {expected}).",
        "BIC {value} does not belong to the bank of this Belgian IBAN (expected: {expected}).",
    ),
    "bic.written": (
        "BIC {value} is geldig; schrijf het zonder spaties, in hoofdletters.",
        "Le BIC {value} est valide ; écrivez-le sans espaces, en majuscules.",
        "BIC {value} is valid; write it without spaces, in capitals.",
    ),
    "choice.invalid": (
        "{label}: «{value}» is geen toegelaten waarde. Kies uit: {allowed}.",
        "{label} : « {value} » n'est pas une valeur autorisée. Choisissez parmi : {allowed}.",
        "{label}: “{value}” is not an allowed value. Choose from: {allowed}.",
    ),
    "choice.written": (
        "{label}: «{value}» wordt door NumNum geschreven als «{expected}».",
        "{label} : « {value} » s'écrit « {expected} » dans NumNum.",
        "{label}: NumNum writes “{value}” as “{expected}”.",
    ),
    "integer.invalid": (
        "{label}: «{value}» is geen geheel getal ≥ 0 (bv. 14, 30, 60).",
        "{label} : « {value} » n'est pas un nombre entier ≥ 0 (p.ex. 14, 30, 60).",
        "{label}: “{value}” is not a whole number ≥ 0 (e.g. 14, 30, 60).",
    ),
    "number.invalid": (
        "{label}: «{value}» is geen getal.",
        "{label} : « {value} » n'est pas un nombre.",
        "{label}: “{value}” is not a number.",
    ),
    "scheme.unknown": (
        "{label} «{value}» is geen bekend Peppol-schema. Gebruik bv. 0208 (Belgisch "
        "ondernemingsnummer), 9925 (Belgisch btw-nummer) of 0088 (GLN).",
        "{label} « {value} » n'est pas un schéma Peppol connu. Utilisez p.ex. 0208 (numéro "
        "d'entreprise belge), 9925 (TVA belge) ou 0088 (GLN).",
        "{label} “{value}” is not a known Peppol scheme. Use e.g. 0208 (Belgian enterprise "
        "number), 9925 (Belgian VAT) or 0088 (GLN).",
    ),
    "scheme.id_missing": (
        "{label} is ingevuld maar het bijhorende ID ontbreekt.",
        "{label} est indiqué mais l'ID correspondant manque.",
        "{label} is given but the matching ID is missing.",
    ),
    "scheme_id.scheme_missing": (
        "{label} is ingevuld maar het schema ontbreekt (bv. 0208).",
        "{label} est indiqué mais le schéma manque (p.ex. 0208).",
        "{label} is given but the scheme is missing (e.g. 0208).",
    ),
    "scheme_id.invalid": (
        "{label} «{value}» is geen geldig nummer voor schema {scheme} ({scheme_name}).",
        "{label} « {value} » n'est pas un numéro valide pour le schéma {scheme} "
        "({scheme_name}).",
        "{label} “{value}” is not a valid number for scheme {scheme} ({scheme_name}).",
    ),
    "scheme_id.written": (
        "{label} «{value}» is geldig maar wordt zonder punten, spaties of voorvoegsel "
        "geschreven.",
        "{label} « {value} » est valide mais s'écrit sans points, espaces ni préfixe.",
        "{label} “{value}” is valid but is written without dots, spaces or prefix.",
    ),
    "peppol.differs_from_vat": (
        "Peppol Endpoint ID {value} (schema 0208) verschilt van het BTW-nummer {vat}. Meestal "
        "is het hetzelfde nummer.",
        "Le Peppol Endpoint ID {value} (schéma 0208) diffère du numéro de TVA {vat}. C'est "
        "généralement le même numéro.",
        "Peppol endpoint ID {value} (scheme 0208) differs from the VAT number {vat}. Usually it "
        "is the same number.",
    ),
    "zip.invalid": (
        "Postcode «{value}» past niet bij {country} (bv. {example}).",
        "Le code postal « {value} » ne correspond pas à {country} (p.ex. {example}).",
        "Postcode “{value}” does not fit {country} (e.g. {example}).",
    ),
    "zip.written": (
        "Postcode «{value}» wordt voor {country} geschreven als {expected}.",
        "Le code postal « {value} » s'écrit {expected} pour {country}.",
        "Postcode “{value}” is written {expected} for {country}.",
    ),
    "external_id.duplicate": (
        "Extern ID «{value}» komt meer dan eens voor (ook in rij {other}). Elk extern ID moet "
        "uniek zijn.",
        "L'ID externe « {value} » apparaît plusieurs fois (aussi ligne {other}). Chaque ID "
        "externe doit être unique.",
        "External ID “{value}” occurs more than once (also row {other}). Each external ID must "
        "be unique.",
    ),
}

_SUGGEST = {"nl": " Voorstel: {}", "fr": " Suggestion : {}", "en": " Suggestion: {}"}

#: What to fill in for a missing required field, per field key and language.
_HINTS = {
    "title": ("de naam van het bedrijf of de klant", "le nom de l'entreprise ou du client",
              "the company or customer name"),
    "last_name": ("de familienaam (bij een bedrijf: de naam van de contactpersoon of het "
                  "bedrijf)", "le nom de famille (pour une entreprise : le nom du contact ou "
                  "de l'entreprise)", "the last name (for a company: the contact's or the "
                  "company's name)"),
}


#: Words a rule passes as ``reason``, translated when the message is rendered.
TERMS: dict[str, tuple[str, str, str]] = {
    "checksum": ("controlegetal klopt niet", "chiffres de contrôle incorrects",
                 "check digits do not match"),
    "length": ("verkeerde lengte", "longueur incorrecte", "wrong length"),
    "format": ("ongeldige tekens of opmaak", "caractères ou format invalides",
               "invalid characters or layout"),
    "no_at": ("er staat geen @ in", "il n'y a pas de @", "there is no @"),
    "many_at": ("er staat meer dan één @ in", "il y a plus d'un @", "there is more than one @"),
    "space": ("er staan spaties in", "il contient des espaces", "it contains spaces"),
    "domain": ("het deel na de @ is geen geldig domein", "la partie après @ n'est pas un "
               "domaine valide", "the part after the @ is not a valid domain"),
    "local": ("het deel voor de @ is ongeldig", "la partie avant @ est invalide",
              "the part before the @ is invalid"),
}


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, lang: str, params: dict[str, Any] | None = None,
           suggestion: Any = None) -> str:
    """The message for ``code`` in ``lang``, with its parameters and suggestion filled in."""
    from numnum_xl.catalogue import FIELD_BY_KEY

    i = LANGS.index(lang) if lang in LANGS else 0
    p = _Params(params or {})
    key = p.get("field")
    if key in FIELD_BY_KEY:
        p.setdefault("label", FIELD_BY_KEY[key].label(LANGS[i]))
        p.setdefault("key", key)
        p.setdefault("hint", _HINTS.get(key, (FIELD_BY_KEY[key].label_nl.lower(),) * 3)[i]
                     if key in _HINTS else FIELD_BY_KEY[key].description(LANGS[i]).lower())
    if isinstance(p.get("country"), str) and len(p["country"]) == 2:
        from numnum_xl.rules.country import name

        p["country"] = name(p["country"], LANGS[i])
    if p.get("reason") in TERMS:
        p["reason"] = TERMS[p["reason"]][i]
    text = MESSAGES[code][i].format_map(p)
    if suggestion is not None and suggestion != "":
        text += _SUGGEST[LANGS[i]].format(suggestion)
    return text
