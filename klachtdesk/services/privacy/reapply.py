"""Applying the erasure register again after a restore: whoever was erased since the
backup was made is erased again, before anyone works with the restored database.

``services.backup.restore`` carries the register of the database it replaced into the
restored one and marks it pending; ``bootstrap.open_context`` calls ``reapply_register``
on every start, which does nothing unless that mark is there. The erasures were
authorised when they were made, so no permission is asked again; each case touched
gets a history line saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from klachtdesk.errors import ValidationError
from klachtdesk.models import Complaint, Person, Setting
from klachtdesk.services.core.context import Context
from klachtdesk.services.privacy import register
from klachtdesk.services.privacy.anonymise import _anonymise_case
from klachtdesk.services.privacy.erasure import Erased, carry_out, finish, plan_for
from klachtdesk.services.privacy.settings import counted

AGAIN = "Opnieuw geanonimiseerd na het terugzetten van een back-up (vergeetregister)"


@dataclass(frozen=True)
class Reapplied:
    lines: int  # lines in the register
    persons: int  # people erased again
    cases: int  # cases anonymised again
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return (f"Het vergeetregister ({self.lines} {counted(self.lines, 'regel', 'regels')}) is opnieuw toegepast: "
                f"{self.persons} {counted(self.persons, 'persoon', 'personen')} en {self.cases} "
                f"{counted(self.cases, 'zaak', 'zaken')} uit de back-up opnieuw geanonimiseerd.")


def reapply_register(context: Context) -> Reapplied | None:
    """Erase again what the register lists, if a restore asked for it; else None."""
    with context.db.read() as session:
        if not register.is_pending(session):
            return None
    files: list[str] = []
    forms: list[str] = []
    numbers: list[str] = []
    persons = cases = 0
    with context.db.write() as session:
        if not register.is_pending(session):
            return None  # another workstation did it meanwhile
        rows = register.register_rows(session)
        key = register._key(session, context)
        by_request: dict[int | None, list[Person]] = {}
        for row in rows:
            if row.person_id is None or not row.fingerprints:
                continue
            person = session.get(Person, row.person_id)
            # the same record (its id) and the same person (a keyed hash): never someone else
            if person is None or person.anonymised_at is not None:
                continue
            if register.fingerprints(key, person) & set(row.fingerprints.split()):
                by_request.setdefault(row.request_id, []).append(person)
        for request_id, people in by_request.items():
            try:
                plan = plan_for(session, people)
            except ValidationError:
                continue  # a staff member in this backup: not erased this way
            done = carry_out(session, context, plan, request_id, record=False)
            persons += len(people)
            cases += len(done.numbers)
            files += done.outbox_files
            forms += done.forms
            numbers += done.numbers
        wanted = {row.complaint_number: row for row in rows if row.complaint_number}
        if wanted:
            found = session.exec(select(Complaint).where(
                Complaint.number.in_(sorted(wanted)), Complaint.anonymised_at.is_(None))).all()  # type: ignore[attr-defined,union-attr]
            for complaint in found:
                row = wanted[complaint.number]
                outcome = _anonymise_case(session, context, complaint, AGAIN,
                                          {"reden": row.reason, "verzoek": row.request_id, "vergeetregister": True},
                                          record=False)
                cases += 1
                files += outcome.outbox_files
                forms += outcome.forms
                numbers.append(complaint.number)
        pending = session.get(Setting, register.PENDING_SETTING)
        if pending is not None:
            session.delete(pending)
    notes = finish(context, Erased(files, forms, numbers))
    return Reapplied(len(rows), persons, cases, tuple(notes))


__all__ = ["Reapplied", "reapply_register"]
