"""Issue 15 item 14: the mediation planner at 80×24, 140×45 and 200×60. The sessions table
fits its columns to its width as the inbox does (soort, then locatie, then deelnemers give
way; wanneer, zaak and status stay); at 80 columns the planning form, the free moments and
the sessions stand one under the other and the body scrolls; the week grid of the agenda
waits for ``k``; the dialogs keep their buttons on screen. Snapshot of a case's planning
view with its sessions at 80×24.

The clock is the fixed Monday 23 November 2026, 10:00."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button, DataTable, Input, OptionList

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import FixedClock
from klachtdesk.models import SessionType, Status
from klachtdesk.screens.planner import OutcomeDialog, PlannerScreen, RescheduleDialog
from klachtdesk.screens.planner.cancel import CancelDialog
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import SessionRequest
from klachtdesk.widgets.session_table import SessionTable
from tests.ui.test_small_terminal import on_screen, settle, steady
from tests.unit.test_planner import ams, register_case, set_status

SMALL, MEDIUM, LARGE = (80, 24), (140, 45), (200, 60)
LOCATION = "Kantoor Utrecht, spreekkamer 2"


@pytest.fixture
def case(sqlite_context: Context) -> int:
    """A complaint in behandeling with three sessions this week (one of them this morning)."""
    context = sqlite_context
    context.settings = context.settings.replaced({"kalender.toml": "bemiddeling_vanaf_werkdagen = 0\n"})
    case_id = register_case(context)
    set_status(context, case_id, Status.IN_PROGRESS)
    for moment, kind in ((ams(2026, 11, 23, 10, 30), SessionType.ALL_INVOLVED),
                         (ams(2026, 11, 25, 14), SessionType.ONE_ON_ONE),
                         (ams(2026, 11, 27, 9), SessionType.ALL_INVOLVED)):
        planner.plan_session(context, SessionRequest(case_id, kind, moment, LOCATION))
    return case_id


def _titles(table: DataTable[Any]) -> list[str]:
    return [str(column.label) for column in table.ordered_columns]


def _fits(table: DataTable[Any]) -> bool:
    return table.virtual_size.width <= table.scrollable_content_region.width


async def _open(pilot: Any, app: KlachtdeskApp, complaint_id: int | None) -> PlannerScreen:
    await settle(pilot, app)
    app.action_open_planner(complaint_id)
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, PlannerScreen)
    return screen


async def test_at_80x24_the_case_planner_stands_in_one_column(sqlite_context: Context, case: int,
                                                                clock: FixedClock) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _open(pilot, app, case)
        assert screen.has_class("-narrow")
        form, side = screen.query_one("#planner-form").region, screen.query_one("#planner-side").region
        assert form.width >= 70 and side.width >= 70 and side.y >= form.bottom  # one under the other
        table = screen.table
        assert _titles(table) == ["Wanneer", "Locatie", "Status", "Deelnemers"] and _fits(table)
        assert table.virtual_size.width <= SMALL[0]
        await pilot.press("ctrl+f")  # the free moments come into view
        await settle(pilot, app)
        assert on_screen(app, screen.query_one("#proposals", OptionList))
        table.focus()
        await settle(pilot, app)
        assert on_screen(app, table)

        # the dialogs on a session keep their fields and buttons on screen
        await pilot.press("r")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, RescheduleDialog)
        dialog.query_one("#reason", Input).focus()
        await settle(pilot, app)
        assert on_screen(app, dialog.query_one("#reason", Input))
        assert all(on_screen(app, button) for button in dialog.query(Button))
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, CancelDialog)
        assert all(on_screen(app, button) for button in app.screen.query(Button))
        await pilot.press("escape")
        await settle(pilot, app)

        clock.moment = ams(2026, 11, 23, 12)  # after the first session: its verslag
        table.move_cursor(row=0)
        await pilot.press("v")
        await settle(pilot, app)
        outcome = app.screen
        assert isinstance(outcome, OutcomeDialog)
        for _ in range(2):
            await pilot.press("ctrl+n")  # more agreements: the dialog scrolls to the new one
            await settle(pilot, app)
        fields = outcome.query_one("#fields").scrollable_content_region
        assert outcome.focused is not None and outcome.focused.id == "agreement-2-description"
        assert fields.contains_region(outcome.focused.region)  # the new row wholly in view
        assert all(on_screen(app, button) for button in outcome.query(Button))


async def test_the_sessions_table_uses_the_width_it_gets(sqlite_context: Context, case: int) -> None:
    """At 140×45 (squashed before: status and deelnemers out of sight) every column is in
    view; at 200×60 the locatie is whole and the deelnemers get the most room."""
    widths: dict[tuple[int, int], int] = {}
    for size in (SMALL, MEDIUM, LARGE):
        app = create_app(sqlite_context, offer_demo=False, animations=False)
        async with app.run_test(size=size) as pilot:
            screen = await _open(pilot, app, case)
            table = screen.table
            assert _fits(table), size
            widths[size] = table.virtual_size.width
            if size != SMALL:
                assert not screen.has_class("-narrow")
                assert _titles(table) == ["Wanneer", "Soort", "Locatie", "Status", "Deelnemers"], size
            if size == LARGE:  # the locatie whole, room for the deelnemers
                columns = {str(column.label): column for column in table.ordered_columns}
                assert all(columns[name].width >= columns[name].content_width for name in ("Wanneer", "Locatie"))
                assert columns["Deelnemers"].width >= 45
                assert [str(c) for c in table.get_row_at(0)][:3] == ["ma 23 nov 2026 10:30–11:30", "allen",
                                                                     LOCATION]
    assert widths[SMALL] < widths[MEDIUM] < widths[LARGE]


async def test_the_agenda_keeps_its_sessions_in_view_at_80x24(sqlite_context: Context, case: int) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _open(pilot, app, None)
        table = screen.query_one("#sessions", SessionTable)
        assert screen.has_class("-no-week") and screen.query_one("#week").region.height == 0
        assert len(table.sessions) == 3 and on_screen(app, table) and _fits(table)
        assert _titles(table) == ["Wanneer", "Zaak", "Locatie", "Status", "Deelnemers"]
        await pilot.press("k")  # the week grid on request
        await settle(pilot, app)
        assert not screen.has_class("-no-week") and screen.query_one("#week").region.height > 0
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=MEDIUM) as pilot:
        screen = await _open(pilot, app, None)
        assert not screen.has_class("-no-week") and screen.query_one("#week").region.height > 0
        assert _titles(screen.query_one("#sessions", SessionTable))[:3] == ["Wanneer", "Zaak", "Soort"]


def test_case_planner_sessions_80x24(sqlite_context: Context, case: int, snap_compare: Any) -> None:
    """The sessions of the case, scrolled into view under the free moments."""
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def run_before(pilot: Any) -> None:
        screen = await _open(pilot, app, case)
        screen.table.focus()
        await settle(pilot, app)
        steady(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)
