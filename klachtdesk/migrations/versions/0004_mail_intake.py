"""mail intake: incoming mails, attachments, cases to review, outgoing Message-IDs and bounces

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN: a batch "move and copy" on SQLite would drop the
    # full-text triggers on complaint
    op.add_column("complaint", sa.Column("review_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_complaint_review", "complaint", ["received_at", "id"],
                    sqlite_where=sa.text("review_pending"), postgresql_where=sa.text("review_pending"))
    op.add_column("message", sa.Column("message_id", sa.String(length=255), nullable=True))
    op.add_column("message", sa.Column("undelivered_at", sa.DateTime(), nullable=True))
    op.add_column("message", sa.Column("delivery_problem", sa.Text(), nullable=True))
    op.create_index("ix_message_message_id", "message", ["message_id"])
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False, server_default=""),
        sa.Column("subject", sa.Text(), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(length=27), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_mail_message_outcome", "mail_message", ["outcome", "received_at"])
    op.create_index("ix_mail_message_sender", "mail_message", ["sender", "received_at"])
    op.create_index("ix_mail_message_complaint_id", "mail_message", ["complaint_id"])
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("mail_message_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"]),
        sa.ForeignKeyConstraint(["mail_message_id"], ["mail_message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_complaint_id", "attachment", ["complaint_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_complaint_id", table_name="attachment")
    op.drop_table("attachment")
    op.drop_index("ix_mail_message_complaint_id", table_name="mail_message")
    op.drop_index("ix_mail_message_sender", table_name="mail_message")
    op.drop_index("ix_mail_message_outcome", table_name="mail_message")
    op.drop_table("mail_message")
    op.drop_index("ix_message_message_id", table_name="message")
    for column in ("delivery_problem", "undelivered_at", "message_id"):
        op.drop_column("message", column)  # SQLite 3.35+ drops a column in place
    op.drop_index("ix_complaint_review", table_name="complaint")
    op.drop_column("complaint", "review_pending")
