"""Reporting periods: a month, a quarter or a year, and the arithmetic between them.

A :class:`Period` is a half-open range of Amsterdam calendar days
``[start, end)``. Its moments (``start_moment``, ``end_moment``) are the
Amsterdam midnights as aware UTC datetimes, so queries compare stored UTC
moments (``received_at``, ``closed_at``) with plain ranges and need no
engine-specific date truncation.

Written forms (``parse_period``, ``Period.code``):

- ``2026-07`` (or ``2026-7``): July 2026
- ``2026-Q3`` (or ``2026-K3``, ``2026Q3``, case-insensitive): the third quarter
- ``2026``: the whole year
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum

from babel.dates import format_date as _babel_format_date

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ValidationError
from klachtdesk.services.time.calendar import SPAN_FIRST_YEAR, SPAN_LAST_YEAR


class Granularity(StrEnum):
    MONTH = "maand"
    QUARTER = "kwartaal"
    YEAR = "jaar"

    @property
    def months(self) -> int:
        return {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}[self]

    @property
    def per_year(self) -> int:
        return 12 // self.months

    @property
    def plural(self) -> str:
        return {Granularity.MONTH: "maanden", Granularity.QUARTER: "kwartalen", Granularity.YEAR: "jaren"}[self]


EXAMPLES = "schrijf bijvoorbeeld 2026-07 (maand), 2026-Q3 (kwartaal) of 2026 (jaar)"

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[QK](\d)$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """One month (``index`` 1–12), quarter (1–4) or year (``index`` 1) of the calendar."""

    year: int
    index: int
    granularity: Granularity

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.granularity.per_year:
            raise ValueError(f"index {self.index} out of range for a {self.granularity.name.lower()}")

    # -- construction ---------------------------------------------------------------

    @classmethod
    def containing(cls, day: date, granularity: Granularity) -> Period:
        """The period of ``granularity`` that ``day`` falls in."""
        return cls(day.year, (day.month - 1) // granularity.months + 1, granularity)

    # -- days and moments -------------------------------------------------------------

    @property
    def _ordinal(self) -> int:
        """Periods of this granularity counted from year 0 (for shifting)."""
        return self.year * self.granularity.per_year + (self.index - 1)

    @classmethod
    def _from_ordinal(cls, ordinal: int, granularity: Granularity) -> Period:
        year, offset = divmod(ordinal, granularity.per_year)
        return cls(year, offset + 1, granularity)

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, (self.index - 1) * self.granularity.months + 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period (exclusive end)."""
        return self.next().start

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def start_moment(self) -> datetime:
        """Amsterdam midnight at the start, as an aware UTC datetime."""
        return day_start(self.start)

    @property
    def end_moment(self) -> datetime:
        """Amsterdam midnight after the last day, as an aware UTC datetime (exclusive)."""
        return day_start(self.end)

    # -- arithmetic -------------------------------------------------------------------

    def shift(self, count: int) -> Period:
        """The period ``count`` periods later (negative: earlier)."""
        return self._from_ordinal(self._ordinal + count, self.granularity)

    def previous(self) -> Period:
        return self.shift(-1)

    def next(self) -> Period:
        return self.shift(1)

    def year_earlier(self) -> Period:
        """The same period one year earlier (July 2026 → July 2025)."""
        return self.shift(-self.granularity.per_year)

    def last(self, count: int) -> list[Period]:
        """The ``count`` periods ending with this one, oldest first."""
        return [self.shift(offset) for offset in range(1 - count, 1)]

    def with_granularity(self, granularity: Granularity) -> Period:
        """The period of another granularity that contains this period's first day."""
        return Period.containing(self.start, granularity)

    # -- words ------------------------------------------------------------------------

    @property
    def code(self) -> str:
        """``2026-07``, ``2026-Q3``, ``2026`` (what ``parse_period`` reads)."""
        if self.granularity is Granularity.MONTH:
            return f"{self.year:04d}-{self.index:02d}"
        if self.granularity is Granularity.QUARTER:
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        """``juli 2026``, ``3e kwartaal 2026``, ``2026``."""
        if self.granularity is Granularity.MONTH:
            return _babel_format_date(self.start, "MMMM y", locale="nl_NL")
        if self.granularity is Granularity.QUARTER:
            return f"{self.index}e kwartaal {self.year}"
        return str(self.year)

    @property
    def short_label(self) -> str:
        """``jul 26``, ``K3 26``, ``2026`` (chart axes)."""
        if self.granularity is Granularity.MONTH:
            return _babel_format_date(self.start, "MMM yy", locale="nl_NL").replace(".", "")
        if self.granularity is Granularity.QUARTER:
            return f"K{self.index} {self.year % 100:02d}"
        return str(self.year)

    @property
    def span(self) -> str:
        """``1 jul – 30 sep 2026`` (the first and last day, short)."""
        first = _babel_format_date(self.start, "d MMM", locale="nl_NL").replace(".", "")
        last = _babel_format_date(self.last_day, "d MMM y", locale="nl_NL").replace(".", "")
        return f"{first} – {last}"

    def __str__(self) -> str:
        return self.code


def day_start(day: date) -> datetime:
    """Amsterdam midnight at the start of ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def parse_period(text: str) -> Period:
    """Read ``2026-07``, ``2026-Q3`` (or ``K3``) or ``2026``; ``ValidationError`` in Dutch otherwise."""
    value = text.strip()
    if not value:
        raise ValidationError(f"Geef een periode op; {EXAMPLES}.", field="periode")
    if match := _YEAR.match(value):
        period = Period(int(match[1]), 1, Granularity.YEAR)
    elif match := _MONTH.match(value):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ValidationError(
                f"'{value}' is geen geldige periode: maand {month} bestaat niet (1 t/m 12); {EXAMPLES}.",
                field="periode",
            )
        period = Period(int(match[1]), month, Granularity.MONTH)
    elif match := _QUARTER.match(value):
        quarter = int(match[2])
        if not 1 <= quarter <= 4:
            raise ValidationError(
                f"'{value}' is geen geldige periode: kwartaal {quarter} bestaat niet (1 t/m 4); {EXAMPLES}.",
                field="periode",
            )
        period = Period(int(match[1]), quarter, Granularity.QUARTER)
    else:
        raise ValidationError(f"'{value}' is geen periode; {EXAMPLES}.", field="periode")
    if not SPAN_FIRST_YEAR <= period.year <= SPAN_LAST_YEAR:
        raise ValidationError(
            f"'{value}' valt buiten de jaren {SPAN_FIRST_YEAR} t/m {SPAN_LAST_YEAR} die klachtdesk kent.",
            field="periode",
        )
    return period


def current_period(today: date, granularity: Granularity = Granularity.QUARTER) -> Period:
    return Period.containing(today, granularity)


def last_complete_period(today: date, granularity: Granularity = Granularity.QUARTER) -> Period:
    """The last period of ``granularity`` that has fully passed on ``today``."""
    return Period.containing(today, granularity).previous()
