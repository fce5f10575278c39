"""The result: one row per measurement, printed as a Rich table and kept as Markdown."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from babel.numbers import format_decimal

from bench.stats import Stat, number
from klachtdesk.services.time.dutch import LOCALE

#: what a row says when the klachtdesk function it measures does not exist (yet)
MISSING = "n.v.t. (ontbreekt)"


@dataclass(frozen=True)
class Budget:
    """A limit on the median: ``check`` says whether a figure is within it.

    A budget with ``ratio`` is a limit on the ratio to the reference measured in the
    same run (``≤ 1,5× ref.``): on a shared machine that is what stays put when
    the absolute figures move. ``check`` then receives the ratio, not the figure.
    """

    text: str
    check: Callable[[Stat], bool]
    ratio: float | None = None

    @classmethod
    def below(cls, limit: float, unit: str, text: str | None = None) -> Budget:
        return cls(text or f"< {_plain(limit)} {unit}", lambda stat: stat.median < limit)

    @classmethod
    def at_least(cls, limit: float, unit: str, text: str | None = None) -> Budget:
        return cls(text or f"≥ {_plain(limit)} {unit}", lambda stat: stat.median >= limit)

    @classmethod
    def times_reference(cls, limit: float) -> Budget:
        """At most ``limit`` times the reference of the same run."""
        return cls(f"≤ {_plain(limit)}× ref.", lambda stat: True, ratio=limit)

    def holds(self, ours: Stat, reference: Stat | None) -> bool | None:
        if self.ratio is None:
            return self.check(ours)
        if reference is None:
            return None
        ratio = ours.slower_than(reference)
        return None if ratio is None else ratio <= self.ratio


def _plain(value: float) -> str:
    """A limit as written (``10``, ``1,3``, ``8.334``)."""
    return format_decimal(value, locale=LOCALE)


@dataclass
class Row:
    measurement: str
    cases: str  # "1.000.000", or "" when it does not depend on the size
    ours: Stat | None = None
    reference: Stat | None = None
    reference_label: str = ""
    budget: Budget | None = None
    note: str = ""
    problem: str = ""  # MISSING, or "fout: ..." when the measurement failed
    derived_budget: bool = False  # the budget is the bench's own reading, not design.md's
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.reference is None:
            return None
        return self.ours.slower_than(self.reference)

    @property
    def within(self) -> bool | None:
        if self.ours is None or self.budget is None:
            return None
        return self.budget.holds(self.ours, self.reference)

    @property
    def within_on_cpu(self) -> bool | None:
        """The budget applied to the CPU time (what the figure would be on an idle core)."""
        if self.ours is None or self.budget is None or self.ours.cpu_stat is None:
            return None
        reference = self.reference.cpu_stat if self.reference is not None else None
        if self.budget.ratio is not None and reference is None:
            return None
        return self.budget.holds(self.ours.cpu_stat, reference)

    # -- cells ----------------------------------------------------------------------------

    def ours_text(self, newline: str = "\n") -> str:
        if self.problem:
            return self.problem
        return _with_cpu(self.ours, newline) if self.ours is not None else "—"

    def reference_text(self, newline: str = "\n") -> str:
        if self.reference is None:
            return "—"
        return _with_cpu(self.reference, newline)

    def ratio_text(self) -> str:
        ratio = self.ratio
        return "—" if ratio is None else f"{number(ratio)}×"

    def budget_text(self) -> str:
        if self.budget is None:
            return "—"
        return self.budget.text + (" ¹" if self.derived_budget else "")

    def verdict_text(self) -> str:
        within = self.within
        if within is None:
            return "—"
        if within:
            return "ja"
        return "NEE (op CPU-tijd: ja)" if self.within_on_cpu else "NEE"


def _with_cpu(stat: Stat, newline: str) -> str:
    text = stat.text()
    cpu = stat.cpu_stat
    if cpu is not None and stat.unit in ("s", "zaken/s", "rijen/s"):
        text += f"{newline}CPU {number(cpu.median)} {stat.unit}"
    return text


HEADERS = ("Meting", "Zaken", "klachtdesk: mediaan (min–max)", "Referentie", "Referentie: mediaan (min–max)",
           "× ref.", "Budget", "Binnen budget")


def _cells(row: Row, newline: str = "\n") -> list[str]:
    return [row.measurement, row.cases, row.ours_text(newline), row.reference_label or "—",
            row.reference_text(newline), row.ratio_text(), row.budget_text(), row.verdict_text()]


def rich_table(title: str, rows: list[Row]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for index, header in enumerate(HEADERS):
        numeric = index in (1, 2, 4, 5)
        table.add_column(header, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        cells: list[str | Text] = list(_cells(row))
        verdict = row.within
        if verdict is not None:
            cells[7] = Text(str(cells[7]), style="bold green" if verdict else "bold red")
        if row.problem:
            cells[2] = Text(row.problem, style="yellow")
        table.add_row(*cells)
    return table


def print_report(console: Console, title: str, rows: list[Row], notes: list[str]) -> None:
    console.print()
    console.print(rich_table(title, rows))
    for line in notes:
        console.print(f"[dim]{line}[/dim]")
    for row in rows:
        if row.note:
            console.print(f"[dim]· {row.measurement} ({row.cases or '-'}): {row.note}[/dim]")


def machine() -> dict[str, str]:
    """What the figures were taken on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        load = "onbekend"
    import textual

    return {
        "Platform": platform.platform(),
        "Processor": cpu,
        "Aantal CPU's": str(os.cpu_count()),
        "Python": sys.version.split()[0],
        "SQLite": sqlite3.sqlite_version,
        "Textual": textual.__version__,
        "Belasting (1/5/15 min) bij de start": load,
        "Datum": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(sections: list[tuple[str, list[Row]]], notes: list[str], info: dict[str, str], command: str,
             seconds: float) -> str:
    lines = ["# klachtdesk — benchmark results", "",
             f"Taken with `{command}` in {seconds:.0f} s. Written by `make bench`; do not edit by hand "
             "(see `bench/README.md` for what each row measures).", "", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    for title, rows in sections:
        lines += ["", f"## {title}", "", "| " + " | ".join(HEADERS) + " |",
                  "|" + "|".join("---:" if i in (1, 2, 4, 5) else "---" for i in range(len(HEADERS))) + "|"]
        for row in rows:
            cells = _cells(row, "<br>")
            if row.within is False:
                cells[7] = f"**{cells[7]}**"
            lines.append("| " + " | ".join(_md(cell) for cell in cells) + " |")
        row_notes = [row for row in rows if row.note]
        if row_notes:
            lines.append("")
            lines += [f"- {_md(row.measurement)} ({row.cases or '-'}): {_md(row.note)}" for row in row_notes]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {line}" for line in notes]
    return "\n".join(lines) + "\n"
