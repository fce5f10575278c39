"""The procedure's statuses and the steps between them, enforced here and only here.

Complaints: nieuw → toegewezen → in behandeling → (in bemiddeling) → oplossing
voorgesteld → opgelost → gesloten; doorverwezen naar de geschillencommissie after a
closure without a solution; heropend. Questions (factuurvraag, accountvraag):
doorgestuurd → afgehandeld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from klachtdesk.clock import local
from klachtdesk.errors import NotFound, TransitionRefused, ValidationError
from klachtdesk.models import (
    Acceptance,
    Complaint,
    ComplaintKind,
    ContactMedium,
    Deadline,
    DeadlineKind,
    DeadlineUnit,
    Direction,
    Event,
    EventType,
    Staff,
    StaffRoleLink,
    Status,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.core import events
from klachtdesk.services.identity import staff
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.core.permissions import Permission, permissions_for
from klachtdesk.services.limits import checked

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


def path_to(kind: ComplaintKind, current: Status, target: Status) -> list[Status] | None:
    """The shortest walk along the transition table from ``current`` to ``target`` (the
    statuses after ``current``), never through a closure, a reopening or a referral;
    ``[]`` when already there, None when the table has no such walk."""
    if current is target:
        return []
    table = transitions_for(kind)
    avoid = CLOSING_STATUSES | {S.REOPENED, S.REFERRED}
    previous: dict[Status, Status] = {}
    frontier = [current]
    while frontier:
        following = []
        for status in frontier:
            for step in sorted(table.get(status, frozenset()), key=_STATUS_ORDER.index):
                if step in previous or step is current or (step in avoid and step is not target):
                    continue
                previous[step] = status
                if step is target:
                    walk = [step]
                    while walk[-1] is not current and previous[walk[-1]] is not current:
                        walk.append(previous[walk[-1]])
                    return walk[::-1]
                following.append(step)
        frontier = following
    return None


# -- how the steps are worded in the history (the demo data words its history with these) -----


def status_line(current: Status, to: Status) -> str:
    return f"Status: {current.value} → {to.value}"


def status_data(current: Status, to: Status, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"van": current.value, "naar": to.value, **(extra or {})}


def closing_line(to: Status, answer: Acceptance) -> str:
    return (f"Zaak gesloten; klager akkoord: {answer.value}" if to is S.CLOSED
            else f"Vraag afgehandeld; akkoord: {answer.value}")


def reopening_line(current: Status) -> str:
    return f"Heropend (was: {current.value})"


REFERRAL_LINE = "Doorverwezen naar de geschillencommissie"


def assignment_line(previous: str | None, target: str) -> str:
    return f"Overgedragen van {previous} aan {target}" if previous else f"Toegewezen aan {target}"


def assignment_data(previous: str | None, previous_id: int | None, target: str, target_id: int) -> dict[str, Any]:
    return {"van": previous, "van_id": previous_id, "naar": target, "naar_id": target_id}


def contact_line(medium: ContactMedium, direction: Direction) -> str:
    return f"Contact met de klager: {medium.value}, {'inkomend' if direction is Direction.IN else 'uitgaand'}"


def contact_data(medium: ContactMedium, direction: Direction, by_handler: bool) -> dict[str, Any]:
    return {"medium": medium.value, "richting": direction.value, "door_behandelaar": by_handler}


def extension_line(current_due: date, new_due: date) -> str:
    return f"Beslistermijn verlengd van {format_date(current_due)} tot {format_date(new_due)}"


def extension_data(current_due: date, new_due: date, weeks: int) -> dict[str, Any]:
    return {"termijn": str(DeadlineKind.DECISION), "van": current_due.isoformat(), "tot": new_due.isoformat(),
            "weken": weeks}


def apply_transition(
    session: Session,
    context: Context,
    complaint: Complaint,
    to: Status,
    reason: str | None = None,
    *,
    summary: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Move the case to ``to`` inside the caller's transaction and record the event.

    The caller bumps the version (``complaints.bump``) or has already done so.
    Returns the recorded event (a deadline may be met by it).
    """
    current = Status(complaint.status)
    check_transition(ComplaintKind(complaint.kind), current, to)
    complaint.status = to
    session.add(complaint)
    return events.record(
        session, context, complaint.id, EventType.STATUS_CHANGED, summary or status_line(current, to),
        body=reason or None, data=status_data(current, to, data),
    )


def advance(
    session: Session, context: Context, complaint: Complaint, target: Status, reason: str | None = None, *,
    handler_id: int | None = None,
) -> list[Status]:
    """Move the case to ``target`` inside the caller's transaction, step by step along the
    transition table (``path_to``), each step in the history — the planner's steps go
    this way. A step that needs a behandelaar takes ``handler_id`` when the case has none
    (the klachtenfunctionaris of a session handles the complaint, as in the seed
    procedure); without one it is refused. Returns the statuses passed; the caller bumps
    the version. ``TransitionRefused`` says why a walk is impossible."""
    kind, current = ComplaintKind(complaint.kind), Status(complaint.status)
    walk = path_to(kind, current, target)
    if walk is None:
        check_transition(kind, current, target)  # raises with the table's own reason
        raise TransitionRefused(f"Van '{current.value}' naar '{target.value}' kan niet.")
    if walk and kind is ComplaintKind.COMPLAINT and complaint.handler_id is None and _NEEDS_HANDLER & set(walk):
        if handler_id is None or not context.user.may(Permission.ASSIGN):  # assigning is ASSIGN's, also here
            raise TransitionRefused(f"Van '{current.value}' naar '{target.value}' kan niet; wijs eerst een "
                                    "behandelaar toe.")
        handler = session.get(Staff, handler_id)
        roles = set(session.exec(select(StaffRoleLink.role).where(StaffRoleLink.staff_id == handler_id)).all())
        if handler is None or not handler.active or Permission.HANDLE not in permissions_for(roles):
            raise TransitionRefused(f"Van '{current.value}' naar '{target.value}' kan niet; wijs eerst een "
                                    "behandelaar toe.")
        complaint.handler_id = handler_id
        session.add(complaint)
        events.record(session, context, complaint.id, EventType.ASSIGNED, assignment_line(None, handler.name),
                      body=reason or None, data=assignment_data(None, None, handler.name, handler_id))
    for step in walk:
        apply_transition(session, context, complaint, step, reason)
    return walk


# ---------------------------------------------------------------------------------------
# the steps of the procedure, each one transaction with optimistic locking
# ---------------------------------------------------------------------------------------

#: reached only through ``close`` (they need a resolution and the klager's answer)
CLOSING_STATUSES = frozenset({S.CLOSED, S.HANDLED})
#: a complaint in one of these statuses has a behandelaar
_NEEDS_HANDLER = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.IN_MEDIATION, S.SOLUTION_PROPOSED, S.RESOLVED})
_STATUS_ORDER = list(Status)


def _load(session: Session, complaint_id: int, expected_version: int | None = None) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    if expected_version is not None:
        complaints.check_version(session, complaint, expected_version)
    return complaint


def _handler_of(session: Session, complaint_id: int) -> int | None:
    """The behandelaar of a case (for a permission a behandelaar holds on their own cases only)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    return complaint.handler_id


def _required(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


def step_targets(kind: ComplaintKind, current: Status) -> list[Status]:
    """The statuses the status dialog offers: the allowed next ones except closing,
    which has its own action (resolution and the klager's answer)."""
    return sorted(allowed_next(kind, current) - CLOSING_STATUSES, key=_STATUS_ORDER.index)


@checked(complaint_id="id", reason="reason")
def transition(
    context: Context, complaint_id: int, expected_version: int, to: Status | str, reason: str | None = None
) -> int:
    """Move a case one step along its procedure; returns the new version.

    Refused (``TransitionRefused``, with the reason) when the tables do not allow the
    step, when a complaint has no behandelaar yet for a step that needs one, or when
    the step is a closure (use ``close``). Reopening needs a reason.
    """
    context.require(Permission.HANDLE)
    try:
        to = Status(to)
    except ValueError:
        raise TransitionRefused(f"'{to}' is geen status.") from None
    with context.db.write() as session:
        complaint = _load(session, complaint_id, expected_version)
        context.require_on_case(Permission.HANDLE, complaint.handler_id)
        kind, current = ComplaintKind(complaint.kind), Status(complaint.status)
        check_transition(kind, current, to)
        if to in CLOSING_STATUSES:
            raise TransitionRefused(
                "Afsluiten gaat met 'Afsluiten': daar legt u de oplossing vast en of de klager akkoord is."
            )
        if to is S.REOPENED:
            context.require_on_case(Permission.CLOSE, complaint.handler_id)
            return _reopen(session, context, complaint, expected_version, reason)
        if to is S.REFERRED:
            context.require_on_case(Permission.CLOSE, complaint.handler_id)
            return _refer(session, context, complaint, expected_version, reason)
        if kind is ComplaintKind.COMPLAINT and to in _NEEDS_HANDLER and complaint.handler_id is None:
            raise TransitionRefused(f"Van '{current.value}' naar '{to.value}' kan niet; wijs eerst een behandelaar toe.")
        apply_transition(session, context, complaint, to, reason)
        return complaints.bump(session, context, complaint, expected_version)


# -- assignment -------------------------------------------------------------------------


def handler_candidates(context: Context) -> list[staff.StaffMember]:
    """Active staff whose role lets them handle a case (for the assign dialog)."""
    context.require(Permission.READ_STATUS)
    return [m for m in staff.list_staff(context) if Permission.HANDLE in permissions_for(m.roles)]


@checked(complaint_id="id", handler_id="id", reason="reason")
def assign(
    context: Context, complaint_id: int, expected_version: int, handler_id: int, reason: str | None = None
) -> int:
    """The klachtenmanager assigns (or reassigns) the behandelaar; a new case becomes
    'toegewezen'. Both are events in the history. Returns the new version."""
    context.require(Permission.ASSIGN)
    with context.db.write() as session:
        complaint = _load(session, complaint_id, expected_version)
        current = Status(complaint.status)
        if current.is_final:
            raise TransitionRefused(f"Een zaak met status '{current.value}' krijgt geen behandelaar; heropen haar eerst.")
        target = session.get(Staff, handler_id)
        if target is None or not target.active:
            raise ValidationError("Kies een actieve medewerker als behandelaar.", field="handler")
        roles = {r for r in session.exec(select(StaffRoleLink.role).where(StaffRoleLink.staff_id == handler_id)).all()}
        if Permission.HANDLE not in permissions_for(roles):
            raise ValidationError(f"{target.name} heeft geen rol die zaken mag behandelen.", field="handler")
        if complaint.handler_id == handler_id:
            raise ValidationError(f"{target.name} is al de behandelaar van deze zaak.", field="handler")
        previous = session.get(Staff, complaint.handler_id) if complaint.handler_id else None
        if current is S.NEW and ComplaintKind(complaint.kind) is ComplaintKind.COMPLAINT:
            complaint.handler_id = handler_id  # the guard of the step reads it
            apply_transition(session, context, complaint, S.ASSIGNED)
        summary = assignment_line(previous.name if previous else None, target.name)
        events.record(
            session, context, complaint_id, EventType.ASSIGNED, summary, body=(reason or "").strip() or None,
            data=assignment_data(previous.name if previous else None, previous.id if previous else None,
                                 target.name, handler_id),
        )
        return complaints.bump(session, context, complaint, expected_version, handler_id=handler_id)


# -- closing, reopening, the geschillencommissie ---------------------------------------------


@checked(complaint_id="id", resolution="resolution")
def close(
    context: Context, complaint_id: int, expected_version: int, resolution: str, accepted: Acceptance | str
) -> int:
    """Close a case with its resolution and whether the klager accepted it.

    A complaint closes from 'oplossing voorgesteld' or 'opgelost'; a question is
    'afgehandeld'. Open deadlines are settled (see ``_settle_deadlines``).
    """
    context.require(Permission.CLOSE)
    text = _required(resolution, "resolution", "Beschrijf de oplossing (of waarom er geen is).")
    try:
        answer = Acceptance(accepted)
    except ValueError:
        raise ValidationError("Kies of de klager akkoord is: ja, nee of onbekend.", field="accepted") from None
    with context.db.write() as session:
        complaint = _load(session, complaint_id, expected_version)
        context.require_on_case(Permission.CLOSE, complaint.handler_id)
        kind = ComplaintKind(complaint.kind)
        to = S.CLOSED if kind is ComplaintKind.COMPLAINT else S.HANDLED
        summary = closing_line(to, answer)
        event = apply_transition(session, context, complaint, to, text, summary=summary, data={"akkoord": answer.value})
        version = complaints.bump(
            session, context, complaint, expected_version, resolution=text, accepted=answer, closed_at=event.at
        )
        _settle_deadlines(session, context, complaint, event)
        return version


#: the deadlines a letter to the klager meets: at a closure they stay open until it is sent
LETTER_EVENTS = ("reactie", "beslissing")


def _settle_deadlines(session: Session, context: Context, complaint: Complaint, event: Event) -> None:
    """What a closure does to the open deadlines. A deadline is met only by its event
    (design rule 5), so closing a complaint meets none: a reply or decision not yet sent
    stays open until the letter goes out (the klager is owed it; the close dialog offers
    it), and a deadline that has passed unmet stays on record as missed. Deadlines not yet
    due that no letter meets (first contact) lapse. Handling a question is its answer:
    it meets the question's reply deadline. Agreements of sessions keep their own follow-up."""
    assert complaint.id is not None
    complaint_id = complaint.id
    met = []
    if ComplaintKind(complaint.kind).is_question:
        met = deadlines.meet(session, context, complaint_id, "reactie", event)
    letter_kinds = {rule.kind for met_by in LETTER_EVENTS for rule in deadlines.rules_met_by(context, met_by)}
    closing_day = local(event.at).date()
    rest = session.exec(
        select(Deadline).where(
            Deadline.complaint_id == complaint_id,
            Deadline.met_at.is_(None),  # type: ignore[union-attr]
            Deadline.cancelled_at.is_(None),  # type: ignore[union-attr]
            Deadline.kind != DeadlineKind.AGREEMENT,
        ).order_by(Deadline.due, Deadline.id)
    ).all()
    owed, missed, lapsed = [], [], []
    for row in rest:
        if DeadlineKind(row.kind) in letter_kinds:
            owed.append(row)
        elif closing_day > row.due:
            missed.append(row)
        else:
            row.cancelled_at = event.at
            lapsed.append(row)
    session.flush()
    deadlines.refresh_next_due(session, complaint_id)
    if not (met or owed or missed or lapsed):
        return
    parts = [f"{row.label or row.kind} {deadlines.state_of(row.due, row.met_at, closing_day).value}" for row in met]
    parts += [f"{row.label or row.kind} nog open: niet verstuurd (uiterlijk {format_date(row.due)})" for row in owed]
    parts += [f"{row.label or row.kind} niet gehaald" for row in missed]
    parts += [f"{row.label or row.kind} vervallen" for row in lapsed]
    events.record(
        session, context, complaint_id, EventType.DEADLINE, "Termijnen bij sluiting: " + "; ".join(parts),
        data={"gehaald": [str(r.kind) for r in met], "open": [str(r.kind) for r in owed],
              "niet_gehaald": [str(r.kind) for r in missed], "vervallen": [str(r.kind) for r in lapsed]},
    )


def letters_owed(kind: ComplaintKind, views: list[deadlines.DeadlineView]) -> list[deadlines.DeadlineView]:
    """The deadlines of a complaint that only a letter to the klager meets and that are
    still open: closing leaves them open (the close dialog says so and offers the letter)."""
    if kind.is_question:
        return []
    return [view for view in views if view.met_at is None and view.kind in (DeadlineKind.DECISION, DeadlineKind.REPLY)]


def closing_warning(kind: ComplaintKind, views: list[deadlines.DeadlineView]) -> str | None:
    """What the close dialog says about the letters still owed (None: none)."""
    owed = letters_owed(kind, views)
    if not owed:
        return None
    names = " en ".join(f"{view.label[:1].lower()}{view.label[1:]} (uiterlijk {format_date(view.due)})"
                        for view in owed)  # "beslissing op de klacht (Wkkgz)": only the first letter lowered
    return (f"Nog niet verstuurd: {names}. Afsluiten haalt die termijn niet: hij blijft open tot de "
            "beslissing aan de klager verstuurd is.")


@checked(complaint_id="id", reason="reason")
def reopen(context: Context, complaint_id: int, expected_version: int, reason: str) -> int:
    """Reopen a closed (or referred, or handled) case; the reason is in the history."""
    context.require(Permission.CLOSE)
    with context.db.write() as session:
        complaint = _load(session, complaint_id, expected_version)
        context.require_on_case(Permission.CLOSE, complaint.handler_id)
        return _reopen(session, context, complaint, expected_version, reason)


def _reopen(session: Session, context: Context, complaint: Complaint, expected_version: int, reason: str | None) -> int:
    """Reopen: a clean slate for the outcome (the earlier one stays in the history, in this
    event too), and running deadlines again (``[heropenen]`` in ``termijnen.toml``)."""
    text = _required(reason, "reason", "Geef de reden om de zaak te heropenen.")
    current = Status(complaint.status)
    earlier = {"vorige_oplossing": complaint.resolution,
               "vorig_akkoord": Acceptance(complaint.accepted).value if complaint.accepted else None}
    event = apply_transition(session, context, complaint, S.REOPENED, text, summary=reopening_line(current),
                             data=earlier)
    version = complaints.bump(session, context, complaint, expected_version, closed_at=None, resolution=None,
                              accepted=None)
    _restart_deadlines(session, context, complaint, event)
    return version


def reopen_deadlines_line(rows: list[Deadline]) -> str:
    return "Termijnen na heropenen: " + "; ".join(
        f"{row.label or row.kind} uiterlijk {format_date(row.due)}" for row in rows)


def _restart_deadlines(session: Session, context: Context, complaint: Complaint, event: Event) -> None:
    """New running deadlines for a reopened case; a kind still open (a decision never sent)
    keeps its deadline rather than getting a second one."""
    assert complaint.id is not None
    still_open = set(session.exec(
        select(Deadline.kind).where(
            Deadline.complaint_id == complaint.id, Deadline.met_at.is_(None),  # type: ignore[union-attr]
            Deadline.cancelled_at.is_(None),  # type: ignore[union-attr]
        )
    ).all())
    rows = deadlines.create_on_reopen(session, context, complaint, event.at, skip=frozenset(still_open))
    if rows:
        events.record(session, context, complaint.id, EventType.DEADLINE, reopen_deadlines_line(rows),
                      data={"heropend": [str(row.kind) for row in rows],
                            "vanaf": context.settings.reopen.counts_from})


@checked(complaint_id="id", reason="reason")
def refer(context: Context, complaint_id: int, expected_version: int, reason: str | None = None) -> int:
    """Refer a complaint closed without a fitting solution to the geschillencommissie."""
    context.require(Permission.CLOSE)
    with context.db.write() as session:
        complaint = _load(session, complaint_id, expected_version)
        context.require_on_case(Permission.CLOSE, complaint.handler_id)
        return _refer(session, context, complaint, expected_version, reason)


def _refer(session: Session, context: Context, complaint: Complaint, expected_version: int, reason: str | None) -> int:
    check_transition(ComplaintKind(complaint.kind), Status(complaint.status), S.REFERRED)
    if complaint.accepted == Acceptance.YES:
        raise TransitionRefused(
            "De klager heeft de oplossing aanvaard; doorverwijzen naar de geschillencommissie is voor een "
            "afsluiting zonder passende oplossing."
        )
    apply_transition(session, context, complaint, S.REFERRED, (reason or "").strip() or None,
                     summary=REFERRAL_LINE)
    return complaints.bump(session, context, complaint, expected_version)


@checked(complaint_id="id", outcome="dispute_outcome")
def record_dispute_outcome(context: Context, complaint_id: int, expected_version: int, outcome: str) -> int:
    """The geschillencommissie's outcome, recorded later on a referred case."""
    context.require(Permission.CLOSE)
    text = _required(outcome, "outcome", "Beschrijf de uitkomst van de geschillencommissie.")
    with context.db.write() as session:
        complaint = _load(session, complaint_id, expected_version)
        context.require_on_case(Permission.CLOSE, complaint.handler_id)
        if Status(complaint.status) is not S.REFERRED:
            raise TransitionRefused("De uitkomst van de geschillencommissie hoort bij een doorverwezen zaak.")
        earlier = complaint.dispute_outcome
        version = complaints.bump(session, context, complaint, expected_version, dispute_outcome=text)
        events.record(
            session, context, complaint_id, EventType.FIELD_CHANGED,
            "Uitkomst geschillencommissie gewijzigd" if earlier else "Uitkomst geschillencommissie vastgelegd",
            body=text, data={"veld": "dispute_outcome"},
        )
        return version


# -- contact with the klager and notes -------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    """An event added to the history, and the deadlines it met (their labels)."""

    event_id: int
    met: tuple[str, ...] = ()


#: which contacts meet the first-contact deadline, in words (the contact dialog shows it)
CONTACT_RULE = ("Telt voor de termijn van het eerste contact: elk uitgaand contact, of een inkomend telefoon"
                "gesprek of gesprek — vastgelegd door de behandelaar of een collega die zaken behandelt "
                "(niet door de klantenservice, niet een inkomende e-mail of brief).")


def counts_as_contact(handles: bool, medium: ContactMedium, direction: Direction) -> bool:
    """Whether a contact meets the first-contact deadline (``CONTACT_RULE``): someone who
    handles the case (its behandelaar, or a colleague whose role handles cases) reached the
    klager — any outgoing contact, or an incoming call or conversation they took."""
    return handles and (direction is Direction.OUT or medium in (ContactMedium.PHONE, ContactMedium.MEETING))


def contact_hint(context: Context, case: complaints.CaseDetail) -> str | None:
    """What the contact dialog says: which contacts count, and whether the user's do
    (None when no first-contact deadline is open)."""
    open_rows = [d for d in case.deadlines if d.met_at is None and d.kind is DeadlineKind.FIRST_CONTACT]
    if not open_rows:
        return None
    mine = context.user.may(Permission.HANDLE)
    who = "Uw contact telt." if mine else "Uw contact telt niet: uw rol behandelt geen zaken."
    return f"{CONTACT_RULE} Termijn: uiterlijk {format_date(open_rows[0].due)}. {who}"


@checked(complaint_id="id", summary="contact_summary", at="day")
def log_contact(
    context: Context,
    complaint_id: int,
    medium: ContactMedium | str,
    direction: Direction | str,
    summary: str,
    *,
    at: datetime | None = None,
) -> Logged:
    """Record a contact with the klager; the behandelaar's first contact meets the
    first-contact deadline."""
    context.require(Permission.LOG_CONTACT)
    text = _required(summary, "summary", "Vat het contact kort samen.")
    try:
        medium, direction = ContactMedium(medium), Direction(direction)
    except ValueError:
        raise ValidationError("Kies hoe het contact ging (telefoon, e-mail, brief, gesprek) en of het in of uit ging.",
                              field="medium") from None
    moment = at or context.now()
    if moment > context.now():
        raise ValidationError("Het moment van het contact ligt in de toekomst.", field="at")
    with context.db.write() as session:
        complaint = _load(session, complaint_id)
        if moment < complaint.received_at:
            raise ValidationError("Het contact ligt vóór de ontvangst van de melding.", field="at")
        by_handler = complaint.handler_id is not None and complaint.handler_id == context.user.id
        event = events.record(
            session, context, complaint_id, EventType.CONTACT, contact_line(medium, direction),
            body=text, data=contact_data(medium, direction, by_handler),
            at=moment,
        )
        handles = by_handler or context.user.may(Permission.HANDLE)
        met = deadlines.meet(session, context, complaint_id, "contact", event) \
            if counts_as_contact(handles, medium, direction) else []
        assert event.id is not None
        return Logged(event.id, tuple(row.label or str(row.kind) for row in met))


@checked(complaint_id="id", text="case_note")
def add_note(context: Context, complaint_id: int, text: str, *, confidential: bool = False) -> Logged:
    """An internal note; a confidential one is the klachtenfunctionaris's and only that
    role can read it."""
    context.require(Permission.CONFIDENTIAL_NOTES if confidential else Permission.WRITE_NOTE)
    body = _required(text, "text", "Een lege notitie wordt niet bewaard.")
    with context.db.write() as session:
        _load(session, complaint_id)
        event = events.record(
            session, context, complaint_id,
            EventType.CONFIDENTIAL_NOTE if confidential else EventType.NOTE,
            "Vertrouwelijke notitie (klachtenfunctionaris)" if confidential else "Interne notitie",
            body=body, confidential=confidential,
        )
        assert event.id is not None
        return Logged(event.id)


# -- extension of the decision deadline (Wkkgz) ----------------------------------------------


@dataclass(frozen=True)
class ExtensionPlan:
    deadline_id: int
    current_due: date
    new_due: date
    weeks: int
    extended_weeks: int


def why_no_extension(
    kind: ComplaintKind, due: date | None, met: bool, extended: bool, extension_to: int | None, today: date
) -> str | None:
    """The rule of the extension, as a reason it cannot happen (None: it can).

    Once, by a written notice to the klager before the first period ends.
    """
    if kind is not ComplaintKind.COMPLAINT:
        return "Alleen een klacht heeft een beslistermijn die verlengd kan worden."
    if due is None:
        return "Deze zaak heeft geen (open) beslistermijn."
    if not extension_to:
        return "De instellingen (termijnen.toml) staan geen verlenging van de beslistermijn toe."
    if met:
        return "De beslissing is al verstuurd; verlengen is niet meer nodig."
    if extended:
        return f"De beslistermijn is al verlengd tot {format_date(due)}; verlengen kan maar één keer."
    if today > due:
        return (f"De eerste termijn liep af op {format_date(due)}; verlengen kan alleen met een bericht "
                "vóór het einde van die termijn.")
    return None


def extension_plan(session: Session, context: Context, complaint_id: int) -> ExtensionPlan:
    """Where the decision deadline would move to; ``TransitionRefused`` says why it cannot."""
    complaint = _load(session, complaint_id)
    row = session.exec(
        select(Deadline).where(
            Deadline.complaint_id == complaint_id, Deadline.kind == DeadlineKind.DECISION,
            Deadline.cancelled_at.is_(None),  # type: ignore[union-attr]
        ).order_by(Deadline.id)
    ).first()
    rule = context.settings.rule(DeadlineKind.DECISION)
    extension_to = rule.extension_to if rule else None
    why = why_no_extension(
        ComplaintKind(complaint.kind), row.due if row else None, bool(row and row.met_at),
        bool(row and row.extended_at), extension_to, context.today(),
    )
    if why:
        raise TransitionRefused(why)
    assert row is not None and row.id is not None and extension_to is not None
    if DeadlineUnit(row.unit) is DeadlineUnit.WEEKS:
        new_due = context.calendars.statutory.due_in_weeks(row.anchor, extension_to)
    else:  # a procedure that counts its decision in werkdagen extends in werkdagen
        new_due = context.calendars.organisation.add_werkdagen(row.anchor, extension_to)
    return ExtensionPlan(row.id, row.due, new_due, row.amount, extension_to)


def check_extension(context: Context, complaint_id: int) -> ExtensionPlan:
    context.require(Permission.EXTEND_DEADLINE)
    with context.db.read() as session:
        context.require_on_case(Permission.EXTEND_DEADLINE, _handler_of(session, complaint_id))
        return extension_plan(session, context, complaint_id)


@checked(complaint_id="id", notice="extension_notice")
def extend_decision(session: Session, context: Context, complaint_id: int, notice: str) -> ExtensionPlan:
    """Extend the decision deadline inside the caller's transaction (the notice is sent
    by ``messages.send``, which calls this). Records ``extended_at`` and the notice."""
    context.require_on_case(Permission.EXTEND_DEADLINE, _handler_of(session, complaint_id))
    plan = extension_plan(session, context, complaint_id)
    row = session.get(Deadline, plan.deadline_id)
    assert row is not None
    row.due, row.extended_at, row.extension_notice = plan.new_due, context.now(), notice
    session.add(row)
    session.flush()
    deadlines.refresh_next_due(session, complaint_id)
    events.record(
        session, context, complaint_id, EventType.DEADLINE,
        extension_line(plan.current_due, plan.new_due),
        data=extension_data(plan.current_due, plan.new_due, plan.extended_weeks),
    )
    return plan


# -- what the current user can do on a case ----------------------------------------------------


@dataclass(frozen=True)
class ActionState:
    """``allowed``: the role may (else the screen hides it); ``possible``: the case's
    state allows it now (else ``why_not`` says why)."""

    allowed: bool
    possible: bool = True
    why_not: str | None = None

    @property
    def enabled(self) -> bool:
        return self.allowed and self.possible


ACTION_PERMISSIONS: dict[str, tuple[Permission, ...]] = {
    "assign": (Permission.ASSIGN,),
    "status": (Permission.HANDLE,),
    "contact": (Permission.LOG_CONTACT,),
    "message": (Permission.SEND_MESSAGE, Permission.READ_PERSONAL_DATA),
    "note": (Permission.WRITE_NOTE,),
    "confidential_note": (Permission.CONFIDENTIAL_NOTES,),
    "edit": (Permission.HANDLE, Permission.READ_PERSONAL_DATA),
    "close": (Permission.CLOSE,),
    "reopen": (Permission.CLOSE,),
    "extend": (Permission.EXTEND_DEADLINE, Permission.SEND_MESSAGE),
    "plan": (Permission.PLAN_SESSION,),
    "measure": (Permission.MANAGE_MEASURES,),
    "dispute": (Permission.CLOSE,),
}


def case_actions(context: Context, case: complaints.CaseDetail) -> dict[str, ActionState]:
    """Every action of the case screen: may this user, and does the case allow it now."""
    user = context.user
    status, kind = case.status, case.kind

    def state(name: str, why_not: str | None = None) -> ActionState:
        needed = ACTION_PERMISSIONS[name]
        allowed = all(user.may(p) for p in needed)
        if allowed and not all(user.may_on_case(p, case.handler_id) for p in needed):
            # a behandelaar's own cases only (permissions.ASSIGNED_ONLY): the screen says why
            why_not = "Deze zaak is niet aan u toegewezen" + (f" (behandelaar: {case.handler})" if case.handler
                                                             else "") + "; u behandelt alleen uw eigen zaken."
        return ActionState(allowed, why_not is None, why_not)

    anonymised = "De zaak is geanonimiseerd." if case.anonymised else None
    final = f"De zaak is {status.value}." if status.is_final else None
    no_complainant = None if case.complainant or not user.may(Permission.READ_PERSONAL_DATA) else \
        "De zaak heeft geen klager."
    closing = S.CLOSED if kind is ComplaintKind.COMPLAINT else S.HANDLED
    decision = next((d for d in case.deadlines if d.kind is DeadlineKind.DECISION), None)
    rule = context.settings.rule(DeadlineKind.DECISION)
    return {
        "assign": state("assign", final or anonymised),
        "status": state("status", None if step_targets(kind, status) else f"Vanaf '{status.value}' is er geen stap "
                        "behalve afsluiten of heropenen."),
        "contact": state("contact", anonymised),
        "message": state("message", anonymised or no_complainant),
        "note": state("note"),
        "confidential_note": state("confidential_note"),
        "edit": state("edit", anonymised),
        "close": state("close", None if closing in allowed_next(kind, status) else
                       "Afsluiten kan na een voorgestelde of gevonden oplossing."),
        "reopen": state("reopen", None if S.REOPENED in allowed_next(kind, status) else
                        "Alleen een afgesloten zaak kan worden heropend."),
        "extend": state("extend", anonymised or why_no_extension(
            kind, decision.due if decision else None, bool(decision and decision.met_at),
            bool(decision and decision.extended), rule.extension_to if rule else None, context.today())),
        "plan": state("plan", "Alleen een klacht krijgt een bemiddelingsgesprek." if kind.is_question
                      else final or anonymised),
        "measure": state("measure"),
        "dispute": state("dispute", None if status is S.REFERRED else
                         "De uitkomst van de geschillencommissie hoort bij een doorverwezen zaak."),
    }
