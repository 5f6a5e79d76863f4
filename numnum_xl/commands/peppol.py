"""``numnum-xl peppol FILE``: which customers can receive an e-invoice over Peppol."""

from __future__ import annotations

import argparse

from numnum_xl.commands._online import add_options, run_check


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``peppol`` command."""
    p = sub.add_parser(
        "peppol", help="zoek elke klant op in het Peppol-netwerk (online)",
        description="Zoek voor elke klant op of hij e-facturen ontvangt via Peppol: het "
                    "Peppol-adresboek (SML, via DNS) en de documenttypes bij zijn SMP. Voor "
                    "een Belgisch bedrijf worden 0208 (ondernemingsnummer) en 9925 "
                    "(btw-nummer) opgezocht. Schrijft een kopie met een kolom Peppol.")
    add_options(p)
    p.add_argument("--fix", action="store_true",
                   help="vul Peppol Scheme ID en Peppol Endpoint ID in met wat gevonden werd")
    p.add_argument("--directory", action="store_true",
                   help="zoek ook de geregistreerde naam op in de Peppol Directory "
                        "(max. 2 vragen per seconde)")
    p.add_argument("--dns", metavar="HOST:POORT",
                   help="vraag deze DNS-server (standaard: die van het systeem)")
    p.add_argument("--sml-zone", help="SML-zone (standaard participant.sml.prod.tech.peppol.org)")
    p.add_argument("--directory-url", help="adres van de Peppol Directory")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Look every customer up; print or write the results."""
    from numnum_xl.peppol import PeppolSettings, check_report

    settings = PeppolSettings.from_env(nameserver=args.dns, zone=args.sml_zone,
                                       directory_url=args.directory_url,
                                       directory=args.directory or None)

    def check(report, progress):
        return check_report(report, lang=args.lang, progress=progress, settings=settings)

    return run_check(args, check, "Peppol", ("peppol_scheme_id", "peppol_endpoint_id"))
