"""Issue 15, items 1–3 by keys: reopening gives running deadlines and a clean outcome;
closing without the decision letter says so and offers it; planning and recording a
session move the case along the table. Both engines."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Checkbox, Select, Static

from klachtdesk.app import create_app
from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.models import DeadlineKind, DeadlineState, Status
from klachtdesk.screens.case_actions import CloseDialog, MessageDialog, TextDialog
from klachtdesk.screens.case_detail import render_deadlines, render_fields
from klachtdesk.screens.planner import OutcomeDialog, PlannerScreen
from klachtdesk.services.correspondence import messages
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.views import NextStep
from klachtdesk.services.core.context import Context
from klachtdesk.services.procedure import workflow
from tests.ui.test_case_detail import case, open_case, plain, register, settle, write
from tests.unit.test_planner import register_case

SIZE = (140, 45)
S = Status


def to_solution_proposed(context: Context, case_id: int) -> int:
    v = workflow.assign(context, case_id, case(context, case_id).version, context.user.id)
    v = workflow.transition(context, case_id, v, S.IN_PROGRESS)
    return workflow.transition(context, case_id, v, S.SOLUTION_PROPOSED)


async def test_closing_without_the_decision_letter_says_so_and_offers_it(context: Context) -> None:
    case_id = register(context)
    to_solution_proposed(context, case_id)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        await pilot.press("x")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, CloseDialog)
        owed = str(dialog.query_one("#letter-owed", Static).render())
        assert "Nog niet verstuurd" in owed and "beslissing op de klacht" in owed.lower()
        assert dialog.query_one("#write-letter", Checkbox).value is True
        await write(pilot, "excuses")
        await pilot.press("tab", "j")  # ja (Enter on the empty choice would move on)
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        # closed; the decision letter is offered at once
        assert case(context, case_id).status is S.CLOSED
        assert isinstance(app.screen, MessageDialog)
        assert app.screen.query_one("#template", Select).value == "beslissing"
        await pilot.press("escape")
        await settle(pilot, app)
        if app.screen is not screen:  # the discard question
            await pilot.press("enter")
            await settle(pilot, app)
        decision = next(d for d in case(context, case_id).deadlines if d.kind is DeadlineKind.DECISION)
        assert decision.state is DeadlineState.OPEN  # honestly: not met by the closure
        assert "op tijd" not in plain(render_deadlines(screen.loaded))  # type: ignore[arg-type]


async def test_reopening_by_keys_gives_running_deadlines_and_a_clean_outcome(
        context: Context, clock: FixedClock) -> None:
    case_id = register(context)
    to_solution_proposed(context, case_id)
    draft = messages.prepare(context, case_id, "beslissing", oordeel="Gegrond.", maatregelen="Excuses.",
                             termijn="Direct.")
    messages.send(context, case_id, draft.template, draft.subject, draft.body)
    workflow.close(context, case_id, case(context, case_id).version, "Excuses aangeboden.", "ja")
    clock.moment = datetime(2026, 12, 10, 11, 0, tzinfo=AMSTERDAM)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        assert "Excuses aangeboden." in plain(render_fields(screen.loaded))  # type: ignore[arg-type]
        await pilot.press("h")
        await settle(pilot, app)
        assert isinstance(app.screen, TextDialog)
        await write(pilot, "probleem terug")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and screen.loaded.detail.status is S.REOPENED  # type: ignore[union-attr]
        fields = plain(render_fields(screen.loaded))  # type: ignore[arg-type]
        assert "Excuses aangeboden." not in fields  # a clean slate; the history keeps it
        shown = plain(render_deadlines(screen.loaded))  # type: ignore[arg-type]
        assert "14-12-2026" in shown or "14 december" in shown  # contact, 2 werkdagen after the reopening
        # the running deadlines stand apart from those met before the reopening
        assert shown.index("Lopend") < shown.index("14 december") < shown.index("Afgerond")
        assert case(context, case_id).deadlines and any(
            d.met_at is None for d in case(context, case_id).deadlines)


async def test_planning_and_the_outcome_move_a_new_case_along_the_table(context: Context, clock: FixedClock) -> None:
    case_id = register_case(context)  # nieuw, no behandelaar
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_planner(case_id)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, PlannerScreen)
        await pilot.press("tab", "tab")  # participants, location
        await write(pilot, "Kamer 2")
        await pilot.press("ctrl+f", "enter")  # the first free slot
        await settle(pilot, app)
        await pilot.press("enter")  # Plannen
        await settle(pilot, app)
        assert case(context, case_id).status is S.IN_MEDIATION
        [view] = planner.sessions_for_case(context, case_id)
        clock.moment = view.ends_at
        await pilot.press("v")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        await write(pilot, "goed gesprek")
        await pilot.press("tab")
        await write(pilot, "Bellen")
        await pilot.press("tab")
        await write(pilot, "Tess")
        await pilot.press("right", "tab")
        dialog.query_one("#next-step", Select).value = NextStep.SOLUTION_PROPOSED
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen, [n.message for n in app._notifications] + [str(w.render()) for w in app.screen.query("FieldError")]
        assert case(context, case_id).status is S.SOLUTION_PROPOSED


async def test_the_read_back_names_every_deadline_and_the_contact_dialog_says_which_count(context: Context) -> None:
    from klachtdesk.screens.case_actions import ContactDialog
    from klachtdesk.screens.registration import RegistrationDoneScreen
    from klachtdesk.services.cases import complaints
    from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput

    registered = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"), service_type="Teleconsultatie",
        description="Onvriendelijk."))
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.push_screen(RegistrationDoneScreen(registered))
        await settle(pilot, app)
        sentence = str(app.screen.query_one("#sentence", Static).render())
        assert "contact met u op" in sentence and "een reactie van ons" in sentence
        assert "schriftelijke beslissing" in sentence
        await pilot.press("enter")  # open the case
        await settle(pilot, app)
        await pilot.press("c")
        await settle(pilot, app)
        assert isinstance(app.screen, ContactDialog)
        rule = str(app.screen.query_one("#contact-rule", Static).render())
        assert "uitgaand" in rule and "Uw contact telt." in rule
        await write(pilot, "gebeld")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    contact = next(d for d in case(context, registered.id).deadlines if d.kind is DeadlineKind.FIRST_CONTACT)
    assert contact.state is DeadlineState.MET
