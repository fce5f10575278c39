"""Opening klachtdesk: the one place that builds a ``Context`` for the CLI and the TUI.

It sits above every room of the services because it needs several of them: the
database (migrated), the staff member at the keyboard (``identity``) and the open
deadlines brought in line with a changed calendar (``deadlines``). Tests build
``Context(...)`` directly.
"""

from __future__ import annotations

import os

from klachtdesk.clock import Clock, SystemClock
from klachtdesk.db import open_database
from klachtdesk.services.core.context import Context
from klachtdesk.services.deadlines.rules import ensure_current_calendar
from klachtdesk.services.identity import login, staff


def open_context(
    db: str | os.PathLike[str] | None = None,
    *,
    user: str | None = None,
    clock: Clock | None = None,
    create: bool = True,
    demo: bool = False,
) -> Context:
    """Open (and migrate) the database and sign in the user at the keyboard: the proven
    user (``identity.login``); ``user`` (``--gebruiker``) may name another staff member
    only in a demo database. ``demo``: the command puts demo data in this database, so a
    new database becomes a demo database before anyone signs in (``klachtdesk demo``)."""
    database = open_database(db, create=create)
    context = Context(db=database, clock=clock or SystemClock())
    try:
        if demo:
            with database.write() as session:
                login.claim_for_demo(session, login.proven_login(database), context.now())
        who = login.resolve_login(database, user)
    except BaseException:
        database.dispose()
        raise
    context.demo, context.proven_login = who.demo, who.proven
    context.user = staff.sign_in(context, who.username)
    # a changed data/kalender.toml moves the open deadlines (design rule 1)
    context.calendar_recompute = ensure_current_calendar(context)
    return context


__all__ = ["open_context"]
