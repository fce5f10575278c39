"""``g`` / "Ga naar klacht …": open a case by its klachtnummer.

Accepts ``KL-2026-000123``, ``2026-123`` and ``123`` (this year) and suggests
matching numbers as you type. An unknown number is said in the dialog, which stays
open with the input as typed.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import search
from klachtdesk.clock import local
from klachtdesk.services.time.dutch import format_date_short


class JumpScreen(ModalScreen[int | None]):
    """Dismisses with the id of the case to open, or None."""

    HELP_TITLE = "Ga naar klacht"
    DEFAULT_CSS = """
    JumpScreen { align: center top; }
    JumpScreen > Vertical {
        width: 100; height: auto; max-height: 80%; margin-top: 4; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    JumpScreen #jump-title { text-style: bold; margin-bottom: 1; }
    JumpScreen #jump-message { color: $text-error; height: auto; }
    JumpScreen #jump-message.-hint { color: $text-muted; }
    JumpScreen OptionList { height: auto; max-height: 10; margin-top: 1; }
    JumpScreen OptionList.-empty { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="jump.cancel"),
        Binding("down", "to_suggestions", "Suggesties", id="jump.suggestions", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Ga naar klacht", id="jump-title")
            yield Input(placeholder="KL-2026-000123, 2026-123 of 123", id="jump-input")
            yield Static("Enter opent de zaak; ↓ kiest uit de suggesties.", id="jump-message", classes="-hint")
            yield OptionList(id="jump-suggestions", classes="-empty")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def _app_context(self):  # type: ignore[no-untyped-def]
        return self.app.context  # type: ignore[attr-defined]

    # -- typing: suggestions ------------------------------------------------------------

    @on(Input.Changed, "#jump-input")
    def _changed(self, event: Input.Changed) -> None:
        self._hint("Enter opent de zaak; ↓ kiest uit de suggesties.")
        self._suggest(event.value)

    @work(thread=True, exclusive=True, group="jump-suggest")
    def _suggest(self, text: str) -> None:
        try:
            found = search.suggest_numbers(self._app_context, text, limit=8) if text.strip() else []
        except KlachtdeskError:
            found = []
        self.app.call_from_thread(self._show_suggestions, text, found)

    def _show_suggestions(self, text: str, found: list[search.NumberSuggestion]) -> None:
        if text != self.query_one(Input).value:
            return  # an older answer
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([
            Option(f"{s.number}  {s.complainant[:26]:<26}  {s.kind.value:<12}  {s.status.value[:22]:<22}  "
                   f"{format_date_short(local(s.received_at).date())}", id=str(s.id))
            for s in found
        ])
        options.set_class(not found, "-empty")

    def action_to_suggestions(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count and self.focused is self.query_one(Input):
            options.focus()
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#jump-suggestions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    # -- Enter: resolve the number ------------------------------------------------------

    @on(Input.Submitted, "#jump-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self._error("Typ een klachtnummer, bijvoorbeeld KL-2026-000123, 2026-123 of 123.")
            return
        self._resolve(event.value)

    @work(thread=True, exclusive=True, group="jump-resolve")
    def _resolve(self, text: str) -> None:
        try:
            complaint_id = complaints.id_for_number(self._app_context, text)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._error, error.message)
            return
        self.app.call_from_thread(self.dismiss, complaint_id)

    def _error(self, message: str) -> None:
        label = self.query_one("#jump-message", Static)
        label.update(message)
        label.remove_class("-hint")

    def _hint(self, message: str) -> None:
        label = self.query_one("#jump-message", Static)
        label.update(message)
        label.add_class("-hint")

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_jump(app: App[object]) -> None:
    """Show the dialog; open the case chosen (``app.action_open_case``)."""

    def chosen(complaint_id: int | None) -> None:
        if complaint_id is not None:
            app.action_open_case(complaint_id)  # type: ignore[attr-defined]

    if not isinstance(app.screen, JumpScreen):
        app.push_screen(JumpScreen(), chosen)


__all__ = ["JumpScreen", "open_jump"]
