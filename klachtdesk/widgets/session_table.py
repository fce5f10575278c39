"""The sessions of a case or of a week: a table whose keys act on the highlighted one."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from klachtdesk.services.planner.sessions import SessionView, Slot
from klachtdesk.services.procedure.vocabulary import SessionStatus


def moment_text(view_or_slot: SessionView | Slot) -> str:
    """What a time field shows for the start of a session or a free moment: ``24-11-2026 10:00``."""
    return f"{view_or_slot.starts_at:%d-%m-%Y %H:%M}"


class SessionTable(DataTable[str]):
    """``v`` verslag, ``r`` verzetten, ``x`` annuleren, ``e`` uitnodiging: actions of its screen."""

    #: where these keys work, said when one is pressed elsewhere on the screen
    KEY_PLACE = "de lijst met gesprekken"

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


__all__ = ["SessionTable", "moment_text"]
