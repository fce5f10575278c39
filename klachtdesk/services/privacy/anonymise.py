"""Anonymising: one case as a whole, or one person out of a case they were only involved in.

The event history is append-only everywhere else; anonymisation is the one
documented exception: it clears ``body`` and ``data`` of a case's events and removes
names from their summaries, and records a ``privacy`` event saying so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, select

from klachtdesk.models import (
    Agreement,
    Attachment,
    Complaint,
    Deadline,
    EventType,
    MailMessage,
    MediationSession,
    Message,
    Party,
    Person,
    SessionParticipant,
    Staff,
)
from klachtdesk.services.core import events
from klachtdesk.services.people.contact_details import display_phone, phone_search_forms
from klachtdesk.services.people.profile import PERSON_KEY
from klachtdesk.services.people.search_text import store_search_text
from klachtdesk.services.core.context import Context
from klachtdesk.services.privacy import register
from klachtdesk.services.privacy.history import rewrite_history

ANONYMOUS = "[geanonimiseerd]"

# ---------------------------------------------------------------------------------------
# anonymising one case
# ---------------------------------------------------------------------------------------


def _forms(person: Person) -> list[str]:
    """The strings that identify a person in free text: name, e-mail, phone forms."""
    forms = [person.name, person.email or "", display_phone(person.phone), person.street or ""]
    forms += [person.phone or ""] + phone_search_forms(person.phone)
    return sorted({f.strip() for f in forms if f and len(f.strip()) >= 3 and f.strip() != ANONYMOUS},
                  key=len, reverse=True)


#: what may stand between the digits of a phone number as people write it (06-1234 5678)
_PHONE_SEPARATORS = r"[\s\-./()]*"


def _pattern(form: str) -> str:
    """A form as a regular expression: a phone number (only digits, spaces, +) with any
    separators between its digits; anything else literally."""
    digits = [ch for ch in form if ch.isdigit()]
    if len(digits) >= 6 and all(ch.isdigit() or ch in " +-" for ch in form):
        return r"(?<!\d)" + _PHONE_SEPARATORS.join(digits) + r"(?!\d)"
    return re.escape(form)


def _scrubber(people: Iterable[Person], extra_forms: Iterable[str] = ()) -> Any:
    """A function that replaces every identifying form of these people in a text."""
    forms = sorted({form for person in people for form in _forms(person)} | set(extra_forms), key=len, reverse=True)
    if not forms:
        return lambda text: text
    pattern = re.compile("|".join(_pattern(form) for form in forms), re.IGNORECASE)

    def scrub(text: str | None) -> str | None:
        return pattern.sub(ANONYMOUS, text) if text else text

    return scrub


def _is_staff(session: Session, person_id: int) -> bool:
    return session.exec(select(Staff.id).where(Staff.person_id == person_id).limit(1)).first() is not None


def _used_elsewhere(session: Session, person_id: int, complaint_id: int) -> bool:
    """Is this person still part of a case (other than ``complaint_id``) that is not anonymised?"""
    party = session.exec(
        select(Party.id).join(Complaint, Complaint.id == Party.complaint_id)
        .where(Party.person_id == person_id, Party.complaint_id != complaint_id,
               Complaint.anonymised_at.is_(None))  # type: ignore[union-attr]
        .limit(1)
    ).first()
    if party is not None:
        return True
    participant = session.exec(
        select(SessionParticipant.id)
        .join(MediationSession, MediationSession.id == SessionParticipant.session_id)
        .join(Complaint, Complaint.id == MediationSession.complaint_id)
        .where(SessionParticipant.person_id == person_id, MediationSession.complaint_id != complaint_id,
               Complaint.anonymised_at.is_(None))  # type: ignore[union-attr]
        .limit(1)
    ).first()
    return participant is not None


def _anonymise_person_row(person: Person, now: datetime) -> None:
    person.name = ANONYMOUS
    person.phone = None
    person.email = None
    person.organisation = None
    person.street = person.postcode = person.city = person.country = None
    person.anonymised_at = now


@dataclass
class _CaseOutcome:
    persons_anonymised: set[int] = field(default_factory=set)
    persons_unlinked: int = 0
    outbox_files: list[str] = field(default_factory=list)
    #: the names and details of the people anonymised (to find the files that hold them)
    forms: list[str] = field(default_factory=list)


def _case_people(session: Session, complaint_id: int) -> list[Person]:
    ids = set(session.exec(select(Party.person_id).where(Party.complaint_id == complaint_id)).all())
    ids |= set(session.exec(
        select(SessionParticipant.person_id)
        .join(MediationSession, MediationSession.id == SessionParticipant.session_id)
        .where(MediationSession.complaint_id == complaint_id)
    ).all())
    if not ids:
        return []
    return list(session.exec(select(Person).where(Person.id.in_(ids))).all())  # type: ignore[union-attr]


def _anonymise_case(
    session: Session, context: Context, complaint: Complaint, summary: str, data: dict[str, Any],
    *, forget: frozenset[int] = frozenset(), forms: Iterable[str] = (), record: bool = True,
) -> _CaseOutcome:
    """Remove names, contact details and free text from one case, in the caller's
    transaction. ``forget``: persons to anonymise even if they appear elsewhere;
    ``forms``: more names/details to remove from the texts that stay (summaries);
    ``record``: note the people anonymised in the erasure register (not when the register
    itself is applied again)."""
    assert complaint.id is not None
    cid = complaint.id
    now = context.now()
    outcome = _CaseOutcome()
    people = _case_people(session, cid)
    staff_people = {p.id for p in people if p.id is not None and _is_staff(session, p.id)}
    scrub = _scrubber((p for p in people if p.id not in staff_people), forms)

    # the case's own text
    complaint.description = None
    complaint.remedy_sought = None
    complaint.resolution = None
    complaint.dispute_outcome = None
    complaint.invoice_number = None
    complaint.anonymised_at = now
    complaint.updated_at = now
    complaint.version += 1
    session.execute(update(Party).where(Party.complaint_id == cid).values(note=None))  # type: ignore[arg-type]

    # the history: the one documented exception to append-only (privacy.history)
    rewrite_history(session, cid, lambda summary, _body, _data: (scrub(summary) or "", None, None), wipe=True)
    for message in session.exec(select(Message).where(Message.complaint_id == cid)).all():
        message.body = ""
        message.recipient = None
        message.subject = scrub(message.subject) or ""
        if message.outbox_path:
            outcome.outbox_files.append(message.outbox_path)
            message.outbox_path = None
    for meeting in session.exec(select(MediationSession).where(MediationSession.complaint_id == cid)).all():
        meeting.outcome = None
        meeting.next_step = None
        meeting.cancel_reason = None
        meeting.location = scrub(meeting.location) or ""
    for agreement in session.exec(select(Agreement).where(Agreement.complaint_id == cid)).all():
        agreement.description = ""
        agreement.owner = scrub(agreement.owner) or ""
    session.execute(
        update(Deadline).where(Deadline.complaint_id == cid).values(extension_notice=None)  # type: ignore[arg-type]
    )
    # the mails and their attachments: the files go, the mail rows keep only their Message-ID
    # (so the same mail fetched again is still recognised) and the outcome
    session.execute(delete(Attachment).where(Attachment.complaint_id == cid))  # type: ignore[arg-type]
    for mail in session.exec(select(MailMessage).where(MailMessage.complaint_id == cid)).all():
        forget_mail(session, context, mail)

    # the people: anonymised when no longer needed, otherwise unlinked from this case
    session_ids = list(session.exec(select(MediationSession.id).where(MediationSession.complaint_id == cid)).all())
    for person in people:
        assert person.id is not None
        if person.id in staff_people or person.anonymised_at is not None:
            continue
        if person.id in forget or not _used_elsewhere(session, person.id, cid):
            outcome.forms.extend(_forms(person))
            if record and person.id not in forget:  # the people of an erasure request are noted by the request
                register.record_person(session, context, person, str(data.get("reden", "")), data.get("verzoek"))
            _anonymise_person_row(person, now)
            outcome.persons_anonymised.add(person.id)
            continue
        placeholder = Person(name=ANONYMOUS, created_at=now, anonymised_at=now)
        session.add(placeholder)
        session.flush()
        session.execute(update(Party).where(Party.complaint_id == cid, Party.person_id == person.id)  # type: ignore[arg-type]
                        .values(person_id=placeholder.id))
        if session_ids:
            session.execute(
                update(SessionParticipant)
                .where(SessionParticipant.session_id.in_(session_ids),  # type: ignore[attr-defined]
                       SessionParticipant.person_id == person.id)
                .values(person_id=placeholder.id)
            )
        if complaint.complainant_id == person.id:
            complaint.complainant_id = placeholder.id
        outcome.persons_unlinked += 1
    session.flush()
    store_search_text(session, complaint, _case_people(session, cid))
    events.record(session, context, cid, EventType.PRIVACY, summary, data=data)
    session.flush()
    return outcome


def forget_mail(session: Session, context: Context, mail: MailMessage) -> None:
    """A mail keeps only its outcome and a keyed hash of its Message-ID (so the same mail
    fetched again is still recognised, but the ID, often holding the sender's address, is gone)."""
    if not mail.message_id.startswith(register.ERASED_PREFIX):
        mail.message_id = register.erased_message_id(session, context, mail.message_id)
    mail.sender = mail.sender_name = mail.recipients = mail.subject = ""
    mail.text = mail.raw = mail.reason = None
    mail.source = ANONYMOUS


def _remove_outbox_files(paths: Iterable[str]) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass  # another workstation's outbox, or already gone: the database no longer points to it




def _remove_from_case(session: Session, context: Context, complaint: Complaint, people: list[Person],
                      forms: list[str], request_id: int) -> None:
    """Take one person's name and details out of a case they were only involved in."""
    assert complaint.id is not None
    cid = complaint.id
    ids = [p.id for p in people]
    scrub = _scrubber((), forms)
    for name in ("description", "remedy_sought", "resolution", "dispute_outcome"):
        setattr(complaint, name, scrub(getattr(complaint, name)))
    complaint.version += 1
    complaint.updated_at = context.now()
    session.execute(update(Party).where(Party.complaint_id == cid, Party.person_id.in_(ids))  # type: ignore[arg-type,attr-defined]
                    .values(note=None))
    def rewrite(summary: str, body: str | None, data: Any) -> tuple[str, str | None, Any]:
        if isinstance(data, dict) and data.get(PERSON_KEY) in ids:  # a line about them (a correction): no values
            return scrub(summary) or "", None, None
        return (scrub(summary) or "", scrub(body),
                None if data is None else json.loads(scrub(json.dumps(data, ensure_ascii=False)) or "null"))

    rewrite_history(session, cid, rewrite, wipe=False)
    for message in session.exec(select(Message).where(Message.complaint_id == cid)).all():
        message.subject = scrub(message.subject) or ""
        message.body = scrub(message.body) or ""
    session.flush()
    for person in people:
        if person.anonymised_at is None:
            _anonymise_person_row(person, context.now())
    session.flush()
    store_search_text(session, complaint, _case_people(session, cid))
    events.record(session, context, cid, EventType.PRIVACY,
                  f"Gegevens van een betrokkene verwijderd op diens verzoek (AVG, verzoek {request_id})",
                  data={"reden": "verzoek", "verzoek": request_id})
