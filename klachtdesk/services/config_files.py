"""Reading the organisation's settings files (TOML under ``data/``) with Dutch errors."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from klachtdesk.errors import ConfigError


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed file is a ``ConfigError``."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"Instellingenbestand {path} ontbreekt.") from None
    except PermissionError:
        raise ConfigError(f"Instellingenbestand {path} is niet leesbaar.") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"Instellingenbestand {path} is geen geldige TOML: {error}.") from None


def check_keys(path: Path, where: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse keys the file format does not know (typos would otherwise be ignored)."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        names = ", ".join(repr(key) for key in unknown)
        raise ConfigError(f"{path}: onbekende instelling {names} in {where}.")


def require(path: Path, where: str, table: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in table:
        raise ConfigError(f"{path}: '{key}' ontbreekt in {where}.")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{path}: '{key}' in {where} heeft een ongeldige waarde ({value!r}).")
    return value
