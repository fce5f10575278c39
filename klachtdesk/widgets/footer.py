"""The footer of every screen: Textual's, rebuilt once per burst of binding changes.

Textual's ``Footer`` rebuilds all its keys (a widget each, styled and mounted) after every
change of the screen's bindings, and a screen that opens, takes focus and fills its lists
changes them several times before it is first painted: five rebuilds of sixteen keys at the
start of the inbox. Each rebuild shows the bindings as they are when it runs, so only the
last of a burst is seen; ``DeskFooter`` skips the ones a later change has made stale."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    #: the latest binding change asked for (a rebuild runs only when it is still the latest)
    _asked = 0

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._asked += 1
            self.call_after_refresh(self._rebuild, self._asked)

    async def _rebuild(self, asked: int) -> None:
        if asked == self._asked:
            await self.recompose()
