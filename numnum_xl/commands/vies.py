"""``numnum-xl vies FILE``: is every customer's VAT number live in VIES?"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``vies`` command."""
    from numnum_xl.commands._online import add_options

    p = sub.add_parser(
        "vies", help="controleer elk btw-nummer in VIES (online)",
        description="Vraag VIES (de btw-databank van de EU) of elk btw-nummer geldig is, en "
                    "vergelijk de geregistreerde naam en het adres met het blad. Met uw eigen "
                    "btw-nummer (--eigen-btw, onthouden met --bewaar, of NUMNUM_XL_OWN_VAT) "
                    "geeft VIES een "
                    "raadplegingsnummer als bewijs. Schrijft een kopie met een kolom VIES.")
    add_options(p)
    p.add_argument("--eigen-btw", metavar="BTW", dest="own_vat",
                   help="uw eigen btw-nummer met landcode (bv. BE0403019261), voor het "
                        "raadplegingsnummer")
    p.add_argument("--bewaar", dest="keep", action="store_true",
                   help="onthoud --eigen-btw voor de volgende keren (in de instellingenmap)")
    p.add_argument("--vies-url", help="adres van de VIES REST API")
    p.add_argument("--geen-cache", dest="no_cache", action="store_true",
                   help="vraag alles opnieuw, ook wat vandaag al gecontroleerd werd")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check every VAT number; print or write the results."""
    from numnum_xl.cli import UsageError
    from numnum_xl.commands._online import run_check
    from numnum_xl.vies import ViesSettings, check_report, split_requester

    settings = ViesSettings.from_env(url=args.vies_url.rstrip("/") if args.vies_url else None,
                                     requester=args.own_vat,
                                     cache=False if args.no_cache else None)
    if settings.requester and split_requester(settings.requester) is None:
        raise UsageError(f"eigen btw-nummer {settings.requester!r}: schrijf het met landcode, "
                         f"bv. BE0403019261")
    if args.keep:
        if not args.own_vat:
            raise UsageError("--bewaar onthoudt het btw-nummer van --eigen-btw; geef dat mee")
        from numnum_xl.vies import store_requester

        store_requester(args.own_vat)

    def check(report, progress):
        return check_report(report, lang=args.lang, progress=progress, settings=settings)

    return run_check(args, check, "VIES")
