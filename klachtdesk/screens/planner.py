"""The mediation planner: plan a session for a case, or see a functionaris's week.

``PlannerScreen(complaint_id)`` is the planning form of one case: the type of
session, who takes part (the klachtenfunctionaris always), location, duration,
the first free moments for everyone, or a typed moment with its conflicts named;
below it the case's sessions. ``PlannerScreen(None)`` is the week agenda of a
klachtenfunctionaris with a case picker by klachtnummer. On a session (both
modes): ``v`` verslag and afspraken, ``r`` verzetten, ``x`` annuleren, ``e``
uitnodiging (.ics). Every service call runs in a thread worker.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.services.procedure.vocabulary import PartyRole, SessionStatus, SessionType
from klachtdesk.services.cases import complaints
from klachtdesk.services.planner import ical
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner.sessions import (
    AgreementInput,
    NextStep,
    OutcomeInput,
    OutcomeResult,
    PlanningInfo,
    SessionRequest,
    SessionView,
    Slot,
    WeekAgenda,
)
from klachtdesk.widgets.confirm import ConfirmModal
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.week_agenda import WeekAgendaView

TYPE_OPTIONS = [
    ("Een-op-eengesprek (klager + aangeklaagde)", SessionType.ONE_ON_ONE),
    ("Gesprek met alle betrokkenen", SessionType.ALL_INVOLVED),
]


def moment_text(view_or_slot: SessionView | Slot) -> str:
    """What the time field shows for a moment: ``24-11-2026 10:00``."""
    return f"{view_or_slot.starts_at:%d-%m-%Y %H:%M}"


class _Worker:
    """Shared helpers for the screens and dialogs here."""

    @property
    def context(self) -> Context:
        return self.app.context  # type: ignore[attr-defined,no-any-return]


class SessionTable(DataTable[str]):
    """The sessions of a case or a week; the keys act on the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "screen.record_outcome", "Verslag", id="planner.outcome"),
        Binding("r", "screen.reschedule", "Verzetten", id="planner.reschedule"),
        Binding("x", "screen.cancel_session", "Annuleren", id="planner.cancel"),
        Binding("e", "screen.export_session", "Uitnodiging", id="planner.export"),
    ]

    def __init__(self, *, id: str | None = None, show_case: bool = True) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.sessions: list[SessionView] = []
        self.show_case = show_case

    def on_mount(self) -> None:
        self.add_columns("Wanneer", *(["Zaak"] if self.show_case else []), "Soort", "Locatie", "Status",
                         "Deelnemers")

    def show(self, sessions: list[SessionView], select_id: int | None = None) -> None:
        keep = self.cursor_row
        self.clear()
        self.sessions = list(sessions)
        for view in self.sessions:
            status = view.status.value
            if view.status is SessionStatus.CANCELLED and view.cancel_reason:
                status += f": {view.cancel_reason}"
            elif view.agreements:
                status += f", {len(view.agreements)} afspr."
            self.add_row(
                view.when, *([view.complaint_number] if self.show_case else []), view.type.label, view.location,
                status, view.participant_names, key=str(view.id),
            )
        if select_id is not None:
            index = next((i for i, v in enumerate(self.sessions) if v.id == select_id), 0)
            self.move_cursor(row=index)
        elif self.sessions:
            self.move_cursor(row=min(keep, len(self.sessions) - 1))

    @property
    def current(self) -> SessionView | None:
        if not self.sessions or self.cursor_row < 0 or self.cursor_row >= len(self.sessions):
            return None
        return self.sessions[self.cursor_row]


class FieldError(Static):
    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; display: none; }
    FieldError.-shown { display: block; }
    FieldError.-ok { color: $success; }
    """

    def say(self, message: str | None, ok: bool = False) -> None:
        self.update(Text(message or ""))
        self.set_class(bool(message), "-shown")
        self.set_class(ok, "-ok")


class PlannerScreen(_Worker, Screen[None]):
    HELP_TITLE = "Bemiddelingsplanner"

    DEFAULT_CSS = """
    PlannerScreen #planner-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    PlannerScreen #planner-refusal { color: $error; padding: 0 1; height: auto; display: none; }
    PlannerScreen #planner-refusal.-shown { display: block; }
    PlannerScreen #planner-body { height: 1fr; }
    PlannerScreen #planner-form { width: 64; padding: 0 1; border-right: solid $primary-darken-2; }
    PlannerScreen #planner-side { width: 1fr; padding: 0 1; }
    PlannerScreen Label { margin-top: 1; text-style: bold; }
    PlannerScreen #participants { height: auto; max-height: 9; }
    PlannerScreen #proposals { height: 7; }
    PlannerScreen #sessions { height: 1fr; }
    PlannerScreen .pair { height: auto; }
    PlannerScreen .pair > Vertical { height: auto; width: 1fr; }
    PlannerScreen #plan-button { margin-top: 1; }
    PlannerScreen #agenda-bar { height: auto; padding: 0 1; }
    PlannerScreen #agenda-bar > Vertical { height: auto; width: 1fr; }
    PlannerScreen #agenda-bar Label { margin-top: 0; }
    PlannerScreen #week { margin-top: 1; }
    PlannerScreen #officer-fixed { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Terug", id="planner.back"),
        Binding("ctrl+s", "plan", "Plannen", id="planner.plan"),
        Binding("ctrl+f", "proposals", "Vrije momenten", id="planner.proposals"),
        Binding("ctrl+g", "agenda", "Weekagenda", id="planner.agenda"),
        Binding("left_square_bracket", "week(-1)", "Vorige week", id="planner.previous_week", key_display="["),
        Binding("right_square_bracket", "week(1)", "Volgende week", id="planner.next_week", key_display="]"),
        Binding("t", "this_week", "Deze week", id="planner.this_week"),
        Binding("g", "pick_case", "Klachtnummer", id="planner.pick_case"),
        Binding("w", "export_week", "Week als .ics", id="planner.export_week"),
    ]

    #: bindings of one mode only
    _CASE_ONLY = frozenset({"plan", "proposals", "agenda"})
    _AGENDA_ONLY = frozenset({"week", "this_week", "pick_case", "export_week"})

    def __init__(self, complaint_id: int | None = None) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.info: PlanningInfo | None = None
        self.slots: list[Slot] = []
        self.week: date | None = None
        self.agenda: WeekAgenda | None = None
        self._planned = False
        self._own_changes = 0

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Bemiddelingsplanner", id="planner-title")
        yield Static(id="planner-refusal")
        if self.complaint_id is not None:
            yield from self._compose_case()
        else:
            yield from self._compose_agenda()
        yield Footer()

    def _compose_case(self) -> ComposeResult:
        with Horizontal(id="planner-body"):
            with VerticalScroll(id="planner-form"):
                yield Label("Soort gesprek")
                yield Select(TYPE_OPTIONS, allow_blank=False, value=SessionType.ALL_INVOLVED, id="type")
                yield FieldError(id="type-error")
                yield Label("Klachtenfunctionaris (altijd aanwezig)")
                yield Static("", id="officer-fixed")
                yield Select([], prompt="Kies de klachtenfunctionaris", id="officer")
                yield FieldError(id="officer-error")
                yield Label("Deelnemers (spatie: aan/uit)")
                yield SelectionList[int](id="participants")
                yield FieldError(id="participants-error")
                yield Label("Locatie")
                yield Input(placeholder="bijv. Kantoor Utrecht, spreekkamer 2", id="location", max_length=200)
                yield FieldError(id="location-error")
                with Horizontal(classes="pair"):
                    with Vertical():
                        yield Label("Duur (minuten)")
                        yield Input(str(planner.DEFAULT_DURATION), id="duration", restrict=r"[0-9]*", max_length=3)
                    with Vertical():
                        yield Label("Vrije momenten vanaf")
                        yield Input(id="from-day", placeholder="dd-mm-jjjj")
                yield FieldError(id="duration-error")
                yield FieldError(id="from-day-error")
                yield Label("Datum en tijd")
                yield Input(placeholder="dd-mm-jjjj uu:mm, of kies een vrij moment", id="starts-at")
                yield FieldError(id="starts-at-error")
                yield Button("Plannen (Ctrl+S)", id="plan-button", variant="primary")
            with Vertical(id="planner-side"):
                yield Label("Eerste vrije momenten voor iedereen (Enter kiest)")
                yield OptionList(id="proposals")
                yield Label("Gesprekken van deze zaak")
                yield SessionTable(id="sessions", show_case=False)

    def _compose_agenda(self) -> ComposeResult:
        with Horizontal(id="agenda-bar"):
            with Vertical():
                yield Label("Klachtenfunctionaris")
                yield Select([], prompt="Kies de klachtenfunctionaris", id="agenda-officer")
            with Vertical():
                yield Label("Plannen voor klachtnummer (g)")
                yield Input(placeholder="KL-2026-000123, 2026-123 of 123", id="case-number")
                yield FieldError(id="case-number-error")
        yield WeekAgendaView(id="week")
        yield Label("Gesprekken in deze week (Enter: plannen voor die zaak · v verslag · r verzetten · x annuleren · "
                    "e uitnodiging)")
        yield SessionTable(id="sessions")

    def on_mount(self) -> None:
        if self.complaint_id is not None:
            self.query_one("#officer", Select).display = False
            self.query_one("#from-day", Input).value = f"{self.context.today():%d-%m-%Y}"
            self._load_case()
        else:
            self.week = planner.current_week(self.context)
            self._load_officers()
            self.query_one("#sessions", SessionTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.complaint_id is None and action in self._CASE_ONLY:
            return False
        if self.complaint_id is not None and action in self._AGENDA_ONLY:
            return False
        return True

    # -- shared ---------------------------------------------------------------------

    def _refuse(self, message: str | None) -> None:
        widget = self.query_one("#planner-refusal", Static)
        widget.update(message or "")
        widget.set_class(bool(message), "-shown")

    def _error(self, error: KlachtdeskError) -> None:
        self.notify(error.message, severity="error", timeout=8, markup=False)

    @property
    def table(self) -> SessionTable:
        return self.query_one("#sessions", SessionTable)

    def on_data_changed(self, message: DataChanged) -> None:
        if self._own_changes:  # our own change: already reloaded, with the right row selected
            self._own_changes -= 1
            return
        self._reload()

    def _announce_change(self) -> None:
        """Tell every screen (the inbox, the case) that cases changed."""
        self._own_changes += 1
        self.app.post_data_changed()  # type: ignore[attr-defined]

    def _reload(self, select_id: int | None = None) -> None:
        if self.complaint_id is not None:
            self._load_sessions(select_id)
            self._refresh_proposals()
        else:
            self._load_agenda()

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "case-number":
            self.table.focus()
            return
        if self.complaint_id is not None and not self._planned and self._form_dirty():
            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss()

            self.app.push_screen(ConfirmModal("Het gesprek is nog niet gepland. Toch terug?", yes="Terug",
                                              no="Blijven"), answered)
            return
        self.dismiss()

    def _form_dirty(self) -> bool:
        return bool(self.query_one("#location", Input).value.strip() or self.query_one("#starts-at", Input).value.strip())

    # -- case mode: loading -----------------------------------------------------------

    @work(thread=True, exclusive=True, group="planner-load")
    def _load_case(self) -> None:
        assert self.complaint_id is not None
        try:
            info = planner.planning_info(self.context, self.complaint_id)
            sessions = planner.sessions_for_case(self.context, self.complaint_id)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._refuse, error.message)
            return
        self.app.call_from_thread(self._show_case, info, sessions)

    def _show_title(self, info: PlanningInfo) -> None:
        klager = next((p.name for p in info.parties if p.role is PartyRole.COMPLAINANT), "—")
        self.query_one("#planner-title", Static).update(
            Text(f"Bemiddelingsgesprek plannen · {info.number} · status: {info.status.value} · klager: {klager}")
        )

    def _show_case(self, info: PlanningInfo, sessions: list[SessionView]) -> None:
        self.info = info
        self._show_title(info)
        self._refuse(info.refusal)
        if info.refusal:
            self.query_one("#planner-form").disabled = True
        default_type = (SessionType.ONE_ON_ONE if info.has_respondent and len(info.parties) <= 2
                        else SessionType.ALL_INVOLVED)
        type_select = self.query_one("#type", Select)
        with type_select.prevent(Select.Changed):
            type_select.value = default_type
        fixed = self.query_one("#officer-fixed", Static)
        officer = self.query_one("#officer", Select)
        if info.own_officer_id is not None:
            fixed.update(Text(f"{self.context.user.name} (u zelf)"))
            fixed.display, officer.display = True, False
        else:
            fixed.display, officer.display = False, True
            with officer.prevent(Select.Changed):
                officer.set_options([(o.name, o.staff_id) for o in info.officers])
                if info.default_officer_id is not None:
                    officer.value = info.default_officer_id
        chooser = self.query_one("#participants", SelectionList)
        chosen = set(info.default_participants(default_type))
        with chooser.prevent(SelectionList.SelectedChanged):
            chooser.clear_options()
            chooser.add_options([
                Selection(f"{p.name} ({p.role.value})", p.person_id, p.person_id in chosen) for p in info.parties
            ])
        if not info.has_respondent:
            self.query_one("#type-error", FieldError).say(
                "Deze zaak heeft geen aangeklaagde: alleen een gesprek met alle betrokkenen kan.", ok=False
            )
        self.table.show(sessions)
        self.query_one("#type", Select).focus()
        self._refresh_proposals()

    @work(thread=True, exclusive=True, group="planner-sessions")
    def _load_sessions(self, select_id: int | None = None) -> None:
        assert self.complaint_id is not None
        try:
            sessions = planner.sessions_for_case(self.context, self.complaint_id)
            info = planner.planning_info(self.context, self.complaint_id)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error)
            return
        self.app.call_from_thread(self._show_title, info)
        self.app.call_from_thread(self.table.show, sessions, select_id)

    # -- case mode: the form ---------------------------------------------------------------

    def _officer_id(self) -> int | None:
        if self.info is None:
            return None
        if self.info.own_officer_id is not None:
            return self.info.own_officer_id
        value = self.query_one("#officer", Select).value
        return value if isinstance(value, int) else None

    def _officer_person(self) -> int | None:
        officer_id = self._officer_id()
        if self.info is None or officer_id is None:
            return None
        return next((o.person_id for o in self.info.officers if o.staff_id == officer_id), None)

    def _type(self) -> SessionType:
        value = self.query_one("#type", Select).value
        return value if isinstance(value, SessionType) else SessionType.ALL_INVOLVED

    def _participants(self) -> list[int]:
        return list(self.query_one("#participants", SelectionList).selected)

    def _people(self) -> list[int]:
        officer = self._officer_person()
        return [*([officer] if officer is not None else []), *self._participants()]

    def _duration(self) -> int | None:
        field = self.query_one("#duration-error", FieldError)
        try:
            minutes = planner.parse_duration(self.query_one("#duration", Input).value)
        except ValidationError as error:
            field.say(error.message)
            return None
        field.say(None)
        return minutes

    @on(Select.Changed, "#type")
    def _type_changed(self, event: Select.Changed) -> None:
        if self.info is None:
            return
        chosen = set(self.info.default_participants(self._type()))
        chooser = self.query_one("#participants", SelectionList)
        with chooser.prevent(SelectionList.SelectedChanged):
            chooser.deselect_all()
            for person_id in chosen:
                chooser.select(person_id)
        error = None
        if self._type() is SessionType.ONE_ON_ONE and not self.info.has_respondent:
            error = f"{self.info.number} heeft geen aangeklaagde: een een-op-eengesprek kan niet."
        elif not self.info.has_respondent:
            error = "Deze zaak heeft geen aangeklaagde: alleen een gesprek met alle betrokkenen kan."
        self.query_one("#type-error", FieldError).say(error)
        self._refresh_proposals()
        self._check_typed()

    @on(Select.Changed, "#officer")
    @on(SelectionList.SelectedChanged, "#participants")
    def _people_changed(self) -> None:
        self._refresh_proposals()
        self._check_typed()

    @on(Input.Changed, "#duration")
    @on(Input.Changed, "#from-day")
    def _window_changed(self) -> None:
        self._refresh_proposals()
        self._check_typed()

    @on(Input.Changed, "#starts-at")
    def _typed_changed(self) -> None:
        self._check_typed(quiet=True)

    @on(Input.Submitted, "#starts-at")
    def _typed_submitted(self) -> None:
        self.action_plan()

    @on(Button.Pressed, "#plan-button")
    def _plan_pressed(self) -> None:
        self.action_plan()

    def _from_day(self) -> date | None:
        field = self.query_one("#from-day-error", FieldError)
        text = self.query_one("#from-day", Input).value
        if not text.strip():
            field.say(None)
            return self.context.today()
        try:
            day = planner.parse_day(text, self.context.today())
        except ValidationError as error:
            field.say(error.message)
            return None
        field.say(None)
        return day

    def _refresh_proposals(self) -> None:
        if self.info is None or self.info.refusal:
            return
        minutes, day = self._duration(), self._from_day()
        if minutes is None or day is None:
            self.query_one("#proposals", OptionList).clear_options()
            return
        self._find_slots(self._people(), day, minutes)

    @work(thread=True, exclusive=True, group="planner-proposals")
    def _find_slots(self, people: list[int], day: date, minutes: int) -> None:
        try:
            slots = planner.first_free_slots(self.context, people, day, duration_minutes=minutes)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error)
            return
        self.app.call_from_thread(self._show_slots, slots)

    def _show_slots(self, slots: list[Slot]) -> None:
        self.slots = slots
        proposals = self.query_one("#proposals", OptionList)
        proposals.clear_options()
        if not slots:
            proposals.add_option(Option("Geen vrij moment gevonden in de komende maanden.", disabled=True))
            return
        proposals.add_options([Option(slot.label, id=str(index)) for index, slot in enumerate(slots)])
        proposals.highlighted = 0

    @on(OptionList.OptionSelected, "#proposals")
    def _proposal_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        slot = self.slots[int(event.option.id)]
        self.query_one("#starts-at", Input).value = moment_text(slot)
        self.query_one("#starts-at-error", FieldError).say(
            f"{slot.label}: iedereen is dan vrij. Ctrl+S of Enter plant het gesprek.", ok=True
        )
        self.query_one("#plan-button", Button).focus()

    def action_proposals(self) -> None:
        self._refresh_proposals()
        self.query_one("#proposals", OptionList).focus()

    def _check_typed(self, quiet: bool = False) -> None:
        """Name the conflicts of the typed moment (parse errors only when not ``quiet``)."""
        if self.info is None or self.complaint_id is None:
            return
        field = self.query_one("#starts-at-error", FieldError)
        text = self.query_one("#starts-at", Input).value
        if not text.strip():
            field.say(None)
            return
        minutes = self._duration()
        try:
            start = planner.parse_moment(text, self.context.today())
        except ValidationError as error:
            if not quiet:
                field.say(error.message)
            else:
                field.say(None)
            return
        if minutes is None:
            return
        self._check_slot(start, minutes, self._people())

    @work(thread=True, exclusive=True, group="planner-check")
    def _check_slot(self, start: Any, minutes: int, people: list[int]) -> None:
        try:
            problems = planner.slot_problems(self.context, start, minutes, people)
        except KlachtdeskError as error:
            problems = [error.message]
        end = start + timedelta(minutes=minutes)
        message = " ".join(problems) if problems else (
            f"{planner.describe_interval(start, end)}: iedereen is dan vrij. Ctrl+S plant het gesprek."
        )
        self.app.call_from_thread(self.query_one("#starts-at-error", FieldError).say, message, not problems)

    # -- case mode: planning --------------------------------------------------------------

    def action_plan(self) -> None:
        if self.info is None or self.complaint_id is None:
            return
        if self.info.refusal:
            self.notify(self.info.refusal, severity="error", markup=False)
            return
        text = self.query_one("#starts-at", Input).value
        try:
            start = planner.parse_moment(text, self.context.today()) if text.strip() else None
        except ValidationError as error:
            self._show_field_error(error)
            return
        request = SessionRequest(
            complaint_id=self.complaint_id, type=self._type(), starts_at=start,
            location=self.query_one("#location", Input).value,
            duration_minutes=self._duration() or 0, officer_id=self._officer_id(),
            participant_ids=self._participants(),
        )
        if request.duration_minutes == 0:
            self.query_one("#duration", Input).focus()
            return
        self._plan(request)

    @work(thread=True, exclusive=True, group="planner-save")
    def _plan(self, request: SessionRequest) -> None:
        try:
            view = planner.plan_session(self.context, request)
        except ValidationError as error:
            self.app.call_from_thread(self._show_field_error, error)
            return
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error)
            return
        self.app.call_from_thread(self._planned_ok, view)

    _FIELDS: ClassVar[dict[str, str]] = {
        "type": "type", "officer": "officer", "participants": "participants", "location": "location",
        "duration": "duration", "starts_at": "starts-at",
    }

    def _show_field_error(self, error: ValidationError) -> None:
        for name in self._FIELDS.values():
            self.query_one(f"#{name}-error", FieldError).say(None)
        target = self._FIELDS.get(error.field or "", "starts-at")
        self.query_one(f"#{target}-error", FieldError).say(error.message)
        widget = self.query_one(f"#{target}")
        if target == "officer" and not widget.display:
            widget = self.query_one("#type")
        widget.focus()
        self.notify(error.message, severity="error", timeout=6, markup=False)

    def _planned_ok(self, view: SessionView) -> None:
        self._planned = True
        for name in self._FIELDS.values():
            self.query_one(f"#{name}-error", FieldError).say(None)
        self.query_one("#starts-at", Input).value = ""
        self.notify(f"Gesprek gepland: {view.when}, {view.location}. Druk op e voor de uitnodiging (.ics).",
                    title=view.complaint_number, timeout=8, markup=False)
        self._load_sessions(view.id)
        self._refresh_proposals()
        self.table.focus()
        self._announce_change()

    def action_agenda(self) -> None:
        self.app.push_screen(PlannerScreen(None))

    # -- agenda mode -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="planner-load")
    def _load_officers(self) -> None:
        try:
            choices = planner.officers(self.context)
            default = planner.default_officer_id(self.context)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._refuse, error.message)
            return
        self.app.call_from_thread(self._show_officers, choices, default)

    def _show_officers(self, choices: list[planner.OfficerChoice], default: int | None) -> None:
        select = self.query_one("#agenda-officer", Select)
        with select.prevent(Select.Changed):
            select.set_options([(o.name, o.staff_id) for o in choices])
            if default is not None:
                select.value = default
        if default is None:
            self._refuse("Er is geen medewerker met de rol klachtenfunctionaris; vraag de beheerder er een toe te "
                         "voegen.")
            return
        self._load_agenda()

    def _agenda_officer(self) -> int | None:
        value = self.query_one("#agenda-officer", Select).value
        return value if isinstance(value, int) else None

    @on(Select.Changed, "#agenda-officer")
    def _agenda_officer_changed(self) -> None:
        self._load_agenda()

    def _load_agenda(self) -> None:
        officer = self._agenda_officer()
        if officer is None or self.week is None:
            return
        self._fetch_agenda(officer, self.week)

    @work(thread=True, exclusive=True, group="planner-agenda")
    def _fetch_agenda(self, officer_id: int, week: date) -> None:
        try:
            agenda = planner.week_agenda(self.context, officer_id, week)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error)
            return
        self.app.call_from_thread(self._show_agenda, agenda)

    def _show_agenda(self, agenda: WeekAgenda) -> None:
        self.agenda = agenda
        self.query_one("#planner-title", Static).update(
            Text(f"Agenda van {agenda.officer_name} · {agenda.title}  ([ en ]: andere week, t: deze week)")
        )
        self.query_one("#week", WeekAgendaView).show(agenda, self.context.today())
        self.table.show(agenda.sessions)

    def action_week(self, step: int) -> None:
        if self.week is not None:
            self.week = self.week + timedelta(weeks=step)
            self._load_agenda()

    def action_this_week(self) -> None:
        self.week = planner.current_week(self.context)
        self._load_agenda()

    def action_pick_case(self) -> None:
        self.query_one("#case-number", Input).focus()

    @on(Input.Submitted, "#case-number")
    def _case_number_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._find_case(event.value)

    @work(thread=True, exclusive=True, group="planner-find")
    def _find_case(self, text: str) -> None:
        try:
            complaint_id = complaints.id_for_number(self.context, text)
        except KlachtdeskError as error:
            self.app.call_from_thread(self.query_one("#case-number-error", FieldError).say, error.message)
            return
        self.app.call_from_thread(self._open_case_planner, complaint_id)

    def _open_case_planner(self, complaint_id: int) -> None:
        self.query_one("#case-number-error", FieldError).say(None)
        self.query_one("#case-number", Input).value = ""
        self.app.push_screen(PlannerScreen(complaint_id))

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self) -> None:
        if self.complaint_id is None and (view := self.table.current) is not None:
            self.app.push_screen(PlannerScreen(view.complaint_id))

    def action_export_week(self) -> None:
        officer = self._agenda_officer()
        if officer is not None and self.week is not None:
            self._export_week(officer, self.week)

    @work(thread=True, exclusive=True, group="planner-export")
    def _export_week(self, officer_id: int, week: date) -> None:
        try:
            path, count = ical.export_week(self.context, officer_id, week)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error)
            return
        what = "1 gesprek" if count == 1 else f"{count} gesprekken"
        self.app.call_from_thread(self.notify, f"Week als agenda geschreven ({what}): {path}", title="Agenda",
                                  timeout=12, markup=False)

    # -- actions on a session (both modes) --------------------------------------------------

    def _current(self, what: str | None = None) -> SessionView | None:
        """The highlighted session; with ``what``, only a planned one (else a notice why not)."""
        view = self.table.current
        if view is None:
            self.notify("Er is geen gesprek gekozen.", severity="warning")
            return None
        if what is not None and view.status is not SessionStatus.PLANNED:
            self.notify(f"Dit gesprek is al {view.status.value}; {what} kan niet meer.", severity="warning",
                        markup=False)
            return None
        return view

    def _after_dialog(self, result: object) -> None:
        if result is None:
            return
        select_id = None
        if isinstance(result, OutcomeResult):
            select_id = result.session.id
            what = f"Verslag vastgelegd; status: {result.status.value}."
            if result.status_note:
                self.notify(result.status_note, severity="warning", timeout=10, markup=False)
            self.notify(what, title=result.session.complaint_number, markup=False)
        elif isinstance(result, SessionView):
            select_id = result.id
            if result.status is SessionStatus.CANCELLED:
                self.notify(f"Gesprek geannuleerd ({result.when}).", title=result.complaint_number, markup=False)
            else:
                self.notify(f"Gesprek verzet naar {result.when}. Stuur de nieuwe uitnodiging met e.",
                            title=result.complaint_number, timeout=8, markup=False)
        self._reload(select_id)
        self._announce_change()

    def action_record_outcome(self) -> None:
        if (view := self._current("het verslag vastleggen")) is None:
            return
        if view.starts_at > self.context.now():
            self.notify(f"Het gesprek begint pas {view.when}; leg het verslag daarna vast.", severity="warning",
                        markup=False)
            return
        self.app.push_screen(OutcomeDialog(view), self._after_dialog)

    def action_reschedule(self) -> None:
        if (view := self._current("verzetten")) is not None:
            self.app.push_screen(RescheduleDialog(view), self._after_dialog)

    def action_cancel_session(self) -> None:
        if (view := self._current("annuleren")) is not None:
            self.app.push_screen(CancelDialog(view), self._after_dialog)

    def action_export_session(self) -> None:
        if (view := self._current()) is not None:
            self._export_session(view.id)

    @work(thread=True, exclusive=True, group="planner-export")
    def _export_session(self, session_id: int) -> None:
        try:
            path = ical.export_session(self.context, session_id)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error)
            return
        self.app.call_from_thread(self.notify, f"Uitnodiging geschreven: {path}", title="Uitnodiging",
                                  timeout=12, markup=False)


# ---------------------------------------------------------------------------------------
# dialogs
# ---------------------------------------------------------------------------------------


class PlannerDialog(_Worker, ModalScreen[Any]):
    DEFAULT_CSS = """
    PlannerDialog { align: center middle; }
    PlannerDialog > #dialog {
        width: 100; height: auto; max-height: 95%; padding: 1 2; border: thick $accent; background: $surface;
    }
    PlannerDialog #dialog-title { text-style: bold; margin-bottom: 1; }
    PlannerDialog Label { margin-top: 1; text-style: bold; }
    PlannerDialog .buttons { height: auto; align-horizontal: right; margin-top: 1; }
    PlannerDialog .buttons Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Annuleren", id="planner.dialog.cancel"),
        Binding("ctrl+s", "save", "Opslaan", id="planner.dialog.save"),
    ]

    def __init__(self, view: SessionView) -> None:
        super().__init__()
        self.view = view
        self._busy = False

    def buttons(self, save: str = "Opslaan (Ctrl+S)") -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Annuleren (Esc)", id="close")
            yield Button(save, id="save", variant="primary")

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:  # pragma: no cover - every dialog has its own
        raise NotImplementedError

    def field_error(self, error: ValidationError, fields: dict[str, str], default: str) -> None:
        """Show the message at the field it is about and focus that field; the input stays."""
        for error_id in {v.split("|")[1] for v in fields.values()} | {default.split("|")[1]}:
            self.query_one(f"#{error_id}", FieldError).say(None)
        target = fields.get(error.field or "", default)
        widget_id, error_id = target.split("|")
        self.query_one(f"#{error_id}", FieldError).say(error.message)
        self.query_one(f"#{widget_id}").focus()
        self._busy = False

    def _fail(self, error: KlachtdeskError) -> None:
        self._busy = False
        self.notify(error.message, severity="error", timeout=10, markup=False)


class AgreementRow(Horizontal):
    """One afspraak: what, who, and within how many werkdagen."""

    DEFAULT_CSS = """
    AgreementRow { height: auto; }
    AgreementRow Input { width: 1fr; }
    AgreementRow .owner { width: 28; }
    AgreementRow .werkdagen { width: 12; }
    """

    def __init__(self, index: int, names: list[str]) -> None:
        super().__init__(id=f"agreement-{index}")
        self.index = index
        self.names = names

    def compose(self) -> ComposeResult:
        yield Input(placeholder=f"afspraak {self.index + 1}: wat is afgesproken", id=f"agreement-{self.index}-description")
        yield Input(placeholder="eigenaar", id=f"agreement-{self.index}-owner", classes="owner",
                    suggester=SuggestFromList(self.names, case_sensitive=False), max_length=200)
        yield Input("5", placeholder="werkdagen", id=f"agreement-{self.index}-werkdagen", classes="werkdagen",
                    restrict=r"[0-9]*", max_length=3)

    def value(self) -> AgreementInput:
        return AgreementInput(
            self.query_one(f"#agreement-{self.index}-description", Input).value,
            self.query_one(f"#agreement-{self.index}-owner", Input).value,
            self.query_one(f"#agreement-{self.index}-werkdagen", Input).value,
        )

    def empty(self) -> bool:
        data = self.value()
        return not data.description.strip() and not data.owner.strip()


class OutcomeDialog(PlannerDialog):
    """After the session: verslag, afspraken (Ctrl+N adds one), vervolg."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_agreement", "Afspraak toevoegen", id="planner.outcome.add"),
    ]

    DEFAULT_CSS = """
    OutcomeDialog #outcome { height: 6; }
    OutcomeDialog #agreements { height: auto; }
    OutcomeDialog .pair { height: auto; }
    OutcomeDialog .pair > Vertical { height: auto; width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        view = self.view
        names = [p.name for p in view.participants]
        with VerticalScroll(id="dialog"):
            yield Static(Text(f"Verslag van het gesprek · {view.complaint_number} · {view.when} · {view.location}"),
                         id="dialog-title")
            yield Label("Verslag (vertrouwelijk: alleen de klachtenfunctionaris leest het)")
            yield TextArea(id="outcome")
            yield FieldError(id="outcome-error")
            yield Label("Afspraken: wat · eigenaar · binnen hoeveel werkdagen (Ctrl+N: nog een afspraak)")
            with Vertical(id="agreements"):
                yield AgreementRow(0, names)
            yield FieldError(id="agreements-error")
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Label("Volgende stap")
                    yield Select([(step.value, step) for step in NextStep], allow_blank=False,
                                 value=NextStep.IN_PROGRESS, id="next-step")
                with Vertical():
                    yield Label("Toelichting (optioneel)")
                    yield Input(id="next-note", max_length=500)
            yield FieldError(id="next-step-error")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#outcome", TextArea).focus()

    def _rows(self) -> list[AgreementRow]:
        return list(self.query(AgreementRow))

    def action_add_agreement(self) -> None:
        rows = self._rows()
        row = AgreementRow(len(rows), [p.name for p in self.view.participants])
        self.query_one("#agreements", Vertical).mount(row)
        self.call_after_refresh(lambda: row.query_one(Input).focus())

    def action_close(self) -> None:
        if self.query_one("#outcome", TextArea).text.strip() or any(not r.empty() for r in self._rows()):
            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss(None)

            self.app.push_screen(ConfirmModal("Het verslag is niet opgeslagen. Toch sluiten?", yes="Sluiten",
                                              no="Verder schrijven"), answered)
            return
        self.dismiss(None)

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        step = self.query_one("#next-step", Select).value
        data = OutcomeInput(
            outcome=self.query_one("#outcome", TextArea).text,
            agreements=[row.value() for row in self._rows()],
            next_step=step if isinstance(step, NextStep) else NextStep.IN_PROGRESS,
            next_step_note=self.query_one("#next-note", Input).value,
        )
        self._save(data)

    @work(thread=True, exclusive=True, group="planner-outcome")
    def _save(self, data: OutcomeInput) -> None:
        try:
            result = planner.record_outcome(self.context, self.view.id, self.view.version, data)
        except ValidationError as error:
            self.app.call_from_thread(self._show_error, error)
            return
        except KlachtdeskError as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self.dismiss, result)

    def _show_error(self, error: ValidationError) -> None:
        field = error.field or ""
        if field.startswith("agreements["):
            index = int(field[len("agreements["):field.index("]")])
            part = field.rsplit(".", 1)[1]
            fields = {field: f"agreement-{index}-{part}|agreements-error"}
        else:
            fields = {}
        fields |= {"outcome": "outcome|outcome-error", "next_step": "next-step|next-step-error"}
        self.query_one("#agreements-error", FieldError).say(None)
        self.field_error(error, fields, "outcome|outcome-error")


class RescheduleDialog(PlannerDialog):
    """Move a session: a new moment (the first free ones proposed), a reason."""

    DEFAULT_CSS = """
    RescheduleDialog #proposals { height: 7; }
    RescheduleDialog .pair { height: auto; }
    RescheduleDialog .pair > Vertical { height: auto; width: 1fr; }
    """

    def __init__(self, view: SessionView) -> None:
        super().__init__(view)
        self.slots: list[Slot] = []

    def compose(self) -> ComposeResult:
        view = self.view
        with VerticalScroll(id="dialog"):
            yield Static(Text(f"Gesprek verzetten · {view.complaint_number} · nu: {view.when}"), id="dialog-title")
            yield Label("Eerste vrije momenten voor iedereen (Enter kiest)")
            yield OptionList(id="proposals")
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Label("Nieuwe datum en tijd")
                    yield Input(moment_text(view), id="starts-at")
                with Vertical():
                    yield Label("Duur (minuten)")
                    yield Input(str(view.duration_minutes), id="duration", restrict=r"[0-9]*", max_length=3)
            yield FieldError(id="starts-at-error")
            yield Label("Locatie")
            yield Input(view.location, id="location", max_length=200)
            yield FieldError(id="location-error")
            yield Label("Reden")
            yield Input(placeholder="waarom het gesprek verzet wordt", id="reason")
            yield FieldError(id="reason-error")
            yield from self.buttons("Verzetten (Ctrl+S)")

    def on_mount(self) -> None:
        self.query_one("#proposals", OptionList).focus()
        self._find_slots()

    @work(thread=True, exclusive=True, group="planner-reschedule-slots")
    def _find_slots(self) -> None:
        view = self.view
        start = max(view.day, self.context.today())
        try:
            slots = planner.first_free_slots(
                self.context, [p.person_id for p in view.participants], start,
                duration_minutes=view.duration_minutes, exclude_session_id=view.id,
            )
        except KlachtdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_slots, [s for s in slots if s.starts_at != view.starts_at])

    def _show_slots(self, slots: list[Slot]) -> None:
        self.slots = slots
        proposals = self.query_one("#proposals", OptionList)
        proposals.clear_options()
        proposals.add_options([Option(slot.label, id=str(i)) for i, slot in enumerate(slots)])
        if slots:
            proposals.highlighted = 0

    @on(OptionList.OptionSelected, "#proposals")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            slot = self.slots[int(event.option.id)]
            self.query_one("#starts-at", Input).value = moment_text(slot)
            self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _reason_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self._busy:
            return
        try:
            start = planner.parse_moment(self.query_one("#starts-at", Input).value, self.context.today())
            minutes = planner.parse_duration(self.query_one("#duration", Input).value)
        except ValidationError as error:
            self._show_error(error)
            return
        self._busy = True
        self._save(start, minutes, self.query_one("#location", Input).value, self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="planner-reschedule")
    def _save(self, start: Any, minutes: int, location: str, reason: str) -> None:
        try:
            view = planner.reschedule(self.context, self.view.id, self.view.version, start, reason,
                                      duration_minutes=minutes, location=location)
        except ValidationError as error:
            self.app.call_from_thread(self._show_error, error)
            return
        except KlachtdeskError as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self.dismiss, view)

    def _show_error(self, error: ValidationError) -> None:
        self.field_error(error, {
            "starts_at": "starts-at|starts-at-error", "duration": "duration|starts-at-error",
            "location": "location|location-error", "reason": "reason|reason-error",
        }, "starts-at|starts-at-error")


class CancelDialog(PlannerDialog):
    """Cancel a session, with the reason."""

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(id="dialog"):
            yield Static(Text(f"Gesprek annuleren · {view.complaint_number} · {view.when} · {view.location}"),
                         id="dialog-title")
            yield Label("Reden")
            yield Input(placeholder="waarom het gesprek niet doorgaat", id="reason")
            yield FieldError(id="reason-error")
            yield from self.buttons("Gesprek annuleren (Ctrl+S)")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._save(self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="planner-cancel")
    def _save(self, reason: str) -> None:
        try:
            view = planner.cancel(self.context, self.view.id, self.view.version, reason)
        except ValidationError as error:
            self.app.call_from_thread(self.field_error, error, {"reason": "reason|reason-error"},
                                      "reason|reason-error")
            return
        except KlachtdeskError as error:
            self.app.call_from_thread(self._fail, error)
            return
        self.app.call_from_thread(self.dismiss, view)


__all__ = ["CancelDialog", "OutcomeDialog", "PlannerScreen", "RescheduleDialog", "SessionTable"]
