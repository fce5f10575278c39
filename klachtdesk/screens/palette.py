"""The command palette (Ctrl+P): every screen by name, namespaced like Posting's.

The providers reach the app only through ``DeskApp`` (``screens.base``): the app
imports this module, never the other way round."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from klachtdesk.errors import KlachtdeskError
from klachtdesk.screens.base import DeskApp, desk_of
from klachtdesk.services.core.permissions import Permission

__all__ = ["DutchCommandPalette", "JumpCommands", "KlachtdeskCommands", "PaletteCommand", "SCREEN_COMMANDS"]


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str
    action: str  # an app action, e.g. "open_registration"


#: the screens and actions the palette offers on every screen (app actions)
SCREEN_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("Inbox", "Alle zaken, nieuwste eerst", "open_inbox"),
    PaletteCommand("Nieuwe melding registreren", "Klacht, factuurvraag of accountvraag (telefoon)",
                   "open_registration"),
    PaletteCommand("Termijnen", "Alle open termijnen: te laat, vandaag, deze week", "open_deadlines"),
    PaletteCommand("Bemiddelingsplanner", "Gesprekken plannen en de agenda van de klachtenfunctionaris",
                   "open_planner"),
    PaletteCommand("Analyse", "Trends, behandeltijden en termijnnaleving per periode", "open_analysis"),
    PaletteCommand("Bewaarde post", "Quarantaine, automatische mail en daglimiet (beheerder)", "open_kept_mail"),
    PaletteCommand("Brieven op de post",
                   "Brieven klaar om af te drukken en te versturen; druk af (p) en markeer ze verstuurd",
                   "open_letters"),
    PaletteCommand("Verbetermaatregelen", "Corrigerende en preventieve maatregelen", "open_measures"),
    PaletteCommand("Nieuwe verbetermaatregel", "Een corrigerende of preventieve maatregel vastleggen", "new_measure"),
    PaletteCommand("Help", "Alle toetsen van dit scherm", "help"),
)


class DutchCommandPalette(CommandPalette):
    """Textual's command palette, in Dutch (its placeholder and "geen resultaten")."""

    def __init__(self) -> None:
        super().__init__(placeholder="Zoek een scherm, een actie of een klachtnummer …", id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own says "No matches found"; the same countdown, in Dutch
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text("Niets gevonden", style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


class KlachtdeskCommands(Provider):
    """Static commands: open a screen, start a registration, show the help."""

    def _runner(self, action: str) -> Callable[[], object]:
        return partial(self.app.run_action, action)

    async def discover(self) -> Hits:
        for command in SCREEN_COMMANDS:
            yield DiscoveryHit(command.name, self._runner(command.action), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in SCREEN_COMMANDS:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), self._runner(command.action), help=command.help)


def _with_name(title: str, name: str) -> Text:
    """A hit's prompt: ``title`` and the klager's name, as written (never markup)."""
    return Text.assemble(title, (f" · {name}", "not bold")) if name else Text(title)


class JumpCommands(Provider):
    """"Ga naar klacht …": the jump dialog, and matching klachtnummers as you type."""

    TITLE = "Ga naar klacht …"
    HELP = "Open een zaak op klachtnummer: KL-2026-000123, 2026-123 of 123 (dit jaar)"

    @property
    def _desk(self) -> DeskApp:
        return desk_of(self.app)

    def _open_dialog(self) -> None:
        # deferred for start-up time (the jump dialog and the search service load with the first use)
        from klachtdesk.screens.jump import open_jump

        open_jump(self.app)

    def _open_case(self, complaint_id: int) -> Callable[[], object]:
        return partial(self._desk.action_open_case, complaint_id)

    async def discover(self) -> Hits:
        yield DiscoveryHit(self.TITLE, self._open_dialog, help=self.HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match(self.TITLE)
        if score > 0:
            yield Hit(score, matcher.highlight(self.TITLE), self._open_dialog, text=self.TITLE, help=self.HELP)
        from klachtdesk.services.lists.search import suggest_numbers  # deferred for start-up time

        try:
            found = await asyncio.to_thread(suggest_numbers, self._desk.context, query, 8)
        except KlachtdeskError:
            return
        for rank, suggestion in enumerate(found):
            title = f"Ga naar klacht {suggestion.number}"
            # the klager's name is in the prompt, as a Text: a hit's help is always read as markup
            yield Hit(
                1.0 - rank / 100, _with_name(title, suggestion.complainant), self._open_case(suggestion.id),
                text=title, help=f"{suggestion.kind.value} · {suggestion.status.value}",
            )
        if self._desk.context.user.may(Permission.READ_PERSONAL_DATA):
            for rank, suggestion in enumerate(found):  # after the cases: the klager of each
                title = f"Klager van {suggestion.number}"
                yield Hit(0.5 - rank / 100, _with_name(title, suggestion.complainant),
                          partial(self._desk.action_open_profile, complaint_id=suggestion.id),
                          text=title, help="gegevens, zaken en contact")
