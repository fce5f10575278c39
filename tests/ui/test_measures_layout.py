"""The measures list fits its columns (issue 15 item 14): at 80x24 the title, Uiterlijk,
Status and Klachten are on screen; at 140x45 every column, Controle whole."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from klachtdesk.app import create_app
from klachtdesk.models import Measure, MeasureKind, MeasureStatus
from klachtdesk.screens.measures import MeasuresScreen, MeasureTable
from klachtdesk.services.core.context import Context
from tests.ui.test_narrow_columns import screen_lines
from tests.ui.test_small_terminal import settle


def fill(context: Context) -> None:
    today = context.today()
    with context.db.write() as session:
        session.add(Measure(kind=MeasureKind.CORRECTIVE, title="Terugbelnotities verplicht voor de hele balie",
                            due=today - timedelta(days=7), status=MeasureStatus.IN_PROGRESS, created_at=context.now(),
                            owner_id=context.user.id, check_date=date(2027, 3, 1)))
        session.add(Measure(kind=MeasureKind.PREVENTIVE, title="Wachttijd telefoon korter", due=today + timedelta(days=30),
                            status=MeasureStatus.OPEN, created_at=context.now()))


@pytest.mark.parametrize(("size", "titles"), [
    ((80, 24), ("Nr", "Titel", "Uiterlijk", "Status", "Klachten")),
    ((140, 45), ("Nr", "Titel", "Soort", "Eigenaar", "Uiterlijk", "Status", "Klachten", "Controle")),
])
async def test_the_columns_that_matter_are_on_screen(sqlite_context: Context, size: tuple[int, int],
                                                      titles: tuple[str, ...]) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        app.action_open_measures()
        await settle(pilot, app)
        assert isinstance(app.screen, MeasuresScreen)
        table = app.screen.query_one(MeasureTable)
        assert tuple(table.shown_titles()) == titles
        shown = screen_lines(app)
        header = next(line for line in shown if " Titel " in line)
        assert header.rstrip().endswith(titles[-1])  # the last column whole on screen
        overdue = next(line for line in shown if "Terugbelnotities" in line)
        assert "(te laat)" in overdue and "in uitvoering" in overdue
        if "Controle" in titles:
            assert "1 mrt" in overdue
