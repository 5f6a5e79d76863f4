"""``numnum-xl push FILE``: validate a customer list and send it to NumNum (or the sandbox).

The import options carry NumNum's own words (English aliases accepted)::

    --as klant|leverancier|beide            (customer|supplier|both)
    --contactpersonen ja|nee                (yes|no)
    --duplicaten overslaan|overschrijven|nieuw   (skip|overwrite|new)
    --waarschijnlijk overslaan|versturen    (skip|send) rows that probably exist already
    --verwijderen nee|eerder|alles          (no|previous|all)

It validates first and never sends a row with errors, shows the plan (``--dry-run`` stops
there), asks before deleting anything (``--yes`` on a script), sends, and writes
``NAME.numnum-import.xlsx`` (validation marks + a ``NumNum-import`` sheet with every row's
result) and the journal ``NAME.numnum-journal.jsonl``. An interrupted push is continued by
running the same command again. Without an account (no ``--api-url``, ``NUMNUM_API_URL`` or
settings) it goes to the local sandbox, and says so.

Exit status: 0 every row sent or skipped as duplicate; 1 rows with errors, failed or not sent;
2 nothing could be done (file, account, token, refused confirmation); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

from numnum_xl.commands._common import add_input_options, load_and_map


def _option(choices_name: str, what: str):
    def parse(value: str) -> str:
        from numnum_xl import client

        try:
            return client.choose(value, getattr(client, choices_name))
        except ValueError:
            names = ", ".join(getattr(client, choices_name))
            raise argparse.ArgumentTypeError(f"{what}: kies uit {names} (kreeg {value!r})"
                                             ) from None
    parse.__name__ = what
    return parse


def _probable(value: str) -> str:
    from numnum_xl import client
    from numnum_xl.push import PROBABLE_CHOICES

    try:
        return client.choose(value, PROBABLE_CHOICES)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--waarschijnlijk: kies uit overslaan, versturen "
                                         f"(kreeg {value!r})") from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``push`` command."""
    p = sub.add_parser(
        "push", help="stuur een klantenlijst naar NumNum (of naar de lokale oefenomgeving)",
        description="Controleer de klantenlijst en stuur de foutloze rijen naar NumNum, met de "
                    "opties van NumNums importvenster. Zonder NumNum-account gaat alles naar "
                    "de lokale oefenomgeving (sandbox). Een onderbroken import gaat verder waar "
                    "hij stopte als u dezelfde opdracht opnieuw geeft.")
    add_input_options(p)
    o = p.add_argument_group("importopties (zoals in NumNum)")
    o.add_argument("--as", "--als", dest="as_", metavar="klant|leverancier|beide",
                   type=_option("AS_CHOICES", "--as"),
                   help="importeren als klant, leverancier of beide (customer/supplier/both; "
                        "standaard klant)")
    o.add_argument("--contactpersonen", "--contact-persons", dest="contact_persons",
                   metavar="ja|nee", type=_option("YES_NO_CHOICES", "--contactpersonen"),
                   help="contactpersonen ook importeren (standaard ja)")
    o.add_argument("--duplicaten", "--duplicates", dest="duplicates",
                   metavar="overslaan|overschrijven|nieuw",
                   type=_option("DUPLICATE_CHOICES", "--duplicaten"),
                   help="als een klant al bestaat: overslaan, overschrijven of nieuw aanmaken "
                        "(skip/overwrite/new; standaard overslaan)")
    o.add_argument("--waarschijnlijk", "--probable", dest="probable",
                   metavar="overslaan|versturen", type=_probable, default="overslaan",
                   help="een klant die waarschijnlijk al bestaat (zelfde e-mailadres of naam, "
                        "niet zeker): overslaan of toch versturen (skip/send; standaard "
                        "overslaan). Zekere duplicaten volgen --duplicaten.")
    o.add_argument("--verwijderen", "--delete", dest="delete", metavar="nee|eerder|alles",
                   type=_option("DELETE_CHOICES", "--verwijderen"), default="nee",
                   help="eerst verwijderen: nee, de eerder geïmporteerde klanten, of alles "
                        "(no/previous/all). Er wordt eerst een reservekopie gemaakt en om "
                        "bevestiging gevraagd.")
    p.add_argument("--dry-run", "--proef", dest="dry_run", action="store_true",
                   help="toon alleen het plan; verstuur niets")
    p.add_argument("-y", "--yes", "--ja", dest="yes", action="store_true",
                   help="bevestig het verwijderen zonder te vragen (voor scripts)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--api-url", metavar="URL",
                       help="NumNum-API-adres, bv. https://HOST/api/v1 (token uit "
                            "NUMNUM_API_TOKEN of de sleutelhanger, dienst numnum-xl)")
    where.add_argument("--sandbox", action="store_true",
                       help="stuur naar de lokale oefenomgeving (sandbox)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="zoveel rijen tegelijk versturen (1-16, standaard 4)")
    p.add_argument("--fix", action="store_true",
                   help="(standaard) de veilige correcties van validate --fix worden "
                        "toegepast op wat verstuurd wordt; het plan toont ze")
    p.add_argument("--zoals-geschreven", "--as-written", dest="as_written",
                   action="store_true",
                   help="verstuur de cellen zoals ze in het blad staan, zonder de veilige "
                        "correcties (rijen met fouten worden dan overgeslagen)")
    p.add_argument("-o", "--output", help="pad van de kopie met de resultaten "
                                          "(standaard NAAM.numnum-import.xlsx)")
    p.add_argument("--nieuwe-import", "--restart", dest="restart", action="store_true",
                   help="ga niet verder met een onderbroken import, begin een nieuwe")
    p.add_argument("--bewaar-instellingen", "--save-settings", dest="save_settings",
                   action="store_true",
                   help="bewaar het API-adres en de importopties als standaard")
    p.set_defaults(func=run)


_W: dict[str, dict[str, str]] = {
    "nl": {
        "sandbox": "Geen NumNum-account ingesteld: er wordt naar de lokale oefenomgeving "
                   "(sandbox) op {url} gestuurd. Niets komt in uw echte NumNum terecht.",
        "sandbox_chosen": "Lokale oefenomgeving (sandbox) op {url}.",
        "target": "Bestemming: {url}",
        "read": "{rows} rijen in {file} (blad {sheet}); {existing} klanten in NumNum",
        "options": "Opties: importeren als {as} · contactpersonen {contactpersonen} · "
                   "duplicaten {duplicaten} · verwijderen {verwijderen}",
        "resume": "Vervolg van de onderbroken import van {when} ({batch}): {done} rijen "
                  "waren al verstuurd en worden niet opnieuw verstuurd.",
        "plan": "Plan:", "create": "nieuw", "overwrite": "overschreven",
        "skip_duplicate": "overgeslagen als duplicaat", "skip_errors": "overgeslagen wegens fouten",
        "done": "al verstuurd (vorige poging)", "deleted": "verwijderd",
        "more": "… en nog {n}: zie het blad NumNum-import van de resultaten",
        "rows": "rijen",
        "probable": "waarvan {n} waarschijnlijk (op e-mailadres of naam: controleer ze)",
        "unsure": "  Waarschijnlijk al in NumNum ({n}, op e-mailadres of naam): rijen {rows}",
        "unsure_overslaan": "--waarschijnlijk overslaan (standaard): ze worden niet "
                            "verstuurd; --waarschijnlijk versturen stuurt ze toch.",
        "unsure_versturen": "--waarschijnlijk versturen: ze worden toch verstuurd (nieuw, of "
                            "overschreven met --duplicaten overschrijven).",
        "dry": "Proefrun (--dry-run): er is niets verstuurd.",
        "fix_hint": "Tip: {n} rij(en) hebben waarschuwingen met een veilige correctie (bv. "
                    "BTW-nummer zonder punten); --fix past ze toe voor het versturen.",
        "confirm": "Er worden {n} klanten uit NumNum verwijderd ({what}). Eerst wordt een "
                   "reservekopie gemaakt. Typ ja om door te gaan: ",
        "confirm_what_all": "alle klanten", "confirm_what_prev": "de eerder geïmporteerde",
        "no_tty": "Verwijderen vraagt een bevestiging: geef --yes (er worden {n} klanten "
                  "verwijderd; eerst wordt een reservekopie gemaakt). Er is niets verstuurd.",
        "declined": "Niet bevestigd: er is niets verstuurd en niets verwijderd.",
        "auth_first": "{msg} Er is niets verstuurd.",
        "fetch": "De klanten in NumNum konden niet opgehaald worden: {msg} Er is niets "
                 "verstuurd.",
        "backup": "Reservekopie van {n} klanten: {path}",
        "deleted_n": "{n} klanten verwijderd.",
        "summary": "Klaar: {created} aangemaakt, {overwritten} overschreven, {skipped_duplicate} "
                   "overgeslagen als duplicaat, {skipped_errors} overgeslagen wegens fouten, "
                   "{failed} mislukt, {not_sent} niet verstuurd (samen {total} rijen).",
        "failed_rows": "Mislukt:",
        "again": "Nog niet alles is verstuurd: geef dezelfde opdracht opnieuw om alleen de "
                 "resterende {n} rijen te versturen.",
        "auth_stop": "NumNum weigerde het token tijdens de import: {msg}",
        "interrupted": "Onderbroken. Geef dezelfde opdracht opnieuw om verder te gaan.",
        "result": "Resultaten: {path} (blad NumNum-import)",
        "journal": "Logboek: {path}",
        "no_write": "let op: de resultaten konden niet in een kopie geschreven worden: {msg}",
        "saved": "Instellingen bewaard in {path}",
        "busy": "Er loopt al een import van {file} (een ander venster?). Wacht tot die klaar "
                "is; er is niets verstuurd.",
        "no_journal": "Kan het logboek {path} niet schrijven ({msg}); er is niets verstuurd. "
                      "Staat de werkmap in een map waarin u mag schrijven?",
        "write_failed": "Schrijven op schijf mislukt ({msg}). Wat al verstuurd is, staat in "
                        "het logboek; geef dezelfde opdracht opnieuw als het probleem "
                        "opgelost is.",
        "fixes": "Veilige correcties, verstuurd in plaats van wat er staat ({n}; "
                 "--zoals-geschreven verstuurt de cellen ongewijzigd):",
        "more_fixes": "… en nog {n} (numnum-xl validate --fix toont ze alle)",
        "see_contacts": "De klanten staan nu in de oefenomgeving: {url}/contacts",
    },
    "fr": {
        "sandbox": "Aucun compte NumNum configuré : l'envoi se fait vers l'environnement "
                   "d'essai local (sandbox) sur {url}. Rien n'arrive dans votre vrai NumNum.",
        "sandbox_chosen": "Environnement d'essai local (sandbox) sur {url}.",
        "target": "Destination : {url}",
        "read": "{rows} lignes dans {file} (feuille {sheet}) ; {existing} clients dans NumNum",
        "options": "Options : importer comme {as} · personnes de contact {contactpersonen} · "
                   "doublons {duplicaten} · supprimer {verwijderen}",
        "resume": "Suite de l'import interrompu du {when} ({batch}) : {done} lignes étaient "
                  "déjà envoyées et ne seront pas renvoyées.",
        "plan": "Plan :", "create": "nouveaux", "overwrite": "écrasés",
        "skip_duplicate": "ignorés (doublon)", "skip_errors": "ignorés (erreurs)",
        "done": "déjà envoyés (tentative précédente)", "deleted": "supprimés",
        "more": "… et encore {n} : voir la feuille NumNum-import des résultats",
        "rows": "lignes",
        "probable": "dont {n} probables (sur l'adresse e-mail ou le nom : à vérifier)",
        "unsure": "  Probablement déjà dans NumNum ({n}, sur l'adresse e-mail ou le nom) : "
                  "lignes {rows}",
        "unsure_overslaan": "--waarschijnlijk overslaan (par défaut) : elles ne sont pas "
                            "envoyées ; --waarschijnlijk versturen les envoie quand même.",
        "unsure_versturen": "--waarschijnlijk versturen : elles sont envoyées quand même "
                            "(nouvelles, ou écrasées avec --duplicaten overschrijven).",
        "dry": "Essai (--dry-run) : rien n'a été envoyé.",
        "fix_hint": "Astuce : {n} ligne(s) ont des avertissements avec une correction sûre "
                    "(p.ex. numéro de TVA sans points) ; --fix les applique avant l'envoi.",
        "confirm": "{n} clients vont être supprimés de NumNum ({what}). Une copie de sécurité "
                   "est faite d'abord. Tapez oui pour continuer : ",
        "confirm_what_all": "tous les clients", "confirm_what_prev": "ceux importés avant",
        "no_tty": "La suppression demande une confirmation : ajoutez --yes ({n} clients seront "
                  "supprimés, après une copie de sécurité). Rien n'a été envoyé.",
        "declined": "Non confirmé : rien n'a été envoyé ni supprimé.",
        "auth_first": "{msg} Rien n'a été envoyé.",
        "fetch": "Les clients de NumNum n'ont pas pu être lus : {msg} Rien n'a été envoyé.",
        "backup": "Copie de sécurité de {n} clients : {path}",
        "deleted_n": "{n} clients supprimés.",
        "summary": "Terminé : {created} créés, {overwritten} écrasés, {skipped_duplicate} "
                   "ignorés (doublon), {skipped_errors} ignorés (erreurs), {failed} en échec, "
                   "{not_sent} non envoyés ({total} lignes au total).",
        "failed_rows": "Échecs :",
        "again": "Tout n'a pas été envoyé : relancez la même commande pour envoyer seulement "
                 "les {n} lignes restantes.",
        "auth_stop": "NumNum a refusé le jeton pendant l'import : {msg}",
        "interrupted": "Interrompu. Relancez la même commande pour continuer.",
        "result": "Résultats : {path} (feuille NumNum-import)",
        "journal": "Journal : {path}",
        "no_write": "attention : les résultats n'ont pas pu être écrits dans une copie : {msg}",
        "saved": "Réglages enregistrés dans {path}",
        "busy": "Un import de {file} est déjà en cours (une autre fenêtre ?). Attendez qu'il "
                "se termine ; rien n'a été envoyé.",
        "no_journal": "Impossible d'écrire le journal {path} ({msg}) ; rien n'a été envoyé. "
                      "Le classeur est-il dans un dossier accessible en écriture ?",
        "write_failed": "L'écriture sur disque a échoué ({msg}). Ce qui a été envoyé est dans "
                        "le journal ; relancez la même commande une fois le problème réglé.",
        "fixes": "Corrections sûres, envoyées à la place du contenu ({n} ; "
                 "--zoals-geschreven envoie les cellules telles quelles) :",
        "more_fixes": "… et encore {n} (numnum-xl validate --fix les montre toutes)",
        "see_contacts": "Les clients sont dans l'environnement d'essai : {url}/contacts",
    },
    "en": {
        "sandbox": "No NumNum account set up: sending to the local rehearsal environment "
                   "(sandbox) at {url}. Nothing reaches your real NumNum.",
        "sandbox_chosen": "Local rehearsal environment (sandbox) at {url}.",
        "target": "Destination: {url}",
        "read": "{rows} rows in {file} (sheet {sheet}); {existing} contacts in NumNum",
        "options": "Options: import as {as} · contact persons {contactpersonen} · "
                   "duplicates {duplicaten} · delete {verwijderen}",
        "resume": "Continuing the interrupted import of {when} ({batch}): {done} rows were "
                  "sent already and will not be sent again.",
        "plan": "Plan:", "create": "new", "overwrite": "overwritten",
        "skip_duplicate": "skipped as duplicate", "skip_errors": "skipped because of errors",
        "done": "already sent (earlier attempt)", "deleted": "deleted",
        "more": "… and {n} more: see the NumNum-import sheet of the results",
        "rows": "rows", "probable": "of which {n} probable (on email address or name: check them)",
        "unsure": "  Probably in NumNum already ({n}, on email address or name): rows {rows}",
        "unsure_overslaan": "--waarschijnlijk overslaan (the default): they are not sent; "
                            "--waarschijnlijk versturen sends them anyway.",
        "unsure_versturen": "--waarschijnlijk versturen: they are sent anyway (new, or "
                            "overwritten with --duplicaten overschrijven).",
        "dry": "Dry run (--dry-run): nothing was sent.",
        "fix_hint": "Tip: {n} row(s) have warnings with a safe fix (e.g. a VAT number without "
                    "dots); --fix applies them before sending.",
        "confirm": "{n} contacts will be deleted from NumNum ({what}). A backup is made first. "
                   "Type yes to go on: ",
        "confirm_what_all": "all contacts", "confirm_what_prev": "the previously imported ones",
        "no_tty": "Deleting needs a confirmation: pass --yes ({n} contacts would be deleted, "
                  "after a backup). Nothing was sent.",
        "declined": "Not confirmed: nothing was sent or deleted.",
        "auth_first": "{msg} Nothing was sent.",
        "fetch": "NumNum's contacts could not be read: {msg} Nothing was sent.",
        "backup": "Backup of {n} contacts: {path}",
        "deleted_n": "{n} contacts deleted.",
        "summary": "Done: {created} created, {overwritten} overwritten, {skipped_duplicate} "
                   "skipped as duplicate, {skipped_errors} skipped because of errors, "
                   "{failed} failed, {not_sent} not sent ({total} rows in all).",
        "failed_rows": "Failed:",
        "again": "Not everything was sent: run the same command again to send only the "
                 "remaining {n} rows.",
        "auth_stop": "NumNum refused the token during the import: {msg}",
        "interrupted": "Interrupted. Run the same command again to continue.",
        "result": "Results: {path} (sheet NumNum-import)",
        "journal": "Journal: {path}",
        "no_write": "note: the results could not be written to a copy: {msg}",
        "saved": "Settings saved in {path}",
        "busy": "An import of {file} is already running (another window?). Wait until it "
                "ends; nothing was sent.",
        "no_journal": "Cannot write the journal {path} ({msg}); nothing was sent. Is the "
                      "workbook in a folder you may write to?",
        "write_failed": "Writing to disk failed ({msg}). What was sent is in the journal; run "
                        "the same command again once the problem is solved.",
        "fixes": "Safe fixes, sent instead of what the cells say ({n}; "
                 "--zoals-geschreven sends the cells as written):",
        "more_fixes": "… and {n} more (numnum-xl validate --fix shows them all)",
        "see_contacts": "The contacts are now in the sandbox: {url}/contacts",
    },
}
_YES = {"ja", "j", "yes", "y", "oui", "o"}
_LIMIT = 15


def run(args: argparse.Namespace) -> int:
    """Validate, plan, confirm, send, write back; see the module docstring for exit codes."""
    from numnum_xl import client as api
    from numnum_xl import push
    from numnum_xl.cli import UsageError
    from numnum_xl.validate import validate_table

    w = _W[args.lang]
    settings = api.load_settings()
    try:
        options = settings.import_options(
            **{"as": args.as_, "duplicaten": args.duplicates,
               "contactpersonen": args.contact_persons})
        options = api.ImportOptions(options.as_, options.contact_persons, options.duplicates,
                                    args.delete)
    except ValueError as exc:
        raise UsageError(f"instellingen: {exc}") from None
    threads = args.threads or settings.threads or push.DEFAULT_THREADS
    if not 1 <= threads <= push.MAX_THREADS:
        raise UsageError(f"--threads moet tussen 1 en {push.MAX_THREADS} liggen")

    table, mapping = load_and_map(args)
    report = validate_table(table, mapping)

    try:
        account = api.resolve_account(args.api_url, sandbox=args.sandbox, settings=settings)
    except api.AccountError as exc:
        raise UsageError(str(exc)) from None
    if args.save_settings:
        kept = api.Settings(api_url=args.api_url or settings.api_url,
                            options={k: v for k, v in options.as_dict().items()
                                     if k != "verwijderen"},
                            threads=args.threads or settings.threads)
        print(w["saved"].format(path=api.save_settings(kept)), file=sys.stderr)
    if account.is_sandbox:
        key = "sandbox_chosen" if args.sandbox else "sandbox"
        print(w[key].format(url=account.root_url))
    else:
        print(w["target"].format(url=account.base_url))

    from numnum_xl.pushlock import Busy, WorkbookLock

    workbook_lock = WorkbookLock(args.file)  # before the contacts are fetched: one plan at a time
    try:
        workbook_lock.acquire()
    except Busy:
        raise UsageError(w["busy"].format(file=args.file)) from None
    with workbook_lock, api.NumNumClient(account.base_url, account.token,
                                         lang=args.lang) as conn:
        try:
            plan = push.prepare(report, conn, account, options, source=args.file,
                                lang=args.lang, restart=args.restart, probable=args.probable,
                                as_written=args.as_written)
        except api.AuthError as exc:
            print(f"numnum-xl: {w['auth_first'].format(msg=exc.message(args.lang))}",
                  file=sys.stderr)
            return 2
        except api.ApiError as exc:
            print(f"numnum-xl: {w['fetch'].format(msg=exc.message(args.lang))}",
                  file=sys.stderr)
            return 2
        except push.PushError as exc:
            raise UsageError(str(exc)) from None
        report, changes = plan.report or report, plan.changes  # what is sent: the fixed sheet
        _print_plan(plan, report, w)
        _print_changes(changes, w)
        if args.as_written:
            from numnum_xl.fix import SAFE_FIXES

            fixable = {f.row for f in report.findings
                       if f.code in SAFE_FIXES and f.severity != "error" and f.row}
            if fixable:
                print(w["fix_hint"].format(n=len(fixable)))
        if args.dry_run:
            print(w["dry"])
            return 1 if plan.counts()[push.SKIP_ERRORS] else 0
        if plan.deletes and not _confirmed(plan, args, w):
            return 2

        journal = push.Journal(push.journal_path(args.file))
        try:
            journal.open()
        except push.JournalBusy:
            raise UsageError(w["busy"].format(file=args.file)) from None
        except OSError as exc:
            raise UsageError(w["no_journal"].format(path=journal.path, msg=exc)) from None
        progress = push.Progress(len(plan.to_send), w["rows"] + " " + _sent_word(args.lang))
        try:
            outcome = push.execute(plan, conn, threads=threads, journal=journal,
                                   progress=progress)
        except OSError as exc:  # the backup or the journal could not be written
            raise UsageError(w["write_failed"].format(msg=exc)) from None
        finally:
            journal.close()
    return _finish(outcome, report, args, w, changes, account)


def _sent_word(lang: str) -> str:
    return {"nl": "verstuurd", "fr": "envoyées", "en": "sent"}[lang]


def _rows_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_LIMIT])
    return shown + (", …" if len(rows) > _LIMIT else "")


def _print_plan(plan: Any, report: Any, w: Mapping[str, str]) -> None:
    from numnum_xl import push

    s = report.summary()
    print(w["read"].format(rows=s["data_rows"], file=plan.source.name,
                           sheet=s["sheet"] or "-", existing=plan.existing))
    print(w["options"].format(**plan.options.as_dict()))
    c = plan.counts()
    if plan.resumed is not None:
        when = str(plan.resumed.header.get("started", ""))[:16].replace("T", " ")
        print(w["resume"].format(when=when, batch=plan.batch, done=c[push.ALREADY_DONE]))
    print(w["plan"])
    by_action: dict[str, list[int]] = {}
    for r in plan.rows:
        by_action.setdefault(r.action, []).append(r.row)
    lines = [push.CREATE, push.OVERWRITE, push.SKIP_DUPLICATE, push.SKIP_ERRORS]
    if c[push.ALREADY_DONE]:
        lines.insert(0, push.ALREADY_DONE)
    for action in lines:
        rows = by_action.get(action, [])
        extra = ""
        if rows and action in (push.SKIP_ERRORS, push.SKIP_DUPLICATE, push.OVERWRITE):
            extra = f"  ({w['rows']} {_rows_list(rows)})"
            probable = sum(1 for r in plan.rows
                           if r.action == action and r.confidence == "probable")
            if probable and action != push.SKIP_ERRORS:
                extra += "; " + w["probable"].format(n=probable)
        print(f"  {c[action]:>6}  {w[action]}{extra}")
    print(f"  {c['deleted']:>6}  {w['deleted']}")
    unsure = [r.row for r in plan.rows if r.confidence == "probable"]
    if unsure:  # --waarschijnlijk: say which rows and what happens to them
        print(w["unsure"].format(n=len(unsure), rows=_rows_list(unsure)))
        print("          " + w["unsure_" + getattr(plan, "probable", "overslaan")])
    errors = [r for r in plan.rows if r.action == push.SKIP_ERRORS]
    for r in errors[:_LIMIT]:
        print(f"          {r.row:>5}: {r.message}")
    if len(errors) > _LIMIT:
        print("          " + w["more"].format(n=len(errors) - _LIMIT))


def _print_changes(changes: list, w: Mapping[str, str]) -> None:
    """The safe fixes that are sent instead of what the cells say."""
    if not changes:
        return
    print(w["fixes"].format(n=len(changes)))
    for c in changes[:_LIMIT]:
        old = "" if c.old is None else c.old
        print(f"  {c.cell:>7}  {old!s} → {c.new!s}")
    if len(changes) > _LIMIT:
        print("          " + w["more_fixes"].format(n=len(changes) - _LIMIT))


def _confirmed(plan: Any, args: argparse.Namespace, w: Mapping[str, str]) -> bool:
    n = len(plan.deletes)
    if args.yes:
        return True
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(f"numnum-xl: {w['no_tty'].format(n=n)}", file=sys.stderr)
        return False
    what = w["confirm_what_all"] if plan.options.delete == "alles" else w["confirm_what_prev"]
    try:
        answer = input(w["confirm"].format(n=n, what=what))
    except EOFError:
        answer = ""
    if answer.strip().casefold() in _YES:
        return True
    print(w["declined"], file=sys.stderr)
    return False


def _finish(outcome: Any, report: Any, args: argparse.Namespace, w: Mapping[str, str],
            changes: list, account: Any) -> int:
    from numnum_xl import push
    from numnum_xl.table import ReadError

    s = outcome.summary
    if s.backup:
        print(w["backup"].format(n=len(outcome.plan.deletes), path=s.backup))
    if s.deleted:
        print(w["deleted_n"].format(n=s.deleted))
    print(w["summary"].format(**s.counts))
    failed = [r for r in outcome.results if r.status == push.FAILED]
    if failed:
        print(w["failed_rows"])
        for r in failed[:_LIMIT]:
            print(f"  {r.row:>5}: {r.message}")
    out = args.output or push.default_output(args.file)
    try:
        values = {c.cell: c.new for c in changes} if changes else None
        path, notices = push.write_back(report, outcome.results, out, lang=args.lang,
                                        values=values)
        for notice in notices:
            print(f"let op: {notice}", file=sys.stderr)
        print(w["result"].format(path=path))
    except (ReadError, OSError) as exc:
        print(w["no_write"].format(msg=exc), file=sys.stderr)
    print(w["journal"].format(path=push.journal_path(args.file)))
    if s.stopped == "auth":
        from numnum_xl.client import AuthError

        msg = AuthError("auth", 403).message(args.lang)
        print(f"numnum-xl: {w['auth_stop'].format(msg=msg)}", file=sys.stderr)
    left = s.counts[push.NOT_SENT] + s.retryable
    if s.stopped == "interrupted":
        print(w["interrupted"], file=sys.stderr)
        return 130
    if left:
        print(w["again"].format(n=left))
    if account.is_sandbox and (s.counts[push.CREATED] or s.counts[push.OVERWRITTEN]):
        print(w["see_contacts"].format(url=account.base_url))
    bad = s.counts[push.SKIPPED_ERRORS] + s.counts[push.FAILED] + s.counts[push.NOT_SENT]
    return 1 if bad else 0
