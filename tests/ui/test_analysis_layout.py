"""Issue 15 item 14: the analysis at 80×24, 140×45 and 200×60. The termijnnaleving's eight
columns give way by priority (shorter titles, then "Verlengd" and "Open" left out, never
"% op tijd") instead of scrolling sideways; with room every column has its own title.
Snapshots at 80×24 (the first tab and Afhandeling) and at 140×45."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from klachtdesk.app import create_app
from klachtdesk.screens.analysis import NARROW, AnalysisScreen, fit_table
from klachtdesk.services.analysis.rendering import Column, Table
from klachtdesk.services.core.context import Context
from tests.ui.test_analysis import _settle, data  # noqa: F401 - the fixture

#: what a manager reads the termijnnaleving for: never left out at 80 columns
REQUIRED = ["Termijn", "Aantal", "Op tijd", "Laat", "Te laat", "% op tijd"]
FULL = ["Termijn", "Aantal", "Op tijd", "Laat gehaald", "Nog te laat", "Open", "Verlengd", "% op tijd"]


def _titles(table: DataTable[Any]) -> list[str]:
    return [str(column.label) for column in table.ordered_columns]


def _fits(table: DataTable[Any]) -> bool:
    return table.virtual_size.width <= table.scrollable_content_region.width


def _compliance(rows: int = 4) -> Table:
    columns = (Column("termijn", "Termijn"), Column("einddatum_in_periode", "Aantal", "count"),
               Column("op_tijd", "Op tijd", "count"), Column("te_laat_gehaald", "Laat gehaald", "count"),
               Column("nog_te_laat", "Nog te laat", "count"), Column("nog_open", "Open", "count"),
               Column("verlengd", "Verlengd", "count"), Column("op_tijd_pct", "% op tijd", "percent"))
    return Table("termijnnaleving", "Termijnnaleving", columns,
                 tuple(("Eerste contact (2 werkdagen)", 43, 34, 9, 0, 0, 0, 79.1) for _ in range(rows)))


def _open(app: Any, tab: str) -> Any:
    async def run_before(pilot: Any) -> None:
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        if tab:
            await pilot.press(tab)
            await _settle(app, pilot)

    return run_before


def test_fit_table_gives_way_by_priority() -> None:
    table, narrow = _compliance(), NARROW["compliance"]
    assert fit_table(table, 0, narrow).shown == tuple(range(8))  # width not known yet: everything
    wide = fit_table(table, 101, narrow)
    assert list(wide.titles) == FULL and wide.shown == tuple(range(8))
    at_80 = fit_table(table, 78, narrow)
    assert [at_80.titles[i] for i in at_80.shown] == REQUIRED
    between = fit_table(table, 80, narrow)  # short titles make room for Open, not for Verlengd
    assert [between.titles[i] for i in between.shown] == [*REQUIRED[:5], "Open", "% op tijd"]
    assert fit_table(table, 86, narrow).shown == tuple(range(8))  # more columns before longer titles
    tiny = fit_table(table, 40, narrow)  # what cannot give way stays (and scrolls)
    assert [tiny.titles[i] for i in tiny.shown] == REQUIRED


def test_where_no_column_may_be_left_out_the_shorter_titles_make_it_fit() -> None:
    columns = (Column("soort", "Soort"), Column("waarde", "Waarde"), Column("aantal", "Aantal", "count"),
               Column("gemiddelde", "Gemiddelde vorige 8", "decimal"), Column("drempel", "Drempel", "decimal"))
    table = Table("opvallend", "Opvallende stijgingen", columns,
                  (("Type dienstverlening", "Kwaliteit van zorg of dienst", 7, 1.9, 4.5),))
    assert fit_table(table, 120, NARROW["notable"]).titles[3] == "Gemiddelde vorige 8"
    at_80 = fit_table(table, 78, NARROW["notable"])
    assert at_80.titles[3] == "Gem." and at_80.shown == tuple(range(5))


async def test_at_80_columns_the_termijnnaleving_shows_what_matters_without_scrolling(
        sqlite_context: Context, data: list[str]) -> None:  # noqa: F811
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, "2")(pilot)
        screen = app.screen
        assert isinstance(screen, AnalysisScreen) and screen.finished
        compliance = screen.query_one("#table-compliance", DataTable)
        assert _titles(compliance) == REQUIRED
        assert _fits(compliance) and compliance.virtual_size.width <= 80
        note = str(screen.query_one("#note-compliance", Static).render())
        assert "Laat = laat gehaald" in note and "Open, Verlengd" in note
        for key in ("handling", "outcomes", "backlog"):
            assert _fits(screen.query_one(f"#table-{key}", DataTable)), key
        await pilot.press("1")
        await _settle(app, pilot)
        for key in ("category", "service_type", "channel", "kind"):
            table = screen.query_one(f"#table-{key}", DataTable)
            assert len(table.ordered_columns) == 6 and _fits(table), key

        await pilot.resize_terminal(140, 45)  # wider again: every column with its own title
        await pilot.press("2")
        await _settle(app, pilot)
        assert _titles(compliance) == FULL and _fits(compliance)
        assert "breder scherm" not in str(screen.query_one("#note-compliance", Static).render())


@pytest.mark.parametrize("size", [(140, 45), (200, 60)])
async def test_with_room_every_column_has_its_own_title(sqlite_context: Context, data: list[str],  # noqa: F811
                                                         size: tuple[int, int]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=size) as pilot:
        await _open(app, "2")(pilot)
        screen = app.screen
        compliance = screen.query_one("#table-compliance", DataTable)
        assert _titles(compliance) == FULL and _fits(compliance)
        title = screen.query_one("#title-backlog", Static)  # the backlog's title wraps, it is not cut
        assert title.size.height >= 1 and "2026" in str(title.render())


@pytest.fixture
def steady_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar says how long the computation took: "berekend in 0,0 s" on every run."""
    import klachtdesk.screens.analysis as screen_module

    monkeypatch.setattr(screen_module, "time", SimpleNamespace(perf_counter=lambda: 0.0))


@pytest.mark.usefixtures("steady_timing")
def test_analysis_80x24(sqlite_context: Context, data: list[str], snap_compare: Any) -> None:  # noqa: F811
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open(app, ""))


@pytest.mark.usefixtures("steady_timing")
def test_analysis_termijnnaleving_80x24(sqlite_context: Context, data: list[str],  # noqa: F811
                                        snap_compare: Any) -> None:
    """Afhandeling, scrolled to the termijnnaleving: six columns and the note that says why."""
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def run_before(pilot: Any) -> None:
        await _open(app, "2")(pilot)
        app.screen.query_one("#section-compliance").scroll_visible(animate=False, top=True)
        await _settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.usefixtures("steady_timing")
def test_analysis_termijnnaleving_140x45(sqlite_context: Context, data: list[str],  # noqa: F811
                                         snap_compare: Any) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    assert snap_compare(app, terminal_size=(140, 45), run_before=_open(app, "2"))
