"""The service context: database, clock, calendars, settings and the user at the keyboard.

Every service function takes a ``Context`` first. The CLI and the TUI build one with
``klachtdesk.services.bootstrap.open_context``; tests build ``Context(...)`` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime

from klachtdesk.clock import Clock, SystemClock, local
from klachtdesk.db import DRIVER_ERRORS, Database, translate_error
from klachtdesk.errors import DatabaseProblem, PermissionDenied
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.user import SYSTEM_USER, CurrentUser
from klachtdesk.services.time.calendar import Calendars, build_calendars
from klachtdesk.services.time.recompute import RecomputeSummary




@dataclass
class Context:
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

    # -- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return local(self.clock.now()).date()

    # -- calendars --------------------------------------------------------------------

    @property
    def calendars(self) -> Calendars:
        """The organisation's and the statutory calendar of ``settings``."""
        built = self._calendars
        if built is None or built[0] is not self.settings:
            built = self._calendars = (self.settings,
                                       build_calendars(self.settings.calendar, self.settings.equated_days))
        return built[1]

    # -- permissions ------------------------------------------------------------------

    def require(self, permission: Permission) -> None:
        if not self.user.may(permission):
            raise PermissionDenied(
                f"U ({self.user.name}, {self.user.role_names}) mag niet: {permission.value}."
            )

    def require_on_case(self, permission: Permission, handler_id: int | None) -> None:
        """``require``, and on a case: a permission held only for one's own cases
        (``permissions.ASSIGNED_ONLY``) needs the case to be assigned to the user."""
        self.require(permission)
        if not self.user.may_on_case(permission, handler_id):
            raise PermissionDenied(not_assigned_message(self.user, permission))

    def actor_id(self) -> int | None:
        """The staff id to record as the actor of an event (None for the system)."""
        return self.user.id or None

    @property
    def acting_as_other(self) -> bool:
        """True in a demo database when the proven user tries another staff member's role."""
        return self.proven_login is not None and self.proven_login != self.user.username


def not_assigned_message(user: CurrentUser, permission: Permission) -> str:
    """Why a user may not do this on this case: it is not assigned to them."""
    return (f"U ({user.name}, {user.role_names}) mag dit alleen bij zaken die aan u zijn toegewezen, en deze zaak "
            f"is dat niet: {permission.value}.")


def database_problem(error: BaseException) -> DatabaseProblem:
    """The Dutch ``DatabaseProblem`` for a driver error that escaped a service
    (``DRIVER_ERRORS``); what the entry points show instead of a traceback."""
    return translate_error(error)


__all__ = ["DRIVER_ERRORS", "Context", "CurrentUser", "database_problem", "not_assigned_message"]

