"""What the storage layer knows without SQLAlchemy: where the database is, which schema
version the code expects, how a PostgreSQL login without personal data reads, and a plain
driver connection for reading.

``db`` builds the engine on these; the app's first inbox page (``services.startup``) reads
with ``connect_for_reading`` alone, so a new process draws its first page before the ORM is
loaded (issue 19); ``klachtdesk zoek KL-…`` reads a case and writes its access line with
``connect_for_writing`` (``services.startup.find_case``). Nothing here writes itself.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from klachtdesk.errors import DatabaseProblem, os_reason
from klachtdesk.paths import default_database_path

#: how long a reader waits for a writer's lock on SQLite (``db`` uses the same)
BUSY_TIMEOUT_MS = 10_000
#: how long the plain writer (``connect_for_writing``) waits for the lock before it leaves the
#: work to the usual way, which waits ``BUSY_TIMEOUT_MS`` and says so when it must
PLAIN_BUSY_TIMEOUT_MS = 1_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: PostgreSQL: the views of the case tables without personal data (``services.core.database_roles``)
OVERVIEW_SCHEMA = "klachtdesk_overzicht"
#: a login that may not read the people but may read the overview reads the overview in their place
_OVERVIEW_ONLY = (
    "SELECT CASE WHEN to_regnamespace('" + OVERVIEW_SCHEMA + "') IS NULL THEN false "
    "WHEN has_table_privilege('public.person', 'SELECT') THEN false "
    "ELSE has_schema_privilege('" + OVERVIEW_SCHEMA + "', 'USAGE') END"
)


def resolve_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for ``--db`` / ``$KLACHTDESK_DB`` / the default file."""
    raw = str(db) if db is not None else os.environ.get("KLACHTDESK_DB") or ""
    if not raw.strip():
        return f"sqlite:///{default_database_path()}"
    raw = raw.strip()
    if "://" not in raw:
        try:
            return f"sqlite:///{Path(raw).expanduser().resolve()}"
        except (OSError, RuntimeError) as error:  # a name too long, a symlink loop
            raise DatabaseProblem(f"Het pad '{raw}' is niet te gebruiken: {os_reason(error)}") from None
    if raw.startswith("postgresql://") or raw.startswith("postgres://"):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def use_overview(dbapi_connection: Any) -> bool:
    """PostgreSQL: a login without the right to read people (directie) reads the case tables
    through the overview views, which hold no personal data, under the tables' own names."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute(_OVERVIEW_ONLY)
        row = cursor.fetchone()
        overview = bool(row and row[0])
        if overview:
            cursor.execute(f"SET search_path = {OVERVIEW_SCHEMA}, public")
    dbapi_connection.commit()
    return overview


_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*['"]?([^'"\s]+)['"]?""", re.MULTILINE)


@functools.cache
def _newest_revision(migrations: Path) -> str:
    # cached per folder: a test that points MIGRATIONS elsewhere gets that folder's head
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (migrations / "versions").glob("*.py"):
        for kind, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseProblem(f"De migraties van klachtdesk hebben {len(heads)} eindpunten; verwacht precies één.")
    return heads.pop()


def plain_sql(sql: str, dialect: str) -> str:
    """A statement written with ``?`` placeholders as the driver wants it (psycopg: ``%s``)."""
    return sql.replace("?", "%s") if dialect == "postgresql" else sql


class NotPlain(Exception):
    """A database ``connect_for_reading`` does not open by itself (the caller takes the
    usual way, ``db.open_database``, which gives the user its own message)."""


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; None for any other URL (or one with options)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    name = unquote(url[len(prefix):])
    return Path(name) if name and name != ":memory:" else None


def connect_for_reading(url: str, *, write: bool = False) -> tuple[Any, str]:
    """A plain driver connection that reads (``sqlite3``, or ``psycopg`` as the login in
    the URL, so the server's grants and row-level security apply) and its dialect.

    SQLite is opened read-only (``mode=ro``): never created, never written. ``NotPlain``
    for anything this does not do by itself: a file that is not there, a URL with
    options, another driver, a server that asks a password (the usual way asks it).
    ``write``: see ``connect_for_writing``."""
    path = sqlite_path(url)
    if path is not None:
        import sqlite3  # deferred: a PostgreSQL desk never loads it

        if not path.is_file():
            raise NotPlain("geen bestand")
        if write and any(_not_private(name) for name in (path, *(f"{path}{s}" for s in ("-wal", "-shm")))):
            raise NotPlain("rechten")  # the usual way makes the files private first (db.Database)
        try:
            if write:
                connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None,
                                             timeout=PLAIN_BUSY_TIMEOUT_MS / 1000)
                _as_the_engine(connection)
            else:
                connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as error:
            raise NotPlain(str(error)) from None
        return connection, "sqlite"
    if url.startswith("postgresql+psycopg://"):
        import psycopg  # deferred: a SQLite desk never loads it

        try:
            connection = psycopg.connect("postgresql://" + url.split("://", 1)[1], connect_timeout=10)
            use_overview(connection)
        except psycopg.Error as error:
            raise NotPlain(str(error)) from None
        return connection, "postgresql"
    raise NotPlain("andere database")


def connect_for_writing(url: str) -> tuple[Any, str]:
    """``connect_for_reading``, for a caller that also writes: SQLite opened read-write
    (never created), in autocommit so the caller begins its own transaction (``BEGIN
    IMMEDIATE`` to write, as ``db`` does), with the engine's settings (foreign keys, the
    journal in WAL), waiting ``PLAIN_BUSY_TIMEOUT_MS`` for a lock; ``NotPlain`` also for a
    file that is not private yet or not in WAL mode (the usual way sees to both)."""
    return connect_for_reading(url, write=True)


def _not_private(name: str | os.PathLike[str]) -> bool:
    try:
        return bool(os.stat(name).st_mode & 0o077)
    except FileNotFoundError:
        return False


def _as_the_engine(connection: Any) -> None:
    """The per-connection settings ``db``'s engine gives a SQLite connection that writes."""
    try:
        mode = connection.execute("PRAGMA journal_mode").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            raise NotPlain("geen WAL")
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON", "secure_delete=ON"):
            connection.execute(f"PRAGMA {pragma}")
    except BaseException:
        connection.close()
        raise


__all__ = ["BUSY_TIMEOUT_MS", "MIGRATIONS", "OVERVIEW_SCHEMA", "PLAIN_BUSY_TIMEOUT_MS", "NotPlain",
           "connect_for_reading", "connect_for_writing", "plain_sql", "resolve_url", "sqlite_path", "use_overview"]
