"""The app's first inbox page read with the driver (``services.startup``) is the page the
services give (``lists.inbox.fetch_page``): the same rows, shaped the same, for every role
(directie: the klager's name masked), the same user and change marker; and wherever the
start is not the plain case, the plain reader steps aside (None) and ``open_context``
gives today's answer. Both engines; on PostgreSQL also as each role's own login (grants,
row-level security, directie's overview without personal data)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from sqlalchemy import text

from klachtdesk import demo
from klachtdesk.db import Database
from klachtdesk.errors import KlachtdeskError
from klachtdesk.models import PERSON_ROLES, StaffRole
from klachtdesk.services import startup
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.personal import HIDDEN
from klachtdesk.services.identity import staff
from klachtdesk.services.lists import changes, inbox
from klachtdesk.services.lists.query import InboxQuery
from klachtdesk.services.privacy.pending import PENDING_SETTING
from tests.security.database_logins import RoleDatabase, as_login, login_name, role_database, seed_staff

__all__ = ["role_database"]

PAGE = 40


def _service_page(context: Context) -> tuple[list[inbox.CaseRow], int]:
    return inbox.fetch_page(context, InboxQuery(), limit=PAGE), changes.change_marker(context)


@pytest.fixture
def filled(context: Context) -> Context:
    """A demo desk of 60 cases (every status, deadlines, handlers, cases to review), its
    settings stored (as ``open_context`` does on a new database)."""
    seeded(context)
    demo.generate(context, 60, seed=7)
    return context


def seeded(context: Context) -> Context:
    load_settings(context.db, context.now())
    return context


@pytest.mark.parametrize("role", sorted(PERSON_ROLES, key=str))
def test_the_first_page_is_the_services_page_for_every_role(filled: Context, as_user: Callable[..., Context],
                                                            role: StaffRole) -> None:
    username = f"first_{role.name.lower()}"
    other = as_user(username, role)
    page = startup.read(filled.db.url, user=username, clock=filled.clock, limit=PAGE)
    if not other.user.may(Permission.READ_STATUS):
        assert page is None  # the inbox refuses, the usual way
        with pytest.raises(KlachtdeskError):
            inbox.fetch_page(other, InboxQuery(), limit=PAGE)
        return
    assert page is not None
    rows, marker = _service_page(other)
    assert len(rows) == PAGE
    assert page.rows == rows
    assert page.marker == marker
    assert page.user == other.user
    assert page.settings == other.settings
    if role is StaffRole.MANAGEMENT:
        assert {row.complainant for row in page.rows} == {HIDDEN}
    else:
        assert HIDDEN not in {row.complainant for row in page.rows}


def test_a_short_list_and_an_empty_one(context: Context) -> None:
    seeded(context)
    page = startup.read(context.db.url, user="tester", clock=context.clock, limit=PAGE)
    assert page is not None and page.rows == [] and page.marker == changes.change_marker(context)
    demo.generate(context, 3, seed=3)
    page = startup.read(context.db.url, user="tester", clock=context.clock, limit=PAGE)
    assert page is not None and page.rows == _service_page(context)[0] and len(page.rows) == 3


def test_the_page_read_beside_is_the_page_read_here(filled: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """``read_beside`` (how ``klachtdesk`` starts): on PostgreSQL the page comes from a child
    process while this one loads Textual, on SQLite it is read at once; the same page either
    way, and a user the reader steps aside for is stepped aside for there too."""
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    url = filled.db.url
    page = startup.read_beside(url, user="tester", clock=filled.clock, limit=PAGE)()
    assert page is not None and page == startup.read(url, user="tester", clock=filled.clock, limit=PAGE)
    assert len(page.rows) == PAGE
    assert startup.read_beside(url, user="niemand", clock=filled.clock)() is None
    assert len(forks) == (2 if filled.db.dialect == "postgresql" else 0)


def test_a_child_that_fails_gives_the_usual_way(filled: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: a child that ends without a page (killed, out of memory) gives the usual
    way, and no child is left. SQLite: the page is read in this process, at once."""
    if filled.db.dialect != "postgresql":
        monkeypatch.setattr(startup, "read", lambda *args, **kwargs: "read here")
        assert startup.read_beside(filled.db.url, user="tester", clock=filled.clock)() == "read here"
        return
    monkeypatch.setattr(startup, "read", lambda *args, **kwargs: os._exit(3))
    waiting = startup.read_beside(filled.db.url, user="tester", clock=filled.clock)
    assert waiting() is None
    try:  # reaped: no child that ended is left behind (a test's forkserver may still run)
        ended, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        ended = 0
    assert ended == 0


def _expect_the_usual_way(url: str, user: str, context: Context) -> None:
    """The plain reader steps aside; ``open_context`` (the usual way) decides."""
    assert startup.read(url, user=user, clock=context.clock) is None


def test_an_unknown_or_inactive_user_is_left_to_the_usual_way(filled: Context) -> None:
    url = filled.db.url
    _expect_the_usual_way(url, "niemand", filled)
    with pytest.raises(KlachtdeskError, match="geen medewerker"):
        open_context(url, user="niemand", clock=filled.clock)
    with filled.db.write() as session:
        session.execute(text("UPDATE staff SET active = false WHERE username = 'tester'"))
    _expect_the_usual_way(url, "tester", filled)
    with pytest.raises(KlachtdeskError, match="niet meer actief"):
        open_context(url, user="tester", clock=filled.clock)


def test_a_schema_of_another_version_is_left_to_the_usual_way(filled: Context) -> None:
    with filled.db.write() as session:
        head = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        session.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    try:
        _expect_the_usual_way(filled.db.url, "tester", filled)
        with pytest.raises(KlachtdeskError, match="nieuwere klachtdesk"):
            open_context(filled.db.url, user="tester", clock=filled.clock)
    finally:  # the PostgreSQL database is the next test's too
        with filled.db.write() as session:
            session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def test_a_restored_backup_is_left_to_the_usual_way(filled: Context) -> None:
    with filled.db.write() as session:
        session.execute(text("INSERT INTO setting (key, value, updated_at) VALUES (:k, 'ja', :at)"),
                        {"k": PENDING_SETTING, "at": filled.now().replace(tzinfo=None)})
    _expect_the_usual_way(filled.db.url, "tester", filled)


def test_another_user_outside_a_demo_database_is_left_to_the_usual_way(filled: Context) -> None:
    with filled.db.write() as session:
        session.execute(text("DELETE FROM setting WHERE key = 'database.soort'"))
    _expect_the_usual_way(filled.db.url, "tester", filled)  # tester is not who the OS or server says


def test_a_missing_file_is_left_to_the_usual_way(tmp_path, context: Context) -> None:  # noqa: ANN001
    assert startup.read(tmp_path / "nergens.db", user="tester") is None
    assert not (tmp_path / "nergens.db").exists()  # the plain reader never creates one


def test_the_plain_reader_writes_nothing(sqlite_database: Database, clock) -> None:  # noqa: ANN001
    context = Context(db=sqlite_database, clock=clock)
    with sqlite_database.write() as session:
        staff.create_staff(session, context, "tester", "Tess Tester", set(PERSON_ROLES))
    load_settings(sqlite_database, clock.now())
    path = sqlite_database.path
    assert path is not None
    sqlite_database.dispose()
    before = (path.stat().st_mtime_ns, path.read_bytes())
    assert startup.read(path, user="tester", clock=clock) is not None
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    wal = path.with_name(path.name + "-wal")  # SQLite may open the log (empty, the file's own mode)
    assert not wal.exists() or (wal.stat().st_size == 0 and wal.stat().st_mode & 0o077 == 0)


# -- PostgreSQL, as each role's own login ----------------------------------------------------


@pytest.mark.postgres
def test_each_logins_first_page_is_its_services_page(role_database: RoleDatabase,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLACHTDESK_GEBRUIKER")  # the login is who the server says
    from klachtdesk.clock import FixedClock
    from tests.conftest import FIXED_NOW

    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    tester = seed_staff(owner, clock)
    demo_cases(tester)
    owner.dispose()
    for role in sorted(PERSON_ROLES, key=str):
        context = as_login(role_database, role, clock)
        try:
            page = startup.read(role_database.login_url(login_name(role)), user=None, clock=clock, limit=PAGE)
            # as klachtdesk starts: in a child process, as the same login
            assert startup.read_beside(role_database.login_url(login_name(role)), user=None, clock=clock,
                                       limit=PAGE)() == page, role
            if not context.user.may(Permission.READ_STATUS):
                assert page is None, role
                continue
            assert page is not None, role
            rows, marker = _service_page(context)
            assert rows and page.rows == rows, role
            assert page.marker == marker, role
            assert page.user == context.user, role
            assert page.proven_login == login_name(role)
            if role is StaffRole.MANAGEMENT:
                assert {row.complainant for row in page.rows} == {HIDDEN}
        finally:
            context.db.dispose()


def demo_cases(context: Context) -> None:
    """A few cases registered through the services (the owner's connection)."""
    from datetime import date

    from klachtdesk.services.cases import complaints
    from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput

    for number in range(5):
        complaints.register(context, RegistrationInput(
            complainant=PersonInput(name=f"Jan de Vries {number}", phone="06-12345678", email="jan@example.nl"),
            service_type="Teleconsultatie", description="Drie weken gewacht op een terugbelafspraak.",
            incident_date=date(2026, 11, 2)))
