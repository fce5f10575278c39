"""Opening klachtdesk: the one place that builds a ``Context`` for the CLI and the TUI.

It sits above every room of the services because it needs several of them: the
database (migrated), the organisation's settings stored in it (``config``) and the
staff member at the keyboard (``identity``). Nothing is recomputed at start: the
settings are the database's, so a workstation's own ``data/`` changes nothing here;
the open deadlines move only when the beheerder changes the settings
(``klachtdesk instellingen``). Tests build ``Context(...)`` directly.
"""

from __future__ import annotations

import os

from klachtdesk.clock import Clock, SystemClock
from klachtdesk.db import open_database, resolve_url
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core.context import Context, login_name
from klachtdesk.services.identity import staff
from klachtdesk.services.privacy.reapply import reapply_register


def open_context(
    db: str | os.PathLike[str] | None = None,
    *,
    user: str | None = None,
    clock: Clock | None = None,
    create: bool = True,
) -> Context:
    """Open (and migrate) the database, read the desk's settings from it and find the
    user at the keyboard."""
    database = open_database(db, create=create)
    clock = clock or SystemClock()
    settings, version = load_settings(database, clock.now())
    context = Context(db=database, clock=clock, settings=settings, settings_version=version)
    context.user = staff.sign_in(context, login_name(user))
    # a restored backup: whoever was erased since it was made is erased again, first of all
    reapplied = reapply_register(context)
    if reapplied is not None:
        context.notices += [reapplied.summary, *reapplied.notes]
    return context


def desk_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """The desk's settings without signing in (``klachtdesk termijn``, a calculator). A
    SQLite desk that does not exist yet has the defaults of ``data/``."""
    url = resolve_url(db)
    if url.startswith("sqlite") and not _sqlite_file_exists(url):
        return Settings.defaults()
    database = open_database(db, create=False)
    try:
        return load_settings(database, SystemClock().now())[0]
    finally:
        database.dispose()


def _sqlite_file_exists(url: str) -> bool:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    return bool(name) and name != ":memory:" and os.path.exists(name)


__all__ = ["desk_settings", "open_context"]
