"""Improvement measures: the list (``MeasuresScreen``) and the form (``MeasureFormScreen``).

The form is a modal that returns the saved ``MeasureView`` (or None). It is opened
from this list, from the analysis screen (prefilled from a rising category, with
that period's klachtnummers offered to link) and from a case
(``app.action_new_measure(complaint_id)``, prefilled with its klachtnummer).
All reading and saving runs in thread workers; a refused save keeps the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from klachtdesk.errors import KlachtdeskError, StaleEdit, ValidationError
from klachtdesk.services.procedure.vocabulary import MeasureKind, MeasureStatus
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.improvement import measures
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_date, format_date_short, format_datetime
from klachtdesk.services.improvement.measures import MeasureInput, MeasureView
from klachtdesk.services.time.periods import Period
from klachtdesk.services.core.permissions import Permission
from klachtdesk.widgets.confirm import ConfirmModal
from klachtdesk.widgets.intake_parsing import parse_day
from klachtdesk.widgets.messages import DataChanged

#: how many of a measure's latest changes the list shows under its details
HISTORY_SHOWN = 4

#: the form's fields in focus order (their ids are ``f-<name>``, errors ``e-<name>``)
FORM_FIELDS = ("title", "kind", "owner", "due", "status", "category", "service_type", "complaints",
               "description", "check_date", "check_finding")


@dataclass(frozen=True)
class _FormData:
    owners: list[tuple[str, int]]
    view: MeasureView | None
    numbers: list[str]
    suggestions: list[str]


class MeasureFormScreen(ModalScreen["MeasureView | None"]):
    """A new measure, or an existing one to edit."""

    HELP_TITLE = "Verbetermaatregel"

    DEFAULT_CSS = """
    MeasureFormScreen { align: center middle; }
    MeasureFormScreen > Vertical {
        width: 110; height: auto; max-height: 95%; border: thick $accent; background: $surface; padding: 0 1;
    }
    MeasureFormScreen #form-title { text-style: bold; height: 1; margin-bottom: 1; }
    MeasureFormScreen VerticalScroll { height: auto; max-height: 36; }
    MeasureFormScreen .row { height: auto; }
    MeasureFormScreen .row > Label { width: 24; padding: 0 1 0 0; }
    MeasureFormScreen .field { margin-bottom: 1; }
    MeasureFormScreen .row > Input, MeasureFormScreen .row > Select { width: 1fr; }
    MeasureFormScreen .row > TextArea { width: 1fr; height: 4; }
    MeasureFormScreen .row > SelectionList { width: 1fr; height: auto; max-height: 10; }
    MeasureFormScreen .hint { padding-left: 24; color: $text-muted; height: auto; }
    MeasureFormScreen .field-error { padding-left: 24; height: auto; }
    MeasureFormScreen .field-error.-empty, MeasureFormScreen .hint.-empty { display: none; }
    MeasureFormScreen #suggestions-row.-empty { display: none; }
    MeasureFormScreen .field { height: auto; }
    MeasureFormScreen #row-status.-new { display: none; }
    MeasureFormScreen #buttons { height: auto; align-horizontal: right; padding-top: 1; }
    MeasureFormScreen #buttons Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Opslaan", id="measure_form.save", priority=True),
        Binding("escape", "cancel", "Annuleren", id="measure_form.cancel"),
    ]

    def __init__(
        self,
        *,
        measure_id: int | None = None,
        prefill: MeasureInput | None = None,
        complaint_id: int | None = None,
        suggest: tuple[Period, str, str] | None = None,
        status: MeasureStatus | None = None,
    ) -> None:
        super().__init__()
        self.measure_id = measure_id
        self.prefill = prefill or MeasureInput()
        self.complaint_id = complaint_id
        self.suggest = suggest
        self.wanted_status = status
        self.view: MeasureView | None = None
        self._initial: dict[str, Any] | None = None
        self.saving = False

    @property
    def context(self) -> Context:
        return self.app.context  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        lists = self.context.settings.lists
        with Vertical():
            yield Label("Nieuwe verbetermaatregel" if self.measure_id is None else "Maatregel bewerken",
                        id="form-title")
            with VerticalScroll():
                yield self._row("title", "Titel", Input(placeholder="Wat gaat er gebeuren, in een regel",
                                                        id="f-title", max_length=measures.TITLE_MAX, compact=True))
                yield self._row("kind", "Soort", Select(
                    [("corrigerend (oorzaak wegnemen)", MeasureKind.CORRECTIVE),
                     ("preventief (herhaling voorkomen)", MeasureKind.PREVENTIVE)],
                    value=MeasureKind.CORRECTIVE, allow_blank=False, id="f-kind", compact=True))
                yield self._row("owner", "Eigenaar", Select([], prompt="kies een medewerker", id="f-owner", compact=True))
                yield self._row("due", "Uiterste datum", Input(placeholder="bijvoorbeeld 31-01-2027", id="f-due", compact=True),
                                hint=True)
                yield self._row("status", "Status", Select(
                    [(s.value, s) for s in MeasureStatus], value=MeasureStatus.OPEN, allow_blank=False,
                    id="f-status", compact=True), classes="-new" if self.measure_id is None else "")
                yield self._row("category", "Aard van de klacht", Select(
                    [(c, c) for c in lists.categories], prompt="(geen)", id="f-category", compact=True))
                yield self._row("service_type", "Type dienstverlening", Select(
                    [(s, s) for s in lists.service_types], prompt="(geen)", id="f-service_type", compact=True))
                yield self._row("complaints", "Klachtnummers", Input(
                    placeholder="KL-2026-000123, 2026-124 …", id="f-complaints", compact=True))
                suggestions: SelectionList[str] = SelectionList(id="f-suggestions")
                with Horizontal(classes="row -empty", id="suggestions-row"):
                    yield Label("Uit de analyse")
                    yield suggestions
                yield self._row("description", "Omschrijving", TextArea(id="f-description"))
                yield self._row("check_date", "Effectiviteitscontrole", Input(
                    placeholder="datum van de controle, bijvoorbeeld 30-04-2027", id="f-check_date", compact=True), hint=True)
                yield self._row("check_finding", "Bevinding", Input(
                    placeholder="heeft de maatregel gewerkt?", id="f-check_finding", compact=True))
            with Horizontal(id="buttons"):
                yield Button("Annuleren (Esc)", id="cancel")
                yield Button("Opslaan (Ctrl+S)", id="save", variant="primary")

    def _row(self, name: str, label: str, widget: Any, hint: bool = False, classes: str = "") -> Vertical:
        children: list[Any] = [Horizontal(Label(label), widget, classes="row")]
        if hint:
            children.append(Static("", classes="hint -empty", id=f"h-{name}"))
        children.append(Static("", classes="field-error -empty", id=f"e-{name}"))
        return Vertical(*children, classes=f"field {classes}".strip(), id=f"row-{name}")

    def on_mount(self) -> None:
        self.query_one("#f-title", Input).focus()
        self._load()

    # -- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="measure-form-load")
    def _load(self) -> None:
        context = self.context
        try:
            owners = [(m.name, m.id) for m in measures.owner_candidates(context)]
            view = measures.get(context, self.measure_id) if self.measure_id is not None else None
            numbers = [measures.complaint_number(context, self.complaint_id)] if self.complaint_id else []
            suggestions: list[str] = []
            if self.suggest is not None and context.user.may(Permission.VIEW_ANALYSIS):
                period, dimension, value = self.suggest
                suggestions = analysis.complaint_numbers(context, period, dimension, value, limit=15)
        except KlachtdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", timeout=10)
            return
        self.app.call_from_thread(self._loaded, _FormData(owners, view, numbers, suggestions))

    def _loaded(self, data: _FormData) -> None:
        self.view = data.view
        owners = list(data.owners)
        if data.view is not None and data.view.owner_id is not None and data.view.owner_id not in {i for _n, i in owners}:
            owners.append((f"{data.view.owner or 'onbekend'} (niet meer actief)", data.view.owner_id))
        owner_select = self.query_one("#f-owner", Select)
        owner_select.set_options(owners)
        source = data.view.as_input() if data.view is not None else self.prefill
        if data.numbers:
            source.complaint_numbers = list(source.complaint_numbers) + data.numbers
        owner = source.owner_id if source.owner_id is not None else self.context.user.id
        if owner in {i for _n, i in owners}:
            owner_select.value = owner
        self.query_one("#f-title", Input).value = source.title
        self.query_one("#f-kind", Select).value = MeasureKind(source.kind)
        self.query_one("#f-due", Input).value = source.due.strftime("%d-%m-%Y") if source.due else ""
        if source.category:
            self.query_one("#f-category", Select).value = source.category
        if source.service_type:
            self.query_one("#f-service_type", Select).value = source.service_type
        self.query_one("#f-complaints", Input).value = ", ".join(source.complaint_numbers)
        self.query_one("#f-description", TextArea).text = source.description
        self.query_one("#f-check_date", Input).value = (
            source.check_date.strftime("%d-%m-%Y") if source.check_date else "")
        self.query_one("#f-check_finding", Input).value = source.check_finding
        if data.view is not None:
            self.query_one("#f-status", Select).value = self.wanted_status or data.view.status
        if data.suggestions:
            suggestions = self.query_one("#f-suggestions", SelectionList)
            suggestions.add_options([(number, number) for number in data.suggestions])
            suggestions.highlighted = 0  # Space toggles the first one at once
            self.query_one("#suggestions-row").remove_class("-empty")
        self._initial = self._values()
        if self.wanted_status is MeasureStatus.EVALUATED:
            self.query_one("#f-check_finding", Input).focus()

    # -- values -------------------------------------------------------------------------

    def _values(self) -> dict[str, Any]:
        def selected(widget_id: str) -> Any:
            value = self.query_one(widget_id, Select).value
            return None if value is Select.NULL else value

        return {
            "title": self.query_one("#f-title", Input).value,
            "kind": selected("#f-kind"),
            "owner": selected("#f-owner"),
            "due": self.query_one("#f-due", Input).value,
            "status": selected("#f-status"),
            "category": selected("#f-category"),
            "service_type": selected("#f-service_type"),
            "complaints": self.query_one("#f-complaints", Input).value,
            "suggested": tuple(self.query_one("#f-suggestions", SelectionList).selected),
            "description": self.query_one("#f-description", TextArea).text,
            "check_date": self.query_one("#f-check_date", Input).value,
            "check_finding": self.query_one("#f-check_finding", Input).value,
        }

    def _input(self) -> tuple[MeasureInput, MeasureStatus | None, list[ValidationError]]:
        values = self._values()
        errors: list[ValidationError] = []
        today = self.context.today()
        days: dict[str, date | None] = {}
        for name in ("due", "check_date"):
            try:
                days[name] = parse_day(values[name], today, field=name)
            except ValidationError as error:
                errors.append(error)
                days[name] = None
        numbers = measures.split_numbers(values["complaints"]) + list(values["suggested"])
        data = MeasureInput(
            title=values["title"], kind=values["kind"] or MeasureKind.CORRECTIVE, description=values["description"],
            owner_id=values["owner"], due=days["due"], category=values["category"] or "",
            service_type=values["service_type"] or "", complaint_numbers=numbers, check_date=days["check_date"],
            check_finding=values["check_finding"],
        )
        return data, values["status"] if self.measure_id is not None else None, errors

    def _show_errors(self, errors: list[ValidationError]) -> None:
        for name in FORM_FIELDS:
            box = self.query_one(f"#e-{name}", Static)
            box.update("")
            box.add_class("-empty")
        first = None
        for error in errors:
            name = error.field if error.field in FORM_FIELDS else "title"
            box = self.query_one(f"#e-{name}", Static)
            box.update(error.message)
            box.remove_class("-empty")
            first = first or name
        if first is not None:
            target = self.query_one(f"#f-{first}")
            target.focus()
            target.scroll_visible()

    @on(Input.Changed, "#f-due, #f-check_date")
    def _date_typed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("f-")
        hint = self.query_one(f"#h-{name}", Static)
        error_box = self.query_one(f"#e-{name}", Static)
        try:
            day = parse_day(event.value, self.context.today(), field=name)
        except ValidationError as error:
            hint.update("")
            hint.add_class("-empty")
            error_box.update(error.message)
            error_box.remove_class("-empty")
            return
        error_box.update("")
        error_box.add_class("-empty")
        if day is None:
            hint.update("")
            hint.add_class("-empty")
        else:
            hint.update(f"= {format_date(day)}")
            hint.remove_class("-empty")

    # -- saving -------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        data, status, errors = self._input()
        unreadable = {error.field for error in errors}
        _cleaned, found = measures.validate(self.context, data, existing=self.view)
        errors += [error for error in found if error.field not in unreadable]
        errors.sort(key=lambda e: FORM_FIELDS.index(e.field) if e.field in FORM_FIELDS else len(FORM_FIELDS))
        if errors:
            self._show_errors(errors)
            return
        self._show_errors([])
        self.saving = True
        self._save(data, status)

    @work(thread=True, exclusive=True, group="measure-form-save")
    def _save(self, data: MeasureInput, status: MeasureStatus | None) -> None:
        context = self.context
        try:
            if self.view is None:
                view = measures.create(context, data)
            else:
                view = measures.update_measure(context, self.view.id, self.view.version, data)
                if status is not None and status != view.status:
                    view = measures.set_status(context, view.id, view.version, status)
        except ValidationError as error:
            self.app.call_from_thread(self._refused, error)
            return
        except KlachtdeskError as error:
            self.app.call_from_thread(self._refused, error)
            return
        self.app.call_from_thread(self.dismiss, view)

    def _refused(self, error: KlachtdeskError) -> None:
        """A refused save: the message where it belongs, every field as typed."""
        self.saving = False
        if isinstance(error, ValidationError) and error.field in FORM_FIELDS:
            self._show_errors([error])
            return
        if isinstance(error, StaleEdit):
            self.notify(error.message, severity="error", timeout=15)
            return
        self.notify(error.message, severity="error", timeout=10)

    def action_cancel(self) -> None:
        if self._initial is None or self._values() == self._initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal("De maatregel is nog niet opgeslagen. Wijzigingen weggooien?",
                                          yes="Weggooien", no="Verder bewerken"), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()


class MeasuresScreen(Screen[None]):
    """Every measure: the active ones first by due date (overdue in red), then the rest."""

    HELP_TITLE = "Verbetermaatregelen"

    DEFAULT_CSS = """
    MeasuresScreen #measures-bar { height: 1; padding: 0 1; background: $boost; }
    MeasuresScreen #measures-title { width: 1fr; text-style: bold; }
    MeasuresScreen #measures-counts { width: auto; }
    MeasuresScreen #measures-table { height: 1fr; }
    MeasuresScreen #measure-detail { height: 16; border-top: solid $primary; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "Nieuwe maatregel", id="measures.new"),
        Binding("e", "edit", "Bewerken", id="measures.edit"),
        Binding("s", "advance", "Volgende status", id="measures.advance"),
        Binding("a", "toggle_all", "Alle / lopende", id="measures.all"),
        Binding("r", "reload", "Vernieuwen", id="measures.reload", show=False),
        Binding("escape", "back", "Terug", id="measures.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.active_only = False
        self.rows: list[MeasureView] = []
        self._detail_text = Text()

    @property
    def context(self) -> Context:
        return self.app.context  # type: ignore[attr-defined,no-any-return]

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#measures-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="measures-bar"):
            yield Static("Verbetermaatregelen", id="measures-title")
            yield Static("", id="measures-counts")
        table: DataTable[Any] = DataTable(id="measures-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="measure-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Nr", key="id")
        table.add_column("Titel", key="title")
        table.add_column("Soort", key="kind")
        table.add_column("Eigenaar", key="owner")
        table.add_column("Uiterlijk", key="due")
        table.add_column("Status", key="status")
        table.add_column("Klachten", key="complaints")
        table.add_column("Controle", key="check")
        table.loading = True
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="measures-load")
    def _load(self, select_id: int | None = None) -> None:
        try:
            rows = measures.list_measures(self.context, active_only=self.active_only)
        except KlachtdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", timeout=10)
            return
        self.app.call_from_thread(self._show, rows, select_id)

    def _show(self, rows: list[MeasureView], select_id: int | None) -> None:
        previous = self.current()
        keep = select_id if select_id is not None else (previous.id if previous else None)
        self.rows = rows
        table = self.table
        table.clear()
        today = self.context.today()
        for view in rows:
            style = "bold red" if view.is_overdue(today) else ("dim" if not view.active else "")
            due = format_date_short(view.due) + f" {view.due.year}"
            check = format_date_short(view.check_date) if view.check_date else "—"
            table.add_row(
                Text(str(view.id), style=style), Text(view.title, style=style), view.kind.value,
                view.owner or "—", Text(due + (" (te laat)" if view.is_overdue(today) else ""), style=style),
                view.status.value, str(len(view.complaints)), check, key=str(view.id),
            )
        table.loading = False
        if keep is not None:
            index = next((i for i, v in enumerate(rows) if v.id == keep), None)
            if index is not None:
                table.move_cursor(row=index)
        overdue = sum(1 for v in rows if v.is_overdue(today))
        scope = "lopende" if self.active_only else "alle"
        self.query_one("#measures-counts", Static).update(
            f"{len(rows)} {scope} maatregelen" + (f" · {overdue} over de datum" if overdue else ""))
        self.query_one("#measures-title", Static).update(
            "Verbetermaatregelen" + (" — alleen lopende" if self.active_only else ""))
        self._show_detail()

    def current(self) -> MeasureView | None:
        table = self.table
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#measures-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        view = self.current()
        detail = self.query_one("#measure-detail", Static)
        if view is None:
            detail.update("Nog geen maatregelen. Druk op n voor een nieuwe, of maak er een vanuit de analyse (c).")
            return
        text = Text()
        text.append(view.title, style="bold")
        lines = [f" — {view.kind.value}, {view.status.value}, uiterlijk {format_date(view.due)}"]
        scope = ", ".join(x for x in (view.category, view.service_type) if x)
        if scope:
            lines.append(f"Betreft: {scope}")
        if view.description:
            lines.append(view.description)
        lines.append("Klachten: " + (", ".join(view.complaint_numbers) or "geen gekoppeld"))
        if view.check_date or view.check_finding:
            when = format_date(view.check_date) if view.check_date else "datum onbekend"
            lines.append(f"Effectiviteitscontrole ({when}): {view.check_finding or 'nog geen bevinding'}")
        lines.append(f"Vastgelegd {format_datetime(view.created_at)} door {view.created_by or 'klachtdesk'}")
        text.append("\n".join(lines))
        detail.update(text)
        self._detail_text = text
        self._load_history(view.id)

    @work(thread=True, exclusive=True, group="measures-history")
    def _load_history(self, measure_id: int) -> None:
        try:
            entries = measures.history(self.context, measure_id)
        except KlachtdeskError:
            return
        self.app.call_from_thread(self._history_loaded, measure_id, entries)

    def _history_loaded(self, measure_id: int, entries: list[Any]) -> None:
        """The last changes under the details (the full history is in each linked case's timeline)."""
        view = self.current()
        if view is None or view.id != measure_id or not entries:
            return
        text = self._detail_text.copy()
        text.append("\nGeschiedenis:", style="bold")
        for entry in entries[-HISTORY_SHOWN:]:
            text.append(f"\n  {format_datetime(entry.at)}  {entry.actor}: {entry.summary}")
        self.query_one("#measure-detail", Static).update(text)

    # -- actions ------------------------------------------------------------------------

    def _may_manage(self) -> bool:
        if self.context.user.may(Permission.MANAGE_MEASURES):
            return True
        self.notify("U mag geen verbetermaatregelen wijzigen.", severity="warning")
        return False

    def _open_form(self, form: MeasureFormScreen) -> None:
        def saved(view: MeasureView | None) -> None:
            if view is not None:
                self.notify(f"Maatregel '{view.title}' opgeslagen.")
                self._load(view.id)
                self.app.post_data_changed()  # type: ignore[attr-defined]

        self.app.push_screen(form, saved)

    def action_new(self) -> None:
        if self._may_manage():
            self._open_form(MeasureFormScreen())

    def action_edit(self) -> None:
        view = self.current()
        if view is not None and self._may_manage():
            self._open_form(MeasureFormScreen(measure_id=view.id))

    @on(DataTable.RowSelected, "#measures-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_advance(self) -> None:
        view = self.current()
        if view is None or not self._may_manage():
            return
        target = measures.next_step(view.status)
        if target is None:
            self.notify("Deze maatregel is al geëvalueerd; bewerk hem (e) om hem te heropenen.")
            return
        if target is MeasureStatus.EVALUATED and not view.check_finding:
            self.notify("Vul de bevinding van de effectiviteitscontrole in en sla op.")
            self._open_form(MeasureFormScreen(measure_id=view.id, status=MeasureStatus.EVALUATED))
            return
        self._advance(view, target)

    @work(thread=True, exclusive=True, group="measures-save")
    def _advance(self, view: MeasureView, target: MeasureStatus) -> None:
        try:
            saved = measures.set_status(self.context, view.id, view.version, target)
        except KlachtdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", timeout=10)
            self.app.call_from_thread(self._load, view.id)
            return
        self.app.call_from_thread(self.notify, f"'{saved.title}': {saved.status.value}.")
        self.app.call_from_thread(self.app.post_data_changed)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._load, view.id)

    def action_toggle_all(self) -> None:
        self.active_only = not self.active_only
        self._load()

    def action_reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_changed(self, message: DataChanged) -> None:
        self._load()
