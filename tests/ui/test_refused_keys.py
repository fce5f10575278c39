"""Keys that cannot act now say why, as the command palette does (issue 15, item 12)."""

from __future__ import annotations

from typing import Any

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import FixedClock
from klachtdesk.models import StaffRole, Status
from klachtdesk.screens.case_detail import CaseDetailScreen
from klachtdesk.screens.planner import PlannerScreen
from klachtdesk.services.core.context import Context
from tests.ui.test_case_detail import open_case, other_user, register
from tests.unit.test_planner import register_case, set_status
from tests.ui.waiting import workers_done

SIZE = (140, 45)


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


def said(app: KlachtdeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_x_and_h_on_an_open_case_say_why(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    set_status(context, case_id, Status.IN_PROGRESS)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)  # no dialog: the case is in behandeling
        assert "x (Afsluiten): Afsluiten kan na een voorgestelde of gevonden oplossing." in said(app)
        await pilot.press("h")
        await settle(pilot, app)
        assert "h (Heropenen): Alleen een afgesloten zaak kan worden heropend." in said(app)
        before = len(said(app))
        await pilot.press("z")  # bound nowhere: no news
        await settle(pilot, app)
        assert len(said(app)) == before


async def test_a_key_the_role_may_not_use_says_so(sqlite_context: Context) -> None:
    case_id = register(sqlite_context)
    reader = other_user(sqlite_context, "dirk", StaffRole.MANAGEMENT, name="Dirk Directie")
    app = create_app(reader, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("t")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
        assert any(m.startswith("t (Toewijzen): Dit mag u (") and m.endswith(") niet.") for m in said(app))


async def test_v_in_the_planner_away_from_the_sessions_says_where_it_works(sqlite_context: Context,
                                                                           clock: FixedClock) -> None:
    context = sqlite_context
    case = register_case(context)
    set_status(context, case, Status.IN_PROGRESS)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_planner(case)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PlannerScreen)
        assert screen.focused is not None and screen.focused.id == "type"
        await pilot.press("v")
        await settle(pilot, app)
        assert "v (Verslag) werkt in de lijst met gesprekken: ga daar eerst heen (Tab)." in said(app)


async def test_f1_shows_the_keys_of_the_screen(sqlite_context: Context) -> None:
    from textual.widgets import Markdown

    from klachtdesk.screens.help import HelpScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        assert "# Toetsen:" in app.screen.query_one(Markdown).source
