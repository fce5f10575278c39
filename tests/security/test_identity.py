"""Who is at the keyboard is proven: the operating-system account of the real uid on
SQLite, ``session_user`` on PostgreSQL. Naming someone else (``--gebruiker``,
``KLACHTDESK_GEBRUIKER``, ``USER``/``LOGNAME``) is refused outside a demo database,
on both engines, through the services and through the command line."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from klachtdesk.cli import main
from klachtdesk.db import open_database
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import Event, EventType, Staff, StaffRole
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.core import events
from klachtdesk.services.core.events import REAL_USER_KEY
from klachtdesk.services.identity import login, staff
from tests.conftest import truncate_postgres

ME = pwd.getpwuid(os.getuid()).pw_name
OTHER = "h.brouwer"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def desk(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A desk in use (no demo mark): (the --db value, the proven name). The proven user is
    its beheerder; h.brouwer is its klachtenfunctionaris. No name in the environment."""
    monkeypatch.delenv(login.USER_VARIABLE, raising=False)
    if request.param == "sqlite":
        target = str(tmp_path / "desk.db")
        database = open_database(target)
    else:
        target = request.getfixturevalue("postgres_url")
        database = open_database(target)
        truncate_postgres(database)
    proven = login.proven_login(database)
    database.dispose()
    context = open_context(target)  # the first user, the proven one, becomes beheerder
    staff.add_staff(context, OTHER, "Hanna Brouwer", {StaffRole.OFFICER})
    context.db.dispose()
    yield target, proven


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def refused(code: int, err: str, name: str = OTHER) -> bool:
    """One Dutch line on stderr naming who asked to be whom; a non-zero exit."""
    lines = err.strip().splitlines()
    return code != 0 and len(lines) == 1 and lines[0].startswith("klachtdesk: U bent") and f"'{name}'" in lines[0] \
        and "demodatabase" in lines[0] and "Traceback" not in err


# -- the proven user ----------------------------------------------------------------------------


def test_sqlite_user_is_the_account_of_the_real_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("USER", "LOGNAME", "LNAME", "USERNAME", login.USER_VARIABLE):
        monkeypatch.setenv(variable, OTHER)
    assert login.os_login() == ME


def test_the_proven_user_signs_in_without_any_name_given(desk: tuple[str, str]) -> None:
    target, proven = desk
    context = open_context(target)
    try:
        assert context.user.username == proven and StaffRole.ADMIN in context.user.roles
        assert context.proven_login == proven and not context.demo
    finally:
        context.db.dispose()


def test_postgres_user_is_session_user(desk: tuple[str, str], request: pytest.FixtureRequest) -> None:
    target, proven = desk
    if not target.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    from sqlalchemy.engine import make_url

    assert proven == make_url(target).username  # the login of the URL, as the server authenticated it


def test_naming_yourself_is_fine(desk: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    target, proven = desk
    context = open_context(target, user=proven)
    context.db.dispose()
    monkeypatch.setenv(login.USER_VARIABLE, proven)
    context = open_context(target)
    try:
        assert context.user.username == proven
    finally:
        context.db.dispose()


# -- impersonation, each route, refused --------------------------------------------------------


def test_gebruiker_for_someone_else_is_refused(desk: tuple[str, str]) -> None:
    target, _ = desk
    with pytest.raises(PermissionDenied, match=f"--gebruiker noemt '{OTHER}'"):
        open_context(target, user=OTHER)


def test_the_environment_variable_for_someone_else_is_refused(desk: tuple[str, str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target, _ = desk
    monkeypatch.setenv(login.USER_VARIABLE, OTHER)
    with pytest.raises(PermissionDenied, match=f"KLACHTDESK_GEBRUIKER noemt '{OTHER}'"):
        open_context(target)


def test_user_and_logname_are_ignored(desk: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    target, proven = desk
    monkeypatch.setenv("USER", OTHER)
    monkeypatch.setenv("LOGNAME", OTHER)
    context = open_context(target)
    try:
        assert context.user.username == proven != OTHER
    finally:
        context.db.dispose()


@pytest.mark.parametrize("argv", [
    ["zoek", "KL-2026-000001"],
    ["medewerker", "lijst"],
    ["medewerker", "rollen", "x", "--rol", "beheerder"],  # making oneself beheerder as 'admin'
    ["backup", "kopie.db"],
    ["rapport"],
])
def test_the_command_line_refuses_in_one_dutch_line(desk: tuple[str, str], capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    argv: list[str]) -> None:
    target, _ = desk
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, *argv, "--db", target, "--gebruiker", OTHER)
    assert refused(code, err), err
    assert out == ""
    monkeypatch.setenv(login.USER_VARIABLE, OTHER)
    code, _, err = cli(capsys, "--db", target, *argv)
    assert refused(code, err), err
    assert not (tmp_path / "kopie.db").exists()


def test_the_app_refuses_before_textual_starts(desk: tuple[str, str], capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target, _ = desk
    started: list[object] = []
    monkeypatch.setattr("klachtdesk.app.create_app", lambda *a, **k: started.append(a))
    code, _, err = cli(capsys, "--db", target, "--gebruiker", OTHER)
    assert refused(code, err) and started == []


def test_nothing_is_written_for_a_refused_attempt(desk: tuple[str, str]) -> None:
    target, _ = desk
    database = open_database(target)
    try:
        with database.read() as session:
            before = len(session.exec(select(Event)).all())
        with pytest.raises(PermissionDenied):
            open_context(target, user="admin")  # an unknown name is refused just the same
        with database.read() as session:
            assert len(session.exec(select(Event)).all()) == before
            assert set(session.exec(select(Staff.username)).all()) == {desk[1], OTHER}
    finally:
        database.dispose()


# -- the demo database --------------------------------------------------------------------------


def test_demo_makes_a_demo_database_where_every_role_may_be_tried(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(login.USER_VARIABLE, raising=False)
    db = str(tmp_path / "demo.db")
    assert cli(capsys, "demo", "--aantal", "5", "--db", db)[0] == 0
    context = open_context(db, user="h.brouwer")  # a demo klachtenfunctionaris
    try:
        assert context.demo and context.user.username == "h.brouwer" and context.proven_login == ME
        assert StaffRole.OFFICER in context.user.roles
    finally:
        context.db.dispose()


def test_demo_on_a_new_database_with_a_name_makes_it_a_demo_first(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    code, _, err = cli(capsys, "demo", "--aantal", "3", "--db", db, "--gebruiker", "nieuwkomer")
    assert code == 0, err


def test_the_history_records_the_real_user_in_a_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.db")
    assert cli(capsys, "demo", "--aantal", "3", "--db", db)[0] == 0
    context = open_context(db, user="h.brouwer")
    try:
        with context.db.write() as session:
            event = events.record(session, context, None, EventType.NOTE, "Geprobeerd")
            assert event.data == {REAL_USER_KEY: ME}
    finally:
        context.db.dispose()


def test_demo_data_never_goes_into_a_desk_in_use(desk: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    target, proven = desk
    for who in (proven, OTHER):
        code, _, err = cli(capsys, "demo", "--aantal", "3", "--db", target, "--gebruiker", who)
        assert code != 0 and "Demodata komt alleen in een nieuwe database" in err, err
    database = open_database(target)
    try:
        assert not login.is_demo(database)
    finally:
        database.dispose()


def test_a_klantenservice_account_cannot_run_demo_on_a_live_desk(desk: tuple[str, str], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """On SQLite the proven user is the beheerder; a klantenservice login is only possible
    on PostgreSQL or by name, and both are refused before any demo data is written."""
    target, proven = desk
    context = open_context(target)
    staff.set_roles(context, proven, {StaffRole.CUSTOMER_SERVICE, StaffRole.ADMIN})
    staff.add_staff(context, "karin", "Karin", {StaffRole.CUSTOMER_SERVICE})
    context.db.dispose()
    code, _, err = cli(capsys, "demo", "--aantal", "3", "--db", target)
    assert code != 0 and "Demodata komt alleen" in err
    code, _, err = cli(capsys, "demo", "--aantal", "3", "--db", target, "--gebruiker", "karin")
    assert code != 0 and "Demodata komt alleen" in err
