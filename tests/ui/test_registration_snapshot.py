"""Snapshots of the intake form (empty) and of the confirmation read back to the caller.

The clock is the fixed Monday 23 November 2026, 10:00; cursors do not blink.
Update after a deliberate change with ``pytest tests/ui/test_registration_snapshot.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import FixedClock
from klachtdesk.screens.registration import RegistrationDoneScreen, RegistrationScreen
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.intake_parsing import empty_values
from tests.ui.waiting import workers_done

SIZE = (140, 45)


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


def steady(app: KlachtdeskApp) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False


def test_the_empty_form(snap_compare: Any, sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def open_form(pilot: Any) -> None:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationScreen)
        steady(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_form)


def test_the_confirmation(snap_compare: Any, sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def register(pilot: Any) -> None:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        values = empty_values(FixedClock().now())
        values.update({
            "name": "Jan Jansen", "phone": "06 12345678", "email": "jan@example.nl", "incident_date": "20-11-2026",
            "service_type": "Thuiszorg", "description": "De thuiszorg kwam drie keer te laat.",
            "involved": [{"name": "Dr. P. Bakker", "role": "aangeklaagde", "phone": "", "email": "", "note": ""}],
        })
        await screen.fill(values)
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationDoneScreen)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=register)
