"""Attacks through psql, tried with a plain psycopg connection: another login without its
password, a klantenservice login after the confidential notes, a role of its own, the
history. And what the database writes itself: a role change is a history line."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.models import StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core import database_roles
from klachtdesk.services.procedure import workflow
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, login_name, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

KS = StaffRole.CUSTOMER_SERVICE
SECRET = "Geheim: de klager is de zus van de arts."


@pytest.fixture(scope="module")
def case(role_database: RoleDatabase) -> Iterator[int]:
    database = role_database.owner()
    context = seed_staff(database, FixedClock(FIXED_NOW))
    registered = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"), service_type="Teleconsultatie",
        description="Drie weken gewacht."))
    workflow.add_note(context, registered.id, SECRET, confidential=True)
    workflow.add_note(context, registered.id, "Gewone notitie")
    yield registered.id
    database.dispose()


def test_another_login_without_its_password_is_refused(role_database: RoleDatabase) -> None:
    officer = login_name(StaffRole.OFFICER)
    for secret in ("", "raden", "wachtwoord"):
        with pytest.raises(psycopg.OperationalError, match="password"):
            role_database.connect(officer, secret).close()
    # the klantenservice login's own password does not open the klachtenfunctionaris's door
    with pytest.raises(psycopg.OperationalError, match="password"):
        role_database.connect(officer, f"wachtwoord-{login_name(KS)}-2026").close()
    role_database.connect(officer).close()  # and the right one does


def test_klantenservice_cannot_see_a_confidential_note(role_database: RoleDatabase, case: int) -> None:
    with role_database.connect(login_name(KS)) as connection:
        lines = connection.execute("SELECT summary, body, confidential FROM event WHERE complaint_id = %s",
                                   (case,)).fetchall()
        assert lines and all(not confidential for _s, _b, confidential in lines)
        assert SECRET not in {body for _s, body, _c in lines}
        assert connection.execute("SELECT count(*) FROM event WHERE body LIKE 'Geheim%%'").fetchone() == (0,)
    with role_database.connect(login_name(StaffRole.OFFICER)) as connection:
        assert connection.execute("SELECT body FROM event WHERE confidential").fetchall() == [(SECRET,)]


def test_klantenservice_cannot_write_a_confidential_note(role_database: RoleDatabase, case: int) -> None:
    with role_database.connect(login_name(KS)) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute("INSERT INTO event (complaint_id, at, type, summary, body, confidential) "
                               "VALUES (%s, now(), 'notitie', 'x', 'y', true)", (case,))


def test_klantenservice_cannot_give_itself_a_role(role_database: RoleDatabase, case: int) -> None:
    with role_database.connect(login_name(KS)) as connection:
        for statement in (
            "INSERT INTO staff_role (staff_id, role) SELECT id, 'beheerder' FROM staff WHERE username = session_user",
            "UPDATE staff_role SET role = 'klachtenfunctionaris' WHERE staff_id = 1",
            "DELETE FROM staff_role",
            "UPDATE staff SET active = false",
            f"GRANT {database_roles.group_role(StaffRole.OFFICER)} TO CURRENT_USER",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
            connection.rollback()


@pytest.mark.parametrize("role", list(StaffRole), ids=[r.value for r in StaffRole])
def test_no_login_changes_or_deletes_a_history_line(role_database: RoleDatabase, case: int, role: StaffRole) -> None:
    with role_database.connect(login_name(role)) as connection:
        for statement in ("DELETE FROM event", "UPDATE event SET summary = 'weg'", "TRUNCATE event",
                          "ALTER TABLE event DISABLE ROW LEVEL SECURITY"):
            with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedTable)):
                connection.execute(statement)
            connection.rollback()


def test_a_role_change_is_written_into_the_history_by_the_database(role_database: RoleDatabase, case: int) -> None:
    with role_database.connect(login_name(StaffRole.ADMIN)) as connection:
        connection.execute("INSERT INTO staff_role (staff_id, role) SELECT id, 'directie' FROM staff "
                           "WHERE username = %s", (login_name(KS),))
        connection.execute("DELETE FROM staff_role WHERE role = 'directie' AND staff_id = "
                           "(SELECT id FROM staff WHERE username = %s)", (login_name(KS),))
        lines = connection.execute(
            "SELECT e.summary, s.username FROM event e LEFT JOIN staff s ON s.id = e.actor_id "
            "WHERE e.summary LIKE 'Rol directie%%' AND e.summary LIKE %s ORDER BY e.id",
            (f"%{login_name(KS)}%",)).fetchall()
        connection.rollback()
    assert lines == [
        (f"Rol directie toegekend aan {login_name(KS)} (database)", login_name(StaffRole.ADMIN)),
        (f"Rol directie ingetrokken bij {login_name(KS)} (database)", login_name(StaffRole.ADMIN)),
    ]


def test_the_grants_can_be_applied_again(role_database: RoleDatabase) -> None:
    database = role_database.owner()
    try:
        with database.engine.begin() as connection:
            database_roles.apply(connection)
            database_roles.apply(connection)
    finally:
        database.dispose()
