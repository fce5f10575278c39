"""The dialogs of the case screen: each a ``ModalScreen`` that returns its result.

Every dialog gets a ``submit`` callable (the service call, built by the case screen)
and runs it in a thread worker. On success it dismisses with the result; on a refusal
(``ValidationError``, ``StaleEdit``, ``TransitionRefused`` …) it stays open, shows the
Dutch message, focuses the field named by the error, and keeps everything typed.
Cancelling hands what was typed to ``keep``, so reopening the dialog restores it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.text_area import Selection
from textual.widgets.option_list import Option

from klachtdesk.errors import KlachtdeskError, StaleEdit, ValidationError
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind, ContactMedium, Direction, Status
from klachtdesk.services.cases.complaints import EDITABLE, CaseDetail
from klachtdesk.services.correspondence.messages import FILL_IN, MessageDraft, TemplateChoice
from klachtdesk.services.config.settings import Lists
from klachtdesk.services.identity.staff import StaffMember
from klachtdesk.widgets.intake_parsing import parse_day, parse_moment

ResultT = TypeVar("ResultT")

#: what a dialog keeps of its input: widget id -> value
KeptInput = dict[str, Any]


class ActionDialog(ModalScreen[ResultT | None], Generic[ResultT]):
    """A form over the case screen that calls one service and returns its result."""

    DEFAULT_CSS = """
    ActionDialog { align: center middle; }
    ActionDialog > #dialog {
        width: 88; height: auto; max-height: 95%; border: thick $accent; background: $surface; padding: 0 2;
    }
    ActionDialog #dialog-title { text-style: bold; margin: 1 0; }
    ActionDialog .hint { color: $text-muted; }
    ActionDialog .field-label { margin-top: 1; }
    ActionDialog TextArea { height: 6; }
    ActionDialog #error { color: $error; height: auto; margin-top: 1; }
    ActionDialog #buttons { height: auto; align-horizontal: right; margin: 1 0; }
    ActionDialog #buttons Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "Opslaan", id="dialog.submit"),
    ]
    TITLE_TEXT: ClassVar[str] = ""
    SUBMIT_LABEL: ClassVar[str] = "Opslaan"

    def __init__(
        self,
        submit: Callable[[Any], ResultT],
        *,
        kept: KeptInput | None = None,
        keep: Callable[[KeptInput | None], None] | None = None,
        on_stale: Callable[[ActionDialog[Any]], None] | None = None,
        title: str | None = None,
        submit_label: str | None = None,
    ) -> None:
        super().__init__()
        self._submit_label = submit_label or self.SUBMIT_LABEL
        self._submit = submit
        self._kept = kept
        self._keep = keep
        self._on_stale = on_stale
        self._title = title or self.TITLE_TEXT
        self.busy = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self._title, id="dialog-title", markup=False)
            yield from self.compose_fields()
            yield Static("", id="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Annuleren (Esc)", id="cancel")
                yield Button(f"{self._submit_label} (Ctrl+S)", id="submit", variant="primary")

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        if self._kept:
            self.restore(self._kept)
        self.focus_first()

    def focus_first(self) -> None:
        for widget in self.query("Select, OptionList, Input, TextArea"):
            if widget.focusable:
                widget.focus()
                return

    # -- input kept across cancel and errors -----------------------------------------------

    def _inputs(self) -> Iterable[Widget]:
        return [w for w in self.query("Input, TextArea, Select, OptionList") if w.id]

    def raw_state(self) -> KeptInput:
        state: KeptInput = {}
        for widget in self._inputs():
            if isinstance(widget, Input):
                state[str(widget.id)] = widget.value
            elif isinstance(widget, TextArea):
                state[str(widget.id)] = widget.text
            elif isinstance(widget, Select):
                state[str(widget.id)] = None if widget.is_blank() else widget.value
            elif isinstance(widget, OptionList):
                state[str(widget.id)] = widget.highlighted
        return state

    def restore(self, state: KeptInput) -> None:
        for widget in self._inputs():
            if widget.id not in state:
                continue
            value = state[str(widget.id)]
            if isinstance(widget, Input):
                widget.value = value or ""
            elif isinstance(widget, TextArea):
                widget.load_text(value or "")
            elif isinstance(widget, Select) and value is not None:
                try:
                    widget.value = value
                except Exception:  # an option that no longer exists  # noqa: BLE001
                    pass
            elif isinstance(widget, OptionList) and value is not None and value < widget.option_count:
                widget.highlighted = value

    def has_typed(self) -> bool:
        """Whether anything was written (choices alone are not worth keeping)."""
        texts = {str(w.id) for w in self._inputs() if isinstance(w, (Input, TextArea))}
        return any(isinstance(v, str) and v.strip() for k, v in self.raw_state().items() if k in texts)

    # -- submit ---------------------------------------------------------------------------

    def collect(self) -> Any:
        """The values for ``submit``; raise ``ValidationError(field=…)`` for local checks."""
        return None

    def action_submit(self) -> None:
        if self.busy:
            return
        try:
            values = self.collect()
        except KlachtdeskError as error:
            self.show_error(error)
            return
        self.busy = True
        self._set_error("Bezig …")
        self._run(values)

    @work(thread=True, exclusive=True, group="dialog")
    def _run(self, values: Any) -> None:
        try:
            result = self._submit(values)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._succeeded, result)

    def _succeeded(self, result: ResultT) -> None:
        self.busy = False
        if self._keep:
            self._keep(None)
        self.dismiss(result)

    def _failed(self, error: KlachtdeskError) -> None:
        self.busy = False
        self.show_error(error)
        if isinstance(error, StaleEdit) and self._on_stale:
            self._on_stale(self)

    def _set_error(self, text: str) -> None:
        self._error_text = text
        self.query_one("#error", Static).update(text)

    def show_error(self, error: KlachtdeskError | str) -> None:
        message = error if isinstance(error, str) else error.message
        self._set_error(message)
        field = getattr(error, "field", None)
        if field:
            try:
                self.query_one(f"#{field.split('.')[0]}").focus()
            except NoMatches:
                pass

    def add_note(self, text: str) -> None:
        """Append a line under the error (e.g. what a colleague changed)."""
        current = getattr(self, "_error_text", "")
        self._set_error(f"{current}\n{text}" if current else text)

    def rebased(self, detail: CaseDetail) -> None:
        """The case was reloaded after a ``StaleEdit``; show what changed if useful."""

    # -- cancel ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self._keep:
            self._keep(self.raw_state() if self.has_typed() else None)
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.enter_pressed_in(event.input)

    def enter_pressed_in(self, field: Input) -> None:
        """Enter in a one-line field saves the dialog (subclasses may move on instead)."""
        self.action_submit()


def _label(text: str) -> Label:
    return Label(text, classes="field-label", markup=False)


def _select_value(select: Select[Any], message: str, field: str) -> Any:
    if select.is_blank():
        raise ValidationError(message, field=field)
    return select.value


# ---------------------------------------------------------------------------------------
# assignment
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignValues:
    handler_id: int
    reason: str


class AssignDialog(ActionDialog[int]):
    TITLE_TEXT = "Behandelaar toewijzen"
    SUBMIT_LABEL = "Toewijzen"

    def __init__(self, submit: Callable[[AssignValues], int], candidates: list[StaffMember],
                 current_id: int | None, preferred_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.candidates = candidates
        self.current_id = current_id
        self.preferred_id = preferred_id

    def compose_fields(self) -> ComposeResult:
        options = []
        for member in self.candidates:
            roles = ", ".join(sorted(r.value for r in member.roles))
            mark = " — huidige behandelaar" if member.id == self.current_id else ""
            options.append((f"{member.name} ({roles}){mark}", member.id))
        others = [m.id for m in self.candidates if m.id != self.current_id]
        initial = self.preferred_id if self.preferred_id in others else (others[0] if others else Select.NULL)
        yield _label("Behandelaar")
        yield Select(options, id="handler", prompt="Kies een medewerker", value=initial)
        yield _label("Toelichting (optioneel, komt in de geschiedenis)")
        yield Input(id="reason", placeholder="bv. kent de klant, vervanging tijdens verlof")

    def collect(self) -> AssignValues:
        handler = _select_value(self.query_one("#handler", Select), "Kies een behandelaar.", "handler")
        return AssignValues(int(handler), self.query_one("#reason", Input).value)


# ---------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusValues:
    to: Status
    reason: str


class StatusDialog(ActionDialog[int]):
    TITLE_TEXT = "Status wijzigen"
    SUBMIT_LABEL = "Wijzigen"
    DEFAULT_CSS = """
    StatusDialog OptionList { height: auto; max-height: 10; }
    """

    def __init__(self, submit: Callable[[StatusValues], int], current: Status, targets: list[Status],
                 **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.current = current
        self.targets = targets

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Nu: {self.current.value}. Afsluiten gaat met x (Afsluiten).", classes="hint", markup=False)
        yield _label("Naar")
        yield OptionList(*[Option(s.value, id=s.value) for s in self.targets], id="to")
        yield _label("Toelichting (verplicht bij heropenen)")
        yield Input(id="reason", placeholder="waarom deze stap")

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#to", OptionList)
        if options.highlighted is None and options.option_count:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#to")
    def _chosen(self) -> None:
        self.query_one("#reason", Input).focus()

    def collect(self) -> StatusValues:
        options = self.query_one("#to", OptionList)
        if options.highlighted is None:
            raise ValidationError("Kies de nieuwe status.", field="to")
        return StatusValues(self.targets[options.highlighted], self.query_one("#reason", Input).value)


# ---------------------------------------------------------------------------------------
# contact, notes, free text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactValues:
    medium: ContactMedium
    direction: Direction
    summary: str
    at: datetime | None


class ContactDialog(ActionDialog[Any]):
    TITLE_TEXT = "Contact met de klager vastleggen"

    def __init__(self, submit: Callable[[ContactValues], Any], now: datetime, **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.now = now

    def compose_fields(self) -> ComposeResult:
        yield _label("Hoe")
        yield Select([(m.value, m) for m in ContactMedium], id="medium", value=ContactMedium.PHONE, allow_blank=False)
        yield _label("Richting")
        yield Select([("uitgaand: wij namen contact op", Direction.OUT), ("inkomend: de klager nam contact op",
                                                                          Direction.IN)],
                     id="direction", value=Direction.OUT, allow_blank=False)
        yield _label("Samenvatting van het gesprek of bericht")
        yield TextArea(id="summary")
        yield _label("Wanneer (leeg: nu; bv. 'vandaag 9:30', '20-11 14:00')")
        yield Input(id="at", placeholder="nu")

    def focus_first(self) -> None:  # how and direction have sensible defaults: start writing
        self.query_one("#summary", TextArea).focus()

    def collect(self) -> ContactValues:
        at = parse_moment(self.query_one("#at", Input).value, self.now, field="at")
        return ContactValues(
            self.query_one("#medium", Select).value,  # type: ignore[arg-type]
            self.query_one("#direction", Select).value,  # type: ignore[arg-type]
            self.query_one("#summary", TextArea).text,
            at,
        )


class TextDialog(ActionDialog[Any]):
    """One text to write: a note, a reason to reopen, the outcome of the commission."""

    def __init__(self, submit: Callable[[str], Any], *, title: str, label: str, field: str = "text",
                 hint: str = "", **kwargs: Any) -> None:
        super().__init__(submit, title=title, **kwargs)
        self.label = label
        self.field = field
        self.hint = hint

    def compose_fields(self) -> ComposeResult:
        if self.hint:
            yield Static(self.hint, classes="hint", markup=False)
        yield _label(self.label)
        yield TextArea(id=self.field)

    def collect(self) -> str:
        return self.query_one(f"#{self.field}", TextArea).text


# ---------------------------------------------------------------------------------------
# closing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseValues:
    resolution: str
    accepted: Acceptance


class CloseDialog(ActionDialog[int]):
    SUBMIT_LABEL = "Afsluiten"

    def __init__(self, submit: Callable[[CloseValues], int], kind: ComplaintKind, **kwargs: Any) -> None:
        title = "Klacht afsluiten" if kind is ComplaintKind.COMPLAINT else "Vraag afhandelen"
        super().__init__(submit, title=title, **kwargs)

    def compose_fields(self) -> ComposeResult:
        yield _label("Oplossing (of waarom er geen is)")
        yield TextArea(id="resolution")
        yield _label("Is de klager akkoord?")
        yield Select([("ja", Acceptance.YES), ("nee", Acceptance.NO), ("onbekend", Acceptance.UNKNOWN)],
                     id="accepted", prompt="Kies ja, nee of onbekend")
        yield Static("Bij 'nee' biedt klachtdesk daarna doorverwijzing naar de geschillencommissie aan.",
                     classes="hint")

    def collect(self) -> CloseValues:
        accepted = _select_value(self.query_one("#accepted", Select), "Kies of de klager akkoord is.", "accepted")
        return CloseValues(self.query_one("#resolution", TextArea).text, accepted)


# ---------------------------------------------------------------------------------------
# editing the case's fields (optimistic locking)
# ---------------------------------------------------------------------------------------

_YES_NO = [("ja", True), ("nee", False)]


class EditDialog(ActionDialog[int]):
    """The editable fields of a case. Changes are what differs from the case as it was
    when the dialog opened; after a ``StaleEdit`` the colleague's change is shown and
    saving again applies only the user's own changes on the new version."""

    TITLE_TEXT = "Velden wijzigen"
    DEFAULT_CSS = """
    EditDialog > #dialog { width: 100; }
    EditDialog #fields { height: auto; max-height: 30; }
    EditDialog #description { height: 6; }
    EditDialog #remedy_sought { height: 3; }
    """

    def __init__(self, submit: Callable[[dict[str, Any]], int], detail: CaseDetail, lists: Lists, today: date,
                 **kwargs: Any) -> None:
        super().__init__(submit, title=f"Velden wijzigen — {detail.number}", **kwargs)
        self.original = detail
        self.lists = lists
        self.today = today

    def _fields(self) -> list[str]:
        if self.original.kind is ComplaintKind.COMPLAINT:
            names = ["channel", "service_type", "category", "incident_date", "discussed_first", "description",
                     "remedy_sought"]
            return names + (["invoice_number"] if self.original.invoice_number else [])
        return ["channel", "service_type", "category", "invoice_number", "description"]

    def compose_fields(self) -> ComposeResult:
        case = self.original

        def choices(values: Iterable[str], current: str | None) -> list[tuple[str, str]]:
            items = list(values)
            if current and current not in items:  # a value since removed from the list stays choosable
                items.append(current)
            return [(v, v) for v in items]

        with VerticalScroll(id="fields"):
            for name in self._fields():
                yield _label(EDITABLE[name].capitalize())
                if name == "channel":
                    yield Select([(c.value, c) for c in Channel], id=name, value=case.channel, allow_blank=False)
                elif name == "service_type":
                    yield Select(choices(self.lists.service_types, case.service_type), id=name,
                                 value=case.service_type or Select.NULL, prompt="—")
                elif name == "category":
                    yield Select(choices(self.lists.categories, case.category), id=name,
                                 value=case.category or Select.NULL, prompt="—")
                elif name == "discussed_first":
                    value = Select.NULL if case.discussed_first is None else case.discussed_first
                    yield Select(_YES_NO, id=name, value=value, prompt="onbekend")
                elif name == "incident_date":
                    yield Input(case.incident_date.strftime("%d-%m-%Y") if case.incident_date else "", id=name,
                                placeholder="dd-mm-jjjj")
                elif name in ("description", "remedy_sought"):
                    yield TextArea(getattr(case, name) or "", id=name)
                else:
                    yield Input(getattr(case, name) or "", id=name)

    def on_mount(self) -> None:
        self._initial = super().raw_state()
        super().on_mount()

    def raw_state(self) -> KeptInput:
        """Only what the user changed: kept input must never carry back the old values
        of fields a colleague has changed since."""
        initial = getattr(self, "_initial", {})
        return {k: v for k, v in super().raw_state().items() if v != initial.get(k)}

    def has_typed(self) -> bool:
        return bool(self.raw_state())

    def _value(self, name: str) -> Any:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Select):
            return None if widget.is_blank() else widget.value
        if isinstance(widget, TextArea):
            return widget.text.strip() or None
        assert isinstance(widget, Input)
        if name == "incident_date":
            return parse_day(widget.value, self.today, field=name)
        return widget.value.strip() or None

    def collect(self) -> dict[str, Any]:
        changes = {name: self._value(name) for name in self._fields()}
        changes = {k: v for k, v in changes.items() if v != getattr(self.original, k)}
        if not changes:
            raise ValidationError("Er is niets gewijzigd.")
        return changes

    def rebased(self, detail: CaseDetail) -> None:
        changed = [name for name in self._fields() if getattr(detail, name) != getattr(self.original, name)]
        if changed:
            lines = [f"Nu opgeslagen — {EDITABLE[n]}: {_shown(getattr(detail, n))}" for n in changed]
            self.add_note("\n".join(lines))
        self.add_note("Ctrl+S slaat uw eigen wijzigingen op de nieuwe versie op; Esc bewaart uw invoer.")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    text = str(getattr(value, "value", value))
    return text if len(text) <= 70 else text[:67] + "…"


# ---------------------------------------------------------------------------------------
# messages to the klager
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageValues:
    template: str
    subject: str
    body: str


class MessageDialog(ActionDialog[Any]):
    """Choose a template, edit the text, send it (SMTP or an .eml in the outbox)."""

    TITLE_TEXT = "Bericht aan de klager"
    SUBMIT_LABEL = "Versturen"
    DEFAULT_CSS = """
    MessageDialog > #dialog { width: 110; }
    MessageDialog #body { height: 20; }
    """

    def __init__(self, submit: Callable[[MessageValues], Any], choices: list[TemplateChoice], template: str,
                 prepare: Callable[[str], MessageDraft], **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.choices = choices
        self.template = template
        self.prepare = prepare
        self._shown_template: str | None = None

    def compose_fields(self) -> ComposeResult:
        available = [(c.label, c.key) for c in self.choices if c.available]
        unavailable = [f"{c.label}: {c.why_not}" for c in self.choices if not c.available]
        yield Select(available, id="template", value=self.template, allow_blank=False)
        if unavailable:
            yield Static("Niet nu: " + " · ".join(unavailable), classes="hint", id="unavailable", markup=False)
        yield Static("", id="recipient", classes="hint", markup=False)
        yield _label("Onderwerp")
        yield Input(id="subject")
        yield _label("Tekst (vul de plekken '[… INVULLEN]' in)")
        yield TextArea(id="body")

    def on_mount(self) -> None:
        self._shown_template = self.template
        super().on_mount()  # restores what was typed before, if the same template
        if not self._kept:
            self._load(self.template)

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self._shown_template:
            return
        self._load(str(event.value))

    @work(thread=True, exclusive=True, group="message-draft")
    def _load(self, template: str) -> None:
        try:
            draft = self.prepare(template)
        except KlachtdeskError as error:
            self.app.call_from_thread(self.show_error, error)
            return
        self.app.call_from_thread(self._show_draft, draft)

    def _show_draft(self, draft: MessageDraft) -> None:
        self._shown_template = draft.template
        self.query_one("#subject", Input).value = draft.subject
        self.query_one("#body", TextArea).load_text(draft.body)
        how = ("per e-mail aan " + (draft.recipient or "")) if draft.transport == "smtp" else (
            f"als .eml in de outbox (aan {draft.recipient})" if draft.recipient
            else "als .eml in de outbox: de klager heeft geen e-mailadres, verstuur het per post")
        self.query_one("#recipient", Static).update(f"Aan {draft.recipient_name}: {how}")
        self._set_error("")
        if draft.to_fill_in:
            self.select_fill_in()

    def select_fill_in(self) -> bool:
        """Select the first '[… INVULLEN]' spot in the text, so typing replaces it."""
        body = self.query_one("#body", TextArea)
        match = FILL_IN.search(body.text)
        if match is None:
            return False
        document = body.document
        body.selection = Selection(document.get_location_from_index(match.start()),
                                   document.get_location_from_index(match.end()))
        body.focus()
        return True

    def show_error(self, error: KlachtdeskError | str) -> None:
        super().show_error(error)
        self.select_fill_in()

    def collect(self) -> MessageValues:
        return MessageValues(
            str(self.query_one("#template", Select).value),
            self.query_one("#subject", Input).value,
            self.query_one("#body", TextArea).text,
        )

    def enter_pressed_in(self, field: Input) -> None:  # Enter in the subject goes to the text
        self.query_one("#body", TextArea).focus()
