"""The references' side: a plain driver connection (sqlite3 or psycopg) and the same
queries the services run, written by hand as raw SQL.

These are the "naive" figures beside klachtdesk's: no SQLAlchemy, no session, no
permission check, no dataclasses — one connection kept open, one statement each.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import make_url

from bench.cache import DemoDatabase

#: the inbox's columns (``services.inbox._base``), joined the same way
INBOX_COLUMNS = (
    "c.id, c.number, c.received_at, p.name, c.kind, c.channel, c.status, s.name, c.next_due, "
    "c.next_deadline_kind, c.queue"
)
INBOX_JOINS = "LEFT JOIN person p ON p.id = c.complainant_id LEFT JOIN staff s ON s.id = c.handler_id"


class Raw:
    """One read connection to a bench database; ``?`` placeholders on both engines."""

    def __init__(self, database: DemoDatabase, *, write: bool = False) -> None:
        self.engine = database.engine
        if database.engine == "sqlite":
            assert database.path is not None
            if write:
                self.connection: Any = sqlite3.connect(database.path, isolation_level=None)
                self.connection.execute("PRAGMA journal_mode=WAL")
                self.connection.execute("PRAGMA synchronous=NORMAL")
            else:
                self.connection = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True)
        else:
            import psycopg

            url = make_url(database.url)
            # the URL's query too: a server on a socket folder is ``?host=/path&port=N``
            self.connection = psycopg.connect(
                **url.translate_connect_args(username="user", database="dbname"), **dict(url.query), autocommit=True,
            )

    def sql(self, statement: str) -> str:
        return statement if self.engine == "sqlite" else statement.replace("?", "%s")

    def rows(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        cursor = self.connection.execute(self.sql(statement), params)
        try:
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def one(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        found = self.rows(statement, params)
        return found[0] if found else None

    def moment(self, value: datetime) -> Any:
        """A UTC moment as the column holds it (SQLite: SQLAlchemy's text form)."""
        naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return naive.isoformat(sep=" ", timespec="microseconds") if self.engine == "sqlite" else naive

    def day(self, value: date) -> Any:
        return value.isoformat() if self.engine == "sqlite" else value

    def utc_day(self, column: str) -> str:
        """The (UTC) calendar day of a moment column, as the driver returns a date column."""
        return f"substr({column}, 1, 10)" if self.engine == "sqlite" else f"CAST({column} AS date)"

    def close(self) -> None:
        self.connection.close()
