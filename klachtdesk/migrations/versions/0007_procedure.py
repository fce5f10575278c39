"""the procedure as a desk lives it: deadlines that count from a reopening, a klager's
postal address, letters ready to post

Revision ID: 0007_procedure
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_procedure"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (a batch copy on SQLite would drop the full-text triggers)
    op.add_column("deadline", sa.Column("counts_from", sa.DateTime(), nullable=True))
    op.add_column("person", sa.Column("address", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("person", "address")  # SQLite 3.35+ drops a column in place
    op.drop_column("deadline", "counts_from")
