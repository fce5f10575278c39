"""The klager profile: details corrected with a history line on every case of the person
(values masked as personal data), the search text following, who may correct, and an
erasure that leaves none of the earlier values. Both engines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from klachtdesk.errors import DatabaseProblem, PermissionDenied, StaleEdit, ValidationError
from klachtdesk.models import ComplaintKind, Event, EventType, PartyRole, StaffRole
from klachtdesk.services.cases import complaints, read_log
from klachtdesk.services.cases.complaints import PersonInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists import search
from klachtdesk.services.people import person_fields, profile
from klachtdesk.services.people.person_fields import PERSON_FIELDS, clean_changes
from klachtdesk.services.privacy import erasure
from klachtdesk.services.procedure import workflow

from tests.unit.test_people import register


def test_the_fields_come_from_one_table() -> None:
    assert [f.name for f in PERSON_FIELDS][:3] == ["name", "phone", "email"]
    cleaned, errors = clean_changes({"phone": "06-1234 5678", "email": "jan@example.nl", "name": " Jan "})
    assert cleaned == {"name": "Jan", "phone": "+31612345678", "email": "jan@example.nl"} and errors == []
    _cleaned, errors = clean_changes({"email": "jan@gmial.con", "name": ""})
    assert [e.field for e in errors] == ["name", "email"]
    assert "bedoelt u .com" in errors[1].message
    with pytest.raises(ValidationError, match="geen gegeven"):
        clean_changes({"wachtwoord": "x"})


def test_the_profile_lists_every_case_of_the_person_and_the_contacts(context: Context) -> None:
    first = register(context, received_hours_ago=48)
    person_id = profile.klager_of(context, first.id)
    second = register(context, kind=ComplaintKind.INVOICE_QUESTION, person_id=person_id, name="", phone="")
    other = register(context, "Piet Pieters", phone="0687654321",
                     involved=[PersonInput(name="Jan Jansen", role=PartyRole.INVOLVED, person_id=person_id)])
    workflow.log_contact(context, first.id, workflow.ContactMedium.PHONE, workflow.Direction.OUT,
                         "Klager gebeld over de afspraak.")
    found = profile.get_profile(context, person_id)
    assert found.name == "Jan Jansen" and found.shown["phone"] == "06 12345678"
    assert [(c.number, c.role) for c in found.cases] == [
        (other.number, PartyRole.INVOLVED), (second.number, PartyRole.COMPLAINANT),
        (first.number, PartyRole.COMPLAINANT)]
    assert [(line.number, line.type) for line in found.contacts] == [(first.number, EventType.CONTACT)]
    assert found.editable


def test_a_correction_is_a_history_line_on_every_case_and_the_search_follows(context: Context) -> None:
    first = register(context)
    person_id = profile.klager_of(context, first.id)
    other = register(context, "Piet Pieters", phone="0687654321",
                     involved=[PersonInput(name="Jan Jansen", role=PartyRole.INVOLVED, person_id=person_id)])
    seen = profile.get_profile(context, person_id)
    done = profile.correct_person(context, person_id, seen.stored, {**seen.shown, "phone": "06 11122233",
                                                                    "email": "jan@example.nl"})
    assert done.labels == ("telefoon", "e-mail")
    assert done.profile.stored["phone"] == "+31611122233"
    lines = {c: complaints.get_case(context, c, record_view=False).timeline[0] for c in (first.id, other.id)}
    assert lines[first.id].summary == "Gegevens van de klager gecorrigeerd: telefoon, e-mail"
    assert lines[other.id].summary == "Gegevens van een betrokkene gecorrigeerd: telefoon, e-mail"
    assert lines[first.id].body == "telefoon: 06 12345678 → 06 11122233\ne-mail: — → jan@example.nl"
    assert [line.summary for line in done.profile.corrections] == ["Gegevens gecorrigeerd: telefoon, e-mail"]  # once
    assert {r.number for r in search.search_page(context, "0611122233")} == {first.number, other.number}
    assert search.search_page(context, "0612345678") == []


def test_the_values_are_personal_data_the_summary_is_not(context: Context, as_user: Callable[..., Context]) -> None:
    case = register(context)
    person_id = profile.klager_of(context, case.id)
    seen = profile.get_profile(context, person_id)
    profile.correct_person(context, person_id, seen.stored, {"name": "Jan Janssen"})
    directie = as_user("dir", StaffRole.MANAGEMENT)
    line = complaints.get_case(directie, case.id, record_view=False).timeline[0]
    assert line.summary == "Gegevens van de klager gecorrigeerd: naam" and line.body is None and line.data is None
    with pytest.raises(PermissionDenied):
        profile.get_profile(directie, person_id)


def test_a_bad_value_is_refused_at_its_field_and_nothing_changes(context: Context) -> None:
    case = register(context)
    person_id = profile.klager_of(context, case.id)
    seen = profile.get_profile(context, person_id)
    for typed, field in [({"email": "jan@gmial"}, "email"), ({"phone": "12"}, "phone"), ({"name": "  "}, "name"),
                         ({"name": "x" * 201}, "name"), ({"email": "a\x00@b.nl\x1b[31m"}, "email")]:
        with pytest.raises(ValidationError) as refused:
            profile.correct_person(context, person_id, seen.stored, typed)
        assert refused.value.field == field
    with pytest.raises(ValidationError, match="niets gewijzigd"):
        profile.correct_person(context, person_id, seen.stored, seen.shown)
    assert profile.get_profile(context, person_id).stored == seen.stored


def test_a_colleagues_correction_meanwhile_is_not_overwritten(context: Context) -> None:
    case = register(context)
    person_id = profile.klager_of(context, case.id)
    seen = profile.get_profile(context, person_id)
    profile.correct_person(context, person_id, seen.stored, {"phone": "0611122233"})
    with pytest.raises(StaleEdit, match="telefoon"):
        profile.correct_person(context, person_id, seen.stored, {"phone": "0644455566"})
    assert profile.get_profile(context, person_id).stored["phone"] == "+31611122233"


def test_who_may_correct(context: Context, as_user: Callable[..., Context]) -> None:
    case = register(context)
    person_id = profile.klager_of(context, case.id)
    stored = profile.get_profile(context, person_id).stored
    visser = as_user("e.visser", StaffRole.HANDLER, name="Eva Visser")
    mulder = as_user("b.mulder", StaffRole.HANDLER, name="Bram Mulder")
    balie = as_user("balie", StaffRole.CUSTOMER_SERVICE)
    workflow.assign(context, case.id, complaints.get_case(context, case.id, record_view=False).version,
                    visser.user.id)
    assert not profile.get_profile(mulder, person_id).editable
    assert not profile.get_profile(balie, person_id).editable
    with pytest.raises(PermissionDenied, match="toegewezen"):
        profile.correct_person(mulder, person_id, stored, {"name": "Jan Janssen"})
    with pytest.raises(PermissionDenied):
        profile.correct_person(balie, person_id, stored, {"name": "Jan Janssen"})
    assert profile.get_profile(visser, person_id).editable
    profile.correct_person(visser, person_id, stored, {"name": "Jan Janssen"})
    manager = as_user("km", StaffRole.MANAGER)
    profile.correct_person(manager, person_id, profile.get_profile(manager, person_id).stored, {"name": "J. Janssen"})


def test_an_erasure_leaves_none_of_the_earlier_values(context: Context) -> None:
    own = register(context, email="jan@example.nl")
    person_id = profile.klager_of(context, own.id)
    other = register(context, "Piet Pieters", phone="0687654321",
                     involved=[PersonInput(name="Jan Jansen", role=PartyRole.INVOLVED, person_id=person_id)])
    seen = profile.get_profile(context, person_id)
    profile.correct_person(context, person_id, seen.stored, {"phone": "0611122233", "name": "Jan Janssen"})
    erasure.erase_person(context, "jan@example.nl")
    with context.db.read() as session:
        texts = [f"{e.summary} {e.body} {e.data}" for e in session.exec(select(Event)).all()]
    for value in ("Jansen", "Janssen", "612345678", "12345678", "611122233", "06 11122233", "jan@example.nl"):
        assert not [t for t in texts if value in t], value
    assert complaints.get_case(context, other.id, record_view=False).timeline  # the other case stays


def test_reading_a_profile_is_logged_on_each_case_and_waits_when_it_cannot_be(
        context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    first = register(context)
    person_id = profile.klager_of(context, first.id)
    second = register(context, person_id=person_id, name="", phone="")
    assert read_log.record_profile_view(context, [first.id, second.id]) is None
    for case in (first, second):
        assert complaints.get_case(context, case.id, record_view=False).timeline[0].summary == \
            read_log.profile_line(context)

    def refused(*args: object, **kwargs: object) -> None:
        raise DatabaseProblem("De database is alleen-lezen.")

    monkeypatch.setattr(context.db, "write", refused)
    notice = read_log.record_profile_view(context, [first.id])
    assert notice is not None and "kon niet in de geschiedenis" in notice
    monkeypatch.undo()
    complaints.get_case(context, first.id)  # the next read that can write puts the waiting line in first
    summaries = [e.summary for e in complaints.get_case(context, first.id, record_view=False).timeline]
    assert summaries[:2] == [read_log.view_line(context), read_log.profile_line(context)]


def test_a_rule_over_several_fields_is_one_entry_of_the_whole_checks(context: Context,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    case = register(context)
    person_id = profile.klager_of(context, case.id)
    seen = profile.get_profile(context, person_id)

    def organisation_needs_email(values: object) -> list[ValidationError]:
        assert isinstance(values, dict)
        return ([ValidationError("Een organisatie heeft een e-mailadres nodig.", field="email")]
                if values["organisation"] and not values["email"] else [])

    monkeypatch.setattr(person_fields, "WHOLE_CHECKS", (organisation_needs_email,))
    with pytest.raises(ValidationError) as refused:
        profile.correct_person(context, person_id, seen.stored, {"organisation": "Gemeente Utrecht"})
    assert refused.value.field == "email"
    profile.correct_person(context, person_id, seen.stored, {"organisation": "Gemeente Utrecht",
                                                             "email": "jan@utrecht.example"})
