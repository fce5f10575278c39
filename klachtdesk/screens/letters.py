"""Letters waiting for the post (``posting.waiting``), of every case: the screen beside the
CLI's ``klachtdesk brieven``.

``Enter`` opens the case; ``o`` marks the highlighted letter posted with the case screen's
own dialog (``PostedDialog``, ``posting.mark_posted``); ``p`` prints it from the database
into this workstation's outbox (the first time — a letter the web form recorded — or again,
replacing the file: a lost or spoiled print) and says where the file is. Who may: the
services decide (reading needs personal data; printing, what posting needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from klachtdesk.clock import local
from klachtdesk.screens.base import DeskScreen, service_work
from klachtdesk.screens.case_actions import PostedDialog, PostedValues, posted_choices
from klachtdesk.services.correspondence import posting
from klachtdesk.services.time.dutch import format_date_short
from klachtdesk.widgets.fitted_table import FittedTable
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.windowed_list import Column
from klachtdesk.widgets.footer import DeskFooter


#: the letters' columns (``fit_columns``): the file's name gives way first; the detail
#: below the list names the whole path anyway
COLUMNS = (
    Column("Klachtnr.", 14),
    Column("Klager", 12, flex=2),
    Column("Bericht", 16, flex=2),
    Column("Gemaakt", 9),
    Column("Bestand", 20, flex=1, drop=1),
)


class LetterTable(FittedTable[posting.LetterView]):
    def __init__(self) -> None:
        super().__init__(COLUMNS, id="letters-table")

    def item_key(self, item: posting.LetterView) -> str:
        return str(item.id)

    def cells(self, item: posting.LetterView) -> list[str]:
        return [item.number, item.name or "—", item.label, format_date_short(local(item.printed_at).date()),
                Path(item.path).name if item.printed_here and item.path else "nog niet (p)"]


@dataclass
class LetterPrinted(Message):
    """A letter printed (again) from the database."""

    printed: posting.Printed


@dataclass
class LettersLoaded(Message):
    """The letters still to post, oldest first (``select_id``: the one to put the cursor on)."""

    letters: list[posting.LetterView]
    select_id: int | None = None


class LettersScreen(DeskScreen[None]):
    """Every printed letter "klaar om te versturen", oldest first."""

    HELP_TITLE = "Brieven op de post"
    DEFAULT_CSS = """
    LettersScreen #letters-title { height: 1; padding: 0 1; text-style: bold; background: $boost; }
    LettersScreen #letters-table { height: 1fr; }
    LettersScreen #letter-detail { height: auto; max-height: 7; border-top: solid $primary; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Zaak openen", id="letters.open"),
        Binding("o", "mark_posted", "Verstuurd", id="letters.mark_posted"),
        Binding("p", "print", "Afdrukken", id="letters.print"),
        Binding("r", "reload", "Vernieuwen", id="letters.reload", show=False),
        Binding("escape", "back", "Terug", id="letters.back"),
    ]

    @property
    def table(self) -> LetterTable:
        return self.query_one(LetterTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Brieven laden …", id="letters-title", markup=False)
        yield LetterTable()
        yield Static("", id="letter-detail", markup=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "Klaar om te versturen"
        table = self.table
        table.loading = True
        table.focus()
        self._load()

    @service_work("letters-load")
    def _load(self, select_id: int | None = None) -> None:
        self.post_message(LettersLoaded(posting.waiting(self.context), select_id))

    @on(LettersLoaded)
    def _show(self, message: LettersLoaded) -> None:
        previous = self.current()
        keep = message.select_id if message.select_id is not None else (previous.id if previous else None)
        letters = message.letters
        table = self.table
        table.show_items(letters, next((i for i, letter in enumerate(letters) if letter.id == keep), None))
        table.loading = False
        count = len(letters)
        self.query_one("#letters-title", Static).update(
            f"{count} {'brief' if count == 1 else 'brieven'} klaar om te versturen — markeer na het posten met o"
            if count else "Geen brieven klaar om te versturen: alles is op de post.")
        self._describe()

    @property
    def letters(self) -> list[posting.LetterView]:
        """The letters shown (the table holds them)."""
        return self.table.items

    def current(self) -> posting.LetterView | None:
        return self.table.current

    @on(DataTable.RowHighlighted, "#letters-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe()

    def _describe(self) -> None:
        letter = self.current()
        text = "" if letter is None else "\n".join((
            f"Brief {letter.id}: {letter.subject}",
            f"Aan: {letter.name or '—'}, {letter.address or '(geen adres meer)'}",
            f"Bestand: {letter.path}" if letter.printed_here else
            "Nog niet afgedrukt op deze werkplek: p drukt hem af uit de database.",
            *(() if letter.counts else ("Telt niet als de reactie: een automatische ontvangstbevestiging.",)),
        ))
        self.query_one("#letter-detail", Static).update(text)

    def why_not_now(self, action: str) -> str | None:
        if action in ("open", "mark_posted", "print") and self.current() is None:
            return "Er is geen brief gekozen: er wacht er geen op de post."
        return None

    # -- actions ------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#letters-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        letter = self.current()
        if letter is not None:
            self.desk.action_open_case(letter.complaint_id)

    def action_mark_posted(self) -> None:
        """The case screen's ``o``, for the highlighted letter (who may: the service decides)."""
        letter = self.current()
        if letter is None:
            return
        context = self.context

        def submit(values: PostedValues) -> posting.Posted:
            return posting.mark_posted(context, values.letter_id, values.on)

        def done(posted: posting.Posted | None) -> None:
            if posted is not None:
                self.say(posted.outcome, timeout=8)
                self.desk.post_data_changed()
                self._load()

        self.app.push_screen(PostedDialog(submit, letters=posted_choices([letter]), today=context.today()), done)

    def action_print(self) -> None:
        """Print the highlighted letter from the database (again: the file is replaced)."""
        letter = self.current()
        if letter is not None:
            self._print(letter.id)

    @service_work("letters-print")
    def _print(self, letter_id: int) -> None:
        self.post_message(LetterPrinted(posting.print_letter(self.context, letter_id)))

    @on(LetterPrinted)
    def _printed(self, message: LetterPrinted) -> None:
        self.say(message.printed.outcome, timeout=15)
        self._load(message.printed.letter.id)

    def action_reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_changed(self, message: DataChanged) -> None:
        self._load()


__all__ = ["LetterPrinted", "LettersLoaded", "LettersScreen"]
