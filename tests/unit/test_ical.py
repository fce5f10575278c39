"""Invitations as iCalendar files: what is in them, and that they re-parse cleanly."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import SessionType, StaffRole
from klachtdesk.paths import outbox_dir
from klachtdesk.services.planner import ical
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner.sessions import SessionRequest
from tests.unit.test_planner import add_officer, ams, register_case


def plan(context: Context, complaint_id: int, start: datetime, **kwargs: object) -> planner.SessionView:
    return planner.plan_session(context, SessionRequest(
        complaint_id=complaint_id, type=SessionType.ALL_INVOLVED, starts_at=start,
        location="Kantoor Utrecht, kamer 2", **kwargs,  # type: ignore[arg-type]
    ))


def parse(path: Path) -> icalendar.Calendar:
    data = path.read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.to_ical() == data  # a clean round trip
    return calendar


def test_one_session_as_an_invitation(context: Context) -> None:
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 24, 10))
    path = ical.export_session(context, view.id)
    assert path.parent == outbox_dir() / "agenda"
    assert path.name == "KL-2026-000001-gesprek-1.ics"
    calendar = parse(path)
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == ams(2026, 11, 24, 10)
    assert event.decoded("dtend") == ams(2026, 11, 24, 11)
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["location"]) == "Kantoor Utrecht, kamer 2"
    assert str(event["uid"]) == "KL-2026-000001-gesprek-1@klachtdesk"
    assert str(event["status"]) == "CONFIRMED"
    assert event["organizer"].params["CN"] == "Tess Tester"
    attendees = {a.params["CN"]: str(a) for a in event["attendee"]}
    assert list(attendees) == ["Tess Tester", "Anna de Vries", "Bert Bakker", "Carla Cohen", "Dirk Dekker"]
    assert attendees["Anna de Vries"] == "mailto:klager@example.nl"
    assert attendees["Carla Cohen"] == "mailto:carla@example.nl"
    assert attendees["Bert Bakker"].startswith("urn:klachtdesk:persoon:")  # no e-mail address known
    roles = {a.params["CN"]: a.params["ROLE"] for a in event["attendee"]}
    assert roles["Tess Tester"] == "CHAIR" and roles["Bert Bakker"] == "REQ-PARTICIPANT"
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Europe/Amsterdam"
    assert {c.name for c in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_the_organiser_has_an_email_when_known(context: Context) -> None:
    case = register_case(context)
    olga = add_officer(context)
    view = plan(context, case, ams(2026, 11, 24, 10), officer_id=olga)
    [event] = parse(ical.export_session(context, view.id)).walk("VEVENT")
    assert str(event["organizer"]) == "mailto:olga@ksyos.nl"
    assert event["organizer"].params["CN"] == "Olga Oosterhuis"


@pytest.mark.parametrize(("day", "utc_hour"), [(date(2026, 3, 30), 8), (date(2026, 10, 26), 9)])
def test_the_dst_weeks_land_on_the_right_hour(context: Context, clock: FixedClock, day: date, utc_hour: int) -> None:
    clock.moment = datetime.combine(day - timedelta(days=4), datetime.min.time(), tzinfo=AMSTERDAM)
    case = register_case(context)
    view = plan(context, case, datetime.combine(day, datetime.min.time(), tzinfo=AMSTERDAM).replace(hour=10))
    [event] = parse(ical.export_session(context, view.id)).walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.hour, start.utcoffset()) == (10, timedelta(hours=2 if day.month == 3 else 1))
    assert start.astimezone(AMSTERDAM).utctimetuple().tm_hour == utc_hour


def test_a_rescheduled_session_updates_and_a_cancelled_one_cancels(context: Context) -> None:
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 24, 10))
    moved = planner.reschedule(context, view.id, view.version, ams(2026, 11, 25, 14), "Klager kan niet")
    [event] = parse(ical.export_session(context, view.id)).walk("VEVENT")
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == ams(2026, 11, 25, 14)
    planner.cancel(context, moved.id, moved.version, "Opgelost zonder gesprek")
    calendar = parse(ical.export_session(context, view.id))
    assert str(calendar["method"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 2


def test_a_whole_week_in_one_file(context: Context, tmp_path: Path) -> None:
    first = register_case(context)
    second = register_case(context, "Erik Evers", respondent="Frits Frans", involved=())
    plan(context, first, ams(2026, 11, 24, 10))
    plan(context, second, ams(2026, 11, 26, 14))
    cancelled = plan(context, second, ams(2026, 11, 27, 9))
    planner.cancel(context, cancelled.id, cancelled.version, "Niet nodig")
    plan(context, first, ams(2026, 12, 1, 10))  # next week
    path, count = ical.export_week(context, context.user.id, date(2026, 11, 25), tmp_path / "uit")
    assert count == 2
    assert path == tmp_path / "uit" / "agenda-tess-tester-2026-W48.ics"
    calendar = parse(path)
    assert str(calendar["method"]) == "PUBLISH"
    assert [e.decoded("dtstart") for e in calendar.walk("VEVENT")] == [ams(2026, 11, 24, 10), ams(2026, 11, 26, 14)]
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_an_empty_week_is_still_a_valid_file(context: Context) -> None:
    path, count = ical.export_week(context, context.user.id, date(2026, 11, 25))
    assert count == 0
    assert parse(path).walk("VEVENT") == []


def test_exporting_needs_the_permission(context: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    case = register_case(context)
    view = plan(context, case, ams(2026, 11, 24, 10))
    with pytest.raises(PermissionDenied):
        ical.export_session(as_user("kees", StaffRole.CUSTOMER_SERVICE), view.id)
