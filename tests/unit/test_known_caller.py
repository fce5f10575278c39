"""A known caller taken over at registration (``people.known_caller``): a detail that
differs is changed with a history line on every case of the person (the profile's writer),
an empty one is filled in, nothing given leaves the stored details; the web form's account
may not change a known person; a mail never does. Both engines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from klachtdesk.errors import PermissionDenied, ValidationError
from klachtdesk.models import Complaint, Event, EventType, PartyRole, Person, Staff, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.review import complete_review, review_form
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.services.lists import search
from klachtdesk.services.mail import intake
from klachtdesk.services.people import known_caller, profile

from tests.unit.test_people import register


def again(context: Context, person_id: int, **given: str) -> complaints.Registered:
    """A new registration for the known person, with these details as typed."""
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(person_id=person_id, **given), service_type="Thuiszorg",
        description="Alweer niemand gekomen."))


def history(context: Context, case_id: int) -> list[Event]:
    """The lines of a change to a person's details on this case."""
    with context.db.read() as session:
        lines = session.exec(select(Event).where(Event.complaint_id == case_id,
                                                 Event.type == EventType.FIELD_CHANGED).order_by(Event.id)).all()
    return [line for line in lines if line.summary.startswith("Gegevens van")]  # not "Melding … beoordeeld"


def stored(context: Context, person_id: int) -> Person:
    with context.db.read() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person


def test_a_changed_phone_is_recorded_on_every_case_of_the_person(context: Context,
                                                                 as_user: Callable[..., Context]) -> None:
    first = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, first.id)
    other = register(context, "Piet Pieters", phone="0687654321",
                     involved=[PersonInput(name="Jan Jansen", role=PartyRole.INVOLVED, person_id=person_id)])
    desk = as_user("karin", StaffRole.CUSTOMER_SERVICE)  # klantenservice: "ik heb een nieuw nummer"
    new = again(desk, person_id, name="Jan Jansen", phone="06 11122233", email="jan@example.nl")

    assert stored(context, person_id).phone == "+31611122233"
    for case_id, role in ((first.id, "de klager"), (other.id, "een betrokkene")):
        [line] = history(context, case_id)
        assert line.summary == f"Gegevens van {role} bijgewerkt bij een nieuwe melding: telefoon"
        assert "0612345678" not in line.summary and "06 1" not in line.summary  # values only in the body
        assert line.body == "telefoon: 06 12345678 → 06 11122233"
        assert line.data["wijzigingen"] == {"phone": {"oud": "+31612345678", "nieuw": "+31611122233"}}
        assert line.actor_id == desk.user.id
    assert complaints.get_case(context, new.id, record_view=False).complainant.person_id == person_id
    # the profile lists it with its corrections, and an erasure would find both values there
    assert [c.summary for c in profile.get_profile(context, person_id).corrections] == [
        "Gegevens gecorrigeerd: telefoon"]
    with context.db.read() as session:
        assert {"+31612345678", "+31611122233"} <= set(profile.earlier_values(session, [person_id]))
    # the earlier cases are found by the new number, no longer by the old one
    assert {r.number for r in search.search_page(context, "0611122233")} == {first.number, other.number,
                                                                            new.number}
    assert search.search_page(context, "0612345678") == []


def test_a_detail_a_colleague_changed_since_the_take_over_is_not_overwritten(context: Context) -> None:
    first = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, first.id)
    shown = stored(context, person_id)  # what the form showed at the take-over
    seen = tuple(sorted((name, getattr(shown, name)) for name in known_caller.DETAILS))
    # meanwhile a colleague corrects the phone in the klager's profile
    with context.db.write() as session:
        person = session.get(Person, person_id)
        profile.record_correction(session, context, person, {"phone": "+31611122244"})
    # the agent, who took the caller over before, types yet another number: refused at the field
    with pytest.raises(ValidationError) as refused:
        complaints.register(context, RegistrationInput(
            complainant=PersonInput(person_id=person_id, name="Jan Jansen", phone="06 11122233", seen=seen),
            service_type="Thuiszorg", description="Alweer niemand gekomen."))
    assert refused.value.field == "phone" and "gewijzigd sinds u de beller overnam" in refused.value.message
    assert stored(context, person_id).phone == "+31611122244"
    # a detail the colleague did not touch may still be changed; the phone as it is now is no change
    again_ = complaints.register(context, RegistrationInput(
        complainant=PersonInput(person_id=person_id, name="Jan Jansen", phone="06 11122244",
                                email="jan.jansen@example.nl", seen=seen),
        service_type="Thuiszorg", description="Alweer niemand gekomen."))
    assert stored(context, person_id).email == "jan.jansen@example.nl"
    assert complaints.get_case(context, again_.id, record_view=False).complainant.person_id == person_id


def test_the_form_sends_what_it_showed_of_a_taken_over_caller(clock) -> None:  # type: ignore[no-untyped-def]
    from klachtdesk.services.cases.intake_form import empty_values, registration_input, sanitise_values

    values = empty_values(clock.now()) | {"name": "Jan Jansen", "person_id": 7,
                                          "person_seen": {"phone": "+31612345678", "email": "", "bogus": "x"}}
    kept = sanitise_values(values, clock.now())  # as a draft stores and restores it
    assert kept["person_seen"] == {"phone": "+31612345678", "email": None}
    data, _ = registration_input(kept, clock.now())
    assert data.complainant.seen == (("email", None), ("phone", "+31612345678"))
    assert sanitise_values(values | {"person_id": None}, clock.now())["person_seen"] is None  # no caller: nothing


def test_an_empty_detail_is_filled_in_and_says_so(context: Context) -> None:
    first = register(context)
    person_id = profile.klager_of(context, first.id)
    again(context, person_id, name="Jan Jansen", phone="06 12345678", email="jan@example.nl",
          street="Dorpsstraat 12a", postcode="1234ab", city="Ons Dorp")
    person = stored(context, person_id)
    assert (person.email, person.street, person.postcode, person.city, person.country) == (
        "jan@example.nl", "Dorpsstraat 12a", "1234 AB", "Ons Dorp", None)
    [line] = history(context, first.id)
    assert line.summary == ("Gegevens van de klager aangevuld bij een nieuwe melding: e-mail, straat en huisnummer, "
                            "postcode, plaats")
    assert line.body.splitlines()[0] == "e-mail: — → jan@example.nl"


def test_the_same_or_no_details_change_nothing(context: Context) -> None:
    first = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, first.id)
    again(context, person_id, name="Jan Jansen", phone="+31 6 1234 5678", email="jan@example.nl")
    again(context, person_id)  # nothing typed: the stored details stay
    person = stored(context, person_id)
    assert (person.name, person.phone, person.email) == ("Jan Jansen", "+31612345678", "jan@example.nl")
    assert history(context, first.id) == []


def test_the_web_form_account_may_not_change_a_known_person(context: Context,
                                                            as_user: Callable[..., Context]) -> None:
    first = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, first.id)
    web = as_user(staff.WEB_FORM_ACCOUNT, StaffRole.WEB_FORM)
    with pytest.raises(PermissionDenied, match="gegevens van een bekende beller bijwerken"):
        again(web, person_id, name="Jan Jansen", email="mallory@example.nl")
    assert stored(context, person_id).email == "jan@example.nl"
    with context.db.read() as session:
        assert session.exec(select(Complaint.id)).all() == [first.id]  # nothing registered either


def test_a_staff_member_or_an_anonymised_person_is_not_changed_here(context: Context) -> None:
    first = register(context, email="tess@example.nl")
    person_id = profile.klager_of(context, first.id)
    with context.db.write() as session:
        member = session.exec(select(Staff).where(Staff.username == "tester")).one()
        member.person_id = person_id
        session.add(member)
    with pytest.raises(ValidationError, match="medewerker") as refused:
        again(context, person_id, name="Jan Jansen", phone="06 11122233")
    assert refused.value.field == "phone"
    assert stored(context, person_id).phone == "+31612345678"

    other = profile.klager_of(context, register(context, "Piet Pieters", phone="0687654321").id)
    with context.db.write() as session:
        person = session.get(Person, other)
        person.anonymised_at = context.now()
        session.add(person)
    with pytest.raises(ValidationError, match="geanonimiseerd"):
        again(context, other, email="piet@example.nl")
    assert stored(context, other).email is None


def test_the_changes_are_compared_in_their_stored_form() -> None:
    stored_details = {"name": "Jan Jansen", "phone": "+31612345678", "email": None, "street": "Dorpsstraat 1",
                      "postcode": "1234 AB", "city": "Ons Dorp", "country": None}
    given = PersonInput(name="Jan Jansen", phone="+31611122233", email="jan@example.nl", street="Dorpsstraat 1",
                        postcode="1234 AB", city="Ons Dorp")
    found = known_caller.changes(stored_details, given)
    assert [(c.field, c.fills_in) for c in found] == [("phone", False), ("email", True)]
    assert found[0].text() == "telefoon: 06 12345678 → 06 11122233"
    assert known_caller.changes(stored_details, PersonInput()) == []


MAIL = """From: "J. de Boer-Jansen" <jan@example.nl>
To: klacht@ksyos.nl
Subject: Weer niemand gekomen
Date: Mon, 23 Nov 2026 09:30:00 +0100
Message-ID: <known-sender-1@example.nl>
Content-Type: text/plain; charset="utf-8"

Geachte heer/mevrouw,

De thuiszorg kwam vanochtend weer niet. Bel mij op 06 11122233.

Type dienstverlening: Thuiszorg

Met vriendelijke groet,
J. de Boer-Jansen
"""


def test_a_mail_from_a_known_address_links_the_case_but_changes_nobody(context: Context) -> None:
    first = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, first.id)
    result = intake.receive(context, intake.IncomingMail(MAIL.encode(), "test:known"), MailSettings())
    assert result.outcome.value == "nieuwe zaak" and result.complaint_id is not None

    person = stored(context, person_id)  # a mail's From can be forged: the person stays as they were
    assert (person.name, person.phone, person.email) == ("Jan Jansen", "+31612345678", "jan@example.nl")
    assert history(context, first.id) == []
    case = complaints.get_case(context, result.complaint_id, record_view=False)
    assert case.complainant is not None and case.complainant.person_id == person_id
    # what the mail says otherwise is in the new case's history, for the reviewer
    [note] = [e for e in case.timeline if e.type is EventType.NOTE]
    assert note.summary.startswith("De afzender is een bekende klager; de mail noemt andere gegevens")
    assert "Boer" not in note.summary
    assert note.body.splitlines() == ["naam: Jan Jansen → J. de Boer-Jansen (volgens de mail; niet overgenomen)",
                                      "telefoon: 06 12345678 → 06 11122233 (volgens de mail; niet overgenomen)"]
    review = review_form(context, result.complaint_id)
    assert any("bekende klager" in line for line in review.todo)
    assert not review.derived & {"name", "phone", "email"}  # the form shows the stored details, not the mail's


def test_reviewing_a_mail_of_a_known_sender_keeps_their_details(context: Context) -> None:
    first = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan Jansen", phone="0612345678", email="jan@example.nl",
                                street="Dorpsstraat 12a", postcode="1234 AB", city="Ons Dorp"),
        service_type="Thuiszorg", description="Eerste klacht."))
    person_id = profile.klager_of(context, first.id)
    result = intake.receive(context, intake.IncomingMail(MAIL.encode(), "test:known"), MailSettings())
    assert result.complaint_id is not None
    review = review_form(context, result.complaint_id)
    complete_review(context, result.complaint_id, review.version, review.data)
    person = stored(context, person_id)
    assert (person.name, person.phone, person.email, person.street, person.postcode, person.city) == (
        "Jan Jansen", "+31612345678", "jan@example.nl", "Dorpsstraat 12a", "1234 AB", "Ons Dorp")
    assert history(context, first.id) == []


def test_a_reviewer_who_takes_the_mails_number_makes_a_change_with_history(context: Context) -> None:
    first = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, first.id)
    result = intake.receive(context, intake.IncomingMail(MAIL.encode(), "test:known"), MailSettings())
    assert result.complaint_id is not None
    review = review_form(context, result.complaint_id)
    review.data.complainant.phone = "06 11122233"  # the reviewer called the klager: it is right
    complete_review(context, result.complaint_id, review.version, review.data)
    assert stored(context, person_id).phone == "+31611122233"
    for case_id in (first.id, result.complaint_id):
        [line] = history(context, case_id)
        assert line.body == "telefoon: 06 12345678 → 06 11122233"


def test_a_reviewer_corrects_a_person_the_mail_made_freely(context: Context) -> None:
    result = intake.receive(context, intake.IncomingMail(MAIL.encode(), "test:new"), MailSettings())
    assert result.complaint_id is not None
    review = review_form(context, result.complaint_id)
    person_id = profile.klager_of(context, result.complaint_id)
    review.data.complainant.name, review.data.complainant.phone = "Joke de Boer", ""
    complete_review(context, result.complaint_id, review.version, review.data)
    person = stored(context, person_id)
    assert (person.name, person.phone) == ("Joke de Boer", None)  # derived from the mail: no one else's details
    assert history(context, result.complaint_id) == []
