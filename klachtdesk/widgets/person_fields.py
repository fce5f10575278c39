"""The repeating group of people involved in a complaint: one line per person (name,
role aangeklaagde/betrokkene, optional phone, e-mail and a note such as a function)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Button, Input, Static

from klachtdesk.services.procedure.vocabulary import PartyRole
from klachtdesk.widgets.type_select import TypeSelect

ROLE_OPTIONS = [(PartyRole.RESPONDENT.value, PartyRole.RESPONDENT.value),
                (PartyRole.INVOLVED.value, PartyRole.INVOLVED.value)]
PARTS = ("name", "role", "phone", "email", "note")


class InvolvedRow(Vertical):
    """One involved person. Its inputs have the ids ``involved-<part>`` within the row."""

    DEFAULT_CSS = """
    InvolvedRow { height: auto; }
    InvolvedRow > Horizontal { height: 1; }
    InvolvedRow .involved-number { width: 4; color: $text-muted; }
    InvolvedRow Input { width: 1fr; margin-right: 1; }
    InvolvedRow #involved-name { width: 2fr; }
    InvolvedRow #involved-note { width: 2fr; }
    InvolvedRow TypeSelect { width: 20; margin-right: 1; }
    InvolvedRow Button { min-width: 5; width: 5; }
    InvolvedRow Input.-invalid { background: $error 30%; }
    InvolvedRow > .involved-message { height: auto; color: $error; padding-left: 4; display: none; }
    InvolvedRow > .involved-message.-shown { display: block; }
    """

    class RemoveRequested(Message):
        def __init__(self, row: InvolvedRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._initial = dict(values or {})
        self._parts: dict[str, Any] = {}
        self.number = 0

    def compose(self) -> ComposeResult:
        values = self._initial
        role = values.get("role") if values.get("role") in (PartyRole.RESPONDENT.value, PartyRole.INVOLVED.value) \
            else PartyRole.INVOLVED.value
        with Horizontal():
            yield Static("", classes="involved-number")
            yield Input(values.get("name", ""), placeholder="naam *", id="involved-name", compact=True)
            yield TypeSelect(ROLE_OPTIONS, value=role, allow_blank=False, id="involved-role", compact=True)
            yield Input(values.get("phone", ""), placeholder="telefoon", id="involved-phone", compact=True)
            yield Input(values.get("email", ""), placeholder="e-mail", id="involved-email", compact=True)
            yield Input(values.get("note", ""), placeholder="functie of notitie", id="involved-note", compact=True)
            yield Button("✕", id="involved-remove", compact=True, tooltip="Deze betrokkene verwijderen (ctrl+r)")
        yield Static("", classes="involved-message", markup=False)

    def on_mount(self) -> None:
        self.set_number(self.number)

    def set_number(self, number: int) -> None:
        self.number = number
        try:
            self.query_one(".involved-number", Static).update(f"{number}." if number else "")
        except NoMatches:  # not composed yet: on_mount shows it
            pass

    def values(self) -> dict[str, Any]:
        try:
            return {part: str(self.part(part).value) for part in PARTS}
        except NoMatches:  # not composed yet: what it was created with
            return {part: str(self._initial.get(part, "")) for part in PARTS}

    def part(self, name: str) -> Any:
        """The control of one part (``name``, ``role``, ``phone``, ``email``, ``note``)."""
        widget = self._parts.get(name)
        if widget is None:
            widget = self._parts[name] = self.query_one(f"#involved-{name}")
        return widget

    def set_errors(self, errors: dict[str, str]) -> None:
        """Mark the parts with an error and show the messages under the row."""
        try:
            inputs = {part: self.query_one(f"#involved-{part}", Input) for part in ("name", "phone", "email", "note")}
            line = self.query_one(".involved-message", Static)
        except NoMatches:
            return  # being composed or removed right now; the next validation shows them
        for part, widget in inputs.items():
            widget.set_class(part in errors, "-invalid")
        text = " ".join(dict.fromkeys(errors.values()))
        line.update(text)
        line.set_class(bool(text), "-shown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "involved-remove":
            event.stop()
            self.post_message(self.RemoveRequested(self))


class InvolvedGroup(Vertical):
    """The rows, and a button to add one. ``ctrl+b`` (on the screen) adds a row too."""

    DEFAULT_CSS = """
    InvolvedGroup { height: auto; }
    InvolvedGroup > #involved-rows { height: auto; }
    InvolvedGroup > #involved-add { width: auto; }
    InvolvedGroup > #involved-empty { color: $text-muted; height: 1; }
    InvolvedGroup > #involved-add { margin-top: 0; }
    """

    class Changed(Message):
        """Rows were added or removed."""

    def __init__(self, rows: list[dict[str, Any]] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = list(rows or [])

    def compose(self) -> ComposeResult:
        with Vertical(id="involved-rows"):
            for values in self._initial:
                yield InvolvedRow(values)
        yield Static("Nog niemand genoemd. Wie gaat de klacht aan? Ctrl+B voegt iemand toe.", id="involved-empty",
                     markup=False)
        yield Button("＋ Betrokkene toevoegen (ctrl+b)", id="involved-add", compact=True)

    def on_mount(self) -> None:
        self._renumber()

    @property
    def rows(self) -> list[InvolvedRow]:
        return list(self.query_one("#involved-rows").query_children(InvolvedRow))

    def values(self) -> list[dict[str, Any]]:
        return [row.values() for row in self.rows]

    def _renumber(self) -> None:
        rows = self.rows
        for number, row in enumerate(rows, start=1):
            row.set_number(number)
        self.query_one("#involved-empty").display = not rows

    async def add_row(self, values: dict[str, Any] | None = None, *, focus: bool = True) -> InvolvedRow:
        if values is None:
            # the first person named is usually the one the complaint is about
            role = PartyRole.RESPONDENT if not self.rows else PartyRole.INVOLVED
            values = {"role": role.value}
        row = InvolvedRow(values)
        await self.query_one("#involved-rows").mount(row)
        self._renumber()
        if focus:
            self.screen.set_focus(row.part("name"))  # at once: the next keys are for this row
        self.post_message(self.Changed())
        return row

    async def remove_row(self, row: InvolvedRow) -> None:
        rows = self.rows
        if row not in rows:
            return
        index = rows.index(row)
        await row.remove()
        self._renumber()
        rest = self.rows
        if rest:
            self.screen.set_focus(rest[min(index, len(rest) - 1)].part("name"))
        else:
            self.screen.set_focus(self.query_one("#involved-add", Button))
        self.post_message(self.Changed())

    async def replace_rows(self, rows: list[dict[str, Any]]) -> None:
        container = self.query_one("#involved-rows")
        await container.remove_children()
        if rows:
            await container.mount_all([InvolvedRow(values) for values in rows])
        self._renumber()

    def row_of(self, widget: Any) -> InvolvedRow | None:
        node = widget
        while node is not None and node is not self:
            if isinstance(node, InvolvedRow):
                return node
            node = node.parent
        return None

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "involved-add":
            event.stop()
            await self.add_row()

    async def on_involved_row_remove_requested(self, event: InvolvedRow.RemoveRequested) -> None:
        event.stop()
        await self.remove_row(event.row)
