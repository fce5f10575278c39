"""The ``klachtdesk`` command line.

``klachtdesk`` alone starts the terminal app; subcommands (``zoek``, ``demo``,
``termijn``, ...) live in one module each under this package and register
themselves through a ``register(subparsers, common)`` function listed in
``COMMANDS``. Every error klachtdesk raises on purpose (``KlachtdeskError``)
becomes one Dutch sentence on stderr and its exit code; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.core.context import DRIVER_ERRORS, database_problem

#: subcommand modules, in the order ``--help`` lists them
COMMANDS: tuple[str, ...] = (
    "klachtdesk.cli.app",
    "klachtdesk.cli.zoek",
    "klachtdesk.cli.demo",
    "klachtdesk.cli.termijn",
    "klachtdesk.cli.agenda",
    "klachtdesk.cli.medewerker",
    "klachtdesk.cli.privacy_commands",
    "klachtdesk.cli.backup",
    "klachtdesk.cli.rapport",
    "klachtdesk.cli.post",
    "klachtdesk.cli.formulier",
)


class DutchArgumentParser(argparse.ArgumentParser):
    """argparse with Dutch error messages and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        translations = {
            "unrecognized arguments": "onbekende argumenten",
            "the following arguments are required": "deze argumenten ontbreken",
            "invalid choice": "ongeldige keuze",
            "expected one argument": "verwacht één waarde",
            "invalid int value": "geen geheel getal",
            "argument": "argument",
        }
        for english, dutch in translations.items():
            message = message.replace(english, dutch)
        self.exit(2, f"{self.prog}: fout: {message}\n")


def common_options(*, late: bool = False) -> argparse.ArgumentParser:
    """Options every command takes: which database, and who is at the keyboard.

    They work before and after the subcommand (``klachtdesk --db X zoek 1`` and
    ``klachtdesk zoek 1 --db X``): the top-level parser holds the defaults (None), and
    every subcommand gets the ``late`` copy without defaults, so a subcommand never
    overwrites with its default what was given before it."""
    default = argparse.SUPPRESS if late else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="PAD_OF_URL",
        default=default,
        help="database: een pad (SQLite) of een SQLAlchemy-URL; standaard $KLACHTDESK_DB "
        "of het SQLite-bestand in uw gegevensmap",
    )
    parent.add_argument(
        "--gebruiker",
        metavar="NAAM",
        default=default,
        help="wie achter het toetsenbord zit: alleen uw eigen naam (SQLite: uw account op deze computer; "
        "PostgreSQL: uw login); een andere medewerker alleen in een demodatabase",
    )
    return parent


def late_options(common: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The common options for a (nested) subcommand: without defaults (``common_options``)."""
    return common_options(late=True)


def build_parser() -> DutchArgumentParser:
    parser = DutchArgumentParser(
        prog="klachtdesk",
        description="klachtdesk — klachtenregistratie en -afhandeling in werkdagen.",
        parents=[common_options()],
    )
    subparsers = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=DutchArgumentParser)
    late = late_options()
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers, late)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["app", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.func(args) or 0)
    except KlachtdeskError as error:
        print(f"klachtdesk: {error.message}", file=sys.stderr)
        return error.exit_code
    except DRIVER_ERRORS as error:  # a driver error that escaped the services
        problem = database_problem(error)
        print(f"klachtdesk: {problem.message}", file=sys.stderr)
        return problem.exit_code
    except KeyboardInterrupt:
        print("klachtdesk: afgebroken.", file=sys.stderr)
        return 130
