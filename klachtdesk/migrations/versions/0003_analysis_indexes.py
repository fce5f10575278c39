"""indexes for the analysis: deadlines by due date, closed cases by receipt day and category

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

The deadline-compliance figures select every deadline due in a period (met or not),
which the partial index on open deadlines cannot serve; the handling-time figures
group closed cases by (receipt day, closing moment, category), which a covering
index answers without touching the table.
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deadline_due", "deadline", ["due", "kind"])
    op.create_index("ix_complaint_closed_handling", "complaint", ["closed_at", "effective_receipt_day", "category"])
    op.drop_index("ix_complaint_closed", table_name="complaint")  # a prefix of the new one


def downgrade() -> None:
    op.create_index("ix_complaint_closed", "complaint", ["closed_at"])
    op.drop_index("ix_complaint_closed_handling", table_name="complaint")
    op.drop_index("ix_deadline_due", table_name="deadline")
