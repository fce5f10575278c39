"""Saved views: a person's named inbox filters ("Mijn open klachten", "Niet toegewezen
deze week"), kept in the database so they follow the person to every workstation.

Each view belongs to the user who saved it (``owner``: their username, which on
PostgreSQL is their login): the services read and write only the user's own views,
and on PostgreSQL row-level security (``access.OWN_ROWS``) refuses anyone else's rows
to the login itself. Saving under an existing name replaces that view.

A view keeps the inbox's ``InboxQuery`` as JSON: the filters, the order and a search
text. A value that no longer exists when it is read back (a status renamed, a category
taken off the list) is left out, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import select

from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.models import Channel, ComplaintKind, SavedView, Status
from klachtdesk.services.cases.complaints import CaseFilter
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.limits import checked, clean_text
from klachtdesk.services.lists.inbox import InboxQuery, SortOrder
from klachtdesk.services.lists.matching import require_search

#: views per person at most (a list to pick from, not a store)
MAX_VIEWS = 50

_ENUMS: dict[str, Any] = {"status": Status, "kind": ComplaintKind, "channel": Channel}
_DAYS = ("received_from", "received_to")


@dataclass(frozen=True)
class SavedViewRecord:
    id: int
    name: str
    query: InboxQuery


def query_data(query: InboxQuery) -> dict[str, Any]:
    """An inbox query as JSON-ready values (what a view stores)."""
    filters: dict[str, Any] = {}
    for item in fields(CaseFilter):
        value = getattr(query.filters, item.name)
        if value in (None, False, ""):
            continue
        filters[item.name] = value.isoformat() if isinstance(value, date) else \
            value.value if item.name in _ENUMS else value
    return {"filters": filters, "sort": query.sort.value, "text": query.text}


def query_from(data: Any) -> InboxQuery:
    """The inbox query a view stored (what cannot be read any more is left out)."""
    if not isinstance(data, dict):
        return InboxQuery()
    raw = data.get("filters") if isinstance(data.get("filters"), dict) else {}
    values: dict[str, Any] = {}
    for item in fields(CaseFilter):
        value = raw.get(item.name)
        if value is None:
            continue
        try:
            if item.name in _ENUMS:
                values[item.name] = _ENUMS[item.name](value)
            elif item.name in _DAYS:
                values[item.name] = date.fromisoformat(str(value))
            elif item.name == "handler_id":
                values[item.name] = int(value) if isinstance(value, int) and not isinstance(value, bool) else None
            elif item.type in ("bool", bool):
                values[item.name] = value is True
            else:
                values[item.name] = str(value)
        except (ValueError, TypeError):
            continue
    filters = CaseFilter(**values)
    try:
        filters.check()
    except ValidationError:
        filters = CaseFilter()
    try:
        sort = SortOrder(data.get("sort", SortOrder.RECEIVED.value))
    except ValueError:
        sort = SortOrder.RECEIVED
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    return InboxQuery(filters=filters, sort=sort, text=text[:200])


def _owner(context: Context) -> str:
    return context.user.username


def list_views(context: Context) -> list[SavedViewRecord]:
    """The user's own views, by name."""
    context.require(Permission.READ_STATUS)
    with context.db.read() as session:
        rows = session.exec(select(SavedView).where(SavedView.owner == _owner(context))
                            .order_by(func.lower(SavedView.name), SavedView.id)).all()
        return [SavedViewRecord(id=int(row.id or 0), name=row.name, query=query_from(row.query)) for row in rows]


@checked(name="view_name")
def save_view(context: Context, name: str, query: InboxQuery) -> SavedViewRecord:
    """Keep ``query`` as the user's view ``name`` (a view of that name is replaced)."""
    context.require(Permission.READ_STATUS)
    if not name:
        raise ValidationError("Geef de weergave een naam.", field="name")
    query.filters.check()
    if query.searching:  # a search looks into personal data: only kept by whom may search
        require_search(context)
    data = query_data(replace(query, text=clean_text(query.text, "search")))
    now = context.now()
    owner = _owner(context)
    with context.db.write() as session:
        row = session.exec(select(SavedView).where(SavedView.owner == owner, SavedView.name == name)).first()
        if row is None:
            held = session.exec(select(func.count()).select_from(SavedView).where(SavedView.owner == owner)).one()
            if int(held) >= MAX_VIEWS:
                raise ValidationError(f"U hebt al {MAX_VIEWS} weergaven; verwijder er eerst een.", field="name")
            row = SavedView(owner=owner, name=name, query=data, created_at=now, updated_at=now)
        else:
            row.query = data
            row.updated_at = now
        session.add(row)
        session.flush()
        return SavedViewRecord(id=int(row.id or 0), name=name, query=query_from(data))


@checked(view_id="id")
def delete_view(context: Context, view_id: int) -> None:
    """Remove one of the user's own views (another person's is as good as absent)."""
    context.require(Permission.READ_STATUS)
    with context.db.write() as session:
        result = session.execute(delete(SavedView).where(
            SavedView.id == view_id, SavedView.owner == _owner(context)))  # type: ignore[arg-type]
        if not result.rowcount:  # type: ignore[attr-defined]
            raise NotFound("Die weergave bestaat niet (meer).")


__all__ = ["MAX_VIEWS", "SavedViewRecord", "delete_view", "list_views", "query_data", "query_from", "save_view"]
