"""Hypothesis over every service entry point that takes text a person typed, on both
engines: a result or a Dutch ``KlachtdeskError`` — never another exception, and never a
``DatabaseProblem`` (that would be the database refusing what the service let through, as
PostgreSQL did with a NUL or a too-long invoice number)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import DatabaseProblem, KlachtdeskError
from klachtdesk.models import Channel, ComplaintKind, PartyRole, PrivacyRequestKind, StaffRole
from klachtdesk.services.cases import complaints, drafts, links, parties, review
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.correspondence import posting
from klachtdesk.services.people import postal
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.identity import staff
from klachtdesk.services.improvement import measures
from klachtdesk.services.lists import search
from klachtdesk.services.people import callers, profile
from klachtdesk.services.people.person_fields import PERSON_FIELDS
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner import wording
from klachtdesk.services.planner.views import AgreementInput, OutcomeInput, SessionRequest
from klachtdesk.services.privacy import avg
from klachtdesk.services.procedure import workflow
from klachtdesk.services.procedure.vocabulary import ContactMedium, Direction, SessionType
from klachtdesk.services.webform import follow
from klachtdesk.services.lists import inbox, saved_views
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.procedure import bulk

from .conftest import HOSTILE, hostile_text

T = hostile_text()
IDS = st.one_of(st.integers(-2, 3), st.sampled_from([2**31 - 1, 2**31, 2**63, 10**30]))
DAYS = st.one_of(st.dates(), st.sampled_from([date(2026, 11, 20), date(1999, 12, 31), date(2101, 1, 1)]))
MOMENTS = st.one_of(
    st.datetimes(timezones=st.just(AMSTERDAM)),
    st.sampled_from([datetime(2026, 11, 24, 10, tzinfo=AMSTERDAM), datetime(9999, 12, 31, 23, tzinfo=AMSTERDAM)]),
)


def person(draw: Callable[..., Any]) -> PersonInput:
    return PersonInput(name=draw(T), phone=draw(T), email=draw(T),
                       role=draw(st.sampled_from([PartyRole.INVOLVED, PartyRole.RESPONDENT])), note=draw(T))


@st.composite
def registration(draw: Callable[..., Any]) -> RegistrationInput:
    return RegistrationInput(
        kind=draw(st.sampled_from(list(ComplaintKind))), channel=draw(st.sampled_from(list(Channel))),
        received_at=draw(st.one_of(st.none(), MOMENTS)),
        complainant=PersonInput(name=draw(T), phone=draw(st.one_of(T, st.just("0612345678"))),
                                email=draw(st.one_of(T, st.just("jan@example.nl"))),
                                street=draw(st.one_of(T, st.just("Dorpsstraat 1"))),
                                postcode=draw(st.one_of(T, st.just("1234 AB"))), city=draw(T), country=draw(T)),
        service_type=draw(st.one_of(T, st.just("Teleconsultatie"))), category=draw(T),
        description=draw(st.one_of(T, st.just("De arts was onvriendelijk."))),
        incident_date=draw(st.one_of(st.none(), DAYS)), remedy_sought=draw(T),
        invoice_number=draw(st.one_of(T, st.just("F-1"))), involved=draw(st.lists(st.builds(lambda: None), max_size=2)
                                                                        .map(lambda xs: [person(draw) for _ in xs])),
    )


def base_case(context: Context) -> int:
    """One ordinary case to act on (registered once per database)."""
    found = inbox.fetch_page(context, limit=1)
    if found:
        return found[0].id
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.")).id


def version(context: Context, complaint_id: int) -> int:
    return complaints.get_case(context, complaint_id, record_view=False).version


#: every entry point that takes user text, each as (name, strategy of its arguments, call)
OPERATIONS: list[tuple[str, st.SearchStrategy[Any], Callable[[Context, int, Any], Any]]] = [
    ("register", registration(), lambda c, case, data: complaints.register(c, data)),
    ("update_fields", st.fixed_dictionaries({}, optional={
        key: st.one_of(T, st.none()) for key in complaints.EDITABLE_TEXT} | {"incident_date": DAYS}),
     lambda c, case, changes: complaints.update_fields(c, case, version(c, case), changes)),
    ("complete_review", registration(),
     lambda c, case, data: review.complete_review(c, case, version(c, case), data)),
    ("add_note", st.tuples(T, st.booleans()), lambda c, case, a: workflow.add_note(c, case, a[0], confidential=a[1])),
    ("log_contact", st.tuples(T, st.sampled_from(list(ContactMedium)), st.sampled_from(list(Direction))),
     lambda c, case, a: workflow.log_contact(c, case, a[1], a[2], a[0])),
    ("transition", st.tuples(T, st.sampled_from(["in behandeling", "gesloten", "\x00"])),
     lambda c, case, a: workflow.transition(c, case, version(c, case), a[1], reason=a[0])),
    ("reopen", T, lambda c, case, reason: workflow.reopen(c, case, version(c, case), reason)),
    ("refer", T, lambda c, case, reason: workflow.refer(c, case, version(c, case), reason)),
    ("close", st.tuples(T, st.sampled_from(["ja", "nee", "\x00"])),
     lambda c, case, a: workflow.close(c, case, version(c, case), a[0], a[1])),
    ("dispute", T, lambda c, case, outcome: workflow.record_dispute_outcome(c, case, version(c, case), outcome)),
    ("assign", st.tuples(IDS, T), lambda c, case, a: workflow.assign(c, case, version(c, case), a[0], reason=a[1])),
    ("get_case", IDS, lambda c, case, i: complaints.get_case(c, i, record_view=False)),
    ("id_for_number", T, lambda c, case, text: complaints.id_for_number(c, text)),
    ("register_request", st.tuples(st.sampled_from(list(PrivacyRequestKind)), T, st.one_of(st.none(), MOMENTS)),
     lambda c, case, a: avg.register_request(c, a[0], a[1], a[2])),
    ("extend_request", IDS, lambda c, case, i: avg.extend_request(c, i)),
    ("find_subject", st.tuples(T, st.one_of(st.none(), st.lists(IDS, max_size=2))),
     lambda c, case, a: avg.find_subject(c, a[0], a[1])),
    ("export_person", st.tuples(T, st.one_of(st.none(), MOMENTS), st.one_of(st.none(), IDS)),
     lambda c, case, a: avg.export_person(c, a[0], received_at=a[1], request_id=a[2])),
    ("erase_person (plan)", T, lambda c, case, q: avg.erase_person(c, q, dry_run=True)),
    ("add_staff", st.tuples(T, T, st.one_of(st.none(), T)),
     lambda c, case, a: staff.add_staff(c, a[0], a[1], {StaffRole.HANDLER}, a[2])),
    ("find_staff", T, lambda c, case, name: staff.find_staff(c, name)),
    ("sign_in", T, lambda c, case, name: staff.sign_in(c, name)),
    ("set_roles", T, lambda c, case, name: staff.set_roles(c, name, {StaffRole.HANDLER})),
    ("search_page", st.tuples(T, st.integers(-1, 3)), lambda c, case, a: search.search_page(c, a[0], limit=a[1] or 1)),
    ("count_matches", T, lambda c, case, text: search.count_matches(c, text)),
    ("suggest_numbers", T, lambda c, case, text: search.suggest_numbers(c, text)),
    ("known_callers", st.tuples(T, T), lambda c, case, a: callers.find_known_callers(c, a[0], a[1])),
    ("draft save", st.tuples(T, st.dictionaries(T, T, max_size=3)), lambda c, case, a: drafts.save(c, a[0], a[1])),
    ("draft load", T, lambda c, case, form: drafts.load(c, form)),
    ("prepare message", st.dictionaries(st.sampled_from(["oordeel", "maatregelen", "termijn", "reden"]), T, max_size=2),
     lambda c, case, inputs: messages.prepare(c, case, "ontvangstbevestiging", **inputs)),
    ("send message", st.tuples(T, T), lambda c, case, a: messages.send(c, case, "ontvangstbevestiging", a[0], a[1])),
    ("measure", st.tuples(T, T, T, st.lists(T, max_size=2), st.one_of(st.none(), IDS), st.one_of(st.none(), DAYS)),
     lambda c, case, a: measures.create(c, measures.MeasureInput(
         title=a[0], description=a[1], check_finding=a[2], complaint_numbers=a[3], owner_id=a[4] or c.user.id,
         due=a[5] or date(2026, 12, 31), category="", service_type=""))),
    ("plan session", st.tuples(T, MOMENTS, st.one_of(st.integers(-5, 600), st.just(10**12))),
     lambda c, case, a: planner.plan_session(c, SessionRequest(
         complaint_id=case, type=SessionType.ONE_ON_ONE, starts_at=a[1], location=a[0], duration_minutes=a[2]))),
    ("cancel session", st.tuples(IDS, T), lambda c, case, a: planner.cancel(c, a[0], None, a[1])),
    ("record outcome", st.tuples(IDS, T, T, T, T), lambda c, case, a: planner.record_outcome(c, a[0], None, OutcomeInput(
        outcome=a[1], agreements=[AgreementInput(description=a[2], owner=a[3], werkdagen=a[4])]))),
    ("week agenda", st.tuples(IDS, DAYS), lambda c, case, a: planner.week_agenda(c, a[0], a[1])),
    ("parse week", T, lambda c, case, text: wording.parse_week(text)),
    ("parse moment", T, lambda c, case, text: wording.parse_moment(text, date(2026, 11, 23))),
    ("parse duration", T, lambda c, case, text: wording.parse_duration(text)),
    ("follow request", st.tuples(T, T), lambda c, case, a: follow.check_request(c, a[0], a[1])),
    ("letter to post", T, lambda c, case, text: posting.letter_to_post(c, text)),
    ("mark posted", st.tuples(IDS, st.one_of(st.none(), DAYS)), lambda c, case, a: posting.mark_posted(c, a[0], a[1])),
    ("print letter", IDS, lambda c, case, i: posting.print_letter(c, i)),
    ("postal address", st.tuples(T, T, T, T), lambda c, case, a: postal.check_address(*a)),
    ("correct person", st.fixed_dictionaries({}, optional={f.name: T for f in PERSON_FIELDS}),
     lambda c, case, typed: profile.correct_person(c, profile.klager_of(c, case),
                                                   profile.get_profile(c, profile.klager_of(c, case)).stored, typed)),
    ("correct person (stale, unknown field)", st.dictionaries(T, st.one_of(T, st.none()), max_size=2),
     lambda c, case, a: profile.correct_person(c, profile.klager_of(c, case), a, a)),
    ("link case", T, lambda c, case, number: links.link(c, case, number)),
    ("unlink case", T, lambda c, case, number: links.unlink(c, case, number)),
    ("profile", IDS, lambda c, case, i: profile.get_profile(c, i)),
    ("party role and note", st.tuples(IDS, T, T),
     lambda c, case, a: parties.update_party(c, case, version(c, case), a[0], a[1], a[2])),
    ("add party", st.tuples(T, T, T, T, T, st.one_of(st.none(), IDS)),
     lambda c, case, a: parties.add_party(c, case, version(c, case), PersonInput(
         name=a[0], phone=a[1], email=a[2], person_id=a[5]), a[3], a[4])),
    ("save view", st.tuples(T, T, T), lambda c, case, a: saved_views.save_view(
        c, a[0], InboxQuery(filters=CaseFilter(category=a[1]), text=a[2]))),
    ("inbox filter", st.tuples(T, st.one_of(st.none(), DAYS), st.one_of(st.none(), DAYS)),
     lambda c, case, a: inbox.fetch_page(c, InboxQuery(filters=CaseFilter(category=a[0], received_from=a[1],
                                                                           received_to=a[2])))),
    ("bulk assign", st.tuples(st.lists(IDS, max_size=3), IDS, T),
     lambda c, case, a: bulk.assign_all(c, [case, *a[0]], a[1], a[2])),
    ("bulk transition", st.tuples(st.lists(IDS, max_size=3), T, T),
     lambda c, case, a: bulk.transition_all(c, [case, *a[0]], a[1], a[2])),
]


@HOSTILE
@given(data=st.data())
def test_every_text_entry_point_gives_a_result_or_a_dutch_refusal(context: Context, data: st.DataObject) -> None:
    case = base_case(context)
    name, arguments, call = data.draw(st.sampled_from(OPERATIONS), label="operation")
    value = data.draw(arguments, label=name)
    try:
        call(context, case, value)
    except DatabaseProblem as problem:  # the database refused what the service let through
        pytest.fail(f"{name}: {problem.message}")
    except KlachtdeskError as error:
        assert error.message and error.message[0].isupper() or error.message[0] in "'\"(", error.message


def test_the_operations_cover_every_kind_of_entry_point() -> None:
    names = {name for name, _, _ in OPERATIONS}
    assert {"register", "update_fields", "add_note", "log_contact", "register_request", "add_staff",
            "search_page", "send message", "measure", "plan session"} <= names
    assert len(OPERATIONS) >= 35
