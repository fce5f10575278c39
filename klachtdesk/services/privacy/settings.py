"""The dates of the AVG: request periods, the retention cutoff. The privacy settings
themselves are the desk's (``context.settings.privacy``, parsed by ``config.privacy``).
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime

from klachtdesk.clock import local
from klachtdesk.services.config.privacy import DEFAULT_STATEMENT, PrivacySettings
from klachtdesk.services.core.context import Context

def counted(count: int, one: str, more: str) -> str:
    """The Dutch word for ``count`` things: ``zaak`` for 1, ``zaken`` otherwise."""
    return one if count == 1 else more


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier); the last day of the
    month when that month is shorter (31 januari + 1 maand = 28 of 29 februari)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def request_due(context: Context, received: date | datetime, months: int) -> date:
    """End of a request period of ``months`` calendar months after receipt, moved past a
    Saturday, Sunday or Atw feestdag as the Algemene termijnenwet does for weeks."""
    received_day = local(received).date() if isinstance(received, datetime) else received
    nominal = add_months(received_day, months)
    # "0 weeks after the nominal end" is the statutory calendar's roll-forward (rule 4)
    return context.calendars.statutory.due_in_weeks(nominal, 0)


def retention_cutoff(context: Context, settings: PrivacySettings | None = None) -> date:
    """Cases closed before this day have passed the retention period."""
    settings = settings or context.settings.privacy
    return add_months(context.today(), -settings.retention_months)


__all__ = ["DEFAULT_STATEMENT", "PrivacySettings", "add_months", "counted", "request_due", "retention_cutoff"]
