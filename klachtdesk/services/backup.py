"""Backups and restores of the klachtdesk database, also while the desk is working.

SQLite
    ``make_backup`` uses SQLite's online backup API (``Database.backup_to``): a
    consistent snapshot while others keep registering, written to a temporary file
    and renamed into place, so a backup file is never half-written. ``restore``
    checks that the file is a sound klachtdesk database of a schema version this
    klachtdesk knows, keeps a copy of the current database, and then replaces the
    contents with the backup API in one transaction. (Renaming a file over a WAL
    database that other workstations have open would corrupt it; copying pages
    inside one SQLite transaction is atomic and safe for them.) An older backup is
    migrated afterwards, with the usual backup before migrating.

PostgreSQL
    A backup is ``pg_dump --format=custom`` of the database, a restore
    ``pg_restore --clean --if-exists --single-transaction`` after the same checks
    and a safety dump of the current state. Both need the PostgreSQL client
    programs (Debian: ``postgresql-client``); without them klachtdesk says so and
    names the command to run by hand.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import klachtdesk.db as db_module
from klachtdesk.paths import SQLITE_COMPANIONS, create_private, make_private, staging
from klachtdesk.clock import Clock, SystemClock, local
from klachtdesk.db import BUSY_TIMEOUT_MS, Database, describe_url, resolve_url, translate_error
from klachtdesk.errors import DatabaseProblem, ValidationError
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission

SQLITE_HEADER = b"SQLite format 3\x00"
#: tables every klachtdesk database has (a restore refuses a file without them)
REQUIRED_TABLES = frozenset({"alembic_version", "complaint", "person", "party", "event", "deadline", "staff"})


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    engine: str  # "sqlite" | "postgresql"
    schema: str | None
    size: int
    cases: int | None  # None when not readable without restoring (a pg_dump file)


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupInfo
    safety_copy: Path | None  # the database as it was before the restore
    migrated_from: str | None  # the backup's schema version when it was migrated afterwards
    #: False when the replaced database could not be read: its erasure register and
    #: numbering could not be carried over (the restored file's own are in force)
    carried_over: bool = True


# ---------------------------------------------------------------------------------------
# schema versions
# ---------------------------------------------------------------------------------------


def known_revisions() -> tuple[set[str], str]:
    """(every schema version this klachtdesk knows, the newest)."""
    # deferred for start-up time: every command loads this module, few need alembic
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db_module.MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    assert head is not None
    return {revision.revision for revision in script.walk_revisions()}, head


def _check_revision(revision: str | None, what: str) -> None:
    known, _head = known_revisions()
    if revision is None:
        raise ValidationError(f"{what} heeft geen klachtdesk-schemaversie; het is geen klachtdesk-back-up.",
                              field="bestand")
    if revision not in known:
        raise ValidationError(
            f"{what} heeft schemaversie {revision}, die deze klachtdesk niet kent: de back-up is gemaakt door een "
            "nieuwere klachtdesk. Werk klachtdesk eerst bij.", field="bestand")


# ---------------------------------------------------------------------------------------
# backup
# ---------------------------------------------------------------------------------------


def _stamp(clock: Clock) -> str:
    return local(clock.now()).strftime("%Y%m%dT%H%M%S")


def make_backup(context: Context, target: Path, *, overwrite: bool = False) -> BackupInfo:
    """A consistent copy of the database in ``target`` (a SQLite file, or a pg_dump file)."""
    context.require(Permission.BACKUP)
    target = Path(target).expanduser().resolve()
    database = context.db
    if target.exists() and not overwrite:
        raise ValidationError(f"{target} bestaat al; kies een andere naam of overschrijf bewust.", field="bestand")
    if target.is_dir():
        raise ValidationError(f"{target} is een map; geef een bestandsnaam.", field="bestand")
    if not target.parent.is_dir():
        raise ValidationError(f"De map {target.parent} bestaat niet.", field="bestand")
    if database.dialect == "sqlite":
        if database.path is None:
            raise DatabaseProblem("Een database in het geheugen heeft geen bestand om te kopiëren.")
        live = database.path.resolve()
        if target in {live, Path(f"{live}-wal"), Path(f"{live}-shm")}:
            raise ValidationError("De back-up kan niet over de database zelf heen worden geschreven.", field="bestand")
        return _write_atomically(target, lambda tmp: database.backup_to(tmp), _inspect_sqlite)
    if database.dialect == "postgresql":
        return _write_atomically(target, lambda tmp: _pg_dump(database.url, tmp), _inspect_pg_dump)
    raise DatabaseProblem(f"Een back-up van een {database.dialect}-database maakt klachtdesk niet; gebruik de "
                          "hulpmiddelen van die database.")


def _write_atomically(target: Path, write: Callable[[Path], None], inspect: Callable[[Path], BackupInfo]
                      ) -> BackupInfo:
    """Write a private backup under a staging name, check it, then rename it into place."""
    try:
        with staging(target) as temporary:
            write(temporary)
            make_private(temporary)  # pg_dump creates its file with the umask's mode
            inspect(temporary)  # a backup that cannot be restored is no backup
            os.replace(temporary, target)
    except OSError as error:
        raise DatabaseProblem(f"De back-up kon niet worden geschreven naar {target}: {error.strerror or error}.") from None
    return inspect(target)


def _inspect_sqlite(path: Path) -> BackupInfo:
    """Check a SQLite file is a sound klachtdesk database; its schema version and size."""
    if not path.is_file():
        raise ValidationError(f"{path} bestaat niet of is geen bestand.", field="bestand")
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            raise ValidationError(f"{path} is geen SQLite-database en dus geen klachtdesk-back-up.", field="bestand")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise translate_error(error) from error
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = REQUIRED_TABLES - tables
        if missing:
            raise ValidationError(f"{path} is geen klachtdesk-database (tabel {', '.join(sorted(missing))} ontbreekt).",
                                  field="bestand")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        _check_revision(row[0] if row else None, str(path))
        check = connection.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise ValidationError(f"{path} is beschadigd ({check[0] if check else 'onleesbaar'}).", field="bestand")
        cases = int(connection.execute("SELECT count(*) FROM complaint").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise ValidationError(f"{path} is geen gave klachtdesk-database ({error}).", field="bestand") from None
    finally:
        connection.close()
    return BackupInfo(path, "sqlite", row[0], path.stat().st_size, cases)


# ---------------------------------------------------------------------------------------
# PostgreSQL: pg_dump / pg_restore
# ---------------------------------------------------------------------------------------


def pg_tool(name: str) -> str | None:
    """The path of a PostgreSQL client program (``pg_dump``, ``pg_restore``), or None."""
    return shutil.which(name)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URL (without the password) and the environment carrying it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(tool: str, arguments: list[str], url: str, what: str) -> str:
    program = pg_tool(tool)
    if program is None:
        raise DatabaseProblem(
            f"Voor {what} van een PostgreSQL-database is het programma {tool} nodig, en dat is niet geïnstalleerd "
            "(Debian/Ubuntu: apt install postgresql-client). Met de hand: "
            + ("pg_dump --format=custom --file BESTAND DATABASE-URL." if tool == "pg_dump"
               else "pg_restore --clean --if-exists --single-transaction --dbname DATABASE-URL BESTAND.")
        )
    conninfo, env = _libpq(url)
    command = [program, *[conninfo if a == "{url}" else a for a in arguments]]
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DatabaseProblem(f"{tool} kon niet worden uitgevoerd: {error}.") from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise DatabaseProblem(f"{tool} meldt een fout bij {what}: {detail[-1] if detail else 'onbekend'}.")
    return completed.stdout


def _pg_dump(url: str, target: Path) -> None:
    if not target.exists():
        os.close(create_private(target, exclusive=True))  # pg_dump writes into it, keeping the mode
    _run_pg("pg_dump", ["--format=custom", "--no-owner", "--file", str(target), "--dbname", "{url}"], url,
            "een back-up")


def _inspect_pg_dump(path: Path) -> BackupInfo:
    if not path.is_file():
        raise ValidationError(f"{path} bestaat niet of is geen bestand.", field="bestand")
    program = pg_tool("pg_restore")
    if program is None:
        raise DatabaseProblem("Om een PostgreSQL-back-up te controleren is pg_restore nodig "
                              "(Debian/Ubuntu: apt install postgresql-client).")
    listing = subprocess.run([program, "--list", str(path)], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise ValidationError(f"{path} is geen pg_dump-bestand (pg_restore kan het niet lezen).", field="bestand")
    tables = {line.split()[-2] for line in listing.stdout.splitlines() if " TABLE public " in line}
    missing = REQUIRED_TABLES - tables
    if missing:
        raise ValidationError(f"{path} is geen klachtdesk-back-up (tabel {', '.join(sorted(missing))} ontbreekt).",
                              field="bestand")
    revision = _pg_dump_revision(program, path)
    _check_revision(revision, str(path))
    return BackupInfo(path, "postgresql", revision, path.stat().st_size, None)


def _pg_dump_revision(program: str, path: Path) -> str | None:
    data = subprocess.run([program, "--data-only", "--table=alembic_version", "--file=-", str(path)],
                          capture_output=True, text=True, check=False)
    lines = data.stdout.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and index + 1 < len(lines):
            value = lines[index + 1].strip()
            return None if value == "\\." else value
    return None


# ---------------------------------------------------------------------------------------
# restore
# ---------------------------------------------------------------------------------------


def inspect_backup(database: Database, source: Path) -> BackupInfo:
    """Check that ``source`` can be restored into ``database`` (raises with the reason)."""
    source = Path(source).expanduser().resolve()
    if not source.exists():
        raise ValidationError(f"Het back-upbestand {source} bestaat niet.", field="bestand")
    if database.dialect == "postgresql":
        return _inspect_pg_dump(source)
    if database.dialect != "sqlite" or database.path is None:
        raise DatabaseProblem(f"Terugzetten in een {database.dialect}-database doet klachtdesk niet.")
    return _inspect_sqlite(source)


def restore(database: Database, source: Path, *, context: Context | None = None, clock: Clock | None = None
            ) -> RestoreResult:
    """Replace the database's contents with the backup ``source``.

    ``context``: the user at the keyboard, who must have the backup permission. It is
    None only when the current database cannot be opened at all (the reason to restore).
    Refused while another program has the database open. What a restore must not undo
    is carried over from the database it replaces (``_Carried``): the erasure register,
    to be applied again, and the klachtnummers already handed out.
    """
    if context is not None:
        context.require(Permission.BACKUP)
        context.db.dispose()
    clock = clock or (context.clock if context is not None else SystemClock())
    source = Path(source).expanduser().resolve()
    info = inspect_backup(database, source)
    if database.dialect == "sqlite":
        assert database.path is not None
        if source == database.path.resolve():
            raise ValidationError("Het back-upbestand is de database zelf.", field="bestand")
    database.dispose()
    refuse_while_in_use(database)
    carried = _read_carried(database)
    if database.dialect == "postgresql":
        safety = _restore_pg(database, source, clock)
    else:
        safety = _restore_sqlite(database, source, clock)
    restored = Database(database.url)
    try:
        state = restored.schema_state()
        migrated_from = None
        if not state.up_to_date:
            migrated_from = state.current
            restored.migrate()
        _write_carried(restored, carried, clock)
    finally:
        restored.dispose()
    return RestoreResult(info, safety, migrated_from, carried.readable)


def refuse_while_in_use(database: Database) -> None:
    """A restore replaces what others are working on: refused while anyone has it open."""
    others = database.other_sessions()
    if others:
        raise DatabaseProblem(
            f"De database is nog geopend door {', '.join(others)}. Terugzetten kan pas als niemand er meer mee werkt "
            "(anders gaan hun wijzigingen verloren en kunnen klachtnummers dubbel worden uitgegeven). Laat iedereen "
            "klachtdesk sluiten en probeer het opnieuw; er is niets gewijzigd.")


def _restore_sqlite(database: Database, source: Path, clock: Clock) -> Path | None:
    assert database.path is not None
    live = database.path.resolve()
    safety = None
    if live.exists() and live.stat().st_size > 0:
        safety = live.with_name(f"{live.stem}.voor-herstel-{_stamp(clock)}{live.suffix}")
        try:
            database.backup_to(safety)
        except DatabaseProblem:
            # the current file is beyond reading: keep it byte for byte instead
            _copy_private(live, safety)
    # a private copy next to the database: checked once more, then copied in
    try:
        with staging(live) as staged:
            _copy_private(source, staged, rename=False)
            _inspect_sqlite(staged)
            database.dispose()
            if not (_is_sqlite_database(live) and _copy_pages(staged, live)):
                # no database there, or one beyond repair (kept as the safety copy): put the file in place
                for suffix in SQLITE_COMPANIONS:
                    Path(f"{live}{suffix}").unlink(missing_ok=True)
                os.replace(staged, live)
    except OSError as error:
        raise DatabaseProblem(f"Terugzetten is niet gelukt: {error.strerror or error}. De database is ongewijzigd"
                              + (f"; de kopie van vóór het terugzetten staat in {safety}." if safety else ".")) from None
    return safety


# ---------------------------------------------------------------------------------------
# what a restore must not undo
# ---------------------------------------------------------------------------------------

#: the columns of the erasure register (``models.ErasureRecord``) that are carried over
REGISTER_COLUMNS = ("erased_at", "reason", "request_id", "person_id", "complaint_number", "fingerprints")
#: the settings that belong to the register (its key, and the mark to apply it again)
REGISTER_SETTINGS = "vergeetregister.%"
PENDING_SETTING = "vergeetregister.opnieuw_toepassen"


@dataclass(frozen=True)
class _Carried:
    readable: bool  # False: the replaced database could not be read (nothing carried)
    register: list[tuple[Any, ...]] = field(default_factory=list)
    settings: list[tuple[str, str, Any]] = field(default_factory=list)
    sequence: dict[int, int] = field(default_factory=dict)  # year -> the last klachtnummer handed out


def _read_carried(database: Database) -> _Carried:
    try:
        with database.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            register = []
            if "erasure_register" in tables:
                register = [tuple(row) for row in connection.execute(text(
                    f"SELECT {', '.join(REGISTER_COLUMNS)} FROM erasure_register ORDER BY id"))]
            settings = [(row[0], row[1], row[2]) for row in connection.execute(text(
                "SELECT key, value, updated_at FROM setting WHERE key LIKE :pattern"), {"pattern": REGISTER_SETTINGS})]
            sequence = {int(year): int(last) for year, last in connection.execute(
                text("SELECT year, last FROM number_sequence"))}
            for year, highest in _highest_numbers(connection).items():
                sequence[year] = max(sequence.get(year, 0), highest)
    except (DBAPIError, sqlite3.Error, DatabaseProblem):
        return _Carried(False)
    finally:
        database.dispose()
    return _Carried(True, register, settings, sequence)


def _highest_numbers(connection: Connection) -> dict[int, int]:
    """The highest klachtnummer per year that a case has (a sequence row may lag behind)."""
    highest: dict[int, int] = {}
    for (number,) in connection.execute(text("SELECT number FROM complaint")):
        parts = str(number).split("-")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            year, seq = int(parts[1]), int(parts[2])
            highest[year] = max(highest.get(year, 0), seq)
    return highest


def _write_carried(restored: Database, carried: _Carried, clock: Clock) -> None:
    """Into the restored database: the register of the replaced one (and the mark to apply
    it again), and the numbering raised to the highest klachtnummer either handed out."""
    now = clock.now()
    with restored.engine.begin() as connection:
        sequence = dict(carried.sequence)
        for year, last in connection.execute(text("SELECT year, last FROM number_sequence")):
            sequence[int(year)] = max(sequence.get(int(year), 0), int(last))
        for year, highest in _highest_numbers(connection).items():
            sequence[year] = max(sequence.get(year, 0), highest)
        for year, last in sorted(sequence.items()):
            connection.execute(text("INSERT INTO number_sequence (year, last) VALUES (:year, :last) "
                                    "ON CONFLICT (year) DO UPDATE SET last = excluded.last "
                                    "WHERE number_sequence.last < excluded.last"), {"year": year, "last": last})
        present = {tuple(row) for row in connection.execute(text(
            f"SELECT {', '.join(REGISTER_COLUMNS)} FROM erasure_register"))}
        marks = ", ".join(f":{name}" for name in REGISTER_COLUMNS)
        for row in carried.register:
            if tuple(row) not in present:
                connection.execute(text(f"INSERT INTO erasure_register ({', '.join(REGISTER_COLUMNS)}) "
                                        f"VALUES ({marks})"), dict(zip(REGISTER_COLUMNS, row, strict=True)))
        for key, value, updated_at in carried.settings:
            if key == PENDING_SETTING:
                continue
            # the replaced database's key wins: its register was made with it
            connection.execute(text("INSERT INTO setting (key, value, updated_at) VALUES (:key, :value, :at) "
                                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                               {"key": key, "value": value, "at": updated_at})
        if connection.execute(text("SELECT count(*) FROM erasure_register")).scalar_one():
            connection.execute(text("INSERT INTO setting (key, value, updated_at) VALUES (:key, 'ja', :at) "
                                    "ON CONFLICT (key) DO UPDATE SET value = 'ja'"), {"key": PENDING_SETTING, "at": now})


def _copy_private(source: Path, target: Path, *, rename: bool = True) -> None:
    """A byte-for-byte private copy (``rename``: through a staging name)."""
    if rename:
        with staging(target) as temporary:
            _copy_private(source, temporary, rename=False)
            os.replace(temporary, target)
        return
    with source.open("rb") as reader, os.fdopen(create_private(target, exclusive=True), "wb") as writer:
        shutil.copyfileobj(reader, writer)


def _is_sqlite_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _copy_pages(source: Path, live: Path) -> bool:
    """Copy every page of ``source`` into ``live`` in one SQLite transaction.

    False when ``live`` is no readable database at all (then nobody can be using it)."""
    reader = writer = None
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        writer = sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=WAL")
        return True
    except sqlite3.DatabaseError as error:
        text = str(error).lower()
        if "not a database" in text or "malformed" in text:
            return False
        raise translate_error(error) from error
    finally:
        for connection in (reader, writer):
            if connection is not None:
                connection.close()


def _restore_pg(database: Database, source: Path, clock: Clock) -> Path:
    safety = source.with_name(f"klachtdesk.voor-herstel-{_stamp(clock)}.dump")
    with staging(safety) as temporary:
        _pg_dump(database.url, temporary)
        os.replace(temporary, safety)
    database.dispose()
    _run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                           "--dbname", "{url}", str(source)], database.url, "het terugzetten")
    return safety


def open_target(db: str | None) -> Database:
    """The database a restore writes to, opened without migrating (it may be broken)."""
    return Database(resolve_url(db), create=True)


def describe_target(database: Database) -> str:
    """The file, or the URL without its password, for messages."""
    return str(database.path) if database.path is not None else describe_url(database.url)

