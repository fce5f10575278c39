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
