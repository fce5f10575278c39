"""A known caller's details on PostgreSQL, as each login: the web form's login cannot update
``person`` at all (the database refuses, whatever the process runs); klantenservice's and a
behandelaar's registration for a known caller with a new number works as their own login
and writes the history line on each of the person's cases (also a case that is not the
behandelaar's: the scope trigger lets the registration's change through)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

from klachtdesk.models import StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.people import profile
from tests.security.database_logins import RoleDatabase, desk_of, login_name, role_database

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[dict[StaffRole, Context]]:
    yield from desk_of(role_database, (R.CUSTOMER_SERVICE, R.HANDLER, R.WEB_FORM))


def _register(context: Context, person_id: int | None = None, phone: str = "06-12345678") -> int:
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone=phone, email="jan@example.nl", person_id=person_id),
        service_type="Teleconsultatie", description="Drie weken gewacht.")).id


def _lines(context: Context, case_id: int) -> list[tuple[str, str | None]]:
    return [(line.summary, line.body) for line in complaints.get_case(context, case_id, record_view=False).timeline
            if line.summary.startswith("Gegevens van")]


def test_the_web_form_login_cannot_update_a_person(role_database: RoleDatabase,
                                                  desk: dict[StaffRole, Context]) -> None:
    person_id = profile.klager_of(desk[R.CUSTOMER_SERVICE], _register(desk[R.CUSTOMER_SERVICE]))
    with role_database.connect(login_name(R.WEB_FORM)) as connection:
        for statement in ("UPDATE person SET email = 'mallory@example.nl' WHERE id = %s",
                          "UPDATE person SET email = 'mallory@example.nl'",
                          "SELECT id FROM person WHERE id = %s FOR UPDATE"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                connection.execute(statement, (person_id,) if "%s" in statement else ())
            connection.rollback()
    with desk[R.CUSTOMER_SERVICE].db.read() as session:
        assert session.execute(text("SELECT email FROM person WHERE id = :id"), {"id": person_id}).scalar_one() \
            == "jan@example.nl"


def test_the_web_form_still_registers_a_new_person(desk: dict[StaffRole, Context]) -> None:
    case_id = _register(desk[R.WEB_FORM])
    assert complaints.get_case(desk[R.CUSTOMER_SERVICE], case_id, record_view=False).complainant is not None


def test_klantenservice_registers_a_known_caller_with_a_new_number_as_their_login(
        desk: dict[StaffRole, Context]) -> None:
    service = desk[R.CUSTOMER_SERVICE]
    first = _register(service)
    person_id = profile.klager_of(service, first)
    second = _register(service, person_id, phone="06-11122233")
    assert profile.get_profile(service, person_id).stored["phone"] == "+31611122233"
    expected = [("Gegevens van de klager bijgewerkt bij een nieuwe melding: telefoon",
                 "telefoon: 06 12345678 → 06 11122233")]
    assert _lines(service, first) == expected
    assert profile.klager_of(service, second) == person_id


def test_a_behandelaar_registers_a_known_caller_of_a_case_not_theirs(desk: dict[StaffRole, Context]) -> None:
    first = _register(desk[R.CUSTOMER_SERVICE])  # not assigned to anyone
    person_id = profile.klager_of(desk[R.HANDLER], first)
    _register(desk[R.HANDLER], person_id, phone="06-11122233")
    assert profile.get_profile(desk[R.HANDLER], person_id).stored["phone"] == "+31611122233"
    assert len(_lines(desk[R.HANDLER], first)) == 1
