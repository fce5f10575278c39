"""The period keys of the analysis (the tester's walk, December 2026): `m` after `j` or `h`
jumped to januari; from a period that holds today it is this month (the clock: 23 November
2026), from a past period still the month it starts with."""

from __future__ import annotations

from textual.widgets import Static

from klachtdesk.app import create_app
from klachtdesk.screens.analysis import AnalysisScreen
from klachtdesk.services.core.context import Context
from tests.ui.test_analysis import SIZE, _settle


def shown(screen: AnalysisScreen) -> str:
    return str(screen.query_one("#analysis-title", Static).render())


async def test_month_after_year_or_current_is_this_month(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.push_screen(AnalysisScreen())
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        assert "3e kwartaal 2026" in shown(screen)  # the last complete quarter
        steps = [("j", "2026"), ("m", "november 2026"), ("k", "4e kwartaal 2026"), ("j", "2026"),
                 ("p", "2025"), ("m", "januari 2025")]  # a past year: the month it starts with, as before
        for key, label in steps:
            await pilot.press(key)
            await _settle(app, pilot)
            assert screen.period is not None and screen.period.label == label, (key, screen.period)
        await pilot.press("h", "k")  # the current month, then its quarter
        await _settle(app, pilot)
        assert screen.period is not None and screen.period.label == "4e kwartaal 2026"
        await pilot.press("j", "h", "m")  # this year, current, month
        await _settle(app, pilot)
        assert screen.period is not None and screen.period.label == "november 2026"
        assert "november 2026" in shown(screen)
