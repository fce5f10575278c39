"""Reporting periods: parsing, bounds in Amsterdam time, and arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from klachtdesk.errors import ValidationError
from klachtdesk.services.time.periods import (
    Granularity,
    Period,
    current_period,
    day_start,
    last_complete_period,
    parse_period,
)

M, Q, Y = Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07", Period(2026, 7, M)),
        ("2026-7", Period(2026, 7, M)),
        (" 2026-12 ", Period(2026, 12, M)),
        ("2026-Q3", Period(2026, 3, Q)),
        ("2026-q1", Period(2026, 1, Q)),
        ("2026Q4", Period(2026, 4, Q)),
        ("2026-K2", Period(2026, 2, Q)),
        ("2026", Period(2026, 1, Y)),
    ],
)
def test_parse(text: str, expected: Period) -> None:
    assert parse_period(text) == expected
    assert parse_period(expected.code) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-13", "maand 13 bestaat niet"),
        ("2026-00", "maand 0 bestaat niet"),
        ("2026-Q5", "kwartaal 5 bestaat niet"),
        ("2026-Q0", "kwartaal 0 bestaat niet"),
        ("juli", "is geen periode"),
        ("26-07", "is geen periode"),
        ("", "Geef een periode op"),
        ("1999", "valt buiten de jaren"),
    ],
)
def test_parse_refuses_in_dutch(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    assert words in caught.value.message
    assert caught.value.field == "periode"


def test_codes_and_labels() -> None:
    assert Period(2026, 7, M).code == "2026-07"
    assert Period(2026, 7, M).label == "juli 2026"
    assert Period(2026, 3, Q).code == "2026-Q3"
    assert Period(2026, 3, Q).label == "3e kwartaal 2026"
    assert Period(2026, 3, Q).short_label == "K3 26"
    assert Period(2026, 1, Y).code == "2026"
    assert str(Period(2026, 1, Y)) == "2026"


def test_days() -> None:
    q3 = Period(2026, 3, Q)
    assert (q3.start, q3.end, q3.last_day, q3.days) == (date(2026, 7, 1), date(2026, 10, 1), date(2026, 9, 30), 92)
    feb = Period(2028, 2, M)
    assert (feb.end, feb.days) == (date(2028, 3, 1), 29)
    assert Period(2026, 12, M).end == date(2027, 1, 1)
    assert Period(2026, 1, Y).days == 365
    assert q3.contains(date(2026, 9, 30)) and not q3.contains(date(2026, 10, 1))


def test_moments_are_amsterdam_midnight_in_utc() -> None:
    # summer time: UTC+2; winter time: UTC+1
    assert Period(2026, 3, Q).start_moment == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    assert Period(2026, 3, Q).end_moment == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
    assert Period(2026, 1, Y).start_moment == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert day_start(date(2026, 3, 29)) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # the night DST starts


def test_arithmetic() -> None:
    jan = Period(2026, 1, M)
    assert jan.previous() == Period(2025, 12, M)
    assert Period(2025, 12, M).next() == jan
    assert jan.year_earlier() == Period(2025, 1, M)
    assert Period(2026, 1, Q).previous() == Period(2025, 4, Q)
    assert Period(2026, 3, Q).year_earlier() == Period(2025, 3, Q)
    assert Period(2026, 1, Y).previous() == Period(2025, 1, Y)
    assert Period(2026, 1, Y).year_earlier() == Period(2025, 1, Y)
    assert jan.shift(-13) == Period(2024, 12, M)
    twelve = Period(2026, 3, Q).last(12)
    assert len(twelve) == 12
    assert twelve[0] == Period(2023, 4, Q) and twelve[-1] == Period(2026, 3, Q)
    assert all(a.next() == b for a, b in zip(twelve, twelve[1:], strict=False))


def test_granularity_switch_and_current() -> None:
    assert Period(2026, 8, M).with_granularity(Q) == Period(2026, 3, Q)
    assert Period(2026, 3, Q).with_granularity(M) == Period(2026, 7, M)
    assert Period(2026, 3, Q).with_granularity(Y) == Period(2026, 1, Y)
    assert current_period(date(2026, 11, 23), Q) == Period(2026, 4, Q)
    assert last_complete_period(date(2026, 11, 23), Q) == Period(2026, 3, Q)
    assert last_complete_period(date(2026, 1, 5), M) == Period(2025, 12, M)


def test_index_is_checked() -> None:
    with pytest.raises(ValueError):
        Period(2026, 5, Q)
