"""web form: one-time status links for a klager, the klager's views of a case

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Only the SHA-256 of a link's token is stored; the token itself is mailed to the klager.
Attachments of web submissions share the mail intake's ``attachment`` table (0004).
The three ``klager_*`` views are all the web form reads of a case (``klachtdesk.models.klager``);
on PostgreSQL they show a case only to the transaction that opened one of its links.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


#: the PostgreSQL condition: a link of case {case} was opened in this very transaction
OPENED_HERE = ("EXISTS (SELECT 1 FROM status_link l WHERE l.complaint_id = {case} "
               "AND l.opened_in = pg_current_xact_id()::text)")


def _views(postgresql: bool) -> list[str]:
    def only_opened(case: str) -> str:
        return f" AND {OPENED_HERE.format(case=case)}" if postgresql else ""

    return [
        "CREATE VIEW klager_complaint AS SELECT c.id, c.number, c.kind, c.status, c.received_at, c.service_type, "
        "c.queue, c.closed_at, s.name AS handler FROM complaint c LEFT JOIN staff s ON s.id = c.handler_id "
        "WHERE c.anonymised_at IS NULL" + only_opened("c.id"),
        "CREATE VIEW klager_deadline AS SELECT d.id, d.complaint_id, d.kind, d.label, d.unit, d.amount, d.due, "
        "d.original_due, d.extended_at, d.met_at FROM deadline d "
        "WHERE d.cancelled_at IS NULL" + only_opened("d.complaint_id"),
        "CREATE VIEW klager_message AS SELECT m.id, m.complaint_id, m.subject, m.body, m.sent_at FROM message m "
        "WHERE m.sent_at IS NOT NULL" + only_opened("m.complaint_id"),
    ]


def upgrade() -> None:
    op.create_table(
        "status_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("opened_in", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_status_link_complaint_id", "status_link", ["complaint_id"])
    for statement in _views(op.get_bind().dialect.name == "postgresql"):
        op.execute(statement)


def downgrade() -> None:
    for view in ("klager_message", "klager_deadline", "klager_complaint"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_index("ix_status_link_complaint_id", table_name="status_link")
    op.drop_table("status_link")
