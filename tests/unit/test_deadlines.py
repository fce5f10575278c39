"""Deadlines: created per rule, met by events, recomputed when the calendar changes,
and the deadline board (groups, counts, paging) — on every engine (``context`` fixture)."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.models import (
    Agreement,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    DeadlineState,
    DeadlineUnit,
    Event,
    EventType,
    MediationSession,
    Measure,
    MeasureKind,
    MeasureStatus,
    PrivacyRequest,
    PrivacyRequestKind,
    SessionStatus,
    SessionType,
    Setting,
    StaffRole,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import deadline_board
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.core import events
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists.deadline_board import BoardKey, BoardQuery, Boundaries, Group, Source

D = DeadlineKind


def ams(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def register(context: Context, received: datetime | None = None, kind: ComplaintKind = ComplaintKind.COMPLAINT,
             name: str = "Jan de Vries") -> int:
    data = RegistrationInput(
        kind=kind, received_at=received,
        complainant=PersonInput(name=name, phone="0612345678"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
        invoice_number="F-1" if kind is ComplaintKind.INVOICE_QUESTION else "",
    )
    return complaints.register(context, data).id


def rows(context: Context, complaint_id: int) -> dict[DeadlineKind, Deadline]:
    with context.db.read() as session:
        found = session.exec(select(Deadline).where(Deadline.complaint_id == complaint_id)).all()
    return {DeadlineKind(row.kind): row for row in found}


def complaint(context: Context, complaint_id: int) -> Complaint:
    with context.db.read() as session:
        row = session.get(Complaint, complaint_id)
        assert row is not None
        return row


def write_calendar(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def use_calendar(context: Context, tmp_path: Path, text: str, name: str = "kalender.toml") -> None:
    """Give the context another calendar (the desk's settings pinned for the test)."""
    context.settings = context.settings.replaced({"kalender.toml": write_calendar(tmp_path / name, text).read_text()})


# ---------------------------------------------------------------------------------------
# creation, states, meeting
# ---------------------------------------------------------------------------------------


def test_a_complaint_gets_every_deadline_of_the_procedure(context: Context) -> None:
    # Saturday 21 November 2026, 11:00: counts as received on Monday 23 November
    case_id = register(context, ams(2026, 11, 21, 11))
    found = rows(context, case_id)
    assert set(found) == {D.REPLY, D.FIRST_CONTACT, D.DECISION}
    reply, contact, decision = found[D.REPLY], found[D.FIRST_CONTACT], found[D.DECISION]
    assert (reply.unit, reply.amount, reply.anchor, reply.due) == (
        DeadlineUnit.WORKING_DAYS, 3, date(2026, 11, 23), date(2026, 11, 26))
    assert (contact.amount, contact.anchor, contact.due) == (2, date(2026, 11, 23), date(2026, 11, 25))
    # 6 weeks from the actual date: Saturday 2 January 2027 moves to Monday 4 January
    assert (decision.unit, decision.amount, decision.anchor, decision.due) == (
        DeadlineUnit.WEEKS, 6, date(2026, 11, 21), date(2027, 1, 4))
    assert all(row.original_due == row.due for row in found.values())
    assert reply.label == "Reactie van de klachtencoördinator"
    case = complaint(context, case_id)
    assert (case.effective_receipt_day, case.next_due, case.next_deadline_kind) == (
        date(2026, 11, 23), date(2026, 11, 25), D.FIRST_CONTACT.value)


@pytest.mark.parametrize("kind", [ComplaintKind.INVOICE_QUESTION, ComplaintKind.ACCOUNT_QUESTION])
def test_a_question_gets_only_the_reply_deadline(context: Context, kind: ComplaintKind) -> None:
    case_id = register(context, ams(2026, 11, 20, 17, 30), kind=kind)  # Friday after closing time
    found = rows(context, case_id)
    assert set(found) == {D.REPLY}
    assert (found[D.REPLY].anchor, found[D.REPLY].due) == (date(2026, 11, 23), date(2026, 11, 26))


def test_the_worked_examples_of_the_design(context: Context, clock: FixedClock) -> None:
    clock.moment = ams(2026, 12, 24, 12)
    reply = rows(context, register(context, ams(2026, 12, 24, 10)))[D.REPLY]
    assert reply.due == date(2026, 12, 30)
    clock.moment = ams(2026, 3, 25, 9)
    decision = rows(context, register(context, ams(2026, 3, 24, 10)))[D.DECISION]
    assert decision.due == date(2026, 5, 6)  # Tuesday 5 May is an Atw feestdag


@pytest.mark.parametrize(
    ("due", "met_at", "today", "state"),
    [
        (date(2026, 11, 25), None, date(2026, 11, 25), DeadlineState.OPEN),
        (date(2026, 11, 25), None, date(2026, 11, 26), DeadlineState.OVERDUE),
        (date(2026, 11, 25), ams(2026, 11, 25, 23, 59), date(2026, 12, 1), DeadlineState.MET),
        (date(2026, 11, 25), ams(2026, 11, 26, 0, 1), date(2026, 12, 1), DeadlineState.MET_LATE),
        # stored moments are UTC: 23:30 UTC on the 25th is the 26th in Amsterdam
        (date(2026, 11, 25), datetime(2026, 11, 25, 23, 30, tzinfo=UTC), date(2026, 12, 1), DeadlineState.MET_LATE),
    ],
)
def test_states(due: date, met_at: datetime | None, today: date, state: DeadlineState) -> None:
    assert deadlines.state_of(due, met_at, today) == state


def test_meet_marks_the_deadlines_of_that_event_only(context: Context) -> None:
    case_id = register(context, ams(2026, 11, 23, 9))
    with context.db.write() as session:
        event = events.record(session, context, case_id, EventType.CONTACT, "Klager gebeld")
        met = deadlines.meet(session, context, case_id, "contact", event)
    assert [DeadlineKind(row.kind) for row in met] == [D.FIRST_CONTACT]
    found = rows(context, case_id)
    assert found[D.FIRST_CONTACT].met_at is not None and found[D.FIRST_CONTACT].met_by_event_id == event.id
    assert found[D.REPLY].met_at is None
    assert complaint(context, case_id).next_deadline_kind == D.REPLY.value
    with context.db.write() as session:
        assert deadlines.meet(session, context, case_id, "contact", event) == []  # met once
    with context.db.read() as session:
        views = {view.kind: view for view in deadlines.views_for(session, context, case_id)}
    assert views[D.FIRST_CONTACT].state is DeadlineState.MET and views[D.FIRST_CONTACT].werkdagen_left is None
    assert views[D.REPLY].state is DeadlineState.OPEN and views[D.REPLY].werkdagen_left == 3


# ---------------------------------------------------------------------------------------
# recomputation after a change of the calendar
# ---------------------------------------------------------------------------------------


def test_a_new_day_off_moves_the_open_deadlines(context: Context, tmp_path: Path) -> None:
    case_id = register(context, ams(2026, 11, 23, 9))  # reply due Thursday 26, contact Wednesday 25
    other_id = register(context, ams(2026, 11, 20, 9))  # reply due Wednesday 25 — met below
    with context.db.write() as session:
        event = events.record(session, context, other_id, EventType.MESSAGE, "Ontvangstbevestiging")
        deadlines.meet(session, context, other_id, "reactie", event)
    before_met = rows(context, other_id)[D.REPLY]

    use_calendar(context, tmp_path, 'extra_vrije_dagen = [{ datum = 2026-11-25, naam = "Heidag" }]\n')
    summary = deadlines.recompute_open(context)
    assert summary is not None
    found = rows(context, case_id)
    assert found[D.FIRST_CONTACT].due == date(2026, 11, 26)
    assert found[D.REPLY].due == date(2026, 11, 27)
    assert found[D.REPLY].anchor == date(2026, 11, 23)
    assert found[D.REPLY].original_due == date(2026, 11, 26)  # the history of the deadline stays
    assert found[D.DECISION].due == date(2027, 1, 4)  # the Atw does not know the Heidag
    assert rows(context, other_id)[D.REPLY].due == before_met.due  # met deadlines are history
    assert complaint(context, case_id).next_due == date(2026, 11, 26)
    assert rows(context, other_id)[D.FIRST_CONTACT].due == date(2026, 11, 24)  # before the Heidag: stays
    assert summary.moved == 2 and summary.cases == 1 and summary.receipts_moved == 0
    assert summary.text == "5 open termijnen herberekend; 2 verschoven in 1 zaak."
    with context.db.read() as session:
        lines = session.exec(select(Event).where(Event.complaint_id == case_id, Event.type == EventType.DEADLINE)).all()
        stored = session.get(Setting, deadlines.FINGERPRINT_KEY)
        desk = session.exec(select(Event).where(Event.complaint_id.is_(None))).all()  # type: ignore[union-attr]
    assert len(lines) == 1 and "herberekend" in lines[0].summary and "Eerste contact" in lines[0].summary
    assert stored is not None and stored.value == context.calendars.fingerprint
    assert any("Kalender gewijzigd" in event.summary for event in desk)

    again = deadlines.recompute_open(context)
    assert again is not None and (again.examined, again.moved, again.cases) == (5, 0, 0)


def test_a_receipt_day_that_becomes_a_day_off_moves_the_anchor(context: Context, tmp_path: Path) -> None:
    case_id = register(context, ams(2026, 11, 20, 10))  # Friday: reply due Wednesday 25 November
    use_calendar(context, tmp_path, "extra_vrije_dagen = [2026-11-20]\n")
    summary = deadlines.recompute_open(context)
    assert summary is not None and summary.receipts_moved == 1
    found = rows(context, case_id)
    assert (found[D.REPLY].anchor, found[D.REPLY].due) == (date(2026, 11, 23), date(2026, 11, 26))
    assert (found[D.FIRST_CONTACT].anchor, found[D.FIRST_CONTACT].due) == (date(2026, 11, 23), date(2026, 11, 25))
    assert found[D.DECISION].anchor == date(2026, 11, 20)  # the actual date of receipt never moves
    assert complaint(context, case_id).effective_receipt_day == date(2026, 11, 23)
    assert complaint(context, case_id).received_at == ams(2026, 11, 20, 10)  # stored as it happened


def test_the_closing_time_setting_moves_receipts(context: Context, tmp_path: Path) -> None:
    case_id = register(context, ams(2026, 11, 19, 16, 30))  # Thursday 16:30: before 17:00
    assert complaint(context, case_id).effective_receipt_day == date(2026, 11, 19)
    use_calendar(context, tmp_path, 'sluitingstijd = "16:00"\n')
    deadlines.recompute_open(context)
    assert complaint(context, case_id).effective_receipt_day == date(2026, 11, 20)
    assert rows(context, case_id)[D.REPLY].due == date(2026, 11, 25)


def test_an_extended_decision_keeps_its_extension(context: Context, tmp_path: Path, clock: FixedClock) -> None:
    clock.moment = ams(2026, 3, 10, 10)
    case_id = register(context, ams(2026, 3, 9, 10))
    with context.db.write() as session:
        plan = workflow.extend_decision(session, context, case_id, "Wij hebben meer tijd nodig.")
    assert plan.new_due == date(2026, 5, 18)  # 10 weeks after Monday 9 March
    # an equated day the Atw learns about later moves the extended end, not back to 6 weeks
    equated = tmp_path / "atw.toml"
    atw = (Path(__file__).resolve().parents[2] / "data" / "atw_gelijkgestelde_dagen.toml").read_text("utf-8")
    equated.write_text(atw + '\n[[gelijkgestelde_dagen]]\ndatum = 2026-05-18\nnaam = "Proef"\n', "utf-8")
    context.settings = context.settings.replaced({"atw_gelijkgestelde_dagen.toml": equated.read_text("utf-8")})
    deadlines.recompute_open(context)
    decision = rows(context, case_id)[D.DECISION]
    assert decision.due == date(2026, 5, 19)
    assert decision.extended_at is not None


def test_agreement_deadlines_count_from_the_session(context: Context, tmp_path: Path) -> None:
    case_id = register(context, ams(2026, 11, 16, 10))
    with context.db.write() as session:
        meeting = MediationSession(
            complaint_id=case_id, type=SessionType.ONE_ON_ONE, officer_id=context.user.id,
            starts_at=ams(2026, 11, 20, 10), ends_at=ams(2026, 11, 20, 11), location="Kamer 1",
            status=SessionStatus.HELD, created_at=context.now(),
        )
        session.add(meeting)
        session.flush()
        agreement = Agreement(session_id=meeting.id, complaint_id=case_id, description="Excuses aanbieden",
                              owner="Dr. Bakker", due=date(2026, 11, 25))
        session.add(agreement)
        session.flush()
        session.add(Deadline(complaint_id=case_id, kind=D.AGREEMENT, label="Excuses aanbieden",
                             unit=DeadlineUnit.WORKING_DAYS, amount=3, anchor=date(2026, 11, 20),
                             due=date(2026, 11, 25), original_due=date(2026, 11, 25), agreement_id=agreement.id))
    # the session day becomes a day off: its agreement still counts from it (the next werkdag is the 1st)
    use_calendar(context, tmp_path, "extra_vrije_dagen = [2026-11-20, 2026-11-24]\n")
    deadlines.recompute_open(context)
    found = rows(context, case_id)[D.AGREEMENT]
    assert (found.anchor, found.due) == (date(2026, 11, 20), date(2026, 11, 26))
    assert found.due == context.calendars.organisation.add_werkdagen(date(2026, 11, 20), 3)


def test_open_context_ignores_a_workstations_own_calendar_file(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings are the desk's: a workstation whose data/kalender.toml differs moves
    no deadline of an existing database, and works on the desk's calendar."""
    from klachtdesk.services.bootstrap import open_context

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    monkeypatch.setenv("KLACHTDESK_DATA", str(data))
    path = tmp_path / "desk.db"
    clock = FixedClock(ams(2026, 11, 23, 10))
    context = open_context(path, user="beheer", clock=clock)  # the first user: beheerder
    try:
        case_id = register(context, ams(2026, 11, 23, 9))
        assert rows(context, case_id)[D.REPLY].due == date(2026, 11, 26)
        with context.db.read() as session:
            history = session.exec(select(func.count()).select_from(Event)).one()
    finally:
        context.db.dispose()
    (data / "kalender.toml").write_text("extra_vrije_dagen = [2026-11-24]\n", "utf-8")
    reopened = open_context(path, user="beheer", clock=clock)
    try:
        assert rows(reopened, case_id)[D.REPLY].due == date(2026, 11, 26)
        assert reopened.calendars.organisation.is_werkdag(date(2026, 11, 24))
        assert reopened.calendar_recompute is None
        with reopened.db.read() as session:
            assert session.exec(select(func.count()).select_from(Event)).one() == history
    finally:
        reopened.db.dispose()


@pytest.mark.parametrize("chunk", [2, deadlines.CHUNK])
def test_registration_during_a_recomputation_keeps_every_deadline_right(
    context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    for day in (16, 17, 18, 19, 20):
        register(context, ams(2026, 11, day, 10))
    use_calendar(context, tmp_path, "extra_vrije_dagen = [2026-11-24, 2026-11-25]\n")
    monkeypatch.setattr(deadlines, "CHUNK", chunk)
    registered: list[int] = []
    original = deadlines._open_chunk
    started = threading.Event()

    def slow_chunk(connection, after):  # type: ignore[no-untyped-def]
        if not started.is_set():
            started.set()
            worker.start()
            time.sleep(0.3)  # the registration runs now (PostgreSQL) or waits for the lock (SQLite)
        return original(connection, after)

    other = Context(db=context.db, clock=context.clock, user=context.user, settings=context.settings)
    worker = threading.Thread(target=lambda: registered.append(register(other, ams(2026, 11, 23, 9))))
    monkeypatch.setattr(deadlines, "_open_chunk", slow_chunk)
    deadlines.recompute_open(context)
    worker.join(timeout=20)
    assert registered, "the registration did not finish"
    calendars = context.calendars
    with context.db.read() as session:
        cases = session.exec(select(Complaint)).all()
        open_rows = session.exec(select(Deadline).where(Deadline.met_at.is_(None))).all()  # type: ignore[union-attr]
    assert len(cases) == 6 and len(open_rows) == 18
    received = {case.id: case.received_at for case in cases}
    for row in open_rows:
        anchor, due = deadlines.due_for(context, DeadlineUnit(row.unit), row.amount, received[row.complaint_id])
        assert (row.anchor, row.due) == (anchor, due), (row.kind, row.complaint_id)
    for case in cases:
        assert case.effective_receipt_day == calendars.organisation.effective_receipt_day(case.received_at)
        first = min((row.due, row.id) for row in open_rows if row.complaint_id == case.id)
        assert case.next_due == first[0]


def test_a_deadline_met_between_read_and_write_is_left_alone(context: Context, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = register(context, ams(2026, 11, 23, 9))
    use_calendar(context, tmp_path, "extra_vrije_dagen = [2026-11-24]\n")
    original = deadlines._compute

    def compute_then_meet(connection, rows_, calendars, extension_to):  # type: ignore[no-untyped-def]
        result = original(connection, rows_, calendars, extension_to)
        # what a concurrent writer on PostgreSQL could do in between (same transaction here)
        connection.execute(update(Deadline).where(Deadline.complaint_id == case_id, Deadline.kind == D.REPLY)
                           .values(due=date(2026, 12, 1)))  # type: ignore[arg-type]
        return result

    monkeypatch.setattr(deadlines, "_compute", compute_then_meet)
    summary = deadlines.recompute_open(context)
    assert summary is not None and summary.moved == 1  # only the first contact; the reply changed meanwhile
    assert rows(context, case_id)[D.REPLY].due == date(2026, 12, 1)


# ---------------------------------------------------------------------------------------
# the board: groups, counts, paging
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "tomorrow", "week_end"),
    [
        (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 29)),  # Monday
        (date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)),  # Friday: morgen is Saturday
        (date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 29)),  # Saturday
        (date(2026, 11, 29), date(2026, 11, 30), date(2026, 11, 29)),  # Sunday: the week ends today
        (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 3)),  # the week runs into the next year
        (date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 3)),
    ],
)
def test_group_boundaries(today: date, tomorrow: date, week_end: date) -> None:
    boundaries = Boundaries.on(today)
    assert (boundaries.tomorrow, boundaries.week_end) == (tomorrow, week_end)
    assert boundaries.group_of(today - timedelta(days=1)) is Group.OVERDUE
    assert boundaries.group_of(today) is Group.TODAY
    assert boundaries.group_of(tomorrow) is Group.TOMORROW
    later = boundaries.first_day(Group.LATER)
    assert later == max(week_end, tomorrow) + timedelta(days=1)
    assert boundaries.group_of(later) is Group.LATER
    assert boundaries.group_of(later - timedelta(days=1)) is not Group.LATER
    assert boundaries.first_day(Group.TODAY) == today and boundaries.first_day(Group.TOMORROW) == tomorrow
    this_week = boundaries.first_day(Group.THIS_WEEK)
    assert this_week == tomorrow + timedelta(days=1)
    if this_week <= week_end:
        assert boundaries.group_of(this_week) is Group.THIS_WEEK
        assert boundaries.group_of(week_end) is Group.THIS_WEEK


def test_friday_monday_is_later_with_one_werkdag_left(context: Context, clock: FixedClock) -> None:
    clock.moment = ams(2026, 11, 27, 10)  # Friday
    boundaries = Boundaries.on(context.today())
    assert boundaries.group_of(date(2026, 11, 30)) is Group.LATER
    assert boundaries.group_of(date(2026, 11, 28)) is Group.TOMORROW
    assert deadline_board.werkdagen_left(context, context.today(), [date(2026, 11, 30)]) == [1]


def set_dues(context: Context, dues: dict[int, date]) -> None:
    with context.db.write() as session:
        for deadline_id, due in dues.items():
            session.execute(update(Deadline).where(Deadline.id == deadline_id).values(due=due))  # type: ignore[arg-type]


def all_open(context: Context) -> list[Deadline]:
    with context.db.read() as session:
        return list(session.exec(select(Deadline).where(Deadline.met_at.is_(None)).order_by(Deadline.due, Deadline.id)).all())  # type: ignore[union-attr]


@pytest.fixture
def board(context: Context) -> Context:
    """Six cases whose eighteen deadlines fall in every group (today: Monday 23 November 2026)."""
    for day in (16, 17, 18, 19, 20, 23):
        register(context, ams(2026, 11, day, 9), name=f"Klager {day}")
    days = [date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 27), date(2026, 12, 2),
            date(2026, 11, 23)]
    set_dues(context, {row.id: days[index % len(days)] for index, row in enumerate(all_open(context))})
    return context


def test_counts_per_group_in_one_query(board: Context) -> None:
    counts = deadline_board.count_groups(board)
    assert counts.counts == {Group.OVERDUE: 3, Group.TODAY: 6, Group.TOMORROW: 3, Group.THIS_WEEK: 3,
                             Group.LATER: 3}
    assert counts.total == 18
    assert counts.start_index(Group.TOMORROW) == 9


def test_pages_have_no_gaps_or_repeats(board: Context) -> None:
    with board.db.write() as session:
        session.add(PrivacyRequest(kind=PrivacyRequestKind.ACCESS, subject="Piet Jansen",
                                   received_at=board.now(), due=date(2026, 11, 23)))
        session.add(Measure(kind=MeasureKind.CORRECTIVE, title="Wachttijden telefoon", due=date(2026, 11, 20),
                            status=MeasureStatus.OPEN, created_at=board.now(), owner_id=board.user.id))
    expected = [(row.due, row.id) for row in all_open(board)]
    forward: list[deadline_board.BoardItem] = []
    after = None
    while True:
        page = deadline_board.fetch_page(board, after=after, limit=4)
        forward += page
        if len(page) < 4:
            break
        after = page[-1].key
    keys = [item.key for item in forward]
    assert keys == sorted(keys) and len(set(keys)) == len(keys) == 20
    assert [(item.due, item.id) for item in forward if item.source is Source.DEADLINE] == expected
    measure = next(item for item in forward if item.source is Source.MEASURE)
    privacy = next(item for item in forward if item.source is Source.PRIVACY)
    assert measure.group is Group.OVERDUE and measure.label == "Wachttijden telefoon"
    assert privacy.group is Group.TODAY and privacy.party == "Piet Jansen"
    # and backwards from the end
    backward: list[deadline_board.BoardItem] = []
    before = BoardKey(date(2100, 1, 1), 9, 0)
    while True:
        page = deadline_board.fetch_page(board, before=before, limit=3)
        backward = page + backward
        if len(page) < 3:
            break
        before = page[0].key
    assert [item.key for item in backward] == keys
    # a page that starts at a group
    today = deadline_board.fetch_page(board, after=BoardKey.start_of(date(2026, 11, 23)), limit=100)
    assert today[0].group is Group.TODAY and all(item.due >= date(2026, 11, 23) for item in today)
    counts = deadline_board.count_groups(board)
    assert counts.counts[Group.OVERDUE] == 4 and counts.counts[Group.TODAY] == 7


def test_items_carry_what_the_screen_shows(board: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    first = deadline_board.fetch_page(board, limit=1)[0]
    assert first.reference.startswith("KL-2026-") and first.party.startswith("Klager")
    assert first.werkdagen_left == -1 and first.group is Group.OVERDUE
    assert first.kind in {kind.value for kind in DeadlineKind} and first.label
    director = as_user("dirk", StaffRole.MANAGEMENT)
    hidden = deadline_board.fetch_page(director, limit=1)[0]
    assert hidden.party == deadline_board.HIDDEN and hidden.reference == first.reference


def test_my_cases_only(board: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    handler = as_user("hanna", StaffRole.HANDLER)
    with board.db.write() as session:
        first_case = session.exec(select(Complaint.id).order_by(Complaint.id)).first()
        session.execute(update(Complaint).where(Complaint.id == first_case).values(handler_id=handler.user.id))  # type: ignore[arg-type]
    mine = deadline_board.fetch_page(handler, BoardQuery(mine=True))
    assert {item.complaint_id for item in mine} == {first_case}
    assert all(item.handler == "Hanna" for item in mine)
    assert deadline_board.count_groups(handler, BoardQuery(mine=True)).total == 3
    assert deadline_board.count_groups(board, BoardQuery(mine=True)).total == 0
    assert deadline_board.month(handler, 2026, 11, BoardQuery(mine=True)).total == 3


def test_month_view(board: Context, tmp_path: Path) -> None:
    use_calendar(board, tmp_path, 'extra_vrije_dagen = [{ van = 2026-12-28, tot = 2026-12-31, naam = "Kerstsluiting" }]\n')
    december = deadline_board.month(board, 2026, 12)
    kinds = {day.day: (day.kind.value, day.name) for day in december.days}
    assert len(december.days) == 31
    assert kinds[date(2026, 12, 25)] == ("feestdag", "Eerste kerstdag")
    assert kinds[date(2026, 12, 28)] == ("sluiting", "Kerstsluiting")
    assert kinds[date(2026, 12, 5)] == ("weekend", None)
    assert kinds[date(2026, 12, 2)] == ("werkdag", None)
    assert december.counts == {date(2026, 12, 2): 3}
    may = deadline_board.month(board, 2026, 5)
    may_kinds = {day.day: (day.kind.value, day.name) for day in may.days}
    assert may_kinds[date(2026, 5, 5)] == ("alleen Atw", "Bevrijdingsdag")
    assert may_kinds[date(2026, 5, 15)][0] == "alleen Atw"
    november = deadline_board.month(board, 2026, 11)
    assert november.counts[date(2026, 11, 23)] == 6 and november.total == 15
    assert deadline_board.next_month(2026, 12, 1) == (2027, 1)
    assert deadline_board.next_month(2027, 1, -1) == (2026, 12)
