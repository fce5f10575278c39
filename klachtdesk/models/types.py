"""Column types shared by the tables."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import Text
from sqlalchemy.types import DateTime, TypeDecorator

from klachtdesk.clock import utc_moment
from klachtdesk.models.stored import dump_json, naive_utc  # noqa: F401 - dump_json named here too


class UTCDateTime(TypeDecorator[datetime]):
    """Stores moments as naive UTC, hands them back timezone-aware (UTC).

    A naive value given to it is taken to be UTC already; an aware one is converted.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else naive_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return utc_moment(value)  # raw SQLite text from a bulk insert too


class JSONText(TypeDecorator[Any]):
    """JSON kept as text, identical on SQLite and PostgreSQL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return dump_json(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


def enum_type(enum: type[StrEnum]) -> SAEnum:
    """A VARCHAR column holding the enum's (Dutch) values; no native database enum."""
    return SAEnum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum) + 8,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
