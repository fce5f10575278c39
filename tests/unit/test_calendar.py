"""The organisation and statutory calendars: the rules and worked examples of design.md."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pytest

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ConfigError, ValidationError
from klachtdesk.services.config.calendar import ATW_FILE, KALENDER_FILE, load_calendar_settings, load_equated_days
from klachtdesk.services.config.settings import Settings, read_folder
from klachtdesk.services.time.calendar import (
    Calendars,
    CalendarSettings,
    DayKind,
    DayOff,
    OfficeHours,
    OrganisationCalendar,
    ShiftReason,
    StatutoryCalendar,
    amsterdam_dates_bulk,
    build_calendars,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def ams(year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=AMSTERDAM)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="module")
def org() -> OrganisationCalendar:
    return OrganisationCalendar(CalendarSettings())


@pytest.fixture(scope="module")
def statutory() -> StatutoryCalendar:
    return StatutoryCalendar(load_equated_days(REPO_DATA / ATW_FILE))


def calendar_with(**settings: object) -> OrganisationCalendar:
    return OrganisationCalendar(CalendarSettings(**settings))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the worked examples


def test_design_example_christmas(org: OrganisationCalendar) -> None:
    # Thursday 24 December 2026, 10:00, 3 werkdagen -> 28, 29, 30 December
    assert org.due_in_werkdagen(ams(2026, 12, 24, 10), 3) == date(2026, 12, 30)


def test_design_example_saturday_receipt(org: OrganisationCalendar) -> None:
    # Saturday 21 November 2026, 11:00 counts as Monday 23 -> 24, 25, 26
    received = ams(2026, 11, 21, 11)
    assert org.effective_receipt_day(received) == date(2026, 11, 23)
    assert org.due_in_werkdagen(received, 3) == date(2026, 11, 26)


def test_design_example_statutory_bevrijdingsdag(statutory: StatutoryCalendar) -> None:
    # Tuesday 24 March 2026, 6 weeks -> Tuesday 5 May is an Atw feestdag -> Wednesday 6 May
    assert statutory.nominal_end(date(2026, 3, 24), 6) == date(2026, 5, 5)
    assert statutory.due_in_weeks(date(2026, 3, 24), 6) == date(2026, 5, 6)
    assert statutory.due_in_weeks(ams(2026, 3, 24, 10), 6) == date(2026, 5, 6)


# --------------------------------------------------------------------------- rule 2: receipt


def test_weekend_receipt_is_explained(org: OrganisationCalendar) -> None:
    receipt = org.receipt(ams(2026, 11, 21, 11))
    assert receipt.received_on == date(2026, 11, 21)
    assert receipt.received_time == time(11, 0)
    assert receipt.counts_as == date(2026, 11, 23)
    assert receipt.reason is ShiftReason.DAY_OFF
    assert receipt.shifted


def test_receipt_on_a_werkdag_in_office_hours_is_not_shifted(org: OrganisationCalendar) -> None:
    receipt = org.receipt(ams(2026, 11, 23, 9))
    assert receipt.counts_as == date(2026, 11, 23)
    assert receipt.reason is None
    assert not receipt.shifted


@pytest.mark.parametrize(
    ("received", "counts_as"),
    [
        (ams(2026, 11, 23, 16, 59, 59), date(2026, 11, 23)),
        (ams(2026, 11, 23, 17, 0, 0), date(2026, 11, 24)),  # exactly at closing time
        (ams(2026, 11, 23, 23, 59), date(2026, 11, 24)),
        (ams(2026, 11, 27, 17, 30), date(2026, 11, 30)),  # Friday evening -> Monday
        (ams(2026, 12, 24, 17, 0), date(2026, 12, 28)),  # before Christmas and a weekend
        (ams(2026, 11, 24, 0, 0), date(2026, 11, 24)),
    ],
)
def test_closing_time(org: OrganisationCalendar, received: datetime, counts_as: date) -> None:
    assert org.effective_receipt_day(received) == counts_as


def test_after_hours_receipt_reason(org: OrganisationCalendar) -> None:
    receipt = org.receipt(ams(2026, 11, 27, 17, 30))
    assert receipt.reason is ShiftReason.AFTER_CLOSING
    assert org.due_in_werkdagen(ams(2026, 11, 27, 17, 30), 2) == date(2026, 12, 2)


def test_after_hours_policy_switched_off() -> None:
    calendar = calendar_with(after_hours_next_day=False)
    assert calendar.effective_receipt_day(ams(2026, 11, 23, 23, 0)) == date(2026, 11, 23)
    # a weekend still counts as the next werkdag
    assert calendar.effective_receipt_day(ams(2026, 11, 21, 11)) == date(2026, 11, 23)


def test_other_closing_time() -> None:
    calendar = calendar_with(closing_time=time(16, 30))
    assert calendar.effective_receipt_day(ams(2026, 11, 23, 16, 29)) == date(2026, 11, 23)
    assert calendar.effective_receipt_day(ams(2026, 11, 23, 16, 30)) == date(2026, 11, 24)


def test_a_plain_date_is_received_during_office_hours(org: OrganisationCalendar) -> None:
    assert org.effective_receipt_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert org.effective_receipt_day(date(2026, 11, 22)) == date(2026, 11, 23)
    assert org.receipt(date(2026, 11, 23)).received_time is None


def test_naive_datetimes_are_utc_instants(org: OrganisationCalendar, statutory: StatutoryCalendar) -> None:
    # the house rule (clock.local, UTCDateTime): naive = stored UTC; 15:30 UTC is 16:30 in November
    assert org.effective_receipt_day(datetime(2026, 11, 23, 15, 30)) == date(2026, 11, 23)
    assert org.effective_receipt_day(datetime(2026, 11, 23, 16, 0)) == date(2026, 11, 24)  # 17:00 in Amsterdam
    assert org.receipt(datetime(2026, 11, 23, 16, 0)).received_time == time(17, 0)
    # 23:30 UTC on Monday 23 March is already Tuesday 24 March in Amsterdam: 6 weeks -> 5 May -> 6 May
    assert statutory.due_in_weeks(datetime(2026, 3, 23, 23, 30), 6) == date(2026, 5, 6)
    assert statutory.due_in_weeks(datetime(2026, 3, 23, 22, 30), 6) == date(2026, 5, 4)
    naive = [datetime(2026, 11, 23, 15, 59), datetime(2026, 11, 23, 16, 0)]
    assert org.effective_receipt_days_bulk(naive).tolist() == [date(2026, 11, 23), date(2026, 11, 24)]


@pytest.mark.parametrize(
    ("received", "counts_as"),
    [
        # spring forward, Sunday 29 March 2026 (02:00 CET -> 03:00 CEST)
        (utc(2026, 3, 29, 0, 59), date(2026, 3, 30)),
        (utc(2026, 3, 29, 1, 30), date(2026, 3, 30)),
        (datetime(2026, 3, 29, 2, 30, tzinfo=AMSTERDAM), date(2026, 3, 30)),  # a wall-clock time that does not exist
        (utc(2026, 3, 27, 15, 59), date(2026, 3, 27)),  # Friday 16:59 CET
        (utc(2026, 3, 27, 16, 0), date(2026, 3, 30)),  # Friday 17:00 CET
        (utc(2026, 3, 30, 14, 59), date(2026, 3, 30)),  # Monday 16:59 CEST
        (utc(2026, 3, 30, 15, 0), date(2026, 3, 31)),  # Monday 17:00 CEST
        # fall back, Sunday 25 October 2026 (03:00 CEST -> 02:00 CET): 02:30 happens twice
        (utc(2026, 10, 25, 0, 30), date(2026, 10, 26)),
        (utc(2026, 10, 25, 1, 30), date(2026, 10, 26)),
        (utc(2026, 10, 23, 15, 0), date(2026, 10, 26)),  # Friday 17:00 CEST
        (utc(2026, 10, 26, 15, 30), date(2026, 10, 26)),  # Monday 16:30 CET
        (utc(2026, 10, 26, 16, 0), date(2026, 10, 27)),  # Monday 17:00 CET
        # late evening UTC is already the next day in Amsterdam
        (utc(2026, 11, 23, 23, 30), date(2026, 11, 24)),
    ],
)
def test_daylight_saving_time(org: OrganisationCalendar, received: datetime, counts_as: date) -> None:
    assert org.effective_receipt_day(received) == counts_as
    if received.tzinfo is not None:
        instants = np.array([received.astimezone(UTC).replace(tzinfo=None)], dtype="datetime64[s]")
        assert org.effective_receipt_days_bulk(instants)[0] == np.datetime64(counts_as)


def test_amsterdam_dates_bulk() -> None:
    instants = np.array(["2026-03-28T23:30", "2026-06-30T21:59", "2026-06-30T22:00", "NaT"], dtype="datetime64[s]")
    expected = np.array(["2026-03-29", "2026-06-30", "2026-07-01", "NaT"], dtype="datetime64[D]")
    np.testing.assert_array_equal(amsterdam_dates_bulk(instants), expected)


# --------------------------------------------------------------------------- rule 3: counting werkdagen


def test_year_end(org: OrganisationCalendar) -> None:
    # Thursday 31 December 2026; Friday 1 January 2027 is Nieuwjaarsdag
    assert org.due_in_werkdagen(ams(2026, 12, 31, 10), 3) == date(2027, 1, 6)
    assert org.due_in_werkdagen(ams(2026, 12, 31, 17, 30), 3) == date(2027, 1, 7)
    assert org.day_off_name(date(2027, 1, 1)) == "Nieuwjaarsdag"


def test_zero_werkdagen(org: OrganisationCalendar) -> None:
    assert org.add_werkdagen(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert org.add_werkdagen(date(2026, 11, 21), 0) == date(2026, 11, 23)
    assert org.due_in_werkdagen(ams(2026, 11, 21, 11), 0) == date(2026, 11, 23)
    assert org.due_in_werkdagen(ams(2026, 11, 23, 18), 0) == date(2026, 11, 24)


def test_add_werkdagen_does_not_count_the_day_itself(org: OrganisationCalendar) -> None:
    assert org.add_werkdagen(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert org.add_werkdagen(date(2026, 11, 21), 1) == date(2026, 11, 23)  # from a Saturday
    assert org.add_werkdagen(date(2026, 11, 23), -1) == date(2026, 11, 20)  # counting back


def test_negative_counts_are_refused(org: OrganisationCalendar, statutory: StatutoryCalendar) -> None:
    with pytest.raises(ValidationError, match="0 of meer"):
        org.due_in_werkdagen(ams(2026, 11, 23), -1)
    with pytest.raises(ValidationError, match="0 of meer"):
        org.due_in_werkdagen_bulk([date(2026, 11, 23)], -1)
    with pytest.raises(ValidationError, match="weken moet 0 of meer"):
        statutory.due_in_weeks(date(2026, 11, 23), -1)


@pytest.mark.parametrize(
    ("today", "due", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 27), 4),  # Monday, due Friday of that week
        (date(2026, 11, 27), date(2026, 11, 27), 0),
        (date(2026, 11, 26), date(2026, 11, 27), 1),
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Friday, due Monday
        (date(2026, 11, 28), date(2026, 11, 27), -1),  # Saturday after a Friday deadline
        (date(2026, 11, 30), date(2026, 11, 27), -1),
        (date(2026, 12, 1), date(2026, 11, 27), -2),
        (date(2026, 12, 24), date(2026, 12, 30), 3),  # 25 and 26 December are no werkdagen
        (date(2027, 1, 4), date(2026, 12, 30), -2),  # 31 December, (1 January off), 4 January
    ],
)
def test_werkdagen_until(org: OrganisationCalendar, today: date, due: date, expected: int) -> None:
    assert org.werkdagen_until(today, due) == expected
    assert org.werkdagen_until_bulk(today, [due])[0] == expected


def test_werkdagen_until_keeps_the_sign_without_werkdagen_in_between() -> None:
    calendar = calendar_with(extra_days_off=(DayOff(date(2026, 12, 28), "Kerstsluiting"),))
    # Thursday 24 December, due Monday 28 December (closed): no werkdag in between, still the future
    assert calendar.werkdagen_until(date(2026, 12, 24), date(2026, 12, 28)) == 1
    assert calendar.werkdagen_until(date(2026, 12, 28), date(2026, 12, 24)) == -1


# --------------------------------------------------------------------------- rule 1: which days are off


@pytest.mark.parametrize("year", [2025, 2031])
def test_koningsdag_on_a_sunday_moves_to_saturday(org: OrganisationCalendar, year: int) -> None:
    assert date(year, 4, 27).weekday() == 6
    assert org.day_off_name(date(year, 4, 26)) == "Koningsdag"
    assert org.day_off_name(date(year, 4, 27)) is None


def test_koningsdag_on_a_weekday(org: OrganisationCalendar, statutory: StatutoryCalendar) -> None:
    assert not org.is_werkdag(date(2026, 4, 27))
    assert org.due_in_werkdagen(ams(2026, 4, 24), 1) == date(2026, 4, 28)
    assert statutory.feestdag_name(date(2026, 4, 27)) == "Koningsdag"


def test_bevrijdingsdag_only_in_lustrum_years_by_default(org: OrganisationCalendar) -> None:
    assert not org.is_werkdag(date(2025, 5, 5))
    assert org.day_off_name(date(2025, 5, 5)) == "Bevrijdingsdag"
    assert org.is_werkdag(date(2026, 5, 5))
    assert org.day_off_name(date(2026, 5, 5)) is None
    assert not org.is_werkdag(date(2045, 5, 5))  # a Friday in a lustrum year
    assert org.is_werkdag(date(2044, 5, 5))


def test_bevrijdingsdag_every_year() -> None:
    calendar = calendar_with(liberation_day_every_year=True)
    assert not calendar.is_werkdag(date(2026, 5, 5))
    assert calendar.day_off_name(date(2026, 5, 5)) == "Bevrijdingsdag"
    assert calendar.due_in_werkdagen(ams(2026, 5, 4), 1) == date(2026, 5, 6)


def test_two_holidays_on_one_day_are_both_named() -> None:
    # 2005: Hemelvaartsdag fell on 5 May, a lustrum year
    assert calendar_with().day_off_name(date(2005, 5, 5)) == "Bevrijdingsdag, Hemelvaartsdag"
    worked = calendar_with(worked_holiday_names=("Bevrijdingsdag",))
    assert worked.day_off_name(date(2005, 5, 5)) == "Hemelvaartsdag"


def test_goede_vrijdag_is_a_day_off_by_default(org: OrganisationCalendar) -> None:
    assert org.day_off_name(date(2026, 4, 3)) == "Goede vrijdag"
    # Thursday 2 April 2026 + 1: Good Friday and Easter Monday are off
    assert org.due_in_werkdagen(ams(2026, 4, 2), 1) == date(2026, 4, 7)


def test_goede_vrijdag_worked() -> None:
    calendar = calendar_with(worked_holiday_names=("Goede Vrijdag",))  # case does not matter
    assert calendar.is_werkdag(date(2026, 4, 3))
    assert calendar.is_werkdag(date(2027, 3, 26))
    assert calendar.day_off_name(date(2026, 4, 3)) is None
    assert calendar.due_in_werkdagen(ams(2026, 4, 2), 1) == date(2026, 4, 3)


def test_a_holiday_worked_on_one_date_only() -> None:
    calendar = calendar_with(worked_holiday_dates=(date(2026, 4, 3),))
    assert calendar.is_werkdag(date(2026, 4, 3))
    assert not calendar.is_werkdag(date(2027, 3, 26))


def test_extra_closure() -> None:
    closure = tuple(DayOff(date(2026, 12, day), "Kerstsluiting") for day in range(28, 32))
    calendar = calendar_with(extra_days_off=closure)
    assert calendar.day_off_name(date(2026, 12, 29)) == "Kerstsluiting"
    # 24 December 10:00 + 3: 25/26/27 off, 28-31 closed, 1 January off -> 4, 5, 6 January
    assert calendar.due_in_werkdagen(ams(2026, 12, 24, 10), 3) == date(2027, 1, 6)
    assert calendar.days_off(date(2026, 12, 24), date(2027, 1, 1)) == [
        (date(2026, 12, 25), "Eerste kerstdag"),
        (date(2026, 12, 26), "Tweede kerstdag"),
        *[(date(2026, 12, day), "Kerstsluiting") for day in range(28, 32)],
        (date(2027, 1, 1), "Nieuwjaarsdag"),
    ]


def test_day_off_name_is_none_for_plain_weekends(org: OrganisationCalendar) -> None:
    assert org.day_off_name(date(2026, 11, 21)) is None
    assert not org.is_werkdag(date(2026, 11, 21))
    assert org.day_off_name(date(2026, 12, 26)) == "Tweede kerstdag"  # a holiday on a Saturday is named


def test_office_hours(org: OrganisationCalendar) -> None:
    assert org.office_hours == OfficeHours(time(9, 0), time(17, 0))
    assert org.office_hours_on(date(2026, 3, 30)) == (ams(2026, 3, 30, 9), ams(2026, 3, 30, 17))
    assert org.office_hours_on(date(2026, 3, 29)) is None


def test_dates_outside_the_span_are_refused(org: OrganisationCalendar, statutory: StatutoryCalendar) -> None:
    with pytest.raises(ValidationError, match="2000 t/m 2100"):
        org.is_werkdag(date(1999, 12, 31))
    with pytest.raises(ValidationError, match="2101-01"):
        org.add_werkdagen(date(2100, 12, 31), 1)
    with pytest.raises(ValidationError, match="2000 t/m 2100"):
        statutory.due_in_weeks(date(2100, 12, 1), 6)
    with pytest.raises(ValidationError, match="2000 t/m 2100"):
        org.due_in_werkdagen_bulk(np.array(["2101-01-01"], dtype="datetime64[D]"), 1)


# --------------------------------------------------------------------------- rule 4: statutory


def test_weeks_deadline_on_a_gelijkgestelde_dag(statutory: StatutoryCalendar) -> None:
    # 3 April 2026 + 6 weeks = Friday 15 May 2026, equated to a feestdag -> Monday 18 May
    assert statutory.nominal_end(date(2026, 4, 3), 6) == date(2026, 5, 15)
    assert statutory.feestdag_name(date(2026, 5, 15)) == "Gelijkgestelde dag na Hemelvaartsdag"
    assert statutory.due_in_weeks(date(2026, 4, 3), 6) == date(2026, 5, 18)


def test_weeks_deadline_without_a_move(statutory: StatutoryCalendar) -> None:
    assert statutory.due_in_weeks(date(2026, 3, 24), 10) == date(2026, 6, 2)


def test_weeks_deadline_ignores_closing_time_but_uses_amsterdam_date(statutory: StatutoryCalendar) -> None:
    assert statutory.due_in_weeks(ams(2026, 3, 24, 23, 0), 6) == date(2026, 5, 6)
    assert statutory.due_in_weeks(utc(2026, 3, 23, 23, 30), 6) == date(2026, 5, 6)  # 00:30 on the 24th


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 2), "Gelijkgestelde dag na Nieuwjaarsdag"),
        (date(2026, 4, 3), "Goede vrijdag"),
        (date(2026, 5, 5), "Bevrijdingsdag"),
        (date(2027, 5, 5), "Bevrijdingsdag"),
        (date(2028, 4, 28), "Gelijkgestelde dag na Koningsdag"),
        (date(2028, 5, 26), "Gelijkgestelde dag na Hemelvaartsdag"),
    ],
)
def test_atw_feestdagen(statutory: StatutoryCalendar, day: date, name: str) -> None:
    assert statutory.is_dies_non(day)
    assert statutory.feestdag_name(day) == name


def test_statutory_weekends_and_ordinary_days(statutory: StatutoryCalendar) -> None:
    assert statutory.is_dies_non(date(2026, 5, 2))
    assert statutory.feestdag_name(date(2026, 5, 2)) is None
    assert not statutory.is_dies_non(date(2026, 5, 6))
    assert statutory.due_in_weeks(date(2026, 3, 21), 6) == date(2026, 5, 4)  # Saturday 2 May -> Monday 4


def test_statutory_calendar_ignores_organisation_settings(statutory: StatutoryCalendar) -> None:
    worked = calendar_with(worked_holiday_names=("Goede vrijdag",))
    assert worked.is_werkdag(date(2026, 4, 3))
    assert statutory.is_dies_non(date(2026, 4, 3))


def test_bulk_passes_nat_through(org: OrganisationCalendar, statutory: StatutoryCalendar) -> None:
    days = np.array(["2026-11-21", "NaT"], dtype="datetime64[D]")
    np.testing.assert_array_equal(
        org.due_in_werkdagen_bulk(days, 3), np.array(["2026-11-26", "NaT"], dtype="datetime64[D]")
    )
    np.testing.assert_array_equal(
        statutory.due_in_weeks_bulk(days, 0), np.array(["2026-11-23", "NaT"], dtype="datetime64[D]")
    )
    with pytest.raises(ValueError):
        org.werkdagen_until_bulk(date(2026, 11, 23), days)


def test_bulk_of_many_deadlines(org: OrganisationCalendar) -> None:
    anchors = np.datetime64("2020-01-01") + np.arange(100_000) % 5000
    due = org.due_in_werkdagen_bulk(anchors, 3)
    assert due.shape == (100_000,)
    for index in (0, 1234, 99_999):
        assert due[index] == np.datetime64(org.due_in_werkdagen(anchors[index].astype(object), 3))


# --------------------------------------------------------------------------- settings file


def write(tmp_path: Path, text: str, name: str = KALENDER_FILE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_calendar_file_holds_the_defaults() -> None:
    assert load_calendar_settings(REPO_DATA / KALENDER_FILE) == CalendarSettings()


def test_shipped_equated_days() -> None:
    days = {entry.day for entry in load_equated_days(REPO_DATA / ATW_FILE)}
    expected = {date(2025, 5, 30), date(2026, 1, 2), date(2026, 5, 15), date(2027, 5, 7)}
    assert days == expected | {date(2028, 4, 28), date(2028, 5, 26)}


def test_full_settings_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        sluitingstijd = "16:30"
        na_sluitingstijd_volgende_werkdag = false
        kantoortijden = { van = "08:30", tot = 17:30:00 }
        bevrijdingsdag_elk_jaar = true
        extra_vrije_dagen = [
            { van = 2026-12-28, tot = 2026-12-31, naam = "Kerstsluiting" },
            { datum = 2026-05-15, naam = "Brugdag" },
            2027-05-07,
            "2027-12-27",
        ]
        gewerkte_feestdagen = ["goede vrijdag", 2026-04-06, "2027-03-29"]
        """,
    )
    settings = load_calendar_settings(path)
    assert settings.closing_time == time(16, 30)
    assert settings.after_hours_next_day is False
    assert settings.office_hours == OfficeHours(time(8, 30), time(17, 30))
    assert settings.liberation_day_every_year is True
    assert settings.extra_days_off == (
        *[DayOff(date(2026, 12, day), "Kerstsluiting") for day in range(28, 32)],
        DayOff(date(2026, 5, 15), "Brugdag"),
        DayOff(date(2027, 5, 7), "Extra vrije dag"),
        DayOff(date(2027, 12, 27), "Extra vrije dag"),
    )
    assert settings.worked_holiday_names == ("Goede vrijdag",)
    assert settings.worked_holiday_dates == (date(2026, 4, 6), date(2027, 3, 29))
    calendar = OrganisationCalendar(settings)
    assert calendar.is_werkdag(date(2026, 4, 6))  # Tweede paasdag worked in 2026 only
    assert not calendar.is_werkdag(date(2028, 4, 17))


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("sluitingstjd = '17:00'", ["'sluitingstjd'", "onbekende instelling"]),
        ("sluitingstijd = '25:00'", ["'sluitingstijd'", "'25:00' is geen geldige tijd"]),
        ("sluitingstijd = 17", ["'sluitingstijd'", "geen geldige tijd"]),
        ("na_sluitingstijd_volgende_werkdag = 'ja'", ["'na_sluitingstijd_volgende_werkdag'", "true of false"]),
        ("kantoortijden = { van = '17:00', tot = '09:00' }", ["'kantoortijden'", "vóór 'tot'"]),
        ("kantoortijden = { van = '09:00' }", ["'kantoortijden'", "'tot' ontbreekt"]),
        ("kantoortijden = { van = '09:00', tot = '17:00', pauze = '12:00' }", ["'kantoortijden.pauze'"]),
        ("extra_vrije_dagen = [{ datum = '2026-02-30' }]", ["'extra_vrije_dagen[1].datum'", "geen bestaande datum"]),
        ("extra_vrije_dagen = [2026-12-28T10:00:00]", ["'extra_vrije_dagen[1]'", "zonder tijd"]),
        ("extra_vrije_dagen = [{ van = 2026-12-31, tot = 2026-12-28 }]", ["'extra_vrije_dagen[1]'", "vóór 'van'"]),
        ("extra_vrije_dagen = [{ van = 2026-12-28 }]", ["'extra_vrije_dagen[1]'", "'van' en 'tot'"]),
        ("extra_vrije_dagen = [{ van = 2026-01-01, tot = 2062-01-01 }]", ["langer dan een jaar"]),
        ("extra_vrije_dagen = [{ datum = 2026-12-28, naam = '' }]", ["'extra_vrije_dagen[1].naam'", "leeg"]),
        ("extra_vrije_dagen = [1999-12-31]", ["'extra_vrije_dagen[1]'", "2000 t/m 2100"]),
        ("extra_vrije_dagen = 2026-12-28", ["'extra_vrije_dagen'", "lijst"]),
        ("gewerkte_feestdagen = ['Sinterklaas']", ["'gewerkte_feestdagen[1]'", "'Sinterklaas' is geen Nederlandse"]),
        ("gewerkte_feestdagen = [2026-05-06]", ["'gewerkte_feestdagen'", "2026-05-06 is geen feestdag"]),
        (
            "bevrijdingsdag_elk_jaar = true\ngewerkte_feestdagen = ['Bevrijdingsdag']",
            ["'gewerkte_feestdagen'", "kies één van beide"],
        ),
        (
            "extra_vrije_dagen = [2026-04-03]\ngewerkte_feestdagen = [2026-04-03]",
            ["'gewerkte_feestdagen'", "extra_vrije_dagen"],
        ),
        ("sluitingstijd = '17:00'\nbevrijdingsdag_elk_jaar = = true", ["geen geldig TOML-bestand", "regel 2"]),
        ("sluitingstijd = ", ["geen geldig TOML-bestand", "einde van het bestand"]),
    ],
)
def test_settings_errors(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_calendar_settings(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bestaat niet"):
        load_calendar_settings(tmp_path / "weg.toml")


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="Sinterklaas"):
        CalendarSettings(worked_holiday_names=("Sinterklaas",))


def test_equated_days_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "[[gelijkgestelde_dagen]]\ndatum = 2026-05-15\n", ATW_FILE)
    with pytest.raises(ConfigError, match=r"gelijkgestelde_dagen\[1\]': 'naam' ontbreekt"):
        load_equated_days(path)


# --------------------------------------------------------------------------- building once


def test_calendars_are_built_once_for_equal_settings() -> None:
    equated = load_equated_days(REPO_DATA / ATW_FILE)
    first = build_calendars(CalendarSettings(), equated)
    assert build_calendars(CalendarSettings(), equated) is first
    other = build_calendars(CalendarSettings(closing_time=time(16, 0)), equated)
    assert other is not first
    assert other.organisation.settings.closing_time == time(16, 0)


def test_the_calendar_text_may_be_missing_the_equated_days_not() -> None:
    texts = read_folder(REPO_DATA)
    without_calendar = {name: text for name, text in texts.items() if name != KALENDER_FILE}
    assert Settings.from_texts(without_calendar).calendar == CalendarSettings()
    without_atw = {name: text for name, text in texts.items() if name != ATW_FILE}
    with pytest.raises(ConfigError, match=ATW_FILE):
        Settings.from_texts(without_atw)


def test_services_do_not_import_textual() -> None:
    code = (
        "import sys, klachtdesk.services.time.calendar, klachtdesk.services.time.dutch; "
        "print(any(name == 'textual' or name.startswith('textual.') for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --------------------------------------------------------------------------- fingerprint and month view


def calendars_with(**settings: object) -> Calendars:
    return Calendars(calendar_with(**settings), StatutoryCalendar(load_equated_days(REPO_DATA / ATW_FILE)))


def test_fingerprint_follows_what_deadlines_depend_on() -> None:
    base = calendars_with()
    assert base.fingerprint == calendars_with().fingerprint  # stable across builds (and processes)
    assert calendars_with(extra_days_off=(DayOff(date(2026, 12, 28), "Kerst"),)).fingerprint != base.fingerprint
    assert calendars_with(closing_time=time(16, 0)).fingerprint != base.fingerprint
    assert calendars_with(after_hours_next_day=False).fingerprint != base.fingerprint
    assert calendars_with(worked_holiday_names=("Goede vrijdag",)).fingerprint != base.fingerprint
    # names and office hours move no deadline
    assert calendars_with(office_hours=OfficeHours(time(8, 0), time(16, 0))).fingerprint == base.fingerprint
    renamed = calendars_with(extra_days_off=(DayOff(date(2026, 12, 28), "Sluiting"),))
    assert renamed.fingerprint == calendars_with(extra_days_off=(DayOff(date(2026, 12, 28), "Kerst"),)).fingerprint
    fewer_equated = Calendars(calendar_with(), StatutoryCalendar(()))
    assert fewer_equated.fingerprint != base.fingerprint


def test_month_marks_every_kind_of_day() -> None:
    calendars = calendars_with(
        extra_days_off=(DayOff(date(2026, 4, 7), "Verhuizing"),), worked_holiday_names=("Goede vrijdag",)
    )
    april = {entry.day: entry for entry in calendars.month(2026, 4)}
    assert len(april) == 30
    assert (april[date(2026, 4, 3)].kind, april[date(2026, 4, 3)].name) == (DayKind.STATUTORY_ONLY, "Goede vrijdag")
    assert april[date(2026, 4, 3)].werkdag
    assert (april[date(2026, 4, 6)].kind, april[date(2026, 4, 6)].name) == (DayKind.HOLIDAY, "Tweede paasdag")
    assert (april[date(2026, 4, 7)].kind, april[date(2026, 4, 7)].name) == (DayKind.CLOSURE, "Verhuizing")
    assert not april[date(2026, 4, 7)].werkdag
    assert (april[date(2026, 4, 5)].kind, april[date(2026, 4, 5)].name) == (DayKind.WEEKEND, "Eerste paasdag")
    assert (april[date(2026, 4, 27)].kind, april[date(2026, 4, 27)].name) == (DayKind.HOLIDAY, "Koningsdag")
    assert (april[date(2026, 4, 8)].kind, april[date(2026, 4, 8)].name) == (DayKind.WERKDAG, None)
    may_2025 = {entry.day: entry.kind for entry in calendars.month(2025, 5)}
    assert may_2025[date(2025, 5, 5)] is DayKind.HOLIDAY  # a lustrum year: a day off for everyone
    may_2026 = {entry.day: entry for entry in calendars.month(2026, 5)}
    assert (may_2026[date(2026, 5, 5)].kind, may_2026[date(2026, 5, 5)].name) == (
        DayKind.STATUTORY_ONLY, "Bevrijdingsdag")
    assert may_2026[date(2026, 5, 15)].kind is DayKind.STATUTORY_ONLY  # a gelijkgestelde dag
    with pytest.raises(ValidationError):
        calendars.month(2101, 1)
