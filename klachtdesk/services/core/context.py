"""The service context: database, clock, calendars, settings and the user at the keyboard.

Every service function takes a ``Context`` first. The CLI and the TUI build one with
``klachtdesk.services.bootstrap.open_context``; tests build ``Context(...)`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from klachtdesk.clock import Clock, SystemClock
from klachtdesk.db import DRIVER_ERRORS, Database, translate_error
from klachtdesk.errors import DatabaseProblem
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.core.starting import ContextRules, not_assigned_message
from klachtdesk.services.core.user import SYSTEM_USER, CurrentUser
from klachtdesk.services.time.calendar import Calendars
from klachtdesk.services.time.recompute import RecomputeSummary




@dataclass
class Context(ContextRules):
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    user: CurrentUser = SYSTEM_USER
    #: the organisation's settings: the database's (``open_context``); a context built
    #: directly (tests) has the defaults of ``data/`` unless it is given its own
    settings: Settings = field(default_factory=Settings.defaults)
    #: the version of the stored settings ``settings`` was read at (None: not from the database)
    settings_version: int | None = None
    #: what the last change of the settings on this context recomputed, else None (said once)
    calendar_recompute: RecomputeSummary | None = None
    #: a demo database (``klachtdesk demo``): the header says DEMO, any staff member may be tried
    demo: bool = False
    #: who the operating system or the database server proved is at the keyboard (``open_context``)
    proven_login: str | None = None
    #: what ``open_context`` did that the user must be told (an erasure register applied again)
    notices: list[str] = field(default_factory=list)
    _calendars: tuple[Settings, Calendars] | None = field(default=None, init=False, repr=False, compare=False)



def database_problem(error: BaseException) -> DatabaseProblem:
    """The Dutch ``DatabaseProblem`` for a driver error that escaped a service
    (``DRIVER_ERRORS``); what the entry points show instead of a traceback."""
    return translate_error(error)


__all__ = ["DRIVER_ERRORS", "Context", "CurrentUser", "database_problem", "not_assigned_message"]

