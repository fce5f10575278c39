"""Moments and dates below the calendars: the Amsterdam date of a moment, one at a time
and in bulk (numpy), the span of years the calendars know, and the checks of their
arguments. No settings, no holidays: ``calendar`` builds the calendars on these.

Naive moments are UTC instants (the house rule, ``clock.local``); numpy ``datetime64``
moments have no time zone and are read as UTC instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError

SPAN_FIRST_YEAR = 2000
SPAN_LAST_YEAR = 2100
SPAN_START = date(SPAN_FIRST_YEAR, 1, 1)
SPAN_END = date(SPAN_LAST_YEAR, 12, 31)

#: numpy array of ``datetime64[D]`` values
DateArray: TypeAlias = npt.NDArray[np.datetime64]
#: a count for every entry of a bulk call, or one count for all of them
CountsLike: TypeAlias = int | Sequence[int] | npt.NDArray[np.integer[Any]]
DatesLike: TypeAlias = Sequence[date] | DateArray
MomentsLike: TypeAlias = Sequence[datetime] | DateArray


def amsterdam(moment: datetime) -> datetime:
    """``moment`` in Amsterdam time; naive moments are UTC (the house rule, ``clock.local``)."""
    return local(moment)


def amsterdam_date(received_at: date | datetime) -> date:
    return amsterdam(received_at).date() if isinstance(received_at, datetime) else received_at


def utc_instants(moments: MomentsLike) -> npt.NDArray[np.datetime64]:
    """UTC instants as ``datetime64[s]`` (numpy input is UTC already)."""
    if isinstance(moments, np.ndarray):
        if moments.dtype.kind != "M":
            raise TypeError(f"expected a datetime64 array, got {moments.dtype}")
        return moments.astype("datetime64[s]")
    return np.array(
        [amsterdam(moment).astimezone(UTC).replace(tzinfo=None) for moment in moments], dtype="datetime64[s]"
    )


def amsterdam_wall_clock_bulk(moments: MomentsLike) -> npt.NDArray[np.datetime64]:
    """Amsterdam wall-clock time (``datetime64[s]``) for many moments."""
    utc = utc_instants(moments)
    instants, offsets = amsterdam_offset_table()
    index = np.clip(np.searchsorted(instants, utc, side="right") - 1, 0, None)
    return utc + offsets[index]


def amsterdam_dates_bulk(moments: MomentsLike) -> DateArray:
    """The Amsterdam date of many moments (``datetime64`` arrays are UTC instants)."""
    return amsterdam_wall_clock_bulk(moments).astype("datetime64[D]")


@cache
def amsterdam_offset_table() -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.timedelta64]]:
    """UTC instants at which Amsterdam's UTC offset changes, and the offset from then on.

    Found from zoneinfo by weekly sampling and bisection to the second, over the
    span plus a margin (Amsterdam never changes its offset twice within a week).
    """

    def offset(seconds: int) -> int:
        delta = datetime.fromtimestamp(seconds, AMSTERDAM).utcoffset()
        assert delta is not None
        return int(delta.total_seconds())

    week = 7 * 86400
    moment = int(datetime(SPAN_FIRST_YEAR - 1, 12, 1, tzinfo=UTC).timestamp())
    end = int(datetime(SPAN_LAST_YEAR + 1, 1, 8, tzinfo=UTC).timestamp())
    instants, offsets = [moment], [offset(moment)]
    while moment < end:
        following = moment + week
        if offset(following) != offsets[-1]:
            low, high = moment, following  # offset(low) is the old one, offset(high) the new one
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (low, middle) if offset(middle) != offsets[-1] else (middle, high)
            instants.append(high)
            offsets.append(offset(high))
        moment = following
    return np.array(instants, dtype="datetime64[s]"), np.array(offsets, dtype="timedelta64[s]")


def as_days(values: DatesLike) -> DateArray:
    return np.asarray(values, dtype="datetime64[D]")


def outside_span_text() -> str:
    return f"valt buiten de jaren {SPAN_FIRST_YEAR} t/m {SPAN_LAST_YEAR} waarvoor klachtdesk de kalender kent"


def check_span(day: date) -> date:
    if not SPAN_START <= day <= SPAN_END:
        raise ValidationError(f"{day.isoformat()} {outside_span_text()}.")
    return day


def check_span_bulk(days: DateArray) -> DateArray:
    outside = days[(days < np.datetime64(SPAN_START, "D")) | (days > np.datetime64(SPAN_END, "D"))]
    if outside.size:
        raise ValidationError(f"{outside[0]} {outside_span_text()}.")
    return days


def as_counts(counts: CountsLike) -> npt.NDArray[np.int64]:
    return np.asarray(counts, dtype=np.int64)


def check_not_negative(count: CountsLike, unit: str) -> None:
    counts = np.asarray(count)
    if (counts < 0).any():
        first = int(counts[counts < 0].flat[0])
        raise ValidationError(f"Het aantal {unit} moet 0 of meer zijn, niet {first}.", field=unit)
