"""How a value is stored, without SQLAlchemy: the same for the tables' column types and
for a writer that bypasses the ORM (the demo data's bulk loaders, and the access line that
``klachtdesk zoek KL-…`` writes with the driver alone, ``cases.plain_case``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

#: a moment as SQLAlchemy's SQLite ``DATETIME`` stores it (always with microseconds)
SQLITE_MOMENT = "%Y-%m-%d %H:%M:%S.%f"


def dump_json(value: Any) -> str | None:
    """A value as ``JSONText`` stores it (bulk writers that bypass the ORM use this too)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def naive_utc(value: datetime) -> datetime:
    """A moment as ``UTCDateTime`` stores it: naive UTC (a naive value is UTC already)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def moment_parameter(value: datetime, dialect: str) -> datetime | str:
    """A moment as a driver parameter, stored as the ORM stores it: naive UTC; on SQLite as
    the text SQLAlchemy writes (``SQLITE_MOMENT``), so it sorts and reads back the same."""
    stored = naive_utc(value)
    return stored.strftime(SQLITE_MOMENT) if dialect == "sqlite" else stored


__all__ = ["SQLITE_MOMENT", "dump_json", "moment_parameter", "naive_utc"]
