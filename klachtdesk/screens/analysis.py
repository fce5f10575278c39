"""Analysis for management: one period's figures, their trends, and what stands out.

Every figure comes from ``services.analysis`` (aggregated in the database) and is
rendered from the same ``Table`` values the ``klachtdesk rapport`` command prints,
so the screen and the report always agree. The sections are computed one by one
in a thread worker; each appears as soon as it is ready, and a loading indicator
shows what is still being computed.
"""

from __future__ import annotations

from dataclasses import dataclass
import time
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Label,
    LoadingIndicator,
    Sparkline,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot
from textual.message import Message

from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.screens.measure_form import MeasureFormScreen
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.analysis import rendering
from klachtdesk.services.analysis.rendering import Table
from klachtdesk.services.time.dutch import format_count
from klachtdesk.services.improvement.measures import MeasureInput
from klachtdesk.services.time.periods import Granularity, Period, last_complete_period
from klachtdesk.services.core.permissions import Permission
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.plain import PlainTable
from klachtdesk.widgets.windowed_list import GAP, Column as ListColumn, fit_columns
from klachtdesk.widgets.footer import DeskFooter

#: how many categories the trend chart draws as lines (the largest in the period)
CHART_LINES = 5


class _Superseded(Exception):
    """Another period was asked for while this one was being computed."""


@dataclass(frozen=True)
class Narrow:
    """How a column of an analysis table gives way where the table does not fit its width."""

    short: str = ""  # a shorter title
    drop: int = 0  # as the inbox's ``Column.drop``: 0 never left out, else left out highest first


_COUNTS = {"vorige": Narrow(drop=1), "jaar_eerder": Narrow(drop=2)}
#: per table (``#table-<key>``), per column key of its ``Table``; "% op tijd" is never left out
NARROW: dict[str, dict[str, Narrow]] = {
    **dict.fromkeys(("category", "service_type", "channel", "kind"), _COUNTS),
    "compliance": {"te_laat_gehaald": Narrow("Laat"), "nog_te_laat": Narrow("Te laat"),
                   "nog_open": Narrow(drop=1), "verlengd": Narrow("Verl.", drop=2)},
    "notable": {"gemiddelde": Narrow("Gem.")},
}


@dataclass(frozen=True)
class Fit:
    """The titles of a table's columns and which of them are shown (by index)."""

    titles: tuple[str, ...]
    shown: tuple[int, ...]


def fit_table(table: Table, width: int, narrow: dict[str, Narrow] | None = None) -> Fit:
    """``table`` in a ``DataTable`` ``width`` cells wide: every column with its own title where
    that fits (or the width is not known yet: 0); else the shorter titles and the columns
    left out by priority (``fit_columns``, as the inbox). Only columns that cannot give way
    make the table scroll sideways."""
    narrow = narrow or {}
    formatted = table.formatted()
    full = tuple(column.title for column in table.columns)
    short = tuple(narrow.get(column.key, Narrow()).short or column.title for column in table.columns)
    widths: list[int] = []
    for titles in (full, short):
        widths = fit_columns([
            ListColumn(title, max([cell_len(title), *(cell_len(row[index]) for row in formatted)]),
                       drop=narrow.get(column.key, Narrow()).drop)
            for index, (title, column) in enumerate(zip(titles, table.columns, strict=True))
        ], width)
        fits = sum(widths) + GAP * (len(widths) - 1) + 2 <= width  # fit_columns keeps what cannot give way
        if width <= 0 or (all(widths) and fits):
            return Fit(titles, tuple(range(len(titles))))
    return Fit(short, tuple(index for index, cells in enumerate(widths) if cells))


def fill_table(widget: DataTable[Any], table: Table, *, keys: list[str] | None = None,
               fit: Fit | None = None) -> None:
    """Show an analysis ``Table`` in a ``DataTable``: numbers right-aligned, the total row bold;
    with ``fit``, only its columns, under its titles."""
    fit = fit or Fit(tuple(column.title for column in table.columns), tuple(range(len(table.columns))))
    columns = [(table.columns[index], fit.titles[index]) for index in fit.shown]
    cursor = widget.cursor_row
    widget.clear(columns=True)
    for column, title in columns:
        widget.add_column(Text(title, justify="right" if column.numeric else "left"), key=column.key)
    formatted = table.formatted()
    for index, row in enumerate(formatted):
        is_footer = table.footer is not None and index == len(formatted) - 1
        cells = [
            Text(row[position], justify="right" if column.numeric else "left", style="bold" if is_footer else "")
            for position, (column, _title) in zip(fit.shown, columns, strict=True)
        ]
        key = keys[index] if keys is not None and index < len(keys) else ("totaal" if is_footer else None)
        widget.add_row(*cells, key=key)
    if formatted:
        widget.move_cursor(row=min(max(cursor, 0), len(formatted) - 1))


def _whole_yticks(plt: Any, values: list[int]) -> None:
    """Whole numbers on the y axis, in Dutch notation (plotext prints ``2416.7``)."""
    top = max(values, default=0)
    if top <= 0:
        return
    step = max(1, -(-top // 4))
    ticks = list(range(0, top + step, step))
    plt.yticks(ticks, [format_count(t) for t in ticks])


@dataclass
class Progress(Message):
    """What is still being computed for the request ``token`` (empty: nothing)."""

    token: int
    text: str


@dataclass
class SectionReady(Message):
    """One section of the analysis (``key`` as in ``analysis.SECTIONS``) is computed;
    ``text``: what is still being computed."""

    token: int
    key: str
    result: Any
    text: str


@dataclass
class AnalysisDone(Message):
    """Every section of the request ``token`` is computed."""

    token: int


class AnalysisScreen(DeskScreen[None]):
    HELP_TITLE = "Analyse"

    DEFAULT_CSS = """
    AnalysisScreen #analysis-bar { height: 1; padding: 0 1; background: $boost; }
    /* the period always shows; what it is compared with gives way (an ellipsis) when narrow */
    AnalysisScreen #analysis-title { width: auto; text-style: bold; padding-right: 2; }
    AnalysisScreen #analysis-progress { width: 1fr; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    AnalysisScreen #analysis-spinner { width: 8; height: 1; }
    AnalysisScreen #analysis-spinner.-idle { display: none; }
    AnalysisScreen TabbedContent { height: 1fr; }
    AnalysisScreen TabPane { padding: 0; }
    AnalysisScreen .grid { height: 1fr; }
    AnalysisScreen .half { width: 1fr; height: 1fr; }
    /* the backlog's two columns fit in 38 cells: the termijnnaleving's eight get the rest */
    AnalysisScreen #section-backlog { width: 38; }
    AnalysisScreen .section { height: auto; max-height: 100%; }
    AnalysisScreen .section-title { text-style: bold; padding: 0 1; color: $accent; width: 100%; height: auto; }
    AnalysisScreen .note { color: $text-muted; padding: 0 1; height: auto; }
    AnalysisScreen DataTable { height: auto; max-height: 100%; }
    AnalysisScreen .quarter { height: 1fr; }
    AnalysisScreen PlotextPlot { height: 1fr; min-height: 12; }
    AnalysisScreen #trend-plots { height: 18; }
    AnalysisScreen #sparklines { height: 1fr; }
    AnalysisScreen .spark-row { height: 1; }
    AnalysisScreen .spark-name { width: 34; padding: 0 1; }
    AnalysisScreen .spark-value { width: 14; text-align: right; padding: 0 1; }
    AnalysisScreen Sparkline { width: 1fr; height: 1; }
    AnalysisScreen #analysis-denied { padding: 1 2; }
    /* a narrow terminal (80 columns): the halves one under the other, full width, and the
       tab scrolls, so every column of every table is in view */
    AnalysisScreen.-narrow .grid { overflow-y: auto; }
    AnalysisScreen.-narrow .quarter { layout: vertical; height: auto; }
    AnalysisScreen.-narrow .half { width: 1fr; height: auto; }
    AnalysisScreen.-narrow #section-backlog { width: 1fr; }
    AnalysisScreen.-narrow DataTable { max-height: 14; }
    AnalysisScreen.-narrow #trend-plots { layout: vertical; height: auto; }
    AnalysisScreen.-narrow PlotextPlot { height: 14; }
    """

    #: below this many columns the halves of a tab stand one under the other
    NARROW = 100

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "shift(-1)", "Vorige", id="analysis.previous"),
        Binding("n", "shift(1)", "Volgende", id="analysis.next"),
        Binding("m", "granularity('maand')", "Maand", id="analysis.month"),
        Binding("k", "granularity('kwartaal')", "Kwartaal", id="analysis.quarter"),
        Binding("j", "granularity('jaar')", "Jaar", id="analysis.year"),
        Binding("h", "current", "Huidige periode", id="analysis.current"),
        Binding("c", "new_measure", "Maatregel", id="analysis.measure"),
        Binding("l", "app.open_measures", "Maatregelen", id="analysis.measures"),
        Binding("1", "tab('tab-counts')", "Aantallen", id="analysis.tab_counts", show=False),
        Binding("2", "tab('tab-handling')", "Afhandeling", id="analysis.tab_handling", show=False),
        Binding("3", "tab('tab-trends')", "Trends", id="analysis.tab_trends", show=False),
        Binding("4", "tab('tab-notable')", "Opvallend", id="analysis.tab_notable", show=False),
        Binding("r", "reload", "Vernieuwen", id="analysis.reload", show=False),
        Binding("escape", "back", "Terug", id="analysis.back"),
    ]

    def __init__(self, period: Period | None = None) -> None:
        super().__init__()
        self._initial = period
        self.period: Period | None = period
        self._token = 0
        self._started = 0.0
        self._volume: analysis.Volume | None = None
        self.sections: dict[str, Any] = {}
        self.finished = False
        self._own_change = False
        #: per-period counts fetched while this screen is open (cleared by r and by changed data)
        self._counts_cache: dict[Period, Any] = {}
        #: the tables shown (and their row keys), and the columns each shows at its width
        self._tables: dict[str, tuple[Table, list[str] | None]] = {}
        self._fits: dict[str, Fit] = {}

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="analysis-bar"):
            yield Static(id="analysis-title")
            yield LoadingIndicator(id="analysis-spinner")
            yield Static(id="analysis-progress")
        with TabbedContent(initial="tab-counts"):
            with TabPane("Aantallen [1]", id="tab-counts"):
                with Vertical(classes="grid"):
                    with Horizontal(classes="quarter"):
                        yield self._section("category", "Aard van de klacht", classes="half")
                        yield self._section("service_type", "Type dienstverlening", classes="half")
                    with Horizontal(classes="quarter"):
                        yield self._section("channel", "Kanaal", classes="half")
                        yield self._section("kind", "Soort melding", classes="half")
            with TabPane("Afhandeling [2]", id="tab-handling"):
                with Vertical(classes="grid"):
                    with Horizontal(classes="quarter"):
                        yield self._section("handling", "Behandeltijd", classes="half")
                        yield self._section("outcomes", "Uitkomsten", classes="half")
                    with Horizontal(classes="quarter"):
                        yield self._section("compliance", "Termijnnaleving", classes="half")
                        yield self._section("backlog", "Achterstand", classes="half")
            with TabPane("Trends [3]", id="tab-trends"):
                with Vertical(classes="grid", id="trends"):
                    with Horizontal(id="trend-plots"):
                        yield PlotextPlot(id="plot-volume", classes="half")
                        yield PlotextPlot(id="plot-categories", classes="half")
                    with Horizontal(id="sparklines"):
                        yield VerticalScroll(id="spark-category", classes="half")
                        yield VerticalScroll(id="spark-service", classes="half")
            with TabPane("Opvallend [4]", id="tab-notable"):
                with VerticalScroll(classes="grid"):
                    yield self._section("notable", "Opvallende stijgingen")
                    yield self._section("repeats", "Herhaalde klagers")
                    yield Static("\n".join(f"• {line}" for line in analysis.DEFINITIONS), classes="note",
                                 id="definitions")
        yield DeskFooter()

    def _section(self, key: str, title: str, classes: str = "") -> Vertical:
        table: DataTable[Any] = PlainTable(id=f"table-{key}", cursor_type="row", zebra_stripes=True)
        return Vertical(
            Label(title, classes="section-title", id=f"title-{key}", markup=False),
            table,
            Static("", classes="note", id=f"note-{key}", markup=False),
            classes=f"section {classes}".strip(),
            id=f"section-{key}",
        )

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self.call_after_refresh(self._refit)

    def on_mount(self) -> None:
        if not self.context.user.may(Permission.VIEW_ANALYSIS):
            self.query_one(TabbedContent).display = False
            self.query_one("#analysis-spinner").add_class("-idle")
            self.mount(Static(
                f"U ({self.context.user.name}, {self.context.user.role_names}) mag de analyse niet inzien; "
                "daarvoor is de rol directie, klachtenmanager of beheerder nodig. Esc gaat terug.",
                id="analysis-denied", markup=False,
            ), before=self.query_one(Footer))
            return
        if self.period is None:
            self.period = last_complete_period(self.context.today(), Granularity.QUARTER)
        self.query_one("#table-category", DataTable).focus()
        self._load()

    # -- loading ------------------------------------------------------------------------

    def _load(self) -> None:
        assert self.period is not None
        self._token += 1
        self._started = time.perf_counter()
        self.finished = False
        self.sections = {}
        period = self.period
        self.query_one("#analysis-title", Static).update(f"Analyse · {period.label} ({period.span})")
        self.query_one("#analysis-spinner").remove_class("-idle")
        for section in self.query(".section"):
            section.loading = True
        for plot in self.query(PlotextPlot):
            plot.loading = True
        self._compute(period, self._token)

    @service_work("analysis")
    def _compute(self, period: Period, token: int) -> None:
        """All sections, several at a time (``analysis.analyse``); each is shown when ready."""
        worker = get_current_worker()
        names = {key: name for key, name, _f in analysis.SECTIONS}
        done: list[str] = []

        def ready(key: str, result: Any) -> None:
            if worker.is_cancelled:
                raise _Superseded
            done.append(key)
            waiting = [names[k] for k, _n, _f in analysis.SECTIONS if k not in done]
            text = f"Berekenen ({len(done)}/{len(names)}): {', '.join(waiting)} …" if waiting else ""
            self.post_message(SectionReady(token, key, result, text))

        self.post_message(Progress(token, f"Berekenen (0/{len(names)}) …"))
        try:
            analysis.analyse(self.context, period, progress=ready, volume_cache=self._counts_cache)
        except _Superseded:
            return
        if not worker.is_cancelled:
            self.post_message(AnalysisDone(token))

    @on(Progress)
    def _progress(self, message: Progress | SectionReady) -> None:
        if message.token == self._token:
            self.query_one("#analysis-progress", Static).update(message.text)

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.group != "analysis":
            return
        self.query_one("#analysis-spinner").add_class("-idle")
        self.query_one("#analysis-progress", Static).update("berekening afgebroken")
        for section in self.query(".section"):
            section.loading = False
        for plot in self.query(PlotextPlot):
            plot.loading = False

    @on(AnalysisDone)
    def _done(self, message: AnalysisDone) -> None:
        if message.token != self._token:
            return
        seconds = time.perf_counter() - self._started
        self.finished = True
        self.query_one("#analysis-spinner").add_class("-idle")
        volume = self._volume
        compared = f"{volume.comparison} · " if volume else ""
        self.query_one("#analysis-progress", Static).update(
            f"{compared}berekend in {seconds:.1f} s".replace(".", ",")
        )

    @on(SectionReady)
    def _section_ready(self, message: SectionReady) -> None:
        if message.token != self._token:
            return
        self._progress(message)
        key, result = message.key, message.result
        self.sections[key] = result
        if key == "volume":
            self._show_volume(result)
        elif key == "trends":
            self._show_trends(result)
        elif key == "handling":
            self._show("handling", rendering.handling_table(result))
        elif key == "compliance":
            self._show("compliance", rendering.compliance_table(result))
        elif key == "outcomes":
            self._show("outcomes", rendering.outcomes_table(result))
        elif key == "backlog":
            self._show("backlog", rendering.backlog_table(result))
        elif key == "repeats":
            personal = self.context.user.may(Permission.READ_PERSONAL_DATA)
            self._show("repeats", rendering.repeats_table(result, personal=personal))

    def _show(self, key: str, table: Table, keys: list[str] | None = None) -> None:
        self._tables[key] = (table, keys)
        self.query_one(f"#title-{key}", Label).update(table.title)
        self._fit(key, force=True)
        self.query_one(f"#section-{key}").loading = False
        self.call_after_refresh(self._fit, key)  # now its width is known

    def _fit(self, key: str, force: bool = False) -> None:
        """Fill table ``key`` with the columns that fit its width (``fit_table``), again only
        when they changed; its note names the shorter titles and the columns left out."""
        table, keys = self._tables[key]
        widget = self.query_one(f"#table-{key}", DataTable)
        width = widget.scrollable_content_region.width
        if not width and not force:  # in a hidden tab: fitted when the tab is shown
            return
        fit = fit_table(table, width, NARROW.get(key))
        if not force and fit == self._fits.get(key):
            return
        self._fits[key] = fit
        fill_table(widget, table, keys=keys, fit=fit)
        columns = table.columns
        renamed = [f"{fit.titles[i]} = {columns[i].title.lower()}" for i in fit.shown if fit.titles[i] != columns[i].title]
        left_out = [columns[i].title for i in range(len(columns)) if i not in fit.shown]
        parts = [table.note, *renamed, *([f"op een breder scherm ook: {', '.join(left_out)}"] if left_out else [])]
        self.query_one(f"#note-{key}", Static).update("; ".join(part for part in parts if part))

    def _refit(self) -> None:
        for key in self._tables:
            self._fit(key)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.call_after_refresh(self._refit)

    def _show_volume(self, volume: analysis.Volume) -> None:
        self._volume = volume
        for breakdown in volume.breakdowns:
            keys = [f"{breakdown.dimension}|{row.value}" for row in breakdown.rows]
            self._show(breakdown.dimension, rendering.count_table(breakdown, volume), keys=keys)

    def _show_trends(self, trends: analysis.Trends) -> None:
        notable_keys = [f"{n.dimension}|{n.value}" for n in trends.notable]
        self._show("notable", rendering.notable_table(trends), keys=notable_keys)
        labels = [p.short_label for p in trends.periods]
        positions = list(range(1, len(labels) + 1))
        plot = self.query_one("#plot-volume", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(f"Ontvangen en afgesloten per {trends.period.granularity.value}")
        plt.plot(positions, list(trends.received), label="ontvangen", marker="braille")
        plt.plot(positions, list(trends.closed), label="afgesloten", marker="braille")
        plt.xticks(positions, labels)
        _whole_yticks(plt, [*trends.received, *trends.closed])
        plot.loading = False
        plot.refresh()

        chart = self.query_one("#plot-categories", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(f"Grootste {CHART_LINES} categorieën")
        largest = sorted(trends.by_category.items(), key=lambda item: (-item[1][-1], -sum(item[1]), item[0]))
        for name, values in largest[:CHART_LINES]:
            if any(values):
                plt.plot(positions, list(values), label=name[:24], marker="braille")
        plt.xticks(positions, labels)
        _whole_yticks(plt, [v for _name, values in largest[:CHART_LINES] for v in values])
        chart.loading = False
        chart.refresh()

        for container_id, title, series in (
            ("#spark-category", "Per categorie", trends.by_category),
            ("#spark-service", "Per type dienstverlening", trends.by_service_type),
        ):
            self._show_sparklines(self.query_one(container_id, VerticalScroll),
                                  f"{title}, laatste {len(trends.periods)} {trends.period.granularity.plural}", series)

    def _show_sparklines(self, container: VerticalScroll, title: str, series: dict[str, tuple[int, ...]]) -> None:
        """One sparkline per value; the rows are built once and updated in place after that."""
        names = list(series)
        if getattr(container, "_names", None) != names:
            container.remove_children()
            container.mount(Label(title, classes="section-title spark-title", markup=False), *(
                Horizontal(Label(name, classes="spark-name", markup=False), Sparkline([], summary_function=max),
                           Label("", classes="spark-value"), classes="spark-row")
                for name in names
            ))
            container._names = names  # type: ignore[attr-defined]
            self.call_after_refresh(self._show_sparklines, container, title, series)
            return
        container.query_one(".spark-title", Label).update(title)
        for row, name in zip(container.query(".spark-row"), names, strict=True):
            values = series[name]
            change = values[-1] - values[-2] if len(values) > 1 else 0
            sign = "+" if change > 0 else ("−" if change < 0 else "±")
            row.query_one(Sparkline).data = list(values)
            row.query_one(".spark-value", Label).update(f"{format_count(values[-1])} ({sign}{format_count(abs(change))})")

    # -- actions ------------------------------------------------------------------------

    def action_shift(self, count: int) -> None:
        if self.period is None:
            return
        self.period = self.period.shift(count)
        self._load()

    def action_granularity(self, name: str) -> None:
        """Month, quarter or year: of a period that holds today, the one that holds today
        (after `j` or `h`, `m` is this month, not januari); of a past period, the one it
        starts with (a quarter's first month: `n` walks on through it)."""
        if self.period is None:
            return
        granularity = Granularity(name)
        if granularity is self.period.granularity:
            return
        today = self.context.today()
        if self.period.contains(today):
            self.period = Period.containing(today, granularity)
        else:
            self.period = self.period.with_granularity(granularity)
        self._load()

    def action_current(self) -> None:
        if self.period is None:
            return
        self.period = Period.containing(self.context.today(), self.period.granularity)
        self._load()

    def action_reload(self) -> None:
        if self.period is not None:
            self._counts_cache = {}
            self._load()

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        first = tabs.get_pane(tab).query(DataTable).first(DataTable) if tabs.get_pane(tab).query(DataTable) else None
        if first is not None:
            first.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def highlighted(self) -> tuple[str, str] | None:
        """(dimension, value) of the highlighted row of a category or service-type table."""
        focused = self.focused
        if not isinstance(focused, DataTable) or focused.id not in {"table-category", "table-service_type",
                                                                     "table-notable"}:
            return None
        if focused.row_count == 0:
            return None
        try:
            key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        if not key or "|" not in key:
            return None
        dimension, value = key.split("|", 1)
        return dimension, value

    def action_new_measure(self) -> None:
        if not self.context.user.may(Permission.MANAGE_MEASURES):
            self.notify("U mag geen verbetermaatregelen vastleggen.", severity="warning")
            return
        chosen = self.highlighted()
        prefill = MeasureInput()
        suggest = None
        if chosen is not None and self.period is not None:
            dimension, value = chosen
            if value != analysis.NO_VALUE:
                if dimension == "category":
                    prefill.category = value
                elif dimension == "service_type":
                    prefill.service_type = value
                prefill.title = f"{value}: oorzaak van de klachten wegnemen"
                prefill.description = (f"Naar aanleiding van de analyse over {self.period.label}: "
                                       f"{analysis.DIMENSIONS[dimension].lower()} '{value}'.")
            suggest = (self.period, dimension, value)

        def saved(view: Any) -> None:
            if view is not None:
                self.notify(f"Maatregel '{view.title}' vastgelegd, gekoppeld aan {len(view.complaints)} "
                            f"{'klacht' if len(view.complaints) == 1 else 'klachten'}.")
                self._own_change = True  # a measure changes no figure: no "gegevens gewijzigd"
                self.desk.post_data_changed()

        self.app.push_screen(MeasureFormScreen(prefill=prefill, suggest=suggest), saved)

    @on(DataTable.RowSelected, "#table-notable")
    def _notable_selected(self, event: DataTable.RowSelected) -> None:
        self.action_new_measure()

    def on_data_changed(self, message: DataChanged) -> None:
        """Cases changed: the figures are not recomputed by themselves (that takes a while
        on a large database); the bar says so and ``r`` recomputes."""
        if self._own_change:
            self._own_change = False
            return
        self._counts_cache = {}
        if self.finished:
            self.query_one("#analysis-progress", Static).update("gegevens gewijzigd · r = vernieuwen")
