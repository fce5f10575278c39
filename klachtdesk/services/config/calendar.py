"""The organisation's calendar settings (``kalender.toml``) and the Atw gelijkgestelde dagen.

Only the settings and their checks live here (the lowest room, so that the one
``Settings`` object can hold them); the calendars built from them are
``klachtdesk.services.time.calendar``'s. Every problem is a ``ConfigError`` that
names the settings file and the key.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import holidays
from holidays.constants import HOLIDAY_NAME_DELIMITER

from klachtdesk.errors import ConfigError
from klachtdesk.services.config.config_files import load_toml

SPAN_FIRST_YEAR = 2000
SPAN_LAST_YEAR = 2100
SPAN_START = date(SPAN_FIRST_YEAR, 1, 1)
SPAN_END = date(SPAN_LAST_YEAR, 12, 31)

#: file names under ``data/``
KALENDER_FILE = "kalender.toml"
ATW_FILE = "atw_gelijkgestelde_dagen.toml"

LIBERATION_DAY = "Bevrijdingsdag"
DEFAULT_EXTRA_DAY_OFF_NAME = "Extra vrije dag"


class DayOff(NamedTuple):
    """A named day that is not a werkdag (a holiday, a closure day)."""

    day: date
    name: str


@dataclass(frozen=True)
class OfficeHours:
    """The hours the office is open on a werkdag (Amsterdam wall-clock time)."""

    start: time = time(9, 0)
    end: time = time(17, 0)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("office hours must start before they end")


@dataclass(frozen=True)
class CalendarSettings:
    """The organisation's calendar settings (``data/kalender.toml``)."""

    #: a receipt at or after this time counts as the next werkdag (rule 2)
    closing_time: time = time(17, 0)
    #: False switches the closing-time rule off
    after_hours_next_day: bool = True
    #: extra days off, one entry per day (ranges are expanded on load)
    extra_days_off: tuple[DayOff, ...] = ()
    #: holiday names (as ``holidays.NL`` spells them in Dutch) worked every year
    worked_holiday_names: tuple[str, ...] = ()
    #: specific holiday dates that are worked
    worked_holiday_dates: tuple[date, ...] = ()
    #: False: Bevrijdingsdag only in years divisible by 5 (as holidays.NL lists it)
    liberation_day_every_year: bool = False
    office_hours: OfficeHours = OfficeHours()
    #: the mediation planner offers its first slot this many werkdagen ahead: 1 (the default)
    #: is the start of office hours of the next werkdag, 0 is today (after a short minimum)
    planner_lead_werkdagen: int = 1

    def __post_init__(self) -> None:
        problem = _settings_problem(
            self.worked_holiday_names, self.worked_holiday_dates, self.liberation_day_every_year, self.extra_days_off
        )
        if problem is not None:
            key, detail = problem
            raise ConfigError(f"Ongeldige kalenderinstelling bij '{key}': {detail}")



# --------------------------------------------------------------------------- settings files

_SETTINGS_KEYS = (
    "sluitingstijd",
    "na_sluitingstijd_volgende_werkdag",
    "kantoortijden",
    "extra_vrije_dagen",
    "gewerkte_feestdagen",
    "bevrijdingsdag_elk_jaar",
    "bemiddeling_vanaf_werkdagen",
)
#: the most werkdagen ahead the planner's first offered slot may be set
MAX_PLANNER_LEAD_WERKDAGEN = 20
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LONGEST_CLOSURE = timedelta(days=366)


def load_calendar_settings(path: str | os.PathLike[str]) -> CalendarSettings:
    """A calendar settings file (a proposed ``kalender.toml``: ``klachtdesk termijn --kalender``)."""
    return parse_calendar_settings(load_toml(Path(path)), str(path))


def load_equated_days(path: str | os.PathLike[str]) -> tuple[DayOff, ...]:
    """An Atw file (``atw_gelijkgestelde_dagen.toml``) read from disk."""
    return parse_equated_days(load_toml(Path(path)), str(path))


def parse_equated_days(raw: Mapping[str, Any], name: str = ATW_FILE) -> tuple[DayOff, ...]:
    """The Atw gelijkgestelde dagen (``atw_gelijkgestelde_dagen.toml``, parsed)."""
    reader = _SettingsFile(name)
    reader.only_keys("", raw, ("gelijkgestelde_dagen",))
    days: list[DayOff] = []
    for key, item in reader.items("gelijkgestelde_dagen", raw.get("gelijkgestelde_dagen", [])):
        table = reader.table(key, item, allowed=("datum", "naam", "toelichting"), required=("datum", "naam"))
        reader.text(f"{key}.toelichting", table.get("toelichting", ""))
        days.append(DayOff(reader.date(f"{key}.datum", table["datum"]), reader.name(f"{key}.naam", table["naam"])))
    return tuple(days)


def parse_calendar_settings(raw: Mapping[str, Any], name: str = KALENDER_FILE) -> CalendarSettings:
    """The organisation's calendar settings (``kalender.toml``, parsed); ``name`` names
    the file in every message."""
    source = _SettingsFile(name)
    source.only_keys("", raw, _SETTINGS_KEYS)
    defaults = CalendarSettings()
    hours = defaults.office_hours
    if "kantoortijden" in raw:
        table = source.table("kantoortijden", raw["kantoortijden"], allowed=("van", "tot"), required=("van", "tot"))
        start = source.time("kantoortijden.van", table["van"])
        end = source.time("kantoortijden.tot", table["tot"])
        if not start < end:
            raise source.error("kantoortijden", f"'van' ({start:%H:%M}) moet vóór 'tot' ({end:%H:%M}) liggen.")
        hours = OfficeHours(start, end)
    worked_names: list[str] = []
    worked_dates: list[date] = []
    for key, item in source.items("gewerkte_feestdagen", raw.get("gewerkte_feestdagen", [])):
        if isinstance(item, str) and not _ISO_DATE.fullmatch(item.strip()):
            worked_names.append(source.holiday_name(key, item))
        else:
            worked_dates.append(source.date(key, item))
    every_year = source.bool(
        "bevrijdingsdag_elk_jaar", raw.get("bevrijdingsdag_elk_jaar", defaults.liberation_day_every_year)
    )
    extra_days_off = source.extra_days_off(raw.get("extra_vrije_dagen", []))
    problem = _settings_problem(worked_names, worked_dates, every_year, extra_days_off)
    if problem is not None:
        raise source.error(*problem)
    return CalendarSettings(
        closing_time=source.time("sluitingstijd", raw.get("sluitingstijd", defaults.closing_time)),
        after_hours_next_day=source.bool(
            "na_sluitingstijd_volgende_werkdag",
            raw.get("na_sluitingstijd_volgende_werkdag", defaults.after_hours_next_day),
        ),
        extra_days_off=extra_days_off,
        worked_holiday_names=tuple(worked_names),
        worked_holiday_dates=tuple(worked_dates),
        liberation_day_every_year=every_year,
        office_hours=hours,
        planner_lead_werkdagen=source.planner_lead(
            raw.get("bemiddeling_vanaf_werkdagen", defaults.planner_lead_werkdagen)
        ),
    )


class _SettingsFile:
    """Reads one TOML settings file; every complaint names the file and the key."""

    def __init__(self, path: str) -> None:
        self.path = path

    def error(self, key: str, detail: str) -> ConfigError:
        where = f" bij '{key}'" if key else ""
        return ConfigError(f"Fout in {self.path}{where}: {detail}")

    def only_keys(self, key: str, table: Mapping[str, Any], allowed: Sequence[str]) -> None:
        for name in table:
            if name not in allowed:
                inner = f"{key}.{name}" if key else name
                raise self.error(inner, f"onbekende instelling; toegestaan zijn: {', '.join(allowed)}.")

    def table(
        self, key: str, value: Any, *, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"verwacht een tabel met {', '.join(allowed)}, zoals {{ {allowed[0]} = ... }}.")
        self.only_keys(key, value, allowed)
        missing = [name for name in required if name not in value]
        if missing:
            raise self.error(key, f"'{missing[0]}' ontbreekt.")
        return value

    def items(self, key: str, value: Any) -> list[tuple[str, Any]]:
        """The entries of a list, each with its key for messages (1-based: ``naam[1]``)."""
        if not isinstance(value, list):
            raise self.error(key, "verwacht een lijst tussen [ en ].")
        return [(f"{key}[{number}]", item) for number, item in enumerate(value, start=1)]

    def bool(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, f"verwacht true of false, niet {value!r}.")
        return value

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.error(key, "verwacht tekst tussen aanhalingstekens.")
        return value.strip()

    def name(self, key: str, value: Any) -> str:
        name = self.text(key, value)
        if not name:
            raise self.error(key, "de naam mag niet leeg zijn.")
        return name

    def time(self, key: str, value: Any) -> time:
        if isinstance(value, time) and value.tzinfo is None and value.second == value.microsecond == 0:
            return value
        if isinstance(value, str) and (match := _TIME.fullmatch(value.strip())):
            return time(int(match[1]), int(match[2]))
        raise self.error(key, f"'{value}' is geen geldige tijd; schrijf bijvoorbeeld \"17:00\".")

    def date(self, key: str, value: Any) -> date:
        if isinstance(value, datetime):
            raise self.error(key, f"verwacht een datum zonder tijd, zoals 2026-12-28, niet {value.isoformat()}.")
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise self.error(key, f"'{value}' is geen bestaande datum.") from None
        if not isinstance(value, date):
            raise self.error(key, f"'{value}' is geen datum; schrijf bijvoorbeeld 2026-12-28.")
        if not SPAN_START <= value <= SPAN_END:
            raise self.error(key, f"{value.isoformat()} {_outside_span_text()}.")
        return value

    def planner_lead(self, value: Any) -> int:
        """``bemiddeling_vanaf_werkdagen``: a whole number of werkdagen, 0 up to the maximum."""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PLANNER_LEAD_WERKDAGEN:
            raise self.error(
                "bemiddeling_vanaf_werkdagen",
                f"moet een geheel aantal werkdagen zijn van 0 (vandaag) tot en met {MAX_PLANNER_LEAD_WERKDAGEN}, "
                f"niet {value!r}; 1 is de volgende werkdag.",
            )
        return value

    def holiday_name(self, key: str, value: str) -> str:
        canonical = _public_holiday_names().get(value.strip().casefold())
        if canonical is None:
            choices = ", ".join(sorted(_public_holiday_names().values()))
            raise self.error(key, f"'{value}' is geen Nederlandse feestdag; kies uit: {choices}.")
        return canonical

    def extra_days_off(self, value: Any) -> tuple[DayOff, ...]:
        """``extra_vrije_dagen``: bare dates, ``{datum, naam}`` or ``{van, tot, naam}``."""
        days: list[DayOff] = []
        for key, item in self.items("extra_vrije_dagen", value):
            if not isinstance(item, dict):
                days.append(DayOff(self.date(key, item), DEFAULT_EXTRA_DAY_OFF_NAME))
                continue
            table = self.table(key, item, allowed=("datum", "van", "tot", "naam"))
            name = self.name(f"{key}.naam", table.get("naam", DEFAULT_EXTRA_DAY_OFF_NAME))
            if "datum" in table and ("van" in table or "tot" in table):
                raise self.error(key, "geef óf 'datum', óf 'van' en 'tot'.")
            if "datum" in table:
                days.append(DayOff(self.date(f"{key}.datum", table["datum"]), name))
                continue
            if "van" not in table or "tot" not in table:
                raise self.error(key, "geef 'datum', of 'van' en 'tot'.")
            start = self.date(f"{key}.van", table["van"])
            end = self.date(f"{key}.tot", table["tot"])
            if end < start:
                raise self.error(key, f"'tot' ({end.isoformat()}) ligt vóór 'van' ({start.isoformat()}).")
            if end - start > _LONGEST_CLOSURE:
                raise self.error(key, "de periode is langer dan een jaar; controleer 'van' en 'tot'.")
            days.extend(DayOff(start + timedelta(days=offset), name) for offset in range((end - start).days + 1))
        return tuple(days)


def _settings_problem(
    worked_names: Iterable[str],
    worked_dates: Iterable[date],
    liberation_every_year: bool,
    extra_days_off: Iterable[DayOff],
) -> tuple[str, str] | None:
    """The first inconsistency in these settings as (TOML key, Dutch detail), or None."""
    extra = {entry.day for entry in extra_days_off}
    for name in worked_names:  # the holidays are only loaded when a setting names one
        if name.casefold() not in _public_holiday_names():
            return "gewerkte_feestdagen", f"'{name}' is geen Nederlandse feestdag."
        if liberation_every_year and name.casefold() == LIBERATION_DAY.casefold():
            return (
                "gewerkte_feestdagen",
                "Bevrijdingsdag staat als gewerkt, maar 'bevrijdingsdag_elk_jaar' is true; kies één van beide.",
            )
    for day in worked_dates:
        if not (day in _public_holidays() or (liberation_every_year and (day.month, day.day) == (5, 5))):
            return "gewerkte_feestdagen", f"{day.isoformat()} is geen feestdag."
        if day in extra:
            return "gewerkte_feestdagen", f"{day.isoformat()} staat ook bij 'extra_vrije_dagen'; kies één van beide."
    return None


@cache
def _public_holidays() -> holidays.HolidayBase:
    """The NL public holidays with Dutch names over the whole span (never mutate: copy)."""
    return _netherlands()(years=range(SPAN_FIRST_YEAR, SPAN_LAST_YEAR + 1), language="nl", expand=False)


@cache
def _public_holiday_names() -> dict[str, str]:
    """Every holiday name in the span, keyed by its case-folded form."""
    return {
        name.casefold(): name for names in _public_holidays().values() for name in names.split(HOLIDAY_NAME_DELIMITER)
    }


_NETHERLANDS = "holidays.countries.netherlands"
_LOADING = threading.Lock()


def _netherlands() -> Callable[..., holidays.HolidayBase]:
    """``holidays.NL``, from the package's module for the Netherlands alone when it can be.

    ``holidays.NL`` imports its module the usual way, and that first runs the package
    ``holidays.countries``, whose ``__init__`` imports every country the package knows:
    about 0.1 s, the larger part of the start of ``klachtdesk termijn``. The same module
    file loaded on its own, under its own name, gives the same class (a later import of
    ``holidays.countries`` finds it in ``sys.modules``); when that fails, the usual way.
    """
    with _LOADING:
        module = sys.modules.get(_NETHERLANDS)
        if module is None and "holidays.countries" not in sys.modules:
            module = _load_alone(_NETHERLANDS, Path(holidays.__file__).parent / "countries" / "netherlands.py")
    found = getattr(module, "NL", None) if module is not None else None
    return found if found is not None else holidays.NL


def _load_alone(name: str, path: Path) -> Any:
    """The module ``name`` executed from ``path`` without its package's ``__init__``; None if it fails."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:  # another layout of the package: the usual import
        del sys.modules[name]
        return None
    return module


def _liberation_days() -> dict[date, str]:
    return {date(year, 5, 5): LIBERATION_DAY for year in range(SPAN_FIRST_YEAR, SPAN_LAST_YEAR + 1)}



def _outside_span_text() -> str:
    return f"valt buiten de jaren {SPAN_FIRST_YEAR} t/m {SPAN_LAST_YEAR} waarvoor klachtdesk de kalender kent"

