"""A virtual list of open deadlines, grouped (te laat / vandaag / morgen / deze week /
later) with a header line per group: renders only the lines on screen (Line API).

Like the inbox's ``CaseList`` it holds a *window* of loaded entries, never the
whole board, knows the absolute position of its first entry (for "12 van 3.456"),
and asks its screen for more with ``NeedRows`` when the cursor nears an edge. The
cursor moves over entries only; group headers are drawn between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from klachtdesk.models import DeadlineKind
from klachtdesk.services.deadline_board import BoardItem, Group, GroupCounts, Source
from klachtdesk.services.dutch import format_count, format_date_short

Direction = Literal["after", "before"]

#: entries kept in memory at most; the far side of the window is dropped beyond this
MAX_ROWS = 600
#: ask for the next page when the cursor comes this close to the window's edge
PREFETCH = 40
GAP = 2


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    flex: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("Zaak", 14),
    Column("Klager", 12, flex=3),
    Column("Termijn", 14, flex=3),
    Column("Behandelaar", 12, flex=2),
    Column("Uiterlijk", 10),
    Column("Werkdagen", 21),
)

#: component class per group (colour of the header and of the werkdagen column)
GROUP_CLASSES = {
    Group.OVERDUE: "deadline-list--te-laat",
    Group.TODAY: "deadline-list--vandaag",
    Group.TOMORROW: "deadline-list--binnenkort",
    Group.THIS_WEEK: "deadline-list--binnenkort",
    Group.LATER: "deadline-list--later",
}


def describe_item(item: BoardItem) -> str:
    """What must happen, short enough to scan: the kind of a procedure deadline
    ("Reactie", "Beslissing (verlengd)"), the text of an agreement or a measure."""
    if item.source is not Source.DEADLINE:
        text = f"Maatregel: {item.label}" if item.source is Source.MEASURE else item.kind
    elif item.kind == DeadlineKind.AGREEMENT.value:
        text = f"Afspraak: {item.label}"
    else:
        text = item.kind.capitalize()
    return text + (" (verlengd)" if item.extended else "")


def layout_columns(width: int) -> list[int]:
    fixed = sum(c.width for c in COLUMNS) + GAP * (len(COLUMNS) - 1) + 2
    spare = max(0, width - fixed)
    flex_total = sum(c.flex for c in COLUMNS)
    widths, given, seen = [], 0, 0
    for column in COLUMNS:
        extra = 0
        if column.flex:
            seen += column.flex
            extra = spare * seen // flex_total - given
            given += extra
        widths.append(column.width + extra)
    return widths


class DeadlineList(Widget, can_focus=True):
    """A keyboard-driven, grouped list over a board of any size."""

    DEFAULT_CSS = """
    DeadlineList { height: 1fr; background: $surface; }
    DeadlineList > .deadline-list--header { text-style: bold; background: $panel; color: $text; }
    DeadlineList > .deadline-list--cursor { background: $block-cursor-blurred-background; }
    DeadlineList:focus > .deadline-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    DeadlineList > .deadline-list--te-laat { color: $text-error; text-style: bold; }
    DeadlineList > .deadline-list--vandaag { color: $text-warning; text-style: bold; }
    DeadlineList > .deadline-list--binnenkort { color: yellow; }
    DeadlineList > .deadline-list--later { color: $text; }
    DeadlineList > .deadline-list--muted { color: $text-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "deadline-list--header", "deadline-list--cursor", "deadline-list--te-laat", "deadline-list--vandaag",
        "deadline-list--binnenkort", "deadline-list--later", "deadline-list--muted",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Omlaag", id="deadlines.down", show=False),
        Binding("up", "cursor_up", "Omhoog", id="deadlines.up", show=False),
        Binding("pagedown", "page_down", "Pagina omlaag", id="deadlines.page_down", show=False),
        Binding("pageup", "page_up", "Pagina omhoog", id="deadlines.page_up", show=False),
        Binding("home", "first", "Eerste termijn", id="deadlines.first", show=False),
        Binding("end", "last", "Laatste termijn", id="deadlines.last", show=False),
    ]

    class NeedRows(Message):
        """The list wants the entries ``after``/``before`` ``anchor``; or (anchor None) the
        first or last page."""

        def __init__(self, deadline_list: DeadlineList, direction: Direction, anchor: BoardItem | None,
                     token: int) -> None:
            super().__init__()
            self.deadline_list = deadline_list
            self.direction = direction
            self.anchor = anchor
            self.token = token

    class Moved(Message):
        def __init__(self, deadline_list: DeadlineList) -> None:
            super().__init__()
            self.deadline_list = deadline_list

    class Opened(Message):
        def __init__(self, deadline_list: DeadlineList, item: BoardItem) -> None:
            super().__init__()
            self.deadline_list = deadline_list
            self.item = item

    def __init__(self, describe: Callable[[BoardItem], str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.describe = describe
        self.items: list[BoardItem] = []
        self.start = 0  # absolute index of items[0]
        self.cursor = 0  # index into items
        self.top = 0  # index into _lines of the first visible line
        self.at_top = True
        self.at_bottom = True
        self.counts: GroupCounts | None = None
        self.loaded = False
        self.empty_text = "Geen open termijnen."
        self.token = 0
        self._lines: list[int] = []  # >= 0: an entry; < 0: the header of group -(value + 1)
        self._line_of: list[int] = []  # entry index -> line index
        self._loading: set[Direction] = set()
        self._pending: int | None = None
        self._describe_cache: dict[tuple[object, ...], str] = {}

    # -- public API for the screen ------------------------------------------------------

    @property
    def current(self) -> BoardItem | None:
        return self.items[self.cursor] if self.items else None

    @property
    def position(self) -> int:
        return self.start + self.cursor

    @property
    def total(self) -> int | None:
        if self.at_top and self.at_bottom:
            return len(self.items)
        return self.counts.total if self.counts is not None else None

    @property
    def visible_lines(self) -> int:
        return max(1, self.size.height - 1)

    def position_text(self) -> str:
        if not self.loaded:
            return "laden …"
        if not self.items:
            return "0 termijnen"
        total = self.total
        here = format_count(self.position + 1)
        return f"{here} van {format_count(max(total, self.position + 1))}" if total is not None else f"{here} van …"

    def new_token(self) -> int:
        self.token += 1
        self._loading.clear()
        self._pending = None
        return self.token

    def set_counts(self, counts: GroupCounts) -> None:
        self.counts = counts
        self.refresh()
        self.post_message(self.Moved(self))

    def load(self, items: Sequence[BoardItem], token: int, *, start: int, at_top: bool, at_bottom: bool,
             cursor: int = 0) -> None:
        """Replace the window; ``cursor`` is an index into ``items``."""
        if token != self.token:
            return
        self.items = list(items)
        self.start = 0 if at_top else max(0, start)
        self.at_top, self.at_bottom = at_top, at_bottom
        self.cursor = min(max(0, cursor), max(0, len(self.items) - 1))
        self.loaded = True
        self._loading.clear()
        self._describe_cache.clear()
        self._rebuild()
        self.top = max(0, self._line_of[self.cursor] - 1) if self.items else 0
        if self.at_bottom:  # no empty screen below the last entry
            self.top = max(0, min(self.top, len(self._lines) - self.visible_lines))
        self._scroll_to_cursor()
        self._after_change()

    def add_rows(self, direction: Direction, items: Sequence[BoardItem], token: int, *, complete: bool) -> None:
        if token != self.token:
            return
        self._loading.discard(direction)
        known = {item.key for item in self.items}
        fresh = [item for item in items if item.key not in known]
        if direction == "after":
            self.items.extend(fresh)
            self.at_bottom = complete
        else:
            anchor = self._first_visible_item()
            offset = self._line_of[anchor] - self.top if self.items else 0
            self.items[0:0] = fresh
            self.start = max(0, self.start - len(fresh))
            self.cursor += len(fresh)
            self.at_top = complete
            if self.at_top:
                self.start = 0
            self._rebuild()
            if len(self.items) > len(fresh):  # the same entry stays on the same line
                self.top = max(0, self._line_of[anchor + len(fresh)] - offset)
        self._trim(keep_end=direction == "after")
        self._rebuild()
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
        self._move_to(self.position + self.visible_lines - 2)

    def action_page_up(self) -> None:
        self._move_to(self.position - self.visible_lines + 2)

    def action_first(self) -> None:
        if self.at_top:
            self._move_to(0)
        else:
            self.post_message(self.NeedRows(self, "after", None, self.new_token()))

    def action_last(self) -> None:
        if self.at_bottom:
            self._move_to(self.start + len(self.items) - 1)
        else:
            self.post_message(self.NeedRows(self, "before", None, self.new_token()))

    def _move_to(self, target: int) -> None:
        if not self.items:
            return
        first, last = self.start, self.start + len(self.items) - 1
        if target < first:
            if not self.at_top:
                self._pending = target
                self._request("before", self.items[0])
            target = first
        elif target > last:
            if not self.at_bottom:
                self._pending = target
                self._request("after", self.items[-1])
            target = last
        self.cursor = target - self.start
        self._scroll_to_cursor()
        self._prefetch()
        self._after_change()

    def _prefetch(self) -> None:
        if not self.at_bottom and len(self.items) - 1 - self.cursor < PREFETCH:
            self._request("after", self.items[-1])
        if not self.at_top and self.cursor < PREFETCH:
            self._request("before", self.items[0])

    def _request(self, direction: Direction, anchor: BoardItem) -> None:
        if direction in self._loading:
            return
        self._loading.add(direction)
        self.post_message(self.NeedRows(self, direction, anchor, self.token))

    def _trim(self, keep_end: bool) -> None:
        excess = len(self.items) - MAX_ROWS
        if excess <= 0:
            return
        if keep_end:
            anchor = self._first_visible_item()
            offset = self._line_of[anchor] - self.top
            drop = min(excess, max(0, min(self.cursor, anchor) - PREFETCH))
            if drop:
                del self.items[:drop]
                self.start += drop
                self.cursor -= drop
                self.at_top = False
                self._rebuild()
                self.top = max(0, self._line_of[anchor - drop] - offset)
        else:
            keep = max(MAX_ROWS, self.cursor + self.visible_lines + PREFETCH)
            if len(self.items) > keep:
                del self.items[keep:]
                self.at_bottom = False

    def _first_visible_item(self) -> int:
        """The index of the first entry on screen (0 when there is none)."""
        for line in self._lines[self.top:]:
            if line >= 0:
                return line
        return max(0, len(self.items) - 1) if self.items else 0

    def _rebuild(self) -> None:
        lines: list[int] = []
        line_of: list[int] = []
        previous: Group | None = None
        for index, item in enumerate(self.items):
            if item.group is not previous:
                lines.append(-(int(item.group) + 1))
                previous = item.group
            line_of.append(len(lines))
            lines.append(index)
        self._lines, self._line_of = lines, line_of

    def _scroll_to_cursor(self) -> None:
        if not self.items:
            self.top = 0
            return
        height = self.visible_lines
        line = self._line_of[self.cursor]
        # keep the group header above the first entry of a group in view
        wanted_top = line - 1 if line > 0 and self._lines[line - 1] < 0 else line
        if wanted_top < self.top:
            self.top = wanted_top
        elif line >= self.top + height:
            self.top = line - height + 1
        self.top = max(0, min(self.top, max(0, len(self._lines) - 1)))

    def _after_change(self) -> None:
        self.refresh()
        self.post_message(self.Moved(self))

    # -- mouse --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        line = self.top + event.y - 1
        if event.y >= 1 and 0 <= line < len(self._lines) and self._lines[line] >= 0:
            index = self._lines[line]
            self._move_to(self.start + index)
            if event.chain >= 2:
                self.post_message(self.Opened(self, self.items[index]))

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

    def _words(self, item: BoardItem) -> str:
        key = (item.due, item.werkdagen_left)
        words = self._describe_cache.get(key)
        if words is None:
            words = self._describe_cache[key] = self.describe(item)
        return words

    def _cells(self, item: BoardItem) -> list[str]:
        return [item.reference, item.party or "—", describe_item(item), item.handler or "—",
                format_date_short(item.due), self._words(item)]

    def _line(self, cells: Sequence[str], widths: Sequence[int], base: Style,
              last_style: Style | None = None) -> list[Segment]:
        text = Text(" ", style=base, no_wrap=True, end="")
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            piece = Text(cell, no_wrap=True, end="")
            piece.truncate(width, overflow="ellipsis", pad=True)
            if last_style is not None and index == len(cells) - 1:
                piece.stylize(last_style)
            text.append_text(piece)
            if index < len(cells) - 1:
                text.append(" " * GAP)
        text.truncate(self.size.width, pad=True)
        return list(text.render(self.app.console))

    def header_text(self, group: Group) -> str:
        count = self.counts.counts.get(group) if self.counts is not None else None
        suffix = f" · {format_count(count)}" if count is not None else ""
        return f"▌ {group.label}{suffix}"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        widths = layout_columns(width)
        if y == 0:
            style = base + self.get_component_rich_style("deadline-list--header")
            segments = self._line([c.title for c in COLUMNS], widths, style)
            return Strip(Segment.apply_style(segments, style), width).crop(0, width)
        line = self.top + y - 1
        if not self.items:
            if y == 2:
                message = self.empty_text if self.loaded else "laden …"
                style = base + self.get_component_rich_style("deadline-list--muted")
                return Strip([Segment(f"  {message}".ljust(width)[:width], style)], width)
            return Strip.blank(width, base)
        if line >= len(self._lines):
            if line == len(self._lines) and not self.at_bottom:
                style = base + self.get_component_rich_style("deadline-list--muted")
                return Strip([Segment("  laden …".ljust(width)[:width], style)], width)
            return Strip.blank(width, base)
        entry = self._lines[line]
        if entry < 0:
            group = Group(-entry - 1)
            style = base + self.get_component_rich_style(GROUP_CLASSES[group])
            text = Text(self.header_text(group), style=style + Style(bold=True), no_wrap=True, end="")
            text.truncate(width, pad=True)
            return Strip(list(text.render(self.app.console)), width).crop(0, width)
        item = self.items[entry]
        style = base
        if entry == self.cursor:
            style = base + self.get_component_rich_style("deadline-list--cursor")
        due_style = self.get_component_rich_style(GROUP_CLASSES[item.group], partial=True)
        segments = self._line(self._cells(item), widths, style, due_style)
        return Strip(Segment.apply_style(segments, style), width).crop(0, width)


__all__ = ["COLUMNS", "DeadlineList", "layout_columns"]
