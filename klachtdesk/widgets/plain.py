"""Text someone typed, shown as written: never Textual or Rich markup.

Textual reads a plain ``str`` as markup in many places: a ``DataTable`` cell, a ``Static``
or ``Label`` (unless ``markup=False``), an option of an ``OptionList`` or ``Select``, a
command palette hit, a Rich ``Table`` title. A name like ``Jan [/]`` then raises
``MarkupError`` (the app dies), ``[@click=app.quit]Jan[/]`` becomes a clickable action and
``[b]x`` silently loses its brackets. The rule of the desk (docs/architecture.md, "Hostile
input and the terminal"): text from a klager, a mail, a member of staff or the database
reaches a widget as a ``rich.text.Text`` or ``textual.content.Content`` (``literal``), into a
widget built with ``markup=False``, or through a widget of this module that does so itself
(``PlainTable``; ``TypeSelect`` for choices). Markup is for fixed strings only; to mix the
two use ``Content.from_markup("[b]$name[/]", name=...)`` (its variables are never markup).
``textual.markup.escape`` is not enough: ``[B]x`` and ``[$x]y`` pass it as markup, and a
trailing backslash is doubled.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey


def literal(cell: Any) -> Any:
    """A ``str`` as written; anything else (a ``Text``, a number) unchanged."""
    return Text(cell) if isinstance(cell, str) else cell


class PlainTable(DataTable[CellType]):
    """A ``DataTable`` whose ``str`` cells and row labels are shown as written (Textual's
    own reads a ``str`` cell as markup). Every table of a screen that may show stored or
    typed text is one of these."""

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:
        return super().add_row(*(literal(cell) for cell in cells), height=height, key=key, label=literal(label))

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType, *,
                    update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, literal(value), update_width=update_width)


__all__ = ["PlainTable", "literal"]
