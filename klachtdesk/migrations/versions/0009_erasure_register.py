"""the erasure register (vergeetregister): what was erased, without the personal data

Revision ID: 0009_erasure_register
Revises: 0005
Create Date: 2026-12-02

One row per person or case anonymised (on request or at the end of the retention
period), with keyed hashes instead of names. ``klachtdesk herstel`` carries the rows
of the database it replaces into the restored one and applies them again.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_erasure_register"
down_revision = "0006_organisation_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("complaint_number", sa.String(length=20), nullable=True),
        sa.Column("fingerprints", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("erasure_register")
