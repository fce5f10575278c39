"""``klachtdesk zoek KL-…`` read with the driver (``services.startup.find_case``) is the command
the services give (``complaints.get_case``): the same printed case, on stdout and stderr,
the same exit code, and the same history lines (the lines waiting in the read log first,
then "Zaak ingezien door …", column by column as stored), for every role (directie: no
people, no personal texts, no line); and wherever it is not the plain case the plain way
steps aside (None) and the usual way gives today's answer. Both engines; on PostgreSQL also
as each role's own login (grants, row-level security, directie's overview)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import text

import klachtdesk.cli as cli
from klachtdesk import demo
from klachtdesk.clock import FixedClock, SystemClock
from klachtdesk.db import Database
from klachtdesk.errors import DatabaseProblem, KlachtdeskError, NotFound
from klachtdesk.models import PERSON_ROLES, StaffRole
from klachtdesk.services import startup
from klachtdesk.services.cases import complaints, read_log
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.privacy.pending import PENDING_SETTING
from tests.security.database_logins import RoleDatabase, as_login, login_name, role_database, seed_staff

__all__ = ["role_database"]

#: the plain way itself (the ``zoek`` fixture replaces ``startup.find_case`` by a spy)
find_case = startup.find_case

#: the columns of a history line, as stored (raw: SQLite's text of a moment included)
LINE_SQL = ("SELECT complaint_id, at, actor_id, type, summary, body, data, confidential FROM event "
            "WHERE id > :after ORDER BY id")


@dataclass(frozen=True)
class Run:
    """One ``klachtdesk zoek`` run: its exit code, what it printed, the lines it wrote, and
    whether the plain way found the case (``find_case`` did not step aside)."""

    code: int
    out: str
    err: str
    lines: list[tuple]
    plain: bool


@pytest.fixture
def zoek(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clock: FixedClock
         ) -> Iterator[Callable[..., Run]]:
    """``zoek(db, url, number, user, plain=True)``: run the command in-process through the real
    ``main`` at the tests' fixed moment; ``plain=False``: the plain way is not tried."""
    monkeypatch.setattr(cli, "COMMANDS", ("klachtdesk.cli.zoek",))
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())  # both ways take the system's clock

    def run(db: Database, url: str, number: str, user: str | None, *, plain: bool = True) -> Run:
        found: list[object] = []

        def spy(*args: object, **kwargs: object) -> object:
            result = find_case(*args, **kwargs) if plain else None  # type: ignore[arg-type]
            found.append(result)
            return result

        monkeypatch.setattr(startup, "find_case", spy)
        after = _last_event(db)
        argv = ["zoek", number, "--db", url, *(["--gebruiker", user] if user else [])]
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = int(stop.code or 0)
        captured = capsys.readouterr()
        with db.read() as session:
            lines = [tuple(row) for row in session.execute(text(LINE_SQL), {"after": after}).all()]
        return Run(code, captured.out, captured.err, lines, bool(found and found[0] is not None))

    yield run


def _last_event(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(text("SELECT coalesce(max(id), 0) FROM event")).scalar_one())


@pytest.fixture
def filled(context: Context) -> Context:
    """A demo desk of 60 cases (every status, deadlines, handlers, people with addresses), its
    settings stored (as ``open_context`` does on a new database)."""
    load_settings(context.db, context.now())
    demo.generate(context, 60, seed=11)
    return context


def sample_numbers(db: Database) -> list[str]:
    """A few different cases: the most people, an address, a closed one, one to review, one
    with a deadline met or extended, and the newest."""
    queries = [
        "SELECT c.number FROM complaint c JOIN party p ON p.complaint_id = c.id GROUP BY c.number "
        "ORDER BY count(*) DESC, c.number LIMIT 1",
        "SELECT c.number FROM complaint c JOIN person p ON p.id = c.complainant_id WHERE p.street IS NOT NULL "
        "ORDER BY c.number LIMIT 1",
        "SELECT number FROM complaint WHERE closed_at IS NOT NULL ORDER BY number LIMIT 1",
        "SELECT number FROM complaint WHERE review_pending ORDER BY number LIMIT 1",
        "SELECT c.number FROM complaint c JOIN deadline d ON d.complaint_id = c.id "
        "WHERE d.met_at IS NOT NULL OR d.extended_at IS NOT NULL ORDER BY c.number LIMIT 1",
        "SELECT number FROM complaint ORDER BY received_at DESC, id DESC LIMIT 1",
    ]
    found: list[str] = []
    with db.read() as session:
        for query in queries:
            number = session.execute(text(query)).scalar()
            if number is not None and number not in found:
                found.append(number)
    assert found
    return found


def assert_same(plain: Run, usual: Run, *, recorded: bool) -> None:
    assert plain.plain and not usual.plain
    assert (plain.code, plain.out, plain.err) == (usual.code, usual.out, usual.err)
    assert plain.lines == usual.lines
    assert len(plain.lines) == (1 if recorded else 0), plain.lines


@pytest.mark.parametrize("role", sorted(PERSON_ROLES, key=str))
def test_zoek_prints_and_records_as_the_services_for_every_role(filled: Context, as_user: Callable[..., Context],
                                                               zoek: Callable[..., Run], role: StaffRole) -> None:
    username = f"zoek_{role.name.lower()}"
    other = as_user(username, role)
    url = filled.db.url
    numbers = sample_numbers(filled.db)
    assert len(numbers) >= 3, numbers
    for number in numbers:
        plain = zoek(filled.db, url, number, username)
        usual = zoek(filled.db, url, number, username, plain=False)
        if not other.user.may(Permission.READ_STATUS):
            assert not plain.plain and plain.code == usual.code != 0 and plain.err == usual.err
            assert plain.lines == usual.lines == []
            continue
        assert_same(plain, usual, recorded=other.user.may(Permission.READ_PERSONAL_DATA))
        assert number in plain.out
        # and the case itself, field by field, is the service's (but for the history, not read)
        found = find_case(url, number, user=username, clock=filled.clock)
        assert found is not None
        served = complaints.get_case(other, complaints.id_for_number(other, number), record_view=False)
        assert found.case == replace(served, timeline=[])
        assert found.demo is True
        if role is StaffRole.MANAGEMENT:
            assert found.case.parties == [] and found.case.description is None


def test_the_lines_waiting_in_the_read_log_are_written_first(filled: Context, as_user: Callable[..., Context],
                                                            zoek: Callable[..., Run]) -> None:
    other = as_user("zoek_wachtrij", StaffRole.MANAGER)
    first, second = sample_numbers(filled.db)[:2]
    waiting_case = complaints.id_for_number(other, first)
    runs = []
    for plain in (True, False):
        read_log.postpone(other, waiting_case, DatabaseProblem("de schijf is vol."))
        assert read_log.waiting()[0]
        runs.append(zoek(filled.db, filled.db.url, second, "zoek_wachtrij", plain=plain))
        assert read_log.waiting() == ([], 0)  # written: the queue is empty again
    plain, usual = runs
    assert plain.plain and (plain.out, plain.err) == (usual.out, usual.err)
    assert plain.lines == usual.lines and len(plain.lines) == 2
    assert plain.lines[0][0] == waiting_case and "ingezien" in plain.lines[0][4].lower()


def test_a_case_that_does_not_exist_and_a_wrong_number_take_the_usual_way(filled: Context,
                                                                          zoek: Callable[..., Run]) -> None:
    assert find_case(filled.db.url, "KL-2099-000999", user="tester", clock=filled.clock) is None
    with pytest.raises(NotFound):
        complaints.id_for_number(filled, "KL-2099-000999")
    run = zoek(filled.db, filled.db.url, "KL-2099-000999", "tester")
    assert run.code == 1 and "KL-2099-000999 bestaat niet" in run.err and run.lines == []
    run = zoek(filled.db, filled.db.url, "2026-0", "tester")
    assert run.code == 2 and "klachtnummer" in run.err and not run.plain


def _expect_the_usual_way(context: Context, number: str, user: str = "tester") -> None:
    assert find_case(context.db.url, number, user=user, clock=context.clock) is None


def test_what_is_not_the_plain_case_is_left_to_the_usual_way(filled: Context) -> None:
    number = sample_numbers(filled.db)[0]
    assert find_case(filled.db.url, number, user="tester", clock=filled.clock) is not None
    _expect_the_usual_way(filled, number, "niemand")  # an unknown user: "geen medewerker"
    with filled.db.write() as session:
        session.execute(text("INSERT INTO setting (key, value, updated_at) VALUES (:k, 'ja', :at)"),
                        {"k": PENDING_SETTING, "at": filled.now().replace(tzinfo=None)})
    _expect_the_usual_way(filled, number)  # a restored backup: the register first
    with filled.db.write() as session:
        session.execute(text("DELETE FROM setting WHERE key = :k"), {"k": PENDING_SETTING})
        head = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        session.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    try:
        _expect_the_usual_way(filled, number)  # a schema of another version
    finally:  # the PostgreSQL database is the next test's too
        with filled.db.write() as session:
            session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def test_a_sqlite_file_that_is_not_private_or_locked_is_left_to_the_usual_way(sqlite_context: Context) -> None:
    import sqlite3

    load_settings(sqlite_context.db, sqlite_context.now())
    demo.generate(sqlite_context, 3, seed=3)
    number = sample_numbers_small(sqlite_context.db)
    path = sqlite_context.db.path
    assert path is not None
    assert find_case(path, number, user="tester", clock=sqlite_context.clock) is not None
    path.chmod(0o644)  # the usual way makes it private first
    _expect_the_usual_way(sqlite_context, number)
    path.chmod(0o600)
    holder = sqlite3.connect(path, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # another program writes: the usual way waits, and says so
    try:
        _expect_the_usual_way(sqlite_context, number)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def sample_numbers_small(db: Database) -> str:
    with db.read() as session:
        return str(session.execute(text("SELECT number FROM complaint ORDER BY id LIMIT 1")).scalar_one())


# -- PostgreSQL, as each role's own login ----------------------------------------------------


@pytest.mark.postgres
def test_each_logins_zoek_is_its_services_zoek(role_database: RoleDatabase, zoek: Callable[..., Run],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KLACHTDESK_GEBRUIKER")  # the login is who the server says
    from tests.conftest import FIXED_NOW
    from tests.security.test_first_page import demo_cases

    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    try:
        tester = seed_staff(owner, clock)
        demo_cases(tester)
        numbers = sample_numbers(owner)[:3]
        for role in sorted(PERSON_ROLES, key=str):
            context = as_login(role_database, role, clock)
            url = role_database.login_url(login_name(role))
            try:
                for number in numbers:
                    plain = zoek(owner, url, number, None)
                    usual = zoek(owner, url, number, None, plain=False)
                    if not context.user.may(Permission.READ_STATUS):
                        assert not plain.plain and (plain.code, plain.err) == (usual.code, usual.err), role
                        assert plain.lines == usual.lines == [], role
                        continue
                    assert_same(plain, usual, recorded=context.user.may(Permission.READ_PERSONAL_DATA))
                    assert plain.lines == [] or plain.lines[0][6] is None  # as oneself: no "werkelijke gebruiker"
                    found = find_case(url, number, user=None, clock=clock)
                    assert found is not None and found.demo is False, role
                    served = complaints.get_case(context, complaints.id_for_number(context, number), record_view=False)
                    assert found.case == replace(served, timeline=[]), role
            finally:
                context.db.dispose()
    finally:
        owner.dispose()


def test_a_role_that_may_not_see_cases_gets_the_services_refusal(filled: Context, as_user: Callable[..., Context],
                                                                  zoek: Callable[..., Run]) -> None:
    """Every person's role may see cases (``READ_STATUS``); a member with none of them (the web
    form's role only) gets today's refusal by the usual way, and nothing is written."""
    other = as_user("zoek_formulier", StaffRole.WEB_FORM)
    assert not other.user.may(Permission.READ_STATUS)
    number = sample_numbers(filled.db)[0]
    assert find_case(filled.db.url, number, user="zoek_formulier", clock=filled.clock) is None
    with pytest.raises(KlachtdeskError):
        complaints.get_case(other, complaints.id_for_number(other, number))
    run = zoek(filled.db, filled.db.url, number, "zoek_formulier")
    assert not run.plain and run.code != 0 and "mag niet" in run.err and run.out == "" and run.lines == []
