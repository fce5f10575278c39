"""The analysis's results: plain values, as the queries (``figures``) return them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from klachtdesk.services.time.periods import Period


# ---------------------------------------------------------------------------------------
# results (plain values)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """Cases received with one value of a dimension, now and in the two comparison periods."""

    value: str
    count: int
    previous: int
    year_ago: int

    @property
    def change_previous(self) -> int:
        return self.count - self.previous

    @property
    def change_year_ago(self) -> int:
        return self.count - self.year_ago


@dataclass(frozen=True)
class Breakdown:
    dimension: str  # "category", "service_type", "channel", "kind"
    title: str
    rows: tuple[CountRow, ...]
    total: CountRow


@dataclass(frozen=True)
class Notable:
    """A category or service type rising markedly against its own history."""

    dimension: str
    value: str
    count: int
    mean: float
    sd: float
    threshold: float
    history: tuple[int, ...]  # the history periods' counts, oldest first


def comparison_phrase(previous: Period, year_ago: Period) -> str:
    """The one wording of what a period is compared with; a year's previous period *is* the year ago."""
    if previous == year_ago:
        return f"vergeleken met {previous.label}"
    return f"vergeleken met {previous.label} en {year_ago.label}"


@dataclass(frozen=True)
class Volume:
    """Cases received in the period, per dimension, against the two compared periods."""

    period: Period
    previous: Period
    year_ago: Period
    breakdowns: tuple[Breakdown, ...]

    def breakdown(self, dimension: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.dimension == dimension)

    @property
    def total(self) -> CountRow:
        return self.breakdowns[0].total

    @property
    def comparison(self) -> str:
        """``vergeleken met …``: the compared periods, named once when they are the same (a year)."""
        return comparison_phrase(self.previous, self.year_ago)


@dataclass(frozen=True)
class Trends:
    """The last ``TREND_PERIODS`` periods ending with the analysed one, and what stands out."""

    period: Period
    periods: tuple[Period, ...]  # oldest first, the analysed period last
    received: tuple[int, ...]
    closed: tuple[int, ...]
    by_category: dict[str, tuple[int, ...]]
    by_service_type: dict[str, tuple[int, ...]]
    notable: tuple[Notable, ...]
    first_received: datetime | None


@dataclass(frozen=True)
class HandlingRow:
    group: str
    closed: int
    median: float | None
    p90: float | None
    mean: float | None


@dataclass(frozen=True)
class HandlingTimes:
    period: Period
    total: HandlingRow
    by_category: tuple[HandlingRow, ...]


@dataclass(frozen=True)
class ComplianceRow:
    kind: str
    label: str
    due: int
    on_time: int
    late: int
    overdue: int
    open: int
    extended: int

    @property
    def decided(self) -> int:
        """Deadlines whose outcome is known (met, or passed unmet)."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_pct(self) -> float | None:
        return 100.0 * self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class Compliance:
    period: Period
    today: date
    rows: tuple[ComplianceRow, ...]


@dataclass(frozen=True)
class Outcomes:
    period: Period
    closed: int
    resolved: int  # closed with a resolution, not referred
    accepted: int
    not_accepted: int
    referred: int
    questions_handled: int


@dataclass(frozen=True)
class BacklogBucket:
    label: str
    low: int
    high: int | None
    count: int


@dataclass(frozen=True)
class Backlog:
    reference_day: date
    total: int
    buckets: tuple[BacklogBucket, ...]
    oldest_werkdagen: int | None
    median_werkdagen: float | None


@dataclass(frozen=True)
class RepeatComplainant:
    person_id: int
    name: str | None  # None unless the user may see personal data
    count: int
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Repeats:
    window_start: date
    window_end: date  # exclusive
    total_people: int
    total_cases: int
    shown: tuple[RepeatComplainant, ...]


@dataclass(frozen=True)
class Analysis:
    period: Period
    volume: Volume
    trends: Trends
    handling: HandlingTimes
    compliance: Compliance
    outcomes: Outcomes
    backlog: Backlog
    repeats: Repeats


__all__ = [
    "Analysis",
    "Backlog",
    "BacklogBucket",
    "Breakdown",
    "Compliance",
    "comparison_phrase",
    "ComplianceRow",
    "CountRow",
    "HandlingRow",
    "HandlingTimes",
    "Notable",
    "Outcomes",
    "RepeatComplainant",
    "Repeats",
    "Trends",
    "Volume",
]
