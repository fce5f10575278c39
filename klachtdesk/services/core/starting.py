"""What a context knows without the database: the clock, the calendars, the permissions.

``ContextRules`` holds the rules every context answers the same way (the time, the
organisation's calendars of its settings, ``require``); ``core.context.Context`` is one
with the database. ``StartingContext`` is the other: what the app knows from its first
inbox page (``services.startup``), before ``open_context`` has loaded the database layer;
the app swaps it for the full ``Context`` when that is ready and starts no service work
before (``KlachtdeskApp.ready``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from klachtdesk.clock import Clock, SystemClock, local
from klachtdesk.errors import PermissionDenied
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.user import SYSTEM_USER, CurrentUser
from klachtdesk.services.time.calendar import Calendars, build_calendars

#: the key in an event's data that names the proven user acting in another's role (demo only)
REAL_USER_KEY = "werkelijke_gebruiker"


class ContextRules:
    """The answers of a context that need no database (a mix-in over the fields ``clock``,
    ``user``, ``settings``, ``proven_login`` and ``_calendars``)."""

    clock: Clock
    user: CurrentUser
    settings: Settings
    proven_login: str | None
    _calendars: tuple[Settings, Calendars] | None

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

    def line_data(self, data: Any) -> Any:
        """The data of a history line this context writes (``events.record``): in a demo
        database where someone tries another's role, it also names who really did it."""
        if self.acting_as_other and (data is None or isinstance(data, dict)):
            return {**(data or {}), REAL_USER_KEY: self.proven_login}
        return data


@dataclass
class StartingContext(ContextRules):
    """The context of the first inbox page: no database yet (``services.startup``)."""

    clock: Clock = field(default_factory=SystemClock)
    user: CurrentUser = SYSTEM_USER
    settings: Settings = field(default_factory=Settings.defaults)
    demo: bool = False
    proven_login: str | None = None
    notices: list[str] = field(default_factory=list)
    _calendars: tuple[Settings, Calendars] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def db(self) -> Any:
        raise RuntimeError("de database is nog niet geopend (services.startup)")  # a bug: no service work yet


def not_assigned_message(user: CurrentUser, permission: Permission) -> str:
    """Why a user may not do this on this case: it is not assigned to them."""
    return (f"U ({user.name}, {user.role_names}) mag dit alleen bij zaken die aan u zijn toegewezen, en deze zaak "
            f"is dat niet: {permission.value}.")


__all__ = ["REAL_USER_KEY", "ContextRules", "StartingContext", "not_assigned_message"]
