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
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Date, bindparam, text
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
#: complaint ids per ``IN (...)`` look-up (below every driver's parameter limit)
_ID_BATCH = 10_000
#: the cases whose deadlines moved, with their history line (a temporary table)
_MOVED_CASES = "_klachtdesk_recompute"

_OPEN_DEADLINES = (
    "SELECT d.id, d.complaint_id, d.kind, d.unit, d.amount, d.anchor, d.due, "
    "CASE WHEN d.extended_at IS NULL THEN 0 ELSE 1 END, "
    "CASE WHEN d.agreement_id IS NULL AND d.counts_from IS NULL THEN 0 ELSE 1 END "
    "FROM deadline d WHERE d.met_at IS NULL AND d.cancelled_at IS NULL {after} "
    "ORDER BY d.due, d.id LIMIT :limit"
)
_RECEIPTS = "SELECT id, received_at, effective_receipt_day FROM complaint WHERE id IN ({ids})"
_UPDATE_DEADLINE = (
    "UPDATE deadline SET due = :due, anchor = :anchor WHERE id = :id AND due = :old_due "
    "AND anchor = :old_anchor AND met_at IS NULL AND cancelled_at IS NULL"
)
_UPDATE_RECEIPT = "UPDATE complaint SET effective_receipt_day = :new WHERE id = :id AND effective_receipt_day = :old"
_FIRST_OPEN = (
    "(SELECT d.due, d.kind FROM deadline d WHERE d.complaint_id = complaint.id "
    "AND d.met_at IS NULL AND d.cancelled_at IS NULL ORDER BY d.due, d.id LIMIT 1)"
)


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

    Reads the open deadlines in chunks along ``ix_deadline_open_due`` (and the cases'
    receipt moments by id), computes with the calendars' bulk functions, writes back
    only the rows that changed — each guarded by its old values, so a deadline met or
    extended meanwhile is left alone and one registered meanwhile is never touched —
    and refreshes the cases' next deadline in one set-based UPDATE. Every case whose
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
        after: tuple[date, int] | None = None
        with _without_gc():
            while True:
                chunk = _open_chunk(connection, after)
                if not chunk:
                    break
                examined += len(chunk)
                parts.append(_compute(connection, chunk, calendars, extension_to))
                after = (_as_date(chunk[-1][6]), int(chunk[-1][0]))
                del chunk
                if examined % CHUNK:
                    break
            moved = _Moved.concatenate(parts)
            moved_count = _write_deadlines(connection, moved)
            receipts = _write_receipts(connection, moved)
            cases = _write_cases(connection, context, moved)
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


def _open_chunk(connection: Connection, after: tuple[date, int] | None) -> list[Any]:
    if after is None:
        return _fetch(connection, text(_OPEN_DEADLINES.format(after="")), {"limit": CHUNK})
    statement = text(_OPEN_DEADLINES.format(after="AND (d.due, d.id) > (:due, :id)")).bindparams(
        bindparam("due", type_=Date)
    )
    return _fetch(connection, statement, {"due": after[0], "id": after[1], "limit": CHUNK})


def _receipts(connection: Connection, complaint_ids: npt.NDArray[np.int64]
              ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """(ids sorted, received_at as UTC ``datetime64[us]``, stored effective receipt day) of these cases."""
    rows: list[Any] = []
    for start in range(0, len(complaint_ids), _ID_BATCH):
        # integers from the database itself, written into the statement: binding ten
        # thousand parameters costs SQLAlchemy more than the query
        batch = ",".join(str(int(value)) for value in complaint_ids[start:start + _ID_BATCH])
        rows += _fetch(connection, text(_RECEIPTS.format(ids=batch)), {})
    rows.sort(key=lambda row: row[0])
    if not rows:
        return np.array([], dtype=np.int64), np.array([], dtype="datetime64[us]"), np.array([], dtype="datetime64[D]")
    ids, received, effective = zip(*rows, strict=True)
    return np.array(ids, dtype=np.int64), _instants(received), _days(effective)


def _compute(connection: Connection, rows: list[Any], calendars: Calendars, extension_to: dict[str, int]) -> _Moved:
    """New anchors and due dates for one chunk of open deadlines (vectorised)."""
    columns = list(zip(*rows, strict=True))
    ids = np.array(columns[0], dtype=np.int64)
    complaint_ids = np.array(columns[1], dtype=np.int64)
    kinds = np.array(columns[2], dtype=str)
    weeks = np.array(columns[3], dtype=str) == DeadlineUnit.WEEKS.value
    amount = np.array(columns[4], dtype=np.int64)
    anchor, due = _days(columns[5]), _days(columns[6])
    extended = np.array(columns[7], dtype=bool)
    # from a session, or from a reopening: the anchor stays, only the werkdagen are recounted
    from_session = np.array(columns[8], dtype=bool) | (kinds == DeadlineKind.AGREEMENT.value)
    organisation, statutory = calendars.organisation, calendars.statutory

    # werkdagen from the receipt: the anchor is the case's effective receipt day, recomputed
    from_receipt = ~weeks & ~from_session
    new_anchor = anchor.copy()
    receipt_ids = np.array([], dtype=np.int64)
    old_receipt = receipt = np.array([], dtype="datetime64[D]")
    if from_receipt.any():
        known_ids, received, stored = _receipts(connection, np.unique(complaint_ids[from_receipt]))
        effective = organisation.effective_receipt_days_bulk(received)
        position = np.searchsorted(known_ids, complaint_ids[from_receipt])
        found = position < len(known_ids)
        found[found] = known_ids[position[found]] == complaint_ids[from_receipt][found]
        rows_with_receipt = np.flatnonzero(from_receipt)[found]
        new_anchor[rows_with_receipt] = effective[position[found]]
        changed_receipt = effective != stored
        receipt_ids, old_receipt, receipt = known_ids[changed_receipt], stored[changed_receipt], effective[changed_receipt]

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
    """One statement for many rows; returns the number of rows changed.

    ``statement`` uses ``:name`` parameters and each row gives their values in the
    order they appear. On SQLite it goes straight to the driver (SQLAlchemy's
    per-row bookkeeping would cost more than the work), elsewhere through
    SQLAlchemy's executemany. Rows in primary-key order touch each page once.
    """
    if not rows:
        return 0
    if _is_sqlite(connection):
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(_PARAMETER.sub("?", statement), rows)
            return int(cursor.rowcount)
        finally:
            cursor.close()
    names = _PARAMETER.findall(statement)
    result = connection.execute(text(statement), [dict(zip(names, row, strict=True)) for row in rows])
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


def _date_values(connection: Connection, values: npt.NDArray[np.datetime64]) -> list[Any]:
    """Dates as the driver stores them: ISO text on SQLite, ``date`` objects elsewhere."""
    # few distinct days: convert each once
    distinct, inverse = np.unique(values.astype("datetime64[D]"), return_inverse=True)
    if _is_sqlite(connection):
        converted = np.array(np.datetime_as_string(distinct, unit="D").tolist(), dtype=object)
    else:
        converted = distinct.astype(object)
    return converted[inverse.reshape(-1)].tolist()  # type: ignore[no-any-return]


def _write_deadlines(connection: Connection, moved: _Moved) -> int:
    order = np.argsort(moved.ids, kind="stable")
    rows = list(zip(
        _date_values(connection, moved.due[order]), _date_values(connection, moved.anchor[order]),
        moved.ids[order].tolist(), _date_values(connection, moved.old_due[order]),
        _date_values(connection, moved.old_anchor[order]), strict=True,
    ))
    return _executemany(connection, _UPDATE_DEADLINE, rows)


def _write_receipts(connection: Connection, moved: _Moved) -> int:
    # receipt_ids come sorted from np.unique
    rows = list(zip(
        _date_values(connection, moved.receipt), moved.receipt_ids.tolist(),
        _date_values(connection, moved.old_receipt), strict=True,
    ))
    return _executemany(connection, _UPDATE_RECEIPT, rows)


def _write_cases(connection: Connection, context: Context, moved: _Moved) -> int:
    """Refresh the next deadline of every case whose deadlines moved (one UPDATE over a
    temporary table of their ids) and add a line to each one's history (one INSERT ... SELECT)."""
    lines: dict[int, list[str]] = {}
    labels = {kind.value: kind.value.capitalize() for kind in DeadlineKind}
    for complaint_id, kind, old, new in zip(
        moved.complaint_ids.tolist(), moved.kinds.tolist(), moved.old_due.astype(object).tolist(),
        moved.due.astype(object).tolist(), strict=True,
    ):
        entry = lines.setdefault(complaint_id, [])
        if old != new:
            entry.append(f"{labels.get(kind, kind)} van {_short(old)} naar {_short(new)}")
    if not lines:
        return 0
    connection.execute(text(f"DROP TABLE IF EXISTS {_MOVED_CASES}"))
    connection.execute(text(f"CREATE TEMPORARY TABLE {_MOVED_CASES} (id INTEGER PRIMARY KEY, summary TEXT)"))
    try:
        _executemany(connection, f"INSERT INTO {_MOVED_CASES} (id, summary) VALUES (:id, :summary)", [
            (complaint_id, "Termijn herberekend na wijziging van de kalender: "
                           + ("; ".join(lines[complaint_id]) or "ontvangst telt als een andere dag"))
            for complaint_id in sorted(lines)
        ])
        # Only rows whose value really changes: on PostgreSQL every updated row costs a new
        # entry in each of the complaint's indexes (the GIN full-text index too).
        unchanged = "" if _is_sqlite(connection) else (
            f" AND ROW(complaint.next_due, complaint.next_deadline_kind) IS DISTINCT FROM "
            f"(SELECT ROW(first.due, first.kind) FROM {_FIRST_OPEN} AS first)"
        )
        connection.execute(text(
            f"UPDATE complaint SET (next_due, next_deadline_kind) = {_FIRST_OPEN} "
            f"WHERE complaint.id IN (SELECT id FROM {_MOVED_CASES}){unchanged}"
        ))
        event = Event.__table__  # type: ignore[attr-defined]
        connection.execute(
            text(
                f"INSERT INTO event (complaint_id, at, actor_id, type, summary, body, data, confidential) "
                f"SELECT id, :at, :actor, :type, summary, NULL, :data, :confidential FROM {_MOVED_CASES}"
            ).bindparams(
                bindparam("at", type_=event.c.at.type), bindparam("type", type_=event.c.type.type),
                bindparam("data", type_=event.c.data.type), bindparam("confidential", type_=event.c.confidential.type),
            ),
            {"at": context.now(), "actor": context.actor_id(), "type": EventType.DEADLINE,
             "data": {"reden": "kalender"}, "confidential": False},
        )
    finally:
        connection.execute(text(f"DROP TABLE {_MOVED_CASES}"))
    return len(lines)


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


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _days(values: Sequence[Any]) -> npt.NDArray[np.datetime64]:
    """Dates as the driver hands them (``date`` or SQLite's ISO text) -> ``datetime64[D]``."""
    return np.array(values, dtype="datetime64[D]")


def _instants(values: Sequence[Any]) -> npt.NDArray[np.datetime64]:
    """Stored UTC moments (naive ``datetime`` or SQLite text) -> ``datetime64[us]`` UTC."""
    try:
        return np.array(values, dtype="datetime64[us]")
    except (ValueError, TypeError):  # text with an offset, aware datetimes: one by one
        return np.array([_naive_utc(value) for value in values], dtype="datetime64[us]")


def _naive_utc(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
