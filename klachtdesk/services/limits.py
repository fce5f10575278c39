"""The bounds of everything a person types: one table, checked at the service boundary.

Every text a user (or a mail, a web form, a command line) hands to a service passes
``clean_text`` with a key of ``FIELD_LIMITS``; every number and date that is counted
with passes ``check_number`` / ``check_day`` before any arithmetic. So both engines
refuse the same input with the same Dutch sentence (PostgreSQL would refuse text longer
than its column, SQLite would take it), a NUL or an escape sequence never reaches the
database, and ``9999-W52`` or ``99999999999`` never reaches a calendar loop.

- Text: NUL and other control characters are removed (in one-line fields tabs and line
  breaks become spaces; in multi-line fields line breaks and tabs stay), the rest is
  stripped, then its length is checked. Text that is no valid Unicode (a command-line
  argument that was not UTF-8 arrives with lone surrogates) is refused.
- Numbers: a whole number between the bounds of its row.
- Days: between ``FIRST_DAY`` and ``LAST_DAY``.

The lowest room of the services: it imports nothing of the project but the errors, so
every room (the calendars included) can use it.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from klachtdesk.errors import ValidationError, os_reason


@dataclass(frozen=True)
class TextLimit:
    """A text field: ``label`` names it in a message ("de naam")."""

    label: str
    max_chars: int
    multiline: bool = False


@dataclass(frozen=True)
class NumberLimit:
    """A whole number between ``low`` and ``high`` (both included)."""

    label: str
    low: int
    high: int


@dataclass(frozen=True)
class DayLimit:
    """A date (or a moment) between ``FIRST_DAY`` and ``LAST_DAY``."""

    label: str


#: an id of a row (PostgreSQL's ``integer``): what a user may type as a number of something
MAX_ID = 2_147_483_647
#: long free text (a description, a note, an outcome): about ten pages
LONG_TEXT = 20_000

#: every field a person fills in, by the key the services check it with. Lengths of text
#: with a column of its own are that column's length (``models/tables.py``); the test
#: ``tests/hostile/test_limits.py`` keeps them equal.
FIELD_LIMITS: dict[str, TextLimit | NumberLimit | DayLimit] = {
    # people
    "name": TextLimit("de naam", 200),
    "phone": TextLimit("het telefoonnummer", 40),
    "email": TextLimit("het e-mailadres", 254),
    "note": TextLimit("de notitie bij de betrokkene", 200),
    "organisation": TextLimit("de organisatie", 200),
    "username": TextLimit("de gebruikersnaam", 100),
    # a postal address (people/postal.py)
    "street": TextLimit("de straat en het huisnummer", 200),
    "postcode": TextLimit("de postcode", 16),
    "city": TextLimit("de plaats", 100),
    "country": TextLimit("het land", 100),
    # a case
    "service_type": TextLimit("het type dienstverlening", 100),
    "category": TextLimit("de aard van de klacht", 100),
    "description": TextLimit("de omschrijving", LONG_TEXT, multiline=True),
    "remedy_sought": TextLimit("de gewenste oplossing", LONG_TEXT, multiline=True),
    "invoice_number": TextLimit("het factuurnummer", 64),
    "klachtnummer": TextLimit("het klachtnummer", 40),
    "resolution": TextLimit("de afhandeling", LONG_TEXT, multiline=True),
    "dispute_outcome": TextLimit("de uitkomst van het geschil", LONG_TEXT, multiline=True),
    "case_note": TextLimit("de notitie", LONG_TEXT, multiline=True),
    "contact_summary": TextLimit("de samenvatting van het contact", LONG_TEXT, multiline=True),
    "reason": TextLimit("de reden", 2_000, multiline=True),
    "extension_notice": TextLimit("de mededeling over de verlenging", LONG_TEXT, multiline=True),
    # messages
    "subject": TextLimit("het onderwerp", 300),
    "body": TextLimit("de tekst van het bericht", 50_000, multiline=True),
    # sessions
    "location": TextLimit("de locatie", 200),
    "outcome": TextLimit("de uitkomst van het gesprek", LONG_TEXT, multiline=True),
    "agreement": TextLimit("de afspraak", 2_000, multiline=True),
    "owner": TextLimit("de eigenaar van de afspraak", 200),
    # measures
    "title": TextLimit("de titel", 200),
    "measure_text": TextLimit("de toelichting", LONG_TEXT, multiline=True),
    "case_numbers": TextLimit("de klachtnummers", 2_000, multiline=True),
    # privacy
    "request_subject": TextLimit("het onderwerp van het verzoek", 300),
    # lists and look-ups
    "search": TextLimit("de zoekterm", 200),
    "view_name": TextLimit("de naam van de weergave", 60),
    "form": TextLimit("de naam van het formulier", 50),
    "token": TextLimit("de link", 200),
    "week": TextLimit("de week", 40),
    "moment": TextLimit("de datum of tijd", 60),
    "period": TextLimit("de periode", 40),
    # numbers
    "id": NumberLimit("het nummer", 1, MAX_ID),
    "werkdagen": NumberLimit("het aantal werkdagen", 0, 2_500),
    "weken": NumberLimit("het aantal weken", 0, 520),
    "aantal": NumberLimit("het aantal zaken", 1, 10_000_000),
    "seed": NumberLimit("de startwaarde van het toeval", 0, 2**63 - 1),
    "minutes": NumberLimit("de duur in minuten", 1, 24 * 60),
    "port": NumberLimit("de poort", 1, 65_535),
    "page": NumberLimit("het aantal regels", 1, 10_000),
    # days and moments
    "day": DayLimit("de datum"),
    "received": DayLimit("de datum van ontvangst"),
}

#: the days a date may be on: the span of years the calendars know (``time.calendar``)
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

#: controls that never belong in stored text (C0 but tab/line feed/carriage return, DEL, C1)
#: why a day outside them is refused (the calendars say the same)
OUTSIDE_YEARS = f"valt buiten de jaren {FIRST_DAY.year} t/m {LAST_DAY.year} waarvoor klachtdesk de kalender kent"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?")
_ONE_LINE_SPACE = re.compile(r"[\t\n\r\x0b\x0c\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _count(number: int) -> str:
    """``20.000``: a count the Dutch way (``time.dutch.format_count`` sits above this room)."""
    text = f"{number:,}".replace(",", ".")
    return text if len(text) <= 30 else "een getal van " + _count(len(str(abs(number)))) + " cijfers"


def _limit(field: str) -> Any:
    try:
        return FIELD_LIMITS[field]
    except KeyError:  # a programming error: every checked field has a row
        raise KeyError(f"FIELD_LIMITS has no row {field!r}") from None


def strip_controls(value: str, *, multiline: bool = False) -> str:
    """``value`` without NUL and other control characters (one line: line breaks become spaces)."""
    if multiline:
        value = _LINE_BREAKS.sub("\n", value)
    else:
        value = _ONE_LINE_SPACE.sub(" ", value)
    return _CONTROL.sub("", value)


def clean_text(value: str | None, field: str, *, form_field: str | None = None) -> str:
    """The cleaned text of ``field`` (see the module), or a Dutch ``ValidationError``
    naming ``form_field`` (default: ``field``). ``None`` becomes ``""``."""
    limit: TextLimit = _limit(field)
    where = form_field or field
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{limit.label.capitalize()} moet tekst zijn.", field=where)
    if _SURROGATE.search(value):
        raise ValidationError(f"{limit.label.capitalize()} bevat tekens die geen geldige tekst (UTF-8) zijn.",
                              field=where)
    cleaned = strip_controls(value, multiline=limit.multiline).strip()
    if len(cleaned) > limit.max_chars:
        raise ValidationError(f"{limit.label.capitalize()} is te lang: hoogstens {_count(limit.max_chars)} tekens, "
                              f"niet {_count(len(cleaned))}.", field=where)
    return cleaned


def fit_text(value: str | None, field: str) -> str:
    """The nearest text ``clean_text`` would accept: cleaned, invalid characters replaced
    by U+FFFD, cut to the limit. For a value kept while its field error is shown (a mail
    registered "te beoordelen" despite a refused field), never instead of the error."""
    limit: TextLimit = _limit(field)
    text = _SURROGATE.sub("\ufffd", value or "")
    return strip_controls(text, multiline=limit.multiline).strip()[: limit.max_chars]


def clean_optional(value: str | None, field: str, *, form_field: str | None = None) -> str | None:
    """``clean_text``, with ``None`` for an empty result (an optional column)."""
    return clean_text(value, field, form_field=form_field) or None


def check_number(value: int, field: str, *, form_field: str | None = None) -> int:
    """``value`` if it is a whole number within the bounds of ``field``; a Dutch ``ValidationError`` else."""
    limit: NumberLimit = _limit(field)
    where = form_field or field
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{limit.label.capitalize()} moet een geheel getal zijn.", field=where)
    if value < limit.low:
        raise ValidationError(f"{limit.label.capitalize()} moet {_count(limit.low)} of meer zijn, "
                              f"niet {_count(value)}.", field=where)
    if value > limit.high:
        raise ValidationError(f"{limit.label.capitalize()} mag hoogstens {_count(limit.high)} zijn, "
                              f"niet {_count(value)}.", field=where)
    return value


def check_path(value: str | Path, field: str = "bestand", label: str = "het pad") -> Path:
    """``value`` as a path (``~`` expanded) if the system can work with its name: not too
    long, no NUL, no loop of links; a Dutch ``ValidationError`` with the reason else."""
    try:
        path = Path(value).expanduser()
        path.resolve().exists()
    except (OSError, RuntimeError, ValueError) as error:
        reason = "er staat een NUL-teken in." if isinstance(error, ValueError) else os_reason(error)
        raise ValidationError(f"{label.capitalize()} {str(value)[:120]} is niet te gebruiken: {reason}",
                              field=field) from None
    return path


D = TypeVar("D", bound=date)


def check_day(value: D, field: str = "datum", label: str = "de datum") -> D:
    """``value`` (a date or a moment) if it lies between ``FIRST_DAY`` and ``LAST_DAY``."""
    if not isinstance(value, date):
        raise ValidationError(f"{label.capitalize()} is geen datum.", field=field)
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(f"{label.capitalize()} ({day.isoformat()}) {OUTSIDE_YEARS}.", field=field)
    return value


def collecting(errors: list[ValidationError]) -> Callable[[Callable[[], Any]], Any]:
    """``check(fn)``: ``fn()``, or ``None`` with its ``ValidationError`` added to ``errors``
    (a form's validation gathers every field error instead of stopping at the first)."""

    def check(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValidationError as error:
            errors.append(error)
            return None

    return check


F = TypeVar("F", bound=Callable[..., Any])


def checked(**fields: str) -> Callable[[F], F]:
    """A service entry point whose arguments are checked before it runs:
    ``@checked(text="case_note", complaint_id="id")`` cleans the argument ``text`` with
    ``clean_text(..., "case_note")`` and checks ``complaint_id`` with ``check_number(..., "id")``.
    ``None`` passes unchanged (an optional argument left out)."""

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        missing = set(fields) - set(signature.parameters)
        if missing:
            raise TypeError(f"{function.__qualname__} has no argument {', '.join(sorted(missing))}")

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            for name, field in fields.items():
                if name not in bound.arguments or bound.arguments[name] is None:
                    continue
                value = bound.arguments[name]
                limit = FIELD_LIMITS[field]
                if isinstance(limit, DayLimit):
                    check_day(value, name, limit.label)
                elif isinstance(limit, NumberLimit):
                    if isinstance(value, (list, tuple, set, frozenset)):
                        for item in value:
                            check_number(item, field, form_field=name)
                    else:
                        check_number(value, field, form_field=name)
                else:
                    bound.arguments[name] = clean_text(value, field, form_field=name)
            return function(*bound.args, **bound.kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


__all__ = [
    "FIELD_LIMITS",
    "DayLimit",
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_ID",
    "NumberLimit",
    "TextLimit",
    "check_day",
    "check_number",
    "check_path",
    "checked",
    "clean_optional",
    "clean_text",
    "collecting",
    "fit_text",
    "strip_controls",
]
