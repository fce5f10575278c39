"""The deadline board: every open termijn across all cases, grouped and paged.

What the Deadlines screen shows, as plain dataclasses:

- :func:`fetch_page` — open deadlines in (due, id) order, one page at a time by
  keyset pagination along the partial index ``ix_deadline_open_due`` (never all
  of them), each with its case, klager, handler and werkdagen left; overdue
  improvement measures and open AVG requests are merged into the same order;
- :func:`count_groups` — how many fall in each group (te laat, vandaag, morgen,
  deze week, later) in one ``GROUP BY`` over due-date ranges;
- :func:`month` — a month of the calendar (weekends, holidays, closures, Atw-only
  days, with their names) and how many deadlines fall on each day (one
  ``GROUP BY due``).

The groups: *morgen* is the next calendar day (on a Friday that is Saturday; a
deadline on Monday is then *later*, "nog 1 werkdag"); *deze week* runs to the
Sunday of the current ISO week.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

import numpy as np
from sqlalchemy import case, func, literal_column, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from klachtdesk.errors import KlachtdeskError
from klachtdesk.models import Complaint, Deadline, DeadlineKind, Person, PrivacyRequest, PrivacyRequestKind, Staff
from klachtdesk.services.time.calendar import CalendarDay
from klachtdesk.services.core.context import Context
from klachtdesk.services.improvement import measures
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.personal import HIDDEN, personal_data

log = logging.getLogger(__name__)



class Group(IntEnum):
    OVERDUE = 0
    TODAY = 1
    TOMORROW = 2
    THIS_WEEK = 3
    LATER = 4

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    Group.OVERDUE: "Te laat",
    Group.TODAY: "Vandaag",
    Group.TOMORROW: "Morgen",
    Group.THIS_WEEK: "Deze week",
    Group.LATER: "Later",
}


class Source(IntEnum):
    """Where an entry of the board comes from (also its place among entries due the same day)."""

    DEADLINE = 0
    MEASURE = 1
    PRIVACY = 2


@dataclass(frozen=True)
class Boundaries:
    """The group boundaries as seen on ``today``."""

    today: date
    tomorrow: date
    week_end: date  # the Sunday of this week (may be today, or tomorrow)

    @classmethod
    def on(cls, today: date) -> Boundaries:
        return cls(today, today + timedelta(days=1), today + timedelta(days=6 - today.weekday()))

    def group_of(self, due: date) -> Group:
        if due < self.today:
            return Group.OVERDUE
        if due == self.today:
            return Group.TODAY
        if due == self.tomorrow:
            return Group.TOMORROW
        if due <= self.week_end:
            return Group.THIS_WEEK
        return Group.LATER

    def first_day(self, group: Group) -> date | None:
        """The first due date of a group (None: the overdue group starts at the beginning)."""
        return {
            Group.OVERDUE: None,
            Group.TODAY: self.today,
            Group.TOMORROW: self.tomorrow,
            Group.THIS_WEEK: self.tomorrow + timedelta(days=1),
            Group.LATER: max(self.week_end, self.tomorrow) + timedelta(days=1),
        }[group]


@dataclass(frozen=True, order=True)
class BoardKey:
    """A position in the board's order: (due, source, id).

    ``BoardKey(day, -1, 0)`` lies just before everything due on ``day`` (to start
    a page at a group).
    """

    due: date
    source: int
    id: int

    @classmethod
    def start_of(cls, day: date) -> BoardKey:
        return cls(day, -1, 0)


@dataclass(frozen=True)
class BoardItem:
    key: BoardKey
    source: Source
    complaint_id: int | None  # None for measures and AVG requests
    reference: str  # klachtnummer, or "maatregel 12", "AVG-verzoek 3"
    party: str  # the klager (or the subject of an AVG request); HIDDEN without permission
    kind: str  # "reactie", "eerste contact", "beslissing", "afspraak", "maatregel", "AVG: inzage"
    label: str  # what must happen
    handler: str  # behandelaar / eigenaar; "" when nobody
    due: date
    werkdagen_left: int  # signed, as ``OrganisationCalendar.werkdagen_until``
    group: Group
    extended: bool = False

    @property
    def id(self) -> int:
        return self.key.id


@dataclass(frozen=True)
class BoardQuery:
    mine: bool = False  # only the cases (measures, requests) of the current user


@dataclass(frozen=True)
class GroupCounts:
    boundaries: Boundaries
    counts: dict[Group, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def start_index(self, group: Group) -> int:
        """The position of the first entry of ``group`` in the whole board."""
        return sum(self.counts[g] for g in Group if g < group)


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    today: date
    days: list[CalendarDay]
    counts: dict[date, int] = field(default_factory=dict)  # deadlines due per day

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# ---------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------


def fetch_page(
    context: Context,
    query: BoardQuery = BoardQuery(),
    *,
    after: BoardKey | None = None,
    before: BoardKey | None = None,
    limit: int = 100,
) -> list[BoardItem]:
    """One page of the board in (due, source, id) order.

    ``after``: the entries after that key (from the start without it); ``before``:
    the ``limit`` entries just before it (returned in board order too).
    """
    context.require(Permission.READ_STATUS)
    today = context.today()
    boundaries = Boundaries.on(today)
    backwards = before is not None
    cursor = before if backwards else after
    with context.db.read() as session:
        rows = _deadline_rows(session, context, query, cursor, backwards, limit)
    items = _deadline_items(context, rows, boundaries)
    extras = [item for item in _extras(context, query, boundaries) if _beyond(item.key, cursor, backwards)]
    merged = sorted(items + extras, key=lambda item: item.key, reverse=backwards)[:limit]
    return sorted(merged, key=lambda item: item.key)


def _beyond(key: BoardKey, cursor: BoardKey | None, backwards: bool) -> bool:
    if cursor is None:
        return True
    return key < cursor if backwards else key > cursor


def _deadline_rows(
    session: Session, context: Context, query: BoardQuery, cursor: BoardKey | None, backwards: bool, limit: int
) -> Sequence[Any]:
    complainant = aliased(Person)
    handler = aliased(Staff)
    statement = (
        select(
            Deadline.id, Deadline.complaint_id, Deadline.kind, Deadline.label, Deadline.due,
            Deadline.extended_at, Complaint.number, complainant.name, handler.name,
        )
        .join(Complaint, Complaint.id == Deadline.complaint_id)  # type: ignore[arg-type]
        .outerjoin(complainant, complainant.id == Complaint.complainant_id)  # type: ignore[arg-type]
        .outerjoin(handler, handler.id == Complaint.handler_id)  # type: ignore[arg-type]
        .where(*_open_conditions(context, query))
    )
    if cursor is not None:
        statement = statement.where(_keyset(cursor, backwards))
    if backwards:
        statement = statement.order_by(Deadline.due.desc(), Deadline.id.desc())  # type: ignore[attr-defined]
    else:
        statement = statement.order_by(Deadline.due, Deadline.id)  # type: ignore[arg-type]
    return session.exec(statement.limit(limit)).all()  # type: ignore[call-overload,no-any-return]


def _open_conditions(context: Context, query: BoardQuery) -> list[Any]:
    """Open deadlines (the partial index's own condition first), optionally mine only.

    "Mine" is written ``+complaint.handler_id`` so the planner keeps walking the open
    deadlines in due order and stops at a page (a handler has tens of thousands of
    cases, nearly all closed; starting from them means sorting all their deadlines).
    """
    conditions: list[Any] = [Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None)]  # type: ignore[union-attr]
    if query.mine:
        conditions.append(literal_column("+complaint.handler_id") == context.user.id)
    return conditions


def _keyset(cursor: BoardKey, backwards: bool) -> Any:
    """Deadlines (source 0) after / before ``cursor`` in (due, source, id) order."""
    due, position = Deadline.due, tuple_(Deadline.due, Deadline.id)
    if cursor.source < Source.DEADLINE:
        return due < cursor.due if backwards else due >= cursor.due  # type: ignore[operator]
    if cursor.source > Source.DEADLINE:
        return due <= cursor.due if backwards else due > cursor.due  # type: ignore[operator]
    other = (cursor.due, cursor.id)
    return position < other if backwards else position > other


def _deadline_items(context: Context, rows: Sequence[Any], boundaries: Boundaries) -> list[BoardItem]:
    if not rows:
        return []
    shown = personal_data(context)
    left = werkdagen_left(context, boundaries.today, [row[4] for row in rows])
    items = []
    for row, werkdagen in zip(rows, left, strict=True):
        kind = DeadlineKind(row[2])
        items.append(BoardItem(
            key=BoardKey(row[4], Source.DEADLINE, row[0]), source=Source.DEADLINE, complaint_id=row[1],
            reference=row[6], party=shown.name(row[7]), kind=kind.value,
            label=row[3] or kind.value.capitalize(), handler=row[8] or "", due=row[4],
            werkdagen_left=werkdagen, group=boundaries.group_of(row[4]), extended=row[5] is not None,
        ))
    return items


def werkdagen_left(context: Context, today: date, dues: Sequence[date]) -> list[int]:
    """Signed werkdagen from ``today`` to each due date (organisation's calendar, vectorised)."""
    if not dues:
        return []
    calendar = context.calendars.organisation
    return [int(value) for value in calendar.werkdagen_until_bulk(today, np.array(dues, dtype="datetime64[D]"))]


# ---------------------------------------------------------------------------------------
# measures and AVG requests: few, merged into the order in Python
# ---------------------------------------------------------------------------------------


def _extras(context: Context, query: BoardQuery, boundaries: Boundaries) -> list[BoardItem]:
    return _measure_items(context, query, boundaries) + _privacy_items(context, query, boundaries)


def _measure_items(context: Context, query: BoardQuery, boundaries: Boundaries) -> list[BoardItem]:
    """Overdue improvement measures (``measures.overdue``)."""
    try:
        views = measures.overdue(context, boundaries.today)
    except KlachtdeskError as error:  # e.g. a role without access to measures
        log.debug("no measures on the deadline board: %s", error)
        return []
    if query.mine:
        views = [view for view in views if view.owner_id == context.user.id]
    left = werkdagen_left(context, boundaries.today, [view.due for view in views])
    return [
        BoardItem(
            key=BoardKey(view.due, Source.MEASURE, view.id), source=Source.MEASURE, complaint_id=None,
            reference=f"maatregel {view.id}", party="", kind="maatregel", label=view.title,
            handler=view.owner or "", due=view.due, werkdagen_left=werkdagen,
            group=boundaries.group_of(view.due),
        )
        for view, werkdagen in zip(views, left, strict=True)
    ]


def _privacy_items(context: Context, query: BoardQuery, boundaries: Boundaries) -> list[BoardItem]:
    """Open AVG requests (inzage, vergetelheid): their due date is the extended one once extended."""
    if not context.user.may(Permission.PRIVACY):
        return []
    handler = aliased(Staff)
    statement = (
        select(PrivacyRequest.id, PrivacyRequest.kind, PrivacyRequest.subject, PrivacyRequest.due,
               PrivacyRequest.extended_due, handler.name)
        .outerjoin(handler, handler.id == PrivacyRequest.handled_by_id)  # type: ignore[arg-type]
        .where(PrivacyRequest.done_at.is_(None))  # type: ignore[union-attr]
    )
    if query.mine:
        statement = statement.where(PrivacyRequest.handled_by_id == context.user.id)
    with context.db.read() as session:
        rows = session.exec(statement).all()
    dues = [extended or due for _, _, _, due, extended, _ in rows]
    left = werkdagen_left(context, boundaries.today, dues)
    return [
        BoardItem(
            key=BoardKey(due, Source.PRIVACY, request_id), source=Source.PRIVACY, complaint_id=None,
            reference=f"AVG-verzoek {request_id}", party=subject, kind=f"AVG: {PrivacyRequestKind(kind).value}",
            label=f"AVG-verzoek om {PrivacyRequestKind(kind).value} afhandelen", handler=name or "", due=due,
            werkdagen_left=werkdagen, group=boundaries.group_of(due), extended=extended is not None,
        )
        for (request_id, kind, subject, _, extended, name), due, werkdagen in zip(rows, dues, left, strict=True)
    ]


# ---------------------------------------------------------------------------------------
# counts per group, and the month
# ---------------------------------------------------------------------------------------


def count_groups(context: Context, query: BoardQuery = BoardQuery()) -> GroupCounts:
    """How many open entries fall in each group: one GROUP BY over due-date ranges."""
    context.require(Permission.READ_STATUS)
    boundaries = Boundaries.on(context.today())
    group = case(
        (Deadline.due < boundaries.today, int(Group.OVERDUE)),  # type: ignore[operator]
        (Deadline.due == boundaries.today, int(Group.TODAY)),
        (Deadline.due == boundaries.tomorrow, int(Group.TOMORROW)),
        (Deadline.due <= boundaries.week_end, int(Group.THIS_WEEK)),  # type: ignore[operator]
        else_=int(Group.LATER),
    ).label("group")
    statement = select(group, func.count()).select_from(Deadline).where(*_open_conditions(context, query))
    if query.mine:
        statement = statement.join(Complaint, Complaint.id == Deadline.complaint_id)  # type: ignore[arg-type]
    with context.db.read() as session:
        rows = session.exec(statement.group_by(group)).all()  # type: ignore[call-overload]
    counts = {g: 0 for g in Group}
    for value, number in rows:
        counts[Group(value)] += int(number)
    for item in _extras(context, query, boundaries):
        counts[item.group] += 1
    return GroupCounts(boundaries, counts)


def month(context: Context, year: int, month_number: int, query: BoardQuery = BoardQuery()) -> MonthView:
    """A month of the calendar and the number of open deadlines due on each day."""
    context.require(Permission.READ_STATUS)
    days = context.calendars.month(year, month_number)
    first, last = days[0].day, days[-1].day
    statement = (
        select(Deadline.due, func.count())
        .where(*_open_conditions(context, query), Deadline.due >= first, Deadline.due <= last)  # type: ignore[operator]
        .group_by(Deadline.due)
    )
    if query.mine:
        statement = statement.join(Complaint, Complaint.id == Deadline.complaint_id)  # type: ignore[arg-type]
    with context.db.read() as session:
        counts = {due: int(number) for due, number in session.exec(statement).all()}  # type: ignore[call-overload]
    for item in _extras(context, query, Boundaries.on(context.today())):
        if first <= item.due <= last:
            counts[item.due] = counts.get(item.due, 0) + 1
    return MonthView(year, month_number, context.today(), days, counts)


def next_month(year: int, month_number: int, step: int) -> tuple[int, int]:
    """(year, month) ``step`` months away."""
    index = year * 12 + (month_number - 1) + step
    return index // 12, index % 12 + 1


__all__ = [
    "HIDDEN",
    "BoardItem",
    "BoardKey",
    "BoardQuery",
    "Boundaries",
    "Group",
    "GroupCounts",
    "MonthView",
    "Source",
    "count_groups",
    "fetch_page",
    "month",
    "next_month",
    "werkdagen_left",
]
