"""Issue 15, item 15: the assign dialog's candidates each with their open cases, counted in
one query, fewest first."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import event, update

from klachtdesk.models import Complaint, StaffRole, Status
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists import workload
from tests.unit.test_workflow import register


def give(context: Context, complaint_id: int, handler_id: int, status: Status = Status.IN_PROGRESS) -> None:
    with context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id == complaint_id)  # type: ignore[arg-type]
                        .values(handler_id=handler_id, status=status))


def test_each_candidate_with_their_open_cases_fewest_first(
    context: Context, as_user: Callable[..., Context]
) -> None:
    petra = as_user("petra", StaffRole.HANDLER, name="Petra de Boer").user
    karel = as_user("karel", StaffRole.HANDLER, name="Karel Appel").user
    as_user("dirk", StaffRole.MANAGEMENT, name="Dirk Directie")  # may not handle: not a candidate
    cases = [register(context) for _ in range(5)]
    give(context, cases[0], petra.id)
    give(context, cases[1], petra.id, Status.ASSIGNED)
    give(context, cases[2], petra.id, Status.CLOSED)  # final: not open
    give(context, cases[3], karel.id)
    # cases[4] stays nieuw, without a handler
    loads = workload.handler_loads(context)
    assert [(load.member.username, load.open_cases) for load in loads] == [
        ("tester", 0), ("karel", 1), ("petra", 2)]
    assert loads[-1].label == "Petra de Boer — 2 open"
    assert workload.open_cases_by_handler(context) == {petra.id: 2, karel.id: 1}


def test_the_counts_are_one_query_however_many_candidates(
    context: Context, as_user: Callable[..., Context]
) -> None:
    for i in range(6):
        as_user(f"beh{i}", StaffRole.HANDLER, name=f"Behandelaar {i}")
    register(context)
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context_, executemany):  # type: ignore[no-untyped-def]
        if re.match(r"\s*SELECT\b.*\bFROM\b", statement, re.S | re.I):
            statements.append(statement)

    engine = context.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        loads = workload.handler_loads(context)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert len(loads) == 7
    assert sum(bool(re.search(r"\bFROM complaint\b", s)) for s in statements) == 1, statements
    assert len(statements) <= 3, statements  # the staff, their roles, the counts: not one per member


def test_the_default_is_the_least_busy_behandelaar_not_the_klachtenfunctionaris(
    context: Context, as_user: Callable[..., Context]
) -> None:
    """The klachtenfunctionaris is independent: a candidate (HANDLE) but never proposed,
    however few cases they hold; a case with a behandelaar keeps them proposed."""
    olga = as_user("olga", StaffRole.OFFICER, name="Olga Onafhankelijk").user
    petra = as_user("petra", StaffRole.HANDLER, name="Petra de Boer").user
    tess = context.user  # every role, so a behandelaar too
    cases = [register(context) for _ in range(4)]
    give(context, cases[0], tess.id)
    give(context, cases[1], tess.id)
    give(context, cases[2], petra.id)
    loads = workload.handler_loads(context)
    assert [load.member.username for load in loads][0] == "olga"  # fewest open cases
    assert workload.default_handler(loads) == petra.id
    assert workload.default_handler(loads, current_id=tess.id) == tess.id
    assert workload.default_handler(loads, current_id=olga.id) == olga.id  # already hers: kept
    only_officer = [load for load in loads if load.member.id == olga.id]
    assert workload.default_handler(only_officer) is None  # nobody proposed; she stays selectable
