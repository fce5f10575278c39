"""The migrations build exactly the schema the models describe (on both engines)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from klachtdesk.models import metadata


def test_migrations_match_the_models(database) -> None:  # type: ignore[no-untyped-def]
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    # the full-text indexes (FTS5 tables on SQLite, GIN indexes on PostgreSQL: words and
    # trigrams) are created by the migrations on purpose and have no model
    relevant = [
        d for d in differences
        if not (d[0] == "remove_table" and d[1].name.startswith(("complaint_fts", "complaint_trigram")))
        and not (d[0] == "remove_index" and d[1].name in ("ix_complaint_search", "ix_complaint_search_trigram"))
    ]
    assert relevant == []


def test_the_search_table_migration_moves_the_texts_and_its_downgrade_moves_them_back(database, clock) -> None:  # type: ignore[no-untyped-def]
    """0016_search_table: ``complaint.search_text`` to ``complaint_search`` (and the full-text
    indexes with it) and back, with the texts of the cases there are."""
    from alembic import command
    from sqlalchemy import inspect, text

    from klachtdesk.services.cases import complaints
    from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
    from klachtdesk.services.lists import search
    from tests.conftest import make_context

    context = make_context(database, clock)
    case = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan Zwartkruis", phone="06-12345678"),
        service_type=context.settings.lists.service_types[0], description="De thuiszorgmedewerker kwam niet."))
    with database.read() as session:
        stored = session.execute(text("SELECT search_text FROM complaint_search")).scalar_one()
    assert "zwartkruis" in stored

    def migrate(step, revision: str) -> None:  # type: ignore[no-untyped-def]
        config = database._alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
        database.engine.dispose()

    migrate(command.downgrade, "0015_letter_counts")
    try:
        with database.engine.connect() as connection:
            assert "complaint_search" not in inspect(connection).get_table_names()
            assert connection.execute(text("SELECT search_text FROM complaint WHERE id = :id"),
                                      {"id": case.id}).scalar_one() == stored
            if database.dialect == "sqlite":  # the old FTS5 tables over complaint, rebuilt
                assert connection.execute(text("SELECT rowid FROM complaint_fts WHERE complaint_fts MATCH 'zwartkruis'")
                                          ).scalars().all() == [case.id]
                assert connection.execute(text("SELECT rowid FROM complaint_trigram WHERE complaint_trigram "
                                                "MATCH 'medewerker'")).scalars().all() == [case.id]
            else:
                indexes = {i["name"] for i in inspect(connection).get_indexes("complaint")}
                assert {"ix_complaint_search", "ix_complaint_search_trigram"} <= indexes
    finally:
        migrate(command.upgrade, "head")
    with database.engine.connect() as connection:
        assert "search_text" not in {c["name"] for c in inspect(connection).get_columns("complaint")}
        assert connection.execute(text("SELECT complaint_id, search_text FROM complaint_search")).all() == \
            [(case.id, stored)]
    # found again through both indexes: a whole word, and inside a word
    assert [r.id for r in search.search_page(context, "zwartkruis")] == [case.id]
    assert [r.id for r in search.search_page(context, "medewerker")] == [case.id]
