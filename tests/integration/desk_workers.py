"""Work done in other processes by the integration tests: several workstations
registering at once, a registration loop that gets killed, a lock held elsewhere.

Importable by ``multiprocessing`` (spawn) and runnable as a script:
``python desk_workers.py register-loop DB`` and ``python desk_workers.py hold-lock DB SECONDS``.
"""

from __future__ import annotations

import sqlite3
import sys
import time
import traceback
from datetime import datetime
from typing import Any

#: the tests' fixed moment (tests/conftest.py FIXED_NOW): Monday 23 November 2026, 10:00
FIXED = (2026, 11, 23, 10, 0)
USERNAME = "tester"


def workstation(url: str, username: str = USERNAME) -> Any:
    """A context of its own on the shared database, as a second workstation has."""
    from klachtdesk.clock import AMSTERDAM, FixedClock
    from klachtdesk.db import open_database
    from klachtdesk.services.identity import staff
    from klachtdesk.services.core.context import Context

    from klachtdesk.errors import DatabaseProblem

    context = Context(db=open_database(url, migrate=False), clock=FixedClock(datetime(*FIXED, tzinfo=AMSTERDAM)))
    for attempt in range(5):  # eight processes signing in at once on two busy cores may outwait the busy timeout
        try:
            context.user = staff.sign_in(context, username)
            return context
        except DatabaseProblem:
            if attempt == 4:
                raise
            time.sleep(1)
    return context


def intake(label: str) -> Any:
    from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput

    return RegistrationInput(
        complainant=PersonInput(name=f"Klager {label}", phone="06-12345678"),
        service_type="Thuiszorg",
        description=f"Melding {label}: de zorgverlener kwam niet opdagen.",
    )


def register_many(url: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    """Register ``count`` complaints as fast as possible once every worker is ready."""
    try:
        from klachtdesk.services.cases import complaints

        context = workstation(url)
        context.calendars  # build the calendars before the start, as a running app has
        barrier.wait(timeout=120)
        numbers = [complaints.register(context, intake(f"{worker}-{i}")).number for i in range(count)]
        context.db.dispose()
        results.put((worker, numbers, None))
    except BaseException:  # noqa: BLE001 - reported to the test
        results.put((worker, [], traceback.format_exc()))


def register_loop(url: str) -> None:
    """Register until killed; print each klachtnummer once it is committed."""
    from klachtdesk.services.cases import complaints

    context = workstation(url)
    index = 0
    while True:
        registered = complaints.register(context, intake(f"lus-{index}"))
        print(registered.number, flush=True)
        index += 1


def hold_lock(path: str, seconds: float) -> None:
    """Take the write lock of a SQLite database and keep it, as a stuck program would."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    print("vast", flush=True)
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "register-loop":
        register_loop(arguments[0])
    elif command == "hold-lock":
        hold_lock(arguments[0], float(arguments[1]))
    else:
        raise SystemExit(f"onbekende opdracht {command}")
