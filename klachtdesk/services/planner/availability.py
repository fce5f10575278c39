"""Availability of the people in a session: what is busy, slot problems, conflicts, the first free slots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError
from klachtdesk.models import Complaint, MediationSession, Person, SessionParticipant, SessionStatus
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner.views import Conflict, Slot
from klachtdesk.services.planner.wording import DEFAULT_DURATION, as_amsterdam, end_of, parse_duration
from klachtdesk.services.time.dutch import format_datetime, not_a_werkdag


DEFAULT_GRID = 30
DEFAULT_PROPOSALS = 5
#: how far ahead ``first_free_slots`` looks before it gives up
SEARCH_HORIZON_DAYS = 120
#: with a lead time of 0 werkdagen (today), the first slot offered is at least this far from now
MINIMUM_LEAD = timedelta(minutes=30)
# ---------------------------------------------------------------------------------------
# availability
# ---------------------------------------------------------------------------------------


def _busy(
    session: Session, person_ids: Iterable[int], start: datetime, end: datetime, exclude_session_id: int | None
) -> list[Conflict]:
    """Every (person, session) pair of not-cancelled sessions overlapping [start, end)."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    query = (
        select(SessionParticipant.person_id, Person.name, MediationSession.id, Complaint.number,
               MediationSession.starts_at, MediationSession.ends_at)
        .join(MediationSession, col(MediationSession.id) == col(SessionParticipant.session_id))
        .join(Person, col(Person.id) == col(SessionParticipant.person_id))
        .join(Complaint, col(Complaint.id) == col(MediationSession.complaint_id))
        .where(
            col(SessionParticipant.person_id).in_(ids),
            MediationSession.status != SessionStatus.CANCELLED,
            col(MediationSession.starts_at) < end.astimezone(UTC),
            col(MediationSession.ends_at) > start.astimezone(UTC),
        )
        .order_by(MediationSession.starts_at, SessionParticipant.person_id)
    )
    if exclude_session_id is not None:
        query = query.where(MediationSession.id != exclude_session_id)
    return [Conflict(r[0], r[1], r[2], r[3], r[4], r[5]) for r in session.exec(query).all()]


def slot_problems(
    context: Context, start: datetime, duration_minutes: int, person_ids: Iterable[int] = (),
    *, exclude_session_id: int | None = None, session: Session | None = None,
) -> list[str]:
    """Why a session cannot be at ``start`` (Dutch sentences); empty when it can.

    Checks, in this order: a werkdag, inside office hours, not in the past, and
    no participant in another session at the same time.
    """
    start = as_amsterdam(start)
    end = end_of(start, duration_minutes)
    calendar = context.calendars.organisation
    day = start.date()
    refused = not_a_werkdag(day, calendar)
    if refused is not None:
        return [refused]
    opening, closing = calendar.office_hours_on(day)  # type: ignore[misc]
    if start < opening or end > closing:
        return [
            f"Het gesprek valt buiten kantoortijd ({opening:%H:%M}–{closing:%H:%M}): "
            f"{start:%H:%M}–{end:%H:%M} kan niet."
        ]
    if start < context.now():
        return [f"{format_datetime(start)} ligt in het verleden (het is nu {format_datetime(context.now())})."]
    if session is None:
        with context.db.read() as reading:
            busy = _busy(reading, person_ids, start, end, exclude_session_id)
    else:
        busy = _busy(session, person_ids, start, end, exclude_session_id)
    return [conflict.message + "." for conflict in busy]


def conflicts(
    context: Context, start: datetime, duration_minutes: int, person_ids: Iterable[int],
    *, exclude_session_id: int | None = None,
) -> list[Conflict]:
    """The participants who are in another (not cancelled) session then."""
    start = as_amsterdam(start)
    with context.db.read() as session:
        return _busy(session, person_ids, start, end_of(start, duration_minutes), exclude_session_id)


def earliest_offer(context: Context) -> datetime:
    """The first moment the planner offers a session from (aware, Amsterdam): the one rule
    of the lead time, ``kalender.bemiddeling_vanaf_werkdagen``.

    ``n`` werkdagen (1, the default): the opening of office hours on the n-th werkdag
    after today. 0: today, but no sooner than ``MINIMUM_LEAD`` from now. Only what is
    *offered* follows it; a moment typed in may still be sooner (not in the past).
    """
    now = local(context.now())
    calendar = context.calendars.organisation
    lead = context.settings.calendar.planner_lead_werkdagen
    if lead == 0:
        return now + MINIMUM_LEAD
    day = calendar.add_werkdagen(now.date(), lead)
    hours = calendar.office_hours_on(day)
    assert hours is not None  # add_werkdagen gives a werkdag
    return hours[0]


def first_free_slots(
    context: Context,
    person_ids: Iterable[int],
    start: date | datetime,
    *,
    duration_minutes: int = DEFAULT_DURATION,
    count: int = DEFAULT_PROPOSALS,
    grid_minutes: int = DEFAULT_GRID,
    exclude_session_id: int | None = None,
    horizon_days: int = SEARCH_HORIZON_DAYS,
) -> list[Slot]:
    """The first ``count`` slots from ``start`` on at which every person is free.

    Slots start on a ``grid_minutes`` grid counted from the opening time, lie on
    werkdagen inside office hours, and never before the organisation's lead time
    (``earliest_offer``: by default the next werkdag). The persons' sessions
    are read once for the whole search horizon.
    """
    duration_minutes = parse_duration(duration_minutes)
    if grid_minutes <= 0:
        raise ValidationError("Het raster moet een positief aantal minuten zijn.", field="grid")
    calendar = context.calendars.organisation
    if isinstance(start, datetime):
        begin = as_amsterdam(start)
    else:
        begin = datetime.combine(start, time(0, 0), tzinfo=AMSTERDAM)
    begin = max(begin, earliest_offer(context))
    first_day = begin.date()
    last_day = first_day + timedelta(days=horizon_days)
    with context.db.read() as session:
        busy = _busy(
            session, person_ids, datetime.combine(first_day, time(0, 0), tzinfo=AMSTERDAM),
            datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=AMSTERDAM), exclude_session_id,
        )
    intervals = sorted({(c.starts_at.astimezone(UTC), c.ends_at.astimezone(UTC)) for c in busy})
    grid = timedelta(minutes=grid_minutes)
    slots: list[Slot] = []
    day = first_day
    while day <= last_day and len(slots) < count:
        hours = calendar.office_hours_on(day)
        day += timedelta(days=1)
        if hours is None:
            continue
        opening, closing = hours
        today_busy = [b for b in intervals if b[0] < closing.astimezone(UTC) and b[1] > opening.astimezone(UTC)]
        candidate = opening
        if begin > candidate:  # the first grid point at or after ``begin``
            candidate = opening + -(-(begin - opening) // grid) * grid
        while len(slots) < count:
            end = end_of(candidate, duration_minutes)
            if end > closing:
                break
            s_utc, e_utc = candidate.astimezone(UTC), end.astimezone(UTC)
            busy_until = max((b[1] for b in today_busy if b[0] < e_utc and b[1] > s_utc), default=None)
            if busy_until is None:
                slots.append(Slot(candidate, end))
                candidate = candidate + grid
            else:  # jump to the first grid point after the blocking session(s)
                candidate = opening + -(-(busy_until.astimezone(AMSTERDAM) - opening) // grid) * grid
    return slots


__all__ = [
    "DEFAULT_GRID",
    "DEFAULT_PROPOSALS",
    "MINIMUM_LEAD",
    "SEARCH_HORIZON_DAYS",
    "conflicts",
    "earliest_offer",
    "first_free_slots",
    "slot_problems",
]
