"""Plan a mediation session for one case: the type of session, who takes part (the
klachtenfunctionaris always), location, duration, the first free moments for everyone
or a typed moment with its conflicts named; below it the case's sessions."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection
from textual.message import Message

from klachtdesk.errors import ValidationError
from klachtdesk.widgets.type_select import TypeSelect
from klachtdesk.screens.base import WorkFailed, service_work
from klachtdesk.screens.dialog import ConfirmModal, FieldError, ServiceRule
from klachtdesk.screens.planner.screen import PlannerScreen
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import PlanningInfo, SessionRequest, SessionView, Slot
from klachtdesk.services.procedure.vocabulary import PartyRole, SessionType
from klachtdesk.widgets.session_table import SessionTable, moment_text

TYPE_OPTIONS = [
    ("Een-op-eengesprek (klager + aangeklaagde)", SessionType.ONE_ON_ONE),
    ("Gesprek met alle betrokkenen", SessionType.ALL_INVOLVED),
]
#: the services' field names -> the form's widget ids (the error line is ``<id>-error``)
FIELDS: dict[str, str] = {
    "type": "type", "officer": "officer", "participants": "participants", "location": "location",
    "duration": "duration", "starts_at": "starts-at",
}


@dataclass
class PlanningLoaded(Message):
    """The case as the planner needs it, and its sessions (``select_id``: the row to select)."""

    info: PlanningInfo
    sessions: list[SessionView]
    select_id: int | None = None
    _: KW_ONLY
    first: bool = False


@dataclass
class SlotsFound(Message):
    """The first free moments for everyone."""

    slots: list[Slot]


@dataclass
class SlotChecked(Message):
    """What the typed moment runs into (``problems``), or nothing."""

    start: datetime
    minutes: int
    problems: list[str]


@dataclass
class SessionPlanned(Message):
    view: SessionView


class CasePlannerScreen(PlannerScreen):
    DEFAULT_CSS = """
    CasePlannerScreen #planner-body { height: 1fr; }
    /* as narrow as the soort's longest choice allows: the rest is for the free moments and the sessions */
    CasePlannerScreen #planner-form { width: 54; padding: 0 1; border-right: solid $primary-darken-2; }
    CasePlannerScreen #planner-side { width: 1fr; padding: 0 1; }
    CasePlannerScreen #participants { height: auto; max-height: 9; }
    CasePlannerScreen #proposals { height: 7; }
    CasePlannerScreen #sessions { height: 1fr; }
    CasePlannerScreen .pair { height: auto; }
    CasePlannerScreen .pair > Vertical { height: auto; width: 1fr; }
    CasePlannerScreen #plan-button { margin-top: 1; }
    CasePlannerScreen #officer-fixed { height: auto; }
    /* a narrow terminal (80 columns): the form, the free moments and the sessions one under
       the other at full width, and the body scrolls (to what has the focus) */
    CasePlannerScreen.-narrow #planner-body { layout: vertical; overflow-y: auto; }
    CasePlannerScreen.-narrow #planner-form { width: 1fr; height: auto; border-right: none; }
    CasePlannerScreen.-narrow #planner-side { height: auto; }
    CasePlannerScreen.-narrow #sessions { height: auto; max-height: 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "plan", "Plannen", id="planner.plan"),
        Binding("ctrl+f", "proposals", "Vrije momenten", id="planner.proposals"),
        Binding("ctrl+g", "agenda", "Weekagenda", id="planner.agenda"),
    ]

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.info: PlanningInfo | None = None
        self.slots: list[Slot] = []
        self._planned = False

    # -- layout ---------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        today = self.context.today()
        first_day = self._first_day()
        with Horizontal(id="planner-body"):
            with VerticalScroll(id="planner-form", classes="plan-only"):
                yield Label("Soort gesprek")
                yield TypeSelect(TYPE_OPTIONS, allow_blank=False, value=SessionType.ALL_INVOLVED, id="type")
                yield FieldError(id="type-error")
                yield Label("Klachtenfunctionaris (altijd aanwezig)")
                yield Static("", id="officer-fixed")
                yield TypeSelect([], prompt="Kies de klachtenfunctionaris", id="officer")
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
                        yield Input(str(planner.DEFAULT_DURATION), id="duration", restrict=r"[0-9]*", max_length=3,
                                    validators=[ServiceRule(planner.parse_duration)])
                    with Vertical():
                        yield Label("Vrije momenten vanaf")
                        yield Input(f"{first_day:%d-%m-%Y}", id="from-day", placeholder="dd-mm-jjjj", valid_empty=True,
                                    validators=[ServiceRule(lambda text: planner.parse_day(text, today))])
                yield FieldError(id="duration-error")
                yield FieldError(id="from-day-error")
                yield Label("Datum en tijd")
                yield Input(placeholder="dd-mm-jjjj uu:mm, of kies een vrij moment", id="starts-at")
                yield FieldError(id="starts-at-error")
                yield Button("Plannen (Ctrl+S)", id="plan-button", variant="primary")
            with Vertical(id="planner-side"):
                yield Label("Eerste vrije momenten voor iedereen (Enter kiest)", classes="plan-only")
                yield OptionList(id="proposals", markup=False, classes="plan-only")
                yield Label("Gesprekken van deze zaak")
                yield SessionTable(id="sessions", show_case=False)

    def on_mount(self) -> None:
        self.query_one("#officer", Select).display = False
        self._load()

    # -- loading ----------------------------------------------------------------------

    @service_work("planner-load")
    def _load(self) -> None:
        info = planner.planning_info(self.context, self.complaint_id)
        sessions = planner.sessions_for_case(self.context, self.complaint_id)
        self.post_message(PlanningLoaded(info, sessions, first=True))

    @service_work("planner-sessions")
    def _load_sessions(self, select_id: int | None = None) -> None:
        sessions = planner.sessions_for_case(self.context, self.complaint_id)
        info = planner.planning_info(self.context, self.complaint_id)
        self.post_message(PlanningLoaded(info, sessions, select_id))

    def reload(self, select_id: int | None = None) -> None:
        self._load_sessions(select_id)
        self._refresh_proposals()

    @on(PlanningLoaded)
    def _loaded(self, message: PlanningLoaded) -> None:
        info = self.info = message.info
        klager = next((p.name for p in info.parties if p.role is PartyRole.COMPLAINANT), "—")
        self.query_one("#planner-title", Static).update(
            Text(f"Bemiddelingsgesprek plannen · {info.number} · status: {info.status.value} · klager: {klager}")
        )
        self.table.show(message.sessions, message.select_id)
        if message.first or info.refusal:  # also when the case was closed meanwhile (nothing typed is of use)
            self._fill_form(info)

    def _fill_form(self, info: PlanningInfo) -> None:
        self.refuse(info.refusal)
        if info.refusal:  # nothing can be planned: no form and no free moments, the sessions only
            for part in self.query(".plan-only"):
                part.display = False
            self.table.focus()
            return
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
                Selection(Text(f"{p.name} ({p.role.value})"), p.person_id, p.person_id in chosen) for p in info.parties
            ])
        if not info.has_respondent:
            self._error_line("type").say("Deze zaak heeft geen aangeklaagde: alleen een gesprek met alle betrokkenen "
                                         "kan.")
        self.query_one("#type", Select).focus()
        self._refresh_proposals()

    # -- the form -----------------------------------------------------------------------

    def _error_line(self, widget_id: str) -> FieldError:
        return self.query_one(f"#{widget_id}-error", FieldError)

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

    def _parsed(self, widget_id: str, parse: Callable[[str], object]) -> object | None:
        """``parse`` (a service's rule) over a field: its value, or None with the message at the field."""
        line = self._error_line(widget_id)
        try:
            value = parse(self.query_one(f"#{widget_id}", Input).value)
        except ValidationError as error:
            line.say(error.message)
            return None
        line.say(None)
        return value

    def _duration(self) -> int | None:
        return self._parsed("duration", planner.parse_duration)  # type: ignore[return-value]

    def _first_day(self) -> date:
        """The first day the proposals can start on (the lead time, ``planner.earliest_offer``)."""
        return planner.earliest_offer(self.context).date()

    def _from_day(self) -> date | None:
        today, first_day = self.context.today(), self._first_day()
        return self._parsed("from-day", lambda text: planner.parse_day(text, today) if text.strip() else first_day)  # type: ignore[return-value]

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
        self._error_line("type").say(error)
        self._refresh_proposals()
        self._check_typed()

    @on(Select.Changed, "#officer")
    @on(SelectionList.SelectedChanged, "#participants")
    @on(Input.Changed, "#duration")
    @on(Input.Changed, "#from-day")
    def _window_changed(self) -> None:
        self._refresh_proposals()
        self._check_typed()

    @on(Input.Changed, "#starts-at")
    def _typed_changed(self) -> None:
        self._check_typed(quiet=True)

    @on(Input.Submitted, "#starts-at")
    @on(Button.Pressed, "#plan-button")
    def _plan_pressed(self) -> None:
        self.action_plan()

    # -- free moments ---------------------------------------------------------------------

    def _refresh_proposals(self) -> None:
        if self.info is None or self.info.refusal:
            return
        minutes, day = self._duration(), self._from_day()
        if minutes is None or day is None:
            self.query_one("#proposals", OptionList).clear_options()
            return
        self._find_slots(self._people(), day, minutes)

    @service_work("planner-proposals")
    def _find_slots(self, people: list[int], day: date, minutes: int) -> None:
        self.post_message(SlotsFound(planner.first_free_slots(self.context, people, day, duration_minutes=minutes)))

    @on(SlotsFound)
    def _show_slots(self, message: SlotsFound) -> None:
        self.slots = slots = message.slots
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
        self._error_line("starts-at").say(f"{slot.label}: iedereen is dan vrij. Ctrl+S of Enter plant het gesprek.",
                                          ok=True)
        self.query_one("#plan-button", Button).focus()

    def action_proposals(self) -> None:
        self._refresh_proposals()
        self.query_one("#proposals", OptionList).focus()

    # -- the typed moment -----------------------------------------------------------------

    def _check_typed(self, quiet: bool = False) -> None:
        """Name the conflicts of the typed moment (parse errors only when not ``quiet``)."""
        if self.info is None:
            return
        line = self._error_line("starts-at")
        text = self.query_one("#starts-at", Input).value
        if not text.strip():
            line.say(None)
            return
        minutes = self._duration()
        try:
            start = planner.parse_moment(text, self.context.today())
        except ValidationError as error:
            line.say(None if quiet else error.message)
            return
        if minutes is not None:
            self._check_slot(start, minutes, self._people())

    @service_work("planner-check")
    def _check_slot(self, start: datetime, minutes: int, people: list[int]) -> None:
        self.post_message(SlotChecked(start, minutes, planner.slot_problems(self.context, start, minutes, people)))

    @on(SlotChecked)
    def _slot_checked(self, message: SlotChecked) -> None:
        end = message.start + timedelta(minutes=message.minutes)
        text = " ".join(message.problems) if message.problems else (
            f"{planner.describe_interval(message.start, end)}: iedereen is dan vrij. Ctrl+S plant het gesprek."
        )
        self._error_line("starts-at").say(text, not message.problems)

    # -- planning -------------------------------------------------------------------------

    def action_plan(self) -> None:
        if self.info is None:
            return
        if self.info.refusal:
            self.say(self.info.refusal, severity="error")
            return
        text = self.query_one("#starts-at", Input).value
        try:
            start = planner.parse_moment(text, self.context.today()) if text.strip() else None
        except ValidationError as error:
            self._show_field_error(error)
            self.say(error.message, severity="error")
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

    @service_work("planner-save")
    def _plan(self, request: SessionRequest) -> None:
        self.post_message(SessionPlanned(planner.plan_session(self.context, request)))

    @on(WorkFailed)
    def _refused(self, message: WorkFailed) -> None:
        if message.group == "planner-check":  # the moment cannot be checked: that is what the field says
            message.stop()
            self._error_line("starts-at").say(message.error.message)
        elif message.group == "planner-save" and isinstance(message.error, ValidationError):
            self._show_field_error(message.error)

    def _show_field_error(self, error: ValidationError) -> None:
        """At the field, which gets the focus (the app says it aloud as well)."""
        for name in FIELDS.values():
            self._error_line(name).say(None)
        target = FIELDS.get(error.field or "", "starts-at")
        self._error_line(target).say(error.message)
        widget = self.query_one(f"#{target}")
        if target == "officer" and not widget.display:
            widget = self.query_one("#type")
        widget.focus()

    @on(SessionPlanned)
    def _planned_ok(self, message: SessionPlanned) -> None:
        view = message.view
        self._planned = True
        for name in FIELDS.values():
            self._error_line(name).say(None)
        self.query_one("#starts-at", Input).value = ""
        self.notify(f"Gesprek gepland: {view.when}, {view.location}. Druk op e voor de uitnodiging (.ics).",
                    title=view.complaint_number, timeout=8, markup=False)
        self.reload(view.id)
        self.table.focus()
        self.announce_change()

    def action_agenda(self) -> None:
        self.desk.action_open_planner(None)

    def action_back(self) -> None:
        dirty = self.query_one("#location", Input).value.strip() or self.query_one("#starts-at", Input).value.strip()
        if self._planned or not dirty:
            self.dismiss()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss()

        self.app.push_screen(ConfirmModal("Het gesprek is nog niet gepland. Toch terug?", yes="Terug", no="Blijven"),
                             answered)


__all__ = ["CasePlannerScreen"]
