"""Who may handle a case and how many open cases each holds now (for the assign dialog).

The klachtenmanager spreads the work: each candidate behandelaar comes with the number
of cases (klachten and vragen) assigned to them that are not final (gesloten,
doorverwezen, afgehandeld), counted in one ``GROUP BY handler_id`` for all of them.
Ordered by that number, fewest first, then by name.

The dialog proposes one of them (``default_handler``): the case's own behandelaar when it
has one, else the least busy candidate with a role in ``DEFAULT_ROLES``. A
klachtenfunctionaris may handle a case but is independent: selectable, never proposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from klachtdesk.models import Complaint, StaffRole
from klachtdesk.models.enums import FINAL_STATUSES
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity.staff import StaffMember
from klachtdesk.services.procedure import workflow


#: the roles whose holders the assign dialog proposes by default (others stay selectable)
DEFAULT_ROLES: frozenset[StaffRole] = frozenset({StaffRole.HANDLER})


@dataclass(frozen=True)
class HandlerLoad:
    """A candidate behandelaar and the open cases they hold now."""

    member: StaffMember
    open_cases: int

    @property
    def label(self) -> str:
        """e.g. "Petra de Boer — 7 open"."""
        return f"{self.member.name} — {self.open_cases} open"


def open_cases_by_handler(context: Context) -> dict[int, int]:
    """Handler id → number of their cases that are not final, in one query."""
    statement = (
        select(Complaint.handler_id, func.count())
        .where(Complaint.handler_id.is_not(None))  # type: ignore[union-attr]
        .where(Complaint.status.notin_([s.value for s in FINAL_STATUSES]))  # type: ignore[union-attr,attr-defined]
        .group_by(Complaint.handler_id)
    )
    with context.db.read() as session:
        return {int(handler): int(n) for handler, n in session.exec(statement).all()}


def handler_loads(context: Context) -> list[HandlerLoad]:
    """The candidates of ``workflow.handler_candidates``, each with their open cases, fewest first."""
    candidates = workflow.handler_candidates(context)
    counts = open_cases_by_handler(context)
    loads = [HandlerLoad(m, counts.get(m.id, 0)) for m in candidates]
    return sorted(loads, key=lambda load: (load.open_cases, load.member.name.casefold(), load.member.id))


def default_handler(loads: list[HandlerLoad], current_id: int | None = None) -> int | None:
    """Whom the assign dialog preselects among ``loads`` (fewest open cases first): the
    case's current behandelaar if they are a candidate; else the least busy candidate
    with a role in ``DEFAULT_ROLES``; None when there is no such candidate."""
    if current_id is not None and any(load.member.id == current_id for load in loads):
        return current_id
    return next((load.member.id for load in loads if load.member.roles & DEFAULT_ROLES), None)


__all__ = ["DEFAULT_ROLES", "HandlerLoad", "default_handler", "handler_loads", "open_cases_by_handler"]
