"""Settings by key: ``kalender.sluitingstijd``, ``webformulier.grenzen.meldingen_per_dag``,
``termijnen.termijn.3.aantal``, ``berichten/beslissing`` (a whole template).

A key is the name of a settings text without its extension (``kalender`` for
``kalender.toml``, ``berichten/beslissing`` for ``berichten/beslissing.txt``), then the
path inside it: table keys, and 1-based positions in a list of tables. Pure text work:
reading the values (:func:`flatten`), changing one in place with its comments kept
(:func:`set_value`, tomlkit) and saying what differs between two texts (:func:`changes`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Table

from klachtdesk.errors import ConfigError
from klachtdesk.services.config.settings import DOCUMENTS, Document

#: the longest settings text klachtdesk takes (a template or a settings file)
MAX_TEXT = 256 * 1024


def stem(document: Document) -> str:
    return document.name.rsplit(".", 1)[0]


_BY_STEM = {stem(document): document for document in DOCUMENTS}


@dataclass(frozen=True)
class Key:
    document: Document
    path: tuple[str, ...]

    @property
    def text(self) -> str:
        return ".".join((stem(self.document), *self.path))


def parse_key(text: str) -> Key:
    """``kalender.sluitingstijd`` -> (kalender.toml, ("sluitingstijd",))."""
    key = text.strip()
    head, _, rest = key.partition(".")
    document = _BY_STEM.get(head)
    if document is None or not key or any(not part for part in key.split(".")):
        known = ", ".join(sorted(_BY_STEM))
        raise ConfigError(f"'{text}' is geen sleutel van een instelling. Een sleutel begint met een van: {known}; "
                          "bijvoorbeeld kalender.sluitingstijd.")
    path = tuple(rest.split(".")) if rest else ()
    if document.is_template and path:
        raise ConfigError(f"'{text}': een berichtsjabloon is één tekst; gebruik '{stem(document)}'.")
    if not document.is_template and not path:
        raise ConfigError(f"'{text}' noemt een heel bestand; geef de sleutel erin, zoals "
                          f"{stem(document)}.{_first_key(document)}, of gebruik 'instellingen importeren'.")
    return Key(document, path)


def _first_key(document: Document) -> str:
    return {"kalender": "sluitingstijd", "privacy": "bewaartermijn_maanden", "termijnen": "termijn.1.aantal"}.get(
        stem(document), "…")


def check_text(name: str, text: str) -> None:
    """What every settings text must be before it is parsed: not too long, no NUL."""
    if len(text) > MAX_TEXT:
        raise ConfigError(f"{name} is te lang ({len(text) // 1024} kB; hoogstens {MAX_TEXT // 1024} kB).")
    if "\x00" in text:
        raise ConfigError(f"{name} bevat een NUL-teken; dat kan geen instelling zijn.")


def parse_value(text: str) -> Any:
    """The value typed after ``zet SLEUTEL``: a TOML value (``36``, ``true``, ``[2026-12-28]``,
    ``"tekst"``), or else the text itself."""
    try:
        return tomllib.loads(f"waarde = {text}")["waarde"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text


def set_value(source: str, key: Key, value: Any) -> str:
    """``source`` (a TOML text) with the value at ``key`` replaced or added; comments and
    the order of the rest are kept."""
    document = tomlkit.parse(source)
    container: Any = document
    for depth, part in enumerate(key.path[:-1]):
        container = _step(container, part, key, depth, create=True)
    last = key.path[-1]
    if isinstance(container, (AoT, list)):
        raise ConfigError(f"'{key.text}': {'.'.join(key.path[:-1])} is een lijst; geef ook een plaats, "
                          f"zoals {key.text.rsplit('.', 1)[0]}.1.{last}.")
    if not isinstance(container, (dict, Table)):
        raise ConfigError(f"'{key.text}': {'.'.join(key.path[:-1])} is geen tabel met instellingen.")
    try:
        container[last] = tomlkit.item(value)
    except (tomlkit.exceptions.TOMLKitError, TypeError, ValueError):
        raise ConfigError(f"'{key.text}': deze waarde kan klachtdesk niet bewaren.") from None
    return tomlkit.dumps(document)


def _step(container: Any, part: str, key: Key, depth: int, *, create: bool) -> Any:
    where = ".".join(key.path[: depth + 1])
    if isinstance(container, (AoT, list)):
        if not part.isdigit() or not 1 <= int(part) <= len(container):
            raise ConfigError(f"'{key.text}': bij {where} hoort een plaats van 1 tot en met {len(container)}.")
        return container[int(part) - 1]
    if not isinstance(container, (dict, Table)):
        raise ConfigError(f"'{key.text}': {'.'.join(key.path[:depth])} is geen tabel met instellingen.")
    if part not in container:
        if not create:
            raise ConfigError(f"'{key.text}' bestaat niet.")
        container[part] = tomlkit.table()
    return container[part]


def value_at(parsed: dict[str, Any], key: Key) -> Any:
    """The value at ``key`` in a parsed TOML text (``None``: not set)."""
    container: Any = parsed
    for part in key.path:
        if isinstance(container, list) and part.isdigit() and 1 <= int(part) <= len(container):
            container = container[int(part) - 1]
        elif isinstance(container, dict) and part in container:
            container = container[part]
        else:
            return None
    return container


def show(value: Any) -> str:
    """A value as it is written in a settings file (``"17:00"``, ``36``, ``[2026-12-28]``)."""
    if value is None:
        return "(niet ingesteld)"
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    try:
        return tomlkit.item(value).as_string().strip()
    except (tomlkit.exceptions.TOMLKitError, TypeError, ValueError):
        return repr(value)


def flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    """Every setting under ``prefix`` as (key, value); a list of tables by position."""
    if isinstance(value, dict):
        if not value:
            yield prefix, value
        for name, inner in value.items():
            yield from flatten(f"{prefix}.{name}", inner)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for number, item in enumerate(value, start=1):
            yield from flatten(f"{prefix}.{number}", item)
    else:
        yield prefix, value


def toml_lines(document: Document, text: str) -> list[tuple[str, Any]]:
    return list(flatten(stem(document), tomllib.loads(text))) if text.strip() else []


def changes(document: Document, before: str, after: str) -> list[tuple[str, str, str]]:
    """What differs between two texts of one settings file: (key, before, after) per
    setting; a template is one value."""
    if document.is_template:
        return [] if before == after else [(stem(document), _template_words(before), _template_words(after))]
    old, new = dict(toml_lines(document, before)), dict(toml_lines(document, after))
    return [(key, show(old.get(key)), show(new.get(key)))
            for key in [*old, *(key for key in new if key not in old)] if old.get(key) != new.get(key)]


def _template_words(text: str) -> str:
    subject = text.partition("\n")[0].strip()
    return f"{subject} ({len(text.splitlines())} regels)" if text else "(leeg)"


__all__ = ["Key", "changes", "check_text", "flatten", "parse_key", "parse_value", "set_value", "show", "stem",
           "toml_lines", "value_at"]
