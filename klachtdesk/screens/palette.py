"""The command palette (Ctrl+P): every screen by name, namespaced like Posting's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from klachtdesk.errors import KlachtdeskError
from klachtdesk.screens.jump import open_jump
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists.search import suggest_numbers


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    action: str  # an app action, e.g. "open_registration"


class PaletteHost(Protocol):
    """What the palette needs of the application shell (``KlachtdeskApp`` is one)."""

    PALETTE: ClassVar[list[PaletteCommand]]
    context: Context

    async def run_action(self, action: str, default_namespace: object = None) -> bool: ...

    def action_open_case(self, complaint_id: int) -> None: ...


#: the screens and actions the palette offers; modules add theirs in ``app.PALETTE``
def palette_commands(app: PaletteHost) -> list[PaletteCommand]:
    return list(app.PALETTE)


class KlachtdeskCommands(Provider):
    """Static commands: open a screen, start a registration, show the help."""

    @property
    def _app(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

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


class JumpCommands(Provider):
    """"Ga naar klacht …": the jump dialog, and matching klachtnummers as you type."""

    TITLE = "Ga naar klacht …"
    HELP = "Open een zaak op klachtnummer: KL-2026-000123, 2026-123 of 123 (dit jaar)"

    @property
    def _app(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

    def _open_dialog(self) -> None:
        open_jump(self.app)

    def _open_case(self, complaint_id: int) -> Callable[[], object]:
        return partial(self._app.action_open_case, complaint_id)

    async def discover(self) -> Hits:
        yield DiscoveryHit(self.TITLE, self._open_dialog, help=self.HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match(self.TITLE)
        if score > 0:
            yield Hit(score, matcher.highlight(self.TITLE), self._open_dialog, text=self.TITLE, help=self.HELP)
        try:
            found = await asyncio.to_thread(suggest_numbers, self._app.context, query, 8)
        except KlachtdeskError:
            return
        for rank, suggestion in enumerate(found):
            title = f"Ga naar klacht {suggestion.number}"
            yield Hit(
                1.0 - rank / 100, title, self._open_case(suggestion.id), text=title,
                help=f"{suggestion.complainant} · {suggestion.kind.value} · {suggestion.status.value}",
            )
