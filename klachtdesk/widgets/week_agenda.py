"""A week of a klachtenfunctionaris's sessions, one column per day, days off marked.

Shows Monday to Friday always, and Saturday or Sunday only when a session falls
on them. A holiday or closure day says so in its column ("Eerste kerstdag — vrij").
The widget only renders a ``planner.WeekAgenda``; loading it is the screen's work.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from klachtdesk.services.procedure.vocabulary import SessionStatus, SessionType
from klachtdesk.services.time.dutch import format_date_short
from klachtdesk.services.planner.sessions import AgendaDay, SessionView, WeekAgenda

#: the soort of a session where room is short (the week grid, the sessions table)
TYPE_SHORT = {SessionType.ONE_ON_ONE: "een-op-een", SessionType.ALL_INVOLVED: "allen"}


def session_lines(view: SessionView) -> Text:
    """The lines of one session in a day column."""
    text = Text()
    style = "strike dim" if view.status is SessionStatus.CANCELLED else ""
    text.append(f"{view.starts_at:%H:%M}–{view.ends_at:%H:%M}", style=f"bold {style}".strip())
    if view.status is not SessionStatus.PLANNED:
        text.append(f" ({view.status.value})", style="dim" if view.status is SessionStatus.CANCELLED else "green")
    text.append(f"\n{view.complaint_number}", style=style)
    text.append(f" {TYPE_SHORT[view.type]}", style=f"dim {style}".strip())
    text.append(f"\n{view.location}", style=f"italic {style}".strip())
    return text


def day_header(day: AgendaDay, today_marker: bool = False) -> Text:
    header = Text(day.label, style="bold reverse" if today_marker else "bold")
    if day.day_off:
        header.append(f"\n{day.day_off}", style="bold red")
    elif not day.werkdag:
        header.append("\nweekend", style="dim")
    return header


def day_cell(day: AgendaDay) -> RenderableType:
    parts: list[RenderableType] = []
    if not day.werkdag:
        parts.append(Text("vrij — geen gesprekken", style="red" if day.day_off else "dim"))
    for index, view in enumerate(day.sessions):
        if index:
            parts.append(Text(""))
        parts.append(session_lines(view))
    if not parts:
        parts.append(Text("—", style="dim"))
    return Group(*parts)


def render_agenda(agenda: WeekAgenda, today: object = None) -> Table:
    """The week as a Rich table (also used by tests and the CLI)."""
    days = [d for d in agenda.days if d.day.weekday() < 5 or d.sessions]
    notes = [] if agenda.sessions else ["Geen gesprekken in deze week."]
    if agenda.days_off:
        notes.append("Vrij: " + ", ".join(f"{format_date_short(d.day)} {d.name}" for d in agenda.days_off) + ".")
    table = Table(
        title=Text(f"{agenda.title} — {agenda.officer_name}"), title_justify="left", expand=True, show_lines=False,
        padding=(0, 1), caption=Text(" ".join(notes)) if notes else None, caption_justify="left",
    )
    for day in days:
        table.add_column(day_header(day, day.day == today), ratio=1, overflow="fold", vertical="top")
    table.add_row(*(day_cell(day) for day in days))
    return table


class WeekAgendaView(Static):
    """Shows one ``WeekAgenda``; call ``show(agenda)`` to replace it."""

    DEFAULT_CSS = """
    WeekAgendaView { height: auto; min-height: 8; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("Agenda laden …", id=id, classes=classes)
        self.agenda: WeekAgenda | None = None

    def show(self, agenda: WeekAgenda, today: object = None) -> None:
        self.agenda = agenda
        self.update(render_agenda(agenda, today))
