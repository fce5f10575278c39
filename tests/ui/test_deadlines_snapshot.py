"""A snapshot of the Deadlines screen on a small fixed database (FixedClock: Monday
23 November 2026, 10:00): every group with its count and colour, werkdagen in words, an
overdue improvement measure and an AVG request among the case deadlines, and the month
view of December 2026 with its holidays and the deadlines per day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from klachtdesk.app import create_app
from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Measure, MeasureKind, MeasureStatus, PrivacyRequest, PrivacyRequestKind
from klachtdesk.screens.deadlines import DeadlinesScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from tests.ui.waiting import workers_done

NAMES = {17: "Jan de Vries", 18: "Fatima El Amrani", 19: "Pieter Jansen", 20: "Sanne Bakker", 23: "Kees van Dijk"}


def test_deadlines_snapshot(sqlite_context: Context, snap_compare: Any) -> None:
    context = sqlite_context
    for day, name in NAMES.items():
        complaints.register(context, RegistrationInput(
            received_at=datetime(2026, 11, day, 9 if day == 23 else 10, tzinfo=AMSTERDAM),
            complainant=PersonInput(name=name, phone="0612345678"),
            service_type=context.settings.lists.service_types[0], description="Omschrijving",
        ))
    with context.db.write() as session:
        session.add(Measure(kind=MeasureKind.CORRECTIVE, title="Terugbelnotities verplicht", due=date(2026, 11, 16),
                            status=MeasureStatus.IN_PROGRESS, created_at=context.now(), owner_id=context.user.id))
        session.add(PrivacyRequest(kind=PrivacyRequestKind.ACCESS, subject="M. de Wit", received_at=context.now(),
                                   due=date(2026, 12, 23)))
    app = create_app(context, offer_demo=False, animations=False)

    async def open_deadlines(pilot: Any) -> None:
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)
        await app.push_screen(DeadlinesScreen())
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)
        await pilot.press("right_square_bracket")  # December: Christmas, and the decisions
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)

    assert snap_compare(app, terminal_size=(140, 45), run_before=open_deadlines)
