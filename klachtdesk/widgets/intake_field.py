"""Building blocks of the intake form: a labelled field box with a message line under
its control, and a RadioSet answered with one letter (the selects are the shared
``TypeSelect``)."""

from __future__ import annotations


from rich.cells import cell_len, set_cell_size
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, RadioButton, RadioSet, Static

from klachtdesk.widgets.type_select import move_on, plain_key

#: the cells of the top border beside its title (``╭─ `` and `` ─╮``)
TITLE_MARGIN = 6


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
                 short: str = "", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.field = field
        self.key = key
        self.control = control
        self._label = label
        #: the label on a box too narrow for ``label`` (say "Dienst" for "Type dienstverlening")
        self.short = short
        self._required = required
        self._message: tuple[str, bool] = ("", False)
        self._update_title()

    def compose(self) -> ComposeResult:
        yield self.control
        yield Static("", classes="intake-message", markup=False)

    # -- label ----------------------------------------------------------------------

    def _update_title(self) -> None:
        """The label, the star of a required field and the key; on a narrow field the label
        gives way (its short form, else cut with …), never the key that jumps here."""
        star = " *" if self._required else ""
        tail = f"{star} · {self.key}"
        label = self._label
        width = self.region.width  # the box with its border, once laid out
        room = width - TITLE_MARGIN - cell_len(tail)
        if width and cell_len(label) > room and self.short:
            label = self.short
        if width and cell_len(label) > room:
            label = set_cell_size(label, max(room - 1, 1)).rstrip() + "…" if room > 1 else ""
        self.border_title = f"{label}{tail}"

    def on_resize(self) -> None:
        self._update_title()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """An input the cursor left shows the beginning of its text (a narrow one showed
        only its end while typing: "…denbarnevelt-Vermeulen"); for the Betrokkenen's too."""
        event.input.scroll_to(x=0, animate=False)

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


class IntakeRadioSet(RadioSet):
    """A RadioSet whose options are also chosen by their first letter (``j``, ``n``, ``o``);
    Enter once one is chosen moves on (as in a ``TypeSelect``)."""

    async def _on_key(self, event: events.Key) -> None:
        pressed = self.pressed_button
        if event.key == "enter" and pressed is not None and (self._selected is None
                                                             or self._nodes[self._selected] is pressed):
            move_on(self, event)
            return
        letter = plain_key(event)
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
