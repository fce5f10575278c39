"""The inbox's plain values: a case as a list row, and the filters of a list.

Without the database layer: the app's first inbox page (``services.startup``) makes its
rows with ``case_rows`` too, from the same columns the ORM path (``lists.inbox``) reads,
so the rows on screen are the same whichever path read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from klachtdesk.errors import ValidationError
from klachtdesk.models.enums import Channel, ComplaintKind, Status
from klachtdesk.services import limits
from klachtdesk.services.core.personal import PersonalData


@dataclass(frozen=True)
class CaseFilter:
    status: Status | None = None
    kind: ComplaintKind | None = None
    channel: Channel | None = None
    handler_id: int | None = None
    overdue_only: bool = False
    open_only: bool = False
    review_only: bool = False  # registered from a mail, not yet checked ("te beoordelen")
    #: cases without a behandelaar (``handler_id`` is then None)
    unassigned: bool = False
    category: str | None = None  # aard van de klacht
    #: received on or after / on or before this day (Amsterdam), both included
    received_from: date | None = None
    received_to: date | None = None
    #: the behandelaar's name, for the header line (not part of what is filtered)
    handler_name: str = field(default="", compare=False)

    def check(self) -> None:
        """``ValidationError`` at the field for a filter that can hold nothing by mistake."""
        if self.received_from is not None:
            limits.check_day(self.received_from, "received_from", "de begindatum")
        if self.received_to is not None:
            limits.check_day(self.received_to, "received_to", "de einddatum")
        if self.received_from and self.received_to and self.received_from > self.received_to:
            raise ValidationError("De begindatum ligt na de einddatum.", field="received_to")
        if self.unassigned and self.handler_id is not None:
            raise ValidationError("Kies een behandelaar of 'niet toegewezen', niet allebei.", field="handler")
        if self.category is not None and limits.clean_text(self.category, "category") != self.category:
            raise ValidationError("Die categorie bestaat niet.", field="category")  # control characters, spaces


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str
    received_at: datetime
    complainant: str
    kind: ComplaintKind
    channel: Channel
    status: Status
    handler: str
    next_due: date | None
    next_deadline_kind: str | None
    queue: str | None
    review_pending: bool = False
    #: a search: matched only inside a word (listed after the whole-word matches)
    inside_word: bool = False
    #: a search: the field the text was found in ("omschrijving", "klager", ...)
    found_in: str = ""


#: the columns of a list row, in the order ``case_rows`` reads them
ROW_COLUMNS = ("id", "number", "received_at", "complainant", "kind", "channel", "status", "handler", "next_due",
               "next_deadline_kind", "queue", "review_pending")


def case_rows(shown: PersonalData, stored: Iterable[Sequence[Any]]) -> list[CaseRow]:
    """List rows from stored rows with the columns of ``ROW_COLUMNS``; the klager's name as
    the user may see it (``PersonalData``: directie sees ``HIDDEN``)."""
    return [
        CaseRow(
            id=r[0], number=r[1], received_at=r[2], complainant=shown.name(r[3]),
            kind=ComplaintKind(r[4]), channel=Channel(r[5]), status=Status(r[6]), handler=r[7] or "",
            next_due=r[8], next_deadline_kind=r[9], queue=r[10], review_pending=bool(r[11]),
        )
        for r in stored
    ]


__all__ = ["ROW_COLUMNS", "CaseFilter", "CaseRow", "case_rows"]
