"""SQLite's write-ahead log is copied into the database file by a thread, not in a commit
(``klachtdesk.checkpoint``): what a large write leaves in the log reaches the file, a small
one starts no thread, and ``dispose`` leaves no thread behind."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import text

from klachtdesk.checkpoint import WAL_LIMIT_BYTES
from klachtdesk.db import Database

MARK = "klachtdesk-logmerkteken"


def _threads(path: Path) -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name == f"checkpoint {path.name}"]


def _database(tmp_path: Path) -> tuple[Database, Path]:
    path = tmp_path / "k.db"
    database = Database(f"sqlite:///{path}")
    with database.write() as session:
        session.execute(text("CREATE TABLE t (x TEXT)"))
    return database, path


def test_the_desks_connections_leave_the_log_to_the_checkpointer(tmp_path: Path) -> None:
    database, _path = _database(tmp_path)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA journal_size_limit").scalar() == 0
    database.dispose()


def test_a_large_write_reaches_the_file_after_its_commit(tmp_path: Path) -> None:
    database, path = _database(tmp_path)
    rows = [{"x": f"{MARK}-{number:06d}" + "." * 200} for number in range(30_000)]  # ~7 MB of log
    with database.write() as session:
        session.execute(text("INSERT INTO t (x) VALUES (:x)"), rows)
    # the commit left it in the log: only the checkpoint puts it in the file itself
    database.settle()
    assert MARK.encode() in path.read_bytes()
    assert _threads(path)
    # copied, the log starts again from nothing at the next write
    with database.write() as session:
        session.execute(text("INSERT INTO t (x) VALUES ('klein')"))
    assert os.stat(f"{path}-wal").st_size < WAL_LIMIT_BYTES
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 30_001
    database.dispose()
    assert not _threads(path)


def test_a_small_write_starts_no_thread_and_stays_in_the_log(tmp_path: Path) -> None:
    database, path = _database(tmp_path)
    with database.write() as session:
        session.execute(text("INSERT INTO t (x) VALUES (:x)"), {"x": MARK})
    database.settle()
    assert not _threads(path)
    assert MARK.encode() not in path.read_bytes()
    database.dispose()


def test_the_engine_is_used_again_after_dispose(tmp_path: Path) -> None:
    """``dispose`` stops the thread; a later large write starts a new one."""
    database, path = _database(tmp_path)
    database.dispose()
    with database.write() as session:
        session.execute(text("INSERT INTO t (x) VALUES (:x)"), [{"x": MARK + "." * 300}] * 20_000)
    database.settle()
    assert MARK.encode() in path.read_bytes()
    database.dispose()
    assert not _threads(path)


def test_a_process_that_ends_without_dispose_leaves_no_log(tmp_path: Path) -> None:
    """The thread's connection is closed at the end of the process, so the last connection
    to close copies the log into the file and removes it, as SQLite does without the thread."""
    path = tmp_path / "k.db"
    script = (
        "import sys\n"
        "from sqlalchemy import text\n"
        "from klachtdesk.db import Database\n"
        f"database = Database({f'sqlite:///{path}'!r})\n"
        "with database.write() as session:\n"
        "    session.execute(text('CREATE TABLE t (x TEXT)'))\n"
        "with database.write() as session:\n"
        f"    session.execute(text('INSERT INTO t (x) VALUES (:x)'), [{{'x': {MARK!r} + '.' * 300}}] * 20_000)\n"
        "database.settle()  # the thread has its connection open now\n"
        "import threading\n"
        "assert any(t.name.startswith('checkpoint ') for t in threading.enumerate())\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()
    assert MARK.encode() in path.read_bytes()
