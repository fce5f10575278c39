"""The one form-dialog base: every dialog of klachtdesk is a ``FormDialog``.

A dialog is a ``ModalScreen[Result | None]`` (as Posting's ``NewRequestModal``): it
dismisses with its typed result, or None when cancelled. The base gives every dialog

- the frame: a title, the fields (scrolling when the terminal is small, so the
  buttons stay on screen), a message line (scrolling when it is longer than the room
  left, e.g. after a conflict) and the buttons; Esc cancels, Ctrl+S saves;
- field errors at the field: each field is a ``DialogField`` with its own error line;
  a ``ValidationError`` is shown under the field it names (``FIELDS`` maps the
  services' field names onto widget ids) and that field gets the focus;
- checks as you type: the services' own field rules wrapped as Textual validators
  (``ServiceRule``), their message under the field;
- a save worker: ``collect()`` reads the form on the event loop (local checks raise
  ``ValidationError``), ``save(values)`` calls the service in a thread worker, and the
  result is dismissed; while it runs the dialog is busy and a second Ctrl+S does nothing;
- kept input: a refused save leaves every field as typed; on Esc, ``keep`` receives
  what the user changed (the case screen reopens the dialog with it), or the user is
  asked before it is thrown away (``DISCARD_QUESTION``).

A dialog that only chooses (the filters, a yes/no question) has no ``save``: Ctrl+S
dismisses with ``collect()`` at once.

Textual calls ``on_mount`` of every class in the chain: a dialog's own ``on_mount`` must
not call ``super().on_mount()``. It runs first; the base's then restores kept input and
focuses the first field. How to write one: ``docs/architecture.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import InvalidQueryFormat, NoMatches
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, SelectionList, Static, TextArea
from textual.message import Message

from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.screens.base import DeskModal, WorkFailed, service_work

ResultT = TypeVar("ResultT")

#: what a dialog keeps of its input: widget id -> value
KeptInput = dict[str, Any]

#: the worker groups of the base
SAVE = "dialog-save"
LOAD = "dialog-load"


class ServiceRule(Validator):
    """A service's check of one field as a Textual ``Validator``: ``check(text)`` is the
    service's own rule (a parser, a length check) and raises ``ValidationError``; its
    Dutch message is the failure shown under the field."""

    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except ValidationError as error:
            return self.failure(error.message, value)
        return self.success()


class FieldError(Static):
    """The message line under a field: an error (red), or a confirmation (``ok``, green)."""

    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; display: none; }
    FieldError.-shown { display: block; }
    FieldError.-ok { color: $success; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)

    def say(self, message: str | None, ok: bool = False) -> None:
        self.update(message or "")
        self.set_class(bool(message), "-shown")
        self.set_class(ok, "-ok")


class DialogField(Vertical):
    """One field of a dialog: its label, its control (or a row of controls), an optional
    hint line, and its error line (id ``<control id>-error`` unless ``error_id``).
    ``inline`` puts the label left of the control."""

    DEFAULT_CSS = """
    DialogField { height: auto; }
    DialogField > .field-row { height: auto; margin-top: 1; }
    DialogField > .field-row > * { width: 1fr; }
    DialogField > .field-row > Label { width: 24; padding: 0 1 0 0; text-style: bold; }
    DialogField.-inline > FieldError, DialogField.-inline > .field-hint { padding-left: 24; }
    DialogField > .field-hint { color: $text-muted; height: auto; }
    DialogField > .field-hint.-empty { display: none; }
    """

    def __init__(self, label: str | None, *controls: Widget, error_id: str | None = None,
                 hint_id: str | None = None, inline: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.controls = controls
        first = next((c.id for c in controls if c.id), None)
        self.error_id = error_id or (f"{first}-error" if first else None)
        self.hint_id = hint_id
        self.set_class(inline, "-inline")

    def compose(self) -> ComposeResult:
        if self.has_class("-inline"):
            with Horizontal(classes="field-row"):
                yield Label(self.label or "", markup=False)
                yield from self.controls
        else:
            if self.label:
                yield Label(self.label, classes="field-label", markup=False)
            yield from self.controls
        if self.hint_id:
            yield Static("", id=self.hint_id, classes="field-hint -empty", markup=False)
        yield FieldError(id=self.error_id)

    @property
    def error(self) -> FieldError:
        return self.query_one(FieldError)

    def hint(self, text: str) -> None:
        """Show ``text`` under the control (the date as understood, say); empty hides it."""
        line = self.query_one(".field-hint", Static)
        line.update(text)
        line.set_class(not text, "-empty")


class MessageScroll(VerticalScroll, can_focus=False):
    """The message line's frame: it scrolls (by mouse) when the message is longer than the
    room the buttons leave, and takes no place in the Tab order."""


@dataclass
class Saved(Message):
    """The save worker's service call succeeded with ``result``."""

    result: object


@dataclass
class Loaded(Message):
    """What the dialog's ``load()`` read in its worker."""

    data: object


class FormDialog(DeskModal[ResultT | None], Generic[ResultT]):
    """A form over a screen that calls one service and dismisses with its result."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > #dialog {
        width: 88; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 2;
    }
    FormDialog #dialog-title { text-style: bold; margin: 1 0 0 0; height: auto; }
    FormDialog #fields { height: auto; }
    FormDialog .hint { color: $text-muted; height: auto; }
    FormDialog .field-label { margin-top: 1; text-style: bold; }
    FormDialog TextArea { height: 6; }
    FormDialog #dialog-foot { height: auto; }
    FormDialog #message { height: auto; }
    FormDialog #error { color: $error; height: auto; margin-top: 1; }
    FormDialog #error.-empty { display: none; }
    FormDialog #buttons { height: auto; align-horizontal: right; margin: 1 0; }
    FormDialog #buttons Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "Opslaan", id="dialog.submit", priority=True),
    ]
    TITLE_TEXT: ClassVar[str] = ""
    SUBMIT_LABEL: ClassVar[str] = "Opslaan"
    CANCEL_LABEL: ClassVar[str] = "Annuleren"
    #: the services' field names that differ from the widget ids
    FIELDS: ClassVar[dict[str, str]] = {}
    #: asked before Esc throws typed input away (None: Esc closes at once), and its two answers
    DISCARD_QUESTION: ClassVar[str | None] = None
    DISCARD_ANSWERS: ClassVar[tuple[str, str]] = ("Weggooien", "Verder bewerken")
    #: whether a changed choice alone (a Select, a list) is input worth keeping or asking about
    KEEP_CHOICES: ClassVar[bool] = False
    #: the rows the fields keep however long the message line is
    FIELD_ROWS: ClassVar[int] = 3

    def __init__(
        self,
        *,
        title: str | None = None,
        submit_label: str | None = None,
        kept: KeptInput | None = None,
        keep: Callable[[KeptInput | None], None] | None = None,
    ) -> None:
        super().__init__()
        self._title = title or self.TITLE_TEXT
        self._submit_label = submit_label or self.SUBMIT_LABEL
        self._kept = kept
        self._keep = keep
        self._initial: KeptInput = {}
        self.busy = False

    # -- what a dialog says ---------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        """The fields, each a ``DialogField``."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button(f"{self.CANCEL_LABEL} (Esc)", id="cancel")
        yield Button(f"{self._submit_label} (Ctrl+S)", id="submit", variant="primary")

    def collect(self) -> Any:
        """The values for ``save``, read on the event loop; raise ``ValidationError(field=…)``
        for what the form can tell at once."""
        return None

    def check(self, values: Any) -> list[ValidationError]:
        """Every field error of ``values`` the form can tell before saving (all at once,
        in form order); the first field with one gets the focus."""
        return []

    def save(self, values: Any) -> ResultT:
        """The service call, in a worker thread (a dialog without one dismisses with ``values``)."""
        raise NotImplementedError

    def load(self) -> object | None:
        """What the dialog reads from the services when it opens, in a worker thread
        (None: nothing to read)."""
        return None

    def loaded(self, data: Any) -> None:
        """Show what ``load`` read."""

    def refused(self, error: KlachtdeskError) -> None:
        """The save was refused (the message is shown already)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self._title, id="dialog-title", markup=False)
            with VerticalScroll(id="fields"):
                yield from self.compose_fields()
            with Vertical(id="dialog-foot"):
                with MessageScroll(id="message"):
                    yield Static("", id="error", classes="-empty", markup=False)
                with Horizontal(id="buttons"):
                    yield from self.compose_buttons()

    def on_mount(self) -> None:
        self.mark_clean()
        if self._kept:
            self.restore(self._kept)
        self.focus_first()
        if type(self).load is not FormDialog.load:
            self._load_work()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Share what the terminal has between the fields and the message line, after the
        title and the buttons: the buttons never leave the screen. The fields keep at least
        ``FIELD_ROWS`` rows and scroll; a message longer than the rest (a conflict that names
        many changed fields) scrolls too, its first lines (what happened) on screen."""
        try:
            dialog, fields = self.query_one("#dialog"), self.query_one("#fields")
            title, buttons = self.query_one("#dialog-title"), self.query_one("#buttons")
            message, error = self.query_one("#message"), self.query_one("#error")
        except NoMatches:
            return

        def outer(widget: Widget) -> int:
            return widget.outer_size.height + widget.styles.margin.height

        room = self.size.height - dialog.styles.gutter.height - outer(title) - outer(buttons)
        wanted = 0 if error.has_class("-empty") else outer(error)
        most = max(1, room - self.FIELD_ROWS)
        message.styles.max_height = most
        fields.styles.max_height = max(self.FIELD_ROWS, room - min(wanted, most))
        self.call_after_refresh(self._show_focused)

    def _show_focused(self) -> None:
        """The field being typed in stays in sight when the fields lose rows to a message."""
        focused = self.focused
        if focused is not None and any(node.id == "fields" for node in focused.ancestors):
            focused.scroll_visible(animate=False)

    def focus_first(self) -> None:
        for widget in self.query("#fields Select, #fields OptionList, #fields SelectionList, #fields Input, "
                                 "#fields TextArea, #fields Checkbox"):
            if widget.focusable:
                widget.focus()
                return

    # -- loading --------------------------------------------------------------------------

    @service_work(LOAD)
    def _load_work(self) -> None:
        data = self.load()
        if data is not None:
            self.post_message(Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.loaded(message.data)

    # -- input: kept across a refusal and a cancel -----------------------------------------

    def _inputs(self) -> Iterable[Widget]:
        return [w for w in self.query("Input, TextArea, Select, OptionList, SelectionList, Checkbox") if w.id]

    def raw_state(self) -> KeptInput:
        state: KeptInput = {}
        for widget in self._inputs():
            key = str(widget.id)
            if isinstance(widget, Input):
                state[key] = widget.value
            elif isinstance(widget, TextArea):
                state[key] = widget.text
            elif isinstance(widget, Select):
                state[key] = None if widget.is_blank() else widget.value
            elif isinstance(widget, SelectionList):
                state[key] = tuple(widget.selected)
            elif isinstance(widget, OptionList):
                state[key] = widget.highlighted
            elif isinstance(widget, Checkbox):
                state[key] = widget.value
        return state

    def restore(self, state: KeptInput) -> None:
        for widget in self._inputs():
            if widget.id not in state:
                continue
            value = state[str(widget.id)]
            if isinstance(widget, Input):
                widget.value = value or ""
            elif isinstance(widget, TextArea):
                widget.load_text(value or "")
            elif isinstance(widget, Select) and value is not None:
                try:
                    widget.value = value
                except Exception:  # noqa: BLE001 - an option that no longer exists
                    pass
            elif isinstance(widget, SelectionList):
                widget.deselect_all()
                for item in value or ():
                    widget.select(item)
            elif isinstance(widget, OptionList) and value is not None and value < widget.option_count:
                widget.highlighted = value
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)

    def mark_clean(self) -> None:
        """What the form shows now is the starting point: only changes from here count."""
        self._initial = self.raw_state()

    def kept_state(self) -> KeptInput:
        """What the user changed (never the old values of fields nobody touched)."""
        return {k: v for k, v in self.raw_state().items() if v != self._initial.get(k)}

    def has_typed(self) -> bool:
        """Whether the user wrote something (or, with ``KEEP_CHOICES``, chose something)."""
        changed = self.kept_state()
        if self.KEEP_CHOICES:
            return bool(changed)
        return any(isinstance(v, str) and v.strip() != str(self._initial.get(k) or "").strip()
                   for k, v in changed.items())

    # -- checks as you type ---------------------------------------------------------------

    @on(Input.Changed)
    def _checked(self, event: Input.Changed) -> None:
        result = event.validation_result
        if result is None:
            return
        line = self.error_line(event.input)
        if line is not None:
            line.say(None if result.is_valid else " ".join(result.failure_descriptions))

    # -- errors ---------------------------------------------------------------------------

    def field_widget(self, field: str) -> Widget | None:
        """The control a service's field name stands for."""
        name = self.FIELDS.get(field, field)
        try:
            return self.query_one(f"#{name}")
        except (NoMatches, InvalidQueryFormat):  # no such control, or not a usable id
            return None

    def error_line(self, widget: Widget) -> FieldError | None:
        """The error line of the field ``widget`` belongs to."""
        for node in widget.ancestors_with_self:
            if isinstance(node, DialogField):
                return node.error
            if node is self:
                break
        return None

    def clear_errors(self) -> None:
        for line in self.query(FieldError):
            if not line.has_class("-ok"):
                line.say(None)
        self.set_status("")

    def set_status(self, text: str) -> None:
        """The message line above the buttons (errors that belong to no field, "Bezig …")."""
        line = self.query_one("#error", Static)
        line.update(text)
        line.set_class(not text, "-empty")
        self._status = text
        self.call_after_refresh(self._fit)

    def add_note(self, text: str) -> None:
        """Append a line to the message line (e.g. what a colleague changed)."""
        current = getattr(self, "_status", "")
        self.set_status(f"{current}\n{text}" if current else text)

    def show_error(self, error: KlachtdeskError | str) -> None:
        """The message under the field it is about (else on the message line), and the
        focus on that field; nothing typed is touched."""
        message = error if isinstance(error, str) else error.message
        field = getattr(error, "field", None)
        widget = self.field_widget(field) if field else None
        line = self.error_line(widget) if widget is not None else None
        if line is not None:
            line.say(message)
        else:
            self.set_status(message)
        if widget is not None and widget.focusable:
            widget.focus()
            widget.scroll_visible(animate=False)

    # -- saving ---------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        try:
            values = self.collect()
        except KlachtdeskError as error:
            self.show_error(error)
            return
        errors = self.check(values)
        if errors:
            for error in reversed(errors):  # every message at its field, the focus on the first
                self.show_error(error)
            return
        if type(self).save is FormDialog.save:  # a dialog that only chooses
            self.dismiss(values)
            return
        self.busy = True
        self.set_status("Bezig …")
        self._save_work(values)

    @service_work(SAVE)
    def _save_work(self, values: Any) -> None:
        self.post_message(Saved(self.save(values)))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.busy = False
        if self._keep:
            self._keep(None)
        self.dismiss(message.result)  # type: ignore[arg-type]

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        """A dialog's own workers are refused in the dialog, where the user looks."""
        if message.group in self.QUIET_WORK:
            return
        message.stop()
        if message.group == SAVE:
            self.busy = False
            self.set_status("")  # no longer "Bezig …"
            self.show_error(message.error)
            self.refused(message.error)
        else:
            self.show_error(message.error)

    # -- cancelling ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self._keep:
            self._keep(self.kept_state() if self.has_typed() else None)
        elif self.DISCARD_QUESTION and self.has_typed():
            def answered(discard: bool | None) -> None:
                if discard:
                    self.dismiss(None)

            yes, no = self.DISCARD_ANSWERS
            self.app.push_screen(ConfirmModal(self.DISCARD_QUESTION, yes=yes, no=no), answered)
            return
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.enter_pressed_in(event.input)

    def enter_pressed_in(self, field: Input) -> None:
        """Enter in a one-line field saves the dialog (a dialog may move on instead)."""
        self.action_submit()


class ConfirmModal(FormDialog[bool]):
    """A yes/no question; dismisses with True for yes (None for no)."""

    DEFAULT_CSS = """
    ConfirmModal > #dialog { width: 64; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,y", "submit", "Ja", id="confirm.yes"),
        Binding("n,escape", "cancel", "Nee", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Ja", no: str = "Nee") -> None:
        super().__init__(title=question)
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose_buttons(self) -> ComposeResult:
        yield Button(f"{self.no_label} (n)", id="cancel")
        yield Button(f"{self.yes_label} (j)", id="submit", variant="primary")

    def focus_first(self) -> None:
        self.query_one("#submit", Button).focus()

    def collect(self) -> bool:
        return True


__all__ = [
    "ConfirmModal",
    "DialogField",
    "FieldError",
    "FormDialog",
    "KeptInput",
    "Loaded",
    "Saved",
    "ServiceRule",
]
