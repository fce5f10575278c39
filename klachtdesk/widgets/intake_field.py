"""Building blocks of the intake form: a labelled field box with a message line under
its control, a Select you can type into, and a RadioSet answered with one letter."""

from __future__ import annotations

from time import monotonic
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import RadioButton, RadioSet, Select, Static

#: seconds after which a Select's typed prefix starts afresh
TYPE_AHEAD_RESET = 1.0


def _plain_key(event: events.Key) -> str | None:
    """The typed letter or digit of a key without ctrl/alt, else None."""
    character = event.character
    if not character or len(character) != 1 or not character.isalnum():
        return None
    if event.key.startswith(("ctrl+", "alt+", "super+", "meta+", "hyper+")):
        return None
    return character.lower()


class IntakeField(Vertical):
    """One field of the form: its label (with the key that jumps to it) in the border,
    the control inside, and a message under the control (an error, or a hint such as
    the phone number as it will be stored)."""

    DEFAULT_CSS = """
    IntakeField {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        margin: 0 1 0 0;
    }
    IntakeField:focus-within { border: round $accent; border-title-color: $text; }
    IntakeField.-invalid { border: round $error; border-title-color: $error; }
    IntakeField > .intake-message { height: auto; display: none; color: $text-muted; }
    IntakeField > .intake-message.-shown { display: block; }
    IntakeField.-invalid > .intake-message { color: $error; }
    """

    def __init__(self, label: str, key: str, control: Widget, *, field: str, required: bool = False,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.field = field
        self.key = key
        self.control = control
        self._label = label
        self._required = required
        self._message: tuple[str, bool] = ("", False)
        self._update_title()

    def compose(self) -> ComposeResult:
        yield self.control
        yield Static("", classes="intake-message", markup=False)

    # -- label ----------------------------------------------------------------------

    def _update_title(self) -> None:
        star = " *" if self._required else ""
        self.border_title = f"{self._label}{star} · {self.key}"

    def set_label(self, label: str, *, required: bool | None = None) -> None:
        self._label = label
        if required is not None:
            self._required = required
        self._update_title()

    @property
    def label(self) -> str:
        return self._label

    # -- message --------------------------------------------------------------------

    @property
    def message(self) -> str:
        return self._message[0]

    @property
    def invalid(self) -> bool:
        return self._message[1]

    def set_message(self, text: str = "", *, error: bool = False) -> None:
        """Show ``text`` under the control (red, with a red box, when ``error``)."""
        if self._message == (text, error):
            return
        self._message = (text, error)
        self.set_class(error and bool(text), "-invalid")
        try:
            line = self.query_one(".intake-message", Static)
        except Exception:  # not composed yet
            return
        line.update(text)
        line.set_class(bool(text), "-shown")

    def on_mount(self) -> None:
        text, error = self._message
        self._message = ("", False)
        self.set_message(text, error=error)


class IntakeSelect(Select[Any]):
    """A Select that also takes typing while closed: ``f`` picks *factuurvraag*,
    ``te`` *Teleconsultatie* (a prefix of an option, else a word in it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed = ""
        self._typed_at = 0.0

    def _choose(self, typed: str) -> bool:
        options = [(str(prompt).lower(), value) for prompt, value in self._options if value is not Select.NULL]
        for test in (lambda p: p.startswith(typed), lambda p: any(w.startswith(typed) for w in p.split())):
            for prompt, value in options:
                if test(prompt):
                    self.value = value
                    return True
        return False

    async def _on_key(self, event: events.Key) -> None:
        if self.expanded:
            return
        letter = _plain_key(event)
        if letter is None:
            return
        event.stop()
        event.prevent_default()
        now = monotonic()
        typed = (self._typed if now - self._typed_at < TYPE_AHEAD_RESET else "") + letter
        self._typed_at = now
        if not self._choose(typed):
            typed = letter
            self._choose(typed)
        self._typed = typed


class IntakeRadioSet(RadioSet):
    """A RadioSet whose options are also chosen by their first letter (``j``, ``n``, ``o``)."""

    async def _on_key(self, event: events.Key) -> None:
        letter = _plain_key(event)
        if letter is None:
            return
        for button in self.query(RadioButton):
            if str(button.label).lower().startswith(letter):
                event.stop()
                event.prevent_default()
                button.value = True
                return
        event.stop()
        event.prevent_default()

    def choose(self, label: str) -> None:
        for button in self.query(RadioButton):
            if str(button.label) == label:
                button.value = True
                return

    @property
    def chosen(self) -> str | None:
        button = self.pressed_button
        return str(button.label) if button is not None else None
