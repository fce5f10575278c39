"""The mail intake: one incoming mail in, one decision out, in one transaction.

Every source (IMAP, a Maildir, ``.eml`` files, standard input) hands its mails to
``receive``. A new mail becomes a case through the same registration as the phone
intake (validation, numbering, deadline start); the receipt moment is the desk's
arrival moment (the server's, never the sender's ``Date:``). The mail row (unique by
Message-ID), the case or the timeline entry and the attachments are written in one
transaction, so a mail delivered or fetched twice — also after a crash half-way a
batch — never makes a second case, and a crash never loses one that was not stored:
the source only archives or acknowledges a mail after ``receive`` returned.

Decisions (see ``parsing`` for how a mail is classified):
- a delivery failure about one of the desk's messages: on that case, the message
  marked *not delivered*; without a case it is kept as automatic mail;
- another automatic mail (out-of-office, auto-generated, list): quietly on the case
  it answers, else kept for the beheerder — it never becomes a case;
- a reply (In-Reply-To/References naming a desk message or the klager's own earlier
  mail, or the klachtnummer in the subject) from the klager's own address: on the
  case's timeline, quoted text folded away; from another address: a new case to
  review, with a note of the case it names (a complaint file is private);
- anything else: a new case, "te beoordelen" until a person checked it.
A mail that cannot be read or stored is kept whole in the quarantine with the reason.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.db import DRIVER_ERRORS
from klachtdesk.errors import KlachtdeskError, NotFound, PermissionDenied, ValidationError
from klachtdesk.models import (
    Attachment,
    Channel,
    Complaint,
    ComplaintKind,
    EventType,
    MailMessage,
    MailOutcome,
    Message,
    Party,
    PartyRole,
    Person,
)
from klachtdesk.paths import home_dir, private_dir, write_private
from klachtdesk.services.cases import complaints
from klachtdesk.services.core import events
from klachtdesk.services.correspondence import messages
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.mail import derive as deriving
from klachtdesk.services.mail import parsing
from klachtdesk.services.people import known_caller
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.privacy.register import known_ids

log = logging.getLogger(__name__)

#: a desk Message-ID: ``KL-2026-000123.m17.<token>@domain``
DESK_ID = re.compile(r"^(KL-\d{4}-\d{6})\.m(\d+)\.", re.IGNORECASE)
#: the fields the registration form marks as derived from the mail
DERIVED_FIELDS = ("name", "email", "phone", "service_type", "invoice_number", "incident_date", "involved")


class TemporaryFailure(KlachtdeskError):
    """The mail could not be stored now (database unreachable, locked): try again later.
    Nothing was stored; the source keeps the mail (exit 75 for a mail server)."""


@dataclass(frozen=True)
class IncomingMail:
    raw: bytes
    source: str  # where it came from, for the beheerder: "imap:INBOX uid 12", "maildir:…", "stdin"
    arrived_at: datetime | None = None  # the server's arrival moment (IMAP INTERNALDATE, Maildir delivery)


@dataclass(frozen=True)
class IntakeResult:
    outcome: MailOutcome
    message_id: str
    mail_id: int | None
    complaint_id: int | None = None
    number: str | None = None
    duplicate: bool = False
    review: bool = False
    note: str = ""
    acknowledged: bool = False

    @property
    def stored(self) -> bool:
        """The mail is in the database (or deliberately set aside): the source may archive it."""
        return True


@dataclass
class _Decision:
    outcome: MailOutcome
    complaint_id: int | None = None
    note: str = ""
    review: bool = False
    keep_raw: bool = False
    registered: complaints.Registered | None = None
    details: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# the arrival moment
# ---------------------------------------------------------------------------------------

def arrival_moment(raw: bytes, given: datetime | None, now: datetime) -> datetime:
    """The desk's receipt moment: the source's (IMAP INTERNALDATE, Maildir delivery), else
    the date in the topmost ``Received:`` header (added by the desk's own mail server),
    else now. Never in the future."""
    moment = given
    if moment is None:
        head = raw[:65536].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("latin-1")
        unfolded = re.sub(r"\n[ \t]+", " ", head)
        for line in unfolded.split("\n"):
            if line.lower().startswith("received:") and ";" in line:
                try:
                    moment = parsedate_to_datetime(line.rsplit(";", 1)[1].strip())
                except (TypeError, ValueError, IndexError):
                    moment = None
                break
    if moment is None:
        return now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return min(moment, now)


# ---------------------------------------------------------------------------------------
# finding the case a mail belongs to
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Thread:
    complaint_id: int
    number: str
    how: str
    message_row_id: int | None = None


def _case_by_number(session: Session, number: str) -> tuple[int, str] | None:
    year, seq = int(number[3:7]), int(number[8:])
    row = session.exec(select(Complaint.id, Complaint.number).where(Complaint.year == year,
                                                                     Complaint.seq == seq)).first()
    return (int(row[0]), row[1]) if row else None


def find_thread(session: Session, mail: parsing.ParsedMail, desk_domains: frozenset[str],
                ids: tuple[str, ...] | None = None) -> _Thread | None:
    """The case a mail answers: a desk message or an earlier incoming mail it names in
    In-Reply-To/References (nearest first), else a klachtnummer in its subject."""
    for mid in mail.thread_ids if ids is None else ids:
        sent = session.exec(select(Message.id, Message.complaint_id).where(Message.message_id == mid)).first()
        if sent is not None:
            found = session.get(Complaint, sent[1])
            if found is not None:
                return _Thread(int(sent[1]), found.number, "bericht van de desk", int(sent[0]))
        earlier = session.exec(select(MailMessage.complaint_id).where(
            MailMessage.message_id == mid, MailMessage.complaint_id.is_not(None))).first()  # type: ignore[union-attr]
        if earlier is not None:
            found = session.get(Complaint, earlier)
            if found is not None:
                return _Thread(int(earlier), found.number, "eerdere mail van de zaak")
        match = DESK_ID.match(mid)
        if match and mid.rpartition("@")[2].lower() in desk_domains:
            case = _case_by_number(session, match.group(1).upper())
            if case is not None:
                row = session.exec(select(Message.id).where(Message.id == int(match.group(2)),
                                                            Message.complaint_id == case[0])).first()
                return _Thread(case[0], case[1], "bericht van de desk", int(row) if row else None)
    if ids is None:
        for number in mail.subject_numbers:
            case = _case_by_number(session, number)
            if case is not None:
                return _Thread(case[0], case[1], "klachtnummer in het onderwerp")
    return None


def _complainant(session: Session, complaint_id: int) -> Person | None:
    return session.exec(
        select(Person).join(Party, Party.person_id == Person.id)
        .where(Party.complaint_id == complaint_id, Party.role == PartyRole.COMPLAINANT).order_by(Party.id)
    ).first()


def _same_sender(person: Person | None, mail: parsing.ParsedMail) -> bool:
    if person is None or not person.email:
        return False
    own = person.email.lower()
    return own in {mail.from_address.lower(), (mail.reply_to or "").lower()} - {""}


# ---------------------------------------------------------------------------------------
# registration of a new mail
# ---------------------------------------------------------------------------------------

def _known_person(session: Session, address: str) -> Person | None:
    """The newest person (not anonymised) with this e-mail address."""
    if not address:
        return None
    return session.exec(select(Person).where(Person.email == address, Person.anonymised_at.is_(None))  # type: ignore[union-attr]
                        .order_by(Person.id.desc()).limit(1)).first()  # type: ignore[union-attr]


#: what the reviewer is told when the mail names its known sender otherwise (no personal data:
#: the values are in the history line's body and in the mail)
OTHER_DETAILS = "De afzender is een bekende klager; de mail noemt andere gegevens (niet overgenomen)"


def _link_known_person(session: Session, complainant: PersonInput) -> tuple[list[known_caller.Change], Person | None]:
    """Link the klager to the known person with the sender's address, if there is one, and
    give none of the mail's details: a mail's From can be forged, so a mail never changes a
    known person's name, phone, e-mail or address (``people.known_caller``). Returns what
    the mail says that differs from what is stored, for the reviewer, and the known person's
    row (the caller keeps it while it registers: the session then has it at hand, its
    identity map holds rows only while they are referenced)."""
    known = _known_person(session, complainant.email)
    if known is None:
        return [], None
    differing = known_caller.given_details(known, complainant)
    complainant.person_id = known.id
    for name in known_caller.DETAILS:
        setattr(complainant, name, "")
    return differing, known


def other_details_line(differing: list[known_caller.Change]) -> tuple[str, str]:
    """The history line (summary, body) of a mail whose known sender it names otherwise."""
    return (f"{OTHER_DETAILS}: {', '.join(change.label for change in differing)}",
            "\n".join(f"{change.text()} (volgens de mail; niet overgenomen)" for change in differing))


def _name(mail: parsing.ParsedMail, found: deriving.Derived) -> str:
    name = found.name
    if "," in name and name.count(",") == 1 and "name" not in (found.found - {"name"}):
        last, first = (part.strip() for part in name.split(","))
        if first and last and " " not in last.strip():  # Outlook's "Jansen, Marieke"
            name = f"{first} {last}"
    return name or mail.from_address or "onbekende afzender"


def registration_from_mail(context: Context, mail: parsing.ParsedMail, kind: ComplaintKind, arrived: datetime,
                           settings: MailSettings) -> tuple[RegistrationInput, set[str], list[str]]:
    """The registration input a mail gives, which fields were derived from it, and what
    a person still has to fill in or correct. Same validation as the phone intake:
    a value that does not pass is left out (and named), never registered wrongly."""
    found = deriving.derive(mail.text, mail.from_name, mail.answer_address, local(arrived).date(),
                            context.settings.lists.service_types, settings.desk_addresses,
                            complaint=kind is ComplaintKind.COMPLAINT)
    description = mail.text.strip()
    if mail.subject and mail.subject.lower() not in description[:200].lower():
        description = f"{mail.subject}\n\n{description}"
    data = RegistrationInput(
        kind=kind, channel=Channel.EMAIL, received_at=arrived,
        complainant=PersonInput(name=_name(mail, found), phone=found.phone, email=found.email),
        service_type=found.service_type, description=description[:20000],
        incident_date=found.incident_date, invoice_number=found.invoice_number,
        involved=[PersonInput(name=name, role=PartyRole.INVOLVED) for name in found.involved],
    )
    derived = set(found.found)
    cleaned, errors = complaints.validate_registration(context, data)
    for _ in range(4):  # leave out what does not pass, then check again
        invalid = {complaints.field_base(e.field) for e in errors
                   if complaints.field_base(e.field) in ("phone", "email", "incident_date", "involved", "service_type")
                   and _given(data, complaints.field_base(e.field))}
        if not invalid:
            break
        data = replace(
            data,
            complainant=replace(data.complainant, phone="" if "phone" in invalid else data.complainant.phone,
                                email="" if "email" in invalid else data.complainant.email),
            incident_date=None if "incident_date" in invalid else data.incident_date,
            involved=[] if "involved" in invalid else data.involved,
            service_type="" if "service_type" in invalid else data.service_type,
        )
        derived -= invalid
        cleaned, errors = complaints.validate_registration(context, data)
    todo = [e.message for e in errors]
    return cleaned, derived, todo


def _given(data: RegistrationInput, name: str) -> bool:
    return bool({"phone": data.complainant.phone, "email": data.complainant.email,
                 "incident_date": data.incident_date, "involved": data.involved,
                 "service_type": data.service_type}.get(name))


# ---------------------------------------------------------------------------------------
# receive
# ---------------------------------------------------------------------------------------

def _seen(session: Session, mail: parsing.ParsedMail, arrived: datetime) -> tuple[int | None, int]:
    """What the desk has of this mail already, in one look-up: the stored mail with its
    Message-ID or that id's erased form (None: a new mail), and how many mails of its sender
    made a case or a reply on the day it arrived (the flood cap)."""
    start = datetime.combine(local(arrived).date(), datetime.min.time(), tzinfo=AMSTERDAM)
    stored = select(MailMessage.id).where(
        MailMessage.message_id.in_(known_ids(session, mail.message_id))).limit(1)  # type: ignore[attr-defined]
    sent_today = select(func.count()).select_from(MailMessage).where(
        MailMessage.sender == mail.from_address, MailMessage.received_at >= start,  # type: ignore[operator]
        MailMessage.received_at < start + timedelta(days=1),  # type: ignore[operator]
        MailMessage.outcome.in_((MailOutcome.NEW_CASE, MailOutcome.REPLY)),  # type: ignore[attr-defined]
    )
    found, count = session.exec(select(stored.scalar_subquery(), sent_today.scalar_subquery())).one()
    return (int(found) if found is not None else None), int(count or 0)


def _desk_domains(settings: MailSettings, sender: str) -> frozenset[str]:
    """The domains of the desk's own Message-IDs: its mailboxes' and its sender's."""
    domains = {address.rpartition("@")[2] for address in settings.desk_addresses}
    domains.add(sender.rpartition("@")[2].lower())
    return frozenset(d for d in domains if d)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, count // 1024)} kB" if count >= 1024 else f"{count} bytes"


def _store_attachments(session: Session, context: Context, complaint_id: int, mail_id: int,
                       mail: parsing.ParsedMail, settings: MailSettings) -> tuple[list[str], list[str]]:
    stored, refused = [], []
    for item in mail.attachments:
        if item.size > settings.max_attachment_bytes:
            refused.append(f"{item.filename} ({_size(item.size)}, groter dan {_size(settings.max_attachment_bytes)})")
            continue
        session.add(Attachment(
            complaint_id=complaint_id, mail_message_id=mail_id, filename=item.filename[:255],
            content_type=item.content_type[:127], size=item.size,
            sha256=hashlib.sha256(item.data).hexdigest(), content=item.data, created_at=context.now(),
        ))
        stored.append(item.filename)
    return stored, refused


def _decide(session: Session, context: Context, mail: parsing.ParsedMail, arrived: datetime,
            settings: MailSettings, domains: frozenset[str], sent_today: int) -> _Decision:
    # 1. a delivery report about one of the desk's messages
    if mail.bounce is not None:
        bounce = mail.bounce
        ids = (bounce.bounced_message_id,) if bounce.bounced_message_id else ()
        thread = find_thread(session, mail, domains, ids=ids + mail.thread_ids)
        if thread is None:
            return _Decision(MailOutcome.AUTOMATIC, note="afleveringsrapport zonder bekende zaak", keep_raw=True)
        what = "niet afgeleverd" if bounce.failed else "vertraagd (wordt opnieuw geprobeerd)"
        detail = ", ".join(x for x in (bounce.recipient, bounce.status, bounce.diagnostic) if x)
        if bounce.failed and thread.message_row_id is not None:
            row = session.get(Message, thread.message_row_id)
            if row is not None and row.undelivered_at is None:
                row.undelivered_at = arrived
                row.delivery_problem = detail or "afleveringsfout"
                session.add(row)
        return _Decision(MailOutcome.BOUNCE, thread.complaint_id, note=f"Bericht {what}: {detail}".rstrip(": "),
                         details={"afgeleverd": not bounce.failed, "bericht_id": thread.message_row_id,
                                  "status": bounce.status, "ontvanger": bounce.recipient})
    # 2. other automatic mail: quietly on its case, else kept
    if mail.automatic is not None:
        thread = find_thread(session, mail, domains)
        if thread is not None and (mail.out_of_office or _same_sender(_complainant(session, thread.complaint_id),
                                                                       mail)):
            outcome = MailOutcome.OUT_OF_OFFICE if mail.out_of_office else MailOutcome.AUTOMATIC
            return _Decision(outcome, thread.complaint_id, note=mail.automatic)
        return _Decision(MailOutcome.AUTOMATIC, note=mail.automatic, keep_raw=True)
    # 3. a flood from one sender
    if sent_today >= settings.per_sender_per_day:
        return _Decision(MailOutcome.CAPPED, keep_raw=True,
                         note=f"meer dan {settings.per_sender_per_day} mails van {mail.from_address} op één dag")
    # 4. a reply to a case
    thread = find_thread(session, mail, domains)
    if thread is not None:
        if _same_sender(_complainant(session, thread.complaint_id), mail):
            return _Decision(MailOutcome.REPLY, thread.complaint_id, note=thread.how)
        note = (f"Noemt {thread.number} ({thread.how}), maar komt van {mail.from_address}, niet van de klager "
                "van die zaak; daarom niet aan die zaak toegevoegd.")
        return _Decision(MailOutcome.NEW_CASE, note=note, review=True, details={"noemt": thread.number})
    return _Decision(MailOutcome.NEW_CASE)


def receive(context: Context, incoming: IncomingMail, settings: MailSettings | None = None) -> IntakeResult:
    """Take one mail in. Returns what was done; ``TemporaryFailure`` when nothing could be
    stored now (the source must keep the mail and try again)."""
    context.require(Permission.REGISTER)
    settings = settings or context.settings.mail
    now = context.now()
    arrived = arrival_moment(incoming.raw, incoming.arrived_at, now)
    try:
        mail = parsing.parse(incoming.raw)
    except parsing.MailParseError as error:
        return _quarantine(context, incoming, arrived, error.message)
    try:
        result = _receive_parsed(context, incoming, mail, arrived, settings)
    except DRIVER_ERRORS as error:
        if _temporary(error):
            raise TemporaryFailure(f"De database is nu niet bereikbaar ({type(error).__name__}); "
                                   "de mail blijft staan en wordt later opnieuw gelezen.") from None
        log.exception("mail %s could not be stored", mail.message_id)
        return _quarantine(context, incoming, arrived, f"Opslaan mislukte: {type(error).__name__}: {error}"[:2000],
                           mail)
    except (ValidationError, NotFound) as error:
        return _quarantine(context, incoming, arrived, f"Registreren mislukte: {error.message}", mail)
    if result.outcome is MailOutcome.NEW_CASE and result.complaint_id and not result.duplicate:
        result = _acknowledge(context, mail, result, settings)
    return result


def _temporary(error: BaseException) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("locked", "could not connect", "connection", "timeout", "server closed",
                                         "terminating", "too many clients", "read-only", "disk"))


def _receive_parsed(context: Context, incoming: IncomingMail, mail: parsing.ParsedMail, arrived: datetime,
                    settings: MailSettings) -> IntakeResult:
    domains = _desk_domains(settings, context.settings.messages.from_address)
    try:
        with context.db.write() as session:
            existing, sent_today = _seen(session, mail, arrived)
            if existing is not None:
                return _duplicate(session, session.get_one(MailMessage, existing))
            decision = _decide(session, context, mail, arrived, settings, domains, sent_today)
            row = MailMessage(
                message_id=mail.message_id, received_at=arrived, source=incoming.source[:500],
                sender=mail.from_address, sender_name=mail.from_name, recipients=", ".join(mail.recipients),
                subject=mail.subject, outcome=decision.outcome, reason=decision.note or None, text=mail.text,
                raw=incoming.raw if decision.keep_raw else None, created_at=context.now(),
            )
            session.add(row)
            session.flush()  # the unique Message-ID: a concurrent fetcher of the same mail fails here
            assert row.id is not None
            number = None
            if decision.outcome is MailOutcome.NEW_CASE:
                kind = settings.kind_for(mail.recipients)
                cleaned, derived, todo = registration_from_mail(context, mail, kind, arrived, settings)
                if not cleaned.complainant.email and not cleaned.complainant.phone:
                    cleaned.complainant.email = mail.from_address
                # ``_known`` is held while registering: the registration finds the row in the session
                differing, _known = _link_known_person(session, cleaned.complainant)
                if cleaned.complainant.person_id is not None:  # the stored details show, not the mail's
                    derived -= set(known_caller.DETAILS)
                if differing:
                    todo = [*todo, f"{OTHER_DETAILS}: zie de geschiedenis."]
                extra = {"mail_id": row.id, "afgeleid": sorted(derived), "nog_nakijken": todo,
                         "onderwerp": mail.subject, "van": mail.from_address}
                if decision.note:
                    extra["opmerking"] = decision.note
                registered = complaints.register_in(session, context, cleaned, review_pending=True, extra=extra)
                decision.complaint_id, number = registered.id, registered.number
                row.complaint_id = registered.id
                if decision.note:
                    events.record(session, context, registered.id, EventType.NOTE, decision.note)
                if differing:
                    summary, body = other_details_line(differing)
                    events.record(session, context, registered.id, EventType.NOTE, summary, body=body)
            elif decision.complaint_id is not None:
                row.complaint_id = decision.complaint_id
                number = session.get(Complaint, decision.complaint_id).number  # type: ignore[union-attr]
                _timeline(session, context, decision, mail, row.id, arrived)
            stored, refused = ([], [])
            if row.complaint_id is not None and decision.outcome in (MailOutcome.NEW_CASE, MailOutcome.REPLY):
                stored, refused = _store_attachments(session, context, row.complaint_id, row.id, mail, settings)
                if refused:
                    events.record(session, context, row.complaint_id, EventType.NOTE,
                                  "Bijlage niet bewaard (te groot): " + "; ".join(refused))
            session.add(row)
            return IntakeResult(decision.outcome, mail.message_id, row.id, row.complaint_id, number,
                                review=decision.outcome is MailOutcome.NEW_CASE, note=decision.note)
    except IntegrityError:
        with context.db.read() as session:
            existing = session.exec(select(MailMessage).where(
                MailMessage.message_id.in_(known_ids(session, mail.message_id)))).first()  # type: ignore[attr-defined]
            if existing is None:
                raise
            return _duplicate(session, existing)


def _duplicate(session: Session, existing: MailMessage) -> IntakeResult:
    number = None
    if existing.complaint_id is not None:
        case = session.get(Complaint, existing.complaint_id)
        number = case.number if case else None
    return IntakeResult(MailOutcome(existing.outcome), existing.message_id, existing.id, existing.complaint_id,
                        number, duplicate=True, note="al eerder ontvangen")


def _timeline(session: Session, context: Context, decision: _Decision, mail: parsing.ParsedMail, mail_id: int,
              arrived: datetime) -> None:
    assert decision.complaint_id is not None
    data: dict[str, Any] = {"mail_id": mail_id, "van": mail.from_address, "onderwerp": mail.subject,
                            **decision.details}
    if decision.outcome is MailOutcome.REPLY:
        folded = parsing.fold_quoted(mail.text)
        data["ingeklapt"] = folded != mail.text.strip()
        summary = f"E-mail van de klager ontvangen: {mail.subject}"[:300]
        events.record(session, context, decision.complaint_id, EventType.INCOMING, summary, body=folded, data=data,
                      at=arrived)
    elif decision.outcome is MailOutcome.OUT_OF_OFFICE:
        events.record(session, context, decision.complaint_id, EventType.INCOMING,
                      f"Afwezigheidsbericht ontvangen: {mail.subject}"[:300], body=mail.text[:2000], data=data,
                      at=arrived)
    elif decision.outcome is MailOutcome.BOUNCE:
        events.record(session, context, decision.complaint_id, EventType.MESSAGE, decision.note[:300],
                      body=mail.text[:4000], data=data, at=arrived)
    else:
        events.record(session, context, decision.complaint_id, EventType.INCOMING,
                      f"Automatische mail ontvangen: {mail.subject}"[:300], body=mail.text[:2000], data=data,
                      at=arrived)


def _quarantine(context: Context, incoming: IncomingMail, arrived: datetime, reason: str,
                mail: parsing.ParsedMail | None = None) -> IntakeResult:
    """Keep the mail whole with the reason. The id is the hash of the bytes, so the same
    unreadable mail read twice is kept once."""
    message_id = parsing.synthetic_message_id(incoming.raw) if mail is None else mail.message_id
    try:
        with context.db.write() as session:
            existing = session.exec(select(MailMessage).where(
                MailMessage.message_id.in_(known_ids(session, message_id)))).first()  # type: ignore[attr-defined]
            if existing is not None:
                return _duplicate(session, existing)
            row = MailMessage(
                message_id=message_id, received_at=arrived, source=incoming.source[:500],
                sender=(mail.from_address if mail else ""), sender_name=(mail.from_name if mail else ""),
                recipients=", ".join(mail.recipients) if mail else "", subject=(mail.subject if mail else ""),
                outcome=MailOutcome.QUARANTINE, reason=reason, raw=incoming.raw, created_at=context.now(),
            )
            session.add(row)
            session.flush()
            return IntakeResult(MailOutcome.QUARANTINE, message_id, row.id, note=reason)
    except DRIVER_ERRORS as error:
        raise TemporaryFailure(f"De mail kon ook niet in de quarantaine worden gezet ({type(error).__name__}); "
                               "hij blijft staan en wordt later opnieuw gelezen.") from None


def _acknowledge(context: Context, mail: parsing.ParsedMail, result: IntakeResult,
                 settings: MailSettings) -> IntakeResult:
    """The automatic ontvangstbevestiging (if the organisation turned it on): never to a
    mail that asks for no automatic answer, never to a case under review for naming another."""
    if not settings.acknowledge or mail.no_auto_answer or result.complaint_id is None or "noemt" in result.note.lower():
        return result
    try:
        draft = messages.prepare_acknowledgement(context, result.complaint_id)
        if not draft.recipient or draft.to_fill_in:
            return result
        messages.send(context, result.complaint_id, draft.template, draft.subject, draft.body, automatic=True,
                      meets_deadlines=settings.acknowledgement_meets_reply)
    except (KlachtdeskError, PermissionDenied) as error:
        log.warning("no acknowledgement for %s: %s", result.number, error)
        return result
    return replace(result, acknowledged=True)


# ---------------------------------------------------------------------------------------
# for the beheerder: quarantine and automatic mail
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeptMail:
    id: int
    received_at: datetime
    outcome: MailOutcome
    sender: str
    subject: str
    reason: str
    source: str
    size: int


def kept_mails(context: Context, *, outcomes: tuple[MailOutcome, ...] = (
        MailOutcome.QUARANTINE, MailOutcome.AUTOMATIC, MailOutcome.CAPPED), include_handled: bool = False,
        limit: int = 200) -> list[KeptMail]:
    """Mails that became no case: the quarantine, automatic mail, floods (newest first)."""
    context.require(Permission.MANAGE_MAIL)
    query = select(MailMessage.id, MailMessage.received_at, MailMessage.outcome, MailMessage.sender,
                   MailMessage.subject, MailMessage.reason, MailMessage.source,
                   func.length(MailMessage.raw)).where(
        MailMessage.outcome.in_(outcomes), MailMessage.complaint_id.is_(None))  # type: ignore[attr-defined,union-attr]
    if not include_handled:
        query = query.where(MailMessage.handled_at.is_(None))  # type: ignore[union-attr]
    with context.db.read() as session:
        rows = session.exec(query.order_by(MailMessage.received_at.desc()).limit(limit)).all()  # type: ignore[union-attr]
    return [KeptMail(r[0], r[1], MailOutcome(r[2]), r[3], r[4], r[5] or "", r[6], int(r[7] or 0)) for r in rows]


def kept_raw(context: Context, mail_id: int) -> bytes:
    context.require(Permission.MANAGE_MAIL)
    with context.db.read() as session:
        raw = session.exec(select(MailMessage.raw).where(MailMessage.id == mail_id)).first()
    if raw is None:
        raise NotFound(f"Mail {mail_id} is niet bewaard.")
    return bytes(raw)


def reprocess(context: Context, mail_id: int, settings: MailSettings | None = None) -> IntakeResult:
    """Take a kept mail (quarantine, automatic, capped) through the intake again: after
    a fix, or because a person decided it is a real mail after all."""
    context.require(Permission.MANAGE_MAIL)
    with context.db.write() as session:
        row = session.get(MailMessage, mail_id)
        if row is None or row.complaint_id is not None or row.handled_at is not None:
            raise NotFound(f"Mail {mail_id} staat niet in de quarantaine of bij de bewaarde mail.")
        raw = session.exec(select(MailMessage.raw).where(MailMessage.id == mail_id)).one()
        if raw is None:
            raise NotFound(f"Mail {mail_id} is niet bewaard.")
        incoming = IncomingMail(bytes(raw), f"opnieuw: {row.source}"[:500], row.received_at)
        original_id = row.message_id
        # the kept row stays (handled, under another id) until the new one is stored
        row.message_id, row.handled_at = f"{mail_id}.opnieuw.{original_id}"[:255], context.now()
        session.add(row)
    try:
        result = receive(context, incoming, settings)
    except TemporaryFailure:
        with context.db.write() as session:
            row = session.get(MailMessage, mail_id)
            if row is not None:
                row.message_id, row.handled_at = original_id, None
                session.add(row)
        raise
    return result


def dismiss(context: Context, mail_id: int) -> None:
    """A beheerder looked at a kept mail and needs nothing more from it (it stays stored)."""
    context.require(Permission.MANAGE_MAIL)
    with context.db.write() as session:
        row = session.get(MailMessage, mail_id)
        if row is None:
            raise NotFound(f"Mail {mail_id} bestaat niet.")
        row.handled_at = context.now()
        session.add(row)


# ---------------------------------------------------------------------------------------
# attachments of a case
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    content_type: str
    size: int
    received_at: datetime


def attachments_for(context: Context, complaint_id: int) -> list[AttachmentView]:
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        rows = session.exec(select(Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size,
                                   Attachment.created_at).where(Attachment.complaint_id == complaint_id)
                            .order_by(Attachment.id)).all()
    return [AttachmentView(*row) for row in rows]


def attachment_content(context: Context, attachment_id: int) -> tuple[str, bytes]:
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        row = session.exec(select(Attachment.filename, Attachment.content).where(Attachment.id == attachment_id)).first()
    if row is None:
        raise NotFound(f"Bijlage {attachment_id} bestaat niet.")
    return row[0], bytes(row[1])


def save_attachments(context: Context, complaint_id: int, folder: Path | None = None) -> tuple[Path, list[str]]:
    """Write a case's attachments to a private folder (0700, files 0600) to open them;
    ``<user folder>/bijlagen/<klachtnummer>/`` unless given. Returns the folder and names."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        case = session.get(Complaint, complaint_id)
        if case is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        rows = session.exec(select(Attachment.filename, Attachment.content)
                            .where(Attachment.complaint_id == complaint_id).order_by(Attachment.id)).all()
        number = case.number
    if not rows:
        raise NotFound(f"{number} heeft geen bijlagen.")
    target = folder or home_dir() / "bijlagen" / number
    try:
        private_dir(target, tighten=True)
        names = []
        for filename, content in rows:
            name = _free_name(target, filename, names)
            write_private(target / name, bytes(content))
            names.append(name)
    except OSError as error:
        raise ValidationError(f"De bijlagen konden niet in {target} worden gezet: {error.strerror}.") from None
    return target, names


def _free_name(folder: Path, filename: str, taken: list[str]) -> str:
    name = filename.replace("/", "_").replace("\\", "_").lstrip(".") or "bijlage"
    stem, dot, suffix = name.rpartition(".")
    candidate, counter = name, 2
    while candidate in taken:
        candidate = f"{stem} ({counter}).{suffix}" if dot else f"{name} ({counter})"
        counter += 1
    return candidate


@dataclass(frozen=True)
class Undelivered:
    subject: str
    sent_at: datetime
    problem: str


def undelivered_messages(context: Context, complaint_id: int) -> list[Undelivered]:
    """The desk's messages on this case that a delivery report said never arrived."""
    context.require(Permission.READ_STATUS)
    with context.db.read() as session:
        rows = session.exec(select(Message.subject, Message.sent_at, Message.created_at, Message.delivery_problem)
                            .where(Message.complaint_id == complaint_id,
                                   Message.undelivered_at.is_not(None))  # type: ignore[union-attr]
                            .order_by(Message.id)).all()
        # a report about a desk message this database has no row of (sent before, elsewhere)
        reports = session.exec(select(MailMessage.subject, MailMessage.received_at, MailMessage.reason)
                               .where(MailMessage.complaint_id == complaint_id,
                                      MailMessage.outcome == MailOutcome.BOUNCE,
                                      MailMessage.reason.like("Bericht niet afgeleverd%"))  # type: ignore[union-attr]
                               .order_by(MailMessage.id)).all()
    found = [Undelivered(r[0], r[1] or r[2], r[3] or "afleveringsfout") for r in rows]
    if not found:
        found = [Undelivered(r[0], r[1], (r[2] or "").removeprefix("Bericht niet afgeleverd: ")) for r in reports]
    return found
