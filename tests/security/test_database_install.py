"""``klachtdesk beheer installeren``: the DBA, as the owner, sets a new PostgreSQL database
up and makes the first beheerder, who then connects with their own login."""

from __future__ import annotations

import getpass

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from klachtdesk.cli import main
from tests.security.database_logins import RoleDatabase, _worker, role_database

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

SECRET = "beheerder wachtwoord 2026"


def test_beheer_installeren_sets_up_a_new_database_and_its_first_beheerder(
        role_database: RoleDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    owner = make_url(role_database.owner_url)
    name = f"{role_database.name}_nieuw"
    admin = create_engine(owner, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    login = f"b.beheer-{_worker()}"
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": SECRET)
    url = owner.set(database=name).render_as_string(hide_password=False)
    try:
        assert main(["beheer", "installeren", "--db", url, "--beheerder", login, "--naam", "Bea Beheer"]) == 0
        assert "klachtdesk_beheerder" in capsys.readouterr().out
        with psycopg.connect(host=role_database.host, port=role_database.port, dbname=name, user=login,
                             password=SECRET) as connection:
            assert connection.execute("SELECT count(*) > 0 FROM organisation_setting").fetchone() == (True,)
            assert connection.execute("SELECT pg_has_role(session_user, 'klachtdesk_beheerder', 'MEMBER')"
                                      ).fetchone() == (True,)
        # a staff login cannot install (it is not the owner)
        staff_url = make_url(role_database.login_url(login)).set(database=name, password=SECRET)
        assert main(["beheer", "installeren", "--db", staff_url.render_as_string(hide_password=False)]) != 0
        assert "eigenaar" in capsys.readouterr().err
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
