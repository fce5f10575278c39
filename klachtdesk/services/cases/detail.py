"""One case as the services hand it out: ``CaseDetail`` and its ``PartyView``s.

Plain values without the database layer: ``complaints.get_case`` fills them through the
ORM, and ``klachtdesk zoek KL-…`` (``services.startup.find_case``, ``cases.plain_case``)
with the driver alone, before the ORM is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from klachtdesk.clock import local
from klachtdesk.models.enums import Channel, ComplaintKind, PartyRole, Status

if TYPE_CHECKING:  # the views' types only: this module is read without the database layer
    from klachtdesk.services.core.events import TimelineEntry
    from klachtdesk.services.deadlines.views import DeadlineView


@dataclass(frozen=True)
class PartyView:
    person_id: int
    name: str
    role: PartyRole
    phone: str
    email: str
    note: str | None
    #: the postal address on one line ("" when there is none)
    address: str = ""


@dataclass(frozen=True)
class CaseDetail:
    id: int
    number: str
    version: int
    kind: ComplaintKind
    channel: Channel
    status: Status
    received_at: datetime
    effective_receipt_day: date
    service_type: str | None
    category: str | None
    description: str | None
    incident_date: date | None
    discussed_first: bool | None
    remedy_sought: str | None
    invoice_number: str | None
    queue: str | None
    handler_id: int | None
    handler: str | None
    resolution: str | None
    accepted: str | None
    dispute_outcome: str | None
    closed_at: datetime | None
    updated_at: datetime
    anonymised: bool
    review_pending: bool
    parties: list[PartyView]
    deadlines: list[DeadlineView]
    timeline: list[TimelineEntry]
    #: set when this read could not be recorded in the history (it will be; see read_log)
    view_notice: str | None = None

    @property
    def complainant(self) -> PartyView | None:
        return next((p for p in self.parties if p.role is PartyRole.COMPLAINANT), None)

    @property
    def receipt_shifted(self) -> bool:
        return local(self.received_at).date() != self.effective_receipt_day


__all__ = ["CaseDetail", "PartyView"]
