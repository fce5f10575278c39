"""The read log: who read a case's personal data, and when (a ``VIEWED`` history line).

Reading never depends on writing. When the line cannot be written (a full disk, a
read-only database, a lock held too long) the case is shown all the same, with a
notice that says so, and the line waits: in a private queue file of this workstation
(``<home>/inzage-wachtrij.jsonl``), or in memory when even that cannot be written. The
next read that can write puts the waiting lines in the history first, each with its
own moment and reader. A line is written at least once: a crash between the commit and
emptying the queue can write it twice, never lose it.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from klachtdesk.errors import DatabaseProblem
from klachtdesk.models.enums import EventType
from klachtdesk.paths import create_private, home_dir, write_private

if TYPE_CHECKING:  # read without the database layer too: ``zoek`` writes its line with the driver
    from sqlmodel import Session

    from klachtdesk.services.core.context import Context
    from klachtdesk.services.core.starting import ContextRules

QUEUE_NAME = "inzage-wachtrij.jsonl"
_memory: list[Waiting] = []
_lock = threading.Lock()


@dataclass(frozen=True)
class Waiting:
    complaint_id: int
    at: str  # ISO moment
    actor_id: int | None
    summary: str


def view_line(context: ContextRules) -> str:
    return f"Zaak ingezien door {context.user.name}"


def _queue_file() -> Path:
    return home_dir() / QUEUE_NAME


def waiting() -> tuple[list[Waiting], int]:
    """The lines waiting (file first, then memory) and how many bytes of the file were read."""
    found: list[Waiting] = []
    size = 0
    with suppress(OSError):
        data = _queue_file().read_bytes()
        size = len(data)
        for line in data.decode("utf-8", "replace").splitlines():
            with suppress(ValueError, TypeError):
                found.append(Waiting(**json.loads(line)))
    with _lock:
        found += _memory
    return found, size


@dataclass(frozen=True)
class Recorded:
    """The waiting lines a transaction wrote, and how much of the queue file they were."""

    lines: list[Waiting]
    size: int


def record(session: Session, context: Context, complaint_id: int) -> Recorded:
    """Write the waiting lines and this read, in the caller's transaction. Pass what it
    returns to ``written`` once the transaction is committed."""
    from klachtdesk.services.core import events  # deferred: the ORM (see TYPE_CHECKING above)

    recorded = _write_waiting(session, context)
    events.record(session, context, complaint_id, EventType.VIEWED, view_line(context))
    return recorded


def _write_waiting(session: Session, context: Context) -> Recorded:
    """The lines that wait, written in the caller's transaction, each with its own moment and reader."""
    from klachtdesk.services.core import events  # deferred: the ORM (see TYPE_CHECKING above)

    lines, size = waiting()
    for line in lines:
        event = events.record(session, context, line.complaint_id, EventType.VIEWED, line.summary,
                              at=datetime.fromisoformat(line.at))
        event.actor_id = line.actor_id
    return Recorded(lines, size)


def profile_line(context: Context) -> str:
    return f"Gegevens van deze persoon ingezien in hun profiel door {context.user.name}"


def record_profile_view(context: Context, complaint_ids: list[int]) -> str | None:
    """A person's profile was read (their details and a part of each of their cases): a
    ``VIEWED`` line on each of those cases. Reading never depends on writing: when the lines
    cannot be written they wait (``postpone``) and the notice to show is returned."""
    if not complaint_ids:
        return None
    from klachtdesk.services.core import events  # deferred: the ORM (see TYPE_CHECKING above)

    try:
        with context.db.write() as session:
            recorded = _write_waiting(session, context)
            for complaint_id in complaint_ids:
                events.record(session, context, complaint_id, EventType.VIEWED, profile_line(context))
    except DatabaseProblem as problem:
        notices = [postpone(context, complaint_id, problem, profile_line(context)) for complaint_id in complaint_ids]
        return notices[0]
    written(recorded)
    return None


def written(recorded: Recorded) -> None:
    """After the commit: the lines that were written no longer wait (a line another
    process added meanwhile stays in the file)."""
    if not recorded.lines:
        return
    with _lock:
        for line in recorded.lines:
            if line in _memory:
                _memory.remove(line)
    if not recorded.size:
        return
    with suppress(OSError):
        queue = _queue_file()
        rest = queue.read_bytes()[recorded.size:]
        if rest:
            write_private(queue, rest)
        else:
            queue.unlink(missing_ok=True)


def postpone(context: Context, complaint_id: int, problem: DatabaseProblem, summary: str | None = None) -> str:
    """Keep the line of a read that could not be written; the notice to show with the case."""
    line = Waiting(complaint_id, context.now().isoformat(), context.actor_id(), summary or view_line(context))
    try:
        descriptor = create_private(_queue_file(), append=True)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(line), ensure_ascii=False) + "\n")
    except OSError:
        with _lock:
            _memory.append(line)
    return (f"Let op: dat u deze zaak inzag, kon niet in de geschiedenis worden vastgelegd ({problem.message}) "
            "Het wordt vastgelegd zodra de database weer kan schrijven.")


__all__ = ["QUEUE_NAME", "Recorded", "Waiting", "postpone", "profile_line", "record", "record_profile_view", "view_line",
           "waiting", "written"]
