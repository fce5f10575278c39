"""The migrations build exactly the schema the models describe (on both engines)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from klachtdesk.models import metadata


def test_migrations_match_the_models(database) -> None:  # type: ignore[no-untyped-def]
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    # the full-text index (FTS5 tables on SQLite, a GIN expression index on PostgreSQL)
    # is created by the migration on purpose and has no model
    relevant = [
        d for d in differences
        if not (d[0] == "remove_table" and d[1].name.startswith("complaint_fts"))
        and not (d[0] == "remove_index" and d[1].name == "ix_complaint_search")
    ]
    assert relevant == []
