"""Staff members, their roles, and who is at the keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from klachtdesk.errors import NotFound, PermissionDenied, ValidationError
from klachtdesk.models import EventType, Person, Staff, StaffRole, StaffRoleLink
from klachtdesk.services.core import events
from klachtdesk.services.people.contact_details import normalise_email
from klachtdesk.services.core.context import Context, CurrentUser
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.limits import checked, clean_text

#: the web form's own account (``klachtdesk formulier``): the one holder of the role webformulier
WEB_FORM_ACCOUNT = "webformulier"


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


def _member(session: Session, row: Staff, roles: frozenset[StaffRole] | None = None) -> StaffMember:
    """``row`` as a member; its roles are read unless given (``list_staff`` reads all at once)."""
    assert row.id is not None
    return StaffMember(row.id, row.username, row.name, row.email,
                       _roles(session, row.id) if roles is None else roles, row.active, row.person_id)


def create_staff(
    session: Session, context: Context, username: str, name: str, roles: set[StaffRole] | frozenset[StaffRole],
    email: str | None = None,
) -> Staff:
    """Insert a staff member (with a person record, so they can be planned into sessions)."""
    username = clean_text(username, "username", form_field="gebruiker")
    name = clean_text(name, "name", form_field="naam")
    if not username:
        raise ValidationError("Een gebruikersnaam is verplicht.", field="gebruiker")
    if not name:
        raise ValidationError("Een naam is verplicht.", field="naam")
    if session.exec(select(Staff).where(Staff.username == username)).first():
        raise ValidationError(f"Gebruiker '{username}' bestaat al.", field="gebruiker")
    email = normalise_email(clean_text(email, "email"), "email")
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


@checked(username="username")
def sign_in(context: Context, username: str) -> CurrentUser:
    """The staff member with this login. On a database without staff, the first user
    becomes beheerder. An unknown user on a database with staff is refused."""
    with context.db.write() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).first()
        if row is None:
            count = session.exec(select(func.count()).select_from(Staff)).one()
            if count or username == WEB_FORM_ACCOUNT:
                raise PermissionDenied(
                    f"Gebruiker '{username}' is geen medewerker in deze database. Vraag de beheerder u toe te "
                    f"voegen (klachtdesk medewerker toevoegen {username} --naam ... --rol ...)."
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
        rows = session.exec(query).all()
        ids = [row.id for row in rows]
        roles: dict[int, set[StaffRole]] = {i: set() for i in ids if i is not None}
        if ids:  # every member's roles in one query, not one per member
            links = select(StaffRoleLink.staff_id, StaffRoleLink.role).where(
                StaffRoleLink.staff_id.in_(ids))  # type: ignore[attr-defined]
            for staff_id, link_role in session.exec(links).all():
                roles[staff_id].add(StaffRole(link_role))
        return [_member(session, row, frozenset(roles[row.id])) for row in rows if row.id is not None]


@checked(staff_id="id")
def get_staff(context: Context, staff_id: int) -> StaffMember:
    with context.db.read() as session:
        row = session.get(Staff, staff_id)
        if row is None:
            raise NotFound(f"Medewerker {staff_id} bestaat niet.")
        return _member(session, row)


@checked(username="username")
def find_staff(context: Context, username: str) -> StaffMember:
    with context.db.read() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).first()
        if row is None:
            raise NotFound(f"Medewerker '{username}' bestaat niet.")
        return _member(session, row)


def check_roles(username: str, roles: set[StaffRole] | frozenset[StaffRole]) -> None:
    """The role webformulier belongs to the web form's account alone, and that account to
    it alone: a person never gets it, and the form never gets a person's rights."""
    if StaffRole.WEB_FORM in roles and username != WEB_FORM_ACCOUNT:
        raise ValidationError(f"De rol webformulier is alleen voor het account '{WEB_FORM_ACCOUNT}' van het "
                              "webformulier, niet voor een medewerker.", field="rol")
    if username == WEB_FORM_ACCOUNT and set(roles) not in ({StaffRole.WEB_FORM}, set()):
        raise ValidationError(f"Het account '{WEB_FORM_ACCOUNT}' heeft alleen de rol webformulier.", field="rol")


@checked(username="username", name="name", email="email")
def add_staff(
    context: Context, username: str, name: str, roles: set[StaffRole], email: str | None = None
) -> StaffMember:
    context.require(Permission.MANAGE_STAFF)
    if not roles:
        raise ValidationError("Geef de medewerker minstens één rol.", field="rol")
    check_roles(username.strip(), roles)
    with context.db.write() as session:
        row = create_staff(session, context, username, name, roles, email)
        events.record(session, context, None, EventType.FIELD_CHANGED, f"Medewerker {row.username} toegevoegd",
                      data={"medewerker": row.username, "rollen": sorted(r.value for r in roles)})
        return _member(session, row)


def _active_admins(session: Session) -> set[int]:
    rows = session.exec(
        select(Staff.id).join(StaffRoleLink, StaffRoleLink.staff_id == Staff.id)
        .where(StaffRoleLink.role == StaffRole.ADMIN, Staff.active == True)  # noqa: E712
    ).all()
    return {int(r) for r in rows}


@checked(username="username")
def set_roles(context: Context, username: str, roles: set[StaffRole], active: bool | None = None) -> StaffMember:
    """Replace a staff member's roles (and optionally (de)activate them). The last active
    beheerder cannot lose that role, or nobody could manage staff any more."""
    context.require(Permission.MANAGE_STAFF)
    with context.db.write() as session:
        row = session.exec(select(Staff).where(Staff.username == username)).first()
        if row is None:
            raise NotFound(f"Medewerker '{username}' bestaat niet.")
        assert row.id is not None
        check_roles(row.username, roles)
        old_roles = _roles(session, row.id)
        stays_active = row.active if active is None else active
        if active is False and row.id == context.user.id:
            raise ValidationError("U kunt uzelf niet uitschakelen; vraag een andere beheerder.", field="gebruiker")
        if row.id in _active_admins(session) and not (StaffRole.ADMIN in roles and stays_active):
            if _active_admins(session) == {row.id}:
                raise ValidationError(
                    f"{row.name} is de laatste actieve beheerder; maak eerst een ander beheerder.", field="rol"
                )
        if stays_active and not roles:
            raise ValidationError("Geef de medewerker minstens één rol.", field="rol")
        # only what changes (on PostgreSQL each added or removed role is a history line of the database's own)
        for link in session.exec(select(StaffRoleLink).where(StaffRoleLink.staff_id == row.id)).all():
            if StaffRole(link.role) not in roles:
                session.delete(link)
        session.flush()
        for role in set(roles) - set(old_roles):
            session.add(StaffRoleLink(staff_id=row.id, role=role))
        if active is not None:
            row.active = active
        row.version += 1
        session.flush()
        changes: list[str] = []
        if set(roles) != set(old_roles):
            changes.append("rollen: " + (", ".join(sorted(r.value for r in roles)) or "geen"))
        if active is not None:
            changes.append("actief" if active else "uitgeschakeld")
        if changes:
            events.record(session, context, None, EventType.FIELD_CHANGED,
                          f"Medewerker {row.username}: {'; '.join(changes)}",
                          data={"medewerker": row.username, "rollen": sorted(r.value for r in roles),
                                "oude_rollen": sorted(r.value for r in old_roles), "actief": row.active})
        return _member(session, row)


@checked(username="username")
def deactivate(context: Context, username: str) -> StaffMember:
    """Switch a staff member off: they can no longer sign in; their history stays."""
    return set_roles(context, username, set(find_staff(context, username).roles), active=False)


@checked(username="username")
def reactivate(context: Context, username: str) -> StaffMember:
    return set_roles(context, username, set(find_staff(context, username).roles), active=True)
