"""The analysis screen and the improvement measures, driven by the keyboard (Pilot)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, SelectionList, Sparkline, Static, TabbedContent

from klachtdesk.app import create_app
from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Channel, MeasureStatus, StaffRole
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.cases import complaints
from klachtdesk.services.improvement import measures
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.improvement.measures import MeasureInput
from tests.ui.waiting import workers_done

SIZE = (140, 45)


def _register(context: Context, received: datetime, category: str, person_id: int | None = None) -> str:
    return complaints.register(context, RegistrationInput(
        channel=Channel.PHONE, received_at=received,
        complainant=PersonInput(name="" if person_id else "Piet Pieters", phone="0612345678", person_id=person_id),
        service_type="Teleconsultatie", category=category, description="Voorval",
    )).number


@pytest.fixture
def data(sqlite_context: Context) -> list[str]:
    """Q3 2025: one case (so the history counts from there); Q2 2026: one Bejegening;
    Q3 2026 (the last complete quarter on 23 November 2026): three Bejegening, one Privacy."""
    context = sqlite_context
    _register(context, datetime(2025, 8, 4, 10, tzinfo=AMSTERDAM), "Privacy en gegevens")
    _register(context, datetime(2026, 5, 4, 10, tzinfo=AMSTERDAM), "Bejegening")
    first = _register(context, datetime(2026, 7, 6, 10, tzinfo=AMSTERDAM), "Bejegening")
    person = complaints.get_case(context, complaints.id_for_number(context, first), record_view=False).parties[0].person_id
    second = _register(context, datetime(2026, 8, 5, 10, tzinfo=AMSTERDAM), "Bejegening", person)
    third = _register(context, datetime(2026, 9, 8, 10, tzinfo=AMSTERDAM), "Bejegening", person)
    _register(context, datetime(2026, 9, 9, 10, tzinfo=AMSTERDAM), "Privacy en gegevens")
    return [first, second, third]


async def _settle(app: Any, pilot: Any) -> None:
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()


def _cells(table: DataTable[Any], key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


async def test_the_quarter_and_its_trends(sqlite_context: Context, data: list[str]) -> None:
    from klachtdesk.screens.analysis import AnalysisScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AnalysisScreen) and screen.finished
        assert "3e kwartaal 2026" in str(screen.query_one("#analysis-title", Static).render())
        table = screen.query_one("#table-category", DataTable)
        # Bejegening: 3 now, 1 in Q2 (+2), 0 a year earlier (+3)
        assert _cells(table, "category|Bejegening") == ["Bejegening", "3", "1", "+2", "0", "+3"]
        assert _cells(table, "totaal")[1:4] == ["4", "1", "+3"]
        repeats = screen.query_one("#table-repeats", DataTable)
        assert repeats.row_count == 1 and "Piet Pieters" in str(repeats.get_row_at(0)[0])  # tester may see names

        await pilot.press("3")
        assert screen.query_one(TabbedContent).active == "tab-trends"
        sparks = list(screen.query(Sparkline))
        assert len(sparks) == len(sqlite_context.settings.lists.categories) + len(
            sqlite_context.settings.lists.service_types)
        assert list(sparks[0].data or []) == [0] * 10 + [1, 3]  # Bejegening, the first configured category
        await pilot.press("p")
        await _settle(app, pilot)
        assert "2e kwartaal 2026" in str(screen.query_one("#analysis-title", Static).render())
        assert _cells(screen.query_one("#table-category", DataTable), "category|Bejegening")[1] == "1"
        await pilot.press("m")
        await _settle(app, pilot)
        assert "april 2026" in str(screen.query_one("#analysis-title", Static).render())
        await pilot.press("n", "j")
        await _settle(app, pilot)
        assert screen.period is not None and screen.period.code == "2026"
        # a year's previous period is the year ago: named once (issue 15, item 15)
        progress = str(screen.query_one("#analysis-progress", Static).render())
        assert "vergeleken met 2025 ·" in progress and "2025 en 2025" not in progress
        assert _cells(screen.query_one("#table-category", DataTable), "category|Bejegening")[1] == "4"
        await pilot.press("escape")
        assert not isinstance(app.screen, AnalysisScreen)


async def test_a_measure_from_a_rising_category(sqlite_context: Context, data: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from klachtdesk.screens.analysis import AnalysisScreen
    from klachtdesk.screens.measures import MeasureFormScreen

    monkeypatch.setattr(analysis, "NOTABLE_MIN_CASES", 3)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.push_screen(AnalysisScreen())
        await _settle(app, pilot)
        await pilot.press("4")
        notable = app.screen.query_one("#table-notable", DataTable)
        assert notable.has_focus and _cells(notable, "category|Bejegening")[:3] == ["Aard van de klacht", "Bejegening", "3"]
        # Teleconsultatie (every case) rises most and comes first; Bejegening is the next row
        assert _cells(notable, "service_type|Teleconsultatie")[2] == "4"
        assert notable.get_row_index("category|Bejegening") == 1
        await pilot.press("down", "c")
        await _settle(app, pilot)
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        assert form.query_one("#f-category", Select).value == "Bejegening"
        assert form.query_one("#f-owner", Select).value == sqlite_context.user.id
        suggestions = form.query_one("#f-suggestions", SelectionList)
        assert sorted(str(suggestions.get_option_at_index(i).value) for i in range(suggestions.option_count)) == data
        # the row's complaints are ticked, and what is ticked is linked (issue 15, item 5)
        assert sorted(suggestions.selected) == data
        suggestions.focus()
        await pilot.press("space")  # untick the first
        unticked = str(suggestions.get_option_at_index(0).value)
        assert unticked not in suggestions.selected
        form.query_one("#f-due", Input).value = "29-01-2027"
        await pilot.pause()
        assert "vrijdag 29 januari 2027" in str(form.query_one("#h-due", Static).render())
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, AnalysisScreen)
    (saved,) = measures.list_measures(sqlite_context)
    assert saved.category == "Bejegening" and sorted(saved.complaint_numbers) == sorted(set(data) - {unticked})
    assert saved.title.startswith("Bejegening")


async def test_a_row_with_more_complaints_than_offered_says_so(sqlite_context: Context, data: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Every complaint of the row is offered (the form took the newest 15 and said nothing);
    beyond the form's limit it says that there are more and how to link them."""
    from klachtdesk.screens import measure_form
    from klachtdesk.screens.analysis import AnalysisScreen

    monkeypatch.setattr(analysis, "NOTABLE_MIN_CASES", 3)
    monkeypatch.setattr(measure_form, "SUGGESTIONS", 2)  # the row has three
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.push_screen(AnalysisScreen())
        await _settle(app, pilot)
        await pilot.press("4", "down", "c")
        await _settle(app, pilot)
        form = app.screen
        suggestions = form.query_one("#f-suggestions", SelectionList)
        assert suggestions.option_count == 2
        hint = form.query_one("#suggestions-hint", Static)
        assert not hint.has_class("-empty") and "De nieuwste 2 klachten van de rij" in str(hint.render())


async def test_the_form_keeps_input_and_shows_errors_at_the_field(sqlite_context: Context, data: list[str]) -> None:
    from klachtdesk.screens.measures import MeasureFormScreen, MeasuresScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.action_open_measures()
        await _settle(app, pilot)
        assert isinstance(app.screen, MeasuresScreen)
        await pilot.press("n")
        await _settle(app, pilot)
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        form.query_one("#f-complaints", Input).value = "KL-2026-999999"
        form.query_one("#f-due", Input).value = "31-02-2027"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeasureFormScreen)
        assert "titel" in str(form.query_one("#e-title", Static).render())
        assert "bestaat niet" in str(form.query_one("#e-due", Static).render())
        assert form.query_one("#f-title", Input).has_focus
        form.query_one("#f-title", Input).value = "Terugbelafspraken nakomen"
        form.query_one("#f-due", Input).value = "2027-02-26"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Klacht KL-2026-999999 bestaat niet." in str(form.query_one("#e-complaints", Static).render())
        assert form.query_one("#f-title", Input).value == "Terugbelafspraken nakomen"  # nothing lost
        form.query_one("#f-complaints", Input).value = data[0]
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, MeasuresScreen)
        table = app.screen.query_one("#measures-table", DataTable)
        assert table.row_count == 1
        # the next status, then an edit
        await pilot.press("s")
        await _settle(app, pilot)
        assert measures.list_measures(sqlite_context)[0].status is MeasureStatus.IN_PROGRESS
        await _settle(app, pilot)
        detail = str(app.screen.query_one("#measure-detail", Static).render())
        assert "Geschiedenis:" in detail and "status open → in uitvoering" in detail and data[0] in detail
        await pilot.press("e")
        await _settle(app, pilot)
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        assert form.query_one("#f-title", Input).value == "Terugbelafspraken nakomen"
        assert form.query_one("#f-status", Select).value is MeasureStatus.IN_PROGRESS
        form.query_one("#f-status", Select).value = MeasureStatus.DONE
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert measures.list_measures(sqlite_context)[0].status is MeasureStatus.DONE
        # evaluating without a finding opens the form at the finding
        await pilot.press("s")
        await _settle(app, pilot)
        assert isinstance(app.screen, MeasureFormScreen)
        assert app.screen.query_one("#f-check_finding", Input).has_focus


async def test_a_stale_edit_is_refused_and_the_input_stays(sqlite_context: Context, data: list[str]) -> None:
    from klachtdesk.screens.measures import MeasureFormScreen

    view = measures.create(sqlite_context, MeasureInput(
        title="Wachtmuziek vervangen", owner_id=sqlite_context.user.id,
        due=datetime(2027, 1, 15).date(), complaint_numbers=[data[0]]))
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.push_screen(MeasureFormScreen(measure_id=view.id))
        await _settle(app, pilot)
        form = app.screen
        form.query_one("#f-title", Input).value = "Mijn versie"
        measures.set_status(sqlite_context, view.id, view.version, MeasureStatus.IN_PROGRESS)  # a colleague
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen is form and form.query_one("#f-title", Input).value == "Mijn versie"
        assert any("intussen gewijzigd" in str(n.message) for n in app._notifications)
    assert measures.get(sqlite_context, view.id).title == "Wachtmuziek vervangen"


async def test_new_measure_from_a_case(sqlite_context: Context, data: list[str]) -> None:
    from klachtdesk.screens.measures import MeasureFormScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        app.action_new_measure(complaints.id_for_number(sqlite_context, data[1]))
        await _settle(app, pilot)
        assert isinstance(app.screen, MeasureFormScreen)
        assert app.screen.query_one("#f-complaints", Input).value == data[1]
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, MeasureFormScreen)


async def test_directie_sees_no_names_and_a_handler_no_analysis(sqlite_context: Context, data: list[str]) -> None:
    from klachtdesk.screens.analysis import AnalysisScreen
    from klachtdesk.services.identity import staff

    with sqlite_context.db.write() as session:
        staff.create_staff(session, sqlite_context, "dir", "Dirk Directie", {StaffRole.MANAGEMENT})
        staff.create_staff(session, sqlite_context, "beh", "Bea Behandelaar", {StaffRole.HANDLER})
    for username, may in (("dir", True), ("beh", False)):
        other = Context(db=sqlite_context.db, clock=sqlite_context.clock, settings=sqlite_context.settings)
        other.user = staff.sign_in(other, username)
        app = create_app(other, offer_demo=False, animations=False)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(app, pilot)
            app.push_screen(AnalysisScreen())
            await _settle(app, pilot)
            if may:
                repeats = app.screen.query_one("#table-repeats", DataTable)
                assert [str(c) for c in repeats.get_row_at(0)] == ["3", ", ".join(data)]
                assert "Piet" not in str(app.screen.query_one("#note-repeats", Static).render())
            else:
                assert app.screen.query("#analysis-denied")


async def test_at_140_columns_every_column_of_the_termijnnaleving_fits(sqlite_context: Context,
                                                                         data: list[str]) -> None:
    """Issue 15: at 140×45 the "% op tijd" column was cut off (the table had half the width)."""
    from klachtdesk.screens.analysis import AnalysisScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AnalysisScreen) and screen.finished
        await pilot.press("2")
        await _settle(app, pilot)
        table = screen.query_one("#table-compliance", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        backlog = screen.query_one("#table-backlog", DataTable)
        assert backlog.virtual_size.width <= backlog.scrollable_content_region.width


async def test_at_80_columns_the_halves_stand_one_under_the_other(sqlite_context: Context, data: list[str]) -> None:
    """Issue 15: at 80×24 two tables side by side each got half of too little; one under the
    other, full width, with the tab scrolling, every column but the widest table's fits."""
    from klachtdesk.screens.analysis import AnalysisScreen

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AnalysisScreen) and screen.finished and screen.has_class("-narrow")
        title = screen.query_one("#analysis-title", Static)
        assert str(title.render()).startswith("Analyse · ") and title.region.width >= len(str(title.render()))
        await pilot.press("2")
        await _settle(app, pilot)
        for key in ("handling", "outcomes", "backlog"):
            table = screen.query_one(f"#table-{key}", DataTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width, key
        handling = screen.query_one("#table-handling", DataTable).region
        outcomes = screen.query_one("#table-outcomes", DataTable).region
        assert outcomes.y > handling.y and outcomes.width == handling.width  # one under the other
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        assert not app.screen.has_class("-narrow")  # side by side again where there is room
