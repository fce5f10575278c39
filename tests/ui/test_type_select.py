"""Type-to-select is one behaviour in every select of every form and dialog (issue 15,
item 11): typing while a select is closed chooses, Enter moves on."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, TextArea

from klachtdesk.app import create_app
from klachtdesk.screens.case_actions import CloseDialog
from klachtdesk.services.core.context import Context
from klachtdesk.services.procedure.vocabulary import Acceptance, ComplaintKind
from klachtdesk.widgets.type_select import TypeSelect, choose_by_prefix
from tests.ui.waiting import workers_done

UI = Path(__file__).resolve().parents[2] / "klachtdesk"


def bare_selects() -> list[str]:
    """Every place under screens/ and widgets/ (and app.py) that builds a plain ``Select``."""
    found = []
    files = [*(UI / "screens").rglob("*.py"), *(UI / "widgets").rglob("*.py"), UI / "app.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else \
                    node.func.attr if isinstance(node.func, ast.Attribute) else ""
                if name == "Select":
                    found.append(f"{path.relative_to(UI)}:{node.lineno}")
    return found


def test_every_select_of_every_dialog_is_the_one_type_select() -> None:
    assert bare_selects() == []


def test_a_prefix_then_a_word_chooses() -> None:
    options = [("Thuiszorg", 1), ("Teleconsultatie", 2), ("Online account en app", 3)]
    assert choose_by_prefix(options, "te") == 2
    assert choose_by_prefix(options, "t") == 1
    assert choose_by_prefix(options, "acc") == 3  # a word in the option
    assert choose_by_prefix(options, "x") is None


class OneSelect(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="before")
        yield TypeSelect([("ja", "j"), ("nee", "n"), ("onbekend", "o")], id="choice", prompt="kies")
        yield Input(id="after")


async def test_typing_chooses_and_enter_moves_on_once_chosen() -> None:
    app = OneSelect()
    async with app.run_test() as pilot:
        select = app.query_one("#choice", TypeSelect)
        select.focus()
        await pilot.press("space")  # space opens the list (Enter would move on, chosen or not)
        assert select.expanded
        await pilot.press("escape")
        assert not select.expanded and select.is_blank()
        await pilot.press("n")
        assert select.value == "n" and not select.expanded
        await pilot.press("o")  # "no" fits nothing: starts afresh at "o"
        assert select.value == "o"
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "after"


async def test_j_answers_is_de_klager_akkoord_in_the_close_dialog(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    results: list[Any] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await workers_done(app)
        dialog = CloseDialog(lambda values: results.append(values) or 1, kind=ComplaintKind.COMPLAINT)
        app.push_screen(dialog)
        await pilot.pause()
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"Excuses", "tab")
        assert app.focused is dialog.query_one("#accepted")
        await pilot.press("j")
        assert dialog.query_one("#accepted", TypeSelect).value is Acceptance.YES
        await pilot.press("ctrl+s")
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        assert [(v.resolution, v.accepted) for v in results] == [("Excuses", Acceptance.YES)]
