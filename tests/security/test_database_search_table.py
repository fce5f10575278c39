"""The search text (``complaint_search``: names, e-mail addresses, phone numbers) as each
role's own PostgreSQL login, through a plain psycopg connection: who may read it, rewrite
it and add a case's row, per cell of the permission table; the web form writes the text of
its own new cases only and reads none; directie's overview has no search text at all.

Expected answers come from the permission table (``permissions.TABLE``) as ``access``
says what each permission needs of ``complaint_search``: reading is personal-data work
(``READ_PERSONAL_DATA``; the AVG work, ``PRIVACY``, too); rewriting a case's text follows a
change of its text or people (``UPDATE_KNOWN_CALLER``, ``HANDLE``, ``PRIVACY``); a new
case's row comes with its registration (``REGISTER``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.models import StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.permissions import TABLE, Permission
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, login_name, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

P = Permission

READERS = frozenset({P.READ_PERSONAL_DATA, P.PRIVACY})
WRITERS = frozenset({P.UPDATE_KNOWN_CALLER, P.HANDLE, P.PRIVACY})


@pytest.fixture(scope="module")
def rows(role_database: RoleDatabase) -> Iterator[dict[str, int]]:
    """A registered case (with its search row); a new case the web form registered and one
    the tester registered, both still without a search row."""
    database = role_database.owner()
    context = seed_staff(database, FixedClock(FIXED_NOW))
    case = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan Zwartkruis", phone="06-12345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="Drie weken gewacht.",
    ))

    def bare(number: int, creator: str) -> int:
        return int(connection.exec_driver_sql(
            "INSERT INTO complaint (number, year, seq, kind, channel, received_at, effective_receipt_day, status, "
            "created_by_id, created_at, updated_at, review_pending, version) SELECT %s, 2026, %s, 'klacht', "
            "'webformulier', now(), current_date, 'nieuw', id, now(), now(), false, 1 FROM staff "
            "WHERE username = %s RETURNING id", (f"KL-2026-{number:06d}", number, creator)).scalar_one())

    with database.engine.begin() as connection:
        web_case = bare(900, login_name(StaffRole.WEB_FORM))
        other_case = bare(901, "tester")
    yield {"case": case.id, "web_case": web_case, "other_case": other_case}
    database.dispose()


def attempt(role_db: RoleDatabase, role: StaffRole, probe: Callable[[Any, dict[str, int]], Any],
            ids: dict[str, int]) -> bool:
    """Whether the role's login may do it (a row touched or read; rolled back)."""
    import psycopg

    with role_db.connect(login_name(role)) as connection:
        try:
            with connection.cursor() as cur:
                probe(cur, ids)
                return cur.rowcount > 0 if cur.description is None else bool(cur.fetchall())
        except psycopg.errors.InsufficientPrivilege as error:
            assert "permission denied" in str(error) or "row-level security" in str(error), error
            return False
        finally:
            connection.rollback()


def _read(cur: Any, ids: dict[str, int]) -> Any:
    return cur.execute("SELECT search_text FROM complaint_search WHERE complaint_id = %s", (ids["case"],))


def _rewrite(cur: Any, ids: dict[str, int]) -> Any:
    return cur.execute("UPDATE complaint_search SET search_text = 'anders' WHERE complaint_id = %s", (ids["case"],))


def _add(case: str) -> Callable[[Any, dict[str, int]], Any]:
    def insert(cur: Any, ids: dict[str, int]) -> Any:
        return cur.execute("INSERT INTO complaint_search (complaint_id, search_text) VALUES (%s, 'nieuw')",
                           (ids[case],))
    return insert


ROLES = list(StaffRole)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_reading_the_search_text_is_personal_data_work(role_database: RoleDatabase, rows: dict[str, int],
                                                        role: StaffRole) -> None:
    assert attempt(role_database, role, _read, rows) is bool(TABLE[role] & READERS)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_rewriting_it_follows_a_change_of_the_case_text_or_people(role_database: RoleDatabase,
                                                                  rows: dict[str, int], role: StaffRole) -> None:
    assert attempt(role_database, role, _rewrite, rows) is bool(TABLE[role] & WRITERS)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_a_new_cases_row_comes_with_registering(role_database: RoleDatabase, rows: dict[str, int],
                                                role: StaffRole) -> None:
    # the web form: for the new case it registered itself (row-level security), not another
    assert attempt(role_database, role, _add("web_case"), rows) is (P.REGISTER in TABLE[role])
    assert attempt(role_database, role, _add("other_case"), rows) is \
        (P.REGISTER in TABLE[role] and bool(TABLE[role] & READERS))


def test_the_cells_as_spelled_out(role_database: RoleDatabase, rows: dict[str, int]) -> None:
    """The same answers written out by hand, so a change of the table shows here too."""
    readers = {r for r in StaffRole if attempt(role_database, r, _read, rows)}
    writers = {r for r in StaffRole if attempt(role_database, r, _rewrite, rows)}
    staff_roles = {StaffRole.CUSTOMER_SERVICE, StaffRole.HANDLER, StaffRole.MANAGER, StaffRole.OFFICER,
                   StaffRole.ADMIN}
    assert readers == staff_roles and writers == staff_roles  # not directie, not the web form


def test_the_web_form_reads_not_even_its_own_cases_text(role_database: RoleDatabase, rows: dict[str, int]) -> None:
    own = {**rows, "case": rows["web_case"]}
    assert attempt(role_database, StaffRole.WEB_FORM, _add("web_case"), rows)  # rolled back again
    assert not attempt(role_database, StaffRole.WEB_FORM, _read, own)
    assert not attempt(role_database, StaffRole.WEB_FORM, lambda cur, ids: cur.execute(
        "SELECT complaint_id FROM complaint_search WHERE search_text LIKE '%%zwartkruis%%'"), rows)


def test_row_level_security_guards_the_table_and_no_view_shows_the_text(role_database: RoleDatabase,
                                                                              rows: dict[str, int]) -> None:
    database = role_database.owner()
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT relrowsecurity FROM pg_class WHERE relname = 'complaint_search' "
                "AND relnamespace = 'public'::regnamespace").scalar_one()
            policies = set(connection.exec_driver_sql(
                "SELECT policyname FROM pg_policies WHERE tablename = 'complaint_search'").scalars())
            assert {f"klachtdesk_{role.value}" for role in StaffRole} <= policies
            overview = set(connection.exec_driver_sql(
                "SELECT table_name || '.' || column_name FROM information_schema.columns "
                "WHERE table_schema = 'klachtdesk_overzicht'").scalars())
            assert overview and not [c for c in overview if "search" in c]
            # nor the klager's views (the web form's follow-up page)
            assert connection.exec_driver_sql(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name LIKE 'klager%%' AND column_name LIKE '%%search%%'").scalar_one() == 0
    finally:
        database.dispose()
    assert not attempt(role_database, StaffRole.MANAGEMENT, lambda cur, ids: cur.execute(
        "SELECT count(*) FROM public.complaint_search"), rows)
