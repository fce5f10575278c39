"""``g`` / "Ga naar klacht …": open a case by its klachtnummer.

Accepts ``KL-2026-000123``, ``2026-123`` and ``123`` (this year) and suggests
matching numbers as you type. An unknown number is said in the dialog, which stays
open with the input as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.message import Message

from klachtdesk.clock import local
from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.screens.base import desk_of, service_work
from klachtdesk.screens.dialog import DialogField, FieldError, FormDialog
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import search
from klachtdesk.services.time.dutch import format_date_short

HINT = "Enter opent de zaak; Ctrl+K de klager (gegevens, zaken, contact); ↓ kiest uit de suggesties."


@dataclass(frozen=True)
class KlagerOf:
    """The jump's answer when the klager of the case is wanted rather than the case."""

    complaint_id: int


@dataclass
class Resolved(Message):
    """The klachtnummer typed belongs to this case (for Ctrl+K)."""

    complaint_id: int


@dataclass
class Suggested(Message):
    """Klachtnummers that match ``text`` as typed."""

    text: str
    found: list[search.NumberSuggestion]


class JumpScreen(FormDialog[int | KlagerOf]):
    """Dismisses with the id of the case to open, ``KlagerOf`` a case (Ctrl+K), or None."""

    HELP_TITLE = "Ga naar klacht"
    TITLE_TEXT = "Ga naar klacht"
    SUBMIT_LABEL = "Openen"
    #: no suggestions is all a failed look-up means while typing
    QUIET_WORK = frozenset({"jump-suggest"})
    DEFAULT_CSS = """
    JumpScreen { align: center top; }
    JumpScreen > #dialog { width: 100; max-height: 80%; margin-top: 4; }
    JumpScreen OptionList { height: auto; max-height: 10; margin-top: 1; }
    JumpScreen OptionList.-empty { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="jump.cancel"),
        Binding("down", "to_suggestions", "Suggesties", id="jump.suggestions", show=False),
        Binding("ctrl+k", "klager", "Klager", id="jump.klager", priority=True),
    ]

    def compose_fields(self) -> ComposeResult:
        yield DialogField(None, Input(placeholder="KL-2026-000123, 2026-123 of 123", id="jump-input"),
                          error_id="jump-message", hint_id="jump-hint")
        yield OptionList(id="jump-suggestions", classes="-empty", markup=False)  # klagers' names

    def on_mount(self) -> None:
        self.query_one(DialogField).hint(HINT)

    # -- typing: suggestions ------------------------------------------------------------

    @on(Input.Changed, "#jump-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#jump-message", FieldError).say(None)
        self.query_one(DialogField).hint(HINT)
        self._suggest(event.value)

    @service_work("jump-suggest")
    def _suggest(self, text: str) -> None:
        found = search.suggest_numbers(self.context, text, limit=8) if text.strip() else []
        self.post_message(Suggested(text, found))

    @on(Suggested)
    def _show_suggestions(self, message: Suggested) -> None:
        text, found = message.text, message.found
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

    # -- Ctrl+K: the klager of the case ---------------------------------------------------

    def action_klager(self) -> None:
        options = self.query_one(OptionList)
        if self.focused is options and options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if option.id is not None:
                self.dismiss(KlagerOf(int(option.id)))
                return
        try:
            text = self.collect()
        except KlachtdeskError as error:
            self.show_error(error)
            return
        self._resolve(text)

    @service_work("jump-resolve")
    def _resolve(self, text: str) -> None:
        self.post_message(Resolved(complaints.id_for_number(self.context, text)))

    @on(Resolved)
    def _resolved(self, message: Resolved) -> None:
        self.dismiss(KlagerOf(message.complaint_id))

    # -- Enter: resolve the number ------------------------------------------------------

    def collect(self) -> str:
        text = self.query_one(Input).value
        if not text.strip():
            raise ValidationError("Typ een klachtnummer, bijvoorbeeld KL-2026-000123, 2026-123 of 123.")
        return text

    def save(self, values: str) -> int:
        return complaints.id_for_number(self.context, values)

    def show_error(self, error: KlachtdeskError | str) -> None:
        """Every refusal is about the one field: said under it instead of the hint; the number stays as typed."""
        self.query_one(DialogField).hint("")
        self.query_one("#jump-message", FieldError).say(error if isinstance(error, str) else error.message)
        self.query_one(Input).focus()


def open_jump(app: App[Any]) -> None:
    """Show the dialog; open the case chosen (``app.action_open_case``)."""

    def chosen(answer: int | KlagerOf | None) -> None:
        if isinstance(answer, KlagerOf):
            desk_of(app).action_open_profile(complaint_id=answer.complaint_id)
        elif answer is not None:
            desk_of(app).action_open_case(answer)

    if not isinstance(app.screen, JumpScreen):
        app.push_screen(JumpScreen(), chosen)


__all__ = ["JumpScreen", "KlagerOf", "open_jump"]
