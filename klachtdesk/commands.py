"""The command palette (Ctrl+P): every screen by name, namespaced like Posting's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from klachtdesk.app import KlachtdeskApp


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    action: str  # an app action, e.g. "open_registration"


#: the screens and actions the palette offers; modules add theirs in ``app.PALETTE``
def palette_commands(app: KlachtdeskApp) -> list[PaletteCommand]:
    return list(app.PALETTE)


class KlachtdeskCommands(Provider):
    """Static commands: open a screen, start a registration, show the help."""

    @property
    def _app(self) -> KlachtdeskApp:
        return cast("KlachtdeskApp", self.app)

    def _runner(self, action: str) -> Callable[[], object]:
        return partial(self._app.run_action, action)

    async def discover(self) -> Hits:
        for command in palette_commands(self._app):
            yield DiscoveryHit(command.name, self._runner(command.action), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in palette_commands(self._app):
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), self._runner(command.action), help=command.help)
