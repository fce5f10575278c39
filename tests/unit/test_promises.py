"""One source of truth for what the klager is promised (issue 15, item 4): the read-back
names every deadline, the ontvangstbevestiging and the progress letters the same dates in
the same words; a logged contact by whoever handles cases meets the contact deadline."""

from __future__ import annotations

from klachtdesk.services.time.dutch import format_date

from collections.abc import Callable

from klachtdesk.models import DeadlineKind, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.deadlines.promises import KIND_WORDS, Promise, promise_sentence, read_back
from klachtdesk.services.procedure import workflow


def register(context: Context) -> complaints.Registered:
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="Onvriendelijk behandeld."))


def test_the_read_back_names_every_deadline_in_the_words_of_the_letters(context: Context) -> None:
    registered = register(context)  # Monday 23 November 2026, 10:00
    kinds = {p.kind: p.due for p in registered.promises}
    assert set(kinds) == {DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION}
    spoken = read_back(registered.promises, "klacht")
    # in date order: contact (25 Nov), reply (26 Nov), decision (6 weeks)
    assert spoken.index("contact met u op") < spoken.index("een reactie") < spoken.index("beslissing")
    ack = messages.prepare_acknowledgement(context, registered.id)
    for promise in registered.promises:
        if promise.kind is DeadlineKind.REPLY:
            continue  # the acknowledgement is itself the reply
        assert promise_sentence(promise, "klacht") in ack.body
    # an acknowledgement that does not count as the reply names the reply too
    automatic = messages.prepare_acknowledgement(context, registered.id, is_reply=False)
    for promise in registered.promises:
        assert promise_sentence(promise, "klacht") in automatic.body


def test_a_logged_contact_meets_the_contact_deadline_and_the_letters_stop_promising_it(
        context: Context, as_user: Callable[..., Context]) -> None:
    registered = register(context)
    manager = as_user("mia", StaffRole.MANAGER, name="Mia Manager")  # handles cases, not this one's behandelaar
    logged = workflow.log_contact(manager, registered.id, "telefoon", "uit", "Klager gebeld, klacht besproken")
    assert logged.met == ("Contact van de behandelaar met de klant",)
    contact = next(p for p in registered.promises if p.kind is DeadlineKind.FIRST_CONTACT)
    progress = messages.prepare(context, registered.id, "voortgang")
    assert promise_sentence(contact, "klacht") not in progress.body
    decision = next(p for p in registered.promises if p.kind is DeadlineKind.DECISION)
    # the decision is what comes next: named once, as the next step with its date, not again below it
    assert "Volgende stap: U ontvangt onze schriftelijke beslissing" in progress.body
    assert progress.body.count(format_date(decision.due)) == 1, progress.body
    assert promise_sentence(decision, "klacht") not in progress.body


def test_customer_service_taking_a_call_is_told_it_does_not_count(
        context: Context, as_user: Callable[..., Context]) -> None:
    registered = register(context)
    karin = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    case = complaints.get_case(karin, registered.id, record_view=False)
    hint = workflow.contact_hint(karin, case)
    assert hint is not None and "telt niet" in hint and "uitgaand" in hint
    assert workflow.log_contact(karin, registered.id, "telefoon", "in", "Klager belde").met == ()
    hint = workflow.contact_hint(context, complaints.get_case(context, registered.id, record_view=False))
    assert hint is not None and "Uw contact telt." in hint


def test_kind_words_are_one_table() -> None:
    assert messages.KIND_WORDS is KIND_WORDS
    assert read_back([], "klacht") == ""
    assert "afspraak (Bellen)" in promise_sentence(Promise(DeadlineKind.AGREEMENT, __import__("datetime").date(2026, 12, 1),
                                                           "Bellen"), "klacht")
