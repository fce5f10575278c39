"""``klachtdesk beheer installeren``: the DBA sets a PostgreSQL database up for the desk.

Run as the owner of the database (never from a staff member's workstation): brings the
schema up to date, makes the group roles ``klachtdesk_<rol>`` with the grants the
permission table implies, the row-level security and the functions, stores the
organisation's default settings, and (``--beheerder``) the first beheerder with their
own login. Run it again after every klachtdesk upgrade. See docs/postgresql.md.
"""

from __future__ import annotations

import argparse

from klachtdesk.cli.medewerker import ask_password, late_options
from klachtdesk.cli.output import console
from klachtdesk.cli import DutchArgumentParser


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "beheer", parents=[common], help="PostgreSQL inrichten (voor de databasebeheerder, als eigenaar)",
        description="Voor de databasebeheerder: richt een PostgreSQL-database in voor klachtdesk.",
    )
    actions = parser.add_subparsers(dest="actie", metavar="ACTIE", parser_class=DutchArgumentParser, required=True)
    common = late_options(common)
    installeren = actions.add_parser(
        "installeren", parents=[common],
        help="schema, groepsrollen, rechten en rijbeveiliging aanmaken of bijwerken (als eigenaar)")
    installeren.add_argument("--beheerder", metavar="GEBRUIKER", default=None,
                             help="maak ook de eerste beheerder met een eigen databaselogin")
    installeren.add_argument("--naam", default=None, help="volledige naam van die beheerder")
    installeren.add_argument("--geen-wachtwoord", action="store_true",
                             help="de login van de beheerder krijgt geen wachtwoord (peer, certificaat of LDAP)")
    installeren.set_defaults(func=run_install)


def run_install(args: argparse.Namespace) -> int:
    from klachtdesk.services.installation import install

    password = None
    if args.beheerder and not args.geen_wachtwoord:
        password = ask_password(args.beheerder)
    done = install(args.db, admin=args.beheerder, admin_name=args.naam, password=password)
    console.print(f"Ingericht als eigenaar {done.owner}: {', '.join(done.groups)}.")
    if done.admin:
        console.print(f"Beheerder {done.admin} heeft een eigen databaselogin; voeg medewerkers toe met "
                      "'klachtdesk medewerker toevoegen' (als die beheerder, op de eigen werkplek).")
    return 0
