"""Registration, look-up, paging and optimistic locking of cases (service layer)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import NotFound, StaleEdit, ValidationError
from klachtdesk.models import Channel, ComplaintKind, DeadlineKind, EventType, PartyRole, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import inbox
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput


def klacht(**overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = dict(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", email="jan@example.nl"),
        service_type="Teleconsultatie",
        description="Drie weken gewacht op een terugbelafspraak.",
        incident_date=date(2026, 11, 2),
        involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)],
    )
    values.update(overrides)
    return RegistrationInput(**values)


def test_register_stores_everything_and_reads_it_back(context) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht())
    assert registered.number == "KL-2026-000001"
    assert registered.status is Status.NEW
    case = complaints.get_case(context, registered.id)
    assert case.complainant is not None and case.complainant.name == "Jan de Vries"
    assert case.complainant.phone == "06 12345678"
    assert {p.role for p in case.parties} == {PartyRole.COMPLAINANT, PartyRole.RESPONDENT}
    assert case.description == "Drie weken gewacht op een terugbelafspraak."
    assert [e.type for e in case.timeline][-1] is EventType.REGISTERED
    kinds = {d.kind for d in case.deadlines}
    assert kinds == {DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION}


def test_saturday_receipt_counts_as_monday_and_reply_is_thursday(context) -> None:  # type: ignore[no-untyped-def]
    saturday = datetime(2026, 11, 21, 11, 0, tzinfo=AMSTERDAM)
    registered = complaints.register(context, klacht(received_at=saturday))
    assert registered.effective_receipt_day == date(2026, 11, 23)
    assert registered.reply_due == date(2026, 11, 26)
    case = complaints.get_case(context, registered.id)
    assert case.receipt_shifted


def test_question_goes_to_its_queue_without_complaint_deadlines(context) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(
        context,
        RegistrationInput(
            kind=ComplaintKind.INVOICE_QUESTION,
            channel=Channel.EMAIL,
            complainant=PersonInput(name="Fatima el Amrani", email="f.elamrani@example.nl"),
            service_type="Facturatie en abonnement",
            invoice_number="F2026-0042",
        ),
    )
    assert registered.status is Status.FORWARDED
    assert registered.queue == "Administratie"
    case = complaints.get_case(context, registered.id)
    assert {d.kind for d in case.deadlines} == {DeadlineKind.REPLY}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"complainant": PersonInput(name="", phone="0612345678")}, "name"),
        ({"complainant": PersonInput(name="Jan", phone="12")}, "phone"),
        ({"complainant": PersonInput(name="Jan", email="jan@")}, "email"),
        ({"complainant": PersonInput(name="Jan")}, "phone"),
        ({"incident_date": date(2026, 12, 1)}, "incident_date"),
        ({"service_type": ""}, "service_type"),
        ({"service_type": "Onbekende dienst"}, "service_type"),
        ({"description": "  "}, "description"),
    ],
)
def test_bad_input_is_refused_at_its_field(context, overrides, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        complaints.register(context, klacht(**overrides))
    assert info.value.field == field
    assert complaints.count(context) == 0


def test_receipt_in_the_future_is_refused(context) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        complaints.register(context, klacht(received_at=context.now() + timedelta(hours=1)))
    assert info.value.field == "received_at"


def test_errors_come_in_form_order(context) -> None:  # type: ignore[no-untyped-def]
    _, errors = complaints.validate_registration(
        context, klacht(complainant=PersonInput(name="", phone="x"), description="")
    )
    assert [e.field for e in errors][:2] == ["name", "phone"]


def test_lookup_by_every_number_form(context) -> None:  # type: ignore[no-untyped-def]
    first = complaints.register(context, klacht())
    for text in ("KL-2026-000001", "2026-1", "1"):
        assert complaints.id_for_number(context, text) == first.id
    with pytest.raises(NotFound, match="KL-2026-000099 bestaat niet"):
        complaints.id_for_number(context, "99")


def test_pages_are_newest_first_without_gaps_or_repeats(context, clock) -> None:  # type: ignore[no-untyped-def]
    """The one paging implementation (``inbox.fetch_page``) over registered cases."""
    start = clock.moment
    for index in range(23):
        complaints.register(context, klacht(received_at=start - timedelta(hours=index)))
    seen: list[str] = []
    page = inbox.fetch_page(context, limit=5)
    while page:
        seen += [row.number for row in page]
        page = inbox.fetch_page(context, after=page[-1], limit=5)
    assert seen == [f"KL-2026-{n:06d}" for n in range(1, 24)]
    # and back again from the oldest page
    oldest = inbox.fetch_page(context, after=inbox.fetch_page(context, limit=20)[-1], limit=5)
    newer = inbox.fetch_page(context, before=oldest[0], limit=5)
    assert [r.number for r in newer] == [f"KL-2026-{n:06d}" for n in range(16, 21)]


def test_filters(context) -> None:  # type: ignore[no-untyped-def]
    complaints.register(context, klacht())
    complaints.register(context, klacht(channel=Channel.EMAIL))
    assert complaints.count(context, CaseFilter(channel=Channel.EMAIL)) == 1
    assert complaints.count(context, CaseFilter(status=Status.NEW)) == 2
    assert complaints.count(context, CaseFilter(kind=ComplaintKind.ACCOUNT_QUESTION)) == 0
    assert complaints.count(context, CaseFilter(handler_id=context.user.id)) == 0


def test_stale_edit_is_refused_and_changes_nothing(context) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht())
    version = complaints.get_case(context, registered.id).version
    new_version = complaints.update_fields(context, registered.id, version, {"category": "Bejegening"})
    assert new_version == version + 1
    with pytest.raises(StaleEdit, match="intussen gewijzigd"):
        complaints.update_fields(context, registered.id, version, {"category": "Privacy en gegevens"})
    case = complaints.get_case(context, registered.id)
    assert case.category == "Bejegening"
    changes = [e for e in case.timeline if e.type is EventType.FIELD_CHANGED]
    assert len(changes) == 1 and changes[0].data == {"veld": "category", "oud": None, "nieuw": "Bejegening"}


def test_viewing_a_case_is_recorded(context) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht())
    complaints.get_case(context, registered.id)
    case = complaints.get_case(context, registered.id)
    assert sum(e.type is EventType.VIEWED for e in case.timeline) == 2
