"""``KeyFooter``: every key shown whole, in the screen's order, F1 Help always; at 80 columns
Textual's own footer cut the inbox's last key to ``m M`` (the walk, December 2026)."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets._footer import FooterKey

import klachtdesk
from klachtdesk.widgets.key_footer import KeyFooter
from tests.ui.waiting import wait_until

KEYS = [Binding(letter, f"say('{word}')", word) for letter, word in zip(
    "abcdefghij", ["Openen", "Nieuwe melding", "Ga naar klacht", "Zoeken", "Filters", "Mijn zaken", "Sortering",
                   "Termijnen", "Planner", "Analyse"], strict=True)]


class Host(App[None]):
    BINDINGS = [*KEYS, Binding("f1", "help", "Help")]

    def action_help(self) -> None:
        pass

    def action_say(self, word: str) -> None:
        self.notify(word)

    def compose(self) -> ComposeResult:
        yield KeyFooter()


def shown(app: Host) -> list[str]:
    footer = app.query_one(KeyFooter)
    keys = [key for key in footer.query(FooterKey) if key.display and not key.has_class("-command-palette")]
    menu = footer.query_one(".-command-palette", FooterKey)
    for key in keys:  # whole: within the footer, left of the menu key
        assert footer.region.x <= key.region.x and key.region.right <= menu.region.x, key.description
    return [key.description for key in keys]


def laid_out(app: Host) -> bool:
    """The footer has its keys and has fitted them to its width (a refresh or two after a change)."""
    footer = app.query_one(KeyFooter)
    keys = [key for key in footer.query(FooterKey) if key.display]
    return bool(keys) and keys[-1].has_class("-command-palette") and all(
        key.region.right <= footer.region.right for key in keys)


async def settled(pilot: object, app: Host) -> list[str]:
    await wait_until(pilot, lambda: laid_out(app) and app.query_one(KeyFooter).size.width == app.size.width)
    await pilot.pause()  # type: ignore[attr-defined]
    return shown(app)


async def test_keys_are_shown_whole_in_order_with_help_at_any_width() -> None:
    app = Host()
    async with app.run_test(size=(80, 10)) as pilot:
        narrow = await settled(pilot, app)
        assert narrow[-1] == "Help" and narrow[:-1] == [b.description for b in KEYS][:len(narrow) - 1]
        assert 3 <= len(narrow) < len(KEYS) + 1
        await pilot.resize_terminal(160, 10)
        assert await settled(pilot, app) == [*(b.description for b in KEYS), "Help"]
        await pilot.resize_terminal(40, 10)
        last = await settled(pilot, app)
        assert last[-1] == "Help" and len(last) < len(narrow)


def test_every_screen_uses_the_key_footer() -> None:
    """A bare ``Footer`` would cut its last key again."""
    root = Path(klachtdesk.__file__).parent
    bare = [f"{path.relative_to(root)}:{node.lineno}"
            for path in [*(root / "screens").rglob("*.py"), root / "app.py"]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Footer"]
    assert bare == []
