"""Cancel a session, with the reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from klachtdesk.screens.dialog import DialogField, FormDialog
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import SessionView


class CancelDialog(FormDialog[SessionView]):
    SUBMIT_LABEL = "Gesprek annuleren"

    def __init__(self, view: SessionView) -> None:
        super().__init__(title=f"Gesprek annuleren · {view.complaint_number} · {view.when} · {view.location}")
        self.view = view

    def compose_fields(self) -> ComposeResult:
        yield DialogField("Reden", Input(placeholder="waarom het gesprek niet doorgaat", id="reason"))

    def collect(self) -> str:
        return self.query_one("#reason", Input).value

    def save(self, values: str) -> SessionView:
        return planner.cancel(self.context, self.view.id, self.view.version, values)


__all__ = ["CancelDialog"]
