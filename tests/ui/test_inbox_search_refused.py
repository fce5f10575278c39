"""A search the role may not do (directie: no personal data) is refused with the reason and
leaves the list and its header as they were (the tester's walk, December 2026: the header
read 'zoeken: "Kaya"' over every case)."""

from __future__ import annotations

from textual.widgets import Input

from klachtdesk.app import create_app
from klachtdesk.models import StaffRole
from klachtdesk.services.core.context import Context
from tests.ui.test_case_detail import other_user
from tests.ui.test_inbox import SIZE, Registered, cases, inbox_of, settle, title  # noqa: F401 (a fixture)
from tests.ui.test_refused_keys import said

REASON = ("/ (Zoeken): Zoeken kijkt in namen en omschrijvingen. U (Dirk Directie, directie) mag niet: "
          "persoonsgegevens en zaakinhoud inzien.")


async def test_slash_as_directie_says_why_and_changes_nothing(sqlite_context: Context,
                                                             cases: list[Registered]) -> None:
    reader = other_user(sqlite_context, "dirk", StaffRole.MANAGEMENT, name="Dirk Directie")
    app = create_app(reader, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = title(app)
        await pilot.press("slash")
        await settle(pilot, app)
        assert said(app) == [REASON]
        search_input = app.screen.query_one("#inbox-search", Input)
        assert not search_input.display
        assert title(app) == before == "Inbox · alle zaken · nieuwste eerst"
        assert len(inbox_of(app).case_list.rows) == 30


async def test_a_search_typed_anyway_is_not_applied(sqlite_context: Context, cases: list[Registered]) -> None:
    reader = other_user(sqlite_context, "dirk", StaffRole.MANAGEMENT, name="Dirk Directie")
    app = create_app(reader, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        search_input = app.screen.query_one("#inbox-search", Input)
        search_input.display = True  # as if it were open (a saved view, another route)
        search_input.focus()
        await pilot.press(*"Kaya", "enter")
        await settle(pilot, app, delay=inbox_of(app).SEARCH_DELAY + 0.2)
        assert title(app) == "Inbox · alle zaken · nieuwste eerst"
        assert not inbox_of(app).inbox_query.searching
        assert len(inbox_of(app).case_list.rows) == 30
        assert [m for m in said(app) if "mag niet" in m] == [REASON.removeprefix("/ (Zoeken): ")]
