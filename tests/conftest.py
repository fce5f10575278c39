"""Shared fixtures: a fixed clock, a fresh database per test (SQLite, and PostgreSQL
when ``KLACHTDESK_TEST_DATABASE_URL`` is set), and a service context on it.

The databases of the fixtures are marked as demo databases (``identity.login``), so a
test may act as any staff member through ``open_context``/the CLI (``--gebruiker``,
``KLACHTDESK_GEBRUIKER``); tests of the refusal (``tests/security``) use databases
without the mark."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.db import Database, open_database
from klachtdesk.models import PERSON_ROLES, StaffRole
from klachtdesk.services.identity import staff
from klachtdesk.services.identity.login import mark_demo
from klachtdesk.services.core.context import Context, CurrentUser

PG_URL = os.environ.get("KLACHTDESK_TEST_DATABASE_URL")

#: Monday 23 November 2026, 10:00 in Amsterdam: a werkdag, during office hours
FIXED_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's own klachtdesk folder or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("KLACHTDESK_HOME", str(home))
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(home / "outbox"))
    monkeypatch.delenv("KLACHTDESK_DB", raising=False)
    monkeypatch.setenv("KLACHTDESK_GEBRUIKER", "tester")


@pytest.fixture(scope="session", autouse=True)
def _css_parsed_once() -> Iterator[None]:
    """Every app a screen test starts parses the same stylesheets again (Textual keeps its
    parse cache per app): about a tenth of a short Pilot test. The parsed rules are kept
    here for the test process, keyed as Textual keys them plus the theme's variables, which
    parsing substitutes (so another theme parses anew). Textual never changes parsed rules
    (a stylesheet hands the same cached lists out at each re-parse), so sharing them
    between apps shows every app exactly what parsing would."""
    from textual.css.stylesheet import Stylesheet

    parse = Stylesheet._parse_rules
    parsed: dict[tuple[object, ...], list[Any]] = {}

    def parse_once(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                   tie_breaker: int = 0, scope: str = "") -> list[Any]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", parse_once)
        yield


@pytest.fixture(scope="session", autouse=True)
def _notifications_stay() -> Iterator[None]:
    """A notification stays for the whole test. Its few seconds on screen are wall time,
    which a loaded machine can spend between the key that notified and the assertion that
    looks for it (issue 19: a test failed so, once, under load, and passed on the rerun);
    on a fast machine every notification a test looks at is still there. No test checks
    how long one stays."""
    from textual.app import App

    notify = App.notify

    def notify_for_the_test(self: App[Any], message: str, *, title: str = "", severity: Any = "information",
                            timeout: float | None = None, markup: bool = True) -> None:
        notify(self, message, title=title, severity=severity, timeout=3600, markup=markup)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(App, "notify", notify_for_the_test)
        yield


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


# -- databases --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = open_database(path)
    mark_demo(database)
    database.dispose()
    return path


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own per test worker on the server of KLACHTDESK_TEST_DATABASE_URL."""
    if not PG_URL:
        pytest.skip("PostgreSQL niet ingesteld (KLACHTDESK_TEST_DATABASE_URL)")
    base = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{_worker()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    open_database(url).dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def demo_database(path: str | os.PathLike[str]) -> Path:
    """A new, migrated SQLite file marked as a demo database, for tests that then run
    commands on it as various users; its path."""
    database = open_database(path)
    mark_demo(database)
    database.dispose()
    return Path(path)


def truncate_postgres(database: Database) -> None:
    """Empty every table but alembic_version and start every sequence again at 1.

    TRUNCATE gives each table and index a new file: emptying all thirty tables that way was
    the largest part of a PostgreSQL test's set-up. A test leaves rows in a few tables, so
    only those are emptied, with DELETE and with triggers and foreign-key checks off for
    this one transaction (``session_replication_role``; the test server's user is a
    superuser), as TRUNCATE fires no row triggers either. The sequences of all tables are
    reset in one statement."""
    with database.engine.begin() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        ).scalars().all()
        probe = " UNION ALL ".join(f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in tables)
        filled = connection.execute(text(probe)).scalars().all()
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in filled:
            connection.execute(text(f'DELETE FROM "{table}"'))
        connection.execute(text(
            "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'"
        ))


def search_text_of(session: Any, complaint_id: int | None) -> str:
    """A case's search text as stored (``complaint_search``; '' when it has no row)."""
    return str(session.execute(text("SELECT search_text FROM complaint_search WHERE complaint_id = :id"),
                               {"id": complaint_id}).scalar() or "")


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A fresh, migrated, empty database: SQLite always, PostgreSQL when configured."""
    if request.param == "sqlite":
        path = tmp_path / "klachtdesk.db"
        shutil.copy(sqlite_template, path)
        database = open_database(path)
    else:
        url = request.getfixturevalue("postgres_url")
        database = open_database(url)
        truncate_postgres(database)
        mark_demo(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """SQLite only (UI tests and engine-specific tests)."""
    path = tmp_path / "klachtdesk.db"
    shutil.copy(sqlite_template, path)
    database = open_database(path)
    yield database
    database.dispose()


# -- contexts and users -------------------------------------------------------------------


def make_context(database: Database, clock: FixedClock) -> Context:
    """A context signed in as 'tester', who has every role a person can have (so any action
    of the desk is allowed)."""
    context = Context(db=database, clock=clock)
    with database.write() as session:
        staff.create_staff(session, context, "tester", "Tess Tester", set(PERSON_ROLES))
    context.user = staff.sign_in(context, "tester")
    return context


@pytest.fixture
def context(database: Database, clock: FixedClock) -> Context:
    return make_context(database, clock)


@pytest.fixture
def sqlite_context(sqlite_database: Database, clock: FixedClock) -> Context:
    return make_context(sqlite_database, clock)


@pytest.fixture
def as_user(context: Context) -> Callable[..., Context]:
    """``as_user("jan", StaffRole.HANDLER)``: the same database and clock, another user."""

    def switch(username: str, *roles: StaffRole, name: str | None = None) -> Context:
        with context.db.write() as session:
            from sqlmodel import select

            from klachtdesk.models import Staff

            if session.exec(select(Staff).where(Staff.username == username)).first() is None:
                staff.create_staff(session, context, username, name or username.capitalize(), set(roles))
        other = Context(db=context.db, clock=context.clock, settings=context.settings)
        other.user = staff.sign_in(other, username)
        return other

    return switch


__all__ = ["FIXED_NOW", "CurrentUser", "demo_database", "make_context", "truncate_postgres"]
