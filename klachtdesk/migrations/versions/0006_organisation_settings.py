"""organisation settings: the desk's settings in the database, not in a workstation's data/

Revision ID: 0006_organisation_settings
Revises: 0005
Create Date: 2026-12-02

One row per settings text (a file of the ``data/`` layout: ``kalender.toml``,
``termijnen.toml``, ``berichten/beslissing.txt``, ...). The new table is seeded with the
``data/`` of the installation that migrates (checked first: a broken file stops the
migration with its Dutch message and changes nothing); after that only
``klachtdesk instellingen`` changes them.
"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_organisation_settings"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from klachtdesk.services.config.settings import DOCUMENT_NAMES, Settings

    table = op.create_table(
        "organisation_setting",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("name"),
    )
    defaults = Settings.defaults()
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(table, [
        {"name": name, "text": defaults.texts.get(name, ""), "version": 1, "updated_at": now, "updated_by_id": None}
        for name in DOCUMENT_NAMES
    ])


def downgrade() -> None:
    op.drop_table("organisation_setting")
