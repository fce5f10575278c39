"""The one Dutch date grammar (``services.time.date_grammar``): round trips, the direction,
the boundaries of a year and a week, and nothing but a ``ValidationError`` on bad input."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ValidationError
from klachtdesk.services.mail.derive import find_incident_date
from klachtdesk.services.planner import wording as planner_wording
from klachtdesk.services.time import date_grammar
from klachtdesk.services.time.date_grammar import FUTURE, PAST, Direction, parse_day, parse_moment
from klachtdesk.services.time.dutch import format_date

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december")

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))
todays = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))
directions = st.sampled_from(list(Direction))


class Werkdagen:
    """Monday to Friday, no holidays: enough for ``over N werkdagen``."""

    def add_werkdagen(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            n -= day.weekday() < 5
        return day


# -- round trips -------------------------------------------------------------------------


@given(day=days, today=todays, direction=directions)
def test_a_full_date_means_itself_in_every_direction(day: date, today: date, direction: Direction) -> None:
    for typed in (f"{day:%d-%m-%Y}", f"{day.day}/{day.month}/{day.year}", day.isoformat(),
                  f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}", format_date(day)):
        assert parse_day(typed, today, direction=direction) == day, typed


@given(day=days, hour=st.integers(0, 23), minute=st.integers(0, 59), direction=directions)
def test_a_moment_round_trips(day: date, hour: int, minute: int, direction: Direction) -> None:
    expected = datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)
    for typed in (f"{day:%d-%m-%Y} {hour}:{minute:02d}", f"{day.isoformat()}T{hour:02d}:{minute:02d}",
                  f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year} om {hour}.{minute:02d}"):
        assert parse_moment(typed, NOW, direction=direction) == expected, typed


# -- the direction -----------------------------------------------------------------------


@given(today=todays, month=st.integers(1, 12), day=st.integers(1, 31))
@example(today=date(2026, 12, 31), month=12, day=31)
@example(today=date(2026, 12, 31), month=1, day=1)
@example(today=date(2027, 1, 1), month=12, day=31)
def test_a_date_without_a_year_is_the_nearest_in_the_direction(today: date, month: int, day: int) -> None:
    try:
        date(2024, month, day)  # exists in some year
    except ValueError:
        assume(False)
    for typed in (f"{day}-{month}", f"{day:02d}-{month:02d}", f"{day} {MONTH_NAMES[month - 1]}"):
        past = parse_day(typed, today, direction=PAST)
        future = parse_day(typed, today, direction=FUTURE)
        assert past is not None and future is not None
        assert (past.month, past.day) == (future.month, future.day) == (month, day)
        assert past <= today <= future
        if (month, day) != (2, 29):  # within a year; a leap day may be up to eight years away
            assert today - past < timedelta(days=366) and future - today < timedelta(days=366)
            if past == today:
                assert future == today


@given(today=todays, weekday=st.integers(0, 6))
def test_a_weekday_is_the_last_one_or_the_next_one(today: date, weekday: int) -> None:
    name = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")[weekday]
    for typed in (name, name[:2]):
        past = parse_day(typed, today, direction=PAST)
        future = parse_day(typed, today, direction=FUTURE)
        assert past is not None and future is not None
        assert past.weekday() == future.weekday() == weekday
        assert timedelta(0) <= today - past <= timedelta(days=6)  # today counts, looking back
        assert timedelta(days=1) <= future - today <= timedelta(days=7)  # today does not, looking ahead


@pytest.mark.parametrize(("typed", "expected"), [
    ("vandaag", TODAY), ("nu", TODAY), ("morgen", date(2026, 11, 24)), ("overmorgen", date(2026, 11, 25)),
    ("gisteren", date(2026, 11, 22)), ("eergisteren", date(2026, 11, 21)),
    ("over 3 dagen", date(2026, 11, 26)), ("over 2 weken", date(2026, 12, 7)),
    ("3 dagen geleden", date(2026, 11, 20)), ("over 5 werkdagen", date(2026, 11, 30)),
    ("Morgen 10:00", date(2026, 11, 24)),
])
def test_relative_words_mean_the_same_in_both_directions(typed: str, expected: date) -> None:
    for direction in Direction:
        assert parse_day(typed, TODAY, direction=direction, calendar=Werkdagen()) == expected


def test_the_issue_examples() -> None:
    """Issue 15 item 13: "31-12" for a due date lies ahead; "20 december" and "maandag" work."""
    assert parse_day("31-12", TODAY, direction=FUTURE) == date(2026, 12, 31)
    assert parse_day("31-12", TODAY, direction=PAST) == date(2025, 12, 31)
    assert parse_day("31-12-2026", TODAY, direction=PAST) == date(2026, 12, 31)
    assert parse_day("2026-12-31", TODAY) == date(2026, 12, 31)
    assert parse_day("20 december", TODAY, direction=FUTURE) == date(2026, 12, 20)
    assert parse_day("20 december", TODAY, direction=PAST) == date(2025, 12, 20)
    assert parse_day("maandag", TODAY, direction=FUTURE) == date(2026, 11, 30)
    assert parse_day("maandag", TODAY, direction=PAST) == TODAY
    assert parse_moment("morgen 10", NOW, direction=FUTURE) == datetime(2026, 11, 24, 10, tzinfo=AMSTERDAM)
    assert parse_day("", TODAY) is None
    assert parse_moment("  ", NOW) is None


def test_werkdagen_need_a_calendar() -> None:
    with pytest.raises(ValidationError, match="werkdagen") as info:
        parse_day("over 3 werkdagen", TODAY, direction=FUTURE, field="due")
    assert info.value.field == "due"


def test_a_moment_can_be_required() -> None:
    with pytest.raises(ValidationError, match="geen datum met tijd") as info:
        parse_moment("morgen", NOW, direction=FUTURE, field="starts_at", require_time=True)
    assert info.value.field == "starts_at"
    assert parse_moment("morgen", NOW, direction=FUTURE) == datetime(2026, 11, 24, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(("typed", "message"), [
    ("31-11", "bestaat niet als datum"), ("29-02-2026", "bestaat niet als datum"), ("ooit", "geen datum"),
    ("1-1-1850", "te ver in het verleden"), ("morgen 25:00", "die tijd bestaat niet"), ("20 brumaire", "geen datum"),
])
def test_bad_dates_are_refused_at_the_field(typed: str, message: str) -> None:
    for direction in Direction:
        with pytest.raises(ValidationError, match=message) as info:
            parse_moment(typed, NOW, direction=direction, field="due")
        assert info.value.field == "due"


@given(text=st.text(max_size=40), direction=directions)
@example(text="over 999 weken", direction=FUTURE)
@example(text="29-2", direction=PAST)
@example(text="31-12-9999", direction=FUTURE)
def test_any_text_is_a_date_or_a_dutch_refusal(text: str, direction: Direction) -> None:
    for parse in (lambda: parse_day(text, TODAY, direction=direction, field="f", calendar=Werkdagen()),
                  lambda: parse_moment(text, NOW, direction=direction, field="f", require_time=True)):
        try:
            parse()
        except ValidationError as error:
            assert error.field == "f" and error.message


# -- its users ---------------------------------------------------------------------------


def test_the_planner_reads_ahead_and_refuses_the_past() -> None:
    assert planner_wording.parse_day("31-12", TODAY) == date(2026, 12, 31)
    assert planner_wording.parse_day("1-1", TODAY) == date(2027, 1, 1)
    assert planner_wording.parse_moment("maandag 14u", TODAY) == datetime(2026, 11, 30, 14, tzinfo=AMSTERDAM)
    with pytest.raises(ValidationError, match="verleden"):
        planner_wording.parse_moment("gisteren 10:00", TODAY)
    assert planner_wording.parse_clock_time("14u30") == time(14, 30)


def test_the_mail_finder_uses_the_same_words() -> None:
    assert find_incident_date("Het gebeurde op 20 dec.", TODAY) == date(2025, 12, 20)
    assert find_incident_date("afgelopen maandag ging het mis", TODAY) == date(2026, 11, 16)  # not today
    assert find_incident_date("Datum voorval: 3 sept", TODAY) == date(2026, 9, 3)
    assert find_incident_date("eergisteren belde ik", TODAY) == date(2026, 11, 21)
    assert date_grammar.MONTHS["sept"] == date_grammar.MONTHS["september"] == 9
