"""Saved views are a person's own (issue 15): every role's cell through the services on both
engines (a role that reads the status of cases keeps views, the web form none), another
person's view out of reach; and on PostgreSQL the same as each role's own login, where
row-level security (``access.OWN_ROWS``) refuses anyone else's rows to the login itself.
The bulk actions and the assignment notices run as the logins too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.errors import NotFound, PermissionDenied
from klachtdesk.models import PartyRole, StaffRole, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import TABLE, Permission
from klachtdesk.services.identity import staff
from klachtdesk.services.lists import changes, saved_views
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.procedure import bulk
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, login_name, role_database, seed_staff

__all__ = ["role_database"]

R = StaffRole
VIEW = InboxQuery(filters=CaseFilter(status=Status.NEW, unassigned=True))


def acting(as_user: Callable[..., Context], role: StaffRole) -> Context:
    if role is R.WEB_FORM:
        return as_user(staff.WEB_FORM_ACCOUNT, role)
    return as_user(f"rol-{role.name.lower()}", role)


# -- the services, both engines -------------------------------------------------------------


@pytest.mark.parametrize("role", list(StaffRole), ids=[r.name.lower() for r in StaffRole])
def test_a_role_keeps_views_exactly_when_it_reads_the_status_of_cases(
        context: Context, as_user: Callable[..., Context], role: StaffRole) -> None:
    user = acting(as_user, role)
    if Permission.READ_STATUS in TABLE[role]:
        view = saved_views.save_view(user, "Nieuw", VIEW)
        assert [(v.name, v.query) for v in saved_views.list_views(user)] == [("Nieuw", VIEW)]
        saved_views.delete_view(user, view.id)
        assert saved_views.list_views(user) == []
    else:
        for call in (lambda: saved_views.save_view(user, "Nieuw", VIEW), lambda: saved_views.list_views(user),
                     lambda: saved_views.delete_view(user, 1)):
            with pytest.raises(PermissionDenied, match=Permission.READ_STATUS.value):
                call()


@pytest.mark.parametrize("role", list(StaffRole), ids=[r.name.lower() for r in StaffRole])
def test_a_view_keeps_a_search_only_for_a_role_that_may_search(
        context: Context, as_user: Callable[..., Context], role: StaffRole) -> None:
    """A search looks into names and descriptions: a view with one is personal data too."""
    user = acting(as_user, role)
    searching = InboxQuery(text="Jansen")
    if {Permission.READ_STATUS, Permission.READ_PERSONAL_DATA} <= TABLE[role]:
        assert saved_views.save_view(user, "Jansen", searching).query == searching
    else:
        with pytest.raises(PermissionDenied):
            saved_views.save_view(user, "Jansen", searching)
        if Permission.READ_STATUS in TABLE[role]:
            assert saved_views.list_views(user) == []


def test_another_persons_view_is_out_of_reach(context: Context, as_user: Callable[..., Context]) -> None:
    handler, manager = acting(as_user, R.HANDLER), acting(as_user, R.MANAGER)
    theirs = saved_views.save_view(handler, "Mijn week", VIEW)
    assert saved_views.list_views(manager) == []
    with pytest.raises(NotFound):
        saved_views.delete_view(manager, theirs.id)
    mine = saved_views.save_view(manager, "Mijn week", InboxQuery())  # the same name: a view of their own
    assert mine.id != theirs.id
    assert [v.query for v in saved_views.list_views(handler)] == [VIEW]


# -- PostgreSQL, as each role's own login ------------------------------------------------------


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[tuple[RoleDatabase, Context]]:
    """A fresh desk (tester and one member per role); tester's context as the owner."""
    owner = role_database.owner()
    tester = seed_staff(owner, FixedClock(FIXED_NOW))
    yield role_database, tester
    owner.dispose()


READERS = [role for role in StaffRole if Permission.READ_STATUS in TABLE[role]]


@pytest.mark.postgres
@pytest.mark.parametrize("role", READERS, ids=lambda r: r.value)
def test_a_login_sees_and_writes_only_its_own_views(desk: tuple[RoleDatabase, Context], role: StaffRole) -> None:
    import psycopg

    role_db, tester = desk
    theirs = saved_views.save_view(tester, "Van tester", VIEW)  # another person's view, in the same table
    context = as_login(role_db, role, tester.clock)
    try:
        assert saved_views.list_views(context) == []
        mine = saved_views.save_view(context, "Eigen", VIEW)
        assert [v.name for v in saved_views.list_views(context)] == ["Eigen"]
        with pytest.raises(NotFound):
            saved_views.delete_view(context, theirs.id)
    finally:
        context.db.dispose()
    with role_db.connect(login_name(role)) as connection, connection.cursor() as cur:
        cur.execute("SELECT id FROM saved_view")
        assert [row[0] for row in cur.fetchall()] == [mine.id]  # the database shows no one else's
        cur.execute("UPDATE saved_view SET name = 'gekaapt' WHERE id = %s", (theirs.id,))
        assert cur.rowcount == 0
        cur.execute("DELETE FROM saved_view WHERE id = %s", (theirs.id,))
        assert cur.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            cur.execute("INSERT INTO saved_view (owner, name, query, created_at, updated_at) "
                        "VALUES ('tester', 'untergeschoben', '{}', now(), now())")
        connection.rollback()
    assert [v.name for v in saved_views.list_views(tester)] == ["Van tester"]


@pytest.mark.postgres
def test_the_web_form_login_reads_no_views(desk: tuple[RoleDatabase, Context]) -> None:
    import psycopg

    role_db, tester = desk
    saved_views.save_view(tester, "Van tester", VIEW)
    with role_db.connect(login_name(R.WEB_FORM)) as connection, connection.cursor() as cur:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            cur.execute("SELECT * FROM saved_view")


@pytest.mark.postgres
def test_bulk_actions_and_notices_run_as_the_logins(desk: tuple[RoleDatabase, Context]) -> None:
    role_db, tester = desk
    contexts = {role: as_login(role_db, role, tester.clock) for role in (R.MANAGER, R.HANDLER)}
    try:
        manager, handler = contexts[R.MANAGER], contexts[R.HANDLER]
        ids = [complaints.register(manager, RegistrationInput(
            complainant=PersonInput(name="Jan de Vries", phone="06-12345678"), service_type="Teleconsultatie",
            description="Drie weken gewacht.", incident_date=date(2026, 11, 2),
            involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)])).id for _ in range(3)]
        start = changes.newest_event(handler)
        assigned = bulk.assign_all(manager, ids[:2], handler.user.id)
        assert len(assigned.done) == 2 and assigned.refused == ()
        notices = changes.assigned_to_me(handler, start)
        assert [n.complaint_id for n in notices] == ids[:2] and notices[0].by == "Test klachtenmanager"
        moved = bulk.transition_all(handler, ids, Status.IN_PROGRESS)  # the third is not theirs
        assert len(moved.done) == 2 and [r.complaint_id for r in moved.refused] == [ids[2]]
        assert "alleen bij zaken die aan u zijn toegewezen" in moved.refused[0].reason
    finally:
        for context in contexts.values():
            context.db.dispose()
