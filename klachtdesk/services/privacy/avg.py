"""Privacy (AVG/GDPR): retention, access requests and erasure requests.

- **Retention** (``apply_retention``): a case closed longer ago than the configured
  period (``data/privacy.toml``, ``bewaartermijn_maanden``) is anonymised. Names,
  contact details and free text go; the figures for the analysis stay (kind, channel,
  category, service type, dates, status, deadlines). People still involved in a case
  that is not anonymised keep their record, but the anonymised case no longer points
  to them (it gets a placeholder person). Idempotent; every run is logged.
- **Access** (``export_person``): everything held about one person, as a plain dict
  ready for JSON, without the confidential notes or internal notes of staff and with
  the other people in a case reduced to their name and role (a staff member the
  complaint is about: name only).
- **Erasure** (``erase_person``): the person's own cases anonymised, their name and
  contact details removed from the cases where they were only involved.
- Both requests are recorded (``PrivacyRequest``) and are deadlines themselves: one
  calendar month after receipt, extendable by two, an end on a weekend or Atw
  feestdag moving to the next day (the statutory calendar's rule).

The event history is append-only everywhere else; anonymisation is the one
documented exception: it clears ``body`` and ``data`` of a case's events and removes
names from their summaries, and records a ``privacy`` event saying so.
"""

from __future__ import annotations

import base64
import calendar as month_calendar
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ConfigError, NotFound, ValidationError
from klachtdesk.services.limits import checked
from klachtdesk.models import (
    Agreement,
    Attachment,
    Complaint,
    Deadline,
    DeadlineState,
    Event,
    EventType,
    MailMessage,
    MediationSession,
    Message,
    Party,
    PartyRole,
    Person,
    PrivacyRequest,
    PrivacyRequestKind,
    SessionParticipant,
    SessionType,
    Staff,
)
from klachtdesk.models.enums import FINAL_STATUSES
from klachtdesk.paths import data_file
from klachtdesk.services.core import events
from klachtdesk.services.config.config_files import check_keys, load_toml
from klachtdesk.services.people.contact_details import (
    display_phone,
    normalise_email,
    normalise_phone,
    phone_search_forms,
)
from klachtdesk.services.cases.complaints import build_search_text
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.deadlines.rules import state_of
from klachtdesk.services.time.dutch import format_count, format_date

ANONYMOUS = "[geanonimiseerd]"
PRIVACY_FILE = "privacy.toml"
BATCH = 100

# ---------------------------------------------------------------------------------------
# settings and dates
# ---------------------------------------------------------------------------------------


#: what the web form says about personal data when ``privacy.toml`` says nothing
DEFAULT_STATEMENT = (
    "Wij gebruiken uw gegevens alleen om uw klacht of vraag te behandelen en om u op de hoogte te houden. "
    "U kunt ons altijd vragen welke gegevens wij van u hebben, of ze te wissen."
)


@dataclass(frozen=True)
class PrivacySettings:
    retention_months: int = 24
    request_months: int = 1
    extension_months: int = 2
    #: the privacy statement the web form shows, and the address of the full one (or "")
    statement: str = DEFAULT_STATEMENT
    statement_url: str = ""


_KEYS = {
    "bewaartermijn_maanden": "retention_months",
    "verzoek_termijn_maanden": "request_months",
    "verzoek_verlenging_maanden": "extension_months",
}


def load_privacy_settings(path: Path | None = None) -> PrivacySettings:
    """``data/privacy.toml``; a missing file means the defaults (24, 1, 2 months)."""
    path = path or data_file(PRIVACY_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return PrivacySettings()
    return _load(str(path), mtime)


@lru_cache(maxsize=4)
def _load(path_text: str, _mtime: int) -> PrivacySettings:
    path = Path(path_text)
    raw = load_toml(path)
    check_keys(path, "het bestand", raw, {*_KEYS, "privacyverklaring"})
    values: dict[str, Any] = {}
    statement = raw.get("privacyverklaring", {})
    if not isinstance(statement, dict):
        raise ConfigError(f"{path}: 'privacyverklaring' moet een tabel zijn ([privacyverklaring]).")
    check_keys(path, "[privacyverklaring]", statement, {"tekst", "adres"})
    for key, attribute in (("tekst", "statement"), ("adres", "statement_url")):
        if key in statement:
            if not isinstance(statement[key], str):
                raise ConfigError(f"{path}: '{key}' in [privacyverklaring] moet tekst zijn.")
            values[attribute] = " ".join(statement[key].split())
    if values.get("statement_url") and not values["statement_url"].startswith(("https://", "http://", "/")):
        raise ConfigError(f"{path}: 'adres' in [privacyverklaring] moet met https:// of / beginnen.")
    if "statement" in values and not values["statement"]:
        raise ConfigError(f"{path}: 'tekst' in [privacyverklaring] is leeg.")
    for key, attribute in _KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 1200:
            raise ConfigError(f"{path}: '{key}' moet een geheel aantal maanden zijn (0 of meer), niet {value!r}.")
        values[attribute] = value
    settings = PrivacySettings(**values)
    if settings.request_months < 1:
        raise ConfigError(f"{path}: 'verzoek_termijn_maanden' moet minstens 1 zijn.")
    return settings


def counted(count: int, one: str, more: str) -> str:
    """The Dutch word for ``count`` things: ``zaak`` for 1, ``zaken`` otherwise."""
    return one if count == 1 else more


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier); the last day of the
    month when that month is shorter (31 januari + 1 maand = 28 of 29 februari)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def request_due(context: Context, received: date | datetime, months: int) -> date:
    """End of a request period of ``months`` calendar months after receipt, moved past a
    Saturday, Sunday or Atw feestdag as the Algemene termijnenwet does for weeks."""
    received_day = local(received).date() if isinstance(received, datetime) else received
    nominal = add_months(received_day, months)
    # "0 weeks after the nominal end" is the statutory calendar's roll-forward (rule 4)
    return context.calendars.statutory.due_in_weeks(nominal, 0)


def retention_cutoff(context: Context, settings: PrivacySettings | None = None) -> date:
    """Cases closed before this day have passed the retention period."""
    settings = settings or load_privacy_settings()
    return add_months(context.today(), -settings.retention_months)


# ---------------------------------------------------------------------------------------
# anonymising one case
# ---------------------------------------------------------------------------------------


def _forms(person: Person) -> list[str]:
    """The strings that identify a person in free text: name, e-mail, phone forms."""
    forms = [person.name, person.email or "", display_phone(person.phone)]
    forms += [person.phone or ""] + phone_search_forms(person.phone)
    return sorted({f.strip() for f in forms if f and len(f.strip()) >= 3 and f.strip() != ANONYMOUS},
                  key=len, reverse=True)


def _scrubber(people: Iterable[Person], extra_forms: Iterable[str] = ()) -> Any:
    """A function that replaces every identifying form of these people in a text."""
    forms = sorted({form for person in people for form in _forms(person)} | set(extra_forms), key=len, reverse=True)
    if not forms:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)

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
    person.anonymised_at = now


@dataclass
class _CaseOutcome:
    persons_anonymised: set[int] = field(default_factory=set)
    persons_unlinked: int = 0
    outbox_files: list[str] = field(default_factory=list)


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
    *, forget: frozenset[int] = frozenset(), forms: Iterable[str] = (),
) -> _CaseOutcome:
    """Remove names, contact details and free text from one case, in the caller's
    transaction. ``forget``: persons to anonymise even if they appear elsewhere;
    ``forms``: more names/details to remove from the texts that stay (summaries)."""
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

    # the history: the one documented exception to append-only
    for event in session.exec(select(Event).where(Event.complaint_id == cid)).all():
        event.body = None
        event.data = None
        event.summary = scrub(event.summary) or ""
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
    session.execute(
        update(MailMessage).where(MailMessage.complaint_id == cid)  # type: ignore[arg-type]
        .values(sender="", sender_name="", recipients="", subject="", text=None, raw=None, reason=None)
    )

    # the people: anonymised when no longer needed, otherwise unlinked from this case
    session_ids = list(session.exec(select(MediationSession.id).where(MediationSession.complaint_id == cid)).all())
    for person in people:
        assert person.id is not None
        if person.id in staff_people or person.anonymised_at is not None:
            continue
        if person.id in forget or not _used_elsewhere(session, person.id, cid):
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
    complaint.search_text = build_search_text(complaint.number, complaint, _case_people(session, cid))
    events.record(session, context, cid, EventType.PRIVACY, summary, data=data)
    session.flush()
    return outcome


def _remove_outbox_files(paths: Iterable[str]) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass  # another workstation's outbox, or already gone: the database no longer points to it


# ---------------------------------------------------------------------------------------
# retention
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionCase:
    id: int
    number: str
    closed_at: datetime


@dataclass(frozen=True)
class RetentionResult:
    dry_run: bool
    months: int
    cutoff: date  # cases closed before this day
    cases: list[RetentionCase]
    persons_anonymised: int  # dry run: an estimate (people of these cases who are no staff)
    persons_unlinked: int

    @property
    def summary(self) -> str:
        count = len(self.cases)
        cases = f"{format_count(count)} {counted(count, 'zaak', 'zaken')} gesloten vóór {format_date(self.cutoff)}"
        people = f"{format_count(self.persons_anonymised)} {counted(self.persons_anonymised, 'persoon', 'personen')}"
        if self.dry_run:
            verb = counted(count, "zou", "zouden")
            return (f"Bewaartermijn {self.months} maanden: {cases} {verb} worden geanonimiseerd, met de gegevens "
                    f"van hoogstens {people}.")
        return f"Bewaartermijn {self.months} maanden: {cases} geanonimiseerd; {people} geanonimiseerd."


def _retention_query(cutoff: date) -> Any:
    start = datetime.combine(cutoff, time(0), tzinfo=AMSTERDAM)
    return (
        select(Complaint.id, Complaint.number, Complaint.closed_at)
        .where(Complaint.anonymised_at.is_(None), Complaint.closed_at.is_not(None),  # type: ignore[union-attr]
               Complaint.closed_at < start, Complaint.status.in_(FINAL_STATUSES))  # type: ignore[operator,union-attr,attr-defined]
        .order_by(Complaint.closed_at, Complaint.id)
    )


def apply_retention(context: Context, *, dry_run: bool = False, settings: PrivacySettings | None = None
                    ) -> RetentionResult:
    """Anonymise every case closed before the retention cutoff (``dry_run``: only say which)."""
    context.require(Permission.PRIVACY)
    settings = settings or load_privacy_settings()
    cutoff = retention_cutoff(context, settings)
    with context.db.read() as session:
        found = [RetentionCase(int(r[0]), r[1], r[2]) for r in session.exec(_retention_query(cutoff)).all()]
        if dry_run:
            ids = [c.id for c in found]
            people = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                people += int(session.exec(
                    select(func.count(func.distinct(Party.person_id)))
                    .join(Person, Person.id == Party.person_id)
                    .where(Party.complaint_id.in_(chunk), Person.anonymised_at.is_(None),  # type: ignore[attr-defined,union-attr]
                           Party.person_id.not_in(select(Staff.person_id).where(Staff.person_id.is_not(None))))  # type: ignore[attr-defined,union-attr]
                ).one())
            return RetentionResult(True, settings.retention_months, cutoff, found, people, 0)
    anonymised = 0
    unlinked = 0
    done: list[RetentionCase] = []
    summary = (f"Zaak geanonimiseerd: de bewaartermijn van {settings.retention_months} maanden na "
               "sluiting is verstreken")
    for start in range(0, len(found), BATCH):
        files: list[str] = []
        with context.db.write() as session:
            for case in found[start:start + BATCH]:
                complaint = session.get(Complaint, case.id)
                if complaint is None or complaint.anonymised_at is not None:
                    continue  # someone else ran it at the same moment
                outcome = _anonymise_case(session, context, complaint, summary,
                                          {"reden": "bewaartermijn", "maanden": settings.retention_months})
                anonymised += len(outcome.persons_anonymised)
                unlinked += outcome.persons_unlinked
                files += outcome.outbox_files
                done.append(case)
        _remove_outbox_files(files)
    result = RetentionResult(False, settings.retention_months, cutoff, done, anonymised, unlinked)
    with context.db.write() as session:
        events.record(session, context, None, EventType.PRIVACY, result.summary,
                      data={"reden": "bewaartermijn", "zaken": len(done), "personen": anonymised,
                            "gesloten_voor": cutoff.isoformat()})
    return result


# ---------------------------------------------------------------------------------------
# requests (inzage, vergetelheid): finding the person, the request deadline
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivacyRequestView:
    id: int
    kind: PrivacyRequestKind
    subject: str
    received_at: datetime
    due: date  # the due date in force (the extended one after an extension)
    original_due: date
    extended: bool
    done_at: datetime | None
    handled_by: str | None
    result: str | None
    state: DeadlineState


def _view(session: Session, context: Context, row: PrivacyRequest) -> PrivacyRequestView:
    assert row.id is not None
    handler = session.get(Staff, row.handled_by_id) if row.handled_by_id else None
    due = row.extended_due or row.due
    return PrivacyRequestView(
        id=row.id, kind=PrivacyRequestKind(row.kind), subject=row.subject, received_at=row.received_at, due=due,
        original_due=row.due, extended=row.extended_due is not None, done_at=row.done_at,
        handled_by=handler.name if handler else None, result=row.result,
        state=state_of(due, row.done_at, context.today()),
    )


def _check_received(context: Context, received_at: datetime | None) -> datetime:
    moment = received_at or context.now()
    if moment > context.now():
        raise ValidationError("De datum van ontvangst van het verzoek ligt in de toekomst.", field="ontvangen")
    return moment


@checked(subject="request_subject", received_at="received")
def register_request(context: Context, kind: PrivacyRequestKind, subject: str,
                     received_at: datetime | None = None) -> PrivacyRequestView:
    """Record a request that will be handled later; its due date starts running now."""
    context.require(Permission.PRIVACY)
    subject = subject.strip()
    if not subject:
        raise ValidationError("Geef de naam, het e-mailadres of het telefoonnummer van de aanvrager.",
                              field="onderwerp")
    moment = _check_received(context, received_at)
    settings = load_privacy_settings()
    with context.db.write() as session:
        row = PrivacyRequest(kind=kind, subject=subject[:300], received_at=moment,
                             due=request_due(context, moment, settings.request_months))
        session.add(row)
        session.flush()
        return _view(session, context, row)


@checked(request_id="id")
def extend_request(context: Context, request_id: int) -> PrivacyRequestView:
    """Extend an open request by the configured months (AVG: two). Only within the first term."""
    context.require(Permission.PRIVACY)
    settings = load_privacy_settings()
    with context.db.write() as session:
        row = session.get(PrivacyRequest, request_id)
        if row is None:
            raise NotFound(f"Verzoek {request_id} bestaat niet.")
        if row.done_at is not None:
            raise ValidationError(f"Verzoek {request_id} is al afgehandeld.", field="verzoek")
        if row.extended_due is not None:
            raise ValidationError(f"Verzoek {request_id} is al verlengd; dat kan maar één keer.", field="verzoek")
        if context.today() > row.due:
            raise ValidationError(
                f"De termijn van verzoek {request_id} is al verstreken; verlengen kan alleen binnen de eerste "
                "termijn, met bericht aan de aanvrager.", field="verzoek")
        row.extended_due = request_due(context, row.received_at, settings.request_months + settings.extension_months)
        session.flush()
        return _view(session, context, row)


def list_requests(context: Context, *, open_only: bool = False) -> list[PrivacyRequestView]:
    """The requests, the earliest due first (open ones before handled ones)."""
    context.require(Permission.PRIVACY)
    with context.db.read() as session:
        query = select(PrivacyRequest)
        if open_only:
            query = query.where(PrivacyRequest.done_at.is_(None))  # type: ignore[union-attr]
        rows = session.exec(query).all()
        views = [_view(session, context, row) for row in rows]
    return sorted(views, key=lambda v: (v.done_at is not None, v.due, v.id))


@dataclass(frozen=True)
class PersonMatch:
    id: int
    name: str
    phone: str
    email: str
    cases: int


class AmbiguousSubject(ValidationError):
    """A name matches several people: the request must say which (e-mail, phone, --persoon)."""

    def __init__(self, message: str, candidates: list[PersonMatch]) -> None:
        super().__init__(message, field="onderwerp")
        self.candidates = candidates


def _mask(text: str, keep: int = 4) -> str:
    if not text:
        return ""
    if "@" in text:
        local_part, domain = text.split("@", 1)
        return f"{local_part[:1]}•••@{domain}"
    return "•" * max(0, len(text) - keep) + text[-keep:]


def _matches(session: Session, query: str) -> list[Person]:
    value = query.strip()
    if not value:
        raise ValidationError("Geef de naam, het e-mailadres of het telefoonnummer van de aanvrager.",
                              field="onderwerp")
    base = select(Person).where(Person.anonymised_at.is_(None))  # type: ignore[union-attr]
    if "@" in value:
        email = normalise_email(value, "onderwerp") or value
        return list(session.exec(base.where(func.lower(Person.email) == email.lower())).all())
    if sum(ch.isdigit() for ch in value) >= 6 and not any(ch.isalpha() for ch in value):
        phone = normalise_phone(value, "onderwerp")
        return list(session.exec(base.where(Person.phone == phone)).all())
    return list(session.exec(base.where(func.lower(Person.name) == " ".join(value.split()).lower())).all())


def _resolve(session: Session, query: str, person_ids: Iterable[int] | None) -> list[Person]:
    """The person records a request is about."""
    if person_ids:
        wanted = sorted(set(person_ids))
        rows = list(session.exec(select(Person).where(Person.id.in_(wanted))).all())  # type: ignore[union-attr]
        missing = set(wanted) - {r.id for r in rows}
        if missing:
            raise NotFound(f"Persoon {', '.join(str(i) for i in sorted(missing))} bestaat niet.")
        return rows
    rows = _matches(session, query)
    if not rows:
        raise NotFound(f"Over '{query.strip()}' is niets vastgelegd: geen persoon met deze naam, dit e-mailadres "
                       "of dit telefoonnummer.")
    identities = {(r.email or "", r.phone or "") for r in rows}
    if len(identities) > 1 and "@" not in query and not any(ch.isdigit() for ch in query):
        candidates = []
        for row in rows:
            assert row.id is not None
            count = int(session.exec(select(func.count()).select_from(Party).where(Party.person_id == row.id)).one())
            candidates.append(PersonMatch(row.id, row.name, _mask(display_phone(row.phone)), _mask(row.email or ""),
                                          count))
        listing = "; ".join(f"persoon {c.id}: {c.email or '-'}, {c.phone or '-'}, {c.cases} zaken" for c in candidates)
        raise AmbiguousSubject(
            f"Er zijn {len(rows)} personen met de naam '{query.strip()}' ({listing}). Geef het e-mailadres of "
            "telefoonnummer van de aanvrager, of kies met --persoon.", candidates)
    return rows


@checked(query="request_subject", person_ids="id")
def find_subject(context: Context, query: str, person_ids: Iterable[int] | None = None) -> list[PersonMatch]:
    """Who a request is about (raises ``NotFound`` or ``AmbiguousSubject``)."""
    context.require(Permission.PRIVACY)
    with context.db.read() as session:
        rows = _resolve(session, query, person_ids)
        result = []
        for row in rows:
            assert row.id is not None
            count = int(session.exec(select(func.count()).select_from(Party).where(Party.person_id == row.id)).one())
            result.append(PersonMatch(row.id, row.name, display_phone(row.phone), row.email or "", count))
        return result


def _finish_request(
    session: Session, context: Context, kind: PrivacyRequestKind, subject: str, person_id: int | None,
    received_at: datetime | None, request_id: int | None, result: str,
) -> PrivacyRequest:
    if request_id is not None:
        row = session.get(PrivacyRequest, request_id)
        if row is None:
            raise NotFound(f"Verzoek {request_id} bestaat niet.")
        if PrivacyRequestKind(row.kind) is not kind:
            raise ValidationError(f"Verzoek {request_id} is een verzoek om {row.kind}, niet om {kind.value}.",
                                  field="verzoek")
        if row.done_at is not None:
            raise ValidationError(f"Verzoek {request_id} is al afgehandeld.", field="verzoek")
    else:
        moment = _check_received(context, received_at)
        row = PrivacyRequest(kind=kind, subject=subject.strip()[:300], received_at=moment,
                             due=request_due(context, moment, load_privacy_settings().request_months))
        session.add(row)
    row.person_id = person_id
    row.done_at = context.now()
    row.handled_by_id = context.actor_id()
    row.result = result
    session.flush()
    return row


# ---------------------------------------------------------------------------------------
# access (inzage)
# ---------------------------------------------------------------------------------------

#: event types a requester gets to see; internal and confidential notes and the read
#: log stay in house (they may hold other people's data, staff's above all)
EXPORTED_EVENTS = frozenset({
    EventType.REGISTERED, EventType.FIELD_CHANGED, EventType.STATUS_CHANGED, EventType.ASSIGNED,
    EventType.CONTACT, EventType.MESSAGE, EventType.DEADLINE, EventType.SESSION, EventType.PRIVACY,
    EventType.INCOMING,
})


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return local(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def _case_export(session: Session, complaint: Complaint, roles: list[PartyRole], person_ids: set[int]) -> dict[str, Any]:
    assert complaint.id is not None
    cid = complaint.id
    entry: dict[str, Any] = {
        "klachtnummer": complaint.number,
        "rol": ", ".join(role.value for role in roles),
        "soort": str(complaint.kind),
        "kanaal": str(complaint.channel),
        "ontvangen": _iso(complaint.received_at),
        "status": str(complaint.status),
        "gesloten": _iso(complaint.closed_at),
    }
    own_parties = session.exec(select(Party).where(Party.complaint_id == cid, Party.person_id.in_(list(person_ids)))).all()  # type: ignore[attr-defined]
    notes = [p.note for p in own_parties if p.note]
    if notes:
        entry["toelichting_bij_uw_rol"] = notes
    if PartyRole.COMPLAINANT not in roles:
        # about the requester, but told by someone else: only the facts of their involvement
        entry["toelichting"] = ("U bent bij deze zaak betrokken; de inhoud van de klacht bevat gegevens van de "
                                "klager en wordt daarom niet meegegeven.")
        entry["gesprekken"] = _sessions(session, cid, person_ids, with_outcome=False)
        return entry
    handler = session.get(Staff, complaint.handler_id) if complaint.handler_id else None
    entry.update({
        "type_dienstverlening": complaint.service_type,
        "aard": complaint.category,
        "omschrijving": complaint.description,
        "datum_voorval": _iso(complaint.incident_date),
        "eerst_besproken": complaint.discussed_first,
        "gewenste_oplossing": complaint.remedy_sought,
        "factuurnummer": complaint.invoice_number,
        "oplossing": complaint.resolution,
        "akkoord": str(complaint.accepted) if complaint.accepted else None,
        "uitkomst_geschillencommissie": complaint.dispute_outcome,
        "behandelaar": handler.name if handler else None,
    })
    others = session.exec(
        select(Party, Person).join(Person, Person.id == Party.person_id)
        .where(Party.complaint_id == cid, Party.person_id.not_in(list(person_ids))).order_by(Party.id)  # type: ignore[attr-defined]
    ).all()
    # other people: name and role only (a staff member the complaint is about included)
    entry["andere_betrokkenen"] = [{"naam": person.name, "rol": str(party.role)} for party, person in others]
    entry["termijnen"] = [
        {"termijn": d.label or str(d.kind), "uiterlijk": _iso(d.due), "oorspronkelijk": _iso(d.original_due),
         "gehaald": _iso(d.met_at)}
        for d in session.exec(select(Deadline).where(Deadline.complaint_id == cid, Deadline.cancelled_at.is_(None))  # type: ignore[union-attr]
                              .order_by(Deadline.due, Deadline.id)).all()
    ]
    history, withheld = [], {"interne_notities": 0, "vertrouwelijke_notities": 0, "inzagelog": 0}
    for event in session.exec(select(Event).where(Event.complaint_id == cid).order_by(Event.id)).all():
        kind = EventType(event.type)
        if event.confidential or kind is EventType.CONFIDENTIAL_NOTE:
            withheld["vertrouwelijke_notities"] += 1
        elif kind is EventType.NOTE:
            withheld["interne_notities"] += 1
        elif kind is EventType.VIEWED:
            withheld["inzagelog"] += 1
        elif kind in EXPORTED_EVENTS:
            history.append({"moment": _iso(event.at), "soort": kind.value, "samenvatting": event.summary,
                            "tekst": event.body, "gegevens": event.data})
    entry["geschiedenis"] = history
    entry["niet_meegegeven"] = withheld
    entry["berichten"] = [
        {"onderwerp": m.subject, "aan": m.recipient, "tekst": m.body, "verstuurd": _iso(m.sent_at)}
        for m in session.exec(select(Message).where(Message.complaint_id == cid, Message.sent_at.is_not(None))  # type: ignore[union-attr]
                              .order_by(Message.id)).all()
    ]
    entry["gesprekken"] = _sessions(session, cid, person_ids, with_outcome=True)
    entry["bijlagen"] = [
        {"naam": a.filename, "soort": a.content_type, "grootte": a.size, "ontvangen": _iso(a.created_at),
         "inhoud_base64": base64.b64encode(bytes(a.content)).decode("ascii")}
        for a in session.exec(select(Attachment).where(Attachment.complaint_id == cid).order_by(Attachment.id)).all()
    ]
    entry["e_mails"] = [
        {"ontvangen": _iso(m.received_at), "van": m.sender, "onderwerp": m.subject, "tekst": m.text}
        for m in session.exec(select(MailMessage).where(MailMessage.complaint_id == cid,
                                                        MailMessage.sender != "").order_by(MailMessage.id)).all()
    ]
    return entry


def _sessions(session: Session, complaint_id: int, person_ids: set[int], *, with_outcome: bool) -> list[dict[str, Any]]:
    rows = session.exec(
        select(MediationSession).join(SessionParticipant, SessionParticipant.session_id == MediationSession.id)
        .where(MediationSession.complaint_id == complaint_id, SessionParticipant.person_id.in_(list(person_ids)))  # type: ignore[attr-defined]
        .order_by(MediationSession.starts_at)
    ).all()
    result = []
    for meeting in dict.fromkeys(rows):
        item: dict[str, Any] = {"soort": SessionType(meeting.type).label, "begin": _iso(meeting.starts_at),
                                "einde": _iso(meeting.ends_at), "plaats": meeting.location,
                                "status": str(meeting.status)}
        if with_outcome:
            item["uitkomst"] = meeting.outcome
            item["vervolg"] = meeting.next_step
            item["afspraken"] = [
                {"afspraak": a.description, "wie": a.owner, "uiterlijk": _iso(a.due), "gedaan": _iso(a.done_at)}
                for a in session.exec(select(Agreement).where(Agreement.session_id == meeting.id)).all()
            ]
        result.append(item)
    return result


@dataclass(frozen=True)
class AccessExport:
    data: dict[str, Any]
    request: PrivacyRequestView
    cases: int


@checked(query="request_subject", person_ids="id", received_at="received", request_id="id")
def export_person(
    context: Context, query: str, *, person_ids: Iterable[int] | None = None, received_at: datetime | None = None,
    request_id: int | None = None,
) -> AccessExport:
    """Everything held about one person (an inzageverzoek), and the request recorded as done."""
    context.require(Permission.PRIVACY)
    with context.db.write() as session:
        people = _resolve(session, query, person_ids)
        ids = {p.id for p in people if p.id is not None}
        roles: dict[int, list[PartyRole]] = {}
        for party in session.exec(select(Party).where(Party.person_id.in_(list(ids))).order_by(Party.complaint_id)).all():  # type: ignore[attr-defined]
            roles.setdefault(party.complaint_id, []).append(PartyRole(party.role))
        cases = []
        exported: list[int] = []
        for cid, case_roles in roles.items():
            complaint = session.get(Complaint, cid)
            if complaint is None or complaint.anonymised_at is not None:
                continue
            exported.append(cid)
            cases.append(_case_export(session, complaint, sorted(set(case_roles), key=list(PartyRole).index), ids))
        earlier = session.exec(
            select(PrivacyRequest).where(PrivacyRequest.person_id.in_(list(ids))).order_by(PrivacyRequest.id)  # type: ignore[attr-defined]
        ).all()
        request = _finish_request(session, context, PrivacyRequestKind.ACCESS, query, min(ids), received_at,
                                  request_id, f"Gegevens uitgegeven: {len(ids)} persoonsrecord(s), {len(cases)} zaken")
        for cid in exported:
            events.record(session, context, cid, EventType.PRIVACY,
                          f"Inzageverzoek (AVG) afgehandeld: gegevens van een betrokkene uitgegeven (verzoek {request.id})",
                          data={"verzoek": request.id, "soort": PrivacyRequestKind.ACCESS.value})
        view = _view(session, context, request)
        data = {
            "verzoek": {"nummer": view.id, "soort": view.kind.value, "ontvangen": _iso(view.received_at),
                        "uiterlijk": _iso(view.due), "afgehandeld": _iso(view.done_at)},
            "persoonsgegevens": [
                {"naam": p.name, "telefoon": display_phone(p.phone) or None, "email": p.email,
                 "organisatie": p.organisation, "vastgelegd_op": _iso(p.created_at)}
                for p in people
            ],
            "zaken": cases,
            "eerdere_verzoeken": [
                {"nummer": r.id, "soort": str(r.kind), "ontvangen": _iso(r.received_at), "afgehandeld": _iso(r.done_at)}
                for r in earlier
            ],
            "toelichting": (
                "Dit zijn alle gegevens die de klachtenregistratie over u bevat. Van andere mensen in uw zaken staan "
                "alleen naam en rol vermeld. Interne werkaantekeningen, vertrouwelijke notities van de "
                "klachtenfunctionaris en de lijst van medewerkers die uw zaak inzagen zijn niet meegegeven "
                "(het aantal staat per zaak onder 'niet_meegegeven'); zij kunnen gegevens van anderen bevatten."
            ),
        }
        return AccessExport(data, view, len(cases))


# ---------------------------------------------------------------------------------------
# erasure (vergetelheid)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    dry_run: bool
    persons: list[PersonMatch]
    own_cases: list[str]  # klachtnummers anonymised as a whole (the person is klager)
    open_own_cases: list[str]  # of which still open
    involved_cases: list[str]  # klachtnummers where only their name and details are removed
    request: PrivacyRequestView | None

    @property
    def summary(self) -> str:
        own, involved = len(self.own_cases), len(self.involved_cases)
        return (f"{len(self.persons)} {counted(len(self.persons), 'persoonsrecord', 'persoonsrecords')} "
                f"geanonimiseerd; {own} eigen {counted(own, 'zaak', 'zaken')} volledig geanonimiseerd "
                f"({len(self.open_own_cases)} nog open); in {involved} andere {counted(involved, 'zaak', 'zaken')} "
                "naam en contactgegevens verwijderd.")


@dataclass
class _ErasurePlan:
    people: list[Person]
    ids: set[int]
    matches: list[PersonMatch]
    own: list[int]
    involved: list[int]
    forms: list[str]
    complaints: dict[int, Complaint]

    def result(self, dry_run: bool, request: PrivacyRequestView | None) -> ErasureResult:
        live = [c for c in self.own if self.complaints[c].anonymised_at is None]
        return ErasureResult(
            dry_run, self.matches, [self.complaints[c].number for c in live],
            [self.complaints[c].number for c in live if self.complaints[c].closed_at is None],
            [self.complaints[c].number for c in self.involved if self.complaints[c].anonymised_at is None],
            request,
        )


def _erasure_plan(session: Session, query: str, person_ids: Iterable[int] | None) -> _ErasurePlan:
    people = _resolve(session, query, person_ids)
    matches = []
    for person in people:
        assert person.id is not None
        if _is_staff(session, person.id):
            raise ValidationError(
                f"{person.name} is medewerker van de organisatie; medewerkersgegevens vallen niet onder dit "
                "verzoek. Schakel de medewerker uit met 'klachtdesk medewerker uit'.", field="onderwerp")
        count = int(session.exec(select(func.count()).select_from(Party).where(Party.person_id == person.id)).one())
        matches.append(PersonMatch(person.id, person.name, display_phone(person.phone), person.email or "", count))
    ids = {p.id for p in people if p.id is not None}
    parties = session.exec(select(Party).where(Party.person_id.in_(list(ids)))).all()  # type: ignore[attr-defined]
    own = sorted({p.complaint_id for p in parties if PartyRole(p.role) is PartyRole.COMPLAINANT})
    involved = sorted({p.complaint_id for p in parties} - set(own))
    forms = sorted({form for person in people for form in _forms(person)})
    found = session.exec(select(Complaint).where(Complaint.id.in_(own + involved))).all()  # type: ignore[union-attr]
    return _ErasurePlan(people, ids, matches, own, involved, forms, {c.id: c for c in found if c.id is not None})


@checked(query="request_subject", person_ids="id", received_at="received", request_id="id")
def erase_person(
    context: Context, query: str, *, person_ids: Iterable[int] | None = None, received_at: datetime | None = None,
    request_id: int | None = None, dry_run: bool = False,
) -> ErasureResult:
    """Anonymise one person on request (``dry_run``: only say what would happen).

    Their own cases (as klager) are anonymised as a whole; from the cases they were
    only involved in, their name and contact details are removed. Staff are refused.
    """
    context.require(Permission.PRIVACY)
    if dry_run:
        with context.db.read() as session:
            return _erasure_plan(session, query, person_ids).result(True, None)
    files: list[str] = []
    with context.db.write() as session:
        plan = _erasure_plan(session, query, person_ids)
        result = plan.result(False, None)
        request = _finish_request(session, context, PrivacyRequestKind.ERASURE, query, min(plan.ids), received_at,
                                  request_id, result.summary)
        data = {"reden": "verzoek", "verzoek": request.id}
        for cid in plan.own:
            complaint = plan.complaints[cid]
            if complaint.anonymised_at is not None:
                continue
            outcome = _anonymise_case(
                session, context, complaint,
                f"Zaak geanonimiseerd op verzoek van de klager (AVG, verzoek {request.id})", data,
                forget=frozenset(plan.ids), forms=plan.forms)
            files += outcome.outbox_files
        for cid in plan.involved:
            complaint = plan.complaints[cid]
            if complaint.anonymised_at is None:
                _remove_from_case(session, context, complaint, plan.people, plan.forms, request.id)
        now = context.now()
        for person in plan.people:
            if person.anonymised_at is None:
                _anonymise_person_row(person, now)
        session.flush()
        view = _view(session, context, request)
    _remove_outbox_files(files)
    return replace(result, request=view)


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
    for event in session.exec(select(Event).where(Event.complaint_id == cid)).all():
        event.summary = scrub(event.summary) or ""
        event.body = scrub(event.body)
        if event.data is not None:
            event.data = json.loads(scrub(json.dumps(event.data, ensure_ascii=False)) or "null")
    for message in session.exec(select(Message).where(Message.complaint_id == cid)).all():
        message.subject = scrub(message.subject) or ""
        message.body = scrub(message.body) or ""
    session.flush()
    for person in people:
        if person.anonymised_at is None:
            _anonymise_person_row(person, context.now())
    session.flush()
    complaint.search_text = build_search_text(complaint.number, complaint, _case_people(session, cid))
    events.record(session, context, cid, EventType.PRIVACY,
                  f"Gegevens van een betrokkene verwijderd op diens verzoek (AVG, verzoek {request_id})",
                  data={"reden": "verzoek", "verzoek": request_id})


__all__ = [
    "ANONYMOUS",
    "AccessExport",
    "AmbiguousSubject",
    "ErasureResult",
    "PersonMatch",
    "PrivacyRequestView",
    "PrivacySettings",
    "RetentionCase",
    "RetentionResult",
    "add_months",
    "apply_retention",
    "erase_person",
    "export_person",
    "extend_request",
    "find_subject",
    "list_requests",
    "load_privacy_settings",
    "register_request",
    "request_due",
    "retention_cutoff",
]
