"""Periodic analysis for management: volumes, trends, handling times, deadline compliance.

Every figure is aggregated in the database (``GROUP BY``, conditional counts,
window functions), never by loading cases into Python; the queries are
SQLAlchemy Core and run unchanged on SQLite and PostgreSQL. How that works
without engine-specific date functions:

- **Period bounds are computed in Python.** A :class:`~klachtdesk.services.time.periods.Period`
  gives its Amsterdam midnights as UTC moments; stored UTC moments
  (``received_at``, ``closed_at``, ``met_at``) are compared with those plain ranges.
- **Trends: one query per period.** The 12 periods of a trend (and the periods
  compared with: the previous one, the same one a year earlier) are range
  queries on ``received_at`` (indexed), shared through a cache; inside each, conditional counts
  (``COUNT(*) FILTER (WHERE category = ...)``) per configured category and service
  type. SQLite has no hash aggregate, so a ``GROUP BY`` sorts every row it
  groups; counting into the known values needs no sort (values outside the
  configured lists are found with a ``GROUP BY`` on just those rows); channel
  and kind are counted in the same pass.
- **Buckets by CASE.** To turn a moment into an Amsterdam day (the closing day of
  a case) a balanced nested ``CASE`` over the precomputed midnights gives its
  day number (:func:`bucket`); a binary search, so a quarter's 92 days cost 7
  comparisons per row. The bucket is computed in a subquery and grouped on in
  the outer query, so PostgreSQL sees one column, not two copies of a long
  expression with different parameters. The same helper maps a due day to the
  moment it ends, for "met on time".
- **Sections in parallel.** The sections (``SECTIONS``) are independent; ``analyse``
  runs up to ``PARALLEL_SECTIONS`` of them at once, each on its own connection.

Definitions (the report's footnotes say the same, see ``DEFINITIONS``):

- **Received in a period**: ``received_at`` (the actual moment) in the period.
- **Handling time**: for each case closed in the period (``closed_at`` in the
  period), the werkdagen after its effective receipt day up to and including the
  Amsterdam day it was closed, on the organisation's calendar; 0 when it was
  closed on (or before) its receipt day. The database returns (receipt day,
  closing day, category, count) groups; numpy's ``busday_count`` on the
  organisation calendar's ``busdaycalendar`` converts all pairs at once, and the
  median and 90th percentile are the *weighted* nearest-rank quantiles
  (``numpy.quantile(..., weights=counts, method="inverted_cdf")``): the smallest
  handling time that at least 50 % (90 %) of the closed cases do not exceed.
- **Deadline compliance**: the deadlines *due* in the period (not cancelled), per
  kind: met on time (``met_at`` before the Amsterdam midnight that ends the due
  day), met late,
  still overdue (unmet, due before today), still open (unmet, due today or
  later); extensions used = those with an extension.
- **Outcomes**: of the cases closed in the period: resolved (closed with a
  resolution, not referred), accepted by the klager, not accepted, referred to
  the geschillencommissie (status now "doorverwezen"), questions handled. Read
  from the cases, not from their (possibly anonymised) history.
- **Backlog**: the cases open at the end of the period's last day (today for the
  current period): counting as received by then (effective receipt day) and not
  closed by then, by age in werkdagen since the effective receipt day.
- **Notable rise** ("opvallend"): a category or service type whose count in the
  period is at least ``NOTABLE_MIN_CASES``, above the mean of its previous
  ``NOTABLE_HISTORY`` periods and at least mean + ``NOTABLE_SIGMA`` × the sample
  standard deviation (ddof=1) of those periods. History periods that ended
  before the first case in the database are left out; with fewer than
  ``NOTABLE_MIN_HISTORY`` history periods nothing is flagged. Cases without a
  category (the questions, mostly) are not a category and never flagged.
- **Repeat complainants**: people who are the klager of at least
  ``REPEAT_MIN_CASES`` cases received in the 12 months ending with the period.
  Reports never name them: klachtnummers and counts only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Integer, and_, case, func, literal, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from klachtdesk.models import Acceptance, Channel, Complaint, ComplaintKind, Deadline, DeadlineKind, Person, Status
from klachtdesk.models.types import UTCDateTime
from klachtdesk.services.analysis.results import (
    Analysis,
    Backlog,
    BacklogBucket,
    Breakdown,
    Compliance,
    ComplianceRow,
    CountRow,
    HandlingRow,
    HandlingTimes,
    Notable,
    Outcomes,
    RepeatComplainant,
    Repeats,
    Trends,
    Volume,
)
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.time.periods import Period, day_start


#: how many periods a trend shows
TREND_PERIODS = 12
#: the notable-rise rule (see the module docstring)
NOTABLE_HISTORY = 8
NOTABLE_MIN_HISTORY = 4
NOTABLE_SIGMA = 2.0
NOTABLE_MIN_CASES = 5
#: repeat complainants: this many cases or more within 12 months
REPEAT_MIN_CASES = 3
REPEAT_SHOWN = 25
#: backlog age buckets in werkdagen: (lowest, highest inclusive or None)
BACKLOG_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 2), (3, 5), (6, 10), (11, 20), (21, 40), (41, None))

NO_VALUE = "(niet ingevuld)"

DEFINITIONS: tuple[str, ...] = (
    "Ontvangen: het werkelijke moment van ontvangst valt in de periode.",
    "Behandeltijd: voor elke zaak die in de periode is afgesloten, het aantal werkdagen na de dag waarop de "
    "ontvangst telt tot en met de dag van afsluiten (kalender van de organisatie); mediaan en 90e percentiel "
    "volgens de rangordemethode (de kleinste behandeltijd waar 50 % resp. 90 % van de zaken niet boven komt).",
    "Termijnnaleving: de termijnen met een einddatum in de periode (niet vervallen), per soort: op tijd "
    "gehaald, te laat gehaald, nog te laat (niet gehaald, einddatum voorbij) en nog open; verlengd = met "
    "verlenging.",
    "Uitkomsten: van de zaken die in de periode zijn afgesloten; opgelost = gesloten met een vastgelegde "
    "oplossing en niet doorverwezen; doorverwezen = de status is nu 'doorverwezen naar de "
    "geschillencommissie'.",
    "Achterstand: zaken die aan het eind van de periode (of vandaag, voor de lopende periode) openstonden "
    "(ontvangst telt uiterlijk op die dag, nog niet afgesloten), naar leeftijd in werkdagen sinds de dag "
    "waarop de ontvangst telt.",
    f"Opvallend: een categorie of type dienstverlening met minstens {NOTABLE_MIN_CASES} zaken in de periode, "
    f"meer dan het gemiddelde van de {NOTABLE_HISTORY} perioden ervoor en minstens gemiddelde + "
    f"{NOTABLE_SIGMA:g} × standaardafwijking (steekproef) daarvan; perioden vóór de eerste zaak tellen niet "
    f"mee, en met minder dan {NOTABLE_MIN_HISTORY} perioden geschiedenis wordt niets gemarkeerd.",
    f"Herhaalde klagers: personen met {REPEAT_MIN_CASES} of meer zaken in de 12 maanden tot het eind van de "
    "periode; in rapporten alleen klachtnummers en aantallen.",
)

DIMENSIONS: dict[str, str] = {
    "category": "Aard van de klacht",
    "service_type": "Type dienstverlening",
    "channel": "Kanaal",
    "kind": "Soort melding",
}


# ---------------------------------------------------------------------------------------
# SQL helpers
# ---------------------------------------------------------------------------------------


def bucket(column: Any, bounds: Sequence[Any], values: Sequence[ColumnElement[Any]] | None = None
           ) -> ColumnElement[Any]:
    """How many of the sorted ``bounds`` are ``<= column``: 0 … ``len(bounds)``.

    A balanced nested ``CASE`` (a binary search), portable to every engine; the
    bounds are bound parameters of the column's own type. With ``values`` (one
    more than there are bounds) the result is ``values[i]`` instead of ``i``.
    NULL falls in bucket 0 unless the caller tests for it first.
    """

    def build(low: int, high: int) -> ColumnElement[Any]:
        if low == high:
            return values[low] if values is not None else literal_column(str(low), Integer)
        middle = (low + high + 1) // 2  # the answer is >= middle iff column >= bounds[middle - 1]
        return case((column < bounds[middle - 1], build(low, middle - 1)), else_=build(middle, high))

    if values is not None and len(values) != len(bounds) + 1:
        raise ValueError("bucket() needs one value more than bounds")
    return build(0, len(bounds))


def _day_bounds(first: date, days: int) -> list[datetime]:
    """Amsterdam midnights (as UTC moments) at the start of ``days`` consecutive days."""
    return [day_start(first + timedelta(days=offset)) for offset in range(days)]


def _label(value: Any) -> str:
    if value is None or value == "":
        return NO_VALUE
    return str(getattr(value, "value", value))


# ---------------------------------------------------------------------------------------
# volume: counts, comparisons, trends, notable rises
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PeriodCounts:
    """The counts of one period, as the database returned them."""

    received: int
    closed: int
    category: dict[str, int]
    service_type: dict[str, int]
    channel: dict[str, int]
    kind: dict[str, int]


def _received_in(period: Period) -> ColumnElement[bool]:
    return and_(Complaint.received_at >= period.start_moment, Complaint.received_at < period.end_moment)  # type: ignore[operator]


def _values_of(session: Any, column: Any, known: Sequence[str], period: Period, counts: Sequence[int],
               total: int) -> dict[str, int]:
    """Counts per value: the known values and NULL from ``counts``; values outside the
    configured list (rare: a list entry that was removed) from a GROUP BY on just those."""
    result = {value: int(count) for value, count in zip([*known, NO_VALUE], counts, strict=True)}
    if sum(result.values()) < total:
        for value, count in session.execute(
            select(column, func.count()).where(_received_in(period), column.not_in(known)).group_by(column)
        ).all():
            label = _label(value)
            result[label] = result.get(label, 0) + int(count)
    return result


def _period_counts(session: Any, context: Context, period: Period) -> _PeriodCounts:
    """Received (in total, per category, service type, channel and kind) and closed in one period.

    One range scan with conditional counts (``COUNT(*) FILTER (WHERE ...)``) per
    configured category and service type and per channel and kind: SQLite has no
    hash aggregate, so a ``GROUP BY`` would sort every row of the period; counting
    into the known values needs no sort at all. The closed count is an index-only
    range count.
    """
    lists = context.settings.lists
    known: dict[str, tuple[Any, list[str]]] = {
        "category": (Complaint.category, list(lists.categories)),
        "service_type": (Complaint.service_type, list(lists.service_types)),
        "channel": (Complaint.channel, [c.value for c in Channel]),
        "kind": (Complaint.kind, [k.value for k in ComplaintKind]),
    }
    found: dict[str, dict[str, int]] = {}
    if session.get_bind().dialect.name == "postgresql":
        total, found = _grouped_counts(session, known, period)
    else:
        columns: list[Any] = [func.count()]
        for column, values in known.values():
            columns += [func.count().filter(column == value) for value in values]
            columns.append(func.count().filter(column.is_(None)))
        row = session.execute(select(*columns).where(_received_in(period))).one()
        total = int(row[0])
        start = 1
        for dimension, (column, values) in known.items():
            end = start + len(values) + 1
            found[dimension] = _values_of(session, column, values, period, row[start:end], total)
            start = end
    closed = session.execute(
        select(func.count()).select_from(Complaint)
        .where(Complaint.closed_at >= period.start_moment, Complaint.closed_at < period.end_moment)  # type: ignore[operator]
    ).scalar_one()
    return _PeriodCounts(total, int(closed), **found)


def _grouped_counts(session: Any, known: dict[str, tuple[Any, list[str]]], period: Period
                    ) -> tuple[int, dict[str, dict[str, int]]]:
    """PostgreSQL: the same counts from one ``GROUP BY`` over the four columns (a hash
    aggregate, cheaper there than a conditional count per value), added up per column:
    the known values (0 when absent) and NULL as :data:`NO_VALUE` first, any other value
    after them under its label, as :func:`_values_of` gives them."""
    columns = [column for column, _values in known.values()]
    rows = session.execute(select(*columns, func.count()).where(_received_in(period)).group_by(*columns)).all()
    found: dict[str, dict[str, int]] = {}
    for position, (dimension, (_column, values)) in enumerate(known.items()):
        counts = dict.fromkeys([*values, NO_VALUE], 0)
        others: dict[str, int] = {}
        for row in rows:
            value, count = row[position], int(row[-1])
            if value is None:
                counts[NO_VALUE] += count
            elif value in values:
                counts[value] += count
            else:
                others[_label(value)] = others.get(_label(value), 0) + count
        for label, count in others.items():
            counts[label] = counts.get(label, 0) + count
        found[dimension] = counts
    return sum(int(row[-1]) for row in rows), found


PeriodCache = MutableMapping[Period, Any]


def _counts_for(session: Any, context: Context, periods: Sequence[Period], cache: PeriodCache | None
                ) -> list[_PeriodCounts]:
    """``_period_counts`` for each period, taken from ``cache`` where it has them."""
    result = []
    for p in periods:
        found = cache.get(p) if cache is not None else None
        if found is None:
            found = _period_counts(session, context, p)
            if cache is not None:
                cache[p] = found
        result.append(found)
    return result


def _series(context: Context, counts: Sequence[_PeriodCounts], dimension: str) -> dict[str, list[int]]:
    """Per value of a dimension: its count in each period (the known values first, then
    any other value found; values outside the configured lists only when they occur)."""
    lists = context.settings.lists
    configured: Sequence[str] = {
        "category": lists.categories, "service_type": lists.service_types,
        "channel": [c.value for c in Channel], "kind": [k.value for k in ComplaintKind],
    }[dimension]
    found = {value for c in counts for value, count in getattr(c, dimension).items() if count}
    return {v: [getattr(c, dimension).get(v, 0) for c in counts] for v in _ordered(configured, found)}


def volume(context: Context, period: Period, *, cache: PeriodCache | None = None) -> Volume:
    """Cases received per category, service type, channel and kind, against the
    previous period and the same period a year earlier.

    One conditional-count query per compared period (see ``_period_counts``).
    ``cache`` (kept by a screen while it is open, and shared with ``trends``)
    holds the per-period counts already fetched.
    """
    context.require(Permission.VIEW_ANALYSIS)
    compared = [period, period.previous(), period.year_earlier()]
    with context.db.read() as session:
        counts = _counts_for(session, context, compared, cache)
    total = CountRow("Totaal", *(c.received for c in counts))
    breakdowns = tuple(
        Breakdown(dimension, title, tuple(CountRow(v, *s) for v, s in _series(context, counts, dimension).items()),
                  total)
        for dimension, title in DIMENSIONS.items()
    )
    return Volume(period=period, previous=compared[1], year_ago=compared[2], breakdowns=breakdowns)


def trends(context: Context, period: Period, *, cache: PeriodCache | None = None) -> Trends:
    """Received and closed per period, per category and per service type, over the
    last ``TREND_PERIODS`` periods; and the notable rises of this period.

    One conditional-count query per period (see ``_period_counts``), shared with
    ``volume`` through ``cache``.
    """
    context.require(Permission.VIEW_ANALYSIS)
    periods = period.last(TREND_PERIODS)
    with context.db.read() as session:
        counts = _counts_for(session, context, periods, cache)
        first_received = session.execute(select(func.min(Complaint.received_at))).scalar()
    series = {dimension: _series(context, counts, dimension) for dimension in ("category", "service_type")}
    n = len(periods)
    usable = [
        index for index in range(max(0, n - 1 - NOTABLE_HISTORY), n - 1)
        if first_received is not None and periods[index].end_moment > _aware(first_received)
    ]
    notable: list[Notable] = []
    for dimension in ("category", "service_type"):
        for value, values in series[dimension].items():
            if value == NO_VALUE:  # not a category: the questions, mostly
                continue
            found = notable_rise(values[-1], [values[i] for i in usable])
            if found is not None:
                mean, sd, threshold = found
                notable.append(Notable(dimension, value, values[-1], mean, sd, threshold,
                                       tuple(values[i] for i in usable)))
    notable.sort(key=lambda item: (-(item.count - item.mean), item.dimension, item.value))
    return Trends(
        period=period,
        periods=tuple(periods),
        received=tuple(c.received for c in counts),
        closed=tuple(c.closed for c in counts),
        by_category={v: tuple(s) for v, s in series["category"].items()},
        by_service_type={v: tuple(s) for v, s in series["service_type"].items()},
        notable=tuple(notable),
        first_received=first_received,
    )


def _ordered(known: Sequence[str], found: Iterable[str]) -> list[str]:
    return list(known) + sorted(v for v in found if v not in known)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def notable_rise(count: int, history: Sequence[int]) -> tuple[float, float, float] | None:
    """The notable-rise rule: (mean, sd, threshold) when ``count`` rises markedly, else None.

    Flagged when there are at least ``NOTABLE_MIN_HISTORY`` history periods,
    ``count >= NOTABLE_MIN_CASES``, ``count > mean`` and
    ``count >= mean + NOTABLE_SIGMA * sd`` (sample standard deviation, ddof=1).
    """
    if len(history) < NOTABLE_MIN_HISTORY or count < NOTABLE_MIN_CASES:
        return None
    values = np.asarray(history, dtype=float)
    mean = float(values.mean())
    sd = float(values.std(ddof=1))
    threshold = mean + NOTABLE_SIGMA * sd
    if count > mean and count >= threshold:
        return mean, sd, threshold
    return None


# ---------------------------------------------------------------------------------------
# handling times
# ---------------------------------------------------------------------------------------


def werkdagen_between(context: Context, start_days: np.ndarray, end_days: np.ndarray) -> np.ndarray:
    """Werkdagen after each start day up to and including its end day (0 when end <= start)."""
    calendar = context.calendars.organisation
    starts = np.asarray(start_days, dtype="datetime64[D]")
    ends = np.asarray(end_days, dtype="datetime64[D]")
    counts = np.busday_count(starts + 1, ends + 1, busdaycal=calendar.busdaycalendar)
    return np.maximum(counts, 0).astype(np.int64)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, quantiles: Sequence[float]) -> list[float | None]:
    """Nearest-rank quantiles of values repeated ``weights`` times (None when empty)."""
    if values.size == 0 or int(weights.sum()) == 0:
        return [None for _ in quantiles]
    result = np.quantile(values, list(quantiles), weights=weights, method="inverted_cdf")
    return [float(v) for v in np.atleast_1d(result)]


def handling_times(context: Context, period: Period) -> HandlingTimes:
    """Median, 90th percentile and mean handling time in werkdagen of the cases closed in ``period``."""
    context.require(Permission.VIEW_ANALYSIS)
    interior = _day_bounds(period.start, period.days)[1:]
    inner = (
        select(
            Complaint.effective_receipt_day.label("receipt_day"),  # type: ignore[attr-defined]
            bucket(Complaint.closed_at, interior).label("closed_offset"),
            Complaint.category.label("category"),  # type: ignore[attr-defined]
        )
        .where(Complaint.closed_at >= period.start_moment, Complaint.closed_at < period.end_moment)  # type: ignore[operator]
        .subquery()
    )
    grouped = select(inner.c.receipt_day, inner.c.closed_offset, inner.c.category, func.count()).group_by(
        inner.c.receipt_day, inner.c.closed_offset, inner.c.category
    )
    with context.db.read() as session:
        rows = session.execute(grouped).all()
    if rows:
        receipt = np.array([r[0] for r in rows], dtype="datetime64[D]")
        closed = np.datetime64(period.start, "D") + np.array([r[1] for r in rows], dtype=np.int64)
        werkdagen = werkdagen_between(context, receipt, closed)
        weights = np.array([r[3] for r in rows], dtype=np.int64)
        categories = np.array([_label(r[2]) for r in rows], dtype=object)
    else:
        werkdagen = weights = np.zeros(0, dtype=np.int64)
        categories = np.zeros(0, dtype=object)

    def row(group: str, mask: np.ndarray | None = None) -> HandlingRow:
        values, counts = (werkdagen, weights) if mask is None else (werkdagen[mask], weights[mask])
        total = int(counts.sum())
        median, p90 = weighted_quantiles(values, counts, (0.5, 0.9))
        mean = float((values * counts).sum() / total) if total else None
        return HandlingRow(group, total, median, p90, mean)

    order = _ordered(context.settings.lists.categories, set(categories.tolist()))
    by_category = tuple(row(category, categories == category) for category in order)
    return HandlingTimes(period=period, total=row("Totaal"), by_category=by_category)


# ---------------------------------------------------------------------------------------
# deadline compliance
# ---------------------------------------------------------------------------------------


def deadline_compliance(context: Context, period: Period) -> Compliance:
    """Per deadline kind: of the deadlines due in ``period``, how many were met on time, late, or not.

    One pass, grouped by kind, with conditional counts. "On time" is ``met_at`` before the
    Amsterdam midnight that ends the due day; that moment comes from a nested
    ``CASE`` on ``due`` over the period's days (see :func:`bucket`).
    """
    context.require(Permission.VIEW_ANALYSIS)
    today = context.today()
    interior_days = [period.start + timedelta(days=offset) for offset in range(1, period.days)]
    day_ends = [literal(day_start(period.start + timedelta(days=offset + 1)), UTCDateTime())
                for offset in range(period.days)]
    due_end = bucket(Deadline.due, interior_days, day_ends)
    met = Deadline.met_at.is_not(None)  # type: ignore[union-attr]
    unmet = Deadline.met_at.is_(None)  # type: ignore[union-attr]
    extended = Deadline.extended_at.is_not(None)  # type: ignore[union-attr]
    kinds = list(DeadlineKind)
    query = select(
        Deadline.kind,
        func.count(),
        func.count().filter(and_(met, Deadline.met_at < due_end)),  # type: ignore[operator]
        func.count().filter(met),
        func.count().filter(and_(unmet, Deadline.due < today)),  # type: ignore[operator]
        func.count().filter(extended),
    ).where(
        Deadline.due >= period.start, Deadline.due < period.end, Deadline.cancelled_at.is_(None)  # type: ignore[operator, union-attr]
    ).group_by(Deadline.kind)
    with context.db.read() as session:
        counts = {_label(row[0]): tuple(int(value) for value in row[1:]) for row in session.execute(query).all()}
    settings = context.settings
    configured = [rule.kind for rule in settings.deadline_rules]
    result = []
    for kind in kinds:
        due, on_time, met_count, overdue, extended_count = counts.get(kind.value, (0, 0, 0, 0, 0))
        if kind not in configured and not due:
            continue
        rule = settings.rule(kind)
        label = f"{kind.value.capitalize()} ({rule.amount} {rule.unit.value})" if rule else kind.value.capitalize()
        result.append(ComplianceRow(
            kind=kind.value, label=label, due=due, on_time=on_time,
            late=met_count - on_time, overdue=overdue, open=due - met_count - overdue, extended=extended_count,
        ))
    result.sort(key=lambda r: configured.index(DeadlineKind(r.kind)) if DeadlineKind(r.kind) in configured else 99)
    return Compliance(period=period, today=today, rows=tuple(result))


# ---------------------------------------------------------------------------------------
# outcomes
# ---------------------------------------------------------------------------------------


def outcomes(context: Context, period: Period) -> Outcomes:
    """What became of the cases closed in ``period`` (one pass, conditional counts).

    "Opgelost" is a case closed with a resolution that was not referred to the
    geschillencommissie. It is read from the case itself, not from its history:
    a history may be incomplete (bulk imports) or anonymised after the retention
    period, and a report on a past period must not change because of that.
    """
    context.require(Permission.VIEW_ANALYSIS)
    query = select(
        func.count(),
        func.count().filter(and_(Complaint.resolution.is_not(None), Complaint.status != Status.REFERRED)),  # type: ignore[union-attr]
        func.count().filter(Complaint.accepted == Acceptance.YES),
        func.count().filter(Complaint.accepted == Acceptance.NO),
        func.count().filter(Complaint.status == Status.REFERRED),
        func.count().filter(Complaint.kind != ComplaintKind.COMPLAINT),
    ).where(Complaint.closed_at >= period.start_moment, Complaint.closed_at < period.end_moment)  # type: ignore[operator]
    with context.db.read() as session:
        closed, resolved, accepted, not_accepted, referred, handled = (int(v) for v in session.execute(query).one())
    return Outcomes(period, closed, resolved, accepted, not_accepted, referred, handled)


# ---------------------------------------------------------------------------------------
# backlog
# ---------------------------------------------------------------------------------------


def backlog_reference_day(context: Context, period: Period) -> date:
    return min(period.last_day, context.today())


def backlog(context: Context, period: Period) -> Backlog:
    """The cases open at the end of the period (or today), by age in werkdagen."""
    context.require(Permission.VIEW_ANALYSIS)
    reference = backlog_reference_day(context, period)
    cutoff = day_start(reference + timedelta(days=1))
    # two queries, each driven by the index on closed_at (still open; closed only after
    # the reference day); the receipt condition is on the unindexed effective receipt
    # day, so no planner is tempted to walk every earlier case by received_at instead
    still_open = Complaint.closed_at.is_(None)  # type: ignore[union-attr]
    closed_later = Complaint.closed_at >= cutoff  # type: ignore[operator]
    rows = []
    with context.db.read() as session:
        for condition in (still_open, closed_later):
            rows += session.execute(
                select(Complaint.effective_receipt_day, func.count())
                .where(condition, Complaint.effective_receipt_day <= reference)  # type: ignore[operator]
                .group_by(Complaint.effective_receipt_day)
            ).all()
    if rows:
        receipt = np.array([r[0] for r in rows], dtype="datetime64[D]")
        weights = np.array([r[1] for r in rows], dtype=np.int64)
        ages = werkdagen_between(context, receipt, np.full(receipt.shape, np.datetime64(reference, "D")))
    else:
        ages = weights = np.zeros(0, dtype=np.int64)
    buckets = []
    for low, high in BACKLOG_BUCKETS:
        mask = (ages >= low) & (ages <= (high if high is not None else np.iinfo(np.int64).max))
        label = f"{low}–{high} werkdagen" if high is not None else f"meer dan {low - 1} werkdagen"
        buckets.append(BacklogBucket(label, low, high, int(weights[mask].sum())))
    median = weighted_quantiles(ages, weights, (0.5,))[0]
    return Backlog(
        reference_day=reference, total=int(weights.sum()), buckets=tuple(buckets),
        oldest_werkdagen=int(ages.max()) if ages.size else None, median_werkdagen=median,
    )


# ---------------------------------------------------------------------------------------
# repeat complainants
# ---------------------------------------------------------------------------------------


def repeat_window(period: Period) -> tuple[date, date]:
    """The 12 months ending with the period: [start, end)."""
    end = period.end
    return date(end.year - 1, end.month, 1), end


def repeat_complainants(context: Context, period: Period, *, personal: bool | None = None) -> Repeats:
    """People with ``REPEAT_MIN_CASES`` or more cases in the 12 months ending with ``period``.

    ``personal``: include names (only if the user may read personal data; the
    default is whatever the user may).
    """
    context.require(Permission.VIEW_ANALYSIS)
    may = context.user.may(Permission.READ_PERSONAL_DATA)
    personal = may if personal is None else (personal and may)
    start, end = repeat_window(period)
    window = and_(
        Complaint.received_at >= day_start(start), Complaint.received_at < day_start(end),  # type: ignore[operator]
        Complaint.complainant_id.is_not(None),  # type: ignore[union-attr]
    )
    per_person = (
        select(Complaint.complainant_id.label("person_id"), func.count().label("n"))  # type: ignore[union-attr]
        .where(window)
        .group_by(Complaint.complainant_id)
        .having(func.count() >= REPEAT_MIN_CASES)
        .subquery()
    )
    ranked = select(
        per_person.c.person_id, per_person.c.n,
        func.count().over().label("people"), func.sum(per_person.c.n).over().label("cases"),
    ).order_by(per_person.c.n.desc(), per_person.c.person_id).limit(REPEAT_SHOWN)
    with context.db.read() as session:
        top = session.execute(ranked).all()  # the totals over all of them come with every row
        total_people, total_cases = (int(top[0][2]), int(top[0][3])) if top else (0, 0)
        ids = [int(r[0]) for r in top]
        numbers: dict[int, list[str]] = defaultdict(list)
        names: dict[int, str] = {}
        if ids:
            for person_id, number in session.execute(
                select(Complaint.complainant_id, Complaint.number)
                .where(window, Complaint.complainant_id.in_(ids))  # type: ignore[union-attr]
                .order_by(Complaint.received_at, Complaint.id)
            ).all():
                numbers[int(person_id)].append(number)
            if personal:
                names = {int(i): n for i, n in session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()}  # type: ignore[union-attr]
    shown = tuple(
        RepeatComplainant(person_id, names.get(person_id) if personal else None, int(n), tuple(numbers[person_id]))
        for person_id, n in ((int(r[0]), r[1]) for r in top)
    )
    return Repeats(start, end, int(total_people), int(total_cases), shown)


# ---------------------------------------------------------------------------------------
# everything, and the complaints behind a figure
# ---------------------------------------------------------------------------------------

#: the sections in the order a screen fills them: (key, Dutch name, function)
SECTIONS: tuple[tuple[str, str, Callable[[Context, Period], Any]], ...] = (
    ("volume", "aantallen", volume),
    ("compliance", "termijnnaleving", deadline_compliance),
    ("handling", "behandeltijden", handling_times),
    ("trends", "trends", trends),
    ("outcomes", "uitkomsten", outcomes),
    ("backlog", "achterstand", backlog),
    ("repeats", "herhaalde klagers", repeat_complainants),
)


#: sections computed at the same time (each on its own database connection)
PARALLEL_SECTIONS = 3
#: PostgreSQL: the order the sections are started in. The server works on each section's
#: queries in a process of its own, so the two longest (the trends' 13 periods, the repeat
#: klagers' 12 months) start at once and neither ends the analysis alone; volume first, so
#: that the trends (counting their periods oldest first) find its three periods already
#: counted (``PeriodCache``). On SQLite the work is this process's own: there the light
#: sections first (``SECTIONS``' order) measured faster.
START_ORDER = ("volume", "trends", "repeats", "compliance", "handling", "outcomes", "backlog")


def analyse(context: Context, period: Period, *, personal: bool | None = None,
            progress: Callable[[str, Any], None] | None = None, parallel: int = PARALLEL_SECTIONS,
            volume_cache: PeriodCache | None = None) -> Analysis:
    """Every section for ``period``; ``progress(key, result)`` as each one is ready.

    The sections are independent queries; up to ``parallel`` run at the same time
    in a thread pool (database drivers release the GIL while the database works),
    so ``progress`` is called from those threads, in the order they finish.
    """
    context.require(Permission.VIEW_ANALYSIS)

    shared: PeriodCache = volume_cache if volume_cache is not None else {}

    def run(key: str, function: Callable[[Context, Period], Any]) -> Any:
        if key == "repeats":
            return repeat_complainants(context, period, personal=personal)
        if key in ("volume", "trends"):  # they share the per-period counts
            return function(context, period, cache=shared)
        return function(context, period)

    results: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="analyse") as pool:
        functions = {key: function for key, _name, function in SECTIONS}
        order = list(functions)
        if context.db.dialect == "postgresql":
            order = [key for key in START_ORDER if key in functions] + [key for key in order if key not in START_ORDER]
        futures = {pool.submit(run, key, functions[key]): key for key in order}
        try:
            for future in as_completed(futures):
                key = futures[future]
                results[key] = future.result()
                if progress is not None:
                    progress(key, results[key])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return Analysis(period=period, **results)


def complaint_numbers(context: Context, period: Period, dimension: str, value: str, limit: int = 20) -> list[str]:
    """Klachtnummers of the cases received in ``period`` with this category or service type, newest first."""
    context.require(Permission.VIEW_ANALYSIS)
    columns = {"category": Complaint.category, "service_type": Complaint.service_type,
               "channel": Complaint.channel, "kind": Complaint.kind}
    if dimension not in columns:
        raise ValueError(f"unknown dimension {dimension!r}")
    column: Any = columns[dimension]
    condition = column.is_(None) if value == NO_VALUE else column == value
    query = (
        select(Complaint.number)
        .where(Complaint.received_at >= period.start_moment, Complaint.received_at < period.end_moment, condition)  # type: ignore[operator]
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    with context.db.read() as session:
        return [str(n) for n in session.execute(query).scalars().all()]


__all__ = [
    "BACKLOG_BUCKETS",
    "DEFINITIONS",
    "DIMENSIONS",
    "NOTABLE_HISTORY",
    "NOTABLE_MIN_CASES",
    "NOTABLE_MIN_HISTORY",
    "NOTABLE_SIGMA",
    "NO_VALUE",
    "PARALLEL_SECTIONS",
    "PeriodCache",
    "REPEAT_MIN_CASES",
    "REPEAT_SHOWN",
    "SECTIONS",
    "TREND_PERIODS",
    "analyse",
    "backlog",
    "backlog_reference_day",
    "bucket",
    "complaint_numbers",
    "deadline_compliance",
    "handling_times",
    "notable_rise",
    "outcomes",
    "repeat_complainants",
    "repeat_window",
    "trends",
    "volume",
    "weighted_quantiles",
    "werkdagen_between",
]
