"""Service calls against the same queries as raw SQL, on one bench database.

- jump to a klachtnummer: ``complaints.id_for_number`` vs ``SELECT id ... WHERE year = ? AND seq = ?``;
- full-text search: ``inbox.fetch_page`` with a search text (a surname; a phone number
  written differently from how it was registered) vs the FTS5 ``MATCH`` (SQLite) or
  the ``@@ to_tsquery`` on the GIN index (PostgreSQL), same joins, same page size;
- one inbox page: ``inbox.fetch_page`` vs the keyset ``ORDER BY received_at DESC, id DESC LIMIT 100``;
- the deadlines screen's first page: ``deadline_board.fetch_page`` (and ``count_groups``)
  vs the same ``ORDER BY due, id`` over the open deadlines;
- a quarter's analysis: ``analysis.analyse`` vs the same GROUP BY queries by hand.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from bench.cache import DemoDatabase
from bench.raw import INBOX_COLUMNS, INBOX_JOINS, Raw
from bench.report import MISSING, Budget, Row
from bench.stats import repeat
from klachtdesk.services.core.context import Context

#: rows per page, as the screens ask for them (screens/inbox.py and screens/deadlines.py: PAGE)
PAGE = 100
SURNAME = "Jansen"
#: a word the demo descriptions hold inside compounds (onvriendelijk) as well as on its own
INSIDE_WORD = "vriendelijk"


def find(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if it exists (another engineer may still be writing it)."""
    try:
        return getattr(importlib.import_module(module), name, None)  # type: ignore[no-any-return]
    except ImportError:
        return None


def _guarded(row: Row, measure: Callable[[], None]) -> Row:
    try:
        measure()
    except Exception as error:  # a failing measurement is reported, the rest goes on
        row.problem = f"fout: {type(error).__name__}: {str(error)[:120]}"
    return row


def _cycle(values: list[Any]) -> Callable[[], Any]:
    iterator = itertools.cycle(values)
    return lambda: next(iterator)


# ---------------------------------------------------------------------------------------
# samples taken from the database itself
# ---------------------------------------------------------------------------------------


def sample_numbers(raw: Raw, size: int, count: int = 25) -> list[tuple[str, int, int]]:
    """(klachtnummer as a caller says it, year, seq) of cases spread over the database."""
    top = int(raw.one("SELECT max(id) FROM complaint")[0] or 0)
    found = []
    for step in range(count):
        row = raw.one("SELECT number, year, seq FROM complaint WHERE id >= ? ORDER BY id LIMIT 1",
                      (1 + step * max(1, top // count),))
        if row is not None:
            found.append((row[0], int(row[1]), int(row[2])))
    return found


def sample_mobile(raw: Raw, size: int) -> str | None:
    """An E.164 mobile number of a klager from the middle of the database."""
    row = raw.one(
        "SELECT p.phone FROM complaint c JOIN person p ON p.id = c.complainant_id "
        "WHERE c.id >= ? AND p.phone LIKE ? ORDER BY c.id LIMIT 1", (max(1, size // 2), "+316%"))
    return row[0] if row else None


def spoken(e164: str) -> str:
    """``+31612345678`` as a caller reads it out: ``06-12 34 56 78``."""
    digits = "0" + e164[3:]
    return f"{digits[:2]}-{digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"


# ---------------------------------------------------------------------------------------
# the queries
# ---------------------------------------------------------------------------------------


def measure_queries(context: Context, database: DemoDatabase, runs: int) -> list[Row]:
    from klachtdesk.services.cases import complaints
    from klachtdesk.services.lists import inbox

    raw = Raw(database)
    rows: list[Row] = []
    size = database.label
    sql_label = "ruwe SQL (sqlite3)" if database.engine == "sqlite" else "ruwe SQL (psycopg)"
    try:
        numbers = sample_numbers(raw, database.size)

        # -- jump to a klachtnummer -------------------------------------------------------
        row = Row("Ga naar klachtnummer", size, reference_label=sql_label, budget=Budget.below(10, "ms"))
        rows.append(row)

        def jump() -> None:
            said = _cycle([number for number, _, _ in numbers])
            keys = _cycle([(year, seq) for _, year, seq in numbers])
            row.ours = repeat(lambda: complaints.id_for_number(context, said()), runs * 2)
            row.reference = repeat(lambda: raw.rows("SELECT id FROM complaint WHERE year = ? AND seq = ?", keys()),
                                   runs * 2)

        _guarded(row, jump)

        # -- full-text search ---------------------------------------------------------------
        mobile = sample_mobile(raw, database.size)
        searches: list[tuple[str, str, str, str]] = [
            (f"Zoeken: achternaam ('{SURNAME}')", SURNAME, f'"{SURNAME.lower()}"*', f"{SURNAME.lower()}:*"),
        ]
        if mobile:
            said = spoken(mobile)
            digits = mobile.lstrip("+")
            searches.append((f"Zoeken: telefoon ('{said}', opgeslagen als {mobile})", said, f'"{digits}"', digits))
        # inside words (a Dutch compound): the trigram index, the whole-word matches first
        searches.append((f"Zoeken: in woorden ('{INSIDE_WORD}')", INSIDE_WORD, "", ""))
        for label, typed, fts5, tsquery in searches:
            row = Row(label, size, reference_label=sql_label + (" + FTS5" if database.engine == "sqlite" else " + GIN"),
                      budget=Budget.below(100, "ms"))
            rows.append(row)

            def search(row: Row = row, typed: str = typed, fts5: str = fts5, tsquery: str = tsquery) -> None:
                query = inbox.InboxQuery(text=typed)
                found = inbox.fetch_page(context, query, limit=PAGE)
                row.ours = repeat(lambda: inbox.fetch_page(context, query, limit=PAGE), runs)
                if not fts5:  # inside words: the trigram index alone (no whole-word tier, no field names)
                    if database.engine == "sqlite":
                        statement = (f"SELECT {INBOX_COLUMNS} FROM complaint_trigram JOIN complaint c "
                                     f"ON c.id = complaint_trigram.rowid {INBOX_JOINS} WHERE complaint_trigram MATCH ? "
                                     "ORDER BY complaint_trigram.rowid DESC LIMIT ?")
                        params: tuple[Any, ...] = (f'"{typed}"', PAGE)
                    else:
                        statement = (f"SELECT {INBOX_COLUMNS} FROM complaint c JOIN complaint_search cs "
                                     f"ON cs.complaint_id = c.id {INBOX_JOINS} "
                                     "WHERE cs.search_text LIKE ? ORDER BY c.id DESC LIMIT ?")
                        params = (f"%{typed}%", PAGE)
                elif database.engine == "sqlite":
                    statement = (f"SELECT {INBOX_COLUMNS} FROM complaint_fts JOIN complaint c ON c.id = complaint_fts.rowid "
                                 f"{INBOX_JOINS} WHERE complaint_fts MATCH ? ORDER BY complaint_fts.rowid DESC LIMIT ?")
                    params = (fts5, PAGE)
                else:
                    statement = (f"SELECT {INBOX_COLUMNS} FROM complaint c JOIN complaint_search cs "
                                 f"ON cs.complaint_id = c.id {INBOX_JOINS} "
                                 "WHERE to_tsvector('simple', cs.search_text) @@ to_tsquery('simple', ?) "
                                 "ORDER BY c.id DESC LIMIT ?")
                    params = (tsquery, PAGE)
                reference = raw.rows(statement, params)
                row.reference = repeat(lambda: raw.rows(statement, params), runs)
                row.note = f"{len(found)} rijen (referentie: {len(reference)})"

            _guarded(row, search)

        # -- one page of the inbox ------------------------------------------------------------
        row = Row("Inbox: eerste pagina (100 rijen)", size, reference_label=sql_label,
                  budget=Budget.below(100, "ms"), derived_budget=True)
        rows.append(row)

        def inbox_page() -> None:
            statement = f"SELECT {INBOX_COLUMNS} FROM complaint c {INBOX_JOINS} ORDER BY c.received_at DESC, c.id DESC LIMIT ?"
            row.ours = repeat(lambda: inbox.fetch_page(context, limit=PAGE), runs)
            row.reference = repeat(lambda: raw.rows(statement, (PAGE,)), runs)

        _guarded(row, inbox_page)

        # -- the same deep in the list (keyset, no OFFSET) -------------------------------------
        row = Row("Inbox: pagina na rij 50.000 (keyset)", size, reference_label=sql_label,
                  budget=Budget.below(100, "ms"), derived_budget=True)
        if database.size >= 100_000:
            rows.append(row)

            def deep_page() -> None:
                found = raw.one("SELECT received_at, id FROM complaint ORDER BY received_at DESC, id DESC "
                                "LIMIT 1 OFFSET 50000")
                first = inbox.fetch_page(context, limit=1)
                if found is None or not first:
                    raise RuntimeError("geen rij 50.000")
                received = found[0]
                if isinstance(received, str):
                    received = datetime.fromisoformat(received)
                # the list's keyset needs only (received_at, id) of the row it continues after
                anchor = dataclasses.replace(first[0], id=int(found[1]), received_at=received.replace(tzinfo=UTC))
                statement = (f"SELECT {INBOX_COLUMNS} FROM complaint c {INBOX_JOINS} "
                             "WHERE (c.received_at, c.id) < (?, ?) ORDER BY c.received_at DESC, c.id DESC LIMIT ?")
                params = (found[0], found[1], PAGE)
                row.ours = repeat(lambda: inbox.fetch_page(context, after=anchor, limit=PAGE), runs)
                row.reference = repeat(lambda: raw.rows(statement, params), runs)

            _guarded(row, deep_page)

        # -- the deadlines screen --------------------------------------------------------------
        rows += _deadline_rows(context, database, raw, runs, sql_label)
    finally:
        raw.close()
    return rows


def _deadline_rows(context: Context, database: DemoDatabase, raw: Raw, runs: int, sql_label: str) -> list[Row]:
    size = database.label
    page = find("klachtdesk.services.lists.deadline_board", "fetch_page")
    groups = find("klachtdesk.services.lists.deadline_board", "count_groups")
    rows = []
    row = Row("Termijnen: eerste pagina (100)", size, reference_label=sql_label, budget=Budget.below(100, "ms"),
              derived_budget=True)
    rows.append(row)
    statement = (
        "SELECT d.id, d.complaint_id, d.kind, d.label, d.due, d.extended_at, c.number, p.name, s.name "
        "FROM deadline d JOIN complaint c ON c.id = d.complaint_id "
        "LEFT JOIN person p ON p.id = c.complainant_id LEFT JOIN staff s ON s.id = c.handler_id "
        "WHERE d.met_at IS NULL AND d.cancelled_at IS NULL ORDER BY d.due, d.id LIMIT ?"
    )
    if page is None:
        row.problem = MISSING
        row.note = "klachtdesk.services.lists.deadline_board.fetch_page bestaat niet"
    else:
        def first_page() -> None:
            row.ours = repeat(lambda: page(context, limit=PAGE), runs)
            row.reference = repeat(lambda: raw.rows(statement, (PAGE,)), runs)

        _guarded(row, first_page)

    row = Row("Termijnen: telling per groep", size, reference_label=sql_label, budget=Budget.below(100, "ms"),
              derived_budget=True)
    rows.append(row)
    if groups is None:
        row.problem = MISSING
        row.note = "klachtdesk.services.lists.deadline_board.count_groups bestaat niet"
    else:
        today = context.today()
        week_end = today + timedelta(days=6 - today.weekday())
        counted = (
            "SELECT CASE WHEN due < ? THEN 0 WHEN due = ? THEN 1 WHEN due = ? THEN 2 WHEN due <= ? THEN 3 ELSE 4 END, "
            "count(*) FROM deadline WHERE met_at IS NULL AND cancelled_at IS NULL GROUP BY 1"
        )
        params = (raw.day(today), raw.day(today), raw.day(today + timedelta(days=1)), raw.day(week_end))

        def count_groups() -> None:
            row.ours = repeat(lambda: groups(context), runs)
            row.reference = repeat(lambda: raw.rows(counted, params), runs)
            total = sum(int(count) for _, count in raw.rows(counted, params))
            row.note = f"{total:,} open termijnen".replace(",", ".")

        _guarded(row, count_groups)
    return rows


# ---------------------------------------------------------------------------------------
# a quarter's analysis
# ---------------------------------------------------------------------------------------


def measure_analysis(context: Context, database: DemoDatabase, runs: int) -> Row:
    from klachtdesk.services.time.periods import Granularity, last_complete_period

    analyse = find("klachtdesk.services.analysis.figures", "analyse")
    period = last_complete_period(context.today(), Granularity.QUARTER)
    row = Row(f"Analyse van een kwartaal ({period.code})", database.label,
              reference_label="dezelfde GROUP BY's, ruwe SQL + numpy", budget=Budget.times_reference(1.0))
    if analyse is None:
        row.problem = MISSING
        return row
    raw = Raw(database)

    def measure() -> None:
        row.ours = repeat(lambda: analyse(context, period), runs, warmup=1, unit="s")
        row.reference = repeat(lambda: raw_analysis(raw, context, period), runs, warmup=1, unit="s")

    try:
        _guarded(row, measure)
    finally:
        raw.close()
    return row


def raw_analysis(raw: Raw, context: Context, period: Any) -> dict[str, Any]:
    """The analysis's questions as plain GROUP BY queries (UTC days; no trimming, no labels)."""
    periods = period.last(13)
    start, end = raw.moment(period.start_moment), raw.moment(period.end_moment)
    result: dict[str, Any] = {}
    # trends: received per category and service type, and closed, for each of 13 periods
    result["trend"] = [
        (raw.rows("SELECT category, service_type, count(*) FROM complaint WHERE received_at >= ? AND received_at < ? "
                  "GROUP BY category, service_type", (raw.moment(p.start_moment), raw.moment(p.end_moment))),
         raw.one("SELECT count(*) FROM complaint WHERE closed_at >= ? AND closed_at < ?",
                 (raw.moment(p.start_moment), raw.moment(p.end_moment))))
        for p in periods
    ]
    # channel and kind for the period, the one before and a year before
    for compared in (period, period.previous(), period.year_earlier()):
        bounds = (raw.moment(compared.start_moment), raw.moment(compared.end_moment))
        for column in ("channel", "kind"):
            result[f"{column}-{compared.code}"] = raw.rows(
                f"SELECT {column}, count(*) FROM complaint WHERE received_at >= ? AND received_at < ? GROUP BY {column}",
                bounds)
    # handling times: (receipt day, closing day) pairs, counted; werkdagen by numpy
    pairs = raw.rows(
        f"SELECT effective_receipt_day, {raw.utc_day('closed_at')}, count(*) FROM complaint "
        "WHERE closed_at >= ? AND closed_at < ? GROUP BY 1, 2", (start, end))
    if pairs:
        begin = np.array([str(p[0]) for p in pairs], dtype="datetime64[D]")
        finish = np.array([str(p[1]) for p in pairs], dtype="datetime64[D]")
        counts = np.array([int(p[2]) for p in pairs])
        calendar = context.calendars.organisation.busdaycalendar
        days = np.busday_count(begin + 1, np.maximum(finish + 1, begin + 1), busdaycal=calendar)
        order = np.argsort(days)
        cumulative = np.cumsum(counts[order]) / counts.sum()
        result["handling"] = [int(days[order][np.searchsorted(cumulative, q)]) for q in (0.5, 0.9)]
    # deadline compliance per kind
    first, last = raw.day(period.start), raw.day(period.last_day)
    result["compliance"] = raw.rows(
        f"SELECT kind, count(*), sum(CASE WHEN met_at IS NOT NULL AND {raw.utc_day('met_at')} <= due THEN 1 ELSE 0 END), "
        "sum(CASE WHEN met_at IS NOT NULL AND "
        f"{raw.utc_day('met_at')} > due THEN 1 ELSE 0 END), sum(CASE WHEN extended_at IS NOT NULL THEN 1 ELSE 0 END) "
        "FROM deadline WHERE due >= ? AND due <= ? AND cancelled_at IS NULL GROUP BY kind", (first, last))
    # backlog at the end of the period, by receipt day
    result["backlog"] = raw.rows(
        "SELECT effective_receipt_day, count(*) FROM complaint WHERE effective_receipt_day <= ? "
        "AND (closed_at IS NULL OR closed_at >= ?) GROUP BY effective_receipt_day", (last, end))
    # repeat complainants in the 12 months up to the end of the period
    year_start = raw.moment(period.shift(-3).start_moment) if period.granularity.per_year == 4 else start
    result["repeats"] = raw.rows(
        "SELECT complainant_id, count(*) FROM complaint WHERE received_at >= ? AND received_at < ? "
        "GROUP BY complainant_id HAVING count(*) >= 3", (year_start, end))
    return result


__all__ = ["PAGE", "find", "measure_analysis", "measure_queries", "raw_analysis", "sample_numbers", "spoken"]
