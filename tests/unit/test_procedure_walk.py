"""The procedure as a desk lives it (issue 15, items 1–3): a reopened case runs deadlines
again with a clean slate for its outcome; closing meets no deadline without its letter;
the planner's steps walk the same transition table as everything else. Both engines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.errors import ConfigError, TransitionRefused
from klachtdesk.models import Acceptance, ComplaintKind, DeadlineKind, DeadlineState, EventType, PartyRole, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.views import NextStep, OutcomeInput, SessionRequest
from klachtdesk.services.procedure import workflow
from klachtdesk.models import SessionType
from klachtdesk.services.deadlines import bulk

S = Status


def register(context: Context, kind: ComplaintKind = ComplaintKind.COMPLAINT) -> int:
    return complaints.register(context, RegistrationInput(
        kind=kind, complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="Onvriendelijk behandeld.", invoice_number="F-1",
        involved=[PersonInput(name="Bert Bakker", role=PartyRole.RESPONDENT)],
    )).id


def case(context: Context, case_id: int) -> complaints.CaseDetail:
    return complaints.get_case(context, case_id, record_view=False)


def closed_case(context: Context) -> tuple[int, int]:
    case_id = register(context)
    v = workflow.assign(context, case_id, case(context, case_id).version, context.user.id)
    v = workflow.transition(context, case_id, v, S.IN_PROGRESS)
    v = workflow.transition(context, case_id, v, S.SOLUTION_PROPOSED)
    draft = messages.prepare(context, case_id, "beslissing", oordeel="Gegrond.", maatregelen="Excuses.",
                             termijn="Direct.")
    messages.send(context, case_id, draft.template, draft.subject, draft.body)  # meets reply and decision
    return case_id, workflow.close(context, case_id, case(context, case_id).version, "Excuses aangeboden.",
                                   Acceptance.NO)


# -- item 1: reopening ---------------------------------------------------------------------


def test_reopening_runs_the_deadlines_again_from_the_reopening(context: Context, clock: FixedClock) -> None:
    case_id, v = closed_case(context)
    clock.moment = datetime(2026, 12, 10, 11, 0, tzinfo=AMSTERDAM)  # Thursday
    workflow.reopen(context, case_id, v, "De klager belde: het probleem is terug.")
    detail = case(context, case_id)
    assert detail.status is S.REOPENED
    # a clean slate for the outcome; the earlier one is kept in the history
    assert detail.resolution is None and detail.accepted is None
    reopened = next(e for e in detail.timeline if e.type is EventType.STATUS_CHANGED)
    assert reopened.data["vorige_oplossing"] == "Excuses aangeboden." and reopened.data["vorig_akkoord"] == "nee"
    running = {d.kind: d for d in detail.deadlines if d.met_at is None and d.due >= date(2026, 12, 10)}
    # from termijnen.toml [heropenen]: reply 3 werkdagen, contact 2, decision 6 weeks — from 10 December
    assert running[DeadlineKind.REPLY].due == date(2026, 12, 15)
    assert running[DeadlineKind.FIRST_CONTACT].due == date(2026, 12, 14)
    assert running[DeadlineKind.DECISION].due == date(2027, 1, 21)
    line = next(e for e in detail.timeline if e.type is EventType.DEADLINE)
    assert line.summary.startswith("Termijnen na heropenen:")
    # the inbox and the deadlines board see it again
    with context.db.read() as session:
        from klachtdesk.models import Complaint
        assert session.get(Complaint, case_id).next_due == date(2026, 12, 14)  # type: ignore[union-attr]


def test_a_reopened_deadline_keeps_counting_from_the_reopening_after_a_recompute(
        context: Context, clock: FixedClock) -> None:
    case_id, v = closed_case(context)
    clock.moment = datetime(2026, 12, 10, 11, 0, tzinfo=AMSTERDAM)
    workflow.reopen(context, case_id, v, "Opnieuw.")
    before = {(d.kind, d.due) for d in case(context, case_id).deadlines if d.met_at is None}
    bulk.recompute_open(context)
    after = {(d.kind, d.due) for d in case(context, case_id).deadlines if d.met_at is None}
    assert after == before  # never moved back to the original receipt


def test_reopening_a_question_gets_its_own_deadlines_only(context: Context) -> None:
    case_id = register(context, ComplaintKind.INVOICE_QUESTION)
    v = workflow.close(context, case_id, case(context, case_id).version, "Gecrediteerd.", "ja")
    workflow.reopen(context, case_id, v, "Creditnota niet ontvangen.")
    open_kinds = [d.kind for d in case(context, case_id).deadlines if d.met_at is None]
    assert open_kinds == [DeadlineKind.REPLY]


def test_the_reopen_rule_is_configuration() -> None:
    from klachtdesk.services.config.procedure import parse_deadline_rules, parse_reopen_rule

    raw = {"termijn": [{"soort": "reactie", "aantal": 3, "eenheid": "werkdagen", "voldaan_door": "reactie",
                        "voor": ["klacht"]}], "heropenen": {"termijnen": ["reactie"], "vanaf": "ontvangst"}}
    rules = parse_deadline_rules(raw)
    rule = parse_reopen_rule(raw, rules)
    assert rule.kinds == (DeadlineKind.REPLY,) and rule.counts_from == "ontvangst"
    raw["heropenen"]["vanaf"] = "gisteren"
    with pytest.raises(ConfigError, match="vanaf"):
        parse_reopen_rule(raw, rules)


# -- item 2: closing meets no deadline without its letter ----------------------------------


def test_closing_leaves_the_decision_open_until_the_letter(context: Context) -> None:
    case_id = register(context)
    v = workflow.assign(context, case_id, case(context, case_id).version, context.user.id)
    v = workflow.transition(context, case_id, v, S.IN_PROGRESS)
    v = workflow.transition(context, case_id, v, S.SOLUTION_PROPOSED)
    workflow.close(context, case_id, v, "Opgelost.", Acceptance.YES)
    decision = next(d for d in case(context, case_id).deadlines if d.kind is DeadlineKind.DECISION)
    assert decision.state is DeadlineState.OPEN and decision.met_at is None


# -- item 3: the planner walks the table ------------------------------------------------------


def _plan(context: Context, case_id: int, start: datetime) -> planner.SessionView:
    return planner.plan_session(context, SessionRequest(
        complaint_id=case_id, type=SessionType.ONE_ON_ONE, starts_at=start, location="Kantoor",
        duration_minutes=60))


def test_the_outcome_solution_proposed_moves_a_new_case_along_the_table(context: Context, clock: FixedClock) -> None:
    case_id = register(context)
    view = _plan(context, case_id, datetime(2026, 11, 24, 10, tzinfo=AMSTERDAM))
    assert case(context, case_id).status is S.IN_MEDIATION
    clock.moment = datetime(2026, 11, 24, 11, 30, tzinfo=AMSTERDAM)
    result = planner.record_outcome(context, view.id, view.version,
                                    OutcomeInput("Goed gesprek.", [], NextStep.SOLUTION_PROPOSED))
    assert result.status is S.SOLUTION_PROPOSED and result.status_note is None
    assert case(context, case_id).status is S.SOLUTION_PROPOSED


def test_the_walk_follows_the_table(context: Context) -> None:
    K = ComplaintKind.COMPLAINT
    assert workflow.path_to(K, S.NEW, S.IN_MEDIATION) == [S.ASSIGNED, S.IN_MEDIATION]
    assert workflow.path_to(K, S.NEW, S.SOLUTION_PROPOSED) in (
        [S.ASSIGNED, S.IN_PROGRESS, S.SOLUTION_PROPOSED], [S.ASSIGNED, S.IN_MEDIATION, S.SOLUTION_PROPOSED])
    assert workflow.path_to(K, S.IN_MEDIATION, S.IN_MEDIATION) == []
    assert workflow.path_to(K, S.RESOLVED, S.IN_MEDIATION) is None  # only through a closure: never walked
    for start in workflow.COMPLAINT_TRANSITIONS:
        for target in (S.IN_PROGRESS, S.IN_MEDIATION, S.SOLUTION_PROPOSED):
            walk = workflow.path_to(K, start, target)
            previous = start
            for step in walk or []:
                workflow.check_transition(K, previous, step)
                previous = step


def test_a_walk_that_needs_a_behandelaar_is_refused_without_one(context: Context) -> None:
    case_id = register(context)
    with context.db.write() as session:
        from klachtdesk.models import Complaint
        row = session.get(Complaint, case_id)
        assert row is not None
        with pytest.raises(TransitionRefused, match="behandelaar"):
            workflow.advance(session, context, row, S.IN_MEDIATION)
