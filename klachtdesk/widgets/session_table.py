"""The sessions of a case or of a week: a table whose keys act on the highlighted one.

Its columns fit its width as the inbox's do (``fit_columns``): on a narrow terminal the
soort goes first, then the locatie, then the deelnemers; wanneer, zaak and status always
stay. Spare width goes to the deelnemers most, then the locatie, then the status."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from klachtdesk.services.planner.sessions import SessionView, Slot
from klachtdesk.services.procedure.vocabulary import SessionStatus, SessionType
from klachtdesk.widgets.windowed_list import Column, fit_columns

#: the columns, in order; ``Zaak`` only in a week (several cases)
COLUMNS = (
    Column("Wanneer", 26),  # "wo 16 dec 2026 13:30–14:30"
    Column("Zaak", 14),
    Column("Soort", 16, drop=3),
    Column("Locatie", 10, flex=3, drop=2),
    Column("Status", 8, flex=1),
    Column("Deelnemers", 10, flex=5, drop=1),
)
#: the soort in a column (the column's title says what it is)
SHORT_TYPE = {SessionType.ONE_ON_ONE: "een-op-een", SessionType.ALL_INVOLVED: "alle betrokkenen"}


def moment_text(view_or_slot: SessionView | Slot) -> str:
    """What a time field shows for the start of a session or a free moment: ``24-11-2026 10:00``."""
    return f"{view_or_slot.starts_at:%d-%m-%Y %H:%M}"


class SessionTable(DataTable[str]):
    """``v`` verslag, ``r`` verzetten, ``x`` annuleren, ``e`` uitnodiging: actions of its screen."""

    #: where these keys work, said when one is pressed elsewhere on the screen
    KEY_PLACE = "de lijst met gesprekken"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "screen.record_outcome", "Verslag", id="planner.outcome"),
        Binding("r", "screen.reschedule", "Verzetten", id="planner.reschedule"),
        Binding("x", "screen.cancel_session", "Annuleren", id="planner.cancel"),
        Binding("e", "screen.export_session", "Uitnodiging", id="planner.export"),
    ]

    def __init__(self, *, id: str | None = None, show_case: bool = True) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.sessions: list[SessionView] = []
        self.show_case = show_case
        self.layout_columns = [c for c in COLUMNS if show_case or c.title != "Zaak"]
        #: the width of each of ``layout_columns`` now (0: left out)
        self.widths: list[int] = []

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """Columns for the width the table has (before it is laid out: each at its minimum)."""
        width = self.scrollable_content_region.width
        widths = fit_columns(self.layout_columns, width) if width else [c.width for c in self.layout_columns]
        if widths == self.widths:
            return
        self.widths = widths
        keep = self.cursor_row
        self.clear(columns=True)
        for column, size in zip(self.layout_columns, widths, strict=True):
            if size:
                self.add_column(column.title, width=size, key=column.title)
        self._fill(keep)

    def _cells(self, view: SessionView) -> list[Text]:
        status = view.status.value
        if view.status is SessionStatus.CANCELLED and view.cancel_reason:
            status += f": {view.cancel_reason}"
        elif view.agreements:
            status += f", {len(view.agreements)} afspr."
        values = {
            "Wanneer": view.when, "Zaak": view.complaint_number, "Soort": SHORT_TYPE[view.type],
            "Locatie": view.location, "Status": status, "Deelnemers": view.participant_names,
        }
        return [Text(values[column.title], no_wrap=True, overflow="ellipsis")
                for column, size in zip(self.layout_columns, self.widths, strict=True) if size]

    def _fill(self, keep: int, select_id: int | None = None) -> None:
        self.clear()
        for view in self.sessions:
            self.add_row(*self._cells(view), key=str(view.id))
        if select_id is not None:
            index = next((i for i, v in enumerate(self.sessions) if v.id == select_id), 0)
            self.move_cursor(row=index)
        elif self.sessions:
            self.move_cursor(row=min(max(keep, 0), len(self.sessions) - 1))

    def show(self, sessions: list[SessionView], select_id: int | None = None) -> None:
        self.sessions = list(sessions)
        self._fill(self.cursor_row, select_id)
        self.call_after_refresh(self._fit)  # a scrollbar may have come or gone

    @property
    def current(self) -> SessionView | None:
        if not self.sessions or self.cursor_row < 0 or self.cursor_row >= len(self.sessions):
            return None
        return self.sessions[self.cursor_row]


__all__ = ["COLUMNS", "SessionTable", "moment_text"]
