"""Letters waiting for the post: printing one at the desk, and marking one posted.

``messages.send`` records a letter to a klager without e-mail "klaar om te versturen"
(``transport`` post, no ``sent_at``); a person at the desk gets it printed at once, an
intake without a person (the web form, on its own server) prints nothing. ``print_letter``
prints a letter from the database where it is asked — the desk's outbox — the first time
(``klachtdesk brieven``, ``p`` in the letters screen) and again on request (a lost or
spoiled print): the same file, replaced. ``mark_posted`` records the day it went in the
post: from that moment it counts, as an e-mail counts when it is sent — it meets its
deadlines (the reply, the decision) as far as it counts (``Message.meets_deadlines``: an
automatic ontvangstbevestiging the organisation does not count as its reply meets none)
and an extension notice takes effect — and the history says so. ``waiting`` lists the
letters still to post (the CLI's ``brieven``, the case screen).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import Session, select

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import KlachtdeskError, NotFound, TransitionRefused, ValidationError, os_reason
from klachtdesk.models import Complaint, EventType, Message, Party, PartyRole, Person
from klachtdesk.services import limits
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.numbering import parse_number
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.correspondence import letters
from klachtdesk.services.correspondence.messages import (TEMPLATES, _case, _require_sending, _spec, extend_by,
                                                         letter_of, letter_stem, meet_by, posted_line)
from klachtdesk.services.people.postal import POST, stored_address
from klachtdesk.services.time.dutch import format_date

#: the state of a printed letter until it is marked posted
WAITING = "klaar om te versturen"


@dataclass(frozen=True)
class LetterView:
    """A printed letter: where it goes, and whether it is posted."""

    id: int
    complaint_id: int
    number: str
    template: str
    label: str
    subject: str
    name: str
    address: str  # one line ("" when the klager has none any more)
    printed_at: datetime
    path: str | None  # where it was printed last (maybe another desk's outbox); None: not printed yet
    posted_at: datetime | None
    #: whether it meets its deadlines once posted (an automatic acknowledgement may not)
    counts: bool = True
    #: whether its file is there, on this machine (looked at once, when the view is made:
    #: not at every repaint or cursor move of the letters screen)
    printed_here: bool = False

    @property
    def state(self) -> str:
        return WAITING if self.posted_at is None else f"verstuurd op {format_date(local(self.posted_at).date())}"


@dataclass(frozen=True)
class Posted:
    """A letter marked posted: the deadlines it met, the new decision date it announced."""

    letter: LetterView
    met: tuple[str, ...]
    extended_to: date | None

    @property
    def outcome(self) -> str:
        words = [f"Brief {self.letter.id} ({self.letter.number}, {self.letter.label}) is verstuurd op "
                 f"{format_date(local(self.letter.posted_at).date()) if self.letter.posted_at else '?'}."]
        if self.met:
            words.append(f"Termijn gehaald: {', '.join(self.met)}.")
        if not self.letter.counts:
            words.append("Een automatische ontvangstbevestiging telt niet als de reactie: die termijn blijft open.")
        if self.extended_to:
            words.append(f"Beslistermijn verlengd tot {format_date(self.extended_to)}.")
        return " ".join(words)


def _view(message: Message, complaint: Complaint, person: Person | None) -> LetterView:
    assert message.id is not None
    spec = TEMPLATES.get(message.template)
    address = stored_address(person.street, person.postcode, person.city, person.country) if person else None
    return LetterView(
        id=message.id, complaint_id=message.complaint_id, number=complaint.number, template=message.template,
        label=spec.label if spec else message.template, subject=message.subject, name=person.name if person else "",
        address=address.one_line() if address else "", printed_at=message.created_at, path=message.outbox_path,
        posted_at=message.sent_at, counts=message.meets_deadlines,
        printed_here=message.outbox_path is not None and Path(message.outbox_path).is_file(),
    )


def _letters(session: Session, *conditions: object) -> list[LetterView]:
    rows = session.exec(
        select(Message, Complaint, Person)
        .join(Complaint, Complaint.id == Message.complaint_id)
        .outerjoin(Party, (Party.complaint_id == Complaint.id) & (Party.role == PartyRole.COMPLAINANT)
                   & (Party.person_id == Complaint.complainant_id))
        .outerjoin(Person, Person.id == Party.person_id)
        .where(Message.transport == POST, Complaint.anonymised_at.is_(None), *conditions)  # type: ignore[union-attr]
        .order_by(Message.created_at, Message.id)  # type: ignore[arg-type]
    ).all()
    return [_view(message, complaint, person) for message, complaint, person in rows]


@limits.checked(complaint_id="id")
def waiting(context: Context, complaint_id: int | None = None) -> list[LetterView]:
    """The printed letters not yet marked posted (of one case, or of every case), oldest first."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        conditions: list[object] = [Message.sent_at.is_(None)]  # type: ignore[union-attr]
        if complaint_id is not None:
            conditions.append(Message.complaint_id == complaint_id)
        return _letters(session, *conditions)


def letter_to_post(context: Context, reference: str) -> int:
    """The letter a person means: a brief number (``17``, from the list of letters to post)
    or a klachtnummer (``KL-2026-000123``, ``2026-123``) whose case has exactly one letter
    waiting. A Dutch error otherwise."""
    text = limits.clean_text(reference, "klachtnummer", form_field="brief")
    if text.isdigit():
        return limits.check_number(int(text), "id", form_field="brief")
    try:
        number = parse_number(text, context.today().year)
    except ValidationError:
        raise ValidationError(f"'{text}' is geen briefnummer (zie klachtdesk brieven) en geen klachtnummer "
                              "(KL-2026-000123).", field="brief") from None
    letters = waiting(context, complaints.id_for_number(context, number))
    if not letters:
        raise NotFound(f"Bij {number} wacht geen brief op verzending.")
    if len(letters) > 1:
        listed = "; ".join(f"brief {letter.id}: {letter.label}" for letter in letters)
        raise ValidationError(f"Bij {number} wachten {len(letters)} brieven ({listed}); noem het briefnummer.",
                              field="brief")
    return letters[0].id


def posted_moment(context: Context, on: date | None, printed_at: datetime) -> datetime:
    """The moment a letter counts as posted: now for today (or no day given); noon of a
    day before (what counts for a deadline is the day). Not in the future, not before it
    was printed."""
    today = context.today()
    if on is None or on == today:
        return context.now()
    limits.check_day(on, "posted_on", "de dag van verzending")
    if on > today:
        raise ValidationError(f"{format_date(on)} ligt in de toekomst: een brief is verstuurd op de dag dat hij op "
                              "de post ging.", field="posted_on")
    printed = local(printed_at).date()
    if on < printed:
        raise ValidationError(f"De brief is pas op {format_date(printed)} afgedrukt; hij kan niet eerder verstuurd "
                              "zijn.", field="posted_on")
    return datetime.combine(on, time(12), tzinfo=AMSTERDAM)


@limits.checked(message_id="id")
def mark_posted(context: Context, message_id: int, on: date | None = None) -> Posted:
    """Record that a printed letter went in the post (``on``: that day; default today):
    its history line, and what it does now that it is sent (deadlines, an extension)."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.write() as session:
        row = session.get(Message, message_id)
        if row is None:
            raise NotFound(f"Brief {message_id} bestaat niet.")
        if row.transport != POST:
            raise TransitionRefused(f"Bericht {message_id} is geen brief maar ging {'per e-mail' if row.transport == 'smtp' else 'als .eml'}; "
                                    "er is niets op de post te doen.")
        spec = _spec(row.template)
        case = _case(session, row.complaint_id)  # refuses an anonymised case
        _require_sending(context, spec, case.complaint)
        if row.sent_at is not None:
            raise TransitionRefused(f"Brief {message_id} is al als verstuurd gemarkeerd, op "
                                    f"{format_date(local(row.sent_at).date())}.")
        at = posted_moment(context, on, row.created_at)
        row.sent_at = at
        session.add(row)
        data: dict[str, object] = {"bericht_id": message_id, "sjabloon": spec.key, "transport": POST,
                                   "verstuurd_op": local(at).date().isoformat(), "bestand": row.outbox_path}
        extended_to = extend_by(session, context, spec, row.complaint_id, row.body, data)
        event = events.record(session, context, row.complaint_id, EventType.MESSAGE, posted_line(spec.label),
                              data=data, at=at)
        met = meet_by(session, context, spec, row.complaint_id, event, row.meets_deadlines)
        person = session.get(Person, case.complaint.complainant_id) if case.complaint.complainant_id else None
        return Posted(_view(row, case.complaint, person), tuple(r.label or str(r.kind) for r in met), extended_to)


@dataclass(frozen=True)
class Printed:
    """A letter printed at this desk: its file (``letter.path``), and whether it replaced an
    earlier print of it."""

    letter: LetterView
    again: bool

    @property
    def outcome(self) -> str:
        done = "opnieuw afgedrukt (het vorige bestand is vervangen)" if self.again else "afgedrukt"
        words = f"Brief {self.letter.id} ({self.letter.number}, {self.letter.label}) is {done}: {self.letter.path}"
        if self.letter.posted_at is None:
            return f"{words}. Markeer hem als verstuurd zodra hij op de post is."
        return f"{words}. Hij is al verstuurd op {format_date(local(self.letter.posted_at).date())}."


def _printed_before(stem: str) -> bool:
    folder = letters.letters_dir()
    return any((folder / f"{stem}{suffix}").is_file() for suffix in (".pdf", ".txt"))


@limits.checked(message_id="id")
def print_letter(context: Context, message_id: int) -> Printed:
    """Print a letter from the database into this desk's outbox (``brieven/``, private): its
    stored subject and text, to the klager's address as the case has it now. Printing it
    again replaces the file. Who may post it may print it (``mark_posted``)."""
    context.require(Permission.READ_PERSONAL_DATA)
    with context.db.read() as session:
        row = session.get(Message, message_id)
        if row is None or row.transport != POST:
            raise NotFound(f"Brief {message_id} bestaat niet." if row is None else
                           f"Bericht {message_id} is geen brief maar een e-mail; er is niets af te drukken.")
        spec = _spec(row.template)
        case = _case(session, row.complaint_id)  # refuses an anonymised case
        _require_sending(context, spec, case.complaint)
        if case.address is None:
            raise TransitionRefused(f"De klager van {case.complaint.number} heeft geen postadres meer; leg het "
                                    "adres vast (i in de zaak) en druk de brief dan af.")
        letter, stem = letter_of(context.settings.messages, case, row), letter_stem(case.complaint.number, row)
        person = session.get(Person, case.complaint.complainant_id) if case.complaint.complainant_id else None
        view = _view(row, case.complaint, person)
    try:
        again = _printed_before(stem)
        path = letters.write_letter(letter, stem)
    except OSError as error:
        raise KlachtdeskError(f"De brief kon niet worden afgedrukt in {letters.LETTERS_FOLDER}/ van de outbox: "
                              f"{os_reason(error)}") from None
    with context.db.write() as session:  # where it is now: the list shows it, an erasure removes it
        row = session.get(Message, message_id)
        complaint = session.get(Complaint, row.complaint_id) if row is not None else None
        if row is None or complaint is None or complaint.anonymised_at is not None:  # erased meanwhile
            path.unlink(missing_ok=True)
            raise TransitionRefused("De zaak is intussen geanonimiseerd; de brief is niet afgedrukt.")
        if row.outbox_path != str(path):
            row.outbox_path = str(path)
            session.add(row)
    return Printed(replace(view, path=str(path), printed_here=True), again)


__all__ = ["WAITING", "LetterView", "Posted", "Printed", "letter_to_post", "mark_posted", "posted_moment",
           "print_letter", "waiting"]
