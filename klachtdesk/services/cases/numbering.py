"""Klachtnummers: ``KL-YYYY-NNNNNN``, a gap-free sequence per year of receipt.

The next number is taken inside the registering transaction with one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` on ``number_sequence`` (the year's
row made with 1, else raised by 1): on PostgreSQL the row lock
serialises concurrent registrations until commit, on SQLite the ``BEGIN
IMMEDIATE`` write transaction does. A rolled-back registration gives its number
back, so the sequence has no gaps; a committed number is never reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reading a klachtnummer needs no database layer (``zoek``, services.startup)
    from sqlmodel import Session

from klachtdesk.errors import ValidationError
from klachtdesk.services import limits

PREFIX = "KL"
WIDTH = 6
_FULL = re.compile(r"^\s*KL[-\s]?(\d{4})[-\s]?(\d{1,6})\s*$", re.IGNORECASE)
_SHORT = re.compile(r"^\s*(\d{4})[-/](\d{1,6})\s*$")
_BARE = re.compile(r"^\s*#?(\d{1,6})\s*$")


@dataclass(frozen=True, order=True)
class ComplaintNumber:
    year: int
    seq: int

    def __str__(self) -> str:
        return format_number(self.year, self.seq)


def format_number(year: int, seq: int) -> str:
    return f"{PREFIX}-{year:04d}-{seq:0{WIDTH}d}"


def parse_number(value: str, current_year: int) -> ComplaintNumber:
    """Read ``KL-2026-000123``, ``2026-123`` or ``123`` (this year).

    Raises ``ValidationError`` with a Dutch message for anything else.
    """
    for pattern in (_FULL, _SHORT):
        match = pattern.match(value)
        if match:
            year, seq = int(match.group(1)), int(match.group(2))
            break
    else:
        match = _BARE.match(value)
        if not match:
            raise ValidationError(
                f"'{value.strip()}' is geen klachtnummer; gebruik bijvoorbeeld KL-{current_year}-000123, "
                f"{current_year}-123 of 123.",
                field="klachtnummer",
            )
        year, seq = current_year, int(match.group(1))
    if not 1 <= seq <= limits.MAX_ID or not 1900 <= year <= 9999:
        raise ValidationError(f"'{value.strip()}' is geen bestaand klachtnummer.", field="klachtnummer")
    return ComplaintNumber(year, seq)


def looks_like_number(value: str) -> bool:
    return bool(_FULL.match(value) or _SHORT.match(value) or _BARE.match(value))


def next_number(session: Session, year: int) -> ComplaintNumber:
    """Take the next number of ``year`` inside the caller's write transaction."""
    from sqlalchemy import text  # deferred for start-up time: parsing a number needs no SQLAlchemy

    seq = session.execute(
        text("INSERT INTO number_sequence (year, last) VALUES (:year, 1) "
             "ON CONFLICT (year) DO UPDATE SET last = number_sequence.last + 1 RETURNING last"),
        {"year": year},
    ).scalar_one()
    return ComplaintNumber(year, int(seq))


def reserve_block(session: Session, year: int, count: int) -> int:
    """Take ``count`` consecutive numbers at once (bulk loads); returns the first seq."""
    from sqlalchemy import text  # deferred for start-up time (see next_number)

    session.execute(
        text("INSERT INTO number_sequence (year, last) VALUES (:year, 0) ON CONFLICT (year) DO NOTHING"),
        {"year": year},
    )
    last = session.execute(
        text("UPDATE number_sequence SET last = last + :n WHERE year = :year RETURNING last"),
        {"year": year, "n": count},
    ).scalar_one()
    return int(last) - count + 1
