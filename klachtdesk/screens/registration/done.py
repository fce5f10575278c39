"""The confirmation of a registration: the klachtnummer and the reply deadline, large,
with the sentence to read out to the caller, where a question was routed, and the
ontvangstbevestiging ready to send (``b``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, VerticalScroll
from textual.widgets import Digits, Header, Static
from textual.message import Message

from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.services.correspondence.acknowledgement import AcknowledgementOffer, send_acknowledgement
from klachtdesk.services.cases.complaints import Registered
from klachtdesk.services.deadlines.promises import KIND_WORDS, read_back
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import describe_receipt, format_date
from klachtdesk.services.correspondence.messages import MessageDraft, SentMessage
from klachtdesk.services.procedure.vocabulary import ComplaintKind
from klachtdesk.widgets.intake_parsing import describe_moment
from klachtdesk.widgets.footer import DeskFooter


#: terminal lines below which the confirmation is compact
COMPACT_BELOW = 34


def spoken_day(day: date, today: date) -> str:
    """``woensdag 30 december`` (the year only when it is not this year)."""
    text = format_date(day)
    suffix = f" {day.year}"
    return text.removesuffix(suffix) if day.year == today.year and text.endswith(suffix) else text


@dataclass(frozen=True)
class ReadOut:
    title: str
    sentence: str
    routed: str


def read_out(context: Context, registered: Registered) -> ReadOut:
    """What the confirmation says, and the sentence to read out to the caller."""
    today = context.today()
    # every deadline that applies, in the words of the letters (one source: services.deadlines.promises)
    due = read_back(registered.promises, KIND_WORDS[registered.kind], lambda day: spoken_day(day, today))
    if registered.kind is ComplaintKind.COMPLAINT:
        return ReadOut("Klacht geregistreerd", f"Uw klachtnummer is {registered.number}. {due}".strip(), "")
    queue = context.settings.lists.queues.get(registered.kind)
    where = queue.name if queue else (registered.queue or "")
    routed = f"Doorgestuurd naar {where}" + (f" ({queue.email})" if queue and queue.email else "") + "." \
        if where else ""
    what = "Uw vraag over uw factuur" if registered.kind is ComplaintKind.INVOICE_QUESTION else "Uw vraag over uw account"
    sentence = f"{what} is geregistreerd onder nummer {registered.number}"
    sentence += f" en doorgestuurd naar {where}." if where else "."
    return ReadOut(f"{registered.kind.value.capitalize()} geregistreerd", f"{sentence} {due}".strip(), routed)


@dataclass
class AcknowledgementSent(Message):
    sent: SentMessage


class RegistrationDoneScreen(DeskScreen[None]):
    """The klachtnummer and the reply deadline, large, with the sentence to read out."""

    HELP_TITLE = "Melding geregistreerd"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Volgende registratie", id="registration_done.next"),
        Binding("enter", "open_case", "Zaak openen", id="registration_done.open"),
        Binding("escape", "inbox", "Naar de inbox", id="registration_done.inbox"),
        Binding("b", "send_acknowledgement", "Bevestiging versturen", id="registration_done.send_acknowledgement"),
    ]
    DEFAULT_CSS = """
    RegistrationDoneScreen { align: center middle; }
    RegistrationDoneScreen > #done {
        width: 100; max-width: 100%; height: auto; max-height: 100%; border: thick $success; padding: 0 3;
        background: $surface;
    }
    RegistrationDoneScreen #done > * { height: auto; }
    RegistrationDoneScreen.-compact #done { padding: 0 1; }
    RegistrationDoneScreen.-compact #due, RegistrationDoneScreen.-compact #keys { display: none; }
    RegistrationDoneScreen.-compact .done-label, RegistrationDoneScreen.-compact #notes { margin-top: 0; }
    RegistrationDoneScreen #done-title { text-style: bold; color: $success; width: 100%; content-align: center middle; }
    RegistrationDoneScreen .done-label { color: $text-muted; margin-top: 1; }
    RegistrationDoneScreen #done > .big-row { height: 3; width: auto; }
    RegistrationDoneScreen #number-prefix { width: 4; height: 3; content-align: left middle; text-style: bold; }
    RegistrationDoneScreen Digits { width: auto; }
    RegistrationDoneScreen #due-words { text-style: bold; color: $text; }
    RegistrationDoneScreen #sentence {
        margin-top: 1; padding: 0 1; border: round $accent; border-title-color: $accent; text-style: bold;
    }
    RegistrationDoneScreen #notes { color: $text-muted; margin-top: 1; height: auto; }
    RegistrationDoneScreen #keys { margin-top: 1; width: auto; }
    """

    def __init__(self, registered: Registered, acknowledgement: AcknowledgementOffer | None = None) -> None:
        super().__init__()
        self.registered = registered
        self.acknowledgement = acknowledgement or AcknowledgementOffer()
        self._sending = False

    def _ack_line(self) -> str:
        draft = self.acknowledgement.draft
        if draft is None:
            return self.acknowledgement.note
        if draft.recipient is None:  # a letter: printed now, posted later
            return (f"Ontvangstbevestiging staat klaar voor {draft.recipient_name}, per post (geen e-mailadres): "
                    "b drukt de brief af.")
        return f"Ontvangstbevestiging staat klaar voor {draft.recipient}: b verstuurt haar nu."

    def compose(self) -> ComposeResult:
        context = self.context
        registered = self.registered
        text = read_out(context, registered)
        prefix, _, rest = registered.number.partition("-")
        yield Header()
        with VerticalScroll(id="done"):
            yield Static(text.title, id="done-title")
            yield Static("Klachtnummer", classes="done-label")
            with Horizontal(classes="big-row"):
                yield Static(f"{prefix}-", id="number-prefix")
                yield Digits(rest, id="number")
            sentence = Static(text.sentence, id="sentence", markup=False)
            sentence.border_title = "Voorlezen"
            yield sentence  # right under the number: what is read out must fit on any terminal
            if registered.reply_due is not None:
                yield Static(f"Reactie uiterlijk {spoken_day(registered.reply_due, context.today())}",
                             classes="done-label", id="due-words")
                yield Digits(f"{registered.reply_due:%d-%m-%Y}", id="due")
            notes = []
            if text.routed:
                notes.append(text.routed)
            calendar = context.calendars.organisation
            receipt_note = describe_receipt(calendar.receipt(registered.received_at), calendar)
            notes.append(f"Ontvangen {describe_moment(registered.received_at, context.today())}"
                         + (f"; {receipt_note}" if receipt_note else "") + ".")
            yield Static("\n".join(notes), id="notes", markup=False)
            yield Static(self._ack_line(), id="acknowledgement", markup=False)
            with Center():
                yield Static("[b]n[/] volgende registratie   [b]Enter[/] zaak openen   [b]Esc[/] naar de inbox",
                             id="keys")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = self.registered.number

    def on_resize(self) -> None:
        """On a low terminal (80×24) the reply date is said in words only and the keys are
        in the footer: the sentence to read out stays whole on screen."""
        self.set_class(self.size.height < COMPACT_BELOW, "-compact")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_acknowledgement":
            return self.acknowledgement.draft is not None
        return True

    def why_not_now(self, action: str) -> str | None:
        if action == "send_acknowledgement":
            return self.acknowledgement.note or "Er staat geen ontvangstbevestiging klaar."
        return None

    def action_next(self) -> None:
        self.desk.action_open_registration(replace=True)

    def action_inbox(self) -> None:
        self.app.pop_screen()

    def action_open_case(self) -> None:
        desk = self.desk
        self.app.pop_screen()
        desk.action_open_case(self.registered.id)

    def action_send_acknowledgement(self) -> None:
        if self._sending or self.acknowledgement.draft is None:
            return
        self._sending = True
        self.query_one("#acknowledgement", Static).update("Ontvangstbevestiging wordt verstuurd …")
        self._send(self.acknowledgement.draft)

    @service_work("registration-acknowledgement")
    def _send(self, draft: MessageDraft) -> None:
        self.post_message(AcknowledgementSent(send_acknowledgement(self.context, draft)))

    @on(AcknowledgementSent)
    def _sent(self, message: AcknowledgementSent) -> None:
        line = f"Ontvangstbevestiging {message.sent.short}."
        self._sending = False
        self.acknowledgement = AcknowledgementOffer(note=line)
        self.refresh_bindings()
        self.desk.post_data_changed()
        self.query_one("#acknowledgement", Static).update(line)
        self.notify(line, timeout=5)

    @on(WorkFailed)
    def _not_sent(self, message: WorkFailed) -> None:
        if message.group != "registration-acknowledgement":
            return
        message.stop()
        line = f"Ontvangstbevestiging niet verstuurd: {message.error.message} (b probeert opnieuw)"
        self._sending = False
        self.query_one("#acknowledgement", Static).update(line)
        self.say(line, severity="error", timeout=5)


__all__ = ["RegistrationDoneScreen", "read_out", "spoken_day"]
