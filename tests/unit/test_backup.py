"""Backups and restores: a consistent copy while the desk works, a checked restore,
and the backup that every migration makes first."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

import klachtdesk.db as db_module
from klachtdesk.db import Database, open_database
from klachtdesk.errors import DatabaseProblem, ValidationError
from klachtdesk.models import ComplaintKind
from klachtdesk.services import backup
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context


def question(name: str) -> RegistrationInput:
    return RegistrationInput(kind=ComplaintKind.ACCOUNT_QUESTION,
                             complainant=PersonInput(name=name, email=f"{name.lower()}@example.nl"),
                             service_type="Online account en app", description="Kan niet inloggen")


def register(context: Context, count: int, prefix: str = "Klant") -> list[str]:
    return [complaints.register(context, question(f"{prefix}{i}")).number for i in range(count)]


def count_cases(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM complaint").fetchone()[0])


def newer_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend this klachtdesk has one more migration than the real one (a no-op table);
    returns the real head, which databases made so far now have as an older schema."""
    copy = tmp_path / "migrations"
    shutil.copytree(db_module.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    head = backup.known_revisions()[1]
    (copy / "versions" / "9001_test_extra.py").write_text(
        f'''"""test: one more table"""
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_extra", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("test_extra")
''', encoding="utf-8")
    monkeypatch.setattr(db_module, "MIGRATIONS", copy)
    return head


# -- SQLite ---------------------------------------------------------------------------------


def test_backup_and_restore_round_trip(sqlite_context: Context, tmp_path: Path) -> None:
    first = register(sqlite_context, 3)
    copy = backup.make_backup(sqlite_context, tmp_path / "kopie.db")
    assert copy.cases == 3 and copy.schema == backup.known_revisions()[1] and copy.engine == "sqlite"
    assert not Path(f"{copy.path}-wal").exists()  # one self-contained file
    register(sqlite_context, 2, prefix="Later")
    live = sqlite_context.db.path
    assert live is not None and count_cases(live) == 5
    result = backup.restore(sqlite_context.db, copy.path, context=sqlite_context)
    assert count_cases(live) == 3
    assert result.safety_copy is not None and count_cases(result.safety_copy) == 5
    assert result.migrated_from is None
    # the restored database works, and numbering goes on after the last number ever handed
    # out: KL-2026-000004 and -000005 were given to cases the restore removed (issue 16)
    again = Context(db=open_database(live), clock=sqlite_context.clock, user=sqlite_context.user)
    assert register(again, 1) == ["KL-2026-000006"]
    assert first == ["KL-2026-000001", "KL-2026-000002", "KL-2026-000003"]
    again.db.dispose()


def test_backup_is_consistent_while_others_register(sqlite_context: Context, tmp_path: Path) -> None:
    register(sqlite_context, 5)
    stop = threading.Event()
    errors: list[BaseException] = []

    def keep_registering() -> None:
        worker = Context(db=open_database(sqlite_context.db.path), clock=sqlite_context.clock, user=sqlite_context.user)
        try:
            while not stop.is_set():
                register(worker, 1, prefix="Druk")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            worker.db.dispose()

    thread = threading.Thread(target=keep_registering)
    thread.start()
    try:
        copies = [backup.make_backup(sqlite_context, tmp_path / f"kopie{i}.db") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    for copy in copies:
        with sqlite3.connect(copy.path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            broken = connection.execute(
                "SELECT count(*) FROM complaint c WHERE NOT EXISTS (SELECT 1 FROM party p WHERE p.complaint_id = c.id) "
                "OR NOT EXISTS (SELECT 1 FROM deadline d WHERE d.complaint_id = c.id) "
                "OR NOT EXISTS (SELECT 1 FROM event e WHERE e.complaint_id = c.id AND e.type = 'registratie')"
            ).fetchone()[0]
            assert broken == 0
            seqs = [row[0] for row in connection.execute("SELECT seq FROM complaint ORDER BY seq")]
            assert seqs == list(range(1, len(seqs) + 1))
    assert copies[-1].cases is not None and copies[-1].cases >= 5


def test_backup_refuses_to_overwrite_or_to_write_over_the_database(sqlite_context: Context, tmp_path: Path) -> None:
    target = tmp_path / "kopie.db"
    target.write_text("iets anders", encoding="utf-8")
    with pytest.raises(ValidationError, match="bestaat al"):
        backup.make_backup(sqlite_context, target)
    assert target.read_text(encoding="utf-8") == "iets anders"
    assert backup.make_backup(sqlite_context, target, overwrite=True).cases == 0
    with pytest.raises(ValidationError, match="database zelf"):
        backup.make_backup(sqlite_context, sqlite_context.db.path, overwrite=True)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="bestaat niet"):
        backup.make_backup(sqlite_context, tmp_path / "geen-map" / "kopie.db")


def _foreign_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE klanten (id INTEGER)")
    return path


def _newer_backup(context: Context, path: Path) -> Path:
    backup.make_backup(context, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda ctx, p: p, "bestaat niet"),
    (lambda ctx, p: (p.write_text("geen database", encoding="utf-8"), p)[1], "geen SQLite-database"),
    (lambda ctx, p: _foreign_sqlite(p), "geen klachtdesk-database"),
    (_newer_backup, "nieuwere klachtdesk"),
], ids=["ontbreekt", "tekstbestand", "andere-database", "nieuwere-versie"])
def test_restore_refuses_what_is_no_sound_klachtdesk_backup(sqlite_context: Context, tmp_path: Path, make, message) -> None:  # type: ignore[no-untyped-def]
    register(sqlite_context, 2)
    source = make(sqlite_context, tmp_path / "bron.db")
    with pytest.raises(ValidationError, match=message):
        backup.restore(sqlite_context.db, source, context=sqlite_context)
    assert count_cases(sqlite_context.db.path) == 2  # type: ignore[arg-type]
    assert not list(sqlite_context.db.path.parent.glob("*voor-herstel*"))  # type: ignore[union-attr]


def test_restore_replaces_a_broken_database(tmp_path: Path, sqlite_context: Context) -> None:
    register(sqlite_context, 2)
    copy = backup.make_backup(sqlite_context, tmp_path / "kopie.db")
    broken = tmp_path / "kapot.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    database = Database(f"sqlite:///{broken}")
    result = backup.restore(database, copy.path)
    assert count_cases(broken) == 2
    assert result.safety_copy is not None and result.safety_copy.read_bytes().endswith(b"\xff" * 10)


def test_an_older_backup_is_migrated_after_restoring(sqlite_context: Context, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    register(sqlite_context, 1)
    copy = backup.make_backup(sqlite_context, tmp_path / "kopie.db")
    live = sqlite_context.db.path
    assert live is not None
    head = newer_migrations(tmp_path, monkeypatch)
    upgraded = open_database(live)  # the live database is migrated (with its own backup)
    result = backup.restore(upgraded, copy.path)
    assert result.migrated_from == head
    with sqlite3.connect(live) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9001",)
        assert connection.execute("SELECT count(*) FROM complaint").fetchone() == (1,)


def test_every_migration_is_preceded_by_a_backup(sqlite_context: Context, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    register(sqlite_context, 2)
    live = sqlite_context.db.path
    assert live is not None
    sqlite_context.db.dispose()
    head = newer_migrations(tmp_path, monkeypatch)
    database = open_database(live)
    copies = list(live.parent.glob(f"{live.stem}.voor-9001-*{live.suffix}"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        assert connection.execute("SELECT count(*) FROM complaint").fetchone() == (2,)
    assert database.schema_state().current == "9001"
    assert database.migrate() is None  # up to date: no second backup
    assert len(list(live.parent.glob(f"{live.stem}.voor-*"))) == 1
    database.dispose()


# -- PostgreSQL -------------------------------------------------------------------------------


def test_postgresql_backup_and_restore_with_pg_dump(context: Context, tmp_path: Path) -> None:
    if context.db.dialect != "postgresql":
        pytest.skip("pg_dump is voor PostgreSQL")
    if backup.pg_tool("pg_dump") is None or backup.pg_tool("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore niet geïnstalleerd")
    register(context, 3)
    copy = backup.make_backup(context, tmp_path / "kopie.dump")
    assert copy.engine == "postgresql" and copy.schema == backup.known_revisions()[1]
    register(context, 2, prefix="Later")
    result = backup.restore(context.db, copy.path, context=context)
    assert result.safety_copy is not None and result.safety_copy.exists()
    with context.db.read() as session:
        assert session.execute(text("SELECT count(*) FROM complaint")).scalar() == 3
    assert register(context, 1) == ["KL-2026-000006"]  # 4 and 5 were handed out before the restore
    with pytest.raises(ValidationError, match="geen pg_dump-bestand"):
        backup.restore(context.db, _foreign_sqlite(tmp_path / "anders.db"), context=context)


def test_postgresql_backup_without_pg_dump_explains_what_to_do(context: Context, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if context.db.dialect != "postgresql":
        pytest.skip("pg_dump is voor PostgreSQL")
    monkeypatch.setattr(backup, "pg_tool", lambda name: None)
    with pytest.raises(DatabaseProblem, match="pg_dump.*apt install postgresql-client"):
        backup.make_backup(context, tmp_path / "kopie.dump")
    assert not list(tmp_path.iterdir())
