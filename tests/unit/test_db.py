"""The database module: locations, SQLite settings, migrations, clear refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from klachtdesk.db import Database, SchemaState, open_database, resolve_url
from klachtdesk.errors import DatabaseProblem


def test_plain_path_means_sqlite_file(tmp_path: Path) -> None:
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_environment_variable_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KLACHTDESK_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).endswith("env.db")
    monkeypatch.delenv("KLACHTDESK_DB")
    assert resolve_url(None).endswith("klachtdesk.db")


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    database = open_database(tmp_path / "k.db")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_missing_file_is_refused_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem, match="bestaat niet"):
        open_database(tmp_path / "nope.db", create=False)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem, match="map"):
        open_database(tmp_path / "geen" / "map" / "k.db")


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("dit is geen database")
    with pytest.raises(DatabaseProblem, match="geen SQLite-database"):
        open_database(path)
    assert path.read_text() == "dit is geen database"


def test_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(DatabaseProblem):
        open_database("nosuchdb://x/y")


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    open_database(path).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseProblem, match="nieuwere"):
        open_database(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)


def test_foreign_tables_without_version_are_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(DatabaseProblem, match="raakt haar niet aan"):
        open_database(path)


def test_empty_version_table_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    database = open_database(path)
    assert database.schema_state().up_to_date


def test_older_schema_gets_a_backup_before_migrating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k.db"
    database = open_database(path)
    head = database.schema_state().head
    states = iter([SchemaState(current="0000", head=head)])
    monkeypatch.setattr(Database, "schema_state", lambda self: next(states, SchemaState(head, head)))
    backup = database.migrate()
    assert backup is not None and backup.exists() and backup.parent == tmp_path
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)


def test_write_rolls_back_on_error(database) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), database.write() as session:
        session.execute(text("INSERT INTO number_sequence (year, last) VALUES (2030, 5)"))
        raise RuntimeError
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM number_sequence")).scalar() == 0
