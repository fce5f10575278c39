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
from klachtdesk.services.core.context import Context, login_name
from klachtdesk.services.deadlines.bulk import ensure_current_calendar
from klachtdesk.services.identity import staff


def open_context(
    db: str | os.PathLike[str] | None = None,
    *,
    user: str | None = None,
    clock: Clock | None = None,
    create: bool = True,
) -> Context:
    """Open (and migrate) the database and find the user at the keyboard."""
    database = open_database(db, create=create)
    context = Context(db=database, clock=clock or SystemClock())
    context.user = staff.sign_in(context, login_name(user))
    # a changed data/kalender.toml moves the open deadlines (design rule 1)
    context.calendar_recompute = ensure_current_calendar(context)
    return context


__all__ = ["open_context"]
