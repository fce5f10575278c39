"""``medewerker toevoegen``/``rollen``/``uit`` on PostgreSQL: the beheerder makes a staff
member's own login (the password turned into a SCRAM verifier on the workstation), its
group roles follow the staff member's roles, and switching the member off switches the
login off. Nobody else can make logins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.errors import DatabaseProblem, ValidationError
from klachtdesk.models import StaffRole
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import logins, staff
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, _worker, as_login, login_name, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole
SECRET = "een lang wachtwoord 2026"


@pytest.fixture
def admin(role_database: RoleDatabase) -> Iterator[Context]:
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    seed_staff(owner, clock)
    owner.dispose()
    context = as_login(role_database, R.ADMIN, clock)
    yield context
    context.db.dispose()


def _groups(connection: psycopg.Connection) -> set[str]:
    rows = connection.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'klachtdesk\\_%%' "
                              "AND pg_has_role(session_user, oid, 'MEMBER')").fetchall()
    return {row[0] for row in rows}


def test_the_beheerder_makes_a_login_whose_groups_follow_the_roles(role_database: RoleDatabase,
                                                                   admin: Context) -> None:
    name = f"k.nieuw-{_worker()}"
    staff.add_staff(admin, name, "Karin Nieuw", {R.CUSTOMER_SERVICE})
    logins.make_login(admin, name, SECRET)
    with role_database.connect(name, SECRET) as connection:
        assert _groups(connection) == {"klachtdesk_klantenservice"}
    staff.set_roles(admin, name, {R.HANDLER, R.MANAGER})
    with role_database.connect(name, SECRET) as connection:
        assert _groups(connection) == {"klachtdesk_behandelaar", "klachtdesk_klachtenmanager"}
    staff.deactivate(admin, name)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        role_database.connect(name, SECRET).close()
    staff.reactivate(admin, name)
    logins.make_login(admin, name, "een ander wachtwoord!")
    with pytest.raises(psycopg.OperationalError, match="password"):
        role_database.connect(name, SECRET).close()
    role_database.connect(name, "een ander wachtwoord!").close()


def test_only_the_beheerder_makes_logins(role_database: RoleDatabase, admin: Context) -> None:
    with role_database.connect(login_name(R.CUSTOMER_SERVICE)) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("SELECT klachtdesk_login_maken(%s, NULL)", (login_name(R.CUSTOMER_SERVICE),))
    with pytest.raises(ValidationError, match="databaselogin"):
        logins.make_login(admin, "klachtdesk_beheerder", SECRET)
    with pytest.raises(ValidationError, match="minstens"):
        logins.make_login(admin, login_name(R.CUSTOMER_SERVICE), "kort")
    with pytest.raises(DatabaseProblem, match="geen medewerker"):
        logins.make_login(admin, "postgres", SECRET)


def test_a_beheerder_without_owner_rights_gets_a_clear_message_not_a_partial_dump(
        role_database: RoleDatabase, admin: Context, tmp_path: Path) -> None:
    from klachtdesk.errors import PermissionDenied
    from klachtdesk.services import backup

    target = tmp_path / "backup.dump"
    with pytest.raises(PermissionDenied, match="eigenaar van de database"):
        backup.make_backup(admin, target)
    assert not target.exists()
    with pytest.raises(PermissionDenied, match="eigenaar van de database"):
        backup.restore(admin.db, target, context=admin)


def test_a_staff_login_does_not_migrate_the_database(role_database: RoleDatabase, admin: Context) -> None:
    from klachtdesk.db import SchemaState

    assert not admin.db.is_owner()
    admin.db.schema_state = lambda: SchemaState(current="0001", head="0011_database_roles")  # type: ignore[method-assign]
    with pytest.raises(DatabaseProblem, match="eigenaar van de database"):
        admin.db.migrate()


def test_medewerker_toevoegen_asks_the_password_without_echo_and_makes_the_login(
        role_database: RoleDatabase, admin: Context, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import getpass

    from klachtdesk.cli import main

    asked: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or SECRET)
    name = f"d.nieuw-{_worker()}"
    url = role_database.login_url(login_name(R.ADMIN))
    assert main(["medewerker", "toevoegen", name, "--naam", "Dirk Nieuw", "--rol", "directie",
                 "--db", url, "--gebruiker", login_name(R.ADMIN)]) == 0
    assert len(asked) == 2 and "Databaselogin" in capsys.readouterr().out
    with role_database.connect(name, SECRET) as connection:
        assert _groups(connection) == {"klachtdesk_directie"}
    assert main(["medewerker", "uit", name, "--db", url, "--gebruiker", login_name(R.ADMIN)]) == 0
    assert "NOLOGIN" in capsys.readouterr().out
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        role_database.connect(name, SECRET).close()
