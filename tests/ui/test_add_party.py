"""A klacht registered without an aangeklaagde gets one later, by keys (``a`` in the case:
a bad phone number refused at its field with nothing lost), after which the planner plans
a session with everyone involved; Ctrl+B adds one more on a case that has people already;
a factuurvraag has none to add and says so."""

from __future__ import annotations

from textual.widgets import Input

from klachtdesk.app import create_app
from klachtdesk.clock import FixedClock
from klachtdesk.models import ComplaintKind, PartyRole, SessionType, Status
from klachtdesk.screens.case_links import PartyDialog
from klachtdesk.screens.party_dialog import AddPartyDialog
from klachtdesk.screens.planner import PlannerScreen
from klachtdesk.services.cases import complaints, parties
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner import sessions as planner
from tests.ui.test_case_detail import open_case, settle, write
from tests.ui.test_profile import register
from tests.unit.test_planner import register_case, set_status

SIZE = (100, 30)


async def test_an_aangeklaagde_named_later_is_added_and_invited(sqlite_context: Context, clock: FixedClock) -> None:
    context = sqlite_context
    context.settings = context.settings.replaced({"kalender.toml": "bemiddeling_vanaf_werkdagen = 0\n"})
    case = register_case(context, respondent=None, involved=())
    set_status(context, case, Status.IN_PROGRESS)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case)
        assert screen.check_action("party", ()) is True
        await pilot.press("a")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, AddPartyDialog)
        assert dialog.focused is not None and dialog.focused.id == "name"
        await write(pilot, "Dr. Bakker")
        await pilot.press("tab", "tab")  # role (aangeklaagde), phone
        await write(pilot, "12")
        await pilot.press("tab", "tab", "tab")  # e-mail, known person, note
        await write(pilot, "huisarts")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog  # refused at the field, nothing lost
        assert "telefoonnummer" in str(dialog.query_one("#phone-error").render()).lower()
        assert [dialog.query_one(f"#{name}", Input).value for name in ("name", "phone", "note")] == [
            "Dr. Bakker", "12", "huisarts"]
        dialog.query_one("#phone", Input).value = ""
        dialog.query_one("#phone", Input).focus()
        await write(pilot, "06 87654321")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and screen.loaded is not None
        assert [(p.name, p.role, p.note) for p in screen.loaded.detail.parties] == [
            ("Anna de Vries", PartyRole.COMPLAINANT, None), ("Dr. Bakker", PartyRole.RESPONDENT, "huisarts")]
        assert screen.loaded.detail.timeline[0].summary == parties.added_line(PartyRole.RESPONDENT)
        assert "Dr. Bakker is toegevoegd als aangeklaagde." in [n.message for n in app._notifications]
        # with people now, ``a`` corrects their role and note again
        await pilot.press("a")
        await settle(pilot, app)
        assert isinstance(app.screen, PartyDialog)
        await pilot.press("escape")
        await settle(pilot, app)

        # the planner invites everyone, the new aangeklaagde too
        await pilot.press("p")
        await settle(pilot, app)
        planner_screen = app.screen
        assert isinstance(planner_screen, PlannerScreen)
        assert planner_screen.info is not None and planner_screen.info.has_respondent
        assert planner_screen.focused is not None and planner_screen.focused.id == "type"
        await write(pilot, "g")  # "Gesprek met alle betrokkenen"
        await settle(pilot, app)
        assert str(planner_screen.query_one("#type-error").render()).strip() == ""
        await pilot.press("tab", "tab")  # participants, location
        assert planner_screen.focused is not None and planner_screen.focused.id == "location"
        await write(pilot, "Kamer 2")
        await pilot.press("ctrl+f", "enter")  # the first proposal
        await settle(pilot, app)
        await pilot.press("enter")  # Plannen
        await settle(pilot, app)
        [view] = planner.sessions_for_case(context, case)
        assert view.type is SessionType.ALL_INVOLVED
        assert [p.role for p in view.participants] == ["klachtenfunctionaris", "klager", "aangeklaagde"]


async def test_ctrl_b_adds_one_more_and_a_factuurvraag_has_none(sqlite_context: Context) -> None:
    context = sqlite_context
    case = register_case(context, involved=())
    vraag = register(context, ComplaintKind.INVOICE_QUESTION)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case)
        await pilot.press("ctrl+b")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, AddPartyDialog)
        await write(pilot, "Carla Cohen")
        await pilot.press("tab")
        await write(pilot, "b")  # betrokkene
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and screen.loaded is not None
        assert [(p.name, p.role) for p in screen.loaded.detail.parties[1:]] == [
            ("Bert Bakker", PartyRole.RESPONDENT), ("Carla Cohen", PartyRole.INVOLVED)]

        # a known person, offered by the phone number typed: taken over, not made again
        await pilot.press("ctrl+b")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, AddPartyDialog)
        await write(pilot, "Jan")
        await pilot.press("tab", "tab")  # role, phone
        await write(pilot, "06 12345678")
        await settle(pilot, app)
        await pilot.press("tab", "tab")  # e-mail, known person
        assert dialog.focused is not None and dialog.focused.id == "known"
        await write(pilot, "J")  # Jan de Vries, the klager of the factuurvraag
        await settle(pilot, app)
        assert dialog.query_one("#name", Input).value == "Jan de Vries"
        assert dialog.query_one("#email", Input).value == "jan@example.nl"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and screen.loaded is not None
        known = complaints.get_case(context, vraag.id, record_view=False).parties[0].person_id
        assert [(p.person_id, p.role) for p in screen.loaded.detail.parties[3:]] == [(known, PartyRole.RESPONDENT)]

        app.pop_screen()
        screen = await open_case(pilot, app, vraag.id)
        assert screen.check_action("add_party", ()) is None
        assert screen.why_not_now("party") == ("Een factuurvraag heeft geen aangeklaagde of betrokkenen; alleen een "
                                               "klacht heeft die.")
