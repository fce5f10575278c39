"""The privacy settings (``data/privacy.toml``) and the dates of the AVG: request periods,
the retention cutoff.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from klachtdesk.clock import local
from klachtdesk.errors import ConfigError
from klachtdesk.paths import data_file
from klachtdesk.services.config.config_files import check_keys, load_toml
from klachtdesk.services.core.context import Context

PRIVACY_FILE = "privacy.toml"

# ---------------------------------------------------------------------------------------
# settings and dates
# ---------------------------------------------------------------------------------------


#: what the web form says about personal data when ``privacy.toml`` says nothing
DEFAULT_STATEMENT = (
    "Wij gebruiken uw gegevens alleen om uw klacht of vraag te behandelen en om u op de hoogte te houden. "
    "U kunt ons altijd vragen welke gegevens wij van u hebben, of ze te wissen."
)


@dataclass(frozen=True)
class PrivacySettings:
    retention_months: int = 24
    request_months: int = 1
    extension_months: int = 2
    #: the privacy statement the web form shows, and the address of the full one (or "")
    statement: str = DEFAULT_STATEMENT
    statement_url: str = ""


_KEYS = {
    "bewaartermijn_maanden": "retention_months",
    "verzoek_termijn_maanden": "request_months",
    "verzoek_verlenging_maanden": "extension_months",
}


def load_privacy_settings(path: Path | None = None) -> PrivacySettings:
    """``data/privacy.toml``; a missing file means the defaults (24, 1, 2 months)."""
    path = path or data_file(PRIVACY_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return PrivacySettings()
    return _load(str(path), mtime)


@lru_cache(maxsize=4)
def _load(path_text: str, _mtime: int) -> PrivacySettings:
    path = Path(path_text)
    raw = load_toml(path)
    check_keys(path, "het bestand", raw, {*_KEYS, "privacyverklaring"})
    values: dict[str, Any] = {}
    statement = raw.get("privacyverklaring", {})
    if not isinstance(statement, dict):
        raise ConfigError(f"{path}: 'privacyverklaring' moet een tabel zijn ([privacyverklaring]).")
    check_keys(path, "[privacyverklaring]", statement, {"tekst", "adres"})
    for key, attribute in (("tekst", "statement"), ("adres", "statement_url")):
        if key in statement:
            if not isinstance(statement[key], str):
                raise ConfigError(f"{path}: '{key}' in [privacyverklaring] moet tekst zijn.")
            values[attribute] = " ".join(statement[key].split())
    if values.get("statement_url") and not values["statement_url"].startswith(("https://", "http://", "/")):
        raise ConfigError(f"{path}: 'adres' in [privacyverklaring] moet met https:// of / beginnen.")
    if "statement" in values and not values["statement"]:
        raise ConfigError(f"{path}: 'tekst' in [privacyverklaring] is leeg.")
    for key, attribute in _KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 1200:
            raise ConfigError(f"{path}: '{key}' moet een geheel aantal maanden zijn (0 of meer), niet {value!r}.")
        values[attribute] = value
    settings = PrivacySettings(**values)
    if settings.request_months < 1:
        raise ConfigError(f"{path}: 'verzoek_termijn_maanden' moet minstens 1 zijn.")
    return settings


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
    settings = settings or load_privacy_settings()
    return add_months(context.today(), -settings.retention_months)
