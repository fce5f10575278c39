"""The sessions of a case or of a week: a table whose keys act on the highlighted one.

Its columns fit its width as the inbox's do (``fit_columns``): on a narrow terminal the
soort goes first, then the locatie, then the deelnemers; wanneer, zaak and status always
stay. Spare width goes to the deelnemers most, then the locatie, then the status."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from klachtdesk.services.planner.sessions import SessionView, Slot
from klachtdesk.services.procedure.vocabulary import SessionStatus
from klachtdesk.widgets.fitted_table import FittedTable
from klachtdesk.widgets.week_agenda import TYPE_SHORT
from klachtdesk.widgets.windowed_list import Column

#: the columns, in order; ``Zaak`` only in a week (several cases)
COLUMNS = (
    Column("Wanneer", 26),  # "wo 16 dec 2026 13:30–14:30"
    Column("Zaak", 14),
    Column("Soort", 13, drop=3),  # as in the week grid: "een-op-een", "allen"
    Column("Locatie", 10, flex=3, drop=2),
    Column("Status", 8, flex=1),
    Column("Deelnemers", 10, flex=5, drop=1),
)


def moment_text(view_or_slot: SessionView | Slot) -> str:
    """What a time field shows for the start of a session or a free moment: ``24-11-2026 10:00``."""
    return f"{view_or_slot.starts_at:%d-%m-%Y %H:%M}"


class SessionTable(FittedTable[SessionView]):
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
        super().__init__([c for c in COLUMNS if show_case or c.title != "Zaak"], id=id)
        self.show_case = show_case

    @property
    def sessions(self) -> list[SessionView]:
        return self.items

    def item_key(self, item: SessionView) -> str:
        return str(item.id)

    def cells(self, item: SessionView) -> list[str]:
        status = item.status.value
        if item.status is SessionStatus.CANCELLED and item.cancel_reason:
            status += f": {item.cancel_reason}"
        elif item.agreements:
            status += f", {len(item.agreements)} afspr."
        values = {
            "Wanneer": item.when, "Zaak": item.complaint_number, "Soort": TYPE_SHORT[item.type],
            "Locatie": item.location, "Status": status, "Deelnemers": item.participant_names,
        }
        return [values[column.title] for column in self.layout_columns]

    def show(self, sessions: list[SessionView], select_id: int | None = None) -> None:
        self.show_items(sessions, None if select_id is None else str(select_id))


__all__ = ["COLUMNS", "SessionTable", "moment_text"]
