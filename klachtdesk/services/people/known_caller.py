"""The klager (or betrokkene) of a new registration: a new person, or a known one taken over.

A registration names its people by the details typed (``cases.complaints.PersonInput``);
with a ``person_id`` it takes over a person already in the database (the registration
form's known caller, the mail intake's sender with a known address). What happens to the
details given then is decided here, once:

- a detail left empty is not given: the stored one stays;
- a detail the person had no value for is filled in, a stored value that differs is
  changed — both through the one writer of a person's details, the profile's
  (``profile.record_correction``): one history line on every earlier case of the person
  (the new case starts with the new details) naming which details changed ("Gegevens van de klager bijgewerkt bij een nieuwe melding:
  telefoon"), the old and new values in its body and data, never in its summary;
- only a user with ``Permission.UPDATE_KNOWN_CALLER`` changes a known person this way:
  klantenservice hears "ik heb een nieuw nummer" on the phone, and so may every staff
  role that registers. The web form's own account does not hold it (it never takes over a
  known person; on PostgreSQL its login cannot update ``person`` at all); anyone without
  it who gives other details for a known person is refused (``PermissionDenied``);
- an anonymised person or a staff member is never changed here (``profile.not_correctable``):
  the registration is refused at the field, and the agent unlinks the person or keeps the
  stored details;
- the mail intake never changes a known person: it links the case to them and gives no
  details (``given_details`` tells it what the mail said otherwise, which it puts in the
  case's history for the reviewer; ``mail.intake``); the person who checks that case later
  changes a known person only as a registration would (``reviewed_person``).

The person row is locked while it is compared and changed (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite's write transaction is one at a time), so two registrations for one
caller never lose one another's change: the second sees the first's values as the old
ones. A registration that gives no detail (the mail intake's) changes nothing, so it
takes the row as its session has it, without a lock. The form sends what it showed when the caller was taken over (``PersonInput.seen``):
a detail the registration would change that a colleague changed since is refused at its
field, as the profile's compare-and-set refuses it (``moved_since``), so no one's
correction is overwritten unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from sqlmodel import Session, select

from klachtdesk.errors import ValidationError
from klachtdesk.models import Party, Person
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.people import profile
from klachtdesk.services.people.person_fields import FIELDS_BY_NAME, stored_values

#: the details a registration gives of a person, in the order of ``PERSON_FIELDS``
#: (the organisation is the profile's alone)
DETAILS = ("name", "phone", "email", "street", "postcode", "city", "country")
#: the postal address: given as a whole (``people.postal``), so compared as a whole
ADDRESS = ("street", "postcode", "city", "country")

#: how the history line words a change made at a registration (``profile.correction_line``)
UPDATED = "bijgewerkt bij een nieuwe melding"
FILLED_IN = "aangevuld bij een nieuwe melding"


class GivenDetails(Protocol):
    """What a registration gives of one person (``cases.complaints.PersonInput``), validated."""

    person_id: int | None
    name: str
    phone: str
    email: str
    street: str
    postcode: str
    city: str
    country: str
    #: the stored details as the form showed them at the take-over (None: not known)
    seen: tuple[tuple[str, str | None], ...] | None


@dataclass(frozen=True)
class Change:
    """One detail given that differs from what is stored."""

    field: str
    label: str
    old: str | None
    new: str | None

    @property
    def fills_in(self) -> bool:
        """The person had no value for it (a fill-in, not a correction)."""
        return not self.old

    def text(self) -> str:
        """``telefoon: 06 12345678 → 06 11122233`` (personal data: for a body, never a summary)."""
        row = FIELDS_BY_NAME[self.field]
        return f"{self.label}: {row.display(self.old) or '—'} → {row.display(self.new) or '—'}"


def given_values(data: GivenDetails) -> dict[str, str | None]:
    """The details given, in their stored form: a field left empty is not given; the postal
    address is given as a whole when its street is (a validated address is all parts or none,
    the Netherlands stored as no land)."""
    given: dict[str, str | None] = {name: getattr(data, name) for name in ("name", "phone", "email")
                                    if getattr(data, name)}
    if data.street:
        given |= {part: getattr(data, part) or None for part in ADDRESS}
    return given


def changes(stored: Mapping[str, str | None], data: GivenDetails) -> list[Change]:
    """What the details given would change of the stored ones (``stored``: field -> stored
    value, ``person_fields.stored_values`` or a known caller's details), in table order."""
    given = given_values(data)
    return [Change(name, FIELDS_BY_NAME[name].label, stored.get(name) or None, given[name])
            for name in DETAILS if name in given and given[name] != (stored.get(name) or None)]


def person_for(session: Session, context: Context, data: GivenDetails) -> Person:
    """The person of a registration, in its transaction: a new one made of ``data``, or the
    known one of ``data.person_id`` with the details given that differ recorded as a change
    (see the module: who may, and the history it writes)."""
    if data.person_id is None:
        person = Person(name=data.name, phone=data.phone or None, email=data.email or None, created_at=context.now())
        set_address(person, data)
        session.add(person)
        session.flush()
        return person
    if not given_values(data):  # nothing given (the mail intake's sender): nothing to compare, nothing to lock
        known = session.get(Person, data.person_id)
        if known is None:
            raise ValidationError("De gekozen bekende persoon bestaat niet meer.", field="name")
        return known
    may_update = context.user.may(Permission.UPDATE_KNOWN_CALLER)
    query = select(Person).where(Person.id == data.person_id)
    found = session.exec(query.with_for_update() if may_update else query).first()
    if found is None:
        raise ValidationError("De gekozen bekende persoon bestaat niet meer.", field="name")
    stored = stored_values(found)
    differing = changes(stored, data)
    if not differing:
        return found
    moved = moved_since(stored, data, differing)
    if moved:
        raise ValidationError(
            f"{', '.join(change.label for change in moved).capitalize()} van {found.name} is gewijzigd sinds u de "
            "beller overnam (door een collega). Ontkoppel (ctrl+o) en neem de beller opnieuw over om het nieuwe te "
            "zien; wat u typte blijft staan.", field=moved[0].field)
    why = profile.not_correctable(session, found)
    if why is not None:
        raise ValidationError(f"{why} Ontkoppel de bekende persoon (ctrl+o) of laat de gegevens zoals ze waren.",
                              field=differing[0].field)
    context.require(Permission.UPDATE_KNOWN_CALLER)
    how = FILLED_IN if all(change.fills_in for change in differing) else UPDATED
    profile.record_correction(session, context, found, {change.field: change.new for change in differing}, how=how,
                              extra={"bij": "registratie"})
    return found


def moved_since(stored: Mapping[str, str | None], data: GivenDetails, differing: list[Change]) -> list[Change]:
    """Of the changes a registration would make, those to a detail that is no longer what
    the form showed when the caller was taken over (``data.seen``; none when it is not known)."""
    if data.seen is None:
        return []
    shown = dict(data.seen)
    return [change for change in differing if (shown.get(change.field) or None) != (stored.get(change.field) or None)]


def reviewed_person(session: Session, context: Context, person_id: int, data: GivenDetails,
                    complaint_id: int) -> Person:
    """The klager of a case from a mail, as the person checking it gave them (``data``, with
    no ``person_id``). A person the mail made (in no other case) takes the details as given:
    the reviewer corrects what was derived, and may empty a field. A known person the mail
    was linked to by its address (``mail.intake``) is changed only as at a registration
    (``person_for``): a field left empty keeps what is stored, a differing one is a change
    with its history line."""
    others = session.exec(select(Party.complaint_id).where(Party.person_id == person_id,
                                                           Party.complaint_id != complaint_id).limit(1)).first()
    if others is not None:
        return person_for(session, context, replace(data, person_id=person_id))  # type: ignore[type-var]
    person = session.get(Person, person_id)
    assert person is not None
    person.name, person.phone, person.email = data.name, data.phone or None, data.email or None
    set_address(person, data)
    session.add(person)
    return person


def set_address(person: Person, data: GivenDetails) -> None:
    """The (validated) address of ``data`` onto a new person (empty: none)."""
    person.street, person.postcode = data.street or None, data.postcode or None
    person.city, person.country = data.city or None, data.country or None


def given_details(known: Person, data: GivenDetails) -> list[Change]:
    """What ``data`` says of a known person (its stored row) that differs from what is stored,
    without changing anything (the mail intake: a mail's sender may be forged; the reviewer decides)."""
    return changes(stored_values(known), data)


__all__ = ["ADDRESS", "DETAILS", "FILLED_IN", "UPDATED", "Change", "GivenDetails", "changes", "given_details",
           "given_values", "moved_since", "person_for", "reviewed_person", "set_address"]
