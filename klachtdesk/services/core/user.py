"""The staff member at the keyboard as a plain value (no database, no ORM).

Its own module so the app's first inbox page (``services.startup``) can sign the user in
without loading the database layer; ``core.context`` holds it in the ``Context``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from klachtdesk.models.enums import StaffRole
from klachtdesk.services.core.permissions import Permission, Scope, permissions_for, scope_for


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
        """Whether a role grants ``permission`` at all (on some cases; see ``may_on_case``)."""
        return permission in self.permissions

    def may_on_case(self, permission: Permission, handler_id: int | None) -> bool:
        """Whether the user holds ``permission`` on a case with this behandelaar."""
        scope = scope_for(self.roles, permission)
        return scope is Scope.ALL or (scope is Scope.ASSIGNED and handler_id is not None and handler_id == self.id)

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(role.value for role in self.roles)) or "geen rol"


SYSTEM_USER = CurrentUser(id=0, username="systeem", name="klachtdesk", roles=frozenset(StaffRole))


__all__ = ["SYSTEM_USER", "CurrentUser"]
