"""Property tests: both calendars against an independent numpy computation, and bulk == single.

The reference holiday lists are built here straight from ``holidays.NL`` and the
settings, then handed to numpy's busday functions; the calendars answer single
questions with the ``holidays`` package's own arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import holidays
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from klachtdesk.clock import AMSTERDAM
from klachtdesk.services.config.calendar import ATW_FILE, load_equated_days
from klachtdesk.services.time.calendar import (
    CalendarSettings,
    DayOff,
    OrganisationCalendar,
    StatutoryCalendar,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data"
FIRST, LAST = date(2020, 1, 1), date(2035, 12, 31)
REFERENCE_YEARS = range(2019, 2038)  # a margin for deadlines that run into the next year
CLOSING = time(17, 0)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

days = st.dates(min_value=FIRST, max_value=LAST)
# a narrower window where the single method counts day by day (``holidays``' own loop)
near_days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 6, 30))
werkdag_counts = st.integers(min_value=0, max_value=30)
# naive datetimes in the range, read as UTC instants by the tests that need them
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31))


def nl_holidays() -> dict[date, str]:
    return dict(holidays.NL(years=REFERENCE_YEARS, language="nl"))


def reference(days_off: set[date]) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=sorted(days_off))


@dataclass(frozen=True)
class Case:
    calendar: OrganisationCalendar
    reference: np.busdaycalendar


def organisation_cases() -> list[Case]:
    public = nl_holidays()
    closure = [
        DayOff(date(year, 12, 28) + timedelta(days=offset), "Kerstsluiting") for year in (2026, 2030) for offset in range(4)
    ]
    good_fridays = {day for day, name in public.items() if name == "Goede vrijdag"}
    liberation_days = {date(year, 5, 5) for year in REFERENCE_YEARS}
    custom = CalendarSettings(
        extra_days_off=tuple(closure),
        worked_holiday_names=("Goede vrijdag",),
        liberation_day_every_year=True,
    )
    return [
        Case(OrganisationCalendar(CalendarSettings()), reference(set(public))),
        Case(
            OrganisationCalendar(custom),
            reference((set(public) - good_fridays) | liberation_days | {entry.day for entry in closure}),
        ),
    ]


def statutory_case() -> tuple[StatutoryCalendar, np.busdaycalendar]:
    equated = load_equated_days(REPO_DATA / ATW_FILE)
    days_off = set(nl_holidays()) | {date(year, 5, 5) for year in REFERENCE_YEARS} | {e.day for e in equated}
    return StatutoryCalendar(equated), reference(days_off)


CASES = organisation_cases()
STATUTORY, STATUTORY_REFERENCE = statutory_case()
cases = st.sampled_from(CASES)


def d64(day: date) -> np.datetime64:
    return np.datetime64(day, "D")


def as_date(value: np.datetime64) -> date:
    return value.astype(object)


# --------------------------------------------------------------------------- organisation calendar


@PROPERTY_SETTINGS
@given(case=cases, day=days)
def test_is_werkdag_matches_numpy(case: Case, day: date) -> None:
    assert case.calendar.is_werkdag(day) == bool(np.is_busday(d64(day), busdaycal=case.reference))


@PROPERTY_SETTINGS
@given(case=cases, day=days, n=st.integers(min_value=-30, max_value=30))
def test_add_werkdagen_matches_numpy(case: Case, day: date, n: int) -> None:
    # the n-th werkdag after a day off is the n-th after the werkdag before it
    roll = "backward" if n > 0 else "forward"
    expected = np.busday_offset(d64(day), n, roll=roll, busdaycal=case.reference)
    assert case.calendar.add_werkdagen(day, n) == as_date(expected)


@PROPERTY_SETTINGS
@given(case=cases, moment=instants, n=werkdag_counts)
@example(case=CASES[0], moment=datetime(2026, 12, 24, 17, 0), n=3)
@example(case=CASES[0], moment=datetime(2026, 11, 21, 11, 0), n=3)
def test_due_in_werkdagen_matches_numpy(case: Case, moment: datetime, n: int) -> None:
    # ``moment`` as Amsterdam wall-clock time (the zone attached explicitly: naive means UTC)
    after_closing = moment.time() >= CLOSING
    receipt_day = np.busday_offset(d64(moment.date()) + int(after_closing), 0, roll="forward", busdaycal=case.reference)
    expected = np.busday_offset(receipt_day, n, busdaycal=case.reference)
    assert case.calendar.due_in_werkdagen(moment.replace(tzinfo=AMSTERDAM), n) == as_date(expected)


@PROPERTY_SETTINGS
@given(case=cases, today=days, due=days)
def test_werkdagen_until_matches_numpy(case: Case, today: date, due: date) -> None:
    earlier, later = sorted((today, due))
    werkdagen = int(np.busday_count(d64(earlier) + 1, d64(later) + 1, busdaycal=case.reference))
    result = case.calendar.werkdagen_until(today, due)
    if today == due:
        assert result == 0
    elif due > today:
        assert result == max(1, werkdagen)
    else:
        assert result == -max(1, werkdagen)


@PROPERTY_SETTINGS
@given(case=cases, anchors=st.lists(days, min_size=1, max_size=12), n=werkdag_counts)
def test_due_in_werkdagen_bulk_equals_single(case: Case, anchors: list[date], n: int) -> None:
    bulk = case.calendar.due_in_werkdagen_bulk(anchors, n)
    assert [as_date(value) for value in bulk] == [case.calendar.due_in_werkdagen(day, n) for day in anchors]


@PROPERTY_SETTINGS
@given(case=cases, today=near_days, dues=st.lists(near_days, min_size=1, max_size=12))
def test_werkdagen_until_bulk_equals_single(case: Case, today: date, dues: list[date]) -> None:
    bulk = case.calendar.werkdagen_until_bulk(today, np.array(dues, dtype="datetime64[D]"))
    assert bulk.tolist() == [case.calendar.werkdagen_until(today, due) for due in dues]


@PROPERTY_SETTINGS
@given(case=cases, moments=st.lists(instants, min_size=1, max_size=12))
@example(
    case=CASES[0],
    moments=[
        datetime(2026, 3, 29, 0, 59, 59),
        datetime(2026, 3, 29, 1, 0),
        datetime(2026, 3, 27, 16, 0),
        datetime(2026, 10, 25, 0, 59, 59),
        datetime(2026, 10, 25, 1, 0),
        datetime(2026, 10, 23, 15, 0),
        datetime(2026, 10, 26, 16, 0),
        datetime(2026, 10, 26, 15, 59, 59, 999_999),
    ],
)
def test_effective_receipt_days_bulk_equals_single(case: Case, moments: list[datetime]) -> None:
    """UTC instants: as a numpy array (bulk) and as aware datetimes (single)."""
    bulk = case.calendar.effective_receipt_days_bulk(np.array(moments, dtype="datetime64[us]"))
    single = [case.calendar.effective_receipt_day(moment.replace(tzinfo=UTC)) for moment in moments]
    assert [as_date(value) for value in bulk] == single
    from_datetimes = case.calendar.effective_receipt_days_bulk([moment.replace(tzinfo=UTC) for moment in moments])
    assert [as_date(value) for value in from_datetimes] == single


@PROPERTY_SETTINGS
@given(moment=instants)
def test_receipt_uses_amsterdam_wall_clock(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    wall_clock = aware.astimezone(AMSTERDAM)
    calendar = CASES[0].calendar
    assert calendar.effective_receipt_day(aware) == calendar.effective_receipt_day(wall_clock)
    # a naive moment is the same UTC instant (the house rule, as clock.local reads it)
    assert calendar.effective_receipt_day(moment) == calendar.effective_receipt_day(aware)


# --------------------------------------------------------------------------- statutory calendar


@PROPERTY_SETTINGS
@given(day=days)
def test_dies_non_matches_numpy(day: date) -> None:
    assert STATUTORY.is_dies_non(day) == (not np.is_busday(d64(day), busdaycal=STATUTORY_REFERENCE))


@PROPERTY_SETTINGS
@given(day=days, weeks=st.integers(min_value=0, max_value=10))
def test_due_in_weeks_matches_numpy(day: date, weeks: int) -> None:
    expected = np.busday_offset(d64(day) + 7 * weeks, 0, roll="forward", busdaycal=STATUTORY_REFERENCE)
    due = STATUTORY.due_in_weeks(day, weeks)
    assert due == as_date(expected)
    assert due >= day + timedelta(weeks=weeks)
    assert not STATUTORY.is_dies_non(due)


@PROPERTY_SETTINGS
@given(receipts=st.lists(days, min_size=1, max_size=12), weeks=st.integers(min_value=0, max_value=10))
def test_due_in_weeks_bulk_equals_single(receipts: list[date], weeks: int) -> None:
    bulk = STATUTORY.due_in_weeks_bulk(receipts, weeks)
    assert [as_date(value) for value in bulk] == [STATUTORY.due_in_weeks(day, weeks) for day in receipts]


# --------------------------------------------------------------------------- bulk with a count per entry


@PROPERTY_SETTINGS
@given(case=cases, days_and_counts=st.lists(st.tuples(days, werkdag_counts), min_size=1, max_size=12))
def test_add_werkdagen_bulk_equals_single(case: Case, days_and_counts: list[tuple[date, int]]) -> None:
    """The n-th werkdag after each day, n per entry (a session on a day off included)."""
    anchors = [day for day, _ in days_and_counts]
    counts = [n for _, n in days_and_counts]
    bulk = case.calendar.add_werkdagen_bulk(anchors, counts)
    assert [as_date(value) for value in bulk] == [case.calendar.add_werkdagen(d, n) for d, n in days_and_counts]


@PROPERTY_SETTINGS
@given(case=cases, days_and_counts=st.lists(st.tuples(days, werkdag_counts), min_size=1, max_size=12))
def test_due_in_werkdagen_bulk_with_a_count_per_anchor(case: Case, days_and_counts: list[tuple[date, int]]) -> None:
    bulk = case.calendar.due_in_werkdagen_bulk([d for d, _ in days_and_counts], [n for _, n in days_and_counts])
    assert [as_date(value) for value in bulk] == [case.calendar.due_in_werkdagen(d, n) for d, n in days_and_counts]


@PROPERTY_SETTINGS
@given(receipts=st.lists(st.tuples(days, st.integers(min_value=0, max_value=10)), min_size=1, max_size=12))
def test_due_in_weeks_bulk_with_a_count_per_receipt(receipts: list[tuple[date, int]]) -> None:
    bulk = STATUTORY.due_in_weeks_bulk([d for d, _ in receipts], [w for _, w in receipts])
    assert [as_date(value) for value in bulk] == [STATUTORY.due_in_weeks(d, w) for d, w in receipts]


def test_negative_counts_are_refused_in_bulk() -> None:
    from klachtdesk.errors import ValidationError

    with pytest.raises(ValidationError, match="-2"):
        CASES[0].calendar.due_in_werkdagen_bulk([date(2026, 11, 23)] * 2, [3, -2])
    with pytest.raises(ValidationError, match="weken"):
        STATUTORY.due_in_weeks_bulk([date(2026, 11, 23)], [-1])
