"""Faults a desk meets: a locked or read-only database, a killed program, a lost
PostgreSQL connection, a database from a newer klachtdesk, a missing file. Each gets a
clear Dutch sentence (never a traceback), and no committed data is lost or half-written."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from desk_workers import intake
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

import klachtdesk.db as db_module
from klachtdesk.cli import main
from klachtdesk.db import Database, open_database
from klachtdesk.errors import DatabaseProblem
from klachtdesk.services.cases import complaints
from klachtdesk.services.identity import staff
from klachtdesk.services.core.context import Context

WORKERS_SCRIPT = Path(__file__).with_name("desk_workers.py")


def sqlite_only(context: Context) -> None:
    if context.db.dialect != "sqlite":
        pytest.skip("SQLite-bestanden: vergrendeling en bestandsrechten")


def postgres_only(context: Context) -> None:
    if context.db.dialect != "postgresql":
        pytest.skip("alleen PostgreSQL heeft een verbinding die kan wegvallen")


def case_count(database: Database) -> int:
    with database.read() as session:
        return int(session.execute(text("SELECT count(*) FROM complaint")).scalar_one())


def complete_cases(database: Database) -> tuple[list[int], int]:
    """(the seqs of all cases, how many of them are incomplete)."""
    with database.read() as session:
        seqs = list(session.execute(text("SELECT seq FROM complaint ORDER BY seq")).scalars())
        broken = session.execute(text(
            "SELECT count(*) FROM complaint c WHERE "
            "NOT EXISTS (SELECT 1 FROM party p WHERE p.complaint_id = c.id AND p.person_id = c.complainant_id) "
            "OR NOT EXISTS (SELECT 1 FROM deadline d WHERE d.complaint_id = c.id) "
            "OR NOT EXISTS (SELECT 1 FROM event e WHERE e.complaint_id = c.id AND e.type = 'registratie')"
        )).scalar_one()
    return seqs, int(broken)


# -- a database locked by another program ---------------------------------------------------------


@pytest.fixture
def lock_holder() -> Iterator[Callable[[Path, float], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def hold(path: Path, seconds: float) -> subprocess.Popen[str]:
        process = subprocess.Popen([sys.executable, str(WORKERS_SCRIPT), "hold-lock", str(path), str(seconds)],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "vast"
        started.append(process)
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait()


def test_a_locked_database_waits_and_then_says_so(context: Context, lock_holder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sqlite_only(context)
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 700)
    short = Context(db=Database(context.db.url), clock=context.clock, user=context.user)
    path = context.db.path
    assert path is not None
    lock_holder(path, 30)
    started = time.monotonic()
    with pytest.raises(DatabaseProblem, match="bezet door een ander programma.*opnieuw"):
        complaints.register(short, intake("vast"))
    assert time.monotonic() - started >= 0.6  # it waited for the busy timeout first
    short.db.dispose()


def test_a_short_lock_is_waited_out(context: Context, lock_holder) -> None:  # type: ignore[no-untyped-def]
    sqlite_only(context)
    path = context.db.path
    assert path is not None
    holder = lock_holder(path, 1.5)
    started = time.monotonic()
    registered = complaints.register(context, intake("wacht"))
    assert time.monotonic() - started >= 0.4 and registered.number == "KL-2026-000001"
    holder.wait(timeout=10)


def test_the_cli_reports_a_locked_database_in_dutch(context: Context, lock_holder, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    sqlite_only(context)
    complaints.register(context, intake("gezocht"))
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 500)
    lock_holder(context.db.path, 30)
    assert main(["zoek", "KL-2026-000001", "--db", str(context.db.path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("klachtdesk: De database is bezet") and "Traceback" not in err


# -- a read-only database file --------------------------------------------------------------------


def _as_unprivileged(job: Callable[[], Any]) -> Any:
    """Run ``job`` where file permissions count: as root, in a child that gave up root."""
    if os.geteuid() != 0:
        return job()
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()

    def child() -> None:
        try:
            os.setgid(65534)
            os.setuid(65534)
            results.put(("ok", job()))
        except BaseException as error:  # noqa: BLE001 - handed to the test
            results.put(("error", error))

    process = fork.Process(target=child)
    process.start()
    kind, value = results.get(timeout=60)
    process.join(timeout=30)
    if kind == "error":
        raise value
    return value


def test_a_read_only_file_refuses_the_change_and_nothing_is_half_written(context: Context, sqlite_template: Path) -> None:  # type: ignore[no-untyped-def]
    sqlite_only(context)
    folder = Path(tempfile.mkdtemp(prefix="klachtdesk-alleen-lezen-"))
    folder.chmod(0o777)  # the folder stays writable (as a user's own folder is); the file is not
    path = folder / "klachtdesk.db"
    try:
        source = Database(context.db.url)
        source.backup_to(path)
        source.dispose()
        setup = Context(db=open_database(path), clock=context.clock)
        setup.user = staff.sign_in(setup, "tester")
        complaints.register(setup, intake("bestaand"))
        setup.db.dispose()
        path.chmod(0o444)

        def attempt() -> tuple[str, int, int]:
            desk = Context(db=open_database(path), clock=context.clock)
            desk.user = staff.sign_in(desk, "tester")  # signing in only reads
            before = case_count(desk.db)
            try:
                complaints.register(desk, intake("nieuw"))
            except DatabaseProblem as problem:
                message = problem.message
            else:  # pragma: no cover - the assertion below reports it
                message = ""
            after = case_count(desk.db)
            desk.db.dispose()
            return message, before, after

        message, before, after = _as_unprivileged(attempt)
        assert message == "De database is alleen-lezen; de wijziging is niet opgeslagen."
        assert before == after == 1
        path.chmod(0o644)
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT last FROM number_sequence").fetchall() == [(1,)]
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()


def test_a_read_only_copy_in_a_read_only_folder_can_be_read_and_backed_up(sqlite_context: Context) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: on a read-only copy even ``backup`` refused, and reading a case did too."""
    import contextlib
    import io

    context = sqlite_context
    complaints.register(context, intake("alleen-lezen"))
    folder, out, home = (Path(tempfile.mkdtemp(prefix=f"klachtdesk-{name}-")) for name in ("kopie", "uit", "thuis"))
    path = folder / "klachtdesk.db"
    try:
        context.db.backup_to(path)  # one self-contained file, no -wal or -shm beside it
        warm = folder.with_name(folder.name + "-warm.db")
        context.db.backup_to(warm)  # the same commands once as ourselves: everything they import is loaded
        for argv in (["zoek", "KL-2026-000001"], ["backup", str(out / "warm.db")]):
            assert main([*argv, "--db", str(warm), "--gebruiker", "tester"]) == 0
        warm.unlink()
        for place in (out, home):
            place.chmod(0o777)
        if os.geteuid() == 0:
            for place in (folder, path):
                os.chown(place, 65534, 65534)
        path.chmod(0o400)
        folder.chmod(0o555)

        def attempt() -> tuple[int, int, str]:
            os.environ["KLACHTDESK_HOME"] = str(home)
            errors = io.StringIO()
            with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
                read = main(["zoek", "KL-2026-000001", "--db", str(path), "--gebruiker", "tester"])
                copied = main(["backup", str(out / "kopie.db"), "--db", str(path), "--gebruiker", "tester"])
            return read, copied, errors.getvalue()

        read, copied, errors = _as_unprivileged(attempt)
        assert (read, copied) == (0, 0), errors
        assert "kon niet in de geschiedenis worden vastgelegd" in errors and "Traceback" not in errors
        assert sorted(p.name for p in folder.iterdir()) == ["klachtdesk.db"]  # nothing written beside it
        with sqlite3.connect(out / "kopie.db") as connection:
            assert connection.execute("SELECT count(*) FROM complaint").fetchone() == (1,)
    finally:
        folder.chmod(0o755)
        for place in (folder, out, home):
            for leftover in sorted(place.rglob("*"), reverse=True):
                leftover.rmdir() if leftover.is_dir() else leftover.unlink()
            place.rmdir()


# -- a program killed halfway ---------------------------------------------------------------------


def test_killing_the_program_mid_registration_loses_nothing_committed(context: Context) -> None:
    printed: list[str] = []
    url = context.db.url
    for round_ in range(3):
        process = subprocess.Popen([sys.executable, str(WORKERS_SCRIPT), "register-loop", url],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        try:
            for _ in range(15 + 7 * round_):
                line = process.stdout.readline()
                assert line, process.stderr.read() if process.stderr else ""
                printed.append(line.strip())
        finally:
            process.send_signal(signal.SIGKILL)  # in the middle of the next registration
            process.wait(timeout=30)
        printed += [line.strip() for line in process.stdout if line.strip()]
    seqs, broken = complete_cases(context.db)
    assert broken == 0
    assert seqs == list(range(1, len(seqs) + 1))  # no gaps: a rolled-back number was given back
    assert {complaints.get_case(context, complaints.id_for_number(context, n), record_view=False).number
            for n in printed} == set(printed)  # every case reported as registered is there
    assert len(seqs) - len(printed) <= 3  # at most the one committed in each round before its number was printed
    if context.db.dialect == "sqlite":
        with sqlite3.connect(context.db.path) as connection:  # type: ignore[arg-type]
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


# -- PostgreSQL: a lost or unreachable server -----------------------------------------------------


def _terminate_connections(url: str) -> int:
    """Cut every connection to the database, as a server restart does."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).all())
    finally:
        admin.dispose()


def test_connections_lost_while_idle_are_replaced_unnoticed(context: Context) -> None:
    postgres_only(context)
    complaints.register(context, intake("voor"))
    assert _terminate_connections(context.db.url) >= 1
    assert complaints.count(context) == 1  # pool_pre_ping: a fresh connection, no error
    complaints.register(context, intake("na"))
    assert complaints.count(context) == 2


def test_a_connection_lost_in_the_middle_is_reported_in_dutch_then_retried(context: Context) -> None:
    postgres_only(context)
    complaints.register(context, intake("een"))
    with pytest.raises(DatabaseProblem, match="verbinding met de databaseserver is verbroken"):
        with context.db.read() as session:
            session.execute(text("SELECT 1")).scalar_one()
            _terminate_connections(context.db.url)
            session.execute(text("SELECT count(*) FROM complaint")).scalar_one()
    assert complaints.count(context) == 1  # the next attempt simply works


def test_a_server_that_is_briefly_unreachable_is_tried_again(context: Context, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    postgres_only(context)
    monkeypatch.setattr(db_module, "CONNECT_RETRY_DELAYS", (0.05, 0.05, 0.05))
    import psycopg

    database = Database(context.db.url)
    refusals = {"left": 2}

    @event.listens_for(database.engine, "do_connect")
    def refuse(*_args: Any) -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            raise psycopg.OperationalError("connection to server failed: Connection refused")

    desk = Context(db=database, clock=context.clock, user=context.user)
    assert complaints.count(desk) == 0 and refusals["left"] == 0  # two refusals, third time right
    database.dispose()
    refusals["left"] = 10
    with pytest.raises(DatabaseProblem, match="verbinding met de databaseserver"):
        complaints.count(desk)
    database.dispose()


def test_an_unreachable_server_is_a_dutch_sentence_on_the_command_line(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(db_module, "CONNECT_RETRY_DELAYS", ())
    with socket_nobody_listens() as port:
        code = main(["zoek", "KL-2026-000001", "--db", f"postgresql://klachtdesk@127.0.0.1:{port}/klachtdesk"])
    err = capsys.readouterr().err
    assert code == 2 and "verbinding met de databaseserver" in err and "Traceback" not in err


class socket_nobody_listens:  # noqa: N801 - a context manager read as a phrase
    """A local port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        return None


# -- schema from a newer klachtdesk, a missing file, driver errors anywhere ---------------------------


def test_a_database_from_a_newer_klachtdesk_is_refused_in_dutch(context: Context, capsys) -> None:  # type: ignore[no-untyped-def]
    target = str(context.db.path) if context.db.dialect == "sqlite" else context.db.url
    with context.db.write() as session:
        current = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        session.execute(text("UPDATE alembic_version SET version_num = '9999_toekomst'"))
    try:
        code = main(["zoek", "KL-2026-000001", "--db", target])
        err = capsys.readouterr().err
        assert code == 2
        assert "schemaversie 9999_toekomst" in err and "nieuwere klachtdesk" in err and "Traceback" not in err
    finally:
        with context.db.write() as session:
            session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert open_database(target).schema_state().up_to_date


def test_a_missing_database_file_for_zoek(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "bestaat-niet.db"
    assert main(["zoek", "jansen", "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"klachtdesk: De database {missing} bestaat niet.\n"
    assert not missing.exists()


def test_driver_errors_from_anywhere_become_one_dutch_line(context: Context, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    sqlite_only(context)

    def broken(*_args: Any, **_kwargs: Any) -> int:
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(complaints, "id_for_number", broken)
    assert main(["zoek", "KL-2026-000001", "--db", str(context.db.path)]) == 2
    err = capsys.readouterr().err
    assert err == "klachtdesk: De schijf is vol of niet beschikbaar; de wijziging is niet opgeslagen.\n"
