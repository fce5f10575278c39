"""One case as plain SQL, for ``klachtdesk zoek KL-…`` in a new process without the ORM.

``complaints.get_case`` (after ``complaints.id_for_number``) reads a case with SQLAlchemy:
its row, the behandelaar's name, the parties with their person (only for a role that may
see personal data), the deadlines not cancelled, and — for that role — writes the access
line ("Zaak ingezien door …") after the lines that wait in the read log's queue, in the
same write transaction. ``services.startup.find_case`` does the same with the driver:
these texts, shaped by the same converters (``PersonalData``, ``display_phone``,
``postal.stored_address``, ``deadlines.views.view_of``, ``read_log.view_line``), written as
``events.record`` writes (``models.stored``). ``tests/security/test_plain_zoek.py`` runs
both on one database, on both engines, for every role, and on PostgreSQL as each role's
own login, and asserts the same printed case and the same history lines; a change to the
one fails it until the other follows.

The history (``CaseDetail.timeline``) is not read here: ``zoek`` does not print it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from klachtdesk.clock import stored_day, utc_moment
from klachtdesk.dbapi import plain_sql
from klachtdesk.models.enums import Acceptance, Channel, ComplaintKind, EventType, PartyRole, Status
from klachtdesk.models.stored import dump_json, moment_parameter
from klachtdesk.services.cases import read_log
from klachtdesk.services.cases.detail import CaseDetail, PartyView
from klachtdesk.services.cases.numbering import ComplaintNumber
from klachtdesk.services.core.personal import CASE_TEXTS, PersonalData
from klachtdesk.services.deadlines.views import view_of

if TYPE_CHECKING:
    from klachtdesk.services.core.starting import ContextRules

#: the case's row and its behandelaar's name (``get_case``: ``session.get`` of both), by klachtnummer
CASE_SQL = (
    "SELECT complaint.id, complaint.number, complaint.version, complaint.kind, complaint.channel, "
    "complaint.status, complaint.received_at, complaint.effective_receipt_day, complaint.service_type, "
    "complaint.category, complaint.incident_date, complaint.discussed_first, complaint.queue, "
    "complaint.handler_id, handler.name, complaint.accepted, complaint.closed_at, complaint.updated_at, "
    "complaint.anonymised_at, complaint.review_pending, "
    + ", ".join(f"complaint.{name}" for name in CASE_TEXTS) + " "
    "FROM complaint LEFT OUTER JOIN staff AS handler ON handler.id = complaint.handler_id "
    "WHERE complaint.year = ? AND complaint.seq = ?"
)
#: the people of the case, in the order they were added (only for a role that may see them)
PARTIES_SQL = (
    "SELECT person.id, person.name, party.role, person.phone, person.email, party.note, "
    "person.street, person.postcode, person.city, person.country "
    "FROM party JOIN person ON person.id = party.person_id "
    "WHERE party.complaint_id = ? ORDER BY party.id"
)
#: the deadlines not cancelled, as ``deadlines.rules.views_for`` orders them
DEADLINES_SQL = (
    "SELECT id, kind, label, due, original_due, met_at, extended_at, unit, amount FROM deadline "
    "WHERE complaint_id = ? AND cancelled_at IS NULL ORDER BY due, id"
)
#: one history line, with every column ``events.record`` gives an ``Event``
EVENT_SQL = (
    "INSERT INTO event (complaint_id, at, actor_id, type, summary, body, data, confidential) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class _Deadline(NamedTuple):
    """A deadline row with the columns ``view_of`` reads."""

    id: int
    kind: str
    label: str | None
    due: Any
    original_due: Any
    met_at: datetime | None
    extended_at: datetime | None
    unit: str
    amount: int


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def read_case(cursor: Any, dialect: str, context: ContextRules, number: ComplaintNumber,
              shown: PersonalData) -> CaseDetail | None:
    """The case with klachtnummer ``number`` as ``get_case`` gives it to this user (without its
    history), or None when there is none this login can see."""
    cursor.execute(plain_sql(CASE_SQL, dialect), (number.year, number.seq))
    row = cursor.fetchone()
    if row is None:
        return None
    (case_id, case_number, version, kind, channel, status, received_at, receipt_day, service_type, category,
     incident_date, discussed_first, queue, handler_id, handler, accepted, closed_at, updated_at, anonymised_at,
     review_pending, *texts) = row
    parties: list[PartyView] = []
    if shown.readable:
        from klachtdesk.services.people import postal
        from klachtdesk.services.people.contact_details import display_phone

        cursor.execute(plain_sql(PARTIES_SQL, dialect), (case_id,))
        for person_id, name, role, phone, email, note, street, postcode, city, country in cursor.fetchall():
            address = postal.stored_address(street, postcode, city, country)
            parties.append(PartyView(person_id or 0, name, PartyRole(role), display_phone(phone), email or "", note,
                                     address.one_line() if address else ""))
    today, calendar = context.today(), context.calendars.organisation
    cursor.execute(plain_sql(DEADLINES_SQL, dialect), (case_id,))
    deadlines = [
        view_of(_Deadline(d[0], d[1], d[2], stored_day(d[3]), stored_day(d[4]), utc_moment(d[5]), utc_moment(d[6]),
                          d[7], d[8]), today, calendar)
        for d in cursor.fetchall()
    ]
    return CaseDetail(
        id=case_id, number=case_number, version=version, kind=ComplaintKind(kind), channel=Channel(channel),
        status=Status(status), received_at=utc_moment(received_at), effective_receipt_day=stored_day(receipt_day),
        service_type=service_type, category=category,
        **{name: shown.text(value) for name, value in zip(CASE_TEXTS, texts, strict=True)},
        incident_date=stored_day(incident_date), discussed_first=_flag(discussed_first), queue=queue,
        handler_id=handler_id, handler=handler,
        accepted=str(Acceptance(accepted)) if accepted else None, closed_at=utc_moment(closed_at),
        updated_at=utc_moment(updated_at), anonymised=anonymised_at is not None,
        review_pending=bool(review_pending), parties=parties, deadlines=deadlines, timeline=[],
    )


def record_view(cursor: Any, dialect: str, context: ContextRules, complaint_id: int) -> read_log.Recorded:
    """The lines waiting in the read log, then this read (``read_log.record``), in the caller's
    transaction; pass what it returns to ``read_log.written`` once it is committed."""
    data = dump_json(context.line_data(None))
    lines, size = read_log.waiting()
    sql = plain_sql(EVENT_SQL, dialect)
    for line in lines:
        cursor.execute(sql, (line.complaint_id, moment_parameter(datetime.fromisoformat(line.at), dialect),
                             line.actor_id, EventType.VIEWED.value, line.summary, None, data, False))
    cursor.execute(sql, (complaint_id, moment_parameter(context.now(), dialect), context.actor_id(),
                         EventType.VIEWED.value, read_log.view_line(context), None, data, False))
    return read_log.Recorded(lines, size)


__all__ = ["CASE_SQL", "DEADLINES_SQL", "EVENT_SQL", "PARTIES_SQL", "read_case", "record_view"]
