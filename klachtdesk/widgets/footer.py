"""The footer of every screen: Textual's, rebuilt only when what it shows changes.

Textual's ``Footer`` rebuilds all its keys (a widget each, styled and mounted) after every
change of the screen's bindings: at each focus change (Tab through the registration form),
and several times while a screen opens, before it is first painted (five rebuilds of
sixteen keys at the start of the inbox). ``DeskFooter`` rebuilds only when the keys it
would show differ from the ones it shows, and only once for a burst of changes (the
rebuild shows the bindings as they are when it runs, so the last of a burst is enough)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    #: the latest binding change asked for (a rebuild runs only when it is still the latest)
    _asked = 0
    #: what the footer's keys were last built from (``_shown``)
    _built: Any = None

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
