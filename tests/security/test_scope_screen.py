"""The case screen of a behandelaar on a colleague's case: the actions that change it are
out of the footer, their keys do nothing, and the screen says why (Pilot, SQLite)."""

from __future__ import annotations

from klachtdesk.app import create_app
from klachtdesk.models import StaffRole, Status
from klachtdesk.screens.case_detail import CaseDetailScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from tests.ui.waiting import workers_done

SIZE = (140, 45)


def user(context: Context, username: str, name: str) -> Context:
    with context.db.write() as session:
        staff.create_staff(session, context, username, name, {StaffRole.HANDLER})
    other = Context(db=context.db, clock=context.clock, settings=context.settings)
    other.user = staff.sign_in(other, username)
    return other


async def settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


async def test_a_colleagues_case_is_read_not_changed(sqlite_context: Context) -> None:
    context = sqlite_context
    visser, mulder = user(context, "e.visser", "Eva Visser"), user(context, "b.mulder", "Bram Mulder")
    case_id = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.")).id

    def version() -> int:
        return complaints.get_case(context, case_id, record_view=False).version

    workflow.assign(context, case_id, version(), visser.user.id)
    workflow.transition(visser, case_id, version(), Status.IN_PROGRESS)
    before = version()

    app = create_app(mulder, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_case(case_id)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen) and screen.loaded is not None
        for action in ("status", "edit", "close_case", "message", "extend"):
            assert screen.check_action(action, ()) is False, action
            why = screen.why_not(action)
            assert why is not None and "niet aan u toegewezen" in why and "Eva Visser" in why, action
        assert screen.check_action("note", ()) and screen.check_action("contact", ())
        await pilot.press("s", "e", "x", "w", "b")  # hidden keys do nothing
        await settle(pilot, app)
        assert app.screen is screen
    assert version() == before

    app = create_app(visser, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_case(case_id)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen)
        assert screen.check_action("edit", ()) and screen.why_not("edit") is None
