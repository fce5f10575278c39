"""Known callers: matching a phone number or e-mail address to people already registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from klachtdesk.errors import PermissionDenied
from klachtdesk.models import ComplaintKind, PartyRole, Person, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.people import callers as people
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context


def register(context: Context, name: str = "Jan Jansen", phone: str = "06 12345678", email: str = "",
             description: str = "De monteur kwam niet opdagen en niemand belde af, ook niet de dag erna.",
             received_hours_ago: int = 0, kind: ComplaintKind = ComplaintKind.COMPLAINT,
             involved: list[PersonInput] | None = None, person_id: int | None = None) -> complaints.Registered:
    return complaints.register(context, RegistrationInput(
        kind=kind,
        received_at=context.now() - timedelta(hours=received_hours_ago),
        complainant=PersonInput(name=name, phone=phone, email=email, person_id=person_id),
        service_type="Thuiszorg",
        description=description if kind is not ComplaintKind.INVOICE_QUESTION else "",
        invoice_number="F-123" if kind is ComplaintKind.INVOICE_QUESTION else "",
        involved=involved or [],
    ))


@pytest.mark.parametrize("typed", ["06 12345678", "06-1234 5678", "+31612345678", "0031 6 1234 5678"])
def test_a_phone_number_in_any_form_finds_the_caller(context: Context, typed: str) -> None:
    case = register(context)
    found = people.find_known_callers(context, typed, "")
    assert [(c.name, c.phone, c.matched_on, c.case_count) for c in found] == [
        ("Jan Jansen", "+31612345678", ("telefoon",), 1)
    ]
    assert found[0].last_received == context.now()
    assert found[0].person_id == complaints.get_case(context, case.id, record_view=False).complainant.person_id


def test_an_email_address_finds_the_caller_whatever_the_case_of_its_domain(context: Context) -> None:
    register(context, phone="", email="jan@Example.NL")
    found = people.find_known_callers(context, "", "  jan@EXAMPLE.nl ")
    assert [(c.name, c.email, c.matched_on) for c in found] == [("Jan Jansen", "jan@example.nl", ("e-mail",))]


def test_incomplete_or_invalid_input_matches_nobody(context: Context) -> None:
    register(context, email="jan@example.nl")
    for phone, email in [("", ""), ("06 1234", ""), ("geen nummer", ""), ("", "jan@"), ("", "jan@example")]:
        assert people.find_known_callers(context, phone, email) == []


def test_both_details_matching_come_first_then_the_most_recent_case(context: Context) -> None:
    register(context, "Oud Gezin", phone="0612345678", received_hours_ago=48)
    register(context, "Nieuw Gezin", phone="0612345678", received_hours_ago=1)
    register(context, "Exacte Beller", phone="0612345678", email="beller@example.nl", received_hours_ago=72)
    found = people.find_known_callers(context, "0612345678", "beller@example.nl")
    assert [c.name for c in found] == ["Exacte Beller", "Nieuw Gezin", "Oud Gezin"]
    assert found[0].matched_on == ("telefoon", "e-mail")


def test_a_person_without_cases_is_offered_with_no_cases(context: Context) -> None:
    with context.db.write() as session:
        session.add(Person(name="Alleen Bekend", phone="+31201234567", created_at=context.now()))
    [caller] = people.find_known_callers(context, "020 123 4567", "")
    assert (caller.name, caller.case_count, caller.last_received) == ("Alleen Bekend", 0, None)
    assert people.earlier_cases(context, caller.person_id, 5) == []


def test_anonymised_people_are_never_offered(context: Context) -> None:
    register(context)
    with context.db.write() as session:
        person = session.exec(select(Person).where(Person.phone == "+31612345678")).one()
        person.anonymised_at = context.now()
    assert people.find_known_callers(context, "0612345678", "") == []


def test_without_the_right_to_read_personal_data_nothing_is_offered(
    context: Context, as_user: Callable[..., Context]
) -> None:
    register(context)
    director = as_user("dirk", StaffRole.MANAGEMENT)
    assert people.find_known_callers(director, "0612345678", "") == []
    [caller] = people.find_known_callers(context, "0612345678", "")
    with pytest.raises(PermissionDenied):
        people.earlier_cases(director, caller.person_id, 3)
    desk = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    assert [c.name for c in people.find_known_callers(desk, "0612345678", "")] == ["Jan Jansen"]


def test_earlier_cases_newest_first_with_role_and_first_words(context: Context) -> None:
    first = register(context, received_hours_ago=24 * 30)
    [caller] = people.find_known_callers(context, "0612345678", "")
    register(context, kind=ComplaintKind.INVOICE_QUESTION, received_hours_ago=24, person_id=caller.person_id)
    # the same person as the one a later complaint is about
    register(context, "Iemand Anders", phone="0687654321", involved=[
        PersonInput(name="Jan Jansen", role=PartyRole.RESPONDENT, phone="0612345678")
    ])
    cases = people.earlier_cases(context, caller.person_id, 5)
    assert [(c.kind, c.role) for c in cases] == [
        (ComplaintKind.INVOICE_QUESTION, PartyRole.COMPLAINANT),
        (ComplaintKind.COMPLAINT, PartyRole.COMPLAINANT),
    ]  # the respondent is a new person record: a betrokkene is never merged silently
    assert cases[0].summary == "factuur F-123"
    assert cases[1].number == first.number
    assert cases[1].summary == "De monteur kwam niet opdagen en niemand belde af, ook …"
    assert len(people.earlier_cases(context, caller.person_id, 1)) == 1
    # both records with that number are offered; the one with the most recent case first
    found = people.find_known_callers(context, "0612345678", "")
    assert [(c.name, c.case_count) for c in found] == [("Jan Jansen", 1), ("Jan Jansen", 2)]
    assert found[1].person_id == caller.person_id
    assert people.earlier_cases(context, found[0].person_id, 5)[0].role is PartyRole.RESPONDENT


def test_summaries_are_cut_at_a_word() -> None:
    assert people.summarise(None) == ""
    assert people.summarise("kort") == "kort"
    assert people.summarise("een twee drie", words=2) == "een twee …"
    assert people.summarise("a" * 100, chars=10) == "a" * 10 + " …"


def test_the_lookups_use_the_indexes(sqlite_context: Context) -> None:
    context = sqlite_context
    register(context, email="jan@example.nl")
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context_, executemany):  # type: ignore[no-untyped-def]
        if "FROM person" in statement:
            statements.append((statement, parameters))

    engine = context.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        people.find_known_callers(context, "0612345678", "jan@example.nl")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements
    statement, parameters = statements[0]
    with engine.connect() as connection:
        plan = " ".join(str(row) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "ix_person_phone" in plan and "ix_person_email" in plan, plan
        connection.execute(text("SELECT 1"))
