"""Move a session: a new moment (the first free ones for everyone proposed), a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.message import Message

from klachtdesk.screens.base import service_work
from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import SessionView, Slot
from klachtdesk.widgets.session_table import moment_text


@dataclass(frozen=True)
class _Moved:
    start: datetime
    minutes: int
    location: str
    reason: str


@dataclass
class SlotsOffered(Message):
    """The first free moments for everyone but this session itself."""

    slots: list[Slot]


class RescheduleDialog(FormDialog[SessionView]):
    SUBMIT_LABEL = "Verzetten"
    DEFAULT_CSS = """
    RescheduleDialog > #dialog { width: 100; }
    RescheduleDialog #proposals { height: 7; }
    RescheduleDialog .pair { height: auto; margin-top: 1; }
    RescheduleDialog .pair > Vertical { height: auto; width: 1fr; }
    RescheduleDialog .pair Label { text-style: bold; }
    """
    FIELDS: ClassVar[dict[str, str]] = {"starts_at": "starts-at"}

    def __init__(self, view: SessionView) -> None:
        super().__init__(title=f"Gesprek verzetten · {view.complaint_number} · nu: {view.when}")
        self.view = view
        self.slots: list[Slot] = []

    def compose_fields(self) -> ComposeResult:
        view, today = self.view, self.context.today()
        yield DialogField("Eerste vrije momenten voor iedereen (Enter kiest)", OptionList(id="proposals", markup=False))
        yield DialogField(None, Horizontal(
            Vertical(Label("Nieuwe datum en tijd"), Input(
                moment_text(view), id="starts-at",
                validators=[ServiceRule(lambda text: planner.parse_moment(text, today))])),
            Vertical(Label("Duur (minuten)"), Input(
                str(view.duration_minutes), id="duration", restrict=r"[0-9]*", max_length=3,
                validators=[ServiceRule(planner.parse_duration)])),
            classes="pair"), error_id="starts-at-error")
        yield DialogField("Locatie", Input(view.location, id="location", max_length=200))
        yield DialogField("Reden", Input(placeholder="waarom het gesprek verzet wordt", id="reason"))

    def on_mount(self) -> None:
        self._find_slots()

    @service_work("planner-reschedule-slots")
    def _find_slots(self) -> None:
        view = self.view
        slots = planner.first_free_slots(
            self.context, [p.person_id for p in view.participants], max(view.day, self.context.today()),
            duration_minutes=view.duration_minutes, exclude_session_id=view.id,
        )
        self.post_message(SlotsOffered([s for s in slots if s.starts_at != view.starts_at]))

    @on(SlotsOffered)
    def _show_slots(self, message: SlotsOffered) -> None:
        self.slots = message.slots
        proposals = self.query_one("#proposals", OptionList)
        proposals.clear_options()
        proposals.add_options([Option(slot.label, id=str(i)) for i, slot in enumerate(self.slots)])
        if self.slots:
            proposals.highlighted = 0

    @on(OptionList.OptionSelected, "#proposals")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.query_one("#starts-at", Input).value = moment_text(self.slots[int(event.option.id)])
            self.query_one("#reason", Input).focus()

    def collect(self) -> _Moved:
        return _Moved(
            planner.parse_moment(self.query_one("#starts-at", Input).value, self.context.today()),
            planner.parse_duration(self.query_one("#duration", Input).value),
            self.query_one("#location", Input).value, self.query_one("#reason", Input).value,
        )

    def save(self, values: _Moved) -> SessionView:
        return planner.reschedule(self.context, self.view.id, self.view.version, values.start, values.reason,
                                  duration_minutes=values.minutes, location=values.location)


__all__ = ["RescheduleDialog"]
