"""An aangeklaagde or betrokkene added to a case later (``parties.add_party``), on
PostgreSQL as the logins: the grants let the case's behandelaar add one (a new person or a
known one), a behandelaar on a colleague's case is refused, and so is klantenservice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import PartyRole, StaffRole
from klachtdesk.services.cases import complaints, parties
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.procedure import workflow
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, login_name, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[tuple[Context, dict[StaffRole, Context]]]:
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    tester = seed_staff(owner, clock)
    contexts = {role: as_login(role_database, role, clock) for role in (R.CUSTOMER_SERVICE, R.HANDLER)}
    yield tester, contexts
    for context in contexts.values():
        context.db.dispose()
    owner.dispose()


def _case(tester: Context, assignee: int, name: str) -> tuple[int, int]:
    case_id = complaints.register(tester, RegistrationInput(
        complainant=PersonInput(name=f"Klager {name}", phone="06-12345678"), service_type="Teleconsultatie",
        description="Drie weken gewacht.")).id
    version = workflow.assign(tester, case_id, complaints.get_case(tester, case_id, record_view=False).version,
                              assignee)
    return case_id, version


def test_the_behandelaar_adds_a_person_to_their_own_case_only(
        desk: tuple[Context, dict[StaffRole, Context]]) -> None:
    tester, logins = desk
    handler, service = logins[R.HANDLER], logins[R.CUSTOMER_SERVICE]
    own, own_version = _case(tester, handler.user.id, "eigen")
    other, other_version = _case(tester, tester.user.id, "ander")

    added = parties.add_party(handler, own, own_version, PersonInput(name="Dr. Bakker", phone="0687654321"),
                              PartyRole.RESPONDENT, "huisarts")
    # a known person too (the klager of the colleague's case, a detail filled in)
    known = complaints.get_case(tester, other, record_view=False).parties[0].person_id
    parties.add_party(handler, own, added.version, PersonInput(person_id=known, email="ander@example.nl"),
                      PartyRole.INVOLVED)
    detail = complaints.get_case(handler, own, record_view=False)
    assert [(p.name, p.role) for p in detail.parties[1:]] == [("Dr. Bakker", PartyRole.RESPONDENT),
                                                              ("Klager ander", PartyRole.INVOLVED)]
    assert detail.timeline[0].summary == "Betrokkene toegevoegd: betrokkene"

    with pytest.raises(PermissionDenied, match="toegewezen"):
        parties.add_party(handler, other, other_version, PersonInput(name="Els"), PartyRole.INVOLVED)
    with pytest.raises(PermissionDenied):
        parties.add_party(service, own, detail.version, PersonInput(name="Els"), PartyRole.INVOLVED)
    assert len(complaints.get_case(tester, other, record_view=False).parties) == 1


def _insert_party(role_db: RoleDatabase, case_id: int, person_id: int) -> bool:
    import psycopg

    with role_db.connect(login_name(R.HANDLER)) as connection:
        try:
            with connection.cursor() as cur:
                cur.execute("INSERT INTO party (complaint_id, person_id, role) VALUES (%s, %s, 'betrokkene') "
                            "RETURNING id", (case_id, person_id))
                return bool(cur.fetchall())
        except psycopg.errors.InsufficientPrivilege:
            return False
        finally:
            connection.rollback()


def test_the_database_lets_the_behandelaar_insert_a_party_on_their_own_case(
        role_database: RoleDatabase, desk: tuple[Context, dict[StaffRole, Context]]) -> None:
    tester, logins = desk
    own, _ = _case(tester, logins[R.HANDLER].user.id, "eigen")
    person = complaints.get_case(tester, own, record_view=False).parties[0].person_id
    assert _insert_party(role_database, own, person)


def test_the_database_refuses_a_party_on_a_colleagues_case(
        role_database: RoleDatabase, desk: tuple[Context, dict[StaffRole, Context]]) -> None:
    tester, _ = desk
    other, _ = _case(tester, tester.user.id, "ander")
    person = complaints.get_case(tester, other, record_view=False).parties[0].person_id
    assert not _insert_party(role_database, other, person)
