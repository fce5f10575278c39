"""Related cases: the same klager's klacht and factuurvraag, or any two cases a desk
wants to see together.

A link is one row (``CaseLink``, the lower case id first) and a history line on both
cases. Linking and unlinking is editing the case it is done from (``Permission.HANDLE``;
a behandelaar only on their own cases); seeing the links is seeing the case's status.
The other case is named by its klachtnummer in any accepted form (``KL-2026-000123``,
``2026-123``, ``123``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_
from sqlmodel import Session, select

from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.models import CaseLink, Complaint, ComplaintKind, EventType, Status
from klachtdesk.services import limits
from klachtdesk.services.cases.numbering import parse_number
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission

#: the field of a link dialog (and of its ``ValidationError``s)
FIELD = "klachtnummer"


@dataclass(frozen=True)
class LinkedCase:
    """A case linked to another one."""

    id: int
    number: str
    kind: ComplaintKind
    status: Status
    linked_at: datetime


@dataclass(frozen=True)
class LinkChange:
    """What linking or unlinking did: the two klachtnummers and whether they are now linked."""

    number: str
    other_number: str
    linked: bool


def link_line(other_number: str) -> str:
    return f"Gekoppeld aan {other_number} (gerelateerde zaak)"


def unlink_line(other_number: str) -> str:
    return f"Koppeling met {other_number} verwijderd"


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _cases(session: Session, context: Context, complaint_id: int, other: str) -> tuple[Complaint, Complaint]:
    """The case worked on (its permission checked) and the other one, by its klachtnummer."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    context.require_on_case(Permission.HANDLE, complaint.handler_id)
    text = limits.clean_text(other, "klachtnummer", form_field=FIELD)
    if not text:
        raise ValidationError("Typ het klachtnummer van de andere zaak, bijvoorbeeld "
                              f"KL-{context.today().year}-000123, {context.today().year}-123 of 123.", field=FIELD)
    number = parse_number(text, context.today().year)
    found = session.exec(select(Complaint).where(Complaint.year == number.year, Complaint.seq == number.seq)).first()
    if found is None:
        raise ValidationError(f"Klacht {number} bestaat niet.", field=FIELD)
    if found.id == complaint.id:
        raise ValidationError("Een zaak kan niet aan zichzelf worden gekoppeld.", field=FIELD)
    return complaint, found


def _existing(session: Session, a: int, b: int) -> CaseLink | None:
    low, high = _pair(a, b)
    return session.exec(select(CaseLink).where(CaseLink.complaint_id == low, CaseLink.other_id == high)).first()


@limits.checked(complaint_id="id")
def link(context: Context, complaint_id: int, other: str) -> LinkChange:
    """Link the case to the case with klachtnummer ``other``; a line in both histories."""
    context.require(Permission.HANDLE)
    with context.db.write() as session:
        complaint, found = _cases(session, context, complaint_id, other)
        assert complaint.id is not None and found.id is not None
        if _existing(session, complaint.id, found.id) is not None:
            raise ValidationError(f"{complaint.number} en {found.number} zijn al gekoppeld.", field=FIELD)
        low, high = _pair(complaint.id, found.id)
        session.add(CaseLink(complaint_id=low, other_id=high, created_at=context.now(),
                             created_by_id=context.actor_id()))
        for case, partner in ((complaint, found), (found, complaint)):
            events.record(session, context, case.id, EventType.FIELD_CHANGED, link_line(partner.number),
                          data={"gekoppeld": partner.number})
        return LinkChange(complaint.number, found.number, True)


@limits.checked(complaint_id="id")
def unlink(context: Context, complaint_id: int, other: str) -> LinkChange:
    """Undo a link; a line in both histories."""
    context.require(Permission.HANDLE)
    with context.db.write() as session:
        complaint, found = _cases(session, context, complaint_id, other)
        assert complaint.id is not None and found.id is not None
        row = _existing(session, complaint.id, found.id)
        if row is None:
            raise ValidationError(f"{complaint.number} en {found.number} zijn niet gekoppeld.", field=FIELD)
        session.execute(delete(CaseLink).where(CaseLink.id == row.id))  # type: ignore[arg-type]
        for case, partner in ((complaint, found), (found, complaint)):
            events.record(session, context, case.id, EventType.FIELD_CHANGED, unlink_line(partner.number),
                          data={"ontkoppeld": partner.number})
        return LinkChange(complaint.number, found.number, False)


@limits.checked(complaint_id="id")
def linked_cases(context: Context, complaint_id: int) -> list[LinkedCase]:
    """The cases linked to this one, oldest link first."""
    return links_of(context, [complaint_id]).get(complaint_id, [])


def links_of(context: Context, complaint_ids: Iterable[int]) -> dict[int, list[LinkedCase]]:
    """For each of these cases, the cases linked to it (a case without links is left out)."""
    context.require(Permission.READ_STATUS)
    ids = sorted({limits.check_number(i, "id") for i in complaint_ids})
    if not ids:
        return {}
    found: dict[int, list[LinkedCase]] = {}
    with context.db.read() as session:
        rows = session.exec(select(CaseLink).where(or_(
            CaseLink.complaint_id.in_(ids), CaseLink.other_id.in_(ids)))  # type: ignore[attr-defined]
            .order_by(CaseLink.id)).all()
        partners = {c.id: c for c in session.exec(select(Complaint).where(Complaint.id.in_(  # type: ignore[union-attr]
            {r.complaint_id for r in rows} | {r.other_id for r in rows}))).all()}
    for row in rows:
        for mine, theirs in ((row.complaint_id, row.other_id), (row.other_id, row.complaint_id)):
            if mine in ids and theirs in partners:
                case = partners[theirs]
                found.setdefault(mine, []).append(LinkedCase(theirs, case.number, ComplaintKind(case.kind),
                                                             Status(case.status), row.created_at))
    return found


__all__ = ["FIELD", "LinkChange", "LinkedCase", "link", "link_line", "linked_cases", "links_of", "unlink",
           "unlink_line"]
