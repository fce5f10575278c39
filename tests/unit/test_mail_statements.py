"""How many SQL statements a registration and a new mail cost, on both engines: a guard
against repeated work creeping back (a read-back after an INSERT, a second write of the
case row, a setting or person read again), without timing anything.

What one new mail needs (``mail.intake``): the erasure key, one look-up for the duplicate
check on its Message-ID and the sender's count of the day (the flood cap), the mail row, the known sender,
the klachtnummer, the case row (with its first deadline), its search text
(``complaint_search``), its people, its first history line and its deadlines, and the mail
row's case. A registration by phone (``complaints.register``): the klachtnummer, the
person, the case row, its search text, its people, its first history line and its deadlines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select

from klachtdesk.models import Channel, Complaint, ComplaintKind, Deadline, Event, EventType, MailMessage, Party
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.services.core.context import Context
from klachtdesk.services.mail import intake
from tests.conftest import search_text_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail_corpus"))
import corpus  # noqa: E402

#: the statements of one new mail from a known sender, besides one INSERT per person it
#: names (``Betrokken personen``); BEGIN and COMMIT are not counted
NEW_MAIL = 11
#: the statements of one registration by phone
REGISTRATION = 7


@contextmanager
def counted(context: Context) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split())[:120])

    engine = context.db.engine  # the write engine shares its events
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _mail(name: str, number: int) -> bytes:
    """A corpus mail under a Message-ID of its own (as the bench makes them)."""
    raw = (corpus.CORPUS / name).read_bytes()
    return raw.replace(b"Message-ID: <", f"Message-ID: <statements{number}.".encode(), 1)


def test_a_new_mail_costs_a_fixed_number_of_statements(context: Context) -> None:
    settings = MailSettings()
    first = intake.receive(context, intake.IncomingMail(_mail("01_outlook_klacht_cp1252.eml", 1), "test:1"),
                           settings)  # a new sender: the person is made
    with counted(context) as statements:
        again = intake.receive(context, intake.IncomingMail(_mail("01_outlook_klacht_cp1252.eml", 2), "test:2"),
                               settings)  # the same sender, now known
    assert first.complaint_id and again.complaint_id and again.complaint_id != first.complaint_id
    people = [s for s in statements if s.startswith("INSERT INTO person")]
    assert len(people) == 2  # the two persons involved the mail names; the klager is known
    assert len(statements) - len(people) <= NEW_MAIL, "\n".join(statements)
    # every write of the case row is its INSERT (next deadline included), and of its search text too
    assert not [s for s in statements if s.startswith("UPDATE complaint")], statements
    with context.db.read() as session:
        case = session.get(Complaint, again.complaint_id)
        assert case is not None and case.review_pending and case.complainant_id is not None
        assert "jansen" in search_text_of(session, case.id).lower() and case.next_due is not None
        first_open = session.exec(select(Deadline).where(Deadline.complaint_id == case.id)
                                  .order_by(Deadline.due, Deadline.id)).first()
        assert first_open is not None and (case.next_due, case.next_deadline_kind) == (first_open.due, first_open.kind)
        mail = session.exec(select(MailMessage).where(MailMessage.complaint_id == case.id)).one()
        line = session.exec(select(Event).where(Event.complaint_id == case.id,
                                                Event.type == EventType.REGISTERED)).one()
        assert line.data["mail_id"] == mail.id
        parties = session.exec(select(Party.person_id).where(Party.complaint_id == case.id)
                               .order_by(Party.id)).all()
        assert len(parties) == 3 and parties[0] == case.complainant_id


def test_a_registration_costs_a_fixed_number_of_statements(context: Context) -> None:
    data = RegistrationInput(kind=ComplaintKind.COMPLAINT, channel=Channel.PHONE,
                             complainant=PersonInput(name="Anna de Vries", phone="06-12345678"),
                             service_type=context.settings.lists.service_types[0], description="Niemand belde terug.")
    complaints.register(context, data)
    with counted(context) as statements:
        registered = complaints.register(context, data)
    assert len(statements) <= REGISTRATION, "\n".join(statements)
    assert not [s for s in statements if s.startswith("UPDATE complaint") or s.startswith("SELECT")], statements
    with context.db.read() as session:
        case = session.get(Complaint, registered.id)
        assert case is not None and case.number == registered.number and search_text_of(session, case.id)
        assert case.next_due == min(p.due for p in registered.promises)
