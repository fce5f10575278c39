"""The inbox's first page as plain SQL, for a new process that has not loaded the ORM yet.

``lists.inbox.fetch_page(context, InboxQuery(), limit=n)`` builds this query with
SQLAlchemy: the columns of ``rows.ROW_COLUMNS``, the klager's and the behandelaar's name
by outer joins, newest first along ``ix_complaint_received``. The app's first inbox page
(``services.startup``) runs the same text with the driver and shapes the rows with the same
``rows.case_rows``; ``tests/security/test_first_page.py`` runs both on one database, on
both engines, for every role, and asserts the rows are identical (and the change marker:
``changes.change_marker``). A change to the one must be made to the other: that test fails
until it is.
"""

from __future__ import annotations

from typing import Any

from klachtdesk.clock import stored_day, utc_moment
from klachtdesk.dbapi import plain_sql
from klachtdesk.models.enums import EventType
from klachtdesk.services.cases.rows import CaseRow, case_rows
from klachtdesk.services.core.personal import PersonalData

#: the first page of ``InboxQuery()`` (newest first, no filter); ``?``: the page's size
FIRST_PAGE_SQL = (
    "SELECT complaint.id, complaint.number, complaint.received_at, complainant.name, complaint.kind, "
    "complaint.channel, complaint.status, handler.name, complaint.next_due, complaint.next_deadline_kind, "
    "complaint.queue, complaint.review_pending "
    "FROM complaint "
    "LEFT OUTER JOIN person AS complainant ON complainant.id = complaint.complainant_id "
    "LEFT OUTER JOIN staff AS handler ON handler.id = complaint.handler_id "
    "ORDER BY complaint.received_at DESC, complaint.id DESC LIMIT ?"
)
#: ``changes.change_marker``: the newest history line that is no viewing, plus the newest case id
MARKER_SQL = (
    "SELECT (SELECT id FROM event WHERE type <> ? ORDER BY id DESC LIMIT 1), "
    "(SELECT id FROM complaint ORDER BY id DESC LIMIT 1)"
)


def read_first_page(cursor: Any, dialect: str, shown: PersonalData, limit: int) -> list[CaseRow]:
    """The first ``limit`` rows of the inbox, as ``lists.inbox.fetch_page`` gives them."""
    cursor.execute(plain_sql(FIRST_PAGE_SQL, dialect), (limit,))
    stored = [(r[0], r[1], utc_moment(r[2]), r[3], r[4], r[5], r[6], r[7], stored_day(r[8]), *r[9:])
              for r in cursor.fetchall()]
    return case_rows(shown, stored)


def read_marker(cursor: Any, dialect: str) -> int:
    """``changes.change_marker`` of the database, read with the driver."""
    cursor.execute(plain_sql(MARKER_SQL, dialect), (EventType.VIEWED.value,))
    event_id, case_id = cursor.fetchone()
    return int(event_id or 0) + int(case_id or 0)


__all__ = ["FIRST_PAGE_SQL", "MARKER_SQL", "read_first_page", "read_marker"]
