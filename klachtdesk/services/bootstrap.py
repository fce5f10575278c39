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
from klachtdesk.errors import DatabaseProblem
from klachtdesk.services.core.context import Context, login_name
from klachtdesk.services.deadlines.rules import ensure_current_calendar
from klachtdesk.services.identity import staff
from klachtdesk.services.privacy.reapply import reapply_register


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
    # a restored backup: whoever was erased since it was made is erased again, first of all
    reapplied = reapply_register(context)
    if reapplied is not None:
        context.notices += [reapplied.summary, *reapplied.notes]
    # a changed data/kalender.toml moves the open deadlines (design rule 1)
    try:
        context.calendar_recompute = ensure_current_calendar(context)
    except DatabaseProblem as problem:
        # a read-only database (a copy, a full disk) can still be read: the next start tries again
        context.notices.append(f"De open termijnen zijn niet opnieuw berekend met de kalender: {problem.message}")
    return context


__all__ = ["open_context"]
