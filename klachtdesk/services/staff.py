"""Staff members, their roles, and who is at the keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from klachtdesk.errors import NotFound, PermissionDenied, ValidationError
from klachtdesk.models import Person, Staff, StaffRole, StaffRoleLink
from klachtdesk.services.context import Context, CurrentUser
from klachtdesk.services.permissions import Permission


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    name: str
    email: str | None
    roles: frozenset[StaffRole]
    active: bool
    person_id: int | None


def _roles(session: Session, staff_id: int) -> frozenset[StaffRole]:
    rows = session.exec(select(StaffRoleLink.role).where(StaffRoleLink.staff_id == staff_id)).all()
    return frozenset(StaffRole(r) for r in rows)


def _member(session: Session, row: Staff) -> StaffMember:
    assert row.id is not None
    return StaffMember(row.id, row.username, row.name, row.email, _roles(session, row.id), row.active, row.person_id)


def create_staff(
    session: Session, context: Context, username: str, name: str, roles: set[StaffRole] | frozenset[StaffRole],
    email: str | None = None,
) -> Staff:
    """Insert a staff member (with a person record, so they can be planned into sessions)."""
    username = username.strip()
    if not username:
        raise ValidationError("Een gebruikersnaam is verplicht.", field="gebruiker")
    if not name.strip():
        raise ValidationError("Een naam is verplicht.", field="naam")
    if session.exec(select(Staff).where(Staff.username == username)).first():
        raise ValidationError(f"Gebruiker '{username}' bestaat al.", field="gebruiker")
    now = context.now()
    person = Person(name=name.strip(), email=email, created_at=now)
    session.add(person)
    session.flush()
    row = Staff(username=username, name=name.strip(), email=email, person_id=person.id, created_at=now)
    session.add(row)
    session.flush()
    for role in roles:
        session.add(StaffRoleLink(staff_id=row.id, role=role))
    session.flush()
    return row


def sign_in(context: Context, username: str) -> CurrentUser:
    """The staff member with this login. On a database without staff, the first user
    becomes beheerder. An unknown user on a database with staff is refused."""
    with context.db.write() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).first()
        if row is None:
            count = session.exec(select(func.count()).select_from(Staff)).one()
            if count:
                raise PermissionDenied(
                    f"Gebruiker '{username}' is geen medewerker in deze database. Vraag de beheerder u toe te "
                    "voegen (klachtdesk medewerker toevoegen), of kies een ander met --gebruiker."
                )
            row = create_staff(session, context, username, username, {StaffRole.ADMIN})
        if not row.active:
            raise PermissionDenied(f"Gebruiker '{username}' is niet meer actief.")
        assert row.id is not None
        return CurrentUser(row.id, row.username, row.name, _roles(session, row.id), row.person_id)


def list_staff(context: Context, role: StaffRole | None = None, active_only: bool = True) -> list[StaffMember]:
    with context.db.read() as session:
        query = select(Staff).order_by(Staff.name)
        if active_only:
            query = query.where(Staff.active == True)  # noqa: E712
        if role is not None:
            query = query.join(StaffRoleLink, StaffRoleLink.staff_id == Staff.id).where(StaffRoleLink.role == role)
        return [_member(session, row) for row in session.exec(query).all()]


def get_staff(context: Context, staff_id: int) -> StaffMember:
    with context.db.read() as session:
        row = session.get(Staff, staff_id)
        if row is None:
            raise NotFound(f"Medewerker {staff_id} bestaat niet.")
        return _member(session, row)


def find_staff(context: Context, username: str) -> StaffMember:
    with context.db.read() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).first()
        if row is None:
            raise NotFound(f"Medewerker '{username}' bestaat niet.")
        return _member(session, row)


def add_staff(
    context: Context, username: str, name: str, roles: set[StaffRole], email: str | None = None
) -> StaffMember:
    context.require(Permission.MANAGE_STAFF)
    with context.db.write() as session:
        row = create_staff(session, context, username, name, roles, email)
        return _member(session, row)


def set_roles(context: Context, username: str, roles: set[StaffRole], active: bool | None = None) -> StaffMember:
    context.require(Permission.MANAGE_STAFF)
    with context.db.write() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).first()
        if row is None:
            raise NotFound(f"Medewerker '{username}' bestaat niet.")
        assert row.id is not None
        for link in session.exec(select(StaffRoleLink).where(StaffRoleLink.staff_id == row.id)).all():
            session.delete(link)
        session.flush()
        for role in roles:
            session.add(StaffRoleLink(staff_id=row.id, role=role))
        if active is not None:
            row.active = active
        row.version += 1
        session.flush()
        return _member(session, row)
