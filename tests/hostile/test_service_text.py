"""Text at the service boundary, on both engines: NUL and control characters never reach
the database (PostgreSQL refused NUL with a DataError), and the same text is too long on
SQLite and PostgreSQL alike (an invoice number of 65 characters: SQLite took it,
PostgreSQL raised StringDataRightTruncation)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from klachtdesk.errors import ValidationError
from klachtdesk.models import ComplaintKind, Event, PrivacyRequest, PrivacyRequestKind, StaffRole
from klachtdesk.services.cases import complaints, drafts
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.services.lists import search
from klachtdesk.services.privacy import avg
from klachtdesk.services.procedure import workflow
from klachtdesk.services.procedure.vocabulary import ContactMedium, Direction

NUL = "Jan\x00 de\x1b[2J Vries\x07"
CLEAN = "Jan de[2J Vries"


def register(context: Context, **changes: object) -> complaints.Registered:
    values: dict[str, object] = dict(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"), service_type="Teleconsultatie",
        description="De arts was onvriendelijk.",
    )
    values.update(changes)
    return complaints.register(context, RegistrationInput(**values))  # type: ignore[arg-type]


def bodies(context: Context, complaint_id: int) -> list[str]:
    with context.db.read() as session:
        return [e.body or "" for e in session.exec(select(Event).where(Event.complaint_id == complaint_id)).all()]


def test_a_note_and_a_contact_lose_their_nul(context: Context) -> None:
    case = register(context)
    workflow.add_note(context, case.id, f"Notitie: {NUL}\nregel 2")
    workflow.log_contact(context, case.id, ContactMedium.PHONE, Direction.OUT, f"Gebeld: {NUL}")
    texts = bodies(context, case.id)
    assert f"Notitie: {CLEAN}\nregel 2" in texts
    assert any(CLEAN in text for text in texts)
    assert not any("\x00" in text or "\x1b" in text for text in texts)


def test_a_note_of_only_controls_is_empty(context: Context) -> None:
    case = register(context)
    with pytest.raises(ValidationError, match="lege notitie"):
        workflow.add_note(context, case.id, "\x00\x1b\x07 ")


def test_a_field_edit_loses_its_nul_and_is_bounded_the_same_on_both_engines(context: Context) -> None:
    case = register(context, kind=ComplaintKind.INVOICE_QUESTION, invoice_number="F-1", description="")
    version = complaints.get_case(context, case.id, record_view=False).version
    version = complaints.update_fields(context, case.id, version, {"invoice_number": "F-\x002"})
    assert complaints.get_case(context, case.id, record_view=False).invoice_number == "F-2"
    with pytest.raises(ValidationError) as caught:
        complaints.update_fields(context, case.id, version, {"invoice_number": "F" * 65})
    assert caught.value.field == "invoice_number" and "hoogstens 64 tekens" in caught.value.message
    complaints.update_fields(context, case.id, version, {"invoice_number": "F" * 64})


def test_registration_refuses_an_invoice_number_over_64_characters(context: Context) -> None:
    with pytest.raises(ValidationError) as caught:
        register(context, kind=ComplaintKind.INVOICE_QUESTION, invoice_number="F" * 65, description="")
    assert caught.value.field == "invoice_number"
    assert complaints.count(context) == 0


def test_registration_cleans_every_text_of_every_person(context: Context) -> None:
    case = register(context, complainant=PersonInput(name=NUL, phone="06\x0012345678", email="jan\x00@example.nl"),
                    description=f"Omschrijving {NUL}", remedy_sought=f"Excuses {NUL}",
                    involved=[PersonInput(name=NUL, role=complaints.PartyRole.INVOLVED, note=NUL)])
    detail = complaints.get_case(context, case.id, record_view=False)
    assert detail.description == f"Omschrijving {CLEAN}" and detail.remedy_sought == f"Excuses {CLEAN}"
    assert [p.name for p in detail.parties] == [CLEAN, CLEAN]
    assert detail.parties[1].note == CLEAN
    assert detail.parties[0].email == "jan@example.nl"


def test_a_request_subject_loses_its_nul_and_is_not_cut_silently(context: Context) -> None:
    view = avg.register_request(context, PrivacyRequestKind.ACCESS, NUL)
    assert view.subject == CLEAN
    with context.db.read() as session:
        assert session.exec(select(PrivacyRequest.subject)).one() == CLEAN
    with pytest.raises(ValidationError, match="hoogstens 300 tekens"):
        avg.register_request(context, PrivacyRequestKind.ACCESS, "x" * 301)


def test_a_staff_name_loses_its_nul_and_escapes(context: Context) -> None:
    member = staff.add_staff(context, "jan\x00", NUL, {StaffRole.HANDLER}, email="jan\x00@example.nl")
    assert (member.username, member.name, member.email) == ("jan", CLEAN, "jan@example.nl")
    assert staff.find_staff(context, "jan\x00").id == member.id
    with pytest.raises(ValidationError, match="gebruikersnaam is te lang"):
        staff.add_staff(context, "j" * 101, "Jan", {StaffRole.HANDLER})


def test_searching_for_nul_or_invalid_text_is_a_result_or_a_dutch_refusal(context: Context) -> None:
    register(context)
    assert [row.number for row in search.search_page(context, "Vries\x00")] != []
    with pytest.raises(ValidationError, match="geen geldige tekst"):
        search.search_page(context, "Vries \udcff")
    with pytest.raises(ValidationError, match="zoekterm is te lang"):
        search.count_matches(context, "x" * 201)


def test_a_draft_with_invalid_text_is_refused_not_crashed(context: Context) -> None:
    drafts.save(context, "registratie", {"naam": NUL})
    with pytest.raises(ValidationError, match="geen geldige tekst"):
        drafts.save(context, "registratie", {"naam": "Jan \udcff"})
    assert drafts.load(context, "registratie") is not None


def test_an_id_beyond_the_database_integer_is_refused_before_the_query(context: Context) -> None:
    with pytest.raises(ValidationError, match="het nummer|Het nummer"):
        complaints.get_case(context, 2**31)
    with pytest.raises(ValidationError):
        avg.extend_request(context, 99_999_999_999)
