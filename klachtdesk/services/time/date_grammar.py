"""The one Dutch date grammar: days and moments as people type (or write) them.

Every field and command that reads a date uses it: the registration form and the web
form (an incident lies in the past), the measure form and the planner (a due date or a
session lies ahead), ``klachtdesk termijn``, and the mail intake's date finder (which
uses the word tables and :func:`resolve_day`). The one thing that differs between them
is the *direction*: where an incomplete date falls.

Accepted for a day (:func:`parse_day`) and a moment (:func:`parse_moment`):

- ``31-12-2026``, ``31/12/26``, ``31.12.2026``, ISO ``2026-12-31`` (also with a time,
  ``2026-12-31T10:00``, ``2026-12-31 10:00:00+01:00``);
- ``31-12`` and ``20 december``, ``20 dec.`` without a year: the most recent one
  (``Direction.PAST``, today included) or the next one (``Direction.FUTURE``, today included);
- ``vandaag`` (``nu``), ``morgen``, ``overmorgen``, ``gisteren``, ``eergisteren``;
- a weekday, ``maandag`` or ``ma``: the most recent one, today included (PAST), or the
  next one, today excluded (FUTURE); before a date it is ignored (``vrijdag 20 november``);
- ``over 3 dagen``, ``over 2 weken``, ``3 dagen geleden``; ``over 3 werkdagen`` when the
  caller passes the organisation's calendar;
- a time after the day: ``18:40``, ``18.40``, ``18u40``, ``18u``, ``18 uur``, ``om 18:40``,
  and a bare hour after a day (``morgen 10``); a time alone is today.

Errors are ``ValidationError`` with a Dutch message and the caller's field name; nothing
else is raised, whatever the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Protocol

from babel.dates import get_day_names, get_month_names

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError
from klachtdesk.services.time.dutch import LOCALE


class Direction(Enum):
    """Where a date without a year, or a bare weekday, falls."""

    PAST = "verleden"  # an incident, a receipt: the most recent one
    FUTURE = "toekomst"  # a due date, a session: the next one


PAST = Direction.PAST
FUTURE = Direction.FUTURE


class WerkdagCalendar(Protocol):
    def add_werkdagen(self, day: date, n: int) -> date: ...


# -- the word tables ---------------------------------------------------------------------

#: month names and abbreviations (``januari``, ``jan``, ``mrt``, ``sept``) → 1..12
MONTHS: dict[str, int] = {}
for _width in ("wide", "abbreviated"):
    for _number, _name in get_month_names(_width, locale=LOCALE).items():
        MONTHS[str(_name).lower().rstrip(".")] = int(_number)
MONTHS.setdefault("sept", 9)
#: weekday names and abbreviations (``maandag``, ``ma``) → 0 (Monday) .. 6
WEEKDAYS: dict[str, int] = {}
for _width in ("wide", "abbreviated"):
    for _number, _name in get_day_names(_width, locale=LOCALE).items():
        WEEKDAYS[str(_name).lower().rstrip(".")] = int(_number)
#: days from today the relative words stand for
RELATIVE_DAYS: dict[str, int] = {
    "vandaag": 0, "nu": 0, "morgen": 1, "overmorgen": 2, "gisteren": -1, "eergisteren": -2,
}
#: a regular-expression alternative of the month words, longest first (for finders in text)
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
#: the wide weekday names as a regular-expression alternative
WEEKDAY_PATTERN = "|".join(str(name).lower() for name in get_day_names("wide", locale=LOCALE).values())

EARLIEST_YEAR = 1900
DAY_EXAMPLE = "schrijf bijvoorbeeld 20-11-2026, 20 november of gisteren"
FUTURE_DAY_EXAMPLE = "schrijf bijvoorbeeld 31-12-2026, 31 december, morgen of maandag"
MOMENT_EXAMPLE = "schrijf bijvoorbeeld 20-11-2026 18:40, gisteren 18:40 of 2026-11-20 18:40"
FUTURE_MOMENT_EXAMPLE = "schrijf bijvoorbeeld 25-11-2026 10:00, morgen 9:30 of maandag 14u"

#: a time at the end: 18:40, 18.40, 18u40, 18:40:00, 18 uur, 18u, "om 18:40" (dotted only as a separate word)
_TIME = re.compile(r"(?:^|\s)(?:om\s+)?([0-9]{1,2})(?:[:.uh]([0-9]{2})(?::([0-9]{2}))?|\s*(?:uur|u|h))\s*$")
#: a bare hour after a day: "morgen 10"
_BARE_HOUR = re.compile(r"\s(?:om\s+)?([0-9]{1,2})$")
_NUMERIC = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{4}|[0-9]{2}))?$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_ISO_T = re.compile(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])")
_WORDS = re.compile(r"^([0-9]{1,2})\s+([a-z]+)\.?(?:\s+([0-9]{4}))?$")
_OFFSET = re.compile(r"^(?:over\s+([0-9]{1,3})\s+(dag|dagen|week|weken|werkdag|werkdagen)"
                     r"|([0-9]{1,3})\s+(dag|dagen|week|weken)\s+geleden)$")


def shown(text: str) -> str:
    """The input as quoted in a message: spaces collapsed, at most 40 characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= 40 else text[:39] + "…"


def _prefixed(word: str, table: dict[str, int], shortest: int) -> int | None:
    if word in table:
        return table[word]
    if len(word) >= shortest:
        found = {number for name, number in table.items() if name.startswith(word)}
        if len(found) == 1:
            return found.pop()
    return None


def month_number(word: str) -> int | None:
    """``december``, ``dec``, ``decem`` → 12; None when it names no single month."""
    return _prefixed(word.lower().rstrip("."), MONTHS, 3)


def weekday_number(word: str) -> int | None:
    """``maandag``, ``ma``, ``maan`` → 0; None when it names no single weekday."""
    return _prefixed(word.lower().rstrip("."), WEEKDAYS, 2)


def weekday_day(weekday: int, today: date, direction: Direction, *, today_counts: bool | None = None) -> date:
    """The day of that weekday nearest to today in the direction.

    By default the past includes today (``maandag`` said on a Monday is today) and the
    future does not (it is next week's)."""
    if today_counts is None:
        today_counts = direction is Direction.PAST
    if direction is Direction.PAST:
        back = (today.weekday() - weekday) % 7
        return today - timedelta(days=back if back or today_counts else 7)
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead if ahead or today_counts else 7)


def resolve_day(year: int | None, month: int, day: int, today: date, direction: Direction) -> date:
    """The date of a day and month, with or without a year (two digits: 20xx).

    Without a year it is the most recent such day (PAST) or the next one (FUTURE),
    today included either way. Raises ``ValueError`` for a day that does not exist."""
    if year is not None:
        if year < 100:
            year += 2000
        return date(year, month, day)
    if (month, day) == (2, 29):  # the nearest leap year in the direction
        step = -1 if direction is Direction.PAST else 1
        year = today.year
        while True:
            try:
                candidate = date(year, 2, 29)
            except ValueError:
                year += step
                continue
            if (direction is Direction.PAST and candidate <= today) or (
                    direction is Direction.FUTURE and candidate >= today):
                return candidate
            year += step
    result = date(today.year, month, day)
    if direction is Direction.PAST and result > today:  # "20-12" typed in January: last December
        return result.replace(year=today.year - 1)
    if direction is Direction.FUTURE and result < today:  # "31-1" typed in December: next January
        return result.replace(year=today.year + 1)
    return result


def _normalise(text: str) -> str:
    value = (text or "").replace("\x00", "").strip().lower().replace(",", " ")
    value = " ".join(value.split())
    return _ISO_T.sub(r"\1 ", value)


def _build(year: int | None, month: int, day: int, today: date, direction: Direction,
           field: str | None, raw: str) -> date:
    if year is not None and 100 <= year < EARLIEST_YEAR:
        raise ValidationError(f"'{shown(raw)}' ligt te ver in het verleden.", field=field)
    try:
        return resolve_day(year, month, day, today, direction)
    except (ValueError, OverflowError):
        raise ValidationError(f"'{shown(raw)}' bestaat niet als datum.", field=field) from None


def _offset_day(match: re.Match[str], today: date, calendar: WerkdagCalendar | None,
                field: str | None, raw: str) -> date:
    if match.group(1):
        count, unit = int(match.group(1)), match.group(2)
    else:
        count, unit = -int(match.group(3)), match.group(4)
    if unit.startswith("werkdag"):
        if calendar is None:
            raise ValidationError(f"'{shown(raw)}': werkdagen tellen kan hier niet; geef een datum.", field=field)
        try:
            return calendar.add_werkdagen(today, count)
        except ValidationError as error:  # outside the calendar's years
            raise ValidationError(error.message, field=field) from None
    days = count * (7 if unit.startswith("we") else 1)
    try:
        return today + timedelta(days=days)
    except OverflowError:  # pragma: no cover - three digits at most
        raise ValidationError(f"'{shown(raw)}' bestaat niet als datum.", field=field) from None


def _day_part(part: str, today: date, direction: Direction, field: str | None, raw: str, example: str,
              calendar: WerkdagCalendar | None) -> date:
    if part in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[part])
    if match := _OFFSET.match(part):
        return _offset_day(match, today, calendar, field, raw)
    words = part.split(" ")
    # a leading weekday may precede a date ("vrijdag 20 november"): it is ignored then
    if len(words) > 1 and weekday_number(words[0]) is not None:
        part = " ".join(words[1:])
    elif len(words) == 1 and (weekday := weekday_number(part)) is not None:
        return weekday_day(weekday, today, direction)
    if match := _ISO.match(part):
        return _build(int(match.group(1)), int(match.group(2)), int(match.group(3)), today, direction, field, raw)
    if match := _NUMERIC.match(part):
        year = int(match.group(3)) if match.group(3) else None
        return _build(year, int(match.group(2)), int(match.group(1)), today, direction, field, raw)
    if match := _WORDS.match(part):
        month = month_number(match.group(2))
        if month is not None:
            year = int(match.group(3)) if match.group(3) else None
            return _build(year, month, int(match.group(1)), today, direction, field, raw)
    raise ValidationError(f"'{shown(raw)}' is geen datum; {example}.", field=field)


def _split_time(value: str, field: str | None, raw: str) -> tuple[str, time | None]:
    match = _TIME.search(value)
    if match is None:
        match = _BARE_HOUR.search(value)
        if match is None:
            return value, None
    hour = int(match.group(1))
    minute = int(match.group(2) or 0) if match.re is _TIME else 0
    second = int(match.group(3) or 0) if match.re is _TIME else 0
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(f"'{shown(raw)}': die tijd bestaat niet.", field=field)
    return value[: match.start()].strip(), time(hour, minute, second)


def _from_iso(value: str) -> datetime | None:
    if len(value) < 8 or not value[:4].isascii() or not value[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(value.upper())
    except (ValueError, TypeError, OverflowError):
        return None
    if moment.year < EARLIEST_YEAR:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=AMSTERDAM)


def parse_time(text: str, *, field: str | None = None) -> time:
    """A clock time alone: ``10:00``, ``9.30``, ``14u``, ``14u30``, ``18 uur``, ``om 10``, ``10``."""
    value = _normalise(text)
    match = _TIME.fullmatch(" " + value) or _BARE_HOUR.fullmatch(" " + value)
    if match is not None:
        _rest, clock = _split_time(" " + value, field, text)
        if clock is not None:
            return clock
    raise ValidationError(f"'{shown(text)}' is geen tijd; schrijf bijvoorbeeld 10:00.", field=field)


@dataclass(frozen=True)
class Reading:
    """What a typed date says: the day, and the time if one was given (``moment`` then
    is that aware moment, in Amsterdam time unless the text named an offset)."""

    day: date
    moment: datetime | None = None


def read(text: str, today: date, *, direction: Direction = Direction.PAST, field: str | None = None,
         example: str | None = None, calendar: WerkdagCalendar | None = None) -> Reading | None:
    """A day, with its time if one was typed; None for empty input."""
    value = _normalise(text)
    if not value:
        return None
    example = example or (DAY_EXAMPLE if direction is Direction.PAST else FUTURE_DAY_EXAMPLE)
    iso = _from_iso(value)
    if iso is not None:
        if " " in value or ":" in value:  # a moment: its day in Amsterdam
            return Reading(local(iso).date(), iso)
        return Reading(iso.date())
    try:  # "20.11" is a day here, not a time
        return Reading(_day_part(value, today, direction, field, text, example, calendar))
    except ValidationError:
        day_part, clock = _split_time(value, field, text)
        if clock is None:
            raise
    day = _day_part(day_part, today, direction, field, text, example, calendar) if day_part else today
    return Reading(day, datetime.combine(day, clock, tzinfo=AMSTERDAM))


def parse_day(text: str, today: date, *, direction: Direction = Direction.PAST, field: str | None = None,
              example: str | None = None, calendar: WerkdagCalendar | None = None) -> date | None:
    """A calendar day typed in Dutch — None for empty input. A time, if given, is ignored."""
    reading = read(text, today, direction=direction, field=field, example=example, calendar=calendar)
    return reading.day if reading is not None else None


def parse_moment(text: str, now: datetime, *, direction: Direction = Direction.PAST, field: str | None = None,
                 example: str | None = None, require_time: bool = False,
                 calendar: WerkdagCalendar | None = None) -> datetime | None:
    """A moment typed in Dutch (Amsterdam time) — None for empty input; ``nu`` is ``now``.

    A day without a time is the start of that day, unless ``require_time``: then it is
    refused."""
    value = _normalise(text)
    if not value:
        return None
    if value == "nu":
        return now
    if example is None:
        example = MOMENT_EXAMPLE if direction is Direction.PAST else FUTURE_MOMENT_EXAMPLE
    iso = _from_iso(value)
    if iso is not None and (" " in value or ":" in value or not require_time):
        return iso
    today = local(now).date()
    day_part, clock = _split_time(value, field, text)
    if clock is None and require_time:
        raise ValidationError(f"'{shown(text)}' is geen datum met tijd; {example}.", field=field)
    day = _day_part(day_part, today, direction, field, text, example, calendar) if day_part else today
    return datetime.combine(day, clock or time(0), tzinfo=AMSTERDAM)
