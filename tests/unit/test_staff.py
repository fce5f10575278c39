"""Staff members, roles and who is at the keyboard (service level, both engines)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from klachtdesk.errors import NotFound, PermissionDenied, ValidationError
from klachtdesk.models import Event, EventType, StaffRole
from klachtdesk.services.identity import staff
from klachtdesk.services.core.context import Context, login_name

KS, BH, KM, BE = StaffRole.CUSTOMER_SERVICE, StaffRole.HANDLER, StaffRole.MANAGER, StaffRole.ADMIN


def test_first_user_of_a_new_database_becomes_beheerder(database, clock) -> None:  # type: ignore[no-untyped-def]
    context = Context(db=database, clock=clock)
    user = staff.sign_in(context, "anna")
    assert user.roles == {BE} and user.username == "anna"
    with pytest.raises(PermissionDenied, match="geen medewerker"):
        staff.sign_in(context, "onbekend")


def test_login_name_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLACHTDESK_GEBRUIKER", "  uit-omgeving ")
    assert login_name("expliciet") == "expliciet"
    assert login_name(None) == "uit-omgeving"
    monkeypatch.delenv("KLACHTDESK_GEBRUIKER")
    assert login_name(None)  # the operating-system login, never empty


def test_add_change_roles_and_switch_off(context) -> None:  # type: ignore[no-untyped-def]
    member = staff.add_staff(context, "karin", "Karin Klant", {KS}, email="Karin@Example.NL")
    assert member.roles == {KS} and member.active and member.email == "Karin@example.nl"
    assert staff.set_roles(context, "karin", {KS, BH}).roles == {KS, BH}
    off = staff.deactivate(context, "karin")
    assert not off.active and off.roles == {KS, BH}
    assert [m.username for m in staff.list_staff(context)] == ["tester"]
    assert {m.username for m in staff.list_staff(context, active_only=False)} == {"tester", "karin"}
    other = Context(db=context.db, clock=context.clock)
    with pytest.raises(PermissionDenied, match="niet meer actief"):
        staff.sign_in(other, "karin")
    staff.reactivate(context, "karin")
    assert staff.sign_in(other, "karin").roles == {KS, BH}


def test_staff_changes_are_in_the_history(context) -> None:  # type: ignore[no-untyped-def]
    staff.add_staff(context, "karin", "Karin Klant", {KS})
    staff.set_roles(context, "karin", {BH})
    staff.deactivate(context, "karin")
    with context.db.read() as session:
        rows = session.exec(select(Event).where(Event.complaint_id.is_(None)).order_by(Event.id)).all()  # type: ignore[union-attr]
    # (on PostgreSQL the database writes its own line for each role added or taken away: tests/security)
    rows = [r for r in rows if not r.summary.endswith("(database)")]
    assert [(r.type, r.summary, r.actor_id) for r in rows] == [
        (EventType.FIELD_CHANGED, "Medewerker karin toegevoegd", context.user.id),
        (EventType.FIELD_CHANGED, "Medewerker karin: rollen: behandelaar", context.user.id),
        (EventType.FIELD_CHANGED, "Medewerker karin: uitgeschakeld", context.user.id),
    ]


def test_bad_input_is_refused_at_its_field(context) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        staff.add_staff(context, "tester", "Dubbel", {KS})
    assert error.value.field == "gebruiker"
    with pytest.raises(ValidationError) as error:
        staff.add_staff(context, "geenrol", "Zonder Rol", set())
    assert error.value.field == "rol"
    with pytest.raises(ValidationError) as error:
        staff.add_staff(context, "piet", "Piet", {KS}, email="geen-adres")
    assert error.value.field == "email"
    with pytest.raises(NotFound):
        staff.set_roles(context, "niemand", {KS})


def test_the_last_beheerder_stays(context, as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("bea", BE)
    staff.set_roles(admin, "tester", {KS})  # tester had every role; bea is now the only beheerder
    with pytest.raises(ValidationError, match="laatste actieve beheerder"):
        staff.set_roles(admin, "bea", {KM})
    with pytest.raises(ValidationError, match="uzelf"):
        staff.deactivate(admin, "bea")
    staff.add_staff(admin, "ben", "Ben Beheer", {BE})
    staff.set_roles(admin, "bea", {KM})  # now allowed: ben is beheerder too
    assert staff.find_staff(context, "bea").roles == {KM}


def test_only_a_beheerder_manages_staff(context, as_user) -> None:  # type: ignore[no-untyped-def]
    manager = as_user("kees", KM)
    for attempt in (lambda: staff.add_staff(manager, "x", "X", {KS}), lambda: staff.set_roles(manager, "kees", {BE}),
                    lambda: staff.deactivate(manager, "tester")):
        with pytest.raises(PermissionDenied):
            attempt()
    assert staff.find_staff(context, "kees").roles == {KM}
