"""The set-wise recomputation (``deadlines.bulk.recompute_open``) gives every open deadline
the date the per-deadline computation gives it (``deadlines.rules.due_for``,
``add_werkdagen`` for a deadline that counts from a reopening), the case its effective
receipt day and next deadline, and each case whose deadlines moved one history line
naming them — for generated cases and calendars, on every engine (``context`` fixture)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Complaint, ComplaintKind, Deadline, DeadlineKind, DeadlineUnit, Event, EventType
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.deadlines import bulk
from klachtdesk.services.deadlines import rules
from klachtdesk.services.time.dutch import format_date

#: days a generated calendar may close on (around the receipts and their deadlines)
CLOSURES = [date(2026, 10, 30), date(2026, 11, 2), date(2026, 11, 11), date(2026, 11, 20),
            date(2026, 11, 24), date(2026, 11, 27), date(2026, 12, 1), date(2026, 12, 24)]
FIRST_MOMENT = datetime(2026, 10, 1, 0, 0)
LAST_MOMENT = datetime(2026, 11, 23, 9, 0)


@st.composite
def calendars(draw: st.DrawFn) -> str:
    """The text of a ``kalender.toml``: closing time, the after-hours rule, extra days off."""
    closing = draw(st.sampled_from(["16:00", "17:00", "17:30"]))
    after_hours = draw(st.booleans())
    days_off = draw(st.lists(st.sampled_from(CLOSURES), unique=True, max_size=4))
    return (f'sluitingstijd = "{closing}"\nna_sluitingstijd_volgende_werkdag = {str(after_hours).lower()}\n'
            f"extra_vrije_dagen = [{', '.join(day.isoformat() for day in sorted(days_off))}]\n")


# receipt moments in Amsterdam, often right at a closing time (seconds and microseconds too)
moments = st.one_of(
    st.datetimes(min_value=FIRST_MOMENT, max_value=LAST_MOMENT),
    st.builds(lambda day, hour, minute, micro: datetime(2026, 11, day, hour, minute) + timedelta(microseconds=micro),
              st.integers(1, 22), st.sampled_from([15, 16, 17]), st.sampled_from([0, 29, 30, 59]),
              st.sampled_from([0, 1, 999_999])),
).map(lambda moment: moment.replace(tzinfo=AMSTERDAM))


def _register(context: Context, received: datetime) -> int:
    return complaints.register(context, RegistrationInput(
        kind=ComplaintKind.COMPLAINT, received_at=received, complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
    )).id


def _reopened(context: Context, complaint_id: int, anchor: date, amount: int) -> None:
    """A deadline that counts from a reopening: its anchor stays, its werkdagen are recounted."""
    with context.db.write() as session:
        session.add(Deadline(complaint_id=complaint_id, kind=DeadlineKind.REPLY, label="Heropend",
                             unit=DeadlineUnit.WORKING_DAYS, amount=amount, anchor=anchor, due=anchor,
                             original_due=anchor, counts_from=datetime(2026, 11, 2, 9)))
        rules.refresh_next_due(session, complaint_id)


def _line(moved: list[tuple[date, int, str, date]]) -> str:
    """The history line of one case, as the per-deadline rule words it."""
    parts = [f"{kind.capitalize()} van {format_date(old)} naar {format_date(new)}"
             for old, _id, kind, new in sorted(moved) if old != new]
    return "Termijn herberekend na wijziging van de kalender: " + ("; ".join(parts) or "ontvangst telt als een andere dag")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(moments, st.none() | st.integers(0, 6)), min_size=1, max_size=4),
       before=calendars(), after=calendars())
def test_the_recomputation_equals_the_computation_per_deadline(
    context: Context, cases: list[tuple[datetime, int | None]], before: str, after: str,
) -> None:
    context.settings = context.settings.replaced({"kalender.toml": before})
    for received, reopen_amount in cases:
        case_id = _register(context, received)
        if reopen_amount is not None:
            _reopened(context, case_id, received.date() + timedelta(days=reopen_amount), reopen_amount)
    with context.db.read() as session:
        old = {row.id: (row.due, row.anchor) for row in session.exec(select(Deadline))}
        last_event = session.exec(select(func.max(Event.id))).one() or 0

    context.settings = context.settings.replaced({"kalender.toml": after})
    summary = bulk.recompute_open(context)

    calendars_now = context.calendars
    with context.db.read() as session:
        cases_now = {case.id: case for case in session.exec(select(Complaint))}
        open_rows = session.exec(select(Deadline).where(Deadline.met_at.is_(None))).all()  # type: ignore[union-attr]
        lines = session.exec(select(Event).where(Event.id > last_event, Event.type == EventType.DEADLINE,
                                                 Event.complaint_id.is_not(None))).all()  # type: ignore[union-attr]
    moved: dict[int, list[tuple[date, int, str, date]]] = {}
    for row in open_rows:
        case = cases_now[row.complaint_id]
        if row.counts_from is not None:
            expected = (calendars_now.organisation.add_werkdagen(old[row.id][1], row.amount), old[row.id][1])
        else:
            anchor, due = rules.due_for(context, DeadlineUnit(row.unit), row.amount, case.received_at)
            expected = (due, anchor)
        assert (row.due, row.anchor) == expected, (row.kind, case.received_at, after)
        if (row.due, row.anchor) != old[row.id]:
            moved.setdefault(row.complaint_id, []).append((old[row.id][0], row.id, str(row.kind), row.due))
    for case in cases_now.values():
        assert case.effective_receipt_day == calendars_now.organisation.effective_receipt_day(case.received_at)
        first = min((row.due, row.id, str(row.kind)) for row in open_rows if row.complaint_id == case.id)
        assert (case.next_due, case.next_deadline_kind) == (first[0], first[2])
    assert summary is not None
    assert summary.moved == sum(len(entries) for entries in moved.values())
    assert summary.cases == len(moved)
    assert sorted((line.complaint_id, line.summary) for line in lines) == sorted(
        (case_id, _line(entries)) for case_id, entries in moved.items()
    )
    assert all(line.actor_id == context.user.id and line.data == {"reden": "kalender"} for line in lines)
