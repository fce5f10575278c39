"""related cases: the case_link table

Revision ID: 0013_case_link
Revises: 0012_postal_address
Create Date: 2026-12-03

Two cases linked as related (the same klager's klacht and factuurvraag, or any two):
one row per pair, the lower case id first. On PostgreSQL the grants follow from
``services/core/access.py`` (made again after every migration).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_case_link"
down_revision = "0012_postal_address"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.ForeignKeyConstraint(["other_id"], ["complaint.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("complaint_id", "other_id", name="uq_case_link"),
        sa.CheckConstraint("complaint_id < other_id", name="ck_case_link_order"),
    )
    op.create_index("ix_case_link_other", "case_link", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_case_link_other", table_name="case_link")
    op.drop_table("case_link")
