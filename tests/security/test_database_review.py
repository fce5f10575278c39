"""The review of a case from mail, as the login of someone who reviews (klantenservice:
``Permission.REGISTER``, as ``review.complete_review`` asks), on PostgreSQL: the fields
checked and the kind corrected — status, queue, deadlines cancelled and made, the history
line — all written through the grants of that login. And what the review's grants do not
open up: the case's fields of a case that is not "te beoordelen"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.models import Channel, ComplaintKind, Deadline, DeadlineKind, PartyRole, StaffRole, Status
from klachtdesk.services.cases import complaints, review
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence.acknowledgement import send_automatic_acknowledgement
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole
ARRIVED = datetime(2026, 11, 19, 15, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[tuple[Context, Context]]:
    """(the owner's context as tester, a klantenservice login's context)."""
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    tester = seed_staff(owner, clock)
    service = as_login(role_database, R.CUSTOMER_SERVICE, clock)
    yield tester, service
    service.db.dispose()
    owner.dispose()


def _from_mail(context: Context, kind: ComplaintKind, **more: object) -> int:
    data = RegistrationInput(kind=kind, channel=Channel.EMAIL, received_at=ARRIVED,
                             complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"),
                             service_type="Teleconsultatie", description="Mijn account doet het niet.",
                             **more)  # type: ignore[arg-type]
    cleaned, errors = complaints.validate_registration(context, data)
    assert not errors, errors
    with context.db.write() as session:
        return complaints.register_in(session, context, cleaned, review_pending=True).id


def test_klantenservice_reviews_a_vraag_as_a_klacht_as_their_login(desk: tuple[Context, Context]) -> None:
    tester, service = desk
    case_id = _from_mail(tester, ComplaintKind.ACCOUNT_QUESTION)
    send_automatic_acknowledgement(tester, case_id, counts_as_reply=True)  # as the mail intake may
    form = review.review_form(service, case_id)
    data = replace(form.data, kind=ComplaintKind.COMPLAINT, incident_date=date(2026, 11, 12), category="Bejegening",
                   involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)])
    done = review.complete_review(service, case_id, form.version, data)
    assert done.status is Status.NEW and [p.kind for p in done.created] == [DeadlineKind.FIRST_CONTACT,
                                                                            DeadlineKind.DECISION]
    case = complaints.get_case(service, case_id, record_view=False)
    assert case.kind is ComplaintKind.COMPLAINT and not case.review_pending and case.category == "Bejegening"
    assert any(e.summary.startswith("Soort bij beoordeling gewijzigd van accountvraag naar klacht door Test ")
               for e in case.timeline)
    assert "ontvangstbevestiging ging al uit als accountvraag" in done.note  # the login reads the messages


def test_klantenservice_reviews_a_klacht_as_a_vraag_as_their_login(desk: tuple[Context, Context]) -> None:
    tester, service = desk
    case_id = _from_mail(tester, ComplaintKind.COMPLAINT, incident_date=date(2026, 11, 12),
                         involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)])
    form = review.review_form(service, case_id)
    done = review.complete_review(service, case_id, form.version, replace(form.data, kind=ComplaintKind.ACCOUNT_QUESTION))
    assert (done.status, done.queue) == (Status.FORWARDED, "Info") and len(done.cancelled) == 2
    with tester.db.read() as session:
        rows = session.exec(select(Deadline).where(Deadline.complaint_id == case_id)).all()
        assert sorted((str(r.kind), r.cancelled_at is not None) for r in rows) == [
            ("beslissing", True), ("eerste contact", True), ("reactie", False)]


@pytest.mark.parametrize("statement", [
    "UPDATE complaint SET category = 'Wachttijd' WHERE id = %(case)s",
    "UPDATE complaint SET kind = 'accountvraag', status = 'doorgestuurd' WHERE id = %(case)s",
    "DELETE FROM party WHERE complaint_id = %(case)s AND role <> 'klager'",
    "UPDATE deadline SET cancelled_at = now() WHERE complaint_id = %(case)s",
], ids=["category", "kind", "party", "deadline"])
def test_the_review_rights_hold_only_while_the_case_is_te_beoordelen(
        role_database: RoleDatabase, desk: tuple[Context, Context], statement: str) -> None:
    """Through a plain connection as the klantenservice login: what the review writes is
    allowed on a case "te beoordelen" and refused on any other (no klantenservice login
    edits a case's content in psql)."""
    import psycopg

    from tests.security.database_logins import login_name

    tester, _ = desk
    more = dict(incident_date=date(2026, 11, 12), involved=[PersonInput(name="Dr. P. Bakker",
                                                                        role=PartyRole.RESPONDENT)])
    pending = _from_mail(tester, ComplaintKind.COMPLAINT, **more)
    registered = complaints.register(tester, RegistrationInput(
        complainant=PersonInput(name="Els Jansen", email="els@example.nl"), service_type="Teleconsultatie",
        description="Niet teruggebeld.", **more))  # type: ignore[arg-type]

    def attempt(case_id: int) -> bool:
        with role_database.connect(login_name(R.CUSTOMER_SERVICE)) as connection:
            try:
                with connection.cursor() as cur:
                    cur.execute(statement, {"case": case_id})
                    return cur.rowcount > 0
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.RaiseException) as error:
                assert "niet op deze zaak" in str(error), error
                return False
            finally:
                connection.rollback()

    assert attempt(pending)
    assert not attempt(registered.id)
