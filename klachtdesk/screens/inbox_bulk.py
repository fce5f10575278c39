"""The marked cases of the inbox at once (``b``): assign a behandelaar, or move the status.

Each case goes through the single action's service (``services/procedure/bulk``): the
same permission check, the same step of the transition table, its own history line. The
dialog closes with the ``BulkResult``; the inbox says how many succeeded and which were
refused and why, and keeps the refused ones marked.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from klachtdesk.errors import ValidationError
from klachtdesk.screens.dialog import DialogField, FormDialog
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.procedure import bulk, workflow
from klachtdesk.services.procedure.bulk import BulkResult
from klachtdesk.services.procedure.vocabulary import Status
from klachtdesk.widgets.type_select import TypeSelect

ASSIGN = "toewijzen"
STATUS = "status"


class BulkDialog(FormDialog[BulkResult]):
    """Toewijzen aan … or Status naar …, with an optional reason, for every marked case."""

    SUBMIT_LABEL = "Uitvoeren"
    FIELDS: ClassVar[dict[str, str]] = {"handler": "bulk-handler", "to": "bulk-status", "reason": "bulk-reason",
                                        "cases": "bulk-action"}
    DEFAULT_CSS = """
    BulkDialog > #dialog { width: 76; }
    BulkDialog DialogField > .field-row { margin-top: 0; }
    BulkDialog DialogField > .field-row > Label { width: 13; padding-top: 1; }
    BulkDialog DialogField.-inline > FieldError { padding-left: 13; }
    """

    def __init__(self, complaint_ids: list[int]) -> None:
        count = len(complaint_ids)
        super().__init__(title=f"{count} gemarkeerde {'zaak' if count == 1 else 'zaken'} bewerken")
        self.complaint_ids = complaint_ids

    def compose_fields(self) -> ComposeResult:
        user = self.context.user
        actions: list[tuple[str, str]] = []
        if user.may(Permission.ASSIGN):
            actions.append(("behandelaar toewijzen", ASSIGN))
        if user.may(Permission.HANDLE):
            actions.append(("status wijzigen", STATUS))
        yield DialogField("Actie", TypeSelect(actions, prompt="kies een actie", id="bulk-action",
                                              value=actions[0][1] if len(actions) == 1 else Select.NULL),
                          inline=True)
        yield DialogField("Behandelaar", TypeSelect[Any]([], prompt="kies een behandelaar", id="bulk-handler"),
                          inline=True, id="bulk-handler-field")
        yield DialogField("Status", TypeSelect([(s.value, s) for s in bulk.bulk_targets()], prompt="kies een status",
                                               id="bulk-status"), inline=True, id="bulk-status-field")
        yield DialogField("Reden", Input(id="bulk-reason", placeholder="optioneel; nodig voor heropenen"),
                          inline=True)
        yield Static("Elke zaak volgt dezelfde regels als één zaak: wat niet mag of niet kan, wordt per zaak "
                     "geweigerd met de reden.", classes="hint")

    def load(self) -> list[tuple[str, int]]:
        return [(member.name, member.id) for member in workflow.handler_candidates(self.context)]

    def loaded(self, data: list[tuple[str, int]]) -> None:
        self.query_one("#bulk-handler", Select).set_options(data)
        self._show_fields()

    def on_mount(self) -> None:
        self._show_fields()

    @on(Select.Changed, "#bulk-action")
    def _action_changed(self) -> None:
        self._show_fields()

    def _show_fields(self) -> None:
        action = self.query_one("#bulk-action", Select).value
        self.query_one("#bulk-handler-field").display = action == ASSIGN
        self.query_one("#bulk-status-field").display = action == STATUS

    def collect(self) -> tuple[str, Any, str]:
        action = self.query_one("#bulk-action", Select).value
        reason = self.query_one("#bulk-reason", Input).value
        if action == ASSIGN:
            handler = self.query_one("#bulk-handler", Select).value
            if handler is Select.NULL:
                raise ValidationError("Kies de behandelaar.", field="handler")
            return ASSIGN, handler, reason
        if action == STATUS:
            status = self.query_one("#bulk-status", Select).value
            if status is Select.NULL:
                raise ValidationError("Kies de nieuwe status.", field="to")
            return STATUS, status, reason
        raise ValidationError("Kies wat er met de gemarkeerde zaken moet gebeuren.", field="cases")

    def save(self, values: tuple[str, Any, str]) -> BulkResult:
        action, target, reason = values
        if action == ASSIGN:
            return bulk.assign_all(self.context, self.complaint_ids, int(target), reason or None)
        return bulk.transition_all(self.context, self.complaint_ids, Status(target), reason or None)


__all__ = ["BulkDialog"]
