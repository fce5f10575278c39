"""The intake form's parsing helpers: Dutch dates and times as people type them, and the
form's values (as kept in a draft) turned into a ``RegistrationInput``.

Nothing here imports Textual; the registration screen, the tests and the fuzz tests
call these directly. Every helper raises only ``ValidationError`` (with the form's
field name) on bad input.

Accepted for a moment (``parse_moment``) and a day (``parse_day``):

- ``20-11-2026 18:40``, ``20/11/26 18.40``, ``20-11 18:40`` (no year: the most recent),
- ``20 november 2026``, ``20 nov om 18:40``, ``vrijdag 20 november``,
- ``vandaag``, ``gisteren 18:40``, ``eergisteren``, ``vrijdag 9:15`` (the most recent Friday),
- ``nu``, ``18:40`` (today), ``18 uur``,
- ISO 8601: ``2026-11-20``, ``2026-11-20T18:40``, ``2026-11-20 18:40:00+01:00``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import get_day_names, get_month_names

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.errors import ValidationError
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind, PartyRole
from klachtdesk.services.cases.complaints import (
    FIELD_ORDER,
    PersonInput,
    RegistrationInput,
    field_base,
    validate_registration,
)
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import LOCALE, format_datetime

# ---------------------------------------------------------------------------------------
# dates and times
# ---------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _width in ("wide", "abbreviated"):
    for _number, _name in get_month_names(_width, locale=LOCALE).items():
        _MONTHS[str(_name).lower().rstrip(".")] = int(_number)
_WEEKDAYS: dict[str, int] = {}
for _width in ("wide", "abbreviated"):
    for _number, _name in get_day_names(_width, locale=LOCALE).items():
        _WEEKDAYS[str(_name).lower().rstrip(".")] = int(_number)
_RELATIVE = {"vandaag": 0, "gisteren": 1, "eergisteren": 2}

#: a time at the end: 18:40, 18.40, 18u40, 18:40:00, 18 uur, "om 18:40" (dotted only as a separate word)
_TIME = re.compile(r"(?:^|\s)(?:om\s+)?([0-9]{1,2})(?:[:.uh]([0-9]{2})(?::([0-9]{2}))?|\s*(?:uur|u|h))\s*$")
_NUMERIC = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{4}|[0-9]{2}))?$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_WORDS = re.compile(r"^([0-9]{1,2})\s+([a-z]+)\.?(?:\s+([0-9]{4}))?$")

MOMENT_EXAMPLE = "schrijf bijvoorbeeld 20-11-2026 18:40, gisteren 18:40 of 2026-11-20 18:40"
DAY_EXAMPLE = "schrijf bijvoorbeeld 20-11-2026, 20 november of gisteren"
EARLIEST_YEAR = 1900


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _month(word: str) -> int | None:
    if word in _MONTHS:
        return _MONTHS[word]
    if len(word) >= 3:
        found = {number for name, number in _MONTHS.items() if name.startswith(word)}
        if len(found) == 1:
            return found.pop()
    return None


def _weekday(word: str) -> int | None:
    if word in _WEEKDAYS:
        return _WEEKDAYS[word]
    if len(word) >= 2:
        found = {number for name, number in _WEEKDAYS.items() if name.startswith(word)}
        if len(found) == 1:
            return found.pop()
    return None


def _normalise(text: str) -> str:
    value = (text or "").replace("\x00", "").strip().lower().replace(",", " ")
    return " ".join(value.split())


def _build_day(year: int | None, month: int, day: int, today: date, field: str, raw: str) -> date:
    if year is not None and year < 100:
        year += 2000
    try:
        if year is None:
            result = date(today.year, month, day)
            if result > today:  # "20-12" typed in January: last December
                result = date(today.year - 1, month, day)
            return result
        if year < EARLIEST_YEAR:
            raise ValidationError(f"'{_shown(raw)}' ligt te ver in het verleden.", field=field)
        return date(year, month, day)
    except ValueError:
        raise ValidationError(f"'{_shown(raw)}' bestaat niet als datum.", field=field) from None


def _parse_day_part(part: str, today: date, field: str, raw: str, example: str) -> date:
    if part in _RELATIVE:
        return today - timedelta(days=_RELATIVE[part])
    words = part.split(" ")
    # a leading weekday may precede a date ("vrijdag 20 november"): it is ignored then
    if len(words) > 1 and _weekday(words[0]) is not None:
        part = " ".join(words[1:])
    elif len(words) == 1 and (weekday := _weekday(part)) is not None:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    if match := _ISO.match(part):
        return _build_day(int(match.group(1)), int(match.group(2)), int(match.group(3)), today, field, raw)
    if match := _NUMERIC.match(part):
        year = int(match.group(3)) if match.group(3) else None
        return _build_day(year, int(match.group(2)), int(match.group(1)), today, field, raw)
    if match := _WORDS.match(part):
        month = _month(match.group(2))
        if month is not None:
            year = int(match.group(3)) if match.group(3) else None
            return _build_day(year, month, int(match.group(1)), today, field, raw)
    raise ValidationError(f"'{_shown(raw)}' is geen datum; {example}.", field=field)


def _split_time(value: str, field: str, raw: str) -> tuple[str, tuple[int, int, int] | None]:
    match = _TIME.search(value)
    if match is None:
        return value, None
    hour = int(match.group(1))
    minute = int(match.group(2) or 0)
    second = int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(f"'{_shown(raw)}': die tijd bestaat niet.", field=field)
    return value[: match.start()].strip(), (hour, minute, second)


def _from_iso(value: str) -> datetime | None:
    if not value[:4].isascii() or not value[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if moment.year < EARLIEST_YEAR:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=AMSTERDAM)


def parse_moment(text: str, now: datetime, field: str = "received_at") -> datetime | None:
    """A moment typed in Dutch (Amsterdam time) — None for empty input (meaning "now").

    A day without a time is the start of that day.
    """
    value = _normalise(text)
    if not value:
        return None
    if value == "nu":
        return now
    iso = _from_iso(value.upper()) if len(value) >= 8 else None
    if iso is not None:
        return iso
    today = local(now).date()
    day_part, clock = _split_time(value, field, text)
    day = _parse_day_part(day_part, today, field, text, MOMENT_EXAMPLE) if day_part else today
    hour, minute, second = clock or (0, 0, 0)
    if not day_part and clock is None:  # pragma: no cover - value was not empty
        raise ValidationError(f"'{_shown(text)}' is geen datum en tijd; {MOMENT_EXAMPLE}.", field=field)
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=AMSTERDAM)
    except ValueError:  # pragma: no cover - checked above
        raise ValidationError(f"'{_shown(text)}' bestaat niet.", field=field) from None


def parse_day(text: str, today: date, field: str = "incident_date") -> date | None:
    """A calendar day typed in Dutch — None for empty input. A time, if given, is ignored."""
    value = _normalise(text)
    if not value:
        return None
    if value == "nu":
        return today
    iso = _from_iso(value.upper()) if len(value) >= 8 else None
    if iso is not None:
        return local(iso).date() if "t" in value or ":" in value else iso.date()
    try:  # "20.11" is a day here, not a time
        return _parse_day_part(value, today, field, text, DAY_EXAMPLE)
    except ValidationError:
        day_part, clock = _split_time(value, field, text)
        if not day_part or clock is None:
            raise
    return _parse_day_part(day_part, today, field, text, DAY_EXAMPLE)


def format_moment(moment: datetime) -> str:
    """``23-11-2026 10:00`` (Amsterdam time): how the form shows a moment."""
    return f"{local(moment):%d-%m-%Y %H:%M}"


def describe_moment(moment: datetime, today: date) -> str:
    """``vandaag om 10:02``, ``gisteren om 18:40``, else ``20 nov 2026 18:40``."""
    here = local(moment)
    if here.date() == today:
        return f"vandaag om {here:%H:%M}"
    if here.date() == today - timedelta(days=1):
        return f"gisteren om {here:%H:%M}"
    return format_datetime(moment)


# ---------------------------------------------------------------------------------------
# form values (the draft's JSON) -> RegistrationInput
# ---------------------------------------------------------------------------------------

FORM_VERSION = 1
ROLES = (PartyRole.RESPONDENT, PartyRole.INVOLVED)
DISCUSSED = {Acceptance.YES.value: True, Acceptance.NO.value: False, Acceptance.UNKNOWN.value: None}
TEXT_FIELDS = ("name", "phone", "email", "incident_date", "service_type", "category", "description",
               "remedy_sought", "invoice_number", "received_at")
INVOLVED_FIELDS = ("name", "phone", "email", "note")


def empty_involved(role: PartyRole = PartyRole.INVOLVED) -> dict[str, Any]:
    return {"name": "", "role": role.value, "phone": "", "email": "", "note": ""}


def empty_values(now: datetime) -> dict[str, Any]:
    """The values of a new, untouched form (receipt: now)."""
    values: dict[str, Any] = {field: "" for field in TEXT_FIELDS}
    values.update({
        "version": FORM_VERSION,
        "kind": ComplaintKind.COMPLAINT.value,
        "channel": Channel.PHONE.value,
        "person_id": None,
        "involved": [],
        "discussed_first": Acceptance.UNKNOWN.value,
        "received_at": format_moment(now),
    })
    return values


def _choice(enum: Any, value: Any, default: Any) -> Any:
    try:
        return enum(value)
    except (ValueError, TypeError):
        return default


def sanitise_values(data: Any, now: datetime) -> dict[str, Any]:
    """Form values from a stored draft, whatever it holds: unknown keys dropped, wrong
    types replaced by the defaults. Never raises."""
    values = empty_values(now)
    if not isinstance(data, Mapping):
        return values
    for field in TEXT_FIELDS:
        if isinstance(data.get(field), str):
            values[field] = data[field]
    values["kind"] = _choice(ComplaintKind, data.get("kind"), ComplaintKind.COMPLAINT).value
    values["channel"] = _choice(Channel, data.get("channel"), Channel.PHONE).value
    discussed = data.get("discussed_first")
    values["discussed_first"] = discussed if discussed in DISCUSSED else Acceptance.UNKNOWN.value
    person_id = data.get("person_id")
    values["person_id"] = person_id if isinstance(person_id, int) and not isinstance(person_id, bool) else None
    rows = data.get("involved")
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping):
            continue
        clean = empty_involved()
        for field in INVOLVED_FIELDS:
            if isinstance(row.get(field), str):
                clean[field] = row[field]
        role = _choice(PartyRole, row.get("role"), PartyRole.INVOLVED)
        clean["role"] = (role if role in ROLES else PartyRole.INVOLVED).value
        values["involved"].append(clean)
    return values


def has_input(values: Mapping[str, Any]) -> bool:
    """Whether the user typed or chose anything beyond the defaults (the receipt
    moment and the preselected kind and channel do not count)."""
    for field in TEXT_FIELDS:
        if field != "received_at" and str(values.get(field) or "").strip():
            return True
    if values.get("person_id") is not None:
        return True
    if values.get("discussed_first") not in (None, Acceptance.UNKNOWN.value):
        return True
    for row in values.get("involved") or []:
        if any(str(row.get(f) or "").strip() for f in INVOLVED_FIELDS):
            return True
    return bool(values.get("involved"))


def registration_input(values: Mapping[str, Any], now: datetime) -> tuple[RegistrationInput, list[ValidationError]]:
    """The ``RegistrationInput`` the form's values stand for, and the parse errors of its
    date fields. Fields the kind does not ask for are left out."""
    values = sanitise_values(values, now)
    errors: list[ValidationError] = []
    kind = ComplaintKind(values["kind"])
    received_at = None
    try:
        received_at = parse_moment(values["received_at"], now, "received_at")
    except ValidationError as error:
        errors.append(error)
    data = RegistrationInput(
        kind=kind,
        channel=Channel(values["channel"]),
        received_at=received_at,
        complainant=PersonInput(name=values["name"], phone=values["phone"], email=values["email"],
                                person_id=values["person_id"]),
        service_type=values["service_type"],
    )
    if kind is ComplaintKind.COMPLAINT:
        try:
            data.incident_date = parse_day(values["incident_date"], local(now).date(), "incident_date")
        except ValidationError as error:
            errors.append(error)
        data.category = values["category"]
        data.description = values["description"]
        data.discussed_first = DISCUSSED[values["discussed_first"]]
        data.remedy_sought = values["remedy_sought"]
        data.involved = [
            PersonInput(name=row["name"], phone=row["phone"], email=row["email"], note=row["note"],
                        role=PartyRole(row["role"]))
            for row in values["involved"]
        ]
    elif kind is ComplaintKind.INVOICE_QUESTION:
        data.invoice_number = values["invoice_number"]
        data.description = values["description"]  # what the question is
    else:
        data.description = values["description"]
    return data, errors


def sort_errors(errors: list[ValidationError]) -> list[ValidationError]:
    """Errors in the order of the form (``FIELD_ORDER``); rows of a group in row order."""
    def key(error: ValidationError) -> tuple[int, int]:
        base = field_base(error.field)
        position = FIELD_ORDER.index(base) if base in FIELD_ORDER else len(FIELD_ORDER)
        parts = (error.field or "").split(".")
        row = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        return position, row
    return sorted(errors, key=key)


def check_form(context: Context, values: Mapping[str, Any]) -> tuple[RegistrationInput, list[ValidationError]]:
    """Parse and validate the form's values: the cleaned input and every field error,
    in form order (the service's rules, ``complaints.validate_registration``)."""
    data, parse_errors = registration_input(values, context.now())
    cleaned, errors = validate_registration(context, data)
    return cleaned, sort_errors(parse_errors + errors)
