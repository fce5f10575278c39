"""Whatever is typed into the intake form, the rules answer with field errors, never a crash."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klachtdesk.clock import FixedClock
from klachtdesk.db import Database
from klachtdesk.errors import ValidationError
from klachtdesk.models import Acceptance, Channel, ComplaintKind, PartyRole
from klachtdesk.services.cases.complaints import FIELD_ORDER, PersonInput, RegistrationInput, field_base, \
    validate_registration
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.intake_parsing import (
    TEXT_FIELDS,
    check_form,
    parse_day,
    parse_moment,
    registration_input,
    sanitise_values,
)

NOW = FixedClock().now()

#: text as people (and paste) produce it: Dutch dates and digits mixed with anything at all
typed = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789-/.: +@", max_size=25),
    st.from_regex(r"[0-9]{1,4}[-/.][0-9]{1,4}([-/.][0-9]{1,5})?( [0-9]{1,3}[:.u][0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["gisteren", "vandaag", "eergisteren", "nu", "vrijdag", "om", "uur", "20 nov", "2026-11-20T",
                     "jan@", "@example.nl", "+31", "0031", "\x00", "٣-١١-٢٠٢٦"]),
    st.lists(st.sampled_from(["gisteren", "om", "18:40", "20", "nov", "2026", "mrt.", "vr", "u", "-", "99"]),
             max_size=5).map(" ".join),
)
moments = st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30),
                                            timezones=st.just(UTC)),
                    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30)))
days = st.one_of(st.none(), st.dates())
FUZZ = settings(max_examples=int(os.environ.get("KLACHTDESK_FUZZ_EXAMPLES", "80")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def fuzz_context(sqlite_database: Database, clock: FixedClock) -> Context:
    """No database access happens here: validation is pure; a context is what the rules take."""
    from tests.conftest import make_context

    return make_context(sqlite_database, clock)


@FUZZ
@given(text=typed)
def test_parsing_a_moment_or_a_day_raises_only_field_errors(text: str) -> None:
    for parse, field, now in ((parse_moment, "received_at", NOW), (parse_day, "incident_date", NOW.date())):
        try:
            result = parse(text, now)  # type: ignore[operator]
        except ValidationError as error:
            assert error.field == field and error.message
        else:
            assert result is None or result.year >= 1900


def persons(draw: Any, count: int) -> list[PersonInput]:
    return [PersonInput(name=draw(typed), phone=draw(typed), email=draw(typed), note=draw(typed),
                        role=draw(st.sampled_from(list(PartyRole)))) for _ in range(count)]


@FUZZ
@given(data=st.data())
def test_validate_registration_raises_nothing_and_names_known_fields(fuzz_context: Context, data: Any) -> None:
    draw = data.draw
    person = PersonInput(name=draw(typed), phone=draw(typed), email=draw(typed),
                         person_id=draw(st.one_of(st.none(), st.integers(1, 10**6))), street=draw(typed),
                         postcode=draw(typed), city=draw(typed), country=draw(typed))
    registration = RegistrationInput(
        kind=draw(st.sampled_from(list(ComplaintKind))), channel=draw(st.sampled_from(list(Channel))),
        received_at=draw(moments), complainant=person, service_type=draw(typed), category=draw(typed),
        description=draw(typed), incident_date=draw(days), discussed_first=draw(st.sampled_from([None, True, False])),
        remedy_sought=draw(typed), invoice_number=draw(typed), involved=persons(draw, draw(st.integers(0, 3))),
    )
    cleaned, errors = validate_registration(fuzz_context, registration)
    for error in errors:
        assert isinstance(error, ValidationError) and error.message
        assert field_base(error.field) in FIELD_ORDER
    positions = [FIELD_ORDER.index(field_base(e.field)) for e in errors]
    assert positions == sorted(positions)
    if not errors:
        assert cleaned.complainant.person_id is not None or cleaned.complainant.name


@FUZZ
@given(data=st.data())
def test_the_form_values_whatever_they_hold_give_field_errors_only(fuzz_context: Context, data: Any) -> None:
    draw = data.draw
    values: dict[str, Any] = {field: draw(typed) for field in TEXT_FIELDS}
    values.update({
        "kind": draw(st.one_of(st.sampled_from([k.value for k in ComplaintKind]), typed)),
        "channel": draw(st.one_of(st.sampled_from([c.value for c in Channel]), typed)),
        "discussed_first": draw(st.one_of(st.sampled_from([a.value for a in Acceptance]), typed)),
        "person_id": draw(st.one_of(st.none(), st.integers(-5, 10**9), typed)),
        "involved": [
            {"name": draw(typed), "role": draw(st.one_of(st.sampled_from([r.value for r in PartyRole]), typed)),
             "phone": draw(typed), "email": draw(typed), "note": draw(typed)}
            for _ in range(draw(st.integers(0, 3)))
        ],
    })
    sanitised = sanitise_values(values, NOW)
    assert set(sanitised) >= set(TEXT_FIELDS)
    registration_input(values, NOW)
    cleaned, errors = check_form(fuzz_context, values)
    for error in errors:
        assert isinstance(error, ValidationError) and field_base(error.field) in FIELD_ORDER
    if not errors and cleaned.received_at is not None:
        assert cleaned.received_at <= fuzz_context.now() + timedelta(0)
