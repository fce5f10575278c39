"""The procedure from assignment to closure: statuses, handler, contact, notes,
closing, reopening, the geschillencommissie, deadlines met by the right events, and
two people on one case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from klachtdesk.errors import PermissionDenied, StaleEdit, TransitionRefused, ValidationError
from klachtdesk.models import (
    Acceptance,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventType,
    StaffRole,
    Status,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.correspondence import messages
from klachtdesk.services.lists import inbox
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.procedure.workflow import COMPLAINT_TRANSITIONS, QUESTION_TRANSITIONS

S = Status


def register(context: Context, kind: ComplaintKind = ComplaintKind.COMPLAINT) -> int:
    data = RegistrationInput(
        kind=kind,
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type="Teleconsultatie",
        description="De arts was onvriendelijk.",
        invoice_number="F-2026-001" if kind is ComplaintKind.INVOICE_QUESTION else "",
    )
    return complaints.register(context, data).id


def version(context: Context, complaint_id: int) -> int:
    return complaints.get_case(context, complaint_id, record_view=False).version


def force(context: Context, complaint_id: int, **values: object) -> int:
    """Put a case in a state directly (test set-up), returning its version."""
    with context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id == complaint_id).values(**values))  # type: ignore[arg-type]
    return version(context, complaint_id)


def case_events(context: Context, complaint_id: int, type: EventType | None = None) -> list[Event]:
    with context.db.read() as session:
        query = select(Event).where(Event.complaint_id == complaint_id).order_by(Event.id)  # type: ignore[arg-type]
        if type is not None:
            query = query.where(Event.type == type)
        return list(session.exec(query).all())


def deadline(context: Context, complaint_id: int, kind: DeadlineKind) -> Deadline:
    with context.db.read() as session:
        row = session.exec(select(Deadline).where(Deadline.complaint_id == complaint_id, Deadline.kind == kind)).one()
        return row


def state(context: Context, complaint_id: int, kind: DeadlineKind) -> DeadlineState | None:
    views = complaints.get_case(context, complaint_id, record_view=False).deadlines
    return next((v.state for v in views if v.kind is kind), None)


# ---------------------------------------------------------------------------------------
# the tables
# ---------------------------------------------------------------------------------------

def _ordered(statuses: frozenset[Status]) -> list[Status]:
    """Sets iterate in hash order, which differs per process; xdist needs one order."""
    return sorted(statuses, key=list(Status).index)


ALLOWED = [(ComplaintKind.COMPLAINT, a, b) for a, nexts in COMPLAINT_TRANSITIONS.items() for b in _ordered(nexts)] + [
    (ComplaintKind.INVOICE_QUESTION, a, b) for a, nexts in QUESTION_TRANSITIONS.items() for b in _ordered(nexts)
]


def _refused_pairs() -> list[tuple[ComplaintKind, Status, Status]]:
    pairs = []
    for kind, table in ((ComplaintKind.COMPLAINT, COMPLAINT_TRANSITIONS), (ComplaintKind.INVOICE_QUESTION,
                                                                           QUESTION_TRANSITIONS)):
        for current in table:
            for to in Status:
                if to not in table[current]:
                    pairs.append((kind, current, to))
    return pairs


REFUSED = _refused_pairs()


@pytest.mark.parametrize(("kind", "current", "to"), ALLOWED, ids=lambda v: getattr(v, "value", v))
def test_every_allowed_step_of_the_tables_passes(kind: ComplaintKind, current: Status, to: Status) -> None:
    workflow.check_transition(kind, current, to)


@pytest.mark.parametrize(("kind", "current", "to"), REFUSED, ids=lambda v: getattr(v, "value", v))
def test_every_other_step_is_refused_with_a_reason(kind: ComplaintKind, current: Status, to: Status) -> None:
    with pytest.raises(TransitionRefused) as refused:
        workflow.check_transition(kind, current, to)
    message = refused.value.message
    assert message.endswith(".") and len(message) > 25
    assert to.value in message


def test_the_reason_names_what_to_do() -> None:
    with pytest.raises(TransitionRefused, match="wijs eerst een behandelaar toe"):
        workflow.check_transition(ComplaintKind.COMPLAINT, S.NEW, S.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="bestaat niet voor een klacht"):
        workflow.check_transition(ComplaintKind.COMPLAINT, S.IN_PROGRESS, S.HANDLED)
    with pytest.raises(TransitionRefused, match="vanaf hier kan: 'in behandeling', 'in bemiddeling', 'opgelost', 'gesloten'"):
        workflow.check_transition(ComplaintKind.COMPLAINT, S.SOLUTION_PROPOSED, S.NEW)


def test_the_service_applies_every_allowed_step_and_refuses_the_others(context: Context) -> None:
    """Through ``transition`` (and ``close`` for the closing steps), on a real case."""
    complaint_id = register(context)
    question_id = register(context, ComplaintKind.INVOICE_QUESTION)
    handler = context.user.id
    for kind, current, to in ALLOWED:
        case_id = complaint_id if kind is ComplaintKind.COMPLAINT else question_id
        v = force(context, case_id, status=current, handler_id=handler, accepted=Acceptance.NO, closed_at=None)
        if to in workflow.CLOSING_STATUSES:
            with pytest.raises(TransitionRefused, match="Afsluiten"):
                workflow.transition(context, case_id, v, to)
            new = workflow.close(context, case_id, v, "Opgelost met excuses.", Acceptance.NO)
        else:
            new = workflow.transition(context, case_id, v, to, reason="omdat het moet")
        assert new == v + 1
        assert complaints.get_case(context, case_id, record_view=False).status is to, (current, to)
    for kind, current, to in REFUSED:
        case_id = complaint_id if kind is ComplaintKind.COMPLAINT else question_id
        v = force(context, case_id, status=current, handler_id=handler)
        before = len(case_events(context, case_id))
        with pytest.raises(TransitionRefused):
            workflow.transition(context, case_id, v, to, reason="x")
        after = complaints.get_case(context, case_id, record_view=False)
        assert (after.status, after.version) == (current, v)
        assert len(case_events(context, case_id)) == before


def test_a_status_change_is_an_event_with_who_and_why(context: Context) -> None:
    case_id = register(context)
    v = workflow.assign(context, case_id, version(context, case_id), context.user.id)
    workflow.transition(context, case_id, v, S.IN_PROGRESS, reason="Klager gebeld")
    last = case_events(context, case_id, EventType.STATUS_CHANGED)[-1]
    assert last.summary == "Status: toegewezen → in behandeling"
    assert last.body == "Klager gebeld"
    assert last.actor_id == context.user.id
    assert last.data == {"van": "toegewezen", "naar": "in behandeling"}


def test_a_step_that_needs_a_handler_is_refused_without_one(context: Context) -> None:
    case_id = register(context)
    v = force(context, case_id, status=S.REOPENED, handler_id=None)
    with pytest.raises(TransitionRefused, match="wijs eerst een behandelaar toe"):
        workflow.transition(context, case_id, v, S.IN_PROGRESS)
    v = force(context, case_id, status=S.NEW)
    with pytest.raises(TransitionRefused, match="behandelaar"):
        workflow.transition(context, case_id, v, S.ASSIGNED)


def test_roles_decide_who_may_take_a_step(context: Context, as_user: Callable[..., Context]) -> None:
    case_id = register(context)
    v = version(context, case_id)
    directie = as_user("dirk", StaffRole.MANAGEMENT)
    service = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    handler = as_user("bea", StaffRole.HANDLER)
    with pytest.raises(PermissionDenied):
        workflow.transition(directie, case_id, v, S.ASSIGNED)
    with pytest.raises(PermissionDenied):
        workflow.assign(service, case_id, v, handler.user.id)
    with pytest.raises(PermissionDenied):
        workflow.assign(handler, case_id, v, handler.user.id)
    with pytest.raises(PermissionDenied):
        workflow.add_note(handler, case_id, "geheim", confidential=True)
    with pytest.raises(PermissionDenied):
        workflow.close(service, case_id, v, "x", "ja")
    assert version(context, case_id) == v


# ---------------------------------------------------------------------------------------
# assignment
# ---------------------------------------------------------------------------------------


def test_assigning_a_new_case_makes_it_assigned_and_both_are_in_the_history(
    context: Context, as_user: Callable[..., Context]
) -> None:
    manager = as_user("mona", StaffRole.MANAGER, name="Mona Manager")
    bea = as_user("bea", StaffRole.HANDLER, name="Bea Behandelaar")
    case_id = register(context)
    v = workflow.assign(manager, case_id, version(context, case_id), bea.user.id, reason="Zij kent de klant")
    case = complaints.get_case(context, case_id, record_view=False)
    assert (case.status, case.handler_id, case.handler, case.version) == (S.ASSIGNED, bea.user.id, "Bea Behandelaar", v)
    assigned = case_events(context, case_id, EventType.ASSIGNED)
    assert [e.summary for e in assigned] == ["Toegewezen aan Bea Behandelaar"]
    assert assigned[0].actor_id == manager.user.id and assigned[0].body == "Zij kent de klant"
    assert case_events(context, case_id, EventType.STATUS_CHANGED)[-1].data["naar"] == "toegewezen"

    # "mijn zaken" follows the handler
    mine = inbox.fetch_page(bea, InboxQuery(filters=CaseFilter(handler_id=bea.user.id)))
    assert [row.id for row in mine] == [case_id]

    # reassignment: the status stays, the history says from whom to whom
    v = workflow.transition(bea, case_id, v, S.IN_PROGRESS)
    cees = as_user("cees", StaffRole.OFFICER, name="Cees Functionaris")
    v = workflow.assign(manager, case_id, v, cees.user.id)
    case = complaints.get_case(context, case_id, record_view=False)
    assert (case.status, case.handler_id) == (S.IN_PROGRESS, cees.user.id)
    last = case_events(context, case_id, EventType.ASSIGNED)[-1]
    assert last.summary == "Overgedragen van Bea Behandelaar aan Cees Functionaris"
    assert last.data["van_id"] == bea.user.id and last.data["naar_id"] == cees.user.id
    assert inbox.fetch_page(bea, InboxQuery(filters=CaseFilter(handler_id=bea.user.id))) == []


def test_assignment_refuses_the_same_handler_and_staff_who_cannot_handle(
    context: Context, as_user: Callable[..., Context]
) -> None:
    case_id = register(context)
    karin = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    v = version(context, case_id)
    with pytest.raises(ValidationError, match="geen rol") as refused:
        workflow.assign(context, case_id, v, karin.user.id)
    assert refused.value.field == "handler"
    with pytest.raises(ValidationError, match="actieve medewerker"):
        workflow.assign(context, case_id, v, 9999)
    v = workflow.assign(context, case_id, v, context.user.id)
    with pytest.raises(ValidationError, match="al de behandelaar"):
        workflow.assign(context, case_id, v, context.user.id)
    v = force(context, case_id, status=S.CLOSED)
    with pytest.raises(TransitionRefused, match="heropen"):
        workflow.assign(context, case_id, v, karin.user.id)
    names = [m.username for m in workflow.handler_candidates(context)]
    assert "tester" in names and "karin" not in names


# ---------------------------------------------------------------------------------------
# contact and deadlines met by the right events
# ---------------------------------------------------------------------------------------


def test_the_handlers_first_contact_meets_the_first_contact_deadline(
    context: Context, as_user: Callable[..., Context]
) -> None:
    bea = as_user("bea", StaffRole.HANDLER, name="Bea")
    karin = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    case_id = register(context)
    workflow.assign(context, case_id, version(context, case_id), bea.user.id)

    # customer service took a call: logged, but not the handler's contact
    logged = workflow.log_contact(karin, case_id, "telefoon", "in", "Klager belde over de stand van zaken")
    assert logged.met == ()
    # an incoming e-mail to the handler is not the handler reaching the klager
    assert workflow.log_contact(bea, case_id, "e-mail", "in", "Aanvullende foto's ontvangen").met == ()
    assert state(context, case_id, DeadlineKind.FIRST_CONTACT) is DeadlineState.OPEN

    logged = workflow.log_contact(bea, case_id, "telefoon", "uit", "Klacht besproken, gegevens aangevuld")
    assert logged.met == ("Contact van de behandelaar met de klant",)
    row = deadline(context, case_id, DeadlineKind.FIRST_CONTACT)
    assert row.met_by_event_id == logged.event_id
    assert state(context, case_id, DeadlineKind.FIRST_CONTACT) is DeadlineState.MET
    # the reply and the decision are not met by a contact
    assert state(context, case_id, DeadlineKind.REPLY) is DeadlineState.OPEN
    assert state(context, case_id, DeadlineKind.DECISION) is DeadlineState.OPEN

    # a second contact changes nothing
    workflow.log_contact(bea, case_id, "gesprek", "uit", "Op kantoor gesproken")
    assert deadline(context, case_id, DeadlineKind.FIRST_CONTACT).met_by_event_id == logged.event_id

    contacts = case_events(context, case_id, EventType.CONTACT)
    assert [e.data["richting"] for e in contacts] == ["in", "in", "uit", "uit"]
    assert contacts[2].summary == "Contact met de klager: telefoon, uitgaand"
    assert contacts[2].body == "Klacht besproken, gegevens aangevuld"


def test_a_late_first_contact_is_met_late(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)  # Monday 23 November; contact due Wednesday 25
    workflow.assign(context, case_id, version(context, case_id), context.user.id)
    clock.advance(timedelta(days=3))  # Thursday 26
    workflow.log_contact(context, case_id, "telefoon", "uit", "Eindelijk bereikt")
    assert state(context, case_id, DeadlineKind.FIRST_CONTACT) is DeadlineState.MET_LATE


def test_contact_input_is_checked(context: Context) -> None:
    case_id = register(context)
    with pytest.raises(ValidationError) as empty:
        workflow.log_contact(context, case_id, "telefoon", "uit", "  ")
    assert empty.value.field == "summary"
    with pytest.raises(ValidationError) as medium:
        workflow.log_contact(context, case_id, "postduif", "uit", "x")
    assert medium.value.field == "medium"
    with pytest.raises(ValidationError, match="toekomst"):
        workflow.log_contact(context, case_id, "telefoon", "uit", "x", at=context.now() + timedelta(hours=1))


def test_messages_meet_the_reply_and_the_decision(context: Context) -> None:
    from klachtdesk.services.correspondence import messages

    case_id = register(context)
    draft = messages.prepare_acknowledgement(context, case_id)
    sent = messages.send(context, case_id, draft.template, draft.subject, draft.body)
    assert sent.met == ("Reactie van de klachtencoördinator",)
    assert state(context, case_id, DeadlineKind.REPLY) is DeadlineState.MET
    assert state(context, case_id, DeadlineKind.DECISION) is DeadlineState.OPEN
    draft = messages.prepare(context, case_id, "beslissing", oordeel="Gegrond.", maatregelen="Scholing.",
                             termijn="Voor 1 februari 2027.")
    sent = messages.send(context, case_id, draft.template, draft.subject, draft.body)
    assert sent.met == ("Beslissing op de klacht (Wkkgz)",)
    assert state(context, case_id, DeadlineKind.DECISION) is DeadlineState.MET
    assert state(context, case_id, DeadlineKind.FIRST_CONTACT) is DeadlineState.OPEN


# ---------------------------------------------------------------------------------------
# notes
# ---------------------------------------------------------------------------------------


def test_confidential_notes_are_only_for_the_klachtenfunctionaris(
    context: Context, as_user: Callable[..., Context]
) -> None:
    officer = as_user("olga", StaffRole.OFFICER)
    handler = as_user("bea", StaffRole.HANDLER)
    directie = as_user("dirk", StaffRole.MANAGEMENT)
    case_id = register(context)
    workflow.add_note(handler, case_id, "Klant wil vooral excuses.")
    workflow.add_note(officer, case_id, "Klager vertelde over thuissituatie.", confidential=True)
    with pytest.raises(ValidationError):
        workflow.add_note(handler, case_id, "   ")

    def notes(ctx: Context) -> list[tuple[EventType, str | None]]:
        timeline = complaints.get_case(ctx, case_id, record_view=False).timeline
        return [(e.type, e.body) for e in timeline if e.type in (EventType.NOTE, EventType.CONFIDENTIAL_NOTE)]

    assert notes(officer) == [(EventType.CONFIDENTIAL_NOTE, "Klager vertelde over thuissituatie."),
                              (EventType.NOTE, "Klant wil vooral excuses.")]
    assert notes(handler) == [(EventType.NOTE, "Klant wil vooral excuses.")]
    # directie sees that there is a note, not what it says
    assert notes(directie) == [(EventType.NOTE, None)]


# ---------------------------------------------------------------------------------------
# closing, reopening, referral
# ---------------------------------------------------------------------------------------


def test_closing_records_the_resolution_and_settles_the_deadlines(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)  # reply due Thu 26 Nov, contact Wed 25 Nov, decision Mon 4 Jan 2027
    v = workflow.assign(context, case_id, version(context, case_id), context.user.id)
    v = workflow.transition(context, case_id, v, S.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="oplossing"):
        workflow.close(context, case_id, v, "Excuses", Acceptance.YES)
    v = workflow.transition(context, case_id, v, S.SOLUTION_PROPOSED)
    with pytest.raises(ValidationError) as empty:
        workflow.close(context, case_id, v, " ", Acceptance.YES)
    assert empty.value.field == "resolution"
    with pytest.raises(ValidationError) as bad:
        workflow.close(context, case_id, v, "Excuses", "misschien")
    assert bad.value.field == "accepted"

    clock.advance(timedelta(days=2, hours=1))  # Wednesday 25 Nov, 11:00: contact due today, not yet late
    v = workflow.close(context, case_id, v, "Excuses aangeboden en tegoed gegeven.", "ja")
    case = complaints.get_case(context, case_id, record_view=False)
    assert case.status is S.CLOSED and case.version == v
    assert case.resolution == "Excuses aangeboden en tegoed gegeven." and case.accepted == "ja"
    assert case.closed_at == context.now()
    # a deadline is met only by its event: no letter was sent, so the reply and the decision
    # stay open (issue 15, item 2); the first contact, not yet due, lapses
    assert state(context, case_id, DeadlineKind.REPLY) is DeadlineState.OPEN
    assert state(context, case_id, DeadlineKind.DECISION) is DeadlineState.OPEN
    assert deadline(context, case_id, DeadlineKind.FIRST_CONTACT).cancelled_at == context.now()
    with context.db.read() as session:
        assert session.get(Complaint, case_id).next_due == date(2026, 11, 26)  # type: ignore[union-attr]
    closing = case_events(context, case_id, EventType.STATUS_CHANGED)[-1]
    assert closing.summary == "Zaak gesloten; klager akkoord: ja"
    assert closing.data["akkoord"] == "ja"
    settled = case_events(context, case_id, EventType.DEADLINE)[-1]
    assert "vervallen" in settled.summary and "nog open: niet verstuurd" in settled.summary
    assert "op tijd" not in settled.summary


def test_a_deadline_already_passed_at_closing_stays_missed(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)
    v = force(context, case_id, status=S.SOLUTION_PROPOSED, handler_id=context.user.id)
    clock.advance(timedelta(days=7))  # Monday 30 Nov: reply and contact deadlines have passed
    workflow.close(context, case_id, v, "Opgelost", "onbekend")
    # never counted as met by the closure: missed is missed
    assert state(context, case_id, DeadlineKind.FIRST_CONTACT) is DeadlineState.OVERDUE
    assert state(context, case_id, DeadlineKind.REPLY) is DeadlineState.OVERDUE
    assert state(context, case_id, DeadlineKind.DECISION) is DeadlineState.OPEN
    settled = case_events(context, case_id, EventType.DEADLINE)[-1]
    assert "niet gehaald" in settled.summary


def test_the_decision_letter_after_closing_meets_the_decision_deadline(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)
    v = force(context, case_id, status=S.SOLUTION_PROPOSED, handler_id=context.user.id)
    case = complaints.get_case(context, case_id, record_view=False)
    warning = workflow.closing_warning(case.kind, case.deadlines)
    assert warning and "beslissing op de klacht (Wkkgz)" in warning  # the law keeps its capital
    workflow.close(context, case_id, v, "Opgelost", "ja")
    draft = messages.prepare(context, case_id, "beslissing", oordeel="Gegrond.", maatregelen="Excuses.",
                             termijn="Direct.")
    messages.send(context, case_id, draft.template, draft.subject, draft.body)
    assert state(context, case_id, DeadlineKind.DECISION) is DeadlineState.MET
    case = complaints.get_case(context, case_id, record_view=False)
    assert workflow.closing_warning(case.kind, case.deadlines) is None


def test_a_question_is_handled_and_its_reply_is_met(context: Context) -> None:
    case_id = register(context, ComplaintKind.INVOICE_QUESTION)
    case = complaints.get_case(context, case_id, record_view=False)
    assert case.status is S.FORWARDED
    v = workflow.close(context, case_id, case.version, "Factuur gecrediteerd.", "ja")
    assert complaints.get_case(context, case_id, record_view=False).status is S.HANDLED
    assert state(context, case_id, DeadlineKind.REPLY) is DeadlineState.MET
    v = workflow.reopen(context, case_id, v, "Klant belde: creditnota niet ontvangen.")
    assert complaints.get_case(context, case_id, record_view=False).status is S.REOPENED


def test_reopening_needs_a_closed_case_and_a_reason(context: Context) -> None:
    case_id = register(context)
    v = version(context, case_id)
    with pytest.raises(TransitionRefused):
        workflow.reopen(context, case_id, v, "waarom niet")
    v = force(context, case_id, status=S.SOLUTION_PROPOSED, handler_id=context.user.id)
    v = workflow.close(context, case_id, v, "Opgelost", "ja")
    with pytest.raises(ValidationError) as empty:
        workflow.reopen(context, case_id, v, "")
    assert empty.value.field == "reason"
    v = workflow.reopen(context, case_id, v, "Klager meldt dat het probleem terug is.")
    case = complaints.get_case(context, case_id, record_view=False)
    assert (case.status, case.closed_at) == (S.REOPENED, None)
    last = case_events(context, case_id, EventType.STATUS_CHANGED)[-1]
    assert last.summary == "Heropend (was: gesloten)" and last.body == "Klager meldt dat het probleem terug is."
    # and it walks on: in behandeling again (the handler is still there)
    workflow.transition(context, case_id, v, S.IN_PROGRESS)


def test_referral_follows_a_closure_without_a_solution(context: Context) -> None:
    accepted = register(context)
    v = force(context, accepted, status=S.SOLUTION_PROPOSED, handler_id=context.user.id)
    v = workflow.close(context, accepted, v, "Tegoed gegeven", Acceptance.YES)
    with pytest.raises(TransitionRefused, match="aanvaard"):
        workflow.refer(context, accepted, v)

    rejected = register(context)
    v = force(context, rejected, status=S.SOLUTION_PROPOSED, handler_id=context.user.id)
    with pytest.raises(TransitionRefused):
        workflow.refer(context, rejected, v)  # not closed yet
    with pytest.raises(TransitionRefused, match="doorverwezen"):
        workflow.record_dispute_outcome(context, rejected, v, "x")
    v = workflow.close(context, rejected, v, "Geen overeenstemming over vergoeding", Acceptance.NO)
    v = workflow.refer(context, rejected, v, reason="Klager wil naar de commissie")
    case = complaints.get_case(context, rejected, record_view=False)
    assert case.status is S.REFERRED
    assert case_events(context, rejected, EventType.STATUS_CHANGED)[-1].summary == \
        "Doorverwezen naar de geschillencommissie"
    with pytest.raises(ValidationError):
        workflow.record_dispute_outcome(context, rejected, v, " ")
    v = workflow.record_dispute_outcome(context, rejected, v, "Klacht gegrond; vergoeding € 150.")
    case = complaints.get_case(context, rejected, record_view=False)
    assert case.dispute_outcome == "Klacht gegrond; vergoeding € 150." and case.version == v
    assert case_events(context, rejected, EventType.FIELD_CHANGED)[-1].summary == \
        "Uitkomst geschillencommissie vastgelegd"


# ---------------------------------------------------------------------------------------
# two people on one case
# ---------------------------------------------------------------------------------------


def test_an_edit_on_an_outdated_version_is_refused_with_a_clear_message(
    context: Context, as_user: Callable[..., Context]
) -> None:
    anna = as_user("anna", StaffRole.MANAGER, name="Anna de Wit")
    ben = as_user("ben", StaffRole.MANAGER, name="Ben Bos")
    case_id = register(context)
    seen = version(context, case_id)  # both opened the case at this version
    workflow.assign(anna, case_id, seen, anna.user.id)
    for attempt in (
        lambda: workflow.assign(ben, case_id, seen, ben.user.id),
        lambda: workflow.transition(ben, case_id, seen, S.ASSIGNED),
        lambda: complaints.update_fields(ben, case_id, seen, {"category": "Bejegening"}),
        lambda: workflow.close(ben, case_id, seen, "x", "ja"),
    ):
        with pytest.raises(StaleEdit) as stale:
            attempt()
        assert "gewijzigd door Anna de Wit" in stale.value.message
        assert "invoer" in stale.value.message
    case = complaints.get_case(context, case_id, record_view=False)
    assert (case.handler_id, case.category, case.version) == (anna.user.id, None, seen + 1)
    # with the fresh version Ben's edit goes through
    complaints.update_fields(ben, case_id, case.version, {"category": "Bejegening"})


def test_case_actions_follow_role_and_state(context: Context, as_user: Callable[..., Context]) -> None:
    case_id = register(context)
    directie = as_user("dirk", StaffRole.MANAGEMENT)
    handler = as_user("bea", StaffRole.HANDLER)
    case = complaints.get_case(context, case_id, record_view=False)
    everyone = workflow.case_actions(context, case)
    assert everyone["assign"].enabled and everyone["extend"].enabled
    assert not everyone["close"].possible and everyone["close"].why_not
    assert not everyone["reopen"].possible
    seen_by_directie = workflow.case_actions(directie, complaints.get_case(directie, case_id))
    assert {name for name, s in seen_by_directie.items() if s.allowed} == {"measure"}
    seen_by_handler = workflow.case_actions(handler, case)
    assert not seen_by_handler["assign"].allowed and not seen_by_handler["confidential_note"].allowed
    assert seen_by_handler["contact"].enabled


def test_history_is_append_only_with_who_and_when(context: Context) -> None:
    case_id = register(context)
    v = workflow.assign(context, case_id, version(context, case_id), context.user.id)
    workflow.log_contact(context, case_id, "telefoon", "uit", "Gebeld")
    workflow.add_note(context, case_id, "Notitie")
    complaints.update_fields(context, case_id, v, {"category": "Bejegening"})
    history = case_events(context, case_id)
    assert [e.type for e in history] == [
        EventType.REGISTERED, EventType.STATUS_CHANGED, EventType.ASSIGNED, EventType.CONTACT, EventType.NOTE,
        EventType.FIELD_CHANGED,
    ]
    assert all(e.actor_id == context.user.id and e.at == context.now() for e in history)
    # the services offer no way to change or remove an event
    for module in (workflow, complaints):
        assert not [name for name in dir(module) if name.startswith(("delete", "remove", "edit_event", "update_event"))]


def test_extension_moves_the_decision_deadline_once_before_the_first_period_ends(
    context: Context, clock  # type: ignore[no-untyped-def]
) -> None:
    case_id = register(context)  # received Monday 23 November 2026: 6 weeks → Monday 4 January 2027
    plan = workflow.check_extension(context, case_id)
    assert (plan.current_due, plan.new_due) == (date(2027, 1, 4), date(2027, 2, 1))
    with context.db.write() as session:
        workflow.extend_decision(session, context, case_id, "Wij hebben meer tijd nodig.")
    row = deadline(context, case_id, DeadlineKind.DECISION)
    assert (row.due, row.original_due) == (date(2027, 2, 1), date(2027, 1, 4))
    assert row.extended_at == context.now() and row.extension_notice == "Wij hebben meer tijd nodig."
    with pytest.raises(TransitionRefused, match="één keer"):
        workflow.check_extension(context, case_id)

    late = register(context)
    clock.advance(timedelta(days=43))  # Tuesday 5 January 2027: the first period has ended
    with pytest.raises(TransitionRefused, match="vóór het einde"):
        workflow.check_extension(context, late)
    question = register(context, ComplaintKind.ACCOUNT_QUESTION)
    with pytest.raises(TransitionRefused, match="Alleen een klacht"):
        workflow.check_extension(context, question)
