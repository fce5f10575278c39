"""PostgreSQL refuses what a role may not do: every cell of the permission table, tried
through a plain psycopg connection as that role's own login (no klachtdesk in between).

A cell is *allowed* when the statement runs and touches a row; *refused* when the database
says permission denied (or a row-level policy) or the statement sees no row. The expected
answer is the permission table itself (``permissions.TABLE``), except backups: on
PostgreSQL only the owner takes them (``pg_dump``), so no login may read everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.db import use_overview
from klachtdesk.models import PartyRole, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.permissions import TABLE, Permission
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, login_name, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

P = Permission
#: permissions the database gives no login, whoever holds them: the owner's alone
OWNER_ONLY = frozenset({P.BACKUP})


@pytest.fixture(scope="module")
def rows(role_database: RoleDatabase) -> Iterator[dict[str, int]]:
    """One case with a complainant, a deadline and a confidential note; one incoming mail."""
    database = role_database.owner()
    context = seed_staff(database, FixedClock(FIXED_NOW))
    case = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="Drie weken gewacht.", incident_date=date(2026, 11, 2),
        involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)],
    ))
    workflow.add_note(context, case.id, "Geheim: de klager is de zus van de arts.", confidential=True)
    # the behandelaar's own case: the cell, not the scope (that is test_database_scope's)
    handler = staff.sign_in(context, login_name(StaffRole.HANDLER))
    workflow.assign(context, case.id, complaints.get_case(context, case.id, record_view=False).version, handler.id)
    with database.engine.begin() as connection:
        found = connection.exec_driver_sql(
            "SELECT c.complainant_id, (SELECT min(id) FROM deadline WHERE complaint_id = c.id), "
            "(SELECT id FROM staff WHERE username = 'tester') FROM complaint c WHERE c.id = %s", (case.id,)).one()
        mail = connection.exec_driver_sql(
            "INSERT INTO mail_message (message_id, received_at, source, sender, sender_name, recipients, subject, "
            "outcome, created_at) VALUES ('<m1@example.nl>', now(), 'test', 'a@example.nl', 'A', '', 'Klacht', "
            "'automatisch', now()) RETURNING id").scalar_one()
        # a case the web form registered, still new: the one it may acknowledge
        web_case = connection.exec_driver_sql(
            "INSERT INTO complaint (number, year, seq, kind, channel, received_at, effective_receipt_day, status, "
            "created_by_id, created_at, updated_at, review_pending, version) SELECT 'KL-2026-000900', "
            "2026, 900, 'klacht', 'webformulier', now(), current_date, 'nieuw', id, now(), now(), false, 1 "
            "FROM staff WHERE username = %s RETURNING id", (login_name(StaffRole.WEB_FORM),)).scalar_one()
    yield {"case": case.id, "person": found[0], "deadline": found[1], "tester": found[2], "mail": mail,
           "web_case": web_case}
    database.dispose()


def _new_case(cur: Any, ids: dict[str, int]) -> Any:
    return cur.execute(
        "INSERT INTO complaint (number, year, seq, kind, channel, received_at, effective_receipt_day, status, "
        "created_by_id, created_at, updated_at, review_pending, version) VALUES ('KL-2026-999999', "
        "2026, 999999, 'klacht', 'telefoon', now(), current_date, 'nieuw', "
        "(SELECT id FROM staff WHERE username = session_user), now(), now(), false, 1) RETURNING id")


def _event(kind: str, confidential: bool = False) -> Callable[[Any, dict[str, int]], Any]:
    def insert(cur: Any, ids: dict[str, int]) -> Any:
        return cur.execute(
            "INSERT INTO event (complaint_id, at, type, summary, confidential) VALUES (%s, now(), %s, 'proef', %s) "
            "RETURNING id", (ids["case"], kind, confidential))
    return insert


def _message(template: str, case: str = "case") -> Callable[[Any, dict[str, int]], Any]:
    def insert(cur: Any, ids: dict[str, int]) -> Any:
        return cur.execute(
            "INSERT INTO message (complaint_id, template, recipient, subject, body, created_at) "
            "VALUES (%s, %s, 'jan@example.nl', 'Onderwerp', 'Tekst', now()) RETURNING id", (ids[case], template))
    return insert


def _read_status(cur: Any, ids: dict[str, int]) -> Any:
    # as the app reads it: a login without personal-data rights reads the overview views
    use_overview(cur.connection)
    return cur.execute("SELECT number, status FROM complaint WHERE id = %s", (ids["case"],))


#: permission -> the statement that needs it
PROBES: dict[Permission, Callable[[Any, dict[str, int]], Any]] = {
    P.REGISTER: _new_case,
    P.UPDATE_KNOWN_CALLER: lambda cur, ids: cur.execute("UPDATE person SET phone = '+31611122233' WHERE id = %s",
                                                        (ids["person"],)),
    P.READ_STATUS: _read_status,
    P.READ_PERSONAL_DATA: lambda cur, ids: cur.execute("SELECT name, email FROM public.person WHERE id = %s",
                                                       (ids["person"],)),
    P.LOG_CONTACT: _event("contact"),
    P.WRITE_NOTE: _event("notitie"),
    P.CONFIDENTIAL_NOTES: lambda cur, ids: cur.execute("SELECT body FROM event WHERE confidential"),
    P.ASSIGN: lambda cur, ids: cur.execute("UPDATE complaint SET handler_id = %s WHERE id = %s",
                                           (ids["tester"], ids["case"])),
    P.HANDLE: lambda cur, ids: cur.execute("UPDATE complaint SET category = 'Wachttijd' WHERE id = %s",
                                           (ids["case"],)),
    P.SEND_MESSAGE: _message("vrij"),
    P.CLOSE: lambda cur, ids: cur.execute("UPDATE complaint SET closed_at = now() WHERE id = %s", (ids["case"],)),
    P.EXTEND_DEADLINE: lambda cur, ids: cur.execute("UPDATE deadline SET extended_at = now() WHERE id = %s",
                                                    (ids["deadline"],)),
    P.PLAN_SESSION: lambda cur, ids: cur.execute(
        "INSERT INTO mediation_session (complaint_id, type, officer_id, starts_at, ends_at, location, status, "
        "created_at, version) VALUES (%s, 'one_on_one', %s, now(), now(), 'Kamer 1', 'gepland', now(), 1) "
        "RETURNING id", (ids["case"], ids["tester"])),
    P.VIEW_ANALYSIS: lambda cur, ids: cur.execute("SELECT category, count(*) FROM klachtdesk_overzicht.complaint "
                                                  "GROUP BY category"),
    P.MANAGE_MEASURES: lambda cur, ids: cur.execute(
        "INSERT INTO measure (kind, title, due, status, created_at, version) "
        "VALUES ('corrigerend', 'Terugbellen binnen een dag', current_date, 'open', now(), 1) RETURNING id"),
    P.MANAGE_STAFF: lambda cur, ids: cur.execute(
        "INSERT INTO staff_role (staff_id, role) SELECT id, 'klachtenfunctionaris' FROM staff "
        "WHERE username = session_user RETURNING staff_id"),
    P.PRIVACY: lambda cur, ids: cur.execute(
        "SELECT klachtdesk_geschiedenis_anonimiseren(%s, true, '{}', '{}', '{}', '{}')", (ids["case"],)),
    # a complete dump: the confidential notes, the status links and the people, all of it
    P.BACKUP: lambda cur, ids: cur.execute(
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM event WHERE confidential) AND (SELECT count(*) FROM status_link) >= 0 "
        "AND EXISTS (SELECT 1 FROM public.person)"),
    P.MANAGE_SETTINGS: lambda cur, ids: cur.execute(
        "INSERT INTO setting (key, value, updated_at) VALUES ('proef', 'x', now()) RETURNING key"),
    P.ACKNOWLEDGE: _message("ontvangstbevestiging", "web_case"),
    P.FOLLOW_UP: lambda cur, ids: cur.execute(
        "INSERT INTO status_link (complaint_id, token_hash, created_at, expires_at) "
        "VALUES (%s, repeat('a', 64), now(), now() + interval '30 minutes') RETURNING id", (ids["case"],)),
    P.MANAGE_MAIL: lambda cur, ids: cur.execute("UPDATE mail_message SET handled_at = now() WHERE id = %s",
                                                (ids["mail"],)),
}


def attempt(role_db: RoleDatabase, role: StaffRole, permission: Permission, ids: dict[str, int]) -> bool:
    """Whether the database lets the role's login do what the permission needs (rolled back)."""
    import psycopg

    with role_db.connect(login_name(role)) as connection:
        try:
            with connection.cursor() as cur:
                PROBES[permission](cur, ids)
                touched = cur.rowcount > 0 if cur.description is None else bool(cur.fetchall())
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.RaiseException) as error:
            assert "permission denied" in str(error) or "row-level security" in str(error) \
                or "alleen de beheerder" in str(error) or "alleen op de eigen zaken" in str(error) \
                or "niet op deze zaak" in str(error), error
            touched = False
        finally:
            connection.rollback()
    return touched


def test_every_permission_has_a_probe() -> None:
    assert set(PROBES) == set(Permission)


CELLS = [(role, permission) for role in StaffRole for permission in Permission]


@pytest.mark.parametrize(("role", "permission"), CELLS, ids=[f"{r.value}-{p.name}" for r, p in CELLS])
def test_the_database_enforces_the_cell(role_database: RoleDatabase, rows: dict[str, int], role: StaffRole,
                                        permission: Permission) -> None:
    expected = permission in TABLE[role] and permission not in OWNER_ONLY
    assert attempt(role_database, role, permission, rows) is expected


def test_the_owner_can_take_the_backup(role_database: RoleDatabase, rows: dict[str, int]) -> None:
    database = role_database.owner()
    try:
        with database.engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT e.body FROM event e WHERE e.confidential UNION ALL SELECT p.name FROM public.person p").all()
        assert found
    finally:
        database.dispose()


def test_a_migration_before_a_column_exists_grants_what_there_is_then() -> None:
    """0011 (the grants) runs before 0012 added the address to ``person`` on a new database:
    the grants name the columns the table has then; after the last migration, all of them."""
    from klachtdesk.services.core import database_roles

    without = {"person": {"id", "name", "phone", "email", "organisation", "created_at", "anonymised_at"}}
    assert database_roles.expand("person", "UPDATE(name, street, city)", without) == "UPDATE (name)"
    assert database_roles.expand("person", "UPDATE(street, city)", without) == ""
    assert "street" not in database_roles.expand("person", "UPDATE(* -id, created_at)", without)
    assert "street" in database_roles.expand("person", "UPDATE(* -id, created_at)")
    assert not any("street" in statement for statement in database_roles.statements({"person"}, {}, without))
