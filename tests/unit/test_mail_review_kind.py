"""The kind of a case from mail corrected in review (``cases.review.complete_review``):
status and queue as registration gives the new kind, the old kind's deadlines cancelled
(kept on record), the new kind's made from the original receipt moment, one history line,
and what an ontvangstbevestiging already sent means. On both engines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ValidationError
from klachtdesk.models import (
    Channel,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    EventType,
    PartyRole,
    Status,
)
from klachtdesk.services.cases import complaints, review
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence.acknowledgement import send_automatic_acknowledgement

#: Thursday 19 November 2026, 15:00: the mail arrived; the review is on Monday 23 (FIXED_NOW)
ARRIVED = datetime(2026, 11, 19, 15, 0, tzinfo=AMSTERDAM)


def from_mail(context: Context, kind: ComplaintKind, **overrides: object) -> int:
    """A case registered from a mail, still "te beoordelen" (as ``mail.intake`` does it)."""
    values: dict[str, object] = dict(
        kind=kind, channel=Channel.EMAIL, received_at=ARRIVED,
        complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk en luisterde niet.",
        incident_date=date(2026, 11, 12) if kind is ComplaintKind.COMPLAINT else None,
        involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)]
        if kind is ComplaintKind.COMPLAINT else [],
    )
    values.update(overrides)
    cleaned, errors = complaints.validate_registration(context, RegistrationInput(**values))  # type: ignore[arg-type]
    assert not errors, errors
    with context.db.write() as session:
        return complaints.register_in(session, context, cleaned, review_pending=True).id


def deadline_rows(context: Context, case_id: int) -> list[Deadline]:
    with context.db.read() as session:
        rows = session.exec(select(Deadline).where(Deadline.complaint_id == case_id).order_by(Deadline.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def as_review(context: Context, case_id: int, **changes: object) -> tuple[review.ReviewForm, RegistrationInput]:
    form = review.review_form(context, case_id)
    return form, replace(form.data, **changes)  # type: ignore[arg-type]


def test_a_klacht_reviewed_as_an_accountvraag(context: Context) -> None:
    case_id = from_mail(context, ComplaintKind.COMPLAINT)
    before = {DeadlineKind(row.kind): row for row in deadline_rows(context, case_id)}
    # from the receipt: reply 3 werkdagen (Tue 24), first contact 2 (Mon 23), decision 6 weeks (Thu 31 Dec)
    assert {k: r.due for k, r in before.items()} == {DeadlineKind.REPLY: date(2026, 11, 24),
                                                     DeadlineKind.FIRST_CONTACT: date(2026, 11, 23),
                                                     DeadlineKind.DECISION: date(2026, 12, 31)}
    form, data = as_review(context, case_id, kind=ComplaintKind.ACCOUNT_QUESTION)

    done = review.complete_review(context, case_id, form.version, data)

    assert done.kind_changed and done.previous_kind is ComplaintKind.COMPLAINT
    assert (done.status, done.queue) == (Status.FORWARDED, "Info")  # as registration routes an accountvraag
    case = complaints.get_case(context, case_id, record_view=False)
    assert case.kind is ComplaintKind.ACCOUNT_QUESTION and case.status is Status.FORWARDED and case.queue == "Info"
    assert not case.review_pending
    assert (case.channel, case.received_at) == (Channel.EMAIL, ARRIVED)  # as received
    assert [d.kind for d in case.deadlines] == [DeadlineKind.REPLY]  # the case shows only what runs
    rows = {DeadlineKind(row.kind): row for row in deadline_rows(context, case_id)}
    assert rows[DeadlineKind.REPLY].id == before[DeadlineKind.REPLY].id  # the same reply, still running
    assert rows[DeadlineKind.REPLY].cancelled_at is None
    assert rows[DeadlineKind.FIRST_CONTACT].cancelled_at is not None  # cancelled, kept on record
    assert rows[DeadlineKind.DECISION].cancelled_at is not None
    assert done.cancelled == ("Contact van de behandelaar met de klant", "Beslissing op de klacht (Wkkgz)")
    assert done.created == () and [p.kind for p in done.promises] == [DeadlineKind.REPLY]
    assert {p.role for p in case.parties} == {PartyRole.COMPLAINANT}  # an accountvraag has no betrokkenen
    with context.db.read() as session:
        assert session.get(Complaint, case_id).next_due == date(2026, 11, 24)  # type: ignore[union-attr]
    lines = [e.summary for e in case.timeline if e.type is EventType.FIELD_CHANGED]
    changed = [line for line in lines if line.startswith("Soort bij beoordeling gewijzigd")]
    assert changed == ["Soort bij beoordeling gewijzigd van klacht naar accountvraag door Tess Tester; termijnen "
                       "vervallen: Contact van de behandelaar met de klant, Beslissing op de klacht (Wkkgz)"]
    assert [e.actor for e in case.timeline if e.summary == changed[0]] == ["Tess Tester"]
    assert done.note == ""  # no acknowledgement went out under the old kind


def test_an_accountvraag_reviewed_as_a_klacht(context: Context) -> None:
    case_id = from_mail(context, ComplaintKind.ACCOUNT_QUESTION)
    reply_id = deadline_rows(context, case_id)[0].id
    form, data = as_review(context, case_id, kind=ComplaintKind.COMPLAINT, incident_date=date(2026, 11, 12),
                           involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)])

    done = review.complete_review(context, case_id, form.version, data)

    case = complaints.get_case(context, case_id, record_view=False)
    assert case.kind is ComplaintKind.COMPLAINT and case.status is Status.NEW and case.queue is None
    # the klacht's deadlines from the original receipt (Thursday 19, 15:00), not from the review
    assert {d.kind: d.due for d in case.deadlines} == {DeadlineKind.REPLY: date(2026, 11, 24),
                                                      DeadlineKind.FIRST_CONTACT: date(2026, 11, 23),
                                                      DeadlineKind.DECISION: date(2026, 12, 31)}
    assert next(d.id for d in case.deadlines if d.kind is DeadlineKind.REPLY) == reply_id
    assert [p.kind for p in done.created] == [DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION]
    assert done.cancelled == ()
    assert {(p.role, p.name) for p in case.parties} == {(PartyRole.COMPLAINANT, "Jan de Vries"),
                                                        (PartyRole.RESPONDENT, "Dr. P. Bakker")}
    with context.db.read() as session:
        assert session.get(Complaint, case_id).next_due == date(2026, 11, 23)  # type: ignore[union-attr]
    [line] = [e.summary for e in case.timeline if e.summary.startswith("Soort bij beoordeling")]
    assert line == ("Soort bij beoordeling gewijzigd van accountvraag naar klacht door Tess Tester; nieuwe termijnen: "
                    "Contact van de behandelaar met de klant (uiterlijk maandag 23 november 2026), "
                    "Beslissing op de klacht (Wkkgz) (uiterlijk donderdag 31 december 2026)")


def test_the_new_kinds_fields_are_checked_as_at_registration(context: Context) -> None:
    case_id = from_mail(context, ComplaintKind.ACCOUNT_QUESTION)
    form, data = as_review(context, case_id, kind=ComplaintKind.INVOICE_QUESTION, invoice_number="")
    with pytest.raises(ValidationError) as refused:
        review.complete_review(context, case_id, form.version, data)
    assert refused.value.field == "invoice_number"
    assert complaints.get_case(context, case_id, record_view=False).kind is ComplaintKind.ACCOUNT_QUESTION
    done = review.complete_review(context, case_id, form.version, replace(data, invoice_number="F2026-0042"))
    case = complaints.get_case(context, case_id, record_view=False)
    assert (case.kind, case.queue, done.status) == (ComplaintKind.INVOICE_QUESTION, "Administratie", Status.FORWARDED)
    assert [d.kind for d in case.deadlines] == [DeadlineKind.REPLY] and done.cancelled == done.created == ()


def test_without_a_new_kind_nothing_of_the_kind_changes(context: Context) -> None:
    case_id = from_mail(context, ComplaintKind.COMPLAINT)
    form, data = as_review(context, case_id)
    done = review.complete_review(context, case_id, form.version, data)
    assert not done.kind_changed and len(done.promises) == 3
    case = complaints.get_case(context, case_id, record_view=False)
    assert not any(e.summary.startswith("Soort") for e in case.timeline)
    assert all(row.cancelled_at is None for row in deadline_rows(context, case_id))


def test_the_kind_stays_once_the_procedure_has_started(context: Context) -> None:
    case_id = from_mail(context, ComplaintKind.COMPLAINT)
    with context.db.write() as session:  # a klachtenmanager assigned it before it was reviewed
        row = session.get(Complaint, case_id)
        assert row is not None
        row.status = Status.ASSIGNED
        session.add(row)
    form, data = as_review(context, case_id, kind=ComplaintKind.ACCOUNT_QUESTION)
    with pytest.raises(ValidationError) as refused:
        review.complete_review(context, case_id, form.version, data)
    assert refused.value.field == "kind" and "toegewezen" in refused.value.message
    assert all(row.cancelled_at is None for row in deadline_rows(context, case_id))


def test_an_acknowledgement_sent_as_a_vraag_is_named_and_the_reply_stays_met(context: Context) -> None:
    case_id = from_mail(context, ComplaintKind.ACCOUNT_QUESTION)
    send_automatic_acknowledgement(context, case_id, counts_as_reply=True)  # "uw vraag ..., reactie gegeven"
    form, data = as_review(context, case_id, kind=ComplaintKind.COMPLAINT, incident_date=date(2026, 11, 12))

    done = review.complete_review(context, case_id, form.version, data)

    assert "ontvangstbevestiging ging al uit als accountvraag" in done.note
    case = complaints.get_case(context, case_id, record_view=False)
    reply = next(d for d in case.deadlines if d.kind is DeadlineKind.REPLY)
    assert reply.met_at is not None  # the acknowledgement met it; a kind corrected later does not undo that
    # what still runs, and so what the klager is to be told now: the klacht's own deadlines only
    assert [p.kind for p in done.promises] == [DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION]
    [line] = [e.summary for e in case.timeline if e.summary.startswith("Soort bij beoordeling")]
    assert line.endswith("; ontvangstbevestiging al verstuurd als accountvraag")


def test_what_the_klager_is_told_next_follows_the_new_kind(context: Context) -> None:
    """After a klacht turned out to be an accountvraag, a progress message (what the reviewer
    is pointed to when an acknowledgement already went out) speaks of the vraag and names
    no deadline of a klacht — never the cancelled first contact or decision."""
    from klachtdesk.services.correspondence import messages

    case_id = from_mail(context, ComplaintKind.COMPLAINT)
    send_automatic_acknowledgement(context, case_id, counts_as_reply=False)
    form, data = as_review(context, case_id, kind=ComplaintKind.ACCOUNT_QUESTION)
    done = review.complete_review(context, case_id, form.version, data)
    assert "voortgangsbericht" in done.note
    draft = messages.prepare(context, case_id, "voortgang")
    assert "uw vraag over uw account" in draft.body
    assert "beslissing" not in draft.body.lower()  # (the message is itself the reply)
    assert "neemt uiterlijk" not in draft.body  # no first contact promised any more
