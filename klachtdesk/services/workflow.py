"""The procedure's statuses and the steps between them, enforced here and only here.

Complaints: nieuw → toegewezen → in behandeling → (in bemiddeling) → oplossing
voorgesteld → opgelost → gesloten; doorverwezen naar de geschillencommissie after a
closure without a solution; heropend. Questions (factuurvraag, accountvraag):
doorgestuurd → afgehandeld.
"""

from __future__ import annotations

from sqlmodel import Session

from klachtdesk.errors import TransitionRefused
from klachtdesk.models import Complaint, ComplaintKind, EventType, Status
from klachtdesk.services import events
from klachtdesk.services.context import Context

S = Status

#: status -> the statuses a complaint may go to next
COMPLAINT_TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.ASSIGNED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.IN_MEDIATION}),
    S.IN_PROGRESS: frozenset({S.IN_MEDIATION, S.SOLUTION_PROPOSED}),
    S.IN_MEDIATION: frozenset({S.IN_PROGRESS, S.SOLUTION_PROPOSED}),
    S.SOLUTION_PROPOSED: frozenset({S.RESOLVED, S.IN_PROGRESS, S.IN_MEDIATION, S.CLOSED}),
    S.RESOLVED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.REOPENED, S.REFERRED}),
    S.REFERRED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.IN_MEDIATION}),
}

QUESTION_TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.FORWARDED: frozenset({S.HANDLED}),
    S.HANDLED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.HANDLED}),
}

#: the main path, as the case detail shows it
COMPLAINT_PATH = (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.IN_MEDIATION, S.SOLUTION_PROPOSED, S.RESOLVED, S.CLOSED)
QUESTION_PATH = (S.FORWARDED, S.HANDLED)

#: why a step is refused, for the most common mistakes (else a generic sentence)
_REASONS: dict[tuple[Status, Status], str] = {
    (S.NEW, S.IN_PROGRESS): "wijs eerst een behandelaar toe",
    (S.NEW, S.CLOSED): "een nieuwe klacht wordt eerst behandeld; sluiten kan na een voorgestelde of gevonden oplossing",
    (S.ASSIGNED, S.CLOSED): "sluiten kan pas na een voorgestelde of gevonden oplossing",
    (S.IN_PROGRESS, S.CLOSED): "sluiten kan pas na een voorgestelde of gevonden oplossing",
    (S.RESOLVED, S.REFERRED): "doorverwijzen naar de geschillencommissie kan pas na sluiting zonder passende oplossing",
}


def transitions_for(kind: ComplaintKind) -> dict[Status, frozenset[Status]]:
    return COMPLAINT_TRANSITIONS if kind is ComplaintKind.COMPLAINT else QUESTION_TRANSITIONS


def path_for(kind: ComplaintKind) -> tuple[Status, ...]:
    return COMPLAINT_PATH if kind is ComplaintKind.COMPLAINT else QUESTION_PATH


def allowed_next(kind: ComplaintKind, current: Status) -> frozenset[Status]:
    return transitions_for(kind).get(current, frozenset())


def check_transition(kind: ComplaintKind, current: Status, to: Status) -> None:
    """Raise ``TransitionRefused`` with the reason when ``current → to`` is not a step."""
    if to in allowed_next(kind, current):
        return
    if current == to:
        raise TransitionRefused(f"De zaak heeft de status '{to.value}' al.")
    if to not in transitions_for(kind) and to not in {s for v in transitions_for(kind).values() for s in v}:
        soort = "een klacht" if kind is ComplaintKind.COMPLAINT else f"een {kind.value}"
        raise TransitionRefused(f"De status '{to.value}' bestaat niet voor {soort}.")
    reason = _REASONS.get((current, to))
    options = ", ".join(f"'{s.value}'" for s in sorted(allowed_next(kind, current), key=list(Status).index))
    detail = f"; {reason}" if reason else (f"; vanaf hier kan: {options}" if options else "")
    raise TransitionRefused(f"Van '{current.value}' naar '{to.value}' kan niet{detail}.")


def apply_transition(
    session: Session, context: Context, complaint: Complaint, to: Status, reason: str | None = None
) -> None:
    """Move the case to ``to`` inside the caller's transaction and record the event.

    The caller bumps the version (``complaints.bump``) or has already done so.
    """
    current = Status(complaint.status)
    check_transition(ComplaintKind(complaint.kind), current, to)
    complaint.status = to
    session.add(complaint)
    summary = f"Status: {current.value} → {to.value}"
    events.record(
        session, context, complaint.id, EventType.STATUS_CHANGED, summary,
        body=reason or None, data={"van": current.value, "naar": to.value},
    )
