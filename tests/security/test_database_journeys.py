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
from klachtdesk.services.lists import inbox
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
    assert [row.id for row in inbox.fetch_page(service)] == [case_id]
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
    rows = inbox.fetch_page(directie)
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
        _register(desk[R.CUSTOMER_SERVICE])  # a case of the desk's own: never the form's to see
        # (intake.acknowledge only logs a failure: the desk's own call shows what the database said)
        from klachtdesk.services.correspondence.acknowledgement import send_automatic_acknowledgement
        send_automatic_acknowledgement(web, submitted.complaint_id, counts_as_reply=False)
        assert follow.request_link(web, submitted.number, "JAN@example.nl", "https://example.nl/klacht", settings)
        assert not follow.request_link(web, submitted.number, "iemand@example.nl", "https://example.nl/klacht",
                                       settings)
        view = follow.open_link(web, link_token(mails()[-1]))
        assert view is not None and view.number == submitted.number
        # and the form's login reads nothing else of the desk, whatever the services would allow: of
        # the people and cases only its own submissions while they are new; no other case's messages
        with web.db.read() as session:
            assert set(session.execute(text("SELECT name FROM person")).scalars()) == {"Jan de Vries"}
            assert set(session.execute(text("SELECT number FROM complaint")).scalars()) == {submitted.number}
            assert set(session.execute(text("SELECT template FROM message")).scalars()) == {"ontvangstbevestiging"}
        workflow.assign(desk[R.MANAGER], submitted.complaint_id, _version(desk[R.MANAGER], submitted.complaint_id),
                        desk[R.HANDLER].user.id)  # picked up: no longer new
        with web.db.read() as session:
            for table in ("person", "complaint", "party", "deadline", "message"):
                assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        with pytest.raises(DatabaseProblem, match="weigert"):
            with web.db.write() as session:
                session.execute(text("UPDATE complaint SET description = 'weg'"))
    finally:
        web.db.dispose()
    # the desk sees the case the form registered, acknowledged
    case = complaints.get_case(desk[R.CUSTOMER_SERVICE], submitted.complaint_id)
    assert case.complainant is not None and case.complainant.email == "jan@example.nl"


def test_a_login_opens_the_desk_as_every_entry_point_does(role_database: RoleDatabase,
                                                          desk: dict[StaffRole, Context]) -> None:
    """open_context: the schema version checked, the settings read, the user signed in."""
    from klachtdesk.services.bootstrap import open_context

    for role in (R.CUSTOMER_SERVICE, R.MANAGEMENT):
        context = open_context(role_database.login_url(login_name(role)), user=login_name(role))
        try:
            assert context.user.username == login_name(role)
        finally:
            context.db.dispose()


@pytest.mark.parametrize("role", [R.CUSTOMER_SERVICE, R.HANDLER, R.MANAGER, R.OFFICER, R.MANAGEMENT, R.ADMIN],
                         ids=lambda r: r.value)
def test_the_lists_work_for_every_role_as_its_login(desk: dict[StaffRole, Context], role: StaffRole) -> None:
    """The inbox, the search, the deadline board and the change marker: the screens every role opens."""
    from klachtdesk.services.lists import changes, deadline_board, inbox, search

    case_id = _register(desk[R.CUSTOMER_SERVICE])
    context = desk[role]
    assert [row.id for row in inbox.fetch_page(context)] == [case_id]
    assert inbox.count(context) is not None
    deadline_board.fetch_page(context)
    deadline_board.count_groups(context)
    assert changes.change_marker(context) > 0
    if role is not R.MANAGEMENT:  # (directie does not search: the service refuses it, names or not)
        number = complaints.get_case(context, case_id, record_view=False).number
        assert [row.id for row in search.search_page(context, number)] == [case_id]
        assert [row.id for row in search.search_page(context, "Vries")] == [case_id]


def test_the_officer_plans_a_session_as_their_login(desk: dict[StaffRole, Context]) -> None:
    from datetime import datetime

    from klachtdesk.clock import AMSTERDAM
    from klachtdesk.models import SessionType
    from klachtdesk.services.planner import sessions as planner
    from klachtdesk.services.planner.sessions import SessionRequest

    officer = desk[R.OFFICER]
    case_id = _register(desk[R.CUSTOMER_SERVICE])
    view = planner.plan_session(officer, SessionRequest(
        complaint_id=case_id, type=SessionType.ONE_ON_ONE, starts_at=datetime(2026, 11, 26, 10, tzinfo=AMSTERDAM),
        location="Kantoor Utrecht, kamer 2"))
    assert view.id
    assert planner.planning_info(officer, case_id) is not None


def test_the_beheerder_erases_a_person_as_their_login(desk: dict[StaffRole, Context]) -> None:
    """The AVG erasure anonymises the history through the database's function (the login may
    not change a history line), confidential lines included, and the function says so."""
    from klachtdesk.services.privacy import avg as privacy

    case_id = _register(desk[R.CUSTOMER_SERVICE])
    workflow.add_note(desk[R.OFFICER], case_id, SECRET, confidential=True)
    workflow.add_note(desk[R.CUSTOMER_SERVICE], case_id, "Jan de Vries belde terug")
    result = privacy.erase_person(desk[R.ADMIN], "jan@example.nl")
    assert result.request is not None
    timeline = complaints.get_case(desk[R.OFFICER], case_id, record_view=False).timeline
    assert all(entry.body is None for entry in timeline if not entry.summary.endswith("(database)"))
    assert "Vries" not in " ".join(entry.summary for entry in timeline)
    assert any(entry.summary.startswith("Geschiedenis geanonimiseerd (AVG)") for entry in timeline)


@pytest.mark.parametrize("role", [R.CUSTOMER_SERVICE, R.ADMIN], ids=lambda r: r.value)
def test_the_mail_intake_runs_as_a_registering_login(desk: dict[StaffRole, Context], role: StaffRole) -> None:
    """``klachtdesk post`` as the login of someone who registers: new cases, replies, bounces
    and out-of-office mails all stored (a refused write would end in quarantine)."""
    from pathlib import Path

    from klachtdesk.services.config.mail import MailSettings
    from klachtdesk.services.mail import intake

    corpus = Path(__file__).resolve().parents[1] / "mail_corpus"
    names = ["01_outlook_klacht_cp1252.eml", "11_reply_with_number_gmail.eml", "15_ooo_dutch_outlook.eml",
             "18_dsn_postfix.eml", "21_newsletter_list.eml"]
    for name in names:
        result = intake.receive(desk[role], intake.IncomingMail((corpus / name).read_bytes(), f"test:{name}"),
                                MailSettings())
        assert "mislukte" not in (getattr(result, "reason", "") or ""), (name, result)
