"""Figures: several runs of one measurement, reported as median with min and max."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal

from klachtdesk.services.time.dutch import LOCALE


@dataclass(frozen=True)
class Stat:
    """The values of several runs, in ``unit``. ``higher_is_better`` for rates."""

    values: tuple[float, ...]
    unit: str
    higher_is_better: bool = False
    #: the same runs in CPU time of this process (``time.process_time``), when measured:
    #: on a busy machine the wall-clock figure waits for a core, the CPU time does not
    cpu: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def runs(self) -> int:
        return len(self.values)

    @property
    def cpu_stat(self) -> Stat | None:
        return Stat(self.cpu, self.unit, self.higher_is_better) if self.cpu else None

    def slower_than(self, reference: Stat) -> float | None:
        """How many times worse than ``reference`` (slower, larger, or a lower rate)."""
        if self.higher_is_better:
            return reference.median / self.median if self.median else None
        return self.median / reference.median if reference.median else None

    def text(self, spread: bool = True) -> str:
        figure = f"{number(self.median)} {self.unit}"
        if spread and self.runs > 1:
            figure += f" ({number(self.low)}–{number(self.high)})"
        return figure


def number(value: float) -> str:
    """A figure with as many decimals as it is worth, in Dutch notation (``12,3``; ``1.234``)."""
    size = abs(value)
    if size >= 100:
        pattern = "#,##0"
    elif size >= 10:
        pattern = "#,##0.0"
    elif size >= 0.1:
        pattern = "#,##0.00"
    else:
        pattern = "#,##0.000"
    return format_decimal(value, format=pattern, locale=LOCALE)


def repeat(function: Callable[[], Any], runs: int, *, warmup: int = 1, unit: str = "ms") -> Stat:
    """Time ``function`` ``runs`` times after ``warmup`` untimed calls. The garbage
    collector runs once before the series (a full collection of the bench's own earlier
    garbage is not timed) and stays on during it, as in the app."""
    for _ in range(warmup):
        function()
    gc.collect()
    scale = 1000.0 if unit == "ms" else 1.0
    values, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        values.append((time.perf_counter() - started) * scale)
        cpu.append((time.process_time() - cpu_started) * scale)
    return Stat(tuple(values), unit, cpu=tuple(cpu))


class Clock:
    """Wall-clock and CPU time of one run measured by hand: ``with Clock() as c: ...``."""

    def __enter__(self) -> Clock:
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.cpu_started


def seconds(values: list[float], unit: str = "ms") -> Stat:
    """A Stat from durations measured elsewhere (in seconds)."""
    scale = 1000.0 if unit == "ms" else 1.0
    return Stat(tuple(value * scale for value in values), unit)
