"""Deadlines (termijnen) of a case: created at registration, met by events,
recomputed when the calendar changes.

Which deadlines a case gets and how long they are is configuration
(``termijnen.toml``, ``context.settings.deadline_rules``); the arithmetic is
the calendars' (``klachtdesk.services.time.calendar``).

What a deadline's date depends on:

- werkdagen, from the receipt (reply, first contact): ``anchor`` is the
  complaint's effective receipt day (rule 2, recomputed from ``received_at``),
  ``due`` the ``amount``-th werkdag after it;
- werkdagen, from a session (kind ``afspraak``, ``agreement_id`` set): ``anchor``
  is the day of the session, ``due`` = ``add_werkdagen(anchor, amount)``; the same
  for a deadline of a reopened case (``counts_from`` set): ``anchor`` is the day the
  reopening counts as received;
- weken (the Wkkgz decision): ``anchor`` is the actual date of receipt, ``due``
  the Atw end of ``amount`` weeks after it — or, once extended (``extended_at``
  set), of the extended number of weeks (``workflow.extend_decision`` moves
  ``due`` and keeps ``amount``; the weeks in force are read back from ``due``,
  see :func:`_amounts_in_force`).

When the calendar changes, every open deadline is recomputed set-wise by
``deadlines.bulk`` (numpy over the calendars' bulk functions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from klachtdesk.clock import local
from klachtdesk.models import (
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    DeadlineState,
    DeadlineUnit,
    Event,
)
from klachtdesk.services.config.procedure import DeadlineRule
from klachtdesk.services.core.context import Context
# a deadline as it stands today: plain, so ``zoek`` reads it with the driver too (services.startup)
from klachtdesk.services.deadlines.views import DeadlineView, state_of, view_of  # noqa: F401 - named here too


def due_for(context: Context, unit: DeadlineUnit, amount: int, received_at: datetime) -> tuple[date, date]:
    """(anchor, due) of a deadline of ``amount`` ``unit`` for a receipt moment."""
    calendars = context.calendars
    if unit is DeadlineUnit.WORKING_DAYS:
        anchor = calendars.organisation.effective_receipt_day(received_at)
        return anchor, calendars.organisation.due_in_werkdagen(received_at, amount)
    return local(received_at).date(), calendars.statutory.due_in_weeks(received_at, amount)


@dataclass(frozen=True)
class Planned:
    """A deadline a new case gets, before the case has an id (``planned_for``)."""

    kind: DeadlineKind
    label: str
    unit: DeadlineUnit
    amount: int
    anchor: date
    due: date


def planned_for(context: Context, kind: ComplaintKind, received_at: datetime, *,
                skip: frozenset[DeadlineKind] = frozenset()) -> list[Planned]:
    """The procedure's deadlines for a case of ``kind`` received at ``received_at``, in the
    order they are made (``skip``: kinds it has already, when its kind was corrected in review)."""
    planned = []
    for rule in context.settings.rules_for(kind):
        if rule.kind in skip:
            continue
        anchor, due = due_for(context, rule.unit, rule.amount, received_at)
        planned.append(Planned(rule.kind, rule.description, rule.unit, rule.amount, anchor, due))
    return planned


def first_due(planned: list[Planned]) -> tuple[date | None, str | None]:
    """``(next_due, next_deadline_kind)`` of a case whose open deadlines are ``planned``: the
    first by due date, then by the order made, as ``refresh_next_due`` reads it back."""
    if not planned:
        return None, None
    first = min(range(len(planned)), key=lambda index: (planned[index].due, index))
    return planned[first].due, planned[first].kind.value


def _row_values(complaint_id: int, planned: Planned) -> dict[str, Any]:
    return {"complaint_id": complaint_id, "kind": planned.kind, "label": planned.label, "unit": planned.unit,
            "amount": planned.amount, "anchor": planned.anchor, "due": planned.due, "original_due": planned.due}


def add_planned(session: Session, complaint_id: int, planned: list[Planned]) -> None:
    """Write the rows of ``planned`` for a new case in the caller's transaction: one
    statement, no objects (the registration answers with ``planned`` itself)."""
    if planned:
        session.execute(insert(Deadline.__table__),  # type: ignore[attr-defined]
                        [_row_values(complaint_id, p) for p in planned])


def create_for_complaint(session: Session, context: Context, complaint: Complaint, *,
                         skip: frozenset[DeadlineKind] = frozenset()) -> list[Deadline]:
    """The procedure's deadlines for a case, from its receipt moment (``skip``: kinds it has
    already, when its kind was corrected in review). A new registration plans them before
    the case row is written (``planned_for``, ``first_due``) and adds them with the case."""
    assert complaint.id is not None
    rows = [Deadline(**_row_values(complaint.id, p))
            for p in planned_for(context, ComplaintKind(complaint.kind), complaint.received_at, skip=skip)]
    session.add_all(rows)
    session.flush()
    refresh_next_due(session, complaint.id)
    return rows


def create_on_reopen(session: Session, context: Context, complaint: Complaint, moment: datetime, *,
                     skip: frozenset[DeadlineKind] = frozenset()) -> list[Deadline]:
    """The deadlines a reopened case runs again (``[heropenen]`` in ``termijnen.toml``):
    counted from the reopening (as if received at ``moment``) or from the original receipt."""
    assert complaint.id is not None
    reopen = context.settings.reopen
    start = moment if reopen.counts_from == "heropenen" else complaint.received_at
    rows = []
    for rule in context.settings.reopen_rules_for(ComplaintKind(complaint.kind)):
        if rule.kind in skip:
            continue
        anchor, due = due_for(context, rule.unit, rule.amount, start)
        row = Deadline(
            complaint_id=complaint.id, kind=rule.kind, label=rule.description, unit=rule.unit, amount=rule.amount,
            anchor=anchor, due=due, original_due=due,
            counts_from=moment if reopen.counts_from == "heropenen" else None,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    refresh_next_due(session, complaint.id)
    return rows


def refresh_next_due(session: Session, complaint_id: int) -> None:
    """Keep ``complaint.next_due`` (inbox sort and colour) equal to the first open deadline."""
    first = session.exec(
        select(Deadline.due, Deadline.kind)
        .where(Deadline.complaint_id == complaint_id, Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))  # type: ignore[union-attr]
        .order_by(Deadline.due, Deadline.id)
        .limit(1)
    ).first()
    session.execute(
        update(Complaint)
        .where(Complaint.id == complaint_id)  # type: ignore[arg-type]
        .values(next_due=first[0] if first else None, next_deadline_kind=str(first[1]) if first else None)
    )


def rules_met_by(context: Context, met_by: str) -> list[DeadlineRule]:
    return [rule for rule in context.settings.deadline_rules if rule.met_by == met_by]


def meet(session: Session, context: Context, complaint_id: int, met_by: str, event: Event) -> list[Deadline]:
    """Mark the open deadlines that ``met_by`` ("reactie", "contact", "beslissing") fulfils."""
    kinds = [rule.kind for rule in rules_met_by(context, met_by)]
    if not kinds:
        return []
    rows = session.exec(
        select(Deadline).where(
            Deadline.complaint_id == complaint_id,
            Deadline.kind.in_(kinds),  # type: ignore[attr-defined]
            Deadline.met_at.is_(None),  # type: ignore[union-attr]
            Deadline.cancelled_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    for row in rows:
        row.met_at = event.at
        row.met_by_event_id = event.id
    session.flush()
    refresh_next_due(session, complaint_id)
    return list(rows)


def views_for(session: Session, context: Context, complaint_id: int) -> list[DeadlineView]:
    today = context.today()
    calendar = context.calendars.organisation
    rows = session.exec(
        select(Deadline)
        .where(Deadline.complaint_id == complaint_id, Deadline.cancelled_at.is_(None))  # type: ignore[union-attr]
        .order_by(Deadline.due, Deadline.id)
    ).all()
    return [view_of(row, today, calendar) for row in rows]


def count_open(session: Session) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Deadline).where(Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))  # type: ignore[union-attr]
        ).one()
    )
