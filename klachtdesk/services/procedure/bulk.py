"""Several cases at once: assign a behandelaar, or move the status, for every marked case
of the inbox.

Nothing here decides anything of its own: every case goes through the single action
(``workflow.assign``, ``workflow.transition``) in its own transaction, with its own
permission check (a behandelaar's ``ASSIGNED_ONLY`` scope included), its own step of the
transition table and its own history line. What one case refuses is collected with the
reason, in Dutch, and the rest go on; the result says how many succeeded and which were
refused and why, so nothing fails silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import select

from klachtdesk.errors import KlachtdeskError, TransitionRefused, ValidationError
from klachtdesk.models import Complaint, Staff, Status
from klachtdesk.services.core.context import DRIVER_ERRORS, Context, database_problem
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.limits import check_number, checked
from klachtdesk.services.procedure import workflow

#: cases at most in one bulk action
MAX_CASES = 500


@dataclass(frozen=True)
class Refusal:
    complaint_id: int
    number: str
    reason: str


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the klachtnummers done, and those refused with the reason."""

    done_text: str  # "toegewezen aan Jan Jansen", "naar status 'in behandeling'"
    done: tuple[str, ...]
    refused: tuple[Refusal, ...]

    @property
    def total(self) -> int:
        return len(self.done) + len(self.refused)

    def summary(self) -> str:
        """The result in Dutch, one line for what succeeded, one per refused case."""
        cases = "zaak" if self.total == 1 else "zaken"
        head = f"{len(self.done)} van {self.total} {cases} {self.done_text}."
        if not self.refused:
            return head
        lines = [head, f"Geweigerd ({len(self.refused)}):"]
        lines += [f"{r.number}: {r.reason}" for r in self.refused]
        return "\n".join(lines)


def _cases(context: Context, complaint_ids: Sequence[int]) -> list[tuple[int, str | None, int]]:
    """(id, klachtnummer or None when it does not exist, version), in the order given, each once."""
    ids = list(dict.fromkeys(complaint_ids))
    if not ids:
        raise ValidationError("Markeer eerst een of meer zaken (spatiebalk).", field="cases")
    if len(ids) > MAX_CASES:
        raise ValidationError(f"Hoogstens {MAX_CASES} zaken tegelijk; u markeerde er {len(ids)}.", field="cases")
    for complaint_id in ids:
        check_number(complaint_id, "id", form_field="cases")
    with context.db.read() as session:
        found = {row[0]: (row[1], row[2]) for row in session.execute(
            select(Complaint.id, Complaint.number, Complaint.version)
            .where(Complaint.id.in_(ids))).all()}  # type: ignore[union-attr]
    return [(i, *found.get(i, (None, 0))) for i in ids]


def _each(context: Context, complaint_ids: Sequence[int], done_text: str,
          action: Callable[[int, int], object]) -> BulkResult:
    done: list[str] = []
    refused: list[Refusal] = []
    for complaint_id, number, version in _cases(context, complaint_ids):
        if number is None:
            refused.append(Refusal(complaint_id, f"zaak {complaint_id}", "Deze zaak bestaat niet (meer)."))
            continue
        try:
            action(complaint_id, version)
        except KlachtdeskError as error:
            refused.append(Refusal(complaint_id, number, error.message))
        except DRIVER_ERRORS as error:  # the database refused this one: said, and the rest go on
            refused.append(Refusal(complaint_id, number, database_problem(error).message))
        else:
            done.append(number)
    return BulkResult(done_text, tuple(done), tuple(refused))


@checked(handler_id="id", reason="reason")
def assign_all(context: Context, complaint_ids: Sequence[int], handler_id: int,
               reason: str | None = None) -> BulkResult:
    """``workflow.assign`` for every case: the same rules, one history line each."""
    context.require(Permission.ASSIGN)
    with context.db.read() as session:
        handler = session.exec(select(Staff.name).where(Staff.id == handler_id)).first()
    if handler is None:
        raise ValidationError("Kies een actieve medewerker als behandelaar.", field="handler")
    return _each(context, complaint_ids, f"toegewezen aan {handler}",
                 lambda complaint_id, version: workflow.assign(context, complaint_id, version, handler_id, reason))


@checked(reason="reason")
def transition_all(context: Context, complaint_ids: Sequence[int], to: Status | str,
                   reason: str | None = None) -> BulkResult:
    """``workflow.transition`` for every case: each step checked against the case's own
    transition table and the user's scope on it, one history line each."""
    context.require(Permission.HANDLE)
    try:
        target = Status(to)
    except ValueError:
        raise TransitionRefused(f"'{to}' is geen status.") from None
    return _each(context, complaint_ids, f"naar status '{target.value}'",
                 lambda complaint_id, version: workflow.transition(context, complaint_id, version, target, reason))


def bulk_targets() -> list[Status]:
    """The statuses the bulk dialog offers: every step ``workflow.transition`` may take (not
    closing: that needs a resolution per case; not 'nieuw', which no step goes to)."""
    reachable = {to for table in (workflow.COMPLAINT_TRANSITIONS, workflow.QUESTION_TRANSITIONS)
                 for targets in table.values() for to in targets}
    return [s for s in Status if s in reachable and s not in workflow.CLOSING_STATUSES]


__all__ = ["MAX_CASES", "BulkResult", "Refusal", "assign_all", "bulk_targets", "transition_all"]
