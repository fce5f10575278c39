"""People already in the database: recognising a known caller during intake.

While a klantenservice agent types a caller's phone number or e-mail address, the
registration screen asks :func:`find_known_callers` whether that person is known
(indexed equality look-ups on the normalised ``person.phone`` / ``person.email``),
and :func:`earlier_cases` for what they called about before ("u belde vorige
maand ook over ..."). Both return plain dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import select

from klachtdesk.errors import ValidationError
from klachtdesk.models import Complaint, ComplaintKind, Party, PartyRole, Person, Status
from klachtdesk.services.people.contact_details import normalise_email, normalise_phone
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services import limits

#: how many people one phone number or address may offer (a shared family number)
MAX_CALLERS = 5
#: words of a description shown for an earlier case
SUMMARY_WORDS = 10
SUMMARY_CHARS = 70


@dataclass(frozen=True)
class KnownCaller:
    """A person whose phone number or e-mail address matches what the caller gave."""

    person_id: int
    name: str
    phone: str  # E.164, "" if none
    email: str
    matched_on: tuple[str, ...]  # ("telefoon",), ("e-mail",) or both
    case_count: int
    last_received: datetime | None
    #: the postal address on file (``people.postal``): taken over with the rest
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""


@dataclass(frozen=True)
class EarlierCase:
    """One earlier case of a person, for the agent to mention on the phone."""

    id: int
    number: str
    received_at: datetime
    kind: ComplaintKind
    status: Status
    role: PartyRole
    summary: str  # the first words of the description ("" when there is none)


def _quiet(normalise, raw: str, field: str) -> str | None:  # type: ignore[no-untyped-def]
    """A normalised value, or None while the input is incomplete or invalid."""
    try:
        return normalise(limits.clean_text(raw, field))
    except ValidationError:
        return None


def find_known_callers(context: Context, phone: str, email: str) -> list[KnownCaller]:
    """People whose stored phone number or e-mail address equals the (normalised) input.

    Invalid or incomplete input simply matches nobody (the agent is still typing).
    A user who may not read personal data gets no offers at all: an empty list,
    never someone else's details. Anonymised people are never offered. People with
    the most recent case come first.
    """
    if not context.user.may(Permission.READ_PERSONAL_DATA):
        return []
    e164 = _quiet(normalise_phone, phone, "phone")
    address = _quiet(normalise_email, email, "email")
    conditions = []
    if e164:
        conditions.append(Person.phone == e164)
    if address:
        # stored addresses are normalised the same way; also try the all-lower-case form
        conditions.append(Person.email.in_(sorted({address, address.lower()})))  # type: ignore[union-attr]
    if not conditions:
        return []
    with context.db.read() as session:
        people = session.exec(
            select(Person).where(or_(*conditions), Person.anonymised_at.is_(None))  # type: ignore[union-attr]
            .order_by(Person.id.desc()).limit(MAX_CALLERS * 4)  # type: ignore[union-attr]
        ).all()
        if not people:
            return []
        ids = [p.id for p in people]
        stats = {
            row[0]: (int(row[1]), row[2])
            for row in session.exec(
                select(Party.person_id, func.count(func.distinct(Party.complaint_id)), func.max(Complaint.received_at))
                .join(Complaint, Complaint.id == Party.complaint_id)
                .where(Party.person_id.in_(ids))  # type: ignore[attr-defined]
                .group_by(Party.person_id)
            ).all()
        }
    callers = []
    for person in people:
        assert person.id is not None
        matched = []
        if e164 and person.phone == e164:
            matched.append("telefoon")
        if address and person.email in (address, address.lower()):
            matched.append("e-mail")
        count, last = stats.get(person.id, (0, None))
        callers.append(KnownCaller(
            person_id=person.id, name=person.name, phone=person.phone or "", email=person.email or "",
            matched_on=tuple(matched), case_count=count, last_received=last, street=person.street or "",
            postcode=person.postcode or "", city=person.city or "", country=person.country or "",
        ))
    # both details matching first, then the most recent case, then the newest record
    callers.sort(key=lambda c: (len(c.matched_on), c.last_received.timestamp() if c.last_received else float("-inf"),
                                c.person_id), reverse=True)
    return callers[:MAX_CALLERS]


def summarise(text: str | None, words: int = SUMMARY_WORDS, chars: int = SUMMARY_CHARS) -> str:
    """The first words of a text on one line, with an ellipsis when cut."""
    if not text:
        return ""
    parts = text.split()
    summary = " ".join(parts[:words])
    cut = len(parts) > words
    if len(summary) > chars:
        summary = summary[:chars].rsplit(" ", 1)[0] if " " in summary[:chars] else summary[:chars]
        cut = True
    return summary + (" …" if cut else "")


@limits.checked(person_id="id")
def earlier_cases(context: Context, person_id: int, limit: int = 5) -> list[EarlierCase]:
    """The person's cases (as klager, aangeklaagde or betrokkene), newest first."""
    context.require(Permission.READ_PERSONAL_DATA)
    limit = max(1, min(int(limit), 100))
    with context.db.read() as session:
        rows = session.exec(
            select(Complaint.id, Complaint.number, Complaint.received_at, Complaint.kind, Complaint.status,
                   Party.role, Complaint.description, Complaint.invoice_number)
            .join(Party, Party.complaint_id == Complaint.id)
            .where(Party.person_id == person_id)
            .order_by(Complaint.received_at.desc(), Complaint.id.desc())  # type: ignore[attr-defined]
            .limit(limit * 3)
        ).all()
    seen: set[int] = set()
    cases = []
    for cid, number, received_at, kind, status, role, description, invoice in rows:
        if cid in seen:
            continue
        seen.add(cid)
        summary = summarise(description)
        if not summary and invoice:
            summary = f"factuur {invoice}"
        cases.append(EarlierCase(
            id=cid, number=number, received_at=received_at, kind=ComplaintKind(kind), status=Status(status),
            role=PartyRole(role), summary=summary,
        ))
        if len(cases) >= limit:
            break
    return cases
