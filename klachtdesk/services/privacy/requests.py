"""AVG requests (inzage, vergetelheid): recording them, their deadlines, finding the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from klachtdesk.errors import NotFound, ValidationError
from klachtdesk.models import DeadlineState, Party, Person, PrivacyRequest, PrivacyRequestKind, Staff
from klachtdesk.services.people.contact_details import display_phone, normalise_email, normalise_phone
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.deadlines.rules import state_of
from klachtdesk.services.privacy.settings import request_due

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


def register_request(context: Context, kind: PrivacyRequestKind, subject: str,
                     received_at: datetime | None = None) -> PrivacyRequestView:
    """Record a request that will be handled later; its due date starts running now."""
    context.require(Permission.PRIVACY)
    subject = subject.strip()
    if not subject:
        raise ValidationError("Geef de naam, het e-mailadres of het telefoonnummer van de aanvrager.",
                              field="onderwerp")
    moment = _check_received(context, received_at)
    settings = context.settings.privacy
    with context.db.write() as session:
        row = PrivacyRequest(kind=kind, subject=subject[:300], received_at=moment,
                             due=request_due(context, moment, settings.request_months))
        session.add(row)
        session.flush()
        return _view(session, context, row)


def extend_request(context: Context, request_id: int) -> PrivacyRequestView:
    """Extend an open request by the configured months (AVG: two). Only within the first term."""
    context.require(Permission.PRIVACY)
    settings = context.settings.privacy
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
                             due=request_due(context, moment, context.settings.privacy.request_months))
        session.add(row)
    row.person_id = person_id
    row.done_at = context.now()
    row.handled_by_id = context.actor_id()
    row.result = result
    session.flush()
    return row
