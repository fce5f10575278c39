"""Mediation sessions as plain values for screens, the CLI and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from klachtdesk.clock import local
from klachtdesk.models import ComplaintKind, PartyRole, SessionStatus, SessionType, StaffRole, Status
from klachtdesk.services.planner.wording import DEFAULT_DURATION, describe_interval
from klachtdesk.services.time.calendar import DayOff
from klachtdesk.services.time.dutch import format_date_short


#: the role a participant row gets for the functionaris
OFFICER_ROLE = StaffRole.OFFICER.value
class NextStep(StrEnum):
    """What follows a session, and the status the case goes to."""

    FURTHER_MEDIATION = "nog een gesprek"
    IN_PROGRESS = "verder in behandeling"
    SOLUTION_PROPOSED = "oplossing voorgesteld"

    @property
    def status(self) -> Status:
        return {
            NextStep.FURTHER_MEDIATION: Status.IN_MEDIATION,
            NextStep.IN_PROGRESS: Status.IN_PROGRESS,
            NextStep.SOLUTION_PROPOSED: Status.SOLUTION_PROPOSED,
        }[self]


# ---------------------------------------------------------------------------------------
# plain values for screens, CLI and tests
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantView:
    person_id: int
    name: str
    role: str  # klager, aangeklaagde, betrokkene, klachtenfunctionaris, medewerker
    email: str | None

    @property
    def is_officer(self) -> bool:
        return self.role == OFFICER_ROLE


@dataclass(frozen=True)
class AgreementView:
    id: int
    description: str
    owner: str
    due: date
    done_at: datetime | None


@dataclass(frozen=True)
class SessionView:
    id: int
    version: int
    complaint_id: int
    complaint_number: str
    type: SessionType
    status: SessionStatus
    officer_id: int
    officer_name: str
    officer_email: str | None
    starts_at: datetime  # aware, Europe/Amsterdam
    ends_at: datetime
    location: str
    participants: tuple[ParticipantView, ...]
    cancel_reason: str | None
    outcome: str | None  # None also when the user may not read the verslag
    next_step: str | None
    agreements: tuple[AgreementView, ...]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def day(self) -> date:
        return self.starts_at.date()

    @property
    def when(self) -> str:
        """``ma 23 nov 2026 10:00–11:00``."""
        return describe_interval(self.starts_at, self.ends_at, year=True)

    @property
    def participant_names(self) -> str:
        return ", ".join(p.name for p in self.participants)


@dataclass(frozen=True)
class CaseParty:
    person_id: int
    name: str
    role: PartyRole
    email: str | None
    note: str | None


@dataclass(frozen=True)
class OfficerChoice:
    staff_id: int
    username: str
    name: str
    person_id: int | None
    email: str | None


@dataclass(frozen=True)
class PlanningInfo:
    """What the planning form needs to know about a case."""

    complaint_id: int
    number: str
    kind: ComplaintKind
    status: Status
    version: int
    parties: tuple[CaseParty, ...]
    officers: tuple[OfficerChoice, ...]
    #: the current user when they are a klachtenfunctionaris (then fixed), else None
    own_officer_id: int | None
    refusal: str | None  # why no session can be planned at all (a closed case, a question)

    @property
    def has_respondent(self) -> bool:
        return any(p.role is PartyRole.RESPONDENT for p in self.parties)

    @property
    def default_officer_id(self) -> int | None:
        if self.own_officer_id is not None:
            return self.own_officer_id
        return self.officers[0].staff_id if self.officers else None

    def default_participants(self, type: SessionType) -> list[int]:
        """The person ids the procedure invites for ``type`` (the functionaris comes on top)."""
        if type is SessionType.ONE_ON_ONE:
            wanted = {PartyRole.COMPLAINANT, PartyRole.RESPONDENT}
        else:
            wanted = set(PartyRole)
        ids: list[int] = []
        for party in self.parties:
            if party.role in wanted and party.person_id not in ids:
                ids.append(party.person_id)
        return ids


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware, Europe/Amsterdam
    ends_at: datetime

    @property
    def label(self) -> str:
        return describe_interval(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class Conflict:
    """One participant who is in another session at that time."""

    person_id: int
    name: str
    session_id: int
    complaint_number: str
    starts_at: datetime
    ends_at: datetime

    @property
    def message(self) -> str:
        """``An de Vries heeft dan een gesprek over KL-2026-000087 (10:00–11:00)``."""
        return (
            f"{self.name} heeft dan een gesprek over {self.complaint_number} "
            f"({local(self.starts_at):%H:%M}–{local(self.ends_at):%H:%M})"
        )


@dataclass
class SessionRequest:
    """A session to plan (or to move): raw choices of the form, checked here."""

    complaint_id: int
    type: SessionType
    starts_at: datetime | None
    location: str = ""
    duration_minutes: int = DEFAULT_DURATION
    officer_id: int | None = None  # None: the current user (who must be a klachtenfunctionaris)
    participant_ids: Sequence[int] | None = None  # None: the defaults for ``type``


@dataclass
class AgreementInput:
    description: str = ""
    owner: str = ""
    werkdagen: int | str = 5


@dataclass
class OutcomeInput:
    outcome: str = ""
    agreements: list[AgreementInput] = field(default_factory=list)
    next_step: NextStep = NextStep.IN_PROGRESS
    next_step_note: str = ""


@dataclass(frozen=True)
class OutcomeResult:
    session: SessionView
    status: Status
    #: a Dutch sentence when the case could not follow the chosen next step
    status_note: str | None


@dataclass(frozen=True)
class AgendaDay:
    day: date
    werkdag: bool
    day_off: str | None  # holiday or closure name; None on werkdagen and plain weekends
    office_hours: tuple[datetime, datetime] | None
    sessions: tuple[SessionView, ...]

    @property
    def label(self) -> str:
        return format_date_short(self.day)


@dataclass(frozen=True)
class WeekAgenda:
    officer_id: int
    officer_name: str
    week_start: date  # a Monday
    days: tuple[AgendaDay, ...]  # Monday to Sunday
    #: the named days off of the week (holidays, closures), also those on a weekend
    days_off: tuple[DayOff, ...] = ()

    @property
    def iso_week(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def sessions(self) -> list[SessionView]:
        return [s for d in self.days for s in d.sessions]

    @property
    def title(self) -> str:
        end = self.week_start + timedelta(days=6)
        return f"Week {self.week_start.isocalendar()[1]} ({format_date_short(self.week_start)} – {format_date_short(end)} {end.year})"


__all__ = [
    "AgendaDay",
    "AgreementInput",
    "AgreementView",
    "CaseParty",
    "Conflict",
    "NextStep",
    "OFFICER_ROLE",
    "OfficerChoice",
    "OutcomeInput",
    "OutcomeResult",
    "ParticipantView",
    "PlanningInfo",
    "SessionRequest",
    "SessionView",
    "Slot",
    "WeekAgenda",
]
