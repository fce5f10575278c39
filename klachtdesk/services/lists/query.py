"""What a list of cases is asked for (``InboxQuery``, ``SortOrder``) and a count that may
stop early (``MatchCount``): plain values, without the database layer, so the inbox screen
can hold them before the services are loaded (the first inbox page, ``services.startup``).
``lists.inbox`` and ``lists.matching`` give them their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from klachtdesk.services.cases.rows import CaseFilter
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.starting import ContextRules


class SortOrder(StrEnum):
    RECEIVED = "ontvangst"  # newest first
    DEADLINE = "termijn"  # the first open deadline first


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox shows: filters, order, and an optional full-text search."""

    filters: CaseFilter = field(default_factory=CaseFilter)
    sort: SortOrder = SortOrder.RECEIVED
    text: str = ""

    @property
    def searching(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class MatchCount:
    """A count that may stop early: ``more`` means "more than ``value``"."""

    value: int
    more: bool = False


def require_search(context: ContextRules) -> None:
    """Text search looks into names and descriptions: personal data."""
    context.require(Permission.READ_STATUS)
    context.require(Permission.READ_PERSONAL_DATA)


__all__ = ["InboxQuery", "MatchCount", "SortOrder", "require_search"]
