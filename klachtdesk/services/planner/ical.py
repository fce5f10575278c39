"""Invitations for mediation sessions as iCalendar (.ics) files, with ``icalendar``.

One file per session (``METHOD:REQUEST``, or ``CANCEL`` for a cancelled one) or
one file with a functionaris's whole week (``METHOD:PUBLISH``). The organiser is
the klachtenfunctionaris; every participant is an attendee (with their e-mail
address when it is known); start and end are Europe/Amsterdam times and the
VTIMEZONE is included, so any calendar program places them right, also in the
DST weeks. Files go to ``<outbox>/agenda/`` unless another folder is given.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import icalendar

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ValidationError
from klachtdesk.models import SessionStatus
from klachtdesk.paths import outbox_dir, private_dir, write_private
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.planner.sessions import ParticipantView, SessionView

PRODID = "-//klachtdesk//bemiddelingsplanner//NL"
UID_DOMAIN = "klachtdesk"


def agenda_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """Where invitations are written: ``directory``, or ``<outbox>/agenda``."""
    path = Path(directory).expanduser() if directory is not None else outbox_dir() / "agenda"
    try:
        private_dir(path, tighten=directory is None)
    except OSError as error:
        raise ValidationError(f"De map {path} kan niet worden gemaakt ({error.strerror}).", field="map") from None
    return path


def _address(email: str | None, person_id: int) -> str:
    # a cal-address must be a URI; without an e-mail address a URN names the person
    return f"mailto:{email}" if email else f"urn:klachtdesk:persoon:{person_id}"


def _attendee(participant: ParticipantView) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(_address(participant.email, participant.person_id))
    attendee.params["CN"] = participant.name
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "CHAIR" if participant.is_officer else "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED" if participant.is_officer else "NEEDS-ACTION"
    if participant.email and not participant.is_officer:
        attendee.params["RSVP"] = "TRUE"
    return attendee


def uid_for(view: SessionView) -> str:
    """Stable per session, so a re-sent file updates the earlier invitation."""
    return f"{view.complaint_number}-gesprek-{view.id}@{UID_DOMAIN}"


def session_event(view: SessionView, stamp: datetime) -> icalendar.Event:
    """One VEVENT for a session."""
    event = icalendar.Event()
    event.add("uid", uid_for(view))
    event.add("dtstamp", stamp)
    event.add("sequence", max(view.version - 1, 0))
    event.add("dtstart", view.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", view.ends_at.astimezone(AMSTERDAM))
    event.add("summary", f"Bemiddelingsgesprek {view.complaint_number}")
    event.add("location", view.location)
    people = "\n".join(f"- {p.name} ({p.role})" for p in view.participants)
    event.add(
        "description",
        f"{view.type.label.capitalize()} over klacht {view.complaint_number}.\n"
        f"Klachtenfunctionaris: {view.officer_name} (aanwezig bij het gesprek).\n"
        f"Deelnemers:\n{people}",
    )
    event.add("status", "CANCELLED" if view.status is SessionStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = icalendar.vCalAddress(_address(view.officer_email, _officer_person(view)))
    organizer.params["CN"] = view.officer_name
    event.add("organizer", organizer)
    for participant in view.participants:
        event.add("attendee", _attendee(participant))
    return event


def _officer_person(view: SessionView) -> int:
    return next((p.person_id for p in view.participants if p.is_officer), 0)


def build_calendar(views: Sequence[SessionView], stamp: datetime, *, method: str = "REQUEST",
                   name: str | None = None) -> icalendar.Calendar:
    """A VCALENDAR with the sessions and the Europe/Amsterdam VTIMEZONE."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for view in views:
        calendar.add_component(session_event(view, stamp))
    if views:
        first = min(v.starts_at for v in views).date()
        last = max(v.ends_at for v in views).date()
        calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 1, 12, 31))
    return calendar


def _write(path: Path, calendar: icalendar.Calendar) -> Path:
    """Write atomically: a half-written invitation never lands in the outbox."""
    data = calendar.to_ical()
    try:
        write_private(path, data)
    except OSError as error:
        raise ValidationError(f"{path} kan niet worden geschreven ({error.strerror}).", field="map") from None
    return path


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def session_ics(context: Context, session_id: int) -> bytes:
    """The invitation for one session, as bytes."""
    context.require(Permission.PLAN_SESSION)
    view = planner.get_session(context, session_id)
    method = "CANCEL" if view.status is SessionStatus.CANCELLED else "REQUEST"
    return build_calendar([view], context.now(), method=method).to_ical()


def export_session(
    context: Context, session_id: int, directory: str | os.PathLike[str] | None = None
) -> Path:
    """Write the invitation for one session; returns the file's path."""
    context.require(Permission.PLAN_SESSION)
    view = planner.get_session(context, session_id)
    method = "CANCEL" if view.status is SessionStatus.CANCELLED else "REQUEST"
    calendar = build_calendar([view], context.now(), method=method)
    path = agenda_dir(directory) / f"{_safe(view.complaint_number)}-gesprek-{view.id}.ics"
    return _write(path, calendar)


def export_week(
    context: Context, officer_id: int, day: date, directory: str | os.PathLike[str] | None = None
) -> tuple[Path, int]:
    """Write every (not cancelled) session of a functionaris's week to one file.

    Returns the path and the number of sessions in it.
    """
    context.require(Permission.PLAN_SESSION)
    agenda = planner.week_agenda(context, officer_id, day)
    views = [v for v in agenda.sessions if v.status is not SessionStatus.CANCELLED]
    name = f"Bemiddelingsgesprekken {agenda.officer_name}, {agenda.iso_week}"
    calendar = build_calendar(views, context.now(), method="PUBLISH", name=name)
    path = agenda_dir(directory) / f"agenda-{_safe(agenda.officer_name.lower())}-{agenda.iso_week}.ics"
    return _write(path, calendar), len(views)
