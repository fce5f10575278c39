"""Fixtures of the database security tests: a PostgreSQL database of their own, one login
per klachtdesk role (a member of that role's group role, with its own password), and a
few rows to try things on.

The owner is the URL of ``KLACHTDESK_TEST_DATABASE_URL`` (``scripts/pg-cluster.sh``: the
superuser ``postgres`` on the private socket); the logins connect over TCP with their
password (scram-sha-256), as staff on a workstation would. Without the URL the tests skip.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from klachtdesk.clock import FixedClock
from klachtdesk.db import Database, open_database
from klachtdesk.models import PERSON_ROLES, StaffRole
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.database_roles import group_role
from klachtdesk.services.identity import staff
from tests.conftest import FIXED_NOW, truncate_postgres

PG_URL = os.environ.get("KLACHTDESK_TEST_DATABASE_URL")
WEB_FORM_LOGIN = staff.WEB_FORM_ACCOUNT


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def login_name(role: StaffRole) -> str:
    """The test login of a role: its staff member has the same username (the convention)."""
    if role is StaffRole.WEB_FORM:
        return WEB_FORM_LOGIN
    return f"t_{_worker()}_{role.value}"


def password(login: str) -> str:
    return f"wachtwoord-{login}-2026"


@dataclass(frozen=True)
class RoleDatabase:
    owner_url: str
    name: str
    host: str
    port: int

    def login_url(self, login: str, secret: str | None = None) -> str:
        return URL.create("postgresql+psycopg", username=login, password=password(login) if secret is None else secret,
                          host=self.host, port=self.port, database=self.name).render_as_string(hide_password=False)

    def connect(self, login: str, secret: str | None = None) -> Any:
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, dbname=self.name, user=login,
                               password=password(login) if secret is None else secret, connect_timeout=10)

    def owner(self) -> Database:
        return open_database(self.owner_url)


def _tcp(base: URL) -> tuple[str, int]:
    """Where the logins connect: TCP on the cluster's address (the socket is the owner's)."""
    host = base.host or "127.0.0.1"
    if host.startswith("/"):
        host = "127.0.0.1"
    port = base.port or int(base.query.get("port", 5432))  # type: ignore[arg-type]
    return host, port


def _admin_retry(connection: Any, statement: str) -> None:
    """Role statements race between test workers (roles are the cluster's): try again."""
    for attempt in range(5):
        try:
            connection.execute(text(statement))
            return
        except Exception as error:  # noqa: BLE001
            if "already" in str(error) or attempt == 4:
                if "already" in str(error):
                    return
                raise
            time.sleep(0.2 * (attempt + 1))


def ensure_login(connection: Any, login: str, roles: set[StaffRole] | frozenset[StaffRole]) -> None:
    _admin_retry(connection, f'DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \'{login}\') '
                             f'THEN CREATE ROLE "{login}" LOGIN; END IF; END $$')
    _admin_retry(connection, f"ALTER ROLE \"{login}\" LOGIN PASSWORD '{password(login)}'")
    for role in roles:
        _admin_retry(connection, f'GRANT {group_role(role)} TO "{login}"')


@pytest.fixture(scope="session")
def role_database() -> Iterator[RoleDatabase]:
    """A migrated database of this test worker, with a login per role."""
    if not PG_URL:
        pytest.skip("PostgreSQL niet ingesteld (KLACHTDESK_TEST_DATABASE_URL)")
    base = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_rollen_{_worker()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    owner_url = base.set(database=name).render_as_string(hide_password=False)
    open_database(owner_url).dispose()  # the migration makes the group roles
    with admin.connect() as connection:
        for role in StaffRole:
            ensure_login(connection, login_name(role), {role})
    host, port = _tcp(base)
    yield RoleDatabase(owner_url, name, host, port)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed_staff(database: Database, clock: FixedClock) -> Context:
    """Empty the database and add the staff: 'tester' (every person's role, no login) and one
    member per role whose username is that role's login. Returns tester's context."""
    truncate_postgres(database)
    load_settings(database, clock.now())  # as `beheer installeren` does: the owner seeds the settings
    context = Context(db=database, clock=clock)
    with database.write() as session:
        staff.create_staff(session, context, "tester", "Tess Tester", set(PERSON_ROLES))
        for role in StaffRole:
            staff.create_staff(session, context, login_name(role), f"Test {role.value}", {role})
    context.user = staff.sign_in(context, "tester")
    return context


def as_login(role_db: RoleDatabase, role: StaffRole, clock: FixedClock) -> Context:
    """A context on a connection as the role's own login, signed in as its staff member."""
    database = open_database(role_db.login_url(login_name(role)), migrate=False)
    context = Context(db=database, clock=clock)
    context.user = staff.sign_in(context, login_name(role))
    return context


def desk_of(role_db: RoleDatabase, roles: tuple[StaffRole, ...]) -> Iterator[dict[StaffRole, Context]]:
    """For a fixture: the database emptied and its staff seeded, then a context per role as
    that role's own login (disposed afterwards)."""
    clock = FixedClock(FIXED_NOW)
    owner = role_db.owner()
    seed_staff(owner, clock)
    owner.dispose()
    contexts = {role: as_login(role_db, role, clock) for role in roles}
    yield contexts
    for context in contexts.values():
        context.db.dispose()


__all__ = ["RoleDatabase", "as_login", "desk_of", "ensure_login", "login_name", "password", "role_database", "seed_staff"]
