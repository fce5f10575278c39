"""Retention: a case closed longer ago than the configured period is anonymised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Complaint, EventType, Party, Person, Staff
from klachtdesk.models.enums import FINAL_STATUSES
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.time.dutch import format_count, format_date
from klachtdesk.services.privacy import register
from klachtdesk.services.privacy.anonymise import _anonymise_case, _remove_outbox_files
from klachtdesk.services.privacy.traces import ERASURE_TABLES, forget_files
from klachtdesk.services.privacy.settings import PrivacySettings, counted, retention_cutoff

BATCH = 100

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
    settings = settings or context.settings.privacy
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
        forms: list[str] = []
        numbers: list[str] = []
        with context.db.write() as session:
            for case in found[start:start + BATCH]:
                complaint = session.get(Complaint, case.id)
                if complaint is None or complaint.anonymised_at is not None:
                    continue  # someone else ran it at the same moment
                register.record_case(session, context, complaint.number, register.RETENTION, None)
                outcome = _anonymise_case(session, context, complaint, summary,
                                          {"reden": register.RETENTION, "maanden": settings.retention_months})
                anonymised += len(outcome.persons_anonymised)
                unlinked += outcome.persons_unlinked
                files += outcome.outbox_files
                forms += outcome.forms
                numbers.append(complaint.number)
                done.append(case)
        _remove_outbox_files(files)
        forget_files(forms, numbers)
    result = RetentionResult(False, settings.retention_months, cutoff, done, anonymised, unlinked)
    with context.db.write() as session:
        events.record(session, context, None, EventType.PRIVACY, result.summary,
                      data={"reden": "bewaartermijn", "zaken": len(done), "personen": anonymised,
                            "gesloten_voor": cutoff.isoformat()})
    if done:
        context.db.wipe_freed(ERASURE_TABLES)
    return result
