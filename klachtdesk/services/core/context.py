"""The service context: database, clock, calendars, settings and the user at the keyboard.

Every service function takes a ``Context`` first. The CLI and the TUI build one with
``klachtdesk.services.bootstrap.open_context``; tests build ``Context(...)`` directly.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from klachtdesk.clock import Clock, SystemClock, local
from klachtdesk.db import DRIVER_ERRORS, Database, translate_error
from klachtdesk.errors import DatabaseProblem, PermissionDenied
from klachtdesk.models import StaffRole
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.core.permissions import Permission, permissions_for
from klachtdesk.services.time.calendar import Calendars, build_calendars
from klachtdesk.services.time.recompute import RecomputeSummary


@dataclass(frozen=True)
class CurrentUser:
    """The staff member at the keyboard (a plain value; no ORM object)."""

    id: int
    username: str
    name: str
    roles: frozenset[StaffRole]
    person_id: int | None = None

    @cached_property
    def permissions(self) -> frozenset[Permission]:
        return permissions_for(self.roles)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(role.value for role in self.roles)) or "geen rol"


SYSTEM_USER = CurrentUser(id=0, username="systeem", name="klachtdesk", roles=frozenset(StaffRole))


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

    def actor_id(self) -> int | None:
        """The staff id to record as the actor of an event (None for the system)."""
        return self.user.id or None


def login_name(explicit: str | None = None) -> str:
    """``--gebruiker``, else ``$KLACHTDESK_GEBRUIKER``, else the operating-system login."""
    if explicit:
        return explicit.strip()
    env = os.environ.get("KLACHTDESK_GEBRUIKER")
    if env:
        return env.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "medewerker"


def database_problem(error: BaseException) -> DatabaseProblem:
    """The Dutch ``DatabaseProblem`` for a driver error that escaped a service
    (``DRIVER_ERRORS``); what the entry points show instead of a traceback."""
    return translate_error(error)


__all__ = ["DRIVER_ERRORS", "Context", "CurrentUser", "database_problem", "login_name"]

