"""Improvement measures: create, link, edit with optimistic locking, status flow, history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import PermissionDenied, StaleEdit, TransitionRefused, ValidationError
from klachtdesk.models import Channel, Event, EventType, MeasureKind, MeasureStatus, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.improvement import measures
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context


def _register(context: Context, day: int) -> tuple[int, str]:
    registered = complaints.register(context, RegistrationInput(
        channel=Channel.PHONE, received_at=datetime(2026, 11, day, 10, tzinfo=AMSTERDAM),
        complainant=PersonInput(name=f"Klager {day}", phone="0612345678"), service_type="Teleconsultatie",
        category="Bejegening", description="Onvriendelijk te woord gestaan",
    ))
    return registered.id, registered.number


@pytest.fixture
def three(context: Context) -> list[tuple[int, str]]:
    return [_register(context, day) for day in (16, 17, 18)]


def _input(context: Context, numbers: list[str], **changes: object) -> measures.MeasureInput:
    data = measures.MeasureInput(
        title="Training klantcontact voor de balie", kind=MeasureKind.CORRECTIVE,
        description="Twee dagdelen training bejegening", owner_id=context.user.id, due=date(2027, 1, 29),
        category="Bejegening", complaint_numbers=numbers,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _measure_events(context: Context) -> list[Event]:
    with context.db.read() as session:
        return list(session.exec(select(Event).where(Event.type == EventType.MEASURE).order_by(Event.id)).all())


def test_create_links_and_records_on_every_complaint(context: Context, three: list[tuple[int, str]]) -> None:
    numbers = [n for _id, n in three]
    # several forms of klachtnummer, one duplicate
    typed = [numbers[0], numbers[1].replace("KL-", "").replace("-00000", "-"), f"{numbers[2]}, {numbers[0]}"]
    view = measures.create(context, _input(context, typed))
    assert view.status is MeasureStatus.OPEN and view.version == 1
    assert view.complaint_numbers == tuple(numbers)
    assert view.owner == "Tess Tester" and view.created_by == "Tess Tester"
    recorded = _measure_events(context)
    assert sorted(e.complaint_id for e in recorded) == sorted(i for i, _n in three)  # type: ignore[type-var]
    assert all("Training klantcontact" in e.summary and e.data["maatregel"] == view.id for e in recorded)
    # the case's timeline shows it
    case = complaints.get_case(context, three[0][0], record_view=False)
    assert any(entry.type is EventType.MEASURE for entry in case.timeline)
    assert [m.id for m in measures.for_complaint(context, three[0][0])] == [view.id]


def test_validation_in_dutch_at_the_field(context: Context, three: list[tuple[int, str]]) -> None:
    data = _input(context, ["KL-2026-999999", "onzin"], title=" ", owner_id=None, due=date(2026, 11, 1),
                  category="Onbekend")
    _cleaned, errors = measures.validate(context, data)
    assert [e.field for e in errors] == ["title", "owner", "due", "category", "complaints"]
    assert "ligt in het verleden" in errors[2].message
    assert errors[4].message == "Klacht KL-2026-999999 bestaat niet."
    with pytest.raises(ValidationError) as caught:
        measures.create(context, data)
    assert caught.value.field == "title"
    with pytest.raises(ValidationError, match="geen klachtnummer"):
        measures.create(context, _input(context, ["onzin"]))


def test_without_complaints_the_history_is_kept_too(context: Context) -> None:
    view = measures.create(context, _input(context, [], kind=MeasureKind.PREVENTIVE, category=""))
    (event,) = _measure_events(context)
    assert event.complaint_id is None and "Preventieve maatregel" in event.summary
    assert [e.summary for e in measures.history(context, view.id)] == [event.summary]


def test_edit_with_optimistic_locking(context: Context, three: list[tuple[int, str]]) -> None:
    numbers = [n for _id, n in three]
    view = measures.create(context, _input(context, numbers[:2]))
    data = view.as_input()
    data.due = date(2027, 2, 26)
    data.complaint_numbers = [numbers[1], numbers[2]]
    edited = measures.update_measure(context, view.id, view.version, data)
    assert edited.version == 2 and edited.due == date(2027, 2, 26)
    assert edited.complaint_numbers == (numbers[1], numbers[2])
    summary = _measure_events(context)[-1].summary
    assert "uiterste datum gewijzigd" in summary
    assert f"gekoppeld aan {numbers[2]}" in summary and f"ontkoppeld van {numbers[0]}" in summary
    # the unlinked case hears of it as well
    assert {e.complaint_id for e in _measure_events(context)[-3:]} == {i for i, _n in three}
    # a second editor still holding version 1 is refused, nothing is overwritten
    stale = view.as_input()
    stale.title = "Iets anders"
    with pytest.raises(StaleEdit, match="intussen gewijzigd door Tess Tester"):
        measures.update_measure(context, view.id, view.version, stale)
    assert measures.get(context, view.id).title == "Training klantcontact voor de balie"
    # nothing changed: no new version, no event
    before = len(_measure_events(context))
    same = measures.update_measure(context, view.id, edited.version, edited.as_input())
    assert same.version == edited.version and len(_measure_events(context)) == before


def test_status_flow_and_effectiveness_check(context: Context, three: list[tuple[int, str]]) -> None:
    view = measures.create(context, _input(context, [three[0][1]]))
    with pytest.raises(TransitionRefused, match="vanaf hier kan"):
        measures.set_status(context, view.id, view.version, MeasureStatus.EVALUATED)
    view = measures.set_status(context, view.id, view.version, MeasureStatus.IN_PROGRESS)
    view = measures.set_status(context, view.id, view.version, MeasureStatus.DONE)
    with pytest.raises(ValidationError, match="bevinding") as caught:
        measures.set_status(context, view.id, view.version, MeasureStatus.EVALUATED)
    assert caught.value.field == "check_finding"
    view = measures.set_status(context, view.id, view.version, MeasureStatus.EVALUATED,
                               finding="Geen nieuwe klachten over bejegening aan de balie")
    assert view.status is MeasureStatus.EVALUATED and view.check_date == date(2026, 11, 23)
    assert view.check_finding == "Geen nieuwe klachten over bejegening aan de balie"
    summaries = [e.summary for e in measures.history(context, view.id)]
    assert summaries[-1].endswith("status uitgevoerd → geëvalueerd") and len(summaries) == 4
    with pytest.raises(StaleEdit):
        measures.set_status(context, view.id, 1, MeasureStatus.IN_PROGRESS)
    assert measures.next_step(MeasureStatus.OPEN) is MeasureStatus.IN_PROGRESS
    assert measures.next_step(MeasureStatus.EVALUATED) is None


def test_overdue_and_open_with_due(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    early = measures.create(context, _input(context, [], title="Vroeg", due=date(2026, 11, 30)))
    late = measures.create(context, _input(context, [], title="Laat", due=date(2027, 3, 1)))
    done = measures.create(context, _input(context, [], title="Klaar", due=date(2026, 12, 1)))
    measures.set_status(context, done.id, done.version, MeasureStatus.DONE)
    assert [m.title for m in measures.open_with_due(context)] == ["Vroeg", "Laat"]
    assert measures.overdue(context) == []
    assert [m.title for m in measures.overdue(context, date(2026, 12, 2))] == ["Vroeg"]
    assert measures.get(context, early.id).is_overdue(date(2026, 12, 2))
    assert not measures.get(context, done.id).is_overdue(date(2026, 12, 2))
    assert [m.title for m in measures.list_measures(context)] == ["Vroeg", "Laat", "Klaar"]
    assert [m.title for m in measures.list_measures(context, active_only=True)] == ["Vroeg", "Laat"]
    assert measures.counts(context)[MeasureStatus.OPEN] == 2
    assert late.id != early.id


def test_permissions(context: Context, as_user, three: list[tuple[int, str]]) -> None:  # type: ignore[no-untyped-def]
    handler = as_user("beh", StaffRole.HANDLER)
    directie = as_user("dir", StaffRole.MANAGEMENT)
    with pytest.raises(PermissionDenied):
        measures.create(handler, _input(handler, []))
    view = measures.create(directie, _input(directie, [three[0][1]]))
    assert view.owner == "Dir"
    assert [m.id for m in measures.list_measures(handler)] == [view.id]  # reading: every role
    with pytest.raises(PermissionDenied):
        measures.set_status(handler, view.id, view.version, MeasureStatus.IN_PROGRESS)


def test_unknown_measure(context: Context) -> None:
    from klachtdesk.errors import NotFound

    with pytest.raises(NotFound, match="Maatregel 99 bestaat niet"):
        measures.get(context, 99)
    with pytest.raises(NotFound):
        measures.complaint_number(context, 99999)


def test_split_numbers() -> None:
    assert measures.split_numbers(" KL-2026-000001, 2026-2;3  4 ") == ["KL-2026-000001", "2026-2", "3", "4"]


def test_a_due_date_is_a_werkdag(context: Context) -> None:
    """Issue 15, item 15: a measure due on a Sunday or a public holiday was accepted silently."""
    sunday = _input(context, [], due=date(2026, 12, 20))
    _cleaned, errors = measures.validate(context, sunday)
    assert [(e.field, e.message) for e in errors] == [("due", (
        "Zondag 20 december 2026 is geen werkdag; kies een werkdag, bijvoorbeeld maandag 21 december 2026."))]
    with pytest.raises(ValidationError) as caught:
        measures.create(context, sunday)
    assert caught.value.field == "due"
    _cleaned, errors = measures.validate(context, _input(context, [], due=date(2026, 12, 25)))
    assert [e.message for e in errors] == [
        "Vrijdag 25 december 2026 (Eerste kerstdag) is geen werkdag; kies een werkdag, "
        "bijvoorbeeld maandag 28 december 2026."]
    # a werkdag is accepted; moving an existing measure to a Saturday is refused too
    view = measures.create(context, _input(context, [], due=date(2026, 12, 21)))
    with pytest.raises(ValidationError, match="Zaterdag 2 januari 2027 is geen werkdag"):
        measures.update_measure(context, view.id, view.version, _input(context, [], due=date(2027, 1, 2)))


def test_the_measures_of_a_period_are_decided_or_due_in_it(context: Context) -> None:
    """For the report's "Verbetermaatregelen": decided on 23 November 2026, due 29 January 2027."""
    view = measures.create(context, _input(context, []))
    assert [m.id for m in measures.of_period(context, date(2026, 10, 1), date(2027, 1, 1))] == [view.id]
    assert [m.id for m in measures.of_period(context, date(2027, 1, 1), date(2027, 4, 1))] == [view.id]
    assert measures.of_period(context, date(2026, 7, 1), date(2026, 10, 1)) == []
    assert measures.of_period(context, date(2027, 1, 30), date(2027, 4, 1)) == []


def test_a_change_is_one_history_line_on_a_running_clock(context: Context, three: list[tuple[int, str]],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A real clock moves between the lines one change writes on each linked case: the
    measure's history still shows the change once (its creation was shown once per case)."""
    clock = context.clock
    standing = clock.now

    def running() -> datetime:
        clock.advance(timedelta(microseconds=1500))  # type: ignore[attr-defined]
        return standing()

    monkeypatch.setattr(clock, "now", running)
    view = measures.create(context, _input(context, [n for _id, n in three[:2]]))
    view = measures.update_measure(context, view.id, view.version, _input(context, [n for _id, n in three],
                                                                          title="Training aan de balie"))
    summaries = [e.summary for e in measures.history(context, view.id)]
    assert len(summaries) == 2, summaries
    assert summaries[0].startswith("Corrigerende maatregel 'Training klantcontact voor de balie' vastgelegd")
    # the lines of one change carry one moment
    assert len({e.at for e in _measure_events(context)[:2]}) == 1


def test_lines_written_before_the_fix_show_once(context: Context, three: list[tuple[int, str]]) -> None:
    """A database from before one moment per change: the creation's lines microseconds apart."""
    view = measures.create(context, _input(context, [n for _id, n in three]))
    with context.db.write() as session:
        for step, event in enumerate(session.exec(select(Event).where(Event.type == EventType.MEASURE)).all()):
            event.at = event.at + timedelta(microseconds=700 * step)
            session.add(event)
    assert len(measures.history(context, view.id)) == 1
