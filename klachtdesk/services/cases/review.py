"""Cases registered from a mail: a person checks them in the registration form (review).

``review_form`` gives the form its values (and which were derived from the mail);
``complete_review`` saves what the person checked, with the same validation as the
phone intake (``complaints.validate_registration``). The person may correct the kind the
mail's address gave: what the kind decides is then redone by the rules that decide it at
registration (``kinds``: status and queue; ``deadlines.rules``: the deadlines, from the
original receipt moment), never by a copy of them here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, select

from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.models import (
    Channel,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    DeadlineUnit,
    Event,
    EventType,
    Message,
    Party,
    PartyRole,
    Person,
    Status,
)
from klachtdesk.services import limits
from klachtdesk.services.cases import kinds
from klachtdesk.services.cases.complaints import (
    EDITABLE,
    KIND_FIELDS,
    PersonInput,
    RegistrationInput,
    bump,
    check_version,
    reindex,
    validate_registration,
)
from klachtdesk.services.core import events
from klachtdesk.services.people.known_caller import person_for as _person, reviewed_person
from klachtdesk.services.core.access import MESSAGE_TEMPLATES
from klachtdesk.services.core.context import Context
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.deadlines.promises import Promise
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.time.dutch import format_date


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
    #: the person the mail made or linked as the klager: the case's own, so the form's
    #: known-caller look-up does not offer them as someone to take over
    complainant_person_id: int | None = None


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
                                street=(complainant.street or "") if complainant else "",
                                postcode=(complainant.postcode or "") if complainant else "",
                                city=(complainant.city or "") if complainant else "",
                                country=(complainant.country or "") if complainant else "",
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
                      info.get("opmerking"), str(info.get("onderwerp") or ""),
                      complainant.id if complainant is not None else None)


@dataclass(frozen=True)
class Reviewed:
    """What saving a review did: the new version, and — when the reviewer corrected the
    kind — what that changed (``note``: what the reviewer should still see to)."""

    version: int
    kind: ComplaintKind
    previous_kind: ComplaintKind
    status: Status
    queue: str | None
    #: the deadlines the old kind had and the new one has not (cancelled, kept on record)
    cancelled: tuple[str, ...] = ()
    #: the deadlines the new kind added, from the original receipt moment
    created: tuple[Promise, ...] = ()
    #: every deadline of the case that still runs, as the klager is to be told
    promises: tuple[Promise, ...] = ()
    note: str = ""

    @property
    def kind_changed(self) -> bool:
        return self.kind is not self.previous_kind


#: the template of the ontvangstbevestiging (what the acknowledging role may send)
_ACKNOWLEDGEMENT = MESSAGE_TEMPLATES[Permission.ACKNOWLEDGE]


@limits.checked(complaint_id="id")
def complete_review(context: Context, complaint_id: int, expected_version: int, data: RegistrationInput) -> Reviewed:
    """A person checked a case registered from a mail: the same validation as the phone
    intake (for the kind now chosen), the fields and people as now given, and the case is
    no longer "te beoordelen". Channel and receipt moment stay as received.

    The kind may be corrected (a "vraag" that is really a klacht, or the other way), as long
    as no step of the procedure was taken yet: status and queue become what registration
    gives the new kind (``kinds``), its deadlines are made from the original receipt
    moment (``deadlines.create_for_complaint``), and the old kind's open deadlines that the
    new one does not have are cancelled (kept on record). One history line says so."""
    context.require(Permission.REGISTER)
    with context.db.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        old_kind, channel, received = ComplaintKind(complaint.kind), Channel(complaint.channel), complaint.received_at
        _check_kind_change(complaint, old_kind, data.kind)
    kind = data.kind
    cleaned, errors = validate_registration(context, replace(data, kind=kind, channel=channel, received_at=received))
    if errors:
        raise errors[0]
    with context.db.write() as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint is not None
        check_version(session, complaint, expected_version)
        _check_kind_change(complaint, ComplaintKind(complaint.kind), kind)
        rows = session.exec(select(Party).where(Party.complaint_id == complaint_id).order_by(Party.id)).all()
        complainant_party = next((p for p in rows if p.role == PartyRole.COMPLAINANT), None)
        if cleaned.complainant.person_id is not None or complainant_party is None:
            person = _person(session, context, cleaned.complainant)
            if complainant_party is None:
                session.add(Party(complaint_id=complaint_id, person_id=person.id, role=PartyRole.COMPLAINANT))
            else:
                complainant_party.person_id = person.id  # type: ignore[assignment]
                session.add(complainant_party)
        else:  # a known sender the mail was linked to keeps their details but for a change with history
            person = reviewed_person(session, context, complainant_party.person_id, cleaned.complainant, complaint_id)
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
        cancelled: list[Deadline] = []
        created: list[Deadline] = []
        kept: frozenset[DeadlineKind] = frozenset()
        note = ""
        if kind is not old_kind:
            # while the case is still "te beoordelen": the registering role may change it only then
            kept, cancelled = _cancel_deadlines(session, context, complaint, kind)
            queue = kinds.queue_for(context, kind)
            values.update(kind=kind, status=kinds.initial_status(kind), queue=queue.name if queue else None)
        version = bump(session, context, complaint, expected_version, review_pending=False, **values)
        if kind is not old_kind:
            created = deadlines.create_for_complaint(session, context, complaint, skip=kept)
            note = _kind_changed(session, context, complaint, old_kind, kind, cancelled, created)
        events.record(session, context, complaint_id, EventType.FIELD_CHANGED,
                      "Melding uit e-mail beoordeeld" + (f": {', '.join(EDITABLE[k] for k in changed)} aangevuld"
                                                         if changed else ""),
                      data={"beoordeeld": True, **{k: {"oud": events.json_value(old[k]), "nieuw": events.json_value(v)}
                                                    for k, v in changed.items()}})
        session.flush()
        reindex(session, complaint_id)
        running = session.exec(select(Deadline).where(
            Deadline.complaint_id == complaint_id, Deadline.met_at.is_(None),  # type: ignore[union-attr]
            Deadline.cancelled_at.is_(None)).order_by(Deadline.due, Deadline.id)).all()  # type: ignore[union-attr]
        return Reviewed(
            version=version, kind=kind, previous_kind=old_kind, status=Status(complaint.status), queue=complaint.queue,
            cancelled=tuple(row.label or str(row.kind) for row in cancelled),
            created=tuple(_promise(row) for row in created), promises=tuple(_promise(row) for row in running),
            note=note,
        )


def _promise(row: Deadline) -> Promise:
    return Promise(DeadlineKind(row.kind), row.due, row.label)


def _check_kind_change(complaint: Complaint, old: ComplaintKind, new: ComplaintKind) -> None:
    """The kind is corrected only in review, before any step of the procedure was taken."""
    if new is old:
        return
    if not complaint.review_pending:
        raise ValidationError("De soort kan alleen bij de beoordeling van een melding uit e-mail worden gewijzigd.",
                              field="kind")
    if Status(complaint.status) is not kinds.initial_status(old):
        raise ValidationError(f"De soort kan niet meer worden gewijzigd: de {old.value} is al "
                              f"'{Status(complaint.status).value}'.", field="kind")


def _cancel_deadlines(session: Session, context: Context, complaint: Complaint, kind: ComplaintKind
                      ) -> tuple[frozenset[DeadlineKind], list[Deadline]]:
    """The old kind's deadlines, for the new ``kind``: one the new kind has too (same rule)
    stays as it is, met or not; an open one it has not (or by another rule) is cancelled —
    kept on record, with ``cancelled_at``. A met deadline stays met; agreements are not the
    kind's. Returns (the kinds kept, the rows cancelled); the new kind's missing deadlines
    are then made from the original receipt moment (``deadlines.create_for_complaint``)."""
    assert complaint.id is not None
    rules = {rule.kind: rule for rule in context.settings.rules_for(kind)}
    rows = session.exec(select(Deadline).where(
        Deadline.complaint_id == complaint.id, Deadline.cancelled_at.is_(None),  # type: ignore[union-attr]
        Deadline.kind != DeadlineKind.AGREEMENT).order_by(Deadline.due, Deadline.id)).all()
    now = context.now()
    kept: set[DeadlineKind] = set()
    cancelled = []
    for row in rows:
        rule = rules.get(DeadlineKind(row.kind))
        same = rule is not None and (rule.unit, rule.amount) == (DeadlineUnit(row.unit), row.amount)
        if row.met_at is not None or same:
            kept.add(DeadlineKind(row.kind))
        else:
            row.cancelled_at = now
            session.add(row)
            cancelled.append(row)
    session.flush()
    deadlines.refresh_next_due(session, complaint.id)
    return frozenset(kept), cancelled


def _kind_changed(session: Session, context: Context, complaint: Complaint, old: ComplaintKind,
                  new: ComplaintKind, cancelled: list[Deadline], created: list[Deadline]) -> str:
    """The one history line of a kind corrected in review; returns what the reviewer should
    still see to (an ontvangstbevestiging already sent under the old kind), or ""."""
    assert complaint.id is not None
    acknowledged = session.exec(select(Message.id).where(
        Message.complaint_id == complaint.id, Message.template == _ACKNOWLEDGEMENT,
        (Message.sent_at.is_not(None)) | (Message.transport.is_not(None)))).first()  # type: ignore[union-attr] is not None
    note = (f"De ontvangstbevestiging ging al uit als {old.value}, met de termijnen van een {old.value}: "
            f"laat de klager weten wat nu geldt (een voortgangsbericht)." if acknowledged else "")
    parts = [f"Soort bij beoordeling gewijzigd van {old.value} naar {new.value} door {context.user.name}"]
    if cancelled:
        parts.append("termijnen vervallen: " + ", ".join(row.label or str(row.kind) for row in cancelled))
    if created:
        parts.append("nieuwe termijnen: " + ", ".join(f"{row.label or row.kind} (uiterlijk {format_date(row.due)})"
                                                        for row in created))
    if note:
        parts.append("ontvangstbevestiging al verstuurd als " + old.value)
    events.record(
        session, context, complaint.id, EventType.FIELD_CHANGED, "; ".join(parts),
        data={"veld": "kind", "oud": old.value, "nieuw": new.value, "beoordeling": True,
              "status": str(complaint.status), "wachtrij": complaint.queue,
              "vervallen": [str(row.kind) for row in cancelled], "nieuw_termijnen": [str(row.kind) for row in created],
              "bevestiging_al_verstuurd": bool(note)},
    )
    return note
