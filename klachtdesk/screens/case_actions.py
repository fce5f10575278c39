"""The dialogs of the case screen, each a ``FormDialog`` that returns its result.

Every dialog gets a ``submit`` callable (the service call, built by the case screen)
and runs it in the base's save worker. On success it dismisses with the result; on a
refusal (``ValidationError``, ``StaleEdit``, ``TransitionRefused`` …) it stays open,
shows the Dutch message at the field it is about (or above the buttons), focuses that
field, and keeps everything typed. Cancelling hands what was changed to ``keep``, so
reopening the dialog restores it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea
from textual.widgets.text_area import Selection
from textual.message import Message

from klachtdesk.errors import KlachtdeskError, StaleEdit, ValidationError
from klachtdesk.widgets.type_select import TypeSelect
from klachtdesk.screens.base import service_work
from klachtdesk.screens.dialog import DialogField, FormDialog, KeptInput, ServiceRule
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind, ContactMedium, Direction, Status
from klachtdesk.services.cases.complaints import EDITABLE, CaseDetail
from klachtdesk.clock import local
from klachtdesk.services.correspondence.messages import FILL_IN, MessageDraft, TemplateChoice
from klachtdesk.services.correspondence.posting import LetterView
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.config.procedure import Lists
from klachtdesk.services.lists.workload import HandlerLoad, default_handler
from klachtdesk.services.time.date_grammar import parse_day, parse_moment

ResultT = TypeVar("ResultT")
T = TypeVar("T")


class CaseDialog(FormDialog[ResultT]):
    """A dialog of the case screen. ``submit`` is the service call the case screen built
    (on the version of the case the user is looking at); the dialog runs it in its save
    worker. After a ``StaleEdit`` the case screen reloads the case behind the dialog
    (``on_stale``), which then shows what changed (``rebased``) and keeps the input."""

    def __init__(self, submit: Callable[[Any], ResultT], *,
                 on_stale: Callable[[CaseDialog[Any]], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._submit = submit
        self._on_stale = on_stale

    def save(self, values: Any) -> ResultT:
        return self._submit(values)

    def refused(self, error: KlachtdeskError) -> None:
        if isinstance(error, StaleEdit) and self._on_stale:
            self._on_stale(self)

    def rebased(self, detail: CaseDetail) -> None:
        """The case was reloaded after a ``StaleEdit``; show what changed if useful."""


def _choices(values: Iterable[str], current: str | None) -> list[tuple[str, str]]:
    """A list's values as options; a value since removed from the list stays choosable."""
    items = list(values)
    if current and current not in items:
        items.append(current)
    return [(v, v) for v in items]


def _select_value(select: Select[Any], message: str, field: str) -> Any:
    if select.is_blank():
        raise ValidationError(message, field=field)
    return select.value


# ---------------------------------------------------------------------------------------
# assignment
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen(Generic[T]):
    """What the user chose in a dialog (a behandelaar, a status) and why."""

    value: T
    reason: str


class AssignDialog(CaseDialog[int]):
    TITLE_TEXT = "Behandelaar toewijzen"
    SUBMIT_LABEL = "Toewijzen"

    def __init__(self, submit: Callable[[Chosen[int]], int], candidates: list[HandlerLoad],
                 current_id: int | None, **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.candidates = candidates  # fewest open cases first (workload.handler_loads)
        self.current_id = current_id

    def compose_fields(self) -> ComposeResult:
        options = []
        for load in self.candidates:
            member = load.member
            roles = ", ".join(sorted(r.value for r in member.roles))
            mark = " — huidige behandelaar" if member.id == self.current_id else ""
            options.append((f"{load.label} ({roles}){mark}", member.id))
        proposed = default_handler(self.candidates, self.current_id)  # the rule is the service's
        initial = proposed if proposed is not None else Select.NULL
        yield Static("Met het aantal open zaken van elk; wie de minste heeft staat bovenaan.", classes="hint",
                     markup=False)
        yield DialogField("Behandelaar", TypeSelect(options, id="handler", prompt="Kies een medewerker", value=initial))
        yield DialogField("Toelichting (optioneel, komt in de geschiedenis)",
                          Input(id="reason", placeholder="bv. kent de klant, vervanging tijdens verlof"))

    def collect(self) -> Chosen[int]:
        handler = _select_value(self.query_one("#handler", Select), "Kies een behandelaar.", "handler")
        return Chosen(int(handler), self.query_one("#reason", Input).value)


# ---------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------


class StatusDialog(CaseDialog[int]):
    """The next status, chosen like every choice (type its first letters: ``op`` opgelost);
    the first of the next steps is proposed."""

    TITLE_TEXT = "Status wijzigen"
    SUBMIT_LABEL = "Wijzigen"

    def __init__(self, submit: Callable[[Chosen[Status]], int], current: Status, targets: list[Status],
                 **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.current = current
        self.targets = targets

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Nu: {self.current.value}. Afsluiten gaat met x (Afsluiten).", classes="hint", markup=False)
        proposed = self.targets[0] if self.targets else Select.NULL
        yield DialogField("Naar", TypeSelect([(s.value, s) for s in self.targets], id="to", value=proposed,
                                             allow_blank=not self.targets, prompt="kies de nieuwe status"))
        yield DialogField("Toelichting (verplicht bij heropenen)", Input(id="reason", placeholder="waarom deze stap"))

    def collect(self) -> Chosen[Status]:
        status = _select_value(self.query_one("#to", Select), "Kies de nieuwe status.", "to")
        return Chosen(status, self.query_one("#reason", Input).value)


# ---------------------------------------------------------------------------------------
# contact, notes, free text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactValues:
    medium: ContactMedium
    direction: Direction
    summary: str
    at: datetime | None


class ContactDialog(CaseDialog[Any]):
    TITLE_TEXT = "Contact met de klager vastleggen"

    def __init__(self, submit: Callable[[ContactValues], Any], now: datetime, hint: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.now = now
        self.hint = hint  # which contacts meet the first-contact deadline (``workflow.contact_hint``)

    def compose_fields(self) -> ComposeResult:
        if self.hint:
            yield Static(self.hint, classes="hint", id="contact-rule", markup=False)
        yield DialogField("Hoe", TypeSelect([(m.value, m) for m in ContactMedium], id="medium",
                                            value=ContactMedium.PHONE, allow_blank=False))
        yield DialogField("Richting", TypeSelect(
            [("uitgaand: wij namen contact op", Direction.OUT), ("inkomend: de klager nam contact op", Direction.IN)],
            id="direction", value=Direction.OUT, allow_blank=False))
        yield DialogField("Samenvatting van het gesprek of bericht", TextArea(id="summary"))
        yield DialogField("Wanneer (leeg: nu; bv. 'vandaag 9:30', '20-11 14:00')", Input(
            id="at", placeholder="nu", valid_empty=True,
            validators=[ServiceRule(lambda text: parse_moment(text, self.now, field="at"))]))

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


class TextDialog(CaseDialog[Any]):
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
        yield DialogField(self.label, TextArea(id=self.field))

    def collect(self) -> str:
        return self.query_one(f"#{self.field}", TextArea).text


# ---------------------------------------------------------------------------------------
# closing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseValues:
    resolution: str
    accepted: Acceptance
    write_letter: bool = False  # open the decision letter after closing


class CloseDialog(CaseDialog[Any]):
    """Closing: the resolution and the klager's answer. When a letter is still owed (the
    Wkkgz decision, ``workflow.closing_warning``), the dialog says that closing does not
    meet its deadline and offers to write it right after."""

    SUBMIT_LABEL = "Afsluiten"

    def __init__(self, submit: Callable[[CloseValues], Any], kind: ComplaintKind, warning: str | None = None,
                 **kwargs: Any) -> None:
        title = "Klacht afsluiten" if kind is ComplaintKind.COMPLAINT else "Vraag afhandelen"
        super().__init__(submit, title=title, **kwargs)
        self.warning = warning

    def compose_fields(self) -> ComposeResult:
        yield DialogField("Oplossing (of waarom er geen is)", TextArea(id="resolution"))
        yield DialogField("Is de klager akkoord?", TypeSelect(
            [("ja", Acceptance.YES), ("nee", Acceptance.NO), ("onbekend", Acceptance.UNKNOWN)],
            id="accepted", prompt="Kies ja, nee of onbekend"))
        if self.warning:
            yield Static(self.warning, classes="hint", id="letter-owed", markup=False)
            yield Checkbox("Daarna de beslissing aan de klager opstellen", value=True, id="write-letter")
        yield Static("Bij 'nee' biedt klachtdesk daarna doorverwijzing naar de geschillencommissie aan.",
                     classes="hint")

    def collect(self) -> CloseValues:
        accepted = _select_value(self.query_one("#accepted", Select), "Kies of de klager akkoord is.", "accepted")
        letter = bool(self.warning) and self.query_one("#write-letter", Checkbox).value
        return CloseValues(self.query_one("#resolution", TextArea).text, accepted, letter)


# ---------------------------------------------------------------------------------------
# editing the case's fields (optimistic locking)
# ---------------------------------------------------------------------------------------

_YES_NO = [("ja", True), ("nee", False)]


class EditDialog(CaseDialog[int]):
    """The editable fields of a case. Changes are what differs from the case as it was
    when the dialog opened; after a ``StaleEdit`` the colleague's change is shown and
    saving again applies only the user's own changes on the new version (the kept input
    is only what the user changed)."""

    TITLE_TEXT = "Velden wijzigen"
    KEEP_CHOICES = True
    DEFAULT_CSS = """
    EditDialog > #dialog { width: 100; }
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
        for name in self._fields():
            yield DialogField(EDITABLE[name].capitalize(), self._control(name))

    def _control(self, name: str) -> Widget:
        case = self.original
        if name == "channel":
            return TypeSelect([(c.value, c) for c in Channel], id=name, value=case.channel, allow_blank=False)
        if name == "service_type":
            return TypeSelect(_choices(self.lists.service_types, case.service_type), id=name,
                              value=case.service_type or Select.NULL, prompt="—")
        if name == "category":
            return TypeSelect(_choices(self.lists.categories, case.category), id=name,
                              value=case.category or Select.NULL, prompt="—")
        if name == "discussed_first":
            return TypeSelect(_YES_NO, id=name,
                              value=Select.NULL if case.discussed_first is None else case.discussed_first,
                              prompt="onbekend")
        if name == "incident_date":
            return Input(case.incident_date.strftime("%d-%m-%Y") if case.incident_date else "", id=name,
                         placeholder="dd-mm-jjjj", valid_empty=True,
                         validators=[ServiceRule(lambda text: parse_day(text, self.today, field=name))])
        if name in ("description", "remedy_sought"):
            return TextArea(getattr(case, name) or "", id=name)
        return Input(getattr(case, name) or "", id=name)

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


class MessageDialog(CaseDialog[Any]):
    """Choose a template, edit the text, send it (SMTP or an .eml in the outbox)."""

    @dataclass
    class DraftReady(Message):
        """The text of a template, filled in for the case."""

        draft: MessageDraft

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
        yield DialogField(None, TypeSelect(available, id="template", value=self.template, allow_blank=False))
        if unavailable:
            yield Static("Niet nu: " + " · ".join(unavailable), classes="hint", id="unavailable", markup=False)
        yield Static("", id="recipient", classes="hint", markup=False)
        yield DialogField("Onderwerp", Input(id="subject"))
        # the text's refusals (spots still to fill in) go to the message line right under it
        yield Label("Tekst (vul de plekken '[… INVULLEN]' in)", classes="field-label", markup=False)
        yield TextArea(id="body")

    def on_mount(self) -> None:  # the base then restores what was typed before, if the same template
        self._shown_template = self.template
        if not self._kept:
            self._load(self.template)

    def kept_state(self) -> KeptInput:
        """What was typed is kept together with the template it was typed for."""
        return {**super().kept_state(), "template": self.query_one("#template", Select).value}

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self._shown_template:
            return
        self._load(str(event.value))

    @service_work("message-draft")
    def _load(self, template: str) -> None:
        self.post_message(self.DraftReady(self.prepare(template)))

    @on(DraftReady)
    def _show_draft(self, message: DraftReady) -> None:
        draft = message.draft
        self._shown_template = draft.template
        self.query_one("#subject", Input).value = draft.subject
        self.query_one("#body", TextArea).load_text(draft.body)
        self.query_one("#recipient", Static).update(f"Aan {draft.recipient_name}: {draft.how}")
        self.set_status("")
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


# ---------------------------------------------------------------------------------------
# a printed letter posted
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostedValues:
    letter_id: int
    on: date | None


def posted_choices(letters: Iterable[LetterView]) -> list[tuple[str, int]]:
    """The ``PostedDialog``'s choice of letters: what each is, its number and print day."""
    return [(f"{letter.label} (brief {letter.id}, afgedrukt {format_date(local(letter.printed_at).date())})",
             letter.id) for letter in letters]


class PostedDialog(CaseDialog[Any]):
    """A printed letter went in the post: which one (when more wait) and on which day
    (default today). From then on it counts for the deadlines."""

    TITLE_TEXT = "Brief verstuurd (op de post)"
    SUBMIT_LABEL = "Verstuurd"

    def __init__(self, submit: Callable[[PostedValues], Any], letters: list[tuple[str, int]], today: date,
                 **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.letters = letters  # (label, message id), oldest first
        self.today = today

    def compose_fields(self) -> ComposeResult:
        yield Static("Markeer een afgedrukte brief als verstuurd zodra hij op de post is: pas dan telt hij voor "
                     "de termijnen.", classes="hint", markup=False)
        yield DialogField("Brief", TypeSelect(self.letters, id="letter", value=self.letters[0][1],
                                              allow_blank=False))
        yield DialogField("Verstuurd op (leeg: vandaag; bv. 'gisteren', '1-12')", Input(
            id="posted_on", placeholder="vandaag", valid_empty=True,
            validators=[ServiceRule(lambda text: parse_day(text, self.today, field="posted_on"))]))

    def focus_first(self) -> None:
        self.query_one("#posted_on", Input).focus()

    def collect(self) -> PostedValues:
        on = parse_day(self.query_one("#posted_on", Input).value, self.today, field="posted_on")
        return PostedValues(int(self.query_one("#letter", Select).value), on)  # type: ignore[arg-type]
