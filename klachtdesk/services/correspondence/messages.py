"""Messages to the klager: templates rendered for a case, edited, then sent.

Templates are Dutch text files in ``data/berichten/`` (first line ``Onderwerp: …``,
a blank line, then the body) with ``$placeholders`` filled by ``string.Template``.
Sending goes by SMTP when ``data/berichten.toml`` names a host, else the message is
written as an ``.eml`` file to the outbox folder. A klager without an e-mail address
gets a letter by post to their postal address: stored "klaar om te versturen", printed at
the desk (``letters``: a PDF under the outbox's ``brieven/``; at once when a person sends
it, from the database by ``posting.print_letter`` when an intake without a person made
it), and it meets its deadlines when someone marks it posted (``posting``), as far as it
counts (``Message.meets_deadlines``, decided here when it is made). A klager with neither
gets nothing, and is told so. Every sent message is a row of the
``message`` table and an event in the case's history, and meets the deadlines its
kind meets (any message is a reply; the decision is the decision).

Sending happens in three steps so a failing mail server loses nothing: the message
is stored (unsent), then delivered, then marked sent with its event and deadlines.
"""

from __future__ import annotations

import os
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from klachtdesk.clock import local
from klachtdesk.errors import KlachtdeskError, NotFound, TransitionRefused, ValidationError
from klachtdesk.models import (
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    Event,
    EventType,
    MediationSession,
    Message,
    Party,
    PartyRole,
    Person,
    SessionStatus,
    Staff,
    Status,
)
from klachtdesk.paths import outbox_dir, write_private
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.deadlines.promises import KIND_WORDS, Promise, in_order, promise_sentence, promise_words
from klachtdesk.services.core import events
from klachtdesk.services.procedure import workflow
from klachtdesk.services.config.messages import MessageSettings, SmtpSettings
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.correspondence import letters
from klachtdesk.services.people.postal import POST, PostalAddress, stored_address
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services import limits

PASSWORD_ENV = "KLACHTDESK_SMTP_WACHTWOORD"
SUBJECT_MAX = limits.FIELD_LIMITS["subject"].max_chars  # type: ignore[union-attr]  # the column's length


class MessageNotSent(KlachtdeskError):
    """The mail server could not be reached or refused the message (it stays stored, unsent)."""


# ---------------------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------------------

COMPLAINTS_ONLY = frozenset({ComplaintKind.COMPLAINT})
ACKNOWLEDGEMENT = "ontvangstbevestiging"
ALL_KINDS = frozenset(ComplaintKind)


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    label: str
    kinds: frozenset[ComplaintKind]
    meets: tuple[str, ...]  # the ``voldaan_door`` values a sent message fulfils
    extends: bool = False  # the Wkkgz extension notice


TEMPLATES: dict[str, TemplateSpec] = {
    spec.key: spec
    for spec in (
        TemplateSpec("ontvangstbevestiging", "Ontvangstbevestiging", ALL_KINDS, ("reactie",)),
        TemplateSpec("voortgang", "Voortgang en volgende stap", ALL_KINDS, ("reactie",)),
        TemplateSpec("beslissing", "Beslissing op de klacht", COMPLAINTS_ONLY, ("reactie", "beslissing")),
        TemplateSpec("verlenging", "Verlenging van de beslistermijn", COMPLAINTS_ONLY, ("reactie",), extends=True),
        TemplateSpec("doorverwijzing", "Doorverwijzing naar de geschillencommissie", COMPLAINTS_ONLY, ("reactie",)),
    )
}

#: what the Wkkgz asks of a decision: the judgement, the measures and their term —
#: the headings under which the decision template puts them
DECISION_SECTIONS: tuple[tuple[str, str], ...] = (
    ("het oordeel", "Ons oordeel:"),
    ("de maatregelen", "Maatregelen:"),
    ("de termijn waarbinnen de maatregelen worden uitgevoerd", "Termijn waarbinnen de maatregelen worden uitgevoerd:"),
)

#: a spot the user still has to fill in, e.g. ``[OORDEEL INVULLEN]``
FILL_IN = re.compile(r"\[[^\[\]\n]*INVULLEN\]")

#: inputs a caller may give ``prepare`` (else the spot is marked to fill in)
INPUTS = {"oordeel": "OORDEEL", "maatregelen": "MAATREGELEN", "termijn": "TERMIJN", "reden": "REDEN VAN DE VERLENGING"}


def fill_in(what: str) -> str:
    return f"[{what.upper()} INVULLEN]"




# ---------------------------------------------------------------------------------------
# drafts: a template rendered for one case
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageDraft:
    complaint_id: int
    number: str
    template: str
    label: str
    recipient: str | None  # the klager's e-mail address; None: print and post it
    recipient_name: str
    subject: str
    body: str
    transport: str  # "smtp", "eml" or "post": what sending will do
    #: the address block a letter goes to (``transport`` "post")
    address: tuple[str, ...] = ()

    @property
    def how(self) -> str:
        """What sending will do, in words (the message dialog)."""
        return how_sent(self.transport, self.recipient, self.address)

    @property
    def to_fill_in(self) -> list[str]:
        return FILL_IN.findall(self.body)


@dataclass(frozen=True)
class TemplateChoice:
    key: str
    label: str
    available: bool
    why_not: str | None


@dataclass(frozen=True)
class SentMessage:
    id: int
    complaint_id: int
    template: str
    subject: str
    recipient: str | None
    transport: str
    sent_at: datetime | None  # None: a letter, printed, waiting to be posted
    outbox_path: str | None
    met: tuple[str, ...]  # labels of the deadlines this message met
    extended_to: date | None  # the new decision deadline (extension notice)

    @property
    def short(self) -> str:
        """What happened, in a few words: ``per e-mail verstuurd``, ``afgedrukt: klaar om te versturen``."""
        if self.transport == POST:
            if self.outbox_path is None:  # made by an intake without a person: the desk prints it
                return "klaar om af te drukken en te versturen per post"
            return "afgedrukt: klaar om te versturen per post"
        return "per e-mail verstuurd" if self.transport == "smtp" else "als .eml in de outbox gezet"

    @property
    def outcome(self) -> str:
        """What happened, in a sentence (the screens and the CLI say it)."""
        if self.transport == POST and self.outbox_path is None:
            return (f"Brief {self.short}: de balie drukt hem af (klachtdesk brieven, of p in het scherm Brieven) "
                    "en markeert hem als verstuurd zodra hij op de post is.")
        if self.transport == POST:
            return (f"Brief {self.short} ({self.outbox_path}). Markeer hem als verstuurd zodra hij op de post is "
                    "(o in de zaak, of klachtdesk brieven verstuurd); pas dan telt hij voor de termijnen.")
        where = f" ({self.outbox_path})" if self.outbox_path else ""
        return f"Bericht {self.short}{where}."


def how_sent(transport: str, recipient: str | None, address: tuple[str, ...] = ()) -> str:
    """``per e-mail aan …``, ``als .eml in de outbox``, ``als brief per post aan …``."""
    if transport == POST:
        return "als brief per post aan " + ", ".join(address)
    if transport == "smtp":
        return f"per e-mail aan {recipient}"
    return f"als .eml in de outbox (aan {recipient})"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe_stand(status: Status, soort: str, handler: str | None, queue: str | None, dispute: str) -> str:
    """Where a case stands, in a sentence for the klager (the messages and the web form's
    status page); ``soort`` as in ``KIND_WORDS``."""
    text = {
        Status.NEW: f"uw {soort} is geregistreerd en wordt toegewezen aan een medewerker die hem behandelt.",
        Status.ASSIGNED: f"uw {soort} is toegewezen aan {handler or 'een medewerker'}, die hem behandelt.",
        Status.IN_PROGRESS: f"wij onderzoeken uw {soort}.",
        Status.IN_MEDIATION: "wij bemiddelen, in een gesprek onder begeleiding van onze klachtenfunctionaris.",
        Status.SOLUTION_PROPOSED: "wij hebben u een oplossing voorgesteld en horen graag of u daarmee akkoord bent.",
        Status.RESOLVED: f"uw {soort} is opgelost.",
        Status.CLOSED: f"uw {soort} is afgesloten.",
        Status.REFERRED: f"uw klacht ligt ter beoordeling bij {dispute}.",
        Status.REOPENED: f"wij hebben uw {soort} opnieuw in behandeling genomen.",
        Status.FORWARDED: f"uw vraag is doorgestuurd naar {queue or 'de afdeling die erover gaat'}.",
        Status.HANDLED: "uw vraag is afgehandeld.",
    }[status]
    return _capital(text)


#: why a message cannot go to a klager without e-mail and postal address
NOWHERE = ("De klager heeft geen e-mailadres en geen postadres: dit bericht kan nergens heen. Leg het adres "
           "vast, of bel de klager en leg dat contact vast (c).")


@dataclass(frozen=True)
class _Case:
    complaint: Complaint
    name: str
    email: str | None
    handler: str | None
    address: PostalAddress | None = None

    def check_reachable(self) -> None:
        """Refuse (in Dutch) when the klager has no e-mail and no postal address."""
        if not self.email and self.address is None:
            raise TransitionRefused(NOWHERE)

    @property
    def address_block(self) -> tuple[str, ...]:
        return tuple(self.address.lines(self.name)) if self.address else ()


def _case(session: Session, complaint_id: int) -> _Case:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    if complaint.anonymised_at is not None:
        raise TransitionRefused("De zaak is geanonimiseerd; er gaan geen berichten meer naar de klager.")
    person = session.exec(
        select(Person).join(Party, Party.person_id == Person.id)
        .where(Party.complaint_id == complaint_id, Party.role == PartyRole.COMPLAINANT).order_by(Party.id)
    ).first()
    if person is None:
        raise TransitionRefused("De zaak heeft geen klager om een bericht aan te sturen.")
    handler = session.get(Staff, complaint.handler_id) if complaint.handler_id else None
    address = stored_address(person.street, person.postcode, person.city, person.country)
    return _Case(complaint, person.name, person.email, handler.name if handler else None, address)


def _check_kind(spec: TemplateSpec, complaint: Complaint) -> None:
    kind = ComplaintKind(complaint.kind)
    if kind not in spec.kinds:
        raise TransitionRefused(f"Het bericht '{spec.label}' hoort bij een klacht, niet bij een {kind.value}.")


def _require_sending(context: Context, spec: TemplateSpec, complaint: Complaint | None = None) -> None:
    """Whoever sends messages may send any; the ontvangstbevestiging also whoever may
    only acknowledge (the web form's account, for what it registered). On a case
    (``complaint``): a behandelaar only on their own cases (``permissions.ASSIGNED_ONLY``)."""
    if spec.key == ACKNOWLEDGEMENT:
        context.require(Permission.ACKNOWLEDGE)
        return
    context.require(Permission.SEND_MESSAGE)
    context.require(Permission.READ_PERSONAL_DATA)
    if complaint is not None:
        context.require_on_case(Permission.SEND_MESSAGE, complaint.handler_id)


def _spec(template: str) -> TemplateSpec:
    spec = TEMPLATES.get(template)
    if spec is None:
        known = ", ".join(TEMPLATES)
        raise ValidationError(f"Bericht '{template}' bestaat niet; kies uit {known}.", field="template")
    return spec


def _values(
    session: Session, context: Context, case: _Case, settings: MessageSettings, inputs: dict[str, str],
    extension: workflow.ExtensionPlan | None, is_reply: bool = True,
) -> dict[str, str]:
    complaint = case.complaint
    soort = KIND_WORDS[ComplaintKind(complaint.kind)]
    open_rows = session.exec(
        select(Deadline).where(
            Deadline.complaint_id == complaint.id, Deadline.met_at.is_(None),  # type: ignore[union-attr]
            Deadline.cancelled_at.is_(None),  # type: ignore[union-attr]
        ).order_by(Deadline.due, Deadline.id)
    ).all()
    # a message is the reply, so the reply deadline is not something still to expect — unless
    # it is an automatic acknowledgement that the organisation does not count as its reply
    ahead = [row for row in open_rows if not is_reply or DeadlineKind(row.kind) is not DeadlineKind.REPLY]
    if extension is not None:
        ahead = [row for row in ahead if row.id != extension.deadline_id]
    promised = [Promise(DeadlineKind(r.kind), r.due, r.label) for r in ahead]
    if extension is not None:
        promised.append(Promise(DeadlineKind.DECISION, extension.new_due))
    def expect(promises: list[Promise]) -> str:
        lines = [promise_sentence(p, soort) for p in in_order(promises)]
        return "\n".join(f"- {line}" for line in lines) or "- Wij houden u op de hoogte van elke volgende stap."

    expectation = expect(promised)
    # the next step, and the deadline promise it is (a planned session is none): the voortgang
    # names it once as the next step and the rest under "verder" ($verder), not twice
    steps: list[tuple[date, str, Promise | None]] = [
        (r.due, promise_words(DeadlineKind(r.kind), r.label, soort), Promise(DeadlineKind(r.kind), r.due, r.label))
        for r in ahead]
    planned = session.exec(
        select(MediationSession.starts_at).where(
            MediationSession.complaint_id == complaint.id, MediationSession.status == SessionStatus.PLANNED,
            MediationSession.starts_at >= context.now(),  # type: ignore[operator]
        ).order_by(MediationSession.starts_at)  # type: ignore[arg-type]
    ).first()
    if planned is not None:
        steps.append((local(planned).date(), f"het bemiddelingsgesprek, om {local(planned):%H:%M} uur", None))
    steps.sort(key=lambda step: step[0])
    further = expect([p for p in promised if not steps or p != steps[0][2]])
    decision_rule = context.settings.rule(DeadlineKind.DECISION)
    decision_row = next((r for r in open_rows if DeadlineKind(r.kind) is DeadlineKind.DECISION), None)
    weeks = decision_rule.amount if decision_rule else 6
    extended_weeks = (decision_rule.extension_to if decision_rule else None) or weeks
    service = complaint.service_type or "onze dienstverlening"
    values = {
        "naam": case.name or "heer/mevrouw",
        "klachtnummer": complaint.number,
        "soort": soort,
        "ontvangen": format_date(local(complaint.received_at).date()),
        "vandaag": format_date(context.today()),
        "dienst": service[:1].lower() + service[1:] if not service[:2].isupper() else service,
        "verwachting": expectation,
        "verder": further,
        "stand": describe_stand(Status(complaint.status), soort, case.handler, complaint.queue, settings.dispute_name),
        "volgende_stap": _capital(steps[0][1]) if steps else fill_in("volgende stap"),
        "volgende_datum": format_date(steps[0][0]) if steps else fill_in("datum"),
        "behandelaar": case.handler or context.user.name,
        "medewerker": context.user.name,
        "organisatie": settings.organisation,
        "organisatie_email": settings.organisation_email,
        "afzender": settings.signature,
        "geschillencommissie": settings.dispute_name,
        "geschillencommissie_adres": settings.dispute_address,
        "geschillencommissie_website": settings.dispute_website,
        "beslis_termijn": f"{weeks} weken",
        "beslis_datum": format_date(extension.current_due if extension else decision_row.due) if (
            extension or decision_row) else fill_in("beslisdatum"),
        "verlengd_termijn": f"{extended_weeks} weken",
        "verlengd_tot": format_date(extension.new_due) if extension else fill_in("nieuwe datum"),
    }
    for key, what in INPUTS.items():
        given = (inputs.get(key) or "").strip()
        values[key] = given or fill_in(what)
    return values


def templates_for(context: Context, complaint_id: int) -> list[TemplateChoice]:
    """Every template, and whether it can be sent on this case now (and why not)."""
    context.require(Permission.SEND_MESSAGE)
    choices = []
    with context.db.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        nowhere: str | None = None  # no e-mail and no postal address: no message at all
        if context.user.may(Permission.READ_PERSONAL_DATA):
            try:
                _case(session, complaint_id).check_reachable()
            except KlachtdeskError as error:
                nowhere = error.message
        for spec in TEMPLATES.values():
            why: str | None = nowhere
            try:
                _check_kind(spec, complaint)
                if spec.extends:
                    workflow.extension_plan(session, context, complaint_id)
            except KlachtdeskError as error:
                why = why or error.message
            choices.append(TemplateChoice(spec.key, spec.label, why is None, why))
    return choices


@limits.checked(complaint_id="id")
def prepare(
    context: Context, complaint_id: int, template: str, *, settings: MessageSettings | None = None,
    is_reply: bool = True, **inputs: str
) -> MessageDraft:
    """Render ``template`` for the case: a draft to edit before ``send``.

    ``inputs`` fill ``oordeel``, ``maatregelen``, ``termijn`` (decision) and ``reden``
    (extension); what is not given is marked ``[… INVULLEN]`` and must be filled in
    before the message can be sent.
    """
    spec = _spec(template)
    _require_sending(context, spec)
    settings = settings or context.settings.messages
    unknown = set(inputs) - set(INPUTS)
    if unknown:
        raise ValidationError(f"Onbekende invoer voor het bericht: {', '.join(sorted(unknown))}.")
    inputs = {key: limits.clean_text(value, "body", form_field=key) for key, value in inputs.items()}
    loaded = context.settings.template(spec.key)
    with context.db.read() as session:
        case = _case(session, complaint_id)
        _require_sending(context, spec, case.complaint)
        _check_kind(spec, case.complaint)
        case.check_reachable()
        plan = workflow.extension_plan(session, context, complaint_id) if spec.extends else None
        values = _values(session, context, case, settings, inputs, plan, is_reply)
    return MessageDraft(
        complaint_id=complaint_id,
        number=case.complaint.number,
        template=spec.key,
        label=spec.label,
        recipient=case.email,
        recipient_name=case.name,
        subject=loaded.subject.substitute(values),
        body=loaded.body.substitute(values),
        transport=("smtp" if settings.smtp.configured else "eml") if case.email else POST,
        address=case.address_block if not case.email else (),
    )


def prepare_acknowledgement(context: Context, complaint_id: int, *, is_reply: bool = True) -> MessageDraft:
    """The ontvangstbevestiging for a case just registered (the intake offers it).
    ``is_reply`` False: it will not count as the reply (``send(meets_deadlines=False)``),
    so it tells when the reply will come."""
    return prepare(context, complaint_id, ACKNOWLEDGEMENT, is_reply=is_reply)


# ---------------------------------------------------------------------------------------
# sending
# ---------------------------------------------------------------------------------------


def check_body(template: str, subject: str, body: str) -> None:
    """Refuse a message that is empty, still has spots to fill in, or — a decision —
    lacks the judgement, the measures or their term (Wkkgz)."""
    spec = _spec(template)
    if not subject.strip():
        raise ValidationError("Het onderwerp is leeg.", field="subject")
    limits.clean_text(subject, "subject")
    limits.clean_text(body, "body")
    if not body.strip():
        raise ValidationError("Het bericht is leeg.", field="body")
    missing = FILL_IN.findall(body) + FILL_IN.findall(subject)
    if missing:
        raise ValidationError(f"Vul eerst in: {', '.join(dict.fromkeys(missing))}.", field="body")
    if spec.key == "beslissing":
        lines = body.replace("\r\n", "\n").split("\n")
        for what, heading in DECISION_SECTIONS:
            content = _section(lines, heading)
            if content is None:
                raise ValidationError(
                    f"De beslissing mist {what} (onder het kopje '{heading}'); de Wkkgz vraagt het oordeel, "
                    "de maatregelen en de termijn waarbinnen ze worden uitgevoerd.", field="body",
                )
            if not content:
                raise ValidationError(f"De beslissing noemt {what} niet: vul het in onder '{heading}'.", field="body")


def _section(lines: list[str], heading: str) -> str | None:
    """The text under ``heading`` (on its line after the colon, and the lines below it
    up to the next blank line); None when the heading is not there."""
    key = heading.lower().rstrip(":").strip()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.lower().startswith(key):
            continue
        rest = stripped[len(key):]
        if rest and not rest.startswith(":"):
            continue  # a sentence that merely starts with the same words
        content = [rest[1:].strip()] if rest[1:].strip() else []
        for following in lines[index + 1:]:
            if not following.strip():
                break
            content.append(following.strip())
        return " ".join(content)
    return None


#: the line above every message: a reply's new text ends there (the intake cuts it)
REPLY_ABOVE_MARKER = "## Schrijf uw antwoord boven deze regel ##"


def desk_message_id(settings: MessageSettings, number: str, message_row_id: int | None) -> str:
    """``KL-2026-000123.m17.<random>@<desk domain>``: the case and the message are in the
    id itself, so a reply or a bounce finds them even when a mail program drops the subject."""
    domain = settings.from_address.rpartition("@")[2] or "klachtdesk.invalid"
    token = make_msgid().strip("<>").split("@", 1)[0].split(".")[-1][-10:]
    return f"{number}.m{message_row_id or 0}.{token}@{domain}"


def subject_with_number(subject: str, number: str) -> str:
    """The subject with ``[KL-…]`` in it, so a reply threads onto its case."""
    tagged = f"[{number}]"
    if tagged in subject:
        return subject
    if f"({number})" in subject:
        return subject.replace(f"({number})", tagged)
    if number in subject:
        return subject.replace(number, tagged)
    return f"{subject} {tagged}"


def build_email(
    settings: MessageSettings, number: str, subject: str, body: str, recipient: str | None, recipient_name: str,
    sent_at: datetime, *, message_id: str | None = None, automatic: bool = False,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((settings.signature, settings.from_address))
    if recipient:
        message["To"] = formataddr((recipient_name, recipient))
    message["Reply-To"] = settings.organisation_email
    message["Subject"] = subject_with_number(subject, number)
    message["Date"] = email_date(local(sent_at))
    message["Message-ID"] = f"<{message_id or desk_message_id(settings, number, None)}>"
    message["X-Klachtnummer"] = number
    if automatic:  # RFC 3834: an automatic answer, never to be answered automatically
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(f"{REPLY_ABOVE_MARKER}\n\n{body}")
    return message


def _deliver_smtp(smtp: SmtpSettings, message: EmailMessage) -> None:
    password = os.environ.get(PASSWORD_ENV, "")
    if smtp.username and not password:
        raise MessageNotSent(
            f"De mailserver vraagt een wachtwoord voor '{smtp.username}'; zet het in {PASSWORD_ENV}. "
            "Het bericht is bewaard maar niet verstuurd."
        )
    where = f"{smtp.host}:{smtp.port}"
    try:
        client: smtplib.SMTP
        if smtp.port == 465:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.starttls and smtp.port != 465:
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MessageNotSent(f"De mailserver {where} weigerde de inlog van '{smtp.username}'. "
                             "Het bericht is bewaard maar niet verstuurd.") from None
    except smtplib.SMTPRecipientsRefused:
        raise MessageNotSent(f"De mailserver {where} weigerde het adres van de klager. "
                             "Het bericht is bewaard maar niet verstuurd.") from None
    except (smtplib.SMTPException, OSError) as error:
        raise MessageNotSent(f"Versturen via {where} mislukte ({error}). "
                             "Het bericht is bewaard maar niet verstuurd; probeer het later opnieuw.") from None


def _write_eml(message: EmailMessage, number: str, message_id: int | str, template: str, sent_at: datetime) -> Path:
    folder = outbox_dir()
    path = folder / f"{number}_{local(sent_at):%Y%m%d-%H%M%S}_{message_id}_{template}.eml"
    try:
        write_private(path, message.as_bytes())
    except OSError as error:
        raise MessageNotSent(f"Het bericht kon niet in de outbox ({folder}) worden gezet: {error.strerror}. "
                             "Het is bewaard maar niet verstuurd.") from None
    return path


def send_notice(
    settings: MessageSettings, number: str, recipient: str, recipient_name: str, subject: str, body: str,
    sent_at: datetime,
) -> str:
    """Send a notice about a case that is no message of the case: it is not stored and
    meets no deadline (a status link, whose token must not be kept). By SMTP when a
    server is set, else as ``.eml`` in the outbox; returns which ("smtp" or "eml")."""
    email = build_email(settings, number, subject, body, recipient, recipient_name, sent_at)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    if settings.smtp.configured:
        _deliver_smtp(settings.smtp, email)
        return "smtp"
    _write_eml(email, number, secrets.token_hex(4), "bericht", sent_at)
    return "eml"


def sent_line(label: str, transport: str, has_email: bool = True, *, printed: bool = True) -> str:
    """The history line of a sent message (the demo data words its history with it too);
    ``printed`` False: a letter the desk still has to print."""
    if transport == POST:
        return printed_line(label) if printed else to_print_line(label)
    how = "per e-mail" if transport == "smtp" else "als .eml in de outbox"
    return f"Bericht verstuurd: {label} ({how})"


def printed_line(label: str) -> str:
    """The history line of a letter printed for the post (not yet sent)."""
    return f"Brief klaar om te versturen: {label} (afgedrukt, per post)"


def to_print_line(label: str) -> str:
    """The history line of a letter made without a person (an intake), for the desk to print."""
    return f"Brief klaar om af te drukken en te versturen: {label} (per post)"


def posted_line(label: str) -> str:
    """The history line of a letter marked posted (``posting.mark_posted``)."""
    return f"Brief verstuurd: {label} (per post)"


def extend_by(session: Session, context: Context, spec: TemplateSpec, complaint_id: int, body: str,
              data: dict[str, Any]) -> date | None:
    """The extension a message announces takes effect once it has gone out (e-mailed, or a
    letter posted); the new decision date, or None (why not: in ``data["verlenging"]``)."""
    if not spec.extends:
        return None
    try:
        return workflow.extend_decision(session, context, complaint_id, body).new_due
    except TransitionRefused as error:  # changed while the message was on its way
        data["verlenging"] = error.message
        return None


def meet_by(session: Session, context: Context, spec: TemplateSpec, complaint_id: int, event: Event,
            meets_deadlines: bool = True) -> list[Deadline]:
    """The deadlines a message meets once it has gone out, met by its history line."""
    met: list[Deadline] = []
    for met_by in spec.meets if meets_deadlines else ():
        met += deadlines.meet(session, context, complaint_id, met_by, event)
    return met


def _letter(settings: MessageSettings, case: _Case, subject: str, body: str, day: date) -> letters.Letter:
    sender = (settings.organisation, *settings.address, settings.organisation_email)
    return letters.Letter(sender=tuple(line for line in sender if line), recipient=case.address_block,
                          date=format_date(day), number=case.complaint.number, subject=subject, body=body)


def letter_of(settings: MessageSettings, case: _Case, row: Message) -> letters.Letter:
    """What goes on the paper of a stored letter (``row``): its subject and text, to the
    klager's address as the case has it now, dated the day it was made. One way for the
    first print (``send``) and every later one (``posting.print_letter``)."""
    return _letter(settings, case, row.subject, row.body, local(row.created_at).date())


def letter_stem(number: str, row: Message) -> str:
    """The name of a letter's file (without its ``.pdf``/``.txt``): the klachtnummer first (the
    erasure finds it), the moment it was made, the brief number and the template — the same
    for every print of it, so printing again replaces the file."""
    return f"{number}_{local(row.created_at):%Y%m%d-%H%M%S}_{row.id}_{row.template}"


def _write_letter(letter: letters.Letter, stem: str) -> Path:
    try:
        return letters.write_letter(letter, stem)
    except OSError as error:
        raise MessageNotSent(f"De brief kon niet in de outbox ({outbox_dir()}) worden gezet: {error.strerror}. "
                             "Het bericht is bewaard maar niet verstuurd.") from None


@limits.checked(complaint_id="id", subject="subject", body="body")
def send(
    context: Context, complaint_id: int, template: str, subject: str, body: str, *,
    settings: MessageSettings | None = None, automatic: bool = False, meets_deadlines: bool = True,
) -> SentMessage:
    """Send an (edited) message to the klager and record it; returns what happened.

    A klager without e-mail gets a printed letter: recorded "klaar om te versturen", it
    meets no deadline and extends nothing until it is marked posted (``posting``).
    ``automatic``: sent by an intake without a person (``Auto-Submitted: auto-replied``); a
    letter is then not printed where that intake runs (the web form's server): the desk
    prints it from the database (``posting.print_letter``). ``meets_deadlines`` False: it meets no
    deadline (an automatic acknowledgement that the organisation does not count as its
    reply) — kept with the message, so a letter marked posted later meets none either."""
    spec = _spec(template)
    _require_sending(context, spec)
    check_body(spec.key, subject, body)
    subject, body = subject.strip(), body.strip() + "\n"
    settings = settings or context.settings.messages
    # 1. store it (unsent): a failing mail server loses nothing
    with context.db.write() as session:
        case = _case(session, complaint_id)
        _require_sending(context, spec, case.complaint)
        _check_kind(spec, case.complaint)
        case.check_reachable()
        if spec.extends:
            context.require_on_case(Permission.EXTEND_DEADLINE, case.complaint.handler_id)
            workflow.extension_plan(session, context, complaint_id)
        row = Message(
            complaint_id=complaint_id, template=spec.key, recipient=case.email, subject=subject, body=body,
            created_at=context.now(), created_by_id=context.actor_id(), meets_deadlines=meets_deadlines,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        message_id, number = row.id, case.complaint.number
        rfc_id = desk_message_id(settings, number, message_id)
        row.message_id = rfc_id
        session.add(row)
        # what the letter is printed from, outside the session
        stored = Message(id=message_id, complaint_id=complaint_id, template=spec.key, subject=subject, body=body,
                         created_at=row.created_at)
    # 2. deliver it (or print it: at the desk, not where an intake without a person runs)
    sent_at = context.now()
    outbox_path: Path | None = None
    if not case.email:
        if not automatic:
            outbox_path = _write_letter(letter_of(settings, case, stored), letter_stem(number, stored))
        transport = POST
    else:
        email = build_email(settings, number, subject, body, case.email, case.name, sent_at, message_id=rfc_id,
                            automatic=automatic)
        if settings.smtp.configured:
            _deliver_smtp(settings.smtp, email)
            transport = "smtp"
        else:
            outbox_path = _write_eml(email, number, message_id, spec.key, sent_at)
            transport = "eml"
    posted = transport == POST
    # 3. mark it sent (a letter: printed): the event, the deadlines it meets, the extension
    with context.db.write() as session:
        row = session.get(Message, message_id)
        assert row is not None
        row.sent_at = None if posted else sent_at
        row.transport = transport
        row.outbox_path = str(outbox_path) if outbox_path else None
        session.add(row)
        data: dict[str, Any] = {"bericht_id": message_id, "sjabloon": spec.key, "onderwerp": subject,
                                "aan": case.email, "transport": transport, "message_id": rfc_id,
                                "automatisch": automatic,
                                "bestand": str(outbox_path) if outbox_path else None}
        if posted:
            data["adres"] = list(case.address_block)
        extended_to = None if posted else extend_by(session, context, spec, complaint_id, body, data)
        event = events.record(
            session, context, complaint_id, EventType.MESSAGE,
            sent_line(spec.label, transport, printed=outbox_path is not None),
            body=f"Aan: {case.email or ', '.join(case.address_block)}\nOnderwerp: {subject}\n\n{body}", data=data,
            at=sent_at,
        )
        met = [] if posted else meet_by(session, context, spec, complaint_id, event, row.meets_deadlines)
        return SentMessage(
            id=message_id, complaint_id=complaint_id, template=spec.key, subject=subject, recipient=case.email,
            transport=transport, sent_at=None if posted else sent_at,
            outbox_path=str(outbox_path) if outbox_path else None,
            met=tuple(r.label or str(r.kind) for r in met), extended_to=extended_to,
        )
