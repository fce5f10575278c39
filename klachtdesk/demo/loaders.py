"""Loaders: SQLite (``executemany``, many rows per statement, the full-text index per
batch) and PostgreSQL (``COPY``; a bulk load sets indexes, foreign keys and scope
triggers aside, ``pg_bulk``); a bulk load builds the randomly keyed indexes after the
rows and restores exactly what it dropped. Only how rows are written differs per
engine: the rows themselves come from the one generator (``writer``)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import text
from sqlmodel import Session

from klachtdesk.db import translate_error
from klachtdesk.demo.batch import Columns
from klachtdesk.demo.pg_bulk import SetAside
from klachtdesk.errors import ValidationError
from klachtdesk.services.core.context import Context


ID_TABLES = ("person", "complaint", "party", "event", "deadline", "mediation_session", "session_participant",
             "agreement", "measure")


# =======================================================================================
# loaders: SQLite (executemany, FTS rebuild) and PostgreSQL (COPY)
# =======================================================================================


class Loader:
    """Writes rows on the DBAPI connection of the session's transaction.

    Rows are written in the calling thread: a writer thread measured slower, because the
    driver gives the GIL back for every row and the generating thread takes it over.
    (Single long statements are another matter: see ``SqliteLoader``.) Driver errors
    become ``DatabaseProblem`` (one Dutch sentence).
    """

    driver_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, session: Session) -> None:
        self.session = session
        self.raw = session.connection().connection.driver_connection

    def count(self, table: str) -> int:
        return int(self.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def max_id(self, table: str) -> int:
        return int(self.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one())

    def insert(self, table: str, columns: Sequence[str], rows: Columns | list[tuple[Any, ...]]) -> None:
        if not len(rows):
            return
        try:
            self._insert(table, columns, rows)
        except self.driver_errors as error:
            raise translate_error(error) from error

    def batch_written(self) -> None:
        """A batch is complete (all its rows written)."""

    def abort(self) -> None:
        """Stop whatever still runs on the connection (before the rollback)."""

    def begin(self, bulk: bool) -> None:
        raise NotImplementedError  # pragma: no cover

    def _insert(self, table: str, columns: Sequence[str], rows: Columns | list[tuple[Any, ...]]) -> None:
        raise NotImplementedError  # pragma: no cover

    def finish(self) -> None:
        raise NotImplementedError  # pragma: no cover


class SqliteLoader(Loader):
    """``executemany`` on the sqlite3 connection of the session's transaction.

    A bulk load drops the indexes whose keys it would insert in random order and creates
    them again with their own SQL at the end, writes many rows per statement, and feeds
    the full-text index per batch with one set-based ``INSERT ... SELECT`` instead of the
    per-row triggers, which are dropped and then created again with the SQL the database
    holds for them. The PRAGMA and FTS5 settings it changes are restored.
    """

    driver_errors = (sqlite3.Error,)  # type: ignore[assignment]
    #: page cache while loading (KiB): a big transaction reads back fewer pages through the WAL
    CACHE_KIB = 1024 * 1024
    TRIGGERS = ("complaint_fts_ai", "complaint_fts_ad", "complaint_fts_au",
                "complaint_trigram_ai", "complaint_trigram_ad", "complaint_trigram_au")
    #: a bulk load drops the indexes of these tables and builds them afterwards, except the
    #: ones whose keys arrive in ascending order anyway (a sorted build is much cheaper than a
    #: million scattered inserts, and it keeps the many-row statements' journals small)
    REBUILT_TABLES = ("complaint", "person", "party", "deadline", "event")
    KEPT = frozenset({"ix_event_complaint", "ix_party_complaint_id", "ix_deadline_complaint"})
    #: rows per INSERT statement (a quarter less work per row than one row per statement).
    #: A statement that may fail halfway keeps a statement journal, which stays in memory
    #: only while the statement changes few existing pages: so it needs the indexes above
    #: dropped, and small loads write one row per statement
    ROWS_PER_STATEMENT = 200
    #: FTS5 settings while loading, and their defaults (restored afterwards)
    FTS_BULK = {"automerge": (0, 4), "crisismerge": (2000, 16), "hashsize": (256 * 1024 * 1024, 1024 * 1024)}

    def begin(self, bulk: bool) -> None:
        self.bulk = bulk
        self.fts_pending: list[tuple[int, int]] = []
        self.fts_thread: threading.Thread | None = None
        self.fts_error: BaseException | None = None
        cursor = self.raw.cursor()
        self.cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{self.CACHE_KIB}")  # for this load only (index builds sort in it)
        self.fts_tables = [name for (name,) in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('complaint_fts', 'complaint_trigram') "
            "ORDER BY name").fetchall()] if bulk else []
        self.fts = "complaint_fts" in self.fts_tables
        self.fts_config: dict[str, Any] = {}
        self.indexes: list[tuple[str, str]] = []
        if bulk:
            marks = ", ".join("?" for _ in self.REBUILT_TABLES)
            self.indexes = [
                (name, sql) for name, sql in cursor.execute(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({marks}) ORDER BY name", self.REBUILT_TABLES).fetchall()
                if name not in self.KEPT
            ]
            for name, _sql in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        self.triggers: list[str] = []
        if self.fts:
            marks = ", ".join("?" for _ in self.TRIGGERS)
            self.triggers = [sql for (sql,) in cursor.execute(
                f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks}) ORDER BY name",
                self.TRIGGERS).fetchall()]
            for name in self.TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            self.fts_config = dict(cursor.execute(
                "SELECT k, v FROM complaint_fts_config WHERE k IN ('automerge', 'crisismerge', 'hashsize')"
            ).fetchall())
            for key, (value, _default) in self.FTS_BULK.items():
                cursor.execute("INSERT INTO complaint_fts(complaint_fts, rank) VALUES (?, ?)", (key, value))
        cursor.close()

    def _insert(self, table: str, columns: Sequence[str], rows: Columns | list[tuple[Any, ...]]) -> None:
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        one = "(" + ", ".join("?" for _ in columns) + ")"
        per = self.ROWS_PER_STATEMENT if self.bulk else 1
        if not isinstance(rows, Columns) or per == 1:
            self.raw.executemany(insert + one, rows.rows() if isinstance(rows, Columns) else rows)
        else:
            per = max(1, min(per, self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)))
            flat, width = rows.flat(), len(columns)
            full = len(rows) // per * per * width
            if full:
                step = per * width
                self.raw.executemany(insert + ", ".join([one] * per), [flat[i:i + step] for i in range(0, full, step)])
            if full < len(flat):
                self.raw.executemany(insert + one, [flat[i:i + width] for i in range(full, len(flat), width)])
        if table == "complaint_search" and self.fts:
            self.fts_pending.append((rows.columns[0][0], rows.columns[0][-1]))

    def insert(self, table: str, columns: Sequence[str], rows: Columns | list[tuple[Any, ...]]) -> None:
        self.wait_for_index()
        super().insert(table, columns, rows)

    def batch_written(self) -> None:
        """Index the batch's complaints for full-text search in a thread of its own: one
        statement that holds no GIL, so it overlaps with building the next batch in Python.
        Nothing else uses the connection until ``wait_for_index``."""
        if not self.fts_pending:
            return
        first, last = self.fts_pending[0][0], self.fts_pending[-1][1]
        self.fts_pending.clear()

        def index() -> None:
            try:
                for table in self.fts_tables:  # the word index, and the trigram index (0008) when it exists
                    self.raw.execute(f"INSERT INTO {table}(rowid, search_text) SELECT complaint_id, search_text "
                                     "FROM complaint_search WHERE complaint_id BETWEEN ? AND ?", (first, last))
            except BaseException as error:  # handed to the loading thread
                self.fts_error = error

        self.fts_thread = threading.Thread(target=index, name="klachtdesk-demo-fts", daemon=True)
        self.fts_thread.start()

    def abort(self) -> None:
        if self.fts_thread is not None:
            self.raw.interrupt()
            self.fts_thread.join()
            self.fts_thread = None

    def wait_for_index(self) -> None:
        if self.fts_thread is not None:
            self.fts_thread.join()
            self.fts_thread = None
        if self.fts_error is not None:
            error, self.fts_error = self.fts_error, None
            if isinstance(error, sqlite3.Error):
                raise translate_error(error) from error
            raise error

    def finish(self) -> None:
        self.batch_written()
        self.wait_for_index()
        cursor = self.raw.cursor()
        for _name, sql in self.indexes:
            cursor.execute(sql)
        if self.fts:
            for key, (_value, default) in self.FTS_BULK.items():
                cursor.execute("INSERT INTO complaint_fts(complaint_fts, rank) VALUES (?, ?)",
                               (key, self.fts_config.get(key, default)))
            for statement in self.triggers:
                cursor.execute(statement)
        cursor.execute(f"PRAGMA cache_size={int(self.cache_size)}")
        cursor.close()


class PostgresLoader(Loader):
    """``COPY ... FROM STDIN`` through psycopg, inside the session's transaction. A bulk
    load sets the secondary indexes, the foreign keys and the scope triggers aside while
    the rows go in and restores them from the database's own definitions (``pg_bulk``)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.driver_errors = (psycopg.Error,)

    def begin(self, bulk: bool) -> None:
        self.bulk = bulk
        tables = (*ID_TABLES, "measure_complaint", "complaint_search")
        self.session.execute(text(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE"))
        self.aside = SetAside.take(self.session, tables) if bulk else None

    def _insert(self, table: str, columns: Sequence[str], rows: Columns | list[tuple[Any, ...]]) -> None:
        with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows.rows() if isinstance(rows, Columns) else rows:
                copy.write_row(row)

    def finish(self) -> None:
        if self.aside is not None:
            self.aside.restore(self.session)
        for table in ID_TABLES:
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))
        if self.bulk:
            self.analyze(("person", "complaint", "complaint_search", "party", "event", "deadline"))

    #: statistics target of the quick statistics right after a bulk load (a sample of
    #: 300 times this many rows; PostgreSQL's default is 100)
    QUICK_STATISTICS = 10

    def analyze(self, tables: Sequence[str]) -> None:
        """Quick statistics for the planner at once, from a small sample and for the
        columns a query filters, joins or sorts on (every column but free text): the whole
        table, the search text and its index expression included, would cost more than
        building the index. A column list leaves the table's count of changes as it is, so
        autovacuum analyzes the whole table soon after the commit, as after any large change."""
        self.session.execute(text(f"SET LOCAL default_statistics_target = {self.QUICK_STATISTICS}"))
        columns = self.session.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ANY(:tables) AND data_type <> 'text' ORDER BY table_name, ordinal_position"),
            {"tables": list(tables)}).all()
        for table in tables:
            names = ", ".join(f'"{column}"' for name, column in columns if name == table)
            self.session.execute(text(f'ANALYZE "{table}" ({names})' if names else f'ANALYZE "{table}"'))


def loader_for(session: Session, context: Context) -> Loader:
    dialect = context.db.dialect
    if dialect == "sqlite":
        return SqliteLoader(session)
    if dialect == "postgresql":
        return PostgresLoader(session)
    raise ValidationError(f"Demodata laden kan op SQLite en PostgreSQL, niet op {dialect}.")
