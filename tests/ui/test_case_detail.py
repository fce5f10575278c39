"""The case detail screen by keyboard: one case from nieuw to gesloten, the timeline
filters, a stale edit that keeps the user's input, and a view without personal data."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Select, Tabs, TextArea

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.models import DeadlineState, EventType, StaffRole, Status
from klachtdesk.paths import outbox_dir
from klachtdesk.screens.case_actions import (
    AssignDialog,
    CloseDialog,
    ContactDialog,
    EditDialog,
    MessageDialog,
    StatusDialog,
)
from klachtdesk.screens.case_detail import (
    CaseDetailScreen,
    render_deadlines,
    render_fields,
    render_parties,
    render_timeline,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from tests.ui.typing import type_text
from tests.ui.waiting import workers_done

SIZE = (140, 45)


def register(context: Context) -> int:
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
        involved=[PersonInput(name="Dr. Bakker", role=complaints.PartyRole.RESPONDENT, note="huisarts")],
    )).id


def other_user(context: Context, username: str, *roles: StaffRole, name: str) -> Context:
    with context.db.write() as session:
        staff.create_staff(session, context, username, name, set(roles))
    other = Context(db=context.db, clock=context.clock, settings=context.settings)
    other.user = staff.sign_in(other, username)
    return other


async def settle(pilot, app: KlachtdeskApp) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


async def write(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await type_text(pilot, text)


async def open_case(pilot, app: KlachtdeskApp, case_id: int) -> CaseDetailScreen:  # type: ignore[no-untyped-def]
    await settle(pilot, app)
    app.action_open_case(case_id)
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, CaseDetailScreen) and screen.loaded is not None
    return screen


def plain(renderable: object) -> str:
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def case(context: Context, case_id: int) -> complaints.CaseDetail:
    return complaints.get_case(context, case_id, record_view=False)


async def test_one_case_from_new_to_closed_by_keys(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        assert screen.loaded.detail.status is Status.NEW  # type: ignore[union-attr]
        assert app.screen.check_action("close_case", ()) is False  # not possible yet: out of the footer

        # t: assign (the only candidate, Tess Tester, is preselected)
        await pilot.press("t")
        await settle(pilot, app)
        assert isinstance(app.screen, AssignDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert case(context, case_id).status is Status.ASSIGNED
        assert screen.loaded.detail.handler == "Tess Tester"  # type: ignore[union-attr]

        # c: the handler's first contact
        await pilot.press("c")
        await settle(pilot, app)
        assert isinstance(app.screen, ContactDialog)
        await write(pilot, "gebeld")
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        # b: the acknowledgement (the first message is offered first)
        await pilot.press("b")
        await settle(pilot, app)
        assert isinstance(app.screen, MessageDialog)
        assert app.screen.query_one("#template", Select).value == "ontvangstbevestiging"
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        # s: in behandeling (first of the next steps)
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, StatusDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert case(context, case_id).status is Status.IN_PROGRESS

        # b: a progress update
        await pilot.press("b")
        await settle(pilot, app)
        assert app.screen.query_one("#template", Select).value == "voortgang"
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        # b: the decision; the spots to fill in are selected one after another
        await pilot.press("b")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, MessageDialog)
        await pilot.press("space", "down", "enter")  # template: Beslissing op de klacht
        await settle(pilot, app)
        assert dialog.query_one("#template", Select).value == "beslissing"
        await write(pilot, "gegrond")  # replaces [OORDEEL INVULLEN], selected for us
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "MAATREGELEN INVULLEN" in str(dialog.query_one("#error").render())
        await write(pilot, "cursus")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await write(pilot, "maart")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

        # s: oplossing voorgesteld (second of the next steps), chosen by typing its first letters
        await pilot.press("s")
        await settle(pilot, app)
        await pilot.press("o", "p", "ctrl+s")
        await settle(pilot, app)
        assert case(context, case_id).status is Status.SOLUTION_PROPOSED

        # x: close, klager accepted
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, CloseDialog)
        await write(pilot, "excuses")
        await pilot.press("tab", "space", "down", "enter")
        await settle(pilot, app)
        assert app.screen.query_one("#accepted", Select).value == "ja"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen

        final = case(context, case_id)
        assert final.status is Status.CLOSED and final.accepted == "ja"
        assert final.resolution == "excuses" and final.closed_at == context.now()
        assert {d.kind.value: d.state for d in final.deadlines} == {
            "reactie": DeadlineState.MET, "eerste contact": DeadlineState.MET, "beslissing": DeadlineState.MET,
        }
        types = [e.type for e in final.timeline if e.type is not EventType.VIEWED]
        assert types.count(EventType.MESSAGE) == 3 and types.count(EventType.CONTACT) == 1
        assert types.count(EventType.ASSIGNED) == 1 and types.count(EventType.STATUS_CHANGED) == 4
        decision = next(e for e in final.timeline if e.type is EventType.MESSAGE)
        assert "Ons oordeel:\ngegrond\n\nMaatregelen:\ncursus\n" in (decision.body or "")
        assert len(list(Path(outbox_dir()).glob("*.eml"))) == 3
        # the screen shows the end of the path and the closed deadlines
        assert screen.loaded.detail.status is Status.CLOSED  # type: ignore[union-attr]
        assert plain(render_deadlines(screen.loaded)).count("op tijd") == 3  # type: ignore[arg-type]
        assert screen.check_action("reopen", ()) is True and screen.check_action("close_case", ()) is False

        # escape goes back to the inbox
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, CaseDetailScreen)


async def test_timeline_filters(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    v = workflow.assign(context, case_id, case(context, case_id).version, context.user.id)
    workflow.log_contact(context, case_id, "telefoon", "uit", "Gebeld over de klacht")
    workflow.add_note(context, case_id, "Klant wil vooral excuses")
    workflow.add_note(context, case_id, "Thuissituatie besproken", confidential=True)
    complaints.update_fields(context, case_id, v, {"category": "Bejegening"})
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        assert screen.loaded is not None

        def shown() -> str:
            return plain(render_timeline(screen.loaded, screen.timeline_filter))  # type: ignore[arg-type]

        everything = shown()
        for text in ("Gebeld over de klacht", "Klant wil vooral excuses", "Thuissituatie besproken",
                     "Aard van de klacht gewijzigd", "Toegewezen aan Tess Tester", "Klacht geregistreerd"):
            assert text in everything
        assert "ingezien" not in everything
        expectations = {
            "2": ("contact", ["Gebeld over de klacht"], ["Klant wil vooral excuses", "Toegewezen"]),
            "3": ("berichten", ["Nog niets in deze categorie"], ["Gebeld"]),
            "4": ("notities", ["Klant wil vooral excuses", "Thuissituatie besproken"], ["Gebeld", "Toegewezen"]),
            "5": ("wijzigingen", ["Toegewezen aan Tess Tester", "Aard van de klacht gewijzigd",
                                  "Klacht geregistreerd"], ["Gebeld", "Klant wil"]),
            "1": ("alles", ["Gebeld", "Klant wil vooral excuses", "Toegewezen"], []),
        }
        for key, (name, present, absent) in expectations.items():
            await pilot.press(key)
            await settle(pilot, app)
            assert screen.timeline_filter == name
            assert screen.query_one("#timeline-filter", Tabs).active == name
            text = shown()
            assert all(p in text for p in present), (name, text)
            assert not any(a in text for a in absent), (name, text)
        # newest first
        assert everything.index("Aard van de klacht gewijzigd") < everything.index("Klacht geregistreerd")


async def test_a_stale_edit_keeps_the_users_input(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    colleague = other_user(context, "anna", StaffRole.MANAGER, name="Anna de Wit")
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        await pilot.press("e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        # meanwhile a colleague changes the category of the same case
        complaints.update_fields(colleague, case_id, case(context, case_id).version, {"category": "Bejegening"})
        dialog.query_one("#description", TextArea).load_text("De arts was onvriendelijk en te laat.")
        dialog.query_one("#description", TextArea).focus()
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        assert app.screen is dialog  # refused: the dialog stays, with the message and the input
        error = str(dialog.query_one("#error").render())
        assert "gewijzigd door Anna de Wit" in error
        assert "Nu opgeslagen — aard van de klacht: Bejegening" in error
        assert dialog.query_one("#description", TextArea).text == "De arts was onvriendelijk en te laat."
        assert case(context, case_id).description == "De arts was onvriendelijk."

        # Esc keeps the input; reopening brings it back (on top of the new version)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is screen and screen.loaded.detail.category == "Bejegening"  # type: ignore[union-attr]
        await pilot.press("e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        assert dialog.query_one("#description", TextArea).text == "De arts was onvriendelijk en te laat."
        assert dialog.query_one("#category", Select).value == "Bejegening"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        saved = case(context, case_id)
        assert saved.description == "De arts was onvriendelijk en te laat."
        assert saved.category == "Bejegening"  # the colleague's change is not undone


async def test_a_stale_status_change_stays_in_the_dialog(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    colleague = other_user(context, "anna", StaffRole.MANAGER, name="Anna de Wit")
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("n")
        await settle(pilot, app)
        await write(pilot, "eerst")
        await pilot.press("escape")  # a note not saved is kept
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        assert app.screen.query_one("#text", TextArea).text == "eerst"
        await pilot.press("escape")
        await pilot.press("t")
        await settle(pilot, app)
        workflow.assign(colleague, case_id, case(context, case_id).version, colleague.user.id)
        app.screen.query_one("#reason", Input).value = "ik neem hem"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, AssignDialog)
        assert "gewijzigd door Anna de Wit" in str(app.screen.query_one("#error").render())
        assert app.screen.query_one("#reason", Input).value == "ik neem hem"


async def test_directie_sees_the_case_without_personal_data(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    workflow.add_note(context, case_id, "Klant wil vooral excuses")
    directie = other_user(context, "dirk", StaffRole.MANAGEMENT, name="Dirk Directie")
    app = create_app(directie, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        loaded = screen.loaded
        assert loaded is not None
        screen_text = "\n".join(plain(render(loaded)) for render in (render_fields, render_parties, render_deadlines))
        timeline = plain(render_timeline(screen.loaded, "alles"))  # type: ignore[arg-type]
        for personal in ("Jan de Vries", "0612345678", "06 12345678", "jan@example.nl", "onvriendelijk",
                         "Dr. Bakker", "Klant wil vooral excuses"):
            assert personal not in screen_text + timeline
        assert "geen inzage in persoonsgegevens" in screen_text
        assert "Interne notitie" in timeline and "KL-2026-000001" in screen_text
        for action in ("assign", "status", "contact", "message", "note", "edit", "close_case", "extend"):
            assert screen.check_action(action, ()) is False
        await pilot.press("t", "c", "b")  # hidden keys do nothing
        await settle(pilot, app)
        assert app.screen is screen


async def test_the_command_palette_offers_the_case_actions(sqlite_context: Context) -> None:
    context = sqlite_context
    case_id = register(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await write(pilot, "notit")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.query_one("#text", TextArea) is not None  # the note dialog
        await pilot.press("escape")
        await settle(pilot, app)
        # an action the case does not allow now says why instead
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await write(pilot, "herop")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
        assert any("Alleen een afgesloten zaak" in str(n.message) for n in app._notifications)


async def test_the_assign_dialog_shows_each_handlers_open_cases(sqlite_context: Context) -> None:
    """Issue 15, item 15: each behandelaar with the open cases they hold now, fewest first,
    so the klachtenmanager can spread the work; the least busy is preselected."""
    from klachtdesk.widgets.type_select import TypeSelect

    context = sqlite_context
    petra = other_user(context, "petra", StaffRole.HANDLER, name="Petra de Boer")
    karel = other_user(context, "karel", StaffRole.HANDLER, name="Karel Appel")
    for _ in range(2):
        held = register(context)
        workflow.assign(context, held, case(context, held).version, petra.user.id)
    for _ in range(2):
        held = register(context)
        workflow.assign(context, held, case(context, held).version, context.user.id)  # Tess Tester
    held = register(context)
    workflow.assign(context, held, case(context, held).version, karel.user.id)
    case_id = register(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("t")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, AssignDialog)
        select = dialog.query_one("#handler", TypeSelect)
        labels = [label for label, _ in select._choices()]
        assert [label.split(" (")[0] for label in labels] == [
            "Karel Appel — 1 open", "Petra de Boer — 2 open", "Tess Tester — 2 open"]
        assert select.value == karel.user.id


async def test_the_assign_dialog_proposes_a_behandelaar_not_the_klachtenfunctionaris(sqlite_context: Context) -> None:
    """The least busy candidate is the klachtenfunctionaris (independent): the dialog proposes
    the least busy behandelaar, offers her too; a case with a behandelaar keeps them proposed."""
    from klachtdesk.widgets.type_select import TypeSelect

    context = sqlite_context
    olga = other_user(context, "olga", StaffRole.OFFICER, name="Olga Onafhankelijk")
    petra = other_user(context, "petra", StaffRole.HANDLER, name="Petra de Boer")
    held = register(context)
    workflow.assign(context, held, case(context, held).version, context.user.id)  # Tess Tester: 1 open
    case_id = register(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("t")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, AssignDialog)
        select = dialog.query_one("#handler", TypeSelect)
        assert [value for _, value in select._choices()][0] == olga.user.id  # fewest open, selectable
        assert select.value == petra.user.id
        await pilot.press("escape")
        await settle(pilot, app)
    workflow.assign(context, case_id, case(context, case_id).version, olga.user.id)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("t")
        await settle(pilot, app)
        assert app.screen.query_one("#handler", TypeSelect).value == olga.user.id  # hers: kept
