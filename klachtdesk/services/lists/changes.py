"""A cheap "has anything changed?" value, so two klachtdesk instances on one database
see each other's work: the inbox polls it in a worker every few seconds."""

from __future__ import annotations

from sqlalchemy import select

from klachtdesk.models import Complaint, Event, EventType
from klachtdesk.services.core.context import Context


def change_marker(context: Context) -> int:
    """A number that changes whenever any case changes (viewing a case does not).

    Every change to a case is recorded as an event, and event ids only grow, so
    the value changes whenever any case changes; the newest case id is added for
    bulk loads that insert cases without events. Two primary-key look-ups.
    """
    newest_event = (
        select(Event.id).where(Event.type != EventType.VIEWED)  # type: ignore[arg-type]
        .order_by(Event.id.desc()).limit(1)  # type: ignore[union-attr]
    )
    newest_case = select(Complaint.id).order_by(Complaint.id.desc()).limit(1)  # type: ignore[union-attr]
    with context.db.read() as session:
        event_id = session.execute(newest_event).scalar()
        case_id = session.execute(newest_case).scalar()
    return int(event_id or 0) + int(case_id or 0)
