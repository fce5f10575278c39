"""Letters by post (issue 15, item 6): the klager's postal address, a printed letter for a
klager without e-mail recorded "klaar om te versturen", marked posted (its deadlines met
on that day), and the address and the letter gone after an erasure."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import NotFound, PermissionDenied, TransitionRefused, ValidationError
from klachtdesk.models import Deadline, DeadlineKind, EventType, Message, Person, StaffRole
from klachtdesk.paths import outbox_dir
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import letters, messages, posting
from klachtdesk.services.people import postal
from klachtdesk.services.privacy import avg as privacy
from klachtdesk.services.privacy.traces import pdf_text

ADDRESS = {"street": "Dorpsstraat 12a", "postcode": "1234ab", "city": "Ons Dorp"}


def register(context: Context, *, email: str = "", phone: str = "0612345678", **address: str) -> int:
    data = RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone=phone, email=email, **(address or ADDRESS)),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
    )
    return complaints.register(context, data).id


def reply_deadline(context: Context, complaint_id: int) -> Deadline:
    with context.db.read() as session:
        return session.exec(select(Deadline).where(Deadline.complaint_id == complaint_id,
                                                   Deadline.kind == DeadlineKind.REPLY)).one()


def print_acknowledgement(context: Context, complaint_id: int) -> messages.SentMessage:
    draft = messages.prepare_acknowledgement(context, complaint_id)
    return messages.send(context, complaint_id, draft.template, draft.subject, draft.body)


# -- the address ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1234AB", "1234 ab", " 1234  Ab ".replace("  ", " "), "1234aB"])
def test_a_dutch_postcode_is_stored_as_1234_AB(typed: str) -> None:
    assert postal.normalise_postcode(typed) == "1234 AB"


@pytest.mark.parametrize("typed", ["0123 AB", "123 AB", "1234 A", "12345 AB", "1234 SS", "ABCD 12", "1234-AB"])
def test_a_postcode_that_is_not_dutch_is_refused_in_dutch(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        postal.normalise_postcode(typed)
    assert refused.value.field == "address.postcode" and "postcode" in refused.value.message


def test_an_address_is_all_or_nothing_and_each_error_is_at_its_part() -> None:
    assert postal.check_address("", "", "", "") == (None, [])
    address, errors = postal.check_address("Dorpsstraat", "", "", "")
    assert [e.field for e in errors] == ["address.street", "address.postcode", "address.city"]
    assert "huisnummer" in errors[0].message
    address, errors = postal.check_address("Dorpsstraat 12a", "1234ab", "Ons Dorp", "Nederland")
    assert errors == [] and address == postal.PostalAddress("Dorpsstraat 12a", "1234 AB", "Ons Dorp", None)
    assert address.lines("Jan de Vries") == ["Jan de Vries", "Dorpsstraat 12a", "1234 AB  ONS DORP"]


def test_an_address_abroad_keeps_its_own_postcode_and_names_its_land() -> None:
    address, errors = postal.check_address("Rue Neuve 3", "B-1000", "Brussel", "België")
    assert errors == [] and address is not None and address.abroad
    assert address.lines() == ["Rue Neuve 3", "B-1000  BRUSSEL", "BELGIË"]


@pytest.mark.parametrize(("part", "value", "words"), [
    ("street", "Dorpsstraat 1" + "a" * 300, "te lang"),
    ("city", "x" * 101, "te lang"),
    ("postcode", "1234" + "A" * 20, "te lang"),
    ("country", "L" * 101, "te lang"),
])
def test_hostile_address_parts_get_a_dutch_message_at_their_field(part: str, value: str, words: str) -> None:
    given = {"street": "Dorpsstraat 1", "postcode": "1234 AB", "city": "Ons Dorp", "country": ""} | {part: value}
    _address, errors = postal.check_address(**given)
    assert [(e.field, words in e.message) for e in errors][:1] == [(f"address.{part}", True)]


def test_control_characters_leave_the_address_and_bad_utf8_is_refused() -> None:
    address, errors = postal.check_address("Dorps\x1b[31mstraat\x00 1", "1234\tAB", "Ons\nDorp", "")
    assert errors == [] and address == postal.PostalAddress("Dorps[31mstraat 1", "1234 AB", "Ons Dorp")
    _address, errors = postal.check_address("Dorpsstraat \udc80 1", "1234 AB", "Ons Dorp", "")
    assert [e.field for e in errors] == ["address.street"]


def test_the_address_is_stored_with_the_klager_and_shown_on_the_case(context: Context) -> None:
    case_id = register(context, email="jan@example.nl")
    with context.db.read() as session:
        person = session.exec(select(Person).where(Person.name == "Jan de Vries")).one()
        assert (person.street, person.postcode, person.city, person.country) == (
            "Dorpsstraat 12a", "1234 AB", "Ons Dorp", None)
    klager = complaints.get_case(context, case_id, record_view=False).complainant
    assert klager is not None and klager.address == "Dorpsstraat 12a, 1234 AB Ons Dorp"


def test_a_registration_with_a_wrong_postcode_is_refused_at_the_postcode(context: Context) -> None:
    with pytest.raises(ValidationError) as refused:
        register(context, street="Dorpsstraat 1", postcode="12345", city="Ons Dorp")
    assert refused.value.field == "address.postcode"


def test_an_address_alone_is_enough_to_be_reached(context: Context) -> None:
    case_id = register(context, phone="")
    assert complaints.get_case(context, case_id, record_view=False).complainant is not None


def test_a_role_without_personal_data_sees_no_address(context: Context,
                                                      as_user: Callable[..., Context]) -> None:
    case_id = register(context)
    directie = as_user("dirk", StaffRole.MANAGEMENT)
    assert complaints.get_case(directie, case_id, record_view=False).parties == []
    with pytest.raises(PermissionDenied):
        posting.waiting(directie)


# -- a letter instead of an e-mail --------------------------------------------------------------


def test_a_klager_without_email_gets_a_printed_letter_waiting_to_be_posted(context: Context) -> None:
    case_id = register(context)
    draft = messages.prepare_acknowledgement(context, case_id)
    assert draft.transport == "post" and draft.recipient is None
    assert draft.address == ("Jan de Vries", "Dorpsstraat 12a", "1234 AB  ONS DORP")
    assert "als brief per post aan Jan de Vries" in draft.how
    sent = messages.send(context, case_id, draft.template, draft.subject, draft.body)
    assert sent.transport == "post" and sent.sent_at is None and sent.met == ()
    assert "klaar om te versturen" in sent.outcome
    path = Path(sent.outbox_path or "")
    assert path.parent == outbox_dir() / "brieven" and path.suffix == ".pdf"
    assert path.name.startswith("KL-2026-000001_")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = pdf_text(path.read_bytes())
    for expected in ("Ksyos", "Jan de Vries", "Dorpsstraat 12a", "1234 AB  ONS DORP", "KL-2026-000001",
                     "23 november 2026", draft.subject):
        assert expected in text
    with context.db.read() as session:
        row = session.exec(select(Message)).one()
        assert (row.transport, row.sent_at, row.outbox_path) == ("post", None, str(path))
    assert reply_deadline(context, case_id).met_at is None  # printed is not sent
    timeline = complaints.get_case(context, case_id, record_view=False).timeline
    assert timeline[0].summary == "Brief klaar om te versturen: Ontvangstbevestiging (afgedrukt, per post)"
    [waiting] = posting.waiting(context)
    assert (waiting.id, waiting.number, waiting.state, waiting.address) == (
        sent.id, "KL-2026-000001", "klaar om te versturen", "Dorpsstraat 12a, 1234 AB Ons Dorp")


def test_marking_a_letter_posted_meets_its_deadline_on_that_day(context: Context, clock: Any) -> None:
    case_id = register(context)
    sent = print_acknowledgement(context, case_id)
    clock.advance(timedelta(days=1))  # printed on Monday, posted on Tuesday
    posted = posting.mark_posted(context, sent.id)
    assert posted.letter.posted_at == context.now() and posted.met
    assert reply_deadline(context, case_id).met_at == context.now()
    assert posting.waiting(context) == []
    timeline = complaints.get_case(context, case_id, record_view=False).timeline
    assert timeline[0].type is EventType.MESSAGE
    assert timeline[0].summary == "Brief verstuurd: Ontvangstbevestiging (per post)"
    assert "is verstuurd op dinsdag 24 november 2026" in posted.outcome
    with pytest.raises(TransitionRefused, match="al als verstuurd"):
        posting.mark_posted(context, sent.id)


def test_a_letter_posted_on_an_earlier_day_counts_from_that_day(context: Context, clock: Any) -> None:
    case_id = register(context)
    sent = print_acknowledgement(context, case_id)
    clock.advance(timedelta(days=3))
    with pytest.raises(ValidationError, match="toekomst"):
        posting.mark_posted(context, sent.id, date(2026, 11, 27))
    with pytest.raises(ValidationError, match="pas op maandag 23 november 2026 afgedrukt"):
        posting.mark_posted(context, sent.id, date(2026, 11, 20))
    posting.mark_posted(context, sent.id, date(2026, 11, 24))
    met_at = reply_deadline(context, case_id).met_at
    assert met_at is not None and met_at.astimezone(AMSTERDAM).date() == date(2026, 11, 24)


def test_an_email_is_no_letter_to_post(context: Context) -> None:
    case_id = register(context, email="jan@example.nl")
    sent = print_acknowledgement(context, case_id)
    assert sent.transport == "eml"
    with pytest.raises(TransitionRefused, match="geen brief"):
        posting.mark_posted(context, sent.id)
    with pytest.raises(NotFound):
        posting.mark_posted(context, 999)


def test_a_klager_without_email_and_address_gets_nothing_and_it_is_said(context: Context) -> None:
    data = RegistrationInput(complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
                             service_type="Teleconsultatie", description="Onvriendelijk.")
    case_id = complaints.register(context, data).id
    with pytest.raises(TransitionRefused, match="geen e-mailadres en geen postadres"):
        messages.prepare_acknowledgement(context, case_id)
    with pytest.raises(TransitionRefused, match="geen e-mailadres en geen postadres"):
        messages.send(context, case_id, "voortgang", "Onderwerp", "Tekst")
    with context.db.read() as session:
        assert session.exec(select(Message)).all() == []
    assert not (outbox_dir() / "brieven").exists() or list((outbox_dir() / "brieven").iterdir()) == []


def test_a_behandelaar_marks_only_the_letters_of_their_own_cases(context: Context,
                                                                 as_user: Callable[..., Context]) -> None:
    case_id = register(context)
    sent = messages.send(context, case_id, "voortgang", "Voortgang", "Wij zijn ermee bezig.")
    other = as_user("bea", StaffRole.HANDLER)
    with pytest.raises(PermissionDenied):
        posting.mark_posted(other, sent.id)
    service = as_user("kees", StaffRole.CUSTOMER_SERVICE)
    with pytest.raises(PermissionDenied):
        posting.mark_posted(service, sent.id)
    assert [letter.id for letter in posting.waiting(service)] == [sent.id]  # may see, not post


def test_without_fpdf2_the_letter_is_a_print_ready_text(context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "render_pdf", lambda letter: None)
    case_id = register(context)
    sent = print_acknowledgement(context, case_id)
    path = Path(sent.outbox_path or "")
    assert path.suffix == ".txt" and stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert "Jan de Vries\nDorpsstraat 12a\n1234 AB  ONS DORP\n" in text
    assert "Klachtnummer: KL-2026-000001" in text


def test_the_sender_block_carries_the_organisations_postal_address() -> None:
    from klachtdesk.services.config.messages import address_lines

    assert address_lines("Postbus 123, 1000 AB Amsterdam") == ("Postbus 123", "1000 AB Amsterdam")
    assert address_lines("Postbus 123\n1000 AB  Amsterdam\n") == ("Postbus 123", "1000 AB  Amsterdam")
    assert address_lines("") == ()


# -- privacy ----------------------------------------------------------------------------------


def test_inzage_gives_the_address_and_the_letter_waiting_to_be_posted(context: Context) -> None:
    case_id = register(context)
    print_acknowledgement(context, case_id)
    data = privacy.export_person(context, "Jan de Vries").data
    assert data["persoonsgegevens"][0]["postadres"] == "Dorpsstraat 12a, 1234 AB Ons Dorp"
    [letter] = data["zaken"][0]["berichten"]
    assert letter["per"] == "post" and letter["verstuurd"] is None


def test_vergeet_removes_the_address_and_the_printed_letter(context: Context) -> None:
    case_id = register(context)
    path = Path(print_acknowledgement(context, case_id).outbox_path or "")
    assert path.exists()
    with context.db.read() as session:
        person_id = session.exec(select(Person.id).where(Person.name == "Jan de Vries")).one()
    privacy.erase_person(context, "Jan de Vries")
    assert not path.exists()
    with context.db.read() as session:
        person = session.get(Person, person_id)
        assert person is not None and person.anonymised_at is not None
        assert (person.street, person.postcode, person.city, person.country) == (None, None, None, None)
    assert posting.waiting(context) == []
    assert list((outbox_dir() / "brieven").iterdir()) == []


def test_vergeet_of_someone_named_in_a_letter_removes_that_letter(context: Context) -> None:
    case_id = register(context)
    sent = messages.send(context, case_id, "voortgang", "Voortgang",
                         "Wij spraken met Karel Appelboom over uw klacht.")
    other = RegistrationInput(complainant=PersonInput(name="Karel Appelboom", email="karel@example.nl"),
                              service_type="Teleconsultatie", description="Iets anders.")
    complaints.register(context, other)
    path = Path(sent.outbox_path or "")
    privacy.erase_person(context, "karel@example.nl")
    assert not path.exists()


def test_an_extension_by_letter_takes_effect_when_it_is_posted(context: Context) -> None:
    case_id = register(context)
    with context.db.read() as session:
        decision = session.exec(select(Deadline).where(Deadline.complaint_id == case_id,
                                                       Deadline.kind == DeadlineKind.DECISION)).one()
    before = decision.due
    draft = messages.prepare(context, case_id, "verlenging", reden="Wij wachten op het verslag van de arts.")
    sent = messages.send(context, case_id, draft.template, draft.subject, draft.body)
    assert sent.extended_to is None  # printed: the klager has not been told yet

    def decision_due() -> date:
        with context.db.read() as session:
            return session.exec(select(Deadline.due).where(Deadline.complaint_id == case_id,
                                                           Deadline.kind == DeadlineKind.DECISION)).one()

    assert decision_due() == before
    posted = posting.mark_posted(context, sent.id)
    assert posted.extended_to is not None and posted.extended_to > before
    assert decision_due() == posted.extended_to
    assert "Beslistermijn verlengd tot" in posted.outcome


def test_the_message_choices_say_why_nothing_can_go_to_a_klager_without_email_or_address(context: Context) -> None:
    data = RegistrationInput(complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
                             service_type="Teleconsultatie", description="Onvriendelijk.")
    case_id = complaints.register(context, data).id
    choices = messages.templates_for(context, case_id)
    assert not any(choice.available for choice in choices)
    assert all("geen e-mailadres en geen postadres" in (choice.why_not or "") for choice in choices)
    assert all(choice.available for choice in messages.templates_for(context, register(context))
               if choice.key in ("ontvangstbevestiging", "voortgang"))
