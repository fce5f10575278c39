"""The procedure's fixed vocabularies (kinds, channels, statuses, roles, ...) for the
layers above the services. Screens and widgets take them from here, never from
``klachtdesk.models``: the tables stay behind the service layer."""

from klachtdesk.models.enums import (
    FINAL_STATUSES,
    Acceptance,
    Channel,
    ComplaintKind,
    ContactMedium,
    DeadlineKind,
    DeadlineState,
    DeadlineUnit,
    Direction,
    EventType,
    MeasureKind,
    MeasureStatus,
    PartyRole,
    PrivacyRequestKind,
    SessionStatus,
    SessionType,
    StaffRole,
    Status,
)

__all__ = [
    "FINAL_STATUSES", "Acceptance", "Channel", "ComplaintKind", "ContactMedium", "DeadlineKind", "DeadlineState",
    "DeadlineUnit", "Direction", "EventType", "MeasureKind", "MeasureStatus", "PartyRole", "PrivacyRequestKind",
    "SessionStatus", "SessionType", "StaffRole", "Status",
]
