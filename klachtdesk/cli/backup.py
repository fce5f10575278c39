"""``klachtdesk backup BESTAND`` and ``klachtdesk herstel BESTAND``.

A backup is a consistent copy made while others keep working (SQLite's online
backup API; ``pg_dump`` for PostgreSQL). A restore checks the file, asks for
confirmation, keeps a copy of the current database and then replaces it.
"""

from __future__ import annotations

import argparse

from klachtdesk.cli import path_argument
from klachtdesk.cli.output import console, say
from klachtdesk.errors import DatabaseProblem
from klachtdesk.services import backup
from klachtdesk.cli.session import open_context
from klachtdesk.services.time.dutch import format_count
from klachtdesk.services.core.permissions import Permission


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "backup", parents=[common], help="maak een back-up van de database (ook terwijl er gewerkt wordt)",
        description="Maak een consistente kopie van de database, ook terwijl anderen ermee werken. SQLite: een "
        "databasebestand; PostgreSQL: een pg_dump-bestand (pg_dump moet geïnstalleerd zijn).",
    )
    parser.add_argument("bestand", metavar="BESTAND", type=path_argument, help="waar de back-up komt")
    parser.add_argument("--overschrijf", action="store_true", help="een bestaand bestand vervangen")
    parser.set_defaults(func=run_backup)

    parser = subparsers.add_parser(
        "herstel", parents=[common], help="zet een back-up terug (na bevestiging)",
        description="Zet een back-up terug. klachtdesk controleert eerst of het bestand een gave klachtdesk-"
        "database van een bekende versie is en bewaart een kopie van de huidige database.",
    )
    parser.add_argument("bestand", metavar="BESTAND", type=path_argument, help="het back-upbestand")
    parser.add_argument("--ja", action="store_true", help="niet om bevestiging vragen")
    parser.set_defaults(func=run_restore)


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; no answer (or no terminal) means no."""
    say(f"{question} [j/N] ", end="", err=True, flush=True)
    try:
        answer = input()
    except EOFError:
        say(err=True)
        return False
    return answer.strip().lower() in {"j", "ja", "y", "yes"}


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{format_count(round(size / 1024 / 1024))} MB"
    return f"{format_count(max(1, round(size / 1024)))} kB"


def run_backup(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    info = backup.make_backup(context, args.bestand, overwrite=args.overschrijf)
    what = f"{format_count(info.cases)} zaken, " if info.cases is not None else ""
    console.print(f"Back-up gemaakt: {info.path} ({what}schemaversie {info.schema}, {_size(info.size)}).")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    database = backup.open_target(args.db)
    info = backup.inspect_backup(database, args.bestand)
    context = None
    if backup.holds_a_desk(database):  # the role is always checked where there is a desk to protect
        try:
            context = open_context(args.db, user=args.gebruiker)
        except DatabaseProblem as problem:
            raise DatabaseProblem(
                f"De huidige database is niet te openen ({problem.message}); zonder uw rol te kennen zet klachtdesk "
                "niets terug. Is ze bezet, probeer het dan later opnieuw. Is ze beschadigd, zet het bestand dan eerst "
                "opzij (hernoem het) en zet de back-up daarna terug."
            ) from problem
        context.require(Permission.BACKUP)
    cases = f" met {format_count(info.cases)} zaken" if info.cases is not None else ""
    target = backup.describe_target(database)
    if not args.ja and not confirm(
        f"De database {target} wordt vervangen door de back-up {info.path}{cases}. De huidige database wordt "
        "eerst bewaard. Doorgaan?"
    ):
        say("klachtdesk: niets teruggezet.", err=True)
        return 1
    if context is not None:
        context.db.dispose()
    result = backup.restore(database, info.path, context=context)
    console.print(f"Back-up teruggezet in {target}{cases}.")
    if result.safety_copy is not None:
        console.print(f"De database van vóór het terugzetten staat in {result.safety_copy}.")
    if result.migrated_from is not None:
        console.print(f"De back-up had schemaversie {result.migrated_from} en is bijgewerkt.")
    if not result.carried_over:
        say("klachtdesk: let op: de vervangen database was niet leesbaar, dus haar vergeetregister en nummering "
              "konden niet worden overgenomen. Controleer of personen die na deze back-up zijn vergeten opnieuw "
              "vergeten moeten worden.", err=True)
    # opening applies the erasure register again (services.privacy.reapply) and says so (cli.session)
    restored = open_context(args.db, user=args.gebruiker)
    restored.db.dispose()
    return 0
