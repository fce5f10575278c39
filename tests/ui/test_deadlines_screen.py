"""The Deadlines screen as a user drives it: groups with counts, Enter opens the case,
my cases only, group jumps, paging through a long list, the month view.
Pilot, a fixed clock (Monday 23 November 2026, 10:00), a SQLite database per test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import update
from textual.widgets import Static
from textual.worker import WorkerCancelled

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Complaint, StaffRole
from klachtdesk.screens import deadlines as deadlines_screen
from klachtdesk.screens.deadlines import DeadlinesScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.identity import staff
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists.deadline_board import Group
from klachtdesk.widgets import deadline_list as deadline_list_module
from klachtdesk.widgets.month_calendar import render_month
from tests.ui.waiting import workers_done, wait_until

SIZE = (140, 45)


def register(context: Context, day: int, hour: int = 10, name: str = "Jan de Vries") -> int:
    return complaints.register(context, RegistrationInput(
        received_at=datetime(2026, 11, day, hour, tzinfo=AMSTERDAM),
        complainant=PersonInput(name=name, phone="0612345678"),
        service_type=context.settings.lists.service_types[0], description="Omschrijving",
    )).id


@pytest.fixture
def cases(sqlite_context: Context) -> list[int]:
    """Five cases received Tuesday 17 to Monday 23 November: deadlines in every group.

    overdue 3 (19, 20, 20 Nov) · today 2 (23) · tomorrow 2 (24) · this week 3 (25, 25, 26) · later 5 (decisions)
    """
    return [register(sqlite_context, day, 9 if day == 23 else 10, name=f"Klager {day}") for day in (17, 18, 19, 20, 23)]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids passed to ``app.action_open_case``."""
    calls: list[int] = []
    monkeypatch.setattr(KlachtdeskApp, "action_open_case", lambda self, complaint_id: calls.append(complaint_id))
    return calls


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    for _ in range(3):
        try:
            await workers_done(app)
        except WorkerCancelled:  # an exclusive worker replaced by a newer one (a poll)
            pass
        await pilot.pause()


async def open_deadlines(pilot: Any, app: KlachtdeskApp) -> DeadlinesScreen:
    await settle(pilot, app)
    await pilot.press("d")  # from the inbox
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, DeadlinesScreen)
    return screen


def text_of(screen: DeadlinesScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_groups_with_counts_and_colours(sqlite_context: Context, cases: list[int]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deadlines(pilot, app)
        assert [text_of(screen, f"#deadlines-group-{int(g)}") for g in Group] == [
            "Te laat 3", "Vandaag 2", "Morgen 2", "Deze week 3", "Later 5"]
        assert screen.query_one("#deadlines-group-0").has_class("group-te-laat")
        assert screen.query_one("#deadlines-group-1").has_class("group-vandaag")
        listing = screen.deadline_list
        assert [item.group for item in listing.items] == [Group.OVERDUE] * 3 + [Group.TODAY] * 2 + [
            Group.TOMORROW] * 2 + [Group.THIS_WEEK] * 3 + [Group.LATER] * 5
        assert listing.header_text(Group.OVERDUE) == "▌ Te laat · 3"
        first = listing.current
        assert first is not None and first.party == "Klager 17" and first.werkdagen_left == -2
        assert text_of(screen, "#deadlines-position") == "1 van 15 termijnen"
        rendered = "\n".join(listing.render_line(y).text for y in range(8))
        assert "Te laat · 3" in rendered and "Vandaag · 2" in rendered
        assert "2 werkdagen te laat" in rendered and "vandaag" in rendered


async def test_enter_opens_the_case(sqlite_context: Context, cases: list[int], opened: list[int]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deadlines(pilot, app)
        await pilot.press("down", "down", "down", "enter")
        item = screen.deadline_list.current
        assert item is not None and item.group is Group.TODAY
        assert opened == [item.complaint_id]


async def test_enter_pushes_the_case_screen(sqlite_context: Context, cases: list[int]) -> None:
    from klachtdesk.screens.case_detail import CaseDetailScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_deadlines(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DeadlinesScreen)


async def test_my_cases_only(sqlite_context: Context, cases: list[int]) -> None:
    context = sqlite_context
    with context.db.write() as session:
        other = staff.create_staff(session, context, "bram", "Bram Smit", {StaffRole.HANDLER})
        session.execute(update(Complaint).where(Complaint.id == cases[0]).values(handler_id=context.user.id))  # type: ignore[arg-type]
        session.execute(update(Complaint).where(Complaint.id == cases[1]).values(handler_id=other.id))  # type: ignore[arg-type]
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deadlines(pilot, app)
        await pilot.press("m")
        await settle(pilot, app)
        assert "mijn zaken" in text_of(screen, "#deadlines-title")
        assert {item.complaint_id for item in screen.deadline_list.items} == {cases[0]}
        assert {item.handler for item in screen.deadline_list.items} == {"Tess Tester"}
        assert text_of(screen, "#deadlines-group-0") == "Te laat 2"
        await pilot.press("m")
        await settle(pilot, app)
        assert len(screen.deadline_list.items) == 15


async def test_group_jump_and_paging(sqlite_context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    for day in range(2, 21):  # a case every werkdag from 2 to 20 November: 45 deadlines
        if datetime(2026, 11, day).weekday() < 5:
            register(sqlite_context, day)
    monkeypatch.setattr(deadlines_screen, "PAGE", 8)
    monkeypatch.setattr(deadline_list_module, "PREFETCH", 3)
    monkeypatch.setattr(deadline_list_module, "MAX_ROWS", 20)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 20)) as pilot:  # a short list: rows scroll out of the window
        screen = await open_deadlines(pilot, app)
        listing = screen.deadline_list
        total = screen.counts.total if screen.counts else 0
        assert total == 45 and len(listing.items) == 8
        seen = [listing.current.key] if listing.current else []
        for _ in range(total - 1):
            await pilot.press("down")
            await settle(pilot, app)
            assert listing.current is not None
            seen.append(listing.current.key)
        assert seen == sorted(seen) and len(set(seen)) == total  # no gaps, no repeats
        assert len(listing.items) <= 20 + 8  # a window, not the whole board
        assert text_of(screen, "#deadlines-position") == "45 van 45 termijnen"
        await pilot.press("home")
        await settle(pilot, app)
        assert listing.position == 0 and listing.current is not None and listing.current.key == seen[0]
        await pilot.press("5")  # later
        await settle(pilot, app)
        assert listing.current is not None and listing.current.group is Group.LATER
        assert listing.position == screen.counts.start_index(Group.LATER)  # type: ignore[union-attr]
        await pilot.press("up")
        await settle(pilot, app)
        assert listing.current is not None and listing.current.key == seen[listing.position]
        await pilot.press("end")
        await settle(pilot, app)
        assert listing.current is not None and listing.current.key == seen[-1]


async def test_month_view(sqlite_context: Context, cases: list[int]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deadlines(pilot, app)
        month = screen.month_calendar
        assert month.view is not None and (month.view.year, month.view.month) == (2026, 11)
        assert month.view.counts[datetime(2026, 11, 25).date()] == 2
        await pilot.press("right_square_bracket")
        await settle(pilot, app)
        assert month.view is not None and (month.view.year, month.view.month) == (2026, 12)
        console = Console(width=40, record=True, color_system=None)
        console.print(render_month(month.view))
        shown = console.export_text()
        assert "december 2026" in shown and "Eerste kerstdag" in shown and "Tweede kerstdag" in shown
        assert month.view.counts == {datetime(2026, 12, 29).date(): 1, datetime(2026, 12, 30).date(): 1,
                                     datetime(2026, 12, 31).date(): 1}
        assert "3 open termijnen deze maand" in shown
        for _ in range(5):  # to May 2027
            await pilot.press("right_square_bracket")
        await settle(pilot, app)
        console = Console(width=40, record=True, color_system=None)
        console.print(render_month(month.view))  # type: ignore[arg-type]
        assert "Bevrijdingsdag (alleen Atw)" in console.export_text()  # 5 May 2027: not a lustrum year
        await pilot.press("k")
        assert screen.has_class("-no-calendar") and not month.display
        await pilot.press("k")
        assert month.display


async def test_escape_goes_back_to_the_inbox(sqlite_context: Context, cases: list[int]) -> None:
    from klachtdesk.screens.inbox import InboxScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_deadlines(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)


async def test_every_binding_has_an_id_and_a_description() -> None:
    from klachtdesk.widgets.deadline_list import DeadlineList

    for binding in [*DeadlinesScreen.BINDINGS, *DeadlineList.BINDINGS]:
        assert binding.id and binding.id.startswith("deadlines.") and binding.description  # type: ignore[union-attr]


async def test_a_recomputation_at_start_is_told_once(sqlite_context: Context, cases: list[int]) -> None:
    from klachtdesk.services.time.recompute import RecomputeSummary

    sqlite_context.calendar_recompute = RecomputeSummary(
        examined=15, moved=4, receipts_moved=0, cases=2, seconds=0.1, fingerprint="b", previous_fingerprint="a")
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_deadlines(pilot, app)
        assert any("4 verschoven in 2 zaken" in str(n.message) for n in app._notifications)
        assert sqlite_context.calendar_recompute is None


async def test_a_colleagues_new_case_shows_up(sqlite_context: Context, cases: list[int],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DeadlinesScreen, "POLL_SECONDS", 0.1)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deadlines(pilot, app)
        await pilot.pause(0.3)
        register(sqlite_context, 16, name="Nieuwe Klager")  # reply due Thursday 19 November: overdue
        # workers are cancelled by the next poll: wait by looking, not by joining
        await wait_until(pilot, lambda: text_of(screen, "#deadlines-group-0") == "Te laat 5"
                         and any(item.party == "Nieuwe Klager" for item in screen.deadline_list.items))
        assert text_of(screen, "#deadlines-group-0") == "Te laat 5"
        assert any(item.party == "Nieuwe Klager" for item in screen.deadline_list.items)
