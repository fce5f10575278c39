"""``klachtdesk medewerker``: who works with klachtdesk, and in which roles.

``medewerker lijst``, ``medewerker toevoegen GEBRUIKER --naam ... --rol ...``,
``medewerker rollen GEBRUIKER --rol ...``, ``medewerker uit GEBRUIKER`` (and
``medewerker aan GEBRUIKER`` to switch someone back on). The first person to open
a new database becomes its beheerder; only a beheerder manages staff.
"""

from __future__ import annotations

import argparse
import os

from rich.table import Table

from klachtdesk.cli import DutchArgumentParser, late_options
from klachtdesk.cli.output import console
from klachtdesk.services.procedure.vocabulary import StaffRole
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.identity import logins, staff
from klachtdesk.services import limits
from klachtdesk.cli.session import open_context

ROLE_NAMES = [role.value for role in StaffRole]


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "medewerker", parents=[common], help="medewerkers en hun rollen beheren",
        description="Medewerkers en hun rollen. Rollen: " + ", ".join(ROLE_NAMES) + ".",
    )
    actions = parser.add_subparsers(dest="actie", metavar="ACTIE", parser_class=DutchArgumentParser, required=True)
    common = late_options(common)

    lijst = actions.add_parser("lijst", parents=[common], help="toon de medewerkers")
    lijst.add_argument("--alle", action="store_true", help="ook medewerkers die uit staan")
    lijst.set_defaults(func=run_list)

    toevoegen = actions.add_parser("toevoegen", parents=[common], help="voeg een medewerker toe")
    toevoegen.add_argument("username", metavar="GEBRUIKER", help="de inlognaam (zoals bij --gebruiker)")
    toevoegen.add_argument("--naam", required=True, help="volledige naam")
    _role_option(toevoegen)
    toevoegen.add_argument("--email", default=None, help="e-mailadres")
    toevoegen.add_argument("--geen-wachtwoord", action="store_true",
                           help="PostgreSQL: een login zonder wachtwoord (de server kent de medewerker via peer, "
                                "certificaat of LDAP)")
    toevoegen.set_defaults(func=run_add)

    wachtwoord = actions.add_parser("wachtwoord", parents=[common],
                                    help="PostgreSQL: geef de databaselogin van een medewerker een nieuw wachtwoord")
    wachtwoord.add_argument("username", metavar="GEBRUIKER")
    wachtwoord.set_defaults(func=run_password)

    rollen = actions.add_parser("rollen", parents=[common], help="vervang de rollen van een medewerker")
    rollen.add_argument("username", metavar="GEBRUIKER")
    _role_option(rollen)
    rollen.set_defaults(func=run_roles)

    uit = actions.add_parser("uit", parents=[common], help="zet een medewerker uit (kan niet meer inloggen)")
    uit.add_argument("username", metavar="GEBRUIKER")
    uit.set_defaults(func=run_off)

    aan = actions.add_parser("aan", parents=[common], help="zet een uitgezette medewerker weer aan")
    aan.add_argument("username", metavar="GEBRUIKER")
    aan.set_defaults(func=run_on)


def print_table(table: Table) -> None:
    """A table on the terminal; piped into a file or another program, one line per row."""
    console.print(table)


def _role_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rol", dest="roles", action="append", required=True, choices=ROLE_NAMES, metavar="ROL",
        help="een rol (herhaal voor meer): " + ", ".join(ROLE_NAMES),
    )


def _roles(args: argparse.Namespace) -> set[StaffRole]:
    return {StaffRole(value) for value in args.roles}


def _describe(member: staff.StaffMember) -> str:
    roles = ", ".join(sorted(r.value for r in member.roles)) or "geen rol"
    state = "" if member.active else " (uit)"
    return f"{member.username} — {member.name}{state}: {roles}"


def run_list(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    members = staff.list_staff(context, active_only=not args.alle)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("Gebruiker", "Naam", "Rollen", "E-mail", "Actief"):
        table.add_column(column)
    for member in members:
        table.add_row(member.username, member.name, ", ".join(sorted(r.value for r in member.roles)) or "—",
                      member.email or "", "ja" if member.active else "nee")
    print_table(table)
    return 0


def _has_terminal() -> bool:
    """Is there a terminal to ask at without echo (``/dev/tty``)?"""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def ask_password(username: str) -> str:
    """A new password, typed twice without echo; never stored."""
    import getpass

    from klachtdesk.errors import ValidationError

    try:
        if getpass.getpass is getattr(getpass, "unix_getpass", None) and not _has_terminal():
            raise EOFError  # getpass would fall back to reading standard input, with echo
        first = getpass.getpass(f"Nieuw wachtwoord voor de databaselogin {username}: ")
        logins.check_password(first)
        again = getpass.getpass("Nog een keer: ")
    except (EOFError, OSError):  # no terminal to ask at (a script, a pipe)
        raise ValidationError(
            "Er is geen terminal om het wachtwoord te vragen; start de opdracht in een terminal, of gebruik "
            "--geen-wachtwoord voor een login via peer, certificaat of LDAP. Er is niets gewijzigd.",
            field="wachtwoord") from None
    if again != first:
        raise ValidationError("De twee wachtwoorden verschillen; er is niets gewijzigd.", field="wachtwoord")
    return first


def run_add(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker)
    password = None
    if logins.has_logins(context):
        context.require(Permission.MANAGE_STAFF)
        # what was typed is checked before the password is asked, not after
        for value, field in ((args.username, "username"), (args.naam, "name"), (args.email, "email")):
            limits.clean_text(value, field)
        password = None if args.geen_wachtwoord else ask_password(args.username)
    member = staff.add_staff(context, args.username, args.naam, _roles(args), args.email)
    console.print(f"Toegevoegd: {_describe(member)}.")
    if logins.has_logins(context):
        logins.make_login(context, args.username, password)
        how = "zonder wachtwoord (peer, certificaat of LDAP)" if password is None else "met het gegeven wachtwoord"
        console.print(f"Databaselogin {args.username} gemaakt {how}, lid van de groepsrollen van de rollen.")
    return 0


def run_password(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    if not logins.has_logins(context):
        console.print("Een SQLite-database kent geen eigen logins: de gebruiker is het account van de computer.")
        return 1
    context.require(Permission.MANAGE_STAFF)
    staff.find_staff(context, args.username)
    logins.make_login(context, args.username, ask_password(args.username))
    console.print(f"Het wachtwoord van databaselogin {args.username} is gewijzigd.")
    return 0


def run_roles(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    member = staff.set_roles(context, args.username, _roles(args))
    console.print(f"Rollen gewijzigd: {_describe(member)}.")
    return 0


def run_off(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    member = staff.deactivate(context, args.username)
    console.print(f"Uitgezet: {_describe(member)}. De geschiedenis van deze medewerker blijft bewaard.")
    if logins.has_logins(context):
        console.print(f"De databaselogin {member.username} kan niet meer inloggen (NOLOGIN).")
    return 0


def run_on(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    member = staff.reactivate(context, args.username)
    console.print(f"Weer aangezet: {_describe(member)}.")
    return 0

