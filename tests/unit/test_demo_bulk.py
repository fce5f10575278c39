"""A bulk load of demo data (``klachtdesk.demo``) gives a database that cannot be told
apart from one whose rows went in one by one, through every index, trigger and check:
the same rows, the same search results, the same next klachtnummer and ids, and on
PostgreSQL the same indexes, constraints and triggers afterwards. And the same seed gives
the same rows on SQLite and PostgreSQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from klachtdesk.db import Database, open_database
from klachtdesk.demo import generator as demo
from klachtdesk.demo.loaders import ID_TABLES
from klachtdesk.models import metadata
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity.login import mark_demo
from klachtdesk.services.lists import search
from tests.conftest import make_context, truncate_postgres

#: every table the generator writes, and the numbering it advances
TABLES = (*ID_TABLES, "measure_complaint", "number_sequence", "staff", "staff_role")


def everything(context: Context) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the generator writes, every column, read through the
    models' column types (so both engines give the same Python values)."""
    result = {}
    with context.db.read() as session:
        for name in TABLES:
            table = metadata.tables[name]
            order = list(table.primary_key.columns) or list(table.columns)
            result[name] = [tuple(row) for row in session.execute(select(table).order_by(*order)).all()]
    return result


def searches(context: Context) -> dict[str, list[str]]:
    """What the search finds for a surname, a phone number as a caller says it, a word and a
    piece of a word (the word index and the trigram index)."""
    with context.db.read() as session:
        surname = session.execute(text("SELECT name FROM person WHERE id = (SELECT min(complainant_id) "
                                       "FROM complaint)")).scalar_one().split()[-1]
        phone = session.execute(text("SELECT phone FROM person WHERE phone LIKE '+316%' ORDER BY id LIMIT 1")
                                ).scalar_one()
    queries = [surname, "0" + phone[3:], "factuur", "riendeli"]
    return {query: [row.number for row in search.search_page(context, query)] for query in queries}


def after_a_registration(context: Context) -> tuple[Any, ...]:
    """A case registered after the load: its number and id, whether the search finds it, and
    the ids the next rows got (the sequences continue after the loaded rows)."""
    registered = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Zeldzame Naamgenoot", email="zeldzaam@example.com"),
        service_type=context.settings.lists.service_types[0], description="Na het laden."))
    found = [row.id for row in search.search_page(context, "Zeldzame")]
    with context.db.read() as session:
        ids = tuple(session.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()
                    for table in ("person", "party", "event", "deadline"))
    return registered.number, registered.id, found == [registered.id], ids


def load(context: Context, monkeypatch: pytest.MonkeyPatch, *, bulk: bool) -> dict[str, Any]:
    """Two loads (the second onto the first: a bulk load into a database that holds cases)."""
    monkeypatch.setattr(demo, "BULK_MIN", 10**9)
    demo.generate(context, 40, seed=5)
    monkeypatch.setattr(demo, "BULK_MIN", 0 if bulk else 10**9)
    demo.generate(context, 160, seed=6)
    result: dict[str, Any] = {"rows": everything(context), "search": searches(context)}
    result["registered"] = after_a_registration(context)
    return result


@pytest.fixture
def fresh(database: Database, tmp_path: Path, sqlite_template: Path) -> Iterator[Callable[[Context], Context]]:
    """Another new database of the same engine (on PostgreSQL: the same one, emptied)."""
    opened: list[Database] = []

    def make(context: Context) -> Context:
        if context.db.dialect == "sqlite":
            path = tmp_path / f"again-{len(opened)}.db"
            shutil.copy(sqlite_template, path)
            again = open_database(path)
            opened.append(again)
        else:
            again = context.db
            truncate_postgres(again)
            mark_demo(again)
        return make_context(again, context.clock)  # type: ignore[arg-type]

    yield make
    for again in opened:
        again.dispose()


def test_a_bulk_load_cannot_be_told_from_one_row_by_row(context: Context, fresh: Callable[[Context], Context],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    one_by_one = load(context, monkeypatch, bulk=False)
    bulk = load(fresh(context), monkeypatch, bulk=True)
    for table, rows in one_by_one["rows"].items():
        assert bulk["rows"][table] == rows, table
    assert all(one_by_one["search"].values())  # each query finds something
    assert bulk["search"] == one_by_one["search"]
    assert bulk["registered"] == one_by_one["registered"]
    assert bulk["registered"][2]  # the new case is found by its klager's name


def test_the_same_seed_gives_the_same_rows_on_both_engines(context: Context, tmp_path: Path,
                                                            sqlite_template: Path) -> None:
    """On PostgreSQL, against SQLite; on SQLite, against a second SQLite database."""
    demo.generate(context, 150, seed=7)
    path = tmp_path / "sqlite.db"
    shutil.copy(sqlite_template, path)
    database = open_database(path)
    try:
        again = make_context(database, context.clock)  # type: ignore[arg-type]
        demo.generate(again, 150, seed=7)
        first, second = everything(context), everything(again)
        for table in TABLES:
            assert first[table] == second[table], table
        assert searches(context) == searches(again)
    finally:
        database.dispose()


# -- PostgreSQL: what a bulk load sets aside comes back ----------------------------------------------


def pg_schema(context: Context) -> list[tuple[Any, ...]]:
    with context.db.read() as session:
        return [tuple(row) for row in session.execute(text(
            "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT 'constraint', conrelid::regclass || '.' || conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'trigger', tgrelid::regclass || '.' || tgname, tgenabled::text FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1, 2")).all()]


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_bulk_load_restores_indexes_constraints_and_triggers(context: Context,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from klachtdesk.demo import pg_bulk

    demo.generate(context, 20, seed=3)
    before = pg_schema(context)
    assert any(kind == "constraint" and "FOREIGN KEY" in sql for kind, _, sql in before)
    assert any(kind == "trigger" and "klachtdesk_eigen_zaak_party" in name for kind, name, _ in before)
    taken: list[pg_bulk.SetAside] = []
    original = pg_bulk.SetAside.take.__func__  # type: ignore[attr-defined]

    def take(cls: type[pg_bulk.SetAside], session: Any, tables: Any) -> pg_bulk.SetAside:
        aside = original(cls, session, tables)
        taken.append(aside)
        return aside

    monkeypatch.setattr(pg_bulk.SetAside, "take", classmethod(take))
    monkeypatch.setattr(demo, "BULK_MIN", 0)
    demo.generate(context, 60, seed=4)
    assert taken and taken[0].indexes and taken[0].foreign_keys and taken[0].triggers  # it did set them aside
    assert pg_schema(context) == before


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_scope_trigger_stays_for_a_login_it_checks(context: Context) -> None:
    """A bulk load sets a scope trigger aside only where it would pass every row of this
    login: for a behandelaar it checks who adds people to a case, so that one stays."""
    from klachtdesk.demo.pg_bulk import skippable_triggers

    from sqlmodel import Session

    tables = ("person", "complaint", "party", "deadline")
    names = {"behandelaar": "klachtdesk_test_demo_behandelaar", "klachtenmanager": "klachtdesk_test_demo_manager"}
    engine = context.db.engine
    skipped = {}
    try:
        with engine.begin() as connection:
            for group, login in names.items():
                connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
                connection.execute(text(f'CREATE ROLE "{login}" LOGIN IN ROLE "klachtdesk_{group}"'))
        for group, login in names.items():
            with engine.connect() as connection:
                connection.execute(text(f'SET SESSION AUTHORIZATION "{login}"'))
                with Session(bind=connection) as session:
                    skipped[group] = {table for table, _ in skippable_triggers(session, tables)}
                connection.rollback()  # the session authorization ends with the connection's transaction
                connection.execute(text("RESET SESSION AUTHORIZATION"))
                connection.commit()
        with context.db.write() as session:  # the test's own login: a superuser, member of every group
            skipped["superuser"] = {table for table, _ in skippable_triggers(session, tables)}
    finally:
        with engine.begin() as connection:
            for login in names.values():
                connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    assert skipped["behandelaar"] == {"person", "complaint", "deadline"}
    assert skipped["klachtenmanager"] == set(tables) == skipped["superuser"]


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_failed_bulk_load_leaves_the_schema_and_the_rows_as_they_were(context: Context,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    demo.generate(context, 20, seed=3)
    before, rows = pg_schema(context), everything(context)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("halverwege")

    monkeypatch.setattr(demo, "BULK_MIN", 0)
    monkeypatch.setattr(demo, "write_all", broken)
    with pytest.raises(RuntimeError):
        demo.generate(context, 60, seed=4)
    assert pg_schema(context) == before
    assert everything(context) == rows
