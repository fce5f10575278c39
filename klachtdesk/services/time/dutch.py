"""Dutch wording shared by every screen and the CLI: dates, numbers, deadlines.

Dates and numbers go through Babel (locale ``nl_NL``), so month and weekday
names, abbreviations and thousands separators are the standard Dutch ones.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.numbers import format_decimal

from klachtdesk.clock import AMSTERDAM, local
from klachtdesk.services.time.calendar import OrganisationCalendar, Receipt, ShiftReason, StatutoryCalendar

LOCALE = "nl_NL"


def format_date(day: date) -> str:
    """``woensdag 30 december 2026``."""
    return _babel_format_date(day, "EEEE d MMMM y", locale=LOCALE)


def format_date_near(day: date, today: date) -> str:
    """``woensdag 30 december``; with the year when it is not this year's
    (``maandag 4 januari 2027``): how a date reads in a sentence to a klager."""
    if day.year == today.year:
        return _babel_format_date(day, "EEEE d MMMM", locale=LOCALE)
    return format_date(day)


def format_date_short(day: date) -> str:
    """``wo 30 dec`` (no year: for lists and the month view)."""
    return _babel_format_date(day, "EEE d MMM", locale=LOCALE)


def format_weekday(day: date) -> str:
    """``woensdag``."""
    return _babel_format_date(day, "EEEE", locale=LOCALE)


def format_datetime(moment: datetime) -> str:
    """``30 dec 2026 10:00`` in Amsterdam time.

    Naive moments are read as stored UTC, as :func:`klachtdesk.clock.local` does.
    """
    return _babel_format_datetime(local(moment), "d MMM y HH:mm", tzinfo=AMSTERDAM, locale=LOCALE)


def format_count(number: int) -> str:
    """``1.234.567``."""
    return format_decimal(number, locale=LOCALE)


def werkdagen_words(count: int) -> str:
    """``1 werkdag``, ``3 werkdagen``, ``1.250 werkdagen``."""
    return f"{format_count(count)} {'werkdag' if abs(count) == 1 else 'werkdagen'}"


def remaining_words(werkdagen: int) -> str:
    """A signed werkdagen count (see ``werkdagen_until``) in words.

    0 → ``vandaag``, 1 → ``morgen``, 3 → ``nog 3 werkdagen``,
    -1 → ``1 werkdag te laat``. Use :func:`describe_due` when the dates are
    known: 1 werkdag left is only "morgen" when that werkdag is tomorrow.
    """
    if werkdagen == 0:
        return "vandaag"
    if werkdagen == 1:
        return "morgen"
    if werkdagen > 0:
        return f"nog {werkdagen_words(werkdagen)}"
    return f"{werkdagen_words(-werkdagen)} te laat"


def describe_due(today: date, due: date, calendar: OrganisationCalendar) -> str:
    """How a deadline stands today: ``vandaag``, ``morgen``, ``nog 1 werkdag``, ``2 werkdagen te laat``.

    "morgen" means the next calendar day; due on Monday seen on Friday is
    "nog 1 werkdag".
    """
    werkdagen = calendar.werkdagen_until(today, due)
    if werkdagen == 1 and due != today + timedelta(days=1):
        return f"nog {werkdagen_words(1)}"
    return remaining_words(werkdagen)


def not_a_werkdag(day: date, calendar: OrganisationCalendar) -> str | None:
    """Why ``day`` cannot be chosen as a werkdag, with the next one; None when it is a werkdag.

    ``Zondag 20 december 2026 is geen werkdag; kies een werkdag, bijvoorbeeld maandag 21 december 2026.``
    A holiday or closure is named: ``Vrijdag 25 december 2026 (Eerste kerstdag) is geen werkdag; …``.
    """
    if calendar.is_werkdag(day):
        return None
    name = calendar.day_off_name(day)
    named = format_date(day) + (f" ({name})" if name else "")
    return (f"{named[:1].upper()}{named[1:]} is geen werkdag; kies een werkdag, "
            f"bijvoorbeeld {format_date(calendar.add_werkdagen(day, 0))}.")


def describe_receipt(receipt: Receipt, calendar: OrganisationCalendar) -> str | None:
    """Why a receipt counts as another day, or None when it counts as the day it arrived.

    ``ontvangst telt als maandag 23 november 2026 (zaterdag is geen werkdag)``.
    """
    if receipt.reason is None:
        return None
    if receipt.reason is ShiftReason.AFTER_CLOSING:
        closing = calendar.settings.closing_time
        clock_time = receipt.received_time
        arrived = f"ontvangen om {clock_time:%H:%M}; " if clock_time is not None else ""
        why = f"{arrived}vanaf {closing:%H:%M} telt de volgende werkdag"
    else:
        day_off = calendar.day_off_name(receipt.received_on) or format_weekday(receipt.received_on)
        why = f"{day_off} is geen werkdag"
    return f"ontvangst telt als {format_date(receipt.counts_as)} ({why})"


def describe_statutory_shift(nominal_end: date, calendar: StatutoryCalendar) -> str | None:
    """Why a deadline in weeks moved past its nominal end, or None if it did not.

    ``termijn schuift op van dinsdag 5 mei 2026 (Bevrijdingsdag)``.
    """
    if not calendar.is_dies_non(nominal_end):
        return None
    why = calendar.feestdag_name(nominal_end) or "weekend"
    return f"termijn schuift op van {format_date(nominal_end)} ({why})"
