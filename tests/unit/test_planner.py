"""The mediation-session planner: who is in a session, when it may be, and what follows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.errors import PermissionDenied, StaleEdit, ValidationError
from klachtdesk.models import (
    Agreement,
    Channel,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    DeadlineUnit,
    Event,
    EventType,
    MediationSession,
    PartyRole,
    SessionStatus,
    SessionType,
    StaffRole,
    Status,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.identity import staff
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner.sessions import AgreementInput, NextStep, OutcomeInput, SessionRequest


def ams(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def register_case(
    context: Context, klager: str = "Anna de Vries", *, respondent: str | None = "Bert Bakker",
    involved: tuple[str, ...] = ("Carla Cohen", "Dirk Dekker"), shared: dict[str, int] | None = None,
) -> int:
    """A complaint with its parties; ``shared`` maps a name to an existing person id."""
    shared = shared or {}
    people = []
    if respondent:
        people.append(PersonInput(name=respondent, role=PartyRole.RESPONDENT, person_id=shared.get(respondent)))
    for name in involved:
        people.append(PersonInput(name=name, role=PartyRole.INVOLVED, email=f"{name.split()[0].lower()}@example.nl",
                                  person_id=shared.get(name)))
    registered = complaints.register(context, RegistrationInput(
        kind=ComplaintKind.COMPLAINT, channel=Channel.PHONE,
        complainant=PersonInput(name=klager, phone="0612345678", email="klager@example.nl"),
        service_type="Thuiszorg", description="Afspraak niet nagekomen", involved=people,
    ))
    return registered.id


def set_status(context: Context, complaint_id: int, status: Status) -> None:
    with context.db.write() as session:
        row = session.get(Complaint, complaint_id)
        assert row is not None
        row.status = status


def person_ids(context: Context, complaint_id: int) -> dict[str, int]:
    info = planner.planning_info(context, complaint_id)
    return {p.name: p.person_id for p in info.parties}


def add_officer(context: Context, username: str = "olga", name: str = "Olga Oosterhuis") -> int:
    with context.db.write() as session:
        row = staff.create_staff(session, context, username, name, {StaffRole.OFFICER}, email=f"{username}@ksyos.nl")
        assert row.id is not None
        return row.id


def plan(context: Context, complaint_id: int, start: datetime, *, minutes: int = 60,
         type: SessionType = SessionType.ALL_INVOLVED, **kwargs: object) -> planner.SessionView:
    return planner.plan_session(context, SessionRequest(
        complaint_id=complaint_id, type=type, starts_at=start, location="Kantoor Utrecht, kamer 2",
        duration_minutes=minutes, **kwargs,  # type: ignore[arg-type]
    ))


# ---------------------------------------------------------------------------------------
# participants
# ---------------------------------------------------------------------------------------


def test_all_involved_invites_every_party_and_the_functionaris(context: Context) -> None:
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 24, 10))
    roles = [(p.name, p.role) for p in view.participants]
    assert roles == [
        ("Tess Tester", "klachtenfunctionaris"), ("Anna de Vries", "klager"), ("Bert Bakker", "aangeklaagde"),
        ("Carla Cohen", "betrokkene"), ("Dirk Dekker", "betrokkene"),
    ]
    assert view.officer_name == "Tess Tester"
    assert view.status is SessionStatus.PLANNED
    assert view.location == "Kantoor Utrecht, kamer 2"
    assert (view.starts_at, view.ends_at) == (ams(2026, 11, 24, 10), ams(2026, 11, 24, 11))


def test_one_on_one_is_klager_and_aangeklaagde(context: Context) -> None:
    case = register_case(context)
    info = planner.planning_info(context, case)
    ids = person_ids(context, case)
    assert info.default_participants(SessionType.ONE_ON_ONE) == [ids["Anna de Vries"], ids["Bert Bakker"]]
    view = plan(context, case, ams(2026, 11, 24, 10), type=SessionType.ONE_ON_ONE)
    assert [p.role for p in view.participants] == ["klachtenfunctionaris", "klager", "aangeklaagde"]


def test_the_functionaris_cannot_be_left_out(context: Context) -> None:
    case = register_case(context)
    ids = person_ids(context, case)
    chosen = [ids["Anna de Vries"], ids["Carla Cohen"]]  # adjusted: not everyone, no functionaris
    view = plan(context, case, ams(2026, 11, 24, 10), participant_ids=chosen)
    assert [p.name for p in view.participants] == ["Tess Tester", "Anna de Vries", "Carla Cohen"]


def test_one_on_one_without_aangeklaagde_is_refused(context: Context) -> None:
    case = register_case(context, respondent=None)
    assert not planner.planning_info(context, case).has_respondent
    with pytest.raises(ValidationError) as refused:
        plan(context, case, ams(2026, 11, 24, 10), type=SessionType.ONE_ON_ONE)
    assert refused.value.field == "type"
    assert "geen aangeklaagde" in refused.value.message
    # with everyone involved it can
    assert plan(context, case, ams(2026, 11, 24, 10)).type is SessionType.ALL_INVOLVED


def test_one_on_one_refuses_a_betrokkene_and_every_session_needs_the_klager(context: Context) -> None:
    case = register_case(context)
    ids = person_ids(context, case)
    with pytest.raises(ValidationError, match="alle betrokkenen om ook Carla Cohen"):
        plan(context, case, ams(2026, 11, 24, 10), type=SessionType.ONE_ON_ONE,
             participant_ids=[ids["Anna de Vries"], ids["Bert Bakker"], ids["Carla Cohen"]])
    with pytest.raises(ValidationError, match="klager hoort bij elk"):
        plan(context, case, ams(2026, 11, 24, 10), participant_ids=[ids["Bert Bakker"], ids["Carla Cohen"]])


def test_a_question_gets_no_session(context: Context) -> None:
    registered = complaints.register(context, RegistrationInput(
        kind=ComplaintKind.INVOICE_QUESTION, complainant=PersonInput(name="Els", phone="0612345678"),
        service_type="Thuiszorg", invoice_number="F-1",
    ))
    assert planner.planning_info(context, registered.id).refusal
    with pytest.raises(ValidationError, match="factuurvraag krijgt geen"):
        plan(context, registered.id, ams(2026, 11, 24, 10))


# ---------------------------------------------------------------------------------------
# the calendar: werkdagen, office hours, the past
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "reason"),
    [
        (ams(2026, 12, 25, 10), 60, "Vrijdag 25 december 2026 (Eerste kerstdag) is geen werkdag; kies een werkdag, "
                                    "bijvoorbeeld maandag 28 december 2026."),
        (ams(2026, 11, 28, 10), 60, "Zaterdag 28 november 2026 is geen werkdag; kies een werkdag, "
                                    "bijvoorbeeld maandag 30 november 2026."),
        (ams(2026, 11, 24, 16, 30), 60, "buiten kantoortijd (09:00–17:00): 16:30–17:30"),
        (ams(2026, 11, 24, 8, 30), 60, "buiten kantoortijd"),
        (ams(2026, 11, 23, 9, 0), 60, "in het verleden"),
        (ams(2026, 11, 20, 10, 0), 60, "in het verleden"),
    ],
)
def test_slots_outside_werkdagen_office_hours_or_in_the_past_are_refused(
    context: Context, start: datetime, minutes: int, reason: str
) -> None:
    case = register_case(context)
    with pytest.raises(ValidationError) as refused:
        plan(context, case, start, minutes=minutes)
    assert reason in refused.value.message
    assert refused.value.field == "starts_at"
    with context.db.read() as session:
        assert session.exec(select(MediationSession)).all() == []


def test_the_edges_of_office_hours_and_now_are_allowed(context: Context) -> None:
    case = register_case(context)
    assert plan(context, case, ams(2026, 11, 23, 10, 0)).starts_at == ams(2026, 11, 23, 10)  # now
    assert plan(context, case, ams(2026, 11, 24, 9, 0)).starts_at == ams(2026, 11, 24, 9)
    assert plan(context, case, ams(2026, 11, 24, 16, 0)).ends_at == ams(2026, 11, 24, 17)


def test_the_organisations_own_closures_and_office_hours_count(
    database: object, clock: FixedClock, tmp_path: Path
) -> None:
    kalender = tmp_path / "kalender.toml"
    kalender.write_text(
        'kantoortijden = { van = "08:30", tot = "16:00" }\n'
        'extra_vrije_dagen = [{ datum = 2026-11-27, naam = "Teamdag" }]\n',
        encoding="utf-8",
    )
    from tests.conftest import make_context

    context = make_context(database, clock)  # type: ignore[arg-type]
    context.settings = context.settings.replaced({"kalender.toml": kalender.read_text(encoding="utf-8")})
    case = register_case(context)
    with pytest.raises(ValidationError, match=r"\(Teamdag\) is geen werkdag; kies een werkdag"):
        plan(context, case, ams(2026, 11, 27, 10))
    with pytest.raises(ValidationError, match="08:30–16:00"):
        plan(context, case, ams(2026, 11, 24, 15, 30))
    assert plan(context, case, ams(2026, 11, 24, 8, 30)).starts_at.time() == time(8, 30)
    slots = planner.first_free_slots(context, [], date(2026, 11, 26), count=20)
    assert {s.starts_at.date() for s in slots} == {date(2026, 11, 26), date(2026, 11, 30)}
    assert slots[0].starts_at.time() == time(8, 30)
    assert max(s.ends_at.time() for s in slots) == time(16, 0)


# ---------------------------------------------------------------------------------------
# double bookings
# ---------------------------------------------------------------------------------------


def test_an_external_person_is_not_double_booked_across_cases(context: Context) -> None:
    first = register_case(context)
    carla = person_ids(context, first)["Carla Cohen"]
    second = register_case(context, "Erik Evers", respondent="Carla Cohen", involved=(),
                           shared={"Carla Cohen": carla})
    other_officer = add_officer(context)
    plan(context, first, ams(2026, 11, 24, 10))
    with pytest.raises(ValidationError) as refused:
        plan(context, second, ams(2026, 11, 24, 10, 30), type=SessionType.ONE_ON_ONE, officer_id=other_officer)
    assert refused.value.message == "Carla Cohen heeft dan een gesprek over KL-2026-000001 (10:00–11:00)."
    # back to back is fine
    view = plan(context, second, ams(2026, 11, 24, 11), type=SessionType.ONE_ON_ONE, officer_id=other_officer)
    assert view.officer_name == "Olga Oosterhuis"


def test_the_functionaris_own_sessions_count(context: Context) -> None:
    first = register_case(context)
    second = register_case(context, "Erik Evers", respondent="Frits Frans", involved=())
    plan(context, first, ams(2026, 11, 24, 10), minutes=90)
    with pytest.raises(ValidationError, match=r"Tess Tester heeft dan een gesprek over KL-2026-000001 \(10:00–11:30\)"):
        plan(context, second, ams(2026, 11, 24, 11))
    problems = planner.slot_problems(context, ams(2026, 11, 24, 11), 60,
                                     [planner.planning_info(context, second).parties[0].person_id])
    assert problems == []  # Erik alone is free: it is the functionaris who is not


def test_every_conflict_is_named(context: Context) -> None:
    first = register_case(context)
    ids = person_ids(context, first)
    plan(context, first, ams(2026, 11, 24, 10))
    second = register_case(context, "Anna de Vries", respondent="Bert Bakker", involved=(),
                           shared={"Bert Bakker": ids["Bert Bakker"]})
    found = planner.conflicts(context, ams(2026, 11, 24, 10, 15), 30, [ids["Bert Bakker"], ids["Carla Cohen"]])
    assert [c.name for c in found] == ["Bert Bakker", "Carla Cohen"]
    assert planner.conflicts(context, ams(2026, 11, 24, 11), 30, [ids["Bert Bakker"]]) == []
    with pytest.raises(ValidationError, match="^Dit moment kan niet: .*Tess Tester.*Bert Bakker"):
        plan(context, second, ams(2026, 11, 24, 10, 30), type=SessionType.ONE_ON_ONE)


def test_a_cancelled_session_frees_its_time(context: Context) -> None:
    first = register_case(context)
    view = plan(context, first, ams(2026, 11, 24, 10))
    planner.cancel(context, view.id, view.version, "Klager is ziek")
    assert plan(context, first, ams(2026, 11, 24, 10)).status is SessionStatus.PLANNED


# ---------------------------------------------------------------------------------------
# first free slots
# ---------------------------------------------------------------------------------------


def test_first_free_slots_against_a_hand_built_agenda(context: Context) -> None:
    first = register_case(context)
    second = register_case(context, "Erik Evers", respondent="Frits Frans", involved=())
    ids = person_ids(context, first)
    other = add_officer(context)
    # Bert: 09:00–10:00 and 11:00–12:30 (with Olga); the functionaris (Tess): 13:00–14:00
    plan(context, first, ams(2026, 11, 24, 9), type=SessionType.ONE_ON_ONE)
    shared = register_case(context, "Gijs Groen", respondent="Bert Bakker", involved=(),
                           shared={"Bert Bakker": ids["Bert Bakker"]})
    plan(context, shared, ams(2026, 11, 24, 11), minutes=90, type=SessionType.ONE_ON_ONE, officer_id=other)
    plan(context, second, ams(2026, 11, 24, 13), type=SessionType.ONE_ON_ONE)
    tess = context.user.person_id
    assert tess is not None
    slots = planner.first_free_slots(context, [tess, ids["Anna de Vries"], ids["Bert Bakker"]], date(2026, 11, 24))
    assert [s.starts_at for s in slots] == [
        ams(2026, 11, 24, 10), ams(2026, 11, 24, 14), ams(2026, 11, 24, 14, 30), ams(2026, 11, 24, 15),
        ams(2026, 11, 24, 15, 30),
    ]
    assert slots[0].label == "di 24 nov 10:00–11:00"
    # a 15-minute grid and 30 minutes find the gaps between the sessions too
    slots = planner.first_free_slots(context, [tess, ids["Bert Bakker"]], date(2026, 11, 24),
                                     duration_minutes=30, grid_minutes=15, count=3)
    assert [s.starts_at for s in slots] == [ams(2026, 11, 24, 10), ams(2026, 11, 24, 10, 15),
                                            ams(2026, 11, 24, 10, 30)]
    # the first proposal is accepted when planned, and is then taken
    everyone = [tess, *person_ids(context, first).values()]
    for expected in (ams(2026, 11, 24, 10), ams(2026, 11, 24, 14)):
        slot = planner.first_free_slots(context, everyone, date(2026, 11, 24), count=1)[0]
        assert slot.starts_at == expected
        plan(context, first, slot.starts_at)


def lead_time(context: Context, werkdagen: int) -> None:
    """Pin the organisation's ``kalender.bemiddeling_vanaf_werkdagen``."""
    context.settings = context.settings.replaced({"kalender.toml": f"bemiddeling_vanaf_werkdagen = {werkdagen}\n"})


def test_first_free_slots_start_now_on_the_grid(context: Context, clock: FixedClock) -> None:
    lead_time(context, 0)  # today: the short minimum from now, then the grid
    clock.moment = ams(2026, 11, 23, 10, 5)
    slots = planner.first_free_slots(context, [], date(2026, 11, 20), grid_minutes=15, count=2)
    assert [s.starts_at for s in slots] == [ams(2026, 11, 23, 10, 45), ams(2026, 11, 23, 11)]
    clock.moment = ams(2026, 11, 23, 16, 45)  # nothing fits today any more
    assert planner.first_free_slots(context, [], date(2026, 11, 23), count=1)[0].starts_at == ams(2026, 11, 24, 9)


def test_first_free_slots_skip_weekends_and_holidays(context: Context, clock: FixedClock) -> None:
    clock.moment = ams(2026, 12, 24, 15, 0)
    # the default lead time: from the next werkdag, which is Monday after Christmas
    slots = planner.first_free_slots(context, [], ams(2026, 12, 24, 15, 0), duration_minutes=90, count=3)
    assert [s.starts_at for s in slots] == [ams(2026, 12, 28, 9), ams(2026, 12, 28, 9, 30), ams(2026, 12, 28, 10)]
    lead_time(context, 0)  # today, half an hour from now: 15:30–17:00 still fits
    slots = planner.first_free_slots(context, [], ams(2026, 12, 24, 15, 0), duration_minutes=90, count=3)
    assert [s.starts_at for s in slots] == [ams(2026, 12, 24, 15, 30), ams(2026, 12, 28, 9), ams(2026, 12, 28, 9, 30)]


def test_the_first_slot_offered_follows_the_organisations_lead_time(context: Context, clock: FixedClock) -> None:
    clock.moment = ams(2026, 11, 27, 14, 10)  # a Friday afternoon
    assert context.settings.calendar.planner_lead_werkdagen == 1  # the default: the next werkdag
    assert planner.earliest_offer(context) == ams(2026, 11, 30, 9)
    first = planner.first_free_slots(context, [], date(2026, 11, 27), count=1)[0]
    assert first.starts_at == ams(2026, 11, 30, 9)  # Monday's first office hour, not 14:30 today
    lead_time(context, 0)  # today, after the short minimum
    assert planner.earliest_offer(context) == ams(2026, 11, 27, 14, 40)
    assert planner.first_free_slots(context, [], date(2026, 11, 27), count=1)[0].starts_at == ams(2026, 11, 27, 15)
    lead_time(context, 2)
    assert planner.first_free_slots(context, [], date(2026, 11, 27), count=1)[0].starts_at == ams(2026, 12, 1, 9)
    # a later 'vanaf' day is kept; the lead time only moves what is sooner
    assert planner.first_free_slots(context, [], date(2026, 12, 3), count=1)[0].starts_at == ams(2026, 12, 3, 9)
    # the organisation's own office hours and days off count
    context.settings = context.settings.replaced({"kalender.toml": (
        'kantoortijden = { van = "08:30", tot = "16:00" }\n'
        'extra_vrije_dagen = [2026-11-30]\n'
        "bemiddeling_vanaf_werkdagen = 1\n")})
    assert planner.first_free_slots(context, [], date(2026, 11, 27), count=1)[0].starts_at == ams(2026, 12, 1, 8, 30)
    # a moment typed in may still be today: only what is offered follows the lead time
    lead_time(context, 1)
    assert planner.slot_problems(context, ams(2026, 11, 27, 15), 60) == []


def test_first_free_slots_when_everyone_is_busy_all_day(context: Context) -> None:
    case = register_case(context)
    plan(context, case, ams(2026, 11, 24, 9), minutes=8 * 60)
    tess = context.user.person_id
    slots = planner.first_free_slots(context, [tess], date(2026, 11, 24), count=1)  # type: ignore[list-item]
    assert slots[0].starts_at == ams(2026, 11, 25, 9)


# ---------------------------------------------------------------------------------------
# the DST weeks
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("friday", "monday", "utc_before", "utc_after"),
    [
        (date(2026, 3, 27), date(2026, 3, 30), 9, 8),  # summer time from Sunday 29 March
        (date(2026, 10, 23), date(2026, 10, 26), 8, 9),  # winter time from Sunday 25 October
    ],
)
def test_the_dst_weeks(
    context: Context, clock: FixedClock, friday: date, monday: date, utc_before: int, utc_after: int
) -> None:
    clock.moment = datetime.combine(friday - timedelta(days=1), time(10, 0), tzinfo=AMSTERDAM)
    case = register_case(context)
    before = plan(context, case, datetime.combine(friday, time(10, 0), tzinfo=AMSTERDAM))
    after = plan(context, case, datetime.combine(monday, time(10, 0), tzinfo=AMSTERDAM), minutes=60)
    with context.db.read() as session:
        stored = {row.id: row.starts_at for row in session.exec(select(MediationSession)).all()}
    assert stored[before.id].astimezone(UTC).hour == utc_before
    assert stored[after.id].astimezone(UTC).hour == utc_after
    assert after.starts_at.time() == time(10, 0) and after.ends_at.time() == time(11, 0)
    tess = context.user.person_id
    slots = planner.first_free_slots(
        context, [tess], datetime.combine(friday, time(16, 0), tzinfo=AMSTERDAM), count=3  # type: ignore[list-item]
    )
    # Friday 16:00, then Monday 09:00 and (10:00 is taken) 11:00 — in local time on both sides
    assert [(s.starts_at.date(), s.starts_at.time()) for s in slots] == [
        (friday, time(16, 0)), (monday, time(9, 0)), (monday, time(11, 0)),
    ]
    with pytest.raises(ValidationError, match=r"\(10:00–11:00\)"):
        plan(context, case, datetime.combine(monday, time(10, 30), tzinfo=AMSTERDAM))
    plan(context, case, datetime.combine(monday, time(9, 0), tzinfo=AMSTERDAM))  # ends as Monday's begins
    agenda = planner.week_agenda(context, context.user.id, monday)
    assert [s.starts_at.time() for s in agenda.sessions] == [time(9, 0), time(10, 0)]


# ---------------------------------------------------------------------------------------
# status, reschedule, cancel, outcome
# ---------------------------------------------------------------------------------------


def test_planning_moves_the_case_to_in_bemiddeling_when_allowed(context: Context) -> None:
    case = register_case(context)
    plan(context, case, ams(2026, 11, 24, 10))
    # from nieuw along the table: toegewezen (the functionaris handles it), in bemiddeling
    detail = complaints.get_case(context, case, record_view=False)
    assert detail.status is Status.IN_MEDIATION and detail.handler == "Tess Tester"
    assert [e.summary for e in detail.timeline if e.type is EventType.STATUS_CHANGED] == [
        "Status: toegewezen → in bemiddeling", "Status: nieuw → toegewezen"]  # newest first
    set_status(context, case, Status.IN_PROGRESS)
    before = complaints.get_case(context, case, record_view=False).version
    plan(context, case, ams(2026, 11, 25, 10))
    detail = complaints.get_case(context, case, record_view=False)
    assert detail.status is Status.IN_MEDIATION
    assert detail.version == before + 1
    kinds = [e.type for e in detail.timeline]
    assert kinds.count(EventType.SESSION) == 2 and EventType.STATUS_CHANGED in kinds


def test_reschedule_needs_a_reason_and_checks_the_new_slot(context: Context) -> None:
    case = register_case(context)
    other = register_case(context, "Erik Evers", respondent="Frits Frans", involved=())
    view = plan(context, case, ams(2026, 11, 24, 10))
    plan(context, other, ams(2026, 11, 24, 14))
    with pytest.raises(ValidationError, match="Geef een reden"):
        planner.reschedule(context, view.id, view.version, ams(2026, 11, 24, 10, 30), " ")
    with pytest.raises(ValidationError, match="Tess Tester heeft dan een gesprek over KL-2026-000002"):
        planner.reschedule(context, view.id, view.version, ams(2026, 11, 24, 13, 30), "Klager kan niet")
    with pytest.raises(ValidationError, match="Tweede kerstdag"):
        planner.reschedule(context, view.id, view.version, ams(2026, 12, 26, 10), "Klager kan niet")
    moved = planner.reschedule(context, view.id, view.version, ams(2026, 11, 24, 10, 30), "Klager kan niet",
                               location="Kantoor Amersfoort")  # overlaps only itself
    assert (moved.starts_at, moved.ends_at, moved.location) == (ams(2026, 11, 24, 10, 30), ams(2026, 11, 24, 11, 30),
                                                               "Kantoor Amersfoort")
    assert moved.version == view.version + 1
    with pytest.raises(StaleEdit):
        planner.reschedule(context, view.id, view.version, ams(2026, 11, 25, 10), "nog eens")
    timeline = complaints.get_case(context, case, record_view=False).timeline
    assert timeline[0].summary == (
        "Gesprek verzet: di 24 nov 2026 10:00–11:00 → di 24 nov 2026 10:30–11:30, Kantoor Amersfoort"
    )
    assert timeline[0].body == "Reden: Klager kan niet"


def test_cancel_needs_a_reason(context: Context) -> None:
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 24, 10))
    with pytest.raises(ValidationError, match="reden voor het annuleren"):
        planner.cancel(context, view.id, view.version, "")
    cancelled = planner.cancel(context, view.id, view.version, "Aangeklaagde met verlof")
    assert cancelled.status is SessionStatus.CANCELLED and cancelled.cancel_reason == "Aangeklaagde met verlof"
    with pytest.raises(ValidationError, match="al geannuleerd"):
        planner.reschedule(context, view.id, None, ams(2026, 11, 25, 10), "toch")


def test_record_outcome_with_two_agreements(context: Context, clock: FixedClock) -> None:
    case = register_case(context)
    set_status(context, case, Status.IN_PROGRESS)
    view = plan(context, case, ams(2026, 11, 23, 11))
    outcome = OutcomeInput(
        outcome="Goed gesprek; excuses aangeboden en aanvaard.",
        agreements=[
            AgreementInput("Nieuwe afspraak voor huisbezoek inplannen", "Bert Bakker", 3),
            AgreementInput("Schriftelijke bevestiging aan klager", "Tess Tester", "5"),
            AgreementInput("", "", ""),  # an empty row of the form is ignored
            AgreementInput("", "", "5"),  # also with the form's default werkdagen left in it
        ],
        next_step=NextStep.SOLUTION_PROPOSED, next_step_note="klager denkt er een week over na",
    )
    with pytest.raises(ValidationError, match="begint pas"):
        planner.record_outcome(context, view.id, view.version, outcome)
    clock.moment = ams(2026, 11, 23, 12, 30)
    result = planner.record_outcome(context, view.id, view.version, outcome)
    assert result.status is Status.SOLUTION_PROPOSED and result.status_note is None
    assert result.session.status is SessionStatus.HELD
    assert result.session.outcome == "Goed gesprek; excuses aangeboden en aanvaard."
    assert result.session.next_step == "oplossing voorgesteld: klager denkt er een week over na"
    assert [(a.owner, a.due) for a in result.session.agreements] == [
        ("Bert Bakker", date(2026, 11, 26)), ("Tess Tester", date(2026, 11, 30)),
    ]
    with context.db.read() as session:
        rows = session.exec(select(Deadline).where(Deadline.kind == DeadlineKind.AGREEMENT).order_by(Deadline.id)).all()
        agreements = session.exec(select(Agreement).order_by(Agreement.id)).all()
        assert [(d.label, d.unit, d.amount, d.anchor, d.due, d.agreement_id) for d in rows] == [
            ("Nieuwe afspraak voor huisbezoek inplannen", DeadlineUnit.WORKING_DAYS, 3, date(2026, 11, 23),
             date(2026, 11, 26), agreements[0].id),
            ("Schriftelijke bevestiging aan klager", DeadlineUnit.WORKING_DAYS, 5, date(2026, 11, 23),
             date(2026, 11, 30), agreements[1].id),
        ]
        verslag = session.exec(select(Event).where(Event.confidential == True)).all()  # noqa: E712
        assert [e.body for e in verslag] == ["Goed gesprek; excuses aangeboden en aanvaard."]
    detail = complaints.get_case(context, case, record_view=False)
    assert [d.label for d in detail.deadlines if d.kind is DeadlineKind.AGREEMENT] == [
        "Nieuwe afspraak voor huisbezoek inplannen", "Schriftelijke bevestiging aan klager",
    ]
    assert any(e.summary.endswith("gehouden; 2 afspraken; vervolg: oplossing voorgesteld") for e in detail.timeline)
    with pytest.raises(ValidationError, match="al gehouden"):
        planner.record_outcome(context, view.id, None, outcome)


def test_record_outcome_validates_the_agreements(context: Context, clock: FixedClock) -> None:
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 23, 10))
    clock.moment = ams(2026, 11, 23, 11, 5)
    bad = [
        (OutcomeInput("", []), "outcome"),
        (OutcomeInput("ok", [AgreementInput("Bellen", "", 3)]), "agreements[0].owner"),
        (OutcomeInput("ok", [AgreementInput("Bellen", "Bert", 3), AgreementInput("", "Bert", 3)]),
         "agreements[1].description"),
        (OutcomeInput("ok", [AgreementInput("Bellen", "Bert", "drie")]), "agreements[0].werkdagen"),
        (OutcomeInput("ok", [AgreementInput("Bellen", "Bert", 0)]), "agreements[0].werkdagen"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as refused:
            planner.record_outcome(context, view.id, view.version, data)
        assert refused.value.field == field
    # planning moved the case to 'in bemiddeling'; the outcome moves it on
    result = planner.record_outcome(context, view.id, view.version, OutcomeInput("ok", [], NextStep.IN_PROGRESS))
    assert result.status is Status.IN_PROGRESS and result.status_note is None


def test_the_verslag_is_for_the_functionaris(context: Context, clock: FixedClock, as_user) -> None:  # type: ignore[no-untyped-def]
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 23, 10))
    clock.moment = ams(2026, 11, 23, 11)
    planner.record_outcome(context, view.id, view.version, OutcomeInput("vertrouwelijk", [], NextStep.FURTHER_MEDIATION))
    manager = as_user("mia", StaffRole.MANAGER)
    assert planner.sessions_for_case(manager, case)[0].outcome is None
    assert planner.sessions_for_case(context, case)[0].outcome == "vertrouwelijk"


# ---------------------------------------------------------------------------------------
# officers, permissions, the agenda
# ---------------------------------------------------------------------------------------


def test_who_is_the_functionaris(context: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    case = register_case(context)
    manager = as_user("mia", StaffRole.MANAGER)
    olga = add_officer(context)
    info = planner.planning_info(manager, case)
    assert info.own_officer_id is None
    assert [o.name for o in info.officers] == ["Olga Oosterhuis", "Tess Tester"]
    assert info.default_officer_id == olga
    with pytest.raises(ValidationError) as refused:
        plan(manager, case, ams(2026, 11, 24, 10))
    assert refused.value.field == "officer"
    with pytest.raises(ValidationError, match="niet de rol klachtenfunctionaris"):
        plan(manager, case, ams(2026, 11, 24, 10), officer_id=manager.user.id)
    view = plan(manager, case, ams(2026, 11, 24, 10), officer_id=olga)
    assert view.participants[0].name == "Olga Oosterhuis" and view.officer_email == "olga@ksyos.nl"
    assert planner.planning_info(context, case).own_officer_id == context.user.id


def test_planning_needs_the_permission(context: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    case = register_case(context)
    desk = as_user("kees", StaffRole.CUSTOMER_SERVICE)
    with pytest.raises(PermissionDenied):
        plan(desk, case, ams(2026, 11, 24, 10), officer_id=context.user.id)


def test_week_agenda_marks_holidays_and_lists_sessions(context: Context, clock: FixedClock) -> None:
    clock.moment = ams(2026, 12, 21, 9)
    case = register_case(context)
    plan(context, case, ams(2026, 12, 23, 14))
    other = register_case(context, "Erik Evers", respondent="Frits Frans", involved=())
    olga = add_officer(context)
    plan(context, other, ams(2026, 12, 22, 10), type=SessionType.ONE_ON_ONE, officer_id=olga)
    agenda = planner.week_agenda(context, context.user.id, date(2026, 12, 24))
    assert agenda.week_start == date(2026, 12, 21) and agenda.iso_week == "2026-W52"
    assert [(d.day.day, d.werkdag, d.day_off) for d in agenda.days] == [
        (21, True, None), (22, True, None), (23, True, None), (24, True, None),
        (25, False, "Eerste kerstdag"), (26, False, "Tweede kerstdag"), (27, False, None),
    ]
    assert [s.complaint_number for s in agenda.sessions] == ["KL-2026-000001"]  # not Olga's
    assert [s.complaint_number for s in planner.week_agenda(context, olga, date(2026, 12, 22)).sessions] == [
        "KL-2026-000002"
    ]
    assert [s.when for s in planner.sessions_for_case(context, case)] == ["wo 23 dec 2026 14:00–15:00"]


def test_parsing_what_the_user_types() -> None:
    today = date(2026, 11, 23)
    assert planner.parse_moment("25-11-2026 10:00", today) == ams(2026, 11, 25, 10)
    assert planner.parse_moment("2026-11-25T9:30", today) == ams(2026, 11, 25, 9, 30)
    assert planner.parse_moment("25-11 14u30", today) == ams(2026, 11, 25, 14, 30)
    assert planner.parse_moment("morgen 9.15", today) == ams(2026, 11, 24, 9, 15)
    for bad in ("25-11-2026", "31-11-2026 10:00", "25-11-2026 25:00", "gisteren 10:00"):
        with pytest.raises(ValidationError):
            planner.parse_moment(bad, today)
    assert planner.parse_week("2026-W48") == date(2026, 11, 23)
    with pytest.raises(ValidationError):
        planner.parse_week("2026-W54")


def test_two_planners_at_once_cannot_double_book(context: Context) -> None:
    import threading

    first = register_case(context)
    carla = person_ids(context, first)["Carla Cohen"]
    second = register_case(context, "Erik Evers", respondent="Carla Cohen", involved=(), shared={"Carla Cohen": carla})
    olga = add_officer(context)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(case: int, **kwargs: object) -> None:
        barrier.wait()
        try:
            plan(context, case, ams(2026, 11, 24, 10), **kwargs)  # type: ignore[arg-type]
            outcomes.append("gepland")
        except ValidationError as error:
            outcomes.append(error.message)

    threads = [threading.Thread(target=attempt, args=(first,)),
               threading.Thread(target=attempt, args=(second,),
                                kwargs={"type": SessionType.ONE_ON_ONE, "officer_id": olga})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("gepland") == 1
    [refusal] = [o for o in outcomes if o != "gepland"]
    assert refusal.startswith("Carla Cohen heeft dan een gesprek over KL-2026-00000")
