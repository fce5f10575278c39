"""A search the role may not do (directie: no personal data) is refused with the reason and
leaves the list and its header as they were (the tester's walk, December 2026: the header
read 'zoeken: "Kaya"' over every case)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from klachtdesk.app import create_app
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import StaffRole
from klachtdesk.screens.inbox_views import ViewPicker
from klachtdesk.services.identity import staff
from klachtdesk.services.lists import saved_views
from klachtdesk.services.lists.inbox import InboxQuery, SortOrder
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


async def test_a_saved_view_with_a_search_shows_without_it_for_a_role_that_may_not_search(
        sqlite_context: Context, cases: list[Registered]) -> None:
    """A view kept while the user could search (their role changed since) shows its filters and
    order, not its search, and says so (the walk: the search was applied, the list said nothing)."""
    before = other_user(sqlite_context, "dirk", StaffRole.MANAGER, name="Dirk Directie")
    saved_views.save_view(before, "Kaya", InboxQuery(text="Kaya", sort=SortOrder.DEADLINE))
    staff.set_roles(sqlite_context, "dirk", {StaffRole.MANAGEMENT})
    reader = Context(db=sqlite_context.db, clock=sqlite_context.clock, settings=sqlite_context.settings)
    reader.user = staff.sign_in(reader, "dirk")
    with pytest.raises(PermissionDenied):  # the service keeps no search for a role that may not do one
        saved_views.save_view(reader, "Kaya", InboxQuery(text="Kaya"))
    app = create_app(reader, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("v")
        await settle(pilot, app)
        assert isinstance(app.screen, ViewPicker)
        await pilot.press("enter")
        await settle(pilot, app)
        inbox = inbox_of(app)
        assert inbox.inbox_query == InboxQuery(sort=SortOrder.DEADLINE)
        assert not inbox.query_one("#inbox-search", Input).display
        assert len(inbox.case_list.rows) == 30
        assert said(app) == ["Weergave 'Kaya' zonder haar zoekopdracht. " + REASON.removeprefix("/ (Zoeken): ")]
        assert "zoeken" not in title(app)
