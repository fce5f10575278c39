"""The one module that owns the database engine.

- Where: ``--db`` (a path means a SQLite file, anything with ``://`` a SQLAlchemy
  URL), else ``$KLACHTDESK_DB``, else ``klachtdesk.db`` in the user's data folder.
- SQLite runs with WAL, foreign keys on and a busy timeout; write transactions
  start with ``BEGIN IMMEDIATE`` so two writers queue instead of deadlocking.
- PostgreSQL goes through psycopg 3 (``postgresql://`` is read as
  ``postgresql+psycopg://``).
- The schema is managed by Alembic (``klachtdesk/migrations``): ``Database.migrate``
  brings an older database up to date (after a backup copy for SQLite) and refuses
  one from a newer version.
- Driver errors that a user can meet (locked, read-only, full disk, lost
  connection) become ``DatabaseProblem`` with one Dutch sentence.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session
from sqlalchemy.pool import NullPool

from klachtdesk.checkpoint import Checkpointer
from klachtdesk.dbapi import (  # noqa: F401 - the storage layer's names, here too
    MIGRATIONS,
    OVERVIEW_SCHEMA,
    _newest_revision,
    resolve_url,
    use_overview,
)
from klachtdesk.errors import DatabaseProblem, os_reason
from klachtdesk.paths import (
    SQLITE_COMPANIONS,
    clean_leftovers,
    create_private,
    make_private,
    staging,
    touch_private,
)

BUSY_TIMEOUT_MS = 10_000  # as dbapi.BUSY_TIMEOUT_MS (tests shorten this one)
#: the driver errors a user can meet; ``translate_error`` turns them into ``DatabaseProblem``
DRIVER_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, sqlite3.Error)
#: waits before trying an unreachable database server again (PostgreSQL)
CONNECT_RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0)
def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@", 1)[-1]


#: the database refused an action to this login (PostgreSQL: the grants of its group roles)
REFUSED = ("De database weigert dit voor uw databaselogin: uw rol mag het niet. "
           "Vraag de beheerder om de juiste rol; er is niets gewijzigd.")


def refused(error: BaseException) -> bool:
    """PostgreSQL refused the action for lack of a privilege (or a row-level policy)."""
    return getattr(getattr(error, "orig", error), "sqlstate", None) == "42501"


def translate_error(error: BaseException) -> DatabaseProblem:
    """One Dutch sentence for a driver error a user can meet."""
    text = str(getattr(error, "orig", error)).lower()
    if "locked" in text or "busy" in text:
        return DatabaseProblem(
            "De database is bezet door een ander programma en bleef dat te lang; "
            "probeer het over een ogenblik opnieuw."
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return DatabaseProblem("De database is alleen-lezen; de wijziging is niet opgeslagen.")
    if "disk" in text and ("full" in text or "i/o" in text) or "no space" in text:
        return DatabaseProblem("De schijf is vol of niet beschikbaar; de wijziging is niet opgeslagen.")
    if "unable to open" in text or "no such file" in text:
        return DatabaseProblem("Het databasebestand kan niet worden geopend.")
    if "not a database" in text or "malformed" in text:
        return DatabaseProblem("Het bestand is geen (gave) klachtdesk-database.")
    if "connection" in text or "could not" in text or "server" in text or "terminat" in text:
        return DatabaseProblem(
            "De verbinding met de databaseserver is verbroken of niet te maken; "
            "controleer de server en probeer het opnieuw."
        )
    return DatabaseProblem(f"De database gaf een fout: {str(getattr(error, 'orig', error)).strip()}")


def _begin_immediate(dbapi_connection: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, waiting up to the busy timeout while another program writes.

    SQLite's own busy handler sleeps up to 100 ms between tries, so with many writers a
    waiting one keeps missing the short moments the lock is free and can starve. Trying
    every few milliseconds, with a little randomness, gives every workstation its turn.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                text = str(error).lower()
                if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                    raise OperationalError("BEGIN IMMEDIATE", None, error) from error
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 1.5, 0.01)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


#: PostgreSQL's conditions a user can meet that its driver does not report as operational
#: errors: a read-only database or standby (25006), a full disk (53100)
USER_SQLSTATES = frozenset({"25006", "53100"})


def _met_by_users(error: DBAPIError) -> bool:
    """Is this driver error one a user can meet (then a Dutch sentence), not a bug?"""
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return True
    return getattr(error.orig, "sqlstate", None) in USER_SQLSTATES


#: asks the person at the keyboard for their database password (the URL's login's); None: no answer
PasswordPrompt = Callable[[str], "str | None"]
_password_prompt: PasswordPrompt | None = None


def set_password_prompt(prompt: PasswordPrompt | None) -> None:
    """How to ask for a password the server wants and neither the URL, ``~/.pgpass`` nor
    ``PGPASSWORD`` gives (the command line: without echo; the app: a login dialog). The
    password is kept in memory for this run only, never written anywhere."""
    global _password_prompt
    _password_prompt = prompt


def _wants_password(error: BaseException) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "no password supplied" in text or "password authentication failed" in text


def _worth_retrying(error: BaseException) -> bool:
    """A connection that could not be made for a passing reason (not a wrong password or name)."""
    if not isinstance(error, OperationalError) and not getattr(error, "connection_invalidated", False):
        return False
    text = str(getattr(error, "orig", error)).lower()
    return not any(word in text for word in ("authentication", "does not exist", "password", "permission denied"))


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Database:
    """An engine plus the session and migration helpers everything else uses."""

    def __init__(self, url: str, *, create: bool = True, echo: bool = False) -> None:
        self.url = url
        try:
            parsed = make_url(url)
            parsed.port  # a port that is no number fails here (ValueError) or on connecting
            for host in (parsed.host or "").split(","):  # libpq takes a list; each must be a name
                host.encode("idna")  # a byte that is no character, a label over 63: UnicodeError
        except (ArgumentError, ValueError):  # UnicodeError is a ValueError
            raise DatabaseProblem(f"'{describe_url(url)}' is geen geldig pad of database-URL (bijvoorbeeld "
                                  "postgresql://gebruiker@server:5432/klachtdesk).") from None
        self.dialect = parsed.get_backend_name()
        self.path: Path | None = None
        #: SQLite file written by this process: its checkpoints, beside the commits
        self._checkpointer: Checkpointer | None = None
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                self.path = Path(database)
                self._check_sqlite_file(self.path, create=create)
        try:
            self.engine = self._build_engine(url, echo=echo)
        except (NoSuchModuleError, ArgumentError, ImportError) as error:
            raise DatabaseProblem(f"Database-URL '{describe_url(url)}' wordt niet ondersteund: {error}") from None
        self._write_engine = self.engine.execution_options(klachtdesk_write=True)

    # -- construction -----------------------------------------------------------------

    @staticmethod
    def _check_sqlite_file(path: Path, *, create: bool) -> None:
        try:
            Database._check_sqlite_path(path, create=create)
        except OSError as error:  # a name too long, /proc/self/mem, a device, no permission
            raise DatabaseProblem(f"Het databasebestand {path} is niet te gebruiken: {os_reason(error)}") from None

    @staticmethod
    def _check_sqlite_path(path: Path, *, create: bool) -> None:
        if path.exists():
            if not path.is_file():
                raise DatabaseProblem(f"{path} is geen bestand.")
            if not os.access(path, os.R_OK):
                raise DatabaseProblem(f"Het databasebestand {path} is niet leesbaar.")
            with path.open("rb") as handle:
                header = handle.read(16)
            if header and header != b"SQLite format 3\x00":
                raise DatabaseProblem(f"{path} is geen SQLite-database.")
            # a database of an older klachtdesk may be readable by others: no longer
            for name in (path, *(f"{path}{suffix}" for suffix in SQLITE_COMPANIONS)):
                make_private(name)
            return
        if not create:
            raise DatabaseProblem(f"De database {path} bestaat niet.")
        if not path.parent.exists():
            raise DatabaseProblem(f"De map {path.parent} voor de database bestaat niet.")
        # created private here, so SQLite gives its -wal and -shm the same mode (0600)
        try:
            touch_private(path)
        except OSError as error:
            raise DatabaseProblem(f"Het databasebestand {path} kan niet worden gemaakt: {error.strerror}.") from None

    def _build_engine(self, url: str, *, echo: bool) -> Engine:
        if self.dialect == "sqlite":
            options: dict[str, Any] = {}
            frozen = reading_uri(self.path) if self.path is not None else None
            if frozen is not None:
                # a copy in a folder nobody may write to: read as it is (see reading_uri)
                options["creator"] = lambda: sqlite3.connect(frozen, uri=True, check_same_thread=False)
            elif self.path is not None and self._checkpointer is None:
                self._checkpointer = Checkpointer(self.path)
            engine = create_engine(
                url,
                echo=echo,
                connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
                poolclass=NullPool if self.path is None else None,
                **options,
            )

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
                # let SQLAlchemy's "begin" event below emit BEGIN itself
                dbapi_connection.isolation_level = None
                cursor = dbapi_connection.cursor()
                if self.path is not None and frozen is None:
                    cursor.execute("PRAGMA journal_mode=WAL")
                    cursor.execute("PRAGMA synchronous=NORMAL")
                    # the log is copied into the file by the checkpointer's thread, not in a commit;
                    # once copied, the next write starts it again from nothing (its size is its news)
                    cursor.execute("PRAGMA wal_autocheckpoint=0")
                    cursor.execute("PRAGMA journal_size_limit=0")
                cursor.execute("PRAGMA foreign_keys=ON")
                # deleted and overwritten content is zeroed, not left in free space (AVG erasure)
                cursor.execute("PRAGMA secure_delete=ON")
                cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _on_begin(connection: Any) -> None:
                if connection.get_execution_options().get("klachtdesk_write", False):
                    _begin_immediate(connection.connection.dbapi_connection)
                else:
                    connection.exec_driver_sql("BEGIN")

            return engine
        engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)

        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_connection: Any, _record: Any) -> None:
            use_overview(dbapi_connection)

        return engine

    # -- sessions ---------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing is committed."""
        session = self._connected(self.engine, write=False)
        try:
            with session:
                yield session
        except (OperationalError, DBAPIError) as error:
            if refused(error):
                raise DatabaseProblem(REFUSED) from error
            if not _met_by_users(error):
                raise
            raise translate_error(error) from error

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        session = self._connected(self._write_engine, write=True)
        try:
            with session, session.get_transaction():  # type: ignore[union-attr]
                yield session
            if self._checkpointer is not None:
                self._checkpointer.after_commit()
        except (OperationalError, DBAPIError) as error:
            if refused(error):
                raise DatabaseProblem(REFUSED) from error
            if not _met_by_users(error):
                raise
            raise translate_error(error) from error

    def _connected(self, engine: Engine, *, write: bool) -> Session:
        """A session with its connection made (and, for a write, its transaction begun).

        A server that cannot be reached is tried again a few times first (a restart, a
        failover): nothing has been read or written yet, so that is always safe. A lost
        connection in the pool is replaced unnoticed (``pool_pre_ping``). SQLite has its
        busy timeout instead.
        """
        delays = () if self.dialect == "sqlite" else CONNECT_RETRY_DELAYS
        for attempt in range(len(delays) + 1):
            session = Session(engine, expire_on_commit=False)
            try:
                if write:
                    session.begin()
                session.connection()
                return session
            except (OperationalError, DBAPIError) as error:
                session.close()
                if attempt == len(delays) or not _worth_retrying(error):
                    raise translate_error(error) from error
                time.sleep(delays[attempt])
        raise AssertionError("unreachable")  # pragma: no cover

    def settle(self) -> None:
        """SQLite: wait until the write-ahead log a commit left large is copied into the file
        (``checkpoint``); a measurement that follows a large write then measures only itself."""
        if self._checkpointer is not None:
            self._checkpointer.settle()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.engine.dispose()

    def is_owner(self) -> bool:
        """PostgreSQL: whether this login is (a member of) the owner of the schema; a new,
        empty database counts as the connecting login's own."""
        if self.dialect != "postgresql":
            return True
        try:
            with self.engine.connect() as connection:
                return bool(connection.exec_driver_sql(
                    "SELECT coalesce(pg_has_role(session_user, (SELECT tableowner FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename = 'alembic_version'), 'MEMBER'), true)"
                ).scalar())
        except (OperationalError, DBAPIError) as error:
            raise translate_error(error) from error

    def ask_password_if_needed(self, attempts: int = 3) -> None:
        """PostgreSQL: when the server asks a password that was not given, ask the person
        (``set_password_prompt``) and use it for this run; a wrong one is asked again."""
        if self.dialect != "postgresql" or _password_prompt is None:
            return
        for _attempt in range(attempts):
            try:
                with self.engine.connect():
                    return
            except (OperationalError, DBAPIError) as error:
                if not _wants_password(error):
                    raise translate_error(error) from error
            password = _password_prompt(describe_url(self.url))
            if not password:
                break
            self.engine.dispose()
            self.url = make_url(self.url).set(password=password).render_as_string(hide_password=False)
            self.engine = self._build_engine(self.url, echo=False)
            self._write_engine = self.engine.execution_options(klachtdesk_write=True)
        raise DatabaseProblem(f"De databaseserver weigert de login van {describe_url(self.url)}: "
                              "geen of een verkeerd wachtwoord.")

    # -- leaving nothing behind ------------------------------------------------------

    def wipe_freed(self, tables: Iterable[str] = ()) -> bool:
        """After an erasure: no old copy of what was overwritten or deleted stays behind.

        SQLite: every full-text index is merged into one segment (the old entries of an
        updated row otherwise stay in its shadow tables), freed content is zeroed (every
        connection runs with ``secure_delete``), and the WAL is copied into the database
        and truncated to nothing. PostgreSQL: ``VACUUM`` of ``tables``, so the old row
        versions and their index entries are gone. False when the WAL could not be
        emptied because another connection was still reading (it is at its next
        checkpoint; ``wipe_freed`` may be called again)."""
        if self.dialect == "postgresql":
            try:
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    for table in tables:
                        connection.exec_driver_sql(f'VACUUM "{table}"')
            except (OperationalError, DBAPIError) as error:
                raise translate_error(error) from error
            return True
        if self.dialect != "sqlite" or self.path is None:
            return True
        try:
            with self._write_engine.begin() as connection:
                names = connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
                ).scalars().all()
                for name in names:
                    connection.exec_driver_sql(f"INSERT INTO \"{name}\"(\"{name}\") VALUES ('optimize')")
            with self.engine.connect() as connection:
                busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        except (OperationalError, DBAPIError) as error:
            raise translate_error(error) from error
        return not busy

    def other_sessions(self) -> list[str] | None:
        """Who else has this database open, described for a message: an empty list when
        nobody, None when that cannot be known here. Call it with no connection of this
        process open (``dispose`` first): on SQLite it asks the operating system who
        holds the lock every SQLite connection keeps on the ``-shm`` file."""
        if self.dialect == "postgresql":
            try:
                with self.engine.connect() as connection:
                    rows = connection.exec_driver_sql(
                        "SELECT coalesce(nullif(usename, ''), '?'), coalesce(nullif(application_name, ''), '?'), "
                        "coalesce(host(client_addr), 'lokaal') FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    ).all()
            except (OperationalError, DBAPIError) as error:
                raise translate_error(error) from error
            finally:
                self.engine.dispose()
            return [f"{user} ({application}, {host})" for user, application, host in rows]
        if self.dialect != "sqlite" or self.path is None:
            return None
        return _sqlite_holders(self.path)

    # -- schema -----------------------------------------------------------------------

    def _alembic_config(self) -> Any:
        from alembic.config import Config  # Alembic only when it is needed (start-up time, see below)

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def stored_revision(self) -> str | None:
        """The schema version the database says it has (one query; None on a new database)."""
        try:
            with self.engine.connect() as connection:
                if "alembic_version" not in set(inspect(connection).get_table_names()):
                    return None
                return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except (OperationalError, DBAPIError) as error:
            raise translate_error(error) from error

    def schema_state(self) -> SchemaState:
        """Where the schema stands. Up to date is the everyday case: one query and the
        migration files' own ``revision`` lines decide it, without loading Alembic."""
        head = newest_revision()
        current = self.stored_revision()
        if current == head:
            return SchemaState(current=current, head=head)
        return self._schema_state_by_alembic()

    def _schema_state_by_alembic(self) -> SchemaState:
        # Alembic only when a migration is due (or the version is unknown): it costs a third of a second to load
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(self._alembic_config())
        head = script.get_current_head()
        assert head is not None
        try:
            with self.engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        except (OperationalError, DBAPIError) as error:
            raise translate_error(error) from error
        if current is not None:
            try:
                script.get_revision(current)
            except Exception:
                raise DatabaseProblem(
                    f"Deze database heeft schemaversie {current}, die deze versie van klachtdesk "
                    "niet kent: ze is gemaakt door een nieuwere klachtdesk. Werk klachtdesk bij; "
                    "er is niets gewijzigd."
                ) from None
        return SchemaState(current=current, head=head)

    def is_empty(self) -> bool:
        try:
            return not set(inspect(self.engine).get_table_names()) - {"alembic_version"}
        except (OperationalError, DBAPIError) as error:
            raise translate_error(error) from error

    def migrate(self) -> Path | None:
        """Bring the schema to the newest version. Returns the backup made, if any."""
        state = self.schema_state()
        if state.up_to_date:
            return None
        if self.dialect == "postgresql" and not self.is_owner():
            raise DatabaseProblem(
                f"De database moet worden bijgewerkt naar schemaversie {state.head}; dat doet de eigenaar van de "
                "database, niet een medewerker: vraag de databasebeheerder om 'klachtdesk beheer installeren' "
                "(zie docs/postgresql.md). Er is niets gewijzigd."
            )
        from alembic import command  # only now: a migration is due
        backup = None
        if state.current is not None and self.path is not None and self.path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            backup = self.path.with_name(f"{self.path.stem}.voor-{state.head}-{stamp}{self.path.suffix}")
            self.backup_to(backup)
        elif state.current is None and not self.is_empty():
            raise DatabaseProblem(
                "Deze database bevat al tabellen maar geen klachtdesk-schemaversie; "
                "klachtdesk raakt haar niet aan."
            )
        config = self._alembic_config()
        try:
            with self._write_engine.connect() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
        except (OperationalError, DBAPIError) as error:
            raise translate_error(error) from error
        return backup

    def backup_to(self, target: Path) -> None:
        """A consistent private copy of a SQLite database, also while it is in use.

        Written under a staging name and renamed when complete: a copy interrupted
        halfway never carries the name of a real one (and is removed at the next start)."""
        if self.path is None:
            raise DatabaseProblem("Alleen een SQLite-bestand kan zo worden gekopieerd; gebruik pg_dump voor PostgreSQL.")
        if not target.parent.is_dir():
            raise DatabaseProblem(f"De map {target.parent} bestaat niet.")
        try:
            with staging(target) as temporary:
                copy_sqlite(self.path, temporary, read_only=not os.access(self.path, os.W_OK))
                os.replace(temporary, target)
        except OSError as error:
            raise DatabaseProblem(f"De kopie {target} kon niet worden geschreven: {error.strerror or error}.") from None


def copy_sqlite(source_path: Path, target: Path, *, read_only: bool = False) -> None:
    """Copy a SQLite database page by page (the online backup API) into a new private
    file ``target``, self-contained (no -wal/-shm beside it). ``read_only``: open the
    source without any write (a read-only file or folder can still be copied)."""
    os.close(create_private(target, exclusive=True))
    source = destination = None
    try:
        frozen = reading_uri(source_path)
        if frozen is not None or read_only:
            source = sqlite3.connect(frozen or f"file:{source_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_MS / 1000)
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise translate_error(error) from error
    finally:
        for connection in (destination, source):
            if connection is not None:
                connection.close()


def reading_uri(path: Path) -> str | None:
    """How to open a database that sits in a folder this account cannot write to, or None
    when it can be opened as usual.

    A WAL database needs its ``-shm`` file; in a read-only folder SQLite cannot make it.
    Without one, nobody can be writing to the database (a writer would have made it), so
    it is opened ``immutable``: read as it is, without locks. A ``-wal`` with changes
    not yet in the file would then be missed, so that case is refused instead."""
    folder = path.parent
    if os.access(folder, os.W_OK) or Path(f"{path}-shm").exists():
        return None
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise DatabaseProblem(
            f"De database {path} staat in een map zonder schrijfrecht en heeft nog niet verwerkte wijzigingen "
            f"({wal.name}); zo kan ze niet betrouwbaar worden gelezen. Kopieer de map naar een plek waar u mag "
            "schrijven, of laat de eigenaar haar één keer openen.")
    return f"file:{quote(str(path))}?mode=ro&immutable=1"


#: the byte of the ``-shm`` file that every open SQLite connection keeps a read lock on
#: (SQLite's unix VFS: UNIX_SHM_DMS, (22 + 8) * 4 + 8)
SHM_DMS_BYTE = 128


def _sqlite_holders(path: Path) -> list[str] | None:
    """The other processes that have this WAL database open ([] if none, None if unknown).

    Every open connection keeps a read lock on one byte of the ``-shm`` file; Linux lists
    the locks of all processes in ``/proc/locks``. This process's own connections do not
    count (they are the ones doing the work)."""
    shm = Path(f"{path}-shm")
    try:
        status = shm.stat()
    except FileNotFoundError:
        return []  # in WAL mode every open connection has the -shm file
    except OSError:
        return None
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
    holders = set()
    for line in lines:
        fields = line.split()
        if "->" in fields:  # a process waiting for a lock, not holding it
            continue
        if len(fields) < 8 or fields[5] != device:
            continue
        start, end = fields[6], fields[7]
        if not start.isdigit() or not int(start) <= SHM_DMS_BYTE <= (int(end) if end.isdigit() else SHM_DMS_BYTE):
            continue
        pid = int(fields[4]) if fields[4].lstrip("-").isdigit() else -1
        if pid != os.getpid():
            holders.add(pid)
    return [f"proces {pid}" if pid > 0 else "een ander programma" for pid in sorted(holders)]


def newest_revision() -> str:
    """The head of the migration chain, read from the ``revision``/``down_revision`` lines
    of the migration files (the same answer as Alembic's ``get_current_head``; a test checks)."""
    return _newest_revision(MIGRATIONS)


def open_database(db: str | os.PathLike[str] | None = None, *, create: bool = True, migrate: bool = True) -> Database:
    """Resolve, connect and (by default) migrate: what every entry point calls."""
    database = Database(resolve_url(db), create=create)
    # what a process killed halfway (a backup, a migration) left: gone before anything else
    clean_leftovers(*([database.path.parent] if database.path is not None else []))
    database.ask_password_if_needed()
    if migrate:
        database.migrate()
    return database
