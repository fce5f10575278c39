"""Registration: the phone intake form of a klacht, factuurvraag or accountvraag.

The kind decides the fields (as the procedure asks for them); the form opens on the
caller's name (kind klacht and channel telefoon are right most of the time; they are
above it, shift+tab or alt+s / alt+k), and the Tab order follows a phone conversation
(name, phone, e-mail, the kind's own fields, the moment of receipt). Enter moves on
wherever a field is done: in a one-line field, in a select or answer once chosen, in an
involved person's row (past the people). Every field has a key (``alt+<letter>``) shown in its label.
Input is validated as it is typed by the service's rules
(``complaints.validate_registration`` via ``intake_parsing.check_form``); ``ctrl+s``
saves, or focuses the first faulty field with its message under it.

Nothing is lost: the values are kept as a draft half a second after the last change
(``autosave.DraftKeeper``), Escape asks before throwing input away, and an unfinished
registration is offered back at the next start (``draft_offer``).

On save the confirmation screen (``done``) shows the klachtnummer and the reply
deadline large, with a sentence to read out to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import Any, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Header, Input, RadioButton, RadioSet, Select, Static, TextArea
from textual.message import Message

from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.screens.dialog import ConfirmModal
from klachtdesk.screens.registration.autosave import DRAFT_WORK, DraftKeeper
from klachtdesk.screens.registration.done import RegistrationDoneScreen
from klachtdesk.screens.registration import review_mode
from klachtdesk.screens.registration.review_mode import CaseReviewed
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases import drafts
from klachtdesk.services.cases.review import ReviewForm
from klachtdesk.services.people import callers as people
from klachtdesk.services.correspondence.acknowledgement import AcknowledgementOffer, offer_acknowledgement
from klachtdesk.services.cases.complaints import Registered, RegistrationInput
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.people.known_caller import DETAILS as KNOWN_DETAILS
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind
from klachtdesk.widgets.intake_caller import CallerOffer, KnownCallerPanel
from klachtdesk.widgets.intake_field import IntakeField, IntakeRadioSet
from klachtdesk.widgets.type_select import TypeSelect
from klachtdesk.widgets.intake_parsing import (FORM_VERSION, check_form, describe_moment, empty_values, has_input,
                                                registration_input, sanitise_values)
from klachtdesk.widgets.person_fields import PARTS, InvolvedGroup, InvolvedRow
from klachtdesk.screens.registration.fields import (ASK, CHANNEL_OPTIONS, DESCRIPTION_LABELS, DISCUSSED_OPTIONS, FIELDS,
                                                     KEYS, KIND_FIELDS, KIND_OPTIONS, LABELS, OPTIONAL_FIELDS,
                                                     SHORT_LABELS, field_hint, jump_bindings, review_values)
from klachtdesk.widgets.address_fields import PARTS as ADDRESS_PARTS, AddressFields
from klachtdesk.widgets.footer import DeskFooter

log = logging.getLogger(__name__)

FORM = drafts.REGISTRATION
#: seconds of quiet before the form is validated, the draft kept, a known caller looked up
VALIDATE_DELAY = 0.15
DRAFT_DELAY = 0.5
LOOKUP_DELAY = 0.35
EARLIER_CASES = 3
#: terminal columns below which the form is laid out narrow
NARROW_BELOW = 110

@dataclass
class CallersFound(Message):
    """Known callers for the contact details ``key`` (phone, e-mail) as typed."""

    key: tuple[str, str]
    offers: list[CallerOffer]


@dataclass
class LinkedCallerFound(Message):
    """The caller taken over (``person_id``), with their earlier cases."""

    person_id: int
    offer: CallerOffer


@dataclass
class DraftFound(Message):
    """The stored draft of this form (None: there is none, or it could not be read)."""

    record: drafts.DraftRecord | None


@dataclass
class CaseRegistered(Message):
    """The registration is committed; the ontvangstbevestiging is offered (or why not)."""

    registered: Registered
    acknowledgement: AcknowledgementOffer


class RegistrationScreen(DeskScreen[None]):
    """The intake form. ``values``: form values to start from (a restored draft)."""

    HELP_TITLE = "Nieuwe melding registreren"
    #: the caller says who they are first; kind and channel are right by default most of the time
    AUTO_FOCUS = "#name"
    #: a known caller not found is no reason to interrupt the call
    QUIET_WORK = frozenset({"registration-lookup"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Opslaan", id="registration.save", priority=True),
        Binding("escape", "leave", "Terug", id="registration.leave"),
        Binding("ctrl+b", "add_involved", "Betrokkene +", id="registration.add_involved", priority=True),
        Binding("ctrl+r", "remove_involved", "Betrokkene −", id="registration.remove_involved", priority=True),
        Binding("ctrl+o", "unlink_person", "Ontkoppelen", id="registration.unlink_person", show=False,
                priority=True),
        # Tab, Enter and the arrows are priority bindings: handled the moment they arrive, so
        # keys typed right after them never land in the field that is being left
        Binding("tab", "move_focus(1)", "Volgend veld", id="registration.next_field", show=False, priority=True),
        Binding("shift+tab", "move_focus(-1)", "Vorig veld", id="registration.previous_field", show=False,
                priority=True),
        Binding("enter", "enter", "Volgend veld (in een contactveld: bekende beller overnemen)",
                id="registration.enter", show=False, priority=True),
        Binding("down", "arrow(1)", "Volgend veld (of volgende bekende beller)", id="registration.down",
                show=False, priority=True),
        Binding("up", "arrow(-1)", "Vorig veld (of vorige bekende beller)", id="registration.up", show=False,
                priority=True),
        Binding("q", "typed_q", "q sluit hier niet af (Ctrl+Q wel)", id="registration.q", show=False),
        *jump_bindings(),
    ]

    CSS_PATH = "form.tcss"

    def __init__(self, values: dict[str, Any] | None = None, review: ReviewForm | None = None) -> None:
        super().__init__()
        self._given = values
        #: a case registered from a mail, checked here: no draft; saving completes the review
        self._review = review
        self._initial: dict[str, Any] = {}
        self._touched: set[str] = set()
        self._save_attempted = False
        self._saving = False
        self._person_id: int | None = None
        #: the caller's details as taken over (sent with the save: a colleague's change since is not overwritten)
        self._person_seen: dict[str, str | None] | None = None
        self.keeper = DraftKeeper(self, FORM, self.values, stored={}, checked=values is not None)
        if review is not None:
            self.keeper.closed = True  # the phone form's draft is neither written nor thrown away here
        self._draft_failed_shown = False
        self._opened_on_name = True
        self._debounce: dict[str, Timer] = {}
        self._lookup_key: tuple[str, str] = ("", "")
        self._widget_cache: dict[str, Any] = {}

    @classmethod
    def for_review(cls, form: ReviewForm) -> RegistrationScreen:
        """The form prefilled with a case registered from a mail, to check and complete."""
        return cls(review_values(form), review=form)

    # -- building ---------------------------------------------------------------------

    def _field(self, field: str, control: Widget, *, required: bool = False) -> IntakeField:
        return IntakeField(LABELS[field], KEYS[field], control, field=field, required=required,
                           short=SHORT_LABELS.get(field, ""), id=f"field-{field}")

    def compose(self) -> ComposeResult:
        context = self.context
        now = context.now()
        values = sanitise_values(self._given, now) if self._given is not None else empty_values(now)
        self._initial = values
        self._person_id, self._person_seen = values["person_id"], values["person_seen"]
        self.keeper.stored(dict(values))  # what is kept already (a restored draft; nothing for a new form)
        lists = context.settings.lists
        service_types = list(lists.service_types)
        if values["service_type"] and values["service_type"] not in service_types:
            values["service_type"] = ""
        categories = list(lists.categories)
        if values["category"] and values["category"] not in categories:
            values["category"] = ""
        yield Header()
        with VerticalScroll(id="form"):
            with Horizontal(classes="form-row", id="kind-row"):
                with Horizontal(id="kind-channel"):
                    yield self._field("kind", TypeSelect(KIND_OPTIONS, value=values["kind"], allow_blank=False,
                                                         id="kind", compact=True), required=True)
                    yield self._field("channel", TypeSelect(CHANNEL_OPTIONS, value=values["channel"],
                                                            allow_blank=False, id="channel", compact=True),
                                      required=True)
                yield Static("", id="ask", markup=False)
            with Horizontal(classes="form-row"):
                yield self._field("name", Input(values["name"], id="name", compact=True,
                                                placeholder="voor- en achternaam"), required=True)
                yield self._field("phone", Input(values["phone"], id="phone", compact=True,
                                                 placeholder="06 12345678 of +32 …"))
                yield self._field("email", Input(values["email"], id="email", compact=True,
                                                 placeholder="naam@voorbeeld.nl"))
            yield KnownCallerPanel(id="known-caller")
            yield self._field("address", AddressFields({part: values[part] for part in ADDRESS_PARTS}, id="address"))
            with Horizontal(classes="form-row"):
                yield self._field("incident_date", Input(values["incident_date"], id="incident_date", compact=True,
                                                         placeholder="20-11-2026 of gisteren"))
                yield self._field("service_type", TypeSelect(
                    [(s, s) for s in service_types], value=values["service_type"] or Select.NULL,
                    prompt="typ of kies", id="service_type", compact=True), required=True)
                yield self._field("category", TypeSelect(
                    [(c, c) for c in categories], value=values["category"] or Select.NULL,
                    prompt="(mag later)", id="category", compact=True))
                yield self._field("invoice_number", Input(values["invoice_number"], id="invoice_number",
                                                          compact=True, placeholder="zoals op de factuur"),
                                  required=True)
            yield self._field("description", TextArea(values["description"], id="description", compact=True,
                                                      soft_wrap=True, tab_behavior="focus"), required=True)
            yield IntakeField(LABELS["involved"], f"{KEYS['involved']} · ctrl+b toevoegen · ctrl+r verwijderen",
                              Vertical(
                                 Horizontal(
                                     Static("", classes="h-number"), Static("naam *", classes="h-wide"),
                                     Static("rol", classes="h-role"), Static("telefoon"), Static("e-mail"),
                                     Static("functie of notitie", classes="h-wide"), Static("", classes="h-button"),
                                     id="involved-header",
                                 ),
                                 InvolvedGroup(values["involved"], id="involved"),
                                 id="involved-box",
                             ),
                              field="involved", id="field-involved")
            with Horizontal(classes="form-row"):
                yield self._field("discussed_first", IntakeRadioSet(
                    *[RadioButton(label, value=label == values["discussed_first"]) for label in DISCUSSED_OPTIONS],
                    id="discussed_first", compact=True))
                yield self._field("remedy_sought", Input(values["remedy_sought"], id="remedy_sought", compact=True,
                                                         placeholder="wat wil de klant dat er gebeurt?"))
            with Horizontal(classes="form-row"):
                yield self._field("received_at", Input(values["received_at"], id="received_at", compact=True,
                                                       placeholder="leeg = nu; 20-11-2026 18:40, gisteren 18:40"),
                                  required=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "Nieuwe melding"
        if not self.context.user.may(Permission.REGISTER):
            self.keeper.closed = True
            self.notify(f"U ({self.context.user.role_names}) mag geen meldingen registreren.", severity="warning")
            self.set_timer(0.01, self._leave_refused)
            return
        if self._review is not None:
            for widget_id in review_mode.AS_RECEIVED:  # as received; the kind may be corrected
                self.query_one(f"#{widget_id}").disabled = True
        self._apply_kind()
        self._update_involved_header()
        if self._person_id is not None:
            self.query_one(KnownCallerPanel).show_linked(None, self._initial["name"])
            self._refresh_linked(self._person_id, self._initial["phone"], self._initial["email"])
        if self._given is None:
            self._load_draft()
        self._validate()

    def on_resize(self) -> None:
        """Narrow (80 columns): the questions to ask under kind and channel, an involved
        person on two lines, so every field shows its text."""
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
        self._update_involved_header()

    def _leave_refused(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    # -- values -----------------------------------------------------------------------

    def _widget(self, widget_id: str) -> Any:
        """A control by id, looked up once (values are read at every key stroke)."""
        widget = self._widget_cache.get(widget_id)
        if widget is None or not widget.is_attached:
            widget = self._widget_cache[widget_id] = self.query_one(f"#{widget_id}")
        return widget

    def values(self) -> dict[str, Any]:
        """The form's values as typed (JSON-ready; what a draft keeps)."""
        def text(widget_id: str) -> str:
            return str(self._widget(widget_id).value)

        def choice(widget_id: str) -> str:
            value = self._widget(widget_id).value
            return "" if value is Select.NULL or value is None else str(value)

        return {
            "version": FORM_VERSION,
            "kind": choice("kind") or ComplaintKind.COMPLAINT.value,
            "channel": choice("channel") or Channel.PHONE.value,
            "name": text("name"),
            "phone": text("phone"),
            "email": text("email"),
            **self._widget("address").values(),
            "person_id": self._person_id,
            "person_seen": self._person_seen,
            "incident_date": text("incident_date"),
            "service_type": choice("service_type"),
            "category": choice("category"),
            "description": self._widget("description").text,
            "involved": self._widget("involved").values(),
            "discussed_first": self._widget("discussed_first").chosen or Acceptance.UNKNOWN.value,
            "remedy_sought": text("remedy_sought"),
            "invoice_number": text("invoice_number"),
            "received_at": text("received_at"),
        }

    async def fill(self, values: dict[str, Any]) -> None:
        """Put ``values`` (e.g. a restored draft) into the form."""
        values = sanitise_values(values, self.context.now())
        for widget_id in ("name", "phone", "email", "incident_date", "remedy_sought", "invoice_number", "received_at"):
            self.query_one(f"#{widget_id}", Input).value = values[widget_id]
        for widget_id in ("kind", "channel", "service_type", "category"):
            select = self.query_one(f"#{widget_id}", Select)
            options = {value for _, value in select._options}
            select.value = values[widget_id] if values[widget_id] in options else Select.NULL \
                if widget_id in ("service_type", "category") else select.value
        self.query_one(AddressFields).fill(values)
        self.query_one("#description", TextArea).load_text(values["description"])
        self.query_one(IntakeRadioSet).choose(values["discussed_first"])
        await self.query_one(InvolvedGroup).replace_rows(values["involved"])
        self._person_id, self._person_seen = values["person_id"], values["person_seen"]
        panel = self.query_one(KnownCallerPanel)
        if self._person_id is not None:
            panel.show_linked(None, values["name"])
            self._refresh_linked(self._person_id, values["phone"], values["email"])
        else:
            panel.clear()
        self.keeper.stored(values)
        self._apply_kind(values["kind"])
        self._update_involved_header()
        self._validate()

    @property
    def kind(self) -> ComplaintKind:
        value = self.query_one("#kind", Select).value
        try:
            return ComplaintKind(value)
        except ValueError:
            return ComplaintKind.COMPLAINT

    # -- kind -------------------------------------------------------------------------

    def _apply_kind(self, value: str | None = None) -> None:
        kind = ComplaintKind(value) if value else self.kind
        shown = KIND_FIELDS[kind]
        for field in OPTIONAL_FIELDS:
            self.query_one(f"#field-{field}", IntakeField).display = field in shown
        if kind in DESCRIPTION_LABELS:
            self.query_one("#field-description", IntakeField).set_label(
                DESCRIPTION_LABELS[kind], required=kind is not ComplaintKind.INVOICE_QUESTION)
        queue = self.context.settings.lists.queues.get(kind)
        if self._review is not None:
            self.query_one("#ask", Static).update(review_mode.ask(self._review, kind))
            self.sub_title = review_mode.subtitle(self._review, kind)
        else:
            self.query_one("#ask", Static).update(ASK[kind])
            self.sub_title = f"Nieuwe {kind.value}" + (f" → {queue.name}" if queue else "")

    def _update_involved_header(self) -> None:
        self.query_one("#involved-header").display = bool(self.query_one(InvolvedGroup).rows) and \
            not self.has_class("-narrow")  # narrow: each row shows its placeholders instead

    # -- changes ----------------------------------------------------------------------

    def _field_of(self, widget: Widget | None) -> str | None:
        row: InvolvedRow | None = None
        node: Any = widget
        while node is not None and node is not self:
            if isinstance(node, InvolvedRow):
                row = node
            if isinstance(node, IntakeField):
                wid = getattr(widget, "id", None) or ""
                if row is not None and wid.startswith("involved-") and wid.removeprefix("involved-") in PARTS:
                    return f"involved.{row.number}.{wid.removeprefix('involved-')}"
                return node.field
            node = node.parent
        return None

    def _schedule(self, name: str, delay: float, callback: Any) -> None:
        timer = self._debounce.pop(name, None)
        if timer is not None:
            timer.stop()
        self._debounce[name] = self.set_timer(delay, callback, name=f"registration-{name}")

    def _changed(self, widget: Widget | None, *, by_user: bool) -> None:
        field = self._field_of(widget)
        if field is not None and by_user:
            self._touched.add(field)
        if field == "kind":
            self._apply_kind()
        if field in ("phone", "email"):
            self._schedule("lookup", LOOKUP_DELAY, self._lookup)
        self._schedule("validate", VALIDATE_DELAY, self._validate)
        self._schedule("draft", DRAFT_DELAY, self.keeper.keep)
        try:  # what a quit before the draft's half second must still keep
            self.keeper.changed(self.values())
        except Exception:  # noqa: BLE001 - not all controls mounted yet
            pass

    def _focus_inside(self, widget: Widget) -> bool:
        focused = self.focused
        return focused is not None and (focused is widget or widget in focused.ancestors)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    @on(RadioSet.Changed)
    def _control_changed(self, event: Any) -> None:
        control = event.control
        self._changed(control, by_user=self._focus_inside(control))

    @on(InvolvedGroup.Changed)
    def _rows_changed(self, event: InvolvedGroup.Changed) -> None:
        self._update_involved_header()
        self._changed(self.query_one(InvolvedGroup), by_user=False)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        field = self._field_of(event.widget)
        if self._opened_on_name and field == "name":
            # the form opened here: leaving the name untyped right away is not leaving it out
            self._opened_on_name = False
            if not str(getattr(event.widget, "value", "")).strip():
                return
        if field is not None and field not in self._touched:
            widget = event.widget
            value = getattr(widget, "value", None)
            if isinstance(widget, Input) or field in ("service_type", "description"):
                self._touched.add(field)
                self._schedule("validate", VALIDATE_DELAY, self._validate)
            elif value:
                self._touched.add(field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter and the arrows are the form's only in a one-line field; elsewhere they are the
        # widget's own (open a list, a new line in the description, press a button)
        if action in ("enter", "arrow"):
            return isinstance(self.focused, Input)
        return True

    def action_move_focus(self, step: int) -> None:
        """Tab and shift+Tab; an empty address is passed by (jump in with alt+w), so a caller
        with e-mail costs no keys for it."""
        address = self.query_one(AddressFields)
        was_inside = self._focus_inside(address)
        for _ in range(len(ADDRESS_PARTS) + 1):
            self.focus_next() if step > 0 else self.focus_previous()
            if was_inside or not self._focus_inside(address) or not address.is_empty():
                return

    def action_enter(self) -> None:
        """Enter in a contact field takes over a known caller; in an involved person's row
        it is done with the people (ctrl+b adds another); elsewhere it moves on."""
        panel = self.query_one(KnownCallerPanel)
        focused = self.focused
        if focused is not None and focused.id in ("phone", "email", "name") and panel.current is not None:
            self._take_over(panel.current)
            return
        if self.query_one(InvolvedGroup).row_of(focused) is not None:
            after = FIELDS[[f for f, _, _ in FIELDS].index("involved") + 1:]
            if any(self._focus_field(field) for field, _, _ in after):
                return
        self.action_move_focus(1)

    # -- validation -------------------------------------------------------------------

    def _validate(self) -> list[ValidationError]:
        """Run the service's rules over the form and show what is wrong (or a hint) at each field."""
        try:
            cleaned, errors = check_form(self.context, self.values())
        except Exception:  # noqa: BLE001 - a widget not yet mounted; the next change validates again
            log.debug("validation skipped", exc_info=True)
            return []
        self._show(cleaned, errors)
        return errors

    def _show(self, cleaned: RegistrationInput, errors: list[ValidationError]) -> None:
        first: dict[str, str] = {}
        for error in errors:
            first.setdefault(error.field or "", error.message)
            if (error.field or "").startswith("address."):  # one box for the address's parts
                first.setdefault("address", error.message)
        everything = self._save_attempted
        for box in self.query(IntakeField):
            field = box.field
            message = first.get(field)
            if message and (everything or field in self._touched):
                box.set_message(message, error=True)
            elif message:
                box.set_message("")
            else:
                box.set_message(self._hint(field, cleaned))
        for row in self.query_one(InvolvedGroup).rows:
            prefix = f"involved.{row.number}."
            row.set_errors({
                field.removeprefix(prefix).split(".")[0]: message for field, message in first.items()
                if field.startswith(prefix) and (everything or field in self._touched)
            })
        self.query_one(KnownCallerPanel).show_given(cleaned.complainant)  # a known caller's details changed
        unplaced = [m for f, m in first.items() if not f]
        if unplaced and everything:
            self.notify(unplaced[0], severity="error")

    def _hint(self, field: str, cleaned: RegistrationInput) -> str:
        hint = field_hint(self.context, field, cleaned)
        if self._review is not None and field in self._review.derived and field not in self._touched:
            return f"{hint} · uit e-mail afgeleid" if hint else "uit e-mail afgeleid: controleer"
        return hint

    def _control_for(self, field: str) -> Widget | None:
        if field.split(".")[0] == "address":
            part = field.split(".")[1] if "." in field else "street"
            return self.query_one(AddressFields).part(part if part in ADDRESS_PARTS else "street")
        group = self.query_one(InvolvedGroup)
        if field.startswith("involved"):
            parts = field.split(".")
            rows = group.rows
            if len(parts) >= 2 and parts[1].isdigit() and 0 < int(parts[1]) <= len(rows):
                row = rows[int(parts[1]) - 1]
                return cast(Widget, row.part(parts[2] if len(parts) > 2 and parts[2] in PARTS else "name"))
            return rows[0].part("name") if rows else group.query_one("#involved-add", Button)
        try:
            return self.query_one(f"#field-{field}", IntakeField).control
        except Exception:  # noqa: BLE001 - an unknown field name: no control to focus
            return None

    def _focus_field(self, field: str) -> bool:
        control = self._control_for(field)
        if control is None or not control.display or not self.query_one(f"#field-{field.split('.')[0]}").display:
            return False
        self.set_focus(control)  # at once: keys typed right after the jump land here
        control.scroll_visible(animate=False)
        return True

    # -- known callers ----------------------------------------------------------------

    def _lookup(self) -> None:
        if self._person_id is not None:
            return
        phone = self.query_one("#phone", Input).value.strip()
        email = self.query_one("#email", Input).value.strip()
        self._lookup_key = (phone, email)
        if not phone and not email:
            self.query_one(KnownCallerPanel).clear()
            return
        self._find_callers(phone, email)

    def _offers(self, phone: str, email: str) -> list[CallerOffer]:
        context = self.context
        own = self._review.complainant_person_id if self._review is not None else None  # the case's own klager
        callers = [c for c in people.find_known_callers(context, phone, email) if c.person_id != own]
        return [CallerOffer(caller, people.earlier_cases(context, caller.person_id, EARLIER_CASES))
                for caller in callers]

    @service_work("registration-lookup")
    def _find_callers(self, phone: str, email: str) -> None:
        self.post_message(CallersFound((phone, email), self._offers(phone, email)))

    @on(CallersFound)
    def _show_offers(self, message: CallersFound) -> None:
        if message.key != self._lookup_key or self._person_id is not None:
            return  # the agent typed on, or took someone over meanwhile
        self.query_one(KnownCallerPanel).show_offers(message.offers)

    @service_work("registration-lookup")
    def _refresh_linked(self, person_id: int, phone: str, email: str) -> None:
        offer = next((o for o in self._offers(phone, email) if o.caller.person_id == person_id), None)
        if offer is not None:
            self.post_message(LinkedCallerFound(person_id, offer))

    @on(LinkedCallerFound)
    def _show_linked(self, message: LinkedCallerFound) -> None:
        if self._person_id == message.person_id:
            self.query_one(KnownCallerPanel).show_linked(message.offer, message.offer.caller.name)

    def _take_over(self, offer: CallerOffer) -> None:
        caller = offer.caller
        self._person_id = caller.person_id
        self._person_seen = {name: getattr(caller, name) or None for name in KNOWN_DETAILS}
        self.query_one("#name", Input).value = caller.name
        phone = self.query_one("#phone", Input)
        if not phone.value.strip() and caller.phone:
            phone.value = display_phone(caller.phone)
        email = self.query_one("#email", Input)
        if not email.value.strip() and caller.email:
            email.value = caller.email
        self.query_one(AddressFields).fill({part: getattr(caller, part) for part in ADDRESS_PARTS}, only_empty=True)
        self.query_one(KnownCallerPanel).show_linked(offer, caller.name)
        self._touched.update({"name", "phone", "email"})
        self._changed(self.query_one("#name", Input), by_user=False)
        self.notify(f"Gegevens van {caller.name} overgenomen.", timeout=3)
        names = [f for f, _, _ in FIELDS]
        first = next((f for f in names[names.index("address") + 1:] if self.query_one(f"#field-{f}").display),
                     "received_at")
        self._focus_field(first)

    def action_unlink_person(self) -> None:
        if self._person_id is None:
            self.notify("Er is geen bekende persoon gekoppeld.", timeout=3)
            return
        self._person_id = self._person_seen = None
        self.query_one(KnownCallerPanel).clear()
        self.notify("Ontkoppeld: bij opslaan wordt een nieuwe persoon vastgelegd.", timeout=4)
        self._changed(self.query_one("#name", Input), by_user=False)
        self._lookup()

    def action_arrow(self, step: int) -> None:
        focused = self.focused
        panel = self.query_one(KnownCallerPanel)
        if focused is not None and focused.id in ("phone", "email", "name") and len(panel.offers) > 1:
            panel.move(step)
        else:
            self.action_move_focus(step)

    # -- drafts -----------------------------------------------------------------------

    @service_work("registration-draft-load")
    def _load_draft(self) -> None:
        self.post_message(DraftFound(drafts.load(self.context, FORM)))

    @on(DraftFound)
    async def _draft_loaded(self, message: DraftFound) -> None:
        record = message.record
        if record is not None and not self.keeper.closed:
            values = sanitise_values(record.data, self.context.now())
            if has_input(values) and not has_input(self.values()):
                await self.fill(values)
                when = describe_moment(record.updated_at, self.context.today())
                self.notify(f"Onafgemaakte registratie van {when} teruggezet. Esc gooit haar weg.", timeout=6)
        self.keeper.loaded()

    @on(WorkFailed)
    async def _work_refused(self, message: WorkFailed) -> None:
        if message.group == "registration-draft-load":  # not read: start afresh, and keep from now on
            message.stop()
            log.info("draft not loaded: %s", message.error)
            await self._draft_loaded(DraftFound(None))
        elif message.group == DRAFT_WORK:
            message.stop()
            if not self._draft_failed_shown:
                self._draft_failed_shown = True
                self.say(f"Het concept kon niet worden bewaard: {message.error.message} Uw invoer staat nog in "
                         "het scherm.", severity="warning", timeout=8)
        elif message.group == "registration-save":
            message.stop()
            self._save_failed(message.error)

    def _close_form(self, *, discard: bool) -> None:
        """No more draft writes from this form; optionally remove its draft."""
        for timer in self._debounce.values():
            timer.stop()
        self.keeper.close(discard=discard and self._review is None)  # a review has no draft of its own

    def on_unmount(self) -> None:
        """Whatever closes the screen with unsaved keystrokes: keep them right now."""
        self.keeper.flush()

    # -- actions ----------------------------------------------------------------------

    def action_jump(self, field: str) -> None:
        if field == "involved" and self.kind is ComplaintKind.COMPLAINT:
            rows = self.query_one(InvolvedGroup).rows
            target = rows[0].part("name") if rows else self.query_one("#involved-add", Button)
            self.set_focus(target)
            target.scroll_visible(animate=False)
            return
        if not self._focus_field(field):
            self.notify(f"{LABELS[field]} hoort niet bij een {self.kind.value}.", timeout=3)

    async def action_add_involved(self) -> None:
        if self.kind is not ComplaintKind.COMPLAINT:
            self.notify(f"Betrokkenen horen bij een klacht, niet bij een {self.kind.value}.", timeout=3)
            return
        await self.query_one(InvolvedGroup).add_row()

    async def action_remove_involved(self) -> None:
        group = self.query_one(InvolvedGroup)
        row = group.row_of(self.focused)
        if row is None:
            self.notify("Ga eerst naar de betrokkene die weg moet (alt+r), dan ctrl+r.", timeout=4)
            return
        await group.remove_row(row)
        self._touched = {f for f in self._touched if not f.startswith("involved.")}

    def action_typed_q(self) -> None:
        """``q`` quits elsewhere; in a form it is far too easy to hit by accident."""
        self.notify("Afsluiten kan hier met Ctrl+Q (uw invoer blijft bewaard).", timeout=3)

    def action_leave(self) -> None:
        if self._saving:
            self.notify("Bezig met opslaan …", timeout=2)
            return
        if not has_input(self.values()) or (self._review is not None and self.values() == self._initial):
            self._close_form(discard=True)
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._close_form(discard=True)
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmModal("Deze registratie is nog niet opgeslagen. Alles wat u invulde weggooien?",
                         yes="Weggooien", no="Verder invullen"),
            answered,
        )

    def action_save(self) -> None:
        if self._saving:
            return
        values = self.values()
        cleaned, errors = check_form(self.context, values)
        if errors:
            self._save_attempted = True
            self._show(cleaned, errors)
            first = errors[0]
            if not self._focus_field(first.field or ""):
                self.notify(first.message, severity="error")
            count = len({e.field for e in errors})
            more = f" (en nog {count - 1} {'veld' if count == 2 else 'velden'})" if count > 1 else ""
            self.notify(f"Niet opgeslagen: {first.message}{more}", severity="warning", timeout=5)
            return
        self._saving = True
        for name in ("draft", "validate"):
            timer = self._debounce.pop(name, None)
            if timer is not None:
                timer.stop()
        self._register_case(values)

    @service_work("registration-save")
    def _register_case(self, values: dict[str, Any]) -> None:
        context = self.context
        data, parse_errors = registration_input(values, context.now())
        if parse_errors:
            raise parse_errors[0]
        if self._review is not None:
            self.post_message(review_mode.save(context, self._review, data))
            return
        registered = complaints.register(context, data)
        self.keeper.saved(context, registered.number)  # committed: the draft goes, in the same flow
        self.post_message(CaseRegistered(registered, offer_acknowledgement(context, registered.id)))

    def _save_failed(self, error: KlachtdeskError) -> None:
        self._saving = False
        if isinstance(error, ValidationError) and error.field:
            self._save_attempted = True
            self._validate()
            box = self._control_for(error.field)
            try:
                self.query_one(f"#field-{error.field.split('.')[0]}", IntakeField).set_message(error.message,
                                                                                                 error=True)
            except Exception:  # noqa: BLE001 - a field the form does not show
                pass
            if box is not None:
                self._focus_field(error.field)
        self.notify(f"Niet opgeslagen: {error.message} Uw invoer staat er nog.", severity="error", timeout=10)

    @on(CaseReviewed)
    def _reviewed(self, message: CaseReviewed) -> None:
        self._saving = False
        assert self._review is not None
        self.notify(review_mode.done_notice(self._review, message.reviewed), timeout=12 if
                    message.reviewed.kind_changed else 6)
        self.desk.post_data_changed()
        self.app.pop_screen()

    @on(CaseRegistered)
    def _saved(self, message: CaseRegistered) -> None:
        self._saving = False
        for timer in self._debounce.values():
            timer.stop()
        self.desk.post_data_changed(new_case=message.registered.id)  # the inbox behind shows it
        self.app.switch_screen(RegistrationDoneScreen(message.registered, message.acknowledgement))


__all__ = ["FIELDS", "KIND_FIELDS", "RegistrationScreen"]
