"""Alembic environment: migrations run on the connection ``klachtdesk.db`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from klachtdesk.models import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` CLI during development
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        _apply_database_roles(connection)


def _apply_database_roles(connection) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the grants and policies again after every upgrade, so tables and columns
    that a later migration added are granted as the permission table says."""
    if connection.dialect.name != "postgresql":
        return
    from alembic.runtime.migration import MigrationContext

    from klachtdesk.services import installation

    if MigrationContext.configure(connection).get_current_revision() is None:
        return  # a downgrade to nothing
    installation.apply_database_roles(connection)


run_migrations_online()
