"""Setting a PostgreSQL database up for the desk: the database roles and everything they
are granted, including the functions of the rooms above the core (the web form's).

Called by the migrations after every upgrade (``klachtdesk/migrations/env.py``) and by
``klachtdesk beheer installeren`` (``install``); always as the owner of the schema.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from klachtdesk.db import open_database
from klachtdesk.errors import DatabaseProblem, ValidationError
from klachtdesk.models import StaffRole
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core import database_roles
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import logins, staff
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


@dataclass(frozen=True)
class Installed:
    where: str
    owner: str
    groups: list[str]
    admin: str | None


def install(db: str | os.PathLike[str] | None, *, admin: str | None = None, admin_name: str | None = None,
            password: str | None = None) -> Installed:
    """As the owner: bring the database to the newest schema, (re)make the group roles,
    grants and policies, store the organisation's default settings, and optionally make the
    first beheerder (a staff member and their login; ``password`` None: no password)."""
    database = open_database(db)
    try:
        if database.dialect != "postgresql":
            raise ValidationError("'beheer installeren' is voor een PostgreSQL-database; een SQLite-database "
                                  "maakt klachtdesk zelf bij de eerste start.", field="db")
        if not database.is_owner():
            raise DatabaseProblem("Installeer als de eigenaar van de database (de databasebeheerder), niet als "
                                  "medewerker: zie docs/postgresql.md.")
        with database.engine.begin() as connection:
            apply_database_roles(connection)
            owner = str(connection.exec_driver_sql("SELECT session_user").scalar())
        load_settings(database, datetime.now(UTC))
        if admin:
            if password is not None:
                logins.check_password(password)
            context = Context(db=database)
            with database.write() as session:
                if session.execute(text("SELECT 1 FROM staff WHERE username = :u"), {"u": admin}).first() is None:
                    staff.create_staff(session, context, admin, admin_name or admin, {StaffRole.ADMIN})
            context.user = staff.sign_in(context, admin)
            if StaffRole.ADMIN not in context.user.roles:
                raise ValidationError(f"'{admin}' bestaat al en is geen beheerder.", field="beheerder")
            logins.make_login(context, admin, password)
        return Installed(database.url, owner, list(database_roles.GROUP_ROLES.values()), admin)
    finally:
        database.dispose()


__all__ = ["Installed", "apply_database_roles", "install"]
