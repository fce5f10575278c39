"""the search text in a table of its own: complaint_search

Revision ID: 0016_search_table
Revises: 0015_letter_counts
Create Date: 2026-12-03

``complaint.search_text`` moves to ``complaint_search(complaint_id, search_text)`` (one row
per case, deleted with it), and the full-text indexes go with it:

- PostgreSQL: the GIN indexes ``ix_complaint_search`` (``to_tsvector('simple', ...)``, 0001)
  and ``ix_complaint_search_trigram`` (``gin_trgm_ops``, 0008) are on the new table. Every
  UPDATE of a complaint row (a status, a handler, the next deadline of a recompute) enters
  the row again in all of the table's indexes; the two GIN indexes made that several times
  dearer than the change itself;
- SQLite: the FTS5 tables ``complaint_fts`` and ``complaint_trigram`` become external-content
  tables over ``complaint_search`` (``content_rowid='complaint_id'``, so an FTS rowid is
  still the case's id), kept in sync by triggers on the new table.

The existing texts are moved; the downgrade moves them back.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_search_table"
down_revision = "0015_letter_counts"
branch_labels = None
depends_on = None

#: the FTS5 tables (name, options) of 0001 and 0008
_FTS = (
    ("complaint_fts", "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'"),
    ("complaint_trigram", "tokenize='trigram'"),
)


def _sqlite_fts(content: str, key: str) -> list[str]:
    """The FTS5 tables over ``content`` (rowid ``key``), their triggers, and their rebuild."""
    statements = []
    for name, options in _FTS:
        statements += [
            f"CREATE VIRTUAL TABLE {name} USING fts5(search_text, content='{content}', content_rowid='{key}', "
            f"{options})",
            f"CREATE TRIGGER {name}_ai AFTER INSERT ON {content} BEGIN "
            f"INSERT INTO {name}(rowid, search_text) VALUES (new.{key}, new.search_text); END",
            f"CREATE TRIGGER {name}_ad AFTER DELETE ON {content} BEGIN "
            f"INSERT INTO {name}({name}, rowid, search_text) VALUES ('delete', old.{key}, old.search_text); END",
            f"CREATE TRIGGER {name}_au AFTER UPDATE OF search_text ON {content} BEGIN "
            f"INSERT INTO {name}({name}, rowid, search_text) VALUES ('delete', old.{key}, old.search_text); "
            f"INSERT INTO {name}(rowid, search_text) VALUES (new.{key}, new.search_text); END",
            f"INSERT INTO {name}({name}) VALUES ('rebuild')",
        ]
    return statements


def _drop_sqlite_fts() -> None:
    for name, _options in _FTS:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {name}")


def _postgres_indexes(table: str) -> list[str]:
    return [
        f"CREATE INDEX ix_complaint_search ON {table} USING gin (to_tsvector('simple', search_text))",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX ix_complaint_search_trigram ON {table} USING gin (search_text gin_trgm_ops)",
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()  # before the column goes: the triggers name it
    op.create_table(
        "complaint_search",
        sa.Column("complaint_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("search_text", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("complaint_id"),
    )
    op.execute("INSERT INTO complaint_search (complaint_id, search_text) SELECT id, search_text FROM complaint")
    # plain ALTER TABLE (a batch copy on SQLite would drop the other tables' triggers);
    # on PostgreSQL this drops the two GIN indexes on the column too
    op.execute("ALTER TABLE complaint DROP COLUMN search_text")
    for statement in (_sqlite_fts("complaint_search", "complaint_id") if dialect == "sqlite" else
                      _postgres_indexes("complaint_search") if dialect == "postgresql" else []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _drop_sqlite_fts()
    op.add_column("complaint", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.execute("UPDATE complaint SET search_text = coalesce((SELECT s.search_text FROM complaint_search s "
               "WHERE s.complaint_id = complaint.id), '')")
    op.drop_table("complaint_search")  # with its GIN indexes (PostgreSQL): their names are free again
    for statement in (_sqlite_fts("complaint", "id") if dialect == "sqlite" else
                      _postgres_indexes("complaint") if dialect == "postgresql" else []):
        op.execute(statement)
