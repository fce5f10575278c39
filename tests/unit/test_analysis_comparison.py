"""The one wording of the compared periods (issue 15, item 15: "vergeleken met 2025 en 2025")."""

from __future__ import annotations

from klachtdesk.services.analysis.results import comparison_phrase
from klachtdesk.services.time.periods import parse_period


def test_a_quarter_names_both_compared_periods() -> None:
    period = parse_period("2026-Q3")
    assert comparison_phrase(period.previous(), period.year_earlier()) == (
        "vergeleken met 2e kwartaal 2026 en 3e kwartaal 2025")


def test_a_year_names_the_year_before_once() -> None:
    period = parse_period("2026")
    assert comparison_phrase(period.previous(), period.year_earlier()) == "vergeleken met 2025"
