"""What both planner screens share: the title and refusal lines, the table of sessions,
and the actions on the highlighted session (``v`` verslag and afspraken, ``r`` verzetten,
``x`` annuleren, ``e`` uitnodiging as .ics), each a dialog or a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static
from textual.message import Message

from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.screens.planner.cancel import CancelDialog
from klachtdesk.screens.planner.outcome import OutcomeDialog
from klachtdesk.screens.planner.reschedule import RescheduleDialog
from klachtdesk.services.planner import ical
from klachtdesk.services.planner.sessions import OutcomeResult, SessionView
from klachtdesk.services.procedure.vocabulary import SessionStatus
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.session_table import SessionTable
from klachtdesk.widgets.footer import DeskFooter


@dataclass
class Exported(Message):
    """An invitation or a week was written as iCalendar: ``text`` says where."""

    title: str
    text: str


class PlannerScreen(DeskScreen[None]):
    """The base of ``CasePlannerScreen`` and ``AgendaScreen``."""

    HELP_TITLE = "Bemiddelingsplanner"
    DEFAULT_CSS = """
    PlannerScreen #planner-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    PlannerScreen #planner-refusal { color: $error; padding: 0 1; height: auto; display: none; }
    PlannerScreen #planner-refusal.-shown { display: block; }
    PlannerScreen Label { margin-top: 1; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Terug", id="planner.back"),
    ]
    #: below this many columns a screen lays itself out for a narrow terminal (``-narrow``)
    NARROW = 100

    def __init__(self) -> None:
        super().__init__()
        self._own_changes = 0

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Bemiddelingsplanner", id="planner-title")
        yield Static(id="planner-refusal", markup=False)
        yield from self.compose_body()
        yield DeskFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")

    @property
    def table(self) -> SessionTable:
        return self.query_one("#sessions", SessionTable)

    def refuse(self, message: str | None) -> None:
        """Why nothing can be planned here (None: it can)."""
        widget = self.query_one("#planner-refusal", Static)
        widget.update(message or "")
        widget.set_class(bool(message), "-shown")

    # -- changes ----------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        """Load the sessions again (after a change), the cursor on ``select_id``."""
        raise NotImplementedError

    def on_data_changed(self, message: DataChanged) -> None:
        if self._own_changes:  # our own change: already reloaded, with the right row selected
            self._own_changes -= 1
            return
        self.reload()

    def announce_change(self) -> None:
        """Tell every screen (the inbox, the case) that cases changed."""
        self._own_changes += 1
        self.desk.post_data_changed()

    def action_back(self) -> None:
        self.dismiss()

    # -- actions on a session -----------------------------------------------------------

    def _current(self, what: str | None = None) -> SessionView | None:
        """The highlighted session; with ``what``, only a planned one (else a notice why not)."""
        view = self.table.current
        if view is None:
            self.notify("Er is geen gesprek gekozen.", severity="warning")
            return None
        if what is not None and view.status is not SessionStatus.PLANNED:
            self.say(f"Dit gesprek is al {view.status.value}; {what} kan niet meer.", severity="warning")
            return None
        return view

    def _after_dialog(self, result: OutcomeResult | SessionView | None) -> None:
        if result is None:
            return
        if isinstance(result, OutcomeResult):
            select_id = result.session.id
            if result.status_note:
                self.say(result.status_note, severity="warning", timeout=10)
            self.notify(f"Verslag vastgelegd; status: {result.status.value}.", title=result.session.complaint_number,
                        markup=False)
        else:
            select_id = result.id
            if result.status is SessionStatus.CANCELLED:
                self.notify(f"Gesprek geannuleerd ({result.when}).", title=result.complaint_number, markup=False)
            else:
                self.notify(f"Gesprek verzet naar {result.when}. Stuur de nieuwe uitnodiging met e.",
                            title=result.complaint_number, timeout=8, markup=False)
        self.reload(select_id)
        self.announce_change()

    def action_record_outcome(self) -> None:
        if (view := self._current("het verslag vastleggen")) is None:
            return
        if view.starts_at > self.context.now():
            self.say(f"Het gesprek begint pas {view.when}; leg het verslag daarna vast.", severity="warning")
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

    @service_work("planner-export")
    def _export_session(self, session_id: int) -> None:
        path = ical.export_session(self.context, session_id)
        self.post_message(Exported("Uitnodiging", f"Uitnodiging geschreven: {path}"))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(message.text, title=message.title, timeout=12, markup=False)

    @on(WorkFailed)
    def _load_refused(self, message: WorkFailed) -> None:
        """Nothing to plan with (the case or the officers could not be read): said in the refusal line."""
        if message.group == "planner-load":
            message.stop()
            self.refuse(message.error.message)


__all__ = ["Exported", "PlannerScreen"]
