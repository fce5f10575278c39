"""The words a case is found by: its own text and the names and contact details of its
people. A case's search text changes with its people's details, so it lives with them."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from klachtdesk.models import Complaint, Party, Person
from klachtdesk.services.people.contact_details import phone_search_forms, search_tokens


def build_search_text(number: str, complaint: Complaint, people: list[Person]) -> str:
    """Every word a user may search a case by (see ``search_tokens``)."""
    parts: list[str | None] = [number, complaint.description, complaint.invoice_number, complaint.remedy_sought]
    for person in people:
        parts += [person.name, person.email, *phone_search_forms(person.phone)]
    return search_tokens(*parts)


def reindex(session: Session, complaint_id: int) -> None:
    """Rebuild one case's search text (after its text or its people changed)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        return
    people = list(session.exec(
        select(Person).join(Party, Party.person_id == Person.id).where(Party.complaint_id == complaint_id)
    ).all())
    session.execute(
        update(Complaint).where(Complaint.id == complaint_id)  # type: ignore[arg-type]
        .values(search_text=build_search_text(complaint.number, complaint, people))
    )
