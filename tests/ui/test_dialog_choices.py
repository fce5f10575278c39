"""Choices in dialogs behave as one (the tester's walk, December 2026): the status dialog
types to select like every other choice, Enter on an empty choice moves on instead of
opening the list, and the open list's footer key is in Dutch."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Input

from klachtdesk.app import create_app
from klachtdesk.models import Status
from klachtdesk.screens.case_actions import StatusDialog
from klachtdesk.services.core.context import Context
from klachtdesk.services.procedure import workflow
from klachtdesk.widgets.type_select import TypeSelect
from tests.ui.test_case_detail import case, open_case, register, settle


def in_progress(context: Context) -> int:
    case_id = register(context)
    version = case(context, case_id).version
    version = workflow.assign(context, case_id, version, context.user.id)  # type: ignore[union-attr]
    workflow.transition(context, case_id, version, Status.IN_PROGRESS)
    return case_id


async def test_typing_op_in_the_status_dialog_chooses_oplossing_voorgesteld(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = in_progress(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("s")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, StatusDialog)
        select = dialog.query_one("#to", TypeSelect)
        assert app.focused is select
        assert select.value is Status.IN_MEDIATION  # the first next step is proposed
        await pilot.press("o", "p")
        assert select.value is Status.SOLUTION_PROPOSED
        await pilot.press("enter")  # the choice is done: on to the reason
        assert app.focused is dialog.query_one("#reason", Input)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert case(context, case_id).status is Status.SOLUTION_PROPOSED


class Form(App[None]):
    def compose(self) -> ComposeResult:
        yield TypeSelect([("Bejegening", "b"), ("Facturatie", "f")], id="category", prompt="(mag later)")
        yield Input(id="after")
        yield Footer()


async def test_enter_on_an_empty_choice_moves_on_and_space_opens_the_list() -> None:
    app = Form()
    async with app.run_test() as pilot:
        select = app.query_one("#category", TypeSelect)
        select.focus()
        await pilot.press("enter")
        assert not select.expanded and select.is_blank()
        assert app.focused is app.query_one("#after", Input)
        await pilot.press("x")  # what is typed next goes into the next field
        assert app.query_one("#after", Input).value == "x"
        select.focus()
        await pilot.press("space")
        assert select.expanded


async def test_the_open_list_says_sluiten_in_the_footer() -> None:
    app = Form()
    async with app.run_test(size=(80, 24)) as pilot:
        select = app.query_one("#category", TypeSelect)
        select.focus()
        await pilot.press("down")
        await pilot.pause()
        assert select.expanded
        shown = {key: active.binding.description for key, active in app.active_bindings.items()
                 if active.binding.show}
        assert shown.get("escape") == "Sluiten"
        assert "Dismiss" not in " ".join(shown.values())


#: lists that are not a field's choice: pickers whose rows are the content (saved views, the
#: suggested klachtnummers, the free moments of the planner); Enter takes the row
PICKER_LISTS = {"screens/inbox_views.py", "screens/jump.py", "screens/planner/reschedule.py",
                "screens/planner/case.py"}


def test_a_choice_in_a_form_is_never_an_option_list() -> None:
    import ast
    from pathlib import Path

    ui = Path(__file__).resolve().parents[2] / "klachtdesk"
    found = set()
    for path in [*(ui / "screens").rglob("*.py"), *(ui / "widgets").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else \
                    node.func.attr if isinstance(node.func, ast.Attribute) else ""
                if name in ("OptionList", "RadioSet", "SelectionList", "ListView"):
                    found.add(str(path.relative_to(ui)))
    assert found == PICKER_LISTS  # the status dialog's OptionList was a choice: now a TypeSelect
