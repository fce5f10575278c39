"""The form of one improvement measure: a ``FormDialog`` that returns the saved
``MeasureView`` (or None).

It is opened from the measures list, from the analysis screen (prefilled from a rising
category, with that period's klachtnummers offered to link) and from a case
(``app.action_new_measure(complaint_id)``, prefilled with its klachtnummer). What it
needs (owners, the measure, suggestions) is read by the base's load worker; a refused
save keeps the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from klachtdesk.errors import KlachtdeskError, StaleEdit, ValidationError
from klachtdesk.widgets.type_select import TypeSelect
from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.improvement import measures
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.improvement.measures import MeasureInput, MeasureView
from klachtdesk.services.time.periods import Period
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.procedure.vocabulary import MeasureKind, MeasureStatus
from klachtdesk.services.time import date_grammar

#: the form's fields in focus order (their ids are ``f-<name>``, errors ``e-<name>``)
FORM_FIELDS = ("title", "kind", "owner", "due", "status", "category", "service_type", "complaints",
               "description", "check_date", "check_finding")
#: the fields that hold a date (with the day as understood shown under them, ``h-<name>``)
DATE_FIELDS = ("due", "check_date")
#: the complaints of an analysis row offered for a new measure: all of them, up to this many
SUGGESTIONS = 200


@dataclass(frozen=True)
class _FormData:
    owners: list[tuple[str, int]]
    view: MeasureView | None
    numbers: list[str]
    suggestions: list[str]


@dataclass(frozen=True)
class _Values:
    data: MeasureInput
    status: MeasureStatus | None  # the status chosen for an existing measure


class MeasureFormScreen(FormDialog[MeasureView]):
    """A new measure, or an existing one to edit."""

    HELP_TITLE = "Verbetermaatregel"
    FIELDS: ClassVar[dict[str, str]] = {name: f"f-{name}" for name in FORM_FIELDS}
    DISCARD_QUESTION = "De maatregel is nog niet opgeslagen. Wijzigingen weggooien?"
    KEEP_CHOICES = True

    DEFAULT_CSS = """
    MeasureFormScreen > #dialog { width: 110; padding: 0 1; }
    MeasureFormScreen TextArea { height: 4; }
    MeasureFormScreen SelectionList { height: auto; max-height: 10; }
    MeasureFormScreen #row-status.-new, MeasureFormScreen #suggestions-row.-empty { display: none; }
    """

    def __init__(
        self,
        *,
        measure_id: int | None = None,
        prefill: MeasureInput | None = None,
        complaint_id: int | None = None,
        suggest: tuple[Period, str, str] | None = None,
        status: MeasureStatus | None = None,
    ) -> None:
        super().__init__(title="Nieuwe verbetermaatregel" if measure_id is None else "Maatregel bewerken")
        self.measure_id = measure_id
        self.prefill = prefill or MeasureInput()
        self.complaint_id = complaint_id
        self.suggest = suggest
        self.wanted_status = status
        self.view: MeasureView | None = None

    def _row(self, name: str, label: str, control: Widget, classes: str = "") -> DialogField:
        return DialogField(label, control, error_id=f"e-{name}", hint_id=f"h-{name}" if name in DATE_FIELDS else None,
                           inline=True, id=f"row-{name}", classes=classes)

    def _day_input(self, name: str, placeholder: str) -> Input:
        return Input(placeholder=placeholder, id=f"f-{name}", compact=True, valid_empty=True,
                     validators=[ServiceRule(lambda text: self._read_day(text, name))])

    def compose_fields(self) -> ComposeResult:
        lists = self.context.settings.lists
        yield self._row("title", "Titel", Input(placeholder="Wat gaat er gebeuren, in een regel", id="f-title",
                                                max_length=measures.TITLE_MAX, compact=True))
        yield self._row("kind", "Soort", TypeSelect(
            [("corrigerend (oorzaak wegnemen)", MeasureKind.CORRECTIVE),
             ("preventief (herhaling voorkomen)", MeasureKind.PREVENTIVE)],
            value=MeasureKind.CORRECTIVE, allow_blank=False, id="f-kind", compact=True))
        yield self._row("owner", "Eigenaar", TypeSelect([], prompt="kies een medewerker", id="f-owner", compact=True))
        yield self._row("due", "Uiterste datum", self._day_input("due", "bijvoorbeeld 31-01-2027"))
        yield self._row("status", "Status", TypeSelect(
            [(s.value, s) for s in MeasureStatus], value=MeasureStatus.OPEN, allow_blank=False, id="f-status",
            compact=True), classes="-new" if self.measure_id is None else "")
        yield self._row("category", "Aard van de klacht", TypeSelect(
            [(c, c) for c in lists.categories], prompt="(geen)", id="f-category", compact=True))
        yield self._row("service_type", "Type dienstverlening", TypeSelect(
            [(s, s) for s in lists.service_types], prompt="(geen)", id="f-service_type", compact=True))
        yield self._row("complaints", "Klachtnummers", Input(
            placeholder="KL-2026-000123, 2026-124 …", id="f-complaints", compact=True))
        yield DialogField("Uit de analyse (aangevinkt wordt gekoppeld; spatie: aan/uit)",
                          SelectionList[str](id="f-suggestions"), inline=True, id="suggestions-row", classes="-empty",
                          hint_id="suggestions-hint")
        yield self._row("description", "Omschrijving", TextArea(id="f-description"))
        yield self._row("check_date", "Effectiviteitscontrole",
                        self._day_input("check_date", "datum van de controle, bijvoorbeeld 30-04-2027"))
        yield self._row("check_finding", "Bevinding", Input(
            placeholder="heeft de maatregel gewerkt?", id="f-check_finding", compact=True))

    def focus_first(self) -> None:
        self.query_one("#f-title", Input).focus()

    # -- loading ------------------------------------------------------------------------

    def load(self) -> _FormData:
        context = self.context
        owners = [(m.name, m.id) for m in measures.owner_candidates(context)]
        view = measures.get(context, self.measure_id) if self.measure_id is not None else None
        numbers = [measures.complaint_number(context, self.complaint_id)] if self.complaint_id else []
        suggestions: list[str] = []
        if self.suggest is not None and context.user.may(Permission.VIEW_ANALYSIS):
            period, dimension, value = self.suggest
            # every case of the row (one more than shown says that there are more)
            suggestions = analysis.complaint_numbers(context, period, dimension, value, limit=SUGGESTIONS + 1)
        return _FormData(owners, view, numbers, suggestions)

    def loaded(self, data: _FormData) -> None:
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
            # the complaints of the analysis row are ticked, and what is ticked is linked
            # (issue 15: all looked ticked, none was linked); Space unticks one
            suggestions.add_options([(number, number, True) for number in data.suggestions[:SUGGESTIONS]])
            suggestions.highlighted = 0
            self.query_one("#suggestions-row").remove_class("-empty")
            if len(data.suggestions) > SUGGESTIONS:
                hint = self.query_one("#suggestions-hint", Static)
                hint.update(f"De nieuwste {SUGGESTIONS} klachten van de rij; koppel andere met hun klachtnummer "
                            "hierboven.")
                hint.remove_class("-empty")
        self.mark_clean()
        if self.wanted_status is MeasureStatus.EVALUATED:
            self.query_one("#f-check_finding", Input).focus()

    # -- values -------------------------------------------------------------------------

    def _selected(self, name: str) -> Any:
        value = self.query_one(f"#f-{name}", Select).value
        return None if value is Select.NULL else value

    def _text(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value

    def _read_day(self, text: str, name: str) -> date | None:
        """A due or check date as typed: it lies ahead ("31-12" is this year's or next year's)."""
        return date_grammar.parse_day(text, self.context.today(), direction=date_grammar.FUTURE, field=name,
                                      calendar=self.context.calendars.organisation)

    def _day(self, name: str) -> date | None:
        """The day typed in a date field; an unreadable one counts as empty here (``check`` says why)."""
        try:
            return self._read_day(self._text(name), name)
        except ValidationError:
            return None

    def collect(self) -> _Values:
        numbers = measures.split_numbers(self._text("complaints")) + list(
            self.query_one("#f-suggestions", SelectionList).selected)
        data = MeasureInput(
            title=self._text("title"), kind=self._selected("kind") or MeasureKind.CORRECTIVE,
            description=self.query_one("#f-description", TextArea).text, owner_id=self._selected("owner"),
            due=self._day("due"), category=self._selected("category") or "",
            service_type=self._selected("service_type") or "", complaint_numbers=numbers,
            check_date=self._day("check_date"), check_finding=self._text("check_finding"),
        )
        return _Values(data, self._selected("status") if self.measure_id is not None else None)

    def check(self, values: _Values) -> list[ValidationError]:
        errors: list[ValidationError] = []
        for name in DATE_FIELDS:
            try:
                self._read_day(self._text(name), name)
            except ValidationError as error:
                errors.append(error)
        unreadable = {error.field for error in errors}
        _cleaned, found = measures.validate(self.context, values.data, existing=self.view)
        errors += [error for error in found if error.field not in unreadable]
        return sorted(errors, key=lambda e: FORM_FIELDS.index(e.field) if e.field in FORM_FIELDS else len(FORM_FIELDS))

    @on(Input.Changed, "#f-due, #f-check_date")
    def _date_typed(self, event: Input.Changed) -> None:
        """The day as understood under a date field (its error, if any, shows the base)."""
        name = (event.input.id or "").removeprefix("f-")
        field = self.query_one(f"#row-{name}", DialogField)
        try:
            day = self._read_day(event.value, name)
        except ValidationError:
            day = None
        if day is None:
            field.hint("")
            return
        try:
            closed = name == "due" and not self.context.calendars.organisation.is_werkdag(day)
        except ValidationError:  # outside the calendar's span: refused at saving
            closed = False
        field.hint(f"= {format_date(day)}" + (" (geen werkdag)" if closed else ""))

    # -- saving -------------------------------------------------------------------------

    def save(self, values: _Values) -> MeasureView:
        context, data, status = self.context, values.data, values.status
        if self.view is None:
            return measures.create(context, data)
        view = measures.update_measure(context, self.view.id, self.view.version, data)
        if status is not None and status != view.status:
            view = measures.set_status(context, view.id, view.version, status)
        return view

    def refused(self, error: KlachtdeskError) -> None:
        """What belongs to no field is said aloud as well (a colleague's edit stays longer)."""
        if not (isinstance(error, ValidationError) and error.field in FORM_FIELDS):
            self.say(error.message, severity="error", timeout=15 if isinstance(error, StaleEdit) else 10)


__all__ = ["MeasureFormScreen"]
