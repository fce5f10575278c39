"""Saved views of the inbox: keep the current filter under a name (``w``), and pick one
(``v``). The views are the user's own, in the database (``services/lists/saved_views``),
so they are the same on every workstation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from klachtdesk.errors import ValidationError
from klachtdesk.screens.base import service_work
from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.services.lists import saved_views
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.lists.saved_views import SavedViewRecord
from klachtdesk.services.limits import clean_text


@dataclass
class ViewRemoved(Message):
    """A saved view was removed (its name)."""

    name: str


class SaveViewDialog(FormDialog[SavedViewRecord]):
    """A name for the inbox's current filter, order and search."""

    TITLE_TEXT = "Weergave bewaren"
    SUBMIT_LABEL = "Bewaren"
    FIELDS: ClassVar[dict[str, str]] = {"name": "view-name"}
    DEFAULT_CSS = """
    SaveViewDialog > #dialog { width: 72; }
    """

    def __init__(self, query: InboxQuery, described: str, name: str = "") -> None:
        super().__init__(title="Weergave bewaren")
        self.inbox_query = query
        self.described = described
        self.suggested = name

    def compose_fields(self) -> ComposeResult:
        yield Static(self.described, classes="hint", markup=False)
        yield DialogField("Naam", Input(self.suggested, id="view-name", placeholder="bv. Niet toegewezen deze week",
                                        validators=[ServiceRule(lambda text: clean_text(text, "view_name",
                                                                                        form_field="name"))]))
        yield Static("Een bestaande weergave met deze naam wordt vervangen.", classes="hint")

    def collect(self) -> str:
        return self.query_one("#view-name", Input).value

    def save(self, values: str) -> SavedViewRecord:
        return saved_views.save_view(self.context, values, self.inbox_query)


class ViewPicker(FormDialog[SavedViewRecord]):
    """The user's saved views: Enter shows one, Delete removes one."""

    TITLE_TEXT = "Weergaven"
    SUBMIT_LABEL = "Tonen"
    DEFAULT_CSS = """
    ViewPicker > #dialog { width: 72; }
    ViewPicker OptionList { height: auto; max-height: 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="views.cancel"),
        Binding("ctrl+s", "submit", "Tonen", id="views.show", priority=True),
        Binding("delete", "remove", "Verwijderen", id="views.remove"),
    ]

    def __init__(self, described: str) -> None:
        super().__init__(title="Weergaven")
        self.described = described
        self.views: list[SavedViewRecord] = []

    def compose_fields(self) -> ComposeResult:
        yield DialogField(None, OptionList(id="views-list", markup=False))
        yield Static("Enter: tonen · Delete: verwijderen · Esc: terug · w in de inbox bewaart het huidige filter "
                     f"({self.described})", classes="hint", markup=False)

    def load(self) -> list[SavedViewRecord]:
        return saved_views.list_views(self.context)

    def loaded(self, data: list[SavedViewRecord]) -> None:
        self.views = data
        options = self.query_one("#views-list", OptionList)
        options.clear_options()
        if not data:
            options.add_option(Option("Nog geen weergaven: kies filters in de inbox en bewaar ze met w.",
                                      disabled=True))
            return
        options.add_options([Option(view.name, id=str(view.id)) for view in data])
        options.highlighted = 0

    def _current(self) -> SavedViewRecord | None:
        options = self.query_one("#views-list", OptionList)
        index = options.highlighted
        return self.views[index] if self.views and index is not None and index < len(self.views) else None

    def collect(self) -> SavedViewRecord:
        view = self._current()
        if view is None:
            raise ValidationError("Er is geen weergave om te tonen.")
        return view

    @on(OptionList.OptionSelected, "#views-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def action_remove(self) -> None:
        view = self._current()
        if view is not None:
            self._remove(view)

    @service_work("views-remove")
    def _remove(self, view: SavedViewRecord) -> None:
        saved_views.delete_view(self.context, view.id)
        self.post_message(ViewRemoved(view.name))

    @on(ViewRemoved)
    def _removed(self, message: ViewRemoved) -> None:
        self.set_status(f"Weergave '{message.name}' verwijderd.")
        self._load_work()


__all__ = ["SaveViewDialog", "ViewPicker"]
