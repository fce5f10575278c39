"""The role and note of an aangeklaagde or betrokkene, corrected on the case: a history
line, the case's version, permission as editing the case, and an erasure of that person
that leaves none of it. Both engines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from klachtdesk.errors import PermissionDenied, StaleEdit, ValidationError
from klachtdesk.models import Complaint, ComplaintKind, Event, PartyRole, StaffRole
from klachtdesk.services.cases import complaints, parties
from klachtdesk.services.cases.complaints import PersonInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.privacy import erasure
from klachtdesk.services.procedure import workflow

from tests.unit.test_people import register
from tests.conftest import search_text_of


def _case(context: Context) -> tuple[int, int, int]:
    case = register(context, involved=[PersonInput(name="Dr. Bakker", phone="0687654321",
                                                   role=PartyRole.RESPONDENT, note="huisarts")])
    detail = complaints.get_case(context, case.id, record_view=False)
    return case.id, detail.parties[1].person_id, detail.version


def test_role_and_note_are_corrected_with_a_history_line(context: Context) -> None:
    case_id, person_id, version = _case(context)
    change = parties.update_party(context, case_id, version, person_id, "betrokkene", "praktijkhouder")
    assert change.changed == ("rol", "notitie") and change.version == version + 1
    detail = complaints.get_case(context, case_id, record_view=False)
    assert (detail.parties[1].role, detail.parties[1].note) == (PartyRole.INVOLVED, "praktijkhouder")
    line = detail.timeline[0]
    assert line.summary == "Rol of notitie van een betrokkene gewijzigd: rol, notitie"
    assert line.body == "Dr. Bakker: aangeklaagde (huisarts) → betrokkene (praktijkhouder)"
    with pytest.raises(StaleEdit):
        parties.update_party(context, case_id, version, person_id, "aangeklaagde", "")
    for role, field in (("klager", "role"), ("\x00", "role")):
        with pytest.raises(ValidationError) as refused:
            parties.update_party(context, case_id, change.version, person_id, role, "")
        assert refused.value.field == field
    with pytest.raises(ValidationError, match="te lang"):
        parties.update_party(context, case_id, change.version, person_id, "betrokkene", "x" * 201)
    with pytest.raises(ValidationError, match="niets gewijzigd"):
        parties.update_party(context, case_id, change.version, person_id, "betrokkene", "praktijkhouder")


def test_only_who_may_edit_the_case(context: Context, as_user: Callable[..., Context]) -> None:
    case_id, person_id, version = _case(context)
    visser = as_user("e.visser", StaffRole.HANDLER, name="Eva Visser")
    mulder = as_user("b.mulder", StaffRole.HANDLER, name="Bram Mulder")
    version = workflow.assign(context, case_id, version, visser.user.id)
    with pytest.raises(PermissionDenied, match="toegewezen"):
        parties.update_party(mulder, case_id, version, person_id, "betrokkene", "")
    with pytest.raises(PermissionDenied):
        parties.update_party(as_user("balie", StaffRole.CUSTOMER_SERVICE), case_id, version, person_id,
                             "betrokkene", "")
    parties.update_party(visser, case_id, version, person_id, "betrokkene", "")


def test_an_erasure_of_the_betrokkene_leaves_none_of_it(context: Context) -> None:
    case_id, person_id, version = _case(context)
    parties.update_party(context, case_id, version, person_id, "aangeklaagde", "zus van de klager")
    erasure.erase_person(context, "0687654321")
    with context.db.read() as session:
        texts = [f"{e.summary} {e.body} {e.data}" for e in session.exec(select(Event)).all()]
    assert not [t for t in texts if "Bakker" in t or "zus van" in t or "huisarts" in t]


# -- adding an aangeklaagde or betrokkene to a case registered without one ----------------------


def _bare(context: Context) -> tuple[int, int]:
    case = register(context)
    return case.id, complaints.get_case(context, case.id, record_view=False).version


def test_a_person_named_later_is_added_with_a_history_line(context: Context) -> None:
    case_id, version = _bare(context)
    added = parties.add_party(context, case_id, version, PersonInput(name=" Dr. Bakker ", phone="06-8765 4321"),
                              "aangeklaagde", "huisarts")
    assert added.version == version + 1
    detail = complaints.get_case(context, case_id, record_view=False)
    other = detail.parties[1]
    assert (other.name, other.role, other.note, other.person_id) == ("Dr. Bakker", PartyRole.RESPONDENT, "huisarts",
                                                                     added.person_id)
    line = detail.timeline[0]
    assert line.summary == "Betrokkene toegevoegd: aangeklaagde" and "Bakker" not in line.summary
    assert line.body == "Dr. Bakker (huisarts)"
    # found by the new person's name (the case's search text)
    with context.db.read() as session:
        assert "bakker" in search_text_of(session, case_id)
    with pytest.raises(StaleEdit):
        parties.add_party(context, case_id, version, PersonInput(name="Els"), "betrokkene")


def test_the_person_is_checked_as_at_registration(context: Context) -> None:
    case_id, version = _bare(context)
    for person, role, field in ((PersonInput(name=""), "betrokkene", "name"),
                                (PersonInput(name="Els", phone="12"), "betrokkene", "phone"),
                                (PersonInput(name="Els", email="els@"), "betrokkene", "email"),
                                (PersonInput(name="x" * 500), "betrokkene", "name"),
                                (PersonInput(name="Els"), "klager", "role"),
                                (PersonInput(name="Els"), "baas", "role")):
        with pytest.raises(ValidationError) as refused:
            parties.add_party(context, case_id, version, person, role)
        assert refused.value.field == field, (person, role)
    with pytest.raises(ValidationError) as refused:
        parties.add_party(context, case_id, version, PersonInput(name="Els"), "betrokkene", "x" * 201)
    assert refused.value.field == "note"
    assert complaints.get_case(context, case_id, record_view=False).version == version  # nothing stored


def test_a_known_person_is_taken_over(context: Context) -> None:
    first = register(context, name="Dr. Bakker", phone="0687654321")
    case_id, version = _bare(context)
    known = complaints.get_case(context, first.id, record_view=False).parties[0].person_id
    added = parties.add_party(context, case_id, version, PersonInput(person_id=known, email="bakker@example.nl"),
                              "betrokkene")
    assert added.person_id == known
    detail = complaints.get_case(context, case_id, record_view=False)
    assert [(p.person_id, p.role) for p in detail.parties[1:]] == [(known, PartyRole.INVOLVED)]
    # the differing detail is filled in as at a registration, with its line on the earlier case
    earlier = complaints.get_case(context, first.id, record_view=False)
    assert earlier.parties[0].email == "bakker@example.nl"
    assert any("aangevuld" in line.summary for line in earlier.timeline)
    with pytest.raises(ValidationError, match="al betrokkene"):
        parties.add_party(context, case_id, added.version, PersonInput(person_id=known), "aangeklaagde")
    klager = detail.parties[0].person_id
    with pytest.raises(ValidationError, match="al klager"):
        parties.add_party(context, case_id, added.version, PersonInput(person_id=klager), "betrokkene")


def test_only_a_klacht_has_people_to_add(context: Context) -> None:
    case = register(context, kind=ComplaintKind.INVOICE_QUESTION)
    version = complaints.get_case(context, case.id, record_view=False).version
    with pytest.raises(ValidationError, match="factuurvraag heeft geen aangeklaagde"):
        parties.add_party(context, case.id, version, PersonInput(name="Els"), "betrokkene")
    case_id, version = _bare(context)
    with context.db.write() as session:
        session.get(Complaint, case_id).anonymised_at = context.now()
    with pytest.raises(ValidationError, match="geanonimiseerd"):
        parties.add_party(context, case_id, version, PersonInput(name="Els"), "betrokkene")


def test_an_erasure_of_an_added_person_leaves_none_of_it(context: Context) -> None:
    case_id, version = _bare(context)
    parties.add_party(context, case_id, version, PersonInput(name="Dr. Bakker", phone="0687654321"),
                      "aangeklaagde", "zus van de klager")
    erasure.erase_person(context, "0687654321")
    with context.db.read() as session:
        texts = [f"{e.summary} {e.body} {e.data}" for e in session.exec(select(Event)).all()]
        assert "bakker" not in search_text_of(session, case_id)
    assert not [t for t in texts if "Bakker" in t or "zus van" in t]


def test_only_the_behandelaar_of_the_case_adds(context: Context, as_user: Callable[..., Context]) -> None:
    case_id, version = _bare(context)
    visser = as_user("e.visser", StaffRole.HANDLER, name="Eva Visser")
    mulder = as_user("b.mulder", StaffRole.HANDLER, name="Bram Mulder")
    version = workflow.assign(context, case_id, version, visser.user.id)
    with pytest.raises(PermissionDenied, match="toegewezen"):
        parties.add_party(mulder, case_id, version, PersonInput(name="Els"), "betrokkene")
    with pytest.raises(PermissionDenied):
        parties.add_party(as_user("balie", StaffRole.CUSTOMER_SERVICE), case_id, version, PersonInput(name="Els"),
                          "betrokkene")
    parties.add_party(visser, case_id, version, PersonInput(name="Els"), "betrokkene")
