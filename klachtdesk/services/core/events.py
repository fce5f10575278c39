"""The append-only history of a case. There is no update or delete here, by design."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from klachtdesk.models import Event, EventType
from klachtdesk.services.core.context import Context


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    at: datetime
    type: EventType
    actor: str
    summary: str
    body: str | None
    data: Any
    confidential: bool


def record(
    session: Session,
    context: Context,
    complaint_id: int | None,
    type: EventType,
    summary: str,
    *,
    body: str | None = None,
    data: Any = None,
    confidential: bool = False,
    at: datetime | None = None,
) -> Event:
    """Append one event in the caller's transaction and return it (with its id)."""
    event = Event(
        complaint_id=complaint_id,
        at=at or context.now(),
        actor_id=context.actor_id(),
        type=type,
        summary=summary,
        body=body,
        data=data,
        confidential=confidential,
    )
    session.add(event)
    session.flush()
    return event
