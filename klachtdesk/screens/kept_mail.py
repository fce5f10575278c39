"""Kept mail, for the beheerder: the quarantine, automatic mail without a case, floods.

``Enter`` takes the highlighted mail through the intake again (after a fix, or because
it is a real mail after all); ``x`` marks it handled (it stays stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from klachtdesk.screens.base import DeskScreen, service_work
from klachtdesk.services.time.dutch import format_datetime
from klachtdesk.services.mail import intake
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.plain import PlainTable
from klachtdesk.widgets.footer import DeskFooter

#: at most this many rows: the list is what still needs a look, not an archive
LIMIT = 200


@dataclass
class KeptLoaded(Message):
    kept: list[intake.KeptMail]


@dataclass
class KeptChanged(Message):
    """A kept mail was processed again or marked handled; ``note`` says what happened."""

    note: str


class KeptMailScreen(DeskScreen[None]):
    HELP_TITLE = "Bewaarde post"
    DEFAULT_CSS = """
    KeptMailScreen #kept-title { height: 1; padding: 0 1; text-style: bold; background: $boost; }
    KeptMailScreen #kept-reason { height: 3; padding: 0 1; color: $text-muted; }
    KeptMailScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Terug", id="kept.back"),
        Binding("enter", "again", "Opnieuw verwerken", id="kept.again"),
        Binding("x", "dismiss_mail", "Afgehandeld", id="kept.dismiss"),
        Binding("r", "reload", "Vernieuwen", id="kept.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[intake.KeptMail] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Bewaarde post laden …", id="kept-title")
        table: DataTable[Any] = PlainTable(cursor_type="row", zebra_stripes=True, id="kept-table")
        table.add_columns("Ontvangen", "Soort", "Afzender", "Onderwerp")
        yield table
        yield Static("", id="kept-reason", markup=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "Quarantaine, automatische mail en daglimiet"
        self.load()

    @service_work("kept-mail")
    def load(self) -> None:
        self.post_message(KeptLoaded(intake.kept_mails(self.context, limit=LIMIT)))

    @on(KeptLoaded)
    def _show(self, message: KeptLoaded) -> None:
        self.kept = kept = message.kept
        table = self.query_one(DataTable)
        table.clear()
        for mail in kept:
            table.add_row(format_datetime(mail.received_at), mail.outcome.value, mail.sender or "—",
                          (mail.subject or "(geen onderwerp)")[:80], key=str(mail.id))
        count = len(kept)
        self.query_one("#kept-title", Static).update(
            f"Bewaarde post: {count} mail{'s' if count != 1 else ''} die geen zaak werd"
            if count else "Geen bewaarde post: alles is een zaak geworden of afgehandeld.")
        self._describe()

    def _current(self) -> intake.KeptMail | None:
        table = self.query_one(DataTable)
        if not self.kept or table.cursor_row is None or not 0 <= table.cursor_row < len(self.kept):
            return None
        return self.kept[table.cursor_row]

    def _describe(self) -> None:
        mail = self._current()
        text = f"Reden: {mail.reason}\nBron: {mail.source}" if mail else ""
        self.query_one("#kept-reason", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe()

    def on_data_changed(self, message: DataChanged) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_again(self) -> None:
        mail = self._current()
        if mail is not None:
            self._again(mail.id)

    @service_work("kept-mail-action")
    def _again(self, mail_id: int) -> None:
        result = intake.reprocess(self.context, mail_id)
        what = (f"{result.number}: {result.outcome.value}" if result.number else
                f"opnieuw {result.outcome.value}: {result.note}")
        self.post_message(KeptChanged(f"Opnieuw verwerkt — {what}"))

    def action_dismiss_mail(self) -> None:
        mail = self._current()
        if mail is not None:
            self._dismiss(mail.id)

    @service_work("kept-mail-action")
    def _dismiss(self, mail_id: int) -> None:
        intake.dismiss(self.context, mail_id)
        self.post_message(KeptChanged("Afgehandeld; de mail blijft bewaard."))

    @on(KeptChanged)
    def _done(self, message: KeptChanged) -> None:
        self.say(message.note, timeout=6)
        self.desk.post_data_changed()
