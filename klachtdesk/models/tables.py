"""The database tables (SQLModel). Only the services import these.

Moments are stored as UTC (``UTCDateTime``), calendar days as ``date``. Enumerated
values are stored as their Dutch words. Every mutable aggregate has a ``version``
column for optimistic locking; the event log is append-only by contract of the
service layer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint, false, text, true,
)
from sqlmodel import Field, SQLModel

from klachtdesk.models.enums import (
    Acceptance,
    Channel,
    ComplaintKind,
    DeadlineKind,
    DeadlineUnit,
    EventType,
    MeasureKind,
    MailOutcome,
    MeasureStatus,
    PartyRole,
    PrivacyRequestKind,
    SessionStatus,
    SessionType,
    StaffRole,
    Status,
)
from klachtdesk.models.types import JSONText, UTCDateTime, enum_type

# start-up time: each table's pydantic validator is built when it is first used (SQLModel
# validates no table row it constructs), not for every table when a command starts
SQLModel.model_config["defer_build"] = True


def _moment(nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _enum(enum: Any, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(enum_type(enum), nullable=nullable, index=index))


def _text(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


class Person(SQLModel, table=True):
    """Anyone a case is about or with: klagers, aangeklaagden, betrokkenen, staff."""

    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_phone", "phone"),
        Index("ix_person_email", "email"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=32)  # E.164
    email: str | None = Field(default=None, max_length=254)  # normalised, lower-case domain
    organisation: str | None = Field(default=None, max_length=200)
    #: the postal address (services/people/postal.py): straat en huisnummer, postcode
    #: ``1234 AB`` (abroad as written), plaats; ``country`` None for the Netherlands
    street: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=100)
    created_at: datetime = _moment()
    anonymised_at: datetime | None = _moment(nullable=True)


class Staff(SQLModel, table=True):
    """A member of staff who uses klachtdesk (or is planned into sessions)."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    active: bool = True
    created_at: datetime = _moment()
    version: int = 1


class StaffRoleLink(SQLModel, table=True):
    __tablename__ = "staff_role"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    role: StaffRole = Field(sa_column=Column(enum_type(StaffRole), primary_key=True))


class NumberSequence(SQLModel, table=True):
    """Last klachtnummer handed out per year of receipt. Never decremented."""

    __tablename__ = "number_sequence"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class Complaint(SQLModel, table=True):
    """A case: a klacht, or a factuurvraag / accountvraag (questions take a short path)."""

    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_complaint_year_seq"),
        Index("ix_complaint_received", "received_at", "id"),
        Index("ix_complaint_status_received", "status", "received_at", "id"),
        Index("ix_complaint_handler_received", "handler_id", "received_at", "id"),
        Index("ix_complaint_kind_received", "kind", "received_at", "id"),
        Index("ix_complaint_channel_received", "channel", "received_at", "id"),
        Index("ix_complaint_category_received", "category", "received_at", "id"),
        Index("ix_complaint_next_due", "next_due", "id"),
        Index("ix_complaint_complainant_received", "complainant_id", "received_at"),
        Index("ix_complaint_closed_handling", "closed_at", "effective_receipt_day", "category"),
        Index("ix_complaint_review", "received_at", "id", sqlite_where=text("review_pending"),
              postgresql_where=text("review_pending")),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    year: int
    seq: int
    kind: ComplaintKind = _enum(ComplaintKind)
    channel: Channel = _enum(Channel)
    received_at: datetime = _moment()
    effective_receipt_day: date
    service_type: str | None = Field(default=None, max_length=100)
    category: str | None = Field(default=None, max_length=100)
    description: str | None = _text()
    incident_date: date | None = None
    discussed_first: bool | None = None
    remedy_sought: str | None = _text()
    invoice_number: str | None = Field(default=None, max_length=64)
    queue: str | None = Field(default=None, max_length=64)
    status: Status = _enum(Status)
    complainant_id: int | None = Field(default=None, foreign_key="person.id")
    handler_id: int | None = Field(default=None, foreign_key="staff.id")
    resolution: str | None = _text()
    accepted: Acceptance | None = _enum(Acceptance, nullable=True)
    dispute_outcome: str | None = _text()
    closed_at: datetime | None = _moment(nullable=True)
    next_due: date | None = None
    next_deadline_kind: str | None = Field(default=None, max_length=40)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _moment()
    updated_at: datetime = _moment()
    anonymised_at: datetime | None = _moment(nullable=True)
    #: registered from a mail and not yet checked by a person ("te beoordelen")
    review_pending: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    version: int = 1


class ComplaintSearch(SQLModel, table=True):
    """The words a case is found by (``people.search_text``), one row per case, in a table
    of its own: its full-text indexes (GIN on PostgreSQL, FTS5 tables on SQLite; migrations
    0001, 0008, 0016) are then not written again when a case's status, handler or next
    deadline changes. Personal data: names, e-mail addresses, phone numbers."""

    __tablename__ = "complaint_search"

    complaint_id: int = Field(sa_column=Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                                               primary_key=True, autoincrement=False))
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Party(SQLModel, table=True):
    """A person's role in one case."""

    __tablename__ = "party"
    __table_args__ = (
        UniqueConstraint("complaint_id", "person_id", "role", name="uq_party"),
        Index("ix_party_person", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    role: PartyRole = _enum(PartyRole)
    note: str | None = Field(default=None, max_length=200)  # e.g. "teamleider planning"


class Event(SQLModel, table=True):
    """One line of a case's history. Append-only: the services never update or delete."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_complaint", "complaint_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    at: datetime = _moment()
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    type: EventType = _enum(EventType)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    body: str | None = _text()
    data: Any = Field(default=None, sa_column=Column(JSONText(), nullable=True))
    confidential: bool = False


class Deadline(SQLModel, table=True):
    """A termijn of one case: when it is due and by which event it was met."""

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_complaint", "complaint_id"),
        Index("ix_deadline_due", "due", "kind"),
        Index("ix_deadline_open_due", "due", "id", sqlite_where=text("met_at IS NULL"),
              postgresql_where=text("met_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    kind: DeadlineKind = _enum(DeadlineKind)
    label: str | None = Field(default=None, max_length=200)
    unit: DeadlineUnit = _enum(DeadlineUnit)
    amount: int
    anchor: date  # werkdagen: effective receipt day; weken: actual receipt date
    due: date
    original_due: date
    extended_at: datetime | None = _moment(nullable=True)
    extension_notice: str | None = _text()
    met_at: datetime | None = _moment(nullable=True)
    met_by_event_id: int | None = Field(default=None, foreign_key="event.id")
    agreement_id: int | None = Field(default=None, foreign_key="agreement.id")
    cancelled_at: datetime | None = _moment(nullable=True)
    #: the moment it counts from when that is not the receipt (a reopened case); the
    #: recomputation then keeps its anchor, as for an agreement
    counts_from: datetime | None = _moment(nullable=True)


class Message(SQLModel, table=True):
    """A message to the klager, from a template: drafted, then sent (SMTP or .eml)."""

    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    template: str = Field(max_length=64)
    recipient: str | None = Field(default=None, max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _moment()
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    sent_at: datetime | None = _moment(nullable=True)
    #: smtp | eml | post (a printed letter: ``sent_at`` stays empty, "klaar om te versturen",
    #: until someone marks it posted)
    transport: str | None = Field(default=None, max_length=20)
    outbox_path: str | None = Field(default=None, max_length=500)
    #: the RFC 5322 Message-ID it went out with (replies and bounces name it)
    message_id: str | None = Field(default=None, max_length=255, index=True)
    #: a delivery failure reported for it (DSN): the klager never got it
    undelivered_at: datetime | None = _moment(nullable=True)
    delivery_problem: str | None = _text()
    #: whether it meets the deadlines its template meets once it has gone out: false for an
    #: automatic ontvangstbevestiging the organisation does not count as its reply (a letter
    #: is marked posted later: ``posting.mark_posted`` reads the decision here)
    meets_deadlines: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))


class MediationSession(SQLModel, table=True):
    """A bemiddelingsgesprek; the klachtenfunctionaris is always a participant."""

    __tablename__ = "mediation_session"
    __table_args__ = (Index("ix_session_time", "starts_at", "ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    type: SessionType = _enum(SessionType)
    officer_id: int = Field(foreign_key="staff.id")
    starts_at: datetime = _moment()
    ends_at: datetime = _moment()
    location: str = Field(max_length=200)
    status: SessionStatus = _enum(SessionStatus)
    cancel_reason: str | None = _text()
    outcome: str | None = _text()
    next_step: str | None = _text()
    created_at: datetime = _moment()
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    version: int = 1


class SessionParticipant(SQLModel, table=True):
    __tablename__ = "session_participant"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_session_participant"),
        Index("ix_participant_person", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="mediation_session.id")
    person_id: int = Field(foreign_key="person.id")
    role: str = Field(max_length=40)  # klager, aangeklaagde, betrokkene, klachtenfunctionaris, ...


class Agreement(SQLModel, table=True):
    """An afspraak made in a session: an owner and a follow-up date."""

    __tablename__ = "agreement"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="mediation_session.id", index=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(max_length=200)
    due: date
    done_at: datetime | None = _moment(nullable=True)


class Measure(SQLModel, table=True):
    """A corrigerende of preventieve maatregel following from the analysis."""

    __tablename__ = "measure"
    __table_args__ = (Index("ix_measure_due", "status", "due"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: MeasureKind = _enum(MeasureKind)
    title: str = Field(max_length=200)
    description: str | None = _text()
    owner_id: int | None = Field(default=None, foreign_key="staff.id")
    due: date
    status: MeasureStatus = _enum(MeasureStatus)
    category: str | None = Field(default=None, max_length=100)
    service_type: str | None = Field(default=None, max_length=100)
    check_date: date | None = None
    check_finding: str | None = _text()
    created_at: datetime = _moment()
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    version: int = 1


class MeasureComplaint(SQLModel, table=True):
    __tablename__ = "measure_complaint"

    measure_id: int = Field(foreign_key="measure.id", primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True)


class PrivacyRequest(SQLModel, table=True):
    """An AVG request (inzage, vergetelheid): itself a deadline of one month (+2)."""

    __tablename__ = "privacy_request"

    id: int | None = Field(default=None, primary_key=True)
    kind: PrivacyRequestKind = _enum(PrivacyRequestKind)
    subject: str = Field(max_length=300)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    received_at: datetime = _moment()
    due: date
    extended_due: date | None = None
    done_at: datetime | None = _moment(nullable=True)
    handled_by_id: int | None = Field(default=None, foreign_key="staff.id")
    result: str | None = _text()


class Draft(SQLModel, table=True):
    """A form kept while it is being filled in, so a crash loses nothing."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("owner", "form", name="uq_draft_owner_form"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=100)
    form: str = Field(max_length=50)
    data: Any = Field(sa_column=Column(JSONText(), nullable=False))
    updated_at: datetime = _moment()


__all__ = [
    "Agreement",
    "Attachment",
    "CaseLink",
    "ComplaintSearch",
    "MailMessage",
    "Complaint",
    "Deadline",
    "Draft",
    "ErasureRecord",
    "Event",
    "Measure",
    "MeasureComplaint",
    "MediationSession",
    "Message",
    "NumberSequence",
    "Party",
    "Person",
    "SavedView",
    "PrivacyRequest",
    "SessionParticipant",
    "OrganisationSetting",
    "Setting",
    "Staff",
    "StaffRoleLink",
    "StatusLink",
]


class SavedView(SQLModel, table=True):
    """A named inbox filter of one person (``services/lists/saved_views``): in the database,
    so it follows them to every workstation; each login sees only its own (row-level
    security on PostgreSQL, like ``draft``)."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_saved_view_owner_name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=100)  # the username (on PostgreSQL: the login, session_user)
    name: str = Field(max_length=60)
    query: Any = Field(sa_column=Column(JSONText(), nullable=False))
    created_at: datetime = _moment()
    updated_at: datetime = _moment()


class Setting(SQLModel, table=True):
    """Small facts the desk keeps about itself (e.g. the calendar the open deadlines
    were computed with), so every workstation sees the same."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _moment()


class OrganisationSetting(SQLModel, table=True):
    """One settings text of the organisation (a file of the ``data/`` layout, such as
    ``kalender.toml`` or ``berichten/beslissing.txt``): the desk's settings, the same on
    every workstation. Seeded from ``data/`` when the database is made; changed only by
    the beheerder (``klachtdesk instellingen``), each change a history line."""

    __tablename__ = "organisation_setting"

    name: str = Field(primary_key=True, max_length=100)
    text: str = Field(sa_column=Column(Text, nullable=False))
    #: 1 when seeded, one more with every change (a workstation sees that its copy is old)
    version: int = 1
    updated_at: datetime = _moment()
    updated_by_id: int | None = Field(default=None, foreign_key="staff.id")


class StatusLink(SQLModel, table=True):
    """A one-time link with which a klager sees where their case stands (the web form's
    "Waar staat mijn klacht?"). Only the SHA-256 of the link's token is kept: the token
    itself went to the klager's e-mail address and nowhere else."""

    __tablename__ = "status_link"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = _moment()
    expires_at: datetime = _moment()
    used_at: datetime | None = _moment(nullable=True)
    #: PostgreSQL: the transaction that opened the link (the klager views show its case to it alone)
    opened_in: str | None = Field(default=None, max_length=32)


class MailMessage(SQLModel, table=True):
    """One incoming mail and what the intake did with it. The Message-ID is unique, so
    a mail delivered or fetched twice is recognised and never makes a second case."""

    __tablename__ = "mail_message"
    __table_args__ = (
        Index("ix_mail_message_outcome", "outcome", "received_at"),
        Index("ix_mail_message_sender", "sender", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=255, sa_column_kwargs={"unique": True})
    received_at: datetime = _moment()  # the desk's arrival moment (server time)
    source: str = Field(max_length=500)
    sender: str = Field(default="", max_length=254)
    sender_name: str = Field(default="", max_length=200)
    recipients: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    subject: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    outcome: MailOutcome = _enum(MailOutcome)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    reason: str | None = _text()
    text: str | None = _text()  # the whole text (a reply's quote included): the original kept
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    handled_at: datetime | None = _moment(nullable=True)  # a beheerder dealt with it (quarantine, automatic)
    created_at: datetime = _moment()


class Attachment(SQLModel, table=True):
    """A file that came with a case — from a mail (``mail_message_id``) or the web form — stored
    with the case in the database."""

    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    mail_message_id: int | None = Field(default=None, foreign_key="mail_message.id")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=127)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _moment()


class ErasureRecord(SQLModel, table=True):
    """One line of the erasure register (vergeetregister): what was erased, when and why,
    without the personal data itself. A restore keeps the register of the database it
    replaces and applies it again, so a backup never brings an erased person back."""

    __tablename__ = "erasure_register"

    id: int | None = Field(default=None, primary_key=True)
    erased_at: datetime = _moment()
    reason: str = Field(max_length=20)  # "verzoek" (a request) or "bewaartermijn" (retention)
    #: the request it carried out (no foreign key: a restored backup may not have it)
    request_id: int | None = None
    #: a person anonymised, or a case anonymised as a whole
    person_id: int | None = None
    complaint_number: str | None = Field(default=None, max_length=20)
    #: keyed hashes (HMAC-SHA256, hex, space-separated) of the person's name, e-mail address
    #: and phone number: recognises them in a backup without keeping them
    fingerprints: str | None = _text()


class CaseLink(SQLModel, table=True):
    """Two related cases (the same klager's klacht and factuurvraag, or any two). One row
    per pair, the lower id first; who linked them and when is also in both histories."""

    __tablename__ = "case_link"
    __table_args__ = (
        UniqueConstraint("complaint_id", "other_id", name="uq_case_link"),
        CheckConstraint("complaint_id < other_id", name="ck_case_link_order"),
        Index("ix_case_link_other", "other_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    other_id: int = Field(foreign_key="complaint.id")
    created_at: datetime = _moment()
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
