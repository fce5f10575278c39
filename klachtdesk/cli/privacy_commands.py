"""Privacy (AVG) on the command line: ``opschonen``, ``inzage``, ``vergeet``, ``verzoeken``.

- ``klachtdesk opschonen [--droog]``: anonymise the cases whose retention period
  (``data/privacy.toml``) has passed.
- ``klachtdesk inzage "NAAM, E-MAIL OF TELEFOON" [--uit BESTAND]``: everything held
  about one person, as JSON; the request is recorded.
- ``klachtdesk vergeet "..." [--ja]``: anonymise one person on request.
- ``klachtdesk verzoeken``: the requests and their due dates; ``verzoeken nieuw``
  records one to handle later, ``verzoeken verleng`` extends one by two months.
"""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime, time
from pathlib import Path

from rich.table import Table

from klachtdesk.cli import DutchArgumentParser, bounded, late_options, path_argument
from klachtdesk.cli.backup import confirm
from klachtdesk.cli.medewerker import print_table
from klachtdesk.cli.output import console, json_text, say
from klachtdesk.cli.termijn import parse_received
from klachtdesk.paths import write_private
from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ValidationError
from klachtdesk.services.procedure.vocabulary import DeadlineState, PrivacyRequestKind
from klachtdesk.services.privacy import avg as privacy
from klachtdesk.cli.session import open_context
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import describe_due, format_count, format_date, format_datetime

SUBJECT_HELP = "naam, e-mailadres of telefoonnummer van de aanvrager"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "opschonen", parents=[common], help="anonimiseer zaken waarvan de bewaartermijn voorbij is",
        description="Anonimiseer de zaken die langer dan de bewaartermijn (privacy.bewaartermijn_maanden in de instellingen) gesloten zijn: namen, "
        "contactgegevens en vrije tekst verdwijnen, de cijfers voor de analyse blijven.",
    )
    parser.add_argument("--droog", action="store_true", help="toon alleen wat er zou gebeuren")
    parser.set_defaults(func=run_purge)

    parser = subparsers.add_parser(
        "inzage", parents=[common], help="inzageverzoek (AVG): alle gegevens over één persoon als JSON",
        description="Alle gegevens die klachtdesk over één persoon heeft, als JSON. Vertrouwelijke en interne "
        "notities en gegevens van anderen blijven buiten de uitvoer. Het verzoek wordt vastgelegd.",
    )
    _subject_options(parser)
    parser.add_argument("--uit", metavar="BESTAND", type=path_argument, help="schrijf naar dit bestand in plaats van het scherm")
    parser.set_defaults(func=run_access)

    parser = subparsers.add_parser(
        "vergeet", parents=[common], help="verzoek om vergetelheid (AVG): anonimiseer één persoon",
        description="Anonimiseer één persoon op diens verzoek: eigen zaken volledig, andere zaken alleen naam en "
        "contactgegevens. Het verzoek wordt vastgelegd.",
    )
    _subject_options(parser)
    parser.add_argument("--ja", action="store_true", help="niet om bevestiging vragen")
    parser.set_defaults(func=run_erase)

    parser = subparsers.add_parser(
        "verzoeken", parents=[common], help="AVG-verzoeken en hun termijnen",
        description="De AVG-verzoeken (inzage, vergetelheid) met de datum waarop ze uiterlijk af moeten zijn: "
        "één maand na ontvangst, eenmaal met twee maanden te verlengen.",
    )
    parser.add_argument("--alle", action="store_true", help="ook afgehandelde verzoeken")
    parser.set_defaults(func=run_list)
    late = late_options(common)
    actions = parser.add_subparsers(dest="actie", metavar="[ACTIE]", parser_class=DutchArgumentParser)
    nieuw = actions.add_parser("nieuw", parents=[late], help="leg een verzoek vast om later af te handelen")
    nieuw.add_argument("soort", choices=[k.value for k in PrivacyRequestKind], metavar="SOORT",
                       help="inzage of vergetelheid")
    nieuw.add_argument("onderwerp", metavar="ONDERWERP", help=SUBJECT_HELP)
    nieuw.add_argument("--ontvangen", metavar="DATUM", help="ontvangen op (standaard: nu), bv. 2026-11-20")
    nieuw.set_defaults(func=run_new)
    verleng = actions.add_parser("verleng", parents=[late], help="verleng een verzoek met twee maanden")
    verleng.add_argument("verzoek", metavar="NUMMER", type=bounded("id"))
    verleng.set_defaults(func=run_extend)


def _subject_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("onderwerp", metavar="ONDERWERP", help=SUBJECT_HELP)
    parser.add_argument("--persoon", metavar="ID", type=bounded("id"), action="append",
                        help="kies de persoon (bij meerdere personen met dezelfde naam); herhaalbaar")
    parser.add_argument("--ontvangen", metavar="DATUM", help="wanneer het verzoek binnenkwam (standaard: nu)")
    parser.add_argument("--verzoek", metavar="NUMMER", type=bounded("id"), help="een eerder vastgelegd verzoek afhandelen")


def _received(text: str | None) -> datetime | None:
    if not text:
        return None
    value = parse_received(text)
    if isinstance(value, datetime):
        return value
    assert isinstance(value, date)
    return datetime.combine(value, time(0), tzinfo=AMSTERDAM)


def run_purge(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    result = privacy.apply_retention(context, dry_run=args.droog)
    if args.droog and result.cases:
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column("Klachtnummer")
        table.add_column("Gesloten")
        for case in result.cases:
            table.add_row(case.number, format_datetime(case.closed_at))
        print_table(table)
    console.print(result.summary + (" (droog: er is niets gewijzigd)" if args.droog else ""))
    return 0


def run_access(args: argparse.Namespace) -> int:
    target: Path | None = args.uit
    if target is not None:
        target = target.expanduser()
        if target.is_dir() or not target.parent.is_dir():
            raise ValidationError(f"Kan niet schrijven naar {target}: geef een bestand in een bestaande map.",
                                  field="uit")
    context = open_context(args.db, user=args.gebruiker, create=False)
    export = privacy.export_person(context, args.onderwerp, person_ids=args.persoon,
                                   received_at=_received(args.ontvangen), request_id=args.verzoek)
    text = json_text(export.data)
    if target is None:
        say(text)
    else:
        try:
            write_private(target, text + "\n")
        except OSError as error:
            raise ValidationError(f"Kan niet schrijven naar {target}: {error.strerror}. Het verzoek is wel "
                                  "vastgelegd; vraag de gegevens opnieuw op met --verzoek.", field="uit") from None
    where = f" in {target}" if target is not None else ""
    say(f"klachtdesk: inzageverzoek {export.request.id} afgehandeld: {format_count(export.cases)} "
          f"{privacy.counted(export.cases, 'zaak', 'zaken')}{where}. "
          "Controleer de uitvoer voordat u haar verstuurt.", err=True)
    return 0


def run_erase(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    received = _received(args.ontvangen)
    plan = privacy.erase_person(context, args.onderwerp, person_ids=args.persoon, dry_run=True)
    people = ", ".join(f"{p.name} ({', '.join(x for x in (p.email, p.phone) if x) or 'geen contactgegevens'})"
                       for p in plan.persons)
    lines = [f"Te vergeten: {people}."]
    if plan.own_cases:
        lines.append(f"Eigen zaken die volledig worden geanonimiseerd: {', '.join(plan.own_cases)}.")
    if plan.open_own_cases:
        lines.append(f"Let op: nog open: {', '.join(plan.open_own_cases)}.")
    if plan.involved_cases:
        lines.append(f"Zaken waaruit naam en contactgegevens verdwijnen: {', '.join(plan.involved_cases)}.")
    for line in lines:
        say(line, err=True)
    if not args.ja and not confirm("Dit kan niet ongedaan worden gemaakt. Doorgaan?"):
        say("klachtdesk: niets gewijzigd.", err=True)
        return 1
    result = privacy.erase_person(context, args.onderwerp, person_ids=args.persoon, received_at=received,
                                  request_id=args.verzoek)
    assert result.request is not None
    console.print(f"Verzoek {result.request.id} afgehandeld: {result.summary}")
    for note in result.notes:
        say(f"klachtdesk: {note}", err=True)
    return 0


def _state_words(context: Context, view: privacy.PrivacyRequestView) -> str:
    if view.done_at is not None:
        late = " (te laat)" if view.state is DeadlineState.MET_LATE else ""
        return f"afgehandeld {format_datetime(view.done_at)}{late}"
    return describe_due(context.today(), view.due, context.calendars.organisation)


def run_list(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    views = privacy.list_requests(context, open_only=not args.alle)
    if not views:
        console.print("Geen open AVG-verzoeken." if not args.alle else "Geen AVG-verzoeken.")
        return 0
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("Nr", "Soort", "Onderwerp", "Ontvangen", "Uiterlijk", "Stand"):
        table.add_column(column)
    for view in views:
        due = format_date(view.due) + (" (verlengd)" if view.extended else "")
        table.add_row(str(view.id), view.kind.value, view.subject, format_datetime(view.received_at), due,
                      _state_words(context, view))
    print_table(table)
    return 0


def run_new(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    view = privacy.register_request(context, PrivacyRequestKind(args.soort), args.onderwerp,
                                    _received(args.ontvangen))
    console.print(f"Verzoek {view.id} ({view.kind.value}) vastgelegd; uiterlijk af op {format_date(view.due)}.")
    return 0


def run_extend(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    view = privacy.extend_request(context, args.verzoek)
    console.print(f"Verzoek {view.id} verlengd tot {format_date(view.due)}. Laat de aanvrager dit binnen de eerste "
                  "termijn weten, met de reden.")
    return 0
