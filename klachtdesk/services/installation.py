"""Setting a PostgreSQL database up for the desk: the database roles and everything they
are granted, including the functions of the rooms above the core (the web form's).

Called by the migrations after every upgrade (``klachtdesk/migrations/env.py``) and by
``klachtdesk beheer installeren``; always as the owner of the schema.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from klachtdesk.models import StaffRole
from klachtdesk.services.core import database_roles
from klachtdesk.services.core.permissions import TABLE, Permission
from klachtdesk.services.webform import follow


def apply_database_roles(connection: Connection) -> None:
    """The group roles, grants, policies and functions, (re)applied in the connection's
    transaction. Nothing on SQLite."""
    if connection.dialect.name != "postgresql":
        return
    database_roles.apply(connection)
    tables = set(connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    if {"status_link", "complaint", "person"} <= tables:
        followers = [database_roles.group_role(role) for role in StaffRole if Permission.FOLLOW_UP in TABLE[role]]
        connection.exec_driver_sql(";\n".join(follow.database_functions(followers)).replace("%", "%%"))


__all__ = ["apply_database_roles"]
