"""A virtual list of cases: renders only the rows on screen (Textual's Line API).

The widget holds a *window* of loaded rows (a few pages around the cursor), never
the whole result. It knows the absolute position of its first row, so it can show
"1.234 van 1.000.000", and asks its screen for more rows with ``NeedRows`` when the
cursor nears the edge of the window, or for the first or last page when the user
presses Home or End. The screen loads them in a worker and hands them back with
``add_rows`` / ``load``; a ``token`` makes sure an answer to an old question is
dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from klachtdesk.services.complaints import CaseRow
from klachtdesk.services.dutch import format_count, format_datetime

Direction = Literal["after", "before", "first", "last"]
#: a next deadline as words and signed werkdagen (negative: overdue)
DueDescriber = Callable[[date], tuple[str, int]]

#: rows kept in memory at most; the far side of the window is dropped beyond this
MAX_ROWS = 600
#: ask for the next page when the cursor comes this close to the window's edge
PREFETCH = 60


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # fixed width, or the minimum of a flexible column
    flex: int = 0  # share of the spare width


COLUMNS: tuple[Column, ...] = (
    Column("Klachtnummer", 14),
    Column("Ontvangen", 17),
    Column("Klager", 14, flex=3),
    Column("Soort", 12),
    Column("Kanaal", 12),
    Column("Status", 12, flex=2),
    Column("Behandelaar", 12, flex=2),
    Column("Eerstvolgende termijn", 23),
)
GAP = 2


def _fit(value: str, width: int) -> str:
    """``value`` exactly ``width`` cells wide: padded, or cut with an ellipsis."""
    size = cell_len(value)
    if size <= width:
        return value + " " * (width - size)
    return set_cell_size(value, width - 1) + "…" if width > 0 else ""


def layout_columns(width: int) -> list[int]:
    """The width of each column for a widget ``width`` cells wide."""
    fixed = sum(c.width for c in COLUMNS) + GAP * (len(COLUMNS) - 1) + 2
    spare = max(0, width - fixed)
    flex_total = sum(c.flex for c in COLUMNS)
    widths = []
    given = 0
    flex_seen = 0
    for column in COLUMNS:
        extra = 0
        if column.flex:
            flex_seen += column.flex
            extra = spare * flex_seen // flex_total - given
            given += extra
        widths.append(column.width + extra)
    return widths


class CaseList(Widget, can_focus=True):
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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Omlaag", id="inbox.down", show=False),
        Binding("up,k", "cursor_up", "Omhoog", id="inbox.up", show=False),
        Binding("pagedown", "page_down", "Pagina omlaag", id="inbox.page_down", show=False),
        Binding("pageup", "page_up", "Pagina omhoog", id="inbox.page_up", show=False),
        Binding("home", "first", "Eerste zaak", id="inbox.first", show=False),
        Binding("end", "last", "Laatste zaak", id="inbox.last", show=False),
    ]

    # -- messages -----------------------------------------------------------------------

    class NeedRows(Message):
        """The list wants rows: ``after``/``before`` ``anchor``, or the ``first``/``last`` page."""

        def __init__(self, case_list: CaseList, direction: Direction, anchor: CaseRow | None, token: int) -> None:
            super().__init__()
            self.case_list = case_list
            self.direction = direction
            self.anchor = anchor
            self.token = token

    class Moved(Message):
        """The cursor moved (or the window or total changed): update a position indicator."""

        def __init__(self, case_list: CaseList) -> None:
            super().__init__()
            self.case_list = case_list

    class Opened(Message):
        """The user chose a row (double click)."""

        def __init__(self, case_list: CaseList, row: CaseRow) -> None:
            super().__init__()
            self.case_list = case_list
            self.row = row

    # -- state --------------------------------------------------------------------------

    def __init__(self, describe_due: DueDescriber | None = None, *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.describe_due = describe_due
        self.rows: list[CaseRow] = []
        self.start = 0  # absolute index of rows[0]
        self.cursor = 0  # index into rows
        self.top = 0  # index into rows of the first visible row
        self.at_top = True
        self.at_bottom = True
        self.total: int | None = None
        self.total_more = False  # the total is "more than"
        self.loaded = False  # a first answer has arrived
        self.empty_text = "Geen zaken."
        self.token = 0
        self._pending: int | None = None  # absolute index the cursor is heading for
        self._loading: set[Direction] = set()
        self._due_cache: dict[date, tuple[str, int]] = {}
        self._cell_cache: LRUCache[CaseRow, tuple[list[str], str | None]] = LRUCache(4 * MAX_ROWS)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(400)
        self._styles: dict[str, Style] = {}

    # -- public API for the screen ------------------------------------------------------

    @property
    def current(self) -> CaseRow | None:
        return self.rows[self.cursor] if self.rows else None

    @property
    def position(self) -> int:
        """Absolute 0-based index of the cursor."""
        return self.start + self.cursor

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    def position_text(self) -> str:
        """``1.234 van 1.000.000`` (or ``van meer dan 1.000``, or ``0 zaken``)."""
        if not self.loaded:
            return "laden …"
        if not self.rows:
            return "0 zaken"
        here = format_count(self.position + 1)
        if self.total is None:
            return f"{here} van …"
        total = format_count(self.total)
        return f"{here} van {'meer dan ' if self.total_more else ''}{total}"

    def new_token(self) -> int:
        """Start a new question (a new query, Home, End, refresh): older answers are dropped."""
        self.token += 1
        self._loading.clear()
        self._pending = None
        return self.token

    def load(
        self,
        rows: Sequence[CaseRow],
        token: int,
        *,
        start: int,
        at_top: bool,
        at_bottom: bool,
        cursor: int = 0,
        keep_offset: int | None = None,
    ) -> None:
        """Replace the window. ``cursor`` is an index into ``rows``; ``keep_offset``
        keeps the cursor that many lines below the top of the view."""
        if token != self.token:
            return
        self.rows = list(rows)
        self.start = max(0, start)
        self.at_top = at_top
        self.at_bottom = at_bottom
        self.cursor = min(max(0, cursor), max(0, len(self.rows) - 1))
        if self.at_top:
            self.start = 0
        if keep_offset is not None:
            self.top = max(0, self.cursor - keep_offset)
        else:
            self.top = self.cursor if not self.at_bottom else max(0, min(self.cursor, len(self.rows) - self.visible_rows))
        self.loaded = True
        self._loading.clear()
        self._cell_cache.clear()
        self._strips.clear()
        self._fix_total()
        self._scroll_to_cursor()
        self._after_change()

    def add_rows(self, direction: Literal["after", "before"], rows: Sequence[CaseRow], token: int,
                 *, complete: bool) -> None:
        """Rows asked for with ``NeedRows``; ``complete``: nothing lies beyond them."""
        if token != self.token:
            return
        self._loading.discard(direction)
        known = {row.id for row in self.rows}
        fresh = [row for row in rows if row.id not in known]
        if direction == "after":
            self.rows.extend(fresh)
            self.at_bottom = complete
            self._trim(keep_end=True)
        else:
            self.rows[0:0] = fresh
            self.start -= len(fresh)
            self.cursor += len(fresh)
            self.top += len(fresh)
            self.at_top = complete
            if self.at_top or self.start < 0:
                self.start = 0
            self._trim(keep_end=False)
        self._fix_total()
        if self._pending is not None:
            target, self._pending = self._pending, None
            self._move_to(target)
        else:
            self._after_change()

    def set_total(self, total: int, more: bool = False) -> None:
        self.total = total
        self.total_more = more
        self._fix_total()
        self.post_message(self.Moved(self))
        self.refresh()

    def clear_due_cache(self) -> None:
        """Forget the werkdagen shown (a new day, another calendar)."""
        self._due_cache.clear()
        self._cell_cache.clear()
        self._forget_rendering()

    # -- movement -----------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self._move_to(self.position + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.position - 1)

    def action_page_down(self) -> None:
        self._move_to(self.position + self.visible_rows)

    def action_page_up(self) -> None:
        self._move_to(self.position - self.visible_rows)

    def action_first(self) -> None:
        if self.at_top:
            self._move_to(0)
        else:
            self._request("first", None, fresh=True)

    def action_last(self) -> None:
        if self.at_bottom:
            self._move_to(self.start + len(self.rows) - 1)
        else:
            self._request("last", None, fresh=True)

    def move_to_id(self, complaint_id: int) -> bool:
        """Put the cursor on a loaded row; False if it is not in the window."""
        for index, row in enumerate(self.rows):
            if row.id == complaint_id:
                self._move_to(self.start + index)
                return True
        return False

    def _move_to(self, target: int) -> None:
        if not self.rows:
            return
        first, last = self.start, self.start + len(self.rows) - 1
        if target < first:
            if self.at_top:
                target = first
            else:
                self._pending = target
                self._request("before", self.rows[0])
                target = first
        elif target > last:
            if self.at_bottom:
                target = last
            else:
                self._pending = target
                self._request("after", self.rows[-1])
                target = last
        self.cursor = target - self.start
        self._scroll_to_cursor()
        self._prefetch()
        self._after_change()

    def _prefetch(self) -> None:
        if not self.at_bottom and len(self.rows) - 1 - self.cursor < PREFETCH:
            self._request("after", self.rows[-1])
        if not self.at_top and self.cursor < PREFETCH:
            self._request("before", self.rows[0])

    def _request(self, direction: Direction, anchor: CaseRow | None, fresh: bool = False) -> None:
        if fresh:
            token = self.new_token()
        else:
            if direction in self._loading:
                return
            token = self.token
        self._loading.add(direction)
        self.post_message(self.NeedRows(self, direction, anchor, token))

    def _trim(self, keep_end: bool) -> None:
        """Drop rows far from the cursor so the window stays small."""
        excess = len(self.rows) - MAX_ROWS
        if excess <= 0:
            return
        if keep_end:  # rows were added at the end: drop from the front, not past the view
            drop = min(excess, max(0, min(self.cursor, self.top) - PREFETCH))
            if drop:
                del self.rows[:drop]
                self.start += drop
                self.cursor -= drop
                self.top -= drop
                self.at_top = False
        else:
            keep = max(MAX_ROWS, max(self.cursor, self.top + self.visible_rows) + PREFETCH + 1)
            if len(self.rows) > keep:
                del self.rows[keep:]
                self.at_bottom = False

    def _fix_total(self) -> None:
        """A total that is known to be too small (rows arrived since) is raised."""
        if self.at_bottom and self.rows:
            self.total = self.start + len(self.rows)
            self.total_more = False
        elif self.total is not None and not self.total_more:
            self.total = max(self.total, self.start + len(self.rows))

    def _scroll_to_cursor(self) -> None:
        height = self.visible_rows
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(0, min(self.top, max(0, len(self.rows) - 1)))

    def _after_change(self) -> None:
        self.refresh()
        self.post_message(self.Moved(self))

    # -- mouse --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        index = self.top + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self._move_to(self.start + index)
            if event.chain >= 2:
                self.post_message(self.Opened(self, self.rows[index]))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._move_to(self.position + 3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._move_to(self.position - 3)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    # -- rendering ----------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    # rendering is cached at three levels: the styles (computing a Rich style from
    # CSS is slow), the text of each row, and each rendered line; a key press then
    # renders the two lines whose cursor state changed and reuses the rest.

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_rendering()

    def on_focus(self) -> None:
        self._forget_rendering()

    def on_blur(self) -> None:
        self._forget_rendering()

    def _forget_rendering(self) -> None:
        self._styles.clear()
        self._strips.clear()
        self.refresh()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            base = self.rich_style
            style = base if name == "" else base + self.get_component_rich_style(name)
            self._styles[name] = style
        return style

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
            row.status.value, row.handler or "—", due_text,
        ]
        self._cell_cache[row] = (cells, due_class)
        return cells, due_class

    def _line(self, cells: Sequence[str], widths: Sequence[int], base: Style,
              last_style: Style | None = None) -> Strip:
        """One row of cells as a strip: each cell cut (with …) or padded to its width."""
        width = self.size.width
        fitted = [_fit(cell, cell_width) for cell, cell_width in zip(cells, widths, strict=True)]
        gap = " " * GAP
        head = " " + gap.join(fitted[:-1]) + gap
        segments = [Segment(head, base), Segment(fitted[-1], base + last_style if last_style else base)]
        used = cell_len(head) + cell_len(fitted[-1])
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)

    def _message_line(self, message: str) -> Strip:
        width = self.size.width
        return Strip([Segment(f"  {message}".ljust(width)[:width], self._style("case-list--muted"))], width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        widths = layout_columns(width)
        if y == 0:
            key: tuple[object, ...] = ("header", width)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._line([c.title for c in COLUMNS], widths, self._style("case-list--header"))
                self._strips[key] = strip
            return strip
        index = self.top + y - 1
        if not self.rows:
            if y == 2:
                return self._message_line(self.empty_text if self.loaded else "laden …")
            return Strip.blank(width, self._style(""))
        if index >= len(self.rows):
            if index == len(self.rows) and not self.at_bottom:
                return self._message_line("laden …")
            return Strip.blank(width, self._style(""))
        row = self.rows[index]
        on_cursor = index == self.cursor
        key = (row, on_cursor, width)
        strip = self._strips.get(key)
        if strip is None:
            cells, due_class = self._cells(row)
            base = self._style("case-list--cursor" if on_cursor else "")
            due_style = self._partial_style(due_class) if due_class else None
            strip = self._line(cells, widths, base, due_style)
            self._strips[key] = strip
        return strip


__all__ = ["COLUMNS", "CaseList", "Column", "DueDescriber", "layout_columns"]
