"""The recomputation of every open deadline after a change of the calendar, set-wise.

:func:`recompute_open` recomputes every open deadline set-wise (numpy over the
calendars' bulk functions; only changed rows are written) and records the
fingerprint of the calendar it used (``setting`` table). It runs when the beheerder
changes the calendar (``klachtdesk.services.settings``) or asks for it
(``klachtdesk termijnen herberekenen``); never at start.

The rules of one case (which deadlines, their dates, what meets them) are in
``deadlines.rules``; this is the bulk engine over all of them.
"""

from __future__ import annotations

import gc
import re
import time as timer
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from klachtdesk.models import DeadlineKind, DeadlineUnit, Event, EventType, Setting
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.time.calendar import Calendars
from klachtdesk.services.time.dutch import format_count, format_date
from klachtdesk.services.time.recompute import RecomputeSummary


#: the ``setting`` key holding the fingerprint of the calendar the open deadlines follow
FINGERPRINT_KEY = "kalender.vingerafdruk"
#: open deadlines read per round trip
CHUNK = 50_000
#: the cases whose deadlines moved, with their history line (a temporary table)
_MOVED_CASES = "_klachtdesk_recompute"

#: the deadline kinds by number (a kind the code does not know reads as the last, ``""``)
_KINDS = (*(kind.value for kind in DeadlineKind), "")
#: what the computation needs of a deadline's kind, unit and state, as one small number (a
#: small int costs the driver no new object, a text does): kind × 8 + 4 in weeks + 2 from a
#: session or a reopening + 1 extended
_CODE = (
    "CASE d.kind " + " ".join(f"WHEN '{kind}' THEN {8 * number}" for number, kind in enumerate(_KINDS[:-1]))
    + f" ELSE {8 * (len(_KINDS) - 1)} END"
    + f" + CASE WHEN d.unit = '{DeadlineUnit.WEEKS.value}' THEN 4 ELSE 0 END"
    " + CASE WHEN d.agreement_id IS NULL AND d.counts_from IS NULL THEN 0 ELSE 2 END"
    " + CASE WHEN d.extended_at IS NULL THEN 0 ELSE 1 END"
)
#: every open deadline with what its recomputation needs of its case, in one read per chunk.
#: Dates and moments come as the engine gives them cheaply: ISO text on SQLite, whole days
#: (and microseconds) since 1970-01-01 on PostgreSQL (no ``date`` object per value).
_OPEN_DEADLINES = (
    f"SELECT d.id, d.complaint_id, {_CODE}, d.amount, {{anchor}}, {{due}}, {{received}}, {{effective}} "
    "FROM deadline d JOIN complaint c ON c.id = d.complaint_id "
    "WHERE d.met_at IS NULL AND d.cancelled_at IS NULL {after} "
    "ORDER BY d.id LIMIT :limit"
)
#: the position of the id in a row of ``_OPEN_DEADLINES`` (the keyset: the table in its own
#: order, no sort; along ``ix_deadline_open_due`` each row was a jump in the table)
_ID = 0
_EPOCH = "DATE '1970-01-01'"
_COLUMNS = {
    "sqlite": {"anchor": "d.anchor", "due": "d.due", "received": "c.received_at", "effective": "c.effective_receipt_day"},
    "postgresql": {
        "anchor": f"d.anchor - {_EPOCH}", "due": f"d.due - {_EPOCH}",
        "received": "CAST(EXTRACT(EPOCH FROM c.received_at) * 1000000 AS BIGINT)",
        "effective": f"c.effective_receipt_day - {_EPOCH}",
    },
}
_UPDATE_DEADLINE = (
    "UPDATE deadline SET due = :due, anchor = :anchor WHERE id = :id AND due = :old_due "
    "AND anchor = :old_anchor AND met_at IS NULL AND cancelled_at IS NULL"
)
#: PostgreSQL: every moved deadline in one statement, its values as arrays (days since 1970)
_UPDATE_DEADLINES_PG = (
    f"UPDATE deadline AS d SET due = {_EPOCH} + v.due, anchor = {_EPOCH} + v.anchor "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:due AS integer[]), CAST(:anchor AS integer[]), "
    "CAST(:old_due AS integer[]), CAST(:old_anchor AS integer[])) AS v(id, due, anchor, old_due, old_anchor) "
    f"WHERE d.id = v.id AND d.due = {_EPOCH} + v.old_due AND d.anchor = {_EPOCH} + v.old_anchor "
    "AND d.met_at IS NULL AND d.cancelled_at IS NULL"
)
_FIRST_OPEN = (
    "(SELECT d.due, d.kind FROM deadline d WHERE d.complaint_id = complaint.id "
    "AND d.met_at IS NULL AND d.cancelled_at IS NULL ORDER BY d.due, d.id LIMIT 1)"
)
#: SQLite: how many of the cases' effective receipt days move (each guarded by its old value)
_COUNT_RECEIPTS_SQLITE = (
    f"SELECT count(*) FROM {_MOVED_CASES} AS moved JOIN complaint ON complaint.id = moved.id "
    "WHERE moved.receipt IS NOT NULL AND complaint.effective_receipt_day = moved.old_receipt"
)
#: SQLite: the receipt day (where it moved) and the next deadline of each case, one pass
_UPDATE_CASES_SQLITE = (
    "UPDATE complaint SET effective_receipt_day = coalesce((SELECT moved.receipt FROM "
    f"{_MOVED_CASES} AS moved WHERE moved.id = complaint.id "
    "AND moved.old_receipt = complaint.effective_receipt_day), complaint.effective_receipt_day), "
    f"(next_due, next_deadline_kind) = {_FIRST_OPEN} "
    f"WHERE complaint.id IN (SELECT id FROM {_MOVED_CASES})"
)
#: PostgreSQL: the receipt day and the next deadline in one UPDATE, each case once and only
#: when a value changes (every new row version costs an entry in each of the complaint's
#: indexes, the two GIN indexes of its search text too). The receipt day's guard (its old
#: value) is on the row being updated, so a row changed meanwhile is checked again as it is.
_RECEIPT_MOVES = f"(v.receipt IS NOT NULL AND complaint.effective_receipt_day = {_EPOCH} + v.old_receipt)"
_UPDATE_CASES_PG = (
    f"UPDATE complaint SET effective_receipt_day = CASE WHEN {_RECEIPT_MOVES} "
    f"THEN {_EPOCH} + v.receipt ELSE complaint.effective_receipt_day END, "
    "next_due = v.next_due, next_deadline_kind = v.next_kind "
    "FROM (SELECT u.id, u.receipt, u.old_receipt, first.due AS next_due, first.kind AS next_kind "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:receipt AS integer[]), CAST(:old_receipt AS integer[])) "
    "AS u(id, receipt, old_receipt) "
    "LEFT JOIN LATERAL (SELECT d.due, d.kind FROM deadline d WHERE d.complaint_id = u.id "
    "AND d.met_at IS NULL AND d.cancelled_at IS NULL ORDER BY d.due, d.id LIMIT 1) AS first ON true) AS v "
    f"WHERE complaint.id = v.id AND ({_RECEIPT_MOVES} OR ROW(complaint.next_due, complaint.next_deadline_kind) "
    "IS DISTINCT FROM ROW(v.next_due, v.next_kind)) "
    # RETURNING sees the new row: the receipt day moved where it now is the new one
    f"RETURNING v.receipt IS NOT NULL AND complaint.effective_receipt_day = {_EPOCH} + v.receipt"
)
_INSERT_EVENTS = (
    "INSERT INTO event (complaint_id, at, actor_id, type, summary, body, data, confidential) "
    "SELECT id, :at, :actor, :type, summary, NULL, :data, :confidential FROM {source} WHERE summary IS NOT NULL"
)
_EVENTS_PG_SOURCE = "unnest(CAST(:ids AS integer[]), CAST(:summaries AS text[])) AS u(id, summary)"


def stored_fingerprint(session: Session) -> str | None:
    """The fingerprint of the calendar the open deadlines were computed with (None: never recorded)."""
    row = session.get(Setting, FINGERPRINT_KEY)
    return row.value if row is not None else None


def _store_fingerprint(session: Session, context: Context, fingerprint: str) -> None:
    row = session.get(Setting, FINGERPRINT_KEY)
    if row is None:
        session.add(Setting(key=FINGERPRINT_KEY, value=fingerprint, updated_at=context.now()))
    else:
        row.value, row.updated_at = fingerprint, context.now()
    session.flush()


def _serialise(session: Session) -> None:
    """One recomputation at a time (on SQLite the write transaction's BEGIN IMMEDIATE does it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('klachtdesk.kalender'))"))


def recompute_open(context: Context, *, only_if_changed: bool = False) -> RecomputeSummary | None:
    """Recompute every open deadline, and the effective receipt day of its case, on the
    current calendars in one write transaction; then record the calendar's fingerprint.

    Reads the open deadlines with their cases' receipt moments in chunks in the table's own
    order (one query each), computes with the calendars' bulk
    functions, writes back only the rows that changed — each guarded by its old values,
    so a deadline met or extended meanwhile is left alone and one registered meanwhile
    is never touched — and refreshes the cases' receipt day and next deadline set-wise
    (each case at most once on PostgreSQL). Every case whose
    deadlines moved gets a line in its history. ``only_if_changed``: return None when
    the stored fingerprint already is the calendar's (another process did the work).
    """
    if not only_if_changed:  # on request (``klachtdesk termijnen herberekenen``): the beheerder's
        context.require(Permission.MANAGE_SETTINGS)
    started = timer.perf_counter()
    calendars = context.calendars
    fingerprint = calendars.fingerprint
    extension_to = {str(rule.kind): rule.extension_to for rule in context.settings.deadline_rules if rule.extension_to}
    with context.db.write() as session:
        _serialise(session)
        previous = stored_fingerprint(session)
        if only_if_changed and previous == fingerprint:
            return None
        connection = session.connection()
        parts: list[_Moved] = []
        examined = 0
        after: int | None = None
        with _without_gc():
            while True:
                chunk = _open_chunk(connection, after)
                if not chunk:
                    break
                examined += len(chunk)
                parts.append(_compute(connection, chunk, calendars, extension_to))
                after = int(chunk[-1][_ID])
                del chunk
                if examined % CHUNK:
                    break
            moved = _Moved.concatenate(parts)
            moved_count = _write_deadlines(connection, moved)
            receipts, cases = _write_cases(connection, context, moved)
        _record_summary(session, context, examined, moved_count, cases, previous, fingerprint)
        _store_fingerprint(session, context, fingerprint)
    return RecomputeSummary(
        examined=examined, moved=moved_count, receipts_moved=receipts, cases=cases,
        seconds=timer.perf_counter() - started, fingerprint=fingerprint, previous_fingerprint=previous,
    )


@contextmanager
def _without_gc() -> Iterator[None]:
    """Hundreds of thousands of short-lived row tuples make the cyclic garbage collector
    run over and over (a third of the time); they hold no cycles, so pause it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Moved:
    """The deadlines (and receipts) that changed, as parallel arrays."""

    ids: npt.NDArray[np.int64]
    complaint_ids: npt.NDArray[np.int64]
    kinds: npt.NDArray[np.str_]
    old_anchor: npt.NDArray[np.datetime64]
    old_due: npt.NDArray[np.datetime64]
    anchor: npt.NDArray[np.datetime64]
    due: npt.NDArray[np.datetime64]
    receipt_ids: npt.NDArray[np.int64]  # cases whose effective receipt day moved
    old_receipt: npt.NDArray[np.datetime64]
    receipt: npt.NDArray[np.datetime64]

    @classmethod
    def concatenate(cls, parts: list[_Moved]) -> _Moved:
        if not parts:
            ids, days = np.array([], dtype=np.int64), np.array([], dtype="datetime64[D]")
            return cls(ids, ids, np.array([], dtype=str), days, days, days, days, ids, days, days)
        merged = cls(*(np.concatenate([getattr(part, name) for part in parts]) for name in cls.__dataclass_fields__))
        # a case with deadlines in two chunks is among the receipts of both
        _, first = np.unique(merged.receipt_ids, return_index=True)
        merged.receipt_ids = merged.receipt_ids[first]
        merged.old_receipt, merged.receipt = merged.old_receipt[first], merged.receipt[first]
        return merged


def _fetch(connection: Connection, statement: Any, params: dict[str, Any]) -> list[Any]:
    """Plain driver tuples (the columns are untyped; Row objects would cost a third of the time)."""
    result = connection.execute(statement, params)
    try:
        return result.cursor.fetchall()  # type: ignore[union-attr,no-any-return]
    finally:
        result.close()


def _open_chunk(connection: Connection, after: int | None) -> list[Any]:
    columns = _COLUMNS["sqlite" if _is_sqlite(connection) else "postgresql"]
    if after is None:
        return _fetch(connection, text(_OPEN_DEADLINES.format(after="", **columns)), {"limit": CHUNK})
    return _fetch(connection, text(_OPEN_DEADLINES.format(after="AND d.id > :id", **columns)),
                  {"id": after, "limit": CHUNK})


def _compute(connection: Connection, rows: list[Any], calendars: Calendars, extension_to: dict[str, int]) -> _Moved:
    """New anchors and due dates for one chunk of open deadlines (vectorised)."""
    columns = list(zip(*rows, strict=True))
    sqlite = _is_sqlite(connection)
    ids = np.array(columns[0], dtype=np.int64)
    complaint_ids = np.array(columns[1], dtype=np.int64)
    code = np.array(columns[2], dtype=np.int64)
    kinds = np.array(_KINDS)[np.minimum(code >> 3, len(_KINDS) - 1)]
    weeks = (code & 4).astype(bool)
    amount = np.array(columns[3], dtype=np.int64)
    anchor, due = _days(columns[4], sqlite), _days(columns[5], sqlite)
    extended = (code & 1).astype(bool)
    # from a session, or from a reopening: the anchor stays, only the werkdagen are recounted
    from_session = (code & 2).astype(bool) | (kinds == DeadlineKind.AGREEMENT.value)
    organisation, statutory = calendars.organisation, calendars.statutory

    # werkdagen from the receipt: the anchor is the case's effective receipt day, recomputed
    from_receipt = ~weeks & ~from_session
    new_anchor = anchor.copy()
    receipt_ids = np.array([], dtype=np.int64)
    old_receipt = receipt = np.array([], dtype="datetime64[D]")
    if from_receipt.any():
        received = _instants(columns[6], sqlite)[from_receipt]
        stored = _days(columns[7], sqlite)[from_receipt]
        effective = organisation.effective_receipt_days_bulk(received)
        new_anchor[from_receipt] = effective
        changed_receipt = effective != stored
        # one entry per case (a case's deadlines share its receipt)
        receipt_ids, first = np.unique(complaint_ids[from_receipt][changed_receipt], return_index=True)
        old_receipt, receipt = stored[changed_receipt][first], effective[changed_receipt][first]

    amount = _amounts_in_force(kinds, weeks, amount, extended, anchor, due, extension_to)
    new_due = due.copy()
    if weeks.any():
        new_due[weeks] = statutory.due_in_weeks_bulk(new_anchor[weeks], amount[weeks])
    if from_receipt.any():
        new_due[from_receipt] = organisation.due_in_werkdagen_bulk(new_anchor[from_receipt], amount[from_receipt])
    after_session = ~weeks & from_session
    if after_session.any():
        new_due[after_session] = organisation.add_werkdagen_bulk(new_anchor[after_session], amount[after_session])
    changed = (new_due != due) | (new_anchor != anchor)
    return _Moved(
        ids=ids[changed], complaint_ids=complaint_ids[changed], kinds=kinds[changed], old_anchor=anchor[changed],
        old_due=due[changed], anchor=new_anchor[changed], due=new_due[changed],
        receipt_ids=receipt_ids, old_receipt=old_receipt, receipt=receipt,
    )


def _amounts_in_force(
    kinds: npt.NDArray[np.str_],
    weeks: npt.NDArray[np.bool_],
    amount: npt.NDArray[np.int64],
    extended: npt.NDArray[np.bool_],
    anchor: npt.NDArray[np.datetime64],
    due: npt.NDArray[np.datetime64],
    extension_to: dict[str, int],
) -> npt.NDArray[np.int64]:
    """The length each deadline runs for now: ``amount``, or the extended length.

    An extension in weeks is read back from the stored due date: the Atw moves an
    end by a few days, never by a week, so the whole weeks between anchor and due
    are the weeks in force (whatever the settings say today, and whether or not
    ``amount`` was updated by the extension). An extension in werkdagen takes the
    configured ``verlenging_tot``.
    """
    result = amount.copy()
    extended_weeks = extended & weeks
    if extended_weeks.any():
        span = (due[extended_weeks] - anchor[extended_weeks]).astype(np.int64) // 7
        result[extended_weeks] = np.maximum(amount[extended_weeks], span)
    extended_days = extended & ~weeks
    for kind, length in extension_to.items():
        mask = extended_days & (kinds == kind)
        if mask.any():
            result[mask] = np.maximum(result[mask], length)
    return result


# -- writing ---------------------------------------------------------------------------------


def _is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


_PARAMETER = re.compile(r":(\w+)")


def _executemany(connection: Connection, statement: str, rows: list[tuple[Any, ...]]) -> int:
    """SQLite: one statement for many rows, straight to the driver (SQLAlchemy's per-row
    bookkeeping would cost more than the work); the number of rows changed.

    ``statement`` uses ``:name`` parameters and each row gives their values in the order
    they appear. Rows in primary-key order touch each page once. (PostgreSQL gets arrays
    and one statement instead: ``_UPDATE_DEADLINES_PG``, ``_UPDATE_CASES_PG``.)
    """
    if not rows:
        return 0
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(_PARAMETER.sub("?", statement), rows)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _date_values(values: npt.NDArray[np.datetime64]) -> list[Any]:
    """SQLite: dates as it stores them, ISO text (few distinct days: each converted once)."""
    distinct, inverse = np.unique(values.astype("datetime64[D]"), return_inverse=True)
    converted = np.array(np.datetime_as_string(distinct, unit="D").tolist(), dtype=object)
    return converted[inverse.reshape(-1)].tolist()  # type: ignore[no-any-return]


def _day_numbers(values: npt.NDArray[np.datetime64]) -> list[int]:
    """PostgreSQL: dates as whole days since 1970-01-01 (the statements add them to ``_EPOCH``)."""
    return values.astype("datetime64[D]").astype(np.int64).tolist()  # type: ignore[no-any-return]


def _write_deadlines(connection: Connection, moved: _Moved) -> int:
    order = np.argsort(moved.ids, kind="stable")  # primary-key order: each page once
    if not _is_sqlite(connection):
        if not len(order):
            return 0
        result = connection.execute(text(_UPDATE_DEADLINES_PG), {
            "ids": moved.ids[order].tolist(), "due": _day_numbers(moved.due[order]),
            "anchor": _day_numbers(moved.anchor[order]), "old_due": _day_numbers(moved.old_due[order]),
            "old_anchor": _day_numbers(moved.old_anchor[order]),
        })
        return int(result.rowcount)
    rows = list(zip(
        _date_values(moved.due[order]), _date_values(moved.anchor[order]), moved.ids[order].tolist(),
        _date_values(moved.old_due[order]), _date_values(moved.old_anchor[order]), strict=True,
    ))
    return _executemany(connection, _UPDATE_DEADLINE, rows)


def _summaries(moved: _Moved) -> dict[int, str]:
    """The history line of every case whose deadlines moved: which, from which day to which."""
    lines: dict[int, list[str]] = {}
    labels = {kind.value: kind.value.capitalize() for kind in DeadlineKind}
    order = np.lexsort((moved.ids, moved.old_due))  # a case's deadlines by their (old) due date, as read
    for complaint_id, kind, old, new in zip(
        moved.complaint_ids[order].tolist(), moved.kinds[order].tolist(), moved.old_due[order].astype(object).tolist(),
        moved.due[order].astype(object).tolist(), strict=True,
    ):
        entry = lines.setdefault(complaint_id, [])
        if old != new:
            entry.append(f"{labels.get(kind, kind)} van {_short(old)} naar {_short(new)}")
    return {
        complaint_id: "Termijn herberekend na wijziging van de kalender: "
                      + ("; ".join(entry) or "ontvangst telt als een andere dag")
        for complaint_id, entry in lines.items()
    }


def _write_cases(connection: Connection, context: Context, moved: _Moved) -> tuple[int, int]:
    """The cases' side: the effective receipt days that moved (guarded by the old value),
    the next deadline of every case whose deadlines moved, and a line in each one's
    history (one INSERT ... SELECT). Returns (receipts moved, cases with a history line)."""
    summaries = _summaries(moved)
    ids = sorted(set(summaries) | set(moved.receipt_ids.tolist()))
    if not ids:
        return 0, 0
    position = np.searchsorted(moved.receipt_ids, ids)
    has_receipt = position < len(moved.receipt_ids)
    has_receipt[has_receipt] = moved.receipt_ids[position[has_receipt]] == np.array(ids)[has_receipt]
    event = Event.__table__  # type: ignore[attr-defined]
    event_values = {"at": context.now(), "actor": context.actor_id(), "type": EventType.DEADLINE,
                    "data": {"reden": "kalender"}, "confidential": False}

    def events_from(source: str) -> Any:
        return text(_INSERT_EVENTS.format(source=source)).bindparams(
            bindparam("at", type_=event.c.at.type), bindparam("type", type_=event.c.type.type),
            bindparam("data", type_=event.c.data.type), bindparam("confidential", type_=event.c.confidential.type),
        )

    if not _is_sqlite(connection):
        receipt = [None] * len(ids)
        old_receipt = [None] * len(ids)
        found = np.flatnonzero(has_receipt).tolist()
        for index, new, old in zip(found, _day_numbers(moved.receipt[position[has_receipt]]),
                                   _day_numbers(moved.old_receipt[position[has_receipt]]), strict=True):
            receipt[index], old_receipt[index] = new, old
        result = connection.execute(text(_UPDATE_CASES_PG),
                                    {"ids": ids, "receipt": receipt, "old_receipt": old_receipt})
        receipts = sum(1 for (moves,) in result.fetchall() if moves)
        if summaries:
            with_line = sorted(summaries)
            connection.execute(events_from(_EVENTS_PG_SOURCE),
                               {**event_values, "ids": with_line, "summaries": [summaries[i] for i in with_line]})
        return receipts, len(summaries)

    receipt_text: list[Any] = [None] * len(ids)
    old_text: list[Any] = [None] * len(ids)
    found = np.flatnonzero(has_receipt).tolist()
    for index, new, old in zip(found, _date_values(moved.receipt[position[has_receipt]]),
                               _date_values(moved.old_receipt[position[has_receipt]]), strict=True):
        receipt_text[index], old_text[index] = new, old
    connection.execute(text(f"DROP TABLE IF EXISTS {_MOVED_CASES}"))
    connection.execute(text(
        f"CREATE TEMPORARY TABLE {_MOVED_CASES} (id INTEGER PRIMARY KEY, receipt TEXT, old_receipt TEXT, summary TEXT)"
    ))
    try:
        _executemany(connection, f"INSERT INTO {_MOVED_CASES} (id, receipt, old_receipt, summary) "
                                 "VALUES (:id, :receipt, :old_receipt, :summary)",
                     list(zip(ids, receipt_text, old_text, [summaries.get(i) for i in ids], strict=True)))
        receipts = connection.execute(text(_COUNT_RECEIPTS_SQLITE)).scalar_one()
        connection.execute(text(_UPDATE_CASES_SQLITE))
        connection.execute(events_from(_MOVED_CASES), event_values)
    finally:
        connection.execute(text(f"DROP TABLE {_MOVED_CASES}"))
    return int(receipts), len(summaries)


def _record_summary(session: Session, context: Context, examined: int, moved: int, cases: int,
                    previous: str | None, fingerprint: str) -> None:
    """One line in the desk's own history (an event without a case) when anything changed."""
    if previous == fingerprint and not moved:
        return
    events.record(
        session, context, None, EventType.DEADLINE,
        f"Kalender gewijzigd: {format_count(examined)} open termijnen herberekend, "
        f"{format_count(moved)} verschoven in {format_count(cases)} {'zaak' if cases == 1 else 'zaken'}",
        data={"reden": "kalender", "vingerafdruk": fingerprint, "vorige": previous, "open": examined,
              "verschoven": moved, "zaken": cases},
    )


@lru_cache(maxsize=4096)
def _short(day: date) -> str:
    return format_date(day)


# -- conversions between driver values and numpy -------------------------------------------


def _days(values: Sequence[Any], sqlite: bool) -> npt.NDArray[np.datetime64]:
    """Dates as read: ISO text (SQLite) or whole days since 1970 (PostgreSQL) -> ``datetime64[D]``."""
    if sqlite:
        return np.array(values, dtype="datetime64[D]")
    return np.array(values, dtype=np.int64).view("datetime64[D]")


def _instants(values: Sequence[Any], sqlite: bool) -> npt.NDArray[np.datetime64]:
    """Stored UTC moments -> ``datetime64[us]`` UTC: microseconds since 1970 (PostgreSQL),
    text (SQLite; with an offset, or anything unusual: one by one)."""
    if not sqlite:
        return np.array(values, dtype=np.int64).view("datetime64[us]")
    try:
        return np.array(values, dtype="datetime64[us]")
    except (ValueError, TypeError):
        return np.array([_naive_utc(value) for value in values], dtype="datetime64[us]")


def _naive_utc(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
