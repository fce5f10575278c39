"""Erasure requests (vergetelheid): one person anonymised on request, leaving no copy
behind: not in their cases, the drafts of the form, the subjects of AVG requests, the
mail they sent, the outbox, the full-text index or the database's WAL. Each erasure is
noted in the erasure register, so a restored backup does not bring them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from klachtdesk.errors import ValidationError
from klachtdesk.models import Complaint, Party, PartyRole, Person, PrivacyRequest, PrivacyRequestKind
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.people.profile import earlier_values
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.limits import checked
from klachtdesk.services.privacy.anonymise import (
    _anonymise_case,
    _anonymise_person_row,
    _forms,
    _is_staff,
    _remove_from_case,
    _remove_outbox_files,
    _scrubber,
)
from klachtdesk.services.privacy import register
from klachtdesk.services.privacy.traces import (
    ERASURE_TABLES,
    forget_files,
    forget_mail_from,
    scrub_drafts,
    scrub_requests,
)
from klachtdesk.services.privacy.requests import PersonMatch, PrivacyRequestView, _finish_request, _resolve, _view
from klachtdesk.services.privacy.settings import counted

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
    #: what the person handling the request must still know or do (copies outside klachtdesk)
    notes: tuple[str, ...] = ()

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
    return plan_for(session, _resolve(session, query, person_ids))


def plan_for(session: Session, people: list[Person]) -> _ErasurePlan:
    """What erasing these people takes (staff are refused)."""
    matches = []
    ids = {p.id for p in people if p.id is not None}
    for person in people:
        assert person.id is not None
        if _is_staff(session, person.id):
            raise ValidationError(
                f"{person.name} is medewerker van de organisatie; medewerkersgegevens vallen niet onder dit "
                "verzoek. Schakel de medewerker uit met 'klachtdesk medewerker uit'.", field="onderwerp")
        count = int(session.exec(select(func.count()).select_from(Party).where(Party.person_id == person.id)).one())
        matches.append(PersonMatch(person.id, person.name, display_phone(person.phone), person.email or "", count))
    parties = session.exec(select(Party).where(Party.person_id.in_(list(ids)))).all()  # type: ignore[attr-defined]
    own = sorted({p.complaint_id for p in parties if PartyRole(p.role) is PartyRole.COMPLAINANT})
    involved = sorted({p.complaint_id for p in parties} - set(own))
    # their details as they are now, and as the history of corrections holds them (old and new)
    forms = sorted({form for person in people for form in _forms(person)}
                   | {value for value in earlier_values(session, ids) if len(value.strip()) >= 3},
                   key=len, reverse=True)
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
    with context.db.write() as session:
        plan = _erasure_plan(session, query, person_ids)
        result = plan.result(False, None)
        request = _finish_request(session, context, PrivacyRequestKind.ERASURE, query, min(plan.ids), received_at,
                                  request_id, result.summary)
        earlier = session.exec(select(PrivacyRequest.id).where(
            PrivacyRequest.person_id.in_(list(plan.ids)), PrivacyRequest.kind == PrivacyRequestKind.ACCESS,  # type: ignore[union-attr]
            PrivacyRequest.done_at.is_not(None)).order_by(PrivacyRequest.id)).all()  # type: ignore[union-attr]
        done = carry_out(session, context, plan, request.id)
        view = _view(session, context, request)
    notes = list(finish(context, done))
    if earlier:
        notes.append(f"Eerder zijn de gegevens bij inzage uitgegeven (verzoek {', '.join(str(i) for i in earlier)}); "
                     "verwijder kopieën van die uitvoer buiten klachtdesk.")
    return replace(result, request=view, notes=tuple(notes))


@dataclass(frozen=True)
class Erased:
    """What a transaction erased, for the work after the commit (files, the WAL)."""

    outbox_files: list[str]
    forms: list[str]
    numbers: list[str]


def carry_out(session: Session, context: Context, plan: _ErasurePlan, request_id: int | None, *,
              record: bool = True) -> Erased:
    """Erase the people of ``plan`` in the caller's transaction, noting it in the register
    (``record`` False: the register itself is being applied again)."""
    scrub = _scrubber((), plan.forms)
    for person in plan.people:
        if record and person.anonymised_at is None:
            register.record_person(session, context, person, register.REQUEST, request_id)
    forget_mail_from(session, context, plan.people, scrub, plan.involved)
    scrub_drafts(session, scrub)
    scrub_requests(session, plan.ids, scrub)
    files: list[str] = []
    numbers: list[str] = []
    data = {"reden": "verzoek", "verzoek": request_id}
    for cid in plan.own:
        complaint = plan.complaints[cid]
        if complaint.anonymised_at is not None:
            continue
        if record:
            register.record_case(session, context, complaint.number, register.REQUEST, request_id)
        numbers.append(complaint.number)
        outcome = _anonymise_case(
            session, context, complaint,
            f"Zaak geanonimiseerd op verzoek van de klager (AVG, verzoek {request_id})", data,
            forget=frozenset(plan.ids), forms=plan.forms, record=record)
        files += outcome.outbox_files
    for cid in plan.involved:
        complaint = plan.complaints[cid]
        if complaint.anonymised_at is None:
            _remove_from_case(session, context, complaint, plan.people, plan.forms, request_id)
    now = context.now()
    for person in plan.people:
        if person.anonymised_at is None:
            _anonymise_person_row(person, now)
    session.flush()
    return Erased(files, list(plan.forms), numbers)


def finish(context: Context, done: Erased) -> list[str]:
    """After the commit: the files go, and the database keeps no old copy (index, WAL)."""
    _remove_outbox_files(done.outbox_files)
    forget_files(done.forms, done.numbers)
    if context.db.wipe_freed(ERASURE_TABLES):
        return []
    return ["Een andere werkplek had de database open; de laatste oude kopie in het logbestand van de database "
            "(-wal) verdwijnt zodra die werkplek de database sluit."]

