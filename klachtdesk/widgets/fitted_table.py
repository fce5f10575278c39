"""A ``DataTable`` of items whose columns fit its width as the inbox's do.

The columns are ``windowed_list.Column`` values (a minimum width, a share of the spare
width, and a priority for leaving a column out); ``fit_columns`` decides, again whenever
the table's width changes. Cells are plain text cut with an ellipsis (never markup). A
subclass says what the cells of an item are (``cells``, one per column) and how items are
told apart (``item_key``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from klachtdesk.widgets.windowed_list import Column, fit_columns

T = TypeVar("T")


class FittedTable(DataTable[str], Generic[T]):
    """Rows of ``items``, the cursor on one; columns by priority for the width there is."""

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.layout_columns = list(columns)
        #: the width of each of ``layout_columns`` now (0: left out)
        self.widths: list[int] = []
        self.items: list[T] = []

    # -- what a subclass says --------------------------------------------------------------

    def cells(self, item: T) -> Sequence[str]:
        """The text of each of ``layout_columns`` for ``item``."""
        raise NotImplementedError

    def item_key(self, item: T) -> str:
        raise NotImplementedError

    def row_style(self, item: T) -> str:
        """The style of ``item``'s whole row (say overdue in red); none by default."""
        return ""

    # -- fitting ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def shown_titles(self) -> list[str]:
        return [column.title for column, size in zip(self.layout_columns, self.widths, strict=True) if size]

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

    def _fill(self, keep: int, select: int | None = None) -> None:
        self.clear()
        for item in self.items:
            texts, style = self.cells(item), self.row_style(item)
            self.add_row(*(Text(text, style=style, no_wrap=True, overflow="ellipsis")
                           for text, size in zip(texts, self.widths, strict=True) if size), key=self.item_key(item))
        if self.items:
            self.move_cursor(row=select if select is not None else min(max(keep, 0), len(self.items) - 1))

    def show_items(self, items: Sequence[T], select: str | None = None) -> None:
        """Show ``items``; the cursor on the one whose ``item_key`` is ``select``, else on the
        one it was on (a reload after a change elsewhere), else on the same row."""
        previous = self.current
        wanted = select if select is not None else (self.item_key(previous) if previous is not None else None)
        self.items = list(items)
        index = next((i for i, item in enumerate(self.items) if self.item_key(item) == wanted), None)
        self._fill(self.cursor_row, index)
        self.call_after_refresh(self._fit)  # a scrollbar may have come or gone

    @property
    def current(self) -> T | None:
        if not self.items or not 0 <= self.cursor_row < len(self.items):
            return None
        return self.items[self.cursor_row]


__all__ = ["FittedTable"]
