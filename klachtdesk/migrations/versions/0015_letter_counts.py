"""whether a message counts for the deadlines it could meet, kept with the message

Revision ID: 0015_letter_counts
Revises: 0014_saved_view
Create Date: 2026-12-03

``message.meets_deadlines``: false for an automatic ontvangstbevestiging that the
organisation does not count as its reply (``[ontvangstbevestiging] telt_als_reactie``).
An e-mail meets its deadlines when it is sent; a printed letter only when it is marked
posted, later, by someone else — so the decision made when the message was made is kept
with it, and ``posting.mark_posted`` honours it. Every earlier message counted: true.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_letter_counts"
down_revision = "0014_saved_view"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (a batch copy on SQLite would drop the full-text triggers)
    op.add_column("message", sa.Column("meets_deadlines", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    op.drop_column("message", "meets_deadlines")
