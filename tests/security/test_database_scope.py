"""PostgreSQL keeps a behandelaar to the cases assigned to them (``permissions.ASSIGNED_ONLY``;
the triggers of ``database_scope``), through a plain psycopg connection as the login, while
what a behandelaar may do on any case (what klantenservice may) still works — through the
services as the login too. A behandelaar who is also klachtenmanager holds it everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from klachtdesk.clock import FixedClock
from klachtdesk.models import PartyRole, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core import database_roles, database_scope
from klachtdesk.services.core.access import CASE_OF
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import ASSIGNED_ONLY, TABLE, Permission
from klachtdesk.models import metadata
from klachtdesk.services.correspondence import messages
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from tests.conftest import FIXED_NOW
from tests.security.database_logins import (
    RoleDatabase,
    as_login,
    ensure_login,
    login_name,
    role_database,
    seed_staff,
)

__all__ = ["role_database"]

P = Permission
BH, KM = StaffRole.HANDLER, StaffRole.MANAGER


# -- the generated triggers (no database) -----------------------------------------------------


def test_every_scoped_table_knows_its_case() -> None:
    scopes = database_scope.scopes(database_roles.group_role)
    assert {"complaint", "deadline", "message", "party", "person"} <= set(scopes)
    for table in CASE_OF:
        assert table in metadata.tables, table
        if "{row}.complaint_id" in CASE_OF[table]:
            assert "complaint_id" in metadata.tables[table].columns, table


def test_the_scope_covers_what_the_behandelaar_holds_for_own_cases_only() -> None:
    scopes = database_scope.scopes(database_roles.group_role)
    complaint = {change[2] for change in scopes["complaint"].free}
    # handling and closing are scoped; a contact or a note (the version, updated_at) is not
    assert {"category", "status", "closed_at", "resolution"} <= complaint
    assert not {"version", "updated_at", "handler_id"} & complaint
    # the acknowledgement's message rights count everywhere for acknowledgements only
    insert = scopes["message"].free[("message", "INSERT", None)]
    assert insert[database_roles.group_role(BH)] == {"{row}.template = 'ontvangstbevestiging'"}
    assert "" in insert[database_roles.group_role(KM)]


def test_the_review_rights_hold_on_cases_te_beoordelen_only() -> None:
    """klantenservice (no scope) is checked too, for what it may change while a case from mail
    is "te beoordelen" (``access.ON_ROWS``); the web form gets none of it."""
    scopes = database_scope.scopes(database_roles.group_role)
    service, web = (database_roles.group_role(r) for r in (StaffRole.CUSTOMER_SERVICE, StaffRole.WEB_FORM))
    assert {service} == scopes["complaint"].limited == scopes["party"].limited == scopes["deadline"].limited
    kind = scopes["complaint"].free[("complaint", "UPDATE", "kind")]
    assert kind[service] == {"OLD.review_pending"} and "" in kind[database_roles.group_role(KM)]
    assert kind[database_roles.group_role(BH)] == {"OLD.review_pending"}  # elsewhere: its own cases only
    assert web not in kind and ("party", "DELETE", None) in scopes["party"].free
    granted = database_roles.privileges_of(StaffRole.WEB_FORM)["complaint"]
    assert not any("review_pending" in p or "description" in p for p in granted), granted


def test_a_group_that_may_make_every_checked_change_everywhere_passes_the_trigger_at_once() -> None:
    """klachtenmanager, klachtenfunctionaris and beheerder may make every change the triggers
    check on every row: their members (a behandelaar who is also klachtenmanager, the owner)
    pass at once, before the per-column tests; behandelaar and klantenservice do not."""
    group = database_roles.group_role
    scopes = database_scope.scopes(group)
    expected = sorted(group(r) for r in (StaffRole.MANAGER, StaffRole.OFFICER, StaffRole.ADMIN))
    for table, scope in scopes.items():
        assert database_scope.everywhere(scope) == expected, table
        for change, by_group in scope.free.items():  # each check would let them through anyway
            assert all("" in by_group[g] for g in expected), change
            assert "" not in by_group.get(group(BH), set()), change
    sql = "\n".join(database_scope.statements(set(scopes), group))
    first_tests = [line for line in sql.splitlines() if line.startswith("  IF NOT (") and "RETURN" in line]
    assert len(first_tests) == len(scopes)
    for line in first_tests:
        assert all(f"'{g}', 'MEMBER')" in line for g in expected), line
        assert line.count(f"'{group(BH)}', 'MEMBER')") == 1  # only as a group that is checked


def test_a_table_without_a_case_fails_the_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(CASE_OF, "party")
    with pytest.raises(ValueError, match="party"):
        database_scope.scopes(database_roles.group_role)


# -- PostgreSQL ------------------------------------------------------------------------------

BOTH = "bh_km"  # a login that is behandelaar and klachtenmanager


@pytest.fixture(scope="module")
def cases(role_database: RoleDatabase) -> Iterator[dict[str, int]]:
    """Cases in behandeling: 'own' assigned to the behandelaar's login, 'other' (and 'third', to link
    to) to tester."""
    database = role_database.owner()
    context = seed_staff(database, FixedClock(FIXED_NOW))
    with database.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        ensure_login(connection, login_name(BH) + "_" + BOTH, {BH, KM})
    with database.write() as session:
        staff.create_staff(session, context, login_name(BH) + "_" + BOTH, "Bea Beide", {BH, KM})
    handler = staff.sign_in(context, login_name(BH))
    ids: dict[str, int] = {}
    for name, assignee in (("own", handler.id), ("other", context.user.id), ("third", context.user.id)):
        case = complaints.register(context, RegistrationInput(
            complainant=PersonInput(name=f"Klager {name}", phone="06-12345678", email=f"{name}@example.nl"),
            service_type="Teleconsultatie", description="Drie weken gewacht.", incident_date=date(2026, 11, 2),
            involved=[PersonInput(name=f"Dr. {name}", role=PartyRole.RESPONDENT)],
        ))
        version = complaints.get_case(context, case.id, record_view=False).version
        workflow.assign(context, case.id, version, assignee)
        ids[name] = case.id
    with database.engine.connect() as connection:
        for name in ("own", "other"):
            found = connection.execute(text(
                "SELECT c.complainant_id, (SELECT min(id) FROM deadline WHERE complaint_id = c.id), "
                "(SELECT min(id) FROM party WHERE complaint_id = c.id) FROM complaint c WHERE c.id = :id"),
                {"id": ids[name]}).one()
            ids[f"{name}_person"], ids[f"{name}_deadline"], ids[f"{name}_party"] = found
    yield ids
    database.dispose()


def _probes(case: str) -> dict[str, tuple[Permission, Callable[[Any, dict[str, int]], Any]]]:
    """What each scoped permission does to a case, and one thing each free one does."""
    return {
        "velden": (P.HANDLE, lambda cur, ids: cur.execute(
            "UPDATE complaint SET category = 'Wachttijd' WHERE id = %s", (ids[case],))),
        "status": (P.HANDLE, lambda cur, ids: cur.execute(
            "UPDATE complaint SET status = 'gesloten' WHERE id = %s", (ids[case],))),
        "klager": (P.HANDLE, lambda cur, ids: cur.execute(
            "UPDATE person SET organisation = 'Ander bv' WHERE id = %s", (ids[f"{case}_person"],))),
        "betrokkene weg": (P.HANDLE, lambda cur, ids: cur.execute(
            "DELETE FROM party WHERE id = %s", (ids[f"{case}_party"],))),
        "koppelen": (P.HANDLE, lambda cur, ids: cur.execute(
            "INSERT INTO case_link (complaint_id, other_id, created_at) VALUES (%s, %s, now()) RETURNING id",
            tuple(sorted((ids[case], ids["third"]))))),
        "sluiten": (P.CLOSE, lambda cur, ids: cur.execute(
            "UPDATE complaint SET closed_at = now(), resolution = 'Klaar' WHERE id = %s", (ids[case],))),
        "verlengen": (P.EXTEND_DEADLINE, lambda cur, ids: cur.execute(
            "UPDATE deadline SET due = due + 5, extended_at = now() WHERE id = %s", (ids[f"{case}_deadline"],))),
        "bericht": (P.SEND_MESSAGE, lambda cur, ids: cur.execute(
            "INSERT INTO message (complaint_id, template, recipient, subject, body, created_at) "
            "VALUES (%s, 'vrij', 'jan@example.nl', 'Onderwerp', 'Tekst', now()) RETURNING id", (ids[case],))),
        # free: what klantenservice may on any case
        "contact": (P.LOG_CONTACT, lambda cur, ids: cur.execute(
            "UPDATE complaint SET version = version + 1, updated_at = now() WHERE id = %s", (ids[case],))),
        "bevestiging": (P.ACKNOWLEDGE, lambda cur, ids: cur.execute(
            "INSERT INTO message (complaint_id, template, recipient, subject, body, created_at) "
            "VALUES (%s, 'ontvangstbevestiging', 'jan@example.nl', 'Ontvangen', 'Tekst', now()) RETURNING id",
            (ids[case],))),
    }


def _attempt(role_db: RoleDatabase, login: str, probe: Callable[[Any, dict[str, int]], Any],
             ids: dict[str, int]) -> bool:
    import psycopg

    with role_db.connect(login) as connection:
        try:
            with connection.cursor() as cur:
                probe(cur, ids)
                touched = cur.rowcount > 0 if cur.description is None else bool(cur.fetchall())
        except psycopg.errors.InsufficientPrivilege as error:
            assert "alleen op de eigen zaken" in str(error) or "permission denied" in str(error), error
            touched = False
        finally:
            connection.rollback()
    return touched


PROBES = sorted(_probes("own"))


@pytest.mark.postgres
@pytest.mark.parametrize("probe", PROBES)
def test_the_database_keeps_the_behandelaar_to_their_own_cases(role_database: RoleDatabase,
                                                               cases: dict[str, int], probe: str) -> None:
    permission, on_own = _probes("own")[probe]
    _, on_other = _probes("other")[probe]
    assert permission in TABLE[BH]
    login = login_name(BH)
    assert _attempt(role_database, login, on_own, cases), "op de eigen zaak"
    scoped = permission in ASSIGNED_ONLY[BH]
    assert _attempt(role_database, login, on_other, cases) is not scoped, "op de zaak van een ander"
    # with a role that grants it everywhere, the other case too
    assert _attempt(role_database, login + "_" + BOTH, on_other, cases), "behandelaar en klachtenmanager"


@pytest.mark.postgres
def test_the_behandelaar_works_on_another_case_as_klantenservice_does(role_database: RoleDatabase,
                                                                      cases: dict[str, int]) -> None:
    """Through the services, as the login: a contact (which may meet the contact deadline), a
    note and an acknowledgement on a colleague's case pass the triggers."""
    handler: Context = as_login(role_database, BH, FixedClock(FIXED_NOW))
    try:
        workflow.log_contact(handler, cases["other"], "telefoon", "in", "Klager belde voor de collega")
        workflow.add_note(handler, cases["other"], "Doorgegeven aan de collega")
        draft = messages.prepare_acknowledgement(handler, cases["other"])
        messages.send(handler, cases["other"], draft.template, draft.subject, draft.body)
    finally:
        handler.db.dispose()
