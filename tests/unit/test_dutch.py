"""Dutch wording of dates, numbers and deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from klachtdesk.clock import AMSTERDAM
from klachtdesk.services.config.calendar import ATW_FILE, load_equated_days
from klachtdesk.services.time.calendar import (
    CalendarSettings,
    DayOff,
    OrganisationCalendar,
    StatutoryCalendar,
)
from klachtdesk.services.time.dutch import (
    describe_due,
    describe_receipt,
    describe_statutory_shift,
    format_count,
    format_date,
    format_date_short,
    format_datetime,
    format_weekday,
    remaining_words,
    werkdagen_words,
)

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def org() -> OrganisationCalendar:
    return OrganisationCalendar(CalendarSettings())


def test_format_date() -> None:
    assert format_date(date(2026, 12, 30)) == "woensdag 30 december 2026"
    assert format_date(date(2026, 3, 1)) == "zondag 1 maart 2026"


def test_format_date_short() -> None:
    assert format_date_short(date(2026, 12, 30)) == "wo 30 dec"
    assert format_date_short(date(2026, 5, 1)) == "vr 1 mei"


def test_format_weekday() -> None:
    assert format_weekday(date(2026, 11, 21)) == "zaterdag"


def test_format_datetime_in_amsterdam_time() -> None:
    assert format_datetime(datetime(2026, 12, 30, 10, 0, tzinfo=AMSTERDAM)) == "30 dec 2026 10:00"
    assert format_datetime(datetime(2026, 12, 30, 9, 0, tzinfo=UTC)) == "30 dec 2026 10:00"
    assert format_datetime(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == "1 jul 2026 10:00"  # summer time
    assert format_datetime(datetime(2026, 12, 30, 9, 0)) == "30 dec 2026 10:00"  # naive = stored UTC


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0"), (999, "999"), (1000, "1.000"), (1_234_567, "1.234.567"), (-1234, "-1.234")],
)
def test_format_count(number: int, text: str) -> None:
    assert format_count(number) == text


def test_werkdagen_words() -> None:
    assert werkdagen_words(1) == "1 werkdag"
    assert werkdagen_words(2) == "2 werkdagen"
    assert werkdagen_words(1250) == "1.250 werkdagen"


@pytest.mark.parametrize(
    ("werkdagen", "text"),
    [
        (0, "vandaag"),
        (1, "morgen"),
        (2, "nog 2 werkdagen"),
        (3, "nog 3 werkdagen"),
        (-1, "1 werkdag te laat"),
        (-2, "2 werkdagen te laat"),
        (-1500, "1.500 werkdagen te laat"),
    ],
)
def test_remaining_words(werkdagen: int, text: str) -> None:
    assert remaining_words(werkdagen) == text


@pytest.mark.parametrize(
    ("today", "due", "text"),
    [
        (date(2026, 11, 27), date(2026, 11, 27), "vandaag"),
        (date(2026, 11, 26), date(2026, 11, 27), "morgen"),  # Thursday, due Friday
        (date(2026, 11, 27), date(2026, 11, 30), "nog 1 werkdag"),  # Friday, due Monday
        (date(2026, 11, 23), date(2026, 11, 27), "nog 4 werkdagen"),
        (date(2026, 11, 28), date(2026, 11, 27), "1 werkdag te laat"),
        (date(2026, 12, 1), date(2026, 11, 27), "2 werkdagen te laat"),
    ],
)
def test_describe_due(org: OrganisationCalendar, today: date, due: date, text: str) -> None:
    assert describe_due(today, due, org) == text


def test_describe_due_tomorrow_on_a_closure_day() -> None:
    closed = OrganisationCalendar(CalendarSettings(extra_days_off=(DayOff(date(2026, 11, 27), "Studiedag"),)))
    assert describe_due(date(2026, 11, 26), date(2026, 11, 27), closed) == "morgen"


def test_describe_receipt(org: OrganisationCalendar) -> None:
    saturday = org.receipt(datetime(2026, 11, 21, 11, 0, tzinfo=AMSTERDAM))
    assert (
        describe_receipt(saturday, org) == "ontvangst telt als maandag 23 november 2026 (zaterdag is geen werkdag)"
    )
    christmas = org.receipt(date(2026, 12, 25))
    assert (
        describe_receipt(christmas, org)
        == "ontvangst telt als maandag 28 december 2026 (Eerste kerstdag is geen werkdag)"
    )
    evening = org.receipt(datetime(2026, 11, 23, 17, 30, tzinfo=AMSTERDAM))
    assert describe_receipt(evening, org) == (
        "ontvangst telt als dinsdag 24 november 2026 (ontvangen om 17:30; vanaf 17:00 telt de volgende werkdag)"
    )
    assert describe_receipt(org.receipt(datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)), org) is None


def test_describe_receipt_with_another_closing_time() -> None:
    calendar = OrganisationCalendar(CalendarSettings(closing_time=time(16, 0)))
    text = describe_receipt(calendar.receipt(datetime(2026, 11, 23, 16, 0, tzinfo=AMSTERDAM)), calendar)
    assert text == (
        "ontvangst telt als dinsdag 24 november 2026 (ontvangen om 16:00; vanaf 16:00 telt de volgende werkdag)"
    )


def test_describe_statutory_shift() -> None:
    statutory = StatutoryCalendar(load_equated_days(REPO_DATA / ATW_FILE))
    assert describe_statutory_shift(date(2026, 5, 5), statutory) == (
        "termijn schuift op van dinsdag 5 mei 2026 (Bevrijdingsdag)"
    )
    saturday = describe_statutory_shift(date(2026, 5, 2), statutory)
    assert saturday == "termijn schuift op van zaterdag 2 mei 2026 (weekend)"
    assert describe_statutory_shift(date(2026, 5, 6), statutory) is None
