"""A cheap "has anything changed?" value, so two klachtdesk instances on one database
see each other's work: the inbox polls it in a worker every few seconds; and, at the
same poll, the cases a colleague assigned to the user since the last look (the app shows
each as a notification, once). At the app's first look, the cases a colleague assigned
to the user that the user has not touched since (``unseen_assignments``): an assignment
made while the app was closed is not missed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from klachtdesk.models import Complaint, Event, EventType, Staff
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


@dataclass(frozen=True)
class AssignmentNotice:
    """A case assigned to the user by someone else (a history line of type toegewezen)."""

    event_id: int
    complaint_id: int
    number: str
    by: str  # who assigned it

    def text(self) -> str:
        return f"{self.by} heeft zaak {self.number} aan u toegewezen."


def newest_event(context: Context) -> int:
    """The id of the newest history line (0 when there is none): where the notices start."""
    with context.db.read() as session:
        return int(session.execute(select(func.max(Event.id))).scalar() or 0)


def assigned_to_me(context: Context, after: int, upto: int | None = None, *,
                   limit: int = 500) -> list[AssignmentNotice]:
    """The assignments to the signed-in user after history line ``after`` (up to ``upto``,
    included), oldest first, made by someone else (assigning a case to oneself is no news),
    for cases still theirs. A range on the primary key: cheap at every poll."""
    me = context.user.id
    if not me:
        return []
    bounds = [Event.id > after]  # type: ignore[operator]
    if upto is not None:
        bounds.append(Event.id <= upto)  # type: ignore[operator]
    statement = (
        select(Event.id, Event.complaint_id, Event.data, Complaint.number, Staff.name)
        .join(Complaint, Complaint.id == Event.complaint_id)  # type: ignore[arg-type]
        .outerjoin(Staff, Staff.id == Event.actor_id)  # type: ignore[arg-type]
        .where(*bounds, Event.type == EventType.ASSIGNED,
               Complaint.handler_id == me, Event.actor_id.is_distinct_from(me))  # type: ignore[union-attr]
        .order_by(Event.id).limit(limit)  # type: ignore[arg-type]
    )
    with context.db.read() as session:
        rows = session.execute(statement).all()
    notices = []
    for event_id, complaint_id, data, number, by in rows:
        if isinstance(data, dict) and data.get("naar_id") not in (None, me):
            continue  # assigned to me once, and since to someone else: not this line
        notices.append(AssignmentNotice(int(event_id), int(complaint_id), str(number), by or "klachtdesk"))
    return notices


def unseen_assignments(context: Context, *, limit: int = 500) -> list[AssignmentNotice]:
    """The user's open cases whose latest assignment was a colleague's and that the user
    has written no history line on since — not even opening the case (``viewed``): what
    the app says at its first look. Oldest first. One query: the user's open cases (the
    handler index), each with its latest assignment and whether the user wrote a line
    after it (the case's history index)."""
    me = context.user.id
    if not me:
        return []
    later = aliased(Event)
    latest_assignment = (
        select(func.max(Event.id))
        .where(Event.complaint_id == Complaint.id, Event.type == EventType.ASSIGNED)
        .correlate(Complaint).scalar_subquery()
    )
    query = (
        select(Event.id, Complaint.id, Complaint.number, Staff.name)
        .select_from(Complaint)
        .join(Event, Event.id == latest_assignment)
        .outerjoin(Staff, Staff.id == Event.actor_id)  # type: ignore[arg-type]
        .where(Complaint.handler_id == me, Complaint.closed_at.is_(None))  # type: ignore[union-attr]
        .where(or_(Event.actor_id.is_(None), Event.actor_id != me))  # type: ignore[union-attr]
        .where(~exists().where(later.complaint_id == Complaint.id, later.id > Event.id,  # type: ignore[operator]
                               later.actor_id == me))
        .order_by(Complaint.id.desc()).limit(limit)  # type: ignore[union-attr]
    )
    with context.db.read() as session:
        notices = [AssignmentNotice(int(event_id), int(complaint_id), str(number), name or "klachtdesk")
                   for event_id, complaint_id, number, name in session.execute(query)]
    return sorted(notices, key=lambda notice: notice.event_id)


#: more cases than this from one colleague at once make one notification, not one each
SEPARATE_NOTICES = 3


def notice_texts(notices: list[AssignmentNotice]) -> list[str]:
    """What the app shows for ``notices``: a line per case, or per colleague who assigned
    more than ``SEPARATE_NOTICES`` at once (a bulk assignment), with the first numbers."""
    by: dict[str, list[AssignmentNotice]] = {}
    for notice in notices:
        by.setdefault(notice.by, []).append(notice)
    texts = []
    for who, theirs in by.items():
        if len(theirs) <= SEPARATE_NOTICES:
            texts += [notice.text() for notice in theirs]
            continue
        numbers = ", ".join(n.number for n in theirs[:SEPARATE_NOTICES])
        rest = len(theirs) - SEPARATE_NOTICES
        texts.append(f"{who} heeft {len(theirs)} zaken aan u toegewezen: {numbers} en {rest} meer.")
    return texts
