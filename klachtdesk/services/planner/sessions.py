"""The mediation-session planner (bemiddelingsgesprekken).

The procedure: the klachtenfunctionaris decides the steps with the klager and is
physically present at every one — a one-on-one conversation (klager +
aangeklaagde) or a conversation with everyone involved. So:

- the functionaris is always a participant and cannot be left out;
- a session has a location, lies on a werkdag of the organisation's calendar
  and inside office hours, and not in the past;
- no participant (staff or external) is in two sessions at once, across cases;
- ``first_free_slots`` proposes the first moments at which everyone is free;
- after the session: the verslag, the afspraken (each an ``Agreement`` and a
  ``Deadline`` of kind AGREEMENT in werkdagen), the next step and the status
  the case follows; reschedule or cancel with a reason.

Moments are aware datetimes; the views hand them out in Europe/Amsterdam, the
database keeps UTC. Overlap is checked on UTC instants, so the DST weeks are no
special case: a slot is built from a local wall-clock time on its own day.
Screens and the CLI get plain dataclasses from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import NotFound, StaleEdit, TransitionRefused, ValidationError
from klachtdesk.models import (
    Agreement,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    DeadlineUnit,
    EventType,
    MediationSession,
    Party,
    PartyRole,
    Person,
    SessionParticipant,
    SessionStatus,
    SessionType,
    Staff,
    StaffRole,
    StaffRoleLink,
    Status,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.planner.availability import conflicts, earliest_offer, first_free_slots, slot_problems
from klachtdesk.services.planner.views import (
    OFFICER_ROLE,
    AgendaDay,
    AgreementInput,
    AgreementView,
    CaseParty,
    NextStep,
    OfficerChoice,
    OutcomeInput,
    OutcomeResult,
    ParticipantView,
    PlanningInfo,
    SessionRequest,
    SessionView,
    Slot,
    WeekAgenda,
)
from klachtdesk.services.planner.wording import (
    DEFAULT_DURATION,
    as_amsterdam,
    describe_interval,
    end_of,
    parse_day,
    parse_duration,
    parse_moment,
    parse_week,
    week_start,
)
from klachtdesk.services import limits
from klachtdesk.services.procedure import workflow
from klachtdesk.services.time.dutch import format_date, format_datetime


#: the role of a participant who is staff but no party of the case
STAFF_ROLE = "medewerker"

MAX_AGREEMENT_WERKDAGEN = 250

_ROLE_ORDER = {PartyRole.COMPLAINANT: 0, PartyRole.RESPONDENT: 1, PartyRole.INVOLVED: 2}


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


def officers(context: Context) -> list[OfficerChoice]:
    """Active staff with the klachtenfunctionaris role, by name."""
    with context.db.read() as session:
        return _officers(session)


def _officers(session: Session) -> list[OfficerChoice]:
    rows = session.exec(
        select(Staff)
        .join(StaffRoleLink, col(StaffRoleLink.staff_id) == col(Staff.id))
        .where(StaffRoleLink.role == StaffRole.OFFICER, col(Staff.active).is_(True))
        .order_by(Staff.name, Staff.id)
    ).all()
    result = []
    for row in rows:
        assert row.id is not None
        email = row.email
        if email is None and row.person_id is not None:
            person = session.get(Person, row.person_id)
            email = person.email if person else None
        result.append(OfficerChoice(row.id, row.username, row.name, row.person_id, email))
    return result


def default_officer_id(context: Context) -> int | None:
    """The current user if they are a klachtenfunctionaris, else the first one by name."""
    if StaffRole.OFFICER in context.user.roles and context.user.id:
        return context.user.id
    choices = officers(context)
    return choices[0].staff_id if choices else None


def _refusal(complaint: Complaint) -> str | None:
    if ComplaintKind(complaint.kind) is not ComplaintKind.COMPLAINT:
        return f"Een {ComplaintKind(complaint.kind).value} krijgt geen bemiddelingsgesprek; dat is er alleen voor klachten."
    status = Status(complaint.status)
    if status.is_final:
        return f"{complaint.number} heeft de status '{status.value}'; heropen de zaak eerst om een gesprek te plannen."
    if complaint.anonymised_at is not None:
        return f"{complaint.number} is geanonimiseerd; er kan geen gesprek meer worden gepland."
    return None


def _parties(session: Session, complaint_id: int) -> list[CaseParty]:
    rows = session.exec(
        select(Party, Person).join(Person, col(Person.id) == col(Party.person_id))
        .where(Party.complaint_id == complaint_id).order_by(Party.id)
    ).all()
    parties = [
        CaseParty(person.id or 0, person.name, PartyRole(party.role), person.email, party.note) for party, person in rows
    ]
    parties.sort(key=lambda p: _ROLE_ORDER[p.role])  # stable: registration order within a role
    return parties


@limits.checked(complaint_id="id")
def planning_info(context: Context, complaint_id: int) -> PlanningInfo:
    """The case, its parties and the functionarissen, for the planning form."""
    context.require(Permission.PLAN_SESSION)
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise NotFound(f"Zaak {complaint_id} bestaat niet.")
        choices = _officers(session)
        own = context.user.id if StaffRole.OFFICER in context.user.roles and context.user.id else None
        refusal = _refusal(complaint)
        if refusal is None and not choices:
            refusal = "Er is geen medewerker met de rol klachtenfunctionaris; vraag de beheerder er een toe te voegen."
        return PlanningInfo(
            complaint_id=complaint_id, number=complaint.number, kind=ComplaintKind(complaint.kind),
            status=Status(complaint.status), version=complaint.version, parties=tuple(_parties(session, complaint_id)),
            officers=tuple(choices), own_officer_id=own, refusal=refusal,
        )


def _views(session: Session, context: Context, rows: Sequence[MediationSession]) -> list[SessionView]:
    """Session rows as views, with their participants and agreements (three queries in all)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    numbers = dict(session.exec(
        select(Complaint.id, Complaint.number).where(col(Complaint.id).in_({row.complaint_id for row in rows}))
    ).all())
    officer_rows = {
        s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_({row.officer_id for row in rows}))).all()
    }
    participants: dict[int, list[ParticipantView]] = {}
    for part, person in session.exec(
        select(SessionParticipant, Person).join(Person, col(Person.id) == col(SessionParticipant.person_id))
        .where(col(SessionParticipant.session_id).in_(ids)).order_by(SessionParticipant.id)
    ).all():
        participants.setdefault(part.session_id, []).append(
            ParticipantView(person.id or 0, person.name, part.role, person.email)
        )
    agreements: dict[int, list[AgreementView]] = {}
    for agreement in session.exec(
        select(Agreement).where(col(Agreement.session_id).in_(ids)).order_by(Agreement.id)
    ).all():
        agreements.setdefault(agreement.session_id, []).append(
            AgreementView(agreement.id or 0, agreement.description, agreement.owner, agreement.due, agreement.done_at)
        )
    read_outcome = context.user.may(Permission.CONFIDENTIAL_NOTES)
    role_order = {OFFICER_ROLE: 0, PartyRole.COMPLAINANT.value: 1, PartyRole.RESPONDENT.value: 2,
                  PartyRole.INVOLVED.value: 3}
    views = []
    for row in rows:
        assert row.id is not None
        officer = officer_rows.get(row.officer_id)
        people = sorted(participants.get(row.id, []), key=lambda p: role_order.get(p.role, 9))
        officer_email = officer.email if officer else None
        if officer_email is None:
            officer_email = next((p.email for p in people if p.is_officer), None)
        views.append(SessionView(
            id=row.id, version=row.version, complaint_id=row.complaint_id,
            complaint_number=numbers.get(row.complaint_id, "?"), type=SessionType(row.type),
            status=SessionStatus(row.status), officer_id=row.officer_id,
            officer_name=officer.name if officer else "?", officer_email=officer_email,
            starts_at=local(row.starts_at), ends_at=local(row.ends_at), location=row.location,
            participants=tuple(people), cancel_reason=row.cancel_reason,
            outcome=row.outcome if read_outcome else None, next_step=row.next_step,
            agreements=tuple(agreements.get(row.id, [])),
        ))
    return views


def sessions_for_case(context: Context, complaint_id: int) -> list[SessionView]:
    """Every session of one case, earliest first (also cancelled ones: see ``status``)."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        rows = session.exec(
            select(MediationSession).where(MediationSession.complaint_id == complaint_id)
            .order_by(MediationSession.starts_at, MediationSession.id)
        ).all()
        return _views(session, context, rows)


@limits.checked(session_id="id")
def get_session(context: Context, session_id: int) -> SessionView:
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        row = session.get(MediationSession, session_id)
        if row is None:
            raise NotFound(f"Gesprek {session_id} bestaat niet.")
        return _views(session, context, [row])[0]


def sessions_between(
    context: Context, start: datetime, end: datetime, *, officer_id: int | None = None,
    include_cancelled: bool = True,
) -> list[SessionView]:
    """Sessions overlapping [start, end), of one functionaris (as officer or participant) or all."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        query = select(MediationSession).where(
            col(MediationSession.starts_at) < end.astimezone(UTC),
            col(MediationSession.ends_at) > start.astimezone(UTC),
        )
        if not include_cancelled:
            query = query.where(MediationSession.status != SessionStatus.CANCELLED)
        if officer_id is not None:
            officer = session.get(Staff, officer_id)
            if officer is None:
                raise NotFound(f"Medewerker {officer_id} bestaat niet.")
            mine = col(MediationSession.officer_id) == officer_id
            if officer.person_id is not None:
                taking_part = select(SessionParticipant.session_id).where(
                    SessionParticipant.person_id == officer.person_id
                )
                mine = mine | col(MediationSession.id).in_(taking_part)
            query = query.where(mine)
        rows = session.exec(query.order_by(MediationSession.starts_at, MediationSession.id)).all()
        return _views(session, context, rows)


@limits.checked(officer_id="id", day="day")
def week_agenda(context: Context, officer_id: int, day: date) -> WeekAgenda:
    """The week (Monday–Sunday) around ``day`` of one klachtenfunctionaris, with days off marked."""
    monday = week_start(day)
    start = datetime.combine(monday, time(0, 0), tzinfo=AMSTERDAM)
    end = datetime.combine(monday + timedelta(days=7), time(0, 0), tzinfo=AMSTERDAM)
    views = sessions_between(context, start, end, officer_id=officer_id)
    with context.db.read() as session:
        officer = session.get(Staff, officer_id)
        name = officer.name if officer else "?"
    calendar = context.calendars.organisation
    days = []
    for offset in range(7):
        current = monday + timedelta(days=offset)
        days.append(AgendaDay(
            day=current, werkdag=calendar.is_werkdag(current), day_off=calendar.day_off_name(current),
            office_hours=calendar.office_hours_on(current),
            sessions=tuple(v for v in views if v.day == current),
        ))
    return WeekAgenda(officer_id=officer_id, officer_name=name, week_start=monday, days=tuple(days),
                      days_off=tuple(calendar.days_off(monday, monday + timedelta(days=6))))


def current_week(context: Context) -> date:
    """The Monday of the week to show first: this week, or the next one at the weekend."""
    calendar = context.calendars.organisation
    return week_start(calendar.add_werkdagen(context.today(), 0))


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------


def _officer(session: Session, context: Context, officer_id: int | None) -> Staff:
    if officer_id is None:
        if StaffRole.OFFICER not in context.user.roles or not context.user.id:
            raise ValidationError("Kies de klachtenfunctionaris die bij het gesprek is.", field="officer")
        officer_id = context.user.id
    officer = session.get(Staff, officer_id)
    if officer is None or not officer.active:
        raise ValidationError("De gekozen klachtenfunctionaris bestaat niet (meer).", field="officer")
    has_role = session.exec(
        select(StaffRoleLink).where(StaffRoleLink.staff_id == officer_id, StaffRoleLink.role == StaffRole.OFFICER)
    ).first()
    if has_role is None:
        raise ValidationError(f"{officer.name} heeft niet de rol klachtenfunctionaris.", field="officer")
    if officer.person_id is None:
        person = Person(name=officer.name, email=officer.email, created_at=context.now())
        session.add(person)
        session.flush()
        officer.person_id = person.id
        session.add(officer)
    return officer


def _participants(
    session: Session, complaint: Complaint, type: SessionType, chosen: Sequence[int] | None, officer: Staff
) -> list[tuple[int, str]]:
    """(person id, role) of everyone in the session, the functionaris first. Checks the
    procedure's rules for the type."""
    assert complaint.id is not None and officer.person_id is not None
    parties = _parties(session, complaint.id)
    roles: dict[int, PartyRole] = {}
    for party in parties:
        roles.setdefault(party.person_id, party.role)  # sorted: the strongest role wins
    has_respondent = any(p.role is PartyRole.RESPONDENT for p in parties)
    if type is SessionType.ONE_ON_ONE and not has_respondent:
        raise ValidationError(
            f"{complaint.number} heeft geen aangeklaagde: een een-op-eengesprek kan niet. "
            "Kies een gesprek met alle betrokkenen, of leg eerst vast op wie de klacht betrekking heeft.",
            field="type",
        )
    if chosen is None:
        wanted = {PartyRole.COMPLAINANT, PartyRole.RESPONDENT} if type is SessionType.ONE_ON_ONE else set(PartyRole)
        chosen = [p.person_id for p in parties if p.role in wanted]
    ids = [pid for pid in dict.fromkeys(chosen) if pid != officer.person_id]
    staff_people = {
        s.person_id: s for s in session.exec(select(Staff).where(col(Staff.person_id).in_(ids))).all()
    } if ids else {}
    result: list[tuple[int, str]] = [(officer.person_id, OFFICER_ROLE)]
    for pid in ids:
        if pid in roles:
            result.append((pid, roles[pid].value))
        elif pid in staff_people:
            result.append((pid, STAFF_ROLE))
        else:
            raise ValidationError(
                f"Persoon {pid} is geen partij in {complaint.number} en geen medewerker.", field="participants"
            )
    present = {roles.get(pid) for pid, _ in result}
    if PartyRole.COMPLAINANT not in present:
        raise ValidationError("De klager hoort bij elk bemiddelingsgesprek.", field="participants")
    if type is SessionType.ONE_ON_ONE:
        if PartyRole.RESPONDENT not in present:
            raise ValidationError(
                "Een een-op-eengesprek is tussen de klager en de aangeklaagde; nodig de aangeklaagde uit.",
                field="participants",
            )
        extra = [session.get(Person, pid) for pid, role in result if role == PartyRole.INVOLVED.value]
        if extra:
            names = ", ".join(p.name for p in extra if p is not None)
            raise ValidationError(
                f"Een een-op-eengesprek is alleen tussen klager en aangeklaagde; kies een gesprek met alle "
                f"betrokkenen om ook {names} uit te nodigen.",
                field="participants",
            )
    elif len(result) < 3:
        raise ValidationError(
            "Bij dit gesprek is niemand anders dan de klager uitgenodigd; nodig de betrokkenen uit.",
            field="participants",
        )
    return result


def _lock_people(session: Session, person_ids: Iterable[int]) -> None:
    """On PostgreSQL, serialise plans that involve the same people (SQLite: BEGIN IMMEDIATE does)."""
    ids = sorted(set(person_ids))
    if ids:
        session.exec(select(Person.id).where(col(Person.id).in_(ids)).order_by(Person.id).with_for_update()).all()


def _check_slot(
    session: Session, context: Context, start: datetime, minutes: int, person_ids: Iterable[int],
    exclude_session_id: int | None = None,
) -> None:
    problems = slot_problems(context, start, minutes, person_ids, exclude_session_id=exclude_session_id,
                             session=session)
    if problems:
        prefix = "Dit moment kan niet: " if len(problems) > 1 else ""
        text = prefix + " ".join(problems)
        raise ValidationError(text, field="starts_at")


def _location(value: str) -> str:
    location = limits.clean_text(value, "location")
    if not location:
        raise ValidationError(
            "Een locatie is verplicht: de klachtenfunctionaris is bij elk gesprek aanwezig.", field="location"
        )
    return location


def _reason(value: str, what: str) -> str:
    reason = limits.clean_text(value, "reason")
    if not reason:
        raise ValidationError(f"Geef een reden voor het {what}.", field="reason")
    return reason


def _complaint(session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    return complaint


def plan_session(context: Context, request: SessionRequest) -> SessionView:
    """Plan a session: check everything, store it, record it, and move the case to
    'in bemiddeling' when the procedure allows that step from its status."""
    context.require(Permission.PLAN_SESSION)
    try:
        session_type = SessionType(request.type)
    except ValueError:
        raise ValidationError("Kies een een-op-eengesprek of een gesprek met alle betrokkenen.", field="type") from None
    minutes = parse_duration(request.duration_minutes)
    location = _location(request.location)
    if request.starts_at is None:
        raise ValidationError("Kies een datum en tijd voor het gesprek.", field="starts_at")
    start = limits.check_day(as_amsterdam(request.starts_at), "starts_at", "het moment van het gesprek")
    limits.check_number(request.complaint_id, "id", form_field="complaint_id")
    for person_id in request.participant_ids or ():
        limits.check_number(person_id, "id", form_field="participants")
    with context.db.write() as session:
        complaint = _complaint(session, request.complaint_id)
        refusal = _refusal(complaint)
        if refusal:
            raise ValidationError(refusal, field="type")
        officer = _officer(session, context, request.officer_id)
        people = _participants(session, complaint, session_type, request.participant_ids, officer)
        person_ids = [pid for pid, _ in people]
        _lock_people(session, person_ids)
        _check_slot(session, context, start, minutes, person_ids)
        assert officer.id is not None and complaint.id is not None
        row = MediationSession(
            complaint_id=complaint.id, type=session_type, officer_id=officer.id,
            starts_at=start, ends_at=end_of(start, minutes), location=location, status=SessionStatus.PLANNED,
            created_at=context.now(), created_by_id=context.actor_id(),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for pid, role in people:
            session.add(SessionParticipant(session_id=row.id, person_id=pid, role=role))
        session.flush()
        names = [session.get(Person, pid) for pid in person_ids]
        events.record(
            session, context, complaint.id, EventType.SESSION,
            f"{session_type.label.capitalize()} gepland: {describe_interval(start, row.ends_at, year=True)}, {location}",
            body="Deelnemers: " + ", ".join(p.name for p in names if p is not None),
            data={"gesprek": row.id, "actie": "gepland", "type": session_type.value, "begin": start.isoformat(),
                  "eind": local(row.ends_at).isoformat(), "locatie": location, "deelnemers": person_ids},
        )
        # the case goes to 'in bemiddeling' along the procedure's table (from 'nieuw' by way of
        # 'toegewezen', the functionaris handling it when nobody does yet); from a status with
        # no way there (opgelost) it keeps its status
        version = complaint.version
        try:
            walked = workflow.advance(
                session, context, complaint, Status.IN_MEDIATION,
                f"Bemiddelingsgesprek gepland op {describe_interval(start, row.ends_at, year=True)}",
                handler_id=officer.id)
        except TransitionRefused:
            walked = []
        if walked:
            complaints.bump(session, context, complaint, version)
        return _views(session, context, [row])[0]


def _session_row(session: Session, session_id: int, expected_version: int | None) -> MediationSession:
    row = session.get(MediationSession, session_id)
    if row is None:
        raise NotFound(f"Gesprek {session_id} bestaat niet.")
    if expected_version is not None and row.version != expected_version:
        raise StaleEdit(
            "Dit gesprek is intussen door een collega gewijzigd. Uw wijziging is niet opgeslagen; "
            "uw invoer staat nog klaar. Bekijk het gesprek opnieuw en sla daarna opnieuw op."
        )
    return row


def _bump_session(session: Session, context: Context, row: MediationSession, **values: object) -> None:
    """Compare-and-set on the session's version: two writers can never both succeed."""
    result = session.execute(
        update(MediationSession)
        .where(col(MediationSession.id) == row.id, col(MediationSession.version) == row.version)
        .values(version=row.version + 1, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEdit(
            "Dit gesprek is intussen door een collega gewijzigd. Uw wijziging is niet opgeslagen; "
            "uw invoer staat nog klaar."
        )
    session.refresh(row)


def _require_planned(row: MediationSession, what: str) -> None:
    status = SessionStatus(row.status)
    if status is not SessionStatus.PLANNED:
        raise ValidationError(f"Dit gesprek is al {status.value}; {what} kan niet meer.", field="status")


@limits.checked(session_id="id", starts_at="day")
def reschedule(
    context: Context, session_id: int, expected_version: int | None, starts_at: datetime, reason: str,
    *, duration_minutes: int | None = None, location: str | None = None,
) -> SessionView:
    """Move a planned session (same participants) to another moment; a reason is required."""
    context.require(Permission.PLAN_SESSION)
    why = _reason(reason, "verzetten")
    start = as_amsterdam(starts_at)
    with context.db.write() as session:
        row = _session_row(session, session_id, expected_version)
        _require_planned(row, "verzetten")
        minutes = parse_duration(duration_minutes if duration_minutes is not None
                            else int((row.ends_at - row.starts_at).total_seconds() // 60))
        new_location = _location(location) if location is not None else row.location
        person_ids = list(session.exec(
            select(SessionParticipant.person_id).where(SessionParticipant.session_id == session_id)
        ).all())
        _lock_people(session, person_ids)
        _check_slot(session, context, start, minutes, person_ids, exclude_session_id=session_id)
        old = describe_interval(row.starts_at, row.ends_at, year=True)
        old_location = row.location
        end = end_of(start, minutes)
        _bump_session(session, context, row, starts_at=start.astimezone(UTC), ends_at=end.astimezone(UTC),
                      location=new_location)
        new = describe_interval(start, end, year=True)
        events.record(
            session, context, row.complaint_id, EventType.SESSION,
            f"Gesprek verzet: {old} → {new}" + (f", {new_location}" if new_location != old_location else ""),
            body=f"Reden: {why}",
            data={"gesprek": row.id, "actie": "verzet", "begin": start.isoformat(), "eind": end.isoformat(),
                  "locatie": new_location, "reden": why},
        )
        return _views(session, context, [row])[0]


@limits.checked(session_id="id")
def cancel(context: Context, session_id: int, expected_version: int | None, reason: str) -> SessionView:
    """Cancel a planned session; a reason is required. The case keeps its status."""
    context.require(Permission.PLAN_SESSION)
    why = _reason(reason, "annuleren")
    with context.db.write() as session:
        row = _session_row(session, session_id, expected_version)
        _require_planned(row, "annuleren")
        _bump_session(session, context, row, status=SessionStatus.CANCELLED, cancel_reason=why)
        events.record(
            session, context, row.complaint_id, EventType.SESSION,
            f"Gesprek van {describe_interval(row.starts_at, row.ends_at, year=True)} geannuleerd",
            body=f"Reden: {why}", data={"gesprek": row.id, "actie": "geannuleerd", "reden": why},
        )
        return _views(session, context, [row])[0]


def _agreements(inputs: Sequence[AgreementInput]) -> list[tuple[str, str, int]]:
    cleaned = []
    for number, item in enumerate(inputs, start=1):
        description = limits.clean_text(item.description, "agreement", form_field=f"agreements[{number - 1}].description")
        owner = limits.clean_text(item.owner, "owner", form_field=f"agreements[{number - 1}].owner")
        if not description and not owner:
            continue  # an empty row of the form (its werkdagen hold the form's default)
        if not description:
            raise ValidationError(f"Afspraak {number}: beschrijf wat er is afgesproken.",
                                  field=f"agreements[{number - 1}].description")
        if not owner:
            raise ValidationError(f"Afspraak {number}: wie is eigenaar van de afspraak?",
                                  field=f"agreements[{number - 1}].owner")
        try:
            werkdagen = int(str(item.werkdagen).strip())
        except ValueError:
            raise ValidationError(
                f"Afspraak {number}: '{item.werkdagen}' is geen aantal werkdagen.",
                field=f"agreements[{number - 1}].werkdagen",
            ) from None
        if not 1 <= werkdagen <= MAX_AGREEMENT_WERKDAGEN:
            raise ValidationError(
                f"Afspraak {number}: de termijn is 1 tot {MAX_AGREEMENT_WERKDAGEN} werkdagen, niet {werkdagen}.",
                field=f"agreements[{number - 1}].werkdagen",
            )
        cleaned.append((description, owner, werkdagen))
    return cleaned


def record_outcome(
    context: Context, session_id: int, expected_version: int | None, data: OutcomeInput
) -> OutcomeResult:
    """After the session: the verslag, the afspraken (each with a deadline in werkdagen
    from the day of the session) and the next step; the case status follows when the
    procedure allows it (else ``status_note`` says why not)."""
    context.require(Permission.PLAN_SESSION)
    outcome = limits.clean_text(data.outcome, "outcome")
    if not outcome:
        raise ValidationError("Schrijf een kort verslag van het gesprek.", field="outcome")
    try:
        next_step = NextStep(data.next_step)
    except ValueError:
        raise ValidationError("Kies de volgende stap.", field="next_step") from None
    agreements = _agreements(data.agreements)
    note = limits.clean_text(data.next_step_note, "reason", form_field="next_step_note")
    calendar = context.calendars.organisation
    with context.db.write() as session:
        row = _session_row(session, session_id, expected_version)
        _require_planned(row, "het verslag vastleggen")
        if row.starts_at > context.now():
            raise ValidationError(
                f"Het gesprek begint pas {format_datetime(row.starts_at)}; leg het verslag daarna vast.",
                field="outcome",
            )
        complaint = _complaint(session, row.complaint_id)
        assert complaint.id is not None and row.id is not None
        session_day = local(row.starts_at).date()
        next_text = next_step.value + (f": {note}" if note else "")
        _bump_session(session, context, row, status=SessionStatus.HELD, outcome=outcome, next_step=next_text)
        made = []
        for description, owner, werkdagen in agreements:
            due = calendar.add_werkdagen(session_day, werkdagen)
            agreement = Agreement(session_id=row.id, complaint_id=complaint.id, description=description,
                                  owner=owner, due=due)
            session.add(agreement)
            session.flush()
            session.add(Deadline(
                complaint_id=complaint.id, kind=DeadlineKind.AGREEMENT, label=description[:200],
                unit=DeadlineUnit.WORKING_DAYS, amount=werkdagen, anchor=session_day, due=due, original_due=due,
                agreement_id=agreement.id,
            ))
            made.append(f"- {description} (eigenaar: {owner}; uiterlijk {format_date(due)})")
        session.flush()
        if made:
            deadlines.refresh_next_due(session, complaint.id)
        count = len(made)
        summary = f"Gesprek van {describe_interval(row.starts_at, row.ends_at, year=True)} gehouden"
        summary += f"; {count} {'afspraak' if count == 1 else 'afspraken'}" if count else "; geen afspraken"
        summary += f"; vervolg: {next_step.value}"
        body = "\n".join([*(["Afspraken:", *made] if made else []), f"Vervolg: {next_text}"])
        events.record(
            session, context, complaint.id, EventType.SESSION, summary, body=body,
            data={"gesprek": row.id, "actie": "gehouden", "afspraken": count, "vervolg": next_step.value},
        )
        events.record(
            session, context, complaint.id, EventType.SESSION,
            f"Verslag van het gesprek van {describe_interval(row.starts_at, row.ends_at, year=True)}",
            body=outcome, data={"gesprek": row.id, "actie": "verslag"}, confidential=True,
        )
        # the next step moves the case along the procedure's table, step by step
        status_note = None
        current = Status(complaint.status)
        version = complaint.version
        try:
            walked = workflow.advance(session, context, complaint, next_step.status, f"Na het gesprek: {next_text}",
                                      handler_id=row.officer_id)
        except TransitionRefused as refused:
            walked = []
            status_note = f"De status blijft '{current.value}': {refused.message}"
        if walked:
            complaints.bump(session, context, complaint, version)
        return OutcomeResult(_views(session, context, [row])[0], Status(complaint.status), status_note)


# the planner's API for screens and the CLI includes availability and the parsing of what they type
__all__ = [
    "DEFAULT_DURATION",
    "MAX_AGREEMENT_WERKDAGEN",
    "STAFF_ROLE",
    "Slot",
    "cancel",
    "conflicts",
    "current_week",
    "default_officer_id",
    "earliest_offer",
    "first_free_slots",
    "get_session",
    "officers",
    "parse_day",
    "parse_moment",
    "parse_week",
    "plan_session",
    "planning_info",
    "record_outcome",
    "reschedule",
    "sessions_between",
    "sessions_for_case",
    "week_agenda",
]
