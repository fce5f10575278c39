"""The one source of "now". Tests fix it; nothing else calls ``datetime.now``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still (and can be moved by hand in tests)."""

    moment: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM))

    def now(self) -> datetime:
        return self.moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.moment = self.moment + delta


def utc_moment(value: datetime | str | None) -> datetime | None:
    """A stored moment (naive UTC; raw SQLite gives text) as an aware UTC datetime: what the
    tables' ``UTCDateTime`` hands back, and what a plain driver read turns it into."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stored_day(value: date | str | None) -> date | None:
    """A stored day (raw SQLite gives text) as a ``date``."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def local(moment: datetime) -> datetime:
    """A moment in Amsterdam time. Naive moments are taken to be UTC (as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM)


def today(clock: Clock) -> date:
    """Today's date in Amsterdam."""
    return local(clock.now()).date()
