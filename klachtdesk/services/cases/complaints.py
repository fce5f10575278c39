"""Cases: registration, look-up by klachtnummer, paged lists, edits with optimistic locking.

Screens and the CLI get plain dataclasses from here (``CaseRow``, ``CaseDetail``,
``Registered``), never ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import DatabaseProblem, NotFound, StaleEdit, ValidationError
from klachtdesk.models import (
    Channel,
    Complaint,
    ComplaintKind,
    DeadlineKind,
    Event,
    EventType,
    Party,
    PartyRole,
    Person,
    Staff,
    Status,
)
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.deadlines.promises import Promise
from klachtdesk.services.core import events
from klachtdesk.services.people.contact_details import display_phone, normalise_email, normalise_phone
from klachtdesk.services.people import postal
# a registration's people, new or known (and who may change a known caller's details)
from klachtdesk.services.people.known_caller import person_for as _person, reviewed_person as _reviewed_person
from klachtdesk.services.people.search_text import add_search_text, build_search_text, reindex  # noqa: F401 - named here too
from klachtdesk.services.core.context import Context
from klachtdesk.services.cases.intake_fields import FIELD_ORDER, KIND_FIELDS, position  # noqa: F401 - named here too
from klachtdesk.services.cases import kinds, read_log
from klachtdesk.services.cases.rows import CaseFilter, CaseRow
# the plain values of one case (without the database layer: ``zoek`` reads them with the driver too)
from klachtdesk.services.cases.detail import CaseDetail, PartyView
from klachtdesk.services.cases.numbering import ComplaintNumber, next_number, parse_number
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services import limits
from klachtdesk.services.core.personal import CASE_TEXTS, EVENT_TEXTS, PersonalData, personal_data

# ---------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------


@dataclass
class PersonInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    role: PartyRole = PartyRole.COMPLAINANT
    note: str = ""
    person_id: int | None = None  # an existing person taken over (known caller)
    #: the postal address (the klager's; ``people.postal``): all empty is none
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    #: a known caller's details as the form showed them when the caller was taken over
    #: (``people.known_caller.DETAILS`` -> stored value): a detail a colleague changed since
    #: is not overwritten unseen (``known_caller.person_for``); None: not known
    seen: tuple[tuple[str, str | None], ...] | None = None

    def address(self) -> postal.PostalAddress | None:
        """The (validated) address given, None when none was."""
        return postal.stored_address(self.street, self.postcode, self.city, self.country)


@dataclass
class RegistrationInput:
    """What the intake form (or an import) hands over. Raw strings, validated here."""

    kind: ComplaintKind = ComplaintKind.COMPLAINT
    channel: Channel = Channel.PHONE
    received_at: datetime | None = None  # None: now
    complainant: PersonInput = field(default_factory=PersonInput)
    service_type: str = ""
    category: str = ""
    description: str = ""
    incident_date: date | None = None
    discussed_first: bool | None = None
    remedy_sought: str = ""
    invoice_number: str = ""
    involved: list[PersonInput] = field(default_factory=list)


@dataclass(frozen=True)
class Registered:
    id: int
    number: str
    kind: ComplaintKind
    received_at: datetime
    effective_receipt_day: date
    reply_due: date | None
    queue: str | None
    status: Status
    #: every deadline of the case as promised to the klager (the read-back names them all)
    promises: tuple[Promise, ...] = ()


#: what an empty description is called, per kind that asks for one
DESCRIPTION_REQUIRED = {
    ComplaintKind.COMPLAINT: "Een omschrijving van het voorval of de klacht is verplicht.",
    ComplaintKind.ACCOUNT_QUESTION: "Een omschrijving van de vraag is verplicht.",
}


def field_base(field: str | None) -> str:
    """``involved.2.phone`` -> ``involved``: the ``FIELD_ORDER`` entry of a field name."""
    return (field or "").split(".", 1)[0]


def validate_registration(context: Context, data: RegistrationInput) -> tuple[RegistrationInput, list[ValidationError]]:
    """Check and normalise every field. Returns the cleaned input and all field errors,
    in the order of ``FIELD_ORDER`` (so a form focuses the first)."""
    errors: list[ValidationError] = []
    now = context.now()
    today = context.today()
    cleaned = replace(data, complainant=replace(data.complainant), involved=[replace(p) for p in data.involved])

    check = limits.collecting(errors)

    if cleaned.received_at is not None and cleaned.received_at.tzinfo is None:
        cleaned.received_at = cleaned.received_at.replace(tzinfo=AMSTERDAM)  # a wall-clock time in Amsterdam
    if cleaned.received_at is not None and cleaned.received_at > now:
        errors.append(ValidationError("Het moment van ontvangst ligt in de toekomst.", field="received_at"))
    def text(value: str, key: str, form_field: str | None = None) -> str:
        """The value cleaned by the table of field limits; refused, the nearest value that
        fits (its field error is collected: the form shows it, a mail's case keeps it to check)."""
        result = check(lambda: limits.clean_text(value, key, form_field=form_field))
        return limits.fit_text(value, key) if result is None else result

    def contact(person: PersonInput, prefix: str = "") -> None:
        for key, normalise in (("phone", normalise_phone), ("email", normalise_email)):
            value = check(lambda k=key: limits.clean_text(getattr(person, k), k, form_field=prefix + k))
            if value is not None:
                setattr(person, key, check(lambda v=value, n=normalise, k=key: n(v, prefix + k)) or "")

    if cleaned.incident_date is not None:
        check(lambda: limits.check_day(cleaned.incident_date, "incident_date", "de datum van het voorval"))
    if cleaned.received_at is not None:
        check(lambda: limits.check_day(cleaned.received_at, "received_at", "het moment van ontvangst"))
    person = cleaned.complainant
    given_phone, given_email = person.phone.strip(), person.email.strip()
    person.name = text(person.name, "name")
    if not person.name and person.person_id is None:
        errors.append(ValidationError("De naam van de klager is verplicht.", field="name"))
    contact(person)
    address, address_errors = postal.check_address(person.street, person.postcode, person.city, person.country)
    errors += address_errors
    person.street, person.postcode = (address.street, address.postcode) if address else ("", "")
    person.city, person.country = (address.city, address.country or "") if address else ("", "")
    if not given_phone and not given_email and address is None and person.person_id is None:  # a letter will do
        errors.append(ValidationError("Vul een telefoonnummer of e-mailadres in, of een postadres, zodat we kunnen "
                                      "reageren.", field="phone"))
    lists = context.settings.lists
    cleaned.service_type = text(cleaned.service_type, "service_type")
    if not cleaned.service_type:
        errors.append(ValidationError("Het type dienstverlening is verplicht.", field="service_type"))
    elif cleaned.service_type not in lists.service_types:
        errors.append(ValidationError(f"'{cleaned.service_type}' staat niet in de lijst diensttypen.", field="service_type"))
    cleaned.category = text(cleaned.category, "category")
    if cleaned.category and cleaned.category not in lists.categories:
        errors.append(ValidationError(f"'{cleaned.category}' staat niet in de lijst categorieën.", field="category"))
    cleaned.description = text(cleaned.description, "description")
    cleaned.remedy_sought = text(cleaned.remedy_sought, "remedy_sought")
    cleaned.invoice_number = text(cleaned.invoice_number, "invoice_number")

    asked = KIND_FIELDS[cleaned.kind]  # the one table of the fields per kind (``intake_fields``)
    if "incident_date" in asked:
        if cleaned.incident_date is not None and cleaned.incident_date > today:
            errors.append(ValidationError("De datum van het voorval ligt in de toekomst.", field="incident_date"))
        elif (cleaned.incident_date is not None and cleaned.received_at is not None
              and cleaned.incident_date > local(cleaned.received_at).date()):
            errors.append(ValidationError("De datum van het voorval ligt na het moment van ontvangst.",
                                          field="incident_date"))
    if "description" in asked and cleaned.kind in DESCRIPTION_REQUIRED and not cleaned.description:
        errors.append(ValidationError(DESCRIPTION_REQUIRED.get(cleaned.kind, "Een omschrijving is verplicht."),
                                      field="description"))
    if "involved" in asked:
        for index, other in enumerate(cleaned.involved, start=1):
            # fields ``involved.<n>.<part>`` (n from 1), so a form can point at the row
            other.name = text(other.name, "name", f"involved.{index}.name")
            if not other.name and other.person_id is None:
                errors.append(ValidationError(f"Betrokkene {index} heeft geen naam.", field=f"involved.{index}.name"))
            if other.role is PartyRole.COMPLAINANT:
                errors.append(ValidationError(f"Betrokkene {index} kan niet ook klager zijn.", field=f"involved.{index}.role"))
            contact(other, f"involved.{index}.")
            other.note = text(other.note, "note", f"involved.{index}.note")
    if "invoice_number" in asked:
        if not cleaned.invoice_number and not any(e.field == "invoice_number" for e in errors):
            errors.append(ValidationError("Het factuurnummer is verplicht bij een factuurvraag.", field="invoice_number"))
    errors.sort(key=lambda e: position(e.field))
    return cleaned, errors


def registration_line(kind: ComplaintKind, channel: Channel, queue: str | None) -> str:
    """The history line of a registration (the demo data words its history with it too)."""
    line = f"{kind.value.capitalize()} geregistreerd via {channel.value}"
    return f"{line}, doorgestuurd naar {queue}" if queue else line


def register(context: Context, data: RegistrationInput) -> Registered:
    """Register a case: klachtnummer, parties, deadlines, first event — one transaction."""
    context.require(Permission.REGISTER)
    cleaned, errors = validate_registration(context, data)
    if errors:
        raise errors[0]
    with context.db.write() as session:
        return register_in(session, context, cleaned)


def register_in(session: Session, context: Context, cleaned: RegistrationInput, *, review_pending: bool = False,
                extra: dict[str, Any] | None = None) -> Registered:
    """Register validated input in the caller's transaction (the mail intake stores the
    mail itself in the same one). ``review_pending``: a person still has to check the
    case in the registration form ("te beoordelen"); ``extra`` goes into the event."""
    context.require(Permission.REGISTER)
    received_at = cleaned.received_at or context.now()
    calendars = context.calendars
    effective = calendars.organisation.effective_receipt_day(received_at)
    year = local(received_at).year
    queue = kinds.queue_for(context, cleaned.kind)
    status = kinds.initial_status(cleaned.kind)
    number = next_number(session, year)
    complainant = _person(session, context, cleaned.complainant)
    people = [complainant]
    others: list[tuple[Person, PersonInput]] = []
    for other in cleaned.involved if "involved" in KIND_FIELDS[cleaned.kind] else []:
        person = _person(session, context, other)
        people.append(person)
        others.append((person, other))
    # the deadlines are planned before the case is written, so the case row is written
    # once, whole, with its first deadline (``next_due``, as ``deadlines.refresh_next_due``
    # keeps it); its search text is one row of ``complaint_search`` (one pass of the search
    # indexes)
    planned = deadlines.planned_for(context, cleaned.kind, received_at)
    next_due, next_kind = deadlines.first_due(planned)
    now = context.now()
    complaint = Complaint(
        number=str(number),
        year=number.year,
        seq=number.seq,
        kind=cleaned.kind,
        channel=cleaned.channel,
        received_at=received_at,
        effective_receipt_day=effective,
        service_type=cleaned.service_type or None,
        category=cleaned.category or None,
        description=cleaned.description or None,
        incident_date=cleaned.incident_date,
        discussed_first=cleaned.discussed_first,
        remedy_sought=cleaned.remedy_sought or None,
        invoice_number=cleaned.invoice_number or None,
        queue=queue.name if queue else None,
        status=status,
        complainant_id=complainant.id,
        created_by_id=context.actor_id(),
        created_at=now,
        updated_at=now,
        review_pending=review_pending,
        next_due=next_due,
        next_deadline_kind=next_kind,
    )
    session.add(complaint)
    session.flush()
    assert complaint.id is not None and complainant.id is not None
    add_search_text(session, complaint.id, build_search_text(str(number), complaint, people))
    # the people and the deadlines in one statement each; the first history line goes with
    # the transaction's next flush
    session.execute(insert(Party.__table__), [  # type: ignore[attr-defined]
        {"complaint_id": complaint.id, "person_id": person.id, "role": role, "note": note}
        for person, role, note in [(complainant, PartyRole.COMPLAINANT, None),
                                   *((person, other.role, other.note or None) for person, other in others)]])
    events.record(
        session, context, complaint.id, EventType.REGISTERED,
        registration_line(cleaned.kind, cleaned.channel, queue.name if queue else None),
        data={"kanaal": cleaned.channel.value, "soort": cleaned.kind.value,
              "ontvangen": received_at.isoformat(), "telt_als": effective.isoformat(), **(extra or {})},
        flush=False,
    )
    deadlines.add_planned(session, complaint.id, planned)
    reply = next((d.due for d in planned if d.kind is DeadlineKind.REPLY), None)
    return Registered(
        id=complaint.id, number=str(number), kind=cleaned.kind, received_at=received_at,
        effective_receipt_day=effective, reply_due=reply, queue=complaint.queue, status=status,
        promises=tuple(Promise(d.kind, d.due, d.label) for d in planned),
    )


# ---------------------------------------------------------------------------------------
# look-up
# ---------------------------------------------------------------------------------------


def id_for_number(context: Context, value: str | ComplaintNumber) -> int:
    """The id of the case with this klachtnummer (any accepted form); ``NotFound`` else."""
    number = value if isinstance(value, ComplaintNumber) else parse_number(value, context.today().year)
    with context.db.read() as session:
        found = session.exec(
            select(Complaint.id).where(Complaint.year == number.year, Complaint.seq == number.seq)
        ).first()
    if found is None:
        raise NotFound(f"Klacht {number} bestaat niet.")
    return int(found)


# ---------------------------------------------------------------------------------------
# paged lists (keyset pagination, newest first)
# ---------------------------------------------------------------------------------------


def _start_of(day: date, days_later: int = 0) -> datetime:
    """The first moment of ``day`` (plus ``days_later``) in Amsterdam: a day range on ``received_at``."""
    return datetime.combine(day + timedelta(days=days_later), time(0), tzinfo=AMSTERDAM)


def _filtered(query: Any, context: Context, filters: CaseFilter) -> Any:
    if filters.status is not None:
        query = query.where(Complaint.status == filters.status)
    if filters.kind is not None:
        query = query.where(Complaint.kind == filters.kind)
    if filters.channel is not None:
        query = query.where(Complaint.channel == filters.channel)
    if filters.handler_id is not None:
        query = query.where(Complaint.handler_id == filters.handler_id)
    if filters.unassigned:
        query = query.where(Complaint.handler_id.is_(None))  # type: ignore[union-attr]
    if filters.category is not None:
        query = query.where(Complaint.category == filters.category)
    if filters.received_from is not None:
        query = query.where(Complaint.received_at >= _start_of(filters.received_from))  # type: ignore[operator]
    if filters.received_to is not None:
        query = query.where(Complaint.received_at < _start_of(filters.received_to, 1))  # type: ignore[operator]
    if filters.overdue_only:
        query = query.where(Complaint.next_due < context.today())  # type: ignore[operator]
    if filters.open_only:
        query = query.where(Complaint.closed_at.is_(None))  # type: ignore[union-attr]
    if filters.review_only:
        query = query.where(Complaint.review_pending == True)  # noqa: E712
    return query


def count(context: Context, filters: CaseFilter = CaseFilter()) -> int:
    context.require(Permission.READ_STATUS)
    query = _filtered(select(func.count()).select_from(Complaint), context, filters)
    with context.db.read() as session:
        return int(session.exec(query).one())


# ---------------------------------------------------------------------------------------
# detail
# ---------------------------------------------------------------------------------------


@limits.checked(complaint_id="id")
def get_case(context: Context, complaint_id: int, *, record_view: bool = True) -> CaseDetail:
    """Everything about one case the current user may see. Reading personal data is
    itself recorded in the history (who looked at the case, and when)."""
    context.require(Permission.READ_STATUS)
    if not (record_view and personal_data(context).readable):
        return _case_detail(context, complaint_id, record_view=False)
    try:
        return _case_detail(context, complaint_id, record_view=True)
    except DatabaseProblem as problem:
        # reading never depends on writing: shown all the same, the read-log line waits
        detail = _case_detail(context, complaint_id, record_view=False)
        return replace(detail, view_notice=read_log.postpone(context, complaint_id, problem))


def _case_detail(context: Context, complaint_id: int, *, record_view: bool) -> CaseDetail:
    shown = personal_data(context)
    personal = shown.readable
    confidential = context.user.may(Permission.CONFIDENTIAL_NOTES)
    recorded = None
    with context.db.write() if record_view else context.db.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        handler = session.get(Staff, complaint.handler_id) if complaint.handler_id else None
        parties = []
        if personal:
            for party, person in session.exec(
                select(Party, Person).join(Person, Person.id == Party.person_id)
                .where(Party.complaint_id == complaint_id).order_by(Party.id)
            ).all():
                address = postal.stored_address(person.street, person.postcode, person.city, person.country)
                parties.append(PartyView(person.id or 0, person.name, PartyRole(party.role), display_phone(person.phone),
                                         person.email or "", party.note, address.one_line() if address else ""))
        if record_view:
            recorded = read_log.record(session, context, complaint_id)
        timeline = timeline_for(session, context, complaint_id, personal=personal, confidential=confidential)
        detail = CaseDetail(
            id=complaint_id, number=complaint.number, version=complaint.version, kind=ComplaintKind(complaint.kind),
            channel=Channel(complaint.channel), status=Status(complaint.status), received_at=complaint.received_at,
            effective_receipt_day=complaint.effective_receipt_day, service_type=complaint.service_type,
            category=complaint.category, **shown.texts(complaint, CASE_TEXTS),
            incident_date=complaint.incident_date, discussed_first=complaint.discussed_first,
            queue=complaint.queue, handler_id=complaint.handler_id,
            handler=handler.name if handler else None,
            accepted=str(complaint.accepted) if complaint.accepted else None, closed_at=complaint.closed_at,
            updated_at=complaint.updated_at, anonymised=complaint.anonymised_at is not None,
            review_pending=bool(complaint.review_pending), parties=parties, deadlines=deadlines.views_for(session, context, complaint_id), timeline=timeline,
        )
    if recorded is not None:
        read_log.written(recorded)
    return detail


def timeline_for(session: Session, context: Context, complaint_id: int, *, personal: bool, confidential: bool
                 ) -> list[events.TimelineEntry]:
    query = (
        select(Event, Staff.name).outerjoin(Staff, Staff.id == Event.actor_id)
        .where(Event.complaint_id == complaint_id).order_by(Event.id.desc())  # type: ignore[union-attr]
    )
    if not confidential:
        query = query.where(Event.confidential == False)  # noqa: E712
    entries = []
    for event, actor in session.exec(query).all():
        assert event.id is not None
        entries.append(events.TimelineEntry(
            id=event.id, at=event.at, type=EventType(event.type), actor=actor or "klachtdesk",
            summary=event.summary, **PersonalData(personal).texts(event, EVENT_TEXTS),
            confidential=event.confidential,
        ))
    return entries


# ---------------------------------------------------------------------------------------
# edits (optimistic locking)
# ---------------------------------------------------------------------------------------

EDITABLE = {
    "channel": "kanaal",
    "service_type": "type dienstverlening",
    "category": "aard van de klacht",
    "description": "omschrijving",
    "incident_date": "datum voorval",
    "discussed_first": "eerst besproken met betrokkene(n)",
    "remedy_sought": "gewenste oplossing",
    "invoice_number": "factuurnummer",
}


#: the editable fields that are free text (cleaned and bounded by ``limits.FIELD_LIMITS``)
EDITABLE_TEXT = frozenset({"service_type", "category", "description", "remedy_sought", "invoice_number"})


def check_version(session: Session, complaint: Complaint, expected_version: int) -> None:
    """Refuse an edit made on an outdated copy of the case."""
    if complaint.version != expected_version:
        who = "een collega"
        last = session.exec(
            select(Event, Staff.name).outerjoin(Staff, Staff.id == Event.actor_id)
            .where(Event.complaint_id == complaint.id, Event.type != EventType.VIEWED)
            .order_by(Event.id.desc()).limit(1)  # type: ignore[union-attr]
        ).first()
        when = ""
        if last is not None:
            who = last[1] or who
            when = f" om {local(last[0].at):%H:%M}"
        raise StaleEdit(
            f"{complaint.number} is intussen gewijzigd door {who}{when}. Uw wijziging is niet opgeslagen; "
            "uw invoer staat nog klaar. Bekijk de wijziging en sla daarna opnieuw op."
        )


def case_to_edit(session: Session, context: Context, complaint_id: int, expected_version: int) -> Complaint:
    """The case to edit (``Permission.HANDLE`` on it), refused when the user's copy is outdated."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    context.require_on_case(Permission.HANDLE, complaint.handler_id)
    check_version(session, complaint, expected_version)
    return complaint


def bump(session: Session, context: Context, complaint: Complaint, expected_version: int, **values: Any) -> int:
    """Apply ``values`` to the case only if it is still at ``expected_version``; returns the new version.

    The compare-and-set is one UPDATE, so two writers can never both succeed.
    """
    result = session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.version == expected_version)  # type: ignore[arg-type]
        .values(version=expected_version + 1, updated_at=context.now(), **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(complaint)
        check_version(session, complaint, expected_version)
    session.refresh(complaint)
    return complaint.version


@limits.checked(complaint_id="id")
def update_fields(context: Context, complaint_id: int, expected_version: int, changes: dict[str, Any]) -> int:
    """Change case fields; every change is an event. Returns the new version."""
    context.require(Permission.HANDLE)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Veld {', '.join(sorted(unknown))} kan hier niet worden gewijzigd.")
    changes = {key: limits.clean_optional(value, key) if key in EDITABLE_TEXT and isinstance(value, str) else value
               for key, value in changes.items()}
    if isinstance(changes.get("incident_date"), date):
        limits.check_day(changes["incident_date"], "incident_date", "de datum van het voorval")
    lists = context.settings.lists
    if changes.get("service_type") and changes["service_type"] not in lists.service_types:
        raise ValidationError(f"'{changes['service_type']}' staat niet in de lijst diensttypen.", field="service_type")
    if changes.get("category") and changes["category"] not in lists.categories:
        raise ValidationError(f"'{changes['category']}' staat niet in de lijst categorieën.", field="category")
    if changes.get("incident_date") and changes["incident_date"] > context.today():
        raise ValidationError("De datum van het voorval ligt in de toekomst.", field="incident_date")
    with context.db.write() as session:
        complaint = case_to_edit(session, context, complaint_id, expected_version)
        real = {k: v for k, v in changes.items() if getattr(complaint, k) != v}
        if not real:
            return complaint.version
        old = {k: getattr(complaint, k) for k in real}
        version = bump(session, context, complaint, expected_version, **real)
        for key, value in real.items():
            events.record(
                session, context, complaint_id, EventType.FIELD_CHANGED,
                f"{EDITABLE[key].capitalize()} gewijzigd",
                data={"veld": key, "oud": events.json_value(old[key]), "nieuw": events.json_value(value)},
            )
        if {"description", "invoice_number", "remedy_sought"} & set(real):
            reindex(session, complaint_id)
        return version
