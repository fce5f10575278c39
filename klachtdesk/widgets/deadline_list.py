"""A virtual list of open deadlines, grouped (te laat / vandaag / morgen / deze week /
later) with a header line per group: renders only the lines on screen (Line API).

Like the inbox's ``CaseList`` it holds a *window* of loaded entries, never the
whole board, knows the absolute position of its first entry (for "12 van 3.456"),
and asks its screen for more with ``NeedRows`` when the cursor nears an edge. The
cursor moves over entries only; group headers are drawn between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.strip import Strip

from klachtdesk.services.procedure.vocabulary import DeadlineKind
from klachtdesk.services.lists.deadline_board import BoardItem, Group, GroupCounts, Source
from klachtdesk.services.time.dutch import format_count, format_date_short
from klachtdesk.widgets.windowed_list import GAP, Column, WindowedList, fit_columns, movement_bindings, shown

#: entries kept in memory at most; the far side of the window is dropped beyond this
MAX_ROWS = 600
#: ask for the next page when the cursor comes this close to the window's edge
PREFETCH = 40


#: at 80 columns a desk needs the case, what is due, who handles it and when: the klager
#: gives way first, then the behandelaar
COLUMNS: tuple[Column, ...] = (
    Column("Zaak", 14),
    Column("Klager", 12, flex=3, drop=2),
    Column("Termijn", 14, flex=3),
    Column("Behandelaar", 12, flex=2, drop=1),
    Column("Uiterlijk", 10),
    Column("Werkdagen", 20),
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
    return fit_columns(COLUMNS, width)


class DeadlineList(WindowedList[BoardItem]):
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
    COMPONENT_PREFIX = "deadline-list"
    EMPTY_POSITION = "0 termijnen"

    BINDINGS: ClassVar[list[BindingType]] = movement_bindings(
        "deadlines", "Eerste termijn", "Laatste termijn", up_keys="up")

    class NeedRows(WindowedList.NeedRows):
        """The list wants the entries ``after``/``before`` ``anchor``, or the ``first``/``last`` page."""

        @property
        def deadline_list(self) -> DeadlineList:
            return self.windowed_list  # type: ignore[return-value]

    class Moved(WindowedList.Moved):
        @property
        def deadline_list(self) -> DeadlineList:
            return self.windowed_list  # type: ignore[return-value]

    class Opened(WindowedList.Opened):
        @property
        def deadline_list(self) -> DeadlineList:
            return self.windowed_list  # type: ignore[return-value]

        @property
        def item(self) -> BoardItem:
            return self.row  # type: ignore[no-any-return]

    def __init__(self, describe: Callable[[BoardItem], str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.describe = describe
        self.counts: GroupCounts | None = None
        self.empty_text = "Geen open termijnen."
        self._lines: list[int] = []  # >= 0: an entry; < 0: the header of group -(value + 1)
        self._line_of: list[int] = []  # entry index -> line index
        self._describe_cache: dict[tuple[object, ...], str] = {}

    def _limits(self) -> tuple[int, int]:
        return MAX_ROWS, PREFETCH

    def _key(self, row: BoardItem) -> object:
        return row.key

    # -- public API for the screen ------------------------------------------------------

    @property
    def items(self) -> list[BoardItem]:
        """The entries in the window (``rows``)."""
        return self.rows

    @property
    def total(self) -> int | None:
        if self.at_top and self.at_bottom:
            return len(self.rows)
        return self.counts.total if self.counts is not None else None

    def _known_total(self) -> tuple[int | None, bool]:
        total = self.total
        return (max(total, self.position + 1) if total is not None else None), False

    def position_text(self) -> str:
        """``3 van 27 termijnen``: it counts the open deadlines, not the groups."""
        text = super().position_text()
        total, _ = self._known_total()
        if total is None or not self.loaded or not self.rows:
            return text
        return f"{text} {'termijn' if total == 1 else 'termijnen'}"

    def set_counts(self, counts: GroupCounts) -> None:
        self.counts = counts
        self.refresh()
        self.post_message(self.Moved(self))

    # -- lines: entries with a header line above each group -------------------------------

    def _forget_rows(self) -> None:
        self._describe_cache.clear()

    def _reindex(self) -> None:
        lines: list[int] = []
        line_of: list[int] = []
        previous: Group | None = None
        for index, item in enumerate(self.rows):
            if item.group is not previous:
                lines.append(-(int(item.group) + 1))
                previous = item.group
            line_of.append(len(lines))
            lines.append(index)
        self._lines, self._line_of = lines, line_of

    def _line_count(self) -> int:
        return len(self._lines)

    def _line_of_row(self, index: int) -> int:
        return self._line_of[index]

    def _row_at_line(self, line: int) -> int | None:
        if 0 <= line < len(self._lines) and self._lines[line] >= 0:
            return self._lines[line]
        return None

    def _top_for(self, line: int) -> int:
        return max(0, line - 1)  # the line above too (often the group's header)

    def _page_step(self) -> int:
        return self.visible_rows - 2

    def _rows_to_keep(self, prefetch: int) -> int:
        return self.cursor + self.visible_rows + prefetch

    # -- rendering ----------------------------------------------------------------------

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
        cells, widths = shown(cells, widths)
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

    def _render_header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("deadline-list--header")
        segments = self._line([c.title for c in COLUMNS], layout_columns(width), style)
        return Strip(Segment.apply_style(segments, style), width).crop(0, width)

    def _render_line_at(self, line: int, width: int) -> Strip:
        entry = self._lines[line]
        if entry >= 0:
            return self._render_row(entry, width)
        group = Group(-entry - 1)
        style = self.rich_style + self.get_component_rich_style(GROUP_CLASSES[group])
        text = Text(self.header_text(group), style=style + Style(bold=True), no_wrap=True, end="")
        text.truncate(width, pad=True)
        return Strip(list(text.render(self.app.console)), width).crop(0, width)

    def _render_row(self, index: int, width: int) -> Strip:
        item = self.rows[index]
        base = self.rich_style
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("deadline-list--cursor")
        due_style = self.get_component_rich_style(GROUP_CLASSES[item.group], partial=True)
        segments = self._line(self._cells(item), layout_columns(width), style, due_style)
        return Strip(Segment.apply_style(segments, style), width).crop(0, width)


__all__ = ["COLUMNS", "DeadlineList", "layout_columns"]
