"""The footer of every screen: its keys, each shown whole or not at all, rebuilt only when
they change.

- Textual's ``Footer`` lays the keys out in one row and cuts the row at the edge, so at 80
  columns the last key read ``m M`` (half of "m Mijn zaken"). ``KeyFooter`` shows the keys
  in the screen's own order as long as they fit whole, leaves out the rest, and always
  keeps the key that lists them all (F1 Help) beside the menu key (``^p menu``, right).
- Textual's ``Footer`` rebuilds all its keys (a widget each, styled and mounted) after
  every change of the screen's bindings: at each focus change (Tab through the
  registration form), and five times while the inbox opens. ``KeyFooter`` rebuilds only
  when the keys it would show differ from the ones it shows, and once for a burst of
  changes (the rebuild shows the bindings as they are when it runs).
- Textual's ``FooterKey`` starts compact and is then bound to its footer's ``compact``
  (false): each key was styled twice at each rebuild, a sixth of opening a screen.
  ``KeyFooter`` starts those keys as the footer is (the menu key, not bound, stays compact).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: the keys that stay whatever the width: the one that shows every key
ALWAYS_SHOWN = frozenset({"help"})


def _width(widget: Widget) -> int:
    margin = widget.styles.margin
    return widget.outer_size.width + margin.left + margin.right


def _always(widget: Widget) -> bool:
    return isinstance(widget, FooterKey) and widget.action in ALWAYS_SHOWN


class KeyFooter(Footer):
    """A ``Footer`` whose keys are shown whole or left out, rebuilt when they change (see the module)."""

    #: the latest binding change asked for (a rebuild runs only when it is still the latest)
    _asked = 0
    #: what the footer's keys were last built from (``_shown``)
    _built: Any = None

    def __init__(self, *children: Widget, **kwargs: object) -> None:
        super().__init__(*children, **kwargs)  # type: ignore[arg-type]
        #: the width of each key as laid out in full (measured once after each recompose)
        self._widths: dict[Widget, int] = {}

    # -- rebuilding --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # the keys Footer binds to its compact start as it is (styled once); the menu key
            # is not bound and stays compact, as in Textual
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._asked += 1
            self.call_after_refresh(self._rebuild, self._asked)

    def _shown(self) -> tuple[Any, ...]:
        """Everything ``Footer.compose`` builds the keys from."""
        active = self.screen.active_bindings
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.tooltip, enabled, tooltip,
             None if binding.group is None else (binding.group.description, binding.group.compact),
             self.app.get_key_display(binding))
            for (_, binding, enabled, tooltip) in active.values() if binding.show
        )
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, tooltip = found
                palette = (binding.key, binding.action, binding.description, binding.tooltip, enabled,
                           self.app.get_key_display(binding))
        return keys, palette

    async def _rebuild(self, asked: int) -> None:
        if asked != self._asked or not self.is_attached:
            return
        shown = self._shown()
        if shown != self._built:
            self._built = shown
            await self.recompose()

    # -- fitting -----------------------------------------------------------------------------

    async def recompose(self) -> None:
        await super().recompose()
        self._widths = {}
        self.call_after_refresh(self.fit_keys)

    def on_resize(self, event: events.Resize) -> None:
        self.fit_keys()

    def _keys(self) -> tuple[list[Widget], Widget | None]:
        keys, menu = [], None
        for child in self.children:
            if child.has_class("-command-palette"):
                menu = child
            else:
                keys.append(child)
        return keys, menu

    def fit_keys(self) -> None:
        """Show the keys that fit whole, in order, and the ones always shown; hide the rest."""
        keys, menu = self._keys()
        if not keys or not self.size.width:
            return
        if not self._widths:
            if not all(key.display for key in keys) or not any(key.outer_size.width for key in keys):
                return  # not laid out in full yet: measured after the next refresh
            self._widths = {key: _width(key) for key in keys}
        room = self.size.width - (_width(menu) if menu is not None else 0)
        room -= sum(self._widths.get(key, 0) for key in keys if _always(key))
        fits = True
        for key in keys:
            if _always(key):
                key.display = True
                continue
            width = self._widths.get(key, 0)
            fits = fits and width <= room
            key.display = fits
            if fits:
                room -= width


__all__ = ["ALWAYS_SHOWN", "KeyFooter"]
