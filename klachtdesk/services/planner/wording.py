"""Mediation sessions in words: Dutch wording of intervals, and parsing what a planner types (days, clock times, moments, weeks, durations)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError
from klachtdesk.services import limits
from klachtdesk.services.time.dutch import format_date_short


DEFAULT_DURATION = 60
MIN_DURATION = 15
# ---------------------------------------------------------------------------------------
# wording and parsing
# ---------------------------------------------------------------------------------------


def describe_interval(start: datetime, end: datetime, *, year: bool = False) -> str:
    """``ma 23 nov 10:00–11:00`` in Amsterdam time."""
    start, end = local(start), local(end)
    day = format_date_short(start.date()) + (f" {start.year}" if year else "")
    return f"{day} {start:%H:%M}–{end:%H:%M}"


_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_NL = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2})|u(\d{2})?)?$")


def parse_day(text: str, today: date) -> date:
    """``2026-11-25``, ``25-11-2026``, ``25-11`` (this year), ``vandaag``, ``morgen``."""
    value = text.strip().lower()
    if value in ("vandaag", "nu"):
        return today
    if value == "morgen":
        return today + timedelta(days=1)
    try:
        if match := _DATE_ISO.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DATE_NL.match(value):
            year = int(match[3]) if match[3] else today.year
            if year < 100:
                year += 2000
            return date(year, int(match[2]), int(match[1]))
    except ValueError:
        raise ValidationError(f"'{text.strip()}' is geen bestaande datum.", field="datum") from None
    raise ValidationError(
        f"'{text.strip()}' is geen datum; schrijf bijvoorbeeld 25-11-2026 of 2026-11-25.", field="datum"
    )


def parse_clock_time(text: str) -> time:
    """``10:00``, ``9.30``, ``14u``, ``14u30``, ``10``."""
    value = text.strip().lower()
    match = _TIME.match(value)
    if match:
        minute = match[2] or match[3] or "0"
        try:
            return time(int(match[1]), int(minute))
        except ValueError:
            pass
    raise ValidationError(f"'{text.strip()}' is geen tijd; schrijf bijvoorbeeld 10:00.", field="tijd")


def parse_moment(text: str, today: date) -> datetime:
    """A date and a time in one field: ``25-11-2026 10:00``, ``2026-11-25T10:00``, ``morgen 9:30``.

    The result is aware, in Europe/Amsterdam.
    """
    value = text.strip()
    if " " not in value and "t" in value.lower():
        value = re.sub(r"[Tt]", " ", value, count=1)
    parts = value.split()
    if len(parts) != 2:
        raise ValidationError(
            f"'{text.strip()}' is geen datum met tijd; schrijf bijvoorbeeld 25-11-2026 10:00.", field="starts_at"
        )
    try:
        day = parse_day(parts[0], today)
        clock_time = parse_clock_time(parts[1])
    except ValidationError as error:
        raise ValidationError(error.message, field="starts_at") from None
    return datetime.combine(day, clock_time, tzinfo=AMSTERDAM)


def parse_week(text: str) -> date:
    """The Monday of ``2026-W48`` (also ``2026W48``, ``2026-48``)."""
    match = re.fullmatch(r"\s*(\d{4})-?[Ww]?(\d{1,2})\s*", text)
    if match:
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
        else:
            return limits.check_day(monday, "week", "de week")
    raise ValidationError(f"'{text.strip()}' is geen week; schrijf bijvoorbeeld 2026-W48.", field="week")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def as_amsterdam(moment: datetime) -> datetime:
    """Aware moments are converted; naive ones are Amsterdam wall-clock time (form input)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(AMSTERDAM)


def end_of(start: datetime, minutes: int) -> datetime:
    """Start plus a duration in real (UTC) time, shown in Amsterdam time."""
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(AMSTERDAM)


def parse_duration(value: int | str) -> int:
    """Minutes of a session (at least ``MIN_DURATION``), from the form's text."""
    try:
        minutes = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"De duur '{value}' is geen aantal minuten.", field="duration") from None
    if minutes < MIN_DURATION:
        raise ValidationError(f"Een gesprek duurt minstens {MIN_DURATION} minuten.", field="duration")
    limits.check_number(minutes, "minutes", form_field="duration")
    return minutes


__all__ = [
    "DEFAULT_DURATION",
    "MIN_DURATION",
    "describe_interval",
    "parse_clock_time",
    "parse_day",
    "parse_duration",
    "parse_moment",
    "parse_week",
    "week_start",
]
