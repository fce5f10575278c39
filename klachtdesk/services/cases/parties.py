"""A person's part in one case: their role (aangeklaagde or betrokkene) and the note
beside their name ("teamleider planning"), corrected after registration.

Their details (name, phone, e-mail, ...) are the person's, shared by all their cases:
those are corrected in the profile (``people.profile.correct_person``). The role and note
belong to this case: correcting them is editing the case (``Permission.HANDLE``, a
behandelaar on their own cases), on the version the user saw, with a history line.
The klager's role is not changed here (a case's klager is who registered it).

A person named later (the klager names the aangeklaagde on the phone a week after
registering) is added with ``add_party``: the same checks of a person as the
registration's (``complaints.validate_registration``), a known person taken over as the
registration's known caller is (``known_caller.person_for``), one history line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import select

from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.models import ComplaintKind, EventType, Party, PartyRole, Person
from klachtdesk.services import limits
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput, bump, case_to_edit, \
    validate_registration
from klachtdesk.services.cases.intake_fields import KIND_FIELDS
from klachtdesk.services.people.known_caller import person_for
from klachtdesk.services.people.search_text import reindex
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission

#: the roles a person other than the klager can have in a case
OTHER_ROLES = (PartyRole.RESPONDENT, PartyRole.INVOLVED)


@dataclass(frozen=True)
class PartyChange:
    version: int
    changed: tuple[str, ...]  # "rol", "notitie"


def party_line(role: PartyRole, changed: tuple[str, ...]) -> str:
    """The history line (no personal data: the note itself is in the line's text)."""
    return f"Rol of notitie van {'de aangeklaagde' if role is PartyRole.RESPONDENT else 'een betrokkene'} " \
           f"gewijzigd: {', '.join(changed)}"


@limits.checked(complaint_id="id", person_id="id", note="note")
def update_party(context: Context, complaint_id: int, expected_version: int, person_id: int, role: PartyRole | str,
                 note: str) -> PartyChange:
    """Change the role and note of a person (not the klager) in a case. Returns the new version."""
    context.require(Permission.HANDLE)
    context.require(Permission.READ_PERSONAL_DATA)
    try:
        role = PartyRole(role)
    except ValueError:
        raise ValidationError(f"'{limits.fit_text(str(role), 'name')}' is geen rol in een zaak.", field="role") from None
    if role not in OTHER_ROLES:
        raise ValidationError("Een betrokkene kan niet ook klager zijn.", field="role")
    with context.db.write() as session:
        complaint = case_to_edit(session, context, complaint_id, expected_version)
        party = session.exec(select(Party).where(Party.complaint_id == complaint_id, Party.person_id == person_id,
                                                 Party.role != PartyRole.COMPLAINANT)).first()
        if party is None:
            raise NotFound("Deze persoon is geen aangeklaagde of betrokkene van deze zaak.")
        old_role, old_note = PartyRole(party.role), party.note or ""
        changed = tuple(word for word, differs in (("rol", old_role is not role), ("notitie", old_note != note))
                        if differs)
        if not changed:
            raise ValidationError("Er is niets gewijzigd.")
        if old_role is not role and session.exec(select(Party.id).where(
                Party.complaint_id == complaint_id, Party.person_id == person_id, Party.role == role)).first():
            raise ValidationError(f"Deze persoon is in deze zaak al {role.value}.", field="role")
        person = session.get(Person, person_id)
        party.role, party.note = role, note or None
        session.add(party)
        version = bump(session, context, complaint, expected_version)
        events.record(session, context, complaint_id, EventType.FIELD_CHANGED, party_line(role, changed),
                      body=f"{person.name if person else ''}: {old_role.value}"
                           f"{f' ({old_note})' if old_note else ''} → {role.value}{f' ({note})' if note else ''}",
                      data={"persoon": person_id, "rol": {"oud": old_role.value, "nieuw": role.value},
                            "notitie": {"oud": old_note, "nieuw": note}})
        return PartyChange(version, changed)


#: a person's fields of the registration's row of betrokkenen -> the dialog's field
_ROW = "involved.1."


@dataclass(frozen=True)
class PartyAdded:
    version: int
    person_id: int
    name: str
    role: PartyRole


def added_line(role: PartyRole) -> str:
    """The history line of an added person (their name goes in the body, never here)."""
    return f"Betrokkene toegevoegd: {role.value}"


def check_person(context: Context, person: PersonInput, role: PartyRole | str) -> PersonInput:
    """The person to add, cleaned as the registration cleans a betrokkene (its checks,
    once: ``validate_registration`` on a row of its own); the first error raised, at the
    dialog's field (``name``, ``phone``, ``email``, ``note``, ``role``)."""
    try:
        role = PartyRole(role)
    except ValueError:
        raise ValidationError(f"'{limits.fit_text(str(role), 'name')}' is geen rol in een zaak.", field="role") from None
    if role not in OTHER_ROLES:
        raise ValidationError("Kies aangeklaagde of betrokkene: de klager van een zaak staat al vast.", field="role")
    # the klager's fields are not asked here: a known person (id 0) needs none of them
    cleaned, errors = validate_registration(context, RegistrationInput(
        kind=ComplaintKind.COMPLAINT, complainant=PersonInput(person_id=0), involved=[replace(person, role=role)]))
    for error in errors:
        if (error.field or "").startswith(_ROW):
            field = (error.field or "").removeprefix(_ROW)
            message = "De naam is verplicht." if field == "name" and not person.name.strip() else str(error)
            raise ValidationError(message, field=field)
    return cleaned.involved[0]


@limits.checked(complaint_id="id", note="note")
def add_party(context: Context, complaint_id: int, expected_version: int, person: PersonInput,
              role: PartyRole | str, note: str = "") -> PartyAdded:
    """Add an aangeklaagde or betrokkene to a case (a klacht: the kinds that ask for them,
    ``intake_fields.KIND_FIELDS``): a new person made of ``person``, or the known one of
    ``person.person_id`` (its differing details as at a registration). Returns the new version."""
    context.require(Permission.HANDLE)
    context.require(Permission.READ_PERSONAL_DATA)
    cleaned = check_person(context, replace(person, note=note), role)
    with context.db.write() as session:
        complaint = case_to_edit(session, context, complaint_id, expected_version)
        if "involved" not in KIND_FIELDS[ComplaintKind(complaint.kind)]:
            raise ValidationError(f"Een {ComplaintKind(complaint.kind).value} heeft geen aangeklaagde of betrokkenen; "
                                  "alleen een klacht heeft die.")
        if complaint.anonymised_at is not None:
            raise ValidationError("De zaak is geanonimiseerd: er komt geen persoon meer bij.")
        if cleaned.person_id is not None:
            held = session.exec(select(Party.role).where(Party.complaint_id == complaint_id,
                                                         Party.person_id == cleaned.person_id)).first()
            if held is not None:
                raise ValidationError(f"Deze persoon is in deze zaak al {PartyRole(held).value}.", field="name")
        found = person_for(session, context, cleaned)
        assert found.id is not None
        session.add(Party(complaint_id=complaint_id, person_id=found.id, role=cleaned.role,
                          note=cleaned.note or None))
        session.flush()
        version = bump(session, context, complaint, expected_version)
        events.record(session, context, complaint_id, EventType.FIELD_CHANGED, added_line(cleaned.role),
                      body=f"{found.name}{f' ({cleaned.note})' if cleaned.note else ''}",
                      data={"persoon": found.id, "rol": cleaned.role.value, "notitie": cleaned.note})
        reindex(session, complaint_id)
        return PartyAdded(version, found.id, found.name, cleaned.role)


__all__ = ["OTHER_ROLES", "PartyAdded", "PartyChange", "add_party", "added_line", "check_person", "party_line",
           "update_party"]
