"""A virtual list of cases: the inbox's ``WindowedList`` (see windowed_list.py for the
window of loaded rows, ``NeedRows``, ``add_rows`` / ``load`` and the token), with the
case columns, werkdagen colours and a line cache so a key press renders two lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.strip import Strip

from klachtdesk.services.cases.rows import CaseRow
from klachtdesk.services.time.dutch import format_datetime
from klachtdesk.widgets.windowed_list import GAP, Column, WindowedList, fit_columns, movement_bindings, shown

#: a next deadline as words and signed werkdagen (negative: overdue)
DueDescriber = Callable[[date], tuple[str, int]]

#: rows kept in memory at most; the far side of the window is dropped beyond this
MAX_ROWS = 600
#: ask for the next page when the cursor comes this close to the window's edge
PREFETCH = 60


COLUMNS: tuple[Column, ...] = (
    Column("Klachtnummer", 14),
    Column("Ontvangen", 17, drop=3),
    Column("Klager", 10, flex=3),
    Column("Soort", 12, drop=2),
    Column("Kanaal", 12, drop=4),
    Column("Status", 12, flex=2),
    Column("Behandelaar", 10, flex=2),
    Column("Eerstvolgende termijn", 21),
)
#: the index of the column Status in ``COLUMNS``
STATUS_COLUMN = 5

#: a status in a column too narrow for its words: still unambiguous, at most 12 cells
SHORT_STATUS: dict[str, str] = {
    "in behandeling": "behandeling",
    "in bemiddeling": "bemiddeling",
    "oplossing voorgesteld": "voorgesteld",
    "doorverwezen naar de geschillencommissie": "doorverwezen",
    "te beoordelen": "beoordelen",
}


def status_text(status: str, width: int) -> str:
    """``status`` in full when it fits ``width``, else its short form."""
    return status if cell_len(status) <= width else SHORT_STATUS.get(status, status)


def _fit(value: str, width: int) -> str:
    """``value`` exactly ``width`` cells wide: padded, or cut with an ellipsis."""
    size = cell_len(value)
    if size <= width:
        return value + " " * (width - size)
    return set_cell_size(value, width - 1) + "…" if width > 0 else ""


#: the columns of a search: where each case was found, beside the klager
SEARCH_COLUMNS: tuple[Column, ...] = (
    *COLUMNS[:3], Column("Gevonden in", 12, flex=1), *COLUMNS[3:6], Column("Behandelaar", 10, flex=2, drop=1),
    COLUMNS[7],
)


def layout_columns(width: int, searching: bool = False) -> list[int]:
    """The width of each column for a widget ``width`` cells wide."""
    return fit_columns(SEARCH_COLUMNS if searching else COLUMNS, width)


class CaseList(WindowedList[CaseRow]):
    """A keyboard-driven list over a result of any size."""

    DEFAULT_CSS = """
    CaseList { height: 1fr; background: $surface; }
    CaseList > .case-list--header { text-style: bold; background: $panel; color: $text; }
    CaseList > .case-list--cursor { background: $block-cursor-blurred-background; }
    CaseList:focus > .case-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    CaseList > .case-list--te-laat { color: $text-error; text-style: bold; }
    CaseList > .case-list--vandaag { color: $text-warning; text-style: bold; }
    CaseList > .case-list--binnenkort { color: yellow; }
    CaseList > .case-list--muted { color: $text-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "case-list--header", "case-list--cursor", "case-list--te-laat", "case-list--vandaag",
        "case-list--binnenkort", "case-list--muted",
    }
    COMPONENT_PREFIX = "case-list"
    EMPTY_POSITION = "0 zaken"

    BINDINGS: ClassVar[list[BindingType]] = movement_bindings("inbox", "Eerste zaak", "Laatste zaak")

    # -- messages -----------------------------------------------------------------------

    class NeedRows(WindowedList.NeedRows):
        """The list wants rows: ``after``/``before`` ``anchor``, or the ``first``/``last`` page."""

        @property
        def case_list(self) -> CaseList:
            return self.windowed_list  # type: ignore[return-value]

    class Moved(WindowedList.Moved):
        """The cursor moved (or the window or total changed): update a position indicator."""

        @property
        def case_list(self) -> CaseList:
            return self.windowed_list  # type: ignore[return-value]

    class Opened(WindowedList.Opened):
        """The user chose a row (double click): ``row``."""

        @property
        def case_list(self) -> CaseList:
            return self.windowed_list  # type: ignore[return-value]

    # -- state --------------------------------------------------------------------------

    def __init__(self, describe_due: DueDescriber | None = None, *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.describe_due = describe_due
        self.total: int | None = None
        self.total_more = False  # the total is "more than"
        self.empty_text = "Geen zaken."
        self._due_cache: dict[date, tuple[str, int]] = {}
        #: a search's rows: with the column "Gevonden in"
        self.searching = False
        self._cell_cache: LRUCache[CaseRow, tuple[list[str], str | None]] = LRUCache(4 * MAX_ROWS)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(400)
        #: the ids of the cases marked for a bulk action (a ✓ in the first column)
        self.marked: set[int] = set()

    def _limits(self) -> tuple[int, int]:
        return MAX_ROWS, PREFETCH

    def _key(self, row: CaseRow) -> object:
        return row.id

    # -- public API for the screen ------------------------------------------------------

    def set_total(self, total: int, more: bool = False) -> None:
        self.total = total
        self.total_more = more
        self._fix_total()
        self.post_message(self.Moved(self))
        self.refresh()

    def show_search(self, searching: bool) -> None:
        """Show (or not) the search's column "Gevonden in"."""
        if searching != self.searching:
            self.searching = searching
            self._cell_cache.clear()
            self._forget_rendering()
            self.refresh()

    def clear_due_cache(self) -> None:
        """Forget the werkdagen shown (a new day, another calendar)."""
        self._due_cache.clear()
        self._cell_cache.clear()
        self._forget_rendering()

    def toggle_mark(self, complaint_id: int) -> None:
        """Mark the case, or unmark it (the ✓ column)."""
        self.marked ^= {complaint_id}
        self.refresh()

    def set_marks(self, complaint_ids: set[int]) -> None:
        self.marked = set(complaint_ids)
        self.refresh()

    def clear_marks(self) -> None:
        self.set_marks(set())

    def move_to_id(self, complaint_id: int) -> bool:
        """Put the cursor on a loaded row; False if it is not in the window."""
        for index, row in enumerate(self.rows):
            if row.id == complaint_id:
                self._move_to(self.start + index)
                return True
        return False

    def _known_total(self) -> tuple[int | None, bool]:
        return self.total, self.total_more

    def _fix_total(self) -> None:
        """A total that is known to be too small (rows arrived since) is raised."""
        if self.at_bottom and self.rows:
            self.total = self.start + len(self.rows)
            self.total_more = False
        elif self.total is not None and not self.total_more:
            self.total = max(self.total, self.start + len(self.rows))

    def _forget_rows(self) -> None:
        self._cell_cache.clear()
        self._strips.clear()

    # -- rendering ----------------------------------------------------------------------

    # rendering is cached at three levels: the styles (in WindowedList), the text of
    # each row, and each rendered line; a key press then renders the two lines whose
    # cursor state changed and reuses the rest.

    def _forget_rendering(self) -> None:
        self._strips.clear()
        super()._forget_rendering()

    def _partial_style(self, name: str) -> Style:
        key = "partial:" + name
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.get_component_rich_style(name, partial=True)
        return style

    def _due(self, due: date) -> tuple[str, int]:
        cached = self._due_cache.get(due)
        if cached is None:
            cached = self.describe_due(due) if self.describe_due else (due.isoformat(), 99)
            self._due_cache[due] = cached
        return cached

    def _cells(self, row: CaseRow) -> tuple[list[str], str | None]:
        cached = self._cell_cache.get(row)
        if cached is not None:
            return cached
        due_text, due_class = "—", None
        if row.next_due is not None:
            due_text, left = self._due(row.next_due)
            if left < 0:
                due_class = "case-list--te-laat"
            elif left == 0:
                due_class = "case-list--vandaag"
            elif left <= 2:
                due_class = "case-list--binnenkort"
        cells = [
            row.number, format_datetime(row.received_at), row.complainant, row.kind.value, row.channel.value,
            "te beoordelen" if row.review_pending else row.status.value, row.handler or "—", due_text,
        ]
        if self.searching:
            cells.insert(3, (row.found_in or "—") + (" (in een woord)" if row.inside_word else ""))
        self._cell_cache[row] = (cells, due_class)
        return cells, due_class

    def _line(self, cells: Sequence[str], widths: Sequence[int], base: Style,
              last_style: Style | None = None, mark: str = " ") -> Strip:
        """One row of cells as a strip: each cell cut (with …) or padded to its width;
        ``mark`` in the first column (✓ for a marked case)."""
        width = self.size.width
        cells, widths = shown(cells, widths)
        fitted = [_fit(cell, cell_width) for cell, cell_width in zip(cells, widths, strict=True)]
        gap = " " * GAP
        head = mark + gap.join(fitted[:-1]) + gap
        segments = [Segment(head, base), Segment(fitted[-1], base + last_style if last_style else base)]
        used = cell_len(head) + cell_len(fitted[-1])
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)

    def _render_header(self, width: int) -> Strip:
        key: tuple[object, ...] = ("header", width, self.searching)
        strip = self._strips.get(key)
        if strip is None:
            columns = SEARCH_COLUMNS if self.searching else COLUMNS
            strip = self._line([c.title for c in columns], layout_columns(width, self.searching),
                               self._style("case-list--header"))
            self._strips[key] = strip
        return strip

    def _render_row(self, index: int, width: int) -> Strip:
        row = self.rows[index]
        on_cursor = index == self.cursor
        marked = row.id in self.marked
        key = (row, on_cursor, width, self.searching, marked)
        strip = self._strips.get(key)
        if strip is None:
            cells, due_class = self._cells(row)
            base = self._style("case-list--cursor" if on_cursor else "")
            due_style = self._partial_style(due_class) if due_class else None
            widths = layout_columns(width, self.searching)
            status_at = STATUS_COLUMN + (1 if self.searching else 0)
            cells = list(cells)
            cells[status_at] = status_text(cells[status_at], widths[status_at])
            strip = self._line(cells, widths, base, due_style,
                               mark="✓" if marked else " ")
            self._strips[key] = strip
        return strip


__all__ = ["COLUMNS", "SEARCH_COLUMNS", "SHORT_STATUS", "CaseList", "Column", "DueDescriber", "layout_columns", "status_text"]
