"""Klachtnummers: format, parsing of every accepted form, and gap-free sequences."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klachtdesk.errors import ValidationError
from klachtdesk.services.cases.numbering import ComplaintNumber, format_number, next_number, parse_number


def test_format_pads_to_six_digits() -> None:
    assert format_number(2026, 123) == "KL-2026-000123"
    assert str(ComplaintNumber(2027, 1)) == "KL-2027-000001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KL-2026-000123", ComplaintNumber(2026, 123)),
        ("kl-2026-123", ComplaintNumber(2026, 123)),
        (" KL 2025 000007 ", ComplaintNumber(2025, 7)),
        ("2026-123", ComplaintNumber(2026, 123)),
        ("2025/9", ComplaintNumber(2025, 9)),
        ("123", ComplaintNumber(2026, 123)),
        ("#42", ComplaintNumber(2026, 42)),
    ],
)
def test_parse_accepts_full_short_and_bare(text: str, expected: ComplaintNumber) -> None:
    assert parse_number(text, current_year=2026) == expected


@pytest.mark.parametrize("text", ["", "KL-2026-", "abc", "KL-26-1", "0", "2026-0", "1234567"])
def test_parse_refuses_with_dutch_message(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number(text, current_year=2026)
    assert "klachtnummer" in info.value.message


@given(st.integers(1900, 9999), st.integers(1, 999_999))
def test_format_and_parse_round_trip(year: int, seq: int) -> None:
    assert parse_number(format_number(year, seq), current_year=2000) == ComplaintNumber(year, seq)


def test_sequence_is_per_year_and_continues(database) -> None:  # type: ignore[no-untyped-def]
    with database.write() as session:
        assert next_number(session, 2026).seq == 1
        assert next_number(session, 2026).seq == 2
        assert next_number(session, 2027).seq == 1
    with database.write() as session:
        assert next_number(session, 2026).seq == 3


def test_rolled_back_number_is_handed_out_again(database) -> None:  # type: ignore[no-untyped-def]
    with database.write() as session:
        next_number(session, 2026)
    with pytest.raises(RuntimeError), database.write() as session:
        assert next_number(session, 2026).seq == 2
        raise RuntimeError("registration failed")
    with database.write() as session:
        assert next_number(session, 2026).seq == 2  # no gap


def test_concurrent_threads_get_distinct_gap_free_numbers(database) -> None:  # type: ignore[no-untyped-def]
    results: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        for _ in range(25):
            with database.write() as session:
                seq = next_number(session, 2026).seq
            with lock:
                results.append(seq)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 151))
