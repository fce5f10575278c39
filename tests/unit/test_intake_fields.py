"""The fields per kind and their order: one table (``services.cases.intake_fields``),
and every form and check takes them from it."""

from __future__ import annotations

from datetime import datetime

from klachtdesk.clock import AMSTERDAM
from klachtdesk.models.enums import ComplaintKind
from klachtdesk.services.cases import complaints, intake_form
from klachtdesk.services.cases.intake_fields import (
    COMMON_FIELDS,
    FIELD_ORDER,
    KIND_FIELDS,
    asks_for,
    fields_of,
    position,
)
from klachtdesk.web.forms import PAGES

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)


def test_the_seed_procedures_lists() -> None:
    assert KIND_FIELDS == {
        ComplaintKind.COMPLAINT: {"incident_date", "category", "description", "involved", "discussed_first",
                                  "remedy_sought"},
        ComplaintKind.INVOICE_QUESTION: {"invoice_number", "description"},  # the question itself (issue 15.8)
        ComplaintKind.ACCOUNT_QUESTION: {"description"},
    }
    assert COMMON_FIELDS == {"kind", "channel", "name", "phone", "email", "address", "service_type", "received_at"}
    assert fields_of(ComplaintKind.INVOICE_QUESTION) == (
        "kind", "channel", "name", "phone", "email", "address", "service_type", "invoice_number", "description",
        "received_at")
    assert position("address.postcode") == FIELD_ORDER.index("address") == FIELD_ORDER.index("email") + 1
    assert asks_for(ComplaintKind.COMPLAINT, "involved.2.name")
    assert not asks_for(ComplaintKind.ACCOUNT_QUESTION, "involved.1.name")
    assert position("involved.2.phone") == FIELD_ORDER.index("involved") < position("received_at")
    assert position("iets anders") == len(FIELD_ORDER)


def test_the_services_take_the_same_table() -> None:
    assert complaints.KIND_FIELDS is KIND_FIELDS and complaints.FIELD_ORDER is FIELD_ORDER


def test_the_web_form_asks_each_kind_its_fields_in_the_tables_order() -> None:
    for kind, page in PAGES.items():
        asked = [field.name for _title, fields in page.sections for field in fields]
        own = [name for name in asked if name not in COMMON_FIELDS]
        assert own == [name for name in FIELD_ORDER if name in KIND_FIELDS[kind]], kind


def test_the_form_values_carry_only_what_the_kind_asks_for() -> None:
    values = intake_form.empty_values(NOW)
    values.update(name="Piet", description="Wat er gebeurde", invoice_number="F-1234", category="Bejegening",
                  remedy_sought="Excuses", incident_date="gisteren")
    for kind in ComplaintKind:
        data, errors = intake_form.registration_input({**values, "kind": kind.value}, NOW)
        assert not errors
        given = {name for name in ("description", "invoice_number", "category", "remedy_sought")
                 if getattr(data, name)} | ({"incident_date"} if data.incident_date else set())
        assert given == KIND_FIELDS[kind] - {"involved", "discussed_first"}, kind
