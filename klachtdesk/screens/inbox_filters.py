"""The inbox's filter dialog, and the one wording of a filter (the inbox's header line,
the saved views).

Behandelaar (mijn zaken, niet toegewezen, or anyone who may handle a case), status, soort,
kanaal, categorie and the days of receipt (the one Dutch date grammar, looking back: ``1-11``,
``maandag``, ``30 dagen geleden``), te laat, open. The dates are checked as they are typed;
a range that can hold nothing is refused by the service's own check at its field.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Checkbox, Input, Select, Static

from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.screens.filter_words import _day, describe_filters
from klachtdesk.services.cases.rows import CaseFilter
from klachtdesk.services.procedure import workflow
from klachtdesk.services.procedure.vocabulary import Channel, ComplaintKind, Status
from klachtdesk.services.time import date_grammar
from klachtdesk.widgets.type_select import TypeSelect

#: the behandelaar choices that are no person
MINE = "mijn"
NOBODY = "niemand"


class FilterScreen(FormDialog[CaseFilter]):
    """Behandelaar, status, soort, kanaal, categorie, ontvangen van/t/m, te laat, open:
    Tab between them, Ctrl+S applies."""

    HELP_TITLE = "Filters"
    TITLE_TEXT = "Filters"
    SUBMIT_LABEL = "Toepassen"
    FIELDS: ClassVar[dict[str, str]] = {"received_from": "filter-from", "received_to": "filter-to",
                                        "handler": "filter-handler", "category": "filter-category"}
    DEFAULT_CSS = """
    FilterScreen > #dialog { width: 80; }
    FilterScreen DialogField > .field-row { margin-top: 0; }
    FilterScreen DialogField > .field-row > Label { width: 13; padding-top: 1; }
    FilterScreen DialogField.-inline > FieldError { padding-left: 13; }
    FilterScreen Checkbox { margin-left: 13; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="filters.cancel"),
        Binding("ctrl+s", "submit", "Toepassen", id="filters.apply", priority=True),
        Binding("ctrl+r", "reset", "Alles wissen", id="filters.reset"),
    ]

    def __init__(self, filters: CaseFilter, user_id: int, categories: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.filters = filters
        self.user_id = user_id
        self.categories = categories
        self._names: dict[int, str] = {}

    def _handler_options(self, people: list[tuple[str, int]]) -> list[tuple[str, Any]]:
        options: list[tuple[str, Any]] = [("mijn zaken", MINE), ("niet toegewezen", NOBODY)]
        f = self.filters
        if f.handler_id is not None and f.handler_id != self.user_id and all(i != f.handler_id for _, i in people):
            people = [*people, (f.handler_name or f"medewerker {f.handler_id}", f.handler_id)]
        return options + [(name, staff_id) for name, staff_id in people if staff_id != self.user_id]

    def _handler_value(self) -> Any:
        f = self.filters
        if f.unassigned:
            return NOBODY
        if f.handler_id is None:
            return Select.NULL
        return MINE if f.handler_id == self.user_id else f.handler_id

    def compose_fields(self) -> ComposeResult:
        f = self.filters
        today = self.context.today()
        categories = list(self.categories)
        if f.category is not None and f.category not in categories:
            categories.append(f.category)

        def day_rule(field: str) -> ServiceRule:
            return ServiceRule(lambda text: date_grammar.parse_day(text, today, direction=date_grammar.PAST,
                                                                   field=field))

        def select(options: list[tuple[str, Any]], prompt: str, id: str, value: Any) -> TypeSelect[Any]:
            return TypeSelect(options, prompt=prompt, id=id, value=Select.NULL if value is None else value)

        yield DialogField("Behandelaar", select(self._handler_options([]), "iedereen", "filter-handler",
                                                self._handler_value()), inline=True)
        yield DialogField("Status", select([(s.value, s) for s in Status], "alle statussen", "filter-status",
                                           f.status), inline=True)
        yield DialogField("Soort", select([(k.value, k) for k in ComplaintKind], "alle soorten", "filter-kind",
                                          f.kind), inline=True)
        yield DialogField("Kanaal", select([(c.value, c) for c in Channel], "alle kanalen", "filter-channel",
                                           f.channel), inline=True)
        yield DialogField("Categorie", select([(c, c) for c in categories], "alle categorieën", "filter-category",
                                              f.category), inline=True)
        yield DialogField("Ontvangen", Input(_day(f.received_from) if f.received_from else "", id="filter-from",
                                             placeholder="vanaf (bv. 1-11)", validators=[day_rule("received_from")]),
                          Input(_day(f.received_to) if f.received_to else "", id="filter-to",
                                placeholder="t/m (bv. gisteren)", validators=[day_rule("received_to")]),
                          inline=True)
        yield Checkbox("Alleen te laat", f.overdue_only, id="filter-overdue")
        yield Checkbox("Alleen open zaken", f.open_only, id="filter-open")
        yield Static("Tab: volgend veld · Ctrl+S: toepassen · Ctrl+R: alles wissen · Esc: annuleren", classes="hint")

    def compose_buttons(self) -> ComposeResult:
        yield Button("Annuleren (Esc)", id="cancel")
        yield Button("Alles wissen (Ctrl+R)", id="reset")
        yield Button("Toepassen (Ctrl+S)", id="submit", variant="primary")

    # -- the behandelaars, read when the dialog opens ---------------------------------------

    def load(self) -> list[tuple[str, int]]:
        return [(member.name, member.id) for member in workflow.handler_candidates(self.context)]

    def loaded(self, data: list[tuple[str, int]]) -> None:
        self._names = dict((i, n) for n, i in data)
        handler = self.query_one("#filter-handler", Select)
        value = handler.value
        handler.set_options(self._handler_options(data))
        if value is not Select.NULL:
            handler.value = value
        self.mark_clean()

    # -- the result -------------------------------------------------------------------------

    def _value(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def collect(self) -> CaseFilter:
        today = self.context.today()
        handler = self._value("#filter-handler")
        handler_id = self.user_id if handler == MINE else handler if isinstance(handler, int) else None
        name = self._names.get(handler_id or 0) or (self.filters.handler_name if handler_id == self.filters.handler_id
                                                   else "")
        filters = CaseFilter(
            status=self._value("#filter-status"),
            kind=self._value("#filter-kind"),
            channel=self._value("#filter-channel"),
            handler_id=handler_id,
            handler_name=name,
            unassigned=handler == NOBODY,
            category=self._value("#filter-category"),
            received_from=date_grammar.parse_day(self.query_one("#filter-from", Input).value, today,
                                                 direction=date_grammar.PAST, field="received_from"),
            received_to=date_grammar.parse_day(self.query_one("#filter-to", Input).value, today,
                                               direction=date_grammar.PAST, field="received_to"),
            overdue_only=self.query_one("#filter-overdue", Checkbox).value,
            open_only=self.query_one("#filter-open", Checkbox).value,
            review_only=self.filters.review_only,
        )
        filters.check()  # the service's own check: a range that can hold nothing, at its field
        return filters

    def action_reset(self) -> None:
        self.dismiss(CaseFilter())

    @on(Button.Pressed, "#reset")
    def _reset_pressed(self) -> None:
        self.action_reset()


__all__ = ["FilterScreen", "describe_filters"]
