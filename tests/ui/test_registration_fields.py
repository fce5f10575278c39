"""The registration screen shows the fields in the order of the one table (``intake_fields``)."""

from __future__ import annotations

from klachtdesk.screens.registration.fields import FIELDS, OPTIONAL_FIELDS
from klachtdesk.services.cases.intake_fields import COMMON_FIELDS, FIELD_ORDER


def test_the_registration_form_follows_the_table() -> None:
    assert tuple(field for field, _label, _key in FIELDS) == FIELD_ORDER
    assert OPTIONAL_FIELDS == set(FIELD_ORDER) - COMMON_FIELDS
