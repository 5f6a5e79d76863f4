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
    # --- duplicates (numnum-xl duplicates; numnum_xl.duplicates) -------------------------------
    "duplicate.external_id": (
        "Duplicaat van rij {other}: zelfde extern ID ({value}).",
        "Doublon de la ligne {other} : même ID externe ({value}).",
        "Duplicate of row {other}: same external ID ({value}).",
    ),
    "duplicate.vat_id": (
        "Duplicaat van rij {other}: zelfde BTW-nummer ({value}).",
        "Doublon de la ligne {other} : même numéro de TVA ({value}).",
        "Duplicate of row {other}: same VAT number ({value}).",
    ),
    "duplicate.email": (
        "Mogelijk duplicaat van rij {other}: zelfde e-mailadres ({value}).",
        "Doublon possible de la ligne {other} : même adresse e-mail ({value}).",
        "Possible duplicate of row {other}: same email address ({value}).",
    ),
    "duplicate.name": (
        "Mogelijk duplicaat van rij {other}: zelfde naam op dezelfde postcode of plaats.",
        "Doublon possible de la ligne {other} : même nom au même code postal ou à la même "
        "localité.",
        "Possible duplicate of row {other}: same name at the same postcode or city.",
    ),
    "duplicate.name_similar": (
        "Mogelijk duplicaat van rij {other}: bijna dezelfde naam («{name}», {score} % gelijk) "
        "op dezelfde postcode of plaats.",
        "Doublon possible de la ligne {other} : nom presque identique (« {name} », {score} % "
        "de similitude) au même code postal ou à la même localité.",
        "Possible duplicate of row {other}: nearly the same name (“{name}”, {score}% alike) "
        "at the same postcode or city.",
    ),
    "duplicate.chain": (
        "Via andere rijen ook verbonden met rij {other}: controleer of het dezelfde klant is.",
        "Liée aussi à la ligne {other} par d'autres lignes : vérifiez s'il s'agit du même "
        "client.",
        "Also linked to row {other} through other rows: check whether it is the same customer.",
    ),
    "existing.external_id": (
        "Bestaat al in NumNum: klant {id} ({name}) heeft hetzelfde extern ID ({value}).",
        "Existe déjà dans NumNum : le client {id} ({name}) a le même ID externe ({value}).",
        "Already exists in NumNum: contact {id} ({name}) has the same external ID ({value}).",
    ),
    "existing.vat_id": (
        "Bestaat al in NumNum: klant {id} ({name}) heeft hetzelfde BTW-nummer ({value}).",
        "Existe déjà dans NumNum : le client {id} ({name}) a le même numéro de TVA ({value}).",
        "Already exists in NumNum: contact {id} ({name}) has the same VAT number ({value}).",
    ),
    "existing.email": (
        "Bestaat mogelijk al in NumNum: klant {id} ({name}) heeft hetzelfde e-mailadres "
        "({value}).",
        "Existe peut-être déjà dans NumNum : le client {id} ({name}) a la même adresse e-mail "
        "({value}).",
        "May already exist in NumNum: contact {id} ({name}) has the same email address "
        "({value}).",
    ),
    "existing.name": (
        "Bestaat mogelijk al in NumNum: klant {id} ({name}) heeft (bijna) dezelfde naam op "
        "dezelfde postcode of plaats.",
        "Existe peut-être déjà dans NumNum : le client {id} ({name}) a (presque) le même nom "
        "au même code postal ou à la même localité.",
        "May already exist in NumNum: contact {id} ({name}) has (nearly) the same name at the "
        "same postcode or city.",
    ),
    # --- Exact Online (numnum_xl.exact) -----------------------------------------------------
    "exact.header.missing": (
        "Er is geen kolom «{value}»; Exact heeft ze nodig. Voeg ze toe (de kolomnamen staan in "
        "het sjabloon: numnum-xl exact sjabloon).",
        "Il n'y a pas de colonne « {value} » ; Exact en a besoin. Ajoutez-la (les noms de "
        "colonnes sont dans le modèle : numnum-xl exact sjabloon).",
        "There is no column “{value}”; Exact needs it. Add it (the column names are in the "
        "template: numnum-xl exact sjabloon).",
    ),
    "exact.header.unmapped": (
        "Kolom «{value}» hoort bij geen enkel veld van de Exact-verkoopboeking en wordt niet "
        "geëxporteerd.",
        "La colonne « {value} » ne correspond à aucun champ de l'écriture de vente Exact et "
        "ne sera pas exportée.",
        "Column “{value}” matches no field of the Exact sales entry and will not be exported.",
    ),
    "exact.sheet.no_data": (
        "Het blad heeft alleen een kopregel en geen boekingsregels.",
        "La feuille n'a qu'une ligne d'en-tête et aucune ligne d'écriture.",
        "The sheet has only a header row and no entry lines.",
    ),
    "exact.required": (
        "{label} is leeg; Exact heeft dit nodig op elke regel.",
        "{label} est vide ; Exact en a besoin sur chaque ligne.",
        "{label} is empty; Exact needs it on every line.",
    ),
    "exact.date.invalid": (
        "{label}: «{value}» is geen datum. Schrijf ze als {example} of gebruik een datumcel.",
        "{label} : « {value} » n'est pas une date. Écrivez-la comme {example} ou utilisez une "
        "cellule date.",
        "{label}: “{value}” is not a date. Write it as {example} or use a date cell.",
    ),
    "exact.code.invalid": (
        "{label} «{value}» is geen relatiecode voor Exact: alleen cijfers, hoogstens 18 "
        "(bv. 934).",
        "{label} « {value} » n'est pas un code relation pour Exact : chiffres uniquement, 18 "
        "au plus (p.ex. 934).",
        "{label} “{value}” is not an Exact relation code: digits only, at most 18 (e.g. 934).",
    ),
    "exact.entry_number.invalid": (
        "{label} «{value}» is geen nummer: Exact wil het factuurnummer zonder tekst "
        "(bv. 202400005).",
        "{label} « {value} » n'est pas un numéro : Exact veut le numéro de facture sans texte "
        "(p.ex. 202400005).",
        "{label} “{value}” is not a number: Exact wants the invoice number without text "
        "(e.g. 202400005).",
    ),
    "exact.entry_number.too_large": (
        "{label} {value} is te groot voor Exact (hoogstens {max}).",
        "{label} {value} est trop grand pour Exact (au plus {max}).",
        "{label} {value} is too large for Exact (at most {max}).",
    ),
    "exact.year.invalid": (
        "{label} «{value}» is geen boekjaar (4 cijfers, bv. 2024).",
        "{label} « {value} » n'est pas un exercice (4 chiffres, p.ex. 2024).",
        "{label} “{value}” is not a financial year (4 digits, e.g. 2024).",
    ),
    "exact.period.invalid": (
        "{label} «{value}» is geen periode: een geheel getal van 1 tot {high}.",
        "{label} « {value} » n'est pas une période : un nombre entier de 1 à {high}.",
        "{label} “{value}” is not a period: a whole number from 1 to {high}.",
    ),
    "exact.year.mismatch": (
        "Boekjaar {value} past niet bij de factuurdatum {date}.",
        "L'exercice {value} ne correspond pas à la date de facture {date}.",
        "Financial year {value} does not match the invoice date {date}.",
    ),
    "exact.period.mismatch": (
        "Periode {value} past niet bij de factuurdatum {date}: de periode is de maand "
        "({expected}).",
        "La période {value} ne correspond pas à la date de facture {date} : la période est "
        "le mois ({expected}).",
        "Period {value} does not match the invoice date {date}: the period is the month "
        "({expected}).",
    ),
    "exact.period.mismatch_quarter": (
        "Periode {value} past niet bij de factuurdatum {date}: de periode is het kwartaal "
        "({expected}).",
        "La période {value} ne correspond pas à la date de facture {date} : la période est "
        "le trimestre ({expected}).",
        "Period {value} does not match the invoice date {date}: the period is the quarter "
        "({expected}).",
    ),
    "exact.invoice.differs": (
        "{label} «{value}» verschilt van de eerste regel van factuur {number} (rij {other}: "
        "«{expected}»). Alle regels van één factuur hebben dezelfde kopgegevens.",
        "{label} « {value} » diffère de la première ligne de la facture {number} (ligne "
        "{other} : « {expected} »). Toutes les lignes d'une facture ont le même en-tête.",
        "{label} “{value}” differs from the first line of invoice {number} (row {other}: "
        "“{expected}”). All lines of one invoice share the same header data.",
    ),
    "exact.invoice.split": (
        "De regels van factuur {number} staan niet onder elkaar (eerste regel op rij {other}). "
        "Exact begint een nieuwe boeking telkens het factuurnummer verandert; de export zet "
        "de regels van één factuur samen.",
        "Les lignes de la facture {number} ne se suivent pas (première ligne en ligne "
        "{other}). Exact commence une nouvelle écriture à chaque changement de numéro ; "
        "l'export regroupe les lignes d'une facture.",
        "The lines of invoice {number} are not together (first line on row {other}). Exact "
        "starts a new entry whenever the invoice number changes; the export groups the lines "
        "of one invoice.",
    ),
    "exact.invoice.exported": (
        "Factuur {value} zat al in een eerdere export ({when}, {file}): ze zou dubbel "
        "geïmporteerd worden. Verwijder deze regels, of gebruik --opnieuw {value} als die "
        "import in Exact mislukte.",
        "La facture {value} figurait déjà dans un export précédent ({when}, {file}) : elle "
        "serait importée deux fois. Supprimez ces lignes, ou utilisez --opnieuw {value} si "
        "cet import dans Exact a échoué.",
        "Invoice {value} was already in an earlier export ({when}, {file}): it would be "
        "imported twice. Remove these lines, or use --opnieuw {value} if that import into "
        "Exact failed.",
    ),
    "exact.relation.unknown": (
        "Debiteur (code) onbekend: relatiecode {value} staat niet in {file}. Importeer eerst "
        "de relaties (numnum-xl exact relaties) of verbeter de code.",
        "Débiteur (code) inconnu : le code relation {value} ne figure pas dans {file}. "
        "Importez d'abord les relations (numnum-xl exact relaties) ou corrigez le code.",
        "Debtor (code) unknown: relation code {value} is not in {file}. Import the relations "
        "first (numnum-xl exact relaties) or correct the code.",
    ),
    "exact.relation.zeros": (
        "Relatiecode {value} staat niet letterlijk in {file}, wel als {expected}: controleer "
        "de voorloopnullen.",
        "Le code relation {value} ne figure pas tel quel dans {file}, mais bien comme "
        "{expected} : vérifiez les zéros initiaux.",
        "Relation code {value} is not in {file} as written, but {expected} is: check the "
        "leading zeros.",
    ),
    "exact.account.unknown": (
        "Grootboekrekening {value} niet gevonden in {file}. Gebruik een omzetrekening die in "
        "Exact bestaat.",
        "Compte général {value} introuvable dans {file}. Utilisez un compte de produits qui "
        "existe dans Exact.",
        "G/L account {value} not found in {file}. Use a revenue account that exists in Exact.",
    ),
    "exact.vat_code.unknown": (
        "Ongeldige btw-code {value}: ze staat niet in {file}.",
        "Code TVA {value} invalide : il ne figure pas dans {file}.",
        "Invalid VAT code {value}: it is not in {file}.",
    ),
    "exact.amount.invalid": (
        "{label}: «{value}» is geen bedrag.",
        "{label} : « {value} » n'est pas un montant.",
        "{label}: “{value}” is not an amount.",
    ),
    "exact.amount.notation": (
        "{label} «{value}» is niet geschreven in de gekozen notatie (decimaalteken «{sep}»).",
        "{label} « {value} » n'est pas écrit dans la notation choisie (séparateur décimal "
        "« {sep} »).",
        "{label} “{value}” is not written in the chosen notation (decimal separator “{sep}”).",
    ),
    "exact.amount.ambiguous": (
        "{label} «{value}» is dubbelzinnig: het kan {first} of {second} zijn. Schrijf het "
        "bedrag zonder scheidingsteken voor duizendtallen.",
        "{label} « {value} » est ambigu : ce peut être {first} ou {second}. Écrivez le "
        "montant sans séparateur de milliers.",
        "{label} “{value}” is ambiguous: it can be {first} or {second}. Write the amount "
        "without a thousands separator.",
    ),
    "exact.amount.written": (
        "{label} «{value}» bevat een muntteken, spaties of scheidingstekens voor duizendtallen;"
        " het wordt geëxporteerd als getal.",
        "{label} « {value} » contient un symbole monétaire, des espaces ou des séparateurs de "
        "milliers ; il est exporté comme nombre.",
        "{label} “{value}” holds a currency sign, spaces or thousands separators; it is "
        "exported as a number.",
    ),
    "exact.amount.decimals": (
        "{label} {value} heeft meer dan 2 decimalen; het wordt afgerond geëxporteerd.",
        "{label} {value} a plus de 2 décimales ; il est exporté arrondi.",
        "{label} {value} has more than 2 decimals; it is exported rounded.",
    ),
    "exact.code.duplicate": (
        "Deze klant krijgt dezelfde relatiecode {value} als rij {other} (zelfde Extern ID, "
        "btw-nummer of naam en postcode). In Exact wordt dat één relatie: verwijder de dubbele "
        "rij of geef elk een eigen numeriek Extern ID.",
        "Ce client reçoit le même code relation {value} que la ligne {other} (même ID externe, "
        "numéro de TVA ou nom et code postal). Dans Exact ce serait une seule relation : "
        "supprimez le doublon ou donnez à chacun son propre ID externe numérique.",
        "This customer gets the same relation code {value} as row {other} (same external ID, "
        "VAT number or name and postcode). In Exact that is one relation: remove the "
        "duplicate or give each its own numeric external ID.",
    ),
    "exact.customer.duplicate": (
        "Deze klant lijkt dezelfde als die in rij {other} (zelfde btw-nummer, Extern ID of naam "
        "en postcode). In Exact komen er anders twee relaties voor één klant: verwijder de "
        "dubbele rij, of geef elk een eigen btw-nummer of Extern ID als het echt twee klanten "
        "zijn.",
        "Ce client semble être le même qu'à la ligne {other} (même numéro de TVA, ID externe "
        "ou nom et code postal). Sinon Exact aurait deux relations pour un client : supprimez "
        "le doublon, ou donnez à chacun son numéro de TVA ou ID externe s'il s'agit vraiment "
        "de deux clients.",
        "This customer looks the same as the one in row {other} (same VAT number, external ID "
        "or name and postcode). Otherwise Exact gets two relations for one customer: remove "
        "the duplicate, or give each its own VAT number or external ID if they really are two "
        "customers.",
    ),
    "exact.code.taken": (
        "Relatiecode {value} werd bij een vorige export gegeven aan «{name}»; Exact zou die "
        "relatie overschrijven. Kies een ander Extern ID (of pas {file} aan als het dezelfde "
        "klant is).",
        "Le code relation {value} a été attribué lors d'un export précédent à « {name} » ; "
        "Exact écraserait cette relation. Choisissez un autre ID externe (ou adaptez {file} "
        "s'il s'agit du même client).",
        "Relation code {value} was given to “{name}” in an earlier export; Exact would "
        "overwrite that relation. Choose another external ID (or edit {file} if it is the "
        "same customer).",
    ),
    "exact.code.changed": (
        "Deze klant kreeg bij een vorige export relatiecode {old}; nu wordt het {value} (uit "
        "Extern ID). In Exact komt er dan een tweede relatie bij.",
        "Ce client avait le code relation {old} lors d'un export précédent ; maintenant ce "
        "sera {value} (ID externe). Exact aura alors une deuxième relation.",
        "This customer had relation code {old} in an earlier export; now it becomes {value} "
        "(from the external ID). Exact will then have a second relation.",
    ),
    "exact.csv.neutralised": (
        "{label} begint met «{first}»: in het CSV-bestand staat er een ' voor, zodat Excel het "
        "niet als formule uitvoert. Exact neemt die ' mee; haal het teken weg als het geen "
        "deel van de tekst is.",
        "{label} commence par « {first} » : dans le fichier CSV, un ' est ajouté devant pour "
        "qu'Excel ne l'exécute pas comme formule. Exact garde ce ' ; retirez le signe s'il "
        "ne fait pas partie du texte.",
        "{label} starts with “{first}”: the CSV file puts a ' in front so Excel does not run "
        "it as a formula. Exact keeps that '; remove the sign if it is not part of the text.",
    ),
    # --- issue 10: one verdict (person/company, names, VAT country, postcode and town) ---
    "person.first_name_missing": (
        "«{name}» is een particulier zonder voornaam: NumNum vraagt voor- en "
        "familienaam. Vul de voornaam in, of de vennootschapsvorm als het een bedrijf is.",
        "« {name} » est un particulier sans prénom : NumNum demande le prénom et le "
        "nom. Indiquez le prénom, ou la forme juridique s'il s'agit d'une entreprise.",
        "“{name}” is a private person without a first name: NumNum needs first and "
        "last name. Fill in the first name, or the legal form if it is a company.",
    ),
    "person.last_name_missing": (
        "«{name}» is een particulier zonder familienaam; NumNum slaat de rij anders over.",
        "« {name} » est un particulier sans nom de famille ; sinon NumNum ignore la ligne.",
        "“{name}” is a private person without a last name; NumNum skips the row otherwise.",
    ),
    "person.name_in_last_name": (
        "Familienaam «{value}» bevat de hele naam; splits in voornaam en familienaam.",
        "Le nom de famille « {value} » contient le nom complet ; séparez prénom et nom.",
        "Last name “{value}” holds the whole name; split it into first and last name.",
    ),
    "company.last_name_missing": (
        "Familienaam is verplicht maar leeg. NumNums voorbeeldbestand vult bij een bedrijf de "
        "familienaam van de contactpersoon in, anders de bedrijfsnaam; zonder familienaam "
        "slaat NumNum de rij over.",
        "Le nom de famille est obligatoire mais vide. Le fichier modèle de NumNum y met, pour "
        "une entreprise, le nom de la personne de contact, sinon le nom de l'entreprise ; sans "
        "nom, NumNum ignore la ligne.",
        "Last name is required but empty. NumNum's sample file puts the contact person's last "
        "name there for a company, else the company name; without one NumNum skips the row.",
    ),
    "number.not_whole": (
        "{label}: NumNum neemt alleen een geheel getal aan, niet «{value}».",
        "{label} : NumNum n'accepte qu'un nombre entier, pas « {value} ».",
        "{label}: NumNum only takes a whole number, not “{value}”.",
    ),
    "zip.town_mismatch": (
        "Postcode {value} hoort bij {zip_town}, niet bij {town} ({town_zips}). Schrijf de "
        "postcode van {town}, of controleer de plaats.",
        "Le code postal {value} est celui de {zip_town}, pas de {town} ({town_zips}). "
        "Écrivez le code postal de {town}, ou vérifiez la localité.",
        "Postcode {value} belongs to {zip_town}, not to {town} ({town_zips}). Write {town}'s "
        "postcode, or check the town.",
    ),
    "zip.unknown_be": (
        "Postcode {value} bestaat niet in België (Statbel, 2025).",
        "Le code postal {value} n'existe pas en Belgique (Statbel, 2025).",
        "Postcode {value} does not exist in Belgium (Statbel, 2025).",
    ),
    # --- issue 16: hostile files, decoding, length caps, look-alike text ---------------------
    "sheet.far_cells": (
        "Cel {value} ligt ver buiten de lijst maar bevat iets (bv. een spatie); ze is niet "
        "gelezen. Maak die cel leeg.",
        "La cellule {value} est loin de la liste mais contient quelque chose (p. ex. une "
        "espace) ; elle n'a pas été lue. Videz cette cellule.",
        "Cell {value} lies far outside the list but holds something (e.g. a space); it was not "
        "read. Empty that cell.",
    ),
    "sheet.extension_mismatch": (
        "Het bestand heet «{value}» maar is een {kind}-bestand; het werd als {kind} gelezen. "
        "Geef het de juiste extensie.",
        "Le fichier s'appelle « {value} » mais c'est un fichier {kind} ; il a été lu comme "
        "{kind}. Donnez-lui la bonne extension.",
        "The file is named “{value}” but is a {kind} file; it was read as {kind}. Give it the "
        "right extension.",
    ),
    "sheet.encoding_fallback": (
        "Het bestand is geen UTF-8 en werd gelezen als {value}. Controleer de letters met "
        "accenten; bewaar het liefst als «CSV UTF-8».",
        "Le fichier n'est pas en UTF-8 et a été lu comme {value}. Vérifiez les lettres "
        "accentuées ; enregistrez-le de préférence en « CSV UTF-8 ».",
        "The file is not UTF-8 and was read as {value}. Check the accented letters; preferably "
        "save it as “CSV UTF-8”.",
    ),
    "text.undecodable": (
        "Deze cel bevat bytes die geen geldige UTF-8-tekst zijn (getoond als �): «{value}». "
        "Typ de waarde opnieuw.",
        "Cette cellule contient des octets qui ne sont pas du texte UTF-8 valide (affichés "
        "comme �) : « {value} ». Retapez la valeur.",
        "This cell holds bytes that are not valid UTF-8 text (shown as �): “{value}”. Type the "
        "value again.",
    ),
    "text.encoding_suspect": (
        "«{value}» bevat een teken dat op een verkeerde tekenset wijst ({encoding}). "
        "Controleer de letters met accenten.",
        "« {value} » contient un caractère qui trahit un mauvais jeu de caractères "
        "({encoding}). Vérifiez les lettres accentuées.",
        "“{value}” holds a character that betrays a wrong character set ({encoding}). Check "
        "the accented letters.",
    ),
    "text.mojibake": (
        "«{value}» lijkt verminkte tekst (UTF-8 gelezen als Windows-1252).",
        "« {value} » semble être du texte altéré (UTF-8 lu comme Windows-1252).",
        "“{value}” looks like garbled text (UTF-8 read as Windows-1252).",
    ),
    "text.bidi": (
        "{label} bevat tekens die de leesrichting omkeren ({codes}): de tekst toont anders dan "
        "hij is. Verwijder ze.",
        "{label} contient des caractères qui inversent le sens de lecture ({codes}) : le texte "
        "s'affiche autrement qu'il n'est. Supprimez-les.",
        "{label} holds characters that reverse the reading direction ({codes}): the text shows "
        "differently from what it is. Remove them.",
    ),
    "text.mixed_script": (
        "{label} «{value}» mengt letters uit verschillende schriften (bv. een Cyrillische «а» "
        "tussen Latijnse letters): het lijkt op een ander adres of een andere naam. Typ het "
        "opnieuw.",
        "{label} « {value} » mélange des lettres de plusieurs écritures (p. ex. un « а » "
        "cyrillique parmi des lettres latines) : il ressemble à une autre adresse ou un autre "
        "nom. Retapez-le.",
        "{label} “{value}” mixes letters of different scripts (e.g. a Cyrillic “а” among Latin "
        "letters): it looks like another address or name. Type it again.",
    ),
    "value.too_long": (
        "{label} is {count} tekens lang ({value}); zo'n waarde heeft er hoogstens {limit}. "
        "Controleer de cel.",
        "{label} compte {count} caractères ({value}) ; une telle valeur en a au plus {limit}. "
        "Vérifiez la cellule.",
        "{label} is {count} characters long ({value}); such a value has at most {limit}. Check "
        "the cell.",
    ),
    "value.unreadable": (
        "{label} «{value}» kon niet gecontroleerd worden: de cel bevat tekens die er niet in "
        "horen. Typ de waarde opnieuw.",
        "{label} « {value} » n'a pas pu être vérifié : la cellule contient des caractères qui "
        "n'y ont pas leur place. Retapez la valeur.",
        "{label} “{value}” could not be checked: the cell holds characters that do not belong "
        "in it. Type the value again.",
    ),
    # --- issue 11: duplicates - evidence model, whole-row marks, groups on the summary sheet --
    "duplicate.row": (
        "Rij {row} is (mogelijk) dezelfde klant als rij {other}; de uitleg staat in de notitie "
        "van de cel die het aantoont.",
        "La ligne {row} est (peut-être) le même client que la ligne {other} ; l'explication se "
        "trouve dans la note de la cellule qui le montre.",
        "Row {row} is (possibly) the same customer as row {other}; the explanation is in the "
        "note of the cell that shows it.",
    ),
    **{f"duplicate.group.{reason}.{conf}": tuple(
        pattern.format(why=why, conf=word) for pattern, why, word in zip(
            ("Dubbele klanten ({conf}): rijen {{rows}} - {why}.",
             "Clients en double ({conf}) : lignes {{rows}} - {why}.",
             "Duplicate customers ({conf}): rows {{rows}} - {why}."), whys, words, strict=True))
       for reason, whys in {
           "external_id": ("zelfde extern ID", "même ID externe", "same external ID"),
           "vat_id": ("zelfde BTW-nummer", "même numéro de TVA", "same VAT number"),
           "email": ("zelfde e-mailadres", "même adresse e-mail", "same email address"),
           "name": ("(bijna) dezelfde naam op dezelfde postcode of plaats",
                    "nom (presque) identique au même code postal ou à la même localité",
                    "(nearly) the same name at the same postcode or city")}.items()
       for conf, words in {"certain": ("zeker", "certain", "certain"),
                           "probable": ("waarschijnlijk", "probable", "probable")}.items()},
    # --- issue 14: Peppol scheme list, Peppol and VIES checks (numnum_xl.peppol, .vies) -------
    "online.result": ("{text}", "{text}", "{text}"),
    "scheme.deprecated": (
        "{label} {value} ({scheme_name}) is verouderd in de Peppol-codelijst en wordt "
        "geschrapt. Kies het schema dat het vervangt.",
        "{label} {value} ({scheme_name}) est obsolète dans la liste de codes Peppol et sera "
        "supprimé. Choisissez le schéma qui le remplace.",
        "{label} {value} ({scheme_name}) is deprecated in the Peppol code list and will be "
        "removed. Choose the scheme that replaces it.",
    ),
    "scheme.removed": (
        "{label} {value} ({scheme_name}) is geschrapt uit de Peppol-codelijst: facturen naar "
        "een ID met dit schema komen niet meer aan. Kies het schema dat het vervangt.",
        "{label} {value} ({scheme_name}) a été supprimé de la liste de codes Peppol : les "
        "factures vers un ID de ce schéma n'arrivent plus. Choisissez le schéma qui le "
        "remplace.",
        "{label} {value} ({scheme_name}) was removed from the Peppol code list: invoices to an "
        "ID under this scheme no longer arrive. Choose the scheme that replaces it.",
    ),
    "scheme.be_9925_only": (
        "Peppol-schema 9925 (btw-nummer): Belgische afzenders sturen sinds 2026 naar 0208 + het "
        "ondernemingsnummer. Gebruik schema 0208 met Peppol Endpoint ID {number}.",
        "Schéma Peppol 9925 (numéro de TVA) : depuis 2026, les expéditeurs belges envoient à "
        "0208 + le numéro d'entreprise. Utilisez le schéma 0208 avec le Peppol Endpoint ID "
        "{number}.",
        "Peppol scheme 9925 (VAT number): since 2026 Belgian senders address 0208 + the "
        "enterprise number. Use scheme 0208 with Peppol endpoint ID {number}.",
    ),
    "peppol.receives": (
        "Peppol: ontvangt facturen via {participant}",
        "Peppol : reçoit des factures via {participant}",
        "Peppol: receives invoices via {participant}",
    ),
    "peppol.only_9925": (
        "Peppol: ontvangt facturen enkel via {participant}, niet via 0208:{number}; vraag de "
        "klant zich ook onder 0208 te laten registreren",
        "Peppol : reçoit des factures uniquement via {participant}, pas via 0208:{number} ; "
        "demandez au client de s'enregistrer aussi sous 0208",
        "Peppol: receives invoices only via {participant}, not via 0208:{number}; ask the "
        "customer to register under 0208 as well",
    ),
    "peppol.no_invoice": (
        "Peppol: geregistreerd als {participant}, maar ontvangt geen facturen (BIS Billing 3.0)",
        "Peppol : enregistré comme {participant}, mais ne reçoit pas de factures (BIS Billing "
        "3.0)",
        "Peppol: registered as {participant}, but receives no invoices (BIS Billing 3.0)",
    ),
    "peppol.smp_unknown": (
        "Peppol: {participant} staat in het Peppol-adresboek (SML), maar de SMP {smp} kent het "
        "niet; facturen komen zo niet aan",
        "Peppol : {participant} figure dans l'annuaire Peppol (SML), mais le SMP {smp} ne le "
        "connaît pas ; les factures n'arrivent pas",
        "Peppol: {participant} is in the Peppol address book (SML), but the SMP {smp} does not "
        "know it; invoices will not arrive",
    ),
    "peppol.malformed": (
        "Peppol: enkel geregistreerd onder de foute ID {participant}; afzenders zoeken {right} "
        "en vinden de klant niet. Vraag de klant zijn Peppol-registratie te laten verbeteren",
        "Peppol : enregistré uniquement sous l'ID erroné {participant} ; les expéditeurs "
        "cherchent {right} et ne trouvent pas le client. Demandez-lui de faire corriger son "
        "enregistrement Peppol",
        "Peppol: registered only under the malformed ID {participant}; senders look up {right} "
        "and do not find the customer. Ask the customer to have the Peppol registration fixed",
    ),
    "peppol.not_found": (
        "Peppol: niet gevonden ({participants}); deze klant kan (nog) geen e-factuur ontvangen",
        "Peppol : introuvable ({participants}) ; ce client ne peut pas (encore) recevoir de "
        "facture électronique",
        "Peppol: not found ({participants}); this customer cannot receive an e-invoice (yet)",
    ),
    "peppol.unchecked": (
        "Peppol: niet gecontroleerd ({reason})",
        "Peppol : non vérifié ({reason})",
        "Peppol: not checked ({reason})",
    ),
    "peppol.directory_name": (
        "Peppol Directory: {name}",
        "Peppol Directory : {name}",
        "Peppol Directory: {name}",
    ),
    "vies.valid": (
        "VIES: geldig op {date}",
        "VIES : valide le {date}",
        "VIES: valid on {date}",
    ),
    "vies.valid_consultation": (
        "VIES: geldig op {date}, raadplegingsnummer {consultation}",
        "VIES : valide le {date}, numéro de consultation {consultation}",
        "VIES: valid on {date}, consultation number {consultation}",
    ),
    "vies.invalid": (
        "VIES: ongeldig op {date}: {vat} is niet (meer) voor btw geregistreerd",
        "VIES : invalide le {date} : {vat} n'est pas (plus) identifié à la TVA",
        "VIES: invalid on {date}: {vat} is not (or no longer) registered for VAT",
    ),
    "vies.invalid_input": (
        "VIES: ongeldig: VIES aanvaardt {vat} niet als btw-nummer (INVALID_INPUT)",
        "VIES : invalide : VIES n'accepte pas {vat} comme numéro de TVA (INVALID_INPUT)",
        "VIES: invalid: VIES does not accept {vat} as a VAT number (INVALID_INPUT)",
    ),
    "vies.unchecked": (
        "VIES: niet gecontroleerd ({reason})",
        "VIES : non vérifié ({reason})",
        "VIES: not checked ({reason})",
    ),
    "vies.name_differs": (
        "geregistreerde naam «{registered}» verschilt duidelijk van «{value}»",
        "le nom enregistré « {registered} » diffère nettement de « {value} »",
        "the registered name “{registered}” clearly differs from “{value}”",
    ),
    "vies.address_differs": (
        "geregistreerd adres «{registered}» verschilt duidelijk van «{value}»",
        "l'adresse enregistrée « {registered} » diffère nettement de « {value} »",
        "the registered address “{registered}” clearly differs from “{value}”",
    ),
    "online.reason.timeout": (
        "{service} antwoordde niet op tijd", "{service} n'a pas répondu à temps",
        "{service} did not answer in time",
    ),
    "online.reason.offline": (
        "geen verbinding met {service}; staat de computer online?",
        "pas de connexion avec {service} ; l'ordinateur est-il en ligne ?",
        "no connection to {service}; is the computer online?",
    ),
    "online.reason.proxy": (
        "de proxy weigerde de verbinding met {service}",
        "le proxy a refusé la connexion avec {service}",
        "the proxy refused the connection to {service}",
    ),
    "online.reason.tls": (
        "de beveiligde verbinding met {service} lukte niet (certificaat of TLS)",
        "la connexion sécurisée avec {service} a échoué (certificat ou TLS)",
        "the secure connection to {service} failed (certificate or TLS)",
    ),
    "online.reason.dns_failure": (
        "de DNS-server kon het Peppol-adresboek niet raadplegen ({detail})",
        "le serveur DNS n'a pas pu consulter l'annuaire Peppol ({detail})",
        "the DNS server could not consult the Peppol address book ({detail})",
    ),
    "online.reason.http_status": (
        "{service} antwoordde met HTTP {status}", "{service} a répondu HTTP {status}",
        "{service} answered HTTP {status}",
    ),
    "online.reason.bad_response": (
        "onleesbaar antwoord van {service}", "réponse illisible de {service}",
        "unreadable answer from {service}",
    ),
    "online.reason.empty": (
        "leeg antwoord van {service}", "réponse vide de {service}", "empty answer from {service}",
    ),
    "online.reason.not_https": (
        "het SMP-adres {detail} is geen https-adres", "l'adresse SMP {detail} n'est pas en https",
        "the SMP address {detail} is not https",
    ),
    "online.reason.no_smp": (
        "het Peppol-adresboek geeft geen bruikbaar SMP-adres",
        "l'annuaire Peppol ne donne pas d'adresse SMP utilisable",
        "the Peppol address book gives no usable SMP address",
    ),
    "online.reason.busy": (
        "{service} is overbelast ({detail}); probeer later opnieuw",
        "{service} est surchargé ({detail}) ; réessayez plus tard",
        "{service} is overloaded ({detail}); try again later",
    ),
    "online.reason.vies_down": (
        "VIES is niet beschikbaar", "VIES n'est pas disponible", "VIES is not available",
    ),
    "online.reason.ms_unavailable": (
        "de btw-databank van {country} is niet beschikbaar",
        "la base TVA de {country} n'est pas disponible",
        "the VAT database of {country} is not available",
    ),
    "online.reason.requester": (
        "VIES weigert uw eigen btw-nummer {detail}; controleer de instelling",
        "VIES refuse votre propre numéro de TVA {detail} ; vérifiez le réglage",
        "VIES refuses your own VAT number {detail}; check the setting",
    ),
    "online.reason.blocked": (
        "VIES weigert de vraag ({detail})", "VIES refuse la demande ({detail})",
        "VIES refuses the request ({detail})",
    ),
    "online.reason.not_vies": (
        "{country} zit niet in VIES", "{country} ne fait pas partie de VIES",
        "{country} is not part of VIES",
    ),
    "online.reason.no_vat": (
        "geen btw-nummer of landcode", "pas de numéro de TVA ni de code pays",
        "no VAT number or country code",
    ),
    "online.reason.vat_invalid": (
        "het btw-nummer is al zonder internet ongeldig; verbeter het eerst",
        "le numéro de TVA est déjà invalide hors ligne ; corrigez-le d'abord",
        "the VAT number is already invalid offline; correct it first",
    ),
    "online.reason.no_peppol_id": (
        "geen Peppol-ID en geen Belgisch ondernemingsnummer in deze rij",
        "pas d'ID Peppol ni de numéro d'entreprise belge dans cette ligne",
        "no Peppol ID and no Belgian enterprise number in this row",
    ),
    "online.reason.error": (
        "onverwachte fout bij {service}: {detail}", "erreur inattendue avec {service} : {detail}",
        "unexpected error with {service}: {detail}",
    ),
    # --- issue 9: columns recognised by words and values, nothing dropped in silence ---------
    "header.data_dropped": (
        "Kolom «{value}» bevat gegevens (bv. {examples}) maar hoort bij geen NumNum-veld: ze "
        "worden niet geïmporteerd. Koppel ze aan een veld (--map \"{value}=veld\") of sla ze "
        "bewust over (--skip \"{value}\").",
        "La colonne « {value} » contient des données (p.ex. {examples}) mais ne correspond à "
        "aucun champ NumNum : elles ne seront pas importées. Associez-la à un champ "
        "(--map \"{value}=champ\") ou ignorez-la volontairement (--skip \"{value}\").",
        "Column “{value}” holds data (e.g. {examples}) but matches no NumNum field: it will "
        "not be imported. Map it to a field (--map \"{value}=field\") or skip it on purpose "
        "(--skip \"{value}\").",
    ),
    "header.secondary_dropped": (
        "Kolom «{value}» is een tweede adres of contact ({reason}) en wordt niet geïmporteerd, "
        "maar bevat gegevens (bv. {examples}). NumNum kent één adres per klant: sla ze bewust "
        "over (--skip \"{value}\") of koppel ze toch (--map \"{value}=veld\").",
        "La colonne « {value} » est une deuxième adresse ou un autre contact ({reason}) et ne "
        "sera pas importée, mais elle contient des données (p.ex. {examples}). NumNum n'a "
        "qu'une adresse par client : ignorez-la volontairement (--skip \"{value}\") ou "
        "associez-la quand même (--map \"{value}=champ\").",
        "Column “{value}” is a second address or contact ({reason}) and will not be imported, "
        "but it holds data (e.g. {examples}). NumNum has one address per customer: skip it on "
        "purpose (--skip \"{value}\") or map it anyway (--map \"{value}=field\").",
    ),
    "header.not_in_numnum": (
        "Kolom «{value}» ({reason}) heeft geen NumNum-veld en wordt niet geïmporteerd, maar "
        "bevat gegevens (bv. {examples}). Sla ze bewust over (--skip \"{value}\") of bewaar "
        "ze in de interne notities (--map \"{value}=private_notes\").",
        "La colonne « {value} » ({reason}) n'a pas de champ NumNum et ne sera pas importée, "
        "mais elle contient des données (p.ex. {examples}). Ignorez-la volontairement "
        "(--skip \"{value}\") ou gardez-la dans les notes internes "
        "(--map \"{value}=private_notes\").",
        "Column “{value}” ({reason}) has no NumNum field and will not be imported, but it "
        "holds data (e.g. {examples}). Skip it on purpose (--skip \"{value}\") or keep it in "
        "the private notes (--map \"{value}=private_notes\").",
    ),
    "header.duplicate_data": (
        "Kolom «{value}» is ook {label}, maar kolom {other} levert dat veld al; haar andere "
        "gegevens (bv. {examples}) worden niet geïmporteerd. Kies één kolom (--map) of sla "
        "deze bewust over (--skip \"{value}\").",
        "La colonne « {value} » est aussi {label}, mais la colonne {other} fournit déjà ce "
        "champ ; ses autres données (p.ex. {examples}) ne seront pas importées. Choisissez une "
        "colonne (--map) ou ignorez celle-ci volontairement (--skip \"{value}\").",
        "Column “{value}” is also {label}, but column {other} already feeds that field; its "
        "other data (e.g. {examples}) will not be imported. Choose one column (--map) or skip "
        "this one on purpose (--skip \"{value}\").",
    ),
    "header.by_values": (
        "Kolom «{value}» is gekoppeld aan {label} op basis van de waarden ({evidence}). "
        "Controleer dit; anders: --map of --skip.",
        "La colonne « {value} » est associée à {label} d'après ses valeurs ({evidence}). "
        "Vérifiez ; sinon : --map ou --skip.",
        "Column “{value}” was mapped to {label} because of its values ({evidence}). Check "
        "this; otherwise use --map or --skip.",
    ),
    "header.combined": (
        "De kolommen {value} worden samengevoegd tot {label} (bv. «{example}»). Niet gewenst? "
        "Kies zelf met --map of sla een kolom over met --skip.",
        "Les colonnes {value} sont réunies en {label} (p.ex. « {example} »). Pas souhaité ? "
        "Choisissez avec --map ou ignorez une colonne avec --skip.",
        "Columns {value} are combined into {label} (e.g. “{example}”). Not wanted? Choose with "
        "--map or skip a column with --skip.",
    ),
    "sheet.title_rows": (
        "De kopregel staat op rij {row}; de rij(en) erboven ({value}) zijn als titel "
        "overgeslagen.",
        "L'en-tête est en ligne {row} ; la ou les lignes au-dessus ({value}) sont ignorées "
        "comme titre.",
        "The header is on row {row}; the row(s) above it ({value}) were skipped as a title.",
    ),
    "sheet.chosen": (
        "Blad «{value}» gekozen: het lijkt het meest op een klantenlijst ({count} herkende "
        "kolommen). Een ander blad? Gebruik --sheet.",
        "Feuille « {value} » choisie : elle ressemble le plus à une liste de clients ({count} "
        "colonnes reconnues). Une autre feuille ? Utilisez --sheet.",
        "Sheet “{value}” chosen: it looks most like a customer list ({count} columns "
        "recognised). Another sheet? Use --sheet.",
    ),
    "sheet.no_header_row": (
        "De eerste rij lijkt gegevens en geen kopregel (bv. «{value}»). Zet NumNum's kopregel "
        "erboven met «numnum-xl header BESTAND» (of de knop Kopregel) en controleer opnieuw.",
        "La première ligne ressemble à des données, pas à un en-tête (p.ex. « {value} »). "
        "Ajoutez l'en-tête de NumNum avec « numnum-xl header FICHIER » (ou le bouton En-tête) "
        "et vérifiez à nouveau.",
        "The first row looks like data, not a header (e.g. “{value}”). Put NumNum's header "
        "above it with “numnum-xl header FILE” (or the Header button) and check again.",
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
