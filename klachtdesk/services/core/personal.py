"""What a role may see of personal data: the one converter from a stored value to what
the user at the keyboard is shown.

A role without ``READ_PERSONAL_DATA`` (directie) sees no names in lists (``HIDDEN`` in
their place), no people on a case and none of its personal texts (``None``: the screens
say "verborgen" where they would show it). Every list and view that reads a name or a
personal text from the database passes it through :class:`PersonalData`, so the rule and
its mask are written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from klachtdesk.services.core.permissions import Permission

if TYPE_CHECKING:  # the module is read without the database layer (the first inbox page)
    from klachtdesk.services.core.context import Context

T = TypeVar("T")

#: what a person's name in a list is replaced by for a role without access to personal data
HIDDEN = "•••"
#: the texts of a case that are personal data (what the klager told and what was agreed with them)
CASE_TEXTS = ("description", "remedy_sought", "invoice_number", "resolution", "dispute_outcome")
#: the parts of a history line that are personal data (the line's summary is not)
EVENT_TEXTS = ("body", "data")


@dataclass(frozen=True)
class PersonalData:
    """The personal data of stored rows as one user may see them."""

    readable: bool

    def name(self, stored: str | None) -> str:
        """A person's name for a list: as stored (empty when there is none), or ``HIDDEN``."""
        return (stored or "") if self.readable else HIDDEN

    def text(self, stored: T | None) -> T | None:
        """A personal text or value: as stored, or None."""
        return stored if self.readable else None

    def texts(self, row: Any, names: tuple[str, ...]) -> dict[str, Any]:
        """The named attributes of a stored row, each through :meth:`text` (for a view's fields)."""
        return {name: self.text(getattr(row, name)) for name in names}


def personal_data(context: Context) -> PersonalData:
    """What the user at the keyboard may see of personal data."""
    return PersonalData(context.user.may(Permission.READ_PERSONAL_DATA))


__all__ = ["CASE_TEXTS", "EVENT_TEXTS", "HIDDEN", "PersonalData", "personal_data"]
