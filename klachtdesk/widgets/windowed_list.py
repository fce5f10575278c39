"""The base of the virtual lists (Textual's Line API): ``WindowedList[T]``.

The widget holds a *window* of loaded rows (a few pages around the cursor), never
the whole result. It knows the absolute position of its first row, so it can show
"1.234 van 1.000.000", and asks its screen for more rows with ``NeedRows`` when the
cursor nears the edge of the window, or for the first or last page when the user
presses Home or End. The screen loads them in a worker and hands them back with
``add_rows`` / ``load``; a ``token`` makes sure an answer to an old question is
dropped.

A subclass says how a row looks (``_render_row``, ``_render_header``), how rows are
told apart (``_key``) and, when it draws extra lines between rows (group headers),
how rows map onto lines (``_reindex``, ``_line_count``, ``_line_of_row``,
``_row_at_line``). It also nests its own ``NeedRows``/``Moved``/``Opened`` (so
handlers tell the lists apart) and says its window limits (``_limits``), which its
module keeps as ``MAX_ROWS``/``PREFETCH``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from klachtdesk.services.time.dutch import format_count

T = TypeVar("T")

Direction = Literal["after", "before", "first", "last"]
GAP = 2


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # fixed width, or the minimum of a flexible column
    flex: int = 0  # share of the spare width
    drop: int = 0  # on a narrow terminal: 0 never left out; else left out highest first


def fit_columns(columns: Sequence[Column], width: int) -> list[int]:
    """The width of each of ``columns`` for a widget ``width`` cells wide; a column left
    out for lack of room (by its ``drop``, highest first) gets 0."""
    kept = list(columns)
    droppable = sorted((c for c in columns if c.drop), key=lambda c: -c.drop)

    def needed() -> int:
        return sum(c.width for c in kept) + GAP * (len(kept) - 1) + 2

    while droppable and needed() > width:
        kept.remove(droppable.pop(0))
    spare = max(0, width - needed())
    flex_total = sum(c.flex for c in kept)
    widths, given, seen = [], 0, 0
    for column in columns:
        if column not in kept:
            widths.append(0)
            continue
        extra = 0
        if column.flex:
            seen += column.flex
            extra = spare * seen // flex_total - given
            given += extra
        widths.append(column.width + extra)
    return widths


def shown(cells: Sequence[str], widths: Sequence[int]) -> tuple[list[str], list[int]]:
    """The cells and widths of the columns that are not left out (width 0)."""
    pairs = [(cell, width) for cell, width in zip(cells, widths, strict=True) if width]
    return [cell for cell, _ in pairs], [width for _, width in pairs]


def movement_bindings(prefix: str, first: str, last: str, *, up_keys: str = "up,k") -> list[BindingType]:
    """The cursor keys of a list; binding ids ``<prefix>.down`` and so on."""
    return [
        Binding("down,j", "cursor_down", "Omlaag", id=f"{prefix}.down", show=False),
        Binding(up_keys, "cursor_up", "Omhoog", id=f"{prefix}.up", show=False),
        Binding("pagedown", "page_down", "Pagina omlaag", id=f"{prefix}.page_down", show=False),
        Binding("pageup", "page_up", "Pagina omhoog", id=f"{prefix}.page_up", show=False),
        Binding("home", "first", first, id=f"{prefix}.first", show=False),
        Binding("end", "last", last, id=f"{prefix}.last", show=False),
    ]


class WindowedList(Widget, Generic[T], can_focus=True):
    """A keyboard-driven list over a result of any size."""

    #: component classes are named ``<prefix>--cursor``, ``<prefix>--muted`` …
    COMPONENT_PREFIX: ClassVar[str] = ""
    #: the position text of an empty result
    EMPTY_POSITION: ClassVar[str] = "0 rijen"

    # -- messages (a subclass nests subclasses of these) ----------------------------------

    class NeedRows(Message):
        """The list wants rows: ``after``/``before`` ``anchor``, or the ``first``/``last`` page."""

        def __init__(self, windowed_list: WindowedList[Any], direction: Direction, anchor: Any,
                     token: int) -> None:
            super().__init__()
            self.windowed_list = windowed_list
            self.direction = direction
            self.anchor = anchor
            self.token = token

    class Moved(Message):
        """The cursor moved (or the window or total changed): update a position indicator."""

        def __init__(self, windowed_list: WindowedList[Any]) -> None:
            super().__init__()
            self.windowed_list = windowed_list

    class Opened(Message):
        """The user chose a row (double click)."""

        def __init__(self, windowed_list: WindowedList[Any], row: Any) -> None:
            super().__init__()
            self.windowed_list = windowed_list
            self.row = row

    # -- state --------------------------------------------------------------------------

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[T] = []
        self.start = 0  # absolute index of rows[0]
        self.cursor = 0  # index into rows
        self.top = 0  # index of the first visible line
        self.at_top = True
        self.at_bottom = True
        self.loaded = False  # a first answer has arrived
        self.empty_text = ""
        self.token = 0
        self._pending: int | None = None  # absolute index the cursor is heading for
        self._loading: set[Direction] = set()
        self._styles: dict[str, Style] = {}

    # -- what a subclass says -------------------------------------------------------------

    def _limits(self) -> tuple[int, int]:
        """(rows kept in memory at most, prefetch distance from the window's edge)."""
        raise NotImplementedError

    def _key(self, row: T) -> object:
        """What tells two rows apart (a row arriving twice is dropped)."""
        raise NotImplementedError

    def _render_header(self, width: int) -> Strip:
        raise NotImplementedError

    def _render_row(self, index: int, width: int) -> Strip:
        raise NotImplementedError

    def _forget_rows(self) -> None:
        """The window was replaced: drop what was cached per row."""

    def _fix_total(self) -> None:
        """Rows arrived or left: correct a known total."""

    def _known_total(self) -> tuple[int | None, bool]:
        """The total for the position text, and whether it is "more than"."""
        return None, False

    def _page_step(self) -> int:
        return self.visible_rows

    def _rows_to_keep(self, prefetch: int) -> int:
        """How many rows from the front a trim after adding rows before keeps at least."""
        return max(self.cursor, self.top + self.visible_rows) + prefetch + 1

    # lines: by default one line per row; a subclass with group headers maps them

    def _reindex(self) -> None:
        """Rebuild the map of rows onto lines."""

    def _line_count(self) -> int:
        return len(self.rows)

    def _line_of_row(self, index: int) -> int:
        return index

    def _row_at_line(self, line: int) -> int | None:
        """The row on ``line``; None for a line that is not a row (a header)."""
        return line if 0 <= line < len(self.rows) else None

    # -- public API for the screen ------------------------------------------------------

    @property
    def current(self) -> T | None:
        return self.rows[self.cursor] if self.rows else None

    @property
    def position(self) -> int:
        """Absolute 0-based index of the cursor."""
        return self.start + self.cursor

    @property
    def visible_rows(self) -> int:
        """Lines of the view below the column header."""
        return max(1, self.size.height - 1)

    def position_text(self) -> str:
        """``1.234 van 1.000.000`` (or ``van meer dan 1.000``, or ``0 zaken``)."""
        if not self.loaded:
            return "laden …"
        if not self.rows:
            return self.EMPTY_POSITION
        here = format_count(self.position + 1)
        total, more = self._known_total()
        if total is None:
            return f"{here} van …"
        return f"{here} van {'meer dan ' if more else ''}{format_count(total)}"

    def new_token(self) -> int:
        """Start a new question (a new query, Home, End, refresh): older answers are dropped."""
        self.token += 1
        self._loading.clear()
        self._pending = None
        return self.token

    def load(
        self,
        rows: Sequence[T],
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
        self.start = 0 if at_top else max(0, start)
        self.at_top, self.at_bottom = at_top, at_bottom
        self.cursor = min(max(0, cursor), max(0, len(self.rows) - 1))
        self.loaded = True
        self._loading.clear()
        self._forget_rows()
        self._reindex()
        self._fix_total()
        line = self._line_of_row(self.cursor) if self.rows else 0
        if keep_offset is not None:
            self.top = max(0, line - keep_offset)
        else:
            self.top = self._top_for(line)
            if self.at_bottom:  # no empty screen below the last row
                self.top = max(0, min(self.top, self._line_count() - self.visible_rows))
        self._scroll_to_cursor()
        self._after_change()

    def _top_for(self, line: int) -> int:
        """The first line of a view that opens on ``line``."""
        return line

    def add_rows(self, direction: Literal["after", "before"], rows: Sequence[T], token: int,
                 *, complete: bool) -> None:
        """Rows asked for with ``NeedRows``; ``complete``: nothing lies beyond them."""
        if token != self.token:
            return
        self._loading.discard(direction)
        known = {self._key(row) for row in self.rows}
        fresh = [row for row in rows if self._key(row) not in known]
        if direction == "after":
            self.rows.extend(fresh)
            self.at_bottom = complete
        else:
            anchor = self._first_visible_row()
            offset = self._line_of_row(anchor) - self.top if self.rows else 0
            self.rows[0:0] = fresh
            self.start = max(0, self.start - len(fresh))
            self.cursor += len(fresh)
            self.at_top = complete
            if self.at_top:
                self.start = 0
            self._reindex()
            if len(self.rows) > len(fresh):  # the same row stays on the same line
                self.top = max(0, self._line_of_row(anchor + len(fresh)) - offset)
        self._trim(keep_end=direction == "after")
        self._reindex()
        self._fix_total()
        if self._pending is not None:
            target, self._pending = self._pending, None
            self._move_to(target)
        else:
            self._scroll_to_cursor()
            self._after_change()

    # -- movement -----------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self._move_to(self.position + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.position - 1)

    def action_page_down(self) -> None:
        self._move_to(self.position + self._page_step())

    def action_page_up(self) -> None:
        self._move_to(self.position - self._page_step())

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

    def _move_to(self, target: int) -> None:
        if not self.rows:
            return
        first, last = self.start, self.start + len(self.rows) - 1
        if target < first:
            if not self.at_top:
                self._pending = target
                self._request("before", self.rows[0])
            target = first
        elif target > last:
            if not self.at_bottom:
                self._pending = target
                self._request("after", self.rows[-1])
            target = last
        self.cursor = target - self.start
        self._scroll_to_cursor()
        self._prefetch()
        self._after_change()

    def _prefetch(self) -> None:
        prefetch = self._limits()[1]
        if not self.at_bottom and len(self.rows) - 1 - self.cursor < prefetch:
            self._request("after", self.rows[-1])
        if not self.at_top and self.cursor < prefetch:
            self._request("before", self.rows[0])

    def _request(self, direction: Direction, anchor: T | None, fresh: bool = False) -> None:
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
        max_rows, prefetch = self._limits()
        excess = len(self.rows) - max_rows
        if excess <= 0:
            return
        if keep_end:  # rows were added at the end: drop from the front, not past the view
            anchor = self._first_visible_row()
            offset = self._line_of_row(anchor) - self.top
            drop = min(excess, max(0, min(self.cursor, anchor) - prefetch))
            if drop:
                del self.rows[:drop]
                self.start += drop
                self.cursor -= drop
                self.at_top = False
                self._reindex()
                self.top = max(0, self._line_of_row(anchor - drop) - offset)
        else:
            keep = max(max_rows, self._rows_to_keep(prefetch))
            if len(self.rows) > keep:
                del self.rows[keep:]
                self.at_bottom = False

    def _first_visible_row(self) -> int:
        """The index of the first row on screen (0 when there is none)."""
        for line in range(self.top, self._line_count()):
            index = self._row_at_line(line)
            if index is not None:
                return index
        return max(0, len(self.rows) - 1) if self.rows else 0

    def _scroll_to_cursor(self) -> None:
        if not self.rows:
            self.top = 0
            return
        height = self.visible_rows
        line = self._line_of_row(self.cursor)
        # keep a header line right above the cursor's row in view
        wanted_top = line - 1 if line > 0 and self._row_at_line(line - 1) is None else line
        if wanted_top < self.top:
            self.top = wanted_top
        elif line >= self.top + height:
            self.top = line - height + 1
        self.top = max(0, min(self.top, max(0, self._line_count() - 1)))

    def _after_change(self) -> None:
        self.refresh()
        self.post_message(self.Moved(self))

    # -- mouse --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        index = self._row_at_line(self.top + event.y - 1) if event.y >= 1 else None
        if index is not None:
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

    # computing a Rich style from CSS is slow: styles are cached until the CSS, the
    # theme or the focus changes (a subclass may cache more in _forget_rendering)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_rendering()

    def on_focus(self) -> None:
        self._forget_rendering()

    def on_blur(self) -> None:
        self._forget_rendering()

    def _forget_rendering(self) -> None:
        self._styles.clear()
        self.refresh()

    def _style(self, name: str) -> Style:
        """The widget's style plus component class ``name`` ("" for none)."""
        style = self._styles.get(name)
        if style is None:
            base = self.rich_style
            style = base if name == "" else base + self.get_component_rich_style(name)
            self._styles[name] = style
        return style

    def _message_line(self, message: str) -> Strip:
        width = self.size.width
        return Strip([Segment(f"  {message}".ljust(width)[:width],
                              self._style(f"{self.COMPONENT_PREFIX}--muted"))], width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._render_header(width)
        line = self.top + y - 1
        if not self.rows:
            if y == 2:
                return self._message_line(self.empty_text if self.loaded else "laden …")
            return Strip.blank(width, self._style(""))
        if line >= self._line_count():
            if line == self._line_count() and not self.at_bottom:
                return self._message_line("laden …")
            return Strip.blank(width, self._style(""))
        return self._render_line_at(line, width)

    def _render_line_at(self, line: int, width: int) -> Strip:
        """A line within the window: a row, or (in a subclass) a header."""
        index = self._row_at_line(line)
        assert index is not None
        return self._render_row(index, width)


__all__ = ["GAP", "Column", "Direction", "WindowedList", "fit_columns", "movement_bindings", "shown"]
