"""saved views of the inbox (per person), and an index for the category filter

Revision ID: 0014_saved_view
Revises: 0013_case_link
Create Date: 2026-12-03

``saved_view``: a person's named inbox filters, one row per (owner, name); on
PostgreSQL each login sees only its own rows (row-level security, ``database_roles``).
``ix_complaint_category_received``: the inbox filtered on a category pages along it,
newest first, as it does for status, kind, channel and behandelaar.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_saved_view"
down_revision = "0013_case_link"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "name", name="uq_saved_view_owner_name"),
    )
    op.create_index("ix_complaint_category_received", "complaint", ["category", "received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_category_received", table_name="complaint")
    op.drop_table("saved_view")
