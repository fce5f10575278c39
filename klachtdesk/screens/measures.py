"""Improvement measures: the list (``MeasuresScreen``); the form of one measure is
``MeasureFormScreen`` (``screens.measure_form``), opened from here with ``n`` and ``e``.

All reading and saving runs in thread workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static
from textual.message import Message

from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.screens.measure_form import MeasureFormScreen
from klachtdesk.services.improvement import measures
from klachtdesk.services.time.dutch import format_date, format_date_short, format_datetime
from klachtdesk.services.improvement.measures import MeasureView
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.procedure.vocabulary import MeasureStatus
from klachtdesk.widgets.fitted_table import FittedTable
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.windowed_list import Column
from klachtdesk.widgets.footer import DeskFooter

#: how many of a measure's latest changes the list shows under its details
HISTORY_SHOWN = 4

#: the measures' columns (``fit_columns``): at 80 columns the title, the date, the status
#: and the number of klachten stay; the controle, the soort and the eigenaar give way first
COLUMNS = (
    Column("Nr", 4),
    Column("Titel", 12, flex=4),
    Column("Soort", 11, drop=2),
    Column("Eigenaar", 10, flex=1, drop=1),
    Column("Uiterlijk", 24),
    Column("Status", 13),
    Column("Klachten", 8),
    Column("Controle", 9, drop=3),
)


class MeasureTable(FittedTable[MeasureView]):
    """The measures; an overdue one in red, a finished one dimmed (``today`` set by the screen)."""

    def __init__(self) -> None:
        super().__init__(COLUMNS, id="measures-table")
        self.today: date | None = None

    def item_key(self, item: MeasureView) -> str:
        return str(item.id)

    def _overdue(self, item: MeasureView) -> bool:
        return self.today is not None and item.is_overdue(self.today)

    def row_style(self, item: MeasureView) -> str:
        return "bold red" if self._overdue(item) else ("dim" if not item.active else "")

    def cells(self, item: MeasureView) -> list[str]:
        due = format_date_short(item.due) + f" {item.due.year}" + (" (te laat)" if self._overdue(item) else "")
        return [str(item.id), item.title, item.kind.value, item.owner or "—", due, item.status.value,
                str(len(item.complaints)), format_date_short(item.check_date) if item.check_date else "—"]


@dataclass
class MeasuresLoaded(Message):
    """The measures to list (``select_id``: the one to put the cursor on)."""

    rows: list[MeasureView]
    select_id: int | None


@dataclass
class HistoryLoaded(Message):
    """The latest changes of one measure."""

    measure_id: int
    entries: list[Any]


@dataclass
class StatusAdvanced(Message):
    """A measure moved on to its next status."""

    view: MeasureView


class MeasuresScreen(DeskScreen[None]):
    """Every measure: the active ones first by due date (overdue in red), then the rest."""

    HELP_TITLE = "Verbetermaatregelen"
    #: the list still shows the measure; its history is extra
    QUIET_WORK = frozenset({"measures-history"})

    DEFAULT_CSS = """
    MeasuresScreen #measures-bar { height: 1; padding: 0 1; background: $boost; }
    MeasuresScreen #measures-title { width: 1fr; text-style: bold; }
    MeasuresScreen #measures-counts { width: auto; }
    MeasuresScreen #measures-table { height: 1fr; }
    MeasuresScreen #measure-detail { height: 16; border-top: solid $primary; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "Nieuwe maatregel", id="measures.new"),
        Binding("e", "edit", "Bewerken", id="measures.edit"),
        Binding("s", "advance", "Volgende status", id="measures.advance"),
        Binding("a", "toggle_all", "Alle / lopende", id="measures.all"),
        Binding("r", "reload", "Vernieuwen", id="measures.reload", show=False),
        Binding("escape", "back", "Terug", id="measures.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.active_only = False
        self._detail_text = Text()

    @property
    def table(self) -> MeasureTable:
        return self.query_one("#measures-table", MeasureTable)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="measures-bar"):
            yield Static("Verbetermaatregelen", id="measures-title")
            yield Static("", id="measures-counts")
        yield MeasureTable()
        yield Static("", id="measure-detail")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.table
        table.loading = True
        table.focus()
        self._load()

    @service_work("measures-load")
    def _load(self, select_id: int | None = None) -> None:
        self.post_message(MeasuresLoaded(measures.list_measures(self.context, active_only=self.active_only),
                                         select_id))

    @on(MeasuresLoaded)
    def _show(self, message: MeasuresLoaded) -> None:
        rows, select_id = message.rows, message.select_id
        previous = self.current()
        keep = select_id if select_id is not None else (previous.id if previous else None)
        table = self.table
        today = table.today = self.context.today()
        table.show_items(rows, next((i for i, v in enumerate(rows) if v.id == keep), None) if keep is not None else None)
        table.loading = False
        overdue = sum(1 for v in rows if v.is_overdue(today))
        scope = "lopende" if self.active_only else "alle"
        self.query_one("#measures-counts", Static).update(
            f"{len(rows)} {scope} maatregelen" + (f" · {overdue} over de datum" if overdue else ""))
        self.query_one("#measures-title", Static).update(
            "Verbetermaatregelen" + (" — alleen lopende" if self.active_only else ""))
        self._show_detail()

    @property
    def rows(self) -> list[MeasureView]:
        """The measures shown (the table holds them)."""
        return self.table.items

    def current(self) -> MeasureView | None:
        return self.table.current

    @on(DataTable.RowHighlighted, "#measures-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        view = self.current()
        detail = self.query_one("#measure-detail", Static)
        if view is None:
            detail.update("Nog geen maatregelen. Druk op n voor een nieuwe, of maak er een vanuit de analyse (c).")
            return
        text = Text()
        text.append(view.title, style="bold")
        lines = [f" — {view.kind.value}, {view.status.value}, uiterlijk {format_date(view.due)}"]
        scope = ", ".join(x for x in (view.category, view.service_type) if x)
        if scope:
            lines.append(f"Betreft: {scope}")
        if view.description:
            lines.append(view.description)
        lines.append("Klachten: " + (", ".join(view.complaint_numbers) or "geen gekoppeld"))
        if view.check_date or view.check_finding:
            when = format_date(view.check_date) if view.check_date else "datum onbekend"
            lines.append(f"Effectiviteitscontrole ({when}): {view.check_finding or 'nog geen bevinding'}")
        lines.append(f"Vastgelegd {format_datetime(view.created_at)} door {view.created_by or 'klachtdesk'}")
        text.append("\n".join(lines))
        detail.update(text)
        self._detail_text = text
        self._load_history(view.id)

    @service_work("measures-history")
    def _load_history(self, measure_id: int) -> None:
        self.post_message(HistoryLoaded(measure_id, measures.history(self.context, measure_id)))

    @on(HistoryLoaded)
    def _history_loaded(self, message: HistoryLoaded) -> None:
        """The last changes under the details (the full history is in each linked case's timeline)."""
        measure_id, entries = message.measure_id, message.entries
        view = self.current()
        if view is None or view.id != measure_id or not entries:
            return
        text = self._detail_text.copy()
        text.append("\nGeschiedenis:", style="bold")
        for entry in entries[-HISTORY_SHOWN:]:
            text.append(f"\n  {format_datetime(entry.at)}  {entry.actor}: {entry.summary}")
        self.query_one("#measure-detail", Static).update(text)

    # -- actions ------------------------------------------------------------------------

    def _may_manage(self) -> bool:
        if self.context.user.may(Permission.MANAGE_MEASURES):
            return True
        self.notify("U mag geen verbetermaatregelen wijzigen.", severity="warning")
        return False

    def _open_form(self, form: MeasureFormScreen) -> None:
        def saved(view: MeasureView | None) -> None:
            if view is not None:
                self.notify(f"Maatregel '{view.title}' opgeslagen.")
                self._load(view.id)
                self.desk.post_data_changed()

        self.app.push_screen(form, saved)

    def action_new(self) -> None:
        if self._may_manage():
            self._open_form(MeasureFormScreen())

    def action_edit(self) -> None:
        view = self.current()
        if view is not None and self._may_manage():
            self._open_form(MeasureFormScreen(measure_id=view.id))

    @on(DataTable.RowSelected, "#measures-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_advance(self) -> None:
        view = self.current()
        if view is None or not self._may_manage():
            return
        target = measures.next_step(view.status)
        if target is None:
            self.notify("Deze maatregel is al geëvalueerd; bewerk hem (e) om hem te heropenen.")
            return
        if target is MeasureStatus.EVALUATED and not view.check_finding:
            self.notify("Vul de bevinding van de effectiviteitscontrole in en sla op.")
            self._open_form(MeasureFormScreen(measure_id=view.id, status=MeasureStatus.EVALUATED))
            return
        self._advance(view, target)

    @service_work("measures-save")
    def _advance(self, view: MeasureView, target: MeasureStatus) -> None:
        self.post_message(StatusAdvanced(measures.set_status(self.context, view.id, view.version, target)))

    @on(StatusAdvanced)
    def _advanced(self, message: StatusAdvanced) -> None:
        saved = message.view
        self.notify(f"'{saved.title}': {saved.status.value}.")
        self.desk.post_data_changed()
        self._load(saved.id)

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.group == "measures-save":  # refused (a colleague was quicker): show the measure as it is
            current = self.current()
            self._load(current.id if current is not None else None)

    def action_toggle_all(self) -> None:
        self.active_only = not self.active_only
        self._load()

    def action_reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_changed(self, message: DataChanged) -> None:
        self._load()


__all__ = ["MeasureFormScreen", "MeasuresScreen"]
