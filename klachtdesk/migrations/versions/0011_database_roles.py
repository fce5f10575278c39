"""database roles: group roles per klachtdesk role, grants from the permission table, row-level security

Revision ID: 0011_database_roles
Revises: 0007_procedure
Create Date: 2026-12-02

PostgreSQL only (nothing changes on SQLite). The grants, policies, overview views and
functions are generated from the permission table (``klachtdesk.services.core.database_roles``);
they are applied again after every later upgrade too (``env.py``), so a table added later
is covered. Run as the owner of the schema, with the right to create roles.
"""
from __future__ import annotations

from alembic import op

from klachtdesk.services import installation

revision = "0011_database_roles"
down_revision = "0007_procedure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    installation.apply_database_roles(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in ("event", "draft", "message"):
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TRIGGER IF EXISTS klachtdesk_rol_gewijzigd ON staff_role")
    op.execute("DROP FUNCTION IF EXISTS klachtdesk_rol_gewijzigd()")
    op.execute("DROP FUNCTION IF EXISTS klachtdesk_geschiedenis_anonimiseren(integer, boolean, integer[], text[], "
               "text[], text[])")
    op.execute("DROP FUNCTION IF EXISTS klachtdesk_statuslink_uitgeven(text, timestamp, timestamp, integer, integer, "
               "text)")
    op.execute("DROP SCHEMA IF EXISTS klachtdesk_overzicht CASCADE")
