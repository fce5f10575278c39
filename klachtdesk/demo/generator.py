"""``generate``: one load of demo cases in one write transaction.

The plan (``plan``) decides every value for every case with numpy first; the rows are
then built per batch (``batch``) and written (``writer``) by a loader for the engine
(``loaders``). The same seed, count, clock and starting database give the same data.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

from sqlalchemy import text

from klachtdesk.demo.loaders import ID_TABLES, loader_for
from klachtdesk.demo.plan import Plan
from klachtdesk.demo.staff import ensure_staff
from klachtdesk.demo.values import Progress
from klachtdesk.demo.writer import write_all
from klachtdesk.errors import ValidationError
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.identity.login import claim_for_demo, may_hold_demo_data


#: from this many cases on (and when the load is not small next to what is there) a load
#: is a bulk load: indexes are built after the rows, the full-text index per batch
BULK_MIN = 5_000


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate`` made."""

    count: int
    first_number: str
    last_number: str
    #: (year, first seq, last seq) per year of receipt
    ranges: tuple[tuple[int, int, int], ...]
    persons: int
    staff_created: int
    events: int
    deadlines: int
    sessions: int
    agreements: int
    measures: int
    seconds: float


def is_empty(context: Context) -> bool:
    """True when the database holds no case yet."""
    with context.db.read() as session:
        return session.execute(text("SELECT 1 FROM complaint LIMIT 1")).first() is None


def may_offer(context: Context) -> bool:
    """The app offers demo data: the database holds no case and may hold demo data (a new
    database, whose only staff member is the one at the keyboard, or a demo database)."""
    return is_empty(context) and may_hold_demo_data(context.db, context.user.username)


def generate(context: Context, count: int, seed: int = 2026, progress: Progress | None = None) -> DemoSummary:
    """Add ``count`` demo cases (and the staff, sessions and measures around them)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError("Het aantal zaken moet een positief geheel getal zijn.", field="aantal")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError("De seed moet een geheel getal van 0 of meer zijn.", field="seed")
    context.require(Permission.REGISTER)
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # millions of new tuples: the cycle collector would only slow the load down
    try:
        return _generate(context, count, seed, progress, started)
    finally:
        if collecting:
            gc.enable()


def _generate(context: Context, count: int, seed: int, progress: Progress | None, started: float) -> DemoSummary:
    with context.db.write() as session:
        claim_for_demo(session, context.user.username, context.now())  # never into a desk in use
        staff = ensure_staff(session, context)
        loader = loader_for(session, context)
        bulk = count >= BULK_MIN and count * 2 >= loader.count("complaint")
        # progress in cases; a bulk load's index builds and commit count as a quarter more
        total = count + (count // 4 if bulk else 0)
        plan = Plan(context, count, seed, staff)
        plan.assign_numbers(session)
        ids = {table: loader.max_id(table) for table in ID_TABLES}
        loader.begin(bulk)
        try:
            summary = write_all(plan, loader, ids, progress, total)
            loader.finish()
        except BaseException:
            loader.abort()  # nothing may still use the connection when the transaction rolls back
            raise
        if progress is not None:
            progress(count + (total - count) // 2, total)
    if progress is not None:
        progress(total, total)
    return DemoSummary(**summary, staff_created=staff.created, seconds=time.perf_counter() - started)
