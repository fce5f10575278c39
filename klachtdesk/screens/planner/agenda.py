"""A klachtenfunctionaris's week: the sessions per day (holidays marked), ``[`` and ``]``
for other weeks, ``w`` the week as .ics, and a case picker by klachtnummer (``g``) that
opens the planning form of that case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.message import Message

from klachtdesk.screens.base import WorkFailed, service_work
from klachtdesk.widgets.type_select import TypeSelect
from klachtdesk.screens.dialog import FieldError
from klachtdesk.screens.planner.screen import Exported, PlannerScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.planner import ical
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import OfficerChoice, WeekAgenda
from klachtdesk.widgets.session_table import SessionTable
from klachtdesk.widgets.week_agenda import WeekAgendaView


@dataclass
class OfficersLoaded(Message):
    """The klachtenfunctionarissen, and whose week to show first."""

    choices: list[OfficerChoice]
    default: int | None


@dataclass
class AgendaLoaded(Message):
    agenda: WeekAgenda


@dataclass
class CaseFound(Message):
    """The case a typed klachtnummer stands for."""

    complaint_id: int


class AgendaScreen(PlannerScreen):
    DEFAULT_CSS = """
    AgendaScreen #agenda-bar { height: auto; padding: 0 1; }
    AgendaScreen #agenda-bar > Vertical { height: auto; width: 1fr; }
    AgendaScreen #agenda-bar Label { margin-top: 0; }
    AgendaScreen #week { margin-top: 1; }
    /* a narrow terminal: the list of the week's sessions in view, the week grid on k */
    AgendaScreen.-no-week #week { display: none; }
    AgendaScreen #sessions-title { width: 100%; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "week(-1)", "Vorige week", id="planner.previous_week", key_display="["),
        Binding("right_square_bracket", "week(1)", "Volgende week", id="planner.next_week", key_display="]"),
        Binding("t", "this_week", "Deze week", id="planner.this_week"),
        Binding("g", "pick_case", "Klachtnummer", id="planner.pick_case"),
        Binding("w", "export_week", "Week als .ics", id="planner.export_week"),
        Binding("k", "week_view", "Weekoverzicht", id="planner.week_view"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.week: date | None = None
        self.agenda: WeekAgenda | None = None
        self._week_view_chosen = False  # k decided whether the week grid shows

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="agenda-bar"):
            with Vertical():
                yield Label("Klachtenfunctionaris")
                yield TypeSelect([], prompt="Kies de klachtenfunctionaris", id="agenda-officer")
            with Vertical():
                yield Label("Plannen voor klachtnummer (g)")
                yield Input(placeholder="KL-2026-000123, 2026-123 of 123", id="case-number")
                yield FieldError(id="case-number-error")
        yield WeekAgendaView(id="week")
        yield Label("Gesprekken in deze week (Enter: plannen voor die zaak · v verslag · r verzetten · x annuleren · "
                    "e uitnodiging)", id="sessions-title")
        yield SessionTable(id="sessions")

    def on_mount(self) -> None:
        self.week = planner.current_week(self.context)
        self._load_officers()
        self.table.focus()

    def on_resize(self, event: events.Resize) -> None:
        """On a narrow terminal the week grid (the same sessions, per day) waits for ``k``."""
        if not self._week_view_chosen:
            self.set_class(event.size.width < self.NARROW, "-no-week")

    def action_week_view(self) -> None:
        self._week_view_chosen = True
        self.toggle_class("-no-week")

    # -- loading --------------------------------------------------------------------------

    @service_work("planner-load")
    def _load_officers(self) -> None:
        self.post_message(OfficersLoaded(planner.officers(self.context), planner.default_officer_id(self.context)))

    @on(OfficersLoaded)
    def _show_officers(self, message: OfficersLoaded) -> None:
        select = self.query_one("#agenda-officer", Select)
        with select.prevent(Select.Changed):
            select.set_options([(o.name, o.staff_id) for o in message.choices])
            if message.default is not None:
                select.value = message.default
        if message.default is None:
            self.refuse("Er is geen medewerker met de rol klachtenfunctionaris; vraag de beheerder er een toe te "
                        "voegen.")
            return
        self.reload()

    def _officer(self) -> int | None:
        value = self.query_one("#agenda-officer", Select).value
        return value if isinstance(value, int) else None

    @on(Select.Changed, "#agenda-officer")
    def _officer_changed(self) -> None:
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        officer = self._officer()
        if officer is not None and self.week is not None:
            self._fetch_agenda(officer, self.week)

    @service_work("planner-agenda")
    def _fetch_agenda(self, officer_id: int, week: date) -> None:
        self.post_message(AgendaLoaded(planner.week_agenda(self.context, officer_id, week)))

    @on(AgendaLoaded)
    def _show_agenda(self, message: AgendaLoaded) -> None:
        agenda = self.agenda = message.agenda
        self.query_one("#planner-title", Static).update(
            Text(f"Agenda van {agenda.officer_name} · {agenda.title}  ([ en ]: andere week, t: deze week, k: weekoverzicht)")
        )
        self.query_one("#week", WeekAgendaView).show(agenda, self.context.today())
        self.table.show(agenda.sessions)

    # -- weeks --------------------------------------------------------------------------

    def action_week(self, step: int) -> None:
        if self.week is not None:
            self.week = self.week + timedelta(weeks=step)
            self.reload()

    def action_this_week(self) -> None:
        self.week = planner.current_week(self.context)
        self.reload()

    def action_export_week(self) -> None:
        officer = self._officer()
        if officer is not None and self.week is not None:
            self._export_week(officer, self.week)

    @service_work("planner-export")
    def _export_week(self, officer_id: int, week: date) -> None:
        path, count = ical.export_week(self.context, officer_id, week)
        what = "1 gesprek" if count == 1 else f"{count} gesprekken"
        self.post_message(Exported("Agenda", f"Week als agenda geschreven ({what}): {path}"))

    # -- a case to plan for ---------------------------------------------------------------

    def action_pick_case(self) -> None:
        self.query_one("#case-number", Input).focus()

    @on(Input.Submitted, "#case-number")
    def _case_number_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._find_case(event.value)

    @service_work("planner-find")
    def _find_case(self, text: str) -> None:
        self.post_message(CaseFound(complaints.id_for_number(self.context, text)))

    @on(WorkFailed)
    def _not_found(self, message: WorkFailed) -> None:
        if message.group == "planner-find":  # said under the field, which keeps the number as typed
            message.stop()
            self.query_one("#case-number-error", FieldError).say(message.error.message)

    @on(CaseFound)
    def _open_case_planner(self, message: CaseFound) -> None:
        self.query_one("#case-number-error", FieldError).say(None)
        self.query_one("#case-number", Input).value = ""
        self.desk.action_open_planner(message.complaint_id)

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self) -> None:
        if (view := self.table.current) is not None:
            self.desk.action_open_planner(view.complaint_id)

    def action_back(self) -> None:
        if self.focused is self.query_one("#case-number", Input):  # Esc leaves the field first
            self.table.focus()
            return
        super().action_back()


__all__ = ["AgendaScreen"]
