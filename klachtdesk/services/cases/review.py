"""Cases registered from a mail: a person checks them in the registration form (review).

``review_form`` gives the form its values (and which were derived from the mail);
``complete_review`` saves what the person checked, with the same validation as the
phone intake (``complaints.validate_registration``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import select

from klachtdesk.errors import NotFound
from klachtdesk.models import Channel, Complaint, ComplaintKind, Event, EventType, Party, PartyRole, Person
from klachtdesk.services import limits
from klachtdesk.services.cases.complaints import (
    EDITABLE,
    KIND_FIELDS,
    PersonInput,
    RegistrationInput,
    _person,
    _plain,
    _set_address,
    bump,
    check_version,
    reindex,
    validate_registration,
)
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.people.contact_details import display_phone


@dataclass(frozen=True)
class ReviewForm:
    """What the registration form shows to check a case registered from a mail: its
    values, which of them were derived from the mail, and what still needs doing."""

    complaint_id: int
    number: str
    version: int
    data: RegistrationInput
    derived: frozenset[str]
    todo: tuple[str, ...]
    note: str | None
    subject: str


@limits.checked(complaint_id="id")
def review_form(context: Context, complaint_id: int) -> ReviewForm:
    context.require(Permission.REGISTER)
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        rows = session.exec(select(Party, Person).join(Person, Person.id == Party.person_id)
                            .where(Party.complaint_id == complaint_id).order_by(Party.id)).all()
        registered = session.exec(select(Event).where(Event.complaint_id == complaint_id,
                                                      Event.type == EventType.REGISTERED).order_by(Event.id)).first()
    info = (registered.data if registered is not None else None) or {}
    complainant = next((person for party, person in rows if party.role == PartyRole.COMPLAINANT), None)
    data = RegistrationInput(
        kind=ComplaintKind(complaint.kind), channel=Channel(complaint.channel), received_at=complaint.received_at,
        complainant=PersonInput(name=complainant.name if complainant else "",
                                phone=display_phone(complainant.phone) if complainant else "",
                                email=(complainant.email or "") if complainant else "",
                                person_id=None),
        service_type=complaint.service_type or "", category=complaint.category or "",
        description=complaint.description or "", incident_date=complaint.incident_date,
        discussed_first=complaint.discussed_first, remedy_sought=complaint.remedy_sought or "",
        invoice_number=complaint.invoice_number or "",
        involved=[PersonInput(name=person.name, phone=display_phone(person.phone), email=person.email or "",
                              role=PartyRole(party.role), note=party.note or "")
                  for party, person in rows if party.role != PartyRole.COMPLAINANT],
    )
    return ReviewForm(complaint_id, complaint.number, complaint.version, data,
                      frozenset(info.get("afgeleid") or ()), tuple(info.get("nog_nakijken") or ()),
                      info.get("opmerking"), str(info.get("onderwerp") or ""))


@limits.checked(complaint_id="id")
def complete_review(context: Context, complaint_id: int, expected_version: int, data: RegistrationInput) -> int:
    """A person checked a case registered from a mail: the same validation as the phone
    intake, the fields and people as now given, and the case is no longer "te beoordelen".
    The kind, channel and receipt moment stay as received. Returns the new version."""
    context.require(Permission.REGISTER)
    with context.db.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        kind, channel, received = ComplaintKind(complaint.kind), Channel(complaint.channel), complaint.received_at
    cleaned, errors = validate_registration(context, replace(data, kind=kind, channel=channel, received_at=received))
    if errors:
        raise errors[0]
    with context.db.write() as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint is not None
        check_version(session, complaint, expected_version)
        rows = session.exec(select(Party).where(Party.complaint_id == complaint_id).order_by(Party.id)).all()
        complainant_party = next((p for p in rows if p.role == PartyRole.COMPLAINANT), None)
        if cleaned.complainant.person_id is not None or complainant_party is None:
            person = _person(session, context, cleaned.complainant)
            if complainant_party is None:
                session.add(Party(complaint_id=complaint_id, person_id=person.id, role=PartyRole.COMPLAINANT))
            else:
                complainant_party.person_id = person.id  # type: ignore[assignment]
                session.add(complainant_party)
        else:
            person = session.get(Person, complainant_party.person_id)
            assert person is not None
            person.name, person.phone, person.email = (cleaned.complainant.name, cleaned.complainant.phone or None,
                                                       cleaned.complainant.email or None)
            _set_address(person, cleaned.complainant)
            session.add(person)
        for party in rows:
            if party.role != PartyRole.COMPLAINANT:
                session.delete(party)
        session.flush()
        for other in cleaned.involved if "involved" in KIND_FIELDS[kind] else []:
            involved = _person(session, context, other)
            session.add(Party(complaint_id=complaint_id, person_id=involved.id, role=other.role,
                              note=other.note or None))
        values = {
            "service_type": cleaned.service_type or None, "category": cleaned.category or None,
            "description": cleaned.description or None, "incident_date": cleaned.incident_date,
            "discussed_first": cleaned.discussed_first, "remedy_sought": cleaned.remedy_sought or None,
            "invoice_number": cleaned.invoice_number or None,
        }
        changed = {k: v for k, v in values.items() if getattr(complaint, k) != v}
        old = {k: getattr(complaint, k) for k in changed}
        version = bump(session, context, complaint, expected_version, review_pending=False, **values)
        events.record(session, context, complaint_id, EventType.FIELD_CHANGED,
                      "Melding uit e-mail beoordeeld" + (f": {', '.join(EDITABLE[k] for k in changed)} aangevuld"
                                                         if changed else ""),
                      data={"beoordeeld": True, **{k: {"oud": _plain(old[k]), "nieuw": _plain(v)}
                                                    for k, v in changed.items()}})
        session.flush()
        reindex(session, complaint_id)
        return version
