"""``FittedTable.show_items``: the cursor stays on the item it was on when the rows come
again in another order (a reload after a colleague's change), goes to the item asked for,
and to the same row when its item is gone."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App, ComposeResult

from klachtdesk.widgets.fitted_table import FittedTable
from klachtdesk.widgets.windowed_list import Column


class Names(FittedTable[tuple[int, str]]):
    def cells(self, item: tuple[int, str]) -> Sequence[str]:
        return [item[1]]

    def item_key(self, item: tuple[int, str]) -> str:
        return str(item[0])


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Names([Column("Naam", 10, flex=1)], id="names")


A, B, C, D = (1, "Anna"), (2, "Bram"), (3, "Cas"), (4, "Dirk")


async def test_the_cursor_follows_its_item_the_one_asked_for_or_stays_on_its_row() -> None:
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(Names)
        table.show_items([A, B, C, D])
        await pilot.pause()
        table.move_cursor(row=2)
        assert table.current == C
        table.show_items([D, C, B, A])  # the same items, another order
        assert table.current == C and table.cursor_row == 1
        table.show_items([D, C, B, A], select="4")
        assert table.current == D
        table.show_items([A, B, C])  # its item gone: the same row
        assert table.cursor_row == 0 and table.current == A
        table.show_items([B, C], select="9")  # asked for one that is not there: where it was
        assert table.current == B
        table.show_items([])
        assert table.current is None
