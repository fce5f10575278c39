"""Drafts: a form kept in the database while it is being filled in.

One draft per user and form (``draft`` table, unique on owner + form). The form
saves its values as JSON as the user types; after a crash, a closed terminal or a
power cut the values are offered back. A saved (or deliberately discarded) form
removes its draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from klachtdesk.errors import ValidationError
from klachtdesk.models import Draft
from klachtdesk.services.core.context import Context
from klachtdesk.services.limits import checked

#: the form name of the intake form (one registration draft per user)
REGISTRATION = "registratie"
#: a draft is a form's worth of text, not a document store
MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class DraftRecord:
    form: str
    data: dict[str, Any]
    updated_at: datetime


def _owner(context: Context) -> str:
    return context.user.username


@checked(form="form")
def save(context: Context, form: str, data: dict[str, Any]) -> None:
    """Keep ``data`` (JSON-serialisable form values) as the user's draft of ``form``.

    An upsert on (owner, form), so two saves of the same draft never collide.
    """
    if not isinstance(data, dict):
        raise ValidationError("Een concept moet uit veldwaarden bestaan.", field="draft")
    try:
        size = len(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates: no database stores them
        raise ValidationError("Het concept bevat tekens die geen geldige tekst (UTF-8) zijn.", field="draft") from None
    if size > MAX_BYTES:
        raise ValidationError("Het concept is te groot om te bewaren.", field="draft")
    values = {"owner": _owner(context), "form": form, "data": data, "updated_at": context.now()}
    table = Draft.__table__  # type: ignore[attr-defined]
    dialect = context.db.dialect
    with context.db.write() as session:
        if dialect in ("sqlite", "postgresql"):
            insert = sqlite_insert if dialect == "sqlite" else pg_insert
            statement = insert(table).values(**values)
            statement = statement.on_conflict_do_update(
                index_elements=["owner", "form"],
                set_={"data": statement.excluded.data, "updated_at": statement.excluded.updated_at},
            )
            session.execute(statement)
            return
        row = session.exec(select(Draft).where(Draft.owner == values["owner"], Draft.form == form)).first()
        if row is None:
            session.add(Draft(**values))
        else:
            row.data = data
            row.updated_at = values["updated_at"]


@checked(form="form")
def load(context: Context, form: str) -> DraftRecord | None:
    """The user's draft of ``form``, or None."""
    with context.db.read() as session:
        row = session.exec(select(Draft).where(Draft.owner == _owner(context), Draft.form == form)).first()
    if row is None or not isinstance(row.data, dict):
        return None
    return DraftRecord(form=row.form, data=row.data, updated_at=row.updated_at)


@checked(form="form")
def discard(context: Context, form: str) -> bool:
    """Remove the user's draft of ``form``; True if there was one."""
    with context.db.write() as session:
        result = session.execute(
            delete(Draft).where(Draft.owner == _owner(context), Draft.form == form)  # type: ignore[arg-type]
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
