"""Small vectorised helpers: the UTC seconds and days the plan computes in, and the
driver values (ISO text, ``date``) the loaders write."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from klachtdesk.clock import AMSTERDAM
from klachtdesk.services.time.dutch import format_date


DAY = 86_400
NEVER = np.int64(2**62)  # "this step did not happen (yet)" in the arrays of UTC seconds
I64 = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]


# =======================================================================================
# small vectorised helpers
# =======================================================================================


def ascii_letters(value: str) -> str:
    """``Zoë`` -> ``zoe``, ``in 't Veld`` -> ``intveld``: the letters of an e-mail local part."""
    plain = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in plain.lower() if "a" <= ch <= "z")


def objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def keyword_index(names: Sequence[str], *keywords: str) -> int:
    """The first name containing any keyword (case-insensitive); -1 when none does."""
    for index, name in enumerate(names):
        if any(word in name.lower() for word in keywords):
            return index
    return -1


@cache
def clock_strings() -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """For every second of a day: ``" HH:MM:SS.000000"`` (SQLAlchemy's SQLite format) and ``"THH:MM:SS"``."""
    seconds = np.arange(DAY)
    hh, mm, ss = seconds // 3600, seconds // 60 % 60, seconds % 60
    stored = objects([f" {h:02d}:{m:02d}:{s:02d}.000000" for h, m, s in zip(hh.tolist(), mm.tolist(), ss.tolist())])
    iso = objects([f"T{h:02d}:{m:02d}:{s:02d}" for h, m, s in zip(hh.tolist(), mm.tolist(), ss.tolist())])
    return stored, iso


def day_strings(days: I64) -> npt.NDArray[np.object_]:
    """``YYYY-MM-DD`` for int64 day numbers (a lookup table over their range)."""
    if days.size == 0:
        return np.empty(0, dtype=object)
    low = int(days.min())
    table = np.datetime_as_string(np.arange(low, int(days.max()) + 1).astype("datetime64[D]")).astype(object)
    return table[days - low]


def iso_moments(seconds: I64) -> list[str | None]:
    """Stored form of UTC moments (naive ``YYYY-MM-DD HH:MM:SS.ffffff``); None for NEVER."""
    result = np.full(seconds.shape, None, dtype=object)
    present = seconds < NEVER
    if present.any():
        values = seconds[present]
        result[present] = day_strings(values // DAY) + clock_strings()[0][values % DAY]
    return result.tolist()


def iso_days(days: I64, present: npt.NDArray[np.bool_] | None = None) -> list[str | None]:
    result = np.full(days.shape, None, dtype=object)
    mask = np.ones(days.shape, dtype=bool) if present is None else present
    if mask.any():
        result[mask] = day_strings(days[mask])
    return result.tolist()


def as_d64(days: I64) -> npt.NDArray[np.datetime64]:
    return days.astype("datetime64[D]")


def from_d64(days: npt.NDArray[np.datetime64]) -> I64:
    return days.astype("datetime64[D]").astype(np.int64)


@lru_cache(maxsize=4096)
def _utc_offset(day: int) -> int:
    """Amsterdam's UTC offset (seconds) at noon on a day number."""
    moment = datetime(1970, 1, 1) + timedelta(days=day, hours=12)
    offset = AMSTERDAM.utcoffset(moment)
    assert offset is not None
    return int(offset.total_seconds())


def offsets(days: I64) -> I64:
    """Amsterdam's UTC offset (seconds) on each day number (a table over their range)."""
    if days.size == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(days.min()), int(days.max())
    table = np.array([_utc_offset(d) for d in range(low, high + 1)], dtype=np.int64)
    return table[days - low]


@lru_cache(maxsize=4096)
def as_date(day: int) -> date:
    """A day number (days since 1970-01-01) as a ``date``."""
    return date(1970, 1, 1) + timedelta(days=day)


def dutch_date(day: int) -> str:
    return format_date(as_date(day))
