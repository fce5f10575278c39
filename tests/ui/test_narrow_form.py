"""The registration form at 80x24 (issue 15 item 14): each field's label keeps its
alt+letter whole (a long label gives way with …), and a Betrokkene's input shows the
beginning of its text once the cursor has left it."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from klachtdesk.app import create_app
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.intake_field import IntakeField
from tests.ui.test_narrow_columns import screen_lines
from tests.ui.test_registration import open_form
from tests.ui.test_small_terminal import settle


async def test_each_label_keeps_its_key_at_80x24(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, app)
        for field in ("service_type", "category"):
            box = screen.query_one(f"#field-{field}", IntakeField)
            box.scroll_visible(animate=False)
            await settle(pilot, app)
            title = str(box.border_title)
            assert title.endswith(f" · {box.key}"), title
            assert title.startswith(box.short)  # "Dienst", "Aard": still saying what it is
            # as drawn: the border's top line holds the title whole
            top = screen_lines(app)[box.region.y][box.region.x:box.region.right]
            assert title in top, (title, top)
        # wide enough: the full words
        assert str(screen.query_one("#field-name", IntakeField).border_title).startswith("Naam")


async def test_a_betrokkene_shows_the_beginning_of_its_name_after_tab(sqlite_context: Context) -> None:
    name = "Mr. dr. Johannes Oldenbarnevelt-Vermeulen"
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("ctrl+b")  # a betrokkene
        await settle(pilot, app)
        box = screen.query_one("#involved-name", Input)
        if not box.has_focus:
            box.focus()
        await pilot.press(*name)
        await settle(pilot, app)
        assert box.scroll_x > 0  # typing: the end is in view
        await pilot.press("tab")
        await settle(pilot, app)
        assert not box.has_focus
        assert box.scroll_x == 0
        shown = screen_lines(app)[box.region.y][box.region.x:box.region.right]
        assert shown.strip() and name.startswith(shown.strip()), shown
