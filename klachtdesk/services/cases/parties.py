"""A person's part in one case: their role (aangeklaagde or betrokkene) and the note
beside their name ("teamleider planning"), corrected after registration.

Their details (name, phone, e-mail, ...) are the person's, shared by all their cases:
those are corrected in the profile (``people.profile.correct_person``). The role and note
belong to this case: correcting them is editing the case (``Permission.HANDLE``, a
behandelaar on their own cases), on the version the user saw, with a history line.
The klager's role is not changed here (a case's klager is who registered it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.models import EventType, Party, PartyRole, Person
from klachtdesk.services import limits
from klachtdesk.services.cases.complaints import bump, case_to_edit
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


__all__ = ["OTHER_ROLES", "PartyChange", "party_line", "update_party"]
