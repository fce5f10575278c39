"""A deadline as it stands today (``DeadlineView``), without the database layer.

``rules.views_for`` makes them from ``Deadline`` rows; ``klachtdesk zoek KL-…`` from the
rows it reads with the driver (``cases.plain_case``): one ``view_of`` for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from klachtdesk.clock import local
from klachtdesk.models.enums import DeadlineKind, DeadlineState, DeadlineUnit
from klachtdesk.services.time.calendar import OrganisationCalendar


@dataclass(frozen=True)
class DeadlineView:
    id: int
    kind: DeadlineKind
    label: str
    due: date
    original_due: date
    state: DeadlineState
    met_at: datetime | None
    extended: bool
    werkdagen_left: int | None  # None once met
    unit: DeadlineUnit
    amount: int


def state_of(due: date, met_at: datetime | None, today: date) -> DeadlineState:
    if met_at is not None:
        return DeadlineState.MET if local(met_at).date() <= due else DeadlineState.MET_LATE
    return DeadlineState.OVERDUE if today > due else DeadlineState.OPEN


def view_of(row: Any, today: date, calendar: OrganisationCalendar) -> DeadlineView:
    """A deadline row (a ``Deadline`` or a row with its columns: id, kind, label, due,
    original_due, met_at, extended_at, unit, amount) as it stands ``today``."""
    assert row.id is not None
    return DeadlineView(
        id=row.id,
        kind=DeadlineKind(row.kind),
        label=row.label or str(row.kind),
        due=row.due,
        original_due=row.original_due,
        state=state_of(row.due, row.met_at, today),
        met_at=row.met_at,
        extended=row.extended_at is not None,
        werkdagen_left=None if row.met_at else calendar.werkdagen_until(today, row.due),
        unit=DeadlineUnit(row.unit),
        amount=row.amount,
    )


__all__ = ["DeadlineView", "state_of", "view_of"]
