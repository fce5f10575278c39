"""The append-only history of a case. There is no update or delete here, by design."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from klachtdesk.models import Event, EventType
from klachtdesk.services.core.context import Context
# the rule of the key that names the proven user acting in another's role (demo only):
# written without the database layer, ``zoek`` writes its access line with the driver
from klachtdesk.services.core.starting import REAL_USER_KEY  # noqa: F401 - named here too


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


def json_value(value: Any) -> Any:
    """``value`` as an event's data keeps it: a date as ISO text, an enum member as its value."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value) if hasattr(value, "value") else value


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
    flush: bool = True,
) -> Event:
    """Append one event in the caller's transaction and return it (with its id). In a demo
    database where someone tries another's role, the line also names who really did it.
    ``flush=False``: written with the transaction's next flush (no id yet; a registration
    writes its first line together with the case's people and deadlines)."""
    data = context.line_data(data)
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
    if flush:
        session.flush()
    return event
