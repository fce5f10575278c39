"""The intake form's rules: Dutch dates as typed, the fields each kind asks for, and every
error at its own field, in the order of the form."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.errors import ValidationError
from klachtdesk.models import ComplaintKind, PartyRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import FIELD_ORDER, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.intake_parsing import (
    check_form,
    describe_moment,
    empty_values,
    format_moment,
    has_input,
    parse_day,
    parse_moment,
    registration_input,
    sanitise_values,
)

#: Monday 23 November 2026, 10:00 (the clock fixture)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()


def ams(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMSTERDAM)  # type: ignore[misc]


# -- dates and times as typed -------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("20-11-2026 18:40", ams(2026, 11, 20, 18, 40)),
    ("20/11/2026 18.40", ams(2026, 11, 20, 18, 40)),
    ("20.11.2026 8:05", ams(2026, 11, 20, 8, 5)),
    ("20-11-26 18u40", ams(2026, 11, 20, 18, 40)),
    ("20-11 18:40", ams(2026, 11, 20, 18, 40)),
    ("20-12", ams(2025, 12, 20)),  # no year and it would be in the future: last year
    ("gisteren 18:40", ams(2026, 11, 22, 18, 40)),
    ("Gisteren om 18.40", ams(2026, 11, 22, 18, 40)),
    ("eergisteren", ams(2026, 11, 21)),
    ("vandaag 9:15", ams(2026, 11, 23, 9, 15)),
    ("vrijdag 17 uur", ams(2026, 11, 20, 17, 0)),  # the most recent Friday
    ("vr 17:00", ams(2026, 11, 20, 17, 0)),
    ("maandag", ams(2026, 11, 23)),  # today is a Monday
    ("20 november 2026 18:40", ams(2026, 11, 20, 18, 40)),
    ("20 nov om 18:40", ams(2026, 11, 20, 18, 40)),
    ("vrijdag 20 nov. 2026", ams(2026, 11, 20)),
    ("3 mrt", ams(2026, 3, 3)),
    ("3 sept 2025", ams(2025, 9, 3)),
    ("9:30", ams(2026, 11, 23, 9, 30)),
    ("2026-11-20T18:40", ams(2026, 11, 20, 18, 40)),
    ("2026-11-20 18:40:00", ams(2026, 11, 20, 18, 40)),
    ("2026-11-20T17:40:00+00:00", ams(2026, 11, 20, 18, 40)),
    ("2026-11-20", ams(2026, 11, 20)),
    ("  20-11-2026   18:40  ", ams(2026, 11, 20, 18, 40)),
])
def test_moments_typed_the_dutch_way(typed: str, expected: datetime) -> None:
    assert parse_moment(typed, NOW) == expected


def test_an_empty_moment_is_now_and_nu_is_now() -> None:
    assert parse_moment("", NOW) is None
    assert parse_moment("   ", NOW) is None
    assert parse_moment("nu", NOW) == NOW


@pytest.mark.parametrize(("typed", "message"), [
    ("31-11-2026 10:00", "bestaat niet als datum"),
    ("29-02-2026", "bestaat niet als datum"),
    ("20-11-2026 25:00", "die tijd bestaat niet"),
    ("20-11-2026 18:61", "die tijd bestaat niet"),
    ("morgen vroeg", "geen datum"),
    ("20 brumaire", "geen datum"),
    ("1-1-1850", "te ver in het verleden"),
    ("18", "geen datum"),
])
def test_impossible_moments_are_refused_at_the_field(typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        parse_moment(typed, NOW)
    assert info.value.field == "received_at"


@pytest.mark.parametrize(("typed", "expected"), [
    ("20-11-2026", date(2026, 11, 20)),
    ("20.11", date(2026, 11, 20)),  # a day here, not a time
    ("20 nov", date(2026, 11, 20)),
    ("gisteren", date(2026, 11, 22)),
    ("gisteren 18:40", date(2026, 11, 22)),  # a time is ignored
    ("zondag", date(2026, 11, 22)),
    ("2026-11-20", date(2026, 11, 20)),
    ("2026-11-20T23:30:00+00:00", date(2026, 11, 21)),  # in Amsterdam that is the next day
    ("", None),
])
def test_days_typed_the_dutch_way(typed: str, expected: date | None) -> None:
    assert parse_day(typed, TODAY) == expected


def test_a_bad_day_is_refused_at_the_incident_date() -> None:
    with pytest.raises(ValidationError, match="geen datum") as info:
        parse_day("ergens vorig jaar", TODAY)
    assert info.value.field == "incident_date"


def test_moments_are_shown_and_described_in_dutch() -> None:
    assert format_moment(ams(2026, 11, 20, 18, 40)) == "20-11-2026 18:40"
    assert parse_moment(format_moment(NOW), NOW) == NOW
    assert describe_moment(NOW, TODAY) == "vandaag om 10:00"
    assert describe_moment(ams(2026, 11, 22, 18, 40), TODAY) == "gisteren om 18:40"
    assert describe_moment(ams(2026, 11, 20, 18, 40), TODAY) == "20 nov 2026 18:40"


# -- the form's values --------------------------------------------------------------------


def klacht(**changes: Any) -> dict[str, Any]:
    values = empty_values(NOW)
    values.update({
        "name": "Jan Jansen", "phone": "06 12345678", "email": "", "incident_date": "gisteren",
        "service_type": "Thuiszorg", "description": "De monteur kwam niet.",
        "involved": [{"name": "Dr. P. Bakker", "role": "aangeklaagde", "phone": "", "email": "", "note": "huisarts"}],
        "discussed_first": "nee", "remedy_sought": "Excuses",
    })
    values.update(changes)
    return values


def fields(context: Context, values: dict[str, Any]) -> list[str | None]:
    return [error.field for error in check_form(context, values)[1]]


def test_a_complete_complaint_has_no_errors_and_becomes_the_registration_input(context: Context) -> None:
    cleaned, errors = check_form(context, klacht())
    assert errors == []
    assert cleaned.kind is ComplaintKind.COMPLAINT
    assert cleaned.complainant.phone == "+31612345678"
    assert cleaned.incident_date == date(2026, 11, 22)
    assert cleaned.received_at == NOW
    assert cleaned.discussed_first is False
    assert [(p.name, p.role, p.note) for p in cleaned.involved] == [("Dr. P. Bakker", PartyRole.RESPONDENT, "huisarts")]


def test_discussed_first_ja_nee_onbekend(context: Context) -> None:
    assert [check_form(context, klacht(discussed_first=v))[0].discussed_first for v in ("ja", "nee", "onbekend")] == [
        True, False, None]


def test_fields_a_kind_does_not_ask_for_are_left_out(context: Context) -> None:
    values = klacht(kind="factuurvraag", invoice_number="F-2026-0042", category="Bejegening")
    data, errors = registration_input(values, NOW)
    assert errors == []
    # a factuurvraag asks what the question is (the description), not the complaint's fields
    assert (data.invoice_number, data.description, data.involved, data.incident_date, data.category) == (
        "F-2026-0042", "De monteur kwam niet.", [], None, "")
    data, _ = registration_input(klacht(kind="accountvraag", invoice_number="F-1"), NOW)
    assert (data.description, data.invoice_number, data.involved) == ("De monteur kwam niet.", "", [])
    data, _ = registration_input(klacht(invoice_number="F-1"), NOW)
    assert data.invoice_number == ""


@pytest.mark.parametrize(("kind", "changes", "field"), [
    ("klacht", {"name": " "}, "name"),
    ("klacht", {"phone": "", "email": ""}, "phone"),
    ("klacht", {"phone": "06 1234"}, "phone"),
    ("klacht", {"phone": "+44 20 7946 0958"}, None),  # international numbers are fine
    ("klacht", {"email": "jan@"}, "email"),
    ("klacht", {"email": "jan@example"}, "email"),
    ("klacht", {"incident_date": "morgen"}, "incident_date"),
    ("klacht", {"incident_date": "24-11-2026"}, "incident_date"),
    ("klacht", {"incident_date": "23-11-2026", "received_at": "gisteren 18:40"}, "incident_date"),
    ("klacht", {"service_type": ""}, "service_type"),
    ("klacht", {"description": "\n  "}, "description"),
    ("klacht", {"received_at": "23-11-2026 10:30"}, "received_at"),
    ("klacht", {"received_at": "gisteravond"}, "received_at"),
    ("klacht", {"involved": [{"name": "", "role": "betrokkene"}]}, "involved.1.name"),
    ("factuurvraag", {"invoice_number": ""}, "invoice_number"),
    ("factuurvraag", {"invoice_number": "F" * 65}, "invoice_number"),
    ("factuurvraag", {"description": "", "incident_date": "morgen"}, None),  # not asked for a question
    ("accountvraag", {"description": ""}, "description"),
    ("accountvraag", {"invoice_number": ""}, None),
])
def test_each_error_at_its_field(context: Context, kind: str, changes: dict[str, Any], field: str | None) -> None:
    values = klacht(kind=kind, invoice_number="F-2026-0042" if kind == "factuurvraag" else "")
    values.update(changes)
    found = fields(context, values)
    assert found == ([field] if field else [])
    if field:
        assert all(e.message for e in check_form(context, values)[1])


def test_errors_of_involved_people_point_at_the_row_and_part(context: Context) -> None:
    values = klacht(involved=[
        {"name": "A", "role": "aangeklaagde", "phone": "12", "email": "", "note": ""},
        {"name": "", "role": "betrokkene", "phone": "", "email": "b@", "note": "x" * 201},
    ])
    assert fields(context, values) == ["involved.1.phone", "involved.2.name", "involved.2.email", "involved.2.note"]


def test_errors_come_in_the_order_of_the_form(context: Context) -> None:
    values = klacht(name="", phone="12", email="x@", incident_date="morgen", service_type="", description="",
                    involved=[{"name": "", "role": "betrokkene"}], received_at="kwart over tien")
    found = fields(context, values)
    assert found == ["name", "phone", "email", "incident_date", "service_type", "description", "involved.1.name",
                     "received_at"]
    bases = [complaints.field_base(f) for f in found]
    assert bases == sorted(bases, key=FIELD_ORDER.index)


def test_the_service_refuses_what_the_form_refuses(context: Context) -> None:
    data, _ = registration_input(klacht(involved=[{"name": "B", "role": "betrokkene", "email": "b@"}]), NOW)
    with pytest.raises(ValidationError) as info:
        complaints.register(context, data)
    assert info.value.field == "involved.1.email"
    assert complaints.count(context) == 0


def test_the_service_cleans_text_and_reads_a_naive_moment_as_amsterdam_time(context: Context) -> None:
    data = RegistrationInput(
        received_at=datetime(2026, 11, 23, 9, 30), complainant=PersonInput(name="Jan\x00 ", phone="0612345678"),
        service_type="Thuiszorg", description="\x00 Klacht \x00",
    )
    cleaned, errors = complaints.validate_registration(context, data)
    assert errors == []
    assert cleaned.received_at == ams(2026, 11, 23, 9, 30)
    assert (cleaned.complainant.name, cleaned.description) == ("Jan", "Klacht")
    data.complainant.name = "J" * 201
    assert [e.field for e in complaints.validate_registration(context, data)[1]] == ["name"]


def test_a_known_person_needs_no_name_or_contact_details(context: Context) -> None:
    assert fields(context, klacht(name="", phone="", person_id=7)) == []


def test_sanitising_a_stored_draft_never_fails() -> None:
    assert sanitise_values(None, NOW) == empty_values(NOW)
    assert sanitise_values(["x"], NOW) == empty_values(NOW)
    odd = sanitise_values({
        "kind": "klachtje", "channel": 5, "name": ["Jan"], "person_id": True, "discussed_first": "misschien",
        "involved": [None, "x", {"name": 3, "role": "klager", "phone": "06"}], "unknown": "x",
    }, NOW)
    assert (odd["kind"], odd["channel"], odd["name"], odd["person_id"], odd["discussed_first"]) == (
        "klacht", "telefoon", "", None, "onbekend")
    assert odd["involved"] == [{"name": "", "role": "betrokkene", "phone": "06", "email": "", "note": ""}]
    assert "unknown" not in odd


def test_what_counts_as_input() -> None:
    values = empty_values(NOW)
    assert not has_input(values)
    assert not has_input({**values, "kind": "factuurvraag", "channel": "brief", "received_at": "gisteren"})
    assert has_input({**values, "name": "J"})
    assert has_input({**values, "discussed_first": "ja"})
    assert has_input({**values, "involved": [{"name": "", "role": "betrokkene"}]})
    assert has_input({**values, "person_id": 3})


def test_spoken_deadline_drops_this_year(clock: FixedClock) -> None:
    from klachtdesk.screens.registration import spoken_day

    assert spoken_day(date(2026, 12, 30), TODAY) == "woensdag 30 december"
    assert spoken_day(date(2027, 1, 4), TODAY) == "maandag 4 januari 2027"
    assert clock.now() == NOW - timedelta(0)
