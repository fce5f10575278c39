"""Issue 15 item 14, as a tester walked it: the inbox's Status shows whole at 80x24 (in
full, or a short form that is still unambiguous), the position counter is never cut by a
long header, and the deadlines' month calendar keeps its Sunday.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from textual.widget import Widget

from klachtdesk.app import create_app
from klachtdesk.models import Complaint, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.screens.deadlines import DeadlinesScreen
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.case_list import COLUMNS, SHORT_STATUS, layout_columns, status_text
from tests.ui.test_small_terminal import settle
from tests.ui.waiting import wait_until

STATUSES = (Status.IN_PROGRESS, Status.SOLUTION_PROPOSED, Status.FORWARDED, Status.IN_MEDIATION,
            Status.REFERRED, Status.ASSIGNED)


def fill(context: Context) -> None:
    for i, status in enumerate(STATUSES):
        case = complaints.register(context, RegistrationInput(
            complainant=PersonInput(name=f"Klager {i}", phone="0612345678"),
            received_at=context.now() - timedelta(hours=i),
            service_type=context.settings.lists.service_types[0], description="Omschrijving",
        ))
        with context.db.write() as session:
            session.execute(update(Complaint).where(Complaint.id == case.id).values(status=status))  # type: ignore[arg-type]


def lines(widget: Widget) -> list[str]:
    """The text of each line ``widget`` shows now."""
    return [strip.text for strip in widget.render_lines(widget.size.region)]


def screen_lines(app: Any) -> list[str]:
    """The text of each line of the terminal, as the user sees it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def test_the_short_status_fits_and_is_unambiguous() -> None:
    status_width = layout_columns(80)[COLUMNS.index(next(c for c in COLUMNS if c.title == "Status"))]
    shorts = [status_text(status.value, status_width) for status in Status] + [status_text("te beoordelen", status_width)]
    assert all(len(short) <= status_width for short in shorts)
    assert len(set(shorts)) == len(shorts)  # no two statuses look alike
    assert set(SHORT_STATUS) <= {s.value for s in Status} | {"te beoordelen"}
    # wide enough: the full words
    assert status_text("oplossing voorgesteld", 21) == "oplossing voorgesteld"


async def test_the_inbox_at_80x24_shows_each_status_whole(sqlite_context: Context) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        shown = "\n".join(lines(app.screen.query_one("#inbox-list")))
        for words in ("behandeling", "voorgesteld", "doorgestuurd", "bemiddeling", "doorverwezen", "toegewezen"):
            assert f" {words} " in shown
        header = shown.splitlines()[0]
        assert "Klachtnummer" in header and "Behandelaar" in header and "Eerstvolgende termijn" in header
        assert "…" not in "".join(line[32:46] for line in shown.splitlines())  # the Status column: nothing cut


async def test_a_long_header_gives_way_to_the_whole_counter(sqlite_context: Context) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, app)
        term = "onvriendelijke behandeling door de huisarts en de assistente van de praktijk"
        await pilot.press("slash", *term)
        # the whole term's rows on screen (on a loaded machine the quiet time may pass halfway
        # and a shorter term's "0 zaken" come first), then its header
        await wait_until(pilot, lambda: app.screen._shown_query is not None and app.screen._shown_query.text == term
                         and screen_lines(app)[1].rstrip().endswith(" 0 zaken"))
        await settle(pilot, app)
        line = screen_lines(app)[1].rstrip()
        assert line.endswith(" 0 zaken"), line
        assert "…" in line  # the search's description gave way


async def open_deadlines(pilot: Any, app: Any, mine: bool = False) -> None:
    await settle(pilot, app)
    await app.push_screen(DeadlinesScreen())
    await settle(pilot, app)
    if mine:
        await pilot.press("m")
        await settle(pilot, app)


async def test_the_deadlines_at_80x24_keep_what_a_desk_needs(sqlite_context: Context) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_deadlines(pilot, app)
        shown = screen_lines(app)
        header = next(line for line in shown if "Zaak" in line)
        for title in ("Zaak", "Termijn", "Behandelaar", "Uiterlijk", "Werkdagen"):
            assert title in header
        assert "Klager" not in header  # the klager gives way first
        assert "…" not in header
        assert shown[1].rstrip().endswith(f"1 van {len(STATUSES) * 3} termijnen")  # eerste contact, reactie, beslissing


async def test_the_calendar_keeps_its_sunday_and_the_counter_says_what_it_counts(sqlite_context: Context) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_deadlines(pilot, app)
        shown = screen_lines(app)
        assert any(line.rstrip().endswith("za   zo") for line in shown), shown[:8]
        assert shown[1].rstrip().endswith(" termijnen")
        assert " 1 van " in shown[1]
        await pilot.press("m")
        await settle(pilot, app)
        assert screen_lines(app)[1].rstrip().endswith(" termijnen") or screen_lines(app)[1].rstrip().endswith(" termijn")
