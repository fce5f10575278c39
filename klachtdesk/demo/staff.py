"""The demo desk's staff: created through ``identity.staff`` when missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from klachtdesk.models import Person, Staff, StaffRole
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.identity import staff as staff_service


#: (username, name, roles): the demo desk
DEMO_STAFF: tuple[tuple[str, str, StaffRole], ...] = (
    ("s.bakker", "Sanne Bakker", StaffRole.CUSTOMER_SERVICE),
    ("m.elidrissi", "Mohamed El Idrissi", StaffRole.CUSTOMER_SERVICE),
    ("l.vandam", "Lotte van Dam", StaffRole.CUSTOMER_SERVICE),
    ("r.kok", "Ruben Kok", StaffRole.CUSTOMER_SERVICE),
    ("j.dekker", "Jeroen Dekker", StaffRole.HANDLER),
    ("e.visser", "Esther Visser", StaffRole.HANDLER),
    ("t.vanleeuwen", "Thijs van Leeuwen", StaffRole.HANDLER),
    ("n.smit", "Noor Smit", StaffRole.HANDLER),
    ("b.mulder", "Bas Mulder", StaffRole.HANDLER),
    ("i.dewit", "Iris de Wit", StaffRole.HANDLER),
    ("k.hendriks", "Koen Hendriks", StaffRole.HANDLER),
    ("f.yilmaz", "Fatma Yılmaz", StaffRole.HANDLER),
    ("m.vandenberg", "Marieke van den Berg", StaffRole.MANAGER),
    ("h.brouwer", "Hanneke Brouwer", StaffRole.OFFICER),
    ("w.schouten", "Willem Schouten", StaffRole.OFFICER),
    ("a.vermeulen", "Anton Vermeulen", StaffRole.MANAGEMENT),
)


# =======================================================================================
# staff
# =======================================================================================


@dataclass
class DemoStaff:
    customer_service: list[int]
    handlers: list[int]
    manager: int
    officers: list[int]
    officer_persons: list[int]
    management: list[int]
    names: dict[int, str]
    created: int


def ensure_staff(session: Session, context: Context) -> DemoStaff:
    """The demo desk's staff: created when missing; an existing username is left as it is."""
    rows = {row.username: row for row in session.exec(select(Staff)).all()}
    missing = [entry for entry in DEMO_STAFF if entry[0] not in rows]
    if missing:
        context.require(Permission.MANAGE_STAFF)
    since = context.now() - timedelta(days=731)  # they worked on the two years of cases
    for username, name, role in missing:
        row = staff_service.create_staff(session, context, username, name, {role},
                                         email=f"{username}@klachtdesk.example")
        row.created_at = since
        person = session.get(Person, row.person_id)
        if person is not None:
            person.created_at = since
        rows[username] = row
    session.flush()
    by_role: dict[StaffRole, list[Staff]] = {}
    for username, _name, role in DEMO_STAFF:
        by_role.setdefault(role, []).append(rows[username])

    def ids(role: StaffRole) -> list[int]:
        return [int(row.id or 0) for row in by_role[role]]

    return DemoStaff(
        customer_service=ids(StaffRole.CUSTOMER_SERVICE),
        handlers=ids(StaffRole.HANDLER),
        manager=ids(StaffRole.MANAGER)[0],
        officers=ids(StaffRole.OFFICER),
        officer_persons=[int(row.person_id or 0) for row in by_role[StaffRole.OFFICER]],
        management=ids(StaffRole.MANAGEMENT),
        names={int(row.id or 0): row.name for row in rows.values()},
        created=len(missing),
    )
