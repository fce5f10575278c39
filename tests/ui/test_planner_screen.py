"""The planner by keys alone: plan, reschedule, and record a session with two agreements."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from sqlmodel import select

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import FixedClock
from klachtdesk.models import Agreement, Deadline, DeadlineKind, SessionStatus, SessionType, Status
from klachtdesk.paths import outbox_dir
from klachtdesk.screens.planner import OutcomeDialog, PlannerScreen, RescheduleDialog
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner.sessions import SessionRequest
from klachtdesk.widgets.week_agenda import render_agenda
from tests.unit.test_planner import ams, register_case, set_status
from tests.ui.typing import type_text
from tests.ui.waiting import workers_done


async def settle(pilot, app: KlachtdeskApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()


async def open_planner(pilot, app: KlachtdeskApp, case: int | None) -> PlannerScreen:  # type: ignore[no-untyped-def]
    """The inbox settled, then the planner of ``case`` (None: the agenda), settled."""
    await settle(pilot, app)
    app.action_open_planner(case)
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, PlannerScreen)
    return screen




async def test_plan_reschedule_and_record_by_keys(sqlite_context: Context, clock: FixedClock) -> None:
    context = sqlite_context
    # offer slots from today (the default lead time is the next werkdag): the proposals below are today's
    context.settings = context.settings.replaced({"kalender.toml": "bemiddeling_vanaf_werkdagen = 0\n"})
    case = register_case(context)  # klager, aangeklaagde and two betrokkenen
    set_status(context, case, Status.IN_PROGRESS)
    other = register_case(context, "Erik Evers", respondent="Frits Frans", involved=())
    planner.plan_session(context, SessionRequest(other, SessionType.ONE_ON_ONE, ams(2026, 11, 23, 10, 30),
                                                 "Kantoor Amersfoort"))
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_planner(pilot, app, case)
        assert screen.focused is not None and screen.focused.id == "type"
        # the functionaris is busy 10:30–11:30: the first free hours for everyone come after
        assert [s.starts_at for s in screen.slots][:3] == [
            ams(2026, 11, 23, 11, 30), ams(2026, 11, 23, 12), ams(2026, 11, 23, 12, 30),
        ]
        # a typed moment names the conflict
        await pilot.press("tab", "tab")  # participants, location
        assert screen.focused is not None and screen.focused.id == "location"
        await type_text(pilot, "Kamer 2")
        await pilot.press("tab", "tab", "tab")  # duration, from, date and time
        assert screen.focused is not None and screen.focused.id == "starts-at"
        await type_text(pilot, "23-11-2026 11:00")
        await settle(pilot, app)
        message = str(screen.query_one("#starts-at-error").render())
        assert "Tess Tester heeft dan een gesprek over KL-2026-000002 (10:30–11:30)" in message
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert planner.sessions_for_case(context, case) == []  # refused, the input is kept
        assert screen.query_one("#starts-at").value == "23-11-2026 11:00"  # type: ignore[attr-defined]
        # choose the second proposal with the keys and plan it
        await pilot.press("ctrl+f", "down", "enter")
        await settle(pilot, app)
        assert screen.query_one("#starts-at").value == "23-11-2026 12:00"  # type: ignore[attr-defined]
        await pilot.press("enter")  # the Plannen button has the focus
        await settle(pilot, app)
        [view] = planner.sessions_for_case(context, case)
        assert (view.starts_at, view.location, view.type) == (ams(2026, 11, 23, 12), "Kamer 2",
                                                              SessionType.ALL_INVOLVED)
        assert [p.role for p in view.participants] == ["klachtenfunctionaris", "klager", "aangeklaagde",
                                                       "betrokkene", "betrokkene"]
        assert screen.focused is screen.table
        # the invitation
        await pilot.press("e")
        await settle(pilot, app)
        assert (outbox_dir() / "agenda" / f"KL-2026-000001-gesprek-{view.id}.ics").exists()

        # reschedule: the first proposal, a reason, Enter
        await pilot.press("r")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, RescheduleDialog)
        first = dialog.slots[0]
        await pilot.press("enter")
        await type_text(pilot, "Ziek")
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is screen
        [moved] = planner.sessions_for_case(context, case)
        assert moved.starts_at == first.starts_at and moved.version == view.version + 1

        # after the session: the verslag and two agreements
        clock.moment = moved.ends_at
        await pilot.press("v")
        await settle(pilot, app)
        assert isinstance(app.screen, OutcomeDialog)
        await pilot.press("ctrl+s")  # no verslag yet: refused at the field, the dialog stays
        await settle(pilot, app)
        assert isinstance(app.screen, OutcomeDialog)
        assert "verslag" in str(app.screen.query_one("#outcome-error").render())
        await type_text(pilot, "Excuses aanvaard")
        await pilot.press("tab")
        await type_text(pilot, "Huisbezoek")
        await pilot.press("tab")
        await type_text(pilot, "Bert")
        await pilot.press("right", "tab")  # take the suggestion: Bert Bakker
        await type_text(pilot, "3")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await type_text(pilot, "Brief")
        await pilot.press("tab")
        await type_text(pilot, "Tess")
        await pilot.press("right", "tab")
        await type_text(pilot, "10")
        await pilot.press("tab", "space", "down", "enter")  # next step: oplossing voorgesteld
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
    [held] = planner.sessions_for_case(context, case)
    assert held.status is SessionStatus.HELD and held.outcome == "Excuses aanvaard"
    assert [(a.description, a.owner, a.due) for a in held.agreements] == [
        ("Huisbezoek", "Bert Bakker", date(2026, 11, 26)),
        ("Brief", "Tess Tester", date(2026, 12, 7)),
    ]
    with context.db.read() as session:
        rows = session.exec(select(Deadline).where(Deadline.kind == DeadlineKind.AGREEMENT)).all()
        agreements = session.exec(select(Agreement)).all()
        assert sorted(d.agreement_id for d in rows) == sorted(a.id for a in agreements)  # type: ignore[type-var]
    from klachtdesk.services.cases import complaints

    assert complaints.get_case(context, case, record_view=False).status is Status.SOLUTION_PROPOSED


async def test_agenda_week_view_and_case_picker(sqlite_context: Context, clock: FixedClock) -> None:
    context = sqlite_context
    clock.moment = ams(2026, 12, 21, 9)
    case = register_case(context)
    planner.plan_session(context, SessionRequest(case, SessionType.ALL_INVOLVED, ams(2026, 12, 23, 14), "Kantoor"))
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_planner(pilot, app, None)
        assert screen.agenda is not None
        assert screen.agenda.iso_week == "2026-W52"
        console = Console(width=136, record=True, file=io.StringIO())
        console.print(render_agenda(screen.agenda))
        shown = console.export_text()
        assert "Eerste kerstdag" in shown and "KL-2026-000001" in shown
        assert [s.complaint_number for s in screen.table.sessions] == ["KL-2026-000001"]
        await pilot.press("right_square_bracket")
        await settle(pilot, app)
        assert screen.agenda.iso_week == "2026-W53" and screen.table.sessions == []
        await pilot.press("w")
        await settle(pilot, app)
        assert (outbox_dir() / "agenda" / "agenda-tess-tester-2026-W53.ics").exists()
        await pilot.press("t", "g")
        await type_text(pilot, "999")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "bestaat niet" in str(screen.query_one("#case-number-error").render())
        await pilot.press("ctrl+u")
        await type_text(pilot, "1")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, PlannerScreen) and app.screen.complaint_id == case


async def test_on_a_friday_afternoon_the_planner_offers_mondays_first_office_hour(
    sqlite_context: Context, clock: FixedClock
) -> None:
    context = sqlite_context
    clock.moment = ams(2026, 11, 27, 14, 10)  # the default lead time: from the next werkdag
    case = register_case(context)
    set_status(context, case, Status.IN_PROGRESS)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_planner(pilot, app, case)
        assert screen.slots[0].starts_at == ams(2026, 11, 30, 9)
        # the "vanaf" field shows the day the proposals start from, not today (issue 15)
        assert screen.query_one("#from-day").value == "30-11-2026"  # type: ignore[attr-defined]
        await pilot.press("ctrl+f", "enter")  # the first proposal
        await settle(pilot, app)
        assert screen.query_one("#starts-at").value == "30-11-2026 09:00"  # type: ignore[attr-defined]


async def test_a_case_that_cannot_get_a_session_shows_why_and_its_sessions_only(
        sqlite_context: Context, clock: FixedClock) -> None:
    """A closed case: the refusal line and the sessions it had, no form that cannot be used (the walk:
    a disabled form and free moments that Enter could not plan)."""
    context = sqlite_context
    case = register_case(context)
    set_status(context, case, Status.IN_PROGRESS)
    planner.plan_session(context, SessionRequest(case, SessionType.ALL_INVOLVED, ams(2026, 11, 24, 10), "Kamer 2"))
    set_status(context, case, Status.CLOSED)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_planner(pilot, app, case)
        refusal = screen.query_one("#planner-refusal")
        assert refusal.display and "heropen de zaak eerst" in str(refusal.render())
        assert not screen.query_one("#planner-form").display
        assert not screen.query_one("#proposals").display
        assert screen.table.display and screen.table.row_count == 1
        assert screen.focused is screen.table
