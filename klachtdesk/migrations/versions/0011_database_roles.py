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
    op.execute("DROP TRIGGER IF EXISTS klachtdesk_rol_gewijzigd ON staff_role")
    op.execute("DROP TRIGGER IF EXISTS klachtdesk_rollen_naar_login ON staff_role")
    op.execute("DROP TRIGGER IF EXISTS klachtdesk_actief_naar_login ON staff")
    for table in ("event", "draft", "message", "setting", "complaint", "party", "deadline", "person"):
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute(
            "DO $$ DECLARE p record; BEGIN FOR p IN SELECT policyname FROM pg_policies "
            f"WHERE schemaname = 'public' AND tablename = '{table}' AND policyname LIKE 'klachtdesk_%' LOOP "
            f"EXECUTE format('DROP POLICY %I ON {table}', p.policyname); END LOOP; END $$"
        )
    for function in ("klachtdesk_rol_gewijzigd()", "klachtdesk_rollen_naar_login()",
                     "klachtdesk_login_maken(text, text)", "klachtdesk_login_bijwerken(text)",
                     "klachtdesk_persoon_van_eigen_zaak(integer)",
                     "klachtdesk_geschiedenis_anonimiseren(integer, boolean, integer[], text[], text[], text[])",
                     "klachtdesk_statuslink_uitgeven(text, timestamp, timestamp, integer, integer, text)",
                     "klachtdesk_medewerker()"):
        op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    op.execute("DROP SCHEMA IF EXISTS klachtdesk_overzicht CASCADE")
