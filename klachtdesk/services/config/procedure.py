"""The procedure's configuration: lists, routing queues (``lijsten.toml``) and deadline rules
(``termijnen.toml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from klachtdesk.errors import ConfigError
from klachtdesk.models import ComplaintKind, DeadlineKind, DeadlineUnit
from klachtdesk.services.config.config_files import check_keys, require


@dataclass(frozen=True)
class Queue:
    """Where a question goes (administratie, info)."""

    key: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class DeadlineRule:
    kind: DeadlineKind
    description: str
    amount: int
    unit: DeadlineUnit
    met_by: str  # "reactie" | "contact" | "beslissing"
    applies_to: frozenset[ComplaintKind]
    extension_to: int | None = None


@dataclass(frozen=True)
class Lists:
    service_types: tuple[str, ...]
    categories: tuple[str, ...]
    queues: dict[ComplaintKind, Queue] = field(default_factory=dict)


MET_BY = ("reactie", "contact", "beslissing")


LISTS_FILE = "lijsten.toml"
DEADLINES_FILE = "termijnen.toml"


def parse_lists(raw: dict[str, Any], path: str = LISTS_FILE) -> Lists:
    """``lijsten.toml`` (parsed): the service types, categories and routing queues."""
    check_keys(path, "het bestand", raw, {"diensttypen", "categorieen", "wachtrijen"})
    service_types = require(path, "het bestand", raw, "diensttypen", list)
    categories = require(path, "het bestand", raw, "categorieen", list)
    for name, values in (("diensttypen", service_types), ("categorieen", categories)):
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"{path}: '{name}' moet een lijst met namen zijn.")
        if len(set(values)) != len(values):
            raise ConfigError(f"{path}: '{name}' bevat een naam twee keer.")
    queues: dict[ComplaintKind, Queue] = {}
    for key, table in raw.get("wachtrijen", {}).items():
        try:
            kind = ComplaintKind(key)
        except ValueError:
            raise ConfigError(f"{path}: wachtrij '{key}' is geen soort melding (factuurvraag, accountvraag).") from None
        check_keys(path, f"wachtrij {key}", table, {"naam", "email"})
        queues[kind] = Queue(key=key, name=require(path, f"wachtrij {key}", table, "naam", str), email=table.get("email"))
    return Lists(tuple(service_types), tuple(categories), queues)


def parse_deadline_rules(raw: dict[str, Any], path: str = DEADLINES_FILE) -> tuple[DeadlineRule, ...]:
    """``termijnen.toml`` (parsed): which deadlines a case gets and how long they are."""
    check_keys(path, "het bestand", raw, {"termijn", "heropenen"})
    rules = []
    for index, table in enumerate(require(path, "het bestand", raw, "termijn", list), start=1):
        where = f"termijn {index}"
        check_keys(path, where, table, {"soort", "omschrijving", "aantal", "eenheid", "voldaan_door", "voor", "verlenging_tot"})
        try:
            kind = DeadlineKind(require(path, where, table, "soort", str))
            unit = DeadlineUnit(require(path, where, table, "eenheid", str))
            applies = frozenset(ComplaintKind(k) for k in require(path, where, table, "voor", list))
        except ValueError as error:
            raise ConfigError(f"{path}: ongeldige waarde in {where}: {error}.") from None
        amount = require(path, where, table, "aantal", int)
        if amount < 0:
            raise ConfigError(f"{path}: 'aantal' in {where} mag niet negatief zijn.")
        met_by = require(path, where, table, "voldaan_door", str)
        if met_by not in MET_BY:
            raise ConfigError(f"{path}: 'voldaan_door' in {where} moet een van {', '.join(MET_BY)} zijn.")
        extension = table.get("verlenging_tot")
        if extension is not None and (not isinstance(extension, int) or extension <= amount):
            raise ConfigError(f"{path}: 'verlenging_tot' in {where} moet groter zijn dan 'aantal'.")
        rules.append(
            DeadlineRule(
                kind=kind,
                description=table.get("omschrijving", kind.value),
                amount=amount,
                unit=unit,
                met_by=met_by,
                applies_to=applies,
                extension_to=extension,
            )
        )
    kinds = [rule.kind for rule in rules]
    if len(set(kinds)) != len(kinds):
        raise ConfigError(f"{path}: een soort termijn staat er twee keer in.")
    return tuple(rules)


#: from when the deadlines of a reopened case run: the reopening, or the original receipt
REOPEN_FROM = ("heropenen", "ontvangst")


@dataclass(frozen=True)
class ReopenRule:
    """Which deadlines a reopened case gets again, and from when they run."""

    kinds: tuple[DeadlineKind, ...] = ()
    counts_from: str = "heropenen"  # one of REOPEN_FROM


def parse_reopen_rule(raw: dict[str, Any], rules: tuple[DeadlineRule, ...],
                      path: str = DEADLINES_FILE) -> ReopenRule:
    """The ``[heropenen]`` table of ``termijnen.toml`` (none: a reopened case gets no deadlines)."""
    table = raw.get("heropenen")
    if table is None:
        return ReopenRule()
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'heropenen' moet een tabel zijn ([heropenen]).")
    check_keys(path, "heropenen", table, {"termijnen", "vanaf"})
    names = require(path, "heropenen", table, "termijnen", list)
    known = {str(rule.kind): rule.kind for rule in rules}
    kinds = []
    for name in names:
        if name not in known:
            raise ConfigError(f"{path}: '{name}' in [heropenen] is geen soort termijn uit dit bestand "
                              f"(kies uit {', '.join(known)}).")
        kinds.append(known[name])
    counts_from = table.get("vanaf", "heropenen")
    if counts_from not in REOPEN_FROM:
        raise ConfigError(f"{path}: 'vanaf' in [heropenen] moet een van {', '.join(REOPEN_FROM)} zijn.")
    return ReopenRule(tuple(kinds), counts_from)
