"""The service context: database, clock, calendars, settings and the user at the keyboard.

Every service function takes a ``Context`` first. The CLI, the TUI and the tests
all build one with ``open_context`` (or ``Context(...)`` directly in tests).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from klachtdesk.clock import Clock, SystemClock, local
from klachtdesk.db import DRIVER_ERRORS, Database, open_database, translate_error
from klachtdesk.errors import DatabaseProblem, PermissionDenied
from klachtdesk.models import StaffRole
from klachtdesk.services.core.permissions import Permission, permissions_for
from klachtdesk.services.config.settings import ProcedureSettings, load_procedure_settings


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
    settings: ProcedureSettings = field(default_factory=load_procedure_settings)
    calendar_path: os.PathLike[str] | None = None
    #: what ``open_context`` recomputed because the calendar changed (a RecomputeSummary), else None
    calendar_recompute: object | None = None

    # -- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return local(self.clock.now()).date()

    # -- calendars --------------------------------------------------------------------

    @property
    def calendars(self):  # type: ignore[no-untyped-def]
        from klachtdesk.services.time.calendar import get_calendars

        return get_calendars(self.calendar_path)

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


def open_context(
    db: str | os.PathLike[str] | None = None,
    *,
    user: str | None = None,
    clock: Clock | None = None,
    create: bool = True,
) -> Context:
    """Open (and migrate) the database and find the user at the keyboard."""
    from klachtdesk.services.identity import staff

    database = open_database(db, create=create)
    context = Context(db=database, clock=clock or SystemClock())
    context.user = staff.sign_in(context, login_name(user))
    from klachtdesk.services.deadlines.rules import ensure_current_calendar

    # a changed data/kalender.toml moves the open deadlines (design rule 1)
    context.calendar_recompute = ensure_current_calendar(context)
    return context


def database_problem(error: BaseException) -> DatabaseProblem:
    """The Dutch ``DatabaseProblem`` for a driver error that escaped a service
    (``DRIVER_ERRORS``); what the entry points show instead of a traceback."""
    return translate_error(error)


__all__ = ["DRIVER_ERRORS", "Context", "CurrentUser", "database_problem", "login_name", "open_context"]

