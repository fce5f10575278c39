"""Mediation sessions in words: Dutch wording of intervals, and parsing what a planner types (days, clock times, moments, weeks, durations)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError
from klachtdesk.services.time import date_grammar
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


#: what the planner's date fields show as an example
DAY_EXAMPLE = "schrijf bijvoorbeeld 25-11-2026, morgen of maandag"


def parse_day(text: str, today: date) -> date:
    """A day ahead, in the one Dutch grammar: ``25-11-2026``, ``2026-11-25``, ``25-11`` (the
    next 25 November), ``vandaag``, ``morgen``, ``maandag`` (the next Monday)."""
    day = date_grammar.parse_day(text, today, direction=date_grammar.FUTURE, field="datum", example=DAY_EXAMPLE)
    if day is None:
        raise ValidationError(f"Geef een datum; {DAY_EXAMPLE}.", field="datum")
    return day


def parse_clock_time(text: str) -> time:
    """``10:00``, ``9.30``, ``14u``, ``14u30``, ``10``."""
    return date_grammar.parse_time(text, field="tijd")


def parse_moment(text: str, today: date) -> datetime:
    """A date and a time in one field, today or later: ``25-11-2026 10:00``, ``2026-11-25T10:00``,
    ``morgen 9:30``, ``maandag 14u``. The result is aware, in Europe/Amsterdam."""
    moment = date_grammar.parse_moment(
        text, datetime.combine(today, time(12), tzinfo=AMSTERDAM), direction=date_grammar.FUTURE,
        field="starts_at", example=date_grammar.FUTURE_MOMENT_EXAMPLE, require_time=True)
    if moment is None or text.strip().lower() == "nu":
        raise ValidationError(
            f"'{text.strip()}' is geen datum met tijd; {date_grammar.FUTURE_MOMENT_EXAMPLE}.", field="starts_at")
    moment = local(moment)
    if moment.date() < today:
        raise ValidationError(f"'{text.strip()}' ligt in het verleden.", field="starts_at")
    return moment


def parse_week(text: str) -> date:
    """The Monday of ``2026-W48`` (also ``2026W48``, ``2026-48``)."""
    match = re.fullmatch(r"\s*(\d{4})-?[Ww]?(\d{1,2})\s*", text)
    if match:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
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
