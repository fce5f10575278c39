"""The desk works end to end when each person connects as their own PostgreSQL login:
the main journeys of every role, through the services, on a connection as that login
(so every grant the journey needs is there, and nothing more is needed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from klachtdesk.clock import FixedClock
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import Acceptance, MeasureKind, PartyRole, StaffRole, Status
from klachtdesk.services.analysis import figures
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.identity import staff
from klachtdesk.services.improvement import measures
from klachtdesk.services.procedure import workflow
from klachtdesk.services.time.periods import Granularity, Period
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, login_name, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole
SECRET = "De klager is de zus van de behandelend arts."


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[dict[StaffRole, Context]]:
    """A fresh desk (tester and one member per role) and a context per role, as its own login."""
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    seed_staff(owner, clock)
    owner.dispose()
    contexts = {role: as_login(role_database, role, clock) for role in StaffRole if role is not R.WEB_FORM}
    yield contexts
    for context in contexts.values():
        context.db.dispose()


def _register(context: Context) -> int:
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="Drie weken gewacht op een terugbelafspraak.",
        incident_date=date(2026, 11, 2), involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)],
    )).id


def _version(context: Context, case_id: int) -> int:
    return complaints.get_case(context, case_id, record_view=False).version


def test_register_handle_and_close_each_as_their_own_login(desk: dict[StaffRole, Context]) -> None:
    service, manager, handler = desk[R.CUSTOMER_SERVICE], desk[R.MANAGER], desk[R.HANDLER]
    case_id = _register(service)
    workflow.log_contact(service, case_id, "telefoon", "in", "Klager belde over de stand van zaken")
    workflow.add_note(service, case_id, "Klager is goed bereikbaar na vier uur")
    assert [row.id for row in complaints.list_page(service)] == [case_id]
    assert complaints.get_case(service, case_id).complainant is not None

    workflow.assign(manager, case_id, _version(manager, case_id), handler.user.id)
    v = workflow.transition(handler, case_id, _version(handler, case_id), Status.IN_PROGRESS, reason="Klager gebeld")
    draft = messages.prepare(handler, case_id, "voortgang")
    messages.send(handler, case_id, "voortgang", draft.subject, draft.body.replace("[", "").replace("]", ""))
    workflow.transition(handler, case_id, _version(handler, case_id), Status.SOLUTION_PROPOSED,
                        reason="Excuses aangeboden")
    v = workflow.close(handler, case_id, _version(handler, case_id), "Opgelost met excuses.", Acceptance.YES)
    assert complaints.get_case(handler, case_id).status in {Status.RESOLVED, Status.CLOSED}
    assert v > 1


def test_a_confidential_note_is_the_officers_alone(desk: dict[StaffRole, Context]) -> None:
    officer, service = desk[R.OFFICER], desk[R.CUSTOMER_SERVICE]
    case_id = _register(service)
    workflow.add_note(officer, case_id, SECRET, confidential=True)
    assert SECRET in {entry.body for entry in complaints.get_case(officer, case_id).timeline}
    for role in (R.CUSTOMER_SERVICE, R.HANDLER, R.MANAGER, R.ADMIN):
        assert SECRET not in {entry.body for entry in complaints.get_case(desk[role], case_id).timeline}
    with pytest.raises(PermissionDenied):
        workflow.add_note(service, case_id, "ik ook", confidential=True)


def test_directie_reads_status_analysis_and_measures_without_personal_data(desk: dict[StaffRole, Context]) -> None:
    directie = desk[R.MANAGEMENT]
    case_id = _register(desk[R.CUSTOMER_SERVICE])
    with directie.db.read() as session:  # the case tables are the overview views for this login
        assert session.execute(text("SHOW search_path")).scalar() == "klachtdesk_overzicht, public"
        assert set(session.execute(text("SELECT name FROM person")).scalars()) <= {None, ""}
    rows = complaints.list_page(directie)
    assert [row.id for row in rows] == [case_id] and rows[0].complainant == "•••"
    case = complaints.get_case(directie, case_id, record_view=False)
    assert case.parties == [] and not case.description
    result = figures.analyse(directie, Period(2026, 4, Granularity.QUARTER))
    assert result is not None
    number = case.number
    view = measures.create(directie, measures.MeasureInput(
        title="Terugbellen binnen een werkdag", kind=MeasureKind.CORRECTIVE, description="Afspraak met de balie",
        owner_id=directie.user.id, due=date(2027, 1, 29), category="Bejegening", complaint_numbers=[number]))
    assert [m.id for m in measures.list_measures(directie)] == [view.id]
    assert measures.history(directie, view.id)


def test_beheerder_manages_staff(desk: dict[StaffRole, Context]) -> None:
    admin = desk[R.ADMIN]
    staff.add_staff(admin, "k.nieuw", "Karin Nieuw", {R.CUSTOMER_SERVICE})
    assert staff.set_roles(admin, "k.nieuw", {R.HANDLER}).roles == {R.HANDLER}
    assert not staff.deactivate(admin, "k.nieuw").active
    with pytest.raises(PermissionDenied):
        staff.add_staff(desk[R.CUSTOMER_SERVICE], "ik", "Ik", {R.ADMIN})


def test_nobody_but_the_officer_gets_the_note_even_by_name(desk: dict[StaffRole, Context]) -> None:
    assert login_name(R.OFFICER) in {m.username for m in staff.list_staff(desk[R.CUSTOMER_SERVICE])}


@pytest.mark.xfail(strict=True, reason="the acknowledgement reads the whole case; the form's login may not (yet)")
def test_the_web_form_registers_acknowledges_and_shows_the_klager_their_case(
        role_database: RoleDatabase, desk: dict[StaffRole, Context]) -> None:
    from klachtdesk.errors import DatabaseProblem
    from klachtdesk.services.webform import follow, intake
    from tests.web.webclient import form_settings, link_token, mails

    settings = form_settings()
    web = as_login(role_database, R.WEB_FORM, desk[R.ADMIN].clock)
    try:
        submitted = intake.submit(web, RegistrationInput(
            complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"), service_type="Teleconsultatie",
            description="Drie weken gewacht op een terugbelafspraak."), [], settings)
        # (intake.acknowledge only logs a failure: the desk's own call shows what the database said)
        from klachtdesk.services.correspondence.acknowledgement import send_automatic_acknowledgement
        send_automatic_acknowledgement(web, submitted.complaint_id, counts_as_reply=False)
        assert follow.request_link(web, submitted.number, "JAN@example.nl", "https://example.nl/klacht", settings)
        assert not follow.request_link(web, submitted.number, "iemand@example.nl", "https://example.nl/klacht",
                                       settings)
        view = follow.open_link(web, link_token(mails()[-1]))
        assert view is not None and view.number == submitted.number
        # and the form's login reads nothing else of the desk, whatever the services would allow
        with web.db.read() as session:
            for statement in ("SELECT name FROM person", "SELECT description FROM complaint",
                              "SELECT body FROM message WHERE template <> 'ontvangstbevestiging'"):
                with pytest.raises(Exception, match="permission denied"):
                    session.execute(text(statement)).all()
                session.rollback()
        with pytest.raises(DatabaseProblem, match="weigert"):
            with web.db.write() as session:
                session.execute(text("UPDATE complaint SET status = 'gesloten'"))
    finally:
        web.db.dispose()
    # the desk sees the case the form registered, acknowledged
    case = complaints.get_case(desk[R.CUSTOMER_SERVICE], submitted.complaint_id)
    assert case.complainant is not None and case.complainant.email == "jan@example.nl"
