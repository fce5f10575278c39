"""the procedure as a desk lives it: deadlines that count from a reopening

Revision ID: 0007_procedure
Revises: 0009_erasure_register (before 0011, whose generated grants read the models' columns)
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_procedure"
down_revision = "0009_erasure_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (a batch copy on SQLite would drop the full-text triggers)
    op.add_column("deadline", sa.Column("counts_from", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("deadline", "counts_from")
