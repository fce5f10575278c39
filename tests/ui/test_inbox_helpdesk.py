"""The helpdesk extras of the inbox as a user drives them (issue 15): the filter dialog on
behandelaar, niet toegewezen, categorie and days of receipt (with a date that does not
exist refused at its field); a saved view kept and chosen again; several marked cases
assigned at once with one refused and why; a notification when a colleague assigns a
case to the user. Pilot, a fixed clock, SQLite."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from textual.widgets import Input, OptionList, Select, Static

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.models import Complaint, StaffRole, Status
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.screens.inbox_bulk import BulkDialog
from klachtdesk.screens.inbox_filters import NOBODY, FilterScreen
from klachtdesk.screens.inbox_views import SaveViewDialog, ViewPicker
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.services.lists import saved_views
from klachtdesk.services.procedure import workflow
from tests.ui.waiting import workers_done

SIZE = (100, 30)


def register(context: Context, days_ago: int, category: str | None = None) -> int:
    case = complaints.register(context, RegistrationInput(
        received_at=context.now() - timedelta(days=days_ago, hours=1),
        complainant=PersonInput(name=f"Klager {days_ago}", phone="0612345678"),
        service_type=context.settings.lists.service_types[0], description="Te lang gewacht.",
    ))
    if category is not None:
        with context.db.write() as session:
            session.execute(update(Complaint).where(Complaint.id == case.id).values(category=category))  # type: ignore[arg-type]
    return case.id


def colleague(context: Context, username: str, name: str, role: StaffRole) -> Context:
    with context.db.write() as session:
        staff.create_staff(session, context, username, name, {role})
    other = Context(db=context.db, clock=context.clock, settings=context.settings)
    other.user = staff.sign_in(other, username)
    return other


def version(context: Context, complaint_id: int) -> int:
    return complaints.get_case(context, complaint_id, record_view=False).version


@pytest.fixture
def desk(sqlite_context: Context) -> dict[str, Any]:
    """Six cases a day apart; #1 and #3 'Bejegening'; #2 assigned to Jan, #4 closed."""
    context = sqlite_context
    ids = [register(context, days, "Bejegening" if days in (1, 3) else None) for days in range(6)]
    jan = colleague(context, "jan", "Jan Jansen", StaffRole.HANDLER)
    workflow.assign(context, ids[2], version(context, ids[2]), jan.user.id)
    with context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id == ids[4]).values(status=Status.CLOSED))  # type: ignore[arg-type]
    return {"ids": ids, "jan": jan}


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()


def inbox_of(app: KlachtdeskApp) -> InboxScreen:
    assert isinstance(app.screen, InboxScreen)
    return app.screen


def title(app: KlachtdeskApp) -> str:
    return str(app.screen.query_one("#inbox-title", Static).render())


def shown_ids(app: KlachtdeskApp) -> list[int]:
    return [row.id for row in inbox_of(app).case_list.rows]


def notices(app: KlachtdeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_the_filter_dialog_filters_on_unassigned_category_and_days(
        sqlite_context: Context, desk: dict[str, Any]) -> None:
    ids = desk["ids"]
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        dialog.query_one("#filter-handler", Select).value = NOBODY
        dialog.query_one("#filter-category", Select).value = "Bejegening"
        dialog.query_one("#filter-from", Input).focus()
        await pilot.press(*"31-02")  # hostile: no such day
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert "'31-02' bestaat niet als datum." in str(dialog.query_one("#filter-from-error", Static).render())
        dialog.query_one("#filter-from", Input).value = "3 dagen geleden"
        dialog.query_one("#filter-to", Input).value = "4 dagen geleden"  # before the start: the service says so
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert "De begindatum ligt na de einddatum." in str(dialog.query_one("#filter-from-error", Static).render())
        dialog.query_one("#filter-to", Input).value = "vandaag"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert shown_ids(app) == [ids[1], ids[3]]
        assert "niet toegewezen · categorie: Bejegening · ontvangen 20-11-2026 t/m 23-11-2026" in title(app)
        await pilot.press("f")
        await settle(pilot, app)
        app.screen.query_one("#filter-handler", Select).value = desk["jan"].user.id
        app.screen.query_one("#filter-category", Select).value = Select.NULL
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert shown_ids(app) == [ids[2]]
        assert "behandelaar: Jan Jansen" in title(app)
        await pilot.press("m")  # from Jan's cases to mine (none)
        await settle(pilot, app)
        assert shown_ids(app) == [] and "mijn zaken" in title(app)


async def test_a_saved_view_is_kept_and_chosen_again(sqlite_context: Context, desk: dict[str, Any]) -> None:
    ids = desk["ids"]
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await settle(pilot, app)
        app.screen.query_one("#filter-category", Select).value = "Bejegening"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("w")
        await settle(pilot, app)
        assert isinstance(app.screen, SaveViewDialog)
        await pilot.press(*("x" * 61))  # hostile: longer than a name may be
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, SaveViewDialog)
        assert "De naam van de weergave is te lang: hoogstens 60 tekens, niet 61." in str(
            app.screen.query_one("#view-name-error", Static).render())
        app.screen.query_one("#view-name", Input).value = ""
        await pilot.press(*"Bejegening")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert [v.name for v in saved_views.list_views(sqlite_context)] == ["Bejegening"]
        await pilot.press("escape")  # filters gone
        await settle(pilot, app)
        assert len(shown_ids(app)) == 6
        await pilot.press("v")
        await settle(pilot, app)
        assert isinstance(app.screen, ViewPicker)
        assert app.screen.query_one("#views-list", OptionList).option_count == 1
        await pilot.press("enter")
        await settle(pilot, app)
        assert shown_ids(app) == [ids[1], ids[3]]
        assert "weergave: Bejegening · categorie: Bejegening" in title(app)


async def test_marked_cases_are_assigned_at_once_and_a_refused_one_says_why(
        sqlite_context: Context, desk: dict[str, Any]) -> None:
    ids, jan = desk["ids"], desk["jan"]
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("b")  # nothing marked: says so
        assert any("Markeer eerst zaken" in n for n in notices(app))
        # newest first: ids[0], ids[1] (open, unassigned), ... ids[4] (closed)
        await pilot.press("space", "space", "down", "down", "space")
        await settle(pilot, app)
        assert inbox_of(app).case_list.marked == {ids[0], ids[1], ids[4]}
        assert "Inbox · 3 gemarkeerd" in title(app)
        assert str(inbox_of(app).case_list.render_line(1).text).startswith("✓")  # the mark column
        await pilot.press("b")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, BulkDialog)
        dialog.query_one("#bulk-action", Select).value = "toewijzen"
        await pilot.pause()
        dialog.query_one("#bulk-handler", Select).value = jan.user.id
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        [report] = [n for n in notices(app) if "van 3 zaken" in n]
        number = complaints.get_case(sqlite_context, ids[4], record_view=False).number
        assert report.startswith("2 van 3 zaken toegewezen aan Jan Jansen.\nGeweigerd (1):\n" + number + ": ")
        assert "heropen haar eerst" in report
        assert inbox_of(app).case_list.marked == {ids[4]}  # the refused one stays marked
        for case in (ids[0], ids[1]):
            detail = complaints.get_case(sqlite_context, case, record_view=False)
            assert detail.handler == "Jan Jansen" and detail.status is Status.ASSIGNED


async def test_a_case_a_colleague_assigns_to_me_is_a_notification_once(
        sqlite_context: Context, desk: dict[str, Any]) -> None:
    ids = desk["ids"]
    manager = colleague(sqlite_context, "mia", "Mia Manager", StaffRole.MANAGER)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = inbox_of(app)
        screen._poll()  # the first look: where the notices start
        await settle(pilot, app)
        workflow.assign(manager, ids[0], version(sqlite_context, ids[0]), sqlite_context.user.id)
        workflow.assign(sqlite_context, ids[1], version(sqlite_context, ids[1]), sqlite_context.user.id)  # my own
        screen._poll()
        await settle(pilot, app)
        number = complaints.get_case(sqlite_context, ids[0], record_view=False).number
        assigned = [n for n in notices(app) if "aan u toegewezen" in n]
        assert assigned == [f"Mia Manager heeft zaak {number} aan u toegewezen."]
        screen._poll()
        await settle(pilot, app)
        assert [n for n in notices(app) if "aan u toegewezen" in n] == assigned  # once


async def test_a_case_assigned_while_the_app_was_closed_is_said_at_the_start(
        sqlite_context: Context, desk: dict[str, Any]) -> None:
    ids = desk["ids"]
    manager = colleague(sqlite_context, "mia", "Mia Manager", StaffRole.MANAGER)
    workflow.assign(manager, ids[0], version(sqlite_context, ids[0]), sqlite_context.user.id)
    number = complaints.get_case(sqlite_context, ids[0], record_view=False).number
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        inbox_of(app)._poll()  # the first look
        await settle(pilot, app)
        assert [n for n in notices(app) if "aan u toegewezen" in n] == [
            f"Mia Manager heeft zaak {number} aan u toegewezen."]
    complaints.get_case(sqlite_context, ids[0])  # opened: seen, so the next start says nothing
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        inbox_of(app)._poll()
        await settle(pilot, app)
        assert not [n for n in notices(app) if "aan u toegewezen" in n]


async def test_the_filter_and_bulk_dialogs_work_at_80x24(sqlite_context: Context, desk: dict[str, Any]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await settle(pilot, app)
        screen = app.screen.region
        assert screen.contains_region(app.screen.query_one("#submit").region)
        app.screen.query_one("#filter-to", Input).focus()
        await pilot.press(*"morgen")  # a day ahead: harmless for "ontvangen t/m"
        await settle(pilot, app)
        field = app.screen.query_one("#filter-to", Input).region
        assert field.area and screen.contains_region(field)  # the fields scroll to the one being typed in
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("space", "b")
        await settle(pilot, app)
        assert isinstance(app.screen, BulkDialog)
        assert app.screen.region.contains_region(app.screen.query_one("#submit").region)
