"""Anonymising history lines: the one documented exception to the append-only history.

On PostgreSQL no login may change a history line (``event`` is append-only); the
beheerder's anonymisation goes through ``klachtdesk_geschiedenis_anonimiseren``, a
SECURITY DEFINER function of the owner that changes only the lines of the one case it is
given and writes its own history line (``services/core/database_roles``). It also empties
the confidential lines, which the beheerder cannot even read. On SQLite (one workstation,
whoever can read the file can change it) the rows are updated directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session, select

from klachtdesk.models import Event
from klachtdesk.models.types import dump_json

#: (summary, body, data) of one line -> its new (summary, body, data)
Rewrite = Callable[[str, str | None, Any], tuple[str, str | None, Any]]

_FUNCTION = text(
    "SELECT klachtdesk_geschiedenis_anonimiseren(:zaak, :wissen, CAST(:regels AS integer[]), "
    "CAST(:samenvattingen AS text[]), CAST(:teksten AS text[]), CAST(:gegevens AS text[]))"
)


def rewrite_history(session: Session, complaint_id: int, rewrite: Rewrite, *, wipe: bool) -> None:
    """Give every history line of the case what ``rewrite`` makes of it; ``wipe``: first
    empty the body and data of every line of the case (confidential ones included)."""
    lines = session.exec(select(Event).where(Event.complaint_id == complaint_id).order_by(Event.id)).all()
    changed = [(line.id, *rewrite(line.summary, None if wipe else line.body, None if wipe else line.data))
               for line in lines]
    if session.get_bind().dialect.name == "postgresql":
        for line in lines:
            session.expunge(line)  # never flushed: the function writes them
        session.execute(_FUNCTION, {
            "zaak": complaint_id, "wissen": wipe, "regels": [c[0] for c in changed],
            "samenvattingen": [c[1] for c in changed], "teksten": [c[2] for c in changed],
            "gegevens": [dump_json(c[3]) for c in changed],
        })
        return
    if wipe:
        session.execute(update(Event).where(Event.complaint_id == complaint_id)  # type: ignore[arg-type]
                        .values(body=None, data=None))
    for line, (_id, summary, body, data) in zip(lines, changed, strict=True):
        line.summary, line.body, line.data = summary, body, data
    session.flush()


__all__ = ["Rewrite", "rewrite_history"]
