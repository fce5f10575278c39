"""Letters printed at the desk from the database (``posting.print_letter``), and what a
letter meets once posted (``Message.meets_deadlines``, decided when the letter is made).

On both engines: a klager registered by phone without e-mail, with a postal address, whose
automatic ontvangstbevestiging (not counted as the reply) is recorded without a file and
meets nothing when posted; a letter a person sends counts, is printed at once and meets
the reply when posted. The printer: the stored text, the address as the case has it now,
one private file per letter replaced by a reprint, refused in Dutch where it cannot be."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlmodel import select

from klachtdesk.errors import NotFound, PermissionDenied, TransitionRefused
from klachtdesk.models import Message, Person, StaffRole
from klachtdesk.paths import outbox_dir
from klachtdesk.services.cases import complaints
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import acknowledgement, letters, messages, posting
from klachtdesk.services.privacy import avg as privacy
from klachtdesk.services.privacy.traces import pdf_text
from tests.unit.test_letters import register, reply_deadline


def register_by_phone(context: Context, *, email: str = "") -> int:
    """Klantenservice's registration of a caller with an address (channel telefoon, the default)."""
    return register(context, email=email)


def printed_files() -> list[Path]:
    folder = outbox_dir() / letters.LETTERS_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def text_of(path: Path) -> str:
    return pdf_text(path.read_bytes()) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")


# -- what a posted letter meets ----------------------------------------------------------------


def test_an_automatic_acknowledgement_letter_posted_leaves_the_reply_open(context: Context) -> None:
    case_id = register_by_phone(context)
    sent = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    assert (sent.transport, sent.outbox_path, sent.sent_at) == ("post", None, None)
    assert printed_files() == []  # an intake without a person prints nothing where it runs
    assert "de balie drukt hem af" in sent.outcome
    timeline = complaints.get_case(context, case_id, record_view=False).timeline
    assert timeline[0].summary == "Brief klaar om af te drukken en te versturen: Ontvangstbevestiging (per post)"
    with context.db.read() as session:
        assert session.exec(select(Message.meets_deadlines)).one() is False
    posted = posting.mark_posted(context, sent.id)
    assert posted.met == () and not posted.letter.counts
    assert "telt niet als de reactie" in posted.outcome
    assert reply_deadline(context, case_id).met_at is None  # design rule 5: only the reply meets it
    assert posting.waiting(context) == []


def test_a_letter_a_person_sends_counts_and_meets_the_reply_when_posted(context: Context, clock: Any) -> None:
    case_id = register_by_phone(context)
    automatic = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    posting.mark_posted(context, automatic.id)
    offer = acknowledgement.offer_acknowledgement(context, case_id)  # the phone intake's own, by the agent
    assert offer.draft is not None and offer.draft.transport == "post"
    sent = acknowledgement.send_acknowledgement(context, offer.draft)
    assert sent.outbox_path is not None and Path(sent.outbox_path).is_file()  # printed at the desk at once
    assert reply_deadline(context, case_id).met_at is None  # printed is not posted
    clock.advance(timedelta(hours=2))
    posted = posting.mark_posted(context, sent.id)
    assert posted.letter.counts and posted.met and "telt niet" not in posted.outcome
    assert reply_deadline(context, case_id).met_at == context.now()


def test_an_automatic_letter_the_organisation_counts_meets_the_reply_when_posted(context: Context) -> None:
    case_id = register_by_phone(context)
    sent = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=True)
    assert reply_deadline(context, case_id).met_at is None
    assert posting.mark_posted(context, sent.id).met
    assert reply_deadline(context, case_id).met_at == context.now()


def test_an_automatic_email_keeps_its_decision_too(context: Context) -> None:
    case_id = register_by_phone(context, email="jan@example.nl")
    sent = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    assert sent.transport == "eml" and sent.met == ()
    with context.db.read() as session:
        assert session.exec(select(Message.meets_deadlines)).one() is False
    assert reply_deadline(context, case_id).met_at is None


# -- printing from the database ------------------------------------------------------------------


def test_the_desk_prints_the_stored_letter_privately_and_again_in_place(context: Context, clock: Any) -> None:
    case_id = register_by_phone(context)
    sent = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    clock.advance(timedelta(days=1))  # made on Monday, printed on Tuesday: dated the day it was made
    printed = posting.print_letter(context, sent.id)
    path = Path(printed.letter.path or "")
    assert not printed.again and "is afgedrukt" in printed.outcome and str(path) in printed.outcome
    assert path.parent == outbox_dir() / "brieven" and path.name.startswith("KL-2026-000001_")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with context.db.read() as session:
        row = session.exec(select(Message)).one()
        assert row.outbox_path == str(path)  # the list shows it; an erasure removes it
    shown = text_of(path)
    for expected in ("Jan de Vries", "Dorpsstraat 12a", "1234 AB  ONS DORP", "KL-2026-000001",
                     "maandag 23 november 2026", row.subject, row.body.split("\n")[0]):
        assert expected in shown, expected
    [waiting] = posting.waiting(context)
    assert waiting.path == str(path) and waiting.printed_here
    again = posting.print_letter(context, sent.id)
    assert again.again and again.letter.path == str(path) and "opnieuw afgedrukt" in again.outcome
    assert printed_files() == [path]


def test_a_reprint_goes_to_the_address_the_case_has_now_and_keeps_the_edited_text(context: Context) -> None:
    case_id = register_by_phone(context)
    sent = messages.send(context, case_id, "voortgang", "Voortgang", "Wij bellen u donderdag terug.")
    with context.db.write() as session:
        person = session.exec(select(Person).where(Person.name == "Jan de Vries")).one()
        person.street = "Kerkplein 3"
        session.add(person)
    printed = posting.print_letter(context, sent.id)
    shown = text_of(Path(printed.letter.path or ""))
    assert "Kerkplein 3" in shown and "Dorpsstraat 12a" not in shown
    assert "Wij bellen u donderdag terug." in shown
    assert printed.again and printed_files() == [Path(printed.letter.path or "")]


def test_a_print_in_another_form_leaves_no_stale_copy(context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = register_by_phone(context)
    sent = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    with monkeypatch.context() as without_fpdf:
        without_fpdf.setattr(letters, "render_pdf", lambda letter: None)
        text = Path(posting.print_letter(context, sent.id).letter.path or "")
    assert text.suffix == ".txt" and printed_files() == [text]
    pdf = Path(posting.print_letter(context, sent.id).letter.path or "")
    assert pdf.suffix == ".pdf" and printed_files() == [pdf]


def test_printing_is_refused_in_dutch_where_it_cannot_be(context: Context,
                                                         as_user: Callable[..., Context]) -> None:
    case_id = register_by_phone(context)
    letter = messages.send(context, case_id, "voortgang", "Voortgang", "Wij zijn ermee bezig.")
    with pytest.raises(NotFound, match="Brief 999 bestaat niet"):
        posting.print_letter(context, 999)
    email_case = register_by_phone(context, email="jan@example.nl")
    email = messages.send(context, email_case, "voortgang", "Voortgang", "Wij zijn ermee bezig.")
    with pytest.raises(NotFound, match="geen brief maar een e-mail"):
        posting.print_letter(context, email.id)
    with pytest.raises(PermissionDenied):  # may read, may not send: may not print either
        posting.print_letter(as_user("kees", StaffRole.CUSTOMER_SERVICE), letter.id)
    with pytest.raises(PermissionDenied):  # a behandelaar: only the letters of their own cases
        posting.print_letter(as_user("bea", StaffRole.HANDLER), letter.id)
    with context.db.write() as session:
        person = session.exec(select(Person).where(Person.name == "Jan de Vries",
                                                   Person.email.is_(None))).one()  # type: ignore[union-attr]
        person.street = person.postcode = person.city = None
        session.add(person)
    before = printed_files()
    with pytest.raises(TransitionRefused, match="geen postadres meer"):
        posting.print_letter(context, letter.id)
    assert printed_files() == before


def test_an_erasure_removes_the_letter_the_desk_printed(context: Context) -> None:
    case_id = register_by_phone(context)
    sent = acknowledgement.send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    path = Path(posting.print_letter(context, sent.id).letter.path or "")
    privacy.erase_person(context, "Jan de Vries")
    assert not path.exists() and printed_files() == []
    with pytest.raises(TransitionRefused, match="geanonimiseerd"):
        posting.print_letter(context, sent.id)
    assert printed_files() == []


def test_fpdf2_is_imported_only_to_print() -> None:
    """The web form's intake and the letters' services load without fpdf2 (half a second)."""
    code = ("import sys, klachtdesk.services.webform.intake, klachtdesk.services.correspondence.posting, "
            "klachtdesk.cli.brieven; print('fpdf' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
