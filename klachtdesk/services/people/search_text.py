"""The words a case is found by: its own text and the names and contact details of its
people. A case's search text changes with its people's details, so it lives with them.

It is kept in a table of its own, ``complaint_search`` (migration 0016): the full-text
indexes over it are then written only when the words change, not with every change of
the case row (a status, a handler, a recomputed deadline)."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlmodel import Session, select

from klachtdesk.models import Complaint, ComplaintSearch, Party, Person
from klachtdesk.services.people.contact_details import phone_search_forms, search_tokens


def build_search_text(number: str, complaint: Complaint, people: list[Person]) -> str:
    """Every word a user may search a case by (see ``search_tokens``)."""
    parts: list[str | None] = [number, complaint.description, complaint.invoice_number, complaint.remedy_sought]
    for person in people:
        parts += [person.name, person.email, *phone_search_forms(person.phone)]
    return search_tokens(*parts)


def add_search_text(session: Session, complaint_id: int, text: str) -> None:
    """The search text of a case just registered (its row in ``complaint_search``)."""
    session.execute(insert(ComplaintSearch.__table__), {"complaint_id": complaint_id,  # type: ignore[attr-defined]
                                                        "search_text": text})


def store_search_text(session: Session, complaint: Complaint, people: list[Person]) -> None:
    """Write a case's search text anew from its fields and ``people``."""
    assert complaint.id is not None
    text = build_search_text(complaint.number, complaint, people)
    result = session.execute(
        update(ComplaintSearch).where(ComplaintSearch.complaint_id == complaint.id)  # type: ignore[arg-type]
        .values(search_text=text)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        add_search_text(session, complaint.id, text)


def case_people(session: Session, complaint_id: int) -> list[Person]:
    """The people of a case (every role), as the search text names them."""
    return list(session.exec(
        select(Person).join(Party, Party.person_id == Person.id).where(Party.complaint_id == complaint_id)
    ).all())


def reindex(session: Session, complaint_id: int) -> None:
    """Rebuild one case's search text (after its text or its people changed)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        return
    store_search_text(session, complaint, case_people(session, complaint_id))
