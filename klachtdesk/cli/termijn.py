"""``klachtdesk termijn``: when does a deadline end? ``klachtdesk termijnen herberekenen``.

``klachtdesk termijn ONTVANGEN N`` gives the end of "binnen N werkdagen" on
the organisation's calendar; ``klachtdesk termijn ONTVANGEN --weken N`` the
end of "binnen N weken" under the Algemene termijnenwet. The first token of
the output is the date as ``YYYY-MM-DD`` (for scripts), then the same date in
Dutch words; a second line explains when the receipt or the deadline moved.
It counts on the desk's calendar (the settings in the database; the defaults of
``data/`` when there is no database yet), or on a proposed ``--kalender`` file.
ONTVANGEN without a time zone is Amsterdam wall-clock time (the zone is attached
here; everywhere else a naive moment means UTC).

``klachtdesk termijnen herberekenen`` recomputes every open deadline of the
database on the desk's calendar and says what moved. A change of the calendar through
``klachtdesk instellingen`` does so by itself; nothing is recomputed at start.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import Any

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ValidationError
from klachtdesk.services.bootstrap import desk_settings, open_context
from klachtdesk.services.config.calendar import load_calendar_settings
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.time.calendar import build_calendars
from klachtdesk.services.time.dutch import describe_receipt, describe_statutory_shift, format_date

DESCRIPTION = (
    "Bereken het einde van een termijn: 'binnen N werkdagen' op de kalender van de organisatie, "
    "of met --weken 'binnen N weken' volgens de Algemene termijnenwet."
)
EPILOG = (
    "ONTVANGEN is een datum of datum en tijd in ISO 8601, bijvoorbeeld 2026-12-24, 2026-12-24T10:00 "
    "of 2026-12-24T09:00+00:00. Zonder tijdzone geldt Nederlandse tijd; een datum zonder tijd telt als "
    "ontvangen binnen kantoortijd."
)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``termijn`` subcommand."""
    parser = subparsers.add_parser(
        "termijn",
        parents=[common],
        help="bereken wanneer een termijn afloopt",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    parser.add_argument("ontvangen", metavar="ONTVANGEN", help="moment van ontvangst (ISO 8601)")
    parser.add_argument(
        "werkdagen", metavar="N", nargs="?", type=int, help="aantal werkdagen (kalender van de organisatie)"
    )
    parser.add_argument("--weken", metavar="N", type=int, help="aantal weken (Algemene termijnenwet)")
    parser.add_argument(
        "--kalender",
        metavar="BESTAND",
        type=Path,
        help="reken met dit kalenderbestand in plaats van de kalender van de desk (een voorstel uitproberen)",
    )
    parser.set_defaults(func=run)

    group = subparsers.add_parser(
        "termijnen",
        parents=[common],
        help="open termijnen van de database: herberekenen na een kalenderwijziging",
        description="Werk met de open termijnen van alle zaken in de database.",
    )
    actions = group.add_subparsers(dest="termijnen_actie", metavar="ACTIE", required=True)
    recompute = actions.add_parser(
        "herberekenen",
        parents=[common],
        help="reken alle open termijnen opnieuw uit op de huidige kalender",
        description=(
            "Reken alle open termijnen opnieuw uit op de kalender van de desk (de instellingen in de "
            "database: kalender.toml en de gelijkgestelde dagen). Een wijziging met 'klachtdesk instellingen' "
            "doet dat al vanzelf; elke zaak waarvan een termijn verschuift krijgt een regel in haar geschiedenis."
        ),
    )
    recompute.set_defaults(func=run_recompute)


def run_recompute(args: argparse.Namespace) -> int:
    """Recompute the open deadlines and say what moved."""
    context = open_context(args.db, user=args.gebruiker, create=False)
    context.require(Permission.MANAGE_SETTINGS)
    summary = deadlines.recompute_open(context)
    assert summary is not None
    print(f"{summary.text} ({_seconds(summary.seconds)})")
    return 0


def _seconds(seconds: float) -> str:
    """``0,42 s``."""
    return f"{seconds:.2f} s".replace(".", ",")


def run(args: argparse.Namespace) -> int:
    """Print the due date (and why the receipt or the deadline moved, if it did)."""
    if args.werkdagen is not None and args.weken is not None:
        raise ValidationError("Geef óf een aantal werkdagen óf --weken, niet allebei.")
    if args.werkdagen is None and args.weken is None:
        raise ValidationError("Geef een aantal werkdagen (bijvoorbeeld 3) of --weken met een aantal weken.")
    received = parse_received(args.ontvangen)
    settings = desk_settings(args.db)
    calendar = load_calendar_settings(args.kalender) if args.kalender is not None else settings.calendar
    calendars = build_calendars(calendar, settings.equated_days)
    if args.weken is not None:
        statutory = calendars.statutory
        due = statutory.due_in_weeks(received, args.weken)
        note = describe_statutory_shift(statutory.nominal_end(received, args.weken), statutory)
    else:
        organisation = calendars.organisation
        due = organisation.due_in_werkdagen(received, args.werkdagen)
        note = describe_receipt(organisation.receipt(received), organisation)
    print(f"{due.isoformat()} {format_date(due)}")
    if note:
        print(note)
    return 0


def parse_received(text: str) -> date | datetime:
    """An ISO 8601 date, or an aware date-time (no offset given: Amsterdam time)."""
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"'{text}' is geen bestaande datum of tijd; schrijf bijvoorbeeld 2026-12-24 of 2026-12-24T10:00.",
            field="ontvangen",
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=AMSTERDAM)
