"""A klager's profile: their details (correctable, each correction in the history), all
their cases, and the contacts with them.

The fields come from ``person_fields.PERSON_FIELDS``. Who may correct a person: whoever
may edit a case of theirs (``Permission.HANDLE``; a behandelaar holds it only on the
cases assigned to them, ``permissions.ASSIGNED_ONLY``, so a behandelaar may correct a
person who is in one of their own cases). A correction is one history line on every case
of the person (its summary names only which details changed; the old and new values
are in its text and data, personal data as everywhere: a role without
``READ_PERSONAL_DATA`` sees neither), and the cases' search text follows the new details.
An erasure (``privacy.erasure``) also removes the earlier values these lines hold
(``earlier_values``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from klachtdesk.errors import NotFound, PermissionDenied, StaleEdit, ValidationError
from klachtdesk.models import Complaint, ComplaintKind, Event, EventType, Party, PartyRole, Person, Staff, Status
from klachtdesk.services import limits
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.people.callers import summarise
from klachtdesk.services.people.contact_details import phone_search_forms
from klachtdesk.services.people.person_fields import (FIELDS_BY_NAME, PERSON_FIELDS, check_whole, clean_changes,
                                                      shown_values, stored_values)
from klachtdesk.services.people.search_text import reindex

#: the key of a history line's data that names the person whose details were corrected
PERSON_KEY = "persoon"
#: what the profile lists of the contacts with the klager (newest first)
CONTACT_TYPES = (EventType.CONTACT, EventType.MESSAGE, EventType.INCOMING)
MAX_CONTACTS = 200
MAX_CASES = 500

#: how a person is named in a case's history line, by their role in that case
ROLE_WORDS = {PartyRole.COMPLAINANT: "de klager", PartyRole.RESPONDENT: "de aangeklaagde",
              PartyRole.INVOLVED: "een betrokkene"}


@dataclass(frozen=True)
class ProfileCase:
    """One case of the person, with their role in it."""

    id: int
    number: str
    kind: ComplaintKind
    status: Status
    role: PartyRole
    received_at: datetime
    summary: str
    handler: str | None


@dataclass(frozen=True)
class ProfileLine:
    """A line of a case's history about the person: a contact, a message, a correction."""

    at: datetime
    number: str
    type: EventType
    actor: str
    summary: str
    body: str | None


@dataclass(frozen=True)
class Profile:
    person_id: int
    #: field -> what is stored (the compare-and-set of an edit is made on these)
    stored: dict[str, str | None]
    #: field -> what is shown (and what the edit dialog is filled with)
    shown: dict[str, str]
    anonymised: bool
    cases: tuple[ProfileCase, ...]
    contacts: tuple[ProfileLine, ...]
    corrections: tuple[ProfileLine, ...]
    #: why the user may not correct these details (None: they may)
    why_not_editable: str | None

    @property
    def name(self) -> str:
        return self.shown.get("name", "")

    @property
    def editable(self) -> bool:
        return self.why_not_editable is None


@dataclass(frozen=True)
class Corrected:
    """What a correction changed (the Dutch names of the fields), and the profile after it."""

    labels: tuple[str, ...]
    profile: Profile


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


@limits.checked(complaint_id="id")
def klager_of(context: Context, complaint_id: int) -> int:
    """The person id of the klager of a case (``NotFound`` when it has none)."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        found = session.exec(select(Party.person_id).where(
            Party.complaint_id == complaint_id, Party.role == PartyRole.COMPLAINANT).order_by(Party.id)).first()
    if found is None:
        raise NotFound("Deze zaak heeft geen klager.")
    return int(found)


def _roles(session: Session, person_id: int) -> list[tuple[int, PartyRole, int | None]]:
    """(case id, role, behandelaar) of every case of the person."""
    rows = session.exec(
        select(Party.complaint_id, Party.role, Complaint.handler_id)
        .join(Complaint, Complaint.id == Party.complaint_id).where(Party.person_id == person_id)
    ).all()
    return [(int(cid), PartyRole(role), handler) for cid, role, handler in rows]


def not_correctable(session: Session, person: Person) -> str | None:
    """Why nobody corrects this person's details here, whoever they are (None: that is not why):
    an anonymised person, or a staff member (the beheerder keeps their details)."""
    assert person.id is not None
    if person.anonymised_at is not None:
        return "Deze persoon is geanonimiseerd; er valt niets meer te corrigeren."
    if session.exec(select(Staff.id).where(Staff.person_id == person.id).limit(1)).first() is not None:
        return "Dit is een medewerker; diens gegevens wijzigt de beheerder ('klachtdesk medewerker')."
    return None


def _why_not_editable(context: Context, session: Session, person: Person) -> str | None:
    assert person.id is not None
    fixed = not_correctable(session, person)
    if fixed is not None:
        return fixed
    if not context.user.may(Permission.HANDLE):
        return f"U ({context.user.name}, {context.user.role_names}) mag geen gegevens van personen corrigeren."
    handlers = [handler for _cid, _role, handler in _roles(session, person.id)]
    if not any(context.user.may_on_case(Permission.HANDLE, handler) for handler in handlers):
        return ("U mag de gegevens van deze persoon alleen corrigeren als een zaak van hem of haar aan u is "
                "toegewezen.")
    return None


@limits.checked(person_id="id")
def get_profile(context: Context, person_id: int) -> Profile:
    """The person's details, cases, contacts and earlier corrections."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        return _profile(context, session, person_id)


def _profile(context: Context, session: Session, person_id: int) -> Profile:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"Persoon {person_id} bestaat niet.")
    rows = session.exec(
        select(Complaint, Party.role, Staff.name)
        .join(Party, Party.complaint_id == Complaint.id).outerjoin(Staff, Staff.id == Complaint.handler_id)
        .where(Party.person_id == person_id)
        .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(MAX_CASES)  # type: ignore[attr-defined]
    ).all()
    cases: dict[int, ProfileCase] = {}
    own: list[int] = []
    for complaint, role, handler in rows:
        assert complaint.id is not None
        role = PartyRole(role)
        if role is PartyRole.COMPLAINANT:
            own.append(complaint.id)
        if complaint.id in cases and role is not PartyRole.COMPLAINANT:
            continue
        summary = summarise(complaint.description) or (f"factuur {complaint.invoice_number}"
                                                       if complaint.invoice_number else "")
        cases[complaint.id] = ProfileCase(complaint.id, complaint.number, ComplaintKind(complaint.kind),
                                          Status(complaint.status), role, complaint.received_at, summary, handler)
    numbers = {cid: case.number for cid, case in cases.items()}
    contacts = _lines(session, select(Event, Staff.name).outerjoin(Staff, Staff.id == Event.actor_id).where(
        Event.complaint_id.in_(own), Event.type.in_(CONTACT_TYPES),  # type: ignore[union-attr,attr-defined]
        Event.confidential == False,  # noqa: E712
    ).order_by(Event.at.desc(), Event.id.desc()).limit(MAX_CONTACTS), numbers)  # type: ignore[attr-defined]
    corrections = [line for line, _data in _corrections(session, [person_id])]
    stored = stored_values(person)
    return Profile(person_id, stored, shown_values(stored), person.anonymised_at is not None,
                   tuple(cases.values()), tuple(contacts), tuple(corrections),
                   _why_not_editable(context, session, person))


def _lines(session: Session, query: object, numbers: Mapping[int, str]) -> list[ProfileLine]:
    lines = []
    for event, actor in session.exec(query).all():  # type: ignore[call-overload]
        lines.append(ProfileLine(event.at, numbers.get(event.complaint_id, ""), EventType(event.type),
                                 actor or "klachtdesk", event.summary, event.body))
    return lines


def _corrections(session: Session, person_ids: Iterable[int]) -> list[tuple[ProfileLine, dict[str, object]]]:
    """The history lines of corrections of these people's details, each once (one
    correction writes a line on every case of the person), newest first, with their data."""
    ids = set(person_ids)
    cases = list(session.exec(select(Party.complaint_id).where(Party.person_id.in_(ids))).all())  # type: ignore[attr-defined]
    query = (select(Event, Staff.name).outerjoin(Staff, Staff.id == Event.actor_id)
             .where(Event.type == EventType.FIELD_CHANGED,
                    Event.complaint_id.in_(cases) | Event.complaint_id.is_(None))  # type: ignore[union-attr,attr-defined]
             .order_by(Event.at.desc(), Event.id.desc()))  # type: ignore[attr-defined]
    found: list[tuple[ProfileLine, dict[str, object]]] = []
    seen: set[tuple[object, ...]] = set()
    for event, actor in session.exec(query).all():
        data = event.data if isinstance(event.data, dict) else {}
        if data.get(PERSON_KEY) not in ids:
            continue
        key = (data.get(PERSON_KEY), event.at, event.body)
        if key in seen:
            continue
        seen.add(key)
        changes = data.get("wijzigingen")
        labels = [f.label for f in PERSON_FIELDS if f.name in changes] if isinstance(changes, dict) else []
        summary = f"Gegevens gecorrigeerd: {', '.join(labels)}" if labels else event.summary
        found.append((ProfileLine(event.at, "", EventType(event.type), actor or "klachtdesk", summary, event.body),
                      data))
    return found


def earlier_values(session: Session, person_ids: Iterable[int]) -> list[str]:
    """Every value the history of corrections holds for these people (old and new): what an
    erasure must remove besides their details as they are now."""
    values: set[str] = set()
    for _line, data in _corrections(session, person_ids):
        changes = data.get("wijzigingen")
        for name, change in changes.items() if isinstance(changes, dict) else ():
            row = FIELDS_BY_NAME.get(name)
            for value in (change.get("oud"), change.get("nieuw")) if isinstance(change, dict) else ():
                if value:
                    values |= {str(value), row.display(str(value)) if row else str(value)}
                    if name == "phone":
                        values |= set(phone_search_forms(str(value)))
    return sorted(v for v in values if v)


# ---------------------------------------------------------------------------------------
# correcting
# ---------------------------------------------------------------------------------------


#: how a correction is worded in the history line: in the profile, and when a known caller
#: gave other details at a new registration (``known_caller``)
CORRECTED = "gecorrigeerd"


def correction_line(role: PartyRole, labels: Iterable[str], how: str = CORRECTED) -> str:
    """The history line of a correction (no personal data: only which details changed)."""
    return f"Gegevens van {ROLE_WORDS.get(role, 'een betrokkene')} {how}: {', '.join(labels)}"


def record_correction(session: Session, context: Context, person: Person, new: Mapping[str, str | None], *,
                      how: str = CORRECTED, extra: Mapping[str, object] | None = None) -> tuple[str, ...]:
    """The one writer of a change to a person's details, in the caller's transaction: the
    fields of ``new`` (stored form, already checked) that differ are set on ``person``, and
    one history line goes on every case of the person: the summary names only which details
    changed (``correction_line``, worded ``how``), the old and new values are in the body and
    the data (an erasure finds them there: ``earlier_values``); the cases' search text follows.
    Who may call it is the caller's rule (``correct_person``: HANDLE; a known caller at
    registration: ``known_caller``). Returns the Dutch names of the changed fields."""
    assert person.id is not None
    current = stored_values(person)
    changed = [f for f in PERSON_FIELDS if f.name in new and new[f.name] != current[f.name]]
    if not changed:
        return ()
    for row in changed:
        setattr(person, row.name, new[row.name])
    session.add(person)
    session.flush()
    labels = tuple(f.label for f in changed)
    body = "\n".join(f"{f.label}: {f.display(current[f.name]) or '—'} → {f.display(new[f.name]) or '—'}"
                     for f in changed)
    data = {PERSON_KEY: person.id,
            "wijzigingen": {f.name: {"oud": current[f.name], "nieuw": new[f.name]} for f in changed},
            **(extra or {})}
    roles = _roles(session, person.id)
    for cid, role, _handler in roles:
        events.record(session, context, cid, EventType.FIELD_CHANGED, correction_line(role, labels, how),
                      body=body, data=data)
        if any(f.searchable for f in changed):
            reindex(session, cid)
    if not roles:  # a line of no case: without the values, which no erasure of a case would reach
        events.record(session, context, None, EventType.FIELD_CHANGED,
                      correction_line(PartyRole.INVOLVED, labels, how), data={PERSON_KEY: person.id})
    session.flush()
    return labels


@limits.checked(person_id="id")
def correct_person(context: Context, person_id: int, expected: Mapping[str, str | None],
                   typed: Mapping[str, str | None]) -> Corrected:
    """Correct a person's details. ``expected``: the stored values the user saw (``Profile.stored``);
    when a colleague changed one of the fields meanwhile, ``StaleEdit`` (nothing saved).
    ``typed``: field -> the text as typed (only the fields of the form; others stay)."""
    context.require(Permission.READ_PERSONAL_DATA)
    context.require(Permission.HANDLE)
    cleaned, errors = clean_changes(typed)
    if errors:
        raise errors[0]
    with context.db.write() as session:
        person = session.exec(select(Person).where(Person.id == person_id).with_for_update()).first()
        if person is None:
            raise NotFound(f"Persoon {person_id} bestaat niet.")
        why = _why_not_editable(context, session, person)
        if why is not None:
            raise PermissionDenied(why)
        current = stored_values(person)
        moved = [f.label for f in PERSON_FIELDS if f.name in expected and expected[f.name] != current[f.name]]
        if moved:
            raise StaleEdit(f"Een collega heeft intussen {', '.join(moved)} van {person.name} gewijzigd. Uw "
                            "correctie is niet opgeslagen; uw invoer staat nog klaar. Bekijk de nieuwe gegevens "
                            "en sla daarna opnieuw op.")
        changed = [f for f in PERSON_FIELDS if f.name in cleaned and cleaned[f.name] != current[f.name]]
        if not changed:
            raise ValidationError("Er is niets gewijzigd.")
        whole = check_whole({**current, **cleaned})
        if whole:
            raise whole[0]
        labels = record_correction(session, context, person, {f.name: cleaned[f.name] for f in changed})
        return Corrected(labels, _profile(context, session, person_id))


__all__ = ["CONTACT_TYPES", "CORRECTED", "Corrected", "PERSON_KEY", "Profile", "ProfileCase", "ProfileLine",
           "correct_person", "correction_line", "earlier_values", "get_profile", "klager_of", "not_correctable",
           "record_correction"]
