"""The measure form reads its dates with the one Dutch date grammar, looking ahead (Pilot)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from textual.widgets import Input, Static

from klachtdesk.app import create_app
from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Channel
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.improvement import measures
from tests.ui.waiting import workers_done

SIZE = (140, 45)


async def _settle(app: Any, pilot: Any) -> None:
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()


async def test_a_due_date_without_a_year_lies_ahead(sqlite_context: Context) -> None:
    """Today is Monday 23 November 2026: "31-12" is 31 December 2026 (it was read as 2025
    and refused as past), "1-2" is 1 February 2027, "vrijdag" is 27 November."""
    from klachtdesk.screens.measures import MeasureFormScreen

    number = complaints.register(sqlite_context, RegistrationInput(
        channel=Channel.PHONE, received_at=datetime(2026, 11, 2, 10, tzinfo=AMSTERDAM),
        complainant=PersonInput(name="Piet Pieters", phone="0612345678"),
        service_type="Teleconsultatie", category="Bejegening", description="Voorval",
    )).number
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.action_open_measures()
        await _settle(app, pilot)
        await pilot.press("n")
        await _settle(app, pilot)
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        due = form.query_one("#f-due", Input)
        for typed, shown in (("1-2", "1 februari 2027"), ("vrijdag", "27 november 2026"),
                             ("over 3 werkdagen", "26 november 2026"), ("31-12", "31 december 2026")):
            due.value = typed
            await pilot.pause()
            assert shown in str(form.query_one("#h-due", Static).render()), typed
        form.query_one("#f-title", Input).value = "Terugbelafspraken nakomen"
        form.query_one("#f-complaints", Input).value = number
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert not isinstance(app.screen, MeasureFormScreen), str(form.query_one("#e-due", Static).render())
    assert [m.due for m in measures.list_measures(sqlite_context)] == [date(2026, 12, 31)]


async def test_a_due_date_on_a_sunday_is_refused_at_the_field(sqlite_context: Context) -> None:
    """Issue 15, item 15: a measure due on a Sunday was accepted silently."""
    from klachtdesk.screens.measures import MeasureFormScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.action_open_measures()
        await _settle(app, pilot)
        await pilot.press("n")
        await _settle(app, pilot)
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        form.query_one("#f-title", Input).value = "Terugbelafspraken nakomen"
        form.query_one("#f-due", Input).value = "20-12-2026"
        await pilot.pause()
        assert "zondag 20 december 2026 (geen werkdag)" in str(form.query_one("#h-due", Static).render())
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen is form
        assert ("Zondag 20 december 2026 is geen werkdag; kies een werkdag, bijvoorbeeld maandag 21 december 2026."
                in str(form.query_one("#e-due", Static).render()))
        assert form.query_one("#f-title", Input).value == "Terugbelafspraken nakomen"  # nothing lost
        form.query_one("#f-due", Input).value = "21-12-2026"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert not isinstance(app.screen, MeasureFormScreen), str(form.query_one("#e-due", Static).render())
    assert [m.due for m in measures.list_measures(sqlite_context)] == [date(2026, 12, 21)]
