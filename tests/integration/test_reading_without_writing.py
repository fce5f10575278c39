"""Reading a case never depends on writing its read-log line (issue 16): on a full disk
or a read-only database the case is shown with a notice, the line waits, and the next
read that can write puts it in the history with its own moment.

A read-only database is simulated per connection (SQLite ``query_only``, PostgreSQL
``default_transaction_read_only``), a full disk by a database that may not grow
(SQLite ``max_page_count``); both make SQLite and PostgreSQL refuse the write exactly
as the real thing does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from klachtdesk.errors import DatabaseProblem
from klachtdesk.models import EventType
from klachtdesk.paths import home_dir
from klachtdesk.services.cases import complaints, read_log
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context


def register(context: Context, name: str = "Jan de Vries") -> int:
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name=name, email="jan@example.nl"), service_type="Thuiszorg",
        description="De thuiszorg kwam niet.")).id


@contextmanager
def refusing_writes(context: Context, statement: str) -> Iterator[None]:
    """Every new connection of the context's database runs ``statement`` first."""
    engine = context.db.engine

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if context.db.dialect == "postgresql":
            dbapi_connection.commit()

    context.db.dispose()
    event.listen(engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(engine, "connect", on_connect)
        context.db.dispose()


def viewed(detail: complaints.CaseDetail) -> list[complaints.events.TimelineEntry]:
    return [entry for entry in detail.timeline if entry.type is EventType.VIEWED]


def test_a_read_only_database_can_be_read_and_the_line_is_written_later(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)
    first_read = clock.moment
    statement = ("PRAGMA query_only = ON" if context.db.dialect == "sqlite"
                 else "SET default_transaction_read_only = on")
    with refusing_writes(context, statement):
        with pytest.raises(DatabaseProblem, match="alleen-lezen"):
            register(context, "Piet Post")  # writing is refused ...
        detail = complaints.get_case(context, case_id)  # ... reading is not
    assert detail.description == "De thuiszorg kwam niet." and detail.parties
    assert detail.view_notice is not None and "alleen-lezen" in detail.view_notice
    assert viewed(detail) == []
    assert (home_dir() / read_log.QUEUE_NAME).exists()
    clock.moment = first_read + timedelta(hours=1)
    again = complaints.get_case(context, case_id)
    assert again.view_notice is None
    moments = sorted(entry.at for entry in viewed(again))
    assert moments == [first_read, first_read + timedelta(hours=1)]
    assert not (home_dir() / read_log.QUEUE_NAME).exists()
    # written once: a third read adds only its own line
    assert len(viewed(complaints.get_case(context, case_id))) == 3


def test_a_full_disk_does_not_stop_reading(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    with context.db.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
    with refusing_writes(context, f"PRAGMA max_page_count = {pages}"):
        with pytest.raises(DatabaseProblem, match="schijf is vol"):
            for index in range(500):  # fills the last pages, then the database cannot grow
                register(context, f"Klant {index}")
        reads = 0
        for _ in range(2000):  # the small read-log lines fill what room is left; then they wait
            detail = complaints.get_case(context, case_id)
            reads += 1
            if detail.view_notice:
                break
    assert detail.view_notice is not None and "schijf is vol" in detail.view_notice
    assert detail.description == "De thuiszorg kwam niet."
    assert len(viewed(complaints.get_case(context, case_id))) == reads + 1
    assert not (home_dir() / read_log.QUEUE_NAME).exists()


def test_the_line_waits_in_memory_when_even_the_queue_file_cannot_be_written(
        context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = register(context)
    monkeypatch.setattr(read_log, "_queue_file", lambda: Path("/nonexistent/map/wachtrij.jsonl"))
    statement = ("PRAGMA query_only = ON" if context.db.dialect == "sqlite"
                 else "SET default_transaction_read_only = on")
    with refusing_writes(context, statement):
        assert complaints.get_case(context, case_id).view_notice
    assert len(viewed(complaints.get_case(context, case_id))) == 2
    assert read_log._memory == []
