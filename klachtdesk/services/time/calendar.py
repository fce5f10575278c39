"""The two calendars klachtdesk counts deadlines on.

See design.md, "Werkdagen and deadlines — the rules":

- :class:`OrganisationCalendar` — the organisation's werkdagen (rules 1–3):
  Monday–Friday minus the Dutch public holidays as ``holidays.NL`` lists them,
  adjusted by ``data/kalender.toml`` (extra days off, worked holidays,
  5 May every year), with the closing-time rule for receipts.
- :class:`StatutoryCalendar` — the Algemene termijnenwet (rule 4): Saturdays,
  Sundays, the NL public holidays, 5 May every year and the gelijkgestelde
  dagen from ``data/atw_gelijkgestelde_dagen.toml``.

Both are built once over a fixed span of years (``SPAN_FIRST_YEAR`` to
``SPAN_LAST_YEAR``); dates outside it are refused with a ``ValidationError``.
Questions about one date use the ``holidays`` package's own working-day
arithmetic; the ``*_bulk`` methods use numpy's ``busday_*`` functions on a
``busdaycalendar`` built from the very same holiday dictionary, so both always
agree (a property test checks this). numpy is imported by the bulk functions
themselves, and the ``busdaycalendar`` built on first use: one deadline
(``klachtdesk termijn``, a case, the app's first page) starts without numpy.

Conventions, for every function here:

- All dates are dates in Europe/Amsterdam.
- A receipt moment may be an aware ``datetime`` (converted to Amsterdam time),
  a naive ``datetime`` (a stored UTC instant, as everywhere in klachtdesk:
  ``clock.local``, ``models.types.UTCDateTime``, ``dutch.format_datetime``), or
  a plain ``date`` (received during office hours: no closing-time shift). A
  wall-clock time typed by a user gets its zone attached where it is parsed
  (``cli.termijn.parse_received``, the registration form).
- numpy ``datetime64`` moments have no time zone and are read as UTC instants.
"""

from __future__ import annotations

import hashlib
from calendar import monthrange
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

import holidays
from holidays.constants import HOLIDAY_NAME_DELIMITER

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError
from klachtdesk.services import limits
from klachtdesk.services.config.calendar import (
    SPAN_END,
    SPAN_FIRST_YEAR,
    SPAN_LAST_YEAR,
    SPAN_START,
    CalendarSettings,
    DayOff,
    OfficeHours,
    _liberation_days,
    _outside_span_text,
    _public_holidays,
)

if TYPE_CHECKING:  # numpy itself is imported where a bulk function needs it (start-up time)
    import numpy as np
    import numpy.typing as npt

    #: numpy array of ``datetime64[D]`` values
    DateArray: TypeAlias = npt.NDArray[np.datetime64]
    #: a count for every entry of a bulk call, or one count for all of them
    CountsLike: TypeAlias = int | Sequence[int] | npt.NDArray[np.integer[Any]]
    DatesLike: TypeAlias = Sequence[date] | DateArray
    MomentsLike: TypeAlias = Sequence[datetime] | DateArray



class ShiftReason(Enum):
    """Why a receipt counts as a later day than the day it arrived."""

    DAY_OFF = "day_off"  # received on a weekend day, holiday or closure day
    AFTER_CLOSING = "after_closing"  # received on a werkdag at or after closing time


@dataclass(frozen=True)
class Receipt:
    """When a complaint arrived, and which werkdag that counts as (rule 2)."""

    received_on: date  # the actual date in Amsterdam
    received_time: time | None  # Amsterdam wall-clock time; None when only a date is known
    counts_as: date  # the werkdag the receipt counts as
    reason: ShiftReason | None  # None when ``counts_as == received_on``

    @property
    def shifted(self) -> bool:
        return self.reason is not None


# --------------------------------------------------------------------------- calendars


class _HolidayCalendar:
    """Shared machinery: one holiday dictionary, its numpy twin, span checks."""

    def __init__(self, days_off: holidays.HolidayBase) -> None:
        self._days_off = days_off
        self._sorted_days = sorted(days_off)

    @cached_property
    def busdaycalendar(self) -> np.busdaycalendar:
        """numpy's view of the same days, for vectorised work elsewhere (read-only; built on first use)."""
        import numpy as np  # deferred: a single deadline needs no numpy (module docstring)

        weekmask = [0 if weekday in self._days_off.weekend else 1 for weekday in range(7)]
        return np.busdaycalendar(weekmask=weekmask, holidays=np.array(self._sorted_days, dtype="datetime64[D]"))

    def days_off(self, start: date, end: date) -> list[DayOff]:
        """Named days off from ``start`` to ``end`` inclusive, in date order.

        Plain weekends are not listed; a holiday on a weekend is.
        """
        first, last = bisect_left(self._sorted_days, start), bisect_right(self._sorted_days, end)
        return [DayOff(day, self._name(day)) for day in self._sorted_days[first:last]]

    def _name(self, day: date) -> str:
        return ", ".join(self._days_off[day].split(HOLIDAY_NAME_DELIMITER))

    def _named(self, day: date) -> str | None:
        _check_span(day)
        return self._name(day) if day in self._days_off else None

    def _is_open(self, day: date) -> bool:
        _check_span(day)
        return self._days_off.is_working_day(day)

    @cached_property
    def _weekdays_off(self) -> list[date]:
        """The days off that fall on a weekday, sorted."""
        return [day for day in self._sorted_days if day.weekday() not in self._days_off.weekend]

    def _open_days_between(self, start: date, end: date) -> int:
        """The open days from ``start`` to ``end`` inclusive (0 when ``end`` is earlier): what
        ``holidays``' ``get_working_days_count`` gives, without its walk over every day (the
        inbox asks it for each due date it shows, without numpy)."""
        if end < start:
            return 0
        days = (end - start).days + 1
        open_per_week = 7 - len(self._days_off.weekend)
        weeks, rest = divmod(days, 7)
        weekdays = weeks * open_per_week + sum(
            1 for offset in range(rest) if (start.weekday() + offset) % 7 not in self._days_off.weekend
        )
        closed = bisect_right(self._weekdays_off, end) - bisect_left(self._weekdays_off, start)
        return weekdays - closed

    def _nth_open_day(self, day: date, n: int) -> date:
        """``holidays``' n-th working day (n=0: ``day`` itself or the next working day)."""
        _check_span(day)
        return _check_span(self._days_off.get_nth_working_day(day, n))

    def _roll_forward_bulk(self, days: DateArray, offset: CountsLike = 0, roll: str = "forward") -> DateArray:
        import numpy as np  # deferred (module docstring)

        _check_span_bulk(days)
        result = np.busday_offset(days, offset, roll=roll, busdaycal=self.busdaycalendar)
        return _check_span_bulk(result)

    def _fingerprint_parts(self) -> list[bytes]:
        return [bytes(self.busdaycalendar.weekmask), self.busdaycalendar.holidays.astype("datetime64[D]").tobytes()]


class OrganisationCalendar(_HolidayCalendar):
    """The organisation's werkdagen (rules 1–3 of the design)."""

    def __init__(self, settings: CalendarSettings | None = None) -> None:
        self.settings = settings if settings is not None else CalendarSettings()
        days_off = _public_holidays().copy()
        if self.settings.liberation_day_every_year:
            days_off.update(_liberation_days())
        for name in self.settings.worked_holiday_names:
            days_off.pop_named(name, lookup="iexact")
        for day in self.settings.worked_holiday_dates:
            days_off.pop(day)
        days_off.update({entry.day: entry.name for entry in self.settings.extra_days_off})
        super().__init__(days_off)

    @property
    def office_hours(self) -> OfficeHours:
        return self.settings.office_hours

    def is_werkdag(self, day: date) -> bool:
        return self._is_open(day)

    def day_off_name(self, day: date) -> str | None:
        """The holiday or closure on ``day`` ("Eerste kerstdag"); None for werkdagen and plain weekends.

        Several names on one day are joined with ", ".
        """
        return self._named(day)

    def office_hours_on(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing moment (aware, Amsterdam) on ``day``; None if it is no werkdag."""
        if not self.is_werkdag(day):
            return None
        hours = self.settings.office_hours
        return (
            datetime.combine(day, hours.start, tzinfo=AMSTERDAM),
            datetime.combine(day, hours.end, tzinfo=AMSTERDAM),
        )

    def receipt(self, received_at: date | datetime) -> Receipt:
        """Rule 2: which werkdag a receipt counts as, and why it differs, if it does."""
        if isinstance(received_at, datetime):
            moment = _amsterdam(received_at)
            day, clock_time = moment.date(), moment.time()
            after_closing = self.settings.after_hours_next_day and clock_time >= self.settings.closing_time
        else:
            day, clock_time, after_closing = received_at, None, False
        if not self.is_werkdag(day):
            return Receipt(day, clock_time, self._nth_open_day(day, 0), ShiftReason.DAY_OFF)
        if after_closing:
            return Receipt(day, clock_time, self._nth_open_day(day, 1), ShiftReason.AFTER_CLOSING)
        return Receipt(day, clock_time, day, None)

    def effective_receipt_day(self, received_at: date | datetime) -> date:
        """Rule 2: the werkdag a receipt counts as."""
        return self.receipt(received_at).counts_as

    def add_werkdagen(self, day: date, n: int) -> date:
        """The n-th werkdag after ``day``, not counting ``day`` itself.

        ``n == 0`` gives ``day`` if it is a werkdag, else the next werkdag;
        a negative ``n`` counts back (the |n|-th werkdag before ``day``).
        """
        return self._nth_open_day(day, n)

    def due_in_werkdagen(self, received_at: date | datetime, n: int) -> date:
        """Rules 2 and 3: the last day of "binnen N werkdagen" for this receipt.

        ``n == 0`` gives the werkdag the receipt counts as.
        """
        _check_not_negative(n, "werkdagen")
        return self.add_werkdagen(self.effective_receipt_day(received_at), n)

    def werkdagen_until(self, today: date, due: date) -> int:
        """Werkdagen left until ``due`` as seen on ``today``; signed.

        - ``0``: due today.
        - positive: the number of werkdagen after today up to and including
          ``due`` (due Friday, today Monday of that week: 4).
        - negative: minus the number of werkdagen after ``due`` up to and
          including today (due Friday, today the next Monday or Tuesday: -1, -2).

        The sign always follows the calendar (future / today / past): when the
        dates differ but no werkdag lies between them (due Friday, today
        Saturday) the result is 1 or -1, never 0.
        """
        _check_span(today)
        _check_span(due)
        if today == due:
            return 0
        earlier, later = sorted((today, due))
        count = max(1, self._open_days_between(earlier + timedelta(days=1), later))
        return count if due > today else -count

    # -- bulk ---------------------------------------------------------------

    def effective_receipt_days_bulk(self, received_at: MomentsLike) -> DateArray:
        """Vectorised :meth:`effective_receipt_day` for many receipt moments.

        Pass a ``datetime64`` array of UTC instants (fast), or a sequence of
        datetimes read as in :meth:`receipt`. NaT stays NaT.
        """
        import numpy as np  # deferred (module docstring)

        local = _amsterdam_wall_clock_bulk(received_at)
        days = local.astype("datetime64[D]")
        if self.settings.after_hours_next_day:
            closing = self.settings.closing_time
            closing_offset = np.timedelta64(closing.hour * 3600 + closing.minute * 60, "s")
            days = days + ((local - days) >= closing_offset).astype(np.int64)
        return self._roll_forward_bulk(days)

    def due_in_werkdagen_bulk(self, anchor_days: DatesLike, n: CountsLike) -> DateArray:
        """Vectorised "binnen N werkdagen" from receipt days (``datetime64[D]`` result).

        Each anchor day is a receipt date without the closing-time rule (a day
        off counts as the next werkdag), so effective receipt days from
        :meth:`effective_receipt_days_bulk` pass through unchanged. Equal to
        ``due_in_werkdagen(day, n)`` for every day. NaT stays NaT. ``n`` is one
        count, or one count per anchor day.
        """
        _check_not_negative(n, "werkdagen")
        return self._roll_forward_bulk(_as_days(anchor_days), _as_counts(n))

    def add_werkdagen_bulk(self, days: DatesLike, n: CountsLike) -> DateArray:
        """Vectorised :meth:`add_werkdagen` for counts of 0 or more (one, or one per day).

        Differs from :meth:`due_in_werkdagen_bulk` only for a day that is no
        werkdag: the 1st werkdag after Saturday is Monday (not Tuesday).
        """
        import numpy as np  # deferred (module docstring)

        _check_not_negative(n, "werkdagen")
        counts = _as_counts(n)
        days64 = _as_days(days)
        forward = self._roll_forward_bulk(days64, 0)
        backward = self._roll_forward_bulk(days64, counts, roll="backward")
        return np.where(counts > 0, backward, forward)

    def werkdagen_until_bulk(self, today: date, due_days: DatesLike) -> npt.NDArray[np.int64]:
        """Vectorised :meth:`werkdagen_until` (same sign convention); NaT is refused."""
        import numpy as np  # deferred (module docstring)

        _check_span(today)
        due = _as_days(due_days)
        if np.isnat(due).any():
            raise ValueError("werkdagen_until_bulk needs a due date for every entry (got NaT)")
        _check_span_bulk(due)
        today64 = np.datetime64(today, "D")
        earlier, later = np.minimum(due, today64), np.maximum(due, today64)
        count = np.maximum(np.busday_count(earlier + 1, later + 1, busdaycal=self.busdaycalendar), 1).astype(np.int64)
        return np.where(due > today64, count, np.where(due < today64, -count, 0))


class StatutoryCalendar(_HolidayCalendar):
    """The Algemene termijnenwet: deadlines in weeks (rule 4 of the design)."""

    def __init__(self, equated_days: Iterable[DayOff] = ()) -> None:
        self.equated_days = tuple(equated_days)
        days_off = _public_holidays().copy()
        days_off.update(_liberation_days())
        days_off.update({entry.day: entry.name for entry in self.equated_days})
        super().__init__(days_off)

    def is_dies_non(self, day: date) -> bool:
        """True on Saturdays, Sundays and Atw feestdagen (including gelijkgestelde dagen)."""
        return not self._is_open(day)

    def feestdag_name(self, day: date) -> str | None:
        """The Atw feestdag or gelijkgestelde dag on ``day``; None otherwise."""
        return self._named(day)

    def nominal_end(self, received_at: date | datetime, weeks: int) -> date:
        """N×7 calendar days after the actual receipt date, before any move."""
        _check_not_negative(weeks, "weken")
        return _check_span(_check_span(_amsterdam_date(received_at)) + timedelta(weeks=weeks))

    def due_in_weeks(self, received_at: date | datetime, weeks: int) -> date:
        """Rule 4: "binnen N weken", moved past Saturdays, Sundays and Atw feestdagen.

        No closing-time rule: only the actual date of receipt in Amsterdam counts.
        """
        return self._nth_open_day(self.nominal_end(received_at, weeks), 0)

    def due_in_weeks_bulk(self, receipt_days: DatesLike, weeks: CountsLike) -> DateArray:
        """Vectorised :meth:`due_in_weeks` from actual receipt dates; NaT stays NaT.

        For UTC instants, convert with :func:`amsterdam_dates_bulk` first.
        ``weeks`` is one count, or one count per receipt day.
        """
        _check_not_negative(weeks, "weken")
        days = _check_span_bulk(_as_days(receipt_days))
        return self._roll_forward_bulk(days + (_as_counts(weeks) * 7).astype("timedelta64[D]"))


class DayKind(Enum):
    """What a day is, for the month view: the organisation's view first, then the Atw's."""

    WERKDAG = "werkdag"
    WEEKEND = "weekend"
    HOLIDAY = "feestdag"  # a public holiday the organisation is closed on
    CLOSURE = "sluiting"  # an extra day off of the organisation (data/kalender.toml)
    STATUTORY_ONLY = "alleen Atw"  # a werkdag for the organisation, a feestdag for the Algemene termijnenwet


@dataclass(frozen=True)
class CalendarDay:
    """One day of a month view: its kind and the names of what falls on it."""

    day: date
    kind: DayKind
    name: str | None  # the holiday, closure or gelijkgestelde dag; None for a plain day

    @property
    def werkdag(self) -> bool:
        return self.kind in (DayKind.WERKDAG, DayKind.STATUTORY_ONLY)


@dataclass(frozen=True)
class Calendars:
    """Both calendars, as built from the files under ``data/``."""

    organisation: OrganisationCalendar
    statutory: StatutoryCalendar

    @cached_property
    def fingerprint(self) -> str:
        """A hash of everything a deadline's date depends on in these calendars.

        The weekends and days off of both calendars and the closing-time rule;
        not the names of the days nor the office hours. Equal calendars give
        equal fingerprints in every process (the open deadlines record it).
        """
        settings = self.organisation.settings
        digest = hashlib.sha256(b"klachtdesk-kalender-1\n")
        receipt_rule = f"{settings.closing_time.isoformat()}|{settings.after_hours_next_day}"
        for part in (
            *self.organisation._fingerprint_parts(),
            receipt_rule.encode(),
            *self.statutory._fingerprint_parts(),
        ):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()

    def month(self, year: int, month: int) -> list[CalendarDay]:
        """Every day of a month with its kind and name (see :class:`DayKind`)."""
        first = date(year, month, 1)
        last = date(year, month, monthrange(year, month)[1])
        _check_span(first)
        _check_span(last)
        organisation, statutory = self.organisation, self.statutory
        closures = {entry.day for entry in organisation.settings.extra_days_off}
        named = {entry.day: entry.name for entry in organisation.days_off(first, last)}
        atw = {entry.day: entry.name for entry in statutory.days_off(first, last)}
        days = []
        for offset in range(last.day):
            day = first + timedelta(days=offset)
            name = named.get(day)
            if day.weekday() >= 5:
                kind = DayKind.WEEKEND
                name = name or atw.get(day)
            elif day in named:
                kind = DayKind.CLOSURE if day in closures and day not in _public_holidays() else DayKind.HOLIDAY
            elif day in atw:
                kind, name = DayKind.STATUTORY_ONLY, atw[day]
            else:
                kind = DayKind.WERKDAG
            days.append(CalendarDay(day, kind, name))
        return days


@lru_cache(maxsize=8)
def build_calendars(settings: CalendarSettings, equated_days: tuple[DayOff, ...]) -> Calendars:
    """Both calendars for these settings, built once per process for equal settings
    (the one ``Settings`` object of the services asks for them)."""
    return Calendars(OrganisationCalendar(settings), StatutoryCalendar(equated_days))


# --------------------------------------------------------------------------- time zone and checks


def _amsterdam(moment: datetime) -> datetime:
    """``moment`` in Amsterdam time; naive moments are UTC (the house rule, ``clock.local``)."""
    return local(moment)


def _amsterdam_date(received_at: date | datetime) -> date:
    return _amsterdam(received_at).date() if isinstance(received_at, datetime) else received_at


def _utc_instants(moments: MomentsLike) -> npt.NDArray[np.datetime64]:
    """UTC instants as ``datetime64[s]`` (numpy input is UTC already)."""
    import numpy as np  # deferred (module docstring)

    if isinstance(moments, np.ndarray):
        if moments.dtype.kind != "M":
            raise TypeError(f"expected a datetime64 array, got {moments.dtype}")
        return moments.astype("datetime64[s]")
    return np.array(
        [_amsterdam(moment).astimezone(UTC).replace(tzinfo=None) for moment in moments], dtype="datetime64[s]"
    )


def _amsterdam_wall_clock_bulk(moments: MomentsLike) -> npt.NDArray[np.datetime64]:
    """Amsterdam wall-clock time (``datetime64[s]``) for many moments."""
    import numpy as np  # deferred (module docstring)

    utc = _utc_instants(moments)
    instants, offsets = _amsterdam_offset_table()
    index = np.clip(np.searchsorted(instants, utc, side="right") - 1, 0, None)
    return utc + offsets[index]


def amsterdam_dates_bulk(moments: MomentsLike) -> DateArray:
    """The Amsterdam date of many moments (``datetime64`` arrays are UTC instants)."""
    return _amsterdam_wall_clock_bulk(moments).astype("datetime64[D]")


@cache
def _amsterdam_offset_table() -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.timedelta64]]:
    """UTC instants at which Amsterdam's UTC offset changes, and the offset from then on.

    Found from zoneinfo by weekly sampling and bisection to the second, over the
    span plus a margin (Amsterdam never changes its offset twice within a week).
    """
    import numpy as np  # deferred (module docstring)

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


def _as_days(values: DatesLike) -> DateArray:
    import numpy as np  # deferred (module docstring)

    return np.asarray(values, dtype="datetime64[D]")



def _check_span(day: date) -> date:
    if not SPAN_START <= day <= SPAN_END:
        raise ValidationError(f"{day.isoformat()} {_outside_span_text()}.")
    return day


def _check_span_bulk(days: DateArray) -> DateArray:
    import numpy as np  # deferred (module docstring)

    outside = days[(days < np.datetime64(SPAN_START, "D")) | (days > np.datetime64(SPAN_END, "D"))]
    if outside.size:
        raise ValidationError(f"{outside[0]} {_outside_span_text()}.")
    return days


def _as_counts(counts: CountsLike) -> npt.NDArray[np.int64]:
    import numpy as np  # deferred (module docstring)

    return np.asarray(counts, dtype=np.int64)


def _check_not_negative(count: CountsLike, unit: str) -> None:
    """0 or more, and no more than ``limits.FIELD_LIMITS[unit]`` allows (before any arithmetic)."""
    if isinstance(count, int):  # one count (a single deadline): no numpy
        if count < 0:
            raise ValidationError(f"Het aantal {unit} moet 0 of meer zijn, niet {count}.", field=unit)
        high = limits.FIELD_LIMITS[unit]
        assert isinstance(high, limits.NumberLimit)
        if count > high.high:
            limits.check_number(count, unit)
        return
    import numpy as np  # deferred (module docstring)

    counts = np.asarray(count)
    if (counts < 0).any():
        first = int(counts[counts < 0].flat[0])
        raise ValidationError(f"Het aantal {unit} moet 0 of meer zijn, niet {first}.", field=unit)
    high = limits.FIELD_LIMITS[unit]
    assert isinstance(high, limits.NumberLimit)
    if (counts > high.high).any():
        limits.check_number(int(counts[counts > high.high].flat[0]), unit)
