"""a postal address on a person: letters to a klager without e-mail are printed and posted

Revision ID: 0012_postal_address
Revises: 0008_search_trigram
Create Date: 2026-12-03

Straat en huisnummer, postcode, plaats and (abroad) land on ``person``. A printed letter
is a ``message`` with transport ``post`` whose ``sent_at`` stays empty ("klaar om te
versturen") until someone marks it posted: no new column for that.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_postal_address"
down_revision = "0008_search_trigram"
branch_labels = None
depends_on = None

COLUMNS = (("street", 200), ("postcode", 16), ("city", 100), ("country", 100))


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (a batch copy on SQLite would drop the full-text triggers)
    for name, length in COLUMNS:
        op.add_column("person", sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    for name, _length in reversed(COLUMNS):
        op.drop_column("person", name)
