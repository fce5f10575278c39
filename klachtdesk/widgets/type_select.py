"""The one select of klachtdesk: every choice in every form and dialog is a ``TypeSelect``.

It behaves the same everywhere (a test checks that no screen builds a bare ``Select``):

- typing while it is closed chooses: ``f`` picks *factuurvraag*, ``te`` *Teleconsultatie*,
  ``j`` *ja* (a prefix of an option, else of a word in it; the letters typed within a
  second add up, a letter that fits nothing starts afresh; a letter no option starts
  with is left to the screen);
- Enter moves on to the next field, whether a choice is made or (an optional choice left
  for later) not: Enter never opens the list, so what is typed next goes into the next
  field and not into a list; space and the arrows open the list (a required choice left
  empty is named at its field on saving);
- ctrl, alt and function keys are left alone, so the screen's own keys keep working;
- while the list is open the footer says ``esc Sluiten`` (Textual's overlay says it in English).
- an option given as a ``str`` (a name of staff, a category) is shown as written, never as
  markup (``widgets.plain``).
"""

from __future__ import annotations

from time import monotonic
from collections.abc import Iterable
from typing import Any, TypeVar

from rich.console import RenderableType
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from klachtdesk.widgets.plain import literal

T = TypeVar("T")

#: seconds after which a typed prefix starts afresh
TYPE_AHEAD_RESET = 1.0


def plain_key(event: events.Key) -> str | None:
    """The typed letter or digit of a key without ctrl/alt, else None."""
    character = event.character
    if not character or len(character) != 1 or not character.isalnum():
        return None
    if event.key.startswith(("ctrl+", "alt+", "super+", "meta+", "hyper+")):
        return None
    return character.lower()


def move_on(widget: Widget, event: events.Key) -> None:
    """The choice in ``widget`` is done: the key is used up and the next field has the focus."""
    event.stop()
    event.prevent_default()
    widget.screen.focus_next()


def choose_by_prefix(options: list[tuple[str, Any]], typed: str) -> Any | None:
    """The value of the first option whose text starts with ``typed``, else the first
    with a word that does (None: none fits). ``options`` are (text, value)."""
    lowered = [(text.lower(), value) for text, value in options]
    for text, value in lowered:
        if text.startswith(typed):
            return value
    for text, value in lowered:
        if any(word.startswith(typed) for word in text.split()):
            return value
    return None


class DutchSelectOverlay(SelectOverlay):
    """The open list of a ``TypeSelect``: the same as Textual's, with its footer key in Dutch."""

    BINDINGS = [Binding("escape", "dismiss", "Sluiten")]


class TypeSelect(Select[T]):
    """A Select you can type into while it is closed, and leave with Enter once chosen."""

    def __init__(self, options: Iterable[tuple[RenderableType, T]], *args: Any, **kwargs: Any) -> None:
        super().__init__([(literal(prompt), value) for prompt, value in options], *args, **kwargs)
        self._typed = ""
        self._typed_at = 0.0

    def set_options(self, options: Iterable[tuple[RenderableType, T]]) -> None:
        super().set_options([(literal(prompt), value) for prompt, value in options])

    def compose(self) -> ComposeResult:
        # Textual's Select.compose with the Dutch overlay (queries for SelectOverlay still find it)
        yield SelectCurrent(self.prompt)
        yield DutchSelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def _choices(self) -> list[tuple[str, Any]]:
        return [(str(prompt), value) for prompt, value in self._options if value is not Select.NULL]

    def choose_typed(self, typed: str) -> bool:
        """Choose the option ``typed`` names (see ``choose_by_prefix``); False if none."""
        value = choose_by_prefix(self._choices(), typed)
        if value is None:
            return False
        self.value = value
        return True

    async def _on_key(self, event: events.Key) -> None:
        if self.expanded or self.disabled:
            return
        if event.key == "enter":  # chosen, or left empty for later: either way Enter moves on
            move_on(self, event)
            return
        letter = plain_key(event)
        if letter is None:
            return
        now = monotonic()
        typed = (self._typed if now - self._typed_at < TYPE_AHEAD_RESET else "") + letter
        self._typed_at = now
        if not self.choose_typed(typed):
            typed = letter
            if not self.choose_typed(typed):
                self._typed = ""
                return  # no option starts so: the key is the screen's (or says why it cannot act)
        event.stop()
        event.prevent_default()
        self._typed = typed


__all__ = ["TYPE_AHEAD_RESET", "DutchSelectOverlay", "TypeSelect", "choose_by_prefix", "move_on", "plain_key"]
