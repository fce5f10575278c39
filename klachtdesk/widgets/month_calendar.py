"""A month of the calendar: werkdagen, weekends, holidays, closures and Atw-only days,
each day with the number of open deadlines due on it, and the names of the days off.

The widget only renders a ``deadline_board.MonthView`` handed to it; the screen
loads that in a worker.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names
from rich.console import Group as RenderGroup
from rich.text import Text
from textual.widgets import Static

from klachtdesk.services.time.calendar import DayKind
from klachtdesk.services.lists.deadline_board import MonthView
from klachtdesk.services.time.dutch import LOCALE, format_count, format_date_short

#: width of one day's cell
CELL = 5

#: (style of the day number, legend text) per kind of day
STYLES: dict[DayKind, tuple[str, str]] = {
    DayKind.WERKDAG: ("", "werkdag"),
    DayKind.WEEKEND: ("dim", "weekend"),
    DayKind.HOLIDAY: ("bold white on dark_red", "feestdag"),
    DayKind.CLOSURE: ("bold white on dark_magenta", "organisatie dicht"),
    DayKind.STATUTORY_ONLY: ("bold black on cyan", "alleen feestdag voor de Atw"),
}
TODAY_STYLE = "reverse"
COUNT_STYLE = "bold yellow"


def month_title(view: MonthView) -> str:
    """``december 2026``."""
    return babel_format_date(date(view.year, view.month, 1), "LLLL y", locale=LOCALE)


def render_month(view: MonthView) -> RenderGroup:
    """The grid (two lines a week: the day, then its number of deadlines), the legend
    and the named days of the month."""
    lines: list[Text] = [Text(month_title(view).center(7 * CELL), style="bold")]
    names = get_day_names("abbreviated", locale=LOCALE, context="format")
    header = Text()
    for weekday in range(7):
        header.append(names[weekday][:2].rjust(CELL - 1) + " ", style="bold dim" if weekday >= 5 else "bold")
    lines.append(header)
    offset = view.days[0].day.weekday()
    cells: list[tuple[Text, Text] | None] = [None] * offset
    for entry in view.days:
        style, _ = STYLES[entry.kind]
        if entry.day == view.today:
            style = f"{style} {TODAY_STYLE}".strip()
        number = Text(str(entry.day.day).rjust(3), style=style)
        count = view.counts.get(entry.day, 0)
        amount = Text((str(count) if count < 10_000 else "10k+").rjust(4), style=COUNT_STYLE) if count else Text(
            "   ·", style="dim")
        cells.append((number, amount))
    while len(cells) % 7:
        cells.append(None)
    for week in range(len(cells) // 7):
        days_line, counts_line = Text(), Text()
        for cell in cells[week * 7:(week + 1) * 7]:
            if cell is None:
                days_line.append(" " * CELL)
                counts_line.append(" " * CELL)
            else:
                days_line.append(" ")
                days_line.append_text(cell[0])
                days_line.append(" ")
                counts_line.append_text(cell[1])
                counts_line.append(" ")
        lines += [days_line, counts_line]
    lines.append(Text(f"{format_count(view.total)} open termijnen deze maand", style="dim"))
    lines.append(Text())
    for kind in (DayKind.HOLIDAY, DayKind.CLOSURE, DayKind.STATUTORY_ONLY):
        style, legend = STYLES[kind]
        line = Text()
        line.append("  ", style=style)
        line.append(f" {legend}")
        lines.append(line)
    named = [entry for entry in view.days if entry.name]
    if named:
        lines.append(Text())
    for entry in named:
        style, legend = STYLES[entry.kind]
        line = Text()
        line.append(format_date_short(entry.day).ljust(10), style=style if entry.kind is not DayKind.WEEKEND else "dim")
        line.append(f" {entry.name}")
        if entry.kind is DayKind.CLOSURE:
            line.append(" (dicht)", style="dim")
        elif entry.kind is DayKind.STATUTORY_ONLY:
            line.append(" (alleen Atw)", style="dim")
        lines.append(line)
    return RenderGroup(*lines)


class MonthCalendar(Static):
    """Shows one ``MonthView``; ``show`` replaces it."""

    DEFAULT_CSS = """
    MonthCalendar { width: 38; height: 1fr; padding: 0 1; border-left: vkey $primary-darken-2;
                    overflow: hidden hidden; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("kalender laden …", id=id, classes=classes)
        self.view: MonthView | None = None

    def show(self, view: MonthView) -> None:
        self.view = view
        self.update(render_month(view))


__all__ = ["MonthCalendar", "month_title", "render_month"]
