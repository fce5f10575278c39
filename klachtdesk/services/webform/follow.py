"""Following a case on the web: "Waar staat mijn klacht?".

1. ``request_link``: the klager gives a klachtnummer and an e-mail address. Only when the
   address is the klager's own of that case does a one-time link go to that address;
   the caller learns nothing either way (no enumeration: the web form answers the same,
   and does this work after it answered). Only the SHA-256 of the link's token is kept.
2. ``link_usable`` tells whether a link still works, without using it (a mail scanner
   that opens the link uses up nothing); ``open_link`` uses it — once, within its
   validity — and returns the klager's view of the case.
3. ``KlagerView``: the stand in plain Dutch, the deadlines the klager was promised and
   whether they were met, and the messages sent to them. Never internal or
   confidential notes, the history, the description or the people involved — nothing
   the klager was not told already, and nothing about anyone else.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, select

from klachtdesk.clock import local
from klachtdesk.errors import KlachtdeskError, NotFound, ValidationError
from klachtdesk.models import ComplaintKind, DeadlineKind, DeadlineState, EventType, Status, StatusLink
from klachtdesk.models.klager import THIS_TRANSACTION, klager_complaint, klager_deadline, klager_message
from klachtdesk.models.types import UTCDateTime
from klachtdesk.services.cases.numbering import parse_number
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.correspondence import messages
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.people.contact_details import normalise_email
from klachtdesk.services.time.dutch import describe_due, format_date_near, werkdagen_words
from klachtdesk.services.config.webform import WebFormSettings

log = logging.getLogger(__name__)

NOTICE_TEMPLATE = "statuslink"
TOKEN_BYTES = 32
#: what ``secrets.token_urlsafe(TOKEN_BYTES)`` looks like; anything else is no token
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_token(text: str) -> bool:
    return bool(TOKEN_PATTERN.match(text or ""))


# ---------------------------------------------------------------------------------------
# asking for a link
# ---------------------------------------------------------------------------------------


def check_request(context: Context, number: str, email: str) -> list[ValidationError]:
    """Whether the two fields are a klachtnummer and an e-mail address at all (their
    form only: whether they belong together is never told)."""
    errors = []
    if not (number or "").strip():
        errors.append(ValidationError("Vul uw klachtnummer in, bijvoorbeeld KL-2026-000123.", field="klachtnummer"))
    else:
        try:
            parse_number(number[:40], context.today().year)
        except ValidationError as error:
            errors.append(ValidationError(error.message, field="klachtnummer"))
    if not (email or "").strip():
        errors.append(ValidationError("Vul het e-mailadres in dat u bij uw melding opgaf.", field="email"))
    else:
        try:
            normalise_email(email[:254], "email")
        except ValidationError as error:
            errors.append(error)
    return errors


#: Who gets a link: the klager of an existing case that is not anonymised, at their own
#: address. The one statement of that rule, run as it is (and, where the web form's
#: database login may not read cases itself, as the body of a function it may execute).
ISSUE_LINK = (
    "INSERT INTO status_link (complaint_id, token_hash, created_at, expires_at) "
    "SELECT c.id, :token_hash, :created_at, :expires_at FROM complaint c JOIN person p ON p.id = c.complainant_id "
    "WHERE c.year = :year AND c.seq = :seq AND c.anonymised_at IS NULL AND p.email IS NOT NULL "
    "AND lower(p.email) = lower(:email) "
    "RETURNING complaint_id"
)
#: what the mail with the link needs of the case it was issued for
LINKED_CASE = (
    "SELECT c.id, c.number, c.kind, p.name, p.email FROM complaint c JOIN person p ON p.id = c.complainant_id "
    "WHERE c.id = :complaint_id"
)
#: A link opens once, while it is valid; the three ways to fail are not told apart. On
#: PostgreSQL the link remembers the transaction that opened it: the klager views show the
#: case to that transaction alone (``klachtdesk.models.klager``).
OPEN_LINK = (
    "UPDATE status_link SET used_at = :now{opened_in} "
    "WHERE token_hash = :token_hash AND used_at IS NULL AND expires_at > :now "
    "RETURNING complaint_id"
)


#: PostgreSQL: ISSUE_LINK and LINKED_CASE as one function the web form's login may execute
#: (it may not read cases or people itself); made by ``services.installation``
ISSUE_FUNCTION = "klachtdesk_statuslink_uitgeven"
_ISSUE_ARGUMENTS = ("token_hash", "created_at", "expires_at", "year", "seq", "email")
_ISSUE_TYPES = ("text", "timestamp", "timestamp", "integer", "integer", "text")


def database_functions(executors: list[str]) -> list[str]:
    """The statements that make ``ISSUE_FUNCTION`` (SECURITY DEFINER, owned by the owner)
    and let ``executors`` (group roles) execute it."""
    issue = ISSUE_LINK
    for number, name in enumerate(_ISSUE_ARGUMENTS, start=1):
        issue = issue.replace(f":{name}", f"${number}")
    linked = LINKED_CASE.replace(":complaint_id", "(SELECT complaint_id FROM issued)")
    signature = f"{ISSUE_FUNCTION}({', '.join(_ISSUE_TYPES)})"
    return [
        f"CREATE OR REPLACE FUNCTION {signature} "
        "RETURNS TABLE (complaint_id integer, number text, kind text, name text, email text) "
        "LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
        f"WITH issued AS ({issue}) SELECT l.id, l.number::text, l.kind::text, l.name::text, l.email::text "
        f"FROM ({linked}) AS l(id, number, kind, name, email) $$",
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC",
        *(f"GRANT EXECUTE ON FUNCTION {signature} TO {group}" for group in executors),
    ]


def _open_statement(session: Session) -> str:
    postgresql = session.get_bind().dialect.name == "postgresql"
    return OPEN_LINK.format(opened_in=f", opened_in = {THIS_TRANSACTION}" if postgresql else "")


@dataclass(frozen=True)
class _Linked:
    complaint_id: int
    number: str
    kind: ComplaintKind
    name: str
    email: str


def _issue(session: Session, context: Context, number: str, email: str, token: str, valid_until: datetime
           ) -> _Linked | None:
    """Store a link for the case when ``email`` is its klager's address; the case, or None."""
    try:
        wanted = parse_number(number[:40], context.today().year)
        address = normalise_email(email[:254], "email") or ""
    except ValidationError:
        return None
    moments = UTCDateTime()
    values = {
        "token_hash": token_hash(token), "year": wanted.year, "seq": wanted.seq, "email": address,
        "created_at": moments.process_bind_param(context.now(), None),
        "expires_at": moments.process_bind_param(valid_until, None),
    }
    if session.get_bind().dialect.name == "postgresql":
        arguments = ", ".join(f"CAST(:{name} AS {kind})" for name, kind in zip(_ISSUE_ARGUMENTS, _ISSUE_TYPES,
                                                                                strict=True))
        row = session.execute(text(f"SELECT * FROM {ISSUE_FUNCTION}({arguments})"), values).first()
        if row is None:
            return None
        return _Linked(int(row[0]), row[1], ComplaintKind(row[2]), row[3] or "", row[4])
    issued = session.execute(text(ISSUE_LINK), values).first()
    if issued is None:
        return None
    row = session.execute(text(LINKED_CASE), {"complaint_id": issued[0]}).one()
    return _Linked(int(row[0]), row[1], ComplaintKind(row[2]), row[3] or "", row[4])


def request_link(context: Context, number: str, email: str, link_base: str, settings: WebFormSettings) -> bool:
    """Send a one-time status link when ``email`` is the klager's address of case
    ``number``; returns whether one was sent. The web form never shows the result."""
    context.require(Permission.FOLLOW_UP)
    now = context.now()
    valid_until = now + timedelta(minutes=settings.link_minutes)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with context.db.write() as session:
        found = _issue(session, context, number, email, token, valid_until)
        if found is None:
            return False
        events.record(session, context, found.complaint_id, EventType.STATUS_LINK,
                      f"Statuslink gestuurd naar het e-mailadres van de klager (geldig tot "
                      f"{local(valid_until):%H:%M})", data={"geldig_tot": valid_until.isoformat()})
    settings_messages = context.settings.messages
    template = context.settings.template(NOTICE_TEMPLATE)
    values = {
        "naam": found.name or "heer/mevrouw",
        "klachtnummer": found.number,
        "soort": messages.KIND_WORDS[found.kind],
        "link": f"{link_base.rstrip('/')}/status/{token}",
        "geldig_tot": f"{local(valid_until):%H:%M} uur op {format_date_near(local(valid_until).date(), context.today())}",
        "organisatie": settings_messages.organisation,
        "organisatie_email": settings_messages.organisation_email,
        "afzender": settings_messages.signature,
    }
    try:
        messages.send_notice(settings_messages, found.number, found.email, found.name,
                             template.subject.safe_substitute(values), template.body.safe_substitute(values), now)
    except KlachtdeskError as error:
        log.warning("statuslink voor %s niet verstuurd: %s", found.number, error.message)
        return False
    return True


# ---------------------------------------------------------------------------------------
# using a link
# ---------------------------------------------------------------------------------------


def link_usable(context: Context, token: str) -> bool:
    """Whether a link would still open (unknown, used and expired links do not)."""
    context.require(Permission.FOLLOW_UP)
    if not is_token(token):
        return False
    with context.db.read() as session:
        link = session.exec(select(StatusLink).where(StatusLink.token_hash == token_hash(token))).first()
    return link is not None and link.used_at is None and link.expires_at > context.now()


def open_link(context: Context, token: str) -> KlagerView | None:
    """Use a link: the klager's view of their case, or None when the link is unknown,
    used or expired (the three are not told apart)."""
    context.require(Permission.FOLLOW_UP)
    if not is_token(token):
        return None
    now = UTCDateTime().process_bind_param(context.now(), None)
    with context.db.write() as session:
        opened = session.execute(text(_open_statement(session)), {"token_hash": token_hash(token), "now": now}).first()
        if opened is None:
            return None
        complaint_id = int(opened[0])
        view = klager_view(session, context, complaint_id)
        events.record(session, context, complaint_id, EventType.STATUS_LINK,
                      "De klager bekeek de stand via de statuslink")
        return view


# ---------------------------------------------------------------------------------------
# the klager's view of their case
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Promise:
    """A deadline as the klager was told it."""

    what: str  # "U ontvangt een reactie van ons"
    due: str  # "woensdag 30 december"
    state: DeadlineState
    outcome: str  # "Gehaald op dinsdag 29 december." / "Nog open: nog 2 werkdagen."
    extended_from: str | None  # the original date of an extended decision deadline


@dataclass(frozen=True)
class SentMessage:
    sent_on: str
    subject: str
    body: str


@dataclass(frozen=True)
class KlagerView:
    number: str
    kind: ComplaintKind
    kind_words: str  # "klacht", "vraag over uw factuur"
    received_on: str
    service_type: str | None
    status: Status
    stand: str  # "Wij onderzoeken uw klacht."
    finished: bool
    promises: list[Promise]
    messages: list[SentMessage]


def _outcome(view: deadlines.DeadlineView, today: date, context: Context) -> str:
    if view.state is DeadlineState.MET and view.met_at is not None:
        return f"Gehaald op {format_date_near(local(view.met_at).date(), today)}."
    if view.state is DeadlineState.MET_LATE and view.met_at is not None:
        late = context.calendars.organisation.werkdagen_until(view.due, local(view.met_at).date())
        return (f"Later dan beloofd: op {format_date_near(local(view.met_at).date(), today)} "
                f"({werkdagen_words(late)} te laat).")
    if view.state is DeadlineState.OVERDUE:
        late = -context.calendars.organisation.werkdagen_until(today, view.due)
        return f"Nog niet gebeurd, en de beloofde datum is voorbij ({werkdagen_words(late)} te laat)."
    return f"Nog open: {describe_due(today, view.due, context.calendars.organisation)}."


def klager_view(session: Session, context: Context, complaint_id: int) -> KlagerView:
    """What a klager may see of their own case (in the caller's transaction, which opened
    a link of it), read from the klager views and nothing else."""
    case = session.execute(select(klager_complaint).where(klager_complaint.c.id == complaint_id)).first()
    if case is None:
        raise NotFound("Deze zaak bestaat niet (meer).")
    today = context.today()
    kind = ComplaintKind(case.kind)
    soort = messages.KIND_WORDS[kind]
    calendar = context.calendars.organisation
    promises = []
    rows = session.execute(select(klager_deadline).where(klager_deadline.c.complaint_id == complaint_id)
                           .order_by(klager_deadline.c.due, klager_deadline.c.id)).all()
    for view in (deadlines.view_of(row, today, calendar) for row in rows):
        label = None if view.kind is DeadlineKind.AGREEMENT else view.label  # an agreement's text may name others
        what = messages.promise_words(view.kind, label, soort)
        promises.append(Promise(
            what=what[:1].upper() + what[1:],
            due=format_date_near(view.due, today),
            state=view.state,
            outcome=_outcome(view, today, context),
            extended_from=format_date_near(view.original_due, today) if view.extended else None,
        ))
    sent = session.execute(select(klager_message).where(klager_message.c.complaint_id == complaint_id)
                           .order_by(klager_message.c.sent_at, klager_message.c.id)).all()
    status = Status(case.status)
    return KlagerView(
        number=case.number,
        kind=kind,
        kind_words=soort,
        received_on=format_date_near(local(case.received_at).date(), today),
        service_type=case.service_type,
        status=status,
        stand=messages.describe_stand(status, soort, case.handler, case.queue,
                                      context.settings.messages.dispute_name),
        finished=status.is_final,
        promises=promises,
        messages=[SentMessage(format_date_near(local(m.sent_at).date(), today), m.subject, m.body) for m in sent],
    )
