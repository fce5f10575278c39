"""``klachtdesk termijn``: when does a deadline end? ``klachtdesk termijnen herberekenen``.

``klachtdesk termijn ONTVANGEN N`` gives the end of "binnen N werkdagen" on
the organisation's calendar; ``klachtdesk termijn ONTVANGEN --weken N`` the
end of "binnen N weken" under the Algemene termijnenwet. The first token of
the output is the date as ``YYYY-MM-DD`` (for scripts), then the same date in
Dutch words; a second line explains when the receipt or the deadline moved.
It counts on the desk's calendar (the settings in its database), or, when there is
no database yet, on the defaults under ``data/`` (then no database layer is loaded);
``--kalender`` tries a proposed calendar file. ONTVANGEN without a time zone is
Amsterdam wall-clock time (the zone is attached here; everywhere else a naive moment
means UTC).

``klachtdesk termijnen herberekenen`` recomputes every open deadline of the
database on the desk's calendar and says what moved. A change of the calendar through
``klachtdesk instellingen`` does so by itself; nothing is recomputed at start.
"""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from klachtdesk.clock import Clock, SystemClock, today
from klachtdesk.errors import ValidationError
from klachtdesk.paths import data_file, default_database_path
from klachtdesk.services.config.calendar import (
    ATW_FILE,
    KALENDER_FILE,
    CalendarSettings,
    DayOff,
    load_calendar_settings,
    load_equated_days,
)
from klachtdesk.services.time import date_grammar
from klachtdesk.services.time.calendar import build_calendars
from klachtdesk.services.time.dutch import describe_receipt, describe_statutory_shift, format_date

DESCRIPTION = (
    "Bereken het einde van een termijn: 'binnen N werkdagen' op de kalender van de organisatie, "
    "of met --weken 'binnen N weken' volgens de Algemene termijnenwet."
)
EPILOG = (
    "ONTVANGEN is een datum of datum en tijd, bijvoorbeeld 2026-12-24, 24-12, 24 december, gisteren, "
    "morgen, maandag, '24-12 10:00', 2026-12-24T10:00 of 2026-12-24T09:00+00:00. Zonder tijdzone geldt "
    "Nederlandse tijd; een datum zonder tijd telt als ontvangen binnen kantoortijd; zonder jaar geldt de "
    "laatste zo'n dag."
)


#: the clock "morgen" and "maandag" are read by (tests fix it)
CLOCK: Clock = SystemClock()


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``termijn`` subcommand."""
    parser = subparsers.add_parser(
        "termijn",
        parents=[common],
        help="bereken wanneer een termijn afloopt",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    parser.add_argument("ontvangen", metavar="ONTVANGEN", help="moment van ontvangst (datum, eventueel met tijd)")
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
    # the database layer only for the command that needs it: ``termijn`` starts without it
    from klachtdesk.services.bootstrap import open_context
    from klachtdesk.services.core.permissions import Permission
    from klachtdesk.services.deadlines import rules as deadlines

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
    settings, equated_days = _desk_calendar(args.db)
    if args.kalender is not None:
        settings = load_calendar_settings(args.kalender)
    calendars = build_calendars(settings, equated_days)
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


def _desk_calendar(db: str | None) -> tuple[CalendarSettings, tuple[DayOff, ...]]:
    """The desk's calendar settings and Atw days: from its database when there is one (the
    database layer is loaded then only), else the defaults under ``data/``."""
    target = db or os.environ.get("KLACHTDESK_DB")
    if target is None and not default_database_path().exists():
        kalender = data_file(KALENDER_FILE)
        calendar = load_calendar_settings(kalender) if kalender.exists() else CalendarSettings()
        return calendar, load_equated_days(data_file(ATW_FILE))
    from klachtdesk.services.bootstrap import desk_settings

    settings = desk_settings(target)
    return settings.calendar, settings.equated_days


def parse_received(text: str) -> date | datetime:
    """The receipt in the one Dutch grammar (looking back): a day (``2026-12-24``, ``24-12``,
    ``morgen``, ``maandag``), or an aware moment when a time is given (no offset: Amsterdam time)."""
    try:
        reading = date_grammar.read(text, today(CLOCK), direction=date_grammar.PAST, field="ontvangen")
    except ValidationError:
        reading = None
    if reading is None:
        raise ValidationError(
            f"'{text}' is geen bestaande datum of tijd; schrijf bijvoorbeeld 2026-12-24, 24-12, morgen "
            "of 2026-12-24T10:00.",
            field="ontvangen",
        )
    return reading.moment if reading.moment is not None else reading.day
