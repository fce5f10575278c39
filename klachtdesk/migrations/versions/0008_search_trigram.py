"""search inside words: a trigram index beside the word index

Revision ID: 0008_search_trigram
Revises: 0011_database_roles
Create Date: 2026-12-02

Dutch compounds need substring search: ``vriendelijk`` must find ``onvriendelijk``,
``medewerker`` ``thuiszorgmedewerker``. Beside the word index (``complaint_fts`` on
SQLite, ``ix_complaint_search`` on PostgreSQL) comes a trigram index over the same
``complaint.search_text``:

- SQLite: the FTS5 table ``complaint_trigram`` (``tokenize='trigram'``), an external-content
  index kept in sync by triggers like ``complaint_fts``;
- PostgreSQL: the ``pg_trgm`` extension (a trusted extension: the database owner that
  runs the migrations may create it) and a GIN index ``search_text gin_trgm_ops``.
"""
from __future__ import annotations

from alembic import op

revision = "0008_search_trigram"
down_revision = "0011_database_roles"
branch_labels = None
depends_on = None

SQLITE_TRIGRAM = [
    "CREATE VIRTUAL TABLE complaint_trigram USING fts5(search_text, content='complaint', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER complaint_trigram_ai AFTER INSERT ON complaint BEGIN "
    "INSERT INTO complaint_trigram(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER complaint_trigram_ad AFTER DELETE ON complaint BEGIN "
    "INSERT INTO complaint_trigram(complaint_trigram, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "END",
    "CREATE TRIGGER complaint_trigram_au AFTER UPDATE OF search_text ON complaint BEGIN "
    "INSERT INTO complaint_trigram(complaint_trigram, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO complaint_trigram(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO complaint_trigram(complaint_trigram) VALUES ('rebuild')",
]
POSTGRES_TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_complaint_search_trigram ON complaint USING gin (search_text gin_trgm_ops)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGRAM if dialect == "sqlite" else POSTGRES_TRIGRAM if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("complaint_trigram_ai", "complaint_trigram_ad", "complaint_trigram_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS complaint_trigram")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaint_search_trigram")  # pg_trgm stays: others may use it
