"""The one table of field limits (``services/limits.py``): it agrees with the columns,
cleans text the same way for every field, and bounds numbers and days."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import String

from klachtdesk.errors import ValidationError
from klachtdesk.models import Complaint, MediationSession, Message, Party, Person, PrivacyRequest, Staff
from klachtdesk.models.tables import Agreement, Draft, Measure, SavedView
from klachtdesk.services import limits
from klachtdesk.services.limits import FIELD_LIMITS, NumberLimit, TextLimit

#: (table column) -> the row of FIELD_LIMITS that guards what goes into it
COLUMNS = {
    (Person, "name"): "name",
    (Person, "email"): "email",
    (Staff, "username"): "username",
    (Staff, "name"): "name",
    (Staff, "email"): "email",
    (Complaint, "service_type"): "service_type",
    (Complaint, "category"): "category",
    (Complaint, "invoice_number"): "invoice_number",
    (Party, "note"): "note",
    (Message, "subject"): "subject",
    (MediationSession, "location"): "location",
    (Agreement, "owner"): "owner",
    (Measure, "title"): "title",
    (Measure, "category"): "category",
    (Measure, "service_type"): "service_type",
    (PrivacyRequest, "subject"): "request_subject",
    (Draft, "form"): "form",
    (SavedView, "name"): "view_name",
}


@pytest.mark.parametrize(("table", "column"), list(COLUMNS), ids=lambda v: getattr(v, "__name__", v))
def test_a_limit_never_exceeds_its_column(table: type, column: str) -> None:
    """PostgreSQL refuses longer text than the column, SQLite takes it: the service
    limit must be the bound on both, so it may not be larger than the column."""
    column_type = table.__table__.columns[column].type  # type: ignore[attr-defined]
    assert isinstance(column_type, String) or hasattr(column_type, "length")
    assert column_type.length is not None
    limit = FIELD_LIMITS[COLUMNS[(table, column)]]
    assert isinstance(limit, TextLimit)
    assert limit.max_chars <= column_type.length
    assert not limit.multiline


def test_every_row_has_a_dutch_label_and_sane_bounds() -> None:
    for key, limit in FIELD_LIMITS.items():
        assert limit.label.split()[0] in {"de", "het"}, key
        if isinstance(limit, TextLimit):
            assert 1 <= limit.max_chars <= 50_000, key
        if isinstance(limit, NumberLimit):
            assert limit.low <= limit.high <= 2**63 - 1, key


def test_text_loses_nul_and_controls_and_keeps_letters() -> None:
    assert limits.clean_text("  Jan\x00 de\x1b[2J Vries\x07 ", "name") == "Jan de[2J Vries"
    assert limits.clean_text("a\tb\nc\r\nd", "name") == "a b c  d"
    assert limits.clean_text("regel 1\r\nregel 2\rregel 3\t.\x00\x9b", "description") == "regel 1\nregel 2\nregel 3\t."
    assert limits.clean_text("Zoë Çelik – ‘t Hooft 😀", "name") == "Zoë Çelik – ‘t Hooft 😀"
    assert limits.clean_text(None, "name") == ""
    assert limits.clean_optional("\x00 ", "invoice_number") is None


def test_too_long_text_is_refused_in_dutch_at_its_field() -> None:
    assert limits.clean_text("F" * 64, "invoice_number") == "F" * 64
    with pytest.raises(ValidationError) as caught:
        limits.clean_text("F" * 65, "invoice_number", form_field="factuur")
    assert caught.value.message == "Het factuurnummer is te lang: hoogstens 64 tekens, niet 65."
    assert caught.value.field == "factuur"
    with pytest.raises(ValidationError, match="hoogstens 20.000 tekens, niet 20.001"):
        limits.clean_text("x" * 20_001, "description")


def test_text_that_was_not_utf8_is_refused() -> None:
    not_utf8 = b"Jan \xff\xfe".decode("utf-8", errors="surrogateescape")
    with pytest.raises(ValidationError, match="geen geldige tekst"):
        limits.clean_text(not_utf8, "name")


def test_numbers_are_bounded_before_arithmetic() -> None:
    assert limits.check_number(2_147_483_647, "id") == 2_147_483_647
    with pytest.raises(ValidationError, match="mag hoogstens 2.147.483.647 zijn, niet 2.147.483.648"):
        limits.check_number(2_147_483_648, "id")
    with pytest.raises(ValidationError, match="moet 1 of meer zijn, niet 0"):
        limits.check_number(0, "aantal")
    with pytest.raises(ValidationError, match="geheel getal"):
        limits.check_number(True, "id")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="een getal van 100 cijfers"):
        limits.check_number(10**99, "werkdagen")


def test_days_are_within_the_calendar_years() -> None:
    assert limits.check_day(date(2000, 1, 1)) == date(2000, 1, 1)
    with pytest.raises(ValidationError, match=r"\(9999-12-27\) valt buiten de jaren 2000 t/m 2100"):
        limits.check_day(date(9999, 12, 27), "week", "de week")
    with pytest.raises(ValidationError, match="geen datum"):
        limits.check_day("2026-01-01")  # type: ignore[arg-type]
    assert limits.check_day(datetime(2100, 12, 31, 23, 59)).year == 2100


def test_checked_cleans_text_and_bounds_numbers_of_an_entry_point() -> None:
    @limits.checked(text="case_note", complaint_id="id", ids="id", day="day")
    def entry(complaint_id: int, text: str, ids: list[int] | None = None, day: date | None = None) -> tuple:
        return complaint_id, text, ids, day

    assert entry(1, " a\x00b ") == (1, "ab", None, None)
    with pytest.raises(ValidationError) as caught:
        entry(10**12, "x")
    assert caught.value.field == "complaint_id"
    with pytest.raises(ValidationError):
        entry(1, "x", ids=[1, -1])
    with pytest.raises(ValidationError):
        entry(1, "x", day=date(1999, 12, 31))
    with pytest.raises(TypeError):
        limits.checked(nothing="id")(entry)


def test_fit_text_is_the_nearest_value_that_would_pass() -> None:
    assert limits.fit_text("J\x00" * 300 + "\udcff", "name") == "J" * 200
    assert limits.fit_text("Jan \udcff", "name") == "Jan \ufffd"
    assert limits.clean_text(limits.fit_text("x" * 70 + "\x1b", "invoice_number"), "invoice_number") == "x" * 64
