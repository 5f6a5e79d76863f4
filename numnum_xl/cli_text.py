"""The command line in the user's language: argparse's own words, help texts, command names.

The language is the ``--lang`` on the command line, else ``NUMNUM_XL_LANG``, else Dutch
(:func:`detect_lang`). Help texts are written in Dutch in the command modules; :data:`HELP`
gives each one in French and English, keyed by the Dutch text (as gettext keys on its source
text), and :func:`translate_parser` swaps them in. argparse's own strings ("usage:", "error:",
"the following arguments are required") come from :data:`ARGPARSE` through
:func:`argparse_language`. Command names are English; the Dutch name of each is an alias
(:data:`ALIASES`), and the names that were there before keep working.

>>> detect_lang(["validate", "x.xlsx", "--lang", "fr"]), detect_lang(["map", "--lang=en"])
('fr', 'en')
>>> help_text("toon alleen het plan; verstuur niets", "fr")
"n'affiche que le plan ; n'envoie rien"
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Sequence

LANGS = ("nl", "fr", "en")
ENV_LANG = "NUMNUM_XL_LANG"

#: argparse's own messages (its English msgid) -> (nl, fr).
ARGPARSE: dict[str, tuple[str, str]] = {
    "usage: ": ("gebruik: ", "utilisation : "),
    "positional arguments": ("argumenten", "arguments"),
    "options": ("opties", "options"),
    "show this help message and exit": ("toon deze hulp en stop", "affiche cette aide et quitte"),
    "%(prog)s: error: %(message)s\n": ("%(prog)s: fout: %(message)s\n",
                                       "%(prog)s : erreur : %(message)s\n"),
    "the following arguments are required: %s": ("deze argumenten ontbreken: %s",
                                                 "ces arguments sont obligatoires : %s"),
    "unrecognized arguments: %s": ("onbekende argumenten: %s", "arguments inconnus : %s"),
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
        "choix invalide : %(value)r (choisissez parmi %(choices)s)"),
    "argument %(argument_name)s: %(message)s": ("argument %(argument_name)s: %(message)s",
                                                "argument %(argument_name)s : %(message)s"),
    "expected one argument": ("verwacht één waarde", "attend une valeur"),
    "expected at least one argument": ("verwacht minstens één waarde",
                                       "attend au moins une valeur"),
    "expected at most one argument": ("verwacht hoogstens één waarde",
                                      "attend au plus une valeur"),
    "invalid %(type)s value: %(value)r": ("ongeldige waarde (%(type)s): %(value)r",
                                          "valeur invalide (%(type)s) : %(value)r"),
    "not allowed with argument %s": ("niet samen met argument %s",
                                     "pas permis avec l'argument %s"),
    "one of the arguments %s is required": ("een van de argumenten %s is verplicht",
                                            "l'un des arguments %s est obligatoire"),
    "ambiguous option: %(option)s could match %(matches)s": (
        "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
        "option ambiguë : %(option)s peut être %(matches)s"),
    "ignored explicit argument %r": ("genegeerd argument %r", "argument ignoré %r"),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "onbekende opdracht %(parser_name)r (kies uit: %(choices)s)",
        "commande inconnue %(parser_name)r (choix : %(choices)s)"),
    "can't open '%(filename)s': %(error)s": ("kan '%(filename)s' niet openen: %(error)s",
                                             "impossible d'ouvrir '%(filename)s' : %(error)s"),
    "show program's version number and exit": ("toon het versienummer en stop",
                                               "affiche le numéro de version et quitte"),
}

#: English command name -> its Dutch alias; (parent command, English, Dutch) for subcommands.
ALIASES: dict[str, str] = {
    "template": "sjabloon", "map": "koppel", "header": "kopregel", "validate": "valideer",
    "duplicates": "duplicaten", "clear": "wis", "push": "verstuur",
}
#: Subcommands whose existing name is Dutch: (parent, Dutch name, English name shown first).
SUB_ALIASES: tuple[tuple[str, str, str], ...] = (
    ("exact", "relaties", "relations"), ("exact", "boekingen", "entries"),
    ("exact", "controleer", "check"), ("exact", "sjabloon", "template"),
)

#: Dutch help text -> (French, English).
HELP: dict[str, tuple[str, str]] = {
    "Controleer een klantenlijst in Excel voor ze naar NumNum gaat.": (
        "Vérifiez une liste de clients dans Excel avant de l'envoyer à NumNum.",
        "Check a customer list in Excel before it goes into NumNum."),
    "maak het voorbeeldbestand met alle NumNum-kolommen": (
        "crée le fichier modèle avec toutes les colonnes NumNum",
        "write the sample file with every NumNum column"),
    "toon de kolomkoppeling (en bewaar ze als profiel)": (
        "affiche l'association des colonnes (et l'enregistre comme profil)",
        "show the column mapping (and save it as a profile)"),
    "zet NumNum's kopregel boven de gegevens": (
        "place l'en-tête de NumNum au-dessus des données",
        "put NumNum's header row above the data"),
    "controleer een klantenlijst en markeer elke fout in een kopie": (
        "vérifie une liste de clients et marque chaque erreur dans une copie",
        "check a customer list and mark every error in a copy"),
    "zoek klanten die meer dan eens voorkomen (ook in uw NumNum-account)": (
        "cherche les clients présents plus d'une fois (aussi dans votre compte NumNum)",
        "find customers that occur more than once (also in your NumNum account)"),
    "wis de NumNum-markeringen (eigen kleuren en notities blijven)": (
        "efface les marques NumNum (vos couleurs et notes restent)",
        "remove NumNum's marks (your own colours and notes stay)"),
    "stuur een klantenlijst naar NumNum (of naar de lokale oefenomgeving)": (
        "envoie une liste de clients à NumNum (ou à l'environnement d'essai local)",
        "send a customer list to NumNum (or to the local sandbox)"),
    "start een lokale NumNum-API-sandbox (testen zonder account)": (
        "démarre un bac à sable local de l'API NumNum (tester sans compte)",
        "start a local NumNum API sandbox (test without an account)"),
    "bewaar of wis het NumNum API-token in de sleutelhanger van het systeem": (
        "enregistre ou efface le jeton d'API NumNum dans le trousseau du système",
        "store or remove the NumNum API token in the system keyring"),
    "de NumNum-tab voor Excel (numnum.xlam) bouwen of installeren": (
        "construit ou installe l'onglet NumNum pour Excel (numnum.xlam)",
        "build or install the NumNum tab for Excel (numnum.xlam)"),
    "relaties en verkoopboekingen voor Exact Online (CSV-import)": (
        "relations et écritures de vente pour Exact Online (import CSV)",
        "relations and sales entries for Exact Online (CSV import)"),
    "Schrijf NumNum's voorbeeldbestand: alle kolommen in de juiste volgorde, verplichte "
    "kolommen gemarkeerd, keuzelijsten en tekstopmaak voor nummers.": (
        "Écrit le fichier modèle de NumNum : toutes les colonnes dans le bon ordre, les "
        "colonnes obligatoires marquées, des listes de choix et le format texte pour les "
        "numéros.",
        "Write NumNum's sample file: every column in the right order, required columns "
        "marked, dropdowns and text format for numbers."),
    "het te maken bestand": ("le fichier à créer", "the file to write"),
    "overschrijf een bestaand bestand": ("écrase un fichier existant",
                                         "overwrite an existing file"),
    "Toon welke kolom naar welk NumNum-veld gaat, welke kolommen niet herkend zijn en welke "
    "verplichte velden ontbreken.": (
        "Affiche quelle colonne va vers quel champ NumNum, quelles colonnes ne sont pas "
        "reconnues et quels champs obligatoires manquent.",
        "Show which column goes to which NumNum field, which columns are not recognised and "
        "which required fields are missing."),
    "Toon welke kolom naar welk NumNum-veld gaat, waarom (kolomnaam, woorden, waarden), welke "
    "kolommen niet herkend zijn en welke verplichte velden ontbreken.": (
        "Affiche quelle colonne va vers quel champ NumNum, pourquoi (nom de colonne, mots, "
        "valeurs), quelles colonnes ne sont pas reconnues et quels champs obligatoires "
        "manquent.",
        "Show which column goes to which NumNum field, why (column name, words, values), which "
        "columns are not recognised and which required fields are missing."),
    "klantenlijst: .xlsx, .xlsm, .xls of .csv": ("liste de clients : .xlsx, .xlsm, .xls ou .csv",
                                                 "customer list: .xlsx, .xlsm, .xls or .csv"),
    "naam van het blad (standaard: het eerste zichtbare blad)": (
        "nom de la feuille (par défaut : la première feuille visible)",
        "name of the sheet (default: the first visible sheet)"),
    "bewaard koppelingsprofiel (naam of pad naar .json)": (
        "profil d'association enregistré (nom ou chemin vers un .json)",
        "saved mapping profile (name or path to a .json)"),
    'koppel een kolom aan een NumNum-veld, bv. "BTW nr=vat_id"; herhaal voor een combinatie: '
    '"Voornaam=title" "Naam=title"': (
        'associe une colonne à un champ NumNum, p.ex. "N° TVA=vat_id" ; répétez pour une '
        'combinaison : "Prénom=title" "Nom=title"',
        'map a column to a NumNum field, e.g. "VAT no=vat_id"; repeat to combine: '
        '"First name=title" "Name=title"'),
    "kolom niet importeren": ("ne pas importer cette colonne", "do not import this column"),
    "taal van de meldingen (nl, fr, en)": ("langue des messages (nl, fr, en)",
                                           "language of the messages (nl, fr, en)"),
    "bewaar deze koppeling als profiel om later te hergebruiken": (
        "enregistre cette association comme profil pour la réutiliser",
        "save this mapping as a profile to use again later"),
    "de koppeling als JSON": ("l'association en JSON", "the mapping as JSON"),
    "Hernoemt herkende kolomkoppen naar NumNum's kolomnamen, of voegt NumNum's kopregel (in de "
    "volgorde van het voorbeeldbestand) in boven gegevens zonder kopregel.": (
        "Renomme les en-têtes reconnus avec les noms de colonnes de NumNum, ou insère l'en-tête "
        "de NumNum (dans l'ordre du fichier modèle) au-dessus de données sans en-tête.",
        "Renames recognised column headers to NumNum's column names, or inserts NumNum's "
        "header row (in the sample file's order) above data without one."),
    "pad van de kopie (standaard NAAM.kopregel.xlsx)": (
        "chemin de la copie (par défaut NOM.kopregel.xlsx)",
        "path of the copy (default NAME.kopregel.xlsx)"),
    "wijzig het bestand zelf (er wordt eerst een reservekopie gemaakt)": (
        "modifie le fichier lui-même (une copie de sécurité est faite d'abord)",
        "change the file itself (a backup is made first)"),
    "Controleer elke cel zoals NumNum ze zou importeren. Schrijft een gecontroleerde kopie "
    "(rood = fout, oranje = waarschuwing, met uitleg in een notitie) of, met --json, de "
    "bevindingen als JSON.": (
        "Vérifie chaque cellule comme NumNum l'importerait. Écrit une copie contrôlée (rouge = "
        "erreur, orange = avertissement, avec une explication en note) ou, avec --json, les "
        "constats en JSON.",
        "Check every cell the way NumNum would import it. Writes a checked copy (red = error, "
        "orange = warning, explained in a note) or, with --json, the findings as JSON."),
    "bevindingen als JSON op stdout (schrijft geen werkmap tenzij -o)": (
        "les constats en JSON sur stdout (n'écrit pas de classeur sauf avec -o)",
        "findings as JSON on stdout (writes no workbook unless -o)"),
    "pad van de gecontroleerde kopie (standaard NAAM.gecontroleerd.xlsx)": (
        "chemin de la copie contrôlée (par défaut NOM.gecontroleerd.xlsx)",
        "path of the checked copy (default NAME.gecontroleerd.xlsx)"),
    "markeer in het bestand zelf (er wordt eerst een reservekopie gemaakt)": (
        "marque dans le fichier lui-même (une copie de sécurité est faite d'abord)",
        "mark the file itself (a backup is made first)"),
    "pas de veilige correcties toe (btw-opmaak en -landcode, landnamen, spaties, hoofdletters, "
    "voor- en familienaam) en toon elke wijziging; ontbrekende kolommen daarvoor worden in de "
    "kopie toegevoegd": (
        "applique les corrections sûres (format et code pays de la TVA, noms de pays, espaces, "
        "majuscules, prénom et nom) et affiche chaque modification ; les colonnes manquantes "
        "pour cela sont ajoutées dans la copie",
        "apply the safe fixes (VAT layout and country code, country names, spaces, capitals, "
        "first and last name) and show every change; columns they need are added to the copy"),
    "Verwijdert de kleuren, notities en het blad NumNum-controle die numnum-xl toevoegde, en zet "
    "de oorspronkelijke opvulling en notities van de cellen terug.": (
        "Retire les couleurs, notes et la feuille NumNum-controle ajoutées par numnum-xl, et "
        "remet le remplissage et les notes d'origine des cellules.",
        "Removes the colours, notes and the NumNum-controle sheet numnum-xl added, and puts "
        "back the cells' own fill and notes."),
    "een gemarkeerde werkmap (.xlsx of .xlsm)": ("un classeur marqué (.xlsx ou .xlsm)",
                                                 "a marked workbook (.xlsx or .xlsm)"),
    "schrijf het resultaat naar dit bestand in plaats van het bestand zelf": (
        "écrit le résultat dans ce fichier au lieu du fichier lui-même",
        "write the result to this file instead of the file itself"),
    "geen reservekopie maken als het bestand zelf herschreven wordt": (
        "pas de copie de sécurité quand le fichier lui-même est réécrit",
        "no backup when the file itself is rewritten"),
    "Controleer de klantenlijst en stuur de foutloze rijen naar NumNum, met de opties van "
    "NumNums importvenster. Zonder NumNum-account gaat alles naar de lokale oefenomgeving "
    "(sandbox). Een onderbroken import gaat verder waar hij stopte als u dezelfde opdracht "
    "opnieuw geeft.": (
        "Vérifie la liste de clients et envoie les lignes sans erreur à NumNum, avec les "
        "options de la fenêtre d'import de NumNum. Sans compte NumNum, tout va vers "
        "l'environnement d'essai local (sandbox). Un import interrompu reprend où il s'est "
        "arrêté si vous relancez la même commande.",
        "Check the customer list and send the rows without errors to NumNum, with the options "
        "of NumNum's import window. Without a NumNum account everything goes to the local "
        "sandbox. An interrupted import continues where it stopped when you run the same "
        "command again."),
    "importopties (zoals in NumNum)": ("options d'import (comme dans NumNum)",
                                       "import options (as in NumNum)"),
    "importeren als klant, leverancier of beide (customer/supplier/both; standaard klant)": (
        "importer comme client, fournisseur ou les deux (klant/leverancier/beide ; par défaut "
        "client)",
        "import as customer, supplier or both (klant/leverancier/beide; default customer)"),
    "contactpersonen ook importeren (standaard ja)": (
        "importer aussi les personnes de contact (par défaut oui)",
        "also import the contact persons (default yes)"),
    "als een klant al bestaat: overslaan, overschrijven of nieuw aanmaken (skip/overwrite/new; "
    "standaard overslaan)": (
        "si un client existe déjà : ignorer, écraser ou en créer un nouveau "
        "(overslaan/overschrijven/nieuw ; par défaut ignorer)",
        "when a customer exists already: skip, overwrite or create a new one "
        "(overslaan/overschrijven/nieuw; default skip)"),
    "eerst verwijderen: nee, de eerder geïmporteerde klanten, of alles (no/previous/all). Er "
    "wordt eerst een reservekopie gemaakt en om bevestiging gevraagd.": (
        "supprimer d'abord : non, les clients importés avant, ou tout (nee/eerder/alles). Une "
        "copie de sécurité est faite et une confirmation demandée.",
        "delete first: no, the previously imported customers, or all (nee/eerder/alles). A "
        "backup is made and a confirmation asked first."),
    "een klant die waarschijnlijk al bestaat (zelfde e-mailadres of naam, niet zeker): "
    "overslaan of toch versturen (skip/send; standaard overslaan). Zekere duplicaten volgen "
    "--duplicaten.": (
        "un client qui existe probablement déjà (même adresse e-mail ou nom, pas sûr) : "
        "l'ignorer ou l'envoyer quand même (overslaan/versturen ; par défaut ignorer). Les "
        "doublons sûrs suivent --duplicaten.",
        "a customer that probably exists already (same email address or name, not certain): "
        "skip it or send it anyway (overslaan/versturen; default skip). Certain duplicates "
        "follow --duplicaten."),
    "(standaard) de veilige correcties van validate --fix worden toegepast op wat verstuurd "
    "wordt; het plan toont ze": (
        "(par défaut) les corrections sûres de validate --fix sont appliquées à ce qui est "
        "envoyé ; le plan les affiche",
        "(default) the safe fixes of validate --fix are applied to what is sent; the plan "
        "shows them"),
    "verstuur de cellen zoals ze in het blad staan, zonder de veilige correcties (rijen met "
    "fouten worden dan overgeslagen)": (
        "envoie les cellules telles qu'elles sont dans la feuille, sans les corrections sûres "
        "(les lignes avec erreurs sont alors ignorées)",
        "send the cells as they are in the sheet, without the safe fixes (rows with errors are "
        "then skipped)"),
    "Windows: Python blijft tussen twee klikken draaien (xlwings' USE UDF SERVER), zodat een "
    "klik niet telkens Python start": (
        "Windows : Python reste actif entre deux clics (USE UDF SERVER de xlwings), pour qu'un "
        "clic ne relance pas Python à chaque fois",
        "Windows: Python keeps running between clicks (xlwings' USE UDF SERVER), so a click "
        "does not start Python every time"),
    "toon alleen het plan; verstuur niets": ("n'affiche que le plan ; n'envoie rien",
                                             "show the plan only; send nothing"),
    "bevestig het verwijderen zonder te vragen (voor scripts)": (
        "confirme la suppression sans demander (pour les scripts)",
        "confirm the deletion without asking (for scripts)"),
    "NumNum-API-adres, bv. https://HOST/api/v1 (token uit NUMNUM_API_TOKEN of de sleutelhanger, "
    "dienst numnum-xl)": (
        "adresse de l'API NumNum, p.ex. https://HOST/api/v1 (jeton dans NUMNUM_API_TOKEN ou le "
        "trousseau, service numnum-xl)",
        "NumNum API address, e.g. https://HOST/api/v1 (token from NUMNUM_API_TOKEN or the "
        "keyring, service numnum-xl)"),
    "stuur naar de lokale oefenomgeving (sandbox)": (
        "envoie vers l'environnement d'essai local (sandbox)",
        "send to the local sandbox"),
    "zoveel rijen tegelijk versturen (1-16, standaard 4)": (
        "envoie autant de lignes à la fois (1-16, par défaut 4)",
        "send this many rows at a time (1-16, default 4)"),
    "pas eerst de veilige correcties toe (zoals validate --fix)": (
        "applique d'abord les corrections sûres (comme validate --fix)",
        "apply the safe fixes first (like validate --fix)"),
    "pad van de kopie met de resultaten (standaard NAAM.numnum-import.xlsx)": (
        "chemin du classeur des résultats (par défaut NOM.numnum-import.xlsx)",
        "path of the results workbook (default NAME.numnum-import.xlsx)"),
    "ga niet verder met een onderbroken import, begin een nieuwe": (
        "ne reprend pas un import interrompu, en commence un nouveau",
        "do not continue an interrupted import, start a new one"),
    "bewaar het API-adres en de importopties als standaard": (
        "enregistre l'adresse de l'API et les options d'import par défaut",
        "save the API address and the import options as the defaults"),
    "Relaties en verkoopboekingen voor Exact Online: controleren in Excel en als CSV schrijven "
    "voor een importprofiel dat u één keer instelt.": (
        "Relations et écritures de vente pour Exact Online : vérifier dans Excel et écrire en "
        "CSV pour un profil d'import que vous configurez une fois.",
        "Relations and sales entries for Exact Online: checked in Excel and written as CSV for "
        "an import profile you set up once."),
    "klantenlijst → relaties-CSV met vaste relatiecodes": (
        "liste de clients → CSV de relations avec des codes relation stables",
        "customer list → relations CSV with stable relation codes"),
    "verkoopregels → boekingen-CSV (alleen zonder fouten)": (
        "lignes de vente → CSV d'écritures (seulement sans erreurs)",
        "sales lines → entries CSV (only without errors)"),
    "controleer een blad met verkoopregels en markeer elke fout": (
        "vérifie une feuille de lignes de vente et marque chaque erreur",
        "check a sheet of sales lines and mark every error"),
    "maak het sjabloon voor verkoopregels": ("crée le modèle pour les lignes de vente",
                                             "write the template for sales lines"),
    # duplicates, token, addin, exact: options
    "Zoek rijen die dezelfde klant zijn: zelfde extern ID of btw-nummer (zeker), zelfde "
    "e-mailadres of (bijna) dezelfde naam op dezelfde postcode of plaats (mogelijk). Met een "
    "NumNum-account ook de rijen die daar al bestaan. Schrijft een kopie met die rijen in lila, "
    "met uitleg in een notitie, of met --json de groepen als JSON.": (
        "Cherche les lignes qui sont le même client : même ID externe ou numéro de TVA (sûr), "
        "même adresse e-mail ou (presque) même nom au même code postal ou à la même localité "
        "(possible). Avec un compte NumNum, aussi les lignes qui y existent déjà. Écrit une "
        "copie avec ces lignes en lilas, expliquées dans une note, ou avec --json les groupes "
        "en JSON.",
        "Find rows that are the same customer: same external ID or VAT number (certain), same "
        "email address or (nearly) the same name at the same postcode or place (possible). "
        "With a NumNum account also the rows that exist there already. Writes a copy with "
        "those rows in lavender, explained in a note, or with --json the groups as JSON."),
    "Zoek rijen die dezelfde klant zijn, op alle gegevens samen: zelfde btw-nummer of extern ID "
    "(zeker, tenzij iets sterks het tegenspreekt), zelfde e-mailadres of (bijna) dezelfde naam "
    "op dezelfde postcode of plaats (mogelijk); twee verschillende btw-nummers zijn twee "
    "klanten. Met een NumNum-account ook de rijen die daar al bestaan. Schrijft een kopie met "
    "die rijen in lila, met uitleg in een notitie, of met --json de groepen als JSON.": (
        "Cherche les lignes qui sont le même client, sur toutes les données ensemble : même "
        "numéro de TVA ou ID externe (sûr, sauf si un élément fort le contredit), même adresse "
        "e-mail ou (presque) même nom au même code postal ou à la même localité (possible) ; "
        "deux numéros de TVA différents sont deux clients. Avec un compte NumNum, aussi les "
        "lignes qui y existent déjà. Écrit une copie avec ces lignes en lilas, expliquées dans "
        "une note, ou avec --json les groupes en JSON.",
        "Find rows that are the same customer, on all their data together: same VAT number or "
        "external ID (certain, unless something strong contradicts it), same email address or "
        "(nearly) the same name at the same postcode or place (possible); two different VAT "
        "numbers are two customers. With a NumNum account also the rows that exist there "
        "already. Writes a copy with those rows in lavender, explained in a note, or with "
        "--json the groups as JSON."),
    "de groepen als JSON op stdout (schrijft geen werkmap tenzij -o)": (
        "les groupes en JSON sur stdout (n'écrit pas de classeur sauf avec -o)",
        "the groups as JSON on stdout (writes no workbook unless -o)"),
    "pad van de gemarkeerde kopie (standaard NAAM.duplicaten.xlsx)": (
        "chemin de la copie marquée (par défaut NOM.duplicaten.xlsx)",
        "path of the marked copy (default NAME.duplicaten.xlsx)"),
    "vergelijk ook met de klanten in uw NumNum-account (gebeurt vanzelf als er een account is "
    "ingesteld)": (
        "compare aussi avec les clients de votre compte NumNum (automatique si un compte est "
        "configuré)",
        "also compare with the customers in your NumNum account (automatic when an account is "
        "set up)"),
    "vergelijk met de lokale oefenomgeving (numnum-xl sandbox)": (
        "compare avec l'environnement d'essai local (numnum-xl sandbox)",
        "compare with the local sandbox (numnum-xl sandbox)"),
    "vergelijk alleen de rijen van het blad onderling": (
        "compare seulement les lignes de la feuille entre elles",
        "compare only the rows of the sheet with each other"),
    "adres van de NumNum-API (standaard NUMNUM_API_URL of de instellingen); het token komt uit "
    "NUMNUM_API_TOKEN of de sleutelhanger": (
        "adresse de l'API NumNum (par défaut NUMNUM_API_URL ou les réglages) ; le jeton vient "
        "de NUMNUM_API_TOKEN ou du trousseau",
        "address of the NumNum API (default NUMNUM_API_URL or the settings); the token comes "
        "from NUMNUM_API_TOKEN or the keyring"),
    "NumNum-account": ("compte NumNum", "NumNum account"),
    "set: vraag het token en bewaar het; clear: wis het": (
        "set : demande le jeton et l'enregistre ; clear : l'efface",
        "set: ask for the token and store it; clear: remove it"),
    "het API-adres waarvoor het token geldt (standaard het ingestelde adres)": (
        "l'adresse d'API pour laquelle le jeton vaut (par défaut l'adresse configurée)",
        "the API address the token is for (default the configured address)"),
    "De Excel-add-in numnum.xlam: een NumNum-tab op het lint van Excel.": (
        "Le complément Excel numnum.xlam : un onglet NumNum dans le ruban d'Excel.",
        "The Excel add-in numnum.xlam: a NumNum tab on Excel's ribbon."),
    "Bouwt numnum.xlam, byte voor byte reproduceerbaar, uit ribbon/customUI.xml, addin/*.bas en "
    "het sjabloon van xlwings.": (
        "Construit numnum.xlam, reproductible octet par octet, à partir de "
        "ribbon/customUI.xml, addin/*.bas et du modèle de xlwings.",
        "Builds numnum.xlam, reproducible byte for byte, from ribbon/customUI.xml, addin/*.bas "
        "and xlwings' template."),
    "waar het bestand komt (standaard: numnum_xl/data/numnum.xlam, de meegeleverde kopie)": (
        "où écrire le fichier (par défaut : numnum_xl/data/numnum.xlam, la copie fournie)",
        "where the file goes (default: numnum_xl/data/numnum.xlam, the bundled copy)"),
    "niets schrijven: afsluitcode 1 als de meegeleverde kopie verouderd is": (
        "n'écrit rien : code de sortie 1 si la copie fournie est dépassée",
        "write nothing: exit status 1 when the bundled copy is out of date"),
    "ook bouwen met een andere xlwings-versie dan de vastgepinde": (
        "construit aussi avec une autre version de xlwings que celle fixée",
        "build also with another xlwings version than the pinned one"),
    "Kopieert numnum.xlam naar de opstartmap van Excel en stelt in welke Python de knoppen "
    "gebruiken (deze).": (
        "Copie numnum.xlam dans le dossier de démarrage d'Excel et règle quel Python les "
        "boutons utilisent (celui-ci).",
        "Copies numnum.xlam to Excel's startup folder and sets which Python the buttons use "
        "(this one)."),
    "naar deze map kopiëren in plaats van de opstartmap van Excel": (
        "copie dans ce dossier au lieu du dossier de démarrage d'Excel",
        "copy to this folder instead of Excel's startup folder"),
    "numnum.conf niet schrijven": ("n'écrit pas numnum.conf", "do not write numnum.conf"),
    "Controleer een klantenlijst zoals numnum-xl validate (plus unieke relatiecodes) en schrijf "
    "ze als relaties-CSV voor Exact Online. Zonder fouten: het CSV-bestand; met fouten: een "
    "gecontroleerde kopie, exit 1.": (
        "Vérifie une liste de clients comme numnum-xl validate (plus des codes relation "
        "uniques) et l'écrit en CSV de relations pour Exact Online. Sans erreurs : le fichier "
        "CSV ; avec erreurs : une copie contrôlée, code de sortie 1.",
        "Check a customer list like numnum-xl validate (plus unique relation codes) and write "
        "it as a relations CSV for Exact Online. Without errors: the CSV file; with errors: a "
        "checked copy, exit 1."),
    "het te schrijven CSV-bestand": ("le fichier CSV à écrire", "the CSV file to write"),
    "coderegister (standaard NAAM.exact-relatiecodes.json naast FILE)": (
        "registre des codes (par défaut NOM.exact-relatiecodes.json à côté de FILE)",
        "code register (default NAME.exact-relatiecodes.json beside FILE)"),
    "eerste relatiecode om toe te kennen als het register leeg is": (
        "premier code relation à attribuer quand le registre est vide",
        "first relation code to give when the register is empty"),
    "relaties die al in Exact staan (export met kolom Code): hun codes worden nooit aan een "
    "nieuwe klant gegeven": (
        "relations déjà dans Exact (export avec une colonne Code) : leurs codes ne sont jamais "
        "donnés à un nouveau client",
        "relations already in Exact (an export with a Code column): their codes are never "
        "given to a new customer"),
    "scheidingsteken in het CSV-bestand (standaard ;)": (
        "séparateur dans le fichier CSV (par défaut ;)",
        "delimiter in the CSV file (default ;)"),
    "Controleer de verkoopregels en schrijf ze als CSV voor Exact Online; de geëxporteerde "
    "factuurnummers worden bijgehouden zodat geen factuur dubbel geïmporteerd wordt.": (
        "Vérifie les lignes de vente et les écrit en CSV pour Exact Online ; les numéros de "
        "facture exportés sont retenus pour qu'aucune facture ne soit importée deux fois.",
        "Check the sales lines and write them as CSV for Exact Online; the exported invoice "
        "numbers are remembered so that no invoice is imported twice."),
    "verkoopregels: .xlsx, .xlsm, .xls of .csv": ("lignes de vente : .xlsx, .xlsm, .xls ou .csv",
                                                  "sales lines: .xlsx, .xlsm, .xls or .csv"),
    "naam van het blad (standaard: het eerste zichtbare)": (
        "nom de la feuille (par défaut : la première visible)",
        "name of the sheet (default: the first visible one)"),
    "relaties in Exact (CSV van exact relaties of een Exact-export met kolom Code): elke "
    "relatiecode moet erin staan": (
        "relations dans Exact (CSV de exact relations ou un export Exact avec une colonne "
        "Code) : chaque code relation doit y figurer",
        "relations in Exact (CSV from exact relations or an Exact export with a Code column): "
        "every relation code must be in it"),
    "geldige grootboekrekeningen (één kolom: csv, xlsx of txt)": (
        "comptes généraux valides (une colonne : csv, xlsx ou txt)",
        "valid G/L accounts (one column: csv, xlsx or txt)"),
    "geldige btw-codes (één kolom: csv, xlsx of txt)": (
        "codes TVA valides (une colonne : csv, xlsx ou txt)",
        "valid VAT codes (one column: csv, xlsx or txt)"),
    "de periode is de maand (standaard) of het kwartaal van de datum": (
        "la période est le mois (par défaut) ou le trimestre de la date",
        "the period is the month (default) or the quarter of the date"),
    "journaal van geëxporteerde facturen (standaard NAAM.exact-geexporteerd.json naast FILE)": (
        "journal des factures exportées (par défaut NOM.exact-geexporteerd.json à côté de "
        "FILE)",
        "journal of exported invoices (default NAME.exact-geexporteerd.json beside FILE)"),
    "factuurnummer dat opnieuw geëxporteerd mag worden (import in Exact mislukt); herhaal, of "
    "'alle'": (
        "numéro de facture qui peut être exporté à nouveau (import dans Exact échoué) ; "
        "répétez, ou 'alle'",
        "invoice number that may be exported again (import into Exact failed); repeat, or "
        "'alle'"),
    "decimaalteken van bedragen, in het blad en in het CSV-bestand (standaard komma: 870,00)": (
        "séparateur décimal des montants, dans la feuille et le CSV (par défaut la virgule : "
        "870,00)",
        "decimal separator of amounts, in the sheet and the CSV file (default comma: 870,00)"),
    "datumnotatie (standaard dd-mm-jjjj, bv. 02-01-2024)": (
        "format de date (par défaut jj-mm-aaaa, p.ex. 02-01-2024)",
        "date format (default dd-mm-yyyy, e.g. 02-01-2024)"),
    "Controleer een blad met verkoopregels (kolommen zoals in numnum-xl exact sjabloon) en "
    "markeer elke fout in een kopie of in het bestand zelf.": (
        "Vérifie une feuille de lignes de vente (colonnes comme dans numnum-xl exact template) "
        "et marque chaque erreur dans une copie ou dans le fichier lui-même.",
        "Check a sheet of sales lines (columns as in numnum-xl exact template) and mark every "
        "error in a copy or in the file itself."),
    "markeer in het bestand zelf (eerst een reservekopie)": (
        "marque dans le fichier lui-même (d'abord une copie de sécurité)",
        "mark the file itself (a backup first)"),
    "Schrijf een werkmap met de kolommen voor verkoopregels (Factuurdatum … Dagboek), uitleg bij "
    "elke kolom en de stappen voor het importprofiel in Exact.": (
        "Écrit un classeur avec les colonnes des lignes de vente (Factuurdatum … Dagboek), "
        "une explication par colonne et les étapes du profil d'import dans Exact.",
        "Write a workbook with the columns for sales lines (Factuurdatum … Dagboek), an "
        "explanation of each column and the steps for the import profile in Exact."),
}


def detect_lang(argv: Sequence[str] | None) -> str:
    """The language of this run: ``--lang X`` (or ``--lang=X``), else ``NUMNUM_XL_LANG``,
    else Dutch."""
    args = list(argv or [])
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            return args[i + 1]
        if a.startswith("--lang=") and a[7:] in LANGS:
            return a[7:]
    env = os.environ.get(ENV_LANG, "").strip().lower()
    return env if env in LANGS else "nl"


def help_text(text: str, lang: str) -> str:
    """``text`` (a Dutch help text) in ``lang``; the Dutch text when there is no translation."""
    if lang == "nl" or text not in HELP:
        return text
    return HELP[text][0 if lang == "fr" else 1]


def _argparse_word(msg: str, lang: str) -> str:
    if lang == "en" or msg not in ARGPARSE:
        return msg
    return ARGPARSE[msg][0 if lang == "nl" else 1]


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """argparse's own strings in ``lang`` while the block runs (argparse looks its gettext
    functions up at call time)."""
    old = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def ngettext(single: str, plural: str, n: int) -> str:
        return _argparse_word(single if n == 1 else plural, lang)

    argparse._ = lambda msg: _argparse_word(msg, lang)  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = old  # type: ignore[attr-defined]


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and every subcommand parser below it (each once)."""
    seen: list[argparse.ArgumentParser] = []
    todo = [parser]
    while todo:
        p = todo.pop(0)
        if any(p is s for s in seen):
            continue
        seen.append(p)
        yield p
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                todo.extend(a.choices.values())


def translate_parser(parser: argparse.ArgumentParser, lang: str) -> None:
    """Put the help texts of ``parser`` and all its subcommands in ``lang``."""
    for p in parsers(parser):
        if p.description:
            p.description = help_text(p.description, lang)
        for g in p._action_groups:
            if g.title:
                g.title = help_text(g.title, lang)
        for a in p._actions:
            if a.help and a.help is not argparse.SUPPRESS:
                a.help = help_text(a.help, lang)
            if isinstance(a, argparse._SubParsersAction):
                for ca in a._choices_actions:
                    if ca.help:
                        ca.help = help_text(ca.help, lang)


def add_aliases(parser: argparse.ArgumentParser) -> None:
    """English command names first, the Dutch ones as aliases; every old name still works."""
    for p in parsers(parser):
        for a in p._actions:
            if not isinstance(a, argparse._SubParsersAction):
                continue
            parent = p.prog.split()[-1]
            for english, dutch in ALIASES.items():
                _alias(a, english, dutch)
            for where, dutch, english in SUB_ALIASES:
                if where == parent:
                    _alias(a, dutch, english, shown_first=english)


def _alias(action: argparse._SubParsersAction, name: str, alias: str,
           shown_first: str | None = None) -> None:
    sub = action.choices.get(name)
    if sub is None or alias in action.choices:
        return
    action.choices[alias] = sub
    names = (shown_first, name) if shown_first else (name, alias)
    for ca in action._choices_actions:
        if ca.dest == name:
            ca.metavar = ca.dest = f"{names[0]} ({names[1]})"
