"""``klachtdesk agenda``: a klachtenfunctionaris's week of mediation sessions.

``klachtdesk agenda`` prints this week (at the weekend: next week) of the
functionaris at the keyboard, or of the first one; ``--week 2026-W48`` another
week, ``--functionaris NAAM`` another colleague; ``--ics [MAP]`` also writes the
week as one iCalendar file (default ``<outbox>/agenda``) and prints its path.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.markup import escape

from klachtdesk.cli import path_argument
from klachtdesk.cli.output import console
from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.services.procedure.vocabulary import SessionStatus
from klachtdesk.services.planner import ical
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.identity import staff
from klachtdesk.cli.session import open_context
from klachtdesk.services.time.dutch import format_date_short


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "agenda", parents=[common], help="de week van een klachtenfunctionaris: bemiddelingsgesprekken",
        description="Toon de bemiddelingsgesprekken van een week, met feestdagen en sluitingsdagen; "
        "schrijf de week desgewenst als agenda (.ics).",
    )
    parser.add_argument("--week", metavar="JJJJ-Www", help="de week, bijvoorbeeld 2026-W48 (standaard: deze week)")
    parser.add_argument("--functionaris", metavar="GEBRUIKER",
                        help="de klachtenfunctionaris (standaard: uzelf, of de eerste)")
    parser.add_argument("--ics", metavar="MAP", nargs="?", const="", default=None, type=path_argument,
                        help="schrijf de week ook als .ics-bestand (standaard in de map outbox/agenda)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    monday = planner.parse_week(args.week) if args.week else planner.current_week(context)
    if args.functionaris:
        member = staff.find_staff(context, args.functionaris)
        if not any(o.staff_id == member.id for o in planner.officers(context)):
            raise ValidationError(f"{member.name} heeft niet de rol klachtenfunctionaris.", field="functionaris")
        officer_id: int | None = member.id
    else:
        officer_id = planner.default_officer_id(context)
    if officer_id is None:
        raise NotFound("Er is geen medewerker met de rol klachtenfunctionaris.")
    agenda = planner.week_agenda(context, officer_id, monday)
    console.print(f"[bold]{escape(agenda.title)} — {escape(agenda.officer_name)}[/]", markup=True, highlight=False)
    for day in agenda.days:
        if day.day.weekday() >= 5 and not day.sessions and not day.day_off:
            continue
        label = format_date_short(day.day)
        if day.day_off:
            console.print(f"{label:<11} [red]{escape(day.day_off)}: vrij[/]", markup=True)
        elif not day.sessions:
            console.print(f"{label:<11} —")
        else:
            console.print(label)
        for view in day.sessions:
            style = "strike dim" if view.status is SessionStatus.CANCELLED else ""
            line = (f"  {view.starts_at:%H:%M}–{view.ends_at:%H:%M}  {view.complaint_number}  {view.type.label}  "
                    f"{view.location}  ({view.status.value})")
            console.print(line, style=style, markup=False, soft_wrap=True)
    if args.ics is not None:
        path, count = ical.export_week(context, officer_id, monday, args.ics or None)
        console.print(f"{count} {'gesprek' if count == 1 else 'gesprekken'} geschreven naar {path}", markup=False, soft_wrap=True)
    return 0
