"""Reading the organisation's settings files (TOML under ``data/``) with Dutch errors.

The one TOML reader of klachtdesk: every settings text (lists, deadline rules, the
calendar, privacy, messages, key map; from a file or from the database) is parsed
here, so every one reports a problem the same way: which file, and for a syntax error the line and
column in Dutch; a file that is not UTF-8, unreadable or missing gets its own
sentence. ``check_keys`` and ``require`` are the small checks most formats share.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, overload

from klachtdesk.errors import ConfigError

_TOML_POSITION = re.compile(r"line (\d+), column (\d+)")


@overload
def load_toml(path: Path, *, required: Literal[True] = True) -> dict[str, Any]: ...


@overload
def load_toml(path: Path, *, required: bool) -> dict[str, Any] | None: ...


def load_toml(path: Path, *, required: bool = True) -> dict[str, Any] | None:
    """Parse a TOML file; every problem is a ``ConfigError`` naming the file.

    A missing file is an error, or ``None`` with ``required=False`` (a file whose
    absence means "the defaults").
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        if not required:
            return None
        raise ConfigError(f"Het bestand {path} bestaat niet.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is een map, geen instellingenbestand.") from None
    except PermissionError:
        raise ConfigError(f"Het bestand {path} is niet leesbaar (geen toegang).") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is geen geldig TOML-bestand{_where(error)}.") from None
    except RecursionError:
        raise ConfigError(f"{path} is geen geldig TOML-bestand (te diep geneste lijsten of tabellen).") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is geen UTF-8-tekstbestand.") from None
    except OSError as error:
        raise ConfigError(f"Het bestand {path} kan niet worden gelezen ({error.strerror}).") from None


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """Parse the text of a settings file (as the database keeps it); a syntax error is a
    ``ConfigError`` naming ``name`` with the line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name} is geen geldig TOML-bestand{_where(error)}.") from None
    except RecursionError:
        raise ConfigError(f"{name} is geen geldig TOML-bestand (te diep geneste lijsten of tabellen).") from None


def _where(error: tomllib.TOMLDecodeError) -> str:
    """`` (regel 3, kolom 7)`` for a syntax error, or where else it is."""
    text = str(error)
    position = _TOML_POSITION.search(text)
    if position:
        return f" (regel {position[1]}, kolom {position[2]})"
    return " (aan het einde van het bestand)" if "end of document" in text else ""


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
