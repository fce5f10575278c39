"""The ``klachtdesk`` command line.

``klachtdesk`` alone starts the terminal app; subcommands (``zoek``, ``demo``,
``termijn``, ...) live in one module each under this package and register
themselves through a ``register(subparsers, common)`` function; ``COMMAND_TABLE``
says which module holds which command. Only the module of the command being run is
imported (the others appear in ``--help`` by name and summary only): a command
pays for the libraries it uses, not for those of every other command. Every error
klachtdesk raises on purpose (``KlachtdeskError``) becomes one Dutch sentence on
stderr and its exit code; anything else (a bug) one Dutch line that says where the
traceback was written (``crash_log_path``); never a traceback. Everything printed goes
through ``klachtdesk.cli.output`` (see ``terminal_safe``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from klachtdesk.cli.output import say
from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.paths import home_dir, make_private, private_dir
from klachtdesk.services import limits

#: the crash log is moved aside (one older copy kept) when it grows past this
CRASH_LOG_MAX_BYTES = 1024 * 1024

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
    "beheer": ("klachtdesk.cli.beheer", "PostgreSQL inrichten: groepsrollen en rechten (voor de databasebeheerder)"),
    "instellingen": ("klachtdesk.cli.instellingen", "de instellingen van de organisatie"),
    "opschonen": ("klachtdesk.cli.privacy_commands", "anonimiseer zaken waarvan de bewaartermijn voorbij is"),
    "inzage": ("klachtdesk.cli.privacy_commands", "inzageverzoek (AVG): alle gegevens over één persoon als JSON"),
    "vergeet": ("klachtdesk.cli.privacy_commands", "verzoek om vergetelheid (AVG): anonimiseer één persoon"),
    "verzoeken": ("klachtdesk.cli.privacy_commands", "AVG-verzoeken en hun termijnen"),
    "backup": ("klachtdesk.cli.backup", "maak een back-up van de database (ook terwijl er gewerkt wordt)"),
    "herstel": ("klachtdesk.cli.backup", "zet een back-up terug (na bevestiging)"),
    "rapport": ("klachtdesk.cli.rapport", "analyse van een maand, kwartaal of jaar (tabellen, CSV, Markdown)"),
    "post": ("klachtdesk.cli.post", "inkomende mail: ophalen, volgen, inlezen"),
    "brieven": ("klachtdesk.cli.brieven", "brieven per post: wat klaarligt om te versturen, en als verstuurd markeren"),
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

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:  # type: ignore[override]
        """argparse's own messages (a refused argument quotes it) pass the sanitiser too."""
        if message:
            say(message, err=True, end="")
        sys.exit(status)


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
    common = late_options()  # for the subcommands: no defaults (common_options)
    parser = DutchArgumentParser(
        prog="klachtdesk",
        description="klachtdesk — klachtenregistratie en -afhandeling in werkdagen.",
        parents=[common_options()],
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


def ask_passwords_at_the_terminal() -> None:
    """PostgreSQL: a password the server asks and ~/.pgpass or PGPASSWORD do not give is
    asked here, without echo, when someone sits at the terminal; it is never stored."""
    if not sys.stdin.isatty():
        return
    import getpass

    from klachtdesk.services.identity.logins import ask_passwords_with

    ask_passwords_with(lambda where: getpass.getpass(f"Wachtwoord voor {where}: ") or None)


def bounded(field: str) -> Callable[[str], int]:
    """An argparse ``type``: a whole number within the bounds of ``limits.FIELD_LIMITS[field]``
    (checked before any arithmetic), with a Dutch message otherwise."""

    def parse(value: str) -> int:
        text = value.strip()
        if not text.lstrip("+-").isdigit() or len(text) > 30:
            raise argparse.ArgumentTypeError(f"'{value}' is geen geheel getal")
        try:
            return limits.check_number(int(text), field)
        except ValidationError as error:
            raise argparse.ArgumentTypeError(error.message) from None

    parse.__name__ = field  # argparse names the type in some messages
    return parse


def path_argument(value: str) -> Path:
    """An argparse ``type`` for a file or folder the user names (``limits.check_path``)."""
    try:
        return limits.check_path(value)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def crash_log_path() -> Path:
    """Where an unexpected error is written down (private: personal data may be in it)."""
    return home_dir() / "logs" / "klachtdesk.log"


def record_crash(error: BaseException) -> Path | None:
    """Append the traceback of ``error`` to ``crash_log_path()``; None when that fails too."""
    try:
        path = crash_log_path()
        private_dir(path.parent, tighten=True)
        if path.exists() and path.stat().st_size > CRASH_LOG_MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        make_private(path)
        with os.fdopen(descriptor, "a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} klachtdesk "
                         f"{' '.join(sys.argv[1:2])}\n")
            handle.write("".join(traceback.format_exception(error)))
        return path
    except Exception:  # noqa: BLE001 - the log is a courtesy; the message on stderr is what counts
        return None


def _tolerant_streams() -> None:
    """Text that the terminal's encoding cannot show becomes ``?`` rather than an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. A ``KlachtdeskError`` (and a driver error) becomes its Dutch
    sentence on stderr and its exit code; anything else — a bug — one Dutch line with where
    the details are written (exit code 70), never a traceback."""
    _tolerant_streams()
    try:
        return _run(argv)
    except KlachtdeskError as error:
        say(f"klachtdesk: {error.message}", err=True)
        return error.exit_code
    except KeyboardInterrupt:
        say("klachtdesk: afgebroken.", err=True)
        return 130
    except BrokenPipeError:  # the reader went away (``klachtdesk ... | head``)
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 141
    except MemoryError:
        say("klachtdesk: er is niet genoeg geheugen voor deze opdracht; er is niets gewijzigd dat niet al "
            "was opgeslagen.", err=True)
        return 70
    except Exception as error:  # noqa: BLE001 - the one guard: a bug never shows a traceback
        if "klachtdesk.db" in sys.modules:  # a driver error that escaped the services (only once a
            # database was opened: a command without one never loads the database layer)
            from klachtdesk.services.core.context import DRIVER_ERRORS, database_problem

            if isinstance(error, DRIVER_ERRORS):
                problem = database_problem(error)
                say(f"klachtdesk: {problem.message}", err=True)
                return problem.exit_code
        where = record_crash(error)
        hint = f" De details staan in {where}; stuur dat bestand mee als u dit meldt." if where else ""
        say(f"klachtdesk: onverwachte fout ({type(error).__name__}); dit is een fout in klachtdesk.{hint}",
            err=True)
        return 70


def _run(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
    if args.command is None:
        args = parser.parse_args(["app", *words])
    # the app asks in its own dialog, and only when it must (cli.app); ``zoek`` only on its usual way
    if args.command != "app" and getattr(args, "asks_passwords", True):
        ask_passwords_at_the_terminal()
    return int(args.func(args) or 0)
