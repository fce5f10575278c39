"""The ``klachtdesk`` command line.

``klachtdesk`` alone starts the terminal app; subcommands (``zoek``, ``demo``,
``termijn``, ...) live in one module each under this package and register
themselves through a ``register(subparsers, common)`` function; ``COMMAND_TABLE``
says which module holds which command. Only the module of the command being run is
imported (the others appear in ``--help`` by name and summary only): a command
pays for the libraries it uses, not for those of every other command. Every error
klachtdesk raises on purpose (``KlachtdeskError``) becomes one Dutch sentence on
stderr and its exit code; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from klachtdesk.errors import KlachtdeskError

#: command -> (the module that registers it, its summary in ``klachtdesk --help``), in
#: the order ``--help`` lists them. The module's own ``add_parser`` gives the same summary.
COMMAND_TABLE: dict[str, tuple[str, str]] = {
    "app": ("klachtdesk.cli.app", "start de terminalapp (standaard)"),
    "zoek": ("klachtdesk.cli.zoek", "zoek een zaak op klachtnummer (KL-2026-000123, 2026-123, 123) of tekst"),
    "demo": ("klachtdesk.cli.demo", "vul de database met fictieve zaken"),
    "termijn": ("klachtdesk.cli.termijn", "bereken wanneer een termijn afloopt"),
    "termijnen": ("klachtdesk.cli.termijn", "open termijnen van de database: herberekenen na een kalenderwijziging"),
    "agenda": ("klachtdesk.cli.agenda", "de week van een klachtenfunctionaris: bemiddelingsgesprekken"),
    "medewerker": ("klachtdesk.cli.medewerker", "medewerkers en hun rollen beheren"),
    "instellingen": ("klachtdesk.cli.instellingen", "de instellingen van de organisatie"),
    "opschonen": ("klachtdesk.cli.privacy_commands", "anonimiseer zaken waarvan de bewaartermijn voorbij is"),
    "inzage": ("klachtdesk.cli.privacy_commands", "inzageverzoek (AVG): alle gegevens over één persoon als JSON"),
    "vergeet": ("klachtdesk.cli.privacy_commands", "verzoek om vergetelheid (AVG): anonimiseer één persoon"),
    "verzoeken": ("klachtdesk.cli.privacy_commands", "AVG-verzoeken en hun termijnen"),
    "backup": ("klachtdesk.cli.backup", "maak een back-up van de database (ook terwijl er gewerkt wordt)"),
    "herstel": ("klachtdesk.cli.backup", "zet een back-up terug (na bevestiging)"),
    "rapport": ("klachtdesk.cli.rapport", "analyse van een maand, kwartaal of jaar (tabellen, CSV, Markdown)"),
    "post": ("klachtdesk.cli.post", "inkomende mail: ophalen, volgen, inlezen"),
    "formulier": ("klachtdesk.cli.formulier",
                  "het webformulier voor klagers: klacht of vraag indienen en volgen (achter de TLS-proxy)"),
}
#: the subcommand modules that may be loaded (tests narrow this to one)
COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in COMMAND_TABLE.values()))
#: options of every command that take a value (``--db X``): the value is not the command
_VALUED_OPTIONS = ("--db", "--gebruiker")


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


def common_options() -> argparse.ArgumentParser:
    """Options every command takes: which database, and who is at the keyboard."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="PAD_OF_URL",
        help="database: een pad (SQLite) of een SQLAlchemy-URL; standaard $KLACHTDESK_DB "
        "of het SQLite-bestand in uw gegevensmap",
    )
    parent.add_argument(
        "--gebruiker",
        metavar="NAAM",
        help="de medewerker achter het toetsenbord; standaard $KLACHTDESK_GEBRUIKER of uw inlognaam",
    )
    return parent


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` asks for (its first word that is not an option or an
    option's value), or None when it names none (``klachtdesk``, ``klachtdesk --help``)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUED_OPTIONS:
            skip = True
        elif token == "--":
            return None
        elif not token.startswith("-"):
            return token
    return None


def build_parser(argv: Sequence[str] | None = None) -> DutchArgumentParser:
    """The parser for ``argv``: the module of the command it names is loaded and
    registers its options; every other command is listed by name and summary."""
    common = common_options()
    parser = DutchArgumentParser(
        prog="klachtdesk",
        description="klachtdesk — klachtenregistratie en -afhandeling in werkdagen.",
        parents=[common],
    )
    subparsers = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=DutchArgumentParser)
    words = list(sys.argv[1:] if argv is None else argv)
    asked = command_in(words)
    if asked is None and ("-h" in words or "--help" in words):
        wanted = None  # the overview: names and summaries only
    else:
        wanted = COMMAND_TABLE.get(asked or "app", (None, ""))[0]
    for command, (module, summary) in COMMAND_TABLE.items():
        if command in subparsers.choices:
            continue
        if module == wanted and module in COMMANDS:
            importlib.import_module(module).register(subparsers, common)
        else:
            subparsers.add_parser(command, parents=[common], help=summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    if args.command is None:
        args = parser.parse_args(["app", *words])
    try:
        return int(args.func(args) or 0)
    except KlachtdeskError as error:
        print(f"klachtdesk: {error.message}", file=sys.stderr)
        return error.exit_code
    except Exception as error:
        # the driver's errors are known only once a database was opened: loaded here, not at
        # start, so that a command without a database never imports the database layer
        from klachtdesk.services.core.context import DRIVER_ERRORS, database_problem

        if not isinstance(error, DRIVER_ERRORS):  # a driver error that escaped the services
            raise
        problem = database_problem(error)
        print(f"klachtdesk: {problem.message}", file=sys.stderr)
        return problem.exit_code
    except KeyboardInterrupt:
        print("klachtdesk: afgebroken.", file=sys.stderr)
        return 130
